//! The four-batches lists.

use chrono::{DateTime, NaiveDate, Utc};
use peiyu_domain::Lang;
use peiyu_service::BatchListView;
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

/// `GET /batches/{year}` filter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BatchQuery {
    /// Only this batch (1–4).
    pub batch: Option<u8>,
}
