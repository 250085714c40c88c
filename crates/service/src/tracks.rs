//! Tracks: the shipped definitions, loading new versions, and reading what is stored. A stored
//! definition is parsed once per text: [`TrackCache`] keeps the parsed tracks by the SHA-256 of
//! their text.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use peiyu_domain::{Officer, Text, TrackKey};
use peiyu_storage::{Actor, TrackRecord, TrackStored, tracks};
use peiyu_workflow::{SHIPPED, Track, TrackErrors};
use sha2::{Digest, Sha256};

use crate::authz::require_admin;
use crate::error::{Field, ServiceError, ServiceResult};
use crate::idempotency::{Answer, Idempotent};
use crate::{Service, actor_of, in_unit};

/// A stored track version with its definition parsed.
#[derive(Clone, Debug)]
pub struct TrackView {
    /// The stored version.
    pub record: TrackRecord,
    /// The definition, shared with the service's cache of parsed tracks.
    pub track: Arc<Track>,
}

/// How many parsed tracks [`TrackCache`] keeps at most.
const TRACK_CACHE_ENTRIES: usize = 64;

/// Parsed track definitions by the SHA-256 of their text, at most [`TRACK_CACHE_ENTRIES`] of
/// them, so that repeated reads of a stored version (every advance, dry run, tick) parse it
/// once. The same text always parses to the same track, so an entry never goes stale; when the
/// cache is full, one entry is dropped to make room. Safe to share between threads: concurrent
/// misses may both parse, and the first to store wins.
///
/// It also keeps stored versions by id ([`TrackCache::version`]): a stored version is never
/// changed (a new text is a new version with a new id), so an entry never goes stale either,
/// and a move reads its track without a query.
#[derive(Default)]
pub(crate) struct TrackCache {
    tracks: Mutex<HashMap<[u8; 32], Arc<Track>>>,
    versions: Mutex<HashMap<peiyu_domain::TrackId, TrackView>>,
}

impl fmt::Debug for TrackCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entries = self.lock().len();
        f.debug_struct("TrackCache")
            .field("entries", &entries)
            .finish()
    }
}

impl TrackCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Arc<Track>>> {
        // A panic elsewhere while holding the lock cannot leave a half-made entry: an entry is
        // inserted whole. So a poisoned map is still a good map.
        self.tracks.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The track `text` parses to: from the cache, or parsed (outside the lock) and kept.
    /// A text that does not parse is not kept.
    pub(crate) fn parse(&self, text: &str) -> Result<Arc<Track>, TrackErrors> {
        let key: [u8; 32] = Sha256::digest(text.as_bytes()).into();
        if let Some(track) = self.lock().get(&key) {
            return Ok(Arc::clone(track));
        }
        let parsed = Arc::new(Track::parse(text)?);
        let mut tracks = self.lock();
        if tracks.len() >= TRACK_CACHE_ENTRIES
            && !tracks.contains_key(&key)
            && let Some(old) = tracks.keys().next().copied()
        {
            tracks.remove(&old);
        }
        Ok(Arc::clone(tracks.entry(key).or_insert(parsed)))
    }

    /// The stored version `id` if it was read before.
    fn version(&self, id: peiyu_domain::TrackId) -> Option<TrackView> {
        self.versions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
            .cloned()
    }

    /// Keeps a stored version read from the database, dropping another when full.
    fn keep_version(&self, view: &TrackView) {
        let mut versions = self.versions.lock().unwrap_or_else(PoisonError::into_inner);
        if versions.len() >= TRACK_CACHE_ENTRIES
            && !versions.contains_key(&view.record.id)
            && let Some(old) = versions.keys().next().copied()
        {
            versions.remove(&old);
        }
        versions.insert(view.record.id, view.clone());
    }

    /// How many parsed tracks are kept.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

/// Parses and validates a track definition without storing it; every problem is listed with
/// its line.
pub fn validate_track(text: &str) -> Result<Track, TrackErrors> {
    Track::parse(text)
}

fn parse_stored(cache: &TrackCache, record: &TrackRecord) -> ServiceResult<Arc<Track>> {
    cache.parse(&record.definition).map_err(|e| {
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
                    Field::named(shipped.file_name),
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
        self.load_track_keyed(actor, text, None).await
    }

    /// [`Service::load_track`] at most once per idempotency key ([`Service::once`]): the key is
    /// claimed in the unit of work that stores the version and holds `once`'s rendering of it.
    #[tracing::instrument(skip(self, actor, text, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn load_track_once(
        &self,
        actor: &Officer,
        text: &str,
        once: &Idempotent<'_, TrackStored>,
    ) -> ServiceResult<Answer<TrackStored>> {
        self.once(actor, once, self.load_track_keyed(actor, text, Some(once)))
            .await
    }

    async fn load_track_keyed(
        &self,
        actor: &Officer,
        text: &str,
        once: Option<&Idempotent<'_, TrackStored>>,
    ) -> ServiceResult<TrackStored> {
        require_admin(actor, "载入流程定义", "load tracks")?;
        let track = Track::parse(text).map_err(|e| {
            ServiceError::invalid(
                Field::File,
                peiyu_domain::Localize::localize(&e, peiyu_domain::Lang::Zh),
            )
        })?;
        in_unit!(self, &actor_of(actor), once = once, |uow| {
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
                let track = parse_stored(self.track_cache(), &record)?;
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
                    format!("没有名为「{key}」的流程：请查看流程列表（industrial、commerce、technology 在初始化数据库时载入）"),
                    format!("no track is named \"{key}\": see the list of tracks (industrial, commerce and technology are loaded when the database is initialised)"),
                )
            })?;
        let track = parse_stored(self.track_cache(), &record)?;
        Ok(TrackView { record, track })
    }

    /// One stored track version by id: read once per process ([`TrackCache`]).
    pub(crate) async fn track_version(
        &self,
        id: peiyu_domain::TrackId,
    ) -> ServiceResult<TrackView> {
        if let Some(view) = self.track_cache().version(id) {
            return Ok(view);
        }
        let record = tracks::get_track(self.store().conn(), id).await?;
        let track = parse_stored(self.track_cache(), &record)?;
        let view = TrackView { record, track };
        self.track_cache().keep_version(&view);
        Ok(view)
    }
}

/// Checks a track key typed by a user.
pub fn parse_track_key(field: Field, s: &str) -> ServiceResult<TrackKey> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped industrial track with a comment: another text, the same track.
    fn variant(n: usize) -> String {
        format!("# variant {n}\n{}", SHIPPED[0].text)
    }

    #[test]
    fn the_same_text_is_parsed_once() {
        let cache = TrackCache::default();
        let first = cache.parse(SHIPPED[0].text).unwrap();
        let again = cache.parse(SHIPPED[0].text).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        let other = cache.parse(&variant(1)).unwrap();
        assert!(!Arc::ptr_eq(&first, &other));
        assert_eq!(
            other.content_hash(),
            Track::parse(&variant(1)).unwrap().content_hash()
        );
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn a_text_that_does_not_parse_is_refused_and_not_kept() {
        let cache = TrackCache::default();
        let err = cache.parse("key = 1\n").unwrap_err();
        assert_eq!(err, Track::parse("key = 1\n").unwrap_err());
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn the_cache_keeps_at_most_its_bound() {
        let cache = TrackCache::default();
        for n in 0..TRACK_CACHE_ENTRIES + 10 {
            let track = cache.parse(&variant(n)).unwrap();
            assert_eq!(track.text(), variant(n));
            assert!(cache.len() <= TRACK_CACHE_ENTRIES);
        }
        assert_eq!(cache.len(), TRACK_CACHE_ENTRIES);
    }

    #[test]
    fn threads_reading_the_same_texts_share_one_parse_each() {
        let cache = TrackCache::default();
        let tracks: Vec<Vec<Arc<Track>>> = std::thread::scope(|s| {
            let readers: Vec<_> = (0..4)
                .map(|_| s.spawn(|| (0..8).map(|n| cache.parse(&variant(n)).unwrap()).collect()))
                .collect();
            readers.into_iter().map(|r| r.join().unwrap()).collect()
        });
        for n in 0..8 {
            let kept = cache.parse(&variant(n)).unwrap();
            assert!(tracks.iter().all(|t| Arc::ptr_eq(&t[n], &kept)));
        }
        assert_eq!(cache.len(), 8);
    }
}
