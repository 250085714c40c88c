//! The working-day calendar at the end of the published years: provisional years never stop the
//! work, deadlines counted on them are marked, and a loaded notice recounts them, audited.

use std::sync::Arc;

use peiyu_domain::{DueCount, TaskKind, TaskStatus};
use peiyu_service::calendar::{NoticeOrigin, YearStatus};
use peiyu_service::{FixedClock, NoticeInput, OpenCase, Service, WeeklyQuery};
use peiyu_tests::on_every_backend;

use crate::tracks::{INDUSTRIAL, World, advance, d, factory, morning, open, step, tasks_of, world};

/// The service of `w` with its clock at 09:00 on `day`.
fn at(w: &World, day: &str) -> Service {
    w.service
        .clone()
        .with_clock(Arc::new(FixedClock(morning(day))))
}

/// A test notice for 2027 (not the State Council's: its 2027 notice is not published yet). Its
/// Spring Festival runs Friday 5 to Friday 12 February, with Saturday 20 February worked.
pub(crate) const NOTICE_2027: &str = "国务院办公厅关于2027年部分节假日安排的通知\n\
一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n\
二、春节：2月5日（周五）至12日（周五）放假调休，共8天。2月20日（周六）上班。\n";

#[tokio::test]
async fn at_the_years_end_advances_ticks_and_weekly_lists_go_on_marked() {
    on_every_backend(async |db| {
        let w = world(db, "2026-12-01").await;
        for (n, today) in [
            (0u32, "2026-12-10"),
            (1, "2026-12-29"),
            (2, "2027-01-04"),
            (3, "2030-06-01"),
        ] {
            let service = at(&w, today);
            let e = factory(&w, 900 + n, &format!("跨年机械{n}有限公司")).await;
            service
                .open_case(
                    &w.wang,
                    OpenCase {
                        enterprise: e.uscc.to_string(),
                        track: INDUSTRIAL.into(),
                        on: Some(d(today)),
                        ..OpenCase::default()
                    },
                )
                .await
                .unwrap_or_else(|err| panic!("{today}: {err}"));
            // Advancing creates a visit (5 working days) and a factor task (20 working days),
            // the latter due in the next year or in a year without its notice.
            let out = service
                .advance_case(&w.wang, step(&e, INDUSTRIAL, "cultivating", today))
                .await
                .unwrap_or_else(|err| panic!("{today}: {err}"));
            assert!(out.applied, "{today}");
            let long = out
                .tasks
                .iter()
                .max_by_key(|t| t.task.due_on)
                .expect("tasks were created");
            assert!(
                chrono::Datelike::year(&long.task.due_on) >= 2027,
                "{today}: {:?}",
                long.task.due_on
            );
            assert!(long.due_provisional, "{today}: the deadline is marked");
            assert!(matches!(
                long.task.due_count,
                Some(DueCount::WorkingDays { .. })
            ));
            // tick runs every phase.
            let report = service.tick(&w.admin, None).await.unwrap();
            assert!(report.all_ran(), "{today}: {:?}", report.phases);
            assert_eq!(report.phases.len(), 4);
            // The weekly list of the officer: built, with the provisional year named once.
            let list = service
                .weekly(&w.wang, WeeklyQuery::default())
                .await
                .unwrap_or_else(|err| panic!("{today}: {err}"));
            if today == "2026-12-10" {
                // Its weeks (and the deadlines they show) lie in 2026, which has its notice.
                assert!(list.provisional_years.is_empty(), "{today}");
                continue;
            }
            assert!(!list.provisional_years.is_empty(), "{today}");
            let marked = list
                .overdue
                .iter()
                .chain(list.this_week.iter().flat_map(|d| d.tasks.iter()))
                .chain(list.next_week.iter())
                .filter(|t| t.due_provisional)
                .count();
            let first_provisional = list.provisional_years[0];
            assert!(
                first_provisional >= 2027,
                "{today}: {:?}",
                list.provisional_years
            );
            if today == "2026-12-29" {
                // The week of 2026-12-28 runs into 2027: its next-week visit is provisional.
                assert!(marked >= 1, "{today}");
            }
        }
        let v = w.service.verify_audit(&w.admin).await.unwrap();
        assert!(v.ok(), "{v:?}");
    })
    .await;
}

#[tokio::test]
async fn loading_a_notice_replaces_the_provisional_year_and_recounts_deadlines() {
    on_every_backend(async |db| {
        let w = world(db, "2027-01-20").await;
        assert_eq!(
            w.service.calendar().year_status(2027),
            YearStatus::Provisional
        );
        let e = factory(&w, 950, "春节前机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2027-01-20").await;
        advance(
            &w,
            &w.wang,
            step(&e, INDUSTRIAL, "cultivating", "2027-01-20"),
        )
        .await;
        let factor = tasks_of(&w, &e)
            .await
            .into_iter()
            .find(|t| t.status == TaskStatus::Open && t.kind != TaskKind::Visit)
            .expect("the 20-working-day task");
        // Provisionally: 除夕 Fri 5 Feb to Mon 8 Feb, and Tue 9 and Wed 10 made up.
        assert_eq!(factor.due_on, d("2027-02-23"));

        // A wrong weekday is refused with its line named; nothing changes.
        let wrong = NOTICE_2027.replace("2月5日（周五）", "2月5日（周四）");
        let err = w
            .service
            .load_notice(
                &w.admin,
                NoticeInput::Text {
                    text: wrong,
                    year: None,
                },
                true,
            )
            .await
            .unwrap_err();
        let text = peiyu_domain::Localize::localize(&err, peiyu_domain::Lang::Zh);
        assert!(text.zh().contains("第3行"), "{}", text.zh());
        assert!(w.service.calendar().is_provisional(2027));

        // Without --apply: shown, nothing written.
        let input = NoticeInput::Text {
            text: NOTICE_2027.to_owned(),
            year: None,
        };
        let shown = w
            .service
            .load_notice(&w.admin, input.clone(), false)
            .await
            .unwrap();
        assert!(!shown.applied);
        assert!(shown.was_provisional);
        assert_eq!(shown.holidays.len(), 2);
        assert_eq!(shown.holidays[1].stated_days, Some(8));
        assert_eq!(shown.recounted.len(), 1);
        assert_eq!(shown.recounted[0].before, d("2027-02-23"));
        assert_eq!(shown.recounted[0].after, d("2027-02-24"));
        assert!(w.service.calendar().is_provisional(2027));

        // An officer may not load it.
        let err = w
            .service
            .load_notice(&w.wang, input.clone(), true)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), peiyu_service::ErrorKind::Forbidden);

        let applied = w.service.load_notice(&w.admin, input, true).await.unwrap();
        assert!(applied.applied);
        assert!(matches!(
            w.service.calendar().year_status(2027),
            YearStatus::Official {
                origin: NoticeOrigin::Loaded,
                ..
            }
        ));
        let moved = tasks_of(&w, &e)
            .await
            .into_iter()
            .find(|t| t.id == factor.id)
            .unwrap();
        assert_eq!(moved.due_on, d("2027-02-24"));
        // The move is its own audited change with the reason.
        let (_, entries) = w
            .service
            .task_history(&w.admin, &factor.id.0.to_string())
            .await
            .unwrap();
        let last = entries.last().unwrap();
        assert_eq!(last.action, "task.recount");
        assert_eq!(
            last.reason.as_deref(),
            Some(peiyu_service::notices::RECOUNT_REASON)
        );
        // Another instance on the same database counts on the loaded notice.
        let other = Service::new(db.store().await)
            .with_clock(Arc::new(FixedClock(crate::tracks::morning("2027-01-20"))));
        assert!(other.calendar().is_provisional(2027));
        other.refresh_calendar().await;
        assert!(!other.calendar().is_provisional(2027));
        assert_eq!(other.calendar().is_working_day(d("2027-02-20")), Ok(true));
        // Loading it again moves nothing more.
        let again = w
            .service
            .load_notice(
                &w.admin,
                NoticeInput::Text {
                    text: NOTICE_2027.to_owned(),
                    year: None,
                },
                true,
            )
            .await
            .unwrap();
        assert!(again.recounted.is_empty());
        assert!(!again.was_provisional);
        let v = w.service.verify_audit(&w.admin).await.unwrap();
        assert!(v.ok(), "{v:?}");
    })
    .await;
}
