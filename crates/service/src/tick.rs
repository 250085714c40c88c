//! `tick`: the periodic work — escalating overdue tasks to team leads (once), materialising
//! recurring tasks ahead of time, and lapsing certifications past their expiry. Idempotent, and
//! safe to run from several processes at once: every change is conditional on the row's version.

use chrono::{Months, NaiveDate};
use peiyu_domain::AuditAction;
use peiyu_domain::{DueCount, Officer, Role, Task, TaskId, TaskKind, TaskStatus, Text};
use peiyu_storage::{cultivations, officers, tasks};
use peiyu_workflow::lapse_due;

use crate::error::{Field, ServiceError, ServiceResult};
use crate::idempotency::{Answer, Idempotent};
use crate::tasks::{ESCALATE_AFTER_WORKING_DAYS, TickPhase, TickReport};
use crate::{AdvanceCase, Service, actor_of, in_unit};

/// Only an admin runs `tick`.
fn require_admin_to_tick(actor: &Officer) -> ServiceResult<()> {
    if actor.role != Role::Admin {
        return Err(ServiceError::forbidden(
            "只有管理员可以运行 tick",
            "only an admin runs tick",
        ));
    }
    Ok(())
}

/// A lead's follow-up (督办) task is due this many working days after the escalation.
const FOLLOW_UP_WORKING_DAYS: u32 = 2;

/// How far ahead recurring tasks are materialised.
const RECURRING_HORIZON_MONTHS: u32 = 1;

impl Service {
    /// [`Service::tick`] at most once per idempotency key ([`Service::once`]). A tick is many
    /// units of work (a phase each), so the key is claimed in a unit of its own before the
    /// first, and the report stored in one after the last; a tick that fails releases the key.
    /// A repeat arriving meanwhile waits for the answer ([`Service::once`]'s bounded re-read).
    #[tracing::instrument(skip(self, actor, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn tick_once(
        &self,
        actor: &Officer,
        today: Option<NaiveDate>,
        once: &Idempotent<'_, TickReport>,
    ) -> ServiceResult<Answer<TickReport>> {
        require_admin_to_tick(actor)?;
        self.once_across_units(actor, once, self.tick(actor, today))
            .await
    }

    /// Runs the periodic work as of `today` (default: the county's today). Only an admin may.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn tick(
        &self,
        actor: &Officer,
        today: Option<NaiveDate>,
    ) -> ServiceResult<TickReport> {
        require_admin_to_tick(actor)?;
        let today = today.unwrap_or_else(|| self.today());
        let mut report = TickReport {
            today: Some(today),
            ..TickReport::default()
        };
        // Each phase in its own units of work: one that fails is reported and the others run.
        let outcome = self.escalate(actor, today, &mut report).await;
        report.record(TickPhase::Escalation, report.escalated.len(), outcome);
        let outcome = self.materialise_recurring(actor, today, &mut report).await;
        report.record(TickPhase::Recurring, report.materialised.len(), outcome);
        let outcome = self.lapse(actor, today, &mut report).await;
        report.record(TickPhase::Lapse, report.lapsed.len(), outcome);
        // Seal the day only once it is over: a seal pins the history up to the end of a day.
        let outcome = match today.pred_opt() {
            Some(yesterday) => self
                .seal_day(actor, Some(yesterday))
                .await
                .map(|(seal, _)| report.seal = Some(seal)),
            None => Ok(()),
        };
        report.record(TickPhase::Seal, usize::from(report.seal.is_some()), outcome);
        for phase in &report.phases {
            match &phase.error {
                None => tracing::info!(
                    phase = phase.phase.key(),
                    count = phase.count,
                    "tick phase done"
                ),
                Some(e) => {
                    tracing::warn!(phase = phase.phase.key(), error = %e.en(), "tick phase failed")
                }
            }
        }
        // Bookkeeping, not a change to the record: idempotency keys past their retention go
        // (by the clock, not by `today`), unaudited; a failure only delays it to the next tick.
        match self.forget_expired_keys().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "expired idempotency keys deleted"),
            Err(e) => tracing::warn!(error = %e, "cannot delete expired idempotency keys"),
        }
        Ok(report)
    }

    /// The lead of the first team (by name) the officer belongs to that has a lead other than
    /// the officer.
    async fn lead_of(&self, officer: peiyu_domain::OfficerId) -> ServiceResult<Option<Officer>> {
        let conn = self.store().conn();
        for team in officers::list_teams(conn).await? {
            if team.members.contains(&officer)
                && let Some(lead) = team.team.lead
                && lead != officer
            {
                return Ok(officers::find_officer(conn, lead).await?);
            }
        }
        Ok(None)
    }

    /// The bureau leader (局领导) a lead's own overdue task is escalated to: the first active
    /// leader by login, other than the officer. `None` when the bureau has none.
    async fn leader_over(
        &self,
        officer: peiyu_domain::OfficerId,
    ) -> ServiceResult<Option<Officer>> {
        let mut leaders: Vec<Officer> = officers::list_officers(self.store().conn())
            .await?
            .into_iter()
            .filter(|o| o.role == peiyu_domain::Role::Leader && o.active && o.id != officer)
            .collect();
        leaders.sort_by(|a, b| a.login.as_str().cmp(b.login.as_str()));
        Ok(leaders.into_iter().next())
    }

    async fn escalate(
        &self,
        actor: &Officer,
        today: NaiveDate,
        report: &mut TickReport,
    ) -> ServiceResult<()> {
        let overdue = tasks::unescalated_overdue(self.store().conn(), today).await?;
        for t in overdue {
            let days = match self.calendar().working_days_between(t.value.due_on, today) {
                Ok(d) => d,
                Err(e) => {
                    tracing::warn!(task = %t.value.id, error = %e, "cannot count working days; not escalated");
                    continue;
                }
            };
            if days < ESCALATE_AFTER_WORKING_DAYS {
                continue;
            }
            // The assignee's lead; a lead's own task (or one whose assignee has no lead) goes
            // to the bureau's leaders.
            let lead = match self.lead_of(t.value.assignee).await? {
                Some(lead) => lead,
                None => match self.leader_over(t.value.assignee).await? {
                    Some(leader) => leader,
                    None => continue,
                },
            };
            let due_on = self
                .calendar()
                .add_working_days(today, FOLLOW_UP_WORKING_DAYS)
                .unwrap_or(today);
            let follow_up = Task {
                id: TaskId::new(),
                enterprise: t.value.enterprise,
                cultivation: t.value.cultivation,
                kind: TaskKind::Supervision,
                title: format!("督办：{}", t.value.title),
                description: Some(format!(
                    "任务已逾期 {days} 个工作日（截止 {}），请督促办理",
                    t.value.due_on
                )),
                assignee: lead.id,
                delegate: None,
                created_by: actor.id,
                status: TaskStatus::Open,
                created_on: today,
                due_on,
                due_count: Some(DueCount::WorkingDays {
                    from: today,
                    days: FOLLOW_UP_WORKING_DAYS,
                }),
                follow_up_on: None,
                origin: format!("escalation:{}", t.value.id),
                completed_on: None,
                completion_note: None,
                evidence: None,
                cancel_reason: None,
            };
            let escalated = in_unit!(self, &actor_of(actor), |uow| {
                let won = tasks::mark_escalated(uow, &t.value, t.version, lead.id, days).await?;
                if won {
                    tasks::insert_task(uow, &follow_up, AuditAction::TaskCreate).await?;
                }
                Ok(won)
            })?;
            if escalated {
                report.escalated.push((t.value.clone(), lead.clone(), days));
            }
        }
        Ok(())
    }

    async fn materialise_recurring(
        &self,
        actor: &Officer,
        today: NaiveDate,
        report: &mut TickReport,
    ) -> ServiceResult<()> {
        let horizon = today
            .checked_add_months(Months::new(RECURRING_HORIZON_MONTHS))
            .unwrap_or(today);
        let conn = self.store().conn();
        for c in cultivations::list_cultivations(conn, None, None).await? {
            let track = self.track_version(c.value.track).await?;
            let enterprise = peiyu_storage::enterprises::get_enterprise(conn, c.value.enterprise)
                .await?
                .value;
            // A series started by any stage continues while its latest task is not cancelled
            // (entering a stage that closes it, like delisting, ends it).
            for stage in track.track.stages() {
                let origin = format!("template:{}/{}", c.value.track_key, stage.key);
                let existing = tasks::tasks_with_origin(conn, c.value.id, &origin).await?;
                for template in stage.tasks.iter().filter(|t| t.repeat.is_some()) {
                    let Some(repeat) = template.repeat else {
                        continue;
                    };
                    let last = existing
                        .iter()
                        .filter(|t| t.value.kind == template.kind)
                        .max_by_key(|t| t.value.created_on);
                    if last.is_none_or(|t| t.value.status == TaskStatus::Cancelled) {
                        continue;
                    }
                    let mut latest: Option<NaiveDate> = last.map(|t| t.value.created_on);
                    let mut created = Vec::new();
                    while let Some(next) = latest.and_then(|d| repeat.next_reference(d)) {
                        if next > horizon {
                            break;
                        }
                        let batch = self
                            .batch_of(enterprise.id, chrono::Datelike::year(&next))
                            .await?;
                        let priority = track.track.policy().priority_working_days(batch, template);
                        let draft =
                            template
                                .draft(next, priority, &self.calendar())
                                .map_err(|e| {
                                    ServiceError::invalid(
                                        Field::Calendar,
                                        Text::new(e.message_zh(), e.to_string()),
                                    )
                                })?;
                        let assignee = self
                            .resolve_assignee(draft.assignee, &enterprise, actor)
                            .await?;
                        created.push(Task {
                            id: TaskId::new(),
                            enterprise: Some(enterprise.id),
                            cultivation: Some(c.value.id),
                            kind: draft.kind,
                            title: draft.title.zh().to_owned(),
                            description: None,
                            assignee: assignee.id,
                            delegate: None,
                            created_by: actor.id,
                            status: TaskStatus::Open,
                            created_on: next,
                            due_on: draft.due_on,
                            due_count: draft.due_count,
                            follow_up_on: None,
                            origin: origin.clone(),
                            completed_on: None,
                            completion_note: None,
                            evidence: None,
                            cancel_reason: None,
                        });
                        latest = Some(next);
                    }
                    if created.is_empty() {
                        continue;
                    }
                    let cultivation = c.value.id;
                    // Under the cultivation's row lock, skip what another tick created meanwhile.
                    let inserted = in_unit!(self, &actor_of(actor), |uow| {
                        cultivations::lock_cultivation(uow, cultivation).await?;
                        let now = tasks::tasks_with_origin(uow.txn(), cultivation, &origin).await?;
                        let mut inserted = Vec::new();
                        for t in &created {
                            let exists = now.iter().any(|x| {
                                x.value.kind == t.kind && x.value.created_on == t.created_on
                            });
                            if !exists {
                                tasks::insert_task(uow, t, AuditAction::TaskCreate).await?;
                                inserted.push(t.clone());
                            }
                        }
                        Ok(inserted)
                    })?;
                    report.materialised.extend(inserted);
                }
            }
        }
        Ok(())
    }

    async fn lapse(
        &self,
        actor: &Officer,
        today: NaiveDate,
        report: &mut TickReport,
    ) -> ServiceResult<()> {
        let conn = self.store().conn();
        for c in cultivations::list_cultivations(conn, None, None).await? {
            let Some(expires) = c.value.expires_on else {
                continue;
            };
            if expires > today {
                continue;
            }
            let track = self.track_version(c.value.track).await?;
            let enterprise = peiyu_storage::enterprises::get_enterprise(conn, c.value.enterprise)
                .await?
                .value;
            let (snapshot, _, _) = self.snapshot(&enterprise, &c.value, today).await?;
            let Some(lapse) = lapse_due(&track.track, &snapshot, today) else {
                continue;
            };
            let to = lapse.to.clone();
            let outcome = self
                .advance_case(
                    actor,
                    AdvanceCase {
                        enterprise: enterprise.uscc.to_string(),
                        track: c.value.track_key.to_string(),
                        to: to.to_string(),
                        reason: Some(format!("认定有效期已于 {expires} 届满")),
                        on: Some(expires.min(today)),
                        expected_version: Some(c.version),
                        ..AdvanceCase::default()
                    },
                )
                .await;
            match outcome {
                Ok(_) => report.lapsed.push((
                    enterprise.name.clone(),
                    c.value.track_key.to_string(),
                    c.value.stage.to_string(),
                )),
                Err(ServiceError::Conflict { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
