//! Planning a stage move: from a snapshot of the cultivation and a request, decide — without
//! touching anything — whether the move may happen, and if so everything it changes: the new
//! stage, the guard results to record, the tasks to create and to close, the expiry date.

use chrono::NaiveDate;
use peiyu_domain::{
    Batch, Enterprise, Lang, Localize, Metrics, Role, StageKey, TaskStatus, Text, Thresholds,
};

use crate::calendar::{Calendar, CalendarError};
use crate::guard::{GuardContext, GuardResult, TaskFact};
use crate::template::{TaskDraft, TemplateOrigin};
use crate::track::{CloseRule, Stage, Track, Transition};

/// Everything the planner needs to know about one cultivation; the service loads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The enterprise.
    pub enterprise: Enterprise,
    /// The size thresholds by sector in force.
    pub thresholds: Thresholds,
    /// The current stage.
    pub stage: StageKey,
    /// The effective date on which the current stage was entered.
    pub stage_entered_on: NaiveDate,
    /// The effective date of the last recorded move (a new move may not take effect before it).
    pub last_move_on: NaiveDate,
    /// When the current stage's certification expires, for a certified stage.
    pub stage_expires_on: Option<NaiveDate>,
    /// The enterprise's monthly metrics (any order).
    pub metrics: Vec<Metrics>,
    /// The cultivation's tasks, open and closed. [`TaskClosing::task`] indexes this list.
    pub tasks: Vec<TaskFact>,
    /// The enterprise's batch on the current batch list, if any (for the batch policy).
    pub batch: Option<Batch>,
}

/// A request to move a cultivation to another stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveRequest {
    /// The stage to move to.
    pub to: StageKey,
    /// The actor's role.
    pub role: Role,
    /// Why, if given.
    pub reason: Option<String>,
    /// Evidence references (document numbers, letters, file names).
    pub evidence: Vec<String>,
    /// Whether the actor overrides failing guards (only a lead or an admin may, with a reason).
    pub override_guards: bool,
    /// The day the move takes effect (may be in the past, never before the last move).
    pub effective_on: NaiveDate,
    /// Today in the county's time zone.
    pub today: NaiveDate,
}

/// An open task to close because the new stage says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskClosing {
    /// The index of the task in [`Snapshot::tasks`].
    pub task: usize,
    /// The status to give it: always [`TaskStatus::Cancelled`] (no longer needed).
    pub status: TaskStatus,
    /// The rule of the stage that closes it.
    pub rule: CloseRule,
}

/// Everything a permitted move changes; `storage` records it as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The stage left.
    pub from: StageKey,
    /// The stage entered.
    pub to: StageKey,
    /// The move's name (e.g. 退回补正 / returned for correction, or the target stage's label).
    pub label: Text,
    /// The day the move takes effect.
    pub effective_on: NaiveDate,
    /// Every guard of the transition with its result, in track order.
    pub guards: Vec<GuardResult>,
    /// Whether failing guards were overridden (by a lead or admin, with a reason).
    pub overridden: bool,
    /// The reason given, trimmed; `None` when blank.
    pub reason: Option<String>,
    /// The evidence given, blank entries dropped.
    pub evidence: Vec<String>,
    /// The tasks to create: the target stage's templates, then its re-review task.
    pub create: Vec<TaskDraft>,
    /// The open tasks to close.
    pub close: Vec<TaskClosing>,
    /// When the certification of the entered stage expires, for a certified stage.
    pub expires_on: Option<NaiveDate>,
    /// Whether the entered stage ends the cultivation.
    pub terminal: bool,
}

impl Plan {
    /// The guards that did not pass (non-empty only when [`Plan::overridden`]).
    pub fn failed_guards(&self) -> impl Iterator<Item = &GuardResult> {
        self.guards.iter().filter(|g| !g.passed)
    }
}

/// A move possible from the current stage, with how its guards stand (for `case show`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveOption {
    /// The target stage.
    pub to: StageKey,
    /// The move's name.
    pub label: Text,
    /// Whether the role asked about may take the move at all.
    pub role_allowed: bool,
    /// Every guard's result as of the day asked about, with no reason or evidence given (so
    /// those guards show what will be needed).
    pub guards: Vec<GuardResult>,
    /// Whether this is the lapse taken when a certification expires.
    pub on_expiry: bool,
}

/// Where a possible move stands, in the words every screen uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveState {
    /// Every guard passes.
    Ready,
    /// Every guard passes but the reason or evidence, which are given with the move.
    ReadyWithItemsToGive,
    /// A guard fails.
    Blocked,
    /// The role may not take this move.
    NotYourRole,
}

impl MoveState {
    /// A stable key: `ready`, `ready_to_give`, `blocked`, `not_your_role`.
    pub fn key(self) -> &'static str {
        match self {
            MoveState::Ready => "ready",
            MoveState::ReadyWithItemsToGive => "ready_to_give",
            MoveState::Blocked => "blocked",
            MoveState::NotYourRole => "not_your_role",
        }
    }

    /// The state in words: 可推进, 可推进（推进时补充 ○ 项）, 受阻, 无权限.
    pub fn label(self) -> Text {
        match self {
            MoveState::Ready => Text::new("可推进", "ready"),
            MoveState::ReadyWithItemsToGive => Text::new(
                "可推进（推进时补充 ○ 项）",
                "ready (give the ○ items with the move)",
            ),
            MoveState::Blocked => Text::new("受阻", "blocked"),
            MoveState::NotYourRole => Text::new("无权限", "not your role"),
        }
    }

    /// Whether the move can be taken now.
    pub fn is_ready(self) -> bool {
        matches!(self, MoveState::Ready | MoveState::ReadyWithItemsToGive)
    }
}

/// Whether a guard is given with the move itself (a reason, evidence) rather than met before it.
pub fn is_given_with_the_move(guard: &str) -> bool {
    matches!(guard, "reason_required" | "evidence_required")
}

impl MoveOption {
    /// Where the move stands for the role asked about.
    pub fn state(&self) -> MoveState {
        if !self.role_allowed {
            MoveState::NotYourRole
        } else if !self.ready() {
            MoveState::Blocked
        } else if self
            .guards
            .iter()
            .any(|g| !g.passed && is_given_with_the_move(g.guard))
        {
            MoveState::ReadyWithItemsToGive
        } else {
            MoveState::Ready
        }
    }

    /// Whether the move could be taken now by that role without an override, apart from the
    /// reason and evidence still to be given.
    pub fn ready(&self) -> bool {
        self.role_allowed
            && self
                .guards
                .iter()
                .all(|g| g.passed || is_given_with_the_move(g.guard))
    }
}

/// What opening a cultivation creates: the start stage and its tasks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenPlan {
    /// The start stage.
    pub stage: StageKey,
    /// The day the cultivation starts.
    pub effective_on: NaiveDate,
    /// The start stage's tasks (and re-review task, should the start stage be certified).
    pub create: Vec<TaskDraft>,
    /// The start stage's expiry, should it be certified.
    pub expires_on: Option<NaiveDate>,
}

/// A possible move, as listed in [`PlanError::NoSuchMove`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveChoice {
    /// The target stage.
    pub to: StageKey,
    /// The move's name.
    pub label: Text,
}

/// Why a move cannot be planned. `Display` is English; [`Localize`] gives both languages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The snapshot's stage is not a stage of the track (the cultivation is on another version).
    #[error("the current stage \"{stage}\" is not a stage of the track \"{track}\"")]
    CurrentStageUnknown {
        /// The snapshot's stage.
        stage: StageKey,
        /// The track's key.
        track: String,
    },
    /// The track has no move from the current stage to the requested one.
    #[error("{}", no_such_move_en(.from, .to, .to_known, .possible))]
    NoSuchMove {
        /// The current stage.
        from: StageKey,
        /// The requested stage.
        to: StageKey,
        /// Whether the requested stage exists in the track at all.
        to_known: bool,
        /// The moves possible from the current stage.
        possible: Vec<MoveChoice>,
    },
    /// The effective date is after today.
    #[error(
        "the move cannot take effect on {effective_on}: that is in the future (today is {today})"
    )]
    EffectiveInFuture {
        /// The requested effective date.
        effective_on: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// The effective date is before the last recorded move.
    #[error(
        "the move cannot take effect on {effective_on}: the previous move took effect on \
         {last_move_on}, and moves cannot be dated before it"
    )]
    EffectiveBeforeLastMove {
        /// The requested effective date.
        effective_on: NaiveDate,
        /// The effective date of the last move.
        last_move_on: NaiveDate,
    },
    /// The actor's role may not take this move.
    #[error("{}", role_en(.role, .allowed))]
    RoleNotAllowed {
        /// The actor's role.
        role: Role,
        /// The roles that may.
        allowed: Vec<Role>,
    },
    /// At least one guard failed and there is no (permitted) override; holds every guard's
    /// result, passed or not.
    #[error("{}", guards_en(.0))]
    GuardsFailed(Vec<GuardResult>),
    /// An override was asked for by a role that may not override.
    #[error("only a team lead or an administrator may override failing guards; you act as {}", .role.label(Lang::En))]
    OverrideNotAllowed {
        /// The actor's role.
        role: Role,
        /// Every guard's result.
        guards: Vec<GuardResult>,
    },
    /// An override without a reason.
    #[error("overriding failing guards needs a reason")]
    OverrideNeedsReason {
        /// Every guard's result.
        guards: Vec<GuardResult>,
    },
    /// A due date could not be computed (usually: no calendar data for its year).
    #[error("cannot compute the due date of the task \"{}\": {source}", .task.en())]
    Calendar {
        /// The task's title.
        task: Text,
        /// The calendar's error.
        source: CalendarError,
    },
    /// The expiry date of a certified stage is beyond the representable range.
    #[error("the expiry date of the stage \"{stage}\" is out of range")]
    ExpiryOutOfRange {
        /// The stage entered.
        stage: StageKey,
    },
}

fn label_list(choices: &[MoveChoice], lang: Lang) -> String {
    choices
        .iter()
        .map(|c| match lang {
            Lang::Zh => format!("{}（{}）", c.to, c.label.zh()),
            Lang::En => format!("{} ({})", c.to, c.label.en()),
        })
        .collect::<Vec<_>>()
        .join(if lang == Lang::Zh { "、" } else { ", " })
}

fn no_such_move_en(
    from: &StageKey,
    to: &StageKey,
    to_known: &bool,
    possible: &[MoveChoice],
) -> String {
    let head = if *to_known {
        format!("there is no move from \"{from}\" to \"{to}\"")
    } else {
        format!("\"{to}\" is not a stage of this track")
    };
    if possible.is_empty() {
        format!("{head}; no move is possible from \"{from}\"")
    } else {
        format!(
            "{head}; from \"{from}\" the possible moves are: {}",
            label_list(possible, Lang::En)
        )
    }
}

fn role_en(role: &Role, allowed: &[Role]) -> String {
    let list: Vec<&str> = allowed.iter().map(|r| r.label(Lang::En)).collect();
    format!(
        "a {} may not take this move; it is for: {}",
        role.label(Lang::En),
        list.join(", ")
    )
}

fn guards_en(results: &[GuardResult]) -> String {
    let failed: Vec<&str> = results
        .iter()
        .filter(|g| !g.passed)
        .map(|g| g.message.en())
        .collect();
    format!("the move is blocked: {}", failed.join("; "))
}

impl Localize for PlanError {
    fn localize(&self, _lang: Lang) -> Text {
        let zh = match self {
            PlanError::CurrentStageUnknown { stage, track } => {
                format!("当前阶段 \"{stage}\" 不属于流程 \"{track}\"")
            }
            PlanError::NoSuchMove {
                from,
                to,
                to_known,
                possible,
            } => {
                let head = if *to_known {
                    format!("不能从 \"{from}\" 流转到 \"{to}\"")
                } else {
                    format!("\"{to}\" 不是本流程的阶段")
                };
                if possible.is_empty() {
                    format!("{head}；\"{from}\" 已无可进行的流转")
                } else {
                    format!(
                        "{head}；从 \"{from}\" 可以流转到：{}",
                        label_list(possible, Lang::Zh)
                    )
                }
            }
            PlanError::EffectiveInFuture {
                effective_on,
                today,
            } => format!("生效日期 {effective_on} 晚于今天（{today}），不能登记未来的流转"),
            PlanError::EffectiveBeforeLastMove {
                effective_on,
                last_move_on,
            } => format!(
                "生效日期 {effective_on} 早于上一次流转的生效日期 {last_move_on}，流转不能早于上一次流转"
            ),
            PlanError::RoleNotAllowed { role, allowed } => {
                let list: Vec<&str> = allowed.iter().map(|r| r.label(Lang::Zh)).collect();
                format!(
                    "{}不能进行此流转；可进行的角色：{}",
                    role.label(Lang::Zh),
                    list.join("、")
                )
            }
            PlanError::GuardsFailed(results) => {
                let failed: Vec<&str> = results
                    .iter()
                    .filter(|g| !g.passed)
                    .map(|g| g.message.zh())
                    .collect();
                format!("流转条件未满足：{}", failed.join("；"))
            }
            PlanError::OverrideNotAllowed { role, .. } => format!(
                "只有组长或管理员可以越过未满足的条件；当前角色为{}",
                role.label(Lang::Zh)
            ),
            PlanError::OverrideNeedsReason { .. } => "越过未满足的条件必须填写理由".to_owned(),
            PlanError::Calendar { task, source } => format!(
                "无法计算任务“{}”的截止日期：{}",
                task.zh(),
                source.message_zh()
            ),
            PlanError::ExpiryOutOfRange { stage } => format!("阶段 \"{stage}\" 的到期日期超出范围"),
        };
        Text::new(zh, self.to_string())
    }
}

fn guard_context<'a>(
    snapshot: &'a Snapshot,
    on: NaiveDate,
    role: Role,
    reason: Option<&'a str>,
    evidence: &'a [String],
) -> GuardContext<'a> {
    GuardContext {
        enterprise: &snapshot.enterprise,
        thresholds: &snapshot.thresholds,
        metrics: &snapshot.metrics,
        tasks: &snapshot.tasks,
        on,
        stage_entered_on: snapshot.stage_entered_on,
        stage_expires_on: snapshot.stage_expires_on,
        role,
        reason,
        evidence,
    }
}

fn choices(track: &Track, from: &StageKey) -> Vec<MoveChoice> {
    track
        .transitions_from(from)
        .map(|t| MoveChoice {
            to: t.to.clone(),
            label: track.move_label(t),
        })
        .collect()
}

/// Plans the move `request` asks for, in this order: the current stage and the transition exist
/// (else the possible moves are listed); the effective date is not in the future nor before the
/// last move; the role may take the move; every guard is evaluated on the effective date;
/// failing guards stop the move unless a lead or admin overrides them with a reason. The tasks
/// of the target stage are due by the calendar counted from the effective date, shortened by
/// the batch policy for priority batches.
pub fn plan(
    track: &Track,
    snapshot: &Snapshot,
    request: &MoveRequest,
    calendar: &Calendar,
) -> Result<Plan, PlanError> {
    if track.stage(&snapshot.stage).is_none() {
        return Err(PlanError::CurrentStageUnknown {
            stage: snapshot.stage.clone(),
            track: track.key().to_string(),
        });
    }
    let Some(transition) = track.transition(&snapshot.stage, &request.to) else {
        return Err(PlanError::NoSuchMove {
            from: snapshot.stage.clone(),
            to: request.to.clone(),
            to_known: track.stage(&request.to).is_some(),
            possible: choices(track, &snapshot.stage),
        });
    };
    let Some(target) = track.stage(&transition.to) else {
        return Err(PlanError::NoSuchMove {
            from: snapshot.stage.clone(),
            to: request.to.clone(),
            to_known: false,
            possible: choices(track, &snapshot.stage),
        });
    };
    let on = request.effective_on;
    if on > request.today {
        return Err(PlanError::EffectiveInFuture {
            effective_on: on,
            today: request.today,
        });
    }
    if on < snapshot.last_move_on {
        return Err(PlanError::EffectiveBeforeLastMove {
            effective_on: on,
            last_move_on: snapshot.last_move_on,
        });
    }
    if !transition.roles.contains(&request.role) {
        return Err(PlanError::RoleNotAllowed {
            role: request.role,
            allowed: transition.roles.clone(),
        });
    }
    let reason = request
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let evidence: Vec<String> = request
        .evidence
        .iter()
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .collect();
    let ctx = guard_context(snapshot, on, request.role, reason, &evidence);
    let guards: Vec<GuardResult> = transition.guards.iter().map(|g| g.evaluate(&ctx)).collect();
    let failing = guards.iter().any(|g| !g.passed);
    let overridden = if failing {
        if !request.override_guards {
            return Err(PlanError::GuardsFailed(guards));
        }
        if !matches!(request.role, Role::Lead | Role::Admin) {
            return Err(PlanError::OverrideNotAllowed {
                role: request.role,
                guards,
            });
        }
        if reason.is_none() {
            return Err(PlanError::OverrideNeedsReason { guards });
        }
        true
    } else {
        false
    };
    let (create, expires_on) = enter(track, target, snapshot.batch, on, calendar)?;
    Ok(Plan {
        from: snapshot.stage.clone(),
        to: target.key.clone(),
        label: track.move_label(transition),
        effective_on: on,
        guards,
        overridden,
        reason: reason.map(str::to_owned),
        evidence,
        create,
        close: closings(target, snapshot),
        expires_on,
        terminal: target.terminal,
    })
}

/// The tasks and expiry of entering `stage` on `on`.
fn enter(
    track: &Track,
    stage: &Stage,
    batch: Option<Batch>,
    on: NaiveDate,
    calendar: &Calendar,
) -> Result<(Vec<TaskDraft>, Option<NaiveDate>), PlanError> {
    let mut create = Vec::new();
    for template in &stage.tasks {
        let short = track.policy().priority_working_days(batch, template);
        let draft = template
            .draft(on, short, calendar)
            .map_err(|source| PlanError::Calendar {
                task: template.title.clone(),
                source,
            })?;
        create.push(draft);
    }
    let expires_on = match stage.valid_for {
        Some(period) => Some(
            period
                .after(on)
                .ok_or_else(|| PlanError::ExpiryOutOfRange {
                    stage: stage.key.clone(),
                })?,
        ),
        None => None,
    };
    if let (Some(expires), Some(review)) = (expires_on, &stage.review) {
        // Years ahead the calendar may have no data yet: the re-review date is a plain calendar
        // date, never rolled (see docs/tracks.md).
        let due_on = review
            .before
            .before(expires)
            .filter(|d| *d >= on)
            .unwrap_or(on);
        create.push(TaskDraft {
            kind: review.task.kind,
            title: review.task.title.clone(),
            assignee: review.task.assignee,
            reference_on: expires,
            due_on,
            due_count: None,
            priority: false,
            repeat: None,
            origin: TemplateOrigin::Review,
        });
    }
    Ok((create, expires_on))
}

/// The open tasks of `snapshot` that entering `stage` closes, each once, in snapshot order.
fn closings(stage: &Stage, snapshot: &Snapshot) -> Vec<TaskClosing> {
    snapshot
        .tasks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.status.is_open())
        .filter_map(|(i, t)| {
            stage
                .close
                .iter()
                .find(|rule| match rule {
                    CloseRule::All => true,
                    CloseRule::PreviousStage => {
                        t.created_in_stage.as_ref() == Some(&snapshot.stage)
                    }
                    CloseRule::Kind(k) => k.matches(&t.kind),
                })
                .map(|rule| TaskClosing {
                    task: i,
                    status: TaskStatus::Cancelled,
                    rule: *rule,
                })
        })
        .collect()
}

/// Every move from the current stage, in track order, with its guards evaluated as of `today`
/// for `role` with no reason or evidence given. Empty when the current stage is unknown to the
/// track or terminal.
pub fn available_moves(
    track: &Track,
    snapshot: &Snapshot,
    role: Role,
    today: NaiveDate,
) -> Vec<MoveOption> {
    let ctx = guard_context(snapshot, today, role, None, &[]);
    track
        .transitions_from(&snapshot.stage)
        .map(|t| MoveOption {
            to: t.to.clone(),
            label: track.move_label(t),
            role_allowed: t.roles.contains(&role),
            guards: t.guards.iter().map(|g| g.evaluate(&ctx)).collect(),
            on_expiry: t.on_expiry,
        })
        .collect()
}

/// The lapse due now: the `on_expiry` transition from the current stage when its certification
/// expired on or before `today`. The service takes it (as the system) when it finds one.
pub fn lapse_due<'a>(
    track: &'a Track,
    snapshot: &Snapshot,
    today: NaiveDate,
) -> Option<&'a Transition> {
    let expired = snapshot.stage_expires_on.is_some_and(|e| e <= today);
    if !expired {
        return None;
    }
    track
        .transitions_from(&snapshot.stage)
        .find(|t| t.on_expiry)
}

/// Plans opening a cultivation on `track` at its start stage, effective `effective_on` (not
/// after `today`): the start stage's tasks, due from the effective date with the batch policy.
pub fn open_plan(
    track: &Track,
    batch: Option<Batch>,
    effective_on: NaiveDate,
    today: NaiveDate,
    calendar: &Calendar,
) -> Result<OpenPlan, PlanError> {
    if effective_on > today {
        return Err(PlanError::EffectiveInFuture {
            effective_on,
            today,
        });
    }
    let start = track.start();
    let (create, expires_on) = enter(track, start, batch, effective_on, calendar)?;
    Ok(OpenPlan {
        stage: start.key.clone(),
        effective_on,
        create,
        expires_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::tests::months;
    use crate::track::shipped_tracks;
    use peiyu_domain::{EnterpriseId, FactorCategory, LegalForm, Sector, TaskKind, Uscc};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn sk(s: &str) -> StageKey {
        StageKey::new(s).unwrap()
    }

    fn track(key: &str) -> Track {
        shipped_tracks()
            .unwrap()
            .into_iter()
            .find(|t| t.key().as_str() == key)
            .unwrap()
    }

    fn cal() -> Calendar {
        Calendar::china().unwrap()
    }

    fn snapshot(sector: Sector, stage: &str, entered: &str) -> Snapshot {
        Snapshot {
            enterprise: Enterprise {
                id: EnterpriseId(Default::default()),
                uscc: Uscc::parse("914403001922038216").unwrap(),
                name: "加美木业".into(),
                sector,
                town: "城关镇".into(),
                address: String::new(),
                land_area: None,
                legal_form: LegalForm::LegalEntity,
                responsible_officer: None,
                archived: false,
            },
            thresholds: Thresholds::default(),
            stage: sk(stage),
            stage_entered_on: d(entered),
            last_move_on: d(entered),
            stage_expires_on: None,
            metrics: Vec::new(),
            tasks: Vec::new(),
            batch: None,
        }
    }

    fn request(to: &str, on: &str) -> MoveRequest {
        MoveRequest {
            to: sk(to),
            role: Role::Officer,
            reason: None,
            evidence: Vec::new(),
            override_guards: false,
            effective_on: d(on),
            today: d(on),
        }
    }

    fn task(kind: TaskKind, status: TaskStatus, stage: &str, done: Option<&str>) -> TaskFact {
        TaskFact {
            kind,
            status,
            created_on: d("2023-01-01"),
            created_in_stage: Some(sk(stage)),
            completed_on: done.map(d),
        }
    }

    #[test]
    fn entering_cultivating_creates_a_visit_due_in_five_working_days() {
        let t = track("industrial");
        let s = snapshot(Sector::Industry, "candidate", "2023-09-01");
        let p = plan(&t, &s, &request("cultivating", "2023-09-28"), &cal()).unwrap();
        assert_eq!(
            (p.from.as_str(), p.to.as_str()),
            ("candidate", "cultivating")
        );
        assert_eq!(p.label.zh(), "纳入培育");
        assert!(p.guards.is_empty() && !p.overridden && !p.terminal);
        let visit = &p.create[0];
        assert_eq!(visit.kind, TaskKind::Visit);
        assert_eq!(visit.due_on, d("2023-10-11"));
        assert_eq!(visit.reference_on, d("2023-09-28"));
        let factor = &p.create[1];
        assert_eq!(factor.kind, TaskKind::FactorGuarantee(FactorCategory::Land));
        assert_eq!(factor.due_on, d("2023-11-01"));
        assert!(!factor.priority);
    }

    #[test]
    fn batch_policy_shortens_factor_guarantee_deadlines() {
        let t = track("industrial");
        let mut s = snapshot(Sector::Industry, "candidate", "2023-09-01");
        for (batch, due, priority) in [
            (1, "2023-10-18", true),
            (2, "2023-10-18", true),
            (3, "2023-11-01", false),
            (4, "2023-11-01", false),
        ] {
            s.batch = Batch::new(batch).ok();
            let p = plan(&t, &s, &request("cultivating", "2023-09-28"), &cal()).unwrap();
            let factor = &p.create[1];
            assert_eq!(
                (factor.due_on, factor.priority),
                (d(due), priority),
                "batch {batch}"
            );
            // The visit is not a factor guarantee and keeps its deadline.
            assert_eq!(p.create[0].due_on, d("2023-10-11"));
        }
        // The policy's own default applies to factor-guarantee templates without a
        // priority_working_days: upgrading's energy quota (20 working days, policy 10).
        let mut s = snapshot(Sector::Industry, "registered", "2024-01-02");
        s.batch = Batch::new(1).ok();
        let mut r = request("upgrading", "2024-04-01");
        r.evidence = vec!["千企技改项目清单".into()];
        let p = plan(&t, &s, &r, &cal()).unwrap();
        let energy = p
            .create
            .iter()
            .find(|t| t.kind == TaskKind::FactorGuarantee(FactorCategory::Energy))
            .unwrap();
        // 10 working days after 2024-04-01 (04-04..04-06 off, Sunday 04-07 works): 04-16.
        assert_eq!(energy.due_on, d("2024-04-16"));
        assert!(energy.priority);
        assert_eq!(energy.assignee, crate::template::AssigneeRule::TeamLead);
    }

    #[test]
    fn qualifying_is_guarded_by_the_sector_threshold() {
        let t = track("industrial");
        let mut s = snapshot(Sector::Industry, "cultivating", "2023-03-01");
        // 1,640万元 from January to September 2023; 2022 unrecorded.
        let mut wan = vec![Some(180); 8];
        wan.push(Some(200));
        s.metrics = months("2023-01", &wan);
        let err = plan(&t, &s, &request("qualified", "2023-10-08"), &cal()).unwrap_err();
        let PlanError::GuardsFailed(results) = &err else {
            panic!("{err:?}");
        };
        assert_eq!(results.len(), 2);
        assert!(!results[0].passed);
        assert!(results[0].message.en().starts_with(
            "year-to-date revenue 1,640万元 is below the 2,000万元 threshold for industry"
        ));
        assert!(
            results[0]
                .message
                .en()
                .contains("no revenue recorded for 2022-10")
        );
        assert!(results[1].passed, "legal entity");
        assert!(
            err.to_string()
                .starts_with("the move is blocked: year-to-date revenue 1,640万元")
        );
        assert!(
            err.localize(Lang::Zh).zh().starts_with(
                "流转条件未满足：本年累计营业收入 1,640万元，低于工业 2,000万元 的门槛"
            )
        );

        // Two more months recorded: October's figures count once the move is effective in November.
        s.metrics = months(
            "2023-01",
            &[
                Some(180),
                Some(180),
                Some(180),
                Some(180),
                Some(180),
                Some(180),
                Some(180),
                Some(180),
                Some(200),
                Some(400),
            ],
        );
        s.last_move_on = d("2023-03-01");
        let p = plan(&t, &s, &request("qualified", "2023-11-02"), &cal()).unwrap();
        assert!(p.guards.iter().all(|g| g.passed));
        assert!(
            p.guards[0]
                .message
                .en()
                .contains("2,040万元 reaches the 2,000万元 threshold")
        );
        // The application is due on day 5 of the next month, rolled to a working day.
        let app = p
            .create
            .iter()
            .find(|t| t.kind == TaskKind::Application)
            .unwrap();
        assert_eq!(app.due_on, d("2023-12-05"));

        // A branch does not qualify.
        s.enterprise.legal_form = LegalForm::Branch;
        let err = plan(&t, &s, &request("qualified", "2023-11-02"), &cal()).unwrap_err();
        let PlanError::GuardsFailed(results) = err else {
            panic!()
        };
        assert!(results[0].passed && !results[1].passed);
    }

    #[test]
    fn commerce_thresholds_come_from_the_sector() {
        let t = track("commerce");
        let mut s = snapshot(Sector::Retail, "cultivating", "2023-03-01");
        // 600万元 in 2023 to September: retail (500万) passes, wholesale (2,000万) does not.
        s.metrics = months(
            "2023-01",
            &[
                Some(60),
                Some(60),
                Some(60),
                Some(60),
                Some(60),
                Some(60),
                Some(60),
                Some(60),
                Some(120),
            ],
        );
        assert!(plan(&t, &s, &request("qualified", "2023-10-09"), &cal()).is_ok());
        s.enterprise.sector = Sector::Wholesale;
        let err = plan(&t, &s, &request("qualified", "2023-10-09"), &cal()).unwrap_err();
        assert!(
            err.to_string()
                .contains("below the 2,000万元 threshold for wholesale"),
            "{err}"
        );
        s.enterprise.sector = Sector::Catering;
        assert!(plan(&t, &s, &request("qualified", "2023-10-09"), &cal()).is_ok());
    }

    #[test]
    fn application_due_dates_on_the_monthly_route() {
        let t = track("commerce");
        let mut s = snapshot(Sector::Retail, "cultivating", "2023-03-01");
        s.metrics = months("2023-01", &[Some(100); 12]);
        s.metrics.extend(months("2024-01", &[Some(100); 9]));
        for (on, due) in [("2024-01-15", "2024-02-05"), ("2024-09-20", "2024-10-08")] {
            let p = plan(&t, &s, &request("qualified", on), &cal()).unwrap();
            let app = p
                .create
                .iter()
                .find(|t| t.kind == TaskKind::Application)
                .unwrap();
            assert_eq!(app.due_on, d(due), "qualified on {on}");
        }
    }

    #[test]
    fn overrides_need_a_lead_or_admin_and_a_reason() {
        let t = track("industrial");
        let s = snapshot(Sector::Industry, "cultivating", "2023-03-01");
        let mut r = request("qualified", "2023-10-09");
        r.override_guards = true;
        r.reason = Some("统计局已口头确认".into());
        let err = plan(&t, &s, &r, &cal()).unwrap_err();
        assert!(
            matches!(
                err,
                PlanError::OverrideNotAllowed {
                    role: Role::Officer,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.localize(Lang::Zh).zh().starts_with("只有组长或管理员"));
        r.role = Role::Lead;
        r.reason = Some("   ".into());
        assert!(matches!(
            plan(&t, &s, &r, &cal()),
            Err(PlanError::OverrideNeedsReason { .. })
        ));
        r.reason = Some(" 统计局已口头确认 ".into());
        let p = plan(&t, &s, &r, &cal()).unwrap();
        assert!(p.overridden);
        assert_eq!(p.reason.as_deref(), Some("统计局已口头确认"));
        assert_eq!(p.failed_guards().count(), 1);
        r.role = Role::Admin;
        assert!(plan(&t, &s, &r, &cal()).unwrap().overridden);
        // Without failing guards an override flag changes nothing.
        let mut r = request("cultivating", "2023-10-09");
        r.override_guards = true;
        let s = snapshot(Sector::Industry, "candidate", "2023-03-01");
        assert!(!plan(&t, &s, &r, &cal()).unwrap().overridden);
    }

    #[test]
    fn effective_dates() {
        let t = track("industrial");
        let s = snapshot(Sector::Industry, "candidate", "2023-09-01");
        let mut r = request("cultivating", "2023-09-28");
        r.today = d("2023-09-27");
        let err = plan(&t, &s, &r, &cal()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the move cannot take effect on 2023-09-28: that is in the future (today is 2023-09-27)"
        );
        let r = MoveRequest {
            effective_on: d("2023-08-31"),
            today: d("2023-10-10"),
            ..request("cultivating", "2023-09-28")
        };
        let err = plan(&t, &s, &r, &cal()).unwrap_err();
        assert!(matches!(err, PlanError::EffectiveBeforeLastMove { .. }));
        assert!(
            err.localize(Lang::Zh)
                .zh()
                .contains("早于上一次流转的生效日期 2023-09-01")
        );
        // Recorded later, effective on the same day as the last move: allowed; tasks are due
        // from the effective date, not from today.
        let r = MoveRequest {
            effective_on: d("2023-09-01"),
            today: d("2023-10-10"),
            ..request("cultivating", "2023-09-28")
        };
        let p = plan(&t, &s, &r, &cal()).unwrap();
        assert_eq!(p.effective_on, d("2023-09-01"));
        assert_eq!(p.create[0].due_on, d("2023-09-08"));
    }

    #[test]
    fn unknown_moves_list_the_possible_ones() {
        let t = track("industrial");
        let s = snapshot(Sector::Industry, "applied", "2023-09-01");
        let err = plan(&t, &s, &request("upgrading", "2023-10-09"), &cal()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "there is no move from \"applied\" to \"upgrading\"; from \"applied\" the possible moves are: \
             registered (registration approved), qualified (returned for correction), \
             cultivating (not approved), withdrawn (withdraw)"
        );
        assert!(
            err.localize(Lang::Zh)
                .zh()
                .contains("qualified（退回补正）")
        );
        let err = plan(&t, &s, &request("nowhere", "2023-10-09"), &cal()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("\"nowhere\" is not a stage of this track")
        );
        let s = snapshot(Sector::Industry, "withdrawn", "2023-09-01");
        let err = plan(&t, &s, &request("candidate", "2023-10-09"), &cal()).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("no move is possible from \"withdrawn\"")
        );
        let s = snapshot(Sector::Industry, "mystery", "2023-09-01");
        assert!(matches!(
            plan(&t, &s, &request("candidate", "2023-10-09"), &cal()),
            Err(PlanError::CurrentStageUnknown { .. })
        ));
    }

    #[test]
    fn leaders_only_read() {
        let t = track("industrial");
        let s = snapshot(Sector::Industry, "candidate", "2023-09-01");
        let r = MoveRequest {
            role: Role::Leader,
            ..request("cultivating", "2023-09-28")
        };
        let err = plan(&t, &s, &r, &cal()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a bureau leader may not take this move; it is for: officer, team lead, administrator"
        );
    }

    #[test]
    fn applying_needs_the_application_done_and_evidence() {
        let t = track("industrial");
        let mut s = snapshot(Sector::Industry, "qualified", "2023-11-02");
        let err = plan(&t, &s, &request("applied", "2023-11-20"), &cal()).unwrap_err();
        let PlanError::GuardsFailed(results) = err else {
            panic!()
        };
        assert_eq!(results.iter().filter(|g| !g.passed).count(), 2);
        s.tasks.push(task(
            TaskKind::Application,
            TaskStatus::Done,
            "qualified",
            Some("2023-11-15"),
        ));
        s.tasks.push(task(
            TaskKind::Document,
            TaskStatus::Open,
            "qualified",
            None,
        ));
        let mut r = request("applied", "2023-11-20");
        r.evidence = vec!["申报回执 2023-11-15".into(), " ".into()];
        let p = plan(&t, &s, &r, &cal()).unwrap();
        assert_eq!(p.evidence, vec!["申报回执 2023-11-15".to_owned()]);
        // Entering `applied` closes what `qualified` left open (the document check).
        assert_eq!(
            p.close,
            vec![TaskClosing {
                task: 1,
                status: TaskStatus::Cancelled,
                rule: CloseRule::PreviousStage
            }]
        );
        // 45 calendar days after 2023-11-20 is 2024-01-04, a working day.
        assert_eq!(p.create[0].due_on, d("2024-01-04"));
    }

    #[test]
    fn side_moves_and_exits_need_reasons_and_close_tasks() {
        let t = track("industrial");
        let mut s = snapshot(Sector::Industry, "applied", "2023-11-20");
        s.tasks = vec![
            task(TaskKind::Document, TaskStatus::Open, "applied", None),
            task(TaskKind::Visit, TaskStatus::Open, "cultivating", None),
            task(
                TaskKind::Application,
                TaskStatus::Done,
                "qualified",
                Some("2023-11-15"),
            ),
        ];
        let err = plan(&t, &s, &request("qualified", "2023-12-01"), &cal()).unwrap_err();
        assert!(err.to_string().contains("a reason is required"));
        let mut r = request("qualified", "2023-12-01");
        r.reason = Some("统计局要求补充纳税证明".into());
        let p = plan(&t, &s, &r, &cal()).unwrap();
        assert_eq!(p.label.zh(), "退回补正");
        assert_eq!(p.close.iter().map(|c| c.task).collect::<Vec<_>>(), [0]);
        let mut r = request("withdrawn", "2023-12-01");
        r.reason = Some("企业经营困难，暂停培育".into());
        let p = plan(&t, &s, &r, &cal()).unwrap();
        assert!(p.terminal);
        assert_eq!(p.close.iter().map(|c| c.task).collect::<Vec<_>>(), [0, 1]);
        assert!(p.close.iter().all(|c| c.rule == CloseRule::All));
    }

    #[test]
    fn registered_creates_a_monthly_statistics_report() {
        let t = track("industrial");
        let s = snapshot(Sector::Industry, "applied", "2023-09-05");
        let mut r = request("registered", "2023-10-20");
        r.evidence = vec!["县统计局入统通知函".into()];
        let p = plan(&t, &s, &r, &cal()).unwrap();
        let report = p
            .create
            .iter()
            .find(|t| t.kind == TaskKind::StatisticsReport)
            .unwrap();
        assert_eq!(report.due_on, d("2023-11-10"));
        assert_eq!(report.repeat, Some(crate::template::Repeat::Monthly));
    }

    #[test]
    fn technology_expiry_re_review_and_lapse() {
        let t = track("technology");
        let mut s = snapshot(Sector::Industry, "applied_high_tech", "2023-06-01");
        let mut r = request("high_tech", "2023-11-15");
        r.evidence = vec!["高新技术企业证书 GR202335000123".into()];
        let p = plan(&t, &s, &r, &cal()).unwrap();
        assert_eq!(p.expires_on, Some(d("2026-11-15")));
        let review = p
            .create
            .iter()
            .find(|t| t.origin == TemplateOrigin::Review)
            .unwrap();
        assert_eq!(review.kind, TaskKind::Application);
        assert_eq!(review.due_on, d("2026-07-18"));
        assert_eq!(review.reference_on, d("2026-11-15"));

        let mut r = request("tech_sme", "2024-03-10");
        r.evidence = vec!["入库编号 2024350100000123".into()];
        s.stage = sk("applied_tech_sme");
        let p = plan(&t, &s, &r, &cal()).unwrap();
        assert_eq!(p.expires_on, Some(d("2025-03-10")));
        assert_eq!(p.create.last().unwrap().due_on, d("2025-01-09"));

        // Certified: the lapse is blocked until the expiry date, then due.
        let mut s = snapshot(Sector::Industry, "high_tech", "2023-11-15");
        s.stage_expires_on = Some(d("2026-11-15"));
        let err = plan(&t, &s, &request("lapsed", "2026-11-14"), &cal()).unwrap_err();
        assert!(err.to_string().contains("runs until 2026-11-15"), "{err}");
        assert!(lapse_due(&t, &s, d("2026-11-14")).is_none());
        let lapse = lapse_due(&t, &s, d("2026-11-15")).unwrap();
        assert_eq!(lapse.to.as_str(), "lapsed");
        let p = plan(&t, &s, &request("lapsed", "2026-11-15"), &cal()).unwrap();
        assert!(p.guards[0].passed);
        assert_eq!(p.create[0].due_on, d("2026-11-27"));
        assert_eq!(p.expires_on, None);
        // Further ahead the year has no notice yet: the visit on entering `lapsed` is dated on
        // the statutory holidays, provisionally, and planning goes on.
        s.stage_expires_on = Some(d("2027-11-15"));
        let p = plan(&t, &s, &request("lapsed", "2027-11-15"), &cal()).unwrap();
        assert_eq!(p.create[0].due_on, d("2027-11-29"));
        assert_eq!(
            cal().provisional_years_of_count(p.create[0].due_count, p.create[0].due_on),
            vec![2027]
        );
        // Renewal re-enters the stage: the expiry starts over and the old re-review closes.
        let mut s = snapshot(Sector::Industry, "tech_sme", "2023-03-10");
        s.stage_expires_on = Some(d("2024-03-10"));
        s.tasks.push(task(
            TaskKind::Application,
            TaskStatus::Done,
            "tech_sme",
            Some("2024-02-20"),
        ));
        let mut r = request("tech_sme", "2024-03-05");
        r.evidence = vec!["2024 年评价入库公示".into()];
        let p = plan(&t, &s, &r, &cal()).unwrap();
        assert_eq!(p.expires_on, Some(d("2025-03-05")));
    }

    #[test]
    fn available_moves_show_guards() {
        let t = track("industrial");
        let s = snapshot(Sector::Industry, "cultivating", "2023-03-01");
        let moves = available_moves(&t, &s, Role::Officer, d("2023-10-09"));
        let to: Vec<&str> = moves.iter().map(|m| m.to.as_str()).collect();
        assert_eq!(to, ["qualified", "withdrawn"]);
        assert!(!moves[0].ready());
        assert!(
            moves[0].guards[0]
                .message
                .en()
                .contains("no revenue recorded")
        );
        assert!(
            moves[1].ready(),
            "a reason still to give does not make a move unready"
        );
        let leader = available_moves(&t, &s, Role::Leader, d("2023-10-09"));
        assert!(leader.iter().all(|m| !m.role_allowed && !m.ready()));
    }

    #[test]
    fn opening_a_cultivation() {
        let t = track("industrial");
        let o = open_plan(&t, None, d("2023-09-28"), d("2023-09-28"), &cal()).unwrap();
        assert_eq!(o.stage.as_str(), "candidate");
        assert!(o.create.is_empty() && o.expires_on.is_none());
        assert!(matches!(
            open_plan(&t, None, d("2023-09-29"), d("2023-09-28"), &cal()),
            Err(PlanError::EffectiveInFuture { .. })
        ));
        let text = r#"key = "quick"
label = { zh = "快速", en = "quick" }
start = "start"

[[stage]]
key = "start"
label = { zh = "开始", en = "start" }

[[stage.task]]
kind = "factor_guarantee:forest"
title = { zh = "林地指标", en = "forest quota" }
working_days = 10
priority_working_days = 5
"#;
        let q = Track::parse(text).unwrap();
        let o = open_plan(
            &q,
            Batch::new(1).ok(),
            d("2023-09-28"),
            d("2023-10-01"),
            &cal(),
        )
        .unwrap();
        assert_eq!(o.create[0].due_on, d("2023-10-11"));
        let o = open_plan(
            &q,
            Batch::new(4).ok(),
            d("2023-09-28"),
            d("2023-10-01"),
            &cal(),
        )
        .unwrap();
        assert_eq!(o.create[0].due_on, d("2023-10-18"));
    }
}
