//! `bench`: peiyu's engine on one backend at one scale — stage moves per second, the weekly list
//! (officer, team, bureau; this week from the tables, a past week rebuilt from the audit log),
//! audit verification, peak memory, and the plans of the weekly list's task queries.
//!
//! ```sh
//! cargo run --release -p peiyu-tests --bin bench -- --backend sqlite --scale county
//! ```
//!
//! The database is created with [`TestDb::fresh`] (PostgreSQL and MariaDB from
//! `PEIYU_TEST_POSTGRES_URL` / `PEIYU_TEST_MYSQL_URL`) and dropped at the end. Data is generated
//! in a few large units of work: rows with multi-row inserts, their audit entries with
//! [`UnitOfWork::record_many`], exactly as the single-row repository functions would record them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use peiyu_domain::AuditAction;
use peiyu_domain::{
    Cultivation, CultivationId, Enterprise, EnterpriseId, LegalForm, Login, Officer, OfficerId,
    Role, Sector, StageKey, Task, TaskId, TaskKind, TaskStatus, Team, TeamId, TrackKey, Transition,
    TransitionId, Week,
};
use peiyu_service::{FixedClock, Service, actor_of};
use peiyu_storage::entities::{cultivations, enterprises, tasks, transitions};
use peiyu_storage::{AuditFact, Store, UnitOfWork};
use peiyu_tests::{Kind, TestDb, uscc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, Statement};

// The read measures live apart from the write measures (stage moves, verify), so the two are
// changed independently.
#[path = "bench/reads.rs"]
mod reads;

#[path = "bench/writes.rs"]
mod writes;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type BenchResult<T> = Result<T, BoxError>;

/// The county's zone, UTC+8.
const COUNTY_OFFSET_HOURS: i32 = 8;
/// Tasks per enterprise in the generated data.
const TASKS_PER_ENTERPRISE: usize = 10;
/// Officers per team.
const TEAM_SIZE: usize = 10;
/// One cultivation in this many has a target stage (and so a "next move" on the watch list).
const TARGETED_ONE_IN: usize = 50;
/// Rows per multi-row insert (23 columns × 1,000 rows stays under every backend's limit).
const INSERT_CHUNK: usize = 1_000;

#[derive(Clone, Copy, Debug)]
struct Scale {
    name: &'static str,
    enterprises: usize,
    officers: usize,
    /// Units of work the data is generated in, each recorded on its own day.
    slices: usize,
    /// Stage moves measured, in all: a quarter each by the service and the raw baseline, with
    /// one client and with eight.
    moves: usize,
}

const SMALL: Scale = Scale {
    name: "small",
    enterprises: 200,
    officers: 10,
    slices: 2,
    moves: 200,
};
const COUNTY: Scale = Scale {
    name: "county",
    enterprises: 2_000,
    officers: 50,
    slices: 4,
    moves: 2_000,
};
const PROVINCE: Scale = Scale {
    name: "province",
    enterprises: 100_000,
    officers: 2_500,
    slices: 10,
    moves: 2_000,
};

struct Args {
    kind: Kind,
    scale: Scale,
    runs: usize,
    budget: Duration,
    /// Only generate the data and measure `audit verify` (speed and the memory it adds).
    verify_only: bool,
    /// A database URL to keep the data in and read it from again (generated on its first
    /// use, never dropped) instead of a fresh database dropped at the end.
    reuse: Option<String>,
    /// Only the read measures (weekly lists, history, as-of lists) and their plans: no stage
    /// moves and no verify, so a reused database stays as generated.
    reads_only: bool,
}

const USAGE: &str = "usage: bench --backend sqlite|postgres|mysql --scale small|county|province \
                     [--runs N (weekly runs per measure, default 20)] \
                     [--budget SECONDS (time cap per weekly measure, default 60)] \
                     [--verify-only (generate, then measure audit verify alone)] \
                     [--reuse DATABASE_URL (keep the data there; generate it only when absent)] \
                     [--reads-only (only the read measures: weekly lists, history, as-of)]";

fn parse_args() -> BenchResult<Args> {
    let mut kind = Kind::Sqlite;
    let mut scale = COUNTY;
    let mut runs = 20;
    let mut budget = Duration::from_secs(60);
    let mut verify_only = false;
    let mut reuse = None;
    let mut reads_only = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--backend" => {
                kind = match value()?.as_str() {
                    "sqlite" => Kind::Sqlite,
                    "postgres" | "postgresql" => Kind::Postgres,
                    "mysql" | "mariadb" => Kind::MySql,
                    other => return Err(format!("unknown backend {other:?}\n{USAGE}").into()),
                }
            }
            "--scale" => {
                scale = match value()?.as_str() {
                    "small" => SMALL,
                    "county" => COUNTY,
                    "province" => PROVINCE,
                    other => return Err(format!("unknown scale {other:?}\n{USAGE}").into()),
                }
            }
            "--runs" => runs = value()?.parse().map_err(|e| format!("--runs: {e}"))?,
            "--budget" => {
                budget =
                    Duration::from_secs(value()?.parse().map_err(|e| format!("--budget: {e}"))?)
            }
            "--verify-only" => verify_only = true,
            "--reuse" => reuse = Some(value()?),
            "--reads-only" => reads_only = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}").into()),
        }
    }
    Ok(Args {
        kind,
        scale,
        runs: runs.max(1),
        budget,
        verify_only,
        reuse,
        reads_only,
    })
}

#[tokio::main]
async fn main() -> BenchResult<()> {
    let args = parse_args()?;
    let var = match args.kind {
        Kind::Sqlite => None,
        Kind::Postgres => Some("PEIYU_TEST_POSTGRES_URL"),
        Kind::MySql => Some("PEIYU_TEST_MYSQL_URL"),
    };
    if let Some(url) = &args.reuse {
        return run(url, &args).await;
    }
    if let Some(var) = var
        && std::env::var(var).map_or(true, |u| u.is_empty())
    {
        return Err(format!(
            "{var} is not set: give the server's URL, e.g. postgres://postgres@127.0.0.1:5432/test"
        )
        .into());
    }
    let db = TestDb::fresh(args.kind).await;
    let outcome = run(&db.url, &args).await;
    db.cleanup().await;
    outcome
}

/// One measured figure for the table.
struct Row {
    what: String,
    figure: String,
}

fn row(what: impl Into<String>, figure: impl Into<String>) -> Row {
    Row {
        what: what.into(),
        figure: figure.into(),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// `audit verify` alone, after the data: its time, and the memory it adds — the resident set
/// before it and the peak during it (the peak is reset first through `/proc/self/clear_refs`).
async fn verify_alone(
    service: &Service,
    admin: &Officer,
    args: &Args,
    mut rows: Vec<Row>,
) -> BenchResult<()> {
    // Resetting the peak to the current resident set needs Linux; without it the peak includes
    // the generation's.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = vm_kib("VmRSS:");
    let started = Instant::now();
    let verification = service.verify_audit(admin).await?;
    let took = started.elapsed();
    if !verification.ok() {
        return Err("the audit log does not verify".into());
    }
    let entries = verification.chains.entries;
    rows.push(row(
        format!(
            "verify_audit: {} entries, {} chains, {} rows replayed",
            entries, verification.chains.chains, verification.rows
        ),
        format!(
            "{:.2} s, {:.0} entries/s",
            took.as_secs_f64(),
            entries as f64 / took.as_secs_f64()
        ),
    ));
    rows.push(row(
        "resident set before verify → peak during it",
        format!(
            "{} → {}{}",
            mib(before),
            mib(vm_hwm_kib()),
            if reset { "" } else { " (peak not reset)" }
        ),
    ));
    println!();
    println!(
        "## peiyu bench --verify-only: {} at {} scale ({} build)",
        backend_name(args.kind),
        args.scale.name,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    println!();
    println!("| measure | figure |");
    println!("|---|---|");
    for r in &rows {
        println!("| {} | {} |", r.what, r.figure);
    }
    Ok(())
}

fn vm_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn vm_hwm_kib() -> u64 {
    vm_kib("VmHWM:")
}

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A county instant: `date` at `hour` o'clock, in UTC.
fn county_instant(date: NaiveDate, hour: u32) -> BenchResult<DateTime<Utc>> {
    let local = date
        .and_hms_opt(hour, 0, 0)
        .ok_or_else(|| format!("bad hour {hour}"))?;
    let zone = chrono::FixedOffset::east_opt(COUNTY_OFFSET_HOURS * 3600).ok_or("bad offset")?;
    Ok(zone
        .from_local_datetime(&local)
        .single()
        .ok_or("ambiguous local time")?
        .with_timezone(&Utc))
}

fn date(y: i32, m: u32, d: u32) -> BenchResult<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("bad date {y}-{m}-{d}").into())
}

async fn run(url: &str, args: &Args) -> BenchResult<()> {
    let scale = args.scale;
    // "Today" for the whole run: Friday 2023-06-30, 09:00 in the county (ISO week 2023-W26).
    let today = date(2023, 6, 30)?;
    let now = county_instant(today, 9)?;
    let past_week = Week::new(2023, 24).map_err(|e| e.to_string())?;
    let current_week = Week::containing(today);

    eprintln!(
        "bench: {} at {} scale ({} enterprises, {} tasks, {} officers)",
        backend_name(args.kind),
        scale.name,
        scale.enterprises,
        scale.enterprises * TASKS_PER_ENTERPRISE,
        scale.officers
    );
    let mut store = Store::open(url).await?;
    let statements = writes::Statements::install(&mut store);
    let service = Service::new(store).with_clock(Arc::new(FixedClock(now)));
    service.init("admin", "管理员").await?;
    let admin = service.actor("admin").await?;

    let mut rows = Vec::new();

    // ---- Data ---------------------------------------------------------------------------
    let started = Instant::now();
    let (people, firms) = match reads::generated(&service, scale).await? {
        Some(found) => {
            eprintln!("bench: reusing the data already in {url}");
            found
        }
        None => {
            let people = generate_people(&service, &admin, scale).await?;
            let firms = generate_enterprises(&service, &admin, &people, scale).await?;
            (people, firms)
        }
    };
    reads::analyze(&service).await?;
    let generated = started.elapsed();
    let audit_count = count(&service, "audit_entries").await?;
    let task_count = count(&service, "tasks").await?;
    rows.push(row(
        "data generated",
        format!(
            "{} enterprises, {} tasks, {} officers, {} audit entries in {:.1} s ({} units of work)",
            firms.len(),
            task_count,
            people.officers.len(),
            audit_count,
            generated.as_secs_f64(),
            scale.slices + 1
        ),
    ));
    let hwm_generated = vm_hwm_kib();
    eprintln!("bench: data in {:.1} s", generated.as_secs_f64());

    if args.verify_only {
        return verify_alone(&service, &admin, args, rows).await;
    }

    // ---- 1. Stage moves (bench/writes.rs) ---------------------------------------------------
    if !args.reads_only {
        rows.extend(
            writes::stage_moves(&writes::MoveSetup {
                service: &service,
                admin: &admin,
                kind: args.kind,
                url,
                statements: &statements,
                now,
                firms: &firms,
                moves: (scale.moves / 4).max(1),
            })
            .await?,
        );
    }

    // ---- 2 and 5. Reads: weekly lists, history, as-of lists -----------------------------
    let officer = &people.officers[0];
    let team = &people.teams[0];
    let subjects = reads::ReadSubjects {
        officer,
        team,
        enterprise: firms.first().map(String::as_str).unwrap_or_default(),
        current_week,
        past_week,
    };
    rows.extend(reads::measure(&service, &admin, &subjects, args).await?);
    let hwm_weekly = vm_hwm_kib();

    // ---- 3. Audit verification -----------------------------------------------------------
    if !args.reads_only {
        let started = Instant::now();
        let verification = service.verify_audit(&admin).await?;
        let took = started.elapsed();
        if !verification.ok() {
            return Err("the audit log does not verify".into());
        }
        let entries = verification.chains.entries;
        rows.push(row(
            format!(
                "3. verify_audit ({} entries, {} chains)",
                entries, verification.chains.chains
            ),
            format!(
                "{:.2} s, {:.0} entries/s",
                took.as_secs_f64(),
                entries as f64 / took.as_secs_f64()
            ),
        ));
    }

    // ---- 4. Memory -----------------------------------------------------------------------
    rows.push(row(
        "4. peak memory (VmHWM of the bench process)",
        format!(
            "{} after generating, {} after the weekly lists, {} at the end",
            mib(hwm_generated),
            mib(hwm_weekly),
            mib(vm_hwm_kib())
        ),
    ));

    // ---- Plans -----------------------------------------------------------------------------
    let plans = reads::plans(&service, officer.id, current_week, past_week).await?;

    println!();
    println!(
        "## peiyu bench: {} at {} scale, {} ({} build)",
        backend_name(args.kind),
        scale.name,
        Utc::now().format("%Y-%m-%d"),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    println!();
    println!("| measure | figure |");
    println!("|---|---|");
    for r in &rows {
        println!("| {} | {} |", r.what, r.figure);
    }
    println!();
    println!("{plans}");
    Ok(())
}

fn backend_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Sqlite => "SQLite (WAL, synchronous=FULL)",
        Kind::Postgres => "PostgreSQL",
        Kind::MySql => "MySQL/MariaDB",
    }
}

async fn count(service: &Service, table: &str) -> BenchResult<i64> {
    let conn = service.store().conn();
    let stmt = Statement::from_string(
        conn.get_database_backend(),
        format!("SELECT COUNT(*) AS n FROM {table}"),
    );
    let row = conn
        .query_one_raw(stmt)
        .await?
        .ok_or("COUNT(*) returned no row")?;
    Ok(row.try_get::<i64>("", "n")?)
}

// ---- Data generation ------------------------------------------------------------------------

struct People {
    officers: Vec<Officer>,
    teams: Vec<Team>,
}

/// Officers in teams of ten, the first of each its lead: one unit of work.
async fn generate_people(service: &Service, admin: &Officer, scale: Scale) -> BenchResult<People> {
    let at = county_instant(date(2023, 5, 4)?, 9)?;
    let mut uow = service.store().begin(actor_of(admin), None, at).await?;
    let mut officers = Vec::with_capacity(scale.officers);
    let mut teams = Vec::new();
    for i in 0..scale.officers {
        let officer = Officer {
            id: OfficerId::new(),
            login: Login::new(&format!("o{i:05}")).map_err(|e| e.to_string())?,
            name: format!("干部{i:05}"),
            role: if i % TEAM_SIZE == 0 {
                Role::Lead
            } else {
                Role::Officer
            },
            active: true,
        };
        peiyu_storage::officers::insert_officer(&mut uow, &officer).await?;
        if i % TEAM_SIZE == 0 {
            let team = Team {
                id: TeamId::new(),
                name: format!("专班{:04}", i / TEAM_SIZE),
                lead: Some(officer.id),
            };
            peiyu_storage::officers::insert_team(&mut uow, &team).await?;
            teams.push(team);
        }
        if let Some(team) = teams.last() {
            peiyu_storage::officers::insert_membership(&mut uow, team, &officer).await?;
        }
        officers.push(officer);
    }
    uow.commit().await?;
    Ok(People { officers, teams })
}

/// Enterprises, each on the industrial track at `candidate` (one in fifty with a target stage),
/// with ten tasks for its responsible officer: one unit of work per slice, each recorded on its
/// own day from May to late June, so a past week's list has history to rebuild. Returns the
/// USCCs in order.
async fn generate_enterprises(
    service: &Service,
    admin: &Officer,
    people: &People,
    scale: Scale,
) -> BenchResult<Vec<String>> {
    let conn = service.store().conn();
    let track = peiyu_storage::tracks::latest_track(conn, "industrial")
        .await?
        .ok_or("the industrial track is not loaded")?;
    let track_key = TrackKey::new("industrial").map_err(|e| e.to_string())?;
    let candidate = StageKey::new("candidate").map_err(|e| e.to_string())?;
    let registered = StageKey::new("registered").map_err(|e| e.to_string())?;
    let kinds = [
        TaskKind::parse("visit").map_err(|e| e.to_string())?,
        TaskKind::parse("document").map_err(|e| e.to_string())?,
        TaskKind::parse("factor_guarantee:land").map_err(|e| e.to_string())?,
        TaskKind::parse("application").map_err(|e| e.to_string())?,
    ];
    let towns = ["运江镇", "象州镇", "石龙镇", "马坪镇", "罗秀镇", "大乐镇"];
    let today = date(2023, 6, 30)?;
    let first_day = date(2023, 5, 8)?;
    let per_slice = scale.enterprises.div_ceil(scale.slices);
    let mut usccs = Vec::with_capacity(scale.enterprises);

    for slice in 0..scale.slices {
        // Slices are recorded on days spread from 8 May to 26 June, so a past week (2023-W24,
        // as of 12 June) sees some of them and not others.
        let offset = 49 * slice / (scale.slices - 1).max(1);
        let day = first_day + chrono::Duration::days(offset as i64);
        let at = county_instant(day, 10)?;
        let stamp = peiyu_storage::instant::to_text(at);
        let mut uow = service.store().begin(actor_of(admin), None, at).await?;
        let mut firm_rows = Vec::new();
        let mut cultivation_rows = Vec::new();
        let mut transition_rows = Vec::new();
        let mut task_rows = Vec::new();
        let mut facts = Vec::new();
        let from = slice * per_slice;
        let to = ((slice + 1) * per_slice).min(scale.enterprises);
        for n in from..to {
            let officer = &people.officers[n % people.officers.len()];
            let code = uscc(u32::try_from(n + 1)?);
            let firm = Enterprise {
                id: EnterpriseId::new(),
                uscc: code.clone(),
                name: format!("测试企业{n:06}有限公司"),
                sector: Sector::Industry,
                town: towns[n % towns.len()].to_owned(),
                address: format!("工业园区{}号", n % 500 + 1),
                land_area: None,
                legal_form: LegalForm::LegalEntity,
                responsible_officer: Some(officer.id),
                archived: false,
            };
            usccs.push(code.as_str().to_owned());
            firm_rows.push(enterprises::ActiveModel {
                id: Set(firm.id.0),
                uscc: Set(firm.uscc.as_str().to_owned()),
                name: Set(firm.name.clone()),
                sector: Set(firm.sector.key().to_owned()),
                town: Set(firm.town.clone()),
                address: Set(firm.address.clone()),
                land_area_centi_mu: Set(None),
                legal_form: Set(firm.legal_form.key().to_owned()),
                responsible_officer_id: Set(Some(officer.id.0)),
                archived: Set(false),
                version: Set(1),
                created_at: Set(stamp.clone()),
                updated_at: Set(stamp.clone()),
            });
            facts.push(AuditFact {
                action: AuditAction::EnterpriseAdd,
                subject_type: "enterprise".into(),
                subject_id: firm.uscc.as_str().to_owned(),
                enterprise: Some(firm.id),
                before: None,
                after: Some(peiyu_storage::enterprises::enterprise_json(&firm)),
                reason: None,
                effective_on: None,
            });

            let cultivation = Cultivation {
                id: CultivationId::new(),
                enterprise: firm.id,
                track: track.id,
                track_key: track_key.clone(),
                stage: candidate.clone(),
                stage_since: day,
                opened_on: day,
                target_stage: (n % TARGETED_ONE_IN == 0).then(|| registered.clone()),
                target_date: (n % TARGETED_ONE_IN == 0).then_some(date(2023, 8, 18)?),
                expires_on: None,
            };
            cultivation_rows.push(cultivations::ActiveModel {
                id: Set(cultivation.id.0),
                enterprise_id: Set(firm.id.0),
                track_id: Set(track.id.0),
                track_key: Set(track_key.as_str().to_owned()),
                stage: Set(candidate.as_str().to_owned()),
                stage_since: Set(day),
                opened_on: Set(day),
                target_stage: Set(cultivation
                    .target_stage
                    .as_ref()
                    .map(|s| s.as_str().to_owned())),
                target_date: Set(cultivation.target_date),
                expires_on: Set(None),
                version: Set(1),
                created_at: Set(stamp.clone()),
                updated_at: Set(stamp.clone()),
            });
            let opening = Transition {
                id: TransitionId::new(),
                cultivation: cultivation.id,
                enterprise: firm.id,
                track: track.id,
                seq: 1,
                from: None,
                to: candidate.clone(),
                effective_on: day,
                recorded_at: uow.now(),
                actor: admin.id,
                on_behalf_of: None,
                reason: None,
                evidence: Vec::new(),
                overridden: false,
                guard_results: Vec::new(),
            };
            transition_rows.push(transitions::ActiveModel {
                id: Set(opening.id.0),
                cultivation_id: Set(cultivation.id.0),
                enterprise_id: Set(firm.id.0),
                track_id: Set(track.id.0),
                seq: Set(1),
                from_stage: Set(None),
                to_stage: Set(candidate.as_str().to_owned()),
                effective_on: Set(day),
                recorded_at: Set(stamp.clone()),
                actor_id: Set(admin.id.0),
                on_behalf_of: Set(None),
                reason: Set(None),
                evidence: Set("[]".to_owned()),
                overridden: Set(false),
                guard_results: Set("[]".to_owned()),
                request_id: Set(None),
            });
            facts.push(AuditFact {
                action: AuditAction::CaseOpen,
                subject_type: "cultivation".into(),
                subject_id: cultivation.id.to_string(),
                enterprise: Some(firm.id),
                before: None,
                after: Some(peiyu_storage::cultivations::transition_json(&opening)),
                reason: None,
                effective_on: Some(day),
            });

            for k in 0..TASKS_PER_ENTERPRISE {
                // Due dates spread over the weeks around today: from the slice's day to eight
                // weeks after it; most of those already past are done.
                let due = day + chrono::Duration::days(((n * 7 + k * 5) % 56) as i64);
                let done = due < today && (n + k) % 10 < 7;
                let delegate =
                    (k == 9).then(|| people.officers[(n + 1) % people.officers.len()].id);
                let task = Task {
                    id: TaskId::new(),
                    enterprise: Some(firm.id),
                    cultivation: Some(cultivation.id),
                    kind: kinds[k % kinds.len()],
                    title: format!("跟进事项{k}：{}", firm.name),
                    description: None,
                    assignee: officer.id,
                    delegate,
                    created_by: admin.id,
                    status: if done {
                        TaskStatus::Done
                    } else {
                        TaskStatus::Open
                    },
                    created_on: day,
                    due_on: due,
                    due_count: None,
                    follow_up_on: None,
                    origin: "manual".into(),
                    completed_on: done.then_some(due),
                    completion_note: done.then(|| "已完成".to_owned()),
                    evidence: None,
                    cancel_reason: None,
                };
                task_rows.push(task_model(&task, &stamp));
                facts.push(AuditFact {
                    action: AuditAction::TaskCreate,
                    subject_type: "task".into(),
                    subject_id: task.id.to_string(),
                    enterprise: task.enterprise,
                    before: None,
                    after: Some(peiyu_storage::tasks::task_json(&task)),
                    reason: None,
                    effective_on: Some(task.created_on),
                });
            }
        }
        insert_chunks::<enterprises::Entity>(&uow, firm_rows).await?;
        insert_chunks::<cultivations::Entity>(&uow, cultivation_rows).await?;
        insert_chunks::<transitions::Entity>(&uow, transition_rows).await?;
        insert_chunks::<tasks::Entity>(&uow, task_rows).await?;
        uow.record_many(facts).await?;
        uow.commit().await?;
        eprintln!(
            "bench: slice {}/{} ({} enterprises) recorded on {day}",
            slice + 1,
            scale.slices,
            to - from
        );
    }
    Ok(usccs)
}

fn task_model(t: &Task, stamp: &str) -> tasks::ActiveModel {
    tasks::ActiveModel {
        id: Set(t.id.0),
        enterprise_id: Set(t.enterprise.map(|e| e.0)),
        cultivation_id: Set(t.cultivation.map(|c| c.0)),
        kind: Set(t.kind.key()),
        title: Set(t.title.clone()),
        description: Set(t.description.clone()),
        assignee_id: Set(t.assignee.0),
        delegate_id: Set(t.delegate.map(|o| o.0)),
        created_by: Set(t.created_by.0),
        status: Set(t.status.key().to_owned()),
        created_on: Set(t.created_on),
        due_on: Set(t.due_on),
        due_count_from: Set(None),
        due_count_days: Set(None),
        follow_up_on: Set(t.follow_up_on),
        origin: Set(t.origin.clone()),
        completed_on: Set(t.completed_on),
        completion_note: Set(t.completion_note.clone()),
        evidence: Set(t.evidence.clone()),
        cancel_reason: Set(t.cancel_reason.clone()),
        escalated_at: Set(None),
        escalated_to: Set(None),
        version: Set(1),
        created_at: Set(stamp.to_owned()),
        updated_at: Set(stamp.to_owned()),
    }
}

async fn insert_chunks<E>(uow: &UnitOfWork, rows: Vec<E::ActiveModel>) -> BenchResult<()>
where
    E: EntityTrait,
    E::ActiveModel: Clone + Send,
{
    for chunk in rows.chunks(INSERT_CHUNK) {
        E::insert_many(chunk.to_vec())
            .exec_without_returning(uow.txn())
            .await?;
    }
    Ok(())
}
