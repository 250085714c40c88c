//! Tasks follow the same rules as enterprises and say everything: handing a task over, or
//! putting a new one on someone's list, stays within the team (unless an admin does it); a lead
//! assigns a teammate's task with or without an enterprise; a delegate's completion is recorded
//! on the assignee's behalf; a lead's own overdue task escalates to the bureau's leader; a 督办
//! is its own kind and is done when its original is. On every backend.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use peiyu_domain::{Lang, Login, Officer, Role, TaskKind, TaskStatus};
use peiyu_service::{
    Due, ErrorKind, FixedClock, ListTasks, NewOfficer, NewTask, Service, short_id,
};
use peiyu_tests::{on_every_backend, service_at};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn morning(day: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d(day).and_hms_opt(1, 0, 0).unwrap())
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

async fn own_task(service: &Service, actor: &Officer, title: &str, due: &str) -> String {
    let t = service
        .add_task(
            actor,
            NewTask {
                enterprise: None,
                kind: TaskKind::Custom,
                title: title.into(),
                description: None,
                assignee: None,
                due: Due::On(d(due)),
                follow_up_on: Some(d(due)),
            },
        )
        .await
        .unwrap();
    short_id(&t)
}

#[tokio::test]
async fn tasks_are_handed_over_within_the_team_and_escalate_up_to_the_leaders() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, morning("2024-03-01")).await;
        let wang = officer(&service, &admin, "wang", Role::Officer).await;
        let li = officer(&service, &admin, "li", Role::Officer).await;
        let lead = officer(&service, &admin, "lead", Role::Lead).await;
        officer(&service, &admin, "zhao", Role::Officer).await;
        let boss = officer(&service, &admin, "boss", Role::Leader).await;
        service
            .add_team(&admin, "培育专班", Some("lead"))
            .await
            .unwrap();
        peiyu_tests::join_all(&service, &admin, "培育专班", &["wang", "li"]).await;

        // Handing over stays within the team: not to zhao, who is in none of wang's teams.
        let a = own_task(&service, &wang, "核实产值", "2024-03-05").await;
        for err in [
            service
                .transfer_task(&wang, &a, "zhao", "换人")
                .await
                .unwrap_err(),
            service
                .delegate_task(&wang, &a, Some("zhao"))
                .await
                .unwrap_err(),
            service.assign_task(&lead, &a, "zhao").await.unwrap_err(),
            // Nor a new task put on zhao's list (`task add --assignee`).
            service
                .add_task(
                    &wang,
                    NewTask {
                        enterprise: None,
                        kind: TaskKind::Custom,
                        title: "替别人加的任务".into(),
                        description: None,
                        assignee: Some("zhao".into()),
                        due: Due::On(d("2024-03-08")),
                        follow_up_on: None,
                    },
                )
                .await
                .unwrap_err(),
        ] {
            assert_eq!(err.kind(), ErrorKind::Forbidden, "{err}");
            assert!(err.to_string().contains("zhao"), "{err}");
        }
        // Nor through a task ledger: the row is refused by name and nothing is written.
        let row = peiyu_service::TaskRow {
            line: 2,
            id: None,
            enterprise: None,
            kind: None,
            title: Some("导入给别人的任务".into()),
            description: None,
            assignee: Some("zhao".into()),
            due_on: Some(d("2024-03-08")),
            follow_up_on: None,
            status: None,
        };
        let imported = service
            .import_tasks(&wang, &[row], peiyu_service::ImportMode::AllOrNothing, None)
            .await
            .unwrap();
        assert_eq!(imported.inserted, 0);
        assert_eq!(imported.problems.len(), 1, "{imported:?}");
        assert_eq!(imported.problems[0].field, "assignee");
        assert!(
            imported.problems[0]
                .message
                .en()
                .contains("not in your team")
        );
        // An admin may hand it anywhere; back to the team, then a lead assigns a teammate's
        // task about no enterprise.
        service.assign_task(&admin, &a, "zhao").await.unwrap();
        service.assign_task(&admin, &a, "li").await.unwrap();
        let assigned = service.assign_task(&lead, &a, "wang").await.unwrap();
        assert_eq!(assigned.value.assignee, wang.id);
        let err = service.assign_task(&li, &a, "li").await.unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::Forbidden,
            "an officer does not assign"
        );

        // A delegate completes on the assignee's behalf.
        let b = own_task(&service, &li, "收集材料", "2024-03-08").await;
        service.delegate_task(&li, &b, Some("wang")).await.unwrap();
        service
            .complete_task(
                &wang,
                &b,
                Some("已收齐".into()),
                Some("材料清单.pdf".into()),
                None,
            )
            .await
            .unwrap();
        let (done, history) = service.task_history(&admin, &b).await.unwrap();
        assert_eq!(done.value.status, TaskStatus::Done);
        assert_eq!(done.value.evidence.as_deref(), Some("材料清单.pdf"));
        let completion = history.iter().find(|e| e.action == "task.done").unwrap();
        assert_eq!(completion.actor_login, "wang");
        assert_eq!(completion.on_behalf_of.as_deref(), Some("li"));

        // Overdue by 3 working days on 8 March: wang's task goes to the lead, the lead's own
        // to the bureau's leader, each as a 督办.
        let c = own_task(&service, &lead, "汇总专班周报", "2024-03-05").await;
        let later = service
            .clone()
            .with_clock(Arc::new(FixedClock(morning("2024-03-08"))));
        let report = later.tick(&admin, Some(d("2024-03-08"))).await.unwrap();
        let escalated: Vec<(String, String)> = report
            .escalated
            .iter()
            .map(|(t, to, _)| (short_id(t), to.login.as_str().to_owned()))
            .collect();
        assert!(
            escalated.contains(&(a.clone(), "lead".into())),
            "{escalated:?}"
        );
        assert!(
            escalated.contains(&(c.clone(), "boss".into())),
            "{escalated:?}"
        );
        let supervisions = |who: &Officer| {
            let later = later.clone();
            let who = who.clone();
            async move {
                later
                    .list_tasks(
                        &who,
                        &ListTasks {
                            officer: Some(who.login.as_str().to_owned()),
                            all: true,
                            ..ListTasks::default()
                        },
                    )
                    .await
                    .unwrap()
                    .tasks
                    .into_iter()
                    .map(|t| t.value)
                    .filter(|t| t.kind == TaskKind::Supervision)
                    .collect::<Vec<_>>()
            }
        };
        let by_boss = supervisions(&boss).await;
        assert_eq!(by_boss.len(), 1);
        assert_eq!(by_boss[0].kind.label(Lang::Zh), "督办");
        assert!(by_boss[0].origin.starts_with("escalation:"));
        let by_lead = supervisions(&lead).await;
        assert_eq!(by_lead.len(), 1);
        assert_eq!(by_lead[0].status, TaskStatus::Open);

        // wang does the original: the lead's 督办 is done with it, dated as the original.
        later
            .complete_task(&wang, &a, None, None, Some(d("2024-03-07")))
            .await
            .unwrap();
        let after = supervisions(&lead).await;
        assert_eq!(after[0].status, TaskStatus::Done);
        assert_eq!(
            after[0].completed_on,
            Some(d("2024-03-08")),
            "not before it was raised"
        );
        let (_, history) = later
            .task_history(&admin, &short_id(&after[0]))
            .await
            .unwrap();
        assert!(history.iter().any(|e| e.action == "task.close"));
        let verify = later.verify_audit(&admin).await.unwrap();
        assert!(
            verify.chains.broken.is_empty(),
            "{:?}",
            verify.chains.broken
        );
    })
    .await;
}

#[tokio::test]
async fn tasks_closed_by_a_late_move_end_on_its_effective_date() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, morning("2024-04-15")).await;
        let e = service
            .add_enterprise(
                &admin,
                peiyu_domain::NewEnterprise {
                    uscc: peiyu_tests::uscc(7),
                    name: "补录机械有限公司".into(),
                    sector: peiyu_domain::Sector::Industry,
                    town: "石龙镇".into(),
                    address: "工业园区".into(),
                    land_area: None,
                    legal_form: peiyu_domain::LegalForm::LegalEntity,
                    responsible_officer: None,
                },
                None,
            )
            .await
            .unwrap()
            .enterprise;
        let advance = |to: &str, on: &str| peiyu_service::AdvanceCase {
            enterprise: e.name.clone(),
            track: "industrial".into(),
            to: to.into(),
            reason: Some("补录".into()),
            on: Some(d(on)),
            ..peiyu_service::AdvanceCase::default()
        };
        service
            .open_case(
                &admin,
                peiyu_service::OpenCase {
                    enterprise: e.name.clone(),
                    track: "industrial".into(),
                    on: Some(d("2024-01-05")),
                    ..peiyu_service::OpenCase::default()
                },
            )
            .await
            .unwrap();
        let started = service
            .advance_case(&admin, advance("cultivating", "2024-01-10"))
            .await
            .unwrap();
        assert!(!started.tasks.is_empty());
        // Recorded on 15 April, effective 20 February: the tasks it closes end that day.
        let out = service
            .advance_case(&admin, advance("withdrawn", "2024-02-20"))
            .await
            .unwrap();
        assert!(!out.closed.is_empty());
        for t in &out.closed {
            let (after, history) = service.task_history(&admin, &short_id(t)).await.unwrap();
            assert_eq!(after.value.status, TaskStatus::Cancelled);
            assert_eq!(after.value.completed_on, Some(d("2024-02-20")));
            let close = history.iter().find(|e| e.action == "task.close").unwrap();
            assert_eq!(close.effective_on, Some(d("2024-02-20")));
        }
    })
    .await;
}
