//! Task operations at scale and under concurrency: bulk transfer in one transaction, and tick
//! escalating once even when run by several processes at once.

use chrono::{NaiveDate, TimeZone, Utc};
use peiyu_domain::AuditAction;
use peiyu_domain::{Login, Role, Task, TaskId, TaskKind, TaskStatus};
use peiyu_service::{AuditQuery, BulkTransfer, ListTasks, NewOfficer};
use peiyu_storage::{Actor, tasks};
use peiyu_tests::{on_every_backend, service_at};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn transferring_a_thousand_tasks_is_one_transaction_with_a_thousand_audit_entries() {
    on_every_backend(async |db| {
        let now = Utc.with_ymd_and_hms(2024, 3, 1, 2, 0, 0).single().unwrap();
        let (service, admin) = service_at(db, now).await;
        let mut officers = Vec::new();
        for login in ["leaving", "taking"] {
            officers.push(
                service
                    .add_officer(
                        &admin,
                        NewOfficer {
                            login: Login::new(login).unwrap(),
                            name: login.into(),
                            role: Role::Officer,
                        },
                    )
                    .await
                    .unwrap(),
            );
        }
        let leaving = &officers[0];
        // A thousand open tasks of one officer, written directly in one unit.
        let mut uow = service
            .store()
            .begin(Actor::system(), None, now)
            .await
            .unwrap();
        for i in 0..1000 {
            let t = Task {
                id: TaskId::new(),
                enterprise: None,
                cultivation: None,
                kind: TaskKind::Visit,
                title: format!("走访 {i}"),
                description: None,
                assignee: leaving.id,
                delegate: None,
                created_by: admin.id,
                status: TaskStatus::Open,
                created_on: d("2024-02-01"),
                due_on: d("2024-03-15"),
                due_count: None,
                follow_up_on: None,
                origin: "manual".into(),
                completed_on: None,
                completion_note: None,
                evidence: None,
                cancel_reason: None,
            };
            tasks::insert_task(&mut uow, &t, AuditAction::TaskCreate)
                .await
                .unwrap();
        }
        uow.commit().await.unwrap();

        let moved = service
            .bulk_transfer(
                &admin,
                &BulkTransfer {
                    from: "leaving".into(),
                    to: "taking".into(),
                    reason: "调岗".into(),
                    ..BulkTransfer::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(moved.len(), 1000);
        let left = service
            .list_tasks(
                &admin,
                &ListTasks {
                    officer: Some("leaving".into()),
                    ..ListTasks::default()
                },
            )
            .await
            .unwrap();
        assert!(left.tasks.is_empty());
        let taken = service
            .list_tasks(
                &admin,
                &ListTasks {
                    officer: Some("taking".into()),
                    ..ListTasks::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(taken.tasks.len(), 1000);
        let entries = service
            .audit_log(
                &admin,
                &AuditQuery {
                    action: Some(AuditAction::TaskTransfer),
                    ..AuditQuery::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(entries.len(), 1000);
        // One transaction: every entry carries the same clock reading.
        assert!(
            entries
                .iter()
                .all(|e| e.recorded_at == entries[0].recorded_at)
        );
        assert!(entries.iter().all(|e| e.reason.as_deref() == Some("调岗")));
        let report = service.verify_audit(&admin).await.unwrap();
        assert!(report.ok(), "{:?}", report.chains.broken);
    })
    .await;
}

#[tokio::test]
async fn a_bulk_transfer_that_fails_midway_transfers_nothing() {
    on_every_backend(async |db| {
        let now = Utc.with_ymd_and_hms(2024, 3, 1, 2, 0, 0).single().unwrap();
        let (service, admin) = service_at(db, now).await;
        let err = service
            .bulk_transfer(
                &admin,
                &BulkTransfer {
                    from: "admin".into(),
                    to: "nobody".into(),
                    reason: "x".into(),
                    ..BulkTransfer::default()
                },
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), peiyu_service::ErrorKind::Invalid);
        assert!(err.to_string().contains("nobody"));
    })
    .await;
}

#[tokio::test]
async fn tick_escalates_an_overdue_task_to_the_team_lead_once_even_when_run_twice_at_once() {
    on_every_backend(async |db| {
        let now = Utc.with_ymd_and_hms(2024, 3, 20, 2, 0, 0).single().unwrap();
        let (service, admin) = service_at(db, now).await;
        for (login, role) in [("lead", Role::Lead), ("wang", Role::Officer)] {
            service
                .add_officer(
                    &admin,
                    NewOfficer {
                        login: Login::new(login).unwrap(),
                        name: login.into(),
                        role,
                    },
                )
                .await
                .unwrap();
        }
        service
            .add_team(&admin, "专班", Some("lead"))
            .await
            .unwrap();
        service
            .join_team(&admin, "专班", "wang", None)
            .await
            .unwrap();
        let wang = service.actor("wang").await.unwrap();
        let mut uow = service
            .store()
            .begin(Actor::system(), None, now)
            .await
            .unwrap();
        for (i, due) in ["2024-03-12", "2024-03-19"].iter().enumerate() {
            let t = Task {
                id: TaskId::new(),
                enterprise: None,
                cultivation: None,
                kind: TaskKind::Document,
                title: format!("材料 {i}"),
                description: None,
                assignee: wang.id,
                delegate: None,
                created_by: admin.id,
                status: TaskStatus::Open,
                created_on: d("2024-03-01"),
                due_on: d(due),
                due_count: None,
                follow_up_on: None,
                origin: "manual".into(),
                completed_on: None,
                completion_note: None,
                evidence: None,
                cancel_reason: None,
            };
            tasks::insert_task(&mut uow, &t, AuditAction::TaskCreate)
                .await
                .unwrap();
        }
        uow.commit().await.unwrap();

        // 2024-03-12 is 6 working days before 2024-03-20: escalated; 2024-03-19 only 1: not.
        let other = service.clone();
        let (a, b) = tokio::join!(
            service.tick(&admin, Some(d("2024-03-20"))),
            other.tick(&admin, Some(d("2024-03-20")))
        );
        let escalated = a.unwrap().escalated.len() + b.unwrap().escalated.len();
        assert_eq!(escalated, 1);
        let again = service.tick(&admin, Some(d("2024-03-21"))).await.unwrap();
        assert!(again.escalated.is_empty());
        let lead_tasks = service
            .list_tasks(
                &admin,
                &ListTasks {
                    officer: Some("lead".into()),
                    ..ListTasks::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(lead_tasks.tasks.len(), 1);
        assert!(lead_tasks.tasks[0].value.title.starts_with("督办："));
        assert_eq!(lead_tasks.tasks[0].value.due_on, d("2024-03-22"));
    })
    .await;
}
