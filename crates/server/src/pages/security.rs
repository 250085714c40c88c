//! What keeps the pages' forms and frames safe: a CSRF token on every form, checked on every
//! POST before its handler runs, and the security headers on every page.
//!
//! The token is bound to the browser's secret: the SHA-256 of a label and the session cookie's
//! secret (HttpOnly, so no script and no other site can read it or the token). Before logging
//! in there is no session: the login form is bound the same way to a random `peiyu_csrf`
//! cookie set with the form (a double-submit cookie). A POST whose `csrf` field is missing or
//! wrong is refused with 403 and a page that says to reload, before anything is read or changed.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::auth::cookie;
use crate::lang::{query_lang, tr};

/// The cookie that binds the login form's token before there is a session.
pub const PRE_SESSION_COOKIE: &str = "peiyu_csrf";

/// The form field that carries the token.
pub const FIELD: &str = "csrf";

/// The largest form body a page takes: 8 MiB (an evidence file of a few pages' scan).
pub const MAX_FORM_BYTES: usize = 8 * 1024 * 1024;

/// The largest ledger upload (`POST /admin/import`): 20 MiB, about 100,000 rows of an
/// enterprise ledger as CSV.
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;

/// The path that takes [`MAX_IMPORT_BYTES`] rather than [`MAX_FORM_BYTES`].
pub const IMPORT_PATH: &str = "/admin/import";

/// The largest body a POST to `path` may carry.
pub fn body_limit(path: &str) -> usize {
    if path == IMPORT_PATH {
        MAX_IMPORT_BYTES
    } else {
        MAX_FORM_BYTES
    }
}

/// The Content-Security-Policy of every page: only this site's stylesheet, no script at all, no
/// inline style, images only from here (and the inline SVG charts), forms only to here, never
/// inside a frame.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

tokio::task_local! {
    /// The token of the request being answered, for the forms its page renders.
    static TOKEN: String;
}

/// The CSRF token for a browser holding `secret` (its session's or its pre-session cookie's).
pub fn token_for(secret: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"peiyu-csrf\n");
    hasher.update(secret.as_bytes());
    hex::encode(hasher.finalize())
}

/// The token the page being rendered puts in its forms (empty outside a page request).
pub fn current_token() -> String {
    TOKEN.try_with(Clone::clone).unwrap_or_default()
}

/// The value of cookie `name`, if sent.
fn named_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.trim())
        .filter(|s| !s.is_empty())
}

/// The secret this browser's forms are bound to: its session's, else its pre-session cookie's.
fn bound_secret(headers: &HeaderMap) -> Option<&str> {
    cookie(headers).or_else(|| named_cookie(headers, PRE_SESSION_COOKIE))
}

/// Checks every POST's token and gives every page its own; sets the pre-session cookie on a
/// page shown to a browser that has neither cookie (the login page's).
pub async fn guard(request: Request, next: Next) -> Response {
    let lang = query_lang(request.uri().query());
    let fresh = bound_secret(request.headers())
        .is_none()
        .then(|| uuid::Uuid::new_v4().simple().to_string());
    let secret = fresh
        .clone()
        .or_else(|| bound_secret(request.headers()).map(str::to_owned))
        .unwrap_or_default();
    let expected = token_for(&secret);
    let request = if request.method() == Method::POST {
        match checked(request, &expected, fresh.is_none()).await {
            Ok(request) => request,
            Err(refusal) => return refusal.into_response(lang),
        }
    } else {
        request
    };
    let tls = crate::auth::came_over_tls(request.headers());
    let mut response = TOKEN.scope(expected, next.run(request)).await;
    if let Some(fresh) = fresh
        && let Ok(value) = HeaderValue::from_str(&format!(
            "{PRE_SESSION_COOKIE}={fresh}; Path=/; HttpOnly; SameSite=Lax{}",
            if tls { "; Secure" } else { "" }
        ))
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Why a POST was refused.
#[derive(Debug, PartialEq, Eq)]
enum Refusal {
    /// No token, or not this browser's.
    BadToken,
    /// The body is larger than [`body_limit`] (the limit in MiB).
    TooLarge(usize),
}

impl Refusal {
    fn into_response(self, lang: peiyu_domain::Lang) -> Response {
        let (status, text) = match self {
            Refusal::BadToken => (
                StatusCode::FORBIDDEN,
                tr(
                    lang,
                    "表单已过期或不是从本站提交的：请重新打开该页面再提交。",
                    "The form has expired or was not sent from this site: open the page again and resubmit.",
                )
                .to_owned(),
            ),
            Refusal::TooLarge(mib) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                match lang {
                    peiyu_domain::Lang::Zh => {
                        format!("提交的内容超过 {mib} MiB：请压缩或拆分文件后再提交。")
                    }
                    peiyu_domain::Lang::En => format!(
                        "The form is larger than {mib} MiB: compress or split the file and resubmit."
                    ),
                },
            ),
        };
        super::message_page(status, lang, &text)
    }
}

/// The request again, once its body's `csrf` field equals `expected`. `bound` is false when
/// the browser sent no cookie to bind a token to, which no form of ours can then match.
async fn checked(request: Request, expected: &str, bound: bool) -> Result<Request, Refusal> {
    let (parts, body) = request.into_parts();
    let limit = body_limit(parts.uri.path());
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| Refusal::TooLarge(limit / (1024 * 1024)))?;
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let sent = if content_type.starts_with("multipart/form-data") {
        multipart_token(&parts.headers, bytes.clone()).await
    } else {
        form_token(&bytes)
    };
    if !bound || sent.as_deref() != Some(expected) {
        tracing::warn!(path = %parts.uri.path(), "a form without a valid CSRF token was refused");
        return Err(Refusal::BadToken);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// The `csrf` field of a URL-encoded form.
fn form_token(bytes: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v)
}

/// The `csrf` field of a multipart form (read from a copy of the body).
async fn multipart_token(headers: &HeaderMap, bytes: Bytes) -> Option<String> {
    let mut copy = axum::http::Request::new(Body::from(bytes));
    *copy.headers_mut() = headers.clone();
    let mut form = Multipart::from_request(copy, &()).await.ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(FIELD) {
            return field.text().await.ok();
        }
    }
    None
}

/// Adds the security headers to every page.
pub async fn headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// The stylesheet of every page, served from the binary.
pub const STYLESHEET: &str = include_str!("../../static/peiyu.css");

/// `GET /static/peiyu.css`.
pub async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        STYLESHEET,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_bound_to_the_secret() {
        let a = token_for("ps_a");
        assert_eq!(a, token_for("ps_a"));
        assert_ne!(a, token_for("ps_b"));
        assert_eq!(a.len(), 64);
        assert!(!a.contains("ps_a"));
    }

    #[test]
    fn reads_the_token_of_a_url_encoded_form() {
        assert_eq!(
            form_token(b"note=ok&csrf=abc%20d").as_deref(),
            Some("abc d")
        );
        assert_eq!(form_token(b"note=ok"), None);
    }

    #[tokio::test]
    async fn reads_the_token_of_a_multipart_form() {
        let body = "--XX\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--XX\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n--XX--\r\n";
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("multipart/form-data; boundary=XX"),
        );
        assert_eq!(
            multipart_token(&headers, Bytes::from(body))
                .await
                .as_deref(),
            Some("tok")
        );
    }
}
