//! The errors every use case returns, each with a message in zh and en that says what is wrong and
//! what to do, in words that suit any front end. The CLI maps them to exit codes and the server
//! to HTTP statuses, in one place each, by [`ServiceError::kind`]; a bad input is named by a
//! neutral [`Field`], which each front end turns into its own name (a flag, a JSON pointer).

use peiyu_domain::{Lang, Localize, Text};
use peiyu_storage::StorageError;

/// The class of an error, which decides the exit code and HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad input: exit 2, HTTP 422.
    Invalid,
    /// Someone else changed it first: exit 3, HTTP 409.
    Conflict,
    /// It does not exist: exit 4, HTTP 404.
    NotFound,
    /// The actor may not do this: exit 1, HTTP 403.
    Forbidden,
    /// Who is asking could not be established (a wrong login name or password): exit 1,
    /// HTTP 401.
    Unauthenticated,
    /// Too many failed attempts: wait and try again. Exit 1, HTTP 429.
    RateLimited,
    /// The database cannot be reached or is busy: nothing was done, the same request may
    /// succeed shortly. Exit 3, HTTP 503 with Retry-After.
    Unavailable,
    /// Anything else: exit 1, HTTP 500.
    Internal,
}

/// An input of a use case, by the service's own neutral name. Each front end names it its own
/// way in an error (the CLI a flag or argument, the server a JSON pointer, parameter or header):
/// the service holds no front end's names.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// The reason given for a change (an exit, an override, a transfer, an archive, a batch move).
    Reason,
    /// The year of a batch list.
    List,
    /// The day a change takes effect or a task was done.
    On,
    /// A batch (第一批, 第二批, …) within a year's list.
    Batch,
    /// Where something goes: the stage a case moves to, or the officer a task goes to.
    To,
    /// Where something comes from: the officer a task is taken from.
    From,
    /// A batch-rules file.
    Rules,
    /// The request to override failing guards.
    Override,
    /// The track (流程) a case is on.
    Track,
    /// The stage a new case aims to reach.
    TargetStage,
    /// The date by which a new case aims to reach its target stage.
    Target,
    /// The id that makes a request idempotent.
    RequestId,
    /// The version the caller last read, for an optimistic check.
    ExpectVersion,
    /// The day a report or view stands as of.
    AsOf,
    /// An officer named by login (a filter, a responsible officer, a team member).
    Officer,
    /// The officer a task is assigned to.
    Assignee,
    /// A task's title.
    Title,
    /// A task's due date.
    Due,
    /// A name given to something new (a team, an officer, a token).
    Name,
    /// The officer a token is made for.
    TokenHolder,
    /// The last day a token works.
    Expires,
    /// The officer acting.
    Actor,
    /// The day taken for today.
    Today,
    /// An ISO week (2023-W27).
    Week,
    /// A year (of a report, a target).
    Year,
    /// The lead of a team.
    Lead,
    /// A metric a target is set on.
    Metric,
    /// A number given for a metric.
    Value,
    /// The login of the first admin.
    Admin,
    /// The name of the first admin.
    AdminName,
    /// The enterprise a command is about (its USCC or name).
    Enterprise,
    /// The task a command is about (its id).
    Task,
    /// A token, by its id.
    TokenId,
    /// A day a command is about (the day a view is rebuilt for).
    Date,
    /// A file's content given to a command (a track, a holiday notice).
    File,
    /// A case as a whole: its state does not allow the change.
    Case,
    /// The set of changes to an enterprise, as a whole.
    Edit,
    /// The working-day calendar in force.
    Calendar,
    /// A holiday notice being applied to the calendar.
    Notice,
    /// The county's calendar override, as configured.
    CalendarOverride,
    /// The database a command writes to.
    Database,
    /// An officer's login name, given to log in or to say whose password is set.
    Login,
    /// A password being set (the new one).
    Password,
    /// The password in use, given to change it.
    CurrentPassword,
    /// A column of an imported file or a field of a record, by its neutral key (`uscc`,
    /// `sector`), or a place in a data file (`demo/enterprises.csv:3`).
    Named(String),
}

impl Field {
    /// Every field but [`Field::Named`], for front ends to check their tables against.
    pub const ALL: [Field; 44] = [
        Field::Reason,
        Field::List,
        Field::On,
        Field::Batch,
        Field::To,
        Field::From,
        Field::Rules,
        Field::Override,
        Field::Track,
        Field::TargetStage,
        Field::Target,
        Field::RequestId,
        Field::ExpectVersion,
        Field::AsOf,
        Field::Officer,
        Field::Assignee,
        Field::Title,
        Field::Due,
        Field::Name,
        Field::TokenHolder,
        Field::Expires,
        Field::Actor,
        Field::Today,
        Field::Week,
        Field::Year,
        Field::Lead,
        Field::Metric,
        Field::Value,
        Field::Admin,
        Field::AdminName,
        Field::Enterprise,
        Field::Task,
        Field::TokenId,
        Field::Date,
        Field::File,
        Field::Case,
        Field::Edit,
        Field::Calendar,
        Field::Notice,
        Field::CalendarOverride,
        Field::Database,
        Field::Login,
        Field::Password,
        Field::CurrentPassword,
    ];

    /// A column or record field by its neutral key (`uscc`).
    pub fn named(key: impl Into<String>) -> Field {
        Field::Named(key.into())
    }

    /// The neutral snake_case name: `reason`, `as_of`, `expect_version`, or a named key as given.
    pub fn key(&self) -> &str {
        match self {
            Field::Reason => "reason",
            Field::List => "list",
            Field::On => "on",
            Field::Batch => "batch",
            Field::To => "to",
            Field::From => "from",
            Field::Rules => "rules",
            Field::Override => "override",
            Field::Track => "track",
            Field::TargetStage => "target_stage",
            Field::Target => "target",
            Field::RequestId => "request_id",
            Field::ExpectVersion => "expect_version",
            Field::AsOf => "as_of",
            Field::Officer => "officer",
            Field::Assignee => "assignee",
            Field::Title => "title",
            Field::Due => "due",
            Field::Name => "name",
            Field::TokenHolder => "token_holder",
            Field::Expires => "expires_on",
            Field::Actor => "actor",
            Field::Today => "today",
            Field::Week => "week",
            Field::Year => "year",
            Field::Lead => "lead",
            Field::Metric => "metric",
            Field::Value => "value",
            Field::Admin => "admin",
            Field::AdminName => "admin_name",
            Field::Enterprise => "enterprise",
            Field::Task => "task",
            Field::TokenId => "token_id",
            Field::Date => "date",
            Field::File => "file",
            Field::Case => "case",
            Field::Edit => "edit",
            Field::Calendar => "calendar",
            Field::Notice => "notice",
            Field::CalendarOverride => "calendar_override",
            Field::Database => "database",
            Field::Login => "login",
            Field::Password => "password",
            Field::CurrentPassword => "current_password",
            Field::Named(key) => key,
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// Why a use case did not happen. Nothing was changed when one of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// A field's value is not acceptable.
    #[error("{field}: {}", message.en())]
    Invalid {
        /// The input at fault, by its neutral name; each front end names it its own way.
        field: Field,
        /// What is wrong and what is expected.
        message: Text,
    },
    /// The thing named does not exist.
    #[error("{}", message.en())]
    NotFound {
        /// What was not found.
        message: Text,
    },
    /// Someone else changed it since it was read.
    #[error("{}", message.en())]
    Conflict {
        /// What changed and what to do.
        message: Text,
    },
    /// The actor's role or responsibility does not allow it.
    #[error("{}", message.en())]
    Forbidden {
        /// Who may do it instead.
        message: Text,
    },
    /// Who is asking could not be established.
    #[error("{}", message.en())]
    Unauthenticated {
        /// What was wrong, in words that give nothing away (which of login and password).
        message: Text,
    },
    /// Too many failed attempts; the caller may try again after `retry_after_secs`.
    #[error("{}", message.en())]
    RateLimited {
        /// Why, and how long to wait.
        message: Text,
        /// How many seconds to wait before trying again.
        retry_after_secs: u64,
    },
    /// The database cannot be reached or is busy; nothing was done and the caller may try again
    /// after `retry_after_secs`.
    #[error("{}", message.en())]
    Unavailable {
        /// What is unavailable (the host and the cause, or the busy database) and what to do.
        message: Text,
        /// How many seconds to wait before trying again.
        retry_after_secs: u64,
    },
    /// Something failed that is no one's input (hashing a password); the detail is logged.
    #[error("{}", message.en())]
    Internal {
        /// What failed, in words for people.
        message: Text,
    },
    /// The database has no schema yet.
    #[error("the database is not initialised: initialise it first")]
    Uninitialised,
    /// The database failed.
    #[error(transparent)]
    Storage(StorageError),
}

impl ServiceError {
    /// The class of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ServiceError::Invalid { .. } => ErrorKind::Invalid,
            ServiceError::NotFound { .. } => ErrorKind::NotFound,
            ServiceError::Conflict { .. } => ErrorKind::Conflict,
            ServiceError::Forbidden { .. } => ErrorKind::Forbidden,
            ServiceError::Unauthenticated { .. } => ErrorKind::Unauthenticated,
            ServiceError::RateLimited { .. } => ErrorKind::RateLimited,
            ServiceError::Unavailable { .. } => ErrorKind::Unavailable,
            ServiceError::Internal { .. }
            | ServiceError::Uninitialised
            | ServiceError::Storage(_) => ErrorKind::Internal,
        }
    }

    /// A bad value in `field`.
    pub fn invalid(field: Field, message: Text) -> ServiceError {
        ServiceError::Invalid { field, message }
    }

    /// A bad value in `field`, from a domain error that can say what is wrong in both languages.
    pub fn invalid_from(field: Field, err: &impl Localize) -> ServiceError {
        ServiceError::invalid(field, err.localize(Lang::Zh))
    }

    /// Something named was not found.
    pub fn not_found(zh: impl Into<String>, en: impl Into<String>) -> ServiceError {
        ServiceError::NotFound {
            message: Text::new(zh, en),
        }
    }

    /// The actor may not do this.
    pub fn forbidden(zh: impl Into<String>, en: impl Into<String>) -> ServiceError {
        ServiceError::Forbidden {
            message: Text::new(zh, en),
        }
    }
}

impl Localize for ServiceError {
    fn localize(&self, _lang: Lang) -> Text {
        match self {
            ServiceError::Invalid { field, message } => Text::new(
                format!("{field}：{}", message.zh()),
                format!("{field}: {}", message.en()),
            ),
            ServiceError::NotFound { message }
            | ServiceError::Conflict { message }
            | ServiceError::Forbidden { message }
            | ServiceError::Unauthenticated { message }
            | ServiceError::RateLimited { message, .. }
            | ServiceError::Unavailable { message, .. }
            | ServiceError::Internal { message } => message.clone(),
            ServiceError::Uninitialised => Text::new(
                "数据库尚未初始化：请先初始化",
                "the database is not initialised: initialise it first",
            ),
            ServiceError::Storage(e) => {
                Text::new(format!("数据库错误：{e}"), format!("database error: {e}"))
            }
        }
    }
}

impl From<StorageError> for ServiceError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::Duplicate {
                entity,
                field,
                value,
            } => ServiceError::invalid(
                Field::named(field),
                Text::new(
                    format!("已有{}使用 {value}，不能重复登记", entity_zh(entity)),
                    format!("{value} is already used by another {entity}"),
                ),
            ),
            StorageError::NotFound { entity, key } => ServiceError::not_found(
                format!("找不到{}：{key}", entity_zh(entity)),
                format!("{entity} not found: {key}"),
            ),
            StorageError::Conflict {
                entity,
                key,
                expected,
            } => ServiceError::Conflict {
                message: Text::new(
                    format!(
                        "{}「{key}」已被他人修改（预期版本 {expected}）：请重新查看后再操作",
                        entity_zh(entity)
                    ),
                    format!(
                        "{entity} {key} was changed by someone else (expected version {expected}): look again and retry"
                    ),
                ),
            },
            StorageError::Unavailable { host, cause } => ServiceError::Unavailable {
                message: Text::new(
                    format!(
                        "无法连接数据库（{host}）：{}；请稍后重试，或请管理员检查数据库是否在运行",
                        cause_zh(&cause)
                    ),
                    format!(
                        "the database at {host} cannot be reached: {cause}; try again shortly, or ask the administrator whether the database is running"
                    ),
                ),
                retry_after_secs: RETRY_AFTER_SECS,
            },
            StorageError::Busy { waited_secs } => ServiceError::Unavailable {
                message: Text::new(
                    format!(
                        "数据库正忙：另一写入操作占用了 {waited_secs} 秒以上，本次未作任何更改；请稍后重试"
                    ),
                    format!(
                        "the database is busy: another writer held it for more than {waited_secs} s and nothing was changed; try again later"
                    ),
                ),
                retry_after_secs: RETRY_AFTER_SECS,
            },
            other => ServiceError::Storage(other),
        }
    }
}

/// How long a caller is told to wait before retrying when the database is unavailable.
pub const RETRY_AFTER_SECS: u64 = 5;

/// The common causes of an unreachable database in zh; anything else as the system says it.
fn cause_zh(cause: &str) -> String {
    if cause.contains("connection refused") || cause.contains("Connection refused") {
        "连接被拒绝（connection refused）".to_owned()
    } else if cause.starts_with("no answer within") || cause.contains("in time") {
        format!("超时无响应（{cause}）")
    } else {
        cause.to_owned()
    }
}

fn entity_zh(entity: &str) -> &str {
    match entity {
        "enterprise" => "企业",
        "officer" => "干部",
        "team" => "专班",
        "team membership" => "专班成员",
        "metrics" => "月度指标",
        "audit chain" => "审计链",
        _ => entity,
    }
}

/// Shorthand for use-case results.
pub type ServiceResult<T> = Result<T, ServiceError>;

/// Refuses `text` for `field` when it has more than `max` characters (the caps of
/// `peiyu_domain::limits`); the message quotes at most its first 100 characters.
pub(crate) fn bounded(field: Field, text: &str, max: usize) -> ServiceResult<()> {
    peiyu_domain::limits::within(text, max).map_err(|e| ServiceError::invalid_from(field, &e))
}

/// Refuses a reason, when one is given, longer than `peiyu_domain::limits::REASON_MAX_CHARS`.
pub(crate) fn bounded_reason(reason: Option<&str>) -> ServiceResult<()> {
    match reason {
        Some(reason) => bounded(
            Field::Reason,
            reason,
            peiyu_domain::limits::REASON_MAX_CHARS,
        ),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_a_distinct_snake_case_key() {
        let mut seen = std::collections::HashSet::new();
        for field in &Field::ALL {
            let key = field.key();
            assert!(
                !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{field:?} has the key {key:?}"
            );
            assert!(seen.insert(key), "{field:?} shares the key {key}");
        }
        assert_eq!(Field::AsOf.key(), "as_of");
        assert_eq!(Field::named("uscc").key(), "uscc");
    }

    #[test]
    fn a_message_names_the_field_by_its_key_and_no_command() {
        let e = ServiceError::invalid(Field::ExpectVersion, Text::new("不对", "wrong"));
        assert_eq!(e.localize(Lang::En).en(), "expect_version: wrong");
        assert_eq!(e.localize(Lang::Zh).zh(), "expect_version：不对");
        let text = ServiceError::Uninitialised.localize(Lang::Zh);
        assert!(!text.zh().contains("peiyu") && !text.en().contains("peiyu"));
    }
}
