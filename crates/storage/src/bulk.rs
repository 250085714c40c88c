//! Bulk reads and writes for importing and exporting ledgers: many rows in few statements, all
//! inside the caller's unit of work.
//!
//! Rows go in as multi-row `INSERT`s (or upserts) in chunks that stay under every backend's
//! limit on bound parameters (SQLite's 32 766 is the lowest). Their audit entries go through the
//! unit of work's one append ([`UnitOfWork::record_many`]): the chain heads a batch touches are
//! created and locked in a few statements, the entries inserted in chunks and the heads moved in
//! one upsert per chunk — the same entries, hashes and chain order as one at a time.

use peiyu_domain::AuditAction;
use peiyu_domain::{Enterprise, EnterpriseId, Metrics, YearMonth, Yuan};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::audit::{AuditFact, UnitOfWork};
use crate::enterprises::{Versioned, enterprise_json, write_enterprise};
use crate::entities::{enterprises, metrics};
use crate::error::{StorageError, StorageResult};
use crate::instant;
use crate::metrics::metrics_json;

/// The most bound parameters one statement may carry on every backend (SQLite's default limit
/// is 32 766; PostgreSQL's and MySQL's are 65 535).
const MAX_PARAMS: usize = 30_000;

/// How many rows of `columns` columns fit in one statement.
pub(crate) fn rows_per_statement(columns: usize) -> usize {
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
                action: AuditAction::EnterpriseAdd,
                subject_type: "enterprise".into(),
                subject_id: e.uscc.as_str().to_owned(),
                enterprise: Some(e.id),
                before: None,
                after: Some(enterprise_json(e)),
                reason: reason.map(str::to_owned),
                effective_on: None,
            })
            .collect();
        uow.record_many(facts).await?;
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
        // One statement per changed row: each carries its own optimistic-lock check.
        facts.push(
            write_enterprise(
                uow,
                &before.value,
                after,
                before.version,
                &now,
                AuditAction::EnterpriseEdit,
                reason.map(str::to_owned),
            )
            .await?,
        );
    }
    uow.record_many(facts).await?;
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
                    AuditAction::MetricsEdit
                } else {
                    AuditAction::MetricsAdd
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
        uow.record_many(facts).await?;
    }
    Ok(())
}
