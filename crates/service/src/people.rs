//! Officers and teams (专班): who acts.

use chrono::NaiveDate;
use peiyu_domain::{Login, Officer, OfficerId, Role, Team, TeamId, Text};
use peiyu_storage::officers;

use crate::authz::require_admin;
use crate::error::{Field, ServiceError, ServiceResult};
use crate::idempotency::{Answer, Idempotent};
use crate::{Service, actor_of, in_unit};

/// A new officer, as entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOfficer {
    /// The login they act under.
    pub login: Login,
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: Role,
}

/// A team with its lead and members resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamView {
    /// The team.
    pub team: Team,
    /// Its lead.
    pub lead: Option<Officer>,
    /// Its members.
    pub members: Vec<Officer>,
}

fn check_name(field: Field, name: &str) -> ServiceResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ServiceError::invalid(
            field,
            Text::new("名称不能为空", "must not be empty"),
        ));
    }
    crate::error::bounded(field, name, peiyu_domain::limits::NAME_MAX_CHARS)?;
    Ok(name.to_owned())
}

/// One member of a team on a day, with the period that day falls in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The officer.
    pub officer: Officer,
    /// The first day of their period on the team.
    pub joined_on: NaiveDate,
    /// The day they left, if that period has ended since.
    pub left_on: Option<NaiveDate>,
}

/// A team as it was on a day: its lead (today's) and the members it had that day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamOnDay {
    /// The team.
    pub team: Team,
    /// Its lead.
    pub lead: Option<Officer>,
    /// The day.
    pub day: NaiveDate,
    /// Its members that day, in the order they joined.
    pub members: Vec<Member>,
}

/// Fails, naming the day, unless `officer` may join `team` on `day`: no period of theirs on
/// the team covers the day, begins on it, or is still open or ends after it.
fn check_join(
    officer: &Officer,
    team: &Team,
    periods: &[officers::MembershipPeriod],
    day: NaiveDate,
) -> ServiceResult<()> {
    let Some(clash) = periods
        .iter()
        .find(|p| p.joined_on == day || p.left_on.is_none_or(|left| left > day))
    else {
        return Ok(());
    };
    let (name, team) = (&officer.name, &team.name);
    let since = clash.joined_on;
    let text = match clash.left_on {
        _ if clash.covers(day) || clash.joined_on == day => Text::new(
            format!("「{name}」在 {day} 已是「{team}」的成员（自 {since} 起）：无需再加入"),
            format!("{name} is on \"{team}\" on {day} already (since {since}): no need to join"),
        ),
        None => Text::new(
            format!(
                "「{name}」自 {since} 起是「{team}」的成员，不能再自 {day} 起加入：若其实际更早加入，请先按 {since} 办理退出（撤销该次加入），再按 {day} 加入"
            ),
            format!(
                "{name} is on \"{team}\" since {since} and cannot join again from {day}: if they joined earlier, record a leave on {since} (undoing that join), then join on {day}"
            ),
        ),
        Some(left) => Text::new(
            format!(
                "「{name}」在 {since} 至 {left} 是「{team}」的成员，与自 {day} 起加入重叠：请填写不早于 {left} 的日期"
            ),
            format!(
                "{name} was on \"{team}\" from {since} to {left}, which a join on {day} would overlap: give a day on or after {left}"
            ),
        ),
    };
    Err(ServiceError::invalid(Field::On, text))
}

/// A change of a team's members.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Membership {
    /// An officer joins.
    Join,
    /// An officer leaves.
    Leave,
}

/// Fails unless `actor` may change `team`'s members: an admin, or the team's lead.
fn require_team_keeper(actor: &Officer, team: &Team) -> ServiceResult<()> {
    if actor.role != Role::Admin && team.lead != Some(actor.id) {
        return Err(ServiceError::forbidden(
            format!("只有管理员或「{}」的组长可以调整其成员", team.name),
            format!(
                "only an admin or the lead of \"{}\" may change its members",
                team.name
            ),
        ));
    }
    Ok(())
}

impl Service {
    /// Adds an officer. Only an admin may.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str(), login = %new.login.as_str()))]
    pub async fn add_officer(&self, actor: &Officer, new: NewOfficer) -> ServiceResult<Officer> {
        self.add_officer_keyed(actor, new, None).await
    }

    /// [`Service::add_officer`] at most once per idempotency key ([`Service::once`]).
    #[tracing::instrument(skip(self, actor, once), fields(actor = %actor.login.as_str(), login = %new.login.as_str(), key = %once.key()))]
    pub async fn add_officer_once(
        &self,
        actor: &Officer,
        new: NewOfficer,
        once: &Idempotent<'_, Officer>,
    ) -> ServiceResult<Answer<Officer>> {
        self.once(actor, once, self.add_officer_keyed(actor, new, Some(once)))
            .await
    }

    async fn add_officer_keyed(
        &self,
        actor: &Officer,
        new: NewOfficer,
        once: Option<&Idempotent<'_, Officer>>,
    ) -> ServiceResult<Officer> {
        require_admin(actor, "添加干部", "add officers")?;
        let officer = Officer {
            id: OfficerId::new(),
            login: new.login,
            name: check_name(Field::Name, &new.name)?,
            role: new.role,
            active: true,
        };
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            officers::insert_officer(uow, &officer).await?;
            Ok(officer.clone())
        })
    }

    /// Every officer, by login.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn list_officers(&self, actor: &Officer) -> ServiceResult<Vec<Officer>> {
        Ok(officers::list_officers(self.store().conn()).await?)
    }

    async fn officer_by_login(&self, field: Field, login: &str) -> ServiceResult<Officer> {
        officers::find_officer_by_login(self.store().conn(), login)
            .await?
            .ok_or_else(|| {
                ServiceError::invalid(
                    field,
                    Text::new(
                        format!("没有登录名为「{login}」的干部"),
                        format!("no officer has the login \"{login}\""),
                    ),
                )
            })
    }

    async fn team_by_name(&self, name: &str) -> ServiceResult<Team> {
        officers::find_team_by_name(self.store().conn(), name)
            .await?
            .ok_or_else(|| {
                ServiceError::not_found(
                    format!("没有名为「{name}」的专班：请查看专班名单"),
                    format!("no team is named \"{name}\": see the list of teams"),
                )
            })
    }

    /// Adds a team, optionally with its lead, who also joins it. Only an admin may.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn add_team(
        &self,
        actor: &Officer,
        name: &str,
        lead_login: Option<&str>,
    ) -> ServiceResult<TeamView> {
        self.add_team_keyed(actor, name, lead_login, None).await
    }

    /// [`Service::add_team`] at most once per idempotency key ([`Service::once`]), answering
    /// the new team with its lead.
    #[tracing::instrument(skip(self, actor, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn add_team_once(
        &self,
        actor: &Officer,
        name: &str,
        lead_login: Option<&str>,
        once: &Idempotent<'_, TeamView>,
    ) -> ServiceResult<Answer<TeamView>> {
        self.once(
            actor,
            once,
            self.add_team_keyed(actor, name, lead_login, Some(once)),
        )
        .await
    }

    async fn add_team_keyed(
        &self,
        actor: &Officer,
        name: &str,
        lead_login: Option<&str>,
        once: Option<&Idempotent<'_, TeamView>>,
    ) -> ServiceResult<TeamView> {
        require_admin(actor, "添加专班", "add teams")?;
        let name = check_name(Field::Name, name)?;
        let lead = match lead_login {
            Some(login) => Some(self.officer_by_login(Field::Lead, login).await?),
            None => None,
        };
        let today = self.today();
        let team = Team {
            id: TeamId::new(),
            name,
            lead: lead.as_ref().map(|o| o.id),
        };
        let view = TeamView {
            team,
            members: lead.iter().cloned().collect(),
            lead,
        };
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            officers::insert_team(uow, &view.team).await?;
            if let Some(lead) = &view.lead {
                officers::insert_membership_on(uow, &view.team, lead, today).await?;
            }
            Ok(view.clone())
        })
    }

    /// Puts an officer in a team from the day `on` (default today; not after today): a new
    /// period of membership. An admin may put anyone in any team; a lead may add to a team
    /// they lead. Refused, naming the day, when the officer is a member that day or a period
    /// of theirs on the team ends after it (periods never overlap).
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn join_team(
        &self,
        actor: &Officer,
        team_name: &str,
        officer_login: &str,
        on: Option<NaiveDate>,
    ) -> ServiceResult<TeamView> {
        self.membership(actor, team_name, officer_login, Membership::Join, on, None)
            .await
    }

    /// [`Service::join_team`] at most once per idempotency key ([`Service::once`]).
    #[tracing::instrument(skip(self, actor, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn join_team_once(
        &self,
        actor: &Officer,
        team_name: &str,
        officer_login: &str,
        on: Option<NaiveDate>,
        once: &Idempotent<'_, TeamView>,
    ) -> ServiceResult<Answer<TeamView>> {
        let change = self.membership(
            actor,
            team_name,
            officer_login,
            Membership::Join,
            on,
            Some(once),
        );
        self.once(actor, once, change).await
    }

    /// Takes an officer off a team from the day `on` (default today; not after today; not
    /// before the day they joined): their open period closes and stays as history. An admin
    /// may from any team, a lead from a team they lead. The team's lead stays on it (make
    /// someone else its lead first).
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn leave_team(
        &self,
        actor: &Officer,
        team_name: &str,
        officer_login: &str,
        on: Option<NaiveDate>,
    ) -> ServiceResult<TeamView> {
        self.membership(actor, team_name, officer_login, Membership::Leave, on, None)
            .await
    }

    /// [`Service::leave_team`] at most once per idempotency key ([`Service::once`]).
    #[tracing::instrument(skip(self, actor, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn leave_team_once(
        &self,
        actor: &Officer,
        team_name: &str,
        officer_login: &str,
        on: Option<NaiveDate>,
        once: &Idempotent<'_, TeamView>,
    ) -> ServiceResult<Answer<TeamView>> {
        let change = self.membership(
            actor,
            team_name,
            officer_login,
            Membership::Leave,
            on,
            Some(once),
        );
        self.once(actor, once, change).await
    }

    /// Puts an officer on a team or takes them off it on `on`, as `change` says; answers the
    /// team as it is afterwards (today).
    async fn membership(
        &self,
        actor: &Officer,
        team_name: &str,
        officer_login: &str,
        change: Membership,
        on: Option<NaiveDate>,
        once: Option<&Idempotent<'_, TeamView>>,
    ) -> ServiceResult<TeamView> {
        let team = self.team_by_name(team_name).await?;
        require_team_keeper(actor, &team)?;
        let officer = self.officer_by_login(Field::Officer, officer_login).await?;
        let day = self.effective(on)?;
        let periods = officers::periods_of(self.store().conn(), team.id, officer.id).await?;
        let mut view = self.team_view(team).await?;
        if change == Membership::Join {
            check_join(&officer, &view.team, &periods, day)?;
            if !view.members.iter().any(|m| m.id == officer.id) {
                view.members.push(officer.clone());
            }
            return in_unit!(self, &actor_of(actor), once = once, |uow| {
                officers::insert_membership_on(uow, &view.team, &officer, day).await?;
                Ok(view.clone())
            });
        }
        let refused =
            |zh: String, en: String| Err(ServiceError::invalid(Field::Officer, Text::new(zh, en)));
        if view.team.lead == Some(officer.id) {
            return refused(
                format!(
                    "「{}」是「{}」的组长，不能退出该专班：请先另设组长",
                    officer.name, view.team.name
                ),
                format!(
                    "{} leads \"{}\" and stays on it: make someone else its lead first",
                    officer.name, view.team.name
                ),
            );
        }
        let Some(open) = periods.iter().find(|p| p.left_on.is_none()) else {
            return refused(
                format!("「{}」不在「{}」中", officer.name, view.team.name),
                format!("{} is not on \"{}\"", officer.name, view.team.name),
            );
        };
        if day < open.joined_on {
            return Err(ServiceError::invalid(
                Field::On,
                Text::new(
                    format!(
                        "退出日期 {day} 早于「{}」加入「{}」的日期 {}：请填写不早于 {} 的日期",
                        officer.name, view.team.name, open.joined_on, open.joined_on
                    ),
                    format!(
                        "the day of leaving, {day}, is before {} joined \"{}\" on {}: give a day on or after {}",
                        officer.name, view.team.name, open.joined_on, open.joined_on
                    ),
                ),
            ));
        }
        view.members.retain(|m| m.id != officer.id);
        let open = open.clone();
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            officers::close_membership(uow, &view.team, &officer, &open, day).await?;
            Ok(view.clone())
        })
    }

    /// A team with its lead and the members it had on `day`, each with the period that day
    /// falls in (`team show --as-of`). Open to every officer, like the list of teams.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str(), team = %team_name, day = %day))]
    pub async fn team_on(
        &self,
        actor: &Officer,
        team_name: &str,
        day: NaiveDate,
    ) -> ServiceResult<TeamOnDay> {
        let team = self.team_by_name(team_name).await?;
        let conn = self.store().conn();
        let all = officers::list_officers(conn).await?;
        let find = |id: OfficerId| all.iter().find(|o| o.id == id).cloned();
        let members = officers::periods_during(conn, team.id, day, day)
            .await?
            .into_iter()
            .filter_map(|p| {
                find(p.officer).map(|officer| Member {
                    officer,
                    joined_on: p.joined_on,
                    left_on: p.left_on,
                })
            })
            .collect();
        Ok(TeamOnDay {
            lead: team.lead.and_then(find),
            team,
            day,
            members,
        })
    }

    async fn team_view(&self, team: Team) -> ServiceResult<TeamView> {
        let all = officers::list_officers(self.store().conn()).await?;
        let member_ids = officers::members_of(self.store().conn(), team.id).await?;
        let find = |id: OfficerId| all.iter().find(|o| o.id == id).cloned();
        Ok(TeamView {
            lead: team.lead.and_then(find),
            members: member_ids.into_iter().filter_map(find).collect(),
            team,
        })
    }

    /// Every team with its lead and members.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn list_teams(&self, actor: &Officer) -> ServiceResult<Vec<TeamView>> {
        let all = officers::list_officers(self.store().conn()).await?;
        let find = |id: OfficerId| all.iter().find(|o| o.id == id).cloned();
        Ok(officers::list_teams(self.store().conn())
            .await?
            .into_iter()
            .map(|t| TeamView {
                lead: t.team.lead.and_then(find),
                members: t.members.into_iter().filter_map(find).collect(),
                team: t.team,
            })
            .collect())
    }
}

/// Who takes an officer's work when they are deactivated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Successors<'a> {
    /// The successor for whatever is not named below.
    pub successor: &'a str,
    /// Who takes their enterprises, if not the successor.
    pub enterprises_to: Option<&'a str>,
    /// Who takes their open tasks, if not the successor.
    pub tasks_to: Option<&'a str>,
}

/// What a deactivation did, all in one unit of work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deactivation {
    /// The officer, now inactive.
    pub officer: Officer,
    /// Who took their enterprises.
    pub enterprises_to: Officer,
    /// Who took their open tasks.
    pub tasks_to: Officer,
    /// How many enterprises were handed over (archived ones included).
    pub enterprises: usize,
    /// How many open tasks they were assigned were transferred.
    pub tasks: usize,
    /// How many open tasks delegated to them went back to their assignee.
    pub undelegated: usize,
    /// How many API tokens were revoked.
    pub tokens: usize,
    /// How many web sessions were ended.
    pub sessions: u64,
}

impl Service {
    /// Finds a successor for `leaving` and checks the handover rule lets `actor` hand them work.
    async fn successor(
        &self,
        actor: &Officer,
        leaving: &Officer,
        field: Field,
        login: &str,
    ) -> ServiceResult<Officer> {
        let to = self.officer_by_login(field.clone(), login).await?;
        if to.id == leaving.id {
            return Err(ServiceError::invalid(
                field,
                Text::new(
                    "接替者不能是被停用的干部本人：请指定另一名在岗干部",
                    "the successor cannot be the officer being deactivated: name another active officer",
                ),
            ));
        }
        crate::authz::require_handover_to(self.store(), actor, &to).await?;
        Ok(to)
    }

    /// Deactivates an officer (admin only) in one unit of work: their enterprises go to
    /// `enterprises_to` (else the successor), the open tasks they are assigned go to `tasks_to`
    /// (else the successor), open tasks delegated to them go back to their assignee, their API
    /// tokens are revoked and their web sessions ended, and they are marked inactive. Every
    /// change is audited under the one reason. An inactive officer cannot log in, use a token or
    /// be given work. The last active admin cannot be deactivated; nor can an inactive officer
    /// be deactivated again.
    #[tracing::instrument(skip(self, actor, to), fields(actor = %actor.login.as_str(), login = %login))]
    pub async fn deactivate_officer(
        &self,
        actor: &Officer,
        login: &str,
        to: Successors<'_>,
        reason: &str,
    ) -> ServiceResult<Deactivation> {
        self.deactivate_keyed(actor, login, to, reason, None).await
    }

    /// [`Service::deactivate_officer`] at most once per idempotency key ([`Service::once`]):
    /// the key is claimed in the deactivation's one unit of work.
    #[tracing::instrument(skip(self, actor, to, once), fields(actor = %actor.login.as_str(), login = %login, key = %once.key()))]
    pub async fn deactivate_officer_once(
        &self,
        actor: &Officer,
        login: &str,
        to: Successors<'_>,
        reason: &str,
        once: &Idempotent<'_, Deactivation>,
    ) -> ServiceResult<Answer<Deactivation>> {
        self.once(
            actor,
            once,
            self.deactivate_keyed(actor, login, to, reason, Some(once)),
        )
        .await
    }

    async fn deactivate_keyed(
        &self,
        actor: &Officer,
        login: &str,
        to: Successors<'_>,
        reason: &str,
        once: Option<&Idempotent<'_, Deactivation>>,
    ) -> ServiceResult<Deactivation> {
        require_admin(actor, "停用干部", "deactivate officers")?;
        let reason = crate::tasks::need_reason(Field::Reason, reason)?;
        let officer = self.officer_by_login(Field::Officer, login).await?;
        if !officer.active {
            return Err(ServiceError::invalid(
                Field::Officer,
                Text::new(
                    format!("干部「{login}」已停用"),
                    format!("officer \"{login}\" is inactive already"),
                ),
            ));
        }
        if officer.role == Role::Admin {
            self.require_other_admin(&officer).await?;
        }
        let enterprises_to = self
            .successor(
                actor,
                &officer,
                Field::named("enterprises_to"),
                to.enterprises_to.unwrap_or(to.successor),
            )
            .await?;
        let tasks_to = self
            .successor(
                actor,
                &officer,
                Field::named("tasks_to"),
                to.tasks_to.unwrap_or(to.successor),
            )
            .await?;
        let conn = self.store().conn();
        let enterprises = peiyu_storage::enterprises::list_enterprises(
            conn,
            &peiyu_storage::enterprises::EnterpriseFilter {
                include_archived: true,
                responsible: Some(vec![officer.id]),
                ..Default::default()
            },
        )
        .await?;
        let tasks = peiyu_storage::tasks::list_tasks(
            conn,
            &peiyu_storage::tasks::TaskFilter {
                assignees: Some(vec![officer.id]),
                status: Some(peiyu_domain::TaskStatus::Open),
                ..Default::default()
            },
        )
        .await?;
        let tokens = peiyu_storage::tokens::list_tokens(conn, Some(officer.id)).await?;
        // The teams they are on leave them today (a team they lead keeps them as its lead
        // until an admin names another).
        let day = self.effective(None)?;
        let mut leaving = Vec::new();
        for t in officers::list_teams(conn).await? {
            if t.team.lead == Some(officer.id) || !t.members.contains(&officer.id) {
                continue;
            }
            let periods = officers::periods_of(conn, t.team.id, officer.id).await?;
            if let Some(open) = periods.into_iter().find(|p| p.left_on.is_none()) {
                leaving.push((t.team, open));
            }
        }
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            let mut done = Deactivation {
                officer: Officer {
                    active: false,
                    ..officer.clone()
                },
                enterprises_to: enterprises_to.clone(),
                tasks_to: tasks_to.clone(),
                enterprises: 0,
                tasks: 0,
                undelegated: 0,
                tokens: 0,
                sessions: 0,
            };
            for e in &enterprises {
                let after = peiyu_domain::Enterprise {
                    responsible_officer: Some(enterprises_to.id),
                    ..e.value.clone()
                };
                peiyu_storage::enterprises::update_enterprise(
                    uow,
                    &e.value,
                    &after,
                    e.version,
                    peiyu_domain::AuditAction::EnterpriseEdit,
                    Some(reason.clone()),
                )
                .await?;
                done.enterprises += 1;
            }
            for t in &tasks {
                let mut after = t.value.clone();
                let action = if t.value.assignee == officer.id {
                    after.assignee = tasks_to.id;
                    if after.delegate == Some(tasks_to.id) || after.delegate == Some(officer.id) {
                        after.delegate = None;
                    }
                    done.tasks += 1;
                    peiyu_domain::AuditAction::TaskTransfer
                } else {
                    after.delegate = None;
                    done.undelegated += 1;
                    peiyu_domain::AuditAction::TaskUndelegate
                };
                peiyu_storage::tasks::update_task(
                    uow,
                    &t.value,
                    &after,
                    t.version,
                    action,
                    Some(reason.clone()),
                )
                .await?;
            }
            for token in &tokens {
                if peiyu_storage::tokens::revoke_token(uow, token, officer.login.as_str()).await? {
                    done.tokens += 1;
                }
            }
            done.sessions = peiyu_storage::accounts::end_sessions_of(uow, officer.id, None).await?;
            for (team, open) in &leaving {
                officers::close_membership(uow, team, &officer, open, day).await?;
            }
            officers::update_officer(
                uow,
                &officer,
                &done.officer,
                peiyu_domain::AuditAction::OfficerDeactivate,
                &reason,
            )
            .await?;
            Ok(done.clone())
        })
    }

    /// Changes an officer's role (admin only), audited with the reason. The last active admin
    /// keeps the admin role.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str(), login = %login))]
    pub async fn set_role(
        &self,
        actor: &Officer,
        login: &str,
        role: Role,
        reason: &str,
    ) -> ServiceResult<Officer> {
        self.set_role_keyed(actor, login, role, reason, None).await
    }

    /// [`Service::set_role`] at most once per idempotency key ([`Service::once`]).
    #[tracing::instrument(skip(self, actor, once), fields(actor = %actor.login.as_str(), login = %login, key = %once.key()))]
    pub async fn set_role_once(
        &self,
        actor: &Officer,
        login: &str,
        role: Role,
        reason: &str,
        once: &Idempotent<'_, Officer>,
    ) -> ServiceResult<Answer<Officer>> {
        self.once(
            actor,
            once,
            self.set_role_keyed(actor, login, role, reason, Some(once)),
        )
        .await
    }

    async fn set_role_keyed(
        &self,
        actor: &Officer,
        login: &str,
        role: Role,
        reason: &str,
        once: Option<&Idempotent<'_, Officer>>,
    ) -> ServiceResult<Officer> {
        require_admin(actor, "调整干部角色", "change roles")?;
        let reason = crate::tasks::need_reason(Field::Reason, reason)?;
        let officer = self.officer_by_login(Field::Officer, login).await?;
        if officer.role == role {
            return Err(ServiceError::invalid(
                Field::named("role"),
                Text::new(
                    format!("「{login}」已是{}", role.label(peiyu_domain::Lang::Zh)),
                    format!(
                        "\"{login}\" is a {} already",
                        role.label(peiyu_domain::Lang::En)
                    ),
                ),
            ));
        }
        if officer.role == Role::Admin {
            self.require_other_admin(&officer).await?;
        }
        let after = Officer {
            role,
            ..officer.clone()
        };
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            officers::update_officer(
                uow,
                &officer,
                &after,
                peiyu_domain::AuditAction::OfficerRole,
                &reason,
            )
            .await?;
            Ok(after.clone())
        })
    }

    /// Fails unless some active admin other than `admin` remains.
    async fn require_other_admin(&self, admin: &Officer) -> ServiceResult<()> {
        let others = officers::list_officers(self.store().conn())
            .await?
            .into_iter()
            .filter(|o| o.role == Role::Admin && o.active && o.id != admin.id)
            .count();
        if others == 0 {
            return Err(ServiceError::forbidden(
                format!(
                    "「{}」是最后一名在岗管理员，不能取消其管理员身份：请先让另一名干部成为管理员",
                    admin.login.as_str()
                ),
                format!(
                    "\"{}\" is the last active admin and must stay one: make another officer an admin first",
                    admin.login.as_str()
                ),
            ));
        }
        Ok(())
    }
}
