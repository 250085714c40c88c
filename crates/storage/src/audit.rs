//! The one write path: a unit of work whose changes and audit entries commit together or not at
//! all, and the hash chains that make the audit log tamper-evident.
//!
//! Every audit entry belongs to a chain: one per enterprise (`enterprise:<uuid>`) and one for
//! bureau-level subjects (`bureau`). Appending locks only that chain's head row, so writers on
//! different enterprises never wait on each other. An entry's hash is SHA-256 over its canonical
//! serialisation ([`canonical_bytes`]), which includes the previous entry's hash.
//!
//! One function appends: the unit of work's [`UnitOfWork::record`] and [`UnitOfWork::record_many`]
//! (the bulk writes of [`crate::bulk`]) both go through it, and it places each entry on its chain
//! with [`ChainHead::append`], which numbers, links and hashes it.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use peiyu_domain::{AuditAction, EnterpriseId, OfficerId};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
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
    /// What happened; stored as its key, `noun.verb` (`enterprise.add`, `team.join`).
    pub action: AuditAction,
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
    /// What happened: an [`AuditAction`]'s key as stored (see [`AuditEntry::action`]).
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

impl AuditEntry {
    /// The recorded action, when the stored key is one peiyu writes; `None` for any other text
    /// (which verification still hashes as stored).
    pub fn action(&self) -> Option<AuditAction> {
        AuditAction::parse(&self.action)
            .ok()
            .filter(|a| a.key() == self.action)
    }

    /// The action as people are shown it in `lang`: its label, or the stored text when it is
    /// not an action peiyu writes.
    pub fn action_label(&self, lang: peiyu_domain::Lang) -> &str {
        AuditAction::label_of(&self.action, lang)
    }
}

/// The chain an enterprise's changes go to.
pub fn enterprise_chain(id: EnterpriseId) -> String {
    format!("enterprise:{}", id.0)
}

/// The chain a fact goes to: its enterprise's, or the bureau's.
fn chain_of(fact: &AuditFact) -> String {
    fact.enterprise
        .map(enterprise_chain)
        .unwrap_or_else(|| BUREAU_CHAIN.to_owned())
}

/// A chain's head: its key and its last entry's sequence number and hash (0 and
/// [`GENESIS_HASH`] for an empty chain). [`ChainHead::append`] is the one place an entry is
/// numbered, linked and hashed; the unit of work appends through it, bulk writes too, and so do
/// tests that build chains by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainHead {
    /// The chain.
    pub chain_key: String,
    /// The last entry's sequence number, 0 for an empty chain.
    pub seq: i64,
    /// The last entry's hash, [`GENESIS_HASH`] for an empty chain.
    pub hash: String,
}

impl ChainHead {
    /// The head of a chain with no entries yet.
    pub fn genesis(chain_key: impl Into<String>) -> ChainHead {
        ChainHead {
            chain_key: chain_key.into(),
            seq: 0,
            hash: GENESIS_HASH.to_owned(),
        }
    }

    /// Places `entry` after this head and returns it: its `chain_key` becomes this chain's, its
    /// `seq` the next number, its `prev_hash` this head's hash, and its `hash` the SHA-256 of its
    /// [`canonical_bytes`] ([`entry_hash`]); the head then stands on it. Every other field is kept
    /// as given.
    pub fn append(&mut self, mut entry: AuditEntry) -> AuditEntry {
        entry.chain_key = self.chain_key.clone();
        entry.seq = self.seq + 1;
        entry.prev_hash = std::mem::take(&mut self.hash);
        entry.hash = entry_hash(&entry);
        self.seq = entry.seq;
        self.hash = entry.hash.clone();
        entry
    }
}

/// A unit of work: one database transaction, the acting officer, and the clock reading for
/// everything it records. Changes made through it and their audit entries commit together in
/// [`UnitOfWork::commit`]; dropping it without committing rolls everything back.
///
/// A chain's head is locked once per unit, at the unit's first entry on that chain, and then
/// held in memory: later entries on the chain cost no further reads. Each append writes its
/// entries at once (multi-row inserts; a clash fails the append); the heads are moved once,
/// when the unit commits or [`UnitOfWork::flush_audit`] is called.
pub struct UnitOfWork {
    txn: DatabaseTransaction,
    actor: Actor,
    request_id: Option<String>,
    now: DateTime<Utc>,
    entries: Vec<AuditEntry>,
    /// The heads of the chains locked in this unit, where this unit's entries leave them.
    heads: BTreeMap<String, ChainHead>,
    /// Chains whose head in the database is behind `heads`.
    moved: std::collections::BTreeSet<String>,
}

impl Store {
    /// Begins a unit of work for `actor` at `now`. On SQLite the write lock is taken at once
    /// (`BEGIN IMMEDIATE`), so two writers queue instead of deadlocking on a lock upgrade; a
    /// lock held by another process is waited for with retries up to the store's
    /// [`crate::connect::SqliteWait::limit`], then [`StorageError::Busy`].
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
        let started = std::time::Instant::now();
        let mut tries = 0;
        let txn = loop {
            match self.writer().begin_with_options(options).await {
                Ok(txn) => break txn,
                Err(e) => {
                    let pause = Box::pin(self.after_failed_begin(e, started, tries)).await?;
                    tries += 1;
                    tokio::time::sleep(pause).await;
                }
            }
        };
        Ok(UnitOfWork {
            txn,
            actor,
            request_id,
            now: instant::truncate(now),
            entries: Vec::new(),
            heads: BTreeMap::new(),
            moved: std::collections::BTreeSet::new(),
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

    /// Appends one audit entry to its chain, inside this unit's transaction, and returns it.
    /// The same write as [`UnitOfWork::record_many`] with one fact.
    #[tracing::instrument(skip_all, fields(action = %fact.action, subject = %fact.subject_id))]
    pub async fn record(&mut self, fact: AuditFact) -> StorageResult<AuditEntry> {
        let subject = fact.subject_id.clone();
        self.append(vec![fact])
            .await?
            .pop()
            .ok_or_else(|| StorageError::NotFound {
                entity: "audit entry",
                key: subject,
            })
    }

    /// Appends many audit entries at once, in order within each chain, and returns how many:
    /// the chain heads touched are created if new and locked in key order (so two writers never
    /// deadlock on each other's heads), the entries inserted in multi-row statements and the
    /// heads moved in one upsert per chunk. For bulk writes; the entries are exactly those
    /// [`UnitOfWork::record`] would write one by one.
    #[tracing::instrument(skip_all, fields(facts = facts.len()))]
    pub async fn record_many(&mut self, facts: Vec<AuditFact>) -> StorageResult<usize> {
        Ok(self.append(facts).await?.len())
    }

    /// The one append to the audit log: numbers, links and hashes each fact's entry on its
    /// chain ([`ChainHead::append`]) after the heads this unit holds, locking (and creating)
    /// the heads of chains it has not touched yet, and writes the entries, inside this unit's
    /// transaction; the heads are moved by [`UnitOfWork::flush_audit`]. Returns the entries, in
    /// chain-key order and, within a chain, in the order given.
    async fn append(&mut self, facts: Vec<AuditFact>) -> StorageResult<Vec<AuditEntry>> {
        if facts.is_empty() {
            return Ok(Vec::new());
        }
        let mut by_chain: BTreeMap<String, Vec<AuditFact>> = BTreeMap::new();
        for fact in facts {
            by_chain.entry(chain_of(&fact)).or_default().push(fact);
        }
        let unlocked: Vec<String> = by_chain
            .keys()
            .filter(|k| !self.heads.contains_key(*k))
            .cloned()
            .collect();
        if !unlocked.is_empty() {
            let locked = self.lock_heads(&unlocked).await?;
            self.heads.extend(locked);
        }
        let mut written = Vec::new();
        for (chain_key, facts) in by_chain {
            let entries: Vec<AuditEntry> = facts
                .into_iter()
                .map(|fact| self.unchained_entry(fact))
                .collect();
            let head = self
                .heads
                .get_mut(&chain_key)
                .ok_or_else(|| StorageError::NotFound {
                    entity: "audit chain head",
                    key: chain_key.clone(),
                })?;
            written.extend(entries.into_iter().map(|entry| head.append(entry)));
            self.moved.insert(chain_key);
        }
        // Written at once, so that a clash (another writer's entry at the same place) fails
        // the append itself, not the commit.
        for chunk in written.chunks(crate::bulk::rows_per_statement(18)) {
            insert_entries(&self.txn, chunk).await?;
        }
        self.entries.extend(written.iter().cloned());
        Ok(written)
    }

    /// Moves the heads of the chains this unit appended to since the last flush to where its
    /// entries leave them, inside the unit's transaction: one upsert per chunk of heads.
    /// [`UnitOfWork::commit`] calls it; call it before reading the chain heads inside the unit.
    pub async fn flush_audit(&mut self) -> StorageResult<()> {
        let moved: Vec<&ChainHead> = std::mem::take(&mut self.moved)
            .iter()
            .filter_map(|k| self.heads.get(k))
            .collect();
        let now = instant::to_text(self.now);
        for chunk in moved.chunks(crate::bulk::rows_per_statement(4)) {
            let models = chunk.iter().map(|h| audit_chain_heads::ActiveModel {
                chain_key: Set(h.chain_key.clone()),
                seq: Set(h.seq),
                hash: Set(h.hash.clone()),
                updated_at: Set(now.clone()),
            });
            audit_chain_heads::Entity::insert_many(models)
                .on_conflict(
                    OnConflict::column(audit_chain_heads::Column::ChainKey)
                        .update_columns([
                            audit_chain_heads::Column::Seq,
                            audit_chain_heads::Column::Hash,
                            audit_chain_heads::Column::UpdatedAt,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(&self.txn)
                .await
                .map_err(StorageError::db("moving audit chain heads"))?;
        }
        Ok(())
    }

    /// The entry a fact becomes in this unit (its actor, clock reading and request), before it
    /// is placed on a chain: `seq`, `prev_hash` and `hash` are left for [`ChainHead::append`].
    fn unchained_entry(&self, fact: AuditFact) -> AuditEntry {
        AuditEntry {
            id: Uuid::now_v7(),
            chain_key: chain_of(&fact),
            seq: 0,
            recorded_at: self.now,
            effective_on: fact.effective_on,
            actor_id: self.actor.id.map(|o| o.0),
            actor_login: self.actor.login.clone(),
            on_behalf_of: self.actor.on_behalf_of.clone(),
            action: fact.action.key().to_owned(),
            subject_type: fact.subject_type,
            subject_id: fact.subject_id,
            enterprise_id: fact.enterprise.map(|e| e.0),
            before: fact.before.as_ref().map(canonical_json),
            after: fact.after.as_ref().map(canonical_json),
            reason: fact.reason,
            request_id: self.request_id.clone(),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    /// Creates the heads of new chains and locks every head in `keys` (sorted) for the rest of
    /// the transaction; returns each chain's head.
    async fn lock_heads(&self, keys: &[String]) -> StorageResult<BTreeMap<String, ChainHead>> {
        let txn = &self.txn;
        let now = instant::to_text(self.now);
        let mut on_conflict = OnConflict::column(audit_chain_heads::Column::ChainKey);
        if txn.get_database_backend() == sea_orm::DbBackend::MySql {
            // MySQL has no DO NOTHING: a no-op update leaves an existing head as it is.
            on_conflict.update_column(audit_chain_heads::Column::ChainKey);
        } else {
            on_conflict.do_nothing();
        }
        let mut heads = BTreeMap::new();
        let backend = txn.get_database_backend();
        if backend != sea_orm::DbBackend::MySql {
            // One statement per group: the upsert creates the missing heads and, as a no-op
            // update of the existing ones, locks them (in key order) and returns them all.
            use audit_chain_heads::Column;
            use sea_orm::sea_query::Query;
            for chunk in keys.chunks(1_000) {
                let mut insert = Query::insert();
                insert.into_table(audit_chain_heads::Entity).columns([
                    Column::ChainKey,
                    Column::Seq,
                    Column::Hash,
                    Column::UpdatedAt,
                ]);
                for key in chunk {
                    insert
                        .values([
                            key.clone().into(),
                            0i64.into(),
                            GENESIS_HASH.into(),
                            now.clone().into(),
                        ])
                        .map_err(|e| {
                            StorageError::db("locking audit chain heads")(DbErr::Custom(
                                e.to_string(),
                            ))
                        })?;
                }
                insert
                    .on_conflict(
                        OnConflict::column(Column::ChainKey)
                            .update_column(Column::ChainKey)
                            .to_owned(),
                    )
                    .returning(Query::returning().columns([
                        Column::ChainKey,
                        Column::Seq,
                        Column::Hash,
                    ]));
                let rows = txn
                    .query_all_raw(backend.build(&insert))
                    .await
                    .map_err(StorageError::db("locking audit chain heads"))?;
                for row in rows {
                    let head = ChainHead {
                        chain_key: row
                            .try_get("", "chain_key")
                            .map_err(StorageError::db("locking audit chain heads"))?,
                        seq: row
                            .try_get("", "seq")
                            .map_err(StorageError::db("locking audit chain heads"))?,
                        hash: row
                            .try_get("", "hash")
                            .map_err(StorageError::db("locking audit chain heads"))?,
                    };
                    heads.insert(head.chain_key.clone(), head);
                }
            }
            return Ok(heads);
        }
        // MySQL has no RETURNING: create, then lock and read, in bounded groups (an IN list
        // of a thousand keys is cheap).
        for chunk in keys.chunks(1_000) {
            let fresh = chunk.iter().map(|key| audit_chain_heads::ActiveModel {
                chain_key: Set(key.clone()),
                seq: Set(0),
                hash: Set(GENESIS_HASH.to_owned()),
                updated_at: Set(now.clone()),
            });
            audit_chain_heads::Entity::insert_many(fresh)
                .on_conflict(on_conflict.clone())
                .exec_without_returning(txn)
                .await
                .map_err(StorageError::db("creating audit chain heads"))?;
            let rows = audit_chain_heads::Entity::find()
                .filter(audit_chain_heads::Column::ChainKey.is_in(chunk.iter().cloned()))
                .order_by_asc(audit_chain_heads::Column::ChainKey)
                .lock_exclusive()
                .all(txn)
                .await
                .map_err(StorageError::db("locking audit chain heads"))?;
            for head in rows {
                heads.insert(
                    head.chain_key.clone(),
                    ChainHead {
                        chain_key: head.chain_key,
                        seq: head.seq,
                        hash: head.hash,
                    },
                );
            }
        }
        Ok(heads)
    }

    /// Commits the changes and their audit entries together, returning the entries.
    pub async fn commit(mut self) -> StorageResult<Vec<AuditEntry>> {
        self.flush_audit().await?;
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

/// Inserts chained entries in one statement; a clash on (chain, seq) means another writer
/// appended to the chain first: a [`StorageError::Conflict`] on the first entry's chain.
async fn insert_entries(txn: &DatabaseTransaction, entries: &[AuditEntry]) -> StorageResult<()> {
    let Some(first) = entries.first() else {
        return Ok(());
    };
    audit_entries::Entity::insert_many(entries.iter().map(model_of))
        .exec_without_returning(txn)
        .await
        .map_err(|source| match source.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => StorageError::Conflict {
                entity: "audit chain",
                key: first.chain_key.clone(),
                expected: first.seq - 1,
            },
            _ => StorageError::classify("appending audit entries", source),
        })?;
    Ok(())
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
    let mut out = Vec::with_capacity(512);
    write_canonical_entry(entry, &mut out);
    out
}

/// Writes [`canonical_bytes`] of `entry` into `out`: the same bytes as the canonical JSON of
/// [`hashed_fields`], written field by field in their sorted order without building the object
/// (verification hashes every entry; this is its per-entry cost).
fn write_canonical_entry(entry: &AuditEntry, out: &mut Vec<u8>) {
    fn key(out: &mut Vec<u8>, name: &str) {
        if out.last() != Some(&b'{') {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\":");
    }
    fn text(out: &mut Vec<u8>, value: Option<&str>) {
        match value {
            Some(v) => json_string(out, v),
            None => out.extend_from_slice(b"null"),
        }
    }
    let mut uuid = Uuid::encode_buffer();
    out.push(b'{');
    key(out, "action");
    text(out, Some(&entry.action));
    key(out, "actor_id");
    text(
        out,
        entry
            .actor_id
            .map(|u| &*u.hyphenated().encode_lower(&mut uuid)),
    );
    key(out, "actor_login");
    text(out, Some(&entry.actor_login));
    key(out, "after");
    text(out, entry.after.as_deref());
    key(out, "before");
    text(out, entry.before.as_deref());
    key(out, "chain_key");
    text(out, Some(&entry.chain_key));
    key(out, "effective_on");
    text(
        out,
        entry
            .effective_on
            .map(|d| d.format("%Y-%m-%d").to_string())
            .as_deref(),
    );
    key(out, "enterprise_id");
    text(
        out,
        entry
            .enterprise_id
            .map(|u| &*u.hyphenated().encode_lower(&mut uuid)),
    );
    key(out, "id");
    text(out, Some(entry.id.hyphenated().encode_lower(&mut uuid)));
    key(out, "on_behalf_of");
    text(out, entry.on_behalf_of.as_deref());
    key(out, "prev_hash");
    text(out, Some(&entry.prev_hash));
    key(out, "reason");
    text(out, entry.reason.as_deref());
    key(out, "recorded_at");
    text(out, Some(&instant::to_text(entry.recorded_at)));
    key(out, "request_id");
    text(out, entry.request_id.as_deref());
    key(out, "seq");
    out.extend_from_slice(entry.seq.to_string().as_bytes());
    key(out, "subject_id");
    text(out, Some(&entry.subject_id));
    key(out, "subject_type");
    text(out, Some(&entry.subject_type));
    key(out, "v");
    out.extend_from_slice(CANONICAL_VERSION.to_string().as_bytes());
    out.push(b'}');
}

/// A JSON string as serde_json writes it: `"` and `\\` escaped, control characters as `\b`,
/// `\t`, `\n`, `\f`, `\r` or `\u00xx`, everything else (non-ASCII included) as it is.
fn json_string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut plain = 0;
    let mut unicode = *b"\\u0000";
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            0x0c => b"\\f",
            b'\r' => b"\\r",
            0x00..=0x1f => {
                unicode[4] = HEX[usize::from(b >> 4)];
                unicode[5] = HEX[usize::from(b & 0xf)];
                &unicode
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[plain..i]);
        out.extend_from_slice(escape);
        plain = i + 1;
    }
    out.extend_from_slice(&bytes[plain..]);
    out.push(b'"');
}

/// The object an entry's hash covers, field by field: exactly what [`canonical_bytes`]
/// serialises, and what `peiyu audit export --format jsonl` writes for each entry.
pub fn hashed_fields(entry: &AuditEntry) -> serde_json::Map<String, serde_json::Value> {
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
    map
}

/// SHA-256 of [`canonical_bytes`], lower-case hex.
pub fn entry_hash(entry: &AuditEntry) -> String {
    thread_local! {
        // One buffer per thread, reused for every entry hashed on it.
        static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(1024));
    }
    BUFFER.with(|buffer| match buffer.try_borrow_mut() {
        Ok(mut buffer) => {
            buffer.clear();
            write_canonical_entry(entry, &mut buffer);
            hex::encode(Sha256::digest(buffer.as_slice()))
        }
        Err(_) => hex::encode(Sha256::digest(canonical_bytes(entry))),
    })
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

/// Recomputes every hash chain from the stored entries and compares each with its head,
/// streaming chain by chain ([`crate::audit_replay::verify_all`], which also replays the log
/// against the tables; this returns the chains' part).
#[tracing::instrument(skip_all)]
pub async fn verify_chains(conn: &impl ConnectionTrait) -> StorageResult<VerifyReport> {
    Ok(crate::audit_replay::verify_all(conn).await?.chains)
}

/// One chain checked entry by entry as it streams past, in `seq` order: keeps only the
/// previous hash and the first break.
#[derive(Debug)]
pub struct ChainCheck {
    prev: String,
    expected: i64,
    last_seq: i64,
    broken: Option<(ChainBreak, AuditEntry)>,
    last: Option<AuditEntry>,
}

impl Default for ChainCheck {
    fn default() -> Self {
        ChainCheck::new()
    }
}

impl ChainCheck {
    /// A check at the start of a chain.
    pub fn new() -> ChainCheck {
        ChainCheck::from_seal(0, GENESIS_HASH.to_owned())
    }

    /// A check that starts after a sealed entry: its `seq` and `hash` (the entries before it
    /// are trusted to the seal).
    pub fn from_seal(seq: i64, hash: String) -> ChainCheck {
        ChainCheck {
            prev: hash,
            expected: seq + 1,
            last_seq: seq,
            broken: None,
            last: None,
        }
    }

    /// Checks the next entry of the chain.
    pub fn feed(&mut self, entry: AuditEntry) {
        if self.broken.is_some() {
            return;
        }
        let problem = if entry.seq != self.expected {
            Some(ChainBreak::SequenceGap {
                expected: self.expected,
                found: entry.seq,
            })
        } else if entry_hash(&entry) != entry.hash {
            Some(ChainBreak::HashMismatch { seq: entry.seq })
        } else if entry.prev_hash != self.prev {
            Some(ChainBreak::LinkMismatch { seq: entry.seq })
        } else {
            None
        };
        match problem {
            Some(p) => self.broken = Some((p, entry)),
            None => {
                self.prev = entry.hash.clone();
                self.expected += 1;
                self.last_seq = entry.seq;
                self.last = Some(entry);
            }
        }
    }

    /// The chain's first break, if any, once every entry was fed: compares the last entry with
    /// the chain's head.
    pub fn finish(
        self,
        chain_key: &str,
        head: Option<&audit_chain_heads::Model>,
    ) -> Option<BrokenChain> {
        let (problem, entry) = match self.broken {
            Some((p, e)) => (p, Some(e)),
            None => {
                let mismatch = match head {
                    Some(h) => h.seq != self.last_seq || h.hash != self.prev,
                    None => self.last_seq != 0,
                };
                if !mismatch {
                    return None;
                }
                (
                    ChainBreak::HeadMismatch {
                        head_seq: head.map(|h| h.seq).unwrap_or(0),
                        last_seq: self.last_seq,
                    },
                    self.last,
                )
            }
        };
        Some(BrokenChain {
            chain_key: chain_key.to_owned(),
            problem,
            entry,
        })
    }
}

#[cfg(test)]
fn check_chain(
    entries: &[AuditEntry],
    head: Option<&audit_chain_heads::Model>,
) -> Option<ChainBreak> {
    let mut check = ChainCheck::new();
    for e in entries {
        check.feed(e.clone());
    }
    check.finish("", head).map(|b| b.problem)
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
    if let Some(action) = filter.action {
        query = query.filter(audit_entries::Column::Action.eq(action.key()));
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

/// Up to `limit` entries in chain-key and sequence order, after the entry `after` (its chain
/// key and `seq`; `None` from the start): the pages of an export, read with bounded memory.
pub async fn entries_after(
    conn: &impl ConnectionTrait,
    after: Option<(&str, i64)>,
    limit: u64,
) -> StorageResult<Vec<AuditEntry>> {
    let mut query = audit_entries::Entity::find();
    if let Some((chain, seq)) = after {
        query = query.filter(
            sea_orm::Condition::any()
                .add(audit_entries::Column::ChainKey.gt(chain))
                .add(
                    sea_orm::Condition::all()
                        .add(audit_entries::Column::ChainKey.eq(chain))
                        .add(audit_entries::Column::Seq.gt(seq)),
                ),
        );
    }
    query
        .order_by_asc(audit_entries::Column::ChainKey)
        .order_by_asc(audit_entries::Column::Seq)
        .limit(limit)
        .all(conn)
        .await
        .map_err(StorageError::db("reading audit entries"))?
        .into_iter()
        .map(entry_from_model)
        .collect()
}

/// Every chain's head as stored, by chain key.
pub async fn chain_heads(conn: &impl ConnectionTrait) -> StorageResult<Vec<ChainHead>> {
    Ok(audit_chain_heads::Entity::find()
        .order_by_asc(audit_chain_heads::Column::ChainKey)
        .all(conn)
        .await
        .map_err(StorageError::db("reading audit chain heads"))?
        .into_iter()
        .map(|h| ChainHead {
            chain_key: h.chain_key,
            seq: h.seq,
            hash: h.hash,
        })
        .collect())
}

/// Which audit entries to read.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Only entries about this enterprise.
    pub enterprise: Option<EnterpriseId>,
    /// Only entries by this officer.
    pub actor_login: Option<String>,
    /// Only entries with this action.
    pub action: Option<AuditAction>,
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
    fn canonical_bytes_are_the_canonical_json_of_the_hashed_fields() {
        let every_control: String = (0u8..0x20).map(char::from).collect();
        let mut full = sample();
        full.actor_id = Some(Uuid::now_v7());
        full.enterprise_id = Some(Uuid::now_v7());
        full.effective_on = NaiveDate::from_ymd_opt(2023, 2, 28);
        full.on_behalf_of = Some("o1".into());
        full.reason = Some(format!(
            "引号\"、反斜杠\\、斜杠/、{every_control}、\u{7f}\u{2028}"
        ));
        full.request_id = Some("r-1".into());
        full.before = Some(canonical_json(&serde_json::json!({"s": every_control})));
        full.seq = -42;
        for e in [sample(), full] {
            assert_eq!(
                String::from_utf8(canonical_bytes(&e)).unwrap(),
                canonical_json(&serde_json::Value::Object(hashed_fields(&e)))
            );
            assert_eq!(
                entry_hash(&e),
                hex::encode(Sha256::digest(
                    canonical_json(&serde_json::Value::Object(hashed_fields(&e))).as_bytes()
                ))
            );
        }
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
    fn appending_to_a_new_chain_hashes_the_canonical_bytes() {
        let mut chain = ChainHead::genesis(BUREAU_CHAIN);
        let first = chain.append(sample());
        assert_eq!(first.hash, entry_hash(&sample()));
        assert_eq!(
            hex::encode(Sha256::digest(canonical_bytes(&first))),
            first.hash
        );
        assert_eq!(chain.seq, 1);
        assert_eq!(chain.hash, first.hash);
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
        let mut chain = ChainHead::genesis(BUREAU_CHAIN);
        let a = chain.append(sample());
        let b = chain.append(sample());
        assert_eq!((a.seq, b.seq), (1, 2));
        assert_eq!(a.prev_hash, GENESIS_HASH);
        assert_eq!(b.prev_hash, a.hash);
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
