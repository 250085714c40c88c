//! Guards: the conditions a transition declares, evaluated against a snapshot of the
//! cultivation. Every guard yields a [`GuardResult`] with a sentence a person understands in zh
//! and en, whether it passes or not.

use chrono::NaiveDate;
use peiyu_domain::{
    Enterprise, Lang, LegalForm, Localize, Metrics, Role, Sector, StageKey, TaskKind, TaskStatus,
    Text, Thresholds, Yuan,
};

use crate::figures::{self, Basis, Figure, Total};

/// One task of the cultivation, as the planner and its guards need to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFact {
    /// Its kind.
    pub kind: TaskKind,
    /// Open, done or cancelled.
    pub status: TaskStatus,
    /// The day it was created (the effective date of the move that created it, for template
    /// tasks).
    pub created_on: NaiveDate,
    /// The stage the cultivation was in when the task was created, if known.
    pub created_in_stage: Option<StageKey>,
    /// The day it was done, for a done task.
    pub completed_on: Option<NaiveDate>,
}

/// A pattern naming task kinds in `tasks_done` guards and `close` lists: an exact kind such as
/// `factor_guarantee:land`, or `factor_guarantee` for a factor guarantee of any category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KindPattern {
    /// Exactly this kind.
    Exact(TaskKind),
    /// A factor guarantee of any category.
    AnyFactorGuarantee,
}

impl KindPattern {
    /// Reads a task kind key, or `factor_guarantee` alone for any category.
    pub fn parse(s: &str) -> Result<KindPattern, peiyu_domain::TaskKindError> {
        if s.trim().eq_ignore_ascii_case("factor_guarantee") {
            return Ok(KindPattern::AnyFactorGuarantee);
        }
        TaskKind::parse(s).map(KindPattern::Exact)
    }

    /// Whether a task of `kind` matches.
    pub fn matches(self, kind: &TaskKind) -> bool {
        match self {
            KindPattern::Exact(k) => k == *kind,
            KindPattern::AnyFactorGuarantee => matches!(kind, TaskKind::FactorGuarantee(_)),
        }
    }

    /// The pattern as written in a track file.
    pub fn key(self) -> String {
        match self {
            KindPattern::Exact(k) => k.key(),
            KindPattern::AnyFactorGuarantee => "factor_guarantee".to_owned(),
        }
    }

    /// The pattern's name for messages: the kind's label, or 要素保障 / factor guarantee.
    pub fn label(self, lang: Lang) -> String {
        match (self, lang) {
            (KindPattern::Exact(k), _) => k.label(lang),
            (KindPattern::AnyFactorGuarantee, Lang::Zh) => "要素保障".to_owned(),
            (KindPattern::AnyFactorGuarantee, Lang::En) => "factor guarantee".to_owned(),
        }
    }
}

/// Every guard name a track file may use, in documentation order.
pub const GUARD_KEYS: [&str; 8] = [
    "revenue_at_least_threshold",
    "tasks_done",
    "evidence_required",
    "reason_required",
    "min_days_in_stage",
    "role_required",
    "legal_entity",
    "stage_expired",
];

/// A condition on a transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guard {
    /// Revenue summed on one of `bases`, up to the last complete month before the effective
    /// date, is at least the enterprise's sector threshold ([`Thresholds`]); with
    /// `output_value`, an industrial enterprise's output value on the same basis must reach it
    /// too. The guard passes when any basis passes.
    RevenueAtLeastThreshold {
        /// Year-to-date and/or trailing 12 months (never empty).
        bases: Vec<Basis>,
        /// Whether industry must also reach the threshold in output value.
        output_value: bool,
    },
    /// For each pattern, a task of matching kind was completed on or after the day the current
    /// stage was entered.
    TasksDone {
        /// The kinds that must be done (never empty).
        kinds: Vec<KindPattern>,
    },
    /// The move carries at least one piece of evidence (a document reference, a letter number).
    EvidenceRequired,
    /// The move carries a non-blank reason.
    ReasonRequired,
    /// At least `days` calendar days have passed between entering the stage and the effective
    /// date.
    MinDaysInStage {
        /// The minimum number of days.
        days: u32,
    },
    /// The actor has one of `roles`.
    RoleRequired {
        /// The roles that satisfy the guard (never empty).
        roles: Vec<Role>,
    },
    /// The enterprise is a legal entity, not a branch.
    LegalEntity,
    /// The current stage's certification has expired on or before the effective date.
    StageExpired,
}

/// The outcome of one guard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardResult {
    /// The guard's name, one of [`GUARD_KEYS`].
    pub guard: &'static str,
    /// Whether it passed.
    pub passed: bool,
    /// Why, in a sentence, in zh and en.
    pub message: Text,
}

/// What guards are evaluated against: plain data the planner takes from the snapshot and the
/// request.
#[derive(Debug, Clone, Copy)]
pub struct GuardContext<'a> {
    /// The enterprise.
    pub enterprise: &'a Enterprise,
    /// The thresholds by sector.
    pub thresholds: &'a Thresholds,
    /// The enterprise's monthly metrics.
    pub metrics: &'a [Metrics],
    /// The cultivation's tasks.
    pub tasks: &'a [TaskFact],
    /// The effective date of the move being judged.
    pub on: NaiveDate,
    /// When the current stage was entered.
    pub stage_entered_on: NaiveDate,
    /// When the current stage's certification expires, if it has one.
    pub stage_expires_on: Option<NaiveDate>,
    /// The actor's role.
    pub role: Role,
    /// The reason given, if any.
    pub reason: Option<&'a str>,
    /// The evidence given.
    pub evidence: &'a [String],
}

impl Guard {
    /// The guard's name as written in a track file, one of [`GUARD_KEYS`].
    pub fn key(&self) -> &'static str {
        match self {
            Guard::RevenueAtLeastThreshold { .. } => "revenue_at_least_threshold",
            Guard::TasksDone { .. } => "tasks_done",
            Guard::EvidenceRequired => "evidence_required",
            Guard::ReasonRequired => "reason_required",
            Guard::MinDaysInStage { .. } => "min_days_in_stage",
            Guard::RoleRequired { .. } => "role_required",
            Guard::LegalEntity => "legal_entity",
            Guard::StageExpired => "stage_expired",
        }
    }

    /// What the guard asks for, in words (for `track show`).
    pub fn describe(&self) -> Text {
        match self {
            Guard::RevenueAtLeastThreshold {
                bases,
                output_value,
            } => Text::new(
                format!(
                    "{}营业收入{}达到所属行业门槛",
                    basis_list(bases, Lang::Zh),
                    if *output_value {
                        "（工业另需产值）"
                    } else {
                        ""
                    }
                ),
                format!(
                    "{} revenue{} at least the sector's threshold",
                    basis_list(bases, Lang::En),
                    if *output_value {
                        " (and, for industry, output value)"
                    } else {
                        ""
                    }
                ),
            ),
            Guard::TasksDone { kinds } => Text::new(
                format!("进入本阶段后已完成：{}", kind_list(kinds, Lang::Zh)),
                format!(
                    "done since entering the stage: {}",
                    kind_list(kinds, Lang::En)
                ),
            ),
            Guard::EvidenceRequired => Text::new("需提供佐证材料", "evidence required"),
            Guard::ReasonRequired => Text::new("需填写理由", "a reason is required"),
            Guard::MinDaysInStage { days } => Text::new(
                format!("在本阶段至少 {days} 天"),
                format!("at least {days} days in the stage"),
            ),
            Guard::RoleRequired { roles } => Text::new(
                format!("需由{}操作", role_list(roles, Lang::Zh)),
                format!("to be taken by {}", role_list(roles, Lang::En)),
            ),
            Guard::LegalEntity => Text::new("须为法人单位", "a legal entity, not a branch"),
            Guard::StageExpired => Text::new("资格已到期", "the certification has expired"),
        }
    }

    /// Evaluates the guard. Never fails: missing data makes the guard not pass, with a message
    /// that says what is missing.
    pub fn evaluate(&self, ctx: &GuardContext<'_>) -> GuardResult {
        let (passed, message) = match self {
            Guard::RevenueAtLeastThreshold {
                bases,
                output_value,
            } => revenue_any(ctx, bases, *output_value),
            Guard::TasksDone { kinds } => tasks_done(ctx, kinds),
            Guard::EvidenceRequired => {
                let n = ctx.evidence.iter().filter(|e| !e.trim().is_empty()).count();
                if n > 0 {
                    (
                        true,
                        Text::new(
                            format!("已提供佐证材料 {n} 份"),
                            format!(
                                "{n} piece{} of evidence given",
                                if n == 1 { "" } else { "s" }
                            ),
                        ),
                    )
                } else {
                    (
                        false,
                        Text::new(
                            "需要提供佐证材料（如文件、批复或函件编号）",
                            "evidence is required (a document, approval or letter reference)",
                        ),
                    )
                }
            }
            Guard::ReasonRequired => {
                if ctx.reason.is_some_and(|r| !r.trim().is_empty()) {
                    (true, Text::new("已填写理由", "a reason is given"))
                } else {
                    (
                        false,
                        Text::new("需要填写理由", "a reason is required for this move"),
                    )
                }
            }
            Guard::MinDaysInStage { days } => {
                let stayed = (ctx.on - ctx.stage_entered_on).num_days();
                let entered = ctx.stage_entered_on;
                if stayed >= i64::from(*days) {
                    (
                        true,
                        Text::new(
                            format!("自 {entered} 进入本阶段已 {stayed} 天，不少于 {days} 天"),
                            format!("{stayed} days in this stage since {entered}, at least {days}"),
                        ),
                    )
                } else {
                    (
                        false,
                        Text::new(
                            format!("自 {entered} 进入本阶段仅 {stayed} 天，至少需要 {days} 天"),
                            format!(
                                "only {stayed} days in this stage since {entered}; at least {days} are required"
                            ),
                        ),
                    )
                }
            }
            Guard::RoleRequired { roles } => {
                let zh = role_list(roles, Lang::Zh);
                let en = role_list(roles, Lang::En);
                if roles.contains(&ctx.role) {
                    (
                        true,
                        Text::new(
                            format!("由{}操作", ctx.role.label(Lang::Zh)),
                            format!("taken by a {}", ctx.role.label(Lang::En)),
                        ),
                    )
                } else {
                    (
                        false,
                        Text::new(
                            format!("此操作需由{zh}进行，当前角色为{}", ctx.role.label(Lang::Zh)),
                            format!(
                                "this move is for {en}; you act as {}",
                                ctx.role.label(Lang::En)
                            ),
                        ),
                    )
                }
            }
            Guard::LegalEntity => {
                let name = &ctx.enterprise.name;
                match ctx.enterprise.legal_form {
                    LegalForm::LegalEntity => (
                        true,
                        Text::new(
                            format!("{name} 是法人单位"),
                            format!("{name} is a legal entity"),
                        ),
                    ),
                    LegalForm::Branch => (
                        false,
                        Text::new(
                            format!("{name} 是分支机构，不是法人单位，不能单独入统"),
                            format!(
                                "{name} is a branch, not a legal entity; only legal entities enter the statistics on their own"
                            ),
                        ),
                    ),
                }
            }
            Guard::StageExpired => match ctx.stage_expires_on {
                Some(e) if e <= ctx.on => (
                    true,
                    Text::new(
                        format!("资格已于 {e} 到期"),
                        format!("the certification expired on {e}"),
                    ),
                ),
                Some(e) => (
                    false,
                    Text::new(
                        format!("资格有效期至 {e}，尚未到期"),
                        format!("the certification runs until {e} and has not expired"),
                    ),
                ),
                None => (
                    false,
                    Text::new(
                        "当前阶段没有记录到期日期",
                        "the current stage has no expiry date recorded",
                    ),
                ),
            },
        };
        GuardResult {
            guard: self.key(),
            passed,
            message,
        }
    }
}

fn kind_list(kinds: &[KindPattern], lang: Lang) -> String {
    let sep = if lang == Lang::Zh { "、" } else { ", " };
    kinds
        .iter()
        .map(|k| k.label(lang))
        .collect::<Vec<_>>()
        .join(sep)
}

fn basis_list(bases: &[Basis], lang: Lang) -> String {
    let sep = if lang == Lang::Zh { "或" } else { " or " };
    bases
        .iter()
        .map(|b| b.label(lang))
        .collect::<Vec<_>>()
        .join(sep)
}

/// Passes when revenue on any of `bases` passes; the message is the passing basis's, or every
/// basis's when none passes.
fn revenue_any(ctx: &GuardContext<'_>, bases: &[Basis], output_value: bool) -> (bool, Text) {
    let results: Vec<(bool, Text)> = bases
        .iter()
        .map(|b| revenue(ctx, *b, output_value))
        .collect();
    if let Some((_, t)) = results.iter().find(|(p, _)| *p) {
        return (true, t.clone());
    }
    let zh = results
        .iter()
        .map(|(_, t)| t.zh())
        .collect::<Vec<_>>()
        .join("；");
    let en = results
        .iter()
        .map(|(_, t)| t.en())
        .collect::<Vec<_>>()
        .join("; ");
    (false, Text::new(zh, en))
}

fn role_list(roles: &[Role], lang: Lang) -> String {
    let sep = if lang == Lang::Zh { "或" } else { " or " };
    roles
        .iter()
        .map(|r| r.label(lang))
        .collect::<Vec<_>>()
        .join(sep)
}

/// Two amounts in 万元, with enough decimals that they do not look equal when they differ.
fn wan_pair(a: Yuan, b: Yuan) -> (String, String) {
    for decimals in [0, 2, 4] {
        let (x, y) = (
            a.format_wan_rounded(decimals),
            b.format_wan_rounded(decimals),
        );
        if x != y || a == b {
            return (x, y);
        }
    }
    (
        a.format_in(peiyu_domain::MoneyUnit::Yuan),
        b.format_in(peiyu_domain::MoneyUnit::Yuan),
    )
}

/// Checks one total against the threshold: `None` when it reaches it (with the sentence), else
/// the sentence of why not.
fn against_threshold(total: &Total, basis: Basis, sector: Sector, threshold: Yuan) -> (bool, Text) {
    let fig_zh = total.figure.label(Lang::Zh);
    let fig_en = total.figure.label(Lang::En);
    let (sum, limit) = wan_pair(total.sum, threshold);
    let sector_zh = sector.label(Lang::Zh);
    let sector_en = sector.label(Lang::En);
    let period = if total.from == total.to {
        Text::new(total.to.to_string(), total.to.to_string())
    } else {
        Text::new(
            format!("{}至{}", total.from, total.to),
            format!("{} to {}", total.from, total.to),
        )
    };
    if total.sum >= threshold {
        let note = if total.is_complete() {
            Text::new(String::new(), String::new())
        } else {
            Text::new(
                format!("；{} 尚无数据", total.missing_list()),
                format!("; no {fig_en} recorded yet for {}", total.missing_list()),
            )
        };
        return (
            true,
            Text::new(
                format!(
                    "{}{fig_zh} {sum}（{}），达到{sector_zh} {limit} 的门槛{}",
                    basis.label(Lang::Zh),
                    period.zh(),
                    note.zh()
                ),
                format!(
                    "{} {fig_en} {sum} reaches the {limit} threshold for {sector_en} ({}){}",
                    basis.label(Lang::En),
                    period.en(),
                    note.en()
                ),
            ),
        );
    }
    if !total.is_complete() {
        let list = total.missing_list();
        return (
            false,
            Text::new(
                format!(
                    "{list} 没有{fig_zh}数据：已录入的{}{fig_zh} {sum}（{}），尚未达到{sector_zh} {limit} 的门槛",
                    basis.label(Lang::Zh),
                    period.zh()
                ),
                format!(
                    "no {fig_en} recorded for {list}: the {} {fig_en} recorded so far, {sum} ({}), is below the {limit} threshold for {sector_en}",
                    basis.label(Lang::En),
                    period.en()
                ),
            ),
        );
    }
    (
        false,
        Text::new(
            format!(
                "{}{fig_zh} {sum}，低于{sector_zh} {limit} 的门槛（{}）",
                basis.label(Lang::Zh),
                period.zh()
            ),
            format!(
                "{} {fig_en} {sum} is below the {limit} threshold for {sector_en} ({})",
                basis.label(Lang::En),
                period.en()
            ),
        ),
    )
}

fn revenue(ctx: &GuardContext<'_>, basis: Basis, output_value: bool) -> (bool, Text) {
    let sector = ctx.enterprise.sector;
    let Some(threshold) = ctx.thresholds.get(sector) else {
        return (
            false,
            Text::new(
                format!("{}行业没有规模门槛，无法按门槛认定", sector.label(Lang::Zh)),
                format!(
                    "the sector {} has no size threshold, so it cannot qualify by one",
                    sector.label(Lang::En)
                ),
            ),
        );
    };
    let Some(as_of) = figures::last_complete_month(ctx.on) else {
        return (
            false,
            Text::new(
                format!("日期 {} 超出范围", ctx.on),
                format!("the date {} is out of range", ctx.on),
            ),
        );
    };
    let mut figures_to_check = vec![Figure::Revenue];
    if output_value && sector == Sector::Industry {
        figures_to_check.push(Figure::OutputValue);
    }
    let results: Vec<(bool, Text)> = figures_to_check
        .into_iter()
        .map(|f| match figures::total(ctx.metrics, f, basis, as_of) {
            Ok(total) => against_threshold(&total, basis, sector, threshold),
            // A total that cannot be held fails the guard, saying which figure.
            Err(too_large) => (false, too_large.localize(Lang::Zh)),
        })
        .collect();
    let passed = results.iter().all(|(p, _)| *p);
    let zh = results
        .iter()
        .map(|(_, t)| t.zh())
        .collect::<Vec<_>>()
        .join("；");
    let en = results
        .iter()
        .map(|(_, t)| t.en())
        .collect::<Vec<_>>()
        .join("; ");
    (passed, Text::new(zh, en))
}

fn tasks_done(ctx: &GuardContext<'_>, kinds: &[KindPattern]) -> (bool, Text) {
    let since = ctx.stage_entered_on;
    let missing: Vec<KindPattern> = kinds
        .iter()
        .copied()
        .filter(|k| {
            !ctx.tasks.iter().any(|t| {
                t.status == TaskStatus::Done
                    && k.matches(&t.kind)
                    && t.completed_on.is_some_and(|c| c >= since && c <= ctx.on)
            })
        })
        .collect();
    if missing.is_empty() {
        (
            true,
            Text::new(
                format!(
                    "自 {since} 进入本阶段以来已完成：{}",
                    kind_list(kinds, Lang::Zh)
                ),
                format!(
                    "done since entering this stage on {since}: {}",
                    kind_list(kinds, Lang::En)
                ),
            ),
        )
    } else {
        (
            false,
            Text::new(
                format!(
                    "自 {since} 进入本阶段以来尚未完成：{}（截至 {}）",
                    kind_list(&missing, Lang::Zh),
                    ctx.on
                ),
                format!(
                    "not yet done since entering this stage on {since}: {} (as of {})",
                    kind_list(&missing, Lang::En),
                    ctx.on
                ),
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::tests::months;
    use peiyu_domain::{EnterpriseId, TaskKind, Uscc};

    pub(crate) fn enterprise(sector: Sector, legal_form: LegalForm) -> Enterprise {
        Enterprise {
            id: EnterpriseId(Default::default()),
            uscc: Uscc::parse("914403001922038216").unwrap(),
            name: "加美木业".into(),
            sector,
            town: "城关镇".into(),
            address: String::new(),
            land_area: None,
            legal_form,
            responsible_officer: None,
            archived: false,
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    struct Fixture {
        enterprise: Enterprise,
        thresholds: Thresholds,
        metrics: Vec<Metrics>,
        tasks: Vec<TaskFact>,
        evidence: Vec<String>,
    }

    impl Fixture {
        fn new(sector: Sector, revenue_wan: &[Option<i64>]) -> Fixture {
            Fixture {
                enterprise: enterprise(sector, LegalForm::LegalEntity),
                thresholds: Thresholds::default(),
                metrics: months("2023-01", revenue_wan),
                tasks: Vec::new(),
                evidence: Vec::new(),
            }
        }

        fn ctx(&self, on: &str) -> GuardContext<'_> {
            GuardContext {
                enterprise: &self.enterprise,
                thresholds: &self.thresholds,
                metrics: &self.metrics,
                tasks: &self.tasks,
                on: d(on),
                stage_entered_on: d("2023-06-01"),
                stage_expires_on: None,
                role: Role::Officer,
                reason: None,
                evidence: &self.evidence,
            }
        }
    }

    fn ytd() -> Guard {
        Guard::RevenueAtLeastThreshold {
            bases: vec![Basis::YearToDate],
            output_value: false,
        }
    }

    #[test]
    fn revenue_below_threshold_says_so_in_both_languages() {
        // 1,640万元 over January to September.
        let mut wan = vec![Some(180); 8];
        wan.push(Some(200));
        let f = Fixture::new(Sector::Industry, &wan);
        let r = ytd().evaluate(&f.ctx("2023-10-08"));
        assert!(!r.passed);
        assert_eq!(r.guard, "revenue_at_least_threshold");
        assert_eq!(
            r.message.en(),
            "year-to-date revenue 1,640万元 is below the 2,000万元 threshold for industry (2023-01 to 2023-09)"
        );
        assert_eq!(
            r.message.zh(),
            "本年累计营业收入 1,640万元，低于工业 2,000万元 的门槛（2023-01至2023-09）"
        );
    }

    #[test]
    fn revenue_at_threshold_passes() {
        let f = Fixture::new(Sector::Industry, &[Some(250); 8]);
        let r = ytd().evaluate(&f.ctx("2023-09-05"));
        assert!(r.passed, "{r:?}");
        assert!(
            r.message
                .en()
                .contains("2,000万元 reaches the 2,000万元 threshold")
        );
    }

    #[test]
    fn missing_months_block_and_are_named() {
        let f = Fixture::new(
            Sector::Industry,
            &[Some(100), Some(100), Some(100), Some(100)],
        );
        let r = ytd().evaluate(&f.ctx("2023-06-10"));
        assert!(!r.passed);
        assert!(
            r.message
                .en()
                .starts_with("no revenue recorded for 2023-05"),
            "{}",
            r.message.en()
        );
        assert!(r.message.zh().starts_with("2023-05 没有营业收入数据"));
    }

    #[test]
    fn thresholds_come_from_the_sector() {
        // 600万元 in 2023: enough for retail (500万), not for wholesale (2,000万).
        let mut f = Fixture::new(Sector::Retail, &[Some(50); 12]);
        assert!(ytd().evaluate(&f.ctx("2024-01-10")).passed);
        f.enterprise.sector = Sector::Wholesale;
        let r = ytd().evaluate(&f.ctx("2024-01-10"));
        assert!(!r.passed);
        assert!(r.message.en().contains("threshold for wholesale"));
        f.enterprise.sector = Sector::Other;
        assert!(!ytd().evaluate(&f.ctx("2024-01-10")).passed);
    }

    #[test]
    fn trailing_twelve_months_and_output_value() {
        // 2023: 150万 a month; 2024-01..03: 200万. Trailing 12 to 2024-03 = 9×150 + 3×200 = 1,950.
        let mut wan = vec![Some(150); 12];
        wan.extend([Some(200), Some(200), Some(200)]);
        let f = Fixture::new(Sector::Industry, &wan);
        let t12 = Guard::RevenueAtLeastThreshold {
            bases: vec![Basis::Trailing12Months],
            output_value: false,
        };
        assert!(!t12.evaluate(&f.ctx("2024-04-02")).passed);
        // Output value is revenue + 10%: 2,145万, but revenue still blocks.
        let both = Guard::RevenueAtLeastThreshold {
            bases: vec![Basis::Trailing12Months],
            output_value: true,
        };
        let r = both.evaluate(&f.ctx("2024-04-02"));
        assert!(!r.passed);
        assert!(
            r.message.en().contains("output value 2,145万元 reaches"),
            "{}",
            r.message.en()
        );
        let mut f = f;
        for m in &mut f.metrics {
            m.output_value = Some(Yuan::from_wan(100));
        }
        for m in f.metrics.iter_mut().skip(12) {
            m.revenue = Some(Yuan::from_wan(300));
        }
        let r = both.evaluate(&f.ctx("2024-04-02"));
        assert!(!r.passed);
        assert!(r.message.en().contains("revenue 2,250万元 reaches"));
        assert!(r.message.en().contains("output value 1,200万元 is below"));
    }

    #[test]
    fn tasks_done_since_entering_the_stage() {
        let mut f = Fixture::new(Sector::Industry, &[]);
        let g = Guard::TasksDone {
            kinds: vec![
                KindPattern::Exact(TaskKind::Application),
                KindPattern::AnyFactorGuarantee,
            ],
        };
        let r = g.evaluate(&f.ctx("2023-07-01"));
        assert!(!r.passed);
        assert!(
            r.message
                .en()
                .contains("application, factor guarantee (as of 2023-07-01)")
        );
        let task = |kind, status, completed: Option<&str>| TaskFact {
            kind,
            status,
            created_on: d("2023-05-01"),
            created_in_stage: None,
            completed_on: completed.map(d),
        };
        f.tasks.push(task(
            TaskKind::Application,
            TaskStatus::Done,
            Some("2023-05-20"),
        ));
        f.tasks.push(task(
            TaskKind::FactorGuarantee(peiyu_domain::FactorCategory::Land),
            TaskStatus::Done,
            Some("2023-06-02"),
        ));
        let r = g.evaluate(&f.ctx("2023-07-01"));
        assert!(!r.passed, "the application was done before the stage began");
        assert!(r.message.zh().contains("尚未完成：申报（截至"));
        f.tasks
            .push(task(TaskKind::Application, TaskStatus::Open, None));
        assert!(!g.evaluate(&f.ctx("2023-07-01")).passed);
        f.tasks.push(task(
            TaskKind::Application,
            TaskStatus::Done,
            Some("2023-06-01"),
        ));
        assert!(g.evaluate(&f.ctx("2023-07-01")).passed);
    }

    #[test]
    fn evidence_reason_days_role_legal_entity() {
        let mut f = Fixture::new(Sector::Industry, &[]);
        let ctx = f.ctx("2023-06-20");
        assert!(!Guard::EvidenceRequired.evaluate(&ctx).passed);
        assert!(!Guard::ReasonRequired.evaluate(&ctx).passed);
        let reason = GuardContext {
            reason: Some("  "),
            ..ctx
        };
        assert!(!Guard::ReasonRequired.evaluate(&reason).passed);
        let reason = GuardContext {
            reason: Some("企业主动申请退出"),
            ..ctx
        };
        assert!(Guard::ReasonRequired.evaluate(&reason).passed);

        let min = Guard::MinDaysInStage { days: 30 };
        let r = min.evaluate(&ctx);
        assert!(!r.passed);
        assert_eq!(
            r.message.en(),
            "only 19 days in this stage since 2023-06-01; at least 30 are required"
        );
        assert!(min.evaluate(&f.ctx("2023-07-01")).passed);

        let role = Guard::RoleRequired {
            roles: vec![Role::Lead, Role::Admin],
        };
        let r = role.evaluate(&ctx);
        assert!(!r.passed);
        assert_eq!(
            r.message.en(),
            "this move is for team lead or administrator; you act as officer"
        );
        assert!(
            role.evaluate(&GuardContext {
                role: Role::Lead,
                ..ctx
            })
            .passed
        );

        assert!(Guard::LegalEntity.evaluate(&ctx).passed);
        f.evidence.push("统计局函〔2023〕15号".into());
        f.enterprise.legal_form = LegalForm::Branch;
        let ctx = f.ctx("2023-06-20");
        assert!(Guard::EvidenceRequired.evaluate(&ctx).passed);
        let r = Guard::LegalEntity.evaluate(&ctx);
        assert!(!r.passed);
        assert!(r.message.zh().contains("分支机构"));
    }

    #[test]
    fn stage_expired() {
        let f = Fixture::new(Sector::Industry, &[]);
        let ctx = f.ctx("2026-11-15");
        assert!(!Guard::StageExpired.evaluate(&ctx).passed);
        let ctx = GuardContext {
            stage_expires_on: Some(d("2026-11-15")),
            ..ctx
        };
        assert!(Guard::StageExpired.evaluate(&ctx).passed);
        let ctx = GuardContext {
            on: d("2026-11-14"),
            ..ctx
        };
        assert!(!Guard::StageExpired.evaluate(&ctx).passed);
    }

    #[test]
    fn a_revenue_total_too_large_to_hold_fails_the_guard_naming_the_figure() {
        let mut f = Fixture::new(Sector::Industry, &[Some(100); 8]);
        f.metrics[0].revenue = Some(Yuan(i64::MAX));
        let r = ytd().evaluate(&f.ctx("2023-09-05"));
        assert!(!r.passed, "{r:?}");
        assert!(r.message.en().contains("revenue"), "{}", r.message.en());
        assert!(r.message.en().contains("too large"), "{}", r.message.en());
        assert!(r.message.zh().contains("营业收入"), "{}", r.message.zh());
    }
}
