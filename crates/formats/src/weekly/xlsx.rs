//! The XLSX rendering: an Excel workbook with one sheet per section.

use chrono::NaiveTime;
use peiyu_domain::Lang;
use peiyu_service::weekly::WeeklyList;

use super::cells::{self, Section, TaskCol, WatchCol};
use crate::sheet::{Sheet, Widths};
use crate::xlsx::{Look, Properties, Workbook};
use crate::{FormatError, tr};

/// Renders `list` as an XLSX workbook: sheets 逾期, 本周, 下周, 上周完成, 关注 (Overdue, This
/// week, Next week, Done last week, Watch in English), each with a bold, frozen, filterable
/// header row and sensible column widths, printed landscape with the header on every page.
/// Dates are real Excel dates formatted `yyyy-mm-dd`; batches, working days overdue and days
/// without a move are numbers; the share of the threshold is a percentage. Rows keep the list's
/// order (batches 1 and 2 first, then by due date). The document's creation time is the list's
/// day, so the same list gives the same bytes.
pub fn xlsx(list: &WeeklyList, lang: Lang) -> Result<Vec<u8>, FormatError> {
    let properties = Properties {
        title: cells::title(list, lang),
        subject: cells::subtitle(list, lang),
        comment: cells::legends(list, lang)
            .into_iter()
            .chain(cells::seal_line(list, lang))
            .collect::<Vec<_>>()
            .join("\n"),
        author: "peiyu".to_owned(),
        created: list.as_of.and_time(NaiveTime::MIN),
    };
    let mut sheets: Vec<Sheet> = Section::TASKS
        .into_iter()
        .map(|section| {
            let cols = TaskCol::for_sheet(section);
            let rows = section
                .tasks(list)
                .into_iter()
                .map(|t| cols.iter().map(|c| c.cell(t, lang).to_data(lang)).collect())
                .collect();
            let headers = cols.iter().map(|c| c.header(lang).to_owned()).collect();
            let widths = cols.iter().map(|c| Some(c.xlsx_width())).collect();
            sheet(section, headers, rows, widths, lang)
        })
        .collect();
    let rows = list
        .watch
        .iter()
        .map(|item| {
            WatchCol::FOR_SHEET
                .iter()
                .map(|c| c.cell(item, lang).to_data(lang))
                .collect()
        })
        .collect();
    let headers = WatchCol::FOR_SHEET
        .iter()
        .map(|c| c.header(lang).to_owned())
        .collect();
    let widths = WatchCol::FOR_SHEET
        .iter()
        .map(|c| Some(c.xlsx_width()))
        .collect();
    sheets.push(sheet(Section::Watch, headers, rows, widths, lang));
    let subtotals = cells::subtotal_rows(list, lang);
    if !subtotals.is_empty() {
        let headers: Vec<String> = cells::subtotal_headers(lang)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let widths = headers.iter().map(|_| Some(12.0)).collect();
        let rows = subtotals
            .iter()
            .map(|row| row.iter().map(|c| c.to_data(lang)).collect())
            .collect();
        sheets.insert(
            0,
            Sheet {
                widths: Widths::Fixed(widths),
                landscape: true,
                ..Sheet::new(tr(lang, "小计", "Subtotals"), headers, rows)
            },
        );
    }
    // Every sheet says what it is when printed alone: the title (whose list: the officer, the
    // team or the bureau), the week and the seal.
    let heading = std::iter::once(cells::title(list, lang))
        .chain(std::iter::once(cells::subtitle(list, lang)))
        .chain(cells::seal_line(list, lang))
        .collect::<Vec<_>>()
        .join("　");
    for sheet in &mut sheets {
        sheet.title = Some(heading.clone());
    }
    crate::xlsx::write(&Workbook {
        sheets: &sheets,
        look: Look::Meeting,
        properties: Some(&properties),
    })
}

/// A section's sheet: filterable, printed landscape.
fn sheet(
    section: Section,
    headers: Vec<String>,
    rows: Vec<Vec<crate::sheet::Cell>>,
    widths: Vec<Option<f64>>,
    lang: Lang,
) -> Sheet {
    Sheet {
        widths: Widths::Fixed(widths),
        filter: true,
        landscape: true,
        ..Sheet::new(section.sheet_name(lang), headers, rows)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, DataType, Range, Reader, Xlsx, open_workbook_from_rs};

    use super::*;
    use crate::weekly::fixture::{self, d};

    fn read(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(bytes)).unwrap()
    }

    fn header(range: &Range<Data>) -> Vec<String> {
        // Below the title row.
        range
            .rows()
            .nth(1)
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect()
    }

    #[test]
    fn one_sheet_per_section() {
        let list = fixture::week27();
        let mut book = read(xlsx(&list, Lang::Zh).unwrap());
        assert_eq!(
            book.sheet_names(),
            ["逾期", "本周", "下周", "上周完成", "关注"]
        );
        let en = read(xlsx(&list, Lang::En).unwrap());
        assert_eq!(
            en.sheet_names(),
            [
                "Overdue",
                "This week",
                "Next week",
                "Done last week",
                "Watch"
            ]
        );
        // Title and header rows plus one row per line of the section.
        for (name, rows) in [
            ("逾期", 3),
            ("本周", 5),
            ("下周", 2),
            ("上周完成", 2),
            ("关注", 3),
        ] {
            let range = book.worksheet_range(name).unwrap();
            assert_eq!(range.height(), 2 + rows, "{name}");
            let title = range.rows().next().unwrap()[0].to_string();
            assert!(
                title.starts_with(
                    "周例会任务清单 · 王伟（wang.wei）　2023-W27（2023-07-03 至 2023-07-09）"
                ) && title.ends_with(
                    "审计封签 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                ),
                "{title}"
            );
        }
    }

    #[test]
    fn headers_and_cells_read_back() {
        let list = fixture::week27();
        let mut book = read(xlsx(&list, Lang::Zh).unwrap());
        let overdue = book.worksheet_range("逾期").unwrap();
        assert_eq!(
            header(&overdue),
            [
                "序号",
                "批次",
                "企业",
                "统一社会信用代码",
                "任务",
                "类别",
                "负责人",
                "委派给",
                "创建",
                "截止",
                "逾期工作日",
                "结转",
                "截止日期暂定",
                "进展"
            ]
        );
        let row: Vec<&Data> = overdue.rows().nth(3).unwrap().iter().collect();
        assert_eq!(row[0], &Data::Float(2.0), "its 序号");
        assert_eq!(row[1], &Data::Float(2.0));
        assert_eq!(row[2].get_string(), Some("柳州 A&B <精密> 机械有限公司"));
        assert_eq!(row[5].get_string(), Some("要素保障：用地保障"));
        assert_eq!(row[7].get_string(), Some("李娜"));
        // Due and created dates are real dates, not strings.
        assert!(row[9].is_datetime(), "{:?}", row[9]);
        assert_eq!(row[9].as_date(), Some(d(6, 26)));
        assert_eq!(row[8].as_date(), Some(d(6, 19)));
        assert_eq!(row[10], &Data::Float(5.0));
        assert_eq!(row[11].get_string(), Some("否"));
        assert_eq!(
            row[13].get_string(),
            Some("2023-06-30 已报自然资源局；问题：规划许可待批；下步：7 月 5 日前再催办")
        );
        // No batch: an empty cell.
        let last: Vec<&Data> = overdue.rows().nth(4).unwrap().iter().collect();
        assert_eq!(last[1], &Data::Empty);

        let this_week = book.worksheet_range("本周").unwrap();
        assert_eq!(header(&this_week)[0], "星期");
        let days: Vec<String> = this_week.rows().skip(2).map(|r| r[0].to_string()).collect();
        assert_eq!(days, ["星期一", "星期一", "星期三", "星期四", "星期五"]);

        let done = book.worksheet_range("上周完成").unwrap();
        let completed = header(&done).iter().position(|h| h == "完成").unwrap();
        let first_done = done.rows().nth(2).unwrap();
        assert_eq!(first_done[completed].as_date(), Some(d(6, 28)));

        let watch = book.worksheet_range("关注").unwrap();
        assert_eq!(header(&watch)[0], "关注原因");
        let rows: Vec<_> = watch.rows().skip(2).collect();
        assert_eq!(rows[0][6].as_date(), Some(d(8, 31)));
        assert_eq!(rows[1][8], Data::Float(0.925));
        assert_eq!(rows[2][9], Data::Float(75.0));
        assert_eq!(rows[2][1], Data::Empty);
    }

    #[test]
    fn batch_order_is_kept() {
        let list = fixture::week27();
        let mut book = read(xlsx(&list, Lang::En).unwrap());
        let overdue = book.worksheet_range("Overdue").unwrap();
        let seqs: Vec<String> = overdue.rows().skip(2).map(|r| r[0].to_string()).collect();
        assert_eq!(seqs, ["1", "2", "3"]);
    }

    #[test]
    fn a_teams_workbook_opens_on_the_subtotals_by_officer() {
        let list = fixture::team27();
        let mut book = read(xlsx(&list, Lang::Zh).unwrap());
        assert_eq!(
            book.sheet_names(),
            ["小计", "逾期", "本周", "下周", "上周完成", "关注"]
        );
        let sub = book.worksheet_range("小计").unwrap();
        let title = sub.rows().next().unwrap()[0].to_string();
        assert!(title.contains("企业培育专班"), "{title}");
        assert_eq!(
            header(&sub),
            ["负责人", "逾期", "本周到期", "下周到期", "上周完成", "合计"]
        );
        let rows: Vec<Vec<String>> = sub
            .rows()
            .skip(2)
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(
            rows,
            [
                ["李娜", "1", "1", "1", "0", "3"],
                ["王伟", "2", "4", "1", "2", "9"],
                ["合计", "3", "5", "2", "2", "12"],
            ]
        );
    }

    #[test]
    fn same_list_same_bytes() {
        let list = fixture::week27();
        assert_eq!(
            xlsx(&list, Lang::Zh).unwrap(),
            xlsx(&list, Lang::Zh).unwrap()
        );
    }

    #[test]
    fn an_empty_week_still_has_every_sheet_with_its_header() {
        let mut book = read(xlsx(&fixture::empty(), Lang::Zh).unwrap());
        assert_eq!(book.sheet_names().len(), 5);
        let range = book.worksheet_range("本周").unwrap();
        assert_eq!(range.height(), 2);
    }
}
