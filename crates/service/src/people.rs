//! Officers and teams (专班): who acts.

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
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ServiceError::invalid(
            field,
            Text::new(
                "名称不能为空，且不超过 100 个字",
                "must not be empty and at most 100 characters",
            ),
        ));
    }
    Ok(name.to_owned())
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
                officers::insert_membership(uow, &view.team, lead).await?;
            }
            Ok(view.clone())
        })
    }

    /// Puts an officer in a team. An admin may put anyone in any team; a lead may add to a team
    /// they lead.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn join_team(
        &self,
        actor: &Officer,
        team_name: &str,
        officer_login: &str,
    ) -> ServiceResult<TeamView> {
        self.join_team_keyed(actor, team_name, officer_login, None)
            .await
    }

    /// [`Service::join_team`] at most once per idempotency key ([`Service::once`]).
    #[tracing::instrument(skip(self, actor, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn join_team_once(
        &self,
        actor: &Officer,
        team_name: &str,
        officer_login: &str,
        once: &Idempotent<'_, TeamView>,
    ) -> ServiceResult<Answer<TeamView>> {
        self.once(
            actor,
            once,
            self.join_team_keyed(actor, team_name, officer_login, Some(once)),
        )
        .await
    }

    async fn join_team_keyed(
        &self,
        actor: &Officer,
        team_name: &str,
        officer_login: &str,
        once: Option<&Idempotent<'_, TeamView>>,
    ) -> ServiceResult<TeamView> {
        let team = self.team_by_name(team_name).await?;
        if actor.role != Role::Admin && team.lead != Some(actor.id) {
            return Err(ServiceError::forbidden(
                format!("只有管理员或「{}」的组长可以调整其成员", team.name),
                format!(
                    "only an admin or the lead of \"{}\" may change its members",
                    team.name
                ),
            ));
        }
        let officer = self.officer_by_login(Field::Officer, officer_login).await?;
        let mut view = self.team_view(team).await?;
        view.members.push(officer.clone());
        view.members
            .sort_by(|a, b| a.login.as_str().cmp(b.login.as_str()));
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            officers::insert_membership(uow, &view.team, &officer).await?;
            Ok(view.clone())
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
