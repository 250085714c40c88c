//! `peiyu demo`: a new database holding the demo county of the bureau's 2023 mid-year report,
//! its figures as the progress report computes them, the bureau's weekly list for 2023-W27, and
//! what to try next.

use chrono::NaiveDate;
use peiyu_domain::{Lang, MoneyUnit, Week};
use peiyu_formats::json::{DemoCountyDto, DemoDto};
use peiyu_formats::weekly::{Format, render};
use peiyu_service::WeeklyQuery;

use crate::Failure;
use crate::output::tr;

/// The week the demo's weekly list shows (its Monday is the demo's last day).
const DEMO_WEEK: &str = "2023-W27";

/// Creates and initialises the database at `db`, builds the demo county on it, and prints a
/// summary, the whole bureau's weekly list for 2023-W27 and the commands to try next.
#[tracing::instrument(skip_all)]
pub async fn run(db: &str, as_login: &str, json: bool, lang: Lang) -> Result<(), Failure> {
    let service = super::connect(db, lang).await?;
    service.init("admin", "管理员").await?;
    let built = peiyu_demo::build(&service, service.today()).await?;
    let actor = service.actor(as_login).await?;
    let mid_year = NaiveDate::from_ymd_opt(2023, 6, 30).unwrap_or_default();
    let progress = service
        .progress_report(&actor, 2023, Some(mid_year))
        .await?;
    let output = progress.new_above_scale_output();
    let target = progress.target("new_above_scale");
    let week = Week::parse(DEMO_WEEK).map_err(|e| Failure::invalid("--week", &e))?;
    let list = service
        .weekly(
            &actor,
            WeeklyQuery {
                all: true,
                week: Some(week),
                ..WeeklyQuery::default()
            },
        )
        .await?;

    if json {
        let county = DemoCountyDto {
            as_of: built.as_of,
            officers: built.officers,
            teams: built.teams,
            enterprises: built.enterprises,
            invented: built.invented,
            above_scale: built.above_scale,
            above_scale_output_h1: built.above_scale_output_h1.amount(),
            metric_months: built.metric_months,
            cases: built.cases,
            moves: built.moves,
            batch_entries: built.batch_entries,
            tasks_created: built.tasks_created,
            tasks_done: built.tasks_done,
            tasks_open: built.tasks_open,
            escalated: built.escalated,
        };
        return crate::output::print_json(&DemoDto::new(
            super::redact(db),
            county,
            &progress,
            &list,
        ));
    }

    println!(
        "{} {}",
        tr(
            lang,
            "已在数据库中建成演示县：",
            "built the demo county in the database"
        ),
        super::redact(db)
    );
    match lang {
        Lang::Zh => {
            println!(
                "  {} 名干部、{} 个专班；{} 家企业（其中 {} 家为虚构，名称带「（示例）」），在库规上工业企业 {} 家（统计名录），上半年产值 {}",
                built.officers,
                built.teams,
                built.enterprises,
                built.invented,
                built.above_scale,
                built.above_scale_output_h1.format_in(MoneyUnit::Yi)
            );
            println!(
                "  {} 条月度指标（2022-01 至 2023-06）；{} 个培育案件、{} 次阶段流转；2023 年「四个一批」名单 {} 家",
                built.metric_months, built.cases, built.moves, built.batch_entries
            );
            println!(
                "  任务 {} 个（已办结 {}，未办结 {}，逾期督办 {}）；回放至 {}",
                built.tasks_created,
                built.tasks_done,
                built.tasks_open,
                built.escalated,
                built.as_of.map(|d| d.to_string()).unwrap_or_default()
            );
            println!(
                "  上半年新增上规工业企业 {} 家（全年目标 {} 家），贡献产值 {}",
                progress.new_above_scale.len(),
                target.map(|t| t.to_string()).unwrap_or_else(|| "—".into()),
                output.format_in(MoneyUnit::Yi)
            );
        }
        Lang::En => {
            println!(
                "  {} officers, {} teams; {} enterprises ({} invented, marked （示例） in their names), {} above-scale industrial firms in the statistical register, {} of output in H1",
                built.officers,
                built.teams,
                built.enterprises,
                built.invented,
                built.above_scale,
                built.above_scale_output_h1.format_in(MoneyUnit::Yi)
            );
            println!(
                "  {} monthly figure records (2022-01 to 2023-06); {} cultivation cases, {} stage moves; {} firms on the 2023 four-batch list",
                built.metric_months, built.cases, built.moves, built.batch_entries
            );
            println!(
                "  {} tasks ({} done, {} open, {} escalated); replayed up to {}",
                built.tasks_created,
                built.tasks_done,
                built.tasks_open,
                built.escalated,
                built.as_of.map(|d| d.to_string()).unwrap_or_default()
            );
            println!(
                "  newly above-scale industrial firms in H1 2023: {} (target for the year: {}), contributing {} of output",
                progress.new_above_scale.len(),
                target.map(|t| t.to_string()).unwrap_or_else(|| "—".into()),
                output.format_in(MoneyUnit::Yi)
            );
        }
    }
    println!();
    let text = render(&list, Format::Text, lang).map_err(std::io::Error::other)?;
    print!("{}", String::from_utf8_lossy(&text));
    println!();
    println!("{}", tr(lang, "接下来可以试试：", "what to try next:"));
    let db_arg = if db == peiyu_service::DEFAULT_DATABASE_URL {
        String::new()
    } else {
        format!(" --db '{db}'")
    };
    let en = if lang == Lang::En { " --lang en" } else { "" };
    let tries: [(&str, &str, &str); 5] = [
        (
            "case show 加美木业",
            "加美木业 2023 年的培育历程：从候选到上规入统、列入技改",
            "加美木业's 2023 history: from candidate to registered above scale and tech upgrading",
        ),
        (
            "case advance 琦艺木业 --track industrial --to qualified --on 2023-07-03",
            "流转条件未满足：1—6月产值和营业收入尚未达到 2000 万元门槛，未做任何更改",
            "a guard fails: output and revenue for January to June are below the 20 million yuan threshold; nothing changes",
        ),
        (
            "audit verify",
            "核验每一条审计哈希链",
            "verify every audit hash chain",
        ),
        (
            "report progress --year 2023 --as-of 2023-06-30",
            "对照目标的上半年进度",
            "progress against the year's targets at mid-year",
        ),
        (
            "weekly --all --week 2023-W27 --format xlsx -o week27.xlsx",
            "把这一周的任务清单导出为 Excel",
            "the week's task list as an Excel workbook",
        ),
    ];
    for (cmd, zh, en_text) in tries {
        println!("  peiyu{db_arg}{en} {cmd}");
        println!("      {}", tr(lang, zh, en_text));
    }
    Ok(())
}
