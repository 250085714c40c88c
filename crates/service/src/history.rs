//! An enterprise's history: one timeline across its tracks, its places on batch lists, its
//! tasks and its record, read from the audit log — who did what, when (recorded and
//! effective), on whose behalf, from what to what, why, on what evidence, with which guards.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use peiyu_domain::{Enterprise, Officer, Text};
use peiyu_storage::audit::{self, AuditEntry, AuditFilter, enterprise_chain};
use peiyu_storage::{cultivations, tracks};
use serde_json::Value;

use crate::Service;
use crate::error::ServiceResult;

/// What part of the enterprise's life an entry is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelineKind {
    /// A stage move on a track.
    Stage,
    /// A batch-list change.
    Batch,
    /// A task.
    Task,
    /// The enterprise's record itself.
    Record,
    /// Its monthly figures.
    Metrics,
}

impl TimelineKind {
    /// `stage`, `batch`, `task`, `record`, `metrics`.
    pub fn key(self) -> &'static str {
        match self {
            TimelineKind::Stage => "stage",
            TimelineKind::Batch => "batch",
            TimelineKind::Task => "task",
            TimelineKind::Record => "record",
            TimelineKind::Metrics => "metrics",
        }
    }

    /// 阶段 / stage, …
    pub fn label(self, lang: peiyu_domain::Lang) -> &'static str {
        use peiyu_domain::Lang::*;
        match (self, lang) {
            (TimelineKind::Stage, Zh) => "阶段",
            (TimelineKind::Stage, En) => "stage",
            (TimelineKind::Batch, Zh) => "批次",
            (TimelineKind::Batch, En) => "batch",
            (TimelineKind::Task, Zh) => "任务",
            (TimelineKind::Task, En) => "task",
            (TimelineKind::Record, Zh) => "档案",
            (TimelineKind::Record, En) => "record",
            (TimelineKind::Metrics, Zh) => "指标",
            (TimelineKind::Metrics, En) => "metrics",
        }
    }
}

/// One line of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineEntry {
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// When it took effect, if set.
    pub effective_on: Option<NaiveDate>,
    /// Who recorded it.
    pub actor: String,
    /// On whose behalf.
    pub on_behalf_of: Option<String>,
    /// What part of the enterprise's life.
    pub kind: TimelineKind,
    /// The action (`case.advance`, `batch.move`, `task.done`, …).
    pub action: String,
    /// The track, for stage moves and their tasks.
    pub track: Option<String>,
    /// What it was before (a stage, a batch, a status).
    pub from: Option<String>,
    /// What it became.
    pub to: Option<String>,
    /// What it is about, in words (a task's title, a month).
    pub subject: String,
    /// Why.
    pub reason: Option<String>,
    /// Evidence given.
    pub evidence: Vec<String>,
    /// Whether failing guards were overridden.
    pub overridden: bool,
    /// The guards as they stood: passed, message.
    pub guards: Vec<(bool, Text)>,
}

/// Which entries to keep.
#[derive(Clone, Debug, Default)]
pub struct HistoryQuery {
    /// Only stage moves and tasks of this track.
    pub track: Option<String>,
    /// Only entries effective (or, without an effective date, recorded) on or after this day.
    pub from: Option<NaiveDate>,
    /// Only entries effective (or recorded) on or before this day.
    pub to: Option<NaiveDate>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    match &v[key] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn parse(s: &Option<String>) -> Value {
    s.as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null)
}

impl Service {
    /// The enterprise's timeline, oldest first.
    #[tracing::instrument(skip(self, _actor, query))]
    pub async fn enterprise_history(
        &self,
        _actor: &Officer,
        enterprise: &str,
        query: &HistoryQuery,
    ) -> ServiceResult<(Enterprise, Vec<TimelineEntry>)> {
        let e = self.resolve_enterprise(enterprise).await?.value;
        let conn = self.store().conn();
        let entries = audit::list_entries(
            conn,
            &AuditFilter {
                chain_key: Some(enterprise_chain(e.id)),
                ..AuditFilter::default()
            },
        )
        .await?;
        // Track keys by cultivation and by track version.
        let track_keys: BTreeMap<String, String> = tracks::list_tracks(conn)
            .await?
            .into_iter()
            .map(|t| (t.id.to_string(), t.key.to_string()))
            .collect();
        let cultivation_track: BTreeMap<String, String> = cultivations::cultivations_of(conn, e.id)
            .await?
            .into_iter()
            .map(|c| (c.value.id.to_string(), c.value.track_key.to_string()))
            .collect();
        let zone = self.zone();
        let mut out = Vec::new();
        for entry in entries {
            let Some(line) = timeline_line(&entry, &track_keys, &cultivation_track) else {
                continue;
            };
            let day = line
                .effective_on
                .unwrap_or_else(|| zone.date_of(line.recorded_at));
            if query.from.is_some_and(|f| day < f) || query.to.is_some_and(|t| day > t) {
                continue;
            }
            if let Some(track) = &query.track
                && line.track.as_deref() != Some(track.as_str())
            {
                continue;
            }
            out.push(line);
        }
        Ok((e, out))
    }
}

fn timeline_line(
    entry: &AuditEntry,
    track_keys: &BTreeMap<String, String>,
    cultivation_track: &BTreeMap<String, String>,
) -> Option<TimelineEntry> {
    let before = parse(&entry.before);
    let after = parse(&entry.after);
    let mut line = TimelineEntry {
        recorded_at: entry.recorded_at,
        effective_on: entry.effective_on,
        actor: entry.actor_login.clone(),
        on_behalf_of: entry.on_behalf_of.clone(),
        kind: TimelineKind::Record,
        action: entry.action.clone(),
        track: None,
        from: None,
        to: None,
        subject: entry.subject_id.clone(),
        reason: entry.reason.clone(),
        evidence: Vec::new(),
        overridden: false,
        guards: Vec::new(),
    };
    match entry.subject_type.as_str() {
        "cultivation" => {
            line.kind = TimelineKind::Stage;
            line.track = text(&after, "track").and_then(|id| track_keys.get(&id).cloned());
            line.from = text(&after, "from");
            line.to = text(&after, "to");
            line.subject = line.track.clone().unwrap_or_default();
            line.evidence = after["evidence"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            line.overridden = after["overridden"].as_bool().unwrap_or(false);
            line.guards = after["guards"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|g| {
                            (
                                g["passed"].as_bool().unwrap_or(false),
                                Text::new(
                                    g["zh"].as_str().unwrap_or_default(),
                                    g["en"].as_str().unwrap_or_default(),
                                ),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
        }
        "batch_entry" => {
            line.kind = TimelineKind::Batch;
            line.from = text(&before, "batch");
            line.to = text(&after, "batch");
            line.subject = text(&after, "year")
                .or_else(|| text(&before, "year"))
                .unwrap_or_default();
        }
        "task" => {
            line.kind = TimelineKind::Task;
            let state = if after.is_null() { &before } else { &after };
            line.track = text(state, "cultivation")
                .or_else(|| text(&before, "cultivation"))
                .and_then(|c| cultivation_track.get(&c).cloned());
            line.subject = text(state, "title")
                .or_else(|| text(&before, "title"))
                .unwrap_or_else(|| entry.subject_id.clone());
            line.from = text(&before, "status");
            line.to = text(&after, "status");
            if entry.action == "task.escalate" {
                line.to = Some("escalated".into());
            }
            if let Some(evidence) = text(&after, "evidence") {
                line.evidence = vec![evidence];
            }
        }
        "metrics" => {
            line.kind = TimelineKind::Metrics;
        }
        "enterprise" => {
            line.kind = TimelineKind::Record;
            let changed: Vec<String> = after
                .as_object()
                .map(|a| {
                    a.iter()
                        .filter(|(k, v)| before.get(k.as_str()) != Some(*v))
                        .map(|(k, _)| k.clone())
                        .collect()
                })
                .unwrap_or_default();
            if !before.is_null() {
                line.subject = changed.join(", ");
                line.from = Some(
                    changed
                        .iter()
                        .map(|k| format!("{k}={}", before[k.as_str()]))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
                line.to = Some(
                    changed
                        .iter()
                        .map(|k| format!("{k}={}", after[k.as_str()]))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
            }
        }
        _ => {}
    }
    Some(line)
}
