//! Short stress and crash runs, kept in CI (`.ci/reliability.sh`; docs/RELIABILITY.md has the
//! longer form, `PEIYU_STRESS_SCALE`): concurrent `peiyu` processes and HTTP clients of a
//! running `peiyu serve` adding and editing overlapping enterprises on SQLite and PostgreSQL,
//! every acknowledged success found afterwards, every edit counted once in the version, and the
//! audit log intact; a server killed with SIGKILL mid-write, restarted, and its unacknowledged
//! requests sent again with their `Idempotency-Key`s, losing nothing and acting once; an import
//! killed with SIGKILL mid-write leaves nothing half-written, and its re-run completes.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::server::{Reply, http, serve, try_http};
use peiyu_domain::Uscc;

use crate::{peiyu_env, stderr, stdout};

/// A valid USCC, distinct for each `n`.
fn uscc(n: u32) -> String {
    let org8 = format!("{:08}", 20_000_000 + n);
    let org9 = Uscc::organisation_check_character(&org8).unwrap();
    let first17 = format!("91450000{org8}{org9}");
    let check = Uscc::check_character(&first17).unwrap();
    format!("{first17}{check}")
}

/// How many times the short form's operations a run makes: `PEIYU_STRESS_SCALE` (default 1;
/// the longer form in docs/RELIABILITY.md uses 10).
fn scale() -> u32 {
    std::env::var("PEIYU_STRESS_SCALE")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1)
}

/// The databases to stress: SQLite in `dir`, and PostgreSQL when its test URL is set (a fresh
/// database created with psql, named after `tag` so that tests running at once do not share
/// one).
fn targets(dir: &Path, tag: &str) -> Vec<(String, Option<String>)> {
    let mut out = vec![(
        format!(
            "sqlite://{}?mode=rwc",
            dir.join(format!("{tag}.db")).display()
        ),
        None,
    )];
    if let Some(server) = std::env::var("PEIYU_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
    {
        let name = format!("peiyu_t_{tag}{}", std::process::id());
        let ok = Command::new("psql")
            .arg(&server)
            .arg("-qc")
            .arg(format!("CREATE DATABASE {name}"))
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
            out.push((format!("{base}/{name}"), Some(name)));
        }
    }
    out
}

fn drop_target(name: &Option<String>) {
    if let (Some(name), Ok(server)) = (name, std::env::var("PEIYU_TEST_POSTGRES_URL")) {
        let _ = Command::new("psql")
            .arg(&server)
            .arg("-qc")
            .arg(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .status();
    }
}

/// `peiyu enterprise add` of `code` named `name`.
fn add_args(code: &str, name: &str) -> Vec<String> {
    [
        "enterprise",
        "add",
        "--uscc",
        code,
        "--name",
        name,
        "--sector",
        "industry",
        "--town",
        "石龙镇",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// The JSON body of `POST /api/v1/enterprises` adding `code` named `name`.
fn add_body(code: &str, name: &str) -> Value {
    json!({"uscc": code, "name": name, "sector": "industry", "town": "石龙镇"})
}

/// Runs `peiyu` with owned arguments.
fn peiyu_args(dir: &Path, env: &[(&str, &str)], args: &[String]) -> std::process::Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    peiyu_env(dir, env, &args)
}

/// A token for the admin, made with `peiyu token create`.
fn admin_token(dir: &Path, env: &[(&str, &str)]) -> String {
    let out = peiyu_env(
        dir,
        env,
        &[
            "--json", "token", "create", "--for", "admin", "--name", "stress",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["secret"].as_str().unwrap().to_owned()
}

/// The USCCs of the enterprises on the books, by `peiyu --json enterprise list`.
fn listed(dir: &Path, env: &[(&str, &str)]) -> Vec<String> {
    let out = peiyu_env(dir, env, &["--json", "enterprise", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e["uscc"].as_str().unwrap().to_owned())
        .collect()
}

/// `audit verify` passes on the database at `env`.
fn audit_verifies(dir: &Path, env: &[(&str, &str)]) {
    let out = peiyu_env(dir, env, &["audit", "verify"]);
    assert!(out.status.success(), "{} {}", stdout(&out), stderr(&out));
}

/// An enterprise's version, from the `ETag` of `GET /api/v1/enterprises/{code}`.
fn version_of(server: &crate::server::Server, token: &str, code: &str) -> i64 {
    let r = http(
        server,
        "GET",
        &format!("/api/v1/enterprises/{code}"),
        token,
        &[],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    r.etag
        .as_deref()
        .and_then(|t| t.trim_matches('"').parse().ok())
        .unwrap_or_else(|| panic!("no version in {:?}", r.etag))
}

/// What the clients of a stress run were told.
#[derive(Default)]
struct Tally {
    /// Enterprises whose adding was acknowledged (exit 0, 201), by USCC.
    added: Vec<String>,
    /// Acknowledged edits, by the USCC of the enterprise edited.
    edits: BTreeMap<String, i64>,
    /// Operations tried (reads and replays included).
    ops: u32,
    /// Honest "try again" answers: exit 3, 409 or 503.
    refusals: u32,
    /// Repeats of an acknowledged add with its key, each answered with the first answer.
    replays: u32,
}

#[test]
fn concurrent_processes_and_http_clients_on_overlapping_enterprises_lose_nothing_acknowledged() {
    let (cli_workers, cli_ops) = (4u32, 10 * scale());
    let (http_clients, http_ops) = (6u32, 24 * scale());
    let dir = tempfile::tempdir().unwrap();
    for (url, name) in targets(dir.path(), "stress") {
        let started = Instant::now();
        let env = [("PEIYU_DATABASE_URL", url.as_str())];
        let out = peiyu_env(dir.path(), &env, &["init"]);
        assert!(out.status.success(), "{}", stderr(&out));
        // Three enterprises every worker and client edits.
        let shared: Vec<String> = (0..3).map(uscc).collect();
        for (n, code) in shared.iter().enumerate() {
            let out = peiyu_args(dir.path(), &env, &add_args(code, &format!("共享企业{n}")));
            assert!(out.status.success(), "{}", stderr(&out));
        }
        let token = admin_token(dir.path(), &env);
        let server = serve(dir.path(), "stress-serve.out", &env);
        let tally: Arc<Mutex<Tally>> = Arc::default();
        let mut handles = Vec::new();
        for w in 0..cli_workers {
            let (url, dir) = (url.clone(), dir.path().to_path_buf());
            let (tally, shared) = (tally.clone(), shared.clone());
            handles.push(std::thread::spawn(move || {
                let env = [("PEIYU_DATABASE_URL", url.as_str())];
                for i in 0..cli_ops {
                    let (out, change) = if i % 2 == 0 {
                        let code = uscc(100 + w * 1000 + i);
                        let args = add_args(&code, &format!("压力企业{w}-{i}"));
                        (peiyu_args(&dir, &env, &args), Err(code))
                    } else {
                        let target = shared[(i % 3) as usize].clone();
                        let address = format!("工人{w}第{i}次");
                        let args = [
                            "enterprise",
                            "edit",
                            &target,
                            "--address",
                            &address,
                            "--reason",
                            "压力测试",
                        ];
                        (peiyu_env(&dir, &env, &args), Ok(target))
                    };
                    // Success, or an honest "try again" (3): never a crash or a raw lock error.
                    let code = out.status.code();
                    assert!(
                        code == Some(0) || code == Some(3),
                        "worker {w} op {i}: {code:?} {}",
                        stderr(&out)
                    );
                    assert!(
                        !stderr(&out).contains("database is locked"),
                        "{}",
                        stderr(&out)
                    );
                    let mut t = tally.lock().unwrap();
                    t.ops += 1;
                    match (code, change) {
                        (Some(0), Err(added)) => t.added.push(added),
                        (Some(0), Ok(edited)) => *t.edits.entry(edited).or_default() += 1,
                        _ => t.refusals += 1,
                    }
                }
            }));
        }
        for c in 0..http_clients {
            let (addr, token) = (server.addr.clone(), token.clone());
            let (tally, shared) = (tally.clone(), shared.clone());
            handles.push(std::thread::spawn(move || {
                for i in 0..http_ops {
                    let send = |method: &str, path: &str, headers: &[(&str, &str)], body| {
                        try_http(&addr, method, path, &token, headers, body)
                            .unwrap_or_else(|e| panic!("client {c} op {i}: {method} {path}: {e}"))
                    };
                    let target = shared[((c + i) % 3) as usize].clone();
                    let key = format!("c{c}-{i}");
                    match i % 3 {
                        0 => {
                            let code = uscc(50_000 + c * 10_000 + i);
                            let body = add_body(&code, &format!("接口企业{c}-{i}"));
                            let headers = [("Idempotency-Key", key.as_str())];
                            let first = send("POST", "/api/v1/enterprises", &headers, Some(&body));
                            if first.status != 201 {
                                assert_eq!(first.status, 503, "client {c} op {i}: {}", first.body);
                                let mut t = tally.lock().unwrap();
                                t.ops += 1;
                                t.refusals += 1;
                                continue;
                            }
                            // The same request again: the first answer, verbatim.
                            let again = send("POST", "/api/v1/enterprises", &headers, Some(&body));
                            assert!(again.replayed, "client {c} op {i}: {again:?}");
                            assert_eq!(
                                (again.status, &again.body, &again.etag),
                                (first.status, &first.body, &first.etag)
                            );
                            let mut t = tally.lock().unwrap();
                            t.ops += 2;
                            t.replays += 1;
                            t.added.push(code);
                        }
                        1 => {
                            let body =
                                json!({"address": format!("客户{c}第{i}次"), "reason": "压力测试"});
                            let headers = [("Idempotency-Key", key.as_str()), ("If-Match", "*")];
                            let path = format!("/api/v1/enterprises/{target}");
                            let r = send("PATCH", &path, &headers, Some(&body));
                            let mut t = tally.lock().unwrap();
                            t.ops += 1;
                            match r.status {
                                200 => *t.edits.entry(target).or_default() += 1,
                                409 | 503 => t.refusals += 1,
                                other => panic!("client {c} op {i}: {other} {}", r.body),
                            }
                        }
                        _ => {
                            // Reads go on whatever the writers do.
                            let path = format!("/api/v1/enterprises/{target}");
                            let r = send("GET", &path, &[], None);
                            assert_eq!(r.status, 200, "client {c} op {i}: {}", r.body);
                            tally.lock().unwrap().ops += 1;
                        }
                    }
                }
            }));
        }
        for h in handles {
            h.join().unwrap();
        }
        let tally = tally.lock().unwrap();
        let on_books = listed(dir.path(), &env);
        for code in &tally.added {
            assert!(
                on_books.contains(code),
                "acknowledged {code} is missing on {url}"
            );
        }
        assert_eq!(
            on_books.len(),
            3 + tally.added.len(),
            "no enterprise that was not acknowledged"
        );
        for code in &shared {
            let edits = tally.edits.get(code).copied().unwrap_or_default();
            assert_eq!(
                version_of(&server, &token, code),
                1 + edits,
                "every acknowledged edit of {code} counted once, nothing else"
            );
        }
        assert!(!tally.edits.is_empty());
        audit_verifies(dir.path(), &env);
        eprintln!(
            "stress on {}: {} CLI processes × {cli_ops} and {} HTTP clients × {http_ops}: {} operations, {} adds and {} edits acknowledged, {} replays, {} refusals, in {:?}",
            url.split(':').next().unwrap_or_default(),
            cli_workers,
            http_clients,
            tally.ops,
            tally.added.len(),
            tally.edits.values().sum::<i64>(),
            tally.replays,
            tally.refusals,
            started.elapsed()
        );
        drop(server);
        drop_target(&name);
    }
}

/// One keyed write a client sent to a server that was then killed: what it was, and the answer
/// it got, if a whole one came back before the kill.
struct Sent {
    method: &'static str,
    path: String,
    key: String,
    body: Value,
    /// The status of success: 201 for an add, 200 for an edit.
    ok: u16,
    /// The USCC added, for an add.
    adds: Option<String>,
    /// The answer, when the client got one (any status).
    answer: Option<Reply>,
}

#[test]
fn a_server_killed_mid_write_loses_nothing_acknowledged_and_keyed_retries_act_once() {
    let (clients, ops, kills) = (4u32, 40 * scale(), 2u64);
    let dir = tempfile::tempdir().unwrap();
    for (url, name) in targets(dir.path(), "killserve") {
        let started = Instant::now();
        let env = [("PEIYU_DATABASE_URL", url.as_str())];
        let out = peiyu_env(dir.path(), &env, &["init"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let shared = uscc(0);
        let out = peiyu_args(dir.path(), &env, &add_args(&shared, "共享企业"));
        assert!(out.status.success(), "{}", stderr(&out));
        let token = admin_token(dir.path(), &env);
        let mut sent: Vec<Sent> = Vec::new();
        for round in 0..kills {
            let mut server = serve(dir.path(), &format!("kill-serve-{round}.out"), &env);
            let mut handles = Vec::new();
            for c in 0..clients {
                let (addr, token, shared) = (server.addr.clone(), token.clone(), shared.clone());
                handles.push(std::thread::spawn(move || {
                    let mut mine = Vec::new();
                    for i in 0..ops {
                        let key = format!("r{round}-c{c}-{i}");
                        let n = 1 + round as u32 * 100_000 + c * 10_000 + i;
                        let mut req = if i % 4 == 3 {
                            Sent {
                                method: "PATCH",
                                path: format!("/api/v1/enterprises/{shared}"),
                                key,
                                body: json!({"address": format!("第{n}次"), "reason": "断电测试"}),
                                ok: 200,
                                adds: None,
                                answer: None,
                            }
                        } else {
                            let code = uscc(n);
                            Sent {
                                method: "POST",
                                path: "/api/v1/enterprises".into(),
                                key,
                                body: add_body(&code, &format!("断电企业{n}")),
                                ok: 201,
                                adds: Some(code),
                                answer: None,
                            }
                        };
                        let headers = [("Idempotency-Key", req.key.as_str()), ("If-Match", "*")];
                        req.answer = try_http(
                            &addr,
                            req.method,
                            &req.path,
                            &token,
                            &headers,
                            Some(&req.body),
                        )
                        .ok();
                        mine.push(req);
                    }
                    mine
                }));
            }
            // Mid-run: the longer form's rounds are longer, so are its waits.
            std::thread::sleep(Duration::from_millis(
                (300 + 400 * round) * u64::from(scale()),
            ));
            server.kill9();
            for h in handles {
                sent.extend(h.join().unwrap());
            }
        }
        let acknowledged = |s: &Sent| s.answer.as_ref().is_some_and(|a| a.status == s.ok);
        let acked = sent.iter().filter(|s| acknowledged(s)).count();
        let unacked = sent.len() - acked;
        assert!(
            unacked > 0 && acked > 0,
            "{url}: {acked} acknowledged, {unacked} not: the kills missed the writes; change the timing"
        );
        // Nothing acknowledged was lost by the kills.
        let on_books = listed(dir.path(), &env);
        for s in sent.iter().filter(|s| acknowledged(s)) {
            if let Some(code) = &s.adds {
                assert!(on_books.contains(code), "acknowledged {code} lost on {url}");
            }
        }
        audit_verifies(dir.path(), &env);
        // Restarted, every request sent again with its key: the acknowledged ones replay their
        // first answer, the others act now (or replay, when they acted before the kill).
        let server = serve(dir.path(), "kill-serve-after.out", &env);
        let mut replayed = 0;
        for s in &sent {
            let headers = [("Idempotency-Key", s.key.as_str()), ("If-Match", "*")];
            let again = http(&server, s.method, &s.path, &token, &headers, Some(&s.body));
            assert_eq!(again.status, s.ok, "{} {}: {}", s.method, s.key, again.body);
            if acknowledged(s) {
                let first = s.answer.as_ref().unwrap();
                assert!(again.replayed, "{}: {again:?}", s.key);
                assert_eq!((&again.body, &again.etag), (&first.body, &first.etag));
            }
            replayed += usize::from(again.replayed);
        }
        let adds: Vec<&String> = sent.iter().filter_map(|s| s.adds.as_ref()).collect();
        let on_books = listed(dir.path(), &env);
        assert_eq!(on_books.len(), 1 + adds.len(), "each add acted once");
        assert!(adds.iter().all(|code| on_books.contains(code)));
        let edits = sent.iter().filter(|s| s.adds.is_none()).count() as i64;
        assert_eq!(
            version_of(&server, &token, &shared),
            1 + edits,
            "each edit acted once"
        );
        audit_verifies(dir.path(), &env);
        eprintln!(
            "server killed {kills} times on {}: {} keyed writes, {acked} acknowledged before the kills, {unacked} not; all sent again: {replayed} replays, {} acted; nothing lost, in {:?}",
            url.split(':').next().unwrap_or_default(),
            sent.len(),
            sent.len() - replayed,
            started.elapsed()
        );
        drop(server);
        drop_target(&name);
    }
}

#[test]
fn an_import_killed_mid_write_leaves_nothing_half_written_and_its_rerun_completes() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("PEIYU_DATABASE_URL", "sqlite://kill.db?mode=rwc")];
    let out = peiyu_env(dir.path(), &env, &["init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = peiyu_env(
        dir.path(),
        &env,
        &[
            "enterprise",
            "add",
            "--uscc",
            &uscc(0),
            "--name",
            "模板企业",
            "--sector",
            "industry",
            "--town",
            "石龙镇",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = peiyu_env(
        dir.path(),
        &env,
        &["export", "enterprises", "-o", "one.csv"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let one = std::fs::read_to_string(dir.path().join("one.csv")).unwrap();
    let mut lines = one.lines();
    let header = lines.next().unwrap().to_owned();
    let template = lines.next().unwrap().to_owned();
    let mut csv = header.clone();
    csv.push_str("\r\n");
    const ROWS: u32 = 20_000;
    for n in 1..=ROWS {
        csv.push_str(
            &template
                .replace(&uscc(0), &uscc(n))
                .replace("模板企业", &format!("导入企业{n}")),
        );
        csv.push_str("\r\n");
    }
    std::fs::write(dir.path().join("many.csv"), csv).unwrap();

    let mut killed = 0;
    for delay in [150u64, 400, 900] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_peiyu"))
            .current_dir(dir.path())
            .env("PEIYU_DATABASE_URL", env[0].1)
            .env_remove("PEIYU_AS")
            .args(["import", "enterprises", "many.csv"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed += 1;
        }
        let _ = child.wait();
        // All or nothing: the killed import left either every row or none.
        let out = peiyu_env(dir.path(), &env, &["--json", "enterprise", "list"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let count = serde_json::from_str::<serde_json::Value>(&stdout(&out))
            .unwrap()
            .as_array()
            .map_or(0, Vec::len);
        assert!(
            count == 1 || count == 1 + ROWS as usize,
            "after a kill at {delay} ms: {count} enterprises"
        );
        let out = peiyu_env(dir.path(), &env, &["audit", "verify"]);
        assert!(out.status.success(), "{} {}", stdout(&out), stderr(&out));
        if count > 1 {
            break;
        }
    }
    assert!(
        killed > 0,
        "the import always finished before the kill: make the file larger"
    );
    // The re-run completes (or finds every row there already).
    let out = peiyu_env(dir.path(), &env, &["import", "enterprises", "many.csv"]);
    let out2 = peiyu_env(dir.path(), &env, &["--json", "enterprise", "list"]);
    let count = serde_json::from_str::<serde_json::Value>(&stdout(&out2))
        .unwrap()
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(count, 1 + ROWS as usize, "{}", stderr(&out));
    let out = peiyu_env(dir.path(), &env, &["audit", "verify"]);
    assert!(out.status.success(), "{} {}", stdout(&out), stderr(&out));
}
