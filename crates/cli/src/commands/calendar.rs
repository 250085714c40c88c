//! `peiyu calendar …`: the working-day calendar, no database needed.

use chrono::NaiveDate;
use peiyu_domain::Lang;
use peiyu_service::calendar::Calendar;

use crate::Failure;
use crate::args::CalendarCommand;
use crate::output::{parse_date, print_json, tr};

/// The calendar in force: the embedded data with the county's override file, if
/// `PEIYU_CALENDAR_OVERRIDE` names one.
pub fn load() -> Result<Calendar, Failure> {
    let calendar =
        Calendar::china().map_err(|e| Failure::usage("calendar", e.message_zh(), e.to_string()))?;
    match std::env::var_os("PEIYU_CALENDAR_OVERRIDE") {
        Some(path) => {
            let text = std::fs::read_to_string(&path)?;
            calendar.with_override(&text).map_err(|e| {
                Failure::usage(
                    "PEIYU_CALENDAR_OVERRIDE",
                    format!("{}：{}", path.to_string_lossy(), e.message_zh()),
                    format!("{}: {e}", path.to_string_lossy()),
                )
            })
        }
        None => Ok(calendar),
    }
}

fn cal_err(e: peiyu_service::calendar::CalendarError) -> Failure {
    Failure::usage("DATE", e.message_zh(), e.to_string())
}

/// Runs `peiyu calendar …`.
pub fn run(cmd: CalendarCommand, json: bool, lang: Lang) -> Result<(), Failure> {
    let calendar = load()?;
    match cmd {
        CalendarCommand::Show { year } => {
            let off = calendar.days_off(year).map_err(cal_err)?;
            let makeup = calendar.makeup_workdays(year).map_err(cal_err)?;
            let count = calendar.working_day_count(year).map_err(cal_err)?;
            if json {
                return print_json(&serde_json::json!({
                    "year": year,
                    "days_off": off.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
                    "makeup_workdays": makeup.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
                    "working_days": count,
                    "source": calendar.source(year),
                }));
            }
            println!("{year} {}: {count}", tr(lang, "年工作日", "working days"));
            let fmt = |days: &[NaiveDate]| {
                days.iter()
                    .map(|d| d.format("%m-%d").to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            println!("{}: {}", tr(lang, "放假", "days off"), fmt(&off));
            println!(
                "{}: {}",
                tr(lang, "调休上班", "make-up workdays"),
                fmt(&makeup)
            );
            if let Some(source) = calendar.source(year) {
                println!("{}: {source}", tr(lang, "依据", "source"));
            }
            Ok(())
        }
        CalendarCommand::AddDays { date, n } => {
            let from = parse_date("DATE", &date)?;
            let due = calendar.add_working_days(from, n).map_err(cal_err)?;
            if json {
                return print_json(
                    &serde_json::json!({"from": from.to_string(), "working_days": n, "date": due.to_string()}),
                );
            }
            println!("{due}");
            Ok(())
        }
        CalendarCommand::Check { today } => {
            let today = match today {
                Some(t) => parse_date("--today", &t)?,
                None => peiyu_service::CountyZone::default().date_of(chrono::Utc::now()),
            };
            let warnings = calendar.check(today);
            if json {
                return print_json(&serde_json::json!({
                    "covered_years": calendar.covered_years(),
                    "warnings": warnings.iter().map(|w| match lang { Lang::Zh => w.message_zh(), Lang::En => w.message_en() }).collect::<Vec<_>>(),
                }));
            }
            println!(
                "{}: {}",
                tr(lang, "已录入年份", "covered years"),
                calendar
                    .covered_years()
                    .iter()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            for w in &warnings {
                let text = match lang {
                    Lang::Zh => w.message_zh(),
                    Lang::En => w.message_en(),
                };
                eprintln!("{}: {text}", tr(lang, "警告", "warning"));
            }
            if warnings.is_empty() {
                println!("{}", tr(lang, "日历数据完整", "calendar data is complete"));
            }
            Ok(())
        }
    }
}
