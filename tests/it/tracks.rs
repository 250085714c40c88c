//! The workflow engine through the service: the shipped tracks walked end to end, every guard
//! blocking and allowing, overrides, effective dates and deadlines around the holidays,
//! concurrent advances, authorisation and dry runs. Each test runs on every backend.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use peiyu_domain::AuditAction;
use peiyu_domain::{
    Enterprise, LegalForm, Login, Metrics, NewEnterprise, Officer, Role, Sector, Task, TaskKind,
    TaskStatus, YearMonth, Yuan,
};
use peiyu_service::{
    AdvanceCase, AdvanceOutcome, AuditQuery, CaseView, ErrorKind, FixedClock, ListTasks,
    NewOfficer, OpenCase, Service, ServiceError,
};
use peiyu_tests::{TestDb, service_at, uscc};

mod authz;
mod concurrency;
mod dates;
mod dry_run;
mod guards;
mod overrides;
mod walks;

/// The shipped tracks' keys.
pub(crate) const INDUSTRIAL: &str = "industrial";
pub(crate) const COMMERCE: &str = "commerce";
pub(crate) const TECHNOLOGY: &str = "technology";

/// A date written as `YYYY-MM-DD`.
pub(crate) fn d(s: &str) -> NaiveDate {
    s.parse().unwrap_or_else(|e| panic!("not a date: {s}: {e}"))
}

/// 09:00 in the county (UTC+8) on `day`.
pub(crate) fn morning(day: &str) -> DateTime<Utc> {
    let day = d(day);
    Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0).unwrap())
}

/// The people of a county bureau: a team (培育专班) led by `lead` with the officers `wang`
/// (responsible for every enterprise the tests add) and `li`; `zhao`, an officer outside the
/// team; `boss`, a bureau leader; and the administrator.
#[derive(Clone)]
pub(crate) struct World {
    pub service: Service,
    pub admin: Officer,
    pub wang: Officer,
    pub li: Officer,
    pub lead: Officer,
    pub zhao: Officer,
    pub boss: Officer,
}

async fn add_officer(service: &Service, admin: &Officer, login: &str, role: Role) -> Officer {
    service
        .add_officer(
            admin,
            NewOfficer {
                login: Login::new(login).unwrap(),
                name: login.to_uppercase(),
                role,
            },
        )
        .await
        .unwrap()
}

/// An initialised database with the bureau's people, the service's clock stopped on `today`.
pub(crate) async fn world(db: &TestDb, today: &str) -> World {
    let (service, admin) = service_at(db, morning(today)).await;
    let wang = add_officer(&service, &admin, "wang", Role::Officer).await;
    let li = add_officer(&service, &admin, "li", Role::Officer).await;
    let lead = add_officer(&service, &admin, "lead", Role::Lead).await;
    let zhao = add_officer(&service, &admin, "zhao", Role::Officer).await;
    let boss = add_officer(&service, &admin, "boss", Role::Leader).await;
    service
        .add_team(&admin, "培育专班", Some("lead"))
        .await
        .unwrap();
    peiyu_tests::join_all(&service, &admin, "培育专班", &["wang", "li"]).await;
    World {
        service,
        admin,
        wang,
        li,
        lead,
        zhao,
        boss,
    }
}

impl World {
    /// The same bureau on another day: the clock moves, the database stays.
    pub(crate) fn on(&self, today: &str) -> World {
        World {
            service: self
                .service
                .clone()
                .with_clock(Arc::new(FixedClock(morning(today)))),
            ..self.clone()
        }
    }
}

/// Adds an enterprise that `wang` is responsible for; returns it.
pub(crate) async fn enterprise(
    w: &World,
    n: u32,
    name: &str,
    sector: Sector,
    legal_form: LegalForm,
) -> Enterprise {
    w.service
        .add_enterprise(
            &w.wang,
            NewEnterprise {
                uscc: uscc(n),
                name: name.into(),
                sector,
                town: "石龙镇".into(),
                address: "工业园区".into(),
                land_area: None,
                legal_form,
                responsible_officer: None,
            },
            None,
        )
        .await
        .unwrap()
        .enterprise
}

/// An industrial legal entity.
pub(crate) async fn factory(w: &World, n: u32, name: &str) -> Enterprise {
    enterprise(w, n, name, Sector::Industry, LegalForm::LegalEntity).await
}

/// Opens a cultivation of `e` on `track`, effective `on`, as `wang`.
pub(crate) async fn open(w: &World, e: &Enterprise, track: &str, on: &str) -> CaseView {
    w.service
        .open_case(
            &w.wang,
            OpenCase {
                enterprise: e.uscc.to_string(),
                track: track.into(),
                on: Some(d(on)),
                ..OpenCase::default()
            },
        )
        .await
        .unwrap_or_else(|err| panic!("opening {} on {track}: {err}", e.name))
}

/// A move of `e` on `track` to `to`, effective `on`, with nothing else given.
pub(crate) fn step(e: &Enterprise, track: &str, to: &str, on: &str) -> AdvanceCase {
    AdvanceCase {
        enterprise: e.uscc.to_string(),
        track: track.into(),
        to: to.into(),
        on: Some(d(on)),
        ..AdvanceCase::default()
    }
}

/// The same move with a piece of evidence.
pub(crate) fn with_evidence(mut cmd: AdvanceCase, evidence: &str) -> AdvanceCase {
    cmd.evidence.push(evidence.into());
    cmd
}

/// The same move with a reason.
pub(crate) fn with_reason(mut cmd: AdvanceCase, reason: &str) -> AdvanceCase {
    cmd.reason = Some(reason.into());
    cmd
}

/// Advances as `actor`, failing the test with the service's message if refused.
pub(crate) async fn advance(w: &World, actor: &Officer, cmd: AdvanceCase) -> AdvanceOutcome {
    let what = format!("{} → {} on {:?}", cmd.enterprise, cmd.to, cmd.on);
    let out = w
        .service
        .advance_case(actor, cmd)
        .await
        .unwrap_or_else(|err| panic!("advancing {what}: {err}"));
    assert!(out.applied && !out.replayed, "{what} was not applied");
    out
}

/// Takes a move as the administrator whatever its guards say (an override with a reason and a
/// piece of evidence): to set a scene quickly.
pub(crate) async fn force(
    w: &World,
    e: &Enterprise,
    track: &str,
    to: &str,
    on: &str,
) -> AdvanceOutcome {
    let mut cmd = with_evidence(with_reason(step(e, track, to, on), "测试准备"), "setup");
    cmd.override_guards = true;
    advance(w, &w.admin, cmd).await
}

/// Advances and expects the service to refuse with `kind`; returns the message (English).
pub(crate) async fn refused(
    w: &World,
    actor: &Officer,
    cmd: AdvanceCase,
    kind: ErrorKind,
) -> String {
    let what = format!("{} → {} on {:?}", cmd.enterprise, cmd.to, cmd.on);
    match w.service.advance_case(actor, cmd).await {
        Ok(out) => panic!(
            "{what} should be refused but was applied: {:?}",
            out.transition
        ),
        Err(err) => {
            assert_eq!(err.kind(), kind, "{what}: {err}");
            message(&err)
        }
    }
}

/// An error's message in English and Chinese, on one string (so either can be searched).
pub(crate) fn message(err: &ServiceError) -> String {
    let text = peiyu_domain::Localize::localize(err, peiyu_domain::Lang::Zh);
    format!("{}\n{}", text.en(), text.zh())
}

/// Records a month's revenue (and output value) in 万元 (ten thousand yuan).
pub(crate) async fn record(
    w: &World,
    e: &Enterprise,
    month: &str,
    revenue_wan: i64,
    output_wan: Option<i64>,
) {
    let month = YearMonth::parse(month).unwrap();
    w.service
        .record_metrics(
            &w.wang,
            e.uscc.as_str(),
            Metrics {
                revenue: Some(Yuan(revenue_wan * 10_000)),
                output_value: output_wan.map(|o| Yuan(o * 10_000)),
                ..Metrics::empty(e.id, month)
            },
            None,
        )
        .await
        .unwrap();
}

/// Records the same monthly figures for every month from `from` to `to`.
pub(crate) async fn record_months(
    w: &World,
    e: &Enterprise,
    from: &str,
    to: &str,
    revenue_wan: i64,
    output_wan: Option<i64>,
) {
    let (mut month, last) = (
        YearMonth::parse(from).unwrap(),
        YearMonth::parse(to).unwrap(),
    );
    while month <= last {
        record(w, e, &month.to_string(), revenue_wan, output_wan).await;
        month = month.next();
    }
}

/// Every task of an enterprise, in whatever state, as the service lists them.
pub(crate) async fn tasks_of(w: &World, e: &Enterprise) -> Vec<Task> {
    w.service
        .list_tasks(
            &w.admin,
            &ListTasks {
                enterprise: Some(e.uscc.to_string()),
                all: true,
                ..ListTasks::default()
            },
        )
        .await
        .unwrap()
        .tasks
        .into_iter()
        .map(|t| t.value)
        .collect()
}

/// The one open task of `kind` of an enterprise.
pub(crate) async fn open_task(w: &World, e: &Enterprise, kind: TaskKind) -> Task {
    let mut open: Vec<Task> = tasks_of(w, e)
        .await
        .into_iter()
        .filter(|t| t.status == TaskStatus::Open && t.kind == kind)
        .collect();
    assert_eq!(open.len(), 1, "open {kind:?} tasks of {}: {open:?}", e.name);
    open.remove(0)
}

/// Marks the open task of `kind` done, effective `on`, as `wang`.
pub(crate) async fn complete(w: &World, e: &Enterprise, kind: TaskKind, on: &str) -> Task {
    let task = open_task(w, e, kind).await;
    w.service
        .complete_task(
            &w.wang,
            &task.id.0.to_string(),
            Some("已完成".into()),
            None,
            Some(d(on)),
        )
        .await
        .unwrap_or_else(|err| panic!("completing {}: {err}", task.title))
        .value
}

/// The cultivation of `e` on `track`, as `case show` presents it to the administrator.
pub(crate) async fn case(w: &World, e: &Enterprise, track: &str) -> CaseView {
    let views = w
        .service
        .show_cases(&w.admin, e.uscc.as_str())
        .await
        .unwrap();
    views
        .cases
        .into_iter()
        .find(|v| v.cultivation.value.track_key.as_str() == track)
        .unwrap_or_else(|| panic!("{} is not on {track}", e.name))
}

/// The tasks a move created: (kind, due date), in template order.
pub(crate) fn created(out: &AdvanceOutcome) -> Vec<(TaskKind, NaiveDate)> {
    out.tasks
        .iter()
        .map(|t| (t.task.kind, t.task.due_on))
        .collect()
}

/// The kinds of the tasks a move closed, sorted (the order they are closed in is not part of
/// the contract).
pub(crate) fn closed_kinds(out: &AdvanceOutcome) -> Vec<TaskKind> {
    let mut kinds: Vec<TaskKind> = out.closed.iter().map(|t| t.kind).collect();
    kinds.sort_by_key(|k| format!("{k:?}"));
    kinds
}

/// Everything a move could change about one cultivation and the database around it.
#[derive(Debug, PartialEq)]
pub(crate) struct Footprint {
    stage: String,
    version: i64,
    stage_since: NaiveDate,
    expires_on: Option<NaiveDate>,
    transitions: Vec<(i32, String, NaiveDate, bool)>,
    tasks: Vec<(String, TaskStatus, NaiveDate)>,
    audit_entries: usize,
}

/// Takes the footprint of `e` on `track`.
pub(crate) async fn footprint(w: &World, e: &Enterprise, track: &str) -> Footprint {
    let view = case(w, e, track).await;
    let mut tasks: Vec<(String, TaskStatus, NaiveDate)> = tasks_of(w, e)
        .await
        .into_iter()
        .map(|t| (t.id.0.to_string(), t.status, t.due_on))
        .collect();
    tasks.sort_by(|a, b| a.0.cmp(&b.0));
    let audit_entries = w
        .service
        .audit_log(&w.admin, &AuditQuery::default())
        .await
        .unwrap()
        .len();
    Footprint {
        stage: view.cultivation.value.stage.to_string(),
        version: view.cultivation.version,
        stage_since: view.cultivation.value.stage_since,
        expires_on: view.cultivation.value.expires_on,
        transitions: view
            .history
            .iter()
            .map(|t| (t.seq, t.to.to_string(), t.effective_on, t.overridden))
            .collect(),
        tasks,
        audit_entries,
    }
}

/// How many audit entries record `action`.
pub(crate) async fn audited(w: &World, action: AuditAction) -> usize {
    w.service
        .audit_log(
            &w.admin,
            &AuditQuery {
                action: Some(action),
                ..AuditQuery::default()
            },
        )
        .await
        .unwrap()
        .len()
}
