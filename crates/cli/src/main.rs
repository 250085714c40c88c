//! `peiyu`: the command line for officers who cultivate enterprises.
//!
//! It parses input into a use-case call on peiyu-service, prints the outcome as a table (zh or
//! en) or JSON, and maps every error to an exit code: 0 ok, 2 bad input, 3 conflict or the
//! database unreachable or busy (try again), 4 not found, 1 anything else.

mod arg_errors;
mod args;
mod commands;
mod ledger;
mod output;

use std::process::ExitCode;

use clap::Parser;
use peiyu_domain::{Lang, Localize};
use peiyu_formats::FormatError;
use peiyu_service::{ErrorKind, Field, ServiceError};

use crate::args::{Cli, LangArg};

fn main() -> ExitCode {
    quiet_on_closed_stdout();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let env = std::env::var("PEIYU_LANG").ok();
            if arg_errors::asked_lang(&args, env.as_deref()) == Lang::Zh
                && let Some(told) = arg_errors::in_chinese(&e)
            {
                eprint!("{told}");
                return ExitCode::from(2);
            }
            e.exit()
        }
    };
    init_tracing();
    let lang = match cli.global.lang {
        LangArg::Zh => Lang::Zh,
        LangArg::En => Lang::En,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("peiyu: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli, lang)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(lang),
    }
}

/// `peiyu … | head` closes stdout early: end quietly, as command-line tools do, instead of
/// reporting a panic.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("PEIYU_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    // Colour codes only for a person at a terminal, never in a log file or a journal.
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour)
        .try_init();
}

/// Why a command failed, ready to print.
#[derive(Debug)]
pub enum Failure {
    /// A use case refused or failed.
    Service(ServiceError),
    /// The command line itself was wrong in a way clap could not see.
    Usage {
        /// The field.
        field: String,
        /// What is wrong, zh.
        zh: String,
        /// What is wrong, en.
        en: String,
    },
    /// Writing the output failed.
    Io(std::io::Error),
    /// A file could not be built or written.
    Format(FormatError),
    /// The check ran and found a problem (e.g. a broken audit chain); already reported.
    CheckFailed,
    /// The problem was already printed; exit with this code.
    Reported(u8),
}

impl From<ServiceError> for Failure {
    fn from(e: ServiceError) -> Self {
        Failure::Service(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Io(e)
    }
}

impl From<FormatError> for Failure {
    /// The file system's errors stay I/O errors; the others are reported in the user's language.
    fn from(e: FormatError) -> Self {
        match e {
            FormatError::Io { source, .. } => Failure::Io(source),
            other => Failure::Format(other),
        }
    }
}

impl Failure {
    /// A bad command-line value.
    pub fn usage(field: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Failure::Usage {
            field: field.into(),
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// A bad command-line value, from a domain error.
    pub fn invalid(field: &str, err: &impl Localize) -> Self {
        let text = err.localize(Lang::Zh);
        Failure::usage(field, text.zh(), text.en())
    }

    fn report(self, lang: Lang) -> ExitCode {
        let (code, message) = match &self {
            Failure::Service(e) => {
                let code = match e.kind() {
                    ErrorKind::Invalid => 2,
                    ErrorKind::Conflict | ErrorKind::Unavailable => 3,
                    ErrorKind::NotFound => 4,
                    ErrorKind::Forbidden
                    | ErrorKind::Unauthenticated
                    | ErrorKind::RateLimited
                    | ErrorKind::Internal => 1,
                };
                (code, service_message(e, lang))
            }
            Failure::Usage { field, zh, en } => (
                2,
                match lang {
                    Lang::Zh => format!("{field}：{zh}"),
                    Lang::En => format!("{field}: {en}"),
                },
            ),
            Failure::Io(e) => (1, e.to_string()),
            Failure::Format(e) => (1, e.localize(lang).get(lang).to_owned()),
            Failure::CheckFailed => return ExitCode::from(1),
            Failure::Reported(code) => return ExitCode::from(*code),
        };
        match lang {
            Lang::Zh => eprintln!("错误：{message}"),
            Lang::En => eprintln!("error: {message}"),
        }
        ExitCode::from(code)
    }
}

/// A service error in the words of the command line: the field as the flag or argument the user
/// typed, and what to run when the database has no schema yet.
fn service_message(e: &ServiceError, lang: Lang) -> String {
    match e {
        ServiceError::Invalid { field, message } => match lang {
            Lang::Zh => format!("{}：{}", cli_field(field), message.zh()),
            Lang::En => format!("{}: {}", cli_field(field), message.en()),
        },
        ServiceError::Uninitialised => match lang {
            Lang::Zh => "数据库尚未初始化：请先运行 `peiyu init`".to_owned(),
            Lang::En => "the database is not initialised: run `peiyu init` first".to_owned(),
        },
        other => other.localize(lang).get(lang).to_owned(),
    }
}

/// The flag, argument or setting a user gives for each of the service's fields: the one table
/// of the command line's field names. A named column or record field keeps its key.
fn cli_field(field: &Field) -> &str {
    match field {
        Field::Reason => "--reason",
        Field::List => "--list",
        Field::On => "--on",
        Field::Batch => "--batch",
        Field::To => "--to",
        Field::From => "--from",
        Field::Rules => "--rules",
        Field::Override => "--override",
        Field::Track => "--track",
        Field::TargetStage => "--target-stage",
        Field::Target => "--target",
        Field::RequestId => "--request-id",
        Field::ExpectVersion => "--expect-version",
        Field::AsOf => "--as-of",
        Field::Officer => "--officer",
        Field::Assignee => "--assignee",
        Field::Title => "--title",
        Field::Due => "--due",
        Field::Name => "--name",
        Field::TokenHolder => "--for",
        Field::Expires => "--expires",
        Field::Actor => "--as",
        Field::Today => "--today",
        Field::Week => "--week",
        Field::Year => "--year",
        Field::Lead => "--lead",
        Field::Metric => "--metric",
        Field::Value => "--value",
        Field::Admin => "--admin",
        Field::AdminName => "--admin-name",
        Field::Database => "--db",
        Field::Login => "LOGIN",
        Field::Password => "PASSWORD",
        Field::Enterprise => "ENTERPRISE",
        Field::Task => "TASK",
        Field::TokenId => "ID",
        Field::Date => "DATE",
        Field::File => "FILE",
        Field::CalendarOverride => "PEIYU_CALENDAR_OVERRIDE",
        Field::Named(key) => named_flag(key),
        Field::Case | Field::Edit | Field::Calendar | Field::Notice | Field::CurrentPassword => {
            field.key()
        }
    }
}

/// A field the service names by key (`evidence`, `enterprises_to`) as it is typed on the command
/// line: the flag (`--evidence`, `--enterprises-to`) or the argument (`ROLE` of `officer role`).
/// A key no command takes is shown as it is.
fn named_flag(key: &str) -> &str {
    match key {
        "evidence" => "--evidence",
        "stage" => "--stage",
        "uscc" => "--uscc",
        "employees" => "--employees",
        "description" => "--description",
        "enterprises_to" => "--enterprises-to",
        "tasks_to" => "--tasks-to",
        "role" => "ROLE",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use peiyu_domain::Text;

    #[test]
    fn every_field_has_a_distinct_name_on_the_command_line() {
        let mut seen = std::collections::HashSet::new();
        for field in &Field::ALL {
            let name = cli_field(field);
            assert!(
                !name.is_empty(),
                "{field:?} has no name on the command line"
            );
            assert!(seen.insert(name), "{field:?} shares the name {name}");
        }
        assert_eq!(cli_field(&Field::AsOf), "--as-of");
        assert_eq!(cli_field(&Field::Enterprise), "ENTERPRISE");
        // Named as typed: the flag, not the service's key.
        assert_eq!(cli_field(&Field::named("uscc")), "--uscc");
        assert_eq!(cli_field(&Field::named("evidence")), "--evidence");
        assert_eq!(
            cli_field(&Field::named("enterprises_to")),
            "--enterprises-to"
        );
        assert_eq!(cli_field(&Field::named("role")), "ROLE");
        assert_eq!(cli_field(&Field::named("no_such_key")), "no_such_key");
    }

    #[test]
    fn an_invalid_value_names_the_flag_and_uninitialised_says_what_to_run() {
        let e = ServiceError::invalid(Field::Reason, Text::new("不能为空", "is required"));
        assert_eq!(service_message(&e, Lang::Zh), "--reason：不能为空");
        assert_eq!(service_message(&e, Lang::En), "--reason: is required");
        let e = ServiceError::Uninitialised;
        assert!(service_message(&e, Lang::En).contains("`peiyu init`"));
        assert!(!e.localize(Lang::En).en().contains("peiyu"));
    }
}
