//! The pieces every view shares: health, errors, and brief references to officers and enterprises.

use peiyu_domain::{Enterprise, Officer};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET /health`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the server answers and its database is initialised.
    pub status: String,
    /// The server's version.
    pub version: String,
}

/// Every error response: an RFC 9457 problem, sent as `application/problem+json`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// What kind of problem: `urn:peiyu:problem:<kind>`, the kind one of `invalid`,
    /// `bad_request`, `unauthorized`, `forbidden`, `not_found`, `method_not_allowed`,
    /// `not_acceptable`, `conflict`, `precondition_failed`, `payload_too_large`, `uri_too_long`,
    /// `unsupported_media_type`, `precondition_required`, `rate_limited`, `headers_too_large`,
    /// `internal` or `unavailable` (docs/api.md#errors).
    #[serde(rename = "type")]
    pub kind: String,
    /// The kind in words, in the request's language.
    pub title: String,
    /// The HTTP status, repeated.
    pub status: u16,
    /// What is wrong and what to do, in the request's language.
    pub detail: String,
    /// The path of the request that was refused.
    pub instance: String,
    /// Each input at fault: a body field by its JSON pointer, a query or path parameter, or a
    /// header.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// The request's id (its `X-Request-Id`), to quote when asking an admin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// For a stale `If-Match` (409): the resource's current `ETag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_etag: Option<String>,
    /// For a refused import (422): the import's report, as `POST /import/ledger` answers it
    /// ([`ImportReportDto`](super::ImportReportDto)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub report: Option<serde_json::Value>,
}

/// One input at fault in a [`Problem`]: exactly one of `pointer`, `parameter` and `header`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProblemField {
    /// A body field, as a JSON pointer in the API's names (`/on`, `/rows/3/uscc`); `""` is the
    /// whole body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// A query or path parameter by its name (`as_of`, `key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// A request header by its name (`If-Match`, `Idempotency-Key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// What is wrong with it, in the request's language.
    pub detail: String,
}

/// An officer, briefly.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OfficerRef {
    /// Their login.
    pub login: String,
    /// Their name.
    pub name: String,
    /// `officer`, `lead`, `leader` or `admin`.
    pub role: String,
}

impl From<&Officer> for OfficerRef {
    fn from(o: &Officer) -> Self {
        OfficerRef {
            login: o.login.as_str().to_owned(),
            name: o.name.clone(),
            role: o.role.key().to_owned(),
        }
    }
}

/// An enterprise, briefly.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseRef {
    /// Its unified social credit code.
    pub uscc: String,
    /// Its name.
    pub name: String,
}

impl From<&Enterprise> for EnterpriseRef {
    fn from(e: &Enterprise) -> Self {
        EnterpriseRef {
            uscc: e.uscc.as_str().to_owned(),
            name: e.name.clone(),
        }
    }
}

/// One page of a list asked for with `limit` ([`PageParams`](super::PageParams)).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PageDto<T> {
    /// The items of this page, in the list's order.
    pub items: Vec<T>,
    /// The cursor of the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// A list's JSON: the whole list without `limit`, one page with it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ListAnswer<T> {
    /// Every item (no `limit`).
    All(Vec<T>),
    /// One page (`limit`).
    Page(PageDto<T>),
}
