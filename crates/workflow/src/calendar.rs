//! Working-day calendar of mainland China: weekends, statutory days off and the weekend make-up
//! workdays (调休) that the State Council announces each year, plus a county's local adjustments.
//!
//! The dates cannot be computed from rules, so they come from data: `data/calendar/cn.toml`,
//! embedded at build time (see [`Calendar::china`]), optionally extended by a county's override
//! file (see [`Calendar::with_override`]). A date whose year has no data is never guessed: every
//! query that needs it fails with [`CalendarError::YearNotCovered`].
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
//! # statutory data and over earlier overrides, but do not make an uncovered year covered.
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
//! previous year or January of the next (2022-12-31 belongs to the 2023 New Year holiday, yet 2022
//! as a whole has no data). Errors in a file name the line and column of the offending entry.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;
use toml::Spanned;

/// The embedded data file with mainland China's official days off and make-up workdays.
const CHINA_TOML: &str = include_str!("../data/calendar/cn.toml");

/// Longest accepted `A..B` range, in days (inclusive): holidays are at most nine days long, and a
/// longer range is far more likely a typo than a real arrangement.
pub const MAX_RANGE_DAYS: u32 = 31;

/// A working-day calendar: which dates are working days (工作日).
///
/// A date is a working day when a local adjustment says so; otherwise when a year table lists it
/// as a make-up workday; otherwise when it is Monday to Friday and not listed as a day off. A date
/// is *covered* (its status is known) when its year has a table, or when a table lists it
/// explicitly; every query about an uncovered date fails with
/// [`CalendarError::YearNotCovered`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Calendar {
    /// One table per covered year, as published.
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
    days_off: BTreeSet<NaiveDate>,
    makeup_workdays: BTreeSet<NaiveDate>,
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
    /// The calendar has no data for this year, so whether its days are working days is unknown.
    #[error(
        "no holiday data for {year}: add the State Council's notice for {year} to the calendar \
         (an override file) before counting working days in it"
    )]
    YearNotCovered {
        /// The year without data.
        year: i32,
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
            Self::YearNotCovered { year } => format!(
                "{year} 年的节假日安排尚未录入：请先把国务院公布的 {year} 年安排加入日历覆盖文件，再计算该年的工作日"
            ),
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

/// Something an administrator should fix in the calendar data soon; not an error yet.
/// `Display` is English; [`CalendarWarning::message_zh`] gives the Chinese text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CalendarWarning {
    /// It is 1 November or later and next year's notice has not been added.
    NextYearMissing {
        /// Next year.
        year: i32,
    },
    /// Today's own year has no data: working-day deadlines cannot be computed at all.
    CurrentYearMissing {
        /// This year.
        year: i32,
    },
}

impl CalendarWarning {
    /// The warning in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Self::NextYearMissing { year } => {
                format!("{year} 年的节假日安排尚未录入：请在国务院公布后加入 calendar 覆盖文件")
            }
            Self::CurrentYearMissing { year } => format!(
                "今年（{year} 年）的节假日安排尚未录入：工作日期限无法计算，请尽快加入 calendar 覆盖文件"
            ),
        }
    }

    /// The warning in English (the same text as `Display`).
    pub fn message_en(&self) -> String {
        match self {
            Self::NextYearMissing { year } => format!(
                "no holiday data for {year} yet: add it once the State Council publishes it"
            ),
            Self::CurrentYearMissing { year } => format!(
                "no holiday data for this year ({year}): working-day deadlines cannot be computed; \
                 add it to the calendar override file now"
            ),
        }
    }
}

impl fmt::Display for CalendarWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl Calendar {
    /// A calendar without any data: every query that needs a date's status fails with
    /// [`CalendarError::YearNotCovered`]. Mostly a starting point for [`Calendar::with_override`].
    pub fn empty() -> Calendar {
        Calendar::default()
    }

    /// Mainland China's calendar from the embedded `data/calendar/cn.toml` (2023–2026, plus
    /// 2022-12-31). Fails only if the embedded file is broken, which the tests rule out.
    pub fn china() -> Result<Calendar, CalendarError> {
        Calendar::from_toml(CHINA_TOML)
    }

    /// A calendar from TOML text in the format described in the [module docs](self); errors name
    /// the offending line.
    pub fn from_toml(text: &str) -> Result<Calendar, CalendarError> {
        Calendar::empty().with_override(text)
    }

    /// This calendar with an override file applied (format in the [module docs](self)).
    ///
    /// A `[years.YYYY]` table adds that year or replaces this calendar's table for it entirely;
    /// `[[days_off]]` and `[[working_days]]` entries are local adjustments that win over the year
    /// tables and over earlier overrides' adjustments of the same dates. Fails, naming the line,
    /// on malformed text, invalid entries, or a year table contradicting another year's table.
    pub fn with_override(mut self, text: &str) -> Result<Calendar, CalendarError> {
        let parsed = parse_file(text)?;

        for table in &parsed.years {
            self.years.remove(&table.year);
        }
        // The kept tables were consistent with each other when they were loaded.
        let mut listed = BTreeMap::new();
        for table in self.years.values() {
            listed.extend(table.days_off.iter().map(|date| (*date, false)));
            listed.extend(table.makeup_workdays.iter().map(|date| (*date, true)));
        }
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

    /// The years that have a table (a published notice), ascending.
    pub fn covered_years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// The `source` line of the year's table (which notice, published when), if the year is covered.
    pub fn source(&self, year: i32) -> Option<&str> {
        self.years.get(&year).map(|table| table.source.as_str())
    }

    /// The local adjustments loaded from override files, by date.
    pub fn local_days(&self) -> impl Iterator<Item = &LocalDay> {
        self.local.values()
    }

    /// Whether `date` is a working day. Errors with `YearNotCovered` when the date's year has no
    /// table and no table lists the date itself.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        if !self.years.contains_key(&date.year()) && !self.listed.contains_key(&date) {
            return Err(CalendarError::YearNotCovered { year: date.year() });
        }
        if let Some(local) = self.local.get(&date) {
            return Ok(local.kind == LocalDayKind::WorkingDay);
        }
        if let Some(&working) = self.listed.get(&date) {
            return Ok(working);
        }
        Ok(!is_weekend(date))
    }

    /// The `n`th working day after `date` (5 working days after 2023-09-28 is 2023-10-11); `date`
    /// itself does not count, whether or not it is a working day. For `n == 0`: `date` itself if
    /// it is a working day, else the next working day (as [`Self::next_working_day_on_or_after`]).
    /// For `n >= 1` the result is strictly after `date` and
    /// `working_days_between(date, result) == n`. Errors if a date that must be examined is not
    /// covered.
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
    /// `working_days_between(due, today)`. Errors if a date in the interval is not covered.
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

    /// `date` if it is a working day, else the first working day after it. Errors if a date that
    /// must be examined is not covered.
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
    /// deadline that falls on a day off moves to the next working day (which needs data for the
    /// deadline's year); without it, no calendar data is needed.
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

    /// The days off of `year`: the days off listed in the year's notice (which may include a date
    /// of the neighbouring year, such as 2022-12-31 for 2023) and the local days off dated in
    /// `year`, minus dates a local adjustment made working days; sorted. Ordinary weekends are not
    /// included. Errors with `YearNotCovered` when the year has no table.
    pub fn days_off(&self, year: i32) -> Result<Vec<NaiveDate>, CalendarError> {
        self.adjusted_list(year, LocalDayKind::DayOff)
    }

    /// The make-up workdays of `year`: those of the year's notice and the local extra working days
    /// dated in `year`, minus dates a local adjustment made days off; sorted. Errors with
    /// `YearNotCovered` when the year has no table.
    pub fn makeup_workdays(&self, year: i32) -> Result<Vec<NaiveDate>, CalendarError> {
        self.adjusted_list(year, LocalDayKind::WorkingDay)
    }

    /// The number of working days from 1 January to 31 December of `year` (2023: 249, 2024: 251,
    /// 2025: 248, 2026: 248). Errors with `YearNotCovered` when the year has no table.
    pub fn working_day_count(&self, year: i32) -> Result<u32, CalendarError> {
        let (first, last) = self.year_bounds(year)?;
        let mut count = u32::from(self.is_working_day(first)?);
        count += self.working_days_between(first, last)?;
        Ok(count)
    }

    /// Warnings about missing data as of `today`: [`CalendarWarning::CurrentYearMissing`] when
    /// today's year has no table, and [`CalendarWarning::NextYearMissing`] from 1 November on when
    /// next year has none. Empty when all is well.
    pub fn check(&self, today: NaiveDate) -> Vec<CalendarWarning> {
        let mut warnings = Vec::new();
        let year = today.year();
        if !self.years.contains_key(&year) {
            warnings.push(CalendarWarning::CurrentYearMissing { year });
        }
        if today.month() >= 11 && !self.years.contains_key(&(year + 1)) {
            warnings.push(CalendarWarning::NextYearMissing { year: year + 1 });
        }
        warnings
    }

    fn year_bounds(&self, year: i32) -> Result<(NaiveDate, NaiveDate), CalendarError> {
        if !self.years.contains_key(&year) {
            return Err(CalendarError::YearNotCovered { year });
        }
        match (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) {
            (Some(first), Some(last)) => Ok((first, last)),
            _ => Err(CalendarError::YearNotCovered { year }),
        }
    }

    fn adjusted_list(
        &self,
        year: i32,
        kind: LocalDayKind,
    ) -> Result<Vec<NaiveDate>, CalendarError> {
        let table = self
            .years
            .get(&year)
            .ok_or(CalendarError::YearNotCovered { year })?;
        let statutory = match kind {
            LocalDayKind::DayOff => &table.days_off,
            LocalDayKind::WorkingDay => &table.makeup_workdays,
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

    let belongs = |date: NaiveDate| {
        date.year() == year
            || (date.year() == year - 1 && date.month() == 12)
            || (date.year() == year + 1 && date.month() == 1)
    };

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
    fn embedded_data_covers_2023_to_2026() {
        let calendar = china();
        assert_eq!(calendar.covered_years(), vec![2023, 2024, 2025, 2026]);
        for year in 2023..=2026 {
            let source = calendar.source(year).unwrap();
            assert!(source.contains(&year.to_string()), "{source}");
        }
        assert_eq!(calendar.source(2022), None);
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
        assert_eq!(
            calendar.working_day_count(2027),
            Err(CalendarError::YearNotCovered { year: 2027 })
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
    fn uncovered_years_are_errors_never_guesses() {
        let calendar = china();
        assert_eq!(
            calendar.is_working_day(d("2027-01-04")),
            Err(CalendarError::YearNotCovered { year: 2027 })
        );
        assert_eq!(
            calendar.is_working_day(d("2022-06-01")),
            Err(CalendarError::YearNotCovered { year: 2022 })
        );
        assert_eq!(
            calendar.is_working_day(d("2022-12-30")),
            Err(CalendarError::YearNotCovered { year: 2022 })
        );
        assert_eq!(calendar.is_working_day(d("2022-12-31")), Ok(false));
        assert_eq!(
            calendar.add_working_days(d("2026-12-20"), 30),
            Err(CalendarError::YearNotCovered { year: 2027 })
        );
        assert_eq!(
            calendar.days_off(2022),
            Err(CalendarError::YearNotCovered { year: 2022 })
        );
        let error = CalendarError::YearNotCovered { year: 2027 };
        assert!(error.to_string().starts_with("no holiday data for 2027"));
        assert!(
            error
                .message_zh()
                .starts_with("2027 年的节假日安排尚未录入")
        );
    }

    #[test]
    fn warns_from_first_of_november_when_next_year_is_missing() {
        let calendar = china();
        assert_eq!(calendar.check(d("2026-10-31")), vec![]);
        let warnings = calendar.check(d("2026-11-01"));
        assert_eq!(
            warnings,
            vec![CalendarWarning::NextYearMissing { year: 2027 }]
        );
        assert_eq!(
            warnings[0].message_zh(),
            "2027 年的节假日安排尚未录入：请在国务院公布后加入 calendar 覆盖文件"
        );
        assert_eq!(
            warnings[0].to_string(),
            "no holiday data for 2027 yet: add it once the State Council publishes it"
        );
        assert_eq!(calendar.check(d("2025-12-31")), vec![]);
        assert_eq!(
            calendar.check(d("2027-03-01")),
            vec![CalendarWarning::CurrentYearMissing { year: 2027 }]
        );

        let with_2027 = calendar
            .with_override("[years.2027]\nsource = \"test notice\"\ndays_off = [\"2027-01-01\"]\n")
            .unwrap();
        assert_eq!(with_2027.check(d("2026-11-01")), vec![]);
        assert_eq!(
            with_2027.covered_years(),
            vec![2023, 2024, 2025, 2026, 2027]
        );
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
        assert_eq!(
            calendar.deadline(d("2027-01-10"), end_month, true),
            Err(CalendarError::YearNotCovered { year: 2027 })
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
        // Replacing 2023 without 2022-12-31 makes that date uncovered again.
        let calendar = calendar
            .with_override("[years.2023]\nsource = \"s\"\n")
            .unwrap();
        assert_eq!(
            calendar.is_working_day(d("2022-12-31")),
            Err(CalendarError::YearNotCovered { year: 2022 })
        );
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
