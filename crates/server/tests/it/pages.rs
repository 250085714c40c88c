//! The web pages: logging in with a password (or a token), sessions, the change-password page,
//! and each page rendering in Chinese (and English).

use crate::client::{get, post};
use crate::world::{WANG_PASSWORD, World, world};

/// The `name=value` part of a reply's `Set-Cookie`.
fn cookie_of(r: &crate::client::Reply) -> String {
    r.header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

async fn log_in(w: &World, login: &str, password: &str) -> crate::client::Reply {
    post(w.addr, "/login")
        .browser_form(None, &format!("login={login}&password={password}&lang=zh"))
        .await
        .send()
        .await
}

#[tokio::test]
async fn logging_in_sets_an_http_only_lax_cookie_and_the_pages_render_in_chinese() {
    let w = world().await;
    let r = get(w.addr, "/").send().await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(
        r.body.contains("登录名") && r.body.contains("密码"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("访问令牌"),
        "the token form is still offered"
    );
    assert!(!r.body.contains("<script"), "no scripts");
    assert!(
        !r.body.contains("http://") && !r.body.contains("https://"),
        "nothing fetched from elsewhere"
    );

    // Not logged in: the pages send the browser to the login form, which will come back.
    let r = get(w.addr, "/week").send().await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/?lang=zh&next=%2Fweek"));

    let r = log_in(&w, "wang", "not-the-password").await;
    assert_eq!(r.status, 401);
    assert!(r.body.contains("登录名或密码不正确"), "{}", r.body);
    assert!(r.header("set-cookie").is_none());
    let r = log_in(&w, "nobody", WANG_PASSWORD).await;
    assert_eq!(r.status, 401);
    assert!(r.body.contains("登录名或密码不正确"), "{}", r.body);

    let r = log_in(&w, "wang", WANG_PASSWORD).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/week"));
    let set_cookie = r.header("set-cookie").unwrap().to_owned();
    assert!(set_cookie.starts_with("peiyu_session=ps_"), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(set_cookie.contains("Path=/"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "plain HTTP: {set_cookie}");
    assert!(
        !set_cookie.contains(&w.wang_token),
        "the cookie holds no token"
    );
    let cookie = cookie_of(&r);

    let page = |path: &str| get(w.addr, path).header("Cookie", &cookie).send();
    let r = page("/week").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert!(r.body.contains("我的一周"), "{}", r.body);
    assert!(r.body.contains("逾期（"));
    assert!(r.body.contains("王伟"));

    let r = page(&format!("/enterprises/{}", w.factory.uscc)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert!(r.body.contains("柳州精密机械有限公司"));
    assert!(r.body.contains("现在可做的推进"));
    assert!(r.body.contains("时间线"));

    let r = page("/enterprises").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("企业名单"));
    assert!(
        r.body.contains("柳州精密机械有限公司"),
        "the register when no list exists"
    );

    let r = page("/tasks").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert!(r.body.contains("待办任务"));

    let r = page("/progress?year=2023").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("目标进度"));
    assert!(
        r.body.contains("/progress?year=2023&#38;from_log=1"),
        "{}",
        r.body
    );
    // The same report counted from the audit log alone.
    let from_log = page("/progress?year=2023&from_log=1").await;
    assert_eq!(from_log.status, 200, "{}", from_log.body);
    assert!(from_log.body.contains("目标进度"));

    // Logged in, the login page goes straight to the week.
    let r = page("/").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/week"));

    // English on request; a bearer token works for pages too.
    let r = get(w.addr, "/week?lang=en")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("My week"));
    assert!(r.body.contains("lang=\"en\""));

    // Logout ends the session on the server: the old cookie is refused afterwards.
    let r = post(w.addr, "/logout")
        .browser_form(Some(&cookie), "")
        .await
        .send()
        .await;
    assert_eq!(r.status, 303);
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    let r = page("/week").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/?lang=zh&next=%2Fweek"));
    let r = page("/tasks?status=open").await;
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("location"),
        Some("/?lang=zh&next=%2Ftasks%3Fstatus%3Dopen")
    );
}

#[tokio::test]
async fn a_token_still_opens_a_session_and_tls_makes_the_cookie_secure() {
    let w = world().await;
    let r = post(w.addr, "/login")
        .browser_form(None, "token=py_nope&lang=zh")
        .await
        .send()
        .await;
    assert_eq!(r.status, 401);
    assert!(r.body.contains("令牌无效"), "{}", r.body);

    let r = post(w.addr, "/login")
        .header("X-Forwarded-Proto", "https")
        .browser_form(None, &format!("token={}&lang=zh", w.wang_token))
        .await
        .send()
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let set_cookie = r.header("set-cookie").unwrap().to_owned();
    assert!(set_cookie.starts_with("peiyu_session=ps_"), "{set_cookie}");
    assert!(set_cookie.contains("; Secure"), "{set_cookie}");
    let r = get(w.addr, "/week")
        .header("Cookie", &cookie_of(&r))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn login_returns_to_the_page_asked_for_but_never_to_another_site() {
    let w = world().await;
    let r = post(w.addr, "/login")
        .browser_form(
            None,
            &format!("login=wang&password={WANG_PASSWORD}&next=%2Ftasks%3Flang%3Den"),
        )
        .await
        .send()
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/tasks?lang=en"));

    for evil in [
        "https%3A%2F%2Fevil.example%2F",
        "%2F%2Fevil.example%2F",
        "%2F%5Cevil.example",
    ] {
        let r = post(w.addr, "/login")
            .browser_form(
                None,
                &format!("login=wang&password={WANG_PASSWORD}&next={evil}"),
            )
            .await
            .send()
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.header("location"), Some("/week"), "{evil}");
    }

    // The login page carries `next` into its form, escaped.
    let r = get(w.addr, "/?next=%2Fprogress%3Fyear%3D2023").send().await;
    assert!(
        r.body
            .contains("name=\"next\" value=\"/progress?year=2023\""),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn an_admin_set_password_leads_to_the_change_password_page_first() {
    let w = world().await;
    w.service
        .set_password(&w.admin, "wang", "temporary-1")
        .await
        .unwrap();
    let r = post(w.addr, "/login")
        .browser_form(None, "login=wang&password=temporary-1&next=%2Ftasks")
        .await
        .send()
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some("/password?lang=zh&next=%2Ftasks")
    );
    let cookie = cookie_of(&r);
    // Every other page sends it there too.
    let r = get(w.addr, "/week").header("Cookie", &cookie).send().await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/password?lang=zh&next=%2Fweek"));
    let r = get(w.addr, "/password?next=%2Ftasks")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("由管理员设置"), "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));

    let r = post(w.addr, "/password")
        .browser_form(
            Some(&cookie),
            "current=temporary-1&new=mine-only-1&repeat=mine-only-2&next=%2Ftasks",
        )
        .await
        .send()
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("不一致"), "{}", r.body);
    let r = post(w.addr, "/password")
        .browser_form(Some(&cookie), "current=temporary-1&new=short&repeat=short")
        .await
        .send()
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("至少 8 个字符"), "{}", r.body);
    let r = post(w.addr, "/password")
        .browser_form(
            Some(&cookie),
            "current=temporary-1&new=mine-only-1&repeat=mine-only-1&next=%2Ftasks",
        )
        .await
        .send()
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/tasks"));
    let r = get(w.addr, "/week").header("Cookie", &cookie).send().await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn an_unknown_path_is_a_404_page_in_the_applications_frame() {
    let w = world().await;
    let r = get(w.addr, "/no/such/page").send().await;
    assert_eq!(r.status, 404);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.body.contains("培育 · 企业培育工作台"), "{}", r.body);
    assert!(r.body.contains("找不到此页"), "{}", r.body);
    let cookie = cookie_of(&log_in(&w, "wang", WANG_PASSWORD).await);
    let r = get(w.addr, "/nope?lang=en")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("There is no such page"), "{}", r.body);
    assert!(
        r.body.contains("href=\"/week?lang=en\""),
        "the nav: {}",
        r.body
    );
    assert_eq!(r.header("cache-control"), Some("no-store"));
    // The API keeps its JSON 404, a problem.
    let r = get(w.addr, "/api/v1/nope")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
}

#[tokio::test]
async fn too_many_failed_logins_are_refused_with_the_wait() {
    let w = world().await;
    for _ in 0..5 {
        assert_eq!(log_in(&w, "wang", "wrong-password").await.status, 401);
    }
    let r = log_in(&w, "wang", WANG_PASSWORD).await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body.contains("15 分钟后再试"), "{}", r.body);
    assert!(r.header("retry-after").is_some());
}

#[tokio::test]
async fn every_value_on_a_page_is_escaped() {
    let w = world().await;
    let r = get(w.addr, "/enterprises/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(!r.body.contains("<script>"), "{}", r.body);
}

#[tokio::test]
async fn at_the_years_end_my_week_shows_provisional_deadlines_marked() {
    use chrono::{TimeZone, Utc};
    // 2026-12-29 09:00 in the county: the week runs into 2027, whose notice is not loaded.
    let w = crate::world::world_at(
        Utc.with_ymd_and_hms(2026, 12, 29, 1, 0, 0)
            .single()
            .unwrap(),
    )
    .await;
    let out = w
        .service
        .advance_case(
            &w.wang,
            peiyu_service::AdvanceCase {
                enterprise: w.factory.uscc.to_string(),
                track: "industrial".into(),
                to: "cultivating".into(),
                ..peiyu_service::AdvanceCase::default()
            },
        )
        .await
        .unwrap();
    assert!(
        out.tasks.iter().all(|t| t.due_provisional),
        "{:?}",
        out.tasks
    );
    let r = post(w.addr, "/login")
        .browser_form(None, &format!("token={}&lang=zh", w.wang_token))
        .await
        .send()
        .await;
    let cookie = r
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let r = get(w.addr, "/week").header("Cookie", &cookie).send().await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The page embeds the weekly list of peiyu-formats: the row of a provisional deadline is
    // marked ※ and the legend says why.
    assert!(r.body.contains("<td class=\"id\">※ "), "{}", r.body);
    assert!(r.body.contains("2027-01-06"), "{}", r.body);
    // Every section of the CLI's list, with the enterprise linked to its page.
    for section in [
        "overdue",
        "this_week",
        "next_week",
        "done_last_week",
        "watch",
    ] {
        assert!(
            r.body.contains(&format!("<section class=\"{section}\">")),
            "{section}: {}",
            r.body
        );
    }
    assert!(r.body.contains("<a href=\"/enterprises/"), "{}", r.body);
    assert!(
        r.body
            .contains("2027 年：暂按法定节假日计算，待国务院通知发布后核定"),
        "{}",
        r.body
    );
    let r = get(w.addr, "/week?lang=en")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("2027: counted on the statutory holidays"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn my_week_has_a_week_picker_scopes_and_the_same_list_as_files() {
    let w = world().await;
    let cookie = cookie_of(&log_in(&w, "wang", WANG_PASSWORD).await);
    let r = get(w.addr, "/week?week=2023-W20")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("2023-W20"), "{}", r.body);
    // Previous and next week, this week, and the downloads, all for the week shown.
    for href in [
        "/week?week=2023-W19",
        "/week?week=2023-W21",
        "/week/file?week=2023-W20&#38;format=xlsx",
        "/week/file?week=2023-W20&#38;format=ics",
        "/week/file?week=2023-W20&#38;format=html",
    ] {
        assert!(r.body.contains(href), "{href}: {}", r.body);
    }
    // An officer sees no bureau scope.
    assert!(!r.body.contains("all=true"), "{}", r.body);
    // A past week: shown as its meeting saw it, with the way to see it as it really was.
    assert!(
        r.body.contains("按当日例会所见（当日已录入的记录）"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("/week?week=2023-W20&#38;in_effect=true"),
        "{}",
        r.body
    );
    let real = get(w.addr, "/week?week=2023-W20&in_effect=true")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(real.status, 200, "{}", real.body);
    assert!(
        real.body.contains("按实际生效日期重建（含事后补录）"),
        "{}",
        real.body
    );
    let bad = get(w.addr, "/week?week=2023-W60")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    let bad = get(w.addr, "/week?all=yes")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(
        bad.status, 422,
        "a parameter that does not parse is named: {}",
        bad.body
    );
    assert!(bad.body.contains("all"), "{}", bad.body);
    // Across the year's end: 2026 has 53 ISO weeks, and 2027 has no notice yet.
    let r = get(w.addr, "/week?week=2027-W01")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("/week?week=2026-W53"), "{}", r.body);
    assert!(r.body.contains("/week?week=2027-W02"), "{}", r.body);

    let file = get(w.addr, "/week/file?week=2023-W20&format=csv")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(file.status, 200, "{}", file.body);
    assert!(file.header("content-type").unwrap().starts_with("text/csv"));
    assert_eq!(
        file.header("content-disposition"),
        Some("attachment; filename=\"weekly-2023-W20.csv\"")
    );
    let list = w
        .service
        .weekly(
            &w.wang,
            peiyu_service::weekly_list::WeeklyQuery {
                week: Some("2023-W20".parse().unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let csv = peiyu_formats::weekly::render(
        &list,
        peiyu_formats::weekly::Format::Csv,
        peiyu_domain::Lang::Zh,
    )
    .unwrap();
    assert_eq!(file.bytes, csv, "the page's file is the CLI's");
    // Without a session, no file.
    let anon = get(w.addr, "/week/file?format=csv").send().await;
    assert_ne!(anon.status, 200);
}

#[tokio::test]
async fn a_form_without_this_browsers_csrf_token_is_refused_and_changes_nothing() {
    let w = world().await;
    let cookie = cookie_of(&log_in(&w, "wang", WANG_PASSWORD).await);
    // No token, another browser's token, or a token without its cookie: 403, still logged in.
    let (_, other) = crate::client::form_token(w.addr, None).await;
    for body in ["".to_owned(), format!("csrf={other}")] {
        let r = post(w.addr, "/logout")
            .header("Cookie", &cookie)
            .form(&body)
            .send()
            .await;
        assert_eq!(r.status, 403, "{body}: {}", r.body);
        assert!(r.body.contains("重新打开该页面"), "{}", r.body);
        assert!(r.header("set-cookie").is_none());
    }
    let r = get(w.addr, "/week").header("Cookie", &cookie).send().await;
    assert_eq!(r.status, 200, "the session survived: {}", r.body);
    let (_, token) = crate::client::form_token(w.addr, Some(&cookie)).await;
    let r = post(w.addr, "/login")
        .form(&format!("login=wang&password={WANG_PASSWORD}&csrf={token}"))
        .send()
        .await;
    assert_eq!(r.status, 403, "a token without its cookie: {}", r.body);
    // A multipart form is checked the same way.
    let r = post(w.addr, "/logout")
        .header("Cookie", &cookie)
        .header("Content-Type", "multipart/form-data; boundary=XX")
        .form("--XX\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nwrong\r\n--XX--\r\n")
        .send()
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
}

#[tokio::test]
async fn every_page_has_the_security_headers_and_no_inline_style_or_script() {
    let w = world().await;
    let cookie = cookie_of(&log_in(&w, "wang", WANG_PASSWORD).await);
    let paths = [
        "/".to_owned(),
        "/week".to_owned(),
        "/tasks".to_owned(),
        "/enterprises".to_owned(),
        format!("/enterprises/{}", w.factory.uscc),
        "/progress".to_owned(),
        "/calendar".to_owned(),
        "/audit".to_owned(),
        "/password".to_owned(),
        "/no/such/page".to_owned(),
    ];
    for path in &paths {
        let r = get(w.addr, path).header("Cookie", &cookie).send().await;
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{path}");
        for inline in ["<style", " style=\"", "<script", " onclick="] {
            assert!(!r.body.contains(inline), "{path} has {inline}: {}", r.body);
        }
    }
    let r = get(w.addr, "/static/peiyu.css").send().await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/css"));
    assert!(r.body.contains("@media (max-width: 719px)"));
}

#[tokio::test]
async fn the_meeting_print_sheet_has_the_title_week_notes_column_and_one_officer_per_page() {
    let w = world().await;
    let cookie = cookie_of(&log_in(&w, "wang", WANG_PASSWORD).await);
    let r = get(w.addr, "/week?week=2023-W27")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert!(
        r.body.contains("href=\"/week/print?week=2023-W27\""),
        "{}",
        r.body
    );
    let r = get(w.addr, "/week/print?week=2023-W27")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("周例会任务清单 · 王伟"), "{}", r.body);
    assert!(r.body.contains("周次 2023-W27"), "{}", r.body);
    assert!(r.body.contains("class=\"meeting\""), "{}", r.body);
    assert!(r.body.contains("每人一页"), "{}", r.body);
    let r = get(w.addr, "/week/print?week=2023-W27&per_officer=true&lang=en")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("per-officer"), "{}", r.body);
    assert!(r.body.contains("Weekly meeting: tasks"), "{}", r.body);
    // The notes column and the page breaks are the stylesheet's.
    let css = get(w.addr, "/static/peiyu.css").send().await.body;
    assert!(css.contains("size: A4 landscape"));
    assert!(
        css.contains(".per-officer > section.officer + section.officer { break-before: page; }")
    );
    assert!(css.contains("content: \"备注\""));
}

#[tokio::test]
async fn tasks_and_enterprises_are_found_by_filters_and_exported_to_xlsx() {
    let w = world().await;
    let cookie = cookie_of(&log_in(&w, "wang", WANG_PASSWORD).await);
    let page = |path: &str| get(w.addr, path).header("Cookie", &cookie).send();
    let r = page("/tasks?scope=mine&status=all&from=2023-01-01&to=2023-12-31").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("method=\"get\" action=\"/tasks\""),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("<option value=\"mine\" selected>"),
        "{}",
        r.body
    );
    let r = page("/tasks?from=July").await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("from：日期应形如"), "{}", r.body);
    let r = page("/tasks?status=all&format=xlsx").await;
    assert_eq!(r.status, 200);
    assert!(r.bytes.starts_with(b"PK"), "an XLSX file");
    assert!(
        r.header("content-disposition")
            .unwrap()
            .contains("tasks.xlsx")
    );

    let r = page("/enterprises?q=%E7%B2%BE%E5%AF%86").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("柳州精密机械有限公司"), "{}", r.body);
    assert!(r.body.contains("找到 1 家"), "{}", r.body);
    let r = page(&format!(
        "/enterprises?q={}",
        &w.factory.uscc.as_str()[..10]
    ))
    .await;
    assert!(
        r.body.contains("柳州精密机械有限公司"),
        "by USCC: {}",
        r.body
    );
    // By the name's pinyin initials (柳州精密机械: lzjmjx), in any case.
    let r = page("/enterprises?q=JMJX").await;
    assert!(
        r.body.contains("找到 1 家"),
        "by pinyin initials: {}",
        r.body
    );
    assert!(r.body.contains("柳州精密机械有限公司"), "{}", r.body);
    let r = page("/enterprises?q=jmjz").await;
    assert!(r.body.contains("没有符合条件的企业"), "{}", r.body);
    let r = page("/enterprises?q=nothing-like-it&sort=town").await;
    assert!(r.body.contains("没有符合条件的企业"), "{}", r.body);
    let r = page("/enterprises?sector=mining").await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = page("/enterprises?town=%E7%9F%B3%E9%BE%99%E9%95%87&format=xlsx").await;
    assert_eq!(r.status, 200);
    assert!(r.bytes.starts_with(b"PK"), "an XLSX file");
}

#[tokio::test]
async fn the_audit_page_says_whether_the_log_verifies() {
    let w = world().await;
    let cookie = cookie_of(&log_in(&w, "wang", WANG_PASSWORD).await);
    let r = get(w.addr, "/audit").header("Cookie", &cookie).send().await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("审计链完好"), "{}", r.body);
    assert!(r.body.contains("最近的记录"), "{}", r.body);
    assert!(r.body.contains("王伟"), "names, not logins: {}", r.body);
}

#[tokio::test]
async fn the_register_page_lists_the_firms_in_it_and_the_enterprise_page_says_its_status() {
    let w = world().await;
    w.service
        .change_register(
            &w.admin,
            peiyu_service::RegisterChange {
                enterprise: w.factory.uscc.to_string(),
                kind: peiyu_domain::RegisterKind::AboveScale,
                action: peiyu_service::RegisterAction::Enter {
                    month: peiyu_domain::YearMonth::parse("2023-03").unwrap(),
                    route: peiyu_domain::RegisterRoute::Annual,
                },
                on: None,
            },
        )
        .await
        .unwrap();
    let cookie = cookie_of(&log_in(&w, "wang", WANG_PASSWORD).await);
    let r = get(w.addr, "/register")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    for text in [
        "统计名录",
        "在库（家）",
        "柳州精密机械有限公司",
        "2023-03",
        "年度入库",
        "规上工业",
    ] {
        assert!(r.body.contains(text), "{text}: {}", r.body);
    }
    // 限上 only: the firm is not there; a bad kind is a page that says so.
    let r = get(w.addr, "/register?kind=above_limit&as_of=2023-06-30")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("柳州精密机械有限公司"), "{}", r.body);
    let r = get(w.addr, "/register?kind=big")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("规上"), "{}", r.body);
    let r = get(w.addr, &format!("/enterprises/{}", w.factory.uscc))
        .header("Cookie", &cookie)
        .send()
        .await;
    assert!(
        r.body.contains("规上工业 在库（2023-03 年度入库）"),
        "{}",
        r.body
    );
    let r = get(w.addr, "/progress?year=2023")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert!(r.body.contains("统计名录（在库）"), "{}", r.body);
}
