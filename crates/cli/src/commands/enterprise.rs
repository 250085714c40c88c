//! `peiyu enterprise …`.

use peiyu_domain::{
    LandArea, Lang, LegalForm, Localize, NewEnterprise, Officer, Sector, Uscc, UsccMode,
};
use peiyu_formats::json::EnterpriseDetailDto;
use peiyu_service::enterprises::EnterpriseDetail;
use peiyu_service::{EnterpriseEdit, EnterpriseView, ListEnterprises, Service};

use crate::Failure;
use crate::args::{EnterpriseAddArgs, EnterpriseCommand, EnterpriseEditArgs, EnterpriseListArgs};
use peiyu_formats::json::EnterpriseDto;

use crate::output::{print_json, table, tr};

fn parse_uscc(field: &str, text: &str, lenient: bool, lang: Lang) -> Result<Uscc, Failure> {
    let mode = if lenient {
        UsccMode::Lenient
    } else {
        UsccMode::Strict
    };
    let (uscc, warning) = Uscc::parse_with(text, mode).map_err(|e| {
        let mut text = e.localize(lang);
        if !lenient {
            text = peiyu_domain::Text::new(
                format!("{}（确为早期真实代码时可加 --lenient 登记）", text.zh()),
                format!(
                    "{} (if it is a genuine early code, add --lenient)",
                    text.en()
                ),
            );
        }
        Failure::usage(field, text.zh(), text.en())
    })?;
    if let Some(w) = warning {
        eprintln!(
            "{}: {}",
            tr(lang, "警告", "warning"),
            w.error.localize(lang).get(lang)
        );
    }
    Ok(uscc)
}

fn parse_area(text: &str) -> Result<Option<LandArea>, Failure> {
    if text.eq_ignore_ascii_case("none") || text.is_empty() {
        return Ok(None);
    }
    LandArea::parse(text)
        .map(Some)
        .map_err(|e| Failure::invalid("--land-area", &e))
}

fn print_list(views: &[EnterpriseView], json: bool, lang: Lang) -> Result<(), Failure> {
    if json {
        return print_json(
            &views
                .iter()
                .map(|v| EnterpriseDto::from_view(v, lang))
                .collect::<Vec<_>>(),
        );
    }
    // A list filtered by stage says each firm's stage and track, after its name.
    let by_stage = views.iter().any(|v| v.at_stage.is_some());
    let stage_headers: &[(&str, &str)] = if by_stage {
        &[("阶段", "stage"), ("流程", "track")]
    } else {
        &[]
    };
    let headers: Vec<(&str, &str)> = [("统一社会信用代码", "USCC"), ("企业名称", "name")]
        .into_iter()
        .chain(stage_headers.iter().copied())
        .chain([
            ("行业", "sector"),
            ("乡镇", "town"),
            ("负责干部", "officer"),
            ("版本", "version"),
        ])
        .collect();
    let mut t = table(lang, &headers);
    for v in views {
        let e = &v.enterprise;
        let mut name = e.name.clone();
        if e.archived {
            name.push_str(tr(lang, "（已归档）", " (archived)"));
        }
        let mut row = vec![e.uscc.as_str().to_owned(), name];
        if by_stage {
            let (stage, track) = v
                .at_stage
                .as_ref()
                .map(|a| {
                    (
                        a.stage_label.get(lang).to_owned(),
                        a.track_label.get(lang).to_owned(),
                    )
                })
                .unwrap_or_default();
            row.extend([stage, track]);
        }
        row.extend([
            e.sector.label(lang).to_owned(),
            e.town.clone(),
            v.responsible
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            v.version.to_string(),
        ]);
        t.add_row(row);
    }
    println!("{t}");
    if views.is_empty() {
        println!("{}", tr(lang, "（没有企业）", "(no enterprises)"));
    } else {
        println!("{} {}", views.len(), tr(lang, "家企业", "enterprises"));
    }
    Ok(())
}

fn print_detail(d: &EnterpriseDetail, json: bool, lang: Lang) -> Result<(), Failure> {
    if json {
        return print_json(&EnterpriseDetailDto::new(d, lang));
    }
    let e = &d.view.enterprise;
    let mut t = table(lang, &[("项目", "field"), ("内容", "value")]);
    let rows: Vec<(&str, &str, String)> = vec![
        ("企业名称", "name", e.name.clone()),
        ("统一社会信用代码", "USCC", e.uscc.as_str().to_owned()),
        ("行政区划代码", "area code", e.uscc.area_code().to_owned()),
        ("行业", "sector", e.sector.label(lang).to_owned()),
        ("乡镇", "town", e.town.clone()),
        ("地址", "address", e.address.clone()),
        (
            "用地面积（亩）",
            "land area (mu)",
            e.land_area.map(|a| a.to_string()).unwrap_or_default(),
        ),
        (
            "法人类型",
            "legal form",
            e.legal_form.label(lang).to_owned(),
        ),
        (
            "负责干部",
            "responsible officer",
            d.view
                .responsible
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_default(),
        ),
        (
            "状态",
            "status",
            if e.archived {
                tr(lang, "已归档", "archived")
            } else {
                tr(lang, "在册", "active")
            }
            .to_owned(),
        ),
        (
            "统计名录",
            "statistical register",
            if d.register.is_empty() {
                tr(lang, "未入库", "not in the register").to_owned()
            } else {
                d.register
                    .iter()
                    .map(|p| p.describe(lang))
                    .collect::<Vec<_>>()
                    .join("\n")
            },
        ),
        ("版本", "version", d.view.version.to_string()),
    ];
    for (zh, en, value) in rows {
        t.add_row(vec![tr(lang, zh, en).to_owned(), value]);
    }
    println!("{t}");
    if !d.recent_metrics.is_empty() {
        let mut m = table(
            lang,
            &[
                ("月份", "month"),
                ("营业收入", "revenue"),
                ("产值", "output value"),
                ("从业人员", "employees"),
                ("税收", "tax"),
            ],
        );
        for x in &d.recent_metrics {
            let money = |y: Option<peiyu_domain::Yuan>| {
                y.map(|y| y.format_wan_rounded(1)).unwrap_or_default()
            };
            m.add_row(vec![
                x.month.to_string(),
                money(x.revenue),
                money(x.output_value),
                x.employees.map(|n| n.to_string()).unwrap_or_default(),
                money(x.tax),
            ]);
        }
        println!("{m}");
    }
    Ok(())
}

/// Runs `peiyu enterprise …`.
pub async fn run(
    service: &Service,
    actor: &Officer,
    cmd: EnterpriseCommand,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    match cmd {
        EnterpriseCommand::Add(args) => add(service, actor, args, json, lang).await,
        EnterpriseCommand::List(args) => list(service, actor, args, json, lang).await,
        EnterpriseCommand::Show { enterprise } => {
            let detail = service.show_enterprise(actor, &enterprise).await?;
            print_detail(&detail, json, lang)
        }
        EnterpriseCommand::Edit(args) => edit(service, actor, args, json, lang).await,
        EnterpriseCommand::Archive {
            enterprise,
            reason,
            expect_version,
        } => {
            let view = service
                .archive_enterprise(actor, &enterprise, &reason, expect_version)
                .await?;
            print_list(std::slice::from_ref(&view), json, lang)
        }
    }
}

async fn add(
    service: &Service,
    actor: &Officer,
    args: EnterpriseAddArgs,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let uscc = parse_uscc("--uscc", &args.uscc, args.lenient, lang)?;
    let sector = Sector::parse(&args.sector).map_err(|e| Failure::invalid("--sector", &e))?;
    let land_area = match &args.land_area {
        Some(text) => parse_area(text)?,
        None => None,
    };
    let new = NewEnterprise {
        uscc,
        name: args.name,
        sector,
        town: args.town,
        address: args.address,
        land_area,
        legal_form: if args.branch {
            LegalForm::Branch
        } else {
            LegalForm::LegalEntity
        },
        responsible_officer: None,
    };
    let view = service
        .add_enterprise(actor, new, args.officer.as_deref())
        .await?;
    print_list(std::slice::from_ref(&view), json, lang)
}

async fn list(
    service: &Service,
    actor: &Officer,
    args: EnterpriseListArgs,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let sector = match &args.sector {
        Some(s) => Some(Sector::parse(s).map_err(|e| Failure::invalid("--sector", &e))?),
        None => None,
    };
    let query = ListEnterprises {
        officer: args.officer,
        mine: args.mine,
        sector,
        town: args.town,
        name_contains: args.name,
        include_archived: args.archived,
        stage: args.stage.map(|stage| peiyu_service::StageFilter {
            track: args.track,
            stage,
        }),
    };
    let views = service.list_enterprises(actor, &query).await?;
    print_list(&views, json, lang)
}

async fn edit(
    service: &Service,
    actor: &Officer,
    args: EnterpriseEditArgs,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let mut edit = EnterpriseEdit::default();
    if let Some(text) = &args.uscc {
        edit.uscc = Some(parse_uscc("--uscc", text, args.lenient, lang)?);
    }
    edit.name = args.name;
    if let Some(s) = &args.sector {
        edit.sector = Some(Sector::parse(s).map_err(|e| Failure::invalid("--sector", &e))?);
    }
    edit.town = args.town;
    edit.address = args.address;
    if let Some(text) = &args.land_area {
        edit.land_area = Some(parse_area(text)?);
    }
    if let Some(text) = &args.legal_form {
        edit.legal_form =
            Some(LegalForm::parse(text).map_err(|e| Failure::invalid("--legal-form", &e))?);
    }
    if let Some(login) = args.officer {
        edit.responsible = Some(if login.eq_ignore_ascii_case("none") {
            None
        } else {
            Some(login)
        });
    }
    let view = service
        .edit_enterprise(
            actor,
            &args.enterprise,
            edit,
            args.expect_version,
            args.reason,
        )
        .await?;
    print_list(std::slice::from_ref(&view), json, lang)
}
