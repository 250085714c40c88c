//! The import benchmark of docs/PERFORMANCE.md: a 100,000-row enterprise file and a
//! 1,200,000-row metrics file (100,000 enterprises × 12 months) imported into SQLite, with the
//! time and the peak memory (VmHWM) after each step. Ignored by default; run it in release:
//!
//! ```sh
//! cargo test --release -p peiyu-formats ledger::bench -- --ignored --nocapture
//! ```
//!
//! `PEIYU_BENCH_ENTERPRISES` changes the number of enterprises (the metrics file has 12 rows
//! for each).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write as _;
use std::time::Instant;

use peiyu_domain::Lang;

use super::columns::Ledger;
use super::tests::{service_in, uscc};
use super::{ImportRequest, import_file};

/// Peak resident memory of this process so far, from /proc/self/status.
fn vm_hwm() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn request(ledger: Ledger, file: &std::path::Path) -> ImportRequest {
    ImportRequest::new(ledger, file)
}

#[tokio::test]
#[ignore = "benchmark: run in release with --ignored --nocapture"]
async fn import_100k_enterprises_and_1_2m_months() {
    let n: u32 = std::env::var("PEIYU_BENCH_ENTERPRISES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let (service, admin) = service_in(dir.path()).await;

    let started = Instant::now();
    let ent = dir.path().join("enterprises.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&ent).unwrap());
    w.write_all(super::write::BOM).unwrap();
    write!(
        w,
        "统一社会信用代码,企业名称,行业,乡镇,地址,用地面积(亩),法人类型,负责干部\r\n"
    )
    .unwrap();
    let codes: Vec<String> = (1..=n).map(uscc).collect();
    const TOWNS: [&str; 6] = ["运江镇", "石龙镇", "象州镇", "寺村镇", "马坪镇", "罗秀镇"];
    const SECTORS: [&str; 4] = ["工业", "批发业", "零售业", "住宿业"];
    for (i, code) in codes.iter().enumerate() {
        write!(
            w,
            "{code},象州县测试企业{i}有限公司,{},{},工业园区{i}号,{}.{:02},法人,\r\n",
            SECTORS[i % 4],
            TOWNS[i % 6],
            i % 300,
            i % 100
        )
        .unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let met = dir.path().join("metrics.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&met).unwrap());
    w.write_all(super::write::BOM).unwrap();
    write!(w, "统一社会信用代码,企业名称,月份,营业收入(万元),产值(万元),综合能耗(吨标准煤),从业人员,税收(万元),研发投入(万元)\r\n").unwrap();
    for (i, code) in codes.iter().enumerate() {
        for m in 1..=12 {
            write!(
                w,
                "{code},象州县测试企业{i}有限公司,2023-{m:02},{}.{:04},{},{}.5,{},{}.25,\r\n",
                100 + i % 5000,
                (i * 7 + m) % 10_000,
                120 + i % 4000,
                i % 90,
                10 + i % 400,
                i % 30
            )
            .unwrap();
        }
    }
    w.flush().unwrap();
    drop(w);
    drop(codes);
    let size = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) / 1_048_576;
    println!(
        "generated {n} enterprises ({} MiB) and {} months ({} MiB) in {:.1} s; VmHWM {}",
        size(&ent),
        u64::from(n) * 12,
        size(&met),
        started.elapsed().as_secs_f64(),
        vm_hwm()
    );

    for (label, ledger, file) in [
        ("enterprises", Ledger::Enterprises, &ent),
        ("metrics", Ledger::Metrics, &met),
        ("metrics again (unchanged)", Ledger::Metrics, &met),
    ] {
        let t = Instant::now();
        let report = import_file(&service, &admin, &request(ledger, file), None, Lang::En)
            .await
            .unwrap();
        let secs = t.elapsed().as_secs_f64();
        assert!(report.problems.is_empty(), "{:?}", &report.problems[..1]);
        println!(
            "import {label}: {} rows in {secs:.1} s ({:.0} rows/s): inserted {}, updated {}, unchanged {}; VmHWM {}",
            report.rows,
            report.rows as f64 / secs,
            report.outcome.inserted,
            report.outcome.updated,
            report.outcome.unchanged,
            vm_hwm()
        );
    }
    let t = Instant::now();
    let v = service.verify_audit(&admin).await.unwrap();
    assert!(v.chains.broken.is_empty());
    println!(
        "audit verify: {} entries in {} chains in {:.1} s",
        v.chains.entries,
        v.chains.chains,
        t.elapsed().as_secs_f64()
    );
    let db = dir.path().join("peiyu.db");
    println!("database file: {} MiB", size(&db));
}
