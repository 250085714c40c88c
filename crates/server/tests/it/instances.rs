//! Two server instances on one database — two `peiyu serve` behind a load balancer — receiving
//! the same `Idempotency-Key` at once: one acts, the other replays its answer (status, body and
//! `ETag` identical), and the change is made once; the same with a valid `If-Match`, sent N
//! times at once: one action and N−1 replays, never a 409. On SQLite, and on PostgreSQL and
//! MariaDB when their URLs are set.

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use peiyu_domain::{Login, Role};
use peiyu_service::{FixedClock, NewOfficer, OpenCase, Service};
use peiyu_tests::{TestDb, kinds, uscc};
use serde_json::json;

use crate::client::{Reply, get, post, request};

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

/// How many times a request is sent at once in the If-Match race below.
const AT_ONCE: usize = 8;

/// Checks `replies` — the same request sent [`AT_ONCE`] times at once — are one action and
/// N−1 replays of exactly its answer: status, body and `ETag`.
fn one_action_and_replays(what: &str, replies: &[Reply], status: u16) {
    for r in replies {
        assert_eq!(r.status, status, "{what}: {} {}", r.status, r.body);
    }
    let first: Vec<&Reply> = replies
        .iter()
        .filter(|r| r.header("idempotent-replayed").is_none())
        .collect();
    assert_eq!(first.len(), 1, "{what}: one acts, the others replay");
    for r in replies {
        assert_eq!(r.body, first[0].body, "{what}: the first answer, verbatim");
        assert_eq!(r.header("etag"), first[0].header("etag"), "{what}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_request_with_a_valid_if_match_sent_at_once_acts_once_and_replays_never_409() {
    for kind in kinds() {
        eprintln!("-- backend: {kind:?}");
        let db = TestDb::fresh(kind).await;
        let now = Utc.with_ymd_and_hms(2023, 6, 30, 1, 0, 0).single().unwrap();
        let setup = Service::connect(&db.url)
            .await
            .unwrap()
            .with_clock(Arc::new(FixedClock(now)));
        setup.init("admin", "管理员").await.unwrap();
        let admin = setup.actor("admin").await.unwrap();
        let token = setup
            .create_token(&admin, None, "t", None)
            .await
            .unwrap()
            .secret;
        let (one, two) = (instance(&db.url).await, instance(&db.url).await);
        let addrs = [one.addr, two.addr];
        for round in 0..3u32 {
            let code = uscc(700 + round);
            let added = post(one.addr, "/api/v1/enterprises")
                .bearer(&token)
                .json(
                    json!({"uscc": code.as_str(), "name": format!("并发企业{round}"),
                    "sector": "industry", "town": "石龙镇"}),
                )
                .send()
                .await;
            assert_eq!(added.status, 201, "{}", added.body);
            let path = format!("/api/v1/enterprises/{code}");

            // PATCH with If-Match "1", N times at once, over two instances.
            let key = format!("edit-{round}");
            let body = json!({"address": format!("新址{round}号"), "reason": "搬迁"});
            let sends = (0..AT_ONCE).map(|i| {
                request(addrs[i % 2], "PATCH", &path)
                    .bearer(&token)
                    .header("If-Match", "\"1\"")
                    .header("Idempotency-Key", &key)
                    .json(body.clone())
                    .send()
            });
            let replies = futures_join(sends).await;
            one_action_and_replays(&format!("{kind:?} edit {round}"), &replies, 200);
            assert_eq!(replies[0].header("etag"), Some("\"2\""));
            let now = get(one.addr, &path).bearer(&token).send().await;
            assert_eq!(now.header("etag"), Some("\"2\""), "{kind:?}: edited once");

            // A cultivation's move with If-Match "1", N times at once.
            setup
                .open_case(
                    &admin,
                    OpenCase {
                        enterprise: code.to_string(),
                        track: "industrial".into(),
                        ..OpenCase::default()
                    },
                )
                .await
                .unwrap();
            let key = format!("advance-{round}");
            let advance = format!("{path}/cases/industrial/advance");
            let sends = (0..AT_ONCE).map(|i| {
                post(addrs[i % 2], &advance)
                    .bearer(&token)
                    .header("If-Match", "\"1\"")
                    .header("Idempotency-Key", &key)
                    .json(json!({"to": "cultivating", "reason": "进入培育"}))
                    .send()
            });
            let replies = futures_join(sends).await;
            one_action_and_replays(&format!("{kind:?} advance {round}"), &replies, 200);
            assert_eq!(replies[0].header("etag"), Some("\"2\""));
            let cases = get(one.addr, &format!("{path}/cases?track=industrial"))
                .bearer(&token)
                .send()
                .await;
            assert_eq!(cases.header("etag"), Some("\"2\""), "{kind:?}: moved once");
            assert_eq!(
                cases.json()["cases"][0]["history"].as_array().map(Vec::len),
                Some(2),
                "{kind:?}: the opening and one move: {}",
                cases.body
            );
        }
        drop((one, two));
        db.cleanup().await;
    }
}

/// Runs the requests at once (each on its own task) and returns their replies in order.
async fn futures_join(
    sends: impl Iterator<Item = impl Future<Output = Reply> + Send + 'static>,
) -> Vec<Reply> {
    let handles: Vec<_> = sends.map(tokio::spawn).collect();
    let mut replies = Vec::new();
    for h in handles {
        replies.push(h.await.unwrap());
    }
    replies
}
