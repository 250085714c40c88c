//! Changes to one task: assigning, transferring (转办), delegating (委派), reopening and
//! cancelling it, each through the service call the CLI's `task` commands make. `If-Match`
//! (the task's `ETag` from `GET /tasks/{id}`) is required; a stale one is a 409 carrying the
//! current `ETag`, and nothing changes. `Idempotency-Key` is honoured on each.

use axum::extract::Path;
use axum::response::Response;
use peiyu_domain::Lang;
use peiyu_service::{BulkTransfer, Due, NewTask, StoredAnswer, TaskChange, TaskDone};

use super::{Keyed, Sent, etag, json_text, parse_json, required_version};
use crate::AppState;
use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::lang::ApiLang;
use peiyu_formats::json::*;

/// The answer to a task change: 200, the task with the names it points at, its version as `ETag`.
fn task_answer(lang: Lang) -> impl Fn(&TaskDone) -> StoredAnswer + Send + Sync {
    move |done: &TaskDone| StoredAnswer {
        status: 200,
        body: json_text(&TaskDto::versioned(&done.task, &done.names, lang)),
        etag: etag(done.task.version).to_str().ok().map(str::to_owned),
    }
}

/// A stale `If-Match` (409) carries the task's current `ETag`.
pub(crate) async fn with_current_task_etag(state: &AppState, id: &str, e: ApiError) -> ApiError {
    let current = async { state.service.resolve_task(id).await.ok().map(|t| t.version) };
    super::with_current_etag(e, current).await
}

/// Makes `change` to the task `id` as the request asks: `If-Match` required, `Idempotency-Key`
/// honoured under `action`.
async fn change(
    state: AppState,
    actor: peiyu_domain::Officer,
    lang: Lang,
    id: String,
    sent: Sent,
    action: &'static str,
    change: TaskChange,
) -> ApiResult<Response> {
    let expected = required_version(&sent.headers)?;
    let write = sent.with_params(&["id"]);
    let service = &state.service;
    let answer = match write.keyed(action, task_answer(lang))? {
        Keyed::Plain(render) => write.plain(&render, {
            service
                .apply_task_change(&actor, &id, change, expected)
                .await
        }),
        Keyed::Once(once) => write.once(&once, {
            service
                .apply_task_change_once(&actor, &id, change, expected, &once)
                .await
        }),
    };
    match answer {
        Ok(response) => Ok(response),
        Err(e) => Err(with_current_task_etag(&state, &id, e).await),
    }
}

/// Gives an open task to another officer (分派): `peiyu task assign`. Leads and admins only.
#[utoipa::path(
    post, path = "/api/v1/tasks/{id}/assign", tag = "tasks",
    params(
        ("id" = String, Path, description = "The task's id or short id"),
        ("If-Match" = String, Header, description = "\"<version>\" from the task's ETag, or *", example = "*"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = TaskAssignRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The task, assigned, with its new version as ETag", body = TaskDto,
            headers(("ETag" = String, description = "\"<version>\" after the change"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only a lead or an admin assigns, to an officer of their team", body = Problem),
        (status = 404, description = "No such task", body = Problem),
        (status = 409, description = "Changed since that version (current_etag says the current one)", body = Problem),
        (status = 422, description = "No such officer, the task is not open, or the Idempotency-Key was used for another request", body = Problem),
        (status = 428, description = "If-Match is missing", body = Problem),
    )
)]
pub async fn assign_task(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let request: TaskAssignRequest = parse_json(&sent.headers, &sent.body, false)?;
    let to = request.to;
    change(
        state,
        actor,
        lang,
        id,
        sent,
        "task.assign",
        TaskChange::Assign { to },
    )
    .await
}

/// Gives an open task to another officer for good (转办), with a reason: `peiyu task transfer`.
#[utoipa::path(
    post, path = "/api/v1/tasks/{id}/transfer", tag = "tasks",
    params(
        ("id" = String, Path, description = "The task's id or short id"),
        ("If-Match" = String, Header, description = "\"<version>\" from the task's ETag, or *", example = "*"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = TaskTransferRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The task, transferred, with its new version as ETag", body = TaskDto,
            headers(("ETag" = String, description = "\"<version>\" after the change"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Not yours or your team's, or that officer is out of your reach", body = Problem),
        (status = 404, description = "No such task", body = Problem),
        (status = 409, description = "Changed since that version (current_etag says the current one)", body = Problem),
        (status = 422, description = "No reason, no such officer, already theirs, the task is not open, or the Idempotency-Key was used for another request", body = Problem),
        (status = 428, description = "If-Match is missing", body = Problem),
    )
)]
pub async fn transfer_task(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let request: TaskTransferRequest = parse_json(&sent.headers, &sent.body, false)?;
    let change_ = TaskChange::Transfer {
        to: request.to,
        reason: request.reason,
    };
    change(state, actor, lang, id, sent, "task.transfer", change_).await
}

/// Has another officer do an open task for its assignee (委派), or takes it back when `to` is
/// absent: `peiyu task delegate` / `undelegate`.
#[utoipa::path(
    post, path = "/api/v1/tasks/{id}/delegate", tag = "tasks",
    params(
        ("id" = String, Path, description = "The task's id or short id"),
        ("If-Match" = String, Header, description = "\"<version>\" from the task's ETag, or *", example = "*"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = TaskDelegateRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The task, delegated or taken back, with its new version as ETag", body = TaskDto,
            headers(("ETag" = String, description = "\"<version>\" after the change"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Not yours or your team's, or that officer is out of your reach", body = Problem),
        (status = 404, description = "No such task", body = Problem),
        (status = 409, description = "Changed since that version (current_etag says the current one)", body = Problem),
        (status = 422, description = "No such officer, its own assignee, not delegated, the task is not open, or the Idempotency-Key was used for another request", body = Problem),
        (status = 428, description = "If-Match is missing", body = Problem),
    )
)]
pub async fn delegate_task(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let request: TaskDelegateRequest = parse_json(&sent.headers, &sent.body, true)?;
    let to = request.to.filter(|t| !t.trim().is_empty());
    change(
        state,
        actor,
        lang,
        id,
        sent,
        "task.delegate",
        TaskChange::Delegate { to },
    )
    .await
}

/// Opens a done or cancelled task again, with a reason: `peiyu task reopen`.
#[utoipa::path(
    post, path = "/api/v1/tasks/{id}/reopen", tag = "tasks",
    params(
        ("id" = String, Path, description = "The task's id or short id"),
        ("If-Match" = String, Header, description = "\"<version>\" from the task's ETag, or *", example = "*"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = TaskReasonRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The task, open again, with its new version as ETag", body = TaskDto,
            headers(("ETag" = String, description = "\"<version>\" after the change"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Not yours or your team's", body = Problem),
        (status = 404, description = "No such task", body = Problem),
        (status = 409, description = "Changed since that version (current_etag says the current one)", body = Problem),
        (status = 422, description = "No reason, already open, or the Idempotency-Key was used for another request", body = Problem),
        (status = 428, description = "If-Match is missing", body = Problem),
    )
)]
pub async fn reopen_task(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let request: TaskReasonRequest = parse_json(&sent.headers, &sent.body, false)?;
    let reason = request.reason;
    change(
        state,
        actor,
        lang,
        id,
        sent,
        "task.reopen",
        TaskChange::Reopen { reason },
    )
    .await
}

/// Cancels an open task, with a reason: `peiyu task cancel`.
#[utoipa::path(
    post, path = "/api/v1/tasks/{id}/cancel", tag = "tasks",
    params(
        ("id" = String, Path, description = "The task's id or short id"),
        ("If-Match" = String, Header, description = "\"<version>\" from the task's ETag, or *", example = "*"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = TaskReasonRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The task, cancelled, with its new version as ETag", body = TaskDto,
            headers(("ETag" = String, description = "\"<version>\" after the change"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Not yours or your team's", body = Problem),
        (status = 404, description = "No such task", body = Problem),
        (status = 409, description = "Changed since that version (current_etag says the current one)", body = Problem),
        (status = 422, description = "No reason, the task is not open, or the Idempotency-Key was used for another request", body = Problem),
        (status = 428, description = "If-Match is missing", body = Problem),
    )
)]
pub async fn cancel_task(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let request: TaskReasonRequest = parse_json(&sent.headers, &sent.body, false)?;
    let reason = request.reason;
    change(
        state,
        actor,
        lang,
        id,
        sent,
        "task.cancel",
        TaskChange::Cancel { reason },
    )
    .await
}

/// Creates a task by hand: `peiyu task add`.
#[utoipa::path(
    post, path = "/api/v1/tasks", tag = "tasks",
    params(("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim")),
    request_body = NewTaskRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The task, created, with its version as ETag; a replay carries Idempotent-Replayed: true", body = TaskDto,
            headers(("ETag" = String, description = "\"1\""))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Your role may not, the enterprise is not yours or your team's, or the assignee is not in your team", body = Problem),
        (status = 404, description = "No such enterprise", body = Problem),
        (status = 422, description = "A field is invalid (kind, title, due, assignee), or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn add_task(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    sent: Sent,
) -> ApiResult<Response> {
    let request: NewTaskRequest = parse_json(&sent.headers, &sent.body, false)?;
    let kind =
        peiyu_domain::TaskKind::parse(&request.kind).map_err(|e| super::bad_field("/kind", &e))?;
    let due = match request.due.trim().parse::<u32>() {
        Ok(days) => Due::WorkingDays(days),
        Err(_) => Due::On(request.due.trim().parse().map_err(|_| {
            ApiError::invalid(
                "/due",
                "截止日期应为日期（如 2023-07-10）或工作日天数（如 5）",
                "due must be a date (e.g. 2023-07-10) or a number of working days (e.g. 5)",
            )
        })?),
    };
    let new = NewTask {
        enterprise: request.enterprise.filter(|e| !e.trim().is_empty()),
        kind,
        title: request.title,
        description: request.description,
        assignee: request.assignee.filter(|a| !a.trim().is_empty()),
        due,
        follow_up_on: request.follow_up_on,
    };
    let write = sent.with_params(&[]);
    let service = &state.service;
    let render = move |done: &TaskDone| StoredAnswer {
        status: 201,
        ..task_answer(lang)(done)
    };
    match write.keyed("task.add", render)? {
        Keyed::Plain(render) => write.plain(&render, service.add_task_named(&actor, new).await),
        Keyed::Once(once) => write.once(&once, service.add_task_once(&actor, new, &once).await),
    }
}

/// Gives every open task of one officer to another (转办), in one transaction, one audit entry
/// per task: `peiyu task transfer --from … --to …`. A lead or an admin; optionally only the
/// tasks about one enterprise or about the enterprises in one batch of this year's list.
#[utoipa::path(
    post, path = "/api/v1/tasks/transfers", tag = "tasks",
    params(("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim")),
    request_body = BulkTransferRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "How many tasks went from one officer to the other (0 when there were none)", body = TransferDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only a lead or an admin transfers in bulk", body = Problem),
        (status = 404, description = "No such enterprise", body = Problem),
        (status = 409, description = "A task changed meanwhile: nothing was transferred", body = Problem),
        (status = 422, description = "No reason, no such officer, the same officer twice, a bad batch, or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn bulk_transfer(
    state: AppState,
    Authed(actor): Authed,
    sent: Sent,
) -> ApiResult<Response> {
    let request: BulkTransferRequest = parse_json(&sent.headers, &sent.body, false)?;
    let cmd = BulkTransfer {
        batch: request
            .batch
            .map(peiyu_domain::Batch::new)
            .transpose()
            .map_err(|e| super::bad_field("/batch", &e))?,
        from: request.from,
        to: request.to,
        enterprise: request.enterprise.filter(|e| !e.trim().is_empty()),
        reason: request.reason,
    };
    let (from, to) = (cmd.from.clone(), cmd.to.clone());
    let render = move |moved: &Vec<peiyu_domain::Task>| StoredAnswer {
        status: 200,
        body: json_text(&TransferDto::new(moved, &from, &to)),
        etag: None,
    };
    let write = sent.with_params(&[]);
    let service = &state.service;
    let answer = match write.keyed("task.bulk_transfer", render)? {
        Keyed::Plain(render) => write.plain(&render, service.bulk_transfer(&actor, &cmd).await),
        Keyed::Once(once) => {
            write.once(&once, service.bulk_transfer_once(&actor, &cmd, &once).await)
        }
    };
    answer.map_err(|mut e| {
        // The enterprise filter is a body field here, not the path's key.
        if e.field.as_deref() == Some("/key") {
            e.field = Some("/enterprise".into());
        }
        e
    })
}
