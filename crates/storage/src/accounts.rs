//! Accounts: officers' passwords (as argon2id hashes), the web sessions of the pages, and the
//! failed logins the rate limit counts.
//!
//! Setting a password is a change to a person's credentials: it goes through a unit of work with
//! an `officer.password` audit entry, which says when and by whom and whether it must be changed
//! at the next login, never the password or its hash. Starting and ending a session (logging in
//! and out) are recorded as `session.start` and `session.end`. A session's id is the SHA-256 of
//! the cookie's secret ([`crate::tokens::secret_hash`]): the secret itself is never stored.
//!
//! Bookkeeping — a session's `last_seen_at`, failed logins — is written outside a unit of work
//! and not audited, like an API token's `last_used_at`.

use chrono::{DateTime, Utc};
use peiyu_domain::{AuditAction, Officer, OfficerId};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{AuditFact, UnitOfWork};
use crate::entities::{login_attempts, officers, web_sessions};
use crate::error::{StorageError, StorageResult};
use crate::instant;

/// An officer's password as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// The argon2id hash as a PHC string; `None` when no password was ever set.
    pub hash: Option<String>,
    /// Whether the password must be changed at the next login (an admin set it).
    pub must_change: bool,
    /// When it was set.
    pub set_at: Option<DateTime<Utc>>,
}

/// A web session as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebSession {
    /// The SHA-256 of the session's secret, lower-case hex.
    pub id: String,
    /// Whose session it is.
    pub officer: OfficerId,
    /// When the officer logged in.
    pub created_at: DateTime<Utc>,
    /// When a request last presented it (updated at most about once a minute).
    pub last_seen_at: DateTime<Utc>,
    /// When it stops working whatever happens (the absolute limit).
    pub expires_at: DateTime<Utc>,
    /// When it was ended (logout, a password change), if it was.
    pub ended_at: Option<DateTime<Utc>>,
    /// The browser's `User-Agent`, as sent (at most 300 characters).
    pub user_agent: Option<String>,
    /// The address the login came from (at most 64 characters).
    pub address: Option<String>,
}

/// At most `max` characters of `s`.
pub fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

fn at(table: &'static str, column: &'static str, s: &str) -> StorageResult<DateTime<Utc>> {
    instant::from_text(table, column, s)
}

/// The password recorded for an officer; `None` when there is no such officer.
pub async fn credentials(
    conn: &impl ConnectionTrait,
    officer: OfficerId,
) -> StorageResult<Option<Credentials>> {
    let Some(m) = officers::Entity::find_by_id(officer.0)
        .one(conn)
        .await
        .map_err(StorageError::db("reading an officer's password"))?
    else {
        return Ok(None);
    };
    Ok(Some(Credentials {
        hash: m.password_hash,
        must_change: m.must_change_password,
        set_at: m
            .password_set_at
            .as_deref()
            .map(|s| at("officers", "password_set_at", s))
            .transpose()?,
    }))
}

fn password_json(c: &Credentials) -> serde_json::Value {
    json!({
        "password_set": c.hash.is_some(),
        "must_change_password": c.must_change,
        "password_set_at": c.set_at.map(instant::to_text),
    })
}

/// Records an officer's new password hash, whether it must be changed at the next login, and
/// (in the same unit) ends every session of theirs but `keep` (the session that changed it, if
/// any). The audit entry names the officer and says whether a password was set before, whether
/// it must be changed and how many sessions ended; it never holds a password or a hash.
pub async fn set_password(
    uow: &mut UnitOfWork,
    officer: &Officer,
    hash: &str,
    must_change: bool,
    keep: Option<&str>,
) -> StorageResult<()> {
    let before =
        credentials(uow.txn(), officer.id)
            .await?
            .ok_or_else(|| StorageError::NotFound {
                entity: "officer",
                key: officer.login.as_str().to_owned(),
            })?;
    let now = instant::truncate(uow.now());
    officers::Entity::update_many()
        .col_expr(officers::Column::PasswordHash, Some(hash.to_owned()).into())
        .col_expr(officers::Column::MustChangePassword, must_change.into())
        .col_expr(
            officers::Column::PasswordSetAt,
            Some(instant::to_text(now)).into(),
        )
        .filter(officers::Column::Id.eq(officer.id.0))
        .exec(uow.txn())
        .await
        .map_err(StorageError::db("setting an officer's password"))?;
    let ended = end_sessions_of(uow, officer.id, keep).await?;
    let after = Credentials {
        hash: Some(String::new()),
        must_change,
        set_at: Some(now),
    };
    let mut after_json = password_json(&after);
    if let Some(map) = after_json.as_object_mut() {
        map.insert("sessions_ended".into(), json!(ended));
    }
    uow.record(AuditFact {
        action: AuditAction::OfficerPassword,
        subject_type: "officer".into(),
        subject_id: officer.login.as_str().to_owned(),
        enterprise: None,
        before: Some(password_json(&before)),
        after: Some(after_json),
        reason: None,
        effective_on: None,
    })
    .await?;
    Ok(())
}

fn session_from_model(m: web_sessions::Model) -> StorageResult<WebSession> {
    const T: &str = "web_sessions";
    Ok(WebSession {
        officer: OfficerId(m.officer_id),
        created_at: at(T, "created_at", &m.created_at)?,
        last_seen_at: at(T, "last_seen_at", &m.last_seen_at)?,
        expires_at: at(T, "expires_at", &m.expires_at)?,
        ended_at: m
            .ended_at
            .as_deref()
            .map(|s| at(T, "ended_at", s))
            .transpose()?,
        id: m.id,
        user_agent: m.user_agent,
        address: m.address,
    })
}

/// The part of a session id an audit entry shows: enough to tell sessions apart, not the key.
fn short(id: &str) -> String {
    clip(id, 12)
}

/// Records a new session (a login), with its `session.start` audit entry.
pub async fn start_session(
    uow: &mut UnitOfWork,
    session: &WebSession,
    officer_login: &str,
) -> StorageResult<()> {
    web_sessions::Entity::insert(web_sessions::ActiveModel {
        id: Set(session.id.clone()),
        officer_id: Set(session.officer.0),
        created_at: Set(instant::to_text(session.created_at)),
        last_seen_at: Set(instant::to_text(session.last_seen_at)),
        expires_at: Set(instant::to_text(session.expires_at)),
        ended_at: Set(None),
        user_agent: Set(session.user_agent.as_deref().map(|s| clip(s, 300))),
        address: Set(session.address.as_deref().map(|s| clip(s, 64))),
    })
    .exec_without_returning(uow.txn())
    .await
    .map_err(StorageError::db("starting a web session"))?;
    uow.record(AuditFact {
        action: AuditAction::SessionStart,
        subject_type: "officer".into(),
        subject_id: officer_login.to_owned(),
        enterprise: None,
        before: None,
        after: Some(json!({
            "session": short(&session.id),
            "expires_at": instant::to_text(session.expires_at),
            "address": session.address,
        })),
        reason: None,
        effective_on: None,
    })
    .await?;
    Ok(())
}

/// The session with this id, ended and expired ones included (the caller decides).
pub async fn find_session(
    conn: &impl ConnectionTrait,
    id: &str,
) -> StorageResult<Option<WebSession>> {
    web_sessions::Entity::find_by_id(id.to_owned())
        .one(conn)
        .await
        .map_err(StorageError::db("finding a web session"))?
        .map(session_from_model)
        .transpose()
}

/// Notes that a session was used at `now`, unless that was noted less than `granularity` ago.
/// Bookkeeping outside a unit of work, not audited.
pub async fn touch_session(
    conn: &impl ConnectionTrait,
    id: &str,
    now: DateTime<Utc>,
    granularity: chrono::Duration,
) -> StorageResult<()> {
    web_sessions::Entity::update_many()
        .col_expr(
            web_sessions::Column::LastSeenAt,
            instant::to_text(now).into(),
        )
        .filter(web_sessions::Column::Id.eq(id))
        .filter(web_sessions::Column::EndedAt.is_null())
        .filter(web_sessions::Column::LastSeenAt.lt(instant::to_text(now - granularity)))
        .exec(conn)
        .await
        .map_err(StorageError::db("noting a web session's use"))?;
    Ok(())
}

/// Ends a session (a logout), with its `session.end` audit entry. A session ended already is
/// left as it is and nothing is recorded; returns whether this call ended it.
pub async fn end_session(
    uow: &mut UnitOfWork,
    session: &WebSession,
    officer_login: &str,
) -> StorageResult<bool> {
    let now = instant::to_text(uow.now());
    let result = web_sessions::Entity::update_many()
        .col_expr(web_sessions::Column::EndedAt, Some(now.clone()).into())
        .filter(web_sessions::Column::Id.eq(session.id.as_str()))
        .filter(web_sessions::Column::EndedAt.is_null())
        .exec(uow.txn())
        .await
        .map_err(StorageError::db("ending a web session"))?;
    if result.rows_affected == 0 {
        return Ok(false);
    }
    uow.record(AuditFact {
        action: AuditAction::SessionEnd,
        subject_type: "officer".into(),
        subject_id: officer_login.to_owned(),
        enterprise: None,
        before: None,
        after: Some(json!({ "session": short(&session.id), "ended_at": now })),
        reason: None,
        effective_on: None,
    })
    .await?;
    Ok(true)
}

/// Ends every open session of an officer but `keep`, within the caller's unit (whose audit
/// entry says so); returns how many ended.
pub async fn end_sessions_of(
    uow: &mut UnitOfWork,
    officer: OfficerId,
    keep: Option<&str>,
) -> StorageResult<u64> {
    let now = instant::to_text(uow.now());
    let mut update = web_sessions::Entity::update_many()
        .col_expr(web_sessions::Column::EndedAt, Some(now).into())
        .filter(web_sessions::Column::OfficerId.eq(officer.0))
        .filter(web_sessions::Column::EndedAt.is_null());
    if let Some(keep) = keep {
        update = update.filter(web_sessions::Column::Id.ne(keep));
    }
    let result = update
        .exec(uow.txn())
        .await
        .map_err(StorageError::db("ending an officer's web sessions"))?;
    Ok(result.rows_affected)
}

/// Records a failed login on `login` from `address` at `now`. Bookkeeping, not audited.
pub async fn record_failed_login(
    conn: &impl ConnectionTrait,
    login: &str,
    address: Option<&str>,
    now: DateTime<Utc>,
) -> StorageResult<()> {
    login_attempts::Entity::insert(login_attempts::ActiveModel {
        id: Set(Uuid::now_v7()),
        login: Set(clip(login, 64)),
        address: Set(address.map(|a| clip(a, 64))),
        attempted_at: Set(instant::to_text(now)),
    })
    .exec_without_returning(conn)
    .await
    .map_err(StorageError::db("recording a failed login"))?;
    Ok(())
}

/// Whose failed logins to count: one login name, or one address.
#[derive(Clone, Copy, Debug)]
pub enum AttemptsOf<'a> {
    /// Failures on this login name (as typed, normalised by the caller).
    Login(&'a str),
    /// Failures from this address.
    Address(&'a str),
}

/// When the failed logins of `who` after `since` happened, oldest first (at most `limit`).
pub async fn failed_logins_since(
    conn: &impl ConnectionTrait,
    who: AttemptsOf<'_>,
    since: DateTime<Utc>,
    limit: u64,
) -> StorageResult<Vec<DateTime<Utc>>> {
    let filter = match who {
        AttemptsOf::Login(login) => login_attempts::Column::Login.eq(clip(login, 64)),
        AttemptsOf::Address(address) => login_attempts::Column::Address.eq(clip(address, 64)),
    };
    login_attempts::Entity::find()
        .filter(filter)
        .filter(login_attempts::Column::AttemptedAt.gt(instant::to_text(since)))
        .order_by_asc(login_attempts::Column::AttemptedAt)
        .limit(limit)
        .all(conn)
        .await
        .map_err(StorageError::db("counting failed logins"))?
        .into_iter()
        .map(|m| at("login_attempts", "attempted_at", &m.attempted_at))
        .collect()
}

/// Forgets the failed logins on `login` (after a successful login), and every failed login
/// older than `before` (they no longer count).
pub async fn clear_failed_logins(
    conn: &impl ConnectionTrait,
    login: &str,
    before: DateTime<Utc>,
) -> StorageResult<()> {
    login_attempts::Entity::delete_many()
        .filter(
            Condition::any()
                .add(login_attempts::Column::Login.eq(clip(login, 64)))
                .add(login_attempts::Column::AttemptedAt.lt(instant::to_text(before))),
        )
        .exec(conn)
        .await
        .map_err(StorageError::db("clearing failed logins"))?;
    Ok(())
}
