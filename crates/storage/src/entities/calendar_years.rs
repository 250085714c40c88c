use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_years")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub source: String,
    #[sea_orm(column_type = "Text")]
    pub days_off: String,
    #[sea_orm(column_type = "Text")]
    pub makeup_workdays: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub notice_text: Option<String>,
    pub loaded_by: Uuid,
    pub loaded_at: String,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
