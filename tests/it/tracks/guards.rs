//! Every guard shown blocking and allowing. A blocked move is refused as bad input naming what
//! is missing, and changes nothing: same stage, version, history, tasks and audit log.

use peiyu_domain::{LegalForm, Sector, TaskKind};
use peiyu_service::{EnterpriseEdit, ErrorKind};
use peiyu_tests::on_every_backend;

use super::*;

/// A track using the guards the shipped tracks do not: minimum days in a stage and a role.
pub(crate) const PILOT: &str = r#"
key = "pilot"
label = { zh = "试点流程", en = "pilot track" }
start = "candidate"

[[stage]]
key = "candidate"
label = { zh = "候选", en = "candidate" }

[[stage]]
key = "observed"
label = { zh = "观察期", en = "observed" }

[[stage]]
key = "approved"
label = { zh = "已批准", en = "approved" }

[[stage]]
key = "closed"
label = { zh = "已结束", en = "closed" }
terminal = true

[[transition]]
from = "candidate"
to = "observed"
guards = [{ kind = "min_days_in_stage", days = 30 }]

[[transition]]
from = "observed"
to = "approved"
guards = [{ kind = "role_required", roles = ["lead", "admin"] }]

[[transition]]
from = "approved"
to = "closed"
roles = ["lead", "admin"]
"#;

/// Tries a move that must be refused as bad input; checks that nothing changed and returns the
/// message.
async fn blocked(w: &World, actor: &Officer, cmd: AdvanceCase) -> String {
    let (e, track) = (
        w.service
            .resolve_enterprise(&cmd.enterprise)
            .await
            .unwrap()
            .value,
        cmd.track.clone(),
    );
    let before = footprint(w, &e, &track).await;
    let msg = refused(w, actor, cmd, ErrorKind::Invalid).await;
    assert_eq!(
        footprint(w, &e, &track).await,
        before,
        "a blocked move changed something"
    );
    msg
}

/// An industrial case in `cultivating` since 2024-01-03.
async fn cultivating_factory(w: &World, n: u32, legal_form: LegalForm) -> Enterprise {
    let e = enterprise(
        w,
        n,
        &format!("测试工厂{n}有限公司"),
        Sector::Industry,
        legal_form,
    )
    .await;
    open(w, &e, INDUSTRIAL, "2024-01-02").await;
    advance(
        w,
        &w.wang,
        step(&e, INDUSTRIAL, "cultivating", "2024-01-03"),
    )
    .await;
    e
}

#[tokio::test]
async fn revenue_guard_blocks_below_the_year_to_date_threshold_and_allows_once_it_is_reached() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = cultivating_factory(&w, 401, LegalForm::LegalEntity).await;
        // 1,500万元 to May; June's large figure is after the month judged and does not count.
        record_months(&w, &e, "2024-01", "2024-05", 300, Some(320)).await;
        record(&w, &e, "2024-06", 5_000, Some(5_000)).await;
        let msg = blocked(&w, &w.wang, step(&e, INDUSTRIAL, "qualified", "2024-06-10")).await;
        assert!(
            msg.contains("year-to-date revenue 1,500万元 is below the 2,000万元 threshold for industry (2024-01 to 2024-05)"),
            "{msg}"
        );
        assert!(msg.contains("本年累计营业收入 1,500万元，低于工业 2,000万元 的门槛（2024-01至2024-05）"), "{msg}");
        assert!(msg.contains("trailing 12-month revenue"), "{msg}");
        assert!(msg.contains("1 failing, nothing changed"), "{msg}");

        // May's figures corrected upward: 2,100万元 revenue, 2,180万元 output value.
        record(&w, &e, "2024-05", 900, Some(900)).await;
        let out = advance(&w, &w.wang, step(&e, INDUSTRIAL, "qualified", "2024-06-10")).await;
        let guard = &out.plan.as_ref().unwrap().guards[0];
        assert!(guard.passed);
        assert!(
            guard.message.en().contains("year-to-date revenue 2,100万元 reaches the 2,000万元 threshold for industry (2024-01 to 2024-05)"),
            "{}",
            guard.message.en()
        );
        // The verdicts are recorded with the transition.
        let recorded = &out.transition.as_ref().unwrap().guard_results;
        assert_eq!(recorded.len(), 2);
        assert!(recorded.iter().all(|g| g.passed));
        assert_eq!(recorded[0].guard, "revenue_at_least_threshold");
    })
    .await;
}

#[tokio::test]
async fn revenue_guard_counts_the_trailing_twelve_months_early_in_the_year_and_names_missing_months()
 {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = cultivating_factory(&w, 402, LegalForm::LegalEntity).await;
        record_months(&w, &e, "2023-02", "2023-12", 180, Some(190)).await;

        // January 2024 not recorded yet: both bases fall short and say which month is missing.
        let msg = blocked(&w, &w.wang, step(&e, INDUSTRIAL, "qualified", "2024-02-10")).await;
        assert!(
            msg.contains("no revenue recorded for 2024-01: the trailing 12-month revenue recorded so far, 1,980万元 (2023-02 to 2024-01), is below the 2,000万元 threshold for industry"),
            "{msg}"
        );
        assert!(msg.contains("year-to-date revenue"), "{msg}");

        // With January: year to date is only 100万元, but the trailing twelve months reach
        // 2,080万元, and one basis is enough.
        record(&w, &e, "2024-01", 100, Some(100)).await;
        let out = advance(&w, &w.wang, step(&e, INDUSTRIAL, "qualified", "2024-02-10")).await;
        let guard = &out.plan.as_ref().unwrap().guards[0];
        assert!(
            guard.message.en().starts_with("trailing 12-month revenue 2,080万元 reaches the 2,000万元 threshold for industry (2023-02 to 2024-01)"),
            "{}",
            guard.message.en()
        );
    })
    .await;
}

#[tokio::test]
async fn an_industrial_enterprise_needs_the_output_value_too() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = cultivating_factory(&w, 403, LegalForm::LegalEntity).await;
        record_months(&w, &e, "2024-01", "2024-10", 210, Some(190)).await;
        let msg = blocked(&w, &w.wang, step(&e, INDUSTRIAL, "qualified", "2024-11-05")).await;
        assert!(
            msg.contains("year-to-date output value 1,900万元 is below the 2,000万元 threshold for industry (2024-01 to 2024-10)"),
            "{msg}"
        );
        record(&w, &e, "2024-10", 210, Some(400)).await;
        advance(&w, &w.wang, step(&e, INDUSTRIAL, "qualified", "2024-11-05")).await;
    })
    .await;
}

#[tokio::test]
async fn commerce_thresholds_follow_the_enterprises_sector() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let mut cases = Vec::new();
        for (n, sector) in [
            (404, Sector::Retail),
            (405, Sector::Wholesale),
            (406, Sector::Catering),
            (407, Sector::Accommodation),
        ] {
            let e = enterprise(&w, n, &format!("商贸{n}有限公司"), sector, LegalForm::LegalEntity).await;
            open(&w, &e, COMMERCE, "2023-10-01").await;
            advance(&w, &w.wang, step(&e, COMMERCE, "cultivating", "2023-10-09")).await;
            cases.push(e);
        }
        let [retail, wholesale, catering, accommodation] = &cases[..] else {
            unreachable!()
        };
        // Retail at 480万元 falls short of 5 million; 540万元 reaches it, but not wholesale's 20.
        record_months(&w, retail, "2023-01", "2023-12", 40, None).await;
        let msg = blocked(&w, &w.wang, step(retail, COMMERCE, "qualified", "2024-01-15")).await;
        assert!(
            msg.contains("year-to-date revenue 480万元 is below the 500万元 threshold for retail (2023-01 to 2023-12)"),
            "{msg}"
        );
        record(&w, retail, "2023-12", 100, None).await;
        advance(&w, &w.wang, step(retail, COMMERCE, "qualified", "2024-01-15")).await;

        record_months(&w, wholesale, "2023-01", "2023-12", 45, None).await;
        let msg = blocked(&w, &w.wang, step(wholesale, COMMERCE, "qualified", "2024-01-15")).await;
        assert!(
            msg.contains("year-to-date revenue 540万元 is below the 2,000万元 threshold for wholesale"),
            "{msg}"
        );

        // Catering and accommodation: 2 million; no output value is asked of commerce.
        for e in [catering, accommodation] {
            record_months(&w, e, "2023-01", "2023-12", 15, None).await;
            let msg = blocked(&w, &w.wang, step(e, COMMERCE, "qualified", "2024-01-15")).await;
            assert!(msg.contains("180万元 is below the 200万元 threshold"), "{msg}");
            record(&w, e, "2023-12", 40, None).await;
            let out = advance(&w, &w.wang, step(e, COMMERCE, "qualified", "2024-01-15")).await;
            let guard = out.plan.as_ref().unwrap().guards[0].message.en().to_owned();
            assert!(guard.contains("205万元 reaches the 200万元 threshold"), "{guard}");
            assert!(!guard.contains("output value"), "{guard}");
        }
    })
    .await;
}

#[tokio::test]
async fn tasks_done_guard_needs_the_application_done_since_entering_the_stage() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 408, "恒达机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-01-02").await;
        force(&w, &e, INDUSTRIAL, "cultivating", "2024-01-03").await;
        force(&w, &e, INDUSTRIAL, "qualified", "2024-03-01").await;
        let msg = blocked(
            &w,
            &w.wang,
            with_evidence(step(&e, INDUSTRIAL, "applied", "2024-03-15"), "回执"),
        )
        .await;
        assert!(
            msg.contains("not yet done since entering this stage on 2024-03-01: application"),
            "{msg}"
        );
        assert!(
            msg.contains("自 2024-03-01 进入本阶段以来尚未完成：申报"),
            "{msg}"
        );
        // Another kind of task done does not help.
        complete(&w, &e, TaskKind::Document, "2024-03-05").await;
        blocked(
            &w,
            &w.wang,
            with_evidence(step(&e, INDUSTRIAL, "applied", "2024-03-15"), "回执"),
        )
        .await;
        complete(&w, &e, TaskKind::Application, "2024-03-10").await;
        let out = advance(
            &w,
            &w.wang,
            with_evidence(step(&e, INDUSTRIAL, "applied", "2024-03-15"), "回执"),
        )
        .await;
        let guard = &out.plan.as_ref().unwrap().guards[0];
        assert_eq!(guard.guard, "tasks_done");
        assert_eq!(
            guard.message.en(),
            "done since entering this stage on 2024-03-01: application"
        );
    })
    .await;
}

#[tokio::test]
async fn evidence_guard_needs_a_non_blank_piece_of_evidence() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 409, "永丰机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-01-02").await;
        force(&w, &e, INDUSTRIAL, "cultivating", "2024-01-03").await;
        force(&w, &e, INDUSTRIAL, "qualified", "2024-03-01").await;
        force(&w, &e, INDUSTRIAL, "applied", "2024-03-15").await;

        let msg = blocked(
            &w,
            &w.wang,
            step(&e, INDUSTRIAL, "registered", "2024-04-20"),
        )
        .await;
        assert!(
            msg.contains("evidence is required (a document, approval or letter reference)"),
            "{msg}"
        );
        let msg = blocked(
            &w,
            &w.wang,
            with_evidence(step(&e, INDUSTRIAL, "registered", "2024-04-20"), "   "),
        )
        .await;
        assert!(msg.contains("evidence is required"), "{msg}");

        let out = advance(
            &w,
            &w.wang,
            with_evidence(
                step(&e, INDUSTRIAL, "registered", "2024-04-20"),
                " 统计局函〔2024〕21号 ",
            ),
        )
        .await;
        assert_eq!(
            out.plan.as_ref().unwrap().guards[0].message.en(),
            "1 piece of evidence given"
        );
        let recorded = case(&w, &e, INDUSTRIAL).await.history.pop().unwrap();
        assert_eq!(recorded.evidence, ["统计局函〔2024〕21号"]);
    })
    .await;
}

#[tokio::test]
async fn reason_guard_needs_a_non_blank_reason() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 410, "宏图机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-01-02").await;
        force(&w, &e, INDUSTRIAL, "cultivating", "2024-01-03").await;
        force(&w, &e, INDUSTRIAL, "qualified", "2024-03-01").await;

        let msg = blocked(
            &w,
            &w.wang,
            step(&e, INDUSTRIAL, "cultivating", "2024-03-10"),
        )
        .await;
        assert!(msg.contains("a reason is required for this move"), "{msg}");
        assert!(msg.contains("需要填写理由"), "{msg}");
        let msg = blocked(
            &w,
            &w.wang,
            with_reason(step(&e, INDUSTRIAL, "withdrawn", "2024-03-10"), " \t "),
        )
        .await;
        assert!(msg.contains("a reason is required for this move"), "{msg}");

        let out = advance(
            &w,
            &w.wang,
            with_reason(
                step(&e, INDUSTRIAL, "withdrawn", "2024-03-10"),
                "  企业停产  ",
            ),
        )
        .await;
        assert_eq!(
            out.transition.as_ref().unwrap().reason.as_deref(),
            Some("企业停产")
        );
    })
    .await;
}

#[tokio::test]
async fn legal_entity_guard_keeps_a_branch_out_until_it_is_a_legal_entity() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = cultivating_factory(&w, 411, LegalForm::Branch).await;
        record_months(&w, &e, "2024-01", "2024-10", 300, Some(300)).await;
        let msg = blocked(&w, &w.wang, step(&e, INDUSTRIAL, "qualified", "2024-11-05")).await;
        assert!(
            msg.contains(&format!(
                "{} is a branch, not a legal entity; only legal entities enter the statistics on their own",
                e.name
            )),
            "{msg}"
        );
        assert!(msg.contains("1 failing"), "only the legal form fails: {msg}");

        w.service
            .edit_enterprise(
                &w.wang,
                e.uscc.as_str(),
                EnterpriseEdit {
                    legal_form: Some(LegalForm::LegalEntity),
                    ..EnterpriseEdit::default()
                },
                None,
                Some("已登记为独立法人".into()),
            )
            .await
            .unwrap();
        let out = advance(&w, &w.wang, step(&e, INDUSTRIAL, "qualified", "2024-11-05")).await;
        let legal = &out.plan.as_ref().unwrap().guards[1];
        assert_eq!(legal.guard, "legal_entity");
        assert_eq!(legal.message.en(), format!("{} is a legal entity", e.name));
    })
    .await;
}

#[tokio::test]
async fn every_failing_guard_is_listed_at_once_and_nothing_changes() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = cultivating_factory(&w, 412, LegalForm::Branch).await;
        record_months(&w, &e, "2024-01", "2024-10", 100, Some(100)).await;
        let msg = blocked(&w, &w.wang, step(&e, INDUSTRIAL, "qualified", "2024-11-05")).await;
        assert!(
            msg.contains("the move's guards do not pass (2 failing, nothing changed)"),
            "{msg}"
        );
        assert!(
            msg.contains("流转条件未满足（2 项未满足，未做任何更改）"),
            "{msg}"
        );
        assert!(
            msg.contains("year-to-date revenue 1,000万元 is below the 2,000万元 threshold"),
            "{msg}"
        );
        assert!(msg.contains("is a branch, not a legal entity"), "{msg}");

        force(&w, &e, INDUSTRIAL, "qualified", "2024-11-05").await;
        let msg = blocked(&w, &w.wang, step(&e, INDUSTRIAL, "applied", "2024-11-20")).await;
        assert!(msg.contains("(2 failing, nothing changed)"), "{msg}");
        assert!(
            msg.contains("not yet done since entering this stage on 2024-11-05: application"),
            "{msg}"
        );
        assert!(msg.contains("evidence is required"), "{msg}");
        // Each failing guard on its own line, after the headline.
        assert_eq!(
            msg.lines()
                .filter(|l| l.trim_start().starts_with('✗'))
                .count(),
            4,
            "{msg}"
        );
    })
    .await;
}

#[tokio::test]
async fn min_days_in_stage_guard_counts_from_entering_the_stage_to_the_effective_date() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        w.service.load_track(&w.admin, PILOT).await.unwrap();
        let e = factory(&w, 413, "试点企业有限公司").await;
        open(&w, &e, "pilot", "2024-03-01").await;
        let msg = blocked(&w, &w.wang, step(&e, "pilot", "observed", "2024-03-30")).await;
        assert!(
            msg.contains("only 29 days in this stage since 2024-03-01; at least 30 are required"),
            "{msg}"
        );
        let out = advance(&w, &w.wang, step(&e, "pilot", "observed", "2024-03-31")).await;
        assert_eq!(
            out.plan.as_ref().unwrap().guards[0].message.en(),
            "30 days in this stage since 2024-03-01, at least 30"
        );
    })
    .await;
}

#[tokio::test]
async fn role_required_guard_lets_only_the_named_roles_take_the_move() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        w.service.load_track(&w.admin, PILOT).await.unwrap();
        let e = factory(&w, 414, "试点二厂有限公司").await;
        open(&w, &e, "pilot", "2024-01-02").await;
        advance(&w, &w.wang, step(&e, "pilot", "observed", "2024-03-01")).await;
        let msg = blocked(&w, &w.wang, step(&e, "pilot", "approved", "2024-04-01")).await;
        assert!(
            msg.contains("this move is for team lead or administrator; you act as officer"),
            "{msg}"
        );
        let out = advance(&w, &w.lead, step(&e, "pilot", "approved", "2024-04-01")).await;
        assert_eq!(
            out.plan.as_ref().unwrap().guards[0].message.en(),
            "taken by a team lead"
        );
        assert!(!out.plan.as_ref().unwrap().overridden);
    })
    .await;
}

#[tokio::test]

async fn tasks_done_guard_does_not_count_a_task_done_after_the_moves_effective_date() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 415, "迟办机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-01-02").await;
        force(&w, &e, INDUSTRIAL, "cultivating", "2024-01-03").await;
        force(&w, &e, INDUSTRIAL, "qualified", "2024-03-01").await;
        // The application was done on 2024-03-20; a move effective 2024-03-15 is judged as of
        // 2024-03-15, when it was not done yet ("guards … use the effective date").
        complete(&w, &e, TaskKind::Application, "2024-03-20").await;
        let msg = blocked(
            &w,
            &w.wang,
            with_evidence(step(&e, INDUSTRIAL, "applied", "2024-03-15"), "回执"),
        )
        .await;
        assert!(msg.contains("application"), "{msg}");
        advance(
            &w,
            &w.wang,
            with_evidence(step(&e, INDUSTRIAL, "applied", "2024-03-20"), "回执"),
        )
        .await;
    })
    .await;
}
