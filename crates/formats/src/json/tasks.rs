//! Tasks.

use chrono::{DateTime, NaiveDate, Utc};
use peiyu_domain::{AuditAction, Lang, Task};
use peiyu_service::{AuditEntry, Names, TaskList, TickReport, Versioned, short_id};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::EnterpriseRef;

/// A task.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TaskDto {
    /// Its id.
    pub id: Uuid,
    /// The short id shown in tables (the last 8 hex digits); accepted wherever the id is.
    pub short_id: String,
    /// The kind's key (`visit`, `factor_guarantee:land`, …).
    pub kind: String,
    /// The kind in the request's language.
    pub kind_label: String,
    /// The title.
    pub title: String,
    /// `open`, `done` or `cancelled`.
    pub status: String,
    /// The status in the request's language.
    pub status_label: String,
    /// The assignee's login.
    pub assignee: Option<String>,
    /// The delegate's login.
    pub delegate: Option<String>,
    /// The enterprise it is about.
    pub enterprise: Option<EnterpriseRef>,
    /// When it was created.
    pub created_on: NaiveDate,
    /// When it is due.
    pub due_on: NaiveDate,
    /// When it was done.
    pub completed_on: Option<NaiveDate>,
    /// Where it came from (`manual`, `template:industrial/cultivating`, …).
    pub origin: String,
    /// Where it came from, in the request's language.
    pub origin_label: String,
    /// When to follow up, separately from the due date.
    pub follow_up_on: Option<NaiveDate>,
    /// The evidence given on completion.
    pub evidence: Option<String>,
    /// The task's version, where it was read with one.
    pub version: Option<i64>,
}

impl TaskDto {
    /// The wire form of a task.
    pub fn new(t: &Task, version: Option<i64>, names: &Names, lang: Lang) -> Self {
        TaskDto {
            id: t.id.0,
            short_id: short_id(t),
            kind: t.kind.key(),
            kind_label: t.kind.label(lang),
            title: t.title.clone(),
            status: t.status.key().to_owned(),
            status_label: t.status.label(lang).to_owned(),
            assignee: names.login(t.assignee),
            delegate: t.delegate.and_then(|d| names.login(d)),
            enterprise: t
                .enterprise
                .and_then(|e| names.enterprises.get(&e))
                .map(EnterpriseRef::from),
            created_on: t.created_on,
            due_on: t.due_on,
            completed_on: t.completed_on,
            origin: t.origin.clone(),
            origin_label: peiyu_domain::origin_label(&t.origin, lang),
            follow_up_on: t.follow_up_on,
            evidence: t.evidence.clone(),
            version,
        }
    }

    /// The wire form of a task with its version.
    pub fn versioned(t: &Versioned<Task>, names: &Names, lang: Lang) -> Self {
        TaskDto::new(&t.value, Some(t.version), names, lang)
    }

    /// The wire form of a task list (`task list`, `GET /tasks`).
    pub fn list(list: &TaskList, lang: Lang) -> Vec<TaskDto> {
        list.tasks
            .iter()
            .map(|t| TaskDto::versioned(t, &list.names, lang))
            .collect()
    }
}

/// `POST /tasks/{id}/done`: an optional body.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteTaskRequest {
    /// What was done.
    #[serde(default)]
    pub note: Option<String>,
    /// Evidence reference.
    #[serde(default)]
    pub evidence: Option<String>,
    /// The day it was done (default today).
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

/// `GET /tasks` filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// Only this officer's tasks (login); default: yours and your team's.
    pub officer: Option<String>,
    /// Only the tasks about this enterprise (USCC or an unambiguous name).
    pub enterprise: Option<String>,
    /// Include done and cancelled tasks.
    #[serde(default)]
    pub all: Option<bool>,
}

/// `task done`, `task assign`, `task reopen`, …: the task as the change left it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TaskChangedDto {
    /// Its id.
    pub id: Uuid,
    /// Its short id.
    pub short_id: String,
    /// Its title.
    pub title: String,
    /// `open`, `done` or `cancelled`.
    pub status: String,
    /// The status in the request's language.
    pub status_label: String,
    /// When it is due.
    pub due_on: NaiveDate,
    /// When it was done.
    pub completed_on: Option<NaiveDate>,
    /// The task's version after the change.
    pub version: i64,
}

impl TaskChangedDto {
    /// The wire form of a changed task.
    pub fn new(t: &Versioned<Task>, lang: Lang) -> Self {
        TaskChangedDto {
            id: t.value.id.0,
            short_id: short_id(&t.value),
            title: t.value.title.clone(),
            status: t.value.status.key().to_owned(),
            status_label: t.value.status.label(lang).to_owned(),
            due_on: t.value.due_on,
            completed_on: t.value.completed_on,
            version: t.version,
        }
    }
}

/// One audit entry of a task.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TaskHistoryEntryDto {
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who (login).
    pub actor: String,
    /// The recorded action (`task.create`, `task.complete`, …).
    pub action: String,
    /// The action in the request's language.
    pub action_label: String,
    /// Why.
    pub reason: Option<String>,
}

/// `task show`: a task and its history.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TaskShowDto {
    /// Its id.
    pub id: Uuid,
    /// Its short id.
    pub short_id: String,
    /// Its title.
    pub title: String,
    /// The kind's key.
    pub kind: String,
    /// The kind in the request's language.
    pub kind_label: String,
    /// `open`, `done` or `cancelled`.
    pub status: String,
    /// The status in the request's language.
    pub status_label: String,
    /// When it is due.
    pub due_on: NaiveDate,
    /// The task's version.
    pub version: i64,
    /// What happened to it, oldest first.
    pub history: Vec<TaskHistoryEntryDto>,
}

impl TaskShowDto {
    /// The wire form of a task with its audit entries.
    pub fn new(t: &Versioned<Task>, entries: &[AuditEntry], lang: Lang) -> Self {
        TaskShowDto {
            id: t.value.id.0,
            short_id: short_id(&t.value),
            title: t.value.title.clone(),
            kind: t.value.kind.key(),
            kind_label: t.value.kind.label(lang),
            status: t.value.status.key().to_owned(),
            status_label: t.value.status.label(lang).to_owned(),
            due_on: t.value.due_on,
            version: t.version,
            history: entries
                .iter()
                .map(|e| TaskHistoryEntryDto {
                    recorded_at: e.recorded_at,
                    actor: e.actor_login.clone(),
                    action: e.action.clone(),
                    action_label: AuditAction::label_of(&e.action, lang).to_owned(),
                    reason: e.reason.clone(),
                })
                .collect(),
        }
    }
}

/// `task transfer`: how many tasks went from one officer to another.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TransferDto {
    /// How many tasks were transferred.
    pub transferred: usize,
    /// From (login).
    pub from: String,
    /// To (login).
    pub to: String,
}

impl TransferDto {
    /// The wire form of a bulk transfer of `moved` tasks.
    pub fn new<T>(moved: &[T], from: &str, to: &str) -> Self {
        TransferDto {
            transferred: moved.len(),
            from: from.to_owned(),
            to: to.to_owned(),
        }
    }
}

/// A task escalated to a team lead by `tick`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EscalatedDto {
    /// The task's id.
    pub task: Uuid,
    /// Its title.
    pub title: String,
    /// The lead it went to (login).
    pub lead: String,
    /// Working days overdue.
    pub working_days_overdue: u32,
}

/// A recurring task `tick` created ahead of time.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MaterialisedDto {
    /// The task's id.
    pub task: Uuid,
    /// Its title.
    pub title: String,
    /// When it is due.
    pub due_on: NaiveDate,
}

/// A certification that lapsed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LapsedDto {
    /// The enterprise's name.
    pub enterprise: String,
    /// The track's key.
    pub track: String,
    /// The stage left.
    pub stage: String,
}

/// One phase of `tick`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TickPhaseDto {
    /// `escalation`, `recurring`, `lapse` or `seal`.
    pub phase: String,
    /// The phase in the request's language.
    pub label: String,
    /// What it did (tasks escalated, created, lapsed; seals made).
    pub count: usize,
    /// Whether it ran without error.
    pub ok: bool,
    /// Why it failed, in the request's language.
    pub error: Option<String>,
}

/// `tick`: what the daily run did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TickDto {
    /// The day ticked.
    pub today: Option<NaiveDate>,
    /// Tasks escalated to a team lead.
    pub escalated: Vec<EscalatedDto>,
    /// Recurring tasks created ahead of time.
    pub materialised: Vec<MaterialisedDto>,
    /// Certifications that lapsed.
    pub lapsed: Vec<LapsedDto>,
    /// Each phase that ran, in order.
    pub phases: Vec<TickPhaseDto>,
    /// Whether every phase ran without error.
    pub all_ran: bool,
}

impl TickDto {
    /// The wire form of a tick's report.
    pub fn new(r: &TickReport, lang: Lang) -> Self {
        TickDto {
            today: r.today,
            escalated: r
                .escalated
                .iter()
                .map(|(t, lead, days)| EscalatedDto {
                    task: t.id.0,
                    title: t.title.clone(),
                    lead: lead.login.as_str().to_owned(),
                    working_days_overdue: *days,
                })
                .collect(),
            materialised: r
                .materialised
                .iter()
                .map(|t| MaterialisedDto {
                    task: t.id.0,
                    title: t.title.clone(),
                    due_on: t.due_on,
                })
                .collect(),
            lapsed: r
                .lapsed
                .iter()
                .map(|(enterprise, track, stage)| LapsedDto {
                    enterprise: enterprise.clone(),
                    track: track.clone(),
                    stage: stage.clone(),
                })
                .collect(),
            phases: r
                .phases
                .iter()
                .map(|p| TickPhaseDto {
                    phase: p.phase.key().to_owned(),
                    label: p.phase.label().get(lang).to_owned(),
                    count: p.count,
                    ok: p.error.is_none(),
                    error: p.error.as_ref().map(|e| e.get(lang).to_owned()),
                })
                .collect(),
            all_ran: r.all_ran(),
        }
    }
}

/// `task note`: a progress note written on a task (进展/问题/下步措施).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TaskNoteDto {
    /// The task's id.
    pub task: Uuid,
    /// The day the note speaks of.
    pub written_on: NaiveDate,
    /// 进展: what was done.
    pub progress: String,
    /// 问题: what stands in the way, if anything.
    pub problem: Option<String>,
    /// 下步措施: what comes next, if said.
    pub next_step: Option<String>,
    /// The note in one line, in the request's language.
    pub summary: String,
}

impl TaskNoteDto {
    /// The wire form of a note.
    pub fn new(note: &peiyu_domain::TaskNote, lang: Lang) -> Self {
        TaskNoteDto {
            task: note.task.0,
            written_on: note.written_on,
            progress: note.progress.clone(),
            problem: note.problem.clone(),
            next_step: note.next_step.clone(),
            summary: note.summary(lang),
        }
    }
}
