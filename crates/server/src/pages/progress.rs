//! Progress against the year's targets.

use super::*;

// ---- progress ----

/// `/progress` parameters.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ProgressParams {
    year: Option<String>,
    /// `1`: counted from the audit log alone (as `report progress --from-log`).
    from_log: Option<String>,
}

pub(super) async fn progress(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
    axum::extract::Query(params): axum::extract::Query<ProgressParams>,
) -> Response {
    let service = &state.service;
    let this_year = service.today().year();
    let year = params
        .year
        .as_deref()
        .and_then(|y| y.trim().parse::<i32>().ok())
        .unwrap_or(this_year);
    let from_log = matches!(params.from_log.as_deref(), Some("1" | "true"));
    let counted = if from_log {
        service.progress_report_from_log(&user, year, None).await
    } else {
        service.progress_report(&user, year, None).await
    };
    let report = match counted {
        Ok(r) => r,
        Err(e) => return error_page(&uri, lang, &user, e),
    };
    let mut filters: Vec<Link> = [year - 1, year, year + 1]
        .into_iter()
        .filter(|y| *y <= this_year)
        .map(|y| Link {
            href: with_lang(&format!("/progress?year={y}"), lang),
            label: y.to_string(),
            active: y == year && !from_log,
        })
        .collect();
    // The same report counted from the audit log alone: what an auditor compares.
    filters.push(Link {
        href: with_lang(&format!("/progress?year={year}&from_log=1"), lang),
        label: tr(lang, "按审计日志重建", "From the audit log").to_owned(),
        active: from_log,
    });
    let actual = |metric: &str| -> Option<i64> {
        match metric {
            "new_above_scale" => i64::try_from(report.new_above_scale.len()).ok(),
            "new_above_limit" => i64::try_from(report.new_above_limit.len()).ok(),
            "new_output_value" => Some(report.new_above_scale_output().amount()),
            _ => None,
        }
    };
    // 序时进度: the share of the year gone by at the report's date, against which each rate is read.
    let days_in_year = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    };
    let elapsed = if report.as_of.year() < year {
        0
    } else if report.as_of.year() > year {
        100
    } else {
        i64::from(report.as_of.ordinal()) * 100 / days_in_year
    };
    // Each target's share achieved, to one decimal, as every format of the report says it.
    let shares: std::collections::BTreeMap<String, Option<String>> = report
        .target_progress()
        .into_iter()
        .map(|p| (p.metric.clone(), p.percent()))
        .collect();
    let target_rows = peiyu_service::TARGET_METRICS
        .iter()
        .filter_map(|(metric, _, _)| {
            let target = report.target(metric);
            let done = actual(metric);
            if target.is_none() && done.is_none() {
                return None;
            }
            let rate = shares
                .get(*metric)
                .cloned()
                .flatten()
                .unwrap_or_else(|| "—".to_owned());
            let show = |v: Option<i64>| match (v, *metric) {
                (Some(v), "new_output_value") => peiyu_domain::Yuan(v).to_string(),
                (Some(v), _) => v.to_string(),
                (None, _) => "—".to_owned(),
            };
            let behind = matches!((target, done), (Some(t), Some(d)) if d < t);
            let pace = match (target, done) {
                (Some(t), Some(d)) if t > 0 && d * 100 / t >= elapsed => {
                    Cell::text(tr(lang, "快于序时", "ahead of time")).class("ok")
                }
                (Some(t), Some(_)) if t > 0 => {
                    Cell::text(tr(lang, "慢于序时", "behind time")).class("blocked")
                }
                _ => Cell::text("—"),
            };
            Some(Row {
                class: if behind { "" } else { "muted" },
                cells: vec![
                    Cell::text(peiyu_service::target_label(metric, lang)),
                    Cell::text(show(target)).class("num"),
                    Cell::text(show(done)).class("num"),
                    Cell::text(rate).class("num"),
                    Cell::text(format!("{elapsed}%")).class("num"),
                    pace,
                ],
            })
        })
        .collect();
    let registered = |list: &[peiyu_service::NewlyRegistered]| Table {
        caption: None,
        headers: vec![
            tr(lang, "企业", "Enterprise").to_owned(),
            tr(lang, "入库日期", "Registered on").to_owned(),
            tr(lang, "批次", "Batch").to_owned(),
            tr(lang, "产值", "Output value").to_owned(),
            tr(lang, "营收", "Revenue").to_owned(),
        ],
        rows: list
            .iter()
            .map(|n| {
                Row::new(vec![
                    Cell::link(
                        &n.enterprise.name,
                        enterprise_href(n.enterprise.uscc.as_str(), lang),
                    ),
                    Cell::date(n.registered_on),
                    Cell::text(n.batch.map(|b| b.default_label(lang)).unwrap_or("—")),
                    Cell::text(n.output_value.format_wan_rounded(2)).class("num"),
                    Cell::text(n.revenue.format_wan_rounded(2)).class("num"),
                ])
            })
            .collect(),
    };
    let funnels = report
        .funnels
        .iter()
        .map(|f| Table {
            caption: Some(f.label.get(lang).to_owned()),
            headers: vec![
                tr(lang, "阶段", "Stage").to_owned(),
                tr(lang, "企业数", "Enterprises").to_owned(),
            ],
            rows: f
                .stages
                .iter()
                .map(|(_, label, n)| {
                    Row::new(vec![
                        Cell::text(label.get(lang)),
                        Cell::text(n.to_string()).class("num"),
                    ])
                })
                .collect(),
        })
        .collect();
    // Each breakdown's first cell links to the enterprises it counts, where the search can say.
    let breakdown = |list: &[peiyu_service::report::Breakdown],
                     first: &str,
                     cell: &dyn Fn(&str) -> Cell| Table {
        caption: None,
        headers: vec![
            first.to_owned(),
            tr(lang, "新入库", "Newly registered").to_owned(),
            tr(lang, "培育中", "In cultivation").to_owned(),
            tr(lang, "新入库产值", "Their output value").to_owned(),
        ],
        rows: list
            .iter()
            .map(|b| {
                Row::new(vec![
                    cell(&b.key),
                    Cell::text(b.newly_registered.to_string()).class("num"),
                    Cell::text(b.in_cultivation.to_string()).class("num"),
                    Cell::text(b.output_value.format_wan_rounded(2)).class("num"),
                ])
            })
            .collect(),
    };
    let search = |key: &str, value: &str| {
        with_lang(
            &format!(
                "/enterprises?{}",
                serde_urlencoded::to_string([(key, value)]).unwrap_or_default()
            ),
            lang,
        )
    };
    let by_batch = breakdown(&report.by_batch, tr(lang, "批次", "Batch"), &|k| {
        Cell::text(k)
    });
    let by_town = breakdown(&report.by_town, tr(lang, "乡镇", "Town"), &|k| {
        Cell::link(k, search("town", k))
    });
    let by_sector = breakdown(&report.by_sector, tr(lang, "行业", "Sector"), &|k| {
        match peiyu_domain::Sector::parse(k) {
            Ok(sector) => Cell::link(sector.label(lang), search("sector", sector.key())),
            Err(_) => Cell::text(k),
        }
    });
    let overdue = Table {
        caption: None,
        headers: vec![
            tr(lang, "干部", "Officer").to_owned(),
            tr(lang, "逾期任务", "Overdue tasks").to_owned(),
        ],
        rows: report
            .overdue_by_officer
            .iter()
            .map(|(name, login, n)| {
                let overdue = with_lang(
                    &format!(
                        "/tasks?{}",
                        serde_urlencoded::to_string([
                            ("officer", login.to_string()),
                            ("to", (report.as_of - chrono::Days::new(1)).to_string()),
                        ])
                        .unwrap_or_default()
                    ),
                    lang,
                );
                Row::new(vec![
                    Cell::text(name),
                    Cell::link(n.to_string(), overdue).class("num"),
                ])
            })
            .collect(),
    };
    let register = super::register::counts_table(&report.register, lang, Some(report.as_of));
    let none = tr(lang, "无", "None").to_owned();
    let section = |heading: &str, tables: Vec<Table>, alert: bool| Section {
        heading: heading.to_owned(),
        alert,
        note: None,
        empty: none.clone(),
        tables,
    };
    let sections = vec![
        section(
            tr(lang, "年度目标完成情况", "Targets and progress"),
            vec![Table {
                caption: None,
                headers: vec![
                    tr(lang, "指标", "Metric").to_owned(),
                    tr(lang, "目标", "Target").to_owned(),
                    tr(lang, "完成", "Done").to_owned(),
                    tr(lang, "完成率", "Rate").to_owned(),
                    tr(lang, "序时进度", "Time elapsed").to_owned(),
                    tr(lang, "对比序时", "Against time").to_owned(),
                ],
                rows: target_rows,
            }],
            false,
        ),
        section(
            tr(lang, "统计名录（在库）", "The statistical register"),
            vec![register],
            false,
        ),
        section(
            tr(
                lang,
                "新增规上工业企业",
                "Newly above-scale industrial enterprises",
            ),
            vec![registered(&report.new_above_scale)],
            false,
        ),
        section(
            tr(
                lang,
                "新增限上商贸企业",
                "Newly above-limit commerce enterprises",
            ),
            vec![registered(&report.new_above_limit)],
            false,
        ),
        section(
            tr(lang, "各流程阶段分布", "Where the cases stand"),
            funnels,
            false,
        ),
        section(tr(lang, "按批次", "By batch"), vec![by_batch], false),
        section(tr(lang, "按乡镇", "By town"), vec![by_town], false),
        section(tr(lang, "按行业", "By sector"), vec![by_sector], false),
        section(
            tr(lang, "逾期任务（按干部）", "Overdue tasks by officer"),
            vec![overdue],
            !report.overdue_by_officer.is_empty(),
        ),
    ];
    let title = tr(lang, "目标进度", "Progress");
    let page = Page {
        chrome: chrome(&uri, lang, Some(&user), title, "/progress"),
        heading: format!("{title} · {year}"),
        subtitle: Some(format!("{} {}", tr(lang, "截至", "As of"), report.as_of)),
        filters,
        notice: report.targets.is_empty().then(|| {
            tr(
                lang,
                "本年度尚未设定目标：用 `peiyu target set` 设定",
                "No targets set for this year: set them with `peiyu target set`",
            )
            .to_owned()
        }),
        list_html: None,
        sections,
        footer: footer(service, lang),
        flash: None,
        extra_html: None,
        actions: Vec::new(),
    };
    html(StatusCode::OK, page.render())
}
