use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "transitions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub cultivation_id: Uuid,
    pub enterprise_id: Uuid,
    pub track_id: Uuid,
    pub seq: i32,
    pub from_stage: Option<String>,
    pub to_stage: String,
    pub effective_on: Date,
    pub recorded_at: String,
    pub actor_id: Uuid,
    pub on_behalf_of: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub evidence: String,
    pub overridden: bool,
    #[sea_orm(column_type = "Text")]
    pub guard_results: String,
    pub request_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
