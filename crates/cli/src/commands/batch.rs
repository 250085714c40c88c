//! `peiyu batch …`: the four-batches lists.

use chrono::Datelike;
use peiyu_domain::{Batch, BatchMove, Lang, Officer};
use peiyu_formats::json::{
    AcceptedMoveDto, BatchDiffDto, BatchHistoryEntryDto, BatchMoveDto, BatchPublishedDto,
    SuggestionDto,
};
use peiyu_service::{BatchListView, ListChange, Service};

use crate::Failure;
use crate::args::{BatchChangeArgs, BatchCommand};
use crate::output::{parse_opt_date, print_json, table, tr};

fn batch(text: &str) -> Result<Batch, Failure> {
    text.parse::<Batch>()
        .map_err(|e| Failure::invalid("--batch", &e))
}

fn label(b: Batch, lang: Lang) -> String {
    b.full_label(lang)
}

fn print_list(view: &BatchListView, json: bool, lang: Lang) -> Result<(), Failure> {
    let l = &view.list.value;
    if json {
        return print_json(&peiyu_formats::json::BatchListDto::new(view, lang));
    }
    println!(
        "{} {} · {} · {} {}",
        l.year,
        tr(lang, "年「四个一批」名单", "four-batches list"),
        l.status.label(lang),
        view.entries.len(),
        tr(lang, "家企业", "enterprises")
    );
    let mut t = table(
        lang,
        &[
            ("批次", "batch"),
            ("企业名称", "name"),
            ("统一社会信用代码", "USCC"),
            ("乡镇", "town"),
            ("列入日期", "since"),
            ("原因", "reason"),
        ],
    );
    for (entry, e) in &view.entries {
        t.add_row(vec![
            label(entry.batch, lang),
            e.name.clone(),
            e.uscc.as_str().to_owned(),
            e.town.clone(),
            entry.since.to_string(),
            entry.reason.clone().unwrap_or_default(),
        ]);
    }
    println!("{t}");
    Ok(())
}

fn print_move(e: &str, m: &BatchMove, json: bool, lang: Lang) -> Result<(), Failure> {
    if json {
        return print_json(&BatchMoveDto::new(e, m, lang));
    }
    let show = |b: Option<Batch>| {
        b.map(|b| label(b, lang))
            .unwrap_or_else(|| tr(lang, "（不在名单）", "(not listed)").to_owned())
    };
    println!(
        "{e}: {} → {} · {} {} · {}",
        show(m.from),
        show(m.to),
        tr(lang, "生效", "effective"),
        m.effective_on,
        m.reason
    );
    Ok(())
}

fn this_year(service: &Service) -> i32 {
    service.today().year()
}

/// Runs `peiyu batch …`.
pub async fn run(
    service: &Service,
    actor: &Officer,
    cmd: BatchCommand,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    match cmd {
        BatchCommand::List { list, batch: b } => {
            let b = b.as_deref().map(batch).transpose()?;
            let year = list.unwrap_or_else(|| this_year(service));
            let view = service.batch_list(actor, year, b).await?;
            print_list(&view, json, lang)
        }
        BatchCommand::Assign(args) => {
            let (name, cmd) = change(service, args)?;
            let m = service.assign_batch(actor, &cmd).await?;
            print_move(&name, &m, json, lang)
        }
        BatchCommand::Move(args) => {
            let (name, cmd) = change(service, args)?;
            let m = service.move_batch(actor, &cmd).await?;
            print_move(&name, &m, json, lang)
        }
        BatchCommand::Remove {
            enterprise,
            list,
            reason,
            on,
        } => {
            let cmd = ListChange {
                enterprise: enterprise.clone(),
                year: list.unwrap_or_else(|| this_year(service)),
                batch: None,
                suggested: None,
                reason,
                on: parse_opt_date("--on", &on)?,
            };
            let m = service.remove_batch(actor, &cmd).await?;
            print_move(&enterprise, &m, json, lang)
        }
        BatchCommand::Copy { from, to, on } => {
            let on = crate::output::parse_opt_date("--on", &on)?;
            let view = service.copy_batch_list(actor, from, to, on).await?;
            print_list(&view, json, lang)
        }
        BatchCommand::Diff { a, b } => {
            let d = service.diff_batch_lists(actor, a, b).await?;
            if json {
                return print_json(&BatchDiffDto::new(&d, lang));
            }
            let mut t = table(
                lang,
                &[
                    ("变化", "change"),
                    ("企业", "enterprise"),
                    ("批次", "batch"),
                ],
            );
            for (e, b) in &d.entered {
                t.add_row(vec![
                    tr(lang, "新列入", "entered").to_owned(),
                    e.name.clone(),
                    label(*b, lang),
                ]);
            }
            for (e, b) in &d.left {
                t.add_row(vec![
                    tr(lang, "移出", "left").to_owned(),
                    e.name.clone(),
                    label(*b, lang),
                ]);
            }
            for (e, x, y) in &d.moved_up {
                t.add_row(vec![
                    tr(lang, "上调", "moved up").to_owned(),
                    e.name.clone(),
                    format!("{} → {}", label(*x, lang), label(*y, lang)),
                ]);
            }
            for (e, x, y) in &d.moved_down {
                t.add_row(vec![
                    tr(lang, "下调", "moved down").to_owned(),
                    e.name.clone(),
                    format!("{} → {}", label(*x, lang), label(*y, lang)),
                ]);
            }
            println!("{a} → {b}");
            println!("{t}");
            println!("{}: {}", tr(lang, "未变", "unchanged"), d.unchanged);
            Ok(())
        }
        BatchCommand::Publish { list, on } => {
            let on = crate::output::parse_opt_date("--on", &on)?;
            let l = service.publish_batch_list(actor, list, None, on).await?;
            if json {
                return print_json(&BatchPublishedDto::new(&l, lang));
            }
            println!(
                "{} {} {}",
                list,
                tr(lang, "年名单", "list"),
                l.value.status.label(lang)
            );
            Ok(())
        }
        BatchCommand::Suggest {
            list,
            rules,
            detail,
        } => {
            let year = list.unwrap_or_else(|| this_year(service));
            let text = read_rules(&rules)?;
            let suggestions = service
                .suggest_batches(actor, year, text.as_deref())
                .await?;
            print_suggestions(&suggestions, detail, json, lang)
        }
        BatchCommand::Accept {
            enterprise,
            all,
            list,
            batch: b,
            reason,
            rules,
            on,
        } => {
            if enterprise.is_none() && !all {
                return Err(Failure::usage(
                    "ENTERPRISE",
                    "请指定企业，或用 --all 采纳全部建议",
                    "name an enterprise, or pass --all to accept every suggestion",
                ));
            }
            let year = list.unwrap_or_else(|| this_year(service));
            let b = b.as_deref().map(batch).transpose()?;
            let text = read_rules(&rules)?;
            let acceptance = peiyu_service::Acceptance {
                year,
                enterprise: enterprise.as_deref(),
                batch: b,
                reason: reason.as_deref(),
                rules: text.as_deref(),
                on: crate::output::parse_opt_date("--on", &on)?,
            };
            let moves = service.accept_suggestions(actor, &acceptance).await?;
            if json {
                return print_json(&AcceptedMoveDto::list(&moves, lang));
            }
            for (e, m) in &moves {
                print_move(&e.name, m, false, lang)?;
            }
            println!("{} {}", moves.len(), tr(lang, "项调整", "changes"));
            Ok(())
        }
        BatchCommand::History { enterprise } => {
            let (e, moves) = service.batch_history(actor, &enterprise).await?;
            if json {
                return print_json(&BatchHistoryEntryDto::list(&moves, lang));
            }
            println!("{}", e.name);
            let mut t = table(
                lang,
                &[
                    ("名单", "list"),
                    ("生效", "effective"),
                    ("从", "from"),
                    ("到", "to"),
                    ("原因", "reason"),
                ],
            );
            let show = |b: Option<Batch>| b.map(|b| label(b, lang)).unwrap_or_default();
            for (year, m) in &moves {
                t.add_row(vec![
                    year.to_string(),
                    m.effective_on.to_string(),
                    show(m.from),
                    show(m.to),
                    m.reason.clone(),
                ]);
            }
            println!("{t}");
            Ok(())
        }
    }
}

fn change(service: &Service, args: BatchChangeArgs) -> Result<(String, ListChange), Failure> {
    let cmd = ListChange {
        enterprise: args.enterprise.clone(),
        year: args.list.unwrap_or_else(|| this_year(service)),
        batch: Some(batch(&args.batch)?),
        suggested: None,
        reason: args.reason,
        on: parse_opt_date("--on", &args.on)?,
    };
    Ok((args.enterprise, cmd))
}

fn read_rules(path: &Option<std::path::PathBuf>) -> Result<Option<String>, Failure> {
    path.as_ref()
        .map(|p| super::read_text_file("--rules", p))
        .transpose()
}

fn print_suggestions(
    suggestions: &[peiyu_service::batch_rules::Suggestion],
    detail: bool,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    use peiyu_service::batch_rules::Standing;
    if json {
        return print_json(&SuggestionDto::list(suggestions, lang));
    }
    // With --detail each indicator has a row of its own under its enterprise, its figures in
    // columns of their own: value (with its unit), benchmark, weight.
    let mut headers = vec![
        ("企业", "enterprise"),
        ("得分", "score"),
        ("等级", "grade"),
        ("排名", "rank"),
        ("建议批次", "suggested batch"),
    ];
    if detail {
        headers.extend([("数值", "value"), ("基准", "benchmark"), ("权重", "weight")]);
    }
    headers.push(("理由", "why"));
    let mut t = table(lang, &headers);
    for s in suggestions {
        let standing = match &s.standing {
            Standing::Graded { rank, of } => format!("{rank}/{of}"),
            Standing::Exempt { since } => format!(
                "{} {since}",
                tr(lang, "投产时间不足，自", "exempt: in production since")
            ),
            Standing::NoData => tr(lang, "无数据", "no data").to_owned(),
            Standing::OutOfScope => tr(lang, "不参评", "out of scope").to_owned(),
        };
        let mut row = vec![
            s.name.clone(),
            s.score.map(|x| x.to_string()).unwrap_or_default(),
            s.grade.as_ref().map(|g| g.to_string()).unwrap_or_default(),
            standing,
            s.batch.map(|b| label(b, lang)).unwrap_or_default(),
        ];
        if detail {
            row.extend([String::new(), String::new(), String::new()]);
        }
        row.push(s.reason.get(lang).to_owned());
        t.add_row(row);
        if detail {
            for i in &s.breakdown {
                t.add_row(vec![
                    format!("  {}", i.indicator.label(lang)),
                    i.points.to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    match i.value {
                        Some(v) => format!("{} {}", v.format(2), i.indicator.unit(lang)),
                        None => tr(lang, "缺数据", "missing").to_owned(),
                    },
                    i.benchmark.to_string(),
                    i.weight.to_string(),
                    String::new(),
                ]);
            }
        }
    }
    println!("{t}");
    Ok(())
}
