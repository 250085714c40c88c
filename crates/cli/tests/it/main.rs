//! The `peiyu` binary as an officer uses it: commands, output, and exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backup;
mod basics;
mod json_views;
mod server;
mod stress;
mod walkthrough;
mod words;

use std::path::Path;
use std::process::{Command, Output};

/// Runs `peiyu` with a SQLite database in `dir` and the given arguments.
pub fn peiyu(dir: &Path, args: &[&str]) -> Output {
    peiyu_env(dir, &[], args)
}

/// Runs `peiyu` in `dir` with extra environment variables (`PEIYU_CLOCK`, …).
pub fn peiyu_env(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_peiyu"))
        .current_dir(dir)
        .env_remove("PEIYU_CLOCK")
        .env_remove("PEIYU_CALENDAR_OVERRIDE")
        .env_remove("PEIYU_DATABASE_URL")
        .env_remove("PEIYU_AS")
        .env_remove("PEIYU_LANG")
        .envs(env.iter().copied())
        .args(args)
        .output()
        .expect("run peiyu")
}

/// Stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
