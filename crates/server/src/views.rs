//! The API's lists in every format officers use: one view, rendered by peiyu-formats in the
//! format the request names (`?format=` first, else `Accept`), as JSON or as a file to
//! download.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use peiyu_domain::{Localize, Week};
use peiyu_formats::json::{ErrorBody, WeeklyParams};
use peiyu_formats::weekly::{self as render, Format};
use peiyu_service::weekly_list::WeeklyQuery;

use crate::AppState;
use crate::api::ApiQuery;
use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::lang::ApiLang;

/// The format a list is asked for in: `?format=` (any of [`Format`]'s keys, `markdown` too),
/// else the first media type of `Accept` that is one of ours, else JSON.
fn format_of(asked: Option<&str>, headers: &HeaderMap) -> ApiResult<Format> {
    if let Some(key) = asked {
        return key.parse::<Format>().map_err(|_| {
            ApiError::invalid(
                "format",
                format!("不支持的格式「{key}」：可用 json、csv、xlsx、ics、md、html、text"),
                format!("unsupported format \"{key}\": use json, csv, xlsx, ics, md, html or text"),
            )
        });
    }
    Ok(headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .and_then(Format::from_accept)
        .unwrap_or(Format::Json))
}

/// `bytes` as a response in `format`: its media type, and for a file (not JSON) a
/// `Content-Disposition` that saves it as `<stem>.<extension>`.
fn file_response(bytes: Vec<u8>, format: Format, stem: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    if format != Format::Json
        && let Ok(value) = HeaderValue::from_str(&format!(
            "attachment; filename=\"{stem}.{}\"",
            format.extension()
        ))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// A week's task list — overdue, due this week by day, next week, done last week, the watch
/// list and the seal — for you, one officer, a team or the bureau, in any format: the same
/// bytes as `peiyu weekly --format …`.
#[utoipa::path(
    get, path = "/api/v1/weekly", tag = "tasks",
    params(WeeklyParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The list: JSON by default, or the file of the format asked for (Content-Disposition: attachment)",
            content(
                ("application/json"),
                ("text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("text/calendar"),
                ("text/markdown"),
                ("text/html"),
                ("text/plain"),
            )),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not your team's, or the bureau's list without the role", body = ErrorBody),
        (status = 404, description = "No such officer or team", body = ErrorBody),
        (status = 422, description = "An invalid week, day, scope or format", body = ErrorBody),
    )
)]
pub async fn weekly(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<WeeklyParams>,
) -> ApiResult<Response> {
    let format = format_of(q.format.as_deref(), &headers)?;
    let week = q
        .week
        .as_deref()
        .map(|w| {
            w.parse::<Week>().map_err(|e| {
                let text = e.localize(peiyu_domain::Lang::Zh);
                ApiError::invalid("week", text.zh(), text.en())
            })
        })
        .transpose()?;
    let list = state
        .service
        .weekly(
            &actor,
            WeeklyQuery {
                officer: q.officer,
                team: q.team,
                all: q.all.unwrap_or(false),
                week,
                today: q.as_of,
            },
        )
        .await?;
    let bytes = render::render(&list, format, lang).map_err(|e| {
        tracing::error!(error = %e, format = %format, "a weekly list could not be rendered");
        ApiError::internal(
            "无法生成该格式的清单",
            "the list could not be rendered in that format",
        )
    })?;
    Ok(file_response(
        bytes,
        format,
        &format!("weekly-{}", list.week),
    ))
}
