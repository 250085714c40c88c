//! Officers and teams: recording and reading who acts.

use chrono::NaiveDate;
use peiyu_domain::AuditAction;
use peiyu_domain::{Login, Officer, OfficerId, Role, Team, TeamId};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

use crate::audit::{AuditFact, UnitOfWork};
use crate::entities::{officers, team_memberships, teams};
use crate::error::{StorageError, StorageResult};
use crate::instant;

fn officer_json(o: &Officer) -> serde_json::Value {
    json!({
        "id": o.id.0.to_string(),
        "login": o.login.as_str(),
        "name": o.name,
        "role": o.role.key(),
        "active": o.active,
    })
}

fn officer_from_model(m: officers::Model) -> StorageResult<Officer> {
    let corrupt = |column: &'static str, value: &str, detail: String| StorageError::Corrupt {
        table: "officers",
        column,
        value: value.to_owned(),
        detail,
    };
    Ok(Officer {
        id: OfficerId(m.id),
        login: Login::new(&m.login).map_err(|e| corrupt("login", &m.login, e.to_string()))?,
        role: Role::parse(&m.role).map_err(|e| corrupt("role", &m.role, e.to_string()))?,
        name: m.name,
        active: m.active,
    })
}

/// Records a new officer. A taken login is [`StorageError::Duplicate`].
pub async fn insert_officer(uow: &mut UnitOfWork, officer: &Officer) -> StorageResult<()> {
    let now = instant::to_text(uow.now());
    officers::Entity::insert(officers::ActiveModel {
        id: Set(officer.id.0),
        login: Set(officer.login.as_str().to_owned()),
        name: Set(officer.name.clone()),
        role: Set(officer.role.key().to_owned()),
        active: Set(officer.active),
        created_at: Set(now.clone()),
        updated_at: Set(now),
        password_hash: Set(None),
        must_change_password: Set(false),
        password_set_at: Set(None),
    })
    .exec_without_returning(uow.txn())
    .await
    .map_err(StorageError::db_unique(
        "adding an officer",
        "officer",
        "login",
        officer.login.as_str(),
    ))?;
    uow.record(AuditFact {
        action: AuditAction::OfficerAdd,
        subject_type: "officer".into(),
        subject_id: officer.login.as_str().to_owned(),
        enterprise: None,
        before: None,
        after: Some(officer_json(officer)),
        reason: None,
        effective_on: None,
    })
    .await?;
    Ok(())
}

/// Records a change to an officer's role or activity (`officer.role`, `officer.deactivate`),
/// with an audit entry holding the full row before and after and the reason.
pub async fn update_officer(
    uow: &mut UnitOfWork,
    before: &Officer,
    after: &Officer,
    action: AuditAction,
    reason: &str,
) -> StorageResult<()> {
    let now = instant::to_text(uow.now());
    let result = officers::Entity::update_many()
        .col_expr(officers::Column::Role, after.role.key().into())
        .col_expr(officers::Column::Active, after.active.into())
        .col_expr(officers::Column::UpdatedAt, now.into())
        .filter(officers::Column::Id.eq(after.id.0))
        .exec(uow.txn())
        .await
        .map_err(StorageError::db("changing an officer"))?;
    if result.rows_affected != 1 {
        return Err(StorageError::NotFound {
            entity: "officer",
            key: after.login.as_str().to_owned(),
        });
    }
    uow.record(AuditFact {
        action,
        subject_type: "officer".into(),
        subject_id: after.login.as_str().to_owned(),
        enterprise: None,
        before: Some(officer_json(before)),
        after: Some(officer_json(after)),
        reason: Some(reason.to_owned()),
        effective_on: None,
    })
    .await?;
    Ok(())
}

/// Every officer, by login.
pub async fn list_officers(conn: &impl ConnectionTrait) -> StorageResult<Vec<Officer>> {
    officers::Entity::find()
        .order_by_asc(officers::Column::Login)
        .all(conn)
        .await
        .map_err(StorageError::db("listing officers"))?
        .into_iter()
        .map(officer_from_model)
        .collect()
}

/// The officers with these ids (unknown ids are skipped), read in chunks of
/// [`crate::IN_CHUNK`] so a long list stays within every backend's parameter limit.
pub async fn officers_by_ids(
    conn: &impl ConnectionTrait,
    ids: &[OfficerId],
) -> StorageResult<Vec<Officer>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::IN_CHUNK) {
        let rows = officers::Entity::find()
            .filter(officers::Column::Id.is_in(chunk.iter().map(|id| id.0)))
            .all(conn)
            .await
            .map_err(StorageError::db("reading officers"))?;
        for row in rows {
            out.push(officer_from_model(row)?);
        }
    }
    Ok(out)
}

/// The officers with these logins (unknown logins are skipped), in chunks of
/// [`crate::IN_CHUNK`] by the login key.
pub async fn officers_by_logins(
    conn: &impl ConnectionTrait,
    logins: &[String],
) -> StorageResult<Vec<Officer>> {
    let mut out = Vec::with_capacity(logins.len());
    for chunk in logins.chunks(crate::IN_CHUNK) {
        let rows = officers::Entity::find()
            .filter(officers::Column::Login.is_in(chunk.iter().cloned()))
            .all(conn)
            .await
            .map_err(StorageError::db("reading officers"))?;
        for row in rows {
            out.push(officer_from_model(row)?);
        }
    }
    Ok(out)
}

/// The officer with this login, if any.
pub async fn find_officer_by_login(
    conn: &impl ConnectionTrait,
    login: &str,
) -> StorageResult<Option<Officer>> {
    officers::Entity::find()
        .filter(officers::Column::Login.eq(login))
        .one(conn)
        .await
        .map_err(StorageError::db("finding an officer"))?
        .map(officer_from_model)
        .transpose()
}

/// The officer with this id, if any.
pub async fn find_officer(
    conn: &impl ConnectionTrait,
    id: OfficerId,
) -> StorageResult<Option<Officer>> {
    officers::Entity::find_by_id(id.0)
        .one(conn)
        .await
        .map_err(StorageError::db("finding an officer"))?
        .map(officer_from_model)
        .transpose()
}

/// How many officers hold the admin role.
pub async fn count_admins(conn: &impl ConnectionTrait) -> StorageResult<usize> {
    Ok(officers::Entity::find()
        .filter(officers::Column::Role.eq(Role::Admin.key()))
        .all(conn)
        .await
        .map_err(StorageError::db("counting admins"))?
        .len())
}

/// A team with its members' ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamWithMembers {
    /// The team.
    pub team: Team,
    /// Its members now, in the order they joined.
    pub members: Vec<OfficerId>,
}

fn team_json(t: &Team) -> serde_json::Value {
    json!({
        "id": t.id.0.to_string(),
        "name": t.name,
        "lead": t.lead.map(|o| o.0.to_string()),
    })
}

/// Records a new team. A taken name is [`StorageError::Duplicate`].
pub async fn insert_team(uow: &mut UnitOfWork, team: &Team) -> StorageResult<()> {
    teams::Entity::insert(teams::ActiveModel {
        id: Set(team.id.0),
        name: Set(team.name.clone()),
        lead_id: Set(team.lead.map(|o| o.0)),
        created_at: Set(instant::to_text(uow.now())),
    })
    .exec_without_returning(uow.txn())
    .await
    .map_err(StorageError::db_unique(
        "adding a team",
        "team",
        "name",
        team.name.clone(),
    ))?;
    uow.record(AuditFact {
        action: AuditAction::TeamAdd,
        subject_type: "team".into(),
        subject_id: team.name.clone(),
        enterprise: None,
        before: None,
        after: Some(team_json(team)),
        reason: None,
        effective_on: None,
    })
    .await?;
    Ok(())
}

/// One period of an officer on a team: a member on the days `joined_on <= D < left_on`
/// (`left_on` is `None` while they are on it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MembershipPeriod {
    /// The team.
    pub team: TeamId,
    /// The officer.
    pub officer: OfficerId,
    /// The first day they were a member.
    pub joined_on: NaiveDate,
    /// The day they left (no longer a member from that day), if they have.
    pub left_on: Option<NaiveDate>,
}

impl MembershipPeriod {
    /// Whether the officer was a member on `day`.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.joined_on <= day && self.left_on.is_none_or(|left| day < left)
    }
}

fn period_from_model(m: team_memberships::Model) -> MembershipPeriod {
    MembershipPeriod {
        team: TeamId(m.team_id),
        officer: OfficerId(m.officer_id),
        joined_on: m.joined_on,
        left_on: m.left_on,
    }
}

fn period_json(team: &Team, officer: &Officer, period: &MembershipPeriod) -> serde_json::Value {
    json!({
        "team": team.name,
        "officer": officer.login.as_str(),
        "joined_on": period.joined_on.to_string(),
        "left_on": period.left_on.map(|d| d.to_string()),
    })
}

/// Records an officer joining a team on the day the unit of work records it, in UTC+8 (the
/// county's zone by default): [`insert_membership_on`] for callers with no day of their own
/// (bulk loads, benchmarks).
pub async fn insert_membership(
    uow: &mut UnitOfWork,
    team: &Team,
    officer: &Officer,
) -> StorageResult<()> {
    let today = (uow.now() + chrono::Duration::hours(8)).date_naive();
    insert_membership_on(uow, team, officer, today).await
}

/// Records an officer joining a team on `joined_on` (`team.join`, effective that day): a new,
/// open period. A period of theirs on that team that starts the same day is
/// [`StorageError::Duplicate`]; the caller checks they are not a member on the day.
pub async fn insert_membership_on(
    uow: &mut UnitOfWork,
    team: &Team,
    officer: &Officer,
    joined_on: NaiveDate,
) -> StorageResult<()> {
    team_memberships::Entity::insert(team_memberships::ActiveModel {
        team_id: Set(team.id.0),
        officer_id: Set(officer.id.0),
        joined_on: Set(joined_on),
        left_on: Set(None),
        joined_at: Set(instant::to_text(uow.now())),
        left_at: Set(None),
    })
    .exec_without_returning(uow.txn())
    .await
    .map_err(StorageError::db_unique(
        "adding a team member",
        "team membership",
        "joined_on",
        format!("{}/{}/{joined_on}", team.name, officer.login.as_str()),
    ))?;
    let period = MembershipPeriod {
        team: team.id,
        officer: officer.id,
        joined_on,
        left_on: None,
    };
    uow.record(AuditFact {
        action: AuditAction::TeamJoin,
        subject_type: "team".into(),
        subject_id: team.name.clone(),
        enterprise: None,
        before: None,
        after: Some(period_json(team, officer, &period)),
        reason: None,
        effective_on: Some(joined_on),
    })
    .await?;
    Ok(())
}

/// Records an officer leaving a team on `left_on` (`team.leave`, effective that day): closes
/// their open `period`, which stays as history. A leave on the day the period began leaves a
/// period of no days, which is deleted instead (the entry's `after` is empty): a join undone.
/// No open period starting on `period.joined_on` is [`StorageError::NotFound`].
pub async fn close_membership(
    uow: &mut UnitOfWork,
    team: &Team,
    officer: &Officer,
    period: &MembershipPeriod,
    left_on: NaiveDate,
) -> StorageResult<()> {
    let this_period = Condition::all()
        .add(team_memberships::Column::TeamId.eq(team.id.0))
        .add(team_memberships::Column::OfficerId.eq(officer.id.0))
        .add(team_memberships::Column::JoinedOn.eq(period.joined_on))
        .add(team_memberships::Column::LeftOn.is_null());
    let undone = left_on == period.joined_on;
    let changed = if undone {
        team_memberships::Entity::delete_many()
            .filter(this_period)
            .exec(uow.txn())
            .await
            .map_err(StorageError::db("removing a team membership"))?
            .rows_affected
    } else {
        team_memberships::Entity::update_many()
            .col_expr(team_memberships::Column::LeftOn, left_on.into())
            .col_expr(
                team_memberships::Column::LeftAt,
                instant::to_text(uow.now()).into(),
            )
            .filter(this_period)
            .exec(uow.txn())
            .await
            .map_err(StorageError::db("closing a team membership"))?
            .rows_affected
    };
    if changed == 0 {
        return Err(StorageError::NotFound {
            entity: "team membership",
            key: format!("{}/{}", team.name, officer.login.as_str()),
        });
    }
    let after = MembershipPeriod {
        left_on: Some(left_on),
        ..period.clone()
    };
    uow.record(AuditFact {
        action: AuditAction::TeamLeave,
        subject_type: "team".into(),
        subject_id: team.name.clone(),
        enterprise: None,
        before: Some(period_json(team, officer, period)),
        after: (!undone).then(|| period_json(team, officer, &after)),
        reason: None,
        effective_on: Some(left_on),
    })
    .await?;
    Ok(())
}

/// Every period of `officer` on `team`, earliest first.
pub async fn periods_of(
    conn: &impl ConnectionTrait,
    team: TeamId,
    officer: OfficerId,
) -> StorageResult<Vec<MembershipPeriod>> {
    Ok(team_memberships::Entity::find()
        .filter(team_memberships::Column::TeamId.eq(team.0))
        .filter(team_memberships::Column::OfficerId.eq(officer.0))
        .order_by_asc(team_memberships::Column::JoinedOn)
        .all(conn)
        .await
        .map_err(StorageError::db("reading an officer's team periods"))?
        .into_iter()
        .map(period_from_model)
        .collect())
}

/// The periods of `team` that cover at least one day from `from` to `to` (both included), by
/// the day they began: who was on the team on some day of that span, and from when to when.
pub async fn periods_during(
    conn: &impl ConnectionTrait,
    team: TeamId,
    from: NaiveDate,
    to: NaiveDate,
) -> StorageResult<Vec<MembershipPeriod>> {
    Ok(team_memberships::Entity::find()
        .filter(team_memberships::Column::TeamId.eq(team.0))
        .filter(team_memberships::Column::JoinedOn.lte(to))
        .filter(
            Condition::any()
                .add(team_memberships::Column::LeftOn.is_null())
                .add(team_memberships::Column::LeftOn.gt(from)),
        )
        .order_by_asc(team_memberships::Column::JoinedOn)
        .order_by_asc(team_memberships::Column::JoinedAt)
        .all(conn)
        .await
        .map_err(StorageError::db("reading a team's members over a span"))?
        .into_iter()
        .map(period_from_model)
        .collect())
}

/// The members of `team` on `day`, in the order they joined.
pub async fn members_on(
    conn: &impl ConnectionTrait,
    team: TeamId,
    day: NaiveDate,
) -> StorageResult<Vec<OfficerId>> {
    Ok(periods_during(conn, team, day, day)
        .await?
        .into_iter()
        .map(|p| p.officer)
        .collect())
}

fn team_from_model(m: teams::Model) -> Team {
    Team {
        id: TeamId(m.id),
        name: m.name,
        lead: m.lead_id.map(OfficerId),
    }
}

/// The team with this name, if any.
pub async fn find_team_by_name(
    conn: &impl ConnectionTrait,
    name: &str,
) -> StorageResult<Option<Team>> {
    Ok(teams::Entity::find()
        .filter(teams::Column::Name.eq(name))
        .one(conn)
        .await
        .map_err(StorageError::db("finding a team"))?
        .map(team_from_model))
}

/// Every team with its members now, by name.
pub async fn list_teams(conn: &impl ConnectionTrait) -> StorageResult<Vec<TeamWithMembers>> {
    let teams = teams::Entity::find()
        .order_by_asc(teams::Column::Name)
        .all(conn)
        .await
        .map_err(StorageError::db("listing teams"))?;
    let memberships = team_memberships::Entity::find()
        .filter(team_memberships::Column::LeftOn.is_null())
        .order_by_asc(team_memberships::Column::JoinedOn)
        .order_by_asc(team_memberships::Column::JoinedAt)
        .all(conn)
        .await
        .map_err(StorageError::db("listing team members"))?;
    Ok(teams
        .into_iter()
        .map(|t| {
            let members = memberships
                .iter()
                .filter(|m| m.team_id == t.id)
                .map(|m| OfficerId(m.officer_id))
                .collect();
            TeamWithMembers {
                team: team_from_model(t),
                members,
            }
        })
        .collect())
}

/// The teams an officer belongs to now (their open periods).
pub async fn teams_of(
    conn: &impl ConnectionTrait,
    officer: OfficerId,
) -> StorageResult<Vec<TeamId>> {
    Ok(team_memberships::Entity::find()
        .filter(team_memberships::Column::OfficerId.eq(officer.0))
        .filter(team_memberships::Column::LeftOn.is_null())
        .all(conn)
        .await
        .map_err(StorageError::db("reading an officer's teams"))?
        .into_iter()
        .map(|m| TeamId(m.team_id))
        .collect())
}

/// The members of a team now (their open periods), in the order they joined.
pub async fn members_of(
    conn: &impl ConnectionTrait,
    team: TeamId,
) -> StorageResult<Vec<OfficerId>> {
    Ok(team_memberships::Entity::find()
        .filter(team_memberships::Column::TeamId.eq(team.0))
        .filter(team_memberships::Column::LeftOn.is_null())
        .order_by_asc(team_memberships::Column::JoinedOn)
        .all(conn)
        .await
        .map_err(StorageError::db("reading a team's members"))?
        .into_iter()
        .map(|m| OfficerId(m.officer_id))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_covers_the_day_joined_up_to_the_day_before_leaving() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let mut p = MembershipPeriod {
            team: TeamId(uuid::Uuid::nil()),
            officer: OfficerId(uuid::Uuid::nil()),
            joined_on: d("2023-03-01"),
            left_on: Some(d("2023-05-10")),
        };
        assert!(!p.covers(d("2023-02-28")));
        assert!(p.covers(d("2023-03-01")));
        assert!(p.covers(d("2023-05-09")));
        assert!(
            !p.covers(d("2023-05-10")),
            "off the team from the day they leave"
        );
        p.left_on = None;
        assert!(p.covers(d("2099-01-01")), "open: on the team from then on");
    }
}
