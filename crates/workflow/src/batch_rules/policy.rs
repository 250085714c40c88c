//! How each of the four batches is served: its name, its service policy, where its tasks sit in a
//! weekly list, and the shorter deadline its factor-guarantee tasks get.

use peiyu_domain::{Batch, Lang, Text};

/// The service policy of one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchService {
    /// Which batch.
    pub batch: Batch,
    /// What the county calls the batch, e.g. 重点保障 / key support.
    pub label: Text,
    /// How enterprises of the batch are served, in a sentence an officer reads.
    pub service: Text,
    /// Where the batch's tasks sit in a weekly list: a lower rank comes first; equal ranks are
    /// listed together (by due date). Always 1 to 9.
    pub weekly_rank: u8,
    /// The deadline, in working days, of a factor-guarantee task (要素保障) for an enterprise of
    /// this batch; `None` keeps the task template's own deadline. Always 1 to 366 when set.
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
    /// The county's usual policy: batches 1 and 2 (重点保障, 培育壮大) first in weekly lists and
    /// their factor-guarantee tasks due in 3 working days; batches 3 and 4 after them, with the
    /// templates' own deadlines.
    fn default() -> Self {
        let service = |n: u8, zh: &str, en: &str, rank: u8, days: Option<u32>| {
            let batch = Batch::ALL[usize::from(n - 1)];
            BatchService {
                batch,
                label: Text::new(batch.default_label(Lang::Zh), batch.default_label(Lang::En)),
                service: Text::new(zh, en),
                weekly_rank: rank,
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

    /// Where tasks of an enterprise in `batch` sit in a weekly list (lower first); an enterprise
    /// in no batch comes after every batch.
    pub fn weekly_rank(&self, batch: Option<Batch>) -> u8 {
        batch.map_or(NO_BATCH_RANK, |b| self.service(b).weekly_rank)
    }

    /// The working-day deadline of a factor-guarantee task for an enterprise in `batch`, when the
    /// policy shortens it; `None` means the template's own deadline applies.
    pub fn factor_guarantee_working_days(&self, batch: Option<Batch>) -> Option<u32> {
        batch.and_then(|b| self.service(b).factor_guarantee_working_days)
    }

    pub(super) fn service_mut(&mut self, batch: Batch) -> &mut BatchService {
        &mut self.services[usize::from(batch.number() - 1)]
    }
}
