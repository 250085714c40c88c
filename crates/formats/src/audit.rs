//! The audit log's files: the JSON Lines export an auditor verifies with
//! `tools/verify_audit.py` (docs/audit.md), and `audit log` and `audit verify`'s findings as
//! CSV and XLSX (the same columns their terminal tables are drawn from).

use peiyu_domain::Lang;
use peiyu_service::{
    AuditLine, CountyZone, Discrepancy, ExportItem, Finding, FindingWords, canonical_json,
    hashed_fields, table_label,
};
use serde_json::{Value, json};

use crate::sheet::{Cell, Sheet, Widths};
use crate::tr;

/// `audit log`'s columns, (zh, en), in the order of [`log_cells`].
pub const LOG_HEADERS: [(&str, &str); 9] = [
    ("记录时间", "recorded at"),
    ("生效日期", "effective on"),
    ("操作人", "actor"),
    ("代表", "on behalf of"),
    ("操作", "action"),
    ("对象", "subject"),
    ("原因", "reason"),
    ("链", "chain"),
    ("序号", "seq"),
];

const LOG_WIDTHS: [f64; 9] = [17.0, 11.0, 10.0, 10.0, 16.0, 30.0, 24.0, 20.0, 6.0];

/// One entry's cells, in the order of [`LOG_HEADERS`]: when it was recorded (county time), the
/// day it took effect, the actor and on whose behalf by name, the action's label, the subject in
/// words (an enterprise's name, an officer's name, a list's year), the reason, its chain and
/// sequence number. Absent values are empty.
pub fn log_cells(line: &AuditLine, lang: Lang) -> [String; 9] {
    let e = &line.entry;
    [
        CountyZone::default().local(e.recorded_at),
        e.effective_on.map(|d| d.to_string()).unwrap_or_default(),
        line.actor_name.clone(),
        line.on_behalf_of_name.clone().unwrap_or_default(),
        e.action_label(lang).to_owned(),
        line.subject.get(lang).to_owned(),
        e.reason.clone().unwrap_or_default(),
        e.chain_key.clone(),
        e.seq.to_string(),
    ]
}

/// The entries as a table: the headers in `lang`, a row per entry, in order.
pub fn log_sheet(lines: &[AuditLine], lang: Lang) -> Sheet {
    let rows = lines
        .iter()
        .map(|l| log_cells(l, lang).into_iter().map(Cell::Text).collect())
        .collect();
    Sheet {
        widths: Widths::Fixed(LOG_WIDTHS.iter().copied().map(Some).collect()),
        ..Sheet::new(
            tr(lang, "审计日志", "audit log"),
            headers(&LOG_HEADERS, lang),
            rows,
        )
    }
}

/// `audit verify`'s findings' columns, (zh, en), in the order of [`finding_cells`].
pub const FINDING_HEADERS: [(&str, &str); 8] = [
    ("表", "table"),
    ("行", "row"),
    ("企业", "enterprise"),
    ("统一社会信用代码", "USCC"),
    ("问题", "problem"),
    ("字段", "field"),
    ("日志中的值", "value in log"),
    ("表中的值", "value stored"),
];

const FINDING_WIDTHS: [f64; 8] = [12.0, 40.0, 24.0, 20.0, 30.0, 14.0, 24.0, 24.0];

/// What is wrong with a row, in words.
pub fn discrepancy_label(problem: &Discrepancy, lang: Lang) -> &'static str {
    match problem {
        Discrepancy::Differs { .. } => tr(lang, "与日志不符", "differs from the log"),
        Discrepancy::MissingFromTable => tr(
            lang,
            "日志记有此行，表中已无（被删除）",
            "the log has this row, the table does not (deleted)",
        ),
        Discrepancy::MissingFromLog => tr(
            lang,
            "表中有此行，日志无记录（被插入）",
            "the table has this row, the log does not (inserted)",
        ),
    }
}

/// One finding's cells, in the order of [`FINDING_HEADERS`]: the table in words, the row's key,
/// the enterprise's name and USCC, the problem in words, and for a changed field its name in
/// words, the value the log leaves and the value stored as a person reads them (a stage by its
/// label, an officer by name: `words`), `（空）`/`(empty)` for none.
pub fn finding_cells(f: &Finding, words: &FindingWords, lang: Lang) -> [String; 8] {
    let shown = |v: &Option<String>, field: &str| match v {
        Some(v) => words.value(f.table, field, v, lang),
        None => tr(lang, "（空）", "(empty)").to_owned(),
    };
    let (field, in_log, stored) = match &f.problem {
        Discrepancy::Differs {
            field,
            in_log,
            stored,
        } => (
            words.field(f.table, field, lang),
            shown(in_log, field),
            shown(stored, field),
        ),
        _ => Default::default(),
    };
    let (name, uscc) = f.enterprise_name.clone().unwrap_or_default();
    [
        table_label(f.table, lang).to_owned(),
        f.key.clone(),
        name,
        uscc,
        discrepancy_label(&f.problem, lang).to_owned(),
        field,
        in_log,
        stored,
    ]
}

/// The findings as a table: the headers in `lang`, a row per finding.
pub fn findings_sheet(findings: &[Finding], words: &FindingWords, lang: Lang) -> Sheet {
    let rows = findings
        .iter()
        .map(|f| {
            finding_cells(f, words, lang)
                .into_iter()
                .map(Cell::Text)
                .collect()
        })
        .collect();
    Sheet {
        widths: Widths::Fixed(FINDING_WIDTHS.iter().copied().map(Some).collect()),
        ..Sheet::new(
            tr(lang, "与日志不符的行", "rows that differ from the log"),
            headers(&FINDING_HEADERS, lang),
            rows,
        )
    }
}

fn headers(pairs: &[(&str, &str)], lang: Lang) -> Vec<String> {
    pairs
        .iter()
        .map(|(zh, en)| tr(lang, zh, en).to_owned())
        .collect()
}

/// One line of the JSON Lines export (canonical JSON and a newline):
/// - `{"kind":"entry","fields":{…},"hash":"…"}`: `fields` is exactly the object the entry's hash
///   covers (SHA-256 of its canonical JSON is `hash`);
/// - `{"kind":"head","chain_key":"…","seq":N,"hash":"…"}`: a chain's head as stored;
/// - `{"kind":"seal","day":"YYYY-MM-DD","heads":{"<chain>":{"hash":"…","seq":N}},"hash":"…"}`:
///   a day's seal (SHA-256 of the canonical JSON of `day` and `heads` is `hash`).
pub fn jsonl_line(item: &ExportItem) -> String {
    let value = match item {
        ExportItem::Entry(e) => json!({
            "kind": "entry",
            "fields": Value::Object(hashed_fields(e)),
            "hash": e.hash,
        }),
        ExportItem::Head(h) => json!({
            "kind": "head",
            "chain_key": h.chain_key,
            "seq": h.seq,
            "hash": h.hash,
        }),
        ExportItem::Seal(s) => json!({
            "kind": "seal",
            "day": s.day.to_string(),
            "heads": s
                .heads
                .iter()
                .map(|(chain, (seq, hash))| (chain.clone(), json!({"seq": seq, "hash": hash})))
                .collect::<serde_json::Map<String, Value>>(),
            "hash": s.hash,
        }),
    };
    let mut line = canonical_json(&value);
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use peiyu_service::ChainHead;

    fn findings() -> Vec<Finding> {
        let enterprise = Some((
            "万顺酒业有限公司".to_owned(),
            "91450000100000017K".to_owned(),
        ));
        vec![
            Finding {
                table: "transitions",
                key: "01a24fb3-8cec-72c6-9643-0da684b332e4".into(),
                enterprise: Some(uuid::Uuid::nil()),
                enterprise_name: enterprise.clone(),
                last_entry: Some(("enterprise:…".into(), 7)),
                problem: Discrepancy::Differs {
                    field: "to",
                    in_log: Some("cultivating".into()),
                    stored: Some("registered".into()),
                },
            },
            Finding {
                table: "tasks",
                key: "01a24fb3-8cec-72c6-9643-0da684b332e5".into(),
                enterprise: Some(uuid::Uuid::nil()),
                enterprise_name: enterprise.clone(),
                last_entry: Some(("enterprise:…".into(), 8)),
                problem: Discrepancy::Differs {
                    field: "origin",
                    in_log: Some("template:industrial/cultivating".into()),
                    stored: Some("escalation:01a24fb3".into()),
                },
            },
            Finding {
                table: "metrics",
                key: "2023-05".into(),
                enterprise: Some(uuid::Uuid::nil()),
                enterprise_name: enterprise,
                last_entry: None,
                problem: Discrepancy::MissingFromLog,
            },
            Finding {
                table: "officers",
                key: "01a24fb3-0000-7000-8000-000000000000".into(),
                enterprise: None,
                enterprise_name: None,
                last_entry: Some(("bureau".into(), 3)),
                problem: Discrepancy::MissingFromTable,
            },
        ]
    }

    fn words() -> FindingWords {
        FindingWords::default()
            .with_stage(
                "cultivating",
                peiyu_domain::Text::new("培育中", "cultivating"),
            )
            .with_stage(
                "registered",
                peiyu_domain::Text::new("已入统", "registered"),
            )
            .with_origin(
                "template:industrial/cultivating",
                peiyu_domain::Text::new(
                    "流程模板「走访企业」（规上工业培育·培育中）",
                    "track template \"visit the firm\" (industrial above-scale, cultivating)",
                ),
            )
    }

    #[test]
    fn findings_as_csv_name_the_table_the_enterprise_and_both_values() {
        for lang in [Lang::Zh, Lang::En] {
            let bytes = crate::csv::write(&findings_sheet(&findings(), &words(), lang)).unwrap();
            insta::assert_snapshot!(
                format!("findings_{lang:?}"),
                String::from_utf8(bytes).unwrap()
            );
        }
    }

    #[test]
    fn findings_make_a_workbook() {
        let bytes =
            crate::xlsx::write_sheet(&findings_sheet(&findings(), &words(), Lang::Zh)).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }

    #[test]
    fn a_head_is_one_canonical_line() {
        let line = jsonl_line(&ExportItem::Head(ChainHead {
            chain_key: "bureau".into(),
            seq: 3,
            hash: "ab".into(),
        }));
        assert_eq!(
            line,
            "{\"chain_key\":\"bureau\",\"hash\":\"ab\",\"kind\":\"head\",\"seq\":3}\n"
        );
    }
}
