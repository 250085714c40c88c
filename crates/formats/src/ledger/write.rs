//! Writing a ledger: one table as CSV (UTF-8 with a byte-order mark, CRLF, as Excel opens it
//! correctly) or as an XLSX sheet (numbers as numbers, dates as dates, codes as text), through
//! the one CSV and XLSX writers.

use std::path::Path;

use super::read::FileFormat;
use crate::{FormatError, Output};

pub use crate::csv::BOM;
pub use crate::sheet::{Cell, Sheet};

/// The table as the bytes of a file in `format`.
pub fn bytes(format: FileFormat, sheet: &Sheet) -> Result<Vec<u8>, FormatError> {
    match format {
        FileFormat::Csv => crate::csv::write(sheet),
        FileFormat::Xlsx => crate::xlsx::write_sheet(sheet),
    }
}

/// Writes the table to `path` (standard output for `-`) in `format`.
pub fn write_file(path: &Path, format: FileFormat, sheet: &Sheet) -> Result<(), FormatError> {
    Output::of(Some(path)).write(&bytes(format, sheet)?)
}
