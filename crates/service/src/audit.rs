//! Reading and verifying the audit log.

use peiyu_domain::Officer;
use peiyu_storage::audit::{self, AuditEntry, AuditFilter, VerifyReport};

use crate::Service;
use crate::error::ServiceResult;

/// Which entries to list.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    /// Only entries by this officer (login).
    pub actor: Option<String>,
    /// Only entries about this enterprise (USCC or name).
    pub enterprise: Option<String>,
    /// Only this action.
    pub action: Option<String>,
}

impl Service {
    /// Recomputes every hash chain and reports each broken one with its first bad entry.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn verify_audit(&self, actor: &Officer) -> ServiceResult<VerifyReport> {
        Ok(audit::verify_chains(self.store().conn()).await?)
    }

    /// Audit entries matching the query, oldest first.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn audit_log(
        &self,
        actor: &Officer,
        query: &AuditQuery,
    ) -> ServiceResult<Vec<AuditEntry>> {
        let enterprise = match &query.enterprise {
            Some(key) => Some(self.resolve_enterprise(key).await?.value.id),
            None => None,
        };
        let filter = AuditFilter {
            enterprise,
            actor_login: query.actor.clone(),
            action: query.action.clone(),
            chain_key: None,
            subject_id: None,
        };
        Ok(audit::list_entries(self.store().conn(), &filter).await?)
    }
}
