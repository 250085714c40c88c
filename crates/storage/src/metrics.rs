//! Monthly metrics: one row per enterprise per month.

use peiyu_domain::AuditAction;
use peiyu_domain::{EnterpriseId, Metrics, Tce, YearMonth, Yuan};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

use crate::audit::{AuditFact, UnitOfWork};
use crate::entities::metrics;
use crate::error::{StorageError, StorageResult};
use crate::instant;

/// How a month's figures look in the audit log.
pub fn metrics_json(m: &Metrics) -> serde_json::Value {
    json!({
        "month": m.month.to_string(),
        "revenue": m.revenue.map(Yuan::amount),
        "output_value": m.output_value.map(Yuan::amount),
        "energy_kgce": m.energy.map(|e| e.kgce()),
        "employees": m.employees,
        "tax": m.tax.map(Yuan::amount),
        "rnd_spend": m.rnd_spend.map(Yuan::amount),
    })
}

pub(crate) fn from_model(m: metrics::Model) -> StorageResult<Metrics> {
    let month = m
        .month
        .parse::<YearMonth>()
        .map_err(|e| StorageError::Corrupt {
            table: "metrics",
            column: "month",
            value: m.month.clone(),
            detail: e.to_string(),
        })?;
    Ok(Metrics {
        enterprise: EnterpriseId(m.enterprise_id),
        month,
        revenue: m.revenue.map(Yuan),
        output_value: m.output_value.map(Yuan),
        energy: m.energy_kgce.map(Tce::from_kgce),
        employees: m.employees.and_then(|e| u32::try_from(e).ok()),
        tax: m.tax.map(Yuan),
        rnd_spend: m.rnd_spend.map(Yuan),
    })
}

/// What an upsert did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upserted {
    /// A new month was recorded.
    Inserted,
    /// An existing month's figures changed.
    Updated,
    /// The figures were already exactly these: nothing was written and nothing audited.
    Unchanged,
}

/// Records one enterprise's figures for one month, replacing what was there.
pub async fn upsert_metrics(
    uow: &mut UnitOfWork,
    m: &Metrics,
    reason: Option<String>,
) -> StorageResult<Upserted> {
    let month = m.month.to_string();
    let existing = metrics::Entity::find_by_id((m.enterprise.0, month.clone()))
        .one(uow.txn())
        .await
        .map_err(StorageError::db("reading metrics"))?;
    let now = instant::to_text(uow.now());
    let employees = match m.employees {
        Some(n) => Some(i32::try_from(n).map_err(|_| StorageError::Corrupt {
            table: "metrics",
            column: "employees",
            value: n.to_string(),
            detail: "too large".into(),
        })?),
        None => None,
    };
    let mut model = metrics::ActiveModel {
        enterprise_id: Set(m.enterprise.0),
        month: Set(month.clone()),
        revenue: Set(m.revenue.map(Yuan::amount)),
        output_value: Set(m.output_value.map(Yuan::amount)),
        energy_kgce: Set(m.energy.map(|e| e.kgce())),
        employees: Set(employees),
        tax: Set(m.tax.map(Yuan::amount)),
        rnd_spend: Set(m.rnd_spend.map(Yuan::amount)),
        created_at: Set(now.clone()),
        updated_at: Set(now),
    };
    let (outcome, before) = match existing {
        None => {
            metrics::Entity::insert(model)
                .exec_without_returning(uow.txn())
                .await
                .map_err(StorageError::db("recording metrics"))?;
            (Upserted::Inserted, None)
        }
        Some(old) => {
            let before = from_model(old.clone())?;
            if &before == m {
                return Ok(Upserted::Unchanged);
            }
            model.created_at = Set(old.created_at);
            metrics::Entity::update(model)
                .exec(uow.txn())
                .await
                .map_err(StorageError::db("changing metrics"))?;
            (Upserted::Updated, Some(metrics_json(&before)))
        }
    };
    uow.record(AuditFact {
        action: match outcome {
            Upserted::Inserted => AuditAction::MetricsAdd,
            _ => AuditAction::MetricsEdit,
        },
        subject_type: "metrics".into(),
        subject_id: month,
        enterprise: Some(m.enterprise),
        before,
        after: Some(metrics_json(m)),
        reason,
        effective_on: Some(m.month.first_day()),
    })
    .await?;
    Ok(outcome)
}

/// One enterprise's metrics, oldest month first, optionally within `[from, to]`.
pub async fn list_metrics(
    conn: &impl ConnectionTrait,
    enterprise: EnterpriseId,
    from: Option<YearMonth>,
    to: Option<YearMonth>,
) -> StorageResult<Vec<Metrics>> {
    let mut query = metrics::Entity::find().filter(metrics::Column::EnterpriseId.eq(enterprise.0));
    if let Some(from) = from {
        query = query.filter(metrics::Column::Month.gte(from.to_string()));
    }
    if let Some(to) = to {
        query = query.filter(metrics::Column::Month.lte(to.to_string()));
    }
    query
        .order_by_asc(metrics::Column::Month)
        .all(conn)
        .await
        .map_err(StorageError::db("listing metrics"))?
        .into_iter()
        .map(from_model)
        .collect()
}

/// The metrics of these enterprises (every enterprise's when `None`, in one query), each one's
/// oldest month first, optionally within `[from, to]`; in chunks of [`crate::IN_CHUNK`]
/// enterprises, by the `(enterprise, month)` key.
pub async fn metrics_of_enterprises(
    conn: &impl ConnectionTrait,
    among: Option<&[EnterpriseId]>,
    from: Option<YearMonth>,
    to: Option<YearMonth>,
) -> StorageResult<std::collections::BTreeMap<EnterpriseId, Vec<Metrics>>> {
    let ranged = |mut query: sea_orm::Select<metrics::Entity>| {
        if let Some(from) = from {
            query = query.filter(metrics::Column::Month.gte(from.to_string()));
        }
        if let Some(to) = to {
            query = query.filter(metrics::Column::Month.lte(to.to_string()));
        }
        query
            .order_by_asc(metrics::Column::EnterpriseId)
            .order_by_asc(metrics::Column::Month)
    };
    let queries: Vec<sea_orm::Select<metrics::Entity>> = match among {
        None => vec![ranged(metrics::Entity::find())],
        Some(ids) => ids
            .chunks(crate::IN_CHUNK)
            .map(|chunk| {
                ranged(
                    metrics::Entity::find()
                        .filter(metrics::Column::EnterpriseId.is_in(chunk.iter().map(|e| e.0))),
                )
            })
            .collect(),
    };
    let mut out: std::collections::BTreeMap<EnterpriseId, Vec<Metrics>> = Default::default();
    for query in queries {
        let rows = query
            .all(conn)
            .await
            .map_err(StorageError::db("listing metrics"))?;
        for row in rows {
            let m = from_model(row)?;
            out.entry(m.enterprise).or_default().push(m);
        }
    }
    Ok(out)
}
