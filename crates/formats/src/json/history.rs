//! An enterprise's timeline.

use chrono::{DateTime, NaiveDate, Utc};
use peiyu_domain::Lang;
use peiyu_service::TimelineEntry;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::EnterpriseRef;

/// A guard as recorded in the history.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RecordedGuardDto {
    /// Whether it passed.
    pub passed: bool,
    /// Why, in the request's language.
    pub message: String,
}

/// One entry of an enterprise's timeline.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TimelineEntryDto {
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// When it took effect, if set apart.
    pub effective_on: Option<NaiveDate>,
    /// Who (login).
    pub actor: String,
    /// Who, by name.
    pub actor_name: String,
    /// On whose behalf (login).
    pub on_behalf_of: Option<String>,
    /// On whose behalf, by name.
    pub on_behalf_of_name: Option<String>,
    /// `stage`, `batch`, `task`, `record` or `metrics`.
    pub kind: String,
    /// The kind in the request's language.
    pub kind_label: String,
    /// The recorded action (`case.advance`, `batch.move`, …).
    pub action: String,
    /// The action in the request's language.
    pub action_label: String,
    /// The track's key, for stage moves and tasks.
    pub track: Option<String>,
    /// The track's name in the request's language.
    pub track_label: Option<String>,
    /// From (a stage, a batch, a status), as a key.
    pub from: Option<String>,
    /// To, as a key.
    pub to: Option<String>,
    /// From, in the request's language.
    pub from_label: Option<String>,
    /// To, in the request's language.
    pub to_label: Option<String>,
    /// What it is about.
    pub subject: String,
    /// Why.
    pub reason: Option<String>,
    /// Evidence.
    pub evidence: Vec<String>,
    /// Whether guards were overridden.
    pub overridden: bool,
    /// The guards as judged.
    pub guards: Vec<RecordedGuardDto>,
}

impl TimelineEntryDto {
    /// The wire form of a timeline entry.
    pub fn new(t: &TimelineEntry, lang: Lang) -> Self {
        TimelineEntryDto {
            recorded_at: t.recorded_at,
            effective_on: t.effective_on,
            actor: t.actor.clone(),
            actor_name: t.actor_name.clone(),
            on_behalf_of: t.on_behalf_of.clone(),
            on_behalf_of_name: t.on_behalf_of_name.clone(),
            kind: t.kind.key().to_owned(),
            kind_label: t.kind.label(lang).to_owned(),
            action: t.action.clone(),
            action_label: t.action_label.get(lang).to_owned(),
            track: t.track.clone(),
            track_label: t.track_label.as_ref().map(|l| l.get(lang).to_owned()),
            from: t.from.clone(),
            to: t.to.clone(),
            from_label: t.from_label.as_ref().map(|l| l.get(lang).to_owned()),
            to_label: t.to_label.as_ref().map(|l| l.get(lang).to_owned()),
            subject: t.subject.clone(),
            reason: t.reason.clone(),
            evidence: t.evidence.clone(),
            overridden: t.overridden,
            guards: t
                .guards
                .iter()
                .map(|(passed, message)| RecordedGuardDto {
                    passed: *passed,
                    message: message.get(lang).to_owned(),
                })
                .collect(),
        }
    }
}

/// `GET /enterprises/{key}/history`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HistoryDto {
    /// The enterprise.
    pub enterprise: EnterpriseRef,
    /// Its timeline, oldest first.
    pub entries: Vec<TimelineEntryDto>,
}

/// `GET /enterprises/{key}/history` filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// Only stage moves and tasks of this track.
    pub track: Option<String>,
    /// From this day.
    pub from: Option<NaiveDate>,
    /// To this day.
    pub to: Option<NaiveDate>,
}
