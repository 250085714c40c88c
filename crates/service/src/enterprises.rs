//! Enterprises: adding, listing, showing, editing and archiving the firms on the county's books.

use std::collections::BTreeMap;

use peiyu_domain::AuditAction;
use peiyu_domain::{
    Enterprise, EnterpriseId, LandArea, LegalForm, Metrics, NewEnterprise, Officer, OfficerId,
    Role, Sector, Text, Uscc, UsccMode,
};
use peiyu_storage::{
    EnterpriseFilter, Page, StageFilter, Versioned, enterprises, metrics, officers,
};

use crate::authz::{acting_scope, require_enterprise_access, require_writer};
use crate::error::{Field, ServiceError, ServiceResult};
use crate::idempotency::{Answer, Idempotent};
use crate::paging::PageAsk;
use crate::{Service, actor_of, in_unit};

/// An enterprise with what a reader wants beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnterpriseView {
    /// The enterprise.
    pub enterprise: Enterprise,
    /// Its version, for `--expect-version`.
    pub version: i64,
    /// Its responsible officer.
    pub responsible: Option<Officer>,
    /// In a list filtered by stage: the cultivation at that stage, in words; else `None`.
    pub at_stage: Option<AtStage>,
}

/// The cultivation that put an enterprise in a list filtered by stage: its track and stage, by
/// key and in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AtStage {
    /// The track's key (`industrial`).
    pub track: String,
    /// The track's name.
    pub track_label: Text,
    /// The stage's key (`cultivating`).
    pub stage: String,
    /// The stage's name on that track.
    pub stage_label: Text,
}

/// An enterprise with its recent figures, for `enterprise show`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnterpriseDetail {
    /// The enterprise.
    pub view: EnterpriseView,
    /// Its last twelve recorded months, oldest first.
    pub recent_metrics: Vec<Metrics>,
    /// Its statistical register periods (规上/限上 在库 and 退库), oldest first.
    pub register: Vec<peiyu_domain::RegisterPeriod>,
}

/// Changes to an enterprise: `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnterpriseEdit {
    /// A corrected USCC.
    pub uscc: Option<Uscc>,
    /// A new name.
    pub name: Option<String>,
    /// A new sector.
    pub sector: Option<Sector>,
    /// A new town.
    pub town: Option<String>,
    /// A new address.
    pub address: Option<String>,
    /// A new land area (`Some(None)` clears it).
    pub land_area: Option<Option<LandArea>>,
    /// A new legal form.
    pub legal_form: Option<LegalForm>,
    /// A new responsible officer's login (`Some(None)` clears it).
    pub responsible: Option<Option<String>>,
}

impl EnterpriseEdit {
    /// True when nothing would change.
    pub fn is_empty(&self) -> bool {
        *self == EnterpriseEdit::default()
    }
}

/// What to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListEnterprises {
    /// Only enterprises this officer (login) is responsible for.
    pub officer: Option<String>,
    /// Only those the acting officer may act on.
    pub mine: bool,
    /// Only this sector.
    pub sector: Option<Sector>,
    /// Only this town.
    pub town: Option<String>,
    /// Only names containing this.
    pub name_contains: Option<String>,
    /// Archived ones too.
    pub include_archived: bool,
    /// Only those with a cultivation at this stage, of this track when one is given (track and
    /// stage by key: `industrial` / `cultivating`). A stage no track (or not that track) has is
    /// refused as bad input naming `stage`; an unknown track names `track`.
    pub stage: Option<StageFilter>,
}

/// An edit's inputs, bundled for [`Service::edit_enterprise`] and its keyed variant.
struct EnterpriseChange<'a> {
    key: &'a str,
    edit: EnterpriseEdit,
    expected_version: Option<i64>,
    reason: Option<String>,
}

impl Service {
    /// Finds an enterprise by USCC or by an unambiguous (part of its) name.
    pub async fn resolve_enterprise(&self, key: &str) -> ServiceResult<Versioned<Enterprise>> {
        let key = key.trim();
        let conn = self.store().conn();
        if Uscc::parse_with(key, UsccMode::Lenient).is_ok()
            && let Some(found) =
                enterprises::find_enterprise_by_uscc(conn, &key.to_uppercase()).await?
        {
            return Ok(found);
        }
        let mut found = enterprises::find_enterprises_by_name(conn, key).await?;
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(ServiceError::not_found(
                format!("找不到企业「{key}」：请输入统一社会信用代码或企业名称"),
                format!("no enterprise matches \"{key}\": give its USCC or its name"),
            )),
            n => {
                let names: Vec<String> = found
                    .iter()
                    .take(5)
                    .map(|e| format!("{}（{}）", e.value.name, e.value.uscc))
                    .collect();
                Err(ServiceError::invalid(
                    Field::Enterprise,
                    Text::new(
                        format!(
                            "「{key}」对应 {n} 家企业（{}{}）：请用统一社会信用代码指明",
                            names.join("、"),
                            if n > 5 { "……" } else { "" }
                        ),
                        format!(
                            "\"{key}\" matches {n} enterprises ({}{}): name one by its USCC",
                            names.join(", "),
                            if n > 5 { ", …" } else { "" }
                        ),
                    ),
                ))
            }
        }
    }

    async fn view_of(&self, v: Versioned<Enterprise>) -> ServiceResult<EnterpriseView> {
        let responsible = match v.value.responsible_officer {
            Some(id) => officers::find_officer(self.store().conn(), id).await?,
            None => None,
        };
        Ok(EnterpriseView {
            enterprise: v.value,
            version: v.version,
            responsible,
            at_stage: None,
        })
    }

    /// Checks that `actor` may make `login` responsible for an enterprise, and finds them.
    async fn responsible_officer(&self, actor: &Officer, login: &str) -> ServiceResult<Officer> {
        let officer = officers::find_officer_by_login(self.store().conn(), login)
            .await?
            .ok_or_else(|| {
                ServiceError::invalid(
                    Field::Officer,
                    Text::new(
                        format!("没有登录名为「{login}」的干部：请查看干部名单"),
                        format!("no officer has the login \"{login}\": see the list of officers"),
                    ),
                )
            })?;
        crate::authz::require_handover_to(self.store(), actor, &officer).await?;
        Ok(officer)
    }

    /// Adds an enterprise. Its responsible officer defaults to the acting officer (not for an
    /// admin, who may leave it unset).
    #[tracing::instrument(skip(self, actor, new), fields(actor = %actor.login.as_str(), uscc = %new.uscc))]
    pub async fn add_enterprise(
        &self,
        actor: &Officer,
        new: NewEnterprise,
        responsible_login: Option<&str>,
    ) -> ServiceResult<EnterpriseView> {
        self.add_enterprise_keyed(actor, new, responsible_login, None)
            .await
    }

    /// [`Service::add_enterprise`] at most once per idempotency key ([`Service::once`]).
    #[tracing::instrument(skip(self, actor, new, once), fields(actor = %actor.login.as_str(), uscc = %new.uscc, key = %once.key()))]
    pub async fn add_enterprise_once(
        &self,
        actor: &Officer,
        new: NewEnterprise,
        responsible_login: Option<&str>,
        once: &Idempotent<'_, EnterpriseView>,
    ) -> ServiceResult<Answer<EnterpriseView>> {
        self.once(
            actor,
            once,
            self.add_enterprise_keyed(actor, new, responsible_login, Some(once)),
        )
        .await
    }

    async fn add_enterprise_keyed(
        &self,
        actor: &Officer,
        new: NewEnterprise,
        responsible_login: Option<&str>,
        once: Option<&Idempotent<'_, EnterpriseView>>,
    ) -> ServiceResult<EnterpriseView> {
        require_writer(actor)?;
        new.validate()
            .map_err(|e| ServiceError::invalid_from(Field::named(e.field()), &e))?;
        let responsible = match responsible_login {
            Some(login) => Some(self.responsible_officer(actor, login).await?),
            None if actor.role == Role::Admin => None,
            None => Some(actor.clone()),
        };
        let enterprise = Enterprise {
            id: EnterpriseId::new(),
            uscc: new.uscc,
            name: new.name.trim().to_owned(),
            sector: new.sector,
            town: new.town.trim().to_owned(),
            address: new.address.trim().to_owned(),
            land_area: new.land_area,
            legal_form: new.legal_form,
            responsible_officer: responsible.as_ref().map(|o| o.id),
            archived: false,
        };
        let view = EnterpriseView {
            enterprise,
            version: 1,
            responsible,
            at_stage: None,
        };
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            enterprises::insert_enterprise(uow, &view.enterprise, None).await?;
            Ok(view.clone())
        })
    }

    /// The storage filter of a listing: its stage checked, its officer resolved.
    async fn enterprise_filter(
        &self,
        actor: &Officer,
        query: &ListEnterprises,
    ) -> ServiceResult<EnterpriseFilter> {
        let conn = self.store().conn();
        let mut filter = EnterpriseFilter {
            include_archived: query.include_archived,
            sector: query.sector,
            town: query.town.clone(),
            name_contains: query.name_contains.clone(),
            responsible: None,
            stage: match &query.stage {
                Some(stage) => Some(self.check_stage_filter(actor, stage).await?),
                None => None,
            },
        };
        if let Some(login) = &query.officer {
            let officer = officers::find_officer_by_login(conn, login)
                .await?
                .ok_or_else(|| {
                    ServiceError::invalid(
                        Field::Officer,
                        Text::new(
                            format!("没有登录名为「{login}」的干部"),
                            format!("no officer has the login \"{login}\""),
                        ),
                    )
                })?;
            filter.responsible = Some(vec![officer.id]);
        } else if query.mine {
            filter.responsible = acting_scope(self.store(), actor).await?;
        }
        Ok(filter)
    }

    /// The views of enterprises: each with its responsible officer (read once each) and, for a
    /// list filtered by stage, the cultivation at that stage.
    async fn enterprise_views(
        &self,
        rows: Vec<Versioned<Enterprise>>,
        stage: Option<&StageFilter>,
    ) -> ServiceResult<Vec<EnterpriseView>> {
        let at_stage = match stage {
            Some(stage) => self.at_stage(stage).await?,
            None => BTreeMap::new(),
        };
        let ids: Vec<OfficerId> = rows
            .iter()
            .filter_map(|v| v.value.responsible_officer)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let people: std::collections::BTreeMap<OfficerId, Officer> =
            officers::officers_by_ids(self.store().conn(), &ids)
                .await?
                .into_iter()
                .map(|o| (o.id, o))
                .collect();
        Ok(rows
            .into_iter()
            .map(|v| EnterpriseView {
                responsible: v
                    .value
                    .responsible_officer
                    .and_then(|id| people.get(&id).cloned()),
                at_stage: at_stage.get(&v.value.id).cloned(),
                enterprise: v.value,
                version: v.version,
            })
            .collect())
    }

    /// For a list filtered by `stage`: each enterprise's cultivation at that stage (the first
    /// by track when several are), its track and stage in words.
    async fn at_stage(
        &self,
        stage: &StageFilter,
    ) -> ServiceResult<BTreeMap<peiyu_domain::EnterpriseId, AtStage>> {
        let conn = self.store().conn();
        let found = peiyu_storage::cultivations::list_cultivations(
            conn,
            stage.track.as_deref(),
            Some(stage.stage.as_str()),
        )
        .await?;
        let mut tracks = BTreeMap::new();
        let mut out = BTreeMap::new();
        for c in found {
            let c = c.value;
            if out.contains_key(&c.enterprise) {
                continue;
            }
            let track = match tracks.get(&c.track) {
                Some(t) => std::sync::Arc::clone(t),
                None => {
                    let t = self.track_version(c.track).await?.track;
                    tracks.insert(c.track, std::sync::Arc::clone(&t));
                    t
                }
            };
            let stage_label = track
                .stage(&c.stage)
                .map(|s| s.label.clone())
                .unwrap_or_else(|| Text::new(c.stage.as_str(), c.stage.as_str()));
            out.insert(
                c.enterprise,
                AtStage {
                    track: c.track_key.as_str().to_owned(),
                    track_label: track.label().clone(),
                    stage: c.stage.as_str().to_owned(),
                    stage_label,
                },
            );
        }
        Ok(out)
    }

    /// Lists enterprises, by name (then USCC).
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn list_enterprises(
        &self,
        actor: &Officer,
        query: &ListEnterprises,
    ) -> ServiceResult<Vec<EnterpriseView>> {
        let filter = self.enterprise_filter(actor, query).await?;
        let rows = enterprises::list_enterprises(self.store().conn(), &filter).await?;
        self.enterprise_views(rows, filter.stage.as_ref()).await
    }

    /// One page of [`Service::list_enterprises`], read in SQL from just after the enterprise
    /// the previous page ended on (by name and USCC; should it be unknown, after as many as
    /// were seen).
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn list_enterprises_page(
        &self,
        actor: &Officer,
        query: &ListEnterprises,
        page: &PageAsk,
    ) -> ServiceResult<Page<EnterpriseView>> {
        let filter = self.enterprise_filter(actor, query).await?;
        let conn = self.store().conn();
        let keys = match page.after_id().map(uuid::Uuid::parse_str) {
            Some(Ok(id)) => enterprises::enterprises_by_ids(conn, &[EnterpriseId(id)])
                .await?
                .into_iter()
                .next()
                .map(|e| (e.name, e.uscc.as_str().to_owned())),
            Some(Err(_)) | None => None,
        };
        let rows = enterprises::list_enterprises_page(conn, &filter, &page.start(keys), page.limit)
            .await?;
        let more = rows.more;
        Ok(Page {
            items: self
                .enterprise_views(rows.items, filter.stage.as_ref())
                .await?,
            more,
        })
    }

    /// `stage` checked against the tracks: the track exists, and it (or, without a track, some
    /// track) has the stage. Keys are trimmed.
    async fn check_stage_filter(
        &self,
        actor: &Officer,
        stage: &StageFilter,
    ) -> ServiceResult<StageFilter> {
        let key = peiyu_domain::StageKey::new(stage.stage.trim())
            .map_err(|e| ServiceError::invalid_from(Field::named("stage"), &e))?;
        let track = match stage.track.as_deref().map(str::trim) {
            Some("") | None => None,
            Some(track) => {
                let track = crate::tracks::parse_track_key(Field::Track, track)?;
                let view = self.latest_track(track.as_str()).await.map_err(|e| {
                    match e.kind() {
                        crate::ErrorKind::NotFound => ServiceError::invalid(
                            Field::Track,
                            Text::new(
                                format!("没有名为「{track}」的流程：请从流程列表中选择"),
                                format!("no track is named \"{track}\": choose one from the list of tracks"),
                            ),
                        ),
                        _ => e,
                    }
                })?;
                Some(view)
            }
        };
        let known = match &track {
            Some(view) => view.track.stage(&key).is_some(),
            None => self
                .list_tracks(actor)
                .await?
                .iter()
                .any(|view| view.track.stage(&key).is_some()),
        };
        if !known {
            let on = track.as_ref().map(|v| v.track.key().as_str().to_owned());
            return Err(ServiceError::invalid(
                Field::named("stage"),
                match on {
                    Some(t) => Text::new(
                        format!("流程「{t}」没有阶段「{key}」：请从该流程的阶段中选择"),
                        format!(
                            "the track \"{t}\" has no stage \"{key}\": choose one of its stages"
                        ),
                    ),
                    None => Text::new(
                        format!("没有哪个流程有阶段「{key}」：请从流程的阶段中选择"),
                        format!("no track has a stage \"{key}\": choose one of the tracks' stages"),
                    ),
                },
            ));
        }
        Ok(StageFilter {
            track: track.map(|v| v.track.key().as_str().to_owned()),
            stage: key.as_str().to_owned(),
        })
    }

    /// One enterprise with its recent figures.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn show_enterprise(
        &self,
        actor: &Officer,
        key: &str,
    ) -> ServiceResult<EnterpriseDetail> {
        let found = self.resolve_enterprise(key).await?;
        let mut recent =
            metrics::list_metrics(self.store().conn(), found.value.id, None, None).await?;
        let keep_from = recent.len().saturating_sub(12);
        let recent_metrics = recent.split_off(keep_from);
        let register = self.register_of(actor, found.value.id).await?;
        Ok(EnterpriseDetail {
            view: self.view_of(found).await?,
            recent_metrics,
            register,
        })
    }

    /// Changes an enterprise. With `expected_version`, a change made by someone else since that
    /// version is a conflict; without it, the change applies to the version read now.
    #[tracing::instrument(skip(self, actor, edit), fields(actor = %actor.login.as_str()))]
    pub async fn edit_enterprise(
        &self,
        actor: &Officer,
        key: &str,
        edit: EnterpriseEdit,
        expected_version: Option<i64>,
        reason: Option<String>,
    ) -> ServiceResult<EnterpriseView> {
        let change = EnterpriseChange {
            key,
            edit,
            expected_version,
            reason,
        };
        self.edit_enterprise_keyed(actor, change, None).await
    }

    /// [`Service::edit_enterprise`] at most once per idempotency key ([`Service::once`]).
    #[tracing::instrument(skip(self, actor, edit, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn edit_enterprise_once(
        &self,
        actor: &Officer,
        key: &str,
        edit: EnterpriseEdit,
        expected_version: Option<i64>,
        reason: Option<String>,
        once: &Idempotent<'_, EnterpriseView>,
    ) -> ServiceResult<Answer<EnterpriseView>> {
        let change = EnterpriseChange {
            key,
            edit,
            expected_version,
            reason,
        };
        self.once(
            actor,
            once,
            self.edit_enterprise_keyed(actor, change, Some(once)),
        )
        .await
    }

    async fn edit_enterprise_keyed(
        &self,
        actor: &Officer,
        change: EnterpriseChange<'_>,
        once: Option<&Idempotent<'_, EnterpriseView>>,
    ) -> ServiceResult<EnterpriseView> {
        let EnterpriseChange {
            key,
            edit,
            expected_version,
            reason,
        } = change;
        crate::error::bounded_reason(reason.as_deref())?;
        if edit.is_empty() {
            return Err(ServiceError::invalid(
                Field::Edit,
                Text::new(
                    "没有要修改的内容：请给出至少一个字段，如名称、乡镇",
                    "nothing to change: give at least one field, such as the name or the town",
                ),
            ));
        }
        let current = self.resolve_enterprise(key).await?;
        require_enterprise_access(self.store(), actor, &current.value).await?;
        let mut after = current.value.clone();
        if let Some(uscc) = edit.uscc {
            after.uscc = uscc;
        }
        if let Some(name) = edit.name {
            after.name = name.trim().to_owned();
        }
        if let Some(sector) = edit.sector {
            after.sector = sector;
        }
        if let Some(town) = edit.town {
            after.town = town.trim().to_owned();
        }
        if let Some(address) = edit.address {
            after.address = address.trim().to_owned();
        }
        if let Some(area) = edit.land_area {
            after.land_area = area;
        }
        if let Some(form) = edit.legal_form {
            after.legal_form = form;
        }
        let mut responsible = None;
        if let Some(login) = edit.responsible {
            after.responsible_officer = match login {
                Some(login) => {
                    let officer = self.responsible_officer(actor, &login).await?;
                    let id = officer.id;
                    responsible = Some(officer);
                    Some(id)
                }
                None => None,
            };
        }
        NewEnterprise {
            uscc: after.uscc.clone(),
            name: after.name.clone(),
            sector: after.sector,
            town: after.town.clone(),
            address: after.address.clone(),
            land_area: after.land_area,
            legal_form: after.legal_form,
            responsible_officer: after.responsible_officer,
        }
        .validate()
        .map_err(|e| ServiceError::invalid_from(Field::named(e.field()), &e))?;
        let expected = expected_version.unwrap_or(current.version);
        let before = current.value;
        let responsible = match (responsible, after.responsible_officer) {
            (Some(officer), _) => Some(officer),
            (None, Some(id)) => officers::find_officer(self.store().conn(), id).await?,
            (None, None) => None,
        };
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            let version = enterprises::update_enterprise(
                uow,
                &before,
                &after,
                expected,
                AuditAction::EnterpriseEdit,
                reason.clone(),
            )
            .await?;
            Ok(EnterpriseView {
                enterprise: after.clone(),
                version,
                responsible: responsible.clone(),
                at_stage: None,
            })
        })
    }

    /// Archives an enterprise: it leaves every list, and its history stays. A reason is required.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn archive_enterprise(
        &self,
        actor: &Officer,
        key: &str,
        reason: &str,
        expected_version: Option<i64>,
    ) -> ServiceResult<EnterpriseView> {
        self.archive_enterprise_keyed(actor, key, reason, expected_version, None)
            .await
    }

    /// [`Service::archive_enterprise`] at most once per idempotency key ([`Service::once`]).
    #[tracing::instrument(skip(self, actor, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn archive_enterprise_once(
        &self,
        actor: &Officer,
        key: &str,
        reason: &str,
        expected_version: Option<i64>,
        once: &Idempotent<'_, EnterpriseView>,
    ) -> ServiceResult<Answer<EnterpriseView>> {
        self.once(
            actor,
            once,
            self.archive_enterprise_keyed(actor, key, reason, expected_version, Some(once)),
        )
        .await
    }

    async fn archive_enterprise_keyed(
        &self,
        actor: &Officer,
        key: &str,
        reason: &str,
        expected_version: Option<i64>,
        once: Option<&Idempotent<'_, EnterpriseView>>,
    ) -> ServiceResult<EnterpriseView> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ServiceError::invalid(
                Field::Reason,
                Text::new(
                    "归档企业必须说明原因，如「已注销」「迁出本县」",
                    "archiving needs a reason, such as \"deregistered\" or \"moved out of the county\"",
                ),
            ));
        }
        crate::error::bounded_reason(Some(reason))?;
        let current = self.resolve_enterprise(key).await?;
        require_enterprise_access(self.store(), actor, &current.value).await?;
        if current.value.archived {
            return Err(ServiceError::invalid(
                Field::Enterprise,
                Text::new(
                    format!("「{}」已经归档", current.value.name),
                    format!("\"{}\" is already archived", current.value.name),
                ),
            ));
        }
        let before = current.value.clone();
        let mut after = current.value;
        after.archived = true;
        let expected = expected_version.unwrap_or(current.version);
        let responsible = self
            .view_of(Versioned {
                value: after.clone(),
                version: expected,
            })
            .await?
            .responsible;
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            let version = enterprises::update_enterprise(
                uow,
                &before,
                &after,
                expected,
                AuditAction::EnterpriseArchive,
                Some(reason.to_owned()),
            )
            .await?;
            Ok(EnterpriseView {
                enterprise: after.clone(),
                version,
                responsible: responsible.clone(),
                at_stage: None,
            })
        })
    }
}
