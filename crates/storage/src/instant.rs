//! Instants as stored: fixed-width UTC RFC 3339 text with microseconds, the same bytes on every
//! backend, sortable as text and hashed exactly as stored.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};

use crate::error::StorageError;

/// Truncates an instant to the microsecond precision peiyu stores.
pub fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}

/// The stored text of an instant, e.g. `2023-06-30T08:12:33.123456Z`.
pub fn to_text(t: DateTime<Utc>) -> String {
    truncate(t).to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Reads a stored instant back.
pub fn from_text(
    table: &'static str,
    column: &'static str,
    s: &str,
) -> Result<DateTime<Utc>, StorageError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StorageError::Corrupt {
            table,
            column,
            value: s.to_owned(),
            detail: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn text_is_fixed_width_and_round_trips() {
        let t = Utc
            .with_ymd_and_hms(2023, 6, 30, 8, 12, 33)
            .single()
            .unwrap()
            + chrono::Duration::nanoseconds(123_456_789);
        let s = to_text(t);
        assert_eq!(s, "2023-06-30T08:12:33.123456Z");
        assert_eq!(from_text("t", "c", &s).unwrap(), truncate(t));
        let whole = Utc.with_ymd_and_hms(2023, 1, 1, 0, 0, 0).single().unwrap();
        assert_eq!(to_text(whole).len(), s.len());
    }
}
