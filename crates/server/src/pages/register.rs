//! The statistical register (统计名录): the enterprises in the register of above-scale industry
//! or above-limit trade as of a day, with the counts and the output of the year so far.

use super::*;

/// `/register` parameters.
#[derive(Debug, Default, Deserialize)]
pub(super) struct RegisterParams {
    /// `above_scale` or `above_limit` (规上 / 限上); both when absent.
    kind: Option<String>,
    /// The day (default today).
    as_of: Option<String>,
}

pub(super) async fn register_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
    axum::extract::Query(params): axum::extract::Query<RegisterParams>,
) -> Response {
    let service = &state.service;
    let kind = match params.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => match peiyu_domain::RegisterKind::parse(k) {
            Ok(k) => Some(k),
            Err(e) => {
                return error_page(
                    &uri,
                    lang,
                    &user,
                    ServiceError::invalid_from(peiyu_service::Field::named("kind"), &e),
                );
            }
        },
        None => None,
    };
    let as_of = match params.as_of.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => match peiyu_domain::parse_day(d) {
            Ok(d) => Some(d),
            Err(e) => {
                return error_page(
                    &uri,
                    lang,
                    &user,
                    ServiceError::invalid_from(peiyu_service::Field::AsOf, &e),
                );
            }
        },
        None => None,
    };
    let list = match service.register_list(&user, kind, as_of).await {
        Ok(l) => l,
        Err(e) => return error_page(&uri, lang, &user, e),
    };
    let day = list.as_of;
    let filters = [
        (None, tr(lang, "全部", "All")),
        (
            Some(peiyu_domain::RegisterKind::AboveScale),
            peiyu_domain::RegisterKind::AboveScale.label(lang),
        ),
        (
            Some(peiyu_domain::RegisterKind::AboveLimit),
            peiyu_domain::RegisterKind::AboveLimit.label(lang),
        ),
    ]
    .into_iter()
    .map(|(k, label)| Link {
        href: with_lang(
            &match k {
                Some(k) => format!("/register?kind={}&as_of={day}", k.key()),
                None => format!("/register?as_of={day}"),
            },
            lang,
        ),
        label: label.to_owned(),
        active: k == kind,
    })
    .collect();
    let counts = counts_table(&list.counts, lang, None);
    let rows = Table {
        caption: None,
        headers: vec![
            tr(lang, "序号", "No.").to_owned(),
            tr(lang, "企业名称", "Enterprise").to_owned(),
            tr(lang, "乡镇", "Town").to_owned(),
            tr(lang, "行业", "Sector").to_owned(),
            tr(lang, "类别", "Register").to_owned(),
            tr(lang, "入库年月", "Entered").to_owned(),
            tr(lang, "入库方式", "Route").to_owned(),
            tr(lang, "负责干部", "Officer").to_owned(),
            tr(lang, "本年累计产值", "Output this year").to_owned(),
        ],
        rows: list
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Row::new(vec![
                    Cell::text((i + 1).to_string()).class("num"),
                    Cell::link(
                        &r.enterprise.name,
                        enterprise_href(r.enterprise.uscc.as_str(), lang),
                    ),
                    Cell::text(&r.enterprise.town),
                    Cell::text(r.enterprise.sector.label(lang)),
                    Cell::text(r.period.kind.label(lang)),
                    Cell::text(r.period.entered.to_string()).class("date"),
                    Cell::text(r.period.route.label(lang)),
                    Cell::text(r.officer.clone().unwrap_or_default()),
                    Cell::text(r.output_value.format_wan_rounded(2)).class("num"),
                ])
            })
            .collect(),
    };
    let none = tr(lang, "无", "None").to_owned();
    let sections = vec![
        Section {
            heading: tr(lang, "合计", "Totals").to_owned(),
            alert: false,
            note: None,
            empty: none.clone(),
            tables: vec![counts],
        },
        Section {
            heading: tr(lang, "在库企业", "In the register").to_owned(),
            alert: false,
            note: Some(
                tr(
                    lang,
                    "按入库年月排列；产值为当年 1 月至所选日期所在月的月报合计。入库、退库由培育阶段、统计局名录导入（peiyu import register）或组长、管理员录入（peiyu register enter / exit）。",
                    "By month entered; output is the monthly reports' total from January to the day's month. Entries and exits come from the track stages, the statistics bureau's list (peiyu import register) or a lead's or admin's hand (peiyu register enter / exit).",
                )
                .to_owned(),
            ),
            empty: none,
            tables: vec![rows],
        },
    ];
    let title = tr(lang, "统计名录", "Statistical register");
    let page = Page {
        chrome: chrome(&uri, lang, Some(&user), title, "/register"),
        heading: title.to_owned(),
        subtitle: Some(format!("{} {day}", tr(lang, "截至", "As of"))),
        filters,
        notice: None,
        list_html: None,
        sections,
        footer: footer(service, lang),
        flash: None,
        extra_html: None,
        actions: Vec::new(),
    };
    html(StatusCode::OK, page.render())
}

/// The counts per register as a table: in the register, the year's entries and exits, the
/// output and revenue so far. With `as_of`, each register's name links to its list that day
/// (the progress page's table).
pub(super) fn counts_table(
    counts: &[peiyu_service::RegisterCount],
    lang: Lang,
    as_of: Option<NaiveDate>,
) -> Table {
    Table {
        caption: None,
        headers: vec![
            tr(lang, "类别", "Register").to_owned(),
            tr(lang, "在库（家）", "In the register").to_owned(),
            tr(lang, "本年入库", "Entered this year").to_owned(),
            tr(lang, "本年退库", "Left this year").to_owned(),
            tr(lang, "本年累计产值", "Output this year").to_owned(),
            tr(lang, "本年累计营收", "Revenue this year").to_owned(),
        ],
        rows: counts
            .iter()
            .map(|c| {
                let name = match as_of {
                    Some(day) => Cell::link(
                        c.kind.label(lang),
                        with_lang(
                            &format!("/register?kind={}&as_of={day}", c.kind.key()),
                            lang,
                        ),
                    ),
                    None => Cell::text(c.kind.label(lang)),
                };
                Row::new(vec![
                    name,
                    Cell::text(c.in_register.to_string()).class("num"),
                    Cell::text(c.entered_in_year.to_string()).class("num"),
                    Cell::text(c.exited_in_year.to_string()).class("num"),
                    Cell::text(c.output_value.format_wan_rounded(2)).class("num"),
                    Cell::text(c.revenue.format_wan_rounded(2)).class("num"),
                ])
            })
            .collect(),
    }
}
