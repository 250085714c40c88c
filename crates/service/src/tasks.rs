//! Tasks: listing an officer's work and completing it.

use chrono::NaiveDate;
use peiyu_domain::AuditAction;
use peiyu_domain::{
    DueCount, NOTE_MAX_CHARS, Officer, Role, Task, TaskId, TaskNote, TaskStatus, Text,
};
use peiyu_storage::{Actor, StorageError, TaskFilter, Versioned, officers, task_notes, tasks};

use crate::authz::{acting_scope, require_writer};
use crate::error::{Field, ServiceError, ServiceResult};
use crate::idempotency::{self, Answer, Idempotent};
use crate::names::{NameIds, Names};
use crate::paging::PageAsk;
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
    // The random tail of a UUID v7.
    let simple = task.id.0.simple().to_string();
    simple[simple.len() - 8..].to_owned()
}

/// How many hex characters of a task's id name it at least (its short id is 8).
pub const MIN_TASK_KEY: usize = 8;

/// Tasks as `task list` and `GET /tasks` show them: by due date, with the names they point at.
#[derive(Clone, Debug, Default)]
pub struct TaskList {
    /// The tasks with their versions.
    pub tasks: Vec<Versioned<Task>>,
    /// Their assignees, delegates and enterprises.
    pub names: Names,
}

impl Service {
    /// Finds a task by its full id or an unambiguous short id: at least
    /// [`MIN_TASK_KEY`] hex characters, a prefix or suffix of its hex (the short id shown in
    /// lists is the last 8). A shorter key, or one that matches several tasks, is refused:
    /// a two-character guess must never act on someone's task.
    pub async fn resolve_task(&self, key: &str) -> ServiceResult<Versioned<Task>> {
        let key = key.trim().to_lowercase().replace('-', "");
        if let Ok(id) = key.parse::<peiyu_domain::TaskId>() {
            return Ok(tasks::get_task(self.store().conn(), id).await?);
        }
        if key.chars().count() < MIN_TASK_KEY || !key.chars().all(|c| c.is_ascii_hexdigit()) {
            let shown: String = key.chars().take(40).collect();
            return Err(ServiceError::invalid(
                Field::Task,
                Text::new(
                    format!(
                        "任务编号「{shown}」太短或不是编号：请给出至少 {MIN_TASK_KEY} 位（任务列表中显示的短编号）"
                    ),
                    format!(
                        "the task id \"{shown}\" is too short or not an id: give at least {MIN_TASK_KEY} characters (the short id shown in task lists)"
                    ),
                ),
            ));
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
                format!("找不到任务「{key}」：请在任务列表中查看任务编号"),
                format!("no task matches \"{key}\": see the task list for task ids"),
            )),
            n => Err(ServiceError::invalid(
                Field::Task,
                Text::new(
                    format!("「{key}」对应 {n} 个任务：请给出更长的编号"),
                    format!("\"{key}\" matches {n} tasks: give more of the id"),
                ),
            )),
        }
    }

    /// Tasks by due date: the acting officer's own and their team's by default.
    #[tracing::instrument(skip(self, actor, query), fields(actor = %actor.login.as_str()))]
    pub async fn list_tasks(&self, actor: &Officer, query: &ListTasks) -> ServiceResult<TaskList> {
        let filter = self.task_filter(actor, query).await?;
        let tasks = tasks::list_tasks(self.store().conn(), &filter).await?;
        let names = self.task_names(tasks.iter().map(|t| &t.value)).await?;
        Ok(TaskList { tasks, names })
    }

    /// One page of [`Service::list_tasks`], read in SQL from just after the task the previous
    /// page ended on (by due date and id; should it be unknown, after as many as were seen);
    /// and whether more follow.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn list_tasks_page(
        &self,
        actor: &Officer,
        query: &ListTasks,
        page: &PageAsk,
    ) -> ServiceResult<(TaskList, bool)> {
        let filter = self.task_filter(actor, query).await?;
        let conn = self.store().conn();
        let keys = match page.after_id().map(uuid::Uuid::parse_str) {
            Some(Ok(id)) => match tasks::get_task(conn, TaskId(id)).await {
                Ok(t) => Some((t.value.due_on, t.value.id)),
                Err(peiyu_storage::StorageError::NotFound { .. }) => None,
                Err(e) => return Err(e.into()),
            },
            Some(Err(_)) | None => None,
        };
        let rows = tasks::list_tasks_page(conn, &filter, &page.start(keys), page.limit).await?;
        let names = self.task_names(rows.items.iter().map(|t| &t.value)).await?;
        Ok((
            TaskList {
                tasks: rows.items,
                names,
            },
            rows.more,
        ))
    }

    /// The storage filter of a listing: its officer and enterprise resolved, the acting
    /// officer's scope when neither an officer is named nor the actor sees everyone.
    async fn task_filter(&self, actor: &Officer, query: &ListTasks) -> ServiceResult<TaskFilter> {
        let conn = self.store().conn();
        let assignees = match &query.officer {
            // Any officer's tasks, a deactivated one's too (what they left behind).
            Some(login) => Some(vec![
                officers::find_officer_by_login(conn, login.trim())
                    .await?
                    .ok_or_else(|| {
                        ServiceError::invalid(
                            Field::Officer,
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
        Ok(TaskFilter {
            cultivation: None,
            enterprise,
            assignees,
            status: if query.all {
                None
            } else {
                Some(TaskStatus::Open)
            },
        })
    }

    /// The names the tasks point at (assignees, delegates, enterprises), for a front end that
    /// shows a task it was handed back by a change.
    pub async fn task_names<'a>(
        &self,
        tasks: impl IntoIterator<Item = &'a Task>,
    ) -> ServiceResult<Names> {
        let mut ids = NameIds::default();
        for t in tasks {
            ids.task(t);
        }
        self.names(&ids).await
    }

    /// Marks a task done with a note and optional evidence, effective `on` (default today). Its
    /// assignee, delegate, or anyone who may act on its enterprise may complete it; a delegate
    /// completes it on the assignee's behalf (the audit entry's `on_behalf_of`).
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn complete_task(
        &self,
        actor: &Officer,
        key: &str,
        note: Option<String>,
        evidence: Option<String>,
        on: Option<NaiveDate>,
    ) -> ServiceResult<Versioned<Task>> {
        let done = TaskCompletion {
            key,
            note,
            evidence,
            on,
            expected: None,
        };
        Ok(self.complete(actor, done, None).await?.task)
    }

    /// [`Service::complete_task`] at most once per idempotency key ([`Service::once`]): the key
    /// is claimed in the unit of work that records the completion and holds `once`'s rendering
    /// of the outcome (the task and the names it points at); a repeat gets that answer back.
    #[tracing::instrument(skip(self, actor, note, evidence, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn complete_task_once(
        &self,
        actor: &Officer,
        key: &str,
        note: Option<String>,
        evidence: Option<String>,
        on: Option<NaiveDate>,
        once: &Idempotent<'_, TaskDone>,
    ) -> ServiceResult<Answer<TaskDone>> {
        let done = TaskCompletion {
            key,
            note,
            evidence,
            on,
            expected: None,
        };
        self.complete_task_checked_once(actor, done, once).await
    }

    /// Completes a task as [`Service::complete_task`] does, refusing with a conflict when it
    /// changed since `request.expected` (the `If-Match` of the API); answers the task with the
    /// names it points at.
    #[tracing::instrument(skip_all, fields(actor = %actor.login.as_str(), task = request.key))]
    pub async fn complete_task_checked(
        &self,
        actor: &Officer,
        request: TaskCompletion<'_>,
    ) -> ServiceResult<TaskDone> {
        self.complete(actor, request, None).await
    }

    /// [`Service::complete_task_checked`] at most once per idempotency key
    /// ([`Service::once`]), as [`Service::complete_task_once`].
    #[tracing::instrument(skip_all, fields(actor = %actor.login.as_str(), task = request.key, key = %once.key()))]
    pub async fn complete_task_checked_once(
        &self,
        actor: &Officer,
        request: TaskCompletion<'_>,
        once: &Idempotent<'_, TaskDone>,
    ) -> ServiceResult<Answer<TaskDone>> {
        self.once(actor, once, self.complete(actor, request, Some(once)))
            .await
    }

    async fn complete(
        &self,
        actor: &Officer,
        request: TaskCompletion<'_>,
        once: Option<&Idempotent<'_, TaskDone>>,
    ) -> ServiceResult<TaskDone> {
        let TaskCompletion {
            key,
            note,
            evidence,
            on,
            expected,
        } = request;
        require_writer(actor)?;
        let current = self.resolve_task(key).await?;
        // The version read earlier is the one the change is conditional on: a task changed
        // since is a conflict (here, or at its update should it change meanwhile).
        if let Some(expected) = expected
            && expected != current.version
        {
            return Err(ServiceError::Conflict {
                message: Text::new(
                    format!(
                        "任务「{}」已被他人修改（预期版本 {expected}，当前版本 {}）：请重新查看后再操作",
                        current.value.title, current.version
                    ),
                    format!(
                        "the task \"{}\" was changed by someone else (expected version {expected}, now {}): look at it again and retry",
                        current.value.title, current.version
                    ),
                ),
            });
        }
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
                Field::Task,
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
                Field::On,
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
        // Read before the unit: SQLite's one connection is the unit's until it ends.
        let names = self.task_names([&after]).await?;
        let acting = self.task_actor(actor, &current.value).await?;
        let mut done = TaskDone {
            task: Versioned {
                value: after,
                version: current.version,
            },
            names,
        };
        // The 督办 tasks raised when this one was escalated are done with it.
        let supervisions =
            tasks::open_with_origin(self.store().conn(), &format!("escalation:{}", task.id))
                .await?;
        done.task.version = in_unit!(self, &acting, |uow| {
            idempotency::claim(once, uow).await?;
            let version = tasks::update_task(
                uow,
                &current.value,
                &done.task.value,
                current.version,
                AuditAction::TaskDone,
                None,
            )
            .await?;
            for s in &supervisions {
                let mut closed = s.value.clone();
                closed.status = TaskStatus::Done;
                closed.completed_on = Some(on.max(s.value.created_on));
                closed.completion_note = Some(format!(
                    "原任务「{}」已于 {on} 完成，督办随之办结",
                    done.task.value.title
                ));
                tasks::update_task(
                    uow,
                    &s.value,
                    &closed,
                    s.version,
                    AuditAction::TaskClose,
                    Some("原任务已完成".to_owned()),
                )
                .await?;
            }
            let mut answered = done.clone();
            answered.task.version = version;
            idempotency::answer(once, uow, &answered).await?;
            Ok(version)
        })?;
        Ok(done)
    }
}

/// A progress note to write on a task ([`Service::note_task`]).
#[derive(Clone, Debug, Default)]
pub struct NewNote {
    /// 进展: what was done (required).
    pub progress: String,
    /// 问题: what stands in the way.
    pub problem: Option<String>,
    /// 下步措施: what comes next.
    pub next_step: Option<String>,
    /// The day it speaks of (default today).
    pub on: Option<NaiveDate>,
}

/// What completing a task asks for ([`Service::complete_task_checked`]).
#[derive(Clone, Debug, Default)]
pub struct TaskCompletion<'a> {
    /// The task's id or short id.
    pub key: &'a str,
    /// What was done.
    pub note: Option<String>,
    /// What shows it.
    pub evidence: Option<String>,
    /// The day it was done (default today).
    pub on: Option<NaiveDate>,
    /// The version the caller read: a task changed since is a conflict. `None` completes
    /// whatever the version.
    pub expected: Option<i64>,
}

/// A task just completed, with the names it points at (its assignee, delegate and enterprise).
#[derive(Clone, Debug)]
pub struct TaskDone {
    /// The task, done, and its new version.
    pub task: Versioned<Task>,
    /// The names it points at.
    pub names: Names,
}

/// A change to one task ([`Service::apply_task_change`]); officers are named by login.
#[derive(Clone, Debug)]
pub enum TaskChange {
    /// 分派: a lead or admin gives it to `to`.
    Assign {
        /// The new assignee.
        to: String,
    },
    /// 转办: it becomes `to`'s, for a reason.
    Transfer {
        /// The new assignee.
        to: String,
        /// Why (required).
        reason: String,
    },
    /// 委派 to `to`, or back to the assignee (`None`).
    Delegate {
        /// Who does it for the assignee; `None` takes it back.
        to: Option<String>,
    },
    /// A done or cancelled task opened again.
    Reopen {
        /// Why (required).
        reason: String,
    },
    /// An open task cancelled.
    Cancel {
        /// Why (required).
        reason: String,
    },
}

impl TaskChange {
    /// Its name in logs and idempotency keys: `assign`, `transfer`, ….
    pub fn name(&self) -> &'static str {
        match self {
            TaskChange::Assign { .. } => "assign",
            TaskChange::Transfer { .. } => "transfer",
            TaskChange::Delegate { to: Some(_) } => "delegate",
            TaskChange::Delegate { to: None } => "undelegate",
            TaskChange::Reopen { .. } => "reopen",
            TaskChange::Cancel { .. } => "cancel",
        }
    }
}

/// A task created by hand.
#[derive(Clone, Debug)]
pub struct NewTask {
    /// The enterprise it is about (USCC or name), if any.
    pub enterprise: Option<String>,
    /// Its kind.
    pub kind: peiyu_domain::TaskKind,
    /// Its title.
    pub title: String,
    /// More detail.
    pub description: Option<String>,
    /// Who does it (login); default the acting officer.
    pub assignee: Option<String>,
    /// When it is due.
    pub due: Due,
    /// When to follow up, separately from the due date.
    pub follow_up_on: Option<NaiveDate>,
}

/// A due date as given: a date, or N working days after today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// On this date.
    On(NaiveDate),
    /// The Nth working day after today.
    WorkingDays(u32),
}

/// Which open tasks a bulk transfer moves.
#[derive(Clone, Debug, Default)]
pub struct BulkTransfer {
    /// From this officer (login).
    pub from: String,
    /// To this officer (login).
    pub to: String,
    /// Only tasks about this enterprise.
    pub enterprise: Option<String>,
    /// Only tasks about enterprises in this batch of the current year's list.
    pub batch: Option<peiyu_domain::Batch>,
    /// Why (required).
    pub reason: String,
}

/// What `tick` did.
#[derive(Clone, Debug, Default)]
pub struct TickReport {
    /// The day ticked.
    pub today: Option<NaiveDate>,
    /// Tasks escalated to a team lead now: the task, its lead, working days overdue.
    pub escalated: Vec<(Task, Officer, u32)>,
    /// Recurring tasks materialised ahead of time.
    pub materialised: Vec<Task>,
    /// Certifications that lapsed (enterprise name, track, stage left).
    pub lapsed: Vec<(String, String, String)>,
    /// The seal of the day before `today`.
    pub seal: Option<peiyu_storage::Seal>,
    /// Each phase that ran, in order, with its count and its error if it failed.
    pub phases: Vec<PhaseReport>,
}

/// A phase of `tick`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TickPhase {
    /// Overdue tasks escalated to the team lead.
    Escalation,
    /// Recurring tasks created ahead of time.
    Recurring,
    /// Certifications past their expiry lapsed.
    Lapse,
    /// The previous day sealed.
    Seal,
}

impl TickPhase {
    /// A stable key for logs and JSON.
    pub fn key(self) -> &'static str {
        match self {
            TickPhase::Escalation => "escalation",
            TickPhase::Recurring => "recurring",
            TickPhase::Lapse => "lapse",
            TickPhase::Seal => "seal",
        }
    }

    /// The phase and its count in words: `督办升级 3 项`, `3 escalated`.
    pub fn summary(self, count: usize) -> Text {
        match self {
            TickPhase::Escalation => Text::new(
                format!("逾期升级督办 {count} 项"),
                format!("{count} overdue tasks escalated"),
            ),
            TickPhase::Recurring => Text::new(
                format!("生成周期任务 {count} 项"),
                format!("{count} recurring tasks created"),
            ),
            TickPhase::Lapse => Text::new(
                format!("认定到期失效 {count} 项"),
                format!("{count} certifications lapsed"),
            ),
            TickPhase::Seal => Text::new(
                format!("审计日封签 {count} 个"),
                format!("{count} daily audit seal"),
            ),
        }
    }

    /// The phase's name alone.
    pub fn label(self) -> Text {
        match self {
            TickPhase::Escalation => Text::new("逾期升级督办", "escalation"),
            TickPhase::Recurring => Text::new("生成周期任务", "recurring tasks"),
            TickPhase::Lapse => Text::new("认定到期失效", "lapses"),
            TickPhase::Seal => Text::new("审计日封签", "daily seal"),
        }
    }
}

/// How one phase of `tick` went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseReport {
    /// Which phase.
    pub phase: TickPhase,
    /// What it did (tasks escalated, created, lapsed; seals made).
    pub count: usize,
    /// Why it failed, if it did; what it did before failing stays done.
    pub error: Option<Text>,
}

impl TickReport {
    /// Notes a phase's outcome.
    pub(crate) fn record(&mut self, phase: TickPhase, count: usize, outcome: ServiceResult<()>) {
        let error = outcome
            .err()
            .map(|e| peiyu_domain::Localize::localize(&e, peiyu_domain::Lang::Zh));
        self.phases.push(PhaseReport {
            phase,
            count,
            error,
        });
    }

    /// Whether every phase ran to its end.
    pub fn all_ran(&self) -> bool {
        self.phases.iter().all(|p| p.error.is_none())
    }
}

impl Service {
    /// A task with every audit entry about it, oldest first.
    pub async fn task_history(
        &self,
        _actor: &Officer,
        key: &str,
    ) -> ServiceResult<(Versioned<Task>, Vec<peiyu_storage::AuditEntry>)> {
        let task = self.resolve_task(key).await?;
        let entries = peiyu_storage::audit::list_entries(
            self.store().conn(),
            &peiyu_storage::AuditFilter {
                subject_id: Some(task.value.id.to_string()),
                ..peiyu_storage::AuditFilter::default()
            },
        )
        .await?;
        Ok((task, entries))
    }
}

/// The most characters of a task's title.
pub const TITLE_MAX_CHARS: usize = 200;

/// Working days overdue after which `tick` escalates a task to the team lead.
pub const ESCALATE_AFTER_WORKING_DAYS: u32 = 3;

pub(crate) fn need_reason(field: Field, reason: &str) -> ServiceResult<String> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(ServiceError::invalid(
            field,
            Text::new("请说明原因", "a reason is required"),
        ));
    }
    crate::error::bounded(field, r, peiyu_domain::limits::REASON_MAX_CHARS)?;
    Ok(r.to_owned())
}

impl Service {
    async fn officer_named(&self, field: Field, login: &str) -> ServiceResult<Officer> {
        peiyu_storage::officers::find_officer_by_login(self.store().conn(), login)
            .await?
            .filter(|o| o.active)
            .ok_or_else(|| {
                ServiceError::invalid(
                    field,
                    Text::new(
                        format!("没有在岗的干部登录名为「{login}」：请查看干部名单"),
                        format!(
                            "no active officer has the login \"{login}\": see the list of officers"
                        ),
                    ),
                )
            })
    }

    /// Who the audit log says changed `task` when `actor` does: `actor`, on the assignee's
    /// behalf (`on_behalf_of` = the assignee's login) when `actor` is the task's delegate and not
    /// its assignee.
    async fn task_actor(&self, actor: &Officer, task: &Task) -> ServiceResult<Actor> {
        let mut acting = actor_of(actor);
        if task.delegate == Some(actor.id) && task.assignee != actor.id {
            let assignee = officers::find_officer(self.store().conn(), task.assignee)
                .await?
                .ok_or_else(|| StorageError::NotFound {
                    entity: "officer",
                    key: task.assignee.to_string(),
                })?;
            acting.on_behalf_of = Some(assignee.login.as_str().to_owned());
        }
        Ok(acting)
    }

    /// Checks `actor` may change `task`: its assignee or delegate, a lead of a team its
    /// assignee is in (with or without an enterprise), someone who may act on its enterprise,
    /// or an admin.
    async fn require_task_access(&self, actor: &Officer, task: &Task) -> ServiceResult<()> {
        require_writer(actor)?;
        if task.assignee == actor.id || task.delegate == Some(actor.id) || actor.role == Role::Admin
        {
            return Ok(());
        }
        if actor.role == Role::Lead
            && acting_scope(self.store(), actor)
                .await?
                .is_some_and(|scope| scope.contains(&task.assignee))
        {
            return Ok(());
        }
        match task.enterprise {
            Some(e) => {
                let enterprise = peiyu_storage::enterprises::get_enterprise(self.store().conn(), e)
                    .await?
                    .value;
                crate::authz::require_enterprise_access(self.store(), actor, &enterprise).await
            }
            None => Err(ServiceError::forbidden(
                "这不是你的任务",
                "this task is not yours",
            )),
        }
    }

    /// Writes a progress note on a task (进展, and optionally 问题 and 下步措施), speaking of
    /// `on` (default today; not before the task was created, not after today). Whoever may
    /// change the task may note it; a delegate's note is recorded on the assignee's behalf.
    /// The latest note on or before a weekly list's day is that list's 进展.
    #[tracing::instrument(skip(self, actor, note), fields(actor = %actor.login.as_str(), task = %key))]
    pub async fn note_task(
        &self,
        actor: &Officer,
        key: &str,
        note: NewNote,
    ) -> ServiceResult<TaskNote> {
        let current = self.resolve_task(key).await?;
        let task = &current.value;
        self.require_task_access(actor, task).await?;
        let part = |field: &str, text: Option<String>, required: bool| {
            let text = text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
            match text {
                None if required => Err(ServiceError::invalid(
                    Field::Named(field.to_owned()),
                    Text::new(
                        "请写明进展，如“已走访，企业同意上规”",
                        "say what progress was made, e.g. \"visited; the firm agrees to register\"",
                    ),
                )),
                Some(t) if t.chars().count() > NOTE_MAX_CHARS => Err(ServiceError::invalid(
                    Field::Named(field.to_owned()),
                    Text::new(
                        format!("不超过 {NOTE_MAX_CHARS} 字，现有 {} 字", t.chars().count()),
                        format!(
                            "at most {NOTE_MAX_CHARS} characters, got {}",
                            t.chars().count()
                        ),
                    ),
                )),
                other => Ok(other),
            }
        };
        let progress = part("progress", Some(note.progress), true)?.unwrap_or_default();
        let problem = part("problem", note.problem, false)?;
        let next_step = part("next_step", note.next_step, false)?;
        let today = self.today();
        let on = note.on.unwrap_or(today);
        if on > today || on < task.created_on {
            return Err(ServiceError::invalid(
                Field::On,
                Text::new(
                    format!(
                        "进展日期 {on} 应在任务创建日 {} 与今天 {today} 之间",
                        task.created_on
                    ),
                    format!(
                        "the note's date {on} must be between the task's creation {} and today {today}",
                        task.created_on
                    ),
                ),
            ));
        }
        let written = TaskNote {
            task: task.id,
            author: actor.id,
            written_on: on,
            progress,
            problem,
            next_step,
        };
        let acting = self.task_actor(actor, task).await?;
        in_unit!(self, &acting, |uow| {
            task_notes::insert_task_note(uow, &written, task.enterprise).await?;
            Ok(())
        })?;
        Ok(written)
    }

    /// A task's progress notes, oldest first.
    #[tracing::instrument(skip(self, _actor), fields(task = %key))]
    pub async fn task_notes(&self, _actor: &Officer, key: &str) -> ServiceResult<Vec<TaskNote>> {
        let task = self.resolve_task(key).await?;
        Ok(task_notes::notes_of(self.store().conn(), task.value.id).await?)
    }

    /// Creates a task by hand.
    #[tracing::instrument(skip(self, actor, new), fields(actor = %actor.login.as_str()))]
    pub async fn add_task(&self, actor: &Officer, new: NewTask) -> ServiceResult<Task> {
        Ok(self.add_task_keyed(actor, new, None).await?.task.value)
    }

    /// [`Service::add_task`], answering the task with the names it points at.
    #[tracing::instrument(skip(self, actor, new), fields(actor = %actor.login.as_str()))]
    pub async fn add_task_named(&self, actor: &Officer, new: NewTask) -> ServiceResult<TaskDone> {
        self.add_task_keyed(actor, new, None).await
    }

    /// [`Service::add_task`] at most once per idempotency key ([`Service::once`]): the key is
    /// claimed in the unit of work that inserts the task and holds `once`'s rendering of it
    /// with the names it points at; a repeat gets that answer back.
    #[tracing::instrument(skip(self, actor, new, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn add_task_once(
        &self,
        actor: &Officer,
        new: NewTask,
        once: &Idempotent<'_, TaskDone>,
    ) -> ServiceResult<Answer<TaskDone>> {
        self.once(actor, once, self.add_task_keyed(actor, new, Some(once)))
            .await
    }

    async fn add_task_keyed(
        &self,
        actor: &Officer,
        new: NewTask,
        once: Option<&Idempotent<'_, TaskDone>>,
    ) -> ServiceResult<TaskDone> {
        require_writer(actor)?;
        let title = new.title.trim().to_owned();
        if title.is_empty() {
            return Err(ServiceError::invalid(
                Field::Title,
                Text::new("任务标题不能为空", "a title is required"),
            ));
        }
        crate::error::bounded(Field::Title, &title, TITLE_MAX_CHARS)?;
        if let Some(description) = &new.description {
            crate::error::bounded(
                Field::named("description"),
                description,
                peiyu_domain::limits::DESCRIPTION_MAX_CHARS,
            )?;
        }
        let enterprise = match &new.enterprise {
            Some(key) => {
                let e = self.resolve_enterprise(key).await?.value;
                crate::authz::require_enterprise_access(self.store(), actor, &e).await?;
                Some(e)
            }
            None => None,
        };
        let assignee = match &new.assignee {
            Some(login) => {
                let to = self.officer_named(Field::Assignee, login).await?;
                // The one handover rule: yourself or a teammate, anyone for an admin.
                crate::authz::require_handover_to(self.store(), actor, &to).await?;
                to
            }
            None => actor.clone(),
        };
        let today = self.today();
        let due_on = match new.due {
            Due::On(d) => d,
            Due::WorkingDays(n) => self.calendar().add_working_days(today, n).map_err(|e| {
                ServiceError::invalid(Field::Due, Text::new(e.message_zh(), e.to_string()))
            })?,
        };
        if due_on < today {
            return Err(ServiceError::invalid(
                Field::Due,
                Text::new(
                    format!("截止日期 {due_on} 已过（今天 {today}）"),
                    format!("the due date {due_on} is already past (today is {today})"),
                ),
            ));
        }
        let task = Task {
            id: peiyu_domain::TaskId::new(),
            enterprise: enterprise.as_ref().map(|e| e.id),
            cultivation: None,
            kind: new.kind,
            title,
            description: new.description.filter(|d| !d.trim().is_empty()),
            assignee: assignee.id,
            delegate: None,
            created_by: actor.id,
            status: TaskStatus::Open,
            created_on: today,
            due_on,
            due_count: match new.due {
                Due::On(_) => None,
                Due::WorkingDays(days) => Some(DueCount::WorkingDays { from: today, days }),
            },
            follow_up_on: new.follow_up_on,
            origin: "manual".into(),
            completed_on: None,
            completion_note: None,
            evidence: None,
            cancel_reason: None,
        };
        // Read before the unit: SQLite's one connection is the unit's until it ends.
        let names = self.task_names([&task]).await?;
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            tasks::insert_task(uow, &task, AuditAction::TaskCreate).await?;
            Ok(TaskDone {
                task: Versioned {
                    value: task.clone(),
                    version: 1,
                },
                names: names.clone(),
            })
        })
    }

    /// Changes a task as `actor` and records it as `action` ([`Service::record_task_change`]).
    /// With `expected`, a change made by someone else since that version is a conflict.
    #[allow(clippy::too_many_arguments)]
    async fn change_task(
        &self,
        actor: &Officer,
        key: &str,
        action: AuditAction,
        reason: Option<String>,
        expected: Option<i64>,
        once: Option<&Idempotent<'_, TaskDone>>,
        change: impl FnOnce(&mut Task) -> ServiceResult<()>,
    ) -> ServiceResult<TaskDone> {
        let current = self.resolve_task(key).await?;
        self.require_task_access(actor, &current.value).await?;
        let mut after = current.value.clone();
        change(&mut after)?;
        let current = Versioned {
            version: expected.unwrap_or(current.version),
            value: current.value,
        };
        self.record_task_change(actor, &current, after, action, reason, once)
            .await
    }

    /// Records `current` becoming `after` as `action` in one unit of work, as `actor` — a
    /// delegate on the assignee's behalf ([`Service::task_actor`]) — and returns the new value
    /// with the names it points at (read before the unit starts). With `once`, the key is
    /// claimed and the answer stored in that same unit.
    async fn record_task_change(
        &self,
        actor: &Officer,
        current: &Versioned<Task>,
        after: Task,
        action: AuditAction,
        reason: Option<String>,
        once: Option<&Idempotent<'_, TaskDone>>,
    ) -> ServiceResult<TaskDone> {
        let acting = self.task_actor(actor, &current.value).await?;
        // Read before the unit: SQLite's one connection is the unit's until it ends.
        let names = self.task_names([&after]).await?;
        in_unit!(self, &acting, once = once, |uow| {
            let version = tasks::update_task(
                uow,
                &current.value,
                &after,
                current.version,
                action,
                reason.clone(),
            )
            .await?;
            Ok(TaskDone {
                task: Versioned {
                    value: after.clone(),
                    version,
                },
                names: names.clone(),
            })
        })
    }

    /// Gives an open task to another officer (转办); the new assignee owns it from now on.
    pub async fn transfer_task(
        &self,
        actor: &Officer,
        key: &str,
        to: &str,
        reason: &str,
    ) -> ServiceResult<Versioned<Task>> {
        let change = TaskChange::Transfer {
            to: to.to_owned(),
            reason: reason.to_owned(),
        };
        Ok(self.apply_task_change(actor, key, change, None).await?.task)
    }

    /// Sets who a task is assigned to (a lead or admin arranging work).
    pub async fn assign_task(
        &self,
        actor: &Officer,
        key: &str,
        to: &str,
    ) -> ServiceResult<Versioned<Task>> {
        let change = TaskChange::Assign { to: to.to_owned() };
        Ok(self.apply_task_change(actor, key, change, None).await?.task)
    }

    /// Has another officer do a task for its assignee (委派); it stays the assignee's, shows on
    /// both lists, and returns to the assignee with `undelegate` (`to` = `None`) or when done.
    pub async fn delegate_task(
        &self,
        actor: &Officer,
        key: &str,
        to: Option<&str>,
    ) -> ServiceResult<Versioned<Task>> {
        let change = TaskChange::Delegate {
            to: to.map(str::to_owned),
        };
        Ok(self.apply_task_change(actor, key, change, None).await?.task)
    }

    /// Opens a done or cancelled task again, with a reason.
    pub async fn reopen_task(
        &self,
        actor: &Officer,
        key: &str,
        reason: &str,
    ) -> ServiceResult<Versioned<Task>> {
        let change = TaskChange::Reopen {
            reason: reason.to_owned(),
        };
        Ok(self.apply_task_change(actor, key, change, None).await?.task)
    }

    /// Cancels an open task, with a reason.
    pub async fn cancel_task(
        &self,
        actor: &Officer,
        key: &str,
        reason: &str,
    ) -> ServiceResult<Versioned<Task>> {
        let change = TaskChange::Cancel {
            reason: reason.to_owned(),
        };
        Ok(self.apply_task_change(actor, key, change, None).await?.task)
    }

    /// Makes `change` to the task `key` (full or short id), as the CLI's `task assign`,
    /// `transfer`, `delegate`, `undelegate`, `reopen` and `cancel` do. With `expected`, a
    /// change made since that version is a conflict and nothing changes. Answers the task as
    /// changed with the names it points at.
    #[tracing::instrument(skip(self, actor, change), fields(actor = %actor.login.as_str(), change = change.name()))]
    pub async fn apply_task_change(
        &self,
        actor: &Officer,
        key: &str,
        change: TaskChange,
        expected: Option<i64>,
    ) -> ServiceResult<TaskDone> {
        self.task_change(actor, key, change, expected, None).await
    }

    /// [`Service::apply_task_change`] at most once per idempotency key ([`Service::once`]): the
    /// key is claimed in the unit of work that records the change and holds `once`'s rendering
    /// of the task as changed; a repeat gets that answer back.
    #[tracing::instrument(skip(self, actor, change, once), fields(actor = %actor.login.as_str(), change = change.name(), key = %once.key()))]
    pub async fn apply_task_change_once(
        &self,
        actor: &Officer,
        key: &str,
        change: TaskChange,
        expected: Option<i64>,
        once: &Idempotent<'_, TaskDone>,
    ) -> ServiceResult<Answer<TaskDone>> {
        self.once(
            actor,
            once,
            self.task_change(actor, key, change, expected, Some(once)),
        )
        .await
    }

    async fn task_change(
        &self,
        actor: &Officer,
        key: &str,
        change: TaskChange,
        expected: Option<i64>,
        once: Option<&Idempotent<'_, TaskDone>>,
    ) -> ServiceResult<TaskDone> {
        match change {
            TaskChange::Transfer { to, reason } => {
                let reason = need_reason(Field::Reason, &reason)?;
                let to = self.officer_named(Field::To, &to).await?;
                crate::authz::require_handover_to(self.store(), actor, &to).await?;
                let action = AuditAction::TaskTransfer;
                self.change_task(actor, key, action, Some(reason), expected, once, |t| {
                    if t.status != TaskStatus::Open {
                        return Err(not_open(t));
                    }
                    if t.assignee == to.id {
                        return Err(ServiceError::invalid(
                            Field::To,
                            Text::new("任务已由该干部负责", "the task is already theirs"),
                        ));
                    }
                    t.assignee = to.id;
                    t.delegate = None;
                    Ok(())
                })
                .await
            }
            TaskChange::Assign { to } => {
                if !matches!(actor.role, Role::Admin | Role::Lead) {
                    return Err(ServiceError::forbidden(
                        "只有组长或管理员可以分派任务；负责人可将任务转办",
                        "only a lead or an admin assigns tasks; the assignee may transfer it",
                    ));
                }
                let to = self.officer_named(Field::To, &to).await?;
                crate::authz::require_handover_to(self.store(), actor, &to).await?;
                let action = AuditAction::TaskAssign;
                self.change_task(actor, key, action, None, expected, once, |t| {
                    if t.status != TaskStatus::Open {
                        return Err(not_open(t));
                    }
                    t.assignee = to.id;
                    Ok(())
                })
                .await
            }
            TaskChange::Delegate { to } => {
                let to = match to {
                    Some(login) => Some(self.officer_named(Field::To, &login).await?),
                    None => None,
                };
                if let Some(to) = &to {
                    crate::authz::require_handover_to(self.store(), actor, to).await?;
                }
                let action = if to.is_some() {
                    AuditAction::TaskDelegate
                } else {
                    AuditAction::TaskUndelegate
                };
                self.change_task(actor, key, action, None, expected, once, |t| {
                    if t.status != TaskStatus::Open {
                        return Err(not_open(t));
                    }
                    match &to {
                        Some(o) if o.id == t.assignee => {
                            return Err(ServiceError::invalid(
                                Field::To,
                                Text::new(
                                    "不能委派给负责人本人",
                                    "cannot delegate a task to its own assignee",
                                ),
                            ));
                        }
                        None if t.delegate.is_none() => {
                            return Err(ServiceError::invalid(
                                Field::Task,
                                Text::new("任务没有被委派", "the task is not delegated"),
                            ));
                        }
                        _ => {}
                    }
                    t.delegate = to.as_ref().map(|o| o.id);
                    Ok(())
                })
                .await
            }
            TaskChange::Reopen { reason } => {
                let reason = need_reason(Field::Reason, &reason)?;
                let action = AuditAction::TaskReopen;
                self.change_task(actor, key, action, Some(reason), expected, once, |t| {
                    if t.status == TaskStatus::Open {
                        return Err(ServiceError::invalid(
                            Field::Task,
                            Text::new("任务本来就未完成", "the task is already open"),
                        ));
                    }
                    t.status = TaskStatus::Open;
                    t.completed_on = None;
                    t.cancel_reason = None;
                    Ok(())
                })
                .await
            }
            TaskChange::Cancel { reason } => {
                let reason = need_reason(Field::Reason, &reason)?;
                let r = reason.clone();
                let action = AuditAction::TaskCancel;
                self.change_task(actor, key, action, Some(reason), expected, once, move |t| {
                    if t.status != TaskStatus::Open {
                        return Err(not_open(t));
                    }
                    t.status = TaskStatus::Cancelled;
                    t.cancel_reason = Some(r);
                    Ok(())
                })
                .await
            }
        }
    }

    /// Transfers every open task of one officer (optionally only about one enterprise or one
    /// batch) to another, in ONE transaction with one audit entry per task: all or nothing.
    #[tracing::instrument(skip(self, actor, cmd), fields(actor = %actor.login.as_str(), from = %cmd.from, to = %cmd.to))]
    pub async fn bulk_transfer(
        &self,
        actor: &Officer,
        cmd: &BulkTransfer,
    ) -> ServiceResult<Vec<Task>> {
        self.bulk_transfer_keyed(actor, cmd, None).await
    }

    /// [`Service::bulk_transfer`] at most once per idempotency key ([`Service::once`]): the key
    /// is claimed in the unit of work that moves the tasks and holds `once`'s rendering of them.
    #[tracing::instrument(skip(self, actor, cmd, once), fields(actor = %actor.login.as_str(), from = %cmd.from, to = %cmd.to, key = %once.key()))]
    pub async fn bulk_transfer_once(
        &self,
        actor: &Officer,
        cmd: &BulkTransfer,
        once: &Idempotent<'_, Vec<Task>>,
    ) -> ServiceResult<Answer<Vec<Task>>> {
        self.once(
            actor,
            once,
            self.bulk_transfer_keyed(actor, cmd, Some(once)),
        )
        .await
    }

    async fn bulk_transfer_keyed(
        &self,
        actor: &Officer,
        cmd: &BulkTransfer,
        once: Option<&Idempotent<'_, Vec<Task>>>,
    ) -> ServiceResult<Vec<Task>> {
        if !matches!(actor.role, Role::Admin | Role::Lead) {
            return Err(ServiceError::forbidden(
                "只有组长或管理员可以批量转办",
                "only a lead or an admin transfers tasks in bulk",
            ));
        }
        let reason = need_reason(Field::Reason, &cmd.reason)?;
        let from = self.officer_named(Field::From, &cmd.from).await?;
        let to = self.officer_named(Field::To, &cmd.to).await?;
        if from.id == to.id {
            return Err(ServiceError::invalid(
                Field::To,
                Text::new(
                    "转出与转入是同一人",
                    "the officer handing over and the one taking over are the same",
                ),
            ));
        }
        let enterprise = match &cmd.enterprise {
            Some(key) => Some(self.resolve_enterprise(key).await?.value.id),
            None => None,
        };
        let year = chrono::Datelike::year(&self.today());
        let open = tasks::list_tasks(
            self.store().conn(),
            &TaskFilter {
                cultivation: None,
                enterprise,
                assignees: None,
                status: Some(TaskStatus::Open),
            },
        )
        .await?;
        let mut chosen = Vec::new();
        for t in open.into_iter().filter(|t| t.value.assignee == from.id) {
            if let Some(b) = cmd.batch {
                let in_batch = match t.value.enterprise {
                    Some(e) => self.batch_of(e, year).await? == Some(b),
                    None => false,
                };
                if !in_batch {
                    continue;
                }
            }
            chosen.push(t);
        }
        let moved: Vec<Task> = in_unit!(self, &actor_of(actor), once = once, |uow| {
            let mut out = Vec::with_capacity(chosen.len());
            for t in &chosen {
                let mut after = t.value.clone();
                after.assignee = to.id;
                after.delegate = None;
                tasks::update_task(
                    uow,
                    &t.value,
                    &after,
                    t.version,
                    AuditAction::TaskTransfer,
                    Some(reason.clone()),
                )
                .await?;
                out.push(after);
            }
            Ok(out)
        })?;
        Ok(moved)
    }
}

fn not_open(t: &Task) -> ServiceError {
    ServiceError::invalid(
        Field::Task,
        Text::new(
            format!(
                "任务「{}」已是「{}」状态",
                t.title,
                t.status.label(peiyu_domain::Lang::Zh)
            ),
            format!(
                "the task \"{}\" is {}",
                t.title,
                t.status.label(peiyu_domain::Lang::En)
            ),
        ),
    )
}
