//! Cultivations (cases): their stages, moves, guards and advances.

use chrono::{DateTime, NaiveDate, Utc};
use peiyu_domain::{Lang, Transition};
use peiyu_service::{
    AdvanceOutcome, CaseView, CasesView, GuardResult, MoveOption, Names, short_id,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{EnterpriseRef, TaskDto};

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
    /// Its statistical register periods (规上/限上 在库, 退库), oldest first (absent in the answer
    /// of a case just opened).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub register: Vec<super::RegisterPeriodDto>,
}

impl CasesDto {
    /// The wire form of an enterprise's cultivations.
    pub fn new(v: &CasesView, lang: Lang) -> Self {
        CasesDto {
            enterprise: EnterpriseRef::from(&v.enterprise),
            cases: v.cases.iter().map(|c| CaseDto::new(c, lang)).collect(),
            register: super::RegisterPeriodDto::list(&v.register, lang),
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
    /// Whether this answers a repeated request id with the first move, rebuilt from its record
    /// (the CLI's `--request-id`). Over the API a repeated `Idempotency-Key` gets the first
    /// answer back verbatim, this field included, marked by the `Idempotent-Replayed: true`
    /// header instead.
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

/// `GET /enterprises/{key}/cases` filter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CasesQuery {
    /// Only this track; the response then carries the cultivation's `ETag`.
    pub track: Option<String>,
}
