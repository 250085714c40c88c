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
