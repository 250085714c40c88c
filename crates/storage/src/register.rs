//! The statistical register (`register_periods`): recording an enterprise's entry into the
//! register of above-scale industry or above-limit trade, and its exit, exactly as the service
//! decided them, each with its audit entry on the enterprise's chain.

use peiyu_domain::{
    AuditAction, EnterpriseId, RegisterKind, RegisterPeriod, RegisterRoute, RegisterSource,
    YearMonth,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{AuditFact, UnitOfWork};
use crate::enterprises::Versioned;
use crate::entities::register_periods;
use crate::error::{StorageError, StorageResult};
use crate::instant;

/// A stored register period: its id and the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPeriod {
    /// The row's id.
    pub id: Uuid,
    /// The period.
    pub period: RegisterPeriod,
}

/// The period as its audit entries record it: every column of its row but the version and the
/// instants (the entry itself carries when it was recorded).
pub fn period_json(id: Uuid, p: &RegisterPeriod) -> serde_json::Value {
    json!({
        "id": id.to_string(),
        "kind": p.kind.key(),
        "entered": p.entered.to_string(),
        "route": p.route.key(),
        "exited": p.exited.map(|m| m.to_string()),
        "exit_reason": p.exit_reason,
        "source": p.source.key(),
    })
}

fn corrupt(column: &'static str, value: &str, detail: String) -> StorageError {
    StorageError::Corrupt {
        table: "register_periods",
        column,
        value: value.to_owned(),
        detail,
    }
}

fn month(column: &'static str, s: &str) -> StorageResult<YearMonth> {
    YearMonth::parse(s).map_err(|e| corrupt(column, s, e.to_string()))
}

fn from_model(m: register_periods::Model) -> StorageResult<Versioned<StoredPeriod>> {
    Ok(Versioned {
        value: StoredPeriod {
            id: m.id,
            period: RegisterPeriod {
                enterprise: EnterpriseId(m.enterprise_id),
                kind: RegisterKind::parse(&m.kind)
                    .map_err(|e| corrupt("kind", &m.kind, e.to_string()))?,
                entered: month("entered_month", &m.entered_month)?,
                route: RegisterRoute::parse(&m.route)
                    .map_err(|e| corrupt("route", &m.route, e.to_string()))?,
                exited: m
                    .exited_month
                    .as_deref()
                    .map(|s| month("exited_month", s))
                    .transpose()?,
                exit_reason: m.exit_reason,
                source: RegisterSource::parse(&m.source)
                    .map_err(|e| corrupt("source", &m.source, e.to_string()))?,
            },
        },
        version: i64::from(m.version),
    })
}

/// Records a new period (an entry into the register), with its audit entry `register.enter` on
/// the enterprise's chain, effective on `effective_on` (the first day of the month entered, or
/// the stage move's day); returns the row's id. A second period of the same enterprise and
/// kind beginning in the same month is refused by the schema (`Duplicate`).
pub async fn insert_period(
    uow: &mut UnitOfWork,
    p: &RegisterPeriod,
    effective_on: chrono::NaiveDate,
    reason: Option<String>,
) -> StorageResult<Uuid> {
    let id = Uuid::now_v7();
    let now = instant::to_text(uow.now());
    register_periods::Entity::insert(register_periods::ActiveModel {
        id: Set(id),
        enterprise_id: Set(p.enterprise.0),
        kind: Set(p.kind.key().to_owned()),
        entered_month: Set(p.entered.to_string()),
        route: Set(p.route.key().to_owned()),
        exited_month: Set(p.exited.map(|m| m.to_string())),
        exit_reason: Set(p.exit_reason.clone()),
        source: Set(p.source.key().to_owned()),
        version: Set(1),
        created_at: Set(now.clone()),
        updated_at: Set(now),
    })
    .exec_without_returning(uow.txn())
    .await
    .map_err(StorageError::db("entering the statistical register"))?;
    uow.record(AuditFact {
        action: AuditAction::RegisterEnter,
        subject_type: "register_period".into(),
        subject_id: id.to_string(),
        enterprise: Some(p.enterprise),
        before: None,
        after: Some(period_json(id, p)),
        reason,
        effective_on: Some(effective_on),
    })
    .await?;
    Ok(id)
}

/// Closes an open period: records its exit month and reason `WHERE version = expected` (zero
/// rows ⇒ `Conflict`), with its audit entry `register.exit`; returns the new version.
pub async fn exit_period(
    uow: &mut UnitOfWork,
    before: &Versioned<StoredPeriod>,
    after: &RegisterPeriod,
    effective_on: chrono::NaiveDate,
) -> StorageResult<i64> {
    let expected = i32::try_from(before.version).unwrap_or(i32::MAX);
    let id = before.value.id;
    let result = register_periods::Entity::update_many()
        .col_expr(
            register_periods::Column::ExitedMonth,
            after.exited.map(|m| m.to_string()).into(),
        )
        .col_expr(
            register_periods::Column::ExitReason,
            after.exit_reason.clone().into(),
        )
        .col_expr(register_periods::Column::Version, (expected + 1).into())
        .col_expr(
            register_periods::Column::UpdatedAt,
            instant::to_text(uow.now()).into(),
        )
        .filter(register_periods::Column::Id.eq(id))
        .filter(register_periods::Column::Version.eq(expected))
        .exec(uow.txn())
        .await
        .map_err(StorageError::db("recording an exit from the register"))?;
    if result.rows_affected != 1 {
        return Err(StorageError::Conflict {
            entity: "register_period",
            key: id.to_string(),
            expected: before.version,
        });
    }
    uow.record(AuditFact {
        action: AuditAction::RegisterExit,
        subject_type: "register_period".into(),
        subject_id: id.to_string(),
        enterprise: Some(after.enterprise),
        before: Some(period_json(id, &before.value.period)),
        after: Some(period_json(id, after)),
        reason: after.exit_reason.clone(),
        effective_on: Some(effective_on),
    })
    .await?;
    Ok(before.version + 1)
}

/// One enterprise's periods, oldest first (by kind, then the month entered).
pub async fn periods_of(
    conn: &impl ConnectionTrait,
    enterprise: EnterpriseId,
) -> StorageResult<Vec<Versioned<StoredPeriod>>> {
    register_periods::Entity::find()
        .filter(register_periods::Column::EnterpriseId.eq(enterprise.0))
        .order_by_asc(register_periods::Column::Kind)
        .order_by_asc(register_periods::Column::EnteredMonth)
        .all(conn)
        .await
        .map_err(StorageError::db("reading an enterprise's register periods"))?
        .into_iter()
        .map(from_model)
        .collect()
}

/// Every period, of one kind or both, ordered by enterprise, kind and month entered.
pub async fn all_periods(
    conn: &impl ConnectionTrait,
    kind: Option<RegisterKind>,
) -> StorageResult<Vec<RegisterPeriod>> {
    let mut q = register_periods::Entity::find();
    if let Some(k) = kind {
        q = q.filter(register_periods::Column::Kind.eq(k.key()));
    }
    q.order_by_asc(register_periods::Column::EnterpriseId)
        .order_by_asc(register_periods::Column::Kind)
        .order_by_asc(register_periods::Column::EnteredMonth)
        .all(conn)
        .await
        .map_err(StorageError::db("reading the statistical register"))?
        .into_iter()
        .map(|m| from_model(m).map(|v| v.value.period))
        .collect()
}

/// Reads a period from its audit payload (the log's `register_period` entries), for the reports
/// rebuilt from the log.
pub fn period_from_json(
    enterprise: EnterpriseId,
    fields: &serde_json::Map<String, serde_json::Value>,
) -> StorageResult<RegisterPeriod> {
    let text = |k: &str| fields.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let need = |k: &'static str| text(k).ok_or_else(|| corrupt(k, "", "missing in the log".into()));
    let kind = need("kind")?;
    let route = need("route")?;
    let source = need("source")?;
    Ok(RegisterPeriod {
        enterprise,
        kind: RegisterKind::parse(&kind).map_err(|e| corrupt("kind", &kind, e.to_string()))?,
        entered: month("entered_month", &need("entered")?)?,
        route: RegisterRoute::parse(&route).map_err(|e| corrupt("route", &route, e.to_string()))?,
        exited: text("exited")
            .map(|s| month("exited_month", &s))
            .transpose()?,
        exit_reason: text("exit_reason"),
        source: RegisterSource::parse(&source)
            .map_err(|e| corrupt("source", &source, e.to_string()))?,
    })
}
