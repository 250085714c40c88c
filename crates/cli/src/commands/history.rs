//! `peiyu history ENTERPRISE`: the timeline, on the terminal or as CSV, XLSX or JSON.

use peiyu_domain::{Lang, Officer};
use peiyu_service::{CountyZone, HistoryQuery, Service, TimelineEntry};
use rust_xlsxwriter::{Format, Workbook};
use serde_json::json;

use crate::Failure;
use crate::output::{mark, table, tr};

const HEADERS: [(&str, &str); 12] = [
    ("记录时间", "recorded at"),
    ("生效日期", "effective on"),
    ("操作人", "actor"),
    ("代表", "on behalf of"),
    ("类别", "kind"),
    ("操作", "action"),
    ("流程", "track"),
    ("对象", "subject"),
    ("从", "from"),
    ("到", "to"),
    ("原因", "reason"),
    ("佐证/条件", "evidence / guards"),
];

fn cells(e: &TimelineEntry, lang: Lang) -> [String; 12] {
    let mut extra: Vec<String> = e.evidence.clone();
    if e.overridden {
        extra.push(tr(lang, "特批（越过未满足条件）", "overridden").to_owned());
    }
    for (passed, msg) in &e.guards {
        extra.push(format!("{} {}", mark(*passed), msg.get(lang)));
    }
    [
        CountyZone::default().local(e.recorded_at),
        e.effective_on.map(|d| d.to_string()).unwrap_or_default(),
        e.actor.clone(),
        e.on_behalf_of.clone().unwrap_or_default(),
        e.kind.label(lang).to_owned(),
        e.action.clone(),
        e.track.clone().unwrap_or_default(),
        e.subject.clone(),
        e.from.clone().unwrap_or_default(),
        e.to.clone().unwrap_or_default(),
        e.reason.clone().unwrap_or_default(),
        extra.join("\n"),
    ]
}

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
    let headers: Vec<&str> = HEADERS.iter().map(|(zh, en)| tr(lang, zh, en)).collect();
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
                let date = if c[1].is_empty() { c[0].clone() } else { c[1].clone() };
                let who = if c[3].is_empty() { c[2].clone() } else { format!("{} ({})", c[2], c[3]) };
                let what = if c[6].is_empty() { format!("{} {}", c[4], c[5]) } else { format!("{} {}\n{}", c[4], c[5], c[6]) };
                let change = match (c[8].is_empty(), c[9].is_empty()) {
                    (true, true) => String::new(),
                    _ => format!("{} → {}", c[8], c[9]),
                };
                t.add_row(vec![date, who, what, c[7].clone(), change, c[10].clone(), c[11].clone()]);
            }
            format!("{} ({})\n{t}\n", e.name, e.uscc).into_bytes()
        }
        "json" => serde_json::to_vec_pretty(&json!({
            "enterprise": e.name,
            "uscc": e.uscc.as_str(),
            "timeline": lines.iter().map(|l| json!({
                "recorded_at": l.recorded_at.to_rfc3339(),
                "effective_on": l.effective_on.map(|d| d.to_string()),
                "actor": l.actor,
                "on_behalf_of": l.on_behalf_of,
                "kind": l.kind.key(),
                "action": l.action,
                "track": l.track,
                "subject": l.subject,
                "from": l.from,
                "to": l.to,
                "reason": l.reason,
                "evidence": l.evidence,
                "overridden": l.overridden,
                "guards": l.guards.iter().map(|(p, m)| json!({"passed": p, "message": m.get(lang)})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }))
        .map_err(std::io::Error::other)?,
        "csv" => {
            let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
            w.write_record(&headers).map_err(std::io::Error::other)?;
            for l in &lines {
                w.write_record(cells(l, lang)).map_err(std::io::Error::other)?;
            }
            w.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?
        }
        "xlsx" => {
            let mut wb = Workbook::new();
            let bold = Format::new().set_bold();
            let ws = wb
                .add_worksheet()
                .set_name(tr(lang, "企业历程", "history"))
                .map_err(std::io::Error::other)?;
            for (c, h) in headers.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *h, &bold)
                    .map_err(std::io::Error::other)?;
            }
            for (i, l) in lines.iter().enumerate() {
                for (c, v) in cells(l, lang).iter().enumerate() {
                    ws.write_string(i as u32 + 1, c as u16, v)
                        .map_err(std::io::Error::other)?;
                }
            }
            ws.set_freeze_panes(1, 0).map_err(std::io::Error::other)?;
            for (c, w) in [17, 11, 10, 10, 6, 16, 11, 24, 12, 12, 24, 40].iter().enumerate() {
                ws.set_column_width(c as u16, *w).map_err(std::io::Error::other)?;
            }
            wb.save_to_buffer().map_err(std::io::Error::other)?
        }
        other => {
            return Err(Failure::usage(
                "--format",
                format!("不支持的格式「{other}」：可用 text、csv、xlsx、json"),
                format!("unsupported format \"{other}\": use text, csv, xlsx or json"),
            ));
        }
    };
    match output {
        Some(path) => {
            std::fs::write(&path, &bytes)?;
            eprintln!("{} {}", tr(lang, "已写入", "wrote"), path.display());
        }
        None if format == "xlsx" => {
            return Err(Failure::usage(
                "-o",
                "XLSX 需要用 -o 指定输出文件",
                "XLSX needs -o FILE",
            ));
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(())
}
