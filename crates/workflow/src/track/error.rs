//! The problems that make a track file invalid.

use std::fmt;

use peiyu_domain::{Lang, Localize, Text};

/// What kind of problem a [`TrackProblem`] is, for programs and tests; people read
/// [`TrackProblem::message`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemCode {
    /// The text is not valid TOML.
    Syntax,
    /// A required field is absent.
    MissingField,
    /// A field the format does not know (often a typo).
    UnknownField,
    /// A field has the wrong TOML type.
    WrongType,
    /// A label lacks its zh or en text, or the text is empty.
    MissingLabel,
    /// A key does not follow the key rules (lowercase letters, digits, `_`).
    InvalidKey,
    /// Two stages share a key.
    DuplicateStage,
    /// A transition, the start or a `before` names a stage the track does not have.
    UnknownStage,
    /// No sequence of transitions leads from the start to this stage.
    UnreachableStage,
    /// Two transitions connect the same pair of stages.
    DuplicateTransition,
    /// A guard name the engine does not know.
    UnknownGuard,
    /// A task kind (or kind pattern) the engine does not know.
    UnknownTaskKind,
    /// A duration, day count or day of month out of range or malformed.
    BadDuration,
    /// Some other value is not one of those allowed (assignee, role, batch, basis, …).
    BadValue,
    /// A transition leaves a terminal stage, or a rule contradicts another.
    Inconsistent,
}

/// One problem in a track file, at a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackProblem {
    /// The 1-based line the problem is on.
    pub line: usize,
    /// What kind of problem it is.
    pub code: ProblemCode,
    /// The problem explained, in zh and en.
    pub message: Text,
}

impl fmt::Display for TrackProblem {
    /// `line N: <English message>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message.en())
    }
}

/// Every problem found in a track file, sorted by line; never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct TrackErrors {
    /// The problems, sorted by line.
    pub problems: Vec<TrackProblem>,
}

impl fmt::Display for TrackErrors {
    /// `the track is invalid (N problems):` then one `line N: …` per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "the track is invalid ({n} problem{}):",
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl Localize for TrackErrors {
    fn localize(&self, _lang: Lang) -> Text {
        let mut zh = format!("流程定义无效（共 {} 处问题）：", self.problems.len());
        for p in &self.problems {
            zh.push_str(&format!("\n  第 {} 行：{}", p.line, p.message.zh()));
        }
        Text::new(zh, self.to_string())
    }
}
