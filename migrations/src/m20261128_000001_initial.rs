//! The initial schema: every table peiyu needs, with keys and the indexes its queries use.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Width of an instant column: `2023-06-30T08:12:33.123456Z` is 27 characters.
const INSTANT: u32 = 32;

fn instant<T: IntoIden>(col: T) -> ColumnDef {
    string_len(col, INSTANT)
}

fn instant_null<T: IntoIden>(col: T) -> ColumnDef {
    string_len_null(col, INSTANT)
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .on_update(ForeignKeyAction::Restrict)
        .take()
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
        // Officers, teams and memberships.
        m.create_table(
            Table::create()
                .table(Officers::Table)
                .col(pk_uuid(Officers::Id))
                .col(string_len_uniq(Officers::Login, 32))
                .col(string_len(Officers::Name, 100))
                .col(string_len(Officers::Role, 16))
                .col(boolean(Officers::Active))
                .col(instant(Officers::CreatedAt))
                .col(instant(Officers::UpdatedAt))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Teams::Table)
                .col(pk_uuid(Teams::Id))
                .col(string_len_uniq(Teams::Name, 100))
                .col(uuid_null(Teams::LeadId))
                .col(instant(Teams::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_teams_lead",
                    (Teams::Table, Teams::LeadId),
                    (Officers::Table, Officers::Id),
                ))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TeamMemberships::Table)
                .col(uuid(TeamMemberships::TeamId))
                .col(uuid(TeamMemberships::OfficerId))
                .col(instant(TeamMemberships::JoinedAt))
                .primary_key(
                    Index::create()
                        .col(TeamMemberships::TeamId)
                        .col(TeamMemberships::OfficerId),
                )
                .foreign_key(&mut fk(
                    "fk_memberships_team",
                    (TeamMemberships::Table, TeamMemberships::TeamId),
                    (Teams::Table, Teams::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_memberships_officer",
                    (TeamMemberships::Table, TeamMemberships::OfficerId),
                    (Officers::Table, Officers::Id),
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idx_memberships_officer",
            TeamMemberships::Table,
            &["officer_id"],
        ))
        .await?;

        // Enterprises and their monthly metrics.
        m.create_table(
            Table::create()
                .table(Enterprises::Table)
                .col(pk_uuid(Enterprises::Id))
                .col(string_len_uniq(Enterprises::Uscc, 18))
                .col(string_len(Enterprises::Name, 200))
                .col(string_len(Enterprises::Sector, 24))
                .col(string_len(Enterprises::Town, 64))
                .col(string_len(Enterprises::Address, 300))
                .col(big_integer_null(Enterprises::LandAreaCentiMu))
                .col(string_len(Enterprises::LegalForm, 16))
                .col(uuid_null(Enterprises::ResponsibleOfficerId))
                .col(boolean(Enterprises::Archived))
                .col(integer(Enterprises::Version))
                .col(instant(Enterprises::CreatedAt))
                .col(instant(Enterprises::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_enterprises_officer",
                    (Enterprises::Table, Enterprises::ResponsibleOfficerId),
                    (Officers::Table, Officers::Id),
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idx_enterprises_officer",
            Enterprises::Table,
            &["responsible_officer_id"],
        ))
        .await?;
        m.create_index(index("idx_enterprises_name", Enterprises::Table, &["name"]))
            .await?;

        m.create_table(
            Table::create()
                .table(Metrics::Table)
                .col(uuid(Metrics::EnterpriseId))
                .col(string_len(Metrics::Month, 7))
                .col(big_integer_null(Metrics::Revenue))
                .col(big_integer_null(Metrics::OutputValue))
                .col(big_integer_null(Metrics::EnergyKgce))
                .col(integer_null(Metrics::Employees))
                .col(big_integer_null(Metrics::Tax))
                .col(big_integer_null(Metrics::RndSpend))
                .col(instant(Metrics::CreatedAt))
                .col(instant(Metrics::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(Metrics::EnterpriseId)
                        .col(Metrics::Month),
                )
                .foreign_key(&mut fk(
                    "fk_metrics_enterprise",
                    (Metrics::Table, Metrics::EnterpriseId),
                    (Enterprises::Table, Enterprises::Id),
                ))
                .take(),
        )
        .await?;
        m.create_index(index("idx_metrics_month", Metrics::Table, &["month"]))
            .await?;

        // Tracks (versioned definitions), cultivations and their transitions.
        m.create_table(
            Table::create()
                .table(Tracks::Table)
                .col(pk_uuid(Tracks::Id))
                .col(string_len(Tracks::Key, 32))
                .col(integer(Tracks::Version))
                .col(string_len(Tracks::ContentHash, 64))
                .col(text(Tracks::Definition))
                .col(instant(Tracks::LoadedAt))
                .col(uuid_null(Tracks::LoadedBy))
                .foreign_key(&mut fk(
                    "fk_tracks_loaded_by",
                    (Tracks::Table, Tracks::LoadedBy),
                    (Officers::Table, Officers::Id),
                ))
                .take(),
        )
        .await?;
        m.create_index(
            index("uq_tracks_key_version", Tracks::Table, &["key", "version"])
                .unique()
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "uq_tracks_key_hash",
                Tracks::Table,
                &["key", "content_hash"],
            )
            .unique()
            .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Cultivations::Table)
                .col(pk_uuid(Cultivations::Id))
                .col(uuid(Cultivations::EnterpriseId))
                .col(uuid(Cultivations::TrackId))
                .col(string_len(Cultivations::TrackKey, 32))
                .col(string_len(Cultivations::Stage, 32))
                .col(date(Cultivations::StageSince))
                .col(date(Cultivations::OpenedOn))
                .col(string_len_null(Cultivations::TargetStage, 32))
                .col(date_null(Cultivations::TargetDate))
                .col(date_null(Cultivations::ExpiresOn))
                .col(integer(Cultivations::Version))
                .col(instant(Cultivations::CreatedAt))
                .col(instant(Cultivations::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_cultivations_enterprise",
                    (Cultivations::Table, Cultivations::EnterpriseId),
                    (Enterprises::Table, Enterprises::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_cultivations_track",
                    (Cultivations::Table, Cultivations::TrackId),
                    (Tracks::Table, Tracks::Id),
                ))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "uq_cultivations_enterprise_track",
                Cultivations::Table,
                &["enterprise_id", "track_key"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_index(index(
            "idx_cultivations_track_stage",
            Cultivations::Table,
            &["track_key", "stage"],
        ))
        .await?;
        m.create_index(index(
            "idx_cultivations_target",
            Cultivations::Table,
            &["target_date"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Transitions::Table)
                .col(pk_uuid(Transitions::Id))
                .col(uuid(Transitions::CultivationId))
                .col(uuid(Transitions::EnterpriseId))
                .col(uuid(Transitions::TrackId))
                .col(integer(Transitions::Seq))
                .col(string_len_null(Transitions::FromStage, 32))
                .col(string_len(Transitions::ToStage, 32))
                .col(date(Transitions::EffectiveOn))
                .col(instant(Transitions::RecordedAt))
                .col(uuid(Transitions::ActorId))
                .col(uuid_null(Transitions::OnBehalfOf))
                .col(text_null(Transitions::Reason))
                .col(text(Transitions::Evidence))
                .col(boolean(Transitions::Overridden))
                .col(text(Transitions::GuardResults))
                .col(string_len_null(Transitions::RequestId, 64))
                .foreign_key(&mut fk(
                    "fk_transitions_cultivation",
                    (Transitions::Table, Transitions::CultivationId),
                    (Cultivations::Table, Cultivations::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_transitions_enterprise",
                    (Transitions::Table, Transitions::EnterpriseId),
                    (Enterprises::Table, Enterprises::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_transitions_track",
                    (Transitions::Table, Transitions::TrackId),
                    (Tracks::Table, Tracks::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_transitions_actor",
                    (Transitions::Table, Transitions::ActorId),
                    (Officers::Table, Officers::Id),
                ))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "uq_transitions_cultivation_seq",
                Transitions::Table,
                &["cultivation_id", "seq"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_index(index(
            "idx_transitions_enterprise_effective",
            Transitions::Table,
            &["enterprise_id", "effective_on"],
        ))
        .await?;
        m.create_index(index(
            "idx_transitions_effective",
            Transitions::Table,
            &["effective_on"],
        ))
        .await?;

        // The four batches: yearly lists, current entries, and the append-only moves.
        m.create_table(
            Table::create()
                .table(BatchLists::Table)
                .col(pk_uuid(BatchLists::Id))
                .col(integer_uniq(BatchLists::Year))
                .col(string_len(BatchLists::Status, 16))
                .col(instant_null(BatchLists::PublishedAt))
                .col(uuid_null(BatchLists::PublishedBy))
                .col(integer(BatchLists::Version))
                .col(instant(BatchLists::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_batch_lists_published_by",
                    (BatchLists::Table, BatchLists::PublishedBy),
                    (Officers::Table, Officers::Id),
                ))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(BatchEntries::Table)
                .col(pk_uuid(BatchEntries::Id))
                .col(uuid(BatchEntries::BatchListId))
                .col(uuid(BatchEntries::EnterpriseId))
                .col(small_integer(BatchEntries::Batch))
                .col(date(BatchEntries::Since))
                .col(text_null(BatchEntries::Reason))
                .col(instant(BatchEntries::CreatedAt))
                .col(instant(BatchEntries::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_batch_entries_list",
                    (BatchEntries::Table, BatchEntries::BatchListId),
                    (BatchLists::Table, BatchLists::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_batch_entries_enterprise",
                    (BatchEntries::Table, BatchEntries::EnterpriseId),
                    (Enterprises::Table, Enterprises::Id),
                ))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "uq_batch_entries_list_enterprise",
                BatchEntries::Table,
                &["batch_list_id", "enterprise_id"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_index(index(
            "idx_batch_entries_enterprise",
            BatchEntries::Table,
            &["enterprise_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(BatchMoves::Table)
                .col(pk_uuid(BatchMoves::Id))
                .col(uuid(BatchMoves::BatchListId))
                .col(uuid(BatchMoves::EnterpriseId))
                .col(small_integer_null(BatchMoves::FromBatch))
                .col(small_integer_null(BatchMoves::ToBatch))
                .col(small_integer_null(BatchMoves::SuggestedBatch))
                .col(date(BatchMoves::EffectiveOn))
                .col(instant(BatchMoves::RecordedAt))
                .col(uuid(BatchMoves::ActorId))
                .col(text(BatchMoves::Reason))
                .foreign_key(&mut fk(
                    "fk_batch_moves_list",
                    (BatchMoves::Table, BatchMoves::BatchListId),
                    (BatchLists::Table, BatchLists::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_batch_moves_enterprise",
                    (BatchMoves::Table, BatchMoves::EnterpriseId),
                    (Enterprises::Table, Enterprises::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_batch_moves_actor",
                    (BatchMoves::Table, BatchMoves::ActorId),
                    (Officers::Table, Officers::Id),
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idx_batch_moves_list_effective",
            BatchMoves::Table,
            &["batch_list_id", "effective_on"],
        ))
        .await?;
        m.create_index(index(
            "idx_batch_moves_enterprise",
            BatchMoves::Table,
            &["enterprise_id", "effective_on"],
        ))
        .await?;

        // Tasks.
        m.create_table(
            Table::create()
                .table(Tasks::Table)
                .col(pk_uuid(Tasks::Id))
                .col(uuid_null(Tasks::EnterpriseId))
                .col(uuid_null(Tasks::CultivationId))
                .col(string_len(Tasks::Kind, 48))
                .col(string_len(Tasks::Title, 200))
                .col(text_null(Tasks::Description))
                .col(uuid(Tasks::AssigneeId))
                .col(uuid_null(Tasks::DelegateId))
                .col(uuid(Tasks::CreatedBy))
                .col(string_len(Tasks::Status, 16))
                .col(date(Tasks::CreatedOn))
                .col(date(Tasks::DueOn))
                .col(date_null(Tasks::FollowUpOn))
                .col(string_len(Tasks::Origin, 64))
                .col(date_null(Tasks::CompletedOn))
                .col(text_null(Tasks::CompletionNote))
                .col(text_null(Tasks::Evidence))
                .col(text_null(Tasks::CancelReason))
                .col(instant_null(Tasks::EscalatedAt))
                .col(uuid_null(Tasks::EscalatedTo))
                .col(integer(Tasks::Version))
                .col(instant(Tasks::CreatedAt))
                .col(instant(Tasks::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_tasks_enterprise",
                    (Tasks::Table, Tasks::EnterpriseId),
                    (Enterprises::Table, Enterprises::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_tasks_cultivation",
                    (Tasks::Table, Tasks::CultivationId),
                    (Cultivations::Table, Cultivations::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_tasks_assignee",
                    (Tasks::Table, Tasks::AssigneeId),
                    (Officers::Table, Officers::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_tasks_delegate",
                    (Tasks::Table, Tasks::DelegateId),
                    (Officers::Table, Officers::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_tasks_created_by",
                    (Tasks::Table, Tasks::CreatedBy),
                    (Officers::Table, Officers::Id),
                ))
                .take(),
        )
        .await?;
        // The weekly list's main access path: one officer's open tasks by due date.
        m.create_index(index(
            "idx_tasks_assignee_status_due",
            Tasks::Table,
            &["assignee_id", "status", "due_on"],
        ))
        .await?;
        m.create_index(index(
            "idx_tasks_status_due",
            Tasks::Table,
            &["status", "due_on"],
        ))
        .await?;
        m.create_index(index(
            "idx_tasks_enterprise",
            Tasks::Table,
            &["enterprise_id"],
        ))
        .await?;
        m.create_index(index(
            "idx_tasks_cultivation",
            Tasks::Table,
            &["cultivation_id"],
        ))
        .await?;

        // The audit log: one hash chain per enterprise and one for bureau-level subjects.
        m.create_table(
            Table::create()
                .table(AuditEntries::Table)
                .col(pk_uuid(AuditEntries::Id))
                .col(string_len(AuditEntries::ChainKey, 64))
                .col(big_integer(AuditEntries::Seq))
                .col(instant(AuditEntries::RecordedAt))
                .col(date_null(AuditEntries::EffectiveOn))
                .col(uuid_null(AuditEntries::ActorId))
                .col(string_len(AuditEntries::ActorLogin, 32))
                .col(string_len_null(AuditEntries::OnBehalfOf, 32))
                .col(string_len(AuditEntries::Action, 64))
                .col(string_len(AuditEntries::SubjectType, 32))
                .col(string_len(AuditEntries::SubjectId, 64))
                .col(uuid_null(AuditEntries::EnterpriseId))
                .col(text_null(AuditEntries::BeforeState))
                .col(text_null(AuditEntries::AfterState))
                .col(text_null(AuditEntries::Reason))
                .col(string_len_null(AuditEntries::RequestId, 64))
                .col(string_len(AuditEntries::PrevHash, 64))
                .col(string_len(AuditEntries::Hash, 64))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "uq_audit_chain_seq",
                AuditEntries::Table,
                &["chain_key", "seq"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_index(index(
            "idx_audit_enterprise_recorded",
            AuditEntries::Table,
            &["enterprise_id", "recorded_at"],
        ))
        .await?;
        m.create_index(index(
            "idx_audit_actor_recorded",
            AuditEntries::Table,
            &["actor_login", "recorded_at"],
        ))
        .await?;
        m.create_index(index(
            "idx_audit_recorded",
            AuditEntries::Table,
            &["recorded_at"],
        ))
        .await?;

        // The head of each chain: the row writers lock to append, so writers on different
        // enterprises never wait on each other.
        m.create_table(
            Table::create()
                .table(AuditChainHeads::Table)
                .col(string_len(AuditChainHeads::ChainKey, 64).primary_key())
                .col(big_integer(AuditChainHeads::Seq))
                .col(string_len(AuditChainHeads::Hash, 64))
                .col(instant(AuditChainHeads::UpdatedAt))
                .take(),
        )
        .await?;

        // Daily seals: a hash over all chain heads at the end of a day.
        m.create_table(
            Table::create()
                .table(AuditSeals::Table)
                .col(date(AuditSeals::Day).primary_key())
                .col(text(AuditSeals::Heads))
                .col(string_len(AuditSeals::Hash, 64))
                .col(instant(AuditSeals::CreatedAt))
                .take(),
        )
        .await?;

        // Targets, API tokens, idempotency keys.
        m.create_table(
            Table::create()
                .table(Targets::Table)
                .col(pk_uuid(Targets::Id))
                .col(integer(Targets::Year))
                .col(string_len(Targets::Metric, 48))
                .col(big_integer(Targets::Value))
                .col(uuid(Targets::SetBy))
                .col(instant(Targets::CreatedAt))
                .col(instant(Targets::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_targets_set_by",
                    (Targets::Table, Targets::SetBy),
                    (Officers::Table, Officers::Id),
                ))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "uq_targets_year_metric",
                Targets::Table,
                &["year", "metric"],
            )
            .unique()
            .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(pk_uuid(ApiTokens::Id))
                .col(uuid(ApiTokens::OfficerId))
                .col(string_len(ApiTokens::Name, 100))
                .col(string_len_uniq(ApiTokens::TokenHash, 64))
                .col(instant(ApiTokens::CreatedAt))
                .col(instant_null(ApiTokens::ExpiresAt))
                .col(instant_null(ApiTokens::LastUsedAt))
                .col(boolean(ApiTokens::Revoked))
                .foreign_key(&mut fk(
                    "fk_api_tokens_officer",
                    (ApiTokens::Table, ApiTokens::OfficerId),
                    (Officers::Table, Officers::Id),
                ))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(string_len(IdempotencyKeys::RequestId, 64).primary_key())
                .col(string_len(IdempotencyKeys::Action, 64))
                .col(string_len(IdempotencyKeys::ActorLogin, 32))
                .col(text(IdempotencyKeys::Response))
                .col(instant(IdempotencyKeys::CreatedAt))
                .take(),
        )
        .await?;

        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            IdempotencyKeys::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            Targets::Table.into_iden(),
            AuditSeals::Table.into_iden(),
            AuditChainHeads::Table.into_iden(),
            AuditEntries::Table.into_iden(),
            Tasks::Table.into_iden(),
            BatchMoves::Table.into_iden(),
            BatchEntries::Table.into_iden(),
            BatchLists::Table.into_iden(),
            Transitions::Table.into_iden(),
            Cultivations::Table.into_iden(),
            Tracks::Table.into_iden(),
            Metrics::Table.into_iden(),
            Enterprises::Table.into_iden(),
            TeamMemberships::Table.into_iden(),
            Teams::Table.into_iden(),
            Officers::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Officers {
    Table,
    Id,
    Login,
    Name,
    Role,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
    Name,
    LeadId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TeamMemberships {
    Table,
    TeamId,
    OfficerId,
    JoinedAt,
}

#[derive(DeriveIden)]
enum Enterprises {
    Table,
    Id,
    Uscc,
    Name,
    Sector,
    Town,
    Address,
    LandAreaCentiMu,
    LegalForm,
    ResponsibleOfficerId,
    Archived,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Metrics {
    Table,
    EnterpriseId,
    Month,
    Revenue,
    OutputValue,
    EnergyKgce,
    Employees,
    Tax,
    RndSpend,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tracks {
    Table,
    Id,
    Key,
    Version,
    ContentHash,
    Definition,
    LoadedAt,
    LoadedBy,
}

#[derive(DeriveIden)]
enum Cultivations {
    Table,
    Id,
    EnterpriseId,
    TrackId,
    TrackKey,
    Stage,
    StageSince,
    OpenedOn,
    TargetStage,
    TargetDate,
    ExpiresOn,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Transitions {
    Table,
    Id,
    CultivationId,
    EnterpriseId,
    TrackId,
    Seq,
    FromStage,
    ToStage,
    EffectiveOn,
    RecordedAt,
    ActorId,
    OnBehalfOf,
    Reason,
    Evidence,
    Overridden,
    GuardResults,
    RequestId,
}

#[derive(DeriveIden)]
enum BatchLists {
    Table,
    Id,
    Year,
    Status,
    PublishedAt,
    PublishedBy,
    Version,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BatchEntries {
    Table,
    Id,
    BatchListId,
    EnterpriseId,
    Batch,
    Since,
    Reason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BatchMoves {
    Table,
    Id,
    BatchListId,
    EnterpriseId,
    FromBatch,
    ToBatch,
    SuggestedBatch,
    EffectiveOn,
    RecordedAt,
    ActorId,
    Reason,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Id,
    EnterpriseId,
    CultivationId,
    Kind,
    Title,
    Description,
    AssigneeId,
    DelegateId,
    CreatedBy,
    Status,
    CreatedOn,
    DueOn,
    FollowUpOn,
    Origin,
    CompletedOn,
    CompletionNote,
    Evidence,
    CancelReason,
    EscalatedAt,
    EscalatedTo,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditEntries {
    Table,
    Id,
    ChainKey,
    Seq,
    RecordedAt,
    EffectiveOn,
    ActorId,
    ActorLogin,
    OnBehalfOf,
    Action,
    SubjectType,
    SubjectId,
    EnterpriseId,
    BeforeState,
    AfterState,
    Reason,
    RequestId,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditChainHeads {
    Table,
    ChainKey,
    Seq,
    Hash,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditSeals {
    Table,
    Day,
    Heads,
    Hash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Targets {
    Table,
    Id,
    Year,
    Metric,
    Value,
    SetBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    OfficerId,
    Name,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
    Revoked,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    RequestId,
    Action,
    ActorLogin,
    Response,
    CreatedAt,
}
