//! Officers (干部), their logins and teams, and the ids of people, teams and enterprises.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

use crate::i18n::{Lang, Localize, Text};
use crate::role::Role;

/// The longest login, in characters.
pub const LOGIN_MAX_LEN: usize = 32;

/// A login name: 1 to 32 characters of lowercase ASCII letters, digits, `.`, `_` and `-`,
/// starting with a letter (e.g. `zhang.wei`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Login(String);

/// Why a text is not a valid login.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    /// The login is empty.
    #[error(
        "a login must not be empty: use lowercase letters, digits, '.', '_' and '-', starting \
         with a letter"
    )]
    Empty,
    /// The login is longer than [`LOGIN_MAX_LEN`] characters.
    #[error("the login \"{input}\" is {len} characters long; at most 32 are allowed")]
    TooLong {
        /// The login as given.
        input: String,
        /// Its length in characters.
        len: usize,
    },
    /// The login does not start with a lowercase ASCII letter.
    #[error("the login \"{input}\" must start with a lowercase letter a-z")]
    Start {
        /// The login as given.
        input: String,
    },
    /// The login contains a character other than `a-z`, `0-9`, `.`, `_` and `-`.
    #[error(
        "the login \"{input}\" has '{found}' at position {position}; only lowercase letters \
         a-z, digits, '.', '_' and '-' are allowed"
    )]
    Character {
        /// The login as given.
        input: String,
        /// 1-based position of the first bad character.
        position: usize,
        /// The character found there.
        found: char,
    },
}

impl Localize for LoginError {
    fn localize(&self, _lang: Lang) -> Text {
        let zh = match self {
            LoginError::Empty => {
                "登录名不能为空：应由小写字母、数字、“.”“_”“-”组成，并以字母开头".to_owned()
            }
            LoginError::TooLong { input, len } => {
                format!("登录名 \"{input}\" 长 {len} 个字符，最多 32 个")
            }
            LoginError::Start { input } => {
                format!("登录名 \"{input}\" 必须以小写字母 a-z 开头")
            }
            LoginError::Character {
                input,
                position,
                found,
            } => format!(
                "登录名 \"{input}\" 第{position}个字符“{found}”不允许；只能用小写字母 a-z、数字和“.”“_”“-”"
            ),
        };
        Text::new(zh, self.to_string())
    }
}

impl Login {
    /// The login, if `s` keeps the rules; nothing is trimmed or lowercased.
    pub fn new(s: &str) -> Result<Login, LoginError> {
        let len = s.chars().count();
        if len == 0 {
            return Err(LoginError::Empty);
        }
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c);
        if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !allowed(*c)) {
            return Err(LoginError::Character {
                input: s.to_owned(),
                position: i + 1,
                found: c,
            });
        }
        if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(LoginError::Start {
                input: s.to_owned(),
            });
        }
        if len > LOGIN_MAX_LEN {
            return Err(LoginError::TooLong {
                input: s.to_owned(),
                len,
            });
        }
        Ok(Login(s.to_owned()))
    }

    /// The login as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Login {
    /// Prints the login.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Login {
    type Err = LoginError;

    /// Same as [`Login::new`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Login::new(s)
    }
}

/// A text that is not a UUID, where an id was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Not a UUID.
    #[error(
        "\"{input}\" is not a valid id: expected a UUID such as 0190b5a2-7c1e-7d3a-9f00-123456789abc"
    )]
    Malformed {
        /// The text as given.
        input: String,
    },
}

impl Localize for IdError {
    fn localize(&self, _lang: Lang) -> Text {
        match self {
            IdError::Malformed { input } => Text::new(
                format!(
                    "\"{input}\" 不是有效的编号：应为 UUID，如 0190b5a2-7c1e-7d3a-9f00-123456789abc"
                ),
                self.to_string(),
            ),
        }
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh id (UUID v7: ids made later sort later).
            #[allow(clippy::new_without_default, reason = "a default id would be a surprise")]
            pub fn new() -> Self {
                $name(Uuid::now_v7())
            }

            /// The UUID inside.
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                $name(u)
            }
        }

        impl fmt::Display for $name {
            /// Prints the UUID in its hyphenated lowercase form.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            /// Reads any form [`Uuid`] accepts (hyphenated, simple, braced, urn), trimmed.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim())
                    .map($name)
                    .map_err(|_| IdError::Malformed { input: s.to_owned() })
            }
        }
    };
}

id_type!(
    /// The id of an officer.
    OfficerId
);
id_type!(
    /// The id of a team of officers.
    TeamId
);
id_type!(
    /// The id of an enterprise on the county's books.
    EnterpriseId
);
id_type!(
    /// The id of one stored version of a track.
    TrackId
);
id_type!(
    /// The id of a cultivation: one enterprise on one track.
    CultivationId
);
id_type!(
    /// The id of a recorded stage move.
    TransitionId
);
id_type!(
    /// The id of a task.
    TaskId
);
id_type!(
    /// The id of a year's batch list.
    BatchListId
);

/// A user of peiyu: an officer of the bureau, whatever their role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Officer {
    /// The officer's id.
    pub id: OfficerId,
    /// The name they log in with.
    pub login: Login,
    /// Their real name, as shown in lists.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// Whether they may still log in and receive tasks.
    pub active: bool,
}

/// A team (组) of officers, with an optional lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    /// The team's id.
    pub id: TeamId,
    /// The team's name.
    pub name: String,
    /// The officer who leads it, if any.
    pub lead: Option<OfficerId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_logins() {
        for s in ["a", "zhang.wei", "li_na-2", &"z".repeat(32)] {
            assert_eq!(Login::new(s).unwrap().as_str(), s);
            assert_eq!(s.parse::<Login>().unwrap().to_string(), s);
        }
    }

    #[test]
    fn bad_logins() {
        assert_eq!(Login::new(""), Err(LoginError::Empty));
        assert_eq!(
            Login::new(".x"),
            Err(LoginError::Start { input: ".x".into() })
        );
        assert_eq!(
            Login::new("9x"),
            Err(LoginError::Start { input: "9x".into() })
        );
        assert_eq!(
            Login::new("Zhang"),
            Err(LoginError::Character {
                input: "Zhang".into(),
                position: 1,
                found: 'Z'
            })
        );
        assert_eq!(
            Login::new("zhang wei"),
            Err(LoginError::Character {
                input: "zhang wei".into(),
                position: 6,
                found: ' '
            })
        );
        assert!(matches!(
            Login::new("张伟"),
            Err(LoginError::Character { position: 1, .. })
        ));
        assert_eq!(
            Login::new(&"a".repeat(33)),
            Err(LoginError::TooLong {
                input: "a".repeat(33),
                len: 33
            })
        );
    }

    #[test]
    fn login_errors_are_bilingual() {
        for s in ["", "1", "A", &"a".repeat(33)] {
            let err = Login::new(s).unwrap_err();
            assert!(err.localize(Lang::Zh).zh().contains("登录名"));
            assert_eq!(err.localize(Lang::En).en(), err.to_string());
        }
    }

    #[test]
    fn ids_are_fresh_and_round_trip() {
        let a = OfficerId::new();
        let b = OfficerId::new();
        assert_ne!(a, b);
        assert_eq!(a.uuid().get_version_num(), 7);
        assert_eq!(a.to_string().parse::<OfficerId>(), Ok(a));
        let t = TeamId::new();
        assert_eq!(t.to_string().parse::<TeamId>(), Ok(t));
        let e = EnterpriseId::from(Uuid::nil());
        assert_eq!(e.to_string(), "00000000-0000-0000-0000-000000000000");
    }

    #[test]
    fn bad_ids() {
        let err = "nope".parse::<EnterpriseId>().unwrap_err();
        assert_eq!(
            err,
            IdError::Malformed {
                input: "nope".into()
            }
        );
        assert_eq!(err.localize(Lang::En).en(), err.to_string());
        assert!(err.localize(Lang::Zh).zh().contains("nope"));
    }

    #[test]
    fn officers_and_teams() {
        let lead = Officer {
            id: OfficerId::new(),
            login: Login::new("wang.fang").unwrap(),
            name: "王芳".into(),
            role: Role::Lead,
            active: true,
        };
        let team = Team {
            id: TeamId::new(),
            name: "一组".into(),
            lead: Some(lead.id),
        };
        assert_eq!(team.lead, Some(lead.id));
        assert_eq!(lead.clone(), lead);
    }
}
