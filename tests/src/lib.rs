//! Shared helpers for peiyu's scenario and storage tests: a fresh database on every backend.
//!
//! SQLite always runs. PostgreSQL and MySQL/MariaDB run when `PEIYU_TEST_POSTGRES_URL` and
//! `PEIYU_TEST_MYSQL_URL` name a server (e.g. `postgres://postgres@127.0.0.1:5432/test`); each test
//! then gets its own database, created for it and dropped after it. `.ci/run` sets both.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use peiyu_service::{FixedClock, Service};
use peiyu_storage::Store;
use sea_orm::{ConnectionTrait, Database};

/// A database engine under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// SQLite in a temporary file.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    MySql,
}

/// The backends this run tests: SQLite always, the others when their URL is set.
pub fn kinds() -> Vec<Kind> {
    let mut kinds = vec![Kind::Sqlite];
    if std::env::var("PEIYU_TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty()) {
        kinds.push(Kind::Postgres);
    }
    if std::env::var("PEIYU_TEST_MYSQL_URL").is_ok_and(|u| !u.is_empty()) {
        kinds.push(Kind::MySql);
    }
    kinds
}

/// A fresh, empty database for one test.
pub struct TestDb {
    /// Which engine.
    pub kind: Kind,
    /// The URL to connect to it.
    pub url: String,
    server_url: Option<String>,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl TestDb {
    /// Creates an empty database on `kind`.
    pub async fn fresh(kind: Kind) -> TestDb {
        let name = format!("peiyu_t_{}", uuid::Uuid::new_v4().simple());
        match kind {
            Kind::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("peiyu.db").display()
                );
                TestDb {
                    kind,
                    url,
                    server_url: None,
                    name,
                    _dir: Some(dir),
                }
            }
            Kind::Postgres | Kind::MySql => {
                let var = if kind == Kind::Postgres {
                    "PEIYU_TEST_POSTGRES_URL"
                } else {
                    "PEIYU_TEST_MYSQL_URL"
                };
                let server = std::env::var(var).expect(var);
                let admin = Database::connect(server.as_str())
                    .await
                    .unwrap_or_else(|e| panic!("{var}={server} does not answer: {e}"));
                let create = if kind == Kind::MySql {
                    format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
                } else {
                    format!("CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
                };
                admin
                    .execute_unprepared(&create)
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                TestDb {
                    kind,
                    url: replace_database(&server, &name),
                    server_url: Some(server),
                    name,
                    _dir: None,
                }
            }
        }
    }

    /// A migrated store on this database.
    pub async fn store(&self) -> Store {
        Store::open(&self.url).await.expect("open store")
    }

    /// Drops the database (SQLite's file goes with its temporary directory).
    pub async fn cleanup(self) {
        if let Some(server) = &self.server_url
            && let Ok(admin) = Database::connect(server.as_str()).await
        {
            let stmt = if self.kind == Kind::Postgres {
                format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)
            } else {
                format!("DROP DATABASE IF EXISTS {}", self.name)
            };
            admin.execute_unprepared(&stmt).await.ok();
            admin.close().await.ok();
        }
    }
}

/// Runs `test` once on a fresh database of every backend under test.
pub async fn on_every_backend(test: impl AsyncFn(&TestDb)) {
    for kind in kinds() {
        eprintln!("-- backend: {kind:?}");
        let db = TestDb::fresh(kind).await;
        test(&db).await;
        db.cleanup().await;
    }
}

/// 2023-06-30 09:00 in the county (01:00 UTC).
pub fn midyear() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2023, 6, 30, 1, 0, 0).single().unwrap()
}

/// An initialised service on `db` with its clock stopped at `now`, and the admin officer.
pub async fn service_at(db: &TestDb, now: DateTime<Utc>) -> (Service, peiyu_domain::Officer) {
    let service = Service::new(db.store().await).with_clock(Arc::new(FixedClock(now)));
    service.init("admin", "管理员").await.expect("init");
    let admin = service.actor("admin").await.expect("admin");
    (service, admin)
}

/// Puts each of `logins` on `team` from today, as `admin` (who may).
pub async fn join_all(
    service: &Service,
    admin: &peiyu_domain::Officer,
    team: &str,
    logins: &[&str],
) {
    for login in logins {
        service
            .join_team(admin, team, login, None)
            .await
            .expect("join the team");
    }
}

/// Valid USCCs for tests: `n` gives a distinct code with a correct check character.
pub fn uscc(n: u32) -> peiyu_domain::Uscc {
    // Area 450000 (Guangxi), organisation code from n with its GB 11714 check character.
    let org8 = format!("{:08}", 10_000_000 + n);
    let org9 = peiyu_domain::Uscc::organisation_check_character(&org8).expect("org check");
    let first17 = format!("91450000{org8}{org9}");
    let check = peiyu_domain::Uscc::check_character(&first17).expect("check char");
    peiyu_domain::Uscc::parse(&format!("{first17}{check}")).expect("valid uscc")
}

/// Every row of the domain tables of the database at `url`, as JSON, without what differs
/// between two databases that recorded the same changes: ids (a UUID anywhere in a value, keys
/// `id`, `*_id`), instants (`*_at`), hashes and request ids. Rows are sorted within each table.
/// Two databases that went through the same commands — one through the CLI, one through the
/// API — compare equal. The audit log and the bookkeeping tables (tokens, idempotency keys,
/// sessions, login attempts) are left out: [`audit_actions`] compares the log.
pub async fn domain_rows(url: &str) -> std::collections::BTreeMap<&'static str, Vec<String>> {
    use peiyu_storage::entities::*;
    use sea_orm::EntityTrait;
    let conn = Database::connect(url).await.expect("connect");
    let mut out = std::collections::BTreeMap::new();
    macro_rules! dump {
        ($($table:ident),*) => {$(
            let rows = $table::Entity::find().into_json().all(&conn).await.expect(stringify!($table));
            let mut rows: Vec<String> = rows.into_iter().map(|r| normalise(r).to_string()).collect();
            rows.sort();
            out.insert(stringify!($table), rows);
        )*};
    }
    dump!(
        officers,
        teams,
        team_memberships,
        enterprises,
        metrics,
        cultivations,
        transitions,
        tasks,
        batch_lists,
        batch_entries,
        batch_moves,
        targets,
        tracks,
        calendar_years
    );
    conn.close().await.ok();
    out
}

/// The audit log's actions at `url`, sorted, without those in `leave_out` (e.g. `token.create`).
pub async fn audit_actions(url: &str, leave_out: &[&str]) -> Vec<String> {
    use peiyu_storage::entities::audit_entries;
    use sea_orm::EntityTrait;
    let conn = Database::connect(url).await.expect("connect");
    let mut actions: Vec<String> = audit_entries::Entity::find()
        .all(&conn)
        .await
        .expect("audit entries")
        .into_iter()
        .map(|e| e.action)
        .filter(|a| !leave_out.contains(&a.as_str()))
        .collect();
    actions.sort();
    conn.close().await.ok();
    actions
}

/// A row without ids, instants, hashes and request ids ([`domain_rows`]).
fn normalise(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| {
                    !(k == "id"
                        || k.ends_with("_id")
                        || k.ends_with("_at")
                        || k.contains("hash")
                        || k == "request_id")
                })
                .map(|(k, v)| (k, normalise(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(normalise).collect()),
        Value::String(s) => Value::String(without_uuids(&s)),
        other => other,
    }
}

/// `text` with every UUID (8-4-4-4-12 hex digits, or 32 in a row) written `<id>`.
fn without_uuids(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let dashed = bytes.len() - i >= 36
            && bytes[i..i + 36].iter().enumerate().all(|(j, b)| {
                if [8, 13, 18, 23].contains(&j) {
                    *b == b'-'
                } else {
                    b.is_ascii_hexdigit()
                }
            });
        let plain = bytes.len() - i >= 32 && bytes[i..i + 32].iter().all(u8::is_ascii_hexdigit);
        if dashed || plain {
            out.push_str("<id>");
            i += if dashed { 36 } else { 32 };
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            out.push(c);
            i += c.len_utf8().max(1);
        }
    }
    out
}

/// A new industrial enterprise in 石龙镇 with the USCC [`uscc`]`(n)` and `name`.
pub fn new_enterprise(n: u32, name: &str) -> peiyu_domain::NewEnterprise {
    peiyu_domain::NewEnterprise {
        uscc: uscc(n),
        name: name.into(),
        sector: peiyu_domain::Sector::Industry,
        town: "石龙镇".into(),
        address: String::new(),
        land_area: None,
        legal_form: peiyu_domain::LegalForm::LegalEntity,
        responsible_officer: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced_in_urls() {
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            replace_database("mysql://root@127.0.0.1:3306/test?ssl-mode=disabled", "x"),
            "mysql://root@127.0.0.1:3306/x?ssl-mode=disabled"
        );
        assert_eq!(
            replace_database("mysql://root@127.0.0.1:3306", "x"),
            "mysql://root@127.0.0.1:3306/x"
        );
    }

    #[test]
    fn test_usccs_are_valid_and_distinct() {
        assert_ne!(uscc(1), uscc(2));
        assert_eq!(uscc(7).as_str().len(), 18);
    }
}
