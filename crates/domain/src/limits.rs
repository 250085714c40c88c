//! Bounds on the text people type into a field: reasons, evidence, descriptions, names, a
//! holiday notice's text. One table of caps (docs/operations.md lists them with the other
//! limits), one check, and one error that says how long the text is, what the cap is, and
//! quotes at most the first 100 characters ([`crate::excerpt`]) — never the whole text.
//!
//! Caps on fields with their own rules live beside those rules and are listed in the same
//! place in the docs: an enterprise's name, town and address (`EnterpriseField::max_len`),
//! a login ([`crate::LOGIN_MAX_LEN`]), a progress note ([`crate::NOTE_MAX_CHARS`]).

use std::fmt;

use crate::i18n::{Lang, Localize, Text};

/// The most characters of a reason (a move's, an edit's, a list change's, a cancellation's).
pub const REASON_MAX_CHARS: usize = 500;

/// The most characters of one piece of evidence cited by a move (a document's name or number).
pub const EVIDENCE_MAX_CHARS: usize = 300;

/// The most pieces of evidence one move cites.
pub const EVIDENCE_MAX_ITEMS: usize = 50;

/// The most characters of a task's description.
pub const DESCRIPTION_MAX_CHARS: usize = 2_000;

/// The most characters of a person's, a team's or a token's name.
pub const NAME_MAX_CHARS: usize = 100;

/// The most characters of a holiday notice's text (a State Council notice is about 2,000).
pub const NOTICE_MAX_CHARS: usize = 50_000;

/// A text longer than its field's cap.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct TooLong {
    /// The cap, in characters.
    pub max: usize,
    /// How many characters the text has.
    pub found: usize,
    /// Its first 100 characters, then `…`.
    pub excerpt: String,
}

impl fmt::Display for TooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at most {} characters, got {}: \"{}\"; shorten it",
            self.max, self.found, self.excerpt
        )
    }
}

impl Localize for TooLong {
    fn localize(&self, _lang: Lang) -> Text {
        Text::new(
            format!(
                "不超过 {} 字，现有 {} 字：「{}」，请删减",
                self.max, self.found, self.excerpt
            ),
            self.to_string(),
        )
    }
}

/// Refuses `text` when it has more than `max` characters. Counts at most `max + 1`
/// characters, so a hostile megabyte costs no more than a short text.
pub fn within(text: &str, max: usize) -> Result<(), TooLong> {
    if text.chars().nth(max).is_none() {
        return Ok(());
    }
    Err(TooLong {
        max,
        found: text.chars().count(),
        excerpt: crate::excerpt(text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_at_the_cap_passes_and_one_over_is_refused_quoting_a_hundred_characters() {
        assert!(within(&"理".repeat(REASON_MAX_CHARS), REASON_MAX_CHARS).is_ok());
        assert!(within("", REASON_MAX_CHARS).is_ok());
        let long = "由".repeat(1_000_000);
        let e = within(&long, REASON_MAX_CHARS).unwrap_err();
        assert_eq!((e.max, e.found), (REASON_MAX_CHARS, 1_000_000));
        assert_eq!(e.excerpt.chars().count(), 101, "100 characters and …");
        let text = e.localize(Lang::Zh);
        assert!(text.zh().contains("不超过 500 字"), "{}", text.zh());
        assert!(
            text.en().contains("at most 500 characters"),
            "{}",
            text.en()
        );
        assert!(text.en().chars().count() < 300);
    }
}
