//! The weekly list (周例会任务清单) through the service: a week around the National Day holiday
//! with overdue, due, upcoming and done tasks, every section checked; team and bureau lists and
//! who may see them; and past weeks rebuilt from history as their Monday meeting saw them.
//! Each test runs on every backend.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use peiyu_domain::{
    Batch, Enterprise, LegalForm, Login, Metrics, NewEnterprise, Officer, Role, Sector, TaskKind,
    TaskStatus, Week, YearMonth, Yuan,
};
use peiyu_service::weekly::{ListBasis, WatchReason, WeeklyList, WeeklyScope, WeeklyTask};
use peiyu_service::{
    AdvanceCase, Due, ErrorKind, FixedClock, ListChange, NewOfficer, NewTask, OpenCase, Service,
    WeeklyQuery,
};
use peiyu_tests::{TestDb, on_every_backend, service_at, uscc};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap_or_else(|e| panic!("not a date: {s}: {e}"))
}

/// 09:00 in the county (UTC+8) on `day`.
fn morning(day: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d(day).and_hms_opt(1, 0, 0).unwrap())
}

fn week(s: &str) -> Week {
    Week::parse(s).unwrap()
}

/// The bureau: team 培育专班 (lead `lead`, officers `wang` and `li`), `zhao` outside it, `boss`
/// a bureau leader, and the administrator.
#[derive(Clone)]
struct Bureau {
    service: Service,
    admin: Officer,
    wang: Officer,
    li: Officer,
    lead: Officer,
    zhao: Officer,
    boss: Officer,
}

impl Bureau {
    async fn new(db: &TestDb, today: &str) -> Bureau {
        let (service, admin) = service_at(db, morning(today)).await;
        let add = async |login: &str, role: Role| {
            service
                .add_officer(
                    &admin,
                    NewOfficer {
                        login: Login::new(login).unwrap(),
                        name: login.to_uppercase(),
                        role,
                    },
                )
                .await
                .unwrap()
        };
        let wang = add("wang", Role::Officer).await;
        let li = add("li", Role::Officer).await;
        let lead = add("lead", Role::Lead).await;
        let zhao = add("zhao", Role::Officer).await;
        let boss = add("boss", Role::Leader).await;
        service
            .add_team(&admin, "培育专班", Some("lead"))
            .await
            .unwrap();
        peiyu_tests::join_all(&service, &admin, "培育专班", &["wang", "li"]).await;
        Bureau {
            service,
            admin,
            wang,
            li,
            lead,
            zhao,
            boss,
        }
    }

    /// The same bureau on another day: the clock moves, the database stays.
    fn on(&self, today: &str) -> Bureau {
        Bureau {
            service: self
                .service
                .clone()
                .with_clock(Arc::new(FixedClock(morning(today)))),
            ..self.clone()
        }
    }

    /// An industrial legal entity `officer` is responsible for.
    async fn firm(&self, officer: &Officer, n: u32, name: &str) -> Enterprise {
        self.service
            .add_enterprise(
                officer,
                NewEnterprise {
                    uscc: uscc(n),
                    name: name.into(),
                    sector: Sector::Industry,
                    town: "石龙镇".into(),
                    address: "工业园区".into(),
                    land_area: None,
                    legal_form: LegalForm::LegalEntity,
                    responsible_officer: None,
                },
                None,
            )
            .await
            .unwrap()
            .enterprise
    }

    async fn batch(&self, e: &Enterprise, batch: u8, on: &str) {
        self.service
            .assign_batch(
                &self.admin,
                &ListChange {
                    enterprise: e.name.clone(),
                    year: 2023,
                    batch: Batch::new(batch).ok(),
                    reason: "年度名单".into(),
                    on: Some(d(on)),
                    ..ListChange::default()
                },
            )
            .await
            .unwrap();
    }

    /// Opens `e` on the industrial track on `on` (optionally with a target date) and, when
    /// `cultivating_on` is given, moves it to cultivating then, which creates a visit due in 5
    /// working days and a land factor task due in 20 (10 for batches 1 and 2).
    async fn case(
        &self,
        actor: &Officer,
        e: &Enterprise,
        on: &str,
        target: Option<&str>,
        cultivating_on: Option<&str>,
    ) {
        self.service
            .open_case(
                actor,
                OpenCase {
                    enterprise: e.name.clone(),
                    track: "industrial".into(),
                    target_date: target.map(d),
                    on: Some(d(on)),
                    ..OpenCase::default()
                },
            )
            .await
            .unwrap();
        if let Some(day) = cultivating_on {
            let out = self
                .service
                .advance_case(
                    actor,
                    AdvanceCase {
                        enterprise: e.name.clone(),
                        track: "industrial".into(),
                        to: "cultivating".into(),
                        on: Some(d(day)),
                        ..AdvanceCase::default()
                    },
                )
                .await
                .unwrap();
            assert_eq!(out.tasks.len(), 2);
        }
    }

    async fn manual(&self, actor: &Officer, e: Option<&Enterprise>, title: &str, due: &str) {
        self.service
            .add_task(
                actor,
                NewTask {
                    enterprise: e.map(|e| e.name.clone()),
                    kind: TaskKind::Custom,
                    title: title.into(),
                    description: None,
                    assignee: None,
                    due: Due::On(d(due)),
                    follow_up_on: None,
                },
            )
            .await
            .unwrap();
    }

    /// The one task about `e` of `kind`.
    async fn task_of(&self, e: &Enterprise, kind: TaskKind) -> String {
        let all = self
            .service
            .list_tasks(
                &self.admin,
                &peiyu_service::ListTasks {
                    enterprise: Some(e.name.clone()),
                    all: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let found: Vec<_> = all.tasks.iter().filter(|t| t.value.kind == kind).collect();
        assert_eq!(found.len(), 1, "one {kind:?} task about {}", e.name);
        found[0].value.id.to_string()
    }

    async fn weekly(&self, actor: &Officer, query: WeeklyQuery) -> WeeklyList {
        self.service
            .weekly(actor, query)
            .await
            .unwrap_or_else(|e| panic!("weekly list: {e}"))
    }
}

fn land() -> TaskKind {
    TaskKind::FactorGuarantee(peiyu_domain::FactorCategory::Land)
}

/// Each task as (enterprise name or "-", kind key, due date, overdue, carried over).
fn lines(tasks: &[WeeklyTask]) -> Vec<(String, String, NaiveDate, Option<u32>, bool)> {
    tasks
        .iter()
        .map(|t| {
            (
                t.enterprise_name.clone().unwrap_or_else(|| "-".into()),
                t.task.kind.key(),
                t.task.due_on,
                t.working_days_overdue,
                t.carried_over,
            )
        })
        .collect()
}

fn line(
    firm: &str,
    kind: TaskKind,
    due: &str,
    overdue: Option<u32>,
    carried: bool,
) -> (String, String, NaiveDate, Option<u32>, bool) {
    (firm.into(), kind.key(), d(due), overdue, carried)
}

/// The scene, set up on Monday 2 October 2023 (2023-W40, in the National Day holiday: 29
/// September to 6 October off, Saturday 7 and Sunday 8 October make-up workdays):
///
/// - 甲 (batch 1, wang): cultivating since 20 Sep, target 15 Nov: visit due 27 Sep (overdue),
///   land due 10 Oct (priority: 10 working days), a manual task due today;
/// - 乙 (batch 4, wang): cultivating since 18 Sep: visit due 25 Sep (overdue), land done 28 Sep,
///   a manual task due Saturday 7 Oct;
/// - 丙 (wang): cultivating since 25 Sep: visit due Sunday 8 Oct, land done today;
/// - 丁 (li): cultivating since 20 Sep: visit due 27 Sep (overdue);
/// - 戊 (wang): no case, trailing-12-month revenue 92.5% of the threshold;
/// - 己 (wang): at candidate since 1 July;
/// - a task about no enterprise, cancelled.
async fn scene(db: &TestDb) -> (Bureau, [Enterprise; 6]) {
    let b = Bureau::new(db, "2023-10-02").await;
    let (wang, li) = (b.wang.clone(), b.li.clone());
    let jia = b.firm(&wang, 1, "甲机械有限公司").await;
    let yi = b.firm(&wang, 2, "乙食品有限公司").await;
    let bing = b.firm(&wang, 3, "丙竹业有限公司").await;
    let ding = b.firm(&li, 4, "丁纸业有限公司").await;
    let wu = b.firm(&wang, 5, "戊建材有限公司").await;
    let ji = b.firm(&wang, 6, "己电子有限公司").await;
    b.batch(&jia, 1, "2023-09-01").await;
    b.batch(&yi, 4, "2023-09-01").await;
    b.case(
        &wang,
        &jia,
        "2023-09-01",
        Some("2023-11-15"),
        Some("2023-09-20"),
    )
    .await;
    b.case(&wang, &yi, "2023-09-01", None, Some("2023-09-18"))
        .await;
    b.case(&wang, &bing, "2023-09-01", None, Some("2023-09-25"))
        .await;
    b.case(&li, &ding, "2023-09-01", None, Some("2023-09-20"))
        .await;
    b.case(&wang, &ji, "2023-07-01", None, None).await;
    let mut month = YearMonth::new(2022, 10).unwrap();
    for _ in 0..12 {
        b.service
            .record_metrics(
                &wang,
                &wu.name,
                Metrics {
                    revenue: Some(Yuan(1_541_667)),
                    output_value: Some(Yuan(1_541_667)),
                    ..Metrics::empty(wu.id, month)
                },
                None,
            )
            .await
            .unwrap();
        month = month.next();
    }
    b.manual(&wang, Some(&jia), "今日走访", "2023-10-02").await;
    b.manual(&wang, Some(&yi), "调休日报送材料", "2023-10-07")
        .await;
    b.manual(&wang, None, "已取消的任务", "2023-10-03").await;
    let yi_land = b.task_of(&yi, land()).await;
    b.service
        .complete_task(
            &wang,
            &yi_land,
            Some("已协调".into()),
            None,
            Some(d("2023-09-28")),
        )
        .await
        .unwrap();
    let bing_land = b.task_of(&bing, land()).await;
    b.service
        .complete_task(&wang, &bing_land, None, None, None)
        .await
        .unwrap();
    let cancelled = b
        .service
        .list_tasks(&wang, &peiyu_service::ListTasks::default())
        .await
        .unwrap()
        .tasks
        .into_iter()
        .find(|t| t.value.title == "已取消的任务")
        .unwrap();
    b.service
        .cancel_task(&wang, &cancelled.value.id.to_string(), "不再需要")
        .await
        .unwrap();
    (b, [jia, yi, bing, ding, wu, ji])
}

#[tokio::test]
async fn an_officers_week_across_national_day_has_every_section() {
    on_every_backend(async |db| {
        let (b, [jia, yi, bing, _ding, wu, ji]) = scene(db).await;
        let list = b.weekly(&b.wang, WeeklyQuery::default()).await;
        assert_eq!(
            list.scope,
            WeeklyScope::Officer {
                login: "wang".into(),
                name: "WANG".into()
            }
        );
        assert_eq!(list.week, week("2023-W40"));
        assert_eq!(list.as_of, d("2023-10-02"));

        // Overdue: batch 1 before batch 4 although due later; working days skip the holiday.
        assert_eq!(
            lines(&list.overdue),
            vec![
                line(&jia.name, TaskKind::Visit, "2023-09-27", Some(1), false),
                line(&yi.name, TaskKind::Visit, "2023-09-25", Some(3), false),
            ]
        );
        assert_eq!(list.overdue[0].batch, Batch::new(1).ok());
        assert_eq!(list.overdue[1].batch, Batch::new(4).ok());
        assert_eq!(list.overdue[0].assignee_login, "wang");
        assert_eq!(list.overdue[0].assignee_name, "WANG");
        assert_eq!(
            list.overdue[0].enterprise_uscc.as_deref(),
            Some(jia.uscc.as_str())
        );
        assert_eq!(list.overdue[0].short_id.len(), 8);

        // This week, day by day: the holiday is off, the make-up weekend is working.
        let days: Vec<(NaiveDate, bool)> = list
            .this_week
            .iter()
            .map(|d| (d.date, d.working_day))
            .collect();
        assert_eq!(
            days,
            vec![
                (d("2023-10-02"), false),
                (d("2023-10-03"), false),
                (d("2023-10-04"), false),
                (d("2023-10-05"), false),
                (d("2023-10-06"), false),
                (d("2023-10-07"), true),
                (d("2023-10-08"), true),
            ]
        );
        let due: Vec<_> = list.this_week.iter().map(|d| lines(&d.tasks)).collect();
        assert_eq!(
            due,
            vec![
                vec![line(&jia.name, TaskKind::Custom, "2023-10-02", None, false)],
                vec![],
                vec![],
                vec![],
                vec![],
                vec![line(&yi.name, TaskKind::Custom, "2023-10-07", None, false)],
                // Five working days after 25 Sep: 26–28 Sep, then 7 and 8 Oct.
                vec![line(&bing.name, TaskKind::Visit, "2023-10-08", None, false)],
            ]
        );

        // Next week: 甲's land task, ten working days (batch 1) after 20 Sep.
        assert_eq!(
            lines(&list.next_week),
            vec![line(&jia.name, land(), "2023-10-10", None, false)]
        );

        // Done last week (25 Sep to 1 Oct): 乙's land task; 丙's, done today, is not.
        assert_eq!(
            lines(&list.done_last_week),
            vec![line(&yi.name, land(), "2023-10-20", None, false)]
        );
        assert_eq!(list.done_last_week[0].task.status, TaskStatus::Done);
        assert_eq!(
            list.done_last_week[0].task.completed_on,
            Some(d("2023-09-28"))
        );

        // Watch list: 甲's target in 44 days with the revenue guard failing; 戊 at 92.5% of the
        // threshold; 己 at candidate for 93 days.
        let watch: Vec<(&str, &WatchReason)> = list
            .watch
            .iter()
            .map(|w| (w.enterprise_name.as_str(), &w.reason))
            .collect();
        assert_eq!(
            watch,
            vec![
                (
                    jia.name.as_str(),
                    &WatchReason::TargetAtRisk {
                        target_date: d("2023-11-15"),
                        target_stage: Some("registered".into()),
                        target_label: Some(peiyu_domain::Text::new(
                            "上规入统",
                            "registered above scale"
                        )),
                    }
                ),
                (
                    wu.name.as_str(),
                    &WatchReason::NearThreshold { share_bp: 9_250 }
                ),
                (ji.name.as_str(), &WatchReason::Stalled { days: 93 }),
            ]
        );
        assert!(
            list.watch[0].detail.zh().contains("上规入统"),
            "{}",
            list.watch[0].detail.zh()
        );
        assert_eq!(list.watch[0].batch, Batch::new(1).ok());
        assert_eq!(list.watch[0].stage.as_ref().map(|s| s.zh()), Some("培育中"));
        assert_eq!(
            list.watch[2].stage.as_ref().map(|s| s.en()),
            Some("candidate")
        );
        assert_eq!(list.seal, None);
    })
    .await;
}

#[tokio::test]
async fn team_and_bureau_lists_and_who_may_see_them() {
    on_every_backend(async |db| {
        let (b, [jia, yi, _bing, ding, _wu, _ji]) = scene(db).await;
        let team = WeeklyQuery {
            team: Some("培育专班".into()),
            ..WeeklyQuery::default()
        };
        let list = b.weekly(&b.wang, team.clone()).await;
        assert_eq!(
            list.scope,
            WeeklyScope::Team {
                name: "培育专班".into()
            }
        );
        assert_eq!(
            lines(&list.overdue),
            vec![
                // Grouped by officer for the meeting: LI's (丁) before WANG's.
                line(&ding.name, TaskKind::Visit, "2023-09-27", Some(1), false),
                // Then WANG's: 甲 (batch 1) first; 乙 (batch 4) has no priority.
                line(&jia.name, TaskKind::Visit, "2023-09-27", Some(1), false),
                line(&yi.name, TaskKind::Visit, "2023-09-25", Some(3), false),
            ]
        );
        assert_eq!(list.overdue[0].assignee_login, "li");
        // 丁's land task (no priority batch) is due on 24 October.
        assert_eq!(
            lines(&list.next_week),
            vec![line(&jia.name, land(), "2023-10-10", None, false)]
        );
        assert_eq!(b.weekly(&b.lead, team.clone()).await, list);
        assert_eq!(b.weekly(&b.boss, team.clone()).await, list);

        let li_list = WeeklyQuery {
            officer: Some("li".into()),
            ..WeeklyQuery::default()
        };
        let of_li = b.weekly(&b.lead, li_list.clone()).await;
        assert_eq!(
            lines(&of_li.overdue),
            vec![line(
                &ding.name,
                TaskKind::Visit,
                "2023-09-27",
                Some(1),
                false
            )]
        );
        assert!(of_li.watch.is_empty(), "丁 moved on 20 Sep");

        let all = WeeklyQuery {
            all: true,
            ..WeeklyQuery::default()
        };
        let bureau = b.weekly(&b.admin, all.clone()).await;
        assert_eq!(bureau.scope, WeeklyScope::Bureau);
        assert_eq!(bureau.overdue.len(), 3);
        assert_eq!(b.weekly(&b.boss, all.clone()).await, bureau);

        for (actor, query) in [
            (&b.wang, li_list.clone()),
            (&b.wang, all.clone()),
            (&b.lead, all.clone()),
            (&b.zhao, team.clone()),
            (
                &b.li,
                WeeklyQuery {
                    officer: Some("wang".into()),
                    ..WeeklyQuery::default()
                },
            ),
        ] {
            let err = b.service.weekly(actor, query.clone()).await.unwrap_err();
            assert_eq!(
                err.kind(),
                ErrorKind::Forbidden,
                "{} {query:?}",
                actor.login
            );
        }
        let both = WeeklyQuery {
            team: Some("培育专班".into()),
            all: true,
            ..WeeklyQuery::default()
        };
        let err = b.service.weekly(&b.admin, both).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        let nobody = WeeklyQuery {
            officer: Some("nobody".into()),
            ..WeeklyQuery::default()
        };
        let err = b.service.weekly(&b.admin, nobody).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        let no_team = WeeklyQuery {
            team: Some("不存在".into()),
            ..WeeklyQuery::default()
        };
        let err = b.service.weekly(&b.admin, no_team).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
    })
    .await;
}

#[tokio::test]
async fn a_past_week_is_shown_as_its_monday_meeting_saw_it() {
    on_every_backend(async |db| {
        // Monday 25 September (2023-W39): 甲's visit is due Wednesday 27 September.
        let b = Bureau::new(db, "2023-09-25").await;
        let wang = b.wang.clone();
        let jia = b.firm(&wang, 1, "甲机械有限公司").await;
        b.case(&wang, &jia, "2023-09-01", None, Some("2023-09-20"))
            .await;
        let visit = b.task_of(&jia, TaskKind::Visit).await;
        let then = b.weekly(&wang, WeeklyQuery::default()).await;
        assert_eq!((then.week, then.as_of), (week("2023-W39"), d("2023-09-25")));

        // Monday 9 October: the visit is done, effective 26 September, recorded today.
        let later = b.on("2023-10-09");
        later
            .service
            .complete_task(&wang, &visit, None, None, Some(d("2023-09-26")))
            .await
            .unwrap();

        // 2023-W39 is over: shown as it stood at the end of its Monday, the visit still open and
        // due on Wednesday — exactly what that meeting saw.
        let w39 = WeeklyQuery {
            week: Some(week("2023-W39")),
            ..WeeklyQuery::default()
        };
        let past = later.weekly(&wang, w39.clone()).await;
        assert_eq!(past.basis, ListBasis::Meeting);
        assert_eq!(
            WeeklyList {
                basis: ListBasis::Current,
                ..past.clone()
            },
            then
        );
        assert_eq!(past.as_of, d("2023-09-25"));
        let wednesday = &past.this_week[2];
        assert_eq!(wednesday.date, d("2023-09-27"));
        assert_eq!(
            lines(&wednesday.tasks),
            vec![line(&jia.name, TaskKind::Visit, "2023-09-27", None, false)]
        );
        assert_eq!(wednesday.tasks[0].task.status, TaskStatus::Open);
        assert!(past.done_last_week.is_empty());

        // 2023-W40 as of its Monday (2 October): the visit was open and overdue by one working
        // day (28 September; the holiday does not count).
        let w40 = later
            .weekly(
                &wang,
                WeeklyQuery {
                    week: Some(week("2023-W40")),
                    ..WeeklyQuery::default()
                },
            )
            .await;
        assert_eq!(w40.as_of, d("2023-10-02"));
        assert_eq!(
            lines(&w40.overdue),
            vec![line(
                &jia.name,
                TaskKind::Visit,
                "2023-09-27",
                Some(1),
                false
            )]
        );

        // The same week as it really was: the visit, done on 26 September (entered later), was
        // not overdue on 2 October, and was done in the week before.
        let w40_in_effect = later
            .weekly(
                &wang,
                WeeklyQuery {
                    week: Some(week("2023-W40")),
                    in_effect: true,
                    ..WeeklyQuery::default()
                },
            )
            .await;
        assert_eq!(w40_in_effect.basis, ListBasis::InEffect);
        assert!(w40_in_effect.overdue.is_empty(), "{w40_in_effect:?}");
        assert_eq!(
            lines(&w40_in_effect.done_last_week),
            vec![line(&jia.name, TaskKind::Visit, "2023-09-27", None, false)]
        );

        // Naming today shows the week as it stands now: the visit is done.
        let now = later
            .weekly(
                &wang,
                WeeklyQuery {
                    today: Some(d("2023-10-09")),
                    ..w39
                },
            )
            .await;
        assert_eq!(now.as_of, d("2023-10-09"));
        assert!(now.overdue.is_empty());
        assert!(now.this_week.iter().all(|d| d.tasks.is_empty()));

        // This week (2023-W41): the default; the visit, done in W39, is not "done last week".
        let w41 = later.weekly(&wang, WeeklyQuery::default()).await;
        assert_eq!((w41.week, w41.as_of), (week("2023-W41"), d("2023-10-09")));
        assert!(w41.overdue.is_empty() && w41.done_last_week.is_empty());
    })
    .await;
}

#[tokio::test]
async fn rebuilt_from_history_and_read_from_the_tables_agree() {
    on_every_backend(async |db| {
        let (b, [jia, yi, ..]) = scene(db).await;
        // More kinds of change: a delegation, a transfer, a reopened task, and an escalation
        // (whose audit entry is not a task state).
        let jia_land = b.task_of(&jia, land()).await;
        b.service
            .delegate_task(&b.wang, &jia_land, Some("li"))
            .await
            .unwrap();
        let yi_land = b.task_of(&yi, land()).await;
        b.service
            .reopen_task(&b.wang, &yi_land, "材料不全")
            .await
            .unwrap();
        b.service
            .complete_task(&b.wang, &yi_land, None, None, Some(d("2023-09-29")))
            .await
            .unwrap();
        let jia_visit = b.task_of(&jia, TaskKind::Visit).await;
        b.service
            .transfer_task(&b.wang, &jia_visit, "li", "调整分工")
            .await
            .unwrap();
        let report = b.service.tick(&b.admin, None).await.unwrap();
        assert!(
            !report.escalated.is_empty(),
            "乙's visit is 3 working days late"
        );

        let queries = [
            WeeklyQuery::default(),
            WeeklyQuery {
                officer: Some("li".into()),
                ..WeeklyQuery::default()
            },
            WeeklyQuery {
                officer: Some("lead".into()),
                ..WeeklyQuery::default()
            },
            WeeklyQuery {
                all: true,
                ..WeeklyQuery::default()
            },
        ];
        let tomorrow = b.on("2023-10-03");
        for q in queries {
            let from_tables = b.weekly(&b.admin, q.clone()).await;
            let from_history = tomorrow
                .weekly(
                    &b.admin,
                    WeeklyQuery {
                        week: Some(week("2023-W40")),
                        today: Some(d("2023-10-02")),
                        ..q.clone()
                    },
                )
                .await;
            assert_eq!(from_history.basis, ListBasis::Meeting);
            let as_current = |list: WeeklyList| WeeklyList {
                basis: ListBasis::Current,
                ..list
            };
            assert_eq!(as_current(from_history), from_tables, "{q:?}");
            // Nothing here was entered late: as it really was is what the meeting saw.
            let in_effect = tomorrow
                .weekly(
                    &b.admin,
                    WeeklyQuery {
                        week: Some(week("2023-W40")),
                        today: Some(d("2023-10-02")),
                        in_effect: true,
                        ..q.clone()
                    },
                )
                .await;
            assert_eq!(in_effect.basis, ListBasis::InEffect);
            assert_eq!(as_current(in_effect), from_tables, "{q:?} in effect");
        }
        let li = b
            .weekly(
                &b.admin,
                WeeklyQuery {
                    officer: Some("li".into()),
                    ..WeeklyQuery::default()
                },
            )
            .await;
        assert_eq!(li.overdue.len(), 2, "丁's visit and 甲's, transferred");
        let delegated = &li.next_week[0];
        assert_eq!(delegated.delegate_name.as_deref(), Some("LI"));
        assert_eq!(delegated.assignee_login, "wang");
        let lead = b
            .weekly(
                &b.admin,
                WeeklyQuery {
                    officer: Some("lead".into()),
                    ..WeeklyQuery::default()
                },
            )
            .await;
        assert!(
            lead.this_week
                .iter()
                .flat_map(|d| &d.tasks)
                .any(|t| t.task.title.starts_with("督办")),
            "the escalation's follow-up task is the lead's"
        );

        // Once the day is sealed (tick seals yesterday), its list carries the seal.
        let sealed = tomorrow.service.tick(&b.admin, None).await.unwrap();
        let seal = sealed.seal.expect("2 October sealed").hash;
        let list = tomorrow
            .weekly(
                &b.admin,
                WeeklyQuery {
                    today: Some(d("2023-10-02")),
                    ..WeeklyQuery::default()
                },
            )
            .await;
        assert_eq!(list.seal, Some(format!("2023-10-02 {seal}")));
    })
    .await;
}

/// A past list rebuilds only its scope's tasks: those with its officers now, and those
/// reassigned since its day. A task transferred away after the day is still on that day's
/// list (as its meeting saw it and as it really was), one transferred in after it is not, and
/// today's lists show them where they are now.
#[tokio::test]
async fn a_task_transferred_after_a_past_day_stays_on_that_days_list() {
    on_every_backend(async |db| {
        // Monday 25 September (2023-W39).
        let b = Bureau::new(db, "2023-09-25").await;
        b.manual(&b.wang, None, "王的走访", "2023-09-27").await;
        b.manual(&b.li, None, "李的调研", "2023-09-28").await;
        let id_of = async |login: &str| {
            let list = b
                .service
                .list_tasks(
                    &b.admin,
                    &peiyu_service::ListTasks {
                        officer: Some(login.into()),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            assert_eq!(list.tasks.len(), 1, "{login} has one task");
            list.tasks[0].value.id.to_string()
        };
        let wangs = id_of("wang").await;
        let lis = id_of("li").await;

        // Tuesday 26 September: the two swap their tasks.
        let later = b.on("2023-09-26");
        later
            .service
            .transfer_task(&b.wang, &wangs, "li", "调整分工")
            .await
            .unwrap();
        later
            .service
            .transfer_task(&b.li, &lis, "wang", "调整分工")
            .await
            .unwrap();

        let titles = |list: &WeeklyList| -> Vec<String> {
            list.this_week
                .iter()
                .flat_map(|d| &d.tasks)
                .chain(&list.overdue)
                .map(|t| t.task.title.clone())
                .collect()
        };
        let wang = |in_effect: bool, today: Option<&str>| WeeklyQuery {
            officer: Some("wang".into()),
            week: Some(week("2023-W39")),
            today: today.map(d),
            in_effect,
            ..WeeklyQuery::default()
        };
        // Monday's list, rebuilt on Tuesday: wang still had his own task.
        for in_effect in [false, true] {
            let monday = later
                .weekly(&b.admin, wang(in_effect, Some("2023-09-25")))
                .await;
            assert_eq!(titles(&monday), vec!["王的走访"], "in effect: {in_effect}");
            assert_eq!(monday.this_week[2].tasks[0].assignee_login, "wang");
        }
        // Today's list: li's former task is wang's now.
        let now = later.weekly(&b.admin, wang(false, None)).await;
        assert_eq!(titles(&now), vec!["李的调研"]);
        // The team's Monday list holds both, each with whom it was with then.
        let team = later
            .weekly(
                &b.admin,
                WeeklyQuery {
                    team: Some("培育专班".into()),
                    week: Some(week("2023-W39")),
                    today: Some(d("2023-09-25")),
                    ..WeeklyQuery::default()
                },
            )
            .await;
        let mut held: Vec<(String, String)> = team
            .this_week
            .iter()
            .flat_map(|d| &d.tasks)
            .map(|t| (t.task.title.clone(), t.assignee_login.clone()))
            .collect();
        held.sort();
        assert_eq!(
            held,
            vec![
                ("李的调研".to_owned(), "li".to_owned()),
                ("王的走访".to_owned(), "wang".to_owned())
            ]
        );
    })
    .await;
}
