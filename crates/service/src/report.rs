//! Progress against the year's targets: newly above-scale and above-limit enterprises and the
//! output they contribute, the funnel by stage, by batch, by town and by sector, and overdue
//! tasks by officer — all as of a date, from effective dates in the recorded history.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use peiyu_domain::{
    Batch, CultivationId, Enterprise, EnterpriseId, Officer, TaskStatus, Text, YearMonth, Yuan,
};
use peiyu_storage::{Target, TaskFilter, batches, cultivations, enterprises, metrics, tasks};

use crate::Service;
use crate::error::{Field, ServiceError, ServiceResult};

/// An enterprise that reached its track's `registered` stage in the year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewlyRegistered {
    /// The enterprise.
    pub enterprise: Enterprise,
    /// The effective date of its registration.
    pub registered_on: NaiveDate,
    /// Its output value from January to the as-of month.
    pub output_value: Yuan,
    /// Its revenue from January to the as-of month.
    pub revenue: Yuan,
    /// Its batch on the year's list as of the date.
    pub batch: Option<Batch>,
}

/// How many cultivations stood at each stage of a track.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Funnel {
    /// The track's key.
    pub track: String,
    /// The track's name.
    pub label: Text,
    /// Each stage in track order: key, label, count.
    pub stages: Vec<(String, Text, usize)>,
}

/// A count broken down by something (a batch, a town, a sector).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breakdown {
    /// What is counted under (`第1批`, `石龙镇`, `工业`).
    pub key: String,
    /// Newly above-scale or above-limit in the year.
    pub newly_registered: usize,
    /// Being cultivated (on a track, not at a final or registered stage).
    pub in_cultivation: usize,
    /// Output value of the newly registered, January to the as-of month.
    pub output_value: Yuan,
}

/// The progress report.
#[derive(Clone, Debug)]
pub struct ProgressReport {
    /// The year.
    pub year: i32,
    /// The day it reflects.
    pub as_of: NaiveDate,
    /// The year's targets.
    pub targets: Vec<Target>,
    /// Newly above-scale industrial enterprises.
    pub new_above_scale: Vec<NewlyRegistered>,
    /// Newly above-limit commerce enterprises.
    pub new_above_limit: Vec<NewlyRegistered>,
    /// The funnel of every track.
    pub funnels: Vec<Funnel>,
    /// By batch.
    pub by_batch: Vec<Breakdown>,
    /// By town.
    pub by_town: Vec<Breakdown>,
    /// By sector.
    pub by_sector: Vec<Breakdown>,
    /// Overdue open tasks per officer as of the date: name, login, count.
    pub overdue_by_officer: Vec<(String, String, usize)>,
    /// The statistical register as of the date, 规上 then 限上: the enterprises counted, the
    /// entries and exits of the year, their output year to date.
    pub register: Vec<crate::RegisterCount>,
}

impl ProgressReport {
    /// The output value the newly above-scale enterprises contribute.
    ///
    /// The report checks this total when it is built ([`Service::progress_report`] fails
    /// naming `output_value` otherwise), so it always holds.
    pub fn new_above_scale_output(&self) -> Yuan {
        Yuan::checked_sum(self.new_above_scale.iter().map(|n| n.output_value))
            .unwrap_or(Yuan(i64::MAX))
    }

    /// A target's value, if set.
    pub fn target(&self, metric: &str) -> Option<i64> {
        self.targets
            .iter()
            .find(|t| t.metric == metric)
            .map(|t| t.value)
    }
    /// Progress on every target: 规上 and 限上 always (set or not), the others when set, in the
    /// order of [`crate::TARGET_METRICS`]. `new_certified` is counted by no report yet: it is
    /// shown only with its target, its achievement unknown.
    pub fn target_progress(&self) -> Vec<TargetProgress> {
        crate::TARGET_METRICS
            .iter()
            .filter_map(|(key, zh, en)| {
                let target = self.target(key);
                let achieved = match *key {
                    "new_above_scale" => Some(self.new_above_scale.len() as i64),
                    "new_above_limit" => Some(self.new_above_limit.len() as i64),
                    "new_output_value" => Some(self.new_above_scale_output().amount()),
                    _ => None,
                };
                let always = matches!(*key, "new_above_scale" | "new_above_limit");
                (always || target.is_some()).then(|| TargetProgress {
                    metric: (*key).to_owned(),
                    label: Text::new(*zh, *en),
                    target,
                    achieved,
                })
            })
            .collect()
    }
}

/// One target and how far the year has come: what a progress report says of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetProgress {
    /// The metric's key (`new_above_scale`, …).
    pub metric: String,
    /// Its label.
    pub label: Text,
    /// The target, if set.
    pub target: Option<i64>,
    /// What was achieved (a count, or yuan for `new_output_value`), if the report counts it.
    pub achieved: Option<i64>,
}

impl TargetProgress {
    /// Whether the figures are amounts of money (yuan) rather than counts.
    pub fn is_amount(&self) -> bool {
        crate::target_is_amount(&self.metric)
    }

    /// The share achieved, to one decimal, rounded half up: 3 of 7 is `42.9%`; `None` without a
    /// target (or a zero one) or an achievement.
    pub fn percent(&self) -> Option<String> {
        let (got, target) = (self.achieved?, self.target.filter(|t| *t > 0)?);
        let tenths = (i128::from(got) * 1000 * 2 + i128::from(target)) / (2 * i128::from(target));
        Some(format!("{}.{}%", tenths / 10, tenths % 10))
    }
}

/// The output value and revenue of `list`'s months from `from` to `to`, summed with checked
/// arithmetic: a total beyond what can be held is an error naming the figure and the
/// enterprise, never a wrapped (negative) total.
fn sum_months(
    list: &[Figures],
    from: YearMonth,
    to: YearMonth,
    enterprise: &str,
) -> ServiceResult<(Yuan, Yuan)> {
    let months: Vec<&Figures> = list
        .iter()
        .filter(|m| m.month >= from && m.month <= to)
        .collect();
    let total = |field: &str, pick: fn(&Figures) -> Option<Yuan>| {
        Yuan::checked_sum(months.iter().filter_map(|m| pick(m)))
            .ok_or_else(|| too_large(field, (enterprise, enterprise)))
    };
    Ok((
        total("output_value", |m| m.output_value)?,
        total("revenue", |m| m.revenue)?,
    ))
}

/// A total too large to hold, of one enterprise or group named `whose` (the same in zh and en:
/// a name).
pub(crate) fn total_too_large(field: &str, whose: &str) -> ServiceError {
    too_large(field, (whose, whose))
}

/// A total too large to hold: names the figure in words (the field's key stays for the
/// front ends) and whose total it is (`whose` in zh and en).
fn too_large(field: &str, whose: (&str, &str)) -> ServiceError {
    let (zh, en) = match field {
        "output_value" => ("产值", "output value"),
        "revenue" => ("营业收入", "revenue"),
        other => (other, other),
    };
    ServiceError::invalid(
        Field::named(field),
        Text::new(
            format!(
                "{}的{zh}合计超出可表示的范围：请核对录入的数字（是否多写了几位）",
                whose.0
            ),
            format!(
                "the total {en} of {} is too large to hold: check the figures entered (extra digits?)",
                whose.1
            ),
        ),
    )
}

/// What a progress report is counted from, wherever it was read: the tables, or the audit log
/// alone ([`Service::progress_report_from_log`]).
struct ProgressInputs {
    /// Every enterprise, archived ones too.
    enterprises: BTreeMap<EnterpriseId, Enterprise>,
    /// The year's list's moves: enterprise, batch moved to, effective date; in recording order.
    moves: Vec<(EnterpriseId, Option<Batch>, NaiveDate)>,
    /// Every cultivation: id, enterprise, track version.
    cultivations: Vec<(CultivationId, EnterpriseId, peiyu_domain::TrackId)>,
    /// Stage moves effective by the as-of day: cultivation, stage moved to, effective date; in
    /// sequence order within a cultivation.
    transitions: Vec<(CultivationId, String, NaiveDate)>,
    /// Monthly output value and revenue, when read from the log (the tables are asked per
    /// enterprise instead).
    figures: Option<BTreeMap<EnterpriseId, Vec<Figures>>>,
    /// Every task: assignee, status, created, due, completed.
    tasks: Vec<TaskFacts>,
    /// Officers by id: name and login.
    officers: BTreeMap<peiyu_domain::OfficerId, (String, String)>,
    /// The year's targets.
    targets: Vec<Target>,
    /// Every register period.
    register: Vec<peiyu_domain::RegisterPeriod>,
}

/// A month's output value and revenue.
#[derive(Clone, Copy)]
struct Figures {
    month: YearMonth,
    output_value: Option<Yuan>,
    revenue: Option<Yuan>,
}

/// What the report counts of a task.
struct TaskFacts {
    assignee: peiyu_domain::OfficerId,
    status: TaskStatus,
    created_on: NaiveDate,
    due_on: NaiveDate,
    completed_on: Option<NaiveDate>,
}

/// The year's first day, last day, and the as-of day checked to be within it.
fn report_days(
    year: i32,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
) -> ServiceResult<(NaiveDate, NaiveDate)> {
    let year_start = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| bad_year(year))?;
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| bad_year(year))?;
    let as_of = as_of.unwrap_or_else(|| year_end.min(today));
    if as_of < year_start || as_of > year_end {
        return Err(ServiceError::invalid(
            Field::AsOf,
            Text::new(
                format!("截至日期 {as_of} 不在 {year} 年内"),
                format!("the as-of date {as_of} is not in {year}"),
            ),
        ));
    }
    Ok((year_start, as_of))
}

impl Service {
    /// The progress report for `year` as of `as_of` (default: the end of the year, or today if
    /// sooner). Moves count by their effective dates, so a report as of a past day shows what
    /// had happened by then even if it was recorded later.
    #[tracing::instrument(skip(self, _actor))]
    pub async fn progress_report(
        &self,
        _actor: &Officer,
        year: i32,
        as_of: Option<NaiveDate>,
    ) -> ServiceResult<ProgressReport> {
        let (_, as_of) = report_days(year, as_of, self.today())?;
        let conn = self.store().conn();
        let enterprises = enterprises::list_enterprises(
            conn,
            &peiyu_storage::EnterpriseFilter {
                include_archived: true,
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .map(|v| (v.value.id, v.value))
        .collect();
        let mut moves = Vec::new();
        if let Some(list) = batches::find_list(conn, year).await? {
            for mv in batches::moves(conn, Some(list.value.id), None).await? {
                moves.push((mv.enterprise, mv.to, mv.effective_on));
            }
        }
        let cultivations = cultivations::list_cultivations(conn, None, None)
            .await?
            .into_iter()
            .map(|c| (c.value.id, c.value.enterprise, c.value.track))
            .collect();
        let transitions = cultivations::all_transitions(conn, Some(as_of))
            .await?
            .into_iter()
            .map(|t| (t.cultivation, t.to.to_string(), t.effective_on))
            .collect();
        let tasks: Vec<TaskFacts> = tasks::list_tasks(conn, &TaskFilter::default())
            .await?
            .into_iter()
            .map(|t| TaskFacts {
                assignee: t.value.assignee,
                status: t.value.status,
                created_on: t.value.created_on,
                due_on: t.value.due_on,
                completed_on: t.value.completed_on,
            })
            .collect();
        let mut ids: Vec<_> = tasks.iter().map(|t| t.assignee).collect();
        ids.sort();
        ids.dedup();
        let officers = peiyu_storage::officers::officers_by_ids(conn, &ids)
            .await?
            .into_iter()
            .map(|o| (o.id, (o.name, o.login.as_str().to_owned())))
            .collect();
        let inputs = ProgressInputs {
            enterprises,
            moves,
            cultivations,
            transitions,
            figures: None,
            tasks,
            officers,
            targets: peiyu_storage::targets::targets_of(conn, year).await?,
            register: peiyu_storage::register::all_periods(conn, None).await?,
        };
        self.assemble_progress(year, as_of, inputs).await
    }

    /// [`Service::progress_report`] counted from the audit log alone (`--from-log`): the
    /// enterprises, the list's moves, the cultivations and their stage moves, the monthly
    /// figures, the tasks, the officers and the targets as the log's entries record them, never
    /// the tables. The same report as [`Service::progress_report`] when `audit verify` passes.
    #[tracing::instrument(skip(self, _actor))]
    pub async fn progress_report_from_log(
        &self,
        _actor: &Officer,
        year: i32,
        as_of: Option<NaiveDate>,
    ) -> ServiceResult<ProgressReport> {
        let (_, as_of) = report_days(year, as_of, self.today())?;
        let state = peiyu_storage::audit_replay::state_from_log(self.store().conn()).await?;
        let mut figures: BTreeMap<EnterpriseId, Vec<Figures>> = BTreeMap::new();
        for f in state.figures {
            figures.entry(f.enterprise).or_default().push(Figures {
                month: f.month,
                output_value: f.output_value,
                revenue: f.revenue,
            });
        }
        let inputs = ProgressInputs {
            enterprises: state.enterprises.into_iter().map(|e| (e.id, e)).collect(),
            moves: state
                .moves
                .into_iter()
                .filter(|m| m.year == year)
                .map(|m| (m.enterprise, m.to, m.effective_on))
                .collect(),
            cultivations: state.cultivations,
            transitions: state
                .transitions
                .into_iter()
                .filter(|t| t.effective_on <= as_of)
                .map(|t| (t.cultivation, t.to, t.effective_on))
                .collect(),
            figures: Some(figures),
            tasks: state
                .tasks
                .into_iter()
                .map(|t| TaskFacts {
                    assignee: t.assignee,
                    status: t.status,
                    created_on: t.created_on,
                    due_on: t.due_on,
                    completed_on: t.completed_on,
                })
                .collect(),
            officers: state
                .officers
                .into_iter()
                .map(|o| (o.id, (o.name, o.login)))
                .collect(),
            targets: state
                .targets
                .into_iter()
                .filter(|t| t.year == year)
                .collect(),
            register: state.register,
        };
        self.assemble_progress(year, as_of, inputs).await
    }

    /// An enterprise's output value and revenue from `from` to `to`: from the log's figures when
    /// the inputs carry them, else from the table.
    async fn figures_of(
        &self,
        inputs: &ProgressInputs,
        enterprise: &Enterprise,
        from: YearMonth,
        to: YearMonth,
    ) -> ServiceResult<(Yuan, Yuan)> {
        let months: Vec<Figures> = match &inputs.figures {
            Some(all) => all.get(&enterprise.id).cloned().unwrap_or_default(),
            None => metrics::list_metrics(self.store().conn(), enterprise.id, Some(from), Some(to))
                .await?
                .into_iter()
                .map(|m| Figures {
                    month: m.month,
                    output_value: m.output_value,
                    revenue: m.revenue,
                })
                .collect(),
        };
        sum_months(&months, from, to, &enterprise.name)
    }

    /// The report of `year` as of `as_of` from what was recorded, wherever it was read from.
    async fn assemble_progress(
        &self,
        year: i32,
        as_of: NaiveDate,
        inputs: ProgressInputs,
    ) -> ServiceResult<ProgressReport> {
        let year_start = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| bad_year(year))?;
        let first_month = YearMonth::containing(year_start).ok_or_else(|| bad_year(year))?;
        let as_of_month = YearMonth::containing(as_of).ok_or_else(|| bad_year(year))?;
        let all_enterprises = &inputs.enterprises;

        // Batch of each enterprise on the year's list as of the date, from the moves.
        let mut batch_of: BTreeMap<EnterpriseId, Option<Batch>> = BTreeMap::new();
        for (enterprise, to, effective_on) in &inputs.moves {
            if *effective_on <= as_of {
                batch_of.insert(*enterprise, *to);
            }
        }

        // Each track version's definition, once.
        let mut versions: BTreeMap<peiyu_domain::TrackId, crate::tracks::TrackView> =
            BTreeMap::new();
        for (_, _, track) in &inputs.cultivations {
            if let std::collections::btree_map::Entry::Vacant(slot) = versions.entry(*track) {
                slot.insert(self.track_version(*track).await?);
            }
        }
        let track_key = |track: &peiyu_domain::TrackId| {
            versions
                .get(track)
                .map(|v| v.record.key.to_string())
                .unwrap_or_default()
        };

        // The stage of each cultivation as of the date, and registrations in the year.
        let track_of: BTreeMap<CultivationId, (String, EnterpriseId)> = inputs
            .cultivations
            .iter()
            .map(|(id, enterprise, track)| (*id, (track_key(track), *enterprise)))
            .collect();
        let mut stage_as_of: BTreeMap<CultivationId, String> = BTreeMap::new();
        let mut registered: Vec<(String, EnterpriseId, NaiveDate)> = Vec::new();
        for (cultivation, to, effective_on) in &inputs.transitions {
            stage_as_of.insert(*cultivation, to.clone());
            if to == "registered"
                && *effective_on >= year_start
                && let Some((track, enterprise)) = track_of.get(cultivation)
            {
                registered.push((track.clone(), *enterprise, *effective_on));
            }
        }

        let mut new_above_scale = Vec::new();
        let mut new_above_limit = Vec::new();
        for (track, enterprise, on) in registered {
            let Some(e) = all_enterprises.get(&enterprise) else {
                continue;
            };
            let (output_value, revenue) = self
                .figures_of(&inputs, e, first_month, as_of_month)
                .await?;
            let entry = NewlyRegistered {
                enterprise: e.clone(),
                registered_on: on,
                output_value,
                revenue,
                batch: batch_of.get(&enterprise).copied().flatten(),
            };
            match track.as_str() {
                "industrial" => new_above_scale.push(entry),
                "commerce" => new_above_limit.push(entry),
                _ => {}
            }
        }
        if Yuan::checked_sum(new_above_scale.iter().map(|n| n.output_value)).is_none() {
            return Err(too_large(
                "output_value",
                ("新升规企业", "the newly above-scale enterprises"),
            ));
        }
        new_above_scale.sort_by(|a, b| {
            (a.registered_on, &a.enterprise.name).cmp(&(b.registered_on, &b.enterprise.name))
        });
        new_above_limit.sort_by(|a, b| {
            (a.registered_on, &a.enterprise.name).cmp(&(b.registered_on, &b.enterprise.name))
        });

        // Funnels, from each track's stored version.
        let mut in_cultivation: Vec<EnterpriseId> = Vec::new();
        let mut seen_tracks: BTreeMap<String, Funnel> = BTreeMap::new();
        for (id, enterprise, track) in &inputs.cultivations {
            let key = track_key(track);
            if !seen_tracks.contains_key(&key)
                && let Some(view) = versions.get(track)
            {
                seen_tracks.insert(
                    key.clone(),
                    Funnel {
                        track: key.clone(),
                        label: view.track.label().clone(),
                        stages: view
                            .track
                            .stages()
                            .iter()
                            .map(|s| (s.key.to_string(), s.label.clone(), 0))
                            .collect(),
                    },
                );
            }
            let Some(stage) = stage_as_of.get(id) else {
                continue;
            };
            if let Some(funnel) = seen_tracks.get_mut(&key)
                && let Some(slot) = funnel.stages.iter_mut().find(|(k, _, _)| k == stage)
            {
                slot.2 += 1;
            }
            if !matches!(
                stage.as_str(),
                "registered" | "upgrading" | "withdrawn" | "delisted" | "lapsed"
            ) {
                in_cultivation.push(*enterprise);
            }
        }
        let funnels: Vec<Funnel> = seen_tracks.into_values().collect();

        let newly: Vec<&NewlyRegistered> = new_above_scale
            .iter()
            .chain(new_above_limit.iter())
            .collect();
        let breakdown = |key_of: &dyn Fn(&Enterprise) -> String| -> ServiceResult<Vec<Breakdown>> {
            let mut map: BTreeMap<String, Breakdown> = BTreeMap::new();
            for n in &newly {
                let k = key_of(&n.enterprise);
                let b = map.entry(k.clone()).or_insert_with(|| Breakdown {
                    key: k,
                    newly_registered: 0,
                    in_cultivation: 0,
                    output_value: Yuan::ZERO,
                });
                b.newly_registered += 1;
                b.output_value = b
                    .output_value
                    .checked_add(n.output_value)
                    .ok_or_else(|| too_large("output_value", (&b.key, &b.key)))?;
            }
            for id in &in_cultivation {
                if let Some(e) = all_enterprises.get(id) {
                    let k = key_of(e);
                    map.entry(k.clone())
                        .or_insert_with(|| Breakdown {
                            key: k,
                            newly_registered: 0,
                            in_cultivation: 0,
                            output_value: Yuan::ZERO,
                        })
                        .in_cultivation += 1;
                }
            }
            Ok(map.into_values().collect())
        };
        let batch_key = |e: &Enterprise| match batch_of.get(&e.id).copied().flatten() {
            Some(b) => format!(
                "第{}批 {}",
                b.number(),
                b.default_label(peiyu_domain::Lang::Zh)
            ),
            None => "未列入".to_owned(),
        };
        let by_batch = breakdown(&batch_key)?;
        let by_town = breakdown(&|e: &Enterprise| e.town.clone())?;
        let by_sector =
            breakdown(&|e: &Enterprise| e.sector.label(peiyu_domain::Lang::Zh).to_owned())?;

        // Overdue tasks per officer as of the date, from the effective dates kept on each task:
        // created by then, due before it, and not done by then (cancelled tasks are left out).
        let mut overdue: BTreeMap<peiyu_domain::OfficerId, usize> = BTreeMap::new();
        for t in &inputs.tasks {
            let open_then = match t.status {
                TaskStatus::Open => true,
                TaskStatus::Done => t.completed_on.is_some_and(|d| d > as_of),
                TaskStatus::Cancelled => false,
            };
            if open_then && t.created_on <= as_of && t.due_on < as_of {
                *overdue.entry(t.assignee).or_default() += 1;
            }
        }
        let mut overdue_by_officer: Vec<(String, String, usize)> = overdue
            .into_iter()
            .filter_map(|(id, n)| {
                inputs
                    .officers
                    .get(&id)
                    .map(|(name, login)| (name.clone(), login.clone(), n))
            })
            .collect();
        overdue_by_officer.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));

        // The statistical register as of the date, with the output of the firms counted.
        let mut register_output: BTreeMap<EnterpriseId, (Yuan, Yuan)> = BTreeMap::new();
        for p in inputs.register.iter().filter(|p| p.counts_in(as_of_month)) {
            if register_output.contains_key(&p.enterprise) {
                continue;
            }
            if let Some(e) = all_enterprises.get(&p.enterprise) {
                let figures = self
                    .figures_of(&inputs, e, first_month, as_of_month)
                    .await?;
                register_output.insert(p.enterprise, figures);
            }
        }
        let register = crate::register::count_register(
            &inputs.register,
            &peiyu_domain::RegisterKind::ALL,
            as_of,
            &register_output,
        )
        .ok_or_else(|| too_large("output_value", ("统计名录", "the statistical register")))?;

        Ok(ProgressReport {
            register,
            year,
            as_of,
            targets: inputs.targets,
            new_above_scale,
            new_above_limit,
            funnels,
            by_batch,
            by_town,
            by_sector,
            overdue_by_officer,
        })
    }
}

fn bad_year(year: i32) -> ServiceError {
    ServiceError::invalid(
        Field::Year,
        Text::new(
            format!("年份 {year} 无效"),
            format!("{year} is not a valid year"),
        ),
    )
}

#[cfg(test)]
mod target_tests {
    use super::*;

    fn progress(got: i64, target: Option<i64>) -> TargetProgress {
        TargetProgress {
            metric: "new_above_scale".into(),
            label: Text::new("新增规上工业企业（家）", "newly above-scale"),
            target,
            achieved: Some(got),
        }
    }

    #[test]
    fn percentages_have_one_decimal() {
        assert_eq!(progress(3, Some(7)).percent().as_deref(), Some("42.9%"));
        assert_eq!(progress(6, Some(14)).percent().as_deref(), Some("42.9%"));
        assert_eq!(progress(0, Some(3)).percent().as_deref(), Some("0.0%"));
        assert_eq!(progress(14, Some(14)).percent().as_deref(), Some("100.0%"));
        assert_eq!(progress(1, Some(8)).percent().as_deref(), Some("12.5%"));
        assert_eq!(progress(3, None).percent(), None);
        assert_eq!(progress(3, Some(0)).percent(), None);
    }
}
