//! Tracks: the shipped definitions, loading new versions, and reading what is stored.

use peiyu_domain::{Officer, Text, TrackKey};
use peiyu_storage::{Actor, TrackRecord, TrackStored, tracks};
use peiyu_workflow::{SHIPPED, Track, TrackErrors};

use crate::authz::require_admin;
use crate::error::{ServiceError, ServiceResult};
use crate::{Service, actor_of, in_unit};

/// A stored track version with its definition parsed.
#[derive(Clone, Debug)]
pub struct TrackView {
    /// The stored version.
    pub record: TrackRecord,
    /// The definition.
    pub track: Track,
}

/// Parses and validates a track definition without storing it; every problem is listed with
/// its line.
pub fn validate_track(text: &str) -> Result<Track, TrackErrors> {
    Track::parse(text)
}

fn parse_stored(record: &TrackRecord) -> ServiceResult<Track> {
    Track::parse(&record.definition).map_err(|e| {
        ServiceError::Storage(peiyu_storage::StorageError::Corrupt {
            table: "tracks",
            column: "definition",
            value: format!("{}@{}", record.key, record.version),
            detail: e.to_string(),
        })
    })
}

impl Service {
    /// Stores each shipped track whose text is not stored yet (as the system). Returns the
    /// versions newly stored.
    pub(crate) async fn load_shipped_tracks(&self) -> ServiceResult<Vec<TrackRecord>> {
        let mut stored = Vec::new();
        for shipped in SHIPPED {
            let track = Track::parse(shipped.text).map_err(|e| {
                ServiceError::invalid(
                    shipped.file_name,
                    peiyu_domain::Localize::localize(&e, peiyu_domain::Lang::Zh),
                )
            })?;
            let outcome = in_unit!(self, &Actor::system(), |uow| {
                Ok(
                    tracks::store_track(uow, track.key(), shipped.text, &track.content_hash())
                        .await?,
                )
            })?;
            if let TrackStored::New(record) = outcome {
                stored.push(record);
            }
        }
        Ok(stored)
    }

    /// Loads a track definition as its key's next version (admin only). The exact same text
    /// loaded again changes nothing. Running cultivations keep the version they were opened on.
    #[tracing::instrument(skip(self, actor, text), fields(actor = %actor.login.as_str()))]
    pub async fn load_track(&self, actor: &Officer, text: &str) -> ServiceResult<TrackStored> {
        require_admin(actor, "载入流程定义", "load tracks")?;
        let track = Track::parse(text).map_err(|e| {
            ServiceError::invalid(
                "FILE",
                peiyu_domain::Localize::localize(&e, peiyu_domain::Lang::Zh),
            )
        })?;
        in_unit!(self, &actor_of(actor), |uow| {
            Ok(tracks::store_track(uow, track.key(), text, &track.content_hash()).await?)
        })
    }

    /// Every stored track version, by key then version.
    #[tracing::instrument(skip(self, _actor))]
    pub async fn list_tracks(&self, _actor: &Officer) -> ServiceResult<Vec<TrackView>> {
        tracks::list_tracks(self.store().conn())
            .await?
            .into_iter()
            .map(|record| {
                let track = parse_stored(&record)?;
                Ok(TrackView { record, track })
            })
            .collect()
    }

    /// The newest version of a track.
    pub async fn latest_track(&self, key: &str) -> ServiceResult<TrackView> {
        let record = tracks::latest_track(self.store().conn(), key)
            .await?
            .ok_or_else(|| {
                ServiceError::not_found(
                    format!("没有名为「{key}」的流程：用 `peiyu track list` 查看（industrial、commerce、technology 由 `peiyu init` 载入）"),
                    format!("no track is named \"{key}\": see `peiyu track list` (industrial, commerce and technology are loaded by `peiyu init`)"),
                )
            })?;
        let track = parse_stored(&record)?;
        Ok(TrackView { record, track })
    }

    /// One stored track version by id.
    pub(crate) async fn track_version(
        &self,
        id: peiyu_domain::TrackId,
    ) -> ServiceResult<TrackView> {
        let record = tracks::get_track(self.store().conn(), id).await?;
        let track = parse_stored(&record)?;
        Ok(TrackView { record, track })
    }
}

/// Checks a track key typed by a user.
pub fn parse_track_key(field: &str, s: &str) -> ServiceResult<TrackKey> {
    TrackKey::new(s.trim()).map_err(|e| {
        ServiceError::invalid(
            field,
            Text::new(
                format!(
                    "流程名无效：{}",
                    peiyu_domain::Localize::localize(&e, peiyu_domain::Lang::Zh).zh()
                ),
                format!("not a track key: {e}"),
            ),
        )
    })
}
