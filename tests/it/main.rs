//! Scenario and storage tests, each run on SQLite and, when their URLs are set, on PostgreSQL
//! and MySQL/MariaDB.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod asof;
mod audit_chain;
mod audit_fields;
mod audit_from_log;
mod audit_tamper;
mod backup;
mod batches;
mod calendar;
mod demo;
mod enterprises;
mod evidence;
mod hostile;
mod idempotency;
mod ledger;
mod meeting;
mod outage;
mod paging;
mod people;
mod register;
mod task_rules;
mod tasks;
mod tidy;
mod tracks;
mod units;
mod weekly;
mod words;
mod write_path;
