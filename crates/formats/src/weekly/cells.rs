//! What every renderer shows: section names, headings, and the columns of tasks and watch items
//! as typed cells, so the formats agree on wording and differ only in layout.

use chrono::{Datelike, NaiveDate, Weekday};
use peiyu_domain::{Batch, Lang};
use peiyu_service::weekly::{
    ListBasis, WatchItem, WatchReason, WeeklyList, WeeklyScope, WeeklyTask,
};

use crate::sheet::{self, Number, NumberStyle};
use crate::tr;

/// A part of the weekly list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Open tasks due before the list's day.
    Overdue,
    /// Open tasks due this week, by day.
    ThisWeek,
    /// Open tasks due next week.
    NextWeek,
    /// Tasks done last week.
    DoneLastWeek,
    /// Enterprises to watch.
    Watch,
}

impl Section {
    /// The task sections, in the order every format shows them.
    pub const TASKS: [Section; 4] = [
        Section::Overdue,
        Section::ThisWeek,
        Section::NextWeek,
        Section::DoneLastWeek,
    ];

    /// Every section, the watch list last.
    pub const ALL: [Section; 5] = [
        Section::Overdue,
        Section::ThisWeek,
        Section::NextWeek,
        Section::DoneLastWeek,
        Section::Watch,
    ];

    /// The stable key: `overdue`, `this_week`, `next_week`, `done_last_week`, `watch`.
    pub fn key(self) -> &'static str {
        match self {
            Section::Overdue => "overdue",
            Section::ThisWeek => "this_week",
            Section::NextWeek => "next_week",
            Section::DoneLastWeek => "done_last_week",
            Section::Watch => "watch",
        }
    }

    /// The heading: 逾期, 本周到期, 下周到期, 上周完成, 关注清单.
    pub fn heading(self, lang: Lang) -> &'static str {
        match self {
            Section::Overdue => tr(lang, "逾期", "Overdue"),
            Section::ThisWeek => tr(lang, "本周到期", "Due this week"),
            Section::NextWeek => tr(lang, "下周到期", "Due next week"),
            Section::DoneLastWeek => tr(lang, "上周完成", "Done last week"),
            Section::Watch => tr(lang, "关注清单", "Watch list"),
        }
    }

    /// The XLSX sheet name: 逾期, 本周, 下周, 上周完成, 关注.
    pub fn sheet_name(self, lang: Lang) -> &'static str {
        match self {
            Section::Overdue => tr(lang, "逾期", "Overdue"),
            Section::ThisWeek => tr(lang, "本周", "This week"),
            Section::NextWeek => tr(lang, "下周", "Next week"),
            Section::DoneLastWeek => tr(lang, "上周完成", "Done last week"),
            Section::Watch => tr(lang, "关注", "Watch"),
        }
    }

    /// The tasks of a task section in the list's order (this week's flattened day by day);
    /// nothing for the watch list.
    pub fn tasks(self, list: &WeeklyList) -> Vec<&WeeklyTask> {
        match self {
            Section::Overdue => list.overdue.iter().collect(),
            Section::ThisWeek => list.this_week.iter().flat_map(|d| &d.tasks).collect(),
            Section::NextWeek => list.next_week.iter().collect(),
            Section::DoneLastWeek => list.done_last_week.iter().collect(),
            Section::Watch => Vec::new(),
        }
    }

    /// How many lines the section has.
    pub fn len(self, list: &WeeklyList) -> usize {
        match self {
            Section::Watch => list.watch.len(),
            other => other.tasks(list).len(),
        }
    }

    /// The heading with the count: `逾期（3 项）`, `Overdue (3)`.
    pub fn heading_with_count(self, list: &WeeklyList, lang: Lang) -> String {
        let n = self.len(list);
        match lang {
            Lang::Zh => format!("{}（{n} 项）", self.heading(lang)),
            Lang::En => format!("{} ({n})", self.heading(lang)),
        }
    }
}

/// The list's title: `周例会任务清单 · 王伟（wang）`, `Weekly task list · Wang Wei (wang)`.
pub fn title(list: &WeeklyList, lang: Lang) -> String {
    let whose = match (&list.scope, lang) {
        (WeeklyScope::Officer { login, name }, Lang::Zh) => format!("{name}（{login}）"),
        (WeeklyScope::Officer { login, name }, Lang::En) => format!("{name} ({login})"),
        (WeeklyScope::Team { name }, Lang::Zh) => format!("{name}（小组）"),
        (WeeklyScope::Team { name }, Lang::En) => format!("team {name}"),
        (WeeklyScope::Bureau, Lang::Zh) => "全局".to_owned(),
        (WeeklyScope::Bureau, Lang::En) => "whole bureau".to_owned(),
    };
    format!(
        "{} · {whose}",
        tr(lang, "周例会任务清单", "Weekly task list")
    )
}

/// The week and the day the list reflects:
/// `2023-W27（2023-07-03 至 2023-07-09），截至 2023-07-03`.
pub fn subtitle(list: &WeeklyList, lang: Lang) -> String {
    let (w, mon, sun, as_of) = (
        list.week,
        list.week.monday(),
        list.week.sunday(),
        list.as_of,
    );
    let basis = match (list.basis, lang) {
        (ListBasis::Current, _) => "",
        (ListBasis::Meeting, Lang::Zh) => "，按当日例会所见（当日已录入的记录）",
        (ListBasis::Meeting, Lang::En) => {
            ", as that day's meeting saw it (what was recorded by then)"
        }
        (ListBasis::InEffect, Lang::Zh) => "，按实际生效日期重建（含事后补录）",
        (ListBasis::InEffect, Lang::En) => {
            ", as it really was (by effective dates, later entries included)"
        }
    };
    match lang {
        Lang::Zh => format!("{w}（{mon} 至 {sun}），截至 {as_of}{basis}"),
        Lang::En => format!("{w} ({mon} to {sun}), as of {as_of}{basis}"),
    }
}

/// The footer line with the audit seal, when the list has one: `审计封签 9f86…`.
pub fn seal_line(list: &WeeklyList, lang: Lang) -> Option<String> {
    list.seal
        .as_ref()
        .map(|s| format!("{} {s}", tr(lang, "审计封签", "audit seal")))
}

/// The marker of a carried-over task.
pub const CARRIED_MARK: &str = "↻";

/// The legend of [`CARRIED_MARK`], when any task on the list is carried over.
pub fn carried_legend(list: &WeeklyList, lang: Lang) -> Option<String> {
    let any = Section::TASKS
        .iter()
        .any(|s| s.tasks(list).iter().any(|t| t.carried_over));
    any.then(|| {
        format!(
            "{CARRIED_MARK} {}",
            tr(
                lang,
                "结转：上周例会时已逾期、至今仍未完成",
                "carried over: already overdue at last week's meeting and still open"
            )
        )
    })
}

/// The marker of a due date counted across a year without its State Council notice.
pub const PROVISIONAL_MARK: &str = "※";

/// The legend of [`PROVISIONAL_MARK`], naming each provisional year once, when the list counted
/// on one: `※ 2027 年：暂按法定节假日计算，待国务院通知发布后核定`.
pub fn provisional_legend(list: &WeeklyList, lang: Lang) -> Option<String> {
    if list.provisional_years.is_empty() {
        return None;
    }
    let years = list
        .provisional_years
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>();
    Some(match lang {
        Lang::Zh => format!(
            "{PROVISIONAL_MARK} {} 年：{}",
            years.join("、"),
            peiyu_service::calendar::PROVISIONAL_NOTE_ZH
        ),
        Lang::En => format!(
            "{PROVISIONAL_MARK} {}: {}",
            years.join(", "),
            peiyu_service::calendar::PROVISIONAL_NOTE_EN
        ),
    })
}

/// Every legend line the list needs, in order: carried over, then provisional deadlines.
pub fn legends(list: &WeeklyList, lang: Lang) -> Vec<String> {
    carried_legend(list, lang)
        .into_iter()
        .chain(provisional_legend(list, lang))
        .collect()
}

/// What to print for an empty section.
pub fn none(lang: Lang) -> &'static str {
    tr(lang, "（无）", "(none)")
}

/// The day's name: 星期一 … 星期日, Monday … Sunday.
pub fn weekday_name(date: NaiveDate, lang: Lang) -> &'static str {
    match date.weekday() {
        Weekday::Mon => tr(lang, "星期一", "Monday"),
        Weekday::Tue => tr(lang, "星期二", "Tuesday"),
        Weekday::Wed => tr(lang, "星期三", "Wednesday"),
        Weekday::Thu => tr(lang, "星期四", "Thursday"),
        Weekday::Fri => tr(lang, "星期五", "Friday"),
        Weekday::Sat => tr(lang, "星期六", "Saturday"),
        Weekday::Sun => tr(lang, "星期日", "Sunday"),
    }
}

/// A day's heading in the this-week section: `星期一 2023-07-03`, with `（休息日）` /
/// `(day off)` when it is not a working day.
pub fn day_heading(date: NaiveDate, working_day: bool, lang: Lang) -> String {
    let off = if working_day {
        ""
    } else {
        tr(lang, "（休息日）", " (day off)")
    };
    format!("{} {date}{off}", weekday_name(date, lang))
}

/// The batch as shown to people: `第1批`, `batch 1`.
pub fn batch_label(batch: Batch, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("第{batch}批"),
        Lang::En => format!("batch {batch}"),
    }
}

/// The batch with its usual name: `第1批 重点保障`, `batch 1 (key support)`.
pub fn batch_long_label(batch: Batch, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("第{batch}批 {}", batch.default_label(lang)),
        Lang::En => format!("batch {batch} ({})", batch.default_label(lang)),
    }
}

/// A share in basis points as a percentage: 9250 → `92.5%`.
pub fn percent(share_bp: i64) -> String {
    let sign = if share_bp < 0 { "-" } else { "" };
    let bp = share_bp.unsigned_abs();
    let (whole, frac) = (bp / 100, bp % 100);
    match frac {
        0 => format!("{sign}{whole}%"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}%", f / 10),
        f => format!("{sign}{whole}.{f:02}%"),
    }
}

/// A typed cell: each format writes it its own way (a date is a real date in XLSX, a batch is a
/// number in CSV and XLSX and `第1批` elsewhere).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text as shown.
    Text(String),
    /// A date.
    Date(NaiveDate),
    /// A whole number.
    Int(i64),
    /// A batch.
    Batch(Batch),
    /// A share in basis points.
    Share(i64),
    /// A yes/no flag (carried over).
    Flag(bool),
}

impl Cell {
    fn opt_text(s: Option<&str>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.to_owned()))
    }

    /// The cell for people to read (text, Markdown, HTML, terminal): dates ISO, batches `第1批`,
    /// flags [`CARRIED_MARK`] or nothing, empty as nothing.
    pub fn display(&self, lang: Lang) -> String {
        match self {
            Cell::Empty | Cell::Flag(false) => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Date(d) => d.to_string(),
            Cell::Int(n) => n.to_string(),
            Cell::Batch(b) => batch_label(*b, lang),
            Cell::Share(bp) => percent(*bp),
            Cell::Flag(true) => CARRIED_MARK.to_owned(),
        }
    }

    /// The cell in a data file (CSV): dates ISO, batches as their number, flags 是/否 or
    /// yes/no, shares as `92.5%` (which Excel reads as a number).
    pub fn data(&self, lang: Lang) -> String {
        match self {
            Cell::Batch(b) => b.number().to_string(),
            Cell::Flag(f) => tr(
                lang,
                if *f { "是" } else { "否" },
                if *f { "yes" } else { "no" },
            )
            .to_owned(),
            other => other.display(lang),
        }
    }

    /// Whether the cell is a number, to align right.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Share(_))
    }

    /// The cell in a data file (CSV, XLSX): days and batches as whole numbers, the share of the
    /// threshold as a percentage (`92.5%` in CSV, 0.925 shown `0.0%` in XLSX), dates as dates,
    /// flags as the text 是/否 or yes/no.
    pub fn to_data(&self, lang: Lang) -> sheet::Cell {
        match self {
            Cell::Empty => sheet::Cell::Empty,
            Cell::Text(s) => sheet::Cell::Text(s.clone()),
            Cell::Flag(_) => sheet::Cell::Text(self.data(lang)),
            Cell::Date(d) => sheet::Cell::Date(*d),
            Cell::Int(n) => sheet::Cell::int(*n),
            Cell::Batch(b) => sheet::Cell::int(i64::from(b.number())),
            Cell::Share(bp) => sheet::Cell::Number(Number {
                text: percent(*bp),
                value: *bp as f64 / 10_000.0,
                style: NumberStyle::Percent,
            }),
        }
    }
}

/// The heading of one officer's group on a team's or the bureau's list: `王伟（2 项）`,
/// `王伟 (2)`.
pub fn officer_caption(name: &str, count: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{name}（{count} 项）"),
        Lang::En => format!("{name} ({count})"),
    }
}

/// `tasks` split into one run per officer, each with its caption, when the list is grouped by
/// officer (a team's or the bureau's: [`WeeklyList::by_officer`]); else one run without one.
/// The list is already ordered by officer, so each officer's tasks are one run.
pub fn officer_groups<'a>(
    list: &WeeklyList,
    tasks: Vec<&'a WeeklyTask>,
    lang: Lang,
) -> Vec<(Option<String>, Vec<&'a WeeklyTask>)> {
    if !list.by_officer() {
        return vec![(None, tasks)];
    }
    let mut groups: Vec<Vec<&WeeklyTask>> = Vec::new();
    for t in tasks {
        match groups.last_mut() {
            Some(g)
                if g.first()
                    .is_some_and(|f| f.assignee_login == t.assignee_login) =>
            {
                g.push(t);
            }
            _ => groups.push(vec![t]),
        }
    }
    groups
        .into_iter()
        .map(|g| {
            let name = g
                .first()
                .map(|t| t.assignee_name.clone())
                .unwrap_or_default();
            (Some(officer_caption(&name, g.len(), lang)), g)
        })
        .collect()
}

/// The caption of a group: the day's heading and the officer's, joined, or whichever is there.
pub fn join_captions(day: Option<String>, officer: Option<String>) -> Option<String> {
    match (day, officer) {
        (Some(d), Some(o)) => Some(format!("{d} · {o}")),
        (d, o) => d.or(o),
    }
}

/// The heading of the subtotals by officer: 按负责人小计, Subtotals by officer.
pub fn subtotals_heading(lang: Lang) -> &'static str {
    tr(lang, "按负责人小计", "Subtotals by officer")
}

/// The header of the subtotals table: officer, then each task section, then the total.
pub fn subtotal_headers(lang: Lang) -> Vec<&'static str> {
    let mut h = vec![tr(lang, "负责人", "officer")];
    h.extend(Section::TASKS.iter().map(|s| s.heading(lang)));
    h.push(tr(lang, "合计", "total"));
    h
}

/// The subtotals table of a team's or the bureau's list: a row per officer (in the groups'
/// order) with the count of each task section and their total, then a row of totals. Empty on
/// one officer's list.
pub fn subtotal_rows(list: &WeeklyList, lang: Lang) -> Vec<Vec<Cell>> {
    let subtotals = list.officer_subtotals();
    if subtotals.is_empty() {
        return Vec::new();
    }
    let int = |n: usize| Cell::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let mut rows: Vec<Vec<Cell>> = subtotals
        .iter()
        .map(|s| {
            vec![
                Cell::Text(s.name.clone()),
                int(s.overdue),
                int(s.this_week),
                int(s.next_week),
                int(s.done_last_week),
                int(s.total()),
            ]
        })
        .collect();
    let sum = |f: fn(&peiyu_service::weekly::OfficerSubtotal) -> usize| {
        int(subtotals.iter().map(f).sum())
    };
    rows.push(vec![
        Cell::Text(tr(lang, "合计", "total").to_owned()),
        sum(|s| s.overdue),
        sum(|s| s.this_week),
        sum(|s| s.next_week),
        sum(|s| s.done_last_week),
        sum(|s| s.total()),
    ]);
    rows
}

/// The marks before a task's number or id: [`CARRIED_MARK`], [`PROVISIONAL_MARK`], or both.
fn marks(task: &WeeklyTask) -> String {
    let carried = if task.carried_over { CARRIED_MARK } else { "" };
    let provisional = if task.due_provisional {
        PROVISIONAL_MARK
    } else {
        ""
    };
    format!("{carried}{provisional}")
}

/// A column of a task table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskCol {
    /// The number on the printed list (序号), marked [`CARRIED_MARK`] when carried over and
    /// [`PROVISIONAL_MARK`] when its due date is provisional (for people).
    Seq,
    /// The number on the printed list, as a number (the sheets; their 结转 column says the rest).
    SeqNumber,
    /// The latest progress note (进展/问题/下步措施), as one line.
    Progress,
    /// The due date's weekday.
    Weekday,
    /// The short id.
    ShortId,
    /// The full task id.
    TaskId,
    /// The enterprise's batch.
    Batch,
    /// The enterprise's name.
    Enterprise,
    /// The enterprise's USCC.
    Uscc,
    /// The title.
    Title,
    /// The kind, as a label.
    Kind,
    /// The kind's stable key.
    KindKey,
    /// The assignee's login.
    AssigneeLogin,
    /// The assignee's name.
    Assignee,
    /// The assignee's name, with the delegate when delegated (for people).
    AssigneeDelegate,
    /// The delegate's name.
    Delegate,
    /// The status, as a label.
    Status,
    /// The day it was created.
    CreatedOn,
    /// The due date.
    DueOn,
    /// The day it was done.
    CompletedOn,
    /// Working days overdue.
    OverdueDays,
    /// Carried over from an earlier week.
    Carried,
    /// The due date is provisional (counted across a year without its notice).
    Provisional,
}

impl TaskCol {
    /// The header for people.
    pub fn header(self, lang: Lang) -> &'static str {
        match self {
            TaskCol::Weekday => tr(lang, "星期", "day"),
            TaskCol::Seq | TaskCol::SeqNumber => tr(lang, "序号", "no."),
            TaskCol::Progress => tr(lang, "进展", "progress"),
            TaskCol::ShortId => tr(lang, "编号", "id"),
            TaskCol::TaskId => tr(lang, "任务ID", "task id"),
            TaskCol::Batch => tr(lang, "批次", "batch"),
            TaskCol::Enterprise => tr(lang, "企业", "enterprise"),
            TaskCol::Uscc => tr(lang, "统一社会信用代码", "USCC"),
            TaskCol::Title => tr(lang, "任务", "task"),
            TaskCol::Kind => tr(lang, "类别", "kind"),
            TaskCol::KindKey => tr(lang, "类别代码", "kind key"),
            TaskCol::AssigneeLogin => tr(lang, "负责人账号", "assignee login"),
            TaskCol::Assignee | TaskCol::AssigneeDelegate => tr(lang, "负责人", "assignee"),
            TaskCol::Delegate => tr(lang, "委派给", "delegated to"),
            TaskCol::Status => tr(lang, "状态", "status"),
            TaskCol::CreatedOn => tr(lang, "创建", "created"),
            TaskCol::DueOn => tr(lang, "截止", "due"),
            TaskCol::CompletedOn => tr(lang, "完成", "completed"),
            TaskCol::OverdueDays => tr(lang, "逾期工作日", "working days overdue"),
            TaskCol::Carried => tr(lang, "结转", "carried over"),
            TaskCol::Provisional => tr(lang, "截止日期暂定", "provisional due date"),
        }
    }

    /// The stable key (the English CSV header and the JSON key).
    pub fn key(self) -> &'static str {
        match self {
            TaskCol::Weekday => "weekday",
            TaskCol::Seq | TaskCol::SeqNumber => "seq",
            TaskCol::Progress => "progress",
            TaskCol::ShortId => "short_id",
            TaskCol::TaskId => "task_id",
            TaskCol::Batch => "batch",
            TaskCol::Enterprise => "enterprise_name",
            TaskCol::Uscc => "enterprise_uscc",
            TaskCol::Title => "title",
            TaskCol::Kind => "kind_label",
            TaskCol::KindKey => "kind",
            TaskCol::AssigneeLogin => "assignee_login",
            TaskCol::Assignee | TaskCol::AssigneeDelegate => "assignee_name",
            TaskCol::Delegate => "delegate_name",
            TaskCol::Status => "status",
            TaskCol::CreatedOn => "created_on",
            TaskCol::DueOn => "due_on",
            TaskCol::CompletedOn => "completed_on",
            TaskCol::OverdueDays => "working_days_overdue",
            TaskCol::Carried => "carried_over",
            TaskCol::Provisional => "due_provisional",
        }
    }

    /// The column's width in an XLSX sheet, in characters (a CJK character counts two).
    pub fn xlsx_width(self) -> f64 {
        match self {
            TaskCol::Weekday => 8.0,
            TaskCol::Seq | TaskCol::SeqNumber => 6.0,
            TaskCol::Progress => 40.0,
            TaskCol::ShortId => 11.0,
            TaskCol::TaskId => 38.0,
            TaskCol::Batch => 7.0,
            TaskCol::Enterprise => 30.0,
            TaskCol::Uscc => 21.0,
            TaskCol::Title => 40.0,
            TaskCol::Kind => 22.0,
            TaskCol::KindKey => 26.0,
            TaskCol::AssigneeLogin => 14.0,
            TaskCol::Assignee | TaskCol::AssigneeDelegate | TaskCol::Delegate => 12.0,
            TaskCol::Status => 9.0,
            TaskCol::CreatedOn | TaskCol::DueOn | TaskCol::CompletedOn => 12.0,
            TaskCol::OverdueDays => 11.0,
            TaskCol::Carried => 7.0,
            TaskCol::Provisional => 12.0,
        }
    }

    /// The cell of `task` in this column.
    pub fn cell(self, task: &WeeklyTask, lang: Lang) -> Cell {
        let t = &task.task;
        match self {
            TaskCol::Weekday => Cell::Text(weekday_name(t.due_on, lang).to_owned()),
            TaskCol::Seq if task.carried_over || task.due_provisional => {
                Cell::Text(format!("{} {}", marks(task), task.seq))
            }
            TaskCol::Seq | TaskCol::SeqNumber => Cell::Int(i64::from(task.seq)),
            TaskCol::Progress => task.progress.as_ref().map_or(Cell::Empty, |n| {
                Cell::Text(format!("{} {}", n.written_on, n.summary(lang)))
            }),
            TaskCol::ShortId => Cell::Text(task.short_id.clone()),
            TaskCol::TaskId => Cell::Text(t.id.to_string()),
            TaskCol::Batch => task.batch.map_or(Cell::Empty, Cell::Batch),
            TaskCol::Enterprise => Cell::opt_text(task.enterprise_name.as_deref()),
            TaskCol::Uscc => Cell::opt_text(task.enterprise_uscc.as_deref()),
            TaskCol::Title => Cell::Text(t.title.clone()),
            TaskCol::Kind => Cell::Text(t.kind.label(lang)),
            TaskCol::KindKey => Cell::Text(t.kind.key()),
            TaskCol::AssigneeLogin => Cell::Text(task.assignee_login.clone()),
            TaskCol::Assignee => Cell::Text(task.assignee_name.clone()),
            TaskCol::AssigneeDelegate => Cell::Text(match (&task.delegate_name, lang) {
                (None, _) => task.assignee_name.clone(),
                (Some(d), Lang::Zh) => format!("{}（委派 {d}）", task.assignee_name),
                (Some(d), Lang::En) => format!("{} (delegated to {d})", task.assignee_name),
            }),
            TaskCol::Delegate => Cell::opt_text(task.delegate_name.as_deref()),
            TaskCol::Status => Cell::Text(t.status.label(lang).to_owned()),
            TaskCol::CreatedOn => Cell::Date(t.created_on),
            TaskCol::DueOn => Cell::Date(t.due_on),
            TaskCol::CompletedOn => t.completed_on.map_or(Cell::Empty, Cell::Date),
            TaskCol::OverdueDays => task
                .working_days_overdue
                .map_or(Cell::Empty, |n| Cell::Int(i64::from(n))),
            TaskCol::Carried => Cell::Flag(task.carried_over),
            TaskCol::Provisional => Cell::Flag(task.due_provisional),
        }
    }

    /// The columns people read (terminal, Markdown, HTML) in `section`: the 序号 first (ids
    /// stay in the data formats), the latest progress note last; this week's tasks sit under
    /// their day, so that section has no due date; none for the watch list.
    pub fn for_people(section: Section) -> &'static [TaskCol] {
        use TaskCol::*;
        match section {
            Section::Overdue => &[
                Seq,
                Batch,
                Enterprise,
                Title,
                Kind,
                AssigneeDelegate,
                DueOn,
                OverdueDays,
                Progress,
            ],
            Section::ThisWeek => &[
                Seq,
                Batch,
                Enterprise,
                Title,
                Kind,
                AssigneeDelegate,
                Progress,
            ],
            Section::NextWeek => &[
                Seq,
                Batch,
                Enterprise,
                Title,
                Kind,
                AssigneeDelegate,
                DueOn,
                Progress,
            ],
            Section::DoneLastWeek => &[
                Seq,
                Batch,
                Enterprise,
                Title,
                Kind,
                AssigneeDelegate,
                DueOn,
                CompletedOn,
                Progress,
            ],
            Section::Watch => &[],
        }
    }

    /// The columns of `section`'s XLSX sheet (none for the watch list: see [`WatchCol`]).
    pub fn for_sheet(section: Section) -> &'static [TaskCol] {
        use TaskCol::*;
        match section {
            Section::Overdue => &[
                SeqNumber,
                Batch,
                Enterprise,
                Uscc,
                Title,
                Kind,
                Assignee,
                Delegate,
                CreatedOn,
                DueOn,
                OverdueDays,
                Carried,
                Provisional,
                Progress,
            ],
            Section::ThisWeek => &[
                Weekday,
                SeqNumber,
                Batch,
                Enterprise,
                Uscc,
                Title,
                Kind,
                Assignee,
                Delegate,
                CreatedOn,
                DueOn,
                Carried,
                Provisional,
                Progress,
            ],
            Section::NextWeek => &[
                SeqNumber,
                Batch,
                Enterprise,
                Uscc,
                Title,
                Kind,
                Assignee,
                Delegate,
                CreatedOn,
                DueOn,
                Carried,
                Provisional,
                Progress,
            ],
            Section::Watch => &[],
            Section::DoneLastWeek => &[
                SeqNumber,
                Batch,
                Enterprise,
                Uscc,
                Title,
                Kind,
                Assignee,
                Delegate,
                CreatedOn,
                DueOn,
                CompletedOn,
                Progress,
            ],
        }
    }

    /// Every task column of the CSV file, in order.
    pub const CSV: [TaskCol; 19] = [
        TaskCol::ShortId,
        TaskCol::TaskId,
        TaskCol::Batch,
        TaskCol::Enterprise,
        TaskCol::Uscc,
        TaskCol::Title,
        TaskCol::KindKey,
        TaskCol::Kind,
        TaskCol::AssigneeLogin,
        TaskCol::Assignee,
        TaskCol::Delegate,
        TaskCol::Status,
        TaskCol::CreatedOn,
        TaskCol::DueOn,
        TaskCol::CompletedOn,
        TaskCol::OverdueDays,
        TaskCol::Carried,
        TaskCol::Provisional,
        TaskCol::Progress,
    ];
}

/// A column of the watch list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchCol {
    /// Why, with its figure (for people): `目标临近（2023-08-15 → 投产）`.
    ReasonSummary,
    /// Why, as a label.
    Reason,
    /// Why, as a stable key.
    ReasonKey,
    /// The enterprise's batch.
    Batch,
    /// The enterprise's name.
    Enterprise,
    /// The enterprise's USCC.
    Uscc,
    /// The track concerned.
    Track,
    /// The current stage.
    Stage,
    /// The target date (target at risk).
    TargetDate,
    /// The stage to reach by then (target at risk).
    TargetStage,
    /// Revenue as a share of the threshold (near threshold).
    Share,
    /// Days without a move (stalled).
    StalledDays,
    /// What to look at.
    Detail,
}

impl WatchCol {
    /// The header for people.
    pub fn header(self, lang: Lang) -> &'static str {
        match self {
            WatchCol::ReasonSummary | WatchCol::Reason => tr(lang, "关注原因", "reason"),
            WatchCol::ReasonKey => tr(lang, "关注原因代码", "reason key"),
            WatchCol::Batch => tr(lang, "批次", "batch"),
            WatchCol::Enterprise => tr(lang, "企业", "enterprise"),
            WatchCol::Uscc => tr(lang, "统一社会信用代码", "USCC"),
            WatchCol::Track => tr(lang, "流程", "track"),
            WatchCol::Stage => tr(lang, "阶段", "stage"),
            WatchCol::TargetDate => tr(lang, "目标日期", "target date"),
            WatchCol::TargetStage => tr(lang, "目标阶段", "target stage"),
            WatchCol::Share => tr(lang, "营收占标准", "share of threshold"),
            WatchCol::StalledDays => tr(lang, "未推进天数", "days without a move"),
            WatchCol::Detail => tr(lang, "说明", "detail"),
        }
    }

    /// The stable key (the English CSV header).
    pub fn key(self) -> &'static str {
        match self {
            WatchCol::ReasonSummary | WatchCol::Reason => "watch_reason_label",
            WatchCol::ReasonKey => "watch_reason",
            WatchCol::Batch => "batch",
            WatchCol::Enterprise => "enterprise_name",
            WatchCol::Uscc => "enterprise_uscc",
            WatchCol::Track => "track",
            WatchCol::Stage => "stage",
            WatchCol::TargetDate => "target_date",
            WatchCol::TargetStage => "target_stage",
            WatchCol::Share => "share_of_threshold",
            WatchCol::StalledDays => "stalled_days",
            WatchCol::Detail => "detail",
        }
    }

    /// The column's width in an XLSX sheet, in characters.
    pub fn xlsx_width(self) -> f64 {
        match self {
            WatchCol::ReasonSummary => 30.0,
            WatchCol::Reason | WatchCol::ReasonKey => 16.0,
            WatchCol::Batch => 7.0,
            WatchCol::Enterprise => 30.0,
            WatchCol::Uscc => 21.0,
            WatchCol::Track | WatchCol::Stage | WatchCol::TargetStage => 16.0,
            WatchCol::TargetDate => 12.0,
            WatchCol::Share => 12.0,
            WatchCol::StalledDays => 11.0,
            WatchCol::Detail => 50.0,
        }
    }

    /// The cell of `item` in this column.
    pub fn cell(self, item: &WatchItem, lang: Lang) -> Cell {
        match (self, &item.reason) {
            (WatchCol::ReasonSummary, reason) => Cell::Text(reason_summary(reason, lang)),
            (WatchCol::Reason, reason) => Cell::Text(reason_label(reason, lang).to_owned()),
            (WatchCol::ReasonKey, reason) => Cell::Text(reason_key(reason).to_owned()),
            (WatchCol::Batch, _) => item.batch.map_or(Cell::Empty, Cell::Batch),
            (WatchCol::Enterprise, _) => Cell::Text(item.enterprise_name.clone()),
            (WatchCol::Uscc, _) => Cell::Text(item.enterprise_uscc.clone()),
            (WatchCol::Track, _) => Cell::opt_text(item.track_label.as_ref().map(|t| t.get(lang))),
            (WatchCol::Stage, _) => Cell::opt_text(item.stage.as_ref().map(|s| s.get(lang))),
            (WatchCol::TargetDate, WatchReason::TargetAtRisk { target_date, .. }) => {
                Cell::Date(*target_date)
            }
            (WatchCol::TargetStage, WatchReason::TargetAtRisk { target_label, .. }) => {
                Cell::opt_text(target_label.as_ref().map(|t| t.get(lang)))
            }
            (WatchCol::Share, WatchReason::NearThreshold { share_bp }) => Cell::Share(*share_bp),
            (WatchCol::StalledDays, WatchReason::Stalled { days }) => Cell::Int(*days),
            (WatchCol::Detail, _) => Cell::Text(item.detail.get(lang).to_owned()),
            (
                WatchCol::TargetDate
                | WatchCol::TargetStage
                | WatchCol::Share
                | WatchCol::StalledDays,
                _,
            ) => Cell::Empty,
        }
    }

    /// The columns people read.
    pub const FOR_PEOPLE: [WatchCol; 6] = [
        WatchCol::ReasonSummary,
        WatchCol::Batch,
        WatchCol::Enterprise,
        WatchCol::Track,
        WatchCol::Stage,
        WatchCol::Detail,
    ];

    /// The columns of the XLSX watch sheet.
    pub const FOR_SHEET: [WatchCol; 11] = [
        WatchCol::Reason,
        WatchCol::Batch,
        WatchCol::Enterprise,
        WatchCol::Uscc,
        WatchCol::Track,
        WatchCol::Stage,
        WatchCol::TargetDate,
        WatchCol::TargetStage,
        WatchCol::Share,
        WatchCol::StalledDays,
        WatchCol::Detail,
    ];

    /// The watch-only columns of the CSV file, after the task columns (batch, enterprise and
    /// USCC share the task columns).
    pub const CSV: [WatchCol; 9] = [
        WatchCol::ReasonKey,
        WatchCol::Reason,
        WatchCol::Track,
        WatchCol::Stage,
        WatchCol::TargetDate,
        WatchCol::TargetStage,
        WatchCol::Share,
        WatchCol::StalledDays,
        WatchCol::Detail,
    ];
}

/// The stable key of a watch reason: `target_at_risk`, `near_threshold`, `stalled`.
pub fn reason_key(reason: &WatchReason) -> &'static str {
    match reason {
        WatchReason::TargetAtRisk { .. } => "target_at_risk",
        WatchReason::NearThreshold { .. } => "near_threshold",
        WatchReason::Stalled { .. } => "stalled",
    }
}

/// The label of a watch reason: 目标临近, 接近规上标准, 长期未推进.
pub fn reason_label(reason: &WatchReason, lang: Lang) -> &'static str {
    match reason {
        WatchReason::TargetAtRisk { .. } => tr(lang, "目标临近", "target at risk"),
        WatchReason::NearThreshold { .. } => tr(lang, "接近规上标准", "near threshold"),
        WatchReason::Stalled { .. } => tr(lang, "长期未推进", "stalled"),
    }
}

/// The reason with its figure: `目标临近（2023-08-15 → 投产）`, `接近规上标准（92.5%）`,
/// `长期未推进（75 天）`.
pub fn reason_summary(reason: &WatchReason, lang: Lang) -> String {
    let label = reason_label(reason, lang);
    let figure = match reason {
        WatchReason::TargetAtRisk {
            target_date,
            target_label: Some(stage),
            ..
        } => format!("{target_date} → {}", stage.get(lang)),
        WatchReason::TargetAtRisk { target_date, .. } => target_date.to_string(),
        WatchReason::NearThreshold { share_bp } => percent(*share_bp),
        WatchReason::Stalled { days } => match lang {
            Lang::Zh => format!("{days} 天"),
            Lang::En => format!("{days} days"),
        },
    };
    match lang {
        Lang::Zh => format!("{label}（{figure}）"),
        Lang::En => format!("{label} ({figure})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weekly::fixture;

    #[test]
    fn percent_trims_zeros() {
        assert_eq!(percent(9_000), "90%");
        assert_eq!(percent(9_250), "92.5%");
        assert_eq!(percent(9_123), "91.23%");
        assert_eq!(percent(9_105), "91.05%");
        assert_eq!(percent(-50), "-0.5%");
    }

    #[test]
    fn sections_count_their_lines() {
        let list = fixture::week27();
        let counts: Vec<_> = Section::ALL.iter().map(|s| s.len(&list)).collect();
        assert_eq!(counts, [3, 5, 2, 2, 3]);
        assert_eq!(
            Section::ThisWeek.heading_with_count(&list, Lang::Zh),
            "本周到期（5 项）"
        );
        assert_eq!(
            Section::Overdue.heading_with_count(&list, Lang::En),
            "Overdue (3)"
        );
    }

    #[test]
    fn scope_titles() {
        let mut list = fixture::week27();
        assert_eq!(title(&list, Lang::Zh), "周例会任务清单 · 王伟（wang.wei）");
        list.scope = WeeklyScope::Team {
            name: "招商一组".into(),
        };
        assert_eq!(title(&list, Lang::En), "Weekly task list · team 招商一组");
        list.scope = WeeklyScope::Bureau;
        assert_eq!(title(&list, Lang::Zh), "周例会任务清单 · 全局");
        list.seal = None;
        assert_eq!(seal_line(&list, Lang::Zh), None);
    }

    #[test]
    fn day_headings_mark_days_off() {
        assert_eq!(
            day_heading(fixture::d(7, 3), true, Lang::Zh),
            "星期一 2023-07-03"
        );
        assert_eq!(
            day_heading(fixture::d(7, 8), false, Lang::Zh),
            "星期六 2023-07-08（休息日）"
        );
        assert_eq!(
            day_heading(fixture::d(6, 25), true, Lang::En),
            "Sunday 2023-06-25"
        );
        assert_eq!(
            day_heading(fixture::d(6, 22), false, Lang::En),
            "Thursday 2023-06-22 (day off)"
        );
    }

    #[test]
    fn batch_labels() {
        let b = Batch::new(2).unwrap();
        assert_eq!(batch_label(b, Lang::Zh), "第2批");
        assert_eq!(
            batch_long_label(b, Lang::En),
            "batch 2 (cultivate and grow)"
        );
        assert_eq!(Cell::Batch(b).data(Lang::Zh), "2");
        assert_eq!(Cell::Flag(true).data(Lang::En), "yes");
        assert_eq!(Cell::Flag(false).display(Lang::Zh), "");
    }
}
