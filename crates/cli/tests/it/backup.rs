//! `peiyu backup` and `peiyu restore` as an operator runs them, on SQLite and (when
//! `PEIYU_TEST_POSTGRES_URL` / `PEIYU_TEST_MYSQL_URL` are set) through pg_dump and mariadb-dump.

use std::process::Command;

use crate::{peiyu, peiyu_env, stderr, stdout};

/// Adds an officer: a write with its audit entry.
fn add_officer(dir: &std::path::Path, env: &[(&str, &str)], login: &str) {
    let out = peiyu_env(dir, env, &["officer", "add", login, "--name", "李明"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn sqlite_backup_verifies_never_overwrites_and_restore_puts_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = peiyu(dir.path(), &["init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    add_officer(dir.path(), &[], "li");

    let out = peiyu(dir.path(), &["--lang", "en", "backup", "copy.db"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("backed up to copy.db"), "{text}");
    assert!(text.contains("audit log verifies"), "{text}");

    // Never overwrites.
    let before = std::fs::read(dir.path().join("copy.db")).unwrap();
    let out = peiyu(dir.path(), &["--lang", "en", "backup", "copy.db"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("exists already"), "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.path().join("copy.db")).unwrap(), before);

    // A file that is not a backup changes nothing.
    std::fs::write(dir.path().join("junk.db"), b"junk").unwrap();
    let out = peiyu(dir.path(), &["--lang", "en", "restore", "junk.db"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("FILE"), "{}", stderr(&out));

    let out = peiyu(dir.path(), &["--lang", "en", "restore", "copy.db"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("restored copy.db"), "{text}");
    assert!(text.contains("before-restore-"), "{text}");
    let out = peiyu(dir.path(), &["audit", "verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// A new database on the server at `server` (its URL), by the server's own client.
fn create_database(server: &str, name: &str, postgres: bool) -> String {
    let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(server);
    if postgres {
        let out = Command::new("psql")
            .arg(server)
            .arg("-c")
            .arg(format!("CREATE DATABASE {name}"))
            .output()
            .expect("psql");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        let url = url_parts(server);
        let out = Command::new("mariadb")
            .args([
                format!("--host={}", url.0),
                format!("--port={}", url.1),
                format!("--user={}", url.2),
            ])
            .arg("-e")
            .arg(format!(
                "CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
            ))
            .output()
            .expect("mariadb");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    format!("{base}/{name}")
}

fn url_parts(url: &str) -> (String, String, String) {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let (user, rest) = rest.split_once('@').unwrap_or(("root", rest));
    let hostport = rest.split('/').next().unwrap_or("127.0.0.1");
    let (host, port) = hostport.split_once(':').unwrap_or((hostport, "3306"));
    (host.to_owned(), port.to_owned(), user.to_owned())
}

fn drop_database(server: &str, name: &str, postgres: bool) {
    if postgres {
        let _ = Command::new("psql")
            .arg(server)
            .arg("-c")
            .arg(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .output();
    } else {
        let url = url_parts(server);
        let _ = Command::new("mariadb")
            .args([
                format!("--host={}", url.0),
                format!("--port={}", url.1),
                format!("--user={}", url.2),
            ])
            .arg("-e")
            .arg(format!("DROP DATABASE IF EXISTS {name}"))
            .output();
    }
}

fn server_round_trip(var: &str, postgres: bool) {
    let Some(server) = std::env::var(var).ok().filter(|s| !s.is_empty()) else {
        return;
    };
    let stamp = std::process::id();
    let (from, to) = (
        format!("peiyu_t_bk_a{stamp}"),
        format!("peiyu_t_bk_b{stamp}"),
    );
    let from_url = create_database(&server, &from, postgres);
    let to_url = create_database(&server, &to, postgres);
    let dir = tempfile::tempdir().unwrap();
    let env_from = [("PEIYU_DATABASE_URL", from_url.as_str())];
    let env_to = [("PEIYU_DATABASE_URL", to_url.as_str())];
    let out = peiyu_env(dir.path(), &env_from, &["init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    add_officer(dir.path(), &env_from, "li");
    let out = peiyu_env(
        dir.path(),
        &env_from,
        &["--lang", "en", "backup", "dump.bin"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("audit log verifies"),
        "{}",
        stdout(&out)
    );
    // Restoring over a database with tables is refused.
    let out = peiyu_env(
        dir.path(),
        &env_from,
        &["--lang", "en", "restore", "dump.bin"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("not empty"), "{}", stderr(&out));
    let out = peiyu_env(
        dir.path(),
        &env_to,
        &["--lang", "en", "restore", "dump.bin"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = peiyu_env(dir.path(), &env_to, &["officer", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("李明"), "{}", stdout(&out));
    drop_database(&server, &from, postgres);
    drop_database(&server, &to, postgres);
}

#[test]
fn postgres_backup_and_restore_go_through_pg_dump_and_verify() {
    server_round_trip("PEIYU_TEST_POSTGRES_URL", true);
}

#[test]
fn mariadb_backup_and_restore_go_through_mariadb_dump_and_verify() {
    server_round_trip("PEIYU_TEST_MYSQL_URL", false);
}
