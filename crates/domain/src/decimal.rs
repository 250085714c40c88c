//! Exact decimal text to scaled integers and back, shared by money, land area and energy.
//!
//! No floating point anywhere: "1360.5" at scale 4 is the integer 13_605_000, computed digit by
//! digit, and formatting goes the other way without rounding.

/// Why a decimal number could not be read; callers wrap it in their own error with the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecimalError {
    /// Nothing but whitespace.
    Empty,
    /// Not a plain decimal number with optional thousands separators.
    Malformed,
    /// More fractional digits than the scale can hold exactly.
    TooPrecise,
    /// A well-formed number with a leading minus sign.
    Negative,
    /// Larger than `i64::MAX` once scaled.
    Overflow,
}

/// Reads an unsigned decimal such as `"1,234.56"` as `value * 10^scale`, exactly.
///
/// The integer part may use `,` thousands separators, but only in correct groups of three.
/// Trailing fractional zeros never count as precision.
pub(crate) fn parse_scaled(s: &str, scale: u32) -> Result<i64, DecimalError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(DecimalError::Empty);
    }
    if let Some(rest) = s.strip_prefix('-') {
        // A minus sign in front of something readable is a negative number, not noise.
        return match parse_scaled(rest, scale) {
            Ok(_) | Err(DecimalError::TooPrecise | DecimalError::Overflow) => {
                Err(DecimalError::Negative)
            }
            Err(_) => Err(DecimalError::Malformed),
        };
    }
    let (int, frac) = match s.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (s, None),
    };
    let int = integer_digits(int)?;
    let frac = match frac {
        Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => f,
        Some(_) => return Err(DecimalError::Malformed),
        None => "",
    };
    let frac = frac.trim_end_matches('0');
    if frac.len() > scale as usize {
        return Err(DecimalError::TooPrecise);
    }
    let int = int.trim_start_matches('0');
    if int.len() > 19 {
        return Err(DecimalError::Overflow);
    }
    let mut value: u128 = 0;
    for b in int.bytes() {
        value = value * 10 + u128::from(b - b'0');
    }
    for i in 0..scale as usize {
        let digit = frac.as_bytes().get(i).map_or(0, |b| b - b'0');
        value = value * 10 + u128::from(digit);
    }
    i64::try_from(value).map_err(|_| DecimalError::Overflow)
}

/// The digits of an integer part, separators removed; checks the grouping.
fn integer_digits(int: &str) -> Result<String, DecimalError> {
    if int.is_empty() {
        return Err(DecimalError::Malformed);
    }
    let mut groups = int.split(',');
    let mut digits = String::with_capacity(int.len());
    let first = groups.next().unwrap_or_default();
    let grouped = int.contains(',');
    let first_ok = !first.is_empty()
        && first.bytes().all(|b| b.is_ascii_digit())
        && (!grouped || first.len() <= 3);
    if !first_ok {
        return Err(DecimalError::Malformed);
    }
    digits.push_str(first);
    for group in groups {
        if group.len() != 3 || !group.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DecimalError::Malformed);
        }
        digits.push_str(group);
    }
    Ok(digits)
}

/// Writes `value / 10^scale` exactly, trailing fractional zeros trimmed; `group` puts `,`
/// between thousands of the integer part. Negative values get a leading `-`.
pub(crate) fn format_scaled(value: i64, scale: u32, group: bool) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = u128::from(value.unsigned_abs());
    let unit = 10u128.pow(scale);
    let (int, frac) = (abs / unit, abs % unit);
    let mut out = String::from(sign);
    out.push_str(&if group {
        group_thousands(int)
    } else {
        int.to_string()
    });
    if frac != 0 {
        let frac = format!("{frac:0width$}", width = scale as usize);
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    out
}

/// `1234567` → `"1,234,567"`.
pub(crate) fn group_thousands(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_grouped_integers() {
        assert_eq!(parse_scaled("20000000", 0), Ok(20_000_000));
        assert_eq!(parse_scaled("20,000,000", 0), Ok(20_000_000));
        assert_eq!(parse_scaled("1,000", 0), Ok(1000));
        assert_eq!(parse_scaled("0", 0), Ok(0));
        assert_eq!(parse_scaled("007", 0), Ok(7));
    }

    #[test]
    fn rejects_bad_grouping() {
        for s in ["1,00", "1000,000", ",100", "1,,000", "1,000,", "12,3456"] {
            assert_eq!(parse_scaled(s, 0), Err(DecimalError::Malformed), "{s}");
        }
    }

    #[test]
    fn scales_fractions_exactly() {
        assert_eq!(parse_scaled("1360.5", 4), Ok(13_605_000));
        assert_eq!(parse_scaled("1.36", 8), Ok(136_000_000));
        assert_eq!(parse_scaled("0.0001", 4), Ok(1));
        assert_eq!(parse_scaled("5000.00", 0), Ok(5000));
        assert_eq!(parse_scaled("1.2300000000000000000000", 2), Ok(123));
    }

    #[test]
    fn refuses_precision_below_scale() {
        assert_eq!(parse_scaled("1.234567", 4), Err(DecimalError::TooPrecise));
        assert_eq!(parse_scaled("0.5", 0), Err(DecimalError::TooPrecise));
    }

    #[test]
    fn malformed_inputs() {
        for s in [
            "abc", ".5", "5.", "1.2.3", "1e5", "+5", "1 000", "--5", "-", "1.-5",
        ] {
            assert_eq!(parse_scaled(s, 2), Err(DecimalError::Malformed), "{s}");
        }
        assert_eq!(parse_scaled("  ", 2), Err(DecimalError::Empty));
    }

    #[test]
    fn negatives_are_named() {
        assert_eq!(parse_scaled("-5", 0), Err(DecimalError::Negative));
        assert_eq!(parse_scaled("-0", 0), Err(DecimalError::Negative));
        assert_eq!(parse_scaled("-0.5", 0), Err(DecimalError::Negative));
    }

    #[test]
    fn overflow_at_i64_bounds() {
        assert_eq!(parse_scaled("9223372036854775807", 0), Ok(i64::MAX));
        assert_eq!(
            parse_scaled("9223372036854775808", 0),
            Err(DecimalError::Overflow)
        );
        assert_eq!(
            parse_scaled("99999999999999999999999", 0),
            Err(DecimalError::Overflow)
        );
        assert_eq!(
            parse_scaled("922337203685477581", 1),
            Err(DecimalError::Overflow)
        );
    }

    #[test]
    fn formats_exactly() {
        assert_eq!(format_scaled(13_605_000, 4, false), "1360.5");
        assert_eq!(format_scaled(13_605_000, 8, false), "0.13605");
        assert_eq!(format_scaled(13_605_000, 0, true), "13,605,000");
        assert_eq!(format_scaled(-1234, 0, true), "-1,234");
        assert_eq!(
            format_scaled(i64::MIN, 0, true),
            "-9,223,372,036,854,775,808"
        );
        assert_eq!(format_scaled(0, 4, false), "0");
        assert_eq!(format_scaled(1, 4, false), "0.0001");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
    }
}
