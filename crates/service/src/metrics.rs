//! Monthly metrics: recording and reading an enterprise's figures.

use peiyu_domain::{Metrics, Officer, YearMonth};
use peiyu_storage::{Upserted, metrics};

use crate::authz::require_enterprise_access;
use crate::error::{Field, ServiceError, ServiceResult};
use crate::idempotency::{Answer, Idempotent};
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
        self.record_metrics_keyed(actor, enterprise, figures, reason, None)
            .await
    }

    /// [`Service::record_metrics`] at most once per idempotency key ([`Service::once`]).
    #[tracing::instrument(skip(self, actor, figures, once), fields(actor = %actor.login.as_str(), month = %figures.month, key = %once.key()))]
    pub async fn record_metrics_once(
        &self,
        actor: &Officer,
        enterprise: &str,
        figures: Metrics,
        reason: Option<String>,
        once: &Idempotent<'_, Upserted>,
    ) -> ServiceResult<Answer<Upserted>> {
        self.once(
            actor,
            once,
            self.record_metrics_keyed(actor, enterprise, figures, reason, Some(once)),
        )
        .await
    }

    async fn record_metrics_keyed(
        &self,
        actor: &Officer,
        enterprise: &str,
        figures: Metrics,
        reason: Option<String>,
        once: Option<&Idempotent<'_, Upserted>>,
    ) -> ServiceResult<Upserted> {
        figures
            .check()
            .map_err(|e| ServiceError::invalid_from(Field::named("employees"), &e))?;
        crate::error::bounded_reason(reason.as_deref())?;
        let enterprise = self.resolve_enterprise(enterprise).await?.value;
        require_enterprise_access(self.store(), actor, &enterprise).await?;
        let figures = Metrics {
            enterprise: enterprise.id,
            ..figures
        };
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            Ok(metrics::upsert_metrics(uow, &figures, reason.clone()).await?)
        })
    }

    /// Records many enterprises' figures in one unit of work: a month's statistics report
    /// entered for every firm at once. Each `(enterprise, figures)` pair is what
    /// [`Service::record_metrics`] takes (the enterprise by USCC or unambiguous name; the
    /// figures' own `enterprise` is ignored), checked the same way (it exists, the actor may act
    /// on it) and recorded the same way, with its own audit entry on that enterprise's chain and
    /// `reason`. All or nothing: the first pair that fails a check is reported and nothing is
    /// written. Returns what each record did, in the order given.
    #[tracing::instrument(skip_all, fields(actor = %actor.login.as_str(), records = figures.len()))]
    pub async fn record_metrics_many(
        &self,
        actor: &Officer,
        figures: &[(String, Metrics)],
        reason: Option<String>,
    ) -> ServiceResult<Vec<Upserted>> {
        crate::error::bounded_reason(reason.as_deref())?;
        let mut checked = Vec::with_capacity(figures.len());
        for (key, m) in figures {
            m.check()
                .map_err(|e| ServiceError::invalid_from(Field::named("employees"), &e))?;
            let enterprise = self.resolve_enterprise(key).await?.value;
            require_enterprise_access(self.store(), actor, &enterprise).await?;
            checked.push(Metrics {
                enterprise: enterprise.id,
                ..m.clone()
            });
        }
        in_unit!(self, &actor_of(actor), |uow| {
            let mut done = Vec::with_capacity(checked.len());
            for m in &checked {
                done.push(metrics::upsert_metrics(uow, m, reason.clone()).await?);
            }
            Ok(done)
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
