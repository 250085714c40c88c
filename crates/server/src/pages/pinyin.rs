//! Names as a Chinese reader orders and types them: sorted by their pinyin (安 before 北 before
//! 成), and found by their pinyin initials (`jmmy` finds 加美木业). A character's reading is the
//! `pinyin` crate's first (most common) one; letters and digits stand for themselves.

use std::cmp::Ordering;

use pinyin::ToPinyin;

/// The key a name sorts by: each Chinese character's pinyin, other letters lower-cased, so
/// that 安 < 北 < 成 and `Ab` sorts with `ab`.
pub(super) fn sort_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len() * 3);
    for c in name.chars() {
        match c.to_pinyin() {
            Some(p) => {
                key.push_str(p.plain());
                // Keeps 西安 (xi an) before 县 (xian).
                key.push(' ');
            }
            None => key.extend(c.to_lowercase()),
        }
    }
    key
}

/// Orders two names by their pinyin, then by the characters themselves (homophones apart).
pub(super) fn compare(a: &str, b: &str) -> Ordering {
    sort_key(a).cmp(&sort_key(b)).then_with(|| a.cmp(b))
}

/// The name's initials: each Chinese character's first pinyin letter, letters and digits
/// lower-cased, everything else (brackets, spaces) left out. 加美木业 → `jmmy`.
pub(super) fn initials(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c.to_pinyin() {
            Some(p) => p.first_letter().chars().next(),
            None if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            None => None,
        })
        .collect()
}

/// Whether `query` (letters only, any case) is a run of the name's pinyin initials.
pub(super) fn initials_match(name: &str, query: &str) -> bool {
    let query = query.trim().to_ascii_lowercase();
    !query.is_empty()
        && query.chars().all(|c| c.is_ascii_alphabetic())
        && initials(name).contains(&query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_find_a_name_by_its_first_letters() {
        assert_eq!(initials("加美木业"), "jmmy");
        assert_eq!(initials("广西（来宾）X3 水泥"), "gxlbx3sn");
        assert!(initials_match("广西加美木业有限公司", "jmmy"));
        assert!(initials_match("广西加美木业有限公司", "JMMY"));
        assert!(!initials_match("广西加美木业有限公司", "jmmx"));
        assert!(
            !initials_match("加美木业", ""),
            "an empty query is no search"
        );
        assert!(!initials_match("加美木业", "jm my"), "only letters");
    }

    #[test]
    fn names_sort_by_pinyin_not_by_code_point() {
        let mut names = vec!["成都", "北海", "安顺", "西安", "县城"];
        names.sort_by(|a, b| compare(a, b));
        assert_eq!(names, ["安顺", "北海", "成都", "西安", "县城"]);
        // By code point 县 (U+53BF) would come before 安 (U+5B89).
        names.sort();
        assert_eq!(names[1], "县城");
    }
}
