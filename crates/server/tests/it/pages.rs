//! The web pages: logging in with a token, and each page rendering in Chinese (and English).

use crate::client::{get, post};
use crate::world::world;

#[tokio::test]
async fn logging_in_sets_an_http_only_cookie_and_the_pages_render_in_chinese() {
    let w = world().await;
    let r = get(w.addr, "/").send().await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.body.contains("访问令牌"), "{}", r.body);
    assert!(!r.body.contains("<script"), "no scripts");
    assert!(
        !r.body.contains("http://") && !r.body.contains("https://"),
        "nothing fetched from elsewhere"
    );

    // Not logged in: the pages send the browser to the login form.
    let r = get(w.addr, "/week").send().await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/?lang=zh"));

    let r = post(w.addr, "/login")
        .form("token=py_nope&lang=zh")
        .send()
        .await;
    assert_eq!(r.status, 401);
    assert!(r.body.contains("令牌无效"));

    let r = post(w.addr, "/login")
        .form(&format!("token={}&lang=zh", w.wang_token))
        .send()
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let set_cookie = r.header("set-cookie").unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap().to_owned();

    let page = |path: &str| get(w.addr, path).header("Cookie", &cookie).send();
    let r = page("/week").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("我的一周"), "{}", r.body);
    assert!(r.body.contains("逾期（"));
    assert!(r.body.contains("王伟"));

    let r = page(&format!("/enterprises/{}", w.factory.uscc)).await;
    assert_eq!(r.status, 200, "{}", r.body);
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
    assert!(r.body.contains("待办任务"));

    let r = page("/progress?year=2023").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("目标进度"));

    // English on request; a bearer token works for pages too.
    let r = get(w.addr, "/week?lang=en")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("My week"));
    assert!(r.body.contains("lang=\"en\""));

    let r = post(w.addr, "/logout")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(r.status, 303);
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
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
        .form(&format!("token={}&lang=zh", w.wang_token))
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
