//! Reading and verifying the audit log.

use chrono::NaiveDate;
use peiyu_domain::AuditAction;
use peiyu_domain::{Officer, Role};
use peiyu_storage::audit::{self, AuditEntry, AuditFilter, VerifyReport};
use peiyu_storage::audit_replay::{self, Finding};
use peiyu_storage::{BrokenSeal, Seal, seal};

use std::collections::HashMap;

use peiyu_domain::{EnterpriseId, Lang, OfficerId, Text};

use crate::error::{ServiceError, ServiceResult};
use crate::names::NameIds;
use crate::targets::target_label;
use crate::{Service, actor_of, in_unit};

/// One audit entry as people read it (`audit log`): the entry, who made it by name, and what
/// it is about in words (the enterprise's name, the officer's name, the list's year, the
/// track's name, the target's metric), never an id.
#[derive(Clone, Debug)]
pub struct AuditLine {
    /// The entry as stored.
    pub entry: AuditEntry,
    /// The actor's name (their login when the officer is unknown).
    pub actor_name: String,
    /// On whose behalf, by name.
    pub on_behalf_of_name: Option<String>,
    /// The entry's subject in words, zh and en.
    pub subject: Text,
}

/// The outcome of `audit verify`: every hash chain and every daily seal.
#[derive(Clone, Debug, Default)]
pub struct AuditVerification {
    /// The chains.
    pub chains: VerifyReport,
    /// How many seals were checked.
    pub seals: usize,
    /// The seals that no longer match the log.
    pub broken_seals: Vec<BrokenSeal>,
    /// How many stored rows of the audited tables were compared with the log.
    pub rows: usize,
    /// The rows that do not equal the state their entries leave, each named by table, row,
    /// enterprise and field.
    pub findings: Vec<Finding>,
}

impl AuditVerification {
    /// True when nothing is broken.
    pub fn ok(&self) -> bool {
        self.chains.broken.is_empty() && self.broken_seals.is_empty() && self.findings.is_empty()
    }
}

/// An audited table in words, for people reading findings: `enterprises` is 企业 / enterprises.
/// A table this list does not know is shown by its name.
pub fn table_label(table: &str, lang: Lang) -> &str {
    let (zh, en) = match table {
        "officers" => ("干部", "officers"),
        "teams" => ("专班", "teams"),
        "team_memberships" => ("专班成员", "team members"),
        "tracks" => ("流程", "tracks"),
        "targets" => ("目标", "targets"),
        "api_tokens" => ("访问令牌", "API tokens"),
        "calendar_years" => ("节假日安排", "holiday notices"),
        "batch_lists" => ("「四个一批」名单", "four-batches lists"),
        "audit_seals" => ("审计日封签", "audit seals"),
        "enterprises" => ("企业", "enterprises"),
        "metrics" => ("月度数据", "monthly figures"),
        "cultivations" => ("培育", "cultivations"),
        "transitions" => ("阶段变更", "stage moves"),
        "batch_entries" => ("名单批次", "batch entries"),
        "batch_moves" => ("批次调整", "batch moves"),
        "tasks" => ("任务", "tasks"),
        other => (other, other),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Which entries to list.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    /// Only entries by this officer (login).
    pub actor: Option<String>,
    /// Only entries about this enterprise (USCC or name).
    pub enterprise: Option<String>,
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only entries recorded on or after this day (county time).
    pub from: Option<NaiveDate>,
    /// Only entries recorded on or before this day (county time).
    pub to: Option<NaiveDate>,
}

impl Service {
    /// Recomputes every hash chain and reports each broken one with its first bad entry, checks
    /// every seal, and replays the log against every audited table: each row that differs from
    /// the state its entries leave, has no entries, or is gone while its entries say it exists.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn verify_audit(&self, actor: &Officer) -> ServiceResult<AuditVerification> {
        let replay = audit_replay::verify_all(self.store().conn()).await?;
        self.with_seals(replay, None).await
    }

    /// [`Service::verify_audit`] from the seal of `day` on: that seal and every later one are
    /// checked, and the chains that moved since it (new entries, or no longer the sealed head)
    /// are checked and replayed against their rows; chains untouched since the seal are trusted
    /// to it. A day without a seal is `NotFound`.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str(), %day))]
    pub async fn verify_audit_since(
        &self,
        actor: &Officer,
        day: NaiveDate,
    ) -> ServiceResult<AuditVerification> {
        let sealed = match seal::seal_on_or_before(self.store().conn(), day).await? {
            Some(s) if s.day == day => s,
            _ => {
                return Err(ServiceError::not_found(
                    format!("{day} 没有封签"),
                    format!("{day} has no seal"),
                ));
            }
        };
        let replay = audit_replay::verify_since(self.store().conn(), &sealed.heads).await?;
        self.with_seals(replay, Some(day)).await
    }

    /// A replay's outcome with the seals (of `from` and after, or all) checked beside it.
    async fn with_seals(
        &self,
        replay: audit_replay::ReplayReport,
        from: Option<NaiveDate>,
    ) -> ServiceResult<AuditVerification> {
        let (seals, broken_seals) = seal::verify_seals(self.store().conn(), from).await?;
        Ok(AuditVerification {
            chains: replay.chains,
            seals,
            broken_seals,
            rows: replay.rows,
            findings: replay.findings,
        })
    }

    /// Seals `day` (default today) over every chain head; sealing a day twice returns the first
    /// seal. Only an admin may.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn seal_day(
        &self,
        actor: &Officer,
        day: Option<NaiveDate>,
    ) -> ServiceResult<(Seal, bool)> {
        if actor.role != Role::Admin {
            return Err(ServiceError::forbidden(
                "只有管理员可以封签",
                "only an admin seals the log",
            ));
        }
        let day = day.unwrap_or_else(|| self.today());
        in_unit!(self, &actor_of(actor), |uow| {
            Ok(seal::seal_day(uow, day).await?)
        })
    }

    /// The seal of `day`, or of the latest sealed day before it.
    pub async fn seal_on_or_before(&self, day: NaiveDate) -> ServiceResult<Option<Seal>> {
        Ok(seal::seal_on_or_before(self.store().conn(), day).await?)
    }

    /// Audit entries matching the query, oldest first.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn audit_log(
        &self,
        actor: &Officer,
        query: &AuditQuery,
    ) -> ServiceResult<Vec<AuditEntry>> {
        let enterprise = match &query.enterprise {
            Some(key) => Some(self.resolve_enterprise(key).await?.value.id),
            None => None,
        };
        let filter = AuditFilter {
            enterprise,
            actor_login: query.actor.clone(),
            action: query.action,
            chain_key: None,
            subject_id: None,
        };
        let zone = self.zone();
        Ok(audit::list_entries(self.store().conn(), &filter)
            .await?
            .into_iter()
            .filter(|e| {
                let day = zone.date_of(e.recorded_at);
                query.from.is_none_or(|f| day >= f) && query.to.is_none_or(|t| day <= t)
            })
            .collect())
    }

    /// [`Service::audit_log`] for people: each entry with its actor's name and its subject in
    /// words. Reads only the officers, enterprises and tracks the entries name.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn audit_lines(
        &self,
        actor: &Officer,
        query: &AuditQuery,
    ) -> ServiceResult<Vec<AuditLine>> {
        let entries = self.audit_log(actor, query).await?;
        let mut ids = NameIds::default();
        for e in &entries {
            if let Some(a) = e.actor_id {
                ids.officer(OfficerId(a));
            }
            if let Some(en) = e.enterprise_id {
                ids.enterprise(EnterpriseId(en));
            }
        }
        let names = self.names(&ids).await?;
        // Officers are few (a bureau's staff): logins to names for officer subjects and
        // on-behalf-of, which entries name by login.
        let by_login: HashMap<String, String> =
            peiyu_storage::officers::list_officers(self.store().conn())
                .await?
                .into_iter()
                .map(|o| (o.login.as_str().to_owned(), o.name))
                .collect();
        let mut track_names: HashMap<String, Text> = HashMap::new();
        let mut lines = Vec::with_capacity(entries.len());
        for e in entries {
            let actor_name = e
                .actor_id
                .and_then(|a| names.officers.get(&OfficerId(a)))
                .map(|o| o.name.clone())
                .or_else(|| by_login.get(&e.actor_login).cloned())
                .unwrap_or_else(|| e.actor_login.clone());
            let on_behalf_of_name = e
                .on_behalf_of
                .as_ref()
                .map(|l| by_login.get(l).cloned().unwrap_or_else(|| l.clone()));
            let enterprise = e
                .enterprise_id
                .and_then(|id| names.enterprise(EnterpriseId(id)))
                .map(|en| en.name.clone());
            let subject = match (e.subject_type.as_str(), enterprise) {
                ("metrics", Some(name)) => {
                    let s = format!("{name} · {}", e.subject_id);
                    Text::new(s.clone(), s)
                }
                ("batch_entry", Some(name)) => {
                    let year = e.subject_id.split('/').next().unwrap_or_default();
                    Text::new(
                        format!("{name} · {year} 年名单"),
                        format!("{name} · {year} list"),
                    )
                }
                (_, Some(name)) => Text::new(name.clone(), name),
                ("officer", None) => {
                    let n = by_login
                        .get(&e.subject_id)
                        .cloned()
                        .unwrap_or_else(|| e.subject_id.clone());
                    Text::new(n.clone(), n)
                }
                ("batch_list", None) => Text::new(
                    format!("{} 年「四个一批」名单", e.subject_id),
                    format!("{} four-batches list", e.subject_id),
                ),
                ("target", None) => {
                    let (year, metric) = e.subject_id.split_once('/').unwrap_or(("", ""));
                    Text::new(
                        format!("{year} · {}", target_label(metric, Lang::Zh)),
                        format!("{year} · {}", target_label(metric, Lang::En)),
                    )
                }
                ("track", None) => {
                    let (key, version) = e
                        .subject_id
                        .split_once('@')
                        .unwrap_or((e.subject_id.as_str(), ""));
                    if !track_names.contains_key(key) {
                        let label = match self.latest_track(key).await {
                            Ok(t) => t.track.label().clone(),
                            Err(_) => Text::new(key, key),
                        };
                        track_names.insert(key.to_owned(), label);
                    }
                    let label = track_names
                        .get(key)
                        .cloned()
                        .unwrap_or_else(|| Text::new(key, key));
                    Text::new(
                        format!("{} v{version}", label.zh()),
                        format!("{} v{version}", label.en()),
                    )
                }
                ("api_token", None) => {
                    let after: Option<serde_json::Value> = e
                        .after
                        .as_deref()
                        .and_then(|a| serde_json::from_str(a).ok());
                    let field = |k: &str| {
                        after
                            .as_ref()
                            .and_then(|v| v.get(k))
                            .and_then(|v| v.as_str())
                            .map(str::to_owned)
                    };
                    let owner = field("officer")
                        .map(|l| by_login.get(&l).cloned().unwrap_or(l))
                        .unwrap_or_default();
                    let name = field("name").unwrap_or_default();
                    Text::new(
                        format!("{owner} 的访问令牌「{name}」"),
                        format!("{owner}'s API token \"{name}\""),
                    )
                }
                ("calendar_year", None) => Text::new(
                    format!("{} 年节假日安排", e.subject_id),
                    format!("{} holiday notice", e.subject_id),
                ),
                ("seal", None) => Text::new(
                    format!("{} 审计日封签", e.subject_id),
                    format!("audit seal of {}", e.subject_id),
                ),
                _ => Text::new(e.subject_id.clone(), e.subject_id.clone()),
            };
            lines.push(AuditLine {
                entry: e,
                actor_name,
                on_behalf_of_name,
                subject,
            });
        }
        Ok(lines)
    }
}
