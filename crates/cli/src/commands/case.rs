//! `peiyu case …`: opening, advancing, withdrawing and showing cultivations.

use peiyu_domain::{Lang, Officer, StageKey};
use peiyu_formats::json::{AdvanceDto, CaseMigratedDto, CasesDto};
use peiyu_service::{AdvanceCase, AdvanceOutcome, CasesView, OpenCase, Service, short_id};

use crate::Failure;
use crate::args::{CaseAdvanceArgs, CaseCommand};
use crate::output::{mark, parse_opt_date, print_json, table, tr};

fn stage_label(view: &peiyu_service::TrackView, key: &StageKey, lang: Lang) -> String {
    view.track
        .stage(key)
        .map(|s| s.label.get(lang).to_owned())
        .unwrap_or_else(|| key.to_string())
}

fn print_outcome(o: &AdvanceOutcome, json: bool, lang: Lang) -> Result<(), Failure> {
    if json {
        return print_json(&AdvanceDto::new(o, lang));
    }
    let (from, to, on) = match (&o.plan, &o.transition) {
        (Some(p), _) => (Some(p.from.clone()), p.to.clone(), p.effective_on),
        (None, Some(t)) => (t.from.clone(), t.to.clone(), t.effective_on),
        (None, None) => return Ok(()),
    };
    let head = if !o.applied {
        tr(lang, "试算（未做任何更改）", "dry run (nothing changed)")
    } else if o.replayed {
        tr(
            lang,
            "该请求已处理过，返回首次结果",
            "this request was already handled; its first result",
        )
    } else {
        tr(lang, "已推进", "moved")
    };
    println!(
        "{head}: {} · {} → {} · {} {on} · {} {}",
        o.enterprise.name,
        from.map(|f| stage_label(&o.track, &f, lang))
            .unwrap_or_default(),
        stage_label(&o.track, &to, lang),
        tr(lang, "生效", "effective"),
        tr(lang, "版本", "version"),
        o.version
    );
    if let Some(p) = &o.plan {
        if p.overridden {
            println!(
                "{}",
                tr(
                    lang,
                    "⚠ 已越过未满足的条件（记录为特批）",
                    "⚠ failing guards overridden (recorded as such)"
                )
            );
        }
        if !p.guards.is_empty() {
            let mut t = table(lang, &[("", ""), ("条件", "guard"), ("结果", "result")]);
            for g in &p.guards {
                t.add_row(vec![
                    mark(g.passed).to_owned(),
                    g.guard.to_owned(),
                    g.message.get(lang).to_owned(),
                ]);
            }
            println!("{t}");
        }
        if let Some(expires) = p.expires_on {
            println!("{}: {expires}", tr(lang, "认定有效期至", "certified until"));
        }
    }
    if !o.tasks.is_empty() {
        let mut t = table(
            lang,
            &[
                ("编号", "id"),
                ("新任务", "new task"),
                ("负责人", "assignee"),
                ("截止", "due"),
            ],
        );
        for c in &o.tasks {
            let mut due = c.task.due_on.to_string();
            if c.due_provisional {
                due.push_str(" ※");
            }
            if c.priority {
                due.push_str(tr(lang, "（优先批次提前）", " (priority batch)"));
            }
            t.add_row(vec![
                short_id(&c.task),
                c.title.get(lang).to_owned(),
                c.assignee.name.clone(),
                due,
            ]);
        }
        println!("{t}");
        if o.tasks.iter().any(|c| c.due_provisional) {
            println!(
                "※ {}",
                tr(
                    lang,
                    peiyu_service::calendar::PROVISIONAL_NOTE_ZH,
                    peiyu_service::calendar::PROVISIONAL_NOTE_EN
                )
            );
        }
    }
    for c in &o.closed {
        println!("{}: {}", tr(lang, "关闭任务", "closed task"), c.title);
    }
    Ok(())
}

fn print_cases(view: &CasesView, json: bool, lang: Lang) -> Result<(), Failure> {
    if json {
        return print_json(&CasesDto::new(view, lang));
    }
    let enterprise = &view.enterprise;
    let views = &view.cases;
    for p in &view.register {
        println!(
            "{}{}{}",
            tr(lang, "统计名录：", "statistical register: "),
            p.describe(lang),
            p.exit_reason
                .as_deref()
                .map(|r| format!(" {r}"))
                .unwrap_or_default()
        );
    }
    if views.is_empty() {
        println!(
            "{}「{}」{}",
            tr(lang, "", ""),
            enterprise.name,
            tr(
                lang,
                "尚未立案：用 peiyu case open 纳入培育",
                " is on no track yet: open one with peiyu case open"
            )
        );
        return Ok(());
    }
    for v in views {
        let c = &v.cultivation.value;
        println!(
            "{} · {} · {}: {} ({} {} {}) · {} {}",
            enterprise.name,
            v.track.track.label().get(lang),
            tr(lang, "当前阶段", "stage"),
            stage_label(&v.track, &c.stage, lang),
            tr(lang, "已", "for"),
            v.days_in_stage,
            tr(lang, "天", "days"),
            tr(lang, "版本", "version"),
            v.cultivation.version
        );
        if let Some(date) = c.target_date {
            println!(
                "  {}: {} {date}",
                tr(lang, "目标", "target"),
                c.target_stage
                    .as_ref()
                    .map(|s| stage_label(&v.track, s, lang))
                    .unwrap_or_default()
            );
        }
        if let Some(e) = c.expires_on {
            println!("  {}: {e}", tr(lang, "认定有效期至", "certified until"));
        }
        let mut t = table(
            lang,
            &[
                ("可推进到", "move to"),
                ("状态", "status"),
                ("条件", "guards"),
            ],
        );
        for m in &v.moves {
            // The reason and the evidence are given with the move itself: not yet given is not
            // a failure, so those guards show as ○ (to give) beside a ready move.
            let procedural =
                |g: &peiyu_service::GuardResult| peiyu_service::is_given_with_the_move(g.guard);
            let status = m.state().label().get(lang).to_owned();
            t.add_row(vec![
                format!("{}\n--to {}", m.label.get(lang), m.to),
                status,
                m.guards
                    .iter()
                    .map(|g| {
                        let sign = if !g.passed && procedural(g) {
                            "○"
                        } else {
                            mark(g.passed)
                        };
                        format!("{sign} {}", g.message.get(lang))
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            ]);
        }
        println!("{t}");
        if !v.open_tasks.is_empty() {
            let mut t = table(
                lang,
                &[("编号", "id"), ("待办任务", "open task"), ("截止", "due")],
            );
            for task in &v.open_tasks {
                t.add_row(vec![
                    short_id(task),
                    task.title.clone(),
                    task.due_on.to_string(),
                ]);
            }
            println!("{t}");
        }
    }
    Ok(())
}

/// Runs `peiyu case …`.
pub async fn run(
    service: &Service,
    actor: &Officer,
    cmd: CaseCommand,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    match cmd {
        CaseCommand::Open {
            enterprise,
            track,
            target,
            target_stage,
            on,
        } => {
            let target_stage = target_stage
                .map(|s| {
                    StageKey::new(s.trim()).map_err(|e| Failure::invalid("--target-stage", &e))
                })
                .transpose()?;
            let view = service
                .open_case(
                    actor,
                    OpenCase {
                        enterprise,
                        track,
                        target_stage,
                        target_date: parse_opt_date("--target", &target)?,
                        on: parse_opt_date("--on", &on)?,
                    },
                )
                .await?;
            let view = CasesView {
                enterprise: view.enterprise.clone(),
                cases: vec![view],
                register: Vec::new(),
            };
            print_cases(&view, json, lang)
        }
        CaseCommand::Advance(args) => advance(service, actor, args, json, lang).await,
        CaseCommand::Withdraw {
            enterprise,
            track,
            reason,
            on,
            expect_version,
        } => {
            let outcome = service
                .withdraw_case(
                    actor,
                    &enterprise,
                    &track,
                    &reason,
                    parse_opt_date("--on", &on)?,
                    expect_version,
                )
                .await?;
            print_outcome(&outcome, json, lang)
        }
        CaseCommand::Migrate {
            enterprise,
            track,
            reason,
        } => {
            let (from, to) = service
                .migrate_case(actor, &enterprise, &track, reason)
                .await?;
            if json {
                return print_json(&CaseMigratedDto::new(&from, &to));
            }
            println!(
                "{}: {enterprise} {} v{} → v{}",
                tr(lang, "已迁移", "migrated"),
                to.record.key,
                from.record.version,
                to.record.version
            );
            Ok(())
        }
        CaseCommand::Show { enterprise } => {
            let view = service.show_cases(actor, &enterprise).await?;
            print_cases(&view, json, lang)
        }
    }
}

async fn advance(
    service: &Service,
    actor: &Officer,
    args: CaseAdvanceArgs,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let outcome = service
        .advance_case(
            actor,
            AdvanceCase {
                enterprise: args.enterprise,
                track: args.track,
                to: args.to,
                reason: args.reason,
                evidence: args.evidence,
                override_guards: args.override_guards,
                dry_run: args.dry_run,
                expected_version: args.expect_version,
                on: parse_opt_date("--on", &args.on)?,
                request_id: args.request_id,
            },
        )
        .await?;
    print_outcome(&outcome, json, lang)
}
