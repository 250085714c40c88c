//! The README's walk-through ("Starting from an empty database"), once with the `peiyu`
//! commands and once over HTTP against `peiyu serve`, leaves the same database: the same rows
//! in every domain table (ids and instants aside) and the same audit actions. On SQLite, and on
//! PostgreSQL and MariaDB when their URLs are set.

use std::process::{Command, Output};

use peiyu_tests::{TestDb, audit_actions, domain_rows, kinds};
use serde_json::{Value, json};

use crate::server::Server;

/// The walk-through's day: its last dated step is 2023-03-01; the report asks as of 2023-06-30.
const CLOCK: &str = "2023-06-30";
const HUAWEI: &str = "914403001922038216";

fn peiyu(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_peiyu"))
        .env_remove("PEIYU_CALENDAR_OVERRIDE")
        .env_remove("PEIYU_AS")
        .env_remove("PEIYU_LANG")
        .env("PEIYU_CLOCK", CLOCK)
        .env("PEIYU_DATABASE_URL", db)
        .args(args)
        .output()
        .expect("run peiyu")
}

/// Runs a step of the walk-through that must succeed (`ok`) or fail.
fn step(db: &str, ok: bool, args: &[&str]) -> Output {
    let out = peiyu(db, args);
    assert_eq!(
        out.status.success(),
        ok,
        "peiyu {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The walk-through's commands that change the database, as the README gives them.
fn with_the_cli(db: &str) {
    step(db, true, &["init"]);
    step(
        db,
        true,
        &["officer", "add", "wang", "--name", "王芳", "--role", "lead"],
    );
    step(
        db,
        true,
        &["team", "add", "企业培育工作专班", "--lead", "wang"],
    );
    step(
        db,
        true,
        &[
            "--as",
            "wang",
            "enterprise",
            "add",
            "--uscc",
            HUAWEI,
            "--name",
            "华为技术有限公司",
            "--sector",
            "工业",
            "--town",
            "石龙镇",
            "--land-area",
            "18.7",
        ],
    );
    step(
        db,
        false,
        &[
            "enterprise",
            "add",
            "--uscc",
            "914403001922038217",
            "--name",
            "错码企业",
            "--sector",
            "industry",
            "--town",
            "石龙镇",
        ],
    );
    step(
        db,
        true,
        &[
            "case",
            "open",
            "华为",
            "--track",
            "industrial",
            "--target",
            "2023-10-31",
            "--on",
            "2023-01-05",
        ],
    );
    step(
        db,
        true,
        &[
            "case",
            "advance",
            "华为",
            "--track",
            "industrial",
            "--to",
            "cultivating",
            "--on",
            "2023-01-10",
        ],
    );
    // Filtered by stage, the list says each firm's stage and track.
    let out = step(db, true, &["enterprise", "list", "--stage", "cultivating"]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("阶段") && listed.contains("培育中"),
        "{listed}"
    );
    assert!(listed.contains("华为"), "{listed}");
    step(
        db,
        false,
        &[
            "case",
            "advance",
            "华为",
            "--track",
            "industrial",
            "--to",
            "qualified",
            "--on",
            "2023-03-01",
        ],
    );
    for month in ["2023-01", "2023-02"] {
        step(
            db,
            true,
            &[
                "metrics",
                "add",
                "华为",
                "--month",
                month,
                "--revenue",
                "1200万",
                "--output-value",
                "1250万",
            ],
        );
    }
    step(
        db,
        true,
        &[
            "case",
            "advance",
            "华为",
            "--track",
            "industrial",
            "--to",
            "qualified",
            "--on",
            "2023-03-01",
            "--dry-run",
        ],
    );
    step(
        db,
        true,
        &[
            "batch",
            "assign",
            "华为",
            "--list",
            "2023",
            "--batch",
            "2",
            "--reason",
            "培育对象",
            "--on",
            "2023-02-01",
        ],
    );
    step(db, true, &["tick"]);
}

/// `peiyu serve` on `db` at the walk-through's clock.
fn serve(db: &str, dir: &std::path::Path) -> Server {
    crate::server::serve(
        dir,
        "serve.out",
        &[("PEIYU_CLOCK", CLOCK), ("PEIYU_DATABASE_URL", db)],
    )
}

/// One request: its status, `ETag` and body.
fn http(
    server: &Server,
    method: &str,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, Option<String>, String) {
    let r = crate::server::http(server, method, path, token, headers, body.as_ref());
    (r.status, r.etag, r.body)
}

fn token(db: &str, login: &str) -> String {
    let out = step(
        db,
        true,
        &[
            "--json", "token", "create", "--for", login, "--name", "walk",
        ],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["secret"].as_str().unwrap().to_owned()
}

/// The same walk-through over HTTP: `init` and the tokens through the CLI (the API has no
/// `init`, and a token is how one reaches it), every change through the API.
fn over_http(db: &str, dir: &std::path::Path) {
    step(db, true, &["init"]);
    let admin = token(db, "admin");
    let server = serve(db, dir);
    let post = |token: &str, path: &str, headers: &[(&str, &str)], body: Value| {
        http(&server, "POST", path, token, headers, Some(body))
    };
    let expect = |(status, _, body): (u16, Option<String>, String), want: u16| {
        assert_eq!(status, want, "{body}");
    };
    expect(
        post(
            &admin,
            "/api/v1/officers",
            &[],
            json!({"login": "wang", "name": "王芳", "role": "lead"}),
        ),
        201,
    );
    expect(
        post(
            &admin,
            "/api/v1/teams",
            &[],
            json!({"name": "企业培育工作专班", "lead": "wang"}),
        ),
        201,
    );
    let wang = token(db, "wang");
    expect(
        post(
            &wang,
            "/api/v1/enterprises",
            &[],
            json!({"uscc": HUAWEI,
        "name": "华为技术有限公司", "sector": "工业", "town": "石龙镇", "land_area": "18.7"}),
        ),
        201,
    );
    expect(
        post(
            &admin,
            "/api/v1/enterprises",
            &[],
            json!({"uscc": "914403001922038217",
        "name": "错码企业", "sector": "industry", "town": "石龙镇"}),
        ),
        422,
    );
    let cases = format!("/api/v1/enterprises/{HUAWEI}/cases");
    expect(
        post(
            &admin,
            &cases,
            &[],
            json!({"track": "industrial", "target": "2023-10-31",
        "on": "2023-01-05"}),
        ),
        201,
    );
    let (_, tag, _) = http(
        &server,
        "GET",
        &format!("{cases}?track=industrial"),
        &admin,
        &[],
        None,
    );
    let tag = tag.expect("the case's ETag");
    let advance = format!("{cases}/industrial/advance");
    let (status, tag2, body) = post(
        &admin,
        &advance,
        &[("If-Match", &tag)],
        json!({"to": "cultivating", "on": "2023-01-10"}),
    );
    assert_eq!(status, 200, "{body}");
    let tag2 = tag2.expect("the ETag after the move");
    expect(
        post(
            &admin,
            &advance,
            &[("If-Match", &tag2)],
            json!({"to": "qualified", "on": "2023-03-01"}),
        ),
        422,
    );
    for month in ["2023-01", "2023-02"] {
        expect(
            post(
                &admin,
                &format!("/api/v1/enterprises/{HUAWEI}/metrics"),
                &[],
                json!({"month": month, "revenue": "1200万", "output_value": "1250万"}),
            ),
            200,
        );
    }
    expect(
        post(
            &admin,
            &advance,
            &[],
            json!({"to": "qualified", "on": "2023-03-01", "dry_run": true}),
        ),
        200,
    );
    expect(
        post(
            &admin,
            "/api/v1/batches/2023/entries",
            &[],
            json!({"enterprise": "华为",
        "batch": 2, "reason": "培育对象", "on": "2023-02-01"}),
        ),
        201,
    );
    expect(post(&admin, "/api/v1/tick", &[], json!({})), 200);
}

#[tokio::test]
async fn the_readmes_walk_through_over_http_leaves_the_database_the_cli_leaves() {
    for kind in kinds() {
        eprintln!("-- backend: {kind:?}");
        let (cli, api) = (TestDb::fresh(kind).await, TestDb::fresh(kind).await);
        let dir = tempfile::tempdir().unwrap();
        with_the_cli(&cli.url);
        over_http(&api.url, dir.path());
        let (by_cli, by_api) = (domain_rows(&cli.url).await, domain_rows(&api.url).await);
        assert!(!by_cli["tasks"].is_empty() && !by_cli["batch_moves"].is_empty());
        for (table, rows) in &by_cli {
            assert_eq!(rows, &by_api[table], "{kind:?}: the table {table} differs");
        }
        // The same changes audited; the API's side also made the tokens it used.
        let leave_out = ["token.create"];
        assert_eq!(
            audit_actions(&cli.url, &leave_out).await,
            audit_actions(&api.url, &leave_out).await,
            "{kind:?}"
        );
        cli.cleanup().await;
        api.cleanup().await;
    }
}
