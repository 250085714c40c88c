use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enterprises")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub uscc: String,
    pub name: String,
    pub sector: String,
    pub town: String,
    pub address: String,
    pub land_area_centi_mu: Option<i64>,
    pub legal_form: String,
    pub responsible_officer_id: Option<Uuid>,
    pub archived: bool,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
