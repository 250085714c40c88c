//! Short stress and crash runs, kept in CI (`.ci/reliability.sh`; docs/RELIABILITY.md has the
//! longer form): concurrent `peiyu` processes adding and editing overlapping enterprises on
//! SQLite and PostgreSQL, every acknowledged success found afterwards and the audit log intact;
//! an import killed with SIGKILL mid-write leaves nothing half-written, and its re-run completes.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

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

/// The databases to stress: SQLite in `dir`, and PostgreSQL when its test URL is set (a fresh
/// database created with psql).
fn targets(dir: &Path) -> Vec<(String, Option<String>)> {
    let mut out = vec![(
        format!("sqlite://{}?mode=rwc", dir.join("stress.db").display()),
        None,
    )];
    if let Some(server) = std::env::var("PEIYU_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
    {
        let name = format!("peiyu_t_stress{}", std::process::id());
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

#[test]
fn concurrent_processes_on_overlapping_enterprises_lose_nothing_acknowledged() {
    const WORKERS: u32 = 6;
    const OPS: u32 = 12;
    let dir = tempfile::tempdir().unwrap();
    for (url, name) in targets(dir.path()) {
        let env = [("PEIYU_DATABASE_URL", url.as_str())];
        let out = peiyu_env(dir.path(), &env, &["init"]);
        assert!(out.status.success(), "{}", stderr(&out));
        // Three enterprises every worker edits.
        for n in 0..3 {
            let code = uscc(n);
            let out = peiyu_env(
                dir.path(),
                &env,
                &[
                    "enterprise",
                    "add",
                    "--uscc",
                    &code,
                    "--name",
                    &format!("共享企业{n}"),
                    "--sector",
                    "industry",
                    "--town",
                    "石龙镇",
                ],
            );
            assert!(out.status.success(), "{}", stderr(&out));
        }
        let added: Arc<Mutex<Vec<String>>> = Arc::default();
        let edits: Arc<Mutex<u32>> = Arc::default();
        let mut workers = Vec::new();
        for w in 0..WORKERS {
            let (url, dir) = (url.clone(), dir.path().to_path_buf());
            let (added, edits) = (added.clone(), edits.clone());
            workers.push(std::thread::spawn(move || {
                let env = [("PEIYU_DATABASE_URL", url.as_str())];
                for i in 0..OPS {
                    let out = if i % 2 == 0 {
                        let code = uscc(100 + w * 100 + i);
                        let out = peiyu_env(
                            &dir,
                            &env,
                            &[
                                "enterprise",
                                "add",
                                "--uscc",
                                &code,
                                "--name",
                                &format!("压力企业{w}-{i}"),
                                "--sector",
                                "industry",
                                "--town",
                                "石龙镇",
                            ],
                        );
                        if out.status.success() {
                            added.lock().unwrap().push(code);
                        }
                        out
                    } else {
                        let target = uscc(i % 3);
                        let out = peiyu_env(
                            &dir,
                            &env,
                            &[
                                "enterprise",
                                "edit",
                                &target,
                                "--address",
                                &format!("工人{w}第{i}次"),
                                "--reason",
                                "压力测试",
                            ],
                        );
                        if out.status.success() {
                            *edits.lock().unwrap() += 1;
                        }
                        out
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
                }
            }));
        }
        for w in workers {
            w.join().unwrap();
        }
        let out = peiyu_env(dir.path(), &env, &["--json", "enterprise", "list"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let listed = stdout(&out);
        let added = added.lock().unwrap();
        for code in added.iter() {
            assert!(
                listed.contains(code.as_str()),
                "acknowledged {code} is missing on {url}"
            );
        }
        let count = serde_json::from_str::<serde_json::Value>(&listed)
            .unwrap()
            .as_array()
            .map_or(0, Vec::len);
        assert_eq!(
            count,
            3 + added.len(),
            "no enterprise that was not acknowledged"
        );
        assert!(*edits.lock().unwrap() > 0);
        let out = peiyu_env(dir.path(), &env, &["audit", "verify"]);
        assert!(out.status.success(), "{} {}", stdout(&out), stderr(&out));
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
