//! `peiyu audit …`.

use peiyu_domain::{AuditAction, Lang, Officer};
use peiyu_formats::audit;
use peiyu_service::{AuditQuery, AuditVerification, ChainBreak, Finding, FindingWords, Service};

use crate::Failure;
use crate::args::AuditCommand;
use crate::output::{destination, emit, print_json, table, tr};

fn describe(problem: &ChainBreak, lang: Lang) -> String {
    match (problem, lang) {
        (ChainBreak::HashMismatch { seq }, Lang::Zh) => {
            format!("第 {seq} 条内容被改动（哈希不符）")
        }
        (ChainBreak::HashMismatch { seq }, Lang::En) => {
            format!("entry {seq} was edited (its hash does not match)")
        }
        (ChainBreak::LinkMismatch { seq }, Lang::Zh) => {
            format!("第 {seq} 条与前一条衔接不上（有条目被删除、插入或调换）")
        }
        (ChainBreak::LinkMismatch { seq }, Lang::En) => format!(
            "entry {seq} does not link to the one before (an entry was removed, inserted or swapped)"
        ),
        (ChainBreak::SequenceGap { expected, found }, Lang::Zh) => {
            format!("序号应为 {expected}，实为 {found}（有条目被删除或插入）")
        }
        (ChainBreak::SequenceGap { expected, found }, Lang::En) => format!(
            "sequence number {found} where {expected} was expected (an entry was removed or inserted)"
        ),
        (ChainBreak::HeadMismatch { head_seq, last_seq }, Lang::Zh) => {
            format!("链头记录有 {head_seq} 条，实存到第 {last_seq} 条（末尾条目被删除或链头被改）")
        }
        (ChainBreak::HeadMismatch { head_seq, last_seq }, Lang::En) => format!(
            "the chain head records {head_seq} entries but the last one found is {last_seq} (entries at the end were removed, or the head was changed)"
        ),
    }
}

/// The rows that differ from the log, one line each: table, row, enterprise (name and USCC),
/// problem, field, the value in the log and the value stored.
fn findings_table(findings: &[Finding], words: &FindingWords, lang: Lang) -> comfy_table::Table {
    let mut t = table(lang, &audit::FINDING_HEADERS);
    for f in findings {
        t.add_row(audit::finding_cells(f, words, lang).to_vec());
    }
    t
}

/// A sheet's bytes in a file format: csv or xlsx; anything else is a usage error.
fn sheet_bytes(sheet: &peiyu_formats::Sheet, format: &str) -> Result<Vec<u8>, Failure> {
    match format {
        "csv" => Ok(peiyu_formats::csv::write(sheet)?),
        "xlsx" => Ok(peiyu_formats::xlsx::write_sheet(sheet)?),
        other => Err(Failure::usage(
            "--format",
            format!("不支持的格式「{other}」：可用 text、csv、xlsx、json"),
            format!("unsupported format \"{other}\": use text, csv, xlsx or json"),
        )),
    }
}

/// Runs `peiyu audit …`.
pub async fn run(
    service: &Service,
    actor: &Officer,
    cmd: AuditCommand,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    match cmd {
        AuditCommand::Seal { day } => {
            let day = match day {
                Some(d) => crate::output::parse_date("--day", &d)?,
                None => service
                    .today()
                    .pred_opt()
                    .unwrap_or_else(|| service.today()),
            };
            let (seal, new) = service.seal_day(actor, Some(day)).await?;
            if json {
                return print_json(&peiyu_formats::json::SealDto::new(&seal, new));
            }
            println!(
                "{} {}: {} ({} {})",
                if new {
                    tr(lang, "已封签", "sealed")
                } else {
                    tr(lang, "已有封签", "already sealed")
                },
                seal.day,
                seal.hash,
                seal.heads.len(),
                tr(lang, "条链", "chains")
            );
            Ok(())
        }
        AuditCommand::Export { format, output } => {
            if format != "jsonl" {
                return Err(Failure::usage(
                    "--format",
                    "导出格式只有 jsonl",
                    "the only export format is jsonl",
                ));
            }
            let dest = peiyu_formats::Output::of(output.as_deref());
            let mut out = dest.stream()?;
            let mut export = service.export_audit(actor);
            let mut entries = 0usize;
            while let Some(page) = export.next_page().await? {
                for item in &page {
                    if matches!(item, peiyu_service::ExportItem::Entry(_)) {
                        entries += 1;
                    }
                    out.write(peiyu_formats::audit::jsonl_line(item).as_bytes())?;
                }
            }
            out.finish()?;
            if let peiyu_formats::Output::File(path) = &dest {
                eprintln!(
                    "{} {} {} {}",
                    tr(lang, "已写入", "wrote"),
                    entries,
                    tr(lang, "条审计记录到", "audit entries to"),
                    path.display()
                );
            }
            Ok(())
        }
        AuditCommand::Verify {
            since,
            format,
            output,
        } => {
            let verification = match crate::output::parse_opt_date("--since", &since)? {
                Some(day) => service.verify_audit_since(actor, day).await?,
                None => service.verify_audit(actor).await?,
            };
            if !matches!(format.as_str(), "text" | "json") {
                let sheet =
                    audit::findings_sheet(&verification.findings, &verification.words, lang);
                let bytes = sheet_bytes(&sheet, &format)?;
                let dest = destination(output.as_deref());
                let to_stdout = dest.as_ref().is_none_or(peiyu_formats::Output::is_stdout);
                emit(dest, &bytes, format == "xlsx", lang)?;
                if to_stdout {
                    // The file is the output: nothing else goes to standard output.
                    return if verification.ok() {
                        Ok(())
                    } else {
                        Err(Failure::CheckFailed)
                    };
                }
            }
            report_verification(&verification, json || format == "json", lang)
        }
        AuditCommand::Log {
            actor: by,
            enterprise,
            action,
            from,
            to,
            format,
            output,
        } => {
            let from = crate::output::parse_opt_date("--from", &from)?;
            let to = crate::output::parse_opt_date("--to", &to)?;
            let action = action
                .as_deref()
                .map(|a| AuditAction::parse(a).map_err(|e| Failure::invalid("--action", &e)))
                .transpose()?;
            let query = AuditQuery {
                actor: by,
                enterprise,
                action,
                from,
                to,
            };
            let lines = service.audit_lines(actor, &query).await?;
            if json || format == "json" {
                return print_json(&peiyu_formats::json::AuditEntryDto::list(&lines, lang));
            }
            if format != "text" {
                let bytes = sheet_bytes(&audit::log_sheet(&lines, lang), &format)?;
                return emit(
                    destination(output.as_deref()),
                    &bytes,
                    format == "xlsx",
                    lang,
                );
            }
            let mut t = table(
                lang,
                &[
                    ("记录时间", "recorded at"),
                    ("操作人", "actor"),
                    ("操作", "action"),
                    ("对象", "subject"),
                    ("原因", "reason"),
                ],
            );
            for line in &lines {
                let e = &line.entry;
                let actor = match &line.on_behalf_of_name {
                    Some(o) => format!("{}（{} {o}）", line.actor_name, tr(lang, "代", "for")),
                    None => line.actor_name.clone(),
                };
                t.add_row(vec![
                    peiyu_service::CountyZone::default().local(e.recorded_at),
                    actor,
                    e.action_label(lang).to_owned(),
                    line.subject.get(lang).to_owned(),
                    e.reason.clone().unwrap_or_default(),
                ]);
            }
            println!("{t}");
            Ok(())
        }
    }
}

/// Prints an audit verification (`audit verify`, and the copies of `backup` and `restore`):
/// a summary when it holds, every broken chain and seal when not (then [`Failure::CheckFailed`]).
pub(crate) fn report_verification(
    verification: &AuditVerification,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let report = &verification.chains;
    if json {
        print_json(&peiyu_formats::json::AuditVerifyDto::from(verification))?;
    } else if verification.ok() {
        println!(
            "{}: {} {}, {} {}, {} {}, {} {}",
            tr(lang, "审计链完好", "audit log verifies"),
            report.chains,
            tr(lang, "条链", "chains"),
            report.entries,
            tr(lang, "条记录", "entries"),
            verification.seals,
            tr(lang, "个封签", "seals"),
            verification.rows,
            tr(lang, "行数据与日志一致", "rows equal the log")
        );
    } else {
        if !verification.findings.is_empty() {
            println!(
                "{}",
                findings_table(&verification.findings, &verification.words, lang)
            );
            eprintln!(
                "{}: {} / {}",
                tr(
                    lang,
                    "与审计日志不符的行",
                    "rows that differ from the audit log"
                ),
                verification.findings.len(),
                verification.rows
            );
        }
        for b in &verification.broken_seals {
            eprintln!(
                "{} {}: {}",
                tr(lang, "封签不符", "seal broken"),
                b.day,
                b.chain_key.clone().unwrap_or_else(|| tr(
                    lang,
                    "封签哈希不符",
                    "the seal's own hash does not match"
                )
                .to_owned())
            );
        }
        if !report.broken.is_empty() {
            let mut t = table(
                lang,
                &[
                    ("链", "chain"),
                    ("问题", "problem"),
                    ("记录时间", "recorded at"),
                    ("操作", "action"),
                    ("对象", "subject"),
                ],
            );
            for b in &report.broken {
                t.add_row(vec![
                    b.chain_key.clone(),
                    describe(&b.problem, lang),
                    b.entry
                        .as_ref()
                        .map(|e| e.recorded_at.to_rfc3339())
                        .unwrap_or_default(),
                    b.entry
                        .as_ref()
                        .map(|e| e.action_label(lang).to_owned())
                        .unwrap_or_default(),
                    b.entry
                        .as_ref()
                        .map(|e| e.subject_id.clone())
                        .unwrap_or_default(),
                ]);
            }
            println!("{t}");
            eprintln!(
                "{}: {} / {}",
                tr(lang, "审计链被破坏", "audit log is broken"),
                report.broken.len(),
                report.chains
            );
        }
    }
    if verification.ok() {
        Ok(())
    } else {
        Err(Failure::CheckFailed)
    }
}
