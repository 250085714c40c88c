//! The audit page: whether every hash chain and seal verifies (as `peiyu audit verify`), the
//! latest seal, and the last changes recorded, with names.

use peiyu_service::AuditQuery;

use super::*;

/// How many of the latest entries the page lists.
const LATEST: usize = 30;

pub(super) async fn audit_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
) -> Response {
    let service = &state.service;
    let today = service.today();
    // The last month's entries: the page lists the latest of them.
    let recent = AuditQuery {
        from: today.checked_sub_days(chrono::Days::new(31)),
        ..AuditQuery::default()
    };
    let (verification, seal, lines) = match tokio::try_join!(
        service.verify_audit(&user),
        service.seal_on_or_before(today),
        service.audit_lines(&user, &recent),
    ) {
        Ok(found) => found,
        Err(e) => return error_page(&uri, lang, &user, e),
    };
    let ok = verification.ok();
    let mut facts = vec![
        (
            tr(lang, "校验结果", "Verification"),
            Cell::text(if ok {
                tr(lang, "审计链完好", "Every chain verifies")
            } else {
                tr(lang, "发现问题", "Problems found")
            })
            .class(if ok { "ok" } else { "blocked" }),
        ),
        (
            tr(lang, "哈希链", "Hash chains"),
            Cell::text(verification.chains.chains.to_string()).class("num"),
        ),
        (
            tr(lang, "记录", "Entries"),
            Cell::text(verification.chains.entries.to_string()).class("num"),
        ),
        (
            tr(lang, "封签", "Seals"),
            Cell::text(verification.seals.to_string()).class("num"),
        ),
    ];
    if let Some(seal) = &seal {
        facts.push((tr(lang, "最近封签日", "Latest seal"), Cell::date(seal.day)));
        facts.push((
            tr(lang, "封签哈希", "Seal hash"),
            Cell::text(&seal.hash).class("id"),
        ));
    }
    let mut sections = vec![facts_section(
        tr(lang, "审计链校验", "Verifying the audit log"),
        lang,
        facts,
    )];
    let problems: Vec<Row> = verification
        .chains
        .broken
        .iter()
        .map(|b| {
            Row::new(vec![
                Cell::text(&b.chain_key).class("id"),
                Cell::text(format!("{:?}", b.problem)),
            ])
        })
        .chain(verification.broken_seals.iter().map(|b| {
            Row::new(vec![
                Cell::date(b.day),
                Cell::text(b.chain_key.clone().unwrap_or_default()),
            ])
        }))
        .collect();
    if !problems.is_empty() {
        sections.push(Section {
            heading: tr(lang, "问题", "Problems").to_owned(),
            alert: true,
            note: None,
            empty: String::new(),
            tables: vec![Table {
                caption: None,
                headers: vec![
                    tr(lang, "链或封签", "Chain or seal").to_owned(),
                    tr(lang, "问题", "Problem").to_owned(),
                ],
                rows: problems,
            }],
        });
    }
    let zone = service.zone();
    let rows = lines
        .iter()
        .rev()
        .take(LATEST)
        .map(|l| {
            let e = &l.entry;
            let who = match &l.on_behalf_of_name {
                Some(of) => format!("{}（{} {of}）", l.actor_name, tr(lang, "代", "for")),
                None => l.actor_name.clone(),
            };
            let action = peiyu_domain::AuditAction::parse(&e.action)
                .map(|a| a.label(lang).to_owned())
                .unwrap_or_else(|_| e.action.clone());
            Row::new(vec![
                Cell::text(zone.date_of(e.recorded_at).to_string()).class("date"),
                Cell::text(action),
                Cell::text(l.subject.get(lang)),
                Cell::text(who),
                Cell::text(e.reason.clone().unwrap_or_default()),
            ])
        })
        .collect();
    sections.push(Section {
        heading: tr(lang, "最近的记录", "Latest entries").to_owned(),
        alert: false,
        note: None,
        empty: tr(lang, "暂无记录", "Nothing recorded yet").to_owned(),
        tables: vec![Table {
            caption: None,
            headers: [
                tr(lang, "日期", "Date"),
                tr(lang, "操作", "Action"),
                tr(lang, "对象", "Subject"),
                tr(lang, "经办", "By"),
                tr(lang, "理由", "Reason"),
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
            rows,
        }],
    });
    let title = tr(lang, "审计", "Audit");
    let page = Page {
        chrome: chrome(&uri, lang, Some(&user), title, "/audit"),
        heading: title.to_owned(),
        subtitle: Some(format!("{} {today}", tr(lang, "截至", "As of"))),
        filters: Vec::new(),
        notice: (!ok).then(|| {
            tr(
                lang,
                "审计链校验未通过：请立即告知管理员（peiyu audit verify 列出每一处）。",
                "The audit log does not verify: tell an admin at once (peiyu audit verify lists each break).",
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
