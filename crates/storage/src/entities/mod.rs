//! sea-orm entities, one module per table, mirroring the migrations. Entities only: queries and
//! the write path live beside them in the crate's other modules, never inside.

#![allow(missing_docs)]

pub mod api_tokens;
pub mod audit_chain_heads;
pub mod audit_entries;
pub mod audit_seals;
pub mod batch_entries;
pub mod batch_lists;
pub mod batch_moves;
pub mod calendar_years;
pub mod cultivations;
pub mod enterprises;
pub mod evidence_files;
pub mod idempotency_keys;
pub mod login_attempts;
pub mod metrics;
pub mod officers;
pub mod register_periods;
pub mod targets;
pub mod task_notes;
pub mod tasks;
pub mod team_memberships;
pub mod teams;
pub mod tracks;
pub mod transitions;
pub mod web_sessions;
