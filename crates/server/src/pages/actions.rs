//! What can be done on an enterprise's page: check a move (a dry run that explains each guard
//! with its figures), advance with a reason and evidence, withdraw, put it in a batch of a
//! year's list or move it to another, enter a month's figures in 万元, add a task. Each goes
//! through the same service call as the CLI (`case advance`, `case withdraw`, `batch assign` /
//! `batch move`, `metrics add`, `task add`).
//!
//! Each form carries an idempotency key and acts through the service's `*_once` variant with it
//! (`advance_case_once`, `change_batch_once`, `record_metrics_once`, `add_task_once`): a repeat
//! of the key (a double submit) is sent where the first went and acts no more; the key is also
//! the request id of the audit entries. The advance (multipart, with an optional evidence file
//! kept like a task's, its SHA-256 in the citation and so in the audit entry) passes the version
//! read as the expected version: a stale form is a conflict, shown with the case as it is now.

use std::collections::BTreeMap;

use peiyu_domain::{Batch, MoneyUnit, Yuan};
use peiyu_service::{
    AdvanceCase, AdvanceOutcome, Answer, CasesView, Due, EnterpriseView, Field, Idempotent,
    ListChange, ListChangeKind, NewTask, TaskDone, Upserted,
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
            .multipart()
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
            .field(super::forms::evidence_file("evidence_file", lang))
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
    (Field::File, "evidence_file"),
];

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

/// `POST /enterprises/{key}/{action}`: withdraw, batch, metrics or task (the advance, which
/// may carry a file, is [`advance`]).
pub(super) async fn enterprise_action(
    state: AppState,
    PageUser(user): PageUser,
    uri: Uri,
    Path((key, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    act(&state, &user, &uri, &key, &action, typed(pairs), None).await
}

/// `POST /enterprises/{key}/advance`: the advance form, multipart, with an optional evidence
/// file kept ([`Service::keep_evidence`]) and cited beside the typed references; a check only
/// cites it ([`peiyu_service::cite_evidence`]) and keeps nothing.
pub(super) async fn advance(
    state: AppState,
    PageUser(user): PageUser,
    uri: Uri,
    Path(key): Path<String>,
    form: axum::extract::Multipart,
) -> Response {
    match super::task::read_multipart(form).await {
        Ok((pairs, upload)) => {
            act(&state, &user, &uri, &key, "advance", typed(pairs), upload).await
        }
        Err(e) => {
            let lang = query_lang(uri.query());
            let error = ServiceError::invalid(
                Field::File,
                peiyu_domain::Text::new(
                    format!("无法读取表单：{e}"),
                    format!("the form could not be read: {e}"),
                ),
            );
            error_page(&uri, lang, &user, error)
        }
    }
}

/// One enterprise form, acted on once per key through the service's `*_once` use case; a
/// refusal is shown in its form on the enterprise's page.
async fn act(
    state: &AppState,
    user: &Officer,
    uri: &Uri,
    key: &str,
    action: &str,
    typed: BTreeMap<String, String>,
    upload: Option<super::task::Upload>,
) -> Response {
    let lang = form_lang(typed.get("lang").map(String::as_str));
    let uscc = match state.service.resolve_enterprise(key).await {
        Ok(e) => e.value.uscc.as_str().to_owned(),
        Err(e) => return error_page(uri, lang, user, e),
    };
    let track = text(&typed, "track").to_owned();
    let (form_id, use_case): (String, &'static str) = match action {
        "advance" => (format!("advance-{track}"), "case.advance"),
        "withdraw" => (format!("withdraw-{track}"), "case.withdraw"),
        "batch" => ("batch".to_owned(), "batch.change"),
        "metrics" => ("metrics".to_owned(), "metrics.record"),
        "task" => ("task".to_owned(), "task.add"),
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
    let path = format!("/enterprises/{uscc}/{action}");
    let location = with_lang(&format!("/enterprises/{uscc}?done={action}"), lang);
    let file = upload.as_ref().map(|u| u.bytes.as_slice());
    let form = Submitted {
        state,
        user,
        uscc: &uscc,
        typed: &typed,
        lang,
        form_id: &form_id,
    };
    let result = match action {
        "advance" | "withdraw" => {
            let once = super::forms::once(&typed, use_case, &path, file, location);
            form.advance(action, upload, &once)
                .await
                .map(|a| super::forms::answered(&once, a))
        }
        "batch" => {
            let once = super::forms::once(&typed, use_case, &path, None, location);
            form.batch(&once)
                .await
                .map(|a| super::forms::answered(&once, a))
        }
        "metrics" => {
            let once = super::forms::once(&typed, use_case, &path, None, location);
            form.metrics(&once)
                .await
                .map(|a| super::forms::answered(&once, a))
        }
        _ => {
            let once = super::forms::once(&typed, use_case, &path, None, location);
            form.add_task(&once)
                .await
                .map(|a| super::forms::answered(&once, a))
        }
    };
    match result {
        Ok(response) => response,
        Err(outcome) => {
            super::enterprises::render_enterprise(
                state,
                user,
                lang,
                uri,
                &uscc,
                None,
                Some(outcome),
            )
            .await
        }
    }
}

/// A submitted enterprise form: where it came from and what was typed.
struct Submitted<'a> {
    state: &'a AppState,
    user: &'a Officer,
    uscc: &'a str,
    typed: &'a BTreeMap<String, String>,
    lang: Lang,
    form_id: &'a str,
}

impl Submitted<'_> {
    /// The form shown again with `error` placed beside its field.
    fn refused(&self, error: ServiceError) -> Outcome {
        Outcome::new(self.form_id, self.typed).service_error(error, self.lang, FIELDS)
    }

    /// The service acting under the form's key (the request id of its audit entries).
    fn service<T>(&self, once: &Idempotent<'_, T>) -> Service {
        self.state.service.with_request_id(once.key().to_owned())
    }

    /// Advances (or withdraws, or with `intent=check` only checks) the case of the form's
    /// track, with the version read as the expected version: a stale form is a conflict, shown
    /// with the case as it is now.
    async fn advance(
        &self,
        action: &str,
        upload: Option<super::task::Upload>,
        once: &Idempotent<'_, AdvanceOutcome>,
    ) -> Result<Answer<AdvanceOutcome>, Outcome> {
        let (typed, lang) = (self.typed, self.lang);
        let check = text(typed, "intent") == "check";
        let to = if action == "withdraw" {
            "withdrawn".to_owned()
        } else {
            text(typed, "to").to_owned()
        };
        let mut evidence: Vec<String> = text(typed, "evidence")
            .split([',', '，'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if let Some(upload) = upload {
            let cited = if check {
                peiyu_service::cite_evidence(&upload.name, &upload.bytes)
            } else {
                self.state
                    .service
                    .keep_evidence(self.user, &upload.name, &upload.media_type, upload.bytes)
                    .await
                    .map_err(|e| self.refused(e))?
            };
            evidence.push(cited.citation);
        }
        let cmd = AdvanceCase {
            enterprise: self.uscc.to_owned(),
            track: text(typed, "track").to_owned(),
            to,
            reason: Some(text(typed, "reason").to_owned()).filter(|r| !r.is_empty()),
            evidence,
            dry_run: check,
            expected_version: read_version(typed),
            ..AdvanceCase::default()
        };
        if !check {
            return self
                .service(once)
                .advance_case_once(self.user, cmd, once)
                .await
                .map_err(|e| self.refused(e));
        }
        // A check changes nothing: its guards are shown in the form, with its key kept.
        let form_key = text(typed, "key").to_owned();
        let mut shown = match self.state.service.advance_case(self.user, cmd).await {
            Ok(outcome) => {
                let mut shown = Outcome::new(self.form_id, typed);
                let guards = outcome
                    .plan
                    .as_ref()
                    .map(|p| p.guards.as_slice())
                    .unwrap_or_default();
                shown.lines = super::enterprises::guard_lines(guards, lang);
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
                shown.status = StatusCode::OK;
                shown
            }
            Err(e) => {
                let mut shown = self.refused(e);
                if shown.status == StatusCode::UNPROCESSABLE_ENTITY {
                    // A check that finds failing guards answered its question.
                    shown.status = StatusCode::OK;
                }
                shown
            }
        };
        shown.key = Some(form_key);
        Err(shown)
    }

    /// Puts the enterprise in the batch chosen of the year's list, or moves it there.
    async fn batch(
        &self,
        once: &Idempotent<'_, peiyu_service::EntryMove>,
    ) -> Result<Answer<peiyu_service::EntryMove>, Outcome> {
        let (typed, lang) = (self.typed, self.lang);
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
        let (_, moves) = self
            .state
            .service
            .batch_history(self.user, self.uscc)
            .await
            .map_err(|e| self.refused(e))?;
        let kind = if batch_in(&moves, year).is_some() {
            ListChangeKind::Move
        } else {
            ListChangeKind::Assign
        };
        let cmd = ListChange {
            enterprise: self.uscc.to_owned(),
            year,
            batch: Some(batch),
            suggested: None,
            reason: text(typed, "reason").to_owned(),
            on: None,
        };
        self.service(once)
            .change_batch_entry(self.user, (kind, &cmd), None, Some(once))
            .await
            .map_err(|e| self.refused(e))
    }

    /// Records a month's figures typed in 万元.
    async fn metrics(&self, once: &Idempotent<'_, Upserted>) -> Result<Answer<Upserted>, Outcome> {
        let (typed, lang) = (self.typed, self.lang);
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
        let enterprise = self
            .state
            .service
            .resolve_enterprise(self.uscc)
            .await
            .map_err(|e| self.refused(e))?
            .value;
        let figures = peiyu_domain::Metrics {
            revenue,
            output_value,
            tax,
            employees,
            ..peiyu_domain::Metrics::empty(enterprise.id, month)
        };
        let reason = Some(text(typed, "reason").to_owned()).filter(|r| !r.is_empty());
        self.service(once)
            .record_metrics_once(self.user, self.uscc, figures, reason, once)
            .await
            .map_err(|e| self.refused(e))
    }

    /// Adds a task about the enterprise.
    async fn add_task(&self, once: &Idempotent<'_, TaskDone>) -> Result<Answer<TaskDone>, Outcome> {
        let (typed, lang) = (self.typed, self.lang);
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
            enterprise: Some(self.uscc.to_owned()),
            kind,
            title: text(typed, "title").to_owned(),
            description: None,
            assignee: Some(text(typed, "assignee").to_owned()).filter(|a| !a.is_empty()),
            due: Due::On(due),
            follow_up_on: None,
        };
        self.service(once)
            .add_task_once(self.user, new, once)
            .await
            .map_err(|e| self.refused(e))
    }
}
