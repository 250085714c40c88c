//! Accounts: an officer's password (its argon2id hash, whether it must be changed, when it was
//! set), the web sessions of the pages (`web_sessions`, keyed by the SHA-256 of the cookie's
//! secret), and the failed logins the rate limit counts (`login_attempts`, in the database so
//! that every server instance on it counts the same).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Width of an instant column, as in the initial schema.
const INSTANT: u32 = 32;

#[derive(DeriveIden)]
enum Officers {
    Table,
    Id,
    PasswordHash,
    MustChangePassword,
    PasswordSetAt,
}

#[derive(DeriveIden)]
enum WebSessions {
    Table,
    Id,
    OfficerId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    EndedAt,
    UserAgent,
    Address,
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    Id,
    Login,
    Address,
    AttemptedAt,
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create().name(name).table(table).take();
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    stmt
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE, and a NOT NULL column needs a default.
        m.alter_table(
            Table::alter()
                .table(Officers::Table)
                // A PHC string (`$argon2id$v=19$m=…`): about 100 characters.
                .add_column(string_len_null(Officers::PasswordHash, 255))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Officers::Table)
                .add_column(boolean(Officers::MustChangePassword).default(false))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Officers::Table)
                .add_column(string_len_null(Officers::PasswordSetAt, INSTANT))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WebSessions::Table)
                // Lower-case hex SHA-256 of the cookie's secret: the secret is never stored.
                .col(string_len(WebSessions::Id, 64).primary_key())
                .col(uuid(WebSessions::OfficerId))
                .col(string_len(WebSessions::CreatedAt, INSTANT))
                .col(string_len(WebSessions::LastSeenAt, INSTANT))
                .col(string_len(WebSessions::ExpiresAt, INSTANT))
                .col(string_len_null(WebSessions::EndedAt, INSTANT))
                .col(string_len_null(WebSessions::UserAgent, 300))
                .col(string_len_null(WebSessions::Address, 64))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_web_sessions_officer")
                        .from(WebSessions::Table, WebSessions::OfficerId)
                        .to(Officers::Table, Officers::Id)
                        .on_delete(ForeignKeyAction::Restrict)
                        .on_update(ForeignKeyAction::Restrict),
                )
                .take(),
        )
        .await?;
        m.create_index(index(
            "idx_web_sessions_officer",
            WebSessions::Table,
            &["officer_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(LoginAttempts::Table)
                .col(pk_uuid(LoginAttempts::Id))
                // The login as typed (trimmed, lower-cased, at most 64 characters): attempts on
                // names that do not exist are counted too.
                .col(string_len(LoginAttempts::Login, 64))
                .col(string_len_null(LoginAttempts::Address, 64))
                .col(string_len(LoginAttempts::AttemptedAt, INSTANT))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idx_login_attempts_login",
            LoginAttempts::Table,
            &["login", "attempted_at"],
        ))
        .await?;
        m.create_index(index(
            "idx_login_attempts_address",
            LoginAttempts::Table,
            &["address", "attempted_at"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LoginAttempts::Table).take())
            .await?;
        m.drop_table(Table::drop().table(WebSessions::Table).take())
            .await?;
        for col in [
            Officers::PasswordSetAt,
            Officers::MustChangePassword,
            Officers::PasswordHash,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Officers::Table)
                    .drop_column(col)
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}
