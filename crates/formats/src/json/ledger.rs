//! The ledgers (台账): what `import` and `export` did.

use std::path::Path;

use peiyu_domain::Lang;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ledger::ImportReport;
use crate::ledger::columns::Ledger;
use crate::ledger::read::FileFormat;

/// A problem with one row of an imported file.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportProblemDto {
    /// The row's line (CSV) or row number (XLSX).
    pub line: u64,
    /// The column's header as the file has it.
    pub column: String,
    /// The field's key (`uscc`, `officer`, `month`, …).
    pub field: String,
    /// The value as read.
    pub value: String,
    /// What is wrong and what is expected, in the request's language.
    pub message: String,
}

/// `import LEDGER FILE`: what importing the file found and did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportReportDto {
    /// The ledger's key.
    pub ledger: String,
    /// Data rows read.
    pub rows: usize,
    /// Rows that added something new.
    pub inserted: usize,
    /// Rows that changed something stored.
    pub updated: usize,
    /// Rows equal to what is stored.
    pub unchanged: usize,
    /// Lines with problems.
    pub rejected: usize,
    /// Whether anything was committed.
    pub written: bool,
    /// Where the rejected rows were written (with `--skip-invalid`).
    pub rejects_file: Option<String>,
    /// Every problem, by line.
    pub problems: Vec<ImportProblemDto>,
}

impl ImportReportDto {
    /// The wire form of an import of `ledger`.
    pub fn new(ledger: Ledger, report: &ImportReport, lang: Lang) -> Self {
        ImportReportDto {
            ledger: ledger.key().to_owned(),
            rows: report.rows,
            inserted: report.outcome.inserted,
            updated: report.outcome.updated,
            unchanged: report.outcome.unchanged,
            rejected: report.bad_lines().len(),
            written: report.outcome.written,
            rejects_file: report
                .rejects_file
                .as_deref()
                .map(|p| p.display().to_string()),
            problems: report
                .problems
                .iter()
                .map(|p| ImportProblemDto {
                    line: p.line,
                    column: report.layout.header_of(&p.field),
                    field: p.field.clone(),
                    value: p.value.clone(),
                    message: p.message.get(lang).to_owned(),
                })
                .collect(),
        }
    }
}

/// `export LEDGER -o FILE`: what was written.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ExportReportDto {
    /// The ledger's key.
    pub ledger: String,
    /// Data rows written.
    pub rows: usize,
    /// The file (`-` for standard output).
    pub file: String,
    /// `csv` or `xlsx`.
    pub format: String,
}

impl ExportReportDto {
    /// The wire form of an export of `rows` rows of `ledger` to `file`.
    pub fn new(ledger: Ledger, rows: usize, file: &Path, format: FileFormat) -> Self {
        ExportReportDto {
            ledger: ledger.key().to_owned(),
            rows,
            file: file.display().to_string(),
            format: format.extension().to_owned(),
        }
    }
}
