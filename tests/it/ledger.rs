//! Ledgers through the service: bulk imports check every row, write all or nothing (or the
//! valid rows), change nothing when repeated, and read back what the exports give — on every
//! backend. The file formats themselves are tested in crates/formats/src/ledger.

use chrono::NaiveDate;
use peiyu_domain::{
    Batch, LandArea, LegalForm, Login, Metrics, Officer, Role, Sector, TaskKind, TaskStatus, Tce,
    YearMonth, Yuan,
};
use peiyu_service::{
    BatchRow, EnterpriseRow, ImportMode, MetricsRow, NewOfficer, NewTask, Service, TaskRow,
};
use peiyu_tests::{midyear, on_every_backend, service_at, uscc};

fn enterprise_row(line: u64, n: u32) -> EnterpriseRow {
    EnterpriseRow {
        line,
        uscc: uscc(n),
        name: Some(format!("台账企业{n}有限公司")),
        sector: Some(if n.is_multiple_of(3) {
            Sector::Retail
        } else {
            Sector::Industry
        }),
        town: Some("运江镇".into()),
        address: Some(format!("工业园区{n}号")),
        land_area: Some(Some(LandArea::from_centi_mu(i64::from(n) * 125))),
        legal_form: Some(LegalForm::LegalEntity),
        officer: Some(None),
    }
}

fn metrics_row(line: u64, n: u32, month: u32) -> MetricsRow {
    MetricsRow {
        line,
        uscc: uscc(n),
        month: YearMonth::new(2023, month).unwrap(),
        revenue: Some(Some(Yuan(i64::from(n) * 1_000_000 + i64::from(month)))),
        output_value: Some(Some(Yuan(i64::from(n) * 1_200_000))),
        energy: Some(Some(Tce::from_kgce(12_500))),
        employees: Some(Some(20 + n)),
        tax: Some(None),
        rnd_spend: Some(Some(Yuan(5_000))),
    }
}

async fn audit_entries(service: &Service, admin: &Officer) -> usize {
    let v = service.verify_audit(admin).await.unwrap();
    assert!(v.chains.broken.is_empty(), "{:?}", v.chains.broken);
    v.chains.entries
}

#[tokio::test]
async fn five_bad_rows_among_a_thousand_are_reported_and_nothing_is_written() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        let mut rows: Vec<EnterpriseRow> = (1..=1000)
            .map(|n| enterprise_row(u64::from(n) + 1, n))
            .collect();
        // Line 18 repeats line 2's USCC.
        rows[16].uscc = uscc(1);
        // Line 231 names an officer nobody is.
        rows[229].officer = Some(Some("nobody".into()));
        // Line 502 is a new enterprise without a sector column value.
        rows[500].sector = None;
        // Line 778 has a blank name.
        rows[776].name = Some("   ".into());
        // Line 1001 has a town longer than 64 characters.
        rows[999].town = Some("镇".repeat(65));
        let before = audit_entries(&service, &admin).await;

        let outcome = service
            .import_enterprises(&admin, &rows, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        let lines: Vec<u64> = outcome.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![18, 231, 502, 778, 1001]);
        let fields: Vec<&str> = outcome.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, vec!["uscc", "officer", "sector", "name", "town"]);
        assert!(outcome.problems[0].message.zh().contains("第 2 行"));
        assert!(outcome.problems[0].message.en().contains("line 2"));
        assert!(!outcome.written);
        assert!(service.export_enterprises(&admin).await.unwrap().is_empty());
        assert_eq!(audit_entries(&service, &admin).await, before);

        // Check mode reports the same and writes nothing either.
        let checked = service
            .import_enterprises(&admin, &rows, ImportMode::Check, None)
            .await
            .unwrap();
        assert_eq!(checked.problems, outcome.problems);
        assert!(service.export_enterprises(&admin).await.unwrap().is_empty());

        // Skipping the invalid rows writes the 995 others.
        let skipped = service
            .import_enterprises(&admin, &rows, ImportMode::SkipInvalid, None)
            .await
            .unwrap();
        assert_eq!(skipped.inserted, 995);
        assert_eq!(skipped.problems.len(), 5);
        assert_eq!(service.export_enterprises(&admin).await.unwrap().len(), 995);
        assert_eq!(audit_entries(&service, &admin).await, before + 995);
    })
    .await;
}

#[tokio::test]
async fn reimporting_changes_nothing_and_a_changed_row_is_one_audited_update() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        let enterprises: Vec<EnterpriseRow> = (1..=120)
            .map(|n| enterprise_row(u64::from(n) + 1, n))
            .collect();
        let first = service
            .import_enterprises(&admin, &enterprises, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!(
            (first.inserted, first.updated, first.unchanged),
            (120, 0, 0)
        );
        let mut metrics = Vec::new();
        for n in 1..=120 {
            for m in 1..=6 {
                metrics.push(metrics_row(metrics.len() as u64 + 2, n, m));
            }
        }
        let first = service
            .import_metrics(&admin, &metrics, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!(
            (first.inserted, first.updated, first.unchanged),
            (720, 0, 0)
        );
        let entries = audit_entries(&service, &admin).await;

        let again = service
            .import_enterprises(&admin, &enterprises, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!(
            (again.inserted, again.updated, again.unchanged),
            (0, 0, 120)
        );
        assert!(!again.written);
        let again = service
            .import_metrics(&admin, &metrics, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!(
            (again.inserted, again.updated, again.unchanged),
            (0, 0, 720)
        );
        assert_eq!(audit_entries(&service, &admin).await, entries);

        // One changed figure is one update and one audit entry; a column the file lacks keeps
        // what is stored.
        let mut changed = metrics.clone();
        changed[7].revenue = Some(Some(Yuan(99)));
        for row in &mut changed {
            row.output_value = None;
        }
        let once = service
            .import_metrics(&admin, &changed, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!((once.inserted, once.updated, once.unchanged), (0, 1, 719));
        assert_eq!(audit_entries(&service, &admin).await, entries + 1);
        let (_, stored) = service
            .list_metrics(&admin, uscc(2).as_str(), None, None)
            .await
            .unwrap();
        assert_eq!(stored[1].revenue, Some(Yuan(99)));
        assert_eq!(stored[1].output_value, Some(Yuan(2_400_000)));

        let mut renamed = enterprises.clone();
        renamed[3].name = Some("改名后的企业".into());
        let once = service
            .import_enterprises(&admin, &renamed, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!((once.inserted, once.updated, once.unchanged), (0, 1, 119));
        let shown = service
            .show_enterprise(&admin, uscc(4).as_str())
            .await
            .unwrap();
        assert_eq!(shown.view.enterprise.name, "改名后的企业");
        assert_eq!(shown.view.version, 2);
        assert_eq!(audit_entries(&service, &admin).await, entries + 2);
    })
    .await;
}

#[tokio::test]
async fn metrics_of_unknown_or_foreign_enterprises_are_refused_row_by_row() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        let wang = service
            .add_officer(
                &admin,
                NewOfficer {
                    login: Login::new("wang").unwrap(),
                    name: "王伟".into(),
                    role: Role::Officer,
                },
            )
            .await
            .unwrap();
        let mut rows = vec![enterprise_row(2, 1), enterprise_row(3, 2)];
        rows[0].officer = Some(Some("王伟".into()));
        service
            .import_enterprises(&admin, &rows, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        let metrics = vec![
            metrics_row(2, 1, 1),
            metrics_row(3, 2, 1),
            metrics_row(4, 9, 1),
            metrics_row(5, 1, 1),
        ];
        let outcome = service
            .import_metrics(&wang, &metrics, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        let lines: Vec<(u64, &str)> = outcome
            .problems
            .iter()
            .map(|p| (p.line, p.field.as_str()))
            .collect();
        // Enterprise 2 is nobody's (not wang's), 9 does not exist, line 5 repeats line 2.
        assert_eq!(lines, vec![(3, "uscc"), (4, "uscc"), (5, "month")]);
        assert!(!outcome.written);
        let (_, stored) = service
            .list_metrics(&admin, uscc(1).as_str(), None, None)
            .await
            .unwrap();
        assert!(stored.is_empty());
    })
    .await;
}

#[tokio::test]
async fn what_is_exported_imports_as_unchanged() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        let enterprises: Vec<EnterpriseRow> = (1..=30)
            .map(|n| enterprise_row(u64::from(n) + 1, n))
            .collect();
        service
            .import_enterprises(&admin, &enterprises, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        let metrics: Vec<MetricsRow> = (1..=30)
            .flat_map(|n| (1..=3).map(move |m| (n, m)))
            .enumerate()
            .map(|(i, (n, m))| metrics_row(i as u64 + 2, n, m))
            .collect();
        service
            .import_metrics(&admin, &metrics, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        let batches: Vec<BatchRow> = (1..=8)
            .map(|n| BatchRow {
                line: u64::from(n) + 1,
                year: 2023,
                uscc: uscc(n),
                batch: Batch::new(u8::try_from(n % 4 + 1).unwrap()).unwrap(),
                reason: Some("年初排定".into()),
                since: NaiveDate::from_ymd_opt(2023, 1, 15),
            })
            .collect();
        let imported = service
            .import_batches(&admin, &batches, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!(imported.inserted, 8);
        // A move through the importer: enterprise 1 from batch 2 to batch 1.
        let mut moved = batches.clone();
        moved[0].batch = Batch::new(1).unwrap();
        moved[0].since = NaiveDate::from_ymd_opt(2023, 5, 1);
        let outcome = service
            .import_batches(&admin, &moved, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!(
            (outcome.inserted, outcome.updated, outcome.unchanged),
            (0, 1, 7)
        );
        service
            .add_task(
                &admin,
                NewTask {
                    enterprise: Some(uscc(2).as_str().to_owned()),
                    kind: TaskKind::Visit,
                    title: "走访了解用工".into(),
                    description: Some("带上政策清单".into()),
                    assignee: None,
                    due: peiyu_service::Due::On(NaiveDate::from_ymd_opt(2023, 7, 10).unwrap()),
                    follow_up_on: NaiveDate::from_ymd_opt(2023, 7, 5),
                },
            )
            .await
            .unwrap();
        let entries = audit_entries(&service, &admin).await;

        // Enterprises.
        let rows: Vec<EnterpriseRow> = service
            .export_enterprises(&admin)
            .await
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let e = &v.enterprise;
                EnterpriseRow {
                    line: i as u64 + 2,
                    uscc: e.uscc.clone(),
                    name: Some(e.name.clone()),
                    sector: Some(e.sector),
                    town: Some(e.town.clone()),
                    address: Some(e.address.clone()),
                    land_area: Some(e.land_area),
                    legal_form: Some(e.legal_form),
                    officer: Some(v.responsible.as_ref().map(|o| o.login.as_str().to_owned())),
                }
            })
            .collect();
        assert_eq!(rows.len(), 30);
        let o = service
            .import_enterprises(&admin, &rows, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!((o.inserted, o.updated, o.unchanged), (0, 0, 30));

        // Metrics.
        let rows: Vec<MetricsRow> = service
            .export_metrics(&admin, None, None)
            .await
            .unwrap()
            .into_iter()
            .enumerate()
            .map(|(i, (e, m)): (usize, (_, Metrics))| MetricsRow {
                line: i as u64 + 2,
                uscc: e.uscc,
                month: m.month,
                revenue: Some(m.revenue),
                output_value: Some(m.output_value),
                energy: Some(m.energy),
                employees: Some(m.employees),
                tax: Some(m.tax),
                rnd_spend: Some(m.rnd_spend),
            })
            .collect();
        assert_eq!(rows.len(), 90);
        let o = service
            .import_metrics(&admin, &rows, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!((o.inserted, o.updated, o.unchanged), (0, 0, 90));

        // The batch list.
        let view = service.batch_list(&admin, 2023, None).await.unwrap();
        let rows: Vec<BatchRow> = view
            .entries
            .iter()
            .enumerate()
            .map(|(i, (entry, e))| BatchRow {
                line: i as u64 + 2,
                year: 2023,
                uscc: e.uscc.clone(),
                batch: entry.batch,
                reason: entry.reason.clone(),
                since: Some(entry.since),
            })
            .collect();
        assert_eq!(rows.len(), 8);
        let o = service
            .import_batches(&admin, &rows, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!((o.inserted, o.updated, o.unchanged), (0, 0, 8));

        // Tasks.
        let rows: Vec<TaskRow> = service
            .export_tasks(&admin)
            .await
            .unwrap()
            .into_iter()
            .enumerate()
            .map(|(i, r)| TaskRow {
                line: i as u64 + 2,
                id: Some(r.task.id),
                enterprise: Some(r.enterprise.map(|e| e.uscc)),
                kind: Some(r.task.kind),
                title: Some(r.task.title),
                description: Some(r.task.description),
                assignee: Some(r.assignee.login.as_str().to_owned()),
                due_on: Some(r.task.due_on),
                follow_up_on: Some(r.task.follow_up_on),
                status: Some(r.task.status),
            })
            .collect();
        assert_eq!(rows.len(), 1);
        let o = service
            .import_tasks(&admin, &rows, ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!((o.inserted, o.updated, o.unchanged), (0, 0, 1));
        assert_eq!(audit_entries(&service, &admin).await, entries);

        // A task row without an id matches the stored task by enterprise, title, assignee and
        // due date; a changed status is refused (it goes through `task done`).
        let mut no_id = rows[0].clone();
        no_id.id = None;
        no_id.status = None;
        let o = service
            .import_tasks(&admin, &[no_id.clone()], ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!((o.inserted, o.unchanged), (0, 1));
        let mut done = rows[0].clone();
        done.status = Some(TaskStatus::Done);
        let o = service
            .import_tasks(&admin, &[done], ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!(o.problems.len(), 1);
        assert_eq!(o.problems[0].field, "status");
        no_id.title = Some("送达政策清单".into());
        let o = service
            .import_tasks(&admin, &[no_id], ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!(o.inserted, 1);
        assert_eq!(audit_entries(&service, &admin).await, entries + 1);
    })
    .await;
}
