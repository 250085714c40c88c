//! The statistical register (统计名录): the register as of a day (`peiyu register list`), and
//! an enterprise's entry or exit by hand (`peiyu register enter|exit`), which honours
//! `Idempotency-Key`.

use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::Response;
use peiyu_domain::{RegisterKind, RegisterRoute, YearMonth};
use peiyu_formats::json::{
    FileParams, Problem, RegisterChangeDto, RegisterChangeRequest, RegisterListDto, RegisterQuery,
};
use peiyu_formats::lists;
use peiyu_formats::tr;
use peiyu_service::{
    Field, RegisterAction, RegisterChange, RegisterOutcome, ServiceError, StoredAnswer,
};

use super::{ApiQuery, Keyed, Sent, bad_field, json_text, parse_json};
use crate::AppState;
use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::lang::ApiLang;
use crate::views::{list_format, list_response};

/// The register as of a day: the enterprises counted (序号, name, town, sector, register,
/// month entered, route, output value January to that month) and the counts per register
/// (`peiyu register list`).
#[utoipa::path(
    get, path = "/api/v1/register", tag = "reports",
    params(RegisterQuery, FileParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The register: JSON by default, or the file of the format asked for (Content-Disposition: attachment)",
            content(
                (RegisterListDto = "application/json"),
                ("text/csv"),
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("text/markdown"),
                ("text/html"),
            )),
        (status = 401, description = "No valid token", body = Problem),
        (status = 422, description = "A bad day, register kind or format", body = Problem),
    )
)]
pub async fn register_list(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    ApiQuery(q): ApiQuery<RegisterQuery>,
    headers: HeaderMap,
    ApiQuery(f): ApiQuery<FileParams>,
) -> ApiResult<Response> {
    let format = list_format(f.format.as_deref(), &headers, &lists::REGISTER)?;
    let kind = q
        .kind
        .as_deref()
        .map(|k| RegisterKind::parse(k).map_err(|e| bad_field("kind", &e)))
        .transpose()?;
    let view = state.service.register_list(&actor, kind, q.as_of).await?;
    let title = format!(
        "{} {} {}",
        tr(lang, "统计名录", "Statistical register"),
        tr(lang, "截至", "as of"),
        view.as_of
    );
    list_response(
        &RegisterListDto::new(&view, lang),
        (&lists::REGISTER, format),
        (&title, &format!("register-{}", view.as_of)),
        lang,
    )
}

/// Enters an enterprise into a register (`"action": "enter"`, with `month` and `route`) or
/// records its exit (`"action": "exit"`, with `month` and `reason`): `peiyu register enter` /
/// `exit`. Admins, and leads of the enterprise's team.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{key}/register", tag = "enterprises",
    params(
        ("key" = String, Path, description = "USCC or an unambiguous name"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = RegisterChangeRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The stay entered or closed, as it now stands", body = RegisterChangeDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Neither an admin nor a lead of the enterprise's team", body = Problem),
        (status = 404, description = "No such enterprise", body = Problem),
        (status = 422, description = "A bad action, kind, month, route or day; an entry while in the register, an exit while not in it, an exit without a reason", body = Problem),
    )
)]
pub async fn change_register(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(key): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let request: RegisterChangeRequest = parse_json(&sent.headers, &sent.body, false)?;
    let kind = RegisterKind::parse(&request.kind).map_err(|e| bad_field("/kind", &e))?;
    let month = YearMonth::parse(&request.month).map_err(|e| bad_field("/month", &e))?;
    let action = match request.action.trim() {
        "enter" => RegisterAction::Enter {
            month,
            route: match request.route.as_deref() {
                None => RegisterRoute::Monthly,
                Some(r) => RegisterRoute::parse(r).map_err(|e| bad_field("/route", &e))?,
            },
        },
        "exit" => RegisterAction::Exit {
            month,
            reason: request.reason.clone().unwrap_or_default(),
        },
        other => {
            return Err(ApiError::invalid(
                "/action",
                format!("未知的操作「{other}」：应为 enter（入库）或 exit（退库）"),
                format!("unknown action \"{other}\": expected enter or exit"),
            ));
        }
    };
    let cmd = RegisterChange {
        enterprise: key,
        kind,
        action,
        on: request.on,
    };
    let write = sent.with_params(&["key"]);
    let service = &state.service;
    // The service names the month by its key; in the body it is `/month`.
    let pointed = |e: ServiceError| match e {
        ServiceError::Invalid { field, message } if field.key() == "month" => {
            ServiceError::Invalid {
                field: Field::named("/month"),
                message,
            }
        }
        other => other,
    };
    let render = move |outcome: &RegisterOutcome| StoredAnswer {
        status: 201,
        body: json_text(&RegisterChangeDto::new(outcome, lang)),
        etag: None,
    };
    match write.keyed("register.change", render)? {
        Keyed::Plain(render) => write.plain(&render, {
            service
                .change_register(&actor, cmd.clone())
                .await
                .map_err(pointed)
        }),
        Keyed::Once(once) => write.once(&once, {
            service
                .change_register_once(&actor, cmd, &once)
                .await
                .map_err(pointed)
        }),
    }
}
