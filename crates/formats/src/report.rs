//! The progress report (`peiyu report progress`) as a workbook.

use peiyu_domain::{Lang, Yuan};
use peiyu_service::{Breakdown, ProgressReport};

use crate::sheet::{Cell, Number, NumberStyle, Sheet, Widths};
use crate::xlsx::{Look, Workbook};
use crate::{FormatError, tr};

/// An amount in yuan as a number cell with thousands separators.
fn yuan(y: Yuan) -> Cell {
    Cell::Number(Number {
        text: y.amount().to_string(),
        // Yuan of a county's enterprises: far below 2^53, so exact.
        value: y.amount() as f64,
        style: NumberStyle::Thousands,
    })
}

/// A sheet of the report: its name, headers, column widths (`None` keeps Excel's default) and
/// rows.
fn sheet(name: &str, headers: &[&str], widths: &[Option<f64>], rows: Vec<Vec<Cell>>) -> Sheet {
    Sheet {
        widths: Widths::Fixed(widths.to_vec()),
        ..Sheet::new(
            name,
            headers.iter().map(|h| (*h).to_owned()).collect(),
            rows,
        )
    }
}

/// The breakdown by batch, town or sector.
fn breakdown(name: &str, list: &[Breakdown], lang: Lang) -> Sheet {
    let rows = list
        .iter()
        .map(|b| {
            vec![
                Cell::Text(b.key.clone()),
                Cell::count(b.newly_registered),
                Cell::count(b.in_cultivation),
                yuan(b.output_value),
            ]
        })
        .collect();
    let headers = [
        "",
        tr(lang, "新增入统", "newly registered"),
        tr(lang, "培育中", "in cultivation"),
        tr(lang, "新增产值（元）", "output (yuan)"),
    ];
    sheet(name, &headers, &[Some(18.0), None, None, Some(18.0)], rows)
}

/// The report as an XLSX workbook: 新增入统 (the newly registered enterprises under `summary`,
/// the front end's line that sums the year up, with their day of registration and their output
/// and revenue so far this year, in yuan), 统计名录 (the register's counts per kind as of the
/// day, the year's entries and exits, their output and revenue so far), 阶段漏斗 (enterprises per stage of each track),
/// 按批次, 按乡镇, 按行业 (the breakdowns) and 逾期任务 (overdue tasks per officer); English
/// sheet names and headers for [`Lang::En`].
pub fn xlsx(r: &ProgressReport, summary: &str, lang: Lang) -> Result<Vec<u8>, FormatError> {
    let newly = r
        .new_above_scale
        .iter()
        .chain(r.new_above_limit.iter())
        .map(|n| {
            vec![
                Cell::Text(n.enterprise.name.clone()),
                Cell::Text(n.enterprise.uscc.as_str().to_owned()),
                Cell::Text(n.enterprise.town.clone()),
                Cell::Date(n.registered_on),
                yuan(n.output_value),
                yuan(n.revenue),
            ]
        })
        .collect();
    let newly = Sheet {
        title: Some(summary.to_owned()),
        ..sheet(
            tr(lang, "新增入统", "newly registered"),
            &[
                tr(lang, "企业名称", "name"),
                tr(lang, "统一社会信用代码", "USCC"),
                tr(lang, "乡镇", "town"),
                tr(lang, "入统日期", "registered on"),
                tr(lang, "产值（元，1月至今）", "output value (yuan, YTD)"),
                tr(lang, "营业收入（元，1月至今）", "revenue (yuan, YTD)"),
            ],
            &[
                Some(28.0),
                Some(22.0),
                None,
                Some(12.0),
                Some(20.0),
                Some(20.0),
            ],
            newly,
        )
    };
    let stages = r
        .funnels
        .iter()
        .flat_map(|f| {
            f.stages.iter().map(|(_, label, n)| {
                vec![
                    Cell::Text(f.label.get(lang).to_owned()),
                    Cell::Text(label.get(lang).to_owned()),
                    Cell::count(*n),
                ]
            })
        })
        .collect();
    let funnel = sheet(
        tr(lang, "阶段漏斗", "funnel"),
        &[
            tr(lang, "流程", "track"),
            tr(lang, "阶段", "stage"),
            tr(lang, "企业数", "enterprises"),
        ],
        &[Some(18.0), Some(14.0)],
        stages,
    );
    let officers = r
        .overdue_by_officer
        .iter()
        .map(|(name, login, n)| {
            vec![
                Cell::Text(name.clone()),
                Cell::Text(login.clone()),
                Cell::count(*n),
            ]
        })
        .collect();
    let overdue = sheet(
        tr(lang, "逾期任务", "overdue"),
        &[
            tr(lang, "干部", "officer"),
            tr(lang, "登录名", "login"),
            tr(lang, "逾期任务", "overdue"),
        ],
        &[],
        officers,
    );
    let counts = r
        .register
        .iter()
        .map(|c| {
            vec![
                Cell::Text(c.kind.label(lang).to_owned()),
                Cell::count(c.in_register),
                Cell::count(c.entered_in_year),
                Cell::count(c.exited_in_year),
                yuan(c.output_value),
                yuan(c.revenue),
            ]
        })
        .collect();
    let register = sheet(
        tr(lang, "统计名录", "register"),
        &[
            tr(lang, "类别", "register"),
            tr(lang, "在库（家）", "in the register"),
            tr(lang, "本年入库", "entered this year"),
            tr(lang, "本年退库", "left this year"),
            tr(lang, "产值（元，1月至今）", "output value (yuan, YTD)"),
            tr(lang, "营业收入（元，1月至今）", "revenue (yuan, YTD)"),
        ],
        &[Some(14.0), None, None, None, Some(20.0), Some(20.0)],
        counts,
    );
    let sheets = [
        newly,
        register,
        funnel,
        breakdown(tr(lang, "按批次", "by batch"), &r.by_batch, lang),
        breakdown(tr(lang, "按乡镇", "by town"), &r.by_town, lang),
        breakdown(tr(lang, "按行业", "by sector"), &r.by_sector, lang),
        overdue,
    ];
    crate::xlsx::write(&Workbook {
        sheets: &sheets,
        look: Look::Plain,
        properties: None,
    })
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    use chrono::NaiveDate;
    use peiyu_domain::Text;
    use peiyu_service::Funnel;

    use super::*;
    use crate::weekly::Format;

    #[test]
    fn every_sheet_with_the_summary_above_the_first() {
        let r = ProgressReport {
            year: 2023,
            as_of: NaiveDate::from_ymd_opt(2023, 6, 30).unwrap(),
            targets: Vec::new(),
            new_above_scale: Vec::new(),
            new_above_limit: Vec::new(),
            funnels: vec![Funnel {
                track: "industrial".into(),
                label: Text::new("工业上规", "industrial"),
                stages: vec![("candidate".into(), Text::new("候选", "candidate"), 3)],
            }],
            by_batch: vec![Breakdown {
                key: "1".into(),
                newly_registered: 2,
                in_cultivation: 5,
                output_value: Yuan(13_605_000),
            }],
            by_town: Vec::new(),
            by_sector: Vec::new(),
            overdue_by_officer: vec![("王伟".into(), "wang".into(), 4)],
            register: vec![peiyu_service::RegisterCount {
                kind: peiyu_domain::RegisterKind::AboveScale,
                in_register: 75,
                entered_in_year: 6,
                exited_in_year: 1,
                output_value: Yuan(3_160_000_000),
                revenue: Yuan(3_000_000_000),
            }],
        };
        let bytes = xlsx(&r, "2023 年新增规上工业企业 0 家", Lang::Zh).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(
            book.sheet_names(),
            [
                "新增入统",
                "统计名录",
                "阶段漏斗",
                "按批次",
                "按乡镇",
                "按行业",
                "逾期任务"
            ]
        );
        let newly = book.worksheet_range("新增入统").unwrap();
        assert_eq!(
            newly.get((0, 0)),
            Some(&Data::String("2023 年新增规上工业企业 0 家".into()))
        );
        assert_eq!(newly.get((1, 0)), Some(&Data::String("企业名称".into())));
        let funnel = book.worksheet_range("阶段漏斗").unwrap();
        assert_eq!(funnel.get((1, 1)), Some(&Data::String("候选".into())));
        assert_eq!(funnel.get((1, 2)), Some(&Data::Float(3.0)));
        let batch = book.worksheet_range("按批次").unwrap();
        assert_eq!(batch.get((1, 3)), Some(&Data::Float(13_605_000.0)));
        let register = book.worksheet_range("统计名录").unwrap();
        assert_eq!(register.get((1, 0)), Some(&Data::String("规上工业".into())));
        assert_eq!(register.get((1, 1)), Some(&Data::Float(75.0)));
        assert_eq!(register.get((1, 4)), Some(&Data::Float(3_160_000_000.0)));
        let overdue = book.worksheet_range("逾期任务").unwrap();
        assert_eq!(overdue.get((1, 2)), Some(&Data::Float(4.0)));
    }

    #[test]
    fn the_progress_files_have_the_breakdowns_by_batch_town_and_sector_in_words() {
        let row = |key: &str, newly, output| Breakdown {
            key: key.into(),
            newly_registered: newly,
            in_cultivation: 3,
            output_value: Yuan(output),
        };
        let r = ProgressReport {
            year: 2023,
            as_of: NaiveDate::from_ymd_opt(2023, 6, 30).unwrap(),
            targets: Vec::new(),
            new_above_scale: Vec::new(),
            new_above_limit: Vec::new(),
            funnels: Vec::new(),
            by_batch: vec![row("第1批 重点保障", 2, 13_605_000), row("未列入", 0, 0)],
            by_town: vec![row("石龙镇", 2, 13_605_000)],
            by_sector: vec![row("工业", 2, 13_605_000)],
            overdue_by_officer: Vec::new(),
            register: Vec::new(),
        };
        for lang in [Lang::Zh, Lang::En] {
            let view = serde_json::to_value(crate::json::ProgressDto::new(&r, lang)).unwrap();
            let render = |format| {
                String::from_utf8(
                    crate::lists::PROGRESS
                        .render(&view, format, "2023", lang)
                        .unwrap(),
                )
                .unwrap()
            };
            insta::assert_snapshot!(format!("progress_md_{lang:?}"), render(Format::Md));
            let html = render(Format::Html);
            for heading in [
                tr(lang, "按批次", "By batch"),
                tr(lang, "按乡镇", "By town"),
                tr(lang, "按行业", "By sector"),
            ] {
                assert!(html.contains(heading), "{heading}: {html}");
            }
        }
    }
}
