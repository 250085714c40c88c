//! The CSV rendering: one flat table, a row per task and per watch item, for Excel and scripts.

use csv::{Terminator, WriterBuilder};
use peiyu_domain::Lang;
use peiyu_service::weekly::WeeklyList;

use super::cells::{Cell, Section, TaskCol, WatchCol};
use crate::FormatError;
use crate::tr;

/// The UTF-8 byte-order mark: Excel on Windows reads a CSV file as the local code page (GBK)
/// unless it starts with one.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Renders `list` as CSV: UTF-8 with a byte-order mark, CRLF line ends (RFC 4180), one header
/// row, then one row per task in section order (overdue, this week, next week, done last week),
/// then one row per watch item.
///
/// The first column `section` holds the stable key (`overdue`, `this_week`, `next_week`,
/// `done_last_week`, `watch`) and the second its name in `lang`. Task rows leave the watch
/// columns empty; watch rows fill only batch, enterprise and USCC among the task columns. The
/// English header is the stable key of each column; the Chinese header is for people.
pub fn csv(list: &WeeklyList, lang: Lang) -> Result<Vec<u8>, FormatError> {
    let mut w = WriterBuilder::new()
        .terminator(Terminator::CRLF)
        .from_writer(BOM.to_vec());
    let mut header = vec![
        tr(lang, "分区代码", "section"),
        tr(lang, "分区", "section_label"),
    ];
    let name = |key: &'static str, zh: &'static str| tr(lang, zh, key);
    header.extend(
        TaskCol::CSV
            .iter()
            .map(|c| name(c.key(), c.header(Lang::Zh))),
    );
    header.extend(
        WatchCol::CSV
            .iter()
            .map(|c| name(c.key(), c.header(Lang::Zh))),
    );
    w.write_record(&header)?;
    let blank_watch = || WatchCol::CSV.iter().map(|_| String::new());
    for section in Section::TASKS {
        for task in section.tasks(list) {
            let mut row = vec![section.key().to_owned(), section.heading(lang).to_owned()];
            row.extend(
                TaskCol::CSV
                    .iter()
                    .map(|c| field(&c.cell(task, lang), lang)),
            );
            row.extend(blank_watch());
            w.write_record(&row)?;
        }
    }
    for item in &list.watch {
        let mut row = vec![
            Section::Watch.key().to_owned(),
            Section::Watch.heading(lang).to_owned(),
        ];
        row.extend(TaskCol::CSV.iter().map(|c| {
            let shared = match c {
                TaskCol::Batch => Some(WatchCol::Batch),
                TaskCol::Enterprise => Some(WatchCol::Enterprise),
                TaskCol::Uscc => Some(WatchCol::Uscc),
                _ => None,
            };
            field(&shared.map_or(Cell::Empty, |wc| wc.cell(item, lang)), lang)
        }));
        row.extend(
            WatchCol::CSV
                .iter()
                .map(|c| field(&c.cell(item, lang), lang)),
        );
        w.write_record(&row)?;
    }
    w.into_inner()
        .map_err(|e| FormatError::from(::csv::Error::from(e.into_error())))
}

/// A cell's text in the file. Free text that starts like a spreadsheet formula (`=`, `+`, `-`,
/// `@`, a tab or a carriage return) gets a leading `'`, so Excel shows it as text instead of
/// evaluating it (OWASP's advice on CSV injection); numbers and dates we write never start so.
fn field(cell: &Cell, lang: Lang) -> String {
    let s = cell.data(lang);
    if matches!(cell, Cell::Text(_)) && s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weekly::fixture;

    fn body(bytes: &[u8]) -> String {
        let text = std::str::from_utf8(bytes.strip_prefix(BOM).unwrap()).unwrap();
        assert!(!text.contains('\u{feff}'), "one BOM only");
        text.to_owned()
    }

    #[test]
    fn formulas_stay_text() {
        let text = |s: &str| field(&Cell::Text(s.into()), Lang::Zh);
        assert_eq!(text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text("+1"), "'+1");
        assert_eq!(text("-二期"), "'-二期");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("二期 = 一期 + 1"), "二期 = 一期 + 1");
        assert_eq!(field(&Cell::Int(-3), Lang::Zh), "-3");
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
