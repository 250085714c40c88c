//! Keyset pages of the long lists (enterprises, tasks): a page is read by its list's order
//! from just after the last item of the page before, `LIMIT` one more than asked (to tell
//! whether another page follows), so a page costs its size, not the list's.

/// Where a page starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageStart<K> {
    /// At the list's first item.
    First,
    /// Just after the item with these sort keys, wherever it stands now.
    After(K),
    /// After skipping this many items (when the item a cursor named is gone).
    Skip(u64),
}

/// One page: its items in the list's order, and whether more follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// Whether the list goes on after them.
    pub more: bool,
}

impl<T> Page<T> {
    /// The page of `rows` read with `LIMIT limit + 1`.
    pub fn of(mut rows: Vec<T>, limit: u64) -> Page<T> {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        Page { items: rows, more }
    }

    /// The same page with each item mapped.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            more: self.more,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_more_than_the_limit_means_more_follow() {
        assert_eq!(
            Page::of(vec![1, 2, 3], 2),
            Page {
                items: vec![1, 2],
                more: true
            }
        );
        assert_eq!(
            Page::of(vec![1, 2], 2),
            Page {
                items: vec![1, 2],
                more: false
            }
        );
        assert!(!Page::of(Vec::<u8>::new(), 5).more);
    }
}
