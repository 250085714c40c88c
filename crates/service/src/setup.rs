//! Setting up a database: the schema and the first admin.

use peiyu_domain::{Login, Officer, OfficerId, Role, Text};
use peiyu_storage::{Actor, officers};

use crate::error::{Field, ServiceError, ServiceResult};
use crate::{Service, in_unit};

/// What `init` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitReport {
    /// The backend initialised (`sqlite`, `postgres`, `mysql`).
    pub backend: &'static str,
    /// The shipped track versions stored by this run (none when already stored).
    pub tracks_loaded: Vec<peiyu_storage::TrackRecord>,
    /// The first admin, when `init` created one; `None` when an admin already existed.
    pub created_admin: Option<Officer>,
}

impl Service {
    /// Brings the schema up to date and, on a database with no admin, creates one. Running it
    /// again changes nothing.
    #[tracing::instrument(skip(self))]
    pub async fn init(&self, admin_login: &str, admin_name: &str) -> ServiceResult<InitReport> {
        let login =
            Login::new(admin_login).map_err(|e| ServiceError::invalid_from(Field::Admin, &e))?;
        if admin_name.trim().is_empty() {
            return Err(ServiceError::invalid(
                Field::AdminName,
                Text::new("姓名不能为空", "the name must not be empty"),
            ));
        }
        self.store().migrate().await?;
        let backend = self.store().backend().name();
        let tracks_loaded = self.load_shipped_tracks().await?;
        if officers::count_admins(self.store().conn()).await? > 0 {
            return Ok(InitReport {
                backend,
                tracks_loaded,
                created_admin: None,
            });
        }
        let admin = Officer {
            id: OfficerId::new(),
            login,
            name: admin_name.trim().to_owned(),
            role: Role::Admin,
            active: true,
        };
        in_unit!(self, &Actor::system(), |uow| {
            officers::insert_officer(uow, &admin).await?;
            Ok(())
        })?;
        Ok(InitReport {
            backend,
            tracks_loaded,
            created_admin: Some(admin),
        })
    }
}
