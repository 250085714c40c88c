use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub enterprise_id: Option<Uuid>,
    pub cultivation_id: Option<Uuid>,
    pub kind: String,
    pub title: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub assignee_id: Uuid,
    pub delegate_id: Option<Uuid>,
    pub created_by: Uuid,
    pub status: String,
    pub created_on: Date,
    pub due_on: Date,
    pub due_count_from: Option<Date>,
    pub due_count_days: Option<i32>,
    pub follow_up_on: Option<Date>,
    pub origin: String,
    pub completed_on: Option<Date>,
    #[sea_orm(column_type = "Text", nullable)]
    pub completion_note: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub evidence: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub cancel_reason: Option<String>,
    pub escalated_at: Option<String>,
    pub escalated_to: Option<Uuid>,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
