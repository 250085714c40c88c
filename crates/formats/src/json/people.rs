//! Officers and teams.

use peiyu_domain::{Lang, Officer};
use peiyu_service::TeamView;
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
