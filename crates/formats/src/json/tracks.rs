//! Tracks (流程): the stages, tasks and moves a cultivation follows.

use chrono::{DateTime, Utc};
use peiyu_domain::Lang;
use peiyu_service::TrackView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A task a stage creates on entering it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrackTaskDto {
    /// The kind's key.
    pub kind: String,
    /// The title in the request's language.
    pub title: String,
    /// Who gets it (`responsible`, `lead`, …).
    pub assignee: String,
    /// How its deadline is counted, in the request's language.
    pub due: String,
}

/// A stage of a track.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrackStageDto {
    /// The stage's key.
    pub key: String,
    /// Its name in the request's language.
    pub label: String,
    /// Whether it ends the cultivation.
    pub terminal: bool,
    /// How long its certification is valid, as a key, when it expires.
    pub valid_for: Option<String>,
    /// The tasks created on entering it.
    pub tasks: Vec<TrackTaskDto>,
}

/// A move of a track.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrackTransitionDto {
    /// The stages it leaves from.
    pub from: Vec<String>,
    /// The stage it leads to.
    pub to: String,
    /// The move's name in the request's language.
    pub label: String,
    /// Its guards, described in the request's language.
    pub guards: Vec<String>,
}

/// `track show`: a stored track version with its definition.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrackDto {
    /// The track's key.
    pub key: String,
    /// The stored version.
    pub version: i32,
    /// SHA-256 of the definition text.
    pub content_hash: String,
    /// The track's name in the request's language.
    pub label: String,
    /// The stage a cultivation opens in.
    pub start: String,
    /// The stages in order.
    pub stages: Vec<TrackStageDto>,
    /// The moves.
    pub transitions: Vec<TrackTransitionDto>,
}

impl TrackDto {
    /// The wire form of a track version.
    pub fn new(view: &TrackView, lang: Lang) -> Self {
        let t = &view.track;
        TrackDto {
            key: t.key().as_str().to_owned(),
            version: view.record.version,
            content_hash: view.record.content_hash.clone(),
            label: t.label().get(lang).to_owned(),
            start: t.start().key.as_str().to_owned(),
            stages: t
                .stages()
                .iter()
                .map(|s| TrackStageDto {
                    key: s.key.as_str().to_owned(),
                    label: s.label.get(lang).to_owned(),
                    terminal: s.terminal,
                    valid_for: s.valid_for.map(|p| p.key().to_owned()),
                    tasks: s
                        .tasks
                        .iter()
                        .map(|x| TrackTaskDto {
                            kind: x.kind.key(),
                            title: x.title.get(lang).to_owned(),
                            assignee: x.assignee.key().to_owned(),
                            due: x.due.label().get(lang).to_owned(),
                        })
                        .collect(),
                })
                .collect(),
            transitions: t
                .transitions()
                .iter()
                .map(|x| TrackTransitionDto {
                    from: x.from.iter().map(|s| s.as_str().to_owned()).collect(),
                    to: x.to.as_str().to_owned(),
                    label: t.move_label(x).get(lang).to_owned(),
                    guards: x
                        .guards
                        .iter()
                        .map(|g| g.describe().get(lang).to_owned())
                        .collect(),
                })
                .collect(),
        }
    }
}

/// `track list`: one stored track version, briefly.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrackSummaryDto {
    /// The track's key.
    pub key: String,
    /// The stored version.
    pub version: i32,
    /// SHA-256 of the definition text.
    pub content_hash: String,
    /// The track's name in the request's language.
    pub label: String,
    /// How many stages it has.
    pub stages: usize,
    /// When it was loaded.
    pub loaded_at: DateTime<Utc>,
}

impl TrackSummaryDto {
    /// The wire form of the stored track versions.
    pub fn list(tracks: &[TrackView], lang: Lang) -> Vec<Self> {
        tracks
            .iter()
            .map(|v| TrackSummaryDto {
                key: v.record.key.as_str().to_owned(),
                version: v.record.version,
                content_hash: v.record.content_hash.clone(),
                label: v.track.label().get(lang).to_owned(),
                stages: v.track.stages().len(),
                loaded_at: v.record.loaded_at,
            })
            .collect()
    }
}

/// `case migrate`: a cultivation moved to another version of its track.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseMigratedDto {
    /// The track's key.
    pub track: String,
    /// The version it followed.
    pub from_version: i32,
    /// The version it follows now.
    pub to_version: i32,
}

impl CaseMigratedDto {
    /// The wire form of a migration from one track version to another.
    pub fn new(from: &TrackView, to: &TrackView) -> Self {
        CaseMigratedDto {
            track: to.record.key.as_str().to_owned(),
            from_version: from.record.version,
            to_version: to.record.version,
        }
    }
}

/// `POST /tracks`: a track definition loaded.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrackLoadedDto {
    /// The track's key.
    pub track: String,
    /// The version it is stored as.
    pub version: i32,
    /// False when the exact same text was stored already (nothing was written).
    pub new: bool,
}

impl TrackLoadedDto {
    /// The wire form of a track stored (or found stored already).
    pub fn new(stored: &peiyu_service::TrackStored) -> Self {
        let (record, new) = match stored {
            peiyu_service::TrackStored::New(r) => (r, true),
            peiyu_service::TrackStored::Existing(r) => (r, false),
        };
        TrackLoadedDto {
            track: record.key.as_str().to_owned(),
            version: record.version,
            new,
        }
    }
}

/// One problem of a track definition, on its line.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrackProblemDto {
    /// The 1-based line.
    pub line: usize,
    /// What is wrong, in the request's language.
    pub message: String,
}

/// `POST /tracks/validate`: whether a track definition is valid, and if not every problem.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrackValidationDto {
    /// Whether it would load.
    pub valid: bool,
    /// The track's key (when valid).
    pub track: Option<String>,
    /// Its name in the request's language (when valid).
    pub label: Option<String>,
    /// How many stages it has (when valid).
    pub stages: Option<usize>,
    /// How many moves it has (when valid).
    pub moves: Option<usize>,
    /// Every problem, by line (empty when valid).
    pub problems: Vec<TrackProblemDto>,
}

impl TrackValidationDto {
    /// The wire form of a validation's outcome.
    pub fn new(
        outcome: &Result<peiyu_service::Track, peiyu_service::TrackErrors>,
        lang: Lang,
    ) -> Self {
        match outcome {
            Ok(track) => TrackValidationDto {
                valid: true,
                track: Some(track.key().as_str().to_owned()),
                label: Some(track.label().get(lang).to_owned()),
                stages: Some(track.stages().len()),
                moves: Some(track.transitions().len()),
                problems: Vec::new(),
            },
            Err(errors) => TrackValidationDto {
                valid: false,
                track: None,
                label: None,
                stages: None,
                moves: None,
                problems: errors
                    .problems
                    .iter()
                    .map(|p| TrackProblemDto {
                        line: p.line,
                        message: p.message.get(lang).to_owned(),
                    })
                    .collect(),
            },
        }
    }
}
