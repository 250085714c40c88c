//! The officers' workbench: log in (login name and password, or a token), change one's
//! password, my week and the meeting's print sheet, tasks and one task with its actions,
//! enterprises (by batch, or searched) and one enterprise with its chart, cases, moves, figures,
//! timeline and actions, progress against the year's targets, the calendar, the audit page and
//! the admin pages.
//!
//! HTML from askama templates (`templates/`), which escape every value; one stylesheet served
//! from the binary, no scripts, nothing fetched from elsewhere. Chinese unless `?lang=en`. Every
//! change is a form through the same service call as the CLI ([`forms`]: an idempotency key and
//! the version read), with a CSRF token checked before its handler ([`security`]). Every page
//! is sent with `Cache-Control: no-store`, so Back after logout shows nothing cached; an unknown
//! path is a 404 page in the same frame.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use peiyu_domain::{Batch, Lang, Officer, Task};
use peiyu_service::{
    CaseView, ErrorKind, HistoryQuery, ListEnterprises, ListTasks, Service, ServiceError,
    WeeklyQuery, short_id,
};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{
    ClientInfo, PageSession, PageUser, came_over_tls, cleared_cookie, cookie, password_href,
    safe_next, session_cookie, session_of,
};
use crate::error::ApiError;
use crate::lang::{PageLang, query_lang, tr};

mod actions;
mod admin;
mod audit;
mod calendar;
mod chart;
mod enterprises;
mod forms;
pub(crate) mod import;
mod login;
mod pinyin;
mod progress;
mod register;
pub mod security;
mod task;
mod tasks;
mod tokens;
mod week;

use calendar::calendar_page;
use enterprises::{enterprise, enterprises};
use login::form_lang;
use login::{change_password, login, login_page, logout, password_page};
use progress::progress;
use tasks::tasks;
use week::{week, week_file};

/// The page routes: every page with the security headers and `Cache-Control: no-store`, every
/// POST checked for its CSRF token ([`security`]); the stylesheet beside them.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(login_page))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/week", get(week))
        .route("/week/file", get(week_file))
        .route("/week/print", get(week::week_print))
        .route("/enterprises", get(enterprises))
        .route("/enterprises/{key}", get(enterprise))
        .route("/enterprises/{key}/advance", post(actions::advance))
        .route(
            "/enterprises/{key}/{action}",
            post(actions::enterprise_action),
        )
        .route("/tasks", get(tasks))
        .route("/tasks/{key}", get(task::task_page))
        .route("/tasks/{key}/done", post(task::complete))
        .route("/tasks/{key}/{action}", post(task::change_task))
        .route("/evidence/{sha256}", get(task::evidence_file))
        .route("/progress", get(progress))
        .route("/register", get(register::register_page))
        .route("/calendar", get(calendar_page))
        .route("/audit", get(audit::audit_page))
        .route("/admin", get(admin::admin_page))
        .route(
            security::IMPORT_PATH,
            get(import::import_page).post(import::import_upload),
        )
        .route(
            "/admin/tokens",
            get(tokens::tokens_page).post(tokens::tokens_action),
        )
        .route("/admin/{action}", post(admin::admin_action))
        .route("/password", get(password_page).post(change_password))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(security::guard))
        // The guard holds each path to its own limit ([`security::body_limit`]).
        .layer(axum::extract::DefaultBodyLimit::max(
            security::MAX_IMPORT_BYTES,
        ))
        .layer(axum::middleware::map_response(no_store))
        .route("/static/peiyu.css", get(security::stylesheet))
        .layer(axum::middleware::map_response(security::headers))
}

/// Pages show one officer's data: no browser or proxy keeps a copy (Back after logout shows
/// nothing).
async fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The frame every page shares.
struct Chrome {
    lang: &'static str,
    brand: &'static str,
    title: String,
    nav: Vec<Link>,
    user: Option<String>,
    switch_href: String,
    switch_label: &'static str,
    logout_label: &'static str,
    skip_label: &'static str,
    nav_label: &'static str,
    filters_label: &'static str,
    /// The CSRF token every form of the page carries ([`security`]).
    csrf: String,
}

/// A link, highlighted when it is the current one.
struct Link {
    href: String,
    label: String,
    active: bool,
}

/// A headed part of a page with its tables.
struct Section {
    heading: String,
    alert: bool,
    note: Option<String>,
    empty: String,
    tables: Vec<Table>,
}

/// A table with an optional caption.
struct Table {
    caption: Option<String>,
    headers: Vec<String>,
    rows: Vec<Row>,
}

/// A row, with a CSS class (`overdue`, `muted`) or none.
struct Row {
    class: &'static str,
    cells: Vec<Cell>,
}

/// A cell: text, maybe a link, maybe a list of lines below it, maybe links below those.
#[derive(Default)]
struct Cell {
    text: String,
    href: Option<String>,
    class: &'static str,
    lines: Vec<Line>,
    /// Links listed under the text (the evidence files a move cites).
    links: Vec<Link>,
}

/// A line under a cell's text (a guard and its result).
#[derive(Clone, Debug)]
struct Line {
    text: String,
    class: &'static str,
}

impl Cell {
    fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            ..Cell::default()
        }
    }

    fn class(mut self, class: &'static str) -> Cell {
        self.class = class;
        self
    }

    fn link(text: impl Into<String>, href: String) -> Cell {
        Cell {
            text: text.into(),
            href: Some(href),
            ..Cell::default()
        }
    }

    fn date(d: NaiveDate) -> Cell {
        Cell::text(d.to_string()).class("date")
    }
}

impl Table {
    /// The header of column `i`, which labels its cells when the table becomes cards.
    fn label(&self, i: &usize) -> &str {
        self.headers.get(*i).map(String::as_str).unwrap_or_default()
    }
}

impl Row {
    fn new(cells: Vec<Cell>) -> Row {
        Row { class: "", cells }
    }
}

/// The login page.
#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    heading: &'static str,
    intro: &'static str,
    error: Option<String>,
    login_label: &'static str,
    login: String,
    password_label: &'static str,
    next: String,
    button: &'static str,
    token_heading: &'static str,
    token_label: &'static str,
    token_button: &'static str,
    hint: &'static str,
}

/// The change-password page.
#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    heading: &'static str,
    intro: &'static str,
    error: Option<String>,
    current_label: &'static str,
    new_label: &'static str,
    repeat_label: &'static str,
    next: String,
    button: &'static str,
}

/// Every other page: a heading, filters, a notice and sections of tables.
#[derive(Template)]
#[template(path = "page.html")]
struct Page {
    chrome: Chrome,
    heading: String,
    subtitle: Option<String>,
    filters: Vec<Link>,
    notice: Option<String>,
    /// A list rendered by peiyu-formats (the weekly list), shown instead of the heading.
    list_html: Option<String>,
    sections: Vec<Section>,
    footer: String,
    /// What the last action did (after its redirect).
    flash: Option<String>,
    /// Trusted HTML drawn by the server (an SVG chart), shown after the notice.
    extra_html: Option<String>,
    /// The forms of the actions possible here.
    actions: Vec<forms::ActionForm>,
}

/// `href` with `lang=en` added when the page is in English.
fn with_lang(href: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => href.to_owned(),
        Lang::En if href.contains('?') => format!("{href}&lang=en"),
        Lang::En => format!("{href}?lang=en"),
    }
}

/// The same page in the other language.
fn switch_href(uri: &Uri, lang: Lang) -> String {
    let kept: Vec<&str> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("lang="))
        .collect();
    let other = match lang {
        Lang::Zh => "en",
        Lang::En => "zh",
    };
    let mut query = kept.join("&");
    if !query.is_empty() {
        query.push('&');
    }
    format!("{}?{query}lang={other}", uri.path())
}

fn chrome(uri: &Uri, lang: Lang, user: Option<&Officer>, title: &str, active: &str) -> Chrome {
    let nav = if user.is_some() {
        [
            ("/week", "我的一周", "My week"),
            ("/enterprises", "企业名单", "Enterprises"),
            ("/tasks", "任务", "Tasks"),
            ("/progress", "目标进度", "Progress"),
            ("/register", "统计名录", "Register"),
            ("/calendar", "工作日日历", "Calendar"),
            ("/audit", "审计", "Audit"),
            ("/admin", "管理", "Admin"),
        ]
        .into_iter()
        .filter(|(href, _, _)| {
            *href != "/admin"
                || user.is_some_and(|u| {
                    matches!(u.role, peiyu_domain::Role::Admin | peiyu_domain::Role::Lead)
                })
        })
        .map(|(href, zh, en)| Link {
            href: with_lang(href, lang),
            label: tr(lang, zh, en).to_owned(),
            active: href == active,
        })
        .collect()
    } else {
        Vec::new()
    };
    Chrome {
        lang: lang.code(),
        brand: tr(
            lang,
            "培育 · 企业培育工作台",
            "peiyu · enterprise cultivation",
        ),
        title: title.to_owned(),
        nav,
        user: user.map(|o| format!("{}（{}）", o.name, o.role.label(lang))),
        switch_href: switch_href(uri, lang),
        switch_label: tr(lang, "English", "中文"),
        logout_label: tr(lang, "退出", "Log out"),
        skip_label: tr(lang, "跳到正文", "Skip to the content"),
        nav_label: tr(lang, "主导航", "Main"),
        filters_label: tr(lang, "筛选与下载", "Filters and downloads"),
        csrf: security::current_token(),
    }
}

fn html(status: StatusCode, rendered: Result<String, askama::Error>) -> Response {
    match rendered {
        Ok(body) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page template failed");
            ApiError::internal("页面生成失败", "the page could not be rendered").into_response()
        }
    }
}

/// A page that only says why it cannot be shown.
fn error_page(uri: &Uri, lang: Lang, user: &Officer, error: ServiceError) -> Response {
    let api = ApiError::from(error);
    let page = Page {
        chrome: chrome(uri, lang, Some(user), tr(lang, "出错了", "Error"), ""),
        heading: tr(lang, "无法显示此页", "This page cannot be shown").to_owned(),
        subtitle: None,
        filters: Vec::new(),
        notice: Some(api.message.get(lang).to_owned()),
        list_html: None,
        sections: Vec::new(),
        footer: String::new(),
        flash: None,
        extra_html: None,
        actions: Vec::new(),
    };
    html(api.status, page.render())
}

/// A page for someone who may not be logged in that only says `text`: a refused form's.
fn message_page(status: StatusCode, lang: Lang, text: &str) -> Response {
    let uri = Uri::from_static("/");
    let page = Page {
        chrome: chrome(&uri, lang, None, tr(lang, "无法处理", "Not processed"), ""),
        heading: tr(lang, "无法处理此请求", "This request was not processed").to_owned(),
        subtitle: None,
        filters: Vec::new(),
        notice: Some(text.to_owned()),
        list_html: None,
        sections: Vec::new(),
        footer: String::new(),
        flash: None,
        extra_html: None,
        actions: Vec::new(),
    };
    html(status, page.render())
}

/// A list page's query parameters as given, empty ones and `lang` left out (a search form's).
fn given_query(uri: &Uri) -> std::collections::BTreeMap<String, String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(uri.query().unwrap_or_default())
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, v)| !v.trim().is_empty() && k != "lang")
        .collect()
}

/// `sheet` as an XLSX download named `stem.xlsx`.
fn xlsx_response(sheet: &peiyu_formats::Sheet, stem: &str) -> Response {
    match peiyu_formats::ledger::write::bytes(peiyu_formats::ledger::read::FileFormat::Xlsx, sheet)
    {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    ),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&format!("attachment; filename=\"{stem}.xlsx\""))
                        .unwrap_or(HeaderValue::from_static("attachment")),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a list could not be written as XLSX");
            ApiError::internal("无法生成该文件", "the file could not be written").into_response()
        }
    }
}

/// A section of facts: one row per item, its label and its value.
fn facts_section(heading: &str, lang: Lang, facts: Vec<(&str, Cell)>) -> Section {
    Section {
        heading: heading.to_owned(),
        alert: false,
        note: None,
        empty: String::new(),
        tables: vec![Table {
            caption: None,
            headers: vec![
                tr(lang, "项目", "Item").to_owned(),
                tr(lang, "内容", "Value").to_owned(),
            ],
            rows: facts
                .into_iter()
                .map(|(k, v)| Row::new(vec![Cell::text(k), v]))
                .collect(),
        }],
    }
}

fn footer(service: &Service, lang: Lang) -> String {
    format!(
        "{} {} · {}",
        tr(lang, "今天", "Today"),
        service.today(),
        tr(
            lang,
            "每项操作都记入审计日志；金额单位万元。",
            "Every action is recorded in the audit log; money in 10k yuan (万元)."
        )
    )
}

fn enterprise_href(uscc: &str, lang: Lang) -> String {
    with_lang(&format!("/enterprises/{uscc}"), lang)
}

// ---- not found ----

async fn not_found(
    state: AppState,
    PageLang(lang): PageLang,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let user = match session_of(&state, &headers).await {
        Ok(Some((_, s))) if !s.must_change_password => Some(s.officer),
        _ => None,
    };
    let page = Page {
        chrome: chrome(&uri, lang, user.as_ref(), tr(lang, "找不到页面", "Page not found"), ""),
        heading: tr(lang, "找不到此页", "There is no such page").to_owned(),
        subtitle: None,
        filters: Vec::new(),
        notice: Some(
            tr(
                lang,
                "地址有误或页面已不存在：请从导航或首页（/）进入。",
                "The address is wrong or the page is gone: start from the links above or the home page (/).",
            )
            .to_owned(),
        ),
        list_html: None,
        sections: Vec::new(),
        footer: String::new(),
        flash: None,
        extra_html: None,
        actions: Vec::new(),
    };
    html(StatusCode::NOT_FOUND, page.render())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_language() {
        assert_eq!(with_lang("/week", Lang::Zh), "/week");
        assert_eq!(with_lang("/week", Lang::En), "/week?lang=en");
        assert_eq!(
            with_lang("/enterprises?batch=1", Lang::En),
            "/enterprises?batch=1&lang=en"
        );
        let uri: Uri = "/enterprises?batch=2&lang=en".parse().unwrap();
        assert_eq!(switch_href(&uri, Lang::En), "/enterprises?batch=2&lang=zh");
        let uri: Uri = "/week".parse().unwrap();
        assert_eq!(switch_href(&uri, Lang::Zh), "/week?lang=en");
    }
}
