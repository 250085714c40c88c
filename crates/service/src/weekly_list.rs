//! The weekly list (周例会任务清单) of an officer, a team or the whole bureau for an ISO week:
//! loading tasks, batches and cultivations as they stood on the list's day, and handing them to
//! [`peiyu_workflow::weekly::assemble`].
//!
//! The list's day (`as_of`) is today for this week or a week ahead; a past week (one whose Sunday
//! is before today) is shown as it stood on its Monday, rebuilt from history, so it is what that
//! week's meeting saw; an explicit `today` names the day instead. On today (or later) the current
//! tables are read; on a past day, tasks come from the audit log's after-states recorded by the
//! end of that day (county time), batches from the moves and stages from the transitions that
//! had taken effect and been recorded by then: what that day's meeting saw. Asked `in_effect`,
//! a past day is rebuilt as it really was instead: by effective dates alone, so entries recorded
//! later (a catch-up, a back-dated move) count on the days they name. The list says which
//! ([`ListBasis`]).
//!
//! A list reads what it shows, not the bureau (docs/PERFORMANCE.md, "Reads that cost what they
//! show"): the scope's tasks the week can show by index ranges, the enterprises, batches,
//! cultivations and officers those tasks and the watch list name (batched `IN` reads), each
//! watched enterprise's figures and cultivations in one query per chunk. A past officer's or
//! team's list rebuilds only the tasks with its officers now, those reassigned since its day
//! (any [`history::REASSIGNING`] entry recorded later) and the targeted cultivations', each by
//! its own audit entries; the bureau's past list rebuilds every task.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use peiyu_domain::{
    Batch, Cultivation, CultivationId, Enterprise, EnterpriseId, Officer, OfficerId, Role,
    StageKey, Task, TaskId, TeamId, Text, Thresholds, TrackId, Week, YearMonth,
};
use peiyu_storage::tasks::ListWindow;
use peiyu_storage::{EnterpriseFilter, batches, cultivations, enterprises, history};
use peiyu_storage::{metrics, officers, seal, tasks};
use peiyu_workflow::weekly::{
    CultivationFacts, EnterpriseFacts, ListBasis, TaskEntry, WeeklyInput, WeeklyList, WeeklyScope,
    assemble, next_move_toward,
};
use peiyu_workflow::{Snapshot, TaskFact, Track};

use crate::error::{Field, ServiceError, ServiceResult};
use crate::{Service, short_id};

/// Whose list, for which week, as of which day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WeeklyQuery {
    /// One officer's list (login). At most one of `officer`, `team` and `all`; none means the
    /// acting officer's own list.
    pub officer: Option<String>,
    /// One team's list (its name).
    pub team: Option<String>,
    /// The whole bureau's list.
    pub all: bool,
    /// The ISO week; default the week containing `today`.
    pub week: Option<Week>,
    /// The day to show the list as of; default the county's today, or the week's Monday for a
    /// past week.
    pub today: Option<NaiveDate>,
    /// A past day's list as it really was, by effective dates (entries recorded later included
    /// on the days they name), instead of as that day's meeting saw it (what had been recorded
    /// by its end). No difference for today's list.
    pub in_effect: bool,
}

/// Who is in a list's scope.
struct Scope {
    view: WeeklyScope,
    /// The officers whose tasks and enterprises are on the list; `None` for the whole bureau.
    officers: Option<BTreeSet<OfficerId>>,
    /// A team's members for part of the week only (a past week as it really was): the days
    /// of the week they were on the team.
    part_time: BTreeMap<OfficerId, PartTime>,
}

/// The days of a week an officer was on a team.
struct PartTime {
    week: Week,
    periods: Vec<officers::MembershipPeriod>,
}

impl PartTime {
    /// Whether the officer was on the team on the day of the week `task` stands on: its due
    /// day, or the nearest day of the week to it.
    fn holds(&self, task: &Task) -> bool {
        let day = task.due_on.clamp(self.week.monday(), self.week.sunday());
        self.periods.iter().any(|p| p.covers(day))
    }
}

impl Scope {
    fn has(&self, officer: OfficerId) -> bool {
        self.officers.as_ref().is_none_or(|s| s.contains(&officer))
    }

    fn has_task(&self, t: &Task) -> bool {
        let has = |o: OfficerId| self.has(o) && self.part_time.get(&o).is_none_or(|p| p.holds(t));
        has(t.assignee) || t.delegate.is_some_and(has)
    }
}

/// The day a list reflects: `today` when given; otherwise the week's Monday for a week that
/// ended before the county's today, else the county's today.
pub fn list_day(
    week: Week,
    explicit_today: Option<NaiveDate>,
    county_today: NaiveDate,
) -> NaiveDate {
    match explicit_today {
        Some(day) => day,
        None if week.sunday() < county_today => week.monday(),
        None => county_today,
    }
}

/// The stage a template task was created in, from its origin (`template:<track>/<stage>`).
fn stage_of_origin(origin: &str) -> Option<StageKey> {
    let rest = origin
        .strip_prefix("template:")
        .or_else(|| origin.strip_prefix("review:"))?;
    let (_, stage) = rest.split_once('/')?;
    StageKey::new(stage).ok()
}

impl Service {
    /// The last instant of `day` in the county, in UTC: what was recorded by then is history
    /// "as of the end of" that day.
    fn end_of_county_day(&self, day: NaiveDate) -> ServiceResult<DateTime<Utc>> {
        let next_midnight = day
            .succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|t| self.zone.0.from_local_datetime(&t).single())
            .ok_or_else(|| {
                ServiceError::invalid(
                    Field::Today,
                    Text::new(
                        format!("日期 {day} 超出范围"),
                        format!("the date {day} is out of range"),
                    ),
                )
            })?;
        Ok(next_midnight.with_timezone(&Utc) - Duration::microseconds(1))
    }

    /// The officers of a team's list, with those on it for part of the week: today's members
    /// for a current list; for a past list as its meeting saw it, the members on its day (the
    /// week's Monday unless a day is named); as it really was, everyone on the team on some day
    /// of the week, those on it for part of the week only on the days they were.
    async fn team_list_officers(
        &self,
        team: TeamId,
        week: Week,
        as_of: NaiveDate,
        basis: ListBasis,
    ) -> ServiceResult<(BTreeSet<OfficerId>, BTreeMap<OfficerId, PartTime>)> {
        let conn = self.store().conn();
        let periods = match basis {
            ListBasis::Current => {
                let members = officers::members_of(conn, team).await?;
                return Ok((members.into_iter().collect(), BTreeMap::new()));
            }
            ListBasis::Meeting => officers::periods_during(conn, team, as_of, as_of).await?,
            ListBasis::InEffect => {
                officers::periods_during(conn, team, week.monday(), week.sunday()).await?
            }
        };
        let mut by_officer: BTreeMap<OfficerId, Vec<officers::MembershipPeriod>> = BTreeMap::new();
        for p in periods {
            by_officer.entry(p.officer).or_default().push(p);
        }
        let members = by_officer.keys().copied().collect();
        let part_time = by_officer
            .into_iter()
            .filter(|(_, ps)| {
                basis == ListBasis::InEffect
                    && !week.days().iter().all(|d| ps.iter().any(|p| p.covers(*d)))
            })
            .map(|(o, periods)| (o, PartTime { week, periods }))
            .collect();
        Ok((members, part_time))
    }

    /// Resolves and authorises whose list is asked for, for the `week` shown as of `as_of` on
    /// `basis`.
    async fn weekly_scope(
        &self,
        actor: &Officer,
        query: &WeeklyQuery,
        (week, as_of, basis): (Week, NaiveDate, ListBasis),
    ) -> ServiceResult<Scope> {
        let conn = self.store().conn();
        let chosen = usize::from(query.officer.is_some())
            + usize::from(query.team.is_some())
            + usize::from(query.all);
        if chosen > 1 {
            return Err(ServiceError::invalid(
                Field::Officer,
                Text::new(
                    "干部、专班、全部三者只能选一个",
                    "name at most one of an officer, a team or everyone",
                ),
            ));
        }
        let sees_all = matches!(actor.role, Role::Admin | Role::Leader);
        let my_teams = officers::teams_of(conn, actor.id).await?;
        if query.all {
            if !sees_all {
                return Err(ServiceError::forbidden(
                    "只有局领导和管理员可以查看全局周清单",
                    "only a bureau leader or an admin sees the whole bureau's list",
                ));
            }
            return Ok(Scope {
                view: WeeklyScope::Bureau,
                officers: None,
                part_time: BTreeMap::new(),
            });
        }
        if let Some(name) = &query.team {
            let team = officers::find_team_by_name(conn, name)
                .await?
                .ok_or_else(|| {
                    ServiceError::not_found(
                        format!("没有名为「{name}」的专班：请查看专班名单"),
                        format!("no team is named \"{name}\": see the list of teams"),
                    )
                })?;
            if !sees_all && !my_teams.contains(&team.id) && team.lead != Some(actor.id) {
                return Err(ServiceError::forbidden(
                    format!("你不在专班「{}」中，不能查看其周清单", team.name),
                    format!(
                        "you are not in the team \"{}\" and cannot see its list",
                        team.name
                    ),
                ));
            }
            let (mut members, part_time) =
                self.team_list_officers(team.id, week, as_of, basis).await?;
            members.extend(team.lead);
            return Ok(Scope {
                view: WeeklyScope::Team { name: team.name },
                officers: Some(members),
                part_time,
            });
        }
        let officer = match &query.officer {
            Some(login) => officers::find_officer_by_login(conn, login)
                .await?
                .ok_or_else(|| {
                    ServiceError::invalid(
                        Field::Officer,
                        Text::new(
                            format!("没有登录名为「{login}」的干部：请查看干部名单"),
                            format!(
                                "no officer has the login \"{login}\": see the list of officers"
                            ),
                        ),
                    )
                })?,
            None => actor.clone(),
        };
        if !sees_all && officer.id != actor.id {
            // A lead sees the lists of the members of the teams they belong to.
            let mut allowed = false;
            if actor.role == Role::Lead {
                for team in &my_teams {
                    if officers::members_of(conn, *team)
                        .await?
                        .contains(&officer.id)
                    {
                        allowed = true;
                        break;
                    }
                }
            }
            if !allowed {
                return Err(ServiceError::forbidden(
                    format!(
                        "不能查看{}的周清单：干部可看自己和所在专班的清单，组长还可看组员的清单",
                        officer.name
                    ),
                    format!(
                        "you cannot see {}'s list: an officer sees their own and their team's lists, a lead also their members'",
                        officer.name
                    ),
                ));
            }
        }
        Ok(Scope {
            view: WeeklyScope::Officer {
                login: officer.login.as_str().to_owned(),
                name: officer.name.clone(),
            },
            officers: Some(BTreeSet::from([officer.id])),
            part_time: BTreeMap::new(),
        })
    }

    /// The weekly list (周例会任务清单) of an officer (default: the acting one), a team or the
    /// whole bureau, for an ISO week (default: the week containing the county's today), as it
    /// stood on its day (see [`list_day`]). An officer sees their own list and their teams'; a
    /// lead also their members'; a bureau leader and an admin every list.
    #[tracing::instrument(
        skip(self, actor, query),
        fields(actor = %actor.login.as_str(), week = tracing::field::Empty, as_of = tracing::field::Empty)
    )]
    pub async fn weekly(&self, actor: &Officer, query: WeeklyQuery) -> ServiceResult<WeeklyList> {
        let county_today = self.today();
        let week = query
            .week
            .unwrap_or_else(|| Week::containing(query.today.unwrap_or(county_today)));
        let as_of = list_day(week, query.today, county_today);
        let span = tracing::Span::current();
        span.record("week", tracing::field::display(week));
        span.record("as_of", tracing::field::display(as_of));
        let current = as_of >= county_today;
        let basis = match (current, query.in_effect) {
            (true, _) => ListBasis::Current,
            (false, false) => ListBasis::Meeting,
            (false, true) => ListBasis::InEffect,
        };
        let scope = self
            .weekly_scope(actor, &query, (week, as_of, basis))
            .await?;
        // What a meeting on the list's day could see: what was recorded by its end.
        let recorded_by = match basis {
            ListBasis::Meeting => Some(self.end_of_county_day(as_of)?),
            ListBasis::Current | ListBasis::InEffect => None,
        };
        let conn = self.store().conn();
        // The scope's officers, for the queries; `None` reads the whole bureau.
        let officer_ids: Option<Vec<OfficerId>> =
            scope.officers.as_ref().map(|s| s.iter().copied().collect());
        let among = officer_ids.as_deref();

        // The watch list's enterprises: those the scope's officers are responsible for, by id.
        let mut watched: Vec<Enterprise> = enterprises::list_enterprises(
            conn,
            &EnterpriseFilter {
                responsible: officer_ids.clone(),
                ..EnterpriseFilter::default()
            },
        )
        .await?
        .into_iter()
        .map(|e| e.value)
        .filter(|e| !e.archived && e.responsible_officer.is_some_and(|o| scope.has(o)))
        .collect();
        watched.sort_by_key(|e| e.id);
        let watched_ids: Vec<EnterpriseId> = watched.iter().map(|e| e.id).collect();
        // Their cultivations, each enterprise's by track key.
        let mut cultivations_of: BTreeMap<EnterpriseId, Vec<Cultivation>> = BTreeMap::new();
        let rows = match among {
            Some(_) => cultivations::cultivations_of_enterprises(conn, &watched_ids).await?,
            None => cultivations::list_cultivations(conn, None, None).await?,
        };
        for c in rows {
            cultivations_of
                .entry(c.value.enterprise)
                .or_default()
                .push(c.value);
        }
        let watched_set: BTreeSet<EnterpriseId> = watched_ids.iter().copied().collect();
        cultivations_of.retain(|e, _| watched_set.contains(e));
        for list in cultivations_of.values_mut() {
            list.sort_by(|a, b| a.track_key.as_str().cmp(b.track_key.as_str()));
        }
        let cultivation_ids: Vec<CultivationId> =
            cultivations_of.values().flatten().map(|c| c.id).collect();
        // Stages as they stood on `as_of`.
        let stages: BTreeMap<CultivationId, history::StageAsOf> = if current {
            cultivations_of
                .values()
                .flatten()
                .map(|c| {
                    let stage = history::StageAsOf {
                        stage: c.stage.clone(),
                        since: c.stage_since,
                    };
                    (c.id, stage)
                })
                .collect()
        } else {
            let ids = among.map(|_| cultivation_ids.as_slice());
            history::stages_as_of(conn, as_of, recorded_by, ids).await?
        };
        // The cultivations whose next move toward a target the watch list weighs: they need
        // their tasks (whoever holds them).
        let targeted: Vec<CultivationId> = cultivations_of
            .values()
            .flatten()
            .filter(|c| c.target_stage.is_some() && stages.contains_key(&c.id))
            .map(|c| c.id)
            .collect();

        // Tasks as they stood on `as_of`: today's from the tables, only those the list can show
        // (by index ranges); a past day's from the audit log, for the scope's tasks only (those
        // with its officers now, those reassigned since, and the targeted cultivations'),
        // except on the bureau's list, which rebuilds every task.
        let window = ListWindow {
            open_due_by: week.next().sunday().max(as_of),
            done_from: week.prev().monday(),
            done_to: week.prev().sunday(),
        };
        let (listed, mut cultivation_tasks) = if current {
            (
                tasks::tasks_in_window(conn, among, window).await?,
                tasks::tasks_of_cultivations(conn, &targeted).await?,
            )
        } else {
            let zone = self.zone();
            let states = match among {
                None => match recorded_by {
                    Some(by) => history::task_states_as_of(conn, by).await?,
                    None => {
                        history::task_states_in_effect(conn, as_of, |t| zone.date_of(t)).await?
                    }
                },
                Some(officers) => {
                    // A task with another officer since the list's day came back to or left
                    // the scope by a reassigning entry recorded after it.
                    let since = match recorded_by {
                        Some(by) => by,
                        None => self.end_of_county_day(as_of)?,
                    };
                    let mut candidates = tasks::task_ids_of_officers(conn, officers).await?;
                    candidates.extend(history::tasks_reassigned_after(conn, since).await?);
                    candidates.extend(tasks::task_ids_of_cultivations(conn, &targeted).await?);
                    let ids: Vec<TaskId> = candidates.into_iter().collect();
                    match recorded_by {
                        Some(by) => history::task_states_as_of_among(conn, by, &ids).await?,
                        None => {
                            history::task_states_in_effect_among(
                                conn,
                                as_of,
                                |t| zone.date_of(t),
                                &ids,
                            )
                            .await?
                        }
                    }
                }
            };
            let wanted: BTreeSet<CultivationId> = targeted.iter().copied().collect();
            let mut grouped: BTreeMap<CultivationId, Vec<Task>> = BTreeMap::new();
            for t in &states {
                if let Some(c) = t.cultivation.filter(|c| wanted.contains(c)) {
                    grouped.entry(c).or_default().push(t.clone());
                }
            }
            (states, grouped)
        };
        let in_scope: Vec<Task> = listed.into_iter().filter(|t| scope.has_task(t)).collect();

        // The enterprises, batches and officers those tasks and the watch list name.
        let mut firms: BTreeMap<EnterpriseId, Enterprise> =
            watched.iter().map(|e| (e.id, e.clone())).collect();
        let missing: Vec<EnterpriseId> = in_scope
            .iter()
            .filter_map(|t| t.enterprise)
            .filter(|e| !firms.contains_key(e))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for e in enterprises::enterprises_by_ids(conn, &missing).await? {
            firms.insert(e.id, e);
        }
        let firm_ids: Vec<EnterpriseId> = firms.keys().copied().collect();
        let firm_ids = among.map(|_| firm_ids.as_slice());
        let batch_of: BTreeMap<EnterpriseId, Batch> = if current {
            match batches::find_list(conn, as_of.year()).await? {
                Some(list) => match firm_ids {
                    Some(ids) => batches::entries_of_enterprises(conn, list.value.id, ids).await?,
                    None => batches::entries(conn, list.value.id).await?,
                }
                .into_iter()
                .map(|e| (e.enterprise, e.batch))
                .collect(),
                None => BTreeMap::new(),
            }
        } else {
            history::batches_as_of(conn, as_of.year(), as_of, recorded_by, firm_ids).await?
        };
        let people_ids: Vec<OfficerId> = in_scope
            .iter()
            .flat_map(|t| std::iter::once(t.assignee).chain(t.delegate))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let people: BTreeMap<OfficerId, Officer> = officers::officers_by_ids(conn, &people_ids)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();

        let ids: Vec<TaskId> = in_scope.iter().map(|t| t.id).collect();
        let mut notes = peiyu_storage::task_notes::latest_notes(conn, &ids, as_of).await?;
        let entries: Vec<TaskEntry> = in_scope
            .into_iter()
            .map(|t| {
                let firm = t.enterprise.and_then(|e| firms.get(&e));
                let assignee = people.get(&t.assignee);
                TaskEntry {
                    short_id: short_id(&t),
                    enterprise_name: firm.map(|f| f.name.clone()),
                    enterprise_uscc: firm.map(|f| f.uscc.as_str().to_owned()),
                    batch: t.enterprise.and_then(|e| batch_of.get(&e).copied()),
                    assignee_login: assignee
                        .map(|o| o.login.as_str().to_owned())
                        .unwrap_or_default(),
                    assignee_name: assignee.map(|o| o.name.clone()).unwrap_or_default(),
                    delegate_name: t
                        .delegate
                        .and_then(|d| people.get(&d))
                        .map(|o| o.name.clone()),
                    progress: notes.remove(&t.id),
                    task: t,
                }
            })
            .collect();

        // The watch list: the scope's enterprises, their figures read in one query (a chunk
        // of enterprises at a time).
        let thresholds = Thresholds::default();
        let from = YearMonth::new(as_of.year() - 2, 1).ok();
        let to = peiyu_workflow::figures::last_complete_month(as_of);
        let watched_among = among.map(|_| watched_ids.as_slice());
        let mut figures_of = metrics::metrics_of_enterprises(conn, watched_among, from, to).await?;
        let mut tracks: BTreeMap<TrackId, Arc<Track>> = BTreeMap::new();
        let mut cultivation_facts = Vec::new();
        let mut enterprise_facts = Vec::new();
        for firm in &watched {
            let figures = figures_of.remove(&firm.id).unwrap_or_default();
            let batch = batch_of.get(&firm.id).copied();
            let mut on_track: Option<(String, Text, Text)> = None;
            for c in cultivations_of.remove(&firm.id).unwrap_or_default() {
                let Some(stage_then) = stages.get(&c.id) else {
                    continue; // opened after the list's day
                };
                let track: &Track = match tracks.entry(c.track) {
                    Entry::Occupied(known) => known.into_mut(),
                    Entry::Vacant(slot) => slot.insert(self.track_version(c.track).await?.track),
                };
                let stage = track.stage(&stage_then.stage);
                let terminal = stage.is_some_and(|s| s.terminal);
                let stage_label = stage.map(|s| s.label.clone()).unwrap_or_else(|| {
                    Text::new(stage_then.stage.as_str(), stage_then.stage.as_str())
                });
                let next_move = match (&c.target_stage, terminal) {
                    (Some(target), false) => {
                        let own_tasks = cultivation_tasks.remove(&c.id).unwrap_or_default();
                        let snapshot = Snapshot {
                            enterprise: firm.clone(),
                            thresholds: thresholds.clone(),
                            stage: stage_then.stage.clone(),
                            stage_entered_on: stage_then.since,
                            last_move_on: stage_then.since,
                            stage_expires_on: c.expires_on,
                            metrics: figures.clone(),
                            tasks: own_tasks
                                .iter()
                                .map(|t| TaskFact {
                                    kind: t.kind,
                                    status: t.status,
                                    created_on: t.created_on,
                                    created_in_stage: stage_of_origin(&t.origin),
                                    completed_on: t.completed_on,
                                })
                                .collect(),
                            batch,
                        };
                        next_move_toward(track, &snapshot, target, as_of)
                    }
                    _ => None,
                };
                if !terminal && on_track.is_none() {
                    on_track = Some((
                        c.track_key.as_str().to_owned(),
                        track.label().clone(),
                        stage_label.clone(),
                    ));
                }
                cultivation_facts.push(CultivationFacts {
                    enterprise_name: firm.name.clone(),
                    enterprise_uscc: firm.uscc.as_str().to_owned(),
                    batch,
                    track: c.track_key.as_str().to_owned(),
                    track_label: track.label().clone(),
                    stage: stage_label,
                    // A certified stage (valid for a period) is where a firm should rest until
                    // its re-review: not "stalled".
                    terminal: terminal || stage.is_some_and(|s| s.valid_for.is_some()),
                    last_move_on: stage_then.since,
                    target_date: c.target_date,
                    target_label: c
                        .target_stage
                        .as_ref()
                        .and_then(|s| track.stage(s))
                        .map(|s| s.label.clone()),
                    target_stage: c.target_stage.clone(),
                    next_move,
                });
            }
            let (track, track_label, stage) = match on_track {
                Some((track, label, stage)) => (Some(track), Some(label), Some(stage)),
                None => (None, None, None),
            };
            enterprise_facts.push(EnterpriseFacts {
                name: firm.name.clone(),
                uscc: firm.uscc.as_str().to_owned(),
                batch,
                sector: firm.sector,
                track,
                track_label,
                stage,
                metrics: figures,
            });
        }

        // The latest seal up to the list's day pins the history the list was built from; it is
        // printed as "<day> <hash>".
        let seal = seal::seal_on_or_before(conn, as_of)
            .await?
            .map(|s| format!("{} {}", s.day, s.hash));
        let input = WeeklyInput {
            scope: scope.view,
            week,
            as_of,
            tasks: entries,
            cultivations: cultivation_facts,
            enterprises: enterprise_facts,
            thresholds,
            policy: self.batch_policy().clone(),
            seal,
            basis,
        };
        assemble(input, &self.calendar()).map_err(|e| {
            ServiceError::invalid(Field::Week, Text::new(e.message_zh(), e.to_string()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_past_week_is_shown_as_of_its_monday_unless_a_day_is_named() {
        let w27 = Week::new(2023, 27).unwrap();
        // The week is over: its Monday.
        assert_eq!(list_day(w27, None, d("2023-07-10")), d("2023-07-03"));
        // This week: today, whichever day it is.
        assert_eq!(list_day(w27, None, d("2023-07-03")), d("2023-07-03"));
        assert_eq!(list_day(w27, None, d("2023-07-09")), d("2023-07-09"));
        // A week ahead: today.
        assert_eq!(list_day(w27, None, d("2023-06-28")), d("2023-06-28"));
        // A named day wins.
        assert_eq!(
            list_day(w27, Some(d("2023-07-05")), d("2023-08-01")),
            d("2023-07-05")
        );
    }

    #[test]
    fn a_part_time_member_holds_the_tasks_standing_on_their_days_of_the_week() {
        let w19 = Week::new(2023, 19).unwrap(); // 8 to 14 May
        let nobody = OfficerId(uuid::Uuid::nil());
        let in_until_wednesday = PartTime {
            week: w19,
            periods: vec![officers::MembershipPeriod {
                team: TeamId(uuid::Uuid::nil()),
                officer: nobody,
                joined_on: d("2023-03-01"),
                left_on: Some(d("2023-05-10")),
            }],
        };
        let due = |day: &str| Task {
            id: TaskId(uuid::Uuid::nil()),
            enterprise: None,
            cultivation: None,
            kind: peiyu_domain::TaskKind::Custom,
            title: "核实".into(),
            description: None,
            assignee: nobody,
            delegate: None,
            created_by: nobody,
            status: peiyu_domain::TaskStatus::Open,
            created_on: d("2023-04-01"),
            due_on: d(day),
            due_count: None,
            follow_up_on: None,
            origin: "manual".into(),
            completed_on: None,
            completion_note: None,
            evidence: None,
            cancel_reason: None,
        };
        assert!(in_until_wednesday.holds(&due("2023-05-09")));
        assert!(!in_until_wednesday.holds(&due("2023-05-12")));
        // Due before the week: it stands on Monday; due after it: on Sunday.
        assert!(in_until_wednesday.holds(&due("2023-04-28")));
        assert!(!in_until_wednesday.holds(&due("2023-05-20")));
    }

    #[test]
    fn template_origins_name_their_stage() {
        assert_eq!(
            stage_of_origin("template:industrial/qualified"),
            StageKey::new("qualified").ok()
        );
        assert_eq!(stage_of_origin("manual"), None);
    }
}
