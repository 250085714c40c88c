//! peiyu-formats: every file and wire format of peiyu, in one place.
//!
//! It turns the service's views into the bytes officers take away — the weekly list as a
//! terminal table, Markdown, CSV, XLSX, HTML, iCalendar or JSON ([`weekly`]); the ledgers
//! (台账) of `peiyu export`, an enterprise's history ([`history`]) and the progress report
//! ([`report`]) as CSV or XLSX, the API's lists in every file format ([`lists`]) — and turns the files officers bring into the rows of the import
//! use cases ([`ledger`]: CSV in UTF-8 or GB18030, XLSX, header mapping, rejects files).
//!
//! Every CSV file goes through the one CSV writer ([`csv::write`]: UTF-8 with a byte-order
//! mark, CRLF), every workbook through the one XLSX writer ([`xlsx::write`]), both from the one
//! table model ([`sheet::Sheet`]) whose text cells pass [`escape_formula`]; every file or
//! standard output is written by [`Output::write`].
//!
//! It decides nothing (the workflow does), touches the database only through the service's
//! public API, and knows nothing of argument parsing, HTTP or exit codes: front ends pass it
//! values and map its [`FormatError`] to their own errors.

pub mod audit;
pub mod csv;
mod error;
pub mod history;
pub mod json;
pub mod ledger;
pub mod limits;
pub mod lists;
pub mod output;
pub mod report;
pub mod sheet;
pub mod weekly;
pub mod xlsx;

use peiyu_domain::Lang;

pub use error::FormatError;
pub use output::Output;
pub use sheet::{Cell, Sheet, escape_formula};

/// Picks the text for the language: `zh` for [`Lang::Zh`], `en` for [`Lang::En`].
pub fn tr<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A check mark (`✓`) for a passed check, a cross (`✗`) for a failed one.
pub fn mark(passed: bool) -> &'static str {
    if passed { "✓" } else { "✗" }
}
