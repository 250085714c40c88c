//! The HTTP server end to end: a real listener on 127.0.0.1, a SQLite database, and plain
//! HTTP/1.1 requests over a TCP stream.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod actions;
mod api;
mod client;
mod instances;
mod ledgers;
mod lists;
mod matrix;
mod openapi;
mod outage;
mod pages;
mod problems;
mod register;
mod setup_writes;
mod tokens;
mod weekly;
mod world;
mod writes;
