//! Writing a ledger: one table as CSV (UTF-8 with a byte-order mark, CRLF, as Excel opens it
//! correctly) or as an XLSX sheet (numbers as numbers, dates as dates, codes as text).

use std::path::Path;

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::read::FileFormat;
use crate::FormatError;

/// The UTF-8 byte-order mark: Excel reads a CSV file without one in the local code page.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One cell to write.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text (codes included: a USCC is never a number).
    Text(String),
    /// An exact decimal number, as text (`1360.5`); a number cell in XLSX.
    Number(String),
    /// A date; a date cell in XLSX, `YYYY-MM-DD` in CSV.
    Date(NaiveDate),
}

impl Cell {
    /// The cell as CSV text.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) | Cell::Number(s) => s.clone(),
            Cell::Date(d) => d.to_string(),
        }
    }
}

/// A table: a sheet name, one header row, rows of cells.
#[derive(Clone, Debug, Default)]
pub struct Sheet {
    /// The XLSX sheet name.
    pub name: String,
    /// The header row.
    pub headers: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<Cell>>,
}

/// The table as CSV bytes.
pub fn csv_bytes(sheet: &Sheet) -> Result<Vec<u8>, FormatError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    w.write_record(&sheet.headers)?;
    for row in &sheet.rows {
        w.write_record(row.iter().map(Cell::text))?;
    }
    w.into_inner()
        .map_err(|e| FormatError::from(csv::Error::from(e.into_error())))
}

/// The table as an XLSX workbook's bytes.
pub fn xlsx_bytes(sheet: &Sheet) -> Result<Vec<u8>, FormatError> {
    let x = FormatError::from;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(&sheet.name).map_err(x)?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in sheet.headers.iter().enumerate() {
        let c = col(c)?;
        ws.write_string_with_format(0, c, h, &bold).map_err(x)?;
        let width = h
            .chars()
            .map(|ch| if ch.is_ascii() { 1.0 } else { 2.0 })
            .sum::<f64>();
        ws.set_column_width(c, width.max(10.0) + 2.0).map_err(x)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, cell) in row.iter().enumerate() {
            let c = col(c)?;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    ws.write_string(r, c, s).map_err(x)?;
                }
                Cell::Number(s) => match s.parse::<f64>() {
                    Ok(n) => {
                        ws.write_number(r, c, n).map_err(x)?;
                    }
                    Err(_) => {
                        ws.write_string(r, c, s).map_err(x)?;
                    }
                },
                Cell::Date(d) => {
                    ws.write_date_with_format(r, c, d, &date).map_err(x)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(x)?;
    book.save_to_buffer().map_err(x)
}

fn col(c: usize) -> Result<u16, FormatError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError.into())
}

/// Writes the table to `path` in `format`.
pub fn write_file(path: &Path, format: FileFormat, sheet: &Sheet) -> Result<(), FormatError> {
    let bytes = match format {
        FileFormat::Csv => csv_bytes(sheet)?,
        FileFormat::Xlsx => xlsx_bytes(sheet)?,
    };
    std::fs::write(path, bytes).map_err(|source| FormatError::io(path, source))
}
