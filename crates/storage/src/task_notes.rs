//! Progress notes on tasks (进展/问题/下步措施): written once, never changed.

use std::collections::HashMap;

use chrono::NaiveDate;
use peiyu_domain::{AuditAction, EnterpriseId, OfficerId, TaskId, TaskNote};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{AuditFact, UnitOfWork};
use crate::entities::task_notes;
use crate::error::{StorageError, StorageResult};
use crate::instant;

/// The note as its audit entry records it: every column of its row but the recording time
/// (which the entry itself carries).
pub fn note_json(id: Uuid, n: &TaskNote) -> serde_json::Value {
    json!({
        "id": id.to_string(),
        "task": n.task.to_string(),
        "author": n.author.to_string(),
        "written_on": n.written_on.to_string(),
        "progress": n.progress,
        "problem": n.problem,
        "next_step": n.next_step,
    })
}

/// Records a note on a task (about `enterprise`, whose chain the entry joins), with its audit
/// entry `task.note`; returns the note's id.
pub async fn insert_task_note(
    uow: &mut UnitOfWork,
    note: &TaskNote,
    enterprise: Option<EnterpriseId>,
) -> StorageResult<Uuid> {
    let id = Uuid::now_v7();
    task_notes::Entity::insert(task_notes::ActiveModel {
        id: Set(id),
        task_id: Set(note.task.0),
        author_id: Set(note.author.0),
        written_on: Set(note.written_on),
        progress: Set(note.progress.clone()),
        problem: Set(note.problem.clone()),
        next_step: Set(note.next_step.clone()),
        created_at: Set(instant::to_text(uow.now())),
    })
    .exec_without_returning(uow.txn())
    .await
    .map_err(StorageError::db("recording a task note"))?;
    uow.record(AuditFact {
        action: AuditAction::TaskNote,
        subject_type: "task_note".into(),
        subject_id: id.to_string(),
        enterprise,
        before: None,
        after: Some(note_json(id, note)),
        reason: None,
        effective_on: Some(note.written_on),
    })
    .await?;
    Ok(id)
}

fn from_model(m: task_notes::Model) -> TaskNote {
    TaskNote {
        task: TaskId(m.task_id),
        author: OfficerId(m.author_id),
        written_on: m.written_on,
        progress: m.progress,
        problem: m.problem,
        next_step: m.next_step,
    }
}

/// A task's notes, oldest first (by the day they speak of, then as recorded).
pub async fn notes_of(conn: &impl ConnectionTrait, task: TaskId) -> StorageResult<Vec<TaskNote>> {
    Ok(task_notes::Entity::find()
        .filter(task_notes::Column::TaskId.eq(task.0))
        .order_by_asc(task_notes::Column::WrittenOn)
        .order_by_asc(task_notes::Column::Id)
        .all(conn)
        .await
        .map_err(StorageError::db("reading a task's notes"))?
        .into_iter()
        .map(from_model)
        .collect())
}

/// The latest note of each of `tasks` written on or before `on` (a list's day): the one with
/// the latest `written_on`, the last recorded among a day's. Tasks without one are absent.
pub async fn latest_notes(
    conn: &impl ConnectionTrait,
    tasks: &[TaskId],
    on: NaiveDate,
) -> StorageResult<HashMap<TaskId, TaskNote>> {
    let mut latest = HashMap::new();
    // Bounded IN lists: every backend takes a few hundred parameters at once.
    for chunk in tasks.chunks(500) {
        let rows = task_notes::Entity::find()
            .filter(task_notes::Column::TaskId.is_in(chunk.iter().map(|t| t.0)))
            .filter(task_notes::Column::WrittenOn.lte(on))
            .order_by_asc(task_notes::Column::WrittenOn)
            .order_by_asc(task_notes::Column::Id)
            .all(conn)
            .await
            .map_err(StorageError::db("reading the tasks' latest notes"))?;
        for m in rows {
            // Ascending order: the last one seen for a task is its latest.
            latest.insert(TaskId(m.task_id), from_model(m));
        }
    }
    Ok(latest)
}
