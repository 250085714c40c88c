//! What can be done on an enterprise's page: check a move (a dry run that explains each guard
//! with its figures), advance with a reason and evidence, withdraw, put it in a batch of a
//! year's list or move it to another, enter a month's figures in 万元, add a task. Each goes
//! through the same service call as the CLI (`case advance`, `case withdraw`, `batch assign` /
//! `batch move`, `metrics add`, `task add`).
//!
//! Each form carries an idempotency key. The advance passes it as the move's request id (a
//! repeat answers with the first move) and the version read as the expected version (a stale
//! form is a conflict, shown with the case as it is now). The other actions run with the key as
//! their request id, so their audit entries carry it; a key already in the enterprise's audit
//! log has acted, and its repeat is answered as done without acting again.

use std::collections::BTreeMap;

use peiyu_domain::{Batch, MoneyUnit, Yuan};
use peiyu_service::{
    AdvanceCase, AuditQuery, CasesView, Due, EnterpriseView, Field, ListChange, NewTask,
};

use super::forms::{ActionForm, FormField, Outcome, read_version, text, typed};
use super::*;

/// What a finished action says on the page it returns to.
pub(super) fn done_note(done: &str, lang: Lang) -> Option<String> {
    let text = match done {
        "complete" => tr(lang, "任务已完成。", "The task is done."),
        "transfer" => tr(lang, "任务已转办。", "The task was transferred."),
        "delegate" => tr(lang, "委派已更新。", "The delegation was updated."),
        "reopen" => tr(lang, "任务已重新打开。", "The task is open again."),
        "advance" => tr(lang, "已推进到新阶段。", "The case moved to its new stage."),
        "withdraw" => tr(lang, "已退出培育。", "The case was withdrawn."),
        "batch" => tr(lang, "批次已调整。", "The batch was changed."),
        "metrics" => tr(lang, "月度指标已保存。", "The month's figures were saved."),
        "task" => tr(lang, "任务已添加。", "The task was added."),
        _ => return None,
    };
    Some(text.to_owned())
}

/// The forms of an enterprise's page.
pub(super) async fn enterprise_forms(
    state: &AppState,
    user: &Officer,
    lang: Lang,
    detail: &peiyu_service::enterprises::EnterpriseDetail,
    cases: &CasesView,
    batch_moves: &[(i32, peiyu_domain::BatchMove)],
    outcome: Option<&Outcome>,
) -> Vec<ActionForm> {
    let view: &EnterpriseView = &detail.view;
    let uscc = view.enterprise.uscc.as_str();
    let base = format!("/enterprises/{uscc}");
    let mut forms = Vec::new();
    for case in &cases.cases {
        let track = case.track.track.key().as_str().to_owned();
        let stage_label = |key: &peiyu_domain::StageKey| {
            case.track
                .track
                .stage(key)
                .map(|s| s.label.get(lang).to_owned())
                .unwrap_or_else(|| key.as_str().to_owned())
        };
        let moves: Vec<(String, String)> = case
            .moves
            .iter()
            .filter(|m| m.to.as_str() != "withdrawn")
            .map(|m| {
                (
                    m.to.as_str().to_owned(),
                    format!("{} → {}", m.label.get(lang), stage_label(&m.to)),
                )
            })
            .collect();
        let track_label = case.track.track.label().get(lang).to_owned();
        if !moves.is_empty() {
            let first = moves.first().map(|(k, _)| k.clone()).unwrap_or_default();
            let mut form = ActionForm::new(
                format!("advance-{track}"),
                format!("{}：{track_label}", tr(lang, "推进阶段", "Move the stage")),
                format!("{base}/advance"),
                lang,
            )
            .version(case.cultivation.version)
            .field(
                FormField::new("to", "select", tr(lang, "推进到", "Move to"))
                    .choices(moves, &first)
                    .required(),
            )
            .field(FormField::new("reason", "text", tr(lang, "理由", "Reason")))
            .field(
                FormField::new(
                    "evidence",
                    "text",
                    tr(lang, "依据（可选）", "Evidence (optional)"),
                )
                .hint(tr(
                    lang,
                    "文件编号、网址或佐证文件的 sha256，多项用逗号分隔。",
                    "Document numbers, links or an evidence file's sha256, separated by commas.",
                )),
            )
            .intent(
                "check",
                tr(lang, "先检查条件", "Check the guards first"),
                "secondary",
            )
            .intent("advance", tr(lang, "推进", "Advance"), "");
            form.hidden.push(("track".to_owned(), track.clone()));
            forms.push(form.with(outcome));
        }
        let mut withdraw = ActionForm::new(
            format!("withdraw-{track}"),
            format!(
                "{}：{track_label}",
                tr(lang, "退出培育", "Withdraw from the track")
            ),
            format!("{base}/withdraw"),
            lang,
        )
        .version(case.cultivation.version)
        .field(FormField::new("reason", "text", tr(lang, "理由", "Reason")).required())
        .intent("withdraw", tr(lang, "退出培育", "Withdraw"), "danger");
        withdraw.hidden.push(("track".to_owned(), track));
        forms.push(withdraw.with(outcome));
    }

    let today = state.service.today();
    let year = today.year();
    let current_batch = batch_in(batch_moves, year);
    let batches: Vec<(String, String)> = (1..=4u8)
        .filter_map(|n| Batch::new(n).ok())
        .map(|b| (b.number().to_string(), b.default_label(lang).to_owned()))
        .collect();
    let chosen = current_batch
        .map(|b| b.number().to_string())
        .unwrap_or_else(|| "1".to_owned());
    forms.push(
        ActionForm::new(
            "batch",
            match current_batch {
                Some(b) => format!(
                    "{}（{} {year}：{}）",
                    tr(lang, "调整批次", "Move to another batch"),
                    tr(lang, "现在", "now"),
                    b.default_label(lang)
                ),
                None => format!("{}（{year}）", tr(lang, "列入批次", "Put on the list")),
            },
            format!("{base}/batch"),
            lang,
        )
        .field(
            FormField::new("year", "number", tr(lang, "年度", "Year"))
                .value(year.to_string())
                .inputmode("numeric")
                .required(),
        )
        .field(
            FormField::new("batch", "select", tr(lang, "批次", "Batch")).choices(batches, &chosen),
        )
        .field(FormField::new("reason", "text", tr(lang, "理由", "Reason")).required())
        .button(tr(lang, "保存批次", "Save the batch"))
        .with(outcome),
    );

    let last_month = today
        .with_day(1)
        .and_then(|d| d.pred_opt())
        .map(|d| d.format("%Y-%m").to_string())
        .unwrap_or_default();
    let wan = |name: &'static str, label: &str| {
        FormField::new(
            name,
            "text",
            format!("{label}（{}）", tr(lang, "万元", "10k yuan")),
        )
        .inputmode("decimal")
    };
    forms.push(
        ActionForm::new(
            "metrics",
            tr(lang, "录入月度指标", "Enter a month's figures"),
            format!("{base}/metrics"),
            lang,
        )
        .field(
            FormField::new("month", "month", tr(lang, "月份", "Month"))
                .value(last_month)
                .hint(tr(lang, "如 2023-06", "like 2023-06"))
                .required(),
        )
        .field(wan("revenue", tr(lang, "主营业务收入", "Revenue")).hint(tr(
            lang,
            "单位万元，可带千位分隔符，最多两位小数，如 1,360.5",
            "In 10k yuan (万元), thousands separators allowed, at most two decimals, e.g. 1,360.5",
        )))
        .field(wan("output_value", tr(lang, "工业总产值", "Output value")))
        .field(
            FormField::new(
                "employees",
                "number",
                tr(lang, "从业人员（人）", "Employees"),
            )
            .inputmode("numeric"),
        )
        .field(wan("tax", tr(lang, "税收", "Tax")))
        .field(FormField::new(
            "reason",
            "text",
            tr(lang, "说明（可选）", "Note (optional)"),
        ))
        .button(tr(lang, "保存指标", "Save the figures"))
        .with(outcome),
    );

    let officers = super::task::officer_choices(&state.service, user, None).await;
    let kinds: Vec<(String, String)> = [
        peiyu_domain::TaskKind::Visit,
        peiyu_domain::TaskKind::Application,
        peiyu_domain::TaskKind::Document,
        peiyu_domain::TaskKind::InspectionFinding,
        peiyu_domain::TaskKind::StatisticsReport,
        peiyu_domain::TaskKind::Custom,
    ]
    .into_iter()
    .map(|k| (k.key(), k.label(lang).to_owned()))
    .collect();
    let due = state
        .service
        .today()
        .checked_add_days(chrono::Days::new(7))
        .map(|d| d.to_string())
        .unwrap_or_default();
    forms.push(
        ActionForm::new(
            "task",
            tr(lang, "添加任务", "Add a task"),
            format!("{base}/task"),
            lang,
        )
        .field(FormField::new("kind", "select", tr(lang, "类别", "Kind")).choices(kinds, "visit"))
        .field(FormField::new("title", "text", tr(lang, "任务", "Task")).required())
        .field(
            FormField::new("assignee", "select", tr(lang, "负责人", "Assignee"))
                .choices(officers, user.login.as_str()),
        )
        .field(
            FormField::new("due", "date", tr(lang, "截止日期", "Due on"))
                .value(due)
                .required(),
        )
        .button(tr(lang, "添加", "Add"))
        .with(outcome),
    );
    forms
}

/// The batch an enterprise is in on `year`'s list after its moves (the last move of the year).
fn batch_in(moves: &[(i32, peiyu_domain::BatchMove)], year: i32) -> Option<Batch> {
    moves
        .iter()
        .rfind(|(y, _)| *y == year)
        .and_then(|(_, m)| m.to)
}

/// The service field each enterprise form names, by form field.
const FIELDS: &[(Field, &str)] = &[
    (Field::To, "to"),
    (Field::Override, "to"),
    (Field::Reason, "reason"),
    (Field::Year, "year"),
    (Field::List, "year"),
    (Field::Batch, "batch"),
    (Field::Title, "title"),
    (Field::Assignee, "assignee"),
    (Field::Officer, "assignee"),
    (Field::Due, "due"),
    (Field::On, "on"),
];

/// Whether the form's key already acted on this enterprise: an entry of its audit log carries
/// it as its request id.
async fn acted_before(service: &Service, user: &Officer, uscc: &str, key: &str) -> bool {
    if key.is_empty() {
        return false;
    }
    let query = AuditQuery {
        enterprise: Some(uscc.to_owned()),
        ..AuditQuery::default()
    };
    service
        .audit_log(user, &query)
        .await
        .is_ok_and(|entries| entries.iter().any(|e| e.request_id.as_deref() == Some(key)))
}

/// An amount typed in 万元 (`1,360.5`), or the error to show beside its field.
fn wan(typed: &BTreeMap<String, String>, name: &str, lang: Lang) -> Result<Option<Yuan>, String> {
    let raw = text(typed, name);
    if raw.is_empty() {
        return Ok(None);
    }
    let decimals = raw
        .trim_end_matches(['万', '元'])
        .split_once('.')
        .map(|(_, d)| d.len())
        .unwrap_or(0);
    if decimals > 2 {
        return Err(tr(
            lang,
            "万元最多两位小数（即精确到百元）",
            "at most two decimals in 10k yuan (to the hundred yuan)",
        )
        .to_owned());
    }
    Yuan::parse_in(raw, MoneyUnit::Wan).map(Some).map_err(|e| {
        peiyu_domain::Localize::localize(&e, lang)
            .get(lang)
            .to_owned()
    })
}

/// `POST /enterprises/{key}/{action}`: advance, withdraw, batch, metrics or task.
pub(super) async fn enterprise_action(
    state: AppState,
    PageUser(user): PageUser,
    uri: Uri,
    Path((key, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let typed = typed(pairs);
    let lang = form_lang(typed.get("lang").map(String::as_str));
    let uscc = match state.service.resolve_enterprise(&key).await {
        Ok(e) => e.value.uscc.as_str().to_owned(),
        Err(e) => return error_page(&uri, lang, &user, e),
    };
    let form_key = text(&typed, "key").to_owned();
    let done = |what: &str| {
        Redirect::to(&with_lang(
            &format!("/enterprises/{uscc}?done={what}"),
            lang,
        ))
        .into_response()
    };
    let track = text(&typed, "track").to_owned();
    let form_id = match action.as_str() {
        "advance" => format!("advance-{track}"),
        "withdraw" => format!("withdraw-{track}"),
        "batch" | "metrics" | "task" => action.clone(),
        _ => {
            return message_page(
                StatusCode::NOT_FOUND,
                lang,
                tr(
                    lang,
                    "没有这个企业操作。",
                    "There is no such action on an enterprise.",
                ),
            );
        }
    };
    let service = if form_key.is_empty() {
        state.service.clone()
    } else {
        state.service.with_request_id(form_key.clone())
    };
    let result: Result<&str, Outcome> = match action.as_str() {
        "advance" | "withdraw" => {
            let check = text(&typed, "intent") == "check";
            let to = if action == "withdraw" {
                "withdrawn".to_owned()
            } else {
                text(&typed, "to").to_owned()
            };
            let evidence = text(&typed, "evidence")
                .split([',', '，'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            let cmd = AdvanceCase {
                enterprise: uscc.clone(),
                track: track.clone(),
                to,
                reason: Some(text(&typed, "reason").to_owned()).filter(|r| !r.is_empty()),
                evidence,
                dry_run: check,
                expected_version: read_version(&typed),
                request_id: (!check && !form_key.is_empty()).then(|| form_key.clone()),
                ..AdvanceCase::default()
            };
            match service.advance_case(&user, cmd).await {
                Ok(outcome) if check => {
                    let mut shown = Outcome::new(form_id.clone(), &typed);
                    shown.key = Some(form_key.clone());
                    shown.status = StatusCode::OK;
                    let guards = outcome
                        .plan
                        .as_ref()
                        .map(|p| p.guards.as_slice())
                        .unwrap_or_default();
                    shown.lines = super::enterprises::guard_lines(guards, lang);
                    shown.error = None;
                    let note = if guards.iter().all(|g| g.passed) {
                        tr(
                            lang,
                            "条件都已满足：可以推进。",
                            "Every guard passes: the move can be made.",
                        )
                    } else {
                        tr(lang, "以下条件未满足：", "These guards do not pass:")
                    };
                    shown.lines.insert(
                        0,
                        Line {
                            text: note.to_owned(),
                            class: "",
                        },
                    );
                    Err(shown)
                }
                Ok(_) => Ok(if action == "withdraw" {
                    "withdraw"
                } else {
                    "advance"
                }),
                Err(e) => {
                    let mut shown =
                        Outcome::new(form_id.clone(), &typed).service_error(e, lang, FIELDS);
                    if check && shown.status == StatusCode::UNPROCESSABLE_ENTITY {
                        // A check that finds failing guards answered its question.
                        shown.status = StatusCode::OK;
                        shown.key = Some(form_key.clone());
                    }
                    Err(shown)
                }
            }
        }
        _ if acted_before(&state.service, &user, &uscc, &form_key).await => {
            Ok(match action.as_str() {
                "batch" => "batch",
                "metrics" => "metrics",
                _ => "task",
            })
        }
        "batch" => batch(&service, &user, &uscc, &typed, lang)
            .await
            .map(|()| "batch"),
        "metrics" => metrics(&service, &user, &uscc, &typed, lang)
            .await
            .map(|()| "metrics"),
        _ => add_task(&service, &user, &uscc, &typed, lang)
            .await
            .map(|()| "task"),
    };
    match result {
        Ok(what) => done(what),
        Err(outcome) => {
            super::enterprises::render_enterprise(
                &state,
                &user,
                lang,
                &uri,
                &uscc,
                None,
                Some(outcome),
            )
            .await
        }
    }
}

/// Puts the enterprise in the batch chosen of the year's list, or moves it there.
async fn batch(
    service: &Service,
    user: &Officer,
    uscc: &str,
    typed: &BTreeMap<String, String>,
    lang: Lang,
) -> Result<(), Outcome> {
    let bad = |field: &'static str, zh: &'static str, en: &'static str| {
        Outcome::new("batch", typed).field_error(field, tr(lang, zh, en))
    };
    let year = text(typed, "year")
        .parse::<i32>()
        .map_err(|_| bad("year", "年度应为四位数字，如 2023", "a year like 2023"))?;
    let batch = text(typed, "batch")
        .parse::<u8>()
        .ok()
        .and_then(|n| Batch::new(n).ok())
        .ok_or_else(|| bad("batch", "请选择第一到第四批", "choose batch 1 to 4"))?;
    let (_, moves) = service
        .batch_history(user, uscc)
        .await
        .map_err(|e| Outcome::new("batch", typed).service_error(e, lang, FIELDS))?;
    let listed = batch_in(&moves, year).is_some();
    let cmd = ListChange {
        enterprise: uscc.to_owned(),
        year,
        batch: Some(batch),
        suggested: None,
        reason: text(typed, "reason").to_owned(),
        on: None,
    };
    let done = if listed {
        service.move_batch(user, &cmd).await
    } else {
        service.assign_batch(user, &cmd).await
    };
    done.map(|_| ())
        .map_err(|e| Outcome::new("batch", typed).service_error(e, lang, FIELDS))
}

/// Records a month's figures typed in 万元.
async fn metrics(
    service: &Service,
    user: &Officer,
    uscc: &str,
    typed: &BTreeMap<String, String>,
    lang: Lang,
) -> Result<(), Outcome> {
    let mut outcome = Outcome::new("metrics", typed);
    let month = match text(typed, "month").parse::<peiyu_domain::YearMonth>() {
        Ok(m) => Some(m),
        Err(e) => {
            outcome = outcome.field_error(
                "month",
                peiyu_domain::Localize::localize(&e, lang)
                    .get(lang)
                    .to_owned(),
            );
            None
        }
    };
    let mut money = |name: &'static str| match wan(typed, name, lang) {
        Ok(v) => v,
        Err(e) => {
            outcome.errors.insert(name, e);
            None
        }
    };
    let revenue = money("revenue");
    let output_value = money("output_value");
    let tax = money("tax");
    let employees = match text(typed, "employees") {
        "" => None,
        n => match n.replace(',', "").parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                outcome.errors.insert(
                    "employees",
                    tr(lang, "人数应为整数，如 120", "a whole number, like 120").to_owned(),
                );
                None
            }
        },
    };
    let Some(month) = month.filter(|_| outcome.errors.is_empty()) else {
        return Err(outcome);
    };
    if revenue.is_none() && output_value.is_none() && tax.is_none() && employees.is_none() {
        return Err(outcome.field_error(
            "revenue",
            tr(lang, "请至少填写一项指标", "enter at least one figure"),
        ));
    }
    let enterprise = service
        .resolve_enterprise(uscc)
        .await
        .map_err(|e| Outcome::new("metrics", typed).service_error(e, lang, FIELDS))?
        .value;
    let figures = peiyu_domain::Metrics {
        revenue,
        output_value,
        tax,
        employees,
        ..peiyu_domain::Metrics::empty(enterprise.id, month)
    };
    let reason = Some(text(typed, "reason").to_owned()).filter(|r| !r.is_empty());
    service
        .record_metrics(user, uscc, figures, reason)
        .await
        .map(|_| ())
        .map_err(|e| Outcome::new("metrics", typed).service_error(e, lang, FIELDS))
}

/// Adds a task about the enterprise.
async fn add_task(
    service: &Service,
    user: &Officer,
    uscc: &str,
    typed: &BTreeMap<String, String>,
    lang: Lang,
) -> Result<(), Outcome> {
    let kind = peiyu_domain::TaskKind::parse(text(typed, "kind")).map_err(|_| {
        Outcome::new("task", typed).field_error("kind", tr(lang, "请选择类别", "choose a kind"))
    })?;
    let due = text(typed, "due")
        .parse::<chrono::NaiveDate>()
        .map_err(|_| {
            Outcome::new("task", typed).field_error(
                "due",
                tr(lang, "日期应形如 2023-07-10", "a date like 2023-07-10"),
            )
        })?;
    let new = NewTask {
        enterprise: Some(uscc.to_owned()),
        kind,
        title: text(typed, "title").to_owned(),
        description: None,
        assignee: Some(text(typed, "assignee").to_owned()).filter(|a| !a.is_empty()),
        due: Due::On(due),
        follow_up_on: None,
    };
    service
        .add_task(user, new)
        .await
        .map(|_| ())
        .map_err(|e| Outcome::new("task", typed).service_error(e, lang, FIELDS))
}
