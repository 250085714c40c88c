//! The terminal rendering: a title, then one table per section (this week's split by day).

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};
use peiyu_domain::Lang;
use peiyu_service::weekly::{WeeklyList, WeeklyTask};

use super::cells::{self, Cell, Section, TaskCol, WatchCol};

/// The width tables wrap at: the same on every terminal, so the output is reproducible.
const WIDTH: u16 = 120;

/// Renders `list` as text for a terminal (or a pipe): the title, each section as a table under
/// its heading (逾期 with working days overdue, 本周到期 by day, 下周到期, 上周完成, 关注清单),
/// and a footer with the carried-over legend and the audit seal.
pub fn text(list: &WeeklyList, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(&cells::title(list, lang));
    out.push('\n');
    out.push_str(&cells::subtitle(list, lang));
    out.push('\n');
    let subtotals = cells::subtotal_rows(list, lang);
    if !subtotals.is_empty() {
        out.push_str(&format!("\n■ {}\n", cells::subtotals_heading(lang)));
        let headers = cells::subtotal_headers(lang);
        push_table(&mut out, headers.into_iter(), subtotals.into_iter(), lang);
    }
    for section in Section::ALL {
        out.push('\n');
        out.push_str(&format!("■ {}\n", section.heading_with_count(list, lang)));
        if section.len(list) == 0 {
            out.push_str(cells::none(lang));
            out.push('\n');
            continue;
        }
        match section {
            Section::Watch => {
                let rows = list.watch.iter().map(|item| {
                    WatchCol::FOR_PEOPLE
                        .iter()
                        .map(|c| c.cell(item, lang))
                        .collect()
                });
                let headers = WatchCol::FOR_PEOPLE.iter().map(|c| c.header(lang));
                push_table(&mut out, headers, rows, lang);
            }
            Section::ThisWeek => {
                for day in list.this_week.iter().filter(|d| !d.tasks.is_empty()) {
                    let heading = cells::day_heading(day.date, day.working_day, lang);
                    push_groups(
                        &mut out,
                        list,
                        section,
                        Some(heading),
                        day.tasks.iter().collect(),
                        lang,
                    );
                }
            }
            _ => push_groups(&mut out, list, section, None, section.tasks(list), lang),
        }
    }
    let footer: Vec<String> = cells::legends(list, lang)
        .into_iter()
        .chain(cells::seal_line(list, lang))
        .collect();
    if !footer.is_empty() {
        out.push('\n');
        for line in footer {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// `tasks` as one table per officer on a team's or the bureau's list, each under its caption
/// (after the day's heading, when given), else as one table under the day's heading.
fn push_groups(
    out: &mut String,
    list: &WeeklyList,
    section: Section,
    day: Option<String>,
    tasks: Vec<&WeeklyTask>,
    lang: Lang,
) {
    for (officer, group) in cells::officer_groups(list, tasks, lang) {
        if let Some(caption) = cells::join_captions(day.clone(), officer) {
            out.push_str(&caption);
            out.push('\n');
        }
        push_tasks(out, section, group.into_iter(), lang);
    }
}

fn push_tasks<'a>(
    out: &mut String,
    section: Section,
    tasks: impl Iterator<Item = &'a WeeklyTask>,
    lang: Lang,
) {
    let cols = TaskCol::for_people(section);
    let rows = tasks.map(|t| cols.iter().map(|c| c.cell(t, lang)).collect());
    push_table(out, cols.iter().map(|c| c.header(lang)), rows, lang);
}

fn push_table<'h>(
    out: &mut String,
    headers: impl Iterator<Item = &'h str>,
    rows: impl Iterator<Item = Vec<Cell>>,
    lang: Lang,
) {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(WIDTH)
        .set_header(headers);
    for row in rows {
        table.add_row(row.iter().map(|cell| {
            let c = comfy_table::Cell::new(cell.display(lang));
            if cell.is_numeric() {
                c.set_alignment(CellAlignment::Right)
            } else {
                c
            }
        }));
    }
    out.push_str(&table.to_string());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weekly::fixture;

    #[test]
    fn text_zh_team_grouped_by_officer() {
        insta::assert_snapshot!(text(&fixture::team27(), Lang::Zh));
    }

    #[test]
    fn text_zh() {
        insta::assert_snapshot!(text(&fixture::week27(), Lang::Zh));
    }

    #[test]
    fn text_en() {
        insta::assert_snapshot!(text(&fixture::week27(), Lang::En));
    }

    #[test]
    fn provisional_deadlines_are_marked_with_one_legend() {
        insta::assert_snapshot!(text(&fixture::provisional(), Lang::Zh));
        let en = text(&fixture::provisional(), Lang::En);
        assert_eq!(en.matches("※ 2027:").count(), 1, "{en}");
        assert!(
            en.contains("final once the State Council's notice is out"),
            "{en}"
        );
    }

    #[test]
    fn empty_week_says_none_and_has_no_footer() {
        let out = text(&fixture::empty(), Lang::Zh);
        assert_eq!(out.matches("（无）").count(), 5, "{out}");
        assert!(!out.contains("审计封签"));
        assert!(!out.contains('↻'));
    }
}
