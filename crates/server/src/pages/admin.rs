//! Admin pages: the officers and teams, adding an officer, putting one in a team or taking them
//! off it, changing a role, deactivating an officer (with a successor for their work), setting
//! a first password, loading the State Council's holiday notice (checked first, then applied),
//! and a lead's bulk transfer of an officer's open tasks — through the same service calls as
//! `peiyu officer add`, `team join` / `team leave`, `officer role`, `officer deactivate`,
//! `officer password`, `calendar load` and `task bulk-transfer`. The service decides who may do
//! each (admins; a team's lead for their team).

use std::collections::BTreeMap;

use peiyu_domain::{Login, Role};
use peiyu_service::{NewOfficer, NoticeInput};

use super::forms::{ActionForm, FormField, Outcome, text, typed};
use super::*;

pub(super) async fn admin_page(
    state: AppState,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
    axum::extract::Query(q): axum::extract::Query<super::task::DoneQuery>,
) -> Response {
    let flash = q.done.as_deref().map(|d| match d {
        "officer" => tr(lang, "已添加干部。", "The officer was added."),
        "team" => tr(lang, "已加入专班。", "The officer joined the team."),
        "leave" => tr(lang, "已移出专班。", "The officer was taken off the team."),
        "deactivate" => tr(
            lang,
            "已停用该干部：其企业和未完成任务已交接，令牌已吊销。",
            "The officer was deactivated: their enterprises and open tasks were handed over, their tokens revoked.",
        ),
        "role" => tr(lang, "角色已调整。", "The role was changed."),
        "password" => tr(
            lang,
            "已设置密码：该干部首次登录时须修改。",
            "The password was set: the officer changes it at first login.",
        ),
        "transfer" => tr(lang, "任务已批量转办。", "The tasks were transferred."),
        _ => tr(lang, "节假日通知已载入。", "The holiday notice was loaded."),
    });
    render(&state, &user, lang, &uri, flash.map(str::to_owned), None).await
}

/// Role choices, in the words of the page.
fn roles(lang: Lang) -> Vec<(String, String)> {
    [Role::Officer, Role::Lead, Role::Leader, Role::Admin]
        .into_iter()
        .map(|r| (r.key().to_owned(), r.label(lang).to_owned()))
        .collect()
}

async fn render(
    state: &AppState,
    user: &Officer,
    lang: Lang,
    uri: &Uri,
    flash: Option<String>,
    outcome: Option<Outcome>,
) -> Response {
    let service = &state.service;
    let (officers, teams) =
        match tokio::try_join!(service.list_officers(user), service.list_teams(user)) {
            Ok(found) => found,
            Err(e) => return error_page(uri, lang, user, e),
        };
    let status = outcome.as_ref().map(|o| o.status).unwrap_or(StatusCode::OK);
    let outcome = outcome.as_ref();
    let mut people: Vec<&Officer> = officers.iter().collect();
    people.sort_by(|a, b| super::pinyin::compare(&a.name, &b.name));
    let team_of = |o: &Officer| {
        teams
            .iter()
            .filter(|t| {
                t.lead.as_ref().is_some_and(|l| l.id == o.id)
                    || t.members.iter().any(|m| m.id == o.id)
            })
            .map(|t| t.team.name.clone())
            .collect::<Vec<_>>()
            .join("、")
    };
    let officer_rows = people
        .iter()
        .map(|o| Row {
            class: if o.active { "" } else { "muted" },
            cells: vec![
                Cell::text(&o.name),
                Cell::text(o.login.as_str()).class("id"),
                Cell::text(o.role.label(lang)),
                Cell::text(team_of(o)),
                Cell::text(if o.active {
                    tr(lang, "在岗", "active")
                } else {
                    tr(lang, "停用", "inactive")
                }),
            ],
        })
        .collect();
    let choices = super::task::officer_choices(service, user, None).await;
    let first = choices.first().map(|(l, _)| l.clone()).unwrap_or_default();
    let second = choices
        .get(1)
        .map(|(l, _)| l.clone())
        .unwrap_or_else(|| first.clone());
    let team_names: Vec<(String, String)> = teams
        .iter()
        .map(|t| (t.team.name.clone(), t.team.name.clone()))
        .collect();
    let first_team = team_names
        .first()
        .map(|(n, _)| n.clone())
        .unwrap_or_default();
    let mut actions = vec![
        ActionForm::new(
            "officer",
            tr(lang, "添加干部", "Add an officer"),
            "/admin/officer".to_owned(),
            lang,
        )
        .field(
            FormField::new("login", "text", tr(lang, "登录名", "Login"))
                .hint(tr(
                    lang,
                    "小写字母、数字和 . _ -，如 wang.w",
                    "lower-case letters, digits and . _ -, like wang.w",
                ))
                .required(),
        )
        .field(FormField::new("name", "text", tr(lang, "姓名", "Name")).required())
        .field(
            FormField::new("role", "select", tr(lang, "角色", "Role"))
                .choices(roles(lang), "officer"),
        )
        .button(tr(lang, "添加", "Add"))
        .with(outcome),
        ActionForm::new(
            "team",
            tr(lang, "调整专班", "Change an officer's team"),
            "/admin/team".to_owned(),
            lang,
        )
        .field(
            FormField::new("team", "select", tr(lang, "专班", "Team"))
                .choices(team_names.clone(), &first_team),
        )
        .field(
            FormField::new("officer", "select", tr(lang, "干部", "Officer"))
                .choices(choices.clone(), &first)
                .hint(tr(
                    lang,
                    "换专班：先移出原专班，再加入新专班。组长不能移出自己带的专班。",
                    "To change teams, take the officer off one and put them in the other. A lead stays on the team they lead.",
                )),
        )
        .field(
            FormField::new(
                "on",
                "date",
                tr(lang, "加入或移出日期（默认今天）", "Joins or leaves on (default today)"),
            )
            .hint(tr(
                lang,
                "移出当天起不再是成员；补录以前的调整时填写当时的日期。",
                "No longer a member from the day they leave; to record an earlier change, give its day.",
            )),
        )
        .intent("join", tr(lang, "加入", "Join"), "")
        .intent("leave", tr(lang, "移出", "Take off"), "secondary")
        .with(outcome),
        ActionForm::new(
            "role",
            tr(lang, "调整角色", "Change an officer's role"),
            "/admin/role".to_owned(),
            lang,
        )
        .field(
            FormField::new("officer", "select", tr(lang, "干部", "Officer"))
                .choices(choices.clone(), &first),
        )
        .field(
            FormField::new("role", "select", tr(lang, "新角色", "New role"))
                .choices(roles(lang), "lead"),
        )
        .field(FormField::new("reason", "text", tr(lang, "理由", "Reason")).required())
        .button(tr(lang, "调整角色", "Change the role"))
        .with(outcome),
        ActionForm::new(
            "deactivate",
            tr(lang, "停用干部", "Deactivate an officer"),
            "/admin/deactivate".to_owned(),
            lang,
        )
        .field(
            FormField::new("officer", "select", tr(lang, "停用", "Deactivate"))
                .choices(choices.clone(), &first)
                .hint(tr(
                    lang,
                    "在一个事务中：其负责的企业和未完成任务交给接替者，委派给他的任务退回，令牌吊销，登录结束。",
                    "In one transaction: their enterprises and open tasks go to the successor, tasks delegated to them go back, their tokens are revoked and sessions ended.",
                )),
        )
        .field(
            FormField::new("successor", "select", tr(lang, "接替者", "Successor"))
                .choices(choices.clone(), &second)
                .required(),
        )
        .field(FormField::new("reason", "text", tr(lang, "理由", "Reason")).required())
        .intent("deactivate", tr(lang, "停用", "Deactivate"), "danger")
        .with(outcome),
        ActionForm::new(
            "transfer",
            tr(lang, "批量转办", "Transfer all of an officer's tasks"),
            "/admin/transfer".to_owned(),
            lang,
        )
        .field(
            FormField::new("from", "select", tr(lang, "从", "From"))
                .choices(choices.clone(), &first)
                .hint(tr(
                    lang,
                    "该干部的全部未完成任务，在一个事务中转给另一位干部（组长或管理员）。",
                    "Every open task of the officer, moved to another in one transaction (leads and admins).",
                )),
        )
        .field(FormField::new("to", "select", tr(lang, "转给", "To")).choices(choices.clone(), &first))
        .field(FormField::new("reason", "text", tr(lang, "理由", "Reason")).required())
        .button(tr(lang, "批量转办", "Transfer them"))
        .with(outcome),
        ActionForm::new(
            "password",
            tr(lang, "设置初始密码", "Set a first password"),
            "/admin/password".to_owned(),
            lang,
        )
        .field(
            FormField::new("officer", "select", tr(lang, "干部", "Officer"))
                .choices(choices, &first),
        )
        .field(
            FormField::new(
                "password",
                "password",
                tr(
                    lang,
                    "密码（至少 8 个字符）",
                    "Password (at least 8 characters)",
                ),
            )
            .hint(tr(
                lang,
                "该干部首次登录时须改为自己的密码。",
                "The officer must change it at first login.",
            ))
            .required(),
        )
        .button(tr(lang, "设置", "Set"))
        .with(outcome),
        ActionForm::new(
            "notice",
            tr(lang, "载入节假日通知", "Load the holiday notice"),
            "/admin/notice".to_owned(),
            lang,
        )
        .field(
            FormField::new(
                "text",
                "textarea",
                tr(lang, "通知全文", "The notice's text"),
            )
            .hint(tr(
                lang,
                "粘贴国务院办公厅关于部分节假日安排的通知全文；先检查，核对后再载入。",
                "Paste the State Council's notice on holiday arrangements; check it, then load it.",
            ))
            .required(),
        )
        .field(
            FormField::new(
                "year",
                "number",
                tr(
                    lang,
                    "年份（标题未写明时）",
                    "Year (when the title does not say)",
                ),
            )
            .inputmode("numeric"),
        )
        .intent("check", tr(lang, "检查", "Check"), "secondary")
        .intent("apply", tr(lang, "载入", "Load"), "")
        .with(outcome),
    ];
    if user.role != Role::Admin {
        // A lead changes their team's members and hands over tasks; the rest is an admin's.
        actions.retain(|form| matches!(form.id.as_str(), "team" | "transfer"));
    }
    let asked = members_asked(uri);
    actions.push(
        ActionForm::search("members-on", "/admin".to_owned(), lang)
            .field(
                FormField::new("team", "select", tr(lang, "专班", "Team"))
                    .choices(team_names.clone(), &first_team),
            )
            .field(FormField::new(
                "as_of",
                "date",
                tr(lang, "某日的成员（默认今天）", "Members on (default today)"),
            ))
            .button(tr(lang, "查看成员", "Show members"))
            .values(&asked),
    );
    let members_section = match asked.get("team").filter(|t| !t.is_empty()) {
        Some(team) => Some(members_on(service, user, lang, team, asked.get("as_of")).await),
        None => None,
    };
    let teams_rows = teams
        .iter()
        .map(|t| {
            Row::new(vec![
                Cell::text(&t.team.name),
                Cell::text(t.lead.as_ref().map(|l| l.name.clone()).unwrap_or_default()),
                Cell::text(
                    t.members
                        .iter()
                        .map(|m| m.name.as_str())
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
            ])
        })
        .collect();
    let title = tr(lang, "管理", "Admin");
    let page = Page {
        chrome: chrome(uri, lang, Some(user), title, "/admin"),
        heading: tr(lang, "干部与专班", "Officers and teams").to_owned(),
        subtitle: None,
        filters: super::tokens::admin_links(lang, "/admin"),
        notice: None,
        list_html: None,
        sections: vec![
            Section {
                heading: tr(lang, "干部", "Officers").to_owned(),
                alert: false,
                note: None,
                empty: tr(lang, "无", "None").to_owned(),
                tables: vec![Table {
                    caption: None,
                    headers: [
                        tr(lang, "姓名", "Name"),
                        tr(lang, "登录名", "Login"),
                        tr(lang, "角色", "Role"),
                        tr(lang, "专班", "Teams"),
                        tr(lang, "状态", "Status"),
                    ]
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
                    rows: officer_rows,
                }],
            },
            Section {
                heading: tr(lang, "专班", "Teams").to_owned(),
                alert: false,
                note: None,
                empty: tr(lang, "无", "None").to_owned(),
                tables: vec![Table {
                    caption: None,
                    headers: [
                        tr(lang, "专班", "Team"),
                        tr(lang, "组长", "Lead"),
                        tr(lang, "成员", "Members"),
                    ]
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
                    rows: teams_rows,
                }],
            },
        ]
        .into_iter()
        .chain(members_section)
        .collect(),
        footer: footer(service, lang),
        flash,
        extra_html: None,
        actions,
    };
    html(status, page.render())
}

/// What the 专班成员（按日期） form asked (`?team=&as_of=`), as typed.
fn members_asked(uri: &Uri) -> BTreeMap<String, String> {
    axum::extract::Query::<BTreeMap<String, String>>::try_from_uri(uri)
        .map(|q| q.0)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k == "team" || k == "as_of")
        .collect()
}

/// The members `team` had on the day typed (today when none): a section of the page, or one
/// that says what is wrong (a day not like 2023-07-03, no such team).
async fn members_on(
    service: &peiyu_service::Service,
    user: &Officer,
    lang: Lang,
    team: &str,
    as_of: Option<&String>,
) -> Section {
    let refused = |note: String| Section {
        heading: tr(lang, "专班成员（按日期）", "Team members on a day").to_owned(),
        alert: true,
        note: Some(note),
        empty: String::new(),
        tables: Vec::new(),
    };
    let day = match as_of.map(|d| d.trim()).filter(|d| !d.is_empty()) {
        None => service.today(),
        Some(typed) => match peiyu_domain::parse_day(typed) {
            Ok(day) => day,
            Err(_) => {
                return refused(format!(
                    "{}: {typed}",
                    tr(lang, "日期应形如 2023-07-03", "a date like 2023-07-03")
                ));
            }
        },
    };
    let shown = match service.team_on(user, team, day).await {
        Ok(shown) => shown,
        Err(e) => {
            return refused(
                peiyu_domain::Localize::localize(&e, lang)
                    .get(lang)
                    .to_owned(),
            );
        }
    };
    let rows = shown
        .members
        .iter()
        .map(|m| {
            Row::new(vec![
                Cell::text(&m.officer.name),
                Cell::text(m.officer.login.as_str()),
                Cell::date(m.joined_on),
                m.left_on.map(Cell::date).unwrap_or_else(|| Cell::text("")),
            ])
        })
        .collect();
    Section {
        heading: match lang {
            Lang::Zh => format!("「{}」{} 的成员", shown.team.name, shown.day),
            Lang::En => format!("Members of \"{}\" on {}", shown.team.name, shown.day),
        },
        alert: false,
        note: None,
        empty: tr(lang, "当日无成员", "No members that day").to_owned(),
        tables: vec![Table {
            caption: None,
            headers: [
                tr(lang, "姓名", "Name"),
                tr(lang, "登录名", "Login"),
                tr(lang, "加入日期", "Joined on"),
                tr(lang, "退出日期", "Left on"),
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
            rows,
        }],
    }
}

/// The service field each admin form names, by form field.
fn fields() -> Vec<(Field, &'static str)> {
    vec![
        (Field::Name, "name"),
        (Field::Officer, "officer"),
        (Field::On, "on"),
        (Field::From, "from"),
        (Field::To, "to"),
        (Field::Reason, "reason"),
        (Field::Password, "password"),
        (Field::Notice, "text"),
        (Field::Year, "year"),
        (Field::Calendar, "text"),
        (Field::named("role"), "role"),
        (Field::named("enterprises_to"), "successor"),
        (Field::named("tasks_to"), "successor"),
    ]
}

use peiyu_service::Field;

/// `POST /admin/{action}`: officer, team (`intent` join or leave), role, deactivate, password,
/// transfer or notice. Each form with a service `*_once` variant acts through it with the
/// form's key, so a double submit acts once; the others run with the key as their request id.
pub(super) async fn admin_action(
    state: AppState,
    PageUser(user): PageUser,
    uri: Uri,
    Path(action): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let typed: BTreeMap<String, String> = typed(pairs);
    let lang = form_lang(typed.get("lang").map(String::as_str));
    let form: &'static str = match action.as_str() {
        "officer" => "officer",
        "team" => "team",
        "role" => "role",
        "deactivate" => "deactivate",
        "password" => "password",
        "transfer" => "transfer",
        "notice" => "notice",
        _ => {
            return message_page(
                StatusCode::NOT_FOUND,
                lang,
                tr(lang, "没有这个管理操作。", "There is no such admin action."),
            );
        }
    };
    let leave = form == "team" && text(&typed, "intent") == "leave";
    let done = if leave { "leave" } else { form };
    let location = with_lang(&format!("/admin?done={done}"), lang);
    let path = format!("/admin/{form}");
    let service = super::forms::acting(&state.service, &typed);
    let failed = |e: ServiceError| Outcome::new(form, &typed).service_error(e, lang, &fields());
    let result: Result<(), Outcome> = match form {
        "officer" => match Login::new(text(&typed, "login")) {
            Err(e) => Err(Outcome::new(form, &typed).field_error(
                "login",
                peiyu_domain::Localize::localize(&e, lang)
                    .get(lang)
                    .to_owned(),
            )),
            Ok(login) => {
                let role = Role::parse(text(&typed, "role")).unwrap_or(Role::Officer);
                let new = NewOfficer {
                    login,
                    name: text(&typed, "name").to_owned(),
                    role,
                };
                let once = super::forms::once(&typed, "officer.add", &path, None, location.clone());
                return match service.add_officer_once(&user, new, &once).await {
                    Ok(answer) => super::forms::answered(&once, answer),
                    Err(e) => render(&state, &user, lang, &uri, None, Some(failed(e))).await,
                };
            }
        },
        "team" => {
            let (team, officer) = (text(&typed, "team"), text(&typed, "officer"));
            let on = match text(&typed, "on") {
                "" => None,
                day => match peiyu_domain::parse_day(day) {
                    Ok(d) => Some(d),
                    Err(_) => {
                        let outcome = Outcome::new(form, &typed).field_error(
                            "on",
                            tr(lang, "日期应形如 2023-07-03", "a date like 2023-07-03"),
                        );
                        return render(&state, &user, lang, &uri, None, Some(outcome)).await;
                    }
                },
            };
            let once = super::forms::once(
                &typed,
                if leave { "team.leave" } else { "team.join" },
                &path,
                None,
                location.clone(),
            );
            let answer = if leave {
                service
                    .leave_team_once(&user, team, officer, on, &once)
                    .await
            } else {
                service
                    .join_team_once(&user, team, officer, on, &once)
                    .await
            };
            return match answer {
                Ok(answer) => super::forms::answered(&once, answer),
                Err(e) => render(&state, &user, lang, &uri, None, Some(failed(e))).await,
            };
        }
        "role" => match Role::parse(text(&typed, "role")) {
            Err(_) => Err(Outcome::new(form, &typed)
                .field_error("role", tr(lang, "请选择一个角色", "choose a role"))),
            Ok(role) => {
                let once =
                    super::forms::once(&typed, "officer.role", &path, None, location.clone());
                return match service
                    .set_role_once(
                        &user,
                        text(&typed, "officer"),
                        role,
                        text(&typed, "reason"),
                        &once,
                    )
                    .await
                {
                    Ok(answer) => super::forms::answered(&once, answer),
                    Err(e) => render(&state, &user, lang, &uri, None, Some(failed(e))).await,
                };
            }
        },
        "deactivate" => {
            let once =
                super::forms::once(&typed, "officer.deactivate", &path, None, location.clone());
            let to = peiyu_service::Successors {
                successor: text(&typed, "successor"),
                enterprises_to: None,
                tasks_to: None,
            };
            return match service
                .deactivate_officer_once(
                    &user,
                    text(&typed, "officer"),
                    to,
                    text(&typed, "reason"),
                    &once,
                )
                .await
            {
                Ok(answer) => super::forms::answered(&once, answer),
                Err(e) => render(&state, &user, lang, &uri, None, Some(failed(e))).await,
            };
        }
        "password" => service
            .set_password(&user, text(&typed, "officer"), text(&typed, "password"))
            .await
            .map(|_| ())
            .map_err(failed),
        "transfer" => {
            let cmd = peiyu_service::BulkTransfer {
                from: text(&typed, "from").to_owned(),
                to: text(&typed, "to").to_owned(),
                reason: text(&typed, "reason").to_owned(),
                ..peiyu_service::BulkTransfer::default()
            };
            service
                .bulk_transfer(&user, &cmd)
                .await
                .map(|_| ())
                .map_err(failed)
        }
        _ => {
            let apply = text(&typed, "intent") == "apply";
            let year = match text(&typed, "year") {
                "" => None,
                y => y.parse::<i32>().ok(),
            };
            let input = NoticeInput::Text {
                text: typed.get("text").cloned().unwrap_or_default(),
                year,
            };
            if apply {
                let once =
                    super::forms::once(&typed, "calendar.load", &path, None, location.clone());
                return match service.load_notice_once(&user, input, true, &once).await {
                    Ok(answer) => super::forms::answered(&once, answer),
                    Err(e) => render(&state, &user, lang, &uri, None, Some(failed(e))).await,
                };
            }
            match service.load_notice(&user, input, false).await {
                Ok(load) => {
                    let mut shown = Outcome::new(form, &typed);
                    shown.status = StatusCode::OK;
                    shown.key = typed.get("key").cloned();
                    shown.lines.push(Line {
                        text: match lang {
                            Lang::Zh => format!(
                                "{} 年：工作日 {} → {} 天；核对无误后点“载入”。",
                                load.year, load.working_days_before, load.working_days_after
                            ),
                            Lang::En => format!(
                                "{}: {} → {} working days; check, then Load.",
                                load.year, load.working_days_before, load.working_days_after
                            ),
                        },
                        class: "",
                    });
                    shown.lines.extend(load.holidays.iter().map(|h| Line {
                        text: format!(
                            "{}：{}",
                            h.name,
                            h.ranges
                                .iter()
                                .map(|(a, b)| format!("{a}–{b}"))
                                .collect::<Vec<_>>()
                                .join("，")
                        ),
                        class: "pass",
                    }));
                    Err(shown)
                }
                Err(e) => Err(failed(e)),
            }
        }
    };
    match result {
        Ok(()) => Redirect::to(&with_lang(&format!("/admin?done={form}"), lang)).into_response(),
        Err(outcome) => render(&state, &user, lang, &uri, None, Some(outcome)).await,
    }
}
