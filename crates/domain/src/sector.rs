//! Sectors (行业) as statistics counts them, and the size thresholds that decide 规上/限上.

use std::fmt;
use std::str::FromStr;

use crate::i18n::{Lang, Localize, Text};
use crate::money::Yuan;

/// The statistical sector of an enterprise; decides which revenue threshold applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sector {
    /// 工业: mining, manufacturing, power, gas and water.
    Industry,
    /// 批发业.
    Wholesale,
    /// 零售业.
    Retail,
    /// 住宿业.
    Accommodation,
    /// 餐饮业.
    Catering,
    /// 其他: no size threshold of its own.
    Other,
}

/// A text that names no sector.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SectorError {
    /// Not a sector key or Chinese name.
    #[error(
        "unknown sector \"{input}\": expected industry, wholesale, retail, accommodation, \
         catering or other (or 工业, 批发业, 零售业, 住宿业, 餐饮业, 其他)"
    )]
    Unknown {
        /// The text as given.
        input: String,
    },
}

impl Localize for SectorError {
    fn localize(&self, _lang: Lang) -> Text {
        match self {
            SectorError::Unknown { input } => Text::new(
                format!(
                    "未知的行业 \"{input}\"：应为 工业、批发业、零售业、住宿业、餐饮业 或 其他"
                ),
                self.to_string(),
            ),
        }
    }
}

impl Sector {
    /// Every sector, in the order statistics tables list them.
    pub const ALL: [Sector; 6] = [
        Sector::Industry,
        Sector::Wholesale,
        Sector::Retail,
        Sector::Accommodation,
        Sector::Catering,
        Sector::Other,
    ];

    /// The stable lowercase key: `industry`, `wholesale`, `retail`, `accommodation`,
    /// `catering`, `other`.
    pub fn key(self) -> &'static str {
        match self {
            Sector::Industry => "industry",
            Sector::Wholesale => "wholesale",
            Sector::Retail => "retail",
            Sector::Accommodation => "accommodation",
            Sector::Catering => "catering",
            Sector::Other => "other",
        }
    }

    /// Reads a key (any ASCII case) or a Chinese name with or without 业: 工业, 批发(业),
    /// 零售(业), 住宿(业), 餐饮(业), 其他. Surrounding whitespace is ignored.
    pub fn parse(s: &str) -> Result<Sector, SectorError> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        Sector::ALL
            .into_iter()
            .find(|sector| {
                lower == sector.key()
                    || t == sector.label(Lang::Zh)
                    || (sector.label(Lang::Zh).strip_suffix('业') == Some(t)
                        && *sector != Sector::Industry)
            })
            .ok_or_else(|| SectorError::Unknown {
                input: s.to_owned(),
            })
    }

    /// The name to show: zh 工业, 批发业, 零售业, 住宿业, 餐饮业, 其他; en industry,
    /// wholesale, retail, accommodation, catering, other.
    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => match self {
                Sector::Industry => "工业",
                Sector::Wholesale => "批发业",
                Sector::Retail => "零售业",
                Sector::Accommodation => "住宿业",
                Sector::Catering => "餐饮业",
                Sector::Other => "其他",
            },
            Lang::En => self.key(),
        }
    }

    /// The National Bureau of Statistics' annual main-business revenue threshold: industry and
    /// wholesale 20 million yuan, retail 5 million, accommodation and catering 2 million; none
    /// for other sectors.
    pub fn default_threshold(self) -> Option<Yuan> {
        match self {
            Sector::Industry | Sector::Wholesale => Some(Yuan(20_000_000)),
            Sector::Retail => Some(Yuan(5_000_000)),
            Sector::Accommodation | Sector::Catering => Some(Yuan(2_000_000)),
            Sector::Other => None,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Sector {
    /// Prints [`Sector::key`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Sector {
    type Err = SectorError;

    /// Same as [`Sector::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Sector::parse(s)
    }
}

/// The annual revenue threshold per sector; `None` means the sector has none.
///
/// Configurable because the bureau of statistics changes them; [`Default`] gives the current
/// national values ([`Sector::default_threshold`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Thresholds {
    by_sector: [Option<Yuan>; 6],
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            by_sector: Sector::ALL.map(Sector::default_threshold),
        }
    }
}

impl Thresholds {
    /// Thresholds with no sector having one.
    pub fn none() -> Self {
        Thresholds {
            by_sector: [None; 6],
        }
    }

    /// The threshold of sector `s`.
    pub fn get(&self, s: Sector) -> Option<Yuan> {
        self.by_sector[s.index()]
    }

    /// Replaces the threshold of sector `s`.
    pub fn set(&mut self, s: Sector, v: Option<Yuan>) {
        self.by_sector[s.index()] = v;
    }

    /// Whether an annual revenue reaches the sector's threshold (at or above it);
    /// `None` when the sector has no threshold.
    pub fn reaches(&self, s: Sector, annual_revenue: Yuan) -> Option<bool> {
        self.get(s).map(|t| annual_revenue >= t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for s in Sector::ALL {
            assert_eq!(Sector::parse(s.key()), Ok(s));
            assert_eq!(s.to_string().parse::<Sector>(), Ok(s));
            assert_eq!(Sector::parse(s.label(Lang::Zh)), Ok(s));
            assert_eq!(Sector::parse(s.label(Lang::En)), Ok(s));
        }
    }

    #[test]
    fn chinese_names_with_and_without_ye() {
        for (input, s) in [
            ("工业", Sector::Industry),
            ("批发", Sector::Wholesale),
            ("批发业", Sector::Wholesale),
            ("零售", Sector::Retail),
            ("零售业", Sector::Retail),
            ("住宿", Sector::Accommodation),
            ("住宿业", Sector::Accommodation),
            ("餐饮", Sector::Catering),
            ("餐饮业", Sector::Catering),
            ("其他", Sector::Other),
            (" Industry ", Sector::Industry),
        ] {
            assert_eq!(Sector::parse(input), Ok(s), "{input}");
        }
    }

    #[test]
    fn unknown_sectors() {
        for input in ["", "工", "住宿餐饮业", "manufacturing"] {
            let err = Sector::parse(input).unwrap_err();
            assert_eq!(
                err,
                SectorError::Unknown {
                    input: input.into()
                }
            );
            assert_eq!(err.localize(Lang::En).en(), err.to_string());
            assert!(err.localize(Lang::Zh).zh().contains("未知的行业"));
        }
    }

    #[test]
    fn national_thresholds() {
        let t = Thresholds::default();
        assert_eq!(t.get(Sector::Industry), Some(Yuan(20_000_000)));
        assert_eq!(t.get(Sector::Wholesale), Some(Yuan(20_000_000)));
        assert_eq!(t.get(Sector::Retail), Some(Yuan(5_000_000)));
        assert_eq!(t.get(Sector::Accommodation), Some(Yuan(2_000_000)));
        assert_eq!(t.get(Sector::Catering), Some(Yuan(2_000_000)));
        assert_eq!(t.get(Sector::Other), None);
    }

    #[test]
    fn thresholds_are_configurable() {
        let mut t = Thresholds::default();
        t.set(Sector::Retail, Some(Yuan(6_000_000)));
        t.set(Sector::Catering, None);
        assert_eq!(t.get(Sector::Retail), Some(Yuan(6_000_000)));
        assert_eq!(t.get(Sector::Catering), None);
        assert_eq!(t.get(Sector::Industry), Some(Yuan(20_000_000)));
        assert_eq!(t.reaches(Sector::Retail, Yuan(6_000_000)), Some(true));
        assert_eq!(t.reaches(Sector::Retail, Yuan(5_999_999)), Some(false));
        assert_eq!(t.reaches(Sector::Catering, Yuan(1)), None);
        let none = Thresholds::none();
        assert!(Sector::ALL.iter().all(|s| none.get(*s).is_none()));
    }
}
