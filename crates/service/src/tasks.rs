//! Tasks: listing an officer's work and completing it.

use chrono::NaiveDate;
use peiyu_domain::{Officer, Role, Task, TaskStatus, Text};
use peiyu_storage::{TaskFilter, Versioned, tasks};

use crate::authz::{acting_scope, require_writer};
use crate::error::{ServiceError, ServiceResult};
use crate::{Service, actor_of, in_unit};

/// Which tasks to list.
#[derive(Clone, Debug, Default)]
pub struct ListTasks {
    /// Only tasks of this officer (login); default: the acting officer's scope.
    pub officer: Option<String>,
    /// Only tasks about this enterprise (USCC or name).
    pub enterprise: Option<String>,
    /// Open tasks only (the default) or all.
    pub all: bool,
}

/// The short form of a task id shown in tables: the last 8 hex digits (the random part of a
/// UUID v7; the leading digits are a timestamp shared by tasks created together).
pub fn short_id(task: &Task) -> String {
    let simple = task.id.0.simple().to_string();
    simple[simple.len() - 8..].to_owned()
}

impl Service {
    /// Finds a task by its full id or an unambiguous short id (a prefix or suffix of its hex).
    pub async fn resolve_task(&self, key: &str) -> ServiceResult<Versioned<Task>> {
        let key = key.trim().to_lowercase().replace('-', "");
        if let Ok(id) = key.parse::<peiyu_domain::TaskId>() {
            return Ok(tasks::get_task(self.store().conn(), id).await?);
        }
        let all = tasks::list_tasks(self.store().conn(), &TaskFilter::default()).await?;
        let mut found: Vec<_> = all
            .into_iter()
            .filter(|t| {
                let s = t.value.id.0.simple().to_string();
                !key.is_empty() && (s.ends_with(&key) || s.starts_with(&key))
            })
            .collect();
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(ServiceError::not_found(
                format!("找不到任务「{key}」：用 `peiyu task list` 查看任务编号"),
                format!("no task matches \"{key}\": see `peiyu task list` for task ids"),
            )),
            n => Err(ServiceError::invalid(
                "TASK",
                Text::new(
                    format!("「{key}」对应 {n} 个任务：请给出更长的编号"),
                    format!("\"{key}\" matches {n} tasks: give more of the id"),
                ),
            )),
        }
    }

    /// Tasks by due date: the acting officer's own and their team's by default.
    #[tracing::instrument(skip(self, actor, query), fields(actor = %actor.login.as_str()))]
    pub async fn list_tasks(
        &self,
        actor: &Officer,
        query: &ListTasks,
    ) -> ServiceResult<Vec<Versioned<Task>>> {
        let conn = self.store().conn();
        let assignees = match &query.officer {
            Some(login) => Some(vec![
                self.actor(login)
                    .await
                    .map_err(|_| {
                        ServiceError::invalid(
                            "--officer",
                            Text::new(
                                format!("没有登录名为「{login}」的干部"),
                                format!("no officer has the login \"{login}\""),
                            ),
                        )
                    })?
                    .id,
            ]),
            None if matches!(actor.role, Role::Admin | Role::Leader) => None,
            None => acting_scope(self.store(), actor).await?,
        };
        let enterprise = match &query.enterprise {
            Some(key) => Some(self.resolve_enterprise(key).await?.value.id),
            None => None,
        };
        Ok(tasks::list_tasks(
            conn,
            &TaskFilter {
                cultivation: None,
                enterprise,
                assignees,
                status: if query.all {
                    None
                } else {
                    Some(TaskStatus::Open)
                },
            },
        )
        .await?)
    }

    /// Marks a task done with a note and optional evidence, effective `on` (default today). Its
    /// assignee, delegate, or anyone who may act on its enterprise may complete it.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn complete_task(
        &self,
        actor: &Officer,
        key: &str,
        note: Option<String>,
        evidence: Option<String>,
        on: Option<NaiveDate>,
    ) -> ServiceResult<Versioned<Task>> {
        require_writer(actor)?;
        let current = self.resolve_task(key).await?;
        let task = &current.value;
        if task.assignee != actor.id && task.delegate != Some(actor.id) {
            match task.enterprise {
                Some(e) => {
                    let enterprise =
                        peiyu_storage::enterprises::get_enterprise(self.store().conn(), e)
                            .await?
                            .value;
                    crate::authz::require_enterprise_access(self.store(), actor, &enterprise)
                        .await?;
                }
                None if actor.role == Role::Admin => {}
                None => {
                    return Err(ServiceError::forbidden(
                        "这不是你的任务",
                        "this task is not yours",
                    ));
                }
            }
        }
        if task.status != TaskStatus::Open {
            return Err(ServiceError::invalid(
                "TASK",
                Text::new(
                    format!(
                        "任务「{}」已是「{}」状态",
                        task.title,
                        task.status.label(peiyu_domain::Lang::Zh)
                    ),
                    format!(
                        "the task \"{}\" is already {}",
                        task.title,
                        task.status.label(peiyu_domain::Lang::En)
                    ),
                ),
            ));
        }
        let today = self.today();
        let on = on.unwrap_or(today);
        if on > today || on < task.created_on {
            return Err(ServiceError::invalid(
                "--on",
                Text::new(
                    format!(
                        "完成日期 {on} 应在任务创建日 {} 与今天 {today} 之间",
                        task.created_on
                    ),
                    format!(
                        "the completion date {on} must be between the task's creation {} and today {today}",
                        task.created_on
                    ),
                ),
            ));
        }
        let mut after = task.clone();
        after.status = TaskStatus::Done;
        after.completed_on = Some(on);
        after.completion_note = note.filter(|n| !n.trim().is_empty());
        after.evidence = evidence.filter(|n| !n.trim().is_empty());
        let before = task.clone();
        let version = in_unit!(self, &actor_of(actor), |uow| {
            Ok(
                tasks::update_task(uow, &before, &after, current.version, "task.done", None)
                    .await?,
            )
        })?;
        Ok(Versioned {
            value: after,
            version,
        })
    }
}
