//! Who is asking: the officer behind a bearer token.
//!
//! The API takes the token only from `Authorization: Bearer <secret>`, so no other site can
//! make a browser act on it. The pages also take it from the `peiyu_token` cookie that the login
//! form sets (HttpOnly, SameSite=Strict); the pages only read.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use peiyu_domain::Officer;

use crate::AppState;
use crate::error::ApiError;
use crate::lang::query_lang;

/// The cookie the login page sets.
pub const COOKIE: &str = "peiyu_token";

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

/// The value of the `peiyu_token` cookie, if sent.
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

/// A page request's officer, from the cookie or a bearer token; without one the browser is sent
/// to the login page.
#[derive(Clone, Debug)]
pub struct PageUser(pub Officer);

/// Why a page cannot be shown to this request.
#[derive(Debug)]
pub enum PageRejection {
    /// Not logged in: go to the login page.
    Login(String),
    /// The token check itself failed.
    Failed(ApiError),
}

impl IntoResponse for PageRejection {
    fn into_response(self) -> Response {
        match self {
            PageRejection::Login(to) => Redirect::to(&to).into_response(),
            PageRejection::Failed(e) => e.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = PageRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, PageRejection> {
        let secret = bearer(&parts.headers).or_else(|| cookie(&parts.headers));
        match officer_for(state, secret).await {
            Ok(Some(officer)) => Ok(PageUser(officer)),
            Ok(None) => {
                let lang = query_lang(parts.uri.query());
                Err(PageRejection::Login(format!("/?lang={}", lang.code())))
            }
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
            HeaderValue::from_static("a=1; peiyu_token=py_def; b=2"),
        );
        assert_eq!(cookie(&h), Some("py_def"));
    }
}
