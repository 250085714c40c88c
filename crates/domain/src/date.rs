//! Reading a day typed by a person: `2023-06-30`, with a day that does not exist (2023-02-29)
//! named as such rather than as a format error, and years within a stated range.

use chrono::{Datelike, NaiveDate};

use crate::i18n::{Lang, Localize, Text};

/// The first year a day may be in.
pub const FIRST_DAY_YEAR: i32 = 1900;
/// The last year a day may be in.
pub const LAST_DAY_YEAR: i32 = 2099;

/// Why a text is not a day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DayError {
    /// Not in the form `YYYY-MM-DD`.
    #[error("a date must look like YYYY-MM-DD, e.g. 2023-09-28, got \"{input}\"")]
    Malformed {
        /// The text as given (at most its first 100 characters).
        input: String,
    },
    /// The month is not 1 to 12.
    #[error("{input} is not a day: the month must be from 1 to 12")]
    Month {
        /// The text as given.
        input: String,
    },
    /// The year and month exist but the day does not (2023-02-29, 2023-04-31).
    #[error("{input} does not exist: {year}-{month:02} has {days} days")]
    NoSuchDay {
        /// The text as given.
        input: String,
        /// The year.
        year: i32,
        /// The month.
        month: u32,
        /// How many days that month has.
        days: u32,
    },
    /// The year is outside 1900 to 2099.
    #[error("{input} is out of range: the year must be from 1900 to 2099")]
    Year {
        /// The text as given.
        input: String,
    },
}

impl Localize for DayError {
    fn localize(&self, _lang: Lang) -> Text {
        let zh = match self {
            DayError::Malformed { input } => {
                format!("日期应为 YYYY-MM-DD 格式，如 2023-09-28，收到「{input}」")
            }
            DayError::Month { input } => format!("「{input}」不是日期：月份应在 1 到 12 之间"),
            DayError::NoSuchDay {
                input,
                year,
                month,
                days,
            } => format!("{input} 这一天不存在：{year} 年 {month} 月只有 {days} 天"),
            DayError::Year { input } => {
                format!("「{input}」超出范围：年份应在 1900 到 2099 之间")
            }
        };
        Text::new(zh, self.to_string())
    }
}

/// At most the first 100 characters of `text`, with `…` when cut: what a message quotes.
pub fn excerpt(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(100).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// How many days `month` of `year` has.
fn days_in(year: i32, month: u32) -> u32 {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next.and_then(|d| d.pred_opt()).map_or(31, |d| d.day())
}

/// Reads `YYYY-MM-DD` (month and day of one or two digits; whitespace around ignored). A day
/// that does not exist is [`DayError::NoSuchDay`], naming how many days its month has.
pub fn parse_day(text: &str) -> Result<NaiveDate, DayError> {
    let t = text.trim();
    let input = excerpt(t);
    let malformed = || DayError::Malformed {
        input: input.clone(),
    };
    let mut parts = t.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed());
    };
    let digits = |p: &str, max: usize| {
        !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit())
    };
    if y.len() != 4 || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return Err(malformed());
    }
    let (Ok(year), Ok(month), Ok(day)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>())
    else {
        return Err(malformed());
    };
    if !(FIRST_DAY_YEAR..=LAST_DAY_YEAR).contains(&year) {
        return Err(DayError::Year { input });
    }
    if !(1..=12).contains(&month) {
        return Err(DayError::Month { input });
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| DayError::NoSuchDay {
        input: input.clone(),
        year,
        month,
        days: days_in(year, month),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_day_that_does_not_exist_is_named_as_such() {
        let e = parse_day("2023-02-29").unwrap_err();
        assert_eq!(
            e,
            DayError::NoSuchDay {
                input: "2023-02-29".into(),
                year: 2023,
                month: 2,
                days: 28
            }
        );
        assert_eq!(
            e.to_string(),
            "2023-02-29 does not exist: 2023-02 has 28 days"
        );
        assert!(e.localize(Lang::Zh).zh().contains("这一天不存在"));
        assert!(parse_day("2024-02-29").is_ok());
        assert!(matches!(
            parse_day("2023-04-31"),
            Err(DayError::NoSuchDay { days: 30, .. })
        ));
        assert!(matches!(
            parse_day("2023-13-01"),
            Err(DayError::Month { .. })
        ));
        assert!(matches!(
            parse_day("9999-01-01"),
            Err(DayError::Year { .. })
        ));
        assert!(matches!(
            parse_day("2023/02/28"),
            Err(DayError::Malformed { .. })
        ));
        assert_eq!(
            parse_day(" 2023-6-5 ").unwrap(),
            NaiveDate::from_ymd_opt(2023, 6, 5).unwrap()
        );
    }

    #[test]
    fn a_long_input_is_quoted_at_most_100_characters() {
        let long = "9".repeat(100_000);
        let text = parse_day(&long).unwrap_err().to_string();
        assert!(text.len() < 200, "{}", text.len());
        assert_eq!(excerpt("短"), "短");
    }

    proptest! {
        #[test]
        fn every_real_day_reads_back(days in 0i64..73_000) {
            let day = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
            prop_assume!(day.year() <= LAST_DAY_YEAR);
            prop_assert_eq!(parse_day(&day.format("%Y-%m-%d").to_string()), Ok(day));
        }

        #[test]
        fn any_text_is_a_day_or_a_named_error(text in "\\PC{0,30}") {
            match parse_day(&text) {
                Ok(day) => prop_assert!((FIRST_DAY_YEAR..=LAST_DAY_YEAR).contains(&day.year())),
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }
}
