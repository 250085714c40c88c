use peiyu_domain::Batch;

use super::*;
use crate::figures::Basis;

fn shipped(key: &str) -> Track {
    shipped_tracks()
        .unwrap_or_else(|(f, e)| panic!("{f}: {e}"))
        .into_iter()
        .find(|t| t.key().as_str() == key)
        .unwrap()
}

fn sk(s: &str) -> StageKey {
    StageKey::new(s).unwrap()
}

fn problems(text: &str) -> Vec<(usize, ProblemCode)> {
    let errors = Track::parse(text).unwrap_err();
    errors.problems.iter().map(|p| (p.line, p.code)).collect()
}

#[test]
fn shipped_tracks_parse() {
    let tracks = shipped_tracks().unwrap_or_else(|(f, e)| panic!("{f}: {e}"));
    let keys: Vec<&str> = tracks.iter().map(|t| t.key().as_str()).collect();
    assert_eq!(keys, ["industrial", "commerce", "technology"]);
    for t in &tracks {
        assert_eq!(t.content_hash().len(), 64);
        assert!(t.stages().iter().all(|s| !s.label.zh().is_empty()));
    }
}

#[test]
fn industrial_track_shape() {
    let t = shipped("industrial");
    let keys: Vec<&str> = t.stages().iter().map(|s| s.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "candidate",
            "cultivating",
            "qualified",
            "applied",
            "registered",
            "upgrading",
            "withdrawn",
            "delisted"
        ]
    );
    assert_eq!(t.start().key, sk("candidate"));
    assert_eq!(t.label().zh(), "工业小升规");
    let side = t.transition(&sk("applied"), &sk("qualified")).unwrap();
    assert_eq!(t.move_label(side).zh(), "退回补正");
    assert!(side.guards.contains(&Guard::ReasonRequired));
    assert!(t.transition(&sk("applied"), &sk("cultivating")).is_some());
    assert!(t.transition(&sk("qualified"), &sk("cultivating")).is_some());
    for from in ["candidate", "cultivating", "qualified", "applied"] {
        assert!(
            t.transition(&sk(from), &sk("withdrawn")).is_some(),
            "{from}"
        );
    }
    for from in ["registered", "upgrading"] {
        assert!(
            t.transition(&sk(from), &sk("withdrawn")).is_none(),
            "{from}"
        );
        assert!(t.transition(&sk(from), &sk("delisted")).is_some(), "{from}");
    }
    let q = t.transition(&sk("cultivating"), &sk("qualified")).unwrap();
    assert_eq!(
        q.guards,
        vec![
            Guard::RevenueAtLeastThreshold {
                bases: vec![Basis::YearToDate, Basis::Trailing12Months],
                output_value: true
            },
            Guard::LegalEntity
        ]
    );
    assert_eq!(t.move_label(q).en(), "qualified");
    assert_eq!(
        t.policy().factor_guarantee_working_days(Batch::new(1).ok()),
        Some(10)
    );
    assert_eq!(
        t.policy().factor_guarantee_working_days(Batch::new(3).ok()),
        None
    );
    assert!(t.policy().is_priority(Batch::new(2).ok()));
    assert!(!t.policy().is_priority(Batch::new(3).ok()));
    assert!(!t.policy().is_priority(None));
}

#[test]
fn commerce_and_technology_shapes() {
    let c = shipped("commerce");
    let keys: Vec<&str> = c.stages().iter().map(|s| s.key.as_str()).take(5).collect();
    assert_eq!(
        keys,
        [
            "candidate",
            "cultivating",
            "qualified",
            "applied",
            "registered"
        ]
    );
    let t = shipped("technology");
    for (stage, valid, before) in [
        ("tech_sme", Period::Years(1), Period::Days(60)),
        ("innovative_sme", Period::Years(3), Period::Days(90)),
        ("specialised", Period::Years(3), Period::Days(90)),
        ("high_tech", Period::Years(3), Period::Days(120)),
    ] {
        let s = t.stage(&sk(stage)).unwrap();
        assert_eq!(s.valid_for, Some(valid), "{stage}");
        assert_eq!(s.review.as_ref().unwrap().before, before, "{stage}");
        let lapse = t.transition(&sk(stage), &sk("lapsed")).unwrap();
        assert!(lapse.on_expiry);
        assert_eq!(lapse.guards, vec![Guard::StageExpired]);
        assert!(
            t.transition(&sk(stage), &sk(stage)).is_some(),
            "renewal of {stage}"
        );
    }
}

#[test]
fn content_hash_is_sha256_of_the_exact_text() {
    let t = shipped("commerce");
    let again = Track::parse(&format!("{}\n# a comment\n", t.text())).unwrap();
    assert_ne!(t.content_hash(), again.content_hash());
    assert_eq!(
        Track::parse(t.text()).unwrap().content_hash(),
        t.content_hash()
    );
    let minimal = "key = \"x\"\nlabel = { zh = \"甲\", en = \"a\" }\nstart = \"a\"\n\n[[stage]]\nkey = \"a\"\nlabel = { zh = \"甲\", en = \"a\" }\n";
    let m = Track::parse(minimal).unwrap();
    // sha256 of the text, computed independently.
    assert_eq!(
        m.content_hash(),
        hex::encode(Sha256::digest(minimal.as_bytes()))
    );
}

const BROKEN: &str = r#"key = "broken"
label = { zh = "坏流程" }
start = "candidate"

[[stage]]
key = "candidate"
label = { zh = "候选", en = "candidate" }

[[stage]]
key = "cultivating"
label = { en = "cultivating" }

[[stage.task]]
kind = "visti"
title = { zh = "走访", en = "visit" }
working_days = 5

[[stage.task]]
kind = "factor_guarantee:land"
title = { zh = "用地", en = "land" }
calendar_days = -3

[[stage]]
key = "candidate"
label = { zh = "重复", en = "duplicate" }

[[stage]]
key = "orphan"
label = { zh = "孤立", en = "orphan" }
valid_for = "3 years"

[[transition]]
from = "candidate"
to = "cultivating"
guards = ["revenue_above", { kind = "min_days_in_stage", days = 30 }]

[[transition]]
from = "candidate"
to = "cultivating"

[[transition]]
from = "cultivatng"
to = "qualified"
"#;

#[test]
fn a_broken_track_lists_every_problem_with_its_line() {
    let errors = Track::parse(BROKEN).unwrap_err();
    let got: Vec<(usize, ProblemCode)> = errors.problems.iter().map(|p| (p.line, p.code)).collect();
    assert_eq!(
        got,
        vec![
            (2, ProblemCode::MissingLabel),         // track label without en
            (11, ProblemCode::MissingLabel),        // stage label without zh
            (14, ProblemCode::UnknownTaskKind),     // visti
            (21, ProblemCode::BadDuration),         // calendar_days = -3
            (24, ProblemCode::DuplicateStage),      // candidate again
            (27, ProblemCode::UnreachableStage),    // orphan
            (30, ProblemCode::BadDuration),         // "3 years"
            (35, ProblemCode::UnknownGuard),        // revenue_above
            (37, ProblemCode::DuplicateTransition), // candidate → cultivating again
            (42, ProblemCode::UnknownStage),        // cultivatng
            (43, ProblemCode::UnknownStage),        // qualified
        ],
        "{errors}"
    );
    let text = errors.to_string();
    insta::assert_snapshot!("broken_track_en", text);
    let zh_text = peiyu_domain::Localize::localize(&errors, peiyu_domain::Lang::Zh);
    insta::assert_snapshot!("broken_track_zh", zh_text.zh());
    assert!(
        text.starts_with("the track is invalid (11 problems):"),
        "{text}"
    );
    assert!(text.contains("line 14: "), "{text}");
    let zh = peiyu_domain::Localize::localize(&errors, peiyu_domain::Lang::Zh);
    assert!(
        zh.zh().contains("第 35 行：") && zh.zh().contains("revenue_above"),
        "{}",
        zh.zh()
    );
}

#[test]
fn duplicate_transitions_are_refused() {
    let text = r#"key = "dup"
label = { zh = "重复", en = "dup" }
start = "a"

[[stage]]
key = "a"
label = { zh = "甲", en = "a" }

[[stage]]
key = "b"
label = { zh = "乙", en = "b" }
terminal = true

[[transition]]
from = "a"
to = "b"

[[transition]]
from = "*"
to = "b"

[[transition]]
from = "b"
to = "a"
"#;
    assert_eq!(
        problems(text),
        vec![
            (18, ProblemCode::DuplicateTransition),
            (23, ProblemCode::Inconsistent)
        ]
    );
    let err = Track::parse(text).unwrap_err();
    assert!(err.problems[0].message.en().contains("first on line 14"));
    assert!(
        err.problems[1]
            .message
            .en()
            .contains("terminal stage \"b\"")
    );
}

#[test]
fn syntax_errors_and_unknown_fields() {
    assert_eq!(
        problems("key = \"a\"\nkey = \"b\"\n"),
        vec![(2, ProblemCode::Syntax)]
    );
    let text = r#"key = "x"
label = { zh = "甲", en = "a" }
start = "a"
colour = "red"

[[stage]]
key = "a"
label = { zh = "甲", en = "a", fr = "a" }
termnal = true

[[stage.task]]
kind = "visit"
title = { zh = "走访", en = "visit" }
assignee = "boss"
working_days = 5
end_of_month = true
"#;
    assert_eq!(
        problems(text),
        vec![
            (4, ProblemCode::UnknownField),
            (8, ProblemCode::UnknownField),
            (9, ProblemCode::UnknownField),
            (11, ProblemCode::BadDuration),
            (14, ProblemCode::BadValue),
        ]
    );
}

#[test]
fn missing_fields_and_bad_keys() {
    let text = r#"label = { zh = "甲", en = "a" }
start = "a"

[[stage]]
key = "Bad Key"
label = { zh = "甲", en = "a" }

[[stage]]
label = { zh = "乙", en = "b" }
"#;
    assert_eq!(
        problems(text),
        vec![
            (1, ProblemCode::MissingField),
            (2, ProblemCode::UnknownStage),
            (5, ProblemCode::InvalidKey),
            (8, ProblemCode::MissingField),
        ]
    );
}

#[test]
fn guard_parameters_are_checked() {
    let text = r#"key = "g"
label = { zh = "甲", en = "a" }
start = "a"

[[stage]]
key = "a"
label = { zh = "甲", en = "a" }

[[stage]]
key = "b"
label = { zh = "乙", en = "b" }

[[transition]]
from = "a"
to = "b"
roles = ["leader"]
guards = [
  { kind = "revenue_at_least_threshold", basis = "monthly" },
  { kind = "tasks_done", kinds = ["factor_guarantee", "visit:x"] },
  { kind = "min_days_in_stage" },
  { kind = "role_required", roles = ["lead"], extra = 1 },
  { kind = "stage_expired" },
]
on_expiry = true
"#;
    assert_eq!(
        problems(text),
        vec![
            (13, ProblemCode::Inconsistent), // on_expiry from a stage without valid_for
            (16, ProblemCode::BadValue),
            (18, ProblemCode::BadValue),
            (19, ProblemCode::UnknownTaskKind),
            (20, ProblemCode::MissingField),
            (21, ProblemCode::UnknownField),
        ]
    );
}

#[test]
fn periods() {
    assert_eq!(Period::parse("3y"), Some(Period::Years(3)));
    assert_eq!(Period::parse("90d"), Some(Period::Days(90)));
    assert_eq!(Period::parse("6m"), Some(Period::Months(6)));
    for bad in ["", "y", "0y", "3 y", "3Y", "-1d", "12345d", "3w", "三年"] {
        assert_eq!(Period::parse(bad), None, "{bad}");
    }
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    assert_eq!(
        Period::Years(1).after(d("2024-02-29")),
        Some(d("2025-02-28"))
    );
    assert_eq!(
        Period::Days(90).before(d("2026-11-15")),
        Some(d("2026-08-17"))
    );
    assert_eq!(Period::Years(3).label().zh(), "3年");
    assert_eq!(Period::Days(1).label().en(), "1 day");
}

#[test]
fn fifty_thousand_unknown_keys_are_each_reported_on_their_line() {
    let n = 50_000;
    let mut text: String = (0..n).map(|i| format!("unknown_{i} = {i}\n")).collect();
    text.push_str(SHIPPED[0].text);
    let got = problems(&text);
    assert_eq!(got.len(), n);
    assert!(
        got.iter()
            .enumerate()
            .all(|(i, p)| *p == (i + 1, ProblemCode::UnknownField))
    );
}

/// A hostile track file: 500,000 unknown keys (about 10 MB) before the shipped track. Checked in
/// time linear in the file (it took minutes when each problem counted the newlines before it);
/// not a timed assertion: the test completing is the check, and the time is printed for
/// docs/RELIABILITY.md.
#[test]
fn five_hundred_thousand_unknown_keys_are_checked_in_linear_time() {
    let n = 500_000;
    let mut text: String = (0..n).map(|i| format!("unknown_{i} = {i}\n")).collect();
    text.push_str(SHIPPED[0].text);
    let started = std::time::Instant::now();
    let errors = Track::parse(&text).unwrap_err();
    let took = started.elapsed();
    assert_eq!(errors.problems.len(), n);
    assert_eq!(errors.problems[n - 1].line, n);
    eprintln!(
        "a track file of {} bytes with {n} unknown keys checked in {took:?}",
        text.len()
    );
}

#[test]
fn a_message_quotes_at_most_a_hundred_characters_of_a_value() {
    let long = "z".repeat(150);
    let text = format!(
        r#"key = "{long}"
label = {{ zh = "甲", en = "a", {long} = "x" }}
start = "{long}"
{long} = 1

[[stage]]
key = "a"
label = {{ zh = "甲", en = "a" }}
valid_for = "{long}"

[[stage.task]]
kind = "{long}"
title = {{ zh = "走访", en = "visit" }}
assignee = "{long}"
repeat = "{long}"
working_days = 5

[[stage.task]]
kind = "factor_guarantee:{long}"
title = {{ zh = "用地", en = "land" }}
working_days = 5

[[transition]]
from = "{long}"
to = "a"
roles = ["{long}"]
guards = ["{long}", {{ kind = "revenue_at_least_threshold", basis = "{long}" }}]
"#
    );
    let errors = Track::parse(&text).unwrap_err();
    // Each long value is quoted, cut to its first 100 characters, in both languages: the key,
    // the label's extra key, the start, the unknown field, valid_for, the two kinds, the
    // assignee, the repeat, from, the role, the guard and the basis.
    assert_eq!(errors.problems.len(), 13, "{errors}");
    for p in &errors.problems {
        for m in [p.message.zh(), p.message.en()] {
            assert!(!m.contains(&"z".repeat(101)), "{m}");
            assert!(m.contains("z…"), "{m}");
        }
    }
}

mod properties {
    //! The track and rule readers take any text: a track, or every problem with a line inside
    //! the file; never a panic. Mutations of the shipped tracks are the interesting inputs.
    use proptest::prelude::*;

    use super::*;

    fn shipped_text() -> &'static str {
        SHIPPED[0].text
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_text_is_a_track_or_problems_with_lines_in_the_file(text in "\\PC{0,400}") {
            if let Err(errors) = Track::parse(&text) {
                let lines = text.lines().count().max(1);
                for p in &errors.problems {
                    prop_assert!(p.line <= lines + 1, "line {} of {lines}", p.line);
                }
            }
            let _ = crate::batch_rules::Rules::parse(&text);
        }

        #[test]
        fn a_shipped_track_cut_or_spliced_anywhere_never_panics(
            cut in 0usize..4_000,
            insert in "\\PC{0,40}",
        ) {
            let text = shipped_text();
            let mut at = cut.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let spliced = format!("{}{insert}{}", &text[..at], &text[at..]);
            if let Err(errors) = Track::parse(&spliced) {
                prop_assert!(!errors.problems.is_empty());
                for p in &errors.problems {
                    prop_assert!(p.message.en().chars().count() < 2_000);
                }
            }
        }
    }
}

#[test]
fn the_shipped_tracks_say_which_stages_enter_and_leave_the_register() {
    use peiyu_domain::RegisterKind;
    let effect =
        |track: &str, stage: &str| shipped(track).stage(&sk(stage)).and_then(|s| s.register);
    assert_eq!(
        effect("industrial", "registered"),
        Some(RegisterEffect::Enter(RegisterKind::AboveScale))
    );
    assert_eq!(
        effect("industrial", "delisted"),
        Some(RegisterEffect::Exit(RegisterKind::AboveScale))
    );
    assert_eq!(effect("industrial", "upgrading"), None);
    assert_eq!(
        effect("commerce", "registered"),
        Some(RegisterEffect::Enter(RegisterKind::AboveLimit))
    );
    assert_eq!(
        effect("commerce", "delisted"),
        Some(RegisterEffect::Exit(RegisterKind::AboveLimit))
    );
    assert!(
        shipped("technology")
            .stages()
            .iter()
            .all(|s| s.register.is_none())
    );
}

#[test]
fn a_register_key_names_a_kind_and_a_stage_does_one_thing() {
    let text = r#"key = "t"
version = "1"
label = { zh = "甲", en = "a" }
start = "a"

[[stage]]
key = "a"
label = { zh = "甲", en = "a" }
register = "规模以下"

[[stage]]
key = "b"
label = { zh = "乙", en = "b" }
register = "规上"
register_exit = "above_scale"

[[transition]]
from = "a"
to = "b"
"#;
    assert_eq!(
        problems(text),
        vec![(9, ProblemCode::BadValue), (11, ProblemCode::Inconsistent)]
    );
    let fixed = text
        .replace("register = \"规模以下\"\n", "")
        .replace("register_exit = \"above_scale\"\n", "");
    let t = Track::parse(&fixed).unwrap();
    assert_eq!(
        t.stage(&sk("b")).and_then(|s| s.register),
        Some(RegisterEffect::Enter(
            peiyu_domain::RegisterKind::AboveScale
        ))
    );
}
