//! Weekly-list renderers: pure functions from a [`WeeklyList`] to the files officers take to the
//! Monday meeting (周例会) — a terminal table, Markdown, CSV, XLSX, printable HTML, iCalendar
//! and JSON.
//!
//! No renderer re-sorts: each keeps the order the workflow assembled (batches 1 and 2 first,
//! then by due date), and none reads a clock, so the same list always renders to the same bytes.
//! The columns and keys of each format are documented in `docs/weekly.md`.

mod cells;
mod csv;
mod html;
mod ics;
mod json;
pub(crate) mod markdown;
mod text;
mod xlsx;

#[cfg(test)]
mod fixture;

use std::fmt;
use std::str::FromStr;

use peiyu_domain::Lang;
use peiyu_service::weekly::WeeklyList;

use crate::FormatError;

pub use self::cells::{provisional_legend, weekday_name};
pub use self::csv::csv;
pub use self::html::{EnterpriseLink, fragment as html_fragment, html};
pub use self::ics::ics;
pub use self::json::json;
pub use self::markdown::markdown;
pub use self::text::text;
pub use self::xlsx::xlsx;

/// A file format for the weekly list, as `--format` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Terminal tables (`text`).
    Text,
    /// Markdown (`md`).
    Md,
    /// CSV, UTF-8 with a byte-order mark (`csv`).
    Csv,
    /// An Excel workbook, one sheet per section (`xlsx`).
    Xlsx,
    /// A printable standalone HTML page (`html`).
    Html,
    /// iCalendar, one all-day event per open task (`ics`).
    Ics,
    /// JSON with every field (`json`).
    Json,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 7] = [
        Format::Text,
        Format::Md,
        Format::Csv,
        Format::Xlsx,
        Format::Html,
        Format::Ics,
        Format::Json,
    ];

    /// The name `--format` takes: `text`, `md`, `csv`, `xlsx`, `html`, `ics`, `json`.
    pub fn key(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Md => "md",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
            Format::Ics => "ics",
            Format::Json => "json",
        }
    }

    /// The usual file extension, without the dot (`txt` for text, else the key).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            other => other.key(),
        }
    }

    /// Whether the output is binary (XLSX), so it should go to a file rather than a terminal.
    pub fn is_binary(self) -> bool {
        self == Format::Xlsx
    }

    /// The media type of the bytes [`render`] gives (what an HTTP `Content-Type` says), text
    /// types in UTF-8.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; charset=utf-8",
            Format::Md => "text/markdown; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Html => "text/html; charset=utf-8",
            Format::Ics => "text/calendar; charset=utf-8",
            Format::Json => "application/json",
        }
    }

    /// The format an HTTP `Accept` header asks for: the first media range (in the header's
    /// order, `q` weights ignored) that names one of these formats; `None` for `*/*` or nothing
    /// known.
    pub fn from_accept(accept: &str) -> Option<Format> {
        accept.split(',').find_map(|range| {
            let essence = range.split(';').next().unwrap_or("").trim();
            Format::ALL.into_iter().find(|f| {
                let ours = f.media_type().split(';').next().unwrap_or("");
                essence.eq_ignore_ascii_case(ours)
            })
        })
    }
}

impl fmt::Display for Format {
    /// Prints [`Format::key`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Format {
    type Err = FormatError;

    /// Reads a key (any ASCII case, surrounding whitespace ignored); `markdown` is also `md`;
    /// anything else is [`FormatError::UnknownWeeklyFormat`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        if t == "markdown" {
            return Ok(Format::Md);
        }
        Format::ALL
            .into_iter()
            .find(|f| f.key() == t)
            .ok_or_else(|| FormatError::UnknownWeeklyFormat {
                input: s.to_owned(),
            })
    }
}

/// Renders `list` in `format`: the bytes to print or write to a file. Text formats are UTF-8
/// (CSV with a byte-order mark); JSON is pretty-printed with a final newline; `lang` picks the
/// language of headings and labels (JSON carries stable keys and both languages instead).
/// Only the formats built by a library can fail (CSV, XLSX, HTML, JSON); text, Markdown and
/// iCalendar always render.
pub fn render(list: &WeeklyList, format: Format, lang: Lang) -> Result<Vec<u8>, FormatError> {
    Ok(match format {
        Format::Text => text(list, lang).into_bytes(),
        Format::Md => markdown(list, lang).into_bytes(),
        Format::Csv => csv(list, lang)?,
        Format::Xlsx => xlsx(list, lang)?,
        Format::Html => html(list, lang)?.into_bytes(),
        Format::Ics => ics(list, lang).into_bytes(),
        Format::Json => {
            let mut out = serde_json::to_vec_pretty(&json(list))?;
            out.push(b'\n');
            out
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_picks_the_first_known_media_type() {
        assert_eq!(Format::from_accept("text/csv"), Some(Format::Csv));
        assert_eq!(
            Format::from_accept("text/html;q=0.9, application/json"),
            Some(Format::Html)
        );
        assert_eq!(
            Format::from_accept(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
            Some(Format::Xlsx)
        );
        assert_eq!(Format::from_accept("*/*"), None);
        assert_eq!(Format::from_accept("image/png"), None);
        for f in Format::ALL {
            assert_eq!(Format::from_accept(f.media_type()), Some(f));
        }
    }

    #[test]
    fn format_keys_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.key().parse::<Format>().ok(), Some(f));
            assert_eq!(f.to_string().to_uppercase().parse::<Format>().ok(), Some(f));
        }
        assert_eq!(" markdown ".parse::<Format>().ok(), Some(Format::Md));
        assert_eq!(Format::Text.extension(), "txt");
        assert_eq!(Format::Xlsx.extension(), "xlsx");
        assert!(Format::Xlsx.is_binary());
        assert!(!Format::Csv.is_binary());
    }

    #[test]
    fn unknown_format_names_the_choices() {
        use peiyu_domain::Localize;
        let err = "pdf".parse::<Format>().unwrap_err();
        assert!(
            matches!(&err, FormatError::UnknownWeeklyFormat { input } if input == "pdf"),
            "{err:?}"
        );
        assert!(err.to_string().contains("xlsx"));
        assert!(err.localize(Lang::Zh).zh().contains("未知的格式"));
        assert_eq!(err.localize(Lang::En).en(), err.to_string());
    }

    #[test]
    fn render_dispatches_to_every_format() {
        let list = fixture::week27();
        for f in Format::ALL {
            let bytes = render(&list, f, Lang::Zh).unwrap();
            assert!(!bytes.is_empty(), "{f}");
        }
        assert_eq!(
            render(&list, Format::Text, Lang::En).unwrap(),
            text(&list, Lang::En).into_bytes()
        );
        assert_eq!(
            render(&list, Format::Csv, Lang::Zh).unwrap(),
            csv(&list, Lang::Zh).unwrap()
        );
        assert_eq!(
            render(&list, Format::Ics, Lang::Zh).unwrap(),
            ics(&list, Lang::Zh).into_bytes()
        );
        let json_bytes = render(&list, Format::Json, Lang::En).unwrap();
        assert_eq!(json_bytes.last(), Some(&b'\n'));
        let back: serde_json::Value = serde_json::from_slice(&json_bytes).unwrap();
        assert_eq!(back, json(&list));
        assert!(
            render(&list, Format::Xlsx, Lang::Zh)
                .unwrap()
                .starts_with(b"PK")
        );
        assert!(
            String::from_utf8(render(&list, Format::Html, Lang::Zh).unwrap())
                .unwrap()
                .starts_with("<!DOCTYPE html>")
        );
    }

    #[test]
    fn render_error_speaks_both_languages() {
        use peiyu_domain::Localize;
        let err = FormatError::from(rust_xlsxwriter::XlsxError::RowColumnLimitError);
        assert!(err.localize(Lang::Zh).zh().starts_with("无法生成 XLSX"));
        assert_eq!(err.localize(Lang::En).en(), err.to_string());
    }
}
