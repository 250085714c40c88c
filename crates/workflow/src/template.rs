//! Task templates: the tasks a stage creates when it is entered, and how their due dates are
//! computed on the working-day calendar.

use chrono::{Months, NaiveDate};
use peiyu_domain::{DueCount, Lang, Role, TaskKind, Text};

use crate::calendar::{Calendar, CalendarDeadline, CalendarError};

/// Who a task created from a template is assigned to; the service resolves the rule to an
/// officer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssigneeRule {
    /// The enterprise's responsible officer (包联干部). Written `responsible_officer`.
    ResponsibleOfficer,
    /// The lead of the responsible officer's team (专班组长). Written `team_lead`.
    TeamLead,
    /// Someone with this role. Written `role:<role>`, e.g. `role:lead`.
    Role(Role),
}

impl AssigneeRule {
    /// Reads `responsible_officer`, `team_lead` or `role:<officer|lead|leader|admin>`.
    pub fn parse(s: &str) -> Option<AssigneeRule> {
        match s.trim() {
            "responsible_officer" => Some(AssigneeRule::ResponsibleOfficer),
            "team_lead" => Some(AssigneeRule::TeamLead),
            other => other
                .strip_prefix("role:")
                .and_then(|r| Role::parse(r).ok())
                .map(AssigneeRule::Role),
        }
    }

    /// The rule as written in a track file.
    pub fn key(self) -> String {
        match self {
            AssigneeRule::ResponsibleOfficer => "responsible_officer".to_owned(),
            AssigneeRule::TeamLead => "team_lead".to_owned(),
            AssigneeRule::Role(r) => format!("role:{}", r.key()),
        }
    }

    /// The rule in words, e.g. 包联干部 / the responsible officer.
    pub fn label(self, lang: Lang) -> String {
        match (self, lang) {
            (AssigneeRule::ResponsibleOfficer, Lang::Zh) => "包联干部".to_owned(),
            (AssigneeRule::ResponsibleOfficer, Lang::En) => "the responsible officer".to_owned(),
            (AssigneeRule::TeamLead, Lang::Zh) => "专班组长".to_owned(),
            (AssigneeRule::TeamLead, Lang::En) => "the team lead".to_owned(),
            (AssigneeRule::Role(r), Lang::Zh) => r.label(Lang::Zh).to_owned(),
            (AssigneeRule::Role(r), Lang::En) => format!("a {}", r.label(Lang::En)),
        }
    }
}

/// When a task is due, relative to its reference date (the effective date of the move that
/// created it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DueRule {
    /// The Nth working day after the reference date (`working_days = N`).
    WorkingDays(u32),
    /// N calendar days after the reference date (`calendar_days = N`).
    CalendarDays(u32),
    /// Day D of the month after the reference date's month (`day_of_next_month = D`, 月后D日);
    /// a short month clamps to its last day.
    DayOfNextMonth(u32),
    /// The last day of the reference date's month (`end_of_month = true`).
    EndOfMonth,
    /// The last day of the reference date's quarter (`end_of_quarter = true`).
    EndOfQuarter,
}

impl DueRule {
    /// The rule in words, e.g. zh `5个工作日内`, en `within 5 working days`.
    pub fn label(self) -> Text {
        match self {
            DueRule::WorkingDays(n) => {
                Text::new(format!("{n}个工作日内"), format!("within {n} working days"))
            }
            DueRule::CalendarDays(n) => Text::new(format!("{n}日内"), format!("within {n} days")),
            DueRule::DayOfNextMonth(d) => {
                Text::new(format!("次月{d}日前"), format!("by day {d} of next month"))
            }
            DueRule::EndOfMonth => Text::new("当月月底前", "by the end of the month"),
            DueRule::EndOfQuarter => Text::new("当季度末前", "by the end of the quarter"),
        }
    }
}

/// How often a task comes back after its first occurrence (`repeat = "monthly"` …). The
/// service creates the next occurrence from [`Repeat::next_reference`]; planning creates only the
/// first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Repeat {
    /// Every month.
    Monthly,
    /// Every quarter.
    Quarterly,
    /// Every year.
    Yearly,
}

impl Repeat {
    /// Reads `monthly`, `quarterly` or `yearly`.
    pub fn parse(s: &str) -> Option<Repeat> {
        match s {
            "monthly" => Some(Repeat::Monthly),
            "quarterly" => Some(Repeat::Quarterly),
            "yearly" => Some(Repeat::Yearly),
            _ => None,
        }
    }

    /// The next occurrence's reference date: one month, quarter or year after `reference`
    /// (clamped to a short month's last day). `None` beyond chrono's range.
    pub fn next_reference(self, reference: NaiveDate) -> Option<NaiveDate> {
        let months = match self {
            Repeat::Monthly => 1,
            Repeat::Quarterly => 3,
            Repeat::Yearly => 12,
        };
        reference.checked_add_months(Months::new(months))
    }
}

/// A task a stage creates when it is entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskTemplate {
    /// The task's kind.
    pub kind: TaskKind,
    /// Its title.
    pub title: Text,
    /// Who it goes to.
    pub assignee: AssigneeRule,
    /// When it is due.
    pub due: DueRule,
    /// For calendar-day rules: whether a due date on a day off moves to the next working day
    /// (working-day rules always land on a working day).
    pub roll_to_working_day: bool,
    /// The deadline in working days for an enterprise in a priority batch (batch policy); the
    /// earlier of this and the normal due date applies.
    pub priority_working_days: Option<u32>,
    /// Whether the task recurs.
    pub repeat: Option<Repeat>,
    /// The 1-based line of the template in its track file.
    pub line: usize,
}

/// Where a template sits in its stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemplateOrigin {
    /// One of the stage's `[[stage.task]]` templates, created on entering the stage.
    OnEnter,
    /// The stage's `[stage.review]` re-review task, due ahead of expiry.
    Review,
}

/// A task to create, computed from a template: everything but the id and the resolved officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskDraft {
    /// The task's kind.
    pub kind: TaskKind,
    /// Its title.
    pub title: Text,
    /// Who it goes to.
    pub assignee: AssigneeRule,
    /// The reference date the due date was computed from (the move's effective date; for a
    /// re-review task, the expiry date).
    pub reference_on: NaiveDate,
    /// The due date.
    pub due_on: NaiveDate,
    /// How the due date was counted on the calendar, if it was (see [`DueCount`]).
    pub due_count: Option<DueCount>,
    /// Whether the batch policy shortened the deadline.
    pub priority: bool,
    /// Whether and how the task recurs (see [`Repeat::next_reference`]).
    pub repeat: Option<Repeat>,
    /// Whether it was made from an on-enter template or is a re-review task.
    pub origin: TemplateOrigin,
}

impl TaskTemplate {
    /// The due date of a task created on `reference` by the template's own rule, ignoring the
    /// batch policy. Errors when the calendar has no data for a date it must examine.
    pub fn due_on(&self, reference: NaiveDate, cal: &Calendar) -> Result<NaiveDate, CalendarError> {
        let roll = self.roll_to_working_day;
        match self.due {
            DueRule::WorkingDays(n) => cal.add_working_days(reference, n),
            DueRule::CalendarDays(n) => {
                let raw = cal.add_calendar_days(reference, n)?;
                if roll {
                    cal.next_working_day_on_or_after(raw)
                } else {
                    Ok(raw)
                }
            }
            DueRule::DayOfNextMonth(d) => {
                cal.deadline(reference, CalendarDeadline::DayOfNextMonth(d), roll)
            }
            DueRule::EndOfMonth => cal.deadline(reference, CalendarDeadline::EndOfMonth, roll),
            DueRule::EndOfQuarter => cal.deadline(reference, CalendarDeadline::EndOfQuarter, roll),
        }
    }

    /// How the template's rule counts on the calendar from `reference`: working days, or a
    /// calendar-day deadline rolled to a working day (the date it rolls from); `None` when the
    /// rule needs no calendar.
    fn due_count(
        &self,
        reference: NaiveDate,
        cal: &Calendar,
    ) -> Result<Option<DueCount>, CalendarError> {
        let rolled = |raw: NaiveDate| Some(DueCount::RolledFrom(raw));
        Ok(match self.due {
            DueRule::WorkingDays(days) => Some(DueCount::WorkingDays {
                from: reference,
                days,
            }),
            _ if !self.roll_to_working_day => None,
            DueRule::CalendarDays(n) => rolled(cal.add_calendar_days(reference, n)?),
            DueRule::DayOfNextMonth(d) => {
                rolled(cal.deadline(reference, CalendarDeadline::DayOfNextMonth(d), false)?)
            }
            DueRule::EndOfMonth => {
                rolled(cal.deadline(reference, CalendarDeadline::EndOfMonth, false)?)
            }
            DueRule::EndOfQuarter => {
                rolled(cal.deadline(reference, CalendarDeadline::EndOfQuarter, false)?)
            }
        })
    }

    /// The task to create on `reference`: the template's due date, or — when
    /// `priority_working_days` is `Some` (the batch policy applies) — the earlier of that and
    /// the priority deadline. Errors when the calendar lacks data.
    pub fn draft(
        &self,
        reference: NaiveDate,
        priority_working_days: Option<u32>,
        cal: &Calendar,
    ) -> Result<TaskDraft, CalendarError> {
        let normal = self.due_on(reference, cal)?;
        let (due_on, priority, due_count) = match priority_working_days {
            Some(n) => {
                let short = cal.add_working_days(reference, n)?;
                if short < normal {
                    let count = DueCount::WorkingDays {
                        from: reference,
                        days: n,
                    };
                    (short, true, Some(count))
                } else {
                    (normal, false, self.due_count(reference, cal)?)
                }
            }
            None => (normal, false, self.due_count(reference, cal)?),
        };
        Ok(TaskDraft {
            kind: self.kind,
            title: self.title.clone(),
            assignee: self.assignee,
            reference_on: reference,
            due_on,
            due_count,
            priority,
            repeat: self.repeat,
            origin: TemplateOrigin::OnEnter,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use peiyu_domain::FactorCategory;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn template(due: DueRule, roll: bool) -> TaskTemplate {
        TaskTemplate {
            kind: TaskKind::Visit,
            title: Text::new("走访", "visit"),
            assignee: AssigneeRule::ResponsibleOfficer,
            due,
            roll_to_working_day: roll,
            priority_working_days: None,
            repeat: None,
            line: 1,
        }
    }

    fn due(rule: DueRule, roll: bool, from: &str) -> NaiveDate {
        let cal = Calendar::china().unwrap();
        template(rule, roll).due_on(d(from), &cal).unwrap()
    }

    #[test]
    fn working_days_skip_national_day_2023() {
        assert_eq!(
            due(DueRule::WorkingDays(5), false, "2023-09-28"),
            d("2023-10-11")
        );
        // 2023-10-07 and 10-08 are make-up workdays: 1 working day after 10-06 is 10-07.
        assert_eq!(
            due(DueRule::WorkingDays(1), false, "2023-10-06"),
            d("2023-10-07")
        );
    }

    #[test]
    fn working_days_around_spring_festival_2024() {
        // 2024-02-04 (Sunday) is a make-up workday; 02-10..02-17 are off; 02-18 (Sunday) works.
        assert_eq!(
            due(DueRule::WorkingDays(1), false, "2024-02-03"),
            d("2024-02-04")
        );
        assert_eq!(
            due(DueRule::WorkingDays(5), false, "2024-02-07"),
            d("2024-02-20")
        );
    }

    #[test]
    fn day_of_next_month_rolls_to_a_working_day() {
        // 2024-02-05 is a Monday and a working day.
        assert_eq!(
            due(DueRule::DayOfNextMonth(5), true, "2024-01-15"),
            d("2024-02-05")
        );
        // 2024-10-05 is in the National Day holiday; rolled to 10-08.
        assert_eq!(
            due(DueRule::DayOfNextMonth(5), true, "2024-09-20"),
            d("2024-10-08")
        );
        assert_eq!(
            due(DueRule::DayOfNextMonth(5), false, "2024-09-20"),
            d("2024-10-05")
        );
        // 2023-10-05 in the 2023 holiday, rolled to the make-up workday 10-07 (a Saturday).
        assert_eq!(
            due(DueRule::DayOfNextMonth(5), true, "2023-09-12"),
            d("2023-10-07")
        );
    }

    #[test]
    fn calendar_days_month_and_quarter_ends() {
        assert_eq!(
            due(DueRule::CalendarDays(10), false, "2023-09-25"),
            d("2023-10-05")
        );
        assert_eq!(
            due(DueRule::CalendarDays(10), true, "2023-09-25"),
            d("2023-10-07")
        );
        assert_eq!(
            due(DueRule::EndOfMonth, false, "2024-02-10"),
            d("2024-02-29")
        );
        // 2024-06-30 is a Sunday: rolled to Monday 07-01.
        assert_eq!(
            due(DueRule::EndOfQuarter, true, "2024-05-06"),
            d("2024-07-01")
        );
        assert_eq!(
            due(DueRule::EndOfQuarter, false, "2024-05-06"),
            d("2024-06-30")
        );
        // 2023-12-31 is a Sunday; 2024-01-01 is a holiday: rolled to 01-02.
        assert_eq!(
            due(DueRule::EndOfMonth, true, "2023-12-01"),
            d("2024-01-02")
        );
    }

    #[test]
    fn priority_deadline_is_the_earlier_one() {
        let cal = Calendar::china().unwrap();
        let mut t = template(DueRule::WorkingDays(20), false);
        t.kind = TaskKind::FactorGuarantee(FactorCategory::Land);
        let normal = t.draft(d("2023-09-28"), None, &cal).unwrap();
        assert_eq!(normal.due_on, d("2023-11-01"));
        assert!(!normal.priority);
        let short = t.draft(d("2023-09-28"), Some(5), &cal).unwrap();
        assert_eq!(short.due_on, d("2023-10-11"));
        assert!(short.priority);
        let longer = t.draft(d("2023-09-28"), Some(30), &cal).unwrap();
        assert_eq!(longer.due_on, normal.due_on);
        assert!(!longer.priority);
    }

    #[test]
    fn a_provisional_year_counts_and_only_the_range_is_an_error() {
        let cal = Calendar::china().unwrap();
        let t = template(DueRule::WorkingDays(5), false);
        assert_eq!(t.due_on(d("2030-03-01"), &cal), Ok(d("2030-03-08")));
        assert!(matches!(
            t.due_on(d("2100-12-30"), &cal),
            Err(CalendarError::OutOfRange { .. })
        ));
    }

    #[test]
    fn assignee_rules() {
        assert_eq!(
            AssigneeRule::parse("team_lead"),
            Some(AssigneeRule::TeamLead)
        );
        assert_eq!(
            AssigneeRule::parse("role:lead"),
            Some(AssigneeRule::Role(Role::Lead))
        );
        assert_eq!(AssigneeRule::parse("role:boss"), None);
        for r in [
            AssigneeRule::ResponsibleOfficer,
            AssigneeRule::TeamLead,
            AssigneeRule::Role(Role::Admin),
        ] {
            assert_eq!(AssigneeRule::parse(&r.key()), Some(r));
        }
    }

    #[test]
    fn repeats() {
        assert_eq!(
            Repeat::Monthly.next_reference(d("2024-01-31")),
            Some(d("2024-02-29"))
        );
        assert_eq!(
            Repeat::Quarterly.next_reference(d("2024-01-15")),
            Some(d("2024-04-15"))
        );
        assert_eq!(
            Repeat::Yearly.next_reference(d("2024-02-29")),
            Some(d("2025-02-28"))
        );
    }
}
