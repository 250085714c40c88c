//! Progress notes on tasks (`task_notes`): what the Monday meeting reads in a list's 进展 column.
//!
//! A note is history: once written it is never changed or deleted (the append-only triggers
//! of `m20261128_000002_append_only` are added for this table too). `written_on` is the day the
//! note speaks of, in the county's zone; `created_at` when it was recorded. The index on
//! `(task_id, written_on)` finds a task's latest note on or before a list's day.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Width of an instant column, as in the initial schema.
const INSTANT: u32 = 32;

const TABLE: &str = "task_notes";

#[derive(DeriveIden)]
enum TaskNotes {
    Table,
    Id,
    TaskId,
    AuthorId,
    WrittenOn,
    Progress,
    Problem,
    NextStep,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TaskNotes::Table)
                .col(pk_uuid(TaskNotes::Id))
                .col(uuid(TaskNotes::TaskId))
                .col(uuid(TaskNotes::AuthorId))
                .col(date(TaskNotes::WrittenOn))
                .col(text(TaskNotes::Progress))
                .col(text_null(TaskNotes::Problem))
                .col(text_null(TaskNotes::NextStep))
                .col(string_len(TaskNotes::CreatedAt, INSTANT))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_task_notes_task")
                        .from(TaskNotes::Table, TaskNotes::TaskId)
                        .to(Alias::new("tasks"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Restrict)
                        .on_update(ForeignKeyAction::Restrict),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_task_notes_task_written")
                .table(TaskNotes::Table)
                .col(TaskNotes::TaskId)
                .col(TaskNotes::WrittenOn)
                .take(),
        )
        .await?;
        crate::m20261128_000002_append_only::protect(m, TABLE).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TaskNotes::Table).take())
            .await
    }
}
