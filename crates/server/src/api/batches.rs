//! Changes to a year's four-batches list: putting an enterprise on it, moving it to another
//! batch, taking it off — `peiyu batch assign`, `move` and `remove`, through the same use
//! cases, each honouring `Idempotency-Key`.

use axum::extract::Path;

use axum::response::Response;
use peiyu_domain::Batch;
use peiyu_domain::BatchMove;
use peiyu_formats::json::{BatchChangeRequest, BatchMoveDto, Problem};
use peiyu_service::{ListChange, ListChangeKind, StoredAnswer};

use super::{Keyed, Sent, bad_field, json_text, parse_json, parse_year};
use crate::AppState;
use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::lang::ApiLang;

/// One change to a list, whichever its kind: to the list of `year`, about `enterprise` when
/// the path names it (else the body does).
async fn change(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    kind: ListChangeKind,
    (year, enterprise): (String, Option<String>),
    sent: Sent,
) -> ApiResult<Response> {
    let year = parse_year(&year)?;
    let change: BatchChangeRequest = parse_json(&sent.headers, &sent.body, false)?;
    let (enterprise, path_params): (String, &'static [&'static str]) = match enterprise {
        Some(key) => (key, &["year", "key"]),
        None => (
            change.enterprise.clone().ok_or_else(|| {
                ApiError::invalid(
                    "/enterprise",
                    "请给出企业（统一社会信用代码或名称）",
                    "give the enterprise (its USCC or name)",
                )
            })?,
            &["year"],
        ),
    };
    let cmd = ListChange {
        enterprise: enterprise.clone(),
        year,
        batch: change
            .batch
            .map(Batch::new)
            .transpose()
            .map_err(|e| bad_field("/batch", &e))?,
        suggested: None,
        reason: change.reason,
        on: change.on,
    };
    let write = sent.with_params(path_params);
    let (status, action) = match kind {
        ListChangeKind::Assign => (201, "batch.assign"),
        ListChangeKind::Move => (200, "batch.move"),
        ListChangeKind::Remove => (200, "batch.remove"),
    };
    let render = move |m: &BatchMove| StoredAnswer {
        status,
        body: json_text(&BatchMoveDto::new(&enterprise, m, lang)),
        etag: None,
    };
    let service = &state.service;
    match write.keyed(action, render)? {
        Keyed::Plain(render) => write.plain(
            &render,
            match kind {
                ListChangeKind::Assign => service.assign_batch(&actor, &cmd).await,
                ListChangeKind::Move => service.move_batch(&actor, &cmd).await,
                ListChangeKind::Remove => service.remove_batch(&actor, &cmd).await,
            },
        ),
        Keyed::Once(once) => write.once(
            &once,
            service.change_batch_once(&actor, kind, &cmd, &once).await,
        ),
    }
}

/// Puts an enterprise in a batch of a year's list, creating the list as a draft if needed
/// (a lead or admin): `peiyu batch assign`. An enterprise already on the list is refused.
#[utoipa::path(
    post, path = "/api/v1/batches/{year}/entries", tag = "batches",
    params(
        ("year" = String, Path, description = "The list's year"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = BatchChangeRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The move onto the list", body = BatchMoveDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only a lead or an admin keeps the lists", body = Problem),
        (status = 404, description = "No such enterprise", body = Problem),
        (status = 409, description = "Changed meanwhile", body = Problem),
        (status = 422, description = "Already on the list, no batch or reason, a bad date or year", body = Problem),
    )
)]
pub async fn assign(
    state: AppState,
    actor: Authed,
    lang: ApiLang,
    Path(year): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let kind = ListChangeKind::Assign;
    change(state, actor, lang, kind, (year, None), sent).await
}

/// Moves an enterprise to another batch of a year's list (a lead or admin): `peiyu batch move`.
#[utoipa::path(
    post, path = "/api/v1/batches/{year}/entries/{key}/move", tag = "batches",
    params(
        ("year" = String, Path, description = "The list's year"),
        ("key" = String, Path, description = "USCC or an unambiguous name"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = BatchChangeRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The move", body = BatchMoveDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only a lead or an admin keeps the lists", body = Problem),
        (status = 404, description = "No such enterprise or list, or not on it", body = Problem),
        (status = 409, description = "Changed meanwhile", body = Problem),
        (status = 422, description = "Already in that batch, no batch or reason, a bad date or year", body = Problem),
    )
)]
pub async fn move_entry(
    state: AppState,
    actor: Authed,
    lang: ApiLang,
    Path((year, key)): Path<(String, String)>,
    sent: Sent,
) -> ApiResult<Response> {
    let kind = ListChangeKind::Move;
    change(state, actor, lang, kind, (year, Some(key)), sent).await
}

/// Takes an enterprise off a year's list (a lead or admin): `peiyu batch remove`.
#[utoipa::path(
    post, path = "/api/v1/batches/{year}/entries/{key}/remove", tag = "batches",
    params(
        ("year" = String, Path, description = "The list's year"),
        ("key" = String, Path, description = "USCC or an unambiguous name"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = BatchChangeRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The move off the list", body = BatchMoveDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only a lead or an admin keeps the lists", body = Problem),
        (status = 404, description = "No such enterprise or list, or not on it", body = Problem),
        (status = 409, description = "Changed meanwhile", body = Problem),
        (status = 422, description = "No reason, a bad date or year", body = Problem),
    )
)]
pub async fn remove_entry(
    state: AppState,
    actor: Authed,
    lang: ApiLang,
    Path((year, key)): Path<(String, String)>,
    sent: Sent,
) -> ApiResult<Response> {
    let kind = ListChangeKind::Remove;
    change(state, actor, lang, kind, (year, Some(key)), sent).await
}
