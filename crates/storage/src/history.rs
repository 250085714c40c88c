//! History "as of" a past moment, rebuilt from what was recorded: tasks from the after-states in
//! the audit log (by when they were recorded), batches from the moves of a year's list and stages
//! from the transitions (by when they took effect).
//!
//! These queries only read back what was written; which moment to ask about, and what to make of
//! the answer, is the service's business.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use peiyu_domain::{
    AuditAction, Batch, CultivationId, EnterpriseId, OfficerId, StageKey, Task, TaskId, TaskKind,
    TaskStatus,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;

use crate::batches;
use crate::cultivations;
use crate::entities::audit_entries;
use crate::error::{StorageError, StorageResult};
use crate::instant;

/// Audit actions on tasks whose after-state is not the task itself (an escalation records
/// whom the task went to, and leaves the task as it was).
const NOT_A_TASK_STATE: [AuditAction; 1] = [AuditAction::TaskEscalate];

fn corrupt(subject: &str, detail: impl Into<String>) -> StorageError {
    StorageError::Corrupt {
        table: "audit_entries",
        column: "after_state",
        value: subject.to_owned(),
        detail: detail.into(),
    }
}

/// Reads a task back from the JSON [`crate::tasks::task_json`] writes: the inverse of it. Any
/// missing or malformed field is `Corrupt`.
pub fn task_from_json(value: &Value) -> StorageResult<Task> {
    let subject = value
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_owned();
    let bad = |field: &str, why: &str| corrupt(&subject, format!("task field \"{field}\" {why}"));
    let field = |name: &str| value.get(name).ok_or_else(|| bad(name, "is missing"));
    let text = |name: &str| -> StorageResult<String> {
        field(name)?
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| bad(name, "is not a string"))
    };
    let opt_text = |name: &str| -> StorageResult<Option<String>> {
        match field(name)? {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            _ => Err(bad(name, "is neither a string nor null")),
        }
    };
    let date = |name: &str| -> StorageResult<NaiveDate> {
        text(name)?
            .parse()
            .map_err(|_| bad(name, "is not a date (YYYY-MM-DD)"))
    };
    let opt_date = |name: &str| -> StorageResult<Option<NaiveDate>> {
        opt_text(name)?
            .map(|s| {
                s.parse()
                    .map_err(|_| bad(name, "is not a date (YYYY-MM-DD)"))
            })
            .transpose()
    };
    let id = |name: &str| -> StorageResult<uuid::Uuid> {
        uuid::Uuid::parse_str(&text(name)?).map_err(|_| bad(name, "is not a UUID"))
    };
    let opt_id = |name: &str| -> StorageResult<Option<uuid::Uuid>> {
        opt_text(name)?
            .map(|s| uuid::Uuid::parse_str(&s).map_err(|_| bad(name, "is not a UUID")))
            .transpose()
    };
    Ok(Task {
        id: TaskId(id("id")?),
        enterprise: opt_id("enterprise")?.map(EnterpriseId),
        cultivation: opt_id("cultivation")?.map(CultivationId),
        kind: TaskKind::parse(&text("kind")?).map_err(|e| bad("kind", &e.to_string()))?,
        title: text("title")?,
        description: opt_text("description")?,
        assignee: OfficerId(id("assignee")?),
        delegate: opt_id("delegate")?.map(OfficerId),
        created_by: OfficerId(id("created_by")?),
        status: TaskStatus::parse(&text("status")?).map_err(|e| bad("status", &e.to_string()))?,
        created_on: date("created_on")?,
        due_on: date("due_on")?,
        due_count: crate::tasks::due_count_of(
            value
                .get("due_count_from")
                .and_then(Value::as_str)
                .and_then(|s| s.parse().ok()),
            value
                .get("due_count_days")
                .and_then(Value::as_i64)
                .and_then(|d| i32::try_from(d).ok()),
        ),
        follow_up_on: opt_date("follow_up_on")?,
        origin: text("origin")?,
        completed_on: opt_date("completed_on")?,
        completion_note: opt_text("completion_note")?,
        evidence: opt_text("evidence")?,
        cancel_reason: opt_text("cancel_reason")?,
    })
}

/// Audit actions on tasks that may change whom a task is with (its assignee or delegate). Only
/// these move a task into or out of an officer's list, so a past list finds the tasks that left
/// its scope since by them ([`tasks_reassigned_after`]). A writer that changes a task's assignee
/// or delegate records one of these.
pub const REASSIGNING: [AuditAction; 5] = [
    AuditAction::TaskAssign,
    AuditAction::TaskTransfer,
    AuditAction::TaskDelegate,
    AuditAction::TaskUndelegate,
    AuditAction::TaskImport,
];

/// One task entry of the audit log as the task history reads it: subject, recording instant
/// (as stored), effective date and after-state.
type TaskRow = (String, String, Option<NaiveDate>, Option<String>);

/// The task entries (escalations left out) matching `extra`, in recorded order (recording
/// instant, chain, sequence), only the four columns the history needs.
async fn task_rows(
    conn: &impl ConnectionTrait,
    extra: sea_orm::Condition,
) -> StorageResult<Vec<TaskRow>> {
    audit_entries::Entity::find()
        .select_only()
        .column(audit_entries::Column::SubjectId)
        .column(audit_entries::Column::RecordedAt)
        .column(audit_entries::Column::EffectiveOn)
        .column(audit_entries::Column::AfterState)
        .filter(audit_entries::Column::SubjectType.eq("task"))
        .filter(audit_entries::Column::Action.is_not_in(NOT_A_TASK_STATE.map(AuditAction::key)))
        .filter(extra)
        .order_by_asc(audit_entries::Column::RecordedAt)
        .order_by_asc(audit_entries::Column::ChainKey)
        .order_by_asc(audit_entries::Column::Seq)
        .into_tuple()
        .all(conn)
        .await
        .map_err(StorageError::db("reading the history of tasks"))
}

/// The task entries of these tasks matching `extra`, in chunks of [`crate::IN_CHUNK`] by the
/// `(subject_type, subject_id, recorded_at)` index; each task's entries in recorded order.
async fn task_rows_among(
    conn: &impl ConnectionTrait,
    ids: &[TaskId],
    extra: impl Fn() -> sea_orm::Condition,
) -> StorageResult<Vec<TaskRow>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(crate::IN_CHUNK) {
        let subjects: Vec<String> = chunk.iter().map(ToString::to_string).collect();
        let cond = sea_orm::Condition::all()
            .add(audit_entries::Column::SubjectId.is_in(subjects))
            .add(extra());
        out.extend(task_rows(conn, cond).await?);
    }
    Ok(out)
}

/// The tasks of the last after-states, by due date then id.
fn tasks_of_states(last: BTreeMap<String, Option<String>>) -> StorageResult<Vec<Task>> {
    let mut out = Vec::with_capacity(last.len());
    for (subject, after) in last {
        let Some(after) = after else {
            continue;
        };
        let value: Value =
            serde_json::from_str(&after).map_err(|e| corrupt(&subject, e.to_string()))?;
        out.push(task_from_json(&value)?);
    }
    out.sort_by_key(|t| (t.due_on, t.id));
    Ok(out)
}

/// Each task's last after-state among rows already cut at the moment asked about.
fn last_recorded(rows: Vec<TaskRow>) -> StorageResult<Vec<Task>> {
    let mut last: BTreeMap<String, Option<String>> = BTreeMap::new();
    for (subject, _, _, after) in rows {
        last.insert(subject, after);
    }
    tasks_of_states(last)
}

/// Each task's last after-state in effect on `on` (see [`task_states_in_effect`]).
fn last_in_effect(
    rows: Vec<TaskRow>,
    on: NaiveDate,
    day_of: impl Fn(DateTime<Utc>) -> NaiveDate,
) -> StorageResult<Vec<Task>> {
    // A task's entries take effect in the order they were recorded: one naming a day before
    // an earlier entry's takes effect with that earlier entry (a reopened task completed "as of
    // last week" is done from the reopening on, not reopened after being done).
    let mut since: BTreeMap<String, NaiveDate> = BTreeMap::new();
    let mut last: BTreeMap<String, Option<String>> = BTreeMap::new();
    for (subject, recorded_at, effective_on, after) in rows {
        let recorded = instant::from_text("audit_entries", "recorded_at", &recorded_at)?;
        let named = effective_on.unwrap_or_else(|| day_of(recorded));
        let day = since
            .get(&subject)
            .map_or(named, |earlier| named.max(*earlier));
        since.insert(subject.clone(), day);
        if day <= on {
            last.insert(subject, after);
        }
    }
    tasks_of_states(last)
}

/// Every task as it stood at the instant `until`: for each task, the after-state of its last
/// audit entry recorded at or before `until` (escalation entries, which do not change the task,
/// left out). Tasks first recorded later are absent. By due date, then id. Reads every task
/// entry recorded by then: the whole bureau's history ([`task_states_as_of_among`] reads a
/// few tasks').
pub async fn task_states_as_of(
    conn: &impl ConnectionTrait,
    until: DateTime<Utc>,
) -> StorageResult<Vec<Task>> {
    let cond = sea_orm::Condition::all()
        .add(audit_entries::Column::RecordedAt.lte(instant::to_text(until)));
    last_recorded(task_rows(conn, cond).await?)
}

/// [`task_states_as_of`] for these tasks only: their entries by the subject index, in chunks.
pub async fn task_states_as_of_among(
    conn: &impl ConnectionTrait,
    until: DateTime<Utc>,
    ids: &[TaskId],
) -> StorageResult<Vec<Task>> {
    let until = instant::to_text(until);
    let rows = task_rows_among(conn, ids, || {
        sea_orm::Condition::all().add(audit_entries::Column::RecordedAt.lte(until.clone()))
    })
    .await?;
    last_recorded(rows)
}

/// Every task as it really stood on `on`, by effective dates: for each task, the after-state
/// of its last audit entry that took effect on or before `on` — a catch-up entry recorded later
/// counts on the day it names. An entry without an effective date (a transfer, a delegation)
/// takes effect on the day it was recorded, `day_of` its recording instant (the county's day);
/// an entry naming a day before an earlier-recorded entry of the same task takes effect with
/// that one. By due date, then id. Reads every task entry of the log
/// ([`task_states_in_effect_among`] reads a few tasks').
pub async fn task_states_in_effect(
    conn: &impl ConnectionTrait,
    on: NaiveDate,
    day_of: impl Fn(DateTime<Utc>) -> NaiveDate,
) -> StorageResult<Vec<Task>> {
    let rows = task_rows(conn, sea_orm::Condition::all()).await?;
    last_in_effect(rows, on, day_of)
}

/// [`task_states_in_effect`] for these tasks only: all their entries by the subject index.
pub async fn task_states_in_effect_among(
    conn: &impl ConnectionTrait,
    on: NaiveDate,
    day_of: impl Fn(DateTime<Utc>) -> NaiveDate,
    ids: &[TaskId],
) -> StorageResult<Vec<Task>> {
    let rows = task_rows_among(conn, ids, sea_orm::Condition::all).await?;
    last_in_effect(rows, on, day_of)
}

/// The tasks with a [`REASSIGNING`] entry recorded after `after` (by the `(action,
/// recorded_at)` index): every task that may have been with other officers at `after` than it
/// is now.
pub async fn tasks_reassigned_after(
    conn: &impl ConnectionTrait,
    after: DateTime<Utc>,
) -> StorageResult<BTreeSet<TaskId>> {
    let subjects: Vec<String> = audit_entries::Entity::find()
        .select_only()
        .column(audit_entries::Column::SubjectId)
        .filter(audit_entries::Column::Action.is_in(REASSIGNING.map(AuditAction::key)))
        .filter(audit_entries::Column::RecordedAt.gt(instant::to_text(after)))
        // Only task actions: their subject is the task. (No `subject_type` condition, which
        // would tempt a planner into the subject index and every task entry.)
        .into_tuple()
        .all(conn)
        .await
        .map_err(StorageError::db("reading the reassigned tasks"))?;
    let mut out = BTreeSet::new();
    for subject in subjects {
        let id = uuid::Uuid::parse_str(&subject).map_err(|_| StorageError::Corrupt {
            table: "audit_entries",
            column: "subject_id",
            value: subject.clone(),
            detail: "a task entry's subject is not a UUID".into(),
        })?;
        out.insert(TaskId(id));
    }
    Ok(out)
}

/// Each enterprise's batch on the list of `year` as of `on`, from the list's moves that took
/// effect on or before `on` (the last one wins; a removal leaves the enterprise out) and, when
/// `recorded_by` is given, were recorded by then (what a meeting of that day could see). Only
/// the moves of the enterprises `among`, when given (by the enterprise index, in chunks); every
/// move of the list otherwise. Empty when the year has no list.
pub async fn batches_as_of(
    conn: &impl ConnectionTrait,
    year: i32,
    on: NaiveDate,
    recorded_by: Option<DateTime<Utc>>,
    among: Option<&[EnterpriseId]>,
) -> StorageResult<BTreeMap<EnterpriseId, Batch>> {
    let Some(list) = batches::find_list(conn, year).await? else {
        return Ok(BTreeMap::new());
    };
    let moves = match among {
        Some(ids) => batches::moves_of_enterprises(conn, list.value.id, ids).await?,
        None => batches::moves(conn, Some(list.value.id), None).await?,
    };
    let mut moves: Vec<_> = moves
        .into_iter()
        .filter(|m| m.effective_on <= on)
        .filter(|m| recorded_by.is_none_or(|by| m.recorded_at <= by))
        .collect();
    // Recorded order already; a stable sort by effective date keeps it among equal dates.
    moves.sort_by_key(|m| m.effective_on);
    let mut out = BTreeMap::new();
    for m in moves {
        match m.to {
            Some(b) => out.insert(m.enterprise, b),
            None => out.remove(&m.enterprise),
        };
    }
    Ok(out)
}

/// A cultivation's stage as of a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageAsOf {
    /// The stage it was at.
    pub stage: StageKey,
    /// The effective date of the move that brought it there (its last move by then).
    pub since: NaiveDate,
}

/// Each cultivation's stage as of `on`, from its transitions that took effect on or before `on`
/// and, when `recorded_by` is given, were recorded by then (the last by sequence wins). Only
/// the cultivations `among`, when given (by the cultivation index, in chunks); every
/// cultivation otherwise. Cultivations opened later are absent.
pub async fn stages_as_of(
    conn: &impl ConnectionTrait,
    on: NaiveDate,
    recorded_by: Option<DateTime<Utc>>,
    among: Option<&[CultivationId]>,
) -> StorageResult<BTreeMap<CultivationId, StageAsOf>> {
    let transitions = match among {
        Some(ids) => cultivations::transitions_of_cultivations(conn, ids, Some(on)).await?,
        None => cultivations::all_transitions(conn, Some(on)).await?,
    };
    let mut out = BTreeMap::new();
    for t in transitions {
        if recorded_by.is_some_and(|by| t.recorded_at > by) {
            continue;
        }
        out.insert(
            t.cultivation,
            StageAsOf {
                stage: t.to,
                since: t.effective_on,
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::task_json;

    fn sample() -> Task {
        Task {
            id: TaskId::new(),
            enterprise: Some(EnterpriseId::new()),
            cultivation: None,
            kind: TaskKind::parse("factor_guarantee:land").unwrap(),
            title: "协调用地 \"点供\"".into(),
            description: Some("说明".into()),
            assignee: OfficerId::new(),
            delegate: Some(OfficerId::new()),
            created_by: OfficerId::new(),
            status: TaskStatus::Done,
            created_on: "2023-09-28".parse().unwrap(),
            due_on: "2023-10-11".parse().unwrap(),
            due_count: None,
            follow_up_on: Some("2023-10-09".parse().unwrap()),
            origin: "template:industrial/cultivating".into(),
            completed_on: Some("2023-10-10".parse().unwrap()),
            completion_note: Some("已完成".into()),
            evidence: None,
            cancel_reason: None,
        }
    }

    #[test]
    fn task_json_reads_back() {
        let t = sample();
        assert_eq!(task_from_json(&task_json(&t)).unwrap(), t);
        let bare = Task {
            enterprise: None,
            delegate: None,
            description: None,
            follow_up_on: None,
            completed_on: None,
            completion_note: None,
            status: TaskStatus::Open,
            ..sample()
        };
        // Through the canonical text, as stored.
        let text = crate::audit::canonical_json(&task_json(&bare));
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(task_from_json(&value).unwrap(), bare);
    }

    #[test]
    fn malformed_task_json_is_corrupt() {
        let mut v = task_json(&sample());
        v["due_on"] = Value::from("11 October");
        let err = task_from_json(&v).unwrap_err();
        assert!(matches!(err, StorageError::Corrupt { .. }));
        assert!(err.to_string().contains("due_on"), "{err}");
        let mut v = task_json(&sample());
        v.as_object_mut().unwrap().remove("status");
        assert!(
            task_from_json(&v)
                .unwrap_err()
                .to_string()
                .contains("status")
        );
        let escalation = serde_json::json!({"escalated_to": "x", "working_days_overdue": 3});
        assert!(task_from_json(&escalation).is_err());
    }
}
