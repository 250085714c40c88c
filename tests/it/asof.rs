//! "As of" any date: a generated year of history, with a snapshot of the county's lists taken
//! after each day's moves; rebuilding every day from history alone must give the snapshot.

use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeZone, Utc};
use peiyu_domain::{Batch, LandArea, LegalForm, NewEnterprise, Sector};
use peiyu_service::{AdvanceCase, AsOfQuery, ListChange, OpenCase, Service};
use peiyu_tests::{on_every_backend, service_at, uscc};

type Snapshot = (BTreeSet<(String, u8)>, BTreeSet<(String, String)>);

/// A small deterministic generator (tests only).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

const PATH: [&str; 6] = [
    "candidate",
    "cultivating",
    "qualified",
    "applied",
    "registered",
    "upgrading",
];

async fn snapshot(service: &Service, names: &[(peiyu_domain::EnterpriseId, String)]) -> Snapshot {
    // Read the current state straight from the tables (not from history).
    let conn = service.store().conn();
    let name_of = |id| {
        names
            .iter()
            .find(|(e, _)| *e == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let mut listed = BTreeSet::new();
    if let Some(list) = peiyu_storage::batches::find_list(conn, 2023).await.unwrap() {
        for entry in peiyu_storage::batches::entries(conn, list.value.id)
            .await
            .unwrap()
        {
            listed.insert((name_of(entry.enterprise), entry.batch.number()));
        }
    }
    let staged = peiyu_storage::cultivations::list_cultivations(conn, None, None)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (name_of(c.value.enterprise), c.value.stage.to_string()))
        .collect();
    (listed, staged)
}

#[tokio::test]
async fn as_of_lists_match_snapshots_for_every_day_of_a_generated_year() {
    on_every_backend(async |db| {
        let now = Utc.with_ymd_and_hms(2024, 1, 10, 2, 0, 0).single().unwrap();
        let (service, admin) = service_at(db, now).await;
        let mut names = Vec::new();
        let mut ids = Vec::new();
        for i in 0..6u32 {
            let name = format!("历史企业{i}");
            let added = service
                .add_enterprise(
                    &admin,
                    NewEnterprise {
                        uscc: uscc(500 + i),
                        name: name.clone(),
                        sector: Sector::Industry,
                        town: "石龙镇".into(),
                        address: String::new(),
                        land_area: Some(LandArea::parse("10").unwrap()),
                        legal_form: LegalForm::LegalEntity,
                        responsible_officer: None,
                    },
                    None,
                )
                .await
                .unwrap();
            ids.push((added.enterprise.id, name.clone()));
            names.push(name);
        }
        let mut rng = Lcg(20230101);
        let mut stage: Vec<Option<usize>> = vec![None; names.len()];
        let mut batch: Vec<Option<u8>> = vec![None; names.len()];
        let mut snapshots: Vec<(NaiveDate, Snapshot)> = Vec::new();
        let mut day = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap();
        while day <= end {
            if rng.next(3) == 0 {
                let i = rng.next(names.len() as u64) as usize;
                let name = names[i].clone();
                if rng.next(2) == 0 {
                    // A batch-list change.
                    let change = |b: Option<u8>, reason: &str| ListChange {
                        enterprise: name.clone(),
                        year: 2023,
                        batch: b.map(|n| Batch::new(n).unwrap()),
                        suggested: None,
                        reason: reason.into(),
                        on: Some(day),
                    };
                    match batch[i] {
                        None => {
                            let b = rng.next(4) as u8 + 1;
                            service
                                .assign_batch(&admin, &change(Some(b), "列入"))
                                .await
                                .unwrap();
                            batch[i] = Some(b);
                        }
                        Some(_) if rng.next(4) == 0 => {
                            service
                                .remove_batch(&admin, &change(None, "移出"))
                                .await
                                .unwrap();
                            batch[i] = None;
                        }
                        Some(cur) => {
                            let b = (cur % 4) + 1;
                            service
                                .move_batch(&admin, &change(Some(b), "调整"))
                                .await
                                .unwrap();
                            batch[i] = Some(b);
                        }
                    }
                } else {
                    // A stage move (the admin overrides the guards with a reason).
                    match stage[i] {
                        None => {
                            service
                                .open_case(
                                    &admin,
                                    OpenCase {
                                        enterprise: name.clone(),
                                        track: "industrial".into(),
                                        on: Some(day),
                                        ..OpenCase::default()
                                    },
                                )
                                .await
                                .unwrap();
                            stage[i] = Some(0);
                        }
                        Some(s) if s + 1 < PATH.len() => {
                            let to = if s == 3 && rng.next(3) == 0 { 2 } else { s + 1 };
                            service
                                .advance_case(
                                    &admin,
                                    AdvanceCase {
                                        enterprise: name.clone(),
                                        track: "industrial".into(),
                                        to: PATH[to].into(),
                                        reason: Some("生成的历史".into()),
                                        evidence: vec!["测试".into()],
                                        override_guards: true,
                                        on: Some(day),
                                        ..AdvanceCase::default()
                                    },
                                )
                                .await
                                .unwrap();
                            stage[i] = Some(to);
                        }
                        Some(_) => {}
                    }
                }
            }
            snapshots.push((day, snapshot(&service, &ids).await));
            day = day.succ_opt().unwrap();
        }
        assert_eq!(snapshots.len(), 365);
        let mut changed_days = 0;
        let mut previous: Option<&Snapshot> = None;
        for (day, expected) in &snapshots {
            let view = service
                .as_of(&admin, *day, &AsOfQuery::default())
                .await
                .unwrap();
            let listed: BTreeSet<(String, u8)> = view
                .listed
                .iter()
                .filter(|l| l.year == 2023)
                .map(|l| (l.enterprise.name.clone(), l.batch.number()))
                .collect();
            let staged: BTreeSet<(String, String)> = view
                .staged
                .iter()
                .map(|s| (s.enterprise.name.clone(), s.stage.clone()))
                .collect();
            assert_eq!(&(listed, staged), expected, "as of {day}");
            if previous != Some(expected) {
                changed_days += 1;
            }
            previous = Some(expected);
        }
        assert!(
            changed_days > 50,
            "the generated year has too few changes: {changed_days}"
        );
    })
    .await;
}
