//! People over time on every backend: deactivating an officer hands their enterprises and open
//! tasks to successors in one audited step, revokes their tokens and ends their sessions; roles
//! change with a reason, and the last admin stays one.

use peiyu_domain::{Login, NewEnterprise, Officer, Role, TaskKind, TaskStatus};
use peiyu_service::{Client, Due, ErrorKind, NewOfficer, NewTask, Service, Successors};
use peiyu_tests::{TestDb, midyear, on_every_backend, service_at};

async fn officer(
    service: &Service,
    admin: &Officer,
    login: &str,
    name: &str,
    role: Role,
) -> Officer {
    service
        .add_officer(
            admin,
            NewOfficer {
                login: Login::new(login).unwrap(),
                name: name.into(),
                role,
            },
        )
        .await
        .unwrap()
}

/// The admin; a team 专班 with lead `li`, officers `wang` and `zhao`; `sun` outside it.
async fn bureau(db: &TestDb) -> (Service, Officer, Officer, Officer, Officer, Officer) {
    let (service, admin) = service_at(db, midyear()).await;
    let li = officer(&service, &admin, "li", "李组长", Role::Lead).await;
    let wang = officer(&service, &admin, "wang", "王伟", Role::Officer).await;
    let zhao = officer(&service, &admin, "zhao", "赵敏", Role::Officer).await;
    let sun = officer(&service, &admin, "sun", "孙强", Role::Officer).await;
    service
        .add_team(&admin, "培育专班", Some("li"))
        .await
        .unwrap();
    for login in ["wang", "zhao"] {
        service.join_team(&admin, "培育专班", login).await.unwrap();
    }
    (service, admin, li, wang, zhao, sun)
}

async fn enterprise(service: &Service, actor: &Officer, n: u32, name: &str) {
    service
        .add_enterprise(
            actor,
            NewEnterprise {
                uscc: peiyu_tests::uscc(n),
                name: name.into(),
                sector: peiyu_domain::Sector::Industry,
                town: "石龙镇".into(),
                address: "工业园区".into(),
                land_area: None,
                legal_form: peiyu_domain::LegalForm::LegalEntity,
                responsible_officer: None,
            },
            Some(actor.login.as_str()),
        )
        .await
        .unwrap();
}

async fn task(service: &Service, actor: &Officer, title: &str, enterprise: Option<&str>) -> String {
    let t = service
        .add_task(
            actor,
            NewTask {
                enterprise: enterprise.map(str::to_owned),
                kind: TaskKind::Custom,
                title: title.into(),
                description: None,
                assignee: None,
                due: Due::WorkingDays(5),
                follow_up_on: None,
            },
        )
        .await
        .unwrap();
    t.id.to_string()
}

fn client() -> Client {
    Client {
        address: Some("10.0.0.9".into()),
        user_agent: Some("tests".into()),
    }
}

#[tokio::test]
async fn deactivating_an_officer_hands_over_their_work_and_shuts_every_door() {
    on_every_backend(async |db| {
        let (service, admin, li, wang, zhao, sun) = bureau(db).await;
        enterprise(&service, &wang, 1, "王家机械有限公司").await;
        enterprise(&service, &wang, 2, "王家电子有限公司").await;
        let own = task(&service, &wang, "走访王家机械", Some("王家机械有限公司")).await;
        let theirs = task(&service, &zhao, "核对台账", None).await;
        service
            .delegate_task(&zhao, &theirs, Some("wang"))
            .await
            .unwrap();
        let token = service
            .create_token(&admin, Some("wang"), "手机", None)
            .await
            .unwrap();
        service
            .set_password(&admin, "wang", "wang-secret-1")
            .await
            .unwrap();
        let session = service
            .login("wang", "wang-secret-1", &client())
            .await
            .unwrap();

        // Refused, changing nothing: no reason; a successor outside nobody's reach is fine for an
        // admin, but not the officer themselves; only an admin may deactivate.
        let to = |s| Successors {
            successor: s,
            enterprises_to: None,
            tasks_to: None,
        };
        let err = service
            .deactivate_officer(&admin, "wang", to("zhao"), " ")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        let err = service
            .deactivate_officer(&admin, "wang", to("wang"), "调岗")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        let err = service
            .deactivate_officer(&li, "wang", to("zhao"), "调岗")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);
        assert!(service.authenticate(&token.secret).await.unwrap().is_some());

        let done = service
            .deactivate_officer(
                &admin,
                "wang",
                Successors {
                    successor: "zhao",
                    enterprises_to: Some("li"),
                    tasks_to: None,
                },
                "调往发改局",
            )
            .await
            .unwrap();
        assert!(!done.officer.active);
        assert_eq!(
            (
                done.enterprises,
                done.tasks,
                done.undelegated,
                done.tokens,
                done.sessions
            ),
            (2, 1, 1, 1, 1)
        );

        // The enterprises are li's, wang's task is zhao's, zhao's task is no longer delegated.
        let mine = service
            .list_enterprises(&admin, &Default::default())
            .await
            .unwrap();
        assert!(
            mine.iter()
                .all(|e| e.responsible.as_ref().map(|o| o.id) == Some(li.id))
        );
        let (own_now, _) = service.task_history(&admin, &own).await.unwrap();
        assert_eq!(own_now.value.assignee, zhao.id);
        assert_eq!(own_now.value.status, TaskStatus::Open);
        let (theirs_now, _) = service.task_history(&admin, &theirs).await.unwrap();
        assert_eq!(
            (theirs_now.value.assignee, theirs_now.value.delegate),
            (zhao.id, None)
        );

        // What they left behind can still be listed by their login: nothing open is theirs.
        let left = service
            .list_tasks(
                &admin,
                &peiyu_service::ListTasks {
                    officer: Some("wang".into()),
                    all: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(
            left.tasks
                .iter()
                .all(|t| t.value.status != TaskStatus::Open),
            "{:?}",
            left.tasks
        );

        // Every door is shut: token, session, password, and nobody may give them work.
        assert!(service.authenticate(&token.secret).await.unwrap().is_none());
        assert!(service.session(&session.secret).await.unwrap().is_none());
        assert!(
            service
                .login("wang", "wang-secret-1", &client())
                .await
                .is_err()
        );
        let err = service
            .transfer_task(&admin, &own, "wang", "退回")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert!(err.to_string().contains("no active officer"), "{err}");
        let err = service
            .deactivate_officer(&admin, "sun", to("wang"), "调岗")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);
        let err = service
            .deactivate_officer(&admin, "wang", to("zhao"), "再次")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        let _ = sun;

        // One audited step: every entry carries the reason, and the log replays to the tables.
        let actions = peiyu_tests::audit_actions(&db.url, &[]).await;
        let count = |a: &str| actions.iter().filter(|x| x.as_str() == a).count();
        assert_eq!(count("officer.deactivate"), 1);
        assert_eq!(count("token.revoke"), 1);
        assert_eq!(count("task.transfer"), 1);
        assert_eq!(count("task.undelegate"), 1);
        let verify = service.verify_audit(&admin).await.unwrap();
        assert!(
            verify.chains.broken.is_empty(),
            "{:?}",
            verify.chains.broken
        );
        assert!(verify.findings.is_empty(), "{:?}", verify.findings);
    })
    .await;
}

#[tokio::test]
async fn roles_change_with_a_reason_and_the_last_admin_stays_one() {
    on_every_backend(async |db| {
        let (service, admin, li, wang, _zhao, _sun) = bureau(db).await;
        let err = service
            .set_role(&li, "wang", Role::Lead, "升任组长")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);
        let err = service
            .set_role(&admin, "admin", Role::Officer, "交接")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);
        assert!(err.to_string().contains("last active admin"), "{err}");

        let promoted = service
            .set_role(&admin, "wang", Role::Admin, "兼任系统管理员")
            .await
            .unwrap();
        assert_eq!(promoted.role, Role::Admin);
        // Two admins now: the first may step down, and the new one then acts as admin.
        let stepped = service
            .set_role(&promoted, "admin", Role::Leader, "改任局领导")
            .await
            .unwrap();
        assert_eq!(stepped.role, Role::Leader);
        let err = service
            .set_role(&promoted, "wang", Role::Officer, "卸任")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);
        assert_eq!(service.actor("admin").await.unwrap().role, Role::Leader);
        let _ = wang;
        let verify = service.verify_audit(&promoted).await.unwrap();
        assert!(verify.findings.is_empty(), "{:?}", verify.findings);
    })
    .await;
}

#[tokio::test]
async fn a_lead_takes_an_officer_off_the_team_and_audit_verify_replays_it() {
    on_every_backend(async |db| {
        let (service, admin, li, wang, zhao, sun) = bureau(db).await;
        let members = async || {
            let teams = service.list_teams(&admin).await.unwrap();
            let mut logins: Vec<String> = teams[0]
                .members
                .iter()
                .map(|m| m.login.as_str().to_owned())
                .collect();
            logins.sort();
            logins
        };
        // Not the lead of the team, not an admin: refused.
        let err = service
            .leave_team(&wang, "培育专班", "zhao")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);
        // The lead takes zhao off; the lead stays.
        let view = service.leave_team(&li, "培育专班", "zhao").await.unwrap();
        assert!(view.members.iter().all(|m| m.id != zhao.id));
        assert_eq!(members().await, ["li", "wang"]);
        let err = service
            .leave_team(&admin, "培育专班", "li")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert!(err.to_string().contains("officer"), "{err}");
        // Someone not on it: refused, nothing changes.
        let err = service
            .leave_team(&admin, "培育专班", "sun")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert_eq!(sun.role, Role::Officer);
        // Back on it: a change of team is a leave and a join; the log replays to the table.
        service.join_team(&admin, "培育专班", "zhao").await.unwrap();
        service
            .leave_team(&admin, "培育专班", "wang")
            .await
            .unwrap();
        assert_eq!(members().await, ["li", "zhao"]);
        let log = service
            .audit_log(&admin, &peiyu_service::AuditQuery::default())
            .await
            .unwrap();
        assert_eq!(log.iter().filter(|e| e.action == "team.leave").count(), 2);
        let verified = service.verify_audit(&admin).await.unwrap();
        assert!(verified.ok(), "{verified:?}");
    })
    .await;
}
