//! peiyu-demo: the demo county (`peiyu demo`), the bureau of the 2023 mid-year report in
//! `../shared/seed/`, rebuilt on an empty database from the data files in `crates/demo/data/` and
//! a seeded generator, through the service's public use cases — the ones an officer's front end
//! calls. It never touches storage or anything but [`peiyu_service`]'s public API.
//!
//! The county's first half of 2023 is replayed in date order on a simulated clock: every action
//! (adding an officer, recording a month's figures, moving a case, adding or completing a task,
//! `tick`) happens at 09:00 county time on the day it is dated, so each is audited as it would
//! have been, every guard is really evaluated, and deadlines are counted on the working-day
//! calendar. The replay ends on Monday 2023-07-03, the first day of ISO week 2023-W27.
//!
//! Everything is deterministic: the same data files give the same database every time, apart
//! from the random ids the storage layer gives rows. The figures the report quotes (6 newly
//! above-scale firms, 136 million yuan of their output, the target of 14) are not written
//! anywhere here: they come out of the data through the progress report. What is taken from the
//! report and what is invented is described in `docs/demo.md`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use peiyu_domain::{
    Batch, CultivationId, LandArea, LegalForm, Login, Metrics, NewEnterprise, Officer, OfficerId,
    RegisterKind, RegisterRoute, Role, Sector, StageKey, Task, TaskId, TaskKind, Text, Uscc,
    YearMonth, Yuan,
};
use peiyu_service::{
    AdvanceCase, Due, Field, ListChange, ListEnterprises, ListTasks, NewOfficer, NewTask, OpenCase,
    Service, ServiceError, ServiceResult, SettableClock,
};

/// The officers, with their roles and teams.
const OFFICERS_CSV: &str = include_str!("../data/officers.csv");
/// The teams and their leads.
const TEAMS_CSV: &str = include_str!("../data/teams.csv");
/// The enterprises, their groups, batches and the parameters of their generated figures.
const ENTERPRISES_CSV: &str = include_str!("../data/enterprises.csv");
/// The cultivation histories: one line per move.
const CASES_CSV: &str = include_str!("../data/cases.csv");
/// The tasks officers created by hand, with when they were done.
const TASKS_CSV: &str = include_str!("../data/tasks.csv");
/// Changes to the 2023 four-batch list after it was first drawn up.
const BATCH_MOVES_CSV: &str = include_str!("../data/batch_moves.csv");

/// The seed of the generator; change it and every generated figure and code changes.
pub const DEMO_SEED: u64 = 0x000C_4BC4_520D_8B42;

/// The invented administrative area code of county "X" (the report anonymises the county; no
/// county has this code).
pub const DEMO_AREA_CODE: &str = "451399";

/// The year the demo replays.
pub const DEMO_YEAR: i32 = 2023;

/// The day the replay ends: Monday of ISO week 2023-W27, the week the weekly list shows.
pub fn demo_as_of() -> NaiveDate {
    date(2023, 7, 3)
}

/// The year's target of newly above-scale industrial enterprises, as the report states it
/// (新增培育工业企业上规入库14家). It is set with `set_target`, like a leader would.
const TARGET_NEW_ABOVE_SCALE: i64 = 14;
/// The target of newly above-limit commerce enterprises (力争全年实现3家以上企业月度上限入统).
const TARGET_NEW_ABOVE_LIMIT: i64 = 3;

/// What `demo` built.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoReport {
    /// The day the county stands at: the replay's last day (2023-07-03).
    pub as_of: Option<NaiveDate>,
    /// Officers added (the admin not counted).
    pub officers: usize,
    /// Teams added.
    pub teams: usize,
    /// Enterprises added.
    pub enterprises: usize,
    /// Of which invented (marked 示例 in their names).
    pub invented: usize,
    /// Above-scale industrial enterprises in the statistical register on the replay's last day,
    /// counted from the register (the report's 75).
    pub above_scale: usize,
    /// Register periods imported from the statistics bureau's list (the firms above scale
    /// before 2023).
    pub register_imported: usize,
    /// The output value of the firms in the 规上 register, January to June 2023 (the report's
    /// 31.6亿元).
    pub above_scale_output_h1: Yuan,
    /// Monthly figure records written.
    pub metric_months: usize,
    /// Cultivation cases opened.
    pub cases: usize,
    /// Stage moves made after opening.
    pub moves: usize,
    /// Entries on the 2023 four-batch list.
    pub batch_entries: usize,
    /// Batch moves after the list was drawn up.
    pub batch_moves: usize,
    /// Tasks created (by hand, by track templates and by `tick`).
    pub tasks_created: usize,
    /// Tasks done by the end of the replay.
    pub tasks_done: usize,
    /// Tasks left open.
    pub tasks_open: usize,
    /// Tasks escalated to a team lead by `tick`.
    pub escalated: usize,
}

// ------------------------------------------------------------------------------------------
// The generator.

/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, well-mixed 64-bit generator. The workspace
/// has no random-number crate, and the demo needs nothing more than a reproducible stream.
#[derive(Clone, Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    /// A stream for one name under the demo's seed, independent of every other name's, so adding
    /// a line to a data file does not change the figures of the others.
    fn for_name(name: &str) -> SplitMix64 {
        // FNV-1a of the name, mixed with the seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.as_bytes() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        SplitMix64(h ^ DEMO_SEED)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A factor in `[1 - spread, 1 + spread]`, in parts per ten thousand.
    fn factor_bp(&mut self, spread_bp: i64) -> i64 {
        let width = u64::try_from(2 * spread_bp + 1).unwrap_or(1);
        10_000 - spread_bp + i64::try_from(self.below(width)).unwrap_or(0)
    }
}

/// The characters of a USCC, as GB 32100-2015 lists them.
const USCC_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A valid USCC in the demo county for `name`: registering authority 9 (market regulation),
/// category 1 (enterprise), the invented area code, an organisation code of the form `MA5…`
/// with its GB 11714 check character, and the GB 32100 check character.
fn uscc_for(name: &str, taken: &mut BTreeSet<String>) -> ServiceResult<Uscc> {
    let mut rng = SplitMix64::for_name(name);
    loop {
        let mut org = String::from("MA5");
        for _ in 0..5 {
            let i = usize::try_from(rng.below(USCC_CHARS.len() as u64)).unwrap_or(0);
            org.push(char::from(USCC_CHARS[i]));
        }
        let org_check = Uscc::organisation_check_character(&org)
            .map_err(|e| ServiceError::invalid_from(Field::named("uscc"), &e))?;
        let first17 = format!("91{DEMO_AREA_CODE}{org}{org_check}");
        let check = Uscc::check_character(&first17)
            .map_err(|e| ServiceError::invalid_from(Field::named("uscc"), &e))?;
        let code = format!("{first17}{check}");
        if taken.insert(code.clone()) {
            return Uscc::parse(&code)
                .map_err(|e| ServiceError::invalid_from(Field::named("uscc"), &e));
        }
    }
}

/// Seasonal factors by calendar month, in parts per ten thousand (the Spring Festival dip, the
/// year-end push).
const SEASON_BP: [i64; 12] = [
    8_600, 8_000, 10_000, 10_000, 10_200, 10_500, 9_800, 10_000, 10_300, 10_000, 10_500, 11_200,
];

/// The months with figures: January 2022 to June 2023 (the last month complete on 2023-07-03).
fn demo_months() -> Vec<YearMonth> {
    let mut out = Vec::new();
    let (Some(mut m), Some(last)) = (ym(2022, 1), ym(DEMO_YEAR, 6)) else {
        return out;
    };
    while m <= last {
        out.push(m);
        m = m.next();
    }
    out
}

/// A month of the demo; `None` only for a month that does not exist.
/// The invented month and route by which an already above-scale firm entered the register:
/// a year from 2010 to 2022; seven in ten at the annual review (年度入库, January), the others in
/// a month of their year (月度入库).
fn register_entry(key: &str) -> Option<(YearMonth, RegisterRoute)> {
    let mut rng = SplitMix64::for_name(&format!("{key}#register"));
    let year = 2010 + i32::try_from(rng.below(13)).unwrap_or(0);
    let annual = rng.below(10) < 7;
    let month = if annual {
        1
    } else {
        2 + u32::try_from(rng.below(11)).unwrap_or(0)
    };
    let route = if annual {
        RegisterRoute::Annual
    } else {
        RegisterRoute::Monthly
    };
    Some((ym(year, month)?, route))
}

fn ym(year: i32, month: u32) -> Option<YearMonth> {
    YearMonth::new(year, month).ok()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// One enterprise's generated monthly output (or, for commerce, revenue) in units of 100 yuan.
fn generate_series(e: &DemoEnterprise) -> BTreeMap<YearMonth, i64> {
    let mut rng = SplitMix64::for_name(&e.key);
    let mut out = BTreeMap::new();
    let Some(base) = e.base_wan_x100 else {
        return out;
    };
    let mut ramp = 0usize;
    for m in demo_months() {
        if e.since.is_some_and(|s| m < s) {
            continue;
        }
        let season = SEASON_BP[usize::try_from(m.month()).unwrap_or(1).saturating_sub(1) % 12];
        let growth = if m.year() == DEMO_YEAR {
            10_000 + e.growth_pct * 100
        } else {
            10_000
        };
        // A firm that has just started produces half, then four fifths.
        let ramp_bp = match (e.since.is_some(), ramp) {
            (true, 0) => 5_000,
            (true, 1) => 8_000,
            _ => 10_000,
        };
        ramp += 1;
        let noise = rng.factor_bp(600);
        // base is in hundredths of 万元 = 100 yuan units; apply four factors in basis points.
        let v = i128::from(base) * i128::from(season) / 10_000 * i128::from(growth) / 10_000
            * i128::from(ramp_bp)
            / 10_000
            * i128::from(noise)
            / 10_000;
        out.insert(m, i64::try_from(v.max(1)).unwrap_or(1));
    }
    out
}

/// Scales the months of `series` in `months` so they sum to exactly `total` (the last month
/// takes the rounding).
fn scale_to(series: &mut BTreeMap<YearMonth, i64>, months: &[YearMonth], total: i64) {
    let sum: i64 = months.iter().filter_map(|m| series.get(m)).sum();
    if sum <= 0 {
        return;
    }
    let mut assigned = 0i64;
    let present: Vec<YearMonth> = months
        .iter()
        .copied()
        .filter(|m| series.contains_key(m))
        .collect();
    for (i, m) in present.iter().enumerate() {
        let Some(v) = series.get_mut(m) else { continue };
        if i + 1 == present.len() {
            *v = total - assigned;
        } else {
            let scaled =
                i64::try_from(i128::from(*v) * i128::from(total) / i128::from(sum)).unwrap_or(0);
            *v = scaled;
            assigned += scaled;
        }
    }
}

// ------------------------------------------------------------------------------------------
// The data files.

/// A data file's rows as fields, checked against its header; `#` lines and blank lines are
/// skipped.
fn rows<'a>(
    file: &str,
    text: &'a str,
    columns: &[&str],
) -> ServiceResult<Vec<(usize, Vec<&'a str>)>> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    });
    let header: Vec<&str> = lines
        .next()
        .map(|(_, l)| l.split(',').map(str::trim).collect())
        .unwrap_or_default();
    if header != columns {
        return Err(data_error(
            file,
            1,
            &format!("表头应为 {}", columns.join(",")),
            &format!("the header must be {}", columns.join(",")),
        ));
    }
    let mut out = Vec::new();
    for (i, line) in lines {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != columns.len() {
            return Err(data_error(
                file,
                i + 1,
                &format!("应有 {} 列，实有 {} 列", columns.len(), fields.len()),
                &format!("expected {} columns, found {}", columns.len(), fields.len()),
            ));
        }
        out.push((i + 1, fields));
    }
    Ok(out)
}

fn data_error(file: &str, line: usize, zh: &str, en: &str) -> ServiceError {
    ServiceError::invalid(
        Field::Named(format!("demo/{file}:{line}")),
        Text::new(
            format!("演示数据 {file} 第 {line} 行：{zh}"),
            format!("demo data {file} line {line}: {en}"),
        ),
    )
}

fn parse_date(file: &str, line: usize, s: &str) -> ServiceResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        data_error(
            file,
            line,
            &format!("日期「{s}」应为 YYYY-MM-DD"),
            &format!("the date \"{s}\" must be YYYY-MM-DD"),
        )
    })
}

fn parse_opt_date(file: &str, line: usize, s: &str) -> ServiceResult<Option<NaiveDate>> {
    if s.is_empty() {
        Ok(None)
    } else {
        parse_date(file, line, s).map(Some)
    }
}

fn parse_num(file: &str, line: usize, s: &str) -> ServiceResult<i64> {
    s.parse::<i64>().map_err(|_| {
        data_error(
            file,
            line,
            &format!("「{s}」不是整数"),
            &format!("\"{s}\" is not a whole number"),
        )
    })
}

/// Which part of the county an enterprise belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Group {
    /// Above scale before 2023.
    Above,
    /// Newly above scale in the first half of 2023.
    New,
    /// One of the 8 key firms to go above scale in the second half.
    Key,
    /// In the candidate pool.
    Candidate,
    /// A commerce firm.
    Commerce,
    /// A small technology firm.
    Tech,
    /// A project under construction, with no figures yet.
    Project,
}

impl Group {
    fn parse(s: &str) -> Option<Group> {
        Some(match s {
            "above" => Group::Above,
            "new" => Group::New,
            "key" => Group::Key,
            "candidate" => Group::Candidate,
            "commerce" => Group::Commerce,
            "tech" => Group::Tech,
            "project" => Group::Project,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
struct DemoEnterprise {
    key: String,
    name: String,
    sector: Sector,
    town: String,
    legal_form: LegalForm,
    land: Option<LandArea>,
    officer: String,
    group: Group,
    batch: Option<Batch>,
    since: Option<YearMonth>,
    /// 2022's average month in hundredths of 万元 (100 yuan).
    base_wan_x100: Option<i64>,
    growth_pct: i64,
    /// The exact output of January to June 2023, in 100 yuan.
    h1_x100: Option<i64>,
    invented: bool,
}

const ENTERPRISE_COLUMNS: [&str; 15] = [
    "key",
    "name",
    "sector",
    "town",
    "legal_form",
    "land_mu",
    "officer",
    "group",
    "batch",
    "since",
    "base_wan",
    "growth_pct",
    "h1_2023_wan",
    "invented",
    "source",
];

fn load_enterprises() -> ServiceResult<Vec<DemoEnterprise>> {
    const F: &str = "enterprises.csv";
    let mut out = Vec::new();
    for (line, f) in rows(F, ENTERPRISES_CSV, &ENTERPRISE_COLUMNS)? {
        let bad = |zh: &str, en: &str| data_error(F, line, zh, en);
        let sector =
            Sector::parse(f[2]).map_err(|e| ServiceError::invalid_from(Field::named(F), &e))?;
        let legal_form =
            LegalForm::parse(f[4]).map_err(|e| ServiceError::invalid_from(Field::named(F), &e))?;
        let land = if f[5].is_empty() {
            None
        } else {
            Some(
                LandArea::parse(f[5])
                    .map_err(|e| ServiceError::invalid_from(Field::named(F), &e))?,
            )
        };
        let group = Group::parse(f[7]).ok_or_else(|| bad("未知的分组", "unknown group"))?;
        let batch = if f[8].is_empty() {
            None
        } else {
            let n = u8::try_from(parse_num(F, line, f[8])?).unwrap_or(0);
            Some(Batch::new(n).map_err(|e| ServiceError::invalid_from(Field::named(F), &e))?)
        };
        let since = if f[9].is_empty() {
            None
        } else {
            Some(
                YearMonth::parse(f[9])
                    .map_err(|e| ServiceError::invalid_from(Field::named(F), &e))?,
            )
        };
        let base_wan_x100 = if f[10].is_empty() {
            None
        } else {
            Some(parse_num(F, line, f[10])? * 100)
        };
        let growth_pct = if f[11].is_empty() {
            0
        } else {
            parse_num(F, line, f[11])?
        };
        let h1_x100 = if f[12].is_empty() {
            None
        } else {
            Some(parse_num(F, line, f[12])? * 100)
        };
        let invented = match f[13] {
            "true" => true,
            "false" => false,
            _ => {
                return Err(bad(
                    "invented 应为 true 或 false",
                    "invented must be true or false",
                ));
            }
        };
        if invented != f[1].contains("（示例）") {
            return Err(bad(
                "虚构企业的名称须带「（示例）」，真实企业不带",
                "an invented firm's name must carry （示例）, a firm from the report's must not",
            ));
        }
        out.push(DemoEnterprise {
            key: f[0].to_owned(),
            name: f[1].to_owned(),
            sector,
            town: f[3].to_owned(),
            legal_form,
            land,
            officer: f[6].to_owned(),
            group,
            batch,
            since,
            base_wan_x100,
            growth_pct,
            h1_x100,
            invented,
        });
    }
    Ok(out)
}

/// The figures of every enterprise, month by month, in 100 yuan: output value for industry,
/// revenue for commerce. The above-scale firms' total is calibrated to the report's county
/// figures: 2.652 billion yuan of output in January to May 2023 and 3.16 billion in January to
/// June; firms with a fixed half-year total (锦X水泥, 下田锰矿, the six new ones) keep theirs.
fn generate_figures(list: &[DemoEnterprise]) -> Vec<BTreeMap<YearMonth, i64>> {
    let h1: Vec<YearMonth> = (1..=6).filter_map(|m| ym(DEMO_YEAR, m)).collect();
    let mut series: Vec<BTreeMap<YearMonth, i64>> = list.iter().map(generate_series).collect();
    for (e, s) in list.iter().zip(series.iter_mut()) {
        if let Some(total) = e.h1_x100 {
            scale_to(s, &h1, total);
        }
    }
    // County calibration over the above-scale firms (in 100 yuan).
    const JAN_MAY: i64 = 26_520_000;
    const JAN_JUN: i64 = 31_600_000;
    let above: Vec<usize> = list
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e.group, Group::Above | Group::New))
        .map(|(i, _)| i)
        .collect();
    let (fixed, free): (Vec<usize>, Vec<usize>) =
        above.iter().partition(|&&i| list[i].h1_x100.is_some());
    let sum_over =
        |idx: &[usize], months: &[YearMonth], series: &[BTreeMap<YearMonth, i64>]| -> i64 {
            idx.iter()
                .map(|&i| months.iter().filter_map(|m| series[i].get(m)).sum::<i64>())
                .sum()
        };
    let jan_may: Vec<YearMonth> = h1.iter().copied().filter(|m| m.month() <= 5).collect();
    let june: Vec<YearMonth> = h1.iter().copied().filter(|m| m.month() == 6).collect();
    let may = h1.iter().copied().find(|m| m.month() == 5);
    let want_may = JAN_MAY - sum_over(&fixed, &jan_may, &series);
    let want_jun = (JAN_JUN - JAN_MAY) - sum_over(&fixed, &june, &series);
    let have_may = sum_over(&free, &jan_may, &series);
    let have_jun = sum_over(&free, &june, &series);
    if have_may > 0 && have_jun > 0 && want_may > 0 && want_jun > 0 {
        // One factor for every month (2022 too, so growth rates stay as generated), then June
        // on its own, then the rounding on the largest free firm.
        for &i in &free {
            for (m, v) in series[i].iter_mut() {
                let (want, have) = if june.contains(m) {
                    (want_jun, have_jun)
                } else {
                    (want_may, have_may)
                };
                *v = i64::try_from(i128::from(*v) * i128::from(want) / i128::from(have))
                    .unwrap_or(*v)
                    .max(1);
            }
        }
        if let Some(&largest) = free.iter().max_by_key(|&&i| list[i].base_wan_x100) {
            let rest_may = want_may - sum_over(&free, &jan_may, &series);
            let rest_jun = want_jun - sum_over(&free, &june, &series);
            if let Some(v) = may.and_then(|m| series[largest].get_mut(&m)) {
                *v += rest_may;
            }
            if let Some(v) = june.first().and_then(|m| series[largest].get_mut(m)) {
                *v += rest_jun;
            }
        }
    }
    series
}

/// The monthly record of one enterprise: revenue from output by a per-firm ratio, tax and
/// employees from revenue.
fn metrics_of(e: &DemoEnterprise, month: YearMonth, value_x100: i64) -> Metrics {
    let mut rng = SplitMix64::for_name(&format!("{}#ratio", e.key));
    let empty = Metrics::empty(peiyu_domain::EnterpriseId(uuid::Uuid::nil()), month);
    let yuan = value_x100 * 100;
    if e.sector != Sector::Industry {
        let employees = u32::try_from(8 + value_x100 / 5_000).unwrap_or(8);
        return Metrics {
            revenue: Some(Yuan(yuan)),
            employees: Some(employees),
            tax: Some(Yuan(yuan / 100 * 3)),
            ..empty
        };
    }
    // Firms the guards judge keep revenue close to output; the others vary more.
    let ratio_bp = match e.group {
        Group::New | Group::Key | Group::Candidate => {
            9_800 + i64::try_from(rng.below(150)).unwrap_or(0)
        }
        _ => 9_200 + i64::try_from(rng.below(700)).unwrap_or(0),
    };
    let revenue = yuan / 10_000 * ratio_bp;
    let employees = u32::try_from(15 + e.base_wan_x100.unwrap_or(0) / 1_200).unwrap_or(15);
    Metrics {
        revenue: Some(Yuan(revenue)),
        output_value: Some(Yuan(yuan)),
        employees: Some(employees),
        tax: Some(Yuan(revenue / 1_000 * 25)),
        ..empty
    }
}

// ------------------------------------------------------------------------------------------
// The replay.

/// What happens at one point of the replay, in the order of the variants on the same day.
#[derive(Clone, Debug)]
enum Event {
    /// Officers, teams and the enterprises on the books at the start.
    Setup,
    /// Add an enterprise founded during the year.
    AddEnterprise(usize),
    /// Record one month's figures of every enterprise that has them.
    Figures(YearMonth),
    /// Draw up the four-batch list.
    BatchList,
    /// Publish it.
    PublishBatchList,
    /// Change it (row of batch_moves.csv).
    BatchMove(usize),
    /// Set the year's targets.
    Targets,
    /// A case move (row of cases.csv).
    Case(usize),
    /// A task added by hand (row of tasks.csv).
    AddTask(usize),
    /// Complete a task.
    Complete(TaskId),
    /// Run `tick`.
    Tick,
}

impl Event {
    fn order(&self) -> u8 {
        match self {
            Event::Setup => 0,
            Event::AddEnterprise(_) => 1,
            Event::Figures(_) => 2,
            Event::BatchList => 3,
            Event::PublishBatchList => 4,
            Event::BatchMove(_) => 5,
            Event::Targets => 6,
            Event::Case(_) => 7,
            Event::AddTask(_) => 8,
            Event::Complete(_) => 9,
            Event::Tick => 10,
        }
    }
}

/// A task the replay knows about.
#[derive(Clone, Debug)]
struct Known {
    task: Task,
    open: bool,
}

struct CaseRow {
    enterprise: String,
    track: String,
    on: NaiveDate,
    to: String,
    evidence: Option<String>,
    reason: Option<String>,
    target_stage: Option<String>,
    target_date: Option<NaiveDate>,
}

struct TaskRow {
    enterprise: Option<String>,
    kind: TaskKind,
    title: String,
    assignee: String,
    by: String,
    created: NaiveDate,
    due: NaiveDate,
    done: Option<NaiveDate>,
    note: Option<String>,
}

struct BatchMoveRow {
    enterprise: String,
    on: NaiveDate,
    batch: Batch,
    reason: String,
}

fn load_cases() -> ServiceResult<Vec<CaseRow>> {
    const F: &str = "cases.csv";
    let cols = [
        "enterprise",
        "track",
        "on",
        "to",
        "evidence",
        "reason",
        "target_stage",
        "target_date",
    ];
    rows(F, CASES_CSV, &cols)?
        .into_iter()
        .map(|(line, f)| {
            Ok(CaseRow {
                enterprise: f[0].to_owned(),
                track: f[1].to_owned(),
                on: parse_date(F, line, f[2])?,
                to: f[3].to_owned(),
                evidence: Some(f[4].to_owned()).filter(|s| !s.is_empty()),
                reason: Some(f[5].to_owned()).filter(|s| !s.is_empty()),
                target_stage: Some(f[6].to_owned()).filter(|s| !s.is_empty()),
                target_date: parse_opt_date(F, line, f[7])?,
            })
        })
        .collect()
}

fn load_tasks() -> ServiceResult<Vec<TaskRow>> {
    const F: &str = "tasks.csv";
    let cols = [
        "enterprise",
        "kind",
        "title",
        "assignee",
        "by",
        "created",
        "due",
        "done",
        "note",
    ];
    rows(F, TASKS_CSV, &cols)?
        .into_iter()
        .map(|(line, f)| {
            Ok(TaskRow {
                enterprise: Some(f[0].to_owned()).filter(|s| !s.is_empty()),
                kind: TaskKind::parse(f[1])
                    .map_err(|e| ServiceError::invalid_from(Field::named(F), &e))?,
                title: f[2].to_owned(),
                assignee: f[3].to_owned(),
                by: f[4].to_owned(),
                created: parse_date(F, line, f[5])?,
                due: parse_date(F, line, f[6])?,
                done: parse_opt_date(F, line, f[7])?,
                note: Some(f[8].to_owned()).filter(|s| !s.is_empty()),
            })
        })
        .collect()
}

fn load_batch_moves() -> ServiceResult<Vec<BatchMoveRow>> {
    const F: &str = "batch_moves.csv";
    rows(F, BATCH_MOVES_CSV, &["enterprise", "on", "batch", "reason"])?
        .into_iter()
        .map(|(line, f)| {
            let n = u8::try_from(parse_num(F, line, f[2])?).unwrap_or(0);
            Ok(BatchMoveRow {
                enterprise: f[0].to_owned(),
                on: parse_date(F, line, f[1])?,
                batch: Batch::new(n)
                    .map_err(|e| ServiceError::invalid_from(Field::named(F), &e))?,
                reason: f[3].to_owned(),
            })
        })
        .collect()
}

/// Says which step of the demo data failed, keeping the error's kind.
fn at_step(step: &str, e: ServiceError) -> ServiceError {
    match e {
        ServiceError::Invalid { field, message } => ServiceError::Invalid {
            field,
            message: Text::new(
                format!("演示数据「{step}」：{}", message.zh()),
                format!("demo data \"{step}\": {}", message.en()),
            ),
        },
        ServiceError::NotFound { message } => ServiceError::NotFound {
            message: Text::new(
                format!("演示数据「{step}」：{}", message.zh()),
                format!("demo data \"{step}\": {}", message.en()),
            ),
        },
        ServiceError::Forbidden { message } => ServiceError::Forbidden {
            message: Text::new(
                format!("演示数据「{step}」：{}", message.zh()),
                format!("demo data \"{step}\": {}", message.en()),
            ),
        },
        other => other,
    }
}

/// The state of the replay.
struct Replay {
    sim: Service,
    clock: Arc<SettableClock>,
    admin: Officer,
    officers: HashMap<String, Officer>,
    by_id: HashMap<OfficerId, Officer>,
    enterprises: Vec<DemoEnterprise>,
    usccs: HashMap<String, Uscc>,
    figures: Vec<BTreeMap<YearMonth, i64>>,
    cases: Vec<CaseRow>,
    tasks: Vec<TaskRow>,
    batch_moves: Vec<BatchMoveRow>,
    events: BTreeMap<(NaiveDate, u8, u64), Event>,
    seq: u64,
    known: HashMap<TaskId, Known>,
    cultivation_of: HashMap<(String, String), CultivationId>,
    /// Explicit completion dates of the hand-made tasks (row index → task id).
    report: DemoReport,
    tick_of_day: u32,
    current_day: Option<NaiveDate>,
    /// The enterprises added so far (indexes into `enterprises`).
    on_books: BTreeSet<usize>,
}

/// The Monday of the week before the demo's week: tasks due from here on are done "last week".
fn last_week_monday() -> NaiveDate {
    date(2023, 6, 26)
}

impl Replay {
    fn push(&mut self, on: NaiveDate, event: Event) {
        self.seq += 1;
        self.events.insert((on, event.order(), self.seq), event);
    }

    /// Moves the clock to `on`, 09:00 county time plus a second per action that day.
    fn at(&mut self, on: NaiveDate) {
        if self.current_day != Some(on) {
            self.current_day = Some(on);
            self.tick_of_day = 0;
        }
        self.tick_of_day += 1;
        let start = Utc
            .with_ymd_and_hms(on.year(), on.month(), on.day(), 1, 0, 0)
            .single()
            .unwrap_or_default();
        self.clock
            .set(start + chrono::Duration::seconds(i64::from(self.tick_of_day)));
    }

    fn officer(&self, login: &str) -> ServiceResult<Officer> {
        self.officers.get(login).cloned().ok_or_else(|| {
            ServiceError::invalid(
                Field::named("demo"),
                Text::new(
                    format!("演示数据引用了未知的干部「{login}」"),
                    format!("the demo data names an unknown officer \"{login}\""),
                ),
            )
        })
    }

    fn enterprise(&self, key: &str) -> ServiceResult<(usize, String)> {
        let i = self
            .enterprises
            .iter()
            .position(|e| e.key == key)
            .ok_or_else(|| {
                ServiceError::invalid(
                    Field::named("demo"),
                    Text::new(
                        format!("演示数据引用了未知的企业「{key}」"),
                        format!("the demo data names an unknown enterprise \"{key}\""),
                    ),
                )
            })?;
        let uscc = self
            .usccs
            .get(key)
            .map(|u| u.as_str().to_owned())
            .unwrap_or_default();
        Ok((i, uscc))
    }

    /// Remembers a new task and schedules its completion: a task due before the demo's
    /// previous week is done on or shortly before its due date; one due in that week is done
    /// during it; a later one stays open.
    fn learn(&mut self, task: Task, done_on: Option<Option<NaiveDate>>) {
        self.report.tasks_created += 1;
        let id = task.id;
        let when = match done_on {
            Some(explicit) => explicit,
            None => self.rule_completion(&task),
        };
        if let Some(d) = when {
            self.push(d, Event::Complete(id));
        }
        self.known.insert(id, Known { task, open: true });
    }

    fn rule_completion(&self, task: &Task) -> Option<NaiveDate> {
        let as_of = demo_as_of();
        if task.due_on >= as_of {
            return None;
        }
        let mut rng = SplitMix64::for_name(&format!("{}#{}", task.title, task.due_on));
        let lead = i64::try_from(rng.below(4)).unwrap_or(0);
        let mut d = task.due_on - chrono::Duration::days(lead);
        if task.due_on >= last_week_monday() {
            d = d.max(last_week_monday());
        }
        // Done on a working day when one lies between creation and the date chosen.
        while d > task.created_on && !self.sim.calendar().is_working_day(d).unwrap_or(true) {
            d = d.pred_opt().unwrap_or(d);
        }
        Some(
            d.max(task.created_on)
                .min(as_of.pred_opt().unwrap_or(as_of)),
        )
    }

    async fn run(&mut self) -> ServiceResult<()> {
        while let Some(((on, _, _), event)) = self.events.pop_first() {
            self.at(on);
            self.step(on, event).await?;
        }
        Ok(())
    }

    async fn step(&mut self, on: NaiveDate, event: Event) -> ServiceResult<()> {
        match event {
            Event::Figures(month) => self.record_figures(month).await,
            Event::Setup => self.setup(on).await,
            Event::AddEnterprise(i) => self.add_enterprise(i).await,
            Event::BatchList => self.batch_list(on).await,
            Event::PublishBatchList => {
                let lead = self.officer("wei.hb")?;
                self.sim
                    .publish_batch_list(&lead, DEMO_YEAR, None, None)
                    .await
                    .map_err(|e| at_step("publish 2023 list", e))?;
                Ok(())
            }
            Event::BatchMove(i) => self.batch_move(i, on).await,
            Event::Targets => {
                let leader = self.officer("qin.zg")?;
                for (metric, value) in [
                    ("new_above_scale", TARGET_NEW_ABOVE_SCALE),
                    ("new_above_limit", TARGET_NEW_ABOVE_LIMIT),
                ] {
                    self.sim
                        .set_target(&leader, DEMO_YEAR, metric, value)
                        .await
                        .map_err(|e| at_step(metric, e))?;
                }
                Ok(())
            }
            Event::Case(i) => self.case(i, on).await,
            Event::AddTask(i) => self.add_task(i).await,
            Event::Complete(id) => self.complete(id, on, None).await,
            Event::Tick => {
                let report = self
                    .sim
                    .tick(&self.admin, Some(on))
                    .await
                    .map_err(|e| at_step("tick", e))?;
                self.report.escalated += report.escalated.len();
                for (t, _, _) in &report.escalated {
                    if let Some(k) = self.known.get_mut(&t.id) {
                        k.task.assignee = t.assignee;
                    }
                }
                let created: Vec<Task> = report.materialised.clone();
                for t in created {
                    self.learn(t, None);
                }
                // Escalation follow-ups are tasks too; they stay open for the lead's week.
                let follow_ups = self
                    .sim
                    .list_tasks(
                        &self.admin,
                        &ListTasks {
                            all: false,
                            ..Default::default()
                        },
                    )
                    .await?;
                for t in follow_ups.tasks {
                    if !self.known.contains_key(&t.value.id) {
                        self.learn(t.value, Some(None));
                    }
                }
                Ok(())
            }
        }
    }

    async fn setup(&mut self, on: NaiveDate) -> ServiceResult<()> {
        const F: &str = "officers.csv";
        let admin = self.admin.clone();
        let mut memberships = Vec::new();
        for (line, f) in rows(
            F,
            OFFICERS_CSV,
            &["login", "name", "role", "teams", "title", "invented"],
        )? {
            let login =
                Login::new(f[0]).map_err(|e| ServiceError::invalid_from(Field::named(F), &e))?;
            let role =
                Role::parse(f[2]).map_err(|e| ServiceError::invalid_from(Field::named(F), &e))?;
            let officer = self
                .sim
                .add_officer(
                    &admin,
                    NewOfficer {
                        login,
                        name: f[1].to_owned(),
                        role,
                    },
                )
                .await
                .map_err(|e| at_step(&format!("{F}:{line}"), e))?;
            for team in f[3].split(';').filter(|t| !t.is_empty()) {
                memberships.push((team.to_owned(), f[0].to_owned()));
            }
            self.by_id.insert(officer.id, officer.clone());
            self.officers.insert(f[0].to_owned(), officer);
            self.report.officers += 1;
        }
        for (line, f) in rows("teams.csv", TEAMS_CSV, &["name", "lead", "invented"])? {
            self.sim
                .add_team(&admin, f[0], Some(f[1]))
                .await
                .map_err(|e| at_step(&format!("teams.csv:{line}"), e))?;
            self.report.teams += 1;
            for (team, login) in memberships.iter().filter(|(t, _)| t == f[0]) {
                if login != f[1] {
                    self.sim
                        .join_team(&admin, team, login, None)
                        .await
                        .map_err(|e| at_step(&format!("{team} ← {login}"), e))?;
                }
            }
        }
        for i in 0..self.enterprises.len() {
            if self.added_on(i) == on {
                self.add_enterprise(i).await?;
            }
        }
        self.import_register().await
    }

    /// The day an enterprise is put on the books: the start of the replay, or the first day of
    /// its first month for a commerce firm or a candidate founded during the year.
    fn added_on(&self, i: usize) -> NaiveDate {
        let e = &self.enterprises[i];
        match (e.group, e.since) {
            (Group::Commerce | Group::Candidate, Some(s)) if s.year() == DEMO_YEAR => {
                s.first_day().max(replay_start())
            }
            _ => replay_start(),
        }
    }

    async fn add_enterprise(&mut self, i: usize) -> ServiceResult<()> {
        let e = self.enterprises[i].clone();
        let uscc = self.usccs.get(&e.key).cloned().ok_or_else(|| {
            ServiceError::invalid(
                Field::named("demo"),
                Text::new("缺少统一社会信用代码", "no USCC generated"),
            )
        })?;
        let new = NewEnterprise {
            uscc,
            name: e.name.clone(),
            sector: e.sector,
            town: e.town.clone(),
            address: format!("X县{}", e.town),
            land_area: e.land,
            legal_form: e.legal_form,
            responsible_officer: None,
        };
        self.sim
            .add_enterprise(&self.admin, new, Some(&e.officer))
            .await
            .map_err(|err| at_step(&e.name, err))?;
        self.on_books.insert(i);
        self.report.enterprises += 1;
        if e.invented {
            self.report.invented += 1;
        }
        Ok(())
    }

    /// The statistics bureau's register list as it stood at the start of 2023: every firm
    /// already above scale (group `above`), with an invented month and route of entry before
    /// 2023, imported through the same use case as `peiyu import register`. The firms that
    /// become above scale during 2023 enter the register by their stage moves instead.
    async fn import_register(&mut self) -> ServiceResult<()> {
        let mut rows = Vec::new();
        for (i, e) in self.enterprises.iter().enumerate() {
            if e.group != Group::Above || !self.on_books.contains(&i) {
                continue;
            }
            let Some(uscc) = self.usccs.get(&e.key) else {
                continue;
            };
            let Some((entered, route)) = register_entry(&e.key) else {
                continue;
            };
            rows.push(peiyu_service::RegisterRow {
                line: u64::try_from(rows.len() + 2).unwrap_or(u64::MAX),
                uscc: uscc.clone(),
                kind: RegisterKind::AboveScale,
                entered,
                route,
                exited: None,
                exit_reason: None,
            });
        }
        let outcome = self
            .sim
            .import_register(
                &self.admin,
                &rows,
                peiyu_service::ImportMode::AllOrNothing,
                None,
            )
            .await
            .map_err(|e| at_step("统计局名录", e))?;
        if let Some(p) = outcome.problems.first() {
            return Err(ServiceError::invalid(
                Field::named("demo"),
                Text::new(
                    format!("统计局名录第 {} 行：{}", p.line, p.message.zh()),
                    format!("register list line {}: {}", p.line, p.message.en()),
                ),
            ));
        }
        self.report.register_imported = outcome.inserted;
        Ok(())
    }

    /// Records one month's figures of every enterprise on the books in one unit of work, as the
    /// monthly statistics come in ([`Service::record_metrics_many`]); each enterprise's record
    /// is audited on its own chain.
    async fn record_figures(&mut self, month: YearMonth) -> ServiceResult<()> {
        let mut batch = Vec::new();
        for (i, e) in self.enterprises.iter().enumerate() {
            let Some(v) = self.figures[i].get(&month) else {
                continue;
            };
            let Some(uscc) = self.usccs.get(&e.key) else {
                continue;
            };
            if !self.on_books.contains(&i) {
                continue;
            }
            batch.push((uscc.as_str().to_owned(), metrics_of(e, month, *v)));
        }
        let reason = Some(format!("{month} 统计月报（演示数据）"));
        let written = self
            .sim
            .record_metrics_many(&self.admin, &batch, reason)
            .await
            .map_err(|e| at_step(&format!("{month} 统计月报"), e))?;
        self.report.metric_months += written.len();
        Ok(())
    }

    async fn batch_list(&mut self, on: NaiveDate) -> ServiceResult<()> {
        let lead = self.officer("wei.hb")?;
        let list: Vec<(String, Batch)> = self
            .enterprises
            .iter()
            .filter(|e| self.added_on_key(&e.key) <= on)
            .filter_map(|e| e.batch.map(|b| (e.key.clone(), b)))
            .collect();
        for (key, batch) in list {
            let (_, uscc) = self.enterprise(&key)?;
            self.sim
                .assign_batch(
                    &lead,
                    &ListChange {
                        enterprise: uscc,
                        year: DEMO_YEAR,
                        batch: Some(batch),
                        suggested: None,
                        reason: "《X县服务工业企业“四个一批”工作方案》".to_owned(),
                        on: Some(on),
                    },
                )
                .await
                .map_err(|e| at_step(&key, e))?;
            self.report.batch_entries += 1;
        }
        Ok(())
    }

    fn added_on_key(&self, key: &str) -> NaiveDate {
        self.enterprises
            .iter()
            .position(|e| e.key == key)
            .map(|i| self.added_on(i))
            .unwrap_or(replay_start())
    }

    async fn batch_move(&mut self, i: usize, on: NaiveDate) -> ServiceResult<()> {
        let lead = self.officer("wei.hb")?;
        let row = &self.batch_moves[i];
        let (_, uscc) = self.enterprise(&row.enterprise)?;
        let cmd = ListChange {
            enterprise: uscc,
            year: DEMO_YEAR,
            batch: Some(row.batch),
            suggested: None,
            reason: row.reason.clone(),
            on: Some(on),
        };
        let step = format!("batch_moves.csv {}", row.enterprise);
        let on_list = self
            .sim
            .batch_list(&lead, DEMO_YEAR, None)
            .await?
            .entries
            .iter()
            .any(|(_, e)| e.uscc.as_str() == cmd.enterprise);
        if on_list {
            self.sim.move_batch(&lead, &cmd).await
        } else {
            self.report.batch_entries += 1;
            self.sim.assign_batch(&lead, &cmd).await
        }
        .map_err(|e| at_step(&step, e))?;
        self.report.batch_moves += 1;
        Ok(())
    }

    async fn case(&mut self, i: usize, on: NaiveDate) -> ServiceResult<()> {
        let row = &self.cases[i];
        let (ei, uscc) = self.enterprise(&row.enterprise)?;
        let actor = self.officer(&self.enterprises[ei].officer)?;
        let step = format!("cases.csv {} {} → {}", row.enterprise, row.track, row.to);
        let key = (row.enterprise.clone(), row.track.clone());
        if row.to == "candidate" {
            let target_stage = match &row.target_stage {
                Some(s) => Some(
                    StageKey::new(s)
                        .map_err(|e| ServiceError::invalid_from(Field::named("cases.csv"), &e))?,
                ),
                None => None,
            };
            let view = self
                .sim
                .open_case(
                    &actor,
                    OpenCase {
                        enterprise: uscc,
                        track: row.track.clone(),
                        target_stage,
                        target_date: row.target_date,
                        on: Some(on),
                    },
                )
                .await
                .map_err(|e| at_step(&step, e))?;
            self.cultivation_of.insert(key, view.cultivation.value.id);
            self.report.cases += 1;
            for t in view.open_tasks {
                self.learn(t, None);
            }
            return Ok(());
        }
        // Before a move, the officer finishes the open work of the stage being left.
        let cultivation = self.cultivation_of.get(&key).copied();
        // In a fixed order (the known tasks are a hash map), so the audit log is the same on
        // every build.
        let mut leaving: Vec<(NaiveDate, NaiveDate, String, TaskId)> = self
            .known
            .values()
            .filter(|k| {
                k.open
                    && k.task.cultivation.is_some()
                    && k.task.cultivation == cultivation
                    && k.task.created_on <= on
                    && k.task.origin.starts_with("template:")
            })
            .map(|k| {
                (
                    k.task.created_on,
                    k.task.due_on,
                    k.task.title.clone(),
                    k.task.id,
                )
            })
            .collect();
        leaving.sort();
        for (_, _, _, id) in leaving {
            self.complete(id, on, Some("随阶段推进办结".to_owned()))
                .await?;
        }
        let row = &self.cases[i];
        let outcome = self
            .sim
            .advance_case(
                &actor,
                AdvanceCase {
                    enterprise: uscc,
                    track: row.track.clone(),
                    to: row.to.clone(),
                    reason: row.reason.clone(),
                    evidence: row.evidence.clone().into_iter().collect(),
                    on: Some(on),
                    ..AdvanceCase::default()
                },
            )
            .await
            .map_err(|e| at_step(&step, e))?;
        self.report.moves += 1;
        for closed in &outcome.closed {
            if let Some(k) = self.known.get_mut(&closed.id) {
                k.open = false;
            }
        }
        for created in outcome.tasks {
            self.learn(created.task, None);
        }
        Ok(())
    }

    async fn add_task(&mut self, i: usize) -> ServiceResult<()> {
        let row = &self.tasks[i];
        let by = self.officer(&row.by)?;
        let enterprise = match &row.enterprise {
            Some(key) => Some(self.enterprise(key)?.1),
            None => None,
        };
        let step = format!("tasks.csv {}", row.title);
        let task = self
            .sim
            .add_task(
                &by,
                NewTask {
                    enterprise,
                    kind: row.kind,
                    title: row.title.clone(),
                    description: None,
                    assignee: Some(row.assignee.clone()),
                    due: Due::On(row.due),
                    follow_up_on: None,
                },
            )
            .await
            .map_err(|e| at_step(&step, e))?;
        let done = row.done;
        self.learn(task, Some(done));
        Ok(())
    }

    async fn complete(
        &mut self,
        id: TaskId,
        on: NaiveDate,
        note: Option<String>,
    ) -> ServiceResult<()> {
        let Some(k) = self.known.get(&id) else {
            return Ok(());
        };
        if !k.open {
            return Ok(());
        }
        let task = k.task.clone();
        let assignee = self
            .by_id
            .get(&task.assignee)
            .cloned()
            .unwrap_or_else(|| self.admin.clone());
        let note = note.or_else(|| {
            self.tasks
                .iter()
                .find(|r| r.title == task.title && r.done == Some(on))
                .and_then(|r| r.note.clone())
        });
        let note = note.unwrap_or_else(|| "已办结".to_owned());
        self.sim
            .complete_task(
                &assignee,
                &task.id.0.simple().to_string(),
                Some(note),
                None,
                Some(on.max(task.created_on)),
            )
            .await
            .map_err(|e| at_step(&format!("完成任务「{}」", task.title), e))?;
        if let Some(k) = self.known.get_mut(&id) {
            k.open = false;
        }
        self.report.tasks_done += 1;
        Ok(())
    }
}

/// The first day of the replay: the first working day of 2023.
fn replay_start() -> NaiveDate {
    date(2023, 1, 3)
}

/// When the four-batch list is drawn up, published and the targets set.
fn batch_list_day() -> NaiveDate {
    date(2023, 2, 15)
}

/// Builds the demo county on the empty, initialised database of `service`: officers and the
/// cultivation task force, the enterprises of the bureau's 2023 mid-year report (and invented
/// ones, marked （示例）), their monthly figures for 2022 and the first half of 2023, the 2023
/// four-batch list, the year's targets, cultivation cases with their 2023 histories, and tasks —
/// all through the service's public use cases, acting as the database's admin and the demo's
/// officers, replayed on a simulated clock up to Monday 2023-07-03. The replay runs on a clone
/// of `service` with a clock of its own ([`Service::with_clock`]); `service`'s clock is not
/// moved.
///
/// `today` is the day the demo is built on; it must not be before 2023-07-03, so that nothing
/// of the replay lies in the future (else [`ServiceError::Invalid`], field [`Field::Today`]). Refuses a
/// database that has no admin or already holds enterprises, officers other than admins, batch
/// lists or targets ([`ServiceError::Invalid`], field [`Field::Database`]), before changing anything. A data
/// file or step that fails stops the build with the service's error, naming the step; what was
/// recorded until then stays recorded and audited.
#[tracing::instrument(skip(service))]
pub async fn build(service: &Service, today: NaiveDate) -> ServiceResult<DemoReport> {
    service.ensure_initialised().await?;
    let as_of = demo_as_of();
    if today < as_of {
        return Err(ServiceError::invalid(
            Field::Today,
            Text::new(
                format!("演示县回放到 {as_of}，今天 {today} 早于该日：请在 {as_of} 之后构建"),
                format!(
                    "the demo county is replayed up to {as_of}; today {today} is before it: build it on or after {as_of}"
                ),
            ),
        ));
    }
    let admin = service.admin_officer().await?.ok_or_else(|| {
        ServiceError::invalid(
            Field::Database,
            Text::new(
                "数据库中没有管理员：先运行 `peiyu init`",
                "the database has no admin: run `peiyu init` first",
            ),
        )
    })?;
    let enterprise_count = service
        .list_enterprises(
            &admin,
            &ListEnterprises {
                include_archived: true,
                ..ListEnterprises::default()
            },
        )
        .await?
        .len();
    let other_officers = service
        .list_officers(&admin)
        .await?
        .iter()
        .filter(|o| o.role != Role::Admin)
        .count();
    let lists = service.batch_lists(&admin).await?.len();
    let targets = service.targets(&admin, DEMO_YEAR).await?.len();
    if enterprise_count + other_officers + lists + targets > 0 {
        return Err(ServiceError::invalid(
            Field::Database,
            Text::new(
                format!(
                    "数据库不是空的（{enterprise_count} 家企业、{other_officers} 名干部、{lists} 份名单、{targets} 个目标）：演示县只能建在新数据库上。请用 --db 指定另一个数据库，或删除该数据库文件后重试"
                ),
                format!(
                    "the database is not empty ({enterprise_count} enterprises, {other_officers} officers, {lists} batch lists, {targets} targets): the demo county is built only on a new database. Give another --db, or delete the database file and try again"
                ),
            ),
        ));
    }

    let list = load_enterprises()?;
    let mut taken = BTreeSet::new();
    let mut usccs = HashMap::new();
    for e in &list {
        usccs.insert(e.key.clone(), uscc_for(&e.key, &mut taken)?);
    }
    let figures = generate_figures(&list);
    let clock = Arc::new(SettableClock::default());
    let sim = service.clone().with_clock(clock.clone());
    let mut replay = Replay {
        sim,
        clock,
        admin,
        officers: HashMap::new(),
        by_id: HashMap::new(),
        enterprises: list,
        usccs,
        figures,
        cases: load_cases()?,
        tasks: load_tasks()?,
        batch_moves: load_batch_moves()?,
        events: BTreeMap::new(),
        seq: 0,
        known: HashMap::new(),
        cultivation_of: HashMap::new(),
        report: DemoReport {
            as_of: Some(as_of),
            ..DemoReport::default()
        },
        tick_of_day: 0,
        current_day: None,
        on_books: BTreeSet::new(),
    };

    // Schedule the year.
    replay.push(replay_start(), Event::Setup);
    for i in 0..replay.enterprises.len() {
        let on = replay.added_on(i);
        if on != replay_start() {
            replay.push(on, Event::AddEnterprise(i));
        }
    }
    for m in demo_months() {
        // 2022's figures are taken in on the first day; each 2023 month on the first day of
        // the next (the monthly flash figures).
        let on = if m.year() < DEMO_YEAR {
            replay_start()
        } else {
            m.next().first_day()
        };
        replay.push(on, Event::Figures(m));
    }
    replay.push(batch_list_day(), Event::BatchList);
    replay.push(date(2023, 2, 20), Event::PublishBatchList);
    replay.push(date(2023, 2, 17), Event::Targets);
    for i in 0..replay.batch_moves.len() {
        let on = replay.batch_moves[i].on;
        replay.push(on, Event::BatchMove(i));
    }
    for i in 0..replay.cases.len() {
        let on = replay.cases[i].on;
        replay.push(on, Event::Case(i));
    }
    for i in 0..replay.tasks.len() {
        let on = replay.tasks[i].created;
        replay.push(on, Event::AddTask(i));
    }
    // `tick` on the first working day of each month from April, and on the demo's Monday.
    for d in [date(2023, 4, 3), date(2023, 5, 4), date(2023, 6, 1), as_of] {
        replay.push(d, Event::Tick);
    }
    replay.run().await?;
    let mut report = replay.report;
    report.tasks_open = replay.known.values().filter(|k| k.open).count();
    // Counted from the register, as of the last day; the output of January to June.
    let register = service
        .register_list(&replay.admin, Some(RegisterKind::AboveScale), Some(as_of))
        .await?;
    report.above_scale = register.counts.iter().map(|c| c.in_register).sum();
    let mid_year = service
        .register_list(
            &replay.admin,
            Some(RegisterKind::AboveScale),
            Some(date(2023, 6, 30)),
        )
        .await?;
    report.above_scale_output_h1 =
        Yuan::checked_sum(mid_year.counts.iter().map(|c| c.output_value)).unwrap_or(Yuan(i64::MAX));
    tracing::info!(?report, "demo county built");
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_is_the_published_sequence() {
        // The first outputs of SplitMix64 seeded with 1234567 (from the reference C code).
        let mut rng = SplitMix64(1_234_567);
        assert_eq!(rng.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(rng.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn data_files_load_and_codes_are_valid_and_distinct() {
        let list = load_enterprises().unwrap();
        let mut taken = BTreeSet::new();
        for e in &list {
            let code = uscc_for(&e.key, &mut taken).unwrap();
            assert!(code.in_area(DEMO_AREA_CODE));
        }
        assert_eq!(taken.len(), list.len());
        assert_eq!(
            list.iter()
                .filter(|e| matches!(e.group, Group::Above | Group::New))
                .count(),
            75
        );
        load_cases().unwrap();
        load_tasks().unwrap();
        load_batch_moves().unwrap();
    }

    #[test]
    fn register_entries_are_before_2023_and_the_same_every_time() {
        for e in load_enterprises().unwrap() {
            let (month, route) = register_entry(&e.key).unwrap();
            assert_eq!(register_entry(&e.key), Some((month, route)));
            assert!(month.year() >= 2010 && month.year() <= 2022, "{month}");
            assert_eq!(
                route == RegisterRoute::Annual,
                month.month() == 1,
                "{month}"
            );
        }
    }

    #[test]
    fn figures_are_the_same_every_time_and_add_up_to_the_report() {
        let list = load_enterprises().unwrap();
        let a = generate_figures(&list);
        let b = generate_figures(&list);
        assert_eq!(a, b);
        let h1: i64 = list
            .iter()
            .zip(&a)
            .filter(|(e, _)| matches!(e.group, Group::Above | Group::New))
            .map(|(_, s)| (1..=6).filter_map(|m| s.get(&ym(2023, m)?)).sum::<i64>())
            .sum();
        assert_eq!(h1 * 100, 3_160_000_000);
    }
}
