//! Tasks: recording and reading officers' work.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use peiyu_domain::AuditAction;
use peiyu_domain::{
    CultivationId, DueCount, EnterpriseId, OfficerId, Task, TaskId, TaskKind, TaskStatus,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::audit::{AuditFact, UnitOfWork};
use crate::enterprises::Versioned;
use crate::entities::tasks;
use crate::error::{StorageError, StorageResult};
use crate::instant;
use crate::page::{Page, PageStart};

/// A due count as its two columns: the date counted from (or rolled from) and the working days
/// (`None` for a rolled date).
pub fn due_count_columns(count: Option<DueCount>) -> (Option<NaiveDate>, Option<i32>) {
    match count {
        None => (None, None),
        Some(DueCount::WorkingDays { from, days }) => {
            (Some(from), Some(i32::try_from(days).unwrap_or(i32::MAX)))
        }
        Some(DueCount::RolledFrom(date)) => (Some(date), None),
    }
}

/// The due count of its two columns (see [`due_count_columns`]); a negative count is corrupt.
pub fn due_count_of(from: Option<NaiveDate>, days: Option<i32>) -> Option<DueCount> {
    match (from, days) {
        (Some(from), Some(days)) => u32::try_from(days)
            .ok()
            .map(|days| DueCount::WorkingDays { from, days }),
        (Some(date), None) => Some(DueCount::RolledFrom(date)),
        (None, _) => None,
    }
}

/// How a task looks in the audit log. The due count's keys appear only when the due date was
/// counted, so entries written before they existed read the same.
pub fn task_json(t: &Task) -> serde_json::Value {
    let mut value = task_json_base(t);
    let (from, days) = due_count_columns(t.due_count);
    if let (Some(object), Some(from)) = (value.as_object_mut(), from) {
        object.insert("due_count_from".into(), json!(from.to_string()));
        if let Some(days) = days {
            object.insert("due_count_days".into(), json!(days));
        }
    }
    value
}

fn task_json_base(t: &Task) -> serde_json::Value {
    json!({
        "id": t.id.to_string(),
        "enterprise": t.enterprise.map(|e| e.to_string()),
        "cultivation": t.cultivation.map(|c| c.to_string()),
        "kind": t.kind.key(),
        "title": t.title,
        "description": t.description,
        "assignee": t.assignee.to_string(),
        "delegate": t.delegate.map(|o| o.to_string()),
        "created_by": t.created_by.to_string(),
        "status": t.status.key(),
        "created_on": t.created_on.to_string(),
        "due_on": t.due_on.to_string(),
        "follow_up_on": t.follow_up_on.map(|d| d.to_string()),
        "origin": t.origin,
        "completed_on": t.completed_on.map(|d| d.to_string()),
        "completion_note": t.completion_note,
        "evidence": t.evidence,
        "cancel_reason": t.cancel_reason,
    })
}

fn from_model(m: tasks::Model) -> StorageResult<Versioned<Task>> {
    let corrupt = |column: &'static str, value: &str, detail: String| StorageError::Corrupt {
        table: "tasks",
        column,
        value: value.to_owned(),
        detail,
    };
    Ok(Versioned {
        value: Task {
            id: TaskId(m.id),
            enterprise: m.enterprise_id.map(EnterpriseId),
            cultivation: m.cultivation_id.map(CultivationId),
            kind: TaskKind::parse(&m.kind).map_err(|e| corrupt("kind", &m.kind, e.to_string()))?,
            status: TaskStatus::parse(&m.status)
                .map_err(|e| corrupt("status", &m.status, e.to_string()))?,
            title: m.title,
            description: m.description,
            assignee: OfficerId(m.assignee_id),
            delegate: m.delegate_id.map(OfficerId),
            created_by: OfficerId(m.created_by),
            created_on: m.created_on,
            due_on: m.due_on,
            due_count: due_count_of(m.due_count_from, m.due_count_days),
            follow_up_on: m.follow_up_on,
            origin: m.origin,
            completed_on: m.completed_on,
            completion_note: m.completion_note,
            evidence: m.evidence,
            cancel_reason: m.cancel_reason,
        },
        version: i64::from(m.version),
    })
}

/// Records a new task at version 1, with its audit entry (`action`, e.g. `task.create`).
pub async fn insert_task(uow: &mut UnitOfWork, t: &Task, action: AuditAction) -> StorageResult<()> {
    insert_tasks(uow, std::slice::from_ref(t), action).await
}

/// Records new tasks in one statement, each with its audit entry `action` (in the order
/// given): the same rows and entries as [`insert_task`] for each.
pub async fn insert_tasks(
    uow: &mut UnitOfWork,
    new: &[Task],
    action: AuditAction,
) -> StorageResult<()> {
    if new.is_empty() {
        return Ok(());
    }
    let now = instant::to_text(uow.now());
    for chunk in new.chunks(crate::bulk::rows_per_statement(25)) {
        tasks::Entity::insert_many(chunk.iter().map(|t| new_task_model(t, &now)))
            .exec_without_returning(uow.txn())
            .await
            .map_err(StorageError::db("recording a task"))?;
    }
    uow.record_many(
        new.iter()
            .map(|t| AuditFact {
                action,
                subject_type: "task".into(),
                subject_id: t.id.to_string(),
                enterprise: t.enterprise,
                before: None,
                after: Some(task_json(t)),
                reason: None,
                effective_on: Some(t.created_on),
            })
            .collect(),
    )
    .await?;
    Ok(())
}

/// The row of a task being created at `now`.
fn new_task_model(t: &Task, now: &str) -> tasks::ActiveModel {
    tasks::ActiveModel {
        id: Set(t.id.0),
        enterprise_id: Set(t.enterprise.map(|e| e.0)),
        cultivation_id: Set(t.cultivation.map(|c| c.0)),
        kind: Set(t.kind.key()),
        title: Set(t.title.clone()),
        description: Set(t.description.clone()),
        assignee_id: Set(t.assignee.0),
        delegate_id: Set(t.delegate.map(|o| o.0)),
        created_by: Set(t.created_by.0),
        status: Set(t.status.key().to_owned()),
        created_on: Set(t.created_on),
        due_on: Set(t.due_on),
        due_count_from: Set(due_count_columns(t.due_count).0),
        due_count_days: Set(due_count_columns(t.due_count).1),
        follow_up_on: Set(t.follow_up_on),
        origin: Set(t.origin.clone()),
        completed_on: Set(t.completed_on),
        completion_note: Set(t.completion_note.clone()),
        evidence: Set(t.evidence.clone()),
        cancel_reason: Set(t.cancel_reason.clone()),
        escalated_at: Set(None),
        escalated_to: Set(None),
        version: Set(1),
        created_at: Set(now.to_owned()),
        updated_at: Set(now.to_owned()),
    }
}

/// Records a change to a task still at `expected_version`; returns the new version.
pub async fn update_task(
    uow: &mut UnitOfWork,
    before: &Task,
    after: &Task,
    expected_version: i64,
    action: AuditAction,
    reason: Option<String>,
) -> StorageResult<i64> {
    let expected = i32::try_from(expected_version).map_err(|_| StorageError::Conflict {
        entity: "task",
        key: after.id.to_string(),
        expected: expected_version,
    })?;
    let result = tasks::Entity::update_many()
        .col_expr(tasks::Column::Title, after.title.clone().into())
        .col_expr(tasks::Column::Description, after.description.clone().into())
        .col_expr(tasks::Column::AssigneeId, after.assignee.0.into())
        .col_expr(
            tasks::Column::DelegateId,
            after.delegate.map(|o| o.0).into(),
        )
        .col_expr(tasks::Column::Status, after.status.key().into())
        .col_expr(tasks::Column::DueOn, after.due_on.into())
        .col_expr(
            tasks::Column::DueCountFrom,
            due_count_columns(after.due_count).0.into(),
        )
        .col_expr(
            tasks::Column::DueCountDays,
            due_count_columns(after.due_count).1.into(),
        )
        .col_expr(tasks::Column::FollowUpOn, after.follow_up_on.into())
        .col_expr(tasks::Column::CompletedOn, after.completed_on.into())
        .col_expr(
            tasks::Column::CompletionNote,
            after.completion_note.clone().into(),
        )
        .col_expr(tasks::Column::Evidence, after.evidence.clone().into())
        .col_expr(
            tasks::Column::CancelReason,
            after.cancel_reason.clone().into(),
        )
        .col_expr(tasks::Column::Version, (expected + 1).into())
        .col_expr(tasks::Column::UpdatedAt, instant::to_text(uow.now()).into())
        .filter(tasks::Column::Id.eq(after.id.0))
        .filter(tasks::Column::Version.eq(expected))
        .exec(uow.txn())
        .await
        .map_err(StorageError::db("changing a task"))?;
    if result.rows_affected != 1 {
        return Err(StorageError::Conflict {
            entity: "task",
            key: after.id.to_string(),
            expected: expected_version,
        });
    }
    uow.record(AuditFact {
        action,
        subject_type: "task".into(),
        subject_id: after.id.to_string(),
        enterprise: after.enterprise,
        before: Some(task_json(before)),
        after: Some(task_json(after)),
        reason,
        effective_on: after.completed_on,
    })
    .await?;
    Ok(expected_version + 1)
}

/// Marks a task escalated to `to` (once: only while it is unescalated and still at
/// `expected_version`); returns false when another process escalated or changed it first.
pub async fn mark_escalated(
    uow: &mut UnitOfWork,
    task: &Task,
    expected_version: i64,
    to: OfficerId,
    overdue_working_days: u32,
) -> StorageResult<bool> {
    let expected = i32::try_from(expected_version).unwrap_or(i32::MAX);
    let result = tasks::Entity::update_many()
        .col_expr(
            tasks::Column::EscalatedAt,
            Some(instant::to_text(uow.now())).into(),
        )
        .col_expr(tasks::Column::EscalatedTo, Some(to.0).into())
        .col_expr(tasks::Column::Version, (expected + 1).into())
        .col_expr(tasks::Column::UpdatedAt, instant::to_text(uow.now()).into())
        .filter(tasks::Column::Id.eq(task.id.0))
        .filter(tasks::Column::Version.eq(expected))
        .filter(tasks::Column::EscalatedAt.is_null())
        .exec(uow.txn())
        .await
        .map_err(StorageError::db("escalating a task"))?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    uow.record(AuditFact {
        action: AuditAction::TaskEscalate,
        subject_type: "task".into(),
        subject_id: task.id.to_string(),
        enterprise: task.enterprise,
        before: Some(task_json(task)),
        after: Some(json!({
            "escalated_to": to.to_string(),
            "working_days_overdue": overdue_working_days,
        })),
        reason: None,
        effective_on: None,
    })
    .await?;
    Ok(true)
}

/// Open tasks whose due date was counted on the working-day calendar and is on or after `from`
/// (the candidates for a recount when a year's calendar changes), oldest first.
pub async fn open_counted_tasks(
    conn: &impl ConnectionTrait,
    from: NaiveDate,
) -> StorageResult<Vec<Versioned<Task>>> {
    tasks::Entity::find()
        .filter(tasks::Column::Status.eq(TaskStatus::Open.key()))
        .filter(tasks::Column::DueCountFrom.is_not_null())
        .filter(tasks::Column::DueOn.gte(from))
        .order_by_asc(tasks::Column::CreatedOn)
        .order_by_asc(tasks::Column::Id)
        .all(conn)
        .await
        .map_err(StorageError::db("reading counted open tasks"))?
        .into_iter()
        .map(from_model)
        .collect()
}

/// Open tasks due before `before` that were never escalated, with their versions.
pub async fn unescalated_overdue(
    conn: &impl ConnectionTrait,
    before: chrono::NaiveDate,
) -> StorageResult<Vec<Versioned<Task>>> {
    tasks::Entity::find()
        .filter(tasks::Column::Status.eq(TaskStatus::Open.key()))
        .filter(tasks::Column::DueOn.lt(before))
        .filter(tasks::Column::EscalatedAt.is_null())
        .order_by_asc(tasks::Column::DueOn)
        .order_by_asc(tasks::Column::Id)
        .all(conn)
        .await
        .map_err(StorageError::db("listing overdue tasks"))?
        .into_iter()
        .map(from_model)
        .collect()
}

/// Tasks with this origin and kind, oldest reference first (for materialising recurrences).
pub async fn tasks_with_origin(
    conn: &impl ConnectionTrait,
    cultivation: CultivationId,
    origin: &str,
) -> StorageResult<Vec<Versioned<Task>>> {
    tasks::Entity::find()
        .filter(tasks::Column::CultivationId.eq(cultivation.0))
        .filter(tasks::Column::Origin.eq(origin))
        .order_by_asc(tasks::Column::CreatedOn)
        .all(conn)
        .await
        .map_err(StorageError::db("reading recurring tasks"))?
        .into_iter()
        .map(from_model)
        .collect()
}

/// The open tasks with this origin (e.g. the 督办 tasks `escalation:<task id>` of one task).
pub async fn open_with_origin(
    conn: &impl ConnectionTrait,
    origin: &str,
) -> StorageResult<Vec<Versioned<Task>>> {
    tasks::Entity::find()
        .filter(tasks::Column::Origin.eq(origin))
        .filter(tasks::Column::Status.eq(TaskStatus::Open.key()))
        .order_by_asc(tasks::Column::Id)
        .all(conn)
        .await
        .map_err(StorageError::db("reading tasks by origin"))?
        .into_iter()
        .map(from_model)
        .collect()
}

/// One task.
pub async fn get_task(conn: &impl ConnectionTrait, id: TaskId) -> StorageResult<Versioned<Task>> {
    tasks::Entity::find_by_id(id.0)
        .one(conn)
        .await
        .map_err(StorageError::db("reading a task"))?
        .map(from_model)
        .transpose()?
        .ok_or_else(|| StorageError::NotFound {
            entity: "task",
            key: id.to_string(),
        })
}

/// Which tasks to read.
#[derive(Clone, Debug, Default)]
pub struct TaskFilter {
    /// Only tasks of this cultivation.
    pub cultivation: Option<CultivationId>,
    /// Only tasks about this enterprise.
    pub enterprise: Option<EnterpriseId>,
    /// Only tasks assigned to (or delegated to) one of these officers.
    pub assignees: Option<Vec<OfficerId>>,
    /// Only tasks with this status.
    pub status: Option<TaskStatus>,
}

/// The condition of a filter.
fn filter_condition(filter: &TaskFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(c) = filter.cultivation {
        cond = cond.add(tasks::Column::CultivationId.eq(c.0));
    }
    if let Some(e) = filter.enterprise {
        cond = cond.add(tasks::Column::EnterpriseId.eq(e.0));
    }
    if let Some(officers) = &filter.assignees {
        let ids: Vec<_> = officers.iter().map(|o| o.0).collect();
        cond = cond.add(
            Condition::any()
                .add(tasks::Column::AssigneeId.is_in(ids.clone()))
                .add(tasks::Column::DelegateId.is_in(ids)),
        );
    }
    if let Some(status) = filter.status {
        cond = cond.add(tasks::Column::Status.eq(status.key()));
    }
    cond
}

/// Tasks matching the filter, by due date (then id).
pub async fn list_tasks(
    conn: &impl ConnectionTrait,
    filter: &TaskFilter,
) -> StorageResult<Vec<Versioned<Task>>> {
    tasks::Entity::find()
        .filter(filter_condition(filter))
        .order_by_asc(tasks::Column::DueOn)
        .order_by_asc(tasks::Column::Id)
        .all(conn)
        .await
        .map_err(StorageError::db("listing tasks"))?
        .into_iter()
        .map(from_model)
        .collect()
}

/// One page of [`list_tasks`]: at most `limit` tasks from `start`, whose keys are
/// `(due date, id)` — a keyset read (`(due_on, id) > (?, ?)`, `LIMIT limit + 1`).
pub async fn list_tasks_page(
    conn: &impl ConnectionTrait,
    filter: &TaskFilter,
    start: &PageStart<(NaiveDate, TaskId)>,
    limit: u64,
) -> StorageResult<Page<Versioned<Task>>> {
    let query = tasks::Entity::find().filter(filter_condition(filter));
    let start = match start {
        PageStart::First => PageStart::First,
        PageStart::After((due, id)) => PageStart::After((*due, id.0)),
        PageStart::Skip(n) => PageStart::Skip(*n),
    };
    let keys = (tasks::Column::DueOn, tasks::Column::Id);
    let rows = crate::page::read_keyset(conn, query, keys, &start, limit)
        .await
        .map_err(StorageError::db("listing tasks"))?
        .into_iter()
        .map(from_model)
        .collect::<StorageResult<Vec<_>>>()?;
    Ok(Page::of(rows, limit))
}

/// The days a week's list shows tasks from: open tasks due on or before `open_due_by` (overdue,
/// this week and next week) and done tasks completed within `[done_from, done_to]` (last week).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListWindow {
    /// The last due date of an open task the list can show.
    pub open_due_by: NaiveDate,
    /// The first completion day of a done task the list can show.
    pub done_from: NaiveDate,
    /// The last completion day of a done task the list can show.
    pub done_to: NaiveDate,
}

/// The tasks a week's list can show (see [`ListWindow`]), of these officers (assigned or
/// delegated to one of them) or, for `None`, of everyone; each task once, by due date then id.
///
/// Every query is one index range: `(assignee_id | delegate_id, status, due_on | completed_on)`
/// for officers (in chunks of [`crate::IN_CHUNK`]), `(status, due_on | completed_on)` for
/// everyone. So the cost follows the list, not the table.
pub async fn tasks_in_window(
    conn: &impl ConnectionTrait,
    officers: Option<&[OfficerId]>,
    window: ListWindow,
) -> StorageResult<Vec<Task>> {
    let open = Condition::all()
        .add(tasks::Column::Status.eq(TaskStatus::Open.key()))
        .add(tasks::Column::DueOn.lte(window.open_due_by));
    let done = Condition::all()
        .add(tasks::Column::Status.eq(TaskStatus::Done.key()))
        .add(tasks::Column::CompletedOn.gte(window.done_from))
        .add(tasks::Column::CompletedOn.lte(window.done_to));
    let mut conditions = Vec::new();
    match officers {
        None => {
            conditions.push(open);
            conditions.push(done);
        }
        Some(officers) => {
            for chunk in officers.chunks(crate::IN_CHUNK) {
                let ids: Vec<uuid::Uuid> = chunk.iter().map(|o| o.0).collect();
                for column in [tasks::Column::AssigneeId, tasks::Column::DelegateId] {
                    for when in [&open, &done] {
                        conditions.push(
                            Condition::all()
                                .add(column.is_in(ids.clone()))
                                .add(when.clone()),
                        );
                    }
                }
            }
        }
    }
    let mut found: BTreeMap<TaskId, Task> = BTreeMap::new();
    for cond in conditions {
        let rows = tasks::Entity::find()
            .filter(cond)
            .all(conn)
            .await
            .map_err(StorageError::db("listing a week's tasks"))?;
        for row in rows {
            let task = from_model(row)?.value;
            found.insert(task.id, task);
        }
    }
    let mut out: Vec<Task> = found.into_values().collect();
    out.sort_by_key(|t| (t.due_on, t.id));
    Ok(out)
}

/// The ids of every task assigned or delegated to one of these officers, any status (by the
/// assignee and delegate indexes, in chunks of [`crate::IN_CHUNK`]).
pub async fn task_ids_of_officers(
    conn: &impl ConnectionTrait,
    officers: &[OfficerId],
) -> StorageResult<BTreeSet<TaskId>> {
    let mut out = BTreeSet::new();
    for chunk in officers.chunks(crate::IN_CHUNK) {
        let ids: Vec<uuid::Uuid> = chunk.iter().map(|o| o.0).collect();
        for column in [tasks::Column::AssigneeId, tasks::Column::DelegateId] {
            let rows: Vec<uuid::Uuid> = tasks::Entity::find()
                .select_only()
                .column(tasks::Column::Id)
                .filter(column.is_in(ids.clone()))
                .into_tuple()
                .all(conn)
                .await
                .map_err(StorageError::db("listing officers' tasks"))?;
            out.extend(rows.into_iter().map(TaskId));
        }
    }
    Ok(out)
}

/// Every task of these cultivations, each cultivation's by due date then id (in chunks of
/// [`crate::IN_CHUNK`], by the cultivation index).
pub async fn tasks_of_cultivations(
    conn: &impl ConnectionTrait,
    cultivations: &[CultivationId],
) -> StorageResult<BTreeMap<CultivationId, Vec<Task>>> {
    let mut out: BTreeMap<CultivationId, Vec<Task>> = BTreeMap::new();
    for chunk in cultivations.chunks(crate::IN_CHUNK) {
        let rows = tasks::Entity::find()
            .filter(tasks::Column::CultivationId.is_in(chunk.iter().map(|c| c.0)))
            .order_by_asc(tasks::Column::DueOn)
            .order_by_asc(tasks::Column::Id)
            .all(conn)
            .await
            .map_err(StorageError::db("reading cultivations' tasks"))?;
        for row in rows {
            let task = from_model(row)?.value;
            if let Some(c) = task.cultivation {
                out.entry(c).or_default().push(task);
            }
        }
    }
    Ok(out)
}

/// The ids of every task of these cultivations (in chunks of [`crate::IN_CHUNK`]).
pub async fn task_ids_of_cultivations(
    conn: &impl ConnectionTrait,
    cultivations: &[CultivationId],
) -> StorageResult<BTreeSet<TaskId>> {
    let mut out = BTreeSet::new();
    for chunk in cultivations.chunks(crate::IN_CHUNK) {
        let rows: Vec<uuid::Uuid> = tasks::Entity::find()
            .select_only()
            .column(tasks::Column::Id)
            .filter(tasks::Column::CultivationId.is_in(chunk.iter().map(|c| c.0)))
            .into_tuple()
            .all(conn)
            .await
            .map_err(StorageError::db("listing cultivations' tasks"))?;
        out.extend(rows.into_iter().map(TaskId));
    }
    Ok(out)
}
