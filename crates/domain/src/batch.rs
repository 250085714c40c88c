//! Batches (批次): the four groups the bureau sorts enterprises it cultivates into.

use std::fmt;
use std::str::FromStr;

use crate::i18n::{Lang, Localize, Text};

/// A batch number, always 1 to 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Batch(u8);

/// A batch number outside 1 to 4, or not a number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// The text or number is not a whole number from 1 to 4.
    #[error("batch must be a whole number from 1 to 4, got \"{input}\"")]
    Invalid {
        /// The input as given.
        input: String,
    },
}

impl Localize for BatchError {
    fn localize(&self, _lang: Lang) -> Text {
        match self {
            BatchError::Invalid { input } => Text::new(
                format!("批次必须是 1 到 4 之间的整数，收到 \"{input}\""),
                self.to_string(),
            ),
        }
    }
}

impl Batch {
    /// The four batches in order.
    pub const ALL: [Batch; 4] = [Batch(1), Batch(2), Batch(3), Batch(4)];

    /// The batch numbered `n`, if `n` is 1 to 4.
    pub fn new(n: u8) -> Result<Batch, BatchError> {
        if (1..=4).contains(&n) {
            Ok(Batch(n))
        } else {
            Err(BatchError::Invalid {
                input: n.to_string(),
            })
        }
    }

    /// The number, 1 to 4.
    pub fn number(self) -> u8 {
        self.0
    }

    /// The usual name of the batch (a county may rename them in its configuration):
    /// 1 重点保障 / key support, 2 培育壮大 / cultivate and grow, 3 技改提升 / tech upgrade,
    /// 4 调整盘活 / adjust and revitalise.
    pub fn default_label(self, lang: Lang) -> &'static str {
        match (self.0, lang) {
            (1, Lang::Zh) => "重点保障",
            (1, Lang::En) => "key support",
            (2, Lang::Zh) => "培育壮大",
            (2, Lang::En) => "cultivate and grow",
            (3, Lang::Zh) => "技改提升",
            (3, Lang::En) => "tech upgrade",
            (_, Lang::Zh) => "调整盘活",
            (_, Lang::En) => "adjust and revitalise",
        }
    }

    /// The batch as tables and lists name it, number and name together: 第1批 重点保障 /
    /// batch 1 (key support).
    pub fn full_label(self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("第{}批 {}", self.0, self.default_label(lang)),
            Lang::En => format!("batch {} ({})", self.0, self.default_label(lang)),
        }
    }
}

impl fmt::Display for Batch {
    /// Prints the number, `1` to `4`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Batch {
    type Err = BatchError;

    /// Reads `1` to `4`, also written `第1批` or `第一批`; whitespace around is ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let inner = t
            .strip_prefix('第')
            .and_then(|r| r.strip_suffix('批'))
            .unwrap_or(t);
        let n = match inner {
            "一" => Some(1),
            "二" => Some(2),
            "三" => Some(3),
            "四" => Some(4),
            digits if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                digits.parse::<u8>().ok()
            }
            _ => None,
        };
        n.and_then(|n| Batch::new(n).ok())
            .ok_or_else(|| BatchError::Invalid {
                input: s.to_owned(),
            })
    }
}

impl TryFrom<u8> for Batch {
    type Error = BatchError;

    /// Same as [`Batch::new`].
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Batch::new(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_to_four() {
        for n in 1..=4 {
            let b = Batch::new(n).unwrap();
            assert_eq!(b.number(), n);
            assert_eq!(b.to_string(), n.to_string());
            assert_eq!(b.to_string().parse::<Batch>(), Ok(b));
        }
        assert_eq!(Batch::ALL.map(Batch::number), [1, 2, 3, 4]);
        assert!(Batch::ALL.is_sorted());
    }

    #[test]
    fn out_of_range() {
        for n in [0, 5, 255] {
            assert_eq!(
                Batch::new(n),
                Err(BatchError::Invalid {
                    input: n.to_string()
                })
            );
        }
        let err = "5".parse::<Batch>().unwrap_err();
        let text = err.localize(Lang::Zh);
        assert_eq!(text.zh(), "批次必须是 1 到 4 之间的整数，收到 \"5\"");
        assert_eq!(
            text.en(),
            "batch must be a whole number from 1 to 4, got \"5\""
        );
        assert_eq!(err.to_string(), text.en());
    }

    #[test]
    fn parses_chinese_forms() {
        assert_eq!("第1批".parse::<Batch>(), Batch::new(1));
        assert_eq!("第三批".parse::<Batch>(), Batch::new(3));
        assert_eq!(" 4 ".parse::<Batch>(), Batch::new(4));
        for bad in ["", "1.0", "+1", "-1", "第五批", "one", "300"] {
            assert_eq!(
                bad.parse::<Batch>(),
                Err(BatchError::Invalid { input: bad.into() }),
                "{bad}"
            );
        }
    }

    #[test]
    fn labels() {
        let zh: Vec<_> = Batch::ALL
            .iter()
            .map(|b| b.default_label(Lang::Zh))
            .collect();
        assert_eq!(zh, ["重点保障", "培育壮大", "技改提升", "调整盘活"]);
        assert_eq!(
            Batch::ALL[3].default_label(Lang::En),
            "adjust and revitalise"
        );
    }
}
