//! Evidence files on every backend: kept once per content under their SHA-256 (a file of a
//! few MiB included, which a plain MySQL `BLOB` could not hold), read back byte for byte, and
//! refused when empty, too large, or uploaded by a reader.

use peiyu_domain::{Login, Role};
use peiyu_service::{ErrorKind, MAX_EVIDENCE_BYTES, NewOfficer, Service};
use peiyu_tests::{TestDb, midyear};

#[tokio::test]
async fn an_evidence_file_is_kept_once_by_its_sha256_and_read_back_whole() {
    peiyu_tests::on_every_backend(async |db: &TestDb| {
        let service = Service::new(db.store().await)
            .with_clock(std::sync::Arc::new(peiyu_service::FixedClock(midyear())));
        service.init("admin", "管理员").await.unwrap();
        let admin = service.actor("admin").await.unwrap();
        let bytes: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
        let kept = service
            .keep_evidence(&admin, "走访记录.pdf", "application/pdf", bytes.clone())
            .await
            .unwrap();
        assert_eq!(kept.sha256.len(), 64);
        assert!(
            kept.citation
                .starts_with(&format!("sha256:{} 走访记录.pdf (3145728 B)", kept.sha256)),
            "{}",
            kept.citation
        );
        // The same bytes again: the same citation, kept once.
        let again = service
            .keep_evidence(&admin, "走访记录.pdf", "application/pdf", bytes.clone())
            .await
            .unwrap();
        assert_eq!(again, kept);
        let file = service.evidence_file(&admin, &kept.sha256).await.unwrap();
        assert_eq!(file.bytes, bytes);
        assert_eq!(file.media_type, "application/pdf");
        assert_eq!(file.uploaded_by, "admin");

        let err = service
            .keep_evidence(&admin, "empty", "", Vec::new())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        let err = service
            .keep_evidence(&admin, "big", "", vec![0; MAX_EVIDENCE_BYTES + 1])
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        let err = service
            .evidence_file(&admin, &"0".repeat(64))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
        let leader = service
            .add_officer(
                &admin,
                NewOfficer {
                    login: Login::new("qin").unwrap(),
                    name: "覃志刚".into(),
                    role: Role::Leader,
                },
            )
            .await
            .unwrap();
        // A leader reads only.
        let err = service
            .keep_evidence(&leader, "x", "", vec![1])
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Forbidden);
    })
    .await;
}
