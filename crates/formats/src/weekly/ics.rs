//! The iCalendar rendering (RFC 5545): the open tasks as all-day events, for a phone's calendar.

use chrono::{Days, NaiveTime};
use icalendar::{Calendar, Component, Event, EventLike, Property};
use peiyu_domain::Lang;
use peiyu_service::weekly::{WeeklyList, WeeklyTask};

use super::cells::{self, Section, weekday_name};
use crate::tr;

/// The sections whose tasks become events: the open ones.
const OPEN: [Section; 3] = [Section::Overdue, Section::ThisWeek, Section::NextWeek];

/// Renders `list` as an iCalendar file: one all-day `VEVENT` per open task (overdue, due this
/// week, due next week) on its due date (`DTSTART;VALUE=DATE`, `DTEND` the day after), with
/// `UID` `<task id>@peiyu` (stable, so re-importing a later list updates the same events),
/// `SUMMARY` the title and enterprise, `DESCRIPTION` the assignee, delegate, batch, kind, short
/// id and working days overdue, and `CATEGORIES` the section. `DTSTAMP` is the list's day at
/// 00:00 UTC rather than the clock, so the same list gives the same file. Folding and escaping
/// are the icalendar crate's.
pub fn ics(list: &WeeklyList, lang: Lang) -> String {
    let stamp = list.as_of.and_time(NaiveTime::MIN).and_utc();
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new(
            "PRODID",
            tr(
                lang,
                "-//peiyu//weekly list//ZH",
                "-//peiyu//weekly list//EN",
            ),
        ))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .name(&format!("{} {}", cells::title(list, lang), list.week));
    for section in OPEN {
        for task in section.tasks(list) {
            let mut event = Event::new();
            event
                .uid(&format!("{}@peiyu", task.task.id))
                .timestamp(stamp)
                .summary(&summary(task))
                .description(&description(task, section, lang))
                .starts(task.task.due_on)
                .categories([section.heading(lang)]);
            if let Some(next) = task.task.due_on.checked_add_days(Days::new(1)) {
                event.ends(next);
            }
            cal.push(event.done());
        }
    }
    cal.to_string()
}

/// `title · enterprise`, or the title alone.
fn summary(task: &WeeklyTask) -> String {
    match &task.enterprise_name {
        Some(e) => format!("{} · {e}", task.task.title),
        None => task.task.title.clone(),
    }
}

/// `label：value` in Chinese, `label: value` in English.
fn kv(lang: Lang, zh: &str, en: &str, value: &str) -> String {
    match lang {
        Lang::Zh => format!("{zh}：{value}"),
        Lang::En => format!("{en}: {value}"),
    }
}

/// One fact a line: assignee, delegate, batch, USCC, kind, due date, lateness, short id.
fn description(task: &WeeklyTask, section: Section, lang: Lang) -> String {
    let paren = |s: &str| match lang {
        Lang::Zh => format!("（{s}）"),
        Lang::En => format!(" ({s})"),
    };
    let assignee = format!("{}{}", task.assignee_name, paren(&task.assignee_login));
    let mut lines = vec![kv(lang, "负责人", "Assignee", &assignee)];
    if let Some(d) = &task.delegate_name {
        lines.push(kv(lang, "委派给", "Delegated to", d));
    }
    if let Some(b) = task.batch {
        lines.push(kv(lang, "批次", "Batch", &cells::batch_long_label(b, lang)));
    }
    if let Some(uscc) = &task.enterprise_uscc {
        lines.push(kv(lang, "统一社会信用代码", "USCC", uscc));
    }
    lines.push(kv(lang, "类别", "Kind", &task.task.kind.label(lang)));
    let due = task.task.due_on;
    let due = format!("{due}{}", paren(weekday_name(due, lang)));
    lines.push(kv(lang, "截止", "Due", &due));
    if let (Section::Overdue, Some(n)) = (section, task.working_days_overdue) {
        lines.push(match lang {
            Lang::Zh => format!("已逾期 {n} 个工作日"),
            Lang::En => format!("{n} working days overdue"),
        });
    }
    if task.carried_over {
        lines.push(tr(lang, "结转自前几周", "Carried over from an earlier week").to_owned());
    }
    if task.due_provisional {
        lines.push(
            tr(
                lang,
                peiyu_service::calendar::PROVISIONAL_NOTE_ZH,
                peiyu_service::calendar::PROVISIONAL_NOTE_EN,
            )
            .to_owned(),
        );
    }
    lines.push(kv(lang, "编号", "Id", &task.short_id));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use icalendar::{CalendarComponent, DatePerhapsTime};

    use super::*;
    use crate::weekly::fixture::{self, d};

    #[test]
    fn ics_zh() {
        insta::assert_snapshot!(ics(&fixture::week27(), Lang::Zh).replace("\r\n", "\n"));
    }

    #[test]
    fn lines_end_crlf_and_fold_at_75_octets() {
        let out = ics(&fixture::week27(), Lang::Zh);
        assert!(out.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(out.ends_with("END:VCALENDAR\r\n"));
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{line} is {} octets", line.len());
            assert!(!line.contains('\n'));
        }
    }

    #[test]
    fn parses_back_with_one_event_per_open_task() {
        let list = fixture::week27();
        let out = ics(&list, Lang::En);
        let parsed: Calendar = out.parse().unwrap();
        let events: Vec<&Event> = parsed
            .components
            .iter()
            .filter_map(|c| match c {
                CalendarComponent::Event(e) => Some(e),
                _ => None,
            })
            .collect();
        let open: Vec<&WeeklyTask> = OPEN.iter().flat_map(|s| s.tasks(&list)).collect();
        assert_eq!(events.len(), open.len());
        assert_eq!(events.len(), 10);
        for (event, task) in events.iter().zip(&open) {
            assert_eq!(
                event.get_uid(),
                Some(format!("{}@peiyu", task.task.id).as_str())
            );
            assert_eq!(
                event.get_start(),
                Some(DatePerhapsTime::Date(task.task.due_on))
            );
            assert!(event.get_summary().unwrap().starts_with(&task.task.title));
        }
        // Escaped text comes back whole: a comma, quotes, a pipe, line breaks.
        let delegated = events[1];
        assert_eq!(
            delegated.get_summary(),
            Some("协调用地预审, 跟进规划许可 · 柳州 A&B <精密> 机械有限公司")
        );
        let description = delegated.get_description().unwrap();
        assert!(
            description.contains("Delegated to: 李娜\n"),
            "{description}"
        );
        assert!(description.contains("Batch: batch 2 (cultivate and grow)"));
        assert!(description.contains("5 working days overdue"));
        assert_eq!(events[0].get_end(), Some(DatePerhapsTime::Date(d(6, 22))));
    }

    #[test]
    fn an_empty_week_is_a_valid_empty_calendar() {
        let out = ics(&fixture::empty(), Lang::Zh);
        let parsed: Calendar = out.parse().unwrap();
        assert!(parsed.components.is_empty());
        assert!(!out.contains("BEGIN:VEVENT"));
    }
}
