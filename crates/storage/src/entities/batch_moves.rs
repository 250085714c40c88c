use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "batch_moves")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub batch_list_id: Uuid,
    pub enterprise_id: Uuid,
    pub from_batch: Option<i16>,
    pub to_batch: Option<i16>,
    pub suggested_batch: Option<i16>,
    pub effective_on: Date,
    pub recorded_at: String,
    pub actor_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
