//! Replaying the audit log against the tables: every current row of every audited table must
//! equal the state its audit entries leave, every row must have entries, and every entry's
//! subject must still exist.
//!
//! The audited tables are data: [`AUDITED_TABLES`] holds one [`AuditedTable`] per table — the
//! columns compared (each with the name its audit payload gives it), whether the table belongs to
//! an enterprise's chain or the bureau's, and a `replay` function that turns one entry into the
//! row it leaves. Reading the stored rows, comparing and naming findings are generic. To audit a
//! new table, add one entry to the list (and a test row to the tamper matrix); docs/audit.md
//! says how.
//!
//! Verification streams: the bureau's chain first, in pages of entries, then the enterprises'
//! chains in groups of [`GROUP`], each group's entries, heads and rows read with a few queries
//! and dropped before the next. Memory is bounded by one group and the set of chain keys.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::audit::{AuditEntry, BUREAU_CHAIN, ChainCheck, VerifyReport, entry_from_model};
use crate::entities::{audit_chain_heads, audit_entries, enterprises};
use crate::error::{StorageError, StorageResult};
use crate::instant;

/// How many enterprises' chains are verified together: their entries and rows are in memory at
/// once, then dropped.
pub const GROUP: usize = 100;

/// Entries read per page of the bureau's chain.
const PAGE: u64 = 5_000;

/// How a stored column is read and shown as JSON, the form audit payloads use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A UUID, as hyphenated lower-case text.
    Uuid,
    /// Text.
    Text,
    /// A small integer.
    I16,
    /// An integer.
    I32,
    /// A big integer.
    I64,
    /// A boolean.
    Bool,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// JSON stored as text, compared as JSON.
    Json,
    /// Dates stored as comma-separated text, shown as a list of `YYYY-MM-DD`.
    DayList,
}

/// Where a compared value comes from in the stored row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A column of the table (quoted for the backend).
    Column(&'static str),
    /// An SQL expression over the row, whose alias is `t` (e.g. a login looked up by id).
    Sql(&'static str),
}

/// One compared field: its name in the audit payload, where the stored value is, and its kind.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// The field's name in the replayed row (the audit payload's key).
    pub name: &'static str,
    /// The stored value.
    pub source: Source,
    /// How to read and show it.
    pub kind: Kind,
}

const fn col(name: &'static str, column: &'static str, kind: Kind) -> Field {
    Field {
        name,
        source: Source::Column(column),
        kind,
    }
}

const fn sql(name: &'static str, expr: &'static str, kind: Kind) -> Field {
    Field {
        name,
        source: Source::Sql(expr),
        kind,
    }
}

/// Which chain a table's rows are recorded on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The bureau's chain: every row.
    Bureau,
    /// An enterprise's chain: the rows whose column (named here) is the enterprise's id.
    Enterprise(&'static str),
    /// An enterprise's chain when the enterprise (a column, or an expression over the row) is
    /// set, the bureau's when it is null.
    EnterpriseOrBureau(Source),
}

impl Scope {
    /// The expression that gives a row's enterprise, over the row aliased `t`; `None` for the
    /// bureau's tables.
    fn enterprise_expr(self) -> Option<(Expr, bool)> {
        let t = Alias::new("t");
        match self {
            Scope::Bureau => None,
            Scope::Enterprise(c) => Some((Expr::col((t, Alias::new(c))), c == "id")),
            Scope::EnterpriseOrBureau(Source::Column(c)) => {
                Some((Expr::col((t, Alias::new(c))), false))
            }
            Scope::EnterpriseOrBureau(Source::Sql(s)) => Some((Expr::cust(s), false)),
        }
    }
}

/// One audited table: what is compared and how entries build its rows.
pub struct AuditedTable {
    /// The SQL table.
    pub table: &'static str,
    /// Which chain its rows are on.
    pub scope: Scope,
    /// The fields that make a row's key, joined by `/` (they are among `fields`).
    pub key: &'static [&'static str],
    /// When set, a row's key also carries its position (1, 2, …) among the rows with the same
    /// key fields in this order of columns: for history rows that have no key of their own in
    /// the payload (a batch move).
    pub ordinal_by: &'static [&'static str],
    /// The compared fields.
    pub fields: &'static [Field],
    /// What one entry does to this table's rows (nothing, for an entry about something else).
    pub replay: fn(&Logged<'_>, &mut Rows),
}

/// An entry being replayed, with its payload parsed.
pub struct Logged<'a> {
    /// The entry.
    pub entry: &'a AuditEntry,
    /// Its `after` state, when it is a JSON object.
    pub after: Option<Map<String, Value>>,
}

impl Logged<'_> {
    fn is(&self, subject_type: &str) -> bool {
        self.entry.subject_type == subject_type
    }

    fn action(&self) -> &str {
        &self.entry.action
    }

    fn actor(&self) -> Value {
        Value::String(self.entry.actor_id.unwrap_or(Uuid::nil()).to_string())
    }

    fn recorded_at(&self) -> Value {
        Value::String(instant::to_text(self.entry.recorded_at))
    }

    fn effective_on(&self) -> Value {
        self.entry
            .effective_on
            .map(|d| Value::String(d.to_string()))
            .unwrap_or(Value::Null)
    }

    fn reason(&self) -> Value {
        self.entry
            .reason
            .clone()
            .map(Value::String)
            .unwrap_or(Value::Null)
    }

    /// The `after` payload with `extra` fields added (entry-level facts: who, when).
    fn after_with(&self, extra: &[(&str, Value)]) -> Map<String, Value> {
        let mut map = self.after.clone().unwrap_or_default();
        for (k, v) in extra {
            map.insert((*k).to_owned(), v.clone());
        }
        map
    }
}

/// A row as its entries left it.
#[derive(Clone, Debug, Default)]
pub struct LoggedRow {
    /// The fields the entries recorded (a field the entries never recorded is not compared).
    pub fields: Map<String, Value>,
    /// The chain and sequence number of the last entry that touched it.
    pub last_entry: (String, i64),
}

/// The rows one table's entries leave, for one enterprise (or the bureau).
#[derive(Debug, Default)]
pub struct Rows {
    rows: BTreeMap<String, LoggedRow>,
    ordinals: BTreeMap<String, usize>,
    current: (String, i64),
}

impl Rows {
    /// The row `key` now has `fields` (merged over what it had: a payload that does not carry a
    /// field leaves it as it was).
    pub fn merge(&mut self, key: String, fields: Map<String, Value>) {
        let row = self.rows.entry(key).or_default();
        row.fields.extend(fields);
        row.last_entry = self.current.clone();
    }

    /// The row `key` is gone.
    pub fn remove(&mut self, key: &str) {
        self.rows.remove(key);
    }

    /// Every row whose key begins with `prefix` is gone.
    pub fn remove_prefixed(&mut self, prefix: &str) {
        self.rows.retain(|key, _| !key.starts_with(prefix));
    }

    /// The next position among rows keyed `base` (1 for the first).
    pub fn next_ordinal(&mut self, base: &str) -> usize {
        let n = self.ordinals.entry(base.to_owned()).or_default();
        *n += 1;
        *n
    }
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).map(key_text)
}

fn key_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn pick(map: &Map<String, Value>, pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs
        .iter()
        .filter_map(|(to, from)| map.get(*from).map(|v| ((*to).to_owned(), v.clone())))
        .collect()
}

// ---- The audited tables ---------------------------------------------------------------------

const ENTERPRISE_FIELDS: &[Field] = &[
    col("id", "id", Kind::Uuid),
    col("uscc", "uscc", Kind::Text),
    col("name", "name", Kind::Text),
    col("sector", "sector", Kind::Text),
    col("town", "town", Kind::Text),
    col("address", "address", Kind::Text),
    col("land_area_centi_mu", "land_area_centi_mu", Kind::I64),
    col("legal_form", "legal_form", Kind::Text),
    col("responsible_officer", "responsible_officer_id", Kind::Uuid),
    col("archived", "archived", Kind::Bool),
];

fn replay_enterprise(e: &Logged<'_>, rows: &mut Rows) {
    if let (true, Some(after)) = (e.is("enterprise"), &e.after)
        && let Some(id) = text(after, "id")
    {
        rows.merge(id, after.clone());
    }
}

const METRICS_FIELDS: &[Field] = &[
    col("month", "month", Kind::Text),
    col("revenue", "revenue", Kind::I64),
    col("output_value", "output_value", Kind::I64),
    col("energy_kgce", "energy_kgce", Kind::I64),
    col("employees", "employees", Kind::I32),
    col("tax", "tax", Kind::I64),
    col("rnd_spend", "rnd_spend", Kind::I64),
];

fn replay_metrics(e: &Logged<'_>, rows: &mut Rows) {
    if let (true, Some(after)) = (e.is("metrics"), &e.after)
        && let Some(month) = text(after, "month")
    {
        rows.merge(month, after.clone());
    }
}

const CULTIVATION_FIELDS: &[Field] = &[
    col("id", "id", Kind::Uuid),
    col("track", "track_id", Kind::Uuid),
    col("stage", "stage", Kind::Text),
    col("stage_since", "stage_since", Kind::Date),
    col("opened_on", "opened_on", Kind::Date),
    col("target_stage", "target_stage", Kind::Text),
    col("target_date", "target_date", Kind::Date),
    col("expires_on", "expires_on", Kind::Date),
];

fn replay_cultivation(e: &Logged<'_>, rows: &mut Rows) {
    let (true, Some(after)) = (e.is("cultivation"), &e.after) else {
        return;
    };
    let id = e.entry.subject_id.clone();
    let mut fields = Map::new();
    fields.insert("id".into(), Value::String(id.clone()));
    match e.action() {
        "case.open" | "case.advance" => {
            fields.extend(pick(after, &[("track", "track"), ("stage", "to")]));
            // Entries since the cultivation's state was added to the payload carry all of it.
            if let Some(Value::Object(case)) = after.get("case") {
                fields.extend(case.clone());
            }
        }
        "case.migrate" => fields.extend(pick(after, &[("track", "track")])),
        _ => return,
    }
    rows.merge(id, fields);
}

const TRANSITION_FIELDS: &[Field] = &[
    col("id", "id", Kind::Uuid),
    col("cultivation", "cultivation_id", Kind::Uuid),
    col("enterprise", "enterprise_id", Kind::Uuid),
    col("track", "track_id", Kind::Uuid),
    col("seq", "seq", Kind::I32),
    col("from", "from_stage", Kind::Text),
    col("to", "to_stage", Kind::Text),
    col("effective_on", "effective_on", Kind::Date),
    col("recorded_at", "recorded_at", Kind::Text),
    col("actor", "actor_id", Kind::Uuid),
    col("reason", "reason", Kind::Text),
    col("evidence", "evidence", Kind::Json),
    col("overridden", "overridden", Kind::Bool),
    col("guards", "guard_results", Kind::Json),
];

fn replay_transition(e: &Logged<'_>, rows: &mut Rows) {
    if !(e.is("cultivation") && matches!(e.action(), "case.open" | "case.advance")) {
        return;
    }
    let enterprise = e
        .entry
        .enterprise_id
        .map(|u| Value::String(u.to_string()))
        .unwrap_or(Value::Null);
    let mut fields = e.after_with(&[
        ("enterprise", enterprise),
        ("recorded_at", e.recorded_at()),
        ("actor", e.actor()),
    ]);
    fields.remove("case");
    if let Some(id) = text(&fields, "id") {
        rows.merge(id, fields);
    }
}

const LIST_YEAR: &str = "(SELECT l.year FROM batch_lists l WHERE l.id = t.batch_list_id)";

const BATCH_ENTRY_FIELDS: &[Field] = &[
    sql("year", LIST_YEAR, Kind::I32),
    col("batch", "batch", Kind::I16),
    col("since", "since", Kind::Date),
    col("reason", "reason", Kind::Text),
];

fn replay_batch_entry(e: &Logged<'_>, rows: &mut Rows) {
    if !e.is("batch_entry") {
        return;
    }
    let Some(year) = e.entry.subject_id.split('/').next() else {
        return;
    };
    match &e.after {
        Some(after) => {
            let mut fields = pick(after, &[("year", "year"), ("batch", "batch")]);
            fields.insert("since".into(), e.effective_on());
            fields.insert("reason".into(), e.reason());
            rows.merge(year.to_owned(), fields);
        }
        None => rows.remove(year),
    }
}

const BATCH_MOVE_FIELDS: &[Field] = &[
    sql("year", LIST_YEAR, Kind::I32),
    col("from", "from_batch", Kind::I16),
    col("to", "to_batch", Kind::I16),
    col("effective_on", "effective_on", Kind::Date),
    col("recorded_at", "recorded_at", Kind::Text),
    col("actor", "actor_id", Kind::Uuid),
    col("reason", "reason", Kind::Text),
];

fn replay_batch_move(e: &Logged<'_>, rows: &mut Rows) {
    if !e.is("batch_entry") {
        return;
    }
    let Some(year) = e.entry.subject_id.split('/').next() else {
        return;
    };
    let batch = |state: &Option<String>| {
        state
            .as_deref()
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
            .and_then(|v| v.get("batch").cloned())
            .unwrap_or(Value::Null)
    };
    let mut fields = Map::new();
    fields.insert(
        "year".into(),
        year.parse::<i64>().map(Value::from).unwrap_or(Value::Null),
    );
    fields.insert("from".into(), batch(&e.entry.before));
    fields.insert("to".into(), batch(&e.entry.after));
    fields.insert("effective_on".into(), e.effective_on());
    fields.insert("recorded_at".into(), e.recorded_at());
    fields.insert("actor".into(), e.actor());
    fields.insert("reason".into(), e.reason());
    let n = rows.next_ordinal(year);
    rows.merge(format!("{year}/{n}"), fields);
}

const TASK_FIELDS: &[Field] = &[
    col("id", "id", Kind::Uuid),
    col("enterprise", "enterprise_id", Kind::Uuid),
    col("cultivation", "cultivation_id", Kind::Uuid),
    col("kind", "kind", Kind::Text),
    col("title", "title", Kind::Text),
    col("description", "description", Kind::Text),
    col("assignee", "assignee_id", Kind::Uuid),
    col("delegate", "delegate_id", Kind::Uuid),
    col("created_by", "created_by", Kind::Uuid),
    col("status", "status", Kind::Text),
    col("created_on", "created_on", Kind::Date),
    col("due_on", "due_on", Kind::Date),
    col("follow_up_on", "follow_up_on", Kind::Date),
    col("origin", "origin", Kind::Text),
    col("completed_on", "completed_on", Kind::Date),
    col("completion_note", "completion_note", Kind::Text),
    col("evidence", "evidence", Kind::Text),
    col("cancel_reason", "cancel_reason", Kind::Text),
    col("escalated_to", "escalated_to", Kind::Uuid),
];

fn replay_task(e: &Logged<'_>, rows: &mut Rows) {
    let (true, Some(after)) = (e.is("task"), &e.after) else {
        return;
    };
    let id = e.entry.subject_id.clone();
    let mut fields = after.clone();
    fields.insert("id".into(), Value::String(id.clone()));
    if e.action() == "task.escalate" {
        fields.remove("working_days_overdue");
    }
    rows.merge(id, fields);
}

const REGISTER_FIELDS: &[Field] = &[
    col("id", "id", Kind::Uuid),
    col("kind", "kind", Kind::Text),
    col("entered", "entered_month", Kind::Text),
    col("route", "route", Kind::Text),
    col("exited", "exited_month", Kind::Text),
    col("exit_reason", "exit_reason", Kind::Text),
    col("source", "source", Kind::Text),
];

fn replay_register(e: &Logged<'_>, rows: &mut Rows) {
    if let (true, Some(after)) = (e.is("register_period"), &e.after)
        && let Some(id) = text(after, "id")
    {
        rows.merge(id, after.clone());
    }
}

const OFFICER_FIELDS: &[Field] = &[
    col("id", "id", Kind::Uuid),
    col("login", "login", Kind::Text),
    col("name", "name", Kind::Text),
    col("role", "role", Kind::Text),
    col("active", "active", Kind::Bool),
];

const TASK_NOTE_FIELDS: &[Field] = &[
    col("id", "id", Kind::Uuid),
    col("task", "task_id", Kind::Uuid),
    col("author", "author_id", Kind::Uuid),
    col("written_on", "written_on", Kind::Date),
    col("progress", "progress", Kind::Text),
    col("problem", "problem", Kind::Text),
    col("next_step", "next_step", Kind::Text),
];

fn replay_task_note(e: &Logged<'_>, rows: &mut Rows) {
    if let (true, Some(after)) = (e.is("task_note"), &e.after)
        && let Some(id) = text(after, "id")
    {
        rows.merge(id, after.clone());
    }
}

fn replay_officer(e: &Logged<'_>, rows: &mut Rows) {
    if let (true, Some(after)) = (e.is("officer"), &e.after)
        && let Some(id) = text(after, "id")
        && matches!(
            e.action(),
            "officer.add" | "officer.deactivate" | "officer.role"
        )
    {
        rows.merge(id, after.clone());
    }
}

const TEAM_FIELDS: &[Field] = &[
    col("id", "id", Kind::Uuid),
    col("name", "name", Kind::Text),
    col("lead", "lead_id", Kind::Uuid),
];

fn replay_team(e: &Logged<'_>, rows: &mut Rows) {
    if let (true, Some(after)) = (e.action() == "team.add", &e.after)
        && let Some(id) = text(after, "id")
    {
        rows.merge(id, after.clone());
    }
}

const MEMBERSHIP_FIELDS: &[Field] = &[
    sql(
        "team",
        "(SELECT x.name FROM teams x WHERE x.id = t.team_id)",
        Kind::Text,
    ),
    sql(
        "officer",
        "(SELECT x.login FROM officers x WHERE x.id = t.officer_id)",
        Kind::Text,
    ),
    col("joined_on", "joined_on", Kind::Date),
    col("left_on", "left_on", Kind::Date),
];

fn replay_membership(e: &Logged<'_>, rows: &mut Rows) {
    if !e.is("team") {
        return;
    }
    if let (true, Some(after)) = (e.action() == "team.join", &e.after)
        && let (Some(team), Some(officer)) = (text(after, "team"), text(after, "officer"))
    {
        let mut after = after.clone();
        // A join recorded before memberships were dated carries no day: its period began on
        // the day it was recorded, in UTC+8, as the migration to periods dated it.
        let joined_on = text(&after, "joined_on").unwrap_or_else(|| legacy_day(e));
        after.insert("joined_on".into(), Value::String(joined_on.clone()));
        rows.merge(format!("{team}/{officer}/{joined_on}"), after);
    }
    if e.action() == "team.leave" {
        match &e.after {
            // A dated leave closes its period, which stays.
            Some(after) => {
                if let (Some(team), Some(officer), Some(joined_on)) = (
                    text(after, "team"),
                    text(after, "officer"),
                    text(after, "joined_on"),
                ) {
                    rows.merge(format!("{team}/{officer}/{joined_on}"), after.clone());
                }
            }
            // A leave on the day of joining deleted its period of no days; one recorded
            // before memberships were dated deleted the officer's one row.
            None => {
                if let Some(before) = e
                    .entry
                    .before
                    .as_deref()
                    .and_then(|b| serde_json::from_str::<Map<String, Value>>(b).ok())
                    && let (Some(team), Some(officer)) =
                        (text(&before, "team"), text(&before, "officer"))
                {
                    match text(&before, "joined_on") {
                        Some(joined_on) => rows.remove(&format!("{team}/{officer}/{joined_on}")),
                        None => rows.remove_prefixed(&format!("{team}/{officer}/")),
                    }
                }
            }
        }
    }
}

/// The day an entry was recorded on in UTC+8, for entries about memberships recorded before
/// they were dated (the migration `m20261207_000070_membership_periods` dates them the same way).
fn legacy_day(e: &Logged<'_>) -> String {
    (e.entry.recorded_at + chrono::Duration::hours(8))
        .date_naive()
        .to_string()
}

const TRACK_FIELDS: &[Field] = &[
    col("key", "key", Kind::Text),
    col("version", "version", Kind::I32),
    col("content_hash", "content_hash", Kind::Text),
];

fn replay_track(e: &Logged<'_>, rows: &mut Rows) {
    if let (true, Some(after)) = (e.is("track"), &e.after)
        && let (Some(key), Some(version)) = (text(after, "key"), text(after, "version"))
    {
        rows.merge(format!("{key}/{version}"), after.clone());
    }
}

const TARGET_FIELDS: &[Field] = &[
    col("year", "year", Kind::I32),
    col("metric", "metric", Kind::Text),
    col("value", "value", Kind::I64),
];

fn replay_target(e: &Logged<'_>, rows: &mut Rows) {
    if let (true, Some(after)) = (e.is("target"), &e.after)
        && let Some((year, metric)) = e.entry.subject_id.split_once('/')
    {
        let mut fields = after.clone();
        fields.insert(
            "year".into(),
            year.parse::<i64>().map(Value::from).unwrap_or(Value::Null),
        );
        fields.insert("metric".into(), Value::String(metric.to_owned()));
        rows.merge(e.entry.subject_id.clone(), fields);
    }
}

const TOKEN_FIELDS: &[Field] = &[
    col("id", "id", Kind::Uuid),
    sql(
        "officer",
        "(SELECT x.login FROM officers x WHERE x.id = t.officer_id)",
        Kind::Text,
    ),
    col("name", "name", Kind::Text),
    col("expires_at", "expires_at", Kind::Text),
    col("revoked", "revoked", Kind::Bool),
];

fn replay_token(e: &Logged<'_>, rows: &mut Rows) {
    if let (true, Some(after)) = (e.is("api_token"), &e.after)
        && let Some(id) = text(after, "id")
    {
        rows.merge(id, after.clone());
    }
}

const CALENDAR_FIELDS: &[Field] = &[
    col("year", "year", Kind::I32),
    col("source", "source", Kind::Text),
    col("days_off", "days_off", Kind::DayList),
    col("makeup_workdays", "makeup_workdays", Kind::DayList),
];

fn replay_calendar(e: &Logged<'_>, rows: &mut Rows) {
    if let (true, Some(after)) = (e.is("calendar_year"), &e.after)
        && let Some(year) = text(after, "year")
    {
        rows.merge(year, after.clone());
    }
}

const BATCH_LIST_FIELDS: &[Field] = &[
    col("year", "year", Kind::I32),
    col("status", "status", Kind::Text),
];

fn replay_batch_list(e: &Logged<'_>, rows: &mut Rows) {
    if let (true, Some(after)) = (e.is("batch_list"), &e.after)
        && let Some(year) = text(after, "year")
    {
        rows.merge(year, after.clone());
    }
}

const SEAL_FIELDS: &[Field] = &[
    col("day", "day", Kind::Date),
    col("hash", "hash", Kind::Text),
];

fn replay_seal(e: &Logged<'_>, rows: &mut Rows) {
    if let (true, Some(after)) = (e.is("seal"), &e.after)
        && let Some(day) = text(after, "day")
    {
        rows.merge(day, pick(after, &[("day", "day"), ("hash", "hash")]));
    }
}

/// Every audited table, in the order findings are reported. One entry per table: add a table
/// here (fields, scope, key, replay) and verification covers it.
pub static AUDITED_TABLES: &[AuditedTable] = &[
    AuditedTable {
        table: "officers",
        scope: Scope::Bureau,
        key: &["id"],
        ordinal_by: &[],
        fields: OFFICER_FIELDS,
        replay: replay_officer,
    },
    AuditedTable {
        table: "teams",
        scope: Scope::Bureau,
        key: &["id"],
        ordinal_by: &[],
        fields: TEAM_FIELDS,
        replay: replay_team,
    },
    AuditedTable {
        table: "team_memberships",
        scope: Scope::Bureau,
        key: &["team", "officer", "joined_on"],
        ordinal_by: &[],
        fields: MEMBERSHIP_FIELDS,
        replay: replay_membership,
    },
    AuditedTable {
        table: "tracks",
        scope: Scope::Bureau,
        key: &["key", "version"],
        ordinal_by: &[],
        fields: TRACK_FIELDS,
        replay: replay_track,
    },
    AuditedTable {
        table: "targets",
        scope: Scope::Bureau,
        key: &["year", "metric"],
        ordinal_by: &[],
        fields: TARGET_FIELDS,
        replay: replay_target,
    },
    AuditedTable {
        table: "api_tokens",
        scope: Scope::Bureau,
        key: &["id"],
        ordinal_by: &[],
        fields: TOKEN_FIELDS,
        replay: replay_token,
    },
    AuditedTable {
        table: "calendar_years",
        scope: Scope::Bureau,
        key: &["year"],
        ordinal_by: &[],
        fields: CALENDAR_FIELDS,
        replay: replay_calendar,
    },
    AuditedTable {
        table: "batch_lists",
        scope: Scope::Bureau,
        key: &["year"],
        ordinal_by: &[],
        fields: BATCH_LIST_FIELDS,
        replay: replay_batch_list,
    },
    AuditedTable {
        table: "audit_seals",
        scope: Scope::Bureau,
        key: &["day"],
        ordinal_by: &[],
        fields: SEAL_FIELDS,
        replay: replay_seal,
    },
    AuditedTable {
        table: "enterprises",
        scope: Scope::Enterprise("id"),
        key: &["id"],
        ordinal_by: &[],
        fields: ENTERPRISE_FIELDS,
        replay: replay_enterprise,
    },
    AuditedTable {
        table: "metrics",
        scope: Scope::Enterprise("enterprise_id"),
        key: &["month"],
        ordinal_by: &[],
        fields: METRICS_FIELDS,
        replay: replay_metrics,
    },
    AuditedTable {
        table: "cultivations",
        scope: Scope::Enterprise("enterprise_id"),
        key: &["id"],
        ordinal_by: &[],
        fields: CULTIVATION_FIELDS,
        replay: replay_cultivation,
    },
    AuditedTable {
        table: "transitions",
        scope: Scope::Enterprise("enterprise_id"),
        key: &["id"],
        ordinal_by: &[],
        fields: TRANSITION_FIELDS,
        replay: replay_transition,
    },
    AuditedTable {
        table: "batch_entries",
        scope: Scope::Enterprise("enterprise_id"),
        key: &["year"],
        ordinal_by: &[],
        fields: BATCH_ENTRY_FIELDS,
        replay: replay_batch_entry,
    },
    AuditedTable {
        table: "batch_moves",
        scope: Scope::Enterprise("enterprise_id"),
        key: &["year"],
        ordinal_by: &["recorded_at", "id"],
        fields: BATCH_MOVE_FIELDS,
        replay: replay_batch_move,
    },
    AuditedTable {
        table: "tasks",
        scope: Scope::EnterpriseOrBureau(Source::Column("enterprise_id")),
        key: &["id"],
        ordinal_by: &[],
        fields: TASK_FIELDS,
        replay: replay_task,
    },
    AuditedTable {
        table: "task_notes",
        scope: Scope::EnterpriseOrBureau(Source::Sql(
            "(SELECT x.enterprise_id FROM tasks x WHERE x.id = t.task_id)",
        )),
        key: &["id"],
        ordinal_by: &[],
        fields: TASK_NOTE_FIELDS,
        replay: replay_task_note,
    },
    AuditedTable {
        table: "register_periods",
        scope: Scope::Enterprise("enterprise_id"),
        key: &["id"],
        ordinal_by: &[],
        fields: REGISTER_FIELDS,
        replay: replay_register,
    },
];

// ---- Findings -------------------------------------------------------------------------------

/// What is wrong with one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Discrepancy {
    /// A field's stored value is not the value its entries leave.
    Differs {
        /// The field, by its payload name.
        field: &'static str,
        /// The value the log leaves (`None`: null).
        in_log: Option<String>,
        /// The value stored (`None`: null).
        stored: Option<String>,
    },
    /// The log says the row exists; the table has no such row (deleted behind peiyu's back).
    MissingFromTable,
    /// The table has a row no entry recorded (inserted behind peiyu's back).
    MissingFromLog,
}

/// One row that does not match the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The table.
    pub table: &'static str,
    /// The row's key (its payload fields joined by `/`).
    pub key: String,
    /// The enterprise whose chain the row is on, if any.
    pub enterprise: Option<Uuid>,
    /// That enterprise's name and USCC as the log (else the table) has them.
    pub enterprise_name: Option<(String, String)>,
    /// The last entry that touched the row: chain and sequence number.
    pub last_entry: Option<(String, i64)>,
    /// What is wrong.
    pub problem: Discrepancy,
}

/// The outcome of replaying the log against the tables.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplayReport {
    /// The chains, as [`crate::audit::verify_chains`] reports them.
    pub chains: VerifyReport,
    /// How many stored rows were compared.
    pub rows: usize,
    /// The rows that do not match.
    pub findings: Vec<Finding>,
}

// ---- Reading stored rows --------------------------------------------------------------------

type StoredRows = BTreeMap<(Option<Uuid>, String), Map<String, Value>>;

fn read_value(
    row: &sea_orm::QueryResult,
    column: &str,
    kind: Kind,
) -> Result<Value, sea_orm::DbErr> {
    let text = |s: Option<String>| s.map(Value::String).unwrap_or(Value::Null);
    Ok(match kind {
        Kind::Uuid => text(
            row.try_get::<Option<Uuid>>("", column)?
                .map(|u| u.to_string()),
        ),
        Kind::Text => text(row.try_get::<Option<String>>("", column)?),
        Kind::I16 => row
            .try_get::<Option<i16>>("", column)?
            .map(Value::from)
            .unwrap_or(Value::Null),
        Kind::I32 => row
            .try_get::<Option<i32>>("", column)?
            .map(Value::from)
            .unwrap_or(Value::Null),
        Kind::I64 => row
            .try_get::<Option<i64>>("", column)?
            .map(Value::from)
            .unwrap_or(Value::Null),
        Kind::Bool => row
            .try_get::<Option<bool>>("", column)?
            .map(Value::from)
            .unwrap_or(Value::Null),
        Kind::Date => text(
            row.try_get::<Option<chrono::NaiveDate>>("", column)?
                .map(|d| d.to_string()),
        ),
        Kind::Json => match row.try_get::<Option<String>>("", column)? {
            Some(s) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
            None => Value::Null,
        },
        Kind::DayList => match row.try_get::<Option<String>>("", column)? {
            Some(s) => Value::Array(
                s.split(',')
                    .filter(|p| !p.is_empty())
                    .map(|p| Value::String(p.to_owned()))
                    .collect(),
            ),
            None => Value::Null,
        },
    })
}

fn row_key(table: &AuditedTable, fields: &Map<String, Value>) -> String {
    table
        .key
        .iter()
        .map(|k| fields.get(*k).map(key_text).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("/")
}

/// Which rows of a table to read: the bureau's, or those of some enterprises.
enum Which<'a> {
    Bureau,
    Enterprises(&'a [Uuid]),
}

async fn stored_rows(
    conn: &impl ConnectionTrait,
    table: &AuditedTable,
    which: &Which<'_>,
) -> StorageResult<StoredRows> {
    let mut out = StoredRows::new();
    let enterprise_column = match (table.scope, which) {
        (Scope::Bureau, Which::Bureau) => None,
        (Scope::Bureau, Which::Enterprises(_)) => return Ok(out),
        (Scope::Enterprise(_), Which::Bureau) => return Ok(out),
        (scope, _) => scope.enterprise_expr().map(|(e, _)| e),
    };
    let t = Alias::new("t");
    let mut q = Query::select();
    q.from_as(Alias::new(table.table), t.clone());
    for (i, f) in table.fields.iter().enumerate() {
        let expr = match f.source {
            Source::Column(c) => Expr::col((t.clone(), Alias::new(c))),
            Source::Sql(s) => Expr::cust(s),
        };
        q.expr_as(expr, Alias::new(format!("c{i}")));
    }
    if let Some(column) = enterprise_column.clone() {
        q.expr_as(column.clone(), Alias::new("peiyu_enterprise"));
        match which {
            Which::Bureau => {
                q.and_where(column.clone().is_null());
            }
            Which::Enterprises(ids) => {
                q.and_where(column.clone().is_in(ids.iter().copied()));
            }
        }
        q.order_by_expr(column, sea_orm::sea_query::Order::Asc);
    }
    for o in table.ordinal_by {
        q.order_by((t.clone(), Alias::new(*o)), sea_orm::sea_query::Order::Asc);
    }
    let stmt = conn.get_database_backend().build(&q);
    let context = "reading an audited table";
    let rows = conn
        .query_all_raw(stmt)
        .await
        .map_err(StorageError::db(context))?;
    let mut ordinals: BTreeMap<(Option<Uuid>, String), usize> = BTreeMap::new();
    for row in rows {
        let mut fields = Map::new();
        for (i, f) in table.fields.iter().enumerate() {
            let v =
                read_value(&row, &format!("c{i}"), f.kind).map_err(|e| StorageError::Corrupt {
                    table: table.table,
                    column: f.name,
                    value: String::new(),
                    detail: e.to_string(),
                })?;
            fields.insert(f.name.to_owned(), v);
        }
        let enterprise = match enterprise_column {
            Some(_) => row
                .try_get::<Option<Uuid>>("", "peiyu_enterprise")
                .map_err(StorageError::db(context))?,
            None => None,
        };
        let mut key = row_key(table, &fields);
        if !table.ordinal_by.is_empty() {
            let n = ordinals.entry((enterprise, key.clone())).or_default();
            *n += 1;
            key = format!("{key}/{n}");
        }
        out.insert((enterprise, key), fields);
    }
    Ok(out)
}

// ---- Replaying and comparing ----------------------------------------------------------------

/// The state the entries of one group of chains leave: per table, per enterprise (or none).
#[derive(Default)]
struct Replayed {
    tables: Vec<BTreeMap<Option<Uuid>, Rows>>,
}

impl Replayed {
    fn new() -> Replayed {
        Replayed {
            tables: AUDITED_TABLES.iter().map(|_| BTreeMap::new()).collect(),
        }
    }

    fn apply(&mut self, entry: &AuditEntry) {
        let enterprise = entry
            .chain_key
            .strip_prefix("enterprise:")
            .and_then(|u| Uuid::parse_str(u).ok());
        let logged = Logged {
            entry,
            after: entry
                .after
                .as_deref()
                .and_then(|a| serde_json::from_str::<Value>(a).ok())
                .and_then(|v| match v {
                    Value::Object(m) => Some(m),
                    _ => None,
                }),
        };
        for (i, table) in AUDITED_TABLES.iter().enumerate() {
            let rows = self.tables[i].entry(enterprise).or_default();
            rows.current = (entry.chain_key.clone(), entry.seq);
            (table.replay)(&logged, rows);
        }
    }

    /// The enterprise's name and USCC as the log leaves them.
    fn enterprise_name(&self, id: Uuid) -> Option<(String, String)> {
        let index = AUDITED_TABLES
            .iter()
            .position(|t| t.table == "enterprises")?;
        let row = self.tables[index]
            .get(&Some(id))?
            .rows
            .get(&id.to_string())?;
        Some((text(&row.fields, "name")?, text(&row.fields, "uscc")?))
    }
}

fn shown(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(crate::audit::canonical_json(other)),
    }
}

/// Compares the group's replayed rows with the stored ones and adds a finding per difference.
async fn compare(
    conn: &impl ConnectionTrait,
    replayed: Replayed,
    which: &Which<'_>,
    report: &mut ReplayReport,
) -> StorageResult<()> {
    let mut names: BTreeMap<Uuid, (String, String)> = BTreeMap::new();
    let mut findings = Vec::new();
    for (i, table) in AUDITED_TABLES.iter().enumerate() {
        let mut stored = stored_rows(conn, table, which).await?;
        report.rows += stored.len();
        if table.table == "enterprises" {
            for ((_, key), fields) in &stored {
                if let (Ok(id), Some(name), Some(uscc)) = (
                    Uuid::parse_str(key),
                    text(fields, "name"),
                    text(fields, "uscc"),
                ) {
                    names.insert(id, (name, uscc));
                }
            }
        }
        for (enterprise, rows) in &replayed.tables[i] {
            for (key, logged) in &rows.rows {
                let finding = |problem| Finding {
                    table: table.table,
                    key: key.clone(),
                    enterprise: *enterprise,
                    enterprise_name: None,
                    last_entry: Some(logged.last_entry.clone()),
                    problem,
                };
                match stored.remove(&(*enterprise, key.clone())) {
                    None => findings.push(finding(Discrepancy::MissingFromTable)),
                    Some(row) => {
                        for f in table.fields {
                            let Some(in_log) = logged.fields.get(f.name) else {
                                continue;
                            };
                            let value = row.get(f.name).unwrap_or(&Value::Null);
                            if in_log != value {
                                findings.push(finding(Discrepancy::Differs {
                                    field: f.name,
                                    in_log: shown(in_log),
                                    stored: shown(value),
                                }));
                            }
                        }
                    }
                }
            }
        }
        for ((enterprise, key), _) in stored {
            findings.push(Finding {
                table: table.table,
                key,
                enterprise,
                enterprise_name: None,
                last_entry: None,
                problem: Discrepancy::MissingFromLog,
            });
        }
    }
    for mut f in findings {
        if let Some(id) = f.enterprise {
            f.enterprise_name = replayed
                .enterprise_name(id)
                .or_else(|| names.get(&id).cloned());
        }
        report.findings.push(f);
    }
    Ok(())
}

/// Checks one chain's entries as they stream past, and replays them.
fn check_and_replay(
    chain: &str,
    entries: impl Iterator<Item = AuditEntry>,
    head: Option<&audit_chain_heads::Model>,
    replayed: &mut Replayed,
    report: &mut VerifyReport,
) {
    let mut check = ChainCheck::new();
    for entry in entries {
        report.entries += 1;
        replayed.apply(&entry);
        check.feed(entry);
    }
    if let Some(broken) = check.finish(chain, head) {
        report.broken.push(broken);
    }
}

/// Every chain key there is (the bureau's when it has a head or entries): the heads', the
/// entries', and one per enterprise row or per
/// enterprise that an enterprise-scoped table names (a row inserted for an enterprise with no
/// chain still gets checked).
async fn chain_keys(conn: &impl ConnectionTrait) -> StorageResult<BTreeSet<String>> {
    let mut keys: BTreeSet<String> = audit_chain_heads::Entity::find()
        .select_only()
        .column(audit_chain_heads::Column::ChainKey)
        .into_tuple::<String>()
        .all(conn)
        .await
        .map_err(StorageError::db("reading audit chain heads"))?
        .into_iter()
        .collect();
    keys.extend(
        audit_entries::Entity::find()
            .select_only()
            .column(audit_entries::Column::ChainKey)
            .distinct()
            .into_tuple::<String>()
            .all(conn)
            .await
            .map_err(StorageError::db("reading audit chain keys"))?,
    );
    keys.extend(
        enterprises::Entity::find()
            .select_only()
            .column(enterprises::Column::Id)
            .into_tuple::<Uuid>()
            .all(conn)
            .await
            .map_err(StorageError::db("reading enterprise ids"))?
            .into_iter()
            .map(|id| format!("enterprise:{id}")),
    );
    for table in AUDITED_TABLES {
        let Some((column, is_own_id)) = table.scope.enterprise_expr() else {
            continue;
        };
        if is_own_id {
            continue;
        }
        let mut q = Query::select();
        q.from_as(Alias::new(table.table), Alias::new("t"))
            .distinct()
            .expr_as(column.clone(), Alias::new("e"))
            .and_where(column.is_not_null());
        let stmt = conn.get_database_backend().build(&q);
        for row in conn
            .query_all_raw(stmt)
            .await
            .map_err(StorageError::db("reading enterprise ids"))?
        {
            let id: Uuid = row
                .try_get("", "e")
                .map_err(StorageError::db("reading enterprise ids"))?;
            keys.insert(format!("enterprise:{id}"));
        }
    }
    Ok(keys)
}

/// Verifies every chain and replays it against the tables, streaming: the bureau's chain page
/// by page, then the enterprises' chains [`GROUP`] at a time. Chains other than the bureau's
/// and the enterprises' are hash-checked only.
#[tracing::instrument(skip_all)]
pub async fn verify_all(conn: &impl ConnectionTrait) -> StorageResult<ReplayReport> {
    verify(conn, None).await
}

/// [`verify_all`] for the chains that moved since a seal: a chain whose head is still the
/// sealed head (`sealed`: chain key → seq and hash) is skipped — its entries and its rows are
/// trusted to the seal, which the caller checks — and every other chain is checked and replayed
/// whole. `chains` in the report counts the chains checked.
#[tracing::instrument(skip_all)]
pub async fn verify_since(
    conn: &impl ConnectionTrait,
    sealed: &BTreeMap<String, (i64, String)>,
) -> StorageResult<ReplayReport> {
    verify(conn, Some(sealed)).await
}

async fn verify(
    conn: &impl ConnectionTrait,
    sealed: Option<&BTreeMap<String, (i64, String)>>,
) -> StorageResult<ReplayReport> {
    let keys = chain_keys(conn).await?;
    let mut report = ReplayReport::default();
    let unchanged = |chain: &str, head: Option<&audit_chain_heads::Model>| {
        sealed.is_some_and(|sealed| {
            head.is_some_and(|h| sealed.get(chain) == Some(&(h.seq, h.hash.clone())))
        })
    };

    // The bureau's chain, page by page.
    let head = audit_chain_heads::Entity::find_by_id(BUREAU_CHAIN.to_owned())
        .one(conn)
        .await
        .map_err(StorageError::db("reading audit chain heads"))?;
    if !unchanged(BUREAU_CHAIN, head.as_ref()) {
        if keys.contains(BUREAU_CHAIN) {
            report.chains.chains += 1;
        }
        verify_bureau(conn, head, &mut report).await?;
    }

    // Every other chain, a group at a time.
    let others: Vec<&String> = keys.iter().filter(|k| *k != BUREAU_CHAIN).collect();
    for group in others.chunks(GROUP) {
        let mut group: Vec<String> = group.iter().map(|k| (*k).clone()).collect();
        let heads: BTreeMap<String, audit_chain_heads::Model> = audit_chain_heads::Entity::find()
            .filter(audit_chain_heads::Column::ChainKey.is_in(group.clone()))
            .all(conn)
            .await
            .map_err(StorageError::db("reading audit chain heads"))?
            .into_iter()
            .map(|h| (h.chain_key.clone(), h))
            .collect();
        group.retain(|k| !unchanged(k, heads.get(k)));
        if group.is_empty() {
            continue;
        }
        report.chains.chains += group.len();
        verify_group(conn, &group, &heads, &mut report).await?;
    }
    Ok(report)
}

/// The bureau's chain, checked and replayed page by page, then its tables compared.
async fn verify_bureau(
    conn: &impl ConnectionTrait,
    head: Option<audit_chain_heads::Model>,
    report: &mut ReplayReport,
) -> StorageResult<()> {
    let mut replayed = Replayed::new();
    let mut check = ChainCheck::new();
    let mut after = 0i64;
    loop {
        let page = audit_entries::Entity::find()
            .filter(audit_entries::Column::ChainKey.eq(BUREAU_CHAIN))
            .filter(audit_entries::Column::Seq.gt(after))
            .order_by_asc(audit_entries::Column::Seq)
            .limit(PAGE)
            .all(conn)
            .await
            .map_err(StorageError::db("reading audit entries"))?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for row in page {
            let entry = entry_from_model(row)?;
            report.chains.entries += 1;
            replayed.apply(&entry);
            check.feed(entry);
        }
    }
    if let Some(broken) = check.finish(BUREAU_CHAIN, head.as_ref()) {
        report.chains.broken.push(broken);
    }
    compare(conn, replayed, &Which::Bureau, report).await
}

/// A group of chains, checked and replayed, then the rows of its enterprises compared.
async fn verify_group(
    conn: &impl ConnectionTrait,
    group: &[String],
    heads: &BTreeMap<String, audit_chain_heads::Model>,
    report: &mut ReplayReport,
) -> StorageResult<()> {
    let rows = audit_entries::Entity::find()
        .filter(audit_entries::Column::ChainKey.is_in(group.iter().cloned()))
        .order_by_asc(audit_entries::Column::ChainKey)
        .order_by_asc(audit_entries::Column::Seq)
        .all(conn)
        .await
        .map_err(StorageError::db("reading audit entries"))?;
    let mut by_chain: BTreeMap<String, Vec<AuditEntry>> =
        group.iter().map(|k| (k.clone(), Vec::new())).collect();
    for row in rows {
        let entry = entry_from_model(row)?;
        by_chain
            .entry(entry.chain_key.clone())
            .or_default()
            .push(entry);
    }
    let mut replayed = Replayed::new();
    for (chain, entries) in by_chain {
        check_and_replay(
            &chain,
            entries.into_iter(),
            heads.get(&chain),
            &mut replayed,
            &mut report.chains,
        );
    }
    let ids: Vec<Uuid> = group
        .iter()
        .filter_map(|k| k.strip_prefix("enterprise:"))
        .filter_map(|u| Uuid::parse_str(u).ok())
        .collect();
    if !ids.is_empty() {
        compare(conn, replayed, &Which::Enterprises(&ids), report).await?;
    }
    Ok(())
}

// ---- The log as a source ----------------------------------------------------------------------

/// A batch move as the log records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedMove {
    /// The list's year.
    pub year: i32,
    /// The enterprise moved.
    pub enterprise: peiyu_domain::EnterpriseId,
    /// Its position among the enterprise's moves on that list, from 1, in recording order.
    pub n: usize,
    /// The batch it went to; `None` when taken off the list.
    pub to: Option<peiyu_domain::Batch>,
    /// When the move took effect.
    pub effective_on: chrono::NaiveDate,
}

/// A stage move as the log records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedTransition {
    /// The cultivation.
    pub cultivation: peiyu_domain::CultivationId,
    /// Its sequence number within the cultivation.
    pub seq: i64,
    /// The stage moved to (its key).
    pub to: String,
    /// When it took effect.
    pub effective_on: chrono::NaiveDate,
}

/// One month's figures as the log records them (yuan).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedFigures {
    /// Whose figures.
    pub enterprise: peiyu_domain::EnterpriseId,
    /// Which month.
    pub month: peiyu_domain::YearMonth,
    /// Industrial output value, if recorded.
    pub output_value: Option<peiyu_domain::Yuan>,
    /// Main-business revenue, if recorded.
    pub revenue: Option<peiyu_domain::Yuan>,
}

/// A task's dates and state as the log records them: what the progress report counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedTask {
    /// Whose list it is on.
    pub assignee: peiyu_domain::OfficerId,
    /// Open, done or cancelled.
    pub status: peiyu_domain::TaskStatus,
    /// When it was created (effective).
    pub created_on: chrono::NaiveDate,
    /// When it is due.
    pub due_on: chrono::NaiveDate,
    /// When it was done, if it was.
    pub completed_on: Option<chrono::NaiveDate>,
}

/// An officer as the log records them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedOfficer {
    /// The officer.
    pub id: peiyu_domain::OfficerId,
    /// Their login.
    pub login: String,
    /// Their name.
    pub name: String,
}

/// What the log alone says the county looks like: the enterprises, the batch moves, the
/// cultivations (id, enterprise, track version) and their stage moves, the monthly figures,
/// the tasks, the officers and the targets.
#[derive(Clone, Debug, Default)]
pub struct LoggedState {
    /// Every enterprise the log leaves.
    pub enterprises: Vec<peiyu_domain::Enterprise>,
    /// Every batch move, by year, enterprise and position.
    pub moves: Vec<LoggedMove>,
    /// Every cultivation: its id, enterprise and track version.
    pub cultivations: Vec<(
        peiyu_domain::CultivationId,
        peiyu_domain::EnterpriseId,
        peiyu_domain::TrackId,
    )>,
    /// Every stage move, by cultivation and sequence number.
    pub transitions: Vec<LoggedTransition>,
    /// Every month's output value and revenue, by enterprise and month.
    pub figures: Vec<LoggedFigures>,
    /// Every task.
    pub tasks: Vec<LoggedTask>,
    /// Every officer.
    pub officers: Vec<LoggedOfficer>,
    /// Every year's targets, by year and metric.
    pub targets: Vec<crate::Target>,
    /// Every register period, by enterprise, kind and month entered.
    pub register: Vec<peiyu_domain::RegisterPeriod>,
}

fn table_index(name: &str) -> usize {
    AUDITED_TABLES
        .iter()
        .position(|t| t.table == name)
        .unwrap_or(usize::MAX)
}

fn logged_rows<'a>(
    replayed: &'a Replayed,
    table: &str,
) -> impl Iterator<Item = (Option<Uuid>, &'a String, &'a Map<String, Value>)> {
    replayed
        .tables
        .get(table_index(table))
        .into_iter()
        .flat_map(|by_enterprise| by_enterprise.iter())
        .flat_map(|(e, rows)| rows.rows.iter().map(move |(k, r)| (*e, k, &r.fields)))
}

/// Replays the whole audit log, page by page, and returns what it leaves in the tables the
/// as-of lists, histories and reports read — without reading those tables. Holds the replayed
/// state of every table in memory: meant for a county, not a province.
#[tracing::instrument(skip_all)]
pub async fn state_from_log(conn: &impl ConnectionTrait) -> StorageResult<LoggedState> {
    let mut replayed = Replayed::new();
    let mut after: Option<(String, i64)> = None;
    loop {
        let page =
            crate::audit::entries_after(conn, after.as_ref().map(|(c, s)| (c.as_str(), *s)), PAGE)
                .await?;
        let Some(last) = page.last() else { break };
        after = Some((last.chain_key.clone(), last.seq));
        for entry in &page {
            replayed.apply(entry);
        }
    }
    let corrupt =
        |table: &'static str, column: &'static str, detail: String| StorageError::Corrupt {
            table,
            column,
            value: String::new(),
            detail,
        };
    let uuid_of = |fields: &Map<String, Value>, key: &'static str, table: &'static str| {
        text(fields, key)
            .and_then(|s| Uuid::parse_str(&s).ok())
            .ok_or_else(|| corrupt(table, key, "not a UUID in the log".into()))
    };
    let date_of = |fields: &Map<String, Value>, key: &'static str, table: &'static str| {
        text(fields, key)
            .and_then(|s| s.parse::<chrono::NaiveDate>().ok())
            .ok_or_else(|| corrupt(table, key, "not a date in the log".into()))
    };
    let mut state = LoggedState::default();
    for (_, _, f) in logged_rows(&replayed, "enterprises") {
        let model = enterprises::Model {
            id: uuid_of(f, "id", "enterprises")?,
            uscc: text(f, "uscc").unwrap_or_default(),
            name: text(f, "name").unwrap_or_default(),
            sector: text(f, "sector").unwrap_or_default(),
            town: text(f, "town").unwrap_or_default(),
            address: text(f, "address").unwrap_or_default(),
            land_area_centi_mu: f.get("land_area_centi_mu").and_then(Value::as_i64),
            legal_form: text(f, "legal_form").unwrap_or_default(),
            responsible_officer_id: text(f, "responsible_officer")
                .and_then(|s| Uuid::parse_str(&s).ok()),
            archived: f.get("archived").and_then(Value::as_bool).unwrap_or(false),
            version: 0,
            created_at: String::new(),
            updated_at: String::new(),
        };
        state
            .enterprises
            .push(crate::enterprises::from_model(model)?.value);
    }
    for (enterprise, key, f) in logged_rows(&replayed, "batch_moves") {
        let Some(enterprise) = enterprise else {
            continue;
        };
        let n = key
            .rsplit('/')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let to = match f.get("to").and_then(Value::as_u64) {
            Some(b) => Some(
                u8::try_from(b)
                    .ok()
                    .and_then(|b| peiyu_domain::Batch::new(b).ok())
                    .ok_or_else(|| corrupt("batch_moves", "to", format!("batch {b}")))?,
            ),
            None => None,
        };
        state.moves.push(LoggedMove {
            year: f
                .get("year")
                .and_then(Value::as_i64)
                .and_then(|y| i32::try_from(y).ok())
                .unwrap_or_default(),
            enterprise: peiyu_domain::EnterpriseId(enterprise),
            n,
            to,
            effective_on: date_of(f, "effective_on", "batch_moves")?,
        });
    }
    state.moves.sort_by_key(|m| (m.year, m.enterprise, m.n));
    for (enterprise, _, f) in logged_rows(&replayed, "cultivations") {
        let Some(enterprise) = enterprise else {
            continue;
        };
        state.cultivations.push((
            peiyu_domain::CultivationId(uuid_of(f, "id", "cultivations")?),
            peiyu_domain::EnterpriseId(enterprise),
            peiyu_domain::TrackId(uuid_of(f, "track", "cultivations")?),
        ));
    }
    for (_, _, f) in logged_rows(&replayed, "transitions") {
        state.transitions.push(LoggedTransition {
            cultivation: peiyu_domain::CultivationId(uuid_of(f, "cultivation", "transitions")?),
            seq: f.get("seq").and_then(Value::as_i64).unwrap_or_default(),
            to: text(f, "to").unwrap_or_default(),
            effective_on: date_of(f, "effective_on", "transitions")?,
        });
    }
    state.transitions.sort_by_key(|t| (t.cultivation, t.seq));
    let yuan = |f: &Map<String, Value>, key: &str| {
        f.get(key).and_then(Value::as_i64).map(peiyu_domain::Yuan)
    };
    for (enterprise, key, f) in logged_rows(&replayed, "metrics") {
        let Some(enterprise) = enterprise else {
            continue;
        };
        let month = peiyu_domain::YearMonth::parse(key)
            .map_err(|e| corrupt("metrics", "month", e.to_string()))?;
        state.figures.push(LoggedFigures {
            enterprise: peiyu_domain::EnterpriseId(enterprise),
            month,
            output_value: yuan(f, "output_value"),
            revenue: yuan(f, "revenue"),
        });
    }
    state.figures.sort_by_key(|m| (m.enterprise, m.month));
    for (_, _, f) in logged_rows(&replayed, "tasks") {
        let status = text(f, "status").unwrap_or_default();
        state.tasks.push(LoggedTask {
            assignee: peiyu_domain::OfficerId(uuid_of(f, "assignee", "tasks")?),
            status: peiyu_domain::TaskStatus::parse(&status)
                .map_err(|e| corrupt("tasks", "status", e.to_string()))?,
            created_on: date_of(f, "created_on", "tasks")?,
            due_on: date_of(f, "due_on", "tasks")?,
            completed_on: text(f, "completed_on").and_then(|s| s.parse().ok()),
        });
    }
    for (_, _, f) in logged_rows(&replayed, "officers") {
        state.officers.push(LoggedOfficer {
            id: peiyu_domain::OfficerId(uuid_of(f, "id", "officers")?),
            login: text(f, "login").unwrap_or_default(),
            name: text(f, "name").unwrap_or_default(),
        });
    }
    for (_, _, f) in logged_rows(&replayed, "targets") {
        state.targets.push(crate::Target {
            year: f
                .get("year")
                .and_then(Value::as_i64)
                .and_then(|y| i32::try_from(y).ok())
                .unwrap_or_default(),
            metric: text(f, "metric").unwrap_or_default(),
            value: f.get("value").and_then(Value::as_i64).unwrap_or_default(),
        });
    }
    state
        .targets
        .sort_by(|a, b| (a.year, &a.metric).cmp(&(b.year, &b.metric)));
    for (enterprise, _, f) in logged_rows(&replayed, "register_periods") {
        let Some(enterprise) = enterprise else {
            continue;
        };
        state.register.push(crate::register::period_from_json(
            peiyu_domain::EnterpriseId(enterprise),
            f,
        )?);
    }
    state
        .register
        .sort_by_key(|p| (p.enterprise, p.kind, p.entered));
    Ok(state)
}
