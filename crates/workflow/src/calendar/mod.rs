//! Working-day calendar of mainland China: weekends, statutory days off and the weekend make-up
//! workdays (调休) that the State Council announces each year, plus a county's local adjustments.
//!
//! A year's days off come from its State Council notice when one is known: the embedded
//! `data/calendar/cn.toml` (see [`Calendar::china`]), a notice loaded into the database (see
//! [`Calendar::with_year`]) or a county's override file (see [`Calendar::with_override`]). A
//! year with no notice is *provisional*: its days off follow the holiday law in force
//! ([`statutory`]), with no make-up workdays, and every answer that depends on it says so
//! ([`Calendar::provisional_years`]). Nothing is refused because a year is provisional: the
//! only error of a query is a date outside [`FIRST_DATE`]..=[`LAST_DATE`].
//!
//! # Data format
//!
//! The built-in file and override files share one TOML shape; every part is optional:
//!
//! ```toml
//! # A year's State Council notice. In an override it adds the year, or replaces the built-in
//! # table of that year entirely.
//! [years.2027]
//! source = "国务院办公厅关于2027年部分节假日安排的通知，2026-11-xx"   # required, non-empty
//! days_off = ["2027-01-01", "2027-02-05..2027-02-11"]                 # "A..B" = inclusive range
//! makeup_workdays = ["2027-02-13"]                                    # Saturdays or Sundays only
//!
//! # Local adjustments (a county's typhoon days, extra working days): they win over the
//! # statutory data and over earlier overrides.
//! [[days_off]]
//! date = "2024-09-06"            # a date or an inclusive range of at most 31 days
//! reason = "台风停工"             # required, non-empty
//!
//! [[working_days]]
//! date = "2024-09-08"
//! reason = "补班：台风停工"
//! ```
//!
//! A year table's dates must lie in that year, except that they may reach into December of the
//! previous year or January of the next (2022-12-31 belongs to the 2023 New Year holiday). Errors
//! in a file name the line and column of the offending entry.

pub mod statutory;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;
use toml::Spanned;

/// The embedded data file with mainland China's official days off and make-up workdays.
const CHINA_TOML: &str = include_str!("../../data/calendar/cn.toml");

/// The embedded notices of 2017–2022 (read from the notice texts in `data/notices/`).
const CHINA_2017_2022_TOML: &str = include_str!("../../data/calendar/cn-2017-2022.toml");

/// Longest accepted `A..B` range, in days (inclusive): holidays are at most nine days long, and a
/// longer range is far more likely a typo than a real arrangement.
pub const MAX_RANGE_DAYS: u32 = 31;

/// The first date the calendar answers for (1 January of [`statutory::FIRST_YEAR`]).
pub const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(statutory::FIRST_YEAR, 1, 1) {
    Some(date) => date,
    None => panic!("the first supported date is valid"),
};

/// The last date the calendar answers for (31 December of [`statutory::LAST_YEAR`]).
pub const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(statutory::LAST_YEAR, 12, 31) {
    Some(date) => date,
    None => panic!("the last supported date is valid"),
};

/// A working-day calendar: which dates are working days (工作日).
///
/// A date is a working day when a local adjustment says so; otherwise when a year table lists it
/// as a make-up workday; otherwise when it is Monday to Friday and not listed as a day off. A
/// year without a table is provisional: its days off are the statutory ones of
/// [`statutory::provisional_year`]. Dates outside [`FIRST_DATE`]..=[`LAST_DATE`] are refused.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Calendar {
    /// One table per year with a known notice.
    years: BTreeMap<i32, YearTable>,
    /// Every date listed by some year table: `true` = make-up workday, `false` = day off.
    listed: BTreeMap<NaiveDate, bool>,
    /// Local adjustments, which take precedence over `listed` and the weekday rule.
    local: BTreeMap<NaiveDate, LocalDay>,
}

/// One year's notice.
#[derive(Debug, Clone, PartialEq, Eq)]
struct YearTable {
    source: String,
    origin: NoticeOrigin,
    days_off: BTreeSet<NaiveDate>,
    makeup_workdays: BTreeSet<NaiveDate>,
}

/// Where a year's notice came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeOrigin {
    /// Shipped with peiyu (`data/calendar/cn.toml`).
    Shipped,
    /// Loaded into the database from the notice (`calendar load`).
    Loaded,
    /// The county's override file.
    CountyOverride,
}

/// What the calendar knows of a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YearStatus {
    /// The State Council's notice is known.
    Official {
        /// Which notice, as its source line says.
        source: String,
        /// Where it came from.
        origin: NoticeOrigin,
    },
    /// No notice yet: the statutory holidays only, no make-up workdays.
    Provisional,
    /// Outside [`FIRST_DATE`]..=[`LAST_DATE`].
    Unsupported,
}

/// One year of [`Calendar::outlook`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearOutlook {
    /// The year.
    pub year: i32,
    /// What the calendar knows of it.
    pub status: YearStatus,
    /// Days from the day asked about to the year's 1 January (0 or less: it has begun).
    pub starts_in_days: i64,
    /// Whether someone should act: the year is still provisional and starts within
    /// [`ATTENTION_DAYS`] days (or has begun).
    pub needs_attention: bool,
}

/// A year that is still provisional this many days before it starts needs attention
/// ([`Calendar::outlook`]).
pub const ATTENTION_DAYS: i64 = 60;

/// A year's notice given as data (a loaded notice): which dates are off and which weekend days
/// are worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearData {
    /// The year of the notice.
    pub year: i32,
    /// Which notice (its title and publication date).
    pub source: String,
    /// The days off it lists (may reach into the neighbouring December or January).
    pub days_off: BTreeSet<NaiveDate>,
    /// The weekend days it makes working days (调休上班).
    pub makeup_workdays: BTreeSet<NaiveDate>,
}

/// A local adjustment from an override file: a county's extra day off or extra working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDay {
    /// The adjusted date.
    pub date: NaiveDate,
    /// Whether the date becomes a day off or a working day.
    pub kind: LocalDayKind,
    /// Why, as written in the override file (non-empty), e.g. "台风停工".
    pub reason: String,
}

/// What a local adjustment makes of its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalDayKind {
    /// The date is a day off, whatever the statutory data says (`[[days_off]]`).
    DayOff,
    /// The date is a working day, whatever the statutory data says (`[[working_days]]`).
    WorkingDay,
}

/// A calendar-day deadline rule, relative to a reference date (usually the start of a task or the
/// end of a reporting period). See [`Calendar::deadline`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalendarDeadline {
    /// Day D of the month after the reference date's month (月后D日). D must be 1..=31; when the
    /// month is shorter, the deadline is its last day (day 31 of April is 30 April).
    DayOfNextMonth(u32),
    /// The last day of the reference date's month.
    EndOfMonth,
    /// The last day of the reference date's quarter (31 March, 30 June, 30 September, 31 December).
    EndOfQuarter,
}

/// Where in a data file a problem was found (1-based; the column counts characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Location {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Failures of calendar loading and queries. `Display` is English; [`CalendarError::message_zh`]
/// gives the Chinese text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// A data file (built-in or override) is malformed or contradicts itself or the data already
    /// loaded. `at` names the offending line; it is `None` only if the TOML parser gave no position.
    #[error("calendar data{}: {problem}", location_suffix(.at.as_ref()))]
    Data {
        /// Position of the offending entry in the file's text.
        at: Option<Location>,
        /// What is wrong.
        problem: DataProblem,
    },
    /// A date outside the range the calendar answers for ([`FIRST_DATE`]..=[`LAST_DATE`]).
    #[error("{date} is outside the working-day calendar, which covers {FIRST_DATE} to {LAST_DATE}")]
    OutOfRange {
        /// The date asked about.
        date: NaiveDate,
    },
    /// Date arithmetic left chrono's representable range.
    #[error("date out of range: {days} days after {date}")]
    DateOutOfRange {
        /// The starting date.
        date: NaiveDate,
        /// How many days were to be added.
        days: u64,
    },
    /// A `DayOfNextMonth` deadline with a day outside 1..=31.
    #[error("day of month {day} is invalid: it must be between 1 and 31")]
    InvalidDayOfMonth {
        /// The rejected day.
        day: u32,
    },
}

impl CalendarError {
    /// The error in Chinese, for officers' screens; same content as the English `Display`.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Data { at, problem } => match at {
                Some(at) => format!(
                    "日历数据第 {} 行第 {} 列：{}",
                    at.line,
                    at.column,
                    problem.message_zh()
                ),
                None => format!("日历数据：{}", problem.message_zh()),
            },
            Self::OutOfRange { date } => {
                format!("{date} 超出工作日日历的范围：日历只涵盖 {FIRST_DATE} 至 {LAST_DATE}")
            }
            Self::DateOutOfRange { date, days } => {
                format!("日期超出范围：{date} 之后 {days} 天")
            }
            Self::InvalidDayOfMonth { day } => {
                format!("每月第 {day} 日无效：应在 1 到 31 之间")
            }
        }
    }
}

fn location_suffix(at: Option<&Location>) -> String {
    at.map(|at| format!(", {at}")).unwrap_or_default()
}

/// What is wrong with a calendar data file. `Display` is English; [`DataProblem::message_zh`]
/// gives the Chinese text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DataProblem {
    /// The TOML parser or the schema rejected the text (syntax, unknown or missing field, wrong
    /// type); `message` is the parser's English message.
    #[error("invalid TOML: {message}")]
    Toml {
        /// The parser's message.
        message: String,
    },
    /// A `years` key that is not a four-digit year.
    #[error("`{key}` is not a year (expected e.g. [years.2027])")]
    BadYear {
        /// The key as written.
        key: String,
    },
    /// A date entry that is neither `YYYY-MM-DD` nor `YYYY-MM-DD..YYYY-MM-DD`.
    #[error("`{text}` is not a date YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD")]
    BadDate {
        /// The entry as written.
        text: String,
    },
    /// A range whose end is before its start.
    #[error("range `{text}` ends before it starts")]
    ReversedRange {
        /// The entry as written.
        text: String,
    },
    /// A range longer than [`MAX_RANGE_DAYS`].
    #[error("range `{text}` is longer than {max} days")]
    RangeTooLong {
        /// The entry as written.
        text: String,
        /// The limit, [`MAX_RANGE_DAYS`].
        max: u32,
    },
    /// A date in a year table that lies outside that year (beyond the neighbouring December or
    /// January).
    #[error("{date} cannot belong to the notice for {year}")]
    DateOutsideYear {
        /// The date.
        date: NaiveDate,
        /// The year of the table.
        year: i32,
    },
    /// A make-up workday that is not a Saturday or Sunday.
    #[error("make-up workday {date} is a {weekday}, not a Saturday or Sunday")]
    MakeupNotWeekend {
        /// The date.
        date: NaiveDate,
        /// Its day of the week.
        weekday: Weekday,
    },
    /// A date listed both as a day off and as a working day (in one file, or against another
    /// year's table already loaded).
    #[error("{date} is listed both as a day off and as a working day")]
    Contradiction {
        /// The date.
        date: NaiveDate,
    },
    /// A year table without a source, or a local adjustment without a reason.
    #[error("`{field}` must not be empty")]
    Empty {
        /// The field name (`source` or `reason`).
        field: &'static str,
    },
}

impl DataProblem {
    /// The problem in Chinese; same content as the English `Display`.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Toml { message } => format!("TOML 格式错误：{message}"),
            Self::BadYear { key } => format!("“{key}”不是年份（应写作 [years.2027] 这样的形式）"),
            Self::BadDate { text } => {
                format!("“{text}”不是日期 YYYY-MM-DD，也不是日期范围 YYYY-MM-DD..YYYY-MM-DD")
            }
            Self::ReversedRange { text } => format!("日期范围“{text}”的结束早于开始"),
            Self::RangeTooLong { text, max } => format!("日期范围“{text}”超过 {max} 天"),
            Self::DateOutsideYear { date, year } => {
                format!("{date} 不可能属于 {year} 年的节假日安排")
            }
            Self::MakeupNotWeekend { date, weekday } => format!(
                "调休上班日 {date} 是{}，不是周六或周日",
                weekday_zh(*weekday)
            ),
            Self::Contradiction { date } => {
                format!("{date} 同时被列为休息日和工作日")
            }
            Self::Empty { field } => format!("“{field}”不能为空"),
        }
    }
}

fn weekday_zh(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

/// Something an administrator should fix in the calendar data soon; not an error: the work goes
/// on, counted on the statutory holidays. `Display` is English; [`CalendarWarning::message_zh`]
/// gives the Chinese text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CalendarWarning {
    /// A year that is needed (this year, or next year from 1 November, or a deadline's year) has
    /// no notice yet: its working days follow the statutory holidays provisionally.
    Provisional {
        /// The provisional year.
        year: i32,
    },
}

impl CalendarWarning {
    /// The warning in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Provisional { year } => format!(
                "{year} 年的国务院节假日安排尚未录入：{year} 年的工作日暂按法定节假日计算，待国务院通知发布后核定"
            ),
        }
    }

    /// The warning in English (the same text as `Display`).
    pub fn message_en(&self) -> String {
        match self {
            Self::Provisional { year } => format!(
                "the State Council's holiday notice for {year} is not loaded yet: working days in \
                 {year} are counted provisionally on the statutory holidays until it is"
            ),
        }
    }
}

impl fmt::Display for CalendarWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

/// The mark shown beside a deadline counted across a provisional year, in Chinese.
pub const PROVISIONAL_NOTE_ZH: &str = "暂按法定节假日计算，待国务院通知发布后核定";
/// The same mark in English.
pub const PROVISIONAL_NOTE_EN: &str =
    "counted on the statutory holidays for now; final once the State Council's notice is out";

impl Calendar {
    /// A calendar without any notice: every year is provisional. Mostly a starting point for
    /// [`Calendar::with_override`].
    pub fn empty() -> Calendar {
        Calendar::default()
    }

    /// Mainland China's calendar from the embedded notices of 2017–2026
    /// (`data/calendar/cn-2017-2022.toml` and `data/calendar/cn.toml`). Fails only if the
    /// embedded files are broken, which the tests rule out.
    pub fn china() -> Result<Calendar, CalendarError> {
        Calendar::empty()
            .with_toml(CHINA_2017_2022_TOML, NoticeOrigin::Shipped)?
            .with_toml(CHINA_TOML, NoticeOrigin::Shipped)
    }

    /// A calendar from TOML text in the format described in the [module docs](self); errors name
    /// the offending line. Its year tables count as a county override.
    pub fn from_toml(text: &str) -> Result<Calendar, CalendarError> {
        Calendar::empty().with_override(text)
    }

    /// This calendar with a county's override file applied (format in the [module docs](self)).
    ///
    /// A `[years.YYYY]` table adds that year or replaces this calendar's table for it entirely;
    /// `[[days_off]]` and `[[working_days]]` entries are local adjustments that win over the year
    /// tables and over earlier overrides' adjustments of the same dates. Fails, naming the line,
    /// on malformed text, invalid entries, or a year table contradicting another year's table.
    pub fn with_override(self, text: &str) -> Result<Calendar, CalendarError> {
        self.with_toml(text, NoticeOrigin::CountyOverride)
    }

    /// This calendar with year tables from TOML text of the given origin (a notice given as TOML
    /// is [`NoticeOrigin::Loaded`]).
    pub fn with_toml(
        mut self,
        text: &str,
        origin: NoticeOrigin,
    ) -> Result<Calendar, CalendarError> {
        let parsed = parse_file(text)?;
        let replaced: BTreeSet<i32> = parsed.years.iter().map(|t| t.year).collect();
        let mut listed = self.listed_without(&replaced);
        for table in &parsed.years {
            let entries = table
                .days_off
                .iter()
                .map(|(date, span)| (*date, false, span))
                .chain(
                    table
                        .makeup_workdays
                        .iter()
                        .map(|(date, span)| (*date, true, span)),
                );
            for (date, working, span) in entries {
                if listed.insert(date, working) == Some(!working) {
                    return Err(data_error(
                        text,
                        span.start,
                        DataProblem::Contradiction { date },
                    ));
                }
            }
        }
        for table in parsed.years {
            self.years.insert(
                table.year,
                YearTable {
                    source: table.source,
                    origin,
                    days_off: table.days_off.into_keys().collect(),
                    makeup_workdays: table.makeup_workdays.into_keys().collect(),
                },
            );
        }
        self.listed = listed;
        for day in parsed.local {
            self.local.insert(day.date, day);
        }
        Ok(self)
    }

    /// This calendar with a notice given as data (a notice loaded into the database): it replaces
    /// the year's table. Fails when the data is invalid (a make-up workday that is not a weekend
    /// day, a date outside the year and its neighbouring December and January, a date both off
    /// and worked, or a contradiction with another year's table).
    pub fn with_year(
        mut self,
        data: &YearData,
        origin: NoticeOrigin,
    ) -> Result<Calendar, CalendarError> {
        let year = data.year;
        let problem = |problem| CalendarError::Data { at: None, problem };
        if data.source.trim().is_empty() {
            return Err(problem(DataProblem::Empty { field: "source" }));
        }
        let mut listed = self.listed_without(&BTreeSet::from([year]));
        for (date, working) in data
            .days_off
            .iter()
            .map(|d| (*d, false))
            .chain(data.makeup_workdays.iter().map(|d| (*d, true)))
        {
            if !belongs_to_year(date, year) {
                return Err(problem(DataProblem::DateOutsideYear { date, year }));
            }
            if working && !is_weekend(date) {
                return Err(problem(DataProblem::MakeupNotWeekend {
                    date,
                    weekday: date.weekday(),
                }));
            }
            if listed.insert(date, working) == Some(!working) {
                return Err(problem(DataProblem::Contradiction { date }));
            }
        }
        self.years.insert(
            year,
            YearTable {
                source: data.source.trim().to_owned(),
                origin,
                days_off: data.days_off.clone(),
                makeup_workdays: data.makeup_workdays.clone(),
            },
        );
        self.listed = listed;
        Ok(self)
    }

    /// The listed dates of every table but those of `years`.
    fn listed_without(&self, years: &BTreeSet<i32>) -> BTreeMap<NaiveDate, bool> {
        let mut listed = BTreeMap::new();
        for (_, table) in self.years.iter().filter(|(y, _)| !years.contains(y)) {
            listed.extend(table.days_off.iter().map(|date| (*date, false)));
            listed.extend(table.makeup_workdays.iter().map(|date| (*date, true)));
        }
        listed
    }

    /// The years that have a notice, ascending.
    pub fn covered_years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// The `source` line of the year's notice (which notice, published when), if it has one.
    pub fn source(&self, year: i32) -> Option<&str> {
        self.years.get(&year).map(|table| table.source.as_str())
    }

    /// What the calendar knows of `year`.
    pub fn year_status(&self, year: i32) -> YearStatus {
        match self.years.get(&year) {
            Some(table) => YearStatus::Official {
                source: table.source.clone(),
                origin: table.origin,
            },
            None if (statutory::FIRST_YEAR..=statutory::LAST_YEAR).contains(&year) => {
                YearStatus::Provisional
            }
            None => YearStatus::Unsupported,
        }
    }

    /// Whether `year` is provisional: within the range and without a notice.
    pub fn is_provisional(&self, year: i32) -> bool {
        self.year_status(year) == YearStatus::Provisional
    }

    /// The provisional years among those from `from`'s to `to`'s (in either order), ascending:
    /// a deadline counted from `from` to `to` is provisional when this is not empty.
    pub fn provisional_years(&self, from: NaiveDate, to: NaiveDate) -> Vec<i32> {
        let (a, b) = if from <= to { (from, to) } else { (to, from) };
        (a.year()..=b.year())
            .filter(|year| self.is_provisional(*year))
            .collect()
    }

    /// The provisional years a task's deadline was counted across: those from the day its count
    /// started (or the date it rolled from) to `due_on`. Empty for a date given as such, or when
    /// every year counted has its notice.
    pub fn provisional_years_of_count(
        &self,
        count: Option<peiyu_domain::DueCount>,
        due_on: NaiveDate,
    ) -> Vec<i32> {
        match count {
            Some(peiyu_domain::DueCount::WorkingDays { from, .. }) => {
                self.provisional_years(from, due_on)
            }
            Some(peiyu_domain::DueCount::RolledFrom(raw)) => self.provisional_years(raw, due_on),
            None => Vec::new(),
        }
    }

    /// A counted deadline again on this calendar (after a notice replaced a provisional year);
    /// `None` for a date given as such.
    pub fn recount(
        &self,
        count: Option<peiyu_domain::DueCount>,
    ) -> Option<Result<NaiveDate, CalendarError>> {
        match count? {
            peiyu_domain::DueCount::WorkingDays { from, days } => {
                Some(self.add_working_days(from, days))
            }
            peiyu_domain::DueCount::RolledFrom(raw) => Some(self.next_working_day_on_or_after(raw)),
        }
    }

    /// The local adjustments loaded from override files, by date.
    pub fn local_days(&self) -> impl Iterator<Item = &LocalDay> {
        self.local.values()
    }

    /// Whether `date` is a working day. Errors only with [`CalendarError::OutOfRange`].
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        if !(FIRST_DATE..=LAST_DATE).contains(&date) {
            return Err(CalendarError::OutOfRange { date });
        }
        if let Some(local) = self.local.get(&date) {
            return Ok(local.kind == LocalDayKind::WorkingDay);
        }
        if let Some(&working) = self.listed.get(&date) {
            return Ok(working);
        }
        if !self.years.contains_key(&date.year())
            && statutory::provisional_year(date.year())
                .is_some_and(|year| year.days_off.contains(&date))
        {
            return Ok(false);
        }
        Ok(!is_weekend(date))
    }

    /// The `n`th working day after `date` (5 working days after 2023-09-28 is 2023-10-11); `date`
    /// itself does not count, whether or not it is a working day. For `n == 0`: `date` itself if
    /// it is a working day, else the next working day (as [`Self::next_working_day_on_or_after`]).
    /// For `n >= 1` the result is strictly after `date` and
    /// `working_days_between(date, result) == n`. Errors only beyond the calendar's range.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        if n == 0 {
            return self.next_working_day_on_or_after(date);
        }
        let mut day = date;
        let mut left = n;
        loop {
            day = next_day(day)?;
            if self.is_working_day(day)? {
                left -= 1;
                if left == 0 {
                    return Ok(day);
                }
            }
        }
    }

    /// The number of working days in the half-open interval (`from`, `to`]: `from` does not count,
    /// `to` does. Zero when `to <= from`. Use it for "overdue by N working days":
    /// `working_days_between(due, today)`. Errors only beyond the calendar's range.
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<u32, CalendarError> {
        let mut count = 0u32;
        let mut day = from;
        while day < to {
            day = next_day(day)?;
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// `date` if it is a working day, else the first working day after it. Errors only beyond
    /// the calendar's range.
    pub fn next_working_day_on_or_after(
        &self,
        date: NaiveDate,
    ) -> Result<NaiveDate, CalendarError> {
        let mut day = date;
        while !self.is_working_day(day)? {
            day = next_day(day)?;
        }
        Ok(day)
    }

    /// `date` plus `n` calendar days, whatever the calendar says (no data needed). Errors only when
    /// the result is beyond chrono's range.
    pub fn add_calendar_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let days = u64::from(n);
        date.checked_add_days(Days::new(days))
            .ok_or(CalendarError::DateOutOfRange { date, days })
    }

    /// A calendar-day deadline computed from `from` by `rule`. With `roll_to_working_day`, a
    /// deadline that falls on a day off moves to the next working day.
    pub fn deadline(
        &self,
        from: NaiveDate,
        rule: CalendarDeadline,
        roll_to_working_day: bool,
    ) -> Result<NaiveDate, CalendarError> {
        let raw = match rule {
            CalendarDeadline::DayOfNextMonth(day) => {
                if !(1..=31).contains(&day) {
                    return Err(CalendarError::InvalidDayOfMonth { day });
                }
                let (year, month) = next_month(from.year(), from.month());
                let last = last_day_of_month(from, year, month)?;
                last.with_day(day.min(last.day())).unwrap_or(last)
            }
            CalendarDeadline::EndOfMonth => last_day_of_month(from, from.year(), from.month())?,
            CalendarDeadline::EndOfQuarter => {
                let quarter_end_month = from.month().div_ceil(3) * 3;
                last_day_of_month(from, from.year(), quarter_end_month)?
            }
        };
        if roll_to_working_day {
            self.next_working_day_on_or_after(raw)
        } else {
            Ok(raw)
        }
    }

    /// The days off of `year` besides ordinary weekends: those of the year's notice (which may
    /// include a date of the neighbouring year, such as 2022-12-31 for 2023), or for a provisional
    /// year its statutory days and the weekdays made up for them; plus the local days off dated in
    /// `year`, minus dates a local adjustment made working days; sorted. Errors only for a year
    /// outside the range.
    pub fn days_off(&self, year: i32) -> Result<Vec<NaiveDate>, CalendarError> {
        self.adjusted_list(year, LocalDayKind::DayOff)
    }

    /// The make-up workdays of `year`: those of the year's notice (none for a provisional year)
    /// and the local extra working days dated in `year`, minus dates a local adjustment made days
    /// off; sorted. Errors only for a year outside the range.
    pub fn makeup_workdays(&self, year: i32) -> Result<Vec<NaiveDate>, CalendarError> {
        self.adjusted_list(year, LocalDayKind::WorkingDay)
    }

    /// The number of working days from 1 January to 31 December of `year` (2023: 249, 2024: 251,
    /// 2025: 248, 2026: 248). Errors only for a year outside the range.
    pub fn working_day_count(&self, year: i32) -> Result<u32, CalendarError> {
        let (first, last) = year_bounds(year)?;
        let mut count = u32::from(self.is_working_day(first)?);
        count += self.working_days_between(first, last)?;
        Ok(count)
    }

    /// Warnings as of `today`: [`CalendarWarning::Provisional`] for today's year when it has no
    /// notice, and from 1 November on for next year when it has none. Empty when all is well.
    pub fn check(&self, today: NaiveDate) -> Vec<CalendarWarning> {
        let mut warnings = Vec::new();
        let year = today.year();
        if self.is_provisional(year) {
            warnings.push(CalendarWarning::Provisional { year });
        }
        if today.month() >= 11 && self.is_provisional(year + 1) {
            warnings.push(CalendarWarning::Provisional { year: year + 1 });
        }
        warnings
    }

    /// The years from `today`'s to two years ahead, each with what the calendar knows of it and
    /// whether it needs attention (provisional and starting within [`ATTENTION_DAYS`] days).
    pub fn outlook(&self, today: NaiveDate) -> Vec<YearOutlook> {
        (today.year()..=today.year() + 2)
            .map(|year| {
                let status = self.year_status(year);
                let starts_in_days = NaiveDate::from_ymd_opt(year, 1, 1)
                    .map_or(0, |first| (first - today).num_days());
                YearOutlook {
                    year,
                    needs_attention: status == YearStatus::Provisional
                        && starts_in_days <= ATTENTION_DAYS,
                    status,
                    starts_in_days,
                }
            })
            .collect()
    }

    fn adjusted_list(
        &self,
        year: i32,
        kind: LocalDayKind,
    ) -> Result<Vec<NaiveDate>, CalendarError> {
        year_bounds(year)?;
        let provisional;
        let statutory: &BTreeSet<NaiveDate> = match (self.years.get(&year), kind) {
            (Some(table), LocalDayKind::DayOff) => &table.days_off,
            (Some(table), LocalDayKind::WorkingDay) => &table.makeup_workdays,
            (None, LocalDayKind::DayOff) => {
                provisional = statutory::provisional_year(year)
                    .map(|y| y.days_off.clone())
                    .unwrap_or_default();
                &provisional
            }
            (None, LocalDayKind::WorkingDay) => {
                provisional = BTreeSet::new();
                &provisional
            }
        };
        let mut dates: BTreeSet<NaiveDate> = statutory
            .iter()
            .copied()
            .filter(|date| self.local.get(date).is_none_or(|local| local.kind == kind))
            .collect();
        dates.extend(
            self.local
                .values()
                .filter(|local| local.kind == kind && local.date.year() == year)
                .map(|local| local.date),
        );
        Ok(dates.into_iter().collect())
    }
}

/// 1 January and 31 December of `year`, or `OutOfRange` outside the calendar's range.
fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate), CalendarError> {
    match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(first), Some(last)) if first >= FIRST_DATE && last <= LAST_DATE => Ok((first, last)),
        (Some(first), _) => Err(CalendarError::OutOfRange { date: first }),
        _ => Err(CalendarError::OutOfRange { date: LAST_DATE }),
    }
}

/// Whether a date may appear in the notice for `year`: in it, or in the neighbouring December or
/// January.
fn belongs_to_year(date: NaiveDate, year: i32) -> bool {
    date.year() == year
        || (date.year() == year - 1 && date.month() == 12)
        || (date.year() == year + 1 && date.month() == 1)
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn next_day(date: NaiveDate) -> Result<NaiveDate, CalendarError> {
    date.succ_opt()
        .ok_or(CalendarError::DateOutOfRange { date, days: 1 })
}

fn next_month(year: i32, month: u32) -> (i32, u32) {
    if month >= 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    }
}

/// The last day of `year`-`month`; `from` only names the starting point in the error.
fn last_day_of_month(from: NaiveDate, year: i32, month: u32) -> Result<NaiveDate, CalendarError> {
    let (next_year, next) = next_month(year, month);
    NaiveDate::from_ymd_opt(next_year, next, 1)
        .and_then(|first| first.pred_opt())
        .ok_or(CalendarError::DateOutOfRange {
            date: from,
            days: 0,
        })
}

// ---------------------------------------------------------------------------------------------
// Parsing

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    years: BTreeMap<Spanned<String>, RawYear>,
    #[serde(default)]
    days_off: Vec<RawLocal>,
    #[serde(default)]
    working_days: Vec<RawLocal>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    source: Spanned<String>,
    #[serde(default)]
    days_off: Vec<Spanned<String>>,
    #[serde(default)]
    makeup_workdays: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLocal {
    date: Spanned<String>,
    reason: Spanned<String>,
}

/// A parsed and validated year table, with each date's position for later error messages.
struct ParsedYear {
    year: i32,
    source: String,
    days_off: BTreeMap<NaiveDate, Range<usize>>,
    makeup_workdays: BTreeMap<NaiveDate, Range<usize>>,
}

struct ParsedFile {
    years: Vec<ParsedYear>,
    local: Vec<LocalDay>,
}

fn parse_file(text: &str) -> Result<ParsedFile, CalendarError> {
    let raw: RawFile = toml::from_str(text).map_err(|error| CalendarError::Data {
        at: error.span().map(|span| location(text, span.start)),
        problem: DataProblem::Toml {
            message: error.message().trim().to_owned(),
        },
    })?;

    let mut years = Vec::with_capacity(raw.years.len());
    for (key, raw_year) in raw.years {
        years.push(parse_year(text, &key, raw_year)?);
    }

    let mut local: BTreeMap<NaiveDate, (LocalDay, Range<usize>)> = BTreeMap::new();
    let entries = raw
        .days_off
        .into_iter()
        .map(|entry| (entry, LocalDayKind::DayOff))
        .chain(
            raw.working_days
                .into_iter()
                .map(|entry| (entry, LocalDayKind::WorkingDay)),
        );
    for (entry, kind) in entries {
        let reason = entry.reason.get_ref().trim();
        if reason.is_empty() {
            return Err(data_error(
                text,
                entry.reason.span().start,
                DataProblem::Empty { field: "reason" },
            ));
        }
        for date in parse_dates(text, &entry.date)? {
            let day = LocalDay {
                date,
                kind,
                reason: reason.to_owned(),
            };
            let span = entry.date.span();
            if let Some((earlier, _)) = local.insert(date, (day, span.clone()))
                && earlier.kind != kind
            {
                return Err(data_error(
                    text,
                    span.start,
                    DataProblem::Contradiction { date },
                ));
            }
        }
    }

    Ok(ParsedFile {
        years,
        local: local.into_values().map(|(day, _)| day).collect(),
    })
}

fn parse_year(
    text: &str,
    key: &Spanned<String>,
    raw: RawYear,
) -> Result<ParsedYear, CalendarError> {
    let key_text = key.get_ref();
    let year = match key_text.parse::<i32>() {
        Ok(year) if key_text.len() == 4 && key_text.bytes().all(|b| b.is_ascii_digit()) => year,
        _ => {
            return Err(data_error(
                text,
                key.span().start,
                DataProblem::BadYear {
                    key: key_text.clone(),
                },
            ));
        }
    };
    let source = raw.source.get_ref().trim();
    if source.is_empty() {
        return Err(data_error(
            text,
            raw.source.span().start,
            DataProblem::Empty { field: "source" },
        ));
    }

    let belongs = |date: NaiveDate| belongs_to_year(date, year);

    let mut days_off = BTreeMap::new();
    for entry in &raw.days_off {
        for date in parse_dates(text, entry)? {
            if !belongs(date) {
                return Err(data_error(
                    text,
                    entry.span().start,
                    DataProblem::DateOutsideYear { date, year },
                ));
            }
            days_off.insert(date, entry.span());
        }
    }
    let mut makeup_workdays = BTreeMap::new();
    for entry in &raw.makeup_workdays {
        for date in parse_dates(text, entry)? {
            let problem = if !belongs(date) {
                Some(DataProblem::DateOutsideYear { date, year })
            } else if !is_weekend(date) {
                Some(DataProblem::MakeupNotWeekend {
                    date,
                    weekday: date.weekday(),
                })
            } else if days_off.contains_key(&date) {
                Some(DataProblem::Contradiction { date })
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(data_error(text, entry.span().start, problem));
            }
            makeup_workdays.insert(date, entry.span());
        }
    }

    Ok(ParsedYear {
        year,
        source: source.to_owned(),
        days_off,
        makeup_workdays,
    })
}

/// The dates of one entry: `YYYY-MM-DD` or the inclusive range `YYYY-MM-DD..YYYY-MM-DD`.
fn parse_dates(text: &str, entry: &Spanned<String>) -> Result<Vec<NaiveDate>, CalendarError> {
    let written = entry.get_ref().trim();
    let error = |problem| data_error(text, entry.span().start, problem);
    let bad_date = || {
        error(DataProblem::BadDate {
            text: written.to_owned(),
        })
    };
    let (first, last) = match written.split_once("..") {
        Some((first, last)) => (
            parse_date(first.trim()).ok_or_else(bad_date)?,
            parse_date(last.trim()).ok_or_else(bad_date)?,
        ),
        None => {
            let date = parse_date(written).ok_or_else(bad_date)?;
            (date, date)
        }
    };
    if last < first {
        return Err(error(DataProblem::ReversedRange {
            text: written.to_owned(),
        }));
    }
    if (last - first).num_days() >= i64::from(MAX_RANGE_DAYS) {
        return Err(error(DataProblem::RangeTooLong {
            text: written.to_owned(),
            max: MAX_RANGE_DAYS,
        }));
    }
    Ok(first.iter_days().take_while(|date| *date <= last).collect())
}

/// A strict `YYYY-MM-DD` (zero-padded, nothing else).
fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn data_error(text: &str, offset: usize, problem: DataProblem) -> CalendarError {
    CalendarError::Data {
        at: Some(location(text, offset)),
        problem,
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
fn location(text: &str, offset: usize) -> Location {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Location {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn china() -> Calendar {
        Calendar::china().unwrap()
    }

    fn data_line(error: CalendarError) -> usize {
        match error {
            CalendarError::Data { at: Some(at), .. } => at.line,
            other => panic!("expected a data error with a position, got {other:?}"),
        }
    }

    #[test]
    fn embedded_data_covers_2017_to_2026() {
        let calendar = china();
        assert_eq!(calendar.covered_years(), (2017..=2026).collect::<Vec<_>>());
        for year in 2017..=2026 {
            let source = calendar.source(year).unwrap();
            assert!(source.contains(&year.to_string()), "{source}");
        }
        assert_eq!(calendar.source(2016), None);
        assert_eq!(calendar.year_status(2016), YearStatus::Provisional);
        assert_eq!(calendar.local_days().count(), 0);
    }

    #[test]
    fn make_up_workdays_are_working_days_and_days_off_are_not() {
        let calendar = china();
        for year in calendar.covered_years() {
            let makeups = calendar.makeup_workdays(year).unwrap();
            assert!(!makeups.is_empty());
            for date in makeups {
                assert!(is_weekend(date), "{date} is a weekend");
                assert!(calendar.is_working_day(date).unwrap(), "{date} works");
            }
            let days_off = calendar.days_off(year).unwrap();
            assert!(!days_off.is_empty());
            for date in days_off {
                assert!(!calendar.is_working_day(date).unwrap(), "{date} is off");
            }
        }
    }

    #[test]
    fn reference_table_is_pinned() {
        let calendar = china();
        let makeups = |year| calendar.makeup_workdays(year).unwrap();
        let strs = |dates: Vec<NaiveDate>| dates.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            strs(makeups(2023)),
            [
                "2023-01-28",
                "2023-01-29",
                "2023-04-23",
                "2023-05-06",
                "2023-06-25",
                "2023-10-07",
                "2023-10-08"
            ]
        );
        assert_eq!(
            strs(makeups(2024)),
            [
                "2024-02-04",
                "2024-02-18",
                "2024-04-07",
                "2024-04-28",
                "2024-05-11",
                "2024-09-14",
                "2024-09-29",
                "2024-10-12"
            ]
        );
        assert_eq!(
            strs(makeups(2025)),
            [
                "2025-01-26",
                "2025-02-08",
                "2025-04-27",
                "2025-09-28",
                "2025-10-11"
            ]
        );
        assert_eq!(
            strs(makeups(2026)),
            [
                "2026-01-04",
                "2026-02-14",
                "2026-02-28",
                "2026-05-09",
                "2026-09-20",
                "2026-10-10"
            ]
        );
        let days_off_2023 = calendar.days_off(2023).unwrap();
        assert_eq!(days_off_2023.first(), Some(&d("2022-12-31")));
        assert_eq!(days_off_2023.len(), 3 + 7 + 1 + 5 + 3 + 8);
        assert_eq!(
            calendar.days_off(2024).unwrap().len(),
            1 + 8 + 3 + 5 + 1 + 3 + 7
        );
        assert_eq!(
            calendar.days_off(2025).unwrap().len(),
            1 + 8 + 3 + 5 + 3 + 8
        );
        assert_eq!(
            calendar.days_off(2026).unwrap().len(),
            3 + 9 + 3 + 5 + 3 + 3 + 7
        );
    }

    #[test]
    fn yearly_working_day_counts() {
        let calendar = china();
        assert_eq!(calendar.working_day_count(2023), Ok(249));
        assert_eq!(calendar.working_day_count(2024), Ok(251));
        assert_eq!(calendar.working_day_count(2025), Ok(248));
        assert_eq!(calendar.working_day_count(2026), Ok(248));
        // 2027, provisional: 261 weekdays; off on weekdays: 元旦 (Fri) 1, 春节 除夕 Fri and 初三
        // Mon plus two made up 4, 清明 (Mon) 1, 劳动节 two made up 2, 端午 1, 中秋 1, 国庆 Fri
        // plus two made up 3: 261 - 13 = 248.
        assert_eq!(calendar.working_day_count(2027), Ok(248));
        assert_eq!(
            calendar.working_day_count(1999),
            Err(CalendarError::OutOfRange {
                date: d("1999-01-01")
            })
        );
    }

    #[test]
    fn adding_working_days_across_national_day() {
        let calendar = china();
        assert_eq!(
            calendar.add_working_days(d("2023-09-28"), 5),
            Ok(d("2023-10-11"))
        );
        assert_eq!(
            calendar.add_working_days(d("2023-09-28"), 1),
            Ok(d("2023-10-07"))
        );
        assert_eq!(
            calendar.add_working_days(d("2023-09-28"), 0),
            Ok(d("2023-09-28"))
        );
        assert_eq!(
            calendar.add_working_days(d("2023-09-29"), 0),
            Ok(d("2023-10-07"))
        );
        assert_eq!(
            calendar.working_days_between(d("2023-09-28"), d("2023-10-11")),
            Ok(5)
        );
        assert_eq!(
            calendar.working_days_between(d("2023-10-11"), d("2023-09-28")),
            Ok(0)
        );
        assert_eq!(
            calendar.next_working_day_on_or_after(d("2024-02-10")),
            Ok(d("2024-02-18"))
        );
        // Across the year boundary, 2022-12-31 being listed: a Friday start works.
        assert_eq!(
            calendar.add_working_days(d("2022-12-30"), 1),
            Ok(d("2023-01-03"))
        );
    }

    #[test]
    fn years_without_a_notice_are_provisional_never_refused() {
        let calendar = china();
        assert_eq!(calendar.year_status(2027), YearStatus::Provisional);
        assert!(calendar.is_provisional(2027));
        assert!(!calendar.is_provisional(2026));
        // 2027-01-04 is a Monday: a working day; 2027-02-09 is made up for 春节's weekend.
        assert_eq!(calendar.is_working_day(d("2027-01-04")), Ok(true));
        assert_eq!(calendar.is_working_day(d("2027-02-09")), Ok(false));
        assert_eq!(calendar.is_working_day(d("2027-02-11")), Ok(true));
        // Across the year's end: 30 working days after 2026-12-20.
        let due = calendar.add_working_days(d("2026-12-20"), 30).unwrap();
        assert_eq!(due, d("2027-02-01"));
        assert_eq!(calendar.provisional_years(d("2026-12-20"), due), vec![2027]);
        assert!(
            calendar
                .provisional_years(d("2026-01-05"), d("2026-12-31"))
                .is_empty()
        );
        assert_eq!(
            calendar.provisional_years(d("2030-06-01"), d("2026-12-01")),
            vec![2027, 2028, 2029, 2030]
        );
        assert!(calendar.makeup_workdays(2027).unwrap().is_empty());
        assert!(calendar.days_off(2027).unwrap().contains(&d("2027-10-05")));
        // Leap day of a provisional year.
        assert_eq!(calendar.is_working_day(d("2028-02-29")), Ok(true));
        assert_eq!(
            calendar.add_working_days(d("2028-02-28"), 1),
            Ok(d("2028-02-29"))
        );
    }

    #[test]
    fn only_dates_outside_the_range_are_errors() {
        let calendar = china();
        let error = calendar.is_working_day(d("1999-12-31")).unwrap_err();
        assert_eq!(
            error,
            CalendarError::OutOfRange {
                date: d("1999-12-31")
            }
        );
        assert_eq!(
            error.to_string(),
            "1999-12-31 is outside the working-day calendar, which covers 2000-01-01 to 2100-12-31"
        );
        assert_eq!(
            error.message_zh(),
            "1999-12-31 超出工作日日历的范围：日历只涵盖 2000-01-01 至 2100-12-31"
        );
        assert_eq!(
            calendar.add_working_days(d("2100-12-30"), 5),
            Err(CalendarError::OutOfRange {
                date: d("2101-01-01")
            })
        );
        assert_eq!(calendar.year_status(2101), YearStatus::Unsupported);
    }

    #[test]
    fn warns_about_provisional_years_from_first_of_november() {
        let calendar = china();
        assert_eq!(calendar.check(d("2026-10-31")), vec![]);
        let warnings = calendar.check(d("2026-11-01"));
        assert_eq!(warnings, vec![CalendarWarning::Provisional { year: 2027 }]);
        assert_eq!(
            warnings[0].message_zh(),
            "2027 年的国务院节假日安排尚未录入：2027 年的工作日暂按法定节假日计算，待国务院通知发布后核定"
        );
        assert!(
            warnings[0]
                .to_string()
                .starts_with("the State Council's holiday notice for 2027")
        );
        assert_eq!(calendar.check(d("2025-12-31")), vec![]);
        assert_eq!(
            calendar.check(d("2027-03-01")),
            vec![CalendarWarning::Provisional { year: 2027 }]
        );
        let outlook = calendar.outlook(d("2026-12-01"));
        assert_eq!(
            outlook.iter().map(|y| y.year).collect::<Vec<_>>(),
            [2026, 2027, 2028]
        );
        assert!(matches!(
            outlook[0].status,
            YearStatus::Official {
                origin: NoticeOrigin::Shipped,
                ..
            }
        ));
        assert!(!outlook[0].needs_attention);
        assert_eq!(outlook[1].status, YearStatus::Provisional);
        assert_eq!(outlook[1].starts_in_days, 31);
        assert!(outlook[1].needs_attention);
        assert!(!outlook[2].needs_attention);
        assert!(
            !calendar
                .outlook(d("2026-10-31"))
                .iter()
                .any(|y| y.needs_attention)
        );

        let with_2027 = calendar
            .with_override("[years.2027]\nsource = \"test notice\"\ndays_off = [\"2027-01-01\"]\n")
            .unwrap();
        assert_eq!(with_2027.check(d("2026-11-01")), vec![]);
        assert_eq!(with_2027.covered_years(), (2017..=2027).collect::<Vec<_>>());
        assert_eq!(with_2027.is_working_day(d("2027-01-01")), Ok(false));
        assert_eq!(with_2027.is_working_day(d("2027-01-04")), Ok(true));
    }

    #[test]
    fn typhoon_day_off_shifts_deadlines() {
        let calendar = china();
        // 月后6日 from August 2024: Friday 2024-09-06.
        let rule = CalendarDeadline::DayOfNextMonth(6);
        assert_eq!(
            calendar.deadline(d("2024-08-20"), rule, true),
            Ok(d("2024-09-06"))
        );
        assert_eq!(
            calendar.add_working_days(d("2024-09-05"), 1),
            Ok(d("2024-09-06"))
        );

        let county = calendar
            .with_override(
                "# 本县覆盖文件\n\
                 [[days_off]]\n\
                 date = \"2024-09-06\"\n\
                 reason = \"台风停工\"\n\
                 \n\
                 [[working_days]]\n\
                 date = \"2024-09-08\"\n\
                 reason = \"补班\"\n",
            )
            .unwrap();
        assert_eq!(county.is_working_day(d("2024-09-06")), Ok(false));
        assert_eq!(county.is_working_day(d("2024-09-08")), Ok(true));
        assert_eq!(
            county.deadline(d("2024-08-20"), rule, true),
            Ok(d("2024-09-08"))
        );
        assert_eq!(
            county.deadline(d("2024-08-20"), rule, false),
            Ok(d("2024-09-06"))
        );
        assert_eq!(
            county.add_working_days(d("2024-09-05"), 1),
            Ok(d("2024-09-08"))
        );
        assert!(county.days_off(2024).unwrap().contains(&d("2024-09-06")));
        assert!(
            county
                .makeup_workdays(2024)
                .unwrap()
                .contains(&d("2024-09-08"))
        );
        assert_eq!(county.working_day_count(2024), Ok(251));
        let reasons: Vec<_> = county.local_days().map(|day| day.reason.as_str()).collect();
        assert_eq!(reasons, ["台风停工", "补班"]);

        // A later override may cancel a local day off; a local day can cancel a holiday.
        let later = county
            .with_override(
                "[[working_days]]\ndate = \"2024-09-06\"\nreason = \"撤销\"\n\
                 [[working_days]]\ndate = \"2024-10-07\"\nreason = \"抢险\"\n",
            )
            .unwrap();
        assert_eq!(later.is_working_day(d("2024-09-06")), Ok(true));
        assert_eq!(later.is_working_day(d("2024-10-07")), Ok(true));
        assert!(!later.days_off(2024).unwrap().contains(&d("2024-10-07")));
    }

    #[test]
    fn calendar_day_deadlines() {
        let calendar = china();
        let next5 = CalendarDeadline::DayOfNextMonth(5);
        // 2024-10-05 is in the National Day holiday; 10-06 and 10-07 too.
        assert_eq!(
            calendar.deadline(d("2024-09-20"), next5, false),
            Ok(d("2024-10-05"))
        );
        assert_eq!(
            calendar.deadline(d("2024-09-20"), next5, true),
            Ok(d("2024-10-08"))
        );
        // Across the year end: 2025-01-05 is a Sunday.
        assert_eq!(
            calendar.deadline(d("2024-12-10"), next5, true),
            Ok(d("2025-01-06"))
        );
        // Short months clamp.
        let next31 = CalendarDeadline::DayOfNextMonth(31);
        assert_eq!(
            calendar.deadline(d("2024-03-10"), next31, false),
            Ok(d("2024-04-30"))
        );
        assert_eq!(
            calendar.deadline(d("2024-01-31"), next31, false),
            Ok(d("2024-02-29"))
        );
        assert_eq!(
            calendar.deadline(d("2024-03-10"), CalendarDeadline::DayOfNextMonth(0), false),
            Err(CalendarError::InvalidDayOfMonth { day: 0 })
        );
        assert_eq!(
            calendar.deadline(d("2024-03-10"), CalendarDeadline::DayOfNextMonth(32), false),
            Err(CalendarError::InvalidDayOfMonth { day: 32 })
        );
        let end_month = CalendarDeadline::EndOfMonth;
        assert_eq!(
            calendar.deadline(d("2024-06-03"), end_month, false),
            Ok(d("2024-06-30"))
        );
        assert_eq!(
            calendar.deadline(d("2024-06-03"), end_month, true),
            Ok(d("2024-07-01"))
        );
        assert_eq!(
            calendar.deadline(d("2024-12-31"), end_month, false),
            Ok(d("2024-12-31"))
        );
        let end_quarter = CalendarDeadline::EndOfQuarter;
        assert_eq!(
            calendar.deadline(d("2025-08-15"), end_quarter, true),
            Ok(d("2025-09-30"))
        );
        assert_eq!(
            calendar.deadline(d("2024-02-10"), end_quarter, false),
            Ok(d("2024-03-31"))
        );
        assert_eq!(
            calendar.deadline(d("2024-02-10"), end_quarter, true),
            Ok(d("2024-04-01"))
        );
        assert_eq!(
            calendar.deadline(d("2024-11-01"), end_quarter, false),
            Ok(d("2024-12-31"))
        );
        // Without rolling, no data is needed.
        assert_eq!(
            calendar.deadline(d("2027-01-10"), end_month, false),
            Ok(d("2027-01-31"))
        );
        // Rolling in a provisional year: 2027-01-31 is a Sunday.
        assert_eq!(
            calendar.deadline(d("2027-01-10"), end_month, true),
            Ok(d("2027-02-01"))
        );
        assert_eq!(
            calendar.add_calendar_days(d("2024-02-27"), 3),
            Ok(d("2024-03-01"))
        );
        assert!(matches!(
            calendar.add_calendar_days(NaiveDate::MAX, 1),
            Err(CalendarError::DateOutOfRange { .. })
        ));
    }

    #[test]
    fn malformed_overrides_name_their_line() {
        let calendar = china();
        let cases: &[(&str, usize)] = &[
            // TOML syntax error.
            ("[[days_off]]\ndate = \"2024-09-06\nreason = \"x\"\n", 2),
            // Unknown field.
            (
                "[[days_off]]\ndate = \"2024-09-06\"\nreason = \"x\"\nwhy = 1\n",
                4,
            ),
            // Bad date.
            (
                "\n[[days_off]]\ndate = \"2024-9-6\"\nreason = \"台风\"\n",
                3,
            ),
            // Impossible date.
            (
                "[years.2027]\nsource = \"s\"\ndays_off = [\n  \"2027-02-30\",\n]\n",
                4,
            ),
            // Reversed range.
            (
                "[[days_off]]\nreason = \"x\"\ndate = \"2024-09-07..2024-09-06\"\n",
                3,
            ),
            // Range too long.
            (
                "[[days_off]]\nreason = \"x\"\ndate = \"2024-01-01..2024-12-31\"\n",
                3,
            ),
            // Empty reason.
            ("[[days_off]]\ndate = \"2024-09-06\"\nreason = \" \"\n", 3),
            // Missing reason: the table is named.
            ("\n\n[[days_off]]\ndate = \"2024-09-06\"\n", 3),
            // Make-up workday on a weekday.
            (
                "[years.2027]\nsource = \"s\"\nmakeup_workdays = [\"2027-01-05\"]\n",
                3,
            ),
            // Year key that is not a year.
            ("[years.20x7]\nsource = \"s\"\n", 1),
            // Date far outside its year.
            (
                "[years.2027]\nsource = \"s\"\ndays_off = [\"2027-01-01\", \"2028-05-01\"]\n",
                3,
            ),
            // Empty source.
            ("[years.2027]\n\nsource = \"\"\n", 3),
            // Same date off and working in one file.
            (
                "[[days_off]]\ndate = \"2024-09-06\"\nreason = \"a\"\n\
                 [[working_days]]\ndate = \"2024-09-05..2024-09-06\"\nreason = \"b\"\n",
                5,
            ),
            // Contradicts the 2023 table: 2022-12-31 is a 2023 day off.
            (
                "[years.2022]\nsource = \"s\"\nmakeup_workdays = [\"2022-12-31\"]\n",
                3,
            ),
        ];
        for (text, line) in cases {
            let error = calendar.clone().with_override(text).unwrap_err();
            assert!(!error.message_zh().is_empty());
            assert!(
                error.to_string().contains(&format!("line {line},")),
                "{text:?}: {error}"
            );
            assert_eq!(data_line(error), *line, "{text:?}");
        }

        let error = Calendar::from_toml("[[days_off]]\ndate = \"2024-9-6\"\nreason = \"台风\"\n")
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "calendar data, line 2, column 8: `2024-9-6` is not a date YYYY-MM-DD or a range \
             YYYY-MM-DD..YYYY-MM-DD"
        );
        assert_eq!(
            error.message_zh(),
            "日历数据第 2 行第 8 列：“2024-9-6”不是日期 YYYY-MM-DD，也不是日期范围 YYYY-MM-DD..YYYY-MM-DD"
        );
    }

    #[test]
    fn a_year_table_in_an_override_replaces_the_built_in_one() {
        let calendar = china()
            .with_override("[years.2025]\nsource = \"corrected\"\ndays_off = [\"2025-01-01\"]\n")
            .unwrap();
        assert_eq!(calendar.source(2025), Some("corrected"));
        assert_eq!(calendar.days_off(2025), Ok(vec![d("2025-01-01")]));
        assert_eq!(calendar.makeup_workdays(2025), Ok(vec![]));
        assert_eq!(calendar.is_working_day(d("2025-10-08")), Ok(true));
        // Replacing 2025 does not disturb the others.
        assert_eq!(calendar.working_day_count(2024), Ok(251));
        // Replacing 2023 without 2022-12-31 leaves that Saturday to its own year's rule.
        let calendar = calendar
            .with_override("[years.2023]\nsource = \"s\"\n")
            .unwrap();
        assert_eq!(calendar.is_working_day(d("2022-12-31")), Ok(false));
        assert_eq!(calendar.is_working_day(d("2023-01-02")), Ok(true));
    }

    #[test]
    fn location_counts_lines_and_characters() {
        assert_eq!(location("ab\n台风x", 9), Location { line: 2, column: 3 });
        assert_eq!(location("ab", 99), Location { line: 1, column: 3 });
        assert_eq!(location("台", 1), Location { line: 1, column: 1 });
    }

    proptest! {
        #[test]
        fn add_working_days_agrees_with_working_days_between(offset in 0u32..1096, n in 0u32..40) {
            let calendar = china();
            let start = d("2023-01-01") + Days::new(u64::from(offset));
            let result = calendar.add_working_days(start, n).unwrap();
            prop_assert!(calendar.is_working_day(result).unwrap());
            if n == 0 {
                // Documented: the same day if it is a working day, else the next working day.
                prop_assert!(result >= start);
                prop_assert_eq!(result == start, calendar.is_working_day(start).unwrap());
                prop_assert_eq!(calendar.working_days_between(start, result).unwrap(),
                                u32::from(result != start));
            } else {
                prop_assert!(result > start);
                prop_assert_eq!(calendar.working_days_between(start, result).unwrap(), n);
                let before = result.pred_opt().unwrap();
                prop_assert_eq!(calendar.working_days_between(start, before).unwrap(), n - 1);
            }
        }
    }
}
