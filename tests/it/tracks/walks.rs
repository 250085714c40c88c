//! Every shipped track walked end to end through the service, with the tasks each stage creates
//! and closes, the side moves, and the terminal stages.

use peiyu_domain::{FactorCategory, LegalForm, Sector, TaskKind, TaskStatus};
use peiyu_service::ErrorKind;
use peiyu_tests::on_every_backend;

use super::*;

const LAND: TaskKind = TaskKind::FactorGuarantee(FactorCategory::Land);
const ENERGY: TaskKind = TaskKind::FactorGuarantee(FactorCategory::Energy);
const FINANCE: TaskKind = TaskKind::FactorGuarantee(FactorCategory::Finance);

#[tokio::test]
async fn industrial_walks_from_candidate_through_registration_to_upgrading_and_delisting() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 101, "加美木业有限公司").await;

        let opened = open(&w, &e, INDUSTRIAL, "2023-09-01").await;
        assert_eq!(opened.cultivation.value.stage.as_str(), "candidate");
        assert_eq!(opened.cultivation.version, 1);
        assert_eq!(opened.cultivation.value.opened_on, d("2023-09-01"));
        assert!(opened.open_tasks.is_empty());
        assert_eq!(opened.history.len(), 1);

        // 纳入培育: a visit in 5 working days and the land factor guarantee in 20, both counted
        // across the 2023 National Day holiday.
        let out = advance(&w, &w.wang, step(&e, INDUSTRIAL, "cultivating", "2023-09-28")).await;
        assert_eq!(out.version, 2);
        assert_eq!(out.plan.as_ref().unwrap().label.zh(), "纳入培育");
        assert_eq!(
            created(&out),
            [
                (TaskKind::Visit, d("2023-10-11")),
                (LAND, d("2023-11-01"))
            ]
        );
        assert!(out.tasks.iter().all(|t| t.assignee.id == w.wang.id && !t.priority));

        // Figures to October 2023: 2,500万元 revenue and 2,600万元 output value year to date.
        record_months(&w, &e, "2023-01", "2023-10", 250, Some(260)).await;
        let out = advance(&w, &w.wang, step(&e, INDUSTRIAL, "qualified", "2023-11-08")).await;
        let plan = out.plan.as_ref().unwrap();
        assert_eq!(
            plan.guards.iter().map(|g| (g.guard, g.passed)).collect::<Vec<_>>(),
            [("revenue_at_least_threshold", true), ("legal_entity", true)]
        );
        let revenue = plan.guards[0].message.en();
        assert!(
            revenue.contains("year-to-date revenue 2,500万元 reaches the 2,000万元 threshold for industry (2023-01 to 2023-10)")
                && revenue.contains("output value 2,600万元"),
            "{revenue}"
        );
        assert_eq!(
            created(&out),
            [
                (TaskKind::Application, d("2023-12-05")),
                (TaskKind::Document, d("2023-11-13"))
            ]
        );
        // The cultivating stage's visit and land tasks are closed on leaving it.
        assert_eq!(out.closed.len(), 2);
        assert!(out.closed.iter().all(|t| t.status == TaskStatus::Cancelled));

        // 申报入统: the application done, the receipt as evidence.
        complete(&w, &e, TaskKind::Application, "2023-11-20").await;
        let out = advance(
            &w,
            &w.wang,
            with_evidence(step(&e, INDUSTRIAL, "applied", "2023-11-25"), "申报回执 2023-118"),
        )
        .await;
        assert_eq!(out.plan.as_ref().unwrap().label.zh(), "申报入统");
        assert_eq!(created(&out), [(TaskKind::Document, d("2024-01-09"))]);
        assert_eq!(out.closed.len(), 1, "the statement check is closed");

        // 退回补正: back to qualified with a reason; a new application is due, and the one done
        // before does not count for applying again.
        let out = advance(
            &w,
            &w.wang,
            with_reason(
                step(&e, INDUSTRIAL, "qualified", "2023-12-01"),
                "统计局退回：缺少纳税证明",
            ),
        )
        .await;
        assert_eq!(out.plan.as_ref().unwrap().label.zh(), "退回补正");
        assert_eq!(out.transition.as_ref().unwrap().reason.as_deref(), Some("统计局退回：缺少纳税证明"));
        assert_eq!(
            created(&out),
            [
                (TaskKind::Application, d("2024-01-05")),
                (TaskKind::Document, d("2023-12-06"))
            ]
        );
        let msg = refused(
            &w,
            &w.wang,
            with_evidence(step(&e, INDUSTRIAL, "applied", "2023-12-05"), "申报回执 2023-131"),
            ErrorKind::Invalid,
        )
        .await;
        assert!(
            msg.contains("not yet done since entering this stage on 2023-12-01: application"),
            "{msg}"
        );
        complete(&w, &e, TaskKind::Application, "2023-12-04").await;
        let out = advance(
            &w,
            &w.wang,
            with_evidence(step(&e, INDUSTRIAL, "applied", "2023-12-05"), "申报回执 2023-131"),
        )
        .await;
        assert_eq!(created(&out), [(TaskKind::Document, d("2024-01-19"))]);

        // 入统通过 on the statistics bureau's letter: the monthly report (day 10 of next month,
        // rolled out of the Spring Festival to the make-up Sunday) and a follow-up visit.
        let out = advance(
            &w,
            &w.wang,
            with_evidence(step(&e, INDUSTRIAL, "registered", "2024-01-20"), "统计局函〔2024〕3号"),
        )
        .await;
        assert_eq!(out.plan.as_ref().unwrap().label.zh(), "入统通过");
        assert_eq!(
            created(&out),
            [
                (TaskKind::StatisticsReport, d("2024-02-18")),
                (TaskKind::Visit, d("2024-02-02"))
            ]
        );

        // 列入技改: the filing by the end of the quarter (rolled off a Sunday) and the energy
        // quota for the team lead; only the leftover visit is closed, the monthly report runs on.
        let out = advance(
            &w,
            &w.wang,
            with_evidence(step(&e, INDUSTRIAL, "upgrading", "2024-06-05"), "千企技改项目库 2024-77"),
        )
        .await;
        assert_eq!(
            created(&out),
            [(TaskKind::Document, d("2024-07-01")), (ENERGY, d("2024-07-04"))]
        );
        assert_eq!(out.tasks[1].assignee.id, w.lead.id, "the energy quota goes to the team lead");
        assert_eq!(out.tasks[0].assignee.id, w.wang.id);
        assert_eq!(
            out.closed.iter().map(|t| t.kind).collect::<Vec<_>>(),
            [TaskKind::Visit]
        );
        let view = case(&w, &e, INDUSTRIAL).await;
        let mut open_kinds: Vec<TaskKind> = view.open_tasks.iter().map(|t| t.kind).collect();
        open_kinds.sort_by_key(|k| format!("{k:?}"));
        assert_eq!(
            open_kinds,
            [TaskKind::Document, ENERGY, TaskKind::StatisticsReport]
        );

        // 退库/下规 with a reason: terminal, every open task closed.
        let out = advance(
            &w,
            &w.wang,
            with_reason(step(&e, INDUSTRIAL, "delisted", "2024-11-30"), "营收下滑，退出规上"),
        )
        .await;
        assert_eq!(out.closed.len(), 3);
        assert!(out.plan.as_ref().unwrap().terminal);

        let view = case(&w, &e, INDUSTRIAL).await;
        assert_eq!(view.cultivation.value.stage.as_str(), "delisted");
        assert_eq!(view.cultivation.version, 9);
        assert!(view.open_tasks.is_empty());
        assert!(view.moves.is_empty(), "nothing leaves a terminal stage");
        let route: Vec<(i32, Option<&str>, &str)> = view
            .history
            .iter()
            .map(|t| (t.seq, t.from.as_ref().map(|s| s.as_str()), t.to.as_str()))
            .collect();
        assert_eq!(
            route,
            [
                (1, None, "candidate"),
                (2, Some("candidate"), "cultivating"),
                (3, Some("cultivating"), "qualified"),
                (4, Some("qualified"), "applied"),
                (5, Some("applied"), "qualified"),
                (6, Some("qualified"), "applied"),
                (7, Some("applied"), "registered"),
                (8, Some("registered"), "upgrading"),
                (9, Some("upgrading"), "delisted"),
            ]
        );
        assert!(view.history.iter().all(|t| !t.overridden));
        assert_eq!(audited(&w, AuditAction::CaseOpen).await, 1);
        assert_eq!(audited(&w, AuditAction::CaseAdvance).await, 8);
    })
    .await;
}

#[tokio::test]
async fn industrial_side_moves_go_back_to_cultivating_and_a_withdrawn_case_moves_no_more() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 102, "吉天木业有限公司").await;
        open(&w, &e, INDUSTRIAL, "2023-09-01").await;
        advance(
            &w,
            &w.wang,
            step(&e, INDUSTRIAL, "cultivating", "2023-09-28"),
        )
        .await;
        record_months(&w, &e, "2023-01", "2023-10", 250, Some(260)).await;
        advance(&w, &w.wang, step(&e, INDUSTRIAL, "qualified", "2023-11-08")).await;

        // 回退培育: qualified → cultivating; the qualified stage's tasks are closed and the
        // cultivating ones start over from the move's date.
        let out = advance(
            &w,
            &w.wang,
            with_reason(
                step(&e, INDUSTRIAL, "cultivating", "2023-11-15"),
                "财务数据待核实",
            ),
        )
        .await;
        assert_eq!(out.plan.as_ref().unwrap().label.zh(), "回退培育");
        assert_eq!(
            created(&out),
            [(TaskKind::Visit, d("2023-11-22")), (LAND, d("2023-12-13"))]
        );
        assert_eq!(
            closed_kinds(&out),
            [TaskKind::Application, TaskKind::Document]
        );

        advance(&w, &w.wang, step(&e, INDUSTRIAL, "qualified", "2023-11-20")).await;
        complete(&w, &e, TaskKind::Application, "2023-11-27").await;
        advance(
            &w,
            &w.wang,
            with_evidence(
                step(&e, INDUSTRIAL, "applied", "2023-12-05"),
                "申报回执 2023-140",
            ),
        )
        .await;

        // 未通过: applied → cultivating.
        let out = advance(
            &w,
            &w.wang,
            with_reason(
                step(&e, INDUSTRIAL, "cultivating", "2024-01-10"),
                "统计局审核未通过",
            ),
        )
        .await;
        assert_eq!(out.plan.as_ref().unwrap().label.zh(), "未通过");
        assert_eq!(out.plan.as_ref().unwrap().from.as_str(), "applied");

        // 退出培育 through withdraw_case: terminal, every open task closed.
        let open_before = case(&w, &e, INDUSTRIAL).await.open_tasks.len();
        assert_eq!(open_before, 2);
        let out = w
            .service
            .withdraw_case(
                &w.wang,
                e.uscc.as_str(),
                INDUSTRIAL,
                "企业迁出本县",
                Some(d("2024-02-01")),
                None,
            )
            .await
            .unwrap();
        assert_eq!(out.transition.as_ref().unwrap().to.as_str(), "withdrawn");
        assert_eq!(out.closed.len(), 2);
        let view = case(&w, &e, INDUSTRIAL).await;
        assert_eq!(view.cultivation.value.stage.as_str(), "withdrawn");
        assert!(view.open_tasks.is_empty() && view.moves.is_empty());
        assert_eq!(view.history.len(), 8);

        let msg = refused(
            &w,
            &w.wang,
            step(&e, INDUSTRIAL, "cultivating", "2024-03-01"),
            ErrorKind::Invalid,
        )
        .await;
        assert!(
            msg.contains("no move is possible from \"withdrawn\""),
            "{msg}"
        );
    })
    .await;
}

#[tokio::test]
async fn industrial_withdrawal_is_possible_before_registration_only() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        // From the very first stage.
        let early = factory(&w, 103, "凯莘木业有限公司").await;
        open(&w, &early, INDUSTRIAL, "2024-03-01").await;
        let out = w
            .service
            .withdraw_case(
                &w.wang,
                early.uscc.as_str(),
                INDUSTRIAL,
                "企业无意愿",
                Some(d("2024-03-05")),
                None,
            )
            .await
            .unwrap();
        assert_eq!(out.plan.as_ref().unwrap().from.as_str(), "candidate");

        // Not from registered: there the possible moves are upgrading and delisting.
        let late = factory(&w, 104, "琦艺木业有限公司").await;
        open(&w, &late, INDUSTRIAL, "2024-01-02").await;
        for (to, on) in [
            ("cultivating", "2024-01-03"),
            ("qualified", "2024-02-01"),
            ("applied", "2024-03-01"),
            ("registered", "2024-04-01"),
        ] {
            force(&w, &late, INDUSTRIAL, to, on).await;
        }
        let err = w
            .service
            .withdraw_case(
                &w.wang,
                late.uscc.as_str(),
                INDUSTRIAL,
                "不再培育",
                Some(d("2024-05-01")),
                None,
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        let msg = message(&err);
        assert!(
            msg.contains("there is no move from \"registered\" to \"withdrawn\"")
                && msg.contains("upgrading")
                && msg.contains("delisted"),
            "{msg}"
        );
        // registered → delisted directly.
        advance(
            &w,
            &w.wang,
            with_reason(
                step(&late, INDUSTRIAL, "delisted", "2024-06-01"),
                "年度营收低于 2,000万元",
            ),
        )
        .await;
        assert_eq!(
            case(&w, &late, INDUSTRIAL)
                .await
                .cultivation
                .value
                .stage
                .as_str(),
            "delisted"
        );
    })
    .await;
}

#[tokio::test]
async fn commerce_walks_retail_wholesale_and_accommodation_to_registration_at_their_thresholds() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        // Monthly revenue in 万元 through 2023 that just clears each sector's threshold.
        let cases = [
            (201, "县城百货零售有限公司", Sector::Retail, 45, "540万元", "500万元", "retail"),
            (202, "桂中农资批发有限公司", Sector::Wholesale, 170, "2,040万元", "2,000万元", "wholesale"),
            (203, "江畔酒店有限公司", Sector::Accommodation, 17, "204万元", "200万元", "accommodation"),
        ];
        for (n, name, sector, monthly, sum, threshold, sector_en) in cases {
            let e = enterprise(&w, n, name, sector, LegalForm::LegalEntity).await;
            open(&w, &e, COMMERCE, "2023-10-01").await;
            let out = advance(&w, &w.wang, step(&e, COMMERCE, "cultivating", "2023-10-09")).await;
            assert_eq!(
                created(&out),
                [(TaskKind::Visit, d("2023-10-16")), (FINANCE, d("2023-11-06"))]
            );

            record_months(&w, &e, "2023-01", "2023-12", monthly, None).await;
            // The monthly route: qualified on 2024-01-15, the application is due Monday 2024-02-05.
            let out = advance(&w, &w.wang, step(&e, COMMERCE, "qualified", "2024-01-15")).await;
            let guard = &out.plan.as_ref().unwrap().guards[0];
            assert!(guard.passed);
            assert_eq!(
                guard.message.en(),
                format!("year-to-date revenue {sum} reaches the {threshold} threshold for {sector_en} (2023-01 to 2023-12)")
            );
            assert_eq!(created(&out), [(TaskKind::Application, d("2024-02-05"))]);

            complete(&w, &e, TaskKind::Application, "2024-01-25").await;
            let out = advance(
                &w,
                &w.wang,
                with_evidence(step(&e, COMMERCE, "applied", "2024-02-01"), "联网直报申报回执"),
            )
            .await;
            // 45 days after 2024-02-01 is Sunday 2024-03-17: rolled to Monday.
            assert_eq!(created(&out), [(TaskKind::Document, d("2024-03-18"))]);

            let out = advance(
                &w,
                &w.wang,
                with_evidence(step(&e, COMMERCE, "registered", "2024-03-10"), "统计局入库通知"),
            )
            .await;
            assert_eq!(created(&out), [(TaskKind::StatisticsReport, d("2024-04-10"))]);
            let view = case(&w, &e, COMMERCE).await;
            assert_eq!(view.cultivation.value.stage.as_str(), "registered");
            assert_eq!(view.cultivation.version, 5);
            let moves: Vec<&str> = view.moves.iter().map(|m| m.to.as_str()).collect();
            assert_eq!(moves, ["delisted"], "{name}");
        }

        // registered → delisted (退库), and nothing leaves delisted.
        let retail = w.service.resolve_enterprise("县城百货").await.unwrap().value;
        let out = advance(
            &w,
            &w.wang,
            with_reason(step(&retail, COMMERCE, "delisted", "2024-11-30"), "停业"),
        )
        .await;
        assert_eq!(out.plan.as_ref().unwrap().label.zh(), "退库");
        assert_eq!(out.closed.len(), 1);
        assert!(case(&w, &retail, COMMERCE).await.moves.is_empty());
    })
    .await;
}

#[tokio::test]
async fn commerce_side_moves_and_withdrawal() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = enterprise(
            &w,
            204,
            "鑫源超市有限公司",
            Sector::Retail,
            LegalForm::LegalEntity,
        )
        .await;
        open(&w, &e, COMMERCE, "2024-01-02").await;
        force(&w, &e, COMMERCE, "cultivating", "2024-01-03").await;
        force(&w, &e, COMMERCE, "qualified", "2024-02-01").await;
        let out = advance(
            &w,
            &w.wang,
            with_reason(
                step(&e, COMMERCE, "cultivating", "2024-02-05"),
                "销售额回落",
            ),
        )
        .await;
        assert_eq!(out.plan.as_ref().unwrap().label.zh(), "回退培育");
        force(&w, &e, COMMERCE, "qualified", "2024-03-01").await;
        force(&w, &e, COMMERCE, "applied", "2024-03-04").await;
        let out = advance(
            &w,
            &w.wang,
            with_reason(
                step(&e, COMMERCE, "qualified", "2024-03-20"),
                "缺少发票汇总",
            ),
        )
        .await;
        assert_eq!(out.plan.as_ref().unwrap().label.zh(), "退回补正");
        force(&w, &e, COMMERCE, "applied", "2024-03-25").await;
        let out = advance(
            &w,
            &w.wang,
            with_reason(
                step(&e, COMMERCE, "cultivating", "2024-04-20"),
                "审核未通过",
            ),
        )
        .await;
        assert_eq!(out.plan.as_ref().unwrap().label.zh(), "未通过");
        let out = advance(
            &w,
            &w.wang,
            with_reason(step(&e, COMMERCE, "withdrawn", "2024-05-06"), "企业注销"),
        )
        .await;
        assert!(out.plan.as_ref().unwrap().terminal);
        let view = case(&w, &e, COMMERCE).await;
        assert!(view.open_tasks.is_empty());
        assert_eq!(view.history.len(), 10);
    })
    .await;
}

/// The re-review task a certified stage creates: (kind, due date), from a move's outcome.
fn review_task(out: &AdvanceOutcome) -> (TaskKind, NaiveDate) {
    let reviews: Vec<_> = out
        .tasks
        .iter()
        .filter(|t| t.task.origin.starts_with("review:"))
        .map(|t| (t.task.kind, t.task.due_on))
        .collect();
    assert_eq!(reviews.len(), 1, "{:?}", out.tasks);
    reviews[0]
}

#[tokio::test]
async fn technology_tech_sme_is_certified_for_a_year_reviewed_and_renewed() {
    on_every_backend(async |db| {
        let w = world(db, "2024-01-08").await;
        let e = factory(&w, 301, "智造科技有限公司").await;
        open(&w, &e, TECHNOLOGY, "2024-01-08").await;
        // Coaching visit in 10 working days, the application in 20: the make-up Sunday
        // 2024-02-04 before the Spring Festival is the 20th.
        let out = advance(&w, &w.wang, step(&e, TECHNOLOGY, "preparing", "2024-01-08")).await;
        assert_eq!(
            created(&out),
            [
                (TaskKind::Visit, d("2024-01-22")),
                (TaskKind::Application, d("2024-02-04"))
            ]
        );

        let w = w.on("2024-02-01");
        complete(&w, &e, TaskKind::Application, "2024-01-31").await;
        let out = advance(
            &w,
            &w.wang,
            with_evidence(
                step(&e, TECHNOLOGY, "applied_tech_sme", "2024-02-01"),
                "评价系统受理号 2024-0131",
            ),
        )
        .await;
        // 30 days after 2024-02-01 is Saturday 2024-03-02: rolled to Monday.
        assert_eq!(created(&out), [(TaskKind::Document, d("2024-03-04"))]);

        let w = w.on("2024-03-01");
        let out = advance(
            &w,
            &w.wang,
            with_evidence(
                step(&e, TECHNOLOGY, "tech_sme", "2024-03-01"),
                "入库编号 20244501000123",
            ),
        )
        .await;
        let plan = out.plan.as_ref().unwrap();
        assert_eq!(plan.expires_on, Some(d("2025-03-01")), "valid for one year");
        assert_eq!(review_task(&out), (TaskKind::Application, d("2024-12-31")));
        assert_eq!(
            out.closed.len(),
            1,
            "the follow-up of the evaluation is closed"
        );
        let view = case(&w, &e, TECHNOLOGY).await;
        assert_eq!(view.cultivation.value.expires_on, Some(d("2025-03-01")));
        let lapse = view.moves.iter().find(|m| m.on_expiry).unwrap();
        assert_eq!(lapse.to.as_str(), "lapsed");
        assert!(!lapse.guards[0].passed, "not expired yet");

        // Renewal (年度评价通过): the re-review application done, evidence; the stage is entered
        // again, its expiry starts over and a new re-review task is due.
        let w = w.on("2024-12-20");
        let msg = refused(
            &w,
            &w.wang,
            with_evidence(
                step(&e, TECHNOLOGY, "tech_sme", "2024-12-20"),
                "复评入库编号",
            ),
            ErrorKind::Invalid,
        )
        .await;
        assert!(
            msg.contains("not yet done since entering this stage on 2024-03-01: application"),
            "{msg}"
        );
        let review = complete(&w, &e, TaskKind::Application, "2024-12-20").await;
        let out = advance(
            &w,
            &w.wang,
            with_evidence(
                step(&e, TECHNOLOGY, "tech_sme", "2024-12-20"),
                "入库编号 20254501000077",
            ),
        )
        .await;
        assert_eq!(out.plan.as_ref().unwrap().label.zh(), "年度评价通过");
        assert_eq!(out.plan.as_ref().unwrap().expires_on, Some(d("2025-12-20")));
        assert_eq!(review_task(&out), (TaskKind::Application, d("2025-10-21")));
        let view = case(&w, &e, TECHNOLOGY).await;
        assert_eq!(view.cultivation.value.stage.as_str(), "tech_sme");
        assert_eq!(view.cultivation.value.stage_since, d("2024-12-20"));
        assert_eq!(view.cultivation.value.expires_on, Some(d("2025-12-20")));
        assert_eq!(
            view.open_tasks
                .iter()
                .map(|t| (t.kind, t.due_on))
                .collect::<Vec<_>>(),
            [(TaskKind::Application, d("2025-10-21"))]
        );
        let old = tasks_of(&w, &e)
            .await
            .into_iter()
            .find(|t| t.id == review.id)
            .unwrap();
        assert_eq!(old.status, TaskStatus::Done);

        // 退出培育 is possible from a certified stage too.
        let out = advance(
            &w,
            &w.wang,
            with_reason(step(&e, TECHNOLOGY, "withdrawn", "2024-12-20"), "企业转型"),
        )
        .await;
        assert_eq!(out.closed.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn technology_climbs_from_innovative_sme_to_specialised_and_high_tech_each_valid_three_years()
{
    on_every_backend(async |db| {
        let w = world(db, "2023-03-20").await;
        let e = factory(&w, 302, "精工机械有限公司").await;
        open(&w, &e, TECHNOLOGY, "2023-03-20").await;
        let out = advance(&w, &w.wang, step(&e, TECHNOLOGY, "preparing", "2023-03-20")).await;
        // 20 working days counted across Qingming (2023-04-05).
        assert_eq!(
            created(&out),
            [
                (TaskKind::Visit, d("2023-04-03")),
                (TaskKind::Application, d("2023-04-18"))
            ]
        );

        let w = w.on("2023-04-12");
        complete(&w, &e, TaskKind::Application, "2023-04-10").await;
        let out = advance(
            &w,
            &w.wang,
            with_evidence(
                step(&e, TECHNOLOGY, "applied_innovative", "2023-04-12"),
                "工信申报号 CX-2023-88",
            ),
        )
        .await;
        // 60 days after 2023-04-12 is Sunday 2023-06-11.
        assert_eq!(created(&out), [(TaskKind::Document, d("2023-06-12"))]);

        let w = w.on("2023-06-20");
        let out = advance(
            &w,
            &w.wang,
            with_evidence(
                step(&e, TECHNOLOGY, "innovative_sme", "2023-06-20"),
                "桂工信〔2023〕56号",
            ),
        )
        .await;
        assert_eq!(out.plan.as_ref().unwrap().expires_on, Some(d("2026-06-20")));
        assert_eq!(review_task(&out), (TaskKind::Application, d("2026-03-22")));

        let w = w.on("2023-07-03");
        complete(&w, &e, TaskKind::Application, "2023-07-03").await;
        let out = advance(
            &w,
            &w.wang,
            with_evidence(
                step(&e, TECHNOLOGY, "applied_specialised", "2023-07-03"),
                "专精特新申报号 ZJ-2023-12",
            ),
        )
        .await;
        assert_eq!(created(&out), [(TaskKind::Document, d("2023-09-01"))]);
        assert_eq!(
            case(&w, &e, TECHNOLOGY).await.cultivation.value.expires_on,
            None,
            "an applied stage has no expiry"
        );

        let w = w.on("2023-09-28");
        let out = advance(
            &w,
            &w.wang,
            with_evidence(
                step(&e, TECHNOLOGY, "specialised", "2023-09-28"),
                "桂工信〔2023〕98号",
            ),
        )
        .await;
        assert_eq!(out.plan.as_ref().unwrap().expires_on, Some(d("2026-09-28")));
        assert_eq!(review_task(&out), (TaskKind::Application, d("2026-06-30")));

        let w = w.on("2023-10-09");
        complete(&w, &e, TaskKind::Application, "2023-10-09").await;
        let out = advance(
            &w,
            &w.wang,
            with_evidence(
                step(&e, TECHNOLOGY, "applied_high_tech", "2023-10-09"),
                "高企申报号 GX-2023-301",
            ),
        )
        .await;
        // 90 days after 2023-10-09 is Sunday 2024-01-07.
        assert_eq!(created(&out), [(TaskKind::Document, d("2024-01-08"))]);

        // The example of docs/tracks.md: high-tech on 2023-11-15 expires 2026-11-15, its
        // re-review is due 120 days before, on 2026-07-18.
        let w = w.on("2023-11-15");
        let out = advance(
            &w,
            &w.wang,
            with_evidence(
                step(&e, TECHNOLOGY, "high_tech", "2023-11-15"),
                "GR202345000123",
            ),
        )
        .await;
        assert_eq!(out.plan.as_ref().unwrap().expires_on, Some(d("2026-11-15")));
        assert_eq!(review_task(&out), (TaskKind::Application, d("2026-07-18")));
        let view = case(&w, &e, TECHNOLOGY).await;
        assert_eq!(view.cultivation.value.stage.as_str(), "high_tech");
        assert_eq!(view.cultivation.value.expires_on, Some(d("2026-11-15")));
        assert_eq!(view.history.len(), 8);
    })
    .await;
}

#[tokio::test]
async fn technology_a_failed_application_returns_to_preparing_and_an_expired_certification_lapses()
{
    on_every_backend(async |db| {
        let w = world(db, "2023-06-05").await;
        let e = factory(&w, 303, "绿源新材料有限公司").await;
        open(&w, &e, TECHNOLOGY, "2023-06-01").await;
        advance(&w, &w.wang, step(&e, TECHNOLOGY, "preparing", "2023-06-01")).await;
        complete(&w, &e, TaskKind::Application, "2023-06-05").await;
        advance(
            &w,
            &w.wang,
            with_evidence(
                step(&e, TECHNOLOGY, "applied_tech_sme", "2023-06-05"),
                "受理号 1",
            ),
        )
        .await;

        // 未通过 needs a reason.
        let w = w.on("2023-06-12");
        let msg = refused(
            &w,
            &w.wang,
            step(&e, TECHNOLOGY, "preparing", "2023-06-10"),
            ErrorKind::Invalid,
        )
        .await;
        assert!(msg.contains("a reason is required for this move"), "{msg}");
        let out = advance(
            &w,
            &w.wang,
            with_reason(
                step(&e, TECHNOLOGY, "preparing", "2023-06-10"),
                "研发费用归集不全",
            ),
        )
        .await;
        assert_eq!(out.plan.as_ref().unwrap().label.zh(), "未通过");
        complete(&w, &e, TaskKind::Application, "2023-06-12").await;
        advance(
            &w,
            &w.wang,
            with_evidence(
                step(&e, TECHNOLOGY, "applied_tech_sme", "2023-06-12"),
                "受理号 2",
            ),
        )
        .await;
        let w = w.on("2023-06-15");
        let out = advance(
            &w,
            &w.wang,
            with_evidence(
                step(&e, TECHNOLOGY, "tech_sme", "2023-06-15"),
                "入库编号 20234501000456",
            ),
        )
        .await;
        assert_eq!(out.plan.as_ref().unwrap().expires_on, Some(d("2024-06-15")));
        assert_eq!(review_task(&out), (TaskKind::Application, d("2024-04-16")));

        // The day before the expiry the lapse is not due.
        let w = w.on("2024-06-14");
        let view = case(&w, &e, TECHNOLOGY).await;
        let lapse = view
            .moves
            .iter()
            .find(|m| m.to.as_str() == "lapsed")
            .unwrap();
        assert!(lapse.on_expiry);
        assert!(!lapse.guards[0].passed);
        let msg = refused(
            &w,
            &w.wang,
            step(&e, TECHNOLOGY, "lapsed", "2024-06-14"),
            ErrorKind::Invalid,
        )
        .await;
        assert!(
            msg.contains("the certification runs until 2024-06-15 and has not expired"),
            "{msg}"
        );

        // Months later the lapse is due, and taken effective the expiry date: every open task
        // (the unused re-review) closed, a visit planned, no expiry any more.
        let w = w.on("2024-12-20");
        let view = case(&w, &e, TECHNOLOGY).await;
        let lapse = view
            .moves
            .iter()
            .find(|m| m.to.as_str() == "lapsed")
            .unwrap();
        assert!(lapse.guards.iter().all(|g| g.passed), "{:?}", lapse.guards);
        let out = advance(&w, &w.wang, step(&e, TECHNOLOGY, "lapsed", "2024-06-15")).await;
        let plan = out.plan.as_ref().unwrap();
        assert_eq!(plan.label.zh(), "资格到期失效");
        assert_eq!(plan.guards[0].guard, "stage_expired");
        assert!(
            plan.guards[0]
                .message
                .en()
                .contains("the certification expired on 2024-06-15")
        );
        assert_eq!(
            out.closed.iter().map(|t| t.kind).collect::<Vec<_>>(),
            [TaskKind::Application]
        );
        assert_eq!(created(&out), [(TaskKind::Visit, d("2024-06-28"))]);
        let view = case(&w, &e, TECHNOLOGY).await;
        assert_eq!(view.cultivation.value.stage.as_str(), "lapsed");
        assert_eq!(view.cultivation.value.expires_on, None);

        // 重新申报.
        let out = advance(&w, &w.wang, step(&e, TECHNOLOGY, "preparing", "2024-07-01")).await;
        assert_eq!(out.plan.as_ref().unwrap().label.zh(), "重新申报");
        assert_eq!(
            out.closed.len(),
            1,
            "the lapse visit belongs to the stage left"
        );
    })
    .await;
}

#[tokio::test]
async fn tick_lapses_an_expired_certification_on_its_expiry_date_once() {
    on_every_backend(async |db| {
        let w = world(db, "2023-06-15").await;
        let e = factory(&w, 304, "到期科技有限公司").await;
        put_certified(&w, &e, "2023-06-15").await;
        assert_eq!(
            case(&w, &e, TECHNOLOGY).await.cultivation.value.expires_on,
            Some(d("2024-06-15"))
        );
        // The day before the expiry, tick leaves it alone.
        let w = w.on("2024-06-14");
        let report = w.service.tick(&w.admin, None).await.unwrap();
        assert!(report.lapsed.is_empty(), "{:?}", report.lapsed);
        assert_eq!(
            case(&w, &e, TECHNOLOGY)
                .await
                .cultivation
                .value
                .stage
                .as_str(),
            "tech_sme"
        );

        // Days after it, nobody advances: tick takes the lapse, effective on the expiry date.
        let w = w.on("2024-06-20");
        let report = w.service.tick(&w.admin, None).await.unwrap();
        assert_eq!(
            report.lapsed,
            [(e.name.clone(), TECHNOLOGY.to_owned(), "tech_sme".to_owned())]
        );
        let view = case(&w, &e, TECHNOLOGY).await;
        assert_eq!(view.cultivation.value.stage.as_str(), "lapsed");
        assert_eq!(view.cultivation.value.expires_on, None);
        let last = view.history.last().unwrap();
        assert_eq!(
            (
                last.from.as_ref().map(|s| s.as_str()),
                last.to.as_str(),
                last.effective_on
            ),
            (Some("tech_sme"), "lapsed", d("2024-06-15"))
        );
        assert!(last.reason.as_deref().unwrap().contains("2024-06-15"));
        assert!(last.guard_results.iter().all(|g| g.passed));
        // The unused re-review is closed and the lapse visit planned from the expiry date.
        assert_eq!(
            view.open_tasks
                .iter()
                .map(|t| (t.kind, t.due_on))
                .collect::<Vec<_>>(),
            [(TaskKind::Visit, d("2024-06-28"))]
        );

        // Ticking again changes nothing.
        let before = footprint(&w, &e, TECHNOLOGY).await;
        let report = w.service.tick(&w.admin, None).await.unwrap();
        assert!(report.lapsed.is_empty());
        let after = footprint(&w, &e, TECHNOLOGY).await;
        assert_eq!(
            (after.version, after.transitions.len()),
            (before.version, before.transitions.len())
        );
    })
    .await;
}

/// Opens `e` on technology and takes it to `tech_sme` on `on` (the clock must be on or after it).
pub(crate) async fn put_certified(w: &World, e: &Enterprise, on: &str) -> AdvanceOutcome {
    open(w, e, TECHNOLOGY, on).await;
    force(w, e, TECHNOLOGY, "preparing", on).await;
    force(w, e, TECHNOLOGY, "applied_tech_sme", on).await;
    force(w, e, TECHNOLOGY, "tech_sme", on).await
}

#[tokio::test]
async fn an_unknown_or_impossible_move_is_refused_with_the_moves_possible_from_here() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 305, "无路机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-03-01").await;
        let before = footprint(&w, &e, INDUSTRIAL).await;
        let msg = refused(
            &w,
            &w.wang,
            step(&e, INDUSTRIAL, "registered", "2024-03-05"),
            ErrorKind::Invalid,
        )
        .await;
        assert!(
            msg.contains("there is no move from \"candidate\" to \"registered\"; from \"candidate\" the possible moves are: cultivating (start cultivating), withdrawn (withdraw)"),
            "{msg}"
        );
        let msg = refused(
            &w,
            &w.wang,
            step(&e, INDUSTRIAL, "graduated", "2024-03-05"),
            ErrorKind::Invalid,
        )
        .await;
        assert!(msg.contains("\"graduated\" is not a stage of this track"), "{msg}");
        assert_eq!(footprint(&w, &e, INDUSTRIAL).await, before);
    })
    .await;
}

#[tokio::test]
async fn a_running_case_keeps_the_track_version_it_was_opened_on() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let old = factory(&w, 306, "老版机械有限公司").await;
        open(&w, &old, INDUSTRIAL, "2024-03-01").await;

        // A new version of the industrial track: the first visit within 7 working days.
        let shipped = w.service.latest_track(INDUSTRIAL).await.unwrap();
        let text = shipped
            .record
            .definition
            .replacen("working_days = 5", "working_days = 7", 1);
        assert_ne!(text, shipped.record.definition);
        w.service.load_track(&w.admin, &text).await.unwrap();
        let latest = w.service.latest_track(INDUSTRIAL).await.unwrap();
        assert_ne!(latest.record.id, shipped.record.id);

        let new = factory(&w, 307, "新版机械有限公司").await;
        open(&w, &new, INDUSTRIAL, "2024-03-01").await;
        let out_old = advance(
            &w,
            &w.wang,
            step(&old, INDUSTRIAL, "cultivating", "2024-03-01"),
        )
        .await;
        let out_new = advance(
            &w,
            &w.wang,
            step(&new, INDUSTRIAL, "cultivating", "2024-03-01"),
        )
        .await;
        assert_eq!(out_old.track.record.id, shipped.record.id);
        assert_eq!(out_new.track.record.id, latest.record.id);
        // 5 and 7 working days after Friday 2024-03-01.
        assert_eq!(out_old.tasks[0].task.due_on, d("2024-03-08"));
        assert_eq!(out_new.tasks[0].task.due_on, d("2024-03-12"));
        assert_eq!(out_old.transition.unwrap().track, shipped.record.id);
    })
    .await;
}
