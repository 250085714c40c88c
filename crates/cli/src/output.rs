//! Printing: tables for people (zh or en), JSON for scripts.

use std::path::Path;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use peiyu_domain::Lang;
use peiyu_formats::Output;
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

/// Where `-o` sends a command's file: nothing when it was not given, standard output for `-`.
pub fn destination(output: Option<&Path>) -> Option<Output> {
    output.map(|p| Output::of(Some(p)))
}

/// Writes a command's file to `output` (standard output when there is none), saying on stderr
/// where a file went. A binary format (XLSX) needs `-o`.
pub fn emit(
    output: Option<Output>,
    bytes: &[u8],
    binary: bool,
    lang: Lang,
) -> Result<(), crate::Failure> {
    let dest = match output {
        Some(dest) => dest,
        None if binary => {
            return Err(crate::Failure::usage(
                "-o",
                "XLSX 需要用 -o 指定输出文件",
                "XLSX needs an output file: -o FILE",
            ));
        }
        None => Output::Stdout,
    };
    dest.write(bytes)?;
    if let Output::File(path) = &dest {
        eprintln!("{} {}", tr(lang, "已写入", "wrote"), path.display());
    }
    Ok(())
}

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<(), crate::Failure> {
    let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    println!("{text}");
    Ok(())
}

/// Reads a `YYYY-MM-DD` date given for `field`.
/// A day that does not exist (2023-02-29) is named as such.
pub fn parse_date(field: &str, text: &str) -> Result<chrono::NaiveDate, crate::Failure> {
    peiyu_domain::parse_day(text).map_err(|e| crate::Failure::invalid(field, &e))
}

/// Reads an optional date.
pub fn parse_opt_date(
    field: &str,
    text: &Option<String>,
) -> Result<Option<chrono::NaiveDate>, crate::Failure> {
    text.as_deref().map(|t| parse_date(field, t)).transpose()
}
