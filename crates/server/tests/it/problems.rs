//! Every error of the API is an RFC 9457 problem (`application/problem+json`) naming its input
//! in the API's own words: the service's refusals and axum's own (a body that is not JSON, no
//! such route, a wrong method, a body, target or headers too large, a wrong content type).

use serde_json::json;

use crate::client::{get, post};
use crate::world::{World, world};

fn advance_path(w: &World) -> String {
    format!(
        "/api/v1/enterprises/{}/cases/industrial/advance",
        w.factory.uscc
    )
}

#[tokio::test]
async fn a_problem_has_its_type_title_status_detail_instance_and_request_id() {
    let w = world().await;
    let r = get(w.addr, "/api/v1/enterprises/914500000000000000")
        .bearer(&w.wang_token)
        .header("X-Request-Id", "req-problem-1")
        .header("Accept-Language", "en")
        .send()
        .await;
    assert_eq!(r.status, 404);
    let p = r.problem();
    assert_eq!(p["type"], "urn:peiyu:problem:not_found");
    assert_eq!(p["title"], "Not found");
    assert_eq!(p["instance"], "/api/v1/enterprises/914500000000000000");
    assert_eq!(p["request_id"], "req-problem-1");
    assert!(p["detail"].as_str().unwrap().is_ascii(), "{}", r.body);
    // Chinese by default.
    let r = get(w.addr, "/api/v1/enterprises/914500000000000000")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.problem()["title"], "未找到");
    assert!(r.problem()["request_id"].as_str().is_some());
}

#[tokio::test]
async fn an_invalid_date_is_named_by_its_pointer_and_bad_json_is_a_400() {
    let w = world().await;
    let etag = "*";
    // 2023-02-30 does not exist: the field is named, not the body.
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", etag)
        .json(json!({"to": "cultivating", "on": "2023-02-30"}))
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.kind(), "invalid");
    assert_eq!(r.field(), "/on");
    assert_eq!(r.problem()["errors"][0]["pointer"], "/on");
    // A field of the wrong type, and an unknown one, by their pointers.
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", etag)
        .json(json!({"to": "cultivating", "dry_run": "yes"}))
        .send()
        .await;
    assert_eq!((r.status, r.field()), (422, "/dry_run".to_owned()));
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", etag)
        .json(json!({"to": "cultivating", "colour": "red"}))
        .send()
        .await;
    assert_eq!(
        (r.status, r.field()),
        (422, "/colour".to_owned()),
        "{}",
        r.body
    );
    // Not JSON at all: 400 about the whole body ("").
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", etag)
        .header("Content-Type", "application/json")
        .body(b"{\"to\": ")
        .send()
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.kind(), "bad_request");
    assert_eq!(r.problem()["errors"][0]["pointer"], "");
    // Not JSON by its content type: 415 naming the header.
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", etag)
        .form("to=cultivating")
        .send()
        .await;
    assert_eq!(r.status, 415, "{}", r.body);
    assert_eq!(r.kind(), "unsupported_media_type");
    assert_eq!(r.problem()["errors"][0]["header"], "Content-Type");
}

#[tokio::test]
async fn axums_own_refusals_are_problems_too() {
    let w = world().await;
    let r = get(w.addr, "/api/v1/nothing-here")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!((r.status, r.kind()), (404, "not_found".to_owned()));
    let r = get(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!((r.status, r.kind()), (405, "method_not_allowed".to_owned()));
    // A target over 8 KiB: 414.
    let long = format!("/api/v1/enterprises?town={}", "a".repeat(9000));
    let r = get(w.addr, &long).bearer(&w.wang_token).send().await;
    assert_eq!((r.status, r.kind()), (414, "uri_too_long".to_owned()));
    // Headers over 32 KiB: 431.
    let mut big = get(w.addr, "/api/v1/enterprises").bearer(&w.wang_token);
    for i in 0..40 {
        big = big.header(&format!("X-Padding-{i}"), &"p".repeat(1000));
    }
    let r = big.send().await;
    assert_eq!((r.status, r.kind()), (431, "headers_too_large".to_owned()));
    // A body over 1 MiB: 413, in English when asked.
    let r = post(w.addr, "/api/v1/calendar/notices")
        .bearer(&w.admin_token)
        .header("Accept-Language", "en")
        .json(json!({ "text": "x".repeat(1_100_000) }))
        .send()
        .await;
    assert_eq!((r.status, r.kind()), (413, "payload_too_large".to_owned()));
    assert!(r.problem()["detail"].as_str().unwrap().contains("1024 KiB"));
    // No token: 401 with its challenge.
    let r = get(w.addr, "/api/v1/tasks").send().await;
    assert_eq!((r.status, r.kind()), (401, "unauthorized".to_owned()));
    assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
}

#[tokio::test]
async fn every_error_response_in_the_openapi_document_is_a_problem() {
    let w = world().await;
    let doc = get(w.addr, "/api/v1/openapi.json").send().await.json();
    let mut errors = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            assert!(responses.contains_key("default"), "{method} {path}");
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') || status == "default" {
                    errors += 1;
                    let content = response["content"].as_object().unwrap();
                    assert_eq!(
                        content.keys().collect::<Vec<_>>(),
                        ["application/problem+json"],
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    assert!(errors > 50, "{errors}");
}
