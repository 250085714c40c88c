//! Idempotency keys through the service, on every backend: a key acts once and keeps its first
//! answer, which every repeat gets back verbatim, even after the case moved on; the key is bound
//! to its request and its officer; two service instances (two pools on one database, as two
//! server instances would be) claiming one key at once record one change and give one answer.

use std::sync::Arc;
use std::time::Instant;

use peiyu_domain::{AuditAction, TaskKind};
use peiyu_service::{
    AdvanceCase, AdvanceOutcome, Answer, ErrorKind, Field, FixedClock, Idempotent, Service,
    ServiceError, StoredAnswer, TaskDone, fingerprint,
};
use peiyu_tests::{TestDb, on_every_backend};

use crate::tracks::{
    INDUSTRIAL, World, audited, case, factory, morning, open, open_task, step, with_reason, world,
};

/// What a front end would keep of an advance: its version and stage, and the version as ETag.
fn render_advance(out: &AdvanceOutcome) -> StoredAnswer {
    StoredAnswer {
        status: 200,
        body: format!(
            "{{\"version\":{},\"to\":\"{}\"}}",
            out.version,
            out.transition
                .as_ref()
                .map(|t| t.to.to_string())
                .unwrap_or_default()
        ),
        etag: Some(format!("\"{}\"", out.version)),
    }
}

fn keyed_advance(key: &str, path: &str, body: &str) -> Idempotent<'static, AdvanceOutcome> {
    Idempotent::new(
        key,
        "case.advance",
        fingerprint("POST", path, body.as_bytes()),
        render_advance,
    )
}

fn first(answer: Answer<AdvanceOutcome>) -> StoredAnswer {
    match answer {
        Answer::First {
            answer: Some(stored),
            ..
        } => stored,
        other => panic!("expected a first answer, got {other:?}"),
    }
}

fn replayed<T: std::fmt::Debug>(answer: Answer<T>) -> StoredAnswer {
    match answer {
        Answer::Replayed(stored) => stored,
        other => panic!("expected a replay, got {other:?}"),
    }
}

fn is_key_refusal(e: &ServiceError) -> bool {
    e.kind() == ErrorKind::Invalid
        && matches!(e, ServiceError::Invalid { field: Field::RequestId, message } if message.en().contains("was used for another request"))
}

#[tokio::test]
async fn a_repeat_gets_the_first_answer_even_after_the_case_moved_on() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 901, "幂等机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-03-01").await;
        let path = format!("/api/v1/enterprises/{}/cases/industrial/advance", e.uscc);
        let body = r#"{"to":"cultivating"}"#;
        let cmd = AdvanceCase {
            expected_version: Some(1),
            request_id: Some("key-901".into()),
            ..step(&e, INDUSTRIAL, "cultivating", "2024-03-05")
        };

        let once = keyed_advance("key-901", &path, body);
        let stored = first(
            w.service
                .advance_case_once(&w.wang, cmd.clone(), &once)
                .await
                .unwrap(),
        );
        assert_eq!(stored.etag.as_deref(), Some("\"2\""));
        assert_eq!(stored.body, r#"{"version":2,"to":"cultivating"}"#);

        // Someone else moves the case on.
        w.service
            .advance_case(
                &w.lead,
                with_reason(step(&e, INDUSTRIAL, "withdrawn", "2024-03-06"), "企业迁出"),
            )
            .await
            .unwrap();
        assert_eq!(case(&w, &e, INDUSTRIAL).await.cultivation.version, 3);

        // The retry, with its stale If-Match, gets the first answer verbatim and moves nothing.
        let again = keyed_advance("key-901", &path, body);
        let replay = replayed(
            w.service
                .advance_case_once(&w.wang, cmd.clone(), &again)
                .await
                .unwrap(),
        );
        assert_eq!(replay, stored);
        assert_eq!(case(&w, &e, INDUSTRIAL).await.history.len(), 3);
        assert_eq!(audited(&w, AuditAction::CaseAdvance).await, 2);
        // The key's move still carries the key as the request id of its entries.
        let entries = peiyu_storage::audit::list_entries(
            w.service.store().conn(),
            &peiyu_storage::AuditFilter {
                enterprise: Some(e.id),
                ..peiyu_storage::AuditFilter::default()
            },
        )
        .await
        .unwrap();
        assert!(
            entries
                .iter()
                .any(|x| x.request_id.as_deref() == Some("key-901"))
        );
    })
    .await;
}

#[tokio::test]
async fn a_key_is_bound_to_its_request_and_its_officer() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 902, "绑定机械有限公司").await;
        let other = factory(&w, 903, "另一机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-03-01").await;
        open(&w, &other, INDUSTRIAL, "2024-03-01").await;
        let path = format!("/api/v1/enterprises/{}/cases/industrial/advance", e.uscc);
        let cmd = AdvanceCase {
            request_id: Some("key-902".into()),
            ..step(&e, INDUSTRIAL, "cultivating", "2024-03-05")
        };
        let once = keyed_advance("key-902", &path, r#"{"to":"cultivating"}"#);
        first(
            w.service
                .advance_case_once(&w.wang, cmd.clone(), &once)
                .await
                .unwrap(),
        );

        // The same key with another body.
        let other_body = keyed_advance("key-902", &path, r#"{"to":"withdrawn"}"#);
        let err = w
            .service
            .advance_case_once(
                &w.wang,
                AdvanceCase {
                    request_id: Some("key-902".into()),
                    ..with_reason(step(&e, INDUSTRIAL, "withdrawn", "2024-03-06"), "迁出")
                },
                &other_body,
            )
            .await
            .unwrap_err();
        assert!(is_key_refusal(&err), "{err:?}");

        // The same key on another case (another path): nothing moves there.
        let other_path = format!(
            "/api/v1/enterprises/{}/cases/industrial/advance",
            other.uscc
        );
        let other_case = keyed_advance("key-902", &other_path, r#"{"to":"cultivating"}"#);
        let err = w
            .service
            .advance_case_once(
                &w.wang,
                AdvanceCase {
                    request_id: Some("key-902".into()),
                    ..step(&other, INDUSTRIAL, "cultivating", "2024-03-05")
                },
                &other_case,
            )
            .await
            .unwrap_err();
        assert!(is_key_refusal(&err), "{err:?}");
        assert_eq!(case(&w, &other, INDUSTRIAL).await.cultivation.version, 1);

        // The same request from another officer.
        let from_li = keyed_advance("key-902", &path, r#"{"to":"cultivating"}"#);
        let err = w
            .service
            .advance_case_once(&w.li, cmd, &from_li)
            .await
            .unwrap_err();
        assert!(is_key_refusal(&err), "{err:?}");
        assert_eq!(audited(&w, AuditAction::CaseAdvance).await, 1);
    })
    .await;
}

#[tokio::test]
async fn a_task_done_with_a_key_is_done_once_and_a_key_expires_after_a_day() {
    on_every_backend(async |db| {
        let w = world(db, "2024-03-05").await;
        let e = factory(&w, 904, "任务机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-03-01").await;
        w.service
            .advance_case(&w.wang, step(&e, INDUSTRIAL, "cultivating", "2024-03-05"))
            .await
            .unwrap();
        let task = open_task(&w, &e, TaskKind::Visit).await;
        let id = task.id.0.to_string();
        let render = |done: &TaskDone| StoredAnswer {
            status: 200,
            body: format!(
                "{{\"version\":{},\"assignee\":\"{}\"}}",
                done.task.version,
                done.names
                    .officers
                    .get(&done.task.value.assignee)
                    .map(|o| o.login.as_str().to_owned())
                    .unwrap_or_default()
            ),
            etag: None,
        };
        let path = format!("/api/v1/tasks/{id}/done");
        let keyed = || {
            Idempotent::new(
                "key-904",
                "task.done",
                fingerprint("POST", &path, b""),
                render,
            )
        };
        let once = keyed();
        let stored = match w
            .service
            .complete_task_once(&w.wang, &id, None, None, None, &once)
            .await
            .unwrap()
        {
            Answer::First {
                answer: Some(stored),
                ..
            } => stored,
            other => panic!("{other:?}"),
        };
        assert_eq!(stored.body, r#"{"version":2,"assignee":"wang"}"#);
        let again = keyed();
        let replay = replayed(
            w.service
                .complete_task_once(&w.wang, &id, None, None, None, &again)
                .await
                .unwrap(),
        );
        assert_eq!(replay, stored);
        assert_eq!(audited(&w, AuditAction::TaskDone).await, 1);

        // Two days later the key is gone: tick's cleanup deletes it.
        let later = World {
            service: w
                .service
                .clone()
                .with_clock(Arc::new(FixedClock(morning("2024-03-07")))),
            ..w.clone()
        };
        assert_eq!(later.service.forget_expired_keys().await.unwrap(), 1);
        assert_eq!(later.service.forget_expired_keys().await.unwrap(), 0);
    })
    .await;
}

/// A second service on the same database, through its own pool: a second server instance.
async fn second_instance(db: &TestDb, w: &World) -> Service {
    Service::new(db.store().await)
        .with_clock(Arc::new(FixedClock(morning("2024-12-20"))))
        .with_request_id(w.service.request_id().unwrap_or("second"))
}

#[tokio::test]
async fn two_instances_claiming_one_key_at_once_record_one_move_and_give_one_answer() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let other = second_instance(db, &w).await;
        let mut timings = Vec::new();
        for round in 0..4u32 {
            let e = factory(&w, 910 + round, &format!("并发幂等{round}号有限公司")).await;
            open(&w, &e, INDUSTRIAL, "2024-03-01").await;
            let key = format!("race-{round}");
            let path = format!("/api/v1/enterprises/{}/cases/industrial/advance", e.uscc);
            let moves_before = audited(&w, AuditAction::CaseAdvance).await;
            let started = Instant::now();
            let mut handles = Vec::new();
            for service in [w.service.clone(), other.clone()] {
                let (wang, key, path) = (w.wang.clone(), key.clone(), path.clone());
                let cmd = AdvanceCase {
                    expected_version: Some(1),
                    request_id: Some(key.clone()),
                    ..step(&e, INDUSTRIAL, "cultivating", "2024-03-05")
                };
                handles.push(tokio::spawn(async move {
                    let once = keyed_advance(&key, &path, r#"{"to":"cultivating"}"#);
                    let answer = service.advance_case_once(&wang, cmd, &once).await;
                    (answer, started.elapsed())
                }));
            }
            let mut answers = Vec::new();
            for h in handles {
                let (answer, took) = h.await.unwrap();
                timings.push(took);
                answers.push(answer.unwrap_or_else(|e| panic!("round {round}: {e:?}")));
            }
            let firsts = answers
                .iter()
                .filter(|a| matches!(a, Answer::First { .. }))
                .count();
            assert_eq!(firsts, 1, "round {round}: {answers:?}");
            let stored: Vec<StoredAnswer> = answers
                .into_iter()
                .map(|a| match a {
                    Answer::First {
                        answer: Some(s), ..
                    }
                    | Answer::Replayed(s) => s,
                    other => panic!("{other:?}"),
                })
                .collect();
            assert_eq!(stored[0], stored[1], "round {round}: one answer");
            assert_eq!(stored[0].etag.as_deref(), Some("\"2\""));
            assert_eq!(
                audited(&w, AuditAction::CaseAdvance).await,
                moves_before + 1,
                "round {round}: exactly one move"
            );
            assert_eq!(case(&w, &e, INDUSTRIAL).await.history.len(), 2);
        }
        let slowest = timings.iter().max().copied().unwrap_or_default();
        eprintln!(
            "{:?}: two instances racing for one key, slowest answer {slowest:?} ({timings:?})",
            db.kind
        );
    })
    .await;
}
