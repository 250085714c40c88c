//! Batch lists (四个一批): the current entries of each year's list and the append-only moves that
//! made them so.

use chrono::NaiveDate;
use peiyu_domain::AuditAction;
use peiyu_domain::{
    Batch, BatchEntry, BatchList, BatchListId, BatchListStatus, BatchMove, EnterpriseId, OfficerId,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{AuditFact, UnitOfWork};
use crate::enterprises::Versioned;
use crate::entities::{batch_entries, batch_lists, batch_moves};
use crate::error::{StorageError, StorageResult};
use crate::instant;

fn batch_of(table: &'static str, column: &'static str, n: i16) -> StorageResult<Batch> {
    u8::try_from(n)
        .ok()
        .and_then(|n| Batch::new(n).ok())
        .ok_or_else(|| StorageError::Corrupt {
            table,
            column,
            value: n.to_string(),
            detail: "a batch is 1 to 4".into(),
        })
}

fn list_from_model(m: batch_lists::Model) -> StorageResult<Versioned<BatchList>> {
    Ok(Versioned {
        value: BatchList {
            id: BatchListId(m.id),
            year: m.year,
            status: BatchListStatus::parse(&m.status).map_err(|e| StorageError::Corrupt {
                table: "batch_lists",
                column: "status",
                value: m.status.clone(),
                detail: e.to_string(),
            })?,
            published_at: m
                .published_at
                .as_deref()
                .map(|t| instant::from_text("batch_lists", "published_at", t))
                .transpose()?,
        },
        version: i64::from(m.version),
    })
}

fn entry_from_model(m: batch_entries::Model) -> StorageResult<BatchEntry> {
    Ok(BatchEntry {
        list: BatchListId(m.batch_list_id),
        enterprise: EnterpriseId(m.enterprise_id),
        batch: batch_of("batch_entries", "batch", m.batch)?,
        since: m.since,
        reason: m.reason,
    })
}

fn move_from_model(m: batch_moves::Model) -> StorageResult<BatchMove> {
    Ok(BatchMove {
        list: BatchListId(m.batch_list_id),
        enterprise: EnterpriseId(m.enterprise_id),
        from: m
            .from_batch
            .map(|b| batch_of("batch_moves", "from_batch", b))
            .transpose()?,
        to: m
            .to_batch
            .map(|b| batch_of("batch_moves", "to_batch", b))
            .transpose()?,
        suggested: m
            .suggested_batch
            .map(|b| batch_of("batch_moves", "suggested_batch", b))
            .transpose()?,
        effective_on: m.effective_on,
        recorded_at: instant::from_text("batch_moves", "recorded_at", &m.recorded_at)?,
        actor: OfficerId(m.actor_id),
        reason: m.reason,
    })
}

/// Records a new, empty draft list for a year. A second list for the same year is `Duplicate`.
pub async fn create_list(uow: &mut UnitOfWork, year: i32) -> StorageResult<BatchList> {
    let list = BatchList {
        id: BatchListId::new(),
        year,
        status: BatchListStatus::Draft,
        published_at: None,
    };
    batch_lists::Entity::insert(batch_lists::ActiveModel {
        id: Set(list.id.0),
        year: Set(year),
        status: Set(list.status.key().to_owned()),
        published_at: Set(None),
        published_by: Set(None),
        version: Set(1),
        created_at: Set(instant::to_text(uow.now())),
    })
    .exec_without_returning(uow.txn())
    .await
    .map_err(StorageError::db_unique(
        "creating a batch list",
        "batch list",
        "year",
        year.to_string(),
    ))?;
    uow.record(AuditFact {
        action: AuditAction::BatchListCreate,
        subject_type: "batch_list".into(),
        subject_id: year.to_string(),
        enterprise: None,
        before: None,
        after: Some(json!({"year": year, "status": list.status.key()})),
        reason: None,
        effective_on: None,
    })
    .await?;
    Ok(list)
}

/// Marks a list published, if it is still at `expected_version`.
pub async fn publish_list(
    uow: &mut UnitOfWork,
    list: &BatchList,
    expected_version: i64,
    reason: Option<String>,
    effective_on: Option<NaiveDate>,
) -> StorageResult<i64> {
    let expected = i32::try_from(expected_version).unwrap_or(i32::MAX);
    let result = batch_lists::Entity::update_many()
        .col_expr(
            batch_lists::Column::Status,
            BatchListStatus::Published.key().into(),
        )
        .col_expr(
            batch_lists::Column::PublishedAt,
            Some(instant::to_text(uow.now())).into(),
        )
        .col_expr(
            batch_lists::Column::PublishedBy,
            uow.actor().id.map(|o| o.0).into(),
        )
        .col_expr(batch_lists::Column::Version, (expected + 1).into())
        .filter(batch_lists::Column::Id.eq(list.id.0))
        .filter(batch_lists::Column::Version.eq(expected))
        .exec(uow.txn())
        .await
        .map_err(StorageError::db("publishing a batch list"))?;
    if result.rows_affected != 1 {
        return Err(StorageError::Conflict {
            entity: "batch list",
            key: list.year.to_string(),
            expected: expected_version,
        });
    }
    uow.record(AuditFact {
        action: AuditAction::BatchListPublish,
        subject_type: "batch_list".into(),
        subject_id: list.year.to_string(),
        enterprise: None,
        before: Some(json!({"year": list.year, "status": list.status.key()})),
        after: Some(json!({"year": list.year, "status": BatchListStatus::Published.key()})),
        reason,
        effective_on,
    })
    .await?;
    Ok(expected_version + 1)
}

/// The list for a year, if one exists.
pub async fn find_list(
    conn: &impl ConnectionTrait,
    year: i32,
) -> StorageResult<Option<Versioned<BatchList>>> {
    batch_lists::Entity::find()
        .filter(batch_lists::Column::Year.eq(year))
        .one(conn)
        .await
        .map_err(StorageError::db("reading a batch list"))?
        .map(list_from_model)
        .transpose()
}

/// Every list, by year.
pub async fn list_lists(conn: &impl ConnectionTrait) -> StorageResult<Vec<Versioned<BatchList>>> {
    batch_lists::Entity::find()
        .order_by_asc(batch_lists::Column::Year)
        .all(conn)
        .await
        .map_err(StorageError::db("listing batch lists"))?
        .into_iter()
        .map(list_from_model)
        .collect()
}

/// A list's current entries.
pub async fn entries(
    conn: &impl ConnectionTrait,
    list: BatchListId,
) -> StorageResult<Vec<BatchEntry>> {
    batch_entries::Entity::find()
        .filter(batch_entries::Column::BatchListId.eq(list.0))
        .order_by_asc(batch_entries::Column::Batch)
        .order_by_asc(batch_entries::Column::EnterpriseId)
        .all(conn)
        .await
        .map_err(StorageError::db("reading batch entries"))?
        .into_iter()
        .map(entry_from_model)
        .collect()
}

/// A list's current entries of these enterprises (in chunks of [`crate::IN_CHUNK`]).
pub async fn entries_of_enterprises(
    conn: &impl ConnectionTrait,
    list: BatchListId,
    ids: &[EnterpriseId],
) -> StorageResult<Vec<BatchEntry>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(crate::IN_CHUNK) {
        let rows = batch_entries::Entity::find()
            .filter(batch_entries::Column::BatchListId.eq(list.0))
            .filter(batch_entries::Column::EnterpriseId.is_in(chunk.iter().map(|e| e.0)))
            .all(conn)
            .await
            .map_err(StorageError::db("reading batch entries"))?;
        for row in rows {
            out.push(entry_from_model(row)?);
        }
    }
    Ok(out)
}

/// An enterprise's entry on a list, if it has one.
pub async fn entry_of(
    conn: &impl ConnectionTrait,
    list: BatchListId,
    enterprise: EnterpriseId,
) -> StorageResult<Option<BatchEntry>> {
    batch_entries::Entity::find()
        .filter(batch_entries::Column::BatchListId.eq(list.0))
        .filter(batch_entries::Column::EnterpriseId.eq(enterprise.0))
        .one(conn)
        .await
        .map_err(StorageError::db("reading a batch entry"))?
        .map(entry_from_model)
        .transpose()
}

/// A change to record on a list.
#[derive(Clone, Debug)]
pub struct BatchChange {
    /// The list.
    pub list: BatchList,
    /// The enterprise.
    pub enterprise: EnterpriseId,
    /// Its entry now, if it has one (`None` to assign).
    pub current: Option<BatchEntry>,
    /// Its batch after (`None` to remove it).
    pub to: Option<Batch>,
    /// The batch the rules suggested, if the change answers a suggestion.
    pub suggested: Option<Batch>,
    /// When it takes effect.
    pub effective_on: NaiveDate,
    /// Why.
    pub reason: String,
}

/// Records an enterprise entering, moving within or leaving a list: the entry row changes and
/// a move and an audit entry are appended. Assigning an enterprise already on the list is
/// `Duplicate` (a unique key enforces it on every backend); a current entry that changed
/// meanwhile is `Conflict`.
pub async fn apply_change(uow: &mut UnitOfWork, change: &BatchChange) -> StorageResult<BatchMove> {
    let now = instant::to_text(uow.now());
    let list = &change.list;
    match (&change.current, change.to) {
        (None, Some(to)) => {
            batch_entries::Entity::insert(batch_entries::ActiveModel {
                id: Set(Uuid::now_v7()),
                batch_list_id: Set(list.id.0),
                enterprise_id: Set(change.enterprise.0),
                batch: Set(i16::from(to.number())),
                since: Set(change.effective_on),
                reason: Set(Some(change.reason.clone())),
                created_at: Set(now.clone()),
                updated_at: Set(now.clone()),
            })
            .exec_without_returning(uow.txn())
            .await
            .map_err(StorageError::db_unique(
                "assigning a batch",
                "batch entry",
                "enterprise",
                change.enterprise.to_string(),
            ))?;
        }
        (Some(current), Some(to)) => {
            let result = batch_entries::Entity::update_many()
                .col_expr(batch_entries::Column::Batch, i16::from(to.number()).into())
                .col_expr(batch_entries::Column::Since, change.effective_on.into())
                .col_expr(
                    batch_entries::Column::Reason,
                    Some(change.reason.clone()).into(),
                )
                .col_expr(batch_entries::Column::UpdatedAt, now.clone().into())
                .filter(batch_entries::Column::BatchListId.eq(list.id.0))
                .filter(batch_entries::Column::EnterpriseId.eq(change.enterprise.0))
                .filter(batch_entries::Column::Batch.eq(i16::from(current.batch.number())))
                .exec(uow.txn())
                .await
                .map_err(StorageError::db("moving a batch entry"))?;
            if result.rows_affected != 1 {
                return Err(StorageError::Conflict {
                    entity: "batch entry",
                    key: change.enterprise.to_string(),
                    expected: i64::from(current.batch.number()),
                });
            }
        }
        (Some(current), None) => {
            let result = batch_entries::Entity::delete_many()
                .filter(batch_entries::Column::BatchListId.eq(list.id.0))
                .filter(batch_entries::Column::EnterpriseId.eq(change.enterprise.0))
                .filter(batch_entries::Column::Batch.eq(i16::from(current.batch.number())))
                .exec(uow.txn())
                .await
                .map_err(StorageError::db("removing a batch entry"))?;
            if result.rows_affected != 1 {
                return Err(StorageError::Conflict {
                    entity: "batch entry",
                    key: change.enterprise.to_string(),
                    expected: i64::from(current.batch.number()),
                });
            }
        }
        (None, None) => {
            return Err(StorageError::NotFound {
                entity: "batch entry",
                key: change.enterprise.to_string(),
            });
        }
    }
    let mv = BatchMove {
        list: list.id,
        enterprise: change.enterprise,
        from: change.current.as_ref().map(|c| c.batch),
        to: change.to,
        suggested: change.suggested,
        effective_on: change.effective_on,
        recorded_at: uow.now(),
        actor: uow.actor().id.unwrap_or(OfficerId(Uuid::nil())),
        reason: change.reason.clone(),
    };
    batch_moves::Entity::insert(batch_moves::ActiveModel {
        id: Set(Uuid::now_v7()),
        batch_list_id: Set(list.id.0),
        enterprise_id: Set(change.enterprise.0),
        from_batch: Set(mv.from.map(|b| i16::from(b.number()))),
        to_batch: Set(mv.to.map(|b| i16::from(b.number()))),
        suggested_batch: Set(mv.suggested.map(|b| i16::from(b.number()))),
        effective_on: Set(mv.effective_on),
        recorded_at: Set(now),
        actor_id: Set(mv.actor.0),
        reason: Set(mv.reason.clone()),
    })
    .exec_without_returning(uow.txn())
    .await
    .map_err(StorageError::db("recording a batch move"))?;
    let action = match (mv.from, mv.to) {
        (None, Some(_)) => AuditAction::BatchAssign,
        (Some(_), Some(_)) => AuditAction::BatchMove,
        _ => AuditAction::BatchRemove,
    };
    uow.record(AuditFact {
        action,
        subject_type: "batch_entry".into(),
        subject_id: format!("{}/{}", list.year, change.enterprise),
        enterprise: Some(change.enterprise),
        before: mv
            .from
            .map(|b| json!({"year": list.year, "batch": b.number()})),
        after: mv
            .to
            .map(|b| json!({"year": list.year, "batch": b.number()})),
        reason: Some(mv.reason.clone()),
        effective_on: Some(mv.effective_on),
    })
    .await?;
    Ok(mv)
}

/// The moves of a list (or of one enterprise on it), oldest first.
pub async fn moves(
    conn: &impl ConnectionTrait,
    list: Option<BatchListId>,
    enterprise: Option<EnterpriseId>,
) -> StorageResult<Vec<BatchMove>> {
    let mut q = batch_moves::Entity::find();
    if let Some(l) = list {
        q = q.filter(batch_moves::Column::BatchListId.eq(l.0));
    }
    if let Some(e) = enterprise {
        q = q.filter(batch_moves::Column::EnterpriseId.eq(e.0));
    }
    q.order_by_asc(batch_moves::Column::RecordedAt)
        .order_by_asc(batch_moves::Column::Id)
        .all(conn)
        .await
        .map_err(StorageError::db("reading batch moves"))?
        .into_iter()
        .map(move_from_model)
        .collect()
}

/// The moves of these enterprises on a list, each enterprise's oldest first (by recording
/// instant, then id; in chunks of [`crate::IN_CHUNK`]).
pub async fn moves_of_enterprises(
    conn: &impl ConnectionTrait,
    list: BatchListId,
    ids: &[EnterpriseId],
) -> StorageResult<Vec<BatchMove>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(crate::IN_CHUNK) {
        let rows = batch_moves::Entity::find()
            .filter(batch_moves::Column::BatchListId.eq(list.0))
            .filter(batch_moves::Column::EnterpriseId.is_in(chunk.iter().map(|e| e.0)))
            .order_by_asc(batch_moves::Column::RecordedAt)
            .order_by_asc(batch_moves::Column::Id)
            .all(conn)
            .await
            .map_err(StorageError::db("reading batch moves"))?;
        for row in rows {
            out.push(move_from_model(row)?);
        }
    }
    Ok(out)
}
