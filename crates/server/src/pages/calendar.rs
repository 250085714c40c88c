//! The working-day calendar: which years are loaded, provisional or due for a notice.

use super::*;

// ---- the working-day calendar ----

pub(super) async fn calendar_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageLang(lang): PageLang,
    uri: Uri,
) -> Response {
    state.service.refresh_calendar().await;
    let (today, years) = state.service.calendar_outlook(None);
    let attention = years.iter().any(|y| y.needs_attention);
    let table = Table {
        caption: None,
        headers: vec![
            tr(lang, "年份", "Year").to_owned(),
            tr(lang, "节假日安排", "Holiday arrangement").to_owned(),
            tr(lang, "距开始（天）", "Starts in (days)").to_owned(),
        ],
        rows: years
            .iter()
            .map(|y| Row {
                class: if y.needs_attention { "overdue" } else { "" },
                cells: vec![
                    Cell::text(y.year.to_string()),
                    Cell::text(y.label.get(lang)),
                    Cell::text(y.starts_in_days.max(0).to_string()).class("num"),
                ],
            })
            .collect(),
    };
    let page = Page {
        chrome: chrome(
            &uri,
            lang,
            Some(&user),
            tr(lang, "工作日日历", "Working-day calendar"),
            "/calendar",
        ),
        heading: tr(lang, "工作日日历", "Working-day calendar").to_owned(),
        subtitle: Some(format!("{} {today}", tr(lang, "截至", "As of"))),
        filters: Vec::new(),
        notice: attention.then(|| {
            tr(
                lang,
                "有年份在 60 天内开始但仍为暂定：其截止日期暂按法定节假日计算。国务院通知发布后由管理员录入（peiyu calendar load 通知.txt --apply，或 POST /api/v1/calendar/notices）。",
                "A year that starts within 60 days is still provisional: its deadlines are counted on the statutory holidays for now. An admin loads the State Council's notice once published (peiyu calendar load NOTICE.txt --apply, or POST /api/v1/calendar/notices).",
            )
            .to_owned()
        }),
        list_html: None,
        sections: vec![Section {
            heading: tr(lang, "今年和此后两年", "This year and the next two").to_owned(),
            alert: attention,
            note: None,
            empty: tr(lang, "无", "None").to_owned(),
            tables: vec![table],
        }],
        footer: footer(&state.service, lang),
        flash: None,
        extra_html: None,
        actions: Vec::new(),
    };
    html(StatusCode::OK, page.render())
}
