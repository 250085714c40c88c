//! Team membership with dates: `team_memberships` becomes a table of periods.
//!
//! A row is one period of one officer on one team: the day they joined (`joined_on`), the day
//! they left (`left_on`, null while they are on it) and when each was recorded (`joined_at`,
//! `left_at`). An officer is a member on day D when `joined_on <= D` and (`left_on` is null or
//! `D < left_on`). Re-joining opens a new period; leaving closes the open one and deletes
//! nothing. The key is (team, officer, joined_on).
//!
//! The rows of the old table (one per current member, dated only by the instant recorded) are
//! carried over as open periods, each joined on the day of its `joined_at` in UTC+8, the
//! county's zone — the same day `audit verify` derives for a `team.join` entry recorded before
//! periods existed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Width of an instant column, as in the initial schema.
const INSTANT: u32 = 32;

#[derive(DeriveIden)]
enum TeamMemberships {
    Table,
    TeamId,
    OfficerId,
    JoinedAt,
}

#[derive(DeriveIden)]
enum MembershipPeriods {
    Table,
    TeamId,
    OfficerId,
    JoinedOn,
    LeftOn,
    JoinedAt,
    LeftAt,
}

/// The day, in UTC+8, of the instant text in `column` (`2023-06-30T20:12:33.123456Z` is
/// 2023-07-01), as SQL for the backend.
fn county_day(backend: DatabaseBackend, column: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => {
            format!("CAST(CAST({column} AS TIMESTAMP) + INTERVAL '8 hours' AS DATE)")
        }
        DatabaseBackend::MySql => format!(
            "DATE(DATE_ADD(CAST(REPLACE(SUBSTR({column}, 1, 19), 'T', ' ') AS DATETIME), INTERVAL 8 HOUR))"
        ),
        _ => format!("date({column}, '+8 hours')"),
    }
}

fn fk(name: &str, column: MembershipPeriods, table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(MembershipPeriods::Table, column)
        .to(Alias::new(table), Alias::new("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .on_update(ForeignKeyAction::Restrict)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MembershipPeriods::Table)
                .col(uuid(MembershipPeriods::TeamId))
                .col(uuid(MembershipPeriods::OfficerId))
                .col(date(MembershipPeriods::JoinedOn))
                .col(date_null(MembershipPeriods::LeftOn))
                .col(string_len(MembershipPeriods::JoinedAt, INSTANT))
                .col(string_len_null(MembershipPeriods::LeftAt, INSTANT))
                .primary_key(
                    Index::create()
                        .col(MembershipPeriods::TeamId)
                        .col(MembershipPeriods::OfficerId)
                        .col(MembershipPeriods::JoinedOn),
                )
                .foreign_key(&mut fk(
                    "fk_membership_periods_team",
                    MembershipPeriods::TeamId,
                    "teams",
                ))
                .foreign_key(&mut fk(
                    "fk_membership_periods_officer",
                    MembershipPeriods::OfficerId,
                    "officers",
                ))
                .take(),
        )
        .await?;
        let day = county_day(m.get_database_backend(), "joined_at");
        m.get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO membership_periods (team_id, officer_id, joined_on, left_on, joined_at, left_at) \
                 SELECT team_id, officer_id, {day}, NULL, joined_at, NULL FROM team_memberships"
            ))
            .await?;
        m.drop_table(Table::drop().table(TeamMemberships::Table).take())
            .await?;
        m.rename_table(
            Table::rename()
                .table(MembershipPeriods::Table, TeamMemberships::Table)
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_membership_periods_officer")
                .table(TeamMemberships::Table)
                .col(Alias::new("officer_id"))
                .col(Alias::new("joined_on"))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Back to one row per current member: the closed periods are dropped.
        m.rename_table(
            Table::rename()
                .table(TeamMemberships::Table, MembershipPeriods::Table)
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TeamMemberships::Table)
                .col(uuid(TeamMemberships::TeamId))
                .col(uuid(TeamMemberships::OfficerId))
                .col(string_len(TeamMemberships::JoinedAt, INSTANT))
                .primary_key(
                    Index::create()
                        .col(TeamMemberships::TeamId)
                        .col(TeamMemberships::OfficerId),
                )
                .take(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO team_memberships (team_id, officer_id, joined_at) \
                 SELECT team_id, officer_id, joined_at FROM membership_periods WHERE left_on IS NULL",
            )
            .await?;
        m.drop_table(Table::drop().table(MembershipPeriods::Table).take())
            .await
    }
}
