//! `peiyu task …`.

use peiyu_domain::{Batch, TaskKind};
use peiyu_domain::{Lang, Officer};
use peiyu_formats::json::{TaskChangedDto, TaskDto, TaskShowDto, TransferDto};
use peiyu_service::{BulkTransfer, Due, ListTasks, NewTask, Service, Versioned, short_id};

use crate::Failure;
use crate::args::TaskCommand;
use crate::output::{parse_date, parse_opt_date, print_json, table, tr};

/// Runs `peiyu task …`.
pub async fn run(
    service: &Service,
    actor: &Officer,
    cmd: TaskCommand,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    match cmd {
        TaskCommand::List {
            officer,
            enterprise,
            all,
        } => {
            let tasks = service
                .list_tasks(
                    actor,
                    &ListTasks {
                        officer,
                        enterprise,
                        all,
                    },
                )
                .await?;
            if json {
                return print_json(&TaskDto::list(&tasks, lang));
            }
            let mut table = table(
                lang,
                &[
                    ("编号", "id"),
                    ("企业", "enterprise"),
                    ("任务", "task"),
                    ("类别", "kind"),
                    ("负责人", "assignee"),
                    ("委派给", "delegated to"),
                    ("截止", "due"),
                    ("跟进", "follow up"),
                    ("来源", "origin"),
                    ("状态", "status"),
                ],
            );
            for t in &tasks.tasks {
                let t = &t.value;
                table.add_row(vec![
                    short_id(t),
                    t.enterprise
                        .and_then(|e| tasks.names.enterprise(e))
                        .map(|e| e.name.clone())
                        .unwrap_or_default(),
                    t.title.clone(),
                    t.kind.label(lang),
                    tasks.names.officer_name(t.assignee),
                    t.delegate
                        .map(|d| tasks.names.officer_name(d))
                        .unwrap_or_default(),
                    t.due_on.to_string(),
                    t.follow_up_on.map(|d| d.to_string()).unwrap_or_default(),
                    peiyu_domain::origin_label(&t.origin, lang),
                    t.status.label(lang).to_owned(),
                ]);
            }
            println!("{table}");
            println!("{} {}", tasks.tasks.len(), tr(lang, "个任务", "tasks"));
            Ok(())
        }
        TaskCommand::Done {
            task,
            note,
            evidence,
            on,
        } => {
            let done = service
                .complete_task(actor, &task, note, evidence, parse_opt_date("--on", &on)?)
                .await?;
            changed(&done, tr(lang, "已完成", "done"), json, lang)
        }
        TaskCommand::Add {
            title,
            kind,
            enterprise,
            assignee,
            due,
            follow_up,
            description,
        } => {
            let kind = TaskKind::parse(&kind).map_err(|e| Failure::invalid("--kind", &e))?;
            let due = match due.trim().parse::<u32>() {
                Ok(n) => Due::WorkingDays(n),
                Err(_) => Due::On(parse_date("--due", &due)?),
            };
            let task = service
                .add_task(
                    actor,
                    NewTask {
                        enterprise,
                        kind,
                        title,
                        description,
                        assignee,
                        due,
                        follow_up_on: parse_opt_date("--follow-up", &follow_up)?,
                    },
                )
                .await?;
            changed(
                &Versioned {
                    value: task,
                    version: 1,
                },
                tr(lang, "已创建", "created"),
                json,
                lang,
            )
        }
        TaskCommand::Show { task } => {
            let (t, entries) = service.task_history(actor, &task).await?;
            if json {
                return print_json(&TaskShowDto::new(&t, &entries, lang));
            }
            println!(
                "{} · {} · {} · {} {} · {} {}",
                short_id(&t.value),
                t.value.title,
                t.value.kind.label(lang),
                tr(lang, "截止", "due"),
                t.value.due_on,
                t.value.status.label(lang),
                t.value.completion_note.clone().unwrap_or_default()
            );
            let names = service.task_names([&t.value]).await?;
            let v = &t.value;
            let facts = [
                (
                    tr(lang, "企业", "enterprise"),
                    v.enterprise
                        .and_then(|e| names.enterprise(e))
                        .map(|e| format!("{} {}", e.name, e.uscc.as_str())),
                ),
                (
                    tr(lang, "负责人", "assignee"),
                    Some(names.officer_name(v.assignee)),
                ),
                (
                    tr(lang, "委派给", "delegated to"),
                    v.delegate.map(|d| names.officer_name(d)),
                ),
                (
                    tr(lang, "跟进日期", "follow up on"),
                    v.follow_up_on.map(|d| d.to_string()),
                ),
                (
                    tr(lang, "来源", "origin"),
                    Some(peiyu_domain::origin_label(&v.origin, lang)),
                ),
                (
                    tr(lang, "完成日期", "completed on"),
                    v.completed_on.map(|d| d.to_string()),
                ),
                (tr(lang, "佐证材料", "evidence"), v.evidence.clone()),
            ];
            for (label, value) in facts {
                println!(
                    "  {label}{}{}",
                    tr(lang, "：", ": "),
                    value.unwrap_or_else(|| tr(lang, "（无）", "(none)").to_owned())
                );
            }
            let mut table = table(
                lang,
                &[
                    ("记录时间", "recorded at"),
                    ("操作人", "actor"),
                    ("操作", "action"),
                    ("原因", "reason"),
                ],
            );
            for e in &entries {
                table.add_row(vec![
                    peiyu_service::CountyZone::default().local(e.recorded_at),
                    e.actor_login.clone(),
                    e.action_label(lang).to_owned(),
                    e.reason.clone().unwrap_or_default(),
                ]);
            }
            println!("{table}");
            let notes = service.task_notes(actor, &task).await?;
            if !notes.is_empty() {
                println!("{}", tr(lang, "进展", "progress"));
                for n in &notes {
                    println!("  {} {}", n.written_on, n.summary(lang));
                }
            }
            Ok(())
        }
        TaskCommand::Note {
            task,
            progress,
            problem,
            next,
            on,
        } => {
            let note = service
                .note_task(
                    actor,
                    &task,
                    peiyu_service::NewNote {
                        progress,
                        problem,
                        next_step: next,
                        on: parse_opt_date("--on", &on)?,
                    },
                )
                .await?;
            if json {
                return print_json(&peiyu_formats::json::TaskNoteDto::new(&note, lang));
            }
            println!(
                "{}：{task} {} {}",
                tr(lang, "已记录进展", "progress noted"),
                note.written_on,
                note.summary(lang)
            );
            Ok(())
        }
        TaskCommand::Assign { task, to } => {
            let t = service.assign_task(actor, &task, &to).await?;
            changed(&t, tr(lang, "已分派", "assigned"), json, lang)
        }
        TaskCommand::Transfer { task, to, reason } => {
            let t = service.transfer_task(actor, &task, &to, &reason).await?;
            changed(&t, tr(lang, "已转办", "transferred"), json, lang)
        }
        TaskCommand::Delegate { task, to } => {
            let t = service.delegate_task(actor, &task, to.as_deref()).await?;
            let word = if t.value.delegate.is_some() {
                tr(lang, "已委派", "delegated")
            } else {
                tr(lang, "已收回委派", "delegation ended")
            };
            changed(&t, word, json, lang)
        }
        TaskCommand::Reopen { task, reason } => {
            let t = service.reopen_task(actor, &task, &reason).await?;
            changed(&t, tr(lang, "已重新打开", "reopened"), json, lang)
        }
        TaskCommand::Cancel { task, reason } => {
            let t = service.cancel_task(actor, &task, &reason).await?;
            changed(&t, tr(lang, "已取消", "cancelled"), json, lang)
        }
        TaskCommand::BulkTransfer {
            from,
            to,
            enterprise,
            batch,
            reason,
        } => {
            let batch = batch
                .as_deref()
                .map(|b| {
                    b.parse::<Batch>()
                        .map_err(|e| Failure::invalid("--batch", &e))
                })
                .transpose()?;
            let moved = service
                .bulk_transfer(
                    actor,
                    &BulkTransfer {
                        from: from.clone(),
                        to: to.clone(),
                        enterprise,
                        batch,
                        reason,
                    },
                )
                .await?;
            if json {
                return print_json(&TransferDto::new(&moved, &from, &to));
            }
            println!(
                "{} {} {} {from} → {to}",
                tr(lang, "已转办", "transferred"),
                moved.len(),
                tr(lang, "个任务", "tasks"),
            );
            Ok(())
        }
    }
}

fn changed(
    t: &Versioned<peiyu_domain::Task>,
    word: &str,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    if json {
        return print_json(&TaskChangedDto::new(t, lang));
    }
    println!(
        "{word}: {} {} ({})",
        short_id(&t.value),
        t.value.title,
        t.value.due_on
    );
    Ok(())
}
