//! Connecting to SQLite, PostgreSQL or MySQL/MariaDB by URL, and applying the migrations.

use std::time::Duration;

use peiyu_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend};

use crate::error::{StorageError, StorageResult};

/// The database used when none is named: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://peiyu.db?mode=rwc";

/// How long a SQLite writer waits for another writer's lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(15);

/// A connection pool to one peiyu database.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
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

impl Store {
    /// Opens a pool to the database at `url` without touching its schema.
    ///
    /// SQLite opens in WAL mode with `synchronous=FULL`, foreign keys enforced and a busy
    /// timeout, so a committed change survives a power cut and a second process waits for the
    /// lock instead of failing at once.
    #[tracing::instrument(skip_all, fields(backend))]
    pub async fn connect(url: &str) -> StorageResult<Store> {
        let backend = Backend::of_url(url).ok_or_else(|| StorageError::UnsupportedUrl {
            url: url.to_owned(),
        })?;
        tracing::Span::current().record("backend", backend.name());
        let url = match backend {
            Backend::MySql if url.starts_with("mariadb:") => url.replacen("mariadb:", "mysql:", 1),
            _ => url.to_owned(),
        };
        let mut options = ConnectOptions::new(url);
        options
            .sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30));
        if backend == Backend::Sqlite {
            options.max_connections(1).map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
            });
        } else {
            options.max_connections(8);
        }
        let db = Database::connect(options)
            .await
            .map_err(StorageError::db("connecting to the database"))?;
        Ok(Store { db })
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

    /// True when every migration has been applied.
    pub async fn is_migrated(&self) -> StorageResult<bool> {
        let pending = Migrator::get_pending_migrations(&self.db)
            .await
            .map_err(StorageError::db("reading applied migrations"))?;
        Ok(pending.is_empty())
    }

    /// The pool, for reads outside a unit of work.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        match self.db.get_database_backend() {
            DbBackend::Postgres => Backend::Postgres,
            DbBackend::MySql => Backend::MySql,
            _ => Backend::Sqlite,
        }
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(self) -> StorageResult<()> {
        self.db
            .close()
            .await
            .map_err(StorageError::db("closing the database"))
    }
}
