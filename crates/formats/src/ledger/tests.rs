//! Files in, files out: ledger files as officers keep them, imported into a real (SQLite)
//! database and exported again. The same use cases run on every backend in tests/it/ledger.rs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use peiyu_domain::{Lang, Officer, Uscc, YearMonth, Yuan};
use peiyu_service::Service;

use super::columns::Ledger;
use super::read::FileFormat;
use super::{ExportQuery, ImportReport, ImportRequest, import_file};

/// A valid USCC for `n`.
pub fn uscc(n: u32) -> String {
    let org8 = format!("{:08}", 10_000_000 + n);
    let org9 = Uscc::organisation_check_character(&org8).unwrap();
    let first17 = format!("91450000{org8}{org9}");
    let check = Uscc::check_character(&first17).unwrap();
    format!("{first17}{check}")
}

/// An initialised service on a fresh SQLite file in `dir`, and its admin.
pub async fn service_in(dir: &Path) -> (Service, Officer) {
    let url = format!("sqlite://{}?mode=rwc", dir.join("peiyu.db").display());
    let service = Service::connect(&url).await.unwrap();
    service.init("admin", "管理员").await.unwrap();
    let admin = service.actor("admin").await.unwrap();
    (service, admin)
}

fn request(ledger: Ledger, file: &Path) -> ImportRequest {
    ImportRequest::new(ledger, file)
}

async fn import(service: &Service, admin: &Officer, req: &ImportRequest) -> ImportReport {
    match import_file(service, admin, req, None, Lang::Zh).await {
        Ok(r) => r,
        Err(e) => panic!("import failed: {e:?}"),
    }
}

const ENTERPRISE_HEADER: &str =
    "统一社会信用代码,企业名称,行业,乡镇（街道）,地址,用地面积(亩),法人类型,负责干部";

fn enterprise_line(n: u32) -> String {
    format!(
        "{},台账企业{n}有限公司,工业,运江镇,工业园区{n}号,{}.5,法人,",
        uscc(n),
        n % 50
    )
}

#[tokio::test]
async fn five_bad_rows_among_a_thousand_are_reported_by_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (service, admin) = service_in(dir.path()).await;
    let mut csv = format!("{ENTERPRISE_HEADER}\r\n");
    for n in 1..=1000u32 {
        // Data row n is on line n + 1.
        let line = match n {
            16 => {
                let good = uscc(16);
                let wrong = if good.ends_with('0') { '1' } else { '0' };
                enterprise_line(n).replacen(&good, &format!("{}{wrong}", &good[..17]), 1)
            }
            229 => enterprise_line(n).replacen("工业", "矿业", 1),
            500 => enterprise_line(n).replacen(&uscc(500), &uscc(3), 1),
            776 => format!("{},某公司,工业,运江镇,,,法人,nobody", uscc(776)),
            1000 => enterprise_line(n).replacen(".5,", ".555,", 1),
            _ => enterprise_line(n),
        };
        writeln!(csv, "{line}\r").unwrap();
    }
    let file = dir.path().join("企业台账.csv");
    std::fs::write(&file, csv.replace("\r\n", "\n").replace('\n', "\r\n")).unwrap();

    let report = import(&service, &admin, &request(Ledger::Enterprises, &file)).await;
    assert_eq!(report.rows, 1000);
    assert_eq!(report.bad_lines(), vec![17, 230, 501, 777, 1001]);
    let columns: Vec<String> = report
        .problems
        .iter()
        .map(|p| report.layout.header_of(&p.field))
        .collect();
    assert_eq!(
        columns,
        vec![
            "统一社会信用代码",
            "行业",
            "统一社会信用代码",
            "负责干部",
            "用地面积(亩)"
        ]
    );
    let described = super::describe(&report.problems[1], &report.layout, Lang::Zh);
    assert!(
        described.starts_with("第 230 行，「行业」列，值「矿业」："),
        "{described}"
    );
    let described = super::describe(&report.problems[1], &report.layout, Lang::En);
    assert!(
        described.starts_with("line 230, column \"行业\", value \"矿业\": unknown sector"),
        "{described}"
    );
    assert!(!report.outcome.written);
    assert!(service.export_enterprises(&admin).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_gb18030_csv_saved_by_excel_imports_with_the_right_chinese_names() {
    let dir = tempfile::tempdir().unwrap();
    let (service, admin) = service_in(dir.path()).await;
    // Excel (zh-CN) "CSV (逗号分隔)": GB18030 without a byte-order mark, CRLF line ends, a
    // title row above the header and a rare character outside GB2312 (镕).
    let text = format!(
        "2023年规上企业台账,,,\r\n{}\r\n{},广西镕达糖业有限公司,工业,运江镇,,,,\r\n{},象州县百货商场,零售业,石龙镇,,,,\r\n",
        ENTERPRISE_HEADER,
        uscc(1),
        uscc(2)
    );
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the file is not UTF-8"
    );
    let file = dir.path().join("台账.csv");
    std::fs::write(&file, &bytes).unwrap();

    let report = import(&service, &admin, &request(Ledger::Enterprises, &file)).await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.layout.header_line, 2);
    assert_eq!(report.outcome.inserted, 2);
    let names: Vec<String> = service
        .export_enterprises(&admin)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.enterprise.name)
        .collect();
    assert_eq!(names, vec!["广西镕达糖业有限公司", "象州县百货商场"]);
}

#[tokio::test]
async fn amounts_follow_the_unit_in_each_header() {
    let dir = tempfile::tempdir().unwrap();
    let (service, admin) = service_in(dir.path()).await;
    let ent = dir.path().join("e.csv");
    std::fs::write(
        &ent,
        format!("{ENTERPRISE_HEADER}\n{}\n", enterprise_line(1)),
    )
    .unwrap();
    import(&service, &admin, &request(Ledger::Enterprises, &ent)).await;
    let file = dir.path().join("m.csv");
    std::fs::write(
        &file,
        format!(
            "统一社会信用代码,月份,主营业务收入（万元）,工业总产值(亿元),税收(元),研发投入\n{},2023年6月,\"1,360.5\",0.25,\"12,000\",3万\n",
            uscc(1)
        ),
    )
    .unwrap();
    let report = import(&service, &admin, &request(Ledger::Metrics, &file)).await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let (_, stored) = service
        .list_metrics(&admin, &uscc(1), None, None)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    let m = &stored[0];
    assert_eq!(m.month, YearMonth::new(2023, 6).unwrap());
    assert_eq!(m.revenue, Some(Yuan(13_605_000)));
    assert_eq!(m.output_value, Some(Yuan(25_000_000)));
    assert_eq!(m.tax, Some(Yuan(12_000)));
    assert_eq!(m.rnd_spend, Some(Yuan(30_000)));
    assert_eq!(m.energy, None, "no such column");
}

/// What `peiyu export LEDGER -o OUTPUT` writes (the 2023 batch list).
async fn export(service: &Service, admin: &Officer, ledger: Ledger, output: PathBuf, lang: Lang) {
    let query = ExportQuery {
        ledger,
        list: Some(2023),
        from: None,
        to: None,
    };
    let sheet = super::export_sheet(service, admin, &query, lang)
        .await
        .unwrap();
    let format = FileFormat::of_path(&output).unwrap();
    super::write::write_file(&output, format, &sheet).unwrap();
}

#[tokio::test]
async fn export_then_import_changes_nothing_in_csv_and_xlsx_with_either_headers() {
    let dir = tempfile::tempdir().unwrap();
    let (service, admin) = service_in(dir.path()).await;
    let ent = dir.path().join("e.csv");
    let mut text = format!("{ENTERPRISE_HEADER}\n");
    for n in 1..=20 {
        writeln!(text, "{}", enterprise_line(n)).unwrap();
    }
    std::fs::write(&ent, text).unwrap();
    import(&service, &admin, &request(Ledger::Enterprises, &ent)).await;
    let met = dir.path().join("m.csv");
    let mut text =
        "统一社会信用代码,月份,营业收入(万元),产值(万元),综合能耗(吨标准煤),从业人员,税收(万元),研发投入(万元)\n"
            .to_owned();
    for n in 1..=20 {
        for month in 1..=6 {
            writeln!(
                text,
                "{},2023-{month:02},{n}{month}.1234,{n}00,{}.125,{},,0.0001",
                uscc(n),
                n + month,
                10 + n
            )
            .unwrap();
        }
    }
    std::fs::write(&met, text).unwrap();
    let r = import(&service, &admin, &request(Ledger::Metrics, &met)).await;
    assert_eq!(r.outcome.inserted, 120, "{:?}", r.problems);
    let bat = dir.path().join("b.csv");
    std::fs::write(
        &bat,
        format!(
            "名单年份,统一社会信用代码,批次,原因,生效日期\n2023,{},第一批,重点,2023-01-10\n2023,{},3,技改,\n",
            uscc(1),
            uscc(2)
        ),
    )
    .unwrap();
    let r = import(&service, &admin, &request(Ledger::Batches, &bat)).await;
    assert_eq!(r.outcome.inserted, 2, "{:?}", r.problems);
    let tasks = dir.path().join("t.csv");
    std::fs::write(
        &tasks,
        format!(
            "任务,类别,统一社会信用代码,负责人,截止日期,跟进日期,说明\n走访了解用工,走访,{},admin,2030-07-10,,带上政策清单\n协调用地,要素保障：用地保障,{},管理员,2030/8/1,2030/7/20,\n+86 电话回访,走访,{},admin,2030-07-12,,=先核对联系人\n",
            uscc(1),
            uscc(2),
            uscc(3)
        ),
    )
    .unwrap();
    let r = import(&service, &admin, &request(Ledger::Tasks, &tasks)).await;
    assert_eq!(r.outcome.inserted, 3, "{:?}", r.problems);
    // The register: a stay with its exit, a re-entry, and a 限上 entry.
    let register = dir.path().join("r.csv");
    std::fs::write(
        &register,
        format!(
            "统一社会信用代码,企业名称,类别(规上/限上),入库年月,入库方式(月度/年度),退库年月,退库原因\n{u1},一号,规上,2019-01,年度,2021-06,产值下降\n{u1},一号,规上,2022-03,月度,,\n{u2},二号,限上,2023-02,月度,,\n",
            u1 = uscc(1),
            u2 = uscc(2)
        ),
    )
    .unwrap();
    let r = import(&service, &admin, &request(Ledger::Register, &register)).await;
    assert_eq!(r.outcome.inserted, 3, "{:?}", r.problems);
    let entries = service.verify_audit(&admin).await.unwrap().chains.entries;

    for ledger in Ledger::ALL {
        for (ext, lang) in [
            ("csv", Lang::Zh),
            ("xlsx", Lang::Zh),
            ("csv", Lang::En),
            ("xlsx", Lang::En),
        ] {
            let out = dir
                .path()
                .join(format!("{}-{}.{ext}", ledger.key(), lang.code()));
            export(&service, &admin, ledger, out.clone(), lang).await;
            if ledger == Ledger::Tasks && ext == "csv" {
                // Text that starts like a formula is written escaped and read back unescaped.
                let text = std::fs::read_to_string(&out).unwrap();
                assert!(text.contains(",'+86 电话回访,"), "{text}");
                assert!(text.contains(",'=先核对联系人,"), "{text}");
            }
            let r = import(&service, &admin, &request(ledger, &out)).await;
            assert!(
                r.problems.is_empty(),
                "{ledger:?} {ext} {lang:?}: {:?}",
                r.problems
            );
            assert!(r.layout.unknown.is_empty(), "{:?}", r.layout.unknown);
            assert_eq!(
                (r.outcome.inserted, r.outcome.updated),
                (0, 0),
                "{ledger:?} {ext} {lang:?}"
            );
            assert_eq!(r.outcome.unchanged, r.rows, "{ledger:?} {ext} {lang:?}");
            assert!(r.rows > 0);
        }
    }
    let after = service.verify_audit(&admin).await.unwrap();
    assert!(after.chains.broken.is_empty());
    assert_eq!(after.chains.entries, entries);
}

#[tokio::test]
async fn skipped_rows_go_to_a_rejects_file_that_imports_once_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let (service, admin) = service_in(dir.path()).await;
    for format in [FileFormat::Csv, FileFormat::Xlsx] {
        let mut text = format!("序号,{ENTERPRISE_HEADER}\n");
        let base = if format == FileFormat::Csv { 0 } else { 100 };
        for n in 1..=10u32 {
            let line = match n {
                4 => enterprise_line(base + n).replacen("工业", "矿业", 1),
                7 => enterprise_line(base + n).replacen(",法人,", ",个体户,", 1),
                _ => enterprise_line(base + n),
            };
            writeln!(text, "{n},{line}").unwrap();
        }
        let file = dir.path().join(format!("in.{}", format.extension()));
        match format {
            FileFormat::Csv => std::fs::write(&file, &text).unwrap(),
            FileFormat::Xlsx => {
                let mut rows = text
                    .lines()
                    .map(|l| l.split(',').map(str::to_owned).collect::<Vec<_>>());
                let headers = rows.next().unwrap();
                let rows = rows
                    .map(|r| r.into_iter().map(super::write::Cell::Text).collect())
                    .collect();
                let sheet = super::write::Sheet::new("Sheet1", headers, rows);
                super::write::write_file(&file, format, &sheet).unwrap();
            }
        }
        let mut req = request(Ledger::Enterprises, &file);
        req.skip_invalid = true;
        let r = import(&service, &admin, &req).await;
        assert_eq!(r.outcome.inserted, 8, "{format:?}");
        assert_eq!(r.bad_lines(), vec![5, 8]);
        let rejects = r.rejects_file.clone().unwrap();
        assert_eq!(
            rejects.file_name().unwrap().to_string_lossy(),
            format!("in.rejects.{}", format.extension())
        );

        // The rejects file: the same headers plus 错误, the two rows as they were.
        let mut rows = super::read::Rows::open(&rejects, format, None, None).unwrap();
        let (_, header) = rows.next_row().unwrap().unwrap();
        assert_eq!(header.first().map(String::as_str), Some("序号"));
        assert_eq!(header.last().map(String::as_str), Some("错误"));
        let (_, first) = rows.next_row().unwrap().unwrap();
        assert_eq!(first[0], "4");
        assert!(first.last().unwrap().contains("行业"), "{first:?}");
        assert!(rows.next_row().unwrap().is_some());
        assert!(rows.next_row().unwrap().is_none());

        // Importing it unfixed reports the same rows (by their new lines) and writes nothing.
        let again = import(&service, &admin, &request(Ledger::Enterprises, &rejects)).await;
        assert_eq!(again.bad_lines(), vec![2, 3]);

        // Fixed, it imports.
        match format {
            FileFormat::Csv => {
                let fixed = std::fs::read_to_string(&rejects)
                    .unwrap()
                    .replace("矿业", "工业")
                    .replace("个体户", "法人");
                std::fs::write(&rejects, fixed).unwrap();
            }
            FileFormat::Xlsx => {
                let mut rows = super::read::Rows::open(&rejects, format, None, None).unwrap();
                let (_, headers) = rows.next_row().unwrap().unwrap();
                let mut out = Vec::new();
                while let Some((_, cells)) = rows.next_row().unwrap() {
                    out.push(
                        cells
                            .into_iter()
                            .map(|c| {
                                super::write::Cell::Text(
                                    c.replace("矿业", "工业").replace("个体户", "法人"),
                                )
                            })
                            .collect(),
                    );
                }
                let sheet = super::write::Sheet::new("Sheet1", headers, out);
                super::write::write_file(&rejects, format, &sheet).unwrap();
            }
        }
        let fixed = import(&service, &admin, &request(Ledger::Enterprises, &rejects)).await;
        assert!(fixed.problems.is_empty(), "{:?}", fixed.problems);
        assert_eq!(fixed.outcome.inserted, 2);
        // And the original file, imported again, now has only its two bad rows to report.
        let r = import(&service, &admin, &req).await;
        assert_eq!((r.outcome.inserted, r.outcome.unchanged), (0, 8));
    }
}

#[tokio::test]
async fn a_mapping_file_and_a_named_sheet_read_a_county_template() {
    let dir = tempfile::tempdir().unwrap();
    let (service, admin) = service_in(dir.path()).await;
    let file = dir.path().join("县模板.xlsx");
    let sheet = super::write::Sheet::new(
        "规上企业",
        vec![
            "纳税人识别号".into(),
            "单位名称".into(),
            "国民经济行业".into(),
            "联系电话".into(),
        ],
        vec![vec![
            super::write::Cell::Text(uscc(1)),
            super::write::Cell::Text("某某机械有限公司".into()),
            super::write::Cell::Text("工业".into()),
            super::write::Cell::Text("0772-1234567".into()),
        ]],
    );
    super::write::write_file(&file, FileFormat::Xlsx, &sheet).unwrap();
    let mapping = dir.path().join("map.toml");
    std::fs::write(
        &mapping,
        "[enterprises]\n\"纳税人识别号\" = \"uscc\"\n\"国民经济行业\" = \"sector\"\n\"联系电话\" = \"ignore\"\n",
    )
    .unwrap();
    let mut req = request(Ledger::Enterprises, &file);
    req.mapping = Some(mapping);
    req.sheet = Some("规上企业".into());
    let r = import(&service, &admin, &req).await;
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert!(r.layout.unknown.is_empty());
    assert_eq!(r.outcome.inserted, 1);
    req.sheet = Some("Sheet9".into());
    assert!(
        import_file(&service, &admin, &req, None, Lang::Zh)
            .await
            .is_err()
    );
}
