//! Effective dates (a move is not in the future and not before the previous move; guards and
//! deadlines count from it) and every shipped template's due date around the 2023 and 2024
//! holidays.

use peiyu_domain::{Batch, FactorCategory, LegalForm, Sector, TaskKind};
use peiyu_service::{ErrorKind, ListChange};
use peiyu_tests::on_every_backend;

use super::*;

const LAND: TaskKind = TaskKind::FactorGuarantee(FactorCategory::Land);
const ENERGY: TaskKind = TaskKind::FactorGuarantee(FactorCategory::Energy);
const FINANCE: TaskKind = TaskKind::FactorGuarantee(FactorCategory::Finance);

/// Opens `e` on `track` on `on` and forces it along `stages` on the same day.
async fn put_at(w: &World, e: &Enterprise, track: &str, stages: &[&str], on: &str) {
    open(w, e, track, on).await;
    for stage in stages {
        force(w, e, track, stage, on).await;
    }
}

#[tokio::test]
async fn a_move_dated_in_the_future_is_refused_and_changes_nothing() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 601, "未来机械有限公司").await;
        let err = w
            .service
            .open_case(
                &w.wang,
                OpenCase {
                    enterprise: e.uscc.to_string(),
                    track: INDUSTRIAL.into(),
                    on: Some(d("2024-12-21")),
                    ..OpenCase::default()
                },
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert!(message(&err).contains("in the future"), "{err}");
        assert!(w.service.show_cases(&w.admin, e.uscc.as_str()).await.unwrap().cases.is_empty());

        open(&w, &e, INDUSTRIAL, "2024-12-02").await;
        let before = footprint(&w, &e, INDUSTRIAL).await;
        let msg = refused(
            &w,
            &w.admin,
            step(&e, INDUSTRIAL, "cultivating", "2024-12-21"),
            ErrorKind::Invalid,
        )
        .await;
        assert!(
            msg.contains("the move cannot take effect on 2024-12-21: that is in the future (today is 2024-12-20)"),
            "{msg}"
        );
        assert_eq!(footprint(&w, &e, INDUSTRIAL).await, before);

        // Without a date the move takes effect today.
        let out = w
            .service
            .advance_case(
                &w.wang,
                AdvanceCase {
                    on: None,
                    ..step(&e, INDUSTRIAL, "cultivating", "2024-12-20")
                },
            )
            .await
            .unwrap();
        assert_eq!(out.transition.unwrap().effective_on, d("2024-12-20"));
    })
    .await;
}

#[tokio::test]
async fn a_move_dated_before_the_previous_move_is_refused_but_the_same_day_is_allowed() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 602, "往昔机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-03-01").await;
        let msg = refused(
            &w,
            &w.wang,
            step(&e, INDUSTRIAL, "cultivating", "2024-02-29"),
            ErrorKind::Invalid,
        )
        .await;
        assert!(msg.contains("the previous move took effect on 2024-03-01"), "{msg}");
        advance(&w, &w.wang, step(&e, INDUSTRIAL, "cultivating", "2024-03-10")).await;

        let before = footprint(&w, &e, INDUSTRIAL).await;
        let mut cmd = with_reason(step(&e, INDUSTRIAL, "qualified", "2024-03-09"), "补录");
        cmd.override_guards = true;
        let msg = refused(&w, &w.admin, cmd, ErrorKind::Invalid).await;
        assert!(
            msg.contains("the move cannot take effect on 2024-03-09: the previous move took effect on 2024-03-10"),
            "{msg}"
        );
        assert!(msg.contains("早于上一次流转的生效日期 2024-03-10"), "{msg}");
        assert_eq!(footprint(&w, &e, INDUSTRIAL).await, before);

        let out = force(&w, &e, INDUSTRIAL, "qualified", "2024-03-10").await;
        assert_eq!(out.transition.unwrap().effective_on, d("2024-03-10"));
    })
    .await;
}

#[tokio::test]
async fn a_move_recorded_late_keeps_its_effective_date_beside_the_time_it_was_recorded() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 603, "补录机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2023-09-01").await;
        let out = advance(
            &w,
            &w.wang,
            step(&e, INDUSTRIAL, "cultivating", "2023-09-28"),
        )
        .await;
        // Deadlines count from the effective date, not from the day it was recorded.
        assert_eq!(
            created(&out),
            [(TaskKind::Visit, d("2023-10-11")), (LAND, d("2023-11-01"))]
        );
        assert!(
            out.tasks
                .iter()
                .all(|t| t.task.created_on == d("2023-09-28"))
        );

        let view = case(&w, &e, INDUSTRIAL).await;
        let moved = view.history.last().unwrap();
        assert_eq!(moved.effective_on, d("2023-09-28"));
        assert_eq!(moved.recorded_at, morning("2024-12-20"));
        assert_eq!(view.cultivation.value.stage_since, d("2023-09-28"));
        assert_eq!(
            view.days_in_stage,
            (d("2024-12-20") - d("2023-09-28")).num_days()
        );
        // The revenue guard is judged on the figures to the month before the effective date.
        record_months(&w, &e, "2023-01", "2023-08", 300, Some(300)).await;
        record(&w, &e, "2023-09", 1, Some(1)).await;
        let out = advance(&w, &w.wang, step(&e, INDUSTRIAL, "qualified", "2023-10-08")).await;
        assert!(
            out.plan.as_ref().unwrap().guards[0]
                .message
                .en()
                .contains("(2023-01 to 2023-09)")
        );
    })
    .await;
}

#[tokio::test]
async fn cultivating_tasks_count_working_days_across_national_day_2023_and_batches_1_and_2_get_land_sooner()
 {
    on_every_backend(async |db| {
        let w = world(db, "2023-12-20").await;
        let mut due = Vec::new();
        for (n, batch) in [
            (611u32, None),
            (612, Some(1u8)),
            (613, Some(2)),
            (614, Some(3)),
        ] {
            let e = factory(&w, n, &format!("批次{n}有限公司")).await;
            if let Some(b) = batch {
                w.service
                    .assign_batch(
                        &w.admin,
                        &ListChange {
                            enterprise: e.uscc.to_string(),
                            year: 2023,
                            batch: Some(Batch::new(b).unwrap()),
                            reason: "年度名单".into(),
                            ..ListChange::default()
                        },
                    )
                    .await
                    .unwrap();
            }
            open(&w, &e, INDUSTRIAL, "2023-09-01").await;
            let out = advance(
                &w,
                &w.wang,
                step(&e, INDUSTRIAL, "cultivating", "2023-09-28"),
            )
            .await;
            due.push((
                batch,
                created(&out),
                out.tasks.iter().map(|t| t.priority).collect::<Vec<_>>(),
            ));
        }
        let normal = vec![(TaskKind::Visit, d("2023-10-11")), (LAND, d("2023-11-01"))];
        let priority = vec![(TaskKind::Visit, d("2023-10-11")), (LAND, d("2023-10-18"))];
        assert_eq!(
            due,
            [
                (None, normal.clone(), vec![false, false]),
                (Some(1), priority.clone(), vec![false, true]),
                (Some(2), priority, vec![false, true]),
                (Some(3), normal, vec![false, false]),
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn qualified_application_is_due_on_day_5_of_next_month_rolled_out_of_the_holidays() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        // (entering qualified, application due, statement check due in 3 working days)
        let cases = [
            ("2023-03-10", "2023-04-06", "2023-03-15"), // 清明 2023-04-05
            ("2023-09-15", "2023-10-07", "2023-09-20"), // 国庆, to the make-up Saturday
            ("2024-03-20", "2024-04-07", "2024-03-25"), // 清明, to the make-up Sunday
            ("2024-04-30", "2024-05-06", "2024-05-08"), // 劳动节, counted across it
            ("2024-09-20", "2024-10-08", "2024-09-25"), // 国庆 (the docs' example)
        ];
        for (i, (on, application, check)) in cases.into_iter().enumerate() {
            let e = factory(&w, 620 + i as u32, &format!("达标{i}有限公司")).await;
            put_at(&w, &e, INDUSTRIAL, &["cultivating"], on).await;
            let out = force(&w, &e, INDUSTRIAL, "qualified", on).await;
            assert_eq!(
                created(&out),
                [
                    (TaskKind::Application, d(application)),
                    (TaskKind::Document, d(check))
                ],
                "qualified on {on}"
            );
        }
        // Commerce's monthly route: qualified 2024-01-15, due Monday 2024-02-05.
        let shop = enterprise(
            &w,
            629,
            "达标商店有限公司",
            Sector::Retail,
            LegalForm::LegalEntity,
        )
        .await;
        put_at(&w, &shop, COMMERCE, &["cultivating"], "2024-01-15").await;
        let out = force(&w, &shop, COMMERCE, "qualified", "2024-01-15").await;
        assert_eq!(created(&out), [(TaskKind::Application, d("2024-02-05"))]);
    })
    .await;
}

#[tokio::test]
async fn the_bureaus_answer_is_followed_for_45_days_rolled_out_of_national_day() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        for (i, (on, due)) in [
            ("2023-08-20", "2023-10-07"), // 2023-10-04 is in the holiday; the 7th is a make-up day
            ("2024-08-17", "2024-10-08"), // 2024-10-01
            ("2024-02-01", "2024-03-18"), // a Sunday
        ]
        .into_iter()
        .enumerate()
        {
            let e = factory(&w, 630 + i as u32, &format!("申报{i}有限公司")).await;
            put_at(&w, &e, INDUSTRIAL, &["cultivating", "qualified"], on).await;
            let out = force(&w, &e, INDUSTRIAL, "applied", on).await;
            assert_eq!(
                created(&out),
                [(TaskKind::Document, d(due))],
                "applied on {on}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn registered_report_and_visit_fall_around_the_spring_festival_and_mid_autumn() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        // (registered on, monthly report due on day 10 of next month rolled, visit in 10 working days)
        for (i, (on, report, visit)) in [
            ("2024-01-20", "2024-02-18", "2024-02-02"), // 春节: the report to the make-up Sunday
            ("2023-09-20", "2023-10-10", "2023-10-10"), // 国庆: the visit counts the make-up weekend
            ("2024-09-05", "2024-10-10", "2024-09-20"), // 中秋: make-up Saturday 2024-09-14
        ]
        .into_iter()
        .enumerate()
        {
            let e = factory(&w, 640 + i as u32, &format!("入统{i}有限公司")).await;
            put_at(
                &w,
                &e,
                INDUSTRIAL,
                &["cultivating", "qualified", "applied"],
                on,
            )
            .await;
            let out = force(&w, &e, INDUSTRIAL, "registered", on).await;
            assert_eq!(
                created(&out),
                [
                    (TaskKind::StatisticsReport, d(report)),
                    (TaskKind::Visit, d(visit))
                ],
                "registered on {on}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn upgrading_filing_is_due_at_the_end_of_the_quarter_rolled_over_new_year_and_dragon_boat() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        for (i, (on, filing, energy)) in [
            ("2023-11-15", "2024-01-02", "2023-12-13"), // 2023-12-31 Sunday, 2024-01-01 off
            ("2024-06-05", "2024-07-01", "2024-07-04"), // 2024-06-30 Sunday; 端午 2024-06-10
        ]
        .into_iter()
        .enumerate()
        {
            let e = factory(&w, 650 + i as u32, &format!("技改{i}有限公司")).await;
            put_at(
                &w,
                &e,
                INDUSTRIAL,
                &["cultivating", "qualified", "applied", "registered"],
                on,
            )
            .await;
            let out = force(&w, &e, INDUSTRIAL, "upgrading", on).await;
            assert_eq!(
                created(&out),
                [(TaskKind::Document, d(filing)), (ENERGY, d(energy))],
                "upgrading on {on}"
            );
            assert_eq!(out.tasks[1].assignee.id, w.lead.id);
        }
    })
    .await;
}

#[tokio::test]
async fn commerce_cultivating_counts_the_qingming_make_up_sunday() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = enterprise(
            &w,
            660,
            "清明商贸有限公司",
            Sector::Wholesale,
            LegalForm::LegalEntity,
        )
        .await;
        open(&w, &e, COMMERCE, "2024-04-01").await;
        let out = advance(&w, &w.wang, step(&e, COMMERCE, "cultivating", "2024-04-01")).await;
        assert_eq!(
            created(&out),
            [
                (TaskKind::Visit, d("2024-04-09")),
                (FINANCE, d("2024-04-29"))
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn technology_follow_ups_roll_out_of_national_day_2024() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        for (i, (to, on, due)) in [
            ("applied_tech_sme", "2024-09-01", "2024-10-08"), // 30 days: 2024-10-01
            ("applied_high_tech", "2024-07-03", "2024-10-08"), // 90 days: 2024-10-01
            ("applied_innovative", "2024-08-02", "2024-10-08"), // 60 days: 2024-10-01
        ]
        .into_iter()
        .enumerate()
        {
            let e = factory(&w, 670 + i as u32, &format!("科技{i}有限公司")).await;
            put_at(&w, &e, TECHNOLOGY, &["preparing"], on).await;
            let out = force(&w, &e, TECHNOLOGY, to, on).await;
            assert_eq!(
                created(&out),
                [(TaskKind::Document, d(due))],
                "{to} on {on}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_deadline_in_a_year_without_its_notice_is_provisional_not_refused() {
    on_every_backend(async |db| {
        // 2016 has no shipped notice: its deadlines follow the statutory holidays, marked.
        let w = world(db, "2017-01-10").await;
        let e = factory(&w, 680, "旧年机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2016-12-01").await;
        let out = advance(
            &w,
            &w.wang,
            step(&e, INDUSTRIAL, "cultivating", "2016-12-20"),
        )
        .await;
        assert!(
            out.tasks.iter().any(|t| t.due_provisional),
            "{:?}",
            out.tasks
        );
    })
    .await;
}

#[tokio::test]

async fn a_backdated_certifications_re_review_task_is_created_on_the_moves_effective_date() {
    on_every_backend(async |db| {
        // The listing of 2023-06-15 is recorded eighteen months later.
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 690, "补录科技有限公司").await;
        let out = super::walks::put_certified(&w, &e, "2023-06-15").await;
        let review = out
            .tasks
            .iter()
            .find(|t| t.task.origin.starts_with("review:"))
            .unwrap();
        assert_eq!(review.task.due_on, d("2024-04-16"));
        // Every other template task is created on the move's effective date; the re-review task
        // is created on min(expiry, today), here 2024-06-15: two months after it was due.
        assert_eq!(review.task.created_on, d("2023-06-15"));
        // So it could be done on time.
        w.service
            .complete_task(
                &w.wang,
                &review.task.id.0.to_string(),
                None,
                None,
                Some(d("2024-04-10")),
            )
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn tick_creates_next_months_statistics_report_from_the_previous_reference_date() {
    on_every_backend(async |db| {
        let w = world(db, "2024-01-20").await;
        let e = factory(&w, 691, "月报机械有限公司").await;
        put_at(
            &w,
            &e,
            INDUSTRIAL,
            &["cultivating", "qualified", "applied"],
            "2024-01-20",
        )
        .await;
        let out = force(&w, &e, INDUSTRIAL, "registered", "2024-01-20").await;
        assert_eq!(out.tasks[0].task.due_on, d("2024-02-18"));

        // A month ahead of 2024-02-08: the next reference is 2024-02-20; day 10 of the next
        // month is Sunday 2024-03-10, rolled to Monday. The one after (2024-03-20) is too far.
        let w = w.on("2024-02-08");
        let report = w.service.tick(&w.admin, None).await.unwrap();
        assert_eq!(
            report
                .materialised
                .iter()
                .map(|t| (t.kind, t.created_on, t.due_on))
                .collect::<Vec<_>>(),
            [(TaskKind::StatisticsReport, d("2024-02-20"), d("2024-03-11"))]
        );
        let again = w.service.tick(&w.admin, None).await.unwrap();
        assert!(again.materialised.is_empty(), "tick is idempotent");
        let reports: Vec<NaiveDate> = tasks_of(&w, &e)
            .await
            .into_iter()
            .filter(|t| t.kind == TaskKind::StatisticsReport)
            .map(|t| t.due_on)
            .collect();
        assert_eq!(reports.len(), 2, "{reports:?}");
    })
    .await;
}

#[tokio::test]

async fn the_monthly_statistics_report_keeps_recurring_after_upgrading() {
    on_every_backend(async |db| {
        let w = world(db, "2024-01-20").await;
        let e = factory(&w, 692, "技改月报有限公司").await;
        put_at(
            &w,
            &e,
            INDUSTRIAL,
            &["cultivating", "qualified", "applied", "registered"],
            "2024-01-20",
        )
        .await;
        let w = w.on("2024-01-25");
        force(&w, &e, INDUSTRIAL, "upgrading", "2024-01-25").await;
        // industrial.toml: "The monthly statistics report keeps running: only leftover visits
        // are closed." An enterprise upgrading is still registered and still reports monthly.
        let w = w.on("2024-02-08");
        let report = w.service.tick(&w.admin, None).await.unwrap();
        assert_eq!(
            report
                .materialised
                .iter()
                .map(|t| (t.kind, t.due_on))
                .collect::<Vec<_>>(),
            [(TaskKind::StatisticsReport, d("2024-03-11"))]
        );
    })
    .await;
}
