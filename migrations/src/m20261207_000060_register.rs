//! The statistical register (`register_periods`): one row per stay of an enterprise in the
//! statistics bureau's register of above-scale industry (`above_scale`, 规上工业) or
//! above-limit trade (`above_limit`, 限上商贸).
//!
//! A stay is entered in a month (`entered_month`, `YYYY-MM`) by a route (`monthly` 月度入库 or
//! `annual` 年度入库) and left (退库) in a later month (`exited_month`, with `exit_reason`), or is
//! still open. A re-entry after an exit is a new row: history is kept. `source` says where the
//! row came from (`track`, `import`, `hand`); `version` is the optimistic lock an exit updates
//! `WHERE version = expected`. Two stays of one enterprise in one register cannot begin in the
//! same month (the unique index), which also stops two racing entries.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Width of an instant column, as in the initial schema.
const INSTANT: u32 = 32;

#[derive(DeriveIden)]
enum RegisterPeriods {
    Table,
    Id,
    EnterpriseId,
    Kind,
    EnteredMonth,
    Route,
    ExitedMonth,
    ExitReason,
    Source,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RegisterPeriods::Table)
                .col(pk_uuid(RegisterPeriods::Id))
                .col(uuid(RegisterPeriods::EnterpriseId))
                .col(string_len(RegisterPeriods::Kind, 16))
                .col(string_len(RegisterPeriods::EnteredMonth, 7))
                .col(string_len(RegisterPeriods::Route, 16))
                .col(string_len_null(RegisterPeriods::ExitedMonth, 7))
                .col(text_null(RegisterPeriods::ExitReason))
                .col(string_len(RegisterPeriods::Source, 16))
                .col(integer(RegisterPeriods::Version))
                .col(string_len(RegisterPeriods::CreatedAt, INSTANT))
                .col(string_len(RegisterPeriods::UpdatedAt, INSTANT))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_register_periods_enterprise")
                        .from(RegisterPeriods::Table, RegisterPeriods::EnterpriseId)
                        .to(Alias::new("enterprises"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Restrict)
                        .on_update(ForeignKeyAction::Restrict),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_register_periods_entry")
                .table(RegisterPeriods::Table)
                .col(RegisterPeriods::EnterpriseId)
                .col(RegisterPeriods::Kind)
                .col(RegisterPeriods::EnteredMonth)
                .unique()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_register_periods_kind_entered")
                .table(RegisterPeriods::Table)
                .col(RegisterPeriods::Kind)
                .col(RegisterPeriods::EnteredMonth)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RegisterPeriods::Table).take())
            .await
    }
}
