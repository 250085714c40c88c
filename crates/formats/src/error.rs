//! The one error of peiyu-formats: why a file could not be read or written, in zh and en.

use peiyu_domain::{Lang, Localize, Text};

/// Why a file could not be read, understood or written. Every variant names what it was
/// working on (the file, the sheet, the column, the line); [`FormatError::message_zh`] and the
/// English `Display` say the same thing, and [`Localize`] gives both.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The file system refused (reading or writing `path`; `-` is standard output).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not text in the encoding.
    #[error("the file is not valid {encoding} text; try --encoding utf-8 or --encoding gb18030")]
    Encoding {
        /// The encoding tried.
        encoding: &'static str,
    },
    /// A CSV file is malformed.
    #[error("CSV{}: {detail}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Csv {
        /// Where.
        line: Option<u64>,
        /// What.
        detail: String,
    },
    /// A CSV file could not be written.
    #[error("cannot write the CSV file: {detail}")]
    CsvWrite {
        /// Why.
        detail: String,
    },
    /// A workbook cannot be read.
    #[error("cannot read the workbook {path}: {detail}")]
    Workbook {
        /// The file.
        path: String,
        /// Why.
        detail: String,
    },
    /// A file is larger than peiyu reads, or a workbook unpacks to more (`crate::limits`).
    #[error("{path} is refused: {}", what.1)]
    TooLarge {
        /// The file.
        path: String,
        /// What is too large and the limit, zh and en.
        what: (String, String),
    },
    /// No such sheet in a workbook.
    #[error("no sheet \"{sheet}\" in the workbook; its sheets: {}", sheets.join(", "))]
    NoSheet {
        /// The sheet asked for.
        sheet: String,
        /// The sheets there are.
        sheets: Vec<String>,
    },
    /// An XLSX workbook could not be written.
    #[error("cannot write the XLSX workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// An HTML page could not be rendered.
    #[error("cannot render the HTML page: {0}")]
    Html(#[from] askama::Error),
    /// A JSON document could not be written.
    #[error("cannot write the JSON document: {0}")]
    Json(#[from] serde_json::Error),
    /// A mapping file (header → field) is wrong.
    #[error("mapping file {path}: {detail}")]
    Mapping {
        /// The file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// Two columns of a ledger name the same field.
    #[error(
        "the columns \"{first}\" and \"{second}\" name the same field; keep one, or map one to ignore with --mapping"
    )]
    DuplicateColumn {
        /// The first.
        first: String,
        /// The second.
        second: String,
    },
    /// No row of a ledger looks like a header row.
    #[error("no header row found in the first {scanned} rows: expected headers such as {expected}")]
    NoHeader {
        /// How many rows were looked at.
        scanned: usize,
        /// Some headers the ledger reads.
        expected: String,
    },
    /// Required columns of a ledger are missing.
    #[error("the file lacks the column(s) {}", missing.join("; "))]
    MissingColumns {
        /// Each missing group, as `zh/en` headers.
        missing: Vec<String>,
    },
    /// A list asked for in a format it is not offered in (a calendar of a list without dates).
    #[error("this list is not offered as {format}")]
    Unsupported {
        /// The format's key.
        format: &'static str,
    },
    /// A text that names no weekly-list format.
    #[error("unknown format \"{input}\": expected text, md, csv, xlsx, html, ics or json")]
    UnknownWeeklyFormat {
        /// The text as given.
        input: String,
    },
}

impl FormatError {
    /// The same message as `Display`, in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            FormatError::Io { path, source } => format!("{path}：{source}"),
            FormatError::Encoding { encoding } => format!(
                "文件不是有效的 {encoding} 文本；请试 --encoding utf-8 或 --encoding gb18030"
            ),
            FormatError::Csv { line, detail } => format!(
                "CSV{}格式错误：{detail}",
                line.map(|l| format!(" 第 {l} 行")).unwrap_or_default()
            ),
            FormatError::CsvWrite { detail } => format!("无法生成 CSV 文件：{detail}"),
            FormatError::Workbook { path, detail } => format!("无法读取工作簿 {path}：{detail}"),
            FormatError::TooLarge { path, what } => format!("拒绝读取 {path}：{}", what.0),
            FormatError::NoSheet { sheet, sheets } => {
                format!("工作簿中没有工作表「{sheet}」；现有：{}", sheets.join("、"))
            }
            FormatError::Xlsx(e) => format!("无法生成 XLSX 工作簿：{e}"),
            FormatError::Html(e) => format!("无法生成 HTML 页面：{e}"),
            FormatError::Json(e) => format!("无法生成 JSON 文档：{e}"),
            FormatError::Mapping { path, detail } => format!("列映射文件 {path} 有误：{detail}"),
            FormatError::DuplicateColumn { first, second } => format!(
                "列「{first}」和「{second}」对应同一字段：请保留一列，或用 --mapping 把其中一列设为 ignore"
            ),
            FormatError::NoHeader { scanned, expected } => {
                format!("前 {scanned} 行中找不到表头：应有 {expected} 等列")
            }
            FormatError::MissingColumns { missing } => {
                format!("文件缺少列：{}", missing.join("；"))
            }
            FormatError::Unsupported { format } => format!("此清单不提供 {format} 格式"),
            FormatError::UnknownWeeklyFormat { input } => {
                format!("未知的格式 \"{input}\"：应为 text、md、csv、xlsx、html、ics 或 json")
            }
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: &std::path::Path, source: std::io::Error) -> FormatError {
        FormatError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

impl Localize for FormatError {
    /// Both languages: [`FormatError::message_zh`] and `Display`.
    fn localize(&self, _lang: Lang) -> Text {
        Text::new(self.message_zh(), self.to_string())
    }
}

impl From<csv::Error> for FormatError {
    /// A CSV writer's error (reading errors carry their line instead: [`FormatError::Csv`]).
    fn from(e: csv::Error) -> Self {
        FormatError::CsvWrite {
            detail: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_speaks_both_languages() {
        let errors = [
            FormatError::from(rust_xlsxwriter::XlsxError::RowColumnLimitError),
            FormatError::UnknownWeeklyFormat {
                input: "pdf".into(),
            },
            FormatError::io(
                std::path::Path::new("a.csv"),
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ),
        ];
        for err in errors {
            let text = err.localize(Lang::Zh);
            assert_eq!(text.en(), err.to_string());
            assert_eq!(text.zh(), err.message_zh());
            assert_ne!(text.zh(), text.en());
        }
    }
}
