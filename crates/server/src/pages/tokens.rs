//! The tokens page (`/admin/tokens`): the API tokens one may see (every one for an admin, one's
//! own for anyone else), creating one — its secret shown once, on the page that answers the
//! form, never again: the form acts once per key ([`Service::create_token_once`]), and a
//! repeat is told the token exists and its secret was shown once — and revoking one, through the same service calls as `peiyu token create`,
//! `token list` and `token revoke`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use peiyu_domain::Role;
use peiyu_service::{Answer, ApiToken, Field, IssuedToken, StoredAnswer};

use super::forms::{ActionForm, FormField, Outcome, text, typed};
use super::*;

/// The service field each token form names, by form field.
const FIELDS: &[(Field, &str)] = &[
    (Field::Name, "name"),
    (Field::Officer, "officer"),
    (Field::TokenHolder, "officer"),
    (Field::TokenId, "token"),
    (Field::Expires, "expires"),
];

/// `GET /admin/tokens`.
pub(super) async fn tokens_page(
    state: AppState,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
    axum::extract::Query(q): axum::extract::Query<super::task::DoneQuery>,
) -> Response {
    let flash = q.done.as_deref().filter(|d| *d == "revoke").map(|_| {
        tr(
            lang,
            "令牌已吊销：它不能再用于接口。",
            "The token was revoked: the API no longer accepts it.",
        )
        .to_owned()
    });
    render(&state, &user, lang, &uri, flash, None, None).await
}

/// A token's state in words.
fn state_label(token: &ApiToken, now: chrono::DateTime<chrono::Utc>, lang: Lang) -> &'static str {
    if token.revoked {
        tr(lang, "已吊销", "revoked")
    } else if token.usable_at(now) {
        tr(lang, "有效", "in use")
    } else {
        tr(lang, "已过期", "expired")
    }
}

/// A moment as the county reads it: its date and minute in the service's zone.
fn when(service: &Service, at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map(|t| {
        t.with_timezone(&service.zone().0)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    })
    .unwrap_or_default()
}

async fn render(
    state: &AppState,
    user: &Officer,
    lang: Lang,
    uri: &Uri,
    flash: Option<String>,
    secret: Option<String>,
    outcome: Option<Outcome>,
) -> Response {
    let service = &state.service;
    let mut tokens = match service.list_tokens(user).await {
        Ok(found) => found,
        Err(e) => return error_page(uri, lang, user, e),
    };
    tokens.sort_by_key(|(t, _)| std::cmp::Reverse(t.created_at));
    let now = service.now();
    let rows = tokens
        .iter()
        .map(|(t, o)| Row {
            class: if t.usable_at(now) { "" } else { "muted" },
            cells: vec![
                Cell::text(&t.name),
                Cell::text(format!("{}（{}）", o.name, o.login.as_str())),
                Cell::text(state_label(t, now, lang)),
                Cell::text(when(service, Some(t.created_at))).class("date"),
                Cell::text(when(service, t.expires_at)).class("date"),
                Cell::text(when(service, t.last_used_at)).class("date"),
                Cell::text(t.id.to_string()).class("id"),
            ],
        })
        .collect();
    let status = outcome.as_ref().map(|o| o.status).unwrap_or(StatusCode::OK);
    let outcome = outcome.as_ref();
    let owners = if user.role == Role::Admin {
        super::task::officer_choices(service, user, None).await
    } else {
        vec![(user.login.as_str().to_owned(), user.name.clone())]
    };
    let revocable: Vec<(String, String)> = tokens
        .iter()
        .filter(|(t, _)| t.usable_at(now))
        .map(|(t, o)| (t.id.to_string(), format!("{} · {}", t.name, o.name)))
        .collect();
    let first_revocable = revocable
        .first()
        .map(|(id, _)| id.clone())
        .unwrap_or_default();
    let mut actions = vec![
        ActionForm::new(
            "create",
            tr(lang, "创建令牌", "Create a token"),
            "/admin/tokens".to_owned(),
            lang,
        )
        .field(
            FormField::new("name", "text", tr(lang, "名称", "Name"))
                .hint(tr(
                    lang,
                    "它用在哪里，如“月报脚本”；不超过 100 个字。",
                    "Where it is used, like \"monthly report script\"; at most 100 characters.",
                ))
                .required(),
        )
        .field(
            FormField::new("officer", "select", tr(lang, "代表的干部", "Acts as"))
                .choices(owners, user.login.as_str()),
        )
        .field(
            FormField::new(
                "expires",
                "date",
                tr(lang, "有效期至（含）", "Valid through"),
            )
            .hint(tr(
                lang,
                "留空则长期有效，直到吊销。",
                "Leave empty for a token that works until it is revoked.",
            )),
        )
        .intent("create", tr(lang, "创建", "Create"), "")
        .with(outcome),
    ];
    if !revocable.is_empty() {
        actions.push(
            ActionForm::new(
                "revoke",
                tr(lang, "吊销令牌", "Revoke a token"),
                "/admin/tokens".to_owned(),
                lang,
            )
            .field(
                FormField::new("token", "select", tr(lang, "令牌", "Token"))
                    .choices(revocable, &first_revocable)
                    .hint(tr(
                        lang,
                        "吊销后，使用它的程序立即无法再调用接口。",
                        "Programs using it are refused from then on.",
                    )),
            )
            .intent("revoke", tr(lang, "吊销", "Revoke"), "danger")
            .with(outcome),
        );
    }
    let page = Page {
        chrome: chrome(uri, lang, Some(user), tr(lang, "接口令牌", "API tokens"), "/admin"),
        heading: tr(lang, "接口令牌", "API tokens").to_owned(),
        subtitle: Some(
            tr(
                lang,
                "程序调用接口时以 Authorization: Bearer 令牌 出示；网页登录用密码。",
                "Programs present one as Authorization: Bearer <token>; people log in with a password.",
            )
            .to_owned(),
        ),
        filters: admin_links(lang, "/admin/tokens"),
        notice: secret,
        list_html: None,
        sections: vec![Section {
            heading: tr(lang, "令牌", "Tokens").to_owned(),
            alert: false,
            note: None,
            empty: tr(lang, "还没有令牌。", "No tokens yet.").to_owned(),
            tables: vec![Table {
                caption: None,
                headers: [
                    tr(lang, "名称", "Name"),
                    tr(lang, "干部", "Officer"),
                    tr(lang, "状态", "State"),
                    tr(lang, "创建于", "Created"),
                    tr(lang, "有效期至", "Expires"),
                    tr(lang, "最近使用", "Last used"),
                    tr(lang, "编号", "Id"),
                ]
                .into_iter()
                .map(str::to_owned)
                .collect(),
                rows,
            }],
        }],
        footer: footer(service, lang),
        flash,
        extra_html: None,
        actions,
    };
    html(status, page.render())
}

/// The links between the admin pages, `active` highlighted.
pub(super) fn admin_links(lang: Lang, active: &str) -> Vec<Link> {
    [
        ("/admin", "干部与专班", "Officers and teams"),
        ("/admin/tokens", "接口令牌", "API tokens"),
        ("/admin/import", "导入台账", "Import a ledger"),
    ]
    .into_iter()
    .map(|(href, zh, en)| Link {
        href: with_lang(href, lang),
        label: tr(lang, zh, en).to_owned(),
        active: href == active,
    })
    .collect()
}

/// `POST /admin/tokens`: `intent=create` or `intent=revoke`.
pub(super) async fn tokens_action(
    state: AppState,
    PageUser(user): PageUser,
    uri: Uri,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let typed: BTreeMap<String, String> = typed(pairs);
    let lang = form_lang(typed.get("lang").map(String::as_str));
    let service = super::forms::acting(&state.service, &typed);
    if text(&typed, "intent") == "revoke" {
        let failed = |e| Outcome::new("revoke", &typed).service_error(e, lang, FIELDS);
        return match service.revoke_token(&user, text(&typed, "token")).await {
            Ok(_) => Redirect::to(&with_lang("/admin/tokens?done=revoke", lang)).into_response(),
            Err(e) => render(&state, &user, lang, &uri, None, None, Some(failed(e))).await,
        };
    }
    let expires = match text(&typed, "expires") {
        "" => None,
        d => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                let outcome = Outcome::new("create", &typed).field_error(
                    "expires",
                    tr(
                        lang,
                        "日期应写成 2026-12-31 这样的年-月-日",
                        "write the date as year-month-day, like 2026-12-31",
                    ),
                );
                return render(&state, &user, lang, &uri, None, None, Some(outcome)).await;
            }
        },
    };
    let owner = match text(&typed, "officer") {
        "" => None,
        login => Some(login),
    };
    // The key keeps the token's name, never its secret: a repeat says it was shown once.
    let once = super::forms::keyed(
        &typed,
        "token.create",
        "/admin/tokens",
        None,
        |issued: &IssuedToken| StoredAnswer {
            status: 200,
            body: issued.token.name.clone(),
            etag: None,
        },
    );
    let service = state.service.with_request_id(once.key().to_owned());
    match service
        .create_token_once(&user, owner, text(&typed, "name"), expires, &once)
        .await
    {
        Ok(Answer::Replayed(first)) => {
            let note = match lang {
                Lang::Zh => format!(
                    "令牌“{}”已经创建过了，它的密钥只在创建时显示一次：如未保存，请吊销它并另建一个。",
                    first.body
                ),
                Lang::En => format!(
                    "The token \"{}\" was already created; its secret was shown once. If it was not saved, revoke the token and create another.",
                    first.body
                ),
            };
            render(&state, &user, lang, &uri, Some(note), None, None).await
        }
        Ok(Answer::First { value: created, .. }) => {
            let shown = match lang {
                Lang::Zh => format!(
                    "已为{}创建令牌“{}”。请现在复制保存，它只显示这一次：{}",
                    created.officer.name, created.token.name, created.secret
                ),
                Lang::En => format!(
                    "Token \"{}\" was created for {}. Copy it now; it is shown only this once: {}",
                    created.token.name, created.officer.name, created.secret
                ),
            };
            render(&state, &user, lang, &uri, None, Some(shown), None).await
        }
        Err(e) => {
            let outcome = Outcome::new("create", &typed).service_error(e, lang, FIELDS);
            render(&state, &user, lang, &uri, None, None, Some(outcome)).await
        }
    }
}
