//! Cultivation cases: opening one, advancing it (or planning the move without applying it),
//! withdrawing it, and showing where it stands.

use chrono::NaiveDate;
use peiyu_domain::limits;
use peiyu_domain::{
    Cultivation, CultivationId, Enterprise, GuardOutcome, Lang, Localize, Officer, Role, StageKey,
    Task, TaskId, TaskStatus, Text, Thresholds, Transition, TransitionId,
};
use peiyu_storage::{StageChange, TaskFilter, Versioned, cultivations, metrics, officers, tasks};
use peiyu_workflow::{
    AssigneeRule, MoveOption, MoveRequest, Plan, PlanError, Snapshot, TaskDraft, TaskFact,
    TemplateOrigin, available_moves, open_plan, plan,
};

use crate::authz::require_enterprise_access;
use crate::error::{Field, ServiceError, ServiceResult};
use crate::idempotency::{self, Answer, Idempotent};
use crate::names::{NameIds, Names};
use crate::tracks::{TrackView, parse_track_key};
use crate::{Service, actor_of, in_unit};

/// How many times an advance that lost a race is planned again before the conflict is reported.
const MAX_REPLANS: usize = 3;

/// Open a cultivation: an enterprise on a track.
#[derive(Clone, Debug, Default)]
pub struct OpenCase {
    /// USCC or unambiguous name.
    pub enterprise: String,
    /// The track's key.
    pub track: String,
    /// The stage to reach by `target_date` (default: the track's `registered` stage if it has
    /// one).
    pub target_stage: Option<StageKey>,
    /// The date to reach it by ("registered by 2023-10-31").
    pub target_date: Option<NaiveDate>,
    /// The effective date (default today).
    pub on: Option<NaiveDate>,
}

/// Refuses a move whose reason or evidence is longer than its cap, or that cites more than
/// [`limits::EVIDENCE_MAX_ITEMS`] pieces of evidence (`peiyu_domain::limits`).
fn check_move_texts(cmd: &AdvanceCase) -> ServiceResult<()> {
    crate::error::bounded_reason(cmd.reason.as_deref())?;
    let evidence = Field::named("evidence");
    if cmd.evidence.len() > limits::EVIDENCE_MAX_ITEMS {
        return Err(ServiceError::invalid(
            evidence,
            Text::new(
                format!(
                    "一次流转最多引用 {} 份证据，现有 {} 份",
                    limits::EVIDENCE_MAX_ITEMS,
                    cmd.evidence.len()
                ),
                format!(
                    "a move cites at most {} pieces of evidence, got {}",
                    limits::EVIDENCE_MAX_ITEMS,
                    cmd.evidence.len()
                ),
            ),
        ));
    }
    for item in &cmd.evidence {
        crate::error::bounded(evidence.clone(), item, limits::EVIDENCE_MAX_CHARS)?;
    }
    Ok(())
}

/// The officers and the enterprise an advance's outcome names: the enterprise, the mover (and
/// on whose behalf) and the officers of the tasks created and closed.
fn outcome_names(outcome: &AdvanceOutcome) -> NameIds {
    let mut ids = NameIds::default();
    ids.enterprise(outcome.enterprise.id);
    if let Some(t) = &outcome.transition {
        ids.officer(t.actor);
        if let Some(o) = t.on_behalf_of {
            ids.officer(o);
        }
    }
    for t in &outcome.tasks {
        ids.task(&t.task);
    }
    for t in &outcome.closed {
        ids.task(t);
    }
    ids
}

/// The officers and the enterprise an advance's outcome already holds: the enterprise, the
/// mover and the assignees of the tasks created (read in the same request), so naming them
/// reads only the others.
fn outcome_known(outcome: &AdvanceOutcome, actor: &Officer) -> Names {
    let mut known = Names::default().with_enterprise(&outcome.enterprise);
    known.officers.insert(actor.id, actor.clone());
    for t in &outcome.tasks {
        known.officers.insert(t.assignee.id, t.assignee.clone());
    }
    known
}

/// Move a cultivation to another stage.
#[derive(Clone, Debug, Default)]
pub struct AdvanceCase {
    /// USCC or unambiguous name.
    pub enterprise: String,
    /// The track's key.
    pub track: String,
    /// The stage to move to.
    pub to: String,
    /// Why.
    pub reason: Option<String>,
    /// Evidence references.
    pub evidence: Vec<String>,
    /// Override failing guards (lead or admin, with a reason).
    pub override_guards: bool,
    /// Plan only; change nothing.
    pub dry_run: bool,
    /// Fail with a conflict unless the cultivation is still at this version.
    pub expected_version: Option<i64>,
    /// The effective date (default today; not in the future, not before the last move).
    pub on: Option<NaiveDate>,
    /// A client-chosen id: repeating a request with the same id returns the first result. It
    /// is also the request id of every audit entry the move writes (in place of the service's,
    /// [`crate::Service::with_request_id`]).
    pub request_id: Option<String>,
}

/// A task created by a move, with its officer resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedTask {
    /// The task.
    pub task: Task,
    /// The task's title in both languages.
    pub title: Text,
    /// Its assignee.
    pub assignee: Officer,
    /// Whether the batch policy shortened the deadline.
    pub priority: bool,
    /// The deadline was counted across a year without its State Council notice (provisional).
    pub due_provisional: bool,
}

/// What an advance did (or, for a dry run, would do).
#[derive(Clone, Debug)]
pub struct AdvanceOutcome {
    /// The enterprise.
    pub enterprise: Enterprise,
    /// The track version followed.
    pub track: TrackView,
    /// The plan: guards, tasks, expiry. `None` when a repeated request was answered from the
    /// record of the first.
    pub plan: Option<Plan>,
    /// The tasks created (or that would be created).
    pub tasks: Vec<CreatedTask>,
    /// The tasks closed (or that would be closed).
    pub closed: Vec<Task>,
    /// The recorded transition (none for a dry run).
    pub transition: Option<Transition>,
    /// The cultivation's version after the move (unchanged for a dry run).
    pub version: i64,
    /// Whether anything was recorded.
    pub applied: bool,
    /// Whether this answers a repeated request id.
    pub replayed: bool,
    /// The officers and enterprise the outcome names (the mover, the tasks' assignees).
    pub names: Names,
}

/// An enterprise's cultivations, as `case show` and `GET /enterprises/{key}/cases` present them.
#[derive(Clone, Debug)]
pub struct CasesView {
    /// The enterprise.
    pub enterprise: Enterprise,
    /// Its cultivations, each with the names it mentions.
    pub cases: Vec<CaseView>,
    /// Its statistical register periods (规上/限上 在库, 退库), oldest first; empty in the
    /// answer of a case just opened.
    pub register: Vec<peiyu_domain::RegisterPeriod>,
}

/// One cultivation as `case show` presents it.
#[derive(Clone, Debug)]
pub struct CaseView {
    /// The enterprise.
    pub enterprise: Enterprise,
    /// The cultivation and its version.
    pub cultivation: Versioned<Cultivation>,
    /// The track version it follows.
    pub track: TrackView,
    /// Days since it entered the current stage.
    pub days_in_stage: i64,
    /// Every move from here, with its guards as of today for the viewer's role.
    pub moves: Vec<MoveOption>,
    /// Its history, oldest first.
    pub history: Vec<Transition>,
    /// Its open tasks.
    pub open_tasks: Vec<Task>,
    /// The officers and enterprise the view names (movers, assignees, delegates).
    pub names: Names,
}

fn origin_of(track: &str, stage: &StageKey, origin: TemplateOrigin) -> String {
    match origin {
        TemplateOrigin::OnEnter => format!("template:{track}/{stage}"),
        TemplateOrigin::Review => format!("review:{track}/{stage}"),
    }
}

fn stage_of_origin(origin: &str) -> Option<StageKey> {
    let rest = origin
        .strip_prefix("template:")
        .or_else(|| origin.strip_prefix("review:"))?;
    let (_, stage) = rest.split_once('/')?;
    StageKey::new(stage).ok()
}

/// Every failing guard on its own line, after a headline.
fn failing_guards(head: &Text, guards: &[peiyu_workflow::GuardResult]) -> Text {
    let failed: Vec<&peiyu_workflow::GuardResult> = guards.iter().filter(|g| !g.passed).collect();
    let mut zh = format!("{}（{} 项未满足，未做任何更改）", head.zh(), failed.len());
    let mut en = format!("{} ({} failing, nothing changed)", head.en(), failed.len());
    for g in failed {
        zh.push_str(&format!("\n  ✗ {}", g.message.zh()));
        en.push_str(&format!("\n  ✗ {}", g.message.en()));
    }
    Text::new(zh, en)
}

fn plan_error(e: PlanError) -> ServiceError {
    let text = e.localize(Lang::Zh);
    match e {
        PlanError::GuardsFailed(guards) => ServiceError::invalid(
            Field::To,
            failing_guards(
                &Text::new("流转条件未满足", "the move's guards do not pass"),
                &guards,
            ),
        ),
        PlanError::OverrideNotAllowed { ref guards, .. }
        | PlanError::OverrideNeedsReason { ref guards } => {
            ServiceError::invalid(Field::Override, failing_guards(&text, guards))
        }
        PlanError::EffectiveInFuture { .. } | PlanError::EffectiveBeforeLastMove { .. } => {
            ServiceError::invalid(Field::On, text)
        }
        PlanError::RoleNotAllowed { .. } => ServiceError::Forbidden { message: text },
        PlanError::NoSuchMove { .. } => ServiceError::invalid(Field::To, text),
        PlanError::CurrentStageUnknown { .. }
        | PlanError::Calendar { .. }
        | PlanError::ExpiryOutOfRange { .. } => ServiceError::invalid(Field::Case, text),
    }
}

impl Service {
    /// Finds the officer a template's task goes to: the responsible officer; the lead of their
    /// team; or the acting officer when they hold the role, else the first active officer who
    /// does. Falls back to the acting officer when the rule finds no one.
    pub(crate) async fn resolve_assignee(
        &self,
        rule: AssigneeRule,
        enterprise: &Enterprise,
        actor: &Officer,
    ) -> ServiceResult<Officer> {
        let conn = self.store().conn();
        let responsible = match enterprise.responsible_officer {
            Some(id) => officers::find_officer(conn, id).await?,
            None => None,
        };
        let found = match rule {
            AssigneeRule::ResponsibleOfficer => responsible,
            AssigneeRule::TeamLead => {
                let base = responsible.clone().unwrap_or_else(|| actor.clone());
                let mut lead = None;
                for team in officers::list_teams(conn).await? {
                    if team.members.contains(&base.id)
                        && let Some(lead_id) = team.team.lead
                    {
                        lead = officers::find_officer(conn, lead_id).await?;
                        break;
                    }
                }
                lead.or(responsible)
            }
            AssigneeRule::Role(role) if actor.role == role => Some(actor.clone()),
            AssigneeRule::Role(role) => officers::list_officers(conn)
                .await?
                .into_iter()
                .find(|o| o.active && o.role == role),
        };
        Ok(found.unwrap_or_else(|| actor.clone()))
    }

    async fn materialise(
        &self,
        created_on: NaiveDate,
        drafts: &[TaskDraft],
        enterprise: &Enterprise,
        cultivation: CultivationId,
        (track_key, stage): (&str, &StageKey),
        actor: &Officer,
    ) -> ServiceResult<Vec<CreatedTask>> {
        let mut out = Vec::with_capacity(drafts.len());
        // Templates of one stage mostly share a rule: each rule is resolved once.
        let mut resolved: Vec<(AssigneeRule, Officer)> = Vec::new();
        for d in drafts {
            let assignee = match resolved.iter().find(|(rule, _)| *rule == d.assignee) {
                Some((_, officer)) => officer.clone(),
                None => {
                    let officer = self.resolve_assignee(d.assignee, enterprise, actor).await?;
                    resolved.push((d.assignee, officer.clone()));
                    officer
                }
            };
            out.push(CreatedTask {
                task: Task {
                    id: TaskId::new(),
                    enterprise: Some(enterprise.id),
                    cultivation: Some(cultivation),
                    kind: d.kind,
                    title: d.title.zh().to_owned(),
                    description: None,
                    assignee: assignee.id,
                    delegate: None,
                    created_by: actor.id,
                    status: TaskStatus::Open,
                    created_on,
                    due_on: d.due_on,
                    due_count: d.due_count,
                    follow_up_on: None,
                    origin: origin_of(track_key, stage, d.origin),
                    completed_on: None,
                    completion_note: None,
                    evidence: None,
                    cancel_reason: None,
                },
                title: d.title.clone(),
                assignee,
                priority: d.priority,
                due_provisional: !self
                    .calendar()
                    .provisional_years_of_count(d.due_count, d.due_on)
                    .is_empty(),
            });
        }
        Ok(out)
    }

    async fn cultivation_of(
        &self,
        enterprise: &Enterprise,
        track_key: &str,
    ) -> ServiceResult<Versioned<Cultivation>> {
        cultivations::find_cultivation(self.store().conn(), enterprise.id, track_key)
            .await?
            .ok_or_else(|| {
                ServiceError::not_found(
                    format!("「{}」不在流程 {track_key} 上：请先立案", enterprise.name),
                    format!(
                        "\"{}\" is not on the track {track_key}: open a case first",
                        enterprise.name
                    ),
                )
            })
    }

    /// Opens a cultivation of an enterprise on the newest version of a track, at the track's
    /// start stage, creating the start stage's tasks.
    #[tracing::instrument(skip(self, actor, cmd), fields(actor = %actor.login.as_str(), enterprise = %cmd.enterprise, track = %cmd.track))]
    pub async fn open_case(&self, actor: &Officer, cmd: OpenCase) -> ServiceResult<CaseView> {
        self.open_case_keyed(actor, cmd, None).await
    }

    /// [`Service::open_case`] at most once per idempotency key ([`Service::once`]). The key is
    /// claimed in the unit of work that opens the case; the answer (the case as it stands after
    /// opening, which only a read after the commit can show) is stored just after, in a unit of
    /// its own. A repeat arriving between the two waits for it ([`Service::once`]'s bounded
    /// re-read); should the server stop between them, the key stays claimed without an answer
    /// and a repeat is refused (the case is open: read it) until the key expires.
    #[tracing::instrument(skip(self, actor, cmd, once), fields(actor = %actor.login.as_str(), enterprise = %cmd.enterprise, track = %cmd.track, key = %once.key()))]
    pub async fn open_case_once(
        &self,
        actor: &Officer,
        cmd: OpenCase,
        once: &Idempotent<'_, CaseView>,
    ) -> ServiceResult<Answer<CaseView>> {
        let open = self.open_case_keyed(actor, cmd, Some(once));
        self.once_answered_after(actor, once, open).await
    }

    async fn open_case_keyed(
        &self,
        actor: &Officer,
        cmd: OpenCase,
        once: Option<&Idempotent<'_, CaseView>>,
    ) -> ServiceResult<CaseView> {
        let key = parse_track_key(Field::Track, &cmd.track)?;
        let enterprise = self.resolve_enterprise(&cmd.enterprise).await?.value;
        require_enterprise_access(self.store(), actor, &enterprise).await?;
        let track = self.latest_track(key.as_str()).await?;
        if let Some(existing) =
            cultivations::find_cultivation(self.store().conn(), enterprise.id, key.as_str()).await?
        {
            return Err(ServiceError::invalid(
                Field::Track,
                Text::new(
                    format!(
                        "「{}」已在流程 {key} 上（当前阶段：{}）：请查看该企业的培育情况",
                        enterprise.name, existing.value.stage
                    ),
                    format!(
                        "\"{}\" is already on the track {key} (now at {}): look at the case",
                        enterprise.name, existing.value.stage
                    ),
                ),
            ));
        }
        let today = self.today();
        let on = cmd.on.unwrap_or(today);
        if let Some(target) = &cmd.target_stage
            && track.track.stage(target).is_none()
        {
            return Err(ServiceError::invalid(
                Field::TargetStage,
                Text::new(
                    format!("流程 {key} 没有阶段「{target}」"),
                    format!("the track {key} has no stage \"{target}\""),
                ),
            ));
        }
        if let Some(date) = cmd.target_date
            && date < on
        {
            return Err(ServiceError::invalid(
                Field::Target,
                Text::new(
                    format!("目标日期 {date} 早于立案日期 {on}"),
                    format!("the target date {date} is before the case opens on {on}"),
                ),
            ));
        }
        let target_stage = match (&cmd.target_stage, cmd.target_date) {
            (Some(s), _) => Some(s.clone()),
            (None, Some(_)) => StageKey::new("registered")
                .ok()
                .filter(|s| track.track.stage(s).is_some()),
            (None, None) => None,
        };
        let batch = self
            .batch_of(enterprise.id, chrono::Datelike::year(&on))
            .await?;
        let opening =
            open_plan(&track.track, batch, on, today, &self.calendar()).map_err(plan_error)?;
        let cultivation = Cultivation {
            id: CultivationId::new(),
            enterprise: enterprise.id,
            track: track.record.id,
            track_key: key.clone(),
            stage: opening.stage.clone(),
            stage_since: on,
            opened_on: on,
            target_stage,
            target_date: cmd.target_date,
            expires_on: opening.expires_on,
        };
        let created = self
            .materialise(
                on,
                &opening.create,
                &enterprise,
                cultivation.id,
                (key.as_str(), &opening.stage),
                actor,
            )
            .await?;
        let transition = Transition {
            id: TransitionId::new(),
            cultivation: cultivation.id,
            enterprise: enterprise.id,
            track: track.record.id,
            seq: 1,
            from: None,
            to: opening.stage.clone(),
            effective_on: on,
            recorded_at: self.now(),
            actor: actor.id,
            on_behalf_of: None,
            reason: None,
            evidence: Vec::new(),
            overridden: false,
            guard_results: Vec::new(),
        };
        let new_tasks: Vec<Task> = created.iter().map(|c| c.task.clone()).collect();
        in_unit!(self, &actor_of(actor), |uow| {
            idempotency::claim(once, uow).await?;
            cultivations::insert_cultivation(uow, &cultivation, &transition, &new_tasks, None)
                .await?;
            Ok(())
        })?;
        self.case_view(actor, &enterprise, key.as_str()).await
    }

    pub(crate) async fn snapshot(
        &self,
        enterprise: &Enterprise,
        cultivation: &Cultivation,
        on: NaiveDate,
    ) -> ServiceResult<(Snapshot, Vec<Versioned<Task>>, Vec<Transition>)> {
        let conn = self.store().conn();
        let history = cultivations::transitions_of(conn, cultivation.id).await?;
        let last_move_on = history
            .last()
            .map(|t| t.effective_on)
            .unwrap_or(cultivation.stage_since);
        let stored_tasks = tasks::list_tasks(
            conn,
            &TaskFilter {
                cultivation: Some(cultivation.id),
                ..TaskFilter::default()
            },
        )
        .await?;
        let facts = stored_tasks
            .iter()
            .map(|t| TaskFact {
                kind: t.value.kind,
                status: t.value.status,
                created_on: t.value.created_on,
                created_in_stage: stage_of_origin(&t.value.origin),
                completed_on: t.value.completed_on,
            })
            .collect();
        let snapshot = Snapshot {
            enterprise: enterprise.clone(),
            thresholds: Thresholds::default(),
            stage: cultivation.stage.clone(),
            stage_entered_on: cultivation.stage_since,
            last_move_on,
            stage_expires_on: cultivation.expires_on,
            metrics: metrics::list_metrics(conn, enterprise.id, None, None).await?,
            tasks: facts,
            batch: self
                .batch_of(enterprise.id, chrono::Datelike::year(&on))
                .await?,
        };
        Ok((snapshot, stored_tasks, history))
    }

    /// Moves a cultivation to another stage, or with `dry_run` only plans the move. Every failing
    /// guard is reported at once and nothing changes; a lead or admin may override with a reason.
    /// A stale `expected_version` is a conflict; without one, a lost race is planned again.
    #[tracing::instrument(skip(self, actor, cmd), fields(actor = %actor.login.as_str(), enterprise = %cmd.enterprise, track = %cmd.track, to = %cmd.to))]
    pub async fn advance_case(
        &self,
        actor: &Officer,
        cmd: AdvanceCase,
    ) -> ServiceResult<AdvanceOutcome> {
        self.advance_named(actor, cmd, None).await
    }

    /// [`Service::advance_case`] at most once per idempotency key ([`Service::once`]): the key
    /// is claimed in the unit of work that records the move, and its answer (`once`'s rendering
    /// of the outcome) stored with it; a repeat gets that answer back, whatever happened to the
    /// case since. A dry run stores no key.
    #[tracing::instrument(skip(self, actor, cmd, once), fields(actor = %actor.login.as_str(), enterprise = %cmd.enterprise, track = %cmd.track, to = %cmd.to, key = %once.key()))]
    pub async fn advance_case_once(
        &self,
        actor: &Officer,
        cmd: AdvanceCase,
        once: &Idempotent<'_, AdvanceOutcome>,
    ) -> ServiceResult<Answer<AdvanceOutcome>> {
        self.once(actor, once, self.advance_named(actor, cmd, Some(once)))
            .await
    }

    async fn advance_named(
        &self,
        actor: &Officer,
        cmd: AdvanceCase,
        once: Option<&Idempotent<'_, AdvanceOutcome>>,
    ) -> ServiceResult<AdvanceOutcome> {
        let mut outcome = self.advance_unnamed(actor, cmd, once).await?;
        outcome.names = self
            .names_knowing(&outcome_names(&outcome), outcome_known(&outcome, actor))
            .await?;
        Ok(outcome)
    }

    async fn advance_unnamed(
        &self,
        actor: &Officer,
        cmd: AdvanceCase,
        once: Option<&Idempotent<'_, AdvanceOutcome>>,
    ) -> ServiceResult<AdvanceOutcome> {
        let key = parse_track_key(Field::Track, &cmd.track)?;
        let to =
            StageKey::new(cmd.to.trim()).map_err(|e| ServiceError::invalid_from(Field::To, &e))?;
        check_move_texts(&cmd)?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            if let Some(request_id) = &cmd.request_id
                && let Some(first) =
                    cultivations::transition_by_request(self.store().conn(), request_id).await?
            {
                return self.replay(actor, first, &cmd).await;
            }
            let enterprise = self.resolve_enterprise(&cmd.enterprise).await?.value;
            require_enterprise_access(self.store(), actor, &enterprise).await?;
            let current = self.cultivation_of(&enterprise, key.as_str()).await?;
            if let Some(expected) = cmd.expected_version
                && expected != current.version
            {
                return Err(stale(&enterprise, key.as_str(), expected, current.version));
            }
            let track = self.track_version(current.value.track).await?;
            let today = self.today();
            let (snapshot, stored_tasks, history) = self
                .snapshot(&enterprise, &current.value, cmd.on.unwrap_or(today))
                .await?;
            let request = MoveRequest {
                to: to.clone(),
                role: actor.role,
                reason: cmd.reason.clone(),
                evidence: cmd.evidence.clone(),
                override_guards: cmd.override_guards,
                effective_on: cmd.on.unwrap_or(today),
                today,
            };
            let planned = match plan(&track.track, &snapshot, &request, &self.calendar()) {
                Ok(p) => p,
                Err(e) => {
                    // A duplicate racing the first request may read the case after the first
                    // moved it: answer with the first result rather than a planning error.
                    if let Some(request_id) = &cmd.request_id
                        && let Some(first) =
                            cultivations::transition_by_request(self.store().conn(), request_id)
                                .await?
                    {
                        return self.replay(actor, first, &cmd).await;
                    }
                    return Err(plan_error(e));
                }
            };
            let created = self
                .materialise(
                    planned.effective_on,
                    &planned.create,
                    &enterprise,
                    current.value.id,
                    (key.as_str(), &planned.to),
                    actor,
                )
                .await?;
            let closed: Vec<(Task, Task, i64)> = planned
                .close
                .iter()
                .filter_map(|c| stored_tasks.get(c.task))
                .map(|t| {
                    let mut after = t.value.clone();
                    after.status = TaskStatus::Cancelled;
                    // Closed as of the move, not as of the day it was recorded (a late entry).
                    after.completed_on = Some(planned.effective_on.max(t.value.created_on));
                    after.cancel_reason = Some(format!(
                        "阶段变更为「{}」，不再需要",
                        track
                            .track
                            .stage(&planned.to)
                            .map(|s| s.label.zh().to_owned())
                            .unwrap_or_else(|| planned.to.to_string())
                    ));
                    (t.value.clone(), after, t.version)
                })
                .collect();
            if cmd.dry_run {
                return Ok(AdvanceOutcome {
                    enterprise,
                    track,
                    plan: Some(planned),
                    tasks: created,
                    closed: closed.into_iter().map(|(before, _, _)| before).collect(),
                    transition: None,
                    version: current.version,
                    applied: false,
                    replayed: false,
                    names: Names::default(),
                });
            }
            let mut after = current.value.clone();
            after.stage = planned.to.clone();
            after.stage_since = planned.effective_on;
            after.expires_on = planned.expires_on;
            let transition = Transition {
                id: TransitionId::new(),
                cultivation: current.value.id,
                enterprise: enterprise.id,
                track: track.record.id,
                seq: i32::try_from(history.len() + 1).unwrap_or(i32::MAX),
                from: Some(planned.from.clone()),
                to: planned.to.clone(),
                effective_on: planned.effective_on,
                recorded_at: self.now(),
                actor: actor.id,
                on_behalf_of: None,
                reason: planned.reason.clone(),
                evidence: planned.evidence.clone(),
                overridden: planned.overridden,
                guard_results: planned
                    .guards
                    .iter()
                    .map(|g| GuardOutcome {
                        guard: g.guard.to_owned(),
                        passed: g.passed,
                        message_zh: g.message.zh().to_owned(),
                        message_en: g.message.en().to_owned(),
                    })
                    .collect(),
            };
            let register_effect = track
                .track
                .stage(&planned.to)
                .and_then(|s| s.register)
                .map(|effect| (effect, planned.effective_on, planned.reason.clone()));
            let enterprise_id = enterprise.id;
            let change = StageChange {
                after,
                expected_version: current.version,
                transition: transition.clone(),
                request_id: cmd.request_id.clone(),
                new_tasks: created.iter().map(|c| c.task.clone()).collect(),
                closed_tasks: closed.clone(),
            };
            let mut applied = AdvanceOutcome {
                enterprise,
                track,
                plan: Some(planned),
                tasks: created,
                closed: closed.into_iter().map(|(_, after, _)| after).collect(),
                transition: Some(transition),
                version: current.version,
                applied: true,
                replayed: false,
                names: Names::default(),
            };
            if once.is_some() {
                // The stored answer names officers and the enterprise: read them before the
                // unit (SQLite's one connection is the unit's until it ends).
                applied.names = self
                    .names_knowing(&outcome_names(&applied), outcome_known(&applied, actor))
                    .await?;
            }
            let outcome = in_unit!(
                self,
                &actor_of(actor),
                request = cmd.request_id.clone(),
                |uow| {
                    idempotency::claim(once, uow).await?;
                    let version = cultivations::apply_stage_change(uow, &change).await?;
                    if let Some((effect, on, reason)) = &register_effect {
                        crate::register::apply_stage_effect(
                            uow,
                            enterprise_id,
                            *effect,
                            *on,
                            reason.clone(),
                        )
                        .await?;
                    }
                    if let Some(once) = once {
                        let mut answered = applied.clone();
                        answered.version = version;
                        once.answer(uow, &answered).await?;
                    }
                    Ok(version)
                }
            );
            match outcome {
                Ok(version) => {
                    applied.version = version;
                    return Ok(applied);
                }
                Err(ServiceError::Conflict { .. })
                    if cmd.expected_version.is_none() && attempt < MAX_REPLANS =>
                {
                    tracing::info!(attempt, "cultivation changed meanwhile; planning again");
                }
                Err(ServiceError::Conflict { .. }) => {
                    let now = self
                        .cultivation_of(&applied.enterprise, key.as_str())
                        .await?;
                    return Err(stale(
                        &applied.enterprise,
                        key.as_str(),
                        current.version,
                        now.version,
                    ));
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn replay(
        &self,
        actor: &Officer,
        first: Transition,
        cmd: &AdvanceCase,
    ) -> ServiceResult<AdvanceOutcome> {
        let enterprise =
            peiyu_storage::enterprises::get_enterprise(self.store().conn(), first.enterprise)
                .await?
                .value;
        require_enterprise_access(self.store(), actor, &enterprise).await?;
        let track = self.track_version(first.track).await?;
        let same_enterprise = self
            .resolve_enterprise(&cmd.enterprise)
            .await
            .is_ok_and(|e| e.value.id == enterprise.id);
        if !same_enterprise
            || track.record.key.as_str() != cmd.track.trim()
            || first.to.as_str() != cmd.to.trim()
        {
            return Err(ServiceError::invalid(
                Field::RequestId,
                Text::new(
                    "该请求编号已用于另一项推进：请换一个编号",
                    "this request id was already used for a different move: use a new one",
                ),
            ));
        }
        let current = self
            .cultivation_of(&enterprise, track.record.key.as_str())
            .await?;
        let created = tasks::list_tasks(
            self.store().conn(),
            &TaskFilter {
                cultivation: Some(first.cultivation),
                ..TaskFilter::default()
            },
        )
        .await?;
        let mut tasks_out = Vec::new();
        let stage_origin = format!("template:{}/{}", track.record.key, first.to);
        for t in created
            .into_iter()
            .filter(|t| t.value.origin == stage_origin && t.value.created_on == first.effective_on)
        {
            let assignee = officers::find_officer(self.store().conn(), t.value.assignee)
                .await?
                .unwrap_or_else(|| actor.clone());
            let due_provisional = !self
                .calendar()
                .provisional_years_of_count(t.value.due_count, t.value.due_on)
                .is_empty();
            tasks_out.push(CreatedTask {
                title: Text::new(t.value.title.clone(), t.value.title.clone()),
                task: t.value,
                assignee,
                priority: false,
                due_provisional,
            });
        }
        Ok(AdvanceOutcome {
            enterprise,
            track,
            plan: None,
            tasks: tasks_out,
            closed: Vec::new(),
            transition: Some(first),
            version: current.version,
            applied: true,
            replayed: true,
            names: Names::default(),
        })
    }

    /// Withdraws a cultivation (退出培育) with a reason: the move to the track's `withdrawn` stage.
    pub async fn withdraw_case(
        &self,
        actor: &Officer,
        enterprise: &str,
        track: &str,
        reason: &str,
        on: Option<NaiveDate>,
        expected_version: Option<i64>,
    ) -> ServiceResult<AdvanceOutcome> {
        self.advance_case(
            actor,
            AdvanceCase {
                enterprise: enterprise.to_owned(),
                track: track.to_owned(),
                to: "withdrawn".to_owned(),
                reason: Some(reason.to_owned()),
                on,
                expected_version,
                ..AdvanceCase::default()
            },
        )
        .await
    }

    async fn case_view(
        &self,
        actor: &Officer,
        enterprise: &Enterprise,
        track_key: &str,
    ) -> ServiceResult<CaseView> {
        let current = self.cultivation_of(enterprise, track_key).await?;
        let track = self.track_version(current.value.track).await?;
        let today = self.today();
        let (snapshot, stored_tasks, history) =
            self.snapshot(enterprise, &current.value, today).await?;
        let role = if actor.role == Role::Leader {
            Role::Officer
        } else {
            actor.role
        };
        let moves = available_moves(&track.track, &snapshot, role, today);
        let open_tasks: Vec<Task> = stored_tasks
            .into_iter()
            .filter(|t| t.value.status == TaskStatus::Open)
            .map(|t| t.value)
            .collect();
        let mut ids = NameIds::default();
        ids.enterprise(enterprise.id);
        for t in &history {
            ids.officer(t.actor);
            if let Some(o) = t.on_behalf_of {
                ids.officer(o);
            }
        }
        for t in &open_tasks {
            ids.task(t);
        }
        let names = self.names(&ids).await?;
        Ok(CaseView {
            enterprise: enterprise.clone(),
            days_in_stage: (today - current.value.stage_since).num_days(),
            moves,
            history,
            open_tasks,
            names,
            cultivation: current,
            track,
        })
    }

    /// Every cultivation of an enterprise: stage, version, days in stage, target, the moves
    /// possible now and the guards that block the others, history and open tasks.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn show_cases(&self, actor: &Officer, enterprise: &str) -> ServiceResult<CasesView> {
        let enterprise = self.resolve_enterprise(enterprise).await?.value;
        let mut cases = Vec::new();
        for c in cultivations::cultivations_of(self.store().conn(), enterprise.id).await? {
            cases.push(
                self.case_view(actor, &enterprise, c.value.track_key.as_str())
                    .await?,
            );
        }
        let register = self.register_of(actor, enterprise.id).await?;
        Ok(CasesView {
            enterprise,
            cases,
            register,
        })
    }

    /// Moves a cultivation onto the newest version of its track (admin only), keeping its stage
    /// and history; refused when the current stage does not exist in the new version.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn migrate_case(
        &self,
        actor: &Officer,
        enterprise: &str,
        track: &str,
        reason: Option<String>,
    ) -> ServiceResult<(TrackView, TrackView)> {
        let migration = CaseMigration {
            enterprise,
            track,
            reason,
            expected: None,
        };
        let migrated = self.migrate_case_keyed(actor, migration, None).await?;
        Ok((migrated.from, migrated.to))
    }

    /// [`Service::migrate_case`] as the API asks for it: conditional on the cultivation's
    /// version (`migration.expected`, a conflict when it moved since), at most once per
    /// idempotency key when `once` is given ([`Service::once`]).
    #[tracing::instrument(skip_all, fields(actor = %actor.login.as_str(), enterprise = migration.enterprise, track = migration.track))]
    pub async fn migrate_case_checked(
        &self,
        actor: &Officer,
        migration: CaseMigration<'_>,
        once: Option<&Idempotent<'_, CaseMigrated>>,
    ) -> ServiceResult<Answer<CaseMigrated>> {
        match once {
            Some(once) => {
                self.once(
                    actor,
                    once,
                    self.migrate_case_keyed(actor, migration, Some(once)),
                )
                .await
            }
            None => Ok(Answer::First {
                value: self.migrate_case_keyed(actor, migration, None).await?,
                answer: None,
            }),
        }
    }

    async fn migrate_case_keyed(
        &self,
        actor: &Officer,
        migration: CaseMigration<'_>,
        once: Option<&Idempotent<'_, CaseMigrated>>,
    ) -> ServiceResult<CaseMigrated> {
        let CaseMigration {
            enterprise,
            track,
            reason,
            expected,
        } = migration;
        if actor.role != Role::Admin {
            return Err(ServiceError::forbidden(
                "只有管理员可以把在办案件迁移到新版流程",
                "only an admin migrates a running case to a new track version",
            ));
        }
        let key = parse_track_key(Field::Track, track)?;
        crate::error::bounded_reason(reason.as_deref())?;
        let enterprise = self.resolve_enterprise(enterprise).await?.value;
        let current = self.cultivation_of(&enterprise, key.as_str()).await?;
        let from = self.track_version(current.value.track).await?;
        let to = self.latest_track(key.as_str()).await?;
        if to.record.id == from.record.id {
            return Err(ServiceError::invalid(
                Field::Track,
                Text::new(
                    format!("已在最新版本 v{}", to.record.version),
                    format!("already on the newest version, v{}", to.record.version),
                ),
            ));
        }
        if to.track.stage(&current.value.stage).is_none() {
            return Err(ServiceError::invalid(
                Field::Track,
                Text::new(
                    format!(
                        "新版本 v{} 没有当前阶段「{}」：请先在旧版本中推进到两版都有的阶段",
                        to.record.version, current.value.stage
                    ),
                    format!(
                        "version {} has no stage \"{}\": move the case to a stage both versions have first",
                        to.record.version, current.value.stage
                    ),
                ),
            ));
        }
        if let Some(expected) = expected
            && expected != current.version
        {
            return Err(stale(&enterprise, key.as_str(), expected, current.version));
        }
        let c = current.value.clone();
        let target = to.record.id;
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            let version =
                cultivations::migrate_cultivation(uow, &c, target, current.version, reason.clone())
                    .await?;
            Ok(CaseMigrated {
                from: from.clone(),
                to: to.clone(),
                version,
            })
        })
    }
}

/// A cultivation to move onto the newest version of its track ([`Service::migrate_case`]).
#[derive(Clone, Debug, Default)]
pub struct CaseMigration<'a> {
    /// The enterprise: USCC or an unambiguous name.
    pub enterprise: &'a str,
    /// The track's key.
    pub track: &'a str,
    /// Why, recorded with the migration.
    pub reason: Option<String>,
    /// The cultivation's version the caller read; `None` migrates whatever the version.
    pub expected: Option<i64>,
}

/// A cultivation moved onto another version of its track.
#[derive(Clone, Debug)]
pub struct CaseMigrated {
    /// The version it followed.
    pub from: TrackView,
    /// The version it follows now.
    pub to: TrackView,
    /// The cultivation's version after the migration (its new `ETag`).
    pub version: i64,
}

fn stale(enterprise: &Enterprise, track: &str, expected: i64, found: i64) -> ServiceError {
    ServiceError::Conflict {
        message: Text::new(
            format!(
                "「{}」在流程 {track} 上已被他人推进（预期版本 {expected}，当前版本 {found}）：请重新查看该企业的培育情况后再操作",
                enterprise.name
            ),
            format!(
                "\"{}\" on the track {track} was moved by someone else (expected version {expected}, now {found}): look at the case again and retry",
                enterprise.name
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stage_of_a_template_task_is_read_back_from_its_origin() {
        let stage = StageKey::new("cultivating").unwrap();
        let origin = origin_of("industrial", &stage, TemplateOrigin::OnEnter);
        assert_eq!(origin, "template:industrial/cultivating");
        assert_eq!(stage_of_origin(&origin), Some(stage.clone()));
        assert_eq!(
            stage_of_origin(&origin_of("technology", &stage, TemplateOrigin::Review)),
            Some(stage)
        );
        assert_eq!(stage_of_origin("manual"), None);
    }
}
