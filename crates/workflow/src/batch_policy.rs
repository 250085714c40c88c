//! The four-batches policy (四个一批): how each batch is served — its name, its service, whether
//! it is a priority batch (重点批次: first in weekly lists, shorter deadlines) and how short its
//! factor-guarantee deadline is. One type for every decision that depends on an enterprise's
//! batch:
//!
//! - the county's policy is read from the `[[batch]]` tables of the batch rules
//!   (`rules/batches.toml`, [`crate::batch_rules::Rules::policy`]); its labels name the batches
//!   in suggestions, and the weekly list ([`crate::weekly::WeeklyInput::policy`]) puts the tasks
//!   and watched enterprises of its priority batches first;
//! - each track carries the policy its deadlines follow ([`crate::Track::policy`]): the default
//!   policy with the track's `[policy]` section applied ([`BatchPolicy::with_priority`]), which
//!   planning and recurring tasks ask for a template's shorter deadline
//!   ([`BatchPolicy::priority_working_days`]).

use peiyu_domain::{Batch, Lang, TaskKind, Text};

use crate::template::TaskTemplate;

/// The service policy of one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchService {
    /// Which batch.
    pub batch: Batch,
    /// What the county calls the batch, e.g. 重点保障 / key support.
    pub label: Text,
    /// How enterprises of the batch are served, in a sentence an officer reads.
    pub service: Text,
    /// The batch's rank as the rule file gives it, 1 to 9 (lower is served first). Weekly lists
    /// do not order by it: they put the priority batches first.
    pub weekly_rank: u8,
    /// Whether the batch is a priority batch (重点批次): its tasks and watched enterprises come
    /// first in weekly lists, and a task for one of its enterprises gets the shorter deadline of
    /// its template ([`BatchPolicy::priority_working_days`]). Batches 1 and 2, unless a track's
    /// `[policy] priority_batches` names others for that track's deadlines (the rule file does
    /// not set it).
    pub priority: bool,
    /// The deadline, in working days, of a factor-guarantee task (要素保障) for an enterprise of
    /// this batch; `None` keeps the task template's own deadline. At most 366 when set (1 to 366
    /// in the rule file, where 0 means none; a track may set 0).
    pub factor_guarantee_working_days: Option<u32>,
}

/// The service policy of all four batches: always exactly one [`BatchService`] per batch, in
/// batch order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchPolicy {
    services: [BatchService; 4],
}

/// Weekly rank of an enterprise in no batch: after every batch.
const NO_BATCH_RANK: u8 = 10;

impl Default for BatchPolicy {
    /// The county's usual policy: batches 1 and 2 (重点保障, 培育壮大) are the priority batches,
    /// first in weekly lists and their factor-guarantee tasks due in 3 working days; batches 3
    /// and 4 after them, with the templates' own deadlines.
    fn default() -> Self {
        let service = |n: u8, zh: &str, en: &str, rank: u8, days: Option<u32>| {
            let batch = Batch::ALL[usize::from(n - 1)];
            BatchService {
                batch,
                label: Text::new(batch.default_label(Lang::Zh), batch.default_label(Lang::En)),
                service: Text::new(zh, en),
                weekly_rank: rank,
                priority: n <= 2,
                factor_guarantee_working_days: days,
            }
        };
        BatchPolicy {
            services: [
                service(
                    1,
                    "要素保障优先：用地、林地、用能、用工等问题优先协调解决",
                    "factor guarantees first: land, forest quota, energy and labour problems are solved first",
                    1,
                    Some(3),
                ),
                service(
                    2,
                    "要素保障并辅导上规：帮助企业达到规模以上标准、入统",
                    "factor guarantees and coaching toward above-scale registration",
                    1,
                    Some(3),
                ),
                service(
                    3,
                    "技改提升：推动技术改造项目、设备更新和科技认定",
                    "tech upgrade: tech-upgrade projects, equipment renewal and technology certification",
                    2,
                    None,
                ),
                service(
                    4,
                    "调整盘活：开拓市场、调整转型、有序退出，或将闲置产能交由其他企业盘活",
                    "adjust and revitalise: market expansion, adjustment, exit, or handing idle capacity to another firm",
                    2,
                    None,
                ),
            ],
        }
    }
}

impl BatchPolicy {
    /// A policy from one service per batch. `services` must hold each batch exactly once
    /// (any order); otherwise `None`.
    pub fn new(services: Vec<BatchService>) -> Option<BatchPolicy> {
        let mut slots: [Option<BatchService>; 4] = Default::default();
        for s in services {
            let slot = &mut slots[usize::from(s.batch.number() - 1)];
            if slot.is_some() {
                return None;
            }
            *slot = Some(s);
        }
        let [a, b, c, d] = slots;
        Some(BatchPolicy {
            services: [a?, b?, c?, d?],
        })
    }

    /// The four services in batch order.
    pub fn services(&self) -> &[BatchService; 4] {
        &self.services
    }

    /// The service of `batch`.
    pub fn service(&self, batch: Batch) -> &BatchService {
        &self.services[usize::from(batch.number() - 1)]
    }

    /// The name of `batch` in the county's wording.
    pub fn label(&self, batch: Batch) -> &Text {
        &self.service(batch).label
    }

    /// The rank the rule file gives `batch` (lower is served first); an enterprise in no batch
    /// ranks after every batch.
    pub fn weekly_rank(&self, batch: Option<Batch>) -> u8 {
        batch.map_or(NO_BATCH_RANK, |b| self.service(b).weekly_rank)
    }

    /// Whether an enterprise in `batch` is in a priority batch; one in no batch never is.
    pub fn is_priority(&self, batch: Option<Batch>) -> bool {
        batch.is_some_and(|b| self.service(b).priority)
    }

    /// The priority batches, in batch order.
    pub fn priority_batches(&self) -> Vec<Batch> {
        self.services
            .iter()
            .filter(|s| s.priority)
            .map(|s| s.batch)
            .collect()
    }

    /// The working-day deadline of a factor-guarantee task for an enterprise in `batch`, when the
    /// policy shortens it; `None` means the template's own deadline applies.
    pub fn factor_guarantee_working_days(&self, batch: Option<Batch>) -> Option<u32> {
        batch.and_then(|b| self.service(b).factor_guarantee_working_days)
    }

    /// The shorter deadline, in working days, of a task made from `template` for an enterprise
    /// in `batch`: for a priority batch, the template's own `priority_working_days`, else the
    /// batch's factor-guarantee deadline when the template is a factor guarantee; `None` (the
    /// template's own deadline) otherwise. A shorter deadline only ever applies when it is
    /// earlier than the normal one ([`TaskTemplate::draft`]).
    pub fn priority_working_days(
        &self,
        batch: Option<Batch>,
        template: &TaskTemplate,
    ) -> Option<u32> {
        if !self.is_priority(batch) {
            return None;
        }
        template.priority_working_days.or_else(|| {
            matches!(template.kind, TaskKind::FactorGuarantee(_))
                .then(|| self.factor_guarantee_working_days(batch))
                .flatten()
        })
    }

    /// This policy with exactly `batches` as its priority batches, their factor-guarantee tasks
    /// due in `factor_guarantee_working_days` (`None`: the templates' own deadlines), and no
    /// shorter factor-guarantee deadline for the other batches: what a track's `[policy]`
    /// section (`priority_batches`, `factor_guarantee_working_days`) makes of the default policy.
    pub fn with_priority(
        mut self,
        batches: &[Batch],
        factor_guarantee_working_days: Option<u32>,
    ) -> BatchPolicy {
        for s in &mut self.services {
            s.priority = batches.contains(&s.batch);
            s.factor_guarantee_working_days = s
                .priority
                .then_some(factor_guarantee_working_days)
                .flatten();
        }
        self
    }

    pub(crate) fn service_mut(&mut self, batch: Batch) -> &mut BatchService {
        &mut self.services[usize::from(batch.number() - 1)]
    }
}

#[cfg(test)]
mod tests {
    use peiyu_domain::FactorCategory;

    use super::*;
    use crate::template::{AssigneeRule, DueRule};

    fn b(n: u8) -> Batch {
        Batch::new(n).unwrap()
    }

    fn template(kind: TaskKind, priority_working_days: Option<u32>) -> TaskTemplate {
        TaskTemplate {
            kind,
            title: Text::new("任务", "task"),
            assignee: AssigneeRule::ResponsibleOfficer,
            due: DueRule::WorkingDays(20),
            roll_to_working_day: false,
            priority_working_days,
            repeat: None,
            line: 1,
        }
    }

    #[test]
    fn batches_one_and_two_are_the_default_priority_batches() {
        let p = BatchPolicy::default();
        assert_eq!(p.priority_batches(), [b(1), b(2)]);
        assert!(p.is_priority(Some(b(2))));
        assert!(!p.is_priority(Some(b(3))));
        assert!(!p.is_priority(None));
    }

    #[test]
    fn a_priority_batch_gets_the_template_deadline_else_the_factor_guarantee_one() {
        let land = TaskKind::FactorGuarantee(FactorCategory::Land);
        let p = BatchPolicy::default().with_priority(&[b(1), b(3)], Some(10));
        assert_eq!(p.priority_batches(), [b(1), b(3)]);
        assert_eq!(p.factor_guarantee_working_days(Some(b(2))), None);
        // A factor guarantee: the policy's deadline, unless the template has its own.
        assert_eq!(
            p.priority_working_days(Some(b(3)), &template(land, None)),
            Some(10)
        );
        assert_eq!(
            p.priority_working_days(Some(b(1)), &template(land, Some(5))),
            Some(5)
        );
        // Another kind: only the template's own.
        let visit = template(TaskKind::Visit, None);
        assert_eq!(p.priority_working_days(Some(b(1)), &visit), None);
        assert_eq!(
            p.priority_working_days(Some(b(1)), &template(TaskKind::Visit, Some(4))),
            Some(4)
        );
        // Not a priority batch, or no batch: nothing shorter.
        for batch in [Some(b(2)), Some(b(4)), None] {
            assert_eq!(
                p.priority_working_days(batch, &template(land, Some(5))),
                None
            );
        }
        // No factor-guarantee deadline: only templates with their own.
        let p = BatchPolicy::default().with_priority(&[b(1), b(2)], None);
        assert_eq!(
            p.priority_working_days(Some(b(1)), &template(land, None)),
            None
        );
        assert_eq!(
            p.priority_working_days(Some(b(1)), &template(land, Some(5))),
            Some(5)
        );
    }
}
