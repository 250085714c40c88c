//! The OpenAPI document of the JSON API, generated from the handlers' path docs and the DTOs'
//! schemas, served at `GET /api/v1/openapi.json` without a token.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::PROBLEM_JSON;
use crate::{api, views};

/// The API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "peiyu API",
        description = "培育 — the county bureau's engine for cultivating enterprises: enterprises, \
            cultivation cases and their moves, tasks, four-batches lists, progress and the audit \
            log. Every endpoint but /health and this document needs `Authorization: Bearer <token>` \
            (`peiyu token create`). Messages follow `Accept-Language` (zh by default, en)."
    ),
    paths(
        api::health,
        api::list_enterprises,
        api::enterprises::show_enterprise,
        api::enterprises::add_enterprise,
        api::enterprises::edit_enterprise,
        api::enterprises::archive_enterprise,
        api::enterprises::record_metrics,
        api::enterprises::withdraw_case,
        api::enterprises::open_case,
        api::system::tick,
        api::people::add_officer,
        api::people::add_team,
        api::people::join_team,
        api::people::leave_team,
        api::batches::assign,
        api::batches::move_entry,
        api::batches::remove_entry,
        api::batches::show_entry,
        api::batches::copy_list,
        api::batches::publish_list,
        api::batches::accept_suggestions,
        api::enterprises::migrate_case,
        api::tasks::bulk_transfer,
        api::admin::set_target,
        api::admin::validate,
        api::admin::load,
        api::admin::list_tokens,
        api::admin::create_token,
        api::admin::revoke_token,
        api::ledgers::import_ledger,
        api::ledgers::export_ledger,
        api::show_cases,
        api::advance,
        api::list_tasks,
        views::weekly,
        views::task,
        views::officers,
        views::teams,
        views::team,
        views::audit_log,
        views::tracks,
        views::track,
        views::batch_diff,
        views::batch_suggestions,
        views::batch_history,
        views::metrics,
        views::as_of,
        views::targets,
        api::complete_task,
        api::tasks::add_task,
        api::tasks::assign_task,
        api::tasks::transfer_task,
        api::tasks::delegate_task,
        api::tasks::reopen_task,
        api::tasks::cancel_task,
        api::batch_list,
        api::progress,
        api::register::register_list,
        api::register::change_register,
        api::history,
        api::verify_audit,
        api::calendar_outlook,
        api::load_notice,
    ),
    modifiers(&BearerAuth, &Problems),
    tags(
        (name = "system", description = "Health"),
        (name = "enterprises", description = "Enterprises and their history"),
        (name = "cases", description = "Cultivations: an enterprise on a track, and its moves"),
        (name = "tasks", description = "Officers' tasks"),
        (name = "batches", description = "The four-batches lists"),
        (name = "reports", description = "Progress against targets"),
        (name = "audit", description = "The hash-chained audit log"),
        (name = "people", description = "Officers and teams"),
        (name = "tracks", description = "Cultivation tracks: stages, moves, guards, task templates"),
        (name = "ledgers", description = "Ledgers (台账): importing an upload, exporting a download"),
        (name = "calendar", description = "The working-day calendar and the State Council's holiday notices"),
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` security scheme the paths refer to.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("py_<64 hex digits>")
                    .build(),
            ),
        );
    }
}

/// Every error response as `application/problem+json` (the handlers' docs name the body, the
/// content type is set here, once), and a `default` response on every operation for the
/// refusals any request may meet (an unreadable body, a body, target or headers too large, a
/// wrong content type, the timeout).
struct Problems;

impl Modify for Problems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                item.get.as_mut(),
                item.put.as_mut(),
                item.post.as_mut(),
                item.delete.as_mut(),
                item.patch.as_mut(),
            ];
            for operation in operations.into_iter().flatten() {
                let responses = &mut operation.responses.responses;
                for (status, response) in responses.iter_mut() {
                    if let RefOr::T(response) = response
                        && (status.starts_with('4') || status.starts_with('5'))
                        && let Some(content) = response.content.shift_remove("application/json")
                    {
                        response.content.insert(PROBLEM_JSON.to_owned(), content);
                    }
                }
                responses.insert(
                    "default".to_owned(),
                    RefOr::T(
                        ResponseBuilder::new()
                            .description(
                                "Any other refusal, as a problem: 400 a body that is not JSON, \
                                 413 a body over 1 MiB, 414 a target over 8 KiB, 415 a body \
                                 that is not application/json, 431 headers over 32 KiB, 503 \
                                 the request took over 60 s (nothing changed)",
                            )
                            .content(
                                PROBLEM_JSON,
                                Content::new(Some(Ref::from_schema_name("Problem"))),
                            )
                            .build(),
                    ),
                );
            }
        }
    }
}

/// The document as JSON text.
pub fn document() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| {
        tracing::error!(error = %e, "the OpenAPI document does not serialise");
        "{}".to_owned()
    })
}
