//! The audit log's verification.

use chrono::NaiveDate;
use peiyu_service::{AuditVerification, Seal};
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
