//! Every list of the API as a file: `?format=` (or `Accept`) gives CSV, XLSX, Markdown, a
//! printable HTML page, and for tasks iCalendar, laid out from the same JSON view, with words
//! for headers and values; a format a list is not offered in is a 422 naming `format`.

use crate::client::get;
use crate::world::world;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[tokio::test]
async fn every_list_comes_as_csv_xlsx_markdown_and_html() {
    let w = world().await;
    let r = get(w.addr, "/api/v1/batches/2023/entries")
        .bearer(&w.admin_token)
        .send()
        .await;
    assert_eq!(r.status, 405, "{}", r.body);
    let r = crate::client::post(w.addr, "/api/v1/batches/2023/entries")
        .bearer(&w.admin_token)
        .json(serde_json::json!({"enterprise": w.factory.uscc.as_str(), "batch": 2, "reason": "培育对象", "on": "2023-02-01"}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = crate::client::post(w.addr, "/api/v1/tasks")
        .bearer(&w.wang_token)
        .json(serde_json::json!({"enterprise": w.factory.uscc.as_str(), "kind": "visit", "title": "走访", "due": "5"}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = crate::client::post(w.addr, "/api/v1/targets")
        .bearer(&w.admin_token)
        .json(serde_json::json!({"year": 2023, "metric": "new_above_scale", "value": 12}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let uscc = w.factory.uscc.as_str();
    // (path, file name stem, a header in words, a value in words)
    let lists = [
        (
            "/api/v1/enterprises",
            "enterprises",
            "统一社会信用代码",
            "柳州精密机械有限公司",
        ),
        (
            "/api/v1/tasks?all=true",
            "tasks",
            "截止日期",
            "柳州精密机械有限公司",
        ),
        ("/api/v1/officers", "officers", "登录名", "王伟"),
        ("/api/v1/teams", "teams", "组长", ""),
        (
            "/api/v1/batches/2023",
            "batches-2023",
            "批次",
            "柳州精密机械有限公司",
        ),
        (
            &format!("/api/v1/enterprises/{uscc}/history") as &str,
            "history-",
            "事项",
            "立案培育",
        ),
        (
            "/api/v1/asof/2023-06-29",
            "asof-2023-06-29",
            "批次",
            "柳州精密机械有限公司",
        ),
        ("/api/v1/audit/log", "audit-log", "操作人", "王伟"),
        (
            "/api/v1/targets?year=2023",
            "targets-2023",
            "目标值",
            "新增规上工业企业",
        ),
        (
            "/api/v1/reports/progress?year=2023",
            "progress-2023",
            "指标",
            "新增规上工业企业",
        ),
    ];
    for (path, stem, header, value) in lists {
        let sep = if path.contains('?') { '&' } else { '?' };
        for (format, media) in [
            ("csv", "text/csv"),
            ("md", "text/markdown"),
            ("html", "text/html"),
            ("xlsx", XLSX),
        ] {
            let r = get(w.addr, &format!("{path}{sep}format={format}"))
                .bearer(&w.admin_token)
                .send()
                .await;
            assert_eq!(r.status, 200, "{path} {format}: {}", r.body);
            let kind = r.header("content-type").unwrap();
            assert!(kind.starts_with(media), "{path} {format}: {kind}");
            let disposition = r.header("content-disposition").unwrap();
            assert!(
                disposition.starts_with(&format!("attachment; filename=\"{stem}"))
                    && disposition.ends_with(&format!(".{format}\"")),
                "{path} {format}: {disposition}"
            );
            if format == "xlsx" {
                assert!(r.bytes.starts_with(b"PK"), "{path}: not a workbook");
                continue;
            }
            if !path.contains("progress") || format != "csv" {
                assert!(
                    r.body.contains(header),
                    "{path} {format}: no {header}\n{}",
                    r.body
                );
            }
            assert!(
                r.body.contains(value),
                "{path} {format}: no {value}\n{}",
                r.body
            );
            // Words, never the view's keys.
            for key in ["status_label", "\"open\"", "sector_label", "industry"] {
                assert!(!r.body.contains(key), "{path} {format}: {key}\n{}", r.body);
            }
        }
        // Without a format the list is JSON, as before.
        let r = get(w.addr, path).bearer(&w.admin_token).send().await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert!(
            r.header("content-type")
                .unwrap()
                .starts_with("application/json"),
            "{path}"
        );
        assert!(r.header("content-disposition").is_none(), "{path}");
    }
    // English headers for an English reader.
    let r = get(w.addr, "/api/v1/tasks?format=csv")
        .bearer(&w.wang_token)
        .header("Accept-Language", "en")
        .send()
        .await;
    assert!(
        r.body.contains("due") && !r.body.contains("截止日期"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn open_tasks_are_a_calendar_and_other_formats_are_named() {
    let w = world().await;
    let r = crate::client::post(w.addr, "/api/v1/tasks")
        .bearer(&w.wang_token)
        .json(serde_json::json!({"enterprise": w.factory.uscc.as_str(), "kind": "visit", "title": "日历走访", "due": "2023-07-10"}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let r = get(w.addr, "/api/v1/tasks")
        .bearer(&w.wang_token)
        .header("Accept", "text/calendar")
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("text/calendar")
    );
    assert!(r.body.contains(&format!("UID:{id}@peiyu")), "{}", r.body);
    assert!(r.body.contains("DTSTART;VALUE=DATE:20230710"), "{}", r.body);
    assert!(
        r.body.contains("日历走访 · 柳州精密机械有限公司"),
        "{}",
        r.body
    );
    // A calendar of officers, a terminal table of tasks: refused, naming the parameter.
    for path in [
        "/api/v1/officers?format=ics",
        "/api/v1/tasks?format=text",
        "/api/v1/teams?format=pdf",
    ] {
        let r = get(w.addr, path).bearer(&w.wang_token).send().await;
        assert_eq!(
            (r.status, r.field()),
            (422, "format".to_owned()),
            "{path}: {}",
            r.body
        );
    }
    // An Accept naming a format the list is not offered in gets JSON.
    let r = get(w.addr, "/api/v1/officers")
        .bearer(&w.wang_token)
        .header("Accept", "text/calendar")
        .send()
        .await;
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json"),
        "{}",
        r.body
    );
}

/// Follows `path` page by page (its `Link: rel="next"`), checking each page against
/// `next_cursor`; returns the items of every page in order.
async fn every_page(w: &crate::world::World, path: &str) -> Vec<serde_json::Value> {
    let mut items = Vec::new();
    let mut next = Some(path.to_owned());
    let mut pages = 0;
    while let Some(path) = next.take() {
        let r = get(w.addr, &path).bearer(&w.admin_token).send().await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        let page = r.json();
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match (page["next_cursor"].as_str(), r.header("link")) {
            (Some(cursor), Some(link)) => {
                let target = link
                    .strip_prefix('<')
                    .and_then(|l| l.strip_suffix(">; rel=\"next\""))
                    .unwrap();
                assert!(target.contains("cursor="), "{link}");
                assert!(
                    target.ends_with(&cursor.replace(':', "%3A")),
                    "{link} / {cursor}"
                );
                next = Some(target.to_owned());
            }
            (None, None) => {}
            other => panic!("next_cursor and Link disagree: {other:?}"),
        }
        pages += 1;
        assert!(pages < 100, "paging does not end");
    }
    items
}

#[tokio::test]
async fn long_lists_come_in_pages_with_the_clis_filters() {
    let w = world().await;
    for (n, name) in [(2, "柳州新材料有限公司"), (3, "石龙食品有限公司")] {
        let r = crate::client::post(w.addr, "/api/v1/enterprises")
            .bearer(&w.admin_token)
            .json(
                serde_json::json!({"uscc": crate::world::uscc(n).as_str(), "name": name,
                "sector": "industry", "town": "石龙镇", "officer": "wang"}),
            )
            .send()
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let r = crate::client::post(w.addr, "/api/v1/tasks")
            .bearer(&w.wang_token)
            .json(serde_json::json!({"enterprise": name, "kind": "visit", "title": format!("走访{n}"), "due": "5"}))
            .send()
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    for (whole, paged) in [
        ("/api/v1/audit/log", "/api/v1/audit/log?limit=4"),
        ("/api/v1/enterprises", "/api/v1/enterprises?limit=1"),
        ("/api/v1/tasks?all=true", "/api/v1/tasks?all=true&limit=1"),
    ] {
        let all = get(w.addr, whole)
            .bearer(&w.admin_token)
            .send()
            .await
            .json();
        let all = all.as_array().unwrap().clone();
        assert!(all.len() >= 2, "{whole}: {}", all.len());
        assert_eq!(every_page(&w, paged).await, all, "{paged}");
    }
    // A page as a file: the same rows.
    let r = get(w.addr, "/api/v1/enterprises?limit=1&format=csv")
        .bearer(&w.admin_token)
        .send()
        .await;
    assert_eq!(r.body.lines().count(), 2, "{}", r.body);
    assert!(r.header("link").is_some());
    // Bad limits and cursors are named.
    for path in [
        "/api/v1/tasks?limit=0",
        "/api/v1/tasks?limit=5000",
        "/api/v1/tasks?limit=2&cursor=nonsense",
        "/api/v1/tasks?cursor=2.x",
    ] {
        let r = get(w.addr, path).bearer(&w.admin_token).send().await;
        let want = if path.contains("cursor") {
            "cursor"
        } else {
            "limit"
        };
        assert_eq!(
            (r.status, r.field()),
            (422, want.to_owned()),
            "{path}: {}",
            r.body
        );
    }
    // The CLI's filters: by name, mine, and tasks about one enterprise.
    let r = get(w.addr, "/api/v1/enterprises?name=%E7%9F%B3%E9%BE%99")
        .bearer(&w.admin_token)
        .send()
        .await;
    let names: Vec<_> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].clone())
        .collect();
    assert_eq!(names, [serde_json::json!("石龙食品有限公司")], "{}", r.body);
    let r = get(w.addr, "/api/v1/enterprises?mine=true")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.json().as_array().unwrap().len(), 3, "{}", r.body);
    let r = get(
        w.addr,
        &format!("/api/v1/tasks?enterprise={}", crate::world::uscc(3)),
    )
    .bearer(&w.wang_token)
    .send()
    .await;
    let titles: Vec<_> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].clone())
        .collect();
    assert_eq!(titles, [serde_json::json!("走访3")], "{}", r.body);
}
