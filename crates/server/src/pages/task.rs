//! One task and what can be done to it here: complete it with a note and an optional evidence
//! file, transfer it, delegate it (or take it back), reopen it; each through the same service
//! call as `peiyu task …`.
//!
//! Each form carries an idempotency key and the task's version, and acts through the service's
//! `*_once` variant with that key ([`Service::complete_task_once`],
//! [`Service::apply_task_change_once`]): a repeat of the key (a double submit) gets the first
//! answer, a redirect to the task's page, and acts no more; a form made stale by someone else
//! says so and shows the task as it is now.

use std::collections::BTreeMap;

use axum::extract::Multipart;
use peiyu_service::{Field, TaskChange};

use super::forms::{ActionForm, FormField, Outcome, read_version, text, typed};
use super::*;

/// `?done=` after an action: which one, for the page's note.
#[derive(Debug, Default, Deserialize)]
pub(super) struct DoneQuery {
    #[serde(default)]
    pub(super) done: Option<String>,
}

/// The href of a task's page.
pub(super) fn task_href(task: &Task, lang: Lang) -> String {
    with_lang(&format!("/tasks/{}", task.id.0.simple()), lang)
}

/// Where a kept evidence file cited as `sha256:<hex> <name> (<n> B)` is downloaded; `None`
/// for any other reference.
pub(super) fn evidence_href(citation: &str) -> Option<String> {
    citation
        .strip_prefix("sha256:")
        .and_then(|rest| rest.split_whitespace().next())
        .filter(|sha| sha.len() == 64 && sha.chars().all(|c| c.is_ascii_hexdigit()))
        .map(|sha| format!("/evidence/{sha}"))
}

/// Officers as choices, sorted by name, with an empty first choice labelled `none` if given.
pub(super) async fn officer_choices(
    service: &Service,
    user: &Officer,
    none: Option<&str>,
) -> Vec<(String, String)> {
    let mut officers = service.list_officers(user).await.unwrap_or_default();
    officers.retain(|o| o.active);
    officers.sort_by(|a, b| super::pinyin::compare(&a.name, &b.name));
    none.map(|n| (String::new(), n.to_owned()))
        .into_iter()
        .chain(
            officers
                .into_iter()
                .map(|o| (o.login.as_str().to_owned(), o.name.clone())),
        )
        .collect()
}

/// `choices` with the officers who share a team with `user` first (those a task may be handed
/// to without a lead), each part still in pinyin order.
async fn teammates_first(
    service: &Service,
    user: &Officer,
    mut choices: Vec<(String, String)>,
) -> Vec<(String, String)> {
    let teams = service.list_teams(user).await.unwrap_or_default();
    let mine = teams.iter().filter(|t| {
        t.lead.as_ref().is_some_and(|l| l.id == user.id)
            || t.members.iter().any(|m| m.id == user.id)
    });
    let mates: std::collections::HashSet<String> = mine
        .flat_map(|t| t.lead.iter().chain(t.members.iter()))
        .map(|o| o.login.as_str().to_owned())
        .collect();
    choices.sort_by_key(|(login, _)| !mates.contains(login));
    choices
}

pub(super) async fn task_page(
    state: AppState,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
    Path(key): Path<String>,
    axum::extract::Query(q): axum::extract::Query<DoneQuery>,
) -> Response {
    let flash = q
        .done
        .as_deref()
        .and_then(|d| super::actions::done_note(d, lang));
    render(&state, &user, lang, &uri, &key, flash, None).await
}

/// The task page, with `outcome` shown in the form it belongs to.
async fn render(
    state: &AppState,
    user: &Officer,
    lang: Lang,
    uri: &Uri,
    key: &str,
    flash: Option<String>,
    outcome: Option<Outcome>,
) -> Response {
    let service = &state.service;
    let current = match service.resolve_task(key).await {
        Ok(t) => t,
        Err(e) => return error_page(uri, lang, user, e),
    };
    let task = &current.value;
    let names = match service.task_names([task]).await {
        Ok(n) => n,
        Err(e) => return error_page(uri, lang, user, e),
    };
    let status = outcome.as_ref().map(|o| o.status).unwrap_or(StatusCode::OK);
    let id = task.id.0.simple().to_string();
    let base = format!("/tasks/{id}");
    let mut facts = vec![
        (tr(lang, "任务", "Task"), Cell::text(&task.title)),
        (tr(lang, "类别", "Kind"), Cell::text(task.kind.label(lang))),
        (
            tr(lang, "状态", "Status"),
            Cell::text(task.status.label(lang)),
        ),
        (
            tr(lang, "负责人", "Assignee"),
            Cell::text(names.officer_name(task.assignee)),
        ),
        (tr(lang, "截止", "Due"), Cell::date(task.due_on)),
        (
            tr(lang, "创建于", "Created on"),
            Cell::date(task.created_on),
        ),
        (
            tr(lang, "版本", "Version"),
            Cell::text(current.version.to_string()),
        ),
    ];
    if let Some(e) = task.enterprise.and_then(|id| names.enterprise(id)) {
        facts.insert(
            1,
            (
                tr(lang, "企业", "Enterprise"),
                Cell::link(&e.name, enterprise_href(e.uscc.as_str(), lang)),
            ),
        );
    }
    if let Some(d) = task.delegate {
        facts.push((
            tr(lang, "委派给", "Delegated to"),
            Cell::text(names.officer_name(d)),
        ));
    }
    if let Some(description) = &task.description {
        facts.push((tr(lang, "说明", "Description"), Cell::text(description)));
    }
    if let Some(on) = task.completed_on {
        facts.push((tr(lang, "完成于", "Done on"), Cell::date(on)));
    }
    if let Some(note) = &task.completion_note {
        facts.push((tr(lang, "完成说明", "Completion note"), Cell::text(note)));
    }
    if let Some(evidence) = &task.evidence {
        let cell = match evidence_href(evidence) {
            Some(href) => Cell::link(evidence, href),
            None => Cell::text(evidence),
        };
        facts.push((tr(lang, "佐证", "Evidence"), cell));
    }
    let outcome = outcome.as_ref();
    let mut actions = Vec::new();
    if task.status == peiyu_domain::TaskStatus::Open {
        let officers =
            teammates_first(service, user, officer_choices(service, user, None).await).await;
        actions.push(
            ActionForm::new(
                "complete",
                tr(lang, "完成任务", "Complete the task"),
                format!("{base}/done"),
                lang,
            )
            .version(current.version)
            .multipart()
            .field(FormField::new(
                "note",
                "textarea",
                tr(lang, "完成说明", "What was done"),
            ))
            .field(super::forms::evidence_file("evidence", lang))
            .field(FormField::new(
                "on",
                "date",
                tr(lang, "完成日期（默认今天）", "Done on (default today)"),
            ))
            .button(tr(lang, "完成", "Mark done"))
            .with(outcome),
        );
        let others: Vec<(String, String)> = officers
            .iter()
            .filter(|(login, _)| names.login(task.assignee).as_deref() != Some(login))
            .cloned()
            .collect();
        let first = others.first().map(|(l, _)| l.clone()).unwrap_or_default();
        actions.push(
            ActionForm::new(
                "transfer",
                tr(lang, "转办给他人", "Transfer to another officer"),
                format!("{base}/transfer"),
                lang,
            )
            .version(current.version)
            .field(
                FormField::new("to", "select", tr(lang, "转给", "To"))
                    .choices(others, &first)
                    .required(),
            )
            .field(FormField::new("reason", "text", tr(lang, "理由", "Reason")).required())
            .button(tr(lang, "转办", "Transfer"))
            .with(outcome),
        );
        let delegate = task
            .delegate
            .and_then(|d| names.login(d))
            .unwrap_or_default();
        actions.push(
            ActionForm::new(
                "delegate",
                tr(lang, "委派（代办）", "Delegate"),
                format!("{base}/delegate"),
                lang,
            )
            .version(current.version)
            .field(
                FormField::new("to", "select", tr(lang, "委派给", "Delegate to"))
                    .choices(
                        officer_choices(
                            service,
                            user,
                            Some(tr(lang, "（收回委派）", "(take it back)")),
                        )
                        .await,
                        &delegate,
                    )
                    .hint(tr(
                        lang,
                        "被委派人代为办理，记录为代负责人办理。",
                        "The delegate acts on the assignee's behalf, and is recorded so.",
                    )),
            )
            .button(tr(lang, "保存委派", "Save the delegation"))
            .with(outcome),
        );
    } else {
        actions.push(
            ActionForm::new(
                "reopen",
                tr(lang, "重新打开", "Reopen"),
                format!("{base}/reopen"),
                lang,
            )
            .version(current.version)
            .field(FormField::new("reason", "text", tr(lang, "理由", "Reason")).required())
            .button(tr(lang, "重新打开", "Reopen"))
            .with(outcome),
        );
    }
    let page = Page {
        chrome: chrome(uri, lang, Some(user), &task.title, "/tasks"),
        heading: task.title.clone(),
        subtitle: Some(format!(
            "{} {} · {}",
            tr(lang, "编号", "ID"),
            short_id(task),
            task.status.label(lang)
        )),
        filters: Vec::new(),
        notice: None,
        list_html: None,
        sections: vec![facts_section(tr(lang, "任务信息", "Details"), lang, facts)],
        footer: footer(service, lang),
        flash,
        extra_html: None,
        actions,
    };
    html(status, page.render())
}

/// The fields of a task form, and its language.
fn read_form(pairs: Vec<(String, String)>) -> (BTreeMap<String, String>, Lang) {
    let typed = typed(pairs);
    let lang = form_lang(typed.get("lang").map(String::as_str));
    (typed, lang)
}

/// The service field each task form names, by form field.
const TASK_FIELDS: &[(Field, &str)] = &[
    (Field::To, "to"),
    (Field::Reason, "reason"),
    (Field::On, "on"),
    (Field::Officer, "to"),
    (Field::File, "evidence"),
];

/// `POST /tasks/{key}/{action}`: transfer, delegate (an empty `to` takes it back) or reopen,
/// through [`Service::apply_task_change_once`] with the form's key and the version it was read
/// at: a repeat of the key is answered as the first was; a form made stale by someone else says
/// so and shows the task as it is now.
pub(super) async fn change_task(
    state: AppState,
    PageUser(user): PageUser,
    uri: Uri,
    Path((key, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (typed, lang) = read_form(pairs);
    let (form, use_case): (&'static str, &'static str) = match action.as_str() {
        "transfer" => ("transfer", "task.transfer"),
        "delegate" => ("delegate", "task.delegate"),
        "reopen" => ("reopen", "task.reopen"),
        _ => {
            return message_page(
                StatusCode::NOT_FOUND,
                lang,
                tr(lang, "没有这个任务操作。", "There is no such task action."),
            );
        }
    };
    let current = match state.service.resolve_task(&key).await {
        Ok(t) => t,
        Err(e) => return error_page(&uri, lang, &user, e),
    };
    let id = current.value.id.0.simple().to_string();
    let change = match form {
        "transfer" => TaskChange::Transfer {
            to: text(&typed, "to").to_owned(),
            reason: text(&typed, "reason").to_owned(),
        },
        "delegate" => TaskChange::Delegate {
            to: Some(text(&typed, "to").to_owned()).filter(|t| !t.is_empty()),
        },
        _ => TaskChange::Reopen {
            reason: text(&typed, "reason").to_owned(),
        },
    };
    let once = super::forms::once(
        &typed,
        use_case,
        &format!("/tasks/{id}/{form}"),
        None,
        done_location(&id, form, lang),
    );
    let read = read_version(&typed);
    let service = state.service.with_request_id(once.key().to_owned());
    match service
        .apply_task_change_once(&user, &id, change, read, &once)
        .await
    {
        Ok(answer) => super::forms::answered(&once, answer),
        Err(e) => {
            let outcome = stale_or_refused(&state, &id, form, &typed, lang, read, e).await;
            render(&state, &user, lang, &uri, &id, None, Some(outcome)).await
        }
    }
}

/// The page a finished task action goes to: the task's, saying what was done.
fn done_location(id: &str, done: &str, lang: Lang) -> String {
    with_lang(&format!("/tasks/{id}?done={done}"), lang)
}

/// A refused task form: stale (someone changed the task since the version it was read at),
/// or the service's error beside its field.
async fn stale_or_refused(
    state: &AppState,
    id: &str,
    form: &str,
    typed: &BTreeMap<String, String>,
    lang: Lang,
    read: Option<i64>,
    error: ServiceError,
) -> Outcome {
    if error.kind() == ErrorKind::Conflict
        && let Some(read) = read
        && let Ok(now) = state.service.resolve_task(id).await
    {
        return Outcome::new(form, typed).stale(lang, read, now.version);
    }
    Outcome::new(form, typed).service_error(error, lang, TASK_FIELDS)
}

/// An uploaded file (evidence, or a ledger to import).
pub(super) struct Upload {
    /// The file's name on the officer's machine.
    pub name: String,
    /// Its media type as the browser sent it.
    pub media_type: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// The fields of a multipart form and its file, if one was chosen.
pub(super) async fn read_multipart(
    mut form: Multipart,
) -> Result<(Vec<(String, String)>, Option<Upload>), String> {
    let mut pairs = Vec::new();
    let mut upload = None;
    while let Some(field) = form.next_field().await.map_err(|e| e.body_text())? {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(file_name) = field.file_name().map(str::to_owned) {
            let media_type = field.content_type().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(|e| e.body_text())?;
            if !bytes.is_empty() {
                upload = Some(Upload {
                    name: file_name,
                    media_type,
                    bytes: bytes.to_vec(),
                });
            }
        } else {
            let value = field.text().await.map_err(|e| e.body_text())?;
            pairs.push((name, value));
        }
    }
    Ok((pairs, upload))
}

/// `GET /evidence/{sha256}`: an evidence file as it was uploaded.
pub(super) async fn evidence_file(
    state: AppState,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
    Path(sha): Path<String>,
) -> Response {
    match state.service.evidence_file(&user, &sha).await {
        Ok(file) => {
            let media = HeaderValue::from_str(&file.media_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream"));
            let disposition = HeaderValue::from_str(&format!(
                "attachment; filename*=UTF-8''{}",
                crate::auth::encode_query_value(&file.name)
            ))
            .unwrap_or(HeaderValue::from_static("attachment"));
            (
                [
                    (header::CONTENT_TYPE, media),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                file.bytes,
            )
                .into_response()
        }
        Err(e) => error_page(&uri, lang, &user, e),
    }
}

pub(super) async fn complete(
    state: AppState,
    PageUser(user): PageUser,
    uri: Uri,
    Path(key): Path<String>,
    form: Multipart,
) -> Response {
    let lang = query_lang(uri.query());
    let (pairs, upload) = match read_multipart(form).await {
        Ok(read) => read,
        Err(e) => {
            let error = ServiceError::invalid(
                Field::File,
                peiyu_domain::Text::new(
                    format!("无法读取表单：{e}"),
                    format!("the form could not be read: {e}"),
                ),
            );
            return error_page(&uri, lang, &user, error);
        }
    };
    let (typed, lang) = read_form(pairs);
    let current = match state.service.resolve_task(&key).await {
        Ok(t) => t,
        Err(e) => return error_page(&uri, lang, &user, e),
    };
    let id = current.value.id.0.simple().to_string();
    let on = match text(&typed, "on") {
        "" => None,
        day => match day.parse::<chrono::NaiveDate>() {
            Ok(d) => Some(d),
            Err(_) => {
                let outcome = Outcome::new("complete", &typed).field_error(
                    "on",
                    tr(lang, "日期应形如 2023-07-03", "a date like 2023-07-03"),
                );
                return render(&state, &user, lang, &uri, &id, None, Some(outcome)).await;
            }
        },
    };
    let evidence = match &upload {
        Some(upload) => match state
            .service
            .keep_evidence(
                &user,
                &upload.name,
                &upload.media_type,
                upload.bytes.clone(),
            )
            .await
        {
            Ok(kept) => Some(kept.citation),
            Err(e) => {
                let outcome = Outcome::new("complete", &typed).service_error(e, lang, TASK_FIELDS);
                return render(&state, &user, lang, &uri, &id, None, Some(outcome)).await;
            }
        },
        None => None,
    };
    let note = Some(text(&typed, "note").to_owned()).filter(|n| !n.is_empty());
    let once = super::forms::once(
        &typed,
        "task.done",
        &format!("/tasks/{id}/done"),
        upload.as_ref().map(|u| u.bytes.as_slice()),
        done_location(&id, "complete", lang),
    );
    let service = state.service.with_request_id(once.key().to_owned());
    let outcome = match read_version(&typed).filter(|read| *read != current.version) {
        // Completing takes no version: a stale form is a repeat of a key that acted (its
        // answer replayed), or else refused as stale.
        Some(read) => {
            let conflict = ServiceError::Conflict {
                message: peiyu_domain::Text::new("表单已过期", "the form is stale"),
            };
            match service.once(&user, &once, async { Err(conflict) }).await {
                Ok(answer) => Ok(answer),
                Err(_) => Err(Outcome::new("complete", &typed).stale(lang, read, current.version)),
            }
        }
        None => service
            .complete_task_once(&user, &id, note, evidence, on, &once)
            .await
            .map_err(|e| Outcome::new("complete", &typed).service_error(e, lang, TASK_FIELDS)),
    };
    match outcome {
        Ok(answer) => super::forms::answered(&once, answer),
        Err(outcome) => render(&state, &user, lang, &uri, &id, None, Some(outcome)).await,
    }
}
