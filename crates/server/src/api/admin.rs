//! Setting the bureau up over HTTP: the year's targets (`peiyu target set`), track definitions
//! (`peiyu track load` and `validate`) and API tokens (`peiyu token create`, `list`, `revoke`),
//! each through the CLI's use case, each write honouring `Idempotency-Key`.
//!
//! A token's secret is in the answer that created it and nowhere else: the answer kept with an
//! `Idempotency-Key` leaves it out, so a replay says the token exists (its id, its officer) and
//! that its secret was shown once, in `secret_withheld`.

use axum::Json;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use peiyu_domain::Lang;
use peiyu_formats::json::{
    Problem, TargetSetDto, TargetSetRequest, TokenCreateRequest, TokenCreatedDto, TokenDto,
    TokenRevokedDto, TrackLoadedDto, TrackValidationDto,
};
use peiyu_service::{
    Answer, ApiToken, CreatedToken, IssuedToken, StoredAnswer, TrackStored, validate_track,
};

use super::{Keyed, Sent, answer_response, json_text, parse_json};
use crate::AppState;
use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::lang::ApiLang;

/// Sets a year's target for a metric (a leader or an admin): `peiyu target set`. Answers the
/// value it replaced, if any.
#[utoipa::path(
    post, path = "/api/v1/targets", tag = "reports",
    params(("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim")),
    request_body = TargetSetRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The target set, with the value it replaced", body = TargetSetDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only a bureau leader or an admin sets targets", body = Problem),
        (status = 422, description = "An unknown metric, a year outside 2000–2100, a negative value, or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn set_target(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    sent: Sent,
) -> ApiResult<Response> {
    let request: TargetSetRequest = parse_json(&sent.headers, &sent.body, false)?;
    let TargetSetRequest {
        year,
        metric,
        value,
    } = request;
    let shown = metric.clone();
    let render = move |previous: &Option<i64>| StoredAnswer {
        status: 200,
        body: json_text(&TargetSetDto::new(year, &shown, value, *previous, lang)),
        etag: None,
    };
    let write = sent.with_params(&[]);
    let service = &state.service;
    let metric = metric.trim();
    match write.keyed("target.set", render)? {
        Keyed::Plain(render) => write.plain(
            &render,
            service.set_target(&actor, year, metric, value).await,
        ),
        Keyed::Once(once) => write.once(
            &once,
            service
                .set_target_once(&actor, year, metric, value, &once)
                .await,
        ),
    }
}

/// A track definition sent as the body: `text/plain` or `application/toml` (any `text/*`),
/// UTF-8. Another content type is a 415 naming `Content-Type`; bytes that are not UTF-8 a 422
/// about the whole body.
fn track_text(headers: &HeaderMap, body: &[u8]) -> ApiResult<String> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !media.starts_with("text/") && media != "application/toml" {
        return Err(ApiError {
            field: Some("Content-Type".into()),
            ..ApiError::from_status(StatusCode::UNSUPPORTED_MEDIA_TYPE, "")
        });
    }
    String::from_utf8(body.to_vec()).map_err(|_| {
        ApiError::invalid(
            "",
            "流程定义应为 UTF-8 编码的 TOML 文本",
            "a track definition must be TOML text in UTF-8",
        )
    })
}

/// Checks a track definition (the file's text as the body) without storing anything:
/// `peiyu track validate`. Always 200: `valid`, and every problem by line when it is not.
#[utoipa::path(
    post, path = "/api/v1/tracks/validate", tag = "tracks",
    request_body(content = String, content_type = "text/plain", description = "The track file's text (TOML)"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Whether it would load, and if not every problem with its line", body = TrackValidationDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 415, description = "The body is not text (Content-Type)", body = Problem),
        (status = 422, description = "The body is not UTF-8", body = Problem),
    )
)]
pub async fn validate(
    Authed(_actor): Authed,
    ApiLang(lang): ApiLang,
    sent: Sent,
) -> ApiResult<Json<TrackValidationDto>> {
    let text = track_text(&sent.headers, &sent.body)?;
    Ok(Json(TrackValidationDto::new(&validate_track(&text), lang)))
}

/// Loads a track definition (the file's text as the body) as its key's next version (an
/// admin): `peiyu track load`. The same text loaded again changes nothing (200, `new: false`);
/// running cultivations keep the version they were opened on (`case migrate` moves them).
#[utoipa::path(
    post, path = "/api/v1/tracks", tag = "tracks",
    params(("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim")),
    request_body(content = String, content_type = "text/plain", description = "The track file's text (TOML)"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored as a new version", body = TrackLoadedDto),
        (status = 200, description = "The same text was stored already: nothing changed", body = TrackLoadedDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only an admin loads tracks", body = Problem),
        (status = 415, description = "The body is not text (Content-Type)", body = Problem),
        (status = 422, description = "The definition does not validate (every problem with its line), or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn load(state: AppState, Authed(actor): Authed, sent: Sent) -> ApiResult<Response> {
    let text = track_text(&sent.headers, &sent.body)?;
    let render = |stored: &TrackStored| StoredAnswer {
        status: match stored {
            TrackStored::New(_) => 201,
            TrackStored::Existing(_) => 200,
        },
        body: json_text(&TrackLoadedDto::new(stored)),
        etag: None,
    };
    let write = sent.with_params(&[]);
    let service = &state.service;
    let answer = match write.keyed("track.load", render)? {
        Keyed::Plain(render) => write.plain(&render, service.load_track(&actor, &text).await),
        Keyed::Once(once) => write.once(&once, service.load_track_once(&actor, &text, &once).await),
    };
    // The definition is the whole body.
    answer.map_err(|mut e| {
        if e.field.as_deref() == Some("/text") {
            e.field = Some(String::new());
        }
        e
    })
}

/// Your tokens (an admin: everyone's), with when each was last used: `peiyu token list`.
/// Never a secret.
#[utoipa::path(
    get, path = "/api/v1/tokens", tag = "people",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tokens", body = Vec<TokenDto>),
        (status = 401, description = "No valid token", body = Problem),
    )
)]
pub async fn list_tokens(state: AppState, Authed(actor): Authed) -> ApiResult<Json<Vec<TokenDto>>> {
    let tokens = state.service.list_tokens(&actor).await?;
    Ok(Json(TokenDto::list(&tokens)))
}

/// The service's names for a token's inputs, as the API names them.
fn token_fields(mut e: ApiError) -> ApiError {
    e.field = match e.field.as_deref() {
        Some("/token_holder") => Some("/officer".into()),
        Some("/expires_on") => Some("/expires".into()),
        Some("/token_id") => Some("id".into()),
        _ => e.field,
    };
    e
}

/// Why a replay carries no secret.
fn withheld(lang: Lang) -> String {
    match lang {
        Lang::Zh => "这是同一 Idempotency-Key 的重放：令牌已创建，其密钥只在第一次应答中出现一次；若已遗失，请吊销该令牌并新建一个".to_owned(),
        Lang::En => "this replays an earlier request with the same Idempotency-Key: the token exists, and its secret was shown once, in the first answer; if it is lost, revoke this token and create another".to_owned(),
    }
}

/// Creates a bearer token for yourself or (an admin) for another officer: `peiyu token
/// create`. The secret is in this answer only; a replay of the same `Idempotency-Key` answers
/// the token without it (`secret` null, `secret_withheld` says why).
#[utoipa::path(
    post, path = "/api/v1/tokens", tag = "people",
    params(("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the token back without its secret")),
    request_body = TokenCreateRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The token and its secret, shown this once; a replay (Idempotent-Replayed: true) has secret null and says why in secret_withheld", body = TokenCreatedDto,
            headers(("Idempotent-Replayed" = String, description = "true when this is the stored answer to an earlier request with the same Idempotency-Key"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only an admin creates a token for another officer", body = Problem),
        (status = 422, description = "No such or an inactive officer, a bad name, an expiry in the past, or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn create_token(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    sent: Sent,
) -> ApiResult<Response> {
    let request: TokenCreateRequest = parse_json(&sent.headers, &sent.body, false)?;
    let holder = request
        .officer
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty());
    let render = move |issued: &IssuedToken| StoredAnswer {
        status: 201,
        body: json_text(&TokenCreatedDto::without_secret(issued, withheld(lang))),
        etag: None,
    };
    let with_secret = |created: &CreatedToken| {
        (StatusCode::CREATED, Json(TokenCreatedDto::new(created))).into_response()
    };
    let write = sent.with_params(&[]);
    let service = &state.service;
    let details = (request.name.as_str(), request.expires);
    match write.keyed("token.create", render)? {
        Keyed::Plain(_) => {
            let created = service
                .create_token(&actor, holder, details.0, details.1)
                .await
                .map_err(|e| token_fields(write.error(e)))?;
            Ok(with_secret(&created))
        }
        Keyed::Once(once) => match service
            .create_token_once(&actor, holder, details.0, details.1, &once)
            .await
        {
            // The first answer shows the secret; the stored one (replayed) never does.
            Ok(Answer::First { value, .. }) => Ok(with_secret(&value)),
            Ok(Answer::Replayed(stored)) => Ok(answer_response(&stored, true)),
            Err(e) => write.once(&once, Err(e)).map_err(token_fields),
        },
    }
}

/// Revokes a token at once (its owner or an admin): `peiyu token revoke`. Revoking a revoked
/// token changes nothing.
#[utoipa::path(
    post, path = "/api/v1/tokens/{id}/revoke", tag = "people",
    params(
        ("id" = String, Path, description = "The token's id (from GET /tokens)"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The token, revoked", body = TokenRevokedDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only its owner or an admin revokes a token", body = Problem),
        (status = 404, description = "No such token", body = Problem),
        (status = 422, description = "Not a token id, or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn revoke_token(
    state: AppState,
    Authed(actor): Authed,
    Path(id): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let render = |token: &ApiToken| StoredAnswer {
        status: 200,
        body: json_text(&TokenRevokedDto::new(token)),
        etag: None,
    };
    let write = sent.with_params(&["id"]);
    let service = &state.service;
    let answer = match write.keyed("token.revoke", render)? {
        Keyed::Plain(render) => write.plain(&render, service.revoke_token(&actor, &id).await),
        Keyed::Once(once) => write.once(&once, service.revoke_token_once(&actor, &id, &once).await),
    };
    answer.map_err(token_fields)
}
