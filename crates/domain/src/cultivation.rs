//! Cultivations (one enterprise on one track) and the transitions that move them.

use chrono::{DateTime, NaiveDate, Utc};

use crate::officer::{CultivationId, EnterpriseId, OfficerId, TrackId, TransitionId};
use crate::stage::{StageKey, TrackKey};

/// One enterprise on one track: where it stands and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cultivation {
    /// Its id.
    pub id: CultivationId,
    /// The enterprise being cultivated.
    pub enterprise: EnterpriseId,
    /// The stored track version it follows (kept until an admin migrates it).
    pub track: TrackId,
    /// The track's key.
    pub track_key: TrackKey,
    /// The current stage.
    pub stage: StageKey,
    /// The effective date it entered the current stage.
    pub stage_since: NaiveDate,
    /// The effective date it was opened.
    pub opened_on: NaiveDate,
    /// The stage it should reach by `target_date` ("registered by 2023-10-31").
    pub target_stage: Option<StageKey>,
    /// The date the target stage should be reached by.
    pub target_date: Option<NaiveDate>,
    /// When the current stage's certification lapses, for stages that expire.
    pub expires_on: Option<NaiveDate>,
}

/// One guard's verdict, as recorded with a transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardOutcome {
    /// The guard's key (`revenue_at_least_threshold`, `evidence_required`, …).
    pub guard: String,
    /// Whether it passed.
    pub passed: bool,
    /// What it found, zh.
    pub message_zh: String,
    /// What it found, en.
    pub message_en: String,
}

/// A recorded stage move: from, to, who, when (effective and recorded), why, on what evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// Its id.
    pub id: TransitionId,
    /// The cultivation moved.
    pub cultivation: CultivationId,
    /// The enterprise.
    pub enterprise: EnterpriseId,
    /// The track version the move followed.
    pub track: TrackId,
    /// Its position in the cultivation's history, from 1 (the opening).
    pub seq: i32,
    /// The stage before (none for the opening).
    pub from: Option<StageKey>,
    /// The stage after.
    pub to: StageKey,
    /// When the move took effect (never in the future, never before the previous move).
    pub effective_on: NaiveDate,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it.
    pub actor: OfficerId,
    /// On whose behalf, when delegated.
    pub on_behalf_of: Option<OfficerId>,
    /// Why.
    pub reason: Option<String>,
    /// Evidence: document numbers, file names, letters.
    pub evidence: Vec<String>,
    /// True when failing guards were overridden by a lead or admin.
    pub overridden: bool,
    /// Every guard's verdict at the time.
    pub guard_results: Vec<GuardOutcome>,
}
