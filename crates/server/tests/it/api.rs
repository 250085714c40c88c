//! The JSON API: authentication, listing, optimistic locking with ETag/If-Match, idempotent
//! advances, error bodies and the OpenAPI document.

use serde_json::json;

use crate::client::{get, post};
use crate::world::world;

#[tokio::test]
async fn without_a_valid_token_the_api_answers_401_but_health_and_openapi_are_open() {
    let w = world().await;
    let r = get(w.addr, "/api/v1/enterprises").send().await;
    assert_eq!(r.status, 401, "{}", r.body);
    assert_eq!(r.kind(), "unauthorized");
    assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
    // Chinese by default, English when asked.
    assert!(r.json()["detail"].as_str().unwrap().contains("令牌"));
    let r = get(w.addr, "/api/v1/enterprises")
        .header("Accept-Language", "en-US,en;q=0.9")
        .send()
        .await;
    assert!(r.json()["detail"].as_str().unwrap().contains("token"));

    let r = get(w.addr, "/api/v1/enterprises")
        .bearer("py_0000000000000000000000000000000000000000000000000000000000000000")
        .send()
        .await;
    assert_eq!(r.status, 401);
    let r = get(w.addr, "/api/v1/tasks")
        .header("Cookie", &format!("peiyu_token={}", w.admin_token))
        .send()
        .await;
    assert_eq!(
        r.status, 401,
        "the API takes bearer tokens only, not the page cookie"
    );

    let r = get(w.addr, "/api/v1/health").send().await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "ok");
    let r = get(w.addr, "/api/v1/openapi.json").send().await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn a_token_lists_and_shows_enterprises() {
    let w = world().await;
    let r = get(w.addr, "/api/v1/enterprises")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let list = r.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["uscc"], w.factory.uscc.as_str());
    assert_eq!(list[0]["name"], "柳州精密机械有限公司");
    assert_eq!(list[0]["sector"], "industry");
    assert_eq!(list[0]["sector_label"], "工业");
    assert_eq!(list[0]["responsible"]["login"], "wang");

    let r = get(w.addr, "/api/v1/enterprises?sector=retail")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.json().as_array().unwrap().len(), 0);
    let r = get(w.addr, "/api/v1/enterprises?sector=mining")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.field(), "sector");

    let path = format!("/api/v1/enterprises/{}", w.factory.uscc);
    let r = get(w.addr, &path).bearer(&w.wang_token).send().await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["enterprise"]["town"], "石龙镇");
    let r = get(w.addr, "/api/v1/enterprises/914500000000000000")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(r.kind(), "not_found");

    for path in [
        "/api/v1/tasks",
        "/api/v1/reports/progress?year=2023",
        "/api/v1/audit/verify",
    ] {
        let r = get(w.addr, path).bearer(&w.admin_token).send().await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
    }
    let r = get(w.addr, "/api/v1/audit/verify")
        .bearer(&w.admin_token)
        .send()
        .await;
    assert_eq!(r.json()["ok"], true);
    // Rebuilt from the audit log alone, the progress report and the as-of lists say the same
    // as from the tables (the audit verifies).
    for (path, from_log) in [
        (
            "/api/v1/reports/progress?year=2023&as_of=2023-06-30",
            "/api/v1/reports/progress?year=2023&as_of=2023-06-30&from_log=true",
        ),
        (
            "/api/v1/asof/2023-06-30",
            "/api/v1/asof/2023-06-30?from_log=true",
        ),
    ] {
        let tables = get(w.addr, path).bearer(&w.admin_token).send().await;
        let log = get(w.addr, from_log).bearer(&w.admin_token).send().await;
        assert_eq!(
            (tables.status, log.status),
            (200, 200),
            "{path}: {}",
            log.body
        );
        assert_eq!(tables.json(), log.json(), "{path}");
    }
    let path = format!("/api/v1/enterprises/{}/history", w.factory.uscc);
    let r = get(w.addr, &path).bearer(&w.wang_token).send().await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.json()["entries"].as_array().unwrap().is_empty());
    let r = get(w.addr, "/api/v1/batches/2023")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 404, "no list yet: {}", r.body);
    let r = get(w.addr, "/api/v1/batches/twenty")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.field(), "year");
    let r = get(
        w.addr,
        &format!(
            "/api/v1/enterprises/{}/cases/industrial/advance",
            w.factory.uscc
        ),
    )
    .bearer(&w.wang_token)
    .send()
    .await;
    assert_eq!(r.status, 405, "{}", r.body);
    assert_eq!(r.kind(), "method_not_allowed");
    let r = get(w.addr, "/api/v1/nothing-here")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.kind(), "not_found");
}

/// The case's ETag and the whole case as JSON.
async fn case(w: &crate::world::World) -> (String, serde_json::Value) {
    let path = format!(
        "/api/v1/enterprises/{}/cases?track=industrial",
        w.factory.uscc
    );
    let r = get(w.addr, &path).bearer(&w.wang_token).send().await;
    assert_eq!(r.status, 200, "{}", r.body);
    let etag = r.header("etag").expect("an ETag").to_owned();
    let body = r.json();
    assert_eq!(body["cases"].as_array().unwrap().len(), 1);
    (etag, body["cases"][0].clone())
}

fn advance_path(w: &crate::world::World) -> String {
    format!(
        "/api/v1/enterprises/{}/cases/industrial/advance",
        w.factory.uscc
    )
}

#[tokio::test]
async fn advancing_needs_the_current_version_in_if_match() {
    let w = world().await;
    let (etag, before) = case(&w).await;
    assert_eq!(etag, format!("\"{}\"", before["version"]));
    assert_eq!(before["stage"], "candidate");
    assert!(
        before["moves"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["to"] == "cultivating")
    );

    // Without If-Match: 428, unless it is a dry run.
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .json(json!({"to": "cultivating", "reason": "进入培育"}))
        .send()
        .await;
    assert_eq!(r.status, 428, "{}", r.body);
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .json(json!({"to": "cultivating", "dry_run": true}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["applied"], false);

    // A stale version: 409 with the service's message, and nothing changes.
    let stale = format!("\"{}\"", before["version"].as_i64().unwrap() + 5);
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", &stale)
        .json(json!({"to": "cultivating", "reason": "进入培育"}))
        .send()
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.kind(), "conflict");
    // The problem carries the version to GET again and decide from.
    assert_eq!(r.problem()["current_etag"], etag.as_str(), "{}", r.body);
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("柳州精密机械有限公司")
    );
    let (etag_after, after) = case(&w).await;
    assert_eq!(etag_after, etag);
    assert_eq!(after["stage"], "candidate");
    assert_eq!(after["history"], before["history"]);

    // The right version: 200 and the new ETag.
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", &etag)
        .json(json!({"to": "cultivating", "reason": "进入培育"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    assert_eq!(body["applied"], true);
    assert_eq!(body["to"], "cultivating");
    let new_version = before["version"].as_i64().unwrap() + 1;
    assert_eq!(body["version"], new_version);
    assert_eq!(r.header("etag").unwrap(), format!("\"{new_version}\""));
    let (etag_now, now) = case(&w).await;
    assert_eq!(etag_now, format!("\"{new_version}\""));
    assert_eq!(now["stage"], "cultivating");

    // The old ETag is stale now.
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", &etag)
        .json(json!({"to": "qualified"}))
        .send()
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
}

#[tokio::test]
async fn a_repeated_idempotency_key_answers_with_the_first_result_and_moves_once() {
    let w = world().await;
    let (etag, before) = case(&w).await;
    let send = || {
        post(w.addr, &advance_path(&w))
            .bearer(&w.wang_token)
            .header("If-Match", &etag)
            .header("Idempotency-Key", "req-2023-06-30-001")
            .json(json!({"to": "cultivating", "reason": "进入培育"}))
            .send()
    };
    let first = send().await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.header("idempotent-replayed"), None);
    let again = send().await;
    assert_eq!(again.status, 200, "{}", again.body);
    // The first answer, verbatim, marked as a replay by its header.
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.body, again.body);
    assert_eq!(first.header("etag"), again.header("etag"));
    assert_eq!(first.json()["replayed"], false);

    let (_, after) = case(&w).await;
    let moves_before = before["history"].as_array().unwrap().len();
    let moves_after = after["history"].as_array().unwrap().len();
    assert_eq!(moves_after, moves_before + 1, "exactly one transition");

    // Another move takes the case on; the retry still answers with the first version and ETag.
    let (now, _) = case(&w).await;
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", &now)
        .json(json!({"to": "withdrawn", "reason": "企业迁出"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_ne!(r.header("etag"), first.header("etag"));
    let late = send().await;
    assert_eq!(late.status, 200, "{}", late.body);
    assert_eq!(late.header("idempotent-replayed"), Some("true"));
    assert_eq!(late.body, first.body);
    assert_eq!(late.header("etag"), first.header("etag"));

    // The same key for another move is refused, naming the header.
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", "*")
        .header("Idempotency-Key", "req-2023-06-30-001")
        .json(json!({"to": "withdrawn", "reason": "企业迁出"}))
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.field(), "Idempotency-Key");
    let message = r.json()["detail"].as_str().unwrap().to_owned();
    assert!(message.starts_with("Idempotency-Key"), "{message}");
}

#[tokio::test]
async fn a_task_done_with_an_idempotency_key_is_replayed_and_the_key_is_bound_to_its_task() {
    let w = world().await;
    let (etag, _) = case(&w).await;
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", &etag)
        .json(json!({"to": "cultivating", "reason": "进入培育"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let created = r.json()["tasks_created"].as_array().unwrap().clone();
    assert!(created.len() >= 2, "{created:?}");
    let short = |i: usize| created[i]["short_id"].as_str().unwrap().to_owned();
    let done = |id: String| {
        post(w.addr, &format!("/api/v1/tasks/{id}/done"))
            .bearer(&w.wang_token)
            .header("Accept-Language", "en")
            .header("Idempotency-Key", "done-2023-06-30-001")
            .json(json!({"note": "已走访"}))
            .send()
    };
    let first = done(short(0)).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.json()["status"], "done");
    let again = done(short(0)).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, first.body);

    // The same key for another task: refused, naming the header, and that task stays open.
    let other = done(short(1)).await;
    assert_eq!(other.status, 422, "{}", other.body);
    let body = other.json();
    assert_eq!(other.field(), "Idempotency-Key");
    let message = body["detail"].as_str().unwrap();
    assert!(
        message.contains("Idempotency-Key") && message.contains("was used for another request"),
        "{message}"
    );
    let r = get(w.addr, "/api/v1/tasks")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.json().as_array().unwrap().len(), created.len() - 1);
}

#[tokio::test]
async fn a_422_names_the_field_in_the_requested_language() {
    let w = world().await;
    let (etag, _) = case(&w).await;
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", &etag)
        .json(json!({"to": "Not A Stage!"}))
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.kind(), "invalid");
    assert_eq!(r.field(), "/to");

    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", &etag)
        .header("Accept-Language", "en")
        .json(json!({"reason": "no target"}))
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.field(), "/to");
    assert!(r.json()["detail"].as_str().unwrap().is_ascii());

    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", "version three")
        .json(json!({"to": "cultivating"}))
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.field(), "If-Match");

    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", &etag)
        .json(json!({"to": "cultivating", "on": "2099-01-01"}))
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.field(), "/on");
}

#[tokio::test]
async fn tasks_are_listed_and_completed() {
    let w = world().await;
    let (etag, _) = case(&w).await;
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", &etag)
        .json(json!({"to": "cultivating", "reason": "进入培育"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let created = r.json()["tasks_created"].as_array().unwrap().clone();
    assert!(!created.is_empty(), "entering cultivating creates tasks");

    let r = get(w.addr, "/api/v1/tasks")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let tasks = r.json();
    let tasks = tasks.as_array().unwrap();
    assert_eq!(tasks.len(), created.len());
    assert_eq!(tasks[0]["status"], "open");
    assert_eq!(tasks[0]["enterprise"]["uscc"], w.factory.uscc.as_str());

    let short = tasks[0]["short_id"].as_str().unwrap();
    let r = post(w.addr, &format!("/api/v1/tasks/{short}/done"))
        .bearer(&w.wang_token)
        .json(json!({"note": "已走访"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "done");
    let r = get(w.addr, "/api/v1/tasks")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.json().as_array().unwrap().len(), created.len() - 1);
    let r = get(w.addr, "/api/v1/tasks?all=true")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.json().as_array().unwrap().len(), created.len());
}

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let w = world().await;
    let r = get(w.addr, "/api/v1/openapi.json").send().await;
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with('3'));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/health", "get"),
        ("/api/v1/enterprises", "get"),
        ("/api/v1/enterprises/{key}", "get"),
        ("/api/v1/enterprises/{key}/cases", "get"),
        ("/api/v1/enterprises/{key}/cases/{track}/advance", "post"),
        ("/api/v1/enterprises/{key}/history", "get"),
        ("/api/v1/tasks", "get"),
        ("/api/v1/tasks/{id}/done", "post"),
        ("/api/v1/batches/{year}", "get"),
        ("/api/v1/reports/progress", "get"),
        ("/api/v1/audit/verify", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "the document lacks {method} {path}"
        );
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert!(doc["components"]["schemas"]["AdvanceRequest"].is_object());
}

/// The factory's audit entries after its first `skip`, newest last.
async fn entries_after(w: &crate::world::World, skip: usize) -> Vec<peiyu_service::AuditEntry> {
    let query = peiyu_service::AuditQuery {
        enterprise: Some(w.factory.uscc.to_string()),
        ..peiyu_service::AuditQuery::default()
    };
    let log = w.service.audit_log(&w.admin, &query).await.unwrap();
    log.into_iter().skip(skip).collect()
}

#[tokio::test]
async fn every_response_names_its_request_and_the_audit_entries_carry_it() {
    let w = world().await;
    // Without X-Request-Id the server makes one (a UUID v7).
    let r = get(w.addr, "/api/v1/health").send().await;
    let made = r.header("x-request-id").expect("an X-Request-Id");
    assert_eq!(uuid::Uuid::parse_str(made).unwrap().get_version_num(), 7);
    // An unusable one is replaced.
    let r = get(w.addr, "/api/v1/health")
        .header("X-Request-Id", &"x".repeat(200))
        .send()
        .await;
    assert_eq!(r.header("x-request-id").unwrap().len(), 36);

    // A client's id comes back and lands in every entry the request writes.
    let (etag, _) = case(&w).await;
    let seen = entries_after(&w, 0).await.len();
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", &etag)
        .header("X-Request-Id", "trace-2023-06-30-a")
        .json(json!({"to": "cultivating", "reason": "进入培育"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("x-request-id"), Some("trace-2023-06-30-a"));
    let written = entries_after(&w, seen).await;
    assert!(written.len() > 1, "{written:?}");
    for e in &written {
        assert_eq!(e.request_id.as_deref(), Some("trace-2023-06-30-a"), "{e:?}");
    }

    // An advance's Idempotency-Key is its entries' request id.
    let (etag, _) = case(&w).await;
    let seen = seen + written.len();
    let r = post(w.addr, &advance_path(&w))
        .bearer(&w.wang_token)
        .header("If-Match", &etag)
        .header("X-Request-Id", "trace-2023-06-30-b")
        .header("Idempotency-Key", "req-2023-06-30-002")
        .json(json!({"to": "withdrawn", "reason": "企业迁出"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("x-request-id"), Some("trace-2023-06-30-b"));
    let written = entries_after(&w, seen).await;
    assert!(!written.is_empty());
    for e in &written {
        assert_eq!(e.request_id.as_deref(), Some("req-2023-06-30-002"), "{e:?}");
    }
}
