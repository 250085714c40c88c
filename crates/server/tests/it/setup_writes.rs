//! The rest of the CLI's writes over HTTP: bulk transfer, completing a task at a version,
//! copying, publishing and accepting suggestions for a four-batches list, targets, loading and
//! validating tracks, migrating a case, and tokens — each through the CLI's use case, each
//! honouring `Idempotency-Key`.

use serde_json::json;

use crate::client::{get, post};
use crate::world::world;

fn task_add(w: &crate::world::World, title: &str) -> crate::client::Request {
    post(w.addr, "/api/v1/tasks").bearer(&w.wang_token).json(
        json!({"enterprise": w.factory.uscc.as_str(), "kind": "visit", "title": title, "due": "5"}),
    )
}

#[tokio::test]
async fn a_lead_hands_every_open_task_of_an_officer_to_another_once_per_key() {
    let w = world().await;
    let r = post(w.addr, "/api/v1/officers")
        .bearer(&w.admin_token)
        .json(json!({"login": "li", "name": "李明"}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    for title in ["走访一", "走访二"] {
        let r = task_add(&w, title).send().await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let open_of = |login: &'static str| {
        let w = &w;
        async move {
            let r = get(w.addr, &format!("/api/v1/tasks?officer={login}"))
                .bearer(&w.admin_token)
                .send()
                .await;
            assert_eq!(r.status, 200, "{}", r.body);
            r.json().as_array().unwrap().len()
        }
    };
    let wang_had = open_of("wang").await;
    assert!(wang_had >= 2, "wang has {wang_had} open tasks");
    let transfer = |token: &str, key: &str, body: serde_json::Value| {
        post(w.addr, "/api/v1/tasks/transfers")
            .bearer(token)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
    };
    let body = json!({"from": "wang", "to": "li", "reason": "岗位调整"});
    // An officer may not; a missing reason and an unknown officer are named.
    let r = transfer(&w.wang_token, "bulk-0", body.clone()).await;
    r.assert_kind(403, "forbidden");
    let r = transfer(
        &w.admin_token,
        "bulk-1",
        json!({"from": "wang", "to": "li", "reason": " "}),
    )
    .await;
    r.assert_field(422, "/reason");
    let r = transfer(
        &w.admin_token,
        "bulk-2",
        json!({"from": "nobody", "to": "li", "reason": "x"}),
    )
    .await;
    r.assert_field(422, "/from");
    assert_eq!(open_of("li").await, 0);

    let first = transfer(&w.admin_token, "bulk-3", body.clone()).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.json()["transferred"], json!(wang_had));
    assert_eq!(
        (first.json()["from"].clone(), first.json()["to"].clone()),
        (json!("wang"), json!("li"))
    );
    assert_eq!((open_of("wang").await, open_of("li").await), (0, wang_had));
    // The repeat replays the first answer and moves nothing again.
    let again = transfer(&w.admin_token, "bulk-3", body).await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, first.body);
    // The audit log has one transfer per task.
    let log = get(w.addr, "/api/v1/audit/log?action=task.transfer")
        .bearer(&w.admin_token)
        .send()
        .await;
    assert_eq!(log.status, 200, "{}", log.body);
    assert_eq!(
        log.json().as_array().unwrap().len(),
        wang_had,
        "{}",
        log.body
    );
}

#[tokio::test]
async fn a_task_is_done_only_at_the_version_read_when_if_match_says_so() {
    let w = world().await;
    let r = task_add(&w, "核实数据").send().await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let done = format!("/api/v1/tasks/{id}/done");
    let r = post(w.addr, &done)
        .bearer(&w.wang_token)
        .header("If-Match", "\"2\"")
        .json(json!({"note": "已核实"}))
        .send()
        .await;
    r.assert_kind(409, "conflict");
    assert_eq!(r.problem()["current_etag"], "\"1\"");
    let r = get(w.addr, &format!("/api/v1/tasks/{id}"))
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.json()["status"], "open", "{}", r.body);
    let r = post(w.addr, &done)
        .bearer(&w.wang_token)
        .header("If-Match", "\"1\"")
        .header("Idempotency-Key", "done-1")
        .json(json!({"note": "已核实"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("etag"), Some("\"2\""));
    assert_eq!(r.json()["status"], "done");
    // A retry with the (now stale) tag replays the first answer.
    let again = post(w.addr, &done)
        .bearer(&w.wang_token)
        .header("If-Match", "\"1\"")
        .header("Idempotency-Key", "done-1")
        .json(json!({"note": "已核实"}))
        .send()
        .await;
    assert_eq!(
        (again.status, again.header("idempotent-replayed")),
        (200, Some("true"))
    );
    assert_eq!(again.body, r.body);
}

#[tokio::test]
async fn a_list_is_copied_published_and_suggestions_are_taken_onto_it() {
    let w = world().await;
    let r = post(w.addr, "/api/v1/batches/2022/entries")
        .bearer(&w.admin_token)
        .json(json!({"enterprise": w.factory.uscc.as_str(), "batch": 3, "reason": "年度名单", "on": "2022-03-01"}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let copy = |token: &str, key: &str| {
        post(w.addr, "/api/v1/batches/2023/copy")
            .bearer(token)
            .header("Idempotency-Key", key)
            .json(json!({"on": "2023-01-02"}))
            .send()
    };
    let r = copy(&w.wang_token, "copy-0").await;
    assert_eq!(r.status, 403, "{}", r.body);
    let first = copy(&w.admin_token, "copy-1").await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.json()["year"], 2023);
    assert_eq!(first.json()["status"], "draft");
    assert_eq!(first.json()["entries"][0]["batch"], 3, "{}", first.body);
    let again = copy(&w.admin_token, "copy-1").await;
    assert_eq!(
        (again.status, again.header("idempotent-replayed")),
        (201, Some("true"))
    );
    assert_eq!(again.body, first.body);
    let r = copy(&w.admin_token, "copy-2").await;
    r.assert_kind(422, "invalid");

    // Publishing needs the list's ETag.
    let list = get(w.addr, "/api/v1/batches/2023")
        .bearer(&w.wang_token)
        .send()
        .await;
    let tag = list.header("etag").unwrap().to_owned();
    let publish = "/api/v1/batches/2023/publish";
    let r = post(w.addr, publish).bearer(&w.admin_token).send().await;
    r.assert_field(428, "If-Match");
    let r = post(w.addr, publish)
        .bearer(&w.admin_token)
        .header("If-Match", "\"99\"")
        .send()
        .await;
    r.assert_stale(&tag);
    let r = post(w.addr, publish)
        .bearer(&w.admin_token)
        .header("If-Match", &tag)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "published");
    assert_ne!(r.header("etag"), Some(tag.as_str()));
    let r = post(w.addr, publish)
        .bearer(&w.admin_token)
        .header("If-Match", "*")
        .send()
        .await;
    r.assert_kind(422, "invalid");

    // Suggestions: one enterprise or all, never both or neither.
    let accept = "/api/v1/batches/2023/suggestions/accept";
    let r = post(w.addr, accept)
        .bearer(&w.admin_token)
        .json(json!({}))
        .send()
        .await;
    r.assert_field(422, "/enterprise");
    let r = post(w.addr, accept)
        .bearer(&w.wang_token)
        .json(json!({"all": true}))
        .send()
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let suggestions = get(w.addr, "/api/v1/batches/2023/suggestions")
        .bearer(&w.admin_token)
        .send()
        .await;
    let suggested: Vec<_> = suggestions
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["batch"].is_null())
        .cloned()
        .collect();
    let r = post(w.addr, accept)
        .bearer(&w.admin_token)
        .header("Idempotency-Key", "accept-1")
        .json(json!({"all": true}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let moves = r.json().as_array().unwrap().len();
    assert!(
        moves <= suggested.len(),
        "{} moves for {} suggestions",
        moves,
        suggested.len()
    );
    let again = post(w.addr, accept)
        .bearer(&w.admin_token)
        .header("Idempotency-Key", "accept-1")
        .json(json!({"all": true}))
        .send()
        .await;
    assert_eq!(
        (again.status, again.header("idempotent-replayed")),
        (200, Some("true"))
    );
    // Overriding the suggestion for one enterprise needs a reason.
    let r = post(w.addr, accept)
        .bearer(&w.admin_token)
        .json(json!({"enterprise": w.factory.uscc.as_str(), "batch": 1}))
        .send()
        .await;
    r.assert_kind(422, "invalid");
}

#[tokio::test]
async fn targets_are_set_by_leaders_and_admins_once_per_key() {
    let w = world().await;
    let set = |token: &str, key: &str, value: i64| {
        post(w.addr, "/api/v1/targets")
            .bearer(token)
            .header("Idempotency-Key", key)
            .json(json!({"year": 2023, "metric": "new_above_scale", "value": value}))
            .send()
    };
    let r = set(&w.wang_token, "target-0", 12).await;
    r.assert_kind(403, "forbidden");
    let first = set(&w.admin_token, "target-1", 12).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(
        (
            first.json()["value"].clone(),
            first.json()["previous"].clone()
        ),
        (json!(12), json!(null))
    );
    assert_eq!(
        first.json()["label"],
        "新增规上工业企业（家）",
        "{}",
        first.body
    );
    let again = set(&w.admin_token, "target-1", 12).await;
    assert_eq!(
        (again.header("idempotent-replayed"), again.body.clone()),
        (Some("true"), first.body.clone())
    );
    let r = set(&w.admin_token, "target-2", 15).await;
    assert_eq!(r.json()["previous"], 12, "{}", r.body);
    let r = post(w.addr, "/api/v1/targets")
        .bearer(&w.admin_token)
        .json(json!({"year": 2023, "metric": "profit", "value": 1}))
        .send()
        .await;
    r.assert_field(422, "/metric");
    let r = get(w.addr, "/api/v1/targets?year=2023")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert!(r.body.contains("\"value\":15"), "{}", r.body);
}

/// The shipped industrial track, changed enough to be a new version.
fn industrial_v2() -> String {
    include_str!("../../../workflow/tracks/industrial.toml")
        .replace("version = \"2024.1\"", "version = \"2024.2\"")
}

#[tokio::test]
async fn tracks_are_validated_and_loaded_and_a_case_migrated_at_its_version() {
    let w = world().await;
    let text = |path: &str, token: &str, body: &str| {
        post(w.addr, path)
            .bearer(token)
            .header("Content-Type", "text/plain; charset=utf-8")
            .body(body.as_bytes())
    };
    // Validating changes nothing and lists every problem.
    let r = text(
        "/api/v1/tracks/validate",
        &w.wang_token,
        "key = \"x\"\nstart = \"nowhere\"\n",
    )
    .send()
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["valid"], false);
    assert!(
        !r.json()["problems"].as_array().unwrap().is_empty(),
        "{}",
        r.body
    );
    assert!(
        r.json()["problems"][0]["line"].as_u64().is_some(),
        "{}",
        r.body
    );
    let r = text("/api/v1/tracks/validate", &w.wang_token, &industrial_v2())
        .send()
        .await;
    assert_eq!(
        (r.json()["valid"].clone(), r.json()["track"].clone()),
        (json!(true), json!("industrial")),
        "{}",
        r.body
    );
    let r = get(w.addr, "/api/v1/tracks/industrial")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.json()["version"], 1, "{}", r.body);
    let r = post(w.addr, "/api/v1/tracks/validate")
        .bearer(&w.wang_token)
        .json(json!({"text": "x"}))
        .send()
        .await;
    r.assert_field(415, "Content-Type");

    // Loading: admins only; the same text again changes nothing; a bad one names the body.
    let r = text("/api/v1/tracks", &w.wang_token, &industrial_v2())
        .send()
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = text("/api/v1/tracks", &w.admin_token, "key = \"x\"\n")
        .send()
        .await;
    assert_eq!((r.status, r.field()), (422, String::new()), "{}", r.body);
    let first = text("/api/v1/tracks", &w.admin_token, &industrial_v2())
        .header("Idempotency-Key", "track-1")
        .send()
        .await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(
        (first.json()["version"].clone(), first.json()["new"].clone()),
        (json!(2), json!(true))
    );
    let again = text("/api/v1/tracks", &w.admin_token, &industrial_v2())
        .header("Idempotency-Key", "track-1")
        .send()
        .await;
    assert_eq!(
        (again.status, again.header("idempotent-replayed")),
        (201, Some("true"))
    );
    let r = text("/api/v1/tracks", &w.admin_token, &industrial_v2())
        .send()
        .await;
    assert_eq!(
        (r.status, r.json()["new"].clone()),
        (200, json!(false)),
        "{}",
        r.body
    );

    // The factory's case moves onto version 2 at the version read.
    let cases = format!("/api/v1/enterprises/{}/cases", w.factory.uscc);
    let r = get(w.addr, &format!("{cases}?track=industrial"))
        .bearer(&w.wang_token)
        .send()
        .await;
    let tag = r.header("etag").unwrap().to_owned();
    let migrate = format!("{cases}/industrial/migrate");
    let r = post(w.addr, &migrate)
        .bearer(&w.admin_token)
        .json(json!({"reason": "流程修订"}))
        .send()
        .await;
    r.assert_field(428, "If-Match");
    let r = post(w.addr, &migrate)
        .bearer(&w.wang_token)
        .header("If-Match", "*")
        .send()
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = post(w.addr, &migrate)
        .bearer(&w.admin_token)
        .header("If-Match", "\"42\"")
        .send()
        .await;
    r.assert_stale(&tag);
    let r = post(w.addr, &migrate)
        .bearer(&w.admin_token)
        .header("If-Match", &tag)
        .header("Idempotency-Key", "migrate-1")
        .json(json!({"reason": "流程修订"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (
            r.json()["from_version"].clone(),
            r.json()["to_version"].clone()
        ),
        (json!(1), json!(2))
    );
    assert_ne!(r.header("etag"), Some(tag.as_str()));
    let r = post(w.addr, &migrate)
        .bearer(&w.admin_token)
        .header("If-Match", "*")
        .send()
        .await;
    r.assert_field(422, "track");
}

#[tokio::test]
async fn a_token_is_created_with_its_secret_once_and_revoked() {
    let w = world().await;
    let create = |token: &str, key: &str, body: serde_json::Value| {
        post(w.addr, "/api/v1/tokens")
            .bearer(token)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
    };
    let first = create(&w.wang_token, "token-1", json!({"name": "phone"})).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let secret = first.json()["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("py_"), "{}", first.body);
    assert_eq!(first.json()["officer"], "wang");
    // A replay says the token exists, without its secret, and why.
    let again = create(&w.wang_token, "token-1", json!({"name": "phone"})).await;
    assert_eq!(
        (again.status, again.header("idempotent-replayed")),
        (201, Some("true"))
    );
    assert_eq!(
        again.json()["secret"],
        serde_json::Value::Null,
        "{}",
        again.body
    );
    assert_eq!(again.json()["id"], first.json()["id"]);
    assert!(
        again.json()["secret_withheld"]
            .as_str()
            .unwrap()
            .contains("Idempotency-Key")
    );
    assert!(!again.body.contains(&secret));
    let r = get(w.addr, "/api/v1/tokens")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.contains(&secret));
    assert_eq!(r.json().as_array().unwrap().len(), 2, "{}", r.body);
    // The new secret works; only an admin makes one for someone else.
    let r = get(w.addr, "/api/v1/enterprises")
        .bearer(&secret)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = create(
        &w.wang_token,
        "token-2",
        json!({"name": "x", "officer": "admin"}),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = create(
        &w.admin_token,
        "token-3",
        json!({"name": "x", "officer": "nobody"}),
    )
    .await;
    r.assert_field(422, "/officer");
    let r = create(
        &w.admin_token,
        "token-4",
        json!({"name": "x", "expires": "2023-01-01"}),
    )
    .await;
    r.assert_field(422, "/expires");

    let id = first.json()["id"].as_str().unwrap().to_owned();
    let revoke = format!("/api/v1/tokens/{id}/revoke");
    let admins = get(w.addr, "/api/v1/tokens")
        .bearer(&w.admin_token)
        .send()
        .await;
    let admin_token_id = admins
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["officer"] == "admin")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = post(w.addr, &format!("/api/v1/tokens/{admin_token_id}/revoke"))
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = post(w.addr, "/api/v1/tokens/not-an-id/revoke")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!((r.status, r.field()), (422, "id".to_owned()), "{}", r.body);
    let r = post(w.addr, &revoke).bearer(&w.wang_token).send().await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["revoked"], true);
    let r = get(w.addr, "/api/v1/enterprises")
        .bearer(&secret)
        .send()
        .await;
    assert_eq!(r.status, 401, "{}", r.body);
}
