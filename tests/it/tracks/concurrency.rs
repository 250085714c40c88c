//! Optimistic concurrency on cultivations: the expected version, two clients racing, and
//! repeated request ids.

use peiyu_service::ErrorKind;
use peiyu_tests::on_every_backend;

use super::*;

#[tokio::test]
async fn two_clients_advancing_from_the_same_version_record_one_move_and_the_other_gets_a_conflict()
{
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 701, "并发机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-03-01").await;
        let audit_before = footprint(&w, &e, INDUSTRIAL).await.audit_entries;

        let mut handles = Vec::new();
        for (client, actor) in [
            (w.service.clone(), w.wang.clone()),
            (w.service.clone(), w.li.clone()),
        ] {
            let cmd = AdvanceCase {
                expected_version: Some(1),
                ..step(&e, INDUSTRIAL, "cultivating", "2024-03-05")
            };
            handles.push(tokio::spawn(async move {
                client.advance_case(&actor, cmd).await
            }));
        }
        let mut results = Vec::new();
        for h in handles {
            results.push(h.await.unwrap());
        }
        let ok = results.iter().filter(|r| r.is_ok()).count();
        let conflicts: Vec<String> = results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .filter(|e| e.kind() == ErrorKind::Conflict)
            .map(message)
            .collect();
        assert_eq!((ok, conflicts.len()), (1, 1), "{results:?}");
        assert!(
            conflicts[0].contains("was moved by someone else (expected version 1, now 2)"),
            "{}",
            conflicts[0]
        );

        let after = footprint(&w, &e, INDUSTRIAL).await;
        assert_eq!(after.version, 2);
        assert_eq!(after.transitions.len(), 2, "exactly one move recorded");
        assert_eq!(after.tasks.len(), 2, "the stage's tasks created once");
        assert_eq!(audited(&w, AuditAction::CaseAdvance).await, 1);
        // One transition and its two tasks, nothing from the loser.
        assert_eq!(after.audit_entries, audit_before + 3);
    })
    .await;
}

#[tokio::test]
async fn a_stale_expected_version_is_a_conflict_and_changes_nothing() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 702, "旧版机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-03-01").await;
        let out = advance(
            &w,
            &w.wang,
            AdvanceCase {
                expected_version: Some(1),
                ..step(&e, INDUSTRIAL, "cultivating", "2024-03-05")
            },
        )
        .await;
        assert_eq!(out.version, 2);

        let before = footprint(&w, &e, INDUSTRIAL).await;
        let cmd = AdvanceCase {
            expected_version: Some(1),
            ..with_reason(step(&e, INDUSTRIAL, "withdrawn", "2024-03-06"), "企业退出")
        };
        let msg = refused(&w, &w.li, cmd, ErrorKind::Conflict).await;
        assert!(msg.contains("expected version 1, now 2"), "{msg}");
        assert!(msg.contains("预期版本 1，当前版本 2"), "{msg}");
        assert_eq!(footprint(&w, &e, INDUSTRIAL).await, before);

        // The same for a dry run and for withdraw_case.
        let cmd = AdvanceCase {
            expected_version: Some(1),
            dry_run: true,
            ..with_reason(step(&e, INDUSTRIAL, "withdrawn", "2024-03-06"), "企业退出")
        };
        refused(&w, &w.li, cmd, ErrorKind::Conflict).await;
        let err = w
            .service
            .withdraw_case(
                &w.li,
                e.uscc.as_str(),
                INDUSTRIAL,
                "企业退出",
                Some(d("2024-03-06")),
                Some(1),
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Conflict);

        // With the current version it goes through.
        let out = w
            .service
            .withdraw_case(
                &w.li,
                e.uscc.as_str(),
                INDUSTRIAL,
                "企业退出",
                Some(d("2024-03-06")),
                Some(2),
            )
            .await
            .unwrap();
        assert_eq!(out.version, 3);
    })
    .await;
}

#[tokio::test]
async fn a_repeated_request_id_returns_the_first_result_and_records_one_move() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 703, "重放机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-03-01").await;
        let cmd = AdvanceCase {
            request_id: Some("req-2024-03-05-0001".into()),
            expected_version: Some(1),
            ..step(&e, INDUSTRIAL, "cultivating", "2024-03-05")
        };
        let first = advance(&w, &w.wang, cmd.clone()).await;
        let after_first = footprint(&w, &e, INDUSTRIAL).await;

        // The client did not hear the answer and sends the same request again (its expected
        // version is stale by now): the first result comes back, nothing is recorded.
        let again = w.service.advance_case(&w.wang, cmd.clone()).await.unwrap();
        assert!(again.replayed && again.applied);
        let (t1, t2) = (first.transition.unwrap(), again.transition.unwrap());
        assert_eq!(t2.id, t1.id);
        assert_eq!(t2.to.as_str(), "cultivating");
        assert_eq!(again.version, 2);
        let mut first_tasks: Vec<_> = first.tasks.iter().map(|t| t.task.id).collect();
        let mut again_tasks: Vec<_> = again.tasks.iter().map(|t| t.task.id).collect();
        first_tasks.sort_by_key(|id| id.0);
        again_tasks.sort_by_key(|id| id.0);
        assert_eq!(again_tasks, first_tasks);
        assert_eq!(footprint(&w, &e, INDUSTRIAL).await, after_first);

        // Even when the cultivation has moved on since.
        advance(
            &w,
            &w.wang,
            with_reason(step(&e, INDUSTRIAL, "withdrawn", "2024-03-08"), "退出"),
        )
        .await;
        let late = w.service.advance_case(&w.wang, cmd).await.unwrap();
        assert!(late.replayed);
        assert_eq!(late.transition.unwrap().id, t1.id);
        assert_eq!(case(&w, &e, INDUSTRIAL).await.history.len(), 3);
    })
    .await;
}

/// Sends the same request (same request id, no expected version) from two clients at once and
/// returns both answers.
async fn send_twice_at_once(
    w: &World,
    e: &Enterprise,
    request_id: &str,
) -> Vec<Result<AdvanceOutcome, ServiceError>> {
    let mut handles = Vec::new();
    for _ in 0..2 {
        let (client, actor) = (w.service.clone(), w.wang.clone());
        let cmd = AdvanceCase {
            request_id: Some(request_id.into()),
            ..step(e, INDUSTRIAL, "cultivating", "2024-03-05")
        };
        handles.push(tokio::spawn(async move {
            client.advance_case(&actor, cmd).await
        }));
    }
    let mut results = Vec::new();
    for h in handles {
        results.push(h.await.unwrap());
    }
    results
}

#[tokio::test]
async fn the_same_request_id_sent_twice_at_once_records_one_move() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 704, "双发机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-03-01").await;
        let results = send_twice_at_once(&w, &e, "req-dup").await;
        let view = case(&w, &e, INDUSTRIAL).await;
        assert_eq!(view.history.len(), 2, "{results:?}");
        assert_eq!(view.cultivation.version, 2);
        assert_eq!(view.open_tasks.len(), 2);
        assert!(
            results.iter().any(|r| r
                .as_ref()
                .is_ok_and(|out| out.transition.as_ref().unwrap().id == view.history[1].id)),
            "{results:?}"
        );
    })
    .await;
}

#[tokio::test]

async fn the_same_request_id_sent_twice_at_once_answers_both_with_the_first_result() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        // The race is lost only sometimes: run it on twenty cases.
        for n in 0..20 {
            let e = factory(&w, 710 + n, &format!("双发{n}机械有限公司")).await;
            open(&w, &e, INDUSTRIAL, "2024-03-01").await;
            let results = send_twice_at_once(&w, &e, &format!("req-dup-{n}")).await;
            let moved = case(&w, &e, INDUSTRIAL).await.history[1].id;
            for r in &results {
                match r {
                    Ok(out) => assert_eq!(out.transition.as_ref().unwrap().id, moved),
                    Err(err) => panic!("round {n}: the duplicate was answered with {err}"),
                }
            }
            assert_eq!(
                results
                    .iter()
                    .filter(|r| r.as_ref().unwrap().replayed)
                    .count(),
                1
            );
        }
    })
    .await;
}
