//! The statistical register (统计名录): entering an enterprise into the register of
//! above-scale industry (规上) or above-limit trade (限上), its exit (退库), and the register as
//! of a day with the year-to-date output of the firms in it (docs/register.md).
//!
//! Three ways in, one set of rules ([`decide_entry`], [`decide_exit`]): a track stage that says
//! `register = "…"` or `register_exit = "…"` (in the stage move's own unit of work), the
//! statistics bureau's list imported as a ledger, and an officer's hand entry.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use peiyu_domain::{
    Enterprise, EnterpriseId, Officer, RegisterKind, RegisterPeriod, RegisterRoute, RegisterSource,
    Role, Text, Uscc, YearMonth, Yuan,
};
use peiyu_storage::register::{self, StoredPeriod};
use peiyu_storage::{UnitOfWork, Versioned};

use crate::authz::{acting_scope, require_enterprise_access};
use crate::error::{Field, ServiceError, ServiceResult};
use crate::idempotency::{Answer, Idempotent};
use crate::import::{ImportMode, ImportOutcome, Progress, RowProblem};
use crate::{Service, actor_of, in_unit};

/// What to do to an enterprise's register status ([`Service::change_register`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegisterAction {
    /// Enter the register in `month` by `route`.
    Enter {
        /// The first month counted (入库年月).
        month: YearMonth,
        /// 月度 or 年度入库.
        route: RegisterRoute,
    },
    /// Leave the register in `month` (退库年月), for `reason`.
    Exit {
        /// The first month no longer counted.
        month: YearMonth,
        /// Why (required).
        reason: String,
    },
}

/// A hand entry or exit ([`Service::change_register`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterChange {
    /// The enterprise, by USCC or unambiguous name.
    pub enterprise: String,
    /// Which register.
    pub kind: RegisterKind,
    /// Enter or leave.
    pub action: RegisterAction,
    /// The day the change is recorded as taking effect (default today); the month must not be
    /// after this day's month.
    pub on: Option<NaiveDate>,
}

/// What a register change did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterOutcome {
    /// The enterprise.
    pub enterprise: Enterprise,
    /// The period entered or closed, as it now stands.
    pub period: RegisterPeriod,
}

/// What [`decide_entry`] decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryDecision {
    /// A new period to record.
    Insert(RegisterPeriod),
    /// The period the list gives is open and now has its exit: close it.
    Close(Versioned<StoredPeriod>, RegisterPeriod),
    /// Already recorded as given: nothing to do.
    Unchanged,
}

/// Why an entry cannot be recorded, in words (the caller names the field).
pub type Refusal = (Field, Text);

fn open_of(
    periods: &[Versioned<StoredPeriod>],
    kind: RegisterKind,
) -> Option<&Versioned<StoredPeriod>> {
    periods
        .iter()
        .find(|p| p.value.period.kind == kind && p.value.period.is_open())
}

/// Decides an entry of `wanted` (a period that may already carry its exit, as the bureau's list
/// gives it) given the enterprise's recorded `periods`.
///
/// - The same period (kind and month entered) already recorded: unchanged when the route and
///   exit agree; closed when it is open and `wanted` has an exit; refused otherwise.
/// - Another period of the kind still open: refused when `strict` (a hand entry, an import),
///   unchanged otherwise (a stage move reaching a register the list already counts it in).
/// - A new period may not begin before the last one ended.
pub fn decide_entry(
    periods: &[Versioned<StoredPeriod>],
    wanted: &RegisterPeriod,
    strict: bool,
) -> Result<EntryDecision, Refusal> {
    wanted.check().map_err(|e| {
        (
            Field::named("exited"),
            peiyu_domain::Localize::localize(&e, peiyu_domain::Lang::Zh),
        )
    })?;
    let kind_zh = wanted.kind.label(peiyu_domain::Lang::Zh);
    let kind_en = wanted.kind.label(peiyu_domain::Lang::En);
    if let Some(same) = periods
        .iter()
        .find(|p| p.value.period.kind == wanted.kind && p.value.period.entered == wanted.entered)
    {
        let have = &same.value.period;
        if have.route != wanted.route && strict {
            return Err((
                Field::named("route"),
                Text::new(
                    format!(
                        "{kind_zh} {} 入库已记录为{}，与给出的{}不一致：请核对入库方式",
                        have.entered,
                        have.route.label(peiyu_domain::Lang::Zh),
                        wanted.route.label(peiyu_domain::Lang::Zh)
                    ),
                    format!(
                        "the {kind_en} entry of {} is recorded as {}, not {}: check the route",
                        have.entered,
                        have.route.label(peiyu_domain::Lang::En),
                        wanted.route.label(peiyu_domain::Lang::En)
                    ),
                ),
            ));
        }
        return match (have.exited, wanted.exited) {
            (None, None) => Ok(EntryDecision::Unchanged),
            (Some(a), Some(b)) if a == b => Ok(EntryDecision::Unchanged),
            (None, Some(month)) => {
                let mut after = have.clone();
                after.exited = Some(month);
                after.exit_reason = wanted.exit_reason.clone();
                Ok(EntryDecision::Close(same.clone(), after))
            }
            (Some(_), _) if !strict => Ok(EntryDecision::Unchanged),
            (Some(recorded), given) => Err((
                Field::named("exited"),
                Text::new(
                    format!(
                        "{kind_zh} {} 入库的记录已于 {recorded} 退库，给出的是{}：请核对退库年月",
                        have.entered,
                        given.map_or_else(|| "仍在库".to_owned(), |g| format!(" {g} 退库"))
                    ),
                    format!(
                        "the {kind_en} entry of {} left in {recorded}; the input says {}: check the exit month",
                        have.entered,
                        given.map_or_else(|| "still in".to_owned(), |g| format!("left in {g}"))
                    ),
                ),
            )),
        };
    }
    if let Some(open) = open_of(periods, wanted.kind) {
        if !strict {
            return Ok(EntryDecision::Unchanged);
        }
        return Err((
            Field::named("month"),
            Text::new(
                format!(
                    "已于 {} 入库{}，尚未退库：先记录退库，再重新入库",
                    open.value.period.entered, kind_zh
                ),
                format!(
                    "already in the {kind_en} register since {} and not left: record the exit first, then enter again",
                    open.value.period.entered
                ),
            ),
        ));
    }
    if let Some(last_exit) = periods
        .iter()
        .filter(|p| p.value.period.kind == wanted.kind)
        .filter_map(|p| p.value.period.exited)
        .max()
        && wanted.entered < last_exit
    {
        if !strict {
            return Ok(EntryDecision::Unchanged);
        }
        return Err((
            Field::named("month"),
            Text::new(
                format!(
                    "入库年月 {} 早于上一次退库 {last_exit}：重新入库只能在退库当月或之后",
                    wanted.entered
                ),
                format!(
                    "the entry month {} is before the last exit {last_exit}: a re-entry is in or after the exit month",
                    wanted.entered
                ),
            ),
        ));
    }
    Ok(EntryDecision::Insert(wanted.clone()))
}

/// Decides an exit from `kind` in `month` given the recorded `periods`: the open period with its
/// exit, or `None` when there is no open period and `strict` is false (a stage move leaving a
/// register the enterprise was never counted in).
pub fn decide_exit(
    periods: &[Versioned<StoredPeriod>],
    kind: RegisterKind,
    month: YearMonth,
    reason: Option<String>,
    strict: bool,
) -> Result<Option<(Versioned<StoredPeriod>, RegisterPeriod)>, Refusal> {
    let Some(open) = open_of(periods, kind) else {
        if !strict {
            return Ok(None);
        }
        return Err((
            Field::Enterprise,
            Text::new(
                format!(
                    "该企业不在{}名录中（或已退库）：无需退库",
                    kind.label(peiyu_domain::Lang::Zh)
                ),
                format!(
                    "the enterprise is not in the {} register (or has left it): nothing to exit",
                    kind.label(peiyu_domain::Lang::En)
                ),
            ),
        ));
    };
    let mut after = open.value.period.clone();
    after.exited = Some(month);
    after.exit_reason = reason;
    if month < after.entered {
        if !strict {
            return Ok(None);
        }
        return Err((
            Field::named("month"),
            Text::new(
                format!("退库年月 {month} 早于入库年月 {}", after.entered),
                format!(
                    "the exit month {month} is before the entry month {}",
                    after.entered
                ),
            ),
        ));
    }
    Ok(Some((open.clone(), after)))
}

/// Records what a stage move into a stage with a `register` or `register_exit` key does, inside
/// the move's unit of work: enters the register in the move's month (route monthly), or closes
/// the open period. Nothing when the enterprise is already in (or not in) the register.
pub(crate) async fn apply_stage_effect(
    uow: &mut UnitOfWork,
    enterprise: EnterpriseId,
    effect: peiyu_workflow::RegisterEffect,
    effective_on: NaiveDate,
    reason: Option<String>,
) -> ServiceResult<()> {
    let Some(month) = YearMonth::containing(effective_on) else {
        return Ok(());
    };
    let periods = register::periods_of(uow.txn(), enterprise).await?;
    match effect {
        peiyu_workflow::RegisterEffect::Enter(kind) => {
            let wanted = RegisterPeriod {
                enterprise,
                kind,
                entered: month,
                route: RegisterRoute::Monthly,
                exited: None,
                exit_reason: None,
                source: RegisterSource::Track,
            };
            if let Ok(EntryDecision::Insert(p)) = decide_entry(&periods, &wanted, false) {
                register::insert_period(uow, &p, effective_on, reason).await?;
            }
        }
        peiyu_workflow::RegisterEffect::Exit(kind) => {
            if let Ok(Some((before, after))) = decide_exit(&periods, kind, month, reason, false) {
                register::exit_period(uow, &before, &after, effective_on).await?;
            }
        }
    }
    Ok(())
}

/// Fails unless `actor` may enter or exit `enterprise` by hand: an admin, or a lead of a team
/// responsible for it (docs/authorisation.md).
async fn require_register_writer(
    service: &Service,
    actor: &Officer,
    enterprise: &Enterprise,
) -> ServiceResult<()> {
    match actor.role {
        Role::Admin => Ok(()),
        Role::Lead => require_enterprise_access(service.store(), actor, enterprise).await,
        _ => Err(ServiceError::forbidden(
            "只有管理员和企业所在专班的组长可以录入入库、退库：请联系组长",
            "only an admin or a lead of the enterprise's team may record register entries and exits: ask your lead",
        )),
    }
}

/// One enterprise in the register as of a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InRegister {
    /// The enterprise.
    pub enterprise: Enterprise,
    /// Its responsible officer's name, if any.
    pub officer: Option<String>,
    /// The period that counts it.
    pub period: RegisterPeriod,
    /// Its output value from January to the as-of month of the as-of year.
    pub output_value: Yuan,
    /// Its revenue over the same months.
    pub revenue: Yuan,
}

/// The count and output of one register as of a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterCount {
    /// Which register.
    pub kind: RegisterKind,
    /// Enterprises counted on the day.
    pub in_register: usize,
    /// Periods entered in the year, up to the day's month.
    pub entered_in_year: usize,
    /// Periods left in the year, up to the day's month.
    pub exited_in_year: usize,
    /// The output value of the enterprises counted, January to the day's month.
    pub output_value: Yuan,
    /// Their revenue over the same months.
    pub revenue: Yuan,
}

/// The register as of a day ([`Service::register_list`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterList {
    /// The day.
    pub as_of: NaiveDate,
    /// The register asked for, or both.
    pub kind: Option<RegisterKind>,
    /// The enterprises counted on the day: by kind, month entered, then name.
    pub rows: Vec<InRegister>,
    /// Per register: counts and output (both registers unless one was asked for).
    pub counts: Vec<RegisterCount>,
}

/// The months January to `as_of`'s month of its year.
fn year_to_date(as_of: NaiveDate) -> ServiceResult<(YearMonth, YearMonth)> {
    let bad = || {
        ServiceError::invalid(
            Field::AsOf,
            Text::new(
                format!("截至日期 {as_of} 超出可统计的年份（1990–2099）"),
                format!("the as-of day {as_of} is outside the years 1990–2099"),
            ),
        )
    };
    let to = YearMonth::containing(as_of).ok_or_else(bad)?;
    let from = YearMonth::new(as_of.year(), 1).map_err(|_| bad())?;
    Ok((from, to))
}

/// Counts `periods` per register as of `as_of`, with `output` giving each counted enterprise's
/// year-to-date output value and revenue.
pub(crate) fn count_register(
    periods: &[RegisterPeriod],
    kinds: &[RegisterKind],
    as_of: NaiveDate,
    output: &BTreeMap<EnterpriseId, (Yuan, Yuan)>,
) -> Option<Vec<RegisterCount>> {
    let (from, to) = year_to_date(as_of).ok()?;
    let mut counts = Vec::new();
    for kind in kinds {
        let of_kind = periods.iter().filter(|p| p.kind == *kind);
        let mut c = RegisterCount {
            kind: *kind,
            in_register: 0,
            entered_in_year: 0,
            exited_in_year: 0,
            output_value: Yuan::ZERO,
            revenue: Yuan::ZERO,
        };
        for p in of_kind {
            if p.entered >= from && p.entered <= to {
                c.entered_in_year += 1;
            }
            if p.exited.is_some_and(|x| x >= from && x <= to) {
                c.exited_in_year += 1;
            }
            if p.counts_in(to) {
                c.in_register += 1;
                let (ov, rev) = output.get(&p.enterprise).copied().unwrap_or_default();
                c.output_value = c.output_value.checked_add(ov)?;
                c.revenue = c.revenue.checked_add(rev)?;
            }
        }
        counts.push(c);
    }
    Some(counts)
}

impl Service {
    /// Enters an enterprise into a register, or records its exit, by hand (admins and leads of
    /// the enterprise's team). An entry while a period is open, an exit with none open, an exit
    /// before the entry, a month after the change's day: refused, nothing changed.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str(), enterprise = %cmd.enterprise, kind = %cmd.kind))]
    pub async fn change_register(
        &self,
        actor: &Officer,
        cmd: RegisterChange,
    ) -> ServiceResult<RegisterOutcome> {
        self.change_register_keyed(actor, cmd, None).await
    }

    /// [`Service::change_register`] at most once per idempotency key ([`Service::once`]).
    #[tracing::instrument(skip(self, actor, once), fields(actor = %actor.login.as_str(), enterprise = %cmd.enterprise, key = %once.key()))]
    pub async fn change_register_once(
        &self,
        actor: &Officer,
        cmd: RegisterChange,
        once: &Idempotent<'_, RegisterOutcome>,
    ) -> ServiceResult<Answer<RegisterOutcome>> {
        self.once(
            actor,
            once,
            self.change_register_keyed(actor, cmd, Some(once)),
        )
        .await
    }

    async fn change_register_keyed(
        &self,
        actor: &Officer,
        cmd: RegisterChange,
        once: Option<&Idempotent<'_, RegisterOutcome>>,
    ) -> ServiceResult<RegisterOutcome> {
        let enterprise = self.resolve_enterprise(&cmd.enterprise).await?.value;
        require_register_writer(self, actor, &enterprise).await?;
        let today = self.today();
        let on = cmd.on.unwrap_or(today);
        if on > today {
            return Err(ServiceError::invalid(
                Field::On,
                Text::new(
                    format!("生效日期 {on} 晚于今天 {today}"),
                    format!("the effective day {on} is after today {today}"),
                ),
            ));
        }
        let on_month = YearMonth::containing(on).ok_or_else(|| {
            ServiceError::invalid(
                Field::On,
                Text::new(
                    format!("生效日期 {on} 超出 1990–2099 年"),
                    format!("the effective day {on} is outside 1990–2099"),
                ),
            )
        })?;
        let month = match &cmd.action {
            RegisterAction::Enter { month, .. } | RegisterAction::Exit { month, .. } => *month,
        };
        if month > on_month {
            return Err(ServiceError::invalid(
                Field::named("month"),
                Text::new(
                    format!("年月 {month} 晚于生效日期 {on} 所在的月份：不能预先录入"),
                    format!(
                        "the month {month} is after the month of the effective day {on}: nothing is entered ahead"
                    ),
                ),
            ));
        }
        if let RegisterAction::Exit { reason, .. } = &cmd.action {
            if reason.trim().is_empty() {
                return Err(ServiceError::invalid(
                    Field::Reason,
                    Text::new("退库须写明原因", "an exit needs a reason"),
                ));
            }
            crate::error::bounded_reason(Some(reason.as_str()))?;
        }
        let enterprise_id = enterprise.id;
        let period = in_unit!(self, &actor_of(actor), once = once, |uow| {
            let periods = register::periods_of(uow.txn(), enterprise_id).await?;
            let refuse = |(field, text): Refusal| ServiceError::invalid(field, text);
            match &cmd.action {
                RegisterAction::Enter { month, route } => {
                    let wanted = RegisterPeriod {
                        enterprise: enterprise_id,
                        kind: cmd.kind,
                        entered: *month,
                        route: *route,
                        exited: None,
                        exit_reason: None,
                        source: RegisterSource::Hand,
                    };
                    match decide_entry(&periods, &wanted, true).map_err(refuse)? {
                        EntryDecision::Insert(p) => {
                            register::insert_period(uow, &p, on, None).await?;
                            Ok(RegisterOutcome {
                                enterprise: enterprise.clone(),
                                period: p,
                            })
                        }
                        // An identical open period: strict entries refuse above unless it is
                        // this very one, recorded already.
                        EntryDecision::Unchanged | EntryDecision::Close(..) => {
                            Err(ServiceError::invalid(
                                Field::named("month"),
                                Text::new(
                                    format!(
                                        "已于 {month} 入库{}：无需重复录入",
                                        cmd.kind.label(peiyu_domain::Lang::Zh)
                                    ),
                                    format!(
                                        "already entered the {} register in {month}: nothing to enter",
                                        cmd.kind.label(peiyu_domain::Lang::En)
                                    ),
                                ),
                            ))
                        }
                    }
                }
                RegisterAction::Exit { month, reason } => {
                    let decided = decide_exit(
                        &periods,
                        cmd.kind,
                        *month,
                        Some(reason.trim().to_owned()),
                        true,
                    )
                    .map_err(refuse)?;
                    let Some((before, after)) = decided else {
                        return Err(ServiceError::invalid(
                            Field::Enterprise,
                            Text::new("该企业不在名录中", "the enterprise is not in the register"),
                        ));
                    };
                    register::exit_period(uow, &before, &after, on).await?;
                    Ok(RegisterOutcome {
                        enterprise: enterprise.clone(),
                        period: after,
                    })
                }
            }
        })?;
        Ok(period)
    }

    /// An enterprise's register periods, oldest first (every active officer may read them).
    #[tracing::instrument(skip(self, _actor))]
    pub async fn register_of(
        &self,
        _actor: &Officer,
        enterprise: EnterpriseId,
    ) -> ServiceResult<Vec<RegisterPeriod>> {
        Ok(register::periods_of(self.store().conn(), enterprise)
            .await?
            .into_iter()
            .map(|v| v.value.period)
            .collect())
    }

    /// The register as of `as_of` (default today): the enterprises counted that day (of `kind`,
    /// or both), each with its output value and revenue from January to that month, and the
    /// counts per register. Every active officer may read it.
    #[tracing::instrument(skip(self, _actor))]
    pub async fn register_list(
        &self,
        _actor: &Officer,
        kind: Option<RegisterKind>,
        as_of: Option<NaiveDate>,
    ) -> ServiceResult<RegisterList> {
        let as_of = as_of.unwrap_or_else(|| self.today());
        let (from, to) = year_to_date(as_of)?;
        let conn = self.store().conn();
        let periods = register::all_periods(conn, kind).await?;
        let counted: Vec<&RegisterPeriod> = periods.iter().filter(|p| p.counts_in(to)).collect();
        let mut ids: Vec<EnterpriseId> = counted.iter().map(|p| p.enterprise).collect();
        ids.sort();
        ids.dedup();
        let enterprises: BTreeMap<EnterpriseId, Enterprise> =
            peiyu_storage::enterprises::enterprises_by_ids(conn, &ids)
                .await?
                .into_iter()
                .map(|e| (e.id, e))
                .collect();
        let mut officer_ids: Vec<_> = enterprises
            .values()
            .filter_map(|e| e.responsible_officer)
            .collect();
        officer_ids.sort();
        officer_ids.dedup();
        let officers: BTreeMap<_, String> =
            peiyu_storage::officers::officers_by_ids(conn, &officer_ids)
                .await?
                .into_iter()
                .map(|o| (o.id, o.name))
                .collect();
        // The months of the year so far, read once for every enterprise, summed for those in.
        let wanted: std::collections::BTreeSet<EnterpriseId> = ids.iter().copied().collect();
        let mut months: BTreeMap<EnterpriseId, Vec<peiyu_domain::Metrics>> = BTreeMap::new();
        for m in peiyu_storage::bulk::all_metrics(conn, Some(from), Some(to)).await? {
            if wanted.contains(&m.enterprise) {
                months.entry(m.enterprise).or_default().push(m);
            }
        }
        let mut output: BTreeMap<EnterpriseId, (Yuan, Yuan)> = BTreeMap::new();
        for id in &ids {
            let of = months.get(id).map_or(&[][..], Vec::as_slice);
            let name = enterprises.get(id).map_or("", |e| e.name.as_str());
            let sum = |pick: fn(&peiyu_domain::Metrics) -> Option<Yuan>, field: &str| {
                Yuan::checked_sum(of.iter().filter_map(pick))
                    .ok_or_else(|| crate::report::total_too_large(field, name))
            };
            output.insert(
                *id,
                (
                    sum(|m| m.output_value, "output_value")?,
                    sum(|m| m.revenue, "revenue")?,
                ),
            );
        }
        let mut rows: Vec<InRegister> = counted
            .iter()
            .filter_map(|p| {
                let e = enterprises.get(&p.enterprise)?;
                let (output_value, revenue) =
                    output.get(&p.enterprise).copied().unwrap_or_default();
                Some(InRegister {
                    enterprise: e.clone(),
                    officer: e
                        .responsible_officer
                        .and_then(|o| officers.get(&o).cloned()),
                    period: (*p).clone(),
                    output_value,
                    revenue,
                })
            })
            .collect();
        rows.sort_by(|a, b| {
            (a.period.kind, a.period.entered, &a.enterprise.name).cmp(&(
                b.period.kind,
                b.period.entered,
                &b.enterprise.name,
            ))
        });
        let kinds: Vec<RegisterKind> = match kind {
            Some(k) => vec![k],
            None => RegisterKind::ALL.to_vec(),
        };
        let counts = count_register(&periods, &kinds, as_of, &output)
            .ok_or_else(|| crate::report::total_too_large("output_value", "统计名录"))?;
        Ok(RegisterList {
            as_of,
            kind,
            rows,
            counts,
        })
    }
}

/// One row of the statistics bureau's register list (统计局名录): an enterprise's stay in a
/// register, with its exit when the list gives one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterRow {
    /// The line it came from.
    pub line: u64,
    /// The enterprise (it must be on the books).
    pub uscc: Uscc,
    /// 规上 or 限上.
    pub kind: RegisterKind,
    /// 入库年月.
    pub entered: YearMonth,
    /// 月度 or 年度入库.
    pub route: RegisterRoute,
    /// 退库年月, when it left.
    pub exited: Option<YearMonth>,
    /// Why it left (default: the list says so).
    pub exit_reason: Option<String>,
}

/// What one row of a register import does, once checked.
enum RegisterWrite {
    Insert(RegisterPeriod),
    Close(Versioned<StoredPeriod>, RegisterPeriod),
}

impl Service {
    /// Imports the statistics bureau's register list: each row enters its enterprise into a
    /// register (or, with an exit, records the stay and its exit), a stay already recorded
    /// as given changes nothing, and the exit of an open stay closes it. Admins, and leads for
    /// the enterprises of their teams. Every row is checked first ([`ImportMode`]); a row that
    /// contradicts what is recorded (another stay open, a different route, a different exit)
    /// is a problem naming the column.
    #[tracing::instrument(skip_all, fields(actor = %actor.login.as_str(), rows = rows.len(), ?mode))]
    pub async fn import_register(
        &self,
        actor: &Officer,
        rows: &[RegisterRow],
        mode: ImportMode,
        progress: Option<Progress>,
    ) -> ServiceResult<ImportOutcome> {
        if !matches!(actor.role, Role::Admin | Role::Lead) {
            return Err(ServiceError::forbidden(
                "只有管理员和组长可以导入统计名录",
                "only an admin or a team lead may import the statistical register",
            ));
        }
        let conn = self.store().conn();
        let scope = acting_scope(self.store(), actor).await?;
        let enterprises: HashMap<String, Enterprise> = peiyu_storage::bulk::all_enterprises(conn)
            .await?
            .into_iter()
            .map(|v| (v.value.uscc.as_str().to_owned(), v.value))
            .collect();
        let mut ordered: Vec<&RegisterRow> = rows.iter().collect();
        // Earlier stays first, so that a list giving a stay and its re-entry reads in order.
        ordered.sort_by(|a, b| {
            (a.uscc.as_str(), a.kind, a.entered, a.line).cmp(&(
                b.uscc.as_str(),
                b.kind,
                b.entered,
                b.line,
            ))
        });
        let this_month = YearMonth::containing(self.today());
        in_unit!(self, &actor_of(actor), |uow| {
            let mut problems = Vec::new();
            let mut writes: Vec<RegisterWrite> = Vec::new();
            let mut unchanged = 0usize;
            let mut known: HashMap<EnterpriseId, Vec<Versioned<StoredPeriod>>> = HashMap::new();
            let mut seen: HashMap<(String, RegisterKind, YearMonth), u64> = HashMap::new();
            for row in &ordered {
                let Some(e) = enterprises.get(row.uscc.as_str()) else {
                    problems.push(RowProblem::new(
                        row.line,
                        "uscc",
                        row.uscc.as_str(),
                        Text::new(
                            "未找到该统一社会信用代码的企业：请先导入企业台账或添加该企业",
                            "no enterprise has this code: import the enterprise ledger or add it first",
                        ),
                    ));
                    continue;
                };
                if let Some(allowed) = &scope
                    && !e.responsible_officer.is_some_and(|o| allowed.contains(&o))
                {
                    problems.push(RowProblem::new(
                        row.line,
                        "uscc",
                        row.uscc.as_str(),
                        Text::new(
                            format!("「{}」不由你所在专班负责：请交管理员导入", e.name),
                            format!(
                                "\"{}\" is not your team's: ask an admin to import it",
                                e.name
                            ),
                        ),
                    ));
                    continue;
                }
                let future = [("entered", Some(row.entered)), ("exited", row.exited)]
                    .into_iter()
                    .find(|(_, m)| m.is_some_and(|m| this_month.is_some_and(|t| m > t)));
                if let Some((column, Some(month))) = future {
                    problems.push(RowProblem::new(
                        row.line,
                        column,
                        month.to_string(),
                        Text::new(
                            format!("{month} 晚于本月：名录只记录已经发生的入库和退库"),
                            format!("{month} is after this month: the register records only what has happened"),
                        ),
                    ));
                    continue;
                }
                let key = (row.uscc.as_str().to_owned(), row.kind, row.entered);
                if let Some(first) = seen.insert(key, row.line) {
                    problems.push(RowProblem::new(
                        row.line,
                        "entered",
                        row.entered.to_string(),
                        Text::new(
                            format!("与第 {first} 行重复：同一企业同一类别同一入库年月只能有一行"),
                            format!("repeats line {first}: one row per enterprise, register and entry month"),
                        ),
                    ));
                    continue;
                }
                if let std::collections::hash_map::Entry::Vacant(slot) = known.entry(e.id) {
                    slot.insert(register::periods_of(uow.txn(), e.id).await?);
                }
                let periods = known.entry(e.id).or_default();
                let wanted = RegisterPeriod {
                    enterprise: e.id,
                    kind: row.kind,
                    entered: row.entered,
                    route: row.route,
                    exited: row.exited,
                    exit_reason: row.exited.map(|_| {
                        row.exit_reason
                            .clone()
                            .unwrap_or_else(|| LIST_EXIT_REASON.to_owned())
                    }),
                    source: RegisterSource::Import,
                };
                match decide_entry(periods, &wanted, true) {
                    Ok(EntryDecision::Unchanged) => unchanged += 1,
                    Ok(EntryDecision::Insert(p)) => {
                        periods.push(Versioned {
                            value: StoredPeriod {
                                id: uuid::Uuid::nil(),
                                period: p.clone(),
                            },
                            version: 1,
                        });
                        writes.push(RegisterWrite::Insert(p));
                    }
                    Ok(EntryDecision::Close(before, after)) => {
                        if let Some(slot) =
                            periods.iter_mut().find(|p| p.value.id == before.value.id)
                        {
                            slot.value.period = after.clone();
                        }
                        writes.push(RegisterWrite::Close(before, after));
                    }
                    Err((field, message)) => {
                        let (column, value) = match field.key() {
                            "route" => ("route", row.route.short_zh().to_owned()),
                            "exited" => (
                                "exited",
                                row.exited.map(|m| m.to_string()).unwrap_or_default(),
                            ),
                            _ => ("entered", row.entered.to_string()),
                        };
                        problems.push(RowProblem::new(row.line, column, value, message));
                    }
                }
            }
            let mut outcome = ImportOutcome {
                unchanged,
                ..ImportOutcome::default()
            };
            if crate::import::writes(mode, &problems) {
                let total = writes.len();
                for (done, w) in writes.iter().enumerate() {
                    match w {
                        RegisterWrite::Insert(p) => {
                            register::insert_period(
                                uow,
                                p,
                                p.entered.first_day(),
                                Some(LIST_REASON.to_owned()),
                            )
                            .await?;
                            outcome.inserted += 1;
                        }
                        RegisterWrite::Close(before, after) => {
                            // The stored row, read again in this unit: its version is current.
                            let month = after.exited.unwrap_or(after.entered);
                            register::exit_period(uow, before, after, month.first_day()).await?;
                            outcome.updated += 1;
                        }
                    }
                    if (done + 1) % 1_000 == 0 {
                        crate::import::report(&progress, done + 1, total);
                    }
                }
                crate::import::report(&progress, total, total);
                outcome.written = total > 0;
            }
            Ok(crate::import::finish(outcome, problems))
        })
    }

    /// Every register stay with its enterprise, by USCC, register and month entered: what
    /// `peiyu export register` writes.
    #[tracing::instrument(skip(self, _actor))]
    pub async fn export_register(
        &self,
        _actor: &Officer,
    ) -> ServiceResult<Vec<(Enterprise, RegisterPeriod)>> {
        let conn = self.store().conn();
        let enterprises: HashMap<EnterpriseId, Enterprise> =
            peiyu_storage::bulk::all_enterprises(conn)
                .await?
                .into_iter()
                .map(|v| (v.value.id, v.value))
                .collect();
        let mut out: Vec<(Enterprise, RegisterPeriod)> = register::all_periods(conn, None)
            .await?
            .into_iter()
            .filter_map(|p| enterprises.get(&p.enterprise).map(|e| (e.clone(), p)))
            .collect();
        out.sort_by(|a, b| {
            (a.0.uscc.as_str(), a.1.kind, a.1.entered).cmp(&(
                b.0.uscc.as_str(),
                b.1.kind,
                b.1.entered,
            ))
        });
        Ok(out)
    }
}

/// The reason recorded on an entry imported from the bureau's list.
const LIST_REASON: &str = "统计局名录导入 / statistics bureau list";

/// The exit reason recorded when the list gives an exit without one.
const LIST_EXIT_REASON: &str = "统计局名录退库 / left per the statistics bureau list";

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn ym(s: &str) -> YearMonth {
        YearMonth::parse(s).unwrap()
    }

    fn period(entered: &str, exited: Option<&str>) -> RegisterPeriod {
        RegisterPeriod {
            enterprise: EnterpriseId(Uuid::nil()),
            kind: RegisterKind::AboveScale,
            entered: ym(entered),
            route: RegisterRoute::Monthly,
            exited: exited.map(ym),
            exit_reason: None,
            source: RegisterSource::Import,
        }
    }

    fn stored(p: RegisterPeriod) -> Versioned<StoredPeriod> {
        Versioned {
            value: StoredPeriod {
                id: Uuid::now_v7(),
                period: p,
            },
            version: 1,
        }
    }

    #[test]
    fn a_first_entry_is_inserted_and_the_same_one_again_changes_nothing() {
        let wanted = period("2023-03", None);
        assert_eq!(
            decide_entry(&[], &wanted, true),
            Ok(EntryDecision::Insert(wanted.clone()))
        );
        let have = [stored(wanted.clone())];
        assert_eq!(
            decide_entry(&have, &wanted, true),
            Ok(EntryDecision::Unchanged)
        );
    }

    #[test]
    fn a_second_open_entry_is_refused_by_hand_and_ignored_by_a_stage_move() {
        let have = [stored(period("2021-01", None))];
        let wanted = period("2023-03", None);
        let (field, text) = decide_entry(&have, &wanted, true).unwrap_err();
        assert_eq!(field, Field::named("month"));
        assert!(text.zh().contains("2021-01"), "{}", text.zh());
        assert_eq!(
            decide_entry(&have, &wanted, false),
            Ok(EntryDecision::Unchanged)
        );
    }

    #[test]
    fn a_re_entry_after_an_exit_is_a_new_period_but_not_before_the_exit() {
        let have = [stored(period("2021-01", Some("2022-06")))];
        assert!(matches!(
            decide_entry(&have, &period("2023-03", None), true),
            Ok(EntryDecision::Insert(_))
        ));
        assert!(decide_entry(&have, &period("2022-03", None), true).is_err());
    }

    #[test]
    fn the_list_giving_an_exit_closes_the_open_period() {
        let have = [stored(period("2021-01", None))];
        let mut wanted = period("2021-01", Some("2023-05"));
        wanted.exit_reason = Some("统计局名录".into());
        match decide_entry(&have, &wanted, true) {
            Ok(EntryDecision::Close(_, after)) => assert_eq!(after.exited, Some(ym("2023-05"))),
            other => panic!("{other:?}"),
        }
        // An exit recorded, the list saying still in: refused, naming the exit.
        let closed = [stored(period("2021-01", Some("2023-05")))];
        let (field, _) = decide_entry(&closed, &period("2021-01", None), true).unwrap_err();
        assert_eq!(field, Field::named("exited"));
    }

    #[test]
    fn an_exit_needs_an_open_period_and_a_month_not_before_the_entry() {
        assert!(decide_exit(&[], RegisterKind::AboveScale, ym("2023-05"), None, true).is_err());
        assert_eq!(
            decide_exit(&[], RegisterKind::AboveScale, ym("2023-05"), None, false),
            Ok(None)
        );
        let have = [stored(period("2023-03", None))];
        assert!(decide_exit(&have, RegisterKind::AboveScale, ym("2023-02"), None, true).is_err());
        let (_, after) = decide_exit(&have, RegisterKind::AboveScale, ym("2023-05"), None, true)
            .unwrap()
            .unwrap();
        assert_eq!(after.exited, Some(ym("2023-05")));
    }

    #[test]
    fn counts_say_who_is_in_on_the_day_and_what_moved_in_the_year() {
        let mut a = period("2021-01", None);
        a.enterprise = EnterpriseId(Uuid::from_u128(1));
        let mut b = period("2023-03", Some("2023-06"));
        b.enterprise = EnterpriseId(Uuid::from_u128(2));
        let mut c = period("2023-05", None);
        c.enterprise = EnterpriseId(Uuid::from_u128(3));
        let output = BTreeMap::from([
            (a.enterprise, (Yuan(100), Yuan(10))),
            (b.enterprise, (Yuan(200), Yuan(20))),
            (c.enterprise, (Yuan(300), Yuan(30))),
        ]);
        let day = NaiveDate::from_ymd_opt(2023, 6, 30).unwrap();
        let counts = count_register(&[a, b, c], &[RegisterKind::AboveScale], day, &output).unwrap();
        assert_eq!(counts[0].in_register, 2);
        assert_eq!(counts[0].entered_in_year, 2);
        assert_eq!(counts[0].exited_in_year, 1);
        assert_eq!(counts[0].output_value, Yuan(400));
    }
}
