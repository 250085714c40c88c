//! Monthly metrics: recording and reading an enterprise's figures.

use peiyu_domain::{Metrics, Officer, YearMonth};
use peiyu_storage::{Upserted, metrics};

use crate::authz::require_enterprise_access;
use crate::error::ServiceResult;
use crate::{Service, actor_of, in_unit};

impl Service {
    /// Records one enterprise's figures for one month (`metrics.enterprise` is ignored: the
    /// enterprise is `enterprise`), replacing what was recorded for that month. Recording the
    /// same figures again changes nothing.
    #[tracing::instrument(skip(self, actor, figures), fields(actor = %actor.login.as_str(), month = %figures.month))]
    pub async fn record_metrics(
        &self,
        actor: &Officer,
        enterprise: &str,
        figures: Metrics,
        reason: Option<String>,
    ) -> ServiceResult<Upserted> {
        let enterprise = self.resolve_enterprise(enterprise).await?.value;
        require_enterprise_access(self.store(), actor, &enterprise).await?;
        let figures = Metrics {
            enterprise: enterprise.id,
            ..figures
        };
        in_unit!(self, &actor_of(actor), |uow| {
            Ok(metrics::upsert_metrics(uow, &figures, reason.clone()).await?)
        })
    }

    /// One enterprise's monthly figures, oldest first, optionally within `[from, to]`.
    #[tracing::instrument(skip(self, _actor))]
    pub async fn list_metrics(
        &self,
        _actor: &Officer,
        enterprise: &str,
        from: Option<YearMonth>,
        to: Option<YearMonth>,
    ) -> ServiceResult<(peiyu_domain::Enterprise, Vec<Metrics>)> {
        let enterprise = self.resolve_enterprise(enterprise).await?.value;
        let list = metrics::list_metrics(self.store().conn(), enterprise.id, from, to).await?;
        Ok((enterprise, list))
    }
}
