//! Requests that act once per key: a client's idempotency key, bound to the officer and to the
//! request's fingerprint, claimed in the same unit of work as the change it guards and holding
//! the first answer, which every repeat gets back verbatim.
//!
//! A use case that honours a key takes an [`Idempotent`] and, inside the unit of work that makes
//! its change, calls [`Idempotent::claim`] first and [`Idempotent::answer`] last: the key row
//! commits with the change or not at all. [`Service::once`] wraps the use case:
//!
//! 1. a key already stored (and not expired) answers at once: its stored answer when the officer
//!    and the fingerprint match ([`Answer::Replayed`]), else an invalid [`Field::RequestId`];
//! 2. otherwise the use case runs; the answer it stored comes back as [`Answer::First`];
//! 3. a use case that lost the race for the key (another request claimed it first) or failed
//!    reads the key again, up to [`RACE_READS`] times [`RACE_PAUSE`] apart (about a quarter of a
//!    second in all), and replays the winner's answer instead of its own error.
//!
//! A request that changes nothing (a dry run, a notice only checked) stores no key: repeating it
//! computes it again. A failed request stores none either: the key stays free for a retry.
//! Keys live [`RETENTION`]; `tick` deletes older ones, and an expired key may be used again.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use peiyu_domain::{Officer, Text};
use peiyu_storage::{Claim, StoredAnswer, UnitOfWork, idempotency};
use sha2::{Digest, Sha256};

use crate::{Field, Service, ServiceError, ServiceResult};

/// How long a key holds its answer: 24 hours from its claim.
pub const RETENTION: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// How many times a request that lost the race for its key reads the winner's answer.
pub const RACE_READS: u32 = 5;

/// The pause between those reads.
pub const RACE_PAUSE: Duration = Duration::from_millis(50);

/// The fingerprint of a request: lower-case hex SHA-256 over its method, its path and the
/// SHA-256 of its body, one per line. Two requests with one fingerprint ask for the same thing.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let body_hash = hex::encode(Sha256::digest(body));
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update(b"\n");
    hasher.update(path.as_bytes());
    hasher.update(b"\n");
    hasher.update(body_hash.as_bytes());
    hex::encode(hasher.finalize())
}

/// What a request with a key got.
#[derive(Clone, Debug)]
pub enum Answer<T> {
    /// This request acted. `answer` is what was stored with the key, `None` when nothing was
    /// stored (the request changed nothing).
    First {
        /// The use case's outcome.
        value: T,
        /// The answer stored with the key.
        answer: Option<StoredAnswer>,
    },
    /// A repeat: the first request's answer, as stored.
    Replayed(StoredAnswer),
}

/// One request's idempotency key: the key, what the request is, and how its outcome becomes the
/// answer to store (a front end's rendering: status, body and `ETag`).
pub struct Idempotent<'a, T> {
    key: String,
    action: &'static str,
    fingerprint: String,
    render: Box<dyn Fn(&T) -> StoredAnswer + Send + Sync + 'a>,
    stored: Mutex<Option<StoredAnswer>>,
    lost_race: AtomicBool,
}

impl<T> std::fmt::Debug for Idempotent<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Idempotent")
            .field("key", &self.key)
            .field("action", &self.action)
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

impl<'a, T> Idempotent<'a, T> {
    /// A key for the request `fingerprint` ([`fingerprint`]) doing `action` (`case.advance`),
    /// whose outcome `render` turns into the answer to store.
    pub fn new(
        key: impl Into<String>,
        action: &'static str,
        fingerprint: impl Into<String>,
        render: impl Fn(&T) -> StoredAnswer + Send + Sync + 'a,
    ) -> Idempotent<'a, T> {
        Idempotent {
            key: key.into(),
            action,
            fingerprint: fingerprint.into(),
            render: Box::new(render),
            stored: Mutex::new(None),
            lost_race: AtomicBool::new(false),
        }
    }

    /// The client's key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The answer an outcome becomes (for an outcome no key holds, e.g. a dry run's).
    pub fn render(&self, value: &T) -> StoredAnswer {
        (self.render)(value)
    }

    /// Claims the key in `uow`, before the change it guards. Fails when another request holds
    /// it; the caller's unit then rolls back and [`Service::once`] replays the holder's answer.
    pub(crate) async fn claim(&self, uow: &mut UnitOfWork) -> ServiceResult<()> {
        self.set_stored(None);
        match idempotency::claim_key(uow, &self.key, self.action, &self.fingerprint).await? {
            Claim::Claimed => Ok(()),
            Claim::Taken => {
                self.lost_race.store(true, Ordering::SeqCst);
                Err(ServiceError::invalid(
                    Field::RequestId,
                    Text::new(
                        format!("另一个请求正在使用键「{}」：请稍后重试", self.key),
                        format!(
                            "another request holds the key \"{}\": retry in a moment",
                            self.key
                        ),
                    ),
                ))
            }
        }
    }

    /// Stores `value`'s answer with the key claimed in `uow`: the last write of the unit.
    pub(crate) async fn answer(&self, uow: &mut UnitOfWork, value: &T) -> ServiceResult<()> {
        let answer = self.render(value);
        idempotency::store_answer(uow, &self.key, &answer).await?;
        self.set_stored(Some(answer));
        Ok(())
    }

    /// Gives the key up after a use case that claimed it in a unit of its own failed in a
    /// later one (`tick`): a repeat may act again.
    pub(crate) async fn release(&self, service: &Service) -> ServiceResult<()> {
        let conn = service.store().conn();
        if let Some(record) = idempotency::find_key(conn, &self.key).await? {
            idempotency::delete_key(conn, &record.key, record.created_at).await?;
        }
        Ok(())
    }

    fn set_stored(&self, answer: Option<StoredAnswer>) {
        if let Ok(mut slot) = self.stored.lock() {
            *slot = answer;
        }
    }

    fn take_stored(&self) -> Option<StoredAnswer> {
        self.stored.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// Claims `once`'s key in `uow` when there is one.
pub(crate) async fn claim<T>(
    once: Option<&Idempotent<'_, T>>,
    uow: &mut UnitOfWork,
) -> ServiceResult<()> {
    match once {
        Some(once) => once.claim(uow).await,
        None => Ok(()),
    }
}

/// Stores `value`'s answer with `once`'s key in `uow` when there is one.
pub(crate) async fn answer<T>(
    once: Option<&Idempotent<'_, T>>,
    uow: &mut UnitOfWork,
    value: &T,
) -> ServiceResult<()> {
    match once {
        Some(once) => once.answer(uow, value).await,
        None => Ok(()),
    }
}

fn key_reused(key: &str) -> ServiceError {
    ServiceError::invalid(
        Field::RequestId,
        Text::new(
            format!(
                "键「{key}」已用于另一个请求（另一操作、路径、内容或另一位干部）：新的请求请换一个新键"
            ),
            format!(
                "the key \"{key}\" was used for another request (another action, path, body or officer): use a new key for a new request"
            ),
        ),
    )
}

impl Service {
    /// Runs `act`, a use case given `once`, at most once per key: see the module's comment.
    /// `act` must claim the key ([`Idempotent::claim`]) first in the unit of work that makes its
    /// change and store its answer there ([`Idempotent::answer`]).
    #[tracing::instrument(skip_all, fields(actor = %actor.login.as_str(), key = %once.key, action = once.action))]
    pub async fn once<T>(
        &self,
        actor: &Officer,
        once: &Idempotent<'_, T>,
        act: impl Future<Output = ServiceResult<T>>,
    ) -> ServiceResult<Answer<T>> {
        if let Some(answer) = self.stored_answer(actor, once).await? {
            tracing::info!("replaying the stored answer");
            return Ok(Answer::Replayed(answer));
        }
        let value = match act.await {
            Ok(value) => value,
            Err(e) => return self.after_failure(actor, once, e).await,
        };
        if let Some(answer) = once.take_stored() {
            return Ok(Answer::First {
                value,
                answer: Some(answer),
            });
        }
        // Answered without storing: nothing changed, or an older record of the key answered.
        Ok(match self.stored_answer(actor, once).await? {
            Some(answer) => Answer::Replayed(answer),
            None => Answer::First {
                value,
                answer: None,
            },
        })
    }

    /// [`Service::once`] for a use case of many units of work (an import, `tick`): the key is
    /// claimed in a unit of its own before `act`, and the answer stored in one after it; when
    /// `act` fails the key is released, so a retry may act. A repeat arriving meanwhile waits
    /// for the answer (the bounded re-read), then finds the key held and is told to retry.
    pub async fn once_across_units<T>(
        &self,
        actor: &Officer,
        once: &Idempotent<'_, T>,
        act: impl Future<Output = ServiceResult<T>>,
    ) -> ServiceResult<Answer<T>> {
        let acting = crate::actor_of(actor);
        // A use case of many units is a large future: kept on the heap, not the caller's stack.
        let act = Box::pin(act);
        self.once(actor, once, async {
            crate::in_unit!(self, &acting, |uow| {
                once.claim(uow).await?;
                Ok(())
            })?;
            match act.await {
                Ok(value) => {
                    crate::in_unit!(self, &acting, |uow| {
                        once.answer(uow, &value).await?;
                        Ok(())
                    })?;
                    Ok(value)
                }
                Err(e) => {
                    once.release(self).await?;
                    Err(e)
                }
            }
        })
        .await
    }

    /// [`Service::once`] for a use case whose answer only a read after its commit shows (a
    /// case just opened, a list just copied): `act` claims the key in the unit of work that
    /// makes the change, and its value's answer is stored just after, in a unit of its own. A
    /// repeat arriving between the two waits for it (the bounded re-read); should the process
    /// stop between them, the key stays claimed without an answer until it expires.
    pub(crate) async fn once_answered_after<T>(
        &self,
        actor: &Officer,
        once: &Idempotent<'_, T>,
        act: impl Future<Output = ServiceResult<T>>,
    ) -> ServiceResult<Answer<T>> {
        self.once(actor, once, async {
            let value = act.await?;
            crate::in_unit!(self, &crate::actor_of(actor), |uow| {
                once.answer(uow, &value).await?;
                Ok(())
            })?;
            Ok(value)
        })
        .await
    }

    /// A request with a key that failed may have lost the race for its key: the winner's
    /// change is what it ran into. Replays the winner's answer when there is one, else returns
    /// `error`. The winner has committed when the loser's claim fails; the reads are a bound for
    /// the rest.
    async fn after_failure<T>(
        &self,
        actor: &Officer,
        once: &Idempotent<'_, T>,
        error: ServiceError,
    ) -> ServiceResult<Answer<T>> {
        let reads = if once.lost_race.load(Ordering::SeqCst) {
            RACE_READS
        } else {
            1
        };
        for read in 1..=reads {
            if let Some(answer) = self.stored_answer(actor, once).await? {
                tracing::info!(
                    read,
                    "lost the race for the key: replaying the winner's answer"
                );
                return Ok(Answer::Replayed(answer));
            }
            if read < reads {
                tokio::time::sleep(RACE_PAUSE).await;
            }
        }
        Err(error)
    }

    /// The answer stored with `once`'s key, if any and not expired; an error when the key is
    /// another officer's or another request's. An expired key is deleted, so it can be used
    /// again.
    async fn stored_answer<T>(
        &self,
        actor: &Officer,
        once: &Idempotent<'_, T>,
    ) -> ServiceResult<Option<StoredAnswer>> {
        let conn = self.store().conn();
        let Some(record) = idempotency::find_key(conn, &once.key).await? else {
            return Ok(None);
        };
        if record.created_at + RETENTION <= self.now() {
            idempotency::delete_key(conn, &record.key, record.created_at).await?;
            return Ok(None);
        }
        if record.actor_login != actor.login.as_str()
            || record.fingerprint != once.fingerprint
            || record.action != once.action
        {
            return Err(key_reused(&once.key));
        }
        Ok(record.answer)
    }

    /// Deletes the idempotency keys older than [`RETENTION`]; returns how many (run by `tick`).
    pub async fn forget_expired_keys(&self) -> ServiceResult<u64> {
        let before = self.now() - RETENTION;
        Ok(idempotency::delete_expired(self.store().conn(), before).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_differ_by_method_path_and_body() {
        let a = fingerprint("POST", "/api/v1/tasks/1/done", b"{}");
        assert_eq!(a.len(), 64);
        assert_eq!(a, fingerprint("POST", "/api/v1/tasks/1/done", b"{}"));
        assert_ne!(a, fingerprint("POST", "/api/v1/tasks/2/done", b"{}"));
        assert_ne!(a, fingerprint("POST", "/api/v1/tasks/1/done", b"{ }"));
        assert_ne!(a, fingerprint("PUT", "/api/v1/tasks/1/done", b"{}"));
    }
}
