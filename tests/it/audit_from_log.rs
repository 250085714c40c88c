//! The as-of lists rebuilt from the audit log alone equal those rebuilt from the tables, on every
//! backend; and once a table is edited behind peiyu's back, only the log's answer stays true.

use chrono::{NaiveDate, TimeZone, Utc};
use peiyu_service::AsOfQuery;
use peiyu_tests::{Kind, on_every_backend, service_at};
use sea_orm::ConnectionTrait;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[tokio::test]
async fn as_of_lists_from_the_log_equal_those_from_the_tables() {
    on_every_backend(async |db| {
        let now = Utc.with_ymd_and_hms(2023, 7, 3, 10, 0, 0).single().unwrap();
        let (service, admin) = service_at(db, now).await;
        peiyu_demo::build(&service, day("2023-07-03"))
            .await
            .unwrap();
        let all = AsOfQuery::default();
        let mut seen = (0, 0);
        for date in [
            "2022-12-31",
            "2023-01-15",
            "2023-02-28",
            "2023-03-31",
            "2023-04-30",
            "2023-05-31",
            "2023-06-15",
            "2023-06-30",
            "2023-07-03",
        ] {
            let tables = service.as_of(&admin, day(date), &all).await.unwrap();
            let log = service
                .as_of_from_log(&admin, day(date), &all)
                .await
                .unwrap();
            assert_eq!(tables.listed, log.listed, "{date}");
            assert_eq!(tables.staged, log.staged, "{date}");
            seen.0 += log.listed.len();
            seen.1 += log.staged.len();
        }
        assert!(seen.0 > 100 && seen.1 > 100, "{seen:?}");
        // Filters apply alike.
        let q = AsOfQuery {
            list: Some(2023),
            track: Some("industrial".into()),
            ..AsOfQuery::default()
        };
        let tables = service.as_of(&admin, day("2023-06-30"), &q).await.unwrap();
        let log = service
            .as_of_from_log(&admin, day("2023-06-30"), &q)
            .await
            .unwrap();
        assert_eq!((tables.listed, tables.staged), (log.listed, log.staged));

        // The progress report counted from the log equals the one counted from the tables.
        let mut progress_seen = 0;
        for date in ["2023-01-31", "2023-03-31", "2023-06-30", "2023-07-03"] {
            let (tables, log) = both_reports(&service, &admin, day(date)).await;
            assert_same_progress(&tables, &log, date);
            progress_seen += log.new_above_scale.len() + log.overdue_by_officer.len();
            // The register is counted from the log too: 69 firms imported, the new ones
            // entering by their stage moves.
            assert!(
                log.register[0].in_register >= 69,
                "{date}: {:?}",
                log.register
            );
        }
        assert!(progress_seen > 5, "{progress_seen}");
        let progress_before = service
            .progress_report_from_log(&admin, 2023, Some(day("2023-06-30")))
            .await
            .unwrap();

        // A stage move edited in the table changes the tables' answer, not the log's.
        let trigger = match db.kind {
            Kind::Postgres => "ALTER TABLE transitions DISABLE TRIGGER USER",
            Kind::Sqlite | Kind::MySql => "DROP TRIGGER transitions_no_update",
        };
        let conn = service.store().conn();
        conn.execute_unprepared(trigger).await.unwrap();
        conn.execute_unprepared(
            "UPDATE transitions SET to_stage = 'registered' WHERE to_stage = 'cultivating'",
        )
        .await
        .unwrap();
        let when = day("2023-06-30");
        let tables = service.as_of(&admin, when, &all).await.unwrap();
        let log = service.as_of_from_log(&admin, when, &all).await.unwrap();
        let registered = |v: &peiyu_service::AsOfView| {
            v.staged.iter().filter(|s| s.stage == "registered").count()
        };
        assert!(registered(&tables) > registered(&log));
        let before = service.as_of_from_log(&admin, when, &all).await.unwrap();
        assert_eq!(log.staged, before.staged);
        // The edit changes the tables' progress report; the log's stays as it was.
        let (tables, log) = both_reports(&service, &admin, when).await;
        assert_same_progress(&progress_before, &log, "after the edit");
        assert_ne!(
            tables.funnels, log.funnels,
            "the edited stage moves change the tables' funnel"
        );
        // An exit written into the register behind peiyu's back: the tables' count drops, the
        // log's does not.
        conn.execute_unprepared(
            "UPDATE register_periods SET exited_month = '2023-01', exit_reason = 'forged'",
        )
        .await
        .unwrap();
        let (tables, log) = both_reports(&service, &admin, when).await;
        assert_eq!(tables.register[0].in_register, 0);
        assert_eq!(log.register, progress_before.register);
        assert!(!service.verify_audit(&admin).await.unwrap().ok());
    })
    .await;
}

/// The 2023 progress report as of `when`, counted from the tables and from the log.
async fn both_reports(
    service: &peiyu_service::Service,
    admin: &peiyu_domain::Officer,
    when: NaiveDate,
) -> (peiyu_service::ProgressReport, peiyu_service::ProgressReport) {
    let tables = service
        .progress_report(admin, 2023, Some(when))
        .await
        .unwrap();
    let log = service
        .progress_report_from_log(admin, 2023, Some(when))
        .await
        .unwrap();
    (tables, log)
}

/// Two progress reports say the same, section by section.
fn assert_same_progress(
    a: &peiyu_service::ProgressReport,
    b: &peiyu_service::ProgressReport,
    when: &str,
) {
    assert_eq!(a.as_of, b.as_of, "{when}");
    assert_eq!(a.targets, b.targets, "{when}: targets");
    assert_eq!(a.new_above_scale, b.new_above_scale, "{when}: 规上");
    assert_eq!(a.new_above_limit, b.new_above_limit, "{when}: 限上");
    assert_eq!(a.funnels, b.funnels, "{when}: funnels");
    assert_eq!(a.by_batch, b.by_batch, "{when}: by batch");
    assert_eq!(a.by_town, b.by_town, "{when}: by town");
    assert_eq!(a.by_sector, b.by_sector, "{when}: by sector");
    assert_eq!(
        a.overdue_by_officer, b.overdue_by_officer,
        "{when}: overdue"
    );
    assert_eq!(a.register, b.register, "{when}: register");
}
