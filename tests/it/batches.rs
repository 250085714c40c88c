//! Batch lists: one batch per enterprise per list through every path, moves in the history.

use chrono::{TimeZone, Utc};
use peiyu_domain::{Batch, LandArea, LegalForm, NewEnterprise, Sector};
use peiyu_service::{ErrorKind, HistoryQuery, ListChange, TimelineKind};
use peiyu_storage::{Actor, BatchChange, StorageError, batches};
use peiyu_tests::{on_every_backend, service_at, uscc};

fn change(name: &str, batch: u8, reason: &str, on: &str) -> ListChange {
    ListChange {
        enterprise: name.into(),
        year: 2023,
        batch: Some(Batch::new(batch).unwrap()),
        suggested: None,
        reason: reason.into(),
        on: Some(on.parse().unwrap()),
    }
}

/// An industrial firm of 运江镇 named `name`, with the `n`-th test code.
async fn add_firm(
    service: &peiyu_service::Service,
    admin: &peiyu_domain::Officer,
    n: u32,
    name: &str,
) {
    service
        .add_enterprise(
            admin,
            NewEnterprise {
                uscc: uscc(n),
                name: name.into(),
                sector: Sector::Industry,
                town: "运江镇".into(),
                address: String::new(),
                land_area: None,
                legal_form: LegalForm::LegalEntity,
                responsible_officer: None,
            },
            None,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn an_enterprise_is_in_one_batch_of_a_list_through_every_path() {
    on_every_backend(async |db| {
        let now = Utc.with_ymd_and_hms(2024, 1, 10, 2, 0, 0).single().unwrap();
        let (service, admin) = service_at(db, now).await;
        let e = service
            .add_enterprise(
                &admin,
                NewEnterprise {
                    uscc: uscc(700),
                    name: "锦华水泥".into(),
                    sector: Sector::Industry,
                    town: "石龙镇".into(),
                    address: String::new(),
                    land_area: Some(LandArea::parse("120").unwrap()),
                    legal_form: LegalForm::LegalEntity,
                    responsible_officer: None,
                },
                None,
            )
            .await
            .unwrap()
            .enterprise;
        service
            .assign_batch(&admin, &change("锦华水泥", 1, "林地指标", "2023-02-01"))
            .await
            .unwrap();
        // Through the service: a clear error naming the batch it is in.
        let err = service
            .assign_batch(&admin, &change("锦华水泥", 2, "again", "2023-03-01"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert!(err.to_string().contains("batch 1"), "{err}");
        // Through storage directly, bypassing the service's check: the unique key refuses it.
        let list = batches::find_list(service.store().conn(), 2023)
            .await
            .unwrap()
            .unwrap()
            .value;
        let mut uow = service
            .store()
            .begin(Actor::system(), None, now)
            .await
            .unwrap();
        let err = batches::apply_change(
            &mut uow,
            &BatchChange {
                list,
                enterprise: e.id,
                current: None,
                to: Some(Batch::new(3).unwrap()),
                suggested: None,
                effective_on: "2023-03-01".parse().unwrap(),
                reason: "bypass".into(),
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(err, StorageError::Duplicate { .. }), "{err:?}");
        uow.rollback().await.unwrap();
        let view = service.batch_list(&admin, 2023, None).await.unwrap();
        assert_eq!(view.entries.len(), 1);
        assert_eq!(view.entries[0].0.batch.number(), 1);

        // A move shows in the enterprise's history with who, when, from, to and why.
        service
            .move_batch(&admin, &change("锦华水泥", 2, "指标已落实", "2023-06-01"))
            .await
            .unwrap();
        let (_, timeline) = service
            .enterprise_history(&admin, "锦华水泥", &HistoryQuery::default())
            .await
            .unwrap();
        let moves: Vec<_> = timeline
            .iter()
            .filter(|l| l.kind == TimelineKind::Batch)
            .collect();
        assert_eq!(moves.len(), 2);
        let last = moves[1];
        assert_eq!(last.actor, "admin");
        assert_eq!(last.effective_on, Some("2023-06-01".parse().unwrap()));
        assert_eq!(last.from.as_deref(), Some("1"));
        assert_eq!(last.to.as_deref(), Some("2"));
        assert_eq!(last.reason.as_deref(), Some("指标已落实"));
    })
    .await;
}

#[tokio::test]
async fn copy_and_diff_a_years_list() {
    on_every_backend(async |db| {
        let now = Utc.with_ymd_and_hms(2024, 1, 10, 2, 0, 0).single().unwrap();
        let (service, admin) = service_at(db, now).await;
        for (i, name) in ["甲厂", "乙厂", "丙厂"].iter().enumerate() {
            add_firm(&service, &admin, 710 + i as u32, name).await;
            service
                .assign_batch(&admin, &change(name, (i + 2) as u8, "列入", "2023-02-01"))
                .await
                .unwrap();
        }
        let copied = service
            .copy_batch_list(&admin, 2023, 2024, None)
            .await
            .unwrap();
        assert_eq!(copied.entries.len(), 3);
        let mut up = change("乙厂", 1, "上调", "2024-01-10");
        up.year = 2024;
        service.move_batch(&admin, &up).await.unwrap();
        let mut out = change("丙厂", 4, "移出", "2024-01-10");
        out.year = 2024;
        service.remove_batch(&admin, &out).await.unwrap();
        let diff = service.diff_batch_lists(&admin, 2023, 2024).await.unwrap();
        assert_eq!(diff.moved_up.len(), 1);
        assert_eq!(diff.moved_up[0].0.name, "乙厂");
        assert_eq!(diff.left.len(), 1);
        assert_eq!(diff.left[0].0.name, "丙厂");
        assert_eq!(diff.unchanged, 1);
        assert!(diff.entered.is_empty() && diff.moved_down.is_empty());
        // Copying onto a year that has a list is refused and changes nothing.
        let err = service
            .copy_batch_list(&admin, 2023, 2024, None)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
    })
    .await;
}

#[tokio::test]
async fn a_year_entered_late_keeps_its_own_dates() {
    on_every_backend(async |db| {
        // Catching up in March with January's work: the copy, the publishing and the moves
        // take the days they name, and a later move dated after them is accepted.
        let now = Utc.with_ymd_and_hms(2024, 3, 1, 2, 0, 0).single().unwrap();
        let (service, admin) = service_at(db, now).await;
        for (i, name) in ["甲厂", "乙厂"].iter().enumerate() {
            add_firm(&service, &admin, 730 + i as u32, name).await;
            service
                .assign_batch(&admin, &change(name, 3, "列入", "2023-02-01"))
                .await
                .unwrap();
        }
        let on = |d: &str| Some(d.parse::<chrono::NaiveDate>().unwrap());
        service
            .copy_batch_list(&admin, 2023, 2024, on("2024-01-05"))
            .await
            .unwrap();
        let published = service
            .publish_batch_list(&admin, 2024, None, on("2024-01-06"))
            .await
            .unwrap();
        assert_eq!(published.value.year, 2024);
        let mut up = change("乙厂", 1, "上调", "2024-01-10");
        up.year = 2024;
        service.move_batch(&admin, &up).await.unwrap();
        // A move before the copied entry's own day is still refused, naming it.
        let mut early = change("甲厂", 2, "补录", "2024-01-02");
        early.year = 2024;
        let err = service.move_batch(&admin, &early).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert!(err.to_string().contains("2024-01-05"), "{err}");
        // The history tells the days as entered.
        let (_, moves) = service.batch_history(&admin, "乙厂").await.unwrap();
        let days: Vec<String> = moves
            .iter()
            .filter(|(year, _)| *year == 2024)
            .map(|(_, m)| m.effective_on.to_string())
            .collect();
        assert_eq!(days, ["2024-01-05", "2024-01-10"]);
        // Not after today.
        let err = service
            .copy_batch_list(&admin, 2024, 2025, on("2024-03-02"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
    })
    .await;
}
