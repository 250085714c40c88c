//! Backups that keep everything, and putting one back only when it verifies
//! (docs/operations.md).
//!
//! A SQLite database is copied online and consistently (`VACUUM INTO`, one read transaction,
//! writers go on), then the copy's audit log is verified, so a copy that is reported good holds
//! every change acknowledged before it began and nothing torn. A copy is put back only after
//! its own audit log verifies; the database it replaces is kept beside it.

use std::path::{Path, PathBuf};

use peiyu_domain::{Officer, Role, Text};
use peiyu_storage::{Backend, Store, backup, seal};

use crate::audit::AuditVerification;
use crate::error::{Field, ServiceError, ServiceResult};
use crate::{RETRY_AFTER_SECS, Service};

/// What `backup` made: the copy, its size, and its audit log verified.
#[derive(Clone, Debug)]
pub struct BackupReport {
    /// The copy.
    pub file: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// The copy's audit log, verified.
    pub verification: AuditVerification,
}

/// What `restore` did.
#[derive(Clone, Debug)]
pub struct RestoreReport {
    /// The database file now holding the copy.
    pub database: PathBuf,
    /// Where the database it replaced was kept, if there was one.
    pub kept: Option<PathBuf>,
    /// The copy's audit log, verified before it was put back.
    pub verification: AuditVerification,
}

impl Service {
    /// Copies this SQLite database to `to` (a file that must not exist) while it is in use,
    /// then verifies the copy's audit log. Only an admin may. A copy that does not verify is
    /// removed and reported as an error; PostgreSQL and MySQL/MariaDB are copied with their own
    /// tools (an error says so).
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn backup_sqlite(&self, actor: &Officer, to: &Path) -> ServiceResult<BackupReport> {
        if actor.role != Role::Admin {
            return Err(ServiceError::forbidden(
                "只有管理员可以备份数据库",
                "only an admin backs up the database",
            ));
        }
        if self.store().backend() != Backend::Sqlite {
            return Err(ServiceError::invalid(
                Field::Database,
                Text::new(
                    "PostgreSQL 和 MySQL/MariaDB 数据库用其自带工具备份（pg_dump、mariadb-dump），见 docs/operations.md",
                    "PostgreSQL and MySQL/MariaDB databases are backed up with their own tools (pg_dump, mariadb-dump): see docs/operations.md",
                ),
            ));
        }
        if to.exists() {
            return Err(ServiceError::invalid(
                Field::File,
                Text::new(
                    format!(
                        "{} 已存在：备份不覆盖已有文件，请换一个文件名",
                        to.display()
                    ),
                    format!(
                        "{} exists already: a backup never overwrites a file; name a new one",
                        to.display()
                    ),
                ),
            ));
        }
        self.store().copy_sqlite_into(to).await?;
        let verification = match verify_sqlite_file(to).await {
            Ok(v) if v.ok() => v,
            Ok(v) => {
                let _ = std::fs::remove_file(to);
                return Err(not_verified(to, &v));
            }
            Err(e) => {
                let _ = std::fs::remove_file(to);
                return Err(e);
            }
        };
        let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or_default();
        tracing::info!(bytes, entries = verification.chains.entries, "backup taken");
        Ok(BackupReport {
            file: to.to_path_buf(),
            bytes,
            verification,
        })
    }
}

impl Service {
    /// True when the database holds any table: a server's dump is restored only into a new,
    /// empty database.
    pub async fn store_has_tables(&self) -> ServiceResult<bool> {
        Ok(self.store().table_count().await? > 0)
    }
}

/// Verifies the audit log of the SQLite file at `path` (a backup), opened read-only: every
/// hash chain and every seal. A file that is not a peiyu database is an invalid file.
#[tracing::instrument]
pub async fn verify_sqlite_file(path: &Path) -> ServiceResult<AuditVerification> {
    let unreadable = |detail: String| {
        ServiceError::invalid(
            Field::File,
            Text::new(
                format!("{} 不是可读的 peiyu 数据库备份：{detail}", path.display()),
                format!(
                    "{} is not a readable peiyu database backup: {detail}",
                    path.display()
                ),
            ),
        )
    };
    if !path.is_file() {
        return Err(unreadable("没有这个文件 / no such file".to_owned()));
    }
    let store = Store::open_sqlite_file(path, true)
        .await
        .map_err(|e| unreadable(e.to_string()))?;
    let outcome = async {
        if !store.is_migrated().await? {
            return Ok(None);
        }
        let replay = peiyu_storage::audit_replay::verify_all(store.conn()).await?;
        let (seals, broken_seals) = seal::verify_seals(store.conn(), None).await?;
        Ok::<_, peiyu_storage::StorageError>(Some(AuditVerification {
            chains: replay.chains,
            seals,
            broken_seals,
            rows: replay.rows,
            findings: replay.findings,
            words: crate::FindingWords::default(),
        }))
    }
    .await;
    let _ = store.close().await;
    match outcome {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(unreadable(
            "它的结构不是本版本的 / its schema is not this version's".to_owned(),
        )),
        Err(e) => Err(unreadable(e.to_string())),
    }
}

/// Puts the SQLite backup `copy` in place of the database at `target_url`, after verifying the
/// copy's audit log; a copy that does not verify changes nothing. The replaced database is
/// kept beside it as `FILE.before-restore-STAMP`. No server or other process may have the
/// database open meanwhile (docs/operations.md).
#[tracing::instrument(skip(target_url))]
pub async fn restore_sqlite(
    copy: &Path,
    target_url: &str,
    stamp: &str,
) -> ServiceResult<RestoreReport> {
    if Backend::of_url(target_url) != Some(Backend::Sqlite) {
        return Err(ServiceError::invalid(
            Field::Database,
            Text::new(
                "PostgreSQL 和 MySQL/MariaDB 数据库用其自带工具恢复（pg_restore、mariadb），见 docs/operations.md",
                "PostgreSQL and MySQL/MariaDB databases are restored with their own tools (pg_restore, mariadb): see docs/operations.md",
            ),
        ));
    }
    let verification = verify_sqlite_file(copy).await?;
    if !verification.ok() {
        return Err(not_verified(copy, &verification));
    }
    let target = {
        let store = Store::connect(target_url).await?;
        let file = store.sqlite_file();
        store.close().await?;
        file.ok_or(ServiceError::Unavailable {
            message: Text::new(
                "数据库不是 SQLite 文件",
                "the database is not a SQLite file",
            ),
            retry_after_secs: RETRY_AFTER_SECS,
        })?
    };
    if same_file(copy, &target) {
        return Err(ServiceError::invalid(
            Field::File,
            Text::new(
                "备份文件就是数据库本身：请指定另一个备份文件",
                "the backup is the database itself: name another backup file",
            ),
        ));
    }
    let source = Store::open_sqlite_file(copy, true).await?;
    let put = backup::put_sqlite_back(&source, &target, stamp).await;
    let _ = source.close().await;
    let put = put?;
    tracing::info!(database = %put.database.display(), "backup restored");
    Ok(RestoreReport {
        database: put.database,
        kept: put.kept,
        verification,
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The error for a copy whose audit log does not verify.
fn not_verified(path: &Path, v: &AuditVerification) -> ServiceError {
    let broken = v.chains.broken.len();
    let seals = v.broken_seals.len();
    ServiceError::invalid(
        Field::File,
        Text::new(
            format!(
                "{} 的审计链不完好（{broken} 条链、{seals} 个封签不符）：不能使用这份备份，未作任何更改",
                path.display()
            ),
            format!(
                "the audit log of {} does not verify ({broken} chains and {seals} seals broken): this backup cannot be used; nothing was changed",
                path.display()
            ),
        ),
    )
}
