//! The JSON views: the bodies of the API, with their OpenAPI schemas, and the CLI's `--json`
//! output of the same views — one serializer for both. Converted by hand from the domain and
//! service types (which are deliberately not `Serialize`).
//!
//! Labels (`*_label`, `message`) are in the request's language; keys (`sector`, `stage`,
//! `status`, …) are stable identifiers in English.

use chrono::{DateTime, NaiveDate, Utc};
use peiyu_domain::{Enterprise, Lang, Metrics, Officer, Task, Transition};
use peiyu_service::{
    AdvanceOutcome, AuditVerification, BatchListView, CaseView, CasesView, EnterpriseView,
    GuardResult, MoveOption, Names, ProgressReport, TaskList, TimelineEntry, Versioned, short_id,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// `GET /health`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the server answers and its database is initialised.
    pub status: String,
    /// The server's version.
    pub version: String,
}

/// Every error response.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// `invalid`, `conflict`, `not_found`, `forbidden`, `internal`, `unauthorized`,
    /// `precondition_required` or `method_not_allowed`.
    pub kind: String,
    /// The field, parameter or header at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong and what to do, in the request's language.
    pub message: String,
}

/// An officer, briefly.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OfficerRef {
    /// Their login.
    pub login: String,
    /// Their name.
    pub name: String,
    /// `officer`, `lead`, `leader` or `admin`.
    pub role: String,
}

impl From<&Officer> for OfficerRef {
    fn from(o: &Officer) -> Self {
        OfficerRef {
            login: o.login.as_str().to_owned(),
            name: o.name.clone(),
            role: o.role.key().to_owned(),
        }
    }
}

/// An enterprise, briefly.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseRef {
    /// Its unified social credit code.
    pub uscc: String,
    /// Its name.
    pub name: String,
}

impl From<&Enterprise> for EnterpriseRef {
    fn from(e: &Enterprise) -> Self {
        EnterpriseRef {
            uscc: e.uscc.as_str().to_owned(),
            name: e.name.clone(),
        }
    }
}

/// An enterprise on the county's books.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseDto {
    /// Its id.
    pub id: Uuid,
    /// Its unified social credit code (统一社会信用代码), the key used in paths.
    pub uscc: String,
    /// Its name.
    pub name: String,
    /// `industry`, `wholesale`, `retail`, `accommodation`, `catering` or `other`.
    pub sector: String,
    /// The sector in the request's language.
    pub sector_label: String,
    /// The town (乡镇).
    pub town: String,
    /// The address.
    pub address: String,
    /// The legal form's key.
    pub legal_form: String,
    /// Land area in mu, as written (e.g. `12.5`).
    pub land_area_mu: Option<String>,
    /// The responsible officer.
    pub responsible: Option<OfficerRef>,
    /// Whether it is archived.
    pub archived: bool,
    /// The record's version.
    pub version: i64,
}

impl EnterpriseDto {
    /// The wire form of an enterprise and its responsible officer.
    pub fn new(e: &Enterprise, version: i64, responsible: Option<&Officer>, lang: Lang) -> Self {
        EnterpriseDto {
            id: e.id.0,
            uscc: e.uscc.as_str().to_owned(),
            name: e.name.clone(),
            sector: e.sector.key().to_owned(),
            sector_label: e.sector.label(lang).to_owned(),
            town: e.town.clone(),
            address: e.address.clone(),
            legal_form: e.legal_form.key().to_owned(),
            land_area_mu: e.land_area.map(|a| a.to_string()),
            responsible: responsible.map(OfficerRef::from),
            archived: e.archived,
            version,
        }
    }

    /// The wire form of a listed enterprise.
    pub fn from_view(v: &EnterpriseView, lang: Lang) -> Self {
        EnterpriseDto::new(&v.enterprise, v.version, v.responsible.as_ref(), lang)
    }
}

/// One month's figures (integer yuan; energy in tonnes of standard coal).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MetricsDto {
    /// `YYYY-MM`.
    pub month: String,
    /// Main-business revenue, yuan.
    pub revenue: Option<i64>,
    /// Industrial output value, yuan.
    pub output_value: Option<i64>,
    /// Energy use, tce, as written.
    pub energy_tce: Option<String>,
    /// Employees.
    pub employees: Option<u32>,
    /// Tax paid, yuan.
    pub tax: Option<i64>,
    /// R&D spending, yuan.
    pub rnd_spend: Option<i64>,
}

impl From<&Metrics> for MetricsDto {
    fn from(m: &Metrics) -> Self {
        MetricsDto {
            month: m.month.to_string(),
            revenue: m.revenue.map(|y| y.amount()),
            output_value: m.output_value.map(|y| y.amount()),
            energy_tce: m.energy.map(|t| t.to_string()),
            employees: m.employees,
            tax: m.tax.map(|y| y.amount()),
            rnd_spend: m.rnd_spend.map(|y| y.amount()),
        }
    }
}

/// `GET /enterprises/{key}`: the enterprise and its last twelve months of figures.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseDetailDto {
    /// The enterprise.
    pub enterprise: EnterpriseDto,
    /// Its most recent monthly figures, oldest first.
    pub recent_metrics: Vec<MetricsDto>,
}

impl EnterpriseDetailDto {
    /// The wire form of one enterprise with its recent monthly figures.
    pub fn new(d: &peiyu_service::enterprises::EnterpriseDetail, lang: Lang) -> Self {
        EnterpriseDetailDto {
            enterprise: EnterpriseDto::from_view(&d.view, lang),
            recent_metrics: d.recent_metrics.iter().map(MetricsDto::from).collect(),
        }
    }
}

/// One guard of a move and whether it passes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GuardDto {
    /// The guard's key (`metric_threshold`, `tasks_done`, `evidence_required`, …).
    pub guard: String,
    /// Whether it passes.
    pub passed: bool,
    /// Why, in the request's language.
    pub message: String,
}

impl GuardDto {
    fn new(g: &GuardResult, lang: Lang) -> Self {
        GuardDto {
            guard: g.guard.to_owned(),
            passed: g.passed,
            message: g.message.get(lang).to_owned(),
        }
    }
}

/// A move a cultivation could make now.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MoveDto {
    /// The stage it leads to.
    pub to: String,
    /// The move's name.
    pub label: String,
    /// Whether the asking officer's role may take it.
    pub role_allowed: bool,
    /// Whether it can be taken now without an override (reason and evidence apart).
    pub ready: bool,
    /// Whether it is the lapse taken when a certification expires.
    pub on_expiry: bool,
    /// Every guard with its result today.
    pub guards: Vec<GuardDto>,
}

impl MoveDto {
    /// The wire form of a possible move.
    pub fn new(m: &MoveOption, lang: Lang) -> Self {
        MoveDto {
            to: m.to.as_str().to_owned(),
            label: m.label.get(lang).to_owned(),
            role_allowed: m.role_allowed,
            ready: m.ready(),
            on_expiry: m.on_expiry,
            guards: m.guards.iter().map(|g| GuardDto::new(g, lang)).collect(),
        }
    }
}

/// A recorded stage move.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TransitionDto {
    /// Its position in the cultivation's history, from 1.
    pub seq: i32,
    /// The stage left (none for the opening).
    pub from: Option<String>,
    /// The stage entered.
    pub to: String,
    /// When it took effect.
    pub effective_on: NaiveDate,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who made it (login).
    pub actor: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// Evidence references.
    pub evidence: Vec<String>,
    /// Whether failing guards were overridden.
    pub overridden: bool,
    /// The guards as judged when the move was made.
    pub guards: Vec<GuardDto>,
}

impl TransitionDto {
    /// The wire form of a recorded move.
    pub fn new(t: &Transition, names: &Names, lang: Lang) -> Self {
        TransitionDto {
            seq: t.seq,
            from: t.from.as_ref().map(|s| s.as_str().to_owned()),
            to: t.to.as_str().to_owned(),
            effective_on: t.effective_on,
            recorded_at: t.recorded_at,
            actor: names.login(t.actor),
            reason: t.reason.clone(),
            evidence: t.evidence.clone(),
            overridden: t.overridden,
            guards: t
                .guard_results
                .iter()
                .map(|g| GuardDto {
                    guard: g.guard.clone(),
                    passed: g.passed,
                    message: match lang {
                        Lang::Zh => g.message_zh.clone(),
                        Lang::En => g.message_en.clone(),
                    },
                })
                .collect(),
        }
    }
}

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

/// One cultivation: an enterprise on a track.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseDto {
    /// The track's key (`industrial`, `commerce`, `technology`).
    pub track: String,
    /// The track's name.
    pub track_label: String,
    /// The version of the track definition it follows.
    pub track_version: i32,
    /// The current stage's key.
    pub stage: String,
    /// The current stage's name.
    pub stage_label: String,
    /// Whether the current stage ends the cultivation.
    pub terminal: bool,
    /// Since when it is in the stage.
    pub stage_since: NaiveDate,
    /// Days since then.
    pub days_in_stage: i64,
    /// When it was opened.
    pub opened_on: NaiveDate,
    /// The stage to reach.
    pub target_stage: Option<String>,
    /// By when.
    pub target_date: Option<NaiveDate>,
    /// When the current stage's certification expires.
    pub expires_on: Option<NaiveDate>,
    /// The cultivation's version: send it back as `If-Match: "<version>"` to move it.
    pub version: i64,
    /// The moves from here, with their guards.
    pub moves: Vec<MoveDto>,
    /// The recorded moves, oldest first.
    pub history: Vec<TransitionDto>,
    /// Its open tasks.
    pub open_tasks: Vec<TaskDto>,
}

impl CaseDto {
    /// The wire form of a case.
    pub fn new(c: &CaseView, lang: Lang) -> Self {
        let names = &c.names;
        let cultivation = &c.cultivation.value;
        let track = &c.track.track;
        let stage = track.stage(&cultivation.stage);
        CaseDto {
            track: cultivation.track_key.as_str().to_owned(),
            track_label: track.label().get(lang).to_owned(),
            track_version: c.track.record.version,
            stage: cultivation.stage.as_str().to_owned(),
            stage_label: stage
                .map(|s| s.label.get(lang).to_owned())
                .unwrap_or_else(|| cultivation.stage.as_str().to_owned()),
            terminal: stage.is_some_and(|s| s.terminal),
            stage_since: cultivation.stage_since,
            days_in_stage: c.days_in_stage,
            opened_on: cultivation.opened_on,
            target_stage: cultivation
                .target_stage
                .as_ref()
                .map(|s| s.as_str().to_owned()),
            target_date: cultivation.target_date,
            expires_on: cultivation.expires_on,
            version: c.cultivation.version,
            moves: c.moves.iter().map(|m| MoveDto::new(m, lang)).collect(),
            history: c
                .history
                .iter()
                .map(|t| TransitionDto::new(t, names, lang))
                .collect(),
            open_tasks: c
                .open_tasks
                .iter()
                .map(|t| TaskDto::new(t, None, names, lang))
                .collect(),
        }
    }
}

/// `GET /enterprises/{key}/cases`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CasesDto {
    /// The enterprise.
    pub enterprise: EnterpriseRef,
    /// Its cultivations (one when `?track=` is given).
    pub cases: Vec<CaseDto>,
}

impl CasesDto {
    /// The wire form of an enterprise's cultivations.
    pub fn new(v: &CasesView, lang: Lang) -> Self {
        CasesDto {
            enterprise: EnterpriseRef::from(&v.enterprise),
            cases: v.cases.iter().map(|c| CaseDto::new(c, lang)).collect(),
        }
    }
}

/// `POST /enterprises/{key}/cases/{track}/advance`: the move asked for.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvanceRequest {
    /// The stage to move to.
    pub to: String,
    /// Why (required by some moves, and for an override).
    #[serde(default)]
    pub reason: Option<String>,
    /// Evidence references (document numbers, file names).
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Override failing guards (lead or admin, with a reason).
    #[serde(default, rename = "override")]
    pub override_guards: bool,
    /// Plan only: report the guards and tasks, change nothing (no `If-Match` needed).
    #[serde(default)]
    pub dry_run: bool,
    /// The effective date (default today; not in the future, not before the last move).
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

/// A task a move created (or would create).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedTaskDto {
    /// The task's id.
    pub id: Uuid,
    /// Its short id.
    pub short_id: String,
    /// The kind's key.
    pub kind: String,
    /// The title in the request's language.
    pub title: String,
    /// The assignee's login.
    pub assignee: String,
    /// When it is due.
    pub due_on: NaiveDate,
    /// The due date was counted across a year without the State Council's notice: provisional
    /// (暂按法定节假日计算，待国务院通知发布后核定).
    pub provisional: bool,
    /// Whether the batch policy shortened the deadline.
    pub priority: bool,
}

/// A task, briefly.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TaskRef {
    /// Its id.
    pub id: Uuid,
    /// Its short id.
    pub short_id: String,
    /// Its title.
    pub title: String,
}

/// What an advance did, or for a dry run would do.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AdvanceDto {
    /// The enterprise.
    pub enterprise: EnterpriseRef,
    /// The track's key.
    pub track: String,
    /// Whether anything was recorded (false for a dry run).
    pub applied: bool,
    /// Whether this answers a repeated `Idempotency-Key` with the first result.
    pub replayed: bool,
    /// The cultivation's version after the move; also the response's `ETag`.
    pub version: i64,
    /// The stage left.
    pub from: Option<String>,
    /// The stage entered.
    pub to: Option<String>,
    /// The move's name.
    pub label: Option<String>,
    /// When the move takes effect.
    pub effective_on: Option<NaiveDate>,
    /// Whether failing guards were overridden.
    pub overridden: bool,
    /// Every guard of the move with its result.
    pub guards: Vec<GuardDto>,
    /// The tasks created.
    pub tasks_created: Vec<CreatedTaskDto>,
    /// The tasks closed.
    pub tasks_closed: Vec<TaskRef>,
    /// The recorded move.
    pub transition: Option<TransitionDto>,
}

impl AdvanceDto {
    /// The wire form of an advance's outcome.
    pub fn new(out: &AdvanceOutcome, lang: Lang) -> Self {
        let names = &out.names;
        let plan = out.plan.as_ref();
        let transition = out.transition.as_ref();
        AdvanceDto {
            enterprise: EnterpriseRef::from(&out.enterprise),
            track: out.track.record.key.as_str().to_owned(),
            applied: out.applied,
            replayed: out.replayed,
            version: out.version,
            from: plan.map(|p| p.from.as_str().to_owned()).or_else(|| {
                transition.and_then(|t| t.from.as_ref().map(|s| s.as_str().to_owned()))
            }),
            to: plan
                .map(|p| p.to.as_str().to_owned())
                .or_else(|| transition.map(|t| t.to.as_str().to_owned())),
            label: plan.map(|p| p.label.get(lang).to_owned()),
            effective_on: plan
                .map(|p| p.effective_on)
                .or_else(|| transition.map(|t| t.effective_on)),
            overridden: plan
                .map(|p| p.overridden)
                .or_else(|| transition.map(|t| t.overridden))
                .unwrap_or(false),
            guards: plan
                .map(|p| p.guards.iter().map(|g| GuardDto::new(g, lang)).collect())
                .unwrap_or_default(),
            tasks_created: out
                .tasks
                .iter()
                .map(|c| CreatedTaskDto {
                    id: c.task.id.0,
                    short_id: short_id(&c.task),
                    kind: c.task.kind.key(),
                    title: c.title.get(lang).to_owned(),
                    assignee: c.assignee.login.as_str().to_owned(),
                    due_on: c.task.due_on,
                    provisional: c.due_provisional,
                    priority: c.priority,
                })
                .collect(),
            tasks_closed: out
                .closed
                .iter()
                .map(|t| TaskRef {
                    id: t.id.0,
                    short_id: short_id(t),
                    title: t.title.clone(),
                })
                .collect(),
            transition: transition.map(|t| TransitionDto::new(t, names, lang)),
        }
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

/// One enterprise in a batch.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchEntryDto {
    /// The batch, 1 to 4.
    pub batch: u8,
    /// The batch's name in the request's language.
    pub batch_label: String,
    /// The enterprise.
    pub enterprise: EnterpriseRef,
    /// Its town.
    pub town: String,
    /// Since when it is in this batch.
    pub since: NaiveDate,
    /// Why it was put there.
    pub reason: Option<String>,
}

/// `GET /batches/{year}`: a year's four-batches list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchListDto {
    /// The year.
    pub year: i32,
    /// `draft` or `published`.
    pub status: String,
    /// The status in the request's language.
    pub status_label: String,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
    /// The list's version.
    pub version: i64,
    /// The enterprises, by batch then name.
    pub entries: Vec<BatchEntryDto>,
}

impl BatchListDto {
    /// The wire form of a list.
    pub fn new(v: &BatchListView, lang: Lang) -> Self {
        let list = &v.list.value;
        BatchListDto {
            year: list.year,
            status: list.status.key().to_owned(),
            status_label: list.status.label(lang).to_owned(),
            published_at: list.published_at,
            version: v.list.version,
            entries: v
                .entries
                .iter()
                .map(|(entry, e)| BatchEntryDto {
                    batch: entry.batch.number(),
                    batch_label: entry.batch.default_label(lang).to_owned(),
                    enterprise: EnterpriseRef::from(e),
                    town: e.town.clone(),
                    since: entry.since,
                    reason: entry.reason.clone(),
                })
                .collect(),
        }
    }
}

/// A year's target for a metric.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TargetDto {
    /// The metric's key (`new_above_scale`, …).
    pub metric: String,
    /// Its name in the request's language.
    pub label: String,
    /// The value aimed at.
    pub value: i64,
}

/// An enterprise newly registered above scale or limit.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NewlyRegisteredDto {
    /// The enterprise.
    pub enterprise: EnterpriseRef,
    /// The day it was registered.
    pub registered_on: NaiveDate,
    /// Its output value this year so far, yuan.
    pub output_value: i64,
    /// Its revenue this year so far, yuan.
    pub revenue: i64,
    /// Its batch this year.
    pub batch: Option<u8>,
}

/// How many cultivations stand at each stage of a track.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FunnelDto {
    /// The track's key.
    pub track: String,
    /// The track's name.
    pub label: String,
    /// The stages in track order.
    pub stages: Vec<FunnelStageDto>,
}

/// One stage of a funnel.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FunnelStageDto {
    /// The stage's key.
    pub stage: String,
    /// Its name.
    pub label: String,
    /// How many cultivations stand there.
    pub count: usize,
}

/// Progress by one key (a batch, a town, a sector).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BreakdownDto {
    /// The key.
    pub key: String,
    /// Newly registered.
    pub newly_registered: usize,
    /// In cultivation.
    pub in_cultivation: usize,
    /// Output value of the newly registered, yuan.
    pub output_value: i64,
}

/// Overdue open tasks of one officer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OverdueDto {
    /// The officer's login.
    pub login: String,
    /// Their name.
    pub name: String,
    /// How many of their open tasks are overdue.
    pub overdue: usize,
}

/// `GET /reports/progress`: progress against the year's targets.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProgressDto {
    /// The year.
    pub year: i32,
    /// The day the report stands on.
    pub as_of: NaiveDate,
    /// The year's targets.
    pub targets: Vec<TargetDto>,
    /// Newly above-scale industrial enterprises.
    pub new_above_scale: Vec<NewlyRegisteredDto>,
    /// Newly above-limit commerce enterprises.
    pub new_above_limit: Vec<NewlyRegisteredDto>,
    /// Where the cultivations stand, by track.
    pub funnels: Vec<FunnelDto>,
    /// By batch.
    pub by_batch: Vec<BreakdownDto>,
    /// By town.
    pub by_town: Vec<BreakdownDto>,
    /// By sector.
    pub by_sector: Vec<BreakdownDto>,
    /// Overdue tasks by officer.
    pub overdue_by_officer: Vec<OverdueDto>,
}

impl ProgressDto {
    /// The wire form of a progress report.
    pub fn new(r: &ProgressReport, lang: Lang) -> Self {
        let registered = |list: &[peiyu_service::NewlyRegistered]| {
            list.iter()
                .map(|n| NewlyRegisteredDto {
                    enterprise: EnterpriseRef::from(&n.enterprise),
                    registered_on: n.registered_on,
                    output_value: n.output_value.amount(),
                    revenue: n.revenue.amount(),
                    batch: n.batch.map(|b| b.number()),
                })
                .collect()
        };
        let breakdown = |list: &[peiyu_service::Breakdown]| {
            list.iter()
                .map(|b| BreakdownDto {
                    key: b.key.clone(),
                    newly_registered: b.newly_registered,
                    in_cultivation: b.in_cultivation,
                    output_value: b.output_value.amount(),
                })
                .collect()
        };
        ProgressDto {
            year: r.year,
            as_of: r.as_of,
            targets: r
                .targets
                .iter()
                .map(|t| TargetDto {
                    metric: t.metric.clone(),
                    label: peiyu_service::target_label(&t.metric, lang),
                    value: t.value,
                })
                .collect(),
            new_above_scale: registered(&r.new_above_scale),
            new_above_limit: registered(&r.new_above_limit),
            funnels: r
                .funnels
                .iter()
                .map(|f| FunnelDto {
                    track: f.track.clone(),
                    label: f.label.get(lang).to_owned(),
                    stages: f
                        .stages
                        .iter()
                        .map(|(stage, label, count)| FunnelStageDto {
                            stage: stage.clone(),
                            label: label.get(lang).to_owned(),
                            count: *count,
                        })
                        .collect(),
                })
                .collect(),
            by_batch: breakdown(&r.by_batch),
            by_town: breakdown(&r.by_town),
            by_sector: breakdown(&r.by_sector),
            overdue_by_officer: r
                .overdue_by_officer
                .iter()
                .map(|(name, login, n)| OverdueDto {
                    login: login.clone(),
                    name: name.clone(),
                    overdue: *n,
                })
                .collect(),
        }
    }
}

/// A guard as recorded in the history.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RecordedGuardDto {
    /// Whether it passed.
    pub passed: bool,
    /// Why, in the request's language.
    pub message: String,
}

/// One entry of an enterprise's timeline.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TimelineEntryDto {
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// When it took effect, if set apart.
    pub effective_on: Option<NaiveDate>,
    /// Who (login).
    pub actor: String,
    /// Who, by name.
    pub actor_name: String,
    /// On whose behalf (login).
    pub on_behalf_of: Option<String>,
    /// On whose behalf, by name.
    pub on_behalf_of_name: Option<String>,
    /// `stage`, `batch`, `task`, `record` or `metrics`.
    pub kind: String,
    /// The kind in the request's language.
    pub kind_label: String,
    /// The recorded action (`case.advance`, `batch.move`, …).
    pub action: String,
    /// The action in the request's language.
    pub action_label: String,
    /// The track's key, for stage moves and tasks.
    pub track: Option<String>,
    /// The track's name in the request's language.
    pub track_label: Option<String>,
    /// From (a stage, a batch, a status), as a key.
    pub from: Option<String>,
    /// To, as a key.
    pub to: Option<String>,
    /// From, in the request's language.
    pub from_label: Option<String>,
    /// To, in the request's language.
    pub to_label: Option<String>,
    /// What it is about.
    pub subject: String,
    /// Why.
    pub reason: Option<String>,
    /// Evidence.
    pub evidence: Vec<String>,
    /// Whether guards were overridden.
    pub overridden: bool,
    /// The guards as judged.
    pub guards: Vec<RecordedGuardDto>,
}

impl TimelineEntryDto {
    /// The wire form of a timeline entry.
    pub fn new(t: &TimelineEntry, lang: Lang) -> Self {
        TimelineEntryDto {
            recorded_at: t.recorded_at,
            effective_on: t.effective_on,
            actor: t.actor.clone(),
            actor_name: t.actor_name.clone(),
            on_behalf_of: t.on_behalf_of.clone(),
            on_behalf_of_name: t.on_behalf_of_name.clone(),
            kind: t.kind.key().to_owned(),
            kind_label: t.kind.label(lang).to_owned(),
            action: t.action.clone(),
            action_label: t.action_label.get(lang).to_owned(),
            track: t.track.clone(),
            track_label: t.track_label.as_ref().map(|l| l.get(lang).to_owned()),
            from: t.from.clone(),
            to: t.to.clone(),
            from_label: t.from_label.as_ref().map(|l| l.get(lang).to_owned()),
            to_label: t.to_label.as_ref().map(|l| l.get(lang).to_owned()),
            subject: t.subject.clone(),
            reason: t.reason.clone(),
            evidence: t.evidence.clone(),
            overridden: t.overridden,
            guards: t
                .guards
                .iter()
                .map(|(passed, message)| RecordedGuardDto {
                    passed: *passed,
                    message: message.get(lang).to_owned(),
                })
                .collect(),
        }
    }
}

/// `GET /enterprises/{key}/history`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HistoryDto {
    /// The enterprise.
    pub enterprise: EnterpriseRef,
    /// Its timeline, oldest first.
    pub entries: Vec<TimelineEntryDto>,
}

/// A chain that does not verify.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BrokenChainDto {
    /// The chain (`bureau`, `enterprise:<uuid>`).
    pub chain: String,
    /// `hash_mismatch`, `link_mismatch`, `sequence_gap` or `head_mismatch`.
    pub problem: String,
    /// The sequence number of the first bad entry.
    pub seq: Option<i64>,
}

/// A daily seal that no longer matches the log.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BrokenSealDto {
    /// The day sealed.
    pub day: NaiveDate,
    /// The chain whose sealed head changed (none when the seal itself does not match).
    pub chain: Option<String>,
}

/// `GET /audit/verify`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditVerifyDto {
    /// True when every chain and seal verifies.
    pub ok: bool,
    /// Chains checked.
    pub chains: usize,
    /// Entries checked.
    pub entries: usize,
    /// Broken chains.
    pub broken: Vec<BrokenChainDto>,
    /// Seals checked.
    pub seals: usize,
    /// Broken seals.
    pub broken_seals: Vec<BrokenSealDto>,
}

impl From<&AuditVerification> for AuditVerifyDto {
    fn from(v: &AuditVerification) -> Self {
        use peiyu_service::ChainBreak;
        AuditVerifyDto {
            ok: v.ok(),
            chains: v.chains.chains,
            entries: v.chains.entries,
            broken: v
                .chains
                .broken
                .iter()
                .map(|b| {
                    let (problem, seq) = match &b.problem {
                        ChainBreak::HashMismatch { seq } => ("hash_mismatch", Some(*seq)),
                        ChainBreak::LinkMismatch { seq } => ("link_mismatch", Some(*seq)),
                        ChainBreak::SequenceGap { expected, .. } => {
                            ("sequence_gap", Some(*expected))
                        }
                        ChainBreak::HeadMismatch { last_seq, .. } => {
                            ("head_mismatch", Some(*last_seq))
                        }
                    };
                    BrokenChainDto {
                        chain: b.chain_key.clone(),
                        problem: problem.to_owned(),
                        seq: b.entry.as_ref().map(|e| e.seq).or(seq),
                    }
                })
                .collect(),
            seals: v.seals,
            broken_seals: v
                .broken_seals
                .iter()
                .map(|s| BrokenSealDto {
                    day: s.day,
                    chain: s.chain_key.clone(),
                })
                .collect(),
        }
    }
}

/// `GET /enterprises` filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseQuery {
    /// Only enterprises this officer (login) is responsible for.
    pub officer: Option<String>,
    /// Only this town.
    pub town: Option<String>,
    /// Only this sector (`industry`, `wholesale`, `retail`, `accommodation`, `catering`,
    /// `other`).
    pub sector: Option<String>,
    /// Include archived enterprises.
    #[serde(default)]
    pub archived: Option<bool>,
}

/// `GET /enterprises/{key}/cases` filter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CasesQuery {
    /// Only this track; the response then carries the cultivation's `ETag`.
    pub track: Option<String>,
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

/// `GET /batches/{year}` filter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BatchQuery {
    /// Only this batch (1–4).
    pub batch: Option<u8>,
}

/// `GET /reports/progress` parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// The year (default this year).
    pub year: Option<i32>,
    /// The day to report as of (default the end of the year, or today if sooner).
    pub as_of: Option<NaiveDate>,
}

/// `GET /enterprises/{key}/history` filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// Only stage moves and tasks of this track.
    pub track: Option<String>,
    /// From this day.
    pub from: Option<NaiveDate>,
    /// To this day.
    pub to: Option<NaiveDate>,
}

/// One year of `GET /calendar`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CalendarYearDto {
    /// The year.
    pub year: i32,
    /// `official`, `county_override`, `provisional` or `unsupported`.
    pub status: String,
    /// The status in the request's language, with the notice's source.
    pub label: String,
    /// Days until its 1 January (0 or less: it has begun).
    pub starts_in_days: i64,
    /// Still provisional and starting within 60 days: someone should load the notice.
    pub needs_attention: bool,
}

/// `GET /calendar`: this year and the next two.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CalendarOutlookDto {
    /// The day the outlook is for (the server's today).
    pub today: NaiveDate,
    /// This year and the next two.
    pub years: Vec<CalendarYearDto>,
    /// Whether any year needs attention.
    pub needs_attention: bool,
}

impl CalendarOutlookDto {
    /// The wire form of an outlook.
    pub fn new(today: NaiveDate, years: &[peiyu_service::OutlookYear], lang: Lang) -> Self {
        CalendarOutlookDto {
            today,
            needs_attention: years.iter().any(|y| y.needs_attention),
            years: years
                .iter()
                .map(|y| CalendarYearDto {
                    year: y.year,
                    status: y.status.to_owned(),
                    label: y.label.get(lang).to_owned(),
                    starts_in_days: y.starts_in_days,
                    needs_attention: y.needs_attention,
                })
                .collect(),
        }
    }
}

/// `POST /calendar/notices`: a year's holiday notice to check, and with `apply` to load.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeRequest {
    /// The notice's plain text as published (国务院办公厅关于YYYY年部分节假日安排的通知), or a
    /// TOML year table when `format` is `toml`.
    pub text: String,
    /// `text` (default) or `toml`.
    #[serde(default)]
    pub format: Option<String>,
    /// The year, when the title does not say it.
    #[serde(default)]
    pub year: Option<i32>,
    /// Store it (admin) and move the deadlines it changes; otherwise only show.
    #[serde(default)]
    pub apply: bool,
}

/// A range of days off.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DateRangeDto {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
}

/// One holiday of a notice as understood.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NoticeHolidayDto {
    /// Its line in the text (0 for TOML).
    pub line: usize,
    /// Its name (元旦, 春节 …).
    pub name: String,
    /// Its days off.
    pub days_off: Vec<DateRangeDto>,
    /// The count the text states, checked against the dates.
    pub stated_days: Option<u32>,
    /// The weekend days it makes working days.
    pub makeup_workdays: Vec<NaiveDate>,
}

/// A deadline a notice moves.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RecountedDto {
    /// The task's short id.
    pub short_id: String,
    /// Its title.
    pub title: String,
    /// The enterprise's name.
    pub enterprise_name: Option<String>,
    /// The assignee's name.
    pub assignee_name: String,
    /// Due before.
    pub due_before: NaiveDate,
    /// Due after.
    pub due_after: NaiveDate,
}

/// What checking (or loading) a notice understood and did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NoticeLoadDto {
    /// The year.
    pub year: i32,
    /// Which notice.
    pub source: String,
    /// Stored (and deadlines moved), or only shown.
    pub applied: bool,
    /// The year was provisional before.
    pub was_provisional: bool,
    /// Working days in the year before.
    pub working_days_before: u32,
    /// Working days in the year with the notice.
    pub working_days_after: u32,
    /// The holidays as understood.
    pub holidays: Vec<NoticeHolidayDto>,
    /// The deadlines that move (moved, when applied).
    pub recounted: Vec<RecountedDto>,
}

impl From<&peiyu_service::NoticeLoad> for NoticeLoadDto {
    fn from(l: &peiyu_service::NoticeLoad) -> Self {
        NoticeLoadDto {
            year: l.year,
            source: l.source.clone(),
            applied: l.applied,
            was_provisional: l.was_provisional,
            working_days_before: l.working_days_before,
            working_days_after: l.working_days_after,
            holidays: l
                .holidays
                .iter()
                .map(|h| NoticeHolidayDto {
                    line: h.line,
                    name: h.name.clone(),
                    days_off: h
                        .ranges
                        .iter()
                        .map(|(from, to)| DateRangeDto {
                            from: *from,
                            to: *to,
                        })
                        .collect(),
                    stated_days: h.stated_days,
                    makeup_workdays: h.makeup_workdays.clone(),
                })
                .collect(),
            recounted: l
                .recounted
                .iter()
                .map(|r| RecountedDto {
                    short_id: r.short_id.clone(),
                    title: r.title.clone(),
                    enterprise_name: r.enterprise_name.clone(),
                    assignee_name: r.assignee_name.clone(),
                    due_before: r.before,
                    due_after: r.after,
                })
                .collect(),
        }
    }
}
