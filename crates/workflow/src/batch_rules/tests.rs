use peiyu_domain::{
    Batch, Enterprise, EnterpriseId, LandArea, LegalForm, Metrics, Sector, Tce, Uscc, YearMonth,
    Yuan,
};
use proptest::prelude::*;

use super::parse::MAX_BENCHMARK;
use super::*;
use crate::rule_file::ProblemCode;

/// Round benchmarks so the hand computation below stays readable.
const TEST_RULES: &str = r#"
version = "test"

[score]
cap_percent = 150

[exempt]
months_in_production = 24

[[indicator]]
key = "tax_per_mu"
benchmark = 10000
weight = 40

[[indicator]]
key = "value_added_per_mu"
benchmark = "100万"
weight = 30

[[indicator]]
key = "value_added_per_tce"
benchmark = 10000
weight = 10

[[indicator]]
key = "output_per_employee"
benchmark = "50万元"
weight = 10

[[indicator]]
key = "rnd_ratio"
benchmark = "2%"
weight = 10

[[grade]]
key = "A"
top_percent = 20

[[grade]]
key = "B"
top_percent = 60

[[grade]]
key = "C"
top_percent = 95

[[grade]]
key = "D"
top_percent = 100

[[rule]]
stopped = true
batch = 4
reason = { zh = "停产", en = "stopped" }

[[rule]]
grades = ["A"]
batch = 1
reason = { zh = "A 级", en = "grade A" }

[[rule]]
above_scale_candidate = true
batch = 2
reason = { zh = "上规培育对象", en = "above-scale candidate" }

[[rule]]
tech_upgrade_project = true
batch = 3
reason = { zh = "有技改项目", en = "tech-upgrade project" }

[[rule]]
grades = ["B"]
batch = 2
reason = { zh = "B 级", en = "grade B" }

[[rule]]
grades = ["C"]
batch = 3
reason = { zh = "C 级", en = "grade C" }

[[rule]]
grades = ["D"]
batch = 4
reason = { zh = "D 级", en = "grade D" }
"#;

fn rules() -> Rules {
    Rules::parse(TEST_RULES).unwrap()
}

fn ym(y: i32, m: u32) -> YearMonth {
    YearMonth::new(y, m).unwrap()
}

/// A valid USCC that differs from the others by its area code's last digit `i`.
fn uscc(i: u32) -> Uscc {
    let first17 = format!("9144{i:04}192203821");
    let check = Uscc::check_character(&first17).unwrap();
    Uscc::parse(&format!("{first17}{check}")).unwrap()
}

fn firm(i: u32, name: &str, land_centi_mu: Option<i64>) -> EnterpriseFacts {
    EnterpriseFacts {
        enterprise: Enterprise {
            id: EnterpriseId::new(),
            uscc: uscc(i),
            name: name.into(),
            sector: Sector::Industry,
            town: "城关镇".into(),
            address: String::new(),
            land_area: land_centi_mu.map(LandArea::from_centi_mu),
            legal_form: LegalForm::LegalEntity,
            responsible_officer: None,
            archived: false,
        },
        metrics: Vec::new(),
        facts: Facts {
            in_production_since: Some(ym(2015, 1)),
            ..Facts::default()
        },
    }
}

/// Figures of one month: tax, output, revenue, R&D (yuan), energy (tce), employees.
#[derive(Clone, Copy, Default)]
struct Month {
    tax: Option<i64>,
    output: Option<i64>,
    revenue: Option<i64>,
    rnd: Option<i64>,
    tce: Option<i64>,
    employees: Option<u32>,
}

fn add_month(f: &mut EnterpriseFacts, month: YearMonth, m: Month) {
    let mut r = Metrics::empty(f.enterprise.id, month);
    r.tax = m.tax.map(Yuan);
    r.output_value = m.output.map(Yuan);
    r.revenue = m.revenue.map(Yuan);
    r.rnd_spend = m.rnd.map(Yuan);
    r.energy = m.tce.map(|t| Tce::from_kgce(t * 1000));
    r.employees = m.employees;
    f.metrics.push(r);
}

/// Two months of 2024 whose sums are the given year totals (split 60/40 so both months count)
/// and whose employee counts are `staff`.
fn year_2024(f: &mut EnterpriseFacts, total: Month, staff: [Option<u32>; 2]) {
    let part = |v: Option<i64>, first: bool| {
        v.map(|v| {
            let a = v * 6 / 10;
            if first { a } else { v - a }
        })
    };
    for (i, first) in [(0, true), (1, false)] {
        add_month(
            f,
            ym(2024, i + 1),
            Month {
                tax: part(total.tax, first),
                output: part(total.output, first),
                revenue: part(total.revenue, first),
                rnd: part(total.rnd, first),
                tce: part(total.tce, first),
                employees: staff[i as usize],
            },
        );
    }
}

/// The small county of the hand computation (see `hand_computed_county`).
fn county() -> Vec<EnterpriseFacts> {
    let mut e1 = firm(1, "加美木业", Some(1000));
    year_2024(
        &mut e1,
        Month {
            tax: Some(150_000),
            output: Some(12_000_000),
            revenue: Some(12_000_000),
            rnd: Some(360_000),
            tce: Some(1_000),
            employees: None,
        },
        [Some(40), Some(40)],
    );
    let mut e2 = firm(2, "吉天木业", Some(750));
    year_2024(
        &mut e2,
        Month {
            tax: Some(50_000),
            output: Some(5_000_000),
            revenue: Some(5_000_000),
            rnd: None,
            tce: Some(800),
            employees: None,
        },
        [Some(30), Some(33)],
    );
    let mut e3 = firm(3, "凯莘科技", None);
    year_2024(
        &mut e3,
        Month {
            tax: Some(100_000),
            output: Some(8_000_000),
            revenue: Some(8_000_000),
            rnd: Some(80_000),
            tce: Some(400),
            employees: None,
        },
        [Some(20), Some(20)],
    );
    let mut e4 = firm(4, "鑫源祥木业", Some(2000));
    e4.facts.tech_upgrade_project = true;
    year_2024(
        &mut e4,
        Month {
            tax: Some(20_000),
            output: Some(4_000_000),
            revenue: Some(4_000_000),
            rnd: Some(0),
            tce: Some(2_000),
            employees: None,
        },
        [Some(50), Some(50)],
    );
    // New: first output in 2023-06 (no explicit fact), so 19 months by the end of 2024.
    let mut e5 = firm(5, "琦艺木业", Some(500));
    e5.facts.in_production_since = None;
    add_month(
        &mut e5,
        ym(2023, 5),
        Month {
            output: Some(0),
            ..Month::default()
        },
    );
    add_month(
        &mut e5,
        ym(2023, 6),
        Month {
            output: Some(300_000),
            ..Month::default()
        },
    );
    year_2024(
        &mut e5,
        Month {
            tax: Some(100_000),
            output: Some(1_000_000),
            ..Month::default()
        },
        [None, None],
    );
    let mut e6 = firm(6, "大明矿业", Some(1000));
    e6.facts.above_scale_candidate = true;
    year_2024(
        &mut e6,
        Month {
            tax: Some(30_000),
            output: Some(6_000_000),
            ..Month::default()
        },
        [Some(60), Some(60)],
    );
    vec![e1, e2, e3, e4, e5, e6]
}

fn by_name<'a>(out: &'a [Suggestion], name: &str) -> &'a Suggestion {
    out.iter().find(|s| s.name == name).unwrap()
}

fn points(s: &Suggestion) -> Vec<i64> {
    s.breakdown
        .iter()
        .map(|b| b.points.milli_points())
        .collect()
}

/// Hand computation, year 2024, points = weight × value ÷ benchmark, capped at 1.5 × weight,
/// rounded down to a thousandth. Benchmarks: tax 10 000 yuan/mu (w 40), output 1 000 000
/// yuan/mu (w 30), output 10 000 yuan/tce (w 10), output 500 000 yuan/person (w 10), R&D 2 %
/// (w 10).
///
/// 加美 (10 mu): tax 150 000 → 15 000/mu → 40 × 1.5 = 60.000 (= cap 60);
///   output 12 000 000 → 1 200 000/mu → 30 × 1.2 = 36.000; 1 000 tce → 12 000/tce → 12.000;
///   40 staff → 300 000/person → 10 × 0.6 = 6.000; R&D 360 000 / 12 000 000 = 3 % → 15.000
///   (cap 15). Total 129.000.
/// 吉天 (7.5 mu): tax 50 000 → 6 666.67/mu → 40 × 0.6667 = 26.666 (26.6666… rounded down);
///   output 5 000 000 → 666 666.67/mu → 30 × 0.6667 = 20.000; 800 tce → 6 250/tce → 6.250;
///   staff 30 and 33 → average 31.5 → 158 730.16/person → 10 × 0.31746 = 3.174; no R&D → 0.
///   Total 56.090.
/// 凯莘 (no land area): per-mu → 0 and 0; 400 tce → 20 000/tce → 20 capped to 15.000;
///   20 staff → 400 000 → 8.000; R&D 80 000 / 8 000 000 = 1 % → 5.000. Total 28.000.
/// 鑫源祥 (20 mu): tax 1 000/mu → 4.000; output 200 000/mu → 6.000; 2 000/tce → 2.000;
///   80 000/person → 1.600; R&D 0 → 0. Total 13.600.
/// 琦艺 (5 mu, in production since 2023-06: 19 months): tax 20 000/mu → 60.000 (cap);
///   output 200 000/mu → 6.000; nothing else. 66.000 — the best score, but exempt.
/// 大明 (10 mu): tax 3 000/mu → 12.000; output 600 000/mu → 18.000; no energy → 0;
///   60 staff → 100 000/person → 2.000; no R&D → 0. Total 32.000.
///
/// Graded (琦艺 exempt, not counted): n = 5. Ranks 1 加美, 2 吉天, 3 大明, 4 凯莘, 5 鑫源祥.
/// A: rank × 100 ≤ 20 × 5 → rank 1; B: ≤ 300 → ranks 2-3; C: ≤ 475 → rank 4; D: rank 5.
/// Batches: 加美 A → 1; 吉天 B → 2 (grade rule); 大明 B and candidate → 2 (candidate rule);
/// 凯莘 C → 3; 鑫源祥 D but a tech-upgrade project → 3 (the earlier rule wins).
#[test]
fn hand_computed_county() {
    let out = suggest(&rules(), 2024, &county());
    let names: Vec<_> = out.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "加美木业",
            "吉天木业",
            "大明矿业",
            "凯莘科技",
            "鑫源祥木业",
            "琦艺木业"
        ]
    );

    let e1 = by_name(&out, "加美木业");
    assert_eq!(points(e1), [60_000, 36_000, 12_000, 6_000, 15_000]);
    assert_eq!(e1.score, Some(Score(129_000)));
    assert_eq!(e1.standing, Standing::Graded { rank: 1, of: 5 });
    assert_eq!(e1.grade.as_ref().map(Grade::as_str), Some("A"));
    assert_eq!(e1.batch, Some(Batch::new(1).unwrap()));
    assert_eq!(e1.breakdown[0].value, Quotient::new(15_000, 1));
    assert_eq!(e1.breakdown[4].value.unwrap().floor(), 300);

    let e2 = by_name(&out, "吉天木业");
    assert_eq!(points(e2), [26_666, 20_000, 6_250, 3_174, 0]);
    assert_eq!(e2.score, Some(Score(56_090)));
    assert_eq!(e2.breakdown[0].value.unwrap().format(2), "6666.67");
    assert_eq!(e2.breakdown[3].value.unwrap().format(2), "158730.16");
    assert_eq!(e2.breakdown[4].value, None);
    assert_eq!(e2.grade.as_ref().map(Grade::as_str), Some("B"));
    assert_eq!(e2.batch, Some(Batch::new(2).unwrap()));
    assert_eq!(e2.rule_line, Some(rules().mapping()[4].line));

    let e6 = by_name(&out, "大明矿业");
    assert_eq!(points(e6), [12_000, 18_000, 0, 2_000, 0]);
    assert_eq!(e6.score, Some(Score(32_000)));
    assert_eq!(e6.standing, Standing::Graded { rank: 3, of: 5 });
    assert_eq!(e6.grade.as_ref().map(Grade::as_str), Some("B"));
    assert_eq!(e6.rule_line, Some(rules().mapping()[2].line));

    let e3 = by_name(&out, "凯莘科技");
    assert_eq!(points(e3), [0, 0, 15_000, 8_000, 5_000]);
    assert_eq!(e3.breakdown[0].value, None);
    assert_eq!(e3.score, Some(Score(28_000)));
    assert_eq!(e3.grade.as_ref().map(Grade::as_str), Some("C"));
    assert_eq!(e3.batch, Some(Batch::new(3).unwrap()));

    let e4 = by_name(&out, "鑫源祥木业");
    assert_eq!(points(e4), [4_000, 6_000, 2_000, 1_600, 0]);
    assert_eq!(e4.score, Some(Score(13_600)));
    assert_eq!(e4.grade.as_ref().map(Grade::as_str), Some("D"));
    assert_eq!(e4.batch, Some(Batch::new(3).unwrap()));
    assert_eq!(e4.rule_line, Some(rules().mapping()[3].line));

    let e5 = by_name(&out, "琦艺木业");
    assert_eq!(points(e5), [60_000, 6_000, 0, 0, 0]);
    assert_eq!(e5.score, Some(Score(66_000)));
    assert_eq!(e5.standing, Standing::Exempt { since: ym(2023, 6) });
    assert_eq!((e5.grade.as_ref(), e5.batch), (None, None));

    // The test county records two months of 2024 and no R&D spending: the reason says so.
    assert_eq!(
        e2.reason.zh(),
        "得分 56.090，在参评的 5 家企业中排第 2（前 40%），评为 B 级；B 级 → 建议第2批（培育壮大）。注意：2024 年只有 2/12 个月的数据，得分按已有月份计；缺少研发投入，相应指标记 0 分"
    );
    assert_eq!(
        e2.reason.en(),
        "score 56.090, rank 2 of 5 graded enterprises (top 40%), grade B; grade B → batch 2 (cultivate and grow). Note: only 2 of 12 months of 2024 have figures: scored on those; missing R&D spending: those indicators score 0"
    );
    assert_eq!((e2.months, e2.missing.len()), (2, 1));
    assert!(e5.reason.en().contains("exempt"), "{}", e5.reason.en());
}

#[test]
fn reproducible_whatever_the_input_order() {
    let rules = rules();
    let mut county = county();
    let first = suggest(&rules, 2024, &county);
    county.reverse();
    assert_eq!(suggest(&rules, 2024, &county), first);
    assert_eq!(
        suggest(&rules, 2024, &county),
        suggest(&rules, 2024, &county)
    );
}

#[test]
fn no_data_out_of_scope_and_foreign_records() {
    let mut quiet = firm(7, "下田", Some(1000));
    add_month(
        &mut quiet,
        ym(2023, 3),
        Month {
            tax: Some(1),
            output: Some(1),
            ..Month::default()
        },
    );
    let mut shop = firm(8, "京鑫商贸", Some(100));
    shop.enterprise.sector = Sector::Retail;
    year_2024(
        &mut shop,
        Month {
            tax: Some(1),
            ..Month::default()
        },
        [None, None],
    );
    // Records of another enterprise are ignored, so this one has no data either.
    let mut borrowed = firm(9, "博华", Some(1000));
    borrowed.metrics = county()[0].metrics.clone();
    let out = suggest(&rules(), 2024, &[quiet, shop, borrowed]);
    assert_eq!(out[0].name, "下田");
    assert_eq!(out[0].standing, Standing::NoData);
    assert_eq!(out[0].score, None);
    assert_eq!(
        out[0].reason.en(),
        "no monthly figures for 2024: cannot score"
    );
    assert_eq!(out[1].standing, Standing::OutOfScope);
    assert_eq!(out[1].reason.zh(), "行业为零售业，不在评价范围内");
    assert_eq!(out[2].standing, Standing::NoData);
    assert!(out.iter().all(|s| s.batch.is_none() && s.grade.is_none()));
}

#[test]
fn exemption_boundary_is_two_full_years() {
    let rules = rules();
    let make = |since: YearMonth| {
        let mut f = firm(1, "联壮", Some(1000));
        f.facts.in_production_since = Some(since);
        year_2024(
            &mut f,
            Month {
                tax: Some(10_000),
                ..Month::default()
            },
            [None, None],
        );
        suggest(&rules, 2024, &[f]).remove(0).standing
    };
    // 2023-01 to 2024-12 is 24 months: graded. 2023-02 is 23: exempt.
    assert_eq!(make(ym(2023, 1)), Standing::Graded { rank: 1, of: 1 });
    assert_eq!(make(ym(2023, 2)), Standing::Exempt { since: ym(2023, 2) });
    // Starting after the scored year is exempt too.
    assert_eq!(make(ym(2025, 3)), Standing::Exempt { since: ym(2025, 3) });
    // Never any output and no fact: not known to be new, so graded.
    let mut f = firm(1, "东糖", Some(1000));
    f.facts.in_production_since = None;
    year_2024(
        &mut f,
        Month {
            tax: Some(10_000),
            ..Month::default()
        },
        [None, None],
    );
    let s = suggest(&rules, 2024, &[f]).remove(0);
    assert_eq!(s.standing, Standing::Graded { rank: 1, of: 1 });
}

fn graded(scores: &[i64]) -> Vec<(String, String)> {
    let inputs: Vec<_> = scores
        .iter()
        .enumerate()
        .map(|(i, &tax)| {
            // 10 mu, only tax: points = 40 × tax / 100 000, so tax 1 000 is 0.4 points.
            let mut f = firm(
                u32::try_from(i).unwrap(),
                &format!("企业{i:02}"),
                Some(1000),
            );
            year_2024(
                &mut f,
                Month {
                    tax: Some(tax),
                    ..Month::default()
                },
                [None, None],
            );
            f
        })
        .collect();
    suggest(&rules(), 2024, &inputs)
        .into_iter()
        .map(|s| (s.name, s.grade.map(|g| g.to_string()).unwrap_or_default()))
        .collect()
}

fn grades_of(out: &[(String, String)]) -> String {
    out.iter().map(|(_, g)| g.as_str()).collect()
}

#[test]
fn percentile_bands() {
    // Ten distinct scores: A ranks 1-2, B 3-6, C 7-9 (9 × 100 ≤ 950), D 10.
    let ten: Vec<i64> = (1..=10).map(|i| i * 1000).collect();
    assert_eq!(grades_of(&graded(&ten)), "AABBBBCCCD");
    // Five: A 1, B 2-3, C 4 (400 ≤ 475), D 5.
    assert_eq!(grades_of(&graded(&[5000, 4000, 3000, 2000, 1000])), "ABBCD");
    // Twenty: A 1-4, B 5-12, C 13-19, D 20.
    let twenty: Vec<i64> = (1..=20).map(|i| i * 1000).collect();
    assert_eq!(grades_of(&graded(&twenty)), "AAAABBBBBBBBCCCCCCCD");
}

#[test]
fn a_county_of_one_is_graded_at_the_top() {
    assert_eq!(grades_of(&graded(&[1000])), "A");
    // Even with no points at all.
    assert_eq!(grades_of(&graded(&[0])), "A");
}

#[test]
fn ties_share_the_better_grade_and_sort_by_uscc() {
    // Two tied at the top of five: both rank 1, both A.
    let out = graded(&[3000, 5000, 5000, 2000, 1000]);
    assert_eq!(grades_of(&out), "AABCD");
    // Tied firms are listed by USCC; firm i has the i-th USCC, so 企业01 before 企业02.
    assert_eq!(out[0].0, "企业01");
    assert_eq!(out[1].0, "企业02");
    // Two tied across the B/C boundary of five (ranks 3 and 4): both rank 3, both B.
    assert_eq!(grades_of(&graded(&[5000, 4000, 3000, 3000, 1000])), "ABBBD");
    // Everyone tied: everyone A.
    assert_eq!(grades_of(&graded(&[7, 7, 7])), "AAA");
}

#[test]
fn exempt_firms_are_not_counted_in_percentiles() {
    // Without the exempt 琦艺, five are graded; 加美 is rank 1 of 5 although 琦艺 scores less
    // than 加美 but more than every other firm.
    let out = suggest(&rules(), 2024, &county());
    for s in &out {
        if let Standing::Graded { of, .. } = s.standing {
            assert_eq!(of, 5);
        }
    }
    assert_eq!(
        by_name(&out, "吉天木业").standing,
        Standing::Graded { rank: 2, of: 5 }
    );
}

#[test]
fn mapping_first_match_wins() {
    let rules = rules();
    let a = Grade("A".into());
    let d = Grade("D".into());
    let pick = |grade: &Grade, facts: Facts| {
        rules
            .mapping()
            .iter()
            .find(|r| r.matches(grade, &facts))
            .map(|r| r.batch.number())
    };
    let stopped = Facts {
        stopped: true,
        above_scale_candidate: true,
        ..Facts::default()
    };
    assert_eq!(pick(&a, stopped), Some(4), "stopped comes before grade A");
    let candidate = Facts {
        above_scale_candidate: true,
        tech_upgrade_project: true,
        ..Facts::default()
    };
    assert_eq!(pick(&a, candidate), Some(1));
    assert_eq!(
        pick(&d, candidate),
        Some(2),
        "candidate before tech project"
    );
    assert_eq!(pick(&d, Facts::default()), Some(4));
}

#[test]
fn fallback_and_no_fallback() {
    let base = TEST_RULES.split("[[rule]]").next().unwrap();
    let only_a = format!(
        "{base}[[rule]]\ngrades = [\"A\"]\nbatch = 1\nreason = {{ zh = \"A 级\", en = \"grade A\" }}\n"
    );
    let rules = Rules::parse(&only_a).unwrap();
    let out = suggest(&rules, 2024, &county());
    let e2 = by_name(&out, "吉天木业");
    assert_eq!(e2.batch, None);
    assert_eq!(e2.rule_line, None);
    assert!(
        e2.reason
            .en()
            .contains("; no rule matched: the officer decides. Note: "),
        "{}",
        e2.reason.en()
    );

    let with_fallback = format!(
        "{only_a}\n[fallback]\nbatch = 3\nreason = {{ zh = \"其他\", en = \"anything else\" }}\n"
    );
    let rules = Rules::parse(&with_fallback).unwrap();
    let out = suggest(&rules, 2024, &county());
    let e2 = by_name(&out, "吉天木业");
    assert_eq!(e2.batch, Some(Batch::new(3).unwrap()));
    assert!(
        e2.reason
            .en()
            .contains("; anything else → batch 3 (tech upgrade). Note: "),
        "{}",
        e2.reason.en()
    );
    assert_eq!(
        by_name(&out, "加美木业").batch,
        Some(Batch::new(1).unwrap())
    );
}

#[test]
fn shipped_rules_are_valid_and_match_the_default_policy() {
    let rules = Rules::shipped().unwrap();
    assert_eq!(rules.policy(), &BatchPolicy::default());
    assert_eq!(rules.exempt_months(), 24);
    assert_eq!(rules.cap_percent(), 150);
    assert_eq!(rules.sectors(), [Sector::Industry]);
    assert_eq!(
        rules.indicators().iter().map(|i| i.weight).sum::<u32>(),
        100
    );
    assert_eq!(rules.indicators()[0].benchmark, 30_000);
    assert_eq!(rules.indicators()[4].benchmark, 200);
    let grades: Vec<_> = rules
        .grades()
        .iter()
        .map(|g| (g.grade.to_string(), g.top_percent))
        .collect();
    assert_eq!(
        grades,
        [
            ("A".to_owned(), 20),
            ("B".to_owned(), 60),
            ("C".to_owned(), 95),
            ("D".to_owned(), 100)
        ]
    );
    assert_eq!(rules.fallback().batch, Batch::new(4).ok());
    assert_eq!(rules.content_hash().len(), 64);
    // The shipped rules run on the test county too.
    let out = suggest(&rules, 2024, &county());
    assert_eq!(out.len(), 6);
}

#[test]
fn policy_defaults() {
    let p = BatchPolicy::default();
    let b = |n| Batch::new(n).unwrap();
    assert_eq!(p.label(b(1)).zh(), "重点保障");
    assert_eq!(p.label(b(4)).en(), "adjust and revitalise");
    assert_eq!(p.factor_guarantee_working_days(Some(b(1))), Some(3));
    assert_eq!(p.factor_guarantee_working_days(Some(b(2))), Some(3));
    assert_eq!(p.factor_guarantee_working_days(Some(b(3))), None);
    assert_eq!(p.factor_guarantee_working_days(None), None);
    assert!(p.weekly_rank(Some(b(2))) < p.weekly_rank(Some(b(3))));
    assert!(p.weekly_rank(Some(b(4))) < p.weekly_rank(None));
    assert!(p.services().iter().all(|s| !s.service.zh().is_empty()));
    assert_eq!(BatchPolicy::new(p.services().to_vec()), Some(p.clone()));
    assert_eq!(BatchPolicy::new(p.services()[..3].to_vec()), None);
}

#[test]
fn policy_is_configurable() {
    let text = format!(
        "{TEST_RULES}\n[[batch]]\nnumber = 2\nweekly_rank = 3\nfactor_guarantee_working_days = 5\n\n[[batch]]\nnumber = 1\nfactor_guarantee_working_days = 0\nlabel = {{ zh = \"重点\", en = \"key\" }}\n"
    );
    let rules = Rules::parse(&text).unwrap();
    let p = rules.policy();
    let b = |n| Batch::new(n).unwrap();
    assert_eq!(p.factor_guarantee_working_days(Some(b(2))), Some(5));
    assert_eq!(p.weekly_rank(Some(b(2))), 3);
    assert_eq!(p.factor_guarantee_working_days(Some(b(1))), None);
    assert_eq!(p.label(b(1)).en(), "key");
    // Untouched fields keep their defaults.
    assert_eq!(
        p.service(b(1)).service,
        BatchPolicy::default().service(b(1)).service
    );
}

/// A hostile batch-rules file: 500,000 unknown keys before the shipped rules, checked in time
/// linear in the file (see the track's test of the same name); the time is printed.
#[test]
fn five_hundred_thousand_unknown_keys_are_checked_in_linear_time() {
    let n = 500_000;
    let mut text: String = (0..n).map(|i| format!("unknown_{i} = {i}\n")).collect();
    text.push_str(SHIPPED_RULES);
    let started = std::time::Instant::now();
    let errors = Rules::parse(&text).unwrap_err();
    let took = started.elapsed();
    assert_eq!(errors.problems.len(), n);
    assert!(
        errors
            .problems
            .iter()
            .all(|p| p.code == ProblemCode::UnknownField)
    );
    eprintln!(
        "a batch-rules file of {} bytes with {n} unknown keys checked in {took:?}",
        text.len()
    );
}

#[test]
fn bad_rule_file_lists_every_problem_with_its_line() {
    let text = r#"versoin = "x"
[score]
sectors = ["industry", "mining"]
cap_percent = 50

[[indicator]]
key = "tax_per_mu"
benchmark = -5
weight = 40

[[indicator]]
key = "profit_per_mu"
benchmark = 100
weight = 2000

[[indicator]]
key = "rnd_ratio"
benchmark = "two percent"

[[grade]]
key = "A"
top_percent = 50

[[grade]]
key = "B"
top_percent = 40

[[grade]]
key = "C"
top_percent = 90

[[batch]]
number = 5
label = { zh = "五" }

[[rule]]
batch = 1
reason = { zh = "任何", en = "anything" }

[[rule]]
grades = ["Z"]
stopped = "yes"
batch = 2
"#;
    let err = Rules::parse(text).unwrap_err();
    let got: Vec<(usize, ProblemCode)> = err.problems.iter().map(|p| (p.line, p.code)).collect();
    assert_eq!(
        got,
        [
            (1, ProblemCode::UnknownField),
            (3, ProblemCode::BadValue),
            (4, ProblemCode::BadValue),
            (8, ProblemCode::BadValue),
            (12, ProblemCode::BadValue),
            (14, ProblemCode::BadValue),
            (16, ProblemCode::MissingField),
            (18, ProblemCode::BadValue),
            (26, ProblemCode::Inconsistent),
            (30, ProblemCode::Inconsistent),
            (33, ProblemCode::BadValue),
            (34, ProblemCode::MissingLabel),
            (40, ProblemCode::MissingLabel),
            (41, ProblemCode::BadValue),
            (42, ProblemCode::WrongType),
        ],
        "{err}"
    );
    let shown = err.to_string();
    assert!(
        shown.starts_with("the batch rules are invalid (15 problems):"),
        "{shown}"
    );
    assert!(
        shown.contains("line 12: unknown indicator \"profit_per_mu\""),
        "{shown}"
    );
    assert!(
        shown.contains("line 41: rule #2 (line 40) names the undefined grade \"Z\""),
        "{shown}"
    );
    let zh = peiyu_domain::Localize::localize(&err, peiyu_domain::Lang::Zh);
    assert!(zh.zh().contains("第 26 行"), "{}", zh.zh());
}

#[test]
fn syntax_errors_and_missing_sections() {
    let err = Rules::parse("[[indicator]\nkey = 1\n").unwrap_err();
    assert_eq!(err.problems[0].code, ProblemCode::Syntax);
    assert_eq!(err.problems[0].line, 1);
    let err = Rules::parse("version = \"empty\"\n").unwrap_err();
    let codes: Vec<_> = err.problems.iter().map(|p| p.code).collect();
    assert_eq!(
        codes,
        [ProblemCode::MissingField, ProblemCode::MissingField]
    );
    // A catch-all rule followed by another: the second can never apply.
    let text = format!(
        "{TEST_RULES}\n[[rule]]\nbatch = 2\nreason = {{ zh = \"全部\", en = \"all\" }}\n\n[[rule]]\ngrades = [\"A\"]\nbatch = 1\nreason = {{ zh = \"A\", en = \"A\" }}\n"
    );
    let err = Rules::parse(&text).unwrap_err();
    assert_eq!(err.problems.len(), 1, "{err}");
    assert_eq!(err.problems[0].code, ProblemCode::Inconsistent);
}

#[test]
fn benchmarks_in_text() {
    assert_eq!(parse::parse_percent_bp_for_tests("2%"), Some(200));
    assert_eq!(parse::parse_percent_bp_for_tests("2.5%"), Some(250));
    assert_eq!(parse::parse_percent_bp_for_tests(" 0.05 %"), Some(5));
    for bad in ["2", "2.555%", "-1%", "%", ".5%", "1e2%"] {
        assert_eq!(parse::parse_percent_bp_for_tests(bad), None, "{bad}");
    }
    let big = TEST_RULES.replace(
        "benchmark = 10000\nweight = 40",
        &format!("benchmark = {}\nweight = 40", MAX_BENCHMARK + 1),
    );
    let err = Rules::parse(&big).unwrap_err();
    assert_eq!(err.problems[0].code, ProblemCode::BadValue);
}

#[test]
fn score_display() {
    assert_eq!(Score(129_000).to_string(), "129.000");
    assert_eq!(Score(3_174).to_string(), "3.174");
    assert_eq!(Score(5).to_string(), "0.005");
    assert_eq!(Score(-1_500).to_string(), "-1.500");
}

#[test]
fn quotient_formats_and_compares() {
    let q = |n, d| Quotient::new(n, d).unwrap();
    assert_eq!(q(2, 3).format(2), "0.67");
    assert_eq!(q(-2, 3).format(2), "-0.67");
    assert_eq!(q(1, 200).format(2), "0.01");
    assert_eq!(q(1, 201).format(2), "0.00");
    assert_eq!(q(7, 2).format(0), "4");
    assert_eq!(q(1, 2), q(2, 4));
    assert!(q(1, 3) < q(1, 2));
    assert!(Quotient::new(1, 0).is_none());
    // Beyond cross-multiplication's range.
    let huge = i128::MAX / 3;
    // 1 + 1/(huge - 1) < 1 + 1/(huge - 2)
    assert!(q(huge, huge - 1) < q(huge - 1, huge - 2));
    assert!(q(huge, huge - 1) > q(1, 1));
}

proptest! {
    #[test]
    fn quotient_order_matches_cross_multiplication(
        an in -10_000i128..10_000, ad in 1i128..10_000,
        bn in -10_000i128..10_000, bd in 1i128..10_000,
    ) {
        let (a, b) = (Quotient::new(an, ad).unwrap(), Quotient::new(bn, bd).unwrap());
        prop_assert_eq!(a.cmp(&b), (an * bd).cmp(&(bn * ad)));
    }

    /// More tax, everything else the same: the score is not lower, and neither is the grade.
    #[test]
    fn score_is_monotone_in_tax(
        tax in 0i64..50_000_000,
        extra in 0i64..50_000_000,
        output in proptest::option::of(0i64..500_000_000),
        tce in proptest::option::of(1i64..100_000),
        staff in proptest::option::of(1u32..5_000),
        land in proptest::option::of(1i64..1_000_000),
        others in proptest::collection::vec(0i64..20_000_000, 0..6),
    ) {
        let rules = rules();
        let make = |tax: i64| {
            let mut f = firm(0, "测试", land);
            year_2024(
                &mut f,
                Month { tax: Some(tax), output, revenue: output, rnd: None, tce, employees: None },
                [staff, staff],
            );
            f
        };
        let (low, high) = (make(tax), make(tax + extra));
        let (s_low, s_high) = (score(&rules, 2024, &low), score(&rules, 2024, &high));
        prop_assert!(s_high.score >= s_low.score);

        let county = |f: EnterpriseFacts| {
            let mut all: Vec<_> = others.iter().enumerate().map(|(i, &t)| {
                let mut o = firm(u32::try_from(i).unwrap() + 1, &format!("其他{i}"), Some(1000));
                year_2024(&mut o, Month { tax: Some(t), ..Month::default() }, [None, None]);
                o
            }).collect();
            all.push(f);
            let out = suggest(&rules, 2024, &all);
            let me = out.into_iter().find(|s| s.name == "测试").unwrap();
            (me.score, rules.grades().iter().position(|g| Some(&g.grade) == me.grade.as_ref()))
        };
        let (a, ga) = county(low);
        let (b, gb) = county(high);
        prop_assert!(b >= a);
        prop_assert!(gb <= ga, "a higher score never gets a worse grade");
    }
}

#[test]
fn a_message_quotes_at_most_a_hundred_characters_of_a_value() {
    let long = "z".repeat(150);
    let text = SHIPPED_RULES
        .replace(
            "sectors = [\"industry\"]",
            &format!("sectors = [\"{long}\"]"),
        )
        .replace("key = \"rnd_ratio\"", &format!("key = \"{long}\""))
        .replace("grades = [\"D\"]", &format!("grades = [\"{long}\"]"))
        .replace("[exempt]", &format!("[exempt]\n{long} = 1"));
    let err = Rules::parse(&text).unwrap_err();
    let shown = format!("{}…", "z".repeat(100));
    for p in &err.problems {
        for m in [p.message.zh(), p.message.en()] {
            assert!(!m.contains(&"z".repeat(101)), "{m}");
            assert!(m.contains(&shown), "{m}");
        }
    }
    assert_eq!(err.problems.len(), 4, "{err}");
}

#[test]
fn records_that_begin_with_output_do_not_make_a_firm_new() {
    let rules = rules();
    // Figures entered from 2024-01 on, with output from the first month: production began
    // before the records did, so the firm is graded, not exempt.
    let mut f = firm(1, "联壮", Some(1000));
    f.facts.in_production_since = None;
    year_2024(
        &mut f,
        Month {
            tax: Some(10_000),
            output: Some(500_000),
            ..Month::default()
        },
        [None, None],
    );
    let s = suggest(&rules, 2024, &[f]).remove(0);
    assert_eq!(s.standing, Standing::Graded { rank: 1, of: 1 });
    assert!(s.completeness(2024).is_some());
}
