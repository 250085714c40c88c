//! Reading the batch rules: their walk over the shared rule-file [`Reader`], which collects
//! every problem with its line.

use peiyu_domain::{Batch, Sector, Text, Yuan};
use toml::de::{DeTable, DeValue};

use super::RuleErrors;
use super::{
    BatchPolicy, Fallback, Grade, GradeBand, Indicator, IndicatorRule, MappingRule, Rules,
};
use crate::rule_file::{self, ProblemCode, Reader, RuleFileKind, excerpt};

const ROOT_FIELDS: &[&str] = &[
    "version",
    "score",
    "exempt",
    "indicator",
    "grade",
    "batch",
    "rule",
    "fallback",
];
const SCORE_FIELDS: &[&str] = &["sectors", "cap_percent"];
const EXEMPT_FIELDS: &[&str] = &["months_in_production"];
const INDICATOR_FIELDS: &[&str] = &["key", "benchmark", "weight"];
const GRADE_FIELDS: &[&str] = &["key", "top_percent"];
const BATCH_FIELDS: &[&str] = &[
    "number",
    "label",
    "service",
    "weekly_rank",
    "factor_guarantee_working_days",
];
const RULE_FIELDS: &[&str] = &[
    "grades",
    "above_scale_candidate",
    "tech_upgrade_project",
    "stopped",
    "batch",
    "reason",
];
const FALLBACK_FIELDS: &[&str] = &["batch", "reason"];

/// Largest accepted benchmark: a trillion of the indicator's unit (keeps the arithmetic exact
/// within i128).
pub(super) const MAX_BENCHMARK: i64 = 1_000_000_000_000;

pub(super) fn parse(text: &str) -> Result<Rules, RuleErrors> {
    rule_file::read(text, RuleFileKind::BatchRules, |file, root| {
        let whole = file.place("规则文件".to_owned(), "the rule file".to_owned());
        Parser { file, whole }.rules(root)
    })
}

/// The walk of a rule file, over the shared [`Reader`] (which records the problems).
struct Parser<'r, 't> {
    file: &'r mut Reader<'t>,
    /// The place that names the whole file (规则文件 / the rule file).
    whole: String,
}

impl Parser<'_, '_> {
    fn batch(&mut self, table: &DeTable<'_>, field: &str, place: &str) -> Option<Batch> {
        let n: u8 = self.file.integer(table, field, place, 1, 4)?;
        Batch::new(n).ok()
    }

    fn rules(&mut self, root: &DeTable<'_>) -> Option<Rules> {
        self.file.unknown_fields(root, ROOT_FIELDS, &self.whole);
        let version = self
            .file
            .string(root, "version", &self.whole)
            .map(|(s, _)| s);

        let (sectors, cap_percent) = self.score_section(root);
        let exempt_months = self.exempt_section(root);
        let indicators = self.indicators(root);
        let (grades, grade_keys) = self.grades(root);
        let policy = self.policy(root);
        let mapping = self.mapping(root, &grade_keys);
        let fallback = self.fallback(root);

        Some(Rules {
            version,
            sectors: sectors?,
            cap_percent: cap_percent?,
            exempt_months: exempt_months?,
            indicators: indicators?,
            grades: grades?,
            mapping: mapping?,
            fallback: fallback?,
            policy: policy?,
            text: self.file.text().to_owned(),
        })
    }

    fn score_section(&mut self, root: &DeTable<'_>) -> (Option<Vec<Sector>>, Option<u32>) {
        let mut sectors = vec![Sector::Industry];
        let mut cap = 150;
        let Some((t, _)) = self.file.sub_table(root, "score", &self.whole) else {
            let ok = root.get("score").is_none();
            return (ok.then_some(sectors), ok.then_some(cap));
        };
        let place = "[score]";
        self.file.unknown_fields(t, SCORE_FIELDS, place);
        let mut sectors_ok = true;
        if t.get("sectors").is_some() {
            match self.file.all_strings(t, "sectors", place) {
                Some(items) => {
                    sectors.clear();
                    for (s, at) in items {
                        match Sector::parse(&s) {
                            Ok(sec) if !sectors.contains(&sec) => sectors.push(sec),
                            Ok(_) => {}
                            Err(_) => {
                                sectors_ok = false;
                                let s = excerpt(&s);
                                self.file.bad_value(
                                    at,
                                    format!("[score] 的 sectors 中有未知行业 \"{s}\"（可用：industry, wholesale, retail, accommodation, catering, other）"),
                                    format!("unknown sector \"{s}\" in sectors of [score] (known: industry, wholesale, retail, accommodation, catering, other)"),
                                );
                            }
                        }
                    }
                }
                None => sectors_ok = false,
            }
        }
        let cap_ok = match t.get("cap_percent") {
            Some(_) => match self.file.integer(t, "cap_percent", place, 100, 1000) {
                Some(n) => {
                    cap = n;
                    true
                }
                None => false,
            },
            None => true,
        };
        (sectors_ok.then_some(sectors), cap_ok.then_some(cap))
    }

    fn exempt_section(&mut self, root: &DeTable<'_>) -> Option<u32> {
        let Some((t, _)) = self.file.sub_table(root, "exempt", &self.whole) else {
            return root.get("exempt").is_none().then_some(24);
        };
        let place = "[exempt]";
        self.file.unknown_fields(t, EXEMPT_FIELDS, place);
        match t.get("months_in_production") {
            Some(_) => self.file.integer(t, "months_in_production", place, 0, 120),
            None => Some(24),
        }
    }

    fn indicators(&mut self, root: &DeTable<'_>) -> Option<Vec<IndicatorRule>> {
        let tables = self.file.tables(root, "indicator", &self.whole);
        if tables.is_empty() && root.get("indicator").is_none() {
            self.file.push(
                0,
                ProblemCode::MissingField,
                "规则文件至少需要一个 [[indicator]]".to_owned(),
                "the rule file needs at least one [[indicator]]".to_owned(),
            );
            return None;
        }
        let mut ok = true;
        let mut out: Vec<IndicatorRule> = Vec::new();
        for (i, (t, at)) in tables.into_iter().enumerate() {
            let line = self.file.line(at);
            let place = self.file.place(
                format!("第 {} 个指标（第 {line} 行）", i + 1),
                format!("indicator #{} (line {line})", i + 1),
            );
            self.file.unknown_fields(t, INDICATOR_FIELDS, &place);
            let indicator = match self.file.string(t, "key", &place) {
                Some((key, key_at)) => match Indicator::from_key(&key) {
                    Some(ind) if out.iter().any(|r| r.indicator == ind) => {
                        self.file.push(
                            key_at,
                            ProblemCode::Inconsistent,
                            format!("指标 \"{key}\" 重复出现"),
                            format!("indicator \"{key}\" appears twice"),
                        );
                        None
                    }
                    Some(ind) => Some(ind),
                    None => {
                        let known: Vec<_> = Indicator::ALL.iter().map(|i| i.key()).collect();
                        let known = known.join(", ");
                        let key = excerpt(&key);
                        self.file.bad_value(
                            key_at,
                            format!("未知指标 \"{key}\"（可用：{known}）"),
                            format!("unknown indicator \"{key}\" (known: {known})"),
                        );
                        None
                    }
                },
                None => {
                    if t.get("key").is_none() {
                        self.file.missing(at, "key", &place);
                    }
                    None
                }
            };
            let benchmark = self.benchmark(t, indicator, &place, at);
            let weight = self
                .file
                .required_integer(t, "weight", &place, at, (0, 1000));
            match (indicator, benchmark, weight) {
                (Some(indicator), Some(benchmark), Some(weight)) => out.push(IndicatorRule {
                    indicator,
                    benchmark,
                    weight,
                    line,
                }),
                _ => ok = false,
            }
        }
        if ok && !out.is_empty() && out.iter().all(|r| r.weight == 0) {
            let at = root.get("indicator").map_or(0, |v| v.span().start);
            self.file.push(
                at,
                ProblemCode::Inconsistent,
                "所有指标的权重都是 0，无法评分".to_owned(),
                "every indicator has weight 0: nothing can be scored".to_owned(),
            );
            ok = false;
        }
        (ok && !out.is_empty()).then_some(out)
    }

    /// A benchmark: an integer in the indicator's unit, or text — an amount of money such as
    /// `"5万"` for the money indicators, a percentage such as `"2.5%"` for the R&D ratio.
    fn benchmark(
        &mut self,
        t: &DeTable<'_>,
        indicator: Option<Indicator>,
        place: &str,
        at: usize,
    ) -> Option<i64> {
        let Some(v) = t.get("benchmark") else {
            self.file.missing(at, "benchmark", place);
            return None;
        };
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
            DeValue::String(s) => match indicator {
                Some(Indicator::RndRatio) => parse_percent_bp(s),
                Some(_) => Yuan::parse(s).ok().map(Yuan::amount),
                None => return None,
            },
            _ => {
                self.file.wrong_type(
                    v,
                    "benchmark",
                    place,
                    (
                        "整数或文字（如 \"5万\"、\"2.5%\"）",
                        "a whole number or a text such as \"5万\" or \"2.5%\"",
                    ),
                );
                return None;
            }
        };
        match n.filter(|n| (1..=MAX_BENCHMARK).contains(n)) {
            Some(n) => Some(n),
            None => {
                self.file.bad_value(
                    v.span().start,
                    format!("{place} 的 \"benchmark\" 应为大于 0、不超过 1 万亿的数（金额可写作 \"5万\"，研发强度可写作 \"2.5%\"）"),
                    format!("\"benchmark\" in {place} must be a number above 0 and at most a trillion (money may be written \"5万\", the R&D ratio \"2.5%\")"),
                );
                None
            }
        }
    }

    /// The grade bands if all are valid, and every grade key that is well formed (so that
    /// rules naming a grade whose band has another problem are not reported twice).
    fn grades(&mut self, root: &DeTable<'_>) -> (Option<Vec<GradeBand>>, Vec<Grade>) {
        let tables = self.file.tables(root, "grade", &self.whole);
        if tables.is_empty() && root.get("grade").is_none() {
            self.file.push(
                0,
                ProblemCode::MissingField,
                "规则文件至少需要一个 [[grade]]".to_owned(),
                "the rule file needs at least one [[grade]]".to_owned(),
            );
            return (None, Vec::new());
        }
        let mut ok = true;
        let mut out: Vec<GradeBand> = Vec::new();
        let mut keys: Vec<Grade> = Vec::new();
        let mut last_at = 0;
        for (i, (t, at)) in tables.into_iter().enumerate() {
            last_at = t.get("top_percent").map_or(at, |v| v.span().start);
            let line = self.file.line(at);
            let place = self.file.place(
                format!("第 {} 个等级（第 {line} 行）", i + 1),
                format!("grade #{} (line {line})", i + 1),
            );
            self.file.unknown_fields(t, GRADE_FIELDS, &place);
            let key = match self.file.string(t, "key", &place) {
                Some((k, k_at)) => {
                    let k_trim = k.trim();
                    if k_trim.is_empty() || k_trim.chars().count() > 8 {
                        self.file.bad_value(
                            k_at,
                            format!("{place} 的 \"key\" 应为 1 到 8 个字符，如 \"A\""),
                            format!("\"key\" in {place} must be 1 to 8 characters, e.g. \"A\""),
                        );
                        None
                    } else if keys.iter().any(|g| g.as_str() == k_trim) {
                        self.file.push(
                            k_at,
                            ProblemCode::Inconsistent,
                            format!("等级 \"{k_trim}\" 重复出现"),
                            format!("grade \"{k_trim}\" appears twice"),
                        );
                        None
                    } else {
                        keys.push(Grade(k_trim.to_owned()));
                        Some(Grade(k_trim.to_owned()))
                    }
                }
                None => {
                    if t.get("key").is_none() {
                        self.file.missing(at, "key", &place);
                    }
                    None
                }
            };
            let top = self
                .file
                .required_integer(t, "top_percent", &place, at, (1, 100));
            if let (Some(top), Some(prev)) = (top, out.last())
                && top <= prev.top_percent
            {
                let at = t.get("top_percent").map_or(at, |v| v.span().start);
                self.file.push(
                        at,
                        ProblemCode::Inconsistent,
                        format!("{place} 的 top_percent（{top}）必须大于上一个等级的（{}）：等级从好到差排列，百分比逐级累加", prev.top_percent),
                        format!("top_percent ({top}) in {place} must be greater than the previous grade's ({}): grades go from best to worst with cumulative percentages", prev.top_percent),
                    );
                ok = false;
                continue;
            }
            match (key, top) {
                (Some(grade), Some(top)) => out.push(GradeBand {
                    grade,
                    top_percent: top,
                    line,
                }),
                _ => ok = false,
            }
        }
        if out.last().is_some_and(|g| g.top_percent != 100) {
            self.file.push(
                last_at,
                ProblemCode::Inconsistent,
                "最后一个等级的 top_percent 必须是 100（其余企业都归入它）".to_owned(),
                "the last grade's top_percent must be 100 (it takes everyone left)".to_owned(),
            );
            ok = false;
        }
        ((ok && !out.is_empty()).then_some(out), keys)
    }

    fn policy(&mut self, root: &DeTable<'_>) -> Option<BatchPolicy> {
        let mut policy = BatchPolicy::default();
        let mut ok = true;
        let mut seen: Vec<Batch> = Vec::new();
        let tables = self.file.tables(root, "batch", &self.whole);
        for (i, (t, at)) in tables.into_iter().enumerate() {
            let line = self.file.line(at);
            let place = self.file.place(
                format!("第 {} 个批次（第 {line} 行）", i + 1),
                format!("batch #{} (line {line})", i + 1),
            );
            self.file.unknown_fields(t, BATCH_FIELDS, &place);
            if t.get("number").is_none() {
                self.file.missing(at, "number", &place);
            }
            let batch = self.batch(t, "number", &place);
            if let Some(b) = batch {
                if seen.contains(&b) {
                    let n_at = t.get("number").map_or(at, |v| v.span().start);
                    self.file.push(
                        n_at,
                        ProblemCode::Inconsistent,
                        format!("第{b}批重复定义"),
                        format!("batch {b} is defined twice"),
                    );
                    ok = false;
                }
                seen.push(b);
            }
            let label = self.file.label(t, "label", &place, at, false);
            let service = self.file.label(t, "service", &place, at, false);
            let rank = match t.get("weekly_rank") {
                Some(_) => match self.file.integer(t, "weekly_rank", &place, 1, 9) {
                    Some(n) => Some(n),
                    None => {
                        ok = false;
                        None
                    }
                },
                None => None,
            };
            let days = match t.get("factor_guarantee_working_days") {
                Some(_) => {
                    match self
                        .file
                        .integer(t, "factor_guarantee_working_days", &place, 0, 366)
                    {
                        Some(n) => Some((n > 0).then_some(n)),
                        None => {
                            ok = false;
                            None
                        }
                    }
                }
                None => None,
            };
            let fields_ok = (t.get("label").is_none() || label.is_some())
                && (t.get("service").is_none() || service.is_some());
            let Some(b) = batch.filter(|_| fields_ok) else {
                ok = false;
                continue;
            };
            let s = policy.service_mut(b);
            if let Some(label) = label {
                s.label = label;
            }
            if let Some(service) = service {
                s.service = service;
            }
            if let Some(rank) = rank {
                s.weekly_rank = rank;
            }
            if let Some(days) = days {
                s.factor_guarantee_working_days = days;
            }
        }
        ok.then_some(policy)
    }

    fn mapping(&mut self, root: &DeTable<'_>, grades: &[Grade]) -> Option<Vec<MappingRule>> {
        let mut ok = true;
        let mut out: Vec<MappingRule> = Vec::new();
        let tables = self.file.tables(root, "rule", &self.whole);
        for (i, (t, at)) in tables.into_iter().enumerate() {
            let line = self.file.line(at);
            let place = self.file.place(
                format!("第 {} 条规则（第 {line} 行）", i + 1),
                format!("rule #{} (line {line})", i + 1),
            );
            self.file.unknown_fields(t, RULE_FIELDS, &place);
            let mut rule_ok = true;
            let rule_grades = match t.get("grades") {
                None => None,
                Some(_) => match self.file.all_strings(t, "grades", &place) {
                    Some(items) => {
                        let mut gs = Vec::new();
                        for (g, g_at) in items {
                            match grades.iter().find(|k| k.as_str() == g.trim()) {
                                Some(k) => gs.push(k.clone()),
                                // Only report when the grades themselves parsed; otherwise the
                                // grade problem is already listed.
                                None if !grades.is_empty() => {
                                    rule_ok = false;
                                    let known: Vec<_> = grades.iter().map(Grade::as_str).collect();
                                    let known = known.join(", ");
                                    let g = excerpt(&g);
                                    self.file.bad_value(
                                        g_at,
                                        format!("{place} 引用了未定义的等级 \"{g}\"（已定义：{known}）"),
                                        format!("{place} names the undefined grade \"{g}\" (defined: {known})"),
                                    );
                                }
                                None => rule_ok = false,
                            }
                        }
                        Some(gs)
                    }
                    None => {
                        rule_ok = false;
                        None
                    }
                },
            };
            let mut flag = |p: &mut Self, field: &str| match t.get(field) {
                None => None,
                Some(_) => {
                    let b = p.file.boolean(t, field, &place);
                    if b.is_none() {
                        rule_ok = false;
                    }
                    b
                }
            };
            let above = flag(self, "above_scale_candidate");
            let tech = flag(self, "tech_upgrade_project");
            let stopped = flag(self, "stopped");
            if t.get("batch").is_none() {
                self.file.missing(at, "batch", &place);
            }
            let batch = self.batch(t, "batch", &place);
            let reason = self.file.label(t, "reason", &place, at, true);
            match (batch, reason, rule_ok) {
                (Some(batch), Some(reason), true) => {
                    if let Some(prev) = out.iter().find(|r| r.is_catch_all()) {
                        self.file.push(
                            at,
                            ProblemCode::Inconsistent,
                            format!("{place} 永远不会用到：第 {} 行的规则没有任何条件，已匹配所有企业", prev.line),
                            format!("{place} can never apply: the rule on line {} has no condition and matches everyone", prev.line),
                        );
                        ok = false;
                    }
                    out.push(MappingRule {
                        grades: rule_grades,
                        above_scale_candidate: above,
                        tech_upgrade_project: tech,
                        stopped,
                        batch,
                        reason,
                        line,
                    });
                }
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn fallback(&mut self, root: &DeTable<'_>) -> Option<Fallback> {
        let default = Fallback {
            batch: None,
            reason: Text::new("没有规则匹配", "no rule matched"),
        };
        let Some((t, at)) = self.file.sub_table(root, "fallback", &self.whole) else {
            return root.get("fallback").is_none().then_some(default);
        };
        let place = "[fallback]";
        self.file.unknown_fields(t, FALLBACK_FIELDS, place);
        let batch = match t.get("batch") {
            Some(_) => Some(self.batch(t, "batch", place)?),
            None => None,
        };
        let reason = self.file.label(t, "reason", place, at, true)?;
        Some(Fallback { batch, reason })
    }
}

/// `"2%"`, `"2.5%"`, `"0.25 %"` as basis points (at most two decimals); `None` otherwise.
fn parse_percent_bp(s: &str) -> Option<i64> {
    let body = s.trim().strip_suffix('%')?.trim_end();
    let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    whole.checked_mul(100)?.checked_add(frac)
}

#[cfg(test)]
pub(super) fn parse_percent_bp_for_tests(s: &str) -> Option<i64> {
    parse_percent_bp(s)
}
