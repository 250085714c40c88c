use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "metrics")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub enterprise_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: String,
    pub revenue: Option<i64>,
    pub output_value: Option<i64>,
    pub energy_kgce: Option<i64>,
    pub employees: Option<i32>,
    pub tax: Option<i64>,
    pub rnd_spend: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
