//! The errors every use case returns, each with a message in zh and en that names the field and
//! says what to do. The CLI maps them to exit codes and the server to HTTP statuses, in one place
//! each, by [`ServiceError::kind`].

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
    /// Anything else: exit 1, HTTP 500.
    Internal,
}

/// Why a use case did not happen. Nothing was changed when one of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// A field's value is not acceptable.
    #[error("{field}: {}", message.en())]
    Invalid {
        /// The field, as the user named it (`uscc`, `--batch`, a column header).
        field: String,
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
    /// The database has no schema yet.
    #[error("the database is not initialised: run `peiyu init` first")]
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
            ServiceError::Uninitialised | ServiceError::Storage(_) => ErrorKind::Internal,
        }
    }

    /// A bad value in `field`.
    pub fn invalid(field: impl Into<String>, message: Text) -> ServiceError {
        ServiceError::Invalid {
            field: field.into(),
            message,
        }
    }

    /// A bad value in `field`, from a domain error that can say what is wrong in both languages.
    pub fn invalid_from(field: impl Into<String>, err: &impl Localize) -> ServiceError {
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
            | ServiceError::Forbidden { message } => message.clone(),
            ServiceError::Uninitialised => Text::new(
                "数据库尚未初始化：请先运行 `peiyu init`",
                "the database is not initialised: run `peiyu init` first",
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
                field,
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
            other => ServiceError::Storage(other),
        }
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
