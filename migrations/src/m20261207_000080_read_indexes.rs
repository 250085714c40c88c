//! Indexes for reads that cost what they show (docs/PERFORMANCE.md, "Reads that cost what they
//! show"): nothing but indexes, so existing rows need no change.
//!
//! - `tasks(delegate_id, status, due_on)`: the tasks delegated to an officer, by the same
//!   (status, due) form as `idx_tasks_assignee_status_due` serves for their own;
//! - `tasks(assignee_id, status, completed_on)`, `tasks(delegate_id, status, completed_on)` and
//!   `tasks(status, completed_on)`: an officer's (or the bureau's) tasks done in a given week, by
//!   a range instead of every done task. Without the delegate's, SQLite serves "delegated to
//!   this officer and done last week" from `(status, completed_on)`: every task the bureau
//!   finished that week (67,000 at province scale, 0.5 s);
//! - `audit_entries(subject_type, subject_id, recorded_at)`: the entries of given tasks up to a
//!   moment (a past week's list rebuilt for a scope's tasks, not from the whole log);
//! - `audit_entries(action, recorded_at)`: the entries of given actions since a moment (the
//!   tasks reassigned since a past week, which may have left or joined a scope).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each index: its name, table and columns.
const INDEXES: [(&str, &str, &[&str]); 6] = [
    (
        "idx_tasks_delegate_status_due",
        "tasks",
        &["delegate_id", "status", "due_on"],
    ),
    (
        "idx_tasks_assignee_status_completed",
        "tasks",
        &["assignee_id", "status", "completed_on"],
    ),
    (
        "idx_tasks_delegate_status_completed",
        "tasks",
        &["delegate_id", "status", "completed_on"],
    ),
    (
        "idx_tasks_status_completed",
        "tasks",
        &["status", "completed_on"],
    ),
    (
        "idx_audit_subject_recorded",
        "audit_entries",
        &["subject_type", "subject_id", "recorded_at"],
    ),
    (
        "idx_audit_action_recorded",
        "audit_entries",
        &["action", "recorded_at"],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, columns) in INDEXES {
            let mut index = Index::create().name(name).table(Alias::new(table)).take();
            for column in columns {
                index.col(Alias::new(*column));
            }
            m.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES {
            m.drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
