//! An enterprise's history: one timeline across its tracks, its places on batch lists, its
//! tasks and its record, read from the audit log — who did what, when (recorded and
//! effective), on whose behalf, from what to what, why, on what evidence, with which guards.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use peiyu_domain::{AuditAction, Batch, Enterprise, Lang, Officer, StageKey, TaskStatus, Text};
use peiyu_storage::audit::{self, AuditEntry, AuditFilter, enterprise_chain};
use peiyu_storage::{cultivations, officers, tracks};
use peiyu_workflow::Track;
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
    /// Who recorded it (login).
    pub actor: String,
    /// Who recorded it, by name (the login when the officer is unknown).
    pub actor_name: String,
    /// On whose behalf (login).
    pub on_behalf_of: Option<String>,
    /// On whose behalf, by name.
    pub on_behalf_of_name: Option<String>,
    /// What part of the enterprise's life.
    pub kind: TimelineKind,
    /// The action (`case.advance`, `batch.move`, `task.done`, …).
    pub action: String,
    /// The action in words (推进阶段, moved a stage).
    pub action_label: Text,
    /// The track's key, for stage moves and their tasks.
    pub track: Option<String>,
    /// The track's name (工业企业上规入统培育).
    pub track_label: Option<Text>,
    /// What it was before (a stage, a batch, a status), as a key.
    pub from: Option<String>,
    /// What it became, as a key.
    pub to: Option<String>,
    /// `from` in words (the stage's label, 第3批, 未完成).
    pub from_label: Option<Text>,
    /// `to` in words.
    pub to_label: Option<Text>,
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
    /// The enterprise's timeline, by the day each change took effect (its effective date, else
    /// the county day it was recorded), then by when it was recorded: a change entered late
    /// stands where it happened.
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
        // Tracks by version id, to name tracks and stages; officers by login.
        let mut track_versions: BTreeMap<String, Arc<Track>> = BTreeMap::new();
        for record in tracks::list_tracks(conn).await? {
            if let Ok(view) = self.track_version(record.id).await {
                track_versions.insert(record.id.to_string(), view.track);
            }
        }
        let track_keys: BTreeMap<String, String> = track_versions
            .iter()
            .map(|(id, t)| (id.clone(), t.key().to_string()))
            .collect();
        // Only the officers the entries name (actors and those they acted for).
        let logins: Vec<String> = entries
            .iter()
            .flat_map(|e| std::iter::once(&e.actor_login).chain(e.on_behalf_of.as_ref()))
            .cloned()
            .collect::<std::collections::BTreeSet<String>>()
            .into_iter()
            .collect();
        let names: BTreeMap<String, String> = officers::officers_by_logins(conn, &logins)
            .await?
            .into_iter()
            .map(|o| (o.login.as_str().to_owned(), o.name.to_string()))
            .collect();
        let cultivation_track: BTreeMap<String, String> = cultivations::cultivations_of(conn, e.id)
            .await?
            .into_iter()
            .map(|c| (c.value.id.to_string(), c.value.track_key.to_string()))
            .collect();
        let zone = self.zone();
        let mut out = Vec::new();
        for entry in entries {
            let Some(mut line) = timeline_line(&entry, &track_keys, &cultivation_track) else {
                continue;
            };
            name_line(&mut line, &entry, &track_versions, &names);
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
            out.push((day, line));
        }
        out.sort_by_key(|(day, line)| (*day, line.recorded_at));
        Ok((e, out.into_iter().map(|(_, line)| line).collect()))
    }
}

/// The track of a stage line: by the entry's track version, else the latest of that key.
fn track_of<'a>(
    entry: &AuditEntry,
    key: Option<&str>,
    versions: &'a BTreeMap<String, Arc<Track>>,
) -> Option<&'a Arc<Track>> {
    let after = parse(&entry.after);
    text(&after, "track")
        .and_then(|id| versions.get(&id))
        .or_else(|| {
            let key = key?;
            versions.values().rev().find(|t| t.key().as_str() == key)
        })
}

/// Adds the names and labels people read to a line built from keys.
fn name_line(
    line: &mut TimelineEntry,
    entry: &AuditEntry,
    versions: &BTreeMap<String, Arc<Track>>,
    names: &BTreeMap<String, String>,
) {
    line.actor_name = names
        .get(&line.actor)
        .cloned()
        .unwrap_or_else(|| line.actor.clone());
    line.on_behalf_of_name = line
        .on_behalf_of
        .as_ref()
        .map(|l| names.get(l).cloned().unwrap_or_else(|| l.clone()));
    line.action_label = action_label(&line.action);
    let track = track_of(entry, line.track.as_deref(), versions);
    line.track_label = track.map(|t| t.label().clone());
    let label = |key: &Option<String>| -> Option<Text> {
        let key = key.as_deref()?;
        Some(match line.kind {
            TimelineKind::Stage => StageKey::new(key)
                .ok()
                .and_then(|k| track.and_then(|t| t.stage(&k)).map(|s| s.label.clone()))
                .unwrap_or_else(|| Text::new(key, key)),
            TimelineKind::Batch => match key.parse::<u8>().ok().and_then(|n| Batch::new(n).ok()) {
                Some(b) => Text::new(
                    format!("第{}批（{}）", b.number(), b.default_label(Lang::Zh)),
                    format!("batch {} ({})", b.number(), b.default_label(Lang::En)),
                ),
                None => Text::new(key, key),
            },
            TimelineKind::Task if key == "escalated" => Text::new("已升级督办", "escalated"),
            TimelineKind::Task => match TaskStatus::parse(key) {
                Ok(status) => Text::new(status.label(Lang::Zh), status.label(Lang::En)),
                Err(_) => Text::new(key, key),
            },
            TimelineKind::Record if line.action.starts_with("register.") => {
                match peiyu_domain::RegisterKind::parse(key) {
                    Ok(k) => Text::new(k.label(Lang::Zh), k.label(Lang::En)),
                    Err(_) => Text::new(key, key),
                }
            }
            _ => Text::new(key, key),
        })
    };
    line.from_label = label(&line.from);
    line.to_label = label(&line.to);
    if line.kind == TimelineKind::Stage
        && let Some(t) = &line.track_label
    {
        line.subject = t.zh().to_owned();
    }
}

/// An audit action in words, zh and en, from [`AuditAction::label_of`]: an action peiyu does
/// not know shows as its key.
pub fn action_label(action: &str) -> Text {
    Text::new(
        AuditAction::label_of(action, Lang::Zh),
        AuditAction::label_of(action, Lang::En),
    )
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
        actor_name: entry.actor_login.clone(),
        on_behalf_of: entry.on_behalf_of.clone(),
        on_behalf_of_name: None,
        kind: TimelineKind::Record,
        action: entry.action.clone(),
        action_label: Text::new(entry.action.clone(), entry.action.clone()),
        track: None,
        track_label: None,
        from: None,
        to: None,
        from_label: None,
        to_label: None,
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
            if entry.action() == Some(AuditAction::TaskEscalate) {
                line.to = Some("escalated".into());
            }
            if let Some(evidence) = text(&after, "evidence") {
                line.evidence = vec![evidence];
            }
        }
        "metrics" => {
            line.kind = TimelineKind::Metrics;
        }
        "register_period" => {
            // An entry: the month entered, into a register; an exit: the month left, out of it.
            line.kind = TimelineKind::Record;
            if entry.action() == Some(AuditAction::RegisterExit) {
                line.subject = text(&after, "exited").unwrap_or_default();
                line.from = text(&after, "kind");
            } else {
                line.subject = text(&after, "entered").unwrap_or_default();
                line.to = text(&after, "kind");
            }
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
