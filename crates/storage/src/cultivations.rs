//! Cultivations and their transitions: recording stage moves exactly as the service planned them.

use peiyu_domain::AuditAction;
use peiyu_domain::{
    Cultivation, CultivationId, EnterpriseId, GuardOutcome, OfficerId, StageKey, Task, TrackId,
    TrackKey, Transition, TransitionId,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

use crate::audit::{AuditFact, UnitOfWork};
use crate::enterprises::Versioned;
use crate::entities::{cultivations, transitions};
use crate::error::{StorageError, StorageResult};
use crate::instant;
use crate::tasks;

fn corrupt(table: &'static str, column: &'static str, value: &str, detail: String) -> StorageError {
    StorageError::Corrupt {
        table,
        column,
        value: value.to_owned(),
        detail,
    }
}

fn stage(table: &'static str, column: &'static str, s: &str) -> StorageResult<StageKey> {
    StageKey::new(s).map_err(|e| corrupt(table, column, s, e.to_string()))
}

fn cultivation_from_model(m: cultivations::Model) -> StorageResult<Versioned<Cultivation>> {
    Ok(Versioned {
        value: Cultivation {
            id: CultivationId(m.id),
            enterprise: EnterpriseId(m.enterprise_id),
            track: TrackId(m.track_id),
            track_key: TrackKey::new(&m.track_key)
                .map_err(|e| corrupt("cultivations", "track_key", &m.track_key, e.to_string()))?,
            stage: stage("cultivations", "stage", &m.stage)?,
            stage_since: m.stage_since,
            opened_on: m.opened_on,
            target_stage: m
                .target_stage
                .as_deref()
                .map(|s| stage("cultivations", "target_stage", s))
                .transpose()?,
            target_date: m.target_date,
            expires_on: m.expires_on,
        },
        version: i64::from(m.version),
    })
}

/// How one guard's result looks in a transition's row and audit entry.
pub fn guard_json(g: &GuardOutcome) -> serde_json::Value {
    json!({"guard": g.guard, "passed": g.passed, "zh": g.message_zh, "en": g.message_en})
}

/// How a transition looks in the audit log.
pub fn transition_json(t: &Transition) -> serde_json::Value {
    json!({
        "id": t.id.to_string(),
        "cultivation": t.cultivation.to_string(),
        "track": t.track.to_string(),
        "seq": t.seq,
        "from": t.from.as_ref().map(|s| s.as_str()),
        "to": t.to.as_str(),
        "effective_on": t.effective_on.to_string(),
        "reason": t.reason,
        "evidence": t.evidence,
        "overridden": t.overridden,
        "guards": t.guard_results.iter().map(guard_json).collect::<Vec<_>>(),
    })
}

fn transition_from_model(m: transitions::Model) -> StorageResult<Transition> {
    let evidence: Vec<String> = serde_json::from_str(&m.evidence)
        .map_err(|e| corrupt("transitions", "evidence", &m.evidence, e.to_string()))?;
    let guards: Vec<serde_json::Value> = serde_json::from_str(&m.guard_results).map_err(|e| {
        corrupt(
            "transitions",
            "guard_results",
            &m.guard_results,
            e.to_string(),
        )
    })?;
    let text = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_owned();
    Ok(Transition {
        id: TransitionId(m.id),
        cultivation: CultivationId(m.cultivation_id),
        enterprise: EnterpriseId(m.enterprise_id),
        track: TrackId(m.track_id),
        seq: m.seq,
        from: m
            .from_stage
            .as_deref()
            .map(|s| stage("transitions", "from_stage", s))
            .transpose()?,
        to: stage("transitions", "to_stage", &m.to_stage)?,
        effective_on: m.effective_on,
        recorded_at: instant::from_text("transitions", "recorded_at", &m.recorded_at)?,
        actor: OfficerId(m.actor_id),
        on_behalf_of: m.on_behalf_of.map(OfficerId),
        reason: m.reason,
        evidence,
        overridden: m.overridden,
        guard_results: guards
            .iter()
            .map(|g| GuardOutcome {
                guard: text(g, "guard"),
                passed: g["passed"].as_bool().unwrap_or(false),
                message_zh: text(g, "zh"),
                message_en: text(g, "en"),
            })
            .collect(),
    })
}

/// The cultivation's own state that a stage move leaves, recorded under `case` in the move's
/// audit entry so that the row can be rebuilt from the log (`audit verify` compares it).
pub fn case_json(c: &Cultivation) -> serde_json::Value {
    json!({
        "stage_since": c.stage_since.to_string(),
        "opened_on": c.opened_on.to_string(),
        "target_stage": c.target_stage.as_ref().map(|s| s.as_str()),
        "target_date": c.target_date.map(|d| d.to_string()),
        "expires_on": c.expires_on.map(|d| d.to_string()),
    })
}

/// The after-state of a stage move's audit entry: the transition ([`transition_json`]) with the
/// cultivation's own state it leaves under `case` ([`case_json`]).
pub fn move_json(t: &Transition, case: &Cultivation) -> serde_json::Value {
    let mut after = transition_json(t);
    if let Some(object) = after.as_object_mut() {
        object.insert("case".into(), case_json(case));
    }
    after
}

async fn insert_transition(
    uow: &mut UnitOfWork,
    t: &Transition,
    case: &Cultivation,
    action: AuditAction,
    request_id: Option<String>,
) -> StorageResult<()> {
    transitions::Entity::insert(transitions::ActiveModel {
        id: Set(t.id.0),
        cultivation_id: Set(t.cultivation.0),
        enterprise_id: Set(t.enterprise.0),
        track_id: Set(t.track.0),
        seq: Set(t.seq),
        from_stage: Set(t.from.as_ref().map(|s| s.as_str().to_owned())),
        to_stage: Set(t.to.as_str().to_owned()),
        effective_on: Set(t.effective_on),
        recorded_at: Set(instant::to_text(t.recorded_at)),
        actor_id: Set(t.actor.0),
        on_behalf_of: Set(t.on_behalf_of.map(|o| o.0)),
        reason: Set(t.reason.clone()),
        evidence: Set(serde_json::Value::from(t.evidence.clone()).to_string()),
        overridden: Set(t.overridden),
        guard_results: Set(serde_json::Value::from(
            t.guard_results.iter().map(guard_json).collect::<Vec<_>>(),
        )
        .to_string()),
        request_id: Set(request_id),
    })
    .exec_without_returning(uow.txn())
    .await
    .map_err(|source| match source.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => StorageError::Conflict {
            entity: "cultivation",
            key: t.cultivation.to_string(),
            expected: i64::from(t.seq - 1),
        },
        _ => StorageError::classify("recording a transition", source),
    })?;
    uow.record(AuditFact {
        action,
        subject_type: "cultivation".into(),
        subject_id: t.cultivation.to_string(),
        enterprise: Some(t.enterprise),
        before: t.from.as_ref().map(|s| json!({ "stage": s.as_str() })),
        after: Some(move_json(t, case)),
        reason: t.reason.clone(),
        effective_on: Some(t.effective_on),
    })
    .await?;
    Ok(())
}

/// A planned stage move, ready to record: the cultivation after it, the transition, the tasks it
/// creates, and the open tasks it closes (with their versions and closed values).
#[derive(Clone, Debug)]
pub struct StageChange {
    /// The cultivation as it will be after the move.
    pub after: Cultivation,
    /// The version the cultivation must still be at.
    pub expected_version: i64,
    /// The transition to record.
    pub transition: Transition,
    /// The request that asked for it.
    pub request_id: Option<String>,
    /// Tasks to create.
    pub new_tasks: Vec<Task>,
    /// Tasks to close: before, after, version.
    pub closed_tasks: Vec<(Task, Task, i64)>,
}

/// Records a new cultivation with its opening transition (seq 1) and tasks, at version 1. A
/// second cultivation of the same enterprise on the same track is `Duplicate`.
pub async fn insert_cultivation(
    uow: &mut UnitOfWork,
    c: &Cultivation,
    opening: &Transition,
    new_tasks: &[Task],
    request_id: Option<String>,
) -> StorageResult<()> {
    let now = instant::to_text(uow.now());
    cultivations::Entity::insert(cultivations::ActiveModel {
        id: Set(c.id.0),
        enterprise_id: Set(c.enterprise.0),
        track_id: Set(c.track.0),
        track_key: Set(c.track_key.as_str().to_owned()),
        stage: Set(c.stage.as_str().to_owned()),
        stage_since: Set(c.stage_since),
        opened_on: Set(c.opened_on),
        target_stage: Set(c.target_stage.as_ref().map(|s| s.as_str().to_owned())),
        target_date: Set(c.target_date),
        expires_on: Set(c.expires_on),
        version: Set(1),
        created_at: Set(now.clone()),
        updated_at: Set(now),
    })
    .exec_without_returning(uow.txn())
    .await
    .map_err(StorageError::db_unique(
        "opening a cultivation",
        "cultivation",
        "track",
        c.track_key.as_str(),
    ))?;
    insert_transition(uow, opening, c, AuditAction::CaseOpen, request_id).await?;
    for t in new_tasks {
        tasks::insert_task(uow, t, AuditAction::TaskCreate).await?;
    }
    Ok(())
}

/// Records a stage move if the cultivation is still at `change.expected_version`: updates the
/// cultivation, appends the transition, creates and closes tasks, each with its audit entry.
/// Returns the new version. A stale version is `Conflict` and nothing is written.
pub async fn apply_stage_change(uow: &mut UnitOfWork, change: &StageChange) -> StorageResult<i64> {
    let c = &change.after;
    let expected = i32::try_from(change.expected_version).map_err(|_| StorageError::Conflict {
        entity: "cultivation",
        key: c.id.to_string(),
        expected: change.expected_version,
    })?;
    let result = cultivations::Entity::update_many()
        .col_expr(cultivations::Column::Stage, c.stage.as_str().into())
        .col_expr(cultivations::Column::StageSince, c.stage_since.into())
        .col_expr(cultivations::Column::TrackId, c.track.0.into())
        .col_expr(
            cultivations::Column::TargetStage,
            c.target_stage
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .into(),
        )
        .col_expr(cultivations::Column::TargetDate, c.target_date.into())
        .col_expr(cultivations::Column::ExpiresOn, c.expires_on.into())
        .col_expr(cultivations::Column::Version, (expected + 1).into())
        .col_expr(
            cultivations::Column::UpdatedAt,
            instant::to_text(uow.now()).into(),
        )
        .filter(cultivations::Column::Id.eq(c.id.0))
        .filter(cultivations::Column::Version.eq(expected))
        .exec(uow.txn())
        .await
        .map_err(StorageError::db("moving a cultivation"))?;
    if result.rows_affected != 1 {
        return Err(StorageError::Conflict {
            entity: "cultivation",
            key: c.id.to_string(),
            expected: change.expected_version,
        });
    }
    insert_transition(
        uow,
        &change.transition,
        c,
        AuditAction::CaseAdvance,
        change.request_id.clone(),
    )
    .await?;
    tasks::insert_tasks(uow, &change.new_tasks, AuditAction::TaskCreate).await?;
    for (before, after, version) in &change.closed_tasks {
        tasks::update_task(uow, before, after, *version, AuditAction::TaskClose, None).await?;
    }
    Ok(change.expected_version + 1)
}

/// Moves a cultivation onto another stored version of its track, if it is still at
/// `expected_version`; returns the new version. Its stage and history are unchanged.
pub async fn migrate_cultivation(
    uow: &mut UnitOfWork,
    c: &Cultivation,
    to_track: TrackId,
    expected_version: i64,
    reason: Option<String>,
) -> StorageResult<i64> {
    let expected = i32::try_from(expected_version).unwrap_or(i32::MAX);
    let result = cultivations::Entity::update_many()
        .col_expr(cultivations::Column::TrackId, to_track.0.into())
        .col_expr(cultivations::Column::Version, (expected + 1).into())
        .col_expr(
            cultivations::Column::UpdatedAt,
            instant::to_text(uow.now()).into(),
        )
        .filter(cultivations::Column::Id.eq(c.id.0))
        .filter(cultivations::Column::Version.eq(expected))
        .exec(uow.txn())
        .await
        .map_err(StorageError::db("migrating a cultivation"))?;
    if result.rows_affected != 1 {
        return Err(StorageError::Conflict {
            entity: "cultivation",
            key: c.id.to_string(),
            expected: expected_version,
        });
    }
    uow.record(AuditFact {
        action: AuditAction::CaseMigrate,
        subject_type: "cultivation".into(),
        subject_id: c.id.to_string(),
        enterprise: Some(c.enterprise),
        before: Some(json!({"track": c.track.to_string(), "stage": c.stage.as_str()})),
        after: Some(json!({"track": to_track.to_string(), "stage": c.stage.as_str()})),
        reason,
        effective_on: None,
    })
    .await?;
    Ok(expected_version + 1)
}

/// Locks a cultivation's row for the rest of the unit (a no-op on SQLite, whose writers are
/// serialised anyway), so concurrent writers about it queue.
pub async fn lock_cultivation(uow: &mut UnitOfWork, id: CultivationId) -> StorageResult<()> {
    use sea_orm::QuerySelect;
    cultivations::Entity::find_by_id(id.0)
        .lock_exclusive()
        .one(uow.txn())
        .await
        .map_err(StorageError::db("locking a cultivation"))?
        .ok_or_else(|| StorageError::NotFound {
            entity: "cultivation",
            key: id.to_string(),
        })?;
    Ok(())
}

/// The cultivation of an enterprise on a track, if one was opened.
pub async fn find_cultivation(
    conn: &impl ConnectionTrait,
    enterprise: EnterpriseId,
    track_key: &str,
) -> StorageResult<Option<Versioned<Cultivation>>> {
    cultivations::Entity::find()
        .filter(cultivations::Column::EnterpriseId.eq(enterprise.0))
        .filter(cultivations::Column::TrackKey.eq(track_key))
        .one(conn)
        .await
        .map_err(StorageError::db("reading a cultivation"))?
        .map(cultivation_from_model)
        .transpose()
}

/// Every cultivation of an enterprise, by track key.
pub async fn cultivations_of(
    conn: &impl ConnectionTrait,
    enterprise: EnterpriseId,
) -> StorageResult<Vec<Versioned<Cultivation>>> {
    cultivations::Entity::find()
        .filter(cultivations::Column::EnterpriseId.eq(enterprise.0))
        .order_by_asc(cultivations::Column::TrackKey)
        .all(conn)
        .await
        .map_err(StorageError::db("reading cultivations"))?
        .into_iter()
        .map(cultivation_from_model)
        .collect()
}

/// Every cultivation, optionally on one track and at one stage.
pub async fn list_cultivations(
    conn: &impl ConnectionTrait,
    track_key: Option<&str>,
    stage: Option<&str>,
) -> StorageResult<Vec<Versioned<Cultivation>>> {
    let mut q = cultivations::Entity::find();
    if let Some(k) = track_key {
        q = q.filter(cultivations::Column::TrackKey.eq(k));
    }
    if let Some(s) = stage {
        q = q.filter(cultivations::Column::Stage.eq(s));
    }
    q.order_by_asc(cultivations::Column::TrackKey)
        .order_by_asc(cultivations::Column::Id)
        .all(conn)
        .await
        .map_err(StorageError::db("listing cultivations"))?
        .into_iter()
        .map(cultivation_from_model)
        .collect()
}

/// A cultivation's transitions, oldest first.
pub async fn transitions_of(
    conn: &impl ConnectionTrait,
    cultivation: CultivationId,
) -> StorageResult<Vec<Transition>> {
    transitions::Entity::find()
        .filter(transitions::Column::CultivationId.eq(cultivation.0))
        .order_by_asc(transitions::Column::Seq)
        .all(conn)
        .await
        .map_err(StorageError::db("reading transitions"))?
        .into_iter()
        .map(transition_from_model)
        .collect()
}

/// Every transition that took effect on or before `until` (all when `None`), by cultivation and
/// sequence.
pub async fn all_transitions(
    conn: &impl ConnectionTrait,
    until: Option<chrono::NaiveDate>,
) -> StorageResult<Vec<Transition>> {
    let mut q = transitions::Entity::find();
    if let Some(d) = until {
        q = q.filter(transitions::Column::EffectiveOn.lte(d));
    }
    q.order_by_asc(transitions::Column::CultivationId)
        .order_by_asc(transitions::Column::Seq)
        .all(conn)
        .await
        .map_err(StorageError::db("reading transitions"))?
        .into_iter()
        .map(transition_from_model)
        .collect()
}

/// The transitions of these cultivations that took effect on or before `until` (all when
/// `None`), each cultivation's by sequence (in chunks of [`crate::IN_CHUNK`]).
pub async fn transitions_of_cultivations(
    conn: &impl ConnectionTrait,
    ids: &[CultivationId],
    until: Option<chrono::NaiveDate>,
) -> StorageResult<Vec<Transition>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(crate::IN_CHUNK) {
        let mut q = transitions::Entity::find()
            .filter(transitions::Column::CultivationId.is_in(chunk.iter().map(|c| c.0)));
        if let Some(d) = until {
            q = q.filter(transitions::Column::EffectiveOn.lte(d));
        }
        let rows = q
            .order_by_asc(transitions::Column::CultivationId)
            .order_by_asc(transitions::Column::Seq)
            .all(conn)
            .await
            .map_err(StorageError::db("reading transitions"))?;
        for row in rows {
            out.push(transition_from_model(row)?);
        }
    }
    Ok(out)
}

/// Every cultivation of these enterprises, by enterprise then track key (in chunks of
/// [`crate::IN_CHUNK`]).
pub async fn cultivations_of_enterprises(
    conn: &impl ConnectionTrait,
    ids: &[EnterpriseId],
) -> StorageResult<Vec<Versioned<Cultivation>>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(crate::IN_CHUNK) {
        let rows = cultivations::Entity::find()
            .filter(cultivations::Column::EnterpriseId.is_in(chunk.iter().map(|e| e.0)))
            .order_by_asc(cultivations::Column::EnterpriseId)
            .order_by_asc(cultivations::Column::TrackKey)
            .all(conn)
            .await
            .map_err(StorageError::db("reading cultivations"))?;
        for row in rows {
            out.push(cultivation_from_model(row)?);
        }
    }
    Ok(out)
}

/// The transition recorded for a request id, if any (to answer a repeated request).
pub async fn transition_by_request(
    conn: &impl ConnectionTrait,
    request_id: &str,
) -> StorageResult<Option<Transition>> {
    transitions::Entity::find()
        .filter(transitions::Column::RequestId.eq(request_id))
        .one(conn)
        .await
        .map_err(StorageError::db("reading a transition"))?
        .map(transition_from_model)
        .transpose()
}
