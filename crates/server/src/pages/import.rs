//! Importing a ledger by upload (`/admin/import`): the officer chooses the ledger (enterprises,
//! monthly figures, the batch list, tasks), uploads its CSV or XLSX file (at most
//! [`MAX_IMPORT_BYTES`](super::security::MAX_IMPORT_BYTES)) and reads the same report as
//! `peiyu import`: rows read, what was added, changed or left as it was, and every problem by
//! line and column. Nothing is written unless every row is valid, or "skip invalid rows" was
//! ticked (then the good rows are written and the others listed). The reading, checking and
//! writing are `peiyu_formats::ledger::import_file`'s, the CLI's own.

use std::collections::BTreeMap;

use axum::extract::Multipart;
use peiyu_formats::ledger::columns::Ledger;
use peiyu_formats::ledger::read::FileFormat;
use peiyu_formats::ledger::{ImportReport, ImportRequest, LedgerError, import_file};

use super::forms::{ActionForm, FormField, Outcome, text, typed};
use super::security::MAX_IMPORT_BYTES;
use super::*;

/// The ledger's name in the page's words.
fn ledger_label(ledger: Ledger, lang: Lang) -> &'static str {
    match ledger {
        Ledger::Enterprises => tr(lang, "企业台账", "Enterprises"),
        Ledger::Metrics => tr(lang, "月度指标", "Monthly figures"),
        Ledger::Batches => tr(lang, "四个一批名单", "Batch list"),
        Ledger::Tasks => tr(lang, "任务台账", "Tasks"),
        Ledger::Register => tr(lang, "统计名录", "Statistical register"),
    }
}

/// `GET /admin/import`.
pub(super) async fn import_page(
    state: AppState,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
) -> Response {
    render(&state, &user, lang, &uri, None, None)
}

/// What an import did, for the page.
struct Done {
    ledger: Ledger,
    report: ImportReport,
    skip_invalid: bool,
}

fn render(
    state: &AppState,
    user: &Officer,
    lang: Lang,
    uri: &Uri,
    done: Option<Done>,
    outcome: Option<Outcome>,
) -> Response {
    let service = &state.service;
    let mut status = outcome.as_ref().map(|o| o.status).unwrap_or(StatusCode::OK);
    let chosen = outcome
        .as_ref()
        .and_then(|o| o.typed.get("ledger").cloned())
        .unwrap_or_else(|| Ledger::Enterprises.key().to_owned());
    let form = ActionForm::new(
        "import",
        tr(lang, "上传台账文件", "Upload a ledger file"),
        super::security::IMPORT_PATH.to_owned(),
        lang,
    )
    .multipart()
    .field(
        FormField::new("ledger", "select", tr(lang, "台账", "Ledger")).choices(
            Ledger::ALL
                .into_iter()
                .map(|l| (l.key().to_owned(), ledger_label(l, lang).to_owned())),
            &chosen,
        ),
    )
    .field(
        FormField::new("file", "file", tr(lang, "文件", "File")).hint(match lang {
            Lang::Zh => format!(
                "CSV（UTF-8 或 GBK）或 XLSX（第一个工作表），不超过 {} MiB；列名与“导出”得到的文件相同。",
                MAX_IMPORT_BYTES / (1024 * 1024)
            ),
            Lang::En => format!(
                "CSV (UTF-8 or GBK) or XLSX (its first sheet), at most {} MiB; the same columns as an exported file.",
                MAX_IMPORT_BYTES / (1024 * 1024)
            ),
        }),
    )
    .field(FormField::new(
        "skip_invalid",
        "check",
        tr(
            lang,
            "跳过有误的行（只导入正确的行）",
            "Skip invalid rows (import the good ones)",
        ),
    ))
    .button(tr(lang, "导入", "Import"));
    let mut form = form.with(outcome.as_ref());
    form.open = true;
    let mut sections = Vec::new();
    let mut flash = None;
    let mut notice = None;
    if let Some(done) = &done {
        let report = &done.report;
        let o = &report.outcome;
        let rejected = report.bad_lines().len();
        let summary = match lang {
            Lang::Zh => format!(
                "{}：读到 {} 行；新增 {}，更新 {}，未变 {}，拒绝 {}。",
                ledger_label(done.ledger, lang),
                report.rows,
                o.inserted,
                o.updated,
                o.unchanged,
                rejected
            ),
            Lang::En => format!(
                "{}: {} rows read; inserted {}, updated {}, unchanged {}, rejected {}.",
                ledger_label(done.ledger, lang),
                report.rows,
                o.inserted,
                o.updated,
                o.unchanged,
                rejected
            ),
        };
        if !report.problems.is_empty() && !done.skip_invalid {
            status = StatusCode::UNPROCESSABLE_ENTITY;
            notice = Some(match lang {
                Lang::Zh => format!(
                    "{rejected} 行有误，未导入任何数据：请改正后重新上传，或勾选“跳过有误的行”先导入正确的行。"
                ),
                Lang::En => format!(
                    "{rejected} rows have problems; nothing was imported: fix them and upload again, or tick \"Skip invalid rows\" to import the good ones."
                ),
            });
        } else {
            flash = Some(summary.clone());
        }
        let layout = &report.layout;
        let unknown = (!layout.unknown.is_empty()).then(|| match lang {
            Lang::Zh => format!("不认识的列（已忽略）：{}", layout.unknown.join("、")),
            Lang::En => format!("Unknown columns (ignored): {}", layout.unknown.join(", ")),
        });
        sections.push(Section {
            heading: tr(lang, "导入结果", "What the import did").to_owned(),
            alert: notice.is_some(),
            note: Some(summary)
                .into_iter()
                .chain(unknown)
                .reduce(|a, b| format!("{a} {b}")),
            empty: tr(lang, "没有发现问题。", "No problems found.").to_owned(),
            tables: if report.problems.is_empty() {
                Vec::new()
            } else {
                vec![Table {
                    caption: Some(tr(lang, "有误的行", "Rows with problems").to_owned()),
                    headers: [
                        tr(lang, "行", "Line"),
                        tr(lang, "列", "Column"),
                        tr(lang, "值", "Value"),
                        tr(lang, "问题", "Problem"),
                    ]
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
                    rows: report
                        .problems
                        .iter()
                        .map(|p| {
                            Row::new(vec![
                                Cell::text(p.line.to_string()).class("num"),
                                Cell::text(layout.header_of(&p.field)),
                                Cell::text(&p.value).class("id"),
                                Cell::text(p.message.get(lang)),
                            ])
                        })
                        .collect(),
                }]
            },
        });
    }
    let page = Page {
        chrome: chrome(uri, lang, Some(user), tr(lang, "导入台账", "Import a ledger"), "/admin"),
        heading: tr(lang, "导入台账", "Import a ledger").to_owned(),
        subtitle: Some(
            tr(
                lang,
                "与命令 peiyu import 相同：除非每一行都正确（或勾选了跳过有误的行），否则不写入任何数据。",
                "The same as peiyu import: nothing is written unless every row is valid (or invalid rows are skipped).",
            )
            .to_owned(),
        ),
        filters: super::tokens::admin_links(lang, super::security::IMPORT_PATH),
        notice,
        list_html: None,
        sections,
        footer: footer(service, lang),
        flash,
        extra_html: None,
        actions: vec![form],
    };
    html(status, page.render())
}

/// `POST /admin/import` (multipart): imports the uploaded file and shows the report.
pub(super) async fn import_upload(
    state: AppState,
    PageUser(user): PageUser,
    uri: Uri,
    form: Multipart,
) -> Response {
    let lang = query_lang(uri.query());
    let (pairs, upload) = match super::task::read_multipart(form).await {
        Ok(read) => read,
        Err(e) => {
            let outcome = Outcome::default().field_error("file", e);
            return render(&state, &user, lang, &uri, None, Some(outcome));
        }
    };
    let typed: BTreeMap<String, String> = typed(pairs);
    let lang = form_lang(typed.get("lang").map(String::as_str));
    let refuse = |field: &'static str, zh: &'static str, en: &'static str| {
        let outcome = Outcome::new("import", &typed).field_error(field, tr(lang, zh, en));
        render(&state, &user, lang, &uri, None, Some(outcome))
    };
    let Some(ledger) = Ledger::ALL
        .into_iter()
        .find(|l| l.key() == text(&typed, "ledger"))
    else {
        return refuse(
            "ledger",
            "请选择要导入的台账",
            "choose the ledger to import",
        );
    };
    let Some(upload) = upload else {
        return refuse(
            "file",
            "请选择要上传的 CSV 或 XLSX 文件",
            "choose the CSV or XLSX file to upload",
        );
    };
    let Some(format) = FileFormat::of_path(std::path::Path::new(&upload.name)) else {
        return refuse(
            "file",
            "只能导入 .csv、.txt、.xlsx、.xlsm、.xls 或 .ods 文件：请在 Excel 中另存为 CSV 或 XLSX",
            "only .csv, .txt, .xlsx, .xlsm, .xls and .ods files can be imported: save it as CSV or XLSX from Excel",
        );
    };
    let skip_invalid = text(&typed, "skip_invalid") == "true";
    let service = super::forms::acting(&state.service, &typed);
    // The reader works on files: the upload goes to a private directory removed afterwards,
    // with the rejects file (which the page lists instead).
    let upload_file = (upload.name.as_str(), upload.bytes.as_slice());
    let report = match import_upload_file(
        &service,
        &user,
        (ledger, format),
        upload_file,
        skip_invalid,
        lang,
    )
    .await
    {
        Ok(report) => report,
        Err(ImportFailure::Ledger(LedgerError::Service(e))) => {
            let outcome = Outcome::new("import", &typed).service_error(e, lang, &[]);
            return render(&state, &user, lang, &uri, None, Some(outcome));
        }
        Err(ImportFailure::Ledger(LedgerError::File { path, error })) => {
            let message = match lang {
                Lang::Zh => error.message_zh(),
                Lang::En => error.to_string(),
            }
            .replace(&path.display().to_string(), &upload.name);
            let outcome = Outcome::new("import", &typed).field_error("file", message);
            return render(&state, &user, lang, &uri, None, Some(outcome));
        }
        Err(ImportFailure::Ledger(LedgerError::NoBatchList)) | Err(ImportFailure::Io(_)) => {
            let outcome = Outcome::new("import", &typed).field_error(
                "file",
                tr(
                    lang,
                    "服务器无法暂存上传的文件：请稍后再试，或请管理员查看磁盘空间",
                    "the server could not keep the upload: try again later, or ask the admin to check the disk",
                ),
            );
            return render(&state, &user, lang, &uri, None, Some(outcome));
        }
    };
    tracing::info!(
        ledger = ledger.key(),
        rows = report.rows,
        problems = report.problems.len(),
        written = report.outcome.written,
        "a ledger was uploaded"
    );
    let done = Done {
        ledger,
        report,
        skip_invalid,
    };
    render(&state, &user, lang, &uri, Some(done), None)
}

/// Why an upload could not be imported at all.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ImportFailure {
    /// The file, or the use case.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The upload could not be kept in a temporary file.
    #[error("could not keep the upload: {0}")]
    Io(#[from] std::io::Error),
}

/// Imports the uploaded file `(name, bytes)` as `ledger`, read as `format`, through the CLI's
/// `import_file` (the page's upload and the API's, `POST /api/v1/import/ledger`). The upload
/// and its rejects file live in a private directory removed afterwards.
#[tracing::instrument(skip(service, actor, upload, lang), fields(actor = %actor.login.as_str(), ledger = ledger.key(), bytes = upload.1.len()))]
pub(crate) async fn import_upload_file(
    service: &Service,
    actor: &Officer,
    (ledger, format): (Ledger, FileFormat),
    upload: (&str, &[u8]),
    skip_invalid: bool,
    lang: Lang,
) -> Result<ImportReport, ImportFailure> {
    let (name, bytes) = upload;
    let dir = tempfile::tempdir()?;
    // The original extension, so that a workbook's reader knows xls from xlsx.
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or(format.extension())
        .to_ascii_lowercase();
    let file = dir.path().join(format!("upload.{ext}"));
    std::fs::write(&file, bytes)?;
    let mut req = ImportRequest::new(ledger, &file);
    req.skip_invalid = skip_invalid;
    req.rejects = Some(dir.path().join(format!("rejects.{}", format.extension())));
    Ok(import_file(service, actor, &req, None, lang).await?)
}
