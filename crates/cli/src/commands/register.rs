//! `peiyu register enter|exit|list`: the statistical register (统计名录).

use peiyu_domain::{Lang, Officer, RegisterKind, RegisterRoute, YearMonth};
use peiyu_formats::json::{RegisterChangeDto, RegisterListDto};
use peiyu_formats::lists;
use peiyu_formats::weekly::Format;
use peiyu_service::{RegisterAction, RegisterChange, Service, ServiceError};

use crate::Failure;
use crate::args::RegisterCommand;
use crate::output::{destination, emit, parse_opt_date, print_json, table, tr};

fn kind(text: &str) -> Result<RegisterKind, Failure> {
    RegisterKind::parse(text).map_err(|e| Failure::invalid("--kind", &e))
}

fn month(text: &str) -> Result<YearMonth, Failure> {
    YearMonth::parse(text).map_err(|e| Failure::invalid("--month", &e))
}

/// Runs `peiyu register …`.
pub async fn run(
    service: &Service,
    actor: &Officer,
    cmd: RegisterCommand,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let change = match cmd {
        RegisterCommand::List {
            kind: k,
            as_of,
            format,
            output,
        } => {
            let k = k.as_deref().map(kind).transpose()?;
            let as_of = parse_opt_date("--as-of", &as_of)?;
            return list(service, actor, (k, as_of), &format, output, json, lang).await;
        }
        RegisterCommand::Enter {
            enterprise,
            kind: k,
            month: m,
            route,
            on,
        } => RegisterChange {
            enterprise,
            kind: kind(&k)?,
            action: RegisterAction::Enter {
                month: month(&m)?,
                route: RegisterRoute::parse(&route).map_err(|e| Failure::invalid("--route", &e))?,
            },
            on: parse_opt_date("--on", &on)?,
        },
        RegisterCommand::Exit {
            enterprise,
            kind: k,
            month: m,
            reason,
            on,
        } => RegisterChange {
            enterprise,
            kind: kind(&k)?,
            action: RegisterAction::Exit {
                month: month(&m)?,
                reason,
            },
            on: parse_opt_date("--on", &on)?,
        },
    };
    // The service names the month by its key; on the command line it is `--month`.
    let outcome = service
        .change_register(actor, change)
        .await
        .map_err(|e| match e {
            ServiceError::Invalid { field, message } if field.key() == "month" => {
                Failure::usage("--month", message.zh(), message.en())
            }
            other => other.into(),
        })?;
    if json {
        return print_json(&RegisterChangeDto::new(&outcome, lang));
    }
    let p = &outcome.period;
    match p.exited {
        None => println!(
            "{} {} {} {}（{}）",
            outcome.enterprise.name,
            p.entered,
            tr(lang, "入库", "entered the"),
            p.kind.label(lang),
            p.route.label(lang),
        ),
        Some(exited) => println!(
            "{} {exited} {} {}（{} {}）",
            outcome.enterprise.name,
            tr(lang, "退库：", "left the"),
            p.kind.label(lang),
            tr(lang, "入库于", "entered"),
            p.entered,
        ),
    }
    Ok(())
}

async fn list(
    service: &Service,
    actor: &Officer,
    (kind, as_of): (Option<RegisterKind>, Option<chrono::NaiveDate>),
    format: &str,
    output: Option<std::path::PathBuf>,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let format: Format = format.parse().map_err(|_| {
        Failure::usage(
            "--format",
            format!("未知的格式「{format}」：可用 text、csv、xlsx、md、html、json"),
            format!("unknown format \"{format}\": use text, csv, xlsx, md, html or json"),
        )
    })?;
    let view = service.register_list(actor, kind, as_of).await?;
    let dto = RegisterListDto::new(&view, lang);
    if json || format == Format::Json {
        return print_json(&dto);
    }
    if format == Format::Text {
        print!("{}", text(&dto, lang));
        return Ok(());
    }
    if !lists::REGISTER.offers(format) {
        return Err(Failure::usage(
            "--format",
            format!(
                "统计名录不提供「{}」格式：可用 text、csv、xlsx、md、html、json",
                format.key()
            ),
            format!(
                "the register is not offered as \"{}\": use text, csv, xlsx, md, html or json",
                format.key()
            ),
        ));
    }
    let title = format!(
        "{} {} {}",
        tr(lang, "统计名录", "Statistical register"),
        tr(lang, "截至", "as of"),
        view.as_of
    );
    let value = serde_json::to_value(&dto).map_err(std::io::Error::other)?;
    let bytes = lists::REGISTER.render(&value, format, &title, lang)?;
    emit(
        destination(output.as_deref()),
        &bytes,
        format.is_binary(),
        lang,
    )
}

/// The register as terminal tables: the rows, then the counts.
pub fn text(dto: &RegisterListDto, lang: Lang) -> String {
    let mut t = table(
        lang,
        &[
            ("序号", "no."),
            ("企业名称", "enterprise"),
            ("乡镇", "town"),
            ("行业", "sector"),
            ("类别", "register"),
            ("入库年月", "entered"),
            ("入库方式", "route"),
            ("本年累计产值（万元）", "output this year (10k yuan)"),
        ],
    );
    for r in &dto.rows {
        t.add_row(vec![
            r.seq.to_string(),
            r.enterprise.name.clone(),
            r.town.clone(),
            r.sector_label.clone(),
            r.period.kind_label.clone(),
            r.period.entered.clone(),
            r.period.route_label.clone(),
            r.output_value_wan.clone(),
        ]);
    }
    let mut c = table(
        lang,
        &[
            ("类别", "register"),
            ("在库（家）", "in the register"),
            ("本年入库", "entered this year"),
            ("本年退库", "left this year"),
            ("本年累计产值（万元）", "output this year (10k yuan)"),
        ],
    );
    for n in &dto.counts {
        c.add_row(vec![
            n.kind_label.clone(),
            n.in_register.to_string(),
            n.entered_in_year.to_string(),
            n.exited_in_year.to_string(),
            n.output_value_wan.clone(),
        ]);
    }
    format!(
        "{} {}\n{t}\n{c}\n",
        tr(lang, "统计名录 截至", "Statistical register as of"),
        dto.as_of
    )
}
