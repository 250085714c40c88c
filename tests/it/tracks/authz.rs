//! Who may open and advance a cultivation: the responsible officer and their team, the team's
//! lead, an admin; not an officer outside the team, and not a bureau leader, who reads only.

use peiyu_service::ErrorKind;
use peiyu_tests::on_every_backend;

use super::*;

#[tokio::test]
async fn an_officer_outside_the_team_cannot_open_or_advance_and_nothing_changes() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 801, "专班机械有限公司").await;
        let err = w
            .service
            .open_case(
                &w.zhao,
                OpenCase {
                    enterprise: e.uscc.to_string(),
                    track: INDUSTRIAL.into(),
                    on: Some(d("2024-03-01")),
                    ..OpenCase::default()
                },
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);

        open(&w, &e, INDUSTRIAL, "2024-03-01").await;
        let before = footprint(&w, &e, INDUSTRIAL).await;
        let msg = refused(
            &w,
            &w.zhao,
            step(&e, INDUSTRIAL, "cultivating", "2024-03-05"),
            ErrorKind::Forbidden,
        )
        .await;
        assert!(msg.contains("is not yours or your team's"), "{msg}");
        let msg = refused(
            &w,
            &w.zhao,
            AdvanceCase {
                dry_run: true,
                ..step(&e, INDUSTRIAL, "cultivating", "2024-03-05")
            },
            ErrorKind::Forbidden,
        )
        .await;
        assert!(msg.contains("is not yours or your team's"), "{msg}");
        let err = w
            .service
            .withdraw_case(
                &w.zhao,
                e.uscc.as_str(),
                INDUSTRIAL,
                "越权",
                Some(d("2024-03-05")),
                None,
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);
        assert_eq!(footprint(&w, &e, INDUSTRIAL).await, before);
    })
    .await;
}

#[tokio::test]
async fn a_bureau_leader_reads_cases_but_cannot_advance_them() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 802, "领导视察有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-03-01").await;
        let before = footprint(&w, &e, INDUSTRIAL).await;
        let msg = refused(
            &w,
            &w.boss,
            step(&e, INDUSTRIAL, "cultivating", "2024-03-05"),
            ErrorKind::Forbidden,
        )
        .await;
        assert!(msg.contains("can read but not change anything"), "{msg}");
        let msg = refused(
            &w,
            &w.boss,
            overriding_as_leader(step(&e, INDUSTRIAL, "cultivating", "2024-03-05")),
            ErrorKind::Forbidden,
        )
        .await;
        assert!(msg.contains("can read but not change anything"), "{msg}");
        assert_eq!(footprint(&w, &e, INDUSTRIAL).await, before);

        let views = w
            .service
            .show_cases(&w.boss, e.uscc.as_str())
            .await
            .unwrap();
        assert_eq!(views.cases.len(), 1);
        assert_eq!(views.cases[0].cultivation.value.stage.as_str(), "candidate");
        assert!(!views.cases[0].moves.is_empty());
    })
    .await;
}

fn overriding_as_leader(cmd: AdvanceCase) -> AdvanceCase {
    AdvanceCase {
        override_guards: true,
        reason: Some("领导批示".into()),
        ..cmd
    }
}

#[tokio::test]
async fn the_responsible_officer_a_teammate_the_lead_and_an_admin_may_advance() {
    on_every_backend(async |db| {
        let w = world(db, "2024-12-20").await;
        let e = factory(&w, 803, "协作机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2024-03-01").await;
        advance(
            &w,
            &w.wang,
            step(&e, INDUSTRIAL, "cultivating", "2024-03-05"),
        )
        .await;
        advance(
            &w,
            &w.li,
            with_reason(
                step(&e, INDUSTRIAL, "withdrawn", "2024-03-06"),
                "同组干部代为办理",
            ),
        )
        .await;

        let e2 = factory(&w, 804, "组长机械有限公司").await;
        open(&w, &e2, INDUSTRIAL, "2024-03-01").await;
        advance(
            &w,
            &w.lead,
            step(&e2, INDUSTRIAL, "cultivating", "2024-03-05"),
        )
        .await;
        advance(
            &w,
            &w.admin,
            with_reason(
                step(&e2, INDUSTRIAL, "withdrawn", "2024-03-06"),
                "管理员办理",
            ),
        )
        .await;
        let actors: Vec<_> = case(&w, &e2, INDUSTRIAL)
            .await
            .history
            .iter()
            .map(|t| t.actor)
            .collect();
        assert_eq!(actors, [w.wang.id, w.lead.id, w.admin.id]);
    })
    .await;
}
