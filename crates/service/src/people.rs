//! Officers and teams (专班): who acts.

use peiyu_domain::{Login, Officer, OfficerId, Role, Team, TeamId, Text};
use peiyu_storage::officers;

use crate::authz::require_admin;
use crate::error::{Field, ServiceError, ServiceResult};
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
        require_admin(actor, "添加干部", "add officers")?;
        let officer = Officer {
            id: OfficerId::new(),
            login: new.login,
            name: check_name(Field::Name, &new.name)?,
            role: new.role,
            active: true,
        };
        in_unit!(self, &actor_of(actor), |uow| {
            officers::insert_officer(uow, &officer).await?;
            Ok(())
        })?;
        Ok(officer)
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
    ) -> ServiceResult<Team> {
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
        in_unit!(self, &actor_of(actor), |uow| {
            officers::insert_team(uow, &team).await?;
            if let Some(lead) = &lead {
                officers::insert_membership(uow, &team, lead).await?;
            }
            Ok(())
        })?;
        Ok(team)
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
        in_unit!(self, &actor_of(actor), |uow| {
            officers::insert_membership(uow, &team, &officer).await?;
            Ok(())
        })?;
        self.team_view(team).await
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
