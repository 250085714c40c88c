//! Reading a ledger file: CSV in UTF-8 (with or without a byte-order mark) or GB18030/GBK, or
//! a sheet of an XLSX workbook, as rows of text cells with the line a user sees them on.

use std::collections::VecDeque;
use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, Reader};

use crate::sheet::unescape_formula;

use crate::FormatError;

/// A file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    /// Comma-separated values.
    Csv,
    /// An Excel workbook (also .xlsm, .xls and .ods when reading).
    Xlsx,
}

impl FileFormat {
    /// The format a file name's extension names.
    pub fn of_path(path: &Path) -> Option<FileFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" => Some(FileFormat::Csv),
            "xlsx" | "xlsm" | "xls" | "ods" => Some(FileFormat::Xlsx),
            _ => None,
        }
    }

    /// Reads `csv` or `xlsx`.
    pub fn parse(s: &str) -> Option<FileFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(FileFormat::Csv),
            "xlsx" => Some(FileFormat::Xlsx),
            _ => None,
        }
    }

    /// The extension `peiyu` writes: `csv` or `xlsx`.
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }
}

/// A CSV file's text encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// GB18030, a superset of GBK and GB2312: what Excel in China saves as "CSV".
    Gb18030,
}

impl Encoding {
    /// The name as `--encoding` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Gb18030 => "gb18030",
        }
    }
}

/// Decodes a CSV file's bytes. Without `forced`: a UTF-8 byte-order mark means UTF-8; bytes
/// that are valid UTF-8 are UTF-8; anything else is GB18030. A forced encoding that does not fit
/// the bytes is refused rather than guessed around.
pub fn decode(bytes: &[u8], forced: Option<Encoding>) -> Result<(String, Encoding), FormatError> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let encoding = match forced {
        Some(e) => e,
        None if bytes.starts_with(BOM) => Encoding::Utf8,
        None if std::str::from_utf8(bytes).is_ok() => Encoding::Utf8,
        None => Encoding::Gb18030,
    };
    let text = match encoding {
        Encoding::Utf8 => {
            let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
            let (text, had_errors) = encoding_rs::UTF_8.decode_without_bom_handling(body);
            if had_errors {
                return Err(FormatError::Encoding {
                    encoding: encoding.name(),
                });
            }
            text.into_owned()
        }
        Encoding::Gb18030 => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(FormatError::Encoding {
                    encoding: encoding.name(),
                });
            }
            text.into_owned()
        }
    };
    Ok((text, encoding))
}

/// Whether a file's bytes are UTF-8 (after a byte-order mark, if any), read a block at a time:
/// the file is not held whole.
fn file_is_utf8(path: &Path) -> std::io::Result<bool> {
    let mut file = std::fs::File::open(path)?;
    let mut block = vec![0u8; 64 * 1024];
    // Bytes of a character cut by the end of the previous block.
    let mut carried = 0;
    loop {
        let n = file.read(&mut block[carried..])?;
        if n == 0 {
            return Ok(carried == 0);
        }
        let filled = carried + n;
        match std::str::from_utf8(&block[..filled]) {
            Ok(_) => carried = 0,
            // An incomplete character at the end: keep it for the next block.
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                block.copy_within(valid..filled, 0);
                carried = filled - valid;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// A reader that keeps the bytes it has handed out from a position on, so that the line
/// breaks before a record can be counted without the whole file in memory: the CSV reader
/// reads ahead a block, and [`Rows::next_row`] drops what lies before each record.
pub struct Tap {
    source: Box<dyn Read + Send>,
    /// Bytes read, from `kept_from` on.
    kept: VecDeque<u8>,
    /// The offset of `kept`'s first byte in the stream.
    kept_from: usize,
}

impl Tap {
    fn new(source: Box<dyn Read + Send>) -> Tap {
        Tap {
            source,
            kept: VecDeque::new(),
            kept_from: 0,
        }
    }

    /// The byte at `offset` of the stream, if it is kept.
    fn byte(&self, offset: usize) -> Option<u8> {
        offset
            .checked_sub(self.kept_from)
            .and_then(|i| self.kept.get(i))
            .copied()
    }

    /// Counts the line breaks in `from..to` and forgets everything before `to`.
    fn breaks_until(&mut self, from: usize, to: usize) -> u64 {
        let start = from.saturating_sub(self.kept_from).min(self.kept.len());
        let end = to.saturating_sub(self.kept_from).min(self.kept.len());
        let breaks = self
            .kept
            .range(start..end.max(start))
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.kept.drain(..end);
        self.kept_from += end;
        breaks
    }
}

impl Read for Tap {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.source.read(buf)?;
        self.kept.extend(&buf[..n]);
        Ok(n)
    }
}

/// The rows of a ledger file, one at a time.
pub enum Rows {
    /// A CSV file: UTF-8 streamed from the file, GB18030 decoded first.
    Csv {
        /// The reader over the UTF-8 bytes.
        reader: csv::Reader<Tap>,
        /// The record read into.
        record: csv::StringRecord,
        /// How far line breaks have been counted, in bytes.
        counted_to: usize,
        /// Line breaks before `counted_to`.
        breaks: u64,
    },
    /// A worksheet.
    Sheet {
        /// Its cells.
        range: calamine::Range<Data>,
        /// The next row to hand out (0-based within the range).
        next: usize,
        /// The worksheet row number (1-based) of the range's first row.
        first: u64,
    },
}

impl Rows {
    /// Opens a file. `sheet` picks a worksheet of a workbook (default: the first); `encoding`
    /// forces a CSV file's encoding (default: detected).
    pub fn open(
        path: &Path,
        format: FileFormat,
        sheet: Option<&str>,
        encoding: Option<Encoding>,
    ) -> Result<Rows, FormatError> {
        let io = |source| FormatError::Io {
            path: path.display().to_string(),
            source,
        };
        match format {
            FileFormat::Csv => {
                crate::limits::ReadLimits::from_env().check_file(path)?;
                // UTF-8 (the usual export) is streamed through the reader; GB18030 is decoded
                // whole first, as the CSV reader reads UTF-8 only.
                if encoding != Some(Encoding::Gb18030) && file_is_utf8(path).map_err(io)? {
                    let mut file = std::io::BufReader::new(std::fs::File::open(path).map_err(io)?);
                    let mut bom = [0u8; 3];
                    let mut got = 0;
                    while got < 3 {
                        match file.read(&mut bom[got..]).map_err(io)? {
                            0 => break,
                            n => got += n,
                        }
                    }
                    let head: Box<dyn Read + Send> = if bom[..got] == *b"\xEF\xBB\xBF" {
                        Box::new(std::io::empty())
                    } else {
                        Box::new(Cursor::new(bom[..got].to_vec()))
                    };
                    return Ok(Rows::from_reader(Box::new(head.chain(file))));
                }
                let bytes = std::fs::read(path).map_err(io)?;
                let (text, _) = decode(&bytes, encoding)?;
                drop(bytes);
                Ok(Rows::from_csv_text(text))
            }
            FileFormat::Xlsx => {
                crate::limits::ReadLimits::from_env().check_workbook(path)?;
                let mut book =
                    calamine::open_workbook_auto(path).map_err(|e| FormatError::Workbook {
                        path: path.display().to_string(),
                        detail: e.to_string(),
                    })?;
                let names = book.sheet_names();
                let name = match sheet {
                    Some(s) => {
                        names
                            .iter()
                            .find(|n| n.as_str() == s)
                            .cloned()
                            .ok_or_else(|| FormatError::NoSheet {
                                sheet: s.to_owned(),
                                sheets: names.clone(),
                            })?
                    }
                    None => names.first().cloned().ok_or_else(|| FormatError::NoSheet {
                        sheet: String::new(),
                        sheets: Vec::new(),
                    })?,
                };
                let range = book
                    .worksheet_range(&name)
                    .map_err(|e| FormatError::Workbook {
                        path: path.display().to_string(),
                        detail: e.to_string(),
                    })?;
                let first = range.start().map_or(1, |(row, _)| u64::from(row) + 1);
                Ok(Rows::Sheet {
                    range,
                    next: 0,
                    first,
                })
            }
        }
    }

    /// Rows of CSV text.
    pub fn from_csv_text(text: String) -> Rows {
        Rows::from_reader(Box::new(Cursor::new(text.into_bytes())))
    }

    /// Rows of CSV read from UTF-8 bytes, as they come.
    fn from_reader(source: Box<dyn Read + Send>) -> Rows {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(Tap::new(source));
        Rows::Csv {
            reader,
            record: csv::StringRecord::new(),
            counted_to: 0,
            breaks: 0,
        }
    }

    /// The next row: the line (CSV) or row number (XLSX) it starts on, and its cells as text,
    /// with the `'` that [`crate::escape_formula`] puts before a formula-like text removed.
    pub fn next_row(&mut self) -> Result<Option<(u64, Vec<String>)>, FormatError> {
        match self {
            Rows::Csv {
                reader,
                record,
                counted_to,
                breaks,
            } => {
                let more = reader.read_record(record).map_err(|e| FormatError::Csv {
                    line: e.position().map(|p| p.line()),
                    detail: e.to_string(),
                })?;
                if !more {
                    return Ok(None);
                }
                // The reader's own line count lags by one after a CRLF; count line breaks up to
                // the record's first byte instead (skipping the break that ended the last one).
                let tap = reader.get_mut();
                let mut start = record.position().map_or(*counted_to, |p| {
                    usize::try_from(p.byte()).unwrap_or(*counted_to)
                });
                while tap.byte(start).is_some_and(|b| b == b'\r' || b == b'\n') {
                    start += 1;
                }
                if start > *counted_to {
                    *breaks += tap.breaks_until(*counted_to, start);
                    *counted_to = start;
                }
                Ok(Some((
                    *breaks + 1,
                    record
                        .iter()
                        .map(|c| unescape_formula(c).to_owned())
                        .collect(),
                )))
            }
            Rows::Sheet { range, next, first } => {
                let (height, width) = range.get_size();
                if *next >= height {
                    return Ok(None);
                }
                let cells = (0..width)
                    .map(|c| {
                        let text = range.get((*next, c)).map(cell_text).unwrap_or_default();
                        match unescape_formula(&text) {
                            same if same.len() == text.len() => text,
                            unescaped => unescaped.to_owned(),
                        }
                    })
                    .collect();
                let line = *first + *next as u64;
                *next += 1;
                Ok(Some((line, cells)))
            }
        }
    }
}

/// A worksheet cell as the text a user sees: whole numbers without a decimal point, other
/// numbers exactly as Excel stores them (shortest round-trip form), dates as `YYYY-MM-DD`.
pub fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::Error(e) => format!("#{e}"),
    }
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(mut rows: Rows) -> Vec<(u64, Vec<String>)> {
        let mut out = Vec::new();
        while let Some(r) = rows.next_row().unwrap() {
            out.push(r);
        }
        out
    }

    #[test]
    fn utf8_with_and_without_bom_and_gb18030_are_detected() {
        let text = "统一社会信用代码,企业名称\r\n91450000100000017X,广西糖业有限公司\r\n";
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(
            decode(&with_bom, None).unwrap(),
            (text.to_owned(), Encoding::Utf8)
        );
        assert_eq!(
            decode(text.as_bytes(), None).unwrap(),
            (text.to_owned(), Encoding::Utf8)
        );
        let (gbk, _, bad) = encoding_rs::GB18030.encode(text);
        assert!(!bad);
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(
            decode(&gbk, None).unwrap(),
            (text.to_owned(), Encoding::Gb18030)
        );
        // Forcing UTF-8 on GB18030 bytes is refused, not guessed around.
        assert!(matches!(
            decode(&gbk, Some(Encoding::Utf8)),
            Err(FormatError::Encoding { .. })
        ));
    }

    #[test]
    fn csv_lines_count_quoted_line_breaks() {
        let rows = all(Rows::from_csv_text(
            "a,b\r\n1,\"two\r\nlines\"\r\n3,x\r\n\r\n5,y".to_owned(),
        ));
        let lines: Vec<u64> = rows.iter().map(|r| r.0).collect();
        assert_eq!(lines, vec![1, 2, 4, 6]);
        assert_eq!(rows[1].1[1], "two\r\nlines");
        let rows = all(Rows::from_csv_text("a,b\n1,2\n\n4,5\n".to_owned()));
        let lines: Vec<u64> = rows.iter().map(|r| r.0).collect();
        assert_eq!(lines, vec![1, 2, 4]);
    }

    #[test]
    fn a_utf8_file_is_streamed_with_the_lines_and_cells_of_the_whole_text() {
        // Long enough to cross many read blocks, with multi-byte characters, a quoted line
        // break and blank lines along the way.
        let mut text = String::from("统一社会信用代码,企业名称,备注\r\n");
        for n in 0..20_000 {
            if n % 997 == 0 {
                text.push_str(&format!("{n},\"第{n}号\r\n二行\",甲\r\n\r\n"));
            } else {
                text.push_str(&format!("{n},测试企业{n}有限公司,乙\r\n"));
            }
        }
        let expected = all(Rows::from_csv_text(text.clone()));
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [
            ("plain.csv", text.as_bytes().to_vec()),
            (
                "bom.csv",
                [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            ),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            assert!(file_is_utf8(&path).unwrap());
            let streamed = all(Rows::open(&path, FileFormat::Csv, None, None).unwrap());
            assert_eq!(streamed.len(), expected.len(), "{name}");
            assert!(streamed == expected, "{name}: rows differ");
        }
        // GB18030 bytes are not UTF-8: detected, decoded whole, read the same.
        let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
        let path = dir.path().join("gbk.csv");
        std::fs::write(&path, &gbk).unwrap();
        assert!(!file_is_utf8(&path).unwrap());
        assert!(all(Rows::open(&path, FileFormat::Csv, None, None).unwrap()) == expected);
        // A character cut at the very end is not UTF-8.
        let path = dir.path().join("cut.csv");
        std::fs::write(&path, &"甲".as_bytes()[..2]).unwrap();
        assert!(!file_is_utf8(&path).unwrap());
    }

    #[test]
    fn escaped_formulas_read_back_as_written() {
        let rows = all(Rows::from_csv_text(
            "a,b\r\n'-二期,'=1+1\r\n'x,-3\r\n".to_owned(),
        ));
        assert_eq!(rows[1].1, ["-二期", "=1+1"]);
        assert_eq!(rows[2].1, ["'x", "-3"]);
    }

    #[test]
    fn numbers_read_from_a_sheet_keep_their_exact_text() {
        assert_eq!(float_text(1360.5), "1360.5");
        assert_eq!(float_text(202306.0), "202306");
        assert_eq!(float_text(0.0001), "0.0001");
        assert_eq!(float_text(123456.7891), "123456.7891");
    }

    #[test]
    fn file_formats_come_from_extensions() {
        assert_eq!(
            FileFormat::of_path(Path::new("a/台账.XLSX")),
            Some(FileFormat::Xlsx)
        );
        assert_eq!(
            FileFormat::of_path(Path::new("a.csv")),
            Some(FileFormat::Csv)
        );
        assert_eq!(FileFormat::of_path(Path::new("a.json")), None);
    }
}
