//! Stored track versions: the exact TOML text of every version ever loaded.

use chrono::{DateTime, Utc};
use peiyu_domain::AuditAction;
use peiyu_domain::{TrackId, TrackKey};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

use crate::audit::{AuditFact, UnitOfWork};
use crate::entities::tracks;
use crate::error::{StorageError, StorageResult};
use crate::instant;

/// One stored version of a track.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackRecord {
    /// Its id; cultivations point at it.
    pub id: TrackId,
    /// The track's key.
    pub key: TrackKey,
    /// 1 for the first version loaded under this key, then 2, 3, …
    pub version: i32,
    /// SHA-256 of the definition text.
    pub content_hash: String,
    /// The definition, exactly as loaded.
    pub definition: String,
    /// When it was loaded.
    pub loaded_at: DateTime<Utc>,
}

fn from_model(m: tracks::Model) -> StorageResult<TrackRecord> {
    Ok(TrackRecord {
        id: TrackId(m.id),
        key: TrackKey::new(&m.key).map_err(|e| StorageError::Corrupt {
            table: "tracks",
            column: "key",
            value: m.key.clone(),
            detail: e.to_string(),
        })?,
        version: m.version,
        loaded_at: instant::from_text("tracks", "loaded_at", &m.loaded_at)?,
        content_hash: m.content_hash,
        definition: m.definition,
    })
}

/// What storing a track did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrackStored {
    /// The text was new: stored as the next version.
    New(TrackRecord),
    /// The same text was already stored under this key: nothing was written.
    Existing(TrackRecord),
}

/// Stores a track definition as the key's next version, unless the exact same text is already
/// stored under the key.
pub async fn store_track(
    uow: &mut UnitOfWork,
    key: &TrackKey,
    definition: &str,
    content_hash: &str,
) -> StorageResult<TrackStored> {
    let versions = tracks::Entity::find()
        .filter(tracks::Column::Key.eq(key.as_str()))
        .order_by_asc(tracks::Column::Version)
        .all(uow.txn())
        .await
        .map_err(StorageError::db("reading track versions"))?;
    if let Some(same) = versions.iter().find(|t| t.content_hash == content_hash) {
        return Ok(TrackStored::Existing(from_model(same.clone())?));
    }
    let version = versions.last().map(|t| t.version + 1).unwrap_or(1);
    let record = TrackRecord {
        id: TrackId::new(),
        key: key.clone(),
        version,
        content_hash: content_hash.to_owned(),
        definition: definition.to_owned(),
        loaded_at: uow.now(),
    };
    tracks::Entity::insert(tracks::ActiveModel {
        id: Set(record.id.0),
        key: Set(key.as_str().to_owned()),
        version: Set(version),
        content_hash: Set(content_hash.to_owned()),
        definition: Set(definition.to_owned()),
        loaded_at: Set(instant::to_text(uow.now())),
        loaded_by: Set(uow.actor().id.map(|o| o.0)),
    })
    .exec_without_returning(uow.txn())
    .await
    .map_err(|source| match source.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => StorageError::Conflict {
            entity: "track",
            key: key.as_str().to_owned(),
            expected: i64::from(version - 1),
        },
        _ => StorageError::classify("storing a track", source),
    })?;
    uow.record(AuditFact {
        action: AuditAction::TrackLoad,
        subject_type: "track".into(),
        subject_id: format!("{}@{version}", key.as_str()),
        enterprise: None,
        before: None,
        after: Some(json!({
            "key": key.as_str(),
            "version": version,
            "content_hash": content_hash,
        })),
        reason: None,
        effective_on: None,
    })
    .await?;
    Ok(TrackStored::New(record))
}

/// Every stored version of every track, by key then version.
pub async fn list_tracks(conn: &impl ConnectionTrait) -> StorageResult<Vec<TrackRecord>> {
    tracks::Entity::find()
        .order_by_asc(tracks::Column::Key)
        .order_by_asc(tracks::Column::Version)
        .all(conn)
        .await
        .map_err(StorageError::db("listing tracks"))?
        .into_iter()
        .map(from_model)
        .collect()
}

/// The newest version of a track, if any version is stored.
pub async fn latest_track(
    conn: &impl ConnectionTrait,
    key: &str,
) -> StorageResult<Option<TrackRecord>> {
    tracks::Entity::find()
        .filter(tracks::Column::Key.eq(key))
        .order_by_desc(tracks::Column::Version)
        .one(conn)
        .await
        .map_err(StorageError::db("reading a track"))?
        .map(from_model)
        .transpose()
}

/// One stored track version.
pub async fn get_track(conn: &impl ConnectionTrait, id: TrackId) -> StorageResult<TrackRecord> {
    tracks::Entity::find_by_id(id.0)
        .one(conn)
        .await
        .map_err(StorageError::db("reading a track"))?
        .map(from_model)
        .transpose()?
        .ok_or_else(|| StorageError::NotFound {
            entity: "track",
            key: id.to_string(),
        })
}
