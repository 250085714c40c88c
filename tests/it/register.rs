//! The statistical register (统计名录), on every backend: entered by a stage move in the move's
//! unit of work and left by 退库; imported from the statistics bureau's list (and imported again,
//! changing nothing); entered and left by hand, with who may; a re-entry kept as a new stay;
//! the register as of a day with its output; the log's own account equal to the tables'.

use chrono::{NaiveDate, TimeZone, Utc};
use peiyu_domain::{
    LegalForm, Login, Metrics, NewEnterprise, RegisterKind, RegisterRoute, RegisterSource, Role,
    Sector, YearMonth, Yuan,
};
use peiyu_formats::ledger::{ImportRequest, columns::Ledger, import_file};
use peiyu_service::{
    AdvanceCase, ErrorKind, ImportMode, NewOfficer, OpenCase, RegisterAction, RegisterChange,
    RegisterRow, Service,
};
use peiyu_tests::{on_every_backend, service_at, uscc};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn ym(s: &str) -> YearMonth {
    YearMonth::parse(s).unwrap()
}

async fn firm(
    service: &Service,
    admin: &peiyu_domain::Officer,
    n: u32,
    name: &str,
    sector: Sector,
) {
    service
        .add_enterprise(
            admin,
            NewEnterprise {
                uscc: uscc(n),
                name: name.into(),
                sector,
                town: "石龙镇".into(),
                address: String::new(),
                land_area: None,
                legal_form: LegalForm::LegalEntity,
                responsible_officer: None,
            },
            Some("wang"),
        )
        .await
        .unwrap();
}

async fn advance(service: &Service, admin: &peiyu_domain::Officer, name: &str, to: &str, on: &str) {
    service
        .advance_case(
            admin,
            AdvanceCase {
                enterprise: name.into(),
                track: "industrial".into(),
                to: to.into(),
                reason: Some(format!("{to}（测试）")),
                evidence: vec!["县统计局通知".into()],
                override_guards: true,
                on: Some(day(on)),
                ..AdvanceCase::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{name} → {to}: {e}"));
}

fn hand(name: &str, kind: &str, action: RegisterAction, on: &str) -> RegisterChange {
    RegisterChange {
        enterprise: name.into(),
        kind: RegisterKind::parse(kind).unwrap(),
        action,
        on: Some(day(on)),
    }
}

#[tokio::test]
async fn the_register_follows_stage_moves_imports_and_hand_entries_as_of_any_day() {
    on_every_backend(async |db| {
        let now = Utc.with_ymd_and_hms(2023, 12, 20, 2, 0, 0).single().unwrap();
        let (service, admin) = service_at(db, now).await;
        for (login, name, role) in [
            ("wang", "王干部", Role::Officer),
            ("zhao", "赵组长", Role::Lead),
        ] {
            service
                .add_officer(
                    &admin,
                    NewOfficer {
                        login: Login::new(login).unwrap(),
                        name: name.into(),
                        role,
                    },
                )
                .await
                .unwrap();
        }
        service.add_team(&admin, "专班", Some("zhao")).await.unwrap();
        service.join_team(&admin, "专班", "wang", None).await.unwrap();
        let wang = service.actor("wang").await.unwrap();
        let zhao = service.actor("zhao").await.unwrap();
        firm(&service, &admin, 801, "甲木业", Sector::Industry).await;
        firm(&service, &admin, 802, "乙机械", Sector::Industry).await;
        firm(&service, &admin, 803, "丙商贸", Sector::Retail).await;
        firm(&service, &admin, 804, "丁水泥", Sector::Industry).await;

        // 1. A stage move into `registered` enters the register in the move's month, by the
        //    monthly route, in the move's own unit of work; 退库 leaves it.
        service
            .open_case(
                &admin,
                OpenCase {
                    enterprise: "甲木业".into(),
                    track: "industrial".into(),
                    on: Some(day("2023-01-05")),
                    ..OpenCase::default()
                },
            )
            .await
            .unwrap();
        for (to, on) in [
            ("cultivating", "2023-01-10"),
            ("qualified", "2023-02-01"),
            ("applied", "2023-03-01"),
            ("registered", "2023-03-28"),
        ] {
            advance(&service, &admin, "甲木业", to, on).await;
        }
        let a = service.resolve_enterprise("甲木业").await.unwrap().value;
        let periods = service.register_of(&admin, a.id).await.unwrap();
        assert_eq!(periods.len(), 1, "{periods:?}");
        assert_eq!(
            (periods[0].kind, periods[0].entered, periods[0].route, periods[0].source),
            (
                RegisterKind::AboveScale,
                ym("2023-03"),
                RegisterRoute::Monthly,
                RegisterSource::Track
            )
        );
        // Moving on to 技改提升 keeps it in.
        advance(&service, &admin, "甲木业", "upgrading", "2023-05-10").await;
        assert_eq!(service.register_of(&admin, a.id).await.unwrap().len(), 1);
        advance(&service, &admin, "甲木业", "delisted", "2023-09-05").await;
        let periods = service.register_of(&admin, a.id).await.unwrap();
        assert_eq!(periods[0].exited, Some(ym("2023-09")));
        assert_eq!(periods[0].exit_reason.as_deref(), Some("delisted（测试）"));
        let shown = service.show_cases(&admin, "甲木业").await.unwrap();
        assert_eq!(shown.register, periods);
        let detail = service.show_enterprise(&admin, "甲木业").await.unwrap();
        assert_eq!(detail.register, periods);
        // The history says it in words: into 规上工业 in March, out of it in September.
        let (_, history) = service
            .enterprise_history(&admin, "甲木业", &peiyu_service::HistoryQuery::default())
            .await
            .unwrap();
        let said: Vec<(String, String, String)> = history
            .iter()
            .filter(|l| l.action.starts_with("register."))
            .map(|l| {
                let label = l.to_label.as_ref().or(l.from_label.as_ref());
                (
                    l.action_label.zh().to_owned(),
                    l.subject.clone(),
                    label.map(|t| t.zh().to_owned()).unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            said,
            [
                ("入库（统计名录）".into(), "2023-03".into(), "规上工业".into()),
                ("退库（统计名录）".into(), "2023-09".into(), "规上工业".into()),
            ]
        );

        // 2. By hand: an officer may not; a lead of the enterprise's team may.
        let enter = |month: &str, route| RegisterAction::Enter {
            month: ym(month),
            route,
        };
        let refused = service
            .change_register(&wang, hand("乙机械", "规上", enter("2023-05", RegisterRoute::Monthly), "2023-05-20"))
            .await
            .unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::Forbidden);
        service
            .change_register(&zhao, hand("乙机械", "规上", enter("2023-05", RegisterRoute::Monthly), "2023-05-20"))
            .await
            .unwrap();
        // Entering again while in, leaving without a reason, leaving before the entry, a month
        // after the day: refused, naming the field, changing nothing.
        let entries_before = service.verify_audit(&admin).await.unwrap().chains.entries;
        for (change, field) in [
            (
                hand("乙机械", "规上", enter("2023-06", RegisterRoute::Monthly), "2023-06-20"),
                "month",
            ),
            (
                hand(
                    "乙机械",
                    "规上",
                    RegisterAction::Exit {
                        month: ym("2023-08"),
                        reason: " ".into(),
                    },
                    "2023-08-20",
                ),
                "reason",
            ),
            (
                hand(
                    "乙机械",
                    "规上",
                    RegisterAction::Exit {
                        month: ym("2023-04"),
                        reason: "录错".into(),
                    },
                    "2023-08-20",
                ),
                "month",
            ),
            (
                hand("丁水泥", "规上", enter("2023-12", RegisterRoute::Annual), "2023-11-20"),
                "month",
            ),
        ] {
            let e = service.change_register(&zhao, change).await.unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Invalid, "{e}");
            let peiyu_service::ServiceError::Invalid { field: f, .. } = &e else {
                panic!("{e:?}")
            };
            assert_eq!(f.key(), field, "{e}");
        }
        assert_eq!(
            service.verify_audit(&admin).await.unwrap().chains.entries,
            entries_before
        );
        // Left in August, back in November by the annual route: a new stay, the old one kept.
        service
            .change_register(
                &zhao,
                hand(
                    "乙机械",
                    "规上",
                    RegisterAction::Exit {
                        month: ym("2023-08"),
                        reason: "停产".into(),
                    },
                    "2023-08-20",
                ),
            )
            .await
            .unwrap();
        service
            .change_register(&admin, hand("乙机械", "规上", enter("2023-11", RegisterRoute::Annual), "2023-11-20"))
            .await
            .unwrap();
        let b = service.resolve_enterprise("乙机械").await.unwrap().value;
        let stays = service.register_of(&admin, b.id).await.unwrap();
        assert_eq!(stays.len(), 2, "{stays:?}");
        assert_eq!(stays[0].exited, Some(ym("2023-08")));
        assert_eq!(stays[1].exited, None);
        assert_eq!(stays[1].route, RegisterRoute::Annual);
        assert!(stays.iter().all(|p| p.source == RegisterSource::Hand));

        // 3. The statistics bureau's list, imported through the ledger: 丙商贸 限上 since 2021,
        //    丁水泥 规上 since 2019; the same file again changes nothing.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("名录.csv");
        std::fs::write(
            &file,
            format!(
                "统一社会信用代码,企业名称,类别,入库年月,入库方式,退库年月\n{},丙商贸,限上,2021-01,年度,\n{},丁水泥,规上工业,2019/1,年度入库,\n",
                uscc(803).as_str(),
                uscc(804).as_str()
            ),
        )
        .unwrap();
        let req = ImportRequest::new(Ledger::Register, &file);
        let first = import_file(&service, &admin, &req, None, peiyu_domain::Lang::Zh)
            .await
            .unwrap();
        assert!(first.problems.is_empty(), "{:?}", first.problems);
        assert_eq!((first.outcome.inserted, first.outcome.unchanged), (2, 0));
        let entries = service.verify_audit(&admin).await.unwrap().chains.entries;
        let again = import_file(&service, &admin, &req, None, peiyu_domain::Lang::Zh)
            .await
            .unwrap();
        assert_eq!((again.outcome.inserted, again.outcome.updated, again.outcome.unchanged), (0, 0, 2));
        assert_eq!(service.verify_audit(&admin).await.unwrap().chains.entries, entries);
        // A row that contradicts what is recorded is refused, naming its column and line;
        // nothing of the file is written.
        let bad = [
            RegisterRow {
                line: 2,
                uscc: uscc(801),
                kind: RegisterKind::AboveScale,
                entered: ym("2023-03"),
                route: RegisterRoute::Monthly,
                exited: None,
                exit_reason: None,
            },
            RegisterRow {
                line: 3,
                uscc: uscc(999),
                kind: RegisterKind::AboveScale,
                entered: ym("2020-01"),
                route: RegisterRoute::Annual,
                exited: None,
                exit_reason: None,
            },
            RegisterRow {
                line: 4,
                uscc: uscc(803),
                kind: RegisterKind::AboveLimit,
                entered: ym("2021-01"),
                route: RegisterRoute::Monthly,
                exited: None,
                exit_reason: None,
            },
        ];
        let checked = service
            .import_register(&admin, &bad, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        let said: Vec<(u64, &str)> = checked
            .problems
            .iter()
            .map(|p| (p.line, p.field.as_str()))
            .collect();
        assert_eq!(said, [(2, "exited"), (3, "uscc"), (4, "route")]);
        assert!(!checked.written);
        // The list giving an exit closes the open stay.
        let closing = [RegisterRow {
            line: 2,
            uscc: uscc(803),
            kind: RegisterKind::AboveLimit,
            entered: ym("2021-01"),
            route: RegisterRoute::Annual,
            exited: Some(ym("2023-10")),
            exit_reason: None,
        }];
        let closed = service
            .import_register(&admin, &closing, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!(closed.updated, 1, "{:?}", closed.problems);

        // 4. Figures: 乙机械 1000万元 a month in 2023, 丁水泥 2000万元.
        for (name, wan) in [("乙机械", 1_000), ("丁水泥", 2_000)] {
            for m in 1..=11 {
                let mut figures = Metrics::empty(a.id, YearMonth::new(2023, m).unwrap());
                figures.output_value = Some(Yuan::from_wan(wan));
                figures.revenue = Some(Yuan::from_wan(wan));
                service
                    .record_metrics(&admin, name, figures, None)
                    .await
                    .unwrap();
            }
        }

        // 5. As of a day: who was in, and their output from January to that month.
        let list = service
            .register_list(&admin, None, Some(day("2023-06-30")))
            .await
            .unwrap();
        let names: Vec<(&str, RegisterKind)> = list
            .rows
            .iter()
            .map(|r| (r.enterprise.name.as_str(), r.period.kind))
            .collect();
        assert_eq!(
            names,
            [
                ("丁水泥", RegisterKind::AboveScale),
                ("甲木业", RegisterKind::AboveScale),
                ("乙机械", RegisterKind::AboveScale),
                ("丙商贸", RegisterKind::AboveLimit),
            ]
        );
        let above = &list.counts[0];
        assert_eq!((above.in_register, above.entered_in_year, above.exited_in_year), (3, 2, 0));
        assert_eq!(above.output_value, Yuan::from_wan(6 * 1_000 + 6 * 2_000));
        assert_eq!(list.counts[1].in_register, 1);
        // In October: 甲木业 left in September, 乙机械 in August, 丙商贸 leaves this month.
        let october = service
            .register_list(&admin, None, Some(day("2023-10-15")))
            .await
            .unwrap();
        assert_eq!(october.counts[0].in_register, 1);
        assert_eq!(october.counts[0].exited_in_year, 2);
        assert_eq!(october.counts[1].in_register, 0);
        // December: 乙机械 is back; 规上 only.
        let december = service
            .register_list(&admin, Some(RegisterKind::AboveScale), Some(day("2023-12-20")))
            .await
            .unwrap();
        assert_eq!(december.counts.len(), 1);
        assert_eq!(december.counts[0].in_register, 2);
        assert_eq!(december.counts[0].entered_in_year, 3);
        assert_eq!(
            december.counts[0].output_value,
            Yuan::from_wan(11 * 1_000 + 11 * 2_000)
        );

        // 6. The progress report shows the register, and the log's account equals the tables'.
        for when in ["2023-06-30", "2023-10-15", "2023-12-20"] {
            let tables = service
                .progress_report(&admin, 2023, Some(day(when)))
                .await
                .unwrap();
            let log = service
                .progress_report_from_log(&admin, 2023, Some(day(when)))
                .await
                .unwrap();
            assert_eq!(tables.register, log.register, "{when}");
            assert_eq!(tables.register.len(), 2);
        }
        let verified = service.verify_audit(&admin).await.unwrap();
        assert!(verified.ok(), "{:#?}", verified.findings);
    })
    .await;
}
