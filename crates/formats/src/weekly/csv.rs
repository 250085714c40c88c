//! The CSV rendering: one flat table, a row per task and per watch item, for Excel and scripts.

use peiyu_domain::Lang;
use peiyu_service::weekly::WeeklyList;

use super::cells::{Cell, Section, TaskCol, WatchCol};
use crate::FormatError;
use crate::sheet::{self, Sheet};
use crate::tr;

/// Renders `list` as CSV: UTF-8 with a byte-order mark, CRLF line ends (RFC 4180), one header
/// row, then one row per task in section order (overdue, this week, next week, done last week),
/// then one row per watch item.
///
/// The first column `section` holds the stable key (`overdue`, `this_week`, `next_week`,
/// `done_last_week`, `watch`) and the second its name in `lang`. Task rows leave the watch
/// columns empty; watch rows fill only batch, enterprise and USCC among the task columns. The
/// English header is the stable key of each column; the Chinese header is for people. Text that
/// starts like a formula is escaped ([`crate::escape_formula`]).
pub fn csv(list: &WeeklyList, lang: Lang) -> Result<Vec<u8>, FormatError> {
    crate::csv::write(&table(list, lang))
}

/// The CSV file's table.
fn table(list: &WeeklyList, lang: Lang) -> Sheet {
    let mut headers = vec![
        tr(lang, "分区代码", "section").to_owned(),
        tr(lang, "分区", "section_label").to_owned(),
    ];
    let name = |key: &'static str, zh: &'static str| tr(lang, zh, key).to_owned();
    headers.extend(
        TaskCol::CSV
            .iter()
            .map(|c| name(c.key(), c.header(Lang::Zh))),
    );
    headers.extend(
        WatchCol::CSV
            .iter()
            .map(|c| name(c.key(), c.header(Lang::Zh))),
    );
    let mut rows = Vec::new();
    let blank_watch = || WatchCol::CSV.iter().map(|_| sheet::Cell::Empty);
    for section in Section::TASKS {
        for task in section.tasks(list) {
            let mut row = section_cells(section, lang);
            row.extend(
                TaskCol::CSV
                    .iter()
                    .map(|c| c.cell(task, lang).to_data(lang)),
            );
            row.extend(blank_watch());
            rows.push(row);
        }
    }
    for item in &list.watch {
        let mut row = section_cells(Section::Watch, lang);
        row.extend(TaskCol::CSV.iter().map(|c| {
            let shared = match c {
                TaskCol::Batch => Some(WatchCol::Batch),
                TaskCol::Enterprise => Some(WatchCol::Enterprise),
                TaskCol::Uscc => Some(WatchCol::Uscc),
                _ => None,
            };
            shared
                .map_or(Cell::Empty, |wc| wc.cell(item, lang))
                .to_data(lang)
        }));
        row.extend(
            WatchCol::CSV
                .iter()
                .map(|c| c.cell(item, lang).to_data(lang)),
        );
        rows.push(row);
    }
    Sheet::new(String::new(), headers, rows)
}

/// The section's key and name, the first two cells of each row.
fn section_cells(section: Section, lang: Lang) -> Vec<sheet::Cell> {
    vec![
        sheet::Cell::Text(section.key().to_owned()),
        sheet::Cell::Text(section.heading(lang).to_owned()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::BOM;
    use crate::weekly::fixture;

    fn body(bytes: &[u8]) -> String {
        let text = std::str::from_utf8(bytes.strip_prefix(BOM).unwrap()).unwrap();
        assert!(!text.contains('\u{feff}'), "one BOM only");
        text.to_owned()
    }

    #[test]
    fn formulas_stay_text() {
        let text = |s: &str| Cell::Text(s.into()).to_data(Lang::Zh).csv_text();
        assert_eq!(text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text("+1"), "'+1");
        assert_eq!(text("-二期"), "'-二期");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("二期 = 一期 + 1"), "二期 = 一期 + 1");
        assert_eq!(Cell::Int(-3).to_data(Lang::Zh).csv_text(), "-3");
        assert_eq!(Cell::Share(-50).to_data(Lang::Zh).csv_text(), "-0.5%");
        let mut list = fixture::week27();
        list.overdue[0].task.title = "=1+1".into();
        let out = body(&csv(&list, Lang::En).unwrap());
        assert!(out.contains(",'=1+1,"), "{out}");
    }

    #[test]
    fn starts_with_the_bom() {
        for lang in Lang::ALL {
            let bytes = csv(&fixture::week27(), lang).unwrap();
            assert_eq!(&bytes[..3], [0xEF, 0xBB, 0xBF]);
        }
    }

    #[test]
    fn csv_zh() {
        let text = body(&csv(&fixture::week27(), Lang::Zh).unwrap());
        assert!(text.ends_with("\r\n"));
        insta::assert_snapshot!(text.replace("\r\n", "\n"));
    }

    #[test]
    fn csv_en() {
        let text = body(&csv(&fixture::week27(), Lang::En).unwrap());
        insta::assert_snapshot!(text.replace("\r\n", "\n"));
    }

    #[test]
    fn reads_back_as_a_rectangle_with_a_row_per_line() {
        let list = fixture::week27();
        let bytes = csv(&list, Lang::En).unwrap();
        let mut r = ::csv::Reader::from_reader(&bytes[BOM.len()..]);
        let header = r.headers().unwrap().clone();
        assert_eq!(&header[0], "section");
        assert_eq!(header.len(), 2 + TaskCol::CSV.len() + WatchCol::CSV.len());
        let rows: Vec<_> = r.records().map(Result::unwrap).collect();
        let count = |key: &str| rows.iter().filter(|row| &row[0] == key).count();
        assert_eq!(count("overdue"), 3);
        assert_eq!(count("this_week"), 5);
        assert_eq!(count("next_week"), 2);
        assert_eq!(count("done_last_week"), 2);
        assert_eq!(count("watch"), 3);
        assert_eq!(rows.len(), 15);
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let first = &rows[0];
        assert_eq!(&first[col("working_days_overdue")], "7");
        assert_eq!(&first[col("due_on")], "2023-06-21");
        assert_eq!(&first[col("batch")], "1");
        assert_eq!(&first[col("carried_over")], "yes");
        let delegated = rows
            .iter()
            .find(|row| !row[col("delegate_name")].is_empty());
        assert_eq!(&delegated.unwrap()[col("delegate_name")], "李娜");
        // The title with a comma, a quote and a pipe survives quoting.
        assert!(
            rows.iter()
                .any(|row| &row[col("title")] == "用地指标 \"点供\" 申请 | 材料补正")
        );
        let near = rows
            .iter()
            .find(|row| &row[col("watch_reason")] == "near_threshold");
        assert_eq!(&near.unwrap()[col("share_of_threshold")], "92.5%");
    }
}
