//! The one CSV writer: UTF-8 with a byte-order mark, CRLF line ends (RFC 4180), one header
//! row, every text cell through [`escape_formula`](crate::sheet::escape_formula).

use csv::{Terminator, WriterBuilder};

use crate::FormatError;
use crate::sheet::{Sheet, escape_formula};

/// The UTF-8 byte-order mark: Excel on Windows reads a CSV file as the local code page (GBK)
/// unless it starts with one.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `sheet` as CSV bytes: the byte-order mark, the header row, then one record per row, each
/// line ended by CRLF; fields quoted only where they must be. Headers and text cells are escaped
/// by [`escape_formula`]; numbers are their exact text and dates `YYYY-MM-DD`. The sheet's name,
/// title, widths and print settings are for workbooks and are not written.
pub fn write(sheet: &Sheet) -> Result<Vec<u8>, FormatError> {
    let mut w = WriterBuilder::new()
        .terminator(Terminator::CRLF)
        .from_writer(BOM.to_vec());
    w.write_record(sheet.headers.iter().map(|h| escape_formula(h)))?;
    for row in &sheet.rows {
        w.write_record(row.iter().map(|c| c.csv_text()))?;
    }
    w.into_inner()
        .map_err(|e| FormatError::from(csv::Error::from(e.into_error())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::Cell;

    #[test]
    fn bom_crlf_quoting_and_escaping() {
        let sheet = Sheet::new(
            "x",
            vec!["名称".into(), "=h".into(), "n".into(), "d".into()],
            vec![
                vec![
                    Cell::Text("a, \"b\"\nc".into()),
                    Cell::Text("-二期".into()),
                    Cell::int(-3),
                    Cell::Date(chrono::NaiveDate::from_ymd_opt(2023, 7, 3).unwrap_or_default()),
                ],
                vec![
                    Cell::Empty,
                    Cell::Text(String::new()),
                    Cell::decimal("1.5"),
                    Cell::Empty,
                ],
            ],
        );
        let bytes = write(&sheet).unwrap();
        let text = std::str::from_utf8(bytes.strip_prefix(BOM).unwrap()).unwrap();
        assert_eq!(
            text,
            "名称,'=h,n,d\r\n\"a, \"\"b\"\"\nc\",'-二期,-3,2023-07-03\r\n,,1.5,\r\n"
        );
    }
}
