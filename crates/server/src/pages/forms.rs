//! The pages' action forms: what a form shows (labelled fields, the typed values kept, an error
//! beside its field), its hidden idempotency key and version, and how a service error comes
//! back beside the field it names.
//!
//! Every action form carries `key`, a fresh UUID v7 made when the page was drawn: the use case
//! runs at most once per key, through its service `*_once` variant ([`once`] makes the key, the
//! form's fingerprint and its answer, a redirect), so a double submit acts once and its repeat
//! is sent where the first went. The key is also the request id of the audit entries it writes. A form about a
//! versioned thing carries `version`, the version it was read at: when the thing has changed
//! since, the page says someone changed it first and shows it as it is now.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use peiyu_domain::Lang;
use peiyu_service::{
    Answer, ErrorKind, Field, Idempotent, ServiceError, StoredAnswer, fingerprint,
};

use crate::error::ApiError;
use crate::lang::tr;

/// One form on a page, drawn by `templates/form.html`.
pub(super) struct ActionForm {
    /// Its id on the page (`complete`, `transfer`, …): the anchor, and the prefix of its fields' ids.
    pub id: String,
    /// What it does, as the summary a person taps to open it.
    pub title: String,
    /// Where it posts.
    pub action: String,
    /// Whether it sends a file (multipart).
    pub multipart: bool,
    /// Hidden values besides the CSRF token: `key`, `version`, `lang`, ….
    pub hidden: Vec<(String, String)>,
    /// Its fields in keyboard order.
    pub fields: Vec<FormField>,
    /// Its submit buttons.
    pub buttons: Vec<Button>,
    /// An error about the whole form (a stale version, a refusal).
    pub error: Option<String>,
    /// Extra lines shown above the fields (a dry run's guards).
    pub lines: Vec<super::Line>,
    /// Shown open (it was just submitted, or it is the page's main action).
    pub open: bool,
    /// A search: sent with GET, carrying no key, token or version, always shown.
    pub get: bool,
}

/// One labelled field.
pub(super) struct FormField {
    /// Its name in the form.
    pub name: &'static str,
    /// Its label.
    pub label: String,
    /// `text`, `textarea`, `select`, `date`, `month`, `number`, `file` or `check`.
    pub kind: &'static str,
    /// The value shown: what was typed, else the default.
    pub value: String,
    /// The choices of a `select`.
    pub choices: Vec<Choice>,
    /// What is wrong with what was typed.
    pub error: Option<String>,
    /// A hint under the label.
    pub hint: Option<String>,
    /// Whether the browser insists on a value.
    pub required: bool,
    /// `inputmode` for a phone's keyboard (`decimal`, `numeric`), or empty.
    pub inputmode: &'static str,
}

/// One choice of a select.
pub(super) struct Choice {
    /// The value sent.
    pub value: String,
    /// What a person reads.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
}

/// A submit button, sending `name=value` when it is the one pressed.
pub(super) struct Button {
    /// The field it sends (`intent`), if any.
    pub name: &'static str,
    /// Its value.
    pub value: &'static str,
    /// Its label.
    pub label: String,
    /// `secondary` or `danger`, or empty.
    pub class: &'static str,
}

impl FormField {
    /// A field of `kind` named `name`.
    pub fn new(name: &'static str, kind: &'static str, label: impl Into<String>) -> FormField {
        FormField {
            name,
            label: label.into(),
            kind,
            value: String::new(),
            choices: Vec::new(),
            error: None,
            hint: None,
            required: false,
            inputmode: "",
        }
    }

    /// Required.
    pub fn required(mut self) -> FormField {
        self.required = true;
        self
    }

    /// With a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> FormField {
        self.hint = Some(hint.into());
        self
    }

    /// With a phone keyboard.
    pub fn inputmode(mut self, mode: &'static str) -> FormField {
        self.inputmode = mode;
        self
    }

    /// Shows `default` unless something was typed.
    pub fn value(mut self, default: impl Into<String>) -> FormField {
        self.value = default.into();
        self
    }

    /// With choices, `selected` chosen.
    pub fn choices(
        mut self,
        choices: impl IntoIterator<Item = (String, String)>,
        selected: &str,
    ) -> FormField {
        self.value = selected.to_owned();
        self.choices = choices
            .into_iter()
            .map(|(value, label)| Choice {
                selected: value == selected,
                value,
                label,
            })
            .collect();
        self
    }

    /// The element id of this field in form `form`.
    pub fn dom_id(&self, form: &str) -> String {
        format!("{form}-{}", self.name)
    }
}

/// The optional evidence file of a form, sent as `name`: kept with its SHA-256, which the
/// change records.
pub(super) fn evidence_file(name: &'static str, lang: Lang) -> FormField {
    FormField::new(
        name,
        "file",
        tr(lang, "佐证文件（可选）", "Evidence file (optional)"),
    )
    .hint(tr(
        lang,
        "照片、扫描件或文档，最大 8 MiB；记录其 SHA-256。",
        "A photo, scan or document up to 8 MiB; its SHA-256 is recorded.",
    ))
}

impl ActionForm {
    /// A form `id` posting to `action`, with a fresh idempotency key and the page's language.
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        action: String,
        lang: Lang,
    ) -> ActionForm {
        ActionForm {
            id: id.into(),
            title: title.into(),
            action,
            multipart: false,
            hidden: vec![
                ("key".to_owned(), new_key()),
                ("lang".to_owned(), lang.code().to_owned()),
            ],
            fields: Vec::new(),
            buttons: Vec::new(),
            error: None,
            lines: Vec::new(),
            open: false,
            get: false,
        }
    }

    /// A search form `id` sending its fields to `action` with GET.
    pub fn search(id: impl Into<String>, action: String, lang: Lang) -> ActionForm {
        let mut form = ActionForm::new(id, String::new(), action, lang);
        form.get = true;
        form.open = true;
        form.hidden.retain(|(name, _)| name == "lang");
        if lang == Lang::Zh {
            form.hidden.clear();
        }
        form
    }

    /// Shows the values of a search already made.
    pub fn values(mut self, given: &BTreeMap<String, String>) -> ActionForm {
        for field in &mut self.fields {
            if let Some(v) = given.get(field.name) {
                field.value.clone_from(v);
                for choice in &mut field.choices {
                    choice.selected = &choice.value == v;
                }
            }
        }
        self
    }

    /// Carries the version it was read at.
    pub fn version(mut self, version: i64) -> ActionForm {
        self.hidden
            .push(("version".to_owned(), version.to_string()));
        self
    }

    /// With a field.
    pub fn field(mut self, field: FormField) -> ActionForm {
        self.fields.push(field);
        self
    }

    /// With a submit button.
    pub fn button(mut self, label: impl Into<String>) -> ActionForm {
        self.buttons.push(Button {
            name: "",
            value: "",
            label: label.into(),
            class: "",
        });
        self
    }

    /// With a submit button that sends `intent=value`.
    pub fn intent(
        mut self,
        value: &'static str,
        label: impl Into<String>,
        class: &'static str,
    ) -> ActionForm {
        self.buttons.push(Button {
            name: "intent",
            value,
            label: label.into(),
            class,
        });
        self
    }

    /// Sends a file.
    pub fn multipart(mut self) -> ActionForm {
        self.multipart = true;
        self
    }

    /// Applies what was submitted to this form, when it was this one: the typed values, the
    /// errors beside their fields, the form's own error, opened.
    pub fn with(mut self, outcome: Option<&Outcome>) -> ActionForm {
        let Some(outcome) = outcome.filter(|o| o.form == self.id) else {
            return self;
        };
        self.open = true;
        self.error = outcome.error.clone();
        self.lines.extend(outcome.lines.iter().map(|l| super::Line {
            text: l.text.clone(),
            class: l.class,
        }));
        for field in &mut self.fields {
            if let Some(typed) = outcome.typed.get(field.name)
                && field.kind != "file"
            {
                field.value = typed.clone();
                for choice in &mut field.choices {
                    choice.selected = &choice.value == typed;
                }
            }
            if let Some(error) = outcome.errors.get(field.name) {
                field.error = Some(error.clone());
            }
        }
        if let Some(key) = &outcome.key {
            // A refused form keeps its key: the retry is the same request.
            for (name, value) in &mut self.hidden {
                if name == "key" {
                    value.clone_from(key);
                }
            }
        }
        self
    }
}

/// A fresh idempotency key.
pub(super) fn new_key() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The longest key a form may carry (the width the service keeps).
const MAX_KEY: usize = 64;

/// The form's `key` when it is one a key may be: 1 to 64 visible ASCII characters.
fn valid_key(typed: &BTreeMap<String, String>) -> Option<&str> {
    Some(text(typed, "key"))
        .filter(|k| !k.is_empty() && k.len() <= MAX_KEY && k.chars().all(|c| c.is_ascii_graphic()))
}

/// The service acting under the form's key as its request id (the audit entries carry it), for
/// a form whose use case has no `*_once` variant; as it is when the form carries no valid key.
pub(super) fn acting(
    service: &peiyu_service::Service,
    typed: &BTreeMap<String, String>,
) -> peiyu_service::Service {
    match valid_key(typed) {
        Some(key) => service.with_request_id(key.to_owned()),
        None => service.clone(),
    }
}

/// A submitted form's idempotency key for the use case `action` (`task.transfer`): the form's
/// `key` (a fresh one when it carries none, or one no key may be: empty, longer than 64
/// characters or not visible ASCII — such a request still acts once), its fingerprint over
/// `path` and the form's fields but its CSRF token (with `file`, an uploaded file's bytes),
/// and the answer the key keeps: a redirect to `location`, the page that says it was done.
/// A repeat of the form gets that redirect without acting again.
pub(super) fn once<'a, T>(
    typed: &BTreeMap<String, String>,
    action: &'static str,
    path: &str,
    file: Option<&[u8]>,
    location: String,
) -> Idempotent<'a, T> {
    keyed(typed, action, path, file, move |_: &T| StoredAnswer {
        status: 303,
        body: location.clone(),
        etag: None,
    })
}

/// [`once`] with the answer the key keeps made by `render` from the use case's outcome (a
/// form whose answer is a page rather than a redirect).
pub(super) fn keyed<'a, T>(
    typed: &BTreeMap<String, String>,
    action: &'static str,
    path: &str,
    file: Option<&[u8]>,
    render: impl Fn(&T) -> StoredAnswer + Send + Sync + 'a,
) -> Idempotent<'a, T> {
    let key = valid_key(typed).map_or_else(new_key, str::to_owned);
    let mut body = String::new();
    for (name, value) in typed {
        if name != "csrf" {
            body.push_str(&format!("{name}={value}\n"));
        }
    }
    if let Some(bytes) = file {
        body.push_str(&fingerprint("FILE", "", bytes));
    }
    Idempotent::new(
        key,
        action,
        fingerprint("POST", path, body.as_bytes()),
        render,
    )
}

/// Where a form acted once through `once` goes: the page its answer names (the first
/// submission's, replayed verbatim to a repeat).
pub(super) fn answered<T>(once: &Idempotent<'_, T>, answer: Answer<T>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let location = match answer {
        Answer::First {
            answer: Some(stored),
            ..
        }
        | Answer::Replayed(stored) => stored.body,
        Answer::First {
            value,
            answer: None,
        } => once.render(&value).body,
    };
    axum::response::Redirect::to(&location).into_response()
}

/// What came of a submitted form that is shown again: what was typed, what was wrong.
#[derive(Debug)]
pub(super) struct Outcome {
    /// The form's id.
    pub form: String,
    /// The values typed, by field name.
    pub typed: BTreeMap<String, String>,
    /// Errors beside fields, by field name.
    pub errors: BTreeMap<&'static str, String>,
    /// An error about the whole form.
    pub error: Option<String>,
    /// Lines to show (a dry run's guards).
    pub lines: Vec<super::Line>,
    /// The key to keep (a form refused before it acted).
    pub key: Option<String>,
    /// The status of the page that shows it: 422 for bad input, 409 for a stale form, ….
    pub status: StatusCode,
}

impl Default for Outcome {
    fn default() -> Outcome {
        Outcome {
            form: String::new(),
            typed: BTreeMap::new(),
            errors: BTreeMap::new(),
            error: None,
            lines: Vec::new(),
            key: None,
            status: StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl Outcome {
    /// Form `form` submitted with `typed`.
    pub fn new(form: impl Into<String>, typed: &BTreeMap<String, String>) -> Outcome {
        Outcome {
            form: form.into(),
            typed: typed.clone(),
            key: typed.get("key").cloned(),
            ..Outcome::default()
        }
    }

    /// `error` beside `field`.
    pub fn field_error(mut self, field: &'static str, error: impl Into<String>) -> Outcome {
        self.errors.insert(field, error.into());
        self
    }

    /// Places a service error: beside the form field it names (`fields` maps the service's
    /// neutral names to this form's), else above the form.
    pub fn service_error(
        mut self,
        error: ServiceError,
        lang: Lang,
        fields: &[(Field, &'static str)],
    ) -> Outcome {
        let kind = error.kind();
        let named = match &error {
            ServiceError::Invalid { field, .. } => fields
                .iter()
                .find(|(f, _)| f == field)
                .map(|(_, name)| *name),
            _ => None,
        };
        let api = ApiError::from(error);
        self.status = api.status;
        let message = api.message.get(lang).to_owned();
        if let Some(name) = named {
            self.errors.insert(name, message);
            return self;
        }
        if kind == ErrorKind::Conflict {
            self.key = None;
        }
        self.error = Some(match kind {
            ErrorKind::Conflict => format!(
                "{}{message}",
                tr(
                    lang,
                    "有人先改动了它，下面是现在的情况：请核对后再提交。",
                    "Someone changed it first; this is how it stands now: check and submit again. "
                )
            ),
            _ => message,
        });
        self
    }

    /// The whole form is stale: the thing is now at `current`, not `read`.
    pub fn stale(mut self, lang: Lang, read: i64, current: i64) -> Outcome {
        self.error = Some(match lang {
            Lang::Zh => format!(
                "有人先改动了它（你打开时是第 {read} 版，现在是第 {current} 版）：下面是现在的情况，请核对后再提交。"
            ),
            Lang::En => format!(
                "Someone changed it first (version {read} when you opened it, {current} now): this is how it stands now; check and submit again."
            ),
        });
        self.key = None;
        self.status = StatusCode::CONFLICT;
        self
    }
}

/// A submitted form's fields, by name (the last value of a repeated name).
pub(super) fn typed(pairs: Vec<(String, String)>) -> BTreeMap<String, String> {
    pairs.into_iter().collect()
}

/// The value of `name`, trimmed; empty when absent.
pub(super) fn text<'a>(typed: &'a BTreeMap<String, String>, name: &str) -> &'a str {
    typed.get(name).map(|v| v.trim()).unwrap_or_default()
}

/// The version a form was read at, when it carried one.
pub(super) fn read_version(typed: &BTreeMap<String, String>) -> Option<i64> {
    typed.get("version").and_then(|v| v.trim().parse().ok())
}
