//! The authorisation matrix: every role × every endpoint, with the status each gets, from one
//! table ([`MATRIX`]). docs/authorisation.md prints the same table; a test fails when they
//! differ (and prints the table to paste).

use chrono::{Duration, Utc};

use peiyu_domain::{Login, Role};
use peiyu_service::NewOfficer;

use crate::client::{Reply, get, request};
use crate::world::{World, uscc, world_at};

/// Who asks, in the order of [`MATRIX`]'s columns.
const WHO: [&str; 8] = [
    "officer of the enterprise",
    "officer of another",
    "lead",
    "leader",
    "admin",
    "no token",
    "revoked token",
    "expired token",
];

/// `(method, path, the status for each of WHO)`. `{e}` is the factory of the officer `wang`,
/// `{t}` one of wang's open tasks, `{team}` the team 专班 that the lead leads and wang is in,
/// `{m}` the officer the column put on it (the leader qian; the admin's own matrix4) to take off,
/// `{mine}` an enterprise of wang's made for the asker alone
/// (one per column, on the industrial track) and `{mt}` wang's task about it, `{y}` a year of
/// the column's own (2030 + column) and `{wt}` a token of wang's made for the column, so that
/// each column's real write acts on its own; `#preview`/`#apply` say which body a POST sends. Writes are dry runs or previews
/// wherever the API has one; the others act on the asker's own `{mine}` or add something named
/// for the asker ([`body`]); archiving comes after every other write on `{mine}`, and loading a
/// notice last.
const MATRIX: &[(&str, &str, [u16; 8])] = &[
    (
        "GET",
        "/api/v1/health",
        [200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "GET",
        "/api/v1/enterprises",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/enterprises/{e}",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/enterprises/{e}/cases",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/enterprises/{e}/history",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/enterprises/{e}/metrics",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/enterprises/{e}/batches",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/enterprises/{e}/cases/industrial/advance",
        [200, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/tasks",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/tasks/{t}",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/tasks",
        [201, 201, 201, 403, 201, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/tasks/{mt}/assign",
        [403, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/tasks/{mt}/delegate",
        [200, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/tasks/{mt}/cancel",
        [200, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/tasks/{mt}/reopen",
        [200, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/tasks/{mt}/transfer",
        [200, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/tasks/{mt}/done",
        [200, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/tasks/transfers",
        [403, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/weekly",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/weekly?officer=wang",
        [200, 403, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/weekly?all=true",
        [403, 403, 403, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/officers",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/teams",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/teams/{team}",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/tracks",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/tracks/industrial",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/batches/2023/suggestions",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/asof/2023-06-29",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/targets?year=2023",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/reports/progress?year=2023",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/audit/log",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/audit/verify",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/calendar",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/batches/2023/entries/{e}",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/tokens",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/tracks/validate",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/export/enterprises",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/export/tasks?format=xlsx",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/officers",
        [403, 403, 403, 403, 201, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/teams",
        [403, 403, 403, 403, 201, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/teams/{team}/members",
        [403, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/teams/{team}/members/{m}/leave",
        [403, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/enterprises",
        [201, 201, 201, 403, 201, 401, 401, 401],
    ),
    (
        "PATCH",
        "/api/v1/enterprises/{mine}",
        [200, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/enterprises/{mine}/metrics",
        [200, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "GET",
        "/api/v1/register",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/enterprises/{mine}/register",
        [403, 403, 201, 403, 201, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/batches/2023/entries",
        [403, 403, 201, 403, 201, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/batches/2023/entries/{mine}/move",
        [403, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/batches/2023/entries/{mine}/remove",
        [403, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/enterprises/{mine}/cases",
        [201, 403, 201, 403, 201, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/tick",
        [403, 403, 403, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/batches/{y}/copy",
        [403, 403, 201, 403, 201, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/batches/{y}/publish",
        [403, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/batches/2023/suggestions/accept",
        [403, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/targets",
        [403, 403, 403, 200, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/tracks",
        [403, 403, 403, 403, 201, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/enterprises/{mine}/cases/industrial/migrate",
        [403, 403, 403, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/tokens",
        [201, 201, 201, 201, 201, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/tokens/{wt}/revoke",
        [200, 403, 403, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/import/ledger",
        [200, 200, 200, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/enterprises/{mine}/cases/industrial/withdraw",
        [200, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/enterprises/{mine}/archive",
        [200, 403, 200, 403, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/calendar/notices#preview",
        [200, 200, 200, 200, 200, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/calendar/notices#apply",
        [403, 403, 403, 403, 200, 401, 401, 401],
    ),
];

/// The body a row's write sends as the asker in column `i` (whose own enterprise is `mine`):
/// a dry run, a preview, (`#apply`) the real thing, or a write of the asker's own.
fn body(row: &str, i: usize, mine: &str) -> serde_json::Value {
    use serde_json::json;
    let path = row.split('#').next().unwrap_or(row);
    if path.ends_with("/advance") {
        json!({ "to": "cultivating", "dry_run": true })
    } else if path.ends_with("/officers") {
        json!({ "login": format!("matrix{i}"), "name": format!("矩阵{i}") })
    } else if path.ends_with("/teams") {
        json!({ "name": format!("矩阵专班{i}") })
    } else if path.ends_with("/members") {
        // Not li: li stays outside wang's team, the "officer of another" column.
        json!({ "login": if i == 4 { "matrix4" } else { "qian" } })
    } else if path.ends_with("/enterprises") {
        json!({ "uscc": uscc(100 + i as u32).as_str(), "name": format!("矩阵企业{i}"),
            "sector": "industry", "town": "石龙镇" })
    } else if path.ends_with("/register") {
        json!({ "action": "enter", "kind": "above_scale", "month": "2023-05", "route": "monthly" })
    } else if path.ends_with("/metrics") {
        json!({ "month": "2023-05", "revenue": "100万" })
    } else if path.ends_with("/entries") {
        json!({ "enterprise": mine, "batch": 2, "reason": "矩阵", "on": "2023-06-01" })
    } else if path.ends_with("/cases") {
        json!({ "track": "technology", "on": "2023-06-01" })
    } else if path.ends_with("/tick") {
        json!({})
    } else if path.ends_with("/move") {
        json!({ "batch": 1, "reason": "矩阵", "on": "2023-06-10" })
    } else if path.ends_with("/remove") || path.ends_with("/withdraw") {
        json!({ "reason": "矩阵", "on": "2023-06-20" })
    } else if path.ends_with("/tasks/transfers") {
        json!({ "from": "li", "to": "zhao", "reason": "矩阵" })
    } else if path.ends_with("/copy") {
        json!({ "from": 2023, "on": "2023-06-01" })
    } else if path.ends_with("/accept") {
        json!({ "all": true })
    } else if path.ends_with("/targets") {
        json!({ "year": 2023, "metric": "new_above_scale", "value": 10 + i })
    } else if path.ends_with("/tokens") {
        json!({ "name": format!("矩阵{i}") })
    } else if path.ends_with("/leave") {
        json!({ "on": "2023-06-30" })
    } else if path.ends_with("/publish")
        || path.ends_with("/revoke")
        || path.ends_with("/done")
        || path.ends_with("/migrate")
    {
        json!({})
    } else if path.ends_with("/api/v1/tasks") {
        json!({ "kind": "visit", "title": format!("矩阵{i}号任务"), "due": "5" })
    } else if path.ends_with("/tasks/{mt}/assign") {
        json!({ "to": "wang" })
    } else if path.ends_with("/delegate") {
        json!({ "to": "zhao" })
    } else if path.ends_with("/transfer") {
        json!({ "to": "zhao", "reason": "矩阵" })
    } else if path.ends_with("/archive") || path.ends_with("/cancel") || path.ends_with("/reopen") {
        json!({ "reason": "矩阵" })
    } else if path.contains("/enterprises/") {
        json!({ "address": format!("矩阵路 {i} 号") })
    } else {
        serde_json::json!({
            "text": "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日放假，与周末连休。",
            "apply": row.ends_with("#apply")
        })
    }
}

/// The shipped industrial track as a new version (loaded by the admin's column, so that its
/// case can migrate).
fn industrial_v2() -> String {
    include_str!("../../../workflow/tracks/industrial.toml")
        .replace("version = \"2024.1\"", "version = \"2024.2\"")
}

/// The matrix as docs/authorisation.md prints it.
fn markdown() -> String {
    let mut out = String::from("| endpoint |");
    for who in WHO {
        out.push_str(&format!(" {who} |"));
    }
    out.push_str("\n|---|");
    for _ in WHO {
        out.push_str("---|");
    }
    out.push('\n');
    for (method, path, statuses) in MATRIX {
        let (path, note) = match path.split_once('#') {
            Some((path, note)) => (path, format!(" ({note})")),
            None => (*path, String::new()),
        };
        out.push_str(&format!("| `{method} {path}`{note} |"));
        for s in statuses {
            out.push_str(&format!(" {s} |"));
        }
        out.push('\n');
    }
    out
}

#[test]
fn docs_authorisation_prints_the_matrix() {
    let doc = include_str!("../../../../docs/authorisation.md");
    let table = markdown();
    assert!(
        doc.contains(&table),
        "docs/authorisation.md must print the matrix of crates/server/tests/it/matrix.rs:\n{table}"
    );
}

struct Tokens {
    secrets: [Option<String>; 8],
}

async fn tokens(w: &World) -> Tokens {
    let s = &w.service;
    let add = |login: &'static str, name: &'static str, role: Role| async move {
        s.add_officer(
            &w.admin,
            NewOfficer {
                login: Login::new(login).unwrap(),
                name: name.into(),
                role,
            },
        )
        .await
        .unwrap()
    };
    let li = add("li", "李明", Role::Officer).await;
    let lead = add("zhao", "赵组长", Role::Lead).await;
    let leader = add("qian", "钱局长", Role::Leader).await;
    s.add_team(&w.admin, "专班", Some("zhao")).await.unwrap();
    s.join_team(&w.admin, "专班", "wang", None).await.unwrap();
    let token = |o: peiyu_domain::Officer, expires| async move {
        s.create_token(&w.admin, Some(o.login.as_str()), "matrix", expires)
            .await
            .unwrap()
    };
    let other = token(li.clone(), None).await.secret;
    let lead = token(lead, None).await.secret;
    let leader = token(leader, None).await.secret;
    let revoked = token(li.clone(), None).await;
    s.revoke_token(&w.admin, &revoked.token.id.to_string())
        .await
        .unwrap();
    // A token made ten days ago that expired yesterday: made by a service on the same
    // database whose clock reads ten days earlier.
    let earlier = peiyu_service::Service::connect(&w.url)
        .await
        .unwrap()
        .with_clock(std::sync::Arc::new(peiyu_service::FixedClock(
            Utc::now().min(w.service.now()) - Duration::days(10),
        )));
    let yesterday = w.service.today() - Duration::days(1);
    let expired = earlier
        .create_token(&w.admin, Some("li"), "old", Some(yesterday))
        .await
        .unwrap()
        .secret;
    Tokens {
        secrets: [
            Some(w.wang_token.clone()),
            Some(other),
            Some(lead),
            Some(leader),
            Some(w.admin_token.clone()),
            None,
            Some(revoked.secret),
            Some(expired),
        ],
    }
}

#[tokio::test]
async fn every_role_gets_the_status_the_matrix_says_on_every_endpoint() {
    let w = world_at(
        chrono::TimeZone::with_ymd_and_hms(&Utc, 2023, 6, 30, 1, 0, 0)
            .single()
            .unwrap(),
    )
    .await;
    let tokens = tokens(&w).await;
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
    let task = peiyu_service::short_id(&task);
    // Each column's own enterprise of wang's, on the industrial track.
    let mut mine = Vec::new();
    let mut mine_tasks = Vec::new();
    for i in 0..WHO.len() {
        let code = uscc(200 + i as u32);
        w.service
            .add_enterprise(
                &w.admin,
                peiyu_domain::NewEnterprise {
                    uscc: code.clone(),
                    name: format!("矩阵{i}号企业"),
                    sector: peiyu_domain::Sector::Industry,
                    town: "石龙镇".into(),
                    address: String::new(),
                    land_area: None,
                    legal_form: peiyu_domain::LegalForm::LegalEntity,
                    responsible_officer: None,
                },
                Some("wang"),
            )
            .await
            .unwrap();
        w.service
            .open_case(
                &w.admin,
                peiyu_service::OpenCase {
                    enterprise: code.to_string(),
                    track: "industrial".into(),
                    on: Some(chrono::NaiveDate::from_ymd_opt(2023, 5, 1).unwrap()),
                    ..peiyu_service::OpenCase::default()
                },
            )
            .await
            .unwrap();
        let own = w
            .service
            .add_task(
                &w.wang,
                peiyu_service::NewTask {
                    enterprise: Some(code.to_string()),
                    kind: peiyu_domain::TaskKind::Visit,
                    title: format!("矩阵{i}号走访"),
                    description: None,
                    assignee: None,
                    due: peiyu_service::Due::WorkingDays(5),
                    follow_up_on: None,
                },
            )
            .await
            .unwrap();
        mine_tasks.push(own.id.0.to_string());
        mine.push(code.to_string());
    }
    // A token of wang's for each column to revoke, and the factory on the 2023 list.
    let mut wang_tokens = Vec::new();
    for i in 0..WHO.len() {
        let made = w
            .service
            .create_token(&w.wang, None, &format!("matrix{i}"), None)
            .await
            .unwrap();
        wang_tokens.push(made.token.id.to_string());
    }
    w.service
        .assign_batch(
            &w.admin,
            &peiyu_service::ListChange {
                enterprise: w.factory.uscc.to_string(),
                year: 2023,
                batch: Some(peiyu_domain::Batch::new(2).unwrap()),
                suggested: None,
                reason: "矩阵".into(),
                on: Some(chrono::NaiveDate::from_ymd_opt(2023, 2, 1).unwrap()),
            },
        )
        .await
        .unwrap();
    let mut wrong = Vec::new();
    for (method, path, statuses) in MATRIX {
        for (i, who) in WHO.iter().enumerate() {
            let concrete = path
                .split('#')
                .next()
                .unwrap_or(path)
                .replace("{e}", w.factory.uscc.as_str())
                .replace("{t}", &task)
                .replace("{mine}", &mine[i])
                .replace("{mt}", &mine_tasks[i])
                .replace("{team}", "%E4%B8%93%E7%8F%AD")
                .replace("{m}", if i == 4 { "matrix4" } else { "qian" })
                .replace("{y}", &(2030 + i).to_string())
                .replace("{wt}", &wang_tokens[i]);
            let mut request = match *method {
                "GET" => get(w.addr, &concrete),
                _ if concrete.ends_with("/import/ledger") => {
                    // One enterprise of the asker's own: a ledger row names its officer.
                    let csv = format!(
                        "统一社会信用代码,企业名称,行业,乡镇（街道）\n{},矩阵导入{i},工业,石龙镇\n",
                        uscc(300 + i as u32)
                    );
                    let (content_type, body) = crate::actions::multipart_with(
                        &[("ledger", "enterprises")],
                        "file",
                        Some(("ledger.csv", csv.as_bytes())),
                    );
                    request(w.addr, method, &concrete)
                        .header("Content-Type", &content_type)
                        .body(&body)
                }
                _ if concrete.contains("/tracks") => request(w.addr, method, &concrete)
                    .header("Content-Type", "text/plain")
                    .body(industrial_v2().as_bytes()),
                _ => request(w.addr, method, &concrete)
                    .header("If-Match", "*")
                    .json(body(path, i, &mine[i])),
            };
            if let Some(secret) = &tokens.secrets[i] {
                request = request.bearer(secret);
            }
            let r: Reply = request.send().await;
            if r.status != statuses[i] {
                wrong.push(format!(
                    "{method} {concrete} as {who}: {} (expected {}) {}",
                    r.status, statuses[i], r.body
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
