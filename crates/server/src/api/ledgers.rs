//! The ledgers (台账) as files over HTTP: an import is a multipart upload answered with the same
//! report as `peiyu import` (rows read, what was added, changed or left as it was, every problem
//! by line and column; nothing written unless every row is valid, or `skip_invalid` was asked
//! for), and an export is a download, the bytes `peiyu export` writes. Both go through the CLI's
//! own `peiyu_formats::ledger` functions.

use axum::extract::{FromRequest, Multipart, Path};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use peiyu_domain::{Lang, Officer, YearMonth};
use peiyu_formats::json::{ExportParams, ImportReportDto, Problem};
use peiyu_formats::ledger::columns::Ledger;
use peiyu_formats::ledger::read::FileFormat;
use peiyu_formats::ledger::{
    ExportQuery, ImportReport, ImportRequest, LedgerError, export_sheet, import_file,
};
use peiyu_service::{Field, ServiceError, ServiceResult, StoredAnswer};

use super::{ApiQuery, Keyed, Sent, json_text};
use crate::AppState;
use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::lang::ApiLang;

/// The largest ledger file accepted by upload: 20 MiB, as on the import page.
pub const MAX_LEDGER_UPLOAD: usize = crate::pages::security::MAX_IMPORT_BYTES;

/// The ledger a path names, or a 422 naming `ledger` with the four there are.
fn ledger_of(key: &str) -> ApiResult<Ledger> {
    Ledger::ALL
        .into_iter()
        .find(|l| l.key() == key)
        .ok_or_else(|| {
            ApiError::invalid(
                "ledger",
                format!("没有台账「{key}」：可用 enterprises、metrics、batches、tasks"),
                format!("no ledger \"{key}\": use enterprises, metrics, batches or tasks"),
            )
        })
}

/// A file sent in the upload.
struct Uploaded {
    name: String,
    bytes: Vec<u8>,
}

/// The multipart form of an import: its `file` and whether to skip invalid rows.
async fn read_form(sent: &Sent) -> ApiResult<(Option<Uploaded>, bool)> {
    let mut request = axum::extract::Request::new(axum::body::Body::from(sent.body.clone()));
    if let Some(ct) = sent.headers.get(header::CONTENT_TYPE) {
        request
            .headers_mut()
            .insert(header::CONTENT_TYPE, ct.clone());
    }
    let bad_form = |detail: String| {
        ApiError::invalid(
            "/file",
            format!("上传内容不是有效的 multipart/form-data：{detail}"),
            format!("the upload is not valid multipart/form-data: {detail}"),
        )
    };
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|e| bad_form(e.body_text()))?;
    let (mut file, mut skip_invalid) = (None, false);
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| bad_form(e.body_text()))?
    {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload.csv").to_owned();
                let bytes = field.bytes().await.map_err(|e| bad_form(e.body_text()))?;
                file = Some(Uploaded {
                    name,
                    bytes: bytes.to_vec(),
                });
            }
            Some("skip_invalid") => {
                let text = field.text().await.map_err(|e| bad_form(e.body_text()))?;
                skip_invalid = matches!(text.trim(), "true" | "1" | "on" | "yes");
            }
            _ => {}
        }
    }
    Ok((file, skip_invalid))
}

/// Imports `file` as `ledger` through `import_file`, from a private directory removed
/// afterwards (the reader works on files; the rejects file is not kept: the report lists
/// every rejected line). A file that cannot be read is an invalid `file`.
async fn import_upload(
    state: &AppState,
    actor: &Officer,
    ledger: Ledger,
    format: FileFormat,
    file: &Uploaded,
    skip_invalid: bool,
    lang: Lang,
) -> ServiceResult<ImportReport> {
    let keep_failed = |e: std::io::Error| {
        ServiceError::invalid(
            Field::named("file"),
            peiyu_domain::Text::new(
                format!("服务器无法暂存上传的文件：{e}"),
                format!("the server could not keep the upload: {e}"),
            ),
        )
    };
    let dir = tempfile::tempdir().map_err(keep_failed)?;
    let ext = std::path::Path::new(&file.name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or(format.extension())
        .to_ascii_lowercase();
    let path = dir.path().join(format!("upload.{ext}"));
    std::fs::write(&path, &file.bytes).map_err(keep_failed)?;
    let mut req = ImportRequest::new(ledger, &path);
    req.skip_invalid = skip_invalid;
    req.rejects = Some(dir.path().join(format!("rejects.{}", format.extension())));
    import_file(&state.service, actor, &req, None, lang)
        .await
        .map_err(|e| match e {
            LedgerError::Service(e) => e,
            LedgerError::File { path: p, error } => {
                let shown = |text: String| text.replace(&p.display().to_string(), &file.name);
                ServiceError::invalid(
                    Field::named("file"),
                    peiyu_domain::Text::new(shown(error.message_zh()), shown(error.to_string())),
                )
            }
            LedgerError::NoBatchList => ServiceError::invalid(
                Field::named("file"),
                peiyu_domain::Text::new(
                    "还没有四个一批名单：请先建立当年的名单",
                    "there is no four-batches list yet: create this year's list first",
                ),
            ),
        })
}

/// Imports a ledger file (CSV in UTF-8 or GBK, or XLSX; at most 20 MiB) sent as
/// `multipart/form-data` with a `file` part and an optional `skip_invalid` part (`true`):
/// `peiyu import LEDGER FILE [--skip-invalid]`. Answers the import's report: rows read, rows
/// added, changed and unchanged, whether anything was written, and every problem by line and
/// column. A file with problems writes nothing (200, `written: false`) unless `skip_invalid`
/// is set, which writes the valid rows. A file that cannot be read at all is a 422 naming `file`.
#[utoipa::path(
    post, path = "/api/v1/import/{ledger}", tag = "ledgers",
    params(
        ("ledger" = String, Path, description = "enterprises, metrics, batches or tasks"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same upload gets the first report back verbatim"),
    ),
    request_body(content_type = "multipart/form-data", description = "`file`: the ledger file; `skip_invalid`: `true` to write the valid rows when some are not"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The import's report (written or not)", body = ImportReportDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "The officer may not import this ledger", body = Problem),
        (status = 413, description = "The upload is larger than 20 MiB", body = Problem),
        (status = 422, description = "No file, an unknown ledger or file type, a file that cannot be read, or a reused Idempotency-Key", body = Problem),
    )
)]
pub async fn import_ledger(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(ledger): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let ledger = ledger_of(&ledger)?;
    let (file, skip_invalid) = read_form(&sent).await?;
    let Some(file) = file else {
        return Err(ApiError::invalid(
            "/file",
            "请在 file 部分上传 CSV 或 XLSX 文件",
            "send the CSV or XLSX file as the `file` part",
        ));
    };
    let Some(format) = FileFormat::of_path(std::path::Path::new(&file.name)) else {
        return Err(ApiError::invalid(
            "/file",
            "只能导入 .csv、.txt、.xlsx、.xlsm、.xls 或 .ods 文件",
            "only .csv, .txt, .xlsx, .xlsm, .xls and .ods files can be imported",
        ));
    };
    let write = sent.with_params(&["ledger"]);
    let render = move |report: &ImportReport| StoredAnswer {
        status: 200,
        body: json_text(&without_rejects_file(ImportReportDto::new(
            ledger, report, lang,
        ))),
        etag: None,
    };
    let act = import_upload(&state, &actor, ledger, format, &file, skip_invalid, lang);
    match write.keyed("ledger.import", render)? {
        Keyed::Plain(render) => write.plain(&render, act.await),
        Keyed::Once(once) => write.once(
            &once,
            state.service.once_across_units(&actor, &once, act).await,
        ),
    }
}

/// The report without the server's temporary rejects file, which is gone once answered.
fn without_rejects_file(mut dto: ImportReportDto) -> ImportReportDto {
    dto.rejects_file = None;
    dto
}

/// Downloads a ledger as CSV (UTF-8 with a byte-order mark) or XLSX: `peiyu export LEDGER -o
/// FILE` — the enterprises, the monthly figures (`from` and `to` months), a year's batch list
/// (`list`, default the latest) or the tasks; the columns `import` reads back.
#[utoipa::path(
    get, path = "/api/v1/export/{ledger}", tag = "ledgers",
    params(
        ("ledger" = String, Path, description = "enterprises, metrics, batches or tasks"),
        ExportParams,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The ledger file (Content-Disposition: attachment)",
            content(
                ("text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )),
        (status = 401, description = "No valid token", body = Problem),
        (status = 422, description = "An unknown ledger or format, or a bad month or year", body = Problem),
    )
)]
pub async fn export_ledger(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(ledger): Path<String>,
    ApiQuery(q): ApiQuery<ExportParams>,
) -> ApiResult<Response> {
    let ledger = ledger_of(&ledger)?;
    let format = match q.format.as_deref() {
        None => FileFormat::Xlsx,
        Some(f) => FileFormat::parse(f).ok_or_else(|| {
            ApiError::invalid(
                "format",
                format!("不支持的格式「{f}」：应为 csv 或 xlsx"),
                format!("unsupported format \"{f}\": use csv or xlsx"),
            )
        })?,
    };
    let month = |name: &'static str, text: &Option<String>| -> ApiResult<Option<YearMonth>> {
        text.as_deref()
            .map(|t| {
                YearMonth::parse(t).map_err(|_| {
                    ApiError::invalid(
                        name,
                        format!("「{t}」不是月份：应为 YYYY-MM"),
                        format!("\"{t}\" is not a month: expected YYYY-MM"),
                    )
                })
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
            other => ApiError::invalid("list", other.to_string(), other.to_string()),
        })?;
    let bytes = peiyu_formats::ledger::write::bytes(format, &sheet).map_err(|e| {
        tracing::error!(error = %e, "a ledger could not be written");
        ApiError::internal("台账文件无法生成", "the ledger file could not be written")
    })?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(match format {
            FileFormat::Csv => "text/csv; charset=utf-8",
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }),
    );
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}.{}\"",
        ledger.key(),
        format.extension()
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
