//! Money as integer yuan, read from and written to the 元 / 万元 / 亿元 texts officers use.

use std::fmt;
use std::str::FromStr;

use crate::decimal::{self, DecimalError};
use crate::i18n::{Lang, Localize, Text};

/// An amount of money in whole yuan (元). Exact: no floating point anywhere.
///
/// Arithmetic is checked only: `checked_add`, `checked_sub` and `checked_sum` return `None`
/// where an `i64` would overflow, and there is deliberately no `+`, `-` or `Sum`, so no total
/// can wrap (a difference may go negative, e.g. for growth). Parsing refuses negative amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Yuan(pub i64);

/// The unit a figure is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MoneyUnit {
    /// 元, one yuan.
    Yuan,
    /// 万元, ten thousand yuan.
    Wan,
    /// 亿元, one hundred million yuan.
    Yi,
}

impl MoneyUnit {
    /// All units, smallest first.
    pub const ALL: [MoneyUnit; 3] = [MoneyUnit::Yuan, MoneyUnit::Wan, MoneyUnit::Yi];

    /// How many yuan one of this unit is: 1, 10 000 or 100 000 000.
    pub fn factor(self) -> i64 {
        10i64.pow(self.decimals())
    }

    /// How many decimal places of this unit one yuan is: 0, 4 or 8.
    pub fn decimals(self) -> u32 {
        match self {
            MoneyUnit::Yuan => 0,
            MoneyUnit::Wan => 4,
            MoneyUnit::Yi => 8,
        }
    }

    /// The unit's Chinese suffix, `元`, `万元` or `亿元`, as written after a number.
    pub fn suffix(self) -> &'static str {
        match self {
            MoneyUnit::Yuan => "元",
            MoneyUnit::Wan => "万元",
            MoneyUnit::Yi => "亿元",
        }
    }

    /// The unit's name for a column header: zh `元`/`万元`/`亿元`, en
    /// `yuan`/`10k yuan`/`100M yuan`.
    pub fn label(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::Zh, unit) => unit.suffix(),
            (Lang::En, MoneyUnit::Yuan) => "yuan",
            (Lang::En, MoneyUnit::Wan) => "10k yuan",
            (Lang::En, MoneyUnit::Yi) => "100M yuan",
        }
    }

    /// The unit named in brackets in a column header, e.g. `主营业务收入(万元)` or
    /// `营业收入（亿元）`: `(元)`, `(万元)`, `(亿元)` with half- or full-width brackets and
    /// optional spaces inside. `None` when the header names no money unit.
    pub fn from_header(s: &str) -> Option<MoneyUnit> {
        let mut rest = s;
        while let Some(open) = rest.find(['(', '（']) {
            let after = &rest[open..];
            let inner_start = after.chars().next().map_or(1, char::len_utf8);
            let inner = &after[inner_start..];
            let close = inner.find([')', '）'])?;
            let unit = match inner[..close].trim() {
                "元" => Some(MoneyUnit::Yuan),
                "万元" | "万" => Some(MoneyUnit::Wan),
                "亿元" | "亿" => Some(MoneyUnit::Yi),
                _ => None,
            };
            if unit.is_some() {
                return unit;
            }
            rest = &inner[close..];
        }
        None
    }

    /// Splits a unit suffix (`亿元`, `亿`, `万元`, `万`, `元`) off the end of `s`.
    fn strip_suffix(s: &str) -> (&str, Option<MoneyUnit>) {
        const SUFFIXES: [(&str, MoneyUnit); 5] = [
            ("亿元", MoneyUnit::Yi),
            ("万元", MoneyUnit::Wan),
            ("亿", MoneyUnit::Yi),
            ("万", MoneyUnit::Wan),
            ("元", MoneyUnit::Yuan),
        ];
        for (suffix, unit) in SUFFIXES {
            if let Some(number) = s.strip_suffix(suffix) {
                return (number, Some(unit));
            }
        }
        (s, None)
    }
}

/// Why a text is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Nothing but whitespace.
    #[error("the amount is empty")]
    Empty,
    /// Not a number with an optional unit.
    #[error(
        "cannot read the amount \"{input}\": expected a number with optional thousands \
         separators and an optional unit 元, 万元 or 亿元, e.g. \"1360.5万元\""
    )]
    Malformed {
        /// The text as given.
        input: String,
    },
    /// Exact, but not a whole number of yuan.
    #[error("the amount \"{input}\" has a fraction of a yuan; amounts are whole yuan")]
    TooPrecise {
        /// The text as given.
        input: String,
    },
    /// A negative amount, which no recorded figure may be.
    #[error("the amount must not be negative, got \"{input}\"")]
    Negative {
        /// The text as given.
        input: String,
    },
    /// A bare number where no unit is implied: `1200` could be 1,200 yuan or 1,200 万元.
    #[error(
        "the amount \"{input}\" has no unit: write it with one, e.g. \"{input}万\" or \"{input}元\""
    )]
    NoUnit {
        /// The text as given.
        input: String,
    },
    /// More yuan than an `i64` holds.
    #[error("the amount \"{input}\" is too large")]
    Overflow {
        /// The text as given.
        input: String,
    },
}

impl Localize for MoneyError {
    fn localize(&self, _lang: Lang) -> Text {
        let zh = match self {
            MoneyError::Empty => "金额为空".to_owned(),
            MoneyError::Malformed { input } => format!(
                "无法识别金额 \"{input}\"：应为数字，可带千位分隔符及单位元、万元或亿元，如 \"1360.5万元\""
            ),
            MoneyError::TooPrecise { input } => {
                format!("金额 \"{input}\" 含不足一元的零头；金额以整元计")
            }
            MoneyError::Negative { input } => format!("金额不能为负数，收到 \"{input}\""),
            MoneyError::NoUnit { input } => {
                format!("金额 \"{input}\" 未注明单位。请注明单位：{input}万 或 {input}元")
            }
            MoneyError::Overflow { input } => format!("金额 \"{input}\" 过大"),
        };
        Text::new(zh, self.to_string())
    }
}

impl Yuan {
    /// Zero yuan.
    pub const ZERO: Yuan = Yuan(0);

    /// Reads an amount written with its unit (`2000万`, `1360.5万元`, `5000元`, `1.36亿`; see
    /// [`Yuan::parse_in`] for the forms). A bare number other than zero is refused with
    /// [`MoneyError::NoUnit`]: officers write 万元 where a form means 元, so `1200` alone is
    /// never guessed.
    pub fn parse(s: &str) -> Result<Yuan, MoneyError> {
        Yuan::parse_unit(s, None)
    }

    /// Reads an amount whose bare number is in `unit` when one is given (a column headed
    /// `(万元)`), and refused as [`Yuan::parse`] does when none is.
    pub fn parse_unit(s: &str, unit: Option<MoneyUnit>) -> Result<Yuan, MoneyError> {
        let input = s.trim();
        let body = input
            .strip_prefix(['¥', '￥'])
            .map_or(input, str::trim_start);
        let (number, written) = MoneyUnit::strip_suffix(body);
        match written.or(unit) {
            Some(unit) => Yuan::parse_in(s, unit),
            None => match Yuan::parse_in(s, MoneyUnit::Yuan) {
                Ok(Yuan(0)) => Ok(Yuan(0)),
                Ok(_) | Err(MoneyError::TooPrecise { .. }) => Err(MoneyError::NoUnit {
                    input: number.trim().to_owned(),
                }),
                Err(e) => Err(e),
            },
        }
    }

    /// Reads an amount whose bare number is in `unit` (e.g. from a column headed `(万元)`); a
    /// unit written in the text wins.
    ///
    /// Accepts `20000000`, `20,000,000`, `2000万`, `1360.5万元`, `1.36亿元`, `1.36 亿元`,
    /// `5000元`, optionally after `¥`/`￥`. Decimals are exact: an amount that is not a whole
    /// number of yuan is [`MoneyError::TooPrecise`], never rounded.
    pub fn parse_in(s: &str, unit: MoneyUnit) -> Result<Yuan, MoneyError> {
        let input = s.trim();
        let body = input
            .strip_prefix(['¥', '￥'])
            .map_or(input, str::trim_start);
        let (number, written) = MoneyUnit::strip_suffix(body);
        let unit = written.unwrap_or(unit);
        let owned = || input.to_owned();
        match decimal::parse_scaled(number.trim_end(), unit.decimals()) {
            Ok(v) => Ok(Yuan(v)),
            Err(DecimalError::Empty) if input.is_empty() => Err(MoneyError::Empty),
            Err(DecimalError::Empty | DecimalError::Malformed) => {
                Err(MoneyError::Malformed { input: owned() })
            }
            Err(DecimalError::TooPrecise) => Err(MoneyError::TooPrecise { input: owned() }),
            Err(DecimalError::Negative) => Err(MoneyError::Negative { input: owned() }),
            Err(DecimalError::Overflow) => Err(MoneyError::Overflow { input: owned() }),
        }
    }

    /// `w` 万元 in yuan (saturating at the `i64` bounds).
    pub fn from_wan(w: i64) -> Yuan {
        Yuan(w.saturating_mul(10_000))
    }

    /// The amount in yuan.
    pub fn amount(self) -> i64 {
        self.0
    }

    /// The sum, or `None` on overflow.
    pub fn checked_add(self, other: Yuan) -> Option<Yuan> {
        self.0.checked_add(other.0).map(Yuan)
    }

    /// The difference, or `None` on overflow.
    pub fn checked_sub(self, other: Yuan) -> Option<Yuan> {
        self.0.checked_sub(other.0).map(Yuan)
    }

    /// The exact amount in `unit`, trailing zeros trimmed, with the unit's suffix:
    /// 13 605 000 is `13,605,000元`, `1360.5万元` or `0.13605亿元`. Only yuan get thousands
    /// separators. [`Yuan::parse`] reads every output back to the same amount (when ≥ 0).
    pub fn format_in(self, unit: MoneyUnit) -> String {
        let group = unit == MoneyUnit::Yuan;
        let mut out = decimal::format_scaled(self.0, unit.decimals(), group);
        out.push_str(unit.suffix());
        out
    }

    /// The amount in 万元 rounded to `decimals` places (half away from zero, at most 18),
    /// with thousands separators and exactly `decimals` fractional digits, for tables:
    /// 16 404 999 with 0 decimals is `1,640万元`, with 2 it is `1,640.50万元`.
    pub fn format_wan_rounded(self, decimals: u32) -> String {
        let decimals = decimals.min(18);
        let scale = 10u128.pow(decimals);
        let scaled = u128::from(self.0.unsigned_abs()) * scale;
        let (mut q, r) = (scaled / 10_000, scaled % 10_000);
        if r * 2 >= 10_000 {
            q += 1;
        }
        let sign = if self.0 < 0 && q != 0 { "-" } else { "" };
        let mut out = format!("{sign}{}", decimal::group_thousands(q / scale));
        if decimals > 0 {
            out.push_str(&format!(
                ".{:0width$}",
                q % scale,
                width = decimals as usize
            ));
        }
        out.push_str("万元");
        out
    }

    /// The largest unit in which the amount is at least 1 (亿元, 万元, else 元).
    pub fn natural_unit(self) -> MoneyUnit {
        let abs = self.0.unsigned_abs();
        if abs >= 100_000_000 {
            MoneyUnit::Yi
        } else if abs >= 10_000 {
            MoneyUnit::Wan
        } else {
            MoneyUnit::Yuan
        }
    }
}

impl fmt::Display for Yuan {
    /// Exact, in [`Yuan::natural_unit`]: `1.36亿元`, `1360.5万元`, `5,000元`.
    /// `Yuan::parse(&y.to_string()) == Ok(y)` for every `y >= 0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_in(self.natural_unit()))
    }
}

impl FromStr for Yuan {
    type Err = MoneyError;

    /// Same as [`Yuan::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Yuan::parse(s)
    }
}

impl Yuan {
    /// The sum of `amounts`, or `None` when it is beyond what an `i64` holds: a total that
    /// would wrap is an error for the caller to name, never a wrong figure.
    pub fn checked_sum(amounts: impl IntoIterator<Item = Yuan>) -> Option<Yuan> {
        amounts
            .into_iter()
            .try_fold(Yuan::ZERO, |total, y| total.checked_add(y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sum_beyond_i64_is_none_not_a_wrapped_total() {
        let big = Yuan(i64::MAX / 2 + 1);
        assert_eq!(Yuan::checked_sum([big, big]), None);
        assert_eq!(Yuan::checked_sum([Yuan(1), Yuan(2)]), Some(Yuan(3)));
        assert_eq!(Yuan::checked_sum([]), Some(Yuan::ZERO));
    }
    use proptest::prelude::*;

    fn check(input: &str, expected: i64) {
        assert_eq!(Yuan::parse(input), Ok(Yuan(expected)), "{input}");
    }

    #[test]
    fn parses_the_forms_officers_write() {
        check("20000000元", 20_000_000);
        check("20,000,000元", 20_000_000);
        check("2000万", 20_000_000);
        check("2000万元", 20_000_000);
        check("1360.5万元", 13_605_000);
        check("1.36亿元", 136_000_000);
        check("1.36 亿元", 136_000_000);
        check("1.36亿", 136_000_000);
        check("5000元", 5000);
        check("5,000 元", 5000);
        check("  0  ", 0);
        check("￥1,200元", 1200);
        check("¥ 3万", 30_000);
        check("0.0001万元", 1);
        check("0.00000001亿元", 1);
        check("1,234.5678万元", 12_345_678);
        check("5000.00元", 5000);
    }

    #[test]
    fn a_bare_number_needs_a_unit() {
        for (s, shown) in [
            ("1200", "1200"),
            (" 1,200 ", "1,200"),
            ("0.5", "0.5"),
            ("￥1200", "1200"),
        ] {
            assert_eq!(
                Yuan::parse(s),
                Err(MoneyError::NoUnit {
                    input: shown.into()
                }),
                "{s}"
            );
        }
        let text = Yuan::parse("1200").unwrap_err().localize(Lang::Zh);
        assert!(
            text.zh().contains("请注明单位：1200万 或 1200元"),
            "{}",
            text.zh()
        );
        assert!(
            text.en().contains("\"1200万\" or \"1200元\""),
            "{}",
            text.en()
        );
        // Zero is zero in every unit.
        assert_eq!(Yuan::parse("0"), Ok(Yuan(0)));
        // A column's unit makes a bare number readable; a written unit still wins.
        assert_eq!(
            Yuan::parse_unit("1200", Some(MoneyUnit::Wan)),
            Ok(Yuan(12_000_000))
        );
        assert_eq!(
            Yuan::parse_unit("1200元", Some(MoneyUnit::Wan)),
            Ok(Yuan(1200))
        );
        assert!(matches!(
            Yuan::parse_unit("1200", None),
            Err(MoneyError::NoUnit { .. })
        ));
    }

    #[test]
    fn bare_numbers_take_the_given_unit() {
        assert_eq!(
            Yuan::parse_in("1360.5", MoneyUnit::Wan),
            Ok(Yuan(13_605_000))
        );
        assert_eq!(Yuan::parse_in("2", MoneyUnit::Yi), Ok(Yuan(200_000_000)));
        // A written unit wins over the column's.
        assert_eq!(Yuan::parse_in("5000元", MoneyUnit::Wan), Ok(Yuan(5000)));
        assert_eq!(Yuan::parse_in("1亿", MoneyUnit::Wan), Ok(Yuan(100_000_000)));
    }

    #[test]
    fn refuses_fractions_of_a_yuan() {
        assert_eq!(
            Yuan::parse("1.234567万元"),
            Err(MoneyError::TooPrecise {
                input: "1.234567万元".into()
            })
        );
        assert!(matches!(
            Yuan::parse("0.5元"),
            Err(MoneyError::TooPrecise { .. })
        ));
        assert!(matches!(
            Yuan::parse("0.000000001亿"),
            Err(MoneyError::TooPrecise { .. })
        ));
    }

    #[test]
    fn errors_name_the_input() {
        assert_eq!(Yuan::parse(""), Err(MoneyError::Empty));
        assert_eq!(Yuan::parse("   "), Err(MoneyError::Empty));
        for s in [
            "万元",
            "abc",
            "1.2.3万",
            "12,34",
            "1e6",
            "两千万",
            "20000000 yuan",
            "¥",
        ] {
            assert_eq!(
                Yuan::parse(s),
                Err(MoneyError::Malformed {
                    input: s.trim().into()
                }),
                "{s}"
            );
        }
        assert_eq!(
            Yuan::parse("-5万"),
            Err(MoneyError::Negative {
                input: "-5万".into()
            })
        );
        assert!(matches!(
            Yuan::parse("100000000000亿"),
            Err(MoneyError::Overflow { .. })
        ));
    }

    #[test]
    fn errors_are_bilingual() {
        let errors = [
            MoneyError::Empty,
            MoneyError::Malformed { input: "x".into() },
            MoneyError::TooPrecise { input: "x".into() },
            MoneyError::Negative { input: "x".into() },
            MoneyError::NoUnit { input: "x".into() },
            MoneyError::Overflow { input: "x".into() },
        ];
        for err in errors {
            let text = err.localize(Lang::Zh);
            assert!(!text.zh().is_empty());
            assert_eq!(text.en(), err.to_string());
        }
    }

    #[test]
    fn formats_exactly_in_each_unit() {
        let y = Yuan(13_605_000);
        assert_eq!(y.format_in(MoneyUnit::Yuan), "13,605,000元");
        assert_eq!(y.format_in(MoneyUnit::Wan), "1360.5万元");
        assert_eq!(y.format_in(MoneyUnit::Yi), "0.13605亿元");
        assert_eq!(Yuan(0).format_in(MoneyUnit::Wan), "0万元");
        assert_eq!(Yuan(1).format_in(MoneyUnit::Yi), "0.00000001亿元");
        assert_eq!(Yuan(-25_000).format_in(MoneyUnit::Wan), "-2.5万元");
    }

    #[test]
    fn display_uses_the_largest_unit() {
        assert_eq!(Yuan(136_000_000).to_string(), "1.36亿元");
        assert_eq!(Yuan(100_000_000).to_string(), "1亿元");
        assert_eq!(Yuan(99_999_999).to_string(), "9999.9999万元");
        assert_eq!(Yuan(13_605_000).to_string(), "1360.5万元");
        assert_eq!(Yuan(10_000).to_string(), "1万元");
        assert_eq!(Yuan(9_999).to_string(), "9,999元");
        assert_eq!(Yuan(0).to_string(), "0元");
        assert_eq!(Yuan(-20_000).to_string(), "-2万元");
        assert_eq!(Yuan(i64::MIN).to_string(), "-92233720368.54775808亿元");
    }

    #[test]
    fn rounded_wan_for_tables() {
        assert_eq!(Yuan(16_404_999).format_wan_rounded(0), "1,640万元");
        assert_eq!(Yuan(16_405_000).format_wan_rounded(0), "1,641万元");
        assert_eq!(Yuan(16_404_999).format_wan_rounded(2), "1,640.50万元");
        assert_eq!(Yuan(5_000).format_wan_rounded(0), "1万元");
        assert_eq!(Yuan(4_999).format_wan_rounded(0), "0万元");
        assert_eq!(Yuan(-5_000).format_wan_rounded(0), "-1万元");
        assert_eq!(Yuan(-4_999).format_wan_rounded(0), "0万元");
        assert_eq!(Yuan(-16_405_000).format_wan_rounded(1), "-1,640.5万元");
        assert_eq!(Yuan(12_345).format_wan_rounded(6), "1.234500万元");
        assert_eq!(Yuan(0).format_wan_rounded(1), "0.0万元");
        assert_eq!(
            Yuan(i64::MAX).format_wan_rounded(0),
            "922,337,203,685,478万元"
        );
        assert!(Yuan(1).format_wan_rounded(99).ends_with("万元"));
    }

    #[test]
    fn arithmetic() {
        assert_eq!(
            Yuan::checked_sum([Yuan(1), Yuan(2), Yuan(3)]),
            Some(Yuan(6))
        );
        assert_eq!(Yuan::checked_sum([Yuan(5), Yuan(-2)]), Some(Yuan(3)));
        assert_eq!(Yuan(5).checked_sub(Yuan(7)), Some(Yuan(-2)));
        assert_eq!(Yuan(i64::MAX).checked_add(Yuan(1)), None);
        assert_eq!(Yuan(i64::MIN).checked_sub(Yuan(1)), None);
        assert_eq!(Yuan::from_wan(2000), Yuan(20_000_000));
        assert_eq!(Yuan::from_wan(i64::MAX), Yuan(i64::MAX));
        assert_eq!(Yuan(7).amount(), 7);
    }

    #[test]
    fn units_from_headers() {
        assert_eq!(
            MoneyUnit::from_header("主营业务收入(万元)"),
            Some(MoneyUnit::Wan)
        );
        assert_eq!(
            MoneyUnit::from_header("主营业务收入（万元）"),
            Some(MoneyUnit::Wan)
        );
        assert_eq!(MoneyUnit::from_header("税收( 元 )"), Some(MoneyUnit::Yuan));
        assert_eq!(MoneyUnit::from_header("产值(亿元)"), Some(MoneyUnit::Yi));
        assert_eq!(
            MoneyUnit::from_header("产值（2023年）（亿元）"),
            Some(MoneyUnit::Yi)
        );
        assert_eq!(MoneyUnit::from_header("产值(万元"), None);
        assert_eq!(MoneyUnit::from_header("企业名称"), None);
        assert_eq!(MoneyUnit::from_header("用工(人)"), None);
    }

    #[test]
    fn unit_labels_and_factors() {
        assert_eq!(MoneyUnit::Wan.factor(), 10_000);
        assert_eq!(MoneyUnit::Yi.factor(), 100_000_000);
        assert_eq!(MoneyUnit::Wan.label(Lang::Zh), "万元");
        assert_eq!(MoneyUnit::Wan.label(Lang::En), "10k yuan");
    }

    proptest! {
        #[test]
        fn display_round_trips(n in 0i64..=1_000_000_000_000_000) {
            let y = Yuan(n);
            prop_assert_eq!(Yuan::parse(&y.to_string()), Ok(y));
        }

        #[test]
        fn every_unit_round_trips(n in 0i64..=i64::MAX) {
            for unit in MoneyUnit::ALL {
                prop_assert_eq!(Yuan::parse(&Yuan(n).format_in(unit)), Ok(Yuan(n)));
            }
        }
    }
}
