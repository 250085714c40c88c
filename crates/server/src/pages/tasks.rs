//! Tasks: the open tasks of the officer and their teams.

use super::*;

// ---- tasks ----

pub(super) async fn tasks(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
) -> Response {
    let service = &state.service;
    let open = ListTasks::default();
    let list = match service.list_tasks(&user, &open).await {
        Ok(found) => found,
        Err(e) => return error_page(&uri, lang, &user, e),
    };
    let today = service.today();
    let names = &list.names;
    let enterprise_cell = |t: &Task| match t.enterprise.and_then(|id| names.enterprise(id)) {
        Some(e) => Cell::link(&e.name, enterprise_href(e.uscc.as_str(), lang)),
        None => Cell::text("—"),
    };
    let rows: Vec<Row> = list
        .tasks
        .iter()
        .map(|v| {
            let t = &v.value;
            Row {
                class: if t.due_on < today { "overdue" } else { "" },
                cells: vec![
                    Cell::link(short_id(t), super::task::task_href(t, lang)).class("id"),
                    enterprise_cell(t),
                    Cell::text(&t.title),
                    Cell::text(t.kind.label(lang)),
                    Cell::text(names.officer_name(t.assignee)),
                    Cell::date(t.due_on),
                    Cell::text(t.status.label(lang)),
                ],
            }
        })
        .collect();
    let overdue = rows.iter().filter(|r| r.class == "overdue").count();
    let page = Page {
        chrome: chrome(&uri, lang, Some(&user), tr(lang, "任务", "Tasks"), "/tasks"),
        heading: tr(lang, "待办任务", "Open tasks").to_owned(),
        subtitle: Some(match lang {
            Lang::Zh => format!(
                "你和所在专班的待办任务，共 {} 项，其中逾期 {overdue} 项",
                rows.len()
            ),
            Lang::En => format!(
                "Your and your team's open tasks: {} in all, {overdue} overdue",
                rows.len()
            ),
        }),
        filters: Vec::new(),
        notice: None,
        list_html: None,
        sections: vec![Section {
            heading: tr(lang, "按截止日期", "By due date").to_owned(),
            alert: false,
            note: None,
            empty: tr(lang, "没有待办任务", "No open task").to_owned(),
            tables: vec![Table {
                caption: None,
                headers: [
                    tr(lang, "编号", "ID"),
                    tr(lang, "企业", "Enterprise"),
                    tr(lang, "任务", "Task"),
                    tr(lang, "类别", "Kind"),
                    tr(lang, "负责人", "Assignee"),
                    tr(lang, "截止", "Due"),
                    tr(lang, "状态", "Status"),
                ]
                .into_iter()
                .map(str::to_owned)
                .collect(),
                rows,
            }],
        }],
        footer: footer(service, lang),
        flash: None,
        extra_html: None,
        actions: Vec::new(),
    };
    html(StatusCode::OK, page.render())
}
