//! The State Council's holiday notices loaded into the database (`calendar_years`): one row per
//! year, shared by every instance, each load audited on the bureau chain. Storage records the
//! dates; what they mean for working days is the workflow's calendar.

use chrono::NaiveDate;
use peiyu_domain::AuditAction;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{AuditFact, UnitOfWork};
use crate::entities::calendar_years;
use crate::error::{StorageError, StorageResult};
use crate::instant;

/// One loaded notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarYear {
    /// The year it arranges.
    pub year: i32,
    /// Which notice (title and publication date).
    pub source: String,
    /// Its days off, ascending.
    pub days_off: Vec<NaiveDate>,
    /// Its make-up workdays (调休上班), ascending.
    pub makeup_workdays: Vec<NaiveDate>,
    /// The notice's text as loaded, if it was loaded from text.
    pub notice_text: Option<String>,
}

fn join(dates: &[NaiveDate]) -> String {
    dates
        .iter()
        .map(NaiveDate::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn split(year: i32, column: &'static str, text: &str) -> StorageResult<Vec<NaiveDate>> {
    text.split(',')
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse().map_err(|_| StorageError::Corrupt {
                table: "calendar_years",
                column,
                value: part.chars().take(100).collect(),
                detail: format!("year {year}: not a date YYYY-MM-DD"),
            })
        })
        .collect()
}

fn year_json(y: &CalendarYear) -> serde_json::Value {
    json!({
        "year": y.year,
        "source": y.source,
        "days_off": y.days_off.iter().map(NaiveDate::to_string).collect::<Vec<_>>(),
        "makeup_workdays": y.makeup_workdays.iter().map(NaiveDate::to_string).collect::<Vec<_>>(),
    })
}

/// Every loaded notice, by year.
pub async fn loaded_years(conn: &impl ConnectionTrait) -> StorageResult<Vec<CalendarYear>> {
    let rows = calendar_years::Entity::find()
        .order_by_asc(calendar_years::Column::Year)
        .all(conn)
        .await
        .map_err(StorageError::db("reading the loaded holiday notices"))?;
    rows.into_iter()
        .map(|row| {
            Ok(CalendarYear {
                year: row.year,
                days_off: split(row.year, "days_off", &row.days_off)?,
                makeup_workdays: split(row.year, "makeup_workdays", &row.makeup_workdays)?,
                source: row.source,
                notice_text: row.notice_text,
            })
        })
        .collect()
}

/// Records a year's notice, replacing an earlier load of the same year, with its audit entry
/// (`calendar.load`; the entry holds the dates before and after). Returns the year as it was
/// before, if it had been loaded.
pub async fn store_year(
    uow: &mut UnitOfWork,
    year: &CalendarYear,
) -> StorageResult<Option<CalendarYear>> {
    let existing = calendar_years::Entity::find()
        .filter(calendar_years::Column::Year.eq(year.year))
        .one(uow.txn())
        .await
        .map_err(StorageError::db("reading a loaded holiday notice"))?;
    let previous = match &existing {
        Some(row) => Some(CalendarYear {
            year: row.year,
            source: row.source.clone(),
            days_off: split(row.year, "days_off", &row.days_off)?,
            makeup_workdays: split(row.year, "makeup_workdays", &row.makeup_workdays)?,
            notice_text: row.notice_text.clone(),
        }),
        None => None,
    };
    let now = instant::to_text(uow.now());
    let actor = uow.actor().id.map(|o| o.0).unwrap_or(Uuid::nil());
    match existing {
        Some(row) => {
            let updated = calendar_years::Entity::update_many()
                .col_expr(calendar_years::Column::Source, year.source.clone().into())
                .col_expr(calendar_years::Column::DaysOff, join(&year.days_off).into())
                .col_expr(
                    calendar_years::Column::MakeupWorkdays,
                    join(&year.makeup_workdays).into(),
                )
                .col_expr(
                    calendar_years::Column::NoticeText,
                    year.notice_text.clone().into(),
                )
                .col_expr(calendar_years::Column::LoadedBy, actor.into())
                .col_expr(calendar_years::Column::LoadedAt, now.into())
                .col_expr(calendar_years::Column::Version, (row.version + 1).into())
                .filter(calendar_years::Column::Year.eq(year.year))
                .filter(calendar_years::Column::Version.eq(row.version))
                .exec(uow.txn())
                .await
                .map_err(StorageError::db("replacing a loaded holiday notice"))?;
            if updated.rows_affected == 0 {
                return Err(StorageError::Conflict {
                    entity: "calendar year",
                    key: year.year.to_string(),
                    expected: i64::from(row.version),
                });
            }
        }
        None => {
            calendar_years::Entity::insert(calendar_years::ActiveModel {
                year: Set(year.year),
                source: Set(year.source.clone()),
                days_off: Set(join(&year.days_off)),
                makeup_workdays: Set(join(&year.makeup_workdays)),
                notice_text: Set(year.notice_text.clone()),
                loaded_by: Set(actor),
                loaded_at: Set(now),
                version: Set(1),
            })
            .exec_without_returning(uow.txn())
            .await
            .map_err(StorageError::db_unique(
                "loading a holiday notice",
                "calendar year",
                "year",
                year.year.to_string(),
            ))?;
        }
    }
    uow.record(AuditFact {
        action: AuditAction::CalendarLoad,
        subject_type: "calendar_year".into(),
        subject_id: year.year.to_string(),
        enterprise: None,
        before: previous.as_ref().map(year_json),
        after: Some(year_json(year)),
        reason: Some(year.source.clone()),
        effective_on: None,
    })
    .await?;
    Ok(previous)
}
