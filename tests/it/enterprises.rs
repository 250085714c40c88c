//! Enterprises through the service: the register officers keep, with its rules on who may act.

use peiyu_domain::{
    AuditAction, Enterprise, LandArea, LegalForm, Login, Metrics, NewEnterprise, Officer, Role,
    Sector, YearMonth, Yuan,
};
use peiyu_service::{
    AuditQuery, EnterpriseEdit, ErrorKind, ListEnterprises, NewOfficer, Service, Upserted,
};
use peiyu_tests::{midyear, on_every_backend, service_at, uscc};

fn new_enterprise(n: u32, name: &str) -> NewEnterprise {
    NewEnterprise {
        uscc: uscc(n),
        name: name.into(),
        sector: Sector::Industry,
        town: "石龙镇".into(),
        address: "工业园区".into(),
        land_area: Some(LandArea::parse("18.7").unwrap()),
        legal_form: LegalForm::LegalEntity,
        responsible_officer: None,
    }
}

async fn officer(service: &Service, admin: &Officer, login: &str, role: Role) -> Officer {
    service
        .add_officer(
            admin,
            NewOfficer {
                login: Login::new(login).unwrap(),
                name: login.to_uppercase(),
                role,
            },
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn an_enterprise_is_added_listed_shown_edited_and_archived() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        let wang = officer(&service, &admin, "wang", Role::Officer).await;
        let added = service
            .add_enterprise(&wang, new_enterprise(1, "加美木业有限公司"), None)
            .await
            .unwrap();
        assert_eq!(added.version, 1);
        assert_eq!(added.responsible.as_ref().unwrap().login.as_str(), "wang");

        let listed = service
            .list_enterprises(&wang, &ListEnterprises::default())
            .await
            .unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].enterprise.uscc, uscc(1));

        let shown = service.show_enterprise(&wang, "加美").await.unwrap();
        assert_eq!(shown.view.enterprise.name, "加美木业有限公司");
        let by_code = service
            .show_enterprise(&wang, uscc(1).as_str())
            .await
            .unwrap();
        assert_eq!(by_code.view.enterprise.id, shown.view.enterprise.id);

        let edited = service
            .edit_enterprise(
                &wang,
                "加美",
                EnterpriseEdit {
                    town: Some("运江镇".into()),
                    ..EnterpriseEdit::default()
                },
                Some(1),
                Some("迁址".into()),
            )
            .await
            .unwrap();
        assert_eq!(edited.version, 2);
        assert_eq!(edited.enterprise.town, "运江镇");

        let archived = service
            .archive_enterprise(&wang, "加美", "已注销", None)
            .await
            .unwrap();
        assert!(archived.enterprise.archived);
        assert!(
            service
                .list_enterprises(&wang, &ListEnterprises::default())
                .await
                .unwrap()
                .is_empty()
        );
        let all = service
            .list_enterprises(
                &wang,
                &ListEnterprises {
                    include_archived: true,
                    ..ListEnterprises::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(all.len(), 1);
        let log = service
            .audit_log(
                &admin,
                &peiyu_service::AuditQuery {
                    enterprise: Some(uscc(1).to_string()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["enterprise.add", "enterprise.edit", "enterprise.archive"]
        );
        assert_eq!(log[2].reason.as_deref(), Some("已注销"));
    })
    .await;
}

#[tokio::test]
async fn a_second_enterprise_with_the_same_uscc_is_refused_as_bad_input() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        service
            .add_enterprise(&admin, new_enterprise(2, "吉天木业"), None)
            .await
            .unwrap();
        let err = service
            .add_enterprise(&admin, new_enterprise(2, "吉天木业二厂"), None)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert!(err.to_string().contains("uscc"), "{err}");
        assert_eq!(
            service
                .list_enterprises(&admin, &ListEnterprises::default())
                .await
                .unwrap()
                .len(),
            1
        );
    })
    .await;
}

#[tokio::test]
async fn officers_act_on_their_own_and_their_teams_enterprises_only() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        let wang = officer(&service, &admin, "wang", Role::Officer).await;
        let li = officer(&service, &admin, "li", Role::Officer).await;
        let zhao = officer(&service, &admin, "zhao", Role::Officer).await;
        let boss = officer(&service, &admin, "boss", Role::Leader).await;
        service.add_team(&admin, "培育专班", None).await.unwrap();
        peiyu_tests::join_all(&service, &admin, "培育专班", &["wang", "li"]).await;

        service
            .add_enterprise(&wang, new_enterprise(3, "凯莘木业"), None)
            .await
            .unwrap();
        let edit = || EnterpriseEdit {
            address: Some("新地址".into()),
            ..EnterpriseEdit::default()
        };
        // A teammate may act; an officer outside the team may not; a leader reads only.
        service
            .edit_enterprise(&li, "凯莘", edit(), None, None)
            .await
            .unwrap();
        let err = service
            .edit_enterprise(&zhao, "凯莘", edit(), None, None)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);
        let err = service
            .edit_enterprise(&boss, "凯莘", edit(), None, None)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);
        assert!(service.show_enterprise(&boss, "凯莘").await.is_ok());
        // Officers may not add officers.
        let err = service
            .add_officer(
                &wang,
                NewOfficer {
                    login: Login::new("x").unwrap(),
                    name: "X".into(),
                    role: Role::Officer,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);
        // An officer cannot hand an enterprise to someone outside their team.
        let err = service
            .add_enterprise(&wang, new_enterprise(4, "琦艺木业"), Some("zhao"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);
    })
    .await;
}

#[tokio::test]
async fn two_edits_from_the_same_version_record_one_and_report_a_conflict() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        service
            .add_enterprise(&admin, new_enterprise(5, "大明矿业"), None)
            .await
            .unwrap();
        let a = service.clone();
        let b = service.clone();
        let (admin_a, admin_b) = (admin.clone(), admin.clone());
        let first = tokio::spawn(async move {
            a.edit_enterprise(
                &admin_a,
                "大明矿业",
                EnterpriseEdit {
                    town: Some("甲镇".into()),
                    ..Default::default()
                },
                Some(1),
                None,
            )
            .await
        });
        let second = tokio::spawn(async move {
            b.edit_enterprise(
                &admin_b,
                "大明矿业",
                EnterpriseEdit {
                    town: Some("乙镇".into()),
                    ..Default::default()
                },
                Some(1),
                None,
            )
            .await
        });
        let results = [first.await.unwrap(), second.await.unwrap()];
        let ok = results.iter().filter(|r| r.is_ok()).count();
        let conflicts = results
            .iter()
            .filter(|r| matches!(r, Err(e) if e.kind() == ErrorKind::Conflict))
            .count();
        assert_eq!((ok, conflicts), (1, 1), "{results:?}");
        let shown = service.show_enterprise(&admin, "大明矿业").await.unwrap();
        assert_eq!(shown.view.version, 2);
        let log = service
            .audit_log(
                &admin,
                &peiyu_service::AuditQuery {
                    action: Some(AuditAction::EnterpriseEdit),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(log.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn init_is_idempotent_and_an_unknown_actor_is_refused() {
    on_every_backend(async |db| {
        let (service, _admin) = service_at(db, midyear()).await;
        let again = service.init("admin", "管理员").await.unwrap();
        assert!(again.created_admin.is_none());
        let err = service.actor("nobody").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert!(err.to_string().contains("nobody"));
    })
    .await;
}

#[tokio::test]
async fn a_month_of_figures_for_many_firms_is_recorded_all_or_nothing() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        let wang = officer(&service, &admin, "wang", Role::Officer).await;
        officer(&service, &admin, "zhao", Role::Officer).await;
        let mine = service
            .add_enterprise(&wang, new_enterprise(5, "加美木业"), None)
            .await
            .unwrap()
            .enterprise;
        let theirs = service
            .add_enterprise(&admin, new_enterprise(6, "吉天木业"), Some("zhao"))
            .await
            .unwrap()
            .enterprise;
        let may = YearMonth::parse("2023-05").unwrap();
        let figures = |e: &Enterprise, wan: i64| {
            (
                e.uscc.as_str().to_owned(),
                Metrics {
                    output_value: Some(Yuan(wan * 10_000)),
                    ..Metrics::empty(e.id, may)
                },
            )
        };
        let reason = Some("2023-05 统计月报".to_owned());

        // One firm wang may not act on: nothing is written.
        let err = service
            .record_metrics_many(
                &wang,
                &[figures(&mine, 100), figures(&theirs, 200)],
                reason.clone(),
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);
        let (_, recorded) = service
            .list_metrics(&admin, "加美", None, None)
            .await
            .unwrap();
        assert!(recorded.is_empty());

        // The admin records both; each is audited on its own enterprise with the reason, and
        // recording the same figures again changes nothing.
        let pairs = [figures(&mine, 100), figures(&theirs, 200)];
        let done = service
            .record_metrics_many(&admin, &pairs, reason.clone())
            .await
            .unwrap();
        assert_eq!(done, vec![Upserted::Inserted, Upserted::Inserted]);
        for (name, wan) in [("加美", 100), ("吉天", 200)] {
            let (_, recorded) = service
                .list_metrics(&admin, name, None, None)
                .await
                .unwrap();
            assert_eq!(recorded.len(), 1);
            assert_eq!(recorded[0].output_value, Some(Yuan(wan * 10_000)));
            let entries = service
                .audit_log(
                    &admin,
                    &AuditQuery {
                        enterprise: Some(name.to_owned()),
                        action: Some(AuditAction::MetricsAdd),
                        ..AuditQuery::default()
                    },
                )
                .await
                .unwrap();
            assert_eq!(entries.len(), 1, "{name}");
            assert_eq!(entries[0].reason, reason);
        }
        let again = service
            .record_metrics_many(&admin, &pairs, reason.clone())
            .await
            .unwrap();
        assert_eq!(again, vec![Upserted::Unchanged, Upserted::Unchanged]);
    })
    .await;
}

#[tokio::test]
async fn enterprises_are_found_by_the_stage_they_stand_at_on_a_track() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        for (n, name) in [(11, "加美木业"), (12, "吉天木业"), (13, "运江米业")] {
            service
                .add_enterprise(&admin, new_enterprise(n, name), None)
                .await
                .unwrap();
        }
        for name in ["加美木业", "吉天木业"] {
            service
                .open_case(
                    &admin,
                    peiyu_service::OpenCase {
                        enterprise: name.into(),
                        track: "industrial".into(),
                        ..peiyu_service::OpenCase::default()
                    },
                )
                .await
                .unwrap();
        }
        service
            .advance_case(
                &admin,
                peiyu_service::AdvanceCase {
                    enterprise: "吉天木业".into(),
                    track: "industrial".into(),
                    to: "cultivating".into(),
                    reason: Some("开始培育".into()),
                    ..peiyu_service::AdvanceCase::default()
                },
            )
            .await
            .unwrap();
        let at = |track: Option<&str>, stage: &str| ListEnterprises {
            stage: Some(peiyu_service::StageFilter {
                track: track.map(str::to_owned),
                stage: stage.to_owned(),
            }),
            ..ListEnterprises::default()
        };
        let names = |list: Vec<peiyu_service::EnterpriseView>| {
            list.into_iter()
                .map(|v| v.enterprise.name)
                .collect::<Vec<_>>()
        };
        let found = service
            .list_enterprises(&admin, &at(Some("industrial"), "candidate"))
            .await
            .unwrap();
        assert_eq!(names(found), ["加美木业"]);
        let found = service
            .list_enterprises(&admin, &at(None, "cultivating"))
            .await
            .unwrap();
        assert_eq!(names(found), ["吉天木业"]);
        // Another track's stage: nobody stands there.
        let found = service
            .list_enterprises(&admin, &at(Some("commerce"), "candidate"))
            .await
            .unwrap();
        assert!(found.is_empty());
        // With the other filters: all of them hold.
        let found = service
            .list_enterprises(
                &admin,
                &ListEnterprises {
                    town: Some("运江镇".into()),
                    ..at(Some("industrial"), "candidate")
                },
            )
            .await
            .unwrap();
        assert!(found.is_empty());
        // A stage the track does not have, or a track that does not exist: bad input, named.
        let err = service
            .list_enterprises(&admin, &at(Some("industrial"), "nowhere"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert!(err.to_string().contains("stage"), "{err}");
        let err = service
            .list_enterprises(&admin, &at(Some("shipbuilding"), "candidate"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert!(err.to_string().contains("track"), "{err}");
    })
    .await;
}
