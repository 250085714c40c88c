//! `peiyu weekly`: an officer's, a team's or the bureau's week, in every format officers use.

use peiyu_domain::{Lang, Officer, Week};
use peiyu_formats::weekly::{self as render, Format};
use peiyu_service::Service;
use peiyu_service::weekly_list::WeeklyQuery;

use crate::Failure;
use crate::output::{destination, emit, parse_opt_date};

/// The parsed `peiyu weekly` arguments.
pub struct WeeklyArgs {
    /// One officer's list.
    pub officer: Option<String>,
    /// One team's list.
    pub team: Option<String>,
    /// The bureau's list.
    pub all: bool,
    /// The ISO week.
    pub week: Option<String>,
    /// The day to show it as of.
    pub today: Option<String>,
    /// A past week as it really was (effective dates).
    pub in_effect: bool,
    /// The format.
    pub format: Option<String>,
    /// The output file.
    pub output: Option<std::path::PathBuf>,
}

/// Runs `peiyu weekly`.
pub async fn run(
    service: &Service,
    actor: &Officer,
    args: WeeklyArgs,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let scopes = usize::from(args.officer.is_some())
        + usize::from(args.team.is_some())
        + usize::from(args.all);
    if scopes > 1 {
        return Err(Failure::usage(
            "--officer/--team/--all",
            "只能选一个范围：--officer、--team 或 --all",
            "choose one scope: --officer, --team or --all",
        ));
    }
    let week = args
        .week
        .as_deref()
        .map(|w| {
            w.parse::<Week>()
                .map_err(|e| Failure::invalid("--week", &e))
        })
        .transpose()?;
    let format = match (&args.format, &args.output, json) {
        (_, _, true) => Format::Json,
        (Some(f), _, _) => f
            .parse::<Format>()
            .map_err(|e| Failure::invalid("--format", &e))?,
        (None, Some(path), _) => path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| {
                e.parse::<Format>()
                    .map_err(|err| Failure::invalid("-o", &err))
            })
            .transpose()?
            .unwrap_or(Format::Text),
        (None, None, _) => Format::Text,
    };
    let list = service
        .weekly(
            actor,
            WeeklyQuery {
                officer: args.officer,
                team: args.team,
                all: args.all,
                week,
                today: parse_opt_date("--today", &args.today)?,
                in_effect: args.in_effect,
            },
        )
        .await?;
    let bytes = render::render(&list, format, lang).map_err(|e| {
        Failure::usage(
            "--format",
            format!("无法生成 {}：{e}", format.key()),
            format!("cannot render {}: {e}", format.key()),
        )
    })?;
    let output =
        destination(args.output.as_deref()).map(|o| o.with_default_extension(format.extension()));
    emit(output, &bytes, format.is_binary(), lang)?;
    Ok(())
}
