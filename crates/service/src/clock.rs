//! The clock use cases read: real time in production, a fixed instant in tests.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// A source of the current instant.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant.
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// The county's time zone: UTC+8 unless configured otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CountyZone(pub FixedOffset);

/// UTC+8, China Standard Time; checked when compiling.
const UTC_PLUS_8: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

impl Default for CountyZone {
    fn default() -> Self {
        CountyZone(UTC_PLUS_8)
    }
}

impl CountyZone {
    /// An instant as the county's wall-clock time, `2023-06-30 16:12`.
    pub fn local(self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.0)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    /// The county's calendar date at an instant.
    pub fn date_of(self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.0).date_naive()
    }
}

/// A clock that can be set, for building a history as it happened (the demo records each event
/// at the time it took place) and for tests that move through time.
#[derive(Debug, Default)]
pub struct SettableClock(std::sync::Mutex<Option<DateTime<Utc>>>);

impl SettableClock {
    /// A clock showing `t`.
    pub fn at(t: DateTime<Utc>) -> SettableClock {
        SettableClock(std::sync::Mutex::new(Some(t)))
    }

    /// Sets the time it shows.
    pub fn set(&self, t: DateTime<Utc>) {
        if let Ok(mut guard) = self.0.lock() {
            *guard = Some(t);
        }
    }
}

impl Clock for SettableClock {
    fn now(&self) -> DateTime<Utc> {
        // A poisoned lock still holds the last time set; an unset clock shows the real time.
        let value = match self.0.lock() {
            Ok(guard) => *guard,
            Err(poisoned) => *poisoned.into_inner(),
        };
        value.unwrap_or_else(Utc::now)
    }
}

/// A clock stopped at a setting as an operator writes it (`PEIYU_CLOCK`): a date `2026-12-29`
/// (09:00 in the county) or an instant in RFC 3339 (`2026-12-29T16:30:00+08:00`). Fails, saying
/// what is accepted, on anything else.
pub fn fixed_from_setting(setting: &str) -> Result<std::sync::Arc<dyn Clock>, peiyu_domain::Text> {
    let setting = setting.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(setting) {
        return Ok(std::sync::Arc::new(FixedClock(t.with_timezone(&Utc))));
    }
    let zone = CountyZone::default();
    if let Ok(date) = NaiveDate::parse_from_str(setting, "%Y-%m-%d")
        && let Some(t) = date
            .and_hms_opt(9, 0, 0)
            .and_then(|t| t.and_local_timezone(zone.0).single())
    {
        return Ok(std::sync::Arc::new(FixedClock(t.with_timezone(&Utc))));
    }
    let shown: String = setting.chars().take(100).collect();
    Err(peiyu_domain::Text::new(
        format!(
            "「{shown}」不是日期（YYYY-MM-DD）或时刻（RFC 3339，如 2026-12-29T16:30:00+08:00）"
        ),
        format!(
            "\"{shown}\" is not a date (YYYY-MM-DD) or an instant (RFC 3339, e.g. 2026-12-29T16:30:00+08:00)"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_dates_or_instants() {
        let zone = CountyZone::default();
        let day = fixed_from_setting("2026-12-29").unwrap();
        assert_eq!(zone.local(day.now()), "2026-12-29 09:00");
        let at = fixed_from_setting("2027-01-04T23:30:00+08:00").unwrap();
        assert_eq!(zone.date_of(at.now()).to_string(), "2027-01-04");
        let err = fixed_from_setting("2026-02-30").unwrap_err();
        assert!(err.en().contains("is not a date"), "{}", err.en());
    }
}
