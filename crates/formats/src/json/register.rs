//! The statistical register (统计名录): an enterprise's periods, the register as of a day, and
//! a hand entry or exit.

use chrono::NaiveDate;
use peiyu_domain::{Lang, RegisterPeriod};
use peiyu_service::{RegisterCount, RegisterList, RegisterOutcome};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::EnterpriseRef;

/// One stay of an enterprise in a register.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RegisterPeriodDto {
    /// `above_scale` (规上工业) or `above_limit` (限上商贸).
    pub kind: String,
    /// The register's name.
    pub kind_label: String,
    /// The first month counted (入库年月), `YYYY-MM`.
    pub entered: String,
    /// `monthly` (月度入库) or `annual` (年度入库).
    pub route: String,
    /// The route's name.
    pub route_label: String,
    /// The month it left (退库年月), from which it is no longer counted.
    pub exited: Option<String>,
    /// Why it left.
    pub exit_reason: Option<String>,
    /// `track`, `import` or `hand`.
    pub source: String,
    /// Where the entry came from, in words.
    pub source_label: String,
}

impl RegisterPeriodDto {
    /// The wire form of a period.
    pub fn new(p: &RegisterPeriod, lang: Lang) -> Self {
        RegisterPeriodDto {
            kind: p.kind.key().to_owned(),
            kind_label: p.kind.label(lang).to_owned(),
            entered: p.entered.to_string(),
            route: p.route.key().to_owned(),
            route_label: p.route.label(lang).to_owned(),
            exited: p.exited.map(|m| m.to_string()),
            exit_reason: p.exit_reason.clone(),
            source: p.source.key().to_owned(),
            source_label: p.source.label(lang).to_owned(),
        }
    }

    /// Every period of a list.
    pub fn list(periods: &[RegisterPeriod], lang: Lang) -> Vec<Self> {
        periods.iter().map(|p| Self::new(p, lang)).collect()
    }
}

/// One enterprise counted in the register on the day.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegisterRowDto {
    /// 序号: the row's position, from 1.
    pub seq: usize,
    /// The enterprise.
    pub enterprise: EnterpriseRef,
    /// Its town.
    pub town: String,
    /// Its sector's name.
    pub sector_label: String,
    /// Its responsible officer's name.
    pub officer: Option<String>,
    /// The period that counts it.
    #[serde(flatten)]
    pub period: RegisterPeriodDto,
    /// Output value from January to the day's month, yuan.
    pub output_value: i64,
    /// The same in 万元, rounded to one decimal (`1,234.5`).
    pub output_value_wan: String,
    /// Revenue over the same months, yuan.
    pub revenue: i64,
}

/// One register's count on the day.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegisterCountDto {
    /// `above_scale` or `above_limit`.
    pub kind: String,
    /// The register's name.
    pub kind_label: String,
    /// Enterprises counted on the day (在库).
    pub in_register: usize,
    /// Entries in the year up to the day's month.
    pub entered_in_year: usize,
    /// Exits in the year up to the day's month.
    pub exited_in_year: usize,
    /// The output value of the enterprises counted, January to the day's month, yuan.
    pub output_value: i64,
    /// The same in 万元 to one decimal.
    pub output_value_wan: String,
    /// Their revenue over the same months, yuan.
    pub revenue: i64,
}

impl RegisterCountDto {
    /// The wire form of a count.
    pub fn new(c: &RegisterCount, lang: Lang) -> Self {
        RegisterCountDto {
            kind: c.kind.key().to_owned(),
            kind_label: c.kind.label(lang).to_owned(),
            in_register: c.in_register,
            entered_in_year: c.entered_in_year,
            exited_in_year: c.exited_in_year,
            output_value: c.output_value.amount(),
            output_value_wan: wan(c.output_value),
            revenue: c.revenue.amount(),
        }
    }
}

fn wan(y: peiyu_domain::Yuan) -> String {
    y.format_wan_rounded(1).trim_end_matches("万元").to_owned()
}

/// `GET /register`: the register as of a day.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegisterListDto {
    /// The day.
    pub as_of: NaiveDate,
    /// The register asked for, or none for both.
    pub kind: Option<String>,
    /// Per register: the counts and output.
    pub counts: Vec<RegisterCountDto>,
    /// The enterprises counted, by register, month entered, then name.
    pub rows: Vec<RegisterRowDto>,
}

impl RegisterListDto {
    /// The wire form of the register as of a day.
    pub fn new(list: &RegisterList, lang: Lang) -> Self {
        RegisterListDto {
            as_of: list.as_of,
            kind: list.kind.map(|k| k.key().to_owned()),
            counts: list
                .counts
                .iter()
                .map(|c| RegisterCountDto::new(c, lang))
                .collect(),
            rows: list
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| RegisterRowDto {
                    seq: i + 1,
                    enterprise: EnterpriseRef::from(&r.enterprise),
                    town: r.enterprise.town.clone(),
                    sector_label: r.enterprise.sector.label(lang).to_owned(),
                    officer: r.officer.clone(),
                    period: RegisterPeriodDto::new(&r.period, lang),
                    output_value: r.output_value.amount(),
                    output_value_wan: wan(r.output_value),
                    revenue: r.revenue.amount(),
                })
                .collect(),
        }
    }
}

/// `GET /register` parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegisterQuery {
    /// The day (default today).
    pub as_of: Option<NaiveDate>,
    /// `above_scale` or `above_limit` (or 规上 / 限上); both when absent.
    pub kind: Option<String>,
}

/// `POST /enterprises/{uscc}/register`: enter the register or leave it.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterChangeRequest {
    /// `enter` or `exit`.
    #[schema(example = "enter")]
    pub action: String,
    /// `above_scale` or `above_limit` (or 规上 / 限上).
    #[schema(example = "above_scale")]
    pub kind: String,
    /// The month entered or left, `YYYY-MM`.
    #[schema(example = "2023-03")]
    pub month: String,
    /// For an entry: `monthly` (default) or `annual` (or 月度 / 年度).
    pub route: Option<String>,
    /// For an exit: why (required).
    pub reason: Option<String>,
    /// The day the change takes effect (default today).
    pub on: Option<NaiveDate>,
}

/// What a register change did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegisterChangeDto {
    /// The enterprise.
    pub enterprise: EnterpriseRef,
    /// The period entered or closed, as it now stands.
    pub period: RegisterPeriodDto,
}

impl RegisterChangeDto {
    /// The wire form of a register change.
    pub fn new(o: &RegisterOutcome, lang: Lang) -> Self {
        RegisterChangeDto {
            enterprise: EnterpriseRef::from(&o.enterprise),
            period: RegisterPeriodDto::new(&o.period, lang),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use peiyu_domain::{
        Enterprise, EnterpriseId, LegalForm, RegisterKind, RegisterPeriod, RegisterRoute,
        RegisterSource, Sector, Uscc, YearMonth, Yuan,
    };
    use peiyu_service::{InRegister, RegisterCount, RegisterList};

    use super::*;
    use crate::lists::REGISTER;
    use crate::weekly::Format;

    /// A valid code for `n`, with both check characters.
    fn code(n: u32) -> Uscc {
        let org8 = format!("{:08}", 10_000_000 + n);
        let org9 = Uscc::organisation_check_character(&org8).unwrap();
        let first17 = format!("91451399{org8}{org9}");
        let check = Uscc::check_character(&first17).unwrap();
        Uscc::parse(&format!("{first17}{check}")).unwrap()
    }

    fn firm(n: u32, name: &str, town: &str) -> Enterprise {
        Enterprise {
            id: EnterpriseId(uuid::Uuid::from_u128(u128::from(n))),
            uscc: code(n),
            name: name.into(),
            sector: Sector::Industry,
            town: town.into(),
            address: String::new(),
            land_area: None,
            legal_form: LegalForm::LegalEntity,
            responsible_officer: None,
            archived: false,
        }
    }

    fn list() -> RegisterList {
        let stay = |e: &Enterprise, entered: &str, route| RegisterPeriod {
            enterprise: e.id,
            kind: RegisterKind::AboveScale,
            entered: YearMonth::parse(entered).unwrap(),
            route,
            exited: None,
            exit_reason: None,
            source: RegisterSource::Import,
        };
        let a = firm(1, "锦X水泥有限公司", "石龙镇");
        let b = firm(2, "加美木业有限公司", "三江口工业园区");
        RegisterList {
            as_of: NaiveDate::from_ymd_opt(2023, 6, 30).unwrap(),
            kind: Some(RegisterKind::AboveScale),
            rows: vec![
                InRegister {
                    period: stay(&a, "2015-01", RegisterRoute::Annual),
                    enterprise: a,
                    officer: Some("潘永清".into()),
                    output_value: Yuan(605_000_000),
                    revenue: Yuan(590_000_000),
                },
                InRegister {
                    period: RegisterPeriod {
                        source: RegisterSource::Track,
                        ..stay(&b, "2023-03", RegisterRoute::Monthly)
                    },
                    enterprise: b,
                    officer: None,
                    output_value: Yuan(36_123_456),
                    revenue: Yuan(35_000_000),
                },
            ],
            counts: vec![RegisterCount {
                kind: RegisterKind::AboveScale,
                in_register: 2,
                entered_in_year: 1,
                exited_in_year: 0,
                output_value: Yuan(641_123_456),
                revenue: Yuan(625_000_000),
            }],
        }
    }

    #[test]
    fn the_printed_register_has_its_numbers_names_and_totals() {
        for lang in [Lang::Zh, Lang::En] {
            let dto = RegisterListDto::new(&list(), lang);
            assert_eq!(dto.rows[1].seq, 2);
            assert_eq!(dto.counts[0].output_value_wan, "64,112.3");
            let value = serde_json::to_value(&dto).unwrap();
            let md = REGISTER
                .render(&value, Format::Md, "统计名录 截至 2023-06-30", lang)
                .unwrap();
            insta::assert_snapshot!(
                format!("register_md_{}", lang.code()),
                String::from_utf8(md).unwrap()
            );
            let csv = REGISTER
                .render(&value, Format::Csv, "统计名录", lang)
                .unwrap();
            insta::assert_snapshot!(
                format!("register_csv_{}", lang.code()),
                String::from_utf8(csv).unwrap()
            );
        }
    }
}
