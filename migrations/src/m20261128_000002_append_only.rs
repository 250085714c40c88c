//! History is never updated or deleted: the database itself refuses UPDATE and DELETE on the
//! append-only tables, with a trigger on each backend.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables whose rows, once written, are history.
pub(crate) const APPEND_ONLY: [&str; 4] =
    ["audit_entries", "transitions", "batch_moves", "audit_seals"];

/// Makes `table` append-only: a trigger refuses every UPDATE and DELETE on it (on PostgreSQL
/// through the function `peiyu_append_only`, which this migration creates).
pub(crate) async fn protect(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let conn = m.get_connection();
    match m.get_database_backend() {
        DbBackend::Sqlite => {
            for op in ["UPDATE", "DELETE"] {
                conn.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_no_{lower} BEFORE {op} ON {table} \
                     BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END",
                    lower = op.to_lowercase()
                ))
                .await?;
            }
        }
        DbBackend::Postgres => {
            conn.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION peiyu_append_only()"
            ))
            .await?;
        }
        DbBackend::MySql => {
            for op in ["UPDATE", "DELETE"] {
                conn.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_no_{lower} BEFORE {op} ON {table} FOR EACH ROW \
                     SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{table} is append-only: {op} refused'",
                    lower = op.to_lowercase()
                ))
                .await?;
            }
        }
        other => {
            return Err(DbErr::Migration(format!(
                "unsupported database backend {other:?}"
            )));
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "CREATE OR REPLACE FUNCTION peiyu_append_only() RETURNS trigger AS $$ \
                     BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END; \
                     $$ LANGUAGE plpgsql",
                )
                .await?;
        }
        for table in APPEND_ONLY {
            protect(m, table).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        let backend = m.get_database_backend();
        for table in APPEND_ONLY {
            match backend {
                DbBackend::Postgres => {
                    conn.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {table}_append_only ON {table}"
                    ))
                    .await?;
                }
                _ => {
                    for op in ["update", "delete"] {
                        conn.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_no_{op}"))
                            .await?;
                    }
                }
            }
        }
        Ok(())
    }
}
