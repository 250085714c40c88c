//! Figures from monthly metrics: year-to-date and trailing-12-month sums, and year-on-year
//! growth. Exact integer arithmetic throughout, every sum checked: a total beyond what an `i64`
//! of yuan holds is a [`TooLarge`] naming the figure and the months, never a wrapped or
//! saturated total. A month without a figure is reported as missing, never counted as zero.

use chrono::NaiveDate;
use peiyu_domain::{Lang, Localize, Metrics, Text, YearMonth, Yuan};

/// Which monthly figure to add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Figure {
    /// Main-business revenue (营业收入 / 主营业务收入).
    Revenue,
    /// Output value (产值).
    OutputValue,
}

impl Figure {
    /// The figure's value in one month's metrics, if recorded.
    pub fn of(self, m: &Metrics) -> Option<Yuan> {
        match self {
            Figure::Revenue => m.revenue,
            Figure::OutputValue => m.output_value,
        }
    }

    /// The figure's name: zh 营业收入 / 产值, en revenue / output value.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Figure::Revenue, Lang::Zh) => "营业收入",
            (Figure::Revenue, Lang::En) => "revenue",
            (Figure::OutputValue, Lang::Zh) => "产值",
            (Figure::OutputValue, Lang::En) => "output value",
        }
    }
}

/// Over which months a figure is summed, ending at an "as of" month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    /// January of the as-of month's year up to the as-of month (本年累计). Written `ytd`.
    YearToDate,
    /// The twelve months ending with the as-of month (近12个月). Written `trailing_12m`.
    Trailing12Months,
}

impl Basis {
    /// Reads `ytd` or `trailing_12m`.
    pub fn parse(s: &str) -> Option<Basis> {
        match s {
            "ytd" => Some(Basis::YearToDate),
            "trailing_12m" => Some(Basis::Trailing12Months),
            _ => None,
        }
    }

    /// The basis as written in a track file.
    pub fn key(self) -> &'static str {
        match self {
            Basis::YearToDate => "ytd",
            Basis::Trailing12Months => "trailing_12m",
        }
    }

    /// The basis as an adjective: zh 本年累计 / 近12个月累计, en year-to-date / trailing
    /// 12-month.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Basis::YearToDate, Lang::Zh) => "本年累计",
            (Basis::YearToDate, Lang::En) => "year-to-date",
            (Basis::Trailing12Months, Lang::Zh) => "近12个月累计",
            (Basis::Trailing12Months, Lang::En) => "trailing 12-month",
        }
    }

    /// The first month of the period that ends with `as_of`.
    pub fn first_month(self, as_of: YearMonth) -> YearMonth {
        match self {
            Basis::YearToDate => YearMonth::new(as_of.year(), 1).unwrap_or(as_of),
            Basis::Trailing12Months => (0..11).fold(as_of, |m, _| m.prev()),
        }
    }
}

/// The last month whose figures can be complete on `date`: the month before `date`'s month
/// (a move effective on 2023-10-08 is judged on figures up to 2023-09). `None` outside years 1
/// to 9999.
pub fn last_complete_month(date: NaiveDate) -> Option<YearMonth> {
    YearMonth::containing(date).map(YearMonth::prev)
}

/// A figure summed over the months `from..=to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Total {
    /// Which figure.
    pub figure: Figure,
    /// The first month summed.
    pub from: YearMonth,
    /// The last month summed.
    pub to: YearMonth,
    /// The sum of the months that have the figure.
    pub sum: Yuan,
    /// The months in `from..=to` without the figure, in order; the sum leaves them out.
    pub missing: Vec<YearMonth>,
}

impl Total {
    /// Whether every month of the period has the figure.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }

    /// The missing months, runs of consecutive months written as ranges:
    /// `2022-03..2023-02, 2023-05`.
    pub fn missing_list(&self) -> String {
        let mut runs: Vec<(YearMonth, YearMonth)> = Vec::new();
        for &m in &self.missing {
            match runs.last_mut() {
                Some((_, end)) if end.next() == m => *end = m,
                _ => runs.push((m, m)),
            }
        }
        runs.iter()
            .map(|(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}..{b}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A figure whose sum over a period is beyond what can be held (more than `i64::MAX` yuan):
/// figures entered with extra digits. Names the figure and the months.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {} summed over {from} to {to} is too large to hold: check the figures entered (extra digits?)", .figure.label(Lang::En))]
pub struct TooLarge {
    /// Which figure.
    pub figure: Figure,
    /// The first month summed.
    pub from: YearMonth,
    /// The last month summed.
    pub to: YearMonth,
}

impl Localize for TooLarge {
    fn localize(&self, _lang: Lang) -> Text {
        Text::new(
            format!(
                "{}（{}至{}）合计超出可表示的范围：请核对录入的数字（是否多写了几位）",
                self.figure.label(Lang::Zh),
                self.from,
                self.to
            ),
            self.to_string(),
        )
    }
}

/// The sum of `figure` over `from..=to` (empty when `to < from`), taking for each month the first
/// entry of `metrics` for that month. `metrics` should be one enterprise's. A sum beyond
/// `i64::MAX` yuan (or below `i64::MIN`) is [`TooLarge`].
pub fn sum_months(
    metrics: &[Metrics],
    figure: Figure,
    from: YearMonth,
    to: YearMonth,
) -> Result<Total, TooLarge> {
    let mut sum = Yuan::ZERO;
    let mut missing = Vec::new();
    let mut month = from;
    while month <= to {
        match metrics
            .iter()
            .find(|m| m.month == month)
            .and_then(|m| figure.of(m))
        {
            Some(v) => {
                sum = sum.checked_add(v).ok_or(TooLarge { figure, from, to })?;
            }
            None => missing.push(month),
        }
        if month.next() == month {
            break;
        }
        month = month.next();
    }
    Ok(Total {
        figure,
        from,
        to,
        sum,
        missing,
    })
}

/// The figure summed on `basis` up to and including `as_of`.
pub fn total(
    metrics: &[Metrics],
    figure: Figure,
    basis: Basis,
    as_of: YearMonth,
) -> Result<Total, TooLarge> {
    sum_months(metrics, figure, basis.first_month(as_of), as_of)
}

/// Year-to-date sum: January to `as_of` of `as_of`'s year.
pub fn year_to_date(
    metrics: &[Metrics],
    figure: Figure,
    as_of: YearMonth,
) -> Result<Total, TooLarge> {
    total(metrics, figure, Basis::YearToDate, as_of)
}

/// Trailing-12-month sum: the twelve months ending with `as_of`.
pub fn trailing_12_months(
    metrics: &[Metrics],
    figure: Figure,
    as_of: YearMonth,
) -> Result<Total, TooLarge> {
    total(metrics, figure, Basis::Trailing12Months, as_of)
}

/// An exact ratio of two integers; the denominator is never zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    numerator: i64,
    denominator: i64,
}

impl Ratio {
    /// `numerator / denominator`, or `None` when the denominator is zero.
    pub fn new(numerator: i64, denominator: i64) -> Option<Ratio> {
        (denominator != 0).then_some(Ratio {
            numerator,
            denominator,
        })
    }

    /// The numerator.
    pub fn numerator(self) -> i64 {
        self.numerator
    }

    /// The denominator (never zero).
    pub fn denominator(self) -> i64 {
        self.denominator
    }

    /// The ratio in basis points (1/10 000), rounded half away from zero: 0.125 is 1250.
    /// Saturates at the `i64` bounds.
    pub fn basis_points(self) -> i64 {
        let num = i128::from(self.numerator) * 10_000;
        let den = i128::from(self.denominator);
        let (q, r) = (num / den, num % den);
        let round_away = r.abs() * 2 >= den.abs();
        let negative = (num < 0) != (den < 0);
        let q = match (round_away, negative) {
            (true, true) => q - 1,
            (true, false) => q + 1,
            (false, _) => q,
        };
        i64::try_from(q).unwrap_or(if q < 0 { i64::MIN } else { i64::MAX })
    }

    /// The ratio as a percentage with one decimal, e.g. `12.5%` or `-3.0%` (from the basis
    /// points, so rounding happens once).
    pub fn percent(self) -> String {
        let bp = self.basis_points();
        let tenths = {
            let t = bp / 10;
            let r = bp % 10;
            if r.abs() >= 5 { t + r.signum() } else { t }
        };
        let sign = if tenths < 0 { "-" } else { "" };
        let abs = tenths.unsigned_abs();
        format!("{sign}{}.{}%", abs / 10, abs % 10)
    }
}

/// Year-on-year growth of a figure: this period against the same months a year earlier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Growth {
    /// The period ending with the as-of month.
    pub current: Total,
    /// The same months one year earlier.
    pub previous: Total,
    /// `(current − previous) / previous`; `None` when either period misses months or the
    /// previous sum is zero (growth is then undefined, not zero).
    pub rate: Option<Ratio>,
}

impl Growth {
    /// The growth in basis points, if defined.
    pub fn basis_points(&self) -> Option<i64> {
        self.rate.map(Ratio::basis_points)
    }

    /// A sentence for people, e.g. en "year-to-date revenue 2,400万元, up 20.0% on 2,000万元
    /// a year earlier", or which months are missing.
    pub fn describe(&self, basis: Basis) -> Text {
        let fig = self.current.figure;
        let missing: Vec<String> = self
            .previous
            .missing
            .iter()
            .chain(&self.current.missing)
            .map(ToString::to_string)
            .collect();
        if !missing.is_empty() {
            let list = missing.join(", ");
            return Text::new(
                format!("{list} 没有{}数据，无法计算同比增速", fig.label(Lang::Zh)),
                format!(
                    "no {} recorded for {list}: year-on-year growth cannot be computed",
                    fig.label(Lang::En)
                ),
            );
        }
        let cur = self.current.sum.format_wan_rounded(0);
        let prev = self.previous.sum.format_wan_rounded(0);
        match self.rate {
            Some(rate) => Text::new(
                format!(
                    "{}{} {cur}，同比增长 {}（上年同期 {prev}）",
                    basis.label(Lang::Zh),
                    fig.label(Lang::Zh),
                    rate.percent()
                ),
                format!(
                    "{} {} {cur}, {} {} on {prev} a year earlier",
                    basis.label(Lang::En),
                    fig.label(Lang::En),
                    if rate.basis_points() < 0 {
                        "down"
                    } else {
                        "up"
                    },
                    rate.percent().trim_start_matches('-')
                ),
            ),
            None => Text::new(
                format!(
                    "{}{} {cur}，上年同期为零，无法计算同比增速",
                    basis.label(Lang::Zh),
                    fig.label(Lang::Zh)
                ),
                format!(
                    "{} {} {cur}; nothing a year earlier, so growth is undefined",
                    basis.label(Lang::En),
                    fig.label(Lang::En)
                ),
            ),
        }
    }
}

/// Year-on-year growth of `figure` on `basis` as of `as_of`; [`TooLarge`] when either period's
/// sum cannot be held. A difference of two sums that cannot be held leaves the rate undefined.
pub fn year_on_year(
    metrics: &[Metrics],
    figure: Figure,
    basis: Basis,
    as_of: YearMonth,
) -> Result<Growth, TooLarge> {
    let current = total(metrics, figure, basis, as_of)?;
    let year_earlier = YearMonth::new(as_of.year() - 1, as_of.month()).unwrap_or(as_of);
    let previous = total(metrics, figure, basis, year_earlier)?;
    let rate = if current.is_complete() && previous.is_complete() {
        current
            .sum
            .checked_sub(previous.sum)
            .and_then(|diff| Ratio::new(diff.amount(), previous.sum.amount()))
    } else {
        None
    };
    Ok(Growth {
        current,
        previous,
        rate,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use peiyu_domain::EnterpriseId;

    pub(crate) fn ym(s: &str) -> YearMonth {
        s.parse().unwrap()
    }

    /// Monthly metrics with the given revenue (万元) and output value = revenue + 10%.
    pub(crate) fn months(from: &str, wan: &[Option<i64>]) -> Vec<Metrics> {
        let id = EnterpriseId(Default::default());
        let mut month = ym(from);
        let mut out = Vec::new();
        for w in wan {
            let mut m = Metrics::empty(id, month);
            m.revenue = w.map(Yuan::from_wan);
            m.output_value = w.map(|w| Yuan::from_wan(w + w / 10));
            out.push(m);
            month = month.next();
        }
        out
    }

    #[test]
    fn ytd_and_trailing_sums() {
        let m = months("2022-10", &[Some(100); 12]);
        let ytd = year_to_date(&m, Figure::Revenue, ym("2023-09")).unwrap();
        assert_eq!((ytd.from, ytd.to), (ym("2023-01"), ym("2023-09")));
        assert_eq!(ytd.sum, Yuan::from_wan(900));
        assert!(ytd.is_complete());
        let t12 = trailing_12_months(&m, Figure::Revenue, ym("2023-09")).unwrap();
        assert_eq!((t12.from, t12.to), (ym("2022-10"), ym("2023-09")));
        assert_eq!(t12.sum, Yuan::from_wan(1200));
        let out = year_to_date(&m, Figure::OutputValue, ym("2023-03")).unwrap();
        assert_eq!(out.sum, Yuan::from_wan(330));
    }

    #[test]
    fn missing_months_are_reported_not_zero() {
        let m = months("2023-01", &[Some(100), None, Some(100), None]);
        let ytd = year_to_date(&m, Figure::Revenue, ym("2023-05")).unwrap();
        assert_eq!(ytd.sum, Yuan::from_wan(200));
        assert_eq!(
            ytd.missing,
            vec![ym("2023-02"), ym("2023-04"), ym("2023-05")]
        );
        assert_eq!(ytd.missing_list(), "2023-02, 2023-04..2023-05");
        assert!(!ytd.is_complete());
    }

    #[test]
    fn year_on_year_growth_in_basis_points() {
        let mut wan = vec![Some(100); 12];
        wan.extend([Some(125); 9]);
        let m = months("2022-01", &wan);
        let g = year_on_year(&m, Figure::Revenue, Basis::YearToDate, ym("2023-09")).unwrap();
        assert_eq!(g.basis_points(), Some(2500));
        assert_eq!(
            g.describe(Basis::YearToDate).en(),
            "year-to-date revenue 1,125万元, up 25.0% on 900万元 a year earlier"
        );
        // Trailing 12 months to 2023-09: 3 × 100 + 9 × 125 = 1425 against 2022-09's 9 × 100
        // with 2021-10..2021-12 missing: undefined.
        let t = year_on_year(&m, Figure::Revenue, Basis::Trailing12Months, ym("2023-09")).unwrap();
        assert_eq!(t.rate, None);
        assert!(t.describe(Basis::Trailing12Months).en().contains("2021-10"));
    }

    #[test]
    fn ratios_round_half_away_from_zero() {
        assert_eq!(Ratio::new(1, 8).unwrap().basis_points(), 1250);
        assert_eq!(Ratio::new(1, 3).unwrap().basis_points(), 3333);
        assert_eq!(Ratio::new(2, 3).unwrap().basis_points(), 6667);
        assert_eq!(Ratio::new(-2, 3).unwrap().basis_points(), -6667);
        assert_eq!(Ratio::new(1, 20_000).unwrap().basis_points(), 1);
        assert_eq!(Ratio::new(-1, 20_000).unwrap().basis_points(), -1);
        assert_eq!(Ratio::new(1, 0), None);
        assert_eq!(Ratio::new(-1, 40).unwrap().percent(), "-2.5%");
        assert_eq!(Ratio::new(0, 40).unwrap().percent(), "0.0%");
        assert_eq!(Ratio::new(i64::MAX, 1).unwrap().basis_points(), i64::MAX);
    }

    #[test]
    fn last_complete_month_is_the_previous_month() {
        assert_eq!(
            last_complete_month("2023-10-08".parse().unwrap()),
            Some(ym("2023-09"))
        );
        assert_eq!(
            last_complete_month("2024-01-15".parse().unwrap()),
            Some(ym("2023-12"))
        );
    }

    #[test]
    fn a_sum_beyond_what_can_be_held_is_an_error_naming_the_figure() {
        let mut m = months("2023-01", &[Some(1); 3]);
        m[0].revenue = Some(Yuan(i64::MAX));
        m[1].revenue = Some(Yuan(1));
        let e = year_to_date(&m, Figure::Revenue, ym("2023-03")).unwrap_err();
        assert_eq!(e.figure, Figure::Revenue);
        assert_eq!((e.from, e.to), (ym("2023-01"), ym("2023-03")));
        assert!(e.to_string().contains("revenue"), "{e}");
        assert!(e.localize(Lang::Zh).zh().contains("营业收入"), "{e}");
        // The other figure of the same months still sums.
        assert!(year_to_date(&m, Figure::OutputValue, ym("2023-03")).is_ok());
        assert!(year_on_year(&m, Figure::Revenue, Basis::YearToDate, ym("2023-03")).is_err());
    }

    proptest::proptest! {
        /// Any amounts: the checked sum equals the exact (i128) sum when it fits, and is an
        /// error naming the figure when it does not; never a wrapped or saturated total.
        #[test]
        fn sums_are_exact_or_an_error(amounts in proptest::collection::vec(proptest::num::i64::ANY, 0..12)) {
            let id = EnterpriseId(Default::default());
            let mut month = ym("2023-01");
            let mut m = Vec::new();
            for a in &amounts {
                let mut x = Metrics::empty(id, month);
                x.output_value = Some(Yuan(*a));
                m.push(x);
                month = month.next();
            }
            let exact: i128 = amounts.iter().map(|a| i128::from(*a)).sum();
            let partial_overflows = amounts
                .iter()
                .scan(0i128, |acc, a| { *acc += i128::from(*a); Some(*acc) })
                .any(|p| i64::try_from(p).is_err());
            match sum_months(&m, Figure::OutputValue, ym("2023-01"), ym("2023-12")) {
                Ok(t) => {
                    proptest::prop_assert!(!partial_overflows);
                    proptest::prop_assert_eq!(i128::from(t.sum.amount()), exact);
                    proptest::prop_assert_eq!(t.missing.len(), 12 - amounts.len());
                }
                Err(e) => {
                    proptest::prop_assert!(partial_overflows);
                    proptest::prop_assert_eq!(e.figure, Figure::OutputValue);
                    proptest::prop_assert!(e.to_string().contains("output value"));
                }
            }
        }
    }
}
