use sea_orm::entity::prelude::*;

/// One period of one officer on one team: member on the days `joined_on <= D < left_on`
/// (`left_on` null while they are on it).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "team_memberships")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub team_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub officer_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub joined_on: Date,
    pub left_on: Option<Date>,
    pub joined_at: String,
    pub left_at: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
