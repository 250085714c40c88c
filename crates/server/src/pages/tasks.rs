//! Tasks: the officer's own or their teams', by status and due range, as a page or an XLSX file
//! (the task ledger of `peiyu export tasks`, peiyu-formats').

use peiyu_domain::TaskStatus;
use peiyu_service::TaskRecord;

use super::forms::{ActionForm, FormField};
use super::*;

// ---- tasks ----

pub(super) async fn tasks(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
) -> Response {
    let service = &state.service;
    let given = given_query(&uri);
    let get = |k: &str| given.get(k).map(String::as_str).unwrap_or_default();
    let mine = get("scope") == "mine";
    let status = match get("status") {
        "" | "open" => Some(TaskStatus::Open),
        "done" => Some(TaskStatus::Done),
        "cancelled" => Some(TaskStatus::Cancelled),
        _ => None,
    };
    let day = |k: &str| get(k).parse::<NaiveDate>().ok();
    let (from, to) = (day("from"), day("to"));
    for (k, d) in [("from", from), ("to", to)] {
        if !get(k).is_empty() && d.is_none() {
            let error = ServiceError::invalid(
                peiyu_service::Field::Named(k.into()),
                peiyu_domain::Text::new(
                    format!("{k}：日期应形如 2023-07-03"),
                    format!("{k}: a date like 2023-07-03"),
                ),
            );
            return error_page(&uri, lang, &user, error);
        }
    }
    let officer = Some(get("officer").to_owned()).filter(|o| !o.is_empty());
    let query = ListTasks {
        officer: officer.or_else(|| mine.then(|| user.login.as_str().to_owned())),
        all: status != Some(TaskStatus::Open),
        ..ListTasks::default()
    };
    let mut list = match service.list_tasks(&user, &query).await {
        Ok(found) => found,
        Err(e) => return error_page(&uri, lang, &user, e),
    };
    list.tasks.retain(|v| {
        let t = &v.value;
        status.is_none_or(|s| t.status == s)
            && from.is_none_or(|f| t.due_on >= f)
            && to.is_none_or(|d| t.due_on <= d)
    });
    if get("format") == "xlsx" {
        return tasks_file(service, &user, lang, &uri, &list).await;
    }
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
                class: if t.due_on < today && t.status == TaskStatus::Open {
                    "overdue"
                } else {
                    ""
                },
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
        heading: tr(lang, "任务", "Tasks").to_owned(),
        subtitle: Some(match lang {
            Lang::Zh => format!(
                "{}：共 {} 项，其中逾期 {overdue} 项",
                if mine {
                    "我的任务"
                } else {
                    "你和所在专班的任务"
                },
                rows.len()
            ),
            Lang::En => format!(
                "{}: {} in all, {overdue} overdue",
                if mine {
                    "Your tasks"
                } else {
                    "Your and your teams' tasks"
                },
                rows.len()
            ),
        }),
        filters: vec![Link {
            href: with_lang(
                &format!(
                    "/tasks?{}",
                    serde_urlencoded::to_string(
                        given
                            .iter()
                            .filter(|(k, _)| k.as_str() != "format")
                            .chain([(&"format".to_owned(), &"xlsx".to_owned())])
                            .collect::<Vec<_>>()
                    )
                    .unwrap_or_default()
                ),
                lang,
            ),
            label: "⤓ Excel".to_owned(),
            active: false,
        }],
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
        actions: vec![search_form(lang).values(&given)],
    };
    html(StatusCode::OK, page.render())
}

/// The filters of `/tasks` as a form.
fn search_form(lang: Lang) -> ActionForm {
    let choices = |items: &[(&str, &'static str, &'static str)]| {
        items
            .iter()
            .map(|(v, zh, en)| ((*v).to_owned(), tr(lang, zh, en).to_owned()))
            .collect::<Vec<_>>()
    };
    ActionForm::search("find-tasks", "/tasks".to_owned(), lang)
        .field(
            FormField::new("scope", "select", tr(lang, "范围", "Whose")).choices(
                choices(&[
                    ("team", "我和专班", "Mine and my teams'"),
                    ("mine", "我的", "Mine"),
                ]),
                "team",
            ),
        )
        .field(
            FormField::new("status", "select", tr(lang, "状态", "Status")).choices(
                choices(&[
                    ("open", "未完成", "Open"),
                    ("done", "已完成", "Done"),
                    ("cancelled", "已取消", "Cancelled"),
                    ("all", "全部", "All"),
                ]),
                "open",
            ),
        )
        .field(FormField::new(
            "from",
            "date",
            tr(lang, "截止日期从", "Due from"),
        ))
        .field(FormField::new(
            "to",
            "date",
            tr(lang, "截止日期到", "Due until"),
        ))
        .button(tr(lang, "筛选", "Filter"))
}

/// The tasks listed as the task ledger's XLSX file.
async fn tasks_file(
    service: &Service,
    user: &Officer,
    lang: Lang,
    uri: &Uri,
    list: &peiyu_service::TaskList,
) -> Response {
    let officers = match service.list_officers(user).await {
        Ok(o) => o,
        Err(e) => return error_page(uri, lang, user, e),
    };
    let records: Vec<TaskRecord> = list
        .tasks
        .iter()
        .filter_map(|v| {
            let t = &v.value;
            Some(TaskRecord {
                task: t.clone(),
                enterprise: t
                    .enterprise
                    .and_then(|id| list.names.enterprise(id))
                    .cloned(),
                assignee: officers.iter().find(|o| o.id == t.assignee)?.clone(),
            })
        })
        .collect();
    let sheet = peiyu_formats::ledger::export::tasks(&records, lang);
    xlsx_response(&sheet, "tasks")
}
