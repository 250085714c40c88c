//! Enterprises and their monthly figures.

use peiyu_domain::{Enterprise, Lang, Metrics, Officer, YearMonth};
use peiyu_service::{EnterpriseView, Upserted};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::OfficerRef;

/// An enterprise on the county's books.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseDto {
    /// Its id.
    pub id: Uuid,
    /// Its unified social credit code (统一社会信用代码), the key used in paths.
    pub uscc: String,
    /// Its name.
    pub name: String,
    /// `industry`, `wholesale`, `retail`, `accommodation`, `catering` or `other`.
    pub sector: String,
    /// The sector in the request's language.
    pub sector_label: String,
    /// The town (乡镇).
    pub town: String,
    /// The address.
    pub address: String,
    /// The legal form's key.
    pub legal_form: String,
    /// Land area in mu, as written (e.g. `12.5`).
    pub land_area_mu: Option<String>,
    /// The responsible officer.
    pub responsible: Option<OfficerRef>,
    /// Whether it is archived.
    pub archived: bool,
    /// The record's version.
    pub version: i64,
    /// In a list filtered by stage (`?stage=`): the cultivation at that stage; absent
    /// otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<AtStageDto>,
}

/// The cultivation that put an enterprise in a list filtered by stage.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AtStageDto {
    /// The track's key (`industrial`).
    pub track: String,
    /// The track's name in the request's language.
    pub track_label: String,
    /// The stage's key (`cultivating`).
    pub stage: String,
    /// The stage's name in the request's language.
    pub stage_label: String,
}

impl EnterpriseDto {
    /// The wire form of an enterprise and its responsible officer.
    pub fn new(e: &Enterprise, version: i64, responsible: Option<&Officer>, lang: Lang) -> Self {
        EnterpriseDto {
            id: e.id.0,
            uscc: e.uscc.as_str().to_owned(),
            name: e.name.clone(),
            sector: e.sector.key().to_owned(),
            sector_label: e.sector.label(lang).to_owned(),
            town: e.town.clone(),
            address: e.address.clone(),
            legal_form: e.legal_form.key().to_owned(),
            land_area_mu: e.land_area.map(|a| a.to_string()),
            responsible: responsible.map(OfficerRef::from),
            archived: e.archived,
            version,
            stage: None,
        }
    }

    /// The wire form of a listed enterprise (with its stage, in a list filtered by stage).
    pub fn from_view(v: &EnterpriseView, lang: Lang) -> Self {
        EnterpriseDto {
            stage: v.at_stage.as_ref().map(|a| AtStageDto {
                track: a.track.clone(),
                track_label: a.track_label.get(lang).to_owned(),
                stage: a.stage.clone(),
                stage_label: a.stage_label.get(lang).to_owned(),
            }),
            ..EnterpriseDto::new(&v.enterprise, v.version, v.responsible.as_ref(), lang)
        }
    }
}

/// One month's figures (integer yuan; energy in tonnes of standard coal).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MetricsDto {
    /// `YYYY-MM`.
    pub month: String,
    /// Main-business revenue, yuan.
    pub revenue: Option<i64>,
    /// Industrial output value, yuan.
    pub output_value: Option<i64>,
    /// Energy use, tce, as written.
    pub energy_tce: Option<String>,
    /// Energy use, kilograms of standard coal.
    pub energy_kgce: Option<i64>,
    /// Employees.
    pub employees: Option<u32>,
    /// Tax paid, yuan.
    pub tax: Option<i64>,
    /// R&D spending, yuan.
    pub rnd_spend: Option<i64>,
}

impl From<&Metrics> for MetricsDto {
    fn from(m: &Metrics) -> Self {
        MetricsDto {
            month: m.month.to_string(),
            revenue: m.revenue.map(|y| y.amount()),
            output_value: m.output_value.map(|y| y.amount()),
            energy_tce: m.energy.map(|t| t.to_string()),
            energy_kgce: m.energy.map(|t| t.kgce()),
            employees: m.employees,
            tax: m.tax.map(|y| y.amount()),
            rnd_spend: m.rnd_spend.map(|y| y.amount()),
        }
    }
}

/// `GET /enterprises/{key}`: the enterprise and its last twelve months of figures.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseDetailDto {
    /// The enterprise.
    pub enterprise: EnterpriseDto,
    /// Its most recent monthly figures, oldest first.
    pub recent_metrics: Vec<MetricsDto>,
    /// Its statistical register periods (规上/限上 在库, 退库), oldest first.
    pub register: Vec<super::RegisterPeriodDto>,
}

impl EnterpriseDetailDto {
    /// The wire form of one enterprise with its recent monthly figures.
    pub fn new(d: &peiyu_service::enterprises::EnterpriseDetail, lang: Lang) -> Self {
        EnterpriseDetailDto {
            enterprise: EnterpriseDto::from_view(&d.view, lang),
            recent_metrics: d.recent_metrics.iter().map(MetricsDto::from).collect(),
            register: super::RegisterPeriodDto::list(&d.register, lang),
        }
    }
}

/// `GET /enterprises` filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseQuery {
    /// Only enterprises this officer (login) is responsible for.
    pub officer: Option<String>,
    /// Only this town.
    pub town: Option<String>,
    /// Only this sector (`industry`, `wholesale`, `retail`, `accommodation`, `catering`,
    /// `other`).
    pub sector: Option<String>,
    /// Only enterprises with a cultivation at this stage (its key: `candidate`,
    /// `cultivating`, …), on the track `track` when given, else on any track.
    pub stage: Option<String>,
    /// The track of `stage` (`industrial`, `commerce`, `technology`); only with `stage`.
    pub track: Option<String>,
    /// Include archived enterprises.
    #[serde(default)]
    pub archived: Option<bool>,
    /// Only those you may act on: yours and your team's (every one for an admin).
    #[serde(default)]
    pub mine: Option<bool>,
    /// Only those whose name contains this text.
    pub name: Option<String>,
}

/// `metrics record`: what recording a month's figures did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MetricsRecordedDto {
    /// `YYYY-MM`.
    pub month: String,
    /// `inserted`, `updated` or `unchanged`.
    pub outcome: String,
    /// The outcome in the request's language.
    pub outcome_label: String,
}

impl MetricsRecordedDto {
    /// The wire form of recording `month`.
    pub fn new(month: YearMonth, outcome: Upserted, lang: Lang) -> Self {
        let (key, zh, en) = match outcome {
            Upserted::Inserted => ("inserted", "已录入", "recorded"),
            Upserted::Updated => ("updated", "已更正", "corrected"),
            Upserted::Unchanged => ("unchanged", "数据相同，未做更改", "unchanged"),
        };
        MetricsRecordedDto {
            month: month.to_string(),
            outcome: key.to_owned(),
            outcome_label: crate::tr(lang, zh, en).to_owned(),
        }
    }
}
