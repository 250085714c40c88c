//! A year's four-batches list (四个一批): its entries and the moves that changed them.

use chrono::{DateTime, NaiveDate, Utc};

use crate::batch::Batch;
use crate::i18n::{Lang, Localize, Text};
use crate::officer::{BatchListId, EnterpriseId, OfficerId};

/// Whether a list is still being drawn up or is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BatchListStatus {
    /// Being drawn up (草案): entries may be assigned in bulk.
    Draft,
    /// In force (已发布): it changes only through recorded moves.
    Published,
}

/// Why a list status cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown batch list status {input:?}: expected draft or published")]
pub struct BatchListStatusError {
    /// The text given.
    pub input: String,
}

impl Localize for BatchListStatusError {
    fn localize(&self, _lang: Lang) -> Text {
        Text::new(
            format!("名单状态「{}」无效：应为 draft 或 published", self.input),
            self.to_string(),
        )
    }
}

impl BatchListStatus {
    /// `draft` or `published`.
    pub fn key(self) -> &'static str {
        match self {
            BatchListStatus::Draft => "draft",
            BatchListStatus::Published => "published",
        }
    }

    /// Reads [`BatchListStatus::key`].
    pub fn parse(s: &str) -> Result<BatchListStatus, BatchListStatusError> {
        match s.trim() {
            "draft" => Ok(BatchListStatus::Draft),
            "published" => Ok(BatchListStatus::Published),
            other => Err(BatchListStatusError {
                input: other.to_owned(),
            }),
        }
    }

    /// 草案 / draft, 已发布 / published.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (BatchListStatus::Draft, Lang::Zh) => "草案",
            (BatchListStatus::Draft, Lang::En) => "draft",
            (BatchListStatus::Published, Lang::Zh) => "已发布",
            (BatchListStatus::Published, Lang::En) => "published",
        }
    }
}

/// A year's batch list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchList {
    /// Its id.
    pub id: BatchListId,
    /// The year it is for.
    pub year: i32,
    /// Draft or published.
    pub status: BatchListStatus,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
}

/// One enterprise's place on a list: at most one per enterprise per list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchEntry {
    /// The list.
    pub list: BatchListId,
    /// The enterprise.
    pub enterprise: EnterpriseId,
    /// Its batch.
    pub batch: Batch,
    /// The effective date it entered this batch.
    pub since: NaiveDate,
    /// Why it is in this batch.
    pub reason: Option<String>,
}

/// A recorded change to a list: an enterprise entering, moving between batches, or leaving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchMove {
    /// The list.
    pub list: BatchListId,
    /// The enterprise.
    pub enterprise: EnterpriseId,
    /// Its batch before (none when it entered the list).
    pub from: Option<Batch>,
    /// Its batch after (none when it left the list).
    pub to: Option<Batch>,
    /// The batch the rules suggested, when the move followed or overrode a suggestion.
    pub suggested: Option<Batch>,
    /// When it took effect.
    pub effective_on: NaiveDate,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who made it.
    pub actor: OfficerId,
    /// Why.
    pub reason: String,
}
