//! `peiyu track …`.

use peiyu_domain::{Lang, Officer};
use peiyu_formats::json::{TrackDto, TrackSummaryDto};
use peiyu_service::{Service, Track, TrackStored, TrackView, validate_track};

use crate::Failure;
use crate::args::TrackCommand;
use crate::output::{print_json, table, tr};

fn read(path: &std::path::Path) -> Result<String, Failure> {
    super::read_text_file("FILE", path)
}

fn print_track(view: &TrackView, json: bool, lang: Lang) -> Result<(), Failure> {
    let t = &view.track;
    if json {
        return print_json(&TrackDto::new(view, lang));
    }
    println!(
        "{} · {} {} · v{} · {}",
        t.label().get(lang),
        tr(lang, "代码", "key"),
        t.key(),
        view.record.version,
        &view.record.content_hash[..12]
    );
    let mut stages = table(
        lang,
        &[
            ("阶段代码（--to）", "stage key (--to)"),
            ("阶段", "stage"),
            ("进入时生成的任务", "tasks on entering"),
        ],
    );
    for s in t.stages() {
        let mut label = s.label.get(lang).to_owned();
        if s.terminal {
            label.push_str(tr(lang, "（终止）", " (final)"));
        }
        if let Some(p) = s.valid_for {
            label.push_str(&format!(
                " · {} {}",
                tr(lang, "有效期", "valid"),
                p.label().get(lang)
            ));
        }
        let tasks: Vec<String> = s
            .tasks
            .iter()
            .map(|x| {
                format!(
                    "{} · {} · {}",
                    x.title.get(lang),
                    x.assignee.label(lang),
                    x.due.label().get(lang)
                )
            })
            .collect();
        stages.add_row(vec![s.key.to_string(), label, tasks.join("\n")]);
    }
    println!("{stages}");
    let mut moves = table(
        lang,
        &[
            ("从", "from"),
            ("到", "to"),
            ("名称", "move"),
            ("条件", "guards"),
        ],
    );
    let stage_name = |k: &peiyu_domain::StageKey| {
        t.stage(k)
            .map(|s| s.label.get(lang).to_owned())
            .unwrap_or_else(|| k.to_string())
    };
    for x in t.transitions() {
        moves.add_row(vec![
            x.from
                .iter()
                .map(&stage_name)
                .collect::<Vec<_>>()
                .join("、"),
            stage_name(&x.to),
            t.move_label(x).get(lang).to_owned(),
            x.guards
                .iter()
                .map(|g| g.describe().get(lang).to_owned())
                .collect::<Vec<_>>()
                .join("\n"),
        ]);
    }
    println!("{moves}");
    Ok(())
}

fn print_problems(errors: &peiyu_service::TrackErrors, lang: Lang) {
    eprintln!(
        "{} ({} {})",
        tr(lang, "流程定义无效", "the track is invalid"),
        errors.problems.len(),
        tr(lang, "处问题", "problems")
    );
    for p in &errors.problems {
        eprintln!(
            "  {} {}: {}",
            tr(lang, "第", "line"),
            match lang {
                Lang::Zh => format!("{} 行", p.line),
                Lang::En => p.line.to_string(),
            },
            p.message.get(lang)
        );
    }
}

/// Runs `peiyu track validate FILE`: needs no database.
pub fn validate(file: &std::path::Path, lang: Lang) -> Result<(), Failure> {
    let text = read(file)?;
    match validate_track(&text) {
        Ok(track) => {
            let t: &Track = &track;
            println!(
                "{}: {} ({}) · {} {} · {} {}",
                tr(lang, "有效", "valid"),
                t.label().get(lang),
                t.key(),
                t.stages().len(),
                tr(lang, "个阶段", "stages"),
                t.transitions().len(),
                tr(lang, "条流转", "moves")
            );
            Ok(())
        }
        Err(errors) => {
            print_problems(&errors, lang);
            Err(Failure::Reported(2))
        }
    }
}

/// Runs `peiyu track …`.
pub async fn run(
    service: &Service,
    actor: &Officer,
    cmd: TrackCommand,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    match cmd {
        TrackCommand::List => {
            let tracks = service.list_tracks(actor).await?;
            if json {
                return print_json(&TrackSummaryDto::list(&tracks, lang));
            }
            let mut t = table(
                lang,
                &[
                    ("流程", "track"),
                    ("名称", "label"),
                    ("版本", "version"),
                    ("阶段数", "stages"),
                    ("内容哈希", "content hash"),
                ],
            );
            for v in &tracks {
                t.add_row(vec![
                    v.record.key.to_string(),
                    v.track.label().get(lang).to_owned(),
                    v.record.version.to_string(),
                    v.track.stages().len().to_string(),
                    v.record.content_hash[..12].to_owned(),
                ]);
            }
            println!("{t}");
            Ok(())
        }
        TrackCommand::Show { track } => {
            let view = service.latest_track(&track).await?;
            print_track(&view, json, lang)
        }
        TrackCommand::Validate { file } => validate(&file, lang),
        TrackCommand::Load { file } => {
            let text = read(&file)?;
            if let Err(errors) = validate_track(&text) {
                print_problems(&errors, lang);
                return Err(Failure::Reported(2));
            }
            match service.load_track(actor, &text).await? {
                TrackStored::New(r) => {
                    println!("{} {} v{}", tr(lang, "已载入", "loaded"), r.key, r.version)
                }
                TrackStored::Existing(r) => println!(
                    "{} {} v{}",
                    tr(lang, "内容未变，已有版本", "unchanged; already stored as"),
                    r.key,
                    r.version
                ),
            }
            Ok(())
        }
    }
}
