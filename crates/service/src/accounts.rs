//! Accounts: passwords, logging in to the web pages, their sessions, and logging out.
//!
//! - A password is at least [`MIN_PASSWORD_CHARS`] characters and is stored as an argon2id hash
//!   (the `argon2` crate's default parameters: 19 MiB, 2 passes, 1 lane). An admin may set
//!   anyone's; the officer must then change it at their first login. Setting or changing a
//!   password ends the officer's other sessions.
//! - Logging in checks the login name and password and starts a session whose secret goes to
//!   the browser's cookie; only its SHA-256 is stored. A session ends after
//!   [`IDLE_HOURS`] hours without a request, [`ABSOLUTE_DAYS`] days after the login whatever
//!   happens, or at logout.
//! - Failed logins are counted in the database, so every server instance on it counts the same:
//!   after [`MAX_FAILURES_PER_LOGIN`] failures on one login name or
//!   [`MAX_FAILURES_PER_ADDRESS`] from one address within [`WINDOW_MINUTES`] minutes, logins
//!   are refused, saying how long to wait. A successful login clears its login name's count.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Duration, Utc};
use peiyu_domain::{Officer, Role, Text};
use peiyu_storage::accounts::{self, AttemptsOf, WebSession};
use peiyu_storage::{officers, tokens};
use uuid::Uuid;

use crate::error::{Field, ServiceError, ServiceResult};
use crate::{Service, actor_of, in_unit};

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The most characters a password may have (hashing a longer one is wasted work).
pub const MAX_PASSWORD_CHARS: usize = 256;
/// A session ends after this many hours without a request.
pub const IDLE_HOURS: i64 = 8;
/// A session ends this many days after its login, however busy.
pub const ABSOLUTE_DAYS: i64 = 7;
/// A session's `last_seen_at` is brought up to date at most this often.
pub const TOUCH_EVERY_SECONDS: i64 = 60;
/// The window failed logins are counted in.
pub const WINDOW_MINUTES: i64 = 15;
/// Failed logins on one login name allowed in the window.
pub const MAX_FAILURES_PER_LOGIN: usize = 5;
/// Failed logins from one address allowed in the window.
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
/// The prefix of every session secret, so a leaked one is recognisable.
pub const SESSION_PREFIX: &str = "ps_";

/// Where a login comes from, as the front end saw it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Client {
    /// The client's address (an IP address), if known.
    pub address: Option<String>,
    /// The browser's `User-Agent`, if sent.
    pub user_agent: Option<String>,
}

/// A session just started, with its secret — the only time the secret is available.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The secret for the cookie.
    pub secret: String,
    /// Who logged in.
    pub officer: Officer,
    /// Whether the officer must change their password before anything else.
    pub must_change_password: bool,
    /// When the session ends at the latest.
    pub expires_at: DateTime<Utc>,
}

/// The officer a live session belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    /// Who.
    pub officer: Officer,
    /// Whether they must change their password before anything else.
    pub must_change_password: bool,
    /// When the session ends at the latest (the idle limit may end it sooner).
    pub expires_at: DateTime<Utc>,
}

fn internal(zh: &str, en: &str, detail: impl std::fmt::Display) -> ServiceError {
    tracing::error!(%detail, "{en}");
    ServiceError::Internal {
        message: Text::new(zh, en),
    }
}

fn wrong_login() -> ServiceError {
    ServiceError::Unauthenticated {
        message: Text::new("登录名或密码不正确", "the login name or password is wrong"),
    }
}

/// Login names are compared as typed, trimmed and lower-cased (logins are lower case).
fn normalise_login(login: &str) -> String {
    login.trim().to_lowercase()
}

fn check_password(field: Field, password: &str) -> ServiceResult<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(ServiceError::invalid(
            field,
            Text::new(
                format!("密码至少 {MIN_PASSWORD_CHARS} 个字符（现为 {n} 个）"),
                format!("a password has at least {MIN_PASSWORD_CHARS} characters (this has {n})"),
            ),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(ServiceError::invalid(
            field,
            Text::new(
                format!("密码最多 {MAX_PASSWORD_CHARS} 个字符"),
                format!("a password has at most {MAX_PASSWORD_CHARS} characters"),
            ),
        ));
    }
    Ok(())
}

/// Hashes a password with argon2id on a blocking thread (it takes tens of milliseconds).
pub async fn hash_password(password: &str) -> ServiceResult<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| internal("密码哈希失败", "hashing a password failed", e))?
    .map_err(|e| internal("密码哈希失败", "hashing a password failed", e))
}

/// Whether `password` matches the PHC string `hash`, on a blocking thread. A hash that does not
/// parse matches nothing.
pub async fn verify_password(password: &str, hash: &str) -> ServiceResult<bool> {
    let password = password.to_owned();
    let hash = hash.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .map_err(|e| internal("密码校验失败", "checking a password failed", e))
}

/// A hash of nothing in particular, verified against when the login name is unknown so that a
/// wrong name takes as long as a wrong password.
async fn decoy_hash() -> Option<&'static str> {
    static DECOY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DECOY.get() {
        return Some(h.as_str());
    }
    let made = hash_password(&Uuid::new_v4().to_string()).await.ok()?;
    Some(DECOY.get_or_init(|| made).as_str())
}

/// A fresh session secret: the prefix and 32 random bytes in hex.
fn new_secret() -> String {
    format!(
        "{SESSION_PREFIX}{}{}",
        Uuid::new_v4().simple(),
        Uuid::new_v4().simple()
    )
}

/// "3 分钟" / "3 minutes", rounded up, for a wait of `secs` seconds.
fn wait_text(secs: u64) -> (String, String) {
    let minutes = secs.div_ceil(60).max(1);
    (
        format!("{minutes} 分钟"),
        if minutes == 1 {
            "1 minute".to_owned()
        } else {
            format!("{minutes} minutes")
        },
    )
}

impl Service {
    /// Sets the password of the officer `login`. An admin may set anyone's — then the officer
    /// must change it at their next login, unless it is the admin's own —; any other officer
    /// only their own. Ends every web session of that officer. Audited (`officer.password`,
    /// without the password or its hash).
    #[tracing::instrument(skip(self, actor, password), fields(actor = %actor.login.as_str()))]
    pub async fn set_password(
        &self,
        actor: &Officer,
        login: &str,
        password: &str,
    ) -> ServiceResult<()> {
        self.ensure_initialised().await?;
        let login = login.trim();
        let officer = if login == actor.login.as_str() {
            actor.clone()
        } else {
            if actor.role != Role::Admin {
                return Err(ServiceError::forbidden(
                    "只有管理员可以设置其他干部的密码；你可以修改自己的密码",
                    "only an admin may set another officer's password; you may change your own",
                ));
            }
            officers::find_officer_by_login(self.store().conn(), login)
                .await?
                .ok_or_else(|| {
                    ServiceError::invalid(
                        Field::Login,
                        Text::new(
                            format!("没有登录名为「{login}」的干部：请查看干部名单"),
                            format!(
                                "no officer has the login \"{login}\": see the list of officers"
                            ),
                        ),
                    )
                })?
        };
        check_password(Field::Password, password)?;
        let hash = hash_password(password).await?;
        let must_change = officer.id != actor.id;
        in_unit!(self, &actor_of(actor), |uow| {
            accounts::set_password(uow, &officer, &hash, must_change, None).await?;
            Ok(())
        })
    }

    /// Logs in with a login name and password, from `client`, starting a web session.
    ///
    /// Fails with the same words whether the name or the password is wrong (or the officer is
    /// inactive or has no password), and is refused, saying how long to wait, after too many
    /// failures on the name or from the address (see the module's documentation).
    #[tracing::instrument(skip(self, password, client), fields(login = %login.trim()))]
    pub async fn login(
        &self,
        login: &str,
        password: &str,
        client: &Client,
    ) -> ServiceResult<Session> {
        self.ensure_initialised().await?;
        let conn = self.store().conn();
        let name = normalise_login(login);
        let now = self.now();
        let since = now - Duration::minutes(WINDOW_MINUTES);
        self.refuse_if_limited(AttemptsOf::Login(&name), MAX_FAILURES_PER_LOGIN, since)
            .await?;
        if let Some(address) = client.address.as_deref() {
            self.refuse_if_limited(
                AttemptsOf::Address(address),
                MAX_FAILURES_PER_ADDRESS,
                since,
            )
            .await?;
        }
        let officer = officers::find_officer_by_login(conn, &name).await?;
        let credentials = match &officer {
            Some(o) => accounts::credentials(conn, o.id).await?,
            None => None,
        };
        let matched = match (
            &officer,
            credentials.as_ref().and_then(|c| c.hash.as_deref()),
        ) {
            (Some(o), Some(hash)) => verify_password(password, hash).await? && o.active,
            _ => {
                if let Some(decoy) = decoy_hash().await {
                    let _ = verify_password(password, decoy).await;
                }
                false
            }
        };
        let (Some(officer), true) = (officer, matched) else {
            accounts::record_failed_login(conn, &name, client.address.as_deref(), now).await?;
            tracing::info!("a login failed");
            return Err(wrong_login());
        };
        if let Err(e) = accounts::clear_failed_logins(conn, &name, since).await {
            tracing::warn!(error = %e, "could not clear the failed logins of a login name");
        }
        self.start_session(
            officer,
            credentials.is_some_and(|c| c.must_change),
            client,
            now,
        )
        .await
    }

    /// Starts a web session for the officer of an API token (the pages' second way in).
    /// Fails like a wrong password when the token is not usable.
    #[tracing::instrument(skip_all)]
    pub async fn login_with_token(&self, token: &str, client: &Client) -> ServiceResult<Session> {
        let Some(officer) = self.authenticate(token).await? else {
            return Err(ServiceError::Unauthenticated {
                message: Text::new(
                    "令牌无效、已吊销或已过期",
                    "the token is not valid, revoked or expired",
                ),
            });
        };
        let credentials = accounts::credentials(self.store().conn(), officer.id).await?;
        let must_change = credentials.is_some_and(|c| c.must_change);
        self.start_session(officer, must_change, client, self.now())
            .await
    }

    /// Records a new web session of `officer` starting `now` (audited `session.start`) and
    /// hands back its secret; only the secret's SHA-256 is stored.
    async fn start_session(
        &self,
        officer: Officer,
        must_change_password: bool,
        client: &Client,
        now: chrono::DateTime<chrono::Utc>,
    ) -> ServiceResult<Session> {
        let secret = new_secret();
        let now = peiyu_storage::instant::truncate(now);
        let session = WebSession {
            id: tokens::secret_hash(&secret),
            officer: officer.id,
            created_at: now,
            last_seen_at: now,
            expires_at: now + Duration::days(ABSOLUTE_DAYS),
            ended_at: None,
            user_agent: client.user_agent.clone(),
            address: client.address.clone(),
        };
        in_unit!(self, &actor_of(&officer), |uow| {
            accounts::start_session(uow, &session, officer.login.as_str()).await?;
            Ok(())
        })?;
        Ok(Session {
            secret,
            must_change_password,
            expires_at: session.expires_at,
            officer,
        })
    }

    async fn refuse_if_limited(
        &self,
        who: AttemptsOf<'_>,
        max: usize,
        since: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let failures =
            accounts::failed_logins_since(self.store().conn(), who, since, max as u64 + 100)
                .await?;
        if failures.len() < max {
            return Ok(());
        }
        // Allowed again when enough of the failures have left the window.
        let freed_at = failures[failures.len() - max] + Duration::minutes(WINDOW_MINUTES);
        let secs = (freed_at - self.now()).num_seconds().max(1) as u64;
        let (zh, en) = wait_text(secs);
        tracing::warn!(?who, "a login was refused: too many failures");
        let (whose_zh, whose_en) = match who {
            AttemptsOf::Login(_) => ("此登录名", "this login name"),
            AttemptsOf::Address(_) => ("此地址", "this address"),
        };
        Err(ServiceError::RateLimited {
            message: Text::new(
                format!("{whose_zh}在 {WINDOW_MINUTES} 分钟内登录失败次数过多：请 {zh}后再试"),
                format!(
                    "too many failed logins from {whose_en} in {WINDOW_MINUTES} minutes: try again in {en}"
                ),
            ),
            retry_after_secs: secs,
        })
    }

    /// The live session whose secret this is: `None` unless it was not ended, is within
    /// [`ABSOLUTE_DAYS`] of its login and [`IDLE_HOURS`] of its last request, and its officer is
    /// still active. Notes the use (at most once a minute).
    #[tracing::instrument(skip_all)]
    pub async fn session(&self, secret: &str) -> ServiceResult<Option<SignedIn>> {
        let secret = secret.trim();
        if !secret.starts_with(SESSION_PREFIX) {
            return Ok(None);
        }
        let conn = self.store().conn();
        let id = tokens::secret_hash(secret);
        let Some(session) = accounts::find_session(conn, &id).await? else {
            return Ok(None);
        };
        let now = self.now();
        if session.ended_at.is_some()
            || now >= session.expires_at
            || now >= session.last_seen_at + Duration::hours(IDLE_HOURS)
        {
            return Ok(None);
        }
        let Some(officer) = officers::find_officer(conn, session.officer).await? else {
            return Ok(None);
        };
        if !officer.active {
            return Ok(None);
        }
        let must_change = accounts::credentials(conn, officer.id)
            .await?
            .is_some_and(|c| c.must_change);
        if let Err(e) =
            accounts::touch_session(conn, &id, now, Duration::seconds(TOUCH_EVERY_SECONDS)).await
        {
            // Usage bookkeeping must not turn a valid request away.
            tracing::warn!(error = %e, "could not note a web session's use");
        }
        tracing::Span::current().record("officer", officer.login.as_str());
        Ok(Some(SignedIn {
            officer,
            must_change_password: must_change,
            expires_at: session.expires_at,
        }))
    }

    /// Ends the session whose secret this is (a logout), on the server: the cookie no longer
    /// works, wherever it was copied. Ending an ended or unknown session changes nothing.
    #[tracing::instrument(skip_all)]
    pub async fn logout(&self, secret: &str) -> ServiceResult<()> {
        let conn = self.store().conn();
        let id = tokens::secret_hash(secret.trim());
        let Some(session) = accounts::find_session(conn, &id).await? else {
            return Ok(());
        };
        if session.ended_at.is_some() {
            return Ok(());
        }
        let Some(officer) = officers::find_officer(conn, session.officer).await? else {
            return Ok(());
        };
        in_unit!(self, &actor_of(&officer), |uow| {
            accounts::end_session(uow, &session, officer.login.as_str()).await?;
            Ok(())
        })
    }

    /// Changes the password of the session's officer: `current` must be the password in use,
    /// `new` keeps the rules and differs from it. Clears "must change", ends the officer's other
    /// sessions and is audited (`officer.password`).
    #[tracing::instrument(skip_all)]
    pub async fn change_password(
        &self,
        secret: &str,
        current: &str,
        new: &str,
    ) -> ServiceResult<()> {
        let Some(signed_in) = self.session(secret).await? else {
            return Err(ServiceError::Unauthenticated {
                message: Text::new(
                    "登录已失效：请重新登录",
                    "the session has ended: log in again",
                ),
            });
        };
        let officer = signed_in.officer;
        let conn = self.store().conn();
        let hash = accounts::credentials(conn, officer.id)
            .await?
            .and_then(|c| c.hash);
        let current_ok = match hash.as_deref() {
            Some(hash) => verify_password(current, hash).await?,
            None => false,
        };
        if !current_ok {
            return Err(ServiceError::invalid(
                Field::CurrentPassword,
                Text::new("当前密码不正确", "the current password is wrong"),
            ));
        }
        check_password(Field::Password, new)?;
        if new == current {
            return Err(ServiceError::invalid(
                Field::Password,
                Text::new(
                    "新密码不能与当前密码相同",
                    "the new password must differ from the current one",
                ),
            ));
        }
        let new_hash = hash_password(new).await?;
        let keep = tokens::secret_hash(secret.trim());
        in_unit!(self, &actor_of(&officer), |uow| {
            accounts::set_password(uow, &officer, &new_hash, false, Some(&keep)).await?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_is_argon2id_and_verifies_only_its_password() {
        let hash = hash_password("correct horse").await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        assert!(verify_password("correct horse", &hash).await.unwrap());
        assert!(!verify_password("correct horsE", &hash).await.unwrap());
        assert!(!verify_password("x", "not a hash").await.unwrap());
    }

    #[test]
    fn passwords_have_at_least_eight_characters() {
        let err = check_password(Field::Password, "1234567").unwrap_err();
        assert!(err.to_string().contains("at least 8"), "{err}");
        assert!(check_password(Field::Password, "密码密码密码密码").is_ok());
    }

    /// A timed run, not an assertion (docs/PERFORMANCE.md):
    /// `cargo test -p peiyu-service --lib time_argon2 -- --ignored --nocapture`.
    #[tokio::test]
    #[ignore]
    async fn time_argon2() {
        let runs = 20u32;
        let started = std::time::Instant::now();
        let mut hash = String::new();
        for _ in 0..runs {
            hash = hash_password("correct horse battery").await.unwrap();
        }
        let per_hash = started.elapsed() / runs;
        let started = std::time::Instant::now();
        for _ in 0..runs {
            assert!(
                verify_password("correct horse battery", &hash)
                    .await
                    .unwrap()
            );
        }
        let per_verify = started.elapsed() / runs;
        println!("argon2id default params: hash {per_hash:?}, verify {per_verify:?} ({hash})");
    }

    #[test]
    fn waits_are_whole_minutes_rounded_up() {
        assert_eq!(wait_text(1).1, "1 minute");
        assert_eq!(wait_text(61).1, "2 minutes");
        assert_eq!(wait_text(900).0, "15 分钟");
    }
}
