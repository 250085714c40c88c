//! Tasks.

use chrono::NaiveDate;
use peiyu_domain::{Lang, Task};
use peiyu_service::{Names, TaskList, Versioned, short_id};
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
    /// Include done and cancelled tasks.
    #[serde(default)]
    pub all: Option<bool>,
}
