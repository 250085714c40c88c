//! Idempotency keys that hold their first answer: `idempotency_keys` gains what a replay needs.
//!
//! The initial schema created the table as a stub that nothing wrote or read. A key is now bound
//! to its request (the acting officer and a `fingerprint`: SHA-256 over the method, the path and
//! the body's SHA-256) and keeps the first answer verbatim: its HTTP `status`, its JSON body in
//! `response` and its `etag`. The table is recreated rather than altered: it has never held a row,
//! and SQLite cannot add a `NOT NULL` column without a default. `created_at` is indexed for the
//! cleanup of expired keys.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Width of an instant column, as in the initial schema.
const INSTANT: u32 = 32;

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    RequestId,
    Action,
    ActorLogin,
    Fingerprint,
    Status,
    Etag,
    Response,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IdempotencyKeys::Table).take())
            .await?;
        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(string_len(IdempotencyKeys::RequestId, 64).primary_key())
                .col(string_len(IdempotencyKeys::Action, 64))
                .col(string_len(IdempotencyKeys::ActorLogin, 32))
                .col(string_len(IdempotencyKeys::Fingerprint, 64))
                .col(integer(IdempotencyKeys::Status))
                .col(string_len_null(IdempotencyKeys::Etag, 64))
                .col(text(IdempotencyKeys::Response))
                .col(string_len(IdempotencyKeys::CreatedAt, INSTANT))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_idempotency_keys_created_at")
                .table(IdempotencyKeys::Table)
                .col(IdempotencyKeys::CreatedAt)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IdempotencyKeys::Table).take())
            .await?;
        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(string_len(IdempotencyKeys::RequestId, 64).primary_key())
                .col(string_len(IdempotencyKeys::Action, 64))
                .col(string_len(IdempotencyKeys::ActorLogin, 32))
                .col(text(IdempotencyKeys::Response))
                .col(string_len(IdempotencyKeys::CreatedAt, INSTANT))
                .take(),
        )
        .await
    }
}
