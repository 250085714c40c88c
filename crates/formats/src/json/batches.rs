//! The four-batches lists.

use chrono::{DateTime, NaiveDate, Utc};
use peiyu_domain::{Batch, BatchList, BatchMove, Enterprise, Lang};
use peiyu_service::batch_rules::{Standing, Suggestion};
use peiyu_service::{BatchDiff, BatchListView, Versioned};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::EnterpriseRef;

/// One enterprise in a batch.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchEntryDto {
    /// The batch, 1 to 4.
    pub batch: u8,
    /// The batch's name in the request's language.
    pub batch_label: String,
    /// The enterprise.
    pub enterprise: EnterpriseRef,
    /// Its town.
    pub town: String,
    /// Since when it is in this batch.
    pub since: NaiveDate,
    /// Why it was put there.
    pub reason: Option<String>,
}

/// `GET /batches/{year}`: a year's four-batches list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchListDto {
    /// The year.
    pub year: i32,
    /// `draft` or `published`.
    pub status: String,
    /// The status in the request's language.
    pub status_label: String,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
    /// The list's version.
    pub version: i64,
    /// The enterprises, by batch then name.
    pub entries: Vec<BatchEntryDto>,
}

impl BatchListDto {
    /// The wire form of a list.
    pub fn new(v: &BatchListView, lang: Lang) -> Self {
        let list = &v.list.value;
        BatchListDto {
            year: list.year,
            status: list.status.key().to_owned(),
            status_label: list.status.label(lang).to_owned(),
            published_at: list.published_at,
            version: v.list.version,
            entries: v
                .entries
                .iter()
                .map(|(entry, e)| BatchEntryDto {
                    batch: entry.batch.number(),
                    batch_label: entry.batch.default_label(lang).to_owned(),
                    enterprise: EnterpriseRef::from(e),
                    town: e.town.clone(),
                    since: entry.since,
                    reason: entry.reason.clone(),
                })
                .collect(),
        }
    }
}

/// `GET /batches/{year}/entries/{key}`: one enterprise's place on a list, with the entry's
/// version (the number of its recorded moves on that list), also its `ETag`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchEntryShowDto {
    /// The list's year.
    pub year: i32,
    /// The batch, 1 to 4.
    pub batch: u8,
    /// The batch's name in the request's language.
    pub batch_label: String,
    /// The enterprise.
    pub enterprise: EnterpriseRef,
    /// Since when it is in this batch.
    pub since: NaiveDate,
    /// Why it was put there.
    pub reason: Option<String>,
    /// The entry's version, for `If-Match` on its moves.
    pub version: i64,
}

impl BatchEntryShowDto {
    /// The wire form of one entry of the list of `year`.
    pub fn new(year: i32, v: &peiyu_service::EntryView, lang: Lang) -> Self {
        BatchEntryShowDto {
            year,
            batch: v.entry.batch.number(),
            batch_label: v.entry.batch.default_label(lang).to_owned(),
            enterprise: EnterpriseRef::from(&v.enterprise),
            since: v.entry.since,
            reason: v.entry.reason.clone(),
            version: v.version,
        }
    }
}

/// `GET /batches/{year}` filter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BatchQuery {
    /// Only this batch (1–4).
    pub batch: Option<u8>,
}

/// A batch as a number and a name: `(2, "培育一批")`.
fn batch_key_label(b: Option<Batch>, lang: Lang) -> (Option<u8>, Option<String>) {
    (
        b.map(Batch::number),
        b.map(|b| b.default_label(lang).to_owned()),
    )
}

/// `batch assign`, `batch move`, `batch remove`: what one change to a list did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchMoveDto {
    /// The enterprise as named on the command line (USCC or name).
    pub enterprise: String,
    /// Its batch before, 1 to 4 (none when it entered the list).
    pub from: Option<u8>,
    /// The batch before, in the request's language.
    pub from_label: Option<String>,
    /// Its batch after, 1 to 4 (none when it left the list).
    pub to: Option<u8>,
    /// The batch after, in the request's language.
    pub to_label: Option<String>,
    /// When the change takes effect.
    pub effective_on: NaiveDate,
    /// Why.
    pub reason: String,
}

impl BatchMoveDto {
    /// The wire form of a move of `enterprise` (as the user named it).
    pub fn new(enterprise: &str, m: &BatchMove, lang: Lang) -> Self {
        let (from, from_label) = batch_key_label(m.from, lang);
        let (to, to_label) = batch_key_label(m.to, lang);
        BatchMoveDto {
            enterprise: enterprise.to_owned(),
            from,
            from_label,
            to,
            to_label,
            effective_on: m.effective_on,
            reason: m.reason.clone(),
        }
    }
}

/// An enterprise on one list only (`batch diff`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchPlaceDto {
    /// The enterprise's name.
    pub name: String,
    /// Its unified social credit code.
    pub uscc: String,
    /// Its batch, 1 to 4.
    pub batch: u8,
    /// The batch in the request's language.
    pub batch_label: String,
}

/// An enterprise in different batches on the two lists (`batch diff`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchShiftDto {
    /// The enterprise's name.
    pub name: String,
    /// Its unified social credit code.
    pub uscc: String,
    /// Its batch on the first list.
    pub from: u8,
    /// That batch in the request's language.
    pub from_label: String,
    /// Its batch on the second list.
    pub to: u8,
    /// That batch in the request's language.
    pub to_label: String,
}

/// `batch diff A B`: how two years' lists differ.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchDiffDto {
    /// On the second list only.
    pub entered: Vec<BatchPlaceDto>,
    /// On the first list only.
    pub left: Vec<BatchPlaceDto>,
    /// Moved to a higher-priority batch (a smaller number).
    pub moved_up: Vec<BatchShiftDto>,
    /// Moved to a lower-priority batch (a larger number).
    pub moved_down: Vec<BatchShiftDto>,
    /// How many are in the same batch on both.
    pub unchanged: usize,
}

impl BatchDiffDto {
    /// The wire form of a comparison of two lists.
    pub fn new(d: &BatchDiff, lang: Lang) -> Self {
        let place = |(e, b): &(Enterprise, Batch)| BatchPlaceDto {
            name: e.name.clone(),
            uscc: e.uscc.as_str().to_owned(),
            batch: b.number(),
            batch_label: b.default_label(lang).to_owned(),
        };
        let shift = |(e, x, y): &(Enterprise, Batch, Batch)| BatchShiftDto {
            name: e.name.clone(),
            uscc: e.uscc.as_str().to_owned(),
            from: x.number(),
            from_label: x.default_label(lang).to_owned(),
            to: y.number(),
            to_label: y.default_label(lang).to_owned(),
        };
        BatchDiffDto {
            entered: d.entered.iter().map(place).collect(),
            left: d.left.iter().map(place).collect(),
            moved_up: d.moved_up.iter().map(shift).collect(),
            moved_down: d.moved_down.iter().map(shift).collect(),
            unchanged: d.unchanged,
        }
    }
}

/// `batch publish`: the list as it now stands.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchPublishedDto {
    /// The list's year.
    pub year: i32,
    /// `draft` or `published`.
    pub status: String,
    /// The status in the request's language.
    pub status_label: String,
    /// The list's version.
    pub version: i64,
}

impl BatchPublishedDto {
    /// The wire form of a published list's head.
    pub fn new(l: &Versioned<BatchList>, lang: Lang) -> Self {
        BatchPublishedDto {
            year: l.value.year,
            status: l.value.status.key().to_owned(),
            status_label: l.value.status.label(lang).to_owned(),
            version: l.version,
        }
    }
}

/// `batch accept`: one suggestion taken onto the list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AcceptedMoveDto {
    /// The enterprise's name.
    pub enterprise: String,
    /// Its unified social credit code.
    pub uscc: String,
    /// Its batch before (none when it entered the list).
    pub from: Option<u8>,
    /// The batch before, in the request's language.
    pub from_label: Option<String>,
    /// Its batch after (none when it left the list).
    pub to: Option<u8>,
    /// The batch after, in the request's language.
    pub to_label: Option<String>,
    /// The batch the rules suggested.
    pub suggested: Option<u8>,
    /// The suggested batch in the request's language.
    pub suggested_label: Option<String>,
    /// Why.
    pub reason: String,
}

impl AcceptedMoveDto {
    /// The wire form of an accepted suggestion.
    pub fn new(e: &Enterprise, m: &BatchMove, lang: Lang) -> Self {
        let (from, from_label) = batch_key_label(m.from, lang);
        let (to, to_label) = batch_key_label(m.to, lang);
        let (suggested, suggested_label) = batch_key_label(m.suggested, lang);
        AcceptedMoveDto {
            enterprise: e.name.clone(),
            uscc: e.uscc.as_str().to_owned(),
            from,
            from_label,
            to,
            to_label,
            suggested,
            suggested_label,
            reason: m.reason.clone(),
        }
    }

    /// The wire form of every accepted suggestion.
    pub fn list(moves: &[(Enterprise, BatchMove)], lang: Lang) -> Vec<Self> {
        moves
            .iter()
            .map(|(e, m)| AcceptedMoveDto::new(e, m, lang))
            .collect()
    }
}

/// `batch history`: one move of an enterprise on a year's list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchHistoryEntryDto {
    /// The list's year.
    pub list: i32,
    /// Its batch before.
    pub from: Option<u8>,
    /// The batch before, in the request's language.
    pub from_label: Option<String>,
    /// Its batch after.
    pub to: Option<u8>,
    /// The batch after, in the request's language.
    pub to_label: Option<String>,
    /// When it took effect.
    pub effective_on: NaiveDate,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Why.
    pub reason: String,
}

impl BatchHistoryEntryDto {
    /// The wire form of an enterprise's batch moves, by list.
    pub fn list(moves: &[(i32, BatchMove)], lang: Lang) -> Vec<Self> {
        moves
            .iter()
            .map(|(year, m)| {
                let (from, from_label) = batch_key_label(m.from, lang);
                let (to, to_label) = batch_key_label(m.to, lang);
                BatchHistoryEntryDto {
                    list: *year,
                    from,
                    from_label,
                    to,
                    to_label,
                    effective_on: m.effective_on,
                    recorded_at: m.recorded_at,
                    reason: m.reason.clone(),
                }
            })
            .collect()
    }
}

/// How an enterprise stands in the grading: `{"graded": {"rank": 1, "of": 9}}`,
/// `{"exempt": {"since": "2022-07"}}`, `"no_data"` or `"out_of_scope"`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StandingDto {
    /// Scored and ranked.
    Graded {
        /// 1-based rank (tied enterprises share one).
        rank: usize,
        /// How many enterprises were graded.
        of: usize,
    },
    /// In production too briefly to be graded.
    Exempt {
        /// The month production began, `YYYY-MM`.
        since: String,
    },
    /// No monthly figures in the scored year.
    NoData,
    /// Its sector is not one the rules score.
    OutOfScope,
}

/// One indicator's part of a score.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IndicatorScoreDto {
    /// The indicator's key (`tax_per_mu`, `rnd_ratio`, …).
    pub indicator: String,
    /// The indicator's name in the request's language.
    pub indicator_label: String,
    /// The enterprise's value in the indicator's unit, to three decimals (none when a figure is
    /// missing).
    pub value: Option<String>,
    /// The rules' benchmark.
    pub benchmark: i64,
    /// The rules' weight.
    pub weight: u32,
    /// Points earned.
    pub points: String,
}

/// `batch suggest`: the rules' suggestion for one enterprise, and why.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SuggestionDto {
    /// The enterprise's unified social credit code.
    pub uscc: String,
    /// Its name.
    pub name: String,
    /// The suggested batch, 1 to 4.
    pub batch: Option<u8>,
    /// The suggested batch in the request's language.
    pub batch_label: Option<String>,
    /// The grade, when graded.
    pub grade: Option<String>,
    /// The score, when scored.
    pub score: Option<String>,
    /// How it stands in the grading.
    pub standing: StandingDto,
    /// The suggestion explained, in the request's language.
    pub reason: String,
    /// One line per indicator of the rules.
    pub breakdown: Vec<IndicatorScoreDto>,
    /// How many months of the scored year have figures (complete at 12; 0 when not scored).
    pub months: usize,
    /// The facts the indicators need that are missing, in the request's language.
    pub missing: Vec<String>,
}

impl SuggestionDto {
    /// The wire form of a suggestion.
    pub fn new(s: &Suggestion, lang: Lang) -> Self {
        let (batch, batch_label) = batch_key_label(s.batch, lang);
        SuggestionDto {
            uscc: s.uscc.as_str().to_owned(),
            name: s.name.clone(),
            batch,
            batch_label,
            grade: s.grade.as_ref().map(|g| g.to_string()),
            score: s.score.map(|x| x.to_string()),
            months: s.months,
            missing: s.missing.iter().map(|t| t.get(lang).to_owned()).collect(),
            standing: match &s.standing {
                Standing::Graded { rank, of } => StandingDto::Graded {
                    rank: *rank,
                    of: *of,
                },
                Standing::Exempt { since } => StandingDto::Exempt {
                    since: since.to_string(),
                },
                Standing::NoData => StandingDto::NoData,
                Standing::OutOfScope => StandingDto::OutOfScope,
            },
            reason: s.reason.get(lang).to_owned(),
            breakdown: s
                .breakdown
                .iter()
                .map(|i| IndicatorScoreDto {
                    indicator: i.indicator.key().to_owned(),
                    indicator_label: i.indicator.label(lang).to_owned(),
                    value: i.value.map(|v| v.format(3)),
                    benchmark: i.benchmark,
                    weight: i.weight,
                    points: i.points.to_string(),
                })
                .collect(),
        }
    }

    /// The wire form of every suggestion, in the rules' order.
    pub fn list(suggestions: &[Suggestion], lang: Lang) -> Vec<Self> {
        suggestions
            .iter()
            .map(|s| SuggestionDto::new(s, lang))
            .collect()
    }
}
