//! Exporting the audit log for an independent check: every entry with exactly the fields its
//! hash covers, every chain head and every seal, read page by page.

use peiyu_domain::Officer;
use peiyu_storage::audit::{self, AuditEntry, ChainHead};
use peiyu_storage::{Seal, seal};

use crate::Service;
use crate::error::ServiceResult;

/// Entries read per page of an export.
const PAGE: u64 = 5_000;

/// One item of an export, in the order written: the entries chain by chain in sequence order,
/// then the chain heads, then the seals.
#[derive(Clone, Debug)]
pub enum ExportItem {
    /// An entry.
    Entry(Box<AuditEntry>),
    /// A chain's head.
    Head(ChainHead),
    /// A day's seal.
    Seal(Seal),
}

/// A cursor over the export: [`AuditExport::next_page`] until it answers `None`. Memory is one
/// page of entries (and the heads and seals, one row per chain and per day).
pub struct AuditExport<'a> {
    service: &'a Service,
    after: Option<(String, i64)>,
    entries_done: bool,
    rest_done: bool,
}

impl AuditExport<'_> {
    /// The next page of items, or `None` at the end.
    pub async fn next_page(&mut self) -> ServiceResult<Option<Vec<ExportItem>>> {
        let conn = self.service.store().conn();
        if !self.entries_done {
            let after = self.after.as_ref().map(|(c, s)| (c.as_str(), *s));
            let page = audit::entries_after(conn, after, PAGE).await?;
            match page.last() {
                Some(last) => {
                    self.after = Some((last.chain_key.clone(), last.seq));
                    return Ok(Some(
                        page.into_iter()
                            .map(|e| ExportItem::Entry(Box::new(e)))
                            .collect(),
                    ));
                }
                None => self.entries_done = true,
            }
        }
        if self.rest_done {
            return Ok(None);
        }
        self.rest_done = true;
        let mut items: Vec<ExportItem> = audit::chain_heads(conn)
            .await?
            .into_iter()
            .map(ExportItem::Head)
            .collect();
        items.extend(
            seal::all_seals(conn)
                .await?
                .into_iter()
                .map(ExportItem::Seal),
        );
        Ok(Some(items))
    }
}

impl Service {
    /// The whole audit log for an auditor's own check (`audit export`), read page by page.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.login.as_str()))]
    pub fn export_audit(&self, actor: &Officer) -> AuditExport<'_> {
        AuditExport {
            service: self,
            after: None,
            entries_done: false,
            rest_done: false,
        }
    }
}
