//! Officers and teams: adding them, and joining and leaving a team. Each write answers as
//! `peiyu officer add`, `team add`, `team join` and `team leave` do, through the same use cases, and honours
//! `Idempotency-Key`.

use axum::extract::Path;

use axum::response::Response;
use peiyu_domain::{Login, Role};
use peiyu_formats::json::{
    JoinTeamRequest, LeaveTeamRequest, NewOfficerRequest, NewTeamRequest, OfficerDto, Problem,
    TeamDto,
};
use peiyu_service::{NewOfficer, StoredAnswer, TeamView};

use super::{Keyed, Sent, bad_field, json_text, parse_json};
use crate::AppState;
use crate::auth::Authed;
use crate::error::ApiResult;
use crate::lang::ApiLang;

/// Adds an officer (admin only): `peiyu officer add`.
#[utoipa::path(
    post, path = "/api/v1/officers", tag = "people",
    params(("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim")),
    request_body = NewOfficerRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The officer, added; a replay carries Idempotent-Replayed: true", body = OfficerDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only an admin adds officers", body = Problem),
        (status = 422, description = "A field is invalid or the login taken, or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn add_officer(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    sent: Sent,
) -> ApiResult<Response> {
    let request: NewOfficerRequest = parse_json(&sent.headers, &sent.body, false)?;
    let new = NewOfficer {
        login: Login::new(request.login.trim()).map_err(|e| bad_field("/login", &e))?,
        name: request.name,
        role: match request.role.as_deref() {
            Some(role) => Role::parse(role).map_err(|e| bad_field("/role", &e))?,
            None => Role::Officer,
        },
    };
    let write = sent.with_params(&[]);
    let render = move |officer: &peiyu_domain::Officer| StoredAnswer {
        status: 201,
        body: json_text(&OfficerDto::new(officer, lang)),
        etag: None,
    };
    let service = &state.service;
    match write.keyed("officer.add", render)? {
        Keyed::Plain(render) => write.plain(&render, service.add_officer(&actor, new).await),
        Keyed::Once(once) => write.once(&once, service.add_officer_once(&actor, new, &once).await),
    }
}

/// Adds a team, with its lead (admin only): `peiyu team add`.
#[utoipa::path(
    post, path = "/api/v1/teams", tag = "people",
    params(("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim")),
    request_body = NewTeamRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The team, added; a replay carries Idempotent-Replayed: true", body = TeamDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only an admin adds teams", body = Problem),
        (status = 422, description = "A field is invalid (no such lead, the name taken), or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn add_team(state: AppState, Authed(actor): Authed, sent: Sent) -> ApiResult<Response> {
    let request: NewTeamRequest = parse_json(&sent.headers, &sent.body, false)?;
    let write = sent.with_params(&[]);
    let service = &state.service;
    let (name, lead) = (request.name.as_str(), request.lead.as_deref());
    match write.keyed("team.add", team_answer(201))? {
        Keyed::Plain(render) => write.plain(&render, service.add_team(&actor, name, lead).await),
        Keyed::Once(once) => write.once(
            &once,
            service.add_team_once(&actor, name, lead, &once).await,
        ),
    }
}

/// Puts an officer in a team (an admin, or the team's lead): `peiyu team join`.
#[utoipa::path(
    post, path = "/api/v1/teams/{team}/members", tag = "people",
    params(
        ("team" = String, Path, description = "The team's name"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = JoinTeamRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The team with its members; a replay carries Idempotent-Replayed: true", body = TeamDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only an admin or the team's lead", body = Problem),
        (status = 404, description = "No such team", body = Problem),
        (status = 409, description = "Already a member", body = Problem),
        (status = 422, description = "No such officer, already a member, or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn join_team(
    state: AppState,
    Authed(actor): Authed,
    Path(team): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let request: JoinTeamRequest = parse_json(&sent.headers, &sent.body, false)?;
    let write = sent.with_params(&["team"]);
    let service = &state.service;
    let (login, on) = (request.login.trim(), request.on);
    match write.keyed("team.join", team_answer(200))? {
        Keyed::Plain(render) => {
            write.plain(&render, service.join_team(&actor, &team, login, on).await)
        }
        Keyed::Once(once) => write.once(
            &once,
            service
                .join_team_once(&actor, &team, login, on, &once)
                .await,
        ),
    }
}

/// Takes an officer off a team from a day (an admin, or the team's lead; the lead stays):
/// `peiyu team leave`.
#[utoipa::path(
    post, path = "/api/v1/teams/{team}/members/{login}/leave", tag = "people",
    params(
        ("team" = String, Path, description = "The team's name"),
        ("login" = String, Path, description = "The officer's login"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = LeaveTeamRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The team with its members now; a replay carries Idempotent-Replayed: true", body = TeamDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only an admin or the team's lead", body = Problem),
        (status = 404, description = "No such team", body = Problem),
        (status = 422, description = "No such officer, not on the team, the team's lead, a day before they joined or after today, or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn leave_team(
    state: AppState,
    Authed(actor): Authed,
    Path((team, login)): Path<(String, String)>,
    sent: Sent,
) -> ApiResult<Response> {
    let request: LeaveTeamRequest = parse_json(&sent.headers, &sent.body, true)?;
    let write = sent.with_params(&["team", "login"]);
    let service = &state.service;
    let on = request.on;
    match write.keyed("team.leave", team_answer(200))? {
        Keyed::Plain(render) => {
            write.plain(&render, service.leave_team(&actor, &team, &login, on).await)
        }
        Keyed::Once(once) => write.once(
            &once,
            service
                .leave_team_once(&actor, &team, &login, on, &once)
                .await,
        ),
    }
}

/// How a team is answered: with `status` and the team's JSON.
fn team_answer(status: u16) -> impl Fn(&TeamView) -> StoredAnswer + Send + Sync {
    move |team| StoredAnswer {
        status,
        body: json_text(&TeamDto::new(team)),
        etag: None,
    }
}
