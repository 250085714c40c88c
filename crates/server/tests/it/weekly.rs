//! `GET /api/v1/weekly`: the week's task list in every format, chosen by `?format=` or
//! `Accept`, the same bytes as `peiyu weekly`.

use peiyu_domain::Lang;
use peiyu_formats::weekly::{Format, render};
use peiyu_service::weekly_list::WeeklyQuery;

use crate::client::get;
use crate::world::world;

#[tokio::test]
async fn the_weekly_list_comes_in_every_format_the_cli_writes() {
    let w = world().await;
    let r = get(w.addr, "/api/v1/weekly")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    assert!(r.header("content-disposition").is_none());
    let list = w
        .service
        .weekly(&w.wang, WeeklyQuery::default())
        .await
        .unwrap();
    let expected = String::from_utf8(render(&list, Format::Json, Lang::Zh).unwrap()).unwrap();
    assert_eq!(r.body, expected, "the API's JSON is the CLI's");
    assert!(r.json()["overdue"].is_array(), "{}", r.body);

    for (format, media) in [
        ("csv", "text/csv"),
        ("md", "text/markdown"),
        ("html", "text/html"),
        ("ics", "text/calendar"),
        ("text", "text/plain"),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ] {
        let r = get(w.addr, &format!("/api/v1/weekly?format={format}"))
            .bearer(&w.wang_token)
            .send()
            .await;
        assert_eq!(r.status, 200, "{format}: {}", r.body);
        assert!(
            r.header("content-type").unwrap().starts_with(media),
            "{format}"
        );
        let disposition = r.header("content-disposition").unwrap();
        assert!(
            disposition.starts_with("attachment; filename=\"weekly-")
                && disposition.contains(&list.week.to_string()),
            "{format}: {disposition}"
        );
        if format == "xlsx" {
            assert!(r.bytes.starts_with(b"PK\x03\x04"), "an XLSX file is a zip");
        } else {
            let f: Format = format.parse().unwrap();
            let bytes = render(&list, f, Lang::Zh).unwrap();
            assert_eq!(r.bytes, bytes, "{format}");
        }
    }

    // Accept works when no format is named; English when asked.
    let r = get(w.addr, "/api/v1/weekly")
        .bearer(&w.wang_token)
        .header("Accept", "text/markdown, */*")
        .header("Accept-Language", "en")
        .send()
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("text/markdown")
    );
    let en = String::from_utf8(render(&list, Format::Md, Lang::En).unwrap()).unwrap();
    assert_eq!(r.body, en);

    // A past week, and bad input named by its parameter.
    let r = get(w.addr, "/api/v1/weekly?week=2023-W27")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["week"], "2023-W27", "{}", r.body);
    for (query, field) in [
        ("format=pdf", "format"),
        ("week=2023-W60", "week"),
        ("as_of=2023-02-29", "as_of"),
    ] {
        let r = get(w.addr, &format!("/api/v1/weekly?{query}"))
            .bearer(&w.wang_token)
            .send()
            .await;
        assert_eq!(r.status, 422, "{query}: {}", r.body);
        assert_eq!(r.field(), field, "{query}: {}", r.body);
    }
    // The bureau's list is for leaders and admins.
    let r = get(w.addr, "/api/v1/weekly?all=true")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = get(w.addr, "/api/v1/weekly?all=true")
        .bearer(&w.admin_token)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn answers_are_gzipped_when_asked_and_bodies_are_bounded() {
    let w = world().await;
    let r = get(w.addr, "/api/v1/weekly?format=html")
        .bearer(&w.wang_token)
        .header("Accept-Encoding", "gzip")
        .send()
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert!(r.bytes.starts_with(&[0x1f, 0x8b]), "a gzip stream");
    let plain = get(w.addr, "/api/v1/weekly?format=html")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(plain.header("content-encoding"), None);
    assert!(plain.body.contains("<section"));

    // A body over 1 MiB is refused before it is read, and nothing is loaded.
    let text = "一".repeat(400_000);
    let r = crate::client::post(w.addr, "/api/v1/calendar/notices")
        .bearer(&w.admin_token)
        .json(serde_json::json!({ "text": text }))
        .send()
        .await;
    assert_eq!(r.status, 413, "{}", r.body);
}
