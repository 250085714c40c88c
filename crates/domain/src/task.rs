//! Tasks: what kind of work an officer owes an enterprise, and whether it is still open.

use std::fmt;
use std::str::FromStr;

use crate::i18n::{Lang, Localize, Text};

/// A production factor (要素) whose supply the bureau helps guarantee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactorCategory {
    /// 用地: construction land.
    Land,
    /// 用林: forest land.
    Forest,
    /// 用能: energy-use quota.
    Energy,
    /// 用工: labour.
    Labour,
    /// 用水: water.
    Water,
    /// 用电: electricity.
    Power,
    /// 运输: transport and logistics.
    Transport,
    /// 资金: finance and loans.
    Finance,
    /// 许可: permits and approvals.
    Permit,
}

/// A text that names no factor category.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactorCategoryError {
    /// Not a category key or Chinese name.
    #[error(
        "unknown factor category \"{input}\": expected land, forest, energy, labour, water, \
         power, transport, finance or permit"
    )]
    Unknown {
        /// The text as given.
        input: String,
    },
}

impl Localize for FactorCategoryError {
    fn localize(&self, _lang: Lang) -> Text {
        match self {
            FactorCategoryError::Unknown { input } => Text::new(
                format!(
                    "未知的要素类别 \"{input}\"：应为 用地、用林、用能、用工、用水、用电、运输、资金 或 许可"
                ),
                self.to_string(),
            ),
        }
    }
}

impl FactorCategory {
    /// Every category, in the order forms list them.
    pub const ALL: [FactorCategory; 9] = [
        FactorCategory::Land,
        FactorCategory::Forest,
        FactorCategory::Energy,
        FactorCategory::Labour,
        FactorCategory::Water,
        FactorCategory::Power,
        FactorCategory::Transport,
        FactorCategory::Finance,
        FactorCategory::Permit,
    ];

    /// The stable lowercase key: `land`, `forest`, `energy`, `labour`, `water`, `power`,
    /// `transport`, `finance`, `permit`.
    pub fn key(self) -> &'static str {
        match self {
            FactorCategory::Land => "land",
            FactorCategory::Forest => "forest",
            FactorCategory::Energy => "energy",
            FactorCategory::Labour => "labour",
            FactorCategory::Water => "water",
            FactorCategory::Power => "power",
            FactorCategory::Transport => "transport",
            FactorCategory::Finance => "finance",
            FactorCategory::Permit => "permit",
        }
    }

    /// The short Chinese name: 用地, 用林, 用能, 用工, 用水, 用电, 运输, 资金, 许可.
    pub fn short_zh(self) -> &'static str {
        match self {
            FactorCategory::Land => "用地",
            FactorCategory::Forest => "用林",
            FactorCategory::Energy => "用能",
            FactorCategory::Labour => "用工",
            FactorCategory::Water => "用水",
            FactorCategory::Power => "用电",
            FactorCategory::Transport => "运输",
            FactorCategory::Finance => "资金",
            FactorCategory::Permit => "许可",
        }
    }

    /// Reads a key (any ASCII case), a short Chinese name (用地 …) or a Chinese label
    /// (用地保障 …).
    pub fn parse(s: &str) -> Result<FactorCategory, FactorCategoryError> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        FactorCategory::ALL
            .into_iter()
            .find(|c| lower == c.key() || t == c.short_zh() || t == c.label(Lang::Zh))
            .ok_or_else(|| FactorCategoryError::Unknown {
                input: s.to_owned(),
            })
    }

    /// The name to show: zh 用地保障, 用林保障, 用能保障, 用工保障, 用水保障, 用电保障,
    /// 运输保障, 资金保障, 许可办理; en land, forest land, energy use, labour, water, power,
    /// transport, finance, permits.
    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => match self {
                FactorCategory::Land => "用地保障",
                FactorCategory::Forest => "用林保障",
                FactorCategory::Energy => "用能保障",
                FactorCategory::Labour => "用工保障",
                FactorCategory::Water => "用水保障",
                FactorCategory::Power => "用电保障",
                FactorCategory::Transport => "运输保障",
                FactorCategory::Finance => "资金保障",
                FactorCategory::Permit => "许可办理",
            },
            Lang::En => match self {
                FactorCategory::Land => "land",
                FactorCategory::Forest => "forest land",
                FactorCategory::Energy => "energy use",
                FactorCategory::Labour => "labour",
                FactorCategory::Water => "water",
                FactorCategory::Power => "power",
                FactorCategory::Transport => "transport",
                FactorCategory::Finance => "finance",
                FactorCategory::Permit => "permits",
            },
        }
    }
}

impl fmt::Display for FactorCategory {
    /// Prints [`FactorCategory::key`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for FactorCategory {
    type Err = FactorCategoryError;

    /// Same as [`FactorCategory::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FactorCategory::parse(s)
    }
}

/// What a task asks the officer to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaskKind {
    /// 走访: visit the enterprise.
    Visit,
    /// 要素保障: secure a production factor.
    FactorGuarantee(FactorCategory),
    /// 申报: file an application (e.g. to enter the statistics).
    Application,
    /// 材料: collect or prepare a document.
    Document,
    /// 检查问题整改: follow up a finding of an inspection.
    InspectionFinding,
    /// 统计报表: a statistics report is due.
    StatisticsReport,
    /// 督办: a lead or leader follows up another officer's overdue task (created by escalation,
    /// closed when the original is done).
    Supervision,
    /// 其他: anything else, described by the task's title.
    Custom,
}

/// A text that names no task kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskKindError {
    /// Not a task kind key.
    #[error(
        "unknown task kind \"{input}\": expected visit, factor_guarantee:<category>, application, \
         document, inspection_finding, statistics_report, supervision or custom"
    )]
    Unknown {
        /// The text as given.
        input: String,
    },
    /// `factor_guarantee` without a category.
    #[error(
        "the task kind \"{input}\" needs a factor category, e.g. factor_guarantee:land; \
         categories: land, forest, energy, labour, water, power, transport, finance, permit"
    )]
    MissingCategory {
        /// The text as given.
        input: String,
    },
    /// `factor_guarantee:` followed by something that is not a category.
    #[error(
        "unknown factor category \"{category}\" in the task kind \"{input}\": expected land, \
         forest, energy, labour, water, power, transport, finance or permit"
    )]
    UnknownCategory {
        /// The text as given.
        input: String,
        /// The part after the colon.
        category: String,
    },
}

impl Localize for TaskKindError {
    fn localize(&self, _lang: Lang) -> Text {
        const CATEGORIES: &str =
            "land、forest、energy、labour、water、power、transport、finance、permit";
        let zh = match self {
            TaskKindError::Unknown { input } => format!(
                "未知的任务类型 \"{input}\"：应为 visit、factor_guarantee:<类别>、application、document、inspection_finding、statistics_report、supervision 或 custom"
            ),
            TaskKindError::MissingCategory { input } => format!(
                "任务类型 \"{input}\" 缺少要素类别，如 factor_guarantee:land；类别有 {CATEGORIES}"
            ),
            TaskKindError::UnknownCategory { input, category } => {
                format!("任务类型 \"{input}\" 中的要素类别 \"{category}\" 未知；应为 {CATEGORIES}")
            }
        };
        Text::new(zh, self.to_string())
    }
}

impl TaskKind {
    /// The key of the kind without its category: `visit`, `factor_guarantee`, `application`,
    /// `document`, `inspection_finding`, `statistics_report`, `custom`.
    pub fn kind_key(&self) -> &'static str {
        match self {
            TaskKind::Visit => "visit",
            TaskKind::FactorGuarantee(_) => "factor_guarantee",
            TaskKind::Application => "application",
            TaskKind::Document => "document",
            TaskKind::InspectionFinding => "inspection_finding",
            TaskKind::StatisticsReport => "statistics_report",
            TaskKind::Supervision => "supervision",
            TaskKind::Custom => "custom",
        }
    }

    /// The full stable key: [`TaskKind::kind_key`], plus `:<category>` for a factor guarantee,
    /// e.g. `factor_guarantee:land`. [`TaskKind::parse`] reads it back.
    pub fn key(&self) -> String {
        match self {
            TaskKind::FactorGuarantee(c) => format!("factor_guarantee:{}", c.key()),
            other => other.kind_key().to_owned(),
        }
    }

    /// The inverse of [`TaskKind::key`] (ASCII case and whitespace around the parts ignored);
    /// `factor_guarantee` alone is [`TaskKindError::MissingCategory`].
    pub fn parse(s: &str) -> Result<TaskKind, TaskKindError> {
        let t = s.trim().to_ascii_lowercase();
        let (kind, category) = match t.split_once(':') {
            Some((k, c)) => (k.trim(), Some(c.trim())),
            None => (t.as_str(), None),
        };
        let simple = match kind {
            "visit" => Some(TaskKind::Visit),
            "application" => Some(TaskKind::Application),
            "document" => Some(TaskKind::Document),
            "inspection_finding" => Some(TaskKind::InspectionFinding),
            "statistics_report" => Some(TaskKind::StatisticsReport),
            "supervision" => Some(TaskKind::Supervision),
            "custom" => Some(TaskKind::Custom),
            _ => None,
        };
        match (kind, category, simple) {
            (_, None, Some(k)) => Ok(k),
            ("factor_guarantee", None | Some(""), _) => Err(TaskKindError::MissingCategory {
                input: s.to_owned(),
            }),
            ("factor_guarantee", Some(c), _) => FactorCategory::parse(c)
                .map(TaskKind::FactorGuarantee)
                .map_err(|_| TaskKindError::UnknownCategory {
                    input: s.to_owned(),
                    category: c.to_owned(),
                }),
            _ => Err(TaskKindError::Unknown {
                input: s.to_owned(),
            }),
        }
    }

    /// The name to show, e.g. zh 走访 / 要素保障：用地保障, en visit / factor guarantee: land.
    pub fn label(&self, lang: Lang) -> String {
        let simple = match (self, lang) {
            (TaskKind::FactorGuarantee(c), Lang::Zh) => {
                return format!("要素保障：{}", c.label(lang));
            }
            (TaskKind::FactorGuarantee(c), Lang::En) => {
                return format!("factor guarantee: {}", c.label(lang));
            }
            (TaskKind::Visit, Lang::Zh) => "走访",
            (TaskKind::Visit, Lang::En) => "visit",
            (TaskKind::Application, Lang::Zh) => "申报",
            (TaskKind::Application, Lang::En) => "application",
            (TaskKind::Document, Lang::Zh) => "材料",
            (TaskKind::Document, Lang::En) => "document",
            (TaskKind::InspectionFinding, Lang::Zh) => "检查问题整改",
            (TaskKind::InspectionFinding, Lang::En) => "inspection finding",
            (TaskKind::StatisticsReport, Lang::Zh) => "统计报表",
            (TaskKind::StatisticsReport, Lang::En) => "statistics report",
            (TaskKind::Supervision, Lang::Zh) => "督办",
            (TaskKind::Supervision, Lang::En) => "supervision",
            (TaskKind::Custom, Lang::Zh) => "其他",
            (TaskKind::Custom, Lang::En) => "other",
        };
        simple.to_owned()
    }
}

impl fmt::Display for TaskKind {
    /// Prints [`TaskKind::key`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

impl FromStr for TaskKind {
    type Err = TaskKindError;

    /// Same as [`TaskKind::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TaskKind::parse(s)
    }
}

/// Where a task stands. Only open tasks appear as due or overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaskStatus {
    /// Still to do.
    Open,
    /// Done.
    Done,
    /// No longer needed.
    Cancelled,
}

/// A text that names no task status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskStatusError {
    /// Not a status key or Chinese name.
    #[error("unknown task status \"{input}\": expected open, done or cancelled")]
    Unknown {
        /// The text as given.
        input: String,
    },
}

impl Localize for TaskStatusError {
    fn localize(&self, _lang: Lang) -> Text {
        match self {
            TaskStatusError::Unknown { input } => Text::new(
                format!("未知的任务状态 \"{input}\"：应为 未完成、已完成 或 已取消"),
                self.to_string(),
            ),
        }
    }
}

impl TaskStatus {
    /// Every status.
    pub const ALL: [TaskStatus; 3] = [TaskStatus::Open, TaskStatus::Done, TaskStatus::Cancelled];

    /// The stable key: `open`, `done`, `cancelled`.
    pub fn key(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Done => "done",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    /// Reads a key (any ASCII case; also `canceled`) or a Chinese label (未完成, 已完成,
    /// 已取消, also 待办, 完成, 取消).
    pub fn parse(s: &str) -> Result<TaskStatus, TaskStatusError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "open" | "未完成" | "待办" => Ok(TaskStatus::Open),
            "done" | "已完成" | "完成" => Ok(TaskStatus::Done),
            "cancelled" | "canceled" | "已取消" | "取消" => Ok(TaskStatus::Cancelled),
            _ => Err(TaskStatusError::Unknown {
                input: s.to_owned(),
            }),
        }
    }

    /// The name to show: zh 未完成 / 已完成 / 已取消, en open / done / cancelled.
    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => match self {
                TaskStatus::Open => "未完成",
                TaskStatus::Done => "已完成",
                TaskStatus::Cancelled => "已取消",
            },
            Lang::En => self.key(),
        }
    }

    /// Whether the task still needs doing.
    pub fn is_open(self) -> bool {
        self == TaskStatus::Open
    }
}

impl fmt::Display for TaskStatus {
    /// Prints [`TaskStatus::key`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for TaskStatus {
    type Err = TaskStatusError;

    /// Same as [`TaskStatus::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TaskStatus::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_kinds() -> Vec<TaskKind> {
        let mut kinds = vec![
            TaskKind::Visit,
            TaskKind::Application,
            TaskKind::Document,
            TaskKind::InspectionFinding,
            TaskKind::StatisticsReport,
            TaskKind::Custom,
        ];
        kinds.extend(FactorCategory::ALL.map(TaskKind::FactorGuarantee));
        kinds
    }

    #[test]
    fn categories_round_trip() {
        for c in FactorCategory::ALL {
            assert_eq!(FactorCategory::parse(c.key()), Ok(c));
            assert_eq!(FactorCategory::parse(c.short_zh()), Ok(c));
            assert_eq!(FactorCategory::parse(c.label(Lang::Zh)), Ok(c));
            assert_eq!(c.to_string().parse::<FactorCategory>(), Ok(c));
        }
        assert_eq!(FactorCategory::parse("用地"), Ok(FactorCategory::Land));
        assert_eq!(FactorCategory::parse("用地保障"), Ok(FactorCategory::Land));
        assert_eq!(FactorCategory::Land.label(Lang::Zh), "用地保障");
        let err = FactorCategory::parse("用海").unwrap_err();
        assert_eq!(err.localize(Lang::En).en(), err.to_string());
        assert!(err.localize(Lang::Zh).zh().contains("用海"));
    }

    #[test]
    fn kind_keys() {
        assert_eq!(TaskKind::Visit.key(), "visit");
        assert_eq!(
            TaskKind::FactorGuarantee(FactorCategory::Land).key(),
            "factor_guarantee:land"
        );
        assert_eq!(
            TaskKind::FactorGuarantee(FactorCategory::Permit).kind_key(),
            "factor_guarantee"
        );
        assert_eq!(TaskKind::InspectionFinding.key(), "inspection_finding");
        assert_eq!(TaskKind::StatisticsReport.key(), "statistics_report");
    }

    #[test]
    fn kinds_round_trip() {
        for k in all_kinds() {
            assert_eq!(TaskKind::parse(&k.key()), Ok(k));
            assert_eq!(k.to_string().parse::<TaskKind>(), Ok(k));
            assert!(!k.label(Lang::Zh).is_empty());
            assert!(!k.label(Lang::En).is_empty());
        }
        assert_eq!(
            TaskKind::parse(" Factor_Guarantee : Energy "),
            Ok(TaskKind::FactorGuarantee(FactorCategory::Energy))
        );
    }

    #[test]
    fn factor_guarantee_needs_a_category() {
        for input in ["factor_guarantee", "factor_guarantee:"] {
            let err = TaskKind::parse(input).unwrap_err();
            assert_eq!(
                err,
                TaskKindError::MissingCategory {
                    input: input.into()
                }
            );
            assert!(err.to_string().contains("land, forest, energy"));
            assert!(err.localize(Lang::Zh).zh().contains("缺少要素类别"));
        }
        assert_eq!(
            TaskKind::parse("factor_guarantee:sea"),
            Err(TaskKindError::UnknownCategory {
                input: "factor_guarantee:sea".into(),
                category: "sea".into()
            })
        );
        assert_eq!(
            TaskKind::parse("visit:land"),
            Err(TaskKindError::Unknown {
                input: "visit:land".into()
            })
        );
        assert!(matches!(
            TaskKind::parse(""),
            Err(TaskKindError::Unknown { .. })
        ));
    }

    #[test]
    fn kind_labels() {
        let land = TaskKind::FactorGuarantee(FactorCategory::Land);
        assert_eq!(land.label(Lang::Zh), "要素保障：用地保障");
        assert_eq!(land.label(Lang::En), "factor guarantee: land");
        assert_eq!(TaskKind::Visit.label(Lang::Zh), "走访");
    }

    #[test]
    fn statuses() {
        for s in TaskStatus::ALL {
            assert_eq!(TaskStatus::parse(s.key()), Ok(s));
            assert_eq!(TaskStatus::parse(s.label(Lang::Zh)), Ok(s));
            assert_eq!(s.to_string().parse::<TaskStatus>(), Ok(s));
        }
        assert!(TaskStatus::Open.is_open());
        assert!(!TaskStatus::Done.is_open());
        assert!(!TaskStatus::Cancelled.is_open());
        assert_eq!(TaskStatus::parse("canceled"), Ok(TaskStatus::Cancelled));
        let err = TaskStatus::parse("pending").unwrap_err();
        assert_eq!(err.localize(Lang::En).en(), err.to_string());
    }
}

/// How a task's due date was counted on the working-day calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DueCount {
    /// The `days`th working day after `from` (a template's "within N working days", a lead's
    /// follow-up, `--due-in`).
    WorkingDays {
        /// The day counting starts from (it does not count itself).
        from: chrono::NaiveDate,
        /// How many working days.
        days: u32,
    },
    /// The first working day on or after this date: a calendar-day deadline (月后5日, end of
    /// month) moved off a day off.
    RolledFrom(chrono::NaiveDate),
}

/// Work for an officer about an enterprise: what, for whom, by when, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Its id.
    pub id: crate::officer::TaskId,
    /// The enterprise it is about, if any.
    pub enterprise: Option<crate::officer::EnterpriseId>,
    /// The cultivation whose stage created it, if any.
    pub cultivation: Option<crate::officer::CultivationId>,
    /// What kind of work.
    pub kind: TaskKind,
    /// Its title (a template's Chinese title, or what the officer wrote).
    pub title: String,
    /// More detail.
    pub description: Option<String>,
    /// Who must see it done.
    pub assignee: crate::officer::OfficerId,
    /// Who does it on the assignee's behalf (委派), if anyone.
    pub delegate: Option<crate::officer::OfficerId>,
    /// Who created it.
    pub created_by: crate::officer::OfficerId,
    /// Open, done or cancelled.
    pub status: TaskStatus,
    /// The effective date it was created (deadlines count from here).
    pub created_on: chrono::NaiveDate,
    /// When it is due.
    pub due_on: chrono::NaiveDate,
    /// How `due_on` was counted on the working-day calendar, if it was: kept so that the date
    /// can be counted again when the calendar changes (a notice replaces a provisional year).
    /// `None` for a date given as such.
    pub due_count: Option<DueCount>,
    /// When to follow up, separately from the due date.
    pub follow_up_on: Option<chrono::NaiveDate>,
    /// Where it came from: `manual`, `template:<track>/<stage>/<n>`, `recurring:…`.
    pub origin: String,
    /// When it was done — or, for a task a stage move closed as no longer needed, the move's
    /// effective date (the day it ended).
    pub completed_on: Option<chrono::NaiveDate>,
    /// The completion note.
    pub completion_note: Option<String>,
    /// Evidence given on completion.
    pub evidence: Option<String>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
}

/// Where a task came from, in words: its `origin` (`manual`, `import`, `template:<track>/<stage>`,
/// `review:<track>/<stage>`, `escalation:<task id>`) as zh 手工创建 / 导入 / 流程模板（track/stage）
/// / 复核（track/stage）/ 逾期督办, en created by hand / imported / template (…) / review (…) /
/// escalation. An origin it does not know is shown as written.
pub fn origin_label(origin: &str, lang: Lang) -> String {
    let (zh, en, rest) = if origin == "manual" {
        ("手工创建", "created by hand", None)
    } else if origin == "import" {
        ("台账导入", "imported", None)
    } else if let Some(rest) = origin.strip_prefix("template:") {
        ("流程模板", "track template", Some(rest))
    } else if let Some(rest) = origin.strip_prefix("review:") {
        ("到期复核", "re-review", Some(rest))
    } else if origin.starts_with("escalation:") {
        ("逾期督办", "escalation of an overdue task", None)
    } else {
        return origin.to_owned();
    };
    let word = match lang {
        Lang::Zh => zh,
        Lang::En => en,
    };
    match (rest, lang) {
        (Some(r), Lang::Zh) => format!("{word}（{r}）"),
        (Some(r), Lang::En) => format!("{word} ({r})"),
        (None, _) => word.to_owned(),
    }
}

/// A progress note on a task, as the Monday meeting reads it (进展/问题/下步措施): what was done,
/// what stands in the way, what comes next. Notes are kept, never edited; the latest one written
/// on or before a list's day is the task's progress on that list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskNote {
    /// The task it is about.
    pub task: crate::officer::TaskId,
    /// Who wrote it.
    pub author: crate::officer::OfficerId,
    /// The day it speaks of (the effective date: today, or an earlier day when caught up).
    pub written_on: chrono::NaiveDate,
    /// 进展: what was done.
    pub progress: String,
    /// 问题: what stands in the way, if anything.
    pub problem: Option<String>,
    /// 下步措施: what comes next, if said.
    pub next_step: Option<String>,
}

/// The longest text of one part of a note, in characters.
pub const NOTE_MAX_CHARS: usize = 500;

impl TaskNote {
    /// The note in one line for a list's 进展 column: `进展；问题：…；下步：…`
    /// (`…; problem: …; next: …` in English), parts left out when not given.
    pub fn summary(&self, lang: Lang) -> String {
        let mut out = self.progress.clone();
        let (problem, next, sep) = match lang {
            Lang::Zh => ("问题：", "下步：", "；"),
            Lang::En => ("problem: ", "next: ", "; "),
        };
        if let Some(p) = &self.problem {
            out.push_str(&format!("{sep}{problem}{p}"));
        }
        if let Some(n) = &self.next_step {
            out.push_str(&format!("{sep}{next}{n}"));
        }
        out
    }
}

#[cfg(test)]
mod note_tests {
    use super::*;
    use crate::officer::{OfficerId, TaskId};

    #[test]
    fn origins_read_as_words() {
        assert_eq!(origin_label("manual", Lang::Zh), "手工创建");
        assert_eq!(
            origin_label("template:industrial/cultivating", Lang::Zh),
            "流程模板（industrial/cultivating）"
        );
        assert_eq!(
            origin_label("escalation:0189", Lang::En),
            "escalation of an overdue task"
        );
        assert_eq!(origin_label("other", Lang::En), "other");
    }

    #[test]
    fn a_note_reads_as_one_line_in_either_language() {
        let mut note = TaskNote {
            task: TaskId::new(),
            author: OfficerId::new(),
            written_on: chrono::NaiveDate::from_ymd_opt(2023, 7, 3).unwrap(),
            progress: "已走访".into(),
            problem: Some("用地指标未落实".into()),
            next_step: Some("协调自然资源局".into()),
        };
        assert_eq!(
            note.summary(Lang::Zh),
            "已走访；问题：用地指标未落实；下步：协调自然资源局"
        );
        assert_eq!(
            note.summary(Lang::En),
            "已走访; problem: 用地指标未落实; next: 协调自然资源局"
        );
        note.problem = None;
        note.next_step = None;
        assert_eq!(note.summary(Lang::Zh), "已走访");
    }
}
