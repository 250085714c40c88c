//! Scenario and storage tests, each run on SQLite and, when their URLs are set, on PostgreSQL
//! and MySQL/MariaDB.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit_chain;
mod enterprises;
mod tidy;
mod tracks;
mod write_path;
