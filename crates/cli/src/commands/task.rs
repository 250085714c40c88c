//! `peiyu task …`.

use peiyu_domain::{Lang, Officer};
use peiyu_service::{ListTasks, Service, short_id};
use serde_json::json;

use crate::Failure;
use crate::args::TaskCommand;
use crate::output::{parse_opt_date, print_json, table, tr};

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
            let ids: Vec<_> = tasks.iter().map(|t| t.value.assignee).collect();
            let officers = service.officers_by_id(&ids).await?;
            let name = |id| {
                officers
                    .iter()
                    .find(|o| o.id == id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default()
            };
            if json {
                return print_json(
                    &tasks
                        .iter()
                        .map(|t| {
                            let t = &t.value;
                            json!({
                                "id": t.id.to_string(),
                                "short_id": short_id(t),
                                "kind": t.kind.key(),
                                "title": t.title,
                                "assignee": officers.iter().find(|o| o.id == t.assignee).map(|o| o.login.as_str()),
                                "status": t.status.key(),
                                "created_on": t.created_on.to_string(),
                                "due_on": t.due_on.to_string(),
                                "completed_on": t.completed_on.map(|d| d.to_string()),
                                "origin": t.origin,
                            })
                        })
                        .collect::<Vec<_>>(),
                );
            }
            let mut table = table(
                lang,
                &[
                    ("编号", "id"),
                    ("任务", "task"),
                    ("类别", "kind"),
                    ("负责人", "assignee"),
                    ("截止", "due"),
                    ("状态", "status"),
                ],
            );
            for t in &tasks {
                let t = &t.value;
                table.add_row(vec![
                    short_id(t),
                    t.title.clone(),
                    t.kind.label(lang),
                    name(t.assignee),
                    t.due_on.to_string(),
                    t.status.label(lang).to_owned(),
                ]);
            }
            println!("{table}");
            println!("{} {}", tasks.len(), tr(lang, "个任务", "tasks"));
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
            if json {
                return print_json(&json!({
                    "id": done.value.id.to_string(),
                    "status": done.value.status.key(),
                    "completed_on": done.value.completed_on.map(|d| d.to_string()),
                    "version": done.version,
                }));
            }
            println!(
                "{}: {} ({})",
                tr(lang, "已完成", "done"),
                done.value.title,
                done.value
                    .completed_on
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            );
            Ok(())
        }
    }
}
