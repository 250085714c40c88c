//! Keyset pages of the long lists (enterprises, tasks): a page is read by its list's order
//! from just after the last item of the page before, `LIMIT` one more than asked (to tell
//! whether another page follows), so a page costs its size, not the list's.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Value,
};

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

/// Reads the rows of one page of `query` (already filtered), ordered by the two key columns
/// `(first, second)` ascending from `start`, `LIMIT limit + 1`: the keyset condition
/// `first > a OR (first = a AND second > b)` for [`PageStart::After`], an `OFFSET` for
/// [`PageStart::Skip`]. Turn the rows into a page with [`Page::of`].
pub async fn read_keyset<E, A, B>(
    conn: &impl ConnectionTrait,
    query: Select<E>,
    (first, second): (E::Column, E::Column),
    start: &PageStart<(A, B)>,
    limit: u64,
) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    A: Into<Value> + Clone,
    B: Into<Value> + Clone,
{
    let mut query = query;
    if let PageStart::After((a, b)) = start {
        query = query.filter(
            Condition::any().add(first.gt(a.clone())).add(
                Condition::all()
                    .add(first.eq(a.clone()))
                    .add(second.gt(b.clone())),
            ),
        );
    }
    let mut query = query
        .order_by_asc(first)
        .order_by_asc(second)
        .limit(limit.saturating_add(1));
    if let PageStart::Skip(n) = start {
        query = query.offset(*n);
    }
    query.all(conn).await
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
