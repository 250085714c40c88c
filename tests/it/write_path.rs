//! The one write path: every change and its audit entry commit together, or neither does.

use peiyu_domain::AuditAction;
use peiyu_domain::{Enterprise, EnterpriseId, LegalForm, Officer, OfficerId, Role, Sector};
use peiyu_storage::audit::{self, AuditFilter};
use peiyu_storage::{Actor, StorageError, enterprises, officers};
use peiyu_tests::{midyear, on_every_backend, uscc};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};

fn enterprise(n: u32) -> Enterprise {
    Enterprise {
        id: EnterpriseId::new(),
        uscc: uscc(n),
        name: format!("测试企业{n}"),
        sector: Sector::Industry,
        town: "石龙镇".into(),
        address: String::new(),
        land_area: None,
        legal_form: LegalForm::LegalEntity,
        responsible_officer: None,
        archived: false,
    }
}

async fn audit_count(conn: &impl ConnectionTrait) -> u64 {
    peiyu_storage::entities::audit_entries::Entity::find()
        .count(conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn migrations_apply_twice_and_schema_is_complete() {
    on_every_backend(async |db| {
        let store = db.store().await;
        store.migrate().await.unwrap();
        assert!(store.is_migrated().await.unwrap());
        for table in [
            "enterprises",
            "officers",
            "teams",
            "team_memberships",
            "metrics",
            "tracks",
            "cultivations",
            "transitions",
            "batch_lists",
            "batch_entries",
            "batch_moves",
            "tasks",
            "audit_entries",
            "audit_chain_heads",
            "audit_seals",
            "targets",
            "api_tokens",
            "idempotency_keys",
        ] {
            store
                .conn()
                .execute_unprepared(&format!("SELECT COUNT(*) FROM {table}"))
                .await
                .unwrap_or_else(|e| panic!("table {table} is missing: {e}"));
        }
    })
    .await;
}

#[tokio::test]
async fn every_write_leaves_exactly_one_audit_entry() {
    on_every_backend(async |db| {
        let store = db.store().await;
        let admin = Officer {
            id: OfficerId::new(),
            login: peiyu_domain::Login::new("admin").unwrap(),
            name: "管理员".into(),
            role: Role::Admin,
            active: true,
        };
        let mut uow = store.begin(Actor::system(), None, midyear()).await.unwrap();
        officers::insert_officer(&mut uow, &admin).await.unwrap();
        assert_eq!(uow.entries().len(), 1);
        uow.commit().await.unwrap();
        assert_eq!(audit_count(store.conn()).await, 1);

        let actor = Actor {
            id: Some(admin.id),
            login: "admin".into(),
            on_behalf_of: None,
        };
        let e = enterprise(1);
        let mut uow = store.begin(actor.clone(), None, midyear()).await.unwrap();
        enterprises::insert_enterprise(&mut uow, &e, None)
            .await
            .unwrap();
        uow.commit().await.unwrap();
        assert_eq!(audit_count(store.conn()).await, 2);

        let mut edited = e.clone();
        edited.town = "运江镇".into();
        let mut uow = store.begin(actor.clone(), None, midyear()).await.unwrap();
        let v = enterprises::update_enterprise(
            &mut uow,
            &e,
            &edited,
            1,
            AuditAction::EnterpriseEdit,
            Some("迁址".into()),
        )
        .await
        .unwrap();
        uow.commit().await.unwrap();
        assert_eq!(v, 2);
        assert_eq!(audit_count(store.conn()).await, 3);

        let log = audit::list_entries(
            store.conn(),
            &AuditFilter {
                enterprise: Some(e.id),
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!(log[1].action, "enterprise.edit");
        assert_eq!(log[1].reason.as_deref(), Some("迁址"));
        assert!(log[1].before.as_deref().unwrap().contains("石龙镇"));
        assert!(log[1].after.as_deref().unwrap().contains("运江镇"));
        assert_eq!(log[1].prev_hash, log[0].hash);
        assert_eq!(log[1].chain_key, format!("enterprise:{}", e.id.0));
    })
    .await;
}

#[tokio::test]
async fn a_failing_audit_append_leaves_neither_change_nor_entry() {
    on_every_backend(async |db| {
        let store = db.store().await;
        let e = enterprise(2);
        // Plant an entry at the position the enterprise's first entry will take, so the audit
        // append fails AFTER the enterprise row was written in the same transaction.
        store
            .conn()
            .execute_unprepared(&format!(
                "INSERT INTO audit_entries (id, chain_key, seq, recorded_at, actor_login, action, \
                 subject_type, subject_id, prev_hash, hash) VALUES ({}, 'enterprise:{}', 1, \
                 '2023-01-01T00:00:00.000000Z', 'x', 'x', 'x', 'x', 'x', 'x')",
                uuid_literal(db.kind, uuid::Uuid::now_v7()),
                e.id.0
            ))
            .await
            .unwrap();
        let before = audit_count(store.conn()).await;

        let mut uow = store.begin(Actor::system(), None, midyear()).await.unwrap();
        let err = enterprises::insert_enterprise(&mut uow, &e, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StorageError::Conflict { .. }), "{err:?}");
        drop(uow);

        assert!(
            enterprises::find_enterprise_by_uscc(store.conn(), e.uscc.as_str())
                .await
                .unwrap()
                .is_none(),
            "the enterprise must not remain when its audit entry failed"
        );
        assert_eq!(audit_count(store.conn()).await, before);
    })
    .await;
}

#[tokio::test]
async fn a_unit_that_fails_after_a_change_leaves_nothing() {
    on_every_backend(async |db| {
        let store = db.store().await;
        let first = enterprise(3);
        let mut uow = store.begin(Actor::system(), None, midyear()).await.unwrap();
        enterprises::insert_enterprise(&mut uow, &first, None)
            .await
            .unwrap();
        uow.commit().await.unwrap();

        // One unit: a new enterprise (change + audit entry), then a duplicate USCC that fails.
        let second = enterprise(4);
        let mut duplicate = enterprise(5);
        duplicate.uscc = first.uscc.clone();
        let mut uow = store.begin(Actor::system(), None, midyear()).await.unwrap();
        enterprises::insert_enterprise(&mut uow, &second, None)
            .await
            .unwrap();
        let err = enterprises::insert_enterprise(&mut uow, &duplicate, None)
            .await
            .unwrap_err();
        assert!(
            matches!(err, StorageError::Duplicate { field: "uscc", .. }),
            "{err:?}"
        );
        uow.rollback().await.unwrap();

        assert!(
            enterprises::find_enterprise_by_uscc(store.conn(), second.uscc.as_str())
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(audit_count(store.conn()).await, 1);
        let report = audit::verify_chains(store.conn()).await.unwrap();
        assert!(report.broken.is_empty(), "{report:?}");
    })
    .await;
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_changes_nothing() {
    on_every_backend(async |db| {
        let store = db.store().await;
        let e = enterprise(6);
        let mut uow = store.begin(Actor::system(), None, midyear()).await.unwrap();
        enterprises::insert_enterprise(&mut uow, &e, None)
            .await
            .unwrap();
        uow.commit().await.unwrap();

        let mut a = e.clone();
        a.name = "甲".into();
        let mut uow = store.begin(Actor::system(), None, midyear()).await.unwrap();
        enterprises::update_enterprise(&mut uow, &e, &a, 1, AuditAction::EnterpriseEdit, None)
            .await
            .unwrap();
        uow.commit().await.unwrap();

        let mut b = e.clone();
        b.name = "乙".into();
        let mut uow = store.begin(Actor::system(), None, midyear()).await.unwrap();
        let err =
            enterprises::update_enterprise(&mut uow, &e, &b, 1, AuditAction::EnterpriseEdit, None)
                .await
                .unwrap_err();
        assert!(
            matches!(err, StorageError::Conflict { expected: 1, .. }),
            "{err:?}"
        );
        uow.rollback().await.unwrap();

        let stored = enterprises::get_enterprise(store.conn(), e.id)
            .await
            .unwrap();
        assert_eq!(stored.value.name, "甲");
        assert_eq!(stored.version, 2);
        assert_eq!(audit_count(store.conn()).await, 2);
    })
    .await;
}

/// A UUID as a SQL literal in the backend's storage format.
pub fn uuid_literal(kind: peiyu_tests::Kind, id: uuid::Uuid) -> String {
    match kind {
        peiyu_tests::Kind::Postgres => format!("'{id}'"),
        _ => format!("X'{}'", id.simple()),
    }
}

#[tokio::test]
async fn many_entries_appended_at_once_chain_like_one_by_one() {
    use peiyu_storage::AuditFact;
    on_every_backend(async |db| {
        let store = db.store().await;
        let a = enterprise(20);
        let b = enterprise(21);
        let mut uow = store.begin(Actor::system(), None, midyear()).await.unwrap();
        enterprises::insert_enterprise(&mut uow, &a, None)
            .await
            .unwrap();
        let facts: Vec<AuditFact> = (0..1200)
            .map(|i| AuditFact {
                action: AuditAction::MetricsAdd,
                subject_type: "metrics".into(),
                subject_id: format!("m{i}"),
                enterprise: Some(if i % 2 == 0 { a.id } else { b.id }),
                before: None,
                after: Some(serde_json::json!({ "i": i })),
                reason: None,
                effective_on: None,
            })
            .collect();
        enterprises::insert_enterprise(&mut uow, &b, None)
            .await
            .unwrap();
        assert_eq!(uow.record_many(facts).await.unwrap(), 1200);
        uow.commit().await.unwrap();
        let report = audit::verify_chains(store.conn()).await.unwrap();
        assert!(report.broken.is_empty(), "{report:?}");
        assert_eq!(report.entries, 1202);
        let log = audit::list_entries(
            store.conn(),
            &AuditFilter {
                enterprise: Some(a.id),
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(log.len(), 601);
        assert_eq!(log.last().unwrap().seq, 601);
    })
    .await;
}
