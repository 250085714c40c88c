//! A dry run plans the move (its guards, the tasks it would create and close, the expiry) and
//! changes nothing.

use peiyu_domain::{FactorCategory, TaskKind};
use peiyu_service::ErrorKind;
use peiyu_tests::on_every_backend;

use super::*;

fn dry(cmd: AdvanceCase) -> AdvanceCase {
    AdvanceCase {
        dry_run: true,
        ..cmd
    }
}

#[tokio::test]
async fn a_dry_run_returns_the_plan_with_its_guards_and_tasks_and_changes_nothing() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 901, "预演机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2023-09-01").await;
        advance(
            &w,
            &w.wang,
            step(&e, INDUSTRIAL, "cultivating", "2023-09-28"),
        )
        .await;
        record_months(&w, &e, "2023-01", "2023-10", 250, Some(260)).await;
        let before = footprint(&w, &e, INDUSTRIAL).await;

        let out = w
            .service
            .advance_case(
                &w.wang,
                dry(step(&e, INDUSTRIAL, "qualified", "2023-11-08")),
            )
            .await
            .unwrap();
        assert!(!out.applied && !out.replayed);
        assert!(out.transition.is_none());
        assert_eq!(out.version, 2);
        let plan = out.plan.as_ref().unwrap();
        assert_eq!(
            (plan.from.as_str(), plan.to.as_str()),
            ("cultivating", "qualified")
        );
        assert_eq!(plan.effective_on, d("2023-11-08"));
        assert_eq!(
            plan.guards
                .iter()
                .map(|g| (g.guard, g.passed))
                .collect::<Vec<_>>(),
            [("revenue_at_least_threshold", true), ("legal_entity", true)]
        );
        assert!(!plan.overridden);
        assert_eq!(
            plan.create
                .iter()
                .map(|t| (t.kind, t.due_on))
                .collect::<Vec<_>>(),
            [
                (TaskKind::Application, d("2023-12-05")),
                (TaskKind::Document, d("2023-11-13"))
            ]
        );
        assert_eq!(
            created(&out),
            [
                (TaskKind::Application, d("2023-12-05")),
                (TaskKind::Document, d("2023-11-13"))
            ]
        );
        assert!(out.tasks.iter().all(|t| t.assignee.id == w.wang.id));
        assert_eq!(
            closed_kinds(&out),
            [
                TaskKind::FactorGuarantee(FactorCategory::Land),
                TaskKind::Visit
            ]
        );
        assert_eq!(footprint(&w, &e, INDUSTRIAL).await, before);

        // The dry-run tasks were never stored: the real move creates its own.
        let real = advance(&w, &w.wang, step(&e, INDUSTRIAL, "qualified", "2023-11-08")).await;
        assert_eq!(real.version, 3);
        assert_eq!(tasks_of(&w, &e).await.len(), 4);
    })
    .await;
}

#[tokio::test]
async fn a_dry_run_of_a_blocked_move_lists_every_failing_guard_and_changes_nothing() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 902, "预演二厂有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-01-02").await;
        force(&w, &e, INDUSTRIAL, "cultivating", "2024-01-03").await;
        force(&w, &e, INDUSTRIAL, "qualified", "2024-03-01").await;
        let before = footprint(&w, &e, INDUSTRIAL).await;
        let msg = refused(
            &w,
            &w.wang,
            dry(step(&e, INDUSTRIAL, "applied", "2024-03-15")),
            ErrorKind::Invalid,
        )
        .await;
        assert!(msg.contains("(2 failing, nothing changed)"), "{msg}");
        assert!(
            msg.contains("application") && msg.contains("evidence is required"),
            "{msg}"
        );
        assert_eq!(footprint(&w, &e, INDUSTRIAL).await, before);

        // A lead's dry-run override shows the plan as overridden, and still records nothing.
        let out = w
            .service
            .advance_case(
                &w.lead,
                AdvanceCase {
                    override_guards: true,
                    ..dry(with_reason(
                        step(&e, INDUSTRIAL, "applied", "2024-03-15"),
                        "先行申报",
                    ))
                },
            )
            .await
            .unwrap();
        let plan = out.plan.as_ref().unwrap();
        assert!(plan.overridden);
        assert_eq!(plan.failed_guards().count(), 2);
        assert_eq!(created(&out), [(TaskKind::Document, d("2024-04-29"))]);
        assert_eq!(footprint(&w, &e, INDUSTRIAL).await, before);
    })
    .await;
}

#[tokio::test]
async fn a_dry_run_of_a_certification_shows_its_expiry_and_re_review_task() {
    on_every_backend(async |db| {
        let w = world(db, "2023-11-15").await;
        let e = factory(&w, 903, "预演科技有限公司").await;
        open(&w, &e, TECHNOLOGY, "2023-10-09").await;
        force(&w, &e, TECHNOLOGY, "preparing", "2023-10-09").await;
        force(&w, &e, TECHNOLOGY, "applied_high_tech", "2023-10-09").await;
        let before = footprint(&w, &e, TECHNOLOGY).await;
        let out = w
            .service
            .advance_case(
                &w.wang,
                dry(with_evidence(
                    step(&e, TECHNOLOGY, "high_tech", "2023-11-15"),
                    "GR202345000999",
                )),
            )
            .await
            .unwrap();
        let plan = out.plan.as_ref().unwrap();
        assert_eq!(plan.expires_on, Some(d("2026-11-15")));
        assert_eq!(created(&out), [(TaskKind::Application, d("2026-07-18"))]);
        assert_eq!(footprint(&w, &e, TECHNOLOGY).await, before);
        assert_eq!(
            case(&w, &e, TECHNOLOGY).await.cultivation.value.expires_on,
            None
        );
    })
    .await;
}
