//! A PostgreSQL outage, on a private cluster of the test's own (never the shared one): while it
//! is stopped the server answers 503 with Retry-After within seconds, /healthz stays 200,
//! /readyz names the host and the cause, connecting names them too; started again, the server
//! recovers by itself.
//!
//! Needs PostgreSQL's server binaries (`/usr/lib/postgresql/*/bin`) and the `postgres` system
//! user, as on the CI machines; elsewhere the test says it was skipped.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use peiyu_service::{ErrorKind, Service};

use crate::client::get;

/// A PostgreSQL cluster in a temporary directory, on a free port; stopped when dropped.
struct PrivateCluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl PrivateCluster {
    fn start() -> Option<PrivateCluster> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .filter(|p| p.join("initdb").is_file())
            .max()?;
        let dir = tempfile::tempdir().ok()?;
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let chown = Command::new("chown")
            .arg("-R")
            .arg("postgres:postgres")
            .arg(dir.path())
            .status()
            .ok()?;
        if !chown.success() {
            return None;
        }
        let cluster = PrivateCluster { bin, dir, port };
        let data = cluster.dir.path().join("data");
        let ok = cluster
            .as_postgres("initdb")
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
            ])
            .output()
            .ok()?
            .status
            .success();
        if !ok {
            return None;
        }
        cluster.pg_ctl("start");
        Some(cluster)
    }

    fn as_postgres(&self, tool: &str) -> Command {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(self.bin.join(tool));
        c
    }

    fn pg_ctl(&self, action: &str) {
        let data = self.dir.path().join("data");
        let mut c = self.as_postgres("pg_ctl");
        c.arg("-D").arg(&data).arg("-w");
        match action {
            "start" => {
                c.arg("-l")
                    .arg(self.dir.path().join("log"))
                    .arg("-o")
                    .arg(format!(
                        "-p {} -k {} -c listen_addresses=127.0.0.1",
                        self.port,
                        self.dir.path().display()
                    ));
                c.arg("start");
            }
            _ => {
                c.args(["-m", "fast", "stop"]);
            }
        }
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "pg_ctl {action}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = self
            .as_postgres("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_database_is_503_with_retry_after_then_the_server_recovers_by_itself() {
    let Some(cluster) = PrivateCluster::start() else {
        eprintln!("skipped: no PostgreSQL server binaries or postgres user for a private cluster");
        return;
    };
    let service = Service::connect(&cluster.url()).await.unwrap();
    service.init("admin", "管理员").await.unwrap();
    let admin = service.actor("admin").await.unwrap();
    let token = service
        .create_token(&admin, None, "outage", None)
        .await
        .unwrap()
        .secret;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(peiyu_server::serve_on(
        service.clone(),
        listener,
        None,
        async move {
            let _ = stopped.await;
        },
    ));
    let up = get(addr, "/api/v1/enterprises").bearer(&token).send().await;
    assert_eq!(up.status, 200, "{}", up.body);
    assert_eq!(get(addr, "/readyz").send().await.status, 200);

    cluster.pg_ctl("stop");
    let host = format!("127.0.0.1:{}", cluster.port);

    let started = Instant::now();
    let down = get(addr, "/api/v1/enterprises").bearer(&token).send().await;
    let waited = started.elapsed();
    assert_eq!(down.status, 503, "{}", down.body);
    assert_eq!(down.header("retry-after"), Some("5"));
    assert_eq!(
        down.json()["type"],
        "urn:peiyu:problem:unavailable",
        "{}",
        down.body
    );
    assert!(
        waited < Duration::from_secs(20),
        "answered after {waited:?}, not the 30 s of the old pool"
    );
    assert!(!down.body.contains("not initialised"), "{}", down.body);

    assert_eq!(get(addr, "/healthz").send().await.status, 200);
    let ready = get(addr, "/readyz")
        .header("Accept-Language", "en")
        .send()
        .await;
    assert_eq!(ready.status, 503);
    assert!(ready.header("retry-after").is_some());
    let said = ready.json()["detail"].as_str().unwrap().to_owned();
    assert!(said.contains(&host), "{said}");
    assert!(said.contains("connection refused"), "{said}");

    // Connecting (what every CLI command does) names the host and the cause too.
    let e = Service::connect(&cluster.url()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    let text = e.to_string();
    assert!(
        text.contains(&host) && text.contains("connection refused"),
        "{text}"
    );
    assert!(!text.contains("pool timed out"), "{text}");

    cluster.pg_ctl("start");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let again = get(addr, "/api/v1/enterprises").bearer(&token).send().await;
        if again.status == 200 {
            break;
        }
        assert_eq!(again.status, 503, "{}", again.body);
        assert!(Instant::now() < deadline, "the server did not recover");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(get(addr, "/readyz").send().await.status, 200);
    let _ = stop.send(());
}
