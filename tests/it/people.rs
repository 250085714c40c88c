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
    peiyu_tests::join_all(&service, &admin, "培育专班", &["wang", "zhao"]).await;
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

        // They left the team they were on (its lead li stays on it).
        let day = chrono::NaiveDate::from_ymd_opt(2023, 6, 30).unwrap();
        let team = service.team_on(&admin, "培育专班", day).await.unwrap();
        let logins: Vec<&str> = team
            .members
            .iter()
            .map(|m| m.officer.login.as_str())
            .collect();
        assert!(!logins.contains(&"wang"), "{logins:?}");
        assert!(logins.contains(&"zhao"), "{logins:?}");

        // One audited step: every entry carries the reason, and the log replays to the tables.
        let actions = peiyu_tests::audit_actions(&db.url, &[]).await;
        let count = |a: &str| actions.iter().filter(|x| x.as_str() == a).count();
        assert_eq!(count("officer.deactivate"), 1);
        assert_eq!(count("team.leave"), 1);
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
            .leave_team(&wang, "培育专班", "zhao", None)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);
        // The lead takes zhao off; the lead stays.
        let view = service
            .leave_team(&li, "培育专班", "zhao", None)
            .await
            .unwrap();
        assert!(view.members.iter().all(|m| m.id != zhao.id));
        assert_eq!(members().await, ["li", "wang"]);
        let err = service
            .leave_team(&admin, "培育专班", "li", None)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert!(err.to_string().contains("officer"), "{err}");
        // Someone not on it: refused, nothing changes.
        let err = service
            .leave_team(&admin, "培育专班", "sun", None)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert_eq!(sun.role, Role::Officer);
        // Back on it: a change of team is a leave and a join; the log replays to the table.
        service
            .join_team(&admin, "培育专班", "zhao", None)
            .await
            .unwrap();
        service
            .leave_team(&admin, "培育专班", "wang", None)
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

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// Every task title on a weekly list, sorted.
fn titles(list: &peiyu_service::weekly::WeeklyList) -> Vec<String> {
    let mut out: Vec<String> = list
        .overdue
        .iter()
        .chain(list.this_week.iter().flat_map(|d| d.tasks.iter()))
        .chain(list.next_week.iter())
        .chain(list.done_last_week.iter())
        .map(|t| t.task.title.clone())
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn team_membership_is_dated_kept_and_read_as_of_a_day_and_a_past_week() {
    use peiyu_service::{FixedClock, WeeklyQuery};
    use std::sync::Arc;
    on_every_backend(async |db| {
        // Today is 30 June 2023; the team was set up on 1 March (recorded late, dated then).
        let (service, admin) = service_at(db, midyear()).await;
        let _li = officer(&service, &admin, "li", "李组长", Role::Lead).await;
        let sun = officer(&service, &admin, "sun", "孙强", Role::Officer).await;
        let qian = officer(&service, &admin, "qian", "钱多", Role::Officer).await;
        service
            .add_team(&admin, "培育专班", Some("li"))
            .await
            .unwrap();
        service
            .join_team(&admin, "培育专班", "sun", Some(day("2023-03-01")))
            .await
            .unwrap();
        // sun leaves on Wednesday 10 May (in on Monday and Tuesday of 2023-W19); qian joins
        // on Thursday 11 May; sun comes back on 1 June: a new period.
        service
            .leave_team(&admin, "培育专班", "sun", Some(day("2023-05-10")))
            .await
            .unwrap();
        service
            .join_team(&admin, "培育专班", "qian", Some(day("2023-05-11")))
            .await
            .unwrap();
        let view = service
            .join_team(&admin, "培育专班", "sun", Some(day("2023-06-01")))
            .await
            .unwrap();
        let mut now: Vec<&str> = view.members.iter().map(|m| m.login.as_str()).collect();
        now.sort();
        assert_eq!(now, ["li", "qian", "sun"]);

        // Refusals name the day and change nothing.
        for (login, on, leave, names) in [
            ("sun", "2023-06-10", false, "2023-06-01"), // a member that day already
            ("sun", "2023-05-01", false, "2023-03-01"), // inside a closed period
            ("sun", "2023-02-01", false, "2023-05-10"), // a period that would overlap one
            ("qian", "2023-05-01", false, "2023-05-11"), // before the open period
            ("qian", "2023-05-02", true, "2023-05-11"), // a leave before the join
            ("qian", "2023-07-01", true, "2023-06-30"), // after today
        ] {
            let change = if leave {
                service
                    .leave_team(&admin, "培育专班", login, Some(day(on)))
                    .await
            } else {
                service
                    .join_team(&admin, "培育专班", login, Some(day(on)))
                    .await
            };
            let err = change.unwrap_err();
            let peiyu_service::ServiceError::Invalid { field, message } = &err else {
                panic!("{login} {on}: {err}");
            };
            assert_eq!(field.key(), "on", "{login} {on}: {err}");
            for text in [message.zh(), message.en()] {
                assert!(text.contains(on) && text.contains(names), "{text}");
            }
        }

        // Members as of a day.
        let on = async |d: &str| {
            let team = service.team_on(&admin, "培育专班", day(d)).await.unwrap();
            team.members
                .iter()
                .map(|m| {
                    format!(
                        "{} {}..{}",
                        m.officer.login.as_str(),
                        m.joined_on,
                        m.left_on.map(|d| d.to_string()).unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(on("2023-02-28").await, Vec::<String>::new());
        assert_eq!(on("2023-05-09").await, ["sun 2023-03-01..2023-05-10"]);
        assert_eq!(on("2023-05-10").await, Vec::<String>::new());
        assert_eq!(on("2023-05-11").await, ["qian 2023-05-11.."]);
        assert_eq!(
            on("2023-06-30").await,
            ["qian 2023-05-11..", "sun 2023-06-01..", "li 2023-06-30.."]
        );

        // Tasks recorded before 2023-W19, due on its Tuesday and its Friday.
        let early =
            service
                .clone()
                .with_clock(Arc::new(FixedClock(chrono::TimeZone::from_utc_datetime(
                    &chrono::Utc,
                    &day("2023-05-02").and_hms_opt(1, 0, 0).unwrap(),
                ))));
        for (who, title, due) in [
            (&sun, "孙周二", "2023-05-09"),
            (&sun, "孙周五", "2023-05-12"),
            (&qian, "钱周二", "2023-05-09"),
            (&qian, "钱周五", "2023-05-12"),
        ] {
            early
                .add_task(
                    who,
                    NewTask {
                        enterprise: None,
                        kind: TaskKind::Custom,
                        title: title.into(),
                        description: None,
                        assignee: None,
                        due: Due::On(day(due)),
                        follow_up_on: None,
                    },
                )
                .await
                .unwrap();
        }
        let week = |in_effect| WeeklyQuery {
            team: Some("培育专班".into()),
            week: Some(peiyu_domain::Week::parse("2023-W19").unwrap()),
            in_effect,
            ..WeeklyQuery::default()
        };
        // As its meeting saw it: the members on its Monday, 8 May (sun, not qian).
        let meeting = service.weekly(&admin, week(false)).await.unwrap();
        assert_eq!(titles(&meeting), ["孙周二", "孙周五"]);
        // As it really was: sun for Monday and Tuesday, qian from Thursday.
        let really = service.weekly(&admin, week(true)).await.unwrap();
        assert_eq!(titles(&really), ["孙周二", "钱周五"]);
        // This week's list: today's members.
        let today = service
            .weekly(
                &admin,
                WeeklyQuery {
                    team: Some("培育专班".into()),
                    ..WeeklyQuery::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(titles(&today), ["孙周二", "孙周五", "钱周二", "钱周五"]);

        // A leave on the day of joining undoes the join; the log replays to the table.
        service
            .join_team(&admin, "培育专班", "sun", None)
            .await
            .unwrap_err();
        let zhao = officer(&service, &admin, "zhao", "赵敏", Role::Officer).await;
        service
            .join_team(&admin, "培育专班", "zhao", None)
            .await
            .unwrap();
        service
            .leave_team(&admin, "培育专班", "zhao", None)
            .await
            .unwrap();
        assert!(
            on("2023-06-30")
                .await
                .iter()
                .all(|m| !m.starts_with("zhao"))
        );
        service
            .join_team(&admin, "培育专班", "zhao", None)
            .await
            .unwrap();
        let teammates = service.list_teams(&admin).await.unwrap();
        assert!(teammates[0].members.iter().any(|m| m.id == zhao.id));
        let verified = service.verify_audit(&admin).await.unwrap();
        assert!(verified.ok(), "{verified:?}");
    })
    .await;
}

#[tokio::test]
async fn memberships_recorded_before_periods_become_open_periods_dated_in_the_county() {
    use peiyu_migrations::{Migrator, MigratorTrait};
    use peiyu_storage::entities::{officers, team_memberships, teams};
    use sea_orm::sea_query::{Alias, Query};
    use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
    on_every_backend(async |db| {
        let conn = sea_orm::Database::connect(&db.url).await.unwrap();
        let before = Migrator::migrations()
            .iter()
            .position(|m| m.name() == "m20261207_000070_membership_periods")
            .unwrap();
        Migrator::up(&conn, Some(before as u32)).await.unwrap();
        let (officer, team) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let at = "2023-06-30T20:00:00.000000Z"; // 04:00 on 1 July in the county
        officers::Entity::insert(officers::ActiveModel {
            id: Set(officer),
            login: Set("wang".into()),
            name: Set("王伟".into()),
            role: Set("officer".into()),
            active: Set(true),
            created_at: Set(at.into()),
            updated_at: Set(at.into()),
            password_hash: Set(None),
            must_change_password: Set(false),
            password_set_at: Set(None),
        })
        .exec_without_returning(&conn)
        .await
        .unwrap();
        teams::Entity::insert(teams::ActiveModel {
            id: Set(team),
            name: Set("培育专班".into()),
            lead_id: Set(None),
            created_at: Set(at.into()),
        })
        .exec_without_returning(&conn)
        .await
        .unwrap();
        // The row as the table was before: one per member, dated only by its instant.
        let old = Query::insert()
            .into_table(Alias::new("team_memberships"))
            .columns([
                Alias::new("team_id"),
                Alias::new("officer_id"),
                Alias::new("joined_at"),
            ])
            .values_panic([team.into(), officer.into(), at.into()])
            .to_owned();
        conn.execute(&old).await.unwrap();

        Migrator::up(&conn, None).await.unwrap();
        let rows = team_memberships::Entity::find().all(&conn).await.unwrap();
        assert_eq!(
            rows,
            [team_memberships::Model {
                team_id: team,
                officer_id: officer,
                joined_on: day("2023-07-01"),
                left_on: None,
                joined_at: at.into(),
                left_at: None,
            }]
        );
        conn.close().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_leader_changes_the_years_targets_and_nothing_else() {
    use peiyu_service::{AdvanceCase, BulkTransfer, EnterpriseEdit, ListChange, NewNote, OpenCase};
    on_every_backend(async |db| {
        let (service, admin, _li, wang, _zhao, _sun) = bureau(db).await;
        let qian = officer(&service, &admin, "qian", "钱局长", Role::Leader).await;
        enterprise(&service, &wang, 1, "凯莘木业").await;
        let firm = peiyu_tests::uscc(1).to_string();
        let case = OpenCase {
            enterprise: firm.clone(),
            track: "industrial".into(),
            ..OpenCase::default()
        };
        service.open_case(&admin, case.clone()).await.unwrap();
        let task = |assignee: Option<&str>| NewTask {
            enterprise: Some(firm.clone()),
            kind: TaskKind::Visit,
            title: "走访".into(),
            description: None,
            assignee: assignee.map(str::to_owned),
            due: Due::WorkingDays(5),
            follow_up_on: None,
        };
        let wangs = service
            .add_task(&wang, task(None))
            .await
            .unwrap()
            .id
            .to_string();
        // A task of the leader's own, as a 督办 escalated to them would be.
        let own = service
            .add_task(&admin, task(Some("qian")))
            .await
            .unwrap()
            .id
            .to_string();
        let note = || NewNote {
            progress: "已督促".into(),
            problem: None,
            next_step: None,
            on: None,
        };
        let change = |batch| ListChange {
            enterprise: firm.clone(),
            year: 2023,
            batch,
            suggested: None,
            reason: "调整".into(),
            on: None,
        };
        let audited = async || {
            service
                .audit_log(&admin, &peiyu_service::AuditQuery::default())
                .await
                .unwrap()
                .len()
        };
        let before = audited().await;
        let s = &service;
        let refused: Vec<(&str, peiyu_service::ServiceResult<()>)> = vec![
            (
                "enterprise add",
                s.add_enterprise(
                    &qian,
                    peiyu_domain::NewEnterprise {
                        uscc: peiyu_tests::uscc(2),
                        name: "新企业".into(),
                        sector: peiyu_domain::Sector::Industry,
                        town: "石龙镇".into(),
                        address: String::new(),
                        land_area: None,
                        legal_form: peiyu_domain::LegalForm::LegalEntity,
                        responsible_officer: None,
                    },
                    None,
                )
                .await
                .map(drop),
            ),
            (
                "enterprise edit",
                s.edit_enterprise(
                    &qian,
                    &firm,
                    EnterpriseEdit {
                        address: Some("新地址".into()),
                        ..EnterpriseEdit::default()
                    },
                    None,
                    None,
                )
                .await
                .map(drop),
            ),
            (
                "enterprise archive",
                s.archive_enterprise(&qian, &firm, "停产", None)
                    .await
                    .map(drop),
            ),
            (
                "case open",
                s.open_case(
                    &qian,
                    OpenCase {
                        track: "technology".into(),
                        ..case.clone()
                    },
                )
                .await
                .map(drop),
            ),
            (
                "case advance",
                s.advance_case(
                    &qian,
                    AdvanceCase {
                        enterprise: firm.clone(),
                        track: "industrial".into(),
                        to: "cultivating".into(),
                        ..AdvanceCase::default()
                    },
                )
                .await
                .map(drop),
            ),
            (
                "case withdraw",
                s.withdraw_case(&qian, &firm, "industrial", "撤回", None, None)
                    .await
                    .map(drop),
            ),
            (
                "case migrate",
                s.migrate_case(&qian, &firm, "industrial", None)
                    .await
                    .map(drop),
            ),
            ("task add", s.add_task(&qian, task(None)).await.map(drop)),
            (
                "task done (own)",
                s.complete_task(&qian, &own, None, None, None)
                    .await
                    .map(drop),
            ),
            (
                "task note (own)",
                s.note_task(&qian, &own, note()).await.map(drop),
            ),
            (
                "task assign",
                s.assign_task(&qian, &wangs, "zhao").await.map(drop),
            ),
            (
                "task transfer",
                s.transfer_task(&qian, &wangs, "zhao", "转办")
                    .await
                    .map(drop),
            ),
            (
                "task delegate",
                s.delegate_task(&qian, &wangs, Some("zhao")).await.map(drop),
            ),
            (
                "task cancel",
                s.cancel_task(&qian, &wangs, "取消").await.map(drop),
            ),
            (
                "task reopen",
                s.reopen_task(&qian, &wangs, "重开").await.map(drop),
            ),
            (
                "task bulk-transfer",
                s.bulk_transfer(
                    &qian,
                    &BulkTransfer {
                        from: "wang".into(),
                        to: "zhao".into(),
                        enterprise: None,
                        batch: None,
                        reason: "交接".into(),
                    },
                )
                .await
                .map(drop),
            ),
            (
                "batch assign",
                s.assign_batch(&qian, &change(peiyu_domain::Batch::new(2).ok()))
                    .await
                    .map(drop),
            ),
            (
                "batch copy",
                s.copy_batch_list(&qian, 2023, 2024, None).await.map(drop),
            ),
            (
                "officer add",
                s.add_officer(
                    &qian,
                    NewOfficer {
                        login: Login::new("zhou").unwrap(),
                        name: "周".into(),
                        role: Role::Officer,
                    },
                )
                .await
                .map(drop),
            ),
            (
                "officer role",
                s.set_role(&qian, "wang", Role::Lead, "任命")
                    .await
                    .map(drop),
            ),
            (
                "officer deactivate",
                s.deactivate_officer(
                    &qian,
                    "wang",
                    Successors {
                        successor: "zhao",
                        enterprises_to: None,
                        tasks_to: None,
                    },
                    "调岗",
                )
                .await
                .map(drop),
            ),
            (
                "officer password (another's)",
                s.set_password(&qian, "wang", "另一个密码123")
                    .await
                    .map(drop),
            ),
            (
                "team add",
                s.add_team(&qian, "新专班", None).await.map(drop),
            ),
            (
                "team join",
                s.join_team(&qian, "培育专班", "sun", None).await.map(drop),
            ),
            (
                "team leave",
                s.leave_team(&qian, "培育专班", "wang", None)
                    .await
                    .map(drop),
            ),
            (
                "token create (another's)",
                s.create_token(&qian, Some("wang"), "脚本", None)
                    .await
                    .map(drop),
            ),
            ("tick", s.tick(&qian, None).await.map(drop)),
            ("audit seal", s.seal_day(&qian, None).await.map(drop)),
        ];
        for (what, result) in refused {
            let err = result.expect_err(what);
            assert_eq!(err.kind(), ErrorKind::Forbidden, "{what}: {err}");
        }
        assert_eq!(audited().await, before, "a refusal records nothing");
        // The year's targets, their own token and password: theirs to change.
        s.set_target(&qian, 2023, "new_above_scale", 14)
            .await
            .unwrap();
        s.create_token(&qian, None, "报表", None).await.unwrap();
        s.set_password(&qian, "qian", "局长的新密码123")
            .await
            .unwrap();
    })
    .await;
}
