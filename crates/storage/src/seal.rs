//! Daily seals: a hash over every chain head at the moment of sealing, stored once per day and
//! printed at the foot of weekly lists, so a printed list pins the history up to that day.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use peiyu_domain::AuditAction;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::audit::{AuditFact, UnitOfWork, canonical_json};
use crate::entities::{audit_chain_heads, audit_entries, audit_seals};
use crate::error::{StorageError, StorageResult};
use crate::instant;

/// A day's seal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seal {
    /// The day sealed.
    pub day: NaiveDate,
    /// Each chain's head when sealed: chain key → (seq, hash).
    pub heads: BTreeMap<String, (i64, String)>,
    /// SHA-256 (hex) of the canonical JSON `{"day": "YYYY-MM-DD", "heads": {chain: {"hash", "seq"}}}`.
    pub hash: String,
}

fn canonical(day: NaiveDate, heads: &BTreeMap<String, (i64, String)>) -> String {
    let heads: serde_json::Map<String, serde_json::Value> = heads
        .iter()
        .map(|(k, (seq, hash))| (k.clone(), json!({"seq": seq, "hash": hash})))
        .collect();
    canonical_json(&json!({"day": day.to_string(), "heads": heads}))
}

fn from_model(m: audit_seals::Model) -> StorageResult<Seal> {
    let parsed: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&m.heads).map_err(|e| StorageError::Corrupt {
            table: "audit_seals",
            column: "heads",
            value: m.day.to_string(),
            detail: e.to_string(),
        })?;
    let heads = parsed
        .into_iter()
        .map(|(k, v)| {
            (
                k,
                (
                    v["seq"].as_i64().unwrap_or_default(),
                    v["hash"].as_str().unwrap_or_default().to_owned(),
                ),
            )
        })
        .collect();
    Ok(Seal {
        day: m.day,
        heads,
        hash: m.hash,
    })
}

/// Seals `day` over the current chain heads, unless it is sealed already (then the existing
/// seal is returned and nothing is written). The seal's own audit entry is appended after the
/// heads are read: the next day's seal covers it.
pub async fn seal_day(uow: &mut UnitOfWork, day: NaiveDate) -> StorageResult<(Seal, bool)> {
    if let Some(existing) = audit_seals::Entity::find_by_id(day)
        .one(uow.txn())
        .await
        .map_err(StorageError::db("reading a seal"))?
    {
        return Ok((from_model(existing)?, false));
    }
    // The heads as this unit leaves them so far.
    uow.flush_audit().await?;
    let heads: BTreeMap<String, (i64, String)> = audit_chain_heads::Entity::find()
        .all(uow.txn())
        .await
        .map_err(StorageError::db("reading audit chain heads"))?
        .into_iter()
        .map(|h| (h.chain_key, (h.seq, h.hash)))
        .collect();
    let text = canonical(day, &heads);
    let hash = hex::encode(Sha256::digest(text.as_bytes()));
    let heads_json = canonical_json(&serde_json::Value::Object(
        heads
            .iter()
            .map(|(k, (seq, h))| (k.clone(), json!({"seq": seq, "hash": h})))
            .collect(),
    ));
    // Another process may seal the same day at the same moment: the first insert wins and the
    // other returns the stored seal.
    let model = audit_seals::ActiveModel {
        day: Set(day),
        heads: Set(heads_json),
        hash: Set(hash.clone()),
        created_at: Set(instant::to_text(uow.now())),
    };
    let inserted = if uow.txn().get_database_backend() == sea_orm::DbBackend::MySql {
        // MySQL's "ON DUPLICATE KEY UPDATE" would fire the append-only trigger; a duplicate
        // there fails only the statement, not the transaction, so catch it instead.
        match audit_seals::Entity::insert(model)
            .exec_without_returning(uow.txn())
            .await
        {
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.sql_err(),
                    Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                ) =>
            {
                0
            }
            Err(e) => return Err(StorageError::db("sealing a day")(e)),
        }
    } else {
        audit_seals::Entity::insert(model)
            .on_conflict(
                OnConflict::column(audit_seals::Column::Day)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(uow.txn())
            .await
            .map_err(StorageError::db("sealing a day"))?
    };
    if inserted == 0 {
        // A locking read sees the other process's committed seal even under MySQL's
        // repeatable-read snapshot.
        let existing = audit_seals::Entity::find_by_id(day)
            .lock_exclusive()
            .one(uow.txn())
            .await
            .map_err(StorageError::db("reading a seal"))?
            .ok_or_else(|| StorageError::NotFound {
                entity: "seal",
                key: day.to_string(),
            })?;
        return Ok((from_model(existing)?, false));
    }
    uow.record(AuditFact {
        action: AuditAction::AuditSeal,
        subject_type: "seal".into(),
        subject_id: day.to_string(),
        enterprise: None,
        before: None,
        after: Some(json!({"day": day.to_string(), "hash": hash, "chains": heads.len()})),
        reason: None,
        effective_on: Some(day),
    })
    .await?;
    Ok((Seal { day, heads, hash }, true))
}

/// The seal of `day`, or else of the latest sealed day before it.
pub async fn seal_on_or_before(
    conn: &impl ConnectionTrait,
    day: NaiveDate,
) -> StorageResult<Option<Seal>> {
    audit_seals::Entity::find()
        .filter(audit_seals::Column::Day.lte(day))
        .order_by_desc(audit_seals::Column::Day)
        .one(conn)
        .await
        .map_err(StorageError::db("reading a seal"))?
        .map(from_model)
        .transpose()
}

/// Every seal as stored, oldest day first.
pub async fn all_seals(conn: &impl ConnectionTrait) -> StorageResult<Vec<Seal>> {
    audit_seals::Entity::find()
        .order_by_asc(audit_seals::Column::Day)
        .all(conn)
        .await
        .map_err(StorageError::db("reading seals"))?
        .into_iter()
        .map(from_model)
        .collect()
}

/// A seal that no longer matches the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenSeal {
    /// The day sealed.
    pub day: NaiveDate,
    /// The chain whose sealed head is gone or changed; `None` when the seal's own hash does not
    /// match its heads.
    pub chain_key: Option<String>,
}

/// Checks every seal (or those of `from` and after): its hash matches its heads, and each sealed
/// head is still an entry of its chain with the same sequence number and hash. The sealed heads
/// are looked up a thousand chains a query.
pub async fn verify_seals(
    conn: &impl ConnectionTrait,
    from: Option<NaiveDate>,
) -> StorageResult<(usize, Vec<BrokenSeal>)> {
    let mut query = audit_seals::Entity::find();
    if let Some(from) = from {
        query = query.filter(audit_seals::Column::Day.gte(from));
    }
    let seals = query
        .order_by_asc(audit_seals::Column::Day)
        .all(conn)
        .await
        .map_err(StorageError::db("reading seals"))?;
    let mut broken = Vec::new();
    let count = seals.len();
    for m in seals {
        let seal = from_model(m)?;
        let recomputed = hex::encode(Sha256::digest(canonical(seal.day, &seal.heads).as_bytes()));
        if recomputed != seal.hash {
            broken.push(BrokenSeal {
                day: seal.day,
                chain_key: None,
            });
            continue;
        }
        let sealed: Vec<(&String, &(i64, String))> =
            seal.heads.iter().filter(|(_, (seq, _))| *seq > 0).collect();
        'chunks: for chunk in sealed.chunks(crate::IN_CHUNK) {
            let found: BTreeMap<(String, i64), String> = audit_entries::Entity::find()
                .select_only()
                .column(audit_entries::Column::ChainKey)
                .column(audit_entries::Column::Seq)
                .column(audit_entries::Column::Hash)
                .filter(
                    audit_entries::Column::ChainKey.is_in(chunk.iter().map(|(c, _)| (*c).clone())),
                )
                .filter(audit_entries::Column::Seq.is_in(chunk.iter().map(|(_, (seq, _))| *seq)))
                .into_tuple::<(String, i64, String)>()
                .all(conn)
                .await
                .map_err(StorageError::db("reading sealed entries"))?
                .into_iter()
                .map(|(c, seq, h)| ((c, seq), h))
                .collect();
            for (chain, (seq, hash)) in chunk {
                if found.get(&((*chain).clone(), *seq)) != Some(hash) {
                    broken.push(BrokenSeal {
                        day: seal.day,
                        chain_key: Some((*chain).clone()),
                    });
                    break 'chunks;
                }
            }
        }
    }
    Ok((count, broken))
}
