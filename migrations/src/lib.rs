//! peiyu-migrations: the schema's only source of truth.
//!
//! Every table, key, index and trigger peiyu uses is created here, by sea-orm migrations that run
//! unchanged on SQLite, PostgreSQL and MySQL/MariaDB. Storage code never creates or alters a table.
//!
//! Conventions the migrations fix for every table:
//! - identifiers are UUIDs (v7, so they sort by creation);
//! - money is integer yuan (`BIGINT`), energy is integer kilograms of coal equivalent, land area is
//!   integer hundredths of a mu: no floating point in stored figures;
//! - calendar dates (`effective_on`, `due_on`, …) are `DATE` columns, in the county's zone;
//! - instants (`created_at`, `recorded_at`, …) are fixed-width UTC RFC 3339 text with microseconds
//!   (`2023-06-30T08:12:33.123456Z`): identical bytes on all three backends (MySQL's `TIMESTAMP`
//!   drops fractions and converts zones), sortable as text, and hashed exactly as stored.

pub use sea_orm_migration::MigratorTrait;
use sea_orm_migration::prelude::*;

mod m20261128_000001_initial;
mod m20261128_000002_append_only;
mod m20261201_000001_calendar;
mod m20261202_000001_idempotency;
mod m20261202_000002_accounts;
mod m20261207_000020_evidence_files;
mod m20261207_000040_task_notes;
mod m20261207_000060_register;
mod m20261207_000070_membership_periods;
mod m20261207_000080_read_indexes;

/// The ordered list of peiyu's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_initial::Migration),
            Box::new(m20261128_000002_append_only::Migration),
            Box::new(m20261201_000001_calendar::Migration),
            Box::new(m20261202_000001_idempotency::Migration),
            Box::new(m20261202_000002_accounts::Migration),
            Box::new(m20261207_000020_evidence_files::Migration),
            Box::new(m20261207_000040_task_notes::Migration),
            Box::new(m20261207_000060_register::Migration),
            Box::new(m20261207_000070_membership_periods::Migration),
            Box::new(m20261207_000080_read_indexes::Migration),
        ]
    }
}
