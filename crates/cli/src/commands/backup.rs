//! `peiyu backup FILE` and `peiyu restore FILE` (docs/operations.md).
//!
//! SQLite is copied online by the service (`VACUUM INTO`) and the copy's audit log verified;
//! a copy is put back only when it verifies. PostgreSQL and MySQL/MariaDB are copied and put
//! back by their own tools (`pg_dump`/`pg_restore`, `mariadb-dump`/`mariadb`), run here when
//! they are installed, with the password passed in the environment, never on the command line;
//! when they are not, the error says exactly what to run.

use std::path::Path;
use std::process::Command;

use peiyu_domain::Lang;
use peiyu_service::{Backend, Service, redact_url};

use crate::Failure;
use crate::args::Global;
use crate::commands::audit::report_verification;
use crate::output::tr;

/// Runs `peiyu backup FILE`.
pub async fn backup(g: &Global, file: &Path, lang: Lang) -> Result<(), Failure> {
    match Backend::of_url(&g.db) {
        Some(Backend::Sqlite) | None => {
            let (service, actor) = super::session(g, lang).await?;
            let report = service.backup_sqlite(&actor, file).await?;
            if !g.json {
                println!(
                    "{} {} ({} {})",
                    tr(lang, "已备份到", "backed up to"),
                    report.file.display(),
                    report.bytes,
                    tr(lang, "字节", "bytes")
                );
            }
            report_verification(&report.verification, g.json, lang)
        }
        Some(backend) => {
            refuse_existing(file, lang)?;
            let server = ServerUrl::parse(&g.db)?;
            let (program, command) = match backend {
                Backend::Postgres => {
                    let mut c = Command::new("pg_dump");
                    c.arg("--format=custom")
                        .arg("--no-owner")
                        .arg(format!("--file={}", file.display()))
                        .arg(format!("--dbname={}", server.without_password));
                    ("pg_dump", c)
                }
                _ => {
                    let mut c = Command::new(mysql_tool("mariadb-dump", "mysqldump"));
                    server.mysql_args(&mut c);
                    c.arg("--single-transaction")
                        .arg("--routines")
                        .arg("--triggers")
                        .arg(format!("--result-file={}", file.display()))
                        .arg(&server.database);
                    ("mariadb-dump", c)
                }
            };
            // The dump is one consistent snapshot; the database it was taken from is verified
            // now, and a restore verifies what it put back.
            let verification = run_then_verify(g, backend, program, command, &server, lang).await?;
            if !g.json {
                println!(
                    "{} {} ({program})",
                    tr(lang, "已备份到", "backed up to"),
                    file.display()
                );
            }
            report_verification(&verification, g.json, lang)
        }
    }
}

/// Runs `peiyu restore FILE`.
pub async fn restore(g: &Global, file: &Path, lang: Lang) -> Result<(), Failure> {
    match Backend::of_url(&g.db) {
        Some(Backend::Sqlite) | None => {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
            let report = peiyu_service::restore_sqlite(file, &g.db, &stamp).await?;
            if !g.json {
                println!(
                    "{} {} → {}",
                    tr(lang, "已恢复", "restored"),
                    file.display(),
                    report.database.display()
                );
                if let Some(kept) = &report.kept {
                    println!(
                        "{} {}",
                        tr(lang, "原数据库保留为", "the replaced database is kept as"),
                        kept.display()
                    );
                }
            }
            report_verification(&report.verification, g.json, lang)
        }
        Some(backend) => {
            if !file.is_file() {
                return Err(Failure::usage(
                    "FILE",
                    format!("没有这个文件：{}", file.display()),
                    format!("no such file: {}", file.display()),
                ));
            }
            let service = Service::connect(&g.db).await?;
            if service.store_has_tables().await? {
                return Err(Failure::usage(
                    "--db",
                    format!(
                        "{} 不是空数据库：请恢复到新建的空数据库，核对无误后再切换过去",
                        redact_url(&g.db)
                    ),
                    format!(
                        "{} is not empty: restore into a new, empty database, check it, then switch to it",
                        redact_url(&g.db)
                    ),
                ));
            }
            let server = ServerUrl::parse(&g.db)?;
            let (program, command) = match backend {
                Backend::Postgres => {
                    let mut c = Command::new("pg_restore");
                    c.arg("--single-transaction")
                        .arg("--no-owner")
                        .arg("--exit-on-error")
                        .arg(format!("--dbname={}", server.without_password))
                        .arg(file);
                    ("pg_restore", c)
                }
                _ => {
                    let mut c = Command::new(mysql_tool("mariadb", "mysql"));
                    server.mysql_args(&mut c);
                    c.arg(&server.database).arg("-e").arg(format!(
                        "SET autocommit=0; SOURCE {}; COMMIT;",
                        file.display()
                    ));
                    ("mariadb", c)
                }
            };
            let verification = run_then_verify(g, backend, program, command, &server, lang).await?;
            if !g.json {
                println!(
                    "{} {} → {}",
                    tr(lang, "已恢复", "restored"),
                    file.display(),
                    redact_url(&g.db)
                );
            }
            if !verification.ok() {
                eprintln!(
                    "{}",
                    tr(
                        lang,
                        "恢复出的数据库审计链不完好：不要使用它，请删除该数据库并换一份备份",
                        "the restored database's audit log does not verify: do not use it; drop it and restore another backup"
                    )
                );
            }
            report_verification(&verification, g.json, lang)
        }
    }
}

/// Runs a server's dump or restore tool (the password in its environment), then verifies the
/// audit log of the database at `--db`.
async fn run_then_verify(
    g: &Global,
    backend: Backend,
    program: &str,
    mut command: Command,
    server: &ServerUrl,
    lang: Lang,
) -> Result<peiyu_service::AuditVerification, Failure> {
    server.password_env(backend, &mut command);
    run_tool(program, &mut command, server, lang)?;
    let service = super::connect(&g.db, lang).await?;
    let actor = service.actor(&g.as_login).await?;
    Ok(service.verify_audit(&actor).await?)
}

fn refuse_existing(file: &Path, _lang: Lang) -> Result<(), Failure> {
    if file.exists() {
        return Err(Failure::usage(
            "FILE",
            format!(
                "{} 已存在：备份不覆盖已有文件，请换一个文件名",
                file.display()
            ),
            format!(
                "{} exists already: a backup never overwrites a file; name a new one",
                file.display()
            ),
        ));
    }
    Ok(())
}

/// `mariadb-dump` where installed, else the older `mysqldump` name (and `mariadb`/`mysql`).
fn mysql_tool(new: &'static str, old: &'static str) -> &'static str {
    if on_path(new) || !on_path(old) {
        new
    } else {
        old
    }
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Runs a database tool; a missing tool is an error that says what to install and the
/// command to run by hand, a failing one shows its own message.
fn run_tool(
    program: &str,
    command: &mut Command,
    server: &ServerUrl,
    lang: Lang,
) -> Result<(), Failure> {
    let output = match command.output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let by_hand = server.by_hand(program);
            return Err(Failure::usage(
                "--db",
                format!("找不到 {program}：请安装数据库客户端工具，或手工运行：{by_hand}"),
                format!(
                    "{program} is not installed: install the database's client tools, or run by hand: {by_hand}"
                ),
            ));
        }
        Err(e) => return Err(Failure::Io(e)),
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let detail: String = stderr.trim().chars().take(500).collect();
        return Err(Failure::usage(
            "--db",
            format!("{program} 失败（{}）：{detail}", output.status),
            format!("{program} failed ({}): {detail}", output.status),
        ));
    }
    let _ = lang;
    Ok(())
}

/// A server's URL split for its tools: the password goes in the environment, never in the
/// arguments (which other users can read).
struct ServerUrl {
    without_password: String,
    password: Option<String>,
    host: String,
    port: u16,
    user: String,
    database: String,
}

impl ServerUrl {
    fn parse(db: &str) -> Result<ServerUrl, Failure> {
        let mut url = url::Url::parse(db).map_err(|e| {
            Failure::usage(
                "--db",
                format!("数据库地址无法解析（{e}）：{}", redact_url(db)),
                format!("the database URL does not parse ({e}): {}", redact_url(db)),
            )
        })?;
        let password = url.password().map(|p| {
            url::form_urlencoded::parse(format!("p={p}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_else(|| p.to_owned())
        });
        let _ = url.set_password(None);
        let host = url.host_str().unwrap_or("localhost").to_owned();
        let port = url
            .port()
            .unwrap_or(if url.scheme().starts_with("postgres") {
                5432
            } else {
                3306
            });
        let user = url.username().to_owned();
        let database = url.path().trim_start_matches('/').to_owned();
        Ok(ServerUrl {
            without_password: url.to_string(),
            password,
            host,
            port,
            user,
            database,
        })
    }

    fn mysql_args(&self, c: &mut Command) {
        c.arg(format!("--host={}", self.host))
            .arg(format!("--port={}", self.port));
        if !self.user.is_empty() {
            c.arg(format!("--user={}", self.user));
        }
    }

    fn password_env(&self, backend: Backend, c: &mut Command) {
        if let Some(p) = &self.password {
            match backend {
                Backend::Postgres => c.env("PGPASSWORD", p),
                _ => c.env("MYSQL_PWD", p),
            };
        }
    }

    /// The command an operator runs by hand instead (password from the environment).
    fn by_hand(&self, program: &str) -> String {
        match program {
            "pg_dump" => format!(
                "PGPASSWORD=… pg_dump --format=custom --file=FILE --dbname={}",
                self.without_password
            ),
            "pg_restore" => format!(
                "PGPASSWORD=… pg_restore --single-transaction --no-owner --dbname={} FILE",
                self.without_password
            ),
            "mariadb-dump" => format!(
                "MYSQL_PWD=… mariadb-dump --host={} --port={} --user={} --single-transaction --routines --triggers --result-file=FILE {}",
                self.host, self.port, self.user, self.database
            ),
            _ => format!(
                "MYSQL_PWD=… mariadb --host={} --port={} --user={} {} < FILE",
                self.host, self.port, self.user, self.database
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_leave_the_url_and_are_decoded() {
        let s = ServerUrl::parse("postgres://peiyu:p%40ss@db.local:5433/county").unwrap();
        assert_eq!(s.without_password, "postgres://peiyu@db.local:5433/county");
        assert_eq!(s.password.as_deref(), Some("p@ss"));
        assert_eq!((s.host.as_str(), s.port), ("db.local", 5433));
        assert_eq!(s.database, "county");
        assert!(!s.by_hand("pg_dump").contains("p@ss"));
        let m = ServerUrl::parse("mysql://root@127.0.0.1/test").unwrap();
        assert_eq!((m.port, m.user.as_str()), (3306, "root"));
        assert!(m.password.is_none());
    }
}
