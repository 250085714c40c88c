//! peiyu-storage: records what the service decided, on SQLite, PostgreSQL or MySQL/MariaDB.
//!
//! Storage owns the sea-orm entities, connecting, the unit of work (one transaction whose
//! changes and audit entries commit together or not at all), the hash-chained audit log and the
//! queries. It never decides: no guard, no authorisation, no business rule lives here.

pub mod accounts;
pub mod audit;
pub mod audit_replay;
pub mod backup;
pub mod batches;
pub mod bulk;
pub mod calendar;
pub mod connect;
pub mod cultivations;
pub mod enterprises;
pub mod entities;
pub mod error;
pub mod evidence;
pub mod history;
pub mod idempotency;
pub mod instant;
pub mod metrics;
pub mod officers;
pub mod page;
pub mod register;
pub mod seal;
pub mod targets;
pub mod task_notes;
pub mod tasks;
pub mod tokens;
pub mod tracks;

pub use audit::{
    Actor, AuditEntry, AuditFact, AuditFilter, BrokenChain, ChainBreak, ChainHead, UnitOfWork,
    VerifyReport,
};
pub use batches::BatchChange;
pub use connect::{Backend, CONNECT_TIMEOUT, DEFAULT_DATABASE_URL, SqliteWait, Store, redact_url};
pub use cultivations::StageChange;
pub use enterprises::{EnterpriseFilter, StageFilter, Versioned};
pub use error::{StorageError, StorageResult};
pub use idempotency::{Claim, KeyRecord, StoredAnswer};
pub use metrics::Upserted;
pub use officers::TeamWithMembers;
pub use page::{Page, PageStart};
pub use seal::{BrokenSeal, Seal};
pub use targets::Target;
pub use tasks::TaskFilter;
pub use tracks::{TrackRecord, TrackStored};

/// How many ids one `IN (…)` list holds at most: well within SQLite's 32,766, PostgreSQL's
/// 65,535 and MySQL's 65,535 bound parameters, with room for the rest of the statement.
pub const IN_CHUNK: usize = 1_000;
