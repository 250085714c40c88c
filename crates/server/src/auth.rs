//! Who is asking: the officer behind a bearer token or a web session.
//!
//! The API takes a token only from `Authorization: Bearer <secret>`, so no other site can make a
//! browser act on it. The pages take the `peiyu_session` cookie that logging in sets (HttpOnly,
//! SameSite=Lax, Secure behind TLS; docs/accounts.md), or a bearer token; every form of the
//! pages is a POST that also carries a CSRF token bound to the session (`pages::security`).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use peiyu_domain::{Lang, Officer};
use peiyu_service::{Client, SignedIn};

use crate::AppState;
use crate::error::ApiError;
use crate::lang::query_lang;

/// The cookie that holds a web session's secret.
pub const COOKIE: &str = "peiyu_session";

/// The secret of `Authorization: Bearer <secret>`, if sent.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, secret) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(secret.trim())
        .filter(|s| !s.is_empty())
}

/// The value of the `peiyu_session` cookie, if sent.
pub fn cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|s| !s.is_empty())
}

/// Whether the request came over TLS: a TLS-terminating proxy says so with
/// `X-Forwarded-Proto: https` (the server itself speaks plain HTTP).
pub fn came_over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

/// The `Set-Cookie` value that hands a browser its session secret.
pub fn session_cookie(secret: &str, secure: bool) -> String {
    let max_age = peiyu_service::accounts::ABSOLUTE_DAYS * 24 * 3600;
    format!(
        "{COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that makes a browser forget its session.
pub fn cleared_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Where a login may return to: a path on this site (`/week?lang=en`), never another site
/// (`https://…`, `//host/…`, `/\host`) nor anything with control characters.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let mut chars = next.chars();
    let ok = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !next.chars().any(|c| c.is_control() || c == '\\')
        && next.len() <= 2000;
    ok.then(|| next.to_owned())
}

/// `s` percent-encoded for a query value: everything but unreserved characters.
pub fn encode_query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The login page, coming back to `next` (when it is a page worth returning to).
pub fn login_href(lang: Lang, next: Option<&str>) -> String {
    match safe_next(next).filter(|n| n != "/" && !n.starts_with("/?")) {
        Some(next) => format!("/?lang={}&next={}", lang.code(), encode_query_value(&next)),
        None => format!("/?lang={}", lang.code()),
    }
}

/// The change-password page, coming back to `next`.
pub fn password_href(lang: Lang, next: Option<&str>) -> String {
    match safe_next(next).filter(|n| !n.starts_with("/password")) {
        Some(next) => format!(
            "/password?lang={}&next={}",
            lang.code(),
            encode_query_value(&next)
        ),
        None => format!("/password?lang={}", lang.code()),
    }
}

/// Where a request comes from, for the login rate limit and the session's record: the TCP peer,
/// or — when the peer is a proxy on this machine — the last address of `X-Forwarded-For`; and
/// the `User-Agent`.
#[derive(Clone, Debug)]
pub struct ClientInfo(pub Client);

impl<S: Send + Sync> FromRequestParts<S> for ClientInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .and_then(|v| v.parse::<std::net::IpAddr>().ok());
        let address = match (peer, forwarded) {
            (Some(peer), Some(fwd)) if peer.is_loopback() => Some(fwd),
            (peer, _) => peer,
        };
        let user_agent = parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(300).collect());
        Ok(ClientInfo(Client {
            address: address.map(|a| a.to_string()),
            user_agent,
        }))
    }
}

/// The officer whose secret this is, noting them in the request's span.
async fn officer_for(state: &AppState, secret: Option<&str>) -> Result<Option<Officer>, ApiError> {
    let Some(secret) = secret else {
        return Ok(None);
    };
    let officer = state.service.authenticate(secret).await?;
    if let Some(o) = &officer {
        tracing::Span::current().record("officer", o.login.as_str());
    }
    Ok(officer)
}

/// An API request's officer, from its bearer token; 401 without a valid one.
#[derive(Clone, Debug)]
pub struct Authed(pub Officer);

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        officer_for(state, bearer(&parts.headers))
            .await?
            .map(Authed)
            .ok_or_else(ApiError::unauthorized)
    }
}

/// A page request's officer, from the session cookie or a bearer token. Without one the
/// browser is sent to the login page (which comes back here); a session whose password must be
/// changed is sent to the change-password page first.
#[derive(Clone, Debug)]
pub struct PageUser(pub Officer);

/// Why a page cannot be shown to this request.
#[derive(Debug)]
pub enum PageRejection {
    /// Not logged in, or the password must be changed first: go there.
    Redirect(String),
    /// The check itself failed.
    Failed(ApiError),
}

impl IntoResponse for PageRejection {
    fn into_response(self) -> Response {
        match self {
            PageRejection::Redirect(to) => Redirect::to(&to).into_response(),
            PageRejection::Failed(e) => e.into_response(),
        }
    }
}

fn here(parts: &Parts) -> Option<&str> {
    parts.uri.path_and_query().map(|p| p.as_str())
}

/// The live session of the request's cookie, with its secret.
pub async fn session_of(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(String, SignedIn)>, ApiError> {
    let Some(secret) = cookie(headers) else {
        return Ok(None);
    };
    let signed_in = state.service.session(secret).await?;
    if let Some(s) = &signed_in {
        tracing::Span::current().record("officer", s.officer.login.as_str());
    }
    Ok(signed_in.map(|s| (secret.to_owned(), s)))
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = PageRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, PageRejection> {
        let lang = query_lang(parts.uri.query());
        if let Some(secret) = bearer(&parts.headers) {
            return match officer_for(state, Some(secret)).await {
                Ok(Some(officer)) => Ok(PageUser(officer)),
                Ok(None) => Err(PageRejection::Redirect(login_href(lang, here(parts)))),
                Err(e) => Err(PageRejection::Failed(e)),
            };
        }
        match session_of(state, &parts.headers).await {
            Ok(Some((_, s))) if s.must_change_password => {
                Err(PageRejection::Redirect(password_href(lang, here(parts))))
            }
            Ok(Some((_, s))) => Ok(PageUser(s.officer)),
            Ok(None) => Err(PageRejection::Redirect(login_href(lang, here(parts)))),
            Err(e) => Err(PageRejection::Failed(e)),
        }
    }
}

/// A page request's web session (not a bearer token), whether or not its password must be
/// changed: the change-password page's.
#[derive(Clone, Debug)]
pub struct PageSession {
    /// The cookie's secret.
    pub secret: String,
    /// The session's officer.
    pub signed_in: SignedIn,
}

impl FromRequestParts<AppState> for PageSession {
    type Rejection = PageRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, PageRejection> {
        let lang = query_lang(parts.uri.query());
        match session_of(state, &parts.headers).await {
            Ok(Some((secret, signed_in))) => Ok(PageSession { secret, signed_in }),
            Ok(None) => Err(PageRejection::Redirect(login_href(lang, here(parts)))),
            Err(e) => Err(PageRejection::Failed(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_bearer_and_cookie() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert("authorization", HeaderValue::from_static("Bearer py_abc"));
        assert_eq!(bearer(&h), Some("py_abc"));
        h.insert("authorization", HeaderValue::from_static("Basic xyz"));
        assert_eq!(bearer(&h), None);
        h.insert(
            "cookie",
            HeaderValue::from_static("a=1; peiyu_session=ps_def; b=2"),
        );
        assert_eq!(cookie(&h), Some("ps_def"));
    }

    #[test]
    fn next_is_a_path_on_this_site_only() {
        assert_eq!(
            safe_next(Some("/week?lang=en")).as_deref(),
            Some("/week?lang=en")
        );
        for bad in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil",
            "week",
            "",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad)), None, "{bad}");
        }
        assert_eq!(
            login_href(Lang::Zh, Some("/tasks?status=open")),
            "/?lang=zh&next=%2Ftasks%3Fstatus%3Dopen"
        );
        assert_eq!(login_href(Lang::En, Some("https://x")), "/?lang=en");
    }
}
