//! The write half of the bench: stage moves through [`Service::advance_case`] side by side with
//! a raw baseline doing the same writes with sqlx directly, one client and eight concurrent
//! clients, and the number of statements each makes per move.
//!
//! The raw baseline is what the database can do for a move when nothing but the writes
//! themselves is paid: in one transaction with the store's durability (SQLite WAL with
//! `synchronous=FULL`, `BEGIN IMMEDIATE`; PostgreSQL's defaults) it reads the cultivation with
//! its last transition's number, updates it under its version, inserts the transition and the
//! move's task rows, locks the enterprise's chain head, inserts the audit entries (hashed
//! through [`ChainHead::append`], the same code the store uses) and moves the head, then
//! commits. Its rows are exactly those the service would write for the same move (planned
//! beforehand with a dry run, outside the timing), so `audit verify` still passes after it.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use peiyu_domain::{
    AuditAction, Cultivation, CultivationId, EnterpriseId, GuardOutcome, Officer, StageKey, Task,
    TrackId, TrackKey, Transition, TransitionId,
};
use peiyu_service::{AdvanceCase, Service};
use peiyu_storage::audit::{AuditEntry, ChainHead, canonical_json, enterprise_chain};
use peiyu_storage::{Store, instant};
use peiyu_tests::Kind;
use sea_orm::sqlx::{self, Row as _};
use uuid::Uuid;

use super::{BenchResult, Row, ms, percentile, row};

/// Concurrent clients of the concurrent measures, each moving its own enterprises.
const CLIENTS: usize = 8;

/// Counts the statements a store runs ([`Store::on_statement`]), and keeps their SQL while a
/// sample is being taken.
#[derive(Default)]
pub(crate) struct Statements {
    count: AtomicU64,
    sample: Mutex<Option<Vec<String>>>,
}

impl Statements {
    /// Hooks a counter into `store`; install it before the store is handed to a service.
    pub(crate) fn install(store: &mut Store) -> Arc<Statements> {
        let statements = Arc::new(Statements::default());
        let hook = statements.clone();
        store.on_statement(move |sql| {
            hook.count.fetch_add(1, Ordering::Relaxed);
            if let Ok(mut sample) = hook.sample.lock()
                && let Some(sample) = sample.as_mut()
            {
                sample.push(sql.to_owned());
            }
        });
        statements
    }

    fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    fn start_sample(&self) {
        if let Ok(mut sample) = self.sample.lock() {
            *sample = Some(Vec::new());
        }
    }

    fn take_sample(&self) -> Vec<String> {
        self.sample
            .lock()
            .ok()
            .and_then(|mut s| s.take())
            .unwrap_or_default()
    }
}

/// One measure's figures: moves, wall time and each move's latency.
#[derive(Default)]
struct Timed {
    moves: usize,
    wall: Duration,
    latencies: Vec<Duration>,
}

impl Timed {
    /// Adds another round's figures.
    fn add(&mut self, other: Timed) {
        self.moves += other.moves;
        self.wall += other.wall;
        self.latencies.extend(other.latencies);
    }

    fn rate(&self) -> f64 {
        self.moves as f64 / self.wall.as_secs_f64()
    }

    fn describe(&self) -> String {
        format!(
            "{:.0}/s (median {}, p95 {})",
            self.rate(),
            ms(percentile(&self.latencies, 50.0)),
            ms(percentile(&self.latencies, 95.0))
        )
    }
}

/// Everything the stage-move measures need from the run.
pub(crate) struct MoveSetup<'a> {
    pub service: &'a Service,
    pub admin: &'a Officer,
    pub kind: Kind,
    pub url: &'a str,
    pub statements: &'a Statements,
    pub now: DateTime<Utc>,
    /// The enterprises (USCCs) the moves may use, each at `candidate` on the industrial track.
    pub firms: &'a [String],
    /// Moves per measure.
    pub moves: usize,
}

/// Measures stage moves candidate→cultivating: the service and the raw baseline with one
/// client, then with [`CLIENTS`] clients, each on enterprises of its own; prints the ratio and
/// the statements per move. Returns the table's rows.
pub(crate) async fn stage_moves(setup: &MoveSetup<'_>) -> BenchResult<Vec<Row>> {
    let raw = RawPool::open(setup.kind, setup.url).await?;
    // Four disjoint sets of enterprises, spread over the whole list.
    let wanted = setup.moves * 4;
    let step = (setup.firms.len() / wanted.max(1)).max(1);
    let chosen: Vec<&String> = setup.firms.iter().step_by(step).take(wanted).collect();
    let quarter = chosen.len() / 4;
    if quarter == 0 {
        return Err("too few enterprises for the stage-move measures".into());
    }
    let sets: Vec<Vec<String>> = chosen
        .chunks(quarter)
        .take(4)
        .map(|c| c.iter().map(|s| (*s).clone()).collect())
        .collect();
    let [raw_one, service_one, raw_many, service_many] = <[Vec<String>; 4]>::try_from(sets)
        .map_err(|_| "could not split the enterprises into four sets")?;

    let mut rows = Vec::new();

    // Statements of one move, listed, before the measured ones.
    setup.statements.start_sample();
    advance(setup.service, setup.admin, &service_one[0]).await?;
    let sample = setup.statements.take_sample();
    let service_one = &service_one[1..];

    // Everything the data generation left in SQLite's write-ahead log is checkpointed first, so
    // that neither side pays for it.
    if let Some(RawPool::Sqlite(pool, _)) = &raw {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(pool)
            .await?;
    }
    if let Some(RawPool::Sqlite(pool, _)) = &raw {
        use sea_orm::ConnectionTrait;
        let conn = setup.service.store().conn();
        let store_sync = conn
            .query_one_raw(sea_orm::Statement::from_string(
                conn.get_database_backend(),
                "PRAGMA synchronous",
            ))
            .await?
            .map(|r| r.try_get_by_index::<i64>(0))
            .transpose()?;
        let raw_sync: i64 = sqlx::query("PRAGMA synchronous")
            .fetch_one(pool)
            .await?
            .try_get(0)?;
        eprintln!("bench: PRAGMA synchronous: store {store_sync:?}, raw {raw_sync}");
    }
    let raw_statements = raw.as_ref().map(|_| RAW_STATEMENTS_BEFORE_TASKS);
    let (service_seq, raw_seq, per_move) =
        interleaved(setup, raw.as_ref(), service_one, &raw_one, 1).await?;
    let raw_statements = raw_statements.map(|n| n + 2 * per_move.1);
    let service_statements = per_move.0;
    let (service_par, raw_par, _) =
        interleaved(setup, raw.as_ref(), &service_many, &raw_many, CLIENTS).await?;

    for (clients, service, raw) in [
        (1, &service_seq, &raw_seq),
        (CLIENTS, &service_par, &raw_par),
    ] {
        rows.push(row(
            format!(
                "1. stage move candidate→cultivating, {clients} client{} ({} moves each, one transaction each): service · raw · ratio",
                if clients == 1 { "" } else { "s" },
                service.moves
            ),
            match raw {
                Some(raw) => format!(
                    "{} · {} · **{:.0}%**",
                    service.describe(),
                    raw.describe(),
                    100.0 * service.rate() / raw.rate()
                ),
                None => format!("{} · no raw baseline on this backend", service.describe()),
            },
        ));
    }
    rows.push(row(
        "1. statements per move (besides BEGIN and COMMIT): service · raw",
        format!(
            "{service_statements:.1} · {}",
            raw_statements.map_or("-".into(), |n| n.to_string())
        ),
    ));
    if let (Some(one), Some(many)) = (&raw_seq, &raw_par) {
        rows.push(row(
            "1. raw move, mean time of each step (both measures; BEGIN includes waiting for the connection)",
            phase_means(one.moves + many.moves),
        ));
    }
    rows.push(row(
        "1. the statements of one service move",
        sample
            .iter()
            .map(|sql| format!("`{}`", statement_head(sql)))
            .collect::<Vec<_>>()
            .join("; "),
    ));
    if let Some(pool) = raw {
        pool.close().await;
    }
    Ok(rows)
}

/// A statement's verb and table, for the list of one move's statements.
fn statement_head(sql: &str) -> String {
    let words: Vec<&str> = sql.split_whitespace().collect();
    let verb = words.first().copied().unwrap_or_default().to_uppercase();
    let table = words
        .iter()
        .position(|w| matches!(w.to_uppercase().as_str(), "FROM" | "INTO" | "UPDATE"))
        .and_then(|i| words.get(i + 1))
        .map(|t| t.trim_matches(|c| c == '"' || c == '`'))
        .unwrap_or_default();
    let locking = if sql.contains("FOR UPDATE") {
        " FOR UPDATE"
    } else {
        ""
    };
    let upsert = if sql.contains("ON CONFLICT") || sql.contains("ON DUPLICATE") {
        " ON CONFLICT"
    } else {
        ""
    };
    format!("{verb} {table}{locking}{upsert}")
        .replace('|', "/")
        .trim()
        .to_owned()
}

/// Moves per client in one round of [`interleaved`].
const ROUND: usize = 25;

/// The service's moves of `service_firms` and the raw moves of `raw_firms` by `clients`
/// clients, in alternating rounds of [`ROUND`] moves per client (raw, then service), so that
/// both sides see the same machine: other work on it, the write-ahead log's checkpoints and
/// the database's growth fall on both. Returns the service's figures, the raw baseline's (if
/// the backend has one), the service's statements per move and the tasks per raw move.
async fn interleaved(
    setup: &MoveSetup<'_>,
    raw: Option<&RawPool>,
    service_firms: &[String],
    raw_firms: &[String],
    clients: usize,
) -> BenchResult<(Timed, Option<Timed>, (f64, usize))> {
    let round = ROUND * clients;
    let mut service = Timed::default();
    let mut baseline = raw.map(|_| Timed::default());
    let mut tasks_per_move = 0;
    let mut service_statements = 0;
    for (n, firms) in service_firms.chunks(round).enumerate() {
        if let (Some(pool), Some(baseline)) = (raw, baseline.as_mut()) {
            let mut moves = Vec::with_capacity(round);
            for uscc in raw_firms.iter().skip(n * round).take(round) {
                moves.push(plan_raw(setup, uscc).await?);
            }
            tasks_per_move = moves.first().map_or(tasks_per_move, |m| m.tasks.len());
            baseline.add(time_raw(pool, moves, clients, setup.now, setup.admin).await?);
        }
        let before = setup.statements.count();
        service.add(time_service(setup, firms, clients).await?);
        service_statements += setup.statements.count() - before;
    }
    service.latencies.sort();
    if let Some(b) = baseline.as_mut() {
        b.latencies.sort();
    }
    eprintln!(
        "bench: {clients} client(s): service {} · raw {}",
        service.describe(),
        baseline.as_ref().map_or("-".into(), Timed::describe)
    );
    let per_move = service_statements as f64 / service.moves.max(1) as f64;
    Ok((service, baseline, (per_move, tasks_per_move)))
}

async fn advance(service: &Service, admin: &Officer, uscc: &str) -> BenchResult<Duration> {
    let one = Instant::now();
    let outcome = service
        .advance_case(
            admin,
            AdvanceCase {
                enterprise: uscc.to_owned(),
                track: "industrial".into(),
                to: "cultivating".into(),
                ..AdvanceCase::default()
            },
        )
        .await?;
    if !outcome.applied {
        return Err(format!("the move of {uscc} was not applied").into());
    }
    Ok(one.elapsed())
}

/// The service's moves of `firms`, by `clients` clients at once (each a share of the firms).
async fn time_service(
    setup: &MoveSetup<'_>,
    firms: &[String],
    clients: usize,
) -> BenchResult<Timed> {
    let share = firms.len().div_ceil(clients).max(1);
    let started = Instant::now();
    let mut handles = Vec::new();
    for part in firms.chunks(share) {
        let service = setup.service.clone();
        let admin = setup.admin.clone();
        let part = part.to_vec();
        handles.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(part.len());
            for uscc in &part {
                latencies.push(advance(&service, &admin, uscc).await?);
            }
            BenchResult::Ok(latencies)
        }));
    }
    let mut latencies = Vec::with_capacity(firms.len());
    for handle in handles {
        latencies.extend(handle.await??);
    }
    let wall = started.elapsed();
    latencies.sort();
    Ok(Timed {
        moves: latencies.len(),
        wall,
        latencies,
    })
}

// ---- The raw baseline ----------------------------------------------------------------------

/// A move planned by the service (a dry run), for the raw baseline to write: what the service
/// would write for it, except what the raw code reads itself (the cultivation and its version,
/// the transition's number, the chain head).
struct RawMove {
    enterprise: EnterpriseId,
    track: TrackId,
    to: StageKey,
    effective_on: NaiveDate,
    expires_on: Option<NaiveDate>,
    reason: Option<String>,
    evidence: Vec<String>,
    overridden: bool,
    guards: Vec<GuardOutcome>,
    tasks: Vec<Task>,
}

async fn plan_raw(setup: &MoveSetup<'_>, uscc: &str) -> BenchResult<RawMove> {
    let outcome = setup
        .service
        .advance_case(
            setup.admin,
            AdvanceCase {
                enterprise: uscc.to_owned(),
                track: "industrial".into(),
                to: "cultivating".into(),
                dry_run: true,
                ..AdvanceCase::default()
            },
        )
        .await?;
    let plan = outcome.plan.ok_or("a dry run gave no plan")?;
    if !plan.close.is_empty() {
        return Err(
            format!("the move of {uscc} would close tasks: not a raw-baseline move").into(),
        );
    }
    Ok(RawMove {
        enterprise: outcome.enterprise.id,
        track: outcome.track.record.id,
        to: plan.to.clone(),
        effective_on: plan.effective_on,
        expires_on: plan.expires_on,
        reason: plan.reason.clone(),
        evidence: plan.evidence.clone(),
        overridden: plan.overridden,
        guards: plan
            .guards
            .iter()
            .map(|g| GuardOutcome {
                guard: g.guard.to_owned(),
                passed: g.passed,
                message_zh: g.message.zh().to_owned(),
                message_en: g.message.en().to_owned(),
            })
            .collect(),
        tasks: outcome.tasks.into_iter().map(|c| c.task).collect(),
    })
}

/// The raw baseline's own pool: sqlx directly, with the store's durability. SQLite gets one
/// connection, as the store's writer (more would only contend for the one write lock);
/// PostgreSQL one per client.
enum RawPool {
    /// The pool and a gate its clients pass one at a time (queueing on a mutex rather than on
    /// the pool's one connection, whose hand-over between waiting tasks is slower).
    Sqlite(sqlx::SqlitePool, Arc<tokio::sync::Mutex<()>>),
    Postgres(sqlx::PgPool),
}

impl RawPool {
    async fn open(kind: Kind, url: &str) -> BenchResult<Option<RawPool>> {
        Ok(match kind {
            Kind::Sqlite => {
                let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5));
                Some(RawPool::Sqlite(
                    sqlx::sqlite::SqlitePoolOptions::new()
                        .max_connections(1)
                        .connect_with(options)
                        .await?,
                    Arc::new(tokio::sync::Mutex::new(())),
                ))
            }
            Kind::Postgres => Some(RawPool::Postgres(
                sqlx::postgres::PgPoolOptions::new()
                    .max_connections(CLIENTS as u32)
                    .connect(url)
                    .await?,
            )),
            Kind::MySql => None,
        })
    }

    async fn close(self) {
        match self {
            RawPool::Sqlite(p, _) => p.close().await,
            RawPool::Postgres(p) => p.close().await,
        }
    }
}

/// The raw move's statements besides its tasks' (two each: the row and its audit entry): the
/// read, the update, the transition, the head's lock, the transition's audit entry and the
/// head's move.
const RAW_STATEMENTS_BEFORE_TASKS: usize = 6;

/// The raw moves by `clients` clients at once.
async fn time_raw(
    pool: &RawPool,
    moves: Vec<RawMove>,
    clients: usize,
    now: DateTime<Utc>,
    admin: &Officer,
) -> BenchResult<Timed> {
    let share = moves.len().div_ceil(clients).max(1);
    let mut parts: Vec<Vec<RawMove>> = Vec::new();
    let mut moves = moves.into_iter().peekable();
    while moves.peek().is_some() {
        parts.push(moves.by_ref().take(share).collect());
    }
    let started = Instant::now();
    let mut handles = Vec::new();
    for part in parts {
        let pool = match pool {
            RawPool::Sqlite(p, gate) => RawPool::Sqlite(p.clone(), gate.clone()),
            RawPool::Postgres(p) => RawPool::Postgres(p.clone()),
        };
        let admin = admin.clone();
        handles.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(part.len());
            for m in &part {
                let one = Instant::now();
                match &pool {
                    RawPool::Sqlite(p, gate) => {
                        let _turn = gate.lock().await;
                        raw_move_sqlite(p, m, now, &admin).await?
                    }
                    RawPool::Postgres(p) => raw_move_postgres(p, m, now, &admin).await?,
                }
                latencies.push(one.elapsed());
            }
            BenchResult::Ok(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for handle in handles {
        latencies.extend(handle.await??);
    }
    let wall = started.elapsed();
    latencies.sort();
    Ok(Timed {
        moves: latencies.len(),
        wall,
        latencies,
    })
}

const READ_SQL: &str = "SELECT c.id, c.stage, c.stage_since, c.opened_on, c.target_stage, \
     c.target_date, c.version, \
     (SELECT COALESCE(MAX(t.seq), 0) FROM transitions t WHERE t.cultivation_id = c.id) AS last_seq \
     FROM cultivations c WHERE c.enterprise_id = ? AND c.track_key = ?";
const UPDATE_SQL: &str = "UPDATE cultivations SET stage = ?, stage_since = ?, expires_on = ?, \
     version = ?, updated_at = ? WHERE id = ? AND version = ?";
const TRANSITION_SQL: &str = "INSERT INTO transitions (id, cultivation_id, enterprise_id, \
     track_id, seq, from_stage, to_stage, effective_on, recorded_at, actor_id, on_behalf_of, \
     reason, evidence, overridden, guard_results, request_id) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const TASK_SQL: &str = "INSERT INTO tasks (id, enterprise_id, cultivation_id, kind, title, \
     description, assignee_id, delegate_id, created_by, status, created_on, due_on, \
     due_count_from, due_count_days, follow_up_on, origin, completed_on, completion_note, \
     evidence, cancel_reason, escalated_at, escalated_to, version, created_at, updated_at) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const HEAD_SQL: &str = "SELECT seq, hash FROM audit_chain_heads WHERE chain_key = ?";
const ENTRY_SQL: &str = "INSERT INTO audit_entries (id, chain_key, seq, recorded_at, \
     effective_on, actor_id, actor_login, on_behalf_of, action, subject_type, subject_id, \
     enterprise_id, before_state, after_state, reason, request_id, prev_hash, hash) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const HEAD_UPDATE_SQL: &str =
    "UPDATE audit_chain_heads SET seq = ?, hash = ?, updated_at = ? WHERE chain_key = ?";

/// `?` placeholders as PostgreSQL's `$1`, `$2`, ….
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(c);
        }
    }
    out
}

/// What the raw code read: the cultivation as it stands, its version and last transition.
struct Read {
    cultivation: Cultivation,
    version: i32,
    last_seq: i32,
}

/// The rows and audit entries of a move, given what was read: the cultivation after it, the
/// transition, and the facts' entries before chaining.
fn move_rows(
    m: &RawMove,
    read: &Read,
    now: DateTime<Utc>,
    admin: &Officer,
) -> BenchResult<(Cultivation, Transition, Vec<AuditEntry>)> {
    let mut after = read.cultivation.clone();
    after.stage = m.to.clone();
    after.stage_since = m.effective_on;
    after.expires_on = m.expires_on;
    let transition = Transition {
        id: TransitionId::new(),
        cultivation: read.cultivation.id,
        enterprise: m.enterprise,
        track: m.track,
        seq: read.last_seq + 1,
        from: Some(read.cultivation.stage.clone()),
        to: m.to.clone(),
        effective_on: m.effective_on,
        recorded_at: now,
        actor: admin.id,
        on_behalf_of: None,
        reason: m.reason.clone(),
        evidence: m.evidence.clone(),
        overridden: m.overridden,
        guard_results: m.guards.clone(),
    };
    let chain = enterprise_chain(m.enterprise);
    let entry = |action: AuditAction,
                 subject_type: &str,
                 subject_id: String,
                 before: Option<serde_json::Value>,
                 after: serde_json::Value,
                 reason: Option<String>,
                 effective_on: NaiveDate| AuditEntry {
        id: Uuid::now_v7(),
        chain_key: chain.clone(),
        seq: 0,
        recorded_at: now,
        effective_on: Some(effective_on),
        actor_id: Some(admin.id.0),
        actor_login: admin.login.as_str().to_owned(),
        on_behalf_of: None,
        action: action.key().to_owned(),
        subject_type: subject_type.to_owned(),
        subject_id,
        enterprise_id: Some(m.enterprise.0),
        before: before.as_ref().map(canonical_json),
        after: Some(canonical_json(&after)),
        reason,
        request_id: None,
        prev_hash: String::new(),
        hash: String::new(),
    };
    let mut entries = vec![entry(
        AuditAction::CaseAdvance,
        "cultivation",
        transition.cultivation.to_string(),
        Some(serde_json::json!({ "stage": read.cultivation.stage.as_str() })),
        peiyu_storage::cultivations::move_json(&transition, &after),
        transition.reason.clone(),
        transition.effective_on,
    )];
    for t in &m.tasks {
        entries.push(entry(
            AuditAction::TaskCreate,
            "task",
            t.id.to_string(),
            None,
            peiyu_storage::tasks::task_json(t),
            None,
            t.created_on,
        ));
    }
    Ok((after, transition, entries))
}

fn read_of(
    id: Uuid,
    stage: String,
    dates: (NaiveDate, NaiveDate, Option<NaiveDate>),
    target_stage: Option<String>,
    version: i32,
    last_seq: i32,
    m: &RawMove,
) -> BenchResult<Read> {
    let (stage_since, opened_on, target_date) = dates;
    Ok(Read {
        cultivation: Cultivation {
            id: CultivationId(id),
            enterprise: m.enterprise,
            track: m.track,
            track_key: TrackKey::new("industrial").map_err(|e| e.to_string())?,
            stage: StageKey::new(&stage).map_err(|e| e.to_string())?,
            stage_since,
            opened_on,
            target_stage: target_stage
                .map(|s| StageKey::new(&s))
                .transpose()
                .map_err(|e| e.to_string())?,
            target_date,
            expires_on: None,
        },
        version,
        last_seq,
    })
}

/// The raw move's phases, for the time each takes.
const PHASES: [&str; 9] = [
    "BEGIN",
    "read",
    "update",
    "transition",
    "tasks",
    "head lock",
    "audit entries",
    "head move",
    "COMMIT",
];

/// Time spent in each of [`PHASES`] by every raw move so far, in nanoseconds.
static PHASE_NANOS: [AtomicU64; 9] = [const { AtomicU64::new(0) }; 9];

/// Adds the time since `clock` to `phase` and restarts the clock.
fn lap(phase: usize, clock: &mut Instant) {
    let nanos = u64::try_from(clock.elapsed().as_nanos()).unwrap_or(u64::MAX);
    if let Some(total) = PHASE_NANOS.get(phase) {
        total.fetch_add(nanos, Ordering::Relaxed);
    }
    *clock = Instant::now();
}

/// The mean time of each phase of the raw moves made so far.
fn phase_means(moves: usize) -> String {
    PHASES
        .iter()
        .zip(&PHASE_NANOS)
        .map(|(name, nanos)| {
            format!(
                "{name} {:.0} µs",
                nanos.load(Ordering::Relaxed) as f64 / 1e3 / moves.max(1) as f64
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Defines the raw move on one backend: the same statements, its placeholders and locking.
macro_rules! raw_move {
    ($name:ident, $db:ty, $begin:expr, $sql:expr, $lock:expr) => {
        async fn $name(
            pool: &sqlx::Pool<$db>,
            m: &RawMove,
            now: DateTime<Utc>,
            admin: &Officer,
        ) -> BenchResult<()> {
            let sql = $sql;
            let q = |s: &str| sqlx::AssertSqlSafe(sql(s));
            let stamp = instant::to_text(now);
            let mut clock = Instant::now();
            let mut tx = pool.begin_with($begin).await?;
            lap(0, &mut clock);
            let r = sqlx::query(q(READ_SQL))
                .bind(m.enterprise.0)
                .bind("industrial")
                .fetch_one(&mut *tx)
                .await?;
            lap(1, &mut clock);
            let read = read_of(
                r.try_get(0)?,
                r.try_get(1)?,
                (r.try_get(2)?, r.try_get(3)?, r.try_get(5)?),
                r.try_get(4)?,
                r.try_get(6)?,
                r.try_get(7)?,
                m,
            )?;
            let (after, t, entries) = move_rows(m, &read, now, admin)?;
            let updated = sqlx::query(q(UPDATE_SQL))
                .bind(after.stage.as_str())
                .bind(after.stage_since)
                .bind(after.expires_on)
                .bind(read.version + 1)
                .bind(&stamp)
                .bind(after.id.0)
                .bind(read.version)
                .execute(&mut *tx)
                .await?;
            lap(2, &mut clock);
            if updated.rows_affected() != 1 {
                return Err("the cultivation changed meanwhile".into());
            }
            sqlx::query(q(TRANSITION_SQL))
                .bind(t.id.0)
                .bind(t.cultivation.0)
                .bind(t.enterprise.0)
                .bind(t.track.0)
                .bind(t.seq)
                .bind(t.from.as_ref().map(|s| s.as_str().to_owned()))
                .bind(t.to.as_str())
                .bind(t.effective_on)
                .bind(&stamp)
                .bind(t.actor.0)
                .bind(None::<Uuid>)
                .bind(t.reason.clone())
                .bind(serde_json::Value::from(t.evidence.clone()).to_string())
                .bind(t.overridden)
                .bind(
                    serde_json::Value::from(
                        t.guard_results
                            .iter()
                            .map(peiyu_storage::cultivations::guard_json)
                            .collect::<Vec<_>>(),
                    )
                    .to_string(),
                )
                .bind(None::<String>)
                .execute(&mut *tx)
                .await?;
            lap(3, &mut clock);
            for task in &m.tasks {
                let (count_from, count_days) =
                    peiyu_storage::tasks::due_count_columns(task.due_count);
                sqlx::query(q(TASK_SQL))
                    .bind(task.id.0)
                    .bind(task.enterprise.map(|e| e.0))
                    .bind(task.cultivation.map(|c| c.0))
                    .bind(task.kind.key())
                    .bind(task.title.clone())
                    .bind(task.description.clone())
                    .bind(task.assignee.0)
                    .bind(task.delegate.map(|o| o.0))
                    .bind(task.created_by.0)
                    .bind(task.status.key())
                    .bind(task.created_on)
                    .bind(task.due_on)
                    .bind(count_from)
                    .bind(count_days)
                    .bind(task.follow_up_on)
                    .bind(task.origin.clone())
                    .bind(task.completed_on)
                    .bind(task.completion_note.clone())
                    .bind(task.evidence.clone())
                    .bind(task.cancel_reason.clone())
                    .bind(None::<String>)
                    .bind(None::<Uuid>)
                    .bind(1_i32)
                    .bind(&stamp)
                    .bind(&stamp)
                    .execute(&mut *tx)
                    .await?;
                lap(4, &mut clock);
            }
            let chain = enterprise_chain(m.enterprise);
            let h = sqlx::query(sqlx::AssertSqlSafe(format!("{}{}", sql(HEAD_SQL), $lock)))
                .bind(&chain)
                .fetch_one(&mut *tx)
                .await?;
            lap(5, &mut clock);
            let mut head = ChainHead {
                chain_key: chain.clone(),
                seq: h.try_get(0)?,
                hash: h.try_get(1)?,
            };
            for entry in entries {
                let e = head.append(entry);
                sqlx::query(q(ENTRY_SQL))
                    .bind(e.id)
                    .bind(&e.chain_key)
                    .bind(e.seq)
                    .bind(&stamp)
                    .bind(e.effective_on)
                    .bind(e.actor_id)
                    .bind(&e.actor_login)
                    .bind(None::<String>)
                    .bind(&e.action)
                    .bind(&e.subject_type)
                    .bind(&e.subject_id)
                    .bind(e.enterprise_id)
                    .bind(&e.before)
                    .bind(&e.after)
                    .bind(&e.reason)
                    .bind(None::<String>)
                    .bind(&e.prev_hash)
                    .bind(&e.hash)
                    .execute(&mut *tx)
                    .await?;
                lap(6, &mut clock);
            }
            sqlx::query(q(HEAD_UPDATE_SQL))
                .bind(head.seq)
                .bind(&head.hash)
                .bind(&stamp)
                .bind(&chain)
                .execute(&mut *tx)
                .await?;
            lap(7, &mut clock);
            tx.commit().await?;
            lap(8, &mut clock);
            Ok(())
        }
    };
}

raw_move!(
    raw_move_sqlite,
    sqlx::Sqlite,
    "BEGIN IMMEDIATE",
    |s: &str| s.to_owned(),
    ""
);
raw_move!(
    raw_move_postgres,
    sqlx::Postgres,
    "BEGIN",
    numbered,
    " FOR UPDATE"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres() {
        assert_eq!(
            numbered("UPDATE t SET a = ?, b = ? WHERE c = ?"),
            "UPDATE t SET a = $1, b = $2 WHERE c = $3"
        );
    }

    #[test]
    fn a_statement_is_named_by_its_verb_and_table() {
        assert_eq!(
            statement_head(r#"SELECT "a" FROM "audit_chain_heads" WHERE x FOR UPDATE"#),
            "SELECT audit_chain_heads FOR UPDATE"
        );
        assert_eq!(
            statement_head(r#"INSERT INTO "tasks" ("id") VALUES (?)"#),
            "INSERT tasks"
        );
    }
}
