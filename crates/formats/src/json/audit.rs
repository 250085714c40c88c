//! The audit log: its entries, their verification and the daily seals.

use chrono::{DateTime, NaiveDate, Utc};
use peiyu_domain::Lang;
use peiyu_service::{AuditLine, AuditVerification, Discrepancy, Finding, Seal};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A chain that does not verify.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BrokenChainDto {
    /// The chain (`bureau`, `enterprise:<uuid>`).
    pub chain: String,
    /// `hash_mismatch`, `link_mismatch`, `sequence_gap` or `head_mismatch`.
    pub problem: String,
    /// The sequence number of the first bad entry.
    pub seq: Option<i64>,
}

/// A daily seal that no longer matches the log.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BrokenSealDto {
    /// The day sealed.
    pub day: NaiveDate,
    /// The chain whose sealed head changed (none when the seal itself does not match).
    pub chain: Option<String>,
}

/// A row of an audited table that does not equal the state its audit entries leave.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FindingDto {
    /// The table (`enterprises`, `transitions`, …).
    pub table: String,
    /// The table in the request's language.
    pub table_label: String,
    /// The row's key as the log names it (an id, a month, a year).
    pub row: String,
    /// The enterprise whose chain the row is on.
    pub enterprise_id: Option<uuid::Uuid>,
    /// That enterprise's name.
    pub enterprise_name: Option<String>,
    /// That enterprise's USCC.
    pub uscc: Option<String>,
    /// `differs`, `missing_from_table` (deleted) or `missing_from_log` (inserted).
    pub problem: String,
    /// The field that differs.
    pub field: Option<String>,
    /// The value the log leaves.
    pub in_log: Option<String>,
    /// The value stored.
    pub stored: Option<String>,
}

impl FindingDto {
    /// The wire form of a finding, its table named in `lang`.
    pub fn new(f: &Finding, lang: Lang) -> Self {
        let (problem, field, in_log, stored) = match &f.problem {
            Discrepancy::Differs {
                field,
                in_log,
                stored,
            } => (
                "differs",
                Some((*field).to_owned()),
                in_log.clone(),
                stored.clone(),
            ),
            Discrepancy::MissingFromTable => ("missing_from_table", None, None, None),
            Discrepancy::MissingFromLog => ("missing_from_log", None, None, None),
        };
        FindingDto {
            table: f.table.to_owned(),
            table_label: peiyu_service::table_label(f.table, lang).to_owned(),
            row: f.key.clone(),
            enterprise_id: f.enterprise,
            enterprise_name: f.enterprise_name.as_ref().map(|(n, _)| n.clone()),
            uscc: f.enterprise_name.as_ref().map(|(_, u)| u.clone()),
            problem: problem.to_owned(),
            field,
            in_log,
            stored,
        }
    }
}

/// `GET /audit/verify`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditVerifyDto {
    /// True when every chain and seal verifies.
    pub ok: bool,
    /// Chains checked.
    pub chains: usize,
    /// Entries checked.
    pub entries: usize,
    /// Broken chains.
    pub broken: Vec<BrokenChainDto>,
    /// Seals checked.
    pub seals: usize,
    /// Broken seals.
    pub broken_seals: Vec<BrokenSealDto>,
    /// Rows of the audited tables compared with the log.
    pub rows: usize,
    /// The rows that differ from the log.
    pub findings: Vec<FindingDto>,
}

impl From<&AuditVerification> for AuditVerifyDto {
    fn from(v: &AuditVerification) -> Self {
        use peiyu_service::ChainBreak;
        AuditVerifyDto {
            ok: v.ok(),
            chains: v.chains.chains,
            entries: v.chains.entries,
            broken: v
                .chains
                .broken
                .iter()
                .map(|b| {
                    let (problem, seq) = match &b.problem {
                        ChainBreak::HashMismatch { seq } => ("hash_mismatch", Some(*seq)),
                        ChainBreak::LinkMismatch { seq } => ("link_mismatch", Some(*seq)),
                        ChainBreak::SequenceGap { expected, .. } => {
                            ("sequence_gap", Some(*expected))
                        }
                        ChainBreak::HeadMismatch { last_seq, .. } => {
                            ("head_mismatch", Some(*last_seq))
                        }
                    };
                    BrokenChainDto {
                        chain: b.chain_key.clone(),
                        problem: problem.to_owned(),
                        seq: b.entry.as_ref().map(|e| e.seq).or(seq),
                    }
                })
                .collect(),
            seals: v.seals,
            broken_seals: v
                .broken_seals
                .iter()
                .map(|s| BrokenSealDto {
                    day: s.day,
                    chain: s.chain_key.clone(),
                })
                .collect(),
            rows: v.rows,
            findings: v
                .findings
                .iter()
                .map(|f| FindingDto::new(f, Lang::En))
                .collect(),
        }
    }
}

/// `audit seal`: a day's seal.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SealDto {
    /// The day sealed.
    pub day: NaiveDate,
    /// SHA-256 of the day's chain heads.
    pub hash: String,
    /// How many chains it seals.
    pub chains: usize,
    /// Whether this run made it (false: the day was sealed already).
    pub new: bool,
}

impl SealDto {
    /// The wire form of a seal, `new` when just made.
    pub fn new(seal: &Seal, new: bool) -> Self {
        SealDto {
            day: seal.day,
            hash: seal.hash.clone(),
            chains: seal.heads.len(),
            new,
        }
    }
}

/// One audit entry (`audit log`, `GET /audit/log`): the fields its hash covers, and for people
/// the actor's name, the action and the subject in words.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryDto {
    /// The chain (`bureau`, `enterprise:<uuid>`).
    pub chain: String,
    /// Its place in the chain, from 1.
    pub seq: i64,
    /// When it was recorded (UTC).
    pub recorded_at: DateTime<Utc>,
    /// The day the change took effect, when it says.
    pub effective_on: Option<NaiveDate>,
    /// The actor's login.
    pub actor: String,
    /// The actor's name.
    pub actor_name: String,
    /// On whose behalf (a login), for a delegate's change.
    pub on_behalf_of: Option<String>,
    /// That officer's name.
    pub on_behalf_of_name: Option<String>,
    /// The action's key (`case.advance`, …).
    pub action: String,
    /// The action in the request's language.
    pub action_label: String,
    /// What kind of thing changed (`enterprise`, `cultivation`, `task`, …).
    pub subject_type: String,
    /// Its key as stored (a USCC, an id, a year).
    pub subject_id: String,
    /// The subject in words, in the request's language (the enterprise's name, …).
    pub subject_label: String,
    /// The state before, as recorded.
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The state after, as recorded.
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    /// The reason given.
    pub reason: Option<String>,
    /// The request that made the change.
    pub request_id: Option<String>,
    /// The entry's hash.
    pub hash: String,
}

impl AuditEntryDto {
    /// The wire form of an audit entry as people read it.
    pub fn new(line: &AuditLine, lang: Lang) -> Self {
        let e = &line.entry;
        let parse = |s: &Option<String>| s.as_deref().and_then(|t| serde_json::from_str(t).ok());
        AuditEntryDto {
            chain: e.chain_key.clone(),
            seq: e.seq,
            recorded_at: e.recorded_at,
            effective_on: e.effective_on,
            actor: e.actor_login.clone(),
            actor_name: line.actor_name.clone(),
            on_behalf_of: e.on_behalf_of.clone(),
            on_behalf_of_name: line.on_behalf_of_name.clone(),
            action: e.action.clone(),
            action_label: e.action_label(lang).to_owned(),
            subject_type: e.subject_type.clone(),
            subject_id: e.subject_id.clone(),
            subject_label: line.subject.get(lang).to_owned(),
            before: parse(&e.before),
            after: parse(&e.after),
            reason: e.reason.clone(),
            request_id: e.request_id.clone(),
            hash: e.hash.clone(),
        }
    }

    /// The wire form of a list of entries.
    pub fn list(lines: &[AuditLine], lang: Lang) -> Vec<Self> {
        lines.iter().map(|l| AuditEntryDto::new(l, lang)).collect()
    }
}
