//! Keys that name stages of a track and tracks themselves, as written in track files.

use std::fmt;
use std::str::FromStr;

use crate::i18n::{Lang, Localize, Text};

/// The longest key, in characters.
pub const KEY_MAX_LEN: usize = 32;

/// Why a text is not a valid stage or track key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The key is empty.
    #[error(
        "a key must not be empty: use lowercase letters, digits and '_', starting with a letter"
    )]
    Empty,
    /// The key is longer than [`KEY_MAX_LEN`] characters.
    #[error("the key \"{input}\" is {len} characters long; at most 32 are allowed")]
    TooLong {
        /// The key as given.
        input: String,
        /// Its length in characters.
        len: usize,
    },
    /// The key does not start with a lowercase ASCII letter.
    #[error("the key \"{input}\" must start with a lowercase letter a-z")]
    Start {
        /// The key as given.
        input: String,
    },
    /// The key contains a character other than `a-z`, `0-9` and `_`.
    #[error(
        "the key \"{input}\" has '{found}' at position {position}; only lowercase letters a-z, \
         digits and '_' are allowed"
    )]
    Character {
        /// The key as given.
        input: String,
        /// 1-based position of the first bad character.
        position: usize,
        /// The character found there.
        found: char,
    },
}

impl Localize for KeyError {
    fn localize(&self, _lang: Lang) -> Text {
        let zh = match self {
            KeyError::Empty => {
                "标识不能为空：应由小写字母、数字和下划线组成，并以字母开头".to_owned()
            }
            KeyError::TooLong { input, len } => {
                format!("标识 \"{input}\" 长 {len} 个字符，最多 32 个")
            }
            KeyError::Start { input } => format!("标识 \"{input}\" 必须以小写字母 a-z 开头"),
            KeyError::Character {
                input,
                position,
                found,
            } => format!(
                "标识 \"{input}\" 第{position}个字符“{found}”不允许；只能用小写字母 a-z、数字和下划线"
            ),
        };
        Text::new(zh, self.to_string())
    }
}

/// Checks the key rules: 1 to 32 characters of `a-z`, `0-9`, `_`, starting with a letter.
fn validate(s: &str) -> Result<(), KeyError> {
    let len = s.chars().count();
    if len == 0 {
        return Err(KeyError::Empty);
    }
    if let Some((i, c)) = s
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        return Err(KeyError::Character {
            input: s.to_owned(),
            position: i + 1,
            found: c,
        });
    }
    if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(KeyError::Start {
            input: s.to_owned(),
        });
    }
    if len > KEY_MAX_LEN {
        return Err(KeyError::TooLong {
            input: s.to_owned(),
            len,
        });
    }
    Ok(())
}

macro_rules! key_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// The key, if `s` keeps the rules: 1 to 32 characters of lowercase ASCII letters,
            /// digits and `_`, starting with a letter. Nothing is trimmed or lowercased.
            pub fn new(s: &str) -> Result<$name, KeyError> {
                validate(s).map(|()| $name(s.to_owned()))
            }

            /// The key as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            /// Prints the key.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = KeyError;

            /// Same as `new`.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::new(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

key_type!(
    /// The key of a stage within a track, e.g. `visited` or `application_filed`.
    StageKey
);
key_type!(
    /// The key of a track (a workflow definition), e.g. `upgrade_to_above_scale`.
    TrackKey
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_good_keys() {
        for s in ["a", "visited", "stage_2", "a_b_c", &"x".repeat(32)] {
            assert_eq!(StageKey::new(s).unwrap().as_str(), s);
            assert_eq!(TrackKey::new(s).unwrap().to_string(), s);
            assert_eq!(s.parse::<StageKey>().unwrap().as_ref(), s);
        }
    }

    #[test]
    fn rejects_bad_keys() {
        assert_eq!(StageKey::new(""), Err(KeyError::Empty));
        assert_eq!(
            StageKey::new("2nd"),
            Err(KeyError::Start {
                input: "2nd".into()
            })
        );
        assert_eq!(
            StageKey::new("_x"),
            Err(KeyError::Start { input: "_x".into() })
        );
        assert_eq!(
            StageKey::new("Visited"),
            Err(KeyError::Character {
                input: "Visited".into(),
                position: 1,
                found: 'V'
            })
        );
        assert_eq!(
            TrackKey::new("a-b"),
            Err(KeyError::Character {
                input: "a-b".into(),
                position: 2,
                found: '-'
            })
        );
        assert!(matches!(
            StageKey::new(" a"),
            Err(KeyError::Character { position: 1, .. })
        ));
        assert!(matches!(
            StageKey::new("走访"),
            Err(KeyError::Character { position: 1, .. })
        ));
        assert_eq!(
            StageKey::new(&"x".repeat(33)),
            Err(KeyError::TooLong {
                input: "x".repeat(33),
                len: 33
            })
        );
    }

    #[test]
    fn errors_are_bilingual() {
        for s in ["", "2", "aB", &"y".repeat(40)] {
            let err = StageKey::new(s).unwrap_err();
            let text = err.localize(Lang::Zh);
            assert!(text.zh().contains("标识"));
            assert_eq!(text.en(), err.to_string());
        }
    }

    proptest! {
        #[test]
        fn keys_matching_the_pattern_are_accepted(s in "[a-z][a-z0-9_]{0,31}") {
            let key = StageKey::new(&s).unwrap();
            prop_assert_eq!(key.as_str(), s.as_str());
        }

        #[test]
        fn accepted_keys_match_the_pattern(s in "\\PC{0,40}") {
            if let Ok(k) = TrackKey::new(&s) {
                prop_assert!(k.as_str().len() <= 32);
                prop_assert!(k.as_str().starts_with(|c: char| c.is_ascii_lowercase()));
                prop_assert!(k.as_str().chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
            }
        }
    }
}
