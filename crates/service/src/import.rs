//! Ledgers (台账) in and out: many enterprises, months of figures, batch-list entries or tasks
//! at once.
//!
//! The front end reads a file into rows of domain values (each with the line it came from);
//! these use cases check every row against the database — the enterprise exists, the officer
//! exists and is within the actor's reach, no key appears twice — and report EVERY problem, not
//! the first. [`ImportMode`] decides what happens then. What is written goes in ONE unit of work:
//! new rows and changed rows, each with its audit entry; a row equal to what is stored writes
//! nothing and is audited nowhere, so importing the same file twice changes nothing.
//!
//! Keys: an enterprise by its USCC, a month of figures by USCC and month, a batch entry by list
//! year and USCC, a task by its id (or, without one, by enterprise, title, assignee and due
//! date).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use peiyu_domain::AuditAction;
use peiyu_domain::{
    Batch, Enterprise, EnterpriseId, LandArea, LegalForm, Metrics, NewEnterprise, Officer,
    OfficerId, Role, Sector, Task, TaskId, TaskKind, TaskStatus, Tce, Text, Uscc, YearMonth, Yuan,
};
use peiyu_storage::{BatchChange, UnitOfWork, Versioned, batches, bulk, officers, tasks};

use crate::authz::{acting_scope, require_writer};
use crate::error::{ServiceError, ServiceResult};
use crate::{ListEnterprises, ListTasks, Service, actor_of, in_unit};

/// Rows written per step of a long import; progress is reported after each.
const STEP: usize = 5_000;

/// Enterprises whose stored months are read at once while importing metrics.
const ENTERPRISES_PER_READ: usize = 2_000;

/// One problem with one row of an import file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    /// The row's line (CSV) or row number (XLSX), as the user sees it in an editor or Excel.
    pub line: u64,
    /// The field (`uscc`, `officer`, `month`, …); the front end shows the column's header.
    pub field: String,
    /// The value as read.
    pub value: String,
    /// What is wrong and what is expected.
    pub message: Text,
}

impl RowProblem {
    /// A problem with `field` of the row on `line`; the value is kept as a message quotes
    /// it, at most its first 100 characters.
    pub fn new(line: u64, field: &str, value: impl Into<String>, message: Text) -> RowProblem {
        RowProblem {
            line,
            field: field.to_owned(),
            value: peiyu_domain::excerpt(&value.into()),
            message,
        }
    }

    /// A problem when `text`, the `field` of the row on `line`, has more than `max`
    /// characters (`peiyu_domain::limits`).
    fn too_long(line: u64, field: &str, text: &str, max: usize) -> Option<RowProblem> {
        use peiyu_domain::Localize;
        peiyu_domain::limits::within(text, max)
            .err()
            .map(|e| RowProblem::new(line, field, text, e.localize(peiyu_domain::Lang::Zh)))
    }
}

/// What an import does once every row is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportMode {
    /// Check only: report the problems, write nothing.
    Check,
    /// Write every row, or nothing at all when any row has a problem (the default).
    AllOrNothing,
    /// Write the good rows and report the others.
    SkipInvalid,
}

/// What an import found and did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    /// Rows that added something new.
    pub inserted: usize,
    /// Rows that changed something stored.
    pub updated: usize,
    /// Rows equal to what is stored: nothing written, nothing audited.
    pub unchanged: usize,
    /// Every problem, by line.
    pub problems: Vec<RowProblem>,
    /// Whether anything was committed.
    pub written: bool,
}

/// Called as `(rows done, rows to write)` while a long import writes.
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// One row of an enterprise ledger. `None` means the file has no such column: an existing
/// enterprise keeps its value and a new one gets the default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnterpriseRow {
    /// The line it came from.
    pub line: u64,
    /// The key.
    pub uscc: Uscc,
    /// The name (required for a new enterprise).
    pub name: Option<String>,
    /// The sector (required for a new enterprise).
    pub sector: Option<Sector>,
    /// The town.
    pub town: Option<String>,
    /// The address.
    pub address: Option<String>,
    /// The land area; `Some(None)` for an empty cell.
    pub land_area: Option<Option<LandArea>>,
    /// Legal entity (the default) or branch.
    pub legal_form: Option<LegalForm>,
    /// The responsible officer's login or name; `Some(None)` for an empty cell.
    pub officer: Option<Option<String>>,
}

/// One row of a metrics ledger: one enterprise's figures for one month. A figure column the
/// file lacks (`None`) keeps what is stored; an empty cell (`Some(None)`) means not reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricsRow {
    /// The line it came from.
    pub line: u64,
    /// The enterprise.
    pub uscc: Uscc,
    /// The month.
    pub month: YearMonth,
    /// Main-business revenue.
    pub revenue: Option<Option<Yuan>>,
    /// Output value.
    pub output_value: Option<Option<Yuan>>,
    /// Energy use.
    pub energy: Option<Option<Tce>>,
    /// Employees.
    pub employees: Option<Option<u32>>,
    /// Tax.
    pub tax: Option<Option<Yuan>>,
    /// R&D spending.
    pub rnd_spend: Option<Option<Yuan>>,
}

/// One row of a batch-list ledger: an enterprise's batch on a year's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchRow {
    /// The line it came from.
    pub line: u64,
    /// The list's year.
    pub year: i32,
    /// The enterprise.
    pub uscc: Uscc,
    /// Its batch.
    pub batch: Batch,
    /// Why (a default is recorded when empty).
    pub reason: Option<String>,
    /// The effective date of an entry or move (default today).
    pub since: Option<NaiveDate>,
}

/// One row of a task ledger. `None` means the file has no such column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskRow {
    /// The line it came from.
    pub line: u64,
    /// The task's id, when the row is an exported task.
    pub id: Option<TaskId>,
    /// The enterprise it is about; `Some(None)` for an empty cell.
    pub enterprise: Option<Option<Uscc>>,
    /// Its kind (default custom).
    pub kind: Option<TaskKind>,
    /// Its title (required for a new task).
    pub title: Option<String>,
    /// More detail; `Some(None)` for an empty cell.
    pub description: Option<Option<String>>,
    /// The assignee's login or name (default the acting officer).
    pub assignee: Option<String>,
    /// The due date (required for a new task).
    pub due_on: Option<NaiveDate>,
    /// The follow-up date; `Some(None)` for an empty cell.
    pub follow_up_on: Option<Option<NaiveDate>>,
    /// Its status: must match the stored one (status changes go through `task done` etc.).
    pub status: Option<TaskStatus>,
}

/// A task with the enterprise and officer it names, for export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskRecord {
    /// The task.
    pub task: Task,
    /// Its enterprise, if any.
    pub enterprise: Option<Enterprise>,
    /// Its assignee.
    pub assignee: Officer,
}

fn t(zh: impl Into<String>, en: impl Into<String>) -> Text {
    Text::new(zh, en)
}

/// Officers by login and by (unique) name.
struct OfficerIndex {
    by_login: HashMap<String, Officer>,
    by_name: HashMap<String, Vec<Officer>>,
}

impl OfficerIndex {
    fn new(all: Vec<Officer>) -> OfficerIndex {
        let mut by_name: HashMap<String, Vec<Officer>> = HashMap::new();
        for o in &all {
            by_name.entry(o.name.clone()).or_default().push(o.clone());
        }
        OfficerIndex {
            by_login: all
                .into_iter()
                .map(|o| (o.login.as_str().to_owned(), o))
                .collect(),
            by_name,
        }
    }

    /// The active officer a cell names by login or unambiguous name.
    fn find(&self, line: u64, field: &str, key: &str) -> Result<Officer, RowProblem> {
        let key = key.trim();
        let found = match self.by_login.get(key) {
            Some(o) => Some(o.clone()),
            None => match self.by_name.get(key).map(Vec::as_slice) {
                Some([one]) => Some(one.clone()),
                Some([_, _, ..]) => {
                    return Err(RowProblem::new(
                        line,
                        field,
                        key,
                        t(
                            format!("有多名干部叫「{key}」：请填写登录名"),
                            format!("several officers are named \"{key}\": give the login"),
                        ),
                    ));
                }
                _ => None,
            },
        };
        match found {
            Some(o) if o.active => Ok(o),
            Some(_) => Err(RowProblem::new(
                line,
                field,
                key,
                t(
                    format!("干部「{key}」已停用"),
                    format!("officer \"{key}\" is inactive"),
                ),
            )),
            None => Err(RowProblem::new(
                line,
                field,
                key,
                t(
                    format!("没有登录名或姓名为「{key}」的干部：请查看干部名单"),
                    format!("no officer has the login or name \"{key}\": see the list of officers"),
                ),
            )),
        }
    }
}

/// Whether the actor (with this scope; `None` = no limit) may act on an enterprise looked after
/// by `responsible`.
fn in_scope(scope: &Option<Vec<OfficerId>>, responsible: Option<OfficerId>) -> bool {
    match scope {
        None => true,
        Some(s) => responsible.is_some_and(|r| s.contains(&r)),
    }
}

fn not_yours(line: u64, e: &Enterprise) -> RowProblem {
    RowProblem::new(
        line,
        "uscc",
        e.uscc.as_str(),
        t(
            format!(
                "「{}」不由你或你所在专班负责：请联系其负责干部或管理员",
                e.name
            ),
            format!(
                "\"{}\" is not yours or your team's: ask its responsible officer or an admin",
                e.name
            ),
        ),
    )
}

fn unknown_enterprise(line: u64, uscc: &Uscc) -> RowProblem {
    RowProblem::new(
        line,
        "uscc",
        uscc.as_str(),
        t(
            format!("没有统一社会信用代码为 {uscc} 的企业：请先导入企业台账"),
            format!("no enterprise has the USCC {uscc}: import the enterprise ledger first"),
        ),
    )
}

fn duplicate(line: u64, field: &str, value: &str, first: u64) -> RowProblem {
    RowProblem::new(
        line,
        field,
        value,
        t(
            format!("与第 {first} 行重复"),
            format!("repeats line {first}"),
        ),
    )
}

fn missing(line: u64, field: &str, zh: &str, en: &str) -> RowProblem {
    RowProblem::new(
        line,
        field,
        "",
        t(
            format!("新增时必须填写{zh}"),
            format!("a new {en} needs this column"),
        ),
    )
}

/// The enterprise plan: what to add, what to change, what is already so.
#[derive(Default)]
struct EnterprisePlan {
    inserts: Vec<Enterprise>,
    updates: Vec<(Versioned<Enterprise>, Enterprise)>,
    unchanged: usize,
    problems: Vec<RowProblem>,
}

/// The metrics plan: the rows that passed, by month.
#[derive(Default)]
struct MetricsPlan {
    /// Row indices by enterprise, oldest month first.
    by_enterprise: BTreeMap<EnterpriseId, Vec<usize>>,
    problems: Vec<RowProblem>,
}

pub(crate) fn finish(mut outcome: ImportOutcome, mut problems: Vec<RowProblem>) -> ImportOutcome {
    problems.sort_by_key(|p| p.line);
    outcome.problems = problems;
    outcome
}

/// Whether a plan with these problems is written in this mode.
pub(crate) fn writes(mode: ImportMode, problems: &[RowProblem]) -> bool {
    match mode {
        ImportMode::Check => false,
        ImportMode::AllOrNothing => problems.is_empty(),
        ImportMode::SkipInvalid => true,
    }
}

pub(crate) fn report(progress: &Option<Progress>, done: usize, total: usize) {
    if let Some(p) = progress {
        p(done as u64, total as u64);
    }
}

/// The reason recorded on every change an import makes.
const IMPORT_REASON: &str = "台账导入 / ledger import";

impl Service {
    /// Imports an enterprise ledger: adds the enterprises whose USCC is new, changes those whose
    /// row differs from what is stored, leaves the rest alone. Every row is checked first; see
    /// [`ImportMode`] for what happens to a file with problems.
    #[tracing::instrument(skip_all, fields(actor = %actor.login.as_str(), rows = rows.len(), ?mode))]
    pub async fn import_enterprises(
        &self,
        actor: &Officer,
        rows: &[EnterpriseRow],
        mode: ImportMode,
        progress: Option<Progress>,
    ) -> ServiceResult<ImportOutcome> {
        require_writer(actor)?;
        let conn = self.store().conn();
        let people = OfficerIndex::new(officers::list_officers(conn).await?);
        let scope = acting_scope(self.store(), actor).await?;
        in_unit!(self, &actor_of(actor), |uow| {
            let plan = plan_enterprises(uow, actor, &people, &scope, rows).await?;
            let mut outcome = ImportOutcome {
                inserted: plan.inserts.len(),
                updated: plan.updates.len(),
                unchanged: plan.unchanged,
                ..ImportOutcome::default()
            };
            if writes(mode, &plan.problems) {
                let total = plan.inserts.len() + plan.updates.len();
                let mut done = 0;
                for step in plan.inserts.chunks(STEP) {
                    bulk::insert_enterprises(uow, step, Some(IMPORT_REASON)).await?;
                    done += step.len();
                    report(&progress, done, total);
                }
                for step in plan.updates.chunks(STEP) {
                    bulk::update_enterprises(uow, step, Some(IMPORT_REASON)).await?;
                    done += step.len();
                    report(&progress, done, total);
                }
                outcome.written = total > 0;
            }
            Ok(finish(outcome, plan.problems))
        })
    }

    /// Imports a metrics ledger: one enterprise's figures for one month per row, upserted by
    /// USCC and month. Figures equal to what is stored write nothing.
    #[tracing::instrument(skip_all, fields(actor = %actor.login.as_str(), rows = rows.len(), ?mode))]
    pub async fn import_metrics(
        &self,
        actor: &Officer,
        rows: &[MetricsRow],
        mode: ImportMode,
        progress: Option<Progress>,
    ) -> ServiceResult<ImportOutcome> {
        require_writer(actor)?;
        let conn = self.store().conn();
        let scope = acting_scope(self.store(), actor).await?;
        let enterprises: HashMap<String, Enterprise> = bulk::all_enterprises(conn)
            .await?
            .into_iter()
            .map(|v| (v.value.uscc.as_str().to_owned(), v.value))
            .collect();
        let plan = plan_metrics(&enterprises, &scope, rows);
        if !writes(mode, &plan.problems) {
            return Ok(finish(ImportOutcome::default(), plan.problems));
        }
        let total: usize = plan.by_enterprise.values().map(Vec::len).sum();
        let groups: Vec<Vec<EnterpriseId>> = plan
            .by_enterprise
            .keys()
            .copied()
            .collect::<Vec<_>>()
            .chunks(ENTERPRISES_PER_READ)
            .map(<[EnterpriseId]>::to_vec)
            .collect();
        in_unit!(self, &actor_of(actor), |uow| {
            let mut outcome = ImportOutcome::default();
            let mut done = 0;
            let mut changes = Vec::new();
            // A group of enterprises at a time: one read of what they have stored, and each
            // enterprise's months appended to its audit chain together.
            for group in &groups {
                let stored: HashMap<(EnterpriseId, YearMonth), Metrics> =
                    bulk::metrics_of_enterprises(uow.txn(), group)
                        .await?
                        .into_iter()
                        .map(|m| ((m.enterprise, m.month), m))
                        .collect();
                for enterprise in group {
                    let Some(members) = plan.by_enterprise.get(enterprise) else {
                        continue;
                    };
                    for &index in members {
                        let Some(row) = rows.get(index) else { continue };
                        let before = stored.get(&(*enterprise, row.month)).cloned();
                        let mut after = before
                            .clone()
                            .unwrap_or_else(|| Metrics::empty(*enterprise, row.month));
                        apply_figures(&mut after, row);
                        match &before {
                            Some(b) if *b == after => outcome.unchanged += 1,
                            Some(_) => {
                                outcome.updated += 1;
                                changes.push((before, after));
                            }
                            None => {
                                outcome.inserted += 1;
                                changes.push((None, after));
                            }
                        }
                    }
                    done += members.len();
                    if changes.len() >= STEP {
                        bulk::upsert_metrics(uow, &changes, Some(IMPORT_REASON)).await?;
                        changes.clear();
                        report(&progress, done, total);
                    }
                }
            }
            bulk::upsert_metrics(uow, &changes, Some(IMPORT_REASON)).await?;
            report(&progress, done, total);
            outcome.written = outcome.inserted + outcome.updated > 0;
            Ok(finish(outcome, plan.problems.clone()))
        })
    }

    /// Imports a batch-list ledger: puts each enterprise in the batch its row names on that
    /// year's list (creating the list as a draft if needed), moving it when it is in another
    /// batch. An enterprise already in that batch is left alone; enterprises on the list but not
    /// in the file stay where they are. Only a team lead or an admin may.
    #[tracing::instrument(skip_all, fields(actor = %actor.login.as_str(), rows = rows.len(), ?mode))]
    pub async fn import_batches(
        &self,
        actor: &Officer,
        rows: &[BatchRow],
        mode: ImportMode,
        progress: Option<Progress>,
    ) -> ServiceResult<ImportOutcome> {
        if !matches!(actor.role, Role::Admin | Role::Lead) {
            return Err(ServiceError::forbidden(
                "只有组长或管理员可以调整「四个一批」名单",
                "only a team lead or an admin may change the four-batches lists",
            ));
        }
        let today = self.today();
        let conn = self.store().conn();
        let enterprises: HashMap<String, Enterprise> = bulk::all_enterprises(conn)
            .await?
            .into_iter()
            .map(|v| (v.value.uscc.as_str().to_owned(), v.value))
            .collect();
        in_unit!(self, &actor_of(actor), |uow| {
            let (changes, problems, unchanged) =
                plan_batches(uow, &enterprises, rows, today).await?;
            let mut outcome = ImportOutcome {
                unchanged,
                ..ImportOutcome::default()
            };
            if writes(mode, &problems) {
                let mut lists: HashMap<i32, peiyu_domain::BatchList> = HashMap::new();
                let total = changes.len();
                for (done, mut change) in changes.into_iter().enumerate() {
                    let year = change.list.year;
                    let list = match lists.get(&year) {
                        Some(l) => l.clone(),
                        None => {
                            let l = match batches::find_list(uow.txn(), year).await? {
                                Some(l) => l.value,
                                None => batches::create_list(uow, year).await?,
                            };
                            lists.insert(year, l.clone());
                            l
                        }
                    };
                    change.list = list;
                    if change.current.is_some() {
                        outcome.updated += 1;
                    } else {
                        outcome.inserted += 1;
                    }
                    batches::apply_change(uow, &change).await?;
                    if (done + 1).is_multiple_of(STEP) {
                        report(&progress, done + 1, total);
                    }
                }
                report(&progress, total, total);
                outcome.written = total > 0;
            }
            Ok(finish(outcome, problems))
        })
    }

    /// Imports a task ledger: a row with the id of a stored task changes that task where it
    /// differs; a row without one adds a task unless an equal one (same enterprise, title,
    /// assignee and due date) exists. New tasks are open, created today, with origin `import`.
    #[tracing::instrument(skip_all, fields(actor = %actor.login.as_str(), rows = rows.len(), ?mode))]
    pub async fn import_tasks(
        &self,
        actor: &Officer,
        rows: &[TaskRow],
        mode: ImportMode,
        progress: Option<Progress>,
    ) -> ServiceResult<ImportOutcome> {
        require_writer(actor)?;
        let conn = self.store().conn();
        let people = OfficerIndex::new(officers::list_officers(conn).await?);
        let scope = acting_scope(self.store(), actor).await?;
        let enterprises: HashMap<String, Enterprise> = bulk::all_enterprises(conn)
            .await?
            .into_iter()
            .map(|v| (v.value.uscc.as_str().to_owned(), v.value))
            .collect();
        let ctx = TaskContext {
            actor,
            people: &people,
            scope: &scope,
            enterprises: &enterprises,
            today: self.today(),
        };
        in_unit!(self, &actor_of(actor), |uow| {
            let plan = plan_tasks(uow, &ctx, rows).await?;
            let mut outcome = ImportOutcome {
                inserted: plan.inserts.len(),
                updated: plan.updates.len(),
                unchanged: plan.unchanged,
                ..ImportOutcome::default()
            };
            if writes(mode, &plan.problems) {
                let total = plan.inserts.len() + plan.updates.len();
                let mut done = 0usize;
                for task in &plan.inserts {
                    tasks::insert_task(uow, task, AuditAction::TaskImport).await?;
                    done += 1;
                    if done.is_multiple_of(STEP) {
                        report(&progress, done, total);
                    }
                }
                for (before, after) in &plan.updates {
                    tasks::update_task(
                        uow,
                        &before.value,
                        after,
                        before.version,
                        AuditAction::TaskImport,
                        Some(IMPORT_REASON.to_owned()),
                    )
                    .await?;
                    done += 1;
                    if done.is_multiple_of(STEP) {
                        report(&progress, done, total);
                    }
                }
                report(&progress, total, total);
                outcome.written = total > 0;
            }
            Ok(finish(outcome, plan.problems))
        })
    }

    /// Every month of figures (optionally within `[from, to]`) with its enterprise, by USCC
    /// then month: what `peiyu export metrics` writes.
    #[tracing::instrument(skip(self, _actor))]
    pub async fn export_metrics(
        &self,
        _actor: &Officer,
        from: Option<YearMonth>,
        to: Option<YearMonth>,
    ) -> ServiceResult<Vec<(Enterprise, Metrics)>> {
        let conn = self.store().conn();
        let enterprises: HashMap<EnterpriseId, Enterprise> = bulk::all_enterprises(conn)
            .await?
            .into_iter()
            .map(|v| (v.value.id, v.value))
            .collect();
        let mut out: Vec<(Enterprise, Metrics)> = bulk::all_metrics(conn, from, to)
            .await?
            .into_iter()
            .filter_map(|m| enterprises.get(&m.enterprise).map(|e| (e.clone(), m)))
            .collect();
        out.sort_by(|a, b| (a.0.uscc.as_str(), a.1.month).cmp(&(b.0.uscc.as_str(), b.1.month)));
        Ok(out)
    }

    /// The enterprises on the books (not archived), by USCC: what `peiyu export enterprises`
    /// writes.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn export_enterprises(
        &self,
        actor: &Officer,
    ) -> ServiceResult<Vec<crate::EnterpriseView>> {
        let mut all = self
            .list_enterprises(actor, &ListEnterprises::default())
            .await?;
        all.sort_by(|a, b| a.enterprise.uscc.cmp(&b.enterprise.uscc));
        Ok(all)
    }

    /// Every task the actor can see (open, done and cancelled), with its enterprise and
    /// assignee, by due date: what `peiyu export tasks` writes.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn export_tasks(&self, actor: &Officer) -> ServiceResult<Vec<TaskRecord>> {
        let conn = self.store().conn();
        let people: HashMap<OfficerId, Officer> = officers::list_officers(conn)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let enterprises: HashMap<EnterpriseId, Enterprise> = bulk::all_enterprises(conn)
            .await?
            .into_iter()
            .map(|v| (v.value.id, v.value))
            .collect();
        let list = self
            .list_tasks(
                actor,
                &ListTasks {
                    all: true,
                    ..ListTasks::default()
                },
            )
            .await?;
        Ok(list
            .tasks
            .into_iter()
            .filter_map(|v| {
                let task = v.value;
                let assignee = people.get(&task.assignee)?.clone();
                let enterprise = task.enterprise.and_then(|e| enterprises.get(&e).cloned());
                Some(TaskRecord {
                    task,
                    enterprise,
                    assignee,
                })
            })
            .collect())
    }
}

async fn plan_enterprises(
    uow: &UnitOfWork,
    actor: &Officer,
    people: &OfficerIndex,
    scope: &Option<Vec<OfficerId>>,
    rows: &[EnterpriseRow],
) -> ServiceResult<EnterprisePlan> {
    let existing: HashMap<String, Versioned<Enterprise>> = bulk::all_enterprises(uow.txn())
        .await?
        .into_iter()
        .map(|v| (v.value.uscc.as_str().to_owned(), v))
        .collect();
    let mut plan = EnterprisePlan::default();
    let mut seen: HashMap<&str, u64> = HashMap::with_capacity(rows.len());
    for row in rows {
        let mut problems = Vec::new();
        if let Some(first) = seen.insert(row.uscc.as_str(), row.line) {
            problems.push(duplicate(row.line, "uscc", row.uscc.as_str(), first));
        }
        // The responsible officer: Some(Some(id)) named, Some(None) cleared, None not given.
        let officer: Option<Option<OfficerId>> = match &row.officer {
            Some(Some(key)) => match people.find(row.line, "officer", key) {
                Ok(o) if in_scope(scope, Some(o.id)) => Some(Some(o.id)),
                Ok(o) => {
                    problems.push(RowProblem::new(
                        row.line,
                        "officer",
                        key.as_str(),
                        t(
                            format!(
                                "你只能把企业交给自己或同专班的干部负责，「{}」不在你的专班",
                                o.name
                            ),
                            format!(
                                "you may only make yourself or a teammate responsible; \"{}\" is not in your team",
                                o.name
                            ),
                        ),
                    ));
                    None
                }
                Err(p) => {
                    problems.push(p);
                    None
                }
            },
            Some(None) => Some(None),
            None => None,
        };
        let default_officer = (actor.role != Role::Admin).then_some(actor.id);
        let planned = match existing.get(row.uscc.as_str()) {
            Some(current) => {
                if !in_scope(scope, current.value.responsible_officer) {
                    problems.push(not_yours(row.line, &current.value));
                }
                let mut after = current.value.clone();
                apply_enterprise(&mut after, row);
                if let Some(o) = officer {
                    after.responsible_officer = o.or(default_officer);
                }
                Some((Some(current), after))
            }
            None => {
                if row.name.is_none() {
                    problems.push(missing(row.line, "name", "企业名称", "enterprise"));
                }
                if row.sector.is_none() {
                    problems.push(missing(row.line, "sector", "行业", "enterprise"));
                }
                row.sector.map(|sector| {
                    let mut e = Enterprise {
                        id: EnterpriseId::new(),
                        uscc: row.uscc.clone(),
                        name: String::new(),
                        sector,
                        town: String::new(),
                        address: String::new(),
                        land_area: None,
                        legal_form: LegalForm::LegalEntity,
                        responsible_officer: officer.flatten().or(default_officer),
                        archived: false,
                    };
                    apply_enterprise(&mut e, row);
                    (None, e)
                })
            }
        };
        if let Some((_, after)) = &planned {
            let check = NewEnterprise {
                uscc: after.uscc.clone(),
                name: after.name.clone(),
                sector: after.sector,
                town: after.town.clone(),
                address: after.address.clone(),
                land_area: after.land_area,
                legal_form: after.legal_form,
                responsible_officer: after.responsible_officer,
            };
            if let Err(e) = check.validate() {
                let value = match e.field() {
                    "name" => after.name.clone(),
                    "town" => after.town.clone(),
                    _ => after.address.clone(),
                };
                problems.push(RowProblem::new(
                    row.line,
                    e.field(),
                    value,
                    peiyu_domain::Localize::localize(&e, peiyu_domain::Lang::Zh),
                ));
            }
        }
        if !problems.is_empty() {
            plan.problems.extend(problems);
            continue;
        }
        match planned {
            Some((Some(current), after)) if current.value == after => plan.unchanged += 1,
            Some((Some(current), after)) => plan.updates.push((current.clone(), after)),
            Some((None, after)) => plan.inserts.push(after),
            None => {}
        }
    }
    Ok(plan)
}

/// Copies the fields a row gives onto an enterprise (text trimmed).
fn apply_enterprise(e: &mut Enterprise, row: &EnterpriseRow) {
    if let Some(name) = &row.name {
        e.name = name.trim().to_owned();
    }
    if let Some(sector) = row.sector {
        e.sector = sector;
    }
    if let Some(town) = &row.town {
        e.town = town.trim().to_owned();
    }
    if let Some(address) = &row.address {
        e.address = address.trim().to_owned();
    }
    if let Some(area) = row.land_area {
        e.land_area = area;
    }
    if let Some(form) = row.legal_form {
        e.legal_form = form;
    }
}

fn plan_metrics(
    enterprises: &HashMap<String, Enterprise>,
    scope: &Option<Vec<OfficerId>>,
    rows: &[MetricsRow],
) -> MetricsPlan {
    let mut plan = MetricsPlan::default();
    let mut seen: HashMap<(&str, YearMonth), u64> = HashMap::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let mut bad = false;
        if let Some(first) = seen.insert((row.uscc.as_str(), row.month), row.line) {
            plan.problems.push(duplicate(
                row.line,
                "month",
                &format!("{} {}", row.uscc, row.month),
                first,
            ));
            bad = true;
        }
        match enterprises.get(row.uscc.as_str()) {
            None => {
                plan.problems.push(unknown_enterprise(row.line, &row.uscc));
            }
            Some(e) if !in_scope(scope, e.responsible_officer) => {
                plan.problems.push(not_yours(row.line, e));
            }
            Some(e) if !bad => {
                plan.by_enterprise.entry(e.id).or_default().push(index);
            }
            Some(_) => {}
        }
    }
    for members in plan.by_enterprise.values_mut() {
        members.sort_by_key(|&i| rows.get(i).map(|r| r.month));
    }
    plan
}

/// Copies the figures a row gives onto a month's record.
fn apply_figures(m: &mut Metrics, row: &MetricsRow) {
    if let Some(v) = row.revenue {
        m.revenue = v;
    }
    if let Some(v) = row.output_value {
        m.output_value = v;
    }
    if let Some(v) = row.energy {
        m.energy = v;
    }
    if let Some(v) = row.employees {
        m.employees = v;
    }
    if let Some(v) = row.tax {
        m.tax = v;
    }
    if let Some(v) = row.rnd_spend {
        m.rnd_spend = v;
    }
}

/// Plans batch-list changes; the lists in the changes are placeholders for lists still to be
/// created (their year is what counts).
async fn plan_batches(
    uow: &UnitOfWork,
    enterprises: &HashMap<String, Enterprise>,
    rows: &[BatchRow],
    today: NaiveDate,
) -> ServiceResult<(Vec<BatchChange>, Vec<RowProblem>, usize)> {
    let mut lists: HashMap<i32, Option<(peiyu_domain::BatchList, HashMap<EnterpriseId, _>)>> =
        HashMap::new();
    let mut changes = Vec::new();
    let mut problems = Vec::new();
    let mut unchanged = 0;
    let mut seen: HashMap<(i32, &str), u64> = HashMap::new();
    for row in rows {
        let mut bad = Vec::new();
        if !(2000..=2100).contains(&row.year) {
            bad.push(RowProblem::new(
                row.line,
                "list",
                row.year.to_string(),
                t(
                    format!("名单年份应为 2000 到 2100 之间的年份，收到 {}", row.year),
                    format!(
                        "a list's year must be between 2000 and 2100, got {}",
                        row.year
                    ),
                ),
            ));
        }
        if let Some(first) = seen.insert((row.year, row.uscc.as_str()), row.line) {
            bad.push(duplicate(row.line, "uscc", row.uscc.as_str(), first));
        }
        let on = row.since.unwrap_or(today);
        if on > today {
            bad.push(RowProblem::new(
                row.line,
                "since",
                on.to_string(),
                t(
                    format!("生效日期 {on} 在今天 {today} 之后"),
                    format!("the effective date {on} is after today {today}"),
                ),
            ));
        }
        let enterprise = match enterprises.get(row.uscc.as_str()) {
            None => {
                bad.push(unknown_enterprise(row.line, &row.uscc));
                None
            }
            Some(e) if e.archived => {
                bad.push(RowProblem::new(
                    row.line,
                    "uscc",
                    row.uscc.as_str(),
                    t(
                        format!("「{}」已归档，不能列入名单", e.name),
                        format!("\"{}\" is archived and cannot be put on a list", e.name),
                    ),
                ));
                None
            }
            Some(e) => Some(e),
        };
        if !bad.is_empty() {
            problems.extend(bad);
            continue;
        }
        let Some(enterprise) = enterprise else {
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(slot) = lists.entry(row.year) {
            let found = match batches::find_list(uow.txn(), row.year).await? {
                Some(list) => {
                    let entries = batches::entries(uow.txn(), list.value.id)
                        .await?
                        .into_iter()
                        .map(|e| (e.enterprise, e))
                        .collect();
                    Some((list.value, entries))
                }
                None => None,
            };
            slot.insert(found);
        }
        let (list, current) = match lists.get(&row.year) {
            Some(Some((list, entries))) => (list.clone(), entries.get(&enterprise.id).cloned()),
            _ => (
                peiyu_domain::BatchList {
                    id: peiyu_domain::BatchListId::new(),
                    year: row.year,
                    status: peiyu_domain::BatchListStatus::Draft,
                    published_at: None,
                },
                None,
            ),
        };
        if let Some(reason) = &row.reason
            && let Some(p) = RowProblem::too_long(
                row.line,
                "reason",
                reason,
                peiyu_domain::limits::REASON_MAX_CHARS,
            )
        {
            problems.push(p);
            continue;
        }
        if let Some(c) = &current {
            if c.batch == row.batch {
                unchanged += 1;
                continue;
            }
            if on < c.since {
                problems.push(RowProblem::new(
                    row.line,
                    "since",
                    on.to_string(),
                    t(
                        format!("生效日期 {on} 早于上一次调整 {}", c.since),
                        format!(
                            "the effective date {on} is before the previous change on {}",
                            c.since
                        ),
                    ),
                ));
                continue;
            }
        }
        changes.push(BatchChange {
            list,
            enterprise: enterprise.id,
            current,
            to: Some(row.batch),
            suggested: None,
            effective_on: on,
            reason: row
                .reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .unwrap_or(IMPORT_REASON)
                .to_owned(),
        });
    }
    Ok((changes, problems, unchanged))
}

struct TaskContext<'a> {
    actor: &'a Officer,
    people: &'a OfficerIndex,
    scope: &'a Option<Vec<OfficerId>>,
    enterprises: &'a HashMap<String, Enterprise>,
    today: NaiveDate,
}

#[derive(Default)]
struct TaskPlan {
    inserts: Vec<Task>,
    updates: Vec<(Versioned<Task>, Task)>,
    unchanged: usize,
    problems: Vec<RowProblem>,
}

/// The natural key of a task without an id: enterprise, title, assignee, due date.
type TaskKey = (Option<EnterpriseId>, String, OfficerId, NaiveDate);

async fn plan_tasks(
    uow: &UnitOfWork,
    ctx: &TaskContext<'_>,
    rows: &[TaskRow],
) -> ServiceResult<TaskPlan> {
    let stored = tasks::list_tasks(uow.txn(), &peiyu_storage::TaskFilter::default()).await?;
    let by_key: HashMap<TaskKey, TaskId> = stored
        .iter()
        .map(|v| {
            let t = &v.value;
            ((t.enterprise, t.title.clone(), t.assignee, t.due_on), t.id)
        })
        .collect();
    let by_id: HashMap<TaskId, Versioned<Task>> =
        stored.into_iter().map(|v| (v.value.id, v)).collect();
    let by_enterprise_id: HashMap<EnterpriseId, &Enterprise> =
        ctx.enterprises.values().map(|e| (e.id, e)).collect();
    let mut plan = TaskPlan::default();
    let mut seen_ids: HashMap<TaskId, u64> = HashMap::new();
    let mut seen_keys: HashMap<TaskKey, u64> = HashMap::new();
    for row in rows {
        let mut problems = Vec::new();
        let enterprise: Option<Option<&Enterprise>> = match &row.enterprise {
            Some(Some(uscc)) => match ctx.enterprises.get(uscc.as_str()) {
                Some(e) => Some(Some(e)),
                None => {
                    problems.push(unknown_enterprise(row.line, uscc));
                    None
                }
            },
            Some(None) => Some(None),
            None => None,
        };
        let assignee = match &row.assignee {
            Some(key) => match ctx.people.find(row.line, "assignee", key) {
                Ok(o) => Some(o),
                Err(p) => {
                    problems.push(p);
                    None
                }
            },
            None => None,
        };
        // The handover rule of `task add --assignee`: yourself or a teammate.
        if let Some(to) = &assignee
            && !in_scope(ctx.scope, Some(to.id))
        {
            problems.push(RowProblem::new(
                row.line,
                "assignee",
                to.login.as_str(),
                t(
                    format!(
                        "你只能把任务交给自己或同专班的干部，「{}」（{}）不在你的专班",
                        to.name,
                        to.login.as_str()
                    ),
                    format!(
                        "you may only give tasks to yourself or a teammate; {} ({}) is not in your team",
                        to.name,
                        to.login.as_str()
                    ),
                ),
            ));
        }
        if let Some(title) = &row.title {
            let n = title.trim().chars().count();
            if n == 0 || n > 200 {
                problems.push(RowProblem::new(
                    row.line,
                    "title",
                    title.as_str(),
                    t(
                        "任务标题不能为空，且不超过 200 字",
                        "a title is required, at most 200 characters",
                    ),
                ));
            }
        }
        if let Some(Some(description)) = &row.description {
            problems.extend(RowProblem::too_long(
                row.line,
                "description",
                description,
                peiyu_domain::limits::DESCRIPTION_MAX_CHARS,
            ));
        }
        if let Some(id) = row.id
            && let Some(first) = seen_ids.insert(id, row.line)
        {
            problems.push(duplicate(row.line, "id", &id.to_string(), first));
        }
        let current = row.id.and_then(|id| by_id.get(&id));
        let may_act = |task: &Task| {
            ctx.actor.role == Role::Admin
                || task.assignee == ctx.actor.id
                || task.delegate == Some(ctx.actor.id)
                || ctx
                    .scope
                    .as_ref()
                    .is_some_and(|s| s.contains(&task.assignee))
                || task.enterprise.is_some_and(|e| {
                    by_enterprise_id
                        .get(&e)
                        .is_some_and(|e| in_scope(ctx.scope, e.responsible_officer))
                })
        };
        let planned: Option<(Option<&Versioned<Task>>, Task)> = match current {
            Some(current) => {
                let mut after = current.value.clone();
                apply_task(&mut after, row, enterprise, assignee.as_ref());
                if let Some(status) = row.status
                    && status != current.value.status
                {
                    problems.push(RowProblem::new(
                        row.line,
                        "status",
                        status.label(peiyu_domain::Lang::Zh),
                        t(
                            format!(
                                "导入不改变任务状态（现为「{}」）：请逐项完成、取消或重新打开任务",
                                current.value.status.label(peiyu_domain::Lang::Zh)
                            ),
                            format!(
                                "an import does not change a task's status (now {}): complete, cancel or reopen the task itself",
                                current.value.status.label(peiyu_domain::Lang::En)
                            ),
                        ),
                    ));
                }
                if !may_act(&current.value) || !may_act(&after) {
                    problems.push(RowProblem::new(
                        row.line,
                        "id",
                        current.value.id.to_string(),
                        t(
                            "这不是你或你所在专班的任务",
                            "this task is not yours or your team's",
                        ),
                    ));
                }
                Some((Some(current), after))
            }
            None => {
                if row.title.is_none() {
                    problems.push(missing(row.line, "title", "任务", "task"));
                }
                if row.due_on.is_none() {
                    problems.push(missing(row.line, "due_on", "截止日期", "task"));
                }
                if row.status.is_some_and(|s| s != TaskStatus::Open) {
                    problems.push(RowProblem::new(
                        row.line,
                        "status",
                        row.status
                            .map(|s| s.label(peiyu_domain::Lang::Zh))
                            .unwrap_or_default(),
                        t(
                            "新任务只能以「未完成」导入",
                            "a new task can only be imported as open",
                        ),
                    ));
                }
                let mut task = Task {
                    id: row.id.unwrap_or_else(TaskId::new),
                    enterprise: None,
                    cultivation: None,
                    kind: TaskKind::Custom,
                    title: String::new(),
                    description: None,
                    assignee: ctx.actor.id,
                    delegate: None,
                    created_by: ctx.actor.id,
                    status: TaskStatus::Open,
                    created_on: ctx.today,
                    due_on: row.due_on.unwrap_or(ctx.today),
                    due_count: None,
                    follow_up_on: None,
                    origin: "import".into(),
                    completed_on: None,
                    completion_note: None,
                    evidence: None,
                    cancel_reason: None,
                };
                apply_task(&mut task, row, enterprise, assignee.as_ref());
                if let Some(e) = task.enterprise.and_then(|e| by_enterprise_id.get(&e))
                    && !in_scope(ctx.scope, e.responsible_officer)
                {
                    problems.push(not_yours(row.line, e));
                }
                Some((None, task))
            }
        };
        if !problems.is_empty() {
            plan.problems.extend(problems);
            continue;
        }
        let Some((current, after)) = planned else {
            continue;
        };
        let key: TaskKey = (
            after.enterprise,
            after.title.clone(),
            after.assignee,
            after.due_on,
        );
        match current {
            Some(current) if current.value == after => plan.unchanged += 1,
            Some(current) => plan.updates.push((current.clone(), after)),
            None => {
                if let Some(first) = seen_keys.insert(key.clone(), row.line) {
                    plan.problems
                        .push(duplicate(row.line, "title", &after.title, first));
                } else if by_key.contains_key(&key) {
                    plan.unchanged += 1;
                } else {
                    plan.inserts.push(after);
                }
            }
        }
    }
    Ok(plan)
}

/// Copies the fields a row gives onto a task.
fn apply_task(
    task: &mut Task,
    row: &TaskRow,
    enterprise: Option<Option<&Enterprise>>,
    assignee: Option<&Officer>,
) {
    if let Some(e) = enterprise {
        task.enterprise = e.map(|e| e.id);
    }
    if let Some(kind) = row.kind {
        task.kind = kind;
    }
    if let Some(title) = &row.title {
        task.title = title.trim().to_owned();
    }
    if let Some(d) = &row.description {
        task.description = d
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned);
    }
    if let Some(o) = assignee {
        task.assignee = o.id;
    }
    if let Some(d) = row.due_on {
        task.due_on = d;
    }
    if let Some(d) = row.follow_up_on {
        task.follow_up_on = d;
    }
}
