//! Officers and teams.

use peiyu_domain::{Lang, Officer};
use peiyu_service::{TeamOnDay, TeamView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// An officer (`officer list`, `GET /officers`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OfficerDto {
    /// The officer's id.
    pub id: Uuid,
    /// The login name.
    pub login: String,
    /// The name people read.
    pub name: String,
    /// `officer`, `lead`, `leader` or `admin`.
    pub role: String,
    /// The role in the request's language.
    pub role_label: String,
    /// Whether the officer is in post.
    pub active: bool,
}

impl OfficerDto {
    /// The wire form of an officer.
    pub fn new(o: &Officer, lang: Lang) -> Self {
        OfficerDto {
            id: o.id.0,
            login: o.login.as_str().to_owned(),
            name: o.name.clone(),
            role: o.role.key().to_owned(),
            role_label: o.role.label(lang).to_owned(),
            active: o.active,
        }
    }

    /// The wire form of a list of officers.
    pub fn list(officers: &[Officer], lang: Lang) -> Vec<Self> {
        officers.iter().map(|o| OfficerDto::new(o, lang)).collect()
    }
}

/// A team (专班) with its lead and members (`team list`, `GET /teams`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TeamDto {
    /// The team's id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// The lead's login.
    pub lead: Option<String>,
    /// The lead's name.
    pub lead_name: Option<String>,
    /// The members' logins.
    pub members: Vec<String>,
    /// The members' names, in the order of `members`.
    pub member_names: Vec<String>,
}

impl TeamDto {
    /// The wire form of a team.
    pub fn new(t: &TeamView) -> Self {
        TeamDto {
            id: t.team.id.0,
            name: t.team.name.clone(),
            lead: t.lead.as_ref().map(|o| o.login.as_str().to_owned()),
            lead_name: t.lead.as_ref().map(|o| o.name.clone()),
            members: t
                .members
                .iter()
                .map(|o| o.login.as_str().to_owned())
                .collect(),
            member_names: t.members.iter().map(|o| o.name.clone()).collect(),
        }
    }

    /// The wire form of a list of teams.
    pub fn list(teams: &[TeamView]) -> Vec<Self> {
        teams.iter().map(TeamDto::new).collect()
    }
}

/// One member of a team on a day, with the period that day falls in.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MemberDto {
    /// The officer's login.
    pub login: String,
    /// The officer's name.
    pub name: String,
    /// The first day of their period on the team (YYYY-MM-DD).
    pub joined_on: chrono::NaiveDate,
    /// The day they left, if that period has ended since.
    pub left_on: Option<chrono::NaiveDate>,
}

/// A team as it was on a day (`team show --as-of`, `GET /teams/{team}?as_of=`): its lead and
/// the members it had that day.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TeamOnDayDto {
    /// The team's name.
    pub name: String,
    /// The day (YYYY-MM-DD).
    pub day: chrono::NaiveDate,
    /// The lead's login.
    pub lead: Option<String>,
    /// The lead's name.
    pub lead_name: Option<String>,
    /// Its members that day, in the order they joined.
    pub members: Vec<MemberDto>,
}

impl TeamOnDayDto {
    /// The wire form of a team on a day.
    pub fn new(t: &TeamOnDay) -> Self {
        TeamOnDayDto {
            name: t.team.name.clone(),
            day: t.day,
            lead: t.lead.as_ref().map(|o| o.login.as_str().to_owned()),
            lead_name: t.lead.as_ref().map(|o| o.name.clone()),
            members: t
                .members
                .iter()
                .map(|m| MemberDto {
                    login: m.officer.login.as_str().to_owned(),
                    name: m.officer.name.clone(),
                    joined_on: m.joined_on,
                    left_on: m.left_on,
                })
                .collect(),
        }
    }
}
