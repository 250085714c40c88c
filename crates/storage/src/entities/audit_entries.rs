use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub chain_key: String,
    pub seq: i64,
    pub recorded_at: String,
    pub effective_on: Option<Date>,
    pub actor_id: Option<Uuid>,
    pub actor_login: String,
    pub on_behalf_of: Option<String>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub enterprise_id: Option<Uuid>,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub reason: Option<String>,
    pub request_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
