//! The web pages officers read: log in (login name and password, or a token), change one's
//! password, my week, enterprises by batch, one
//! enterprise (its cases, the moves possible now and what blocks them, its history), tasks, and
//! progress against the year's targets.
//!
//! Standalone HTML from askama templates (`templates/`), which escape every value; inline CSS,
//! no scripts, nothing fetched from elsewhere. Chinese unless `?lang=en`. The pages only read;
//! changes go through the API or the CLI. Every page is sent with `Cache-Control: no-store`, so
//! Back after logout shows nothing cached; an unknown path is a 404 page in the same frame.

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

/// The page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(login_page))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/week", get(week))
        .route("/week/file", get(week_file))
        .route("/enterprises", get(enterprises))
        .route("/enterprises/{key}", get(enterprise))
        .route("/tasks", get(tasks))
        .route("/progress", get(progress))
        .route("/calendar", get(calendar_page))
        .route("/password", get(password_page).post(change_password))
        .fallback(not_found)
        .layer(axum::middleware::map_response(no_store))
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

/// A cell: text, maybe a link, maybe a list of lines below it.
#[derive(Default)]
struct Cell {
    text: String,
    href: Option<String>,
    class: &'static str,
    lines: Vec<Line>,
}

/// A line under a cell's text (a guard and its result).
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
            ("/calendar", "工作日日历", "Calendar"),
        ]
        .into_iter()
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
    };
    html(api.status, page.render())
}

fn footer(service: &Service, lang: Lang) -> String {
    format!(
        "{} {} · {}",
        tr(lang, "今天", "Today"),
        service.today(),
        tr(
            lang,
            "页面只读；推进、完成任务请用接口或命令行。",
            "Pages only read: move cases and complete tasks through the API or the CLI."
        )
    )
}

fn enterprise_href(uscc: &str, lang: Lang) -> String {
    with_lang(&format!("/enterprises/{uscc}"), lang)
}

// ---- login ----

/// The login form's fields: a login name and password, or (the second form) a token.
#[derive(Debug, Default, Deserialize)]
struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

/// `?next=` of the login and password pages.
#[derive(Debug, Default, Deserialize)]
struct NextQuery {
    #[serde(default)]
    next: Option<String>,
}

fn form_lang(lang: Option<&str>) -> Lang {
    query_lang(lang.map(|l| format!("lang={l}")).as_deref())
}

/// Where to go once logged in: the page asked for, else my week.
fn after_login(next: Option<&str>, lang: Lang) -> String {
    safe_next(next).unwrap_or_else(|| with_lang("/week", lang))
}

fn login_form(
    uri: &Uri,
    lang: Lang,
    login: &str,
    next: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let page = LoginPage {
        chrome: chrome(uri, lang, None, tr(lang, "登录", "Log in"), ""),
        heading: tr(lang, "登录", "Log in"),
        intro: tr(
            lang,
            "用登录名和密码登录。还没有密码？请管理员用 `peiyu officer password 登录名` 设置。",
            "Log in with your login name and password. No password yet? An admin sets one with `peiyu officer password LOGIN`.",
        ),
        error,
        login_label: tr(lang, "登录名", "Login name"),
        login: login.to_owned(),
        password_label: tr(lang, "密码", "Password"),
        next: safe_next(next).unwrap_or_default(),
        button: tr(lang, "登录", "Log in"),
        token_heading: tr(lang, "或用访问令牌登录", "Or log in with an API token"),
        token_label: tr(lang, "访问令牌", "API token"),
        token_button: tr(lang, "用令牌登录", "Log in with the token"),
        hint: tr(
            lang,
            "登录后本浏览器保存一个会话 Cookie（HttpOnly）：8 小时无操作或 7 天后失效，退出即在服务器端结束。",
            "Logging in keeps a session cookie (HttpOnly) in this browser: it ends after 8 hours idle or 7 days, and on the server when you log out.",
        ),
    };
    html(status, page.render())
}

async fn login_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<NextQuery>,
) -> Response {
    if let Ok(Some((_, s))) = session_of(&state, &headers).await {
        let to = if s.must_change_password {
            password_href(lang, q.next.as_deref())
        } else {
            after_login(q.next.as_deref(), lang)
        };
        return Redirect::to(&to).into_response();
    }
    login_form(&uri, lang, "", q.next.as_deref(), None, StatusCode::OK)
}

/// A redirect that also sets (or clears) the session cookie.
fn redirect_with_cookie(to: &str, cookie: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

async fn login(
    state: AppState,
    uri: Uri,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    Form(form): Form<LoginForm>,
) -> Response {
    let lang = form_lang(form.lang.as_deref());
    let next = form.next.as_deref();
    let token = form.token.trim();
    let outcome = if token.is_empty() {
        state
            .service
            .login(&form.login, &form.password, &client)
            .await
    } else {
        state.service.login_with_token(token, &client).await
    };
    let session = match outcome {
        Ok(session) => session,
        Err(e) => {
            let status = match e.kind() {
                ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
                ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
                ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
                _ => return ApiError::from(e).into_response(),
            };
            let retry = match &e {
                ServiceError::RateLimited {
                    retry_after_secs, ..
                } => Some(*retry_after_secs),
                _ => None,
            };
            let message = ApiError::from(e).message.get(lang).to_owned();
            let mut response =
                login_form(&uri, lang, form.login.trim(), next, Some(message), status);
            if let Some(secs) = retry
                && let Ok(value) = HeaderValue::from_str(&secs.to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return response;
        }
    };
    let to = if session.must_change_password {
        password_href(lang, next)
    } else {
        after_login(next, lang)
    };
    redirect_with_cookie(
        &to,
        &session_cookie(&session.secret, came_over_tls(&headers)),
    )
}

async fn logout(state: AppState, headers: HeaderMap) -> Response {
    if let Some(secret) = cookie(&headers)
        && let Err(e) = state.service.logout(secret).await
    {
        return ApiError::from(e).into_response();
    }
    redirect_with_cookie("/", &cleared_cookie(came_over_tls(&headers)))
}

// ---- password ----

/// The change-password form's fields.
#[derive(Debug, Default, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

fn password_form(
    uri: &Uri,
    lang: Lang,
    session: &PageSession,
    next: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let page = PasswordPage {
        chrome: chrome(
            uri,
            lang,
            Some(&session.signed_in.officer),
            tr(lang, "修改密码", "Change your password"),
            "",
        ),
        heading: tr(lang, "修改密码", "Change your password"),
        intro: if session.signed_in.must_change_password {
            tr(
                lang,
                "你的密码由管理员设置：请先改为只有你知道的密码，再使用其他页面。",
                "Your password was set by an admin: change it to one only you know before using the other pages.",
            )
        } else {
            tr(
                lang,
                "新密码至少 8 个字符。修改后，你在其他浏览器的登录都会结束。",
                "A new password has at least 8 characters. Changing it ends your sessions in other browsers.",
            )
        },
        error,
        current_label: tr(lang, "当前密码", "Current password"),
        new_label: tr(
            lang,
            "新密码（至少 8 个字符）",
            "New password (at least 8 characters)",
        ),
        repeat_label: tr(lang, "再输入一次新密码", "New password again"),
        next: safe_next(next).unwrap_or_default(),
        button: tr(lang, "修改密码", "Change password"),
    };
    html(status, page.render())
}

async fn password_page(
    session: PageSession,
    PageLang(lang): PageLang,
    uri: Uri,
    axum::extract::Query(q): axum::extract::Query<NextQuery>,
) -> Response {
    password_form(
        &uri,
        lang,
        &session,
        q.next.as_deref(),
        None,
        StatusCode::OK,
    )
}

async fn change_password(
    state: AppState,
    session: PageSession,
    uri: Uri,
    Form(form): Form<PasswordForm>,
) -> Response {
    let lang = form_lang(form.lang.as_deref());
    let next = form.next.as_deref();
    if form.new != form.repeat {
        let message = tr(
            lang,
            "两次输入的新密码不一致",
            "the two new passwords differ",
        );
        return password_form(
            &uri,
            lang,
            &session,
            next,
            Some(message.to_owned()),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    match state
        .service
        .change_password(&session.secret, &form.current, &form.new)
        .await
    {
        Ok(()) => Redirect::to(&after_login(next, lang)).into_response(),
        Err(e) if e.kind() == ErrorKind::Invalid => {
            let message = match &e {
                ServiceError::Invalid { message, .. } => message.get(lang).to_owned(),
                other => other.to_string(),
            };
            password_form(
                &uri,
                lang,
                &session,
                next,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => ApiError::from(e).into_response(),
    }
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
    };
    html(StatusCode::NOT_FOUND, page.render())
}

// ---- my week ----

/// What `/week` and `/week/file` show: whose week (yours by default, one team's, or the
/// bureau's) and which ISO week (this one by default).
#[derive(Debug, Default, Deserialize)]
struct WeekParams {
    week: Option<String>,
    team: Option<String>,
    all: Option<bool>,
    format: Option<String>,
}

impl WeekParams {
    /// The query string of these parameters for `week` (without `format`), for links.
    fn query(&self, week: &str) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![("week", week)];
        if let Some(team) = &self.team {
            pairs.push(("team", team));
        }
        if self.all == Some(true) {
            pairs.push(("all", "true"));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_else(|_| format!("week={week}"))
    }

    /// The parameters of `uri`, or the page that names the one that does not parse.
    fn of(uri: &Uri, lang: Lang, user: &Officer) -> Result<WeekParams, Box<Response>> {
        axum::extract::Query::<WeekParams>::try_from_uri(uri)
            .map(|q| q.0)
            .map_err(|e| {
                let text = e.body_text();
                Box::new(error_page(
                    uri,
                    lang,
                    user,
                    ServiceError::invalid(
                        peiyu_service::Field::Named("query".into()),
                        peiyu_domain::Text::new(
                            format!(
                                "网址参数无效：{text}（week 如 2026-W49，all 为 true 或 false）"
                            ),
                            format!(
                                "invalid parameter: {text} (week like 2026-W49, all true or false)"
                            ),
                        ),
                    ),
                ))
            })
    }
}

/// The weekly list `params` ask for, or the page that says why not.
async fn week_list(
    state: &AppState,
    user: &Officer,
    lang: Lang,
    uri: &Uri,
    params: &WeekParams,
) -> Result<peiyu_service::weekly::WeeklyList, Response> {
    let week = match params.week.as_deref().filter(|w| !w.trim().is_empty()) {
        Some(w) => match w.parse::<peiyu_domain::Week>() {
            Ok(week) => Some(week),
            Err(e) => {
                let text = peiyu_domain::Localize::localize(&e, Lang::Zh);
                return Err(error_page(
                    uri,
                    lang,
                    user,
                    ServiceError::invalid(peiyu_service::Field::Week, text),
                ));
            }
        },
        None => None,
    };
    let query = WeeklyQuery {
        team: params.team.clone().filter(|t| !t.trim().is_empty()),
        all: params.all == Some(true),
        week,
        ..WeeklyQuery::default()
    };
    state
        .service
        .weekly(user, query)
        .await
        .map_err(|e| error_page(uri, lang, user, e))
}

async fn week(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
) -> Response {
    let params = match WeekParams::of(&uri, lang, &user) {
        Ok(p) => p,
        Err(page) => return *page,
    };
    let list = match week_list(&state, &user, lang, &uri, &params).await {
        Ok(list) => list,
        Err(page) => return page,
    };
    let link = |uscc: &str| enterprise_href(uscc, lang);
    let list_html = match peiyu_formats::weekly::html_fragment(&list, lang, Some(&link)) {
        Ok(body) => body,
        Err(e) => return html(StatusCode::INTERNAL_SERVER_ERROR, Err(e)),
    };
    // The week picker, the scopes this officer may see, and the same list as files.
    let this_week = peiyu_domain::Week::containing(state.service.today());
    let mut filters = vec![
        Link {
            href: with_lang(
                &format!("/week?{}", params.query(&list.week.prev().to_string())),
                lang,
            ),
            label: tr(lang, "‹ 上一周", "‹ previous week").to_owned(),
            active: false,
        },
        Link {
            href: with_lang(
                &format!("/week?{}", params.query(&this_week.to_string())),
                lang,
            ),
            label: tr(lang, "本周", "this week").to_owned(),
            active: list.week == this_week,
        },
        Link {
            href: with_lang(
                &format!("/week?{}", params.query(&list.week.next().to_string())),
                lang,
            ),
            label: tr(lang, "下一周 ›", "next week ›").to_owned(),
            active: false,
        },
    ];
    let week_key = list.week.to_string();
    let mine = WeekParams::default();
    filters.push(Link {
        href: with_lang(&format!("/week?{}", mine.query(&week_key)), lang),
        label: tr(lang, "我的", "mine").to_owned(),
        active: params.team.is_none() && params.all != Some(true),
    });
    if let Ok(teams) = state.service.list_teams(&user).await {
        let sees_all = matches!(
            user.role,
            peiyu_domain::Role::Admin | peiyu_domain::Role::Leader
        );
        for t in teams.iter().filter(|t| {
            sees_all
                || t.lead.as_ref().is_some_and(|l| l.id == user.id)
                || t.members.iter().any(|m| m.id == user.id)
        }) {
            let scope = WeekParams {
                team: Some(t.team.name.clone()),
                ..WeekParams::default()
            };
            filters.push(Link {
                href: with_lang(&format!("/week?{}", scope.query(&week_key)), lang),
                label: t.team.name.clone(),
                active: params.team.as_deref() == Some(t.team.name.as_str()),
            });
        }
        if sees_all {
            let scope = WeekParams {
                all: Some(true),
                ..WeekParams::default()
            };
            filters.push(Link {
                href: with_lang(&format!("/week?{}", scope.query(&week_key)), lang),
                label: tr(lang, "全局", "whole bureau").to_owned(),
                active: params.all == Some(true),
            });
        }
    }
    for (format, label) in [
        ("xlsx", "Excel"),
        ("csv", "CSV"),
        ("ics", tr(lang, "日历", "calendar")),
        ("html", tr(lang, "打印版", "print")),
    ] {
        filters.push(Link {
            href: with_lang(
                &format!("/week/file?{}&format={format}", params.query(&week_key)),
                lang,
            ),
            label: format!("⤓ {label}"),
            active: false,
        });
    }
    let page = Page {
        chrome: chrome(
            &uri,
            lang,
            Some(&user),
            tr(lang, "我的一周", "My week"),
            "/week",
        ),
        heading: format!("{} · {}", tr(lang, "我的一周", "My week"), list.week),
        subtitle: None,
        filters,
        notice: None,
        list_html: Some(list_html),
        sections: Vec::new(),
        footer: footer(&state.service, lang),
    };
    html(StatusCode::OK, page.render())
}

/// `/week/file?format=xlsx|csv|ics|html|md|json`: the list of `/week` as a file to download,
/// the same bytes as `peiyu weekly --format …`.
async fn week_file(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
) -> Response {
    let params = match WeekParams::of(&uri, lang, &user) {
        Ok(p) => p,
        Err(page) => return *page,
    };
    let format = match params
        .format
        .as_deref()
        .unwrap_or("xlsx")
        .parse::<peiyu_formats::weekly::Format>()
    {
        Ok(f) => f,
        Err(e) => {
            return error_page(
                &uri,
                lang,
                &user,
                ServiceError::invalid(
                    peiyu_service::Field::Named("format".into()),
                    peiyu_domain::Text::new(e.message_zh(), e.to_string()),
                ),
            );
        }
    };
    let list = match week_list(&state, &user, lang, &uri, &params).await {
        Ok(list) => list,
        Err(page) => return page,
    };
    let bytes = match peiyu_formats::weekly::render(&list, format, lang) {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "a weekly file could not be rendered");
            return ApiError::internal("无法生成该文件", "the file could not be rendered")
                .into_response();
        }
    };
    crate::views::file_response(bytes, format, &format!("weekly-{}", list.week))
}

// ---- the working-day calendar ----

async fn calendar_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
) -> Response {
    state.service.refresh_calendar().await;
    let (today, years) = state.service.calendar_outlook(None);
    let attention = years.iter().any(|y| y.needs_attention);
    let table = Table {
        caption: None,
        headers: vec![
            tr(lang, "年份", "Year").to_owned(),
            tr(lang, "节假日安排", "Holiday arrangement").to_owned(),
            tr(lang, "距开始（天）", "Starts in (days)").to_owned(),
        ],
        rows: years
            .iter()
            .map(|y| Row {
                class: if y.needs_attention { "overdue" } else { "" },
                cells: vec![
                    Cell::text(y.year.to_string()),
                    Cell::text(y.label.get(lang)),
                    Cell::text(y.starts_in_days.max(0).to_string()).class("num"),
                ],
            })
            .collect(),
    };
    let page = Page {
        chrome: chrome(
            &uri,
            lang,
            Some(&user),
            tr(lang, "工作日日历", "Working-day calendar"),
            "/calendar",
        ),
        heading: tr(lang, "工作日日历", "Working-day calendar").to_owned(),
        subtitle: Some(format!("{} {today}", tr(lang, "截至", "As of"))),
        filters: Vec::new(),
        notice: attention.then(|| {
            tr(
                lang,
                "有年份在 60 天内开始但仍为暂定：其截止日期暂按法定节假日计算。国务院通知发布后由管理员录入（peiyu calendar load 通知.txt --apply，或 POST /api/v1/calendar/notices）。",
                "A year that starts within 60 days is still provisional: its deadlines are counted on the statutory holidays for now. An admin loads the State Council's notice once published (peiyu calendar load NOTICE.txt --apply, or POST /api/v1/calendar/notices).",
            )
            .to_owned()
        }),
        list_html: None,
        sections: vec![Section {
            heading: tr(lang, "今年和此后两年", "This year and the next two").to_owned(),
            alert: attention,
            note: None,
            empty: tr(lang, "无", "None").to_owned(),
            tables: vec![table],
        }],
        footer: footer(&state.service, lang),
    };
    html(StatusCode::OK, page.render())
}

// ---- enterprises by batch ----

/// `/enterprises` parameters.
#[derive(Debug, Default, Deserialize)]
struct BatchParams {
    batch: Option<String>,
    year: Option<String>,
}

async fn enterprises(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
    axum::extract::Query(params): axum::extract::Query<BatchParams>,
) -> Response {
    let today_year = state.service.today().year();
    let year = params
        .year
        .as_deref()
        .and_then(|y| y.trim().parse::<i32>().ok())
        .unwrap_or(today_year);
    let batch = params
        .batch
        .as_deref()
        .and_then(|b| b.trim().parse::<u8>().ok())
        .and_then(|b| Batch::new(b).ok());
    let year_q = if year == today_year {
        String::new()
    } else {
        format!("year={year}")
    };
    let href = |b: Option<Batch>| {
        let mut q: Vec<String> = Vec::new();
        if let Some(b) = b {
            q.push(format!("batch={}", b.number()));
        }
        if !year_q.is_empty() {
            q.push(year_q.clone());
        }
        let base = if q.is_empty() {
            "/enterprises".to_owned()
        } else {
            format!("/enterprises?{}", q.join("&"))
        };
        with_lang(&base, lang)
    };
    let mut filters = vec![Link {
        href: href(None),
        label: tr(lang, "全部批次", "All batches").to_owned(),
        active: batch.is_none(),
    }];
    for n in 1..=4u8 {
        if let Ok(b) = Batch::new(n) {
            filters.push(Link {
                href: href(Some(b)),
                label: b.default_label(lang).to_owned(),
                active: batch == Some(b),
            });
        }
    }
    let headers = vec![
        tr(lang, "企业", "Enterprise").to_owned(),
        tr(lang, "统一社会信用代码", "USCC").to_owned(),
        tr(lang, "乡镇", "Town").to_owned(),
        tr(lang, "入批日期", "In batch since").to_owned(),
        tr(lang, "理由", "Reason").to_owned(),
    ];
    let title = tr(lang, "企业名单", "Enterprises");
    let (notice, sections) = match state.service.batch_list(&user, year, batch).await {
        Ok(view) => {
            let mut sections = Vec::new();
            for n in 1..=4u8 {
                let Ok(b) = Batch::new(n) else { continue };
                if batch.is_some_and(|only| only != b) {
                    continue;
                }
                let rows: Vec<Row> = view
                    .entries
                    .iter()
                    .filter(|(entry, _)| entry.batch == b)
                    .map(|(entry, e)| {
                        Row::new(vec![
                            Cell::link(&e.name, enterprise_href(e.uscc.as_str(), lang)),
                            Cell::text(e.uscc.as_str()).class("id"),
                            Cell::text(&e.town),
                            Cell::date(entry.since),
                            Cell::text(entry.reason.clone().unwrap_or_default()),
                        ])
                    })
                    .collect();
                sections.push(Section {
                    heading: format!("{}（{}）", b.default_label(lang), rows.len()),
                    alert: false,
                    note: None,
                    empty: tr(lang, "本批次暂无企业", "No enterprise in this batch").to_owned(),
                    tables: vec![Table {
                        caption: None,
                        headers: headers.clone(),
                        rows,
                    }],
                });
            }
            let status = view.list.value.status.label(lang);
            (
                Some(format!("{year} {} · {status}", tr(lang, "年名单", "list"))),
                sections,
            )
        }
        Err(e) if e.kind() == ErrorKind::NotFound => {
            // No list for the year: show the register instead, so the page still helps.
            let register = match state
                .service
                .list_enterprises(&user, &ListEnterprises::default())
                .await
            {
                Ok(list) => list,
                Err(e) => return error_page(&uri, lang, &user, e),
            };
            let rows = register
                .iter()
                .map(|v| {
                    let e = &v.enterprise;
                    Row::new(vec![
                        Cell::link(&e.name, enterprise_href(e.uscc.as_str(), lang)),
                        Cell::text(e.uscc.as_str()).class("id"),
                        Cell::text(&e.town),
                        Cell::text(e.sector.label(lang)),
                        Cell::text(
                            v.responsible
                                .as_ref()
                                .map(|o| o.name.clone())
                                .unwrap_or_default(),
                        ),
                    ])
                })
                .collect();
            let message = ApiError::from(e).message.get(lang).to_owned();
            (
                Some(message),
                vec![Section {
                    heading: tr(lang, "企业名录", "The register").to_owned(),
                    alert: false,
                    note: None,
                    empty: tr(lang, "暂无企业", "No enterprise yet").to_owned(),
                    tables: vec![Table {
                        caption: None,
                        headers: vec![
                            tr(lang, "企业", "Enterprise").to_owned(),
                            tr(lang, "统一社会信用代码", "USCC").to_owned(),
                            tr(lang, "乡镇", "Town").to_owned(),
                            tr(lang, "行业", "Sector").to_owned(),
                            tr(lang, "负责干部", "Officer").to_owned(),
                        ],
                        rows,
                    }],
                }],
            )
        }
        Err(e) => return error_page(&uri, lang, &user, e),
    };
    let page = Page {
        chrome: chrome(&uri, lang, Some(&user), title, "/enterprises"),
        heading: format!("{title} · {year}"),
        subtitle: Some(
            tr(
                lang,
                "“四个一批”名单中的企业，按批次",
                "Enterprises on the four-batches list, by batch",
            )
            .to_owned(),
        ),
        filters,
        notice,
        list_html: None,
        sections,
        footer: footer(&state.service, lang),
    };
    html(StatusCode::OK, page.render())
}

// ---- one enterprise ----

fn guard_lines(guards: &[peiyu_service::GuardResult], lang: Lang) -> Vec<Line> {
    guards
        .iter()
        .map(|g| Line {
            text: format!(
                "{} {}",
                if g.passed { "✓" } else { "✗" },
                g.message.get(lang)
            ),
            class: if g.passed { "pass" } else { "fail" },
        })
        .collect()
}

fn case_section(case: &CaseView, lang: Lang) -> Section {
    let names = &case.names;
    let c = &case.cultivation.value;
    let track = &case.track.track;
    let stage_label = |key: &peiyu_domain::StageKey| {
        track
            .stage(key)
            .map(|s| s.label.get(lang).to_owned())
            .unwrap_or_else(|| key.as_str().to_owned())
    };
    let mut note = format!(
        "{} {} · {} {} {} · {} {}",
        tr(lang, "版本", "version"),
        case.cultivation.version,
        tr(lang, "自", "since"),
        c.stage_since,
        match lang {
            Lang::Zh => format!("（{} 天）", case.days_in_stage),
            Lang::En => format!("({} days)", case.days_in_stage),
        },
        tr(lang, "立案", "opened"),
        c.opened_on,
    );
    if let (Some(stage), Some(date)) = (&c.target_stage, c.target_date) {
        note.push_str(&format!(
            " · {} {} {}",
            tr(lang, "目标", "target"),
            stage_label(stage),
            date
        ));
    }
    if let Some(expires) = c.expires_on {
        note.push_str(&format!(" · {} {expires}", tr(lang, "到期", "expires")));
    }
    let moves = Table {
        caption: Some(tr(lang, "现在可做的推进", "Moves from here").to_owned()),
        headers: vec![
            tr(lang, "推进", "Move").to_owned(),
            tr(lang, "去向阶段", "To stage").to_owned(),
            tr(lang, "状态", "State").to_owned(),
        ],
        rows: case
            .moves
            .iter()
            .map(|m| {
                let state = m.state();
                let class = if state.is_ready() { "ok" } else { "blocked" };
                let state = state.label().get(lang).to_owned();
                Row::new(vec![
                    Cell::text(m.label.get(lang)),
                    Cell::text(stage_label(&m.to)),
                    Cell {
                        text: state.to_owned(),
                        class,
                        lines: guard_lines(&m.guards, lang),
                        href: None,
                    },
                ])
            })
            .collect(),
    };
    let open_tasks = Table {
        caption: Some(tr(lang, "待办任务", "Open tasks").to_owned()),
        headers: vec![
            tr(lang, "编号", "ID").to_owned(),
            tr(lang, "任务", "Task").to_owned(),
            tr(lang, "负责人", "Assignee").to_owned(),
            tr(lang, "截止", "Due").to_owned(),
        ],
        rows: case
            .open_tasks
            .iter()
            .map(|t| {
                Row::new(vec![
                    Cell::text(short_id(t)).class("id"),
                    Cell::text(&t.title),
                    Cell::text(names.officer_name(t.assignee)),
                    Cell::date(t.due_on),
                ])
            })
            .collect(),
    };
    let history = Table {
        caption: Some(tr(lang, "阶段记录", "Stage moves").to_owned()),
        headers: vec![
            tr(lang, "生效日期", "Effective").to_owned(),
            tr(lang, "从", "From").to_owned(),
            tr(lang, "到", "To").to_owned(),
            tr(lang, "经办", "By").to_owned(),
            tr(lang, "理由与依据", "Reason and evidence").to_owned(),
        ],
        rows: case
            .history
            .iter()
            .map(|t| {
                let mut why = t.reason.clone().unwrap_or_default();
                if !t.evidence.is_empty() {
                    if !why.is_empty() {
                        why.push_str(" · ");
                    }
                    why.push_str(&t.evidence.join("，"));
                }
                if t.overridden {
                    why.push_str(tr(lang, "（越过未满足的条件）", " (guards overridden)"));
                }
                Row::new(vec![
                    Cell::date(t.effective_on),
                    Cell::text(t.from.as_ref().map(&stage_label).unwrap_or_default()),
                    Cell::text(stage_label(&t.to)),
                    Cell::text(names.officer_name(t.actor)),
                    Cell::text(why),
                ])
            })
            .collect(),
    };
    Section {
        heading: format!("{}：{}", track.label().get(lang), stage_label(&c.stage)),
        alert: false,
        note: Some(note),
        empty: tr(lang, "无", "None").to_owned(),
        tables: vec![moves, open_tasks, history],
    }
}

async fn enterprise(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
    Path(key): Path<String>,
) -> Response {
    let service = &state.service;
    let detail = match service.show_enterprise(&user, &key).await {
        Ok(d) => d,
        Err(e) => return error_page(&uri, lang, &user, e),
    };
    let uscc = detail.view.enterprise.uscc.as_str().to_owned();
    let everything = HistoryQuery::default();
    let (cases, history) = match tokio::try_join!(
        service.show_cases(&user, &uscc),
        service.enterprise_history(&user, &uscc, &everything),
    ) {
        Ok(found) => found,
        Err(e) => return error_page(&uri, lang, &user, e),
    };
    let e = &detail.view.enterprise;
    let facts = vec![
        (tr(lang, "统一社会信用代码", "USCC"), uscc.clone()),
        (tr(lang, "行业", "Sector"), e.sector.label(lang).to_owned()),
        (tr(lang, "乡镇", "Town"), e.town.clone()),
        (tr(lang, "地址", "Address"), e.address.clone()),
        (
            tr(lang, "法人类型", "Legal form"),
            e.legal_form.label(lang).to_owned(),
        ),
        (
            tr(lang, "用地面积", "Land area"),
            e.land_area.map(|a| a.format(lang)).unwrap_or_default(),
        ),
        (
            tr(lang, "负责干部", "Responsible officer"),
            detail
                .view
                .responsible
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_else(|| tr(lang, "未指定", "none").to_owned()),
        ),
        (
            tr(lang, "档案版本", "Record version"),
            detail.view.version.to_string(),
        ),
    ];
    let mut sections = vec![Section {
        heading: tr(lang, "基本信息", "Details").to_owned(),
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
                .map(|(k, v)| Row::new(vec![Cell::text(k), Cell::text(v)]))
                .collect(),
        }],
    }];
    if cases.cases.is_empty() {
        sections.push(Section {
            heading: tr(lang, "培育流程", "Cultivation").to_owned(),
            alert: false,
            note: None,
            empty: tr(lang, "尚未立案培育", "Not on any track yet").to_owned(),
            tables: Vec::new(),
        });
    }
    sections.extend(cases.cases.iter().map(|c| case_section(c, lang)));
    if !detail.recent_metrics.is_empty() {
        let money = |y: Option<peiyu_domain::Yuan>| y.map(|y| y.to_string()).unwrap_or_default();
        sections.push(Section {
            heading: tr(lang, "近期月度指标", "Recent monthly figures").to_owned(),
            alert: false,
            note: None,
            empty: String::new(),
            tables: vec![Table {
                caption: None,
                headers: vec![
                    tr(lang, "月份", "Month").to_owned(),
                    tr(lang, "主营业务收入", "Revenue").to_owned(),
                    tr(lang, "工业总产值", "Output value").to_owned(),
                    tr(lang, "从业人员", "Employees").to_owned(),
                    tr(lang, "税收", "Tax").to_owned(),
                ],
                rows: detail
                    .recent_metrics
                    .iter()
                    .map(|m| {
                        Row::new(vec![
                            Cell::text(m.month.to_string()).class("date"),
                            Cell::text(money(m.revenue)).class("num"),
                            Cell::text(money(m.output_value)).class("num"),
                            Cell::text(m.employees.map(|n| n.to_string()).unwrap_or_default())
                                .class("num"),
                            Cell::text(money(m.tax)).class("num"),
                        ])
                    })
                    .collect(),
            }],
        });
    }
    sections.push(Section {
        heading: tr(lang, "时间线", "Timeline").to_owned(),
        alert: false,
        note: None,
        empty: tr(lang, "暂无记录", "Nothing recorded yet").to_owned(),
        tables: vec![Table {
            caption: None,
            headers: vec![
                tr(lang, "日期", "Date").to_owned(),
                tr(lang, "类别", "Kind").to_owned(),
                tr(lang, "内容", "What").to_owned(),
                tr(lang, "经办", "By").to_owned(),
                tr(lang, "理由", "Reason").to_owned(),
            ],
            rows: history
                .1
                .iter()
                .map(|t| {
                    let day = t
                        .effective_on
                        .unwrap_or_else(|| service.zone().date_of(t.recorded_at));
                    let label =
                        |l: &Option<peiyu_domain::Text>| l.as_ref().map(|t| t.get(lang).to_owned());
                    let action = t.action_label.get(lang);
                    let what = match (label(&t.from_label), label(&t.to_label)) {
                        (Some(from), Some(to)) => {
                            format!("{action}：{} · {from} → {to}", t.subject)
                        }
                        (None, Some(to)) => format!("{action}：{} · {to}", t.subject),
                        _ => format!("{action}：{}", t.subject),
                    };
                    Row::new(vec![
                        Cell::date(day),
                        Cell::text(t.kind.label(lang)),
                        Cell {
                            text: what,
                            lines: guard_lines_recorded(&t.guards, lang),
                            ..Cell::default()
                        },
                        Cell::text(&t.actor_name),
                        Cell::text(t.reason.clone().unwrap_or_default()),
                    ])
                })
                .collect(),
        }],
    });
    let page = Page {
        chrome: chrome(&uri, lang, Some(&user), &e.name, "/enterprises"),
        heading: e.name.clone(),
        subtitle: Some(format!("{} · {} · {}", uscc, e.sector.label(lang), e.town)),
        filters: Vec::new(),
        notice: e
            .archived
            .then(|| tr(lang, "该企业已归档", "This enterprise is archived").to_owned()),
        list_html: None,
        sections,
        footer: footer(service, lang),
    };
    html(StatusCode::OK, page.render())
}

fn guard_lines_recorded(guards: &[(bool, peiyu_domain::Text)], lang: Lang) -> Vec<Line> {
    guards
        .iter()
        .map(|(passed, message)| Line {
            text: format!("{} {}", if *passed { "✓" } else { "✗" }, message.get(lang)),
            class: if *passed { "pass" } else { "fail" },
        })
        .collect()
}

// ---- tasks ----

async fn tasks(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
) -> Response {
    let service = &state.service;
    let open = ListTasks::default();
    let list = match service.list_tasks(&user, &open).await {
        Ok(found) => found,
        Err(e) => return error_page(&uri, lang, &user, e),
    };
    let today = service.today();
    let names = &list.names;
    let enterprise_cell = |t: &Task| match t.enterprise.and_then(|id| names.enterprise(id)) {
        Some(e) => Cell::link(&e.name, enterprise_href(e.uscc.as_str(), lang)),
        None => Cell::text("—"),
    };
    let rows: Vec<Row> = list
        .tasks
        .iter()
        .map(|v| {
            let t = &v.value;
            Row {
                class: if t.due_on < today { "overdue" } else { "" },
                cells: vec![
                    Cell::text(short_id(t)).class("id"),
                    enterprise_cell(t),
                    Cell::text(&t.title),
                    Cell::text(t.kind.label(lang)),
                    Cell::text(names.officer_name(t.assignee)),
                    Cell::date(t.due_on),
                    Cell::text(t.status.label(lang)),
                ],
            }
        })
        .collect();
    let overdue = rows.iter().filter(|r| r.class == "overdue").count();
    let page = Page {
        chrome: chrome(&uri, lang, Some(&user), tr(lang, "任务", "Tasks"), "/tasks"),
        heading: tr(lang, "待办任务", "Open tasks").to_owned(),
        subtitle: Some(match lang {
            Lang::Zh => format!(
                "你和所在专班的待办任务，共 {} 项，其中逾期 {overdue} 项",
                rows.len()
            ),
            Lang::En => format!(
                "Your and your team's open tasks: {} in all, {overdue} overdue",
                rows.len()
            ),
        }),
        filters: Vec::new(),
        notice: None,
        list_html: None,
        sections: vec![Section {
            heading: tr(lang, "按截止日期", "By due date").to_owned(),
            alert: false,
            note: None,
            empty: tr(lang, "没有待办任务", "No open task").to_owned(),
            tables: vec![Table {
                caption: None,
                headers: [
                    tr(lang, "编号", "ID"),
                    tr(lang, "企业", "Enterprise"),
                    tr(lang, "任务", "Task"),
                    tr(lang, "类别", "Kind"),
                    tr(lang, "负责人", "Assignee"),
                    tr(lang, "截止", "Due"),
                    tr(lang, "状态", "Status"),
                ]
                .into_iter()
                .map(str::to_owned)
                .collect(),
                rows,
            }],
        }],
        footer: footer(service, lang),
    };
    html(StatusCode::OK, page.render())
}

// ---- progress ----

/// `/progress` parameters.
#[derive(Debug, Default, Deserialize)]
struct ProgressParams {
    year: Option<String>,
}

async fn progress(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
    axum::extract::Query(params): axum::extract::Query<ProgressParams>,
) -> Response {
    let service = &state.service;
    let this_year = service.today().year();
    let year = params
        .year
        .as_deref()
        .and_then(|y| y.trim().parse::<i32>().ok())
        .unwrap_or(this_year);
    let report = match service.progress_report(&user, year, None).await {
        Ok(r) => r,
        Err(e) => return error_page(&uri, lang, &user, e),
    };
    let filters = [year - 1, year, year + 1]
        .into_iter()
        .filter(|y| *y <= this_year)
        .map(|y| Link {
            href: with_lang(&format!("/progress?year={y}"), lang),
            label: y.to_string(),
            active: y == year,
        })
        .collect();
    let actual = |metric: &str| -> Option<i64> {
        match metric {
            "new_above_scale" => i64::try_from(report.new_above_scale.len()).ok(),
            "new_above_limit" => i64::try_from(report.new_above_limit.len()).ok(),
            "new_output_value" => Some(report.new_above_scale_output().amount()),
            _ => None,
        }
    };
    let target_rows = peiyu_service::TARGET_METRICS
        .iter()
        .filter_map(|(metric, _, _)| {
            let target = report.target(metric);
            let done = actual(metric);
            if target.is_none() && done.is_none() {
                return None;
            }
            let rate = match (target, done) {
                (Some(t), Some(d)) if t > 0 => format!("{}%", d * 100 / t),
                _ => "—".to_owned(),
            };
            let show = |v: Option<i64>| match (v, *metric) {
                (Some(v), "new_output_value") => peiyu_domain::Yuan(v).to_string(),
                (Some(v), _) => v.to_string(),
                (None, _) => "—".to_owned(),
            };
            let behind = matches!((target, done), (Some(t), Some(d)) if d < t);
            Some(Row {
                class: if behind { "" } else { "muted" },
                cells: vec![
                    Cell::text(peiyu_service::target_label(metric, lang)),
                    Cell::text(show(target)).class("num"),
                    Cell::text(show(done)).class("num"),
                    Cell::text(rate).class("num"),
                ],
            })
        })
        .collect();
    let registered = |list: &[peiyu_service::NewlyRegistered]| Table {
        caption: None,
        headers: vec![
            tr(lang, "企业", "Enterprise").to_owned(),
            tr(lang, "入库日期", "Registered on").to_owned(),
            tr(lang, "批次", "Batch").to_owned(),
            tr(lang, "产值", "Output value").to_owned(),
            tr(lang, "营收", "Revenue").to_owned(),
        ],
        rows: list
            .iter()
            .map(|n| {
                Row::new(vec![
                    Cell::link(
                        &n.enterprise.name,
                        enterprise_href(n.enterprise.uscc.as_str(), lang),
                    ),
                    Cell::date(n.registered_on),
                    Cell::text(n.batch.map(|b| b.default_label(lang)).unwrap_or("—")),
                    Cell::text(n.output_value.to_string()).class("num"),
                    Cell::text(n.revenue.to_string()).class("num"),
                ])
            })
            .collect(),
    };
    let funnels = report
        .funnels
        .iter()
        .map(|f| Table {
            caption: Some(f.label.get(lang).to_owned()),
            headers: vec![
                tr(lang, "阶段", "Stage").to_owned(),
                tr(lang, "企业数", "Enterprises").to_owned(),
            ],
            rows: f
                .stages
                .iter()
                .map(|(_, label, n)| {
                    Row::new(vec![
                        Cell::text(label.get(lang)),
                        Cell::text(n.to_string()).class("num"),
                    ])
                })
                .collect(),
        })
        .collect();
    let by_batch = Table {
        caption: None,
        headers: vec![
            tr(lang, "批次", "Batch").to_owned(),
            tr(lang, "新入库", "Newly registered").to_owned(),
            tr(lang, "培育中", "In cultivation").to_owned(),
            tr(lang, "新入库产值", "Their output value").to_owned(),
        ],
        rows: report
            .by_batch
            .iter()
            .map(|b| {
                Row::new(vec![
                    Cell::text(&b.key),
                    Cell::text(b.newly_registered.to_string()).class("num"),
                    Cell::text(b.in_cultivation.to_string()).class("num"),
                    Cell::text(b.output_value.to_string()).class("num"),
                ])
            })
            .collect(),
    };
    let overdue = Table {
        caption: None,
        headers: vec![
            tr(lang, "干部", "Officer").to_owned(),
            tr(lang, "逾期任务", "Overdue tasks").to_owned(),
        ],
        rows: report
            .overdue_by_officer
            .iter()
            .map(|(name, _, n)| {
                Row::new(vec![
                    Cell::text(name),
                    Cell::text(n.to_string()).class("num"),
                ])
            })
            .collect(),
    };
    let none = tr(lang, "无", "None").to_owned();
    let section = |heading: &str, tables: Vec<Table>, alert: bool| Section {
        heading: heading.to_owned(),
        alert,
        note: None,
        empty: none.clone(),
        tables,
    };
    let sections = vec![
        section(
            tr(lang, "年度目标完成情况", "Targets and progress"),
            vec![Table {
                caption: None,
                headers: vec![
                    tr(lang, "指标", "Metric").to_owned(),
                    tr(lang, "目标", "Target").to_owned(),
                    tr(lang, "完成", "Done").to_owned(),
                    tr(lang, "完成率", "Rate").to_owned(),
                ],
                rows: target_rows,
            }],
            false,
        ),
        section(
            tr(
                lang,
                "新增规上工业企业",
                "Newly above-scale industrial enterprises",
            ),
            vec![registered(&report.new_above_scale)],
            false,
        ),
        section(
            tr(
                lang,
                "新增限上商贸企业",
                "Newly above-limit commerce enterprises",
            ),
            vec![registered(&report.new_above_limit)],
            false,
        ),
        section(
            tr(lang, "各流程阶段分布", "Where the cases stand"),
            funnels,
            false,
        ),
        section(tr(lang, "按批次", "By batch"), vec![by_batch], false),
        section(
            tr(lang, "逾期任务（按干部）", "Overdue tasks by officer"),
            vec![overdue],
            !report.overdue_by_officer.is_empty(),
        ),
    ];
    let title = tr(lang, "目标进度", "Progress");
    let page = Page {
        chrome: chrome(&uri, lang, Some(&user), title, "/progress"),
        heading: format!("{title} · {year}"),
        subtitle: Some(format!("{} {}", tr(lang, "截至", "As of"), report.as_of)),
        filters,
        notice: report.targets.is_empty().then(|| {
            tr(
                lang,
                "本年度尚未设定目标：用 `peiyu target set` 设定",
                "No targets set for this year: set them with `peiyu target set`",
            )
            .to_owned()
        }),
        list_html: None,
        sections,
        footer: footer(service, lang),
    };
    html(StatusCode::OK, page.render())
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
