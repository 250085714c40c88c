//! Which language to answer in: `Accept-Language` for the API, `?lang=` for the pages; Chinese
//! unless English is asked for.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use peiyu_domain::Lang;

/// The language the `Accept-Language` header prefers among zh and en (by quality, then order);
/// zh when it names neither.
pub fn accept_language(headers: &HeaderMap) -> Lang {
    let Some(value) = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Lang::Zh;
    };
    let mut best: Option<(f32, Lang)> = None;
    for part in value.split(',') {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or_default().trim();
        let quality = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let lang = match tag.to_ascii_lowercase() {
            t if t == "zh" || t.starts_with("zh-") => Lang::Zh,
            t if t == "en" || t.starts_with("en-") => Lang::En,
            _ => continue,
        };
        if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, lang));
        }
    }
    best.map(|(_, lang)| lang).unwrap_or(Lang::Zh)
}

/// The language a page is shown in: `?lang=en` for English, Chinese otherwise.
pub fn query_lang(query: Option<&str>) -> Lang {
    query
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| v.parse::<Lang>().ok())
        .unwrap_or(Lang::Zh)
}

/// The API request's language, from `Accept-Language`.
#[derive(Clone, Copy, Debug)]
pub struct ApiLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ApiLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ApiLang(accept_language(&parts.headers)))
    }
}

/// The page request's language, from `?lang=`.
#[derive(Clone, Copy, Debug)]
pub struct PageLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(PageLang(query_lang(parts.uri.query())))
    }
}

/// `zh` or `en` wording by language.
pub fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::ACCEPT_LANGUAGE,
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    #[test]
    fn accept_language_prefers_by_quality() {
        assert_eq!(accept_language(&HeaderMap::new()), Lang::Zh);
        assert_eq!(accept_language(&with("en")), Lang::En);
        assert_eq!(accept_language(&with("en-US,en;q=0.9")), Lang::En);
        assert_eq!(accept_language(&with("zh-CN,zh;q=0.9,en;q=0.8")), Lang::Zh);
        assert_eq!(accept_language(&with("fr, en;q=0.5")), Lang::En);
        assert_eq!(accept_language(&with("zh;q=0.4, en;q=0.6")), Lang::En);
        assert_eq!(accept_language(&with("fr")), Lang::Zh);
    }

    #[test]
    fn pages_take_lang_from_the_query() {
        assert_eq!(query_lang(Some("batch=1&lang=en")), Lang::En);
        assert_eq!(query_lang(Some("lang=zh")), Lang::Zh);
        assert_eq!(query_lang(None), Lang::Zh);
    }
}
