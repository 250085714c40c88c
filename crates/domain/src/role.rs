//! Roles: what a user of peiyu may see and change.

use std::fmt;
use std::str::FromStr;

use crate::i18n::{Lang, Localize, Text};

/// A user's role. Everyone can read; all but [`Role::Leader`] can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// 干部: an officer who looks after enterprises and does the tasks.
    Officer,
    /// 组长: leads a team of officers.
    Lead,
    /// 局领导: bureau leadership; reads everything, changes nothing.
    Leader,
    /// 管理员: manages users, teams and configuration.
    Admin,
}

/// A text that names no role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleError {
    /// Not a role key or Chinese name.
    #[error("unknown role \"{input}\": expected officer, lead, leader or admin")]
    Unknown {
        /// The text as given.
        input: String,
    },
}

impl Localize for RoleError {
    fn localize(&self, _lang: Lang) -> Text {
        match self {
            RoleError::Unknown { input } => Text::new(
                format!("未知的角色 \"{input}\"：应为 干部、组长、局领导 或 管理员"),
                self.to_string(),
            ),
        }
    }
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [Role::Officer, Role::Lead, Role::Leader, Role::Admin];

    /// The stable key: `officer`, `lead`, `leader`, `admin`.
    pub fn key(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Lead => "lead",
            Role::Leader => "leader",
            Role::Admin => "admin",
        }
    }

    /// Reads a key (any ASCII case) or a Chinese name: 干部, 组长, 局领导, 管理员.
    pub fn parse(s: &str) -> Result<Role, RoleError> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        Role::ALL
            .into_iter()
            .find(|r| lower == r.key() || t == r.label(Lang::Zh))
            .ok_or_else(|| RoleError::Unknown {
                input: s.to_owned(),
            })
    }

    /// The name to show: zh 干部 / 组长 / 局领导 / 管理员, en officer / team lead /
    /// bureau leader / administrator.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Role::Officer, Lang::Zh) => "干部",
            (Role::Officer, Lang::En) => "officer",
            (Role::Lead, Lang::Zh) => "组长",
            (Role::Lead, Lang::En) => "team lead",
            (Role::Leader, Lang::Zh) => "局领导",
            (Role::Leader, Lang::En) => "bureau leader",
            (Role::Admin, Lang::Zh) => "管理员",
            (Role::Admin, Lang::En) => "administrator",
        }
    }

    /// Whether the role may change anything; bureau leaders only read.
    pub fn can_write(self) -> bool {
        self != Role::Leader
    }
}

impl fmt::Display for Role {
    /// Prints [`Role::key`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Role {
    type Err = RoleError;

    /// Same as [`Role::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.key()), Ok(r));
            assert_eq!(Role::parse(r.label(Lang::Zh)), Ok(r));
            assert_eq!(r.to_string().parse::<Role>(), Ok(r));
        }
        assert_eq!(Role::parse("干部"), Ok(Role::Officer));
        assert_eq!(Role::parse("组长"), Ok(Role::Lead));
        assert_eq!(Role::parse("局领导"), Ok(Role::Leader));
        assert_eq!(Role::parse(" ADMIN "), Ok(Role::Admin));
    }

    #[test]
    fn only_leaders_are_read_only() {
        assert!(Role::Officer.can_write());
        assert!(Role::Lead.can_write());
        assert!(!Role::Leader.can_write());
        assert!(Role::Admin.can_write());
    }

    #[test]
    fn unknown_role() {
        let err = Role::parse("boss").unwrap_err();
        assert_eq!(
            err,
            RoleError::Unknown {
                input: "boss".into()
            }
        );
        assert_eq!(err.localize(Lang::En).en(), err.to_string());
        assert!(err.localize(Lang::Zh).zh().contains("局领导"));
    }
}
