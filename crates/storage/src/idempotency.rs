//! Idempotency keys: a client's key bound to its request and holding the request's first answer.
//!
//! A key is claimed with [`claim_key`] as the first write of the unit of work that makes the
//! change it guards, and the answer is stored with [`store_answer`] in the same unit: the key
//! commits with the change or not at all. Claiming is a plain `INSERT` on the primary key, so two
//! writers claiming one key at once queue on it (PostgreSQL and MySQL hold the second insert until
//! the first transaction ends; SQLite's writers queue anyway): the loser gets
//! [`Claim::Taken`] once the winner has committed, and can read the winner's answer.
//!
//! Storage only records: how long a key lives and what a mismatch means are the service's.
//! The rows are bookkeeping of the requests, not a record of the county: writing them leaves no
//! audit entry.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, SqlErr,
    sea_query::Expr,
};

use crate::audit::UnitOfWork;
use crate::entities::idempotency_keys;
use crate::error::{StorageError, StorageResult};
use crate::instant;

/// A request's answer as a front end sends it: kept with its key and replayed verbatim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAnswer {
    /// The HTTP status, e.g. 200.
    pub status: u16,
    /// The body, JSON text.
    pub body: String,
    /// The `ETag` sent with it, if any.
    pub etag: Option<String>,
}

/// A stored key: whose, for which request, and its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRecord {
    /// The client's key.
    pub key: String,
    /// What the request did (`case.advance`, `task.done`, …), for people reading the table.
    pub action: String,
    /// The officer who sent it.
    pub actor_login: String,
    /// The fingerprint of the request (method, path and body).
    pub fingerprint: String,
    /// The first answer; `None` while its claim is not yet answered (never visible once
    /// committed, since claim and answer share a transaction).
    pub answer: Option<StoredAnswer>,
    /// When the key was claimed.
    pub created_at: DateTime<Utc>,
}

/// What claiming a key found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key is this unit's: its row is written, to be answered with [`store_answer`].
    Claimed,
    /// Another request holds the key (committed before this unit could claim it).
    Taken,
}

fn record_of(row: idempotency_keys::Model) -> StorageResult<KeyRecord> {
    let created_at = instant::from_text("idempotency_keys", "created_at", &row.created_at)?;
    let answer = (row.status != 0).then(|| StoredAnswer {
        status: u16::try_from(row.status).unwrap_or(500),
        body: row.response,
        etag: row.etag,
    });
    Ok(KeyRecord {
        key: row.request_id,
        action: row.action,
        actor_login: row.actor_login,
        fingerprint: row.fingerprint,
        answer,
        created_at,
    })
}

/// The stored key `key`, whatever its age, if any.
pub async fn find_key(conn: &impl ConnectionTrait, key: &str) -> StorageResult<Option<KeyRecord>> {
    idempotency_keys::Entity::find_by_id(key.to_owned())
        .one(conn)
        .await
        .map_err(StorageError::db("reading an idempotency key"))?
        .map(record_of)
        .transpose()
}

/// Claims `key` for `actor_login`'s request `fingerprint`, inside `uow`: call it before the
/// change it guards. [`Claim::Taken`] when another request holds it; the unit must then be
/// rolled back (PostgreSQL refuses every further statement in it).
pub async fn claim_key(
    uow: &mut UnitOfWork,
    key: &str,
    action: &str,
    fingerprint: &str,
) -> StorageResult<Claim> {
    let row = idempotency_keys::ActiveModel {
        request_id: Set(key.to_owned()),
        action: Set(action.to_owned()),
        actor_login: Set(uow.actor().login.clone()),
        fingerprint: Set(fingerprint.to_owned()),
        status: Set(0),
        etag: Set(None),
        response: Set(String::new()),
        created_at: Set(instant::to_text(uow.now())),
    };
    match idempotency_keys::Entity::insert(row)
        .exec_without_returning(uow.txn())
        .await
    {
        Ok(_) => Ok(Claim::Claimed),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Ok(Claim::Taken)
        }
        Err(e) => Err(StorageError::classify("claiming an idempotency key", e)),
    }
}

/// Stores the answer of the request that claimed `key` in this unit.
pub async fn store_answer(
    uow: &mut UnitOfWork,
    key: &str,
    answer: &StoredAnswer,
) -> StorageResult<()> {
    let result = idempotency_keys::Entity::update_many()
        .col_expr(
            idempotency_keys::Column::Status,
            Expr::value(i32::from(answer.status)),
        )
        .col_expr(
            idempotency_keys::Column::Response,
            Expr::value(answer.body.clone()),
        )
        .col_expr(
            idempotency_keys::Column::Etag,
            Expr::value(answer.etag.clone()),
        )
        .filter(idempotency_keys::Column::RequestId.eq(key))
        .exec(uow.txn())
        .await
        .map_err(StorageError::db("storing an idempotency key's answer"))?;
    if result.rows_affected == 0 {
        return Err(StorageError::NotFound {
            entity: "idempotency key",
            key: key.to_owned(),
        });
    }
    Ok(())
}

/// Deletes the key `key` if it was claimed at `created_at` (an expired key about to be reused;
/// a fresher claim of the same key stays). Returns whether a row went.
pub async fn delete_key(
    conn: &impl ConnectionTrait,
    key: &str,
    created_at: DateTime<Utc>,
) -> StorageResult<bool> {
    let result = idempotency_keys::Entity::delete_many()
        .filter(idempotency_keys::Column::RequestId.eq(key))
        .filter(idempotency_keys::Column::CreatedAt.eq(instant::to_text(created_at)))
        .exec(conn)
        .await
        .map_err(StorageError::db("deleting an expired idempotency key"))?;
    Ok(result.rows_affected > 0)
}

/// Deletes every key claimed before `before`; returns how many.
pub async fn delete_expired(
    conn: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> StorageResult<u64> {
    let result = idempotency_keys::Entity::delete_many()
        .filter(idempotency_keys::Column::CreatedAt.lt(instant::to_text(before)))
        .exec(conn)
        .await
        .map_err(StorageError::db("deleting expired idempotency keys"))?;
    Ok(result.rows_affected)
}
