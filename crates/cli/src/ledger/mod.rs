//! Ledgers (台账) as files: `peiyu import` and `peiyu export` of enterprises, monthly metrics,
//! batch lists and tasks, as CSV or XLSX with Chinese or English headers.
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
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use peiyu_domain::{Lang, Officer, UsccMode, UsccWarning, YearMonth};
use peiyu_service::{ImportMode, ImportOutcome, Progress, RowProblem, Service};

use crate::Failure;
use crate::output::tr;
use columns::{Layout, Ledger, Mapping};
use read::{Encoding, FileFormat, Rows};
use write::{Cell, Sheet};

/// Why a ledger file cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The file system refused.
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
    /// The CSV is malformed.
    #[error("CSV{}: {detail}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Csv {
        /// Where.
        line: Option<u64>,
        /// What.
        detail: String,
    },
    /// The workbook cannot be read.
    #[error("cannot read the workbook {path}: {detail}")]
    Workbook {
        /// The file.
        path: String,
        /// Why.
        detail: String,
    },
    /// No such sheet.
    #[error("no sheet \"{sheet}\" in the workbook; its sheets: {}", sheets.join(", "))]
    NoSheet {
        /// The sheet asked for.
        sheet: String,
        /// The sheets there are.
        sheets: Vec<String>,
    },
    /// Writing the workbook failed.
    #[error("cannot write the workbook: {detail}")]
    XlsxWrite {
        /// Why.
        detail: String,
    },
    /// The mapping file is wrong.
    #[error("mapping file {path}: {detail}")]
    Mapping {
        /// The file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// Two columns name the same field.
    #[error(
        "the columns \"{first}\" and \"{second}\" name the same field; keep one, or map one to ignore with --mapping"
    )]
    DuplicateColumn {
        /// The first.
        first: String,
        /// The second.
        second: String,
    },
    /// No row looks like a header row.
    #[error("no header row found in the first {scanned} rows: expected headers such as {expected}")]
    NoHeader {
        /// How many rows were looked at.
        scanned: usize,
        /// Some headers the ledger reads.
        expected: String,
    },
    /// Required columns are missing.
    #[error("the file lacks the column(s) {}", missing.join("; "))]
    MissingColumns {
        /// Each missing group, as `zh/en` headers.
        missing: Vec<String>,
    },
}

impl LedgerError {
    fn zh(&self) -> String {
        match self {
            LedgerError::Io { path, source } => format!("{path}：{source}"),
            LedgerError::Encoding { encoding } => format!(
                "文件不是有效的 {encoding} 文本；请试 --encoding utf-8 或 --encoding gb18030"
            ),
            LedgerError::Csv { line, detail } => format!(
                "CSV{}格式错误：{detail}",
                line.map(|l| format!(" 第 {l} 行")).unwrap_or_default()
            ),
            LedgerError::Workbook { path, detail } => format!("无法读取工作簿 {path}：{detail}"),
            LedgerError::NoSheet { sheet, sheets } => {
                format!("工作簿中没有工作表「{sheet}」；现有：{}", sheets.join("、"))
            }
            LedgerError::XlsxWrite { detail } => format!("无法写入工作簿：{detail}"),
            LedgerError::Mapping { path, detail } => format!("列映射文件 {path} 有误：{detail}"),
            LedgerError::DuplicateColumn { first, second } => format!(
                "列「{first}」和「{second}」对应同一字段：请保留一列，或用 --mapping 把其中一列设为 ignore"
            ),
            LedgerError::NoHeader { scanned, expected } => {
                format!("前 {scanned} 行中找不到表头：应有 {expected} 等列")
            }
            LedgerError::MissingColumns { missing } => {
                format!("文件缺少列：{}", missing.join("；"))
            }
        }
    }

    /// As a command failure: a file the user named that cannot be used is bad input (exit 2),
    /// except when the file system itself fails.
    pub fn failure(self, file: &Path) -> Failure {
        match self {
            LedgerError::Io { source, .. } if source.kind() != std::io::ErrorKind::NotFound => {
                Failure::Io(source)
            }
            other => Failure::usage(file.display().to_string(), other.zh(), other.to_string()),
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

/// What `peiyu export` was asked to do.
#[derive(Clone, Debug)]
pub struct ExportRequest {
    /// Which ledger.
    pub ledger: Ledger,
    /// The batch list's year (default: the latest list).
    pub list: Option<i32>,
    /// Metrics from this month.
    pub from: Option<YearMonth>,
    /// Metrics to this month.
    pub to: Option<YearMonth>,
    /// csv or xlsx (default: from the extension).
    pub format: Option<String>,
    /// The file to write.
    pub output: PathBuf,
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
    fn next_row(&mut self) -> Result<Option<(u64, Vec<String>)>, LedgerError> {
        match self.pending.next() {
            Some(row) => Ok(Some(row)),
            None => self.rows.next_row(),
        }
    }
}

/// Opens a ledger file and finds its header row: the first of the first rows with two or more
/// known headers (title rows above it are skipped), else the first with one.
fn open(req: &ImportRequest, format: FileFormat, mapping: &Mapping) -> Result<Opened, LedgerError> {
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
        return Err(LedgerError::NoHeader {
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
}

impl Parsed {
    fn new(ledger: Ledger) -> Parsed {
        match ledger {
            Ledger::Enterprises => Parsed::Enterprises(Vec::new()),
            Ledger::Metrics => Parsed::Metrics(Vec::new()),
            Ledger::Batches => Parsed::Batches(Vec::new()),
            Ledger::Tasks => Parsed::Tasks(Vec::new()),
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

fn read_all(req: &ImportRequest) -> Result<Read, LedgerError> {
    let format = FileFormat::of_path(&req.file).unwrap_or(FileFormat::Csv);
    let mapping = match &req.mapping {
        Some(path) => Mapping::with_file(req.ledger, path)?,
        None => Mapping::default_for(req.ledger),
    };
    let mut opened = open(req, format, &mapping)?;
    let layout = opened.layout.clone();
    let missing = layout.missing(req.ledger);
    if !missing.is_empty() {
        return Err(LedgerError::MissingColumns { missing });
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

/// A progress bar on stderr when it is a terminal (and not for `--json`); none in scripts.
fn progress_bar(json: bool, lang: Lang) -> Option<(indicatif::ProgressBar, Progress)> {
    if json || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    let style = indicatif::ProgressStyle::with_template(
        "{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} ({eta})",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(tr(lang, "写入中", "writing").to_owned());
    let handle = bar.clone();
    let progress: Progress = Arc::new(move |done, total| {
        handle.set_length(total);
        handle.set_position(done);
    });
    Some((bar, progress))
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
) -> Result<ImportReport, Failure> {
    let Read {
        layout,
        parsed,
        mut problems,
        warnings,
        format,
        rows,
    } = read_all(req).map_err(|e| e.failure(&req.file))?;
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
            .map_err(|e| e.failure(&path))?;
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

/// `peiyu import LEDGER FILE …`: imports, then prints the summary (or every problem, exiting 2
/// when nothing was written).
pub async fn run_import(
    service: &Service,
    actor: &Officer,
    req: ImportRequest,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let bar = progress_bar(json, lang);
    let progress = bar.as_ref().map(|(_, p)| p.clone());
    let report = import_file(service, actor, &req, progress, lang).await;
    if let Some((bar, _)) = &bar {
        bar.finish_and_clear();
    }
    let report = report?;
    let layout = &report.layout;
    for unknown in &layout.unknown {
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!("提示：不认识的列「{unknown}」，已忽略（可用 --mapping 指定）"),
                Lang::En => format!("note: unknown column \"{unknown}\" ignored (see --mapping)"),
            }
        );
    }
    for (line, w) in &report.warnings {
        let text = peiyu_domain::Localize::localize(&w.error, lang);
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "警告：第 {line} 行的统一社会信用代码按宽松模式接受：{}",
                    text.zh()
                ),
                Lang::En => format!(
                    "warning: line {line}: USCC accepted leniently: {}",
                    text.en()
                ),
            }
        );
    }
    let problems = &report.problems;
    let outcome = &report.outcome;
    let bad_lines = report.bad_lines();
    let rejects_file = report.rejects_file.as_deref();
    if json {
        crate::output::print_json(&serde_json::json!({
            "ledger": req.ledger.key(),
            "rows": report.rows,
            "inserted": outcome.inserted,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
            "rejected": bad_lines.len(),
            "written": outcome.written,
            "rejects_file": rejects_file.map(|p| p.display().to_string()),
            "problems": problems.iter().map(|p| serde_json::json!({
                "line": p.line,
                "column": layout.header_of(&p.field),
                "field": p.field,
                "value": p.value,
                "message": p.message.get(lang),
            })).collect::<Vec<_>>(),
        }))?;
    } else if !req.skip_invalid && !problems.is_empty() {
        for p in problems {
            eprintln!("{}", describe(p, layout, lang));
        }
    }
    if !req.skip_invalid && !problems.is_empty() {
        if !json {
            eprintln!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "{} 行有误，未导入任何数据：请改正后重新导入，或用 --skip-invalid 先导入正确的行",
                        bad_lines.len()
                    ),
                    Lang::En => format!(
                        "{} rows have problems; nothing was imported: fix them and import again, or use --skip-invalid to import the good rows",
                        bad_lines.len()
                    ),
                }
            );
        }
        return Err(Failure::Reported(2));
    }
    if !json {
        print_summary(outcome, bad_lines.len(), rejects_file, lang);
    }
    Ok(())
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

fn print_summary(outcome: &ImportOutcome, rejected: usize, rejects: Option<&Path>, lang: Lang) {
    match lang {
        Lang::Zh => println!(
            "新增 {}，更新 {}，未变 {}，拒绝 {}",
            outcome.inserted, outcome.updated, outcome.unchanged, rejected
        ),
        Lang::En => println!(
            "inserted {}, updated {}, unchanged {}, rejected {}",
            outcome.inserted, outcome.updated, outcome.unchanged, rejected
        ),
    }
    if let Some(path) = rejects {
        match lang {
            Lang::Zh => println!(
                "被拒绝的行及原因已写入 {}：改正后可直接重新导入",
                path.display()
            ),
            Lang::En => println!(
                "the rejected rows and why are in {}: fix them and import that file",
                path.display()
            ),
        }
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
) -> Result<(), LedgerError> {
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
    let sheet = Sheet {
        name: req.ledger.sheet_name(lang).to_owned(),
        headers,
        rows: out,
    };
    write::write_file(path, format, &sheet)
}

/// `peiyu export LEDGER -o FILE …`.
pub async fn run_export(
    service: &Service,
    actor: &Officer,
    req: ExportRequest,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let format = match &req.format {
        Some(f) => FileFormat::parse(f).ok_or_else(|| {
            Failure::usage(
                "--format",
                format!("不支持的格式「{f}」：应为 csv 或 xlsx"),
                format!("unsupported format \"{f}\": use csv or xlsx"),
            )
        })?,
        None => FileFormat::of_path(&req.output).ok_or_else(|| {
            Failure::usage(
                "-o",
                "无法从文件扩展名判断格式：请用 .csv 或 .xlsx，或给出 --format",
                "cannot tell the format from the file's extension: use .csv or .xlsx, or --format",
            )
        })?,
    };
    let sheet = match req.ledger {
        Ledger::Enterprises => export::enterprises(&service.export_enterprises(actor).await?, lang),
        Ledger::Metrics => export::metrics(
            &service.export_metrics(actor, req.from, req.to).await?,
            lang,
        ),
        Ledger::Batches => {
            let year = match req.list {
                Some(y) => y,
                None => service
                    .batch_lists(actor)
                    .await?
                    .last()
                    .map(|l| l.value.year)
                    .ok_or_else(|| {
                        Failure::usage("--list", "还没有任何名单", "there is no batch list yet")
                    })?,
            };
            export::batches(&service.batch_list(actor, year, None).await?, lang)
        }
        Ledger::Tasks => export::tasks(&service.export_tasks(actor).await?, lang),
    };
    write::write_file(&req.output, format, &sheet).map_err(|e| e.failure(&req.output))?;
    if json {
        return crate::output::print_json(&serde_json::json!({
            "ledger": req.ledger.key(),
            "rows": sheet.rows.len(),
            "file": req.output.display().to_string(),
            "format": format.extension(),
        }));
    }
    match lang {
        Lang::Zh => println!("已导出 {} 行到 {}", sheet.rows.len(), req.output.display()),
        Lang::En => println!(
            "exported {} rows to {}",
            sheet.rows.len(),
            req.output.display()
        ),
    }
    Ok(())
}

#[cfg(test)]
mod bench;
