//! Reading and verifying the audit log.

use chrono::NaiveDate;
use peiyu_domain::AuditAction;
use peiyu_domain::{Officer, Role};
use peiyu_storage::audit::{self, AuditEntry, AuditFilter, VerifyReport};
use peiyu_storage::{BrokenSeal, Seal, seal};

use crate::error::{ServiceError, ServiceResult};
use crate::{Service, actor_of, in_unit};

/// The outcome of `audit verify`: every hash chain and every daily seal.
#[derive(Clone, Debug, Default)]
pub struct AuditVerification {
    /// The chains.
    pub chains: VerifyReport,
    /// How many seals were checked.
    pub seals: usize,
    /// The seals that no longer match the log.
    pub broken_seals: Vec<BrokenSeal>,
}

impl AuditVerification {
    /// True when nothing is broken.
    pub fn ok(&self) -> bool {
        self.chains.broken.is_empty() && self.broken_seals.is_empty()
    }
}

/// Which entries to list.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    /// Only entries by this officer (login).
    pub actor: Option<String>,
    /// Only entries about this enterprise (USCC or name).
    pub enterprise: Option<String>,
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only entries recorded on or after this day (county time).
    pub from: Option<NaiveDate>,
    /// Only entries recorded on or before this day (county time).
    pub to: Option<NaiveDate>,
}

impl Service {
    /// Recomputes every hash chain and reports each broken one with its first bad entry.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn verify_audit(&self, actor: &Officer) -> ServiceResult<AuditVerification> {
        let chains = audit::verify_chains(self.store().conn()).await?;
        let (seals, broken_seals) = seal::verify_seals(self.store().conn()).await?;
        Ok(AuditVerification {
            chains,
            seals,
            broken_seals,
        })
    }

    /// Seals `day` (default today) over every chain head; sealing a day twice returns the first
    /// seal. Only an admin may.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn seal_day(
        &self,
        actor: &Officer,
        day: Option<NaiveDate>,
    ) -> ServiceResult<(Seal, bool)> {
        if actor.role != Role::Admin {
            return Err(ServiceError::forbidden(
                "只有管理员可以封签",
                "only an admin seals the log",
            ));
        }
        let day = day.unwrap_or_else(|| self.today());
        in_unit!(self, &actor_of(actor), |uow| {
            Ok(seal::seal_day(uow, day).await?)
        })
    }

    /// The seal of `day`, or of the latest sealed day before it.
    pub async fn seal_on_or_before(&self, day: NaiveDate) -> ServiceResult<Option<Seal>> {
        Ok(seal::seal_on_or_before(self.store().conn(), day).await?)
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
            action: query.action,
            chain_key: None,
            subject_id: None,
        };
        let zone = self.zone();
        Ok(audit::list_entries(self.store().conn(), &filter)
            .await?
            .into_iter()
            .filter(|e| {
                let day = zone.date_of(e.recorded_at);
                query.from.is_none_or(|f| day >= f) && query.to.is_none_or(|t| day <= t)
            })
            .collect())
    }
}
