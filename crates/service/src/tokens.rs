//! API tokens: creating a bearer token for an officer, recognising the one a request presents,
//! and revoking it.
//!
//! A token's secret is `py_` and 64 hex digits (two UUID v4s' worth of randomness); it is
//! returned once, by [`Service::create_token`], and only its SHA-256 is stored.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use peiyu_domain::{Officer, Role, Text};
use peiyu_storage::{officers, tokens};
use uuid::Uuid;

use crate::error::{Field, ServiceError, ServiceResult};
use crate::idempotency::{Answer, Idempotent};
use crate::{Service, actor_of, in_unit};

pub use peiyu_storage::tokens::ApiToken;

/// The prefix of every token secret, so a leaked one is recognisable.
pub const TOKEN_PREFIX: &str = "py_";

/// How often a token's `last_used_at` is brought up to date at most.
const TOUCH_EVERY_MINUTES: i64 = 5;

/// A token just created, with its secret — the only time the secret is available.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedToken {
    /// The token as recorded.
    pub token: ApiToken,
    /// The officer it acts as.
    pub officer: Officer,
    /// The secret to present as `Authorization: Bearer <secret>`.
    pub secret: String,
}

/// A token just created, without its secret: what an idempotency key's stored answer may be
/// made of ([`Service::create_token_once`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedToken {
    /// The token as recorded.
    pub token: ApiToken,
    /// The officer it acts as.
    pub officer: Officer,
}

impl IssuedToken {
    fn with_secret(self, secret: String) -> CreatedToken {
        CreatedToken {
            token: self.token,
            officer: self.officer,
            secret,
        }
    }
}

/// A fresh secret: the prefix and 32 random bytes in hex.
fn new_secret() -> String {
    format!(
        "{TOKEN_PREFIX}{}{}",
        Uuid::new_v4().simple(),
        Uuid::new_v4().simple()
    )
}

fn check_token_name(name: &str) -> ServiceResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ServiceError::invalid(
            Field::Name,
            Text::new("令牌名称不能为空", "the token's name must not be empty"),
        ));
    }
    crate::error::bounded(Field::Name, name, peiyu_domain::limits::NAME_MAX_CHARS)?;
    Ok(name.to_owned())
}

impl Service {
    /// Creates a bearer token for the officer `for_login` (default: the actor). An admin may
    /// create one for anyone; any other officer only for themself. With `expires_on`, the token
    /// works through the end of that day in the county's zone.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn create_token(
        &self,
        actor: &Officer,
        for_login: Option<&str>,
        name: &str,
        expires_on: Option<NaiveDate>,
    ) -> ServiceResult<CreatedToken> {
        let secret = new_secret();
        let issued = self
            .create_token_keyed(actor, for_login, name, expires_on, &secret, None)
            .await?;
        Ok(issued.with_secret(secret))
    }

    /// [`Service::create_token`] at most once per idempotency key ([`Service::once`]). The
    /// answer stored with the key is `once`'s rendering of the token **without** its secret
    /// ([`IssuedToken`]): the first request gets the secret ([`Answer::First`]'s value); a
    /// repeat gets the stored answer, which cannot hold it — a secret is shown once.
    #[tracing::instrument(skip(self, actor, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn create_token_once(
        &self,
        actor: &Officer,
        for_login: Option<&str>,
        name: &str,
        expires_on: Option<NaiveDate>,
        once: &Idempotent<'_, IssuedToken>,
    ) -> ServiceResult<Answer<CreatedToken>> {
        let secret = new_secret();
        let answer = self
            .once(
                actor,
                once,
                self.create_token_keyed(actor, for_login, name, expires_on, &secret, Some(once)),
            )
            .await?;
        Ok(match answer {
            Answer::First { value, answer } => Answer::First {
                value: value.with_secret(secret),
                answer,
            },
            Answer::Replayed(stored) => Answer::Replayed(stored),
        })
    }

    async fn create_token_keyed(
        &self,
        actor: &Officer,
        for_login: Option<&str>,
        name: &str,
        expires_on: Option<NaiveDate>,
        secret: &str,
        once: Option<&Idempotent<'_, IssuedToken>>,
    ) -> ServiceResult<IssuedToken> {
        let officer = match for_login {
            Some(login) if login != actor.login.as_str() => {
                if actor.role != Role::Admin {
                    return Err(ServiceError::forbidden(
                        "只有管理员可以为其他干部创建令牌",
                        "only an admin may create a token for another officer",
                    ));
                }
                let officer = officers::find_officer_by_login(self.store().conn(), login)
                    .await?
                    .ok_or_else(|| {
                        ServiceError::invalid(
                            Field::TokenHolder,
                            Text::new(
                                format!("没有登录名为「{login}」的干部"),
                                format!("no officer has the login \"{login}\""),
                            ),
                        )
                    })?;
                if !officer.active {
                    return Err(ServiceError::invalid(
                        Field::TokenHolder,
                        Text::new(
                            format!("干部「{login}」已停用，不能为其创建令牌"),
                            format!("officer \"{login}\" is inactive: no token can be created"),
                        ),
                    ));
                }
                officer
            }
            _ => actor.clone(),
        };
        let name = check_token_name(name)?;
        let now = self.now();
        let expires_at = match expires_on {
            Some(day) => {
                if day < self.today() {
                    return Err(ServiceError::invalid(
                        Field::Expires,
                        Text::new(
                            format!("到期日 {day} 已过"),
                            format!("the expiry date {day} is in the past"),
                        ),
                    ));
                }
                Some(midnight_after(self.zone(), day)?)
            }
            None => None,
        };
        let token = ApiToken {
            id: Uuid::now_v7(),
            officer: officer.id,
            name,
            created_at: peiyu_storage::instant::truncate(now),
            expires_at,
            last_used_at: None,
            revoked: false,
        };
        let hash = tokens::secret_hash(secret);
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            tokens::insert_token(uow, &token, &hash, officer.login.as_str()).await?;
            Ok(IssuedToken {
                token: token.clone(),
                officer: officer.clone(),
            })
        })
    }

    /// The officer a bearer secret acts as: `None` unless it names a token that is neither
    /// revoked nor expired and whose officer is still active. Notes the token's use.
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(&self, secret: &str) -> ServiceResult<Option<Officer>> {
        let secret = secret.trim();
        if !secret.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let conn = self.store().conn();
        let Some(token) = tokens::find_by_secret(conn, secret).await? else {
            return Ok(None);
        };
        let now = self.now();
        if !token.usable_at(now) {
            return Ok(None);
        }
        let Some(officer) = officers::find_officer(conn, token.officer).await? else {
            return Ok(None);
        };
        if !officer.active {
            return Ok(None);
        }
        if let Err(e) =
            tokens::touch_token(conn, token.id, now, Duration::minutes(TOUCH_EVERY_MINUTES)).await
        {
            // Usage bookkeeping must not turn a valid request away.
            tracing::warn!(error = %e, "could not note an API token's use");
        }
        Ok(Some(officer))
    }

    /// Revokes a token by its id. An admin may revoke any token; an officer their own.
    /// Revoking a revoked token changes nothing.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn revoke_token(&self, actor: &Officer, id: &str) -> ServiceResult<ApiToken> {
        self.revoke_token_keyed(actor, id, None).await
    }

    /// [`Service::revoke_token`] at most once per idempotency key ([`Service::once`]).
    #[tracing::instrument(skip(self, actor, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn revoke_token_once(
        &self,
        actor: &Officer,
        id: &str,
        once: &Idempotent<'_, ApiToken>,
    ) -> ServiceResult<Answer<ApiToken>> {
        self.once(actor, once, self.revoke_token_keyed(actor, id, Some(once)))
            .await
    }

    async fn revoke_token_keyed(
        &self,
        actor: &Officer,
        id: &str,
        once: Option<&Idempotent<'_, ApiToken>>,
    ) -> ServiceResult<ApiToken> {
        let uuid = Uuid::parse_str(id.trim()).map_err(|_| {
            ServiceError::invalid(
                Field::TokenId,
                Text::new(
                    format!("「{id}」不是令牌编号：请查看令牌列表"),
                    format!("\"{id}\" is not a token id: see the list of tokens"),
                ),
            )
        })?;
        let conn = self.store().conn();
        let token = tokens::get_token(conn, uuid).await.map_err(|e| match e {
            peiyu_storage::StorageError::NotFound { .. } => ServiceError::not_found(
                format!("找不到令牌 {uuid}"),
                format!("no API token has the id {uuid}"),
            ),
            other => other.into(),
        })?;
        if actor.role != Role::Admin && token.officer != actor.id {
            return Err(ServiceError::forbidden(
                "只有管理员或令牌的所有者可以吊销它",
                "only an admin or the token's owner may revoke it",
            ));
        }
        let owner = officers::find_officer(conn, token.officer)
            .await?
            .map(|o| o.login.as_str().to_owned())
            .unwrap_or_default();
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            tokens::revoke_token(uow, &token, &owner).await?;
            Ok(ApiToken {
                revoked: true,
                ..token.clone()
            })
        })
    }

    /// Tokens with their officers: every token for an admin, one's own for anyone else.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn list_tokens(&self, actor: &Officer) -> ServiceResult<Vec<(ApiToken, Officer)>> {
        let conn = self.store().conn();
        let scope = (actor.role != Role::Admin).then_some(actor.id);
        let all = officers::list_officers(conn).await?;
        Ok(tokens::list_tokens(conn, scope)
            .await?
            .into_iter()
            .filter_map(|t| {
                let officer = all.iter().find(|o| o.id == t.officer)?.clone();
                Some((t, officer))
            })
            .collect())
    }

    /// The first active admin by login, the officer background work (`tick`) runs as; `None`
    /// when the database has none.
    pub async fn admin_officer(&self) -> ServiceResult<Option<Officer>> {
        self.ensure_initialised().await?;
        Ok(officers::list_officers(self.store().conn())
            .await?
            .into_iter()
            .find(|o| o.role == Role::Admin && o.active))
    }
}

/// The first instant after `day` in the county's zone: when a token expiring on `day` stops.
fn midnight_after(zone: crate::CountyZone, day: NaiveDate) -> ServiceResult<DateTime<Utc>> {
    let next = day.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0));
    next.and_then(|t| zone.0.from_local_datetime(&t).single())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            ServiceError::invalid(
                Field::Expires,
                Text::new(
                    format!("到期日 {day} 无效"),
                    format!("the expiry date {day} is not valid"),
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_hex_and_distinct() {
        let a = new_secret();
        let b = new_secret();
        assert_ne!(a, b);
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
        assert!(
            a[TOKEN_PREFIX.len()..]
                .chars()
                .all(|c| c.is_ascii_hexdigit())
        );
    }
}
