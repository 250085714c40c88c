//! The CLI's writes over HTTP: officers and teams, enterprises (with `ETag`/`If-Match`), their
//! figures, the four-batches list and withdrawing a case, each through the CLI's use case and
//! each replayed verbatim for a repeated `Idempotency-Key`.

use serde_json::json;

use crate::client::{Reply, get, post};
use crate::world::{uscc, world};

fn patch(addr: std::net::SocketAddr, path: &str) -> crate::client::Request {
    crate::client::request(addr, "PATCH", path)
}

#[tokio::test]
async fn an_admin_adds_officers_and_teams_and_a_key_replays_the_answer() {
    let w = world().await;
    let add = |token: &str, key: &str| {
        post(w.addr, "/api/v1/officers")
            .bearer(token)
            .header("Idempotency-Key", key)
            .json(json!({"login": "li.na", "name": "李娜", "role": "lead"}))
            .send()
    };
    let first = add(&w.admin_token, "officer-1").await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.json()["login"], "li.na");
    assert_eq!(first.json()["role_label"], "组长");
    let again = add(&w.admin_token, "officer-1").await;
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, first.body);
    // Without the key, the same login again is refused; an officer may not add anyone.
    let r = post(w.addr, "/api/v1/officers")
        .bearer(&w.admin_token)
        .json(json!({"login": "li.na", "name": "李娜"}))
        .send()
        .await;
    r.assert_field(422, "/login");
    let r = add(&w.wang_token, "officer-2").await;
    assert_eq!((r.status, r.kind()), (403, "forbidden".to_owned()));
    let r = post(w.addr, "/api/v1/officers")
        .bearer(&w.admin_token)
        .json(json!({"login": "Li Na!", "name": "李娜"}))
        .send()
        .await;
    r.assert_field(422, "/login");

    let r = post(w.addr, "/api/v1/teams")
        .bearer(&w.admin_token)
        .json(json!({"name": "企业培育工作专班", "lead": "li.na"}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["lead"], "li.na");
    assert_eq!(r.json()["members"], json!(["li.na"]));
    let r = post(w.addr, "/api/v1/teams")
        .bearer(&w.admin_token)
        .json(json!({"name": "另一个专班", "lead": "nobody"}))
        .send()
        .await;
    r.assert_field(422, "/lead");
    let path = "/api/v1/teams/企业培育工作专班/members".replace(
        "企业培育工作专班",
        "%E4%BC%81%E4%B8%9A%E5%9F%B9%E8%82%B2%E5%B7%A5%E4%BD%9C%E4%B8%93%E7%8F%AD",
    );
    let r = post(w.addr, &path)
        .bearer(&w.admin_token)
        .json(json!({"login": "wang"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["members"], json!(["li.na", "wang"]), "{}", r.body);
    let r = get(w.addr, "/api/v1/teams")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert!(r.body.contains("企业培育工作专班"));
}

#[tokio::test]
async fn an_enterprise_is_added_changed_with_if_match_and_archived() {
    let w = world().await;
    let code = uscc(2);
    let r = post(w.addr, "/api/v1/enterprises")
        .bearer(&w.wang_token)
        .json(
            json!({"uscc": code.as_str(), "name": "柳州新材料有限公司", "sector": "工业",
            "town": "石龙镇", "land_area": "18.7"}),
        )
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.header("etag"), Some("\"1\""));
    assert_eq!(r.json()["responsible"]["login"], "wang");
    // A USCC whose check character is wrong names its pointer.
    let mut bad = code.as_str().to_owned();
    let last = if bad.ends_with('0') { '1' } else { '0' };
    bad.pop();
    bad.push(last);
    let r = post(w.addr, "/api/v1/enterprises")
        .bearer(&w.wang_token)
        .json(json!({"uscc": bad, "name": "错码企业", "sector": "industry", "town": "石龙镇"}))
        .send()
        .await;
    r.assert_field(422, "/uscc");

    let path = format!("/api/v1/enterprises/{code}");
    let r = get(w.addr, &path).bearer(&w.wang_token).send().await;
    assert_eq!(r.header("etag"), Some("\"1\""));
    let edit = |tag: Option<&str>| {
        let mut request = patch(w.addr, &path).bearer(&w.wang_token);
        if let Some(tag) = tag {
            request = request.header("If-Match", tag);
        }
        request
            .json(json!({"town": "运江镇", "reason": "迁址"}))
            .send()
    };
    let r = edit(None).await;
    assert_eq!(
        (r.status, r.kind()),
        (428, "precondition_required".to_owned())
    );
    let r = edit(Some("\"7\"")).await;
    r.assert_kind(409, "conflict");
    assert_eq!(r.problem()["current_etag"], "\"1\"");
    let r = edit(Some("\"1\"")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("etag"), Some("\"2\""));
    assert_eq!(r.json()["town"], "运江镇");
    let r = patch(w.addr, &path)
        .bearer(&w.wang_token)
        .header("If-Match", "*")
        .json(json!({"sector": "mining"}))
        .send()
        .await;
    r.assert_field(422, "/sector");

    let archive = format!("{path}/archive");
    let r = post(w.addr, &archive)
        .bearer(&w.wang_token)
        .header("If-Match", "\"2\"")
        .header("Idempotency-Key", "archive-1")
        .json(json!({"reason": "已注销"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["archived"], true);
    let again = post(w.addr, &archive)
        .bearer(&w.wang_token)
        .header("If-Match", "\"2\"")
        .header("Idempotency-Key", "archive-1")
        .json(json!({"reason": "已注销"}))
        .send()
        .await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!((again.status, &again.body), (200, &r.body));
}

#[tokio::test]
async fn figures_are_recorded_with_units_and_a_bad_one_is_named() {
    let w = world().await;
    let path = format!("/api/v1/enterprises/{}/metrics", w.factory.uscc);
    let record =
        |body: serde_json::Value| post(w.addr, &path).bearer(&w.wang_token).json(body).send();
    let r =
        record(json!({"month": "2023-01", "revenue": "1200万", "output_value": 12_500_000})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["outcome"], "inserted");
    let r =
        record(json!({"month": "2023-01", "revenue": "1200万", "output_value": 12_500_000})).await;
    assert_eq!(r.json()["outcome"], "unchanged");
    let r = get(w.addr, &path).bearer(&w.wang_token).send().await;
    assert!(r.body.contains("12000000"), "{}", r.body);
    let r = record(json!({"month": "2023-13", "revenue": "1万"})).await;
    r.assert_field(422, "/month");
    let r = record(json!({"month": "2023-02", "revenue": "很多"})).await;
    r.assert_field(422, "/revenue");
    let r = record(json!({"month": "2023-02"})).await;
    assert_eq!((r.status, r.field()), (422, String::new()), "{}", r.body);
}

#[tokio::test]
async fn the_list_is_kept_over_http_and_a_case_withdrawn() {
    let w = world().await;
    let assign = |key: &'static str| {
        post(w.addr, "/api/v1/batches/2023/entries")
            .bearer(&w.admin_token)
            .header("Idempotency-Key", key)
            .json(json!({"enterprise": w.factory.uscc.as_str(), "batch": 2,
                "reason": "培育对象", "on": "2023-02-01"}))
            .send()
    };
    let first = assign("assign-1").await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.json()["to"], 2);
    let again: Reply = assign("assign-1").await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, first.body);
    let r = assign("assign-2").await;
    r.assert_field(422, "/batch");
    let r = post(w.addr, "/api/v1/batches/2023/entries")
        .bearer(&w.wang_token)
        .json(json!({"enterprise": w.factory.uscc.as_str(), "batch": 1, "reason": "x"}))
        .send()
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(first.header("etag"), Some("\"1\""));
    let base = format!("/api/v1/batches/2023/entries/{}", w.factory.uscc);
    // The entry's version is its recorded moves on the list: its ETag.
    let r = get(w.addr, &base).bearer(&w.wang_token).send().await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("etag"), Some("\"1\""));
    assert_eq!(
        (r.json()["batch"].clone(), r.json()["version"].clone()),
        (json!(2), json!(1))
    );
    let moved = json!({"batch": 1, "reason": "提前", "on": "2023-03-01"});
    let r = post(w.addr, &format!("{base}/move"))
        .bearer(&w.admin_token)
        .json(moved.clone())
        .send()
        .await;
    r.assert_field(428, "If-Match");
    let r = post(w.addr, &format!("{base}/move"))
        .bearer(&w.admin_token)
        .header("If-Match", "\"7\"")
        .json(moved.clone())
        .send()
        .await;
    r.assert_kind(409, "conflict");
    assert_eq!(r.problem()["current_etag"], "\"1\"");
    let r = post(w.addr, &format!("{base}/move"))
        .bearer(&w.admin_token)
        .header("If-Match", "\"1\"")
        .json(moved)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("etag"), Some("\"2\""));
    assert_eq!(
        (r.json()["from"].clone(), r.json()["to"].clone()),
        (json!(2), json!(1))
    );
    // A stale tag on the removal changes nothing.
    let remove = json!({"reason": "不再培育", "on": "2023-04-01"});
    let r = post(w.addr, &format!("{base}/remove"))
        .bearer(&w.admin_token)
        .header("If-Match", "\"1\"")
        .json(remove.clone())
        .send()
        .await;
    assert_eq!(
        (r.status, r.problem()["current_etag"].clone()),
        (409, json!("\"2\"")),
        "{}",
        r.body
    );
    let r = post(w.addr, &format!("{base}/remove"))
        .bearer(&w.admin_token)
        .header("If-Match", "\"2\"")
        .json(remove)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["to"], serde_json::Value::Null);
    assert_eq!(r.header("etag"), None);
    let r = get(w.addr, &base).bearer(&w.wang_token).send().await;
    assert_eq!(r.status, 404, "{}", r.body);

    let withdraw = format!(
        "/api/v1/enterprises/{}/cases/industrial/withdraw",
        w.factory.uscc
    );
    let r = post(w.addr, &withdraw)
        .bearer(&w.wang_token)
        .header("If-Match", "*")
        .json(json!({"reason": ""}))
        .send()
        .await;
    r.assert_field(422, "/reason");
    let r = post(w.addr, &withdraw)
        .bearer(&w.wang_token)
        .header("If-Match", "\"9\"")
        .json(json!({"reason": "企业迁出"}))
        .send()
        .await;
    r.assert_kind(409, "conflict");
    assert_eq!(r.problem()["current_etag"], "\"1\"");
    let r = post(w.addr, &withdraw)
        .bearer(&w.wang_token)
        .header("If-Match", "*")
        .json(json!({"reason": "企业迁出"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["to"], "withdrawn");
}

#[tokio::test]
async fn a_case_is_opened_once_per_key_and_tick_runs_for_an_admin() {
    let w = world().await;
    let path = format!("/api/v1/enterprises/{}/cases", w.factory.uscc);
    let open = |key: &'static str| {
        post(w.addr, &path)
            .bearer(&w.wang_token)
            .header("Idempotency-Key", key)
            .json(json!({"track": "technology", "on": "2023-06-01"}))
            .send()
    };
    let first = open("open-1").await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.header("etag"), Some("\"1\""));
    assert_eq!(first.json()["cases"][0]["stage"], "candidate");
    let again = open("open-1").await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!((again.status, &again.body), (201, &first.body));
    assert_eq!(again.header("etag"), first.header("etag"));
    // Another key: already on the track.
    let r = open("open-2").await;
    r.assert_field(422, "/track");

    let r = post(w.addr, "/api/v1/tick")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let tick = || {
        post(w.addr, "/api/v1/tick?today=2023-06-30")
            .bearer(&w.admin_token)
            .header("Idempotency-Key", "tick-1")
            .send()
    };
    let first = tick().await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.json()["all_ran"], true);
    let again = tick().await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, first.body);
}

#[tokio::test]
async fn a_task_is_cancelled_reopened_and_delegated_with_if_match_and_a_key() {
    let w = world().await;
    let task = w
        .service
        .add_task(
            &w.wang,
            peiyu_service::NewTask {
                enterprise: Some(w.factory.uscc.to_string()),
                kind: peiyu_domain::TaskKind::Visit,
                title: "走访".into(),
                description: None,
                assignee: None,
                due: peiyu_service::Due::WorkingDays(5),
                follow_up_on: None,
            },
        )
        .await
        .unwrap();
    let path = format!("/api/v1/tasks/{}", task.id.0);
    let shown = get(w.addr, &path).bearer(&w.wang_token).send().await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    let tag = shown.header("etag").unwrap().to_owned();

    let cancel = |if_match: Option<&str>, key: &str, body: serde_json::Value| {
        let mut request = post(w.addr, &format!("{path}/cancel"))
            .bearer(&w.wang_token)
            .header("Idempotency-Key", key)
            .json(body);
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        request.send()
    };
    let r: Reply = cancel(None, "c-0", json!({"reason": "企业已搬迁"})).await;
    assert_eq!(r.status, 428, "{}", r.body);
    let r = cancel(Some(&tag), "c-1", json!({"reason": " "})).await;
    r.assert_field(422, "/reason");
    let r = cancel(Some("\"99\""), "c-2", json!({"reason": "企业已搬迁"})).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.problem()["current_etag"], tag.as_str());
    let r = cancel(Some(&tag), "c-3", json!({"reason": "企业已搬迁"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let after = r.header("etag").unwrap().to_owned();
    assert_ne!(after, tag);
    let again = cancel(Some(&tag), "c-3", json!({"reason": "企业已搬迁"})).await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!((again.status, &again.body), (200, &r.body));
    let stored = w
        .service
        .resolve_task(&task.id.0.to_string())
        .await
        .unwrap();
    assert_eq!(stored.value.status, peiyu_domain::TaskStatus::Cancelled);
    assert_eq!(stored.value.cancel_reason.as_deref(), Some("企业已搬迁"));

    let r = post(w.addr, &format!("{path}/reopen"))
        .bearer(&w.wang_token)
        .header("If-Match", &after)
        .json(json!({"reason": "企业回迁"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post(w.addr, &format!("{path}/delegate"))
        .bearer(&w.wang_token)
        .header("If-Match", "*")
        .json(json!({"to": "nobody"}))
        .send()
        .await;
    assert_eq!((r.status, r.field()), (422, "/to".to_owned()), "{}", r.body);
    let r = post(w.addr, &format!("{path}/assign"))
        .bearer(&w.wang_token)
        .header("If-Match", "*")
        .json(json!({"to": "wang"}))
        .send()
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = post(w.addr, &format!("{path}/assign"))
        .bearer(&w.admin_token)
        .header("If-Match", "*")
        .json(json!({"to": "wang"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn a_task_is_added_once_per_key_and_a_bad_due_is_named() {
    let w = world().await;
    let add = |key: &str, due: &str| {
        post(w.addr, "/api/v1/tasks")
            .bearer(&w.wang_token)
            .header("Idempotency-Key", key)
            .json(
                json!({"enterprise": w.factory.uscc.as_str(), "kind": "visit",
                "title": "走访", "due": due}),
            )
            .send()
    };
    let r: Reply = add("t-1", "明天").await;
    r.assert_field(422, "/due");
    let r = add("t-2", "5").await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.header("etag"), Some("\"1\""));
    let again = add("t-2", "5").await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!((again.status, &again.body), (201, &r.body));
    let list = w
        .service
        .list_tasks(&w.wang, &peiyu_service::ListTasks::default())
        .await
        .unwrap();
    assert_eq!(list.tasks.len(), 1);
}
