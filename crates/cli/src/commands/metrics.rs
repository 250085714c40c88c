//! `peiyu metrics …`.

use peiyu_domain::{Lang, Metrics, Officer, Tce, YearMonth, Yuan};
use peiyu_formats::json::{MetricsDto, MetricsRecordedDto};
use peiyu_service::Service;

use crate::Failure;
use crate::args::MetricsCommand;
use crate::output::{print_json, table};

fn money(field: &str, text: &Option<String>) -> Result<Option<Yuan>, Failure> {
    text.as_deref()
        .map(|t| Yuan::parse(t).map_err(|e| Failure::invalid(field, &e)))
        .transpose()
}

fn month(field: &str, text: &str) -> Result<YearMonth, Failure> {
    text.parse::<YearMonth>()
        .map_err(|e| Failure::invalid(field, &e))
}

/// Runs `peiyu metrics …`.
pub async fn run(
    service: &Service,
    actor: &Officer,
    cmd: MetricsCommand,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    match cmd {
        MetricsCommand::Add {
            enterprise,
            month: m,
            revenue,
            output_value,
            energy,
            employees,
            tax,
            rnd,
            reason,
        } => {
            let ym = month("--month", &m)?;
            let energy = energy
                .as_deref()
                .map(|t| Tce::parse(t).map_err(|e| Failure::invalid("--energy", &e)))
                .transpose()?;
            let mut figures = Metrics::empty(peiyu_domain::EnterpriseId::new(), ym);
            figures.revenue = money("--revenue", &revenue)?;
            figures.output_value = money("--output-value", &output_value)?;
            figures.energy = energy;
            figures.employees = employees;
            figures.tax = money("--tax", &tax)?;
            figures.rnd_spend = money("--rnd", &rnd)?;
            if figures == Metrics::empty(figures.enterprise, ym) {
                return Err(Failure::usage(
                    "metrics",
                    "至少给出一项指标，如 --revenue 1360.5万",
                    "give at least one figure, e.g. --revenue 1360.5万",
                ));
            }
            let outcome = service
                .record_metrics(actor, &enterprise, figures, reason)
                .await?;
            let recorded = MetricsRecordedDto::new(ym, outcome, lang);
            if json {
                return print_json(&recorded);
            }
            println!("{}: {enterprise} {ym}", recorded.outcome_label);
            Ok(())
        }
        MetricsCommand::List {
            enterprise,
            from,
            to,
        } => {
            let from = from.as_deref().map(|t| month("--from", t)).transpose()?;
            let to = to.as_deref().map(|t| month("--to", t)).transpose()?;
            let (e, list) = service.list_metrics(actor, &enterprise, from, to).await?;
            if json {
                return print_json(&list.iter().map(MetricsDto::from).collect::<Vec<_>>());
            }
            println!("{} ({})", e.name, e.uscc);
            let mut t = table(
                lang,
                &[
                    ("月份", "month"),
                    ("营业收入", "revenue"),
                    ("产值", "output value"),
                    ("能耗(吨标煤)", "energy (tce)"),
                    ("从业人员", "employees"),
                    ("税收", "tax"),
                    ("研发投入", "R&D"),
                ],
            );
            let w = |y: Option<Yuan>| y.map(|y| y.format_wan_rounded(1)).unwrap_or_default();
            for m in &list {
                t.add_row(vec![
                    m.month.to_string(),
                    w(m.revenue),
                    w(m.output_value),
                    m.energy.map(|x| x.to_string()).unwrap_or_default(),
                    m.employees.map(|n| n.to_string()).unwrap_or_default(),
                    w(m.tax),
                    w(m.rnd_spend),
                ]);
            }
            println!("{t}");
            Ok(())
        }
    }
}
