//! The four batches (四个一批): yearly lists, assigning, moving and removing enterprises, copying a
//! year's list as the next year's draft, comparing two lists, publishing.

use chrono::NaiveDate;
use peiyu_domain::{
    Batch, BatchEntry, BatchList, BatchListStatus, BatchMove, Enterprise, Officer, Role, Text,
};
use peiyu_storage::{BatchChange, Versioned, batches, enterprises};

use crate::error::{Field, ServiceError, ServiceResult};
use crate::idempotency::{self, Answer, Idempotent};
use crate::{Service, actor_of, in_unit};

/// A list with its entries and their enterprises.
#[derive(Clone, Debug)]
pub struct BatchListView {
    /// The list and its version.
    pub list: Versioned<BatchList>,
    /// Its entries, by batch then enterprise name.
    pub entries: Vec<(BatchEntry, Enterprise)>,
}

/// How two lists differ.
#[derive(Clone, Debug, Default)]
pub struct BatchDiff {
    /// On the second list only.
    pub entered: Vec<(Enterprise, Batch)>,
    /// On the first list only.
    pub left: Vec<(Enterprise, Batch)>,
    /// Moved to a higher-priority batch (a smaller number): from, to.
    pub moved_up: Vec<(Enterprise, Batch, Batch)>,
    /// Moved to a lower-priority batch (a larger number): from, to.
    pub moved_down: Vec<(Enterprise, Batch, Batch)>,
    /// In the same batch on both.
    pub unchanged: usize,
}

/// A change to one enterprise's place on a year's list.
#[derive(Clone, Debug, Default)]
pub struct ListChange {
    /// USCC or unambiguous name.
    pub enterprise: String,
    /// The list's year.
    pub year: i32,
    /// The batch to put it in (ignored by remove).
    pub batch: Option<Batch>,
    /// The batch the rules suggested, when accepting or overriding a suggestion.
    pub suggested: Option<Batch>,
    /// Why (required).
    pub reason: String,
    /// The effective date (default today).
    pub on: Option<NaiveDate>,
}

/// One enterprise's place on a year's list, with its version: the number of recorded moves
/// of the enterprise on that list, which grows by one with each (its entity tag).
#[derive(Clone, Debug)]
pub struct EntryView {
    /// The enterprise.
    pub enterprise: Enterprise,
    /// Its entry.
    pub entry: BatchEntry,
    /// Its version.
    pub version: i64,
}

/// A recorded change of an entry, with the entry's version after it ([`EntryView::version`]).
#[derive(Clone, Debug)]
pub struct EntryMove {
    /// The move recorded.
    pub change: BatchMove,
    /// The entry's version after it.
    pub version: i64,
}

/// Suggestions to take onto a year's list ([`Service::accept_suggestions`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct Acceptance<'a> {
    /// The list's year.
    pub year: i32,
    /// One enterprise (USCC or unambiguous name), or every one with a suggestion.
    pub enterprise: Option<&'a str>,
    /// A batch other than the suggestion (one enterprise only; needs a reason).
    pub batch: Option<Batch>,
    /// Why; required when `batch` overrides the suggestion.
    pub reason: Option<&'a str>,
    /// The batch rules (TOML) to score with, instead of the county's.
    pub rules: Option<&'a str>,
    /// The day the moves take effect (default today; not after today).
    pub on: Option<NaiveDate>,
}

fn require_list_keeper(actor: &Officer) -> ServiceResult<()> {
    if matches!(actor.role, Role::Admin | Role::Lead) {
        Ok(())
    } else {
        Err(ServiceError::forbidden(
            "只有组长或管理员可以调整「四个一批」名单",
            "only a team lead or an admin may change the four-batches lists",
        ))
    }
}

fn require_reason(reason: &str) -> ServiceResult<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ServiceError::invalid(
            Field::Reason,
            Text::new(
                "调整名单必须说明原因，如「产值下滑，调入第四批」",
                "a list change needs a reason, e.g. \"output fell; moved to batch 4\"",
            ),
        ));
    }
    crate::error::bounded_reason(Some(reason))?;
    Ok(reason.to_owned())
}

fn check_year(year: i32) -> ServiceResult<i32> {
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(ServiceError::invalid(
            Field::List,
            Text::new(
                format!("名单年份应为 2000 到 2100 之间的年份，收到 {year}"),
                format!("a list's year must be between 2000 and 2100, got {year}"),
            ),
        ))
    }
}

/// Which change of a year's list: [`Service::change_batch_once`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListChangeKind {
    /// Put on the list ([`Service::assign_batch`]).
    Assign,
    /// Move to another batch ([`Service::move_batch`]).
    Move,
    /// Take off the list ([`Service::remove_batch`]).
    Remove,
}

/// The batch an assignment or a move names: required.
fn batch_of_change(cmd: &ListChange) -> ServiceResult<Batch> {
    cmd.batch.ok_or_else(|| {
        ServiceError::invalid(
            Field::Batch,
            Text::new("请给出批次（1 到 4）", "give a batch (1 to 4)"),
        )
    })
}

impl Service {
    /// The day a change takes effect: `on`, default the county's today; a day after today is refused.
    pub(crate) fn effective(&self, on: Option<NaiveDate>) -> ServiceResult<NaiveDate> {
        let today = self.today();
        let on = on.unwrap_or(today);
        if on > today {
            return Err(ServiceError::invalid(
                Field::On,
                Text::new(
                    format!("生效日期 {on} 在今天 {today} 之后"),
                    format!("the effective date {on} is after today {today}"),
                ),
            ));
        }
        Ok(on)
    }

    async fn list_for(&self, year: i32) -> ServiceResult<Versioned<BatchList>> {
        batches::find_list(self.store().conn(), check_year(year)?)
            .await?
            .ok_or_else(|| {
                ServiceError::not_found(
                    format!("没有 {year} 年的名单：请先为该年分配批次，或复制上一年的名单"),
                    format!("there is no {year} list: start one by assigning batches for that year, or copy an earlier list"),
                )
            })
    }

    /// The list of a year with its entries, optionally one batch only.
    #[tracing::instrument(skip(self, _actor))]
    pub async fn batch_list(
        &self,
        _actor: &Officer,
        year: i32,
        batch: Option<Batch>,
    ) -> ServiceResult<BatchListView> {
        let list = self.list_for(year).await?;
        let conn = self.store().conn();
        let mut out = Vec::new();
        for entry in batches::entries(conn, list.value.id).await? {
            if batch.is_some_and(|b| b != entry.batch) {
                continue;
            }
            let e = enterprises::get_enterprise(conn, entry.enterprise)
                .await?
                .value;
            out.push((entry, e));
        }
        out.sort_by(|a, b| {
            (a.0.batch, &a.1.name, a.1.uscc.as_str()).cmp(&(
                b.0.batch,
                &b.1.name,
                b.1.uscc.as_str(),
            ))
        });
        Ok(BatchListView { list, entries: out })
    }

    /// Every list, by year.
    pub async fn batch_lists(&self, _actor: &Officer) -> ServiceResult<Vec<Versioned<BatchList>>> {
        Ok(batches::list_lists(self.store().conn()).await?)
    }

    async fn change(
        &self,
        actor: &Officer,
        cmd: &ListChange,
        to: Option<Batch>,
        create_list: bool,
    ) -> ServiceResult<BatchMove> {
        let change = (to, create_list, None);
        Ok(self.change_keyed(actor, cmd, change, None).await?.change)
    }

    /// [`Service::assign_batch`], [`Service::move_batch`] or [`Service::remove_batch`] (as
    /// `kind` says), conditional on the entry's version when `expected` is given (a conflict
    /// when the entry moved since: see [`EntryView::version`]), at most once per idempotency
    /// key when `once` is given ([`Service::once`]).
    #[tracing::instrument(skip(self, actor, cmd, once), fields(actor = %actor.login.as_str(), enterprise = %cmd.enterprise, year = cmd.year))]
    pub async fn change_batch_entry(
        &self,
        actor: &Officer,
        (kind, cmd): (ListChangeKind, &ListChange),
        expected: Option<i64>,
        once: Option<&Idempotent<'_, EntryMove>>,
    ) -> ServiceResult<Answer<EntryMove>> {
        let (to, create_list) = match kind {
            ListChangeKind::Assign => (Some(batch_of_change(cmd)?), true),
            ListChangeKind::Move => (Some(batch_of_change(cmd)?), false),
            ListChangeKind::Remove => (None, false),
        };
        let change = (to, create_list, expected);
        match once {
            Some(once) => {
                self.once(
                    actor,
                    once,
                    self.change_keyed(actor, cmd, change, Some(once)),
                )
                .await
            }
            None => Ok(Answer::First {
                value: self.change_keyed(actor, cmd, change, None).await?,
                answer: None,
            }),
        }
    }

    /// One enterprise's entry on a year's list, with the entry's version.
    #[tracing::instrument(skip(self, _actor))]
    pub async fn batch_entry(
        &self,
        _actor: &Officer,
        year: i32,
        enterprise: &str,
    ) -> ServiceResult<EntryView> {
        let list = self.list_for(year).await?;
        let enterprise = self.resolve_enterprise(enterprise).await?.value;
        let conn = self.store().conn();
        let Some(entry) = batches::entry_of(conn, list.value.id, enterprise.id).await? else {
            return Err(ServiceError::not_found(
                format!("「{}」不在 {year} 年名单上", enterprise.name),
                format!("\"{}\" is not on the {year} list", enterprise.name),
            ));
        };
        let moves = batches::moves(conn, Some(list.value.id), Some(enterprise.id)).await?;
        Ok(EntryView {
            enterprise,
            entry,
            version: i64::try_from(moves.len()).unwrap_or(i64::MAX),
        })
    }

    async fn change_keyed(
        &self,
        actor: &Officer,
        cmd: &ListChange,
        (to, create_list, expected): (Option<Batch>, bool, Option<i64>),
        once: Option<&Idempotent<'_, EntryMove>>,
    ) -> ServiceResult<EntryMove> {
        require_list_keeper(actor)?;
        let reason = require_reason(&cmd.reason)?;
        let on = self.effective(cmd.on)?;
        let year = check_year(cmd.year)?;
        let suggested = cmd.suggested;
        let enterprise = self.resolve_enterprise(&cmd.enterprise).await?.value;
        if enterprise.archived && to.is_some() {
            return Err(ServiceError::invalid(
                Field::Enterprise,
                Text::new(
                    format!("「{}」已归档，不能列入名单", enterprise.name),
                    format!(
                        "\"{}\" is archived and cannot be put on a list",
                        enterprise.name
                    ),
                ),
            ));
        }
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            let list = match batches::find_list(uow.txn(), year).await? {
                Some(l) => l.value,
                None if create_list => batches::create_list(uow, year).await?,
                None => {
                    return Err(ServiceError::not_found(
                        format!("没有 {year} 年的名单"),
                        format!("there is no {year} list"),
                    ));
                }
            };
            let current = batches::entry_of(uow.txn(), list.id, enterprise.id).await?;
            let moves = batches::moves(uow.txn(), Some(list.id), Some(enterprise.id)).await?;
            let version = i64::try_from(moves.len()).unwrap_or(i64::MAX);
            if let Some(expected) = expected
                && current.is_some()
                && expected != version
            {
                return Err(ServiceError::Conflict {
                    message: Text::new(
                        format!(
                            "「{}」在 {year} 年名单上的位置已被他人调整（预期版本 {expected}，当前版本 {version}）：请重新查看后再操作",
                            enterprise.name
                        ),
                        format!(
                            "\"{}\" was moved on the {year} list by someone else (expected version {expected}, now {version}): look at it again and retry",
                            enterprise.name
                        ),
                    ),
                });
            }
            match (&current, to) {
                (Some(c), Some(_)) if create_list => {
                    return Err(ServiceError::invalid(
                        Field::Batch,
                        Text::new(
                            format!(
                                "「{}」已在 {year} 年名单的第{}批：每家企业在一份名单中只能属于一个批次；调整请改为移动批次",
                                enterprise.name, c.batch
                            ),
                            format!(
                                "\"{}\" is already in batch {} of the {year} list: an enterprise is in one batch per list; move it to another batch instead",
                                enterprise.name, c.batch
                            ),
                        ),
                    ));
                }
                (Some(c), Some(t)) if c.batch == t => {
                    return Err(ServiceError::invalid(
                        Field::Batch,
                        Text::new(
                            format!("「{}」已在第{t}批", enterprise.name),
                            format!("\"{}\" is already in batch {t}", enterprise.name),
                        ),
                    ));
                }
                (None, _) if !create_list => {
                    return Err(ServiceError::not_found(
                        format!(
                            "「{}」不在 {year} 年名单上：请先将其分配到该名单",
                            enterprise.name
                        ),
                        format!(
                            "\"{}\" is not on the {year} list: assign it to the list first",
                            enterprise.name
                        ),
                    ));
                }
                _ => {}
            }
            if let Some(c) = &current
                && on < c.since
            {
                return Err(ServiceError::invalid(
                    Field::On,
                    Text::new(
                        format!("生效日期 {on} 早于上一次调整 {}", c.since),
                        format!(
                            "the effective date {on} is before the previous change on {}",
                            c.since
                        ),
                    ),
                ));
            }
            let change = BatchChange {
                list,
                enterprise: enterprise.id,
                current,
                to,
                suggested,
                effective_on: on,
                reason: reason.clone(),
            };
            Ok(EntryMove {
                change: batches::apply_change(uow, &change).await?,
                version: version + 1,
            })
        })
    }

    /// Puts an enterprise in a batch of a year's list (creating the list as a draft if needed).
    /// An enterprise already on the list is refused: it is in one batch per list.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn assign_batch(
        &self,
        actor: &Officer,
        cmd: &ListChange,
    ) -> ServiceResult<BatchMove> {
        let batch = batch_of_change(cmd)?;
        self.change(actor, cmd, Some(batch), true).await
    }

    /// Moves an enterprise to another batch of a year's list.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn move_batch(&self, actor: &Officer, cmd: &ListChange) -> ServiceResult<BatchMove> {
        let batch = batch_of_change(cmd)?;
        self.change(actor, cmd, Some(batch), false).await
    }

    /// Takes an enterprise off a year's list.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn remove_batch(
        &self,
        actor: &Officer,
        cmd: &ListChange,
    ) -> ServiceResult<BatchMove> {
        self.change(actor, cmd, None, false).await
    }

    /// Copies a year's list as the next year's draft: same enterprises, same batches, each entry
    /// a recorded move. The target year must have no list yet. Archived enterprises are left out.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn copy_batch_list(
        &self,
        actor: &Officer,
        from: i32,
        to: i32,
        on: Option<NaiveDate>,
    ) -> ServiceResult<BatchListView> {
        self.copy_batch_list_keyed(actor, (from, to, on), None)
            .await
    }

    /// [`Service::copy_batch_list`] at most once per idempotency key ([`Service::once`]). The
    /// key is claimed in the unit of work that makes the copy; the answer (the new list, which
    /// only a read after the commit shows) is stored just after, in a unit of its own, as
    /// [`Service::open_case_once`] does.
    #[tracing::instrument(skip(self, actor, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn copy_batch_list_once(
        &self,
        actor: &Officer,
        (from, to, on): (i32, i32, Option<NaiveDate>),
        once: &Idempotent<'_, BatchListView>,
    ) -> ServiceResult<Answer<BatchListView>> {
        let copy = self.copy_batch_list_keyed(actor, (from, to, on), Some(once));
        self.once_answered_after(actor, once, copy).await
    }

    async fn copy_batch_list_keyed(
        &self,
        actor: &Officer,
        (from, to, on): (i32, i32, Option<NaiveDate>),
        once: Option<&Idempotent<'_, BatchListView>>,
    ) -> ServiceResult<BatchListView> {
        require_list_keeper(actor)?;
        let source = self.batch_list(actor, from, None).await?;
        check_year(to)?;
        if batches::find_list(self.store().conn(), to).await?.is_some() {
            return Err(ServiceError::invalid(
                Field::To,
                Text::new(
                    format!("{to} 年的名单已存在，不能覆盖"),
                    format!("a {to} list exists already and is not overwritten"),
                ),
            ));
        }
        let on = self.effective(on)?;
        let reason = format!("复制自 {from} 年名单");
        in_unit!(self, &actor_of(actor), |uow| {
            idempotency::claim(once, uow).await?;
            let list = batches::create_list(uow, to).await?;
            for (entry, e) in &source.entries {
                if e.archived {
                    continue;
                }
                let change = BatchChange {
                    list: list.clone(),
                    enterprise: entry.enterprise,
                    current: None,
                    to: Some(entry.batch),
                    suggested: None,
                    effective_on: on,
                    reason: reason.clone(),
                };
                batches::apply_change(uow, &change).await?;
            }
            Ok(())
        })?;
        self.batch_list(actor, to, None).await
    }

    /// Compares two years' lists.
    #[tracing::instrument(skip(self, actor))]
    pub async fn diff_batch_lists(
        &self,
        actor: &Officer,
        a: i32,
        b: i32,
    ) -> ServiceResult<BatchDiff> {
        let first = self.batch_list(actor, a, None).await?;
        let second = self.batch_list(actor, b, None).await?;
        let mut diff = BatchDiff::default();
        for (entry, e) in &second.entries {
            match first
                .entries
                .iter()
                .find(|(x, _)| x.enterprise == entry.enterprise)
            {
                None => diff.entered.push((e.clone(), entry.batch)),
                Some((old, _)) if old.batch > entry.batch => {
                    diff.moved_up.push((e.clone(), old.batch, entry.batch))
                }
                Some((old, _)) if old.batch < entry.batch => {
                    diff.moved_down.push((e.clone(), old.batch, entry.batch))
                }
                Some(_) => diff.unchanged += 1,
            }
        }
        for (entry, e) in &first.entries {
            if !second
                .entries
                .iter()
                .any(|(x, _)| x.enterprise == entry.enterprise)
            {
                diff.left.push((e.clone(), entry.batch));
            }
        }
        Ok(diff)
    }

    /// Publishes a draft list: from then on it changes only through recorded moves.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub async fn publish_batch_list(
        &self,
        actor: &Officer,
        year: i32,
        expected_version: Option<i64>,
        on: Option<NaiveDate>,
    ) -> ServiceResult<Versioned<BatchList>> {
        self.publish_batch_list_keyed(actor, (year, expected_version, on), None)
            .await
    }

    /// [`Service::publish_batch_list`] at most once per idempotency key ([`Service::once`]):
    /// the key is claimed in the unit of work that publishes and holds `once`'s rendering.
    #[tracing::instrument(skip(self, actor, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn publish_batch_list_once(
        &self,
        actor: &Officer,
        (year, expected_version, on): (i32, Option<i64>, Option<NaiveDate>),
        once: &Idempotent<'_, Versioned<BatchList>>,
    ) -> ServiceResult<Answer<Versioned<BatchList>>> {
        let publish =
            self.publish_batch_list_keyed(actor, (year, expected_version, on), Some(once));
        self.once(actor, once, publish).await
    }

    async fn publish_batch_list_keyed(
        &self,
        actor: &Officer,
        (year, expected_version, on): (i32, Option<i64>, Option<NaiveDate>),
        once: Option<&Idempotent<'_, Versioned<BatchList>>>,
    ) -> ServiceResult<Versioned<BatchList>> {
        require_list_keeper(actor)?;
        let on = self.effective(on)?;
        let list = self.list_for(year).await?;
        if list.value.status == BatchListStatus::Published {
            return Err(ServiceError::invalid(
                Field::List,
                Text::new(
                    format!("{year} 年名单已发布"),
                    format!("the {year} list is already published"),
                ),
            ));
        }
        let expected = expected_version.unwrap_or(list.version);
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            let version = batches::publish_list(uow, &list.value, expected, None, Some(on)).await?;
            Ok(Versioned {
                value: BatchList {
                    status: BatchListStatus::Published,
                    published_at: Some(uow.now()),
                    ..list.value.clone()
                },
                version,
            })
        })
    }

    /// An enterprise's batch moves across every list, oldest first.
    pub async fn batch_history(
        &self,
        _actor: &Officer,
        enterprise: &str,
    ) -> ServiceResult<(Enterprise, Vec<(i32, BatchMove)>)> {
        let e = self.resolve_enterprise(enterprise).await?.value;
        let conn = self.store().conn();
        let lists = batches::list_lists(conn).await?;
        let moves = batches::moves(conn, None, Some(e.id)).await?;
        let out = moves
            .into_iter()
            .map(|m| {
                let year = lists
                    .iter()
                    .find(|l| l.value.id == m.list)
                    .map(|l| l.value.year)
                    .unwrap_or_default();
                (year, m)
            })
            .collect();
        Ok((e, out))
    }

    /// The enterprise's batch on the list of `year`, if any (for the batch policy).
    pub(crate) async fn batch_of(
        &self,
        enterprise: peiyu_domain::EnterpriseId,
        year: i32,
    ) -> ServiceResult<Option<Batch>> {
        let conn = self.store().conn();
        Ok(match batches::find_list(conn, year).await? {
            Some(list) => batches::entry_of(conn, list.value.id, enterprise)
                .await?
                .map(|e| e.batch),
            None => None,
        })
    }
}

/// The suggestion rules in force: the file given, or the shipped defaults.
pub fn batch_rules(text: Option<&str>) -> ServiceResult<peiyu_workflow::batch_rules::Rules> {
    use peiyu_domain::Localize;
    let parsed = match text {
        Some(t) => peiyu_workflow::batch_rules::Rules::parse(t),
        None => peiyu_workflow::batch_rules::Rules::shipped(),
    };
    parsed.map_err(|e| ServiceError::invalid(Field::Rules, e.localize(peiyu_domain::Lang::Zh)))
}

impl Service {
    /// Suggests each industrial enterprise's batch for a year's list from its metrics and the
    /// rule file alone (the shipped rules unless `rules_text` is given), with the score broken
    /// down. The list for year Y is drawn up from the figures of year Y−1, the last complete
    /// year. Facts taken from cultivations: on the industrial track before `registered` marks an
    /// above-scale candidate; at `upgrading`, a tech-upgrade project.
    #[tracing::instrument(skip(self, _actor, rules_text))]
    pub async fn suggest_batches(
        &self,
        _actor: &Officer,
        year: i32,
        rules_text: Option<&str>,
    ) -> ServiceResult<Vec<peiyu_workflow::batch_rules::Suggestion>> {
        use peiyu_workflow::batch_rules::{EnterpriseFacts, Facts, suggest};
        let rules = batch_rules(rules_text)?;
        let year = check_year(year)?;
        let conn = self.store().conn();
        let all = enterprises::list_enterprises(conn, &peiyu_storage::EnterpriseFilter::default())
            .await?;
        let mut inputs = Vec::with_capacity(all.len());
        for e in all {
            let e = e.value;
            let metrics = peiyu_storage::metrics::list_metrics(conn, e.id, None, None).await?;
            let industrial =
                peiyu_storage::cultivations::find_cultivation(conn, e.id, "industrial").await?;
            let stage = industrial
                .as_ref()
                .map(|c| c.value.stage.as_str().to_owned());
            let facts = Facts {
                above_scale_candidate: matches!(
                    stage.as_deref(),
                    Some("candidate" | "cultivating" | "qualified" | "applied")
                ),
                tech_upgrade_project: stage.as_deref() == Some("upgrading"),
                stopped: false,
                in_production_since: None,
            };
            inputs.push(EnterpriseFacts {
                enterprise: e,
                metrics,
                facts,
            });
        }
        Ok(suggest(&rules, year - 1, &inputs))
    }

    /// Takes the suggested batch for one enterprise, or for all with a suggestion, onto the
    /// year's list: assigning those not listed, moving those in another batch. A batch other
    /// than the suggestion (`batch`) needs a reason, recorded with the suggestion it overrides.
    #[tracing::instrument(skip(self, actor, acceptance), fields(actor = %actor.login.as_str(), year = acceptance.year))]
    pub async fn accept_suggestions(
        &self,
        actor: &Officer,
        acceptance: &Acceptance<'_>,
    ) -> ServiceResult<Vec<(Enterprise, BatchMove)>> {
        self.accept_suggestions_keyed(actor, acceptance, None).await
    }

    /// [`Service::accept_suggestions`] at most once per idempotency key ([`Service::once`]):
    /// the key is claimed in the unit of work that records the moves and holds `once`'s
    /// rendering of them.
    #[tracing::instrument(skip(self, actor, acceptance, once), fields(actor = %actor.login.as_str(), key = %once.key()))]
    pub async fn accept_suggestions_once(
        &self,
        actor: &Officer,
        acceptance: &Acceptance<'_>,
        once: &Idempotent<'_, Vec<(Enterprise, BatchMove)>>,
    ) -> ServiceResult<Answer<Vec<(Enterprise, BatchMove)>>> {
        let accept = self.accept_suggestions_keyed(actor, acceptance, Some(once));
        self.once(actor, once, accept).await
    }

    async fn accept_suggestions_keyed(
        &self,
        actor: &Officer,
        acceptance: &Acceptance<'_>,
        once: Option<&Idempotent<'_, Vec<(Enterprise, BatchMove)>>>,
    ) -> ServiceResult<Vec<(Enterprise, BatchMove)>> {
        let Acceptance {
            year,
            enterprise,
            batch,
            reason,
            rules: rules_text,
            on,
        } = *acceptance;
        require_list_keeper(actor)?;
        let on = self.effective(on)?;
        let suggestions = self.suggest_batches(actor, year, rules_text).await?;
        let chosen: Vec<_> = match enterprise {
            Some(key) => {
                let e = self.resolve_enterprise(key).await?.value;
                let s = suggestions
                    .into_iter()
                    .find(|s| s.enterprise == e.id)
                    .ok_or_else(|| {
                        ServiceError::invalid(
                            Field::Enterprise,
                            Text::new(
                                format!("「{}」没有建议批次（非工业企业或无数据）", e.name),
                                format!(
                                    "\"{}\" has no suggestion (not industrial, or no data)",
                                    e.name
                                ),
                            ),
                        )
                    })?;
                vec![s]
            }
            None => {
                if batch.is_some() {
                    return Err(ServiceError::invalid(
                        Field::Batch,
                        Text::new(
                            "指定批次只能用于单个企业",
                            "a batch can be named for one enterprise only",
                        ),
                    ));
                }
                suggestions
                    .into_iter()
                    .filter(|s| s.batch.is_some())
                    .collect()
            }
        };
        // Decide every change first, then record them all in one unit: all or nothing.
        let mut planned = Vec::new();
        for s in chosen {
            let target = match (batch, s.batch) {
                (Some(b), _) => b,
                (None, Some(b)) => b,
                (None, None) => {
                    return Err(ServiceError::invalid(
                        Field::Batch,
                        Text::new(
                            format!("「{}」没有建议批次：请指定批次并说明原因", s.name),
                            format!(
                                "\"{}\" has no suggested batch: name a batch and give a reason",
                                s.name
                            ),
                        ),
                    ));
                }
            };
            let differs = Some(target) != s.batch;
            let why = match reason.map(str::trim).filter(|r| !r.is_empty()) {
                Some(r) => r.to_owned(),
                None if differs => {
                    return Err(ServiceError::invalid(
                        Field::Reason,
                        Text::new(
                            format!(
                                "「{}」的建议批次是{}，改列第{target}批必须说明原因",
                                s.name,
                                s.batch
                                    .map(|b| format!("第{b}批"))
                                    .unwrap_or_else(|| "无".into())
                            ),
                            format!(
                                "the suggestion for \"{}\" is {}; taking batch {target} needs a reason",
                                s.name,
                                s.batch
                                    .map(|b| format!("batch {b}"))
                                    .unwrap_or_else(|| "none".into())
                            ),
                        ),
                    ));
                }
                None => format!("采纳建议：{}", s.reason.zh()),
            };
            planned.push((s.enterprise, target, s.batch, why));
        }
        // Read before the unit: the answer names each enterprise.
        let mut named = std::collections::HashMap::new();
        for (enterprise, ..) in &planned {
            let e = enterprises::get_enterprise(self.store().conn(), *enterprise)
                .await?
                .value;
            named.insert(*enterprise, e);
        }
        in_unit!(self, &actor_of(actor), once = once, |uow| {
            let list = match batches::find_list(uow.txn(), year).await? {
                Some(l) => l.value,
                None => batches::create_list(uow, year).await?,
            };
            let mut moves = Vec::new();
            for (enterprise, target, suggested, why) in &planned {
                let current = batches::entry_of(uow.txn(), list.id, *enterprise).await?;
                if current.as_ref().is_some_and(|c| c.batch == *target) {
                    continue;
                }
                let change = BatchChange {
                    list: list.clone(),
                    enterprise: *enterprise,
                    current,
                    to: Some(*target),
                    suggested: *suggested,
                    effective_on: on,
                    reason: why.clone(),
                };
                let mv = batches::apply_change(uow, &change).await?;
                if let Some(e) = named.get(enterprise) {
                    moves.push((e.clone(), mv));
                }
            }
            Ok(moves)
        })
    }
}
