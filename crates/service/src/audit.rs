//! Reading and verifying the audit log.

use chrono::NaiveDate;
use peiyu_domain::AuditAction;
use peiyu_domain::{BatchListStatus, Officer, Role, Sector, TaskKind, TaskStatus};
use peiyu_storage::audit::{self, AuditEntry, AuditFilter, VerifyReport};
use peiyu_storage::audit_replay::{self, Finding};
use peiyu_storage::{BrokenSeal, Seal, seal};

use std::collections::{BTreeMap, HashMap};

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
    /// How the findings' fields and values read for a person.
    pub words: FindingWords,
}

/// What a person reads for a finding's field and values: the field's name in words, a stage,
/// status, kind, sector, role or batch by its label, an officer by name, yes or no — never a
/// stored key. Built with the verification from the tracks and officers on record.
#[derive(Clone, Debug, Default)]
pub struct FindingWords {
    /// Stage labels by key, from every track on record (one key may read differently on two
    /// tracks: `registered` is 上规入统 on one, 限上入统 on another).
    stages: BTreeMap<String, Vec<Text>>,
    /// Officers' names by id.
    officers: BTreeMap<String, String>,
    /// Tasks' origins in words by their stored form (`template:industrial/cultivating`): the
    /// template's task titles, the track's and the stage's labels.
    origins: BTreeMap<String, Text>,
}

/// A template origin in words: `流程模板「走访企业」（规上工业培育·培育中）`.
fn template_words(kind: Text, titles: &[&Text], track: &Text, stage: &Text) -> Text {
    let titles = |lang: Lang| {
        titles
            .iter()
            .map(|t| t.get(lang))
            .collect::<Vec<_>>()
            .join(Text::new("、", ", ").get(lang))
    };
    Text::new(
        format!(
            "{}「{}」（{}·{}）",
            kind.zh(),
            titles(Lang::Zh),
            track.zh(),
            stage.zh()
        ),
        format!(
            "{} \"{}\" ({}, {})",
            kind.en(),
            titles(Lang::En),
            track.en(),
            stage.en()
        ),
    )
}

/// The label of a field of an audited table, by its name in the audit payload.
pub fn field_label(table: &str, field: &str, lang: Lang) -> String {
    let (zh, en) = match (table, field) {
        ("officers", "login") | ("api_tokens", "officer") => ("登录名", "login"),
        ("officers", "role") => ("角色", "role"),
        ("officers", "active") => ("在岗", "active"),
        ("teams", "lead") => ("组长", "lead"),
        ("team_memberships", "team") => ("专班", "team"),
        ("team_memberships", "officer") => ("干部", "officer"),
        ("team_memberships", "joined_on") => ("加入日期", "joined on"),
        ("team_memberships", "left_on") => ("退出日期", "left on"),
        ("tracks", "key") => ("流程", "track"),
        ("tracks", "version") => ("版本", "version"),
        ("tracks", "content_hash") => ("内容哈希", "content hash"),
        ("targets", "metric") => ("指标", "metric"),
        ("targets", "value") => ("目标值", "target"),
        ("api_tokens", "expires_at") => ("到期时间", "expires at"),
        ("api_tokens", "revoked") => ("已吊销", "revoked"),
        ("calendar_years", "source") => ("来源", "source"),
        ("calendar_years", "days_off") => ("放假日", "days off"),
        ("calendar_years", "makeup_workdays") => ("调休上班日", "make-up workdays"),
        ("audit_seals", "day") => ("封签日", "day"),
        ("audit_seals", "hash") => ("封签哈希", "seal hash"),
        ("enterprises", "uscc") => ("统一社会信用代码", "USCC"),
        ("enterprises", "sector") => ("行业", "sector"),
        ("enterprises", "town") => ("镇街", "town"),
        ("enterprises", "address") => ("地址", "address"),
        ("enterprises", "land_area_centi_mu") => ("用地面积（0.01亩）", "land area (0.01 mu)"),
        ("enterprises", "legal_form") => ("组织形式", "legal form"),
        ("enterprises", "responsible_officer") => ("责任干部", "responsible officer"),
        ("enterprises", "archived") => ("已归档", "archived"),
        ("metrics", "month") => ("月份", "month"),
        ("metrics", "revenue") => ("主营业务收入（元）", "revenue (yuan)"),
        ("metrics", "output_value") => ("工业总产值（元）", "output value (yuan)"),
        ("metrics", "energy_kgce") => ("综合能耗（千克标准煤）", "energy (kgce)"),
        ("metrics", "employees") => ("从业人员", "employees"),
        ("metrics", "tax") => ("税收（元）", "tax (yuan)"),
        ("metrics", "rnd_spend") => ("研发投入（元）", "R&D spending (yuan)"),
        ("task_notes", "task") => ("任务", "task"),
        ("task_notes", "author") => ("记录人", "written by"),
        ("task_notes", "written_on") => ("进展日期", "written on"),
        ("task_notes", "progress") => ("进展", "progress"),
        ("task_notes", "problem") => ("问题", "problem"),
        ("task_notes", "next_step") => ("下步措施", "next step"),
        ("register_periods", "kind") => ("名录类别", "register"),
        ("register_periods", "entered") => ("入库年月", "month entered"),
        ("register_periods", "route") => ("入库方式", "route"),
        ("register_periods", "exited") => ("退库年月", "month left"),
        ("register_periods", "exit_reason") => ("退库原因", "exit reason"),
        ("register_periods", "source") => ("来源", "source"),
        ("cultivations", "stage") => ("当前阶段", "stage"),
        ("cultivations", "stage_since") => ("进入阶段日期", "stage since"),
        ("cultivations", "opened_on") => ("开始培育日期", "opened on"),
        ("cultivations", "target_stage") => ("目标阶段", "target stage"),
        ("cultivations", "target_date") => ("目标日期", "target date"),
        ("cultivations", "expires_on") => ("到期日", "expires on"),
        (_, "track") => ("流程", "track"),
        ("transitions", "cultivation") | ("tasks", "cultivation") => ("培育", "cultivation"),
        (_, "enterprise") => ("企业", "enterprise"),
        ("transitions", "seq") => ("序号", "sequence"),
        ("transitions", "from") => ("原阶段", "from stage"),
        ("transitions", "to") => ("新阶段", "to stage"),
        ("batch_moves", "from") => ("原批次", "from batch"),
        ("batch_moves", "to") => ("新批次", "to batch"),
        ("transitions", "overridden") => ("越过未通过的条件", "overridden"),
        ("transitions", "guards") => ("条件检查结果", "guard results"),
        ("batch_entries", "batch") => ("批次", "batch"),
        ("batch_entries", "since") => ("列入日期", "since"),
        ("batch_lists", "status") => ("名单状态", "list status"),
        ("tasks", "kind") => ("任务类型", "kind"),
        ("tasks", "title") => ("标题", "title"),
        ("tasks", "description") => ("说明", "description"),
        ("tasks", "assignee") => ("承办人", "assignee"),
        ("tasks", "delegate") => ("代办人", "delegate"),
        ("tasks", "created_by") => ("交办人", "created by"),
        ("tasks", "status") => ("状态", "status"),
        ("tasks", "created_on") => ("交办日期", "created on"),
        ("tasks", "due_on") => ("截止日期", "due on"),
        ("tasks", "follow_up_on") => ("跟进日期", "follow up on"),
        ("tasks", "origin") => ("来源", "origin"),
        ("tasks", "completed_on") => ("完成日期", "completed on"),
        ("tasks", "completion_note") => ("完成说明", "completion note"),
        ("tasks", "cancel_reason") => ("取消原因", "reason cancelled"),
        ("tasks", "escalated_to") => ("上报给", "escalated to"),
        (_, "id") => ("编号", "id"),
        (_, "name") => ("名称", "name"),
        (_, "year") => ("年份", "year"),
        (_, "effective_on") => ("生效日期", "effective on"),
        (_, "recorded_at") => ("记录时间", "recorded at"),
        (_, "actor") => ("操作人", "actor"),
        (_, "reason") => ("原因", "reason"),
        (_, "evidence") => ("佐证", "evidence"),
        _ => ("其他字段", "another field"),
    };
    match lang {
        Lang::Zh => zh.to_owned(),
        Lang::En => en.to_owned(),
    }
}

impl FindingWords {
    /// The words from these tracks' stages and these officers.
    pub fn new(tracks: &[crate::tracks::TrackView], officers: &[Officer]) -> FindingWords {
        let mut words = FindingWords::default();
        for t in tracks {
            let (key, label) = (t.track.key().as_str(), t.track.label());
            for stage in t.track.stages() {
                words = words.with_stage(stage.key.as_str(), stage.label.clone());
                let titles: Vec<&Text> = stage.tasks.iter().map(|task| &task.title).collect();
                if !titles.is_empty() {
                    words = words.with_origin(
                        &format!("template:{key}/{}", stage.key.as_str()),
                        template_words(
                            Text::new("流程模板", "track template"),
                            &titles,
                            label,
                            &stage.label,
                        ),
                    );
                }
                if let Some(review) = &stage.review {
                    words = words.with_origin(
                        &format!("review:{key}/{}", stage.key.as_str()),
                        template_words(
                            Text::new("到期复核", "re-review"),
                            &[&review.task.title],
                            label,
                            &stage.label,
                        ),
                    );
                }
            }
        }
        FindingWords {
            officers: officers
                .iter()
                .map(|o| (o.id.0.to_string(), o.name.clone()))
                .collect(),
            ..words
        }
    }

    /// These words with `key`'s stage also read as `label` (on another track, a test).
    pub fn with_stage(mut self, key: &str, label: Text) -> FindingWords {
        let labels = self.stages.entry(key.to_owned()).or_default();
        if !labels.contains(&label) {
            labels.push(label);
        }
        self
    }

    /// These words with a task origin (`template:<track>/<stage>`) read as `words`.
    pub fn with_origin(mut self, origin: &str, words: Text) -> FindingWords {
        self.origins.insert(origin.to_owned(), words);
        self
    }

    /// A field's name in words.
    pub fn field(&self, table: &str, field: &str, lang: Lang) -> String {
        field_label(table, field, lang)
    }

    /// A stored value as a person reads it: stages, statuses, kinds, sectors, roles and batches
    /// by their labels, officers by name, a task's origin by its template's task titles, track
    /// and stage (else [`peiyu_domain::origin_label`]), booleans as yes or no; anything else
    /// as it is.
    pub fn value(&self, table: &str, field: &str, value: &str, lang: Lang) -> String {
        let labelled = match (table, field) {
            ("cultivations", "stage" | "target_stage") | ("transitions", "from" | "to") => {
                self.stages.get(value).map(|labels| {
                    let shown: Vec<&str> = labels.iter().map(|t| t.get(lang)).collect();
                    shown.join(Text::new("／", " / ").get(lang))
                })
            }
            ("tasks", "status") => TaskStatus::parse(value).ok().map(|s| s.label(lang).into()),
            ("tasks", "kind") => TaskKind::parse(value).ok().map(|k| k.label(lang)),
            ("register_periods", "kind") => peiyu_domain::RegisterKind::parse(value)
                .ok()
                .map(|k| k.label(lang).into()),
            ("register_periods", "route") => peiyu_domain::RegisterRoute::parse(value)
                .ok()
                .map(|r| r.label(lang).into()),
            ("register_periods", "source") => peiyu_domain::RegisterSource::parse(value)
                .ok()
                .map(|s| s.label(lang).into()),
            ("tasks", "origin") => Some(
                self.origins
                    .get(value)
                    .map(|t| t.get(lang).to_owned())
                    .unwrap_or_else(|| peiyu_domain::origin_label(value, lang)),
            ),
            ("enterprises", "sector") => Sector::parse(value).ok().map(|s| s.label(lang).into()),
            ("officers", "role") => Role::parse(value).ok().map(|r| r.label(lang).into()),
            ("batch_lists", "status") => BatchListStatus::parse(value)
                .ok()
                .map(|s| s.label(lang).into()),
            ("batch_entries", "batch") | ("batch_moves", "from" | "to") => value
                .parse::<u8>()
                .ok()
                .and_then(|n| peiyu_domain::Batch::new(n).ok())
                .map(|b| b.full_label(lang)),
            (
                _,
                "responsible_officer"
                | "actor"
                | "assignee"
                | "delegate"
                | "created_by"
                | "escalated_to"
                | "lead",
            ) => self.officers.get(value).cloned(),
            _ => None,
        };
        labelled.unwrap_or_else(|| match value {
            "true" => Text::new("是", "yes").get(lang).to_owned(),
            "false" => Text::new("否", "no").get(lang).to_owned(),
            other => other.to_owned(),
        })
    }
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
        "task_notes" => ("任务进展", "task notes"),
        "register_periods" => ("统计名录", "statistical register"),
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
        let words = if replay.findings.is_empty() {
            FindingWords::default()
        } else {
            let conn = self.store().conn();
            let mut tracks = Vec::new();
            for record in peiyu_storage::tracks::list_tracks(conn).await? {
                tracks.push(self.track_version(record.id).await?);
            }
            let officers = peiyu_storage::officers::list_officers(conn).await?;
            FindingWords::new(&tracks, &officers)
        };
        Ok(AuditVerification {
            chains: replay.chains,
            seals,
            broken_seals,
            rows: replay.rows,
            findings: replay.findings,
            words,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_read_in_words_never_as_stored_keys() {
        let words = FindingWords::default()
            .with_stage("registered", Text::new("上规入统", "above-scale"))
            .with_stage("registered", Text::new("限上入统", "above-limit"))
            .with_stage("cultivating", Text::new("培育中", "cultivating"));
        let zh = Lang::Zh;
        assert_eq!(words.field("transitions", "to", zh), "新阶段");
        assert_eq!(words.field("tasks", "assignee", Lang::En), "assignee");
        assert_eq!(
            words.field("metrics", "output_value", zh),
            "工业总产值（元）"
        );
        assert_eq!(words.field("task_notes", "progress", zh), "进展");
        assert_eq!(
            words.value("transitions", "to", "registered", zh),
            "上规入统／限上入统"
        );
        assert_eq!(
            words.value("cultivations", "stage", "cultivating", zh),
            "培育中"
        );
        assert_eq!(words.value("tasks", "status", "done", zh), "已完成");
        // A task's origin: its template's title, track and stage; else the origin's kind.
        let words = words.with_origin(
            "template:industrial/cultivating",
            template_words(
                Text::new("流程模板", "track template"),
                &[&Text::new("走访企业", "visit the firm")],
                &Text::new("规上工业培育", "industrial above-scale"),
                &Text::new("培育中", "cultivating"),
            ),
        );
        assert_eq!(
            words.value("tasks", "origin", "template:industrial/cultivating", zh),
            "流程模板「走访企业」（规上工业培育·培育中）"
        );
        assert_eq!(
            words.value(
                "tasks",
                "origin",
                "template:industrial/cultivating",
                Lang::En
            ),
            "track template \"visit the firm\" (industrial above-scale, cultivating)"
        );
        assert_eq!(words.value("tasks", "origin", "manual", zh), "手工创建");
        assert_eq!(words.value("enterprises", "archived", "true", zh), "是");
        assert_eq!(
            words.value("officers", "role", "lead", zh),
            Role::Lead.label(zh)
        );
        assert_eq!(
            words.value("batch_moves", "to", "2", zh),
            peiyu_domain::Batch::new(2).unwrap().full_label(zh)
        );
        // Every compared field of every audited table has its words.
        for table in audit_replay::AUDITED_TABLES {
            for f in table.fields {
                for lang in [Lang::Zh, Lang::En] {
                    let label = field_label(table.table, f.name, lang);
                    assert!(
                        !["其他字段", "another field"].contains(&label.as_str()),
                        "{}.{} has no label",
                        table.table,
                        f.name
                    );
                }
            }
        }
        // A value with no label reads as it is.
        assert_eq!(words.value("enterprises", "town", "新圩镇", zh), "新圩镇");
    }
}
