//! Tracks: versioned workflow definitions written as TOML (see `docs/tracks.md`).
//!
//! A [`Track`] is data, not code: its stages, the transitions between them with their guards,
//! the task templates that entering a stage instantiates, and the batch policy. [`Track::parse`]
//! validates a file completely and refuses it with every problem listed at once
//! ([`TrackErrors`]); a parsed `Track` is therefore internally consistent: every stage a
//! transition names exists, every stage is reachable from the start, and every guard, task kind
//! and duration is well formed.

mod parse;

use chrono::{Months, NaiveDate};
use peiyu_domain::{RegisterKind, Role, StageKey, Text, TrackKey};
use sha2::{Digest, Sha256};

pub use crate::rule_file::ProblemCode;

use crate::batch_policy::BatchPolicy;
use crate::guard::{Guard, KindPattern};
use crate::rule_file::{RuleFileErrors, RuleFileProblem};
use crate::template::{TaskTemplate, TemplateOrigin};

/// One problem in a track file, at a 1-based line.
pub type TrackProblem = RuleFileProblem;

/// Every problem found in a track file, sorted by line; never empty. Shown as `the track is
/// invalid (N problems):` then one `line N: …` per problem.
pub type TrackErrors = RuleFileErrors;

/// A validated track definition together with the exact text it was parsed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Track {
    key: TrackKey,
    version: Option<String>,
    label: Text,
    start: StageKey,
    stages: Vec<Stage>,
    transitions: Vec<Transition>,
    policy: BatchPolicy,
    text: String,
}

/// One stage of a track.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// The stage's key, unique within the track.
    pub key: StageKey,
    /// What officers call it, in both languages.
    pub label: Text,
    /// Whether the cultivation ends here: no transition leaves a terminal stage.
    pub terminal: bool,
    /// For a certified stage: how long the certification is valid from the day it is entered.
    pub valid_for: Option<Period>,
    /// For a certified stage: the re-review task created ahead of expiry.
    pub review: Option<ReviewRule>,
    /// The tasks created when the stage is entered, in file order.
    pub tasks: Vec<TaskTemplate>,
    /// Which open tasks entering the stage closes.
    pub close: Vec<CloseRule>,
    /// What entering the stage does to the enterprise's statistical register status (the
    /// `register` or `register_exit` key): enter a register in the move's month, or leave it.
    pub register: Option<RegisterEffect>,
    /// The 1-based line of the stage's `[[stage]]` header.
    pub line: usize,
}

/// What entering a stage does to the statistical register (规上/限上 在库).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterEffect {
    /// The enterprise enters this register in the move's effective month (`register = "…"`).
    Enter(RegisterKind),
    /// The enterprise leaves this register in the move's effective month (`register_exit = "…"`).
    Exit(RegisterKind),
}

/// A move a cultivation may make from one stage to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The stages the move may start from (a `"*"` in the file is expanded here).
    pub from: Vec<StageKey>,
    /// The stage the move leads to.
    pub to: StageKey,
    /// The move's own name (e.g. 退回补正 / returned for correction), when it has one; otherwise
    /// it is named after the target stage (see [`Track::move_label`]).
    pub label: Option<Text>,
    /// The roles allowed to take the move at all (never overridable). Never contains
    /// [`Role::Leader`], who only reads.
    pub roles: Vec<Role>,
    /// The guards, in file order; a `reason_required = true` shorthand and `on_expiry` appear
    /// here as [`Guard::ReasonRequired`] and [`Guard::StageExpired`].
    pub guards: Vec<Guard>,
    /// Whether the move is the lapse taken when the current stage's certification expires.
    pub on_expiry: bool,
    /// The 1-based line of the transition's `[[transition]]` header.
    pub line: usize,
}

/// How a certified stage's re-review task is made: due `before` its expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRule {
    /// How long before the expiry date the re-review task is due.
    pub before: Period,
    /// The template of the task (its due rule is unused: the due date is expiry − `before`).
    pub task: TaskTemplate,
}

/// A length of time written as `90d`, `6m` or `3y` in a track file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// N calendar days.
    Days(u32),
    /// N calendar months.
    Months(u32),
    /// N years.
    Years(u32),
}

impl Period {
    /// Reads `Nd`, `Nm` or `Ny` with N from 1 to 9999 (no spaces, lowercase unit).
    pub fn parse(s: &str) -> Option<Period> {
        let unit = s.chars().last()?;
        let digits = &s[..s.len() - unit.len_utf8()];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 4 {
            return None;
        }
        let n: u32 = digits.parse().ok()?;
        if n == 0 {
            return None;
        }
        match unit {
            'd' => Some(Period::Days(n)),
            'm' => Some(Period::Months(n)),
            'y' => Some(Period::Years(n)),
            _ => None,
        }
    }

    /// `date` plus this period; a month-end overflow clamps to the month's last day (2024-02-29
    /// plus 1y is 2025-02-28). `None` beyond chrono's range.
    pub fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Period::Days(n) => date.checked_add_days(chrono::Days::new(u64::from(n))),
            Period::Months(n) => date.checked_add_months(Months::new(n)),
            Period::Years(n) => date.checked_add_months(Months::new(n.checked_mul(12)?)),
        }
    }

    /// `date` minus this period, clamping like [`Period::after`]. `None` beyond chrono's range.
    pub fn before(self, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Period::Days(n) => date.checked_sub_days(chrono::Days::new(u64::from(n))),
            Period::Months(n) => date.checked_sub_months(Months::new(n)),
            Period::Years(n) => date.checked_sub_months(Months::new(n.checked_mul(12)?)),
        }
    }

    /// A rough length in days (a month is 30, a year 365), only for comparing periods while
    /// validating a track.
    pub fn approx_days(self) -> u64 {
        match self {
            Period::Days(n) => u64::from(n),
            Period::Months(n) => u64::from(n) * 30,
            Period::Years(n) => u64::from(n) * 365,
        }
    }

    /// The period as written in a track file: `90d`, `6m`, `3y`.
    pub fn key(self) -> String {
        match self {
            Period::Days(n) => format!("{n}d"),
            Period::Months(n) => format!("{n}m"),
            Period::Years(n) => format!("{n}y"),
        }
    }

    /// The period in words: zh `3年`/`6个月`/`90天`, en `3 years`/`6 months`/`90 days`.
    pub fn label(self) -> Text {
        let plural = |n: u32, word: &str| {
            if n == 1 {
                format!("1 {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        match self {
            Period::Days(n) => Text::new(format!("{n}天"), plural(n, "day")),
            Period::Months(n) => Text::new(format!("{n}个月"), plural(n, "month")),
            Period::Years(n) => Text::new(format!("{n}年"), plural(n, "year")),
        }
    }
}

/// Which open tasks entering a stage closes (they are cancelled: no longer needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloseRule {
    /// Every open task created while the cultivation was in the stage being left.
    PreviousStage,
    /// Every open task of the cultivation.
    All,
    /// Every open task of matching kind.
    Kind(KindPattern),
}

impl Track {
    /// Parses and validates a track file. On failure returns every problem found, each with
    /// its 1-based line, sorted by line.
    pub fn parse(text: &str) -> Result<Track, TrackErrors> {
        parse::parse(text)
    }

    /// The track's key, e.g. `industrial`.
    pub fn key(&self) -> &TrackKey {
        &self.key
    }

    /// The optional human version label from the file (the real version is
    /// [`Track::content_hash`]).
    pub fn version_label(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The track's name in both languages.
    pub fn label(&self) -> &Text {
        &self.label
    }

    /// The stage a new cultivation starts in.
    pub fn start(&self) -> &Stage {
        // Validation guarantees the start stage exists; fall back to the first stage anyway.
        self.stage(&self.start).unwrap_or(&self.stages[0])
    }

    /// The stages in file order (never empty).
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The stage with this key.
    pub fn stage(&self, key: &StageKey) -> Option<&Stage> {
        self.stages.iter().find(|s| &s.key == key)
    }

    /// The transitions in file order.
    pub fn transitions(&self) -> &[Transition] {
        &self.transitions
    }

    /// The transitions that may start from `from`, in file order.
    pub fn transitions_from(&self, from: &StageKey) -> impl Iterator<Item = &Transition> {
        let from = from.clone();
        self.transitions
            .iter()
            .filter(move |t| t.from.contains(&from))
    }

    /// The transition from `from` to `to`, if the track has one (at most one exists).
    pub fn transition(&self, from: &StageKey, to: &StageKey) -> Option<&Transition> {
        self.transitions_from(from).find(|t| &t.to == to)
    }

    /// The name of a move: the transition's own label, else the target stage's label.
    pub fn move_label(&self, transition: &Transition) -> Text {
        transition
            .label
            .clone()
            .or_else(|| self.stage(&transition.to).map(|s| s.label.clone()))
            .unwrap_or_else(|| Text::new(transition.to.as_str(), transition.to.as_str()))
    }

    /// The batch policy the track's deadlines follow: the default policy with the track's
    /// `[policy]` section applied ([`BatchPolicy::with_priority`]; without one, batches 1 and 2
    /// are the priority batches and factor guarantees keep their templates' deadlines).
    pub fn policy(&self) -> &BatchPolicy {
        &self.policy
    }

    /// The exact text the track was parsed from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The track's version: the SHA-256 of its exact text, as 64 lowercase hex digits. Any
    /// change to the file, even a comment, is a new version.
    pub fn content_hash(&self) -> String {
        hex::encode(Sha256::digest(self.text.as_bytes()))
    }

    /// Every task template of the track with where it comes from, for listings.
    pub fn templates(&self) -> impl Iterator<Item = (&Stage, &TaskTemplate, TemplateOrigin)> {
        self.stages.iter().flat_map(|s| {
            s.tasks
                .iter()
                .map(move |t| (s, t, TemplateOrigin::OnEnter))
                .chain(
                    s.review
                        .iter()
                        .map(move |r| (s, &r.task, TemplateOrigin::Review)),
                )
        })
    }
}

/// A track file shipped inside peiyu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShippedTrack {
    /// The file's name, e.g. `industrial.toml`.
    pub file_name: &'static str,
    /// The file's text, as embedded at build time.
    pub text: &'static str,
}

/// The track files shipped with peiyu, in a stable order: industrial, commerce, technology.
pub const SHIPPED: [ShippedTrack; 3] = [
    ShippedTrack {
        file_name: "industrial.toml",
        text: include_str!("../../tracks/industrial.toml"),
    },
    ShippedTrack {
        file_name: "commerce.toml",
        text: include_str!("../../tracks/commerce.toml"),
    },
    ShippedTrack {
        file_name: "technology.toml",
        text: include_str!("../../tracks/technology.toml"),
    },
];

/// The shipped tracks, parsed, in the order of [`SHIPPED`]. Tests hold that they all validate;
/// the error names the file whose problems it lists.
pub fn shipped_tracks() -> Result<Vec<Track>, (&'static str, TrackErrors)> {
    SHIPPED
        .iter()
        .map(|s| Track::parse(s.text).map_err(|e| (s.file_name, e)))
        .collect()
}

#[cfg(test)]
mod tests;
