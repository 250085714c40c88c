//! A table as every CSV and XLSX file of peiyu holds it: a sheet name, a header row, rows of
//! typed cells, and how the sheet looks in a workbook. [`crate::csv::write`] and
//! [`crate::xlsx::write`] are its only writers.

use chrono::NaiveDate;

/// How a number looks in a workbook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum NumberStyle {
    /// Excel's General format.
    #[default]
    General,
    /// A percentage with one decimal (`0.0%`): the value is a fraction (0.925 is 92.5%).
    Percent,
    /// Whole numbers with thousands separators (`#,##0`), for money in yuan.
    Thousands,
}

/// A number: the exact text a CSV file gets and the value an XLSX cell gets.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    /// As written in CSV (`1360.5`, `92.5%`).
    pub text: String,
    /// As stored in XLSX.
    pub value: f64,
    /// As shown in XLSX.
    pub style: NumberStyle,
}

/// One cell to write.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text (codes included: a USCC is never a number). Written through [`escape_formula`].
    Text(String),
    /// A number cell in XLSX, its exact text in CSV.
    Number(Number),
    /// A date: a date cell (`yyyy-mm-dd`) in XLSX, `YYYY-MM-DD` in CSV.
    Date(NaiveDate),
}

impl Cell {
    /// A whole number (a count, a batch): exact as an `f64` below 2^53.
    pub fn int(n: i64) -> Cell {
        Cell::Number(Number {
            text: n.to_string(),
            // Counts, days and batches: far below 2^53, so exact.
            value: n as f64,
            style: NumberStyle::General,
        })
    }

    /// A count (of enterprises, of tasks).
    pub fn count(n: usize) -> Cell {
        Cell::Number(Number {
            text: n.to_string(),
            // Counts of rows: far below 2^53, so exact.
            value: n as f64,
            style: NumberStyle::General,
        })
    }

    /// A number given as its exact decimal text (`1360.5`): a number cell in XLSX when the
    /// text reads as one, else text.
    pub fn decimal(text: impl Into<String>) -> Cell {
        let text = text.into();
        match text.parse::<f64>() {
            Ok(value) => Cell::Number(Number {
                text,
                value,
                style: NumberStyle::General,
            }),
            Err(_) => Cell::Text(text),
        }
    }

    /// The cell's text in a CSV file (text escaped by [`escape_formula`]; numbers as their
    /// text; dates `YYYY-MM-DD`; empty as nothing).
    pub fn csv_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => escape_formula(s),
            Cell::Number(n) => n.text.clone(),
            Cell::Date(d) => d.to_string(),
        }
    }
}

/// A column's width in a workbook.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Widths {
    /// Each column two characters wider than its header (a CJK character counts two), and at
    /// least 12.
    #[default]
    FitHeaders,
    /// The width of each column in characters, by position; `None` (or past the end) keeps
    /// Excel's default.
    Fixed(Vec<Option<f64>>),
}

/// A table: one sheet of a workbook, or a whole CSV file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sheet {
    /// The sheet's name in a workbook.
    pub name: String,
    /// A line above the header row (a workbook only; a CSV file starts with its header row).
    pub title: Option<String>,
    /// The header row.
    pub headers: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<Cell>>,
    /// The columns' widths in a workbook.
    pub widths: Widths,
    /// A filter on the header row, over every row (a workbook only).
    pub filter: bool,
    /// Printed landscape, the header row on every page (a workbook only).
    pub landscape: bool,
}

impl Sheet {
    /// A sheet with these headers and rows; in a workbook each column fits its header, the
    /// header row is frozen, no filter, printed portrait.
    pub fn new(name: impl Into<String>, headers: Vec<String>, rows: Vec<Vec<Cell>>) -> Sheet {
        Sheet {
            name: name.into(),
            headers,
            rows,
            ..Sheet::default()
        }
    }
}

/// Escapes text for a spreadsheet cell: text that begins like a formula (`=`, `+`, `-`, `@`, a
/// tab or a carriage return) gets a leading `'`, so Excel and LibreOffice show it as text
/// instead of evaluating it (OWASP's advice on CSV injection); any other text is unchanged.
/// Every text cell of every CSV and XLSX file peiyu writes goes through it; numbers and dates
/// are not text and are never escaped. [`unescape_formula`] undoes it.
pub fn escape_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Undoes [`escape_formula`] on a cell read from a file: a `'` followed by `=`, `+`, `-`, `@`,
/// a tab or a carriage return is dropped; any other text is unchanged. So a file peiyu wrote
/// reads back as the values it was written from.
pub fn unescape_formula(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_stay_text() {
        assert_eq!(escape_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(escape_formula("+1"), "'+1");
        assert_eq!(escape_formula("-二期"), "'-二期");
        assert_eq!(escape_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(escape_formula("\tx"), "'\tx");
        assert_eq!(escape_formula("\rx"), "'\rx");
        assert_eq!(escape_formula("二期 = 一期 + 1"), "二期 = 一期 + 1");
        assert_eq!(escape_formula(""), "");
        assert_eq!(Cell::int(-3).csv_text(), "-3");
        assert_eq!(Cell::decimal("-0.5").csv_text(), "-0.5");
        assert_eq!(Cell::Text("-3".into()).csv_text(), "'-3");
    }

    #[test]
    fn unescaping_gives_back_what_was_escaped() {
        for text in [
            "=1+1", "+86 772", "-二期", "@x", "\tx", "'quoted'", "'", "", "a'b",
        ] {
            assert_eq!(unescape_formula(&escape_formula(text)), text, "{text:?}");
        }
        assert_eq!(unescape_formula("'abc"), "'abc");
    }

    #[test]
    fn decimals_that_do_not_read_as_numbers_are_text() {
        assert_eq!(
            Cell::decimal("1360.5"),
            Cell::Number(Number {
                text: "1360.5".into(),
                value: 1360.5,
                style: NumberStyle::General
            })
        );
        assert_eq!(Cell::decimal("n/a"), Cell::Text("n/a".into()));
    }
}
