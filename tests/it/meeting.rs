//! The weekly list as the Monday meeting (周例会) reads it: a team's list grouped by officer with
//! subtotals, every task numbered (序号), ↻ only on what was already overdue at the previous
//! meeting, and each task's latest progress note (`task note`) as of the list's day — a note
//! written after the meeting is not on that meeting's list. On every backend.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use peiyu_domain::{Lang, Login, Officer, Role, TaskKind, Week};
use peiyu_service::weekly::WeeklyList;
use peiyu_service::{
    Due, ErrorKind, FixedClock, NewNote, NewOfficer, NewTask, Service, WeeklyQuery, short_id,
};
use peiyu_tests::{on_every_backend, service_at};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// 09:00 in the county (UTC+8) on `day`.
fn morning(day: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d(day).and_hms_opt(1, 0, 0).unwrap())
}

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

/// A task of `actor`'s own, about no enterprise, due on `due`; its short id.
async fn task(service: &Service, actor: &Officer, title: &str, due: &str) -> String {
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
                follow_up_on: None,
            },
        )
        .await
        .unwrap();
    short_id(&t)
}

fn note(progress: &str, problem: Option<&str>, on: &str) -> NewNote {
    NewNote {
        progress: progress.into(),
        problem: problem.map(str::to_owned),
        next_step: Some("下周复核".into()),
        on: Some(d(on)),
    }
}

async fn team_week(service: &Service, actor: &Officer, as_of: &str) -> WeeklyList {
    service
        .weekly(
            actor,
            WeeklyQuery {
                team: Some("培育专班".into()),
                week: Some(Week::parse("2023-W27").unwrap()),
                today: Some(d(as_of)),
                ..WeeklyQuery::default()
            },
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn a_teams_meeting_list_is_grouped_numbered_and_shows_the_latest_progress() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, morning("2023-06-12")).await;
        let wang = officer(&service, &admin, "wang", "王伟", Role::Officer).await;
        let li = officer(&service, &admin, "li", "李娜", Role::Officer).await;
        let lead = officer(&service, &admin, "lead", "组长", Role::Lead).await;
        service
            .add_team(&admin, "培育专班", Some("lead"))
            .await
            .unwrap();
        peiyu_tests::join_all(&service, &admin, "培育专班", &["wang", "li"]).await;

        let a = task(&service, &wang, "催报月度统计", "2023-06-14").await;
        let b = task(&service, &wang, "核实用地手续", "2023-06-28").await;
        let c = task(&service, &li, "走访新增产线", "2023-07-05").await;
        let d_ = task(&service, &li, "准备申报材料", "2023-07-12").await;

        // Notes, written on the day they speak of.
        let on = |day: &str| {
            service
                .clone()
                .with_clock(Arc::new(FixedClock(morning(day))))
        };
        on("2023-06-30")
            .note_task(
                &wang,
                &a,
                note("已电话催办", Some("企业财务人员变动"), "2023-06-30"),
            )
            .await
            .unwrap();
        on("2023-07-05")
            .note_task(&wang, &a, note("已现场核查", None, "2023-07-05"))
            .await
            .unwrap();
        on("2023-07-03")
            .note_task(&li, &c, note("已约定走访时间", None, "2023-07-03"))
            .await
            .unwrap();
        // An empty note and a note on a teammate's task about no enterprise are refused.
        let later = on("2023-07-05");
        let err = later
            .note_task(&wang, &b, note("  ", None, "2023-07-05"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid, "{err}");
        let err = later
            .note_task(&li, &b, note("代为记录", None, "2023-07-05"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden, "{err}");
        // Nor may a note speak of a day before its task existed.
        let err = later
            .note_task(&wang, &b, note("补记", None, "2023-06-01"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid, "{err}");

        // The meeting of Monday 3 July, seen on 5 July.
        let list = team_week(&later, &lead, "2023-07-03").await;
        let rows =
            |tasks: &[peiyu_service::weekly::WeeklyTask]| -> Vec<(String, String, u32, bool)> {
                tasks
                    .iter()
                    .map(|t| {
                        (
                            t.short_id.clone(),
                            t.assignee_login.clone(),
                            t.seq,
                            t.carried_over,
                        )
                    })
                    .collect()
            };
        // Only 王伟 has overdue tasks; "催报" was already overdue at the meeting of 26 June.
        assert_eq!(
            rows(&list.overdue),
            [
                (a.clone(), "wang".into(), 1, true),
                (b.clone(), "wang".into(), 2, false)
            ]
        );
        let this_week: Vec<_> = list
            .this_week
            .iter()
            .flat_map(|d| d.tasks.clone())
            .collect();
        assert_eq!(rows(&this_week), [(c.clone(), "li".into(), 3, false)]);
        assert_eq!(rows(&list.next_week), [(d_.clone(), "li".into(), 4, false)]);
        // The progress the meeting saw: the note of 30 June, not the one of 5 July.
        let progress = list.overdue[0].progress.as_ref().unwrap();
        assert_eq!(progress.written_on, d("2023-06-30"));
        assert_eq!(
            progress.summary(Lang::Zh),
            "已电话催办；问题：企业财务人员变动；下步：下周复核"
        );
        assert!(list.overdue[1].progress.is_none());
        assert_eq!(
            this_week[0].progress.as_ref().unwrap().progress,
            "已约定走访时间"
        );
        // Subtotals by officer, 李娜 before 王伟.
        let subtotals: Vec<(String, usize, usize, usize, usize)> = list
            .officer_subtotals()
            .into_iter()
            .map(|s| {
                (
                    s.login.clone(),
                    s.overdue,
                    s.this_week,
                    s.next_week,
                    s.total(),
                )
            })
            .collect();
        assert_eq!(
            subtotals,
            [("li".into(), 0, 1, 1, 2), ("wang".into(), 2, 0, 0, 2)]
        );
        // As printed: the subtotals, 序号, the groups, the ↻ legend and the progress.
        let text = peiyu_formats::weekly::text(&list, Lang::Zh);
        for expected in [
            "按负责人小计",
            "序号",
            "王伟（2 项）",
            "李娜（1 项）",
            "↻ 1",
            "↻ 结转：上周例会时已逾期、至今仍未完成",
            "已电话催办",
        ] {
            assert!(text.contains(expected), "{expected} in\n{text}");
        }
        assert!(!text.contains("已现场核查"), "{text}");
        assert!(!text.contains(&a), "no ids on the printed list:\n{text}");

        // Seen as of 5 July, the later note is the progress.
        let now = team_week(&later, &lead, "2023-07-05").await;
        assert_eq!(
            now.overdue[0].progress.as_ref().unwrap().progress,
            "已现场核查"
        );

        // Every note is in the audit log, and the chains verify.
        let verify = later.verify_audit(&admin).await.unwrap();
        assert!(
            verify.chains.broken.is_empty(),
            "{:?}",
            verify.chains.broken
        );
        assert_eq!(later.task_notes(&admin, &a).await.unwrap().len(), 2);
    })
    .await;
}
