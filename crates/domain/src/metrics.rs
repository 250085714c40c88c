//! Monthly figures of an enterprise: the month they belong to, energy in coal equivalent, and
//! the record itself.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::decimal::{self, DecimalError};
use crate::i18n::{Lang, Localize, Text};
use crate::money::Yuan;
use crate::officer::EnterpriseId;

/// A calendar month of the years [`YearMonth::FIRST_YEAR`] to [`YearMonth::LAST_YEAR`]
/// (1990 to 2099: the figures a county bureau keeps; a typo such as 9999-12 is refused).
/// Orders chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: i32,
    month: u32,
}

/// Why a text or pair of numbers is not a month.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YearMonthError {
    /// Not in a recognised form.
    #[error("cannot read the month \"{input}\": expected a form like 2023-06, 2023/6 or 202306")]
    Malformed {
        /// The text as given.
        input: String,
    },
    /// The month number is not 1 to 12.
    #[error("the month in \"{input}\" must be from 1 to 12")]
    Month {
        /// The text (or `year-month`) as given.
        input: String,
    },
    /// The year is not 1990 to 2099.
    #[error("the year in \"{input}\" must be from 1990 to 2099")]
    Year {
        /// The text (or `year-month`) as given.
        input: String,
    },
}

impl Localize for YearMonthError {
    fn localize(&self, _lang: Lang) -> Text {
        let zh = match self {
            YearMonthError::Malformed { input } => {
                format!("无法识别月份 \"{input}\"：应为 2023-06、2023/6 或 202306 这样的形式")
            }
            YearMonthError::Month { input } => format!("\"{input}\" 中的月份应在 1 到 12 之间"),
            YearMonthError::Year { input } => {
                format!("\"{input}\" 中的年份应在 1990 到 2099 之间")
            }
        };
        Text::new(zh, self.to_string())
    }
}

/// Fallback for date constructions that the type's invariants make infallible.
const UNREACHABLE_DATE: NaiveDate = NaiveDate::MIN;

impl YearMonth {
    /// The first year a month may be in.
    pub const FIRST_YEAR: i32 = 1990;
    /// The last year a month may be in.
    pub const LAST_YEAR: i32 = 2099;

    /// The month `month` (1-12) of `year` (1990-2099).
    pub fn new(year: i32, month: u32) -> Result<YearMonth, YearMonthError> {
        let input = || format!("{year}-{month}");
        if !(YearMonth::FIRST_YEAR..=YearMonth::LAST_YEAR).contains(&year) {
            return Err(YearMonthError::Year { input: input() });
        }
        if !(1..=12).contains(&month) {
            return Err(YearMonthError::Month { input: input() });
        }
        Ok(YearMonth { year, month })
    }

    /// Reads `2023-06`, `2023-6`, `2023/6`, `2023.06`, `202306` or `2023年6月` (whitespace
    /// around ignored). The year has four digits, the month one or two.
    pub fn parse(s: &str) -> Result<YearMonth, YearMonthError> {
        let t = s.trim();
        let malformed = || YearMonthError::Malformed {
            input: s.to_owned(),
        };
        let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        let (y, m) = if let Some(rest) = t.strip_suffix('月') {
            rest.split_once('年').ok_or_else(malformed)?
        } else if let Some(pair) = t.split_once(['-', '/', '.']) {
            pair
        } else if t.len() == 6 && all_digits(t) {
            t.split_at(4)
        } else {
            return Err(malformed());
        };
        if y.len() != 4 || !all_digits(y) || !all_digits(m) || m.len() > 2 {
            return Err(malformed());
        }
        let year: i32 = y.parse().map_err(|_| malformed())?;
        let month: u32 = m.parse().map_err(|_| malformed())?;
        if !(YearMonth::FIRST_YEAR..=YearMonth::LAST_YEAR).contains(&year) {
            return Err(YearMonthError::Year {
                input: s.to_owned(),
            });
        }
        if !(1..=12).contains(&month) {
            return Err(YearMonthError::Month {
                input: s.to_owned(),
            });
        }
        Ok(YearMonth { year, month })
    }

    /// The month containing `date`, or `None` outside the years 1990 to 2099.
    pub fn containing(date: NaiveDate) -> Option<YearMonth> {
        YearMonth::new(date.year(), date.month()).ok()
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(UNREACHABLE_DATE)
    }

    /// The last day of the month (28th to 31st).
    pub fn last_day(self) -> NaiveDate {
        let (y, m) = if self.month == 12 {
            (self.year + 1, 1)
        } else {
            (self.year, self.month + 1)
        };
        NaiveDate::from_ymd_opt(y, m, 1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(UNREACHABLE_DATE)
    }

    /// Whether `date` falls in this month.
    pub fn contains(self, date: NaiveDate) -> bool {
        date.year() == self.year && date.month() == self.month
    }

    /// The following month; 2099-12 is its own successor (the end of the range).
    pub fn next(self) -> YearMonth {
        match (self.year, self.month) {
            (YearMonth::LAST_YEAR, 12) => self,
            (y, 12) => YearMonth {
                year: y + 1,
                month: 1,
            },
            (y, m) => YearMonth {
                year: y,
                month: m + 1,
            },
        }
    }

    /// The preceding month; 1990-01 is its own predecessor (the start of the range).
    pub fn prev(self) -> YearMonth {
        match (self.year, self.month) {
            (YearMonth::FIRST_YEAR, 1) => self,
            (y, 1) => YearMonth {
                year: y - 1,
                month: 12,
            },
            (y, m) => YearMonth {
                year: y,
                month: m - 1,
            },
        }
    }
}

impl fmt::Display for YearMonth {
    /// Prints `YYYY-MM`, e.g. `2023-06`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for YearMonth {
    type Err = YearMonthError;

    /// Same as [`YearMonth::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        YearMonth::parse(s)
    }
}

/// Energy use in kilograms of coal equivalent (1/1000 of a tonne of coal equivalent, tce),
/// exact; never negative when parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Tce(i64);

/// Why a text is not an amount of energy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TceError {
    /// Nothing but whitespace.
    #[error("the energy figure is empty")]
    Empty,
    /// Not a number of tonnes of coal equivalent.
    #[error(
        "cannot read the energy figure \"{input}\": expected tonnes of coal equivalent such as \
         12.5 or 12.5吨标准煤"
    )]
    Malformed {
        /// The text as given.
        input: String,
    },
    /// More than three decimal places.
    #[error(
        "the energy figure \"{input}\" has more than three decimal places; give it to 0.001 tce"
    )]
    TooPrecise {
        /// The text as given.
        input: String,
    },
    /// A negative figure.
    #[error("the energy figure must not be negative, got \"{input}\"")]
    Negative {
        /// The text as given.
        input: String,
    },
    /// Too large to hold.
    #[error("the energy figure \"{input}\" is too large")]
    Overflow {
        /// The text as given.
        input: String,
    },
}

impl Localize for TceError {
    fn localize(&self, _lang: Lang) -> Text {
        let zh = match self {
            TceError::Empty => "能耗数据为空".to_owned(),
            TceError::Malformed { input } => {
                format!("无法识别能耗数据 \"{input}\"：应为吨标准煤数，如 12.5 或 12.5吨标准煤")
            }
            TceError::TooPrecise { input } => {
                format!("能耗数据 \"{input}\" 超过三位小数；请精确到 0.001 吨标准煤")
            }
            TceError::Negative { input } => format!("能耗数据不能为负数，收到 \"{input}\""),
            TceError::Overflow { input } => format!("能耗数据 \"{input}\" 过大"),
        };
        Text::new(zh, self.to_string())
    }
}

impl Tce {
    /// Reads tonnes of coal equivalent with at most three decimals, optionally followed by
    /// `吨标准煤`, `吨标煤`, `吨` or `tce`: `12.5`, `12.5吨标准煤`, `1,200 tce`.
    pub fn parse(s: &str) -> Result<Tce, TceError> {
        let input = s.trim();
        let number = ["吨标准煤", "吨标煤", "吨", "tce"]
            .into_iter()
            .find_map(|suffix| input.strip_suffix(suffix))
            .unwrap_or(input);
        let owned = || input.to_owned();
        match decimal::parse_scaled(number.trim_end(), 3) {
            Ok(v) => Ok(Tce(v)),
            Err(DecimalError::Empty) if input.is_empty() => Err(TceError::Empty),
            Err(DecimalError::Empty | DecimalError::Malformed) => {
                Err(TceError::Malformed { input: owned() })
            }
            Err(DecimalError::TooPrecise) => Err(TceError::TooPrecise { input: owned() }),
            Err(DecimalError::Negative) => Err(TceError::Negative { input: owned() }),
            Err(DecimalError::Overflow) => Err(TceError::Overflow { input: owned() }),
        }
    }

    /// An amount of `kg` kilograms of coal equivalent.
    pub fn from_kgce(kg: i64) -> Tce {
        Tce(kg)
    }

    /// The amount in kilograms of coal equivalent.
    pub fn kgce(self) -> i64 {
        self.0
    }

    /// The amount with its unit: zh `12.5吨标准煤`, en `12.5 tce`.
    pub fn format(self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("{self}吨标准煤"),
            Lang::En => format!("{self} tce"),
        }
    }
}

impl fmt::Display for Tce {
    /// The exact number of tonnes without a unit, trailing zeros trimmed: `12.5`, `0.001`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal::format_scaled(self.0, 3, false))
    }
}

impl FromStr for Tce {
    type Err = TceError;

    /// Same as [`Tce::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Tce::parse(s)
    }
}

/// One enterprise's figures for one month; a figure not reported is `None`, never zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metrics {
    /// Whose figures.
    pub enterprise: EnterpriseId,
    /// Which month.
    pub month: YearMonth,
    /// Main-business revenue (主营业务收入).
    pub revenue: Option<Yuan>,
    /// Industrial output value (工业总产值).
    pub output_value: Option<Yuan>,
    /// Energy use (综合能耗).
    pub energy: Option<Tce>,
    /// Number of employees (从业人员).
    pub employees: Option<u32>,
    /// Tax paid (税收).
    pub tax: Option<Yuan>,
    /// Research and development spending (研发投入).
    pub rnd_spend: Option<Yuan>,
}

/// The most employees one enterprise may report: far above any county firm, well within
/// what every backend stores (a 32-bit integer).
pub const MAX_EMPLOYEES: u32 = 10_000_000;

/// A headcount above [`MAX_EMPLOYEES`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("employees: {value} is more than {MAX_EMPLOYEES}, the most one enterprise may report")]
pub struct EmployeesError {
    /// The headcount given.
    pub value: u64,
}

impl Localize for EmployeesError {
    fn localize(&self, _lang: Lang) -> Text {
        Text::new(
            format!(
                "从业人员：{} 超过一家企业可填报的上限 {MAX_EMPLOYEES}",
                self.value
            ),
            self.to_string(),
        )
    }
}

impl Metrics {
    /// Checks the figures' ranges: a headcount of at most [`MAX_EMPLOYEES`].
    pub fn check(&self) -> Result<(), EmployeesError> {
        match self.employees {
            Some(n) if n > MAX_EMPLOYEES => Err(EmployeesError { value: n.into() }),
            _ => Ok(()),
        }
    }

    /// A record for `enterprise` and `month` with no figure reported yet.
    pub fn empty(enterprise: EnterpriseId, month: YearMonth) -> Metrics {
        Metrics {
            enterprise,
            month,
            revenue: None,
            output_value: None,
            energy: None,
            employees: None,
            tax: None,
            rnd_spend: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ym(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn parses_month_forms() {
        for s in [
            "2023-06",
            "2023-6",
            "2023/6",
            "2023/06",
            "202306",
            "2023.06",
            " 2023年6月 ",
            "2023年06月",
        ] {
            assert_eq!(YearMonth::parse(s), Ok(ym(2023, 6)), "{s}");
        }
        assert_eq!(YearMonth::parse("2023-12"), Ok(ym(2023, 12)));
    }

    #[test]
    fn rejects_bad_months() {
        for s in [
            "", "2023", "23-06", "2023-", "2023-006", "2023-6-1", "20236", "2023年6", "abcd-06",
            "+023-06",
        ] {
            assert_eq!(
                YearMonth::parse(s),
                Err(YearMonthError::Malformed { input: s.into() }),
                "{s}"
            );
        }
        assert_eq!(
            YearMonth::parse("2023-13"),
            Err(YearMonthError::Month {
                input: "2023-13".into()
            })
        );
        assert_eq!(
            YearMonth::parse("202300"),
            Err(YearMonthError::Month {
                input: "202300".into()
            })
        );
        assert_eq!(
            YearMonth::parse("0000-01"),
            Err(YearMonthError::Year {
                input: "0000-01".into()
            })
        );
        assert!(YearMonth::new(2023, 0).is_err());
        assert!(YearMonth::new(10_000, 1).is_err());
        // A typo far in the future or past is refused, naming the range.
        let far = YearMonth::parse("9999-12").unwrap_err();
        assert_eq!(
            far,
            YearMonthError::Year {
                input: "9999-12".into()
            }
        );
        assert!(far.to_string().contains("1990 to 2099"));
        assert!(far.localize(Lang::Zh).zh().contains("1990 到 2099"));
        assert!(YearMonth::parse("1989-12").is_err());
        assert!(YearMonth::parse("2099-12").is_ok());
        let err = YearMonth::parse("2023-13").unwrap_err();
        assert_eq!(err.localize(Lang::En).en(), err.to_string());
        assert!(err.localize(Lang::Zh).zh().contains("1 到 12"));
    }

    #[test]
    fn month_days() {
        assert_eq!(ym(2023, 6).first_day(), date(2023, 6, 1));
        assert_eq!(ym(2023, 6).last_day(), date(2023, 6, 30));
        assert_eq!(ym(2024, 2).last_day(), date(2024, 2, 29));
        assert_eq!(ym(2023, 2).last_day(), date(2023, 2, 28));
        assert_eq!(ym(2023, 12).last_day(), date(2023, 12, 31));
        assert_eq!(ym(2099, 12).last_day(), date(2099, 12, 31));
        assert!(ym(2023, 6).contains(date(2023, 6, 30)));
        assert!(!ym(2023, 6).contains(date(2022, 6, 30)));
        assert_eq!(YearMonth::containing(date(2023, 6, 15)), Some(ym(2023, 6)));
    }

    #[test]
    fn next_and_prev() {
        assert_eq!(ym(2023, 12).next(), ym(2024, 1));
        assert_eq!(ym(2024, 1).prev(), ym(2023, 12));
        assert_eq!(ym(2023, 6).next(), ym(2023, 7));
        assert_eq!(ym(2099, 12).next(), ym(2099, 12));
        assert_eq!(ym(1990, 1).prev(), ym(1990, 1));
        assert!(ym(2023, 12) < ym(2024, 1));
        assert!(ym(2023, 2) < ym(2023, 10));
    }

    #[test]
    fn display() {
        assert_eq!(ym(2023, 6).to_string(), "2023-06");
        assert_eq!(ym(1990, 1).to_string(), "1990-01");
        assert_eq!(ym(2023, 6).year(), 2023);
        assert_eq!(ym(2023, 6).month(), 6);
    }

    #[test]
    fn energy() {
        assert_eq!(Tce::parse("12.5"), Ok(Tce::from_kgce(12_500)));
        assert_eq!(Tce::parse("12.5吨标准煤"), Ok(Tce(12_500)));
        assert_eq!(Tce::parse("0.001 tce"), Ok(Tce(1)));
        assert_eq!(Tce::parse("1,200吨"), Ok(Tce(1_200_000)));
        assert_eq!(Tce(12_500).to_string(), "12.5");
        assert_eq!(Tce(12_500).format(Lang::Zh), "12.5吨标准煤");
        assert_eq!(Tce(12_500).format(Lang::En), "12.5 tce");
        assert_eq!(Tce(1).kgce(), 1);
        assert_eq!(Tce::parse(""), Err(TceError::Empty));
        assert_eq!(
            Tce::parse("0.0001"),
            Err(TceError::TooPrecise {
                input: "0.0001".into()
            })
        );
        assert_eq!(
            Tce::parse("-1"),
            Err(TceError::Negative { input: "-1".into() })
        );
        assert_eq!(
            Tce::parse("吨"),
            Err(TceError::Malformed {
                input: "吨".into()
            })
        );
        assert!(matches!(
            Tce::parse("99999999999999999"),
            Err(TceError::Overflow { .. })
        ));
        for err in [
            TceError::Empty,
            TceError::Malformed { input: "x".into() },
            TceError::TooPrecise { input: "x".into() },
            TceError::Negative { input: "x".into() },
            TceError::Overflow { input: "x".into() },
        ] {
            assert!(err.localize(Lang::Zh).zh().contains("能耗"));
            assert_eq!(err.localize(Lang::En).en(), err.to_string());
        }
    }

    #[test]
    fn empty_metrics() {
        let m = Metrics::empty(EnterpriseId::new(), ym(2023, 6));
        assert_eq!(m.revenue, None);
        assert_eq!(m.employees, None);
        assert!(m.check().is_ok());
        // Between 2^31 and 2^32: refused by name, never stored as an invalid value.
        let big = Metrics {
            employees: Some(3_000_000_000),
            ..m
        };
        let e = big.check().unwrap_err();
        assert!(e.to_string().starts_with("employees: 3000000000"), "{e}");
    }

    proptest! {
        #[test]
        fn month_display_round_trips(y in 1990i32..=2099, m in 1u32..=12) {
            let v = ym(y, m);
            prop_assert_eq!(YearMonth::parse(&v.to_string()), Ok(v));
            if v != ym(2099, 12) {
                prop_assert_eq!(v.next().prev(), v);
                prop_assert!(v.next() > v);
            }
            if v != ym(1990, 1) {
                prop_assert_eq!(v.prev().next(), v);
            }
            prop_assert!(v.first_day() <= v.last_day());
            prop_assert_eq!(YearMonth::containing(v.last_day()), Some(v));
        }

        #[test]
        fn tce_display_round_trips(kg in 0i64..=i64::MAX) {
            prop_assert_eq!(Tce::parse(&Tce(kg).to_string()), Ok(Tce(kg)));
        }
    }
}
