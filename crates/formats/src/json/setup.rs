//! Setting up: `init`, API tokens and the demo county.

use chrono::{DateTime, NaiveDate, Utc};
use peiyu_domain::Officer;
use peiyu_service::weekly::WeeklyList;
use peiyu_service::{ApiToken, CreatedToken, InitReport, IssuedToken, ProgressReport};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `init`: the database initialised.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct InitDto {
    /// The database, its password hidden.
    pub database: String,
    /// `sqlite`, `postgres` or `mysql`.
    pub backend: String,
    /// The first admin's login, when `init` created one.
    pub created_admin: Option<String>,
}

impl InitDto {
    /// The wire form of what `init` did to `database` (already redacted).
    pub fn new(database: String, r: &InitReport) -> Self {
        InitDto {
            database,
            backend: r.backend.to_owned(),
            created_admin: r
                .created_admin
                .as_ref()
                .map(|o| o.login.as_str().to_owned()),
        }
    }
}

/// `token create`: a new token with its secret, shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenCreatedDto {
    /// The token's id.
    pub id: Uuid,
    /// The officer it acts as (login).
    pub officer: String,
    /// What its owner called it.
    pub name: String,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// The secret to send as `Authorization: Bearer <secret>`: only in the answer that created
    /// the token; `null` in a replay of that answer (`secret_withheld` says why).
    pub secret: Option<String>,
    /// Why `secret` is `null`: the answer replays an earlier request with the same
    /// Idempotency-Key, and the secret is shown only once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_withheld: Option<String>,
}

impl TokenCreatedDto {
    /// The wire form of a token just created, with its secret.
    pub fn new(c: &CreatedToken) -> Self {
        TokenCreatedDto {
            id: c.token.id,
            officer: c.officer.login.as_str().to_owned(),
            name: c.token.name.clone(),
            expires_at: c.token.expires_at,
            secret: Some(c.secret.clone()),
            secret_withheld: None,
        }
    }

    /// The token without its secret, saying in `withheld` why: what a replay gets. Made from
    /// an [`IssuedToken`], which has no secret to leak.
    pub fn without_secret(c: &IssuedToken, withheld: String) -> Self {
        TokenCreatedDto {
            id: c.token.id,
            officer: c.officer.login.as_str().to_owned(),
            name: c.token.name.clone(),
            expires_at: c.token.expires_at,
            secret: None,
            secret_withheld: Some(withheld),
        }
    }
}

/// `token revoke`: the token revoked.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenRevokedDto {
    /// The token's id.
    pub id: Uuid,
    /// Always true.
    pub revoked: bool,
}

impl TokenRevokedDto {
    /// The wire form of a revoked token.
    pub fn new(t: &ApiToken) -> Self {
        TokenRevokedDto {
            id: t.id,
            revoked: t.revoked,
        }
    }
}

/// `token list`: a token as recorded (without its secret).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenDto {
    /// The token's id.
    pub id: Uuid,
    /// The officer it acts as (login).
    pub officer: String,
    /// What its owner called it.
    pub name: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When a request last presented it.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Whether it was revoked.
    pub revoked: bool,
}

impl TokenDto {
    /// The wire form of the tokens with the officers they act as.
    pub fn list(tokens: &[(ApiToken, Officer)]) -> Vec<Self> {
        tokens
            .iter()
            .map(|(t, o)| TokenDto {
                id: t.id,
                officer: o.login.as_str().to_owned(),
                name: t.name.clone(),
                created_at: t.created_at,
                expires_at: t.expires_at,
                last_used_at: t.last_used_at,
                revoked: t.revoked,
            })
            .collect()
    }
}

/// What the demo county holds (peiyu-demo's report, counted).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct DemoCountyDto {
    /// The day the county stands at.
    pub as_of: Option<NaiveDate>,
    /// Officers added.
    pub officers: usize,
    /// Teams added.
    pub teams: usize,
    /// Enterprises added.
    pub enterprises: usize,
    /// Of which invented (marked 示例 in their names).
    pub invented: usize,
    /// Above-scale industrial enterprises in the statistical register on the county's day,
    /// counted from the register.
    pub above_scale: usize,
    /// Their output value from January to June 2023, yuan.
    pub above_scale_output_h1: i64,
    /// Monthly figure records written.
    pub metric_months: usize,
    /// Cultivation cases opened.
    pub cases: usize,
    /// Stage moves made after opening.
    pub moves: usize,
    /// Entries on the 2023 four-batch list.
    pub batch_entries: usize,
    /// Tasks created.
    pub tasks_created: usize,
    /// Tasks done by the end of the replay.
    pub tasks_done: usize,
    /// Tasks left open.
    pub tasks_open: usize,
    /// Tasks escalated to a team lead.
    pub escalated: usize,
}

/// `demo`: the demo county built, its mid-year progress and its weekly list, counted.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DemoDto {
    /// The database, its password hidden.
    pub database: String,
    /// What the county holds.
    #[serde(flatten)]
    pub county: DemoCountyDto,
    /// Newly above-scale industrial enterprises in the first half of 2023.
    pub new_above_scale_h1: usize,
    /// Their output value, yuan.
    pub new_above_scale_output_h1: i64,
    /// The year's target for newly above-scale enterprises.
    pub new_above_scale_target: Option<i64>,
    /// Overdue tasks on the weekly list.
    pub weekly_overdue: usize,
    /// Tasks due this week.
    pub weekly_this_week: usize,
    /// Tasks due next week.
    pub weekly_next_week: usize,
    /// Tasks done last week.
    pub weekly_done_last_week: usize,
}

impl DemoDto {
    /// The wire form of a demo run on `database` (already redacted).
    pub fn new(
        database: String,
        county: DemoCountyDto,
        progress: &ProgressReport,
        list: &WeeklyList,
    ) -> Self {
        DemoDto {
            database,
            county,
            new_above_scale_h1: progress.new_above_scale.len(),
            new_above_scale_output_h1: progress.new_above_scale_output().amount(),
            new_above_scale_target: progress.target("new_above_scale"),
            weekly_overdue: list.overdue.len(),
            weekly_this_week: list.this_week.iter().map(|d| d.tasks.len()).sum(),
            weekly_next_week: list.next_week.len(),
            weekly_done_last_week: list.done_last_week.len(),
        }
    }
}
