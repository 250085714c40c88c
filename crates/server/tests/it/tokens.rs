//! Tokens: who may create them, revoking, and the background tick.

use crate::client::get;
use crate::world::world;

#[tokio::test]
async fn tokens_are_created_for_oneself_or_by_an_admin_and_stop_working_when_revoked() {
    let w = world().await;
    // An officer may not create a token for someone else; an admin may.
    let refused = w
        .service
        .create_token(&w.wang, Some("admin"), "x", None)
        .await;
    assert_eq!(
        refused.unwrap_err().kind(),
        peiyu_service::ErrorKind::Forbidden
    );
    let created = w
        .service
        .create_token(&w.admin, Some("wang"), "script", None)
        .await
        .unwrap();
    assert_eq!(created.officer.login.as_str(), "wang");
    assert!(created.secret.starts_with("py_") && created.secret.len() == 67);
    let r = get(w.addr, "/api/v1/tasks")
        .bearer(&created.secret)
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // Revoked: 401 from then on; revoking again changes nothing.
    w.service
        .revoke_token(&w.wang, &created.token.id.to_string())
        .await
        .unwrap();
    let r = get(w.addr, "/api/v1/tasks")
        .bearer(&created.secret)
        .send()
        .await;
    assert_eq!(r.status, 401);
    w.service
        .revoke_token(&w.admin, &created.token.id.to_string())
        .await
        .unwrap();

    // Expired: a token that ended yesterday (county time) does not work.
    let past = w
        .service
        .create_token(&w.admin, None, "old", w.service.today().pred_opt())
        .await;
    assert_eq!(past.unwrap_err().kind(), peiyu_service::ErrorKind::Invalid);

    // Creating and revoking are audited, without the secret or its hash.
    let log = w
        .service
        .audit_log(&w.admin, &peiyu_service::AuditQuery::default())
        .await
        .unwrap();
    let token_entries: Vec<_> = log
        .iter()
        .filter(|e| e.action.starts_with("token."))
        .collect();
    assert_eq!(
        token_entries
            .iter()
            .filter(|e| e.action == "token.revoke")
            .count(),
        1
    );
    assert!(
        token_entries.len() >= 4,
        "three creations and one revocation"
    );
    for e in &token_entries {
        let after = e.after.clone().unwrap_or_default();
        assert!(!after.contains(&created.secret[3..]), "{after}");
    }
    assert!(w.service.verify_audit(&w.admin).await.unwrap().ok());
}

#[tokio::test]
async fn the_background_tick_runs_as_the_admin_and_twice_is_harmless() {
    let w = world().await;
    peiyu_server::background::run_tick(&w.service).await;
    peiyu_server::background::run_tick(&w.service).await;
    assert!(w.service.verify_audit(&w.admin).await.unwrap().ok());
    assert_eq!(
        w.service
            .admin_officer()
            .await
            .unwrap()
            .unwrap()
            .login
            .as_str(),
        "admin"
    );
}
