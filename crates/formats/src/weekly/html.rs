//! The HTML rendering: the list itself (`templates/weekly_list.html`: heading, sections, legend
//! and seal), which the web page `/week` embeds, and one standalone page to print for the
//! meeting around it (`templates/weekly.html`: inline CSS, no scripts, nothing fetched). The
//! templates escape every value.

use askama::Template;
use peiyu_domain::Lang;
use peiyu_service::weekly::{WeeklyList, WeeklyTask};

use super::cells::{self, Cell, Section, TaskCol, WatchCol};
use crate::tr;

/// The standalone page around the list.
#[derive(Template)]
#[template(path = "weekly.html")]
struct Page {
    lang: &'static str,
    title: String,
    week: String,
    /// The list, already rendered (and escaped) by [`List`].
    body: String,
}

/// The list: heading, sections, legends and seal.
#[derive(Template)]
#[template(path = "weekly_list.html")]
struct List {
    title: String,
    subtitle: String,
    sections: Vec<PageSection>,
    legend: String,
    provisional: String,
    seal_label: &'static str,
    seal: Option<String>,
}

/// A section: a heading and one table per group (per day for this week).
struct PageSection {
    key: &'static str,
    heading: String,
    none: Option<&'static str>,
    groups: Vec<Group>,
}

/// A table, with a caption when the section has several.
struct Group {
    caption: Option<String>,
    off_day: bool,
    headers: Vec<Header>,
    rows: Vec<Row>,
}

struct Header {
    text: &'static str,
    numeric: bool,
}

struct Row {
    carried: bool,
    cells: Vec<HtmlCell>,
}

struct HtmlCell {
    text: String,
    class: &'static str,
    href: Option<String>,
}

/// Where an enterprise's name links to, given its USCC (the web page's enterprise page); none
/// in the standalone file.
pub type EnterpriseLink<'a> = &'a dyn Fn(&str) -> String;

fn html_cell(cell: &Cell, lang: Lang, id: bool) -> HtmlCell {
    let class = match cell {
        _ if id => "id",
        Cell::Int(_) | Cell::Share(_) => "num",
        Cell::Date(_) => "date",
        _ => "",
    };
    HtmlCell {
        text: cell.display(lang),
        class,
        href: None,
    }
}

/// `cell` linked to the enterprise `uscc`, when there is a link and a USCC.
fn linked(mut cell: HtmlCell, uscc: Option<&str>, link: Option<EnterpriseLink>) -> HtmlCell {
    if let (Some(link), Some(uscc)) = (link, uscc) {
        cell.href = Some(link(uscc));
    }
    cell
}

fn task_group<'a>(
    section: Section,
    caption: Option<String>,
    off_day: bool,
    tasks: impl Iterator<Item = &'a WeeklyTask>,
    lang: Lang,
    link: Option<EnterpriseLink>,
) -> Group {
    let cols = TaskCol::for_people(section);
    Group {
        caption,
        off_day,
        headers: cols
            .iter()
            .map(|c| Header {
                text: c.header(lang),
                numeric: *c == TaskCol::OverdueDays,
            })
            .collect(),
        rows: tasks
            .map(|t| Row {
                carried: t.carried_over,
                cells: cols
                    .iter()
                    .map(|c| {
                        let id = matches!(c, TaskCol::ShortId | TaskCol::Seq);
                        let cell = html_cell(&c.cell(t, lang), lang, id);
                        match c {
                            TaskCol::Enterprise => linked(cell, t.enterprise_uscc.as_deref(), link),
                            _ => cell,
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Renders `list` as a printable standalone HTML page: the same sections and columns as the
/// terminal table, A4 landscape when printed, table headers repeated on every page, carried-over
/// rows shaded. Every text is HTML-escaped by the template.
pub fn html(list: &WeeklyList, lang: Lang) -> Result<String, askama::Error> {
    Page {
        lang: tr(lang, "zh-CN", "en"),
        title: cells::title(list, lang),
        week: list.week.to_string(),
        body: fragment(list, lang, None)?,
    }
    .render()
}

/// The list as an HTML fragment to embed in a page (`<header>`, one `<section>` per part with
/// the class of its key — `overdue`, `this_week`, … — and a `<footer>` with the legends and the
/// seal): what [`html`] prints, without the document around it, each enterprise's name linked
/// by `link` when one is given. Every text is escaped.
pub fn fragment(
    list: &WeeklyList,
    lang: Lang,
    link: Option<EnterpriseLink>,
) -> Result<String, askama::Error> {
    let sections = Section::ALL
        .into_iter()
        .map(|section| {
            let groups = match section {
                _ if section.len(list) == 0 => Vec::new(),
                Section::Watch => vec![Group {
                    caption: None,
                    off_day: false,
                    headers: WatchCol::FOR_PEOPLE
                        .iter()
                        .map(|c| Header {
                            text: c.header(lang),
                            numeric: false,
                        })
                        .collect(),
                    rows: list
                        .watch
                        .iter()
                        .map(|item| Row {
                            carried: false,
                            cells: WatchCol::FOR_PEOPLE
                                .iter()
                                .map(|c| {
                                    let cell = html_cell(&c.cell(item, lang), lang, false);
                                    match c {
                                        WatchCol::Enterprise => {
                                            linked(cell, Some(&item.enterprise_uscc), link)
                                        }
                                        _ => cell,
                                    }
                                })
                                .collect(),
                        })
                        .collect(),
                }],
                Section::ThisWeek => list
                    .this_week
                    .iter()
                    .filter(|d| !d.tasks.is_empty())
                    .flat_map(|d| {
                        let day = cells::day_heading(d.date, d.working_day, lang);
                        cells::officer_groups(list, d.tasks.iter().collect(), lang)
                            .into_iter()
                            .map(move |(officer, tasks)| {
                                let caption = cells::join_captions(Some(day.clone()), officer);
                                task_group(
                                    section,
                                    caption,
                                    !d.working_day,
                                    tasks.into_iter(),
                                    lang,
                                    link,
                                )
                            })
                    })
                    .collect(),
                _ => cells::officer_groups(list, section.tasks(list), lang)
                    .into_iter()
                    .map(|(officer, tasks)| {
                        task_group(section, officer, false, tasks.into_iter(), lang, link)
                    })
                    .collect(),
            };
            PageSection {
                key: section.key(),
                heading: section.heading_with_count(list, lang),
                none: (section.len(list) == 0).then(|| cells::none(lang)),
                groups,
            }
        })
        .collect();
    let subtotals = cells::subtotal_rows(list, lang);
    let sections = if subtotals.is_empty() {
        sections
    } else {
        let table = Group {
            caption: None,
            off_day: false,
            headers: cells::subtotal_headers(lang)
                .into_iter()
                .enumerate()
                .map(|(i, text)| Header {
                    text,
                    numeric: i > 0,
                })
                .collect(),
            rows: subtotals
                .iter()
                .map(|row| Row {
                    carried: false,
                    cells: row.iter().map(|c| html_cell(c, lang, false)).collect(),
                })
                .collect(),
        };
        std::iter::once(PageSection {
            key: "subtotals",
            heading: cells::subtotals_heading(lang).to_owned(),
            none: None,
            groups: vec![table],
        })
        .chain(sections)
        .collect()
    };
    List {
        title: cells::title(list, lang),
        subtitle: cells::subtitle(list, lang),
        sections,
        legend: cells::carried_legend(list, lang).unwrap_or_default(),
        provisional: cells::provisional_legend(list, lang).unwrap_or_default(),
        seal_label: tr(lang, "审计封签", "audit seal"),
        seal: list.seal.clone(),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weekly::fixture;

    #[test]
    fn html_zh_team_grouped_by_officer() {
        insta::assert_snapshot!(html(&fixture::team27(), Lang::Zh).unwrap());
    }

    #[test]
    fn html_zh() {
        insta::assert_snapshot!(html(&fixture::week27(), Lang::Zh).unwrap());
    }

    #[test]
    fn html_en_empty_week() {
        insta::assert_snapshot!(html(&fixture::empty(), Lang::En).unwrap());
    }

    #[test]
    fn is_standalone_and_printable() {
        let page = html(&fixture::week27(), Lang::Zh).unwrap();
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("@media print"));
        for external in ["<script", "<link", "src=", "href=", "@import", "url("] {
            assert!(!page.contains(external), "{external}");
        }
    }

    #[test]
    fn the_fragment_is_the_list_without_the_document_and_can_link_enterprises() {
        let list = fixture::week27();
        let plain = fragment(&list, Lang::Zh, None).unwrap();
        assert!(plain.starts_with("<header>"), "{plain}");
        assert!(!plain.contains("<html") && !plain.contains("href="));
        assert!(html(&list, Lang::Zh).unwrap().contains(&plain));
        let link = |uscc: &str| format!("/enterprises/{uscc}");
        let linked = fragment(&list, Lang::Zh, Some(&link)).unwrap();
        let uscc = list.overdue[0].enterprise_uscc.clone().unwrap();
        assert!(
            linked.contains(&format!("<a href=\"/enterprises/{uscc}\">")),
            "{linked}"
        );
        // The watch list links its enterprises too.
        assert!(linked.contains(&format!(
            "<a href=\"/enterprises/{}\">",
            list.watch[0].enterprise_uscc
        )));
    }

    #[test]
    fn escapes_every_text() {
        let mut list = fixture::week27();
        list.overdue[0].task.title = "<script>alert('x')</script> & \"q\"".into();
        list.watch[0].detail = peiyu_domain::Text::new("<img onerror=x>", "<img onerror=x>");
        if let peiyu_service::weekly::WeeklyScope::Officer { name, .. } = &mut list.scope {
            *name = "王<b>伟".into();
        }
        let page = html(&list, Lang::Zh).unwrap();
        assert!(!page.contains("<script>"));
        assert!(!page.contains("<img"));
        assert!(!page.contains("<b>"));
        // askama writes numeric character references.
        assert!(
            page.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62; &#38; &#34;q&#34;")
        );
        assert!(page.contains("王&#60;b&#62;伟"));
        assert!(page.contains("&#60;img onerror=x&#62;"));
        // The fixture's own enterprise name with `&` and `<>`.
        assert!(page.contains("柳州 A&#38;B &#60;精密&#62; 机械有限公司"));
    }
}
