//! `peiyu history ENTERPRISE`: the timeline, on the terminal or as CSV, XLSX or JSON.

use peiyu_domain::{Lang, Officer};
use peiyu_formats::history::{self, cells};
use peiyu_formats::json::{EnterpriseRef, HistoryDto, TimelineEntryDto};
use peiyu_service::{HistoryQuery, Service};

use crate::Failure;
use crate::output::{destination, emit, table, tr};

/// Runs `peiyu history`.
pub async fn run(
    service: &Service,
    actor: &Officer,
    enterprise: &str,
    query: &HistoryQuery,
    format: &str,
    output: Option<std::path::PathBuf>,
    lang: Lang,
) -> Result<(), Failure> {
    let (e, lines) = service.enterprise_history(actor, enterprise, query).await?;
    let bytes: Vec<u8> = match format {
        "text" => {
            let mut t = table(
                lang,
                &[
                    ("日期", "date"),
                    ("操作人", "actor"),
                    ("事项", "what"),
                    ("对象", "subject"),
                    ("变化", "change"),
                    ("原因", "reason"),
                    ("佐证/条件", "evidence / guards"),
                ],
            );
            for l in &lines {
                let c = cells(l, lang);
                // The effective day; the recorded time beside it when it was entered later.
                let date = if c[1].is_empty() || c[0].starts_with(&c[1]) {
                    c[0].clone()
                } else {
                    format!(
                        "{}
{}{}",
                        c[1],
                        tr(lang, "记录于 ", "recorded "),
                        c[0]
                    )
                };
                let who = if c[3].is_empty() {
                    c[2].clone()
                } else {
                    format!("{} ({})", c[2], c[3])
                };
                let what = if c[6].is_empty() {
                    format!("{} · {}", c[4], c[5])
                } else {
                    format!("{} · {}\n{}", c[4], c[5], c[6])
                };
                let change = match (c[8].is_empty(), c[9].is_empty()) {
                    (true, true) => String::new(),
                    _ => format!("{} → {}", c[8], c[9]),
                };
                t.add_row(vec![
                    date,
                    who,
                    what,
                    c[7].clone(),
                    change,
                    c[10].clone(),
                    c[11].clone(),
                ]);
            }
            format!("{} ({})\n{t}\n", e.name, e.uscc).into_bytes()
        }
        "json" => serde_json::to_vec_pretty(&HistoryDto {
            enterprise: EnterpriseRef::from(&e),
            entries: lines
                .iter()
                .map(|l| TimelineEntryDto::new(l, lang))
                .collect(),
        })
        .map_err(std::io::Error::other)?,
        "csv" => history::csv(&lines, lang)?,
        "xlsx" => history::xlsx(&lines, lang)?,
        other => {
            return Err(Failure::usage(
                "--format",
                format!("不支持的格式「{other}」：可用 text、csv、xlsx、json"),
                format!("unsupported format \"{other}\": use text, csv, xlsx or json"),
            ));
        }
    };
    emit(
        destination(output.as_deref()),
        &bytes,
        format == "xlsx",
        lang,
    )?;
    Ok(())
}
