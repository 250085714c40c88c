//! What an audit entry says about who asked and for whom: the request id lands in every entry
//! its unit of work writes, and a delegate's completion names the assignee in `on_behalf_of`, on
//! every backend.

use peiyu_domain::{AuditAction, Enterprise};
use peiyu_service::{AdvanceCase, AuditEntry, AuditQuery};
use peiyu_tests::on_every_backend;

use crate::tracks::{INDUSTRIAL, World, advance, factory, open, step, with_reason, world};

/// The enterprise's audit entries, oldest first (one chain, so in the order written).
async fn entries(w: &World, e: &Enterprise) -> Vec<AuditEntry> {
    w.service
        .audit_log(
            &w.admin,
            &AuditQuery {
                enterprise: Some(e.uscc.to_string()),
                ..AuditQuery::default()
            },
        )
        .await
        .unwrap()
}

/// The same bureau acting for the request `id`.
fn for_request(w: &World, id: &str) -> World {
    World {
        service: w.service.with_request_id(id),
        ..w.clone()
    }
}

#[tokio::test]
async fn an_advances_request_id_lands_in_every_entry_it_writes() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 801, "追溯机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-03-01").await;
        let before = entries(&w, &e).await;
        assert!(before.iter().all(|x| x.request_id.is_none()), "{before:?}");

        advance(
            &w,
            &w.wang,
            AdvanceCase {
                request_id: Some("req-2024-03-05-0001".into()),
                ..step(&e, INDUSTRIAL, "cultivating", "2024-03-05")
            },
        )
        .await;
        let written = entries(&w, &e).await.split_off(before.len());
        let actions: Vec<&str> = written.iter().map(|x| x.action.as_str()).collect();
        assert!(
            actions.contains(&AuditAction::CaseAdvance.key()),
            "{actions:?}"
        );
        assert!(
            actions.contains(&AuditAction::TaskCreate.key()),
            "{actions:?}"
        );
        for x in &written {
            assert_eq!(
                x.request_id.as_deref(),
                Some("req-2024-03-05-0001"),
                "{x:?}"
            );
        }
        let report = peiyu_storage::audit::verify_chains(w.service.store().conn())
            .await
            .unwrap();
        assert!(report.broken.is_empty(), "{report:?}");
    })
    .await;
}

#[tokio::test]
async fn a_front_ends_request_id_lands_in_every_entry_of_any_use_case() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        // Adding an enterprise for a request: its entry carries the request's id.
        let traced = for_request(&w, "0190c3a1-7b2e-7c00-8000-000000000001");
        let e = factory(&traced, 802, "请求机械有限公司").await;
        let added = entries(&w, &e).await;
        assert_eq!(added.len(), 1);
        assert_eq!(
            added[0].request_id.as_deref(),
            Some("0190c3a1-7b2e-7c00-8000-000000000001")
        );
        // The service it was made from still names no request.
        open(&w, &e, INDUSTRIAL, "2024-03-01").await;
        let opened = entries(&w, &e).await.split_off(1);
        assert!(!opened.is_empty());
        assert!(opened.iter().all(|x| x.request_id.is_none()), "{opened:?}");

        // An advance for a request without an id of its own carries the request's.
        let seen = entries(&w, &e).await.len();
        let traced = for_request(&w, "trace-b");
        advance(
            &traced,
            &w.wang,
            step(&e, INDUSTRIAL, "cultivating", "2024-03-05"),
        )
        .await;
        let written = entries(&w, &e).await.split_off(seen);
        assert!(written.len() > 1, "{written:?}");
        assert!(
            written
                .iter()
                .all(|x| x.request_id.as_deref() == Some("trace-b")),
            "{written:?}"
        );
        // With one of its own (an Idempotency-Key, --request-id), the advance's wins.
        let seen = seen + written.len();
        advance(
            &traced,
            &w.wang,
            AdvanceCase {
                request_id: Some("req-own".into()),
                ..with_reason(step(&e, INDUSTRIAL, "withdrawn", "2024-03-08"), "退出")
            },
        )
        .await;
        let written = entries(&w, &e).await.split_off(seen);
        assert!(!written.is_empty());
        assert!(
            written
                .iter()
                .all(|x| x.request_id.as_deref() == Some("req-own")),
            "{written:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_delegates_completion_is_recorded_on_the_assignees_behalf() {
    on_every_backend(async |db| {
        let w = world(db, "2024-03-05").await;
        let e = factory(&w, 803, "代办机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-03-01").await;
        advance(
            &w,
            &w.wang,
            step(&e, INDUSTRIAL, "cultivating", "2024-03-05"),
        )
        .await;
        let open_tasks: Vec<_> = crate::tracks::tasks_of(&w, &e)
            .await
            .into_iter()
            .filter(|t| t.assignee == w.wang.id && t.status == peiyu_domain::TaskStatus::Open)
            .collect();
        assert!(open_tasks.len() >= 2, "{open_tasks:?}");
        let (delegated, own) = (&open_tasks[0], &open_tasks[1]);
        let key = delegated.id.0.to_string();
        w.service
            .delegate_task(&w.wang, &key, Some("li"))
            .await
            .unwrap();
        w.service
            .complete_task(&w.li, &key, Some("代为办结".into()), None, None)
            .await
            .unwrap();
        w.service
            .complete_task(&w.wang, &own.id.0.to_string(), None, None, None)
            .await
            .unwrap();

        let done: Vec<AuditEntry> = entries(&w, &e)
            .await
            .into_iter()
            .filter(|x| x.action() == Some(AuditAction::TaskDone))
            .collect();
        assert_eq!(done.len(), 2, "{done:?}");
        let by_delegate = done.iter().find(|x| x.subject_id == key).unwrap();
        assert_eq!(by_delegate.actor_login, "li");
        assert_eq!(by_delegate.on_behalf_of.as_deref(), Some("wang"));
        let by_assignee = done.iter().find(|x| x.subject_id != key).unwrap();
        assert_eq!(by_assignee.actor_login, "wang");
        assert_eq!(by_assignee.on_behalf_of, None);
        // The delegation itself was the assignee's own act.
        let delegation = entries(&w, &e)
            .await
            .into_iter()
            .find(|x| x.action() == Some(AuditAction::TaskDelegate))
            .unwrap();
        assert_eq!(delegation.on_behalf_of, None);

        // The timeline says so too, and the chain still verifies.
        let (_, timeline) = w
            .service
            .enterprise_history(&w.admin, e.uscc.as_str(), &Default::default())
            .await
            .unwrap();
        assert!(
            timeline
                .iter()
                .any(|l| l.actor == "li" && l.on_behalf_of.as_deref() == Some("wang")),
            "{timeline:?}"
        );
        let report = peiyu_storage::audit::verify_chains(w.service.store().conn())
            .await
            .unwrap();
        assert!(report.broken.is_empty(), "{report:?}");
    })
    .await;
}
