//! API tokens: recording bearer tokens and finding the one a request presents.
//!
//! Only the SHA-256 of a token's secret is stored ([`secret_hash`]); the secret itself is shown
//! to its owner once, when the token is created, and never recorded — not in the table, not in
//! the audit log.

use chrono::{DateTime, Utc};
use peiyu_domain::AuditAction;
use peiyu_domain::OfficerId;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::audit::{AuditFact, UnitOfWork};
use crate::entities::api_tokens;
use crate::error::{StorageError, StorageResult};
use crate::instant;

/// A bearer token as recorded (without its secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    /// The token's id, shown in lists and used to revoke it.
    pub id: Uuid,
    /// The officer the token acts as.
    pub officer: OfficerId,
    /// What its owner called it (`laptop`, `report-script`).
    pub name: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When a request last presented it (updated at most every few minutes).
    pub last_used_at: Option<DateTime<Utc>>,
    /// Whether it was revoked.
    pub revoked: bool,
}

impl ApiToken {
    /// Whether a request presenting this token at `now` may act.
    pub fn usable_at(&self, now: DateTime<Utc>) -> bool {
        !self.revoked && self.expires_at.is_none_or(|e| now < e)
    }
}

/// The stored form of a secret: SHA-256, lower-case hex.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn token_json(t: &ApiToken, officer_login: &str) -> serde_json::Value {
    json!({
        "id": t.id.to_string(),
        "officer": officer_login,
        "name": t.name,
        "expires_at": t.expires_at.map(instant::to_text),
        "revoked": t.revoked,
    })
}

fn from_model(m: api_tokens::Model) -> StorageResult<ApiToken> {
    let at = |column: &'static str, s: &Option<String>| {
        s.as_deref()
            .map(|s| instant::from_text("api_tokens", column, s))
            .transpose()
    };
    Ok(ApiToken {
        id: m.id,
        officer: OfficerId(m.officer_id),
        created_at: instant::from_text("api_tokens", "created_at", &m.created_at)?,
        expires_at: at("expires_at", &m.expires_at)?,
        last_used_at: at("last_used_at", &m.last_used_at)?,
        name: m.name,
        revoked: m.revoked,
    })
}

/// Records a new token whose secret hashes to `hash`, with its audit entry (which names the
/// officer by `officer_login` and never holds the hash).
pub async fn insert_token(
    uow: &mut UnitOfWork,
    token: &ApiToken,
    hash: &str,
    officer_login: &str,
) -> StorageResult<()> {
    api_tokens::Entity::insert(api_tokens::ActiveModel {
        id: Set(token.id),
        officer_id: Set(token.officer.0),
        name: Set(token.name.clone()),
        token_hash: Set(hash.to_owned()),
        created_at: Set(instant::to_text(token.created_at)),
        expires_at: Set(token.expires_at.map(instant::to_text)),
        last_used_at: Set(None),
        revoked: Set(false),
    })
    .exec_without_returning(uow.txn())
    .await
    .map_err(StorageError::db_unique(
        "adding an API token",
        "API token",
        "token",
        token.id.to_string(),
    ))?;
    uow.record(AuditFact {
        action: AuditAction::TokenCreate,
        subject_type: "api_token".into(),
        subject_id: token.id.to_string(),
        enterprise: None,
        before: None,
        after: Some(token_json(token, officer_login)),
        reason: None,
        effective_on: None,
    })
    .await?;
    Ok(())
}

/// Records that a token is revoked, with its audit entry. A token revoked already is left as it
/// is and nothing is recorded; returns whether this call revoked it.
pub async fn revoke_token(
    uow: &mut UnitOfWork,
    token: &ApiToken,
    officer_login: &str,
) -> StorageResult<bool> {
    let result = api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::Revoked, true.into())
        .filter(api_tokens::Column::Id.eq(token.id))
        .filter(api_tokens::Column::Revoked.eq(false))
        .exec(uow.txn())
        .await
        .map_err(StorageError::db("revoking an API token"))?;
    if result.rows_affected == 0 {
        return Ok(false);
    }
    let after = ApiToken {
        revoked: true,
        ..token.clone()
    };
    uow.record(AuditFact {
        action: AuditAction::TokenRevoke,
        subject_type: "api_token".into(),
        subject_id: token.id.to_string(),
        enterprise: None,
        before: Some(token_json(token, officer_login)),
        after: Some(token_json(&after, officer_login)),
        reason: None,
        effective_on: None,
    })
    .await?;
    Ok(true)
}

/// The token whose secret is `secret`, if any (revoked and expired ones included: the caller
/// decides with [`ApiToken::usable_at`]).
pub async fn find_by_secret(
    conn: &impl ConnectionTrait,
    secret: &str,
) -> StorageResult<Option<ApiToken>> {
    api_tokens::Entity::find()
        .filter(api_tokens::Column::TokenHash.eq(secret_hash(secret)))
        .one(conn)
        .await
        .map_err(StorageError::db("finding an API token"))?
        .map(from_model)
        .transpose()
}

/// The token with this id.
pub async fn get_token(conn: &impl ConnectionTrait, id: Uuid) -> StorageResult<ApiToken> {
    api_tokens::Entity::find_by_id(id)
        .one(conn)
        .await
        .map_err(StorageError::db("reading an API token"))?
        .map(from_model)
        .transpose()?
        .ok_or_else(|| StorageError::NotFound {
            entity: "API token",
            key: id.to_string(),
        })
}

/// Every token, or one officer's, oldest first.
pub async fn list_tokens(
    conn: &impl ConnectionTrait,
    officer: Option<OfficerId>,
) -> StorageResult<Vec<ApiToken>> {
    let mut query = api_tokens::Entity::find().order_by_asc(api_tokens::Column::CreatedAt);
    if let Some(officer) = officer {
        query = query.filter(api_tokens::Column::OfficerId.eq(officer.0));
    }
    query
        .all(conn)
        .await
        .map_err(StorageError::db("listing API tokens"))?
        .into_iter()
        .map(from_model)
        .collect()
}

/// Notes that a token was used at `now`, unless that was noted less than `granularity` ago.
///
/// This is usage bookkeeping, not a change to the record: it is written outside a unit of work
/// and leaves no audit entry (one per request would bury the log and serialise every read on
/// SQLite); the throttle keeps it to a write every few minutes per token.
pub async fn touch_token(
    conn: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
    granularity: chrono::Duration,
) -> StorageResult<()> {
    let stale_before = instant::to_text(now - granularity);
    api_tokens::Entity::update_many()
        .col_expr(
            api_tokens::Column::LastUsedAt,
            Some(instant::to_text(now)).into(),
        )
        .filter(api_tokens::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(api_tokens::Column::LastUsedAt.is_null())
                .add(api_tokens::Column::LastUsedAt.lt(stale_before)),
        )
        .exec(conn)
        .await
        .map_err(StorageError::db("noting an API token's use"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_sha256_hex() {
        assert_eq!(
            secret_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
