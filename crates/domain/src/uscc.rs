//! The unified social credit code (统一社会信用代码) of GB 32100-2015.
//!
//! 18 characters: registering authority (1), entity category (2), administrative area code
//! (3-8, digits), organisation code (9-17, its last character a GB 11714 check) and a check
//! character (18).

use std::fmt;
use std::str::FromStr;

use crate::i18n::{Lang, Localize, Text};

/// The 31 characters a code may use, in the order that gives each its value.
const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of the first 17 characters for the check character (3^i mod 31).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
/// GB 11714 weights of the organisation code's first 8 characters.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// A unified social credit code that passed validation; always 18 characters of the USCC set.
///
/// Only [`Uscc::parse`] and [`Uscc::parse_with`] build one. A code from lenient parsing may
/// carry a wrong check character; the warning it came with says so.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

/// How strictly [`Uscc::parse_with`] judges the two check characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UsccMode {
    /// Every rule must hold (the default).
    #[default]
    Strict,
    /// A wrong organisation check or check character is accepted with a warning: a few genuine
    /// early codes fail them. Length, characters and area code are never relaxed.
    Lenient,
}

/// Why a text is not a valid unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    /// Not 18 characters after trimming.
    #[error("a unified social credit code has 18 characters, this one has {found}")]
    Length {
        /// How many characters the trimmed text has.
        found: usize,
    },
    /// A character outside `0-9` and the capital letters other than I, O, Z, S and V.
    #[error(
        "character {position} ('{found}') is not allowed: a unified social credit code uses \
         digits and capital letters except I, O, Z, S and V"
    )]
    Character {
        /// 1-based position of the first bad character.
        position: usize,
        /// The character found there.
        found: char,
    },
    /// Characters 3-8 are not six digits.
    #[error("characters 3 to 8 (the administrative area code) must be 6 digits, got \"{found}\"")]
    AreaCode {
        /// Characters 3-8 as found.
        found: String,
    },
    /// The 17th character is not the GB 11714 check of characters 9-16.
    #[error("wrong organisation code check: the 17th character should be {expected}, not {found}")]
    OrganisationCheck {
        /// The check the organisation code calls for.
        expected: char,
        /// The 17th character as found.
        found: char,
    },
    /// The 18th character is not the check character of the first 17.
    #[error("wrong check character: the 18th character should be {expected}, not {found}")]
    CheckCharacter {
        /// The check character the first 17 call for.
        expected: char,
        /// The 18th character as found.
        found: char,
    },
}

impl Localize for UsccError {
    fn localize(&self, _lang: Lang) -> Text {
        let zh = match self {
            UsccError::Length { found } => {
                format!("统一社会信用代码应为 18 位，实为 {found} 位")
            }
            UsccError::Character { position, found } => format!(
                "第{position}位字符“{found}”不允许：统一社会信用代码只用数字和大写字母（不含 I、O、Z、S、V）"
            ),
            UsccError::AreaCode { found } => {
                format!("第3至8位行政区划码应为 6 位数字，实为 \"{found}\"")
            }
            UsccError::OrganisationCheck { expected, found } => {
                format!("组织机构代码校验错误：第17位应为 {expected}，实为 {found}")
            }
            UsccError::CheckCharacter { expected, found } => {
                format!("校验位错误：第18位应为 {expected}，实为 {found}")
            }
        };
        Text::new(zh, self.to_string())
    }
}

/// A rule that lenient parsing let pass; the code is kept, the officer should check it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsccWarning {
    /// The rule that failed: [`UsccError::OrganisationCheck`] or [`UsccError::CheckCharacter`].
    pub error: UsccError,
}

impl Localize for UsccWarning {
    fn localize(&self, lang: Lang) -> Text {
        self.error.localize(lang)
    }
}

/// The value of a USCC character, if it is in the set.
fn value_of(c: char) -> Option<u32> {
    CHARSET.find(c).and_then(|i| u32::try_from(i).ok())
}

/// Trims and uppercases ASCII letters, as both parsers do.
fn normalise(s: &str) -> String {
    s.trim().to_ascii_uppercase()
}

/// Checks length `len` and the character set; returns the values.
fn values(s: &str, len: usize) -> Result<Vec<u32>, UsccError> {
    let found = s.chars().count();
    if found != len {
        return Err(UsccError::Length { found });
    }
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            value_of(c).ok_or(UsccError::Character {
                position: i + 1,
                found: c,
            })
        })
        .collect()
}

/// The check character called for by 17 values of the set.
fn check_of(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let index = (31 - sum % 31) % 31;
    CHARSET.chars().nth(index as usize).unwrap_or('0')
}

/// The GB 11714 value of an organisation-code character: digits 0-9, letters A=10 … Z=35.
fn org_value(c: char) -> u32 {
    c.to_digit(36).unwrap_or(0)
}

/// The GB 11714 check character of an organisation code's first 8 characters.
fn org_check_of(first8: &str) -> char {
    let sum: u32 = first8
        .chars()
        .zip(ORG_WEIGHTS)
        .map(|(c, w)| org_value(c) * w)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10).unwrap_or('0'),
    }
}

impl Uscc {
    /// Parses strictly: trims whitespace, uppercases ASCII letters, then requires every rule.
    ///
    /// Checks in this order and reports the first failure: length 18, character set, area code
    /// digits, organisation code check (17th), check character (18th).
    pub fn parse(s: &str) -> Result<Uscc, UsccError> {
        Uscc::parse_with(s, UsccMode::Strict).map(|(code, _)| code)
    }

    /// Parses in `mode`. Strict mode never returns a warning. Lenient mode turns a failing
    /// organisation check or check character into a warning (the first that fails, in that
    /// order) but still refuses a bad length, character or area code.
    pub fn parse_with(s: &str, mode: UsccMode) -> Result<(Uscc, Option<UsccWarning>), UsccError> {
        let s = normalise(s);
        let values = values(&s, 18)?;
        let area = &s[2..8];
        if !area.bytes().all(|b| b.is_ascii_digit()) {
            return Err(UsccError::AreaCode {
                found: area.to_owned(),
            });
        }
        let mut failures = Vec::new();
        let org_expected = org_check_of(&s[8..16]);
        let org_found = s[16..17].chars().next().unwrap_or('0');
        if org_expected != org_found {
            failures.push(UsccError::OrganisationCheck {
                expected: org_expected,
                found: org_found,
            });
        }
        let expected = check_of(&values[..17]);
        let found = s[17..].chars().next().unwrap_or('0');
        if expected != found {
            failures.push(UsccError::CheckCharacter { expected, found });
        }
        let warning = match (mode, failures.into_iter().next()) {
            (_, None) => None,
            (UsccMode::Strict, Some(error)) => return Err(error),
            (UsccMode::Lenient, Some(error)) => Some(UsccWarning { error }),
        };
        Ok((Uscc(s), warning))
    }

    /// The check character for the first 17 characters (trimmed, ASCII uppercased).
    ///
    /// Fails with [`UsccError::Length`] unless there are exactly 17 characters, or
    /// [`UsccError::Character`] for one outside the set.
    pub fn check_character(first17: &str) -> Result<char, UsccError> {
        let values = values(&normalise(first17), 17)?;
        Ok(check_of(&values))
    }

    /// The GB 11714 check character for an organisation code's first 8 characters (digits and
    /// capital letters; trimmed, ASCII uppercased), i.e. what a USCC's 17th character must be.
    pub fn organisation_check_character(first8: &str) -> Result<char, UsccError> {
        let s = normalise(first8);
        values(&s, 8)?;
        Ok(org_check_of(&s))
    }

    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Characters 3-8: the administrative area code (six digits) of the registering authority.
    pub fn area_code(&self) -> &str {
        &self.0[2..8]
    }

    /// Whether the area code starts with `prefix`: `"3303"` matches a whole prefecture,
    /// `"330327"` one county.
    pub fn in_area(&self, prefix: &str) -> bool {
        self.area_code().starts_with(prefix)
    }

    /// Characters 9-17: the organisation code, its own check character last.
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }
}

impl FromStr for Uscc {
    type Err = UsccError;

    /// Same as [`Uscc::parse`] (strict).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uscc::parse(s)
    }
}

impl fmt::Display for Uscc {
    /// Prints the 18 characters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Uscc {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HUAWEI: &str = "914403001922038216";

    #[test]
    fn huawei_validates() {
        let code = Uscc::parse(HUAWEI).unwrap();
        assert_eq!(code.as_str(), HUAWEI);
        assert_eq!(code.to_string(), HUAWEI);
        assert_eq!(code.area_code(), "440300");
        assert_eq!(code.organisation_code(), "192203821");
        assert!(code.in_area("4403"));
        assert!(!code.in_area("3303"));
        assert_eq!(HUAWEI.parse::<Uscc>(), Ok(code));
    }

    #[test]
    fn trims_and_uppercases() {
        let prefix = "91330327MA2HE8WT1";
        let check = Uscc::check_character(prefix).unwrap();
        let lower = format!(" {}{} ", prefix.to_lowercase(), check.to_ascii_lowercase());
        let (parsed, _) = Uscc::parse_with(&lower, UsccMode::Lenient).unwrap();
        assert_eq!(parsed.as_str(), format!("{prefix}{check}"));
    }

    #[test]
    fn wrong_check_character() {
        let err = Uscc::parse("914403001922038217").unwrap_err();
        assert_eq!(
            err,
            UsccError::CheckCharacter {
                expected: '6',
                found: '7'
            }
        );
        let text = err.localize(Lang::Zh);
        assert_eq!(text.zh(), "校验位错误：第18位应为 6，实为 7");
        assert_eq!(
            text.en(),
            "wrong check character: the 18th character should be 6, not 7"
        );
        assert_eq!(err.to_string(), text.en());
    }

    #[test]
    fn lenient_accepts_wrong_check_with_warning() {
        let (code, warning) = Uscc::parse_with("914403001922038217", UsccMode::Lenient).unwrap();
        assert_eq!(code.as_str(), "914403001922038217");
        assert_eq!(
            warning.unwrap().error,
            UsccError::CheckCharacter {
                expected: '6',
                found: '7'
            }
        );
        let (_, none) = Uscc::parse_with(HUAWEI, UsccMode::Lenient).unwrap();
        assert_eq!(none, None);
    }

    #[test]
    fn lenient_never_relaxes_shape() {
        for s in [
            "91440300192203821",
            "9144030019220382166",
            "91440300192203821O",
            "91A403001922038216",
        ] {
            assert!(Uscc::parse_with(s, UsccMode::Lenient).is_err(), "{s}");
        }
    }

    #[test]
    fn length_is_counted_in_characters() {
        assert_eq!(Uscc::parse(""), Err(UsccError::Length { found: 0 }));
        assert_eq!(
            Uscc::parse("9144030019220382"),
            Err(UsccError::Length { found: 16 })
        );
        assert_eq!(
            Uscc::parse("统一社会信用代码"),
            Err(UsccError::Length { found: 8 })
        );
    }

    #[test]
    fn forbidden_letters() {
        for (i, bad) in ['I', 'O', 'Z', 'S', 'V', '-', '统'].into_iter().enumerate() {
            let mut s: Vec<char> = HUAWEI.chars().collect();
            s[i] = bad;
            let s: String = s.into_iter().collect();
            assert_eq!(
                Uscc::parse(&s),
                Err(UsccError::Character {
                    position: i + 1,
                    found: bad
                }),
                "{s}"
            );
        }
    }

    #[test]
    fn area_code_must_be_digits() {
        let err = Uscc::parse("9144A3001922038216").unwrap_err();
        assert_eq!(
            err,
            UsccError::AreaCode {
                found: "44A300".into()
            }
        );
        assert!(err.localize(Lang::Zh).zh().contains("行政区划码"));
    }

    #[test]
    fn organisation_check_is_verified_before_check_character() {
        // Change the 17th character and recompute the 18th: only the organisation check fails.
        let prefix = "9144030019220382";
        let first17 = format!("{prefix}2");
        let check = Uscc::check_character(&first17).unwrap();
        let code = format!("{first17}{check}");
        assert_eq!(
            Uscc::parse(&code),
            Err(UsccError::OrganisationCheck {
                expected: '1',
                found: '2'
            })
        );
        let (_, warning) = Uscc::parse_with(&code, UsccMode::Lenient).unwrap();
        assert!(matches!(
            warning.unwrap().error,
            UsccError::OrganisationCheck { .. }
        ));
    }

    #[test]
    fn organisation_check_edge_values() {
        assert_eq!(Uscc::organisation_check_character("19220382"), Ok('1'));
        // sum 0 → 11 - 0 = 11 → '0'
        assert_eq!(Uscc::organisation_check_character("00000000"), Ok('0'));
        // sum 2*2 = 4 → 11 - 4 = 7
        assert_eq!(Uscc::organisation_check_character("00000002"), Ok('7'));
        // sum 3*4 = 12 ≡ 1 → 11 - 1 = 10 → 'X'
        assert_eq!(Uscc::organisation_check_character("40000000"), Ok('X'));
        // letters use the full alphabet (GB 11714): A = 10 → 30 → 30 mod 11 = 8 → 3
        assert_eq!(Uscc::organisation_check_character("A0000000"), Ok('3'));
    }

    #[test]
    fn check_character_validates_input() {
        assert_eq!(Uscc::check_character("91440300192203821"), Ok('6'));
        assert_eq!(
            Uscc::check_character("9144030019220382"),
            Err(UsccError::Length { found: 16 })
        );
        assert!(matches!(
            Uscc::check_character("9144030019220382I"),
            Err(UsccError::Character { position: 17, .. })
        ));
    }

    #[test]
    fn every_error_is_bilingual() {
        let errors = [
            UsccError::Length { found: 3 },
            UsccError::Character {
                position: 2,
                found: 'I',
            },
            UsccError::AreaCode {
                found: "ABCDEF".into(),
            },
            UsccError::OrganisationCheck {
                expected: 'X',
                found: '1',
            },
            UsccError::CheckCharacter {
                expected: '6',
                found: '7',
            },
        ];
        for err in errors {
            let text = err.localize(Lang::En);
            assert!(!text.zh().is_empty());
            assert_eq!(text.en(), err.to_string());
        }
    }

    fn uscc_char() -> impl Strategy<Value = char> {
        proptest::sample::select(CHARSET.chars().collect::<Vec<_>>())
    }

    fn digit() -> impl Strategy<Value = char> {
        proptest::sample::select("0123456789".chars().collect::<Vec<_>>())
    }

    /// 17 characters with digits in the area positions; the 17th is random.
    fn prefix17() -> impl Strategy<Value = String> {
        (
            proptest::collection::vec(uscc_char(), 2),
            proptest::collection::vec(digit(), 6),
            proptest::collection::vec(uscc_char(), 9),
        )
            .prop_map(|(a, b, c)| a.into_iter().chain(b).chain(c).collect())
    }

    /// A fully valid code: organisation check and check character computed.
    fn valid_code() -> impl Strategy<Value = String> {
        prefix17().prop_map(|p| {
            let mut first17: String = p[..16].to_owned();
            first17.push(org_check_of(&p[8..16]));
            let check = Uscc::check_character(&first17).unwrap();
            format!("{first17}{check}")
        })
    }

    proptest! {
        #[test]
        fn computed_check_character_never_warns_about_itself(p in prefix17()) {
            let check = Uscc::check_character(&p).unwrap();
            let code = format!("{p}{check}");
            let (parsed, warning) = Uscc::parse_with(&code, UsccMode::Lenient).unwrap();
            prop_assert_eq!(parsed.as_str(), code.as_str());
            if let Some(w) = warning {
                let is_org = matches!(w.error, UsccError::OrganisationCheck { .. });
                prop_assert!(is_org);
            }
        }

        #[test]
        fn valid_codes_parse_strictly(code in valid_code()) {
            let parsed = Uscc::parse(&code).unwrap();
            prop_assert_eq!(parsed.as_str(), code.as_str());
            prop_assert_eq!(Uscc::parse(&code.to_lowercase()).unwrap(), parsed);
        }

        #[test]
        fn any_single_change_fails_strictly(
            code in valid_code(),
            position in 0usize..18,
            replacement in proptest::sample::select(
                "0123456789ABCDEFGHJKLMNPQRTUWXYIOZSV-#".chars().collect::<Vec<_>>()
            ),
        ) {
            let mut chars: Vec<char> = code.chars().collect();
            prop_assume!(chars[position] != replacement);
            chars[position] = replacement;
            let changed: String = chars.into_iter().collect();
            prop_assert!(Uscc::parse(&changed).is_err(), "{} accepted", changed);
        }
    }
}
