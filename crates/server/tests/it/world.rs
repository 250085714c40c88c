//! A county bureau on SQLite, its server listening on an ephemeral port.

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use peiyu_domain::{Enterprise, LegalForm, Login, NewEnterprise, Officer, Role, Sector, Uscc};
use peiyu_service::{FixedClock, NewOfficer, OpenCase, Service};

/// The bureau: an admin, an officer `wang` responsible for a factory on the industrial track,
/// tokens for both, and a running server.
pub struct World {
    pub service: Service,
    pub admin: Officer,
    pub wang: Officer,
    pub factory: Enterprise,
    pub admin_token: String,
    pub wang_token: String,
    pub addr: SocketAddr,
    /// The database's URL, for a second service on the same database.
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A valid USCC, distinct for each `n`.
pub fn uscc(n: u32) -> Uscc {
    let org8 = format!("{:08}", 10_000_000 + n);
    let org9 = Uscc::organisation_check_character(&org8).unwrap();
    let first17 = format!("91450000{org8}{org9}");
    let check = Uscc::check_character(&first17).unwrap();
    Uscc::parse(&format!("{first17}{check}")).unwrap()
}

/// The password `wang` set for himself.
pub const WANG_PASSWORD: &str = "wang-secret-1";

pub async fn world() -> World {
    // 2023-06-30 09:00 in the county.
    world_at(Utc.with_ymd_and_hms(2023, 6, 30, 1, 0, 0).single().unwrap()).await
}

/// The same bureau with its clock stopped at `now`.
pub async fn world_at(now: chrono::DateTime<Utc>) -> World {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("peiyu.db").display()
    );
    let service = Service::connect(&url)
        .await
        .unwrap()
        .with_clock(Arc::new(FixedClock(now)));
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
    let factory = service
        .add_enterprise(
            &wang,
            NewEnterprise {
                uscc: uscc(1),
                name: "柳州精密机械有限公司".into(),
                sector: Sector::Industry,
                town: "石龙镇".into(),
                address: "工业园区 1 号".into(),
                land_area: None,
                legal_form: LegalForm::LegalEntity,
                responsible_officer: None,
            },
            None,
        )
        .await
        .unwrap()
        .enterprise;
    service
        .open_case(
            &wang,
            OpenCase {
                enterprise: factory.uscc.to_string(),
                track: "industrial".into(),
                ..OpenCase::default()
            },
        )
        .await
        .unwrap();
    let admin_token = service
        .create_token(&admin, None, "tests", None)
        .await
        .unwrap()
        .secret;
    let wang_token = service
        .create_token(&wang, None, "laptop", None)
        .await
        .unwrap()
        .secret;
    service
        .set_password(&wang, "wang", WANG_PASSWORD)
        .await
        .unwrap();

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
    World {
        service,
        admin,
        wang,
        factory,
        admin_token,
        wang_token,
        addr,
        url,
        stop: Some(stop),
        _dir: dir,
    }
}
