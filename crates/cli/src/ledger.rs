//! `peiyu import` and `peiyu export`: the command side of the ledgers (台账). Reading, checking
//! and writing the files is peiyu-formats' (`peiyu_formats::ledger`); here are the progress bar,
//! the report printed for the officer, and the mapping of errors to exit codes.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use peiyu_domain::{Lang, Officer, YearMonth};
use peiyu_formats::json::{ExportReportDto, ImportReportDto};
use peiyu_formats::ledger::{ExportQuery, LedgerError, describe, export_sheet, import_file};
use peiyu_formats::{FormatError, Output};
use peiyu_service::{ImportOutcome, Progress, Service};

pub use peiyu_formats::ledger::{ImportRequest, columns, read};

use crate::Failure;
use crate::output::tr;
use columns::Ledger;
use read::FileFormat;

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

/// A file the user named that cannot be used is bad input (exit 2, the file named), except
/// when the file system itself fails.
fn file_failure(error: FormatError, file: &Path) -> Failure {
    match error {
        FormatError::Io { source, .. } if source.kind() != std::io::ErrorKind::NotFound => {
            Failure::Io(source)
        }
        other => Failure::usage(
            file.display().to_string(),
            other.message_zh(),
            other.to_string(),
        ),
    }
}

impl From<LedgerError> for Failure {
    fn from(e: LedgerError) -> Self {
        match e {
            LedgerError::File { path, error } => file_failure(error, &path),
            LedgerError::NoBatchList => {
                Failure::usage("--list", "还没有任何名单", "there is no batch list yet")
            }
            LedgerError::Service(e) => Failure::Service(e),
        }
    }
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
        crate::output::print_json(&ImportReportDto::new(req.ledger, &report, lang))?;
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

/// `peiyu export LEDGER -o FILE …` (`-o -`: the ledger on standard output).
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
    let query = ExportQuery {
        ledger: req.ledger,
        list: req.list,
        from: req.from,
        to: req.to,
    };
    let sheet = export_sheet(service, actor, &query, lang).await?;
    peiyu_formats::ledger::write::write_file(&req.output, format, &sheet)
        .map_err(|e| file_failure(e, &req.output))?;
    let summary = if json {
        serde_json::to_string_pretty(&ExportReportDto::new(
            req.ledger,
            sheet.rows.len(),
            &req.output,
            format,
        ))
        .map_err(std::io::Error::other)?
    } else {
        match lang {
            Lang::Zh => format!("已导出 {} 行到 {}", sheet.rows.len(), req.output.display()),
            Lang::En => format!(
                "exported {} rows to {}",
                sheet.rows.len(),
                req.output.display()
            ),
        }
    };
    // `-o -`: the ledger is on stdout, so the summary goes to stderr.
    if Output::of(Some(&req.output)).is_stdout() {
        eprintln!("{summary}");
    } else {
        println!("{summary}");
    }
    Ok(())
}
