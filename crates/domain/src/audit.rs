//! Audit actions: what a recorded change did, as the `noun.verb` key stored in the audit log
//! and as words for people.

use std::fmt;
use std::str::FromStr;

use crate::i18n::{Lang, Localize, Text};

/// What one audit entry records: every change peiyu makes is one of these. The stored form is
/// [`AuditAction::key`] (`noun.verb`), which is part of each entry's hashed bytes and so never
/// changes; people are shown [`AuditAction::label`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuditAction {
    /// `officer.add`: an officer was added.
    OfficerAdd,
    /// `officer.password`: an officer's password was set or changed (the entry never holds the
    /// password or its hash).
    OfficerPassword,
    /// `officer.deactivate`: an officer was made inactive, their work handed to successors.
    OfficerDeactivate,
    /// `officer.role`: an officer's role was changed.
    OfficerRole,
    /// `session.start`: an officer logged in to the web pages.
    SessionStart,
    /// `session.end`: an officer logged out of the web pages.
    SessionEnd,
    /// `team.add`: a team (专班) was created.
    TeamAdd,
    /// `team.join`: an officer joined a team.
    TeamJoin,
    /// `team.leave`: an officer left a team (taken off it by an admin or its lead).
    TeamLeave,
    /// `enterprise.add`: an enterprise was put on the books.
    EnterpriseAdd,
    /// `enterprise.edit`: an enterprise's record was changed.
    EnterpriseEdit,
    /// `enterprise.archive`: an enterprise was archived.
    EnterpriseArchive,
    /// `metrics.add`: a month's figures were entered.
    MetricsAdd,
    /// `metrics.edit`: a month's figures were corrected.
    MetricsEdit,
    /// `track.load`: a track (or a new version of it) was loaded.
    TrackLoad,
    /// `case.open`: an enterprise was put on a track.
    CaseOpen,
    /// `case.advance`: a cultivation moved to another stage.
    CaseAdvance,
    /// `case.migrate`: a cultivation moved onto another version of its track.
    CaseMigrate,
    /// `task.create`: a task was created.
    TaskCreate,
    /// `task.import`: a task came in with an imported ledger.
    TaskImport,
    /// `task.assign`: a task was given to an officer.
    TaskAssign,
    /// `task.transfer`: a task was transferred (转办) to another officer.
    TaskTransfer,
    /// `task.delegate`: a task was delegated to another officer.
    TaskDelegate,
    /// `task.undelegate`: a delegation ended; the task is back with its assignee.
    TaskUndelegate,
    /// `task.done`: a task was completed.
    TaskDone,
    /// `task.reopen`: a finished task was opened again.
    TaskReopen,
    /// `task.cancel`: a task was cancelled.
    TaskCancel,
    /// `task.close`: a task no longer needed was closed (by a stage move, or a 督办 whose
    /// original task is done).
    TaskClose,
    /// `task.escalate`: an overdue task was reported to the lead.
    TaskEscalate,
    /// `task.recount`: a task's deadline was counted again on a newly loaded holiday notice.
    TaskRecount,
    /// `task.note`: a progress note (进展/问题/下步措施) was written on a task.
    TaskNote,
    /// `register.enter`: an enterprise entered the statistical register (规上 or 限上 入库).
    RegisterEnter,
    /// `register.exit`: an enterprise left the statistical register (退库).
    RegisterExit,
    /// `batch_list.create`: a year's four-batches list was created.
    BatchListCreate,
    /// `batch_list.publish`: a year's four-batches list was published.
    BatchListPublish,
    /// `batch.assign`: an enterprise was put in a batch.
    BatchAssign,
    /// `batch.move`: an enterprise moved to another batch.
    BatchMove,
    /// `batch.remove`: an enterprise was taken off a list.
    BatchRemove,
    /// `target.set`: a year's target was set.
    TargetSet,
    /// `calendar.load`: a State Council holiday notice was loaded.
    CalendarLoad,
    /// `token.create`: an API token was issued.
    TokenCreate,
    /// `token.revoke`: an API token was revoked.
    TokenRevoke,
    /// `audit.seal`: a day of the audit log was sealed.
    AuditSeal,
}

/// A text that names no audit action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditActionError {
    /// Neither a `noun.verb` key nor a label of an audit action.
    #[error(
        "unknown audit action \"{input}\": expected a key such as enterprise.edit or task.done"
    )]
    Unknown {
        /// The text as given.
        input: String,
    },
}

impl Localize for AuditActionError {
    fn localize(&self, _lang: Lang) -> Text {
        match self {
            AuditActionError::Unknown { input } => Text::new(
                format!("未知的操作 \"{input}\"：应为 enterprise.edit、task.done 这样的操作名"),
                self.to_string(),
            ),
        }
    }
}

impl AuditAction {
    /// Every action, grouped by noun in the order the nouns appear in a county's life.
    pub const ALL: [AuditAction; 43] = [
        AuditAction::OfficerAdd,
        AuditAction::OfficerPassword,
        AuditAction::OfficerDeactivate,
        AuditAction::OfficerRole,
        AuditAction::SessionStart,
        AuditAction::SessionEnd,
        AuditAction::TeamAdd,
        AuditAction::TeamJoin,
        AuditAction::TeamLeave,
        AuditAction::EnterpriseAdd,
        AuditAction::EnterpriseEdit,
        AuditAction::EnterpriseArchive,
        AuditAction::MetricsAdd,
        AuditAction::MetricsEdit,
        AuditAction::TrackLoad,
        AuditAction::CaseOpen,
        AuditAction::CaseAdvance,
        AuditAction::CaseMigrate,
        AuditAction::TaskCreate,
        AuditAction::TaskImport,
        AuditAction::TaskAssign,
        AuditAction::TaskTransfer,
        AuditAction::TaskDelegate,
        AuditAction::TaskUndelegate,
        AuditAction::TaskDone,
        AuditAction::TaskReopen,
        AuditAction::TaskCancel,
        AuditAction::TaskClose,
        AuditAction::TaskEscalate,
        AuditAction::TaskRecount,
        AuditAction::TaskNote,
        AuditAction::RegisterEnter,
        AuditAction::RegisterExit,
        AuditAction::BatchListCreate,
        AuditAction::BatchListPublish,
        AuditAction::BatchAssign,
        AuditAction::BatchMove,
        AuditAction::BatchRemove,
        AuditAction::TargetSet,
        AuditAction::CalendarLoad,
        AuditAction::TokenCreate,
        AuditAction::TokenRevoke,
        AuditAction::AuditSeal,
    ];

    /// The stored key, `noun.verb`: exactly the text in `audit_entries.action` and in each
    /// entry's hashed bytes (`enterprise.edit`, `task.done`, `calendar.load`, …). Never changes.
    pub fn key(self) -> &'static str {
        match self {
            AuditAction::OfficerAdd => "officer.add",
            AuditAction::OfficerPassword => "officer.password",
            AuditAction::OfficerDeactivate => "officer.deactivate",
            AuditAction::OfficerRole => "officer.role",
            AuditAction::SessionStart => "session.start",
            AuditAction::SessionEnd => "session.end",
            AuditAction::TeamAdd => "team.add",
            AuditAction::TeamJoin => "team.join",
            AuditAction::TeamLeave => "team.leave",
            AuditAction::EnterpriseAdd => "enterprise.add",
            AuditAction::EnterpriseEdit => "enterprise.edit",
            AuditAction::EnterpriseArchive => "enterprise.archive",
            AuditAction::MetricsAdd => "metrics.add",
            AuditAction::MetricsEdit => "metrics.edit",
            AuditAction::TrackLoad => "track.load",
            AuditAction::CaseOpen => "case.open",
            AuditAction::CaseAdvance => "case.advance",
            AuditAction::CaseMigrate => "case.migrate",
            AuditAction::TaskCreate => "task.create",
            AuditAction::TaskImport => "task.import",
            AuditAction::TaskAssign => "task.assign",
            AuditAction::TaskTransfer => "task.transfer",
            AuditAction::TaskDelegate => "task.delegate",
            AuditAction::TaskUndelegate => "task.undelegate",
            AuditAction::TaskDone => "task.done",
            AuditAction::TaskReopen => "task.reopen",
            AuditAction::TaskCancel => "task.cancel",
            AuditAction::TaskClose => "task.close",
            AuditAction::TaskEscalate => "task.escalate",
            AuditAction::TaskRecount => "task.recount",
            AuditAction::TaskNote => "task.note",
            AuditAction::RegisterEnter => "register.enter",
            AuditAction::RegisterExit => "register.exit",
            AuditAction::BatchListCreate => "batch_list.create",
            AuditAction::BatchListPublish => "batch_list.publish",
            AuditAction::BatchAssign => "batch.assign",
            AuditAction::BatchMove => "batch.move",
            AuditAction::BatchRemove => "batch.remove",
            AuditAction::TargetSet => "target.set",
            AuditAction::CalendarLoad => "calendar.load",
            AuditAction::TokenCreate => "token.create",
            AuditAction::TokenRevoke => "token.revoke",
            AuditAction::AuditSeal => "audit.seal",
        }
    }

    /// Reads a key (any ASCII case, surrounding whitespace ignored) or a label in either
    /// language.
    pub fn parse(s: &str) -> Result<AuditAction, AuditActionError> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        AuditAction::ALL
            .into_iter()
            .find(|a| {
                lower == a.key()
                    || Lang::ALL
                        .into_iter()
                        .any(|lang| lower == a.label(lang).to_ascii_lowercase())
            })
            .ok_or_else(|| AuditActionError::Unknown {
                input: s.to_owned(),
            })
    }

    /// What people are shown for the action, in `lang` (新建任务 / task created,
    /// 录入节假日安排 / holiday notice loaded, …).
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            AuditAction::OfficerAdd => ("新增干部", "officer added"),
            AuditAction::OfficerPassword => ("设置登录密码", "password set"),
            AuditAction::OfficerDeactivate => ("停用干部", "officer deactivated"),
            AuditAction::OfficerRole => ("调整干部角色", "officer's role changed"),
            AuditAction::SessionStart => ("登录网页", "logged in"),
            AuditAction::SessionEnd => ("退出网页", "logged out"),
            AuditAction::TeamAdd => ("新建专班", "team added"),
            AuditAction::TeamJoin => ("加入专班", "joined a team"),
            AuditAction::TeamLeave => ("退出专班", "left a team"),
            AuditAction::EnterpriseAdd => ("建档", "added to the register"),
            AuditAction::EnterpriseEdit => ("修改档案", "record changed"),
            AuditAction::EnterpriseArchive => ("归档", "archived"),
            AuditAction::MetricsAdd => ("录入月度指标", "monthly figures entered"),
            AuditAction::MetricsEdit => ("修改月度指标", "monthly figures changed"),
            AuditAction::TrackLoad => ("载入培育流程", "track loaded"),
            AuditAction::CaseOpen => ("立案培育", "case opened"),
            AuditAction::CaseAdvance => ("推进阶段", "stage moved"),
            AuditAction::CaseMigrate => ("迁移流程版本", "moved to a newer track version"),
            AuditAction::TaskCreate => ("新建任务", "task created"),
            AuditAction::TaskImport => ("导入任务", "task imported"),
            AuditAction::TaskAssign => ("指派任务", "task assigned"),
            AuditAction::TaskTransfer => ("转交任务", "task transferred"),
            AuditAction::TaskDelegate => ("委派任务", "task delegated"),
            AuditAction::TaskUndelegate => ("收回委派", "delegation withdrawn"),
            AuditAction::TaskDone => ("完成任务", "task done"),
            AuditAction::TaskReopen => ("重新打开任务", "task reopened"),
            AuditAction::TaskCancel => ("取消任务", "task cancelled"),
            AuditAction::TaskClose => ("关闭不再需要的任务", "task closed as no longer needed"),
            AuditAction::TaskEscalate => ("逾期升级督办", "escalated to the lead"),
            AuditAction::TaskRecount => (
                "截止日期随节假日安排调整",
                "due date recounted on the holiday notice",
            ),
            AuditAction::TaskNote => ("记录任务进展", "progress noted"),
            AuditAction::RegisterEnter => ("入库（统计名录）", "entered the statistical register"),
            AuditAction::RegisterExit => ("退库（统计名录）", "left the statistical register"),
            AuditAction::BatchListCreate => ("新建四个一批名单", "four-batches list created"),
            AuditAction::BatchListPublish => ("发布名单", "list published"),
            AuditAction::BatchAssign => ("列入批次", "put on a batch"),
            AuditAction::BatchMove => ("调整批次", "batch changed"),
            AuditAction::BatchRemove => ("移出名单", "taken off the list"),
            AuditAction::TargetSet => ("设定年度目标", "target set"),
            AuditAction::CalendarLoad => ("录入节假日安排", "holiday notice loaded"),
            AuditAction::TokenCreate => ("创建访问令牌", "token created"),
            AuditAction::TokenRevoke => ("吊销访问令牌", "token revoked"),
            AuditAction::AuditSeal => ("审计日封签", "daily audit seal"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The label for a stored key: [`AuditAction::label`] when `key` is an action's key,
    /// otherwise `key` itself (a row written by something other than peiyu is shown as stored).
    pub fn label_of(key: &str, lang: Lang) -> &str {
        match AuditAction::ALL.into_iter().find(|a| a.key() == key) {
            Some(action) => action.label(lang),
            None => key,
        }
    }
}

impl fmt::Display for AuditAction {
    /// Prints [`AuditAction::key`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for AuditAction {
    type Err = AuditActionError;

    /// Same as [`AuditAction::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AuditAction::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_stored_strings() {
        assert_eq!(AuditAction::TaskCreate.key(), "task.create");
        assert_eq!(AuditAction::EnterpriseAdd.key(), "enterprise.add");
        assert_eq!(AuditAction::CalendarLoad.key(), "calendar.load");
        assert_eq!(AuditAction::TaskRecount.key(), "task.recount");
        assert_eq!(AuditAction::TargetSet.key(), "target.set");
        assert_eq!(AuditAction::BatchListPublish.key(), "batch_list.publish");
        assert_eq!(AuditAction::AuditSeal.to_string(), "audit.seal");
    }

    #[test]
    fn every_key_and_label_reads_back_and_is_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.key()), Ok(a));
            assert_eq!(a.key().parse::<AuditAction>(), Ok(a));
            assert!(seen.insert(a.key()), "{a:?}");
            let (noun, verb) = a.key().split_once('.').unwrap();
            assert!(!noun.is_empty() && !verb.is_empty(), "{a:?}");
            for lang in Lang::ALL {
                assert_eq!(AuditAction::parse(a.label(lang)), Ok(a), "{a:?} {lang}");
                assert!(seen.insert(a.label(lang)), "{a:?} {lang}");
                assert_eq!(AuditAction::label_of(a.key(), lang), a.label(lang));
            }
        }
    }

    #[test]
    fn labels_say_what_happened() {
        assert_eq!(AuditAction::TaskCreate.label(Lang::Zh), "新建任务");
        assert_eq!(AuditAction::TaskCreate.label(Lang::En), "task created");
        assert_eq!(AuditAction::CalendarLoad.label(Lang::Zh), "录入节假日安排");
        assert_eq!(
            AuditAction::CalendarLoad.label(Lang::En),
            "holiday notice loaded"
        );
        assert_eq!(
            AuditAction::TaskRecount.label(Lang::Zh),
            "截止日期随节假日安排调整"
        );
        assert_eq!(
            AuditAction::TaskRecount.label(Lang::En),
            "due date recounted on the holiday notice"
        );
    }

    #[test]
    fn unknown_text_is_refused_in_both_languages() {
        let err = AuditAction::parse(" task.fly ").unwrap_err();
        assert!(err.to_string().contains("task.fly"));
        assert!(err.localize(Lang::Zh).get(Lang::Zh).contains("未知的操作"));
        assert_eq!(AuditAction::label_of("task.fly", Lang::Zh), "task.fly");
        assert_eq!(AuditAction::parse("TASK.DONE"), Ok(AuditAction::TaskDone));
    }
}
