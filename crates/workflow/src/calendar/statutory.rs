//! Provisional years: the days off that the holiday law itself fixes, for a year whose State
//! Council notice has not been loaded yet.
//!
//! The rules are those of 《全国年节及纪念日放假办法》 in the version in force in the year:
//!
//! | in force  | 元旦 | 春节                 | 清明 | 劳动节     | 端午 | 中秋 | 国庆        |
//! |-----------|------|----------------------|------|------------|------|------|-------------|
//! | 2000–2007 | 1    | 3: 初一 to 初三      | –    | 3: 1–3 May | –    | –    | 3: 1–3 Oct  |
//! | 2008–2013 | 1    | 3: 除夕 to 初二      | 1    | 1: 1 May   | 1    | 1    | 3: 1–3 Oct  |
//! | 2014–2024 | 1    | 3: 初一 to 初三      | 1    | 1: 1 May   | 1    | 1    | 3: 1–3 Oct  |
//! | 2025–     | 1    | 4: 除夕 to 初三      | 1    | 2: 1–2 May | 1    | 1    | 3: 1–3 Oct  |
//!
//! 清明 is the day of the solar term; the lunar dates and the solar term come from the
//! `tyme4rs` crate. Article 6 of every version says that a holiday for all citizens that falls
//! on a Saturday or a Sunday is made up on working days (适逢星期六、星期日，应当在工作日补假):
//! each such day is made up on the next weekday after the holiday that is not itself a holiday
//! or already a made-up day. Two holidays on the same date (中秋 on 1 October) are made up the
//! same way, as the notices do. Make-up *workdays* (调休上班) are never invented: only a notice
//! sets them.

use std::collections::BTreeSet;
use std::sync::{LazyLock, OnceLock};

use chrono::{Datelike, NaiveDate};
use tyme4rs::tyme::lunar::LunarDay;
use tyme4rs::tyme::solar::{SolarDay, SolarTerm};

/// The first year provisional rules cover (the five-day week and the 1999 rules are in force).
pub const FIRST_YEAR: i32 = 2000;
/// The last year provisional rules cover (the lunar data of the crate reaches further; a bound
/// keeps every date a person can enter meaningful).
pub const LAST_YEAR: i32 = 2100;

/// One statutory holiday of a provisional year: its name and its statutory dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatutoryHoliday {
    /// Its name in Chinese (元旦, 春节, …).
    pub name_zh: &'static str,
    /// Its name in English.
    pub name_en: &'static str,
    /// The statutory days, ascending.
    pub days: Vec<NaiveDate>,
    /// The weekdays after it given off because a statutory day fell on a weekend or on another
    /// holiday (补假), ascending.
    pub made_up: Vec<NaiveDate>,
}

/// A provisional year: the statutory holidays and every day off they give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionalYear {
    /// The year.
    pub year: i32,
    /// The holidays in date order.
    pub holidays: Vec<StatutoryHoliday>,
    /// Every statutory day and made-up day off; all lie in the year itself (春节 always falls
    /// in January or February).
    pub days_off: BTreeSet<NaiveDate>,
}

/// The provisional year `year`, or `None` outside [`FIRST_YEAR`]..=[`LAST_YEAR`]. Computed once
/// per process and year.
pub fn provisional_year(year: i32) -> Option<&'static ProvisionalYear> {
    static YEARS: LazyLock<Vec<OnceLock<Option<ProvisionalYear>>>> = LazyLock::new(|| {
        (FIRST_YEAR..=LAST_YEAR)
            .map(|_| OnceLock::new())
            .collect::<Vec<_>>()
    });
    let index = usize::try_from(year.checked_sub(FIRST_YEAR)?).ok()?;
    YEARS.get(index)?.get_or_init(|| compute(year)).as_ref()
}

/// The rules version in force in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rules {
    /// 1999 revision, in force 2000–2007.
    Of1999,
    /// 2007 revision, in force 2008–2013.
    Of2007,
    /// 2013 revision, in force 2014–2024.
    Of2013,
    /// 2024 revision, in force from 2025.
    Of2024,
}

impl Rules {
    fn of(year: i32) -> Rules {
        match year {
            ..=2007 => Rules::Of1999,
            2008..=2013 => Rules::Of2007,
            2014..=2024 => Rules::Of2013,
            _ => Rules::Of2024,
        }
    }
}

fn ymd(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

fn to_naive(day: SolarDay) -> Option<NaiveDate> {
    let month = u32::try_from(day.get_month()).ok()?;
    let d = u32::try_from(day.get_day()).ok()?;
    NaiveDate::from_ymd_opt(i32::try_from(day.get_year()).ok()?, month, d)
}

/// The solar date of a lunar month and day in the lunar year that starts in `year`.
fn lunar(year: i32, month: isize, day: usize) -> Option<NaiveDate> {
    let year = isize::try_from(year).ok()?;
    LunarDay::validate(year, month, day).ok()?;
    to_naive(LunarDay::from_ymd(year, month, day).get_solar_day())
}

fn qingming(year: i32) -> Option<NaiveDate> {
    let year = isize::try_from(year).ok()?;
    let term = SolarTerm::new(year, "清明").ok()?;
    to_naive(term.get_julian_day().get_solar_day())
}

fn run(first: NaiveDate, days: u32) -> Vec<NaiveDate> {
    first.iter_days().take(days as usize).collect()
}

fn compute(year: i32) -> Option<ProvisionalYear> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return None;
    }
    let rules = Rules::of(year);
    let new_year = lunar(year, 1, 1)?;
    let eve = new_year.pred_opt()?;
    let mut holidays: Vec<(&'static str, &'static str, Vec<NaiveDate>)> =
        vec![("元旦", "New Year's Day", vec![ymd(year, 1, 1)?])];
    let spring = match rules {
        Rules::Of1999 | Rules::Of2013 => run(new_year, 3),
        Rules::Of2007 => run(eve, 3),
        Rules::Of2024 => run(eve, 4),
    };
    holidays.push(("春节", "Spring Festival", spring));
    if rules != Rules::Of1999 {
        holidays.push(("清明节", "Qingming Festival", vec![qingming(year)?]));
    }
    let labour = match rules {
        Rules::Of1999 => run(ymd(year, 5, 1)?, 3),
        Rules::Of2007 | Rules::Of2013 => run(ymd(year, 5, 1)?, 1),
        Rules::Of2024 => run(ymd(year, 5, 1)?, 2),
    };
    holidays.push(("劳动节", "Labour Day", labour));
    if rules != Rules::Of1999 {
        holidays.push(("端午节", "Dragon Boat Festival", vec![lunar(year, 5, 5)?]));
        holidays.push(("中秋节", "Mid-Autumn Festival", vec![lunar(year, 8, 15)?]));
    }
    holidays.push(("国庆节", "National Day", run(ymd(year, 10, 1)?, 3)));
    holidays.sort_by_key(|(_, _, days)| days.first().copied());

    let statutory: BTreeSet<NaiveDate> = holidays.iter().flat_map(|h| h.2.clone()).collect();
    let mut days_off = statutory.clone();
    let mut seen = BTreeSet::new();
    let mut result = Vec::with_capacity(holidays.len());
    for (name_zh, name_en, days) in holidays {
        // A day that falls on a weekend, or that another holiday already took, is made up.
        let owed = days
            .iter()
            .filter(|d| is_weekend(**d) || !seen.insert(**d))
            .count();
        let mut made_up = Vec::with_capacity(owed);
        let mut day = *days.last()?;
        while made_up.len() < owed {
            day = day.succ_opt()?;
            if !is_weekend(day) && !days_off.contains(&day) {
                made_up.push(day);
                days_off.insert(day);
            }
        }
        result.push(StatutoryHoliday {
            name_zh,
            name_en,
            days,
            made_up,
        });
    }
    Some(ProvisionalYear {
        year,
        holidays: result,
        days_off,
    })
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn holiday<'a>(year: &'a ProvisionalYear, name: &str) -> &'a StatutoryHoliday {
        year.holidays.iter().find(|h| h.name_zh == name).unwrap()
    }

    #[test]
    fn year_2027_follows_the_2024_rules() {
        let y = provisional_year(2027).unwrap();
        // 元旦 2027-01-01 is a Friday: nothing to make up.
        assert_eq!(holiday(y, "元旦").days, [d("2027-01-01")]);
        assert!(holiday(y, "元旦").made_up.is_empty());
        // 春节: 除夕 Fri 02-05 to 初三 Mon 02-08; Saturday and Sunday made up Tue and Wed.
        let spring = holiday(y, "春节");
        assert_eq!(
            spring.days,
            [
                d("2027-02-05"),
                d("2027-02-06"),
                d("2027-02-07"),
                d("2027-02-08")
            ]
        );
        assert_eq!(spring.made_up, [d("2027-02-09"), d("2027-02-10")]);
        assert_eq!(holiday(y, "清明节").days, [d("2027-04-05")]);
        // 劳动节: Sat 05-01 and Sun 05-02, made up Mon 05-03 and Tue 05-04.
        assert_eq!(
            holiday(y, "劳动节").made_up,
            [d("2027-05-03"), d("2027-05-04")]
        );
        assert_eq!(holiday(y, "端午节").days, [d("2027-06-09")]);
        assert_eq!(holiday(y, "中秋节").days, [d("2027-09-15")]);
        // 国庆: Fri 10-01, Sat, Sun; two made up on Mon 10-04 and Tue 10-05.
        assert_eq!(
            holiday(y, "国庆节").made_up,
            [d("2027-10-04"), d("2027-10-05")]
        );
    }

    #[test]
    fn coinciding_holidays_are_made_up() {
        // 2031: 中秋 falls on 1 October, a Wednesday.
        let y = provisional_year(2031).unwrap();
        assert_eq!(holiday(y, "中秋节").days, [d("2031-10-01")]);
        let national = holiday(y, "国庆节");
        assert_eq!(
            national.days,
            [d("2031-10-01"), d("2031-10-02"), d("2031-10-03")]
        );
        // 10-01..03 are Wednesday to Friday; 中秋 already took 10-01, so one day is owed, and
        // the first weekday after the holiday is Monday 10-06.
        assert_eq!(national.made_up, [d("2031-10-06")]);
    }

    #[test]
    fn earlier_rules_apply_to_earlier_years() {
        let y2005 = provisional_year(2005).unwrap();
        assert!(y2005.holidays.iter().all(|h| h.name_zh != "清明节"));
        assert_eq!(holiday(y2005, "劳动节").days.len(), 3);
        let y2010 = provisional_year(2010).unwrap();
        // 2008–2013: 除夕 to 初二. Lunar new year 2010 was 14 February.
        assert_eq!(
            holiday(y2010, "春节").days,
            [d("2010-02-13"), d("2010-02-14"), d("2010-02-15")]
        );
        let y2020 = provisional_year(2020).unwrap();
        assert_eq!(
            holiday(y2020, "春节").days,
            [d("2020-01-25"), d("2020-01-26"), d("2020-01-27")]
        );
    }

    #[test]
    fn the_range_is_bounded() {
        assert!(provisional_year(FIRST_YEAR - 1).is_none());
        assert!(provisional_year(LAST_YEAR + 1).is_none());
        assert!(provisional_year(FIRST_YEAR).is_some());
        assert!(provisional_year(LAST_YEAR).is_some());
    }

    #[test]
    fn every_covered_year_has_its_holidays() {
        for year in FIRST_YEAR..=LAST_YEAR {
            let y = provisional_year(year).unwrap();
            for h in &y.holidays {
                assert!(!h.days.is_empty(), "{year} {}", h.name_zh);
                for day in &h.days {
                    assert!(y.days_off.contains(day));
                }
            }
        }
    }
}
