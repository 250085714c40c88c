//! Connecting to SQLite, PostgreSQL or MySQL/MariaDB by URL, and applying the migrations.
//!
//! Outages are answered, not waited out: a server that does not answer within
//! [`CONNECT_TIMEOUT`] is reported as [`StorageError::Unavailable`] naming the host and the
//! cause (`connection refused`), and a SQLite writer that cannot get the write lock within
//! [`SqliteWait::limit`] gets [`StorageError::Busy`] — never "pool timed out" or "database is
//! locked".

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use peiyu_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

use crate::error::{StorageError, StorageResult, is_locked, unreachable_cause};

/// The database used when none is named: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://peiyu.db?mode=rwc";

/// How long opening a connection to a database server may take before the server is reported
/// unreachable; also how long a request waits for a free pooled connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// How many connections a SQLite store keeps for reads besides its one writer: under WAL
/// readers never wait for the writer, so a long import does not stall the pages.
const SQLITE_READERS: u32 = 4;

/// How many pooled connections a PostgreSQL or MySQL/MariaDB store keeps.
const SERVER_CONNECTIONS: u32 = 8;

/// How a SQLite writer waits for another writer's lock: each attempt to begin waits up to
/// `per_try` inside SQLite (its busy timeout), attempts are repeated with a growing pause, and
/// after `limit` in all the writer gives up with [`StorageError::Busy`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SqliteWait {
    /// SQLite's busy timeout for one statement.
    pub per_try: Duration,
    /// How long beginning a write transaction is retried in all.
    pub limit: Duration,
}

impl Default for SqliteWait {
    /// 5 s per attempt, 30 s in all (docs/operations.md).
    fn default() -> Self {
        SqliteWait {
            per_try: Duration::from_secs(5),
            limit: Duration::from_secs(30),
        }
    }
}

/// A connection pool to one peiyu database.
#[derive(Clone, Debug)]
pub struct Store {
    /// Units of work (on SQLite one connection: in-process writers queue here).
    db: DatabaseConnection,
    /// Reads outside a unit of work (on SQLite separate connections; elsewhere `db`).
    reads: DatabaseConnection,
    /// Where the database lives, for messages: `host:port` or the SQLite file.
    place: String,
    wait: SqliteWait,
}

/// Which database engine a store talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, the embedded default.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    MySql,
}

impl Backend {
    /// The backend a URL names, if any.
    pub fn of_url(url: &str) -> Option<Backend> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" | "postgresql" => Some(Backend::Postgres),
            "mysql" | "mariadb" => Some(Backend::MySql),
            _ => None,
        }
    }

    /// A short lower-case name: `sqlite`, `postgres`, `mysql`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
            Backend::MySql => "mysql",
        }
    }
}

/// The URL with its password replaced by `***`, for printing and error messages. A URL
/// without a password is returned as it is.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Where a database URL points, for messages: `host:port` of a server, or the SQLite file.
fn place_of(backend: Backend, url: &str) -> String {
    match backend {
        Backend::Sqlite => SqliteConnectOptions::from_str(url)
            .map(|o| o.get_filename().display().to_string())
            .unwrap_or_else(|_| redact_url(url)),
        Backend::Postgres => sea_orm::sqlx::postgres::PgConnectOptions::from_str(url)
            .map(|o| match o.get_socket() {
                Some(dir) => dir.display().to_string(),
                None => format!("{}:{}", o.get_host(), o.get_port()),
            })
            .unwrap_or_else(|_| redact_url(url)),
        Backend::MySql => sea_orm::sqlx::mysql::MySqlConnectOptions::from_str(url)
            .map(|o| match o.get_socket() {
                Some(path) => path.display().to_string(),
                None => format!("{}:{}", o.get_host(), o.get_port()),
            })
            .unwrap_or_else(|_| redact_url(url)),
    }
}

/// Why a server at `place` (`host:port`) does not answer, in the operating system's words,
/// found by opening a plain TCP connection within [`CONNECT_TIMEOUT`]. `None` when it answers
/// (the database itself then failed for another reason) or `place` is not `host:port`.
async fn probe(place: &str) -> Option<String> {
    use std::net::{TcpStream, ToSocketAddrs};
    let place = place.to_owned();
    let outcome = tokio::task::spawn_blocking(move || {
        let addrs = match place.to_socket_addrs() {
            Ok(addrs) => addrs.collect::<Vec<_>>(),
            Err(e) => return Some(format!("cannot resolve the host: {e}")),
        };
        let mut last = None;
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
                Ok(_) => return None,
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                    last = Some("connection refused".to_owned());
                }
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                    last = Some(format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()));
                }
                Err(e) => last = Some(e.to_string()),
            }
        }
        last
    })
    .await;
    outcome.ok().flatten()
}

impl Store {
    /// Opens a pool to the database at `url` without touching its schema.
    ///
    /// SQLite opens in WAL mode with `synchronous=FULL`, foreign keys enforced and a busy
    /// timeout, so a committed change survives a power cut and a second process waits for the
    /// lock instead of failing at once; one connection writes and [`SQLITE_READERS`] read. A
    /// server that cannot be reached within [`CONNECT_TIMEOUT`] is
    /// [`StorageError::Unavailable`], naming its host and the cause.
    #[tracing::instrument(skip_all, fields(backend))]
    pub async fn connect(url: &str) -> StorageResult<Store> {
        // Boxed: callers' futures stay shallow (the compiler's layout depth limit).
        Box::pin(Store::connect_with(url, SqliteWait::default())).await
    }

    /// [`Store::connect`] with SQLite's lock waits set (tests shorten them).
    #[tracing::instrument(skip_all, fields(backend))]
    pub async fn connect_with(url: &str, wait: SqliteWait) -> StorageResult<Store> {
        let backend = Backend::of_url(url).ok_or_else(|| StorageError::UnsupportedUrl {
            url: redact_url(url),
        })?;
        tracing::Span::current().record("backend", backend.name());
        let url = match backend {
            Backend::MySql if url.starts_with("mariadb:") => url.replacen("mariadb:", "mysql:", 1),
            _ => url.to_owned(),
        };
        let place = place_of(backend, &url);
        if backend == Backend::Sqlite {
            let memory = url.contains(":memory:") || url.contains("mode=memory");
            let db = Store::open_pool(&place, backend, sqlite_options(&url, wait, 1)).await?;
            let reads = if memory {
                db.clone()
            } else {
                Store::open_pool(&place, backend, sqlite_options(&url, wait, SQLITE_READERS))
                    .await?
            };
            return Ok(Store {
                db,
                reads,
                place,
                wait,
            });
        }
        let mut options = ConnectOptions::new(url);
        options
            .sqlx_logging(false)
            .connect_timeout(CONNECT_TIMEOUT)
            .acquire_timeout(CONNECT_TIMEOUT)
            .max_connections(SERVER_CONNECTIONS);
        let db = Store::open_pool(&place, backend, options).await?;
        Ok(Store {
            reads: db.clone(),
            db,
            place,
            wait,
        })
    }

    async fn open_pool(
        place: &str,
        backend: Backend,
        options: ConnectOptions,
    ) -> StorageResult<DatabaseConnection> {
        match Database::connect(options).await {
            Ok(db) => Ok(db),
            Err(e) => Err(Box::pin(Store::locate(
                place,
                backend,
                "connecting to the database",
                e,
            ))
            .await),
        }
    }

    /// Opens the SQLite file at `path` (a backup), read-only or not, without touching its
    /// schema.
    pub async fn open_sqlite_file(path: &Path, read_only: bool) -> StorageResult<Store> {
        let file = path.to_path_buf();
        // A file URL (not `sqlite::memory:`, whose in-memory flag a file name would not
        // clear); the exact path is set below, whatever characters it holds.
        let mut options = ConnectOptions::new("sqlite://peiyu-backup.db");
        options
            .sqlx_logging(false)
            .max_connections(1)
            .map_sqlx_sqlite_opts(move |o| {
                o.filename(&file)
                    .read_only(read_only)
                    .create_if_missing(false)
                    .foreign_keys(true)
            });
        let db = Database::connect(options)
            .await
            .map_err(|e| StorageError::Unavailable {
                host: path.display().to_string(),
                cause: e.to_string(),
            })?;
        Ok(Store {
            reads: db.clone(),
            db,
            place: path.display().to_string(),
            wait: SqliteWait::default(),
        })
    }

    /// Turns a driver error met while `context` into a storage error that names where the
    /// database is and, when it cannot be reached, why (probing the server's port).
    async fn locate(
        place: &str,
        backend: Backend,
        context: &'static str,
        e: DbErr,
    ) -> StorageError {
        if backend == Backend::Sqlite && is_locked(&e) {
            return StorageError::Busy { waited_secs: 0 };
        }
        match unreachable_cause(&e) {
            Some(_) if backend == Backend::Sqlite => StorageError::Busy { waited_secs: 0 },
            Some(cause) => StorageError::Unavailable {
                host: place.to_owned(),
                cause: Box::pin(probe(place)).await.unwrap_or(cause),
            },
            None => StorageError::classify(context, e),
        }
    }

    /// Opens the database and brings its schema up to date.
    pub async fn open(url: &str) -> StorageResult<Store> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Applies every migration not yet applied. Safe to run again.
    #[tracing::instrument(skip_all)]
    pub async fn migrate(&self) -> StorageResult<()> {
        Migrator::up(&self.db, None)
            .await
            .map_err(StorageError::db("applying migrations"))
    }

    /// True when every migration has been applied. Only reads (a read-only backup can be
    /// asked): a database without the migrations' table has none applied.
    pub async fn is_migrated(&self) -> StorageResult<bool> {
        if self.table_count_named("seaql_migrations").await? == 0 {
            return Ok(false);
        }
        let rows = self
            .reads
            .query_all_raw(sea_orm::Statement::from_string(
                self.reads.get_database_backend(),
                "SELECT version FROM seaql_migrations",
            ))
            .await
            .map_err(StorageError::db("reading applied migrations"))?;
        let applied = rows
            .iter()
            .map(|r| r.try_get::<String>("", "version"))
            .collect::<Result<std::collections::HashSet<_>, _>>()
            .map_err(StorageError::db("reading applied migrations"))?;
        Ok(Migrator::migrations()
            .iter()
            .all(|m| applied.contains(m.name())))
    }

    /// How many tables the database holds (in the current schema of a server): zero for a
    /// database just created, where a server's dump may be restored.
    pub async fn table_count(&self) -> StorageResult<i64> {
        self.table_count_named("%").await
    }

    /// How many tables have a name LIKE `pattern` (in the current schema of a server).
    async fn table_count_named(&self, pattern: &str) -> StorageResult<i64> {
        let sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name LIKE ?"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE $1"
            }
            Backend::MySql => {
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?"
            }
        };
        let row = self
            .reads
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                self.reads.get_database_backend(),
                sql,
                [pattern.into()],
            ))
            .await
            .map_err(StorageError::db("counting tables"))?;
        row.map(|r| r.try_get::<i64>("", "n"))
            .transpose()
            .map_err(StorageError::db("counting tables"))
            .map(Option::unwrap_or_default)
    }

    /// Checks that the database answers now (`SELECT 1`): Ok, or
    /// [`StorageError::Unavailable`] naming the host and the cause, or [`StorageError::Busy`].
    #[tracing::instrument(skip_all)]
    pub async fn ping(&self) -> StorageResult<()> {
        match self.reads.execute_unprepared("SELECT 1").await {
            Ok(_) => Ok(()),
            Err(e) => {
                Err(Store::locate(&self.place, self.backend(), "checking the database", e).await)
            }
        }
    }

    /// Calls `hook` with the SQL of every statement this store runs from now on, in units of
    /// work and outside them (`BEGIN` and `COMMIT` are not statements here). For measuring
    /// (the bench counts the statements of a stage move); a store's clones made before the call
    /// are not hooked.
    pub fn on_statement<F>(&mut self, hook: F)
    where
        F: Fn(&str) + Send + Sync + 'static,
    {
        let hook = std::sync::Arc::new(hook);
        let writer = hook.clone();
        self.db
            .set_metric_callback(move |info| writer(&info.statement.sql));
        self.reads
            .set_metric_callback(move |info| hook(&info.statement.sql));
    }

    /// The pool, for reads outside a unit of work (on SQLite, connections apart from the
    /// writer's, so a long write never stalls them).
    pub fn conn(&self) -> &DatabaseConnection {
        &self.reads
    }

    /// The writer's pool: units of work and migrations.
    pub(crate) fn writer(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Where the database lives, for messages: `host:port`, a socket, or the SQLite file.
    pub fn place(&self) -> &str {
        &self.place
    }

    /// How a SQLite writer waits for the lock.
    pub fn sqlite_wait(&self) -> SqliteWait {
        self.wait
    }

    /// The error for a failure to begin a unit of work: unreachable (with the host and cause),
    /// busy, or the driver's.
    pub(crate) async fn begin_error(&self, e: DbErr) -> StorageError {
        Box::pin(Store::locate(
            &self.place,
            self.backend(),
            "beginning a transaction",
            e,
        ))
        .await
    }

    /// What to do after beginning a unit of work failed with `e`, `started` ago: when SQLite
    /// said "database is locked" and less than [`SqliteWait::limit`] has passed, `Ok` with how
    /// long to pause before trying again (50 ms after the first failure, doubling, at most
    /// 1 s); otherwise the error to give up with ([`StorageError::Busy`] once the limit is
    /// reached).
    pub(crate) async fn after_failed_begin(
        &self,
        e: DbErr,
        started: Instant,
        tries: u32,
    ) -> Result<Duration, StorageError> {
        let busy =
            is_locked(&e) || (self.backend() == Backend::Sqlite && unreachable_cause(&e).is_some());
        if !busy {
            return Err(self.begin_error(e).await);
        }
        let waited = started.elapsed();
        if waited >= self.wait.limit {
            tracing::warn!(
                waited_ms = waited.as_millis() as u64,
                tries,
                "giving up: the database is busy"
            );
            return Err(StorageError::Busy {
                waited_secs: waited.as_secs(),
            });
        }
        tracing::debug!(
            waited_ms = waited.as_millis() as u64,
            tries,
            "the database is locked; retrying"
        );
        let pause = Duration::from_millis(50u64 << tries.min(5)).min(Duration::from_secs(1));
        Ok(pause.min(self.wait.limit - waited))
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        match self.db.get_database_backend() {
            DbBackend::Postgres => Backend::Postgres,
            DbBackend::MySql => Backend::MySql,
            _ => Backend::Sqlite,
        }
    }

    /// The SQLite file behind this store, if it is one.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        (self.backend() == Backend::Sqlite).then(|| PathBuf::from(&self.place))
    }

    /// Closes the pools, waiting for connections to be returned.
    pub async fn close(self) -> StorageResult<()> {
        self.reads
            .close()
            .await
            .map_err(StorageError::db("closing the database"))?;
        match self.db.close().await {
            // The writer is the reader on an in-memory database: closed already.
            Ok(()) | Err(DbErr::ConnectionAcquire(_)) => Ok(()),
            Err(e) => Err(StorageError::classify("closing the database", e)),
        }
    }
}

/// The connect options of a SQLite pool of `connections`: WAL, `synchronous=FULL`, foreign
/// keys, and the busy timeout of one attempt.
fn sqlite_options(url: &str, wait: SqliteWait, connections: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_owned());
    let per_try = wait.per_try;
    options
        .sqlx_logging(false)
        .max_connections(connections)
        // In-process writers queue for the one writer connection; a SQLite pool is never
        // unreachable, so the wait is the busy limit (and a little more), after which it is busy.
        .acquire_timeout(wait.limit + Duration::from_secs(5))
        .map_sqlx_sqlite_opts(move |o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(per_try)
        });
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("oracle://u:secret@h/db"), "oracle://u:***@h/db");
        assert_eq!(
            redact_url("sqlite://peiyu.db?mode=rwc"),
            "sqlite://peiyu.db?mode=rwc"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }

    #[test]
    fn an_unsupported_url_is_refused_without_its_password() {
        let e = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(Store::connect("oracle://scott:tiger@db.example/orcl"))
            .unwrap_err();
        let text = e.to_string();
        assert!(!text.contains("tiger"), "{text}");
        assert!(text.contains("scott:***@db.example"), "{text}");
    }

    #[test]
    fn places_name_the_host_or_the_file() {
        assert_eq!(
            place_of(Backend::Postgres, "postgres://u:p@10.0.0.5:5433/db"),
            "10.0.0.5:5433"
        );
        assert_eq!(
            place_of(Backend::MySql, "mysql://root@127.0.0.1/db"),
            "127.0.0.1:3306"
        );
        assert_eq!(
            place_of(Backend::Sqlite, "sqlite://peiyu.db?mode=rwc"),
            "peiyu.db"
        );
    }
}
