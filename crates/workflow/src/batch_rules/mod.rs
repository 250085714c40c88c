//! Rule-based four-batches suggestions (四个一批): a per-mu (亩均) weighted score, grades by county
//! percentile, and a mapping from grade and facts to a suggested batch, all declared in a TOML
//! rule file (see `docs/batches.md`); the same file's `[[batch]]` tables are the county's
//! [`BatchPolicy`] ([`Rules::policy`]).
//!
//! Everything here is exact integer arithmetic on the monthly [`Metrics`] and the rule file, so a
//! suggestion is reproducible from those two alone: the same inputs give the same output, in the
//! same order, whatever order the inputs came in.

mod parse;
mod score;
#[cfg(test)]
mod tests;

use std::fmt;

use peiyu_domain::{Batch, Enterprise, EnterpriseId, Lang, Metrics, Sector, Text, Uscc, YearMonth};
use sha2::{Digest, Sha256};

pub use crate::batch_policy::{BatchPolicy, BatchService};
use crate::rule_file::{RuleFileErrors, RuleFileProblem};
pub use score::{Quotient, Scorecard, score};

/// The rule file shipped with peiyu, used when a county has not written its own.
pub const SHIPPED_RULES: &str = include_str!("../../rules/batches.toml");

/// One problem in a rule file, at a 1-based line (the same codes as track files).
pub type RuleProblem = RuleFileProblem;

/// Every problem found in a rule file, sorted by line; never empty. Shown as `the batch rules
/// are invalid (N problems):` then one `line N: …` per problem.
pub type RuleErrors = RuleFileErrors;

/// A validated rule file together with the exact text it was parsed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    version: Option<String>,
    sectors: Vec<Sector>,
    cap_percent: u32,
    exempt_months: u32,
    indicators: Vec<IndicatorRule>,
    grades: Vec<GradeBand>,
    mapping: Vec<MappingRule>,
    fallback: Fallback,
    policy: BatchPolicy,
    text: String,
}

impl Rules {
    /// Parses and validates a rule file. On failure returns every problem found, each with its
    /// 1-based line, sorted by line.
    pub fn parse(text: &str) -> Result<Rules, RuleErrors> {
        parse::parse(text)
    }

    /// The shipped rule file ([`SHIPPED_RULES`]), parsed. A test holds that it is valid.
    pub fn shipped() -> Result<Rules, RuleErrors> {
        Rules::parse(SHIPPED_RULES)
    }

    /// The optional human version label from the file.
    pub fn version_label(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The sectors whose enterprises are scored; others get no suggestion.
    pub fn sectors(&self) -> &[Sector] {
        &self.sectors
    }

    /// The most an indicator can earn, in percent of its weight (100 to 1000).
    pub fn cap_percent(&self) -> u32 {
        self.cap_percent
    }

    /// An enterprise in production for fewer months than this (counted to December of the
    /// scored year) is exempt from grading.
    pub fn exempt_months(&self) -> u32 {
        self.exempt_months
    }

    /// The scored indicators in file order; never empty, keys unique, weights sum above zero.
    pub fn indicators(&self) -> &[IndicatorRule] {
        &self.indicators
    }

    /// The grades from best to worst; never empty, `top_percent` strictly increasing, the last
    /// one 100.
    pub fn grades(&self) -> &[GradeBand] {
        &self.grades
    }

    /// The mapping rules in file order; the first that matches wins.
    pub fn mapping(&self) -> &[MappingRule] {
        &self.mapping
    }

    /// What a graded enterprise that no mapping rule matches is suggested.
    pub fn fallback(&self) -> &Fallback {
        &self.fallback
    }

    /// The county's four-batches policy: the file's `[[batch]]` tables over
    /// [`BatchPolicy::default`].
    pub fn policy(&self) -> &BatchPolicy {
        &self.policy
    }

    /// The exact text the rules were parsed from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// SHA-256 of the text, lowercase hex: names this exact rule file, so a suggestion can be
    /// traced to the rules that made it.
    pub fn content_hash(&self) -> String {
        hex::encode(Sha256::digest(self.text.as_bytes()))
    }
}

/// A figure the score is made of. Value added is taken as output value (产值): the monthly
/// metrics record no value added (增加值).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Indicator {
    /// Tax paid per mu of land (亩均税收), yuan per mu.
    TaxPerMu,
    /// Value added (here: output value) per mu of land (亩均增加值), yuan per mu.
    ValueAddedPerMu,
    /// Value added (here: output value) per tonne of coal equivalent of energy used
    /// (单位能耗增加值), yuan per tce.
    ValueAddedPerTce,
    /// Labour productivity: output value per employee (全员劳动生产率), yuan per person; the
    /// employee count is the average over the months that report it.
    OutputPerEmployee,
    /// R&D spending over main-business revenue (研发投入强度), in basis points (1% = 100).
    RndRatio,
}

impl Indicator {
    /// Every indicator, in the order of the docs.
    pub const ALL: [Indicator; 5] = [
        Indicator::TaxPerMu,
        Indicator::ValueAddedPerMu,
        Indicator::ValueAddedPerTce,
        Indicator::OutputPerEmployee,
        Indicator::RndRatio,
    ];

    /// The key used in the rule file, e.g. `tax_per_mu`.
    pub fn key(self) -> &'static str {
        match self {
            Indicator::TaxPerMu => "tax_per_mu",
            Indicator::ValueAddedPerMu => "value_added_per_mu",
            Indicator::ValueAddedPerTce => "value_added_per_tce",
            Indicator::OutputPerEmployee => "output_per_employee",
            Indicator::RndRatio => "rnd_ratio",
        }
    }

    /// The indicator whose key is `key`, if any.
    pub fn from_key(key: &str) -> Option<Indicator> {
        Indicator::ALL.into_iter().find(|i| i.key() == key)
    }

    /// The indicator's name for people.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Indicator::TaxPerMu, Lang::Zh) => "亩均税收",
            (Indicator::TaxPerMu, Lang::En) => "tax per mu",
            (Indicator::ValueAddedPerMu, Lang::Zh) => "亩均增加值（按产值计）",
            (Indicator::ValueAddedPerMu, Lang::En) => "value added (output value) per mu",
            (Indicator::ValueAddedPerTce, Lang::Zh) => "单位能耗增加值（按产值计）",
            (Indicator::ValueAddedPerTce, Lang::En) => "value added (output value) per tce",
            (Indicator::OutputPerEmployee, Lang::Zh) => "全员劳动生产率",
            (Indicator::OutputPerEmployee, Lang::En) => "output per employee",
            (Indicator::RndRatio, Lang::Zh) => "研发投入强度",
            (Indicator::RndRatio, Lang::En) => "R&D ratio",
        }
    }

    /// The unit of the indicator's values and benchmark.
    pub fn unit(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Indicator::TaxPerMu | Indicator::ValueAddedPerMu, Lang::Zh) => "元/亩",
            (Indicator::TaxPerMu | Indicator::ValueAddedPerMu, Lang::En) => "yuan/mu",
            (Indicator::ValueAddedPerTce, Lang::Zh) => "元/吨标准煤",
            (Indicator::ValueAddedPerTce, Lang::En) => "yuan/tce",
            (Indicator::OutputPerEmployee, Lang::Zh) => "元/人",
            (Indicator::OutputPerEmployee, Lang::En) => "yuan/person",
            (Indicator::RndRatio, Lang::Zh) => "基点（万分之一）",
            (Indicator::RndRatio, Lang::En) => "basis points",
        }
    }
}

/// One scored indicator of a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorRule {
    /// Which figure.
    pub indicator: Indicator,
    /// The value that earns exactly the full weight, in the indicator's unit; always above zero.
    pub benchmark: i64,
    /// Points for reaching the benchmark; 0 to 1000.
    pub weight: u32,
    /// The 1-based line of the `[[indicator]]` header.
    pub line: usize,
}

/// A grade's key as the rule file names it, e.g. `A`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grade(String);

impl Grade {
    /// The key, e.g. `A`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Grade {
    /// Prints the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One grade band: the enterprises whose rank lies within the county's top `top_percent`
/// (and not within a better band's) get `grade`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeBand {
    /// The grade.
    pub grade: Grade,
    /// The cumulative share of the county, in percent, that this and better grades cover
    /// (1 to 100).
    pub top_percent: u32,
    /// The 1-based line of the `[[grade]]` header.
    pub line: usize,
}

/// A mapping rule: when every condition it states holds, suggest `batch`. A condition left out
/// matches anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingRule {
    /// The grades it applies to; `None` = any grade.
    pub grades: Option<Vec<Grade>>,
    /// Required value of [`Facts::above_scale_candidate`], if stated.
    pub above_scale_candidate: Option<bool>,
    /// Required value of [`Facts::tech_upgrade_project`], if stated.
    pub tech_upgrade_project: Option<bool>,
    /// Required value of [`Facts::stopped`], if stated.
    pub stopped: Option<bool>,
    /// The batch suggested.
    pub batch: Batch,
    /// Why, in the officers' words; quoted in the suggestion's reason.
    pub reason: Text,
    /// The 1-based line of the `[[rule]]` header.
    pub line: usize,
}

impl MappingRule {
    /// Whether the rule applies to an enterprise of `grade` with `facts`.
    pub fn matches(&self, grade: &Grade, facts: &Facts) -> bool {
        self.grades.as_ref().is_none_or(|g| g.contains(grade))
            && self
                .above_scale_candidate
                .is_none_or(|v| v == facts.above_scale_candidate)
            && self
                .tech_upgrade_project
                .is_none_or(|v| v == facts.tech_upgrade_project)
            && self.stopped.is_none_or(|v| v == facts.stopped)
    }

    /// Whether the rule states no condition at all (so matches every graded enterprise).
    pub fn is_catch_all(&self) -> bool {
        self.grades.is_none()
            && self.above_scale_candidate.is_none()
            && self.tech_upgrade_project.is_none()
            && self.stopped.is_none()
    }
}

/// What a graded enterprise that no mapping rule matches is suggested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    /// The batch, or `None`: no suggestion, the officer decides.
    pub batch: Option<Batch>,
    /// Why, in the officers' words.
    pub reason: Text,
}

/// What officers know about an enterprise beyond its figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facts {
    /// On the list of candidates to go above-scale (上规) soon.
    pub above_scale_candidate: bool,
    /// Has a tech-upgrade project (技改项目), e.g. in the provincial programme.
    pub tech_upgrade_project: bool,
    /// Stopped production or has idle capacity (停产、闲置).
    pub stopped: bool,
    /// When production began, if officers know it; otherwise the first month with output value
    /// in the metrics is taken.
    pub in_production_since: Option<YearMonth>,
}

/// Everything [`suggest`] needs about one enterprise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseFacts {
    /// The enterprise (its id, USCC, name, sector and land area are used).
    pub enterprise: Enterprise,
    /// Its monthly figures: the scored year's, and earlier ones to find when production began.
    /// Records of another enterprise are ignored.
    pub metrics: Vec<Metrics>,
    /// What officers know beyond the figures.
    pub facts: Facts,
}

/// A score in thousandths of a point, exact. Displays as `72.350`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Score(pub i64);

impl Score {
    /// The score in thousandths of a point.
    pub fn milli_points(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Score {
    /// Points with exactly three decimals, e.g. `72.350`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:03}", a / 1000, a % 1000)
    }
}

/// How an enterprise stands in the grading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Scored and ranked among `of` graded enterprises; `rank` is 1 + the number scoring
    /// strictly higher (tied enterprises share a rank).
    Graded {
        /// 1-based rank.
        rank: usize,
        /// How many enterprises were graded.
        of: usize,
    },
    /// In production for fewer months than the rules' exemption; not graded, not counted.
    Exempt {
        /// When production began.
        since: YearMonth,
    },
    /// No monthly figures in the scored year; not graded, not counted.
    NoData,
    /// Its sector is not one the rules score; not graded, not counted.
    OutOfScope,
}

/// The suggestion for one enterprise, with everything an officer needs to see why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// Whose suggestion.
    pub enterprise: EnterpriseId,
    /// Its USCC (the first tie-breaker).
    pub uscc: Uscc,
    /// Its name (the second tie-breaker).
    pub name: String,
    /// How it stands in the grading.
    pub standing: Standing,
    /// The suggested batch; `None` when not graded, or when no rule matched and the rules have
    /// no fallback batch.
    pub batch: Option<Batch>,
    /// The grade; `None` unless graded.
    pub grade: Option<Grade>,
    /// The score; `None` for no data or out of scope (an exempt enterprise is scored for
    /// information but not graded).
    pub score: Option<Score>,
    /// One line per indicator of the rules, in file order (empty when not scored).
    pub breakdown: Vec<IndicatorScore>,
    /// The 1-based line of the mapping rule that chose the batch, if one did.
    pub rule_line: Option<usize>,
    /// The suggestion explained in a sentence, in both languages; it ends by saying when the
    /// year's figures are incomplete ([`Suggestion::completeness`]).
    pub reason: Text,
    /// How many months of the scored year have figures (complete at 12).
    pub months: usize,
    /// The facts the indicators need that are missing, in words.
    pub missing: Vec<Text>,
}

impl Suggestion {
    /// What is incomplete about the figures scored, in a sentence: `2022 年只有 2 个月的数据；
    /// 缺：综合能耗、研发投入`. `None` when the year has 12 months of figures and every fact the
    /// indicators need, or when nothing was scored.
    pub fn completeness(&self, year: i32) -> Option<Text> {
        // Nothing scored, nothing to qualify.
        self.score?;
        let mut zh = Vec::new();
        let mut en = Vec::new();
        if self.months < 12 {
            zh.push(format!(
                "{year} 年只有 {}/12 个月的数据，得分按已有月份计",
                self.months
            ));
            en.push(format!(
                "only {} of 12 months of {year} have figures: scored on those",
                self.months
            ));
        }
        if !self.missing.is_empty() {
            let names = |lang: Lang, sep: &str| {
                self.missing
                    .iter()
                    .map(|t| t.get(lang).to_owned())
                    .collect::<Vec<_>>()
                    .join(sep)
            };
            zh.push(format!("缺少{}，相应指标记 0 分", names(Lang::Zh, "、")));
            en.push(format!(
                "missing {}: those indicators score 0",
                names(Lang::En, ", ")
            ));
        }
        (!zh.is_empty()).then(|| Text::new(zh.join("；"), en.join("; ")))
    }
}

/// One indicator's part of a score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorScore {
    /// Which indicator.
    pub indicator: Indicator,
    /// The enterprise's value in the indicator's unit; `None` when a figure it needs is missing
    /// (or its denominator is zero), which earns no points.
    pub value: Option<Quotient>,
    /// The rules' benchmark.
    pub benchmark: i64,
    /// The rules' weight.
    pub weight: u32,
    /// Points earned: weight × value ÷ benchmark, rounded down to a thousandth, at least 0 and
    /// at most weight × cap_percent ÷ 100.
    pub points: Score,
}

/// Scores, grades and suggests a batch for each enterprise of a county for `year`.
///
/// The result is sorted: graded enterprises by score (highest first), then the rest; ties by
/// USCC, then name. It depends only on `rules`, `year` and the figures and facts in `inputs`,
/// not on their order.
pub fn suggest(rules: &Rules, year: i32, inputs: &[EnterpriseFacts]) -> Vec<Suggestion> {
    let firsts: Vec<(Suggestion, Option<Score>)> = inputs
        .iter()
        .map(|input| first_pass(rules, year, input))
        .collect();
    let graded: Vec<Score> = firsts.iter().filter_map(|(_, g)| *g).collect();
    let n = graded.len();
    let mut out = Vec::with_capacity(firsts.len());
    for ((mut s, gradable), input) in firsts.into_iter().zip(inputs) {
        let Some(score) = gradable else {
            out.push(s);
            continue;
        };
        let ahead = graded.iter().filter(|g| **g > score).count();
        let rank = ahead + 1;
        s.standing = Standing::Graded { rank, of: n };
        let Some(band) = grade_for(rules, ahead, n) else {
            out.push(s);
            continue;
        };
        let grade = band.grade.clone();
        let top = (rank * 100).div_ceil(n.max(1));
        let head = Text::new(
            format!("得分 {score}，在参评的 {n} 家企业中排第 {rank}（前 {top}%），评为 {grade} 级"),
            format!(
                "score {score}, rank {rank} of {n} graded enterprises (top {top}%), grade {grade}"
            ),
        );
        let rule = rules
            .mapping
            .iter()
            .find(|r| r.matches(&grade, &input.facts));
        let (batch, why, line) = match rule {
            Some(r) => (Some(r.batch), &r.reason, Some(r.line)),
            None => (rules.fallback.batch, &rules.fallback.reason, None),
        };
        s.reason = match batch {
            Some(b) => {
                let label = rules.policy.label(b);
                Text::new(
                    format!(
                        "{}；{} → 建议第{b}批（{}）",
                        head.zh(),
                        why.zh(),
                        label.zh()
                    ),
                    format!("{}; {} → batch {b} ({})", head.en(), why.en(), label.en()),
                )
            }
            None => Text::new(
                format!("{}；{}，由干部决定", head.zh(), why.zh()),
                format!("{}; {}: the officer decides", head.en(), why.en()),
            ),
        };
        s.batch = batch;
        s.grade = Some(grade);
        s.rule_line = line;
        out.push(s);
    }
    for s in &mut out {
        if let Some(notice) = s.completeness(year) {
            s.reason = Text::new(
                format!("{}。注意：{}", s.reason.zh(), notice.zh()),
                format!("{}. Note: {}", s.reason.en(), notice.en()),
            );
        }
    }
    out.sort_by(|a, b| {
        let graded = |s: &Suggestion| matches!(s.standing, Standing::Graded { .. });
        graded(b)
            .cmp(&graded(a))
            .then_with(|| {
                if graded(a) {
                    b.score.cmp(&a.score)
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .then_with(|| a.uscc.cmp(&b.uscc))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.enterprise.cmp(&b.enterprise))
    });
    out
}

/// The band of an enterprise with `ahead` enterprises scoring strictly higher among `n` graded:
/// the first whose `top_percent` covers its rank (`rank × 100 ≤ top_percent × n`). The county's
/// best score always gets the first band, so a county of one grades its enterprise at the top.
fn grade_for(rules: &Rules, ahead: usize, n: usize) -> Option<&GradeBand> {
    if ahead == 0 {
        return rules.grades.first();
    }
    let rank = ahead + 1;
    rules
        .grades
        .iter()
        .find(|b| rank * 100 <= b.top_percent as usize * n)
        .or_else(|| rules.grades.last())
}

/// Everything except the grade, which needs the whole county; with the score when the enterprise
/// is to be graded.
fn first_pass(rules: &Rules, year: i32, input: &EnterpriseFacts) -> (Suggestion, Option<Score>) {
    let e = &input.enterprise;
    let mut s = Suggestion {
        enterprise: e.id,
        uscc: e.uscc.clone(),
        name: e.name.clone(),
        standing: Standing::NoData,
        batch: None,
        grade: None,
        score: None,
        breakdown: Vec::new(),
        rule_line: None,
        reason: Text::new(String::new(), String::new()),
        months: 0,
        missing: Vec::new(),
    };
    if !rules.sectors.contains(&e.sector) {
        s.standing = Standing::OutOfScope;
        s.reason = Text::new(
            format!("行业为{}，不在评价范围内", e.sector.label(Lang::Zh)),
            format!(
                "sector {} is not scored by the rules",
                e.sector.label(Lang::En)
            ),
        );
        return (s, None);
    }
    let card = score(rules, year, input);
    let Some(total) = card.score else {
        s.reason = Text::new(
            format!("{year} 年没有月度数据，无法评分"),
            format!("no monthly figures for {year}: cannot score"),
        );
        return (s, None);
    };
    s.score = Some(total);
    s.breakdown = card.breakdown;
    s.months = card.months;
    s.missing = card.missing;
    if let Some(since) = in_production_since(input) {
        let months = months_in_production(since, year);
        if months < i64::from(rules.exempt_months) {
            let m = rules.exempt_months;
            s.standing = Standing::Exempt { since };
            s.reason = Text::new(
                format!(
                    "自 {since} 投产，到 {year} 年底不满 {m} 个月，不参与评级（得分 {total} 仅供参考）"
                ),
                format!(
                    "in production since {since}, under {m} months by the end of {year}: exempt from grading (score {total} for information only)"
                ),
            );
            return (s, None);
        }
    }
    (s, Some(total))
}

/// The explicit fact, else the first month with a positive output value among the enterprise's
/// own records — when an earlier month is on record without output, which shows production
/// started then. Records that simply begin with output (figures entered from some month on, as
/// when the county starts using peiyu) say nothing of when production began: not known to be
/// new, the enterprise is graded.
fn in_production_since(input: &EnterpriseFacts) -> Option<YearMonth> {
    input.facts.in_production_since.or_else(|| {
        let own = || {
            input
                .metrics
                .iter()
                .filter(|m| m.enterprise == input.enterprise.id)
        };
        let producing = |m: &&Metrics| m.output_value.is_some_and(|v| v.amount() > 0);
        let first_output = own().filter(producing).map(|m| m.month).min()?;
        own()
            .any(|m| m.month < first_output && !producing(&m))
            .then_some(first_output)
    })
}

/// Months from `since` to December of `year`, both counted (may be zero or negative).
fn months_in_production(since: YearMonth, year: i32) -> i64 {
    let end = i64::from(year) * 12 + 12;
    let start = i64::from(since.year()) * 12 + i64::from(since.month());
    end - start + 1
}
