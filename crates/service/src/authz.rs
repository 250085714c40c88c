//! Who may act on what. Authorisation lives here, in the service, and nowhere else.
//!
//! - An admin may do everything.
//! - A leader (局领导) reads everything and changes only the year's targets (and their own
//!   password and tokens): docs/authorisation.md.
//! - A lead (组长) acts on the enterprises of the teams they belong to, their own included.
//! - An officer acts on the enterprises they are responsible for, and on those of officers who
//!   share a team with them.
//! - Every active officer may read the enterprise register.

use peiyu_domain::{Enterprise, Officer, OfficerId, Role};
use peiyu_storage::Store;

use crate::error::{ServiceError, ServiceResult};

/// The officers whose enterprises `officer` may act on: themselves and everyone who shares a
/// team with them. `None` means no limit (admin).
pub async fn acting_scope(
    store: &Store,
    officer: &Officer,
) -> ServiceResult<Option<Vec<OfficerId>>> {
    match officer.role {
        Role::Admin => Ok(None),
        Role::Leader => Ok(Some(Vec::new())),
        Role::Officer | Role::Lead => {
            let mut scope = vec![officer.id];
            for team in peiyu_storage::officers::teams_of(store.conn(), officer.id).await? {
                for member in peiyu_storage::officers::members_of(store.conn(), team).await? {
                    if !scope.contains(&member) {
                        scope.push(member);
                    }
                }
            }
            Ok(Some(scope))
        }
    }
}

/// Fails unless `officer` may change things at all.
pub fn require_writer(officer: &Officer) -> ServiceResult<()> {
    if officer.role.can_write() {
        Ok(())
    } else {
        Err(ServiceError::forbidden(
            format!(
                "{}（{}）只能查看，不能修改",
                officer.name,
                officer.role.label(peiyu_domain::Lang::Zh)
            ),
            format!(
                "{} is a {} and can read but not change anything",
                officer.name,
                officer.role.label(peiyu_domain::Lang::En)
            ),
        ))
    }
}

/// Fails unless `officer` is an admin.
pub fn require_admin(officer: &Officer, what_zh: &str, what_en: &str) -> ServiceResult<()> {
    if officer.role == Role::Admin {
        Ok(())
    } else {
        Err(ServiceError::forbidden(
            format!("只有管理员可以{what_zh}"),
            format!("only an admin may {what_en}"),
        ))
    }
}

/// Fails unless `officer` may act on `enterprise`.
pub async fn require_enterprise_access(
    store: &Store,
    officer: &Officer,
    enterprise: &Enterprise,
) -> ServiceResult<()> {
    require_writer(officer)?;
    let Some(scope) = acting_scope(store, officer).await? else {
        return Ok(());
    };
    match enterprise.responsible_officer {
        Some(resp) if scope.contains(&resp) => Ok(()),
        _ => Err(ServiceError::forbidden(
            format!(
                "「{}」不由你或你所在专班负责：请联系其负责干部或管理员",
                enterprise.name
            ),
            format!(
                "\"{}\" is not yours or your team's: ask its responsible officer or an admin",
                enterprise.name
            ),
        )),
    }
}

/// Fails unless `actor` may hand work — an enterprise, a task — to `to`: an admin to anyone;
/// an officer or a lead to themselves or someone who shares a team with them. The one rule for
/// enterprise handover, task assignment, transfer and delegation. Nobody may hand work to an
/// inactive officer.
pub async fn require_handover_to(
    store: &Store,
    actor: &Officer,
    to: &Officer,
) -> ServiceResult<()> {
    if !to.active {
        return Err(ServiceError::forbidden(
            format!(
                "「{}」（{}）已停用，不能再接手工作：请交给在岗干部",
                to.name,
                to.login.as_str()
            ),
            format!(
                "{} ({}) is inactive and cannot be given work: hand it to an active officer",
                to.name,
                to.login.as_str()
            ),
        ));
    }
    if let Some(scope) = acting_scope(store, actor).await?
        && !scope.contains(&to.id)
    {
        return Err(ServiceError::forbidden(
            format!(
                "你只能把工作交给自己或同专班的干部，「{}」（{}）不在你的专班：请联系组长或管理员",
                to.name,
                to.login.as_str()
            ),
            format!(
                "you may only hand work to yourself or a teammate; {} ({}) is not in your team: ask a lead or an admin",
                to.name,
                to.login.as_str()
            ),
        ));
    }
    Ok(())
}
