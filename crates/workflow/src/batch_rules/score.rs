//! The per-mu weighted score of one enterprise for one year, in exact integer arithmetic.

use std::cmp::Ordering;
use std::fmt;

use peiyu_domain::Text;

use super::{EnterpriseFacts, Indicator, IndicatorScore, Rules, Score};

/// An exact non-negative-denominator fraction: an indicator's value in its unit.
#[derive(Debug, Clone, Copy)]
pub struct Quotient {
    numerator: i128,
    denominator: i128,
}

impl Quotient {
    /// `numerator / denominator`, or `None` when the denominator is not above zero.
    pub fn new(numerator: i128, denominator: i128) -> Option<Quotient> {
        (denominator > 0).then_some(Quotient {
            numerator,
            denominator,
        })
    }

    /// The numerator.
    pub fn numerator(self) -> i128 {
        self.numerator
    }

    /// The denominator, always above zero.
    pub fn denominator(self) -> i128 {
        self.denominator
    }

    /// The value rounded toward negative infinity.
    pub fn floor(self) -> i128 {
        self.numerator.div_euclid(self.denominator)
    }

    /// The value rounded half away from zero to `decimals` places, as text (e.g. `1234.57`);
    /// for display only.
    pub fn format(self, decimals: u32) -> String {
        let scale = 10i128.pow(decimals);
        let n = self.numerator.unsigned_abs() * scale.unsigned_abs();
        let d = self.denominator.unsigned_abs();
        let rounded = (2 * n + d) / (2 * d);
        let sign = if self.numerator < 0 && rounded != 0 {
            "-"
        } else {
            ""
        };
        let whole = rounded / scale.unsigned_abs();
        if decimals == 0 {
            return format!("{sign}{whole}");
        }
        let frac = rounded % scale.unsigned_abs();
        format!("{sign}{whole}.{frac:0width$}", width = decimals as usize)
    }
}

impl PartialEq for Quotient {
    /// Equal as numbers: 1/2 == 2/4.
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Quotient {}

impl PartialOrd for Quotient {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quotient {
    /// Compares as numbers, exactly, without overflow (by continued-fraction steps).
    fn cmp(&self, other: &Self) -> Ordering {
        let (mut an, mut ad, mut bn, mut bd) = (
            self.numerator,
            self.denominator,
            other.numerator,
            other.denominator,
        );
        // `flip` records that the comparison was inverted an odd number of times.
        let mut flip = false;
        loop {
            let (qa, ra) = (an.div_euclid(ad), an.rem_euclid(ad));
            let (qb, rb) = (bn.div_euclid(bd), bn.rem_euclid(bd));
            let o = match (qa.cmp(&qb), ra == 0, rb == 0) {
                (Ordering::Equal, true, true) => Ordering::Equal,
                (Ordering::Equal, true, false) => Ordering::Less,
                (Ordering::Equal, false, true) => Ordering::Greater,
                (Ordering::Equal, false, false) => {
                    // ra/ad < rb/bd  ⇔  ad/ra > bd/rb: compare the reciprocals, reversed.
                    (an, ad, bn, bd) = (ad, ra, bd, rb);
                    flip = !flip;
                    continue;
                }
                (o, _, _) => o,
            };
            return if flip { o.reverse() } else { o };
        }
    }
}

impl fmt::Display for Quotient {
    /// The value to two decimals, e.g. `1234.57`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(2))
    }
}

/// An enterprise's score for a year with its breakdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scorecard {
    /// The total; `None` when the enterprise has no monthly record in the year.
    pub score: Option<Score>,
    /// One line per indicator of the rules, in file order; empty when `score` is `None`.
    pub breakdown: Vec<IndicatorScore>,
    /// How many months of the year have a record (a year is complete at 12).
    pub months: usize,
    /// The facts the rules' indicators need that the year's records (or the enterprise's land
    /// area) lack, in words: 用地面积, 综合能耗, 研发投入, ….
    pub missing: Vec<Text>,
}

/// Year totals of the figures the indicators need; `None` = not reported in any month.
#[derive(Default)]
struct Totals {
    months: usize,
    tax: Option<i128>,
    output: Option<i128>,
    revenue: Option<i128>,
    rnd: Option<i128>,
    kgce: Option<i128>,
    employees: Option<i128>,
    employee_months: i128,
}

fn add(total: &mut Option<i128>, v: Option<i64>) {
    if let Some(v) = v {
        *total = Some(total.unwrap_or(0) + i128::from(v));
    }
}

/// Scores `input` for `year` under `rules`: each indicator earns weight × value ÷ benchmark
/// (rounded down to a thousandth of a point, clamped to 0 … weight × cap_percent ÷ 100), and the
/// score is their sum. Uses only the enterprise's own records of months in `year`, and its land
/// area. Never looks at other enterprises.
pub fn score(rules: &Rules, year: i32, input: &EnterpriseFacts) -> Scorecard {
    let id = input.enterprise.id;
    let mut t = Totals::default();
    for m in input
        .metrics
        .iter()
        .filter(|m| m.enterprise == id && m.month.year() == year)
    {
        t.months += 1;
        add(&mut t.tax, m.tax.map(|v| v.amount()));
        add(&mut t.output, m.output_value.map(|v| v.amount()));
        add(&mut t.revenue, m.revenue.map(|v| v.amount()));
        add(&mut t.rnd, m.rnd_spend.map(|v| v.amount()));
        add(&mut t.kgce, m.energy.map(|v| v.kgce()));
        if let Some(e) = m.employees {
            add(&mut t.employees, Some(i64::from(e)));
            t.employee_months += 1;
        }
    }
    if t.months == 0 {
        return Scorecard {
            score: None,
            breakdown: Vec::new(),
            months: 0,
            missing: Vec::new(),
        };
    }
    let missing = missing_facts(rules, &t, input.enterprise.land_area.is_none());
    let centi_mu = input.enterprise.land_area.map(|a| i128::from(a.centi_mu()));
    let per_mu = |v: Option<i128>| Quotient::new(v? * 100, centi_mu?);
    let mut total = 0i64;
    let mut breakdown = Vec::with_capacity(rules.indicators.len());
    for rule in &rules.indicators {
        let value = match rule.indicator {
            Indicator::TaxPerMu => per_mu(t.tax),
            Indicator::ValueAddedPerMu => per_mu(t.output),
            Indicator::ValueAddedPerTce => t.output.and_then(|o| Quotient::new(o * 1000, t.kgce?)),
            // Average headcount = employees / employee_months, so output per head is
            // output × employee_months / employees.
            Indicator::OutputPerEmployee => t
                .output
                .and_then(|o| Quotient::new(o * t.employee_months, t.employees?)),
            Indicator::RndRatio => t.rnd.and_then(|r| Quotient::new(r * 10_000, t.revenue?)),
        };
        let points = value.map_or(0, |v| {
            points(v, rule.benchmark, rule.weight, rules.cap_percent)
        });
        total += points;
        breakdown.push(IndicatorScore {
            indicator: rule.indicator,
            value,
            benchmark: rule.benchmark,
            weight: rule.weight,
            points: Score(points),
        });
    }
    Scorecard {
        score: Some(Score(total)),
        breakdown,
        months: t.months,
        missing,
    }
}

/// The facts the rules' indicators need that are missing, each named once, in a fixed order.
fn missing_facts(rules: &Rules, t: &Totals, no_land_area: bool) -> Vec<Text> {
    let needs = |f: fn(Indicator) -> bool| rules.indicators.iter().any(|r| f(r.indicator));
    let facts: [(bool, &str, &str); 7] = [
        (
            no_land_area
                && needs(|i| matches!(i, Indicator::TaxPerMu | Indicator::ValueAddedPerMu)),
            "用地面积",
            "land area",
        ),
        (
            t.tax.is_none() && needs(|i| i == Indicator::TaxPerMu),
            "税收",
            "tax",
        ),
        (
            t.output.is_none()
                && needs(|i| {
                    matches!(
                        i,
                        Indicator::ValueAddedPerMu
                            | Indicator::ValueAddedPerTce
                            | Indicator::OutputPerEmployee
                    )
                }),
            "工业总产值",
            "output value",
        ),
        (
            t.kgce.is_none() && needs(|i| i == Indicator::ValueAddedPerTce),
            "综合能耗",
            "energy use",
        ),
        (
            t.employees.is_none() && needs(|i| i == Indicator::OutputPerEmployee),
            "从业人员",
            "employees",
        ),
        (
            t.rnd.is_none() && needs(|i| i == Indicator::RndRatio),
            "研发投入",
            "R&D spending",
        ),
        (
            t.revenue.is_none() && needs(|i| i == Indicator::RndRatio),
            "主营业务收入",
            "revenue",
        ),
    ];
    facts
        .into_iter()
        .filter(|(missing, _, _)| *missing)
        .map(|(_, zh, en)| Text::new(zh, en))
        .collect()
}

/// ⌊weight × 1000 × value ÷ benchmark⌋ thousandths of a point, within 0 and the cap.
fn points(value: Quotient, benchmark: i64, weight: u32, cap_percent: u32) -> i64 {
    let weight = i128::from(weight);
    let cap = weight * 10 * i128::from(cap_percent);
    let numerator = (weight * 1000).checked_mul(value.numerator());
    let denominator = value
        .denominator()
        .checked_mul(i128::from(benchmark.max(1)));
    let raw = match (numerator, denominator) {
        (Some(n), Some(d)) => n.div_euclid(d),
        // Only absurd figures overflow i128; their sign decides the side of the clamp.
        _ if value.numerator() > 0 => cap,
        _ => 0,
    };
    // The clamp keeps the value within i64 (cap ≤ 1000 × 10 × 1000).
    i64::try_from(raw.clamp(0, cap)).unwrap_or(0)
}
