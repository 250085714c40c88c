//! Online copies of a SQLite database and putting one back (docs/operations.md).
//!
//! A copy is taken with `VACUUM INTO` inside one read transaction: a consistent snapshot of
//! every committed change, written while writers go on (WAL), never a torn file as `cp` of a
//! live database gives. PostgreSQL and MySQL/MariaDB are copied with their own tools.

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::connect::{Backend, Store};
use crate::error::{StorageError, StorageResult};

impl Store {
    /// Writes a consistent copy of this SQLite database to `to`, a file that must not exist
    /// yet, while other connections keep reading and writing. Not for PostgreSQL or MySQL.
    #[tracing::instrument(skip(self))]
    pub async fn copy_sqlite_into(&self, to: &Path) -> StorageResult<()> {
        if self.backend() != Backend::Sqlite {
            return Err(StorageError::UnsupportedUrl {
                url: format!("{} ({})", self.place(), self.backend().name()),
            });
        }
        if to.exists() {
            return Err(StorageError::Duplicate {
                entity: "file",
                field: "path",
                value: to.display().to_string(),
            });
        }
        let target = to.to_string_lossy().into_owned();
        self.conn()
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "VACUUM INTO ?",
                [target.into()],
            ))
            .await
            .map_err(StorageError::db("copying the database"))?;
        Ok(())
    }
}

/// What [`put_sqlite_back`] did: where the database was put and where the one it replaced
/// was kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PutBack {
    /// The database file now holding the copy.
    pub database: PathBuf,
    /// The file the replaced database was moved to (its `-wal` beside it), if there was one.
    pub kept: Option<PathBuf>,
}

/// Puts the SQLite copy opened as `copy` in place of the database file `target`: the copy is
/// written beside the target (`VACUUM INTO`, so a half-written file never takes its place),
/// the current database and its `-wal`/`-shm` files are renamed to `TARGET.before-restore-
/// STAMP`, and the new file is renamed into place. No process may have the target open.
#[tracing::instrument(skip(copy))]
pub async fn put_sqlite_back(copy: &Store, target: &Path, stamp: &str) -> StorageResult<PutBack> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source: std::io::Error| StorageError::File { path, source }
    };
    let incoming = sibling(target, ".restoring");
    if incoming.exists() {
        std::fs::remove_file(&incoming).map_err(io(&incoming))?;
    }
    copy.copy_sqlite_into(&incoming).await?;
    let kept = if target.exists() {
        let kept = sibling(target, &format!(".before-restore-{stamp}"));
        for suffix in ["-wal", "-shm"] {
            let side = sibling(target, suffix);
            if side.exists() {
                let to = sibling(&kept, suffix);
                std::fs::rename(&side, &to).map_err(io(&side))?;
            }
        }
        std::fs::rename(target, &kept).map_err(io(target))?;
        Some(kept)
    } else {
        None
    };
    std::fs::rename(&incoming, target).map_err(io(&incoming))?;
    Ok(PutBack {
        database: target.to_path_buf(),
        kept,
    })
}

/// `path` with `suffix` appended to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
