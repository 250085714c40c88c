//! Reading a rule file — a track ([`crate::track`]) or the four-batches rules
//! ([`crate::batch_rules`]): TOML with spans, walked by hand so that every problem is collected
//! (serde would stop at the first) and each one carries its 1-based line.
//!
//! [`Reader`] holds the text and the problems found so far, and offers the typed getters both
//! formats are written with — strings, booleans, whole numbers in a range, arrays of strings,
//! tables, arrays of tables, `{ zh, en }` labels — each of which reports a value of the wrong
//! type, plus [`Reader::unknown_fields`], which reports every key a table may not have. A
//! message names a *place* in the file (`stage "candidate"` / `阶段 "candidate"`) through a token
//! from [`Reader::place`], rendered in each language when the problem is recorded. A message
//! quotes at most the first [`MAX_QUOTED_CHARS`] characters of a value ([`excerpt`]).
//!
//! Reading is linear in the file: the line of a byte offset is a binary search in the offsets
//! of the file's newlines, found once (counting the newlines before each problem made a file
//! with many unknown keys quadratic).

use std::borrow::Cow;
use std::fmt;

use peiyu_domain::{Lang, Localize, Text};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// What kind of problem a [`RuleFileProblem`] is, for programs and tests; people read
/// [`RuleFileProblem::message`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemCode {
    /// The text is not valid TOML.
    Syntax,
    /// A required field is absent.
    MissingField,
    /// A field the format does not know (often a typo).
    UnknownField,
    /// A field has the wrong TOML type.
    WrongType,
    /// A label lacks its zh or en text, or the text is empty.
    MissingLabel,
    /// A key does not follow the key rules (lowercase letters, digits, `_`).
    InvalidKey,
    /// Two stages share a key.
    DuplicateStage,
    /// A transition, the start or a `before` names a stage the track does not have.
    UnknownStage,
    /// No sequence of transitions leads from the start to this stage.
    UnreachableStage,
    /// Two transitions connect the same pair of stages.
    DuplicateTransition,
    /// A guard name the engine does not know.
    UnknownGuard,
    /// A task kind (or kind pattern) the engine does not know.
    UnknownTaskKind,
    /// A duration, day count or day of month out of range or malformed.
    BadDuration,
    /// Some other value is not one of those allowed (assignee, role, batch, basis, …).
    BadValue,
    /// A transition leaves a terminal stage, or a rule contradicts another.
    Inconsistent,
}

/// Which rule file a list of problems is about. It names the file in the list's heading, and
/// keeps the few wordings in which the two formats have always differed (see [`Reader::label`]
/// and [`Reader::integer`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleFileKind {
    /// A track file ([`crate::Track::parse`]).
    Track,
    /// The four-batches rule file ([`crate::batch_rules::Rules::parse`]).
    BatchRules,
}

/// One problem in a rule file, at a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFileProblem {
    /// The 1-based line the problem is on.
    pub line: usize,
    /// What kind of problem it is.
    pub code: ProblemCode,
    /// The problem explained, in zh and en.
    pub message: Text,
}

impl fmt::Display for RuleFileProblem {
    /// `line N: <English message>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message.en())
    }
}

/// Every problem found in a rule file, sorted by line (problems on one line in the order they
/// were found); never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RuleFileErrors {
    kind: RuleFileKind,
    /// The problems, sorted by line.
    pub problems: Vec<RuleFileProblem>,
}

impl RuleFileErrors {
    /// Which file the problems are about.
    pub fn kind(&self) -> RuleFileKind {
        self.kind
    }
}

impl fmt::Display for RuleFileErrors {
    /// `the track is invalid (N problems):` (or `the batch rules are invalid …`) then one
    /// `line N: …` per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        let what = match self.kind {
            RuleFileKind::Track => "the track is invalid",
            RuleFileKind::BatchRules => "the batch rules are invalid",
        };
        write!(f, "{what} ({n} problem{}):", if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl Localize for RuleFileErrors {
    /// The heading and one `第 N 行：…` per problem in zh; [`fmt::Display`]'s text in en.
    fn localize(&self, _lang: Lang) -> Text {
        let what = match self.kind {
            RuleFileKind::Track => "流程定义无效",
            RuleFileKind::BatchRules => "四个一批规则无效",
        };
        let mut zh = format!("{what}（共 {} 处问题）：", self.problems.len());
        for p in &self.problems {
            zh.push_str(&format!("\n  第 {} 行：{}", p.line, p.message.zh()));
        }
        Text::new(zh, self.to_string())
    }
}

/// The most characters of a value a problem message quotes.
pub const MAX_QUOTED_CHARS: usize = 100;

/// `value` as a problem message quotes it: its first [`MAX_QUOTED_CHARS`] characters, then `…`
/// when there is more. The two characters that mark places in a message stand as `�`, so a
/// value can never be taken for a place.
pub fn excerpt(value: &str) -> Cow<'_, str> {
    let marks = |c: char| c == PLACE_OPEN || c == PLACE_CLOSE;
    match value.char_indices().nth(MAX_QUOTED_CHARS) {
        None if !value.contains(marks) => Cow::Borrowed(value),
        None => Cow::Owned(value.replace(marks, "\u{FFFD}")),
        Some((end, _)) => Cow::Owned(format!("{}…", value[..end].replace(marks, "\u{FFFD}"))),
    }
}

/// `message` with every whole occurrence of a longer value among `values` cut to its
/// [`excerpt`]: for a message made elsewhere (a domain error) that quotes a value in full.
pub(crate) fn with_excerpts(message: String, values: &[&str]) -> String {
    let mut message = message;
    for v in values {
        if v.chars().count() > MAX_QUOTED_CHARS {
            message = message.replace(v, &excerpt(v));
        }
    }
    message
}

/// A TOML value with its span.
pub(crate) type Value<'i> = Spanned<DeValue<'i>>;

const PLACE_OPEN: char = '\u{1}';
const PLACE_CLOSE: char = '\u{2}';

/// Reads `text` as TOML and walks its root table with `walk`, which records problems through
/// the [`Reader`] it is given. `Ok` with what `walk` returns when it returns something and no
/// problem was recorded; otherwise every problem, sorted by line. A text that is not TOML is
/// not walked: its problems are the syntax errors.
pub(crate) fn read<T>(
    text: &str,
    kind: RuleFileKind,
    walk: impl FnOnce(&mut Reader<'_>, &DeTable<'_>) -> Option<T>,
) -> Result<T, RuleFileErrors> {
    let mut file = Reader::new(text, kind);
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for e in errors {
            let at = e.span().map_or(0, |s| s.start);
            let msg = e
                .message()
                .trim()
                .replace([PLACE_OPEN, PLACE_CLOSE], "\u{FFFD}");
            file.push(
                at,
                ProblemCode::Syntax,
                format!("TOML 语法错误：{msg}"),
                format!("TOML syntax error: {msg}"),
            );
        }
        return Err(file.finish());
    }
    match walk(&mut file, root.get_ref()) {
        Some(value) if file.problems.is_empty() => Ok(value),
        _ => Err(file.finish()),
    }
}

/// A rule file being read: its text, the problems found so far and the places they name.
pub(crate) struct Reader<'t> {
    text: &'t str,
    kind: RuleFileKind,
    /// The byte offset of every `\n` in `text`, in order.
    newlines: Vec<usize>,
    problems: Vec<RuleFileProblem>,
    /// Names of places in the file (a stage, a task, a transition) in zh and en; messages refer
    /// to them by a token that [`Reader::render`] replaces in each language.
    places: Vec<(String, String)>,
}

impl<'t> Reader<'t> {
    fn new(text: &'t str, kind: RuleFileKind) -> Reader<'t> {
        let newlines = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i)
            .collect();
        Reader {
            text,
            kind,
            newlines,
            problems: Vec::new(),
            places: Vec::new(),
        }
    }

    fn finish(mut self) -> RuleFileErrors {
        self.problems.sort_by_key(|p| p.line);
        RuleFileErrors {
            kind: self.kind,
            problems: self.problems,
        }
    }

    /// The whole text being read.
    pub(crate) fn text(&self) -> &'t str {
        self.text
    }

    /// The 1-based line of byte `offset` (the last line past the end).
    pub(crate) fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.newlines.partition_point(|nl| *nl < end) + 1
    }

    /// Records a problem at byte `at`; `zh` and `en` may hold place tokens.
    pub(crate) fn push(&mut self, at: usize, code: ProblemCode, zh: String, en: String) {
        let line = self.line(at);
        self.push_on_line(line, code, zh, en);
    }

    /// Records a problem on a 1-based line; `zh` and `en` may hold place tokens.
    pub(crate) fn push_on_line(&mut self, line: usize, code: ProblemCode, zh: String, en: String) {
        let message = Text::new(self.render(&zh, Lang::Zh), self.render(&en, Lang::En));
        self.problems.push(RuleFileProblem {
            line,
            code,
            message,
        });
    }

    /// A token naming a place in the file, rendered in each language by [`Reader::render`].
    pub(crate) fn place(&mut self, zh: String, en: String) -> String {
        self.places.push((zh, en));
        format!("{PLACE_OPEN}{}{PLACE_CLOSE}", self.places.len() - 1)
    }

    /// `text` with every place token replaced by the place's name in `lang` (places may nest).
    fn render(&self, text: &str, lang: Lang) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find(PLACE_OPEN) {
            out.push_str(&rest[..open]);
            let after = &rest[open + PLACE_OPEN.len_utf8()..];
            let Some(close) = after.find(PLACE_CLOSE) else {
                break;
            };
            if let Some((zh, en)) = after[..close]
                .parse::<usize>()
                .ok()
                .and_then(|i| self.places.get(i))
            {
                let name = if lang == Lang::Zh { zh } else { en };
                out.push_str(&self.render(name, lang));
            }
            rest = &after[close + PLACE_CLOSE.len_utf8()..];
        }
        out.push_str(rest);
        out
    }

    /// Reports every key of `table` not in `allowed`, in file order; linear in the table.
    pub(crate) fn unknown_fields(&mut self, table: &DeTable<'_>, allowed: &[&str], place: &str) {
        let mut list: Option<String> = None;
        for (k, _) in table.iter() {
            let name: &str = k.get_ref();
            if !allowed.contains(&name) {
                let list = list.get_or_insert_with(|| allowed.join(", "));
                let name = excerpt(name);
                self.push(
                    k.span().start,
                    ProblemCode::UnknownField,
                    format!("{place} 中有未知字段 \"{name}\"（可用字段：{list}）"),
                    format!("unknown field \"{name}\" in {place} (known fields: {list})"),
                );
            }
        }
    }

    /// Reports that `place`, at byte `at`, lacks `field`.
    pub(crate) fn missing(&mut self, at: usize, field: &str, place: &str) {
        self.push(
            at,
            ProblemCode::MissingField,
            format!("{place} 缺少必填字段 \"{field}\""),
            format!("{place} lacks the required field \"{field}\""),
        );
    }

    /// Reports that `v`, the value of `field`, is not of the `expected` type (zh, en).
    pub(crate) fn wrong_type(
        &mut self,
        v: &Value<'_>,
        field: &str,
        place: &str,
        expected: (&str, &str),
    ) {
        let found = v.get_ref().type_str();
        self.push(
            v.span().start,
            ProblemCode::WrongType,
            format!("{place} 的 \"{field}\" 应为{}，实际是 {found}", expected.0),
            format!(
                "\"{field}\" in {place} must be {}, found {found}",
                expected.1
            ),
        );
    }

    /// Records a [`ProblemCode::BadValue`] problem at byte `at`.
    pub(crate) fn bad_value(&mut self, at: usize, zh: String, en: String) {
        self.push(at, ProblemCode::BadValue, zh, en);
    }

    /// A string field with the byte it starts at; `None` when absent or (reported) not a string.
    pub(crate) fn string(
        &mut self,
        table: &DeTable<'_>,
        field: &str,
        place: &str,
    ) -> Option<(String, usize)> {
        let v = table.get(field)?;
        match v.get_ref().as_str() {
            Some(s) => Some((s.to_owned(), v.span().start)),
            None => {
                self.wrong_type(v, field, place, ("字符串", "a string"));
                None
            }
        }
    }

    /// Like [`Reader::string`], and an absent field is reported as missing from `place` at `at`.
    pub(crate) fn required_string(
        &mut self,
        table: &DeTable<'_>,
        field: &str,
        place: &str,
        at: usize,
    ) -> Option<(String, usize)> {
        if table.get(field).is_none() {
            self.missing(at, field, place);
            return None;
        }
        self.string(table, field, place)
    }

    /// A boolean field; `None` when absent or (reported) not `true`/`false`.
    pub(crate) fn boolean(
        &mut self,
        table: &DeTable<'_>,
        field: &str,
        place: &str,
    ) -> Option<bool> {
        let v = table.get(field)?;
        match v.get_ref().as_bool() {
            Some(b) => Some(b),
            None => {
                self.wrong_type(v, field, place, ("布尔值 true/false", "true or false"));
                None
            }
        }
    }

    /// A whole-number field within `min..=max` (and within `N`); `None` when absent, or
    /// (reported) not a whole number or out of range. Out of range is a
    /// [`ProblemCode::BadDuration`] in a track (its numbers are counts of days) and a
    /// [`ProblemCode::BadValue`] in the batch rules.
    pub(crate) fn integer<N: TryFrom<i64>>(
        &mut self,
        table: &DeTable<'_>,
        field: &str,
        place: &str,
        min: i64,
        max: i64,
    ) -> Option<N> {
        let v = table.get(field)?;
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
            _ => {
                self.wrong_type(v, field, place, ("整数", "a whole number"));
                return None;
            }
        };
        match n
            .filter(|n| (min..=max).contains(n))
            .and_then(|n| N::try_from(n).ok())
        {
            Some(n) => Some(n),
            None => {
                let code = match self.kind {
                    RuleFileKind::Track => ProblemCode::BadDuration,
                    RuleFileKind::BatchRules => ProblemCode::BadValue,
                };
                self.push(
                    v.span().start,
                    code,
                    format!("{place} 的 \"{field}\" 应在 {min} 到 {max} 之间"),
                    format!("\"{field}\" in {place} must be between {min} and {max}"),
                );
                None
            }
        }
    }

    /// Like [`Reader::integer`], and an absent field is reported as missing from `place` at `at`.
    pub(crate) fn required_integer<N: TryFrom<i64>>(
        &mut self,
        table: &DeTable<'_>,
        field: &str,
        place: &str,
        at: usize,
        range: (i64, i64),
    ) -> Option<N> {
        if table.get(field).is_none() {
            self.missing(at, field, place);
            return None;
        }
        self.integer(table, field, place, range.0, range.1)
    }

    /// An array of strings, each with the byte it starts at, and whether every item was a
    /// string (each one that is not is reported); `None` when absent or (reported) not an array.
    fn string_items(
        &mut self,
        table: &DeTable<'_>,
        field: &str,
        place: &str,
    ) -> Option<(Vec<(String, usize)>, bool)> {
        let v = table.get(field)?;
        let Some(items) = v.get_ref().as_array() else {
            self.wrong_type(v, field, place, ("字符串数组", "an array of strings"));
            return None;
        };
        let mut out = Vec::new();
        let mut all = true;
        for item in items.iter() {
            match item.get_ref().as_str() {
                Some(s) => out.push((s.to_owned(), item.span().start)),
                None => {
                    all = false;
                    self.wrong_type(item, field, place, ("字符串", "a string"));
                }
            }
        }
        Some((out, all))
    }

    /// The strings of an array field, each with the byte it starts at; an item that is not a
    /// string is reported and left out. `None` when absent or (reported) not an array.
    pub(crate) fn strings(
        &mut self,
        table: &DeTable<'_>,
        field: &str,
        place: &str,
    ) -> Option<Vec<(String, usize)>> {
        self.string_items(table, field, place).map(|(out, _)| out)
    }

    /// Like [`Reader::strings`], but `None` as soon as one item is not a string.
    pub(crate) fn all_strings(
        &mut self,
        table: &DeTable<'_>,
        field: &str,
        place: &str,
    ) -> Option<Vec<(String, usize)>> {
        self.string_items(table, field, place)
            .and_then(|(out, all)| all.then_some(out))
    }

    /// A `{ zh = "…", en = "…" }` label; both languages required and non-blank, no other key.
    /// `None` when absent (reported at `at` if `required`) or (reported) malformed.
    ///
    /// The two formats word a label's inner problems a little differently, and both wordings
    /// are kept: in a track the label is named `<place> 的 <field>` in zh and another key is
    /// "takes only zh and en"; in the batch rules it is `<place> 的 "<field>"` and another key
    /// is an unknown field.
    pub(crate) fn label(
        &mut self,
        table: &DeTable<'_>,
        field: &str,
        place: &str,
        at: usize,
        required: bool,
    ) -> Option<Text> {
        let Some(v) = table.get(field) else {
            if required {
                self.push(
                    at,
                    ProblemCode::MissingLabel,
                    format!("{place} 缺少 \"{field}\"：需要中文（zh）和英文（en）两种文字"),
                    format!("{place} lacks \"{field}\": both zh and en texts are required"),
                );
            }
            return None;
        };
        let Some(t) = v.get_ref().as_table() else {
            self.wrong_type(
                v,
                field,
                place,
                (
                    "形如 { zh = \"…\", en = \"…\" } 的表",
                    "a table { zh = \"…\", en = \"…\" }",
                ),
            );
            return None;
        };
        let sub_en = format!("\"{field}\" of {place}");
        let quoted = self.place(format!("{place} 的 \"{field}\""), sub_en.clone());
        let sub = match self.kind {
            RuleFileKind::Track => {
                let sub = self.place(format!("{place} 的 {field}"), sub_en);
                for (k, _) in t.iter() {
                    let name: &str = k.get_ref();
                    if name != "zh" && name != "en" {
                        let name = excerpt(name);
                        self.push(
                            k.span().start,
                            ProblemCode::UnknownField,
                            format!("{sub} 只能有 zh 和 en，发现 \"{name}\""),
                            format!("{sub} takes only zh and en, found \"{name}\""),
                        );
                    }
                }
                sub
            }
            RuleFileKind::BatchRules => {
                self.unknown_fields(t, &["zh", "en"], &quoted);
                quoted.clone()
            }
        };
        let mut texts = Vec::new();
        for lang in Lang::ALL {
            let code = lang.code();
            match t.get(code) {
                Some(s) => match s.get_ref().as_str() {
                    Some(s) if !s.trim().is_empty() => texts.push(s.to_owned()),
                    Some(_) => self.push(
                        v.span().start,
                        ProblemCode::MissingLabel,
                        format!("{sub} 的 {code} 文字为空"),
                        format!("the {code} text of {sub} is empty"),
                    ),
                    None => self.wrong_type(s, code, &quoted, ("字符串", "a string")),
                },
                None => self.push(
                    v.span().start,
                    ProblemCode::MissingLabel,
                    format!("{sub} 缺少 {code} 文字（中英文都必须提供）"),
                    format!("{sub} lacks its {code} text (both zh and en are required)"),
                ),
            }
        }
        match <[String; 2]>::try_from(texts) {
            Ok([zh, en]) => Some(Text::new(zh, en)),
            Err(_) => None,
        }
    }

    /// A table field with the byte it starts at; `None` when absent or (reported) not a table.
    pub(crate) fn sub_table<'a, 'i>(
        &mut self,
        table: &'a DeTable<'i>,
        field: &str,
        place: &str,
    ) -> Option<(&'a DeTable<'i>, usize)> {
        let v = table.get(field)?;
        match v.get_ref().as_table() {
            Some(t) => Some((t, v.span().start)),
            None => {
                self.wrong_type(v, field, place, ("表", "a table"));
                None
            }
        }
    }

    /// The tables of a `[[field]]` array, each with the byte it starts at; an item that is not
    /// a table is reported and left out. Empty when absent or (reported) not an array.
    pub(crate) fn tables<'a, 'i>(
        &mut self,
        table: &'a DeTable<'i>,
        field: &str,
        place: &str,
    ) -> Vec<(&'a DeTable<'i>, usize)> {
        let Some(v) = table.get(field) else {
            return Vec::new();
        };
        let Some(items) = v.get_ref().as_array() else {
            self.wrong_type(
                v,
                field,
                place,
                (
                    &format!("[[{field}]] 表数组"),
                    &format!("an array of [[{field}]] tables"),
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref().as_table() {
                Some(t) => out.push((t, item.span().start)),
                None => self.wrong_type(item, field, place, ("表", "a table")),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_unknown(text: &str) -> Result<(), RuleFileErrors> {
        read(text, RuleFileKind::BatchRules, |file, root| {
            file.unknown_fields(root, &["known"], "the file");
            Some(())
        })
    }

    #[test]
    fn lines_are_counted_from_one_and_past_the_end_is_the_last_line() {
        let file = Reader::new("a\nb\n\nc", RuleFileKind::Track);
        let lines: Vec<usize> = (0..=8).map(|at| file.line(at)).collect();
        assert_eq!(lines, [1, 1, 2, 2, 3, 4, 4, 4, 4]);
        assert_eq!(Reader::new("", RuleFileKind::Track).line(5), 1);
    }

    #[test]
    fn fifty_thousand_unknown_keys_are_each_reported_on_their_line() {
        let n = 50_000;
        let mut text = String::from("known = 1\n");
        for i in 0..n {
            text.push_str(&format!("unknown_{i} = {i}\n"));
        }
        let err = read_unknown(&text).unwrap_err();
        assert_eq!(err.problems.len(), n);
        assert!(
            err.problems
                .iter()
                .enumerate()
                .all(|(i, p)| p.line == i + 2 && p.code == ProblemCode::UnknownField)
        );
        assert_eq!(
            err.problems[n - 1].message.en(),
            "unknown field \"unknown_49999\" in the file (known fields: known)"
        );
    }

    #[test]
    fn a_message_quotes_at_most_a_hundred_characters_of_a_value() {
        let long = "键".repeat(150);
        let err = read_unknown(&format!("\"{long}\" = 1\n")).unwrap_err();
        let shown = format!("{}…", "键".repeat(MAX_QUOTED_CHARS));
        assert_eq!(
            err.problems[0].message.en(),
            format!("unknown field \"{shown}\" in the file (known fields: known)")
        );
        assert!(
            err.problems[0]
                .message
                .zh()
                .contains(&format!("\"{shown}\""))
        );
        let exact = "k".repeat(MAX_QUOTED_CHARS);
        assert_eq!(excerpt(&exact), exact.as_str());
        assert_eq!(
            with_excerpts(format!("the key \"{long}\" is long"), &[&long]),
            format!("the key \"{shown}\" is long")
        );
    }

    #[test]
    fn a_value_is_never_taken_for_a_place() {
        let err = read(
            "x = \"\\u00010\\u0002\"\n",
            RuleFileKind::Track,
            |file, root| {
                let place = file.place("某处".into(), "somewhere".into());
                let (value, at) = file.string(root, "x", &place)?;
                let shown = excerpt(&value);
                file.bad_value(
                    at,
                    format!("{place} 的值 \"{shown}\""),
                    format!("value \"{shown}\" in {place}"),
                );
                Some(())
            },
        )
        .unwrap_err();
        assert_eq!(
            err.problems[0].message.en(),
            "value \"\u{FFFD}0\u{FFFD}\" in somewhere"
        );
    }

    #[test]
    fn the_heading_names_the_file() {
        let err = read_unknown("a = 1\n").unwrap_err();
        assert_eq!(err.kind(), RuleFileKind::BatchRules);
        assert!(
            err.to_string()
                .starts_with("the batch rules are invalid (1 problem):")
        );
        assert!(
            err.localize(Lang::Zh)
                .zh()
                .starts_with("四个一批规则无效（共 1 处问题）：")
        );
    }
}
