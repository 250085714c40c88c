//! The one mapping from errors to HTTP statuses and problem bodies.
//!
//! Every refusal — a service error, a missing token, a bad header or body, and axum's own
//! rejections (a body too large, a wrong content type, no such route) — becomes an RFC 9457
//! problem (`application/problem+json`): `type`, `title`, `status`, `detail`, `instance`, each
//! input at fault in `errors` (a JSON pointer, a parameter or a header, in the API's names) and
//! the request's id. [`problems`] writes it in the language the request's `Accept-Language`
//! asks for (Chinese unless it prefers English). [`ApiError::from`] holds the one match from a
//! service error's kind to a status.

use axum::body::Body;
use axum::extract::{OriginalUri, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use peiyu_domain::{Lang, Localize, Text};
use peiyu_service::{ErrorKind, Field, ServiceError};

use crate::RequestId;
use crate::lang::accept_language;
use peiyu_formats::json::{Problem, ProblemField};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The longest request target (path and query) the API reads: 8 KiB; a longer one is a 414.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The most header bytes (names and values) the API reads: 32 KiB; more is a 431.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// The request headers the API reads, named as such in a problem's `errors`.
const HEADERS: [&str; 5] = [
    "If-Match",
    "Idempotency-Key",
    "Content-Type",
    "Accept",
    "Authorization",
];

/// Why a request was refused, ready to become a response.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{status}: {}", message.en())]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The problem's kind, the last part of its `type` (`invalid`, `conflict`, `not_found`, …;
    /// see [`Problem::kind`]).
    pub kind: &'static str,
    /// The field (`/on`), parameter (`as_of`) or header (`If-Match`) at fault, when one is.
    pub field: Option<String>,
    /// What is wrong and what to do, in both languages.
    pub message: Text,
    /// What few problems carry (boxed: the error travels in every `Result`).
    pub extra: Option<Box<Extra>>,
}

/// The rarer parts of an [`ApiError`].
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// For a stale `If-Match`: the resource's current `ETag`.
    pub current_etag: Option<String>,
    /// More inputs at fault, after `field`: each a JSON pointer and what is wrong there (the
    /// rows of an uploaded ledger).
    pub more: Vec<(String, Text)>,
    /// A report to carry as the problem's `report` member (an import's, in the request's
    /// language).
    pub report: Option<serde_json::Value>,
}

impl ApiError {
    /// A refusal with `status` and `kind`, about no field in particular.
    pub fn new(status: StatusCode, kind: &'static str, message: Text) -> Self {
        ApiError {
            status,
            kind,
            field: None,
            message,
            extra: None,
        }
    }

    /// A bad value in `field`: 422.
    pub fn invalid(field: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError {
            field: Some(field.into()),
            ..ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                Text::new(zh, en),
            )
        }
    }

    /// A body that is not JSON at all (syntax, or cut short): 400, about the whole body.
    pub fn bad_json(zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError {
            field: Some(String::new()),
            ..ApiError::new(StatusCode::BAD_REQUEST, "bad_request", Text::new(zh, en))
        }
    }

    /// No valid bearer token: 401.
    pub fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            Text::new(
                "需要有效的访问令牌：请求头 Authorization: Bearer <令牌>（用 `peiyu token create` 创建）",
                "a valid token is required: send Authorization: Bearer <token> (create one with `peiyu token create`)",
            ),
        )
    }

    /// A write without `If-Match`: 428.
    pub fn precondition_required() -> Self {
        ApiError {
            field: Some("If-Match".into()),
            ..ApiError::new(
                StatusCode::PRECONDITION_REQUIRED,
                "precondition_required",
                Text::new(
                    "缺少 If-Match 请求头：先 GET 该资源取得 ETag，再以 If-Match: \"<版本>\" 提交",
                    "If-Match is required: GET the resource for its ETag, then send If-Match: \"<version>\"",
                ),
            )
        }
    }

    /// No such route or page: 404.
    pub fn no_route() -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            Text::new(
                "没有这个接口：见 /api/v1/openapi.json",
                "no such endpoint: see /api/v1/openapi.json",
            ),
        )
    }

    /// A known path with a method it does not take: 405.
    pub fn wrong_method() -> Self {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            Text::new(
                "此接口不支持该请求方法：见 /api/v1/openapi.json",
                "this endpoint does not take that method: see /api/v1/openapi.json",
            ),
        )
    }

    /// Something failed on our side: 500.
    pub fn internal(zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            Text::new(zh, en),
        )
    }

    /// A refusal the API's own code did not write (axum's rejections, the timeout, the body
    /// limit), as a problem of its status; `said` is what the refusal said, if anything.
    pub fn from_status(status: StatusCode, said: &str) -> Self {
        let said = said.trim();
        let (kind, zh, en) = match status {
            StatusCode::BAD_REQUEST => (
                "bad_request",
                format!("请求无法读取：{said}"),
                format!("the request could not be read: {said}"),
            ),
            StatusCode::NOT_FOUND => return ApiError::no_route(),
            StatusCode::METHOD_NOT_ALLOWED => return ApiError::wrong_method(),
            StatusCode::PAYLOAD_TOO_LARGE => (
                "payload_too_large",
                format!(
                    "请求体超过 {} KiB 上限：请缩小文件或分批提交",
                    crate::MAX_BODY_BYTES / 1024
                ),
                format!(
                    "the body is larger than the {} KiB limit: send a smaller file or split it",
                    crate::MAX_BODY_BYTES / 1024
                ),
            ),
            StatusCode::URI_TOO_LONG => (
                "uri_too_long",
                format!("请求地址超过 {} KiB：请缩短查询参数", MAX_URI_BYTES / 1024),
                format!(
                    "the request target is longer than {} KiB: shorten the query",
                    MAX_URI_BYTES / 1024
                ),
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                "unsupported_media_type",
                "请求体应为 JSON：请求头 Content-Type: application/json".to_owned(),
                "the body must be JSON: send Content-Type: application/json".to_owned(),
            ),
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => (
                "headers_too_large",
                format!("请求头超过 {} KiB：请删减请求头", MAX_HEADER_BYTES / 1024),
                format!(
                    "the headers are larger than {} KiB: send fewer or shorter ones",
                    MAX_HEADER_BYTES / 1024
                ),
            ),
            StatusCode::SERVICE_UNAVAILABLE => (
                "unavailable",
                "服务器未能及时完成请求，未做任何更改：请稍后重试".to_owned(),
                "the server could not finish the request in time and changed nothing: retry later"
                    .to_owned(),
            ),
            status if status.is_server_error() => (
                "internal",
                "服务器内部错误：请稍后重试，或联系管理员查看日志".to_owned(),
                "internal error: retry later, or ask an admin to look at the log".to_owned(),
            ),
            status => (
                "bad_request",
                format!("请求被拒绝（HTTP {}）：{said}", status.as_u16()),
                format!("the request was refused (HTTP {}): {said}", status.as_u16()),
            ),
        };
        ApiError::new(status, kind, Text::new(zh, en))
    }

    /// The problem in `lang`, about the request for `instance` named `request_id`.
    pub fn problem(&self, lang: Lang, instance: &str, request_id: Option<&str>) -> Problem {
        let detail = self.message.get(lang).to_owned();
        let errors = self
            .field
            .iter()
            .map(|field| locate(field, detail.clone()))
            .chain(
                self.extra
                    .iter()
                    .flat_map(|x| x.more.iter())
                    .map(|(field, text)| locate(field, text.get(lang).to_owned())),
            )
            .collect();
        Problem {
            kind: format!("urn:peiyu:problem:{}", self.kind),
            title: title(self.kind).get(lang).to_owned(),
            status: self.status.as_u16(),
            detail,
            instance: instance.to_owned(),
            errors,
            request_id: request_id.map(str::to_owned),
            current_etag: self.extra.as_ref().and_then(|x| x.current_etag.clone()),
            report: self.extra.as_ref().and_then(|x| x.report.clone()),
        }
    }
}

/// Where an input named by the API's [`api_field`] lives: a JSON pointer starts with `/` (or is
/// empty, the whole body), a header is one of [`HEADERS`], anything else is a parameter.
fn locate(field: &str, detail: String) -> ProblemField {
    let mut located = ProblemField {
        pointer: None,
        parameter: None,
        header: None,
        detail,
    };
    if field.is_empty() || field.starts_with('/') {
        located.pointer = Some(field.to_owned());
    } else if is_header(field) {
        located.header = HEADERS
            .iter()
            .find(|h| h.eq_ignore_ascii_case(field))
            .map(|h| (*h).to_owned());
    } else {
        located.parameter = Some(field.to_owned());
    }
    located
}

/// Whether the API's name for an input is one of the request headers it reads.
pub fn is_header(name: &str) -> bool {
    HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// A problem kind in words.
fn title(kind: &str) -> Text {
    let (zh, en) = match kind {
        "invalid" => ("输入无效", "Invalid input"),
        "bad_request" => ("请求无法读取", "Bad request"),
        "unauthorized" => ("未认证", "Unauthorized"),
        "forbidden" => ("无权操作", "Forbidden"),
        "not_found" => ("未找到", "Not found"),
        "method_not_allowed" => ("不支持的请求方法", "Method not allowed"),
        "not_acceptable" => ("无法提供所要的格式", "Not acceptable"),
        "conflict" => ("冲突", "Conflict"),
        "precondition_failed" => ("版本已变", "Precondition failed"),
        "payload_too_large" => ("请求体过大", "Payload too large"),
        "uri_too_long" => ("请求地址过长", "URI too long"),
        "unsupported_media_type" => ("不支持的内容类型", "Unsupported media type"),
        "precondition_required" => ("缺少 If-Match", "Precondition required"),
        "rate_limited" => ("请求过多", "Too many requests"),
        "headers_too_large" => ("请求头过大", "Request header fields too large"),
        "unavailable" => ("暂时无法服务", "Service unavailable"),
        _ => ("服务器内部错误", "Internal error"),
    };
    Text::new(zh, en)
}

/// The API's name for an input the service names neutrally: a body field as a JSON pointer
/// (`/to`, `/reason`), a path or query parameter by its name (`key`, `as_of`), a header by its
/// name (`Idempotency-Key`, `If-Match`). An input the API does not take is named by its neutral
/// key; a named column or record field (`uscc`, `sector`) keeps its key. The one table of the
/// API's field names.
pub fn api_field(field: &Field) -> &str {
    match field {
        // Headers.
        Field::RequestId => "Idempotency-Key",
        Field::ExpectVersion => "If-Match",
        // Path parameters.
        Field::Enterprise => "key",
        Field::Task => "id",
        Field::Track => "track",
        // Body fields: advancing a case, completing a task, loading a notice.
        Field::To => "/to",
        Field::On => "/on",
        Field::Reason => "/reason",
        Field::Override => "/override_guards",
        Field::File => "/text",
        // Query parameters.
        Field::AsOf => "as_of",
        Field::Year => "year",
        Field::Batch => "batch",
        Field::Officer => "officer",
        // Inputs the API does not take, and named columns and record fields.
        Field::List
        | Field::From
        | Field::Rules
        | Field::TargetStage
        | Field::Target
        | Field::Assignee
        | Field::Title
        | Field::Due
        | Field::Name
        | Field::TokenHolder
        | Field::Expires
        | Field::Actor
        | Field::Today
        | Field::Week
        | Field::Lead
        | Field::Metric
        | Field::Value
        | Field::Admin
        | Field::AdminName
        | Field::TokenId
        | Field::Date
        | Field::Case
        | Field::Edit
        | Field::Calendar
        | Field::Notice
        | Field::CalendarOverride
        | Field::Database
        | Field::Login
        | Field::Password
        | Field::CurrentPassword
        | Field::Named(_) => field.key(),
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let (status, kind) = match e.kind() {
            ErrorKind::Invalid => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            ErrorKind::Conflict => (StatusCode::CONFLICT, "conflict"),
            ErrorKind::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ErrorKind::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            ErrorKind::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ErrorKind::RateLimited => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ErrorKind::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ErrorKind::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        if kind == "internal" {
            // The detail (a database message) goes to the log, not to the client.
            tracing::error!(error = %e, "a use case failed");
        }
        match e {
            ServiceError::Invalid { field, message } => ApiError {
                field: Some(api_field(&field).to_owned()),
                ..ApiError::new(status, kind, message)
            },
            ServiceError::Uninitialised => ApiError::new(status, kind, e.localize(Lang::Zh)),
            ServiceError::Storage(_) => ApiError::internal(
                "服务器内部错误：请稍后重试，或联系管理员查看日志",
                "internal error: retry later, or ask an admin to look at the log",
            ),
            other => ApiError::new(status, kind, other.localize(Lang::Zh)),
        }
    }
}

impl IntoResponse for ApiError {
    /// The problem in Chinese, without the request's path or id, carrying the error itself:
    /// under `/api/v1`, [`problems`] writes it again in the request's language with both.
    fn into_response(self) -> Response {
        let mut response = problem_response(self.problem(Lang::Zh, "", None), self.status);
        response.extensions_mut().insert(self);
        response
    }
}

/// `problem` as the body of a response with `status`.
fn problem_response(problem: Problem, status: StatusCode) -> Response {
    let mut response = (status, problem_bytes(&problem)).into_response();
    set_problem_headers(response.headers_mut(), status);
    response
}

/// A problem as JSON bytes.
fn problem_bytes(problem: &Problem) -> Vec<u8> {
    serde_json::to_vec(problem).unwrap_or_else(|e| {
        tracing::error!(error = %e, "a problem does not serialise");
        b"{}".to_vec()
    })
}

/// The content type of a problem, and the challenge of a 401.
fn set_problem_headers(headers: &mut axum::http::HeaderMap, status: StatusCode) {
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    if status == StatusCode::UNAUTHORIZED {
        headers.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"peiyu\""),
        );
    }
    if status == StatusCode::SERVICE_UNAVAILABLE {
        // The database is down or busy: the same request may succeed shortly.
        headers.insert(
            header::RETRY_AFTER,
            HeaderValue::from(peiyu_service::RETRY_AFTER_SECS),
        );
    }
}

/// The largest body of a refusal that [`problems`] reads to quote it (axum's rejections are a
/// line of text).
const MAX_REJECTION_TEXT: usize = 4 * 1024;

/// Answers every error of the API as a problem: an [`ApiError`] a handler returned, or any
/// other 4xx/5xx (axum's rejections, the body limit, the timeout), in the request's language,
/// with its path and id. Refuses a request target over [`MAX_URI_BYTES`] (414) or headers over
/// [`MAX_HEADER_BYTES`] (431) before anything reads them.
pub async fn problems(request: Request, next: Next) -> Response {
    let lang = accept_language(request.headers());
    let instance = request
        .extensions()
        .get::<OriginalUri>()
        .map_or(request.uri(), |OriginalUri(uri)| uri)
        .path()
        .to_owned();
    let request_id = request.extensions().get::<RequestId>().map(|r| r.0.clone());
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    let refused = if request.uri().to_string().len() > MAX_URI_BYTES {
        Some(StatusCode::URI_TOO_LONG)
    } else if header_bytes > MAX_HEADER_BYTES {
        Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
    } else {
        None
    };
    let response = match refused {
        Some(status) => ApiError::from_status(status, "").into_response(),
        None => next.run(request).await,
    };
    let status = response.status();
    if !status.is_client_error() && !status.is_server_error() {
        return response;
    }
    // A problem already written (an idempotency key's stored refusal) is replayed as it is.
    let written_problem = response.extensions().get::<ApiError>().is_none()
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|t| t.as_bytes().starts_with(b"application/problem+json"));
    if written_problem {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let error = match parts.extensions.remove::<ApiError>() {
        Some(error) => error,
        None => {
            let said = axum::body::to_bytes(body, MAX_REJECTION_TEXT)
                .await
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            ApiError::from_status(status, &said)
        }
    };
    let bytes = problem_bytes(&error.problem(lang, &instance, request_id.as_deref()));
    parts.status = error.status;
    parts.headers.remove(header::CONTENT_LENGTH);
    set_problem_headers(&mut parts.headers, error.status);
    Response::from_parts(parts, Body::from(bytes))
}

/// Shorthand for handler results.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_become_the_apis_names() {
        assert_eq!(api_field(&Field::AsOf), "as_of");
        assert_eq!(api_field(&Field::To), "/to");
        assert_eq!(api_field(&Field::Reason), "/reason");
        assert_eq!(api_field(&Field::RequestId), "Idempotency-Key");
        assert_eq!(api_field(&Field::ExpectVersion), "If-Match");
        assert_eq!(api_field(&Field::named("uscc")), "uscc");
    }

    #[test]
    fn every_field_has_a_distinct_api_name() {
        let mut seen = std::collections::HashSet::new();
        for field in &Field::ALL {
            let name = api_field(field);
            assert!(!name.is_empty(), "{field:?} has no API name");
            assert!(
                !name.starts_with("--"),
                "{field:?} is named as a CLI flag: {name}"
            );
            assert!(seen.insert(name), "{field:?} shares the API name {name}");
        }
    }

    #[test]
    fn service_kinds_map_to_statuses() {
        let e: ApiError = ServiceError::not_found("无", "none").into();
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        let e: ApiError = ServiceError::invalid(Field::To, Text::new("错", "bad")).into();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.field.as_deref(), Some("/to"));
        let e: ApiError = ServiceError::forbidden("不可", "no").into();
        assert_eq!(e.status, StatusCode::FORBIDDEN);
        let problem = e.problem(Lang::En, "/api/v1/x", Some("r-1"));
        assert_eq!(problem.detail, "no");
        assert_eq!(problem.kind, "urn:peiyu:problem:forbidden");
        assert_eq!(problem.title, "Forbidden");
        assert_eq!(problem.status, 403);
        assert_eq!(problem.request_id.as_deref(), Some("r-1"));
    }

    #[test]
    fn each_input_is_located_as_a_pointer_a_parameter_or_a_header() {
        let at = |field: &str| {
            let f = locate(field, String::new());
            (f.pointer, f.parameter, f.header)
        };
        assert_eq!(at("/on"), (Some("/on".into()), None, None));
        assert_eq!(at(""), (Some(String::new()), None, None));
        assert_eq!(at("as_of"), (None, Some("as_of".into()), None));
        assert_eq!(at("if-match"), (None, None, Some("If-Match".into())));
    }

    #[test]
    fn axums_refusals_become_problems_of_their_status() {
        for (status, kind) in [
            (StatusCode::BAD_REQUEST, "bad_request"),
            (StatusCode::NOT_FOUND, "not_found"),
            (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            (StatusCode::URI_TOO_LONG, "uri_too_long"),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            (
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "headers_too_large",
            ),
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        ] {
            let e = ApiError::from_status(status, "said");
            assert_eq!((e.status, e.kind), (status, kind));
            assert_ne!(title(kind).en(), "Internal error", "{kind} has no title");
        }
    }
}
