//! Evidence files uploaded with a completed task (or an advance): kept in the database under
//! their SHA-256, which the audit entry of the change that cites them records. Content-addressed:
//! the same bytes are kept once, and the audited hash verifies them.
//!
//! The bytes column is `bytea` on PostgreSQL, `LONGBLOB` on MySQL/MariaDB (a plain `BLOB` there
//! holds only 64 KiB) and `BLOB` on SQLite.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Width of an instant column, as in the initial schema.
const INSTANT: u32 = 32;

#[derive(DeriveIden)]
enum EvidenceFiles {
    Table,
    Sha256,
    Name,
    MediaType,
    Size,
    Bytes,
    UploadedBy,
    UploadedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut bytes = ColumnDef::new(EvidenceFiles::Bytes);
        match m.get_database_backend() {
            DatabaseBackend::MySql => bytes.custom(Alias::new("LONGBLOB")),
            _ => bytes.blob(),
        };
        m.create_table(
            Table::create()
                .table(EvidenceFiles::Table)
                .col(string_len(EvidenceFiles::Sha256, 64).primary_key())
                .col(string_len(EvidenceFiles::Name, 200))
                .col(string_len(EvidenceFiles::MediaType, 100))
                .col(big_integer(EvidenceFiles::Size))
                .col(bytes.not_null())
                .col(string_len(EvidenceFiles::UploadedBy, 32))
                .col(string_len(EvidenceFiles::UploadedAt, INSTANT))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(EvidenceFiles::Table).take())
            .await
    }
}
