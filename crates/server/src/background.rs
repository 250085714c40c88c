//! Work the server does on its own: `tick` every hour, and noticing when to stop.
//!
//! `tick` is idempotent and every change it makes is conditional on the row's version, so any
//! number of server instances may run it against one database; each instance waits a random
//! part of a minute before its first run so that instances started together do not all tick at
//! the same moment. A tick that loses a race to another instance is logged and the next hour
//! tries again.

use std::time::Duration;

use peiyu_service::{ErrorKind, Service};
use tracing::Instrument;

/// How often `tick` runs by default.
pub const TICK_EVERY: Duration = Duration::from_secs(60 * 60);

/// How often an instance reads the holiday notices loaded into the database, so that a notice
/// loaded through another instance (or the CLI) counts here within this time.
pub const CALENDAR_REFRESH_EVERY: Duration = Duration::from_secs(60);

/// Rebuilds the calendar in force from the database every `every` until `stop` turns true.
pub async fn calendar_refresh_loop(
    service: Service,
    every: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
        service.refresh_calendar().await;
    }
}

/// The delay before the first tick: 5 to 65 seconds, random per instance.
fn first_delay() -> Duration {
    let random = uuid::Uuid::new_v4().as_u128();
    Duration::from_secs(5 + (random % 61) as u64)
}

/// Runs `tick` as the first active admin every `every` until `stop` turns true (or its sender
/// goes away).
pub async fn tick_loop(
    service: Service,
    every: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut delay = first_delay().min(every);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
        run_tick(&service)
            .instrument(tracing::info_span!("tick"))
            .await;
        delay = every;
    }
}

/// One run of `tick`, logged; never fails the server.
pub async fn run_tick(service: &Service) {
    let admin = match service.admin_officer().await {
        Ok(Some(admin)) => admin,
        Ok(None) => {
            tracing::info!("no active admin: tick skipped");
            return;
        }
        Err(e) => {
            tracing::warn!(error = %e, "tick skipped: cannot find the admin");
            return;
        }
    };
    match service.tick(&admin, None).await {
        Ok(report) => {
            let summary = report
                .phases
                .iter()
                .map(|p| match &p.error {
                    None => p.phase.summary(p.count).en().to_owned(),
                    Some(e) => format!("{} failed: {}", p.phase.label().en(), e.en()),
                })
                .collect::<Vec<_>>()
                .join("; ");
            if report.all_ran() {
                tracing::info!(%summary, "tick done");
            } else {
                tracing::warn!(%summary, "tick did not finish every phase");
            }
        }
        Err(e) if e.kind() == ErrorKind::Conflict => {
            tracing::info!(error = %e, "tick raced another instance; the next run catches up");
        }
        Err(e) => tracing::warn!(error = %e, "tick failed"),
    }
}

/// Completes on Ctrl-C, or on SIGTERM on Unix.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
