//! One module per noun; each turns parsed arguments into a use-case call and prints the result.

mod asof;
mod audit;
mod backup;
mod batch;
mod calendar;
mod case;
mod demo;
mod enterprise;
mod history;
mod metrics;
mod people;
mod register;
mod report;
mod serve;
mod task;
mod token;
mod track;
mod weekly;

use peiyu_domain::Lang;
use peiyu_service::Service;

use crate::Failure;
use crate::args::{Cli, Command};
use crate::output::tr;

/// Runs one command.
pub async fn run(cli: Cli, lang: Lang) -> Result<(), Failure> {
    let g = cli.global;
    match cli.command {
        Command::Calendar(cmd) => calendar::run(cmd, &g, lang).await,
        Command::Init(args) => {
            let service = connect(&g.db, lang).await?;
            let report = service.init(&args.admin, &args.admin_name).await?;
            if g.json {
                return crate::output::print_json(&peiyu_formats::json::InitDto::new(
                    redact(&g.db),
                    &report,
                ));
            }
            println!(
                "{} {} ({})",
                tr(lang, "已初始化数据库", "initialised database"),
                redact(&g.db),
                report.backend
            );
            match &report.created_admin {
                Some(admin) => println!(
                    "{} {} ({})",
                    tr(lang, "已创建管理员", "created admin"),
                    admin.login.as_str(),
                    admin.name
                ),
                None => println!(
                    "{}",
                    tr(
                        lang,
                        "已有管理员，未作更改",
                        "an admin exists already; nothing changed"
                    )
                ),
            }
            println!(
                "{}",
                tr(
                    lang,
                    "下一步：peiyu officer add LOGIN --name 姓名；peiyu enterprise add --uscc … --name … --sector industry --town …",
                    "next: peiyu officer add LOGIN --name NAME; peiyu enterprise add --uscc … --name … --sector industry --town …"
                )
            );
            println!("{}", tr(lang, "工作日日历：", "working-day calendar:"));
            calendar::print_outlook(&service.calendar(), service.today(), lang);
            Ok(())
        }
        Command::Officer(cmd) => {
            let (service, actor) = session(&g, lang).await?;
            people::officer(&service, &actor, cmd, g.json, lang).await
        }
        Command::Team(cmd) => {
            let (service, actor) = session(&g, lang).await?;
            people::team(&service, &actor, cmd, g.json, lang).await
        }
        Command::Enterprise(cmd) => {
            let (service, actor) = session(&g, lang).await?;
            enterprise::run(&service, &actor, cmd, g.json, lang).await
        }
        Command::Track(crate::args::TrackCommand::Validate { file }) => {
            track::validate(&file, lang)
        }
        Command::Track(cmd) => {
            let (service, actor) = session(&g, lang).await?;
            track::run(&service, &actor, cmd, g.json, lang).await
        }
        Command::Case(cmd) => {
            let (service, actor) = session(&g, lang).await?;
            case::run(&service, &actor, cmd, g.json, lang).await
        }
        Command::Task(cmd) => {
            let (service, actor) = session(&g, lang).await?;
            task::run(&service, &actor, cmd, g.json, lang).await
        }
        Command::Tick { today } => {
            let (service, actor) = session(&g, lang).await?;
            let today = crate::output::parse_opt_date("--today", &today)?;
            calendar_warnings(&service, lang);
            let report = service.tick(&actor, today).await?;
            if g.json {
                return crate::output::print_json(&peiyu_formats::json::TickDto::new(
                    &report, lang,
                ));
            }
            for (t, lead, days) in &report.escalated {
                println!(
                    "{}: {} → {} ({days} {})",
                    tr(lang, "已督办", "escalated"),
                    t.title,
                    lead.name,
                    tr(lang, "个工作日逾期", "working days overdue")
                );
            }
            for t in &report.materialised {
                println!(
                    "{}: {} ({})",
                    tr(lang, "已生成周期任务", "recurring task created"),
                    t.title,
                    t.due_on
                );
            }
            for (e, track, stage) in &report.lapsed {
                println!(
                    "{}: {e} {track} {stage}",
                    tr(lang, "认定已到期", "certification lapsed")
                );
            }
            let summary: Vec<String> = report
                .phases
                .iter()
                .map(|p| match &p.error {
                    None => p.phase.summary(p.count).get(lang).to_owned(),
                    Some(e) => format!(
                        "{}{}{}",
                        p.phase.label().get(lang),
                        tr(lang, "失败：", " failed: "),
                        e.get(lang)
                    ),
                })
                .collect();
            let day = report.today.map(|d| d.to_string()).unwrap_or_default();
            if report.all_ran() {
                println!(
                    "{} {day}: {}",
                    tr(lang, "tick 完成", "tick done"),
                    summary.join(tr(lang, "；", "; "))
                );
                Ok(())
            } else {
                eprintln!(
                    "{} {day}: {}",
                    tr(lang, "tick 未全部完成", "tick did not finish every phase"),
                    summary.join(tr(lang, "；", "; "))
                );
                Err(Failure::Reported(1))
            }
        }
        Command::Register(cmd) => {
            let (service, actor) = session(&g, lang).await?;
            register::run(&service, &actor, cmd, g.json, lang).await
        }
        Command::Report(crate::args::ReportCommand::Progress {
            year,
            as_of,
            format,
            output,
            from_log,
        }) => {
            let (service, actor) = session(&g, lang).await?;
            let as_of = crate::output::parse_opt_date("--as-of", &as_of)?;
            let asked = report::ProgressAsked {
                year,
                as_of,
                from_log,
            };
            report::progress(&service, &actor, asked, &format, output, g.json, lang).await
        }
        Command::Asof {
            date,
            list,
            batch,
            track,
            stage,
            from_log,
        } => {
            let (service, actor) = session(&g, lang).await?;
            asof::run(
                &service,
                &actor,
                &date,
                asof::Filters {
                    list,
                    batch,
                    track,
                    stage,
                },
                from_log,
                g.json,
                lang,
            )
            .await
        }
        Command::History {
            enterprise,
            track,
            from,
            to,
            format,
            output,
        } => {
            let (service, actor) = session(&g, lang).await?;
            let query = peiyu_service::HistoryQuery {
                track,
                from: crate::output::parse_opt_date("--from", &from)?,
                to: crate::output::parse_opt_date("--to", &to)?,
            };
            let format = if g.json { "json".to_owned() } else { format };
            history::run(&service, &actor, &enterprise, &query, &format, output, lang).await
        }
        Command::Weekly {
            officer,
            team,
            all,
            week,
            today,
            in_effect,
            format,
            output,
        } => {
            let (service, actor) = session(&g, lang).await?;
            let args = weekly::WeeklyArgs {
                officer,
                team,
                all,
                week,
                today,
                in_effect,
                format,
                output,
            };
            weekly::run(&service, &actor, args, g.json, lang).await
        }
        Command::Target(cmd) => {
            let (service, actor) = session(&g, lang).await?;
            match cmd {
                crate::args::TargetCommand::Set {
                    year,
                    metric,
                    value,
                } => {
                    // An amount needs its unit (`3亿`, `5000万`); a count is a whole number.
                    let amount = if peiyu_service::target_is_amount(&metric) {
                        peiyu_domain::Yuan::parse(&value)
                            .map_err(|e| Failure::invalid("--value", &e))?
                            .amount()
                    } else {
                        value.trim().parse::<u32>().map(i64::from).map_err(|_| {
                            Failure::usage(
                                "--value",
                                format!("目标应为企业家数（非负整数），收到 \"{value}\""),
                                format!(
                                    "the target is a number of enterprises (a whole number), got \"{value}\""
                                ),
                            )
                        })?
                    };
                    let previous = service.set_target(&actor, year, &metric, amount).await?;
                    if g.json {
                        return crate::output::print_json(&peiyu_formats::json::TargetSetDto::new(
                            year, &metric, amount, previous, lang,
                        ));
                    }
                    println!(
                        "{year} {}: {amount}",
                        peiyu_service::target_label(&metric, lang)
                    );
                    Ok(())
                }
                crate::args::TargetCommand::List { year } => {
                    let targets = service.targets(&actor, year).await?;
                    if g.json {
                        return crate::output::print_json(
                            &peiyu_formats::json::YearTargetDto::list(&targets, lang),
                        );
                    }
                    let mut t =
                        crate::output::table(lang, &[("指标", "metric"), ("目标", "target")]);
                    for x in &targets {
                        t.add_row(vec![
                            peiyu_service::target_label(&x.metric, lang),
                            x.value.to_string(),
                        ]);
                    }
                    println!("{t}");
                    Ok(())
                }
            }
        }
        Command::Batch(cmd) => {
            let (service, actor) = session(&g, lang).await?;
            batch::run(&service, &actor, cmd, g.json, lang).await
        }
        Command::Metrics(cmd) => {
            let (service, actor) = session(&g, lang).await?;
            metrics::run(&service, &actor, cmd, g.json, lang).await
        }
        Command::Audit(cmd) => {
            let (service, actor) = session(&g, lang).await?;
            audit::run(&service, &actor, cmd, g.json, lang).await
        }
        Command::Demo => demo::run(&g.db, &g.as_login, g.json, lang).await,
        Command::Serve { listen, no_tick } => {
            let service = connect(&g.db, lang).await?;
            serve::run(service, &listen, no_tick, lang).await
        }
        Command::Backup { file } => backup::backup(&g, &file, lang).await,
        Command::Restore { file } => backup::restore(&g, &file, lang).await,
        Command::Token(cmd) => {
            let service = connect(&g.db, lang).await?;
            let actor = service.actor(&g.as_login).await?;
            token::run(&service, &actor, cmd, g.json, lang).await
        }
        Command::Import(args) => {
            let (service, actor) = session(&g, lang).await?;
            crate::ledger::run_import(&service, &actor, ledger_import(args), g.json, lang).await
        }
        Command::Export(args) => {
            let (service, actor) = session(&g, lang).await?;
            let req = ledger_export(args)?;
            crate::ledger::run_export(&service, &actor, req, g.json, lang).await
        }
    }
}

fn ledger_of(what: crate::args::LedgerArg) -> crate::ledger::columns::Ledger {
    use crate::args::LedgerArg;
    use crate::ledger::columns::Ledger;
    match what {
        LedgerArg::Enterprises => Ledger::Enterprises,
        LedgerArg::Metrics => Ledger::Metrics,
        LedgerArg::Batches => Ledger::Batches,
        LedgerArg::Tasks => Ledger::Tasks,
        LedgerArg::Register => Ledger::Register,
    }
}

fn ledger_import(args: crate::args::ImportArgs) -> crate::ledger::ImportRequest {
    use crate::args::EncodingArg;
    use crate::ledger::read::Encoding;
    crate::ledger::ImportRequest {
        ledger: ledger_of(args.what),
        file: args.file,
        sheet: args.sheet,
        mapping: args.mapping,
        encoding: args.encoding.map(|e| match e {
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Gb18030 => Encoding::Gb18030,
        }),
        skip_invalid: args.skip_invalid,
        rejects: args.rejects,
        lenient_uscc: args.lenient_uscc,
    }
}

fn ledger_export(args: crate::args::ExportArgs) -> Result<crate::ledger::ExportRequest, Failure> {
    let month = |field: &str, text: &Option<String>| {
        text.as_deref()
            .map(|t| peiyu_domain::YearMonth::parse(t).map_err(|e| Failure::invalid(field, &e)))
            .transpose()
    };
    Ok(crate::ledger::ExportRequest {
        ledger: ledger_of(args.what),
        list: args.list,
        from: month("--from", &args.from)?,
        to: month("--to", &args.to)?,
        format: args.format,
        output: args.output,
    })
}

/// Reads the text file `path` that the user gave as `field` (an argument, a flag or a
/// setting), within the text-file cap of `peiyu_formats::limits` (`PEIYU_MAX_TEXT_FILE_KB`):
/// a file that cannot be read, is not UTF-8 or is over the cap is a usage error (exit 2)
/// naming `field` and the file, and nothing is done.
pub(crate) fn read_text_file(field: &str, path: &std::path::Path) -> Result<String, Failure> {
    peiyu_formats::limits::ReadLimits::from_env()
        .read_text(path)
        .map_err(|e| match e {
            peiyu_formats::FormatError::Io { source, .. } => Failure::usage(
                field,
                format!("无法读取 {}：{source}", path.display()),
                format!("cannot read {}: {source}", path.display()),
            ),
            other => Failure::usage(field, other.message_zh(), other.to_string()),
        })
}

/// Opens the service on the database, counting working days on the calendar in force (the
/// shipped and loaded notices, with the county's override file when `PEIYU_CALENDAR_OVERRIDE`
/// names one), on the clock `PEIYU_CLOCK` sets (the real clock when unset). `serve` opens its
/// service here too, so the CLI, the API and the pages count the same days on the same clock.
pub(crate) async fn connect(db: &str, _lang: Lang) -> Result<Service, Failure> {
    let mut service = Service::connect(db).await?;
    if let Some(text) = calendar::override_text()? {
        service = service
            .with_calendar_override(text)
            .map_err(|e| calendar::override_error(&e))?;
        service.refresh_calendar().await;
    }
    if let Some(setting) = std::env::var("PEIYU_CLOCK")
        .ok()
        .filter(|s| !s.trim().is_empty())
    {
        let clock = peiyu_service::clock::fixed_from_setting(&setting)
            .map_err(|e| Failure::usage("PEIYU_CLOCK", e.zh().to_owned(), e.en().to_owned()))?;
        service = service.with_clock(clock);
    }
    Ok(service)
}

/// Opens the service and resolves the acting officer (`--as`).
pub(crate) async fn session(
    g: &crate::args::Global,
    lang: Lang,
) -> Result<(Service, peiyu_domain::Officer), Failure> {
    let service = connect(&g.db, lang).await?;
    let actor = service.actor(&g.as_login).await?;
    Ok((service, actor))
}

/// Warns on stderr when the calendar lacks data it will soon need (from 1 November, next year).
fn calendar_warnings(service: &Service, lang: Lang) {
    for warning in service.calendar().check(service.today()) {
        let text = match lang {
            Lang::Zh => warning.message_zh(),
            Lang::En => warning.message_en(),
        };
        eprintln!("{}: {text}", tr(lang, "警告", "warning"));
    }
}

/// The database URL without a password, for printing.
fn redact(url: &str) -> String {
    peiyu_service::redact_url(url)
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(
            redact("sqlite://peiyu.db?mode=rwc"),
            "sqlite://peiyu.db?mode=rwc"
        );
        assert_eq!(
            redact("mysql://root@127.0.0.1/test"),
            "mysql://root@127.0.0.1/test"
        );
    }
}
