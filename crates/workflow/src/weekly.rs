//! The weekly list (周例会任务清单): one officer's, one team's or the whole bureau's week —
//! overdue, due this week by day, due next week, done last week — and a watch list.
//!
//! This module holds the model every renderer reads and the pure assembly that builds it from
//! tasks and cultivations as they stood on a given day.

use chrono::NaiveDate;
use peiyu_domain::{Batch, Task, Text, Week};

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
    /// Open since before this week's Monday: carried over from an earlier week.
    pub carried_over: bool,
}

/// Why an enterprise is on the watch list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchReason {
    /// A cultivation with a target date within the next eight weeks whose next move's guards
    /// still fail.
    TargetAtRisk {
        /// The target date.
        target_date: NaiveDate,
        /// The stage to reach by then.
        target_stage: Option<String>,
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
    /// The track concerned, if any.
    pub track: Option<String>,
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
    /// The daily seal of the audit log on `as_of`, when one exists: it pins history up to then.
    pub seal: Option<String>,
}
