//! Which page of a long list a front end asks for, read in SQL by the list's order
//! ([`peiyu_storage::page`]): a page costs its size, not the list's.

use peiyu_storage::PageStart;

/// One page of a long list: at most `limit` items, after the item a previous page ended on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageAsk {
    /// At most this many items.
    pub limit: u64,
    /// The previous page's end: how many items had been seen, and the id of the last one.
    /// `None` for the first page.
    pub after: Option<(u64, String)>,
}

impl PageAsk {
    /// Where the page starts, given the sort keys of the item `after` names (`None` when that
    /// item is gone or unknown: the page then starts after as many items as were seen).
    pub(crate) fn start<K>(&self, keys: Option<K>) -> PageStart<K> {
        match (&self.after, keys) {
            (None, _) => PageStart::First,
            (Some(_), Some(keys)) => PageStart::After(keys),
            (Some((seen, _)), None) => PageStart::Skip(*seen),
        }
    }

    /// The id the previous page ended on, if any.
    pub(crate) fn after_id(&self) -> Option<&str> {
        self.after.as_ref().map(|(_, id)| id.as_str())
    }
}
