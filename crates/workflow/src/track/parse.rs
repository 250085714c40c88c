//! Reading a track file: its walk over the shared rule-file [`Reader`], which collects every
//! problem with its line.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use peiyu_domain::{Batch, RegisterKind, Role, StageKey, TaskKind, TaskKindError, Text, TrackKey};
use toml::de::{DeTable, DeValue};

use super::{CloseRule, Period, RegisterEffect, ReviewRule, Stage, Track, TrackErrors, Transition};
use crate::batch_policy::BatchPolicy;
use crate::figures::Basis;
use crate::guard::{GUARD_KEYS, Guard, KindPattern};
use crate::rule_file::{self, ProblemCode, Reader, RuleFileKind, Value, excerpt, with_excerpts};
use crate::template::{AssigneeRule, DueRule, Repeat, TaskTemplate};

const ROOT_FIELDS: &[&str] = &[
    "key",
    "version",
    "label",
    "start",
    "policy",
    "stage",
    "transition",
];
const STAGE_FIELDS: &[&str] = &[
    "key",
    "label",
    "terminal",
    "valid_for",
    "review",
    "task",
    "close",
    "register",
    "register_exit",
];
const TRANSITION_FIELDS: &[&str] = &[
    "from",
    "before",
    "to",
    "label",
    "roles",
    "guards",
    "reason_required",
    "on_expiry",
];
const DUE_FIELDS: &[&str] = &[
    "working_days",
    "calendar_days",
    "day_of_next_month",
    "end_of_month",
    "end_of_quarter",
];
const TASK_FIELDS: &[&str] = &[
    "kind",
    "title",
    "assignee",
    "working_days",
    "calendar_days",
    "day_of_next_month",
    "end_of_month",
    "end_of_quarter",
    "roll_to_working_day",
    "priority_working_days",
    "repeat",
];
const REVIEW_FIELDS: &[&str] = &["before", "kind", "title", "assignee"];
const POLICY_FIELDS: &[&str] = &["priority_batches", "factor_guarantee_working_days"];

/// Longest accepted working-day or calendar-day count in a template.
const MAX_DAYS: i64 = 366;

pub(super) fn parse(text: &str) -> Result<Track, TrackErrors> {
    rule_file::read(text, RuleFileKind::Track, |file, root| {
        Parser { file }.track(root)
    })
}

/// The walk of a track file, over the shared [`Reader`] (which records the problems).
struct Parser<'r, 't> {
    file: &'r mut Reader<'t>,
}

/// A stage as read, before cross-checks.
struct RawStage {
    stage: Stage,
    key_at: usize,
}

/// A transition as read, before its stage names are resolved.
struct RawTransition {
    from: Vec<(String, usize)>,
    from_any: Option<usize>,
    before: Option<(String, usize)>,
    to: Option<(String, usize)>,
    label: Option<Text>,
    roles: Vec<Role>,
    guards: Vec<Guard>,
    on_expiry: bool,
    at: usize,
}

impl Parser<'_, '_> {
    fn key<K>(
        &mut self,
        raw: &(String, usize),
        field: &str,
        place: &str,
        new: impl Fn(&str) -> Result<K, peiyu_domain::KeyError>,
    ) -> Option<K> {
        match new(&raw.0) {
            Ok(k) => Some(k),
            Err(e) => {
                self.file.push(
                    raw.1,
                    ProblemCode::InvalidKey,
                    format!(
                        "{place} 的 \"{field}\" 不是合法的键 \"{}\"：只能用小写字母、数字和下划线，以字母开头，最长 32 个字符",
                        excerpt(&raw.0)
                    ),
                    with_excerpts(format!("\"{field}\" in {place}: {e}"), &[&raw.0]),
                );
                None
            }
        }
    }

    fn period(&mut self, raw: &(String, usize), field: &str, place: &str) -> Option<Period> {
        let p = Period::parse(&raw.0);
        if p.is_none() {
            self.file.push(
                raw.1,
                ProblemCode::BadDuration,
                format!(
                    "{place} 的 \"{field}\" 期限 \"{}\" 无效：应写作天数、月数或年数，如 \"90d\"、\"6m\"、\"3y\"",
                    excerpt(&raw.0)
                ),
                format!(
                    "\"{field}\" in {place}: bad duration \"{}\": write days, months or years, e.g. \"90d\", \"6m\", \"3y\"",
                    excerpt(&raw.0)
                ),
            );
        }
        p
    }

    /// The stage's `register` (enter) or `register_exit` (leave) key: a register kind
    /// (`above_scale` or `above_limit`, or 规上 / 限上); at most one of the two.
    fn register_effect(
        &mut self,
        t: &DeTable<'_>,
        place: &str,
        at: usize,
    ) -> Option<RegisterEffect> {
        let mut found = Vec::new();
        for (field, enter) in [("register", true), ("register_exit", false)] {
            let Some(raw) = self.file.string(t, field, place) else {
                continue;
            };
            match RegisterKind::parse(&raw.0) {
                Ok(kind) => found.push(if enter {
                    RegisterEffect::Enter(kind)
                } else {
                    RegisterEffect::Exit(kind)
                }),
                Err(_) => self.file.push(
                    raw.1,
                    ProblemCode::BadValue,
                    format!(
                        "{place} 的 \"{field}\" 名录类别 \"{}\" 无效：应为 above_scale（规上）或 above_limit（限上）",
                        excerpt(&raw.0)
                    ),
                    format!(
                        "\"{field}\" in {place}: unknown register kind \"{}\": expected above_scale or above_limit",
                        excerpt(&raw.0)
                    ),
                ),
            }
        }
        if found.len() > 1 {
            self.file.push(
                at,
                ProblemCode::Inconsistent,
                format!("{place} 不能同时有 register 和 register_exit：一个阶段只能入库或退库"),
                format!("{place} cannot have both register and register_exit: a stage either enters the register or leaves it"),
            );
            return None;
        }
        found.pop()
    }

    fn kind_pattern(&mut self, raw: &(String, usize), place: &str) -> Option<KindPattern> {
        match KindPattern::parse(&raw.0) {
            Ok(k) => Some(k),
            Err(e) => {
                let category = match &e {
                    TaskKindError::UnknownCategory { category, .. } => category.as_str(),
                    _ => "",
                };
                self.file.push(
                    raw.1,
                    ProblemCode::UnknownTaskKind,
                    format!(
                        "{place} 中未知的任务类型 \"{}\"：应为 visit、factor_guarantee[:类别]、application、document、inspection_finding、statistics_report 或 custom",
                        excerpt(&raw.0)
                    ),
                    with_excerpts(format!("{place}: {e}"), &[&raw.0, category]),
                );
                None
            }
        }
    }

    fn role(&mut self, raw: &(String, usize), place: &str) -> Option<Role> {
        match Role::parse(&raw.0) {
            Ok(Role::Leader) => {
                self.file.push(
                    raw.1,
                    ProblemCode::BadValue,
                    format!("{place}：局领导（leader）只能查看，不能推进流程"),
                    format!("{place}: a leader only reads and cannot take moves"),
                );
                None
            }
            Ok(r) => Some(r),
            Err(_) => {
                self.file.push(
                    raw.1,
                    ProblemCode::BadValue,
                    format!(
                        "{place} 中未知的角色 \"{}\"：应为 officer、lead 或 admin",
                        excerpt(&raw.0)
                    ),
                    format!(
                        "unknown role \"{}\" in {place}: expected officer, lead or admin",
                        excerpt(&raw.0)
                    ),
                );
                None
            }
        }
    }

    // -----------------------------------------------------------------------------------------

    fn track(&mut self, root: &DeTable<'_>) -> Option<Track> {
        let place = &self.file.place("流程".into(), "the track".into());
        self.file.unknown_fields(root, ROOT_FIELDS, place);
        let key = self
            .file
            .required_string(root, "key", place, 0)
            .and_then(|raw| self.key(&raw, "key", place, TrackKey::new));
        let version = self.file.string(root, "version", place).map(|(s, _)| s);
        let label = self.file.label(root, "label", place, 0, true);
        let start = self.file.required_string(root, "start", place, 0);
        let policy = self.policy(root);

        let stage_tables = self.file.tables(root, "stage", place);
        if stage_tables.is_empty() && root.get("stage").is_none() {
            self.file.push(
                0,
                ProblemCode::MissingField,
                "流程没有任何阶段：至少需要一个 [[stage]]".to_owned(),
                "the track has no stages: at least one [[stage]] is required".to_owned(),
            );
        }
        let mut stages: Vec<RawStage> = Vec::new();
        for (i, (t, at)) in stage_tables.into_iter().enumerate() {
            if let Some(s) = self.stage(t, at, i + 1) {
                stages.push(s);
            }
        }
        let mut seen: BTreeMap<StageKey, usize> = BTreeMap::new();
        for s in &stages {
            if let Some(first) = seen.get(&s.stage.key) {
                let first = *first;
                let k = s.stage.key.clone();
                self.file.push(
                    s.key_at,
                    ProblemCode::DuplicateStage,
                    format!("阶段 \"{k}\" 重复定义（第 {first} 行已定义）"),
                    format!("stage \"{k}\" is defined twice (first on line {first})"),
                );
            } else {
                seen.insert(s.stage.key.clone(), s.stage.line);
            }
        }
        let stages: Vec<Stage> = stages.into_iter().map(|s| s.stage).collect();

        let start = start.and_then(|raw| {
            let found = stages
                .iter()
                .find(|s| s.key.as_str() == raw.0)
                .map(|s| s.key.clone());
            if found.is_none() {
                self.file.push(
                    raw.1,
                    ProblemCode::UnknownStage,
                    format!("起始阶段 \"{}\" 不存在", excerpt(&raw.0)),
                    format!(
                        "the start stage \"{}\" is not a stage of the track",
                        excerpt(&raw.0)
                    ),
                );
            }
            found
        });

        let transition_tables = self.file.tables(root, "transition", place);
        let mut transitions = Vec::new();
        for (i, (t, at)) in transition_tables.into_iter().enumerate() {
            let raw = self.raw_transition(t, at, i + 1);
            if let Some(tr) = self.resolve(raw, &stages) {
                transitions.push(tr);
            }
        }
        self.duplicates(&transitions);
        if let Some(start) = &start {
            self.reachability(start, &stages, &transitions);
        }

        Some(Track {
            key: key?,
            version,
            label: label?,
            start: start?,
            stages,
            transitions,
            policy: policy?,
            text: self.file.text().to_owned(),
        })
    }

    fn policy(&mut self, root: &DeTable<'_>) -> Option<BatchPolicy> {
        let default = BatchPolicy::default();
        let mut batches = default.priority_batches();
        let mut days = None;
        let track_place = self.file.place("流程".into(), "the track".into());
        let Some((t, _)) = self.file.sub_table(root, "policy", &track_place) else {
            return root
                .get("policy")
                .is_none()
                .then(|| default.with_priority(&batches, days));
        };
        let place = "[policy]";
        self.file.unknown_fields(t, POLICY_FIELDS, place);
        let mut ok = true;
        if let Some(v) = t.get("priority_batches") {
            match v.get_ref().as_array() {
                Some(items) => {
                    batches.clear();
                    for item in items.iter() {
                        let b = match item.get_ref() {
                            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                                .ok()
                                .and_then(|n| u8::try_from(n).ok())
                                .and_then(|n| Batch::new(n).ok()),
                            _ => None,
                        };
                        match b {
                            Some(b) if !batches.contains(&b) => batches.push(b),
                            Some(_) => {}
                            None => {
                                ok = false;
                                self.file.push(
                                    item.span().start,
                                    ProblemCode::BadValue,
                                    "[policy] 的 priority_batches 只能包含 1 到 4 的批次号".to_owned(),
                                    "priority_batches in [policy] may hold only batch numbers 1 to 4"
                                        .to_owned(),
                                );
                            }
                        }
                    }
                    batches.sort();
                }
                None => {
                    ok = false;
                    self.file.wrong_type(
                        v,
                        "priority_batches",
                        place,
                        ("整数数组", "an array of whole numbers"),
                    );
                }
            }
        }
        if t.get("factor_guarantee_working_days").is_some() {
            match self
                .file
                .integer(t, "factor_guarantee_working_days", place, 0, MAX_DAYS)
            {
                Some(n) => days = Some(n),
                None => ok = false,
            }
        }
        ok.then(|| default.with_priority(&batches, days))
    }

    fn stage(&mut self, t: &DeTable<'_>, at: usize, index: usize) -> Option<RawStage> {
        let line = self.file.line(at);
        let anon = self.file.place(
            format!("第 {index} 个阶段（第 {line} 行）"),
            format!("stage #{index} (line {line})"),
        );
        let key_raw = self.file.required_string(t, "key", &anon, at);
        let key = key_raw
            .as_ref()
            .and_then(|raw| self.key(raw, "key", &anon, StageKey::new));
        let place = match key.as_ref() {
            Some(k) => self
                .file
                .place(format!("阶段 \"{k}\""), format!("stage \"{k}\"")),
            None => anon,
        };
        self.file.unknown_fields(t, STAGE_FIELDS, &place);
        let label = self.file.label(t, "label", &place, at, true);
        let terminal = self.file.boolean(t, "terminal", &place).unwrap_or(false);
        let valid_for = self
            .file
            .string(t, "valid_for", &place)
            .and_then(|raw| self.period(&raw, "valid_for", &place));

        let review = match self.file.sub_table(t, "review", &place) {
            Some((rt, rat)) => {
                let r = self.review(rt, rat, &place);
                if let (Some(r), Some(v)) = (&r, valid_for) {
                    if r.before.approx_days() >= v.approx_days() {
                        self.file.push(
                            rat,
                            ProblemCode::Inconsistent,
                            format!("{place} 的复审提前期 {} 不短于有效期 {}", r.before.key(), v.key()),
                            format!(
                                "the re-review lead time {} of {place} is not shorter than its validity {}",
                                r.before.key(),
                                v.key()
                            ),
                        );
                    }
                } else if r.is_some() && t.get("valid_for").is_none() {
                    self.file.push(
                        rat,
                        ProblemCode::Inconsistent,
                        format!("{place} 有 [stage.review] 但没有 valid_for：复审任务需要有效期"),
                        format!("{place} has a [stage.review] but no valid_for: a re-review needs an expiry"),
                    );
                }
                r
            }
            None => None,
        };
        if terminal && valid_for.is_some() {
            self.file.push(
                at,
                ProblemCode::Inconsistent,
                format!("{place} 是终止阶段，不能有 valid_for"),
                format!("{place} is terminal and cannot have a valid_for"),
            );
        }

        let mut tasks = Vec::new();
        for (tt, tat) in self.file.tables(t, "task", &place) {
            if let Some(tpl) = self.template(tt, tat, &place) {
                tasks.push(tpl);
            }
        }
        let mut close = Vec::new();
        let close_place = self
            .file
            .place(format!("{place} 的 close"), format!("\"close\" of {place}"));
        if let Some(items) = self.file.strings(t, "close", &place) {
            for raw in items {
                let rule = match raw.0.as_str() {
                    "previous_stage" => Some(CloseRule::PreviousStage),
                    "all" => Some(CloseRule::All),
                    _ => self.kind_pattern(&raw, &close_place).map(CloseRule::Kind),
                };
                if let Some(r) = rule.filter(|r| !close.contains(r)) {
                    close.push(r);
                }
            }
        }
        let register = self.register_effect(t, &place, at);
        let stage = Stage {
            register,
            key: key?,
            label: label.unwrap_or_else(|| Text::new("", "")),
            terminal,
            valid_for,
            review,
            tasks,
            close,
            line,
        };
        Some(RawStage {
            key_at: key_raw.map_or(at, |r| r.1),
            stage,
        })
    }

    fn template_common(
        &mut self,
        t: &DeTable<'_>,
        at: usize,
        place: &str,
    ) -> (Option<TaskKind>, Option<Text>, Option<AssigneeRule>) {
        let kind = self.file.required_string(t, "kind", place, at).and_then(|raw| {
            match self.kind_pattern(&raw, place)? {
                KindPattern::Exact(k) => Some(k),
                KindPattern::AnyFactorGuarantee => {
                    self.file.push(
                        raw.1,
                        ProblemCode::UnknownTaskKind,
                        format!("{place}：要素保障任务需要写明类别，如 factor_guarantee:land"),
                        format!("{place}: a factor-guarantee task needs a category, e.g. factor_guarantee:land"),
                    );
                    None
                }
            }
        });
        let title = self.file.label(t, "title", place, at, true);
        let assignee = match self.file.string(t, "assignee", place) {
            None if t.get("assignee").is_none() => Some(AssigneeRule::ResponsibleOfficer),
            None => None,
            Some(raw) => {
                let a = AssigneeRule::parse(&raw.0);
                if a.is_none() {
                    self.file.push(
                        raw.1,
                        ProblemCode::BadValue,
                        format!(
                            "{place} 中未知的指派规则 \"{}\"：应为 responsible_officer、team_lead 或 role:<角色>",
                            excerpt(&raw.0)
                        ),
                        format!(
                            "unknown assignee \"{}\" in {place}: expected responsible_officer, team_lead or role:<role>",
                            excerpt(&raw.0)
                        ),
                    );
                }
                a
            }
        };
        (kind, title, assignee)
    }

    fn template(&mut self, t: &DeTable<'_>, at: usize, stage_place: &str) -> Option<TaskTemplate> {
        let line = self.file.line(at);
        let place = self.file.place(
            format!("{stage_place} 第 {line} 行的任务"),
            format!("the task on line {line} of {stage_place}"),
        );
        self.file.unknown_fields(t, TASK_FIELDS, &place);
        let (kind, title, assignee) = self.template_common(t, at, &place);

        let given: Vec<&str> = DUE_FIELDS
            .iter()
            .copied()
            .filter(|f| t.get(*f).is_some())
            .collect();
        let due = match given.as_slice() {
            [] => {
                self.file.push(
                    at,
                    ProblemCode::MissingField,
                    format!("{place} 没有期限：需要 working_days、calendar_days、day_of_next_month、end_of_month 或 end_of_quarter 之一"),
                    format!("{place} has no due rule: give one of working_days, calendar_days, day_of_next_month, end_of_month, end_of_quarter"),
                );
                None
            }
            [one] => match *one {
                "working_days" => self
                    .file
                    .integer(t, one, &place, 0, MAX_DAYS)
                    .map(DueRule::WorkingDays),
                "calendar_days" => self
                    .file
                    .integer(t, one, &place, 0, MAX_DAYS)
                    .map(DueRule::CalendarDays),
                "day_of_next_month" => self
                    .file
                    .integer(t, one, &place, 1, 31)
                    .map(DueRule::DayOfNextMonth),
                flag => match self.file.boolean(t, flag, &place) {
                    Some(true) if flag == "end_of_month" => Some(DueRule::EndOfMonth),
                    Some(true) => Some(DueRule::EndOfQuarter),
                    Some(false) => {
                        self.file.push(
                            at,
                            ProblemCode::BadDuration,
                            format!("{place} 的 {flag} 只能写 true"),
                            format!("{flag} in {place} can only be true"),
                        );
                        None
                    }
                    None => None,
                },
            },
            many => {
                let list = many.join(", ");
                self.file.push(
                    at,
                    ProblemCode::BadDuration,
                    format!("{place} 同时给出了多个期限（{list}），只能有一个"),
                    format!("{place} has several due rules ({list}); give exactly one"),
                );
                None
            }
        };
        let roll = self.file.boolean(t, "roll_to_working_day", &place);
        if roll == Some(true) && matches!(due, Some(DueRule::WorkingDays(_))) {
            self.file.push(
                at,
                ProblemCode::Inconsistent,
                format!("{place}：按工作日计算的期限本身就是工作日，无需 roll_to_working_day"),
                format!("{place}: a working-day deadline is always a working day; drop roll_to_working_day"),
            );
        }
        let priority = if t.get("priority_working_days").is_some() {
            let p = self
                .file
                .integer(t, "priority_working_days", &place, 0, MAX_DAYS);
            p?;
            p
        } else {
            None
        };
        let repeat = match self.file.string(t, "repeat", &place) {
            Some(raw) => {
                let r = Repeat::parse(&raw.0);
                if r.is_none() {
                    self.file.push(
                        raw.1,
                        ProblemCode::BadValue,
                        format!(
                            "{place} 的 repeat \"{}\" 无效：应为 monthly、quarterly 或 yearly",
                            excerpt(&raw.0)
                        ),
                        format!(
                            "bad repeat \"{}\" in {place}: expected monthly, quarterly or yearly",
                            excerpt(&raw.0)
                        ),
                    );
                    return None;
                }
                r
            }
            None if t.get("repeat").is_some() => return None,
            None => None,
        };
        Some(TaskTemplate {
            kind: kind?,
            title: title?,
            assignee: assignee?,
            due: due?,
            roll_to_working_day: roll.unwrap_or(false),
            priority_working_days: priority,
            repeat,
            line,
        })
    }

    fn review(&mut self, t: &DeTable<'_>, at: usize, stage_place: &str) -> Option<ReviewRule> {
        let line = self.file.line(at);
        let place = self.file.place(
            format!("{stage_place} 的 [stage.review]"),
            format!("[stage.review] of {stage_place}"),
        );
        self.file.unknown_fields(t, REVIEW_FIELDS, &place);
        let before = self
            .file
            .required_string(t, "before", &place, at)
            .and_then(|raw| self.period(&raw, "before", &place));
        let (kind, title, assignee) = self.template_common(t, at, &place);
        Some(ReviewRule {
            before: before?,
            task: TaskTemplate {
                kind: kind?,
                title: title?,
                assignee: assignee?,
                due: DueRule::CalendarDays(0),
                roll_to_working_day: false,
                priority_working_days: None,
                repeat: None,
                line,
            },
        })
    }

    fn raw_transition(
        &mut self,
        t: &DeTable<'_>,
        at: usize,
        index: usize,
    ) -> Option<RawTransition> {
        let line = self.file.line(at);
        let place = self.file.place(
            format!("第 {line} 行的流转"),
            format!("transition #{index} (line {line})"),
        );
        self.file.unknown_fields(t, TRANSITION_FIELDS, &place);
        let mut from = Vec::new();
        let mut from_any = None;
        match t.get("from") {
            None => {
                self.file.missing(at, "from", &place);
            }
            Some(v) => match v.get_ref() {
                DeValue::String(s) if s.as_ref() == "*" => from_any = Some(v.span().start),
                DeValue::String(s) => from.push((s.to_string(), v.span().start)),
                DeValue::Array(_) => match self.file.strings(t, "from", &place) {
                    Some(list) if !list.is_empty() => from = list,
                    Some(_) => {
                        self.file.push(
                            v.span().start,
                            ProblemCode::BadValue,
                            format!("{place} 的 from 列表为空"),
                            format!("the from list of {place} is empty"),
                        );
                    }
                    None => {}
                },
                _ => {
                    self.file.wrong_type(
                        v,
                        "from",
                        &place,
                        (
                            "阶段键、阶段键数组或 \"*\"",
                            "a stage key, an array of stage keys or \"*\"",
                        ),
                    );
                }
            },
        }
        let before = self.file.string(t, "before", &place);
        if before.is_some() && from_any.is_none() {
            self.file.push(
                at,
                ProblemCode::Inconsistent,
                format!("{place}：before 只能与 from = \"*\" 一起使用"),
                format!("{place}: before only goes with from = \"*\""),
            );
        }
        let to = self.file.required_string(t, "to", &place, at);
        let label = self.file.label(t, "label", &place, at, false);
        let roles = match self.file.strings(t, "roles", &place) {
            Some(list) => {
                let mut roles = Vec::new();
                for raw in list {
                    match self.role(&raw, &place) {
                        Some(r) if !roles.contains(&r) => roles.push(r),
                        Some(_) => {}
                        None => {}
                    }
                }
                roles
            }
            None => vec![Role::Officer, Role::Lead, Role::Admin],
        };
        let mut guards = self.guards(t, &place);
        if self.file.boolean(t, "reason_required", &place) == Some(true)
            && !guards.contains(&Guard::ReasonRequired)
        {
            guards.push(Guard::ReasonRequired);
        }
        let on_expiry = self.file.boolean(t, "on_expiry", &place).unwrap_or(false);
        if on_expiry && !guards.contains(&Guard::StageExpired) {
            guards.insert(0, Guard::StageExpired);
        }
        Some(RawTransition {
            from,
            from_any,
            before,
            to,
            label,
            roles,
            guards,
            on_expiry,
            at,
        })
    }

    fn guards(&mut self, t: &DeTable<'_>, place: &str) -> Vec<Guard> {
        let mut out = Vec::new();
        let Some(v) = t.get("guards") else {
            return out;
        };
        let Some(items) = v.get_ref().as_array() else {
            self.file
                .wrong_type(v, "guards", place, ("数组", "an array"));
            return out;
        };
        for item in items.iter() {
            if let Some(g) = self.guard(item, place) {
                out.push(g);
            }
        }
        out
    }

    fn guard(&mut self, item: &Value<'_>, place: &str) -> Option<Guard> {
        let at = item.span().start;
        let empty = DeTable::new();
        let (name, params) = match item.get_ref() {
            DeValue::String(s) => (s.to_string(), &empty),
            DeValue::Table(t) => match t.get("kind").and_then(|k| k.get_ref().as_str()) {
                Some(k) => (k.to_owned(), t),
                None => {
                    self.file.push(
                        at,
                        ProblemCode::MissingField,
                        format!("{place} 的条件表缺少 kind（条件名）"),
                        format!("a guard table in {place} lacks its kind (the guard's name)"),
                    );
                    return None;
                }
            },
            _ => {
                self.file.wrong_type(
                    item,
                    "guards",
                    place,
                    (
                        "条件名或 { kind = \"…\", … } 表",
                        "a guard name or a { kind = \"…\", … } table",
                    ),
                );
                return None;
            }
        };
        let shown = excerpt(&name);
        let gplace = self.file.place(
            format!("{place} 的条件 \"{shown}\""),
            format!("guard \"{shown}\" of {place}"),
        );
        let allowed: &[&str] = match name.as_str() {
            "revenue_at_least_threshold" => &["kind", "basis", "output_value"],
            "tasks_done" => &["kind", "kinds"],
            "min_days_in_stage" => &["kind", "days"],
            "role_required" => &["kind", "roles"],
            n if GUARD_KEYS.contains(&n) => &["kind"],
            _ => {
                let list = GUARD_KEYS.join(", ");
                self.file.push(
                    at,
                    ProblemCode::UnknownGuard,
                    format!("{place} 中未知的条件 \"{shown}\"（可用：{list}）"),
                    format!("unknown guard \"{shown}\" in {place} (known guards: {list})"),
                );
                return None;
            }
        };
        self.file.unknown_fields(params, allowed, &gplace);
        match name.as_str() {
            "revenue_at_least_threshold" => {
                let bases = self.bases(params, &gplace)?;
                let output_value = self
                    .file
                    .boolean(params, "output_value", &gplace)
                    .unwrap_or(false);
                Some(Guard::RevenueAtLeastThreshold {
                    bases,
                    output_value,
                })
            }
            "tasks_done" => {
                if params.get("kinds").is_none() {
                    self.file.missing(at, "kinds", &gplace);
                    return None;
                }
                let list = self.file.strings(params, "kinds", &gplace)?;
                let mut kinds = Vec::new();
                let mut ok = !list.is_empty();
                if list.is_empty() {
                    self.file.push(
                        at,
                        ProblemCode::BadValue,
                        format!("{gplace} 的 kinds 为空"),
                        format!("kinds of {gplace} is empty"),
                    );
                }
                for raw in list {
                    match self.kind_pattern(&raw, &gplace) {
                        Some(k) => kinds.push(k),
                        None => ok = false,
                    }
                }
                ok.then_some(Guard::TasksDone { kinds })
            }
            "min_days_in_stage" => {
                if params.get("days").is_none() {
                    self.file.missing(at, "days", &gplace);
                    return None;
                }
                self.file
                    .integer(params, "days", &gplace, 0, 3660)
                    .map(|days| Guard::MinDaysInStage { days })
            }
            "role_required" => {
                if params.get("roles").is_none() {
                    self.file.missing(at, "roles", &gplace);
                    return None;
                }
                let list = self.file.strings(params, "roles", &gplace)?;
                let mut roles = Vec::new();
                let mut ok = !list.is_empty();
                for raw in list {
                    match self.role(&raw, &gplace) {
                        Some(r) => roles.push(r),
                        None => ok = false,
                    }
                }
                ok.then_some(Guard::RoleRequired { roles })
            }
            "evidence_required" => Some(Guard::EvidenceRequired),
            "reason_required" => Some(Guard::ReasonRequired),
            "legal_entity" => Some(Guard::LegalEntity),
            _ => Some(Guard::StageExpired),
        }
    }

    /// `basis = "ytd"`, `basis = ["ytd", "trailing_12m"]`, or absent (year-to-date).
    fn bases(&mut self, params: &DeTable<'_>, place: &str) -> Option<Vec<Basis>> {
        let raws = match params.get("basis") {
            None => return Some(vec![Basis::YearToDate]),
            Some(v) if v.get_ref().is_str() => vec![self.file.string(params, "basis", place)?],
            Some(_) => self.file.strings(params, "basis", place)?,
        };
        let mut bases = Vec::new();
        let mut ok = !raws.is_empty();
        for raw in raws {
            match Basis::parse(&raw.0) {
                Some(b) if !bases.contains(&b) => bases.push(b),
                Some(_) => {}
                None => {
                    ok = false;
                    self.file.push(
                        raw.1,
                        ProblemCode::BadValue,
                        format!(
                            "{place} 的 basis \"{}\" 无效：应为 ytd 或 trailing_12m",
                            excerpt(&raw.0)
                        ),
                        format!(
                            "bad basis \"{}\" in {place}: expected ytd or trailing_12m",
                            excerpt(&raw.0)
                        ),
                    );
                }
            }
        }
        ok.then_some(bases)
    }

    fn stage_ref(
        &mut self,
        raw: &(String, usize),
        stages: &[Stage],
        what: (&str, &str),
    ) -> Option<StageKey> {
        let found = stages
            .iter()
            .find(|s| s.key.as_str() == raw.0)
            .map(|s| s.key.clone());
        if found.is_none() {
            let mut known: Vec<&str> = Vec::new();
            for s in stages {
                if !known.contains(&s.key.as_str()) {
                    known.push(s.key.as_str());
                }
            }
            let known = known.join(", ");
            self.file.push(
                raw.1,
                ProblemCode::UnknownStage,
                format!(
                    "{}中的阶段 \"{}\" 不存在（已有阶段：{known}）",
                    what.0,
                    excerpt(&raw.0)
                ),
                format!(
                    "{} names the unknown stage \"{}\" (stages: {known})",
                    what.1,
                    excerpt(&raw.0)
                ),
            );
        }
        found
    }

    fn resolve(&mut self, raw: Option<RawTransition>, stages: &[Stage]) -> Option<Transition> {
        let raw = raw?;
        let line = self.file.line(raw.at);
        let what_zh = format!("第 {line} 行的流转");
        let what_en = format!("the transition on line {line}");
        let to = raw
            .to
            .as_ref()
            .and_then(|r| self.stage_ref(r, stages, (&what_zh, &what_en)));
        let mut from = Vec::new();
        if let Some(any_at) = raw.from_any {
            let limit = match &raw.before {
                Some(b) => match self.stage_ref(b, stages, (&what_zh, &what_en)) {
                    Some(k) => stages.iter().position(|s| s.key == k),
                    None => None,
                },
                None => None,
            };
            let limit = limit.unwrap_or(stages.len());
            from = stages[..limit]
                .iter()
                .filter(|s| !s.terminal && Some(&s.key) != to.as_ref())
                .map(|s| s.key.clone())
                .collect();
            if from.is_empty() {
                self.file.push(
                    any_at,
                    ProblemCode::Inconsistent,
                    format!("{what_zh}：from = \"*\" 没有匹配任何阶段"),
                    format!("{what_en}: from = \"*\" matches no stage"),
                );
            }
        } else {
            for r in &raw.from {
                if let Some(k) = self.stage_ref(r, stages, (&what_zh, &what_en)) {
                    if stages.iter().any(|s| s.key == k && s.terminal) {
                        self.file.push(
                            r.1,
                            ProblemCode::Inconsistent,
                            format!("{what_zh}从终止阶段 \"{k}\" 出发，终止阶段不能再流转"),
                            format!("{what_en} leaves the terminal stage \"{k}\"; nothing leaves a terminal stage"),
                        );
                    }
                    if !from.contains(&k) {
                        from.push(k);
                    }
                }
            }
        }
        if raw.on_expiry {
            for k in &from {
                if stages.iter().any(|s| &s.key == k && s.valid_for.is_none()) {
                    self.file.push(
                        raw.at,
                        ProblemCode::Inconsistent,
                        format!("{what_zh} 标记为 on_expiry，但阶段 \"{k}\" 没有 valid_for"),
                        format!("{what_en} is on_expiry but the stage \"{k}\" has no valid_for"),
                    );
                }
            }
        }
        Some(Transition {
            from,
            to: to?,
            label: raw.label,
            roles: raw.roles,
            guards: raw.guards,
            on_expiry: raw.on_expiry,
            line,
        })
    }

    fn duplicates(&mut self, transitions: &[Transition]) {
        let mut seen: BTreeMap<(StageKey, StageKey), usize> = BTreeMap::new();
        for t in transitions {
            for f in &t.from {
                let pair = (f.clone(), t.to.clone());
                match seen.get(&pair) {
                    Some(first) => {
                        let first = *first;
                        let to = &t.to;
                        let line = t.line;
                        self.file.push_on_line(
                            line,
                            ProblemCode::DuplicateTransition,
                            format!("从 \"{f}\" 到 \"{to}\" 的流转重复（第 {first} 行已定义）"),
                            format!("the move from \"{f}\" to \"{to}\" is defined twice (first on line {first})"),
                        );
                    }
                    None => {
                        seen.insert(pair, t.line);
                    }
                }
            }
        }
    }

    fn reachability(&mut self, start: &StageKey, stages: &[Stage], transitions: &[Transition]) {
        let mut reached: BTreeSet<&StageKey> = BTreeSet::from([start]);
        let mut queue = VecDeque::from([start]);
        while let Some(s) = queue.pop_front() {
            for t in transitions.iter().filter(|t| t.from.contains(s)) {
                if reached.insert(&t.to) {
                    queue.push_back(&t.to);
                }
            }
        }
        for s in stages {
            if !reached.contains(&s.key) {
                let k = &s.key;
                self.file.push_on_line(
                    s.line,
                    ProblemCode::UnreachableStage,
                    format!("阶段 \"{k}\" 无法从起始阶段 \"{start}\" 到达"),
                    format!("stage \"{k}\" cannot be reached from the start stage \"{start}\""),
                );
            }
        }
    }
}
