//! Cursor pagination of the long lists (`GET /enterprises`, `/tasks`, `/audit/log`): with
//! `limit`, one page of the list in its usual order, the cursor of the next one in
//! `next_cursor` and in a `Link: <…>; rel="next"` header; without it, the whole list.
//!
//! Enterprises and tasks are paged in SQL ([`page_ask`], [`page_response`]): the page is read
//! by the list's order from just after the cursor's item (keyset), so it costs its size; the
//! audit log is still cut from the whole list ([`paged_response`]).
//!
//! A cursor is `<items seen>.<id of the page's last item>`. The next page starts after that
//! item wherever it stands now, so items added or removed before it shift nothing; should the
//! item itself be gone (a task done while paging open tasks), the page starts at the same count
//! instead.

use axum::Json;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use peiyu_domain::Lang;
use peiyu_formats::json::{PageDto, PageParams};
use peiyu_formats::lists::ListFile;
use peiyu_formats::weekly::Format;
use peiyu_service::PageAsk;
use serde::Serialize;

use crate::error::{ApiError, ApiResult};
use crate::views::list_response;

/// The most items one page holds.
pub const MAX_LIMIT: u32 = 1000;

/// Where a page starts in `items`: after the item the cursor names, else at the count it says.
fn start_of<T>(items: &[T], cursor: &str, id: &impl Fn(&T) -> String) -> ApiResult<usize> {
    let (seen, last) = parse_cursor(cursor)?;
    let seen = usize::try_from(seen).unwrap_or(usize::MAX);
    Ok(match items.iter().position(|item| id(item) == last) {
        Some(at) => at + 1,
        None => seen.min(items.len()),
    })
}

/// A cursor's two parts: the items seen, and the id of the last one.
fn parse_cursor(cursor: &str) -> ApiResult<(u64, &str)> {
    let bad = || {
        ApiError::invalid(
            "cursor",
            "游标无效：请用上一页的 next_cursor，或不带游标从头开始",
            "the cursor is not one this list gave: use the next_cursor of the page before, or start again without one",
        )
    };
    let (seen, last) = cursor.trim().split_once('.').ok_or_else(bad)?;
    let seen: u64 = seen.parse().map_err(|_| bad())?;
    Ok((seen, last))
}

/// `cursor` percent-encoded for a query string.
fn encode(cursor: &str) -> String {
    let mut out = String::with_capacity(cursor.len());
    for b in cursor.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The request's own path and query with `cursor` set to `next`.
fn next_link(uri: &Uri, next: &str) -> Option<HeaderValue> {
    let mut query: Vec<&str> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("cursor="))
        .collect();
    let cursor = format!("cursor={}", encode(next));
    query.push(&cursor);
    HeaderValue::from_str(&format!(
        "<{}?{}>; rel=\"next\"",
        uri.path(),
        query.join("&")
    ))
    .ok()
}

/// A list's answer, paged when `page` asks for it: see the module's comment. `id` names an
/// item (stable across requests); `uri` is the request as sent (for the `Link`).
pub(crate) fn paged_response<T: Serialize>(
    mut items: Vec<T>,
    (page, uri): (&PageParams, &Uri),
    id: impl Fn(&T) -> String,
    (file, format): (&ListFile, Format),
    (title, stem): (&str, &str),
    lang: Lang,
) -> ApiResult<Response> {
    let Some(limit) = page.limit else {
        if page.cursor.is_some() {
            return Err(ApiError::invalid(
                "cursor",
                "游标须与 limit 一起使用",
                "a cursor goes with limit",
            ));
        }
        return list_response(&items, (file, format), (title, stem), lang);
    };
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            format!("limit 应在 1 到 {MAX_LIMIT} 之间"),
            format!("limit must be 1 to {MAX_LIMIT}"),
        ));
    }
    let start = match &page.cursor {
        Some(cursor) => start_of(&items, cursor, &id)?,
        None => 0,
    };
    let end = start
        .saturating_add(usize::try_from(limit).unwrap_or(usize::MAX))
        .min(items.len());
    let next = (end < items.len())
        .then(|| {
            items
                .get(end.wrapping_sub(1))
                .map(|last| format!("{end}.{}", id(last)))
        })
        .flatten();
    items.truncate(end);
    let items: Vec<T> = items.drain(start.min(end)..).collect();
    let mut response = if format == Format::Json {
        Json(PageDto {
            items,
            next_cursor: next.clone(),
        })
        .into_response()
    } else {
        list_response(&items, (file, format), (title, stem), lang)?
    };
    if let Some(link) = next.as_deref().and_then(|n| next_link(uri, n)) {
        response.headers_mut().insert(header::LINK, link);
    }
    Ok(response)
}

/// The page `page` asks for, to be read in SQL (see [`Service`](peiyu_service::Service)'s
/// `*_page` reads): `None` without `limit` (the whole list); a bad limit or cursor, or a
/// cursor without limit, is refused naming the parameter.
pub(crate) fn page_ask(page: &PageParams) -> ApiResult<Option<PageAsk>> {
    let Some(limit) = page.limit else {
        if page.cursor.is_some() {
            return Err(ApiError::invalid(
                "cursor",
                "游标须与 limit 一起使用",
                "a cursor goes with limit",
            ));
        }
        return Ok(None);
    };
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            format!("limit 应在 1 到 {MAX_LIMIT} 之间"),
            format!("limit must be 1 to {MAX_LIMIT}"),
        ));
    }
    let after = match &page.cursor {
        Some(cursor) => {
            let (seen, last) = parse_cursor(cursor)?;
            Some((seen, last.to_owned()))
        }
        None => None,
    };
    Ok(Some(PageAsk {
        limit: u64::from(limit),
        after,
    }))
}

/// A page read in SQL, answered like [`paged_response`]'s: `items` the page, `more` whether
/// another follows; the next cursor counts the items seen through this page.
pub(crate) fn page_response<T: Serialize>(
    (items, more): (Vec<T>, bool),
    (ask, uri): (&PageAsk, &Uri),
    id: impl Fn(&T) -> String,
    (file, format): (&ListFile, Format),
    (title, stem): (&str, &str),
    lang: Lang,
) -> ApiResult<Response> {
    let seen = ask.after.as_ref().map_or(0, |(seen, _)| *seen);
    let next = if more {
        items.last().map(|last| {
            let through = seen.saturating_add(u64::try_from(items.len()).unwrap_or(u64::MAX));
            format!("{through}.{}", id(last))
        })
    } else {
        None
    };
    let mut response = if format == Format::Json {
        Json(PageDto {
            items,
            next_cursor: next.clone(),
        })
        .into_response()
    } else {
        list_response(&items, (file, format), (title, stem), lang)?
    };
    if let Some(link) = next.as_deref().and_then(|n| next_link(uri, n)) {
        response.headers_mut().insert(header::LINK, link);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_resumes_after_its_item_or_at_its_count() {
        let items = ["a", "b", "c", "d"];
        let id = |s: &&str| (*s).to_owned();
        assert_eq!(start_of(&items, "2.b", &id).unwrap(), 2);
        // b is gone: c now stands where b stood.
        assert_eq!(start_of(&["a", "c", "d"], "2.b", &id).unwrap(), 2);
        assert_eq!(start_of(&items, "9.x", &id).unwrap(), 4);
        assert!(start_of(&items, "b", &id).is_err());
        assert!(start_of(&items, "x.b", &id).is_err());
    }

    #[test]
    fn the_next_link_keeps_the_query_and_replaces_the_cursor() {
        let uri: Uri = "/api/v1/tasks?all=true&limit=2&cursor=2.a".parse().unwrap();
        let link = next_link(&uri, "4.b:c/d").unwrap();
        assert_eq!(
            link.to_str().unwrap(),
            "</api/v1/tasks?all=true&limit=2&cursor=4.b%3Ac%2Fd>; rel=\"next\""
        );
    }
}
