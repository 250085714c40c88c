//! Printing: tables for people (zh or en), JSON for scripts.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use peiyu_domain::Lang;
use serde::Serialize;

/// A table with a bilingual header.
pub fn table(lang: Lang, headers: &[(&str, &str)]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(headers.iter().map(|(zh, en)| match lang {
            Lang::Zh => *zh,
            Lang::En => *en,
        }));
    if t.width().is_none() {
        // Not a terminal (a pipe, a file): wrap long cells at a width that prints well.
        t.set_width(120);
    }
    t
}

pub use peiyu_formats::{mark, tr};

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<(), crate::Failure> {
    let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    println!("{text}");
    Ok(())
}

/// Reads a `YYYY-MM-DD` date given for `field`.
pub fn parse_date(field: &str, text: &str) -> Result<chrono::NaiveDate, crate::Failure> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        crate::Failure::usage(
            field,
            format!("日期应为 YYYY-MM-DD 格式，如 2023-09-28，收到「{text}」"),
            format!("a date must look like YYYY-MM-DD, e.g. 2023-09-28, got \"{text}\""),
        )
    })
}

/// Reads an optional date.
pub fn parse_opt_date(
    field: &str,
    text: &Option<String>,
) -> Result<Option<chrono::NaiveDate>, crate::Failure> {
    text.as_deref().map(|t| parse_date(field, t)).transpose()
}
