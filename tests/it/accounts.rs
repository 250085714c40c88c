//! Accounts on every backend: passwords, logging in, the rate limit, session expiry, logout,
//! and the change an admin-set password asks for. Time moves on a `SettableClock`.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use peiyu_domain::{Login, Officer, Role};
use peiyu_service::{AuditQuery, Client, ErrorKind, NewOfficer, Service, SettableClock};
use peiyu_tests::{TestDb, midyear};

/// An initialised service on `db` on a clock the test moves, the admin and an officer `wang`.
async fn bureau(db: &TestDb) -> (Service, Arc<SettableClock>, Officer, Officer) {
    let clock = Arc::new(SettableClock::at(midyear()));
    let service = Service::new(db.store().await).with_clock(clock.clone());
    service.init("admin", "管理员").await.unwrap();
    let admin = service.actor("admin").await.unwrap();
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
    (service, clock, admin, wang)
}

fn from(address: &str) -> Client {
    Client {
        address: Some(address.into()),
        user_agent: Some("tests".into()),
    }
}

fn at(clock: &SettableClock, t: DateTime<Utc>) {
    clock.set(t);
}

#[tokio::test]
async fn a_password_set_verifies_and_a_wrong_one_is_refused_in_the_same_words() {
    peiyu_tests::on_every_backend(async |db| {
        let (service, _clock, admin, wang) = bureau(db).await;
        // Too short: the minimum is stated.
        let err = service
            .set_password(&admin, "wang", "short")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert!(err.to_string().contains("at least 8"), "{err}");
        // An officer may not set someone else's.
        let err = service
            .set_password(&wang, "admin", "whatever-long")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);

        service
            .set_password(&admin, "admin", "admin-secret-1")
            .await
            .unwrap();
        let session = service
            .login("admin", "admin-secret-1", &from("10.0.0.1"))
            .await
            .unwrap();
        assert_eq!(session.officer.login.as_str(), "admin");
        assert!(!session.must_change_password, "one's own password");
        assert!(session.secret.starts_with("ps_"));
        let signed_in = service.session(&session.secret).await.unwrap().unwrap();
        assert_eq!(signed_in.officer.id, admin.id);

        let wrong = service
            .login("admin", "admin-secret-2", &from("10.0.0.1"))
            .await
            .unwrap_err();
        let unknown = service
            .login("nobody", "admin-secret-1", &from("10.0.0.1"))
            .await
            .unwrap_err();
        assert_eq!(wrong.kind(), ErrorKind::Unauthenticated);
        assert_eq!(wrong.to_string(), unknown.to_string());
        assert_eq!(wrong.to_string(), "the login name or password is wrong");
        // No password set: refused the same way.
        let none = service
            .login("wang", "anything-at-all", &from("10.0.0.1"))
            .await
            .unwrap_err();
        assert_eq!(none.to_string(), wrong.to_string());

        // Audited without the password or its hash.
        let log = service
            .audit_log(&admin, &AuditQuery::default())
            .await
            .unwrap();
        let entries: Vec<_> = log
            .iter()
            .filter(|e| e.action == "officer.password")
            .collect();
        assert_eq!(entries.len(), 1);
        let text = format!("{:?}", entries[0]);
        assert!(
            !text.contains("admin-secret") && !text.contains("argon2"),
            "{text}"
        );
        assert!(log.iter().any(|e| e.action == "session.start"));
    })
    .await;
}

#[tokio::test]
async fn five_failures_on_a_login_or_twenty_from_an_address_are_refused_for_a_while() {
    peiyu_tests::on_every_backend(async |db| {
        let (service, clock, admin, _wang) = bureau(db).await;
        service
            .set_password(&admin, "admin", "admin-secret-1")
            .await
            .unwrap();
        let t0 = midyear();
        for i in 0..5 {
            at(&clock, t0 + Duration::minutes(i));
            let err = service
                .login("admin", "wrong-password", &from("10.0.0.1"))
                .await
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Unauthenticated, "attempt {i}");
        }
        // The sixth is refused even with the right password, from another address, saying how
        // long to wait: the first failure leaves the window at t0 + 15 min.
        at(&clock, t0 + Duration::minutes(5));
        let err = service
            .login("admin", "admin-secret-1", &from("10.0.0.2"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RateLimited);
        assert!(err.to_string().contains("try again in 10 minutes"), "{err}");
        // Once the first failure is 15 minutes old, one more try is allowed and it works; the
        // success clears the login's count.
        at(&clock, t0 + Duration::minutes(15));
        service
            .login("admin", "admin-secret-1", &from("10.0.0.2"))
            .await
            .unwrap();
        for _ in 0..4 {
            service
                .login("admin", "wrong-password", &from("10.0.0.3"))
                .await
                .unwrap_err();
        }
        service
            .login("admin", "admin-secret-1", &from("10.0.0.3"))
            .await
            .unwrap();

        // Twenty failures from one address on many names: the address is refused, for every
        // name; another address is not.
        let t1 = t0 + Duration::hours(1);
        at(&clock, t1);
        for i in 0..20 {
            let err = service
                .login(&format!("guess{i}"), "wrong-password", &from("10.9.9.9"))
                .await
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Unauthenticated, "attempt {i}");
        }
        let err = service
            .login("admin", "admin-secret-1", &from("10.9.9.9"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RateLimited);
        assert!(err.to_string().contains("this address"), "{err}");
        service
            .login("admin", "admin-secret-1", &from("10.0.0.4"))
            .await
            .unwrap();
        at(&clock, t1 + Duration::minutes(15));
        service
            .login("admin", "admin-secret-1", &from("10.9.9.9"))
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn sessions_end_when_idle_eight_hours_after_seven_days_and_at_logout() {
    peiyu_tests::on_every_backend(async |db| {
        let (service, clock, admin, _wang) = bureau(db).await;
        service
            .set_password(&admin, "admin", "admin-secret-1")
            .await
            .unwrap();
        let t0 = midyear();
        let idle = service
            .login("admin", "admin-secret-1", &from("10.0.0.1"))
            .await
            .unwrap();
        // Used after 7 h 59 min: still alive, and the use moves the idle limit on.
        at(&clock, t0 + Duration::minutes(7 * 60 + 59));
        assert!(service.session(&idle.secret).await.unwrap().is_some());
        at(&clock, t0 + Duration::minutes(15 * 60 + 58));
        assert!(service.session(&idle.secret).await.unwrap().is_some());
        // Then 8 hours without a request: gone.
        at(&clock, t0 + Duration::minutes(23 * 60 + 58));
        assert!(service.session(&idle.secret).await.unwrap().is_none());

        // A session used every few hours still ends 7 days after its login.
        at(&clock, t0 + Duration::days(1));
        let busy = service
            .login("admin", "admin-secret-1", &from("10.0.0.1"))
            .await
            .unwrap();
        let mut t = t0 + Duration::days(1);
        while t < t0 + Duration::days(8) - Duration::hours(4) {
            t += Duration::hours(4);
            at(&clock, t);
            assert!(
                service.session(&busy.secret).await.unwrap().is_some(),
                "{t}"
            );
        }
        at(&clock, t0 + Duration::days(8));
        assert!(service.session(&busy.secret).await.unwrap().is_none());

        // Logout ends it on the server.
        let s = service
            .login("admin", "admin-secret-1", &from("10.0.0.1"))
            .await
            .unwrap();
        assert!(service.session(&s.secret).await.unwrap().is_some());
        service.logout(&s.secret).await.unwrap();
        assert!(service.session(&s.secret).await.unwrap().is_none());
        service.logout(&s.secret).await.unwrap();
        assert!(service.session("ps_unknown").await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn an_admin_set_password_must_be_changed_at_the_first_login() {
    peiyu_tests::on_every_backend(async |db| {
        let (service, _clock, admin, _wang) = bureau(db).await;
        service
            .set_password(&admin, "wang", "temporary-1")
            .await
            .unwrap();
        let s = service
            .login("wang", "temporary-1", &from("10.0.0.1"))
            .await
            .unwrap();
        assert!(s.must_change_password);
        assert!(
            service
                .session(&s.secret)
                .await
                .unwrap()
                .unwrap()
                .must_change_password
        );
        let other = service
            .login("wang", "temporary-1", &from("10.0.0.2"))
            .await
            .unwrap();

        let err = service
            .change_password(&s.secret, "not-it-at-all", "my-own-secret")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        let err = service
            .change_password(&s.secret, "temporary-1", "short")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("at least 8"), "{err}");
        service
            .change_password(&s.secret, "temporary-1", "my-own-secret")
            .await
            .unwrap();
        // This session goes on without the flag; the other one was ended.
        let now = service.session(&s.secret).await.unwrap().unwrap();
        assert!(!now.must_change_password);
        assert!(service.session(&other.secret).await.unwrap().is_none());
        // The old password no longer works; the new one does and asks for nothing.
        assert!(
            service
                .login("wang", "temporary-1", &from("10.0.0.1"))
                .await
                .is_err()
        );
        let again = service
            .login("wang", "my-own-secret", &from("10.0.0.1"))
            .await
            .unwrap();
        assert!(!again.must_change_password);

        // An admin setting it again ends every session of the officer.
        service
            .set_password(&admin, "wang", "temporary-2")
            .await
            .unwrap();
        assert!(service.session(&again.secret).await.unwrap().is_none());
        assert!(service.session(&s.secret).await.unwrap().is_none());
    })
    .await;
}
