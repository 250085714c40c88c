//! The one mapping from errors to HTTP statuses and JSON error bodies.
//!
//! Every refusal — a service error, a missing token, a bad header or body — becomes an
//! [`ApiError`]: a status and a body `{"error": {"kind", "field"?, "message"}}`. The message is
//! written in both languages; [`localize_errors`] picks the one the request's `Accept-Language`
//! asks for (Chinese unless it prefers English).

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use peiyu_domain::{Lang, Localize, Text};
use peiyu_service::{ErrorKind, Field, ServiceError};

use crate::lang::accept_language;
use peiyu_formats::json::{ErrorBody, ErrorDetail};

/// Why a request was refused, ready to become a response.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{status}: {}", message.en())]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The machine-readable kind (`invalid`, `conflict`, `not_found`, `forbidden`, `internal`,
    /// `unauthorized`, `precondition_required`, `method_not_allowed`).
    pub kind: &'static str,
    /// The field, header or parameter at fault, when one is.
    pub field: Option<String>,
    /// What is wrong and what to do, in both languages.
    pub message: Text,
}

impl ApiError {
    /// A bad value in `field`: 422.
    pub fn invalid(field: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            kind: "invalid",
            field: Some(field.into()),
            message: Text::new(zh, en),
        }
    }

    /// No valid bearer token: 401.
    pub fn unauthorized() -> Self {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            kind: "unauthorized",
            field: None,
            message: Text::new(
                "需要有效的访问令牌：请求头 Authorization: Bearer <令牌>（用 `peiyu token create` 创建）",
                "a valid token is required: send Authorization: Bearer <token> (create one with `peiyu token create`)",
            ),
        }
    }

    /// A write without `If-Match`: 428.
    pub fn precondition_required() -> Self {
        ApiError {
            status: StatusCode::PRECONDITION_REQUIRED,
            kind: "precondition_required",
            field: Some("If-Match".into()),
            message: Text::new(
                "缺少 If-Match 请求头：先 GET 该培育流程取得 ETag，再以 If-Match: \"<版本>\" 提交",
                "If-Match is required: GET the cultivation for its ETag, then send If-Match: \"<version>\"",
            ),
        }
    }

    /// No such route or page: 404.
    pub fn no_route() -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            kind: "not_found",
            field: None,
            message: Text::new("没有这个接口", "no such endpoint"),
        }
    }

    /// Something failed on our side: 500.
    pub fn internal(zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            kind: "internal",
            field: None,
            message: Text::new(zh, en),
        }
    }

    /// The body in `lang`.
    pub fn body(&self, lang: Lang) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                kind: self.kind.to_owned(),
                field: self.field.clone(),
                message: self.message.get(lang).to_owned(),
            },
        }
    }

    fn response(&self, lang: Lang) -> Response {
        let mut response = (self.status, Json(self.body(lang))).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"peiyu\""),
            );
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            // The database is down or busy: the same request may succeed shortly.
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(peiyu_service::RETRY_AFTER_SECS),
            );
        }
        response
    }
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
                status,
                kind,
                field: Some(api_field(&field).to_owned()),
                message,
            },
            ServiceError::Uninitialised => ApiError {
                status,
                kind,
                field: None,
                message: e.localize(Lang::Zh),
            },
            ServiceError::Storage(_) => ApiError::internal(
                "服务器内部错误：请稍后重试，或联系管理员查看日志",
                "internal error: retry later, or ask an admin to look at the log",
            ),
            other => ApiError {
                status,
                kind,
                field: None,
                message: other.localize(Lang::Zh),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.response(Lang::Zh);
        response.extensions_mut().insert(self);
        response
    }
}

/// Re-writes an error body in the language of the request's `Accept-Language`.
pub async fn localize_errors(request: Request, next: Next) -> Response {
    let lang = accept_language(request.headers());
    let response = next.run(request).await;
    match (lang, response.extensions().get::<ApiError>()) {
        (Lang::En, Some(error)) => error.response(Lang::En),
        _ => response,
    }
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
        assert_eq!(e.body(Lang::En).error.message, "no");
    }
}
