//! peiyu-service: the use cases. The one API the CLI and the server call.
//!
//! Each use case loads what it needs from storage, decides (with peiyu-workflow where a track,
//! guard or deadline is involved, and with [`authz`] for who may act), and hands storage the
//! changes to record in one unit of work. Nothing here knows about HTTP or terminals; the one
//! file chosen by a user it touches is a database backup (`backup`), because copying and
//! putting back a database is the store's business.

pub mod accounts;
pub mod asof;
pub mod audit;
pub mod audit_export;
pub mod authz;
pub mod backup;
pub mod batches;
pub mod cases;
pub mod clock;
pub mod enterprises;
pub mod error;
pub mod evidence;
pub mod history;
pub mod idempotency;
pub mod import;
pub mod metrics;
pub mod names;
pub mod notices;
pub mod paging;
pub mod people;
pub mod register;
pub mod report;
pub mod setup;
pub mod targets;
pub mod tasks;
pub mod tick;
pub mod tokens;
pub mod tracks;
pub mod weekly_list;

use std::sync::Arc;

use peiyu_domain::Officer;
use peiyu_storage::{Actor, Store, UnitOfWork};

pub use accounts::{Client, Session, SignedIn};
pub use asof::{AsOfQuery, AsOfView, ListedAsOf, StagedAsOf};
pub use audit::{AuditLine, AuditQuery, AuditVerification, FindingWords, field_label, table_label};
pub use audit_export::{AuditExport, ExportItem};
pub use backup::{BackupReport, RestoreReport, restore_sqlite, verify_sqlite_file};
pub use batches::{
    Acceptance, BatchDiff, BatchListView, EntryMove, EntryView, ListChange, ListChangeKind,
};
pub use cases::{
    AdvanceCase, AdvanceOutcome, CaseMigrated, CaseMigration, CaseView, CasesView, CreatedTask,
    OpenCase,
};
pub use clock::{Clock, CountyZone, FixedClock, SettableClock, SystemClock};
pub use enterprises::{AtStage, EnterpriseEdit, EnterpriseView, ListEnterprises};
pub use error::{ErrorKind, Field, RETRY_AFTER_SECS, ServiceError, ServiceResult};
pub use evidence::{EvidenceRef, MAX_EVIDENCE_BYTES, cite_evidence};
pub use history::{HistoryQuery, TimelineEntry, TimelineKind};
pub use idempotency::{Answer, Idempotent, fingerprint};
pub use import::{
    BatchRow, EnterpriseRow, ImportMode, ImportOutcome, MetricsRow, Progress, RowProblem,
    TaskRecord, TaskRow,
};
pub use names::{NameIds, Names};
pub use notices::{NoticeInput, NoticeLoad, OutlookYear, Recounted, UnderstoodHoliday};
pub use paging::PageAsk;
pub use peiyu_storage::Page;
pub use peiyu_storage::audit::{
    AuditEntry, BrokenChain, ChainBreak, ChainHead, VerifyReport, canonical_json, hashed_fields,
};
pub use peiyu_storage::audit_replay::{Discrepancy, Finding};
pub use peiyu_storage::evidence::EvidenceFile;
pub use peiyu_storage::{Backend, DEFAULT_DATABASE_URL, SqliteWait, redact_url};
pub use peiyu_storage::{
    BrokenSeal, Seal, StoredAnswer, Target, TrackRecord, TrackStored, Upserted,
};
pub use peiyu_storage::{StageFilter, Versioned};
pub use peiyu_workflow::batch_rules;
pub use peiyu_workflow::calendar;
pub use peiyu_workflow::weekly;
pub use peiyu_workflow::{
    GuardResult, MoveOption, MoveState, Plan, Stage, Track, TrackErrors, TrackProblem,
    is_given_with_the_move,
};
pub use people::{Deactivation, Member, NewOfficer, Successors, TeamOnDay, TeamView};
pub use register::{
    InRegister, RegisterAction, RegisterChange, RegisterCount, RegisterList, RegisterOutcome,
    RegisterRow,
};
pub use report::{Breakdown, Funnel, NewlyRegistered, ProgressReport, TargetProgress};
pub use setup::InitReport;
pub use targets::{TARGET_METRICS, target_is_amount, target_label};
pub use tasks::{
    BulkTransfer, Due, ListTasks, NewNote, NewTask, PhaseReport, TaskChange, TaskCompletion,
    TaskDone, TaskList, TickPhase, TickReport, short_id,
};
pub use tokens::{ApiToken, CreatedToken, IssuedToken};
pub use tracks::{TrackView, validate_track};
pub use weekly_list::{WeeklyQuery, list_day};

/// How many times a unit of work that lost a race is re-run before the conflict is reported.
const MAX_RETRIES: usize = 3;

/// The use cases over one database.
#[derive(Clone, Debug)]
pub struct Service {
    store: Store,
    clock: Arc<dyn Clock>,
    zone: CountyZone,
    calendar: Arc<notices::CalendarSource>,
    batch_policy: Arc<peiyu_workflow::BatchPolicy>,
    track_cache: Arc<tracks::TrackCache>,
    request_id: Option<Arc<str>>,
}

impl Service {
    /// A service over an open store, with the system clock and the county's zone at UTC+8,
    /// counting working days on the shipped calendar until [`Service::refresh_calendar`] adds the
    /// notices loaded into the database.
    pub fn new(store: Store) -> Service {
        let calendar = peiyu_workflow::calendar::Calendar::china().unwrap_or_else(|e| {
            // The embedded data is checked by tests; without it every year is provisional, which
            // is marked wherever it is used, rather than a stop.
            tracing::error!(error = %e, "the embedded working-day calendar does not load");
            peiyu_workflow::calendar::Calendar::empty()
        });
        let batch_policy = match peiyu_workflow::batch_rules::Rules::shipped() {
            Ok(rules) => rules.policy().clone(),
            Err(e) => {
                // The shipped rules are checked by tests and equal the default policy.
                tracing::error!(error = %e, "the shipped batch rules do not load");
                peiyu_workflow::BatchPolicy::default()
            }
        };
        Service {
            store,
            clock: Arc::new(SystemClock),
            zone: CountyZone::default(),
            calendar: Arc::new(notices::CalendarSource::new(calendar, None)),
            batch_policy: Arc::new(batch_policy),
            track_cache: Arc::default(),
            request_id: None,
        }
    }

    /// The same service counting working days on another base calendar (tests).
    pub fn with_calendar(mut self, calendar: peiyu_workflow::calendar::Calendar) -> Service {
        self.calendar = Arc::new(notices::CalendarSource::new(calendar, None));
        self
    }

    /// The same service with a county's override file (its text) applied on top of the shipped
    /// calendar and the loaded notices. Fails, naming the line, when the text is invalid.
    pub fn with_calendar_override(
        mut self,
        text: String,
    ) -> Result<Service, peiyu_workflow::calendar::CalendarError> {
        let base = self.calendar.base().clone();
        base.clone().with_override(&text)?;
        self.calendar = Arc::new(notices::CalendarSource::new(base, Some(text)));
        Ok(self)
    }

    /// The working-day calendar deadlines are counted on now: the shipped notices, those loaded
    /// into the database (as of the last [`Service::refresh_calendar`]) and the county's
    /// override file.
    pub fn calendar(&self) -> Arc<peiyu_workflow::calendar::Calendar> {
        self.calendar.current()
    }

    /// The county's four-batches policy, read from the shipped batch rules
    /// (`rules/batches.toml`): its priority batches come first in weekly lists.
    pub fn batch_policy(&self) -> &peiyu_workflow::BatchPolicy {
        &self.batch_policy
    }

    /// The parsed tracks, by the SHA-256 of their text (shared by every clone of the service).
    pub(crate) fn track_cache(&self) -> &tracks::TrackCache {
        &self.track_cache
    }

    /// The same service acting for one request: every audit entry its use cases write carries
    /// `request_id` (in `audit_entries.request_id`), unless a use case is given its own (an
    /// advance's [`AdvanceCase::request_id`]). A front end makes one per request; the clone
    /// shares everything else (the store, the clock, the calendar and the caches).
    pub fn with_request_id(&self, request_id: impl Into<String>) -> Service {
        Service {
            request_id: Some(Arc::from(request_id.into())),
            ..self.clone()
        }
    }

    /// The request this service acts for, if a front end named one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The same service reading another clock (tests, `--today`, and the demo's replay).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Service {
        self.clock = clock;
        self
    }

    /// Opens the database at `url` (not migrating it), counting working days on the shipped
    /// calendar and the notices loaded into it.
    pub async fn connect(url: &str) -> ServiceResult<Service> {
        let service = Service::new(Store::connect(url).await?);
        service.refresh_calendar().await;
        Ok(service)
    }

    /// The underlying store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The county's time zone.
    pub fn zone(&self) -> CountyZone {
        self.zone
    }

    /// The county's date today.
    pub fn today(&self) -> chrono::NaiveDate {
        self.zone.date_of(self.clock.now())
    }

    /// Fails with [`ServiceError::Uninitialised`] unless `peiyu init` has run, or with
    /// [`ServiceError::Unavailable`] when the database cannot be reached to tell.
    pub async fn ensure_initialised(&self) -> ServiceResult<()> {
        match self.store.is_migrated().await {
            Ok(true) => Ok(()),
            Err(e) if e.is_unavailable() => Err(e.into()),
            Ok(false) | Err(_) => Err(ServiceError::Uninitialised),
        }
    }

    /// Ready to serve: the database answers now and has its schema. Otherwise
    /// [`ServiceError::Unavailable`] naming the host and the cause, or
    /// [`ServiceError::Uninitialised`].
    #[tracing::instrument(skip(self))]
    pub async fn check_ready(&self) -> ServiceResult<()> {
        self.store.ping().await?;
        self.ensure_initialised().await
    }

    /// Resolves the acting officer by login; an unknown or inactive login cannot act.
    pub async fn actor(&self, login: &str) -> ServiceResult<Officer> {
        self.ensure_initialised().await?;
        let officer = peiyu_storage::officers::find_officer_by_login(self.store.conn(), login)
            .await?
            .ok_or_else(|| {
                ServiceError::invalid(
                    Field::Actor,
                    peiyu_domain::Text::new(
                        format!("没有登录名为「{login}」的干部：请查看干部名单，或以另一位干部的身份操作"),
                        format!("no officer has the login \"{login}\": see the list of officers, or act as another officer"),
                    ),
                )
            })?;
        if !officer.active {
            return Err(ServiceError::forbidden(
                format!("干部「{login}」已停用，不能操作"),
                format!("officer \"{login}\" is inactive and cannot act"),
            ));
        }
        Ok(officer)
    }

    /// The current instant on this service's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Ends a unit of work run by [`in_unit!`]: commits it when `outcome` is Ok, rolls it back
    /// otherwise. Returns `None` when the unit lost a race (a deadlock, a busy database) and
    /// should be run again from the start, which happens at most [`MAX_RETRIES`] times.
    pub(crate) async fn finish_unit<T>(
        &self,
        unit: UnitOfWork,
        outcome: ServiceResult<T>,
        attempt: usize,
    ) -> Option<ServiceResult<T>> {
        let outcome = match outcome {
            Ok(value) => unit
                .commit()
                .await
                .map(|_| value)
                .map_err(ServiceError::from),
            Err(e) => match unit.rollback().await {
                Ok(()) => Err(e),
                Err(rollback) => Err(rollback.into()),
            },
        };
        match outcome {
            Err(ServiceError::Storage(ref e)) if e.is_retryable() && attempt < MAX_RETRIES => {
                tracing::warn!(attempt, error = %e, "retrying a unit of work after a lost race");
                None
            }
            other => Some(other),
        }
    }
}

/// Runs a block in one unit of work for an actor and commits it, or rolls it back when the
/// block fails: `in_unit!(service, &actor, |uow| { …; Ok(value) })`. Inside, `uow` is the
/// `&mut UnitOfWork`; `?` leaves the block with its error. A lost race re-runs the block, so it
/// must re-read through `uow` whatever it depends on. The unit carries the service's request id
/// ([`Service::with_request_id`]) into every audit entry it writes;
/// `in_unit!(service, &actor, request = id, |uow| …)` names the request instead (an
/// `Option<String>`: `None` falls back to the service's).
///
/// `in_unit!(service, &actor, once = once, |uow| …)`, `once` an
/// `Option<&Idempotent<'_, T>>` and the block's value a `T`, claims the idempotency key first in
/// the unit and stores the block's value, rendered, last in it ([`Service::once`]): the key
/// exists if and only if the change does.
macro_rules! in_unit {
    ($service:expr, $actor:expr, |$uow:ident| $body:block) => {
        $crate::in_unit!($service, $actor, request = None, |$uow| $body)
    };
    ($service:expr, $actor:expr, once = $once:expr, |$uow:ident| $body:block) => {
        $crate::in_unit!($service, $actor, request = None, |$uow| {
            let once = $once;
            $crate::idempotency::claim(once, $uow).await?;
            let value = {
                let outcome: $crate::ServiceResult<_> = async { $body }.await;
                outcome?
            };
            $crate::idempotency::answer(once, $uow, &value).await?;
            Ok(value)
        })
    };
    ($service:expr, $actor:expr, request = $request:expr, |$uow:ident| $body:block) => {{
        let request: Option<String> = $request;
        let request = request.or_else(|| $service.request_id().map(str::to_owned));
        let mut attempt = 0usize;
        loop {
            attempt += 1;
            let mut unit = $service
                .store()
                .begin(($actor).clone(), request.clone(), $service.now())
                .await?;
            let outcome: $crate::ServiceResult<_> = async {
                let $uow = &mut unit;
                $body
            }
            .await;
            if let Some(result) = $service.finish_unit(unit, outcome, attempt).await {
                break result;
            }
        }
    }};
}
pub(crate) use in_unit;

/// The storage actor for an officer.
pub fn actor_of(officer: &Officer) -> Actor {
    Actor {
        id: Some(officer.id),
        login: officer.login.as_str().to_owned(),
        on_behalf_of: None,
    }
}
