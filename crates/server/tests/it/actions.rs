//! The pages' actions: each form posts through the same service call as the CLI, acts once per
//! idempotency key, refuses a stale version with the current state, and keeps what was typed
//! beside its error.

use peiyu_domain::{Login, Role, TaskKind, TaskStatus};
use peiyu_service::{Due, NewOfficer, NewTask};

use crate::client::{Reply, csrf_in, get, post, set_cookie_of};
use crate::world::{WANG_PASSWORD, World, world};

/// Wang's session cookie.
async fn wang_session(w: &World) -> String {
    let r = post(w.addr, "/login")
        .browser_form(None, &format!("login=wang&password={WANG_PASSWORD}"))
        .await
        .send()
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    set_cookie_of(&r)
}

/// The value of hidden field `name` in the form posting to `action` on the page.
fn hidden(body: &str, action: &str, name: &str) -> String {
    let form = &body[body
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form to {action}: {body}"))..];
    let at = form
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name} in the form to {action}"));
    let rest = &form[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// A visit wang must make to the factory, by its id.
async fn first_task(w: &World) -> String {
    let task = w
        .service
        .add_task(
            &w.wang,
            NewTask {
                enterprise: Some(w.factory.uscc.to_string()),
                kind: TaskKind::Visit,
                title: "走访企业".into(),
                description: None,
                assignee: None,
                due: Due::WorkingDays(5),
                follow_up_on: None,
            },
        )
        .await
        .unwrap();
    task.id.0.simple().to_string()
}

/// Checks that the evidence file `file` is kept and served back as uploaded.
async fn served_back(w: &World, cookie: &str, file: &[u8]) {
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(file))
    };
    let r = get(w.addr, &format!("/evidence/{sha}"))
        .header("Cookie", cookie)
        .send()
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.bytes, file);
}

/// Two more officers, 李娜 (`li`) and 赵强 (`zhao`).
async fn li_and_zhao(w: &World) {
    for (login, name) in [("li", "李娜"), ("zhao", "赵强")] {
        w.service
            .add_officer(
                &w.admin,
                NewOfficer {
                    login: Login::new(login).unwrap(),
                    name: name.into(),
                    role: Role::Officer,
                },
            )
            .await
            .unwrap();
    }
}

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    multipart_with(fields, "evidence", file)
}

/// A multipart body of `fields` and, when given, a file sent as field `file_field`.
pub(crate) fn multipart_with(
    fields: &[(&str, &str)],
    file_field: &str,
    file: Option<(&str, &[u8])>,
) -> (String, Vec<u8>) {
    let boundary = "peiyuTestBoundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn send_multipart(
    w: &World,
    path: &str,
    cookie: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Reply {
    post(w.addr, path)
        .header("Cookie", cookie)
        .header("Content-Type", content_type)
        .bytes(body)
        .send()
        .await
}

#[tokio::test]
async fn completing_a_task_with_a_note_and_evidence_acts_once_per_key() {
    let w = world().await;
    let cookie = wang_session(&w).await;
    let id = first_task(&w).await;
    let r = get(w.addr, &format!("/tasks/{id}"))
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("完成任务"), "{}", r.body);
    let action = format!("/tasks/{id}/done");
    let key = hidden(&r.body, &action, "key");
    let version = hidden(&r.body, &action, "version");
    let csrf = csrf_in(&r.body);
    let file = b"photo of the signed visit record";
    let (ct, body) = multipart(
        &[
            ("csrf", &csrf),
            ("key", &key),
            ("version", &version),
            ("lang", "zh"),
            ("note", "已走访，签字确认"),
            ("on", ""),
        ],
        Some(("visit.jpg", file)),
    );
    // Sent twice (a double tap): both answers go to the done page; the task is done once.
    for _ in 0..2 {
        let r = send_multipart(&w, &action, &cookie, &ct, body.clone()).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(
            r.header("location"),
            Some(format!("/tasks/{id}?done=complete").as_str())
        );
    }
    let (task, entries) = w.service.task_history(&w.wang, &id).await.unwrap();
    assert_eq!(task.value.status, TaskStatus::Done);
    assert_eq!(
        task.value.completion_note.as_deref(),
        Some("已走访，签字确认")
    );
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(file))
    };
    let recorded = task.value.evidence.clone().unwrap();
    assert!(
        recorded.starts_with(&format!("sha256:{sha} visit.jpg")),
        "{recorded}"
    );
    // Kept in the database, downloadable from the task's page.
    served_back(&w, &cookie, file).await;
    let done: Vec<_> = entries.iter().filter(|e| e.action == "task.done").collect();
    assert_eq!(done.len(), 1, "acted once");
    assert!(
        done[0].after.as_deref().unwrap().contains(&sha),
        "the SHA-256 is in the audit entry"
    );

    let r = get(w.addr, &format!("/tasks/{id}?done=complete"))
        .header("Cookie", &cookie)
        .send()
        .await;
    assert!(r.body.contains("任务已完成"), "{}", r.body);
    assert!(
        r.body.contains("重新打开"),
        "a done task offers reopening: {}",
        r.body
    );
}

#[tokio::test]
async fn a_transfer_with_a_stale_version_says_someone_changed_it_first() {
    let w = world().await;
    li_and_zhao(&w).await;
    // A task is handed over within the team (the handover rule): wang, li and zhao are one.
    w.service
        .add_team(&w.admin, "企业培育工作专班", Some("wang"))
        .await
        .unwrap();
    for login in ["li", "zhao"] {
        w.service
            .join_team(&w.admin, "企业培育工作专班", login, None)
            .await
            .unwrap();
    }
    let cookie = wang_session(&w).await;
    let id = first_task(&w).await;
    let r = get(w.addr, &format!("/tasks/{id}"))
        .header("Cookie", &cookie)
        .send()
        .await;
    let action = format!("/tasks/{id}/transfer");
    let key = hidden(&r.body, &action, "key");
    let version = hidden(&r.body, &action, "version");
    let csrf = csrf_in(&r.body);

    // No reason: the error stands beside the field, what was chosen is kept, nothing changes.
    let r = post(w.addr, &action)
        .header("Cookie", &cookie)
        .form(&format!(
            "csrf={csrf}&key={key}&version={version}&lang=zh&to=zhao&reason="
        ))
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("id=\"transfer-reason-error\""),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("<option value=\"zhao\" selected>"),
        "{}",
        r.body
    );
    assert_eq!(
        w.service.resolve_task(&id).await.unwrap().value.assignee,
        w.wang.id
    );

    // Transferred twice with one key: once.
    let body =
        format!("csrf={csrf}&key={key}&version={version}&lang=zh&to=li&reason=%E5%B1%9E%E5%9C%B0");
    for _ in 0..2 {
        let r = post(w.addr, &action)
            .header("Cookie", &cookie)
            .form(&body)
            .send()
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let (task, entries) = w.service.task_history(&w.admin, &id).await.unwrap();
    let li = w.service.actor("li").await.unwrap();
    assert_eq!(task.value.assignee, li.id);
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.action == "task.transfer")
            .count(),
        1
    );

    // Another form read at the old version, with its own key: stale, shown as it is now.
    let other = format!("csrf={csrf}&key=another-key&version={version}&lang=zh&to=zhao&reason=x");
    let r = post(w.addr, &action)
        .header("Cookie", &cookie)
        .form(&other)
        .send()
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("有人先改动了它"), "{}", r.body);
    assert!(r.body.contains("李娜"), "the current assignee: {}", r.body);
    assert_eq!(
        w.service.resolve_task(&id).await.unwrap().value.assignee,
        li.id
    );
}

/// The enterprise page of the factory, as wang sees it, and its CSRF token.
async fn factory_page(w: &World, cookie: &str) -> (String, String) {
    let r = get(w.addr, &format!("/enterprises/{}", w.factory.uscc))
        .header("Cookie", cookie)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let csrf = csrf_in(&r.body);
    (r.body, csrf)
}

#[tokio::test]
async fn a_blocked_advance_says_why_beside_its_field_and_a_check_lists_every_guard() {
    let w = world().await;
    // From 候选 the factory moves freely; from the next stage its figures are checked.
    let cases = w
        .service
        .show_cases(&w.wang, w.factory.uscc.as_str())
        .await
        .unwrap();
    let first = cases.cases[0].moves[0].to.as_str().to_owned();
    w.service
        .advance_case(
            &w.wang,
            peiyu_service::AdvanceCase {
                enterprise: w.factory.uscc.to_string(),
                track: "industrial".into(),
                to: first,
                reason: Some("开始培育".into()),
                ..peiyu_service::AdvanceCase::default()
            },
        )
        .await
        .unwrap();
    let cookie = wang_session(&w).await;
    let (body, csrf) = factory_page(&w, &cookie).await;
    let action = format!("/enterprises/{}/advance", w.factory.uscc);
    let key = hidden(&body, &action, "key");
    let version = hidden(&body, &action, "version");
    // A move whose guards do not pass today.
    let cases = w
        .service
        .show_cases(&w.wang, w.factory.uscc.as_str())
        .await
        .unwrap();
    let blocked = cases.cases[0]
        .moves
        .iter()
        .find(|m| m.guards.iter().any(|g| !g.passed) && m.to.as_str() != "withdrawn")
        .expect("a blocked move");
    let to = blocked.to.as_str().to_owned();
    let form = |intent: &str| {
        multipart_with(
            &[
                ("csrf", &csrf),
                ("key", &key),
                ("version", &version),
                ("lang", "zh"),
                ("track", "industrial"),
                ("to", &to),
                ("reason", ""),
                ("evidence", ""),
                ("intent", intent),
            ],
            "evidence_file",
            None,
        )
    };
    // The check changes nothing and lists each guard.
    let (ct, body) = form("check");
    let r = send_multipart(&w, &action, &cookie, &ct, body).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body
            .contains("id=\"advance-industrial-to-error\">流转条件未满足"),
        "{}",
        r.body
    );
    // The advance itself is refused with the failing guards beside the stage chosen.
    let (ct, body) = form("advance");
    let r = send_multipart(&w, &action, &cookie, &ct, body).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("id=\"advance-industrial-to-error\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("流转条件未满足"), "{}", r.body);
    let cases = w
        .service
        .show_cases(&w.wang, w.factory.uscc.as_str())
        .await
        .unwrap();
    assert_eq!(
        cases.cases[0].cultivation.version.to_string(),
        version,
        "nothing moved"
    );
}

#[tokio::test]
async fn a_months_figures_are_entered_in_wan_yuan_and_bad_ones_stay_typed_beside_their_error() {
    let w = world().await;
    let cookie = wang_session(&w).await;
    let (body, csrf) = factory_page(&w, &cookie).await;
    let action = format!("/enterprises/{}/metrics", w.factory.uscc);
    let key = hidden(&body, &action, "key");
    let r = post(w.addr, &action)
        .header("Cookie", &cookie)
        .form(&format!("csrf={csrf}&key={key}&lang=zh&month=2023-06&revenue=1%2C360.555&output_value=&employees=abc&tax="))
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("id=\"metrics-revenue-error\""),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("id=\"metrics-employees-error\""),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("value=\"1,360.555\""),
        "what was typed is kept: {}",
        r.body
    );
    let form = format!(
        "csrf={csrf}&key={key}&lang=zh&month=2023-06&revenue=1%2C360.5&output_value=2000&employees=120&tax="
    );
    for _ in 0..2 {
        let r = post(w.addr, &action)
            .header("Cookie", &cookie)
            .form(&form)
            .send()
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let (_, figures) = w
        .service
        .list_metrics(&w.wang, w.factory.uscc.as_str(), None, None)
        .await
        .unwrap();
    let june = figures
        .iter()
        .find(|m| m.month.to_string() == "2023-06")
        .unwrap();
    assert_eq!(june.revenue.map(|y| y.amount()), Some(13_605_000));
    assert_eq!(june.output_value.map(|y| y.amount()), Some(20_000_000));
    assert_eq!(june.employees, Some(120));
    let entries = w
        .service
        .audit_log(&w.admin, &peiyu_service::AuditQuery::default())
        .await
        .unwrap();
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.request_id.as_deref() == Some(key.as_str()))
            .count(),
        1,
        "a double submit acts once"
    );
}

#[tokio::test]
async fn an_admin_adds_an_officer_sets_a_first_password_and_checks_a_notice() {
    let w = world().await;
    let cookie = admin_session(&w).await;
    let r = get(w.addr, "/admin").header("Cookie", &cookie).send().await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("王伟"), "{}", r.body);
    let csrf = csrf_in(&r.body);
    let key = hidden(&r.body, "/admin/officer", "key");

    // A login that is not one: beside its field, the name typed kept, nobody added.
    let r = post(w.addr, "/admin/officer")
        .header("Cookie", &cookie)
        .form(&format!(
            "csrf={csrf}&key={key}&lang=zh&login=Li+Na&name=%E6%9D%8E%E5%A8%9C&role=officer"
        ))
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"officer-login-error\""), "{}", r.body);
    assert!(r.body.contains("value=\"李娜\""), "{}", r.body);
    assert!(w.service.actor("li.n").await.is_err());

    let r = post(w.addr, "/admin/officer")
        .header("Cookie", &cookie)
        .form(&format!(
            "csrf={csrf}&key={key}&lang=zh&login=li.n&name=%E6%9D%8E%E5%A8%9C&role=lead"
        ))
        .send()
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let li = w.service.actor("li.n").await.unwrap();
    assert_eq!(li.role, Role::Lead);

    let r = post(w.addr, "/admin/password")
        .header("Cookie", &cookie)
        .form(&format!(
            "csrf={csrf}&key=k2&lang=zh&officer=li.n&password=first-one-1"
        ))
        .send()
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = post(w.addr, "/login")
        .browser_form(None, "login=li.n&password=first-one-1")
        .await
        .send()
        .await;
    assert!(
        r.header("location").unwrap().starts_with("/password"),
        "must change it first"
    );

    // A bulk transfer moves every open task of wang's to li.n, in one go.
    let task = first_task(&w).await;
    let r = post(w.addr, "/admin/transfer")
        .header("Cookie", &cookie)
        .form(&format!(
            "csrf={csrf}&key=k4&lang=zh&from=wang&to=li.n&reason=%E8%B0%83%E5%B2%97"
        ))
        .send()
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        w.service.resolve_task(&task).await.unwrap().value.assignee,
        li.id
    );
    let r = post(w.addr, "/admin/transfer")
        .header("Cookie", &cookie)
        .form(&format!(
            "csrf={csrf}&key=k5&lang=zh&from=wang&to=li.n&reason="
        ))
        .send()
        .await;
    assert_eq!(r.status, 422, "no reason: {}", r.body);
    assert!(
        r.body.contains("id=\"transfer-reason-error\""),
        "{}",
        r.body
    );

    let notice = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../workflow/data/notices/2024.txt"
    ))
    .unwrap();
    let body = serde_urlencoded::to_string([
        ("csrf", csrf.as_str()),
        ("key", "k3"),
        ("lang", "zh"),
        ("text", notice.as_str()),
        ("year", ""),
        ("intent", "check"),
    ])
    .unwrap();
    let r = post(w.addr, "/admin/notice")
        .header("Cookie", &cookie)
        .form(&body)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("2024 年：工作日"), "{}", r.body);
    assert!(r.body.contains("春节"), "{}", r.body);
}

/// The admin's session cookie (after setting a password for them).
async fn admin_session(w: &World) -> String {
    w.service
        .set_password(&w.admin, "admin", "admin-secret-1")
        .await
        .unwrap();
    let r = post(w.addr, "/login")
        .browser_form(None, "login=admin&password=admin-secret-1")
        .await
        .send()
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    set_cookie_of(&r)
}

#[tokio::test]
async fn an_admin_creates_a_token_sees_its_secret_once_and_revokes_it() {
    let w = world().await;
    let cookie = admin_session(&w).await;
    let r = get(w.addr, "/admin/tokens")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("王伟（wang）"), "{}", r.body);
    assert!(!r.body.contains(&w.wang_token), "no secret is ever listed");
    let csrf = csrf_in(&r.body);
    let key = hidden(&r.body, "/admin/tokens", "key");
    let before = w.service.list_tokens(&w.admin).await.unwrap().len();

    // No name: beside its field, the date typed kept, nothing created.
    let r = post(w.addr, "/admin/tokens")
        .header("Cookie", &cookie)
        .form(&format!(
            "csrf={csrf}&key={key}&lang=zh&intent=create&name=&officer=wang&expires=2023-12-31"
        ))
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"create-name-error\""), "{}", r.body);
    assert!(r.body.contains("value=\"2023-12-31\""), "{}", r.body);
    let r = post(w.addr, "/admin/tokens")
        .header("Cookie", &cookie)
        .form(&format!(
            "csrf={csrf}&key={key}&lang=zh&intent=create&name=x&officer=wang&expires=2023-13-01"
        ))
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"create-expires-error\""), "{}", r.body);
    assert_eq!(w.service.list_tokens(&w.admin).await.unwrap().len(), before);

    let r = post(w.addr, "/admin/tokens")
        .header("Cookie", &cookie)
        .form(&format!(
            "csrf={csrf}&key={key}&lang=zh&intent=create&name=%E6%9C%88%E6%8A%A5&officer=wang&expires="
        ))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let at = r.body.find("py_").expect("the secret is shown once");
    let secret: String = r.body[at..].chars().take(67).collect();
    let tokens = w.service.list_tokens(&w.admin).await.unwrap();
    assert_eq!(tokens.len(), before + 1);
    let (made, owner) = tokens.iter().find(|(t, _)| t.name == "月报").unwrap();
    assert_eq!(owner.id, w.wang.id);
    // The secret works for the API, as wang.
    let r = get(w.addr, "/api/v1/tasks")
        .header("Authorization", &format!("Bearer {secret}"))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Listed afterwards without its secret.
    let r = get(w.addr, "/admin/tokens")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert!(r.body.contains("月报"), "{}", r.body);
    assert!(!r.body.contains(&secret));

    let r = post(w.addr, "/admin/tokens")
        .header("Cookie", &cookie)
        .form(&format!(
            "csrf={csrf}&key=k2&lang=zh&intent=revoke&token={}",
            made.id
        ))
        .send()
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = get(w.addr, "/api/v1/tasks")
        .header("Authorization", &format!("Bearer {secret}"))
        .send()
        .await;
    assert_eq!(r.status, 401, "a revoked token is refused: {}", r.body);
    let r = post(w.addr, "/admin/tokens")
        .header("Cookie", &cookie)
        .form(&format!(
            "csrf={csrf}&key=k3&lang=zh&intent=revoke&token=not-one"
        ))
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"revoke-token-error\""), "{}", r.body);
}

#[tokio::test]
async fn a_ledger_upload_writes_nothing_unless_every_row_is_valid_or_invalid_ones_are_skipped() {
    let w = world().await;
    let cookie = admin_session(&w).await;
    let r = get(w.addr, "/admin/import")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("20 MiB"), "the limit is stated: {}", r.body);
    let csrf = csrf_in(&r.body);
    let key = hidden(&r.body, "/admin/import", "key");
    let (a, b) = (crate::world::uscc(101), crate::world::uscc(102));
    let csv = format!(
        "统一社会信用代码,企业名称,行业,乡镇（街道）\n{a},甲有限公司,工业,运江镇\n{b},乙有限公司,工业,运江镇\n123,丙有限公司,工业,运江镇\n"
    );
    let upload = |skip: &'static str, name: &'static str, bytes: Vec<u8>| {
        let csrf = csrf.clone();
        let key = key.clone();
        let cookie = cookie.clone();
        let w = &w;
        async move {
            let (ct, body) = multipart_with(
                &[
                    ("csrf", &csrf),
                    ("key", &key),
                    ("lang", "zh"),
                    ("ledger", "enterprises"),
                    ("skip_invalid", skip),
                ],
                "file",
                Some((name, &bytes)),
            );
            send_multipart(w, "/admin/import", &cookie, &ct, body).await
        }
    };
    let exists = |uscc: String| {
        let cookie = cookie.clone();
        let w = &w;
        async move {
            get(w.addr, &format!("/enterprises/{uscc}"))
                .header("Cookie", &cookie)
                .send()
                .await
                .status
                == 200
        }
    };

    // One bad row: the report names its line and column, and nothing is written.
    let r = upload("", "ledger.csv", csv.clone().into_bytes()).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("1 行有误，未导入任何数据"), "{}", r.body);
    assert!(
        r.body.contains("<td") && r.body.contains(">4<"),
        "line 4: {}",
        r.body
    );
    assert!(r.body.contains("统一社会信用代码"), "{}", r.body);
    assert!(!exists(a.to_string()).await, "nothing was written");

    // Skipping invalid rows: the two good ones are written, the bad one still listed.
    let r = upload("true", "ledger.csv", csv.clone().into_bytes()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("新增 2，更新 0，未变 0，拒绝 1"),
        "{}",
        r.body
    );
    assert!(exists(a.to_string()).await && exists(b.to_string()).await);

    // A file that is neither CSV nor XLSX: beside the file field, nothing read.
    let r = upload("", "ledger.pdf", csv.into_bytes()).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"import-file-error\""), "{}", r.body);
    // No file chosen.
    let (ct, body) = multipart_with(
        &[
            ("csrf", &csrf),
            ("key", &key),
            ("lang", "zh"),
            ("ledger", "tasks"),
        ],
        "file",
        None,
    );
    let r = send_multipart(&w, "/admin/import", &cookie, &ct, body).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("请选择要上传的 CSV 或 XLSX 文件"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("<option value=\"tasks\" selected"),
        "the choice kept: {}",
        r.body
    );

    // Larger than 20 MiB: refused before anything is read.
    let big = vec![b'x'; 21 * 1024 * 1024];
    let r = upload("", "big.csv", big).await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(r.body.contains("超过 20 MiB"), "{}", r.body);
}

#[tokio::test]
async fn an_advance_with_an_evidence_file_acts_once_and_records_its_sha256() {
    let w = world().await;
    let cookie = wang_session(&w).await;
    let (body, csrf) = factory_page(&w, &cookie).await;
    let action = format!("/enterprises/{}/advance", w.factory.uscc);
    assert!(
        body.contains("enctype=\"multipart/form-data\""),
        "the advance sends a file: {body}"
    );
    let key = hidden(&body, &action, "key");
    let version = hidden(&body, &action, "version");
    let file = b"minutes of the cultivation meeting";
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(file))
    };
    let (ct, sent) = multipart_with(
        &[
            ("csrf", &csrf),
            ("key", &key),
            ("version", &version),
            ("lang", "zh"),
            ("track", "industrial"),
            ("to", "cultivating"),
            ("reason", "列入培育"),
            ("evidence", "柳工信〔2023〕12号"),
            ("intent", "advance"),
        ],
        "evidence_file",
        Some(("meeting.pdf", file)),
    );
    // A double tap: both go to the enterprise's page; the case moves once.
    for _ in 0..2 {
        let r = send_multipart(&w, &action, &cookie, &ct, sent.clone()).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(
            r.header("location"),
            Some(format!("/enterprises/{}?done=advance", w.factory.uscc).as_str())
        );
    }
    let cases = w
        .service
        .show_cases(&w.wang, w.factory.uscc.as_str())
        .await
        .unwrap();
    let case = &cases.cases[0];
    assert_eq!(case.cultivation.value.stage.as_str(), "cultivating");
    let moved: Vec<_> = case
        .history
        .iter()
        .filter(|t| t.to.as_str() == "cultivating")
        .collect();
    assert_eq!(moved.len(), 1, "moved once");
    let evidence = &moved[0].evidence;
    assert_eq!(evidence[0], "柳工信〔2023〕12号");
    assert!(
        evidence[1].starts_with(&format!("sha256:{sha} meeting.pdf")),
        "{evidence:?}"
    );
    let entries = w
        .service
        .audit_log(&w.admin, &peiyu_service::AuditQuery::default())
        .await
        .unwrap();
    let moves: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "case.advance")
        .collect();
    assert_eq!(moves.len(), 1);
    assert!(
        moves[0].after.as_deref().unwrap_or_default().contains(&sha),
        "the SHA-256 is in the audit entry"
    );
    assert_eq!(moves[0].request_id.as_deref(), Some(key.as_str()));
    // The case's stage moves link it on the enterprise's page.
    let (page, _) = factory_page(&w, &cookie).await;
    assert!(
        page.contains(&format!(
            "<a href=\"/evidence/{sha}\">sha256:{sha} meeting.pdf"
        )),
        "{page}"
    );
    // The file is kept, and downloadable.
    served_back(&w, &cookie, file).await;
    assert!(w.service.verify_audit(&w.admin).await.unwrap().ok());
}

#[tokio::test]
async fn a_double_submit_of_a_batch_move_or_a_new_task_acts_once() {
    let w = world().await;
    let cookie = admin_session(&w).await;
    let (body, csrf) = factory_page(&w, &cookie).await;
    let uscc = w.factory.uscc.to_string();
    let batch_key = hidden(&body, &format!("/enterprises/{uscc}/batch"), "key");
    let task_key = hidden(&body, &format!("/enterprises/{uscc}/task"), "key");
    let batch = format!(
        "csrf={csrf}&key={batch_key}&lang=zh&year=2023&batch=2&reason=%E4%BA%A7%E5%80%BC%E5%A2%9E%E9%95%BF"
    );
    let task = format!(
        "csrf={csrf}&key={task_key}&lang=zh&kind=visit&title=%E5%9B%9E%E8%AE%BF&assignee=wang&due=2023-07-10"
    );
    for (path, form, done) in [("batch", &batch, "batch"), ("task", &task, "task")] {
        for _ in 0..2 {
            let r = post(w.addr, &format!("/enterprises/{uscc}/{path}"))
                .header("Cookie", &cookie)
                .form(form)
                .send()
                .await;
            assert_eq!(r.status, 303, "{}", r.body);
            assert_eq!(
                r.header("location"),
                Some(format!("/enterprises/{uscc}?done={done}").as_str())
            );
        }
    }
    let (_, moves) = w.service.batch_history(&w.admin, &uscc).await.unwrap();
    assert_eq!(moves.len(), 1, "put on the list once: {moves:?}");
    let tasks = w
        .service
        .list_tasks(&w.admin, &peiyu_service::ListTasks::default())
        .await
        .unwrap();
    assert_eq!(
        tasks
            .tasks
            .iter()
            .filter(|t| t.value.title == "回访")
            .count(),
        1,
        "added once"
    );
}

#[tokio::test]
async fn an_admin_changes_a_role_and_a_team_and_deactivates_an_officer_each_once() {
    let w = world().await;
    li_and_zhao(&w).await;
    w.service
        .add_team(&w.admin, "企业培育工作专班", None)
        .await
        .unwrap();
    let task = first_task(&w).await;
    let cookie = admin_session(&w).await;
    let r = get(w.addr, "/admin").header("Cookie", &cookie).send().await;
    assert_eq!(r.status, 200, "{}", r.body);
    for label in ["调整角色", "调整专班", "停用干部", "接替者"] {
        assert!(r.body.contains(label), "{label}: {}", r.body);
    }
    let csrf = csrf_in(&r.body);
    let send = async |path: &str, form: String| {
        post(w.addr, path)
            .header("Cookie", &cookie)
            .form(&form)
            .send()
            .await
    };

    // A role change without a reason: beside the field, the choice kept, nothing changed.
    let key = hidden(&r.body, "/admin/role", "key");
    let r2 = send(
        "/admin/role",
        format!("csrf={csrf}&key={key}&lang=zh&officer=li&role=lead&reason="),
    )
    .await;
    assert_eq!(r2.status, 422, "{}", r2.body);
    assert!(r2.body.contains("id=\"role-reason-error\""), "{}", r2.body);
    assert_eq!(w.service.actor("li").await.unwrap().role, Role::Officer);
    let form =
        format!("csrf={csrf}&key={key}&lang=zh&officer=li&role=lead&reason=%E4%BB%BB%E5%91%BD");
    for _ in 0..2 {
        let r = send("/admin/role", form.clone()).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.header("location"), Some("/admin?done=role"));
    }
    assert_eq!(w.service.actor("li").await.unwrap().role, Role::Lead);

    // Into the team and off it again, each once.
    let key = hidden(&r.body, "/admin/team", "key");
    let join = format!(
        "csrf={csrf}&key={key}&lang=zh&team=%E4%BC%81%E4%B8%9A%E5%9F%B9%E8%82%B2%E5%B7%A5%E4%BD%9C%E4%B8%93%E7%8F%AD&officer=zhao&intent=join"
    );
    for _ in 0..2 {
        assert_eq!(send("/admin/team", join.clone()).await.status, 303);
    }
    let members = |teams: Vec<peiyu_service::TeamView>| {
        teams[0]
            .members
            .iter()
            .map(|m| m.login.as_str().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        members(w.service.list_teams(&w.admin).await.unwrap()),
        ["zhao"]
    );
    let leave = join
        .replace(&key, "leave-key")
        .replace("intent=join", "intent=leave");
    for _ in 0..2 {
        let r = send("/admin/team", leave.clone()).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.header("location"), Some("/admin?done=leave"));
    }
    assert!(members(w.service.list_teams(&w.admin).await.unwrap()).is_empty());
    // Taking off someone not on it: beside the officer, in words.
    let r2 = send("/admin/team", leave.replace("leave-key", "leave-again")).await;
    assert_eq!(r2.status, 422, "{}", r2.body);
    assert!(r2.body.contains("id=\"team-officer-error\""), "{}", r2.body);

    // A dated join; a leave before it is refused beside the day; the page shows the team's
    // members on a day.
    let dated = join
        .replace(&key, "dated-key")
        .replace("intent=join", "on=2023-01-02&intent=join");
    assert_eq!(send("/admin/team", dated).await.status, 303);
    let early = leave
        .replace("leave-key", "early-key")
        .replace("intent=leave", "on=2023-01-01&intent=leave");
    let r2 = send("/admin/team", early).await;
    assert_eq!(r2.status, 422, "{}", r2.body);
    assert!(r2.body.contains("id=\"team-on-error\""), "{}", r2.body);
    assert!(r2.body.contains("2023-01-02"), "{}", r2.body);
    let team = "%E4%BC%81%E4%B8%9A%E5%9F%B9%E8%82%B2%E5%B7%A5%E4%BD%9C%E4%B8%93%E7%8F%AD";
    let on_day = async |day: &str| {
        get(w.addr, &format!("/admin?team={team}&as_of={day}"))
            .header("Cookie", &cookie)
            .send()
            .await
            .body
    };
    let page = on_day("2023-01-05").await;
    assert!(page.contains("2023-01-05 的成员"), "{page}");
    assert!(page.contains("赵") && page.contains("2023-01-02"), "{page}");
    assert!(on_day("2023-01-01").await.contains("当日无成员"));
    assert!(on_day("2023-13-01").await.contains("日期应形如 2023-07-03"));

    // Wang deactivated, his work to zhao: once, in one unit of work.
    let key = hidden(&r.body, "/admin/deactivate", "key");
    let form = format!(
        "csrf={csrf}&key={key}&lang=zh&officer=wang&successor=zhao&reason=%E8%B0%83%E5%B2%97&intent=deactivate"
    );
    for _ in 0..2 {
        let r = send("/admin/deactivate", form.clone()).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.header("location"), Some("/admin?done=deactivate"));
    }
    assert!(!w.service.actor("wang").await.is_ok_and(|o| o.active));
    let zhao = w.service.actor("zhao").await.unwrap();
    assert_eq!(
        w.service.resolve_task(&task).await.unwrap().value.assignee,
        zhao.id
    );
    let r = get(w.addr, "/admin?done=deactivate")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert!(r.body.contains("已停用该干部"), "{}", r.body);
    let entries = w
        .service
        .audit_log(&w.admin, &peiyu_service::AuditQuery::default())
        .await
        .unwrap();
    for (action, n) in [
        ("officer.role", 1),
        ("team.join", 2),
        ("team.leave", 1),
        ("officer.deactivate", 1),
    ] {
        assert_eq!(
            entries.iter().filter(|e| e.action == action).count(),
            n,
            "{action}"
        );
    }
    assert!(w.service.verify_audit(&w.admin).await.unwrap().ok());
}

#[tokio::test]
async fn a_token_form_sent_twice_creates_one_token_and_never_shows_its_secret_again() {
    let w = world().await;
    let cookie = admin_session(&w).await;
    let r = get(w.addr, "/admin/tokens")
        .header("Cookie", &cookie)
        .send()
        .await;
    let csrf = csrf_in(&r.body);
    let key = hidden(&r.body, "/admin/tokens", "key");
    let before = w.service.list_tokens(&w.admin).await.unwrap().len();
    let form = format!(
        "csrf={csrf}&key={key}&lang=zh&intent=create&name=%E5%91%A8%E6%8A%A5&officer=wang&expires="
    );
    let first = post(w.addr, "/admin/tokens")
        .header("Cookie", &cookie)
        .form(&form)
        .send()
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.body.contains("py_"), "the secret, this once");
    let again = post(w.addr, "/admin/tokens")
        .header("Cookie", &cookie)
        .form(&form)
        .send()
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert!(!again.body.contains("py_"), "{}", again.body);
    assert!(
        again.body.contains("令牌“周报”已经创建过了"),
        "{}",
        again.body
    );
    assert_eq!(
        w.service.list_tokens(&w.admin).await.unwrap().len(),
        before + 1
    );
}

#[tokio::test]
async fn enterprises_are_found_by_stage_on_the_page_and_the_api() {
    let w = world().await;
    let cookie = wang_session(&w).await;
    let page = async |path: &str| {
        let r = get(w.addr, path).header("Cookie", &cookie).send().await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.body
    };
    let api = async |query: &str| {
        get(w.addr, &format!("/api/v1/enterprises?{query}"))
            .header("Authorization", &format!("Bearer {}", w.wang_token))
            .send()
            .await
    };
    let body = page("/enterprises").await;
    assert!(
        body.contains("<option value=\"industrial:candidate\">"),
        "{body}"
    );
    let body = page("/enterprises?stage=industrial%3Acandidate").await;
    assert!(body.contains("柳州精密机械有限公司"), "{body}");
    assert!(body.contains("找到 1 家"), "{body}");
    // Filtered by stage, each firm says its stage and track, in words.
    assert!(body.contains("<th>阶段</th><th>流程</th>"), "{body}");
    assert!(body.contains("data-label=\"阶段\">候选</td>"), "{body}");
    assert!(!page("/enterprises").await.contains("<th>阶段</th>"));
    let body = page("/enterprises?stage=industrial%3Acultivating").await;
    assert!(body.contains("找到 0 家"), "{body}");
    // A stage the track does not have: beside the field, nothing found.
    let r = get(w.addr, "/enterprises?stage=industrial%3Anowhere")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("id=\"find-enterprises-stage-error\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("找到 0 家"), "{}", r.body);
    let r = api("stage=candidate&track=industrial").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("柳州精密机械有限公司"), "{}", r.body);
    let listed: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(listed[0]["stage"]["stage"], "candidate", "{}", r.body);
    assert_eq!(listed[0]["stage"]["stage_label"], "候选", "{}", r.body);
    assert_eq!(listed[0]["stage"]["track"], "industrial", "{}", r.body);
    // Every file of the list carries the two columns; the unfiltered list has neither.
    for format in ["csv", "md", "html"] {
        let r = api(&format!("stage=candidate&track=industrial&format={format}")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.body.contains("阶段") && r.body.contains("候选"),
            "{format}: {}",
            r.body
        );
        let all = api(&format!("format={format}")).await;
        assert!(!all.body.contains("阶段"), "{format}: {}", all.body);
    }
    let r = api("stage=candidate").await;
    assert!(!r.body.contains("\"stage\":null"), "{}", r.body);
    let r = api("").await;
    assert!(!r.body.contains("\"stage\""), "{}", r.body);
    let r = api("stage=registered&track=commerce").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body.trim(), "[]");
    let r = api("stage=nowhere").await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("stage"), "{}", r.body);
    let r = api("track=industrial").await;
    assert_eq!(r.status, 422, "track without a stage: {}", r.body);
}

#[tokio::test]
async fn a_lead_sees_only_the_team_and_transfer_forms_on_the_admin_page() {
    let w = world().await;
    w.service
        .set_role(&w.admin, "wang", Role::Lead, "任命为组长")
        .await
        .unwrap();
    let cookie = wang_session(&w).await;
    let r = get(w.addr, "/admin").header("Cookie", &cookie).send().await;
    assert_eq!(r.status, 200, "{}", r.body);
    for form in ["id=\"team\"", "id=\"transfer\""] {
        assert!(r.body.contains(form), "{form}: {}", r.body);
    }
    for form in [
        "id=\"deactivate\"",
        "id=\"role\"",
        "id=\"officer\"",
        "id=\"notice\"",
    ] {
        assert!(!r.body.contains(form), "{form}: {}", r.body);
    }
}
