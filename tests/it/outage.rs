//! SQLite under a writer that holds the lock: other writers wait with retries up to the stated
//! limit and then fail "the database is busy" (never "database is locked"), and reads never wait
//! for a writer. (The PostgreSQL outage, a private cluster stopped and started, is in the
//! server's tests: `crates/server/tests/it/outage.rs`.)

use std::time::Duration;

use peiyu_domain::NewEnterprise;
use peiyu_service::{ErrorKind, ListEnterprises, Service, ServiceError, SqliteWait};
use peiyu_storage::{Actor, Store};
use peiyu_tests::{Kind, TestDb, midyear, service_at};
use sea_orm::{Database, SqliteTransactionMode, TransactionOptions, TransactionTrait};

fn new_enterprise(n: u32) -> NewEnterprise {
    peiyu_tests::new_enterprise(n, &format!("锁测试企业{n}"))
}

/// Another process's writer: takes SQLite's write lock on `url` and holds it for `hold`.
async fn hold_write_lock(url: &str, hold: Duration) -> tokio::task::JoinHandle<()> {
    let other = Database::connect(url).await.unwrap();
    let txn = other
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await
        .unwrap();
    tokio::spawn(async move {
        tokio::time::sleep(hold).await;
        txn.commit().await.unwrap();
        other.close().await.unwrap();
    })
}

/// A service on `db` whose SQLite writers wait 200 ms at a time, 1.5 s in all.
async fn impatient(db: &TestDb) -> (Service, peiyu_domain::Officer) {
    let (service, _) = service_at(db, midyear()).await;
    let wait = SqliteWait {
        per_try: Duration::from_millis(200),
        limit: Duration::from_millis(1_500),
    };
    let store = Store::connect_with(&db.url, wait).await.unwrap();
    let service = Service::new(store).with_clock(std::sync::Arc::new(peiyu_service::FixedClock(
        service.now(),
    )));
    let admin = service.actor("admin").await.unwrap();
    (service, admin)
}

#[tokio::test]
async fn a_writer_outlasts_a_lock_held_longer_than_sqlites_busy_timeout() {
    let db = TestDb::fresh(Kind::Sqlite).await;
    let (service, admin) = impatient(&db).await;
    // Held 0.8 s: four times SQLite's own wait, within the limit: begin is retried.
    let holder = hold_write_lock(&db.url, Duration::from_millis(800)).await;
    service
        .add_enterprise(&admin, new_enterprise(1), None)
        .await
        .unwrap();
    holder.await.unwrap();
    db.cleanup().await;
}

#[tokio::test]
async fn a_lock_held_past_the_limit_is_the_database_is_busy_and_nothing_is_written() {
    let db = TestDb::fresh(Kind::Sqlite).await;
    let (service, admin) = impatient(&db).await;
    let holder = hold_write_lock(&db.url, Duration::from_secs(4)).await;
    let e = service
        .add_enterprise(&admin, new_enterprise(2), None)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable, "{e:?}");
    let ServiceError::Unavailable {
        message,
        retry_after_secs,
    } = &e
    else {
        panic!("{e:?}")
    };
    assert!(
        message.en().contains("the database is busy"),
        "{}",
        message.en()
    );
    assert!(message.zh().contains("数据库正忙"), "{}", message.zh());
    assert!(!message.en().contains("locked"), "{}", message.en());
    assert!(*retry_after_secs > 0);
    holder.await.unwrap();
    let listed = service
        .list_enterprises(&admin, &ListEnterprises::default())
        .await
        .unwrap();
    assert!(listed.is_empty(), "nothing was written");
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_on_while_a_unit_of_work_holds_the_writer() {
    let db = TestDb::fresh(Kind::Sqlite).await;
    let (service, admin) = service_at(&db, midyear()).await;
    service
        .add_enterprise(&admin, new_enterprise(3), None)
        .await
        .unwrap();
    // A long import: a unit of work open on the service's own writer connection.
    let unit = service
        .store()
        .begin(
            Actor {
                id: Some(admin.id),
                login: "admin".into(),
                on_behalf_of: None,
            },
            None,
            midyear(),
        )
        .await
        .unwrap();
    // With one connection for everything this read would wait for the unit (15 s and more
    // before); now it is answered while the unit is still open.
    let read = tokio::time::timeout(
        Duration::from_secs(10),
        service.list_enterprises(&admin, &ListEnterprises::default()),
    )
    .await
    .expect("a read waited for the writer")
    .unwrap();
    assert_eq!(read.len(), 1);
    unit.rollback().await.unwrap();
    db.cleanup().await;
}
