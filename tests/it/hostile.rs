//! Hostile and careless input, on every backend: LIKE wildcards in a name search are taken
//! literally, a task is named by at least 8 characters of its id, a headcount beyond the stated
//! range is refused by name and nothing is stored.

use peiyu_domain::{Metrics, NewEnterprise, TaskKind, YearMonth};
use peiyu_service::{Due, ErrorKind, Field, ListEnterprises, NewTask, ServiceError, short_id};
use peiyu_tests::{midyear, on_every_backend, service_at};

fn named(n: u32, name: &str) -> NewEnterprise {
    peiyu_tests::new_enterprise(n, name)
}

#[tokio::test]
async fn like_wildcards_in_a_name_search_are_taken_literally() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        for (n, name) in [
            (1, "增长50%机械厂"),
            (2, "500强机械厂"),
            (3, "甲_乙贸易"),
            (4, "甲丙乙贸易"),
        ] {
            service
                .add_enterprise(&admin, named(n, name), None)
                .await
                .unwrap();
        }
        let search = async |text: &str| {
            service
                .list_enterprises(
                    &admin,
                    &ListEnterprises {
                        name_contains: Some(text.into()),
                        ..ListEnterprises::default()
                    },
                )
                .await
                .unwrap()
                .into_iter()
                .map(|v| v.enterprise.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(search("50%").await, vec!["增长50%机械厂".to_owned()]);
        assert_eq!(search("甲_乙").await, vec!["甲_乙贸易".to_owned()]);
        assert_eq!(search("%").await, vec!["增长50%机械厂".to_owned()]);
        assert_eq!(search("!").await, Vec::<String>::new());
        assert_eq!(search("机械").await.len(), 2);
        // Resolving one enterprise by part of its name goes the same way.
        let e = service.resolve_enterprise("50%").await.unwrap();
        assert_eq!(e.value.name, "增长50%机械厂");
    })
    .await;
}

#[tokio::test]
async fn a_task_is_named_by_at_least_eight_characters_of_its_id() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        let task = service
            .add_task(
                &admin,
                NewTask {
                    enterprise: None,
                    kind: TaskKind::Visit,
                    title: "走访".into(),
                    description: None,
                    assignee: None,
                    due: Due::WorkingDays(3),
                    follow_up_on: None,
                },
            )
            .await
            .unwrap();
        let short = short_id(&task);
        let hex = task.id.0.simple().to_string();
        for key in [
            &short[short.len() - 2..],
            &hex[..2],
            &hex[..7],
            "%",
            "________",
        ] {
            let e = service
                .complete_task(&admin, key, None, None, None)
                .await
                .unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Invalid, "{key}: {e:?}");
            let ServiceError::Invalid { field, message } = &e else {
                unreachable!()
            };
            assert_eq!(field, &Field::Task);
            assert!(message.en().contains("at least 8"), "{}", message.en());
        }
        assert!(service.resolve_task(&short).await.is_ok());
        assert!(service.resolve_task(&hex[..8]).await.is_ok());
        let done = service
            .complete_task(&admin, &short, None, None, None)
            .await
            .unwrap();
        assert_eq!(done.value.id, task.id);
    })
    .await;
}

#[tokio::test]
async fn a_headcount_beyond_the_range_is_refused_by_name_and_nothing_is_stored() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        let e = service
            .add_enterprise(&admin, named(7, "柳州精密机械有限公司"), None)
            .await
            .unwrap()
            .enterprise;
        let month = YearMonth::new(2023, 6).unwrap();
        let figures = Metrics {
            employees: Some(3_000_000_000),
            ..Metrics::empty(e.id, month)
        };
        let err = service
            .record_metrics(&admin, e.uscc.as_str(), figures, None)
            .await
            .unwrap_err();
        let ServiceError::Invalid { field, message } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(field, &Field::named("employees"));
        assert!(message.en().contains("3000000000"), "{}", message.en());
        assert!(!message.en().contains("invalid value"), "{}", message.en());
        let stored = service
            .list_metrics(&admin, e.uscc.as_str(), None, None)
            .await
            .unwrap();
        assert!(stored.1.is_empty());
    })
    .await;
}

#[tokio::test]
async fn exported_cells_that_look_like_formulas_are_escaped() {
    use peiyu_domain::Lang;
    use peiyu_formats::ledger::{ExportQuery, columns::Ledger, export_sheet};
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        for (n, name) in [
            (11, "=cmd|' /C calc'!A0"),
            (12, "@SUM(1+1)"),
            (13, "+HYPERLINK(\"x\")"),
        ] {
            service
                .add_enterprise(&admin, named(n, name), None)
                .await
                .unwrap();
        }
        for ledger in [Ledger::Enterprises, Ledger::Tasks] {
            let query = ExportQuery {
                ledger,
                list: None,
                from: None,
                to: None,
            };
            let sheet = export_sheet(&service, &admin, &query, Lang::Zh)
                .await
                .unwrap();
            let csv = String::from_utf8(peiyu_formats::csv::write(&sheet).unwrap()).unwrap();
            for line in csv.lines().skip(1) {
                for cell in line.split(',') {
                    let cell = cell.trim_matches('"');
                    assert!(
                        !cell.starts_with(['=', '+', '@']),
                        "{ledger:?}: unescaped cell {cell:?} in {line}"
                    );
                }
            }
            if ledger == Ledger::Enterprises {
                assert!(csv.contains("'=cmd"), "{csv}");
                assert!(csv.contains("'@SUM"), "{csv}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_field_beyond_its_cap_is_refused_quoting_a_hundred_characters_and_nothing_changes() {
    use peiyu_domain::limits::{EVIDENCE_MAX_CHARS, NAME_MAX_CHARS, REASON_MAX_CHARS};
    use peiyu_service::{AdvanceCase, EnterpriseEdit, OpenCase};
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        let e = service
            .add_enterprise(&admin, named(8, "柳州长文本机械有限公司"), None)
            .await
            .unwrap()
            .enterprise;
        let key = e.uscc.as_str().to_owned();
        // A megabyte of reason, as a hostile client would send.
        let huge = "因".repeat(1_000_000);
        let refused = |err: ServiceError, field: Field, max: usize| {
            let ServiceError::Invalid { field: f, message } = &err else {
                panic!("{err:?}")
            };
            assert_eq!(f, &field);
            assert!(
                message.en().contains(&format!("at most {max} characters")),
                "{}",
                message.en()
            );
            assert!(message.zh().contains(&format!("不超过 {max} 字")));
            assert!(
                message.en().chars().count() < 400,
                "quotes a hundred characters at most"
            );
        };
        let edit = EnterpriseEdit {
            address: Some("新址".into()),
            ..EnterpriseEdit::default()
        };
        let err = service
            .edit_enterprise(&admin, &key, edit, None, Some(huge.clone()))
            .await
            .unwrap_err();
        refused(err, Field::Reason, REASON_MAX_CHARS);
        let err = service
            .archive_enterprise(&admin, &key, &huge, None)
            .await
            .unwrap_err();
        refused(err, Field::Reason, REASON_MAX_CHARS);
        service
            .open_case(
                &admin,
                OpenCase {
                    enterprise: key.clone(),
                    track: "industrial".into(),
                    ..OpenCase::default()
                },
            )
            .await
            .unwrap();
        let err = service
            .advance_case(
                &admin,
                AdvanceCase {
                    enterprise: key.clone(),
                    track: "industrial".into(),
                    to: "cultivating".into(),
                    evidence: vec!["文".repeat(EVIDENCE_MAX_CHARS + 1)],
                    ..AdvanceCase::default()
                },
            )
            .await
            .unwrap_err();
        refused(err, Field::named("evidence"), EVIDENCE_MAX_CHARS);
        let err = service
            .create_token(&admin, None, &"令".repeat(NAME_MAX_CHARS + 1), None)
            .await
            .unwrap_err();
        refused(err, Field::Name, NAME_MAX_CHARS);
        // Nothing changed: the enterprise is as added, its case where it was opened.
        let now = service.resolve_enterprise(&key).await.unwrap();
        assert_eq!(now.version, 1);
        assert!(!now.value.archived);
        let cases = service.show_cases(&admin, &key).await.unwrap();
        assert_eq!(cases.cases[0].cultivation.version, 1);
    })
    .await;
}
