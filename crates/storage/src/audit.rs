//! The one write path: a unit of work whose changes and audit entries commit together or not at
//! all, and the hash chains that make the audit log tamper-evident.
//!
//! Every audit entry belongs to a chain: one per enterprise (`enterprise:<uuid>`) and one for
//! bureau-level subjects (`bureau`). Appending locks only that chain's head row, so writers on
//! different enterprises never wait on each other. An entry's hash is SHA-256 over its canonical
//! serialisation ([`canonical_bytes`]), which includes the previous entry's hash.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use peiyu_domain::{EnterpriseId, OfficerId};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::connect::Store;
use crate::entities::{audit_chain_heads, audit_entries};
use crate::error::{StorageError, StorageResult};
use crate::instant;

/// The hash a chain starts from: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The chain of bureau-level subjects (officers, teams, tracks, targets, lists).
pub const BUREAU_CHAIN: &str = "bureau";

/// The version of the canonical serialisation; part of every hashed record.
pub const CANONICAL_VERSION: u32 = 1;

/// Who is acting: the officer whose change this is, and on whose behalf, if anyone's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The acting officer, `None` only for the system itself (e.g. `init`).
    pub id: Option<OfficerId>,
    /// The acting officer's login, or `system`.
    pub login: String,
    /// The login of the officer this one acts for, when delegated.
    pub on_behalf_of: Option<String>,
}

impl Actor {
    /// The system itself, for changes no officer made (creating the first admin).
    pub fn system() -> Actor {
        Actor {
            id: None,
            login: "system".to_owned(),
            on_behalf_of: None,
        }
    }
}

/// One change to record: what happened to which subject, with the state before and after.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditFact {
    /// What happened, as `noun.verb` (`enterprise.add`, `team.join`).
    pub action: String,
    /// The kind of subject (`enterprise`, `officer`, `team`, `metrics`).
    pub subject_type: String,
    /// The subject's key (a UUID, a login, `uscc/2023-06`).
    pub subject_id: String,
    /// The enterprise this change concerns; decides the chain.
    pub enterprise: Option<EnterpriseId>,
    /// The subject before the change, if it existed.
    pub before: Option<serde_json::Value>,
    /// The subject after the change, if it still exists.
    pub after: Option<serde_json::Value>,
    /// Why, in the officer's words.
    pub reason: Option<String>,
    /// The date the change took effect, when it differs from the day it was recorded.
    pub effective_on: Option<NaiveDate>,
}

/// A recorded audit entry, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// The entry's id.
    pub id: Uuid,
    /// The chain it belongs to.
    pub chain_key: String,
    /// Its position in the chain, from 1.
    pub seq: i64,
    /// When it was recorded (UTC, microseconds).
    pub recorded_at: DateTime<Utc>,
    /// When the change took effect, if set.
    pub effective_on: Option<NaiveDate>,
    /// The acting officer's id.
    pub actor_id: Option<Uuid>,
    /// The acting officer's login.
    pub actor_login: String,
    /// On whose behalf.
    pub on_behalf_of: Option<String>,
    /// What happened.
    pub action: String,
    /// The kind of subject.
    pub subject_type: String,
    /// The subject's key.
    pub subject_id: String,
    /// The enterprise concerned.
    pub enterprise_id: Option<Uuid>,
    /// Canonical JSON of the subject before.
    pub before: Option<String>,
    /// Canonical JSON of the subject after.
    pub after: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// The request that caused it.
    pub request_id: Option<String>,
    /// The previous entry's hash in this chain.
    pub prev_hash: String,
    /// SHA-256 of this entry's canonical bytes, lower-case hex.
    pub hash: String,
}

/// The chain an enterprise's changes go to.
pub fn enterprise_chain(id: EnterpriseId) -> String {
    format!("enterprise:{}", id.0)
}

/// A unit of work: one database transaction, the acting officer, and the clock reading for
/// everything it records. Changes made through it and their audit entries commit together in
/// [`UnitOfWork::commit`]; dropping it without committing rolls everything back.
pub struct UnitOfWork {
    txn: DatabaseTransaction,
    actor: Actor,
    request_id: Option<String>,
    now: DateTime<Utc>,
    entries: Vec<AuditEntry>,
}

impl Store {
    /// Begins a unit of work for `actor` at `now`. On SQLite the write lock is taken at once
    /// (`BEGIN IMMEDIATE`), so two writers queue instead of deadlocking on a lock upgrade.
    pub async fn begin(
        &self,
        actor: Actor,
        request_id: Option<String>,
        now: DateTime<Utc>,
    ) -> StorageResult<UnitOfWork> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        let txn = self
            .conn()
            .begin_with_options(options)
            .await
            .map_err(StorageError::db("beginning a transaction"))?;
        Ok(UnitOfWork {
            txn,
            actor,
            request_id,
            now: instant::truncate(now),
            entries: Vec::new(),
        })
    }
}

impl UnitOfWork {
    /// The open transaction, for reads and writes that belong to this unit.
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// The acting officer.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The clock reading every change in this unit is recorded at.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The request this unit answers, if the caller named one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The entries recorded so far in this unit.
    pub fn entries(&self) -> &[AuditEntry] {
        &self.entries
    }

    /// Appends one audit entry to its chain, inside this unit's transaction.
    #[tracing::instrument(skip_all, fields(action = %fact.action, subject = %fact.subject_id))]
    pub async fn record(&mut self, fact: AuditFact) -> StorageResult<AuditEntry> {
        let chain_key = fact
            .enterprise
            .map(enterprise_chain)
            .unwrap_or_else(|| BUREAU_CHAIN.to_owned());
        let (prev_seq, prev_hash) = self.lock_head(&chain_key).await?;
        let mut entry = AuditEntry {
            id: Uuid::now_v7(),
            chain_key,
            seq: prev_seq + 1,
            recorded_at: self.now,
            effective_on: fact.effective_on,
            actor_id: self.actor.id.map(|o| o.0),
            actor_login: self.actor.login.clone(),
            on_behalf_of: self.actor.on_behalf_of.clone(),
            action: fact.action,
            subject_type: fact.subject_type,
            subject_id: fact.subject_id,
            enterprise_id: fact.enterprise.map(|e| e.0),
            before: fact.before.as_ref().map(canonical_json),
            after: fact.after.as_ref().map(canonical_json),
            reason: fact.reason,
            request_id: self.request_id.clone(),
            prev_hash,
            hash: String::new(),
        };
        entry.hash = entry_hash(&entry);

        audit_entries::Entity::insert(model_of(&entry))
            .exec_without_returning(&self.txn)
            .await
            .map_err(|source| match source.sql_err() {
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => StorageError::Conflict {
                    entity: "audit chain",
                    key: entry.chain_key.clone(),
                    expected: prev_seq,
                },
                _ => StorageError::Database {
                    context: "appending an audit entry",
                    source,
                },
            })?;

        audit_chain_heads::Entity::update_many()
            .col_expr(audit_chain_heads::Column::Seq, entry.seq.into())
            .col_expr(audit_chain_heads::Column::Hash, entry.hash.clone().into())
            .col_expr(
                audit_chain_heads::Column::UpdatedAt,
                instant::to_text(self.now).into(),
            )
            .filter(audit_chain_heads::Column::ChainKey.eq(entry.chain_key.clone()))
            .exec(&self.txn)
            .await
            .map_err(StorageError::db("moving an audit chain head"))?;

        self.entries.push(entry.clone());
        Ok(entry)
    }

    /// Appends many audit entries at once, in order within each chain: one head lock and one
    /// multi-row insert per chain and chunk instead of three statements per entry. For bulk
    /// imports; the entries are exactly those [`UnitOfWork::record`] would write one by one.
    #[tracing::instrument(skip_all, fields(facts = facts.len()))]
    pub async fn record_many(&mut self, facts: Vec<AuditFact>) -> StorageResult<usize> {
        const CHUNK: usize = 500;
        let mut by_chain: BTreeMap<String, Vec<AuditFact>> = BTreeMap::new();
        for fact in facts {
            let key = fact
                .enterprise
                .map(enterprise_chain)
                .unwrap_or_else(|| BUREAU_CHAIN.to_owned());
            by_chain.entry(key).or_default().push(fact);
        }
        let mut written = 0;
        for (chain_key, facts) in by_chain {
            let (mut seq, mut prev_hash) = self.lock_head(&chain_key).await?;
            let mut models = Vec::with_capacity(facts.len());
            for fact in facts {
                seq += 1;
                let mut entry = AuditEntry {
                    id: Uuid::now_v7(),
                    chain_key: chain_key.clone(),
                    seq,
                    recorded_at: self.now,
                    effective_on: fact.effective_on,
                    actor_id: self.actor.id.map(|o| o.0),
                    actor_login: self.actor.login.clone(),
                    on_behalf_of: self.actor.on_behalf_of.clone(),
                    action: fact.action,
                    subject_type: fact.subject_type,
                    subject_id: fact.subject_id,
                    enterprise_id: fact.enterprise.map(|e| e.0),
                    before: fact.before.as_ref().map(canonical_json),
                    after: fact.after.as_ref().map(canonical_json),
                    reason: fact.reason,
                    request_id: self.request_id.clone(),
                    prev_hash: prev_hash.clone(),
                    hash: String::new(),
                };
                entry.hash = entry_hash(&entry);
                prev_hash = entry.hash.clone();
                models.push(model_of(&entry));
                written += 1;
            }
            for chunk in models.chunks(CHUNK) {
                audit_entries::Entity::insert_many(chunk.to_vec())
                    .exec_without_returning(&self.txn)
                    .await
                    .map_err(|source| match source.sql_err() {
                        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                            StorageError::Conflict {
                                entity: "audit chain",
                                key: chain_key.clone(),
                                expected: seq,
                            }
                        }
                        _ => StorageError::Database {
                            context: "appending audit entries",
                            source,
                        },
                    })?;
            }
            audit_chain_heads::Entity::update_many()
                .col_expr(audit_chain_heads::Column::Seq, seq.into())
                .col_expr(audit_chain_heads::Column::Hash, prev_hash.clone().into())
                .col_expr(
                    audit_chain_heads::Column::UpdatedAt,
                    instant::to_text(self.now).into(),
                )
                .filter(audit_chain_heads::Column::ChainKey.eq(chain_key.clone()))
                .exec(&self.txn)
                .await
                .map_err(StorageError::db("moving an audit chain head"))?;
        }
        Ok(written)
    }

    /// Locks a chain's head row for the rest of the transaction, creating it if the chain is
    /// new, and returns the last sequence number and hash.
    async fn lock_head(&self, chain_key: &str) -> StorageResult<(i64, String)> {
        let mut on_conflict = OnConflict::column(audit_chain_heads::Column::ChainKey);
        if self.txn.get_database_backend() == sea_orm::DbBackend::MySql {
            // MySQL has no DO NOTHING: a no-op update leaves an existing head as it is.
            on_conflict.update_column(audit_chain_heads::Column::ChainKey);
        } else {
            on_conflict.do_nothing();
        }
        audit_chain_heads::Entity::insert(audit_chain_heads::ActiveModel {
            chain_key: Set(chain_key.to_owned()),
            seq: Set(0),
            hash: Set(GENESIS_HASH.to_owned()),
            updated_at: Set(instant::to_text(self.now)),
        })
        .on_conflict(on_conflict)
        .exec_without_returning(&self.txn)
        .await
        .map_err(StorageError::db("creating an audit chain head"))?;

        let head = audit_chain_heads::Entity::find_by_id(chain_key.to_owned())
            .lock_exclusive()
            .one(&self.txn)
            .await
            .map_err(StorageError::db("locking an audit chain head"))?
            .ok_or_else(|| StorageError::NotFound {
                entity: "audit chain head",
                key: chain_key.to_owned(),
            })?;
        Ok((head.seq, head.hash))
    }

    /// Commits the changes and their audit entries together, returning the entries.
    pub async fn commit(self) -> StorageResult<Vec<AuditEntry>> {
        self.txn
            .commit()
            .await
            .map_err(StorageError::db("committing a transaction"))?;
        Ok(self.entries)
    }

    /// Rolls back everything this unit did.
    pub async fn rollback(self) -> StorageResult<()> {
        self.txn
            .rollback()
            .await
            .map_err(StorageError::db("rolling back a transaction"))
    }
}

fn model_of(entry: &AuditEntry) -> audit_entries::ActiveModel {
    audit_entries::ActiveModel {
        id: Set(entry.id),
        chain_key: Set(entry.chain_key.clone()),
        seq: Set(entry.seq),
        recorded_at: Set(instant::to_text(entry.recorded_at)),
        effective_on: Set(entry.effective_on),
        actor_id: Set(entry.actor_id),
        actor_login: Set(entry.actor_login.clone()),
        on_behalf_of: Set(entry.on_behalf_of.clone()),
        action: Set(entry.action.clone()),
        subject_type: Set(entry.subject_type.clone()),
        subject_id: Set(entry.subject_id.clone()),
        enterprise_id: Set(entry.enterprise_id),
        before_state: Set(entry.before.clone()),
        after_state: Set(entry.after.clone()),
        reason: Set(entry.reason.clone()),
        request_id: Set(entry.request_id.clone()),
        prev_hash: Set(entry.prev_hash.clone()),
        hash: Set(entry.hash.clone()),
    }
}

/// JSON text with object keys sorted and no insignificant whitespace: the form before/after
/// values are stored and hashed in.
pub fn canonical_json(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Object(map) => {
            let ordered: BTreeMap<&String, &serde_json::Value> = map.iter().collect();
            out.push('{');
            for (i, (k, v)) in ordered.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The exact bytes an entry's hash is computed over: a canonical JSON object (keys sorted, no
/// whitespace, UTF-8) of every stored field except `hash` itself, `before` and `after` included
/// as the JSON text stored, plus the serialisation version `v`.
pub fn canonical_bytes(entry: &AuditEntry) -> Vec<u8> {
    use serde_json::Value;
    let opt = |s: &Option<String>| s.clone().map(Value::String).unwrap_or(Value::Null);
    let mut map = serde_json::Map::new();
    map.insert("action".into(), Value::String(entry.action.clone()));
    map.insert(
        "actor_id".into(),
        entry
            .actor_id
            .map(|u| Value::String(u.to_string()))
            .unwrap_or(Value::Null),
    );
    map.insert(
        "actor_login".into(),
        Value::String(entry.actor_login.clone()),
    );
    map.insert("after".into(), opt(&entry.after));
    map.insert("before".into(), opt(&entry.before));
    map.insert("chain_key".into(), Value::String(entry.chain_key.clone()));
    map.insert(
        "effective_on".into(),
        entry
            .effective_on
            .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
            .unwrap_or(Value::Null),
    );
    map.insert(
        "enterprise_id".into(),
        entry
            .enterprise_id
            .map(|u| Value::String(u.to_string()))
            .unwrap_or(Value::Null),
    );
    map.insert("id".into(), Value::String(entry.id.to_string()));
    map.insert("on_behalf_of".into(), opt(&entry.on_behalf_of));
    map.insert("prev_hash".into(), Value::String(entry.prev_hash.clone()));
    map.insert("reason".into(), opt(&entry.reason));
    map.insert(
        "recorded_at".into(),
        Value::String(instant::to_text(entry.recorded_at)),
    );
    map.insert("request_id".into(), opt(&entry.request_id));
    map.insert("seq".into(), Value::from(entry.seq));
    map.insert("subject_id".into(), Value::String(entry.subject_id.clone()));
    map.insert(
        "subject_type".into(),
        Value::String(entry.subject_type.clone()),
    );
    map.insert("v".into(), Value::from(CANONICAL_VERSION));
    canonical_json(&Value::Object(map)).into_bytes()
}

/// SHA-256 of [`canonical_bytes`], lower-case hex.
pub fn entry_hash(entry: &AuditEntry) -> String {
    hex::encode(Sha256::digest(canonical_bytes(entry)))
}

/// Reads stored audit rows back into entries.
pub(crate) fn entry_from_model(m: audit_entries::Model) -> StorageResult<AuditEntry> {
    Ok(AuditEntry {
        recorded_at: instant::from_text("audit_entries", "recorded_at", &m.recorded_at)?,
        id: m.id,
        chain_key: m.chain_key,
        seq: m.seq,
        effective_on: m.effective_on,
        actor_id: m.actor_id,
        actor_login: m.actor_login,
        on_behalf_of: m.on_behalf_of,
        action: m.action,
        subject_type: m.subject_type,
        subject_id: m.subject_id,
        enterprise_id: m.enterprise_id,
        before: m.before_state,
        after: m.after_state,
        reason: m.reason,
        request_id: m.request_id,
        prev_hash: m.prev_hash,
        hash: m.hash,
    })
}

/// What is wrong with a chain, at its first bad entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainBreak {
    /// An entry's stored hash is not the hash of its contents: it was edited.
    HashMismatch {
        /// The sequence number of the entry.
        seq: i64,
    },
    /// An entry does not point at the hash of the entry before it: one was removed, inserted
    /// or reordered.
    LinkMismatch {
        /// The sequence number of the entry.
        seq: i64,
    },
    /// A sequence number is missing or repeated.
    SequenceGap {
        /// The number expected.
        expected: i64,
        /// The number found.
        found: i64,
    },
    /// The chain's head says it is longer or different than the entries found: the last
    /// entries were removed.
    HeadMismatch {
        /// The head's sequence number.
        head_seq: i64,
        /// The last entry's sequence number.
        last_seq: i64,
    },
}

/// One broken chain: which, and its first bad entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenChain {
    /// The chain key.
    pub chain_key: String,
    /// What is wrong.
    pub problem: ChainBreak,
    /// The first bad entry, when there is one.
    pub entry: Option<AuditEntry>,
}

/// The outcome of recomputing every chain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// How many chains were checked.
    pub chains: usize,
    /// How many entries were checked.
    pub entries: usize,
    /// The chains that do not verify.
    pub broken: Vec<BrokenChain>,
}

/// Recomputes every hash chain from the stored entries and compares each with its head.
#[tracing::instrument(skip_all)]
pub async fn verify_chains(conn: &impl ConnectionTrait) -> StorageResult<VerifyReport> {
    let heads: BTreeMap<String, audit_chain_heads::Model> = audit_chain_heads::Entity::find()
        .all(conn)
        .await
        .map_err(StorageError::db("reading audit chain heads"))?
        .into_iter()
        .map(|h| (h.chain_key.clone(), h))
        .collect();
    let rows = audit_entries::Entity::find()
        .order_by_asc(audit_entries::Column::ChainKey)
        .order_by_asc(audit_entries::Column::Seq)
        .all(conn)
        .await
        .map_err(StorageError::db("reading audit entries"))?;

    let mut report = VerifyReport::default();
    let mut chains: BTreeMap<String, Vec<AuditEntry>> = BTreeMap::new();
    for row in rows {
        let entry = entry_from_model(row)?;
        chains
            .entry(entry.chain_key.clone())
            .or_default()
            .push(entry);
    }
    for key in heads.keys() {
        chains.entry(key.clone()).or_default();
    }
    report.chains = chains.len();
    for (key, entries) in chains {
        report.entries += entries.len();
        if let Some(problem) = check_chain(&entries, heads.get(&key)) {
            let entry = match &problem {
                ChainBreak::HashMismatch { seq } | ChainBreak::LinkMismatch { seq } => {
                    entries.iter().find(|e| e.seq == *seq).cloned()
                }
                ChainBreak::SequenceGap { found, .. } => {
                    entries.iter().find(|e| e.seq == *found).cloned()
                }
                ChainBreak::HeadMismatch { .. } => entries.last().cloned(),
            };
            report.broken.push(BrokenChain {
                chain_key: key,
                problem,
                entry,
            });
        }
    }
    Ok(report)
}

fn check_chain(
    entries: &[AuditEntry],
    head: Option<&audit_chain_heads::Model>,
) -> Option<ChainBreak> {
    let mut prev = GENESIS_HASH.to_owned();
    for (i, entry) in entries.iter().enumerate() {
        let expected = i as i64 + 1;
        if entry.seq != expected {
            return Some(ChainBreak::SequenceGap {
                expected,
                found: entry.seq,
            });
        }
        if entry_hash(entry) != entry.hash {
            return Some(ChainBreak::HashMismatch { seq: entry.seq });
        }
        if entry.prev_hash != prev {
            return Some(ChainBreak::LinkMismatch { seq: entry.seq });
        }
        prev = entry.hash.clone();
    }
    let last_seq = entries.last().map(|e| e.seq).unwrap_or(0);
    match head {
        Some(h) if h.seq != last_seq || h.hash != prev => Some(ChainBreak::HeadMismatch {
            head_seq: h.seq,
            last_seq,
        }),
        None if !entries.is_empty() => Some(ChainBreak::HeadMismatch {
            head_seq: 0,
            last_seq,
        }),
        _ => None,
    }
}

/// Reads audit entries, newest last, filtered by enterprise and/or actor.
pub async fn list_entries(
    conn: &impl ConnectionTrait,
    filter: &AuditFilter,
) -> StorageResult<Vec<AuditEntry>> {
    let mut query = audit_entries::Entity::find();
    if let Some(e) = filter.enterprise {
        query = query.filter(audit_entries::Column::EnterpriseId.eq(e.0));
    }
    if let Some(login) = &filter.actor_login {
        query = query.filter(audit_entries::Column::ActorLogin.eq(login.clone()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_entries::Column::Action.eq(action.clone()));
    }
    if let Some(chain) = &filter.chain_key {
        query = query.filter(audit_entries::Column::ChainKey.eq(chain.clone()));
    }
    if let Some(subject) = &filter.subject_id {
        query = query.filter(audit_entries::Column::SubjectId.eq(subject.clone()));
    }
    let rows = query
        .order_by_asc(audit_entries::Column::RecordedAt)
        .order_by_asc(audit_entries::Column::ChainKey)
        .order_by_asc(audit_entries::Column::Seq)
        .all(conn)
        .await
        .map_err(StorageError::db("reading audit entries"))?;
    rows.into_iter().map(entry_from_model).collect()
}

/// Which audit entries to read.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Only entries about this enterprise.
    pub enterprise: Option<EnterpriseId>,
    /// Only entries by this officer.
    pub actor_login: Option<String>,
    /// Only entries with this action.
    pub action: Option<String>,
    /// Only entries of this chain.
    pub chain_key: Option<String>,
    /// Only entries about this subject (a task id, a login, a USCC).
    pub subject_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample() -> AuditEntry {
        AuditEntry {
            id: Uuid::nil(),
            chain_key: BUREAU_CHAIN.into(),
            seq: 1,
            recorded_at: Utc.with_ymd_and_hms(2023, 6, 30, 8, 0, 0).single().unwrap(),
            effective_on: None,
            actor_id: None,
            actor_login: "system".into(),
            on_behalf_of: None,
            action: "officer.add".into(),
            subject_type: "officer".into(),
            subject_id: "admin".into(),
            enterprise_id: None,
            before: None,
            after: Some(canonical_json(&serde_json::json!({"b": 1, "a": "甲"}))),
            reason: None,
            request_id: None,
            prev_hash: GENESIS_HASH.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let v = serde_json::json!({"z": {"y": 1, "x": [{"b": 2, "a": 1}]}, "a": "中文"});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":"中文","z":{"x":[{"a":1,"b":2}],"y":1}}"#
        );
    }

    #[test]
    fn canonical_bytes_are_stable() {
        let e = sample();
        let text = String::from_utf8(canonical_bytes(&e)).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"{"action":"officer.add","actor_id":null,"actor_login":"system","#,
                r#""after":"{\"a\":\"甲\",\"b\":1}","before":null,"chain_key":"bureau","#,
                r#""effective_on":null,"enterprise_id":null,"#,
                r#""id":"00000000-0000-0000-0000-000000000000","on_behalf_of":null,"#,
                r#""prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","#,
                r#""reason":null,"recorded_at":"2023-06-30T08:00:00.000000Z","request_id":null,"#,
                r#""seq":1,"subject_id":"admin","subject_type":"officer","v":1}"#
            )
        );
    }

    #[test]
    fn any_field_change_changes_the_hash() {
        let e = sample();
        let h = entry_hash(&e);
        let mut edited = e.clone();
        edited.reason = Some("x".into());
        assert_ne!(entry_hash(&edited), h);
        let mut edited = e.clone();
        edited.seq = 2;
        assert_ne!(entry_hash(&edited), h);
        let mut edited = e;
        edited.recorded_at += chrono::Duration::microseconds(1);
        assert_ne!(entry_hash(&edited), h);
    }

    #[test]
    fn chain_checks_find_each_kind_of_break() {
        let mut a = sample();
        a.hash = entry_hash(&a);
        let mut b = sample();
        b.seq = 2;
        b.prev_hash = a.hash.clone();
        b.hash = entry_hash(&b);
        let head = audit_chain_heads::Model {
            chain_key: BUREAU_CHAIN.into(),
            seq: 2,
            hash: b.hash.clone(),
            updated_at: String::new(),
        };
        assert_eq!(check_chain(&[a.clone(), b.clone()], Some(&head)), None);
        let mut edited = b.clone();
        edited.reason = Some("rewritten".into());
        assert_eq!(
            check_chain(&[a.clone(), edited], Some(&head)),
            Some(ChainBreak::HashMismatch { seq: 2 })
        );
        assert_eq!(
            check_chain(std::slice::from_ref(&a), Some(&head)),
            Some(ChainBreak::HeadMismatch {
                head_seq: 2,
                last_seq: 1
            })
        );
        assert_eq!(
            check_chain(std::slice::from_ref(&b), Some(&head)),
            Some(ChainBreak::SequenceGap {
                expected: 1,
                found: 2
            })
        );
    }
}
