//! The working-day calendar and the State Council's holiday notices.

use chrono::NaiveDate;
use peiyu_domain::Lang;
use peiyu_service::calendar::{Calendar, CalendarError, YearStatus};
use peiyu_service::notices::{year_status_key, year_status_label};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One year of `GET /calendar`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CalendarYearDto {
    /// The year.
    pub year: i32,
    /// `official`, `county_override`, `provisional` or `unsupported`.
    pub status: String,
    /// The status in the request's language, with the notice's source.
    pub label: String,
    /// Days until its 1 January (0 or less: it has begun).
    pub starts_in_days: i64,
    /// Still provisional and starting within 60 days: someone should load the notice.
    pub needs_attention: bool,
}

/// `GET /calendar`: this year and the next two.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CalendarOutlookDto {
    /// The day the outlook is for (the server's today).
    pub today: NaiveDate,
    /// This year and the next two.
    pub years: Vec<CalendarYearDto>,
    /// Whether any year needs attention.
    pub needs_attention: bool,
}

impl CalendarOutlookDto {
    /// The wire form of an outlook.
    pub fn new(today: NaiveDate, years: &[peiyu_service::OutlookYear], lang: Lang) -> Self {
        CalendarOutlookDto {
            today,
            needs_attention: years.iter().any(|y| y.needs_attention),
            years: years
                .iter()
                .map(|y| CalendarYearDto {
                    year: y.year,
                    status: y.status.to_owned(),
                    label: y.label.get(lang).to_owned(),
                    starts_in_days: y.starts_in_days,
                    needs_attention: y.needs_attention,
                })
                .collect(),
        }
    }
}

/// `POST /calendar/notices`: a year's holiday notice to check, and with `apply` to load.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeRequest {
    /// The notice's plain text as published (国务院办公厅关于YYYY年部分节假日安排的通知), or a
    /// TOML year table when `format` is `toml`.
    pub text: String,
    /// `text` (default) or `toml`.
    #[serde(default)]
    pub format: Option<String>,
    /// The year, when the title does not say it.
    #[serde(default)]
    pub year: Option<i32>,
    /// Store it (admin) and move the deadlines it changes; otherwise only show.
    #[serde(default)]
    pub apply: bool,
}

/// A range of days off.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DateRangeDto {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
}

/// One holiday of a notice as understood.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NoticeHolidayDto {
    /// Its line in the text (0 for TOML).
    pub line: usize,
    /// Its name (元旦, 春节 …).
    pub name: String,
    /// Its days off.
    pub days_off: Vec<DateRangeDto>,
    /// The count the text states, checked against the dates.
    pub stated_days: Option<u32>,
    /// The weekend days it makes working days.
    pub makeup_workdays: Vec<NaiveDate>,
}

/// A deadline a notice moves.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RecountedDto {
    /// The task's short id.
    pub short_id: String,
    /// Its title.
    pub title: String,
    /// The enterprise's name.
    pub enterprise_name: Option<String>,
    /// The assignee's name.
    pub assignee_name: String,
    /// Due before.
    pub due_before: NaiveDate,
    /// Due after.
    pub due_after: NaiveDate,
}

/// What checking (or loading) a notice understood and did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NoticeLoadDto {
    /// The year.
    pub year: i32,
    /// Which notice.
    pub source: String,
    /// Stored (and deadlines moved), or only shown.
    pub applied: bool,
    /// The year was provisional before.
    pub was_provisional: bool,
    /// Working days in the year before.
    pub working_days_before: u32,
    /// Working days in the year with the notice.
    pub working_days_after: u32,
    /// The holidays as understood.
    pub holidays: Vec<NoticeHolidayDto>,
    /// Every day off in the year with the notice, ascending.
    pub days_off: Vec<NaiveDate>,
    /// Every make-up workday in the year with the notice, ascending.
    pub makeup_workdays: Vec<NaiveDate>,
    /// The deadlines that move (moved, when applied).
    pub recounted: Vec<RecountedDto>,
}

impl From<&peiyu_service::NoticeLoad> for NoticeLoadDto {
    fn from(l: &peiyu_service::NoticeLoad) -> Self {
        NoticeLoadDto {
            year: l.year,
            source: l.source.clone(),
            applied: l.applied,
            was_provisional: l.was_provisional,
            working_days_before: l.working_days_before,
            working_days_after: l.working_days_after,
            holidays: l
                .holidays
                .iter()
                .map(|h| NoticeHolidayDto {
                    line: h.line,
                    name: h.name.clone(),
                    days_off: h
                        .ranges
                        .iter()
                        .map(|(from, to)| DateRangeDto {
                            from: *from,
                            to: *to,
                        })
                        .collect(),
                    stated_days: h.stated_days,
                    makeup_workdays: h.makeup_workdays.clone(),
                })
                .collect(),
            days_off: l.days_off.clone(),
            makeup_workdays: l.makeup_workdays.clone(),
            recounted: l
                .recounted
                .iter()
                .map(|r| RecountedDto {
                    short_id: r.short_id.clone(),
                    title: r.title.clone(),
                    enterprise_name: r.enterprise_name.clone(),
                    assignee_name: r.assignee_name.clone(),
                    due_before: r.before,
                    due_after: r.after,
                })
                .collect(),
        }
    }
}

/// `calendar show YEAR`: a year's days off and make-up workdays.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CalendarYearDaysDto {
    /// The year.
    pub year: i32,
    /// `official`, `county_override`, `provisional` or `unsupported`.
    pub status: String,
    /// The status in the request's language, with the notice's source.
    pub status_label: String,
    /// Whether the year is provisional (the statutory holidays only, no notice yet).
    pub provisional: bool,
    /// Every day off (weekends apart from make-up workdays, and holidays), ascending.
    pub days_off: Vec<NaiveDate>,
    /// Every make-up workday (调休上班), ascending.
    pub makeup_workdays: Vec<NaiveDate>,
    /// Working days in the year.
    pub working_days: u32,
    /// Which notice, when one is known.
    pub source: Option<String>,
}

impl CalendarYearDaysDto {
    /// The wire form of `year` on `calendar`; an error for a year the calendar cannot count.
    pub fn new(calendar: &Calendar, year: i32, lang: Lang) -> Result<Self, CalendarError> {
        let status = calendar.year_status(year);
        Ok(CalendarYearDaysDto {
            year,
            status: year_status_key(&status).to_owned(),
            status_label: year_status_label(&status).get(lang).to_owned(),
            provisional: status == YearStatus::Provisional,
            days_off: calendar.days_off(year)?,
            makeup_workdays: calendar.makeup_workdays(year)?,
            working_days: calendar.working_day_count(year)?,
            source: calendar.source(year).map(str::to_owned),
        })
    }
}

/// `calendar add-days DATE N`: the day N working days after DATE.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AddDaysDto {
    /// The day counted from.
    pub from: NaiveDate,
    /// How many working days were added.
    pub working_days: u32,
    /// The day reached.
    pub date: NaiveDate,
    /// Whether the count crossed a provisional year (to be checked when its notice is out).
    pub provisional: bool,
    /// The provisional years it crossed.
    pub provisional_years: Vec<i32>,
}

impl AddDaysDto {
    /// The wire form of a count of `working_days` from `from` to `date`.
    pub fn new(
        from: NaiveDate,
        working_days: u32,
        date: NaiveDate,
        provisional_years: &[i32],
    ) -> Self {
        AddDaysDto {
            from,
            working_days,
            date,
            provisional: !provisional_years.is_empty(),
            provisional_years: provisional_years.to_vec(),
        }
    }
}
