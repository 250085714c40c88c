//! Logging in (login name and password, or a token), logging out, and changing one's password.

use super::*;

// ---- login ----

/// The login form's fields: a login name and password, or (the second form) a token.
#[derive(Debug, Default, Deserialize)]
pub(super) struct LoginForm {
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
pub(super) struct NextQuery {
    #[serde(default)]
    next: Option<String>,
}

pub(super) fn form_lang(lang: Option<&str>) -> Lang {
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

pub(super) async fn login_page(
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

pub(super) async fn login(
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

pub(super) async fn logout(state: AppState, headers: HeaderMap) -> Response {
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
pub(super) struct PasswordForm {
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

pub(super) async fn password_page(
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

pub(super) async fn change_password(
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
