//! Enterprises by batch, and one enterprise with its cases, figures and timeline.

use super::*;

// ---- enterprises by batch ----

/// `/enterprises` parameters.
#[derive(Debug, Default, Deserialize)]
pub(super) struct BatchParams {
    batch: Option<String>,
    year: Option<String>,
}

/// How many enterprises a page of search results shows.
const PAGE_SIZE: usize = 50;

pub(super) async fn enterprises(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
    axum::extract::Query(params): axum::extract::Query<BatchParams>,
) -> Response {
    let given = given_query(&uri);
    if [
        "q", "town", "sector", "stage", "officer", "sort", "page", "format",
    ]
    .iter()
    .any(|k| given.contains_key(*k))
    {
        return search(&state, &user, lang, &uri, &given).await;
    }
    let today_year = state.service.today().year();
    let year = params
        .year
        .as_deref()
        .and_then(|y| y.trim().parse::<i32>().ok())
        .unwrap_or(today_year);
    let batch = params
        .batch
        .as_deref()
        .and_then(|b| b.trim().parse::<u8>().ok())
        .and_then(|b| Batch::new(b).ok());
    let year_q = if year == today_year {
        String::new()
    } else {
        format!("year={year}")
    };
    let href = |b: Option<Batch>| {
        let mut q: Vec<String> = Vec::new();
        if let Some(b) = b {
            q.push(format!("batch={}", b.number()));
        }
        if !year_q.is_empty() {
            q.push(year_q.clone());
        }
        let base = if q.is_empty() {
            "/enterprises".to_owned()
        } else {
            format!("/enterprises?{}", q.join("&"))
        };
        with_lang(&base, lang)
    };
    let mut filters = vec![Link {
        href: href(None),
        label: tr(lang, "全部批次", "All batches").to_owned(),
        active: batch.is_none(),
    }];
    for n in 1..=4u8 {
        if let Ok(b) = Batch::new(n) {
            filters.push(Link {
                href: href(Some(b)),
                label: b.default_label(lang).to_owned(),
                active: batch == Some(b),
            });
        }
    }
    let headers = vec![
        tr(lang, "企业", "Enterprise").to_owned(),
        tr(lang, "统一社会信用代码", "USCC").to_owned(),
        tr(lang, "乡镇", "Town").to_owned(),
        tr(lang, "入批日期", "In batch since").to_owned(),
        tr(lang, "理由", "Reason").to_owned(),
    ];
    let title = tr(lang, "企业名单", "Enterprises");
    let (notice, sections) = match state.service.batch_list(&user, year, batch).await {
        Ok(view) => {
            let mut sections = Vec::new();
            for n in 1..=4u8 {
                let Ok(b) = Batch::new(n) else { continue };
                if batch.is_some_and(|only| only != b) {
                    continue;
                }
                let rows: Vec<Row> = view
                    .entries
                    .iter()
                    .filter(|(entry, _)| entry.batch == b)
                    .map(|(entry, e)| {
                        Row::new(vec![
                            Cell::link(&e.name, enterprise_href(e.uscc.as_str(), lang)),
                            Cell::text(e.uscc.as_str()).class("id"),
                            Cell::text(&e.town),
                            Cell::date(entry.since),
                            Cell::text(entry.reason.clone().unwrap_or_default()),
                        ])
                    })
                    .collect();
                sections.push(Section {
                    heading: format!("{}（{}）", b.default_label(lang), rows.len()),
                    alert: false,
                    note: None,
                    empty: tr(lang, "本批次暂无企业", "No enterprise in this batch").to_owned(),
                    tables: vec![Table {
                        caption: None,
                        headers: headers.clone(),
                        rows,
                    }],
                });
            }
            let status = view.list.value.status.label(lang);
            (
                Some(format!("{year} {} · {status}", tr(lang, "年名单", "list"))),
                sections,
            )
        }
        Err(e) if e.kind() == ErrorKind::NotFound => {
            // No list for the year: show the register instead, so the page still helps.
            let register = match state
                .service
                .list_enterprises(&user, &ListEnterprises::default())
                .await
            {
                Ok(list) => list,
                Err(e) => return error_page(&uri, lang, &user, e),
            };
            let rows = register
                .iter()
                .map(|v| {
                    let e = &v.enterprise;
                    Row::new(vec![
                        Cell::link(&e.name, enterprise_href(e.uscc.as_str(), lang)),
                        Cell::text(e.uscc.as_str()).class("id"),
                        Cell::text(&e.town),
                        Cell::text(e.sector.label(lang)),
                        Cell::text(
                            v.responsible
                                .as_ref()
                                .map(|o| o.name.clone())
                                .unwrap_or_default(),
                        ),
                    ])
                })
                .collect();
            let message = ApiError::from(e).message.get(lang).to_owned();
            (
                Some(message),
                vec![Section {
                    heading: tr(lang, "企业名录", "The register").to_owned(),
                    alert: false,
                    note: None,
                    empty: tr(lang, "暂无企业", "No enterprise yet").to_owned(),
                    tables: vec![Table {
                        caption: None,
                        headers: vec![
                            tr(lang, "企业", "Enterprise").to_owned(),
                            tr(lang, "统一社会信用代码", "USCC").to_owned(),
                            tr(lang, "乡镇", "Town").to_owned(),
                            tr(lang, "行业", "Sector").to_owned(),
                            tr(lang, "负责干部", "Officer").to_owned(),
                        ],
                        rows,
                    }],
                }],
            )
        }
        Err(e) => return error_page(&uri, lang, &user, e),
    };
    let page = Page {
        chrome: chrome(&uri, lang, Some(&user), title, "/enterprises"),
        heading: format!("{title} · {year}"),
        subtitle: Some(
            tr(
                lang,
                "“四个一批”名单中的企业，按批次",
                "Enterprises on the four-batches list, by batch",
            )
            .to_owned(),
        ),
        filters,
        notice,
        list_html: None,
        sections,
        footer: footer(&state.service, lang),
        flash: None,
        extra_html: None,
        actions: vec![search_form(&state, &user, lang).await.values(&given)],
    };
    html(StatusCode::OK, page.render())
}

// ---- one enterprise ----

pub(super) fn guard_lines(guards: &[peiyu_service::GuardResult], lang: Lang) -> Vec<Line> {
    guards
        .iter()
        .map(|g| Line {
            text: format!(
                "{} {}",
                if g.passed { "✓" } else { "✗" },
                g.message.get(lang)
            ),
            class: if g.passed { "pass" } else { "fail" },
        })
        .collect()
}

fn case_section(case: &CaseView, lang: Lang) -> Section {
    let names = &case.names;
    let c = &case.cultivation.value;
    let track = &case.track.track;
    let stage_label = |key: &peiyu_domain::StageKey| {
        track
            .stage(key)
            .map(|s| s.label.get(lang).to_owned())
            .unwrap_or_else(|| key.as_str().to_owned())
    };
    let mut note = format!(
        "{} {} · {} {} {} · {} {}",
        tr(lang, "版本", "version"),
        case.cultivation.version,
        tr(lang, "自", "since"),
        c.stage_since,
        match lang {
            Lang::Zh => format!("（{} 天）", case.days_in_stage),
            Lang::En => format!("({} days)", case.days_in_stage),
        },
        tr(lang, "立案", "opened"),
        c.opened_on,
    );
    if let (Some(stage), Some(date)) = (&c.target_stage, c.target_date) {
        note.push_str(&format!(
            " · {} {} {}",
            tr(lang, "目标", "target"),
            stage_label(stage),
            date
        ));
    }
    if let Some(expires) = c.expires_on {
        note.push_str(&format!(" · {} {expires}", tr(lang, "到期", "expires")));
    }
    let moves = Table {
        caption: Some(tr(lang, "现在可做的推进", "Moves from here").to_owned()),
        headers: vec![
            tr(lang, "推进", "Move").to_owned(),
            tr(lang, "去向阶段", "To stage").to_owned(),
            tr(lang, "状态", "State").to_owned(),
        ],
        rows: case
            .moves
            .iter()
            .map(|m| {
                let state = m.state();
                let class = if state.is_ready() { "ok" } else { "blocked" };
                let state = state.label().get(lang).to_owned();
                Row::new(vec![
                    Cell::text(m.label.get(lang)),
                    Cell::text(stage_label(&m.to)),
                    Cell {
                        text: state.to_owned(),
                        class,
                        lines: guard_lines(&m.guards, lang),
                        ..Cell::default()
                    },
                ])
            })
            .collect(),
    };
    let open_tasks = Table {
        caption: Some(tr(lang, "待办任务", "Open tasks").to_owned()),
        headers: vec![
            tr(lang, "编号", "ID").to_owned(),
            tr(lang, "任务", "Task").to_owned(),
            tr(lang, "负责人", "Assignee").to_owned(),
            tr(lang, "截止", "Due").to_owned(),
        ],
        rows: case
            .open_tasks
            .iter()
            .map(|t| {
                Row::new(vec![
                    Cell::link(short_id(t), super::task::task_href(t, lang)).class("id"),
                    Cell::text(&t.title),
                    Cell::text(names.officer_name(t.assignee)),
                    Cell::date(t.due_on),
                ])
            })
            .collect(),
    };
    let history = Table {
        caption: Some(tr(lang, "阶段记录", "Stage moves").to_owned()),
        headers: vec![
            tr(lang, "生效日期", "Effective").to_owned(),
            tr(lang, "从", "From").to_owned(),
            tr(lang, "到", "To").to_owned(),
            tr(lang, "经办", "By").to_owned(),
            tr(lang, "理由与依据", "Reason and evidence").to_owned(),
        ],
        rows: case
            .history
            .iter()
            .map(|t| {
                // Kept files (`sha256:<hex> <name> (<n> B)`) are linked; other references
                // are shown as typed.
                let (files, typed): (Vec<&String>, Vec<&String>) = t
                    .evidence
                    .iter()
                    .partition(|e| super::task::evidence_href(e).is_some());
                let mut why = t.reason.clone().unwrap_or_default();
                if !typed.is_empty() {
                    if !why.is_empty() {
                        why.push_str(" · ");
                    }
                    let typed: Vec<&str> = typed.iter().map(|e| e.as_str()).collect();
                    why.push_str(&typed.join("，"));
                }
                if t.overridden {
                    why.push_str(tr(lang, "（越过未满足的条件）", " (guards overridden)"));
                }
                Row::new(vec![
                    Cell::date(t.effective_on),
                    Cell::text(t.from.as_ref().map(&stage_label).unwrap_or_default()),
                    Cell::text(stage_label(&t.to)),
                    Cell::text(names.officer_name(t.actor)),
                    Cell {
                        text: why,
                        links: files
                            .into_iter()
                            .filter_map(|e| {
                                super::task::evidence_href(e).map(|href| Link {
                                    href,
                                    label: e.clone(),
                                    active: false,
                                })
                            })
                            .collect(),
                        ..Cell::default()
                    },
                ])
            })
            .collect(),
    };
    Section {
        heading: format!("{}：{}", track.label().get(lang), stage_label(&c.stage)),
        alert: false,
        note: Some(note),
        empty: tr(lang, "无", "None").to_owned(),
        tables: vec![moves, open_tasks, history],
    }
}

pub(super) async fn enterprise(
    state: AppState,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
    Path(key): Path<String>,
    axum::extract::Query(q): axum::extract::Query<super::task::DoneQuery>,
) -> Response {
    let flash = q
        .done
        .as_deref()
        .and_then(|d| super::actions::done_note(d, lang));
    render_enterprise(&state, &user, lang, &uri, &key, flash, None).await
}

/// An enterprise's page, with `outcome` shown in the form it belongs to.
pub(super) async fn render_enterprise(
    state: &AppState,
    user: &Officer,
    lang: Lang,
    uri: &Uri,
    key: &str,
    flash: Option<String>,
    outcome: Option<super::forms::Outcome>,
) -> Response {
    let (user, uri) = (user.clone(), uri.clone());
    let service = &state.service;
    let detail = match service.show_enterprise(&user, key).await {
        Ok(d) => d,
        Err(e) => return error_page(&uri, lang, &user, e),
    };
    let uscc = detail.view.enterprise.uscc.as_str().to_owned();
    let everything = HistoryQuery::default();
    let (cases, history, batches) = match tokio::try_join!(
        service.show_cases(&user, &uscc),
        service.enterprise_history(&user, &uscc, &everything),
        service.batch_history(&user, &uscc),
    ) {
        Ok(found) => found,
        Err(e) => return error_page(&uri, lang, &user, e),
    };
    let status = outcome.as_ref().map(|o| o.status).unwrap_or(StatusCode::OK);
    let actions = super::actions::enterprise_forms(
        state,
        &user,
        lang,
        &detail,
        &cases,
        &batches.1,
        outcome.as_ref(),
    )
    .await;
    let e = &detail.view.enterprise;
    let facts = vec![
        (tr(lang, "统一社会信用代码", "USCC"), uscc.clone()),
        (tr(lang, "行业", "Sector"), e.sector.label(lang).to_owned()),
        (tr(lang, "乡镇", "Town"), e.town.clone()),
        (tr(lang, "地址", "Address"), e.address.clone()),
        (
            tr(lang, "法人类型", "Legal form"),
            e.legal_form.label(lang).to_owned(),
        ),
        (
            tr(lang, "用地面积", "Land area"),
            e.land_area.map(|a| a.format(lang)).unwrap_or_default(),
        ),
        (
            tr(lang, "负责干部", "Responsible officer"),
            detail
                .view
                .responsible
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_else(|| tr(lang, "未指定", "none").to_owned()),
        ),
        (
            tr(lang, "统计名录", "Statistical register"),
            if detail.register.is_empty() {
                tr(lang, "未入库", "not in the register").to_owned()
            } else {
                detail
                    .register
                    .iter()
                    .map(|p| p.describe(lang))
                    .collect::<Vec<_>>()
                    .join(tr(lang, "；", "; "))
            },
        ),
        (
            tr(lang, "档案版本", "Record version"),
            detail.view.version.to_string(),
        ),
    ];
    let facts = facts.into_iter().map(|(k, v)| (k, Cell::text(v))).collect();
    let mut sections = vec![facts_section(tr(lang, "基本信息", "Details"), lang, facts)];
    if cases.cases.is_empty() {
        sections.push(Section {
            heading: tr(lang, "培育流程", "Cultivation").to_owned(),
            alert: false,
            note: None,
            empty: tr(lang, "尚未立案培育", "Not on any track yet").to_owned(),
            tables: Vec::new(),
        });
    }
    sections.extend(cases.cases.iter().map(|c| case_section(c, lang)));
    if !detail.recent_metrics.is_empty() {
        let money =
            |y: Option<peiyu_domain::Yuan>| y.map(|y| y.format_wan_rounded(2)).unwrap_or_default();
        sections.push(Section {
            heading: tr(lang, "近期月度指标", "Recent monthly figures").to_owned(),
            alert: false,
            note: None,
            empty: String::new(),
            tables: vec![Table {
                caption: None,
                headers: vec![
                    tr(lang, "月份", "Month").to_owned(),
                    tr(lang, "主营业务收入", "Revenue").to_owned(),
                    tr(lang, "工业总产值", "Output value").to_owned(),
                    tr(lang, "从业人员", "Employees").to_owned(),
                    tr(lang, "税收", "Tax").to_owned(),
                ],
                rows: detail
                    .recent_metrics
                    .iter()
                    .map(|m| {
                        Row::new(vec![
                            Cell::text(m.month.to_string()).class("date"),
                            Cell::text(money(m.revenue)).class("num"),
                            Cell::text(money(m.output_value)).class("num"),
                            Cell::text(m.employees.map(|n| n.to_string()).unwrap_or_default())
                                .class("num"),
                            Cell::text(money(m.tax)).class("num"),
                        ])
                    })
                    .collect(),
            }],
        });
    }
    sections.push(Section {
        heading: tr(lang, "时间线", "Timeline").to_owned(),
        alert: false,
        note: None,
        empty: tr(lang, "暂无记录", "Nothing recorded yet").to_owned(),
        tables: vec![Table {
            caption: None,
            headers: vec![
                tr(lang, "日期", "Date").to_owned(),
                tr(lang, "类别", "Kind").to_owned(),
                tr(lang, "内容", "What").to_owned(),
                tr(lang, "经办", "By").to_owned(),
                tr(lang, "理由", "Reason").to_owned(),
            ],
            rows: history
                .1
                .iter()
                .map(|t| {
                    let day = t
                        .effective_on
                        .unwrap_or_else(|| service.zone().date_of(t.recorded_at));
                    let label =
                        |l: &Option<peiyu_domain::Text>| l.as_ref().map(|t| t.get(lang).to_owned());
                    let action = t.action_label.get(lang);
                    let what = match (label(&t.from_label), label(&t.to_label)) {
                        (Some(from), Some(to)) => {
                            format!("{action}：{} · {from} → {to}", t.subject)
                        }
                        (None, Some(to)) => format!("{action}：{} · {to}", t.subject),
                        _ => format!("{action}：{}", t.subject),
                    };
                    Row::new(vec![
                        Cell::date(day),
                        Cell::text(t.kind.label(lang)),
                        Cell {
                            text: what,
                            lines: guard_lines_recorded(&t.guards, lang),
                            ..Cell::default()
                        },
                        Cell::text(&t.actor_name),
                        Cell::text(t.reason.clone().unwrap_or_default()),
                    ])
                })
                .collect(),
        }],
    });
    let page = Page {
        chrome: chrome(&uri, lang, Some(&user), &e.name, "/enterprises"),
        heading: e.name.clone(),
        subtitle: Some(format!("{} · {} · {}", uscc, e.sector.label(lang), e.town)),
        filters: Vec::new(),
        notice: e
            .archived
            .then(|| tr(lang, "该企业已归档", "This enterprise is archived").to_owned()),
        list_html: None,
        sections,
        footer: footer(service, lang),
        flash,
        extra_html: super::chart::monthly_chart(
            &detail.recent_metrics,
            e.sector.default_threshold(),
            lang,
        ),
        actions,
    };
    html(status, page.render())
}

fn guard_lines_recorded(guards: &[(bool, peiyu_domain::Text)], lang: Lang) -> Vec<Line> {
    guards
        .iter()
        .map(|(passed, message)| Line {
            text: format!("{} {}", if *passed { "✓" } else { "✗" }, message.get(lang)),
            class: if *passed { "pass" } else { "fail" },
        })
        .collect()
}

/// The search form of `/enterprises`: name or USCC, town, sector, stage, officer, batch, order.
async fn search_form(state: &AppState, user: &Officer, lang: Lang) -> super::forms::ActionForm {
    use super::forms::{ActionForm, FormField};
    let register = state
        .service
        .list_enterprises(user, &ListEnterprises::default())
        .await
        .unwrap_or_default();
    let mut towns: Vec<String> = register.iter().map(|v| v.enterprise.town.clone()).collect();
    towns.sort_by(|a, b| super::pinyin::compare(a, b));
    towns.dedup();
    let any = || (String::new(), tr(lang, "（全部）", "(any)").to_owned());
    let sectors = [
        peiyu_domain::Sector::Industry,
        peiyu_domain::Sector::Wholesale,
        peiyu_domain::Sector::Retail,
        peiyu_domain::Sector::Accommodation,
        peiyu_domain::Sector::Catering,
        peiyu_domain::Sector::Other,
    ];
    ActionForm::search("find-enterprises", "/enterprises".to_owned(), lang)
        .field(
            FormField::new("q", "search", tr(lang, "名称或信用代码", "Name or USCC")).hint(tr(
                lang,
                "名称或代码的一部分，或名称的拼音首字母（如 jmmy 找到加美木业）",
                "part of the name or of the code, or the name's pinyin initials (jmmy finds 加美木业)",
            )),
        )
        .field(
            FormField::new("town", "select", tr(lang, "乡镇", "Town")).choices(
                std::iter::once(any()).chain(towns.into_iter().map(|t| (t.clone(), t))),
                "",
            ),
        )
        .field(
            FormField::new("sector", "select", tr(lang, "行业", "Sector")).choices(
                std::iter::once(any()).chain(
                    sectors
                        .iter()
                        .map(|s| (s.key().to_owned(), s.label(lang).to_owned())),
                ),
                "",
            ),
        )
        .field(
            FormField::new("stage", "select", tr(lang, "培育阶段", "Stage"))
                .choices(
                    std::iter::once(any()).chain(stage_choices(state, user, lang).await),
                    "",
                )
                .hint(tr(
                    lang,
                    "流程 · 阶段：正处在该阶段的企业",
                    "track · stage: the enterprises standing at it",
                )),
        )
        .field(
            FormField::new("officer", "select", tr(lang, "负责干部", "Officer")).choices(
                std::iter::once(any())
                    .chain(super::task::officer_choices(&state.service, user, None).await),
                "",
            ),
        )
        .field(
            FormField::new("batch", "select", tr(lang, "批次", "Batch")).choices(
                std::iter::once(any()).chain(
                    (1..=4u8)
                        .filter_map(|n| Batch::new(n).ok())
                        .map(|b| (b.number().to_string(), b.default_label(lang).to_owned())),
                ),
                "",
            ),
        )
        .field(
            FormField::new("sort", "select", tr(lang, "排序", "Order")).choices(
                [
                    ("name", tr(lang, "按名称", "by name")),
                    ("uscc", tr(lang, "按信用代码", "by USCC")),
                    ("town", tr(lang, "按乡镇", "by town")),
                ]
                .map(|(k, l)| (k.to_owned(), l.to_owned())),
                "name",
            ),
        )
        .button(tr(lang, "查找", "Find"))
}

/// Every stage of each track's newest version, as `track:stage` with the labels
/// "track · stage" in the page's language, in the tracks' order.
async fn stage_choices(state: &AppState, user: &Officer, lang: Lang) -> Vec<(String, String)> {
    let tracks = state.service.list_tracks(user).await.unwrap_or_default();
    let mut newest: Vec<&peiyu_service::TrackView> = Vec::new();
    for view in &tracks {
        match newest
            .iter_mut()
            .find(|v| v.track.key() == view.track.key())
        {
            Some(kept) if kept.record.version < view.record.version => *kept = view,
            Some(_) => {}
            None => newest.push(view),
        }
    }
    newest
        .iter()
        .flat_map(|view| {
            let track = &view.track;
            track.stages().iter().map(move |stage| {
                (
                    format!("{}:{}", track.key().as_str(), stage.key.as_str()),
                    format!("{} · {}", track.label().get(lang), stage.label.get(lang)),
                )
            })
        })
        .collect()
}

/// A `stage` parameter (`track:stage`, or a stage alone for any track) as the service's filter.
fn stage_filter(given: &str) -> Option<peiyu_service::StageFilter> {
    let given = given.trim();
    if given.is_empty() {
        return None;
    }
    Some(match given.split_once(':') {
        Some((track, stage)) => peiyu_service::StageFilter {
            track: Some(track.trim().to_owned()).filter(|t| !t.is_empty()),
            stage: stage.trim().to_owned(),
        },
        None => peiyu_service::StageFilter {
            track: None,
            stage: given.to_owned(),
        },
    })
}

/// Enterprises of the register matching the search, a page at a time, or all of them as the
/// enterprise ledger's XLSX file (`format=xlsx`).
async fn search(
    state: &AppState,
    user: &Officer,
    lang: Lang,
    uri: &Uri,
    given: &std::collections::BTreeMap<String, String>,
) -> Response {
    let get = |k: &str| given.get(k).map(|v| v.trim()).unwrap_or_default();
    let sector = match get("sector") {
        "" => None,
        s => match peiyu_domain::Sector::parse(s) {
            Ok(s) => Some(s),
            Err(e) => {
                let error = ServiceError::invalid_from(peiyu_service::Field::named("sector"), &e);
                return error_page(uri, lang, user, error);
            }
        },
    };
    let query = ListEnterprises {
        officer: Some(get("officer").to_owned()).filter(|o| !o.is_empty()),
        sector,
        town: Some(get("town").to_owned()).filter(|t| !t.is_empty()),
        stage: stage_filter(get("stage")),
        ..ListEnterprises::default()
    };
    // A filter the service refuses (a stage no track has, an unknown officer) is shown beside
    // its field, with nothing found.
    let mut refused = None;
    let mut found = match state.service.list_enterprises(user, &query).await {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::Invalid => {
            let fields = [
                (peiyu_service::Field::named("stage"), "stage"),
                (peiyu_service::Field::Track, "stage"),
                (peiyu_service::Field::Officer, "officer"),
            ];
            refused = Some(
                super::forms::Outcome::new("find-enterprises", given)
                    .service_error(e, lang, &fields),
            );
            Vec::new()
        }
        Err(e) => return error_page(uri, lang, user, e),
    };
    let q = get("q").to_lowercase();
    if !q.is_empty() {
        found.retain(|v| {
            v.enterprise.name.to_lowercase().contains(&q)
                || v.enterprise.uscc.as_str().to_lowercase().contains(&q)
                || super::pinyin::initials_match(&v.enterprise.name, &q)
        });
    }
    let year = state.service.today().year();
    let batch = get("batch")
        .parse::<u8>()
        .ok()
        .and_then(|n| Batch::new(n).ok());
    let batches: std::collections::HashMap<String, Batch> =
        match state.service.batch_list(user, year, None).await {
            Ok(view) => view
                .entries
                .iter()
                .map(|(entry, e)| (e.uscc.as_str().to_owned(), entry.batch))
                .collect(),
            Err(_) => std::collections::HashMap::new(),
        };
    if let Some(b) = batch {
        found.retain(|v| batches.get(v.enterprise.uscc.as_str()) == Some(&b));
    }
    match get("sort") {
        "uscc" => found.sort_by(|a, b| a.enterprise.uscc.cmp(&b.enterprise.uscc)),
        "town" => found.sort_by(|a, b| {
            super::pinyin::compare(&a.enterprise.town, &b.enterprise.town)
                .then_with(|| super::pinyin::compare(&a.enterprise.name, &b.enterprise.name))
        }),
        _ => found.sort_by(|a, b| super::pinyin::compare(&a.enterprise.name, &b.enterprise.name)),
    }
    if get("format") == "xlsx" {
        let sheet = peiyu_formats::ledger::export::enterprises(&found, lang);
        return xlsx_response(&sheet, "enterprises");
    }
    let total = found.len();
    // A list filtered by stage says each firm's stage and track.
    let by_stage = found.iter().any(|v| v.at_stage.is_some());
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page_no = get("page").parse::<usize>().unwrap_or(1).clamp(1, pages);
    let link = |extra: (&str, String)| {
        let pairs: Vec<(&str, &str)> = given
            .iter()
            .filter(|(k, _)| k.as_str() != "page" && k.as_str() != "format")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(std::iter::once((extra.0, extra.1.as_str())))
            .collect();
        with_lang(
            &format!(
                "/enterprises?{}",
                serde_urlencoded::to_string(pairs).unwrap_or_default()
            ),
            lang,
        )
    };
    let mut filters = vec![Link {
        href: link(("format", "xlsx".to_owned())),
        label: "⤓ Excel".to_owned(),
        active: false,
    }];
    if page_no > 1 {
        filters.push(Link {
            href: link(("page", (page_no - 1).to_string())),
            label: tr(lang, "‹ 上一页", "‹ previous page").to_owned(),
            active: false,
        });
    }
    if page_no < pages {
        filters.push(Link {
            href: link(("page", (page_no + 1).to_string())),
            label: tr(lang, "下一页 ›", "next page ›").to_owned(),
            active: false,
        });
    }
    let rows = found
        .iter()
        .skip((page_no - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|v| {
            let e = &v.enterprise;
            let mut cells = vec![
                Cell::link(&e.name, enterprise_href(e.uscc.as_str(), lang)),
                Cell::text(e.uscc.as_str()).class("id"),
            ];
            if by_stage {
                let shown = |label: &dyn Fn(&peiyu_service::AtStage) -> String| {
                    Cell::text(v.at_stage.as_ref().map(label).unwrap_or_default())
                };
                cells.push(shown(&|a| a.stage_label.get(lang).to_owned()));
                cells.push(shown(&|a| a.track_label.get(lang).to_owned()));
            }
            cells.extend([
                Cell::text(&e.town),
                Cell::text(e.sector.label(lang)),
                Cell::text(
                    batches
                        .get(e.uscc.as_str())
                        .map(|b| b.default_label(lang))
                        .unwrap_or("—"),
                ),
                Cell::text(
                    v.responsible
                        .as_ref()
                        .map(|o| o.name.clone())
                        .unwrap_or_default(),
                ),
            ]);
            Row::new(cells)
        })
        .collect();
    let title = tr(lang, "企业名单", "Enterprises");
    let page = Page {
        chrome: chrome(uri, lang, Some(user), title, "/enterprises"),
        heading: format!("{title} · {}", tr(lang, "查找", "search")),
        subtitle: Some(match lang {
            Lang::Zh => format!("找到 {total} 家 · 第 {page_no}/{pages} 页"),
            Lang::En => format!("{total} found · page {page_no} of {pages}"),
        }),
        filters,
        notice: None,
        list_html: None,
        sections: vec![Section {
            heading: tr(lang, "查找结果", "Found").to_owned(),
            alert: false,
            note: None,
            empty: tr(lang, "没有符合条件的企业", "No enterprise matches").to_owned(),
            tables: vec![Table {
                caption: None,
                headers: [
                    tr(lang, "企业", "Enterprise"),
                    tr(lang, "统一社会信用代码", "USCC"),
                ]
                .into_iter()
                .chain(
                    by_stage
                        .then_some([tr(lang, "阶段", "Stage"), tr(lang, "流程", "Track")])
                        .into_iter()
                        .flatten(),
                )
                .chain([
                    tr(lang, "乡镇", "Town"),
                    tr(lang, "行业", "Sector"),
                    tr(lang, "批次", "Batch"),
                    tr(lang, "负责干部", "Officer"),
                ])
                .map(str::to_owned)
                .collect(),
                rows,
            }],
        }],
        footer: footer(&state.service, lang),
        flash: None,
        extra_html: None,
        actions: vec![
            search_form(state, user, lang)
                .await
                .values(given)
                .with(refused.as_ref()),
        ],
    };
    let status = refused.as_ref().map_or(StatusCode::OK, |o| o.status);
    html(status, page.render())
}
