//! The statistical register over HTTP: `GET /register` (JSON and files) and `POST
//! /enterprises/{key}/register` (enter, exit, refusals, the same key answered once).

use crate::client::{get, post};
use crate::world::world;

#[tokio::test]
async fn the_register_is_entered_left_and_listed_over_the_api() {
    let w = world().await;
    let path = format!("/api/v1/enterprises/{}/register", w.factory.uscc);
    // An officer may not enter his own firm: a lead or an admin does.
    let r = post(w.addr, &path)
        .bearer(&w.wang_token)
        .json(serde_json::json!({"action": "enter", "kind": "规上", "month": "2023-03"}))
        .send()
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let enter = || {
        post(w.addr, &path)
            .bearer(&w.admin_token)
            .header("Idempotency-Key", "enter-1")
            .json(serde_json::json!({"action": "enter", "kind": "规上", "month": "2023-03", "route": "年度"}))
    };
    let first = enter().send().await;
    assert_eq!(first.status, 201, "{}", first.body);
    let body = first.json();
    assert_eq!(body["period"]["kind"], "above_scale");
    assert_eq!(body["period"]["kind_label"], "规上工业");
    assert_eq!(body["period"]["route"], "annual");
    assert_eq!(body["period"]["source"], "hand");
    // The same key: the first answer, nothing entered twice.
    let again = enter().send().await;
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, first.body);
    // Without a key, entering again is refused naming the month.
    let r = post(w.addr, &path)
        .bearer(&w.admin_token)
        .json(serde_json::json!({"action": "enter", "kind": "above_scale", "month": "2023-04"}))
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.field(), "/month", "{}", r.body);
    // Bad input is named by its pointer.
    for (body, field) in [
        (
            serde_json::json!({"action": "leave", "kind": "规上", "month": "2023-04"}),
            "/action",
        ),
        (
            serde_json::json!({"action": "enter", "kind": "大型", "month": "2023-04"}),
            "/kind",
        ),
        (
            serde_json::json!({"action": "enter", "kind": "规上", "month": "2023-13"}),
            "/month",
        ),
        (
            serde_json::json!({"action": "enter", "kind": "规上", "month": "2023-04", "route": "季度"}),
            "/route",
        ),
    ] {
        let r = post(w.addr, &path)
            .bearer(&w.admin_token)
            .json(body)
            .send()
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.field(), field, "{}", r.body);
    }
    // The register as of May: the firm, its route, the counts.
    let r = get(w.addr, "/api/v1/register?as_of=2023-05-31")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let list = r.json();
    assert_eq!(list["rows"][0]["seq"], 1);
    assert_eq!(
        list["rows"][0]["enterprise"]["name"],
        "柳州精密机械有限公司"
    );
    assert_eq!(list["rows"][0]["route_label"], "年度入库");
    assert_eq!(list["counts"][0]["in_register"], 1);
    assert_eq!(list["counts"][1]["kind"], "above_limit");
    // As a file.
    let r = get(w.addr, "/api/v1/register?as_of=2023-05-31&format=csv")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("序号,企业名称"), "{}", r.body);
    assert!(r.body.contains("柳州精密机械有限公司"), "{}", r.body);
    let r = get(w.addr, "/api/v1/register?format=ics")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 422);
    // Leaving needs a reason; then the firm is out from its exit month.
    let r = post(w.addr, &path)
        .bearer(&w.admin_token)
        .json(serde_json::json!({"action": "exit", "kind": "规上", "month": "2023-06"}))
        .send()
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.field(), "/reason", "{}", r.body);
    let r = post(w.addr, &path)
        .bearer(&w.admin_token)
        .json(serde_json::json!({"action": "exit", "kind": "规上", "month": "2023-06", "reason": "停产"}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["period"]["exited"], "2023-06");
    let r = get(w.addr, "/api/v1/register?as_of=2023-06-30&kind=规上")
        .bearer(&w.wang_token)
        .send()
        .await;
    let list = r.json();
    assert_eq!(list["rows"].as_array().map(Vec::len), Some(0));
    assert_eq!(list["counts"][0]["exited_in_year"], 1);
    // The enterprise's own answer carries its stays.
    let r = get(w.addr, &format!("/api/v1/enterprises/{}", w.factory.uscc))
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.json()["register"][0]["exit_reason"], "停产");
}
