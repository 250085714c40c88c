//! `peiyu calendar …`: the working-day calendar in force (the shipped notices, the notices loaded
//! into the database, the county's override file), and loading next year's notice.

use chrono::NaiveDate;
use peiyu_domain::Lang;
use peiyu_formats::json::{AddDaysDto, CalendarYearDaysDto, NoticeLoadDto};
use peiyu_service::calendar::{Calendar, CalendarError, YearStatus};
use peiyu_service::{NoticeInput, NoticeLoad};

use crate::Failure;
use crate::args::{CalendarCommand, Global};
use crate::output::{parse_date, print_json, tr};

/// The county's override file named by `PEIYU_CALENDAR_OVERRIDE`, if any, as text.
pub fn override_text() -> Result<Option<String>, Failure> {
    match std::env::var_os("PEIYU_CALENDAR_OVERRIDE") {
        Some(path) => {
            let path = std::path::PathBuf::from(path);
            peiyu_formats::limits::ReadLimits::from_env()
                .read_text(&path)
                .map(Some)
                .map_err(|e| {
                    let (zh, en) = match &e {
                        peiyu_formats::FormatError::Io { source, .. } => {
                            (source.to_string(), source.to_string())
                        }
                        other => (other.message_zh(), other.to_string()),
                    };
                    Failure::usage(
                        "PEIYU_CALENDAR_OVERRIDE",
                        format!(
                            "无法读取日历覆盖文件 {}：{zh}。请检查路径，或取消设置该环境变量",
                            path.display()
                        ),
                        format!(
                            "cannot read the calendar override file {}: {en}; check the path or unset the variable",
                            path.display()
                        ),
                    )
                })
        }
        None => Ok(None),
    }
}

/// The error of an override file that does not load, naming the file and the line.
pub fn override_error(e: &CalendarError) -> Failure {
    let path = std::env::var_os("PEIYU_CALENDAR_OVERRIDE").unwrap_or_default();
    Failure::usage(
        "PEIYU_CALENDAR_OVERRIDE",
        format!("{}：{}", path.to_string_lossy(), e.message_zh()),
        format!("{}: {e}", path.to_string_lossy()),
    )
}

fn cal_err(field: &str, e: CalendarError) -> Failure {
    Failure::usage(field, e.message_zh(), e.to_string())
}

fn status_label(status: &YearStatus, lang: Lang) -> String {
    peiyu_service::notices::year_status_label(status)
        .get(lang)
        .to_owned()
}

/// Prints this year and the next two with their status (used by `calendar check` and `init`);
/// returns whether a year needs attention.
pub fn print_outlook(calendar: &Calendar, today: NaiveDate, lang: Lang) -> bool {
    let outlook = calendar.outlook(today);
    for year in &outlook {
        let mark = if year.needs_attention { "⚠ " } else { "" };
        let label = status_label(&year.status, lang);
        match lang {
            Lang::Zh => println!("{mark}{} 年：{label}", year.year),
            Lang::En => println!("{mark}{}: {label}", year.year),
        }
    }
    let attention = outlook.iter().any(|y| y.needs_attention);
    if attention {
        eprintln!(
            "{}",
            tr(
                lang,
                "警告：有年份在 60 天内开始但仍为暂定。国务院通知发布后用 `peiyu calendar load 通知.txt --apply` 录入",
                "warning: a year that starts within 60 days is still provisional; load the State Council's notice with `peiyu calendar load NOTICE.txt --apply` once published",
            )
        );
    }
    attention
}

/// Runs `peiyu calendar …`. Reads the database's loaded notices when the database is there;
/// without one, the shipped calendar and the override file still answer.
pub async fn run(cmd: CalendarCommand, g: &Global, lang: Lang) -> Result<(), Failure> {
    if let CalendarCommand::Load { file, year, apply } = cmd {
        let (service, actor) = super::session(g, lang).await?;
        return load(&service, &actor, file, year, apply, g.json, lang).await;
    }
    let (calendar, clock_today) = calendar_in_force(&g.db, lang).await?;
    let json = g.json;
    match cmd {
        CalendarCommand::Show { year } => {
            let off = calendar.days_off(year).map_err(|e| cal_err("YEAR", e))?;
            let makeup = calendar
                .makeup_workdays(year)
                .map_err(|e| cal_err("YEAR", e))?;
            let count = calendar
                .working_day_count(year)
                .map_err(|e| cal_err("YEAR", e))?;
            let status = calendar.year_status(year);
            if json {
                return print_json(
                    &CalendarYearDaysDto::new(&calendar, year, lang)
                        .map_err(|e| cal_err("YEAR", e))?,
                );
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
            println!(
                "{}: {}",
                tr(lang, "依据", "source"),
                status_label(&status, lang)
            );
            Ok(())
        }
        CalendarCommand::AddDays { date, n } => {
            let from = parse_date("DATE", &date)?;
            let due = calendar
                .add_working_days(from, n)
                .map_err(|e| cal_err("DATE", e))?;
            let provisional = calendar.provisional_years(from, due);
            if json {
                return print_json(&AddDaysDto::new(from, n, due, &provisional));
            }
            if provisional.is_empty() {
                println!("{due}");
            } else {
                println!("{due} ※");
                for year in provisional {
                    let w = peiyu_service::calendar::CalendarWarning::Provisional { year };
                    eprintln!(
                        "{}: {}",
                        tr(lang, "提示", "note"),
                        match lang {
                            Lang::Zh => w.message_zh(),
                            Lang::En => w.message_en(),
                        }
                    );
                }
            }
            Ok(())
        }
        CalendarCommand::Check { today } => {
            let today = match today {
                Some(t) => parse_date("--today", &t)?,
                None => clock_today,
            };
            if json {
                let years: Vec<peiyu_service::OutlookYear> = calendar
                    .outlook(today)
                    .iter()
                    .map(peiyu_service::OutlookYear::from)
                    .collect();
                let view = peiyu_formats::json::CalendarOutlookDto::new(today, &years, lang);
                print_json(&view)?;
                return if view.needs_attention {
                    Err(Failure::Reported(1))
                } else {
                    Ok(())
                };
            }
            if print_outlook(&calendar, today, lang) {
                Err(Failure::Reported(1))
            } else {
                Ok(())
            }
        }
        CalendarCommand::Load { .. } => Ok(()),
    }
}

/// The calendar in force and today. A database that is not there (a SQLite file not created
/// yet) or does not answer is not needed: the shipped calendar and the override file answer,
/// with a note when the database could not be read.
async fn calendar_in_force(
    db: &str,
    lang: Lang,
) -> Result<(std::sync::Arc<Calendar>, NaiveDate), Failure> {
    let sqlite_missing = db
        .strip_prefix("sqlite://")
        .map(|rest| rest.split('?').next().unwrap_or_default())
        .is_some_and(|path| path != ":memory:" && !std::path::Path::new(path).exists());
    let service = if sqlite_missing {
        None
    } else {
        match super::connect(db, lang).await {
            Ok(service) => Some(service),
            Err(Failure::Service(e)) => {
                eprintln!(
                    "{}: {}",
                    tr(lang, "提示", "note"),
                    tr(
                        lang,
                        "无法读取数据库中已录入的通知，以下按随软件发布的日历和覆盖文件计算",
                        "cannot read the notices loaded into the database; counting on the shipped calendar and the override file",
                    )
                );
                tracing::warn!(error = %e, "calendar without the database");
                None
            }
            Err(other) => return Err(other),
        }
    };
    match service {
        Some(service) => Ok((service.calendar(), service.today())),
        None => {
            let mut calendar = Calendar::china().map_err(|e| cal_err("calendar", e))?;
            if let Some(text) = override_text()? {
                calendar = calendar
                    .with_override(&text)
                    .map_err(|e| override_error(&e))?;
            }
            let today = match std::env::var("PEIYU_CLOCK")
                .ok()
                .filter(|s| !s.trim().is_empty())
            {
                Some(setting) => {
                    let clock =
                        peiyu_service::clock::fixed_from_setting(&setting).map_err(|e| {
                            Failure::usage("PEIYU_CLOCK", e.zh().to_owned(), e.en().to_owned())
                        })?;
                    peiyu_service::CountyZone::default().date_of(clock.now())
                }
                None => peiyu_service::CountyZone::default().date_of(chrono::Utc::now()),
            };
            Ok((std::sync::Arc::new(calendar), today))
        }
    }
}

async fn load(
    service: &peiyu_service::Service,
    actor: &peiyu_domain::Officer,
    file: std::path::PathBuf,
    year: Option<i32>,
    apply: bool,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let text = super::read_text_file("FILE", &file)?;
    let is_toml = file
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("toml"));
    let input = if is_toml {
        NoticeInput::Toml(text)
    } else {
        NoticeInput::Text { text, year }
    };
    let load = service.load_notice(actor, input, apply).await?;
    print_load(&load, json, lang)
}

fn print_load(load: &NoticeLoad, json: bool, lang: Lang) -> Result<(), Failure> {
    if json {
        return print_json(&NoticeLoadDto::from(load));
    }
    println!("{} · {}", load.year, load.source);
    let weekday = |d: &NaiveDate| peiyu_formats::weekly::weekday_name(*d, lang);
    for h in &load.holidays {
        let ranges: Vec<String> = h
            .ranges
            .iter()
            .map(|(a, b)| {
                if a == b {
                    format!("{a}（{}）", weekday(a))
                } else {
                    format!("{a}（{}）–{b}（{}）", weekday(a), weekday(b))
                }
            })
            .collect();
        let name = if h.name.is_empty() {
            tr(lang, "放假", "days off").to_owned()
        } else {
            h.name.clone()
        };
        let line = match (h.line, lang) {
            (0, _) => String::new(),
            (n, Lang::Zh) => format!("第{n}行 · "),
            (n, Lang::En) => format!("line {n} · "),
        };
        let count = h
            .stated_days
            .map(|n| format!("，{}", n) + tr(lang, " 天（已核对）", " days (checked)"))
            .unwrap_or_default();
        println!("  {line}{name}：{}{count}", ranges.join("、"));
        if !h.makeup_workdays.is_empty() {
            let work: Vec<String> = h
                .makeup_workdays
                .iter()
                .map(|d| format!("{d}（{}）", weekday(d)))
                .collect();
            println!(
                "      {}：{}",
                tr(lang, "调休上班", "make-up workdays"),
                work.join("、")
            );
        }
    }
    println!(
        "{}：{} → {}{}",
        tr(lang, "全年工作日", "working days in the year"),
        load.working_days_before,
        load.working_days_after,
        if load.was_provisional {
            tr(lang, "（此前为暂定）", " (provisional before)")
        } else {
            ""
        }
    );
    if load.recounted.is_empty() {
        println!("{}", tr(lang, "没有截止日期需要调整", "no deadline moves"));
    } else {
        println!(
            "{}（{}）：",
            if load.applied {
                tr(lang, "已调整的截止日期", "deadlines moved")
            } else {
                tr(lang, "将调整的截止日期", "deadlines that would move")
            },
            load.recounted.len()
        );
        for r in &load.recounted {
            println!(
                "  {} {} · {} · {} {} → {}",
                r.short_id,
                r.enterprise_name.as_deref().unwrap_or("—"),
                r.title,
                r.assignee_name,
                r.before,
                r.after
            );
        }
    }
    if load.applied {
        println!("{}", tr(lang, "已录入并审计。", "loaded and audited."));
    } else {
        println!(
            "{}",
            tr(
                lang,
                "尚未写入：核对无误后加 --apply 录入（需管理员）",
                "nothing written yet: check the above, then add --apply to load it (admin)"
            )
        );
    }
    Ok(())
}
