//! Backups that keep everything: online copies taken while writers run all verify and hold
//! every acknowledged write; a copy is put back only when it verifies.

use std::sync::{Arc, Mutex};

use peiyu_domain::NewEnterprise;
use peiyu_service::{ErrorKind, Field, ListEnterprises, Service, ServiceError};
use peiyu_storage::Store;
use peiyu_tests::{Kind, TestDb, midyear, service_at};
use sea_orm::ConnectionTrait;

fn new_enterprise(n: u32) -> NewEnterprise {
    peiyu_tests::new_enterprise(n, &format!("备份测试企业{n}"))
}

async fn add_enterprises(
    service: &Service,
    admin: &peiyu_domain::Officer,
    ns: std::ops::Range<u32>,
) {
    for n in ns {
        service
            .add_enterprise(admin, new_enterprise(n), None)
            .await
            .unwrap();
    }
}

/// The USCCs of every enterprise in the SQLite file at `path`.
async fn usccs_in(path: &std::path::Path) -> Vec<String> {
    let service = Service::new(Store::open_sqlite_file(path, true).await.unwrap());
    let admin = service.actor("admin").await.unwrap();
    service
        .list_enterprises(
            &admin,
            &ListEnterprises {
                include_archived: true,
                ..ListEnterprises::default()
            },
        )
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.enterprise.uscc.as_str().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn copies_taken_while_writers_run_verify_and_hold_every_acknowledged_write() {
    let db = TestDb::fresh(Kind::Sqlite).await;
    let (service, admin) = service_at(&db, midyear()).await;
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..3u32 {
        let (service, admin) = (service.clone(), admin.clone());
        let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && n < 400 {
                let new = new_enterprise(w * 1_000 + n);
                let code = new.uscc.as_str().to_owned();
                service.add_enterprise(&admin, new, None).await.unwrap();
                acknowledged.lock().unwrap().push(code);
                n += 1;
            }
        }));
    }
    let dir = tempfile::tempdir().unwrap();
    let mut copies = 0;
    let mut seen = Vec::new();
    for i in 0..6 {
        tokio::time::sleep(std::time::Duration::from_millis(60)).await;
        let before: Vec<String> = acknowledged.lock().unwrap().clone();
        seen.push(before.len());
        let file = dir.path().join(format!("copy-{i}.db"));
        let report = service.backup_sqlite(&admin, &file).await.unwrap();
        assert!(report.verification.ok(), "copy {i} does not verify");
        assert!(report.bytes > 0);
        let after: Vec<String> = acknowledged.lock().unwrap().clone();
        let held = usccs_in(&file).await;
        for code in &before {
            assert!(held.contains(code), "copy {i} lost the acknowledged {code}");
        }
        // Nothing in the copy that was never acknowledged (or acknowledged by the end).
        let known: std::collections::HashSet<&String> = after.iter().collect();
        let unknown = held.iter().filter(|c| !known.contains(c)).count();
        assert!(
            unknown <= 3,
            "copy {i} holds {unknown} unacknowledged writes"
        );
        copies += 1;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    assert_eq!(copies, 6);
    // The copies were taken while the writers were writing, not before or after.
    assert!(
        seen[0] > 0 && seen[5] > seen[0] && seen[5] < 1_200,
        "{seen:?}"
    );
    db.cleanup().await;
}

#[tokio::test]
async fn a_backup_never_overwrites_and_only_an_admin_takes_one() {
    let db = TestDb::fresh(Kind::Sqlite).await;
    let (service, admin) = service_at(&db, midyear()).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("exists.db");
    std::fs::write(&file, b"keep me").unwrap();
    let e = service.backup_sqlite(&admin, &file).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert_eq!(std::fs::read(&file).unwrap(), b"keep me");
    let officer = service
        .add_officer(
            &admin,
            peiyu_service::NewOfficer {
                login: peiyu_domain::Login::new("li").unwrap(),
                name: "李".into(),
                role: peiyu_domain::Role::Officer,
            },
        )
        .await
        .unwrap();
    let e = service
        .backup_sqlite(&officer, &dir.path().join("new.db"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    db.cleanup().await;
}

#[tokio::test]
async fn restore_refuses_a_copy_that_does_not_verify_and_changes_nothing() {
    let db = TestDb::fresh(Kind::Sqlite).await;
    let (service, admin) = service_at(&db, midyear()).await;
    add_enterprises(&service, &admin, 0..3).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("copy.db");
    service.backup_sqlite(&admin, &file).await.unwrap();
    // An attacker (or a torn copy) edits one entry of the copy's audit log.
    {
        let copy = Store::open_sqlite_file(&file, false).await.unwrap();
        copy.conn()
            .execute_unprepared("DROP TRIGGER audit_entries_no_update")
            .await
            .unwrap();
        copy.conn()
            .execute_unprepared(
                "UPDATE audit_entries SET reason = 'edited' WHERE seq = 1 AND chain_key LIKE 'enterprise:%'",
            )
            .await
            .unwrap();
        copy.close().await.unwrap();
    }
    service
        .add_enterprise(&admin, new_enterprise(9), None)
        .await
        .unwrap();
    let e = peiyu_service::restore_sqlite(&file, &db.url, "t1")
        .await
        .unwrap_err();
    match &e {
        ServiceError::Invalid { field, message } => {
            assert_eq!(field, &Field::File);
            assert!(message.en().contains("does not verify"), "{}", message.en());
            assert!(message.en().contains("nothing was changed"));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // The database still holds all four enterprises, the one added after the copy included.
    let live = service
        .list_enterprises(&admin, &ListEnterprises::default())
        .await
        .unwrap();
    assert_eq!(live.len(), 4);
    // Not a database at all: refused the same way.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    let e = peiyu_service::restore_sqlite(&junk, &db.url, "t2")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    db.cleanup().await;
}

#[tokio::test]
async fn restore_puts_a_verified_copy_back_and_keeps_the_replaced_database() {
    let db = TestDb::fresh(Kind::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("copy.db");
    {
        let (service, admin) = service_at(&db, midyear()).await;
        add_enterprises(&service, &admin, 0..3).await;
        service.backup_sqlite(&admin, &file).await.unwrap();
        service
            .add_enterprise(&admin, new_enterprise(7), None)
            .await
            .unwrap();
        service.store().clone().close().await.unwrap();
    }
    let report = peiyu_service::restore_sqlite(&file, &db.url, "20230630T010000Z")
        .await
        .unwrap();
    assert!(report.verification.ok());
    let kept = report.kept.expect("the replaced database is kept");
    assert!(
        kept.to_string_lossy()
            .ends_with(".before-restore-20230630T010000Z")
    );
    assert_eq!(usccs_in(&report.database).await.len(), 3);
    assert_eq!(usccs_in(&kept).await.len(), 4);
    // The restored database is a working one: it verifies and takes new writes.
    let service = Service::new(Store::open(&db.url).await.unwrap());
    let admin = service.actor("admin").await.unwrap();
    assert!(service.verify_audit(&admin).await.unwrap().ok());
    service
        .add_enterprise(&admin, new_enterprise(8), None)
        .await
        .unwrap();
    db.cleanup().await;
}
