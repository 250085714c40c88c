//! Money cannot be misread: an amount written as a bare number, where nothing says its unit,
//! is refused with the units to choose from — in an import whose header names no unit — and
//! nothing is written; the same number under a header that names its unit imports. On every
//! backend.

use peiyu_domain::{Lang, Yuan};
use peiyu_formats::ledger::columns::Ledger;
use peiyu_formats::ledger::{ImportRequest, import_file};
use peiyu_tests::{midyear, on_every_backend, service_at, uscc};

fn request(ledger: Ledger, file: &std::path::Path) -> ImportRequest {
    ImportRequest::new(ledger, file)
}

#[tokio::test]
async fn a_bare_amount_under_a_header_without_unit_is_refused_and_nothing_is_written() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        let dir = tempfile::tempdir().unwrap();
        let enterprises = dir.path().join("企业.csv");
        std::fs::write(
            &enterprises,
            format!(
                "统一社会信用代码,企业名称,行业,乡镇（街道）\n{},单位企业有限公司,工业,运江镇\n",
                uscc(1)
            ),
        )
        .unwrap();
        let report = import_file(&service, &admin, &request(Ledger::Enterprises, &enterprises), None, Lang::Zh)
            .await
            .unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);

        let metrics = dir.path().join("月报.csv");
        std::fs::write(
            &metrics,
            format!("统一社会信用代码,月份,营业收入\n{},2023-05,1200\n", uscc(1)),
        )
        .unwrap();
        let report = import_file(&service, &admin, &request(Ledger::Metrics, &metrics), None, Lang::Zh)
            .await
            .unwrap();
        assert!(!report.outcome.written);
        assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
        let problem = &report.problems[0];
        assert_eq!((problem.line, problem.field.as_str()), (2, "revenue"));
        assert!(
            problem.message.zh().contains("请注明单位：1200万 或 1200元")
                && problem.message.zh().contains("营业收入(万元)"),
            "{:?}",
            problem.message
        );
        let (_, stored) = service
            .list_metrics(&admin, uscc(1).as_str(), None, None)
            .await
            .unwrap();
        assert!(stored.is_empty(), "nothing written: {stored:?}");

        // Each cell may carry its unit, or the header may name it.
        std::fs::write(
            &metrics,
            format!(
                "统一社会信用代码,月份,营业收入,工业总产值(万元)\n{0},2023-05,1200万,1250\n{0},2023-06,1300万元,0\n",
                uscc(1)
            ),
        )
        .unwrap();
        let report = import_file(&service, &admin, &request(Ledger::Metrics, &metrics), None, Lang::Zh)
            .await
            .unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        let (_, stored) = service
            .list_metrics(&admin, uscc(1).as_str(), None, None)
            .await
            .unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[0].revenue, Some(Yuan(12_000_000)));
        assert_eq!(stored[0].output_value, Some(Yuan(12_500_000)));
        assert_eq!(stored[1].output_value, Some(Yuan(0)));
    })
    .await;
}
