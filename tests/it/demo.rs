//! The demo county: built from the data files through the use cases, it reproduces the mid-year
//! report's figures from its own data, verifies, and is built only once per database.

use std::time::Instant;

use chrono::{NaiveDate, TimeZone, Utc};
use peiyu_domain::{YearMonth, Yuan};
use peiyu_service::{ErrorKind, ListEnterprises};
use peiyu_tests::{on_every_backend, service_at};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[tokio::test]
async fn the_demo_county_reproduces_the_mid_year_report() {
    on_every_backend(async |db| {
        // Built on Monday 2023-07-03 at 18:00 county time.
        let now = Utc.with_ymd_and_hms(2023, 7, 3, 10, 0, 0).single().unwrap();
        let (service, admin) = service_at(db, now).await;
        let started = Instant::now();
        let report = peiyu_demo::build(&service, day("2023-07-03"))
            .await
            .unwrap();
        eprintln!("demo built in {:?}: {report:?}", started.elapsed());
        // The 75 above-scale firms are counted from the statistical register: 69 imported
        // from the statistics bureau's list, 6 entered by their stage moves in 2023; their
        // output of January to June is the report's 31.6亿元.
        assert_eq!(report.above_scale, 75);
        assert_eq!(report.register_imported, 69);
        assert_eq!(report.above_scale_output_h1, Yuan(3_160_000_000));
        assert!(report.invented > 0 && report.invented < report.enterprises);

        // Newly above-scale industrial firms in H1 2023, from the recorded transitions.
        let (h1_start, h1_end) = (day("2023-01-01"), day("2023-06-30"));
        let mut newly = Vec::new();
        for e in service
            .list_enterprises(&admin, &ListEnterprises::default())
            .await
            .unwrap()
        {
            let key = e.enterprise.uscc.as_str().to_owned();
            let cases = service.show_cases(&admin, &key).await.unwrap();
            for case in cases.cases {
                if case.track.record.key.as_str() == "industrial"
                    && case.history.iter().any(|t| {
                        t.to.as_str() == "registered"
                            && t.effective_on >= h1_start
                            && t.effective_on <= h1_end
                    })
                {
                    newly.push(key.clone());
                }
            }
        }
        assert_eq!(newly.len(), 6, "{newly:?}");

        // Their output value, January to June 2023, from their monthly figures.
        let from = YearMonth::parse("2023-01").unwrap();
        let to = YearMonth::parse("2023-06").unwrap();
        let mut output = Yuan(0);
        for key in &newly {
            let (_, figures) = service
                .list_metrics(&admin, key, Some(from), Some(to))
                .await
                .unwrap();
            assert_eq!(figures.len(), 6, "{key}");
            for m in figures {
                output = output.checked_add(m.output_value.unwrap()).unwrap();
            }
        }
        assert_eq!(output, Yuan(136_000_000));

        // The progress report says the same, against the target set by the leader.
        let progress = service
            .progress_report(&admin, 2023, Some(h1_end))
            .await
            .unwrap();
        assert_eq!(progress.new_above_scale.len(), 6);
        assert_eq!(progress.new_above_scale_output(), Yuan(136_000_000));
        assert_eq!(progress.target("new_above_scale"), Some(14));
        // The register in the report: 75 in at mid-year, 6 entered in 2023, none left, and
        // their output of January to June.
        let above = &progress.register[0];
        assert_eq!(above.kind, peiyu_domain::RegisterKind::AboveScale);
        assert_eq!(
            (
                above.in_register,
                above.entered_in_year,
                above.exited_in_year
            ),
            (75, 6, 0)
        );
        assert_eq!(above.output_value, Yuan(3_160_000_000));
        let as_of_march = service
            .progress_report(&admin, 2023, Some(day("2023-03-31")))
            .await
            .unwrap();
        // By the end of March only 加美木业 had entered.
        assert_eq!(as_of_march.register[0].in_register, 70);
        // Every target is shown, 限上 too, with its share to one decimal.
        type Row = (String, Option<i64>, Option<i64>, Option<String>);
        let targets: Vec<Row> = progress
            .target_progress()
            .into_iter()
            .map(|p| (p.metric.clone(), p.target, p.achieved, p.percent()))
            .collect();
        assert_eq!(
            targets[0],
            (
                "new_above_scale".into(),
                Some(14),
                Some(6),
                Some("42.9%".into())
            )
        );
        assert_eq!(
            targets[1],
            (
                "new_above_limit".into(),
                Some(3),
                Some(0),
                Some("0.0%".into())
            )
        );

        // Every change was audited, and the log verifies.
        let verified = service.verify_audit(&admin).await.unwrap();
        assert!(verified.ok(), "{verified:?}");
        assert!(verified.chains.entries > 1_000);

        // A second run refuses and changes nothing.
        let again = peiyu_demo::build(&service, day("2023-07-03"))
            .await
            .unwrap_err();
        assert_eq!(again.kind(), ErrorKind::Invalid);
        let after = service.verify_audit(&admin).await.unwrap();
        assert_eq!(after.chains.entries, verified.chains.entries);
    })
    .await;
}

#[tokio::test]
async fn the_demo_is_not_built_before_its_last_day() {
    on_every_backend(async |db| {
        let now = Utc.with_ymd_and_hms(2023, 6, 30, 1, 0, 0).single().unwrap();
        let (service, _) = service_at(db, now).await;
        let err = peiyu_demo::build(&service, day("2023-06-30"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
    })
    .await;
}
