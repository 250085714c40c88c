//! The year's targets (e.g. 14 newly above-scale industrial enterprises).

use peiyu_domain::AuditAction;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{AuditFact, UnitOfWork};
use crate::entities::targets;
use crate::error::{StorageError, StorageResult};
use crate::instant;

/// One target: a metric's value for a year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The year.
    pub year: i32,
    /// The metric's key (`new_above_scale`, `new_above_limit`, …).
    pub metric: String,
    /// The value aimed at.
    pub value: i64,
}

/// Sets a year's target for a metric, replacing the previous value; returns the previous value.
pub async fn set_target(uow: &mut UnitOfWork, target: &Target) -> StorageResult<Option<i64>> {
    let existing = targets::Entity::find()
        .filter(targets::Column::Year.eq(target.year))
        .filter(targets::Column::Metric.eq(target.metric.clone()))
        .one(uow.txn())
        .await
        .map_err(StorageError::db("reading a target"))?;
    let now = instant::to_text(uow.now());
    let actor = uow.actor().id.map(|o| o.0).unwrap_or(Uuid::nil());
    let previous = existing.as_ref().map(|t| t.value);
    match existing {
        Some(t) => {
            targets::Entity::update_many()
                .col_expr(targets::Column::Value, target.value.into())
                .col_expr(targets::Column::SetBy, actor.into())
                .col_expr(targets::Column::UpdatedAt, now.into())
                .filter(targets::Column::Id.eq(t.id))
                .exec(uow.txn())
                .await
                .map_err(StorageError::db("changing a target"))?;
        }
        None => {
            targets::Entity::insert(targets::ActiveModel {
                id: Set(Uuid::now_v7()),
                year: Set(target.year),
                metric: Set(target.metric.clone()),
                value: Set(target.value),
                set_by: Set(actor),
                created_at: Set(now.clone()),
                updated_at: Set(now),
            })
            .exec_without_returning(uow.txn())
            .await
            .map_err(StorageError::db_unique(
                "setting a target",
                "target",
                "metric",
                target.metric.clone(),
            ))?;
        }
    }
    uow.record(AuditFact {
        action: AuditAction::TargetSet,
        subject_type: "target".into(),
        subject_id: format!("{}/{}", target.year, target.metric),
        enterprise: None,
        before: previous.map(|v| json!({"value": v})),
        after: Some(json!({"value": target.value})),
        reason: None,
        effective_on: None,
    })
    .await?;
    Ok(previous)
}

/// A year's targets, by metric.
pub async fn targets_of(conn: &impl ConnectionTrait, year: i32) -> StorageResult<Vec<Target>> {
    Ok(targets::Entity::find()
        .filter(targets::Column::Year.eq(year))
        .order_by_asc(targets::Column::Metric)
        .all(conn)
        .await
        .map_err(StorageError::db("reading targets"))?
        .into_iter()
        .map(|t| Target {
            year: t.year,
            metric: t.metric,
            value: t.value,
        })
        .collect())
}
