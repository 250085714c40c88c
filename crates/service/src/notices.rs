//! The calendar in force, and loading the State Council's holiday notice for a year.
//!
//! The calendar deadlines are counted on is built in three layers: the notices shipped with
//! peiyu, the notices an admin loaded into the database (shared by every instance), and the
//! county's override file on top. A year with none of them is provisional (see
//! [`peiyu_workflow::calendar`]). Loading a notice for a year stores it, audited, and counts
//! again every open task whose deadline was counted on that year before; each moved deadline is
//! its own audited change.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use peiyu_domain::AuditAction;
use peiyu_domain::{Officer, Role, Text};
use peiyu_storage::calendar::{self as stored, CalendarYear};
use peiyu_storage::tasks;
use peiyu_workflow::calendar::{
    Calendar, CalendarError, NoticeOrigin, YearData, YearOutlook, YearStatus,
};
use peiyu_workflow::notice::{Notice, parse_notice};

use crate::error::{Field, ServiceError, ServiceResult};
use crate::idempotency::{self, Answer, Idempotent};
use crate::{Service, actor_of, in_unit};

/// The reason recorded on a deadline moved by a loaded notice.
pub const RECOUNT_REASON: &str = "截止日期随国务院节假日安排调整";

/// The calendar layers of one service (and its clones): the base, the override text, and the
/// calendar in force built from them and the loaded notices.
#[derive(Debug)]
pub(crate) struct CalendarSource {
    base: Calendar,
    override_text: Option<String>,
    current: RwLock<Arc<Calendar>>,
}

impl CalendarSource {
    /// A source over `base` with an already validated override text.
    pub(crate) fn new(base: Calendar, override_text: Option<String>) -> CalendarSource {
        let current = compose(&base, &[], override_text.as_deref());
        CalendarSource {
            base,
            override_text,
            current: RwLock::new(Arc::new(current)),
        }
    }

    pub(crate) fn base(&self) -> &Calendar {
        &self.base
    }

    pub(crate) fn current(&self) -> Arc<Calendar> {
        match self.current.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn set(&self, calendar: Calendar) {
        match self.current.write() {
            Ok(mut guard) => *guard = Arc::new(calendar),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(calendar),
        }
    }
}

fn year_data(y: &CalendarYear) -> YearData {
    YearData {
        year: y.year,
        source: y.source.clone(),
        days_off: y.days_off.iter().copied().collect(),
        makeup_workdays: y.makeup_workdays.iter().copied().collect(),
    }
}

/// The base with the loaded notices and the override on top. A layer that does not fit (which
/// validation on load rules out) is logged and left out rather than stopping the work.
fn compose(base: &Calendar, loaded: &[CalendarYear], override_text: Option<&str>) -> Calendar {
    let mut calendar = base.clone();
    for year in loaded {
        match calendar
            .clone()
            .with_year(&year_data(year), NoticeOrigin::Loaded)
        {
            Ok(with) => calendar = with,
            Err(e) => {
                tracing::error!(year = year.year, error = %e, "a loaded notice does not fit; left out")
            }
        }
    }
    if let Some(text) = override_text {
        match calendar.clone().with_override(text) {
            Ok(with) => calendar = with,
            Err(e) => tracing::error!(error = %e, "the calendar override does not fit; left out"),
        }
    }
    calendar
}

/// A year's status as a stable key: `official`, `county_override`, `provisional`, `unsupported`.
pub fn year_status_key(status: &YearStatus) -> &'static str {
    match status {
        YearStatus::Official {
            origin: NoticeOrigin::CountyOverride,
            ..
        } => "county_override",
        YearStatus::Official { .. } => "official",
        YearStatus::Provisional => "provisional",
        YearStatus::Unsupported => "unsupported",
    }
}

/// A year's status in words, the same on every screen: 正式（随软件发布） · source, 暂定：…
pub fn year_status_label(status: &YearStatus) -> Text {
    match status {
        YearStatus::Official { origin, source } => {
            let (zh, en) = match origin {
                NoticeOrigin::Shipped => ("正式（随软件发布）", "official (shipped)"),
                NoticeOrigin::Loaded => ("正式（已录入通知）", "official (loaded notice)"),
                NoticeOrigin::CountyOverride => ("县级覆盖文件", "county override"),
            };
            Text::new(format!("{zh} · {source}"), format!("{en} · {source}"))
        }
        YearStatus::Provisional => Text::new(
            "暂定：仅按法定节假日计算，无调休，待国务院通知发布后核定",
            "provisional: statutory holidays only, no make-up workdays, until the State Council's notice",
        ),
        YearStatus::Unsupported => Text::new("超出日历范围", "outside the calendar's range"),
    }
}

/// One year of the calendar's outlook, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlookYear {
    /// The year.
    pub year: i32,
    /// Its status's key ([`year_status_key`]).
    pub status: &'static str,
    /// Its status in words ([`year_status_label`]).
    pub label: Text,
    /// Days until its 1 January (0 or less: begun).
    pub starts_in_days: i64,
    /// Still provisional and starting within 60 days.
    pub needs_attention: bool,
}

impl From<&YearOutlook> for OutlookYear {
    fn from(y: &YearOutlook) -> Self {
        OutlookYear {
            year: y.year,
            status: year_status_key(&y.status),
            label: year_status_label(&y.status),
            starts_in_days: y.starts_in_days,
            needs_attention: y.needs_attention,
        }
    }
}

/// What an admin hands in to load: the notice's plain text, or a TOML year table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeInput {
    /// The notice as published (国务院办公厅关于YYYY年部分节假日安排的通知); the year comes from
    /// its title unless given.
    Text {
        /// The text.
        text: String,
        /// The year, when the title does not say it.
        year: Option<i32>,
    },
    /// A `[years.YYYY]` table in the calendar's TOML format (one year).
    Toml(String),
}

/// One holiday of a notice as understood, for the admin to check before applying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnderstoodHoliday {
    /// Its line in the text (0 for TOML).
    pub line: usize,
    /// Its name as written (元旦, 春节 …); empty for TOML.
    pub name: String,
    /// The inclusive ranges of days off.
    pub ranges: Vec<(NaiveDate, NaiveDate)>,
    /// The count the text states (共N天), checked against the dates.
    pub stated_days: Option<u32>,
    /// The make-up workdays (调休上班) it sets.
    pub makeup_workdays: Vec<NaiveDate>,
}

/// A deadline counted again on a loaded notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recounted {
    /// The task's short id.
    pub short_id: String,
    /// Its title.
    pub title: String,
    /// The enterprise's name, if it is about one.
    pub enterprise_name: Option<String>,
    /// The assignee's name.
    pub assignee_name: String,
    /// The due date before.
    pub before: NaiveDate,
    /// The due date after.
    pub after: NaiveDate,
}

/// What loading a notice understood and, when applied, did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeLoad {
    /// The year.
    pub year: i32,
    /// Which notice.
    pub source: String,
    /// Each holiday as understood.
    pub holidays: Vec<UnderstoodHoliday>,
    /// Every day off, ascending.
    pub days_off: Vec<NaiveDate>,
    /// Every make-up workday, ascending.
    pub makeup_workdays: Vec<NaiveDate>,
    /// Working days in the year on the calendar before the load (provisional or an earlier
    /// notice).
    pub working_days_before: u32,
    /// Working days in the year with the notice.
    pub working_days_after: u32,
    /// Whether the year was provisional before.
    pub was_provisional: bool,
    /// Whether it was stored (`--apply`); otherwise nothing changed.
    pub applied: bool,
    /// The open tasks whose deadlines move (moved, when applied), in the order of their creation.
    pub recounted: Vec<Recounted>,
}

fn understood_from_notice(notice: &Notice) -> Vec<UnderstoodHoliday> {
    notice
        .holidays
        .iter()
        .map(|h| UnderstoodHoliday {
            line: h.line,
            name: h.name.clone(),
            ranges: h.days_off.clone(),
            stated_days: h.stated_days,
            makeup_workdays: h.makeup_workdays.clone(),
        })
        .collect()
}

/// Contiguous runs of `dates` as inclusive ranges.
fn runs(dates: &BTreeSet<NaiveDate>) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for date in dates {
        match out.last_mut() {
            Some((_, end)) if end.succ_opt() == Some(*date) => *end = *date,
            _ => out.push((*date, *date)),
        }
    }
    out
}

fn calendar_error(field: Field, e: &CalendarError) -> ServiceError {
    ServiceError::invalid(field, Text::new(e.message_zh(), e.to_string()))
}

impl Service {
    /// This year and the next two on the calendar in force, as of today (or `today`).
    pub fn calendar_outlook(&self, today: Option<NaiveDate>) -> (NaiveDate, Vec<OutlookYear>) {
        let today = today.unwrap_or_else(|| self.today());
        let years = self
            .calendar()
            .outlook(today)
            .iter()
            .map(OutlookYear::from)
            .collect();
        (today, years)
    }

    /// Reads the notices loaded into the database and rebuilds the calendar in force from them.
    /// Never fails: a database that cannot be read (not initialised yet, unreachable) leaves the
    /// calendar as it was, with a log line.
    pub async fn refresh_calendar(&self) {
        match self.store().is_migrated().await {
            Ok(true) => {}
            _ => return,
        }
        match stored::loaded_years(self.store().conn()).await {
            Ok(loaded) => self.calendar.set(compose(
                self.calendar.base(),
                &loaded,
                self.calendar.override_text.as_deref(),
            )),
            Err(e) => tracing::warn!(error = %e, "cannot read the loaded holiday notices"),
        }
    }

    /// Reads a notice (its text, or a TOML year table), checks it, and shows what it understood
    /// and what it would change; with `apply`, stores it (audited, replacing the provisional
    /// year or an earlier load) and moves the deadlines it changes, each an audited change.
    /// Only an admin may apply.
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.login.as_str()))]
    pub async fn load_notice(
        &self,
        actor: &Officer,
        input: NoticeInput,
        apply: bool,
    ) -> ServiceResult<NoticeLoad> {
        self.load_notice_with(actor, input, apply, None).await
    }

    /// [`Service::load_notice`] at most once per idempotency key ([`Service::once`]): applying
    /// claims the key in the unit of work that stores the notice, with `once`'s rendering of the
    /// outcome; a repeat gets that answer back. A notice only checked (no `apply`) stores no key.
    #[tracing::instrument(skip(self, actor, input, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn load_notice_once(
        &self,
        actor: &Officer,
        input: NoticeInput,
        apply: bool,
        once: &Idempotent<'_, NoticeLoad>,
    ) -> ServiceResult<Answer<NoticeLoad>> {
        self.once(
            actor,
            once,
            self.load_notice_with(actor, input, apply, Some(once)),
        )
        .await
    }

    async fn load_notice_with(
        &self,
        actor: &Officer,
        input: NoticeInput,
        apply: bool,
        once: Option<&Idempotent<'_, NoticeLoad>>,
    ) -> ServiceResult<NoticeLoad> {
        if apply && actor.role != Role::Admin {
            return Err(ServiceError::forbidden(
                "只有管理员可以录入国务院节假日安排",
                "only an admin loads the State Council's holiday notice",
            ));
        }
        let (NoticeInput::Text { text, .. } | NoticeInput::Toml(text)) = &input;
        crate::error::bounded(Field::File, text, peiyu_domain::limits::NOTICE_MAX_CHARS)?;
        let (data, holidays, notice_text) = match &input {
            NoticeInput::Text { text, year } => {
                let notice = parse_notice(text, *year).map_err(|e| {
                    ServiceError::invalid(Field::File, Text::new(e.message_zh(), e.message_en()))
                })?;
                let source = notice.title.clone().unwrap_or_else(|| {
                    format!("国务院办公厅关于{}年部分节假日安排的通知", notice.year)
                });
                let data = YearData {
                    year: notice.year,
                    source,
                    days_off: notice.days_off(),
                    makeup_workdays: notice.makeup_workdays(),
                };
                (data, understood_from_notice(&notice), Some(text.clone()))
            }
            NoticeInput::Toml(text) => {
                let parsed = Calendar::empty()
                    .with_toml(text, NoticeOrigin::Loaded)
                    .map_err(|e| calendar_error(Field::File, &e))?;
                let years = parsed.covered_years();
                let [year] = years.as_slice() else {
                    return Err(ServiceError::invalid(
                        Field::File,
                        Text::new(
                            format!(
                                "一次只能录入一年的安排，文件中有 {} 个年份表（[years.YYYY]）",
                                years.len()
                            ),
                            format!(
                                "load one year at a time: the file has {} year tables ([years.YYYY])",
                                years.len()
                            ),
                        ),
                    ));
                };
                let days_off: BTreeSet<NaiveDate> = parsed
                    .days_off(*year)
                    .map_err(|e| calendar_error(Field::File, &e))?
                    .into_iter()
                    .collect();
                let makeup: BTreeSet<NaiveDate> = parsed
                    .makeup_workdays(*year)
                    .map_err(|e| calendar_error(Field::File, &e))?
                    .into_iter()
                    .collect();
                let holidays = vec![UnderstoodHoliday {
                    line: 0,
                    name: String::new(),
                    ranges: runs(&days_off),
                    stated_days: None,
                    makeup_workdays: makeup.iter().copied().collect(),
                }];
                let data = YearData {
                    year: *year,
                    source: parsed.source(*year).unwrap_or_default().to_owned(),
                    days_off,
                    makeup_workdays: makeup,
                };
                (data, holidays, None)
            }
        };
        self.refresh_calendar().await;
        let before = self.calendar();
        let after = (*before)
            .clone()
            .with_year(&data, NoticeOrigin::Loaded)
            .map_err(|e| calendar_error(Field::Notice, &e))?;
        // The override file stays on top of a loaded notice.
        let after = match &self.calendar.override_text {
            Some(text) => after
                .with_override(text)
                .map_err(|e| calendar_error(Field::CalendarOverride, &e))?,
            None => after,
        };
        let year = data.year;
        let working_days_before = before
            .working_day_count(year)
            .map_err(|e| calendar_error(Field::Notice, &e))?;
        let working_days_after = after
            .working_day_count(year)
            .map_err(|e| calendar_error(Field::Notice, &e))?;
        let was_provisional = before.is_provisional(year);
        let mut result = NoticeLoad {
            year,
            source: data.source.clone(),
            holidays,
            days_off: data.days_off.iter().copied().collect(),
            makeup_workdays: data.makeup_workdays.iter().copied().collect(),
            working_days_before,
            working_days_after,
            was_provisional,
            applied: false,
            recounted: Vec::new(),
        };
        let record = CalendarYear {
            year,
            source: data.source.clone(),
            days_off: result.days_off.clone(),
            makeup_workdays: result.makeup_workdays.clone(),
            notice_text,
        };
        let (moves, recounted) = self.recounts(&before, &after, year).await?;
        result.recounted = recounted;
        if !apply {
            return Ok(result);
        }
        let mut applied = result.clone();
        applied.applied = true;
        in_unit!(self, &actor_of(actor), |uow| {
            idempotency::claim(once, uow).await?;
            stored::store_year(uow, &record).await?;
            for (task, version, due_on) in &moves {
                let mut moved = task.clone();
                moved.due_on = *due_on;
                tasks::update_task(
                    uow,
                    task,
                    &moved,
                    *version,
                    AuditAction::TaskRecount,
                    Some(RECOUNT_REASON.to_owned()),
                )
                .await?;
            }
            idempotency::answer(once, uow, &applied).await?;
            Ok(())
        })?;
        self.refresh_calendar().await;
        Ok(applied)
    }

    /// The open tasks whose counted deadlines touch `year` and fall elsewhere on `after`.
    async fn recounts(
        &self,
        before: &Calendar,
        after: &Calendar,
        year: i32,
    ) -> ServiceResult<(Vec<(peiyu_domain::Task, i64, NaiveDate)>, Vec<Recounted>)> {
        let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
        let conn = self.store().conn();
        let mut moves = Vec::new();
        let mut shown = Vec::new();
        for t in tasks::open_counted_tasks(conn, from).await? {
            let task = t.value;
            let touches = task.due_count.is_some_and(|count| {
                let start = match count {
                    peiyu_domain::DueCount::WorkingDays { from, .. } => from,
                    peiyu_domain::DueCount::RolledFrom(raw) => raw,
                };
                (chrono::Datelike::year(&start)..=chrono::Datelike::year(&task.due_on))
                    .contains(&year)
            });
            if !touches {
                continue;
            }
            let (Some(Ok(old)), Some(Ok(new))) = (
                before.recount(task.due_count),
                after.recount(task.due_count),
            ) else {
                continue;
            };
            if old != task.due_on || new == task.due_on {
                // A deadline changed by hand since it was counted keeps the officer's date.
                continue;
            }
            let enterprise_name = match task.enterprise {
                Some(id) => Some(
                    peiyu_storage::enterprises::get_enterprise(conn, id)
                        .await?
                        .value
                        .name
                        .to_string(),
                ),
                None => None,
            };
            let assignee_name = peiyu_storage::officers::find_officer(conn, task.assignee)
                .await?
                .map(|o| o.name.to_string())
                .unwrap_or_default();
            shown.push(Recounted {
                short_id: crate::short_id(&task),
                title: task.title.clone(),
                enterprise_name,
                assignee_name,
                before: task.due_on,
                after: new,
            });
            moves.push((task, t.version, new));
        }
        Ok((moves, shown))
    }
}
