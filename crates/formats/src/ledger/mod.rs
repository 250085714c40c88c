//! Ledgers (台账) as files: `peiyu import` and `peiyu export` of enterprises, monthly metrics,
//! batch lists, tasks and the statistics bureau's register list, as CSV or XLSX with Chinese or English headers.
//!
//! Reading: [`read`] decodes the file into rows of text with their line numbers, [`columns`]
//! finds the header row and what each column means, [`parse`] turns each row into the domain
//! values of a use case or into its problems. The service checks the rows against the database
//! and writes them in one unit of work. Writing: [`export`] builds the table, [`write`] writes
//! it. docs/import.md is the user's guide.

pub mod columns;
pub mod export;
pub mod parse;
pub mod read;
pub mod write;

#[cfg(test)]
pub(crate) mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use peiyu_domain::{Lang, Officer, UsccMode, UsccWarning, YearMonth};
use peiyu_service::{ImportMode, ImportOutcome, Progress, RowProblem, Service, ServiceError};

use crate::{FormatError, tr};
use columns::{Layout, Ledger, Mapping};
use read::{Encoding, FileFormat, Rows};
use write::{Cell, Sheet};

/// Why importing or exporting a ledger failed.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// A file (the ledger, its mapping file or the rejects file) could not be read, understood
    /// or written.
    #[error("{error}")]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        error: FormatError,
    },
    /// There is no batch list to export.
    #[error("there is no batch list yet")]
    NoBatchList,
    /// The use case refused or failed.
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl LedgerError {
    /// A [`LedgerError::File`] for `path`, to `map_err` with.
    fn file(path: &Path) -> impl FnOnce(FormatError) -> LedgerError + '_ {
        move |error| LedgerError::File {
            path: path.to_owned(),
            error,
        }
    }
}

/// What `peiyu import` was asked to do.
#[derive(Clone, Debug)]
pub struct ImportRequest {
    /// Which ledger.
    pub ledger: Ledger,
    /// The file.
    pub file: PathBuf,
    /// The sheet of a workbook.
    pub sheet: Option<String>,
    /// A TOML file of header → field.
    pub mapping: Option<PathBuf>,
    /// A CSV file's encoding, when not detected.
    pub encoding: Option<Encoding>,
    /// Import the good rows and write the others to a rejects file.
    pub skip_invalid: bool,
    /// Where the rejects go (default `<file>.rejects.<ext>` beside the file).
    pub rejects: Option<PathBuf>,
    /// Accept codes with a wrong check character, with a warning.
    pub lenient_uscc: bool,
}

impl ImportRequest {
    /// Importing `file` as `ledger` with every option at its default: all or nothing, the
    /// default mapping, the first sheet, the encoding detected, strict codes.
    pub fn new(ledger: Ledger, file: &Path) -> ImportRequest {
        ImportRequest {
            ledger,
            file: file.to_owned(),
            sheet: None,
            mapping: None,
            encoding: None,
            skip_invalid: false,
            rejects: None,
            lenient_uscc: false,
        }
    }
}

/// Which rows `peiyu export` writes.
#[derive(Clone, Debug)]
pub struct ExportQuery {
    /// Which ledger.
    pub ledger: Ledger,
    /// The batch list's year (default: the latest list).
    pub list: Option<i32>,
    /// Metrics from this month.
    pub from: Option<YearMonth>,
    /// Metrics to this month.
    pub to: Option<YearMonth>,
}

/// How many rows are looked at to find the header row (title rows above it are skipped).
const HEADER_SCAN: usize = 10;

/// A file opened for reading: the layout of its columns, the data rows read while looking for
/// the header row, and the rest.
struct Opened {
    layout: Layout,
    pending: std::vec::IntoIter<(u64, Vec<String>)>,
    rows: Rows,
}

impl Opened {
    fn next_row(&mut self) -> Result<Option<(u64, Vec<String>)>, FormatError> {
        match self.pending.next() {
            Some(row) => Ok(Some(row)),
            None => self.rows.next_row(),
        }
    }
}

/// Opens a ledger file and finds its header row: the first of the first rows with two or more
/// known headers (title rows above it are skipped), else the first with one.
fn open(req: &ImportRequest, format: FileFormat, mapping: &Mapping) -> Result<Opened, FormatError> {
    let mut rows = Rows::open(&req.file, format, req.sheet.as_deref(), req.encoding)?;
    let mut scanned: Vec<(u64, Vec<String>)> = Vec::new();
    while scanned.len() < HEADER_SCAN {
        let Some(row) = rows.next_row()? else {
            break;
        };
        let known = Layout::known_count(mapping, &row.1);
        scanned.push(row);
        if known >= 2 {
            break;
        }
    }
    let at = scanned
        .iter()
        .position(|(_, cells)| Layout::known_count(mapping, cells) >= 2)
        .or_else(|| {
            scanned
                .iter()
                .position(|(_, cells)| Layout::known_count(mapping, cells) >= 1)
        });
    let Some(at) = at else {
        let expected = mapping
            .ledger()
            .columns()
            .iter()
            .take(4)
            .map(|c| format!("{}/{}", c.zh, c.key))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(FormatError::NoHeader {
            scanned: scanned.len(),
            expected,
        });
    };
    let mut after = scanned.split_off(at);
    let (line, headers) = after.remove(0);
    let layout = Layout::new(mapping, headers, line)?;
    Ok(Opened {
        layout,
        pending: after.into_iter(),
        rows,
    })
}

/// Parsed rows of one ledger.
enum Parsed {
    Enterprises(Vec<peiyu_service::EnterpriseRow>),
    Metrics(Vec<peiyu_service::MetricsRow>),
    Batches(Vec<peiyu_service::BatchRow>),
    Tasks(Vec<peiyu_service::TaskRow>),
    Register(Vec<peiyu_service::RegisterRow>),
}

impl Parsed {
    fn new(ledger: Ledger) -> Parsed {
        match ledger {
            Ledger::Enterprises => Parsed::Enterprises(Vec::new()),
            Ledger::Metrics => Parsed::Metrics(Vec::new()),
            Ledger::Batches => Parsed::Batches(Vec::new()),
            Ledger::Tasks => Parsed::Tasks(Vec::new()),
            Ledger::Register => Parsed::Register(Vec::new()),
        }
    }

    /// Parses one row into this collection; returns its problems and lenient-code warnings.
    fn push(
        &mut self,
        layout: &Layout,
        line: u64,
        cells: &[String],
        mode: UsccMode,
    ) -> (Vec<RowProblem>, Vec<(u64, UsccWarning)>) {
        fn take<T>(
            out: &mut Vec<T>,
            r: parse::RowResult<T>,
        ) -> (Vec<RowProblem>, Vec<(u64, UsccWarning)>) {
            match r {
                Ok((row, w)) => {
                    out.push(row);
                    (Vec::new(), w)
                }
                Err(p) => (p, Vec::new()),
            }
        }
        match self {
            Parsed::Enterprises(v) => take(v, parse::enterprise(layout, line, cells, mode)),
            Parsed::Metrics(v) => take(v, parse::metrics(layout, line, cells, mode)),
            Parsed::Batches(v) => take(v, parse::batch(layout, line, cells, mode)),
            Parsed::Tasks(v) => take(v, parse::task(layout, line, cells, mode)),
            Parsed::Register(v) => take(v, parse::register(layout, line, cells, mode)),
        }
    }
}

/// Reads a ledger file into rows, every row's problems, and the lenient-code warnings.
/// What reading a ledger file gave.
struct Read {
    layout: Layout,
    parsed: Parsed,
    problems: Vec<RowProblem>,
    warnings: Vec<(u64, UsccWarning)>,
    format: FileFormat,
    rows: usize,
}

fn read_all(req: &ImportRequest) -> Result<Read, FormatError> {
    let format = FileFormat::of_path(&req.file).unwrap_or(FileFormat::Csv);
    let mapping = match &req.mapping {
        Some(path) => Mapping::with_file(req.ledger, path)?,
        None => Mapping::default_for(req.ledger),
    };
    let mut opened = open(req, format, &mapping)?;
    let layout = opened.layout.clone();
    let missing = layout.missing(req.ledger);
    if !missing.is_empty() {
        return Err(FormatError::MissingColumns { missing });
    }
    let mode = if req.lenient_uscc {
        UsccMode::Lenient
    } else {
        UsccMode::Strict
    };
    let mut parsed = Parsed::new(req.ledger);
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut count = 0;
    while let Some((line, cells)) = opened.next_row()? {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        count += 1;
        let (p, w) = parsed.push(&layout, line, &cells, mode);
        problems.extend(p);
        warnings.extend(w);
    }
    Ok(Read {
        layout,
        parsed,
        problems,
        warnings,
        format,
        rows: count,
    })
}

/// What importing a file found and did.
#[derive(Debug)]
pub struct ImportReport {
    /// The file's columns.
    pub layout: Layout,
    /// Data rows read (blank rows not counted).
    pub rows: usize,
    /// What the use case did.
    pub outcome: ImportOutcome,
    /// Every problem, the file's and the database's, by line.
    pub problems: Vec<RowProblem>,
    /// Codes accepted only because of `--lenient-uscc`.
    pub warnings: Vec<(u64, UsccWarning)>,
    /// Where the rejected rows were written (with `--skip-invalid`).
    pub rejects_file: Option<PathBuf>,
}

impl ImportReport {
    /// The lines with problems.
    pub fn bad_lines(&self) -> Vec<u64> {
        let mut lines: Vec<u64> = self.problems.iter().map(|p| p.line).collect();
        lines.dedup();
        lines
    }
}

/// Reads a ledger file, imports it through the service (writing nothing unless every row is
/// valid, or the valid rows with `skip_invalid`) and writes the rejects file.
pub async fn import_file(
    service: &Service,
    actor: &Officer,
    req: &ImportRequest,
    progress: Option<Progress>,
    lang: Lang,
) -> Result<ImportReport, LedgerError> {
    let Read {
        layout,
        parsed,
        mut problems,
        warnings,
        format,
        rows,
    } = read_all(req).map_err(LedgerError::file(&req.file))?;
    let mode = match (problems.is_empty(), req.skip_invalid) {
        (_, true) => ImportMode::SkipInvalid,
        (true, false) => ImportMode::AllOrNothing,
        (false, false) => ImportMode::Check,
    };
    let outcome = match &parsed {
        Parsed::Enterprises(rows) => {
            service
                .import_enterprises(actor, rows, mode, progress)
                .await
        }
        Parsed::Metrics(rows) => service.import_metrics(actor, rows, mode, progress).await,
        Parsed::Batches(rows) => service.import_batches(actor, rows, mode, progress).await,
        Parsed::Tasks(rows) => service.import_tasks(actor, rows, mode, progress).await,
        Parsed::Register(rows) => service.import_register(actor, rows, mode, progress).await,
    };
    drop(parsed);
    let outcome = outcome?;
    problems.extend(outcome.problems.iter().cloned());
    problems.sort_by_key(|p| p.line);
    let mut rejects_file = None;
    if !problems.is_empty() && req.skip_invalid {
        let path = req
            .rejects
            .clone()
            .unwrap_or_else(|| default_rejects_path(&req.file, format));
        write_rejects(req, format, &layout, &problems, &path, lang)
            .map_err(LedgerError::file(&path))?;
        rejects_file = Some(path);
    }
    Ok(ImportReport {
        layout,
        rows,
        outcome,
        problems,
        warnings,
        rejects_file,
    })
}

/// One problem as a line of the report: the line, the column's header, the value, why.
pub fn describe(p: &RowProblem, layout: &Layout, lang: Lang) -> String {
    let column = layout.header_of(&p.field);
    match (lang, p.value.is_empty()) {
        (Lang::Zh, false) => format!(
            "第 {} 行，「{column}」列，值「{}」：{}",
            p.line,
            p.value,
            p.message.zh()
        ),
        (Lang::Zh, true) => format!("第 {} 行，「{column}」列：{}", p.line, p.message.zh()),
        (Lang::En, false) => format!(
            "line {}, column \"{column}\", value \"{}\": {}",
            p.line,
            p.value,
            p.message.en()
        ),
        (Lang::En, true) => format!("line {}, column \"{column}\": {}", p.line, p.message.en()),
    }
}

/// `<dir>/<stem>.rejects.<ext>` beside the imported file.
pub fn default_rejects_path(file: &Path, format: FileFormat) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import".to_owned());
    file.with_file_name(format!("{stem}.rejects.{}", format.extension()))
}

/// Writes the rejected rows as they were in the file (same headers, same cells) plus an error
/// column, in the file's format: fix the cells, import the rejects file.
fn write_rejects(
    req: &ImportRequest,
    format: FileFormat,
    layout: &Layout,
    problems: &[RowProblem],
    path: &Path,
    lang: Lang,
) -> Result<(), FormatError> {
    let mut why: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for p in problems {
        let column = layout.header_of(&p.field);
        let text = match lang {
            Lang::Zh => format!("「{column}」：{}", p.message.zh()),
            Lang::En => format!("{column}: {}", p.message.en()),
        };
        why.entry(p.line).or_default().push(text);
    }
    let error_header = tr(lang, "错误", "error").to_owned();
    let error_at = layout
        .headers
        .iter()
        .position(|h| columns::normalise(h) == columns::normalise(&error_header));
    let mut headers = layout.headers.clone();
    if error_at.is_none() {
        headers.push(error_header);
    }
    let width = headers.len();
    let mut rows = Rows::open(&req.file, format, req.sheet.as_deref(), req.encoding)?;
    let mut out = Vec::with_capacity(why.len());
    while let Some((line, cells)) = rows.next_row()? {
        if line <= layout.header_line {
            continue;
        }
        let Some(reasons) = why.get(&line) else {
            continue;
        };
        let mut row: Vec<Cell> = cells.into_iter().map(Cell::Text).collect();
        row.resize(width, Cell::Empty);
        let message = reasons.join(tr(lang, "；", "; "));
        let at = error_at.unwrap_or(width - 1);
        if let Some(slot) = row.get_mut(at) {
            *slot = Cell::Text(message);
        }
        out.push(row);
    }
    let sheet = Sheet::new(req.ledger.sheet_name(lang), headers, out);
    write::write_file(path, format, &sheet)
}

/// The table of `query.ledger` as `peiyu export` writes it, with headers in `lang` (the batch
/// list of the latest year when `query.list` is not given).
pub async fn export_sheet(
    service: &Service,
    actor: &Officer,
    query: &ExportQuery,
    lang: Lang,
) -> Result<Sheet, LedgerError> {
    Ok(match query.ledger {
        Ledger::Enterprises => export::enterprises(&service.export_enterprises(actor).await?, lang),
        Ledger::Metrics => export::metrics(
            &service.export_metrics(actor, query.from, query.to).await?,
            lang,
        ),
        Ledger::Batches => {
            let year = match query.list {
                Some(y) => y,
                None => service
                    .batch_lists(actor)
                    .await?
                    .last()
                    .map(|l| l.value.year)
                    .ok_or(LedgerError::NoBatchList)?,
            };
            export::batches(&service.batch_list(actor, year, None).await?, lang)
        }
        Ledger::Tasks => export::tasks(&service.export_tasks(actor).await?, lang),
        Ledger::Register => export::register(&service.export_register(actor).await?, lang),
    })
}

#[cfg(test)]
mod bench;
