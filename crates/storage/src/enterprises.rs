//! Enterprises: recording and reading the firms on the county's books.

use peiyu_domain::AuditAction;
use peiyu_domain::{
    Enterprise, EnterpriseId, LandArea, LegalForm, OfficerId, Sector, Uscc, UsccMode,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

use crate::audit::{AuditFact, UnitOfWork};
use crate::entities::enterprises;
use crate::error::{StorageError, StorageResult};
use crate::instant;
use crate::page::{Page, PageStart};

/// A stored value with the version its optimistic lock is at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Versioned<T> {
    /// The value.
    pub value: T,
    /// The version to pass back when changing it.
    pub version: i64,
}

/// How an enterprise looks in the audit log.
pub fn enterprise_json(e: &Enterprise) -> serde_json::Value {
    json!({
        "id": e.id.0.to_string(),
        "uscc": e.uscc.as_str(),
        "name": e.name,
        "sector": e.sector.key(),
        "town": e.town,
        "address": e.address,
        "land_area_centi_mu": e.land_area.map(|a| a.centi_mu()),
        "legal_form": e.legal_form.key(),
        "responsible_officer": e.responsible_officer.map(|o| o.0.to_string()),
        "archived": e.archived,
    })
}

pub(crate) fn from_model(m: enterprises::Model) -> StorageResult<Versioned<Enterprise>> {
    let corrupt = |column: &'static str, value: &str, detail: String| StorageError::Corrupt {
        table: "enterprises",
        column,
        value: value.to_owned(),
        detail,
    };
    // Codes accepted leniently at entry are stored as given; read them back the same way.
    let (uscc, _) = Uscc::parse_with(&m.uscc, UsccMode::Lenient)
        .map_err(|e| corrupt("uscc", &m.uscc, e.to_string()))?;
    Ok(Versioned {
        value: Enterprise {
            id: EnterpriseId(m.id),
            uscc,
            sector: Sector::parse(&m.sector)
                .map_err(|e| corrupt("sector", &m.sector, e.to_string()))?,
            legal_form: LegalForm::parse(&m.legal_form)
                .map_err(|e| corrupt("legal_form", &m.legal_form, e.to_string()))?,
            name: m.name,
            town: m.town,
            address: m.address,
            land_area: m.land_area_centi_mu.map(LandArea::from_centi_mu),
            responsible_officer: m.responsible_officer_id.map(OfficerId),
            archived: m.archived,
        },
        version: i64::from(m.version),
    })
}

/// Records a new enterprise at version 1. A taken USCC is [`StorageError::Duplicate`].
pub async fn insert_enterprise(
    uow: &mut UnitOfWork,
    e: &Enterprise,
    reason: Option<String>,
) -> StorageResult<()> {
    let now = instant::to_text(uow.now());
    enterprises::Entity::insert(enterprises::ActiveModel {
        id: Set(e.id.0),
        uscc: Set(e.uscc.as_str().to_owned()),
        name: Set(e.name.clone()),
        sector: Set(e.sector.key().to_owned()),
        town: Set(e.town.clone()),
        address: Set(e.address.clone()),
        land_area_centi_mu: Set(e.land_area.map(|a| a.centi_mu())),
        legal_form: Set(e.legal_form.key().to_owned()),
        responsible_officer_id: Set(e.responsible_officer.map(|o| o.0)),
        archived: Set(e.archived),
        version: Set(1),
        created_at: Set(now.clone()),
        updated_at: Set(now),
    })
    .exec_without_returning(uow.txn())
    .await
    .map_err(StorageError::db_unique(
        "adding an enterprise",
        "enterprise",
        "uscc",
        e.uscc.as_str(),
    ))?;
    uow.record(AuditFact {
        action: AuditAction::EnterpriseAdd,
        subject_type: "enterprise".into(),
        subject_id: e.uscc.as_str().to_owned(),
        enterprise: Some(e.id),
        before: None,
        after: Some(enterprise_json(e)),
        reason,
        effective_on: None,
    })
    .await?;
    Ok(())
}

/// Records a change to an enterprise, if it is still at `expected_version`; returns the new
/// version. Someone else's change in between is [`StorageError::Conflict`]. `action` names the
/// change in the audit log (`enterprise.edit`, `enterprise.archive`).
pub async fn update_enterprise(
    uow: &mut UnitOfWork,
    before: &Enterprise,
    after: &Enterprise,
    expected_version: i64,
    action: AuditAction,
    reason: Option<String>,
) -> StorageResult<i64> {
    let now = instant::to_text(uow.now());
    let fact = write_enterprise(uow, before, after, expected_version, &now, action, reason).await?;
    uow.record(fact).await?;
    Ok(expected_version + 1)
}

/// The one versioned UPDATE of an enterprise row, shared by [`update_enterprise`] and the bulk
/// import: writes `after` if the row is still at `expected_version` (else
/// [`StorageError::Conflict`]) and returns the audit fact to record, unchained, so that a bulk
/// write can chain many at once.
pub(crate) async fn write_enterprise(
    uow: &mut UnitOfWork,
    before: &Enterprise,
    after: &Enterprise,
    expected_version: i64,
    now: &str,
    action: AuditAction,
    reason: Option<String>,
) -> StorageResult<AuditFact> {
    let conflict = || StorageError::Conflict {
        entity: "enterprise",
        key: after.uscc.as_str().to_owned(),
        expected: expected_version,
    };
    let expected = i32::try_from(expected_version).map_err(|_| conflict())?;
    let result = enterprises::Entity::update_many()
        .col_expr(enterprises::Column::Uscc, after.uscc.as_str().into())
        .col_expr(enterprises::Column::Name, after.name.clone().into())
        .col_expr(enterprises::Column::Sector, after.sector.key().into())
        .col_expr(enterprises::Column::Town, after.town.clone().into())
        .col_expr(enterprises::Column::Address, after.address.clone().into())
        .col_expr(
            enterprises::Column::LandAreaCentiMu,
            after.land_area.map(|a| a.centi_mu()).into(),
        )
        .col_expr(
            enterprises::Column::LegalForm,
            after.legal_form.key().into(),
        )
        .col_expr(
            enterprises::Column::ResponsibleOfficerId,
            after.responsible_officer.map(|o| o.0).into(),
        )
        .col_expr(enterprises::Column::Archived, after.archived.into())
        .col_expr(enterprises::Column::Version, (expected + 1).into())
        .col_expr(enterprises::Column::UpdatedAt, now.into())
        .filter(enterprises::Column::Id.eq(after.id.0))
        .filter(enterprises::Column::Version.eq(expected))
        .exec(uow.txn())
        .await
        .map_err(StorageError::db_unique(
            "changing an enterprise",
            "enterprise",
            "uscc",
            after.uscc.as_str(),
        ))?;
    if result.rows_affected != 1 {
        return Err(conflict());
    }
    Ok(AuditFact {
        action,
        subject_type: "enterprise".into(),
        subject_id: after.uscc.as_str().to_owned(),
        enterprise: Some(after.id),
        before: Some(enterprise_json(before)),
        after: Some(enterprise_json(after)),
        reason,
        effective_on: None,
    })
}

/// The enterprise with this id.
pub async fn get_enterprise(
    conn: &impl ConnectionTrait,
    id: EnterpriseId,
) -> StorageResult<Versioned<Enterprise>> {
    enterprises::Entity::find_by_id(id.0)
        .one(conn)
        .await
        .map_err(StorageError::db("reading an enterprise"))?
        .map(from_model)
        .transpose()?
        .ok_or_else(|| StorageError::NotFound {
            entity: "enterprise",
            key: id.0.to_string(),
        })
}

/// The enterprises with these ids (unknown ids are skipped), read in chunks of
/// [`crate::IN_CHUNK`] so a long list stays within every backend's parameter limit.
pub async fn enterprises_by_ids(
    conn: &impl ConnectionTrait,
    ids: &[EnterpriseId],
) -> StorageResult<Vec<Enterprise>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::IN_CHUNK) {
        let rows = enterprises::Entity::find()
            .filter(enterprises::Column::Id.is_in(chunk.iter().map(|id| id.0)))
            .all(conn)
            .await
            .map_err(StorageError::db("reading enterprises"))?;
        for row in rows {
            out.push(from_model(row)?.value);
        }
    }
    Ok(out)
}

/// The enterprise with this USCC, if any.
pub async fn find_enterprise_by_uscc(
    conn: &impl ConnectionTrait,
    uscc: &str,
) -> StorageResult<Option<Versioned<Enterprise>>> {
    enterprises::Entity::find()
        .filter(enterprises::Column::Uscc.eq(uscc))
        .one(conn)
        .await
        .map_err(StorageError::db("finding an enterprise"))?
        .map(from_model)
        .transpose()
}

/// Enterprises whose name equals `name`, or failing that, contains it.
pub async fn find_enterprises_by_name(
    conn: &impl ConnectionTrait,
    name: &str,
) -> StorageResult<Vec<Versioned<Enterprise>>> {
    let exact = enterprises::Entity::find()
        .filter(enterprises::Column::Name.eq(name))
        .all(conn)
        .await
        .map_err(StorageError::db("finding an enterprise"))?;
    let rows = if exact.is_empty() {
        enterprises::Entity::find()
            .filter(name_contains(name))
            .order_by_asc(enterprises::Column::Name)
            .all(conn)
            .await
            .map_err(StorageError::db("finding an enterprise"))?
    } else {
        exact
    };
    rows.into_iter().map(from_model).collect()
}

/// Which enterprises to list.
#[derive(Clone, Debug, Default)]
pub struct EnterpriseFilter {
    /// Include archived enterprises too.
    pub include_archived: bool,
    /// Only those this officer is responsible for, or any of these officers.
    pub responsible: Option<Vec<OfficerId>>,
    /// Only this sector.
    pub sector: Option<Sector>,
    /// Only this town.
    pub town: Option<String>,
    /// Only names containing this.
    pub name_contains: Option<String>,
    /// Only those with a cultivation at this stage (of this track, when one is given).
    pub stage: Option<StageFilter>,
}

/// A stage of a cultivation track, to find the enterprises standing at it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StageFilter {
    /// The track's key; `None` for the stage on any track that has it.
    pub track: Option<String>,
    /// The stage's key (`candidate`, `cultivating`, …).
    pub stage: String,
}

/// The condition of a filter.
fn filter_condition(filter: &EnterpriseFilter) -> Condition {
    let mut cond = Condition::all();
    if !filter.include_archived {
        cond = cond.add(enterprises::Column::Archived.eq(false));
    }
    if let Some(officers) = &filter.responsible {
        cond =
            cond.add(enterprises::Column::ResponsibleOfficerId.is_in(officers.iter().map(|o| o.0)));
    }
    if let Some(sector) = filter.sector {
        cond = cond.add(enterprises::Column::Sector.eq(sector.key()));
    }
    if let Some(town) = &filter.town {
        cond = cond.add(enterprises::Column::Town.eq(town.clone()));
    }
    if let Some(name) = &filter.name_contains {
        cond = cond.add(name_contains(name));
    }
    if let Some(stage) = &filter.stage {
        cond = cond.add(at_stage(stage));
    }
    cond
}

/// Enterprises matching the filter, by name (then USCC).
pub async fn list_enterprises(
    conn: &impl ConnectionTrait,
    filter: &EnterpriseFilter,
) -> StorageResult<Vec<Versioned<Enterprise>>> {
    enterprises::Entity::find()
        .filter(filter_condition(filter))
        .order_by_asc(enterprises::Column::Name)
        .order_by_asc(enterprises::Column::Uscc)
        .all(conn)
        .await
        .map_err(StorageError::db("listing enterprises"))?
        .into_iter()
        .map(from_model)
        .collect()
}

/// One page of [`list_enterprises`]: at most `limit` enterprises from `start`, whose keys are
/// `(name, USCC)` — a keyset read (`(name, uscc) > (?, ?)`, `LIMIT limit + 1`).
pub async fn list_enterprises_page(
    conn: &impl ConnectionTrait,
    filter: &EnterpriseFilter,
    start: &PageStart<(String, String)>,
    limit: u64,
) -> StorageResult<Page<Versioned<Enterprise>>> {
    let query = enterprises::Entity::find().filter(filter_condition(filter));
    let keys = (enterprises::Column::Name, enterprises::Column::Uscc);
    let rows = crate::page::read_keyset(conn, query, keys, start, limit)
        .await
        .map_err(StorageError::db("listing enterprises"))?
        .into_iter()
        .map(from_model)
        .collect::<StorageResult<Vec<_>>>()?;
    Ok(Page::of(rows, limit))
}

/// `id IN (SELECT enterprise_id FROM cultivations WHERE stage = ? [AND track_key = ?])`.
fn at_stage(filter: &StageFilter) -> sea_orm::sea_query::Expr {
    use crate::entities::cultivations;
    use sea_orm::sea_query::Query;
    let mut inner = Query::select();
    inner
        .column(cultivations::Column::EnterpriseId)
        .from(cultivations::Entity)
        .and_where(cultivations::Column::Stage.eq(filter.stage.clone()));
    if let Some(track) = &filter.track {
        inner.and_where(cultivations::Column::TrackKey.eq(track.clone()));
    }
    enterprises::Column::Id.in_subquery(inner.take())
}

/// The escape character of name searches: `!` rather than a backslash, which MySQL would read
/// as an escape inside the SQL string itself.
const LIKE_ESCAPE: char = '!';

/// `name LIKE '%text%'` with `text` taken literally: its `%`, `_` and `!` are escaped, so
/// `50%` finds names containing "50%", not every name containing "50".
fn name_contains(text: &str) -> sea_orm::sea_query::Expr {
    use sea_orm::ExprTrait;
    use sea_orm::sea_query::{Expr, LikeExpr};
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | LIKE_ESCAPE) {
            pattern.push(LIKE_ESCAPE);
        }
        pattern.push(c);
    }
    pattern.push('%');
    Expr::col((enterprises::Entity, enterprises::Column::Name))
        .like(LikeExpr::new(pattern).escape(LIKE_ESCAPE))
}
