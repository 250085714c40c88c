//! The lists and stages as they stood on a day (`asof`).

use chrono::NaiveDate;
use peiyu_domain::Lang;
use peiyu_service::AsOfView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One enterprise's place on a list on the day.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ListedAsOfDto {
    /// The list's year.
    pub list: i32,
    /// The enterprise's unified social credit code.
    pub uscc: String,
    /// Its name.
    pub name: String,
    /// Its batch, 1 to 4.
    pub batch: u8,
    /// The batch in the request's language.
    pub batch_label: String,
    /// Since when.
    pub since: NaiveDate,
}

/// One cultivation's stage on the day.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StagedAsOfDto {
    /// The track's key.
    pub track: String,
    /// The track's name in the request's language.
    pub track_label: String,
    /// The enterprise's unified social credit code.
    pub uscc: String,
    /// Its name.
    pub name: String,
    /// The stage's key.
    pub stage: String,
    /// The stage's name in the request's language (from the track version it follows).
    pub stage_label: String,
    /// Since when.
    pub since: NaiveDate,
}

/// `asof DATE`: the batch lists and the stages as they stood at the end of the day.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AsOfDto {
    /// The day.
    pub date: NaiveDate,
    /// Batch-list places (empty when only stages were asked for).
    pub listed: Vec<ListedAsOfDto>,
    /// Stages (empty when only lists were asked for).
    pub staged: Vec<StagedAsOfDto>,
}

impl AsOfDto {
    /// The wire form of the view on `date`, with its lists and its stages when asked for.
    pub fn new(
        date: NaiveDate,
        view: &AsOfView,
        show_lists: bool,
        show_stages: bool,
        lang: Lang,
    ) -> Self {
        AsOfDto {
            date,
            listed: if show_lists {
                view.listed
                    .iter()
                    .map(|l| ListedAsOfDto {
                        list: l.year,
                        uscc: l.enterprise.uscc.as_str().to_owned(),
                        name: l.enterprise.name.clone(),
                        batch: l.batch.number(),
                        batch_label: l.batch.default_label(lang).to_owned(),
                        since: l.since,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            staged: if show_stages {
                view.staged
                    .iter()
                    .map(|s| StagedAsOfDto {
                        track: s.track.clone(),
                        track_label: s.track_label.get(lang).to_owned(),
                        uscc: s.enterprise.uscc.as_str().to_owned(),
                        name: s.enterprise.name.clone(),
                        stage: s.stage.clone(),
                        stage_label: s.stage_label.get(lang).to_owned(),
                        since: s.since,
                    })
                    .collect()
            } else {
                Vec::new()
            },
        }
    }
}
