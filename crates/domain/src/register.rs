//! The statistical register (统计名录): which enterprises the statistics bureau counts as
//! above-scale industry (规上工业) or above-limit trade (限上商贸), since which month, by which
//! route, and when they left.
//!
//! One [`RegisterPeriod`] is one stay in the register: entered in a month, left (退库) in a later
//! month or still in. A re-entry after an exit is a new period; the old one is kept.

use std::fmt;

use chrono::NaiveDate;

use crate::i18n::{Lang, Localize, Text};
use crate::metrics::YearMonth;
use crate::officer::EnterpriseId;

/// Which register an enterprise is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RegisterKind {
    /// 规上工业: industrial enterprises above the size threshold.
    AboveScale,
    /// 限上商贸: wholesale, retail, accommodation and catering above the limit.
    AboveLimit,
}

/// How an enterprise entered the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RegisterRoute {
    /// 月度入库: admitted in the course of the year, month by month.
    Monthly,
    /// 年度入库: admitted at the annual review.
    Annual,
}

/// Where a register period came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RegisterSource {
    /// A cultivation reached a track stage that enters (or leaves) the register.
    Track,
    /// The statistics bureau's list (统计局名录), imported as a ledger.
    Import,
    /// Entered by hand by an officer.
    Hand,
}

/// A text that names no register kind, route or source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterError {
    /// Not a register kind.
    #[error(
        "unknown register kind \"{input}\": expected above_scale or above_limit (规上 or 限上)"
    )]
    Kind {
        /// The text as given.
        input: String,
    },
    /// Not a route.
    #[error("unknown register route \"{input}\": expected monthly or annual (月度 or 年度)")]
    Route {
        /// The text as given.
        input: String,
    },
    /// Not a source.
    #[error("unknown register source \"{input}\": expected track, import or hand")]
    Source {
        /// The text as given.
        input: String,
    },
    /// The exit month is before the entry month.
    #[error("the exit month {exited} is before the entry month {entered}")]
    ExitBeforeEntry {
        /// The month entered.
        entered: YearMonth,
        /// The month left.
        exited: YearMonth,
    },
}

impl Localize for RegisterError {
    fn localize(&self, _lang: Lang) -> Text {
        let zh = match self {
            RegisterError::Kind { input } => {
                format!(
                    "未知的名录类别 \"{input}\"：应为 规上（above_scale）或 限上（above_limit）"
                )
            }
            RegisterError::Route { input } => {
                format!("未知的入库方式 \"{input}\"：应为 月度（monthly）或 年度（annual）")
            }
            RegisterError::Source { input } => {
                format!("未知的名录来源 \"{input}\"：应为 track、import 或 hand")
            }
            RegisterError::ExitBeforeEntry { entered, exited } => {
                format!("退库年月 {exited} 早于入库年月 {entered}")
            }
        };
        Text::new(zh, self.to_string())
    }
}

impl RegisterKind {
    /// Both kinds, 规上 first.
    pub const ALL: [RegisterKind; 2] = [RegisterKind::AboveScale, RegisterKind::AboveLimit];

    /// The stable key: `above_scale` or `above_limit`.
    pub fn key(self) -> &'static str {
        match self {
            RegisterKind::AboveScale => "above_scale",
            RegisterKind::AboveLimit => "above_limit",
        }
    }

    /// The short name officers write: 规上 or 限上.
    pub fn short_zh(self) -> &'static str {
        match self {
            RegisterKind::AboveScale => "规上",
            RegisterKind::AboveLimit => "限上",
        }
    }

    /// The name to show: 规上工业 / above-scale industry, 限上商贸 / above-limit trade.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RegisterKind::AboveScale, Lang::Zh) => "规上工业",
            (RegisterKind::AboveScale, Lang::En) => "above-scale industry",
            (RegisterKind::AboveLimit, Lang::Zh) => "限上商贸",
            (RegisterKind::AboveLimit, Lang::En) => "above-limit trade",
        }
    }

    /// Reads a key (any ASCII case), 规上, 限上, a label, or the register's long names
    /// (规上工业企业, 限上商贸企业, 规上企业, 限上企业).
    pub fn parse(s: &str) -> Result<RegisterKind, RegisterError> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase().replace('-', "_");
        RegisterKind::ALL
            .into_iter()
            .find(|k| {
                lower == k.key()
                    || t == k.short_zh()
                    || t == k.label(Lang::Zh)
                    || lower == k.label(Lang::En).replace('-', "_")
                    || t == format!("{}企业", k.short_zh())
                    || t == format!("{}企业", k.label(Lang::Zh))
            })
            .ok_or_else(|| RegisterError::Kind {
                input: s.to_owned(),
            })
    }
}

impl fmt::Display for RegisterKind {
    /// Prints [`RegisterKind::key`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl RegisterRoute {
    /// Both routes, monthly first.
    pub const ALL: [RegisterRoute; 2] = [RegisterRoute::Monthly, RegisterRoute::Annual];

    /// The stable key: `monthly` or `annual`.
    pub fn key(self) -> &'static str {
        match self {
            RegisterRoute::Monthly => "monthly",
            RegisterRoute::Annual => "annual",
        }
    }

    /// The short name officers write: 月度 or 年度.
    pub fn short_zh(self) -> &'static str {
        match self {
            RegisterRoute::Monthly => "月度",
            RegisterRoute::Annual => "年度",
        }
    }

    /// The name to show: 月度入库 / monthly, 年度入库 / annual.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RegisterRoute::Monthly, Lang::Zh) => "月度入库",
            (RegisterRoute::Monthly, Lang::En) => "monthly",
            (RegisterRoute::Annual, Lang::Zh) => "年度入库",
            (RegisterRoute::Annual, Lang::En) => "annual",
        }
    }

    /// Reads a key (any ASCII case), 月度, 年度, 月度入库 or 年度入库.
    pub fn parse(s: &str) -> Result<RegisterRoute, RegisterError> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        RegisterRoute::ALL
            .into_iter()
            .find(|r| lower == r.key() || t == r.short_zh() || t == r.label(Lang::Zh))
            .ok_or_else(|| RegisterError::Route {
                input: s.to_owned(),
            })
    }
}

impl RegisterSource {
    /// Every source.
    pub const ALL: [RegisterSource; 3] = [
        RegisterSource::Track,
        RegisterSource::Import,
        RegisterSource::Hand,
    ];

    /// The stable key: `track`, `import` or `hand`.
    pub fn key(self) -> &'static str {
        match self {
            RegisterSource::Track => "track",
            RegisterSource::Import => "import",
            RegisterSource::Hand => "hand",
        }
    }

    /// The name to show: 培育阶段 / track stage, 统计局名录 / statistics bureau list, 手工录入 /
    /// by hand.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RegisterSource::Track, Lang::Zh) => "培育阶段",
            (RegisterSource::Track, Lang::En) => "track stage",
            (RegisterSource::Import, Lang::Zh) => "统计局名录",
            (RegisterSource::Import, Lang::En) => "statistics bureau list",
            (RegisterSource::Hand, Lang::Zh) => "手工录入",
            (RegisterSource::Hand, Lang::En) => "by hand",
        }
    }

    /// Reads a key.
    pub fn parse(s: &str) -> Result<RegisterSource, RegisterError> {
        let lower = s.trim().to_ascii_lowercase();
        RegisterSource::ALL
            .into_iter()
            .find(|r| lower == r.key())
            .ok_or_else(|| RegisterError::Source {
                input: s.to_owned(),
            })
    }
}

/// One stay of an enterprise in one register: from the month it entered to the month it left
/// (退库), or still in. An enterprise is in the register in the months `entered ..< exited`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterPeriod {
    /// The enterprise.
    pub enterprise: EnterpriseId,
    /// Which register.
    pub kind: RegisterKind,
    /// The first month counted in the register (入库年月).
    pub entered: YearMonth,
    /// How it entered.
    pub route: RegisterRoute,
    /// The month it left (退库年月): from this month on it is no longer counted.
    pub exited: Option<YearMonth>,
    /// Why it left, when it did.
    pub exit_reason: Option<String>,
    /// Where the entry came from.
    pub source: RegisterSource,
}

impl RegisterPeriod {
    /// Checks the exit is not before the entry (an exit in the month entered is allowed: the
    /// period then counts no month).
    pub fn check(&self) -> Result<(), RegisterError> {
        match self.exited {
            Some(exited) if exited < self.entered => Err(RegisterError::ExitBeforeEntry {
                entered: self.entered,
                exited,
            }),
            _ => Ok(()),
        }
    }

    /// Whether the enterprise is counted in the register in `month`.
    pub fn counts_in(&self, month: YearMonth) -> bool {
        self.entered <= month && self.exited.is_none_or(|x| month < x)
    }

    /// Whether the enterprise is counted in the register on `day` (in the day's month).
    pub fn counts_on(&self, day: NaiveDate) -> bool {
        YearMonth::containing(day).is_some_and(|m| self.counts_in(m))
    }

    /// Whether the period is still open (no exit recorded).
    pub fn is_open(&self) -> bool {
        self.exited.is_none()
    }

    /// The period in words: `规上工业 在库（2023-03 月度入库）`, or once left
    /// `规上工业 已退库 2023-09（2021-01 年度入库）`.
    pub fn describe(&self, lang: Lang) -> String {
        let since = match lang {
            Lang::Zh => format!("{} {}", self.entered, self.route.label(lang)),
            Lang::En => format!("entered {}, {}", self.entered, self.route.label(lang)),
        };
        match (self.exited, lang) {
            (None, Lang::Zh) => format!("{} 在库（{since}）", self.kind.label(lang)),
            (None, Lang::En) => format!("in the {} register ({since})", self.kind.label(lang)),
            (Some(x), Lang::Zh) => format!("{} 已退库 {x}（{since}）", self.kind.label(lang)),
            (Some(x), Lang::En) => {
                format!(
                    "left the {} register in {x} ({since})",
                    self.kind.label(lang)
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(s: &str) -> YearMonth {
        YearMonth::parse(s).unwrap()
    }

    fn period(entered: &str, exited: Option<&str>) -> RegisterPeriod {
        RegisterPeriod {
            enterprise: EnterpriseId(uuid::Uuid::nil()),
            kind: RegisterKind::AboveScale,
            entered: ym(entered),
            route: RegisterRoute::Monthly,
            exited: exited.map(ym),
            exit_reason: None,
            source: RegisterSource::Hand,
        }
    }

    #[test]
    fn kinds_read_the_words_officers_write() {
        for s in [
            "规上",
            "规上工业",
            "规上工业企业",
            "above_scale",
            "Above-Scale",
            " 规上企业 ",
        ] {
            assert_eq!(RegisterKind::parse(s), Ok(RegisterKind::AboveScale), "{s}");
        }
        for s in ["限上", "限上商贸", "above_limit", "限上企业"] {
            assert_eq!(RegisterKind::parse(s), Ok(RegisterKind::AboveLimit), "{s}");
        }
        let err = RegisterKind::parse("规模以下").unwrap_err();
        assert!(err.localize(Lang::Zh).zh().contains("规上"));
    }

    #[test]
    fn routes_read_the_words_officers_write() {
        assert_eq!(RegisterRoute::parse("月度"), Ok(RegisterRoute::Monthly));
        assert_eq!(RegisterRoute::parse("年度入库"), Ok(RegisterRoute::Annual));
        assert_eq!(RegisterRoute::parse("ANNUAL"), Ok(RegisterRoute::Annual));
        assert!(RegisterRoute::parse("季度").is_err());
        for s in RegisterSource::ALL {
            assert_eq!(RegisterSource::parse(s.key()), Ok(s));
        }
    }

    #[test]
    fn a_period_counts_from_its_entry_until_the_month_it_left() {
        let p = period("2023-03", Some("2023-09"));
        assert!(!p.counts_in(ym("2023-02")));
        assert!(p.counts_in(ym("2023-03")));
        assert!(p.counts_in(ym("2023-08")));
        assert!(!p.counts_in(ym("2023-09")));
        assert!(p.counts_on(NaiveDate::from_ymd_opt(2023, 3, 1).unwrap()));
        let open = period("2021-01", None);
        assert!(open.counts_in(ym("2099-12")) && open.is_open());
    }

    #[test]
    fn a_period_says_itself_in_words() {
        assert_eq!(
            period("2023-03", None).describe(Lang::Zh),
            "规上工业 在库（2023-03 月度入库）"
        );
        assert_eq!(
            period("2021-01", Some("2023-09")).describe(Lang::Zh),
            "规上工业 已退库 2023-09（2021-01 月度入库）"
        );
        assert!(
            period("2021-01", None)
                .describe(Lang::En)
                .starts_with("in the above-scale")
        );
    }

    #[test]
    fn an_exit_before_the_entry_is_refused() {
        assert!(period("2023-03", Some("2023-03")).check().is_ok());
        let err = period("2023-03", Some("2023-02")).check().unwrap_err();
        assert!(err.localize(Lang::Zh).zh().contains("早于"));
    }
}
