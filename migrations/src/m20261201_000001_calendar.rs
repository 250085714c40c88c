//! The working-day calendar in the database: the State Council's notices loaded by an admin
//! (`calendar_years`), shared by every instance; and, on each task, how its due date was counted,
//! so that loading a notice can count it again.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CalendarYears {
    Table,
    Year,
    Source,
    DaysOff,
    MakeupWorkdays,
    NoticeText,
    LoadedBy,
    LoadedAt,
    Version,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    DueCountFrom,
    DueCountDays,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CalendarYears::Table)
                .col(integer(CalendarYears::Year).primary_key())
                .col(string_len(CalendarYears::Source, 500))
                // The dates as ISO text separated by commas, ascending: a year has at most a few
                // dozen, and the text is what the audit entry holds.
                .col(text(CalendarYears::DaysOff))
                .col(text(CalendarYears::MakeupWorkdays))
                .col(text_null(CalendarYears::NoticeText))
                .col(uuid(CalendarYears::LoadedBy))
                .col(string_len(CalendarYears::LoadedAt, 32))
                .col(integer(CalendarYears::Version))
                .take(),
        )
        .await?;
        // SQLite adds one column per ALTER TABLE.
        m.alter_table(
            Table::alter()
                .table(Tasks::Table)
                .add_column(date_null(Tasks::DueCountFrom))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Tasks::Table)
                .add_column(integer_null(Tasks::DueCountDays))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Tasks::Table)
                .drop_column(Tasks::DueCountDays)
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Tasks::Table)
                .drop_column(Tasks::DueCountFrom)
                .take(),
        )
        .await?;
        m.drop_table(Table::drop().table(CalendarYears::Table).take())
            .await
    }
}
