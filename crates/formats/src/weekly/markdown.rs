//! The Markdown rendering: headings and GitHub-style pipe tables, for a wiki page or a message.

use peiyu_domain::Lang;
use peiyu_service::weekly::{WeeklyList, WeeklyTask};

use super::cells::{self, Cell, Section, TaskCol, WatchCol};
use crate::tr;

/// Renders `list` as Markdown: `#` title, `##` per section, `###` per day of this week, one
/// pipe table per group, and the legend and seal at the end. Cell text is escaped so that a `|`,
/// `*` or a line break in a title cannot break the table.
pub fn markdown(list: &WeeklyList, lang: Lang) -> String {
    let mut out = format!(
        "# {}\n\n{}\n",
        escape(&cells::title(list, lang)),
        escape(&cells::subtitle(list, lang))
    );
    let subtotals = cells::subtotal_rows(list, lang);
    if !subtotals.is_empty() {
        out.push_str(&format!("\n## {}\n\n", cells::subtotals_heading(lang)));
        let headers = cells::subtotal_headers(lang);
        push_table(&mut out, headers.into_iter(), subtotals.into_iter(), lang);
    }
    for section in Section::ALL {
        out.push_str(&format!(
            "\n## {}\n\n",
            section.heading_with_count(list, lang)
        ));
        if section.len(list) == 0 {
            out.push_str(cells::none(lang));
            out.push('\n');
            continue;
        }
        match section {
            Section::Watch => {
                let headers = WatchCol::FOR_PEOPLE.iter().map(|c| c.header(lang));
                let rows = list.watch.iter().map(|item| {
                    WatchCol::FOR_PEOPLE
                        .iter()
                        .map(|c| c.cell(item, lang))
                        .collect()
                });
                push_table(&mut out, headers, rows, lang);
            }
            Section::ThisWeek => {
                let mut first = true;
                for day in list.this_week.iter().filter(|d| !d.tasks.is_empty()) {
                    if !first {
                        out.push('\n');
                    }
                    first = false;
                    let heading = cells::day_heading(day.date, day.working_day, lang);
                    out.push_str(&format!("### {heading}\n\n"));
                    push_groups(&mut out, list, section, day.tasks.iter().collect(), lang);
                }
            }
            _ => push_groups(&mut out, list, section, section.tasks(list), lang),
        }
    }
    let footer: Vec<String> = cells::legends(list, lang)
        .into_iter()
        .chain(
            list.seal
                .as_ref()
                .map(|s| format!("{} `{s}`", tr(lang, "审计封签", "audit seal"))),
        )
        .collect();
    if !footer.is_empty() {
        out.push_str("\n---\n\n");
        out.push_str(&footer.join("  \n"));
        out.push('\n');
    }
    out
}

/// `tasks` as one table per officer on a team's or the bureau's list, each under its caption
/// in bold, else as one table.
fn push_groups(
    out: &mut String,
    list: &WeeklyList,
    section: Section,
    tasks: Vec<&WeeklyTask>,
    lang: Lang,
) {
    let mut first = true;
    for (officer, group) in cells::officer_groups(list, tasks, lang) {
        if let Some(caption) = officer {
            if !first {
                out.push('\n');
            }
            out.push_str(&format!("**{}**\n\n", escape(&caption)));
        }
        first = false;
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
    let mut rows = rows.peekable();
    let first: Vec<bool> = rows
        .peek()
        .map(|r| r.iter().map(Cell::is_numeric).collect())
        .unwrap_or_default();
    let headers: Vec<String> = headers.map(escape).collect();
    out.push_str(&format!("| {} |\n", headers.join(" | ")));
    let rules: Vec<&str> = (0..headers.len())
        .map(|i| {
            if first.get(i) == Some(&true) {
                "---:"
            } else {
                "---"
            }
        })
        .collect();
    out.push_str(&format!("|{}|\n", rules.join("|")));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| escape(&c.display(lang))).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
}

/// Escapes text for a Markdown table cell or heading: backslash-escapes the characters that
/// Markdown would read as markup (`\ | * _ ` [ ] < > #`) and turns line breaks into spaces.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weekly::fixture;

    #[test]
    fn markdown_zh_team_grouped_by_officer() {
        insta::assert_snapshot!(markdown(&fixture::team27(), Lang::Zh));
    }

    #[test]
    fn markdown_zh() {
        insta::assert_snapshot!(markdown(&fixture::week27(), Lang::Zh));
    }

    #[test]
    fn markdown_en_empty_week() {
        insta::assert_snapshot!(markdown(&fixture::empty(), Lang::En));
    }

    #[test]
    fn escape_keeps_tables_whole() {
        assert_eq!(escape("a|b"), r"a\|b");
        assert_eq!(escape("line\r\nbreak"), "line break");
        assert_eq!(
            escape(r"*x* _y_ `z` [l](u) <b> #1 \"),
            r"\*x\* \_y\_ \`z\` \[l\](u) \<b\> \#1 \\"
        );
        assert_eq!(escape("第1批 重点保障（A&B）"), "第1批 重点保障（A&B）");
    }

    #[test]
    fn every_row_has_as_many_cells_as_its_header() {
        let md = markdown(&fixture::week27(), Lang::Zh);
        let mut expected = None;
        for line in md.lines() {
            if !line.starts_with('|') {
                expected = None;
                continue;
            }
            let cells = line.replace(r"\|", "").matches('|').count();
            assert_eq!(*expected.get_or_insert(cells), cells, "{line}");
        }
    }
}
