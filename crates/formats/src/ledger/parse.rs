//! Turning the cells of one row into the domain values the import use cases take, or into the
//! problems of that row — every bad cell, not the first.

use chrono::NaiveDate;
use peiyu_domain::DayError;
use peiyu_domain::{
    Batch, FactorCategory, LandArea, Lang, LegalForm, Localize, MoneyError, Sector, TaskId,
    TaskKind, TaskStatus, Tce, Text, Uscc, UsccMode, UsccWarning, YearMonth, Yuan,
};
use peiyu_service::{BatchRow, EnterpriseRow, MetricsRow, RegisterRow, RowProblem, TaskRow};

use super::columns::Layout;

/// Codes accepted only because of `--lenient-uscc`, with their lines.
pub type Warnings = Vec<(u64, UsccWarning)>;

/// A row as domain values with its warnings, or every problem it has.
pub type RowResult<T> = Result<(T, Warnings), Vec<RowProblem>>;

/// One row's cells, read through the file's layout.
pub struct Cells<'a> {
    layout: &'a Layout,
    line: u64,
    cells: &'a [String],
    /// The problems found so far.
    pub problems: Vec<RowProblem>,
    /// Codes accepted only because of `--lenient-uscc`.
    pub warnings: Warnings,
}

impl<'a> Cells<'a> {
    /// The row on `line` with these cells.
    pub fn new(layout: &'a Layout, line: u64, cells: &'a [String]) -> Cells<'a> {
        Cells {
            layout,
            line,
            cells,
            problems: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The trimmed text of `key`'s cell; `None` when the file has no such column.
    pub fn text(&self, key: &str) -> Option<&'a str> {
        let i = self.layout.index(key)?;
        Some(self.cells.get(i).map_or("", |s| s.trim()))
    }

    fn problem(&mut self, key: &str, value: &str, message: Text) {
        self.problems
            .push(RowProblem::new(self.line, key, value, message));
    }

    fn invalid(&mut self, key: &str, value: &str, err: &impl Localize) {
        let message = err.localize(Lang::Zh);
        self.problem(key, value, message);
    }

    fn empty(&mut self, key: &str) {
        self.problem(key, "", Text::new("不能为空", "must not be empty"));
    }

    /// A cell read by `parse`: `None` without the column, `Some(None)` for an empty cell.
    fn optional<T, E: Localize>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<Option<T>> {
        let text = self.text(key)?;
        if text.is_empty() {
            return Some(None);
        }
        match parse(text) {
            Ok(v) => Some(Some(v)),
            Err(e) => {
                self.invalid(key, text, &e);
                Some(None)
            }
        }
    }

    /// A cell that must be filled when the column exists.
    fn required<T, E: Localize>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let text = self.text(key)?;
        if text.is_empty() {
            self.empty(key);
            return None;
        }
        match parse(text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.invalid(key, text, &e);
                None
            }
        }
    }

    fn uscc(&mut self, key: &str, mode: UsccMode) -> Option<Uscc> {
        let line = self.line;
        let mut warning = None;
        let code = self.required(key, |t| {
            Uscc::parse_with(t, mode).map(|(code, w)| {
                warning = w;
                code
            })
        });
        if let Some(w) = warning {
            self.warnings.push((line, w));
        }
        code
    }

    fn money(&mut self, key: &str) -> Option<Option<Yuan>> {
        let unit = self.layout.unit(key);
        let header = self.layout.header_of(key);
        self.optional(key, |t| {
            Yuan::parse_unit(t, unit).map_err(|e| match e {
                MoneyError::NoUnit { input } => {
                    let base = MoneyError::NoUnit {
                        input: input.clone(),
                    }
                    .localize(Lang::Zh);
                    Unreadable {
                        zh: format!("{}，或在表头注明单位，如 \"{header}(万元)\"", base.zh()),
                        en: format!(
                            "{}, or name the unit in the header, e.g. \"{header} (万元)\"",
                            base.en()
                        ),
                    }
                }
                other => {
                    let text = other.localize(Lang::Zh);
                    Unreadable {
                        zh: text.zh().to_owned(),
                        en: text.en().to_owned(),
                    }
                }
            })
        })
    }

    fn owned(&self, key: &str) -> Option<String> {
        self.text(key).map(str::to_owned)
    }

    fn finish<T>(self, row: Option<T>) -> RowResult<T> {
        match row {
            Some(row) if self.problems.is_empty() => Ok((row, self.warnings)),
            _ => Err(self.problems),
        }
    }
}

/// A value that is not one of a list, said in both languages.
#[derive(Debug)]
struct Unreadable {
    zh: String,
    en: String,
}

impl Localize for Unreadable {
    fn localize(&self, _lang: Lang) -> Text {
        Text::new(self.zh.clone(), self.en.clone())
    }
}

/// Reads a date: `2023-06-30`, `2023/6/30`, `2023.6.30`, `2023年6月30日`, or an Excel date
/// with a time of midnight.
pub fn parse_date(text: &str) -> Result<NaiveDate, impl Localize + use<>> {
    let t = text.trim();
    let t = t.split_once(' ').map_or(t, |(d, _)| d);
    let t = t.strip_suffix('日').unwrap_or(t);
    let normal: String = t
        .chars()
        .map(|c| match c {
            '/' | '.' | '年' | '月' => '-',
            c => c,
        })
        .collect();
    match peiyu_domain::parse_day(&normal) {
        Ok(day) => Ok(day),
        // A day that does not exist, or a year out of range, is said as such.
        Err(e @ (DayError::NoSuchDay { .. } | DayError::Year { .. } | DayError::Month { .. })) => {
            let t = e.localize(Lang::Zh);
            Err(Unreadable {
                zh: t.zh().to_owned(),
                en: t.en().to_owned(),
            })
        }
        Err(DayError::Malformed { .. }) => {
            let text = peiyu_domain::excerpt(text);
            Err(Unreadable {
                zh: format!("无法识别日期「{text}」：应为 2023-06-30、2023/6/30 或 2023年6月30日"),
                en: format!(
                    "cannot read the date \"{text}\": expected 2023-06-30, 2023/6/30 or 2023年6月30日"
                ),
            })
        }
    }
}

/// Reads a month as [`YearMonth::parse`] does, or the month of a date (Excel turns `2023-06`
/// typed into a cell into 2023-06-01).
pub fn parse_month(text: &str) -> Result<YearMonth, peiyu_domain::YearMonthError> {
    YearMonth::parse(text).or_else(|e| {
        parse_date(text)
            .ok()
            .and_then(YearMonth::containing)
            .ok_or(e)
    })
}

fn parse_count(text: &str) -> Result<u32, Unreadable> {
    let t = text.trim().trim_end_matches('人').replace(',', "");
    let text = peiyu_domain::excerpt(text);
    match t.trim().parse::<u32>() {
        Ok(n) if n <= peiyu_domain::MAX_EMPLOYEES => Ok(n),
        Ok(_) => Err(Unreadable {
            zh: format!("人数「{text}」超过上限 {}", peiyu_domain::MAX_EMPLOYEES),
            en: format!(
                "the headcount \"{text}\" is more than {}, the most one enterprise may report",
                peiyu_domain::MAX_EMPLOYEES
            ),
        }),
        Err(_) => Err(Unreadable {
            zh: format!(
                "无法识别人数「{text}」：应为 0 到 {} 的整数",
                peiyu_domain::MAX_EMPLOYEES
            ),
            en: format!(
                "cannot read the headcount \"{text}\": expected a whole number from 0 to {}",
                peiyu_domain::MAX_EMPLOYEES
            ),
        }),
    }
}

fn parse_year(text: &str) -> Result<i32, Unreadable> {
    let t = text.trim().trim_end_matches('年');
    t.parse::<i32>().map_err(|_| Unreadable {
        zh: format!("无法识别名单年份「{text}」：应为 2023 这样的年份"),
        en: format!("cannot read the list year \"{text}\": expected a year such as 2023"),
    })
}

/// Reads a task kind by key (`visit`, `factor_guarantee:land`) or by its name in either
/// language (走访, 要素保障：用地保障, factor guarantee: land).
pub fn parse_kind(text: &str) -> Result<TaskKind, impl Localize + use<>> {
    TaskKind::parse(text).or_else(|e| {
        let t = text.trim();
        let mut all = vec![
            TaskKind::Visit,
            TaskKind::Application,
            TaskKind::Document,
            TaskKind::InspectionFinding,
            TaskKind::StatisticsReport,
            TaskKind::Supervision,
            TaskKind::Custom,
        ];
        all.extend(FactorCategory::ALL.map(TaskKind::FactorGuarantee));
        all.into_iter()
            .find(|k| k.label(Lang::Zh) == t || k.label(Lang::En).eq_ignore_ascii_case(t))
            .ok_or(e)
    })
}

/// An enterprise row, or its problems.
pub fn enterprise(
    layout: &Layout,
    line: u64,
    cells: &[String],
    mode: UsccMode,
) -> RowResult<EnterpriseRow> {
    let mut c = Cells::new(layout, line, cells);
    let uscc = c.uscc("uscc", mode);
    let sector = c.optional("sector", Sector::parse).flatten();
    let land_area = c.optional("land_area_mu", LandArea::parse);
    let legal_form = c.optional("legal_form", LegalForm::parse).flatten();
    let officer = c
        .text("officer")
        .map(|t| (!t.is_empty()).then(|| t.to_owned()));
    let row = uscc.map(|uscc| EnterpriseRow {
        line,
        uscc,
        name: c.owned("name"),
        sector,
        town: c.owned("town"),
        address: c.owned("address"),
        land_area,
        legal_form,
        officer,
    });
    c.finish(row)
}

/// A metrics row, or its problems.
pub fn metrics(
    layout: &Layout,
    line: u64,
    cells: &[String],
    mode: UsccMode,
) -> RowResult<MetricsRow> {
    let mut c = Cells::new(layout, line, cells);
    let uscc = c.uscc("uscc", mode);
    let month = c.required("month", parse_month);
    let revenue = c.money("revenue");
    let output_value = c.money("output_value");
    let energy = c.optional("energy_tce", Tce::parse);
    let employees = c.optional("employees", parse_count);
    let tax = c.money("tax");
    let rnd_spend = c.money("rnd");
    let row = match (uscc, month) {
        (Some(uscc), Some(month)) => Some(MetricsRow {
            line,
            uscc,
            month,
            revenue,
            output_value,
            energy,
            employees,
            tax,
            rnd_spend,
        }),
        _ => None,
    };
    c.finish(row)
}

/// A batch-list row, or its problems.
pub fn batch(layout: &Layout, line: u64, cells: &[String], mode: UsccMode) -> RowResult<BatchRow> {
    let mut c = Cells::new(layout, line, cells);
    let year = c.required("list", parse_year);
    let uscc = c.uscc("uscc", mode);
    let batch = c.required("batch", |t| t.parse::<Batch>());
    let since = c.optional("since", parse_date).flatten();
    let reason = c
        .text("reason")
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    let row = match (year, uscc, batch) {
        (Some(year), Some(uscc), Some(batch)) => Some(BatchRow {
            line,
            year,
            uscc,
            batch,
            reason,
            since,
        }),
        _ => None,
    };
    c.finish(row)
}

/// A row of the statistics bureau's register list, or its problems. The route defaults to
/// 月度 when the file has no such column or the cell is empty.
pub fn register(
    layout: &Layout,
    line: u64,
    cells: &[String],
    mode: UsccMode,
) -> RowResult<RegisterRow> {
    let mut c = Cells::new(layout, line, cells);
    let uscc = c.uscc("uscc", mode);
    let kind = c.required("kind", peiyu_domain::RegisterKind::parse);
    let entered = c.required("entered", parse_month);
    let route = c
        .optional("route", peiyu_domain::RegisterRoute::parse)
        .flatten()
        .unwrap_or(peiyu_domain::RegisterRoute::Monthly);
    let exited = c.optional("exited", parse_month).flatten();
    let exit_reason = c
        .text("exit_reason")
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    if let (Some(entered), Some(exited)) = (entered, exited)
        && exited < entered
    {
        c.problem(
            "exited",
            &exited.to_string(),
            Text::new(
                format!("退库年月 {exited} 早于入库年月 {entered}"),
                format!("the exit month {exited} is before the entry month {entered}"),
            ),
        );
    }
    let row = match (uscc, kind, entered) {
        (Some(uscc), Some(kind), Some(entered)) => Some(RegisterRow {
            line,
            uscc,
            kind,
            entered,
            route,
            exited,
            exit_reason,
        }),
        _ => None,
    };
    c.finish(row)
}

/// A task row, or its problems.
pub fn task(layout: &Layout, line: u64, cells: &[String], mode: UsccMode) -> RowResult<TaskRow> {
    let mut c = Cells::new(layout, line, cells);
    let id = c
        .optional("id", |t| {
            t.replace('-', "").parse::<TaskId>().map_err(|_| Unreadable {
                zh: format!("无法识别任务编号「{t}」：应为导出文件中的完整编号，新任务请留空"),
                en: format!(
                    "cannot read the task id \"{t}\": give the full id from an export, or leave it empty for a new task"
                ),
            })
        })
        .flatten();
    let enterprise = match c.text("uscc") {
        None => None,
        Some("") => Some(None),
        Some(_) => Some(c.uscc("uscc", mode)),
    };
    let kind = c.optional("kind", parse_kind).flatten();
    let due_on = c.required("due_on", parse_date);
    let follow_up_on = c.optional("follow_up_on", parse_date);
    let status = c.optional("status", TaskStatus::parse).flatten();
    let assignee = c
        .text("assignee")
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    let row = TaskRow {
        line,
        id,
        enterprise,
        kind,
        title: c.owned("title").filter(|t| !t.is_empty() || id.is_none()),
        description: c
            .text("description")
            .map(|t| (!t.is_empty()).then(|| t.to_owned())),
        assignee,
        due_on,
        follow_up_on,
        status,
    };
    c.finish(Some(row))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::columns::{Ledger, Mapping};

    fn layout(ledger: Ledger, headers: &[&str]) -> Layout {
        Layout::new(
            &Mapping::default_for(ledger),
            headers.iter().map(|s| (*s).to_owned()).collect(),
            1,
        )
        .unwrap()
    }

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    const USCC: &str = "91450000100000017X";

    fn valid_uscc() -> String {
        let org8 = "10000001";
        let org9 = Uscc::organisation_check_character(org8).unwrap();
        let first17 = format!("91450000{org8}{org9}");
        let check = Uscc::check_character(&first17).unwrap();
        format!("{first17}{check}")
    }

    #[test]
    fn amounts_are_read_in_the_unit_the_header_names() {
        let l = layout(
            Ledger::Metrics,
            &[
                "统一社会信用代码",
                "月份",
                "主营业务收入(万元)",
                "税收（亿元）",
                "研发投入",
            ],
        );
        let code = valid_uscc();
        let (row, _) = metrics(
            &l,
            2,
            &cells(&[&code, "2023-06", "1,360.5", "0.5", "5000元"]),
            UsccMode::Strict,
        )
        .unwrap();
        assert_eq!(row.revenue, Some(Some(Yuan(13_605_000))));
        assert_eq!(row.tax, Some(Some(Yuan(50_000_000))));
        assert_eq!(row.rnd_spend, Some(Some(Yuan(5_000))));
        // A unit written in the cell wins over the header's.
        let (row, _) = metrics(
            &l,
            2,
            &cells(&[&code, "2023/6", "500元", "", "1万"]),
            UsccMode::Strict,
        )
        .unwrap();
        assert_eq!(row.revenue, Some(Some(Yuan(500))));
        assert_eq!(row.tax, Some(None));
        assert_eq!(row.rnd_spend, Some(Some(Yuan(10_000))));
        assert_eq!(
            row.output_value, None,
            "no such column: keep what is stored"
        );
        // A bare number under a header that names no unit is refused, never read as yuan.
        let problems = metrics(
            &l,
            9,
            &cells(&[&code, "2023-06", "1200", "", "1200"]),
            UsccMode::Strict,
        )
        .unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, 9);
        assert_eq!(problems[0].field, "rnd");
        assert!(
            problems[0]
                .message
                .zh()
                .contains("请注明单位：1200万 或 1200元")
                && problems[0].message.zh().contains("研发投入(万元)"),
            "{:?}",
            problems[0].message
        );
    }

    #[test]
    fn every_bad_cell_of_a_row_is_reported() {
        let l = layout(
            Ledger::Metrics,
            &["统一社会信用代码", "月份", "营业收入(万元)", "从业人员"],
        );
        let problems = metrics(
            &l,
            7,
            &cells(&[USCC, "2023-13", "abc", "-3"]),
            UsccMode::Strict,
        )
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["uscc", "month", "revenue", "employees"]);
        assert!(problems.iter().all(|p| p.line == 7));
        assert!(
            problems[0].message.zh().contains("校验"),
            "{:?}",
            problems[0]
        );
        assert_eq!(problems[2].value, "abc");
    }

    #[test]
    fn lenient_codes_pass_with_a_warning() {
        let l = layout(
            Ledger::Enterprises,
            &["统一社会信用代码", "企业名称", "行业"],
        );
        let (row, warnings) =
            enterprise(&l, 3, &cells(&[USCC, "某公司", "工业"]), UsccMode::Lenient).unwrap();
        assert_eq!(row.uscc.as_str(), USCC);
        assert_eq!(warnings.len(), 1);
        assert_eq!(row.sector, Some(Sector::Industry));
    }

    #[test]
    fn dates_kinds_and_months_in_the_forms_ledgers_use() {
        let d = NaiveDate::from_ymd_opt(2023, 6, 30).unwrap();
        for t in [
            "2023-06-30",
            "2023/6/30",
            "2023.6.30",
            "2023年6月30日",
            "2023-06-30 00:00:00",
        ] {
            assert_eq!(parse_date(t).ok(), Some(d), "{t}");
        }
        assert!(parse_date("30/06/2023").is_err());
        assert_eq!(parse_month("2023-06-01").unwrap().to_string(), "2023-06");
        assert_eq!(parse_month("202306").unwrap().to_string(), "2023-06");
        assert_eq!(parse_kind("走访").ok(), Some(TaskKind::Visit));
        assert_eq!(
            parse_kind("要素保障：用地保障").ok().map(|k| k.key()),
            TaskKind::parse("factor_guarantee:land")
                .ok()
                .map(|k| k.key())
        );
        assert_eq!(parse_kind("visit").ok(), Some(TaskKind::Visit));
        assert!(parse_kind("喝茶").is_err());
    }

    #[test]
    fn batch_rows_read_years_and_batches_as_written() {
        let l = layout(
            Ledger::Batches,
            &[
                "名单年份",
                "统一社会信用代码",
                "企业名称",
                "批次",
                "原因",
                "生效日期",
            ],
        );
        let code = valid_uscc();
        let (row, _) = batch(
            &l,
            2,
            &cells(&["2023年", &code, "某公司", "第二批", "产值增长", "2023/3/1"]),
            UsccMode::Strict,
        )
        .unwrap();
        assert_eq!(row.year, 2023);
        assert_eq!(row.batch.number(), 2);
        assert_eq!(row.reason.as_deref(), Some("产值增长"));
        assert_eq!(row.since, NaiveDate::from_ymd_opt(2023, 3, 1));
        let problems = batch(
            &l,
            9,
            &cells(&["", &code, "", "5", "", "someday"]),
            UsccMode::Strict,
        )
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["list", "batch", "since"]);
    }
}

#[cfg(test)]
mod properties {
    //! Any cell text gives a row or problems naming their column, never a panic, and no
    //! message quotes more than the first 100 characters of a value.
    use proptest::prelude::*;

    use super::*;
    use crate::ledger::columns::{Ledger, Mapping};

    fn layout(ledger: Ledger) -> Layout {
        let mapping = Mapping::default_for(ledger);
        let headers: Vec<String> = [
            "uscc",
            "name",
            "sector",
            "town",
            "address",
            "month",
            "revenue",
            "output_value",
            "employees",
            "tax",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        Layout::new(&mapping, headers, 1)
            .unwrap_or_else(|_| Layout::new(&mapping, vec!["uscc".into()], 1).unwrap())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn any_cells_are_a_row_or_named_problems(cells in proptest::collection::vec("\\PC{0,300}", 0..12)) {
            for ledger in [Ledger::Enterprises, Ledger::Metrics] {
                let layout = layout(ledger);
                let outcome = match ledger {
                    Ledger::Enterprises => enterprise(&layout, 2, &cells, UsccMode::Strict).err(),
                    _ => metrics(&layout, 2, &cells, UsccMode::Strict).err(),
                };
                for problem in outcome.unwrap_or_default() {
                    let text = format!("{problem:?}");
                    prop_assert!(text.chars().count() < 2_000, "{}", text.chars().count());
                }
            }
            let _ = parse_date(cells.first().map_or("", String::as_str));
            let _ = parse_month(cells.first().map_or("", String::as_str));
        }
    }
}
