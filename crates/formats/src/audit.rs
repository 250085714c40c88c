//! The audit log's files: the JSON Lines export an auditor verifies with
//! `tools/verify_audit.py` (docs/audit.md).

use peiyu_service::{ExportItem, canonical_json, hashed_fields};
use serde_json::{Value, json};

/// One line of the JSON Lines export (canonical JSON and a newline):
/// - `{"kind":"entry","fields":{…},"hash":"…"}`: `fields` is exactly the object the entry's hash
///   covers (SHA-256 of its canonical JSON is `hash`);
/// - `{"kind":"head","chain_key":"…","seq":N,"hash":"…"}`: a chain's head as stored;
/// - `{"kind":"seal","day":"YYYY-MM-DD","heads":{"<chain>":{"hash":"…","seq":N}},"hash":"…"}`:
///   a day's seal (SHA-256 of the canonical JSON of `day` and `heads` is `hash`).
pub fn jsonl_line(item: &ExportItem) -> String {
    let value = match item {
        ExportItem::Entry(e) => json!({
            "kind": "entry",
            "fields": Value::Object(hashed_fields(e)),
            "hash": e.hash,
        }),
        ExportItem::Head(h) => json!({
            "kind": "head",
            "chain_key": h.chain_key,
            "seq": h.seq,
            "hash": h.hash,
        }),
        ExportItem::Seal(s) => json!({
            "kind": "seal",
            "day": s.day.to_string(),
            "heads": s
                .heads
                .iter()
                .map(|(chain, (seq, hash))| (chain.clone(), json!({"seq": seq, "hash": hash})))
                .collect::<serde_json::Map<String, Value>>(),
            "hash": s.hash,
        }),
    };
    let mut line = canonical_json(&value);
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use peiyu_service::ChainHead;

    #[test]
    fn a_head_is_one_canonical_line() {
        let line = jsonl_line(&ExportItem::Head(ChainHead {
            chain_key: "bureau".into(),
            seq: 3,
            hash: "ab".into(),
        }));
        assert_eq!(
            line,
            "{\"chain_key\":\"bureau\",\"hash\":\"ab\",\"kind\":\"head\",\"seq\":3}\n"
        );
    }
}
