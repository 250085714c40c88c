//! The progress report against the year's targets.

use chrono::NaiveDate;
use peiyu_domain::Lang;
use peiyu_service::{ProgressReport, Target};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::EnterpriseRef;

/// A year's target for a metric.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TargetDto {
    /// The metric's key (`new_above_scale`, …).
    pub metric: String,
    /// Its name in the request's language.
    pub label: String,
    /// The value aimed at.
    pub value: i64,
}

/// An enterprise newly registered above scale or limit.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NewlyRegisteredDto {
    /// The enterprise.
    pub enterprise: EnterpriseRef,
    /// The day it was registered.
    pub registered_on: NaiveDate,
    /// Its output value this year so far, yuan.
    pub output_value: i64,
    /// Its revenue this year so far, yuan.
    pub revenue: i64,
    /// Its batch this year.
    pub batch: Option<u8>,
}

/// How many cultivations stand at each stage of a track.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FunnelDto {
    /// The track's key.
    pub track: String,
    /// The track's name.
    pub label: String,
    /// The stages in track order.
    pub stages: Vec<FunnelStageDto>,
}

/// One stage of a funnel.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FunnelStageDto {
    /// The stage's key.
    pub stage: String,
    /// Its name.
    pub label: String,
    /// How many cultivations stand there.
    pub count: usize,
}

/// Progress by one key (a batch, a town, a sector).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BreakdownDto {
    /// The key (as the report counts: `第1批 …`, a town, a sector's Chinese name).
    pub key: String,
    /// The key in the request's language (`第一批（…）` / `batch 1 (…)`, `未列入` / `not on the
    /// list`, a sector's name; a town as it is).
    pub label: String,
    /// Newly registered.
    pub newly_registered: usize,
    /// In cultivation.
    pub in_cultivation: usize,
    /// Output value of the newly registered, yuan.
    pub output_value: i64,
}

/// What a breakdown is by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum By {
    Batch,
    Town,
    Sector,
}

/// A breakdown's key in words in `lang`: a batch (`第2批 …`) by its full label, `未列入` as
/// "not on the list", a sector by its name; a town, or a key not understood, as it is.
fn breakdown_label(by: By, key: &str, lang: Lang) -> String {
    let understood = match by {
        By::Batch if key == "未列入" => {
            Some(crate::tr(lang, "未列入", "not on the list").to_owned())
        }
        By::Batch => key
            .strip_prefix('第')
            .and_then(|rest| rest.split('批').next())
            .and_then(|n| n.parse::<u8>().ok())
            .and_then(|n| peiyu_domain::Batch::new(n).ok())
            .map(|b| b.full_label(lang)),
        By::Sector => peiyu_domain::Sector::parse(key)
            .ok()
            .map(|s| s.label(lang).to_owned()),
        By::Town => None,
    };
    understood.unwrap_or_else(|| key.to_owned())
}

/// Overdue open tasks of one officer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OverdueDto {
    /// The officer's login.
    pub login: String,
    /// Their name.
    pub name: String,
    /// How many of their open tasks are overdue.
    pub overdue: usize,
}

/// `GET /reports/progress`: progress against the year's targets.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProgressDto {
    /// The year.
    pub year: i32,
    /// The day the report stands on.
    pub as_of: NaiveDate,
    /// The year's targets.
    pub targets: Vec<TargetDto>,
    /// Newly above-scale industrial enterprises.
    pub new_above_scale: Vec<NewlyRegisteredDto>,
    /// Newly above-limit commerce enterprises.
    pub new_above_limit: Vec<NewlyRegisteredDto>,
    /// Where the cultivations stand, by track.
    pub funnels: Vec<FunnelDto>,
    /// By batch.
    pub by_batch: Vec<BreakdownDto>,
    /// By town.
    pub by_town: Vec<BreakdownDto>,
    /// By sector.
    pub by_sector: Vec<BreakdownDto>,
    /// Overdue tasks by officer.
    pub overdue_by_officer: Vec<OverdueDto>,
    /// The statistical register as of the day: 规上 then 限上, in the register, entries and
    /// exits of the year, their output year to date.
    pub register: Vec<super::RegisterCountDto>,
    /// Every target (规上 and 限上 always) with what was achieved and the share, to one
    /// decimal.
    pub progress: Vec<TargetProgressDto>,
}

/// One target and how far the year has come.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TargetProgressDto {
    /// The metric's key.
    pub metric: String,
    /// Its name.
    pub label: String,
    /// The target, if set.
    pub target: Option<i64>,
    /// What was achieved, if counted (yuan for amounts).
    pub achieved: Option<i64>,
    /// The share achieved, to one decimal (`42.9%`).
    pub percent: Option<String>,
}

impl ProgressDto {
    /// The wire form of a progress report.
    pub fn new(r: &ProgressReport, lang: Lang) -> Self {
        let registered = |list: &[peiyu_service::NewlyRegistered]| {
            list.iter()
                .map(|n| NewlyRegisteredDto {
                    enterprise: EnterpriseRef::from(&n.enterprise),
                    registered_on: n.registered_on,
                    output_value: n.output_value.amount(),
                    revenue: n.revenue.amount(),
                    batch: n.batch.map(|b| b.number()),
                })
                .collect()
        };
        let breakdown = |list: &[peiyu_service::Breakdown], by: By| {
            list.iter()
                .map(|b| BreakdownDto {
                    key: b.key.clone(),
                    label: breakdown_label(by, &b.key, lang),
                    newly_registered: b.newly_registered,
                    in_cultivation: b.in_cultivation,
                    output_value: b.output_value.amount(),
                })
                .collect()
        };
        ProgressDto {
            year: r.year,
            as_of: r.as_of,
            targets: r
                .targets
                .iter()
                .map(|t| TargetDto {
                    metric: t.metric.clone(),
                    label: peiyu_service::target_label(&t.metric, lang),
                    value: t.value,
                })
                .collect(),
            new_above_scale: registered(&r.new_above_scale),
            new_above_limit: registered(&r.new_above_limit),
            funnels: r
                .funnels
                .iter()
                .map(|f| FunnelDto {
                    track: f.track.clone(),
                    label: f.label.get(lang).to_owned(),
                    stages: f
                        .stages
                        .iter()
                        .map(|(stage, label, count)| FunnelStageDto {
                            stage: stage.clone(),
                            label: label.get(lang).to_owned(),
                            count: *count,
                        })
                        .collect(),
                })
                .collect(),
            by_batch: breakdown(&r.by_batch, By::Batch),
            by_town: breakdown(&r.by_town, By::Town),
            by_sector: breakdown(&r.by_sector, By::Sector),
            overdue_by_officer: r
                .overdue_by_officer
                .iter()
                .map(|(name, login, n)| OverdueDto {
                    login: login.clone(),
                    name: name.clone(),
                    overdue: *n,
                })
                .collect(),
            register: r
                .register
                .iter()
                .map(|c| super::RegisterCountDto::new(c, lang))
                .collect(),
            progress: r
                .target_progress()
                .iter()
                .map(|t| TargetProgressDto {
                    metric: t.metric.clone(),
                    label: t.label.get(lang).to_owned(),
                    target: t.target,
                    achieved: t.achieved,
                    percent: t.percent(),
                })
                .collect(),
        }
    }
}

/// `GET /reports/progress` parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// The year (default this year).
    pub year: Option<i32>,
    /// The day to report as of (default the end of the year, or today if sooner).
    pub as_of: Option<NaiveDate>,
    /// Count from the audit log alone, not the tables (the same report when the audit
    /// verifies): `peiyu report progress --from-log`.
    #[serde(default)]
    pub from_log: Option<bool>,
}

/// `target set`: a year's target set, with the value it replaced.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TargetSetDto {
    /// The year.
    pub year: i32,
    /// The metric's key (`new_above_scale`, …).
    pub metric: String,
    /// Its name in the request's language.
    pub label: String,
    /// The value aimed at now.
    pub value: i64,
    /// The value it replaced, if one was set.
    pub previous: Option<i64>,
}

impl TargetSetDto {
    /// The wire form of setting `metric` for `year` to `value`.
    pub fn new(year: i32, metric: &str, value: i64, previous: Option<i64>, lang: Lang) -> Self {
        TargetSetDto {
            year,
            metric: metric.to_owned(),
            label: peiyu_service::target_label(metric, lang),
            value,
            previous,
        }
    }
}

/// `target list`: a year's target for a metric.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct YearTargetDto {
    /// The year.
    pub year: i32,
    /// The metric's key (`new_above_scale`, …).
    pub metric: String,
    /// Its name in the request's language.
    pub label: String,
    /// The value aimed at.
    pub value: i64,
}

impl YearTargetDto {
    /// The wire form of a year's targets.
    pub fn list(targets: &[Target], lang: Lang) -> Vec<Self> {
        targets
            .iter()
            .map(|t| YearTargetDto {
                year: t.year,
                metric: t.metric.clone(),
                label: peiyu_service::target_label(&t.metric, lang),
                value: t.value,
            })
            .collect()
    }
}
