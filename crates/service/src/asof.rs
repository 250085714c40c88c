//! The county's lists as they stood at the end of a day, rebuilt from history alone: batch
//! memberships from the recorded batch moves, stages from the recorded transitions, both by
//! their effective dates.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use peiyu_domain::{
    Batch, CultivationId, Enterprise, EnterpriseId, Officer, StageKey, Text, TrackId,
};
use peiyu_storage::{batches, cultivations, enterprises};

use crate::Service;
use crate::error::{Field, ServiceError, ServiceResult};
use crate::tracks::TrackView;

/// What to rebuild.
#[derive(Clone, Debug, Default)]
pub struct AsOfQuery {
    /// Only this year's batch list (default: every list).
    pub list: Option<i32>,
    /// Only this batch.
    pub batch: Option<Batch>,
    /// Only this track.
    pub track: Option<String>,
    /// Only this stage.
    pub stage: Option<String>,
}

/// One enterprise's place on a list on the day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedAsOf {
    /// The list's year.
    pub year: i32,
    /// The enterprise.
    pub enterprise: Enterprise,
    /// Its batch.
    pub batch: Batch,
    /// Since when (the effective date of the move that put it there).
    pub since: NaiveDate,
}

/// One cultivation's stage on the day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StagedAsOf {
    /// The track's key.
    pub track: String,
    /// The track's name.
    pub track_label: Text,
    /// The enterprise.
    pub enterprise: Enterprise,
    /// The stage's key.
    pub stage: String,
    /// The stage's name (from the track version the cultivation follows).
    pub stage_label: Text,
    /// Since when.
    pub since: NaiveDate,
}

/// The lists as they stood.
#[derive(Clone, Debug, Default)]
pub struct AsOfView {
    /// The day.
    pub date: Option<NaiveDate>,
    /// Batch-list places, by year, batch and enterprise name.
    pub listed: Vec<ListedAsOf>,
    /// Stages, by track, stage and enterprise name.
    pub staged: Vec<StagedAsOf>,
}

/// What the lists are rebuilt from: the enterprises, the batch moves (year, enterprise, batch
/// moved to, effective date; in recording order within an enterprise), the cultivations (id,
/// enterprise, track version) and the stage moves up to the day (in sequence order within a
/// cultivation).
struct Recorded {
    enterprises: Vec<Enterprise>,
    moves: Vec<(i32, EnterpriseId, Option<Batch>, NaiveDate)>,
    cultivations: Vec<(CultivationId, EnterpriseId, TrackId)>,
    transitions: Vec<(CultivationId, String, NaiveDate)>,
}

fn check_not_future(date: NaiveDate, today: NaiveDate) -> ServiceResult<()> {
    if date > today {
        return Err(ServiceError::invalid(
            Field::Date,
            Text::new(
                format!("{date} 还没到，不能回看"),
                format!("{date} is in the future: nothing to rebuild yet"),
            ),
        ));
    }
    Ok(())
}

impl Service {
    /// Rebuilds the batch lists and the cultivations' stages as they stood at the end of `date`
    /// from the recorded moves alone (effective dates; a move recorded later but effective
    /// earlier counts).
    #[tracing::instrument(skip(self, _actor, query))]
    pub async fn as_of(
        &self,
        _actor: &Officer,
        date: NaiveDate,
        query: &AsOfQuery,
    ) -> ServiceResult<AsOfView> {
        check_not_future(date, self.today())?;
        let conn = self.store().conn();
        let enterprises = enterprises::list_enterprises(
            conn,
            &peiyu_storage::EnterpriseFilter {
                include_archived: true,
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .map(|v| v.value)
        .collect();
        let mut moves = Vec::new();
        for list in batches::list_lists(conn).await? {
            let year = list.value.year;
            if query.list.is_some_and(|y| y != year) {
                continue;
            }
            for mv in batches::moves(conn, Some(list.value.id), None).await? {
                moves.push((year, mv.enterprise, mv.to, mv.effective_on));
            }
        }
        let cultivations = cultivations::list_cultivations(conn, None, None)
            .await?
            .into_iter()
            .map(|c| (c.value.id, c.value.enterprise, c.value.track))
            .collect();
        let transitions = cultivations::all_transitions(conn, Some(date))
            .await?
            .into_iter()
            .map(|t| (t.cultivation, t.to.to_string(), t.effective_on))
            .collect();
        self.assemble_as_of(
            date,
            query,
            Recorded {
                enterprises,
                moves,
                cultivations,
                transitions,
            },
        )
        .await
    }

    /// [`Service::as_of`] rebuilt from the audit log alone (`--from-log`): the enterprises, batch
    /// moves, cultivations and stage moves as the log's entries record them, never the tables.
    /// The same answer as [`Service::as_of`] when the tables agree with the log (`audit verify`).
    #[tracing::instrument(skip(self, _actor, query))]
    pub async fn as_of_from_log(
        &self,
        _actor: &Officer,
        date: NaiveDate,
        query: &AsOfQuery,
    ) -> ServiceResult<AsOfView> {
        check_not_future(date, self.today())?;
        let state = peiyu_storage::audit_replay::state_from_log(self.store().conn()).await?;
        let recorded = Recorded {
            enterprises: state.enterprises,
            moves: state
                .moves
                .into_iter()
                .filter(|m| query.list.is_none_or(|y| y == m.year))
                .map(|m| (m.year, m.enterprise, m.to, m.effective_on))
                .collect(),
            cultivations: state.cultivations,
            transitions: state
                .transitions
                .into_iter()
                .filter(|t| t.effective_on <= date)
                .map(|t| (t.cultivation, t.to, t.effective_on))
                .collect(),
        };
        self.assemble_as_of(date, query, recorded).await
    }

    /// The lists of `date` from what was recorded, wherever it was read from.
    async fn assemble_as_of(
        &self,
        date: NaiveDate,
        query: &AsOfQuery,
        recorded: Recorded,
    ) -> ServiceResult<AsOfView> {
        let all: BTreeMap<EnterpriseId, Enterprise> = recorded
            .enterprises
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let mut by_year: BTreeMap<i32, Vec<(EnterpriseId, Option<Batch>, NaiveDate)>> =
            BTreeMap::new();
        for (year, enterprise, to, effective_on) in recorded.moves {
            by_year
                .entry(year)
                .or_default()
                .push((enterprise, to, effective_on));
        }
        let mut listed = Vec::new();
        for (year, mut moves) in by_year {
            let mut state: BTreeMap<EnterpriseId, (Batch, NaiveDate)> = BTreeMap::new();
            // Apply in effective order; moves recorded on the same effective day keep their
            // recording order.
            moves.sort_by_key(|m| m.2);
            for (enterprise, to, effective_on) in moves.into_iter().filter(|m| m.2 <= date) {
                match to {
                    Some(b) => {
                        state.insert(enterprise, (b, effective_on));
                    }
                    None => {
                        state.remove(&enterprise);
                    }
                }
            }
            for (id, (batch, since)) in state {
                if query.batch.is_some_and(|b| b != batch) {
                    continue;
                }
                if let Some(e) = all.get(&id) {
                    listed.push(ListedAsOf {
                        year,
                        enterprise: e.clone(),
                        batch,
                        since,
                    });
                }
            }
        }
        listed.sort_by(|a, b| {
            (
                a.year,
                a.batch,
                &a.enterprise.name,
                a.enterprise.uscc.as_str(),
            )
                .cmp(&(
                    b.year,
                    b.batch,
                    &b.enterprise.name,
                    b.enterprise.uscc.as_str(),
                ))
        });

        let mut versions: BTreeMap<TrackId, TrackView> = BTreeMap::new();
        for (_, _, track) in &recorded.cultivations {
            if let std::collections::btree_map::Entry::Vacant(slot) = versions.entry(*track) {
                slot.insert(self.track_version(*track).await?);
            }
        }
        let tracks: BTreeMap<CultivationId, (String, EnterpriseId, TrackId)> = recorded
            .cultivations
            .into_iter()
            .map(|(id, enterprise, track)| {
                let key = versions
                    .get(&track)
                    .map(|v| v.record.key.to_string())
                    .unwrap_or_default();
                (id, (key, enterprise, track))
            })
            .collect();
        let mut stage_of: BTreeMap<CultivationId, (String, NaiveDate)> = BTreeMap::new();
        for (cultivation, to, effective_on) in recorded.transitions {
            // Transitions of a cultivation arrive in sequence order, which is effective order.
            stage_of.insert(cultivation, (to, effective_on));
        }
        let mut staged = Vec::new();
        for (id, (stage, since)) in stage_of {
            let Some((track, enterprise, version)) = tracks.get(&id) else {
                continue;
            };
            if query.track.as_ref().is_some_and(|t| t != track)
                || query.stage.as_ref().is_some_and(|s| *s != stage)
            {
                continue;
            }
            if let Some(e) = all.get(enterprise) {
                let definition = versions.get(version).map(|v| &v.track);
                let track_label = definition
                    .map(|t| t.label().clone())
                    .unwrap_or_else(|| Text::new(track.clone(), track.clone()));
                let stage_label = definition
                    .and_then(|t| {
                        StageKey::new(&stage)
                            .ok()
                            .and_then(|k| t.stage(&k).cloned())
                    })
                    .map(|s| s.label)
                    .unwrap_or_else(|| Text::new(stage.clone(), stage.clone()));
                staged.push(StagedAsOf {
                    track: track.clone(),
                    track_label,
                    enterprise: e.clone(),
                    stage,
                    stage_label,
                    since,
                });
            }
        }
        staged.sort_by(|a, b| {
            (
                &a.track,
                &a.stage,
                &a.enterprise.name,
                a.enterprise.uscc.as_str(),
            )
                .cmp(&(
                    &b.track,
                    &b.stage,
                    &b.enterprise.name,
                    b.enterprise.uscc.as_str(),
                ))
        });
        Ok(AsOfView {
            date: Some(date),
            listed,
            staged,
        })
    }
}
