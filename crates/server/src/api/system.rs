//! The bureau's periodic work on demand: `tick`, as `peiyu tick` runs it.

use peiyu_formats::json::{Problem, TickDto, TickParams};
use peiyu_service::{StoredAnswer, TickReport};

use super::{ApiQuery, Keyed, Sent, json_text};
use crate::AppState;
use crate::auth::Authed;
use crate::error::ApiResult;
use crate::lang::ApiLang;
use axum::response::Response;

/// Runs the periodic work now (admin): escalations, recurring tasks, lapses, the daily seal —
/// `peiyu tick`. The server also runs it hourly in the background; it is idempotent.
#[utoipa::path(
    post, path = "/api/v1/tick", tag = "system",
    params(
        TickParams,
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What each phase did", body = TickDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only an admin runs tick", body = Problem),
        (status = 422, description = "A bad day, or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn tick(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    ApiQuery(q): ApiQuery<TickParams>,
    sent: Sent,
) -> ApiResult<Response> {
    let write = sent.with_params(&[]);
    let render = move |report: &TickReport| StoredAnswer {
        status: 200,
        body: json_text(&TickDto::new(report, lang)),
        etag: None,
    };
    let service = &state.service;
    match write.keyed("tick", render)? {
        Keyed::Plain(render) => write.plain(&render, service.tick(&actor, q.today).await),
        Keyed::Once(once) => write.once(&once, service.tick_once(&actor, q.today, &once).await),
    }
}
