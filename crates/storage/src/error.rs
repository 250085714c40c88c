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
        /// The URL given.
        url: String,
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
    /// Wraps a driver error with what storage was doing.
    pub fn db(context: &'static str) -> impl FnOnce(DbErr) -> StorageError {
        move |source| StorageError::Database { context, source }
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
            _ => StorageError::Database { context, source },
        }
    }

    /// True when retrying the whole unit of work may succeed (a lost race or a deadlock).
    pub fn is_retryable(&self) -> bool {
        match self {
            StorageError::Conflict { .. } => true,
            StorageError::Database { source, .. } => {
                let text = source.to_string().to_lowercase();
                text.contains("deadlock")
                    || text.contains("could not serialize")
                    || text.contains("database is locked")
            }
            _ => false,
        }
    }
}

/// Shorthand for storage results.
pub type StorageResult<T> = Result<T, StorageError>;
