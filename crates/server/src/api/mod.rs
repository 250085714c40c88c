//! The JSON API under `/api/v1`: each handler turns a request into one service call and its
//! outcome into a DTO, nothing more. The first endpoints and the conventions every write
//! shares (JSON bodies, `If-Match`, `Idempotency-Key`) are here; the writes by area are in
//! [`people`], [`enterprises`] and [`batches`].

/// The year's targets, track definitions and API tokens.
pub mod admin;
/// Putting enterprises on a year's four-batches list, moving and removing them; copying,
/// publishing and accepting suggestions for a whole list.
pub mod batches;
/// Adding, changing and archiving an enterprise; its figures; withdrawing a cultivation.
pub mod enterprises;
/// Importing a ledger as an upload, exporting one as a download.
pub mod ledgers;
/// Cursor pagination of the long lists.
pub mod paging;
/// Adding officers and teams, joining a team.
pub mod people;
/// The statistical register: the list as of a day, an entry or exit by hand.
pub mod register;
/// `tick` on demand.
pub mod system;
/// Assigning, transferring, delegating, reopening and cancelling a task.
pub mod tasks;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, OriginalUri, Path, Query};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use peiyu_domain::{Batch, Sector};
use peiyu_service::{
    AdvanceCase, AdvanceOutcome, Answer, Field, HistoryQuery, Idempotent, ListEnterprises,
    ListTasks, NoticeLoad, ServiceError, StageFilter, StoredAnswer, TaskCompletion, TaskDone,
};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::lang::ApiLang;
use crate::views::{ListAsk, file_response, list_format, list_response, rendering_failed};
use peiyu_formats::json::*;
use peiyu_formats::lists::{self, ListFile};
use peiyu_formats::tr;
use peiyu_formats::weekly::Format;

/// The longest `Idempotency-Key` accepted (the request id column's width).
const MAX_IDEMPOTENCY_KEY: usize = 64;

/// Query parameters, refused with a 422 that names the parameter when they do not parse.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(q)| ApiQuery(q))
            .map_err(|e| {
                let text = e.body_text();
                let field = text
                    .split_once(": ")
                    .map(|(_, rest)| rest)
                    .and_then(|rest| rest.split_once(':').map(|(f, _)| f.trim().to_owned()))
                    .filter(|f| !f.is_empty() && !f.contains(' '))
                    .unwrap_or_else(|| "query".to_owned());
                ApiError::invalid(
                    field,
                    format!("查询参数无效：{text}"),
                    format!("invalid query parameter: {text}"),
                )
            })
    }
}

/// Parses a JSON body (`Content-Type: application/json`, or any `+json`); an empty body is
/// `T::default()` when `empty_ok`. A body that is not JSON is a 400 about the whole body; a
/// field that is missing, unknown or of the wrong value is a 422 naming it by its JSON pointer
/// (`/on` for a date that does not exist), never the body.
pub(crate) fn parse_json<T: DeserializeOwned + Default>(
    headers: &HeaderMap,
    body: &Bytes,
    empty_ok: bool,
) -> ApiResult<T> {
    if empty_ok && body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if media != "application/json" && !media.ends_with("+json") {
        return Err(ApiError {
            field: Some("Content-Type".into()),
            ..ApiError::from_status(StatusCode::UNSUPPORTED_MEDIA_TYPE, "")
        });
    }
    let not_json = |text: String| {
        ApiError::bad_json(
            format!("请求体不是有效的 JSON：{text}"),
            format!("the body is not valid JSON: {text}"),
        )
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let inner = e.inner();
        let text = inner.to_string();
        if matches!(
            inner.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        ) {
            return not_json(text);
        }
        let mut pointer = json_pointer(e.path());
        // A missing field is reported at its parent: name the field itself.
        let quoted = |marker: &str| {
            text.split_once(marker)
                .and_then(|(_, rest)| rest.split('`').next())
                .map(str::to_owned)
        };
        if let Some(name) = quoted("missing field `") {
            pointer.push('/');
            pointer.push_str(&escape_pointer(&name));
        }
        let shown = text.split(" at line ").next().unwrap_or(&text).to_owned();
        ApiError::invalid(
            pointer,
            format!("请求体字段无效：{shown}"),
            format!("invalid field in the body: {shown}"),
        )
    })?;
    deserializer.end().map_err(|e| not_json(e.to_string()))?;
    Ok(value)
}

/// The JSON pointer (RFC 6901) of a path serde walked: `/rows/3/uscc`; `""` for the root.
fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                pointer.push('/');
                pointer.push_str(&index.to_string());
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push('/');
                pointer.push_str(&escape_pointer(key));
            }
            Segment::Unknown => {}
        }
    }
    pointer
}

/// A key as a JSON pointer's reference token: `~` as `~0`, `/` as `~1`.
fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// `"<version>"`, the entity tag of a cultivation's version.
pub fn etag(version: i64) -> HeaderValue {
    // Digits and quotes only: always a valid header value.
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"\""))
}

/// What `If-Match` asks for: `None` when absent, `Some(None)` for `*`, else the version.
fn if_match(headers: &HeaderMap) -> ApiResult<Option<Option<i64>>> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let bad = || {
        ApiError::invalid(
            "If-Match",
            "If-Match 应为 GET 得到的 ETag，例如 \"3\"",
            "If-Match must be the ETag from a GET, e.g. \"3\"",
        )
    };
    let text = value.to_str().map_err(|_| bad())?.trim();
    if text == "*" {
        return Ok(Some(None));
    }
    let tag = text.strip_prefix("W/").unwrap_or(text);
    let inner = tag
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(tag);
    inner
        .parse::<i64>()
        .map(|v| Some(Some(v)))
        .map_err(|_| bad())
}

/// The `Idempotency-Key` header, checked.
fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default().trim();
    if key.is_empty()
        || key.len() > MAX_IDEMPOTENCY_KEY
        || !key.chars().all(|c| c.is_ascii_graphic())
    {
        return Err(ApiError::invalid(
            "Idempotency-Key",
            format!("Idempotency-Key 应为 1 到 {MAX_IDEMPOTENCY_KEY} 个可见 ASCII 字符"),
            format!("Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters"),
        ));
    }
    Ok(Some(key.to_owned()))
}

/// The response header that marks a replayed answer.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";

/// A body as JSON text, for an answer kept with its idempotency key.
fn json_text<T: serde::Serialize>(body: &T) -> String {
    serde_json::to_string(body).unwrap_or_else(|e| {
        // Our DTOs always serialise; should one not, the answer says so rather than panicking.
        tracing::error!(error = %e, "a response body does not serialise");
        "{}".to_owned()
    })
}

/// The response an answer becomes: its status, its JSON body and its `ETag`, and
/// `Idempotent-Replayed: true` when it answers a repeat.
fn answer_response(answer: &StoredAnswer, replayed: bool) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut response = (status, answer.body.clone()).into_response();
    let headers = response.headers_mut();
    // A stored refusal (an import's rows with problems) is a problem, as it was the first time.
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(if status.is_client_error() {
            "application/problem+json"
        } else {
            "application/json"
        }),
    );
    if let Some(tag) = answer
        .etag
        .as_deref()
        .and_then(|t| HeaderValue::from_str(t).ok())
    {
        headers.insert(header::ETAG, tag);
    }
    if replayed {
        headers.insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    }
    response
}

/// The response to a request with an idempotency key: the answer stored with the key (the first
/// request's, replayed verbatim to a repeat), or the outcome rendered when nothing was stored.
fn answered<T>(once: &Idempotent<'_, T>, answer: Answer<T>) -> Response {
    match answer {
        Answer::First {
            answer: Some(stored),
            ..
        } => answer_response(&stored, false),
        Answer::First {
            value,
            answer: None,
        } => answer_response(&once.render(&value), false),
        Answer::Replayed(stored) => answer_response(&stored, true),
    }
}

/// A service error about the idempotency key, with the header named in its message.
fn key_error(e: ServiceError) -> ApiError {
    match e {
        ServiceError::Invalid {
            field: Field::RequestId,
            message,
        } => ApiError::invalid(
            "Idempotency-Key",
            format!("Idempotency-Key：{}", message.zh()),
            format!("Idempotency-Key: {}", message.en()),
        ),
        other => other.into(),
    }
}

/// How a write answers ([`WriteRequest::keyed`]): without an `Idempotency-Key`, by calling
/// the use case and rendering its outcome; with one, through the use case's `*_once` variant
/// (which claims the key in its unit of work), the first answer stored and replayed verbatim
/// to a repeat.
pub(crate) enum Keyed<'a, T> {
    /// No key: render the outcome with this.
    Plain(Box<dyn Fn(&T) -> StoredAnswer + Send + Sync + 'a>),
    /// A key: hand this to the `*_once` use case.
    Once(Idempotent<'a, T>),
}

impl<'a, T> Keyed<'a, T> {
    /// The key to hand a use case that takes an optional one.
    pub(crate) fn once(&self) -> Option<&Idempotent<'a, T>> {
        match self {
            Keyed::Plain(_) => None,
            Keyed::Once(once) => Some(once),
        }
    }
}

/// A write as sent: its method, its path (as sent, before nesting), its headers and its raw
/// body (read whole, up to the body limit). Extracted last by every write handler.
pub struct Sent {
    /// The method.
    pub method: axum::http::Method,
    /// The path and query as sent.
    pub uri: axum::http::Uri,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for Sent {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let uri = request
            .extensions()
            .get::<OriginalUri>()
            .map_or_else(|| request.uri().clone(), |OriginalUri(uri)| uri.clone());
        let method = request.method().clone();
        let headers = request.headers().clone();
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|r| ApiError::from_status(r.status(), &r.body_text()))?;
        Ok(Sent {
            method,
            uri,
            headers,
            body,
        })
    }
}

impl Sent {
    /// The write, with the names of its route's path parameters.
    pub(crate) fn with_params(&self, path_params: &'static [&'static str]) -> WriteRequest<'_> {
        WriteRequest {
            method: &self.method,
            headers: &self.headers,
            uri: &self.uri,
            body: &self.body,
            path_params,
        }
    }
}

/// What a write handler read of its request: the headers, the path as sent and the raw body
/// (for the idempotency fingerprint), and the names its path parameters have.
pub(crate) struct WriteRequest<'r> {
    /// The request's method.
    pub method: &'r axum::http::Method,
    /// The request's headers.
    pub headers: &'r HeaderMap,
    /// The path as sent.
    pub uri: &'r axum::http::Uri,
    /// The body as sent.
    pub body: &'r [u8],
    /// The path parameters of the route (`key`, `id`, `track`, `year`, `team`).
    pub path_params: &'static [&'static str],
}

impl WriteRequest<'_> {
    /// How this write answers: [`Keyed`], from its `Idempotency-Key` (checked), its
    /// fingerprint and `action`, the use case's name for the key. `render` makes the answer
    /// (status, JSON body, `ETag`) of an outcome.
    pub(crate) fn keyed<'a, T>(
        &self,
        action: &'static str,
        render: impl Fn(&T) -> StoredAnswer + Send + Sync + 'a,
    ) -> ApiResult<Keyed<'a, T>> {
        Ok(match idempotency_key(self.headers)? {
            None => Keyed::Plain(Box::new(render)),
            Some(key) => Keyed::Once(idempotent(
                self.method.as_str(),
                key,
                action,
                self.uri,
                self.body,
                render,
            )),
        })
    }

    /// The response to a write without a key: its outcome rendered.
    pub(crate) fn plain<T>(
        &self,
        render: &(dyn Fn(&T) -> StoredAnswer + Send + Sync + '_),
        outcome: Result<T, ServiceError>,
    ) -> ApiResult<Response> {
        let value = outcome.map_err(|e| self.error(e))?;
        Ok(answer_response(&render(&value), false))
    }

    /// The response to a write with a key: the answer stored with it (first or replayed).
    pub(crate) fn once<T>(
        &self,
        once: &Idempotent<'_, T>,
        outcome: Result<Answer<T>, ServiceError>,
    ) -> ApiResult<Response> {
        let answer = outcome.map_err(|e| match e {
            e @ ServiceError::Invalid {
                field: Field::RequestId,
                ..
            } => key_error(e),
            e => self.error(e),
        })?;
        Ok(answered(once, answer))
    }

    /// The response to a write whose use case takes an optional key ([`Keyed::once`]) and
    /// answers an [`Answer`] either way.
    pub(crate) fn answered<T>(
        &self,
        keyed: &Keyed<'_, T>,
        outcome: Result<Answer<T>, ServiceError>,
    ) -> ApiResult<Response> {
        match keyed {
            Keyed::Plain(render) => match outcome.map_err(|e| self.error(e))? {
                Answer::First { value, .. } => Ok(answer_response(&render(&value), false)),
                Answer::Replayed(stored) => Ok(answer_response(&stored, true)),
            },
            Keyed::Once(once) => self.once(once, outcome),
        }
    }

    /// A service error about this request: an input the service names is, unless it is a
    /// header or one of the path's parameters, a field of the body, named by its JSON pointer.
    pub(crate) fn error(&self, e: ServiceError) -> ApiError {
        let mut error = ApiError::from(e);
        if let Some(field) = &error.field
            && !field.starts_with('/')
            && !crate::error::is_header(field)
            && !self.path_params.contains(&field.as_str())
        {
            error.field = Some(format!("/{field}"));
        }
        error
    }
}

/// A value of the body that does not parse, named by its pointer.
pub(crate) fn bad_field(pointer: &str, e: &impl peiyu_domain::Localize) -> ApiError {
    let text = e.localize(peiyu_domain::Lang::Zh);
    ApiError::invalid(pointer, text.zh(), text.en())
}

/// `If-Match` on a write to a versioned resource: required (428 without it); `*` is any
/// version (`None`), else the version it names.
pub(crate) fn required_version(headers: &HeaderMap) -> ApiResult<Option<i64>> {
    if_match(headers)?.ok_or_else(ApiError::precondition_required)
}

/// The key of a request, bound to its method, its path (as sent) and its body.
fn idempotent<'a, T>(
    method: &str,
    key: String,
    action: &'static str,
    uri: &axum::http::Uri,
    body: &[u8],
    render: impl Fn(&T) -> StoredAnswer + Send + Sync + 'a,
) -> Idempotent<'a, T> {
    let fingerprint = peiyu_service::fingerprint(method, uri.path(), body);
    Idempotent::new(key, action, fingerprint, render)
}

/// Whether the server answers and its database is initialised. Needs no token.
#[utoipa::path(
    get, path = "/api/v1/health", tag = "system",
    responses(
        (status = 200, description = "The server and its database are up", body = Health),
        (status = 500, description = "The database is not initialised or does not answer", body = Problem),
    )
)]
pub async fn health(state: AppState) -> ApiResult<Json<Health>> {
    state.service.ensure_initialised().await?;
    Ok(Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}

/// Enterprises on the county's books, by name.
#[utoipa::path(
    get, path = "/api/v1/enterprises", tag = "enterprises",
    params(EnterpriseQuery, PageParams, FileParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The enterprises: JSON by default (the whole list, or with limit one page and its next_cursor), or the file of the format asked for (Content-Disposition: attachment)",
            headers(("Link" = String, description = "<…&cursor=…>; rel=\"next\" while a paged list has more")),
            content(
                (ListAnswer<EnterpriseDto> = "application/json"),
                ("text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("text/markdown"),
                ("text/html"),
            )),
        (status = 401, description = "No valid token", body = Problem),
        (status = 422, description = "A filter is invalid, or a format the list is not offered in", body = Problem),
    )
)]
pub async fn list_enterprises(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    ApiQuery(q): ApiQuery<EnterpriseQuery>,
    ask: ListAsk,
) -> ApiResult<Response> {
    let layout = ListFile::enterprises(q.stage.is_some());
    let format = ask.format(layout)?;
    let sector = q
        .sector
        .as_deref()
        .map(Sector::parse)
        .transpose()
        .map_err(|e| ServiceError::invalid_from(Field::named("sector"), &e))?;
    let stage = match (q.stage, q.track) {
        (Some(stage), track) => Some(StageFilter { track, stage }),
        (None, Some(_)) => {
            return Err(ApiError::invalid(
                "track",
                "track 只与 stage 一起使用：请同时给出阶段",
                "track is used with stage only: give the stage too",
            ));
        }
        (None, None) => None,
    };
    let query = ListEnterprises {
        officer: q.officer,
        sector,
        town: q.town,
        include_archived: q.archived.unwrap_or(false),
        stage,
        mine: q.mine.unwrap_or(false),
        name_contains: q.name.filter(|n| !n.trim().is_empty()),
    };
    let title = tr(lang, "企业名录", "Enterprises");
    let dto = |list: &[peiyu_service::EnterpriseView]| -> Vec<EnterpriseDto> {
        list.iter()
            .map(|v| EnterpriseDto::from_view(v, lang))
            .collect()
    };
    // With limit, one page read in SQL; without, the whole list.
    if let Some(page) = paging::page_ask(&ask.page)? {
        let found = state
            .service
            .list_enterprises_page(&actor, &query, &page)
            .await?;
        return paging::page_response(
            (dto(&found.items), found.more),
            (&page, &ask.uri),
            |e: &EnterpriseDto| e.id.to_string(),
            (&lists::ENTERPRISES, format),
            (title, "enterprises"),
            lang,
        );
    }
    let list = state.service.list_enterprises(&actor, &query).await?;
    paging::paged_response(
        dto(&list),
        (&ask.page, &ask.uri),
        |e: &EnterpriseDto| e.id.to_string(),
        (layout, format),
        (title, "enterprises"),
        lang,
    )
}

/// An enterprise's cultivations: stage, version, the moves possible now with their guards,
/// history and open tasks. With `?track=`, only that cultivation, and its version as `ETag`.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{key}/cases", tag = "cases",
    params(("key" = String, Path, description = "USCC or an unambiguous name"), CasesQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The cultivations", body = CasesDto,
            headers(("ETag" = String, description = "\"<version>\" of the cultivation, with ?track="))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 404, description = "No such enterprise, or not on that track", body = Problem),
        (status = 422, description = "An ambiguous or malformed key: name it by its USCC (or its full id)", body = Problem),
    )
)]
pub async fn show_cases(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(key): Path<String>,
    ApiQuery(q): ApiQuery<CasesQuery>,
) -> ApiResult<Response> {
    let mut view = state.service.show_cases(&actor, &key).await?;
    if let Some(track) = &q.track {
        view.cases
            .retain(|c| c.cultivation.value.track_key.as_str() == track.trim());
        if view.cases.is_empty() {
            return Err(ServiceError::not_found(
                format!("「{}」不在流程 {track} 上", view.enterprise.name),
                format!("\"{}\" is not on the track {track}", view.enterprise.name),
            )
            .into());
        }
    }
    let body = CasesDto::new(&view, lang);
    let single = match (&q.track, view.cases.as_slice()) {
        (Some(_), [only]) => Some(only.cultivation.version),
        _ => None,
    };
    let mut response = Json(body).into_response();
    if let Some(version) = single {
        response.headers_mut().insert(header::ETAG, etag(version));
    }
    Ok(response)
}

/// Moves a cultivation to another stage. `If-Match: "<version>"` (from the cases' `ETag`) is
/// required unless `dry_run`; a stale one is a 409 and nothing changes. A repeated
/// `Idempotency-Key` returns the first answer verbatim (`Idempotent-Replayed: true`) instead of
/// moving twice.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{key}/cases/{track}/advance", tag = "cases",
    params(
        ("key" = String, Path, description = "USCC or an unambiguous name"),
        ("track" = String, Path, description = "The track's key"),
        ("If-Match" = Option<String>, Header, description = "\"<version>\" of the cultivation; required unless dry_run"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim; the same key for another request is a 422"),
    ),
    request_body = AdvanceRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Moved (or planned, for a dry run); a replay of the first answer carries Idempotent-Replayed: true", body = AdvanceDto,
            headers(
                ("ETag" = String, description = "\"<version>\" after the move"),
                ("Idempotent-Replayed" = String, description = "true when this is the stored answer to an earlier request with the same Idempotency-Key"),
            )),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Not yours or your team's, or your role may not", body = Problem),
        (status = 404, description = "No such enterprise, or not on that track", body = Problem),
        (status = 409, description = "The cultivation changed since that version", body = Problem),
        (status = 422, description = "A guard fails, a field is invalid, or the Idempotency-Key was used for another request", body = Problem),
        (status = 428, description = "If-Match is missing", body = Problem),
    )
)]
pub async fn advance(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    OriginalUri(uri): OriginalUri,
    Path((key, track)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let path = (key.clone(), track.clone());
    let sent = (uri, headers, body);
    match move_case(&state, &actor, lang, path, sent).await {
        Err(e) => Err(with_current_case_etag(&state, &actor, &key, &track, e).await),
        answer => answer,
    }
}

/// A stale `If-Match` (a 409) carries the resource's current `ETag`, which `current` reads
/// (only for a 409; a resource it cannot read leaves the error as it is). Every versioned
/// resource's writes answer through it.
pub(crate) async fn with_current_etag(
    e: ApiError,
    current: impl std::future::Future<Output = Option<i64>>,
) -> ApiError {
    if e.status != StatusCode::CONFLICT {
        return e;
    }
    match current.await {
        Some(version) => ApiError {
            extra: Some(Box::new(crate::error::Extra {
                current_etag: etag(version).to_str().ok().map(str::to_owned),
                ..e.extra.map(|x| *x).unwrap_or_default()
            })),
            ..e
        },
        None => e,
    }
}

/// A stale `If-Match` on a cultivation (409) carries its current `ETag`.
pub(crate) async fn with_current_case_etag(
    state: &AppState,
    actor: &peiyu_domain::Officer,
    key: &str,
    track: &str,
    e: ApiError,
) -> ApiError {
    with_current_etag(e, async {
        let view = state.service.show_cases(actor, key).await.ok()?;
        view.cases
            .iter()
            .find(|c| c.cultivation.value.track_key.as_str() == track)
            .map(|c| c.cultivation.version)
    })
    .await
}

/// [`advance`] itself.
async fn move_case(
    state: &AppState,
    actor: &peiyu_domain::Officer,
    lang: peiyu_domain::Lang,
    (key, track): (String, String),
    (uri, headers, body): (axum::http::Uri, HeaderMap, Bytes),
) -> ApiResult<Response> {
    let request: AdvanceRequest = parse_json(&headers, &body, false)?;
    let expected = if_match(&headers)?;
    if expected.is_none() && !request.dry_run {
        return Err(ApiError::precondition_required());
    }
    let request_id = idempotency_key(&headers)?;
    let cmd = AdvanceCase {
        enterprise: key,
        track,
        to: request.to,
        reason: request.reason,
        evidence: request.evidence,
        override_guards: request.override_guards,
        dry_run: request.dry_run,
        expected_version: expected.flatten(),
        on: request.on,
        request_id: request_id.clone(),
    };
    let render = move |outcome: &AdvanceOutcome| StoredAnswer {
        status: 200,
        body: json_text(&AdvanceDto::new(outcome, lang)),
        etag: etag(outcome.version).to_str().ok().map(str::to_owned),
    };
    let Some(request_id) = request_id else {
        let outcome = state.service.advance_case(actor, cmd).await?;
        return Ok(answer_response(&render(&outcome), false));
    };
    let once = idempotent("POST", request_id, "case.advance", &uri, &body, render);
    let answer = state
        .service
        .advance_case_once(actor, cmd, &once)
        .await
        .map_err(key_error)?;
    Ok(answered(&once, answer))
}

/// Tasks by due date: yours and your team's open tasks by default.
#[utoipa::path(
    get, path = "/api/v1/tasks", tag = "tasks",
    params(TaskQuery, PageParams, FileParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tasks: JSON by default (the whole list, or with limit one page and its next_cursor), or the file of the format asked for (Content-Disposition: attachment); as iCalendar, one all-day event per open task on its due date",
            headers(("Link" = String, description = "<…&cursor=…>; rel=\"next\" while a paged list has more")),
            content(
                (ListAnswer<TaskDto> = "application/json"),
                ("text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("text/markdown"),
                ("text/html"),
                ("text/calendar"),
            )),
        (status = 401, description = "No valid token", body = Problem),
        (status = 404, description = "No such enterprise", body = Problem),
        (status = 422, description = "No such officer, an ambiguous enterprise, a bad limit or cursor, or a format the list is not offered in", body = Problem),
    )
)]
pub async fn list_tasks(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    ApiQuery(q): ApiQuery<TaskQuery>,
    ask: ListAsk,
) -> ApiResult<Response> {
    let format = ask.format(&lists::TASKS)?;
    let query = ListTasks {
        officer: q.officer,
        enterprise: q.enterprise.filter(|e| !e.trim().is_empty()),
        all: q.all.unwrap_or(false),
    };
    let title = tr(lang, "任务", "Tasks");
    // With limit, one page read in SQL; without, the whole list.
    if let Some(page) = paging::page_ask(&ask.page)? {
        let (tasks, more) = state.service.list_tasks_page(&actor, &query, &page).await?;
        return paging::page_response(
            (TaskDto::list(&tasks, lang), more),
            (&page, &ask.uri),
            |t: &TaskDto| t.id.to_string(),
            (&lists::TASKS, format),
            (title, "tasks"),
            lang,
        );
    }
    let tasks = state.service.list_tasks(&actor, &query).await?;
    paging::paged_response(
        TaskDto::list(&tasks, lang),
        (&ask.page, &ask.uri),
        |t: &TaskDto| t.id.to_string(),
        (&lists::TASKS, format),
        (title, "tasks"),
        lang,
    )
}

/// Marks a task done (its id or short id), with an optional note, evidence and day. With
/// `If-Match` (the task's `ETag`), a task changed since is a 409 carrying its current `ETag`;
/// without it, it is completed whatever its version. A repeated `Idempotency-Key` returns the
/// first answer verbatim (`Idempotent-Replayed: true`).
#[utoipa::path(
    post, path = "/api/v1/tasks/{id}/done", tag = "tasks",
    params(
        ("id" = String, Path, description = "The task's id or short id"),
        ("If-Match" = Option<String>, Header, description = "\"<version>\" from the task's ETag: completes it only if unchanged since"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim; the same key for another request is a 422"),
    ),
    request_body(content = Option<CompleteTaskRequest>, description = "Optional"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The task, done, its new version as ETag; a replay of the first answer carries Idempotent-Replayed: true", body = TaskDto,
            headers(
                ("ETag" = String, description = "\"<version>\" after the change"),
                ("Idempotent-Replayed" = String, description = "true when this is the stored answer to an earlier request with the same Idempotency-Key"),
            )),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Not yours to complete", body = Problem),
        (status = 404, description = "No such task", body = Problem),
        (status = 409, description = "Changed since that version (current_etag says the current one)", body = Problem),
        (status = 422, description = "Invalid, or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn complete_task(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let request: CompleteTaskRequest = parse_json(&sent.headers, &sent.body, true)?;
    let expected = if_match(&sent.headers)?.flatten();
    let completion = TaskCompletion {
        key: &id,
        note: request.note,
        evidence: request.evidence,
        on: request.on,
        expected,
    };
    let write = sent.with_params(&["id"]);
    let render = move |done: &TaskDone| StoredAnswer {
        status: 200,
        body: json_text(&TaskDto::versioned(&done.task, &done.names, lang)),
        etag: etag(done.task.version).to_str().ok().map(str::to_owned),
    };
    let service = &state.service;
    let answer = match write.keyed("task.done", render)? {
        Keyed::Plain(render) => write.plain(
            &render,
            service.complete_task_checked(&actor, completion).await,
        ),
        Keyed::Once(once) => write.once(
            &once,
            service
                .complete_task_checked_once(&actor, completion, &once)
                .await,
        ),
    };
    match answer {
        Ok(response) => Ok(response),
        Err(e) => Err(tasks::with_current_task_etag(&state, &id, e).await),
    }
}

/// A year's four-batches list, optionally one batch.
#[utoipa::path(
    get, path = "/api/v1/batches/{year}", tag = "batches",
    params(("year" = i32, Path, description = "The list's year"), BatchQuery, FileParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The list, its version as ETag (for If-Match on publishing it): JSON by default, or the file of the format asked for (Content-Disposition: attachment)",
            headers(("ETag" = String, description = "\"<version>\" of the list")),
            content(
                (BatchListDto = "application/json"),
                ("text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("text/markdown"),
                ("text/html"),
            )),
        (status = 401, description = "No valid token", body = Problem),
        (status = 404, description = "No list for that year", body = Problem),
        (status = 422, description = "Invalid year or batch, or a format the list is not offered in", body = Problem),
    )
)]
pub async fn batch_list(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(year): Path<String>,
    ApiQuery(q): ApiQuery<BatchQuery>,
    headers: HeaderMap,
    ApiQuery(f): ApiQuery<FileParams>,
) -> ApiResult<Response> {
    let format = list_format(f.format.as_deref(), &headers, &lists::BATCH_LIST)?;
    let year = parse_year(&year)?;
    let batch = q
        .batch
        .map(Batch::new)
        .transpose()
        .map_err(|e| ServiceError::invalid_from(Field::Batch, &e))?;
    let view = state.service.batch_list(&actor, year, batch).await?;
    let title = format!(
        "{year} {}",
        tr(lang, "年「四个一批」名单", "four-batches list")
    );
    let mut response = list_response(
        &BatchListDto::new(&view, lang),
        (&lists::BATCH_LIST, format),
        (&title, &format!("batches-{year}")),
        lang,
    )?;
    response
        .headers_mut()
        .insert(header::ETAG, etag(view.list.version));
    Ok(response)
}

pub(crate) fn parse_year(s: &str) -> ApiResult<i32> {
    s.trim().parse::<i32>().map_err(|_| {
        ApiError::invalid(
            "year",
            format!("年份「{s}」无效：应为如 2023 的四位数"),
            format!("\"{s}\" is not a year: expected four digits such as 2023"),
        )
    })
}

/// Progress against the year's targets as of a day.
#[utoipa::path(
    get, path = "/api/v1/reports/progress", tag = "reports",
    params(ProgressQuery, FileParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report: JSON by default, or the file of the format asked for (Content-Disposition: attachment): the workbook of `peiyu report progress --format xlsx`, or its targets, newly registered enterprises, towns and overdue tasks as tables",
            content(
                (ProgressDto = "application/json"),
                ("text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("text/markdown"),
                ("text/html"),
            )),
        (status = 401, description = "No valid token", body = Problem),
        (status = 422, description = "Invalid year or day, or a format the list is not offered in", body = Problem),
    )
)]
pub async fn progress(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    ApiQuery(q): ApiQuery<ProgressQuery>,
    headers: HeaderMap,
    ApiQuery(f): ApiQuery<FileParams>,
) -> ApiResult<Response> {
    let format = list_format(f.format.as_deref(), &headers, &lists::PROGRESS)?;
    let year = q
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&state.service.today()));
    let report = if q.from_log.unwrap_or(false) {
        state
            .service
            .progress_report_from_log(&actor, year, q.as_of)
            .await?
    } else {
        state.service.progress_report(&actor, year, q.as_of).await?
    };
    let title = format!("{year} {}", tr(lang, "年度进度", "progress"));
    let stem = format!("progress-{year}");
    if format == Format::Xlsx {
        // The workbook the CLI writes, every section on a sheet of its own.
        let bytes = peiyu_formats::report::xlsx(&report, &title, lang)
            .map_err(|e| rendering_failed(&e, format))?;
        return Ok(file_response(bytes, format, &stem));
    }
    list_response(
        &ProgressDto::new(&report, lang),
        (&lists::PROGRESS, format),
        (&title, &stem),
        lang,
    )
}

/// An enterprise's timeline across tracks, batch lists, tasks and its record.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{key}/history", tag = "enterprises",
    params(("key" = String, Path, description = "USCC or an unambiguous name"), HistoryParams, FileParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The timeline: JSON by default, or the file of the format asked for (Content-Disposition: attachment)",
            content(
                (HistoryDto = "application/json"),
                ("text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("text/markdown"),
                ("text/html"),
            )),
        (status = 401, description = "No valid token", body = Problem),
        (status = 404, description = "No such enterprise", body = Problem),
        (status = 422, description = "A bad date or format", body = Problem),
    )
)]
pub async fn history(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(key): Path<String>,
    ApiQuery(q): ApiQuery<HistoryParams>,
    headers: HeaderMap,
    ApiQuery(f): ApiQuery<FileParams>,
) -> ApiResult<Response> {
    let format = list_format(f.format.as_deref(), &headers, &lists::HISTORY)?;
    let (enterprise, entries) = state
        .service
        .enterprise_history(
            &actor,
            &key,
            &HistoryQuery {
                track: q.track,
                from: q.from,
                to: q.to,
            },
        )
        .await?;
    let body = HistoryDto {
        enterprise: EnterpriseRef::from(&enterprise),
        entries: entries
            .iter()
            .map(|e| TimelineEntryDto::new(e, lang))
            .collect(),
    };
    let title = format!("{} {}", enterprise.name, tr(lang, "历程", "history"));
    list_response(
        &body,
        (&lists::HISTORY, format),
        (&title, &format!("history-{}", enterprise.uscc)),
        lang,
    )
}

/// Recomputes every audit hash chain and checks every daily seal.
#[utoipa::path(
    get, path = "/api/v1/audit/verify", tag = "audit",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The verification (see `ok`)", body = AuditVerifyDto),
        (status = 401, description = "No valid token", body = Problem),
    )
)]
pub async fn verify_audit(
    state: AppState,
    Authed(actor): Authed,
) -> ApiResult<Json<AuditVerifyDto>> {
    let verification = state.service.verify_audit(&actor).await?;
    Ok(Json(AuditVerifyDto::from(&verification)))
}

/// The working-day calendar: this year and the next two, official or provisional.
#[utoipa::path(
    get, path = "/api/v1/calendar", tag = "calendar",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "This year and the next two", body = CalendarOutlookDto),
        (status = 401, description = "No valid token", body = Problem),
    )
)]
pub async fn calendar_outlook(
    state: AppState,
    Authed(_actor): Authed,
    ApiLang(lang): ApiLang,
) -> ApiResult<Json<CalendarOutlookDto>> {
    state.service.refresh_calendar().await;
    let (today, years) = state.service.calendar_outlook(None);
    Ok(Json(CalendarOutlookDto::new(today, &years, lang)))
}

/// Checks a year's holiday notice (its text as published, or a TOML year table) and, with
/// `apply` (admin), stores it and moves the deadlines it changes. An applied notice with an
/// `Idempotency-Key` is applied once: a repeat gets the first answer verbatim.
#[utoipa::path(
    post, path = "/api/v1/calendar/notices", tag = "calendar",
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim; the same key for another request is a 422. A notice only checked (no apply) stores no key"),
    ),
    request_body = NoticeRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What the notice says and what it moves (moved, when applied); a replay of the first answer carries Idempotent-Replayed: true", body = NoticeLoadDto,
            headers(("Idempotent-Replayed" = String, description = "true when this is the stored answer to an earlier request with the same Idempotency-Key"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only an admin applies a notice", body = Problem),
        (status = 422, description = "The notice is refused (the field names the line), or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn load_notice(
    state: AppState,
    Authed(actor): Authed,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let request: NoticeRequest = parse_json(&headers, &body, false)?;
    let input = match request.format.as_deref().unwrap_or("text") {
        "text" => peiyu_service::NoticeInput::Text {
            text: request.text,
            year: request.year,
        },
        "toml" => peiyu_service::NoticeInput::Toml(request.text),
        other => {
            let shown: String = other.chars().take(100).collect();
            return Err(ApiError::invalid(
                "/format",
                format!("「{shown}」不是通知格式：应为 text 或 toml"),
                format!("\"{shown}\" is not a notice format: expected text or toml"),
            ));
        }
    };
    let render = |load: &NoticeLoad| StoredAnswer {
        status: 200,
        body: json_text(&NoticeLoadDto::from(load)),
        etag: None,
    };
    let Some(key) = idempotency_key(&headers)? else {
        let load = state
            .service
            .load_notice(&actor, input, request.apply)
            .await?;
        return Ok(answer_response(&render(&load), false));
    };
    let once = idempotent("POST", key, "calendar.notice", &uri, &body, render);
    let answer = state
        .service
        .load_notice_once(&actor, input, request.apply, &once)
        .await
        .map_err(key_error)?;
    Ok(answered(&once, answer))
}

/// Any path under `/api/v1` that names no endpoint.
pub async fn no_route() -> ApiError {
    ApiError::no_route()
}

/// A known path with a method it does not take.
pub async fn wrong_method() -> ApiError {
    ApiError::wrong_method()
}
