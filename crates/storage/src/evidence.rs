//! Evidence files, kept by their SHA-256 (content-addressed: the same bytes are kept once).
//!
//! Keeping a file is not itself a change to the county's record: the change that cites it (a
//! task completed, a stage moved) records the file's SHA-256 in its audit entry, which both
//! attributes it and verifies the bytes kept here. So writing a file leaves no audit entry of
//! its own, like the idempotency keys.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use crate::entities::evidence_files;
use crate::error::{StorageError, StorageResult};
use crate::instant;

/// One evidence file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceFile {
    /// Lower-case hex SHA-256 of `bytes`.
    pub sha256: String,
    /// The file's name as uploaded.
    pub name: String,
    /// Its media type as uploaded (`image/jpeg`), `application/octet-stream` when unknown.
    pub media_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Who uploaded it first (login).
    pub uploaded_by: String,
    /// When it was first uploaded.
    pub uploaded_at: DateTime<Utc>,
}

/// Keeps `file` unless the same bytes are kept already. True when it was written now.
pub async fn keep(conn: &impl ConnectionTrait, file: &EvidenceFile) -> StorageResult<bool> {
    if evidence_files::Entity::find_by_id(file.sha256.clone())
        .one(conn)
        .await
        .map_err(StorageError::db("reading an evidence file"))?
        .is_some()
    {
        return Ok(false);
    }
    let row = evidence_files::ActiveModel {
        sha256: Set(file.sha256.clone()),
        name: Set(file.name.clone()),
        media_type: Set(file.media_type.clone()),
        size: Set(i64::try_from(file.bytes.len()).unwrap_or(i64::MAX)),
        bytes: Set(file.bytes.clone()),
        uploaded_by: Set(file.uploaded_by.clone()),
        uploaded_at: Set(instant::to_text(file.uploaded_at)),
    };
    match evidence_files::Entity::insert(row)
        .exec(conn)
        .await
        .map_err(StorageError::db_unique(
            "keeping an evidence file",
            "evidence file",
            "sha256",
            file.sha256.clone(),
        )) {
        Ok(_) => Ok(true),
        // Another request kept the same bytes in between: they are kept.
        Err(StorageError::Duplicate { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The file kept under `sha256`, if any.
pub async fn get(conn: &impl ConnectionTrait, sha256: &str) -> StorageResult<Option<EvidenceFile>> {
    let Some(row) = evidence_files::Entity::find_by_id(sha256.to_owned())
        .one(conn)
        .await
        .map_err(StorageError::db("reading an evidence file"))?
    else {
        return Ok(None);
    };
    Ok(Some(EvidenceFile {
        uploaded_at: instant::from_text("evidence_files", "uploaded_at", &row.uploaded_at)?,
        sha256: row.sha256,
        name: row.name,
        media_type: row.media_type,
        bytes: row.bytes,
        uploaded_by: row.uploaded_by,
    }))
}
