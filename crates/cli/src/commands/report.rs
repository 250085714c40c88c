//! `peiyu report progress`: progress against the year's targets.

use peiyu_domain::{Lang, Officer, Yuan};
use peiyu_service::{ProgressReport, Service};

use crate::Failure;
use crate::output::{destination, emit, table, tr};

fn wan(y: Yuan) -> String {
    y.format_wan_rounded(0)
}

/// An amount in 亿元 to two decimals at most (rounded half up to the million yuan): `31.6亿元`.
fn yi(y: Yuan) -> String {
    let rounded = y.amount().saturating_add(500_000).div_euclid(1_000_000) * 1_000_000;
    Yuan(rounded).format_in(peiyu_domain::MoneyUnit::Yi)
}

/// One line per target (规上 and 限上 always, the others when set): achieved against the target
/// with the share to one decimal, or the command that sets a missing target.
fn target_lines(r: &ProgressReport, lang: Lang) -> String {
    let mut out = match lang {
        Lang::Zh => format!("{} 年目标完成情况（截至 {}）\n", r.year, r.as_of),
        Lang::En => format!(
            "{}: progress against the targets, as of {}\n",
            r.year, r.as_of
        ),
    };
    for p in r.target_progress() {
        let figure = |v: i64| {
            if p.is_amount() {
                Yuan(v).to_string()
            } else {
                v.to_string()
            }
        };
        let label = p.label.get(lang);
        let got = p
            .achieved
            .map(figure)
            .unwrap_or_else(|| tr(lang, "（未统计）", "(not counted)").to_owned());
        let line = match (p.target, p.percent(), lang) {
            (Some(t), Some(pct), Lang::Zh) => format!("{label}：{got} / {}（{pct}）", figure(t)),
            (Some(t), Some(pct), Lang::En) => format!("{label}: {got} / {} ({pct})", figure(t)),
            (Some(t), None, _) => format!("{label}{}{got} / {}", tr(lang, "：", ": "), figure(t)),
            (None, _, Lang::Zh) => format!(
                "{label}：{got}（未设目标：peiyu target set --year {} --metric {} --value N）",
                r.year, p.metric
            ),
            (None, _, Lang::En) => format!(
                "{label}: {got} (no target set: peiyu target set --year {} --metric {} --value N)",
                r.year, p.metric
            ),
        };
        out.push_str(&format!("- {line}\n"));
    }
    out.push_str(&register_lines(r, lang));
    let output = r.new_above_scale_output();
    out.push_str(&match lang {
        Lang::Zh => format!(
            "新增规上工业企业贡献产值 {}（{}）",
            output.format_in(peiyu_domain::MoneyUnit::Yi),
            wan(output)
        ),
        Lang::En => format!(
            "the newly above-scale industrial enterprises contribute {} ({}) of output",
            output.format_in(peiyu_domain::MoneyUnit::Yi),
            wan(output)
        ),
    });
    out
}

/// One line per register (规上, 限上): the enterprises in it as of the day, the year's entries
/// and exits, and their output from January to the day's month.
fn register_lines(r: &ProgressReport, lang: Lang) -> String {
    let month = chrono::Datelike::month(&r.as_of);
    let month_name = u8::try_from(month)
        .ok()
        .and_then(|m| chrono::Month::try_from(m).ok())
        .map(|m| m.name())
        .unwrap_or_default();
    r.register
        .iter()
        .map(|c| match lang {
            Lang::Zh => format!(
                "- 在库{}企业 {} 家（本年入库 {}、退库 {}），1—{month}月产值 {}（{}）\n",
                c.kind.label(lang),
                c.in_register,
                c.entered_in_year,
                c.exited_in_year,
                yi(c.output_value),
                wan(c.output_value)
            ),
            Lang::En => format!(
                "- in the {} register: {} (entered this year {}, left {}); output January to {}: {} ({})\n",
                c.kind.label(lang),
                c.in_register,
                c.entered_in_year,
                c.exited_in_year,
                month_name,
                yi(c.output_value),
                wan(c.output_value)
            ),
        })
        .collect()
}

fn text(r: &ProgressReport, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(&target_lines(r, lang));
    out.push('\n');
    let mut t = table(
        lang,
        &[
            ("企业", "enterprise"),
            ("乡镇", "town"),
            ("入统日期", "registered"),
            ("产值（1月至今）", "output (YTD)"),
            ("批次", "batch"),
        ],
    );
    for n in r.new_above_scale.iter().chain(r.new_above_limit.iter()) {
        t.add_row(vec![
            n.enterprise.name.clone(),
            n.enterprise.town.clone(),
            n.registered_on.to_string(),
            wan(n.output_value),
            n.batch.map(|b| b.full_label(lang)).unwrap_or_default(),
        ]);
    }
    out.push_str(&format!("{t}\n"));
    for f in &r.funnels {
        out.push_str(&format!("{}\n", f.label.get(lang)));
        let mut t = table(lang, &[("阶段", "stage"), ("企业数", "enterprises")]);
        for (_, label, n) in &f.stages {
            t.add_row(vec![label.get(lang).to_owned(), n.to_string()]);
        }
        out.push_str(&format!("{t}\n"));
    }
    for (title_zh, title_en, list) in [
        ("按批次", "by batch", &r.by_batch),
        ("按乡镇", "by town", &r.by_town),
        ("按行业", "by sector", &r.by_sector),
    ] {
        out.push_str(&format!("{}\n", tr(lang, title_zh, title_en)));
        let mut t = table(
            lang,
            &[
                ("", ""),
                ("新增入统", "newly registered"),
                ("培育中", "in cultivation"),
                ("新增产值", "output of newly registered"),
            ],
        );
        for b in list.iter() {
            t.add_row(vec![
                b.key.clone(),
                b.newly_registered.to_string(),
                b.in_cultivation.to_string(),
                wan(b.output_value),
            ]);
        }
        out.push_str(&format!("{t}\n"));
    }
    out.push_str(&format!(
        "{}\n",
        tr(lang, "逾期任务（按干部）", "overdue tasks by officer")
    ));
    let mut t = table(lang, &[("干部", "officer"), ("逾期任务", "overdue")]);
    for (name, _, n) in &r.overdue_by_officer {
        t.add_row(vec![name.clone(), n.to_string()]);
    }
    out.push_str(&format!("{t}\n"));
    out
}

fn markdown(r: &ProgressReport, lang: Lang) -> String {
    let mut out = format!(
        "# {}\n\n{}\n\n",
        tr(lang, "培育工作进度", "Cultivation progress"),
        target_lines(r, lang)
    );
    out.push_str(&format!(
        "| {} | {} | {} | {} |\n|---|---|---|---|\n",
        tr(lang, "企业", "enterprise"),
        tr(lang, "乡镇", "town"),
        tr(lang, "入统日期", "registered"),
        tr(lang, "产值（1月至今）", "output (YTD)")
    ));
    for n in r.new_above_scale.iter().chain(r.new_above_limit.iter()) {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            n.enterprise.name,
            n.enterprise.town,
            n.registered_on,
            wan(n.output_value)
        ));
    }
    for f in &r.funnels {
        out.push_str(&format!(
            "\n## {}\n\n| {} | {} |\n|---|---|\n",
            f.label.get(lang),
            tr(lang, "阶段", "stage"),
            tr(lang, "企业数", "enterprises")
        ));
        for (_, label, n) in &f.stages {
            out.push_str(&format!("| {} | {n} |\n", label.get(lang)));
        }
    }
    for (zh, en, list) in [
        ("按批次", "By batch", &r.by_batch),
        ("按乡镇", "By town", &r.by_town),
        ("按行业", "By sector", &r.by_sector),
    ] {
        out.push_str(&format!(
            "\n## {}\n\n| | {} | {} | {} |\n|---|---|---|---|\n",
            tr(lang, zh, en),
            tr(lang, "新增入统", "newly registered"),
            tr(lang, "培育中", "in cultivation"),
            tr(lang, "新增产值", "output")
        ));
        for b in list.iter() {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                b.key,
                b.newly_registered,
                b.in_cultivation,
                wan(b.output_value)
            ));
        }
    }
    out.push_str(&format!(
        "\n## {}\n\n| {} | {} |\n|---|---|\n",
        tr(lang, "逾期任务", "Overdue tasks"),
        tr(lang, "干部", "officer"),
        tr(lang, "逾期", "overdue")
    ));
    for (name, _, n) in &r.overdue_by_officer {
        out.push_str(&format!("| {name} | {n} |\n"));
    }
    out
}

/// Which progress report is asked for.
pub struct ProgressAsked {
    /// The year.
    pub year: i32,
    /// As of this day (default: the year's end, or today).
    pub as_of: Option<chrono::NaiveDate>,
    /// Counted from the audit log alone.
    pub from_log: bool,
}

/// Runs `peiyu report progress`.
pub async fn progress(
    service: &Service,
    actor: &Officer,
    asked: ProgressAsked,
    format: &str,
    output: Option<std::path::PathBuf>,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let ProgressAsked {
        year,
        as_of,
        from_log,
    } = asked;
    let r = if from_log {
        service.progress_report_from_log(actor, year, as_of).await?
    } else {
        service.progress_report(actor, year, as_of).await?
    };
    let format = if json { "json" } else { format };
    let mut bytes: Vec<u8> = match format {
        "text" => text(&r, lang).into_bytes(),
        "md" => markdown(&r, lang).into_bytes(),
        "json" => serde_json::to_vec_pretty(&peiyu_formats::json::ProgressDto::new(&r, lang))
            .map_err(std::io::Error::other)?,
        "xlsx" => peiyu_formats::report::xlsx(&r, &target_lines(&r, lang), lang)?,
        other => {
            return Err(Failure::usage(
                "--format",
                format!("不支持的格式「{other}」：可用 text、md、xlsx、json"),
                format!("unsupported format \"{other}\": use text, md, xlsx or json"),
            ));
        }
    };
    let output = destination(output.as_deref());
    if format == "json" && output.as_ref().is_none_or(peiyu_formats::Output::is_stdout) {
        // JSON on the terminal ends with a line break.
        bytes.push(b'\n');
    }
    emit(output, &bytes, format == "xlsx", lang)?;
    Ok(())
}
