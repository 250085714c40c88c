use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_notes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub task_id: Uuid,
    pub author_id: Uuid,
    pub written_on: Date,
    #[sea_orm(column_type = "Text")]
    pub progress: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub problem: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub next_step: Option<String>,
    pub created_at: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
