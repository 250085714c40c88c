//! Overriding failing guards: a team lead or an administrator with a reason may; an officer may
//! not; the override is recorded as such. A transition's `roles` are never overridable.

use peiyu_service::ErrorKind;
use peiyu_tests::on_every_backend;

use super::guards::PILOT;
use super::*;

/// An industrial case in `cultivating` with no figures: the move to `qualified` fails its
/// revenue guard.
async fn short_of_figures(w: &World, n: u32) -> Enterprise {
    let e = factory(w, n, &format!("待达标{n}有限公司")).await;
    open(w, &e, INDUSTRIAL, "2024-01-02").await;
    advance(
        w,
        &w.wang,
        step(&e, INDUSTRIAL, "cultivating", "2024-01-03"),
    )
    .await;
    e
}

fn overriding(cmd: AdvanceCase) -> AdvanceCase {
    AdvanceCase {
        override_guards: true,
        ..cmd
    }
}

#[tokio::test]
async fn an_officer_cannot_override_failing_guards() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = short_of_figures(&w, 501).await;
        let before = footprint(&w, &e, INDUSTRIAL).await;
        let cmd = overriding(with_reason(
            step(&e, INDUSTRIAL, "qualified", "2024-06-03"),
            "县领导同意先行纳入",
        ));
        let err = w.service.advance_case(&w.wang, cmd).await.unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Invalid | ErrorKind::Forbidden),
            "{err}"
        );
        let msg = message(&err);
        assert!(
            msg.contains("only a team lead or an administrator may override failing guards; you act as officer"),
            "{msg}"
        );
        assert!(msg.contains("year-to-date revenue"), "the failing guards are listed: {msg}");
        assert_eq!(footprint(&w, &e, INDUSTRIAL).await, before);
    })
    .await;
}

#[tokio::test]
async fn a_lead_overrides_only_with_a_reason_and_the_transition_records_the_override() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = short_of_figures(&w, 502).await;
        let before = footprint(&w, &e, INDUSTRIAL).await;
        let msg = refused(
            &w,
            &w.lead,
            overriding(step(&e, INDUSTRIAL, "qualified", "2024-06-03")),
            ErrorKind::Invalid,
        )
        .await;
        assert!(
            msg.contains("overriding failing guards needs a reason"),
            "{msg}"
        );
        assert_eq!(footprint(&w, &e, INDUSTRIAL).await, before);

        let out = advance(
            &w,
            &w.lead,
            overriding(with_reason(
                step(&e, INDUSTRIAL, "qualified", "2024-06-03"),
                "企业新投产，县领导同意先行纳入",
            )),
        )
        .await;
        let plan = out.plan.as_ref().unwrap();
        assert!(plan.overridden);
        assert_eq!(plan.failed_guards().count(), 1);
        let recorded = out.transition.as_ref().unwrap();
        assert!(recorded.overridden);
        assert_eq!(recorded.actor, w.lead.id);

        // As case show presents the history: the override and the failing verdict it overrode.
        let view = case(&w, &e, INDUSTRIAL).await;
        assert_eq!(view.cultivation.value.stage.as_str(), "qualified");
        let last = view.history.last().unwrap();
        assert_eq!(last.to.as_str(), "qualified");
        assert!(last.overridden);
        assert_eq!(
            last.reason.as_deref(),
            Some("企业新投产，县领导同意先行纳入")
        );
        let revenue = last
            .guard_results
            .iter()
            .find(|g| g.guard == "revenue_at_least_threshold")
            .unwrap();
        assert!(!revenue.passed);
        assert!(
            revenue
                .message_en
                .contains("2,000万元 threshold for industry"),
            "{}",
            revenue.message_en
        );
        assert!(view.history.iter().rev().skip(1).all(|t| !t.overridden));
    })
    .await;
}

#[tokio::test]
async fn an_admin_overrides_with_a_reason_and_an_override_of_passing_guards_is_no_override() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = short_of_figures(&w, 503).await;
        let out = advance(
            &w,
            &w.admin,
            overriding(with_reason(
                step(&e, INDUSTRIAL, "qualified", "2024-06-03"),
                "专班会议决定",
            )),
        )
        .await;
        assert!(out.transition.as_ref().unwrap().overridden);

        // Back to cultivating with its reason given: nothing fails, so nothing is overridden.
        let out = advance(
            &w,
            &w.admin,
            overriding(with_reason(
                step(&e, INDUSTRIAL, "cultivating", "2024-06-10"),
                "复核",
            )),
        )
        .await;
        assert!(!out.transition.as_ref().unwrap().overridden);
        let flags: Vec<bool> = case(&w, &e, INDUSTRIAL)
            .await
            .history
            .iter()
            .map(|t| t.overridden)
            .collect();
        assert_eq!(flags, [false, false, true, false]);
    })
    .await;
}

#[tokio::test]
async fn a_transitions_roles_are_checked_before_the_guards_and_cannot_be_overridden() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        w.service.load_track(&w.admin, PILOT).await.unwrap();
        let e = factory(&w, 504, "试点三厂有限公司").await;
        open(&w, &e, "pilot", "2024-01-02").await;
        advance(&w, &w.wang, step(&e, "pilot", "observed", "2024-03-01")).await;
        advance(&w, &w.lead, step(&e, "pilot", "approved", "2024-04-01")).await;
        let before = footprint(&w, &e, "pilot").await;
        let msg = refused(
            &w,
            &w.wang,
            overriding(with_reason(
                step(&e, "pilot", "closed", "2024-05-01"),
                "急需",
            )),
            ErrorKind::Forbidden,
        )
        .await;
        assert!(
            msg.contains("a officer may not take this move; it is for: team lead, administrator")
                || msg.contains("may not take this move"),
            "{msg}"
        );
        assert_eq!(footprint(&w, &e, "pilot").await, before);
        advance(&w, &w.lead, step(&e, "pilot", "closed", "2024-05-01")).await;
    })
    .await;
}
