//! The weekly list (周例会任务清单): one officer's, one team's or the whole bureau's week —
//! overdue, due this week by day, due next week, done last week — and a watch list.
//!
//! This module holds the model every renderer reads and the pure assembly that builds it from
//! tasks and cultivations as they stood on a given day.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::NaiveDate;
use peiyu_domain::{
    Batch, Lang, Metrics, MoneyUnit, Role, Sector, StageKey, Task, TaskNote, TaskStatus, Text,
    Thresholds, Week, Yuan,
};

use crate::batch_policy::BatchPolicy;
use crate::calendar::{Calendar, CalendarError};
use crate::figures::{Basis, Figure, Ratio, last_complete_month, total};
use crate::guard::GuardResult;
use crate::plan::{Snapshot, available_moves};
use crate::track::Track;

/// Whose week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WeeklyScope {
    /// One officer's tasks (assigned or delegated to them).
    Officer {
        /// Their login.
        login: String,
        /// Their name.
        name: String,
    },
    /// The tasks of a team's members.
    Team {
        /// The team's name.
        name: String,
    },
    /// Every task of the bureau.
    Bureau,
}

/// A task as it appears on a weekly list, with what a reader needs beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyTask {
    /// The task as it stood on the list's day.
    pub task: Task,
    /// The short id officers type (`peiyu task done 1a2b3c4d`).
    pub short_id: String,
    /// The enterprise's name, if the task is about one.
    pub enterprise_name: Option<String>,
    /// The enterprise's USCC.
    pub enterprise_uscc: Option<String>,
    /// The enterprise's batch on the year's list, if any (batches 1 and 2 come first).
    pub batch: Option<Batch>,
    /// The assignee's login.
    pub assignee_login: String,
    /// The assignee's name.
    pub assignee_name: String,
    /// The delegate's name, when delegated.
    pub delegate_name: Option<String>,
    /// For an overdue task: how many working days past its due date, on the list's day.
    pub working_days_overdue: Option<u32>,
    /// Carried over (结转): already overdue at the previous week's meeting (due before that
    /// week's Monday) and still open — the tasks a meeting has seen slip twice.
    pub carried_over: bool,
    /// Its number on the printed list (序号): 1, 2, … through the task sections in order
    /// (overdue, this week day by day, next week, done last week).
    pub seq: u32,
    /// Its latest progress note written on or before the list's day (the 进展 column).
    pub progress: Option<TaskNote>,
    /// The due date was counted across a year without its State Council notice: it is
    /// provisional ([`crate::calendar::PROVISIONAL_NOTE_ZH`]).
    pub due_provisional: bool,
}

/// Why an enterprise is on the watch list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchReason {
    /// A cultivation with a target date within the next eight weeks whose next move's guards
    /// still fail.
    TargetAtRisk {
        /// The target date.
        target_date: NaiveDate,
        /// The stage to reach by then (its key).
        target_stage: Option<String>,
        /// That stage's name.
        target_label: Option<Text>,
    },
    /// Revenue within 10% below the sector's threshold (a firm about to cross it).
    NearThreshold {
        /// Revenue as a share of the threshold, in basis points (9_000 = 90%).
        share_bp: i64,
    },
    /// A cultivation that has not moved for 60 days or more.
    Stalled {
        /// Days since its last move.
        days: i64,
    },
}

/// One line of the watch list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchItem {
    /// Why it is watched.
    pub reason: WatchReason,
    /// The enterprise's name.
    pub enterprise_name: String,
    /// The enterprise's USCC.
    pub enterprise_uscc: String,
    /// Its batch, if any.
    pub batch: Option<Batch>,
    /// The track concerned (its key), if any.
    pub track: Option<String>,
    /// The track's name, if any.
    pub track_label: Option<Text>,
    /// The current stage's label, if a cultivation is concerned.
    pub stage: Option<Text>,
    /// What to look at, in a sentence.
    pub detail: Text,
}

/// One day of the week with the tasks due that day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDay {
    /// The day.
    pub date: NaiveDate,
    /// Whether it is a working day on the calendar.
    pub working_day: bool,
    /// The tasks due that day, batches 1 and 2 first, then by due date.
    pub tasks: Vec<WeeklyTask>,
}

/// A week's task list, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyList {
    /// Whose week.
    pub scope: WeeklyScope,
    /// The ISO week.
    pub week: Week,
    /// The day the list reflects (the week's Monday for a past week, else today).
    pub as_of: NaiveDate,
    /// Open tasks due before `as_of`.
    pub overdue: Vec<WeeklyTask>,
    /// Monday to Sunday, with the open tasks due each day (from `as_of` on).
    pub this_week: Vec<DueDay>,
    /// Open tasks due in the following week.
    pub next_week: Vec<WeeklyTask>,
    /// Tasks done in the previous week.
    pub done_last_week: Vec<WeeklyTask>,
    /// Enterprises to watch.
    pub watch: Vec<WatchItem>,
    /// The latest daily seal of the audit log on or before `as_of`, as `<day> <hash>`: it pins
    /// the history up to the end of that day.
    pub seal: Option<String>,
    /// The years without a notice that this list counted on (its two weeks, or a task's
    /// deadline), ascending: each is named once in a warning beside the list.
    pub provisional_years: Vec<i32>,
    /// What it was rebuilt from.
    pub basis: ListBasis,
}

/// One officer's lines on a team's or the bureau's list: the meeting's subtotals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerSubtotal {
    /// Their login.
    pub login: String,
    /// Their name.
    pub name: String,
    /// Their overdue tasks.
    pub overdue: usize,
    /// Their tasks due this week.
    pub this_week: usize,
    /// Their tasks due next week.
    pub next_week: usize,
    /// Their tasks done last week.
    pub done_last_week: usize,
}

impl OfficerSubtotal {
    /// Every line of theirs on the list.
    pub fn total(&self) -> usize {
        self.overdue + self.this_week + self.next_week + self.done_last_week
    }
}

impl WeeklyList {
    /// Whether the list is grouped by officer: a team's or the bureau's list.
    pub fn by_officer(&self) -> bool {
        !matches!(self.scope, WeeklyScope::Officer { .. })
    }

    /// Each officer's count of lines per section, in the order of the groups (name, then
    /// login); empty on one officer's list.
    pub fn officer_subtotals(&self) -> Vec<OfficerSubtotal> {
        if !self.by_officer() {
            return Vec::new();
        }
        let mut by: BTreeMap<(String, String), OfficerSubtotal> = BTreeMap::new();
        let mut count = |tasks: &mut dyn Iterator<Item = &WeeklyTask>,
                         pick: fn(&mut OfficerSubtotal) -> &mut usize| {
            for t in tasks {
                let entry = by
                    .entry((t.assignee_name.clone(), t.assignee_login.clone()))
                    .or_insert_with(|| OfficerSubtotal {
                        login: t.assignee_login.clone(),
                        name: t.assignee_name.clone(),
                        overdue: 0,
                        this_week: 0,
                        next_week: 0,
                        done_last_week: 0,
                    });
                *pick(entry) += 1;
            }
        };
        count(&mut self.overdue.iter(), |s| &mut s.overdue);
        count(&mut self.this_week.iter().flat_map(|d| &d.tasks), |s| {
            &mut s.this_week
        });
        count(&mut self.next_week.iter(), |s| &mut s.next_week);
        count(&mut self.done_last_week.iter(), |s| &mut s.done_last_week);
        by.into_values().collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Assembly

/// How far ahead of the list's day a target date puts a cultivation on the watch list, in days
/// (eight weeks).
pub const TARGET_HORIZON_DAYS: i64 = 8 * 7;

/// Revenue at or above this share of the sector's threshold, in basis points, and still below
/// it, puts an enterprise on the watch list (within 10% below the threshold).
pub const NEAR_THRESHOLD_BP: i64 = 9_000;

/// Days without a move after which a cultivation at a non-terminal stage is watched as stalled.
pub const STALLED_DAYS: i64 = 60;

/// Guards that concern how a move is taken (who, why, with what paper) rather than whether the
/// enterprise is ready for it: they never make a target "at risk".
const PROCEDURAL_GUARDS: [&str; 3] = ["reason_required", "evidence_required", "role_required"];

/// A task as the service loaded it for a list: the task as it stood on the list's day and what
/// a reader needs beside it. [`assemble`] decides where it goes and adds the overdue count and
/// the carried-over flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskEntry {
    /// The task as it stood on the list's day.
    pub task: Task,
    /// The short id officers type.
    pub short_id: String,
    /// The enterprise's name, if the task is about one.
    pub enterprise_name: Option<String>,
    /// The enterprise's USCC.
    pub enterprise_uscc: Option<String>,
    /// The enterprise's batch on the list's day, if any.
    pub batch: Option<Batch>,
    /// The assignee's login.
    pub assignee_login: String,
    /// The assignee's name.
    pub assignee_name: String,
    /// The delegate's name, when delegated.
    pub delegate_name: Option<String>,
    /// Its latest progress note written on or before the list's day, if any.
    pub progress: Option<TaskNote>,
}

/// The next move of a cultivation toward its target stage, with the guards that still fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextMove {
    /// The stage the move leads to.
    pub to: StageKey,
    /// The move's name.
    pub label: Text,
    /// The guards that do not pass on the day asked about, procedural ones (reason, evidence,
    /// role) left out. Empty when the move could be taken.
    pub failing: Vec<GuardResult>,
}

/// One cultivation as it stood on the list's day, for the watch list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CultivationFacts {
    /// The enterprise's name.
    pub enterprise_name: String,
    /// The enterprise's USCC.
    pub enterprise_uscc: String,
    /// Its batch on the list's day, if any.
    pub batch: Option<Batch>,
    /// The track's key.
    pub track: String,
    /// The track's name.
    pub track_label: Text,
    /// The stage's label on the list's day.
    pub stage: Text,
    /// Whether that stage is terminal (withdrawn, delisted, …): such a cultivation is never
    /// watched.
    pub terminal: bool,
    /// The effective date of its last move on or before the list's day.
    pub last_move_on: NaiveDate,
    /// The date its target stage is to be reached by, if set.
    pub target_date: Option<NaiveDate>,
    /// The target stage's key, if set.
    pub target_stage: Option<StageKey>,
    /// The target stage's label, if set.
    pub target_label: Option<Text>,
    /// The next move toward the target (see [`next_move_toward`]); `None` when the target is
    /// reached, unset or out of reach.
    pub next_move: Option<NextMove>,
}

/// One enterprise with its monthly figures, for the near-threshold part of the watch list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseFacts {
    /// Its name.
    pub name: String,
    /// Its USCC.
    pub uscc: String,
    /// Its batch on the list's day, if any.
    pub batch: Option<Batch>,
    /// Its sector, which decides the threshold.
    pub sector: Sector,
    /// The track of a cultivation it is on (its key), if any.
    pub track: Option<String>,
    /// That track's name.
    pub track_label: Option<Text>,
    /// That cultivation's stage label on the list's day.
    pub stage: Option<Text>,
    /// Its monthly figures (any order).
    pub metrics: Vec<Metrics>,
}

/// What a list was rebuilt from: the tables as they are, or, for a past week, the history as
/// its meeting saw it or as it really was. Every format says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListBasis {
    /// This week or a week ahead: the tables as they are.
    #[default]
    Current,
    /// A past week as its meeting saw it: what had been recorded by the end of the list's day.
    Meeting,
    /// A past week as it really was: by effective dates, entries recorded later (catch-up)
    /// included on the days they name.
    InEffect,
}

impl ListBasis {
    /// Its key in JSON: `current`, `meeting` or `in_effect`.
    pub fn key(self) -> &'static str {
        match self {
            ListBasis::Current => "current",
            ListBasis::Meeting => "meeting",
            ListBasis::InEffect => "in_effect",
        }
    }
}

/// Everything [`assemble`] needs, loaded by the service as it stood on `as_of`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyInput {
    /// Whose week.
    pub scope: WeeklyScope,
    /// The ISO week.
    pub week: Week,
    /// The day the list reflects.
    pub as_of: NaiveDate,
    /// The scope's tasks as they stood at the end of `as_of`, any status.
    pub tasks: Vec<TaskEntry>,
    /// The scope's cultivations as they stood on `as_of`.
    pub cultivations: Vec<CultivationFacts>,
    /// The scope's enterprises with their figures.
    pub enterprises: Vec<EnterpriseFacts>,
    /// The size thresholds by sector.
    pub thresholds: Thresholds,
    /// The county's four-batches policy: its priority batches' tasks and watched enterprises
    /// come first.
    pub policy: BatchPolicy,
    /// The daily seal of `as_of`, if one exists.
    pub seal: Option<String>,
    /// What the tasks, batches and stages were read from.
    pub basis: ListBasis,
}

/// The next move of a cultivation (as in `snapshot`, on `on`) toward `target`: the first step of
/// a shortest path of the track's moves from the current stage to `target` (expiry lapses left
/// out; among equally short paths, the first move in track order), with the guards of that move
/// that fail on `on`. `None` when the cultivation is at `target`, or `target` cannot be reached
/// from where it is.
pub fn next_move_toward(
    track: &Track,
    snapshot: &Snapshot,
    target: &StageKey,
    on: NaiveDate,
) -> Option<NextMove> {
    if &snapshot.stage == target {
        return None;
    }
    // Breadth-first search, remembering the first step that reached each stage.
    let mut first_step: BTreeMap<StageKey, StageKey> = BTreeMap::new();
    let mut queue: VecDeque<StageKey> = VecDeque::new();
    queue.push_back(snapshot.stage.clone());
    let mut step = None;
    while let Some(stage) = queue.pop_front() {
        for t in track.transitions_from(&stage).filter(|t| !t.on_expiry) {
            if t.to == snapshot.stage || first_step.contains_key(&t.to) {
                continue;
            }
            let first = first_step
                .get(&stage)
                .cloned()
                .unwrap_or_else(|| t.to.clone());
            if &t.to == target {
                step = Some(first);
                break;
            }
            first_step.insert(t.to.clone(), first);
            queue.push_back(t.to.clone());
        }
        if step.is_some() {
            break;
        }
    }
    let step = step?;
    let option = available_moves(track, snapshot, Role::Officer, on)
        .into_iter()
        .find(|m| m.to == step && !m.on_expiry)?;
    Some(NextMove {
        to: option.to,
        label: option.label,
        failing: option
            .guards
            .into_iter()
            .filter(|g| !g.passed && !PROCEDURAL_GUARDS.contains(&g.guard))
            .collect(),
    })
}

/// The order of every task section: on a team's or the bureau's list, by officer first
/// (assignee name, then login: one group per officer, for the meeting); then the policy's
/// priority batches first (batches 1 and 2), then the rest; then by due date, enterprise name
/// (tasks about no enterprise last) and task id.
fn task_order(policy: &BatchPolicy, by_officer: bool, a: &WeeklyTask, b: &WeeklyTask) -> Ordering {
    let officer =
        |t: &WeeklyTask| by_officer.then(|| (t.assignee_name.clone(), t.assignee_login.clone()));
    officer(a)
        .cmp(&officer(b))
        .then_with(|| task_order_within(policy, a, b))
}

fn task_order_within(policy: &BatchPolicy, a: &WeeklyTask, b: &WeeklyTask) -> Ordering {
    let key = |t: &WeeklyTask| {
        (
            !policy.is_priority(t.batch),
            t.task.due_on,
            t.enterprise_name.is_none(),
            t.enterprise_name.clone(),
            t.task.id.0,
        )
    };
    key(a).cmp(&key(b))
}

fn line(
    entry: TaskEntry,
    working_days_overdue: Option<u32>,
    carried_over: bool,
    provisional: &mut BTreeSet<i32>,
    calendar: &Calendar,
) -> WeeklyTask {
    let years = calendar.provisional_years_of_count(entry.task.due_count, entry.task.due_on);
    let due_provisional = !years.is_empty();
    provisional.extend(years);
    WeeklyTask {
        task: entry.task,
        short_id: entry.short_id,
        enterprise_name: entry.enterprise_name,
        enterprise_uscc: entry.enterprise_uscc,
        batch: entry.batch,
        assignee_login: entry.assignee_login,
        assignee_name: entry.assignee_name,
        delegate_name: entry.delegate_name,
        working_days_overdue,
        carried_over,
        seq: 0,
        progress: entry.progress,
        due_provisional,
    }
}

/// Builds a week's list from the tasks and cultivations as they stood on `input.as_of`:
///
/// - overdue: open tasks due before `as_of`, with the working days between the due date and
///   `as_of` ([`Calendar::working_days_between`]);
/// - this week: every day Monday to Sunday with the open tasks due that day, from `as_of` on;
/// - next week: open tasks due in the following ISO week;
/// - done last week: tasks done (by `completed_on`) in the previous ISO week;
/// - carried over: an open task already overdue at the previous week's meeting (due before the
///   previous week's Monday) is flagged;
/// - on a team's or the bureau's list each section is grouped by officer (assignee name, then
///   login), see [`WeeklyList::officer_subtotals`];
/// - every task is numbered (序号) through the sections in order;
/// - watch list: cultivations with a target date within [`TARGET_HORIZON_DAYS`] of `as_of`
///   whose next move toward the target still has failing guards; enterprises whose revenue
///   (year-to-date or trailing 12 months, whichever is higher, complete months only) is within
///   10% below their sector's threshold; cultivations at a non-terminal stage that have not
///   moved for [`STALLED_DAYS`] days.
///
/// Cancelled tasks appear nowhere. Tasks are ordered batches 1 and 2 first, then by due date,
/// enterprise name and id; the watch list by reason, then priority batch, then urgency.
/// Fails when the calendar has no data for a day it must count.
pub fn assemble(input: WeeklyInput, calendar: &Calendar) -> Result<WeeklyList, CalendarError> {
    let WeeklyInput {
        scope,
        week,
        as_of,
        tasks,
        cultivations,
        enterprises,
        thresholds,
        policy,
        seal,
        basis,
    } = input;
    let days = week.days();
    let next = week.next();
    let prev = week.prev();
    let mut overdue = Vec::new();
    let mut due_by_day: [Vec<WeeklyTask>; 7] = Default::default();
    let mut next_week = Vec::new();
    let mut done_last_week = Vec::new();
    let mut provisional: BTreeSet<i32> = calendar
        .provisional_years(prev.monday(), next.sunday())
        .into_iter()
        .collect();
    let p = &mut provisional;
    for entry in tasks {
        let task = &entry.task;
        match task.status {
            TaskStatus::Open => {
                let carried_over = task.due_on < prev.monday();
                let due = task.due_on;
                if due < as_of {
                    let late = calendar.working_days_between(due, as_of)?;
                    overdue.push(line(entry, Some(late), carried_over, p, calendar));
                } else if let Some(i) = days.iter().position(|d| *d == due) {
                    due_by_day[i].push(line(entry, None, carried_over, p, calendar));
                } else if next != week && next.contains(due) {
                    next_week.push(line(entry, None, carried_over, p, calendar));
                }
            }
            TaskStatus::Done => {
                if prev != week && task.completed_on.is_some_and(|d| prev.contains(d)) {
                    done_last_week.push(line(entry, None, false, p, calendar));
                }
            }
            TaskStatus::Cancelled => {}
        }
    }
    let by_officer = !matches!(scope, WeeklyScope::Officer { .. });
    let task_order = |a: &WeeklyTask, b: &WeeklyTask| task_order(&policy, by_officer, a, b);
    overdue.sort_by(task_order);
    next_week.sort_by(task_order);
    done_last_week.sort_by(|a, b| {
        task_order(a, b).then_with(|| a.task.completed_on.cmp(&b.task.completed_on))
    });
    let mut this_week = Vec::with_capacity(7);
    for (date, mut tasks) in days.into_iter().zip(due_by_day) {
        tasks.sort_by(task_order);
        this_week.push(DueDay {
            date,
            working_day: calendar.is_working_day(date)?,
            tasks,
        });
    }
    let watch = watch_list(as_of, cultivations, enterprises, &thresholds, &policy);
    let mut seq = 0;
    for task in overdue
        .iter_mut()
        .chain(this_week.iter_mut().flat_map(|d| d.tasks.iter_mut()))
        .chain(next_week.iter_mut())
        .chain(done_last_week.iter_mut())
    {
        seq += 1;
        task.seq = seq;
    }
    Ok(WeeklyList {
        scope,
        week,
        as_of,
        overdue,
        this_week,
        next_week,
        done_last_week,
        watch,
        seal,
        provisional_years: provisional.into_iter().collect(),
        basis,
    })
}

fn watch_list(
    as_of: NaiveDate,
    cultivations: Vec<CultivationFacts>,
    enterprises: Vec<EnterpriseFacts>,
    thresholds: &Thresholds,
    policy: &BatchPolicy,
) -> Vec<WatchItem> {
    let mut watch = Vec::new();
    for c in cultivations {
        if c.terminal {
            continue;
        }
        if let (Some(target_date), Some(next)) = (c.target_date, &c.next_move) {
            let ahead = (target_date - as_of).num_days();
            if (0..=TARGET_HORIZON_DAYS).contains(&ahead) && !next.failing.is_empty() {
                watch.push(target_at_risk(&c, target_date, next, ahead));
            }
        }
        let idle = (as_of - c.last_move_on).num_days();
        if idle >= STALLED_DAYS {
            watch.push(WatchItem {
                reason: WatchReason::Stalled { days: idle },
                enterprise_name: c.enterprise_name.clone(),
                enterprise_uscc: c.enterprise_uscc.clone(),
                batch: c.batch,
                track: Some(c.track.clone()),
                track_label: Some(c.track_label.clone()),
                stage: Some(c.stage.clone()),
                detail: Text::new(
                    format!(
                        "自 {} 起未推进，已 {idle} 天（停留在「{}」）",
                        c.last_move_on,
                        c.stage.zh()
                    ),
                    format!(
                        "no move since {} ({idle} days at \"{}\")",
                        c.last_move_on,
                        c.stage.en()
                    ),
                ),
            });
        }
    }
    for e in enterprises {
        if let Some(item) = near_threshold(e, as_of, thresholds) {
            watch.push(item);
        }
    }
    watch.sort_by_key(|w| watch_key(w, as_of, policy));
    watch
}

fn watch_key(
    w: &WatchItem,
    as_of: NaiveDate,
    policy: &BatchPolicy,
) -> (u8, bool, i64, String, String, Option<String>) {
    let (rank, urgency) = match w.reason {
        WatchReason::TargetAtRisk { target_date, .. } => (0, (target_date - as_of).num_days()),
        WatchReason::NearThreshold { share_bp } => (1, -share_bp),
        WatchReason::Stalled { days } => (2, -days),
    };
    (
        rank,
        !policy.is_priority(w.batch),
        urgency,
        w.enterprise_name.clone(),
        w.enterprise_uscc.clone(),
        w.track.clone(),
    )
}

fn target_at_risk(
    c: &CultivationFacts,
    target_date: NaiveDate,
    next: &NextMove,
    ahead: i64,
) -> WatchItem {
    let (target_zh, target_en) = match &c.target_label {
        Some(label) => (label.zh().to_owned(), label.en().to_owned()),
        None => {
            let key = c
                .target_stage
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default();
            (key.clone(), key)
        }
    };
    let failing_zh: Vec<&str> = next.failing.iter().map(|g| g.message.zh()).collect();
    let failing_en: Vec<&str> = next.failing.iter().map(|g| g.message.en()).collect();
    WatchItem {
        reason: WatchReason::TargetAtRisk {
            target_date,
            target_stage: c.target_stage.as_ref().map(|s| s.as_str().to_owned()),
            target_label: c.target_label.clone(),
        },
        enterprise_name: c.enterprise_name.clone(),
        enterprise_uscc: c.enterprise_uscc.clone(),
        batch: c.batch,
        track: Some(c.track.clone()),
        track_label: Some(c.track_label.clone()),
        stage: Some(c.stage.clone()),
        detail: Text::new(
            format!(
                "须在 {target_date} 前达到「{target_zh}」（还有 {ahead} 天）；下一步「{}」未满足：{}",
                next.label.zh(),
                failing_zh.join("；")
            ),
            format!(
                "to reach \"{target_en}\" by {target_date} ({ahead} days left); the next move \"{}\" still fails: {}",
                next.label.en(),
                failing_en.join("; ")
            ),
        ),
    }
}

/// An enterprise whose best complete revenue total (year-to-date or trailing 12 months, up to
/// the last complete month before `as_of`) is within 10% below its sector's threshold.
fn near_threshold(
    e: EnterpriseFacts,
    as_of: NaiveDate,
    thresholds: &Thresholds,
) -> Option<WatchItem> {
    let threshold = thresholds.get(e.sector).filter(|t| t.0 > 0)?;
    let month = last_complete_month(as_of)?;
    let (basis, sum) = [Basis::Trailing12Months, Basis::YearToDate]
        .into_iter()
        // A total too large to hold is far above any threshold: not near it.
        .filter_map(|basis| {
            Some((
                basis,
                total(&e.metrics, Figure::Revenue, basis, month).ok()?,
            ))
        })
        .filter(|(_, t)| t.is_complete())
        .map(|(basis, t)| (basis, t.sum))
        .max_by_key(|(_, sum)| *sum)?;
    // Exactly: NEAR_THRESHOLD_BP / 10 000 of the threshold ≤ sum < threshold.
    let near = i128::from(sum.0) * 10_000
        >= i128::from(threshold.0) * i128::from(NEAR_THRESHOLD_BP)
        && sum < threshold;
    if !near {
        return None;
    }
    let share_bp = Ratio::new(sum.0, threshold.0)?.basis_points();
    let percent = Ratio::new(sum.0, threshold.0)?.percent();
    let en_yuan = |y: Yuan| {
        let text = y.format_in(MoneyUnit::Yuan);
        format!("{} yuan", text.trim_end_matches('元'))
    };
    Some(WatchItem {
        reason: WatchReason::NearThreshold { share_bp },
        detail: Text::new(
            format!(
                "{}营业收入 {sum}（至 {month}），达{}门槛 {threshold} 的 {percent}",
                basis.label(Lang::Zh),
                e.sector.label(Lang::Zh)
            ),
            format!(
                "{} revenue {} (to {month}), {percent} of the {} threshold of {}",
                basis.label(Lang::En),
                en_yuan(sum),
                e.sector.label(Lang::En),
                en_yuan(threshold)
            ),
        ),
        enterprise_name: e.name,
        enterprise_uscc: e.uscc,
        batch: e.batch,
        track: e.track,
        track_label: e.track_label,
        stage: e.stage,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::track::shipped_tracks;
    use peiyu_domain::{EnterpriseId, LegalForm, TaskKind, Uscc, YearMonth};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn cal() -> Calendar {
        Calendar::china().unwrap()
    }

    fn week(s: &str) -> Week {
        Week::parse(s).unwrap()
    }

    /// A task entry: `n` numbers its id; `firm` names its enterprise; `batch` its batch.
    struct T {
        n: u128,
        created: &'static str,
        due: &'static str,
        status: TaskStatus,
        completed: Option<&'static str>,
        firm: Option<&'static str>,
        batch: Option<u8>,
    }

    impl T {
        fn open(n: u128, created: &'static str, due: &'static str) -> T {
            T {
                n,
                created,
                due,
                status: TaskStatus::Open,
                completed: None,
                firm: Some("甲企业"),
                batch: None,
            }
        }

        fn done(n: u128, created: &'static str, due: &'static str, on: &'static str) -> T {
            T {
                status: TaskStatus::Done,
                completed: Some(on),
                ..T::open(n, created, due)
            }
        }

        fn firm(mut self, firm: Option<&'static str>, batch: Option<u8>) -> T {
            self.firm = firm;
            self.batch = batch;
            self
        }

        fn entry(self) -> TaskEntry {
            TaskEntry {
                task: Task {
                    id: id_of(self.n),
                    enterprise: self.firm.map(|_| id_of(1000 + self.n)),
                    cultivation: None,
                    kind: TaskKind::Visit,
                    title: format!("任务 {}", self.n),
                    description: None,
                    assignee: id_of(1),
                    delegate: None,
                    created_by: id_of(1),
                    status: self.status,
                    created_on: d(self.created),
                    due_on: d(self.due),
                    due_count: None,
                    follow_up_on: None,
                    origin: "manual".into(),
                    completed_on: self.completed.map(d),
                    completion_note: None,
                    evidence: None,
                    cancel_reason: (self.status == TaskStatus::Cancelled)
                        .then(|| "不再需要".into()),
                },
                short_id: format!("{:08x}", self.n),
                enterprise_name: self.firm.map(str::to_owned),
                enterprise_uscc: self.firm.map(|_| "91450000100000017X".to_owned()),
                batch: self.batch.map(|b| Batch::new(b).unwrap()),
                assignee_login: "wang".into(),
                assignee_name: "王伟".into(),
                delegate_name: None,
                progress: None,
            }
        }
    }

    fn id_of<I: std::str::FromStr>(n: u128) -> I {
        format!("{n:032x}")
            .parse()
            .unwrap_or_else(|_| panic!("an id from {n}"))
    }

    fn input(w: &str, as_of: &str, tasks: Vec<T>) -> WeeklyInput {
        WeeklyInput {
            scope: WeeklyScope::Officer {
                login: "wang".into(),
                name: "王伟".into(),
            },
            week: week(w),
            as_of: d(as_of),
            tasks: tasks.into_iter().map(T::entry).collect(),
            cultivations: Vec::new(),
            enterprises: Vec::new(),
            thresholds: Thresholds::default(),
            policy: BatchPolicy::default(),
            basis: ListBasis::Current,
            seal: None,
        }
    }

    fn ids(tasks: &[WeeklyTask]) -> Vec<u128> {
        tasks.iter().map(|t| t.task.id.0.as_u128()).collect()
    }

    fn day_ids(list: &WeeklyList) -> Vec<Vec<u128>> {
        list.this_week.iter().map(|d| ids(&d.tasks)).collect()
    }

    #[test]
    fn national_day_week_as_of_its_monday() {
        // 2023-W40 is 2 to 8 October: 29 September to 6 October off, Saturday 7 and Sunday 8
        // October make-up workdays.
        let cancelled = T {
            status: TaskStatus::Cancelled,
            ..T::open(9, "2023-09-20", "2023-10-04")
        };
        let list = assemble(
            input(
                "2023-W40",
                "2023-10-02",
                vec![
                    T::open(1, "2023-09-20", "2023-09-27"),
                    T::open(2, "2023-09-25", "2023-09-28"),
                    T::open(3, "2023-10-02", "2023-10-02"),
                    T::open(4, "2023-09-26", "2023-10-07"),
                    T::open(5, "2023-09-26", "2023-10-08"),
                    T::open(6, "2023-09-26", "2023-10-10"),
                    T::done(7, "2023-09-18", "2023-09-28", "2023-09-27"),
                    T::done(8, "2023-09-18", "2023-09-28", "2023-10-02"),
                    cancelled,
                    T::open(10, "2023-09-26", "2023-10-16"),
                    T::done(11, "2023-09-11", "2023-09-20", "2023-09-24"),
                    T::done(12, "2023-09-11", "2023-09-20", "2023-10-01"),
                ],
            ),
            &cal(),
        )
        .unwrap();
        assert_eq!(list.as_of, d("2023-10-02"));
        assert_eq!(ids(&list.overdue), vec![1, 2]);
        // 28 September was the last working day before the holiday.
        assert_eq!(list.overdue[0].working_days_overdue, Some(1));
        assert_eq!(list.overdue[1].working_days_overdue, Some(0));
        // Neither was overdue yet at the previous meeting (25 September).
        assert!(list.overdue.iter().all(|t| !t.carried_over));
        let dates: Vec<NaiveDate> = list.this_week.iter().map(|d| d.date).collect();
        assert_eq!(dates, week("2023-W40").days().to_vec());
        let working: Vec<bool> = list.this_week.iter().map(|d| d.working_day).collect();
        assert_eq!(working, [false, false, false, false, false, true, true]);
        assert_eq!(
            day_ids(&list),
            vec![vec![3], vec![], vec![], vec![], vec![], vec![4], vec![5]]
        );
        assert!(
            list.this_week
                .iter()
                .flat_map(|d| &d.tasks)
                .all(|t| !t.carried_over),
            "nothing due this week was overdue last week"
        );
        assert!(
            list.this_week
                .iter()
                .flat_map(|d| &d.tasks)
                .all(|t| t.working_days_overdue.is_none())
        );
        assert_eq!(ids(&list.next_week), vec![6]);
        assert!(!list.next_week[0].carried_over);
        // Done in 2023-W39 (25 September to 1 October), not before, not this week.
        assert_eq!(ids(&list.done_last_week), vec![12, 7], "by due date");
        assert!(list.done_last_week.iter().all(|t| !t.carried_over));
        assert!(list.watch.is_empty());
        assert_eq!(list.seal, None);
    }

    #[test]
    fn later_in_the_week_earlier_days_are_overdue_and_empty() {
        let list = assemble(
            input(
                "2023-W40",
                "2023-10-07",
                vec![
                    T::open(1, "2023-09-20", "2023-10-02"),
                    T::open(2, "2023-09-20", "2023-10-06"),
                    T::open(3, "2023-09-20", "2023-10-07"),
                    T::open(4, "2023-09-20", "2023-10-08"),
                ],
            ),
            &cal(),
        )
        .unwrap();
        assert_eq!(ids(&list.overdue), vec![1, 2]);
        // Only Saturday 7 October, a make-up workday, has passed since either due date.
        assert_eq!(list.overdue[0].working_days_overdue, Some(1));
        assert_eq!(list.overdue[1].working_days_overdue, Some(1));
        assert_eq!(
            day_ids(&list),
            vec![vec![], vec![], vec![], vec![], vec![], vec![3], vec![4]]
        );
    }

    #[test]
    fn spring_festival_weeks_2024() {
        // 10 to 17 February 2024 off; Sunday 4 and Sunday 18 February make-up workdays.
        let tasks = || {
            vec![
                T::open(1, "2024-01-29", "2024-02-04"),
                T::open(2, "2024-01-29", "2024-02-08"),
                T::open(3, "2024-02-05", "2024-02-09"),
                T::open(4, "2024-02-05", "2024-02-14"),
                T::open(5, "2024-02-05", "2024-02-18"),
                T::open(6, "2024-02-05", "2024-02-19"),
                T::done(7, "2024-01-29", "2024-02-08", "2024-02-02"),
                T::done(8, "2024-01-29", "2024-02-08", "2024-02-06"),
            ]
        };
        let w06 = assemble(input("2024-W06", "2024-02-05", tasks()), &cal()).unwrap();
        assert_eq!(ids(&w06.overdue), vec![1]);
        assert_eq!(w06.overdue[0].working_days_overdue, Some(1), "Monday 5 Feb");
        let working: Vec<bool> = w06.this_week.iter().map(|d| d.working_day).collect();
        assert_eq!(working, [true, true, true, true, true, false, false]);
        assert_eq!(
            day_ids(&w06),
            vec![vec![], vec![], vec![], vec![2], vec![3], vec![], vec![]]
        );
        assert!(!w06.overdue[0].carried_over, "due in the week before only");
        assert_eq!(ids(&w06.next_week), vec![4, 5]);
        assert_eq!(ids(&w06.done_last_week), vec![7]);

        let w07 = assemble(input("2024-W07", "2024-02-12", tasks()), &cal()).unwrap();
        assert_eq!(ids(&w07.overdue), vec![1, 2, 3]);
        let late: Vec<Option<u32>> = w07.overdue.iter().map(|t| t.working_days_overdue).collect();
        // From 4 Feb: 5–9 Feb; from 8 Feb: 9 Feb; from 9 Feb: none (10–12 Feb are off).
        assert_eq!(late, [Some(5), Some(1), Some(0)]);
        let working: Vec<bool> = w07.this_week.iter().map(|d| d.working_day).collect();
        assert_eq!(working, [false, false, false, false, false, false, true]);
        assert_eq!(
            day_ids(&w07),
            vec![vec![], vec![], vec![4], vec![], vec![], vec![], vec![5]]
        );
        // Task 1 (due 4 February) was overdue at the meeting of 5 February already.
        let carried: Vec<bool> = w07.overdue.iter().map(|t| t.carried_over).collect();
        assert_eq!(carried, [true, false, false]);
        assert_eq!(ids(&w07.next_week), vec![6]);
        assert_eq!(ids(&w07.done_last_week), vec![8]);
    }

    #[test]
    fn priority_batches_first_then_due_date_then_name_then_id() {
        let list = assemble(
            input(
                "2023-W27",
                "2023-07-03",
                vec![
                    T::open(1, "2023-06-01", "2023-06-20").firm(Some("乙"), Some(3)),
                    T::open(2, "2023-06-01", "2023-06-28").firm(Some("丙"), Some(2)),
                    T::open(3, "2023-06-01", "2023-06-28").firm(Some("甲"), Some(1)),
                    T::open(4, "2023-06-01", "2023-06-25").firm(Some("丁"), Some(2)),
                    T::open(5, "2023-06-01", "2023-06-20").firm(None, None),
                    T::open(6, "2023-06-01", "2023-06-20").firm(Some("乙"), None),
                    T::open(8, "2023-06-01", "2023-06-28").firm(Some("甲"), Some(1)),
                    T::open(7, "2023-06-01", "2023-06-28").firm(Some("甲"), Some(2)),
                ],
            ),
            &cal(),
        )
        .unwrap();
        // Batches 1 and 2: by due date (4), then name (丙 < 甲 by code point), then id (3, 7, 8);
        // then the rest: by due date, then name, tasks about no enterprise last, then id.
        assert!("丙" < "甲");
        assert_eq!(ids(&list.overdue), vec![4, 2, 3, 7, 8, 1, 6, 5]);
    }

    #[test]
    fn the_policy_names_the_priority_batches() {
        let mut input = input(
            "2023-W27",
            "2023-07-03",
            vec![
                T::open(1, "2023-06-01", "2023-06-20").firm(Some("甲"), Some(1)),
                T::open(2, "2023-06-01", "2023-06-28").firm(Some("乙"), Some(3)),
                T::open(3, "2023-06-01", "2023-06-25").firm(Some("丙"), None),
            ],
        );
        input.policy = BatchPolicy::default().with_priority(&[Batch::new(3).unwrap()], None);
        let list = assemble(input, &cal()).unwrap();
        assert_eq!(ids(&list.overdue), vec![2, 1, 3]);
    }

    #[test]
    fn sections_are_ordered_too() {
        let list = assemble(
            input(
                "2023-W27",
                "2023-07-03",
                vec![
                    T::open(1, "2023-06-01", "2023-07-05").firm(Some("乙"), Some(4)),
                    T::open(2, "2023-06-01", "2023-07-05").firm(Some("甲"), Some(2)),
                    T::open(3, "2023-06-01", "2023-07-12").firm(Some("乙"), None),
                    T::open(4, "2023-06-01", "2023-07-14").firm(Some("甲"), Some(1)),
                    T::done(5, "2023-06-01", "2023-07-14", "2023-06-26").firm(Some("甲"), None),
                    T::done(6, "2023-06-01", "2023-07-14", "2023-06-30").firm(Some("乙"), Some(1)),
                ],
            ),
            &cal(),
        )
        .unwrap();
        assert_eq!(ids(&list.this_week[2].tasks), vec![2, 1]);
        assert_eq!(ids(&list.next_week), vec![4, 3]);
        assert_eq!(ids(&list.done_last_week), vec![6, 5]);
    }

    #[test]
    fn a_teams_list_is_grouped_by_officer_with_subtotals() {
        let mut input = input(
            "2023-W27",
            "2023-07-03",
            vec![
                T::open(1, "2023-06-01", "2023-06-20").firm(Some("甲"), Some(3)),
                T::open(2, "2023-06-01", "2023-06-28").firm(Some("乙"), Some(1)),
                T::open(3, "2023-06-01", "2023-07-05"),
                T::open(4, "2023-06-01", "2023-07-12"),
            ],
        );
        input.scope = WeeklyScope::Team {
            name: "专班".into(),
        };
        // Tasks 1 and 3 are 李娜's; 2 and 4 stay 王伟's.
        for e in &mut input.tasks {
            if matches!(e.task.id.0.as_u128(), 1 | 3) {
                e.assignee_login = "li".into();
                e.assignee_name = "李娜".into();
            }
        }
        let list = assemble(input, &cal()).unwrap();
        // 李娜 < 王伟 by code point: her group first, although task 2 is of batch 1.
        assert!("李娜" < "王伟");
        assert_eq!(ids(&list.overdue), vec![1, 2]);
        let subtotals = list.officer_subtotals();
        let counts: Vec<(&str, usize, usize, usize, usize)> = subtotals
            .iter()
            .map(|s| {
                (
                    s.login.as_str(),
                    s.overdue,
                    s.this_week,
                    s.next_week,
                    s.total(),
                )
            })
            .collect();
        assert_eq!(counts, [("li", 1, 1, 0, 2), ("wang", 1, 0, 1, 2)]);
        // One officer's list has no groups.
        let mine = assemble(
            super::tests::input(
                "2023-W27",
                "2023-07-03",
                vec![T::open(1, "2023-06-01", "2023-06-20")],
            ),
            &cal(),
        )
        .unwrap();
        assert!(!mine.by_officer() && mine.officer_subtotals().is_empty());
    }

    #[test]
    fn carried_over_means_already_overdue_at_the_previous_meeting() {
        let list = assemble(
            input(
                "2023-W27",
                "2023-07-05",
                vec![
                    T::open(1, "2023-07-02", "2023-07-06"),
                    T::open(2, "2023-06-01", "2023-07-06"),
                    T::open(3, "2023-06-01", "2023-06-25"),
                    T::open(4, "2023-06-01", "2023-06-26"),
                    T::open(5, "2023-07-05", "2023-07-11"),
                    T::open(6, "2023-06-01", "2023-07-04"),
                ],
            ),
            &cal(),
        )
        .unwrap();
        let flags = |tasks: &[WeeklyTask]| -> Vec<(u128, bool)> {
            tasks
                .iter()
                .map(|t| (t.task.id.0.as_u128(), t.carried_over))
                .collect()
        };
        // The previous meeting was on Monday 26 June: task 3 was overdue then, 4 and 6 not.
        assert_eq!(
            flags(&list.overdue),
            vec![(3, true), (4, false), (6, false)]
        );
        assert_eq!(
            flags(&list.this_week[3].tasks),
            vec![(1, false), (2, false)]
        );
        assert_eq!(flags(&list.next_week), vec![(5, false)]);
        // Numbered through the sections in order.
        let seqs: Vec<u32> = list
            .overdue
            .iter()
            .chain(list.this_week.iter().flat_map(|d| &d.tasks))
            .chain(&list.next_week)
            .map(|t| t.seq)
            .collect();
        assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn a_deadline_counted_into_a_provisional_year_is_marked_never_refused() {
        // The week of 2026-12-28 runs into 2027, which has no notice in the shipped calendar.
        let mut counted = T::open(1, "2026-12-24", "2027-01-05").entry();
        counted.task.due_count = Some(peiyu_domain::DueCount::WorkingDays {
            from: d("2026-12-24"),
            days: 7,
        });
        let mut fixed = T::open(2, "2026-12-24", "2026-12-30").entry();
        fixed.task.due_count = Some(peiyu_domain::DueCount::WorkingDays {
            from: d("2026-12-24"),
            days: 4,
        });
        let mut input = input("2026-W53", "2026-12-29", vec![]);
        input.tasks = vec![counted, fixed];
        let list = assemble(input, &cal()).unwrap();
        assert_eq!(list.provisional_years, vec![2027]);
        let next: Vec<bool> = list.next_week.iter().map(|t| t.due_provisional).collect();
        assert_eq!(next, vec![true]);
        let wed = &list.this_week[2];
        assert_eq!(wed.date, d("2026-12-30"));
        assert!(!wed.tasks[0].due_provisional);
        // 2027-01-01 is a provisional statutory day off.
        assert!(!list.this_week[4].working_day);
        // A week of an official year counts on nothing provisional.
        let list = assemble(input_of("2026-W27", "2026-06-29"), &cal()).unwrap();
        assert!(list.provisional_years.is_empty());
    }

    fn input_of(week: &str, as_of: &str) -> WeeklyInput {
        input(week, as_of, vec![T::open(1, "2026-06-22", "2026-06-30")])
    }

    // -- watch list --------------------------------------------------------------------------

    fn industrial() -> Track {
        shipped_tracks()
            .unwrap()
            .into_iter()
            .find(|t| t.key().as_str() == "industrial")
            .unwrap()
    }

    fn sk(s: &str) -> StageKey {
        StageKey::new(s).unwrap()
    }

    fn snapshot(stage: &str) -> Snapshot {
        Snapshot {
            enterprise: peiyu_domain::Enterprise {
                id: EnterpriseId(Default::default()),
                uscc: Uscc::parse("914403001922038216").unwrap(),
                name: "加美木业".into(),
                sector: Sector::Industry,
                town: "城关镇".into(),
                address: String::new(),
                land_area: None,
                legal_form: LegalForm::LegalEntity,
                responsible_officer: None,
                archived: false,
            },
            thresholds: Thresholds::default(),
            stage: sk(stage),
            stage_entered_on: d("2023-06-01"),
            last_move_on: d("2023-06-01"),
            stage_expires_on: None,
            metrics: Vec::new(),
            tasks: Vec::new(),
            batch: None,
        }
    }

    #[test]
    fn next_move_toward_a_target_is_the_first_step_of_a_shortest_path() {
        let t = industrial();
        let on = d("2023-07-03");
        let next = next_move_toward(&t, &snapshot("cultivating"), &sk("registered"), on).unwrap();
        assert_eq!(next.to, sk("qualified"));
        let failing: Vec<&str> = next.failing.iter().map(|g| g.guard).collect();
        assert_eq!(
            failing,
            ["revenue_at_least_threshold"],
            "legal_entity passes"
        );

        // From qualified, applying needs the application task done; evidence is procedural.
        let next = next_move_toward(&t, &snapshot("qualified"), &sk("registered"), on).unwrap();
        assert_eq!(next.to, sk("applied"));
        let failing: Vec<&str> = next.failing.iter().map(|g| g.guard).collect();
        assert_eq!(failing, ["tasks_done"]);

        // From applied, only the bureau's letter (evidence) is asked for: nothing fails.
        let next = next_move_toward(&t, &snapshot("applied"), &sk("registered"), on).unwrap();
        assert_eq!(next.to, sk("registered"));
        assert!(next.failing.is_empty());

        // At the target, past it, or at a terminal stage: no next move.
        assert_eq!(
            next_move_toward(&t, &snapshot("registered"), &sk("registered"), on),
            None
        );
        assert_eq!(
            next_move_toward(&t, &snapshot("upgrading"), &sk("registered"), on),
            None
        );
        assert_eq!(
            next_move_toward(&t, &snapshot("withdrawn"), &sk("registered"), on),
            None
        );
        // The start of a multi-step path.
        let next = next_move_toward(&t, &snapshot("candidate"), &sk("applied"), on).unwrap();
        assert_eq!(next.to, sk("cultivating"));
        assert!(next.failing.is_empty());
    }

    fn cultivation(
        name: &str,
        last_move: &str,
        target: Option<&str>,
        failing: bool,
    ) -> CultivationFacts {
        let t = industrial();
        let snap = snapshot(if failing { "cultivating" } else { "applied" });
        CultivationFacts {
            enterprise_name: name.into(),
            enterprise_uscc: "91450000100000017X".into(),
            batch: None,
            track: "industrial".into(),
            track_label: Text::new("工业小升规", "industrial above-scale cultivation"),
            stage: Text::new("培育中", "cultivating"),
            terminal: false,
            last_move_on: d(last_move),
            target_date: target.map(d),
            target_stage: Some(sk("registered")),
            target_label: Some(Text::new("上规入统", "registered above scale")),
            next_move: next_move_toward(&t, &snap, &sk("registered"), d("2023-07-03")),
        }
    }

    fn months_of(revenue: i64, from: YearMonth, n: u32) -> Vec<Metrics> {
        let mut out = Vec::new();
        let mut m = from;
        for _ in 0..n {
            out.push(Metrics {
                revenue: Some(Yuan(revenue)),
                ..Metrics::empty(EnterpriseId(Default::default()), m)
            });
            m = m.next();
        }
        out
    }

    fn firm(name: &str, sector: Sector, monthly: i64, months: u32) -> EnterpriseFacts {
        EnterpriseFacts {
            name: name.into(),
            uscc: "91450000100000017X".into(),
            batch: None,
            sector,
            track: None,
            track_label: None,
            stage: None,
            metrics: months_of(monthly, YearMonth::new(2022, 6).unwrap(), months),
        }
    }

    fn watch(
        cultivations: Vec<CultivationFacts>,
        enterprises: Vec<EnterpriseFacts>,
    ) -> Vec<WatchItem> {
        let mut i = input("2023-W27", "2023-07-03", Vec::new());
        i.cultivations = cultivations;
        i.enterprises = enterprises;
        assemble(i, &cal()).unwrap().watch
    }

    #[test]
    fn targets_within_eight_weeks_with_failing_guards_are_watched() {
        let items = watch(
            vec![
                cultivation("甲 八周内", "2023-06-20", Some("2023-08-28"), true),
                cultivation("乙 超过八周", "2023-06-20", Some("2023-08-29"), true),
                cultivation("丙 已过期", "2023-06-20", Some("2023-07-02"), true),
                cultivation("丁 当天", "2023-06-20", Some("2023-07-03"), true),
                cultivation("戊 条件已满足", "2023-06-20", Some("2023-07-20"), false),
                cultivation("己 无目标", "2023-06-20", None, true),
            ],
            Vec::new(),
        );
        let names: Vec<&str> = items.iter().map(|w| w.enterprise_name.as_str()).collect();
        assert_eq!(names, ["丁 当天", "甲 八周内"]);
        assert_eq!(
            items[1].reason,
            WatchReason::TargetAtRisk {
                target_date: d("2023-08-28"),
                target_stage: Some("registered".into()),
                target_label: Some(Text::new("上规入统", "registered above scale")),
            }
        );
        assert!(
            items[1].detail.zh().contains("上规入统"),
            "{}",
            items[1].detail.zh()
        );
        assert!(items[1].detail.zh().contains("还有 56 天"));
        assert!(items[1].detail.en().contains("the next move"));
        assert_eq!(items[1].track.as_deref(), Some("industrial"));
    }

    #[test]
    fn cultivations_idle_sixty_days_at_a_non_terminal_stage_are_stalled() {
        let mut ended = cultivation("丙 已退出", "2023-01-01", None, true);
        ended.terminal = true;
        let items = watch(
            vec![
                cultivation("甲 六十天", "2023-05-04", None, true),
                cultivation("乙 五十九天", "2023-05-05", None, true),
                ended,
                cultivation("丁 九十天", "2023-04-04", None, true),
            ],
            Vec::new(),
        );
        let got: Vec<(&str, &WatchReason)> = items
            .iter()
            .map(|w| (w.enterprise_name.as_str(), &w.reason))
            .collect();
        assert_eq!(
            got,
            [
                ("丁 九十天", &WatchReason::Stalled { days: 90 }),
                ("甲 六十天", &WatchReason::Stalled { days: 60 })
            ]
        );
        assert!(items[1].detail.zh().contains("2023-05-04"));
    }

    #[test]
    fn revenue_within_ten_percent_below_the_threshold_is_watched() {
        // Industry's threshold is 20 million yuan; twelve complete months to 2023-06.
        let items = watch(
            Vec::new(),
            vec![
                firm("甲 92.5%", Sector::Industry, 1_541_667, 13),
                firm("乙 刚好 90%", Sector::Industry, 1_500_000, 13),
                firm("丙 低于 90%", Sector::Industry, 1_499_999, 13),
                firm("丁 已达标", Sector::Industry, 1_666_667, 13),
                firm("戊 缺月份", Sector::Industry, 1_600_000, 6),
                firm("己 其他行业", Sector::Other, 1_600_000, 13),
                firm("庚 零售 96%", Sector::Retail, 400_000, 13),
            ],
        );
        let got: Vec<(&str, &WatchReason)> = items
            .iter()
            .map(|w| (w.enterprise_name.as_str(), &w.reason))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "庚 零售 96%",
                    &WatchReason::NearThreshold { share_bp: 9_600 }
                ),
                ("甲 92.5%", &WatchReason::NearThreshold { share_bp: 9_250 }),
                (
                    "乙 刚好 90%",
                    &WatchReason::NearThreshold { share_bp: 9_000 }
                ),
            ]
        );
        assert!(
            items[1].detail.zh().contains("近12个月累计营业收入"),
            "{}",
            items[1].detail.zh()
        );
        assert!(items[1].detail.zh().contains("92.5%"));
        assert!(
            items[1].detail.en().contains("18,500,004 yuan"),
            "{}",
            items[1].detail.en()
        );
    }

    #[test]
    fn the_watch_list_is_ordered_by_reason_then_priority_batch() {
        let mut b4 = cultivation("乙", "2023-04-04", Some("2023-07-10"), true);
        b4.batch = Batch::new(4).ok();
        let mut b2 = cultivation("甲", "2023-05-01", Some("2023-08-20"), true);
        b2.batch = Batch::new(2).ok();
        let items = watch(
            vec![b4, b2],
            vec![firm("丙", Sector::Industry, 1_541_667, 13)],
        );
        let got: Vec<(u8, &str)> = items
            .iter()
            .map(|w| {
                let rank = match w.reason {
                    WatchReason::TargetAtRisk { .. } => 0,
                    WatchReason::NearThreshold { .. } => 1,
                    WatchReason::Stalled { .. } => 2,
                };
                (rank, w.enterprise_name.as_str())
            })
            .collect();
        assert_eq!(got, [(0, "甲"), (0, "乙"), (1, "丙"), (2, "甲"), (2, "乙")]);
    }
}
