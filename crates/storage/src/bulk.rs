//! Bulk reads and writes for importing and exporting ledgers: many rows in few statements, all
//! inside the caller's unit of work.
//!
//! Rows go in as multi-row `INSERT`s (or upserts) in chunks that stay under every backend's
//! limit on bound parameters (SQLite's 32 766 is the lowest). Audit entries go in the same way
//! ([`record_facts`]): the chain heads a batch touches are created and locked in a few
//! statements, the entries inserted in chunks and the heads moved in one upsert per chunk — the
//! same entries, hashes and chain order that [`UnitOfWork::record`] writes one at a time.

use std::collections::{BTreeMap, HashMap};

use peiyu_domain::{Enterprise, EnterpriseId, Metrics, YearMonth, Yuan};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::audit::{
    AuditEntry, AuditFact, BUREAU_CHAIN, GENESIS_HASH, UnitOfWork, canonical_json,
    enterprise_chain, entry_hash,
};
use crate::enterprises::{Versioned, enterprise_json};
use crate::entities::{audit_chain_heads, audit_entries, enterprises, metrics};
use crate::error::{StorageError, StorageResult};
use crate::instant;
use crate::metrics::metrics_json;

/// The most bound parameters one statement may carry on every backend (SQLite's default limit
/// is 32 766; PostgreSQL's and MySQL's are 65 535).
const MAX_PARAMS: usize = 30_000;

/// How many rows of `columns` columns fit in one statement.
fn rows_per_statement(columns: usize) -> usize {
    (MAX_PARAMS / columns.max(1)).max(1)
}

/// Every enterprise on the books, archived ones included, in one query.
pub async fn all_enterprises(
    conn: &impl ConnectionTrait,
) -> StorageResult<Vec<Versioned<Enterprise>>> {
    enterprises::Entity::find()
        .order_by_asc(enterprises::Column::Uscc)
        .all(conn)
        .await
        .map_err(StorageError::db("reading enterprises"))?
        .into_iter()
        .map(crate::enterprises::from_model)
        .collect()
}

/// Records new enterprises at version 1, each with its `enterprise.add` audit entry.
/// A USCC already taken is [`StorageError::Duplicate`] (nothing of the unit is kept).
pub async fn insert_enterprises(
    uow: &mut UnitOfWork,
    list: &[Enterprise],
    reason: Option<&str>,
) -> StorageResult<()> {
    let now = instant::to_text(uow.now());
    for chunk in list.chunks(rows_per_statement(13)) {
        let models = chunk.iter().map(|e| enterprises::ActiveModel {
            id: Set(e.id.0),
            uscc: Set(e.uscc.as_str().to_owned()),
            name: Set(e.name.clone()),
            sector: Set(e.sector.key().to_owned()),
            town: Set(e.town.clone()),
            address: Set(e.address.clone()),
            land_area_centi_mu: Set(e.land_area.map(|a| a.centi_mu())),
            legal_form: Set(e.legal_form.key().to_owned()),
            responsible_officer_id: Set(e.responsible_officer.map(|o| o.0)),
            archived: Set(e.archived),
            version: Set(1),
            created_at: Set(now.clone()),
            updated_at: Set(now.clone()),
        });
        enterprises::Entity::insert_many(models)
            .exec_without_returning(uow.txn())
            .await
            .map_err(StorageError::db_unique(
                "adding enterprises",
                "enterprise",
                "uscc",
                chunk
                    .first()
                    .map(|e| e.uscc.as_str().to_owned())
                    .unwrap_or_default(),
            ))?;
        let facts = chunk
            .iter()
            .map(|e| AuditFact {
                action: "enterprise.add".into(),
                subject_type: "enterprise".into(),
                subject_id: e.uscc.as_str().to_owned(),
                enterprise: Some(e.id),
                before: None,
                after: Some(enterprise_json(e)),
                reason: reason.map(str::to_owned),
                effective_on: None,
            })
            .collect();
        record_facts(uow, facts).await?;
    }
    Ok(())
}

/// Records changes to enterprises, each still at the version it was read at; an enterprise
/// changed by someone else meanwhile is [`StorageError::Conflict`]. Each change gets an
/// `enterprise.edit` audit entry with the state before and after.
pub async fn update_enterprises(
    uow: &mut UnitOfWork,
    changes: &[(Versioned<Enterprise>, Enterprise)],
    reason: Option<&str>,
) -> StorageResult<()> {
    let now = instant::to_text(uow.now());
    let mut facts = Vec::with_capacity(changes.len());
    for (before, after) in changes {
        let expected = i32::try_from(before.version).map_err(|_| StorageError::Conflict {
            entity: "enterprise",
            key: after.uscc.as_str().to_owned(),
            expected: before.version,
        })?;
        // One statement per changed row: each carries its own optimistic-lock check.
        let result = enterprises::Entity::update_many()
            .col_expr(enterprises::Column::Uscc, after.uscc.as_str().into())
            .col_expr(enterprises::Column::Name, after.name.clone().into())
            .col_expr(enterprises::Column::Sector, after.sector.key().into())
            .col_expr(enterprises::Column::Town, after.town.clone().into())
            .col_expr(enterprises::Column::Address, after.address.clone().into())
            .col_expr(
                enterprises::Column::LandAreaCentiMu,
                after.land_area.map(|a| a.centi_mu()).into(),
            )
            .col_expr(
                enterprises::Column::LegalForm,
                after.legal_form.key().into(),
            )
            .col_expr(
                enterprises::Column::ResponsibleOfficerId,
                after.responsible_officer.map(|o| o.0).into(),
            )
            .col_expr(enterprises::Column::Archived, after.archived.into())
            .col_expr(enterprises::Column::Version, (expected + 1).into())
            .col_expr(enterprises::Column::UpdatedAt, now.clone().into())
            .filter(enterprises::Column::Id.eq(after.id.0))
            .filter(enterprises::Column::Version.eq(expected))
            .exec(uow.txn())
            .await
            .map_err(StorageError::db_unique(
                "changing an enterprise",
                "enterprise",
                "uscc",
                after.uscc.as_str(),
            ))?;
        if result.rows_affected != 1 {
            return Err(StorageError::Conflict {
                entity: "enterprise",
                key: after.uscc.as_str().to_owned(),
                expected: before.version,
            });
        }
        facts.push(AuditFact {
            action: "enterprise.edit".into(),
            subject_type: "enterprise".into(),
            subject_id: after.uscc.as_str().to_owned(),
            enterprise: Some(after.id),
            before: Some(enterprise_json(&before.value)),
            after: Some(enterprise_json(after)),
            reason: reason.map(str::to_owned),
            effective_on: None,
        });
    }
    record_facts(uow, facts).await?;
    Ok(())
}

/// The recorded months of these enterprises, in one query per thousand enterprises.
pub async fn metrics_of_enterprises(
    conn: &impl ConnectionTrait,
    ids: &[EnterpriseId],
) -> StorageResult<Vec<Metrics>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(1_000) {
        let rows = metrics::Entity::find()
            .filter(metrics::Column::EnterpriseId.is_in(chunk.iter().map(|e| e.0)))
            .all(conn)
            .await
            .map_err(StorageError::db("reading metrics"))?;
        for m in rows {
            out.push(crate::metrics::from_model(m)?);
        }
    }
    Ok(out)
}

/// Every recorded month of every enterprise, optionally within `[from, to]`, by enterprise id
/// then month, in one query.
pub async fn all_metrics(
    conn: &impl ConnectionTrait,
    from: Option<YearMonth>,
    to: Option<YearMonth>,
) -> StorageResult<Vec<Metrics>> {
    let mut query = metrics::Entity::find();
    if let Some(from) = from {
        query = query.filter(metrics::Column::Month.gte(from.to_string()));
    }
    if let Some(to) = to {
        query = query.filter(metrics::Column::Month.lte(to.to_string()));
    }
    query
        .order_by_asc(metrics::Column::EnterpriseId)
        .order_by_asc(metrics::Column::Month)
        .all(conn)
        .await
        .map_err(StorageError::db("reading metrics"))?
        .into_iter()
        .map(crate::metrics::from_model)
        .collect()
}

/// Records months of figures, replacing what was recorded: `(before, after)` pairs, `before`
/// being the stored figures when the month exists. Each pair gets a `metrics.add` or
/// `metrics.edit` audit entry. The caller leaves out pairs whose figures did not change.
pub async fn upsert_metrics(
    uow: &mut UnitOfWork,
    changes: &[(Option<Metrics>, Metrics)],
    reason: Option<&str>,
) -> StorageResult<()> {
    let now = instant::to_text(uow.now());
    for chunk in changes.chunks(rows_per_statement(10)) {
        let mut models = Vec::with_capacity(chunk.len());
        for (_, m) in chunk {
            let employees = match m.employees {
                Some(n) => Some(i32::try_from(n).map_err(|_| StorageError::Corrupt {
                    table: "metrics",
                    column: "employees",
                    value: n.to_string(),
                    detail: "too large".into(),
                })?),
                None => None,
            };
            models.push(metrics::ActiveModel {
                enterprise_id: Set(m.enterprise.0),
                month: Set(m.month.to_string()),
                revenue: Set(m.revenue.map(Yuan::amount)),
                output_value: Set(m.output_value.map(Yuan::amount)),
                energy_kgce: Set(m.energy.map(|e| e.kgce())),
                employees: Set(employees),
                tax: Set(m.tax.map(Yuan::amount)),
                rnd_spend: Set(m.rnd_spend.map(Yuan::amount)),
                created_at: Set(now.clone()),
                updated_at: Set(now.clone()),
            });
        }
        // created_at is left as it was on a row that existed.
        let on_conflict =
            OnConflict::columns([metrics::Column::EnterpriseId, metrics::Column::Month])
                .update_columns([
                    metrics::Column::Revenue,
                    metrics::Column::OutputValue,
                    metrics::Column::EnergyKgce,
                    metrics::Column::Employees,
                    metrics::Column::Tax,
                    metrics::Column::RndSpend,
                    metrics::Column::UpdatedAt,
                ])
                .to_owned();
        metrics::Entity::insert_many(models)
            .on_conflict(on_conflict)
            .exec_without_returning(uow.txn())
            .await
            .map_err(StorageError::db("recording metrics"))?;
        let facts = chunk
            .iter()
            .map(|(before, m)| AuditFact {
                action: if before.is_some() {
                    "metrics.edit".into()
                } else {
                    "metrics.add".into()
                },
                subject_type: "metrics".into(),
                subject_id: m.month.to_string(),
                enterprise: Some(m.enterprise),
                before: before.as_ref().map(metrics_json),
                after: Some(metrics_json(m)),
                reason: reason.map(str::to_owned),
                effective_on: Some(m.month.first_day()),
            })
            .collect();
        record_facts(uow, facts).await?;
    }
    Ok(())
}

/// Appends many audit entries inside `uow`'s transaction, in order within each chain, in a
/// handful of statements per few thousand entries: the chain heads touched are created if new
/// and locked (in key order, so two bulk writers never deadlock), the entries inserted in
/// chunks, and the heads moved with one upsert per chunk. The entries and hashes are exactly
/// those [`UnitOfWork::record`] would write one by one; `peiyu audit verify` checks them the
/// same way.
#[tracing::instrument(skip_all, fields(facts = facts.len()))]
pub async fn record_facts(uow: &mut UnitOfWork, facts: Vec<AuditFact>) -> StorageResult<usize> {
    if facts.is_empty() {
        return Ok(0);
    }
    let mut by_chain: BTreeMap<String, Vec<AuditFact>> = BTreeMap::new();
    for fact in facts {
        let key = fact
            .enterprise
            .map(enterprise_chain)
            .unwrap_or_else(|| BUREAU_CHAIN.to_owned());
        by_chain.entry(key).or_default().push(fact);
    }
    let keys: Vec<String> = by_chain.keys().cloned().collect();
    let mut heads = lock_heads(uow, &keys).await?;

    let now = uow.now();
    let actor = uow.actor().clone();
    let request_id = uow.request_id().map(str::to_owned);
    let entry_chunk = rows_per_statement(18);
    let mut pending: Vec<audit_entries::ActiveModel> = Vec::with_capacity(entry_chunk);
    let mut moved: Vec<audit_chain_heads::ActiveModel> = Vec::with_capacity(keys.len());
    let mut written = 0;
    for (chain_key, facts) in by_chain {
        let (mut seq, mut prev_hash) =
            heads
                .remove(&chain_key)
                .ok_or_else(|| StorageError::NotFound {
                    entity: "audit chain head",
                    key: chain_key.clone(),
                })?;
        for fact in facts {
            seq += 1;
            let mut entry = AuditEntry {
                id: Uuid::now_v7(),
                chain_key: chain_key.clone(),
                seq,
                recorded_at: now,
                effective_on: fact.effective_on,
                actor_id: actor.id.map(|o| o.0),
                actor_login: actor.login.clone(),
                on_behalf_of: actor.on_behalf_of.clone(),
                action: fact.action,
                subject_type: fact.subject_type,
                subject_id: fact.subject_id,
                enterprise_id: fact.enterprise.map(|e| e.0),
                before: fact.before.as_ref().map(canonical_json),
                after: fact.after.as_ref().map(canonical_json),
                reason: fact.reason,
                request_id: request_id.clone(),
                prev_hash: prev_hash.clone(),
                hash: String::new(),
            };
            entry.hash = entry_hash(&entry);
            prev_hash = entry.hash.clone();
            pending.push(entry_model(entry));
            written += 1;
            if pending.len() >= entry_chunk {
                insert_entries(uow, std::mem::take(&mut pending)).await?;
            }
        }
        moved.push(audit_chain_heads::ActiveModel {
            chain_key: Set(chain_key),
            seq: Set(seq),
            hash: Set(prev_hash),
            updated_at: Set(instant::to_text(now)),
        });
    }
    insert_entries(uow, pending).await?;
    for chunk in moved.chunks(rows_per_statement(4)) {
        audit_chain_heads::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::column(audit_chain_heads::Column::ChainKey)
                    .update_columns([
                        audit_chain_heads::Column::Seq,
                        audit_chain_heads::Column::Hash,
                        audit_chain_heads::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(uow.txn())
            .await
            .map_err(StorageError::db("moving audit chain heads"))?;
    }
    Ok(written)
}

/// Creates the heads of new chains and locks every head in `keys` (sorted) for the rest of the
/// transaction; returns each chain's last sequence number and hash.
async fn lock_heads(
    uow: &UnitOfWork,
    keys: &[String],
) -> StorageResult<HashMap<String, (i64, String)>> {
    let txn = uow.txn();
    let now = instant::to_text(uow.now());
    let mut on_conflict = OnConflict::column(audit_chain_heads::Column::ChainKey);
    if txn.get_database_backend() == DbBackend::MySql {
        // MySQL has no DO NOTHING: a no-op update leaves an existing head as it is.
        on_conflict.update_column(audit_chain_heads::Column::ChainKey);
    } else {
        on_conflict.do_nothing();
    }
    let mut heads = HashMap::with_capacity(keys.len());
    // Lock in bounded groups: an IN list of a thousand keys is cheap on every backend.
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
            heads.insert(head.chain_key, (head.seq, head.hash));
        }
    }
    Ok(heads)
}

async fn insert_entries(
    uow: &UnitOfWork,
    models: Vec<audit_entries::ActiveModel>,
) -> StorageResult<()> {
    if models.is_empty() {
        return Ok(());
    }
    audit_entries::Entity::insert_many(models)
        .exec_without_returning(uow.txn())
        .await
        .map_err(|source| match source.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => StorageError::Conflict {
                entity: "audit chain",
                key: "bulk".to_owned(),
                expected: 0,
            },
            _ => StorageError::Database {
                context: "appending audit entries",
                source,
            },
        })?;
    Ok(())
}

fn entry_model(entry: AuditEntry) -> audit_entries::ActiveModel {
    audit_entries::ActiveModel {
        id: Set(entry.id),
        chain_key: Set(entry.chain_key),
        seq: Set(entry.seq),
        recorded_at: Set(instant::to_text(entry.recorded_at)),
        effective_on: Set(entry.effective_on),
        actor_id: Set(entry.actor_id),
        actor_login: Set(entry.actor_login),
        on_behalf_of: Set(entry.on_behalf_of),
        action: Set(entry.action),
        subject_type: Set(entry.subject_type),
        subject_id: Set(entry.subject_id),
        enterprise_id: Set(entry.enterprise_id),
        before_state: Set(entry.before),
        after_state: Set(entry.after),
        reason: Set(entry.reason),
        request_id: Set(entry.request_id),
        prev_hash: Set(entry.prev_hash),
        hash: Set(entry.hash),
    }
}
