//! The year's targets that progress is reported against.

use peiyu_domain::{Officer, Role, Text};
use peiyu_storage::{Target, targets};

use crate::error::{Field, ServiceError, ServiceResult};
use crate::idempotency::{Answer, Idempotent};
use crate::{Service, actor_of, in_unit};

/// The metrics a target may be set for, with their labels.
pub const TARGET_METRICS: [(&str, &str, &str); 4] = [
    (
        "new_above_scale",
        "新增规上工业企业（家）",
        "newly above-scale industrial enterprises",
    ),
    (
        "new_above_limit",
        "新增限上商贸企业（家）",
        "newly above-limit commerce enterprises",
    ),
    (
        "new_certified",
        "新增科技认定企业（家）",
        "newly certified technology enterprises",
    ),
    (
        "new_output_value",
        "新增规上企业产值（元）",
        "output value of newly above-scale enterprises (yuan)",
    ),
];

/// Whether a target metric is an amount of money (its value is written with a unit, `3亿`),
/// rather than a count of enterprises.
pub fn target_is_amount(metric: &str) -> bool {
    metric == "new_output_value"
}

/// The label of a target metric, or the key itself when unknown.
pub fn target_label(metric: &str, lang: peiyu_domain::Lang) -> String {
    TARGET_METRICS
        .iter()
        .find(|(k, _, _)| *k == metric)
        .map(|(_, zh, en)| match lang {
            peiyu_domain::Lang::Zh => (*zh).to_owned(),
            peiyu_domain::Lang::En => (*en).to_owned(),
        })
        .unwrap_or_else(|| metric.to_owned())
}

impl Service {
    /// Sets a year's target for a metric (leader or admin); returns the previous value.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn set_target(
        &self,
        actor: &Officer,
        year: i32,
        metric: &str,
        value: i64,
    ) -> ServiceResult<Option<i64>> {
        self.set_target_keyed(actor, (year, metric, value), None)
            .await
    }

    /// [`Service::set_target`] at most once per idempotency key ([`Service::once`]): the key is
    /// claimed in the unit of work that sets the target and holds `once`'s rendering of the
    /// previous value.
    #[tracing::instrument(skip(self, actor, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn set_target_once(
        &self,
        actor: &Officer,
        year: i32,
        metric: &str,
        value: i64,
        once: &Idempotent<'_, Option<i64>>,
    ) -> ServiceResult<Answer<Option<i64>>> {
        let set = self.set_target_keyed(actor, (year, metric, value), Some(once));
        self.once(actor, once, set).await
    }

    async fn set_target_keyed(
        &self,
        actor: &Officer,
        (year, metric, value): (i32, &str, i64),
        once: Option<&Idempotent<'_, Option<i64>>>,
    ) -> ServiceResult<Option<i64>> {
        if !matches!(actor.role, Role::Admin | Role::Leader) {
            return Err(ServiceError::forbidden(
                "只有局领导或管理员可以设定目标",
                "only a bureau leader or an admin sets targets",
            ));
        }
        if !TARGET_METRICS.iter().any(|(k, _, _)| *k == metric) {
            let keys: Vec<&str> = TARGET_METRICS.iter().map(|(k, _, _)| *k).collect();
            return Err(ServiceError::invalid(
                Field::Metric,
                Text::new(
                    format!("未知的目标指标「{metric}」：可用 {}", keys.join("、")),
                    format!(
                        "unknown target metric \"{metric}\": use one of {}",
                        keys.join(", ")
                    ),
                ),
            ));
        }
        if !(2000..=2100).contains(&year) || value < 0 {
            return Err(ServiceError::invalid(
                if value < 0 { Field::Value } else { Field::Year },
                Text::new(
                    "年份应在 2000 到 2100 之间，目标值不能为负",
                    "the year must be 2000 to 2100 and the value not negative",
                ),
            ));
        }
        let target = Target {
            year,
            metric: metric.to_owned(),
            value,
        };
        // A leader may set targets though they change nothing else; record them as acting.
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            Ok(targets::set_target(uow, &target).await?)
        })
    }

    /// A year's targets.
    pub async fn targets(&self, _actor: &Officer, year: i32) -> ServiceResult<Vec<Target>> {
        Ok(targets::targets_of(self.store().conn(), year).await?)
    }
}
