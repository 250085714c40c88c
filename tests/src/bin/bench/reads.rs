//! The bench's read measures: weekly lists (officer, team, bureau; this week and a past week,
//! as the meeting saw it and as it really was), one enterprise's history and the as-of lists,
//! each beside a raw baseline run in the same invocation — the officer's open tasks due by the
//! end of next week by the `(assignee_id, status, due_on)` index, fetched raw — and printed with
//! its ratio to it; then the plans of the queries the weekly list runs.

use std::time::{Duration, Instant};

use peiyu_domain::{AuditAction, Officer, OfficerId, Team, Week};
use peiyu_service::{AsOfQuery, HistoryQuery, Service, WeeklyQuery, weekly::WeeklyList};
use peiyu_storage::entities::{audit_entries, tasks};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Statement,
};

use super::{
    Args, BenchResult, People, Row, Scale, TEAM_SIZE, county_instant, mib, ms, percentile, row,
};

/// The bench's people and enterprises (their USCCs, in order) when the database already holds
/// data generated at `scale` (`--reuse`); `None` when it holds none. Data of another scale is
/// an error.
pub async fn generated(
    service: &Service,
    scale: Scale,
) -> BenchResult<Option<(People, Vec<String>)>> {
    let conn = service.store().conn();
    // Generated officers are o00000, o00001, …: by login, in the order they were made.
    let officers: Vec<Officer> = peiyu_storage::officers::list_officers(conn)
        .await?
        .into_iter()
        .filter(|o| o.login.as_str().starts_with('o') && o.login.as_str() != "o")
        .collect();
    if officers.is_empty() {
        return Ok(None);
    }
    if officers.len() != scale.officers {
        return Err(format!(
            "the reused database holds {} generated officers, not the {} of the {} scale",
            officers.len(),
            scale.officers,
            scale.name
        )
        .into());
    }
    let mut teams: Vec<Team> = peiyu_storage::officers::list_teams(conn)
        .await?
        .into_iter()
        .map(|t| t.team)
        .collect();
    teams.sort_by(|a, b| a.name.cmp(&b.name));
    let firms = (0..scale.enterprises)
        .map(|n| Ok(peiyu_tests::uscc(u32::try_from(n + 1)?).as_str().to_owned()))
        .collect::<BenchResult<Vec<String>>>()?;
    Ok(Some((People { officers, teams }, firms)))
}

/// What the read measures need from the generated (or reused) data.
pub struct ReadSubjects<'a> {
    /// The officer whose list is measured.
    pub officer: &'a Officer,
    /// The team whose list is measured.
    pub team: &'a Team,
    /// The USCC of the enterprise whose history is measured.
    pub enterprise: &'a str,
    /// The week containing the bench's today.
    pub current_week: Week,
    /// The past week measured.
    pub past_week: Week,
}

/// Gives PostgreSQL's planner its statistics after the bulk load (`ANALYZE`), as autovacuum
/// would soon after such a load in service: without them it guesses one row per condition and
/// may pick a bureau-wide index for one officer's query. SQLite and MariaDB are left as they
/// are.
pub async fn analyze(service: &Service) -> BenchResult<()> {
    let conn = service.store().conn();
    if conn.get_database_backend() == DbBackend::Postgres {
        conn.execute_unprepared("ANALYZE").await?;
    }
    Ok(())
}

/// The raw baseline: the officer's open tasks due by the end of next week, by the
/// `(assignee_id, status, due_on)` index, fetched raw; `args.runs` times. Returns the sorted
/// times and the rows fetched.
async fn raw_baseline(
    service: &Service,
    officer: OfficerId,
    week: Week,
    args: &Args,
) -> BenchResult<(Vec<Duration>, usize)> {
    let conn = service.store().conn();
    let stmt = tasks::Entity::find()
        .filter(tasks::Column::AssigneeId.eq(officer.0))
        .filter(tasks::Column::Status.eq("open"))
        .filter(tasks::Column::DueOn.lte(week.next().sunday()))
        .order_by_asc(tasks::Column::DueOn)
        .order_by_asc(tasks::Column::Id)
        .build(conn.get_database_backend());
    let mut times = Vec::with_capacity(args.runs);
    let mut fetched = 0;
    // One unmeasured run warms the statement cache, as the measured lists are warmed by theirs.
    conn.query_all_raw(stmt.clone()).await?;
    for _ in 0..args.runs.max(5) {
        let one = Instant::now();
        fetched = conn.query_all_raw(stmt.clone()).await?.len();
        times.push(one.elapsed());
    }
    times.sort();
    Ok((times, fetched))
}

fn tasks_shown(list: &WeeklyList) -> String {
    let this_week: usize = list.this_week.iter().map(|d| d.tasks.len()).sum();
    format!(
        "{} overdue, {} this week, {} next week, {} done last week, {} watched",
        list.overdue.len(),
        this_week,
        list.next_week.len(),
        list.done_last_week.len(),
        list.watch.len()
    )
}

/// Runs `f` `args.runs` times, or fewer when the budget runs out (at least twice), after one
/// unmeasured warm-up run; returns the sorted times and what the first run said.
async fn timed<F, Fut>(args: &Args, mut f: F) -> BenchResult<(Vec<Duration>, String)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = BenchResult<String>>,
{
    let shown = f().await?;
    let mut times = Vec::new();
    let started = Instant::now();
    while times.len() < args.runs && (times.len() < 2 || started.elapsed() < args.budget) {
        let one = Instant::now();
        f().await?;
        times.push(one.elapsed());
    }
    times.sort();
    Ok((times, shown))
}

/// A measure's figure: median, p95, p99 and the ratio of the median to the baseline's.
fn figure(times: &[Duration], baseline: Duration, shown: &str) -> String {
    let median = percentile(times, 50.0);
    format!(
        "median {}, p95 {}, p99 {} (n={}; {:.1}× raw; {shown})",
        ms(median),
        ms(percentile(times, 95.0)),
        ms(percentile(times, 99.0)),
        times.len(),
        median.as_secs_f64() / baseline.as_secs_f64().max(1e-9),
    )
}

/// Every read measure, as rows of the bench's table.
pub async fn measure(
    service: &Service,
    admin: &Officer,
    subjects: &ReadSubjects<'_>,
    args: &Args,
) -> BenchResult<Vec<Row>> {
    let mut rows = Vec::new();
    let (base_times, fetched) =
        raw_baseline(service, subjects.officer.id, subjects.current_week, args).await?;
    let baseline = percentile(&base_times, 50.0);
    rows.push(row(
        "2. raw baseline: one officer's open tasks due by next Sunday, (assignee, status, due) index, fetched raw",
        format!(
            "median {}, p99 {} (n={}; {fetched} rows)",
            ms(baseline),
            ms(percentile(&base_times, 99.0)),
            base_times.len()
        ),
    ));

    let officer = subjects.officer;
    let scopes: [(String, WeeklyQuery); 3] = [
        (
            format!("officer {}", officer.login.as_str()),
            WeeklyQuery {
                officer: Some(officer.login.as_str().to_owned()),
                ..WeeklyQuery::default()
            },
        ),
        (
            format!("team {} ({} officers)", subjects.team.name, TEAM_SIZE),
            WeeklyQuery {
                team: Some(subjects.team.name.clone()),
                ..WeeklyQuery::default()
            },
        ),
        (
            "whole bureau".to_owned(),
            WeeklyQuery {
                all: true,
                ..WeeklyQuery::default()
            },
        ),
    ];
    let weeks = [
        (
            format!("current week {}, tables", subjects.current_week),
            subjects.current_week,
            false,
        ),
        (
            format!("past week {}, as its meeting saw it", subjects.past_week),
            subjects.past_week,
            false,
        ),
        (
            format!("past week {}, as it really was", subjects.past_week),
            subjects.past_week,
            true,
        ),
    ];
    for (label, query) in scopes {
        for (when, week, in_effect) in &weeks {
            let query = WeeklyQuery {
                week: Some(*week),
                in_effect: *in_effect,
                ..query.clone()
            };
            let (times, shown) = timed(args, || async {
                let list = service.weekly(admin, query.clone()).await?;
                Ok(tasks_shown(&list))
            })
            .await?;
            rows.push(row(
                format!("2. weekly list, {label}, {when}"),
                figure(&times, baseline, &shown),
            ));
            eprintln!(
                "bench: weekly {label}, {when}: {}",
                ms(percentile(&times, 50.0))
            );
        }
    }

    let (times, shown) = timed(args, || async {
        let (_, lines) = service
            .enterprise_history(admin, subjects.enterprise, &HistoryQuery::default())
            .await?;
        Ok(format!("{} lines", lines.len()))
    })
    .await?;
    rows.push(row(
        format!("5. history of one enterprise ({})", subjects.enterprise),
        figure(&times, baseline, &shown),
    ));
    eprintln!("bench: history: {}", ms(percentile(&times, 50.0)));
    for (when, day) in [
        ("today", subjects.current_week.monday()),
        ("the past week's Monday", subjects.past_week.monday()),
    ] {
        let (times, shown) = timed(args, || async {
            let view = service.as_of(admin, day, &AsOfQuery::default()).await?;
            Ok(format!(
                "{} listed, {} staged",
                view.listed.len(),
                view.staged.len()
            ))
        })
        .await?;
        rows.push(row(
            format!("5. as-of lists (batches and stages) on {day}, {when}"),
            figure(&times, baseline, &shown),
        ));
        eprintln!("bench: as of {day}: {}", ms(percentile(&times, 50.0)));
    }
    rows.push(row(
        "peak memory after the read measures (VmHWM)",
        mib(super::vm_hwm_kib()),
    ));
    Ok(rows)
}

/// EXPLAIN (ANALYZE on PostgreSQL and MariaDB) of the weekly list's task queries for one
/// officer, with each query's own time when run and fetched raw.
pub async fn plans(
    service: &Service,
    officer: OfficerId,
    current: Week,
    past: Week,
) -> BenchResult<String> {
    let conn = service.store().conn();
    let backend = conn.get_database_backend();
    let until = peiyu_storage::instant::to_text(county_instant(past.monday(), 23)?);
    let open_by = current.next().sunday();
    let prev = current.prev();
    let some_task: Option<uuid::Uuid> = tasks::Entity::find()
        .select_only()
        .column(tasks::Column::Id)
        .filter(tasks::Column::AssigneeId.eq(officer.0))
        .into_tuple()
        .one(conn)
        .await?;
    let some_task = some_task.map(|t| t.to_string()).unwrap_or_default();
    let queries: Vec<(&str, Statement)> = vec![
        (
            "the officer's open tasks due by the end of next week (tasks_in_window; the raw baseline)",
            tasks::Entity::find()
                .filter(tasks::Column::AssigneeId.is_in([officer.0]))
                .filter(tasks::Column::Status.eq("open"))
                .filter(tasks::Column::DueOn.lte(open_by))
                .build(backend),
        ),
        (
            "the officer's tasks done last week (tasks_in_window)",
            tasks::Entity::find()
                .filter(tasks::Column::AssigneeId.is_in([officer.0]))
                .filter(tasks::Column::Status.eq("done"))
                .filter(tasks::Column::CompletedOn.gte(prev.monday()))
                .filter(tasks::Column::CompletedOn.lte(prev.sunday()))
                .build(backend),
        ),
        (
            "the open tasks delegated to the officer (tasks_in_window)",
            tasks::Entity::find()
                .filter(tasks::Column::DelegateId.is_in([officer.0]))
                .filter(tasks::Column::Status.eq("open"))
                .filter(tasks::Column::DueOn.lte(open_by))
                .build(backend),
        ),
        (
            "the bureau's open tasks due by the end of next week (tasks_in_window, everyone)",
            tasks::Entity::find()
                .filter(tasks::Column::Status.eq("open"))
                .filter(tasks::Column::DueOn.lte(open_by))
                .build(backend),
        ),
        (
            "a past week: one task's entries up to the list's day (task_states_as_of_among)",
            audit_entries::Entity::find()
                .select_only()
                .column(audit_entries::Column::SubjectId)
                .column(audit_entries::Column::RecordedAt)
                .column(audit_entries::Column::EffectiveOn)
                .column(audit_entries::Column::AfterState)
                .filter(audit_entries::Column::SubjectType.eq("task"))
                .filter(audit_entries::Column::Action.is_not_in([AuditAction::TaskEscalate.key()]))
                .filter(audit_entries::Column::SubjectId.is_in([some_task]))
                .filter(audit_entries::Column::RecordedAt.lte(until.clone()))
                .order_by_asc(audit_entries::Column::RecordedAt)
                .order_by_asc(audit_entries::Column::ChainKey)
                .order_by_asc(audit_entries::Column::Seq)
                .build(backend),
        ),
        (
            "a past week: the tasks reassigned since (tasks_reassigned_after)",
            audit_entries::Entity::find()
                .select_only()
                .column(audit_entries::Column::SubjectId)
                .filter(
                    audit_entries::Column::Action
                        .is_in(peiyu_storage::history::REASSIGNING.map(AuditAction::key)),
                )
                .filter(audit_entries::Column::RecordedAt.gt(until))
                .build(backend),
        ),
    ];
    let mariadb = if backend == DbBackend::MySql {
        let stmt = Statement::from_string(backend, "SELECT VERSION() AS v");
        conn.query_one_raw(stmt)
            .await?
            .and_then(|r| r.try_get::<String>("", "v").ok())
            .is_some_and(|v| v.contains("MariaDB"))
    } else {
        false
    };
    let prefix = match backend {
        DbBackend::Sqlite => "EXPLAIN QUERY PLAN ",
        DbBackend::Postgres => "EXPLAIN (ANALYZE, BUFFERS) ",
        DbBackend::MySql if mariadb => "ANALYZE ",
        _ => "EXPLAIN ",
    };
    let mut out = String::from("### Plans of the weekly list's queries (one officer)\n");
    for (label, stmt) in queries {
        // The query itself, run and fetched raw.
        let started = Instant::now();
        let fetched = conn.query_all_raw(stmt.clone()).await?.len();
        let raw = started.elapsed();
        // The select list is every column; the rest is what the plan depends on.
        let sql = match (stmt.sql.find("SELECT "), stmt.sql.find(" FROM ")) {
            (Some(0), Some(from)) => format!("SELECT …{}", &stmt.sql[from..]),
            _ => stmt.sql.clone(),
        };
        out.push_str(&format!(
            "\n{label}: {fetched} rows in {} raw\n\n```\n{sql}\n",
            ms(raw)
        ));
        let explain = Statement {
            sql: format!("{prefix}{}", stmt.sql),
            values: stmt.values.clone(),
            db_backend: backend,
        };
        for r in conn.query_all_raw(explain).await? {
            let cells: Vec<String> = r
                .column_names()
                .iter()
                .enumerate()
                .filter(|(_, name)| backend != DbBackend::Sqlite || name.as_str() == "detail")
                .map(|(i, name)| {
                    let value = r
                        .try_get_by_index::<Option<String>>(i)
                        .map(|v| v.unwrap_or_else(|| "NULL".into()))
                        .or_else(|_| {
                            r.try_get_by_index::<Option<i64>>(i)
                                .map(|v| format!("{v:?}"))
                        })
                        .or_else(|_| {
                            r.try_get_by_index::<Option<f64>>(i)
                                .map(|v| format!("{v:?}"))
                        })
                        .unwrap_or_else(|_| "?".into());
                    if backend == DbBackend::MySql {
                        format!("{name}={value}")
                    } else {
                        value
                    }
                })
                .collect();
            out.push_str(&format!("  {}\n", cells.join(" ")));
        }
        out.push_str("```\n");
    }
    Ok(out)
}
