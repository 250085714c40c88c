//! My week: the weekly list of peiyu-formats with a week picker, scopes and downloads.

use super::*;

// ---- my week ----

/// What `/week` and `/week/file` show: whose week (yours by default, one team's, or the
/// bureau's) and which ISO week (this one by default).
#[derive(Debug, Default, Deserialize)]
pub(super) struct WeekParams {
    week: Option<String>,
    team: Option<String>,
    all: Option<bool>,
    format: Option<String>,
    /// On the print page: one officer per page.
    per_officer: Option<bool>,
    /// A past week as it really was (effective dates), not as its meeting saw it.
    in_effect: Option<bool>,
}

impl WeekParams {
    /// The query string of these parameters for `week` (without `format`), for links.
    fn query(&self, week: &str) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![("week", week)];
        if let Some(team) = &self.team {
            pairs.push(("team", team));
        }
        if self.all == Some(true) {
            pairs.push(("all", "true"));
        }
        if self.in_effect == Some(true) {
            pairs.push(("in_effect", "true"));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_else(|_| format!("week={week}"))
    }

    /// The parameters of `uri`, or the page that names the one that does not parse.
    fn of(uri: &Uri, lang: Lang, user: &Officer) -> Result<WeekParams, Box<Response>> {
        axum::extract::Query::<WeekParams>::try_from_uri(uri)
            .map(|q| q.0)
            .map_err(|e| {
                let text = e.body_text();
                Box::new(error_page(
                    uri,
                    lang,
                    user,
                    ServiceError::invalid(
                        peiyu_service::Field::Named("query".into()),
                        peiyu_domain::Text::new(
                            format!(
                                "网址参数无效：{text}（week 如 2026-W49，all 为 true 或 false）"
                            ),
                            format!(
                                "invalid parameter: {text} (week like 2026-W49, all true or false)"
                            ),
                        ),
                    ),
                ))
            })
    }
}

/// The weekly list `params` ask for, or the page that says why not.
async fn week_list(
    state: &AppState,
    user: &Officer,
    lang: Lang,
    uri: &Uri,
    params: &WeekParams,
) -> Result<peiyu_service::weekly::WeeklyList, Response> {
    let week = match params.week.as_deref().filter(|w| !w.trim().is_empty()) {
        Some(w) => match w.parse::<peiyu_domain::Week>() {
            Ok(week) => Some(week),
            Err(e) => {
                let text = peiyu_domain::Localize::localize(&e, Lang::Zh);
                return Err(error_page(
                    uri,
                    lang,
                    user,
                    ServiceError::invalid(peiyu_service::Field::Week, text),
                ));
            }
        },
        None => None,
    };
    let query = WeeklyQuery {
        team: params.team.clone().filter(|t| !t.trim().is_empty()),
        all: params.all == Some(true),
        week,
        in_effect: params.in_effect == Some(true),
        ..WeeklyQuery::default()
    };
    state
        .service
        .weekly(user, query)
        .await
        .map_err(|e| error_page(uri, lang, user, e))
}

pub(super) async fn week(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
) -> Response {
    let params = match WeekParams::of(&uri, lang, &user) {
        Ok(p) => p,
        Err(page) => return *page,
    };
    let list = match week_list(&state, &user, lang, &uri, &params).await {
        Ok(list) => list,
        Err(page) => return page,
    };
    let link = |uscc: &str| enterprise_href(uscc, lang);
    let list_html = match peiyu_formats::weekly::html_fragment(&list, lang, Some(&link)) {
        Ok(body) => body,
        Err(e) => return html(StatusCode::INTERNAL_SERVER_ERROR, Err(e)),
    };
    // The week picker, the scopes this officer may see, and the same list as files.
    let this_week = peiyu_domain::Week::containing(state.service.today());
    let mut filters = vec![
        Link {
            href: with_lang(
                &format!("/week?{}", params.query(&list.week.prev().to_string())),
                lang,
            ),
            label: tr(lang, "‹ 上一周", "‹ previous week").to_owned(),
            active: false,
        },
        Link {
            href: with_lang(
                &format!("/week?{}", params.query(&this_week.to_string())),
                lang,
            ),
            label: tr(lang, "本周", "this week").to_owned(),
            active: list.week == this_week,
        },
        Link {
            href: with_lang(
                &format!("/week?{}", params.query(&list.week.next().to_string())),
                lang,
            ),
            label: tr(lang, "下一周 ›", "next week ›").to_owned(),
            active: false,
        },
    ];
    let week_key = list.week.to_string();
    // A past week: as its meeting saw it (the default) or as it really was.
    if list.basis != peiyu_service::weekly::ListBasis::Current {
        for (in_effect, label) in [
            (false, tr(lang, "按当日例会所见", "as the meeting saw it")),
            (true, tr(lang, "按实际生效日期", "as it really was")),
        ] {
            let basis = WeekParams {
                team: params.team.clone(),
                all: params.all,
                in_effect: in_effect.then_some(true),
                ..WeekParams::default()
            };
            filters.push(Link {
                href: with_lang(&format!("/week?{}", basis.query(&week_key)), lang),
                label: label.to_owned(),
                active: (params.in_effect == Some(true)) == in_effect,
            });
        }
    }
    let mine = WeekParams::default();
    filters.push(Link {
        href: with_lang(&format!("/week?{}", mine.query(&week_key)), lang),
        label: tr(lang, "我的", "mine").to_owned(),
        active: params.team.is_none() && params.all != Some(true),
    });
    if let Ok(teams) = state.service.list_teams(&user).await {
        let sees_all = matches!(
            user.role,
            peiyu_domain::Role::Admin | peiyu_domain::Role::Leader
        );
        for t in teams.iter().filter(|t| {
            sees_all
                || t.lead.as_ref().is_some_and(|l| l.id == user.id)
                || t.members.iter().any(|m| m.id == user.id)
        }) {
            let scope = WeekParams {
                team: Some(t.team.name.clone()),
                ..WeekParams::default()
            };
            filters.push(Link {
                href: with_lang(&format!("/week?{}", scope.query(&week_key)), lang),
                label: t.team.name.clone(),
                active: params.team.as_deref() == Some(t.team.name.as_str()),
            });
        }
        if sees_all {
            let scope = WeekParams {
                all: Some(true),
                ..WeekParams::default()
            };
            filters.push(Link {
                href: with_lang(&format!("/week?{}", scope.query(&week_key)), lang),
                label: tr(lang, "全局", "whole bureau").to_owned(),
                active: params.all == Some(true),
            });
        }
    }
    for (format, label) in [
        ("xlsx", "Excel"),
        ("csv", "CSV"),
        ("ics", tr(lang, "日历", "calendar")),
        ("html", tr(lang, "网页文件", "HTML file")),
    ] {
        filters.push(Link {
            href: with_lang(
                &format!("/week/file?{}&format={format}", params.query(&week_key)),
                lang,
            ),
            label: format!("⤓ {label}"),
            active: false,
        });
    }
    filters.push(Link {
        href: with_lang(&format!("/week/print?{}", params.query(&week_key)), lang),
        label: format!("⎙ {}", tr(lang, "周例会打印", "print for the meeting")),
        active: false,
    });
    let page = Page {
        chrome: chrome(
            &uri,
            lang,
            Some(&user),
            tr(lang, "我的一周", "My week"),
            "/week",
        ),
        heading: format!("{} · {}", tr(lang, "我的一周", "My week"), list.week),
        subtitle: None,
        filters,
        notice: None,
        list_html: Some(list_html),
        sections: Vec::new(),
        footer: footer(&state.service, lang),
        flash: None,
        extra_html: None,
        actions: Vec::new(),
    };
    html(StatusCode::OK, page.render())
}

/// `/week/file?format=xlsx|csv|ics|html|md|json`: the list of `/week` as a file to download,
/// the same bytes as `peiyu weekly --format …`.
pub(super) async fn week_file(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
) -> Response {
    let params = match WeekParams::of(&uri, lang, &user) {
        Ok(p) => p,
        Err(page) => return *page,
    };
    let format = match params
        .format
        .as_deref()
        .unwrap_or("xlsx")
        .parse::<peiyu_formats::weekly::Format>()
    {
        Ok(f) => f,
        Err(e) => {
            return error_page(
                &uri,
                lang,
                &user,
                ServiceError::invalid(
                    peiyu_service::Field::Named("format".into()),
                    peiyu_domain::Text::new(e.message_zh(), e.to_string()),
                ),
            );
        }
    };
    let list = match week_list(&state, &user, lang, &uri, &params).await {
        Ok(list) => list,
        Err(page) => return page,
    };
    let bytes = match peiyu_formats::weekly::render(&list, format, lang) {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "a weekly file could not be rendered");
            return ApiError::internal("无法生成该文件", "the file could not be rendered")
                .into_response();
        }
    };
    crate::views::file_response(bytes, format, &format!("weekly-{}", list.week))
}

/// The meeting's sheet (周例会): the week's list as peiyu-formats draws it, with the scope in
/// the title, a notes column and the seal; A4 landscape when printed, and with
/// `per_officer=true` one officer of the team (or the bureau) per page.
#[derive(Template)]
#[template(path = "print.html")]
struct PrintPage {
    chrome: Chrome,
    heading: String,
    subtitle: String,
    hint: &'static str,
    filters: Vec<Link>,
    per_officer: bool,
    parts: Vec<String>,
    sign: String,
}

/// `/week/print`: the meeting's sheet of the list `/week` shows.
pub(super) async fn week_print(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
) -> Response {
    let params = match WeekParams::of(&uri, lang, &user) {
        Ok(p) => p,
        Err(page) => return *page,
    };
    let list = match week_list(&state, &user, lang, &uri, &params).await {
        Ok(list) => list,
        Err(page) => return page,
    };
    let scope = match (&params.team, params.all) {
        (Some(team), _) => team.clone(),
        (None, Some(true)) => tr(lang, "全局", "The whole bureau").to_owned(),
        _ => user.name.clone(),
    };
    let per_officer = params.per_officer == Some(true);
    let mut lists = Vec::new();
    if per_officer {
        let officers: Vec<Officer> = match (&params.team, params.all) {
            (Some(team), _) => state
                .service
                .list_teams(&user)
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|t| &t.team.name == team)
                .flat_map(|t| t.lead.into_iter().chain(t.members))
                .collect(),
            (None, Some(true)) => state.service.list_officers(&user).await.unwrap_or_default(),
            _ => vec![user.clone()],
        };
        let mut seen = std::collections::BTreeSet::new();
        for officer in officers.into_iter().filter(|o| o.active) {
            if !seen.insert(officer.id) {
                continue;
            }
            let query = WeeklyQuery {
                officer: Some(officer.login.as_str().to_owned()),
                week: Some(list.week),
                in_effect: params.in_effect == Some(true),
                ..WeeklyQuery::default()
            };
            match state.service.weekly(&user, query).await {
                Ok(one) => lists.push(one),
                Err(e) => {
                    tracing::warn!(officer = %officer.login.as_str(), error = %e, "an officer's list was left out of the print")
                }
            }
        }
    } else {
        lists.push(list.clone());
    }
    let link = |uscc: &str| enterprise_href(uscc, lang);
    let mut parts = Vec::new();
    for one in &lists {
        match peiyu_formats::weekly::html_fragment(one, lang, Some(&link)) {
            Ok(body) => parts.push(body),
            Err(e) => return html(StatusCode::INTERNAL_SERVER_ERROR, Err(e)),
        }
    }
    let week_key = list.week.to_string();
    let toggle = WeekParams {
        week: None,
        team: params.team.clone(),
        all: params.all,
        format: None,
        per_officer: None,
        in_effect: params.in_effect,
    };
    let base = format!("/week/print?{}", toggle.query(&week_key));
    let filters = vec![
        Link {
            href: with_lang(&format!("/week?{}", toggle.query(&week_key)), lang),
            label: tr(lang, "‹ 返回本周清单", "‹ back to the list").to_owned(),
            active: false,
        },
        Link {
            href: with_lang(&base, lang),
            label: tr(lang, "合并打印", "all together").to_owned(),
            active: !per_officer,
        },
        Link {
            href: with_lang(&format!("{base}&per_officer=true"), lang),
            label: tr(lang, "每人一页", "one officer per page").to_owned(),
            active: per_officer,
        },
    ];
    let page = PrintPage {
        chrome: chrome(
            &uri,
            lang,
            Some(&user),
            tr(lang, "周例会", "Weekly meeting"),
            "/week",
        ),
        heading: format!(
            "{} · {scope}",
            tr(lang, "周例会任务清单", "Weekly meeting: tasks")
        ),
        subtitle: format!(
            "{} {} · {} {}",
            tr(lang, "周次", "Week"),
            list.week,
            tr(lang, "打印日期", "printed on"),
            state.service.today()
        ),
        hint: tr(
            lang,
            "用浏览器的“打印”（Ctrl+P）打印：A4 横向，每行后留“备注”栏供会上手写。",
            "Print with the browser (Ctrl+P): A4 landscape, with a notes column after every row for the meeting.",
        ),
        filters,
        per_officer,
        parts,
        sign: tr(
            lang,
            "记录人：　　　　　　　　　审核：",
            "Recorded by:                    Checked by:",
        )
        .to_owned(),
    };
    html(StatusCode::OK, page.render())
}
