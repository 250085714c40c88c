//! The API's lists as files: a list's JSON view (the one the API answers and the CLI's
//! `--json` prints) laid out as tables — one [`Section`] a table, each column a field of the
//! view with its header in words — and written as CSV, XLSX, Markdown, a printable HTML page
//! or, for a list with dates, iCalendar.
//!
//! The columns are tables here, not code per list, so every list gets every format the same
//! way; the cells are the view's values, labels rather than keys (`status_label`, not
//! `status`), so a file never shows a person a raw key. A CSV file holds one table: the first
//! section that has rows (the first one when none has).

use chrono::{Days, NaiveDate, NaiveTime};
use icalendar::{Calendar, Component, Event, EventLike, Property};
use peiyu_domain::Lang;
use serde_json::Value;

use crate::sheet::{Cell, Sheet};
use crate::weekly::Format;
use crate::xlsx::{Look, Workbook};
use crate::{FormatError, tr};

/// One column: the view's field (`due_on`; `enterprise/name` inside an object) and its header.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// The field's path in a row, `/`-separated.
    pub field: &'static str,
    /// The header in Chinese.
    pub zh: &'static str,
    /// The header in English.
    pub en: &'static str,
}

/// A column of `field` headed `zh` / `en`.
pub const fn col(field: &'static str, zh: &'static str, en: &'static str) -> Column {
    Column { field, zh, en }
}

/// One table of a list: the rows (an array of the view, at `rows`: `""` for a view that is
/// the array itself), its name (a sheet's name, a heading) and its columns.
#[derive(Clone, Copy, Debug)]
pub struct Section {
    /// Where the rows are in the view, `/`-separated; `""` for the view itself.
    pub rows: &'static str,
    /// The table's name in Chinese.
    pub zh: &'static str,
    /// The table's name in English.
    pub en: &'static str,
    /// Its columns.
    pub columns: &'static [Column],
}

/// What makes a row an iCalendar event: the date field, the fields of its summary, and the
/// field and value a row must have to be one (`status` = `open`).
#[derive(Clone, Copy, Debug)]
pub struct Dated {
    /// The event's day.
    pub on: &'static str,
    /// The fields joined (` · `) as its summary.
    pub summary: &'static [&'static str],
    /// Only rows whose field has this value.
    pub only: Option<(&'static str, &'static str)>,
    /// A field that identifies the row, for the event's stable `UID`.
    pub id: &'static str,
}

/// A list's layout as files.
#[derive(Clone, Copy, Debug)]
pub struct ListFile {
    /// Its tables.
    pub sections: &'static [Section],
    /// Its events, when its rows have dates (the first section's rows).
    pub dated: Option<Dated>,
}

impl ListFile {
    /// Whether the list is offered in `format` (JSON is the view itself, not a file of it).
    pub fn offers(&self, format: Format) -> bool {
        match format {
            Format::Csv | Format::Xlsx | Format::Md | Format::Html => true,
            Format::Ics => self.dated.is_some(),
            Format::Json | Format::Text => false,
        }
    }

    /// The formats offered, by key, for a message: `csv, xlsx, md, html` (and `ics`).
    pub fn keys(&self) -> Vec<&'static str> {
        Format::ALL
            .into_iter()
            .filter(|f| self.offers(*f) || *f == Format::Json)
            .map(Format::key)
            .collect()
    }

    /// The view's tables as sheets, in order.
    pub fn sheets(&self, view: &Value, lang: Lang) -> Vec<Sheet> {
        self.sections
            .iter()
            .map(|s| {
                let rows = rows_of(view, s.rows)
                    .iter()
                    .map(|row| {
                        s.columns
                            .iter()
                            .map(|c| cell(at(row, c.field), lang))
                            .collect()
                    })
                    .collect();
                let headers = s
                    .columns
                    .iter()
                    .map(|c| tr(lang, c.zh, c.en).to_owned())
                    .collect();
                Sheet {
                    filter: true,
                    ..Sheet::new(tr(lang, s.zh, s.en), headers, rows)
                }
            })
            .collect()
    }

    /// The view as a file in `format`, titled `title` (a Markdown heading, the HTML page's
    /// title and heading, the calendar's name). JSON and text are not files of a list: they
    /// are refused as [`FormatError::Unsupported`].
    pub fn render(
        &self,
        view: &Value,
        format: Format,
        title: &str,
        lang: Lang,
    ) -> Result<Vec<u8>, FormatError> {
        let sheets = self.sheets(view, lang);
        match format {
            Format::Csv => {
                let first = sheets
                    .iter()
                    .find(|s| !s.rows.is_empty())
                    .or(sheets.first())
                    .cloned()
                    .unwrap_or_default();
                crate::csv::write(&first)
            }
            Format::Xlsx => crate::xlsx::write(&Workbook {
                sheets: &sheets,
                look: Look::Plain,
                properties: None,
            }),
            Format::Md => Ok(markdown(&sheets, title).into_bytes()),
            Format::Html => Ok(html(&sheets, title, lang).into_bytes()),
            Format::Ics if self.dated.is_some() => Ok(self.ics(view, title, lang).into_bytes()),
            other => Err(FormatError::Unsupported {
                format: other.key(),
            }),
        }
    }

    /// The first section's rows with a date as all-day events (iCalendar, RFC 5545).
    fn ics(&self, view: &Value, title: &str, lang: Lang) -> String {
        let mut cal = Calendar::empty();
        cal.append_property(Property::new("VERSION", "2.0"))
            .append_property(Property::new(
                "PRODID",
                tr(lang, "-//peiyu//list//ZH", "-//peiyu//list//EN"),
            ))
            .append_property(Property::new("CALSCALE", "GREGORIAN"))
            .append_property(Property::new("METHOD", "PUBLISH"))
            .name(title);
        let (Some(dated), Some(section)) = (self.dated, self.sections.first()) else {
            return cal.to_string();
        };
        for row in rows_of(view, section.rows) {
            if let Some((field, value)) = dated.only
                && at(row, field).and_then(Value::as_str) != Some(value)
            {
                continue;
            }
            let Some(on) = at(row, dated.on)
                .and_then(Value::as_str)
                .and_then(|d| d.parse::<NaiveDate>().ok())
            else {
                continue;
            };
            let summary: Vec<String> = dated
                .summary
                .iter()
                .map(|f| text(at(row, f), lang))
                .filter(|t| !t.is_empty())
                .collect();
            let mut event = Event::new();
            event
                .uid(&format!("{}@peiyu", text(at(row, dated.id), lang)))
                .timestamp(on.and_time(NaiveTime::MIN).and_utc())
                .summary(&summary.join(" · "))
                .starts(on);
            if let Some(next) = on.checked_add_days(Days::new(1)) {
                event.ends(next);
            }
            cal.push(event.done());
        }
        cal.to_string()
    }
}

/// A list that is one table of the view's rows (the view is the array), named `zh` / `en`,
/// with these columns and no dates.
macro_rules! one_table {
    ($zh:expr, $en:expr, [$($column:expr),* $(,)?]) => {
        ListFile {
            sections: &[Section {
                rows: "",
                zh: $zh,
                en: $en,
                columns: &[$($column),*],
            }],
            dated: None,
        }
    };
}

/// The register's columns, with `$extra` after the name (a stage-filtered list's stage).
macro_rules! enterprise_table {
    ($($extra:expr),* $(,)?) => {
        one_table!(
            "企业",
            "Enterprises",
            [
                col("uscc", "统一社会信用代码", "USCC"),
                col("name", "企业名称", "name"),
                $($extra,)*
                col("sector_label", "行业", "sector"),
                col("town", "乡镇", "town"),
                col("address", "地址", "address"),
                col("land_area_mu", "用地（亩）", "land (mu)"),
                col("responsible/name", "责任干部", "responsible officer"),
                col("archived", "已归档", "archived"),
            ]
        )
    };
}

/// `GET /enterprises`: the register.
pub const ENTERPRISES: ListFile = enterprise_table!();

/// `GET /enterprises?stage=`: the register filtered by stage, with each firm's stage and track.
pub const ENTERPRISES_AT_STAGE: ListFile = enterprise_table!(
    col("stage/stage_label", "阶段", "stage"),
    col("stage/track_label", "流程", "track"),
);

impl ListFile {
    /// The register's layout: with the stage and track columns when it is filtered by stage.
    pub fn enterprises(by_stage: bool) -> &'static ListFile {
        if by_stage {
            &ENTERPRISES_AT_STAGE
        } else {
            &ENTERPRISES
        }
    }
}

/// `GET /tasks`: tasks by due date; open ones are a calendar's events on their due dates.
pub const TASKS: ListFile = ListFile {
    sections: &[Section {
        rows: "",
        zh: "任务",
        en: "Tasks",
        columns: &[
            col("short_id", "编号", "id"),
            col("title", "任务", "task"),
            col("kind_label", "类型", "kind"),
            col("status_label", "状态", "status"),
            col("enterprise/name", "企业", "enterprise"),
            col("assignee", "承办人", "assignee"),
            col("delegate", "委派给", "delegate"),
            col("created_on", "创建日期", "created"),
            col("due_on", "截止日期", "due"),
            col("completed_on", "完成日期", "done"),
            col("origin_label", "来源", "origin"),
        ],
    }],
    dated: Some(Dated {
        on: "due_on",
        summary: &["title", "enterprise/name"],
        only: Some(("status", "open")),
        id: "id",
    }),
};

/// `GET /officers`.
pub const OFFICERS: ListFile = one_table!(
    "干部",
    "Officers",
    [
        col("login", "登录名", "login"),
        col("name", "姓名", "name"),
        col("role_label", "角色", "role"),
        col("active", "在岗", "active"),
    ]
);

/// `GET /teams`.
pub const TEAMS: ListFile = one_table!(
    "专班",
    "Teams",
    [
        col("name", "专班", "team"),
        col("lead_name", "组长", "lead"),
        col("member_names", "成员", "members"),
    ]
);

/// `GET /batches/{year}`: a year's four-batches list.
pub const BATCH_LIST: ListFile = ListFile {
    sections: &[Section {
        rows: "entries",
        zh: "四个一批",
        en: "Four batches",
        columns: &[
            col("batch_label", "批次", "batch"),
            col("enterprise/name", "企业名称", "enterprise"),
            col("enterprise/uscc", "统一社会信用代码", "USCC"),
            col("town", "乡镇", "town"),
            col("since", "列入日期", "since"),
            col("reason", "原因", "reason"),
        ],
    }],
    dated: None,
};

/// `GET /enterprises/{key}/history`: one timeline.
pub const HISTORY: ListFile = ListFile {
    sections: &[Section {
        rows: "entries",
        zh: "历程",
        en: "History",
        columns: &[
            col("effective_on", "生效日期", "effective"),
            col("recorded_at", "记录时间", "recorded"),
            col("kind_label", "类别", "kind"),
            col("action_label", "事项", "what"),
            col("subject", "对象", "subject"),
            col("track_label", "流程", "track"),
            col("from_label", "从", "from"),
            col("to_label", "到", "to"),
            col("actor_name", "操作人", "by"),
            col("on_behalf_of_name", "代", "on behalf of"),
            col("reason", "原因", "reason"),
            col("evidence", "佐证", "evidence"),
        ],
    }],
    dated: None,
};

/// `GET /asof/{date}`: batch places and stages as they stood.
pub const AS_OF: ListFile = ListFile {
    sections: &[
        Section {
            rows: "listed",
            zh: "名单",
            en: "Lists",
            columns: &[
                col("list", "年度", "year"),
                col("batch_label", "批次", "batch"),
                col("name", "企业名称", "enterprise"),
                col("uscc", "统一社会信用代码", "USCC"),
                col("since", "自", "since"),
            ],
        },
        Section {
            rows: "staged",
            zh: "阶段",
            en: "Stages",
            columns: &[
                col("track_label", "流程", "track"),
                col("stage_label", "阶段", "stage"),
                col("name", "企业名称", "enterprise"),
                col("uscc", "统一社会信用代码", "USCC"),
                col("since", "自", "since"),
            ],
        },
    ],
    dated: None,
};

/// `GET /audit/log`: the audit entries, oldest first.
pub const AUDIT_LOG: ListFile = one_table!(
    "审计日志",
    "Audit log",
    [
        col("seq", "序号", "seq"),
        col("recorded_at", "记录时间", "recorded"),
        col("effective_on", "生效日期", "effective"),
        col("actor_name", "操作人", "by"),
        col("on_behalf_of_name", "代", "on behalf of"),
        col("action_label", "事项", "action"),
        col("subject_label", "对象", "subject"),
        col("reason", "原因", "reason"),
        col("request_id", "请求编号", "request id"),
        col("hash", "哈希", "hash"),
    ]
);

/// `GET /targets`: a year's targets.
pub const TARGETS: ListFile = one_table!(
    "目标",
    "Targets",
    [
        col("year", "年度", "year"),
        col("label", "指标", "metric"),
        col("value", "目标值", "target"),
    ]
);

/// A progress breakdown's columns, after the one that names what it is by.
macro_rules! breakdown_columns {
    ($by:expr) => {
        &[
            $by,
            col("newly_registered", "新增入统", "newly registered"),
            col("in_cultivation", "培育中", "in cultivation"),
            col("output_value", "新增产值（元）", "their output (yuan)"),
        ]
    };
}

/// `GET /reports/progress` as tables (its workbook is [`crate::report::xlsx`]): the targets,
/// the newly registered, the breakdowns by batch, town and sector, and overdue tasks.
pub const PROGRESS: ListFile = ListFile {
    sections: &[
        Section {
            rows: "targets",
            zh: "目标",
            en: "Targets",
            columns: &[
                col("label", "指标", "metric"),
                col("value", "目标值", "target"),
            ],
        },
        Section {
            rows: "progress",
            zh: "目标进度",
            en: "Progress on targets",
            columns: &[
                col("label", "指标", "metric"),
                col("target", "目标", "target"),
                col("achieved", "完成", "achieved"),
                col("percent", "完成率", "share"),
            ],
        },
        Section {
            rows: "register",
            zh: "统计名录",
            en: "Statistical register",
            columns: REGISTER_COUNTS,
        },
        Section {
            rows: "new_above_scale",
            zh: "新增规上",
            en: "Newly above scale",
            columns: NEWLY,
        },
        Section {
            rows: "new_above_limit",
            zh: "新增限上",
            en: "Newly above limit",
            columns: NEWLY,
        },
        Section {
            rows: "by_batch",
            zh: "按批次",
            en: "By batch",
            columns: breakdown_columns!(col("label", "批次", "batch")),
        },
        Section {
            rows: "by_town",
            zh: "按乡镇",
            en: "By town",
            columns: breakdown_columns!(col("label", "乡镇", "town")),
        },
        Section {
            rows: "by_sector",
            zh: "按行业",
            en: "By sector",
            columns: breakdown_columns!(col("label", "行业", "sector")),
        },
        Section {
            rows: "overdue_by_officer",
            zh: "逾期任务",
            en: "Overdue tasks",
            columns: &[
                col("name", "干部", "officer"),
                col("overdue", "逾期", "overdue"),
            ],
        },
    ],
    dated: None,
};

const REGISTER_COUNTS: &[Column] = &[
    col("kind_label", "类别", "register"),
    col("in_register", "在库（家）", "in the register"),
    col("entered_in_year", "本年入库", "entered this year"),
    col("exited_in_year", "本年退库", "left this year"),
    col(
        "output_value_wan",
        "本年累计产值（万元）",
        "output this year (10k yuan)",
    ),
];

/// `GET /register`: the statistical register as of a day, then its counts.
pub const REGISTER: ListFile = ListFile {
    sections: &[
        Section {
            rows: "rows",
            zh: "统计名录",
            en: "Statistical register",
            columns: &[
                col("seq", "序号", "no."),
                col("enterprise/name", "企业名称", "enterprise"),
                col("enterprise/uscc", "统一社会信用代码", "USCC"),
                col("town", "乡镇", "town"),
                col("sector_label", "行业", "sector"),
                col("kind_label", "类别", "register"),
                col("entered", "入库年月", "entered"),
                col("route_label", "入库方式", "route"),
                col("source_label", "来源", "source"),
                col(
                    "output_value_wan",
                    "本年累计产值（万元）",
                    "output this year (10k yuan)",
                ),
            ],
        },
        Section {
            rows: "counts",
            zh: "合计",
            en: "Totals",
            columns: REGISTER_COUNTS,
        },
    ],
    dated: None,
};

const NEWLY: &[Column] = &[
    col("enterprise/name", "企业名称", "enterprise"),
    col("enterprise/uscc", "统一社会信用代码", "USCC"),
    col("registered_on", "入统日期", "registered"),
    col("output_value", "产值（元）", "output (yuan)"),
    col("revenue", "营业收入（元）", "revenue (yuan)"),
];

/// The array at `path` in `view` (empty when there is none).
fn rows_of<'a>(view: &'a Value, path: &str) -> &'a [Value] {
    at(Some(view), path)
        .or(Some(view).filter(|_| path.is_empty()))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The value at `path` (`a/b`) in `value`; `""` is the value itself.
fn at<'a>(value: impl Into<Option<&'a Value>>, path: &str) -> Option<&'a Value> {
    let mut here = value.into()?;
    for key in path.split('/').filter(|k| !k.is_empty()) {
        here = here.get(key)?;
    }
    Some(here)
}

/// A value as a cell: a day as a date, a whole number as a number, yes or no in words, a list
/// joined by `、`, an enterprise or officer by its name.
fn cell(value: Option<&Value>, lang: Lang) -> Cell {
    match value {
        None | Some(Value::Null) => Cell::Empty,
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => Cell::int(i),
            None => Cell::decimal(n.to_string()),
        },
        Some(Value::String(s)) => match s.parse::<NaiveDate>() {
            Ok(day) if s.len() == 10 => Cell::Date(day),
            _ => Cell::Text(s.clone()),
        },
        Some(other) => Cell::Text(text(Some(other), lang)),
    }
}

/// A value as text.
fn text(value: Option<&Value>, lang: Lang) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => tr(
            lang,
            if *b { "是" } else { "否" },
            if *b { "yes" } else { "no" },
        )
        .to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| text(Some(v), lang))
            .collect::<Vec<_>>()
            .join(tr(lang, "、", ", ")),
        Some(object) => ["name", "login", "label"]
            .iter()
            .find_map(|k| object.get(k).and_then(Value::as_str))
            .unwrap_or_default()
            .to_owned(),
    }
}

/// The sheets as Markdown: a heading, then each table under its name.
fn markdown(sheets: &[Sheet], title: &str) -> String {
    let esc = crate::weekly::markdown::escape;
    let mut out = format!("# {}\n", esc(title));
    for sheet in sheets {
        out.push_str(&format!("\n## {}\n\n", esc(&sheet.name)));
        let headers: Vec<String> = sheet.headers.iter().map(|h| esc(h)).collect();
        out.push_str(&format!("| {} |\n", headers.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(headers.len())));
        for row in &sheet.rows {
            let cells: Vec<String> = row.iter().map(|c| esc(&shown(c))).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
    }
    out
}

/// A cell as a person reads it (a CSV cell's text, without its formula guard).
fn shown(c: &Cell) -> String {
    match c {
        Cell::Text(t) => t.clone(),
        other => other.csv_text(),
    }
}

/// Text escaped for HTML.
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The sheets as a standalone page to print: inline CSS, no script, nothing fetched.
fn html(sheets: &[Sheet], title: &str, lang: Lang) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n\
         <style>body{{font-family:sans-serif;margin:1.5em}}table{{border-collapse:collapse;margin-bottom:1.5em}}\
         th,td{{border:1px solid #999;padding:.25em .5em;text-align:left;vertical-align:top}}\
         th{{background:#dde4ee}}@media print{{body{{margin:0}}}}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        tr(lang, "zh-CN", "en"),
        escape_html(title),
        escape_html(title)
    );
    for sheet in sheets {
        out.push_str(&format!(
            "<h2>{}</h2>\n<table>\n<thead><tr>",
            escape_html(&sheet.name)
        ));
        for h in &sheet.headers {
            out.push_str(&format!("<th>{}</th>", escape_html(h)));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for row in &sheet.rows {
            out.push_str("<tr>");
            for c in row {
                out.push_str(&format!("<td>{}</td>", escape_html(&shown(c))));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TASKS: ListFile = ListFile {
        sections: &[Section {
            rows: "",
            zh: "任务",
            en: "Tasks",
            columns: &[
                col("title", "标题", "title"),
                col("status_label", "状态", "status"),
                col("enterprise/name", "企业", "enterprise"),
                col("due_on", "截止日期", "due"),
                col("members", "成员", "members"),
            ],
        }],
        dated: Some(Dated {
            on: "due_on",
            summary: &["title", "enterprise/name"],
            only: Some(("status", "open")),
            id: "id",
        }),
    };

    fn view() -> Value {
        json!([
            {"id": "a1", "title": "=走访", "status": "open", "status_label": "待办",
             "enterprise": {"name": "柳州<机械>"}, "due_on": "2023-07-10", "members": ["王", "李"]},
            {"id": "b2", "title": "核实", "status": "done", "status_label": "已完成",
             "enterprise": null, "due_on": "2023-07-11", "members": []}
        ])
    }

    #[test]
    fn cells_are_the_views_labels_dates_and_names() {
        let sheets = TASKS.sheets(&view(), Lang::Zh);
        assert_eq!(
            sheets[0].headers,
            ["标题", "状态", "企业", "截止日期", "成员"]
        );
        let d = NaiveDate::from_ymd_opt(2023, 7, 10).unwrap();
        assert_eq!(
            sheets[0].rows[0],
            vec![
                Cell::Text("=走访".into()),
                Cell::Text("待办".into()),
                Cell::Text("柳州<机械>".into()),
                Cell::Date(d),
                Cell::Text("王、李".into()),
            ]
        );
        assert_eq!(sheets[0].rows[1][2], Cell::Empty);
    }

    #[test]
    fn every_format_writes_and_escapes() {
        let csv =
            String::from_utf8(TASKS.render(&view(), Format::Csv, "t", Lang::En).unwrap()).unwrap();
        assert!(csv.contains("'=走访"), "{csv}");
        assert!(csv.starts_with('\u{feff}'));
        let md = String::from_utf8(TASKS.render(&view(), Format::Md, "任务", Lang::Zh).unwrap())
            .unwrap();
        assert!(
            md.contains("| =走访 | 待办 | 柳州\\<机械\\> | 2023-07-10 | 王、李 |"),
            "{md}"
        );
        let html = String::from_utf8(
            TASKS
                .render(&view(), Format::Html, "任务", Lang::Zh)
                .unwrap(),
        )
        .unwrap();
        assert!(html.contains("<td>柳州&lt;机械&gt;</td>"), "{html}");
        assert!(!html.contains("<script"));
        let xlsx = TASKS.render(&view(), Format::Xlsx, "t", Lang::Zh).unwrap();
        assert!(xlsx.starts_with(b"PK"));
        let ics = String::from_utf8(
            TASKS
                .render(&view(), Format::Ics, "任务", Lang::Zh)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1, "{ics}");
        assert!(ics.contains("UID:a1@peiyu"), "{ics}");
        assert!(ics.contains("DTSTART;VALUE=DATE:20230710"), "{ics}");
        assert!(TASKS.render(&view(), Format::Json, "t", Lang::Zh).is_err());
    }

    #[test]
    fn a_list_without_dates_offers_no_calendar() {
        let plain = ListFile {
            dated: None,
            ..TASKS
        };
        assert!(!plain.offers(Format::Ics));
        assert!(plain.offers(Format::Md));
        assert_eq!(plain.keys(), ["md", "csv", "xlsx", "html", "json"]);
    }
}
