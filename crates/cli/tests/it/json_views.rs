//! One serializer for one view: `peiyu --json …` prints exactly the JSON that the matching
//! `GET /api/v1/…` answers, for every view both have.

use crate::server::Server;
use crate::{peiyu_env, stderr};

const CLOCK: (&str, &str) = ("PEIYU_CLOCK", "2026-12-02");

/// `peiyu serve` on the database in `dir`, at the clock of these tests.
fn serve(dir: &std::path::Path) -> Server {
    crate::server::serve(dir, "serve.out", &[CLOCK])
}

/// The JSON body of `GET path` with a bearer token.
fn get(server: &Server, path: &str, token: &str) -> serde_json::Value {
    let r = crate::server::http(server, "GET", path, token, &[], None);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{path}: {e}: {}", r.body))
}

fn cli_json(dir: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = peiyu_env(dir, &[CLOCK], &all);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stderr(&out)))
}

#[test]
fn the_cli_and_the_api_give_the_same_json_for_the_same_view() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = peiyu_env(dir.path(), &[CLOCK], args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        out
    };
    run(&["init"]);
    run(&[
        "enterprise",
        "add",
        "--uscc",
        "914403001922038216",
        "--name",
        "华为技术有限公司",
        "--sector",
        "工业",
        "--town",
        "石龙镇",
    ]);
    run(&[
        "case",
        "open",
        "华为",
        "--track",
        "industrial",
        "--on",
        "2026-11-20",
    ]);
    run(&[
        "case",
        "advance",
        "华为",
        "--track",
        "industrial",
        "--to",
        "cultivating",
        "--on",
        "2026-12-01",
    ]);
    run(&[
        "batch",
        "assign",
        "华为",
        "--list",
        "2026",
        "--batch",
        "2",
        "--reason",
        "年度名单",
    ]);
    let token = cli_json(dir.path(), &["token", "create", "--name", "test"]);
    let token = token["secret"].as_str().unwrap().to_owned();
    let server = serve(dir.path());

    let tasks = cli_json(dir.path(), &["task", "list"]);
    let task_id = tasks[0]["short_id"].as_str().unwrap().to_owned();
    let task_path = format!("/api/v1/tasks/{task_id}");
    let later: Vec<(Vec<&str>, &str)> = vec![
        (vec!["officer", "list"], "/api/v1/officers"),
        (vec!["team", "list"], "/api/v1/teams"),
        (vec!["audit", "log"], "/api/v1/audit/log"),
        (
            vec![
                "audit",
                "log",
                "--enterprise",
                "华为",
                "--action",
                "推进阶段",
            ],
            "/api/v1/audit/log?enterprise=%E5%8D%8E%E4%B8%BA&action=case.advance",
        ),
        (vec!["track", "list"], "/api/v1/tracks"),
        (
            vec!["track", "show", "industrial"],
            "/api/v1/tracks/industrial",
        ),
        (vec!["task", "show", &task_id], &task_path),
        (
            vec!["batch", "history", "914403001922038216"],
            "/api/v1/enterprises/914403001922038216/batches",
        ),
        (vec!["asof", "2026-12-01"], "/api/v1/asof/2026-12-01"),
        (
            vec!["metrics", "list", "914403001922038216"],
            "/api/v1/enterprises/914403001922038216/metrics",
        ),
        (
            vec!["target", "list", "--year", "2026"],
            "/api/v1/targets?year=2026",
        ),
    ];
    for (args, path) in &later {
        let cli = cli_json(dir.path(), args);
        let api = get(&server, path, &token);
        assert_eq!(
            cli,
            api,
            "`peiyu --json {}` and GET {path} differ",
            args.join(" ")
        );
    }
    let audit = cli_json(dir.path(), &["audit", "log", "--enterprise", "华为"]);
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["subject_label"] == "华为技术有限公司" && e["actor_name"] == "管理员"),
        "{audit}"
    );

    let pairs: [(&[&str], &str); 9] = [
        (&["enterprise", "list"], "/api/v1/enterprises"),
        (
            &["history", "914403001922038216", "--format", "json"],
            "/api/v1/enterprises/914403001922038216/history",
        ),
        (&["audit", "verify"], "/api/v1/audit/verify"),
        (&["calendar", "check"], "/api/v1/calendar"),
        (&["task", "list"], "/api/v1/tasks"),
        (
            &["case", "show", "914403001922038216"],
            "/api/v1/enterprises/914403001922038216/cases",
        ),
        (&["batch", "list", "--list", "2026"], "/api/v1/batches/2026"),
        (
            &["report", "progress", "--year", "2026"],
            "/api/v1/reports/progress?year=2026",
        ),
        (
            &["enterprise", "show", "914403001922038216"],
            "/api/v1/enterprises/914403001922038216",
        ),
    ];
    let mut seen = Vec::new();
    for (args, path) in pairs {
        let cli = cli_json(dir.path(), args);
        let api = get(&server, path, &token);
        assert_eq!(
            cli,
            api,
            "`peiyu --json {}` and GET {path} differ",
            args.join(" ")
        );
        assert!(cli.is_object() || cli.is_array(), "{cli}");
        seen.push(cli);
    }
    // The views are not empty: the comparison compared something.
    assert_eq!(seen[0].as_array().map(Vec::len), Some(1));
    assert!(
        seen[1]["entries"].as_array().unwrap().len() >= 4,
        "{}",
        seen[1]
    );
    // By effective day: the case opened on 2026-11-20 and advanced on 2026-12-01 come before
    // the enterprise's record, entered today.
    assert_eq!(seen[1]["entries"][0]["action_label"], "立案培育");
    assert_eq!(seen[1]["entries"][1]["action_label"], "推进阶段");
    assert_eq!(seen[2]["ok"], true);
    assert_eq!(seen[3]["years"][1]["status"], "provisional");
    // Tasks and cases name the officer and the enterprise without a second read.
    let tasks = seen[4].as_array().unwrap();
    assert!(!tasks.is_empty(), "{}", seen[4]);
    assert_eq!(tasks[0]["assignee"], "admin");
    assert_eq!(tasks[0]["enterprise"]["name"], "华为技术有限公司");
    assert_eq!(seen[5]["cases"][0]["stage"], "cultivating");
    assert_eq!(seen[5]["cases"][0]["history"][1]["actor"], "admin");
    assert_eq!(seen[6]["entries"][0]["batch"], 2);
    assert_eq!(seen[7]["year"], 2026);
    assert_eq!(seen[8]["enterprise"]["name"], "华为技术有限公司");
}
