//! Ledgers over HTTP: an import as a multipart upload answering `peiyu import`'s report (nothing
//! written unless every row is valid or skipping was asked for), and exports as downloads that
//! an import reads back.

use crate::actions::multipart_with;
use crate::client::{get, post};
use crate::world::{uscc, world};

#[tokio::test]
async fn a_ledger_is_imported_all_or_nothing_and_exported_as_a_file() {
    let w = world().await;
    let (a, b) = (uscc(101), uscc(102));
    let csv = format!(
        "统一社会信用代码,企业名称,行业,乡镇（街道）\n{a},甲有限公司,工业,运江镇\n{b},乙有限公司,工业,运江镇\n123,丙有限公司,工业,运江镇\n"
    );
    let upload = |skip: &'static str, name: &'static str, bytes: Vec<u8>| {
        let w = &w;
        async move {
            let (content_type, body) = multipart_with(
                &[("ledger", "enterprises"), ("skip_invalid", skip)],
                "file",
                Some((name, &bytes)),
            );
            post(w.addr, "/api/v1/import/ledger")
                .bearer(&w.admin_token)
                .header("Content-Type", &content_type)
                .body(&body)
                .send()
                .await
        }
    };
    let exists = |code: String| {
        let w = &w;
        async move {
            get(w.addr, &format!("/api/v1/enterprises/{code}"))
                .bearer(&w.admin_token)
                .send()
                .await
                .status
                == 200
        }
    };

    // One bad row: a problem naming its line and column, the report with it, nothing written.
    let r = upload("", "ledger.csv", csv.clone().into_bytes()).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let problem = r.problem();
    assert!(
        problem["detail"].as_str().unwrap().contains("1 行有误"),
        "{}",
        r.body
    );
    assert_eq!(
        problem["errors"][0]["pointer"], "/file/4/uscc",
        "{}",
        r.body
    );
    assert_eq!(problem["report"]["rows"], 3, "{}", r.body);
    assert_eq!(problem["report"]["written"], false, "{}", r.body);
    assert_eq!(
        problem["report"]["problems"][0]["column"], "统一社会信用代码",
        "{}",
        r.body
    );
    assert!(!exists(a.to_string()).await, "nothing was written");

    // Skipping: the two good rows are written, the bad one listed.
    let r = upload("true", "ledger.csv", csv.clone().into_bytes()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.json()["inserted"].clone(), r.json()["rejected"].clone()),
        (2.into(), 1.into())
    );
    assert_eq!(r.json()["rejects_file"], serde_json::Value::Null);
    assert!(exists(a.to_string()).await && exists(b.to_string()).await);

    // With an Idempotency-Key, the same upload acts once: the repeat replays the first answer
    // (its status, body and type), and a third firm added by it is added once.
    let c = uscc(103);
    let once = format!("统一社会信用代码,企业名称,行业,乡镇（街道）\n{c},丁有限公司,工业,运江镇\n");
    let keyed = || {
        let (content_type, body) = multipart_with(
            &[("ledger", "enterprises")],
            "file",
            Some(("ledger.csv", once.as_bytes())),
        );
        post(w.addr, "/api/v1/import/ledger")
            .bearer(&w.admin_token)
            .header("Content-Type", &content_type)
            .header("Idempotency-Key", "ledger-once-1")
            .body(&body)
            .send()
    };
    let first = keyed().await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.json()["inserted"], 1, "{}", first.body);
    let again = keyed().await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!((again.status, &again.body), (200, &first.body));

    // Refusals name the field.
    let r = upload("", "ledger.pdf", b"%PDF".to_vec()).await;
    assert_eq!(
        (r.status, r.field()),
        (422, "/file".to_owned()),
        "{}",
        r.body
    );
    let (content_type, body) =
        multipart_with(&[("ledger", "people")], "file", Some(("a.csv", b"x")));
    let r = post(w.addr, "/api/v1/import/ledger")
        .bearer(&w.admin_token)
        .header("Content-Type", &content_type)
        .body(&body)
        .send()
        .await;
    assert_eq!(
        (r.status, r.field()),
        (422, "/ledger".to_owned()),
        "{}",
        r.body
    );
    let r = post(w.addr, "/api/v1/import/ledger")
        .bearer(&w.admin_token)
        .json(serde_json::json!({"ledger": "enterprises"}))
        .send()
        .await;
    assert_eq!(
        (r.status, r.field()),
        (415, "Content-Type".to_owned()),
        "{}",
        r.body
    );

    // Exports: the register as CSV and XLSX, read back by an import as unchanged.
    let r = get(w.addr, "/api/v1/export/enterprises?format=csv")
        .bearer(&w.admin_token)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    assert_eq!(
        r.header("content-disposition"),
        Some("attachment; filename=\"enterprises.csv\"")
    );
    assert!(
        r.body.contains("甲有限公司") && r.body.contains("统一社会信用代码"),
        "{}",
        r.body
    );
    let again = upload("", "enterprises.csv", r.bytes.clone()).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(
        (
            again.json()["unchanged"].clone(),
            again.json()["inserted"].clone()
        ),
        // 甲, 乙, 丁 (added once with a key) and the world's factory.
        (4.into(), 0.into()),
        "{}",
        again.body
    );
    let r = get(w.addr, "/api/v1/export/tasks?format=xlsx")
        .bearer(&w.admin_token)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.bytes.starts_with(b"PK"));
    assert_eq!(
        r.header("content-disposition"),
        Some("attachment; filename=\"tasks.xlsx\"")
    );
    let r = get(w.addr, "/api/v1/export/tasks?format=pdf")
        .bearer(&w.admin_token)
        .send()
        .await;
    assert_eq!(
        (r.status, r.field()),
        (422, "format".to_owned()),
        "{}",
        r.body
    );
    let r = get(w.addr, "/api/v1/export/people")
        .bearer(&w.admin_token)
        .send()
        .await;
    assert_eq!(
        (r.status, r.field()),
        (422, "ledger".to_owned()),
        "{}",
        r.body
    );
    let r = get(w.addr, "/api/v1/export/batches")
        .bearer(&w.admin_token)
        .send()
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
}
