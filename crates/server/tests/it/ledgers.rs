//! The ledgers as files over HTTP: an export downloads what `peiyu export` writes, and an
//! upload imports it with the same report as `peiyu import` — by line and column, nothing
//! written unless every row is valid, once per Idempotency-Key.

use crate::client::{get, post};
use crate::world::world;

#[tokio::test]
async fn a_ledger_is_downloaded_and_uploaded_back_with_the_cli_report() {
    let w = world().await;
    let csv = get(w.addr, "/api/v1/export/enterprises?format=csv")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        csv.header("content-disposition"),
        Some("attachment; filename=\"enterprises.csv\"")
    );
    assert!(
        csv.body.starts_with('\u{feff}'),
        "a byte-order mark for Excel"
    );
    assert!(csv.body.contains(w.factory.uscc.as_str()), "{}", csv.body);
    let xlsx = get(w.addr, "/api/v1/export/enterprises")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.body.starts_with("PK"), "an XLSX workbook by default");

    // The same file back: every row as it is, nothing changed.
    let upload = |bytes: Vec<u8>, key: Option<&'static str>| {
        let mut r = post(w.addr, "/api/v1/import/enterprises")
            .bearer(&w.admin_token)
            .multipart(&[("file", Some("企业台账.csv"), &bytes)]);
        if let Some(key) = key {
            r = r.header("Idempotency-Key", key);
        }
        r.send()
    };
    let same = upload(csv.body.clone().into_bytes(), None).await;
    assert_eq!(same.status, 200, "{}", same.body);
    let report = same.json();
    assert_eq!(report["ledger"], "enterprises");
    assert!(report["rows"].as_u64().unwrap() >= 1, "{report}");
    assert_eq!(report["unchanged"], report["rows"], "{report}");
    assert_eq!(report["problems"].as_array().map(Vec::len), Some(0));

    // A new row with a wrong check character: named by line and column, nothing written.
    let first_row = csv
        .body
        .lines()
        .find(|l| l.contains(w.factory.uscc.as_str()))
        .unwrap();
    let bad = first_row
        .replace(w.factory.uscc.as_str(), "914403001922038217")
        .replace(&w.factory.name, "错码企业");
    let with_bad = format!("{}{bad}\r\n", csv.body);
    let refused = upload(with_bad.clone().into_bytes(), Some("import-1")).await;
    assert_eq!(refused.status, 200, "{}", refused.body);
    let report = refused.json();
    assert_eq!(report["written"], false, "{report}");
    let problem = &report["problems"][0];
    assert_eq!(problem["line"], with_bad.lines().count() as u64, "{report}");
    assert!(
        problem["column"].as_str().unwrap().contains("信用代码"),
        "{report}"
    );
    assert!(report["rejects_file"].is_null(), "no server path leaks");
    // The same upload with the same key: the first report, replayed.
    let again = upload(with_bad.into_bytes(), Some("import-1")).await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!((again.status, &again.body), (200, &refused.body));
    assert!(
        w.service
            .resolve_enterprise("914403001922038217")
            .await
            .is_err(),
        "nothing was written"
    );

    // Mistakes in the request itself are 422s naming what to fix.
    let r = post(w.addr, "/api/v1/import/enterprises")
        .bearer(&w.admin_token)
        .multipart(&[("skip_invalid", None, b"true")])
        .send()
        .await;
    assert_eq!(
        (r.status, r.field()),
        (422, "/file".to_owned()),
        "{}",
        r.body
    );
    let r = post(w.addr, "/api/v1/import/people")
        .bearer(&w.admin_token)
        .multipart(&[("file", Some("x.csv"), b"a,b\r\n")])
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("enterprises"), "{}", r.body);
    let r = post(w.addr, "/api/v1/import/enterprises")
        .bearer(&w.admin_token)
        .multipart(&[("file", Some("台账.pdf"), b"%PDF")])
        .send()
        .await;
    assert_eq!(
        (r.status, r.field()),
        (422, "/file".to_owned()),
        "{}",
        r.body
    );
    let r = get(w.addr, "/api/v1/export/enterprises?format=pdf")
        .bearer(&w.wang_token)
        .send()
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = get(w.addr, "/api/v1/export/enterprises").send().await;
    assert_eq!(r.status, 401);
}
