//! The OpenAPI document of the JSON API, generated from the handlers' path docs and the DTOs'
//! schemas, served at `GET /api/v1/openapi.json` without a token.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

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
        api::show_enterprise,
        api::show_cases,
        api::advance,
        api::list_tasks,
        views::weekly,
        views::task,
        views::officers,
        views::teams,
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
        api::batch_list,
        api::progress,
        api::history,
        api::verify_audit,
        api::calendar_outlook,
        api::load_notice,
    ),
    modifiers(&BearerAuth),
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

/// The document as JSON text.
pub fn document() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| {
        tracing::error!(error = %e, "the OpenAPI document does not serialise");
        "{}".to_owned()
    })
}
