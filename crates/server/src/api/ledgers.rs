//! Ledgers (台账) over HTTP: importing one as a multipart upload, exactly as `peiyu import` and
//! the import page do (`peiyu_formats::ledger::import_file`), and exporting one as a download,
//! as `peiyu export` does (`peiyu_formats::ledger::export_sheet`).
//!
//! An import writes nothing unless every row is valid or `skip_invalid` was asked for; rows
//! with problems stop it with a 422 problem that names each at fault (`/file/<line>/<field>`)
//! and carries the whole report in `report`.

use axum::extract::Path;
use axum::extract::{FromRequest, Multipart};
use axum::http::StatusCode;
use axum::response::Response;
use peiyu_domain::{Lang, Text, YearMonth};
use peiyu_formats::json::{ImportReportDto, Problem};
use peiyu_formats::ledger::ImportReport;
use peiyu_formats::ledger::columns::Ledger;
use peiyu_formats::ledger::read::FileFormat;
use peiyu_formats::ledger::{ExportQuery, LedgerError, export_sheet, write};
use peiyu_formats::weekly::Format;
use peiyu_service::{Field, ServiceError, StoredAnswer};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{ApiQuery, Keyed, Sent};
use crate::AppState;
use crate::auth::Authed;
use crate::error::{ApiError, ApiResult, Extra};
use crate::lang::ApiLang;
use crate::pages::import::{ImportFailure, import_upload_file};
use crate::views::{file_response, rendering_failed};

/// The largest ledger upload: 20 MiB, as the import page's.
pub const MAX_IMPORT_BYTES: usize = crate::pages::security::MAX_IMPORT_BYTES;

/// The form of `POST /import/ledger` (multipart/form-data), as the OpenAPI document shows it.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct LedgerUpload {
    /// `enterprises`, `metrics`, `batches`, `tasks` or `register`.
    #[schema(example = "enterprises")]
    ledger: String,
    /// The file: CSV (UTF-8 or GB18030/GBK) or XLSX (its first sheet), with the columns an
    /// export has.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `true` imports the valid rows and reports the others; default all or nothing.
    skip_invalid: Option<bool>,
}

fn ledger_named(field: &str, key: &str) -> ApiResult<Ledger> {
    Ledger::ALL
        .into_iter()
        .find(|l| l.key() == key.trim())
        .ok_or_else(|| {
            ApiError::invalid(
                field,
                format!("未知的台账「{key}」：可用 enterprises、metrics、batches、tasks、register"),
                format!(
                    "unknown ledger \"{key}\": use enterprises, metrics, batches, tasks or register"
                ),
            )
        })
}

/// The fields of the upload: the ledger, the file (name and bytes), whether to skip.
async fn read_upload(mut form: Multipart) -> ApiResult<(String, Option<(String, Vec<u8>)>, bool)> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        ApiError::from_status(e.status(), &e.body_text())
    };
    let (mut ledger, mut file, mut skip) = (String::new(), None, false);
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                let file_name = field.file_name().unwrap_or("upload.csv").to_owned();
                let bytes = field.bytes().await.map_err(unreadable)?;
                file = Some((file_name, bytes.to_vec()));
            }
            "ledger" => ledger = field.text().await.map_err(unreadable)?,
            "skip_invalid" => {
                skip = matches!(
                    field.text().await.map_err(unreadable)?.trim(),
                    "true" | "1" | "on"
                )
            }
            _ => {}
        }
    }
    Ok((ledger, file, skip))
}

/// Imports a ledger file (multipart: `ledger`, `file`, `skip_invalid`): `peiyu import`. Answers
/// its report — rows read, added, changed, unchanged, every problem by line and column — or,
/// when rows have problems and nothing was written, a 422 naming each and carrying the report.
#[utoipa::path(
    post, path = "/api/v1/import/ledger", tag = "ledgers",
    params(("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same upload gets the first answer back verbatim, and imports nothing again")),
    request_body(content = LedgerUpload, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Imported (with skip_invalid, the valid rows; the others are listed)", body = ImportReportDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Your role may not import this ledger", body = Problem),
        (status = 413, description = "A file over 20 MiB", body = Problem),
        (status = 415, description = "Not multipart/form-data", body = Problem),
        (status = 422, description = "No or an unknown ledger, no file, a file that cannot be read, or rows with problems (nothing written; each row named /file/<line>/<field>, the report in `report`)", body = Problem),
    )
)]
pub async fn import_ledger(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    sent: Sent,
) -> ApiResult<Response> {
    // The raw body is kept (the key's fingerprint), then read as the multipart form it is.
    let mut raw = axum::extract::Request::new(axum::body::Body::from(sent.body.clone()));
    if let Some(ct) = sent.headers.get(axum::http::header::CONTENT_TYPE) {
        raw.headers_mut()
            .insert(axum::http::header::CONTENT_TYPE, ct.clone());
    }
    let form = Multipart::from_request(raw, &())
        .await
        .map_err(|r| ApiError {
            field: Some("Content-Type".into()),
            ..ApiError::from_status(StatusCode::UNSUPPORTED_MEDIA_TYPE, &r.body_text())
        })?;
    let (ledger, file, skip_invalid) = read_upload(form).await?;
    let ledger = ledger_named("/ledger", &ledger)?;
    let (name, bytes) = file.filter(|(_, b)| !b.is_empty()).ok_or_else(|| {
        ApiError::invalid(
            "/file",
            "请上传 CSV 或 XLSX 文件",
            "upload the CSV or XLSX file",
        )
    })?;
    let format = FileFormat::of_path(std::path::Path::new(&name)).ok_or_else(|| {
        ApiError::invalid(
            "/file",
            "只能导入 .csv、.txt、.xlsx、.xlsm、.xls 或 .ods 文件",
            "only .csv, .txt, .xlsx, .xlsm, .xls and .ods files can be imported",
        )
    })?;
    let instance = sent.uri.path().to_owned();
    let render =
        move |report: &ImportReport| report_answer(ledger, report, skip_invalid, lang, &instance);
    let act = async {
        import_upload_file(
            &state.service,
            &actor,
            (ledger, format),
            (&name, &bytes),
            skip_invalid,
            lang,
        )
        .await
        .map_err(|e| import_error(e, &name, lang))
    };
    let write = sent.with_params(&[]);
    match write.keyed("ledger.import", render)? {
        Keyed::Plain(render) => write.plain(&render, act.await),
        // Many units of work: the key is claimed before the first and answered after the last.
        Keyed::Once(once) => write.once(
            &once,
            state.service.once_across_units(&actor, &once, act).await,
        ),
    }
}

/// Why an upload could not be imported at all, as the service's error: the file named (its
/// name as uploaded, not the server's temporary path), or the use case's own refusal.
fn import_error(e: ImportFailure, name: &str, lang: Lang) -> ServiceError {
    match e {
        ImportFailure::Ledger(LedgerError::Service(e)) => e,
        ImportFailure::Ledger(LedgerError::File { path, error }) => {
            let text = peiyu_domain::Localize::localize(&error, lang);
            let shown = path.display().to_string();
            ServiceError::invalid(
                Field::named("file"),
                Text::new(
                    text.zh().replace(&shown, name),
                    text.en().replace(&shown, name),
                ),
            )
        }
        other => {
            tracing::error!(error = %other, "an upload could not be imported");
            ServiceError::Unavailable {
                message: Text::new(
                    "服务器无法暂存上传的文件：请稍后再试，或请管理员查看磁盘空间",
                    "the server could not keep the upload: try again later, or ask the admin to check the disk",
                ),
                retry_after_secs: 5,
            }
        }
    }
}

/// An import's answer: its report (200); or, when rows have problems and nothing was written,
/// a 422 problem naming each row's field as `/file/<line>/<field>`, the report in `report`.
fn report_answer(
    ledger: Ledger,
    report: &ImportReport,
    skip_invalid: bool,
    lang: Lang,
    instance: &str,
) -> StoredAnswer {
    let mut dto = ImportReportDto::new(ledger, report, lang);
    // The rejects file was the server's, and is gone: the problems list the rows.
    dto.rejects_file = None;
    if report.problems.is_empty() || skip_invalid {
        return StoredAnswer {
            status: 200,
            body: super::json_text(&dto),
            etag: None,
        };
    }
    let rejected = dto.rejected;
    let more = report
        .problems
        .iter()
        .map(|p| (format!("/file/{}/{}", p.line, p.field), p.message.clone()))
        .collect();
    let error = ApiError {
        extra: Some(Box::new(Extra {
            more,
            report: serde_json::to_value(&dto).ok(),
            ..Extra::default()
        })),
        ..ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Text::new(
                format!(
                    "{rejected} 行有误，未导入任何数据：请改正后重新上传，或以 skip_invalid 先导入正确的行"
                ),
                format!(
                    "{rejected} rows have problems; nothing was imported: fix them and upload again, or send skip_invalid to import the good ones"
                ),
            ),
        )
    };
    StoredAnswer {
        status: 422,
        body: super::json_text(&error.problem(lang, instance, None)),
        etag: None,
    }
}

/// `GET /export/{ledger}` parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `csv` (the default) or `xlsx`.
    pub format: Option<String>,
    /// The batch list's year (the batches ledger; default the latest list).
    pub list: Option<i32>,
    /// Figures from this month, `YYYY-MM` (the metrics ledger).
    pub from: Option<String>,
    /// Figures to this month, `YYYY-MM` (the metrics ledger).
    pub to: Option<String>,
}

/// A ledger as a download, the columns an import reads: `peiyu export`.
#[utoipa::path(
    get, path = "/api/v1/export/{ledger}", tag = "ledgers",
    params(("ledger" = String, Path, description = "enterprises, metrics, batches, tasks or register"), ExportParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The ledger as a file (Content-Disposition: attachment)",
            content(
                ("text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )),
        (status = 401, description = "No valid token", body = Problem),
        (status = 404, description = "No batch list yet", body = Problem),
        (status = 422, description = "An unknown ledger or format, or a bad month", body = Problem),
    )
)]
pub async fn export_ledger(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(ledger): Path<String>,
    ApiQuery(q): ApiQuery<ExportParams>,
) -> ApiResult<Response> {
    let ledger = ledger_named("ledger", &ledger)?;
    let (format, file_format) = match q.format.as_deref().map(str::trim) {
        None | Some("csv") => (Format::Csv, FileFormat::Csv),
        Some("xlsx") => (Format::Xlsx, FileFormat::Xlsx),
        Some(other) => {
            let shown: String = other.chars().take(20).collect();
            return Err(ApiError::invalid(
                "format",
                format!("台账只能导出为 csv 或 xlsx，不是「{shown}」"),
                format!("a ledger exports as csv or xlsx, not \"{shown}\""),
            ));
        }
    };
    let month = |field: &str, text: &Option<String>| {
        text.as_deref()
            .map(|t| {
                t.parse::<YearMonth>()
                    .map_err(|e| super::bad_field(field, &e))
            })
            .transpose()
    };
    let query = ExportQuery {
        ledger,
        list: q.list,
        from: month("from", &q.from)?,
        to: month("to", &q.to)?,
    };
    let sheet = export_sheet(&state.service, &actor, &query, lang)
        .await
        .map_err(|e| match e {
            LedgerError::Service(e) => ApiError::from(e),
            LedgerError::NoBatchList => ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                Text::new("还没有「四个一批」名单", "there is no batch list yet"),
            ),
            other => {
                tracing::error!(error = %other, "a ledger could not be exported");
                ApiError::internal("无法导出该台账", "the ledger could not be exported")
            }
        })?;
    let bytes = write::bytes(file_format, &sheet).map_err(|e| rendering_failed(&e, format))?;
    Ok(file_response(bytes, format, ledger.key()))
}
