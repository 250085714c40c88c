//! The State Council's yearly holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知), read
//! from its own plain text, so that officers can load next year's working-day calendar the day
//! the notice is published.
//!
//! [`parse_notice`] reads the numbered items of a notice:
//!
//! ```text
//! 国务院办公厅关于2026年部分节假日安排的通知
//! …
//! 一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
//! 二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
//! …
//! ```
//!
//! and refuses a text that contradicts itself, naming the line: a stated weekday that is not the
//! date's, a stated count (共N天) that is not the length of the range, an impossible date, a
//! reversed range, a make-up workday on a weekday, a date both off and working, a date outside
//! the notice's year and its neighbouring December and January. [`Notice::to_toml`] turns the
//! result into a `[years.YYYY]` table in the format of `data/calendar/cn.toml`, which
//! [`Calendar::from_toml`](crate::calendar::Calendar::from_toml) and
//! [`Calendar::with_override`](crate::calendar::Calendar::with_override) accept.
//!
//! A notice that changes an earlier one — 国务院办公厅关于调整2019年劳动节假期安排的通知,
//! 国务院办公厅关于延长2020年春节假期的通知 — is applied to the year's notice with
//! [`Notice::amend`].
//!
//! # What is read
//!
//! - Full-width and half-width punctuation alike (（）/(), ：/:, ，/, and 。/.), full-width
//!   digits, blank lines, leading and inner whitespace.
//! - The year comes from the title (关于2027年部分节假日安排的通知) or from the caller's hint; a
//!   date without a year belongs to the notice's year unless the text names another (2022年12月31日
//!   至2023年1月2日). A range's end may omit the year and month (至3日) or the year (至2月2日).
//! - A holiday line is an item `一、元旦：…` (numbered, or unnumbered when the name is a known
//!   holiday such as 春节 or 中秋节、国庆节). Its clauses say 放假 / 放假调休 (days off), 补休 (an
//!   extra day off), 上班 (make-up workdays), 共N天 / 放假N天 (the count), 与周末连休 / 不调休
//!   (nothing to add: an ordinary weekend is off anyway).
//! - A date may carry a note in parentheses: （星期六）, （周日）, （农历腊月二十八、周日）. The
//!   weekday is checked; the lunar date is not.
//! - Every other line (title, document number, addressees, preamble, closing paragraph,
//!   signature, date) is ignored, and so is a sentence of a holiday line that neither gives nor
//!   takes a day (鼓励各单位……安排职工在除夕（2月9日）休息), though its dates must still be real.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::calendar::MAX_RANGE_DAYS;

/// Longest excerpt of the offending line kept in a [`NoticeError`], in characters.
pub const EXCERPT_CHARS: usize = 100;

/// How many non-blank lines at the top of a text may hold the title (a pasted text may start
/// with the issuing office or the document number).
const TITLE_LINES: usize = 3;

/// Holidays a line may name without a number in front (`元旦：…` as well as `一、元旦：…`).
const KNOWN_HOLIDAYS: [&str; 7] = [
    "元旦",
    "春节",
    "清明节",
    "劳动节",
    "端午节",
    "中秋节",
    "国庆节",
];

/// A parsed notice: its year and, in the order written, the holidays it arranges.
///
/// A `Notice` returned by [`parse_notice`] or [`Notice::amend`] has passed every check of the
/// [module docs](self): at least one holiday, every date real and within the year (or the
/// neighbouring December and January), no date both off and working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The year the notice arranges (2026 for 关于2026年部分节假日安排的通知).
    pub year: i32,
    /// The title line as written (trimmed), if the text starts with one.
    pub title: Option<String>,
    /// The holidays, in the order of the text.
    pub holidays: Vec<NoticeHoliday>,
}

/// One holiday item of a notice (二、春节：…), as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeHoliday {
    /// The 1-based line of the item in the text it was read from: the notice's, or the amending
    /// notice's when [`amended_by`](Self::amended_by) is set.
    pub line: usize,
    /// The holiday's name as written before the colon: 元旦, 春节, 中秋节、国庆节 …
    pub name: String,
    /// Inclusive ranges of days off, in the order written; a one-day holiday or a 补休 day is a
    /// range from a date to itself. Each range is in order (start ≤ end) and at most
    /// [`MAX_RANGE_DAYS`] long. Never empty.
    pub days_off: Vec<(NaiveDate, NaiveDate)>,
    /// The count the item states (共N天 or 放假N天), if any. When stated it equals the number of
    /// calendar days from the first day off to the last, inclusive.
    pub stated_days: Option<u32>,
    /// The weekend days the item makes working days (…上班), in the order written; each is a
    /// Saturday or a Sunday.
    pub makeup_workdays: Vec<NaiveDate>,
    /// The title of the amending notice that last changed this holiday, if any (see
    /// [`Notice::amend`]).
    pub amended_by: Option<String>,
}

/// A refused notice: where, and what is wrong.
///
/// `Display` is English (`line 5: …`); [`NoticeError::message_zh`] gives the same in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message_en())]
pub struct NoticeError {
    /// The 1-based line of the offending text; 0 when the problem is the text as a whole (no
    /// holiday line at all, no year anywhere).
    pub line: usize,
    /// The offending line, trimmed, cut to at most [`EXCERPT_CHARS`] characters; empty when
    /// `line` is 0.
    pub excerpt: String,
    /// What is wrong.
    pub problem: NoticeProblem,
}

/// What is wrong with a notice's text. `Display` is English; [`NoticeProblem::message_zh`] gives
/// the Chinese text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoticeProblem {
    /// Neither the title (关于YYYY年…的通知) nor the caller gives the year.
    #[error(
        "no year: the title does not name one (关于YYYY年部分节假日安排的通知) and none was given"
    )]
    NoYear,
    /// The title's year and the year the caller gave differ.
    #[error("the title names {title} but the year given is {given}")]
    YearMismatch {
        /// The year in the title.
        title: i32,
        /// The year the caller gave.
        given: i32,
    },
    /// No holiday line in the whole text.
    #[error("no holiday line found (such as “一、元旦：1月1日放假，共1天。”)")]
    NoHolidays,
    /// A holiday line without any date.
    #[error("the holiday line gives no date")]
    NoDate,
    /// A holiday line whose dates are all make-up workdays or asides: no day off.
    #[error("the holiday line gives no day off (放假)")]
    NoDayOff,
    /// A day, month and year that make no date (2月30日).
    #[error("{year}年{month}月{day}日 is not a real date")]
    InvalidDate {
        /// The year (written or implied).
        year: i32,
        /// The month as written.
        month: u32,
        /// The day as written.
        day: u32,
    },
    /// A date without its month (3日 not preceded by a date of the same range).
    #[error("“{text}” is not a complete date: the month is missing")]
    IncompleteDate {
        /// The date as written.
        text: String,
    },
    /// A range that ends before it starts.
    #[error("the range {start} to {end} ends before it starts")]
    ReversedRange {
        /// The first day written.
        start: NaiveDate,
        /// The last day written.
        end: NaiveDate,
    },
    /// A range longer than [`MAX_RANGE_DAYS`] days, which the calendar refuses.
    #[error("the range {start} to {end} is longer than {max} days")]
    RangeTooLong {
        /// The first day.
        start: NaiveDate,
        /// The last day.
        end: NaiveDate,
        /// The limit, [`MAX_RANGE_DAYS`].
        max: u32,
    },
    /// A weekday in parentheses that is not the date's.
    #[error("{date} is stated as a {} but is a {}", weekday_en(*.stated), weekday_en(*.actual))]
    WeekdayMismatch {
        /// The date.
        date: NaiveDate,
        /// The weekday the text states.
        stated: Weekday,
        /// The date's real weekday.
        actual: Weekday,
    },
    /// A note in parentheses that starts like a weekday (周…, 星期…) but is none.
    #[error("“{text}” is not a day of the week")]
    UnknownWeekday {
        /// The note as written.
        text: String,
    },
    /// A stated count (共N天, 放假N天) other than the number of days from the first day off to
    /// the last.
    #[error("the line states {stated} days (共{stated}天) but its days off span {counted} days")]
    CountMismatch {
        /// The count the text states.
        stated: u32,
        /// Calendar days from the first day off to the last, inclusive.
        counted: u32,
    },
    /// A make-up workday (上班) on Monday to Friday.
    #[error("make-up workday {date} is a {}, not a Saturday or Sunday", weekday_en(*.weekday))]
    MakeupNotWeekend {
        /// The date.
        date: NaiveDate,
        /// Its day of the week.
        weekday: Weekday,
    },
    /// A date that is both a day off and a working day (on this line or against an earlier one).
    #[error("{date} is both a day off and a working day")]
    OffAndWorking {
        /// The date.
        date: NaiveDate,
    },
    /// A date outside the notice's year, beyond the neighbouring December and January.
    #[error("{date} cannot belong to the notice for {year}")]
    DateOutsideYear {
        /// The date.
        date: NaiveDate,
        /// The notice's year.
        year: i32,
    },
    /// One clause saying both 放假 (off) and 上班 (working), so its dates are ambiguous.
    #[error("one clause says both 放假 (day off) and 上班 (working day)")]
    MixedClause,
    /// [`parse_notice`] was given a notice that changes an earlier one (关于调整… / 关于延长…).
    #[error(
        "this notice amends the year's notice (调整/延长): load the year's notice first, then apply this one to it"
    )]
    IsAmendment,
    /// [`Notice::amend`] was given a text whose title is not that of an amending notice.
    #[error("this is not an amending notice (关于调整YYYY年…的通知 or 关于延长YYYY年…的通知)")]
    NotAmendment,
    /// An amending notice for another year than the notice it is applied to.
    #[error("this notice amends {amendment}, not {notice}")]
    AmendmentYear {
        /// The year of the notice being amended.
        notice: i32,
        /// The year the amending notice names.
        amendment: i32,
    },
    /// An amending notice naming a holiday the year's notice does not arrange.
    #[error("the notice being amended has no holiday named {name}")]
    UnknownHoliday {
        /// The holiday the amending notice names.
        name: String,
    },
    /// An extension (延长…至D) whose new last day is not after the holiday's last day off.
    #[error("the extension to {new_end} does not go beyond the holiday's last day off {end}")]
    ExtensionNotLater {
        /// The holiday's last day off before the extension.
        end: NaiveDate,
        /// The new last day the extension names.
        new_end: NaiveDate,
    },
    /// The day work resumes (…起正常上班) is not after the extended holiday's last day.
    #[error("work resumes on {resume}, which is not after the holiday's last day {end}")]
    ResumeNotAfterEnd {
        /// The day work resumes.
        resume: NaiveDate,
        /// The extended holiday's last day.
        end: NaiveDate,
    },
}

impl NoticeProblem {
    /// The problem in Chinese; same content as the English `Display`.
    pub fn message_zh(&self) -> String {
        match self {
            Self::NoYear => {
                "无法确定年份：标题未写明年份（关于YYYY年部分节假日安排的通知），也未另行指定"
                    .into()
            }
            Self::YearMismatch { title, given } => {
                format!("标题写明 {title} 年，但指定的年份是 {given} 年")
            }
            Self::NoHolidays => "没有找到节假日条目（如“一、元旦：1月1日放假，共1天。”）".into(),
            Self::NoDate => "节假日条目没有写明日期".into(),
            Self::NoDayOff => "节假日条目没有写明放假日期".into(),
            Self::InvalidDate { year, month, day } => {
                format!("{year}年{month}月{day}日不是有效日期")
            }
            Self::IncompleteDate { text } => format!("“{text}”不是完整的日期：缺少月份"),
            Self::ReversedRange { start, end } => {
                format!("日期范围 {start} 至 {end} 的结束早于开始")
            }
            Self::RangeTooLong { start, end, max } => {
                format!("日期范围 {start} 至 {end} 超过 {max} 天")
            }
            Self::WeekdayMismatch {
                date,
                stated,
                actual,
            } => format!(
                "{date} 标注为{}，实际是{}",
                weekday_zh(*stated),
                weekday_zh(*actual)
            ),
            Self::UnknownWeekday { text } => format!("“{text}”不是星期几"),
            Self::CountMismatch { stated, counted } => {
                format!("写明共{stated}天，但放假日期首尾共计{counted}天")
            }
            Self::MakeupNotWeekend { date, weekday } => format!(
                "调休上班日 {date} 是{}，不是周六或周日",
                weekday_zh(*weekday)
            ),
            Self::OffAndWorking { date } => format!("{date} 既是放假日又是上班日"),
            Self::DateOutsideYear { date, year } => {
                format!("{date} 不可能属于 {year} 年的节假日安排")
            }
            Self::MixedClause => "同一分句既写放假又写上班，日期含义不明".into(),
            Self::IsAmendment => {
                "这是调整（或延长）当年安排的通知：请先载入当年的节假日安排通知，再在其上应用本通知"
                    .into()
            }
            Self::NotAmendment => {
                "这不是调整或延长假期的通知（关于调整YYYY年……的通知、关于延长YYYY年……的通知）"
                    .into()
            }
            Self::AmendmentYear { notice, amendment } => {
                format!("本通知调整的是 {amendment} 年的安排，不是 {notice} 年的")
            }
            Self::UnknownHoliday { name } => format!("被调整的通知中没有“{name}”"),
            Self::ExtensionNotLater { end, new_end } => {
                format!("延长至 {new_end} 并未晚于原假期最后一天 {end}")
            }
            Self::ResumeNotAfterEnd { resume, end } => {
                format!("恢复上班的日期 {resume} 不晚于假期最后一天 {end}")
            }
        }
    }
}

impl NoticeError {
    /// The error in English, as `Display` shows it: `line 5: … (“excerpt”)`, or `notice: …` for
    /// a problem of the whole text.
    pub fn message_en(&self) -> String {
        if self.line == 0 {
            format!("notice: {}", self.problem)
        } else {
            format!("line {}: {} (“{}”)", self.line, self.problem, self.excerpt)
        }
    }

    /// The error in Chinese, for officers' screens: `第5行：……（“excerpt”）`; same content as
    /// the English `Display`.
    pub fn message_zh(&self) -> String {
        if self.line == 0 {
            format!("通知：{}", self.problem.message_zh())
        } else {
            format!(
                "第{}行：{}（“{}”）",
                self.line,
                self.problem.message_zh(),
                self.excerpt
            )
        }
    }
}

/// Parses a holiday notice's plain text (see the [module docs](self) for what is read and
/// checked).
///
/// `year_hint` gives the year when the text has no title naming it; when both are present they
/// must agree. On success the notice's holidays are in the order written and have passed every
/// check; on failure the error names the 1-based line (0 for the text as a whole) and carries
/// an excerpt of it.
pub fn parse_notice(text: &str, year_hint: Option<i32>) -> Result<Notice, NoticeError> {
    let lines = Lines::new(text);
    let header = lines.header();
    if header.kind != Kind::Arrangement {
        return Err(lines.error(header.title_line, NoticeProblem::IsAmendment));
    }
    let year = match (header.year, year_hint) {
        (Some(title), Some(given)) if title != given => {
            return Err(lines.error(
                header.title_line,
                NoticeProblem::YearMismatch { title, given },
            ));
        }
        (Some(year), _) | (None, Some(year)) => year,
        (None, None) => return Err(lines.error(header.title_line, NoticeProblem::NoYear)),
    };

    let mut ledger = Ledger::default();
    let mut holidays = Vec::new();
    for (number, line) in lines.numbered() {
        if Some(number) == header.title_line {
            continue;
        }
        let Some((name, body)) = holiday_item(line) else {
            continue;
        };
        let item = parse_body(&body, year).map_err(|problem| lines.error(Some(number), problem))?;
        let holiday = item
            .into_holiday(number, name, None)
            .map_err(|problem| lines.error(Some(number), problem))?;
        ledger
            .record(&holiday)
            .map_err(|problem| lines.error(Some(number), problem))?;
        holidays.push(holiday);
    }
    if holidays.is_empty() {
        return Err(lines.error(None, NoticeProblem::NoHolidays));
    }
    Ok(Notice {
        year,
        title: header.title,
        holidays,
    })
}

impl Notice {
    /// Every date of every day-off range, sorted (a date of the neighbouring December or January
    /// included, such as 2022-12-31 for 2023). Ordinary weekends next to a holiday
    /// (与周末连休) are not listed: they are off anyway.
    pub fn days_off(&self) -> BTreeSet<NaiveDate> {
        self.holidays
            .iter()
            .flat_map(|holiday| holiday.days_off.iter())
            .flat_map(|&(start, end)| start.iter_days().take_while(move |day| *day <= end))
            .collect()
    }

    /// Every make-up workday, sorted.
    pub fn makeup_workdays(&self) -> BTreeSet<NaiveDate> {
        self.holidays
            .iter()
            .flat_map(|holiday| holiday.makeup_workdays.iter().copied())
            .collect()
    }

    /// This notice as a `[years.YYYY]` table in the format of `data/calendar/cn.toml`:
    /// `source` (the given text, e.g. "国务院办公厅关于2027年部分节假日安排的通知，2026-11-xx"),
    /// `days_off` and `makeup_workdays`, one line per holiday with its name as a comment.
    /// Adjacent or overlapping ranges of one holiday are merged (元旦 1月1日放假 + 1月2日补休 is
    /// "2017-01-01..2017-01-02"). The text is accepted by
    /// [`Calendar::from_toml`](crate::calendar::Calendar::from_toml) for any notice this module
    /// returned, provided `source` is not blank.
    pub fn to_toml(&self, source: &str) -> String {
        let date = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let mut off_rows = Vec::new();
        let mut work_rows = Vec::new();
        for holiday in &self.holidays {
            let comment = match &holiday.amended_by {
                Some(title) => format!("{}（{title}）", holiday.name),
                None => holiday.name.clone(),
            };
            let ranges = merged(&holiday.days_off);
            if !ranges.is_empty() {
                let entries: Vec<String> = ranges
                    .iter()
                    .map(|&(start, end)| {
                        if start == end {
                            format!("\"{}\"", date(start))
                        } else {
                            format!("\"{}..{}\"", date(start), date(end))
                        }
                    })
                    .collect();
                off_rows.push((entries.join(", "), comment.clone()));
            }
            let mut workdays = holiday.makeup_workdays.clone();
            workdays.sort();
            workdays.dedup();
            if !workdays.is_empty() {
                let entries: Vec<String> = workdays
                    .iter()
                    .map(|&d| format!("\"{}\"", date(d)))
                    .collect();
                work_rows.push((entries.join(", "), comment));
            }
        }
        let mut out = format!("[years.{}]\nsource = {}\n", self.year, toml_string(source));
        out.push_str(&toml_array("days_off", &off_rows));
        out.push_str(&toml_array("makeup_workdays", &work_rows));
        out
    }

    /// This notice with an amending notice applied: 关于调整YYYY年<节>假期安排的通知 replaces the
    /// named holiday's days off, count and make-up workdays by those of its items
    /// (一、2019年5月1日至4日放假调休，共4天。4月28日（星期日）、5月5日（星期日）上班。);
    /// 关于延长YYYY年<节>假期的通知 extends the holiday's last range to the day named in
    /// 延长…假期至D（…），E起正常上班 and cancels the make-up workdays that fall inside, leaving the
    /// count unstated.
    ///
    /// The amending notice's year (from its title) must be this notice's year, and the holiday it
    /// names must be one of this notice's (中秋节、国庆节 counts for 国庆节). Its items pass the same
    /// checks as a notice's, and the result must still have no date both off and working. The
    /// changed holiday records the amending notice's title in
    /// [`amended_by`](NoticeHoliday::amended_by) and its line in `line`; errors name lines of
    /// the amending text.
    pub fn amend(&self, text: &str) -> Result<Notice, NoticeError> {
        let lines = Lines::new(text);
        let header = lines.header();
        let (Some(title), Some(target)) = (&header.title, &header.target) else {
            return Err(lines.error(header.title_line, NoticeProblem::NotAmendment));
        };
        if header.kind == Kind::Arrangement {
            return Err(lines.error(header.title_line, NoticeProblem::NotAmendment));
        }
        let Some(year) = header.year else {
            return Err(lines.error(header.title_line, NoticeProblem::NoYear));
        };
        if year != self.year {
            return Err(lines.error(
                header.title_line,
                NoticeProblem::AmendmentYear {
                    notice: self.year,
                    amendment: year,
                },
            ));
        }
        let Some(index) = self
            .holidays
            .iter()
            .position(|holiday| names_include(&holiday.name, target))
        else {
            return Err(lines.error(
                header.title_line,
                NoticeProblem::UnknownHoliday {
                    name: target.clone(),
                },
            ));
        };

        let mut amended = self.clone();
        let mut changed_line = None;
        match header.kind {
            Kind::Adjustment => {
                let mut combined: Option<NoticeHoliday> = None;
                for (number, line) in lines.numbered() {
                    if Some(number) == header.title_line {
                        continue;
                    }
                    let Some(rest) = strip_numbering(line) else {
                        continue;
                    };
                    if !(rest.contains("放假") || rest.contains("补休") || rest.contains("上班"))
                    {
                        continue;
                    }
                    let item = parse_body(rest, year)
                        .map_err(|problem| lines.error(Some(number), problem))?;
                    if !item.any_date {
                        continue;
                    }
                    let holiday = item
                        .into_holiday(number, target.clone(), Some(title.clone()))
                        .map_err(|problem| lines.error(Some(number), problem))?;
                    changed_line = Some(number);
                    combined = Some(match combined {
                        None => holiday,
                        Some(mut earlier) => {
                            earlier.days_off.extend(holiday.days_off);
                            earlier.makeup_workdays.extend(holiday.makeup_workdays);
                            earlier.stated_days = earlier.stated_days.or(holiday.stated_days);
                            earlier
                        }
                    });
                }
                let Some(mut replacement) = combined else {
                    return Err(lines.error(None, NoticeProblem::NoHolidays));
                };
                if let Some(original) = self.holidays.get(index) {
                    replacement.name = original.name.clone();
                }
                if let Some(slot) = amended.holidays.get_mut(index) {
                    *slot = replacement;
                }
            }
            Kind::Extension => {
                let mut found = None;
                for (number, line) in lines.numbered() {
                    if Some(number) == header.title_line {
                        continue;
                    }
                    let Some(rest) = strip_numbering(line) else {
                        continue;
                    };
                    if !rest.starts_with("延长") {
                        continue;
                    }
                    let extension = parse_extension(rest, year)
                        .map_err(|problem| lines.error(Some(number), problem))?;
                    found = Some((number, extension));
                }
                let Some((number, new_end)) = found else {
                    return Err(lines.error(None, NoticeProblem::NoHolidays));
                };
                if let Some(holiday) = amended.holidays.get_mut(index) {
                    extend(holiday, new_end)
                        .map_err(|problem| lines.error(Some(number), problem))?;
                    holiday.line = number;
                    holiday.amended_by = Some(title.clone());
                }
                changed_line = Some(number);
            }
            Kind::Arrangement => {}
        }

        let mut ledger = Ledger::default();
        for holiday in &amended.holidays {
            ledger
                .record(holiday)
                .map_err(|problem| lines.error(changed_line, problem))?;
        }
        Ok(amended)
    }
}

// ---------------------------------------------------------------------------------------------
// Lines and the header

/// The kind of notice, from its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// 关于YYYY年部分节假日安排的通知 (or any title that neither adjusts nor extends).
    Arrangement,
    /// 关于调整YYYY年<节>假期安排的通知.
    Adjustment,
    /// 关于延长YYYY年<节>假期的通知.
    Extension,
}

struct Header {
    title: Option<String>,
    title_line: Option<usize>,
    year: Option<i32>,
    kind: Kind,
    /// The holiday an amending notice names (劳动节 in 关于调整2019年劳动节假期安排的通知).
    target: Option<String>,
}

/// The text's lines, 1-based, each normalised once (see [`normalize`]).
struct Lines<'a> {
    raw: Vec<&'a str>,
    normalized: Vec<String>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let raw: Vec<&str> = text.lines().collect();
        let normalized = raw.iter().map(|line| normalize(line)).collect();
        Lines { raw, normalized }
    }

    /// `(line number, normalised line)` for every non-blank line.
    fn numbered(&self) -> impl Iterator<Item = (usize, &str)> {
        self.normalized
            .iter()
            .enumerate()
            .filter(|(_, line)| !line.is_empty())
            .map(|(index, line)| (index + 1, line.as_str()))
    }

    fn error(&self, line: Option<usize>, problem: NoticeProblem) -> NoticeError {
        let excerpt = line
            .and_then(|n| n.checked_sub(1))
            .and_then(|index| self.raw.get(index))
            .map(|raw| {
                raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                    .chars()
                    .take(EXCERPT_CHARS)
                    .collect()
            })
            .unwrap_or_default();
        NoticeError {
            line: line.unwrap_or(0),
            excerpt,
            problem,
        }
    }

    /// The title (the first line among the first [`TITLE_LINES`] non-blank ones that reads
    /// 关于…通知), its year, kind and target.
    fn header(&self) -> Header {
        let found = self
            .numbered()
            .take(TITLE_LINES)
            .find(|(_, line)| is_title(line));
        let Some((number, line)) = found else {
            return Header {
                title: None,
                title_line: None,
                year: None,
                kind: Kind::Arrangement,
                target: None,
            };
        };
        let title = self
            .raw
            .get(number - 1)
            .map(|raw| raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
            .unwrap_or_default()
            .to_owned();
        let about = line.find("关于").map_or(line, |at| &line[at..]);
        let kind = if about.contains("调整") {
            Kind::Adjustment
        } else if about.contains("延长") {
            Kind::Extension
        } else {
            Kind::Arrangement
        };
        let (year, after_year) = match title_year(about) {
            Some((year, rest)) => (Some(year), rest),
            None => (None, ""),
        };
        let target = (kind != Kind::Arrangement)
            .then(|| {
                let end = ["假期", "放假", "安排", "的通知"]
                    .iter()
                    .filter_map(|marker| after_year.find(marker))
                    .min()
                    .unwrap_or(after_year.len());
                after_year[..end].to_owned()
            })
            .filter(|name| !name.is_empty());
        Header {
            title: Some(title),
            title_line: Some(number),
            year,
            kind,
            target,
        }
    }
}

fn is_title(line: &str) -> bool {
    line.contains("关于") && line.ends_with("通知")
}

/// The first `YYYY年` in a title, and the text after it.
fn title_year(about: &str) -> Option<(i32, &str)> {
    let chars: Vec<(usize, char)> = about.char_indices().collect();
    for window in chars.windows(5) {
        let digits = &window[..4];
        if digits.iter().all(|(_, c)| c.is_ascii_digit()) && window[4].1 == '年' {
            let start = digits[0].0;
            let after = window[4].0 + '年'.len_utf8();
            let year = about[start..window[4].0].parse().ok()?;
            return Some((year, &about[after..]));
        }
    }
    None
}

/// The line without whitespace and with full-width punctuation and digits made half-width:
/// （）：，。； become ():,.; and ０–９ become 0–9. 、 and 至 stay as they are.
fn normalize(line: &str) -> String {
    line.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '，' => ',',
            '。' => '.',
            '；' => ';',
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            other => other,
        })
        .collect()
}

/// The line after its item number (一、 二、 (三) 4、 5.), if it has one.
fn strip_numbering(line: &str) -> Option<&str> {
    const NUMERALS: &str = "一二三四五六七八九十";
    let (inner, rest) = match line.strip_prefix('(') {
        Some(rest) => {
            let close = rest.find(')')?;
            (&rest[..close], &rest[close + 1..])
        }
        None => {
            let end = line
                .char_indices()
                .find(|(_, c)| !(NUMERALS.contains(*c) || c.is_ascii_digit()))
                .map_or(line.len(), |(at, _)| at);
            let rest = &line[end..];
            let rest = rest.strip_prefix('、').or_else(|| rest.strip_prefix('.'))?;
            (&line[..end], rest)
        }
    };
    let numeral = !inner.is_empty() && inner.chars().all(|c| NUMERALS.contains(c));
    let arabic = !inner.is_empty() && inner.len() <= 2 && inner.bytes().all(|b| b.is_ascii_digit());
    (numeral || arabic).then_some(rest)
}

/// A holiday line's name and body: `一、元旦:…` (any short name when numbered and the body
/// arranges days; a known holiday otherwise) or `元旦:…`.
fn holiday_item(line: &str) -> Option<(String, String)> {
    let numbered = strip_numbering(line);
    let rest = numbered.unwrap_or(line);
    let colon = rest.find(':')?;
    let name = &rest[..colon];
    let body = &rest[colon + 1..];
    let plausible = !name.is_empty()
        && name.chars().count() <= 20
        && !name
            .chars()
            .any(|c| c.is_ascii_digit() || "(),.;:".contains(c));
    if !plausible {
        return None;
    }
    let known = name
        .split(['、', '和', '与'])
        .all(|part| KNOWN_HOLIDAYS.contains(&part));
    let arranges = ["放假", "补休", "上班", "调休"]
        .iter()
        .any(|word| body.contains(word));
    (known || (numbered.is_some() && arranges)).then(|| (name.to_owned(), body.to_owned()))
}

/// Whether a holiday's name (中秋节、国庆节) includes `target` (国庆节).
fn names_include(name: &str, target: &str) -> bool {
    name == target || name.split(['、', '和', '与']).any(|part| part == target)
}

// ---------------------------------------------------------------------------------------------
// Clauses, dates and notes

/// A date as written: `[YYYY年][M月]D日`, with its parenthesised note.
#[derive(Debug, Clone)]
struct Written {
    year: Option<i32>,
    month: Option<u32>,
    day: u32,
    note: Option<String>,
    text: String,
}

#[derive(Debug, Clone)]
enum Token {
    Date(Written),
    /// 至
    To,
    /// N天
    Count(u32),
}

/// The clauses of a body: split at `,` `.` `;` outside parentheses.
fn clauses(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in body.chars() {
        match c {
            '(' => {
                depth += 1;
                current.push(c);
            }
            ')' => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            ',' | '.' | ';' if depth == 0 => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A clause's tokens (dates, 至, counts) and its remaining words.
fn scan(clause: &str) -> (Vec<Token>, String) {
    let chars: Vec<char> = clause.chars().collect();
    let mut tokens = Vec::new();
    let mut words = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let (token, next) = read_number(&chars, i);
            match token {
                Some(token) => tokens.push(token),
                None => words.extend(&chars[i..next]),
            }
            i = next;
        } else if c == '至' {
            tokens.push(Token::To);
            i += 1;
        } else if c == '共' {
            // 共七天: a count in Chinese numerals (Arabic ones are read as numbers).
            let end = (i + 1..chars.len())
                .find(|&j| cn_digit(chars[j]).is_none() && chars[j] != '十')
                .unwrap_or(chars.len());
            match (cn_number(&chars[i + 1..end]), chars.get(end)) {
                (Some(n), Some('天')) => {
                    tokens.push(Token::Count(n));
                    words.push('共');
                    i = end + 1;
                }
                _ => {
                    words.push(c);
                    i += 1;
                }
            }
        } else {
            words.push(c);
            i += 1;
        }
    }
    (tokens, words)
}

/// Reads `[N年][N月]N日[(note)]` or `N天` at `start`; `None` (with the end of what was read) for
/// a number that is neither, such as `2024年11月` in running text.
fn read_number(chars: &[char], start: usize) -> (Option<Token>, usize) {
    let mut i = start;
    let mut year = None;
    let mut month = None;
    loop {
        let digits_start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let digits: String = chars[digits_start..i].iter().collect();
        let Ok(n) = digits.parse::<u32>() else {
            return (None, i.max(start + 1));
        };
        match chars.get(i) {
            Some('年') if year.is_none() && month.is_none() => {
                year = i32::try_from(n).ok();
                i += 1;
            }
            Some('月') if month.is_none() => {
                month = Some(n);
                i += 1;
            }
            Some('日') => {
                i += 1;
                let mut note = None;
                if chars.get(i) == Some(&'(')
                    && let Some(close) = chars[i..].iter().position(|c| *c == ')')
                {
                    note = Some(chars[i + 1..i + close].iter().collect());
                    i += close + 1;
                }
                let text = chars[start..i].iter().collect();
                return (
                    Some(Token::Date(Written {
                        year,
                        month,
                        day: n,
                        note,
                        text,
                    })),
                    i,
                );
            }
            Some('天') if year.is_none() && month.is_none() => {
                return (Some(Token::Count(n)), i + 1);
            }
            _ => return (None, i),
        }
        if !chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
            return (None, i);
        }
    }
}

fn cn_digit(c: char) -> Option<u32> {
    "零一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// 一 … 九十九.
fn cn_number(chars: &[char]) -> Option<u32> {
    match chars {
        ['十'] => Some(10),
        [d] => cn_digit(*d).filter(|n| *n > 0),
        ['十', d] => cn_digit(*d).map(|n| 10 + n),
        [t, '十'] => cn_digit(*t).map(|n| n * 10),
        [t, '十', d] => Some(cn_digit(*t)? * 10 + cn_digit(*d)?),
        _ => None,
    }
}

/// The weekday a note states (周四, 星期四, 礼拜四; 日 and 天 for Sunday), checked against
/// `date`. Other parts of the note (农历…) are not checked.
fn check_note(note: &str, date: NaiveDate) -> Result<(), NoticeProblem> {
    for part in note.split(['、', ',']) {
        let rest = ["星期", "礼拜", "周"]
            .iter()
            .find_map(|prefix| part.strip_prefix(prefix));
        let Some(rest) = rest else {
            continue;
        };
        let stated = match rest {
            "一" => Weekday::Mon,
            "二" => Weekday::Tue,
            "三" => Weekday::Wed,
            "四" => Weekday::Thu,
            "五" => Weekday::Fri,
            "六" => Weekday::Sat,
            "日" | "天" => Weekday::Sun,
            _ => {
                return Err(NoticeProblem::UnknownWeekday {
                    text: part.to_owned(),
                });
            }
        };
        let actual = date.weekday();
        if stated != actual {
            return Err(NoticeProblem::WeekdayMismatch {
                date,
                stated,
                actual,
            });
        }
    }
    Ok(())
}

/// A written date made real: the year defaults to `start`'s (the range's first day) or the
/// notice's, the month to `start`'s; an end month before the start month is in the next year.
fn resolve(
    written: &Written,
    start: Option<NaiveDate>,
    notice_year: i32,
) -> Result<NaiveDate, NoticeProblem> {
    let month = match (written.month, start) {
        (Some(month), _) => month,
        (None, Some(start)) => start.month(),
        (None, None) => {
            return Err(NoticeProblem::IncompleteDate {
                text: written.text.clone(),
            });
        }
    };
    let year = match (written.year, start) {
        (Some(year), _) => year,
        (None, Some(start)) if month < start.month() => start.year() + 1,
        (None, Some(start)) => start.year(),
        (None, None) => notice_year,
    };
    let date =
        NaiveDate::from_ymd_opt(year, month, written.day).ok_or(NoticeProblem::InvalidDate {
            year,
            month,
            day: written.day,
        })?;
    if let Some(note) = &written.note {
        check_note(note, date)?;
    }
    if !belongs(date, notice_year) {
        return Err(NoticeProblem::DateOutsideYear {
            date,
            year: notice_year,
        });
    }
    Ok(date)
}

/// The rule of `cn.toml`: a year's notice may reach into December of the year before and
/// January of the year after, no further.
fn belongs(date: NaiveDate, year: i32) -> bool {
    date.year() == year
        || (date.year() == year - 1 && date.month() == 12)
        || (date.year() == year + 1 && date.month() == 1)
}

enum Item {
    Day(NaiveDate),
    Range(NaiveDate, NaiveDate),
}

/// The dates and ranges of a clause's tokens, each checked; and the counts it states.
fn items(tokens: &[Token], notice_year: i32) -> Result<(Vec<Item>, Vec<u32>), NoticeProblem> {
    let mut items = Vec::new();
    let mut counts = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        match &tokens[k] {
            Token::Date(first) => {
                let start = resolve(first, None, notice_year)?;
                if let (Some(Token::To), Some(Token::Date(last))) =
                    (tokens.get(k + 1), tokens.get(k + 2))
                {
                    let end = resolve(last, Some(start), notice_year)?;
                    if end < start {
                        return Err(NoticeProblem::ReversedRange { start, end });
                    }
                    let length = end.signed_duration_since(start).num_days() + 1;
                    if length > i64::from(MAX_RANGE_DAYS) {
                        return Err(NoticeProblem::RangeTooLong {
                            start,
                            end,
                            max: MAX_RANGE_DAYS,
                        });
                    }
                    items.push(Item::Range(start, end));
                    k += 3;
                } else {
                    items.push(Item::Day(start));
                    k += 1;
                }
            }
            Token::Count(n) => {
                counts.push(*n);
                k += 1;
            }
            Token::To => k += 1,
        }
    }
    Ok((items, counts))
}

/// What a holiday line's body says, before the holiday-level checks.
#[derive(Default)]
struct Body {
    days_off: Vec<(NaiveDate, NaiveDate)>,
    makeup_workdays: Vec<NaiveDate>,
    counts: Vec<u32>,
    any_date: bool,
}

fn parse_body(body: &str, notice_year: i32) -> Result<Body, NoticeProblem> {
    let mut out = Body::default();
    for clause in clauses(body) {
        let (tokens, words) = scan(&clause);
        let (items, counts) = items(&tokens, notice_year)?;
        out.any_date |= !items.is_empty();
        let off = words.contains("放假") || words.contains("补休");
        let working = words.contains("上班");
        if off && working {
            return Err(NoticeProblem::MixedClause);
        }
        if working {
            for item in items {
                match item {
                    Item::Day(date) => out.makeup_workdays.push(date),
                    Item::Range(start, end) => out
                        .makeup_workdays
                        .extend(start.iter_days().take_while(|day| *day <= end)),
                }
            }
            continue;
        }
        out.counts.extend(counts);
        if off {
            for item in items {
                out.days_off.push(match item {
                    Item::Day(date) => (date, date),
                    Item::Range(start, end) => (start, end),
                });
            }
        }
    }
    Ok(out)
}

impl Body {
    /// The holiday, after the checks that need the whole line: some date, some day off, the
    /// stated count, make-up workdays on weekends, no date both off and working.
    fn into_holiday(
        self,
        line: usize,
        name: String,
        amended_by: Option<String>,
    ) -> Result<NoticeHoliday, NoticeProblem> {
        if !self.any_date {
            return Err(NoticeProblem::NoDate);
        }
        let (Some(first), Some(last)) = (
            self.days_off.iter().map(|(start, _)| *start).min(),
            self.days_off.iter().map(|(_, end)| *end).max(),
        ) else {
            return Err(NoticeProblem::NoDayOff);
        };
        let counted = last.signed_duration_since(first).num_days() + 1;
        let counted = u32::try_from(counted).unwrap_or(u32::MAX);
        if let Some(&stated) = self.counts.iter().find(|&&n| n != counted) {
            return Err(NoticeProblem::CountMismatch { stated, counted });
        }
        for &date in &self.makeup_workdays {
            let weekday = date.weekday();
            if !matches!(weekday, Weekday::Sat | Weekday::Sun) {
                return Err(NoticeProblem::MakeupNotWeekend { date, weekday });
            }
        }
        let holiday = NoticeHoliday {
            line,
            name,
            days_off: self.days_off,
            stated_days: self.counts.first().copied(),
            makeup_workdays: self.makeup_workdays,
            amended_by,
        };
        Ledger::default().record(&holiday)?;
        Ok(holiday)
    }
}

/// Every date seen so far: `true` = working, `false` = off; refuses a date seen both ways.
#[derive(Default)]
struct Ledger {
    dates: BTreeMap<NaiveDate, bool>,
}

impl Ledger {
    fn record(&mut self, holiday: &NoticeHoliday) -> Result<(), NoticeProblem> {
        let off = holiday
            .days_off
            .iter()
            .flat_map(|&(start, end)| start.iter_days().take_while(move |day| *day <= end))
            .map(|date| (date, false));
        let working = holiday.makeup_workdays.iter().map(|&date| (date, true));
        for (date, is_working) in off.chain(working) {
            if self.dates.insert(date, is_working) == Some(!is_working) {
                return Err(NoticeProblem::OffAndWorking { date });
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Extensions

/// `延长2020年春节假期至2月2日（农历正月初九，星期日），2月3日（星期一）起正常上班`: the new
/// last day off (checked, with the day work resumes when given).
fn parse_extension(rest: &str, notice_year: i32) -> Result<NaiveDate, NoticeProblem> {
    let mut new_end = None;
    let mut resume = None;
    for clause in clauses(rest) {
        let (tokens, words) = scan(&clause);
        for (k, token) in tokens.iter().enumerate() {
            let Token::Date(written) = token else {
                continue;
            };
            let date = resolve(written, None, notice_year)?;
            let after_to = k > 0 && matches!(tokens.get(k - 1), Some(Token::To));
            if after_to && new_end.is_none() {
                new_end = Some(date);
            } else if words.contains("上班") && resume.is_none() {
                resume = Some(date);
            }
        }
    }
    let end = new_end.ok_or(NoticeProblem::NoDate)?;
    if let Some(resume) = resume
        && resume <= end
    {
        return Err(NoticeProblem::ResumeNotAfterEnd { resume, end });
    }
    Ok(end)
}

/// Extends `holiday`'s latest range to `new_end`; make-up workdays inside are cancelled, and
/// the count is no longer stated.
fn extend(holiday: &mut NoticeHoliday, new_end: NaiveDate) -> Result<(), NoticeProblem> {
    let Some(latest) = holiday.days_off.iter_mut().max_by_key(|(_, end)| *end) else {
        return Err(NoticeProblem::NoDayOff);
    };
    let end = latest.1;
    if new_end <= end {
        return Err(NoticeProblem::ExtensionNotLater { end, new_end });
    }
    let start = latest.0;
    let length = new_end.signed_duration_since(start).num_days() + 1;
    if length > i64::from(MAX_RANGE_DAYS) {
        return Err(NoticeProblem::RangeTooLong {
            start,
            end: new_end,
            max: MAX_RANGE_DAYS,
        });
    }
    latest.1 = new_end;
    holiday
        .makeup_workdays
        .retain(|day| !(*day > end && *day <= new_end));
    holiday.stated_days = None;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// TOML output

/// The ranges sorted, with adjacent or overlapping ones merged as long as the result stays
/// within [`MAX_RANGE_DAYS`] (which the calendar's loader requires).
fn merged(ranges: &[(NaiveDate, NaiveDate)]) -> Vec<(NaiveDate, NaiveDate)> {
    let mut sorted = ranges.to_vec();
    sorted.sort();
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for (start, end) in sorted {
        if let Some(last) = out.last_mut()
            && last
                .1
                .checked_add_days(Days::new(1))
                .is_some_and(|next| start <= next)
        {
            let joined_end = last.1.max(end);
            let length = joined_end.signed_duration_since(last.0).num_days() + 1;
            if length <= i64::from(MAX_RANGE_DAYS) {
                last.1 = joined_end;
                continue;
            }
        }
        out.push((start, end));
    }
    out
}

/// `key = [ … ]` with one row per holiday and the comments aligned, as in `cn.toml`.
fn toml_array(key: &str, rows: &[(String, String)]) -> String {
    if rows.is_empty() {
        return format!("{key} = []\n");
    }
    let width = rows
        .iter()
        .map(|(entries, _)| entries.chars().count() + 1)
        .max()
        .unwrap_or(0);
    let mut out = format!("{key} = [\n");
    for (entries, comment) in rows {
        let cell = format!("{entries},");
        let pad = width.saturating_sub(cell.chars().count());
        out.push_str(&format!("    {cell}{} # {comment}\n", " ".repeat(pad)));
    }
    out.push_str("]\n");
    out
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn weekday_en(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
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

impl fmt::Display for NoticeHoliday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.name)?;
        for (start, end) in &self.days_off {
            if start == end {
                write!(f, " {start}")?;
            } else {
                write!(f, " {start}..{end}")?;
            }
        }
        if !self.makeup_workdays.is_empty() {
            write!(f, "; working")?;
            for day in &self.makeup_workdays {
                write!(f, " {day}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
