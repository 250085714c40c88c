//! The columns of each ledger: the field each header names, the default mapping of Chinese and
//! English headers, and the TOML file that overrides it (`--mapping`).
//!
//! A header is matched after normalising: what is in brackets is dropped (`用地面积(亩)` →
//! `用地面积`, `营业收入（万元）` → `营业收入`), as are spaces, `_` and `-`, and ASCII letters are
//! lowercased (`Land_Area_MU` → `landareamu`). The bracket still counts for money: a header
//! naming 元, 万元 or 亿元 gives the unit of the column's bare numbers.

use std::collections::HashMap;
use std::path::Path;

use peiyu_domain::{Lang, MoneyUnit};

use crate::FormatError;

/// A list officers keep as a file.
///
/// Extension point: the weekly list and the history have their own commands (`peiyu weekly`,
/// `peiyu history`) and renderers; to make another list importable or exportable here, add a
/// variant, its [`Ledger::columns`], a parser in `parse.rs` and a sheet builder in `export.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ledger {
    /// 企业台账: the enterprises on the books.
    Enterprises,
    /// 月度指标: one enterprise's figures for one month per row.
    Metrics,
    /// 四个一批名单: an enterprise's batch on a year's list per row.
    Batches,
    /// 任务台账: tasks.
    Tasks,
    /// 统计名录: the statistics bureau's register list, one stay of an enterprise in the
    /// register of above-scale industry (规上) or above-limit trade (限上) per row.
    Register,
}

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text, a code, a date or a number without unit.
    Plain,
    /// Money: bare numbers are in the unit the header names; without one, every cell must
    /// carry its own unit (`1200万`, `1200元`).
    Money,
    /// Shown for people (e.g. an enterprise's name beside its USCC); read and ignored.
    Info,
}

/// A column of a ledger.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// The field key, also the English header.
    pub key: &'static str,
    /// The Chinese header `peiyu export` writes.
    pub zh: &'static str,
    /// Other headers it is recognised by (normalised when compared).
    pub aliases: &'static [&'static str],
    /// What it holds.
    pub kind: Kind,
}

const fn col(
    key: &'static str,
    zh: &'static str,
    aliases: &'static [&'static str],
    kind: Kind,
) -> Column {
    Column {
        key,
        zh,
        aliases,
        kind,
    }
}

const USCC: Column = col(
    "uscc",
    "统一社会信用代码",
    &["社会信用代码", "信用代码", "统一代码", "USCC"],
    Kind::Plain,
);
const NAME_INFO: Column = col(
    "name",
    "企业名称",
    &["单位名称", "企业", "名称"],
    Kind::Info,
);

const ENTERPRISES: &[Column] = &[
    USCC,
    col(
        "name",
        "企业名称",
        &["单位名称", "企业", "名称"],
        Kind::Plain,
    ),
    col(
        "sector",
        "行业",
        &["所属行业", "行业类别", "行业门类"],
        Kind::Plain,
    ),
    col(
        "town",
        "乡镇",
        &["乡镇（街道）", "所在乡镇", "镇街", "乡镇街道", "所属乡镇"],
        Kind::Plain,
    ),
    col(
        "address",
        "地址",
        &["详细地址", "注册地址", "企业地址"],
        Kind::Plain,
    ),
    col(
        "land_area_mu",
        "用地面积(亩)",
        &["用地面积", "占地面积", "land_area"],
        Kind::Plain,
    ),
    col(
        "legal_form",
        "法人类型",
        &["单位类型", "法人/分支"],
        Kind::Plain,
    ),
    col(
        "officer",
        "负责干部",
        &["包联干部", "责任干部", "负责人"],
        Kind::Plain,
    ),
];

const METRICS: &[Column] = &[
    USCC,
    NAME_INFO,
    col(
        "month",
        "月份",
        &["统计月份", "年月", "所属月份"],
        Kind::Plain,
    ),
    col(
        "revenue",
        "营业收入(万元)",
        &["主营业务收入", "营业收入"],
        Kind::Money,
    ),
    col(
        "output_value",
        "产值(万元)",
        &["工业总产值", "总产值", "产值"],
        Kind::Money,
    ),
    col(
        "energy_tce",
        "综合能耗(吨标准煤)",
        &["综合能耗", "能耗", "energy"],
        Kind::Plain,
    ),
    col(
        "employees",
        "从业人员",
        &["从业人数", "从业人员数", "从业人员期末人数", "职工人数"],
        Kind::Plain,
    ),
    col(
        "tax",
        "税收(万元)",
        &["税收", "纳税", "税金", "纳税额"],
        Kind::Money,
    ),
    col(
        "rnd",
        "研发投入(万元)",
        &["研发投入", "研发经费", "研发费用", "rnd_spend"],
        Kind::Money,
    ),
];

const BATCHES: &[Column] = &[
    col("list", "名单年份", &["年份", "年度", "year"], Kind::Plain),
    USCC,
    NAME_INFO,
    col("batch", "批次", &["所属批次"], Kind::Plain),
    col(
        "reason",
        "原因",
        &["理由", "调整原因", "列入原因"],
        Kind::Plain,
    ),
    col(
        "since",
        "生效日期",
        &["列入日期", "调整日期", "effective_on"],
        Kind::Plain,
    ),
];

const TASKS: &[Column] = &[
    col("id", "编号", &["任务编号", "task_id"], Kind::Plain),
    USCC,
    NAME_INFO,
    col(
        "kind",
        "类别",
        &["任务类别", "类型", "任务类型"],
        Kind::Plain,
    ),
    col(
        "title",
        "任务",
        &["任务名称", "标题", "任务内容"],
        Kind::Plain,
    ),
    col(
        "description",
        "说明",
        &["任务说明", "详细说明", "内容"],
        Kind::Plain,
    ),
    col(
        "assignee",
        "负责人",
        &["责任人", "承办人", "经办人"],
        Kind::Plain,
    ),
    col(
        "due_on",
        "截止日期",
        &["完成时限", "期限", "due"],
        Kind::Plain,
    ),
    col("follow_up_on", "跟进日期", &["跟进时间"], Kind::Plain),
    col("status", "状态", &["任务状态"], Kind::Plain),
];

const REGISTER: &[Column] = &[
    USCC,
    NAME_INFO,
    col(
        "kind",
        "类别",
        &[
            "名录类别",
            "类别(规上/限上)",
            "规上/限上",
            "统计类别",
            "register",
        ],
        Kind::Plain,
    ),
    col(
        "entered",
        "入库年月",
        &["入库时间", "入库月份", "纳统年月", "入统年月"],
        Kind::Plain,
    ),
    col(
        "route",
        "入库方式",
        &["入库途径", "入统方式", "入库类型"],
        Kind::Plain,
    ),
    col(
        "exited",
        "退库年月",
        &["退库时间", "退库月份", "出库年月"],
        Kind::Plain,
    ),
    col(
        "exit_reason",
        "退库原因",
        &["出库原因", "退库说明"],
        Kind::Plain,
    ),
];

/// Headers every ledger reads and ignores: row numbers, notes, and the error column of a
/// rejects file.
const IGNORED: &[&str] = &[
    "序号", "no", "no.", "备注", "remarks", "note", "错误", "error",
];

impl Ledger {
    /// Every ledger.
    pub const ALL: [Ledger; 5] = [
        Ledger::Enterprises,
        Ledger::Metrics,
        Ledger::Batches,
        Ledger::Tasks,
        Ledger::Register,
    ];

    /// The key: `enterprises`, `metrics`, `batches`, `tasks`, `register` (also the mapping
    /// file's table).
    pub fn key(self) -> &'static str {
        match self {
            Ledger::Enterprises => "enterprises",
            Ledger::Metrics => "metrics",
            Ledger::Batches => "batches",
            Ledger::Tasks => "tasks",
            Ledger::Register => "register",
        }
    }

    /// The name of the sheet `peiyu export` writes.
    pub fn sheet_name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Ledger::Enterprises, Lang::Zh) => "企业台账",
            (Ledger::Metrics, Lang::Zh) => "月度指标",
            (Ledger::Batches, Lang::Zh) => "四个一批名单",
            (Ledger::Tasks, Lang::Zh) => "任务台账",
            (Ledger::Register, Lang::Zh) => "统计名录",
            (l, Lang::En) => l.key(),
        }
    }

    /// Its columns, in the order `peiyu export` writes them.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Ledger::Enterprises => ENTERPRISES,
            Ledger::Metrics => METRICS,
            Ledger::Batches => BATCHES,
            Ledger::Tasks => TASKS,
            Ledger::Register => REGISTER,
        }
    }

    /// The columns a file must have (each group: at least one of them).
    pub fn required(self) -> &'static [&'static [&'static str]] {
        match self {
            Ledger::Enterprises => &[&["uscc"]],
            Ledger::Metrics => &[
                &["uscc"],
                &["month"],
                &[
                    "revenue",
                    "output_value",
                    "energy_tce",
                    "employees",
                    "tax",
                    "rnd",
                ],
            ],
            Ledger::Batches => &[&["list"], &["uscc"], &["batch"]],
            Ledger::Tasks => &[&["title", "id"]],
            Ledger::Register => &[&["uscc"], &["kind"], &["entered"]],
        }
    }

    /// The column with this key.
    pub fn column(self, key: &str) -> Option<&'static Column> {
        self.columns().iter().find(|c| c.key == key)
    }
}

/// A header as compared: bracketed parts, spaces, `_` and `-` dropped, ASCII lowercased.
pub fn normalise(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut depth = 0usize;
    for c in header.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_whitespace() || c == '_' || c == '-' || c == '\u{feff}' => {}
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

/// What a header means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Meaning {
    /// A field of the ledger (its key).
    Field(&'static str),
    /// Read and ignored.
    Ignore,
}

/// The headers of one ledger as this run reads them: the defaults, then the mapping file.
#[derive(Clone, Debug)]
pub struct Mapping {
    ledger: Ledger,
    names: HashMap<String, Meaning>,
}

impl Mapping {
    /// The default mapping of `ledger`.
    pub fn default_for(ledger: Ledger) -> Mapping {
        let mut names = HashMap::new();
        for name in IGNORED {
            names.insert(normalise(name), Meaning::Ignore);
        }
        for c in ledger.columns() {
            let meaning = match c.kind {
                Kind::Info => Meaning::Ignore,
                _ => Meaning::Field(c.key),
            };
            for name in [c.key, c.zh].iter().chain(c.aliases) {
                names.insert(normalise(name), meaning.clone());
            }
        }
        Mapping { ledger, names }
    }

    /// The default mapping of `ledger` overridden by the table `[<ledger>]` of a TOML file,
    /// whose keys are headers and values field keys or `ignore`:
    ///
    /// ```toml
    /// [enterprises]
    /// "纳税人识别号" = "uscc"
    /// "所属镇街" = "town"
    /// "联系电话" = "ignore"
    /// ```
    ///
    /// The file is read within the text-file cap (`crate::limits`).
    pub fn with_file(ledger: Ledger, path: &Path) -> Result<Mapping, FormatError> {
        let text = crate::limits::ReadLimits::from_env().read_text(path)?;
        Mapping::with_toml(ledger, &text).map_err(|detail| FormatError::Mapping {
            path: path.display().to_string(),
            detail,
        })
    }

    /// As [`Mapping::with_file`], from the file's text; the error says what is wrong.
    pub fn with_toml(ledger: Ledger, text: &str) -> Result<Mapping, String> {
        let mut mapping = Mapping::default_for(ledger);
        let doc: HashMap<String, toml::Value> = toml::from_str(text).map_err(|e| e.to_string())?;
        for (table, value) in doc {
            if !Ledger::ALL.iter().any(|l| l.key() == table) {
                return Err(format!(
                    "unknown table [{table}]: use [enterprises], [metrics], [batches], [tasks] or [register]"
                ));
            }
            if table != ledger.key() {
                continue;
            }
            let toml::Value::Table(entries) = value else {
                return Err(format!(
                    "[{table}] must be a table of \"header\" = \"field\""
                ));
            };
            for (header, field) in entries {
                let Some(field) = field.as_str() else {
                    return Err(format!("\"{header}\" must map to a field name in quotes"));
                };
                let meaning = if field == "ignore" {
                    Meaning::Ignore
                } else {
                    match ledger.column(field) {
                        Some(c) if c.kind != Kind::Info => Meaning::Field(c.key),
                        _ => {
                            let keys: Vec<&str> = ledger
                                .columns()
                                .iter()
                                .filter(|c| c.kind != Kind::Info)
                                .map(|c| c.key)
                                .collect();
                            return Err(format!(
                                "\"{header}\" = \"{field}\": {field} is not a field of [{table}]; use one of {} or ignore",
                                keys.join(", ")
                            ));
                        }
                    }
                };
                mapping.names.insert(normalise(&header), meaning);
            }
        }
        Ok(mapping)
    }

    /// The ledger this mapping reads.
    pub fn ledger(&self) -> Ledger {
        self.ledger
    }

    /// What a header means, if it is known.
    pub fn meaning(&self, header: &str) -> Option<&Meaning> {
        let n = normalise(header);
        if n.is_empty() {
            return Some(&Meaning::Ignore);
        }
        self.names.get(&n)
    }
}

/// The columns of one file: which cell holds which field.
#[derive(Clone, Debug)]
pub struct Layout {
    /// The headers as written in the file.
    pub headers: Vec<String>,
    /// The line of the header row.
    pub header_line: u64,
    fields: HashMap<&'static str, usize>,
    units: HashMap<&'static str, MoneyUnit>,
    /// Headers that name nothing this ledger knows (read and ignored, with a warning).
    pub unknown: Vec<String>,
}

impl Layout {
    /// Reads a header row. Two columns naming the same field are refused.
    pub fn new(
        mapping: &Mapping,
        headers: Vec<String>,
        header_line: u64,
    ) -> Result<Layout, FormatError> {
        let mut fields = HashMap::new();
        let mut units = HashMap::new();
        let mut unknown = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            match mapping.meaning(h) {
                Some(Meaning::Field(key)) => {
                    if let Some(first) = fields.insert(*key, i) {
                        return Err(FormatError::DuplicateColumn {
                            first: headers.get(first).cloned().unwrap_or_default(),
                            second: h.clone(),
                        });
                    }
                    let money = mapping
                        .ledger()
                        .column(key)
                        .is_some_and(|c| c.kind == Kind::Money);
                    if let Some(unit) = MoneyUnit::from_header(h).filter(|_| money) {
                        units.insert(*key, unit);
                    }
                }
                Some(Meaning::Ignore) => {}
                None => unknown.push(h.clone()),
            }
        }
        Ok(Layout {
            headers,
            header_line,
            fields,
            units,
            unknown,
        })
    }

    /// How many cells of `headers` name a field.
    pub fn known_count(mapping: &Mapping, headers: &[String]) -> usize {
        headers
            .iter()
            .filter(|h| matches!(mapping.meaning(h), Some(Meaning::Field(_))))
            .count()
    }

    /// The index of the column holding `key`, if the file has one.
    pub fn index(&self, key: &str) -> Option<usize> {
        self.fields.get(key).copied()
    }

    /// Whether the file has a column for `key`.
    pub fn has(&self, key: &str) -> bool {
        self.fields.contains_key(key)
    }

    /// The unit of a money column's bare numbers: the one its header names, or `None` when it
    /// names none (then a bare number is refused: every cell must carry its unit).
    pub fn unit(&self, key: &str) -> Option<MoneyUnit> {
        self.units.get(key).copied()
    }

    /// The header the file uses for `key` (the key itself when it has none).
    pub fn header_of(&self, key: &str) -> String {
        self.index(key)
            .and_then(|i| self.headers.get(i))
            .cloned()
            .unwrap_or_else(|| key.to_owned())
    }

    /// The required column groups this file lacks, as (the field keys, a header to use).
    pub fn missing(&self, ledger: Ledger) -> Vec<String> {
        ledger
            .required()
            .iter()
            .filter(|group| !group.iter().any(|k| self.has(k)))
            .map(|group| {
                group
                    .iter()
                    .filter_map(|k| ledger.column(k))
                    .map(|c| format!("{}/{}", c.zh, c.key))
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(ledger: Ledger, headers: &[&str]) -> Layout {
        Layout::new(
            &Mapping::default_for(ledger),
            headers.iter().map(|s| (*s).to_owned()).collect(),
            1,
        )
        .unwrap()
    }

    #[test]
    fn chinese_and_english_headers_name_the_same_fields() {
        let zh = layout(
            Ledger::Enterprises,
            &[
                "统一社会信用代码",
                "企业名称",
                "行业",
                "乡镇（街道）",
                "用地面积(亩)",
                "负责干部",
            ],
        );
        let en = layout(
            Ledger::Enterprises,
            &["USCC", "Name", "sector", "town", "Land_Area_MU", "officer"],
        );
        for key in ["uscc", "name", "sector", "town", "land_area_mu", "officer"] {
            assert_eq!(zh.index(key), en.index(key), "{key}");
            assert!(zh.has(key), "{key}");
        }
        assert!(zh.unknown.is_empty() && en.unknown.is_empty());
    }

    #[test]
    fn money_units_come_from_the_header() {
        let l = layout(
            Ledger::Metrics,
            &[
                "统一社会信用代码",
                "月份",
                "主营业务收入(万元)",
                "工业总产值（亿元）",
                "税收",
                "研发投入( 元 )",
            ],
        );
        assert_eq!(l.unit("revenue"), Some(MoneyUnit::Wan));
        assert_eq!(l.unit("output_value"), Some(MoneyUnit::Yi));
        assert_eq!(l.unit("tax"), None);
        assert_eq!(l.unit("rnd"), Some(MoneyUnit::Yuan));
        assert!(l.missing(Ledger::Metrics).is_empty());
    }

    #[test]
    fn a_mapping_file_adds_headers_and_refuses_unknown_fields() {
        let m = Mapping::with_toml(
            Ledger::Enterprises,
            "[enterprises]\n\"纳税人识别号\" = \"uscc\"\n\"联系电话\" = \"ignore\"\n[metrics]\n\"期间\" = \"month\"\n",
        )
        .unwrap();
        assert_eq!(m.meaning("纳税人识别号"), Some(&Meaning::Field("uscc")));
        assert_eq!(m.meaning("联系电话"), Some(&Meaning::Ignore));
        assert_eq!(m.meaning("期间"), None);
        let err = Mapping::with_toml(Ledger::Enterprises, "[enterprises]\n\"x\" = \"colour\"\n")
            .unwrap_err();
        assert!(err.contains("colour") && err.contains("uscc"), "{err}");
        assert!(Mapping::with_toml(Ledger::Enterprises, "[people]\n").is_err());
    }

    #[test]
    fn two_columns_for_one_field_are_refused_and_missing_ones_named() {
        let m = Mapping::default_for(Ledger::Enterprises);
        let err = Layout::new(&m, vec!["统一社会信用代码".into(), "uscc".into()], 1).unwrap_err();
        assert!(matches!(err, FormatError::DuplicateColumn { .. }));
        let l = layout(Ledger::Batches, &["统一社会信用代码", "原因"]);
        assert_eq!(l.missing(Ledger::Batches).len(), 2);
    }
}
