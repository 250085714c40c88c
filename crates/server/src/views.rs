//! The API's lists in every format officers use: one view, rendered by peiyu-formats in the
//! format the request names (`?format=` first, else `Accept`), as JSON or as a file to
//! download.

use axum::Json;
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use peiyu_domain::{AuditAction, Batch, Localize, Week, YearMonth};
use peiyu_formats::json::{
    AsOfDto, AsOfParams, AuditEntryDto, AuditLogParams, BatchDiffDto, BatchHistoryEntryDto,
    DiffParams, FileParams, ListAnswer, MetricsDto, MetricsParams, OfficerDto, PageParams, Problem,
    SuggestionDto, TargetParams, TaskShowDto, TeamDto, TeamOnDayDto, TeamParams, TrackDto,
    TrackSummaryDto, WeeklyParams, YearTargetDto,
};
use peiyu_formats::lists::{self, ListFile};
use peiyu_formats::weekly::{self as render, Format};
use peiyu_service::weekly_list::WeeklyQuery;
use peiyu_service::{AsOfQuery, AuditQuery};

use crate::AppState;
use crate::api::ApiQuery;
use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::lang::ApiLang;
use peiyu_formats::tr;

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

/// How a paged list is asked for: its format (`?format=`, else `Accept`) and its page
/// (`?limit=`, `?cursor=`), with the request's path and query as sent (for a page's `Link`).
pub struct ListAsk {
    /// The request's headers (`Accept`).
    pub headers: HeaderMap,
    /// The path and query as sent.
    pub uri: axum::http::Uri,
    /// `?format=`.
    pub file: FileParams,
    /// `?limit=` and `?cursor=`.
    pub page: PageParams,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ListAsk {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        let ApiQuery(file) = ApiQuery::<FileParams>::from_request_parts(parts, state).await?;
        let ApiQuery(page) = ApiQuery::<PageParams>::from_request_parts(parts, state).await?;
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.clone(), |OriginalUri(uri)| uri.clone());
        Ok(ListAsk {
            headers: parts.headers.clone(),
            uri,
            file,
            page,
        })
    }
}

impl ListAsk {
    /// The format asked for, among those `file` offers ([`list_format`]).
    pub(crate) fn format(&self, file: &ListFile) -> ApiResult<Format> {
        list_format(self.file.format.as_deref(), &self.headers, file)
    }
}

/// The format a list is asked for in (`?format=`, else `Accept`), among those `file` offers
/// and JSON. A `format=` the list is not offered in is a 422 naming `format` with the ones it
/// is; an `Accept` that names none of them gets JSON.
pub(crate) fn list_format(
    asked: Option<&str>,
    headers: &HeaderMap,
    file: &ListFile,
) -> ApiResult<Format> {
    let format = format_of(asked, headers)?;
    if format == Format::Json || file.offers(format) {
        return Ok(format);
    }
    if asked.is_none() {
        return Ok(Format::Json);
    }
    let keys = file.keys();
    Err(ApiError::invalid(
        "format",
        format!("此清单不提供「{format}」格式：可用 {}", keys.join("、")),
        format!(
            "this list is not offered as \"{format}\": use {}",
            keys.join(", ")
        ),
    ))
}

/// A list's answer: its JSON view, or (any other `format`) that view laid out by `file` as a
/// file titled `title`, saved as `<stem>.<extension>`.
pub(crate) fn list_response<T: serde::Serialize>(
    view: &T,
    (file, format): (&ListFile, Format),
    (title, stem): (&str, &str),
    lang: peiyu_domain::Lang,
) -> ApiResult<Response> {
    if format == Format::Json {
        return Ok(Json(view).into_response());
    }
    let bytes = serde_json::to_value(view)
        .map_err(peiyu_formats::FormatError::from)
        .and_then(|value| file.render(&value, format, title, lang))
        .map_err(|e| rendering_failed(&e, format))?;
    Ok(file_response(bytes, format, stem))
}

/// A list that could not be written in `format` (a bug, logged): 500.
pub(crate) fn rendering_failed(e: &peiyu_formats::FormatError, format: Format) -> ApiError {
    tracing::error!(error = %e, format = %format, "a list could not be rendered");
    ApiError::internal(
        "无法生成该格式的清单",
        "the list could not be rendered in that format",
    )
}

/// `bytes` as a response in `format`: its media type, and for a file (not JSON) a
/// `Content-Disposition` that saves it as `<stem>.<extension>`. The API's lists and the pages'
/// downloads both answer through it.
pub(crate) fn file_response(bytes: Vec<u8>, format: Format, stem: &str) -> Response {
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
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Not your team's, or the bureau's list without the role", body = Problem),
        (status = 404, description = "No such officer or team", body = Problem),
        (status = 422, description = "An invalid week, day, scope or format", body = Problem),
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
        .map(|w| w.parse::<Week>().map_err(|e| invalid("week", &e)))
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
                in_effect: q.in_effect.unwrap_or(false),
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

/// A 422 naming `field`, from a domain error that says what is wrong in both languages.
fn invalid(field: &str, e: &impl Localize) -> ApiError {
    let text = e.localize(peiyu_domain::Lang::Zh);
    ApiError::invalid(field, text.zh(), text.en())
}

/// A year in a path: four digits, 1 to 9999, or a 422 naming `year` (never axum's plain 400).
fn year_of(text: &str) -> ApiResult<i32> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1..=9999).contains(y))
        .ok_or_else(|| {
            ApiError::invalid(
                "year",
                format!("年份「{text}」无效：应为如 2023 的四位数"),
                format!("\"{text}\" is not a year: expected four digits such as 2023"),
            )
        })
}

/// The officers, by login (`peiyu officer list`).
#[utoipa::path(
    get, path = "/api/v1/officers", tag = "people",
    params(FileParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The officers: JSON by default, or the file of the format asked for (Content-Disposition: attachment)",
            content(
                (Vec<OfficerDto> = "application/json"),
                ("text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("text/markdown"),
                ("text/html"),
            )),
        (status = 401, description = "No valid token", body = Problem),
        (status = 422, description = "A format the list is not offered in", body = Problem),
    )
)]
pub async fn officers(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    headers: HeaderMap,
    ApiQuery(f): ApiQuery<FileParams>,
) -> ApiResult<Response> {
    let format = list_format(f.format.as_deref(), &headers, &lists::OFFICERS)?;
    let officers = state.service.list_officers(&actor).await?;
    let title = tr(lang, "干部", "Officers");
    list_response(
        &OfficerDto::list(&officers, lang),
        (&lists::OFFICERS, format),
        (title, "officers"),
        lang,
    )
}

/// The teams (专班) with their leads and members (`peiyu team list`).
#[utoipa::path(
    get, path = "/api/v1/teams", tag = "people",
    params(FileParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The teams: JSON by default, or the file of the format asked for (Content-Disposition: attachment)",
            content(
                (Vec<TeamDto> = "application/json"),
                ("text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("text/markdown"),
                ("text/html"),
            )),
        (status = 401, description = "No valid token", body = Problem),
        (status = 422, description = "A format the list is not offered in", body = Problem),
    )
)]
pub async fn teams(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    headers: HeaderMap,
    ApiQuery(f): ApiQuery<FileParams>,
) -> ApiResult<Response> {
    let format = list_format(f.format.as_deref(), &headers, &lists::TEAMS)?;
    let teams = state.service.list_teams(&actor).await?;
    let title = tr(lang, "专班", "Teams");
    list_response(
        &TeamDto::list(&teams),
        (&lists::TEAMS, format),
        (title, "teams"),
        lang,
    )
}

/// One team (专班) with its lead and the members it had on a day, each with their period on it
/// (`peiyu team show --as-of`).
#[utoipa::path(
    get, path = "/api/v1/teams/{team}", tag = "people",
    params(("team" = String, Path, description = "The team's name"), TeamParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The team and its members on the day (default today)", body = TeamOnDayDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 404, description = "No such team", body = Problem),
    )
)]
pub async fn team(
    state: AppState,
    Authed(actor): Authed,
    Path(team): Path<String>,
    ApiQuery(p): ApiQuery<TeamParams>,
) -> ApiResult<Response> {
    let day = p.as_of.unwrap_or_else(|| state.service.today());
    let shown = state.service.team_on(&actor, &team, day).await?;
    Ok(Json(TeamOnDayDto::new(&shown)).into_response())
}

/// The audit log, oldest first, each entry with its actor and subject named
/// (`peiyu audit log`).
#[utoipa::path(
    get, path = "/api/v1/audit/log", tag = "audit",
    params(AuditLogParams, PageParams, FileParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The entries: JSON by default (the whole list, or with limit one page and its next_cursor), or the file of the format asked for (Content-Disposition: attachment)",
            headers(("Link" = String, description = "<…&cursor=…>; rel=\"next\" while a paged list has more")),
            content(
                (ListAnswer<AuditEntryDto> = "application/json"),
                ("text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("text/markdown"),
                ("text/html"),
            )),
        (status = 401, description = "No valid token", body = Problem),
        (status = 404, description = "No such enterprise", body = Problem),
        (status = 422, description = "An unknown action, a bad date, a bad limit or cursor, or a format the list is not offered in", body = Problem),
    )
)]
pub async fn audit_log(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    ApiQuery(q): ApiQuery<AuditLogParams>,
    ask: ListAsk,
) -> ApiResult<Response> {
    let format = ask.format(&lists::AUDIT_LOG)?;
    let action = q
        .action
        .as_deref()
        .map(|a| AuditAction::parse(a).map_err(|e| invalid("action", &e)))
        .transpose()?;
    let lines = state
        .service
        .audit_lines(
            &actor,
            &AuditQuery {
                actor: q.actor,
                enterprise: q.enterprise,
                action,
                from: q.from,
                to: q.to,
            },
        )
        .await?;
    let title = tr(lang, "审计日志", "Audit log");
    crate::api::paging::paged_response(
        AuditEntryDto::list(&lines, lang),
        (&ask.page, &ask.uri),
        |e: &AuditEntryDto| format!("{}:{}", e.chain, e.seq),
        (&lists::AUDIT_LOG, format),
        (title, "audit-log"),
        lang,
    )
}

/// The tracks loaded, each at its newest version (`peiyu track list`).
#[utoipa::path(
    get, path = "/api/v1/tracks", tag = "tracks",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tracks", body = Vec<TrackSummaryDto>),
        (status = 401, description = "No valid token", body = Problem),
    )
)]
pub async fn tracks(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
) -> ApiResult<Json<Vec<TrackSummaryDto>>> {
    let tracks = state.service.list_tracks(&actor).await?;
    Ok(Json(TrackSummaryDto::list(&tracks, lang)))
}

/// One track's newest version: stages, moves with their guards, task templates
/// (`peiyu track show`).
#[utoipa::path(
    get, path = "/api/v1/tracks/{track}", tag = "tracks",
    params(("track" = String, Path, description = "The track's key: industrial, commerce, technology, …")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The track", body = TrackDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 404, description = "No such track", body = Problem),
    )
)]
pub async fn track(
    state: AppState,
    Authed(_actor): Authed,
    ApiLang(lang): ApiLang,
    Path(track): Path<String>,
) -> ApiResult<Json<TrackDto>> {
    let view = state.service.latest_track(&track).await?;
    Ok(Json(TrackDto::new(&view, lang)))
}

/// One task (full or short id) with its history (`peiyu task show`), its version as `ETag`.
#[utoipa::path(
    get, path = "/api/v1/tasks/{id}", tag = "tasks",
    params(("id" = String, Path, description = "The task's id or short id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The task and its history, its version as ETag (for If-Match on its changes)", body = TaskShowDto,
            headers(("ETag" = String, description = "\"<version>\" of the task"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 404, description = "No such task", body = Problem),
        (status = 422, description = "The id matches several tasks", body = Problem),
    )
)]
pub async fn task(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
) -> ApiResult<axum::response::Response> {
    let (task, entries) = state.service.task_history(&actor, &id).await?;
    let mut response = Json(TaskShowDto::new(&task, &entries, lang)).into_response();
    response
        .headers_mut()
        .insert(axum::http::header::ETAG, crate::api::etag(task.version));
    Ok(response)
}

/// Who entered, left, moved up or down between two years' lists (`peiyu batch diff`).
#[utoipa::path(
    get, path = "/api/v1/batches/{year}/diff", tag = "batches",
    params(("year" = i32, Path, description = "The later list's year"), DiffParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The differences", body = BatchDiffDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 404, description = "No list for one of the years", body = Problem),
        (status = 422, description = "A year that is not a number", body = Problem),
    )
)]
pub async fn batch_diff(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(year): Path<String>,
    ApiQuery(q): ApiQuery<DiffParams>,
) -> ApiResult<Json<BatchDiffDto>> {
    let year = year_of(&year)?;
    let from = q.from.unwrap_or(year - 1);
    let diff = state.service.diff_batch_lists(&actor, from, year).await?;
    Ok(Json(BatchDiffDto::new(&diff, lang)))
}

/// The batch the county's rules suggest for each enterprise, scored on the year before, with
/// each indicator's part (`peiyu batch suggest`).
#[utoipa::path(
    get, path = "/api/v1/batches/{year}/suggestions", tag = "batches",
    params(("year" = i32, Path, description = "The list's year (scored on the year before)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The suggestions", body = Vec<SuggestionDto>),
        (status = 401, description = "No valid token", body = Problem),
        (status = 422, description = "A year that is not a number", body = Problem),
    )
)]
pub async fn batch_suggestions(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(year): Path<String>,
) -> ApiResult<Json<Vec<SuggestionDto>>> {
    let year = year_of(&year)?;
    let suggestions = state.service.suggest_batches(&actor, year, None).await?;
    Ok(Json(SuggestionDto::list(&suggestions, lang)))
}

/// An enterprise's places on every year's list, move by move (`peiyu batch history`).
#[utoipa::path(
    get, path = "/api/v1/enterprises/{key}/batches", tag = "batches",
    params(("key" = String, Path, description = "USCC or an unambiguous name")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The moves, oldest first", body = Vec<BatchHistoryEntryDto>),
        (status = 401, description = "No valid token", body = Problem),
        (status = 404, description = "No such enterprise", body = Problem),
        (status = 422, description = "An ambiguous or malformed key: name it by its USCC (or its full id)", body = Problem),
    )
)]
pub async fn batch_history(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(key): Path<String>,
) -> ApiResult<Json<Vec<BatchHistoryEntryDto>>> {
    let (_, moves) = state.service.batch_history(&actor, &key).await?;
    Ok(Json(BatchHistoryEntryDto::list(&moves, lang)))
}

/// The county's lists as they stood at the end of a day, rebuilt from history: batch places
/// and stages (`peiyu asof`).
#[utoipa::path(
    get, path = "/api/v1/asof/{date}", tag = "reports",
    params(("date" = NaiveDate, Path, description = "The day, YYYY-MM-DD (not in the future)"), AsOfParams, FileParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The lists as they stood: JSON by default, or the file of the format asked for (Content-Disposition: attachment; a CSV file holds the batch places, or the stages when only they were asked for)",
            content(
                (AsOfDto = "application/json"),
                ("text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("text/markdown"),
                ("text/html"),
            )),
        (status = 401, description = "No valid token", body = Problem),
        (status = 422, description = "A bad day or filter, or a format the list is not offered in", body = Problem),
    )
)]
pub async fn as_of(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(date): Path<String>,
    ApiQuery(q): ApiQuery<AsOfParams>,
    headers: HeaderMap,
    ApiQuery(f): ApiQuery<FileParams>,
) -> ApiResult<Response> {
    let format = list_format(f.format.as_deref(), &headers, &lists::AS_OF)?;
    let date: NaiveDate = date.trim().parse().map_err(|_| {
        ApiError::invalid(
            "date",
            format!("「{date}」不是有效日期：应为 YYYY-MM-DD，且该日存在"),
            format!("\"{date}\" is not a day: expected YYYY-MM-DD, a day that exists"),
        )
    })?;
    let batch = q
        .batch
        .map(Batch::new)
        .transpose()
        .map_err(|e| invalid("batch", &e))?;
    let lists_asked = q.list.is_some() || batch.is_some();
    let stages_asked = q.track.is_some() || q.stage.is_some();
    let query = AsOfQuery {
        list: q.list,
        batch,
        track: q.track,
        stage: q.stage,
    };
    let view = if q.from_log.unwrap_or(false) {
        state.service.as_of_from_log(&actor, date, &query).await?
    } else {
        state.service.as_of(&actor, date, &query).await?
    };
    let body = AsOfDto::new(
        date,
        &view,
        lists_asked || !stages_asked,
        stages_asked || !lists_asked,
        lang,
    );
    let title = format!("{} {date}", tr(lang, "历史状态", "As of"));
    list_response(
        &body,
        (&lists::AS_OF, format),
        (&title, &format!("asof-{date}")),
        lang,
    )
}

/// An enterprise's monthly figures (`peiyu metrics list`).
#[utoipa::path(
    get, path = "/api/v1/enterprises/{key}/metrics", tag = "enterprises",
    params(("key" = String, Path, description = "USCC or an unambiguous name"), MetricsParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The months, oldest first", body = Vec<MetricsDto>),
        (status = 401, description = "No valid token", body = Problem),
        (status = 404, description = "No such enterprise", body = Problem),
        (status = 422, description = "A bad month", body = Problem),
    )
)]
pub async fn metrics(
    state: AppState,
    Authed(actor): Authed,
    Path(key): Path<String>,
    ApiQuery(q): ApiQuery<MetricsParams>,
) -> ApiResult<Json<Vec<MetricsDto>>> {
    let month = |field: &str, text: &Option<String>| {
        text.as_deref()
            .map(|t| t.parse::<YearMonth>().map_err(|e| invalid(field, &e)))
            .transpose()
    };
    let from = month("from", &q.from)?;
    let to = month("to", &q.to)?;
    let (_, list) = state.service.list_metrics(&actor, &key, from, to).await?;
    Ok(Json(list.iter().map(MetricsDto::from).collect()))
}

/// A year's targets (`peiyu target list`).
#[utoipa::path(
    get, path = "/api/v1/targets", tag = "reports",
    params(TargetParams, FileParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The targets: JSON by default, or the file of the format asked for (Content-Disposition: attachment)",
            content(
                (Vec<YearTargetDto> = "application/json"),
                ("text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("text/markdown"),
                ("text/html"),
            )),
        (status = 401, description = "No valid token", body = Problem),
        (status = 422, description = "A year that is not a number, or a format the list is not offered in", body = Problem),
    )
)]
pub async fn targets(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    ApiQuery(q): ApiQuery<TargetParams>,
    headers: HeaderMap,
    ApiQuery(f): ApiQuery<FileParams>,
) -> ApiResult<Response> {
    let format = list_format(f.format.as_deref(), &headers, &lists::TARGETS)?;
    let year = q
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&state.service.today()));
    let targets = state.service.targets(&actor, year).await?;
    let title = format!("{year} {}", tr(lang, "年度目标", "targets"));
    list_response(
        &YearTargetDto::list(&targets, lang),
        (&lists::TARGETS, format),
        (&title, &format!("targets-{year}")),
        lang,
    )
}
