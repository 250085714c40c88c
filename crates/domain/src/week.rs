//! ISO 8601 weeks (Monday to Sunday), the unit of an officer's weekly task list.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::i18n::{Lang, Localize, Text};

/// An ISO week: Monday to Sunday, numbered within its ISO year (week 1 holds the year's first
/// Thursday). Years 1 to 9999. Orders chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Week {
    year: i32,
    week: u32,
}

/// Why a text or pair of numbers is not an ISO week.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeekError {
    /// Not in the form `2023-W27`.
    #[error("cannot read the week \"{input}\": expected a form like 2023-W27")]
    Malformed {
        /// The text as given.
        input: String,
    },
    /// The year is not 1 to 9999.
    #[error("the year in \"{input}\" must be from 1 to 9999")]
    Year {
        /// The text (or `year-Wweek`) as given.
        input: String,
    },
    /// The week number is 0 or past the last week of that ISO year (52 or 53).
    #[error("{year} has weeks 1 to {weeks}, so \"{input}\" does not exist")]
    Week {
        /// The text (or `year-Wweek`) as given.
        input: String,
        /// The ISO year.
        year: i32,
        /// How many weeks that year has.
        weeks: u32,
    },
}

impl Localize for WeekError {
    fn localize(&self, _lang: Lang) -> Text {
        let zh = match self {
            WeekError::Malformed { input } => {
                format!("无法识别周 \"{input}\"：应为 2023-W27 这样的形式")
            }
            WeekError::Year { input } => format!("\"{input}\" 中的年份应在 1 到 9999 之间"),
            WeekError::Week { input, year, weeks } => {
                format!("{year} 年只有第 1 到 {weeks} 周，\"{input}\" 不存在")
            }
        };
        Text::new(zh, self.to_string())
    }
}

/// Fallback for date constructions that the type's invariants make infallible.
const UNREACHABLE_DATE: NaiveDate = NaiveDate::MIN;

/// How many ISO weeks `year` has (52 or 53): the week of 28 December.
pub fn weeks_in_year(year: i32) -> u32 {
    NaiveDate::from_ymd_opt(year, 12, 28).map_or(52, |d| d.iso_week().week())
}

impl Week {
    /// Week `week` of ISO year `year`; fails for week 0, week 53 of a 52-week year, and years
    /// outside 1 to 9999.
    pub fn new(year: i32, week: u32) -> Result<Week, WeekError> {
        Week::checked(year, week, || format!("{year}-W{week:02}"))
    }

    fn checked(year: i32, week: u32, input: impl Fn() -> String) -> Result<Week, WeekError> {
        if !(1..=9999).contains(&year) {
            return Err(WeekError::Year { input: input() });
        }
        let weeks = weeks_in_year(year);
        if !(1..=weeks).contains(&week) {
            return Err(WeekError::Week {
                input: input(),
                year,
                weeks,
            });
        }
        Ok(Week { year, week })
    }

    /// Reads `2023-W27`, also `2023-w27`, `2023W27` and one-digit weeks (`2023-W7`),
    /// whitespace around ignored.
    pub fn parse(s: &str) -> Result<Week, WeekError> {
        let t = s.trim();
        let malformed = || WeekError::Malformed {
            input: s.to_owned(),
        };
        let (y, w) = t.split_once(['W', 'w']).ok_or_else(malformed)?;
        let y = y.strip_suffix('-').unwrap_or(y);
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if y.len() != 4 || !digits(y) || !digits(w) || w.len() > 2 {
            return Err(malformed());
        }
        let year: i32 = y.parse().map_err(|_| malformed())?;
        let week: u32 = w.parse().map_err(|_| malformed())?;
        Week::checked(year, week, || s.to_owned())
    }

    /// The week containing `date`: its ISO year may differ from the calendar year near New
    /// Year (2021-01-03 is in 2020-W53). Dates outside years 1 to 9999 give the nearest
    /// supported week.
    pub fn containing(date: NaiveDate) -> Week {
        let iso = date.iso_week();
        match iso.year() {
            y if y < 1 => Week { year: 1, week: 1 },
            y if y > 9999 => Week {
                year: 9999,
                week: weeks_in_year(9999),
            },
            year => Week {
                year,
                week: iso.week(),
            },
        }
    }

    /// The ISO year (not always the calendar year of every day in the week).
    pub fn year(self) -> i32 {
        self.year
    }

    /// The week number, 1 to 53.
    pub fn week(self) -> u32 {
        self.week
    }

    /// The Monday that starts the week.
    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon).unwrap_or(UNREACHABLE_DATE)
    }

    /// The Sunday that ends the week.
    pub fn sunday(self) -> NaiveDate {
        self.monday()
            .checked_add_days(Days::new(6))
            .unwrap_or(UNREACHABLE_DATE)
    }

    /// The seven days, Monday first.
    pub fn days(self) -> [NaiveDate; 7] {
        let monday = self.monday();
        let mut days = [monday; 7];
        for (i, day) in (0u64..).zip(days.iter_mut()) {
            *day = monday
                .checked_add_days(Days::new(i))
                .unwrap_or(UNREACHABLE_DATE);
        }
        days
    }

    /// Whether `date` falls in this week.
    pub fn contains(self, date: NaiveDate) -> bool {
        self.monday() <= date && date <= self.sunday()
    }

    /// The following week; the last week of 9999 is its own successor.
    pub fn next(self) -> Week {
        if self.week < weeks_in_year(self.year) {
            Week {
                week: self.week + 1,
                ..self
            }
        } else if self.year < 9999 {
            Week {
                year: self.year + 1,
                week: 1,
            }
        } else {
            self
        }
    }

    /// The preceding week; 0001-W01 is its own predecessor.
    pub fn prev(self) -> Week {
        if self.week > 1 {
            Week {
                week: self.week - 1,
                ..self
            }
        } else if self.year > 1 {
            Week {
                year: self.year - 1,
                week: weeks_in_year(self.year - 1),
            }
        } else {
            self
        }
    }
}

impl fmt::Display for Week {
    /// Prints `YYYY-Www`, e.g. `2023-W27`, `2024-W01`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

impl FromStr for Week {
    type Err = WeekError;

    /// Same as [`Week::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Week::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn wk(y: i32, w: u32) -> Week {
        Week::new(y, w).unwrap()
    }

    #[test]
    fn parses_week_forms() {
        for s in ["2023-W27", "2023-w27", "2023W27", "2023w27", " 2023-W27 "] {
            assert_eq!(Week::parse(s), Ok(wk(2023, 27)), "{s}");
        }
        assert_eq!(Week::parse("2024-W1"), Ok(wk(2024, 1)));
        assert_eq!(wk(2023, 27).to_string(), "2023-W27");
        assert_eq!(wk(2024, 1).to_string(), "2024-W01");
    }

    #[test]
    fn rejects_bad_weeks() {
        for s in [
            "",
            "2023",
            "2023-27",
            "23-W27",
            "2023-W",
            "2023-W270",
            "2023--W27",
            "2023-W+1",
            "W27",
        ] {
            assert_eq!(
                Week::parse(s),
                Err(WeekError::Malformed { input: s.into() }),
                "{s}"
            );
        }
        assert_eq!(
            Week::parse("2021-W53"),
            Err(WeekError::Week {
                input: "2021-W53".into(),
                year: 2021,
                weeks: 52
            })
        );
        assert!(matches!(
            Week::parse("2023-W00"),
            Err(WeekError::Week { .. })
        ));
        assert!(matches!(Week::new(0, 1), Err(WeekError::Year { .. })));
        let err = Week::new(2021, 53).unwrap_err();
        assert_eq!(
            err.to_string(),
            "2021 has weeks 1 to 52, so \"2021-W53\" does not exist"
        );
        assert_eq!(
            err.localize(Lang::Zh).zh(),
            "2021 年只有第 1 到 52 周，\"2021-W53\" 不存在"
        );
        let err = Week::parse("x").unwrap_err();
        assert_eq!(err.localize(Lang::En).en(), err.to_string());
    }

    #[test]
    fn week_one_of_2021_starts_on_4_january() {
        let w = wk(2021, 1);
        assert_eq!(w.monday(), date(2021, 1, 4));
        assert_eq!(w.sunday(), date(2021, 1, 10));
        assert_eq!(Week::containing(date(2021, 1, 4)), w);
        assert_eq!(Week::containing(date(2021, 1, 3)), wk(2020, 53));
    }

    #[test]
    fn week_53_of_2020() {
        assert_eq!(weeks_in_year(2020), 53);
        assert_eq!(weeks_in_year(2021), 52);
        assert_eq!(weeks_in_year(2026), 53);
        let w = wk(2020, 53);
        assert_eq!(w.monday(), date(2020, 12, 28));
        assert_eq!(w.sunday(), date(2021, 1, 3));
        assert!(w.contains(date(2021, 1, 1)));
        assert!(!w.contains(date(2021, 1, 4)));
        assert_eq!(w.next(), wk(2021, 1));
        assert_eq!(wk(2021, 1).prev(), w);
        assert_eq!(wk(2021, 52).next(), wk(2022, 1));
        assert_eq!(wk(2022, 1).prev(), wk(2021, 52));
    }

    #[test]
    fn iso_year_differs_from_calendar_year() {
        // 2024-12-30 is a Monday in 2025-W01.
        assert_eq!(Week::containing(date(2024, 12, 30)), wk(2025, 1));
        assert_eq!(Week::containing(date(2023, 7, 5)), wk(2023, 27));
    }

    #[test]
    fn days_of_the_week() {
        let days = wk(2023, 27).days();
        assert_eq!(days[0], date(2023, 7, 3));
        assert_eq!(days[6], date(2023, 7, 9));
        assert_eq!(days[0].weekday(), Weekday::Mon);
        assert_eq!(days[6].weekday(), Weekday::Sun);
    }

    #[test]
    fn range_ends() {
        assert_eq!(wk(1, 1).prev(), wk(1, 1));
        let last = wk(9999, weeks_in_year(9999));
        assert_eq!(last.next(), last);
        assert_eq!(Week::containing(NaiveDate::MIN), wk(1, 1));
        assert_eq!(Week::containing(NaiveDate::MAX), last);
    }

    proptest! {
        #[test]
        fn containing_is_consistent(days in 0i64..3_000_000) {
            let d = date(1, 1, 1) + chrono::Duration::days(days);
            prop_assume!(d.year() < 9999);
            let w = Week::containing(d);
            prop_assert!(w.contains(d));
            prop_assert!(w.days().contains(&d));
            prop_assert_eq!(w.monday().weekday(), Weekday::Mon);
            prop_assert_eq!(Week::parse(&w.to_string()), Ok(w));
            prop_assert_eq!(w.next().prev(), w);
            prop_assert_eq!(w.next().monday(), w.sunday() + chrono::Duration::days(1));
        }
    }
}
