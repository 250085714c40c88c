//! The HTML rendering: one standalone page to print for the meeting (inline CSS, no scripts,
//! nothing fetched), from the askama template `templates/weekly.html`, which escapes every value.

use askama::Template;
use peiyu_domain::Lang;
use peiyu_service::weekly::{WeeklyList, WeeklyTask};

use super::cells::{self, Cell, Section, TaskCol, WatchCol};
use crate::tr;

/// The page.
#[derive(Template)]
#[template(path = "weekly.html")]
struct Page {
    lang: &'static str,
    title: String,
    week: String,
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
}

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
    }
}

fn task_group<'a>(
    section: Section,
    caption: Option<String>,
    off_day: bool,
    tasks: impl Iterator<Item = &'a WeeklyTask>,
    lang: Lang,
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
                        let id = matches!(c, TaskCol::MarkedId | TaskCol::ShortId);
                        html_cell(&c.cell(t, lang), lang, id)
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
                                .map(|c| html_cell(&c.cell(item, lang), lang, false))
                                .collect(),
                        })
                        .collect(),
                }],
                Section::ThisWeek => list
                    .this_week
                    .iter()
                    .filter(|d| !d.tasks.is_empty())
                    .map(|d| {
                        let caption = cells::day_heading(d.date, d.working_day, lang);
                        task_group(section, Some(caption), !d.working_day, d.tasks.iter(), lang)
                    })
                    .collect(),
                _ => vec![task_group(
                    section,
                    None,
                    false,
                    section.tasks(list).into_iter(),
                    lang,
                )],
            };
            PageSection {
                key: section.key(),
                heading: section.heading_with_count(list, lang),
                none: (section.len(list) == 0).then(|| cells::none(lang)),
                groups,
            }
        })
        .collect();
    Page {
        lang: tr(lang, "zh-CN", "en"),
        title: cells::title(list, lang),
        week: list.week.to_string(),
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
