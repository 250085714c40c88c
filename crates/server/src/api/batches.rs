//! Changes to a year's four-batches list: putting an enterprise on it, moving it to another
//! batch, taking it off — `peiyu batch assign`, `move` and `remove` — and the list as a whole:
//! copying it as next year's draft, publishing it, taking the suggested batches onto it
//! (`batch copy`, `publish`, `accept`), each through the same use case and each honouring
//! `Idempotency-Key`. An entry's version (its recorded moves on the list) is its `ETag`;
//! moving or removing it requires `If-Match`, as publishing a list requires the list's.

use axum::Json;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use peiyu_domain::{Batch, Enterprise};
use peiyu_formats::json::{
    AcceptedMoveDto, BatchAcceptRequest, BatchChangeRequest, BatchCopyRequest, BatchEntryShowDto,
    BatchListDto, BatchMoveDto, BatchPublishedDto, Problem, PublishParams,
};
use peiyu_service::{
    Acceptance, BatchListView, EntryMove, ListChange, ListChangeKind, StoredAnswer, Versioned,
};

use super::{
    ApiQuery, Keyed, Sent, bad_field, etag, json_text, parse_json, parse_year, required_version,
    with_current_etag,
};
use crate::AppState;
use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::lang::ApiLang;

/// One change to a list, whichever its kind: to the list of `year`, about `enterprise` when
/// the path names it (else the body does). A move or removal requires `If-Match`.
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
    let expected = match kind {
        ListChangeKind::Assign => None,
        ListChangeKind::Move | ListChangeKind::Remove => required_version(&sent.headers)?,
    };
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
    let shown = enterprise.clone();
    let render = move |m: &EntryMove| StoredAnswer {
        status,
        body: json_text(&BatchMoveDto::new(&shown, &m.change, lang)),
        // A removed entry is gone: no tag.
        etag: m
            .change
            .to
            .and_then(|_| etag(m.version).to_str().ok().map(str::to_owned)),
    };
    let keyed = write.keyed(action, render)?;
    let outcome = state
        .service
        .change_batch_entry(&actor, (kind, &cmd), expected, keyed.once())
        .await;
    match write.answered(&keyed, outcome) {
        Ok(response) => Ok(response),
        Err(e) => {
            let current = async {
                let view = state.service.batch_entry(&actor, year, &enterprise).await;
                view.ok().map(|v| v.version)
            };
            Err(with_current_etag(e, current).await)
        }
    }
}

/// One enterprise's place on a year's list, with the entry's version as `ETag` (for
/// `If-Match` on its moves).
#[utoipa::path(
    get, path = "/api/v1/batches/{year}/entries/{key}", tag = "batches",
    params(
        ("year" = String, Path, description = "The list's year"),
        ("key" = String, Path, description = "USCC or an unambiguous name"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The entry, its version as ETag", body = BatchEntryShowDto,
            headers(("ETag" = String, description = "\"<version>\" of the entry: its recorded moves on the list"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 404, description = "No such list or enterprise, or not on the list", body = Problem),
        (status = 422, description = "A bad year, or an ambiguous key", body = Problem),
    )
)]
pub async fn show_entry(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path((year, key)): Path<(String, String)>,
) -> ApiResult<Response> {
    let year = parse_year(&year)?;
    let view = state.service.batch_entry(&actor, year, &key).await?;
    let mut response = Json(BatchEntryShowDto::new(year, &view, lang)).into_response();
    response
        .headers_mut()
        .insert(header::ETAG, etag(view.version));
    Ok(response)
}

/// Copies the `from` year's list (default the year before) as `{year}`'s draft: same
/// enterprises, same batches, each entry a recorded move (`peiyu batch copy`). The year must
/// have no list yet; archived enterprises are left out.
#[utoipa::path(
    post, path = "/api/v1/batches/{year}/copy", tag = "batches",
    params(
        ("year" = String, Path, description = "The new list's year"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = BatchCopyRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new list, its version as ETag", body = BatchListDto,
            headers(("ETag" = String, description = "\"<version>\" of the list"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only a lead or an admin keeps the lists", body = Problem),
        (status = 404, description = "No list for the year copied", body = Problem),
        (status = 422, description = "The year has a list already, a bad year or date, or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn copy_list(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(year): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let year = parse_year(&year)?;
    let request: BatchCopyRequest = parse_json(&sent.headers, &sent.body, true)?;
    let from = request.from.unwrap_or(year - 1);
    let write = sent.with_params(&["year"]);
    let render = move |view: &BatchListView| StoredAnswer {
        status: 201,
        body: json_text(&BatchListDto::new(view, lang)),
        etag: etag(view.list.version).to_str().ok().map(str::to_owned),
    };
    let service = &state.service;
    let copy = (from, year, request.on);
    match write.keyed("batch.copy", render)? {
        Keyed::Plain(render) => write.plain(
            &render,
            service
                .copy_batch_list(&actor, from, year, request.on)
                .await,
        ),
        Keyed::Once(once) => write.once(
            &once,
            service.copy_batch_list_once(&actor, copy, &once).await,
        ),
    }
}

/// Publishes a draft list (`peiyu batch publish`): from then on it changes only through
/// recorded moves. `If-Match` (the list's `ETag` from `GET /batches/{year}`) is required.
#[utoipa::path(
    post, path = "/api/v1/batches/{year}/publish", tag = "batches",
    params(
        ("year" = String, Path, description = "The list's year"),
        PublishParams,
        ("If-Match" = String, Header, description = "\"<version>\" from the list's ETag, or *", example = "*"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The list, published, its new version as ETag", body = BatchPublishedDto,
            headers(("ETag" = String, description = "\"<version>\" of the list after publishing"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only a lead or an admin keeps the lists", body = Problem),
        (status = 404, description = "No list for that year", body = Problem),
        (status = 409, description = "The list changed since that version (current_etag says the current one)", body = Problem),
        (status = 422, description = "Already published, a bad year, or the Idempotency-Key was used for another request", body = Problem),
        (status = 428, description = "If-Match is missing", body = Problem),
    )
)]
pub async fn publish_list(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(year): Path<String>,
    ApiQuery(q): ApiQuery<PublishParams>,
    sent: Sent,
) -> ApiResult<Response> {
    let year = parse_year(&year)?;
    let expected = required_version(&sent.headers)?;
    let write = sent.with_params(&["year"]);
    let render = move |list: &Versioned<peiyu_domain::BatchList>| StoredAnswer {
        status: 200,
        body: json_text(&BatchPublishedDto::new(list, lang)),
        etag: etag(list.version).to_str().ok().map(str::to_owned),
    };
    let service = &state.service;
    let answer = match write.keyed("batch.publish", render)? {
        Keyed::Plain(render) => write.plain(
            &render,
            service
                .publish_batch_list(&actor, year, expected, q.on)
                .await,
        ),
        Keyed::Once(once) => write.once(
            &once,
            service
                .publish_batch_list_once(&actor, (year, expected, q.on), &once)
                .await,
        ),
    };
    match answer {
        Ok(response) => Ok(response),
        Err(e) => {
            let current = async {
                let view = service.batch_list(&actor, year, None).await.ok()?;
                Some(view.list.version)
            };
            Err(with_current_etag(e, current).await)
        }
    }
}

/// Takes the suggested batch for one enterprise, or (`"all": true`) for every enterprise with
/// a suggestion, onto the year's list: `peiyu batch accept`. A batch other than the suggestion
/// needs a reason, recorded with the suggestion it overrides. All or nothing.
#[utoipa::path(
    post, path = "/api/v1/batches/{year}/suggestions/accept", tag = "batches",
    params(
        ("year" = String, Path, description = "The list's year"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = BatchAcceptRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The moves made (none when every enterprise is already in its batch)", body = Vec<AcceptedMoveDto>),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only a lead or an admin keeps the lists", body = Problem),
        (status = 404, description = "No such enterprise", body = Problem),
        (status = 409, description = "Changed meanwhile", body = Problem),
        (status = 422, description = "Neither an enterprise nor all, no suggestion for it, a batch without a reason, or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn accept_suggestions(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(year): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let year = parse_year(&year)?;
    let request: BatchAcceptRequest = parse_json(&sent.headers, &sent.body, false)?;
    let enterprise = request
        .enterprise
        .as_deref()
        .filter(|e| !e.trim().is_empty());
    if enterprise.is_some() == request.all {
        return Err(ApiError::invalid(
            "/enterprise",
            "请给出一家企业，或以 \"all\": true 采纳全部建议（二者选一）",
            "name one enterprise, or send \"all\": true to accept every suggestion (one of the two)",
        ));
    }
    let acceptance = Acceptance {
        year,
        enterprise,
        batch: request
            .batch
            .map(Batch::new)
            .transpose()
            .map_err(|e| bad_field("/batch", &e))?,
        reason: request.reason.as_deref(),
        rules: None,
        on: request.on,
    };
    let write = sent.with_params(&["year"]);
    let render = move |moves: &Vec<(Enterprise, peiyu_domain::BatchMove)>| StoredAnswer {
        status: 200,
        body: json_text(&AcceptedMoveDto::list(moves, lang)),
        etag: None,
    };
    let service = &state.service;
    match write.keyed("batch.accept", render)? {
        Keyed::Plain(render) => write.plain(
            &render,
            service.accept_suggestions(&actor, &acceptance).await,
        ),
        Keyed::Once(once) => write.once(
            &once,
            service
                .accept_suggestions_once(&actor, &acceptance, &once)
                .await,
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
        (status = 201, description = "The move onto the list, the entry's version as ETag", body = BatchMoveDto,
            headers(("ETag" = String, description = "\"<version>\" of the entry"))),
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
/// `If-Match` (the entry's `ETag`) is required.
#[utoipa::path(
    post, path = "/api/v1/batches/{year}/entries/{key}/move", tag = "batches",
    params(
        ("year" = String, Path, description = "The list's year"),
        ("key" = String, Path, description = "USCC or an unambiguous name"),
        ("If-Match" = String, Header, description = "\"<version>\" from the entry's ETag (GET /batches/{year}/entries/{key}), or *", example = "*"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = BatchChangeRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The move, the entry's new version as ETag", body = BatchMoveDto,
            headers(("ETag" = String, description = "\"<version>\" of the entry after the move"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only a lead or an admin keeps the lists", body = Problem),
        (status = 404, description = "No such enterprise or list, or not on it", body = Problem),
        (status = 409, description = "The entry changed since that version (current_etag says the current one)", body = Problem),
        (status = 422, description = "Already in that batch, no batch or reason, a bad date or year", body = Problem),
        (status = 428, description = "If-Match is missing", body = Problem),
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

/// Takes an enterprise off a year's list (a lead or admin): `peiyu batch remove`. `If-Match`
/// (the entry's `ETag`) is required.
#[utoipa::path(
    post, path = "/api/v1/batches/{year}/entries/{key}/remove", tag = "batches",
    params(
        ("year" = String, Path, description = "The list's year"),
        ("key" = String, Path, description = "USCC or an unambiguous name"),
        ("If-Match" = String, Header, description = "\"<version>\" from the entry's ETag (GET /batches/{year}/entries/{key}), or *", example = "*"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = BatchChangeRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The move off the list", body = BatchMoveDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only a lead or an admin keeps the lists", body = Problem),
        (status = 404, description = "No such enterprise or list, or not on it", body = Problem),
        (status = 409, description = "The entry changed since that version (current_etag says the current one)", body = Problem),
        (status = 422, description = "No reason, a bad date or year", body = Problem),
        (status = 428, description = "If-Match is missing", body = Problem),
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
