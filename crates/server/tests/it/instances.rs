//! Two server instances on one database — two `peiyu serve` behind a load balancer — receiving
//! the same `Idempotency-Key` at once: one acts, the other replays its answer (status, body and
//! `ETag` identical), and the change is made once. On SQLite, and on PostgreSQL and MariaDB
//! when their URLs are set.

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use peiyu_domain::{Login, Role};
use peiyu_service::{FixedClock, NewOfficer, Service};
use peiyu_tests::{TestDb, kinds, uscc};
use serde_json::json;

use crate::client::post;

/// A server on its own listener, stopped on drop.
struct Instance {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Instance {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A server of its own (its own service, connection pool and clock) on the database at `url`.
async fn instance(url: &str) -> Instance {
    let now = Utc.with_ymd_and_hms(2023, 6, 30, 1, 0, 0).single().unwrap();
    let service = Service::connect(url)
        .await
        .unwrap()
        .with_clock(Arc::new(FixedClock(now)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(peiyu_server::serve_on(
        service,
        listener,
        None,
        async move {
            let _ = stopped.await;
        },
    ));
    Instance {
        addr,
        stop: Some(stop),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_key_at_two_instances_at_once_acts_once_and_replays_the_answer() {
    for kind in kinds() {
        eprintln!("-- backend: {kind:?}");
        let db = TestDb::fresh(kind).await;
        let setup = Service::connect(&db.url).await.unwrap();
        setup.init("admin", "管理员").await.unwrap();
        let admin = setup.actor("admin").await.unwrap();
        let wang = setup
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
        let token = setup
            .create_token(&wang, None, "t", None)
            .await
            .unwrap()
            .secret;
        let (one, two) = (instance(&db.url).await, instance(&db.url).await);
        for round in 0..4u32 {
            let key = format!("add-{round}");
            let body = json!({"uscc": uscc(500 + round).as_str(), "name": format!("企业{round}"),
                "sector": "industry", "town": "石龙镇"});
            let send = |addr| {
                post(addr, "/api/v1/enterprises")
                    .bearer(&token)
                    .header("Idempotency-Key", &key)
                    .json(body.clone())
                    .send()
            };
            let (a, b) = tokio::join!(send(one.addr), send(two.addr));
            assert_eq!(
                (a.status, b.status),
                (201, 201),
                "{kind:?} round {round}: {} / {}",
                a.body,
                b.body
            );
            assert_eq!(a.body, b.body, "{kind:?} round {round}");
            assert_eq!(a.header("etag"), b.header("etag"));
            let replayed = [&a, &b]
                .iter()
                .filter(|r| r.header("idempotent-replayed") == Some("true"))
                .count();
            assert_eq!(replayed, 1, "{kind:?} round {round}: one acts, one replays");
        }
        let listed = setup
            .list_enterprises(&wang, &peiyu_service::ListEnterprises::default())
            .await
            .unwrap();
        assert_eq!(listed.len(), 4, "{kind:?}: each enterprise added once");
        drop((one, two));
        db.cleanup().await;
    }
}
