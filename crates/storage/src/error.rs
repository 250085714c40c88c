//! Typed storage errors: database failures become one of these at the storage boundary.

use sea_orm::{DbErr, SqlErr};

/// What went wrong when reading or recording.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The row asked for does not exist.
    #[error("{entity} not found: {key}")]
    NotFound {
        /// What kind of thing was looked for (`enterprise`, `officer`, …).
        entity: &'static str,
        /// The key it was looked for by.
        key: String,
    },
    /// A unique key already holds this value.
    #[error("{entity} with {field} {value} already exists")]
    Duplicate {
        /// What kind of thing was being written.
        entity: &'static str,
        /// The field whose value must be unique.
        field: &'static str,
        /// The value that is taken.
        value: String,
    },
    /// Someone else changed the row since it was read (optimistic lock), or a concurrent writer
    /// won a race for the same key.
    #[error("{entity} {key} was changed by someone else (expected version {expected})")]
    Conflict {
        /// What kind of thing was being written.
        entity: &'static str,
        /// Which one.
        key: String,
        /// The version the writer expected to find.
        expected: i64,
    },
    /// A stored value could not be read back into a domain value.
    #[error("stored {table}.{column} holds an invalid value {value:?}: {detail}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
        /// The raw value.
        value: String,
        /// Why it is invalid.
        detail: String,
    },
    /// The database URL names no supported backend.
    #[error(
        "unsupported database URL {url:?}: use sqlite://FILE?mode=rwc, postgres://… or mysql://…"
    )]
    UnsupportedUrl {
        /// The URL given, its password masked (`crate::connect::redact_url`).
        url: String,
    },
    /// The database server cannot be reached: it is down, refuses connections, or no
    /// connection came within the connect timeout. Nothing was read or written; the same
    /// request may succeed once the database is back.
    #[error("the database at {host} cannot be reached: {cause}")]
    Unavailable {
        /// Where the database was looked for (`127.0.0.1:5432`, or the SQLite file).
        host: String,
        /// Why, in the operating system's or driver's words (`connection refused`).
        cause: String,
    },
    /// A database file could not be moved or removed (restoring a copy).
    #[error("cannot move {path}: {source}")]
    File {
        /// The file.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Another writer held the database's write lock for longer than the stated limit (SQLite).
    /// Nothing was written; the same request may succeed later.
    #[error("the database is busy: another writer held it for {waited_secs} s; try again later")]
    Busy {
        /// How long this writer waited before giving up, in seconds.
        waited_secs: u64,
    },
    /// The database refused or failed an operation.
    #[error("database error while {context}: {source}")]
    Database {
        /// What storage was doing.
        context: &'static str,
        /// The driver's error.
        #[source]
        source: DbErr,
    },
}

impl StorageError {
    /// Wraps a driver error with what storage was doing: a lost connection becomes
    /// [`StorageError::Unavailable`] and a lock held too long [`StorageError::Busy`], so no
    /// caller ever shows "pool timed out" or "database is locked".
    pub fn db(context: &'static str) -> impl FnOnce(DbErr) -> StorageError {
        move |source| StorageError::classify(context, source)
    }

    /// Sorts a driver error into unreachable, busy or any other database error.
    pub fn classify(context: &'static str, source: DbErr) -> StorageError {
        if is_locked(&source) {
            StorageError::Busy { waited_secs: 0 }
        } else if let Some(cause) = unreachable_cause(&source) {
            StorageError::Unavailable {
                host: "the database server".to_owned(),
                cause,
            }
        } else {
            StorageError::Database { context, source }
        }
    }

    /// True when the database could not be reached or was busy: the request may succeed later,
    /// unchanged (HTTP 503 with Retry-After).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StorageError::Unavailable { .. } | StorageError::Busy { .. }
        )
    }

    /// Wraps a driver error, turning a unique-key violation into [`StorageError::Duplicate`].
    pub fn db_unique(
        context: &'static str,
        entity: &'static str,
        field: &'static str,
        value: impl Into<String>,
    ) -> impl FnOnce(DbErr) -> StorageError {
        let value = value.into();
        move |source| match source.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StorageError::Duplicate {
                entity,
                field,
                value,
            },
            _ => StorageError::classify(context, source),
        }
    }

    /// True when retrying the whole unit of work may succeed (a lost race or a deadlock).
    pub fn is_retryable(&self) -> bool {
        match self {
            StorageError::Conflict { .. } => true,
            StorageError::Database { source, .. } => {
                let text = source.to_string().to_lowercase();
                text.contains("deadlock") || text.contains("could not serialize")
            }
            _ => false,
        }
    }
}

/// True when SQLite reports its lock taken (`SQLITE_BUSY`, "database is locked").
pub(crate) fn is_locked(e: &DbErr) -> bool {
    let text = e.to_string().to_lowercase();
    text.contains("database is locked") || text.contains("database is busy")
}

/// Why the database could not be reached, when that is what `e` says: no connection within the
/// timeout, a closed pool, or an I/O or TLS failure on the way to the server.
pub(crate) fn unreachable_cause(e: &DbErr) -> Option<String> {
    use sea_orm::{ConnAcquireErr, RuntimeErr, sqlx};
    match e {
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout) => {
            Some("no connection could be opened in time".to_owned())
        }
        DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed) => {
            Some("the connection was closed".to_owned())
        }
        DbErr::Conn(RuntimeErr::SqlxError(s))
        | DbErr::Exec(RuntimeErr::SqlxError(s))
        | DbErr::Query(RuntimeErr::SqlxError(s)) => match &**s {
            sqlx::Error::Io(io) => Some(io.to_string()),
            sqlx::Error::Tls(tls) => Some(format!("TLS: {tls}")),
            sqlx::Error::PoolTimedOut => Some("no connection could be opened in time".to_owned()),
            sqlx::Error::PoolClosed => Some("the connection was closed".to_owned()),
            _ => None,
        },
        _ => None,
    }
}

/// Shorthand for storage results.
pub type StorageResult<T> = Result<T, StorageError>;
