//! peiyu-server: the HTTP JSON API under `/api/v1` (with its OpenAPI document), bearer-token
//! authentication, and the web pages officers read — my week, enterprises by batch, one
//! enterprise with its moves and history, tasks, progress.
//!
//! The only crate that knows HTTP. It translates requests into calls on
//! [`peiyu_service::Service`] and service errors into statuses ([`error`]), nothing more: every
//! rule, every authorisation decision and every write stays in the service.

pub mod api;
pub mod auth;
pub mod background;
pub mod error;
pub mod lang;
pub mod openapi;
pub mod pages;
pub mod views;

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use peiyu_service::Service;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tracing::Instrument;

/// What every handler shares: the use cases.
///
/// Extracted as `state: AppState` (rather than `State<AppState>`), it is the service acting
/// for the request: [`Service::with_request_id`] with the request's [`RequestId`], so every
/// audit entry the handler's use cases write carries it.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The service the handlers call.
    pub service: Service,
}

impl axum::extract::FromRequestParts<AppState> for AppState {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let service = match parts.extensions.get::<RequestId>() {
            Some(RequestId(id)) => state.service.with_request_id(id.clone()),
            None => state.service.clone(),
        };
        Ok(AppState { service })
    }
}

/// The largest request body the API reads: 1 MiB (a holiday notice is about 3 KB, a move's
/// body well under 1 KB). A larger one is refused with 413 before it is read.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How long one API request may take before the server gives up on it and answers 503 (its
/// unit of work, not yet committed, rolls back).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The header that names a request: taken from the client when usable, made otherwise, and
/// always sent back.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The longest `X-Request-Id` taken from a client.
const MAX_REQUEST_ID: usize = 128;

/// The request's id ([`request_ids`]), in its extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(pub String);

/// Names every request: its `X-Request-Id` when that is 1 to 128 visible ASCII characters,
/// otherwise a new UUID v7. The id goes into the request's extensions (and so into the audit
/// entries its use cases write, through [`AppState`]), into the request's span, and back to the
/// client in the response's `X-Request-Id`.
async fn request_ids(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| {
            !v.is_empty() && v.len() <= MAX_REQUEST_ID && v.chars().all(|c| c.is_ascii_graphic())
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    tracing::Span::current().record("request_id", id.as_str());
    let header = HeaderValue::from_str(&id);
    request.extensions_mut().insert(RequestId(id));
    let mut response = next.run(request).await;
    if let Ok(value) = header {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Serving failed.
    #[error("the server stopped: {0}")]
    Serve(#[source] std::io::Error),
}

/// How to run the server.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Where to listen.
    pub listen: SocketAddr,
    /// How often to run `tick` in the background; `None` never.
    pub tick_every: Option<Duration>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            tick_every: Some(background::TICK_EVERY),
        }
    }
}

/// The whole application: the API under `/api/v1`, its OpenAPI document, and the pages.
pub fn router(service: Service) -> Router {
    let state = AppState { service };
    let api = Router::new()
        .route("/health", get(api::health))
        .route("/openapi.json", get(openapi_json))
        .route(
            "/enterprises",
            get(api::list_enterprises).post(api::enterprises::add_enterprise),
        )
        .route(
            "/enterprises/{key}",
            get(api::enterprises::show_enterprise).patch(api::enterprises::edit_enterprise),
        )
        .route(
            "/enterprises/{key}/archive",
            post(api::enterprises::archive_enterprise),
        )
        .route(
            "/enterprises/{key}/cases/{track}/withdraw",
            post(api::enterprises::withdraw_case),
        )
        .route("/teams/{team}/members", post(api::people::join_team))
        .route(
            "/teams/{team}/members/{login}/leave",
            post(api::people::leave_team),
        )
        .route("/batches/{year}/entries", post(api::batches::assign))
        .route(
            "/batches/{year}/entries/{key}",
            get(api::batches::show_entry),
        )
        .route("/batches/{year}/copy", post(api::batches::copy_list))
        .route("/batches/{year}/publish", post(api::batches::publish_list))
        .route(
            "/batches/{year}/suggestions/accept",
            post(api::batches::accept_suggestions),
        )
        .route(
            "/enterprises/{key}/cases/{track}/migrate",
            post(api::enterprises::migrate_case),
        )
        .route("/tasks/transfers", post(api::tasks::bulk_transfer))
        .route(
            "/tokens",
            get(api::admin::list_tokens).post(api::admin::create_token),
        )
        .route("/tokens/{id}/revoke", post(api::admin::revoke_token))
        .route("/tracks/validate", post(api::admin::validate))
        .route(
            "/import/ledger",
            post(api::ledgers::import_ledger)
                .layer(DefaultBodyLimit::max(api::ledgers::MAX_IMPORT_BYTES)),
        )
        .route("/export/{ledger}", get(api::ledgers::export_ledger))
        .route(
            "/batches/{year}/entries/{key}/move",
            post(api::batches::move_entry),
        )
        .route(
            "/batches/{year}/entries/{key}/remove",
            post(api::batches::remove_entry),
        )
        .route(
            "/enterprises/{key}/cases",
            get(api::show_cases).post(api::enterprises::open_case),
        )
        .route("/tick", post(api::system::tick))
        .route(
            "/enterprises/{key}/cases/{track}/advance",
            post(api::advance),
        )
        .route("/enterprises/{key}/history", get(api::history))
        .route("/tasks", get(api::list_tasks).post(api::tasks::add_task))
        .route("/weekly", get(views::weekly))
        .route("/tasks/{id}", get(views::task))
        .route(
            "/officers",
            get(views::officers).post(api::people::add_officer),
        )
        .route("/teams", get(views::teams).post(api::people::add_team))
        .route("/teams/{team}", get(views::team))
        .route("/audit/log", get(views::audit_log))
        .route("/tracks", get(views::tracks).post(api::admin::load))
        .route("/tracks/{track}", get(views::track))
        .route("/batches/{year}/diff", get(views::batch_diff))
        .route("/batches/{year}/suggestions", get(views::batch_suggestions))
        .route("/enterprises/{key}/batches", get(views::batch_history))
        .route(
            "/enterprises/{key}/metrics",
            get(views::metrics).post(api::enterprises::record_metrics),
        )
        .route("/asof/{date}", get(views::as_of))
        .route("/targets", get(views::targets).post(api::admin::set_target))
        .route("/tasks/{id}/done", post(api::complete_task))
        .route("/tasks/{id}/assign", post(api::tasks::assign_task))
        .route("/tasks/{id}/transfer", post(api::tasks::transfer_task))
        .route("/tasks/{id}/delegate", post(api::tasks::delegate_task))
        .route("/tasks/{id}/reopen", post(api::tasks::reopen_task))
        .route("/tasks/{id}/cancel", post(api::tasks::cancel_task))
        .route("/batches/{year}", get(api::batch_list))
        .route("/reports/progress", get(api::progress))
        .route("/register", get(api::register::register_list))
        .route(
            "/enterprises/{key}/register",
            post(api::register::change_register),
        )
        .route("/audit/verify", get(api::verify_audit))
        .route("/calendar", get(api::calendar_outlook))
        .route("/calendar/notices", post(api::load_notice))
        .fallback(api::no_route)
        .method_not_allowed_fallback(api::wrong_method)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn(error::problems))
        .layer(CompressionLayer::new());
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .nest("/api/v1", api)
        .merge(pages::routes())
        .layer(middleware::from_fn(request_ids))
        .layer(middleware::from_fn(trace_requests))
        .with_state(state)
}

/// Liveness: the process answers (no database involved). Always 200 `ok`.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers and has its schema: 200 `ready`, else 503 with
/// Retry-After and the error body naming what is wrong.
async fn readyz(state: AppState) -> Result<&'static str, error::ApiError> {
    match state.service.check_ready().await {
        Ok(()) => Ok("ready"),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            // Not initialised is "not ready" too: a load balancer reads 503, not 500.
            let mut refusal = error::ApiError::from(e);
            refusal.status = axum::http::StatusCode::SERVICE_UNAVAILABLE;
            refusal.kind = "unavailable";
            Err(refusal)
        }
    }
}

async fn openapi_json() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        openapi::document(),
    )
        .into_response()
}

/// One span per request with its method, path and (once known) officer; logs the status and
/// how long it took. Query strings and bodies are not logged: they may carry personal data.
async fn trace_requests(request: Request, next: Next) -> Response {
    let span = tracing::info_span!(
        "http",
        method = %request.method(),
        path = %request.uri().path(),
        officer = tracing::field::Empty,
        request_id = tracing::field::Empty,
    );
    let started = Instant::now();
    async move {
        let response = next.run(request).await;
        let status = response.status().as_u16();
        let millis = started.elapsed().as_millis();
        if status >= 500 {
            tracing::error!(status, millis, "request failed");
        } else {
            tracing::info!(status, millis, "request");
        }
        response
    }
    .instrument(span)
    .await
}

/// Serves on an already bound listener until `shutdown` completes, running `tick` in the
/// background every `tick_every`; in-flight requests finish before it returns.
pub async fn serve_on(
    service: Service,
    listener: tokio::net::TcpListener,
    tick_every: Option<Duration>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let ticker = tick_every.map(|every| {
        tokio::spawn(background::tick_loop(
            service.clone(),
            every,
            stop_rx.clone(),
        ))
    });
    let refresher = tokio::spawn(background::calendar_refresh_loop(
        service.clone(),
        background::CALENDAR_REFRESH_EVERY,
        stop_rx.clone(),
    ));
    let app = router(service);
    // The peer's address is the login rate limit's (auth::ClientInfo).
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing the requests in flight");
        })
        .await;
    let _ = stop_tx.send(true);
    if let Err(e) = refresher.await {
        tracing::warn!(error = %e, "the calendar refresh ended abnormally");
    }
    if let Some(ticker) = ticker
        && let Err(e) = ticker.await
    {
        tracing::warn!(error = %e, "the background tick ended abnormally");
    }
    served.map_err(ServerError::Serve)
}

/// Binds a listener on `addr`.
pub async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, ServerError> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind { addr, source })
}

/// Binds `config.listen` and serves until Ctrl-C (or SIGTERM on Unix).
pub async fn serve(service: Service, config: ServerConfig) -> Result<(), ServerError> {
    let listener = bind(config.listen).await?;
    let addr = listener.local_addr().unwrap_or(config.listen);
    tracing::info!(%addr, "peiyu server listening");
    serve_on(
        service,
        listener,
        config.tick_every,
        background::shutdown_signal(),
    )
    .await
}
