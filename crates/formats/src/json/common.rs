//! The pieces every view shares: health, errors, and brief references to officers and enterprises.

use peiyu_domain::{Enterprise, Officer};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET /health`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the server answers and its database is initialised.
    pub status: String,
    /// The server's version.
    pub version: String,
}

/// Every error response.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// `invalid`, `conflict`, `not_found`, `forbidden`, `internal`, `unauthorized`,
    /// `precondition_required` or `method_not_allowed`.
    pub kind: String,
    /// The field, parameter or header at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong and what to do, in the request's language.
    pub message: String,
}

/// An officer, briefly.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OfficerRef {
    /// Their login.
    pub login: String,
    /// Their name.
    pub name: String,
    /// `officer`, `lead`, `leader` or `admin`.
    pub role: String,
}

impl From<&Officer> for OfficerRef {
    fn from(o: &Officer) -> Self {
        OfficerRef {
            login: o.login.as_str().to_owned(),
            name: o.name.clone(),
            role: o.role.key().to_owned(),
        }
    }
}

/// An enterprise, briefly.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseRef {
    /// Its unified social credit code.
    pub uscc: String,
    /// Its name.
    pub name: String,
}

impl From<&Enterprise> for EnterpriseRef {
    fn from(e: &Enterprise) -> Self {
        EnterpriseRef {
            uscc: e.uscc.as_str().to_owned(),
            name: e.name.clone(),
        }
    }
}
