//! `peiyu asof DATE`: the lists as they stood, rebuilt from history.

use peiyu_domain::{Batch, Lang, Officer};
use peiyu_formats::json::AsOfDto;
use peiyu_service::{AsOfQuery, Service};

use crate::Failure;
use crate::output::{parse_date, print_json, table, tr};

/// `peiyu asof`'s filters, as given.
pub struct Filters {
    /// `--list`.
    pub list: Option<i32>,
    /// `--batch`.
    pub batch: Option<String>,
    /// `--track`.
    pub track: Option<String>,
    /// `--stage`.
    pub stage: Option<String>,
}

/// Runs `peiyu asof`; `from_log` rebuilds from the audit log alone.
pub async fn run(
    service: &Service,
    actor: &Officer,
    date: &str,
    filters: Filters,
    from_log: bool,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let Filters {
        list,
        batch,
        track,
        stage,
    } = filters;
    let date = parse_date("DATE", date)?;
    let batch = batch
        .as_deref()
        .map(|b| {
            b.parse::<Batch>()
                .map_err(|e| Failure::invalid("--batch", &e))
        })
        .transpose()?;
    let lists_asked = list.is_some() || batch.is_some();
    let stages_asked = track.is_some() || stage.is_some();
    let show_lists = lists_asked || !stages_asked;
    let show_stages = stages_asked || !lists_asked;
    let query = AsOfQuery {
        list,
        batch,
        track,
        stage,
    };
    let view = if from_log {
        service.as_of_from_log(actor, date, &query).await?
    } else {
        service.as_of(actor, date, &query).await?
    };
    if json {
        return print_json(&AsOfDto::new(date, &view, show_lists, show_stages, lang));
    }
    println!(
        "{} {date} {}",
        tr(lang, "截至", "as of the end of"),
        tr(lang, "日终", "")
    );
    if show_lists {
        let mut t = table(
            lang,
            &[
                ("名单", "list"),
                ("批次", "batch"),
                ("企业", "enterprise"),
                ("统一社会信用代码", "USCC"),
                ("列入日期", "since"),
            ],
        );
        for l in &view.listed {
            t.add_row(vec![
                l.year.to_string(),
                l.batch.full_label(lang),
                l.enterprise.name.clone(),
                l.enterprise.uscc.as_str().to_owned(),
                l.since.to_string(),
            ]);
        }
        println!("{t}");
    }
    if show_stages {
        let mut t = table(
            lang,
            &[
                ("流程", "track"),
                ("阶段", "stage"),
                ("企业", "enterprise"),
                ("统一社会信用代码", "USCC"),
                ("进入日期", "since"),
            ],
        );
        for s in &view.staged {
            t.add_row(vec![
                s.track_label.get(lang).to_owned(),
                s.stage_label.get(lang).to_owned(),
                s.enterprise.name.clone(),
                s.enterprise.uscc.as_str().to_owned(),
                s.since.to_string(),
            ]);
        }
        println!("{t}");
    }
    Ok(())
}
