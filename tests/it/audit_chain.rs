//! The audit log's hash chains: a clean history verifies; edits, deletions, insertions and swaps
//! made directly in the database are each caught; the database itself refuses UPDATE and DELETE.

use peiyu_domain::AuditAction;
use peiyu_domain::{Enterprise, EnterpriseId, LegalForm, Sector};
use peiyu_storage::audit::{self, ChainBreak};
use peiyu_storage::{Actor, Store, enterprises};
use peiyu_tests::{Kind, TestDb, midyear, on_every_backend, uscc};
use sea_orm::ConnectionTrait;

/// Writes one enterprise and edits it four times: a chain of five entries. Returns its chain key.
async fn history(store: &Store) -> String {
    let mut e = Enterprise {
        id: EnterpriseId::new(),
        uscc: uscc(100),
        name: "加美木业".into(),
        sector: Sector::Industry,
        town: "石龙镇".into(),
        address: String::new(),
        land_area: None,
        legal_form: LegalForm::LegalEntity,
        responsible_officer: None,
        archived: false,
    };
    let mut uow = store.begin(Actor::system(), None, midyear()).await.unwrap();
    enterprises::insert_enterprise(&mut uow, &e, None)
        .await
        .unwrap();
    uow.commit().await.unwrap();
    for (version, town) in [(1, "运江镇"), (2, "三江口"), (3, "石龙镇"), (4, "百丈乡")]
    {
        let mut next = e.clone();
        next.town = town.into();
        let mut uow = store.begin(Actor::system(), None, midyear()).await.unwrap();
        enterprises::update_enterprise(
            &mut uow,
            &e,
            &next,
            version,
            AuditAction::EnterpriseEdit,
            Some(format!("迁至{town}")),
        )
        .await
        .unwrap();
        uow.commit().await.unwrap();
        e = next;
    }
    format!("enterprise:{}", e.id.0)
}

/// Lets the test act as an attacker with write access to the tables.
async fn disable_guards(db: &TestDb, store: &Store) {
    let stmts: Vec<String> = match db.kind {
        Kind::Postgres => vec!["ALTER TABLE audit_entries DISABLE TRIGGER USER".into()],
        Kind::Sqlite | Kind::MySql => ["update", "delete"]
            .iter()
            .map(|op| format!("DROP TRIGGER audit_entries_no_{op}"))
            .collect(),
    };
    for s in stmts {
        store.conn().execute_unprepared(&s).await.unwrap();
    }
}

async fn sql(store: &Store, s: &str) {
    store
        .conn()
        .execute_unprepared(s)
        .await
        .unwrap_or_else(|e| panic!("{s}: {e}"));
}

async fn first_break(store: &Store, chain: &str) -> ChainBreak {
    let report = audit::verify_chains(store.conn()).await.unwrap();
    assert_eq!(report.broken.len(), 1, "{report:?}");
    assert_eq!(report.broken[0].chain_key, chain);
    report.broken[0].problem.clone()
}

#[tokio::test]
async fn an_untouched_history_verifies() {
    on_every_backend(async |db| {
        let store = db.store().await;
        history(&store).await;
        let report = audit::verify_chains(store.conn()).await.unwrap();
        assert!(report.broken.is_empty(), "{report:?}");
        assert_eq!(report.entries, 5);
        assert_eq!(report.chains, 1);
    })
    .await;
}

#[tokio::test]
async fn the_database_refuses_to_update_or_delete_history() {
    on_every_backend(async |db| {
        let store = db.store().await;
        history(&store).await;
        for s in [
            "UPDATE audit_entries SET reason = 'rewritten'",
            "DELETE FROM audit_entries",
        ] {
            let err = store.conn().execute_unprepared(s).await.unwrap_err();
            assert!(err.to_string().contains("append-only"), "{s}: {err}");
        }
        let report = audit::verify_chains(store.conn()).await.unwrap();
        assert!(report.broken.is_empty());
    })
    .await;
}

#[tokio::test]
async fn an_edited_reason_is_caught() {
    on_every_backend(async |db| {
        let store = db.store().await;
        let chain = history(&store).await;
        disable_guards(db, &store).await;
        sql(&store, &format!("UPDATE audit_entries SET reason = '另有原因' WHERE chain_key = '{chain}' AND seq = 3")).await;
        assert_eq!(first_break(&store, &chain).await, ChainBreak::HashMismatch { seq: 3 });
    })
    .await;
}

#[tokio::test]
async fn a_deleted_entry_is_caught() {
    on_every_backend(async |db| {
        let store = db.store().await;
        let chain = history(&store).await;
        disable_guards(db, &store).await;
        sql(
            &store,
            &format!("DELETE FROM audit_entries WHERE chain_key = '{chain}' AND seq = 2"),
        )
        .await;
        assert_eq!(
            first_break(&store, &chain).await,
            ChainBreak::SequenceGap {
                expected: 2,
                found: 3
            }
        );
    })
    .await;
}

#[tokio::test]
async fn a_deleted_last_entry_is_caught() {
    on_every_backend(async |db| {
        let store = db.store().await;
        let chain = history(&store).await;
        disable_guards(db, &store).await;
        sql(
            &store,
            &format!("DELETE FROM audit_entries WHERE chain_key = '{chain}' AND seq = 5"),
        )
        .await;
        assert_eq!(
            first_break(&store, &chain).await,
            ChainBreak::HeadMismatch {
                head_seq: 5,
                last_seq: 4
            }
        );
    })
    .await;
}

#[tokio::test]
async fn an_inserted_entry_is_caught() {
    on_every_backend(async |db| {
        let store = db.store().await;
        let chain = history(&store).await;
        disable_guards(db, &store).await;
        // Make room after entry 2 and copy entry 2 into the gap with a new id: a forged entry.
        sql(&store, &format!("UPDATE audit_entries SET seq = seq + 100 WHERE chain_key = '{chain}' AND seq > 2")).await;
        sql(&store, &format!("UPDATE audit_entries SET seq = seq - 99 WHERE chain_key = '{chain}' AND seq > 100")).await;
        let id = crate::write_path::uuid_literal(db.kind, uuid::Uuid::now_v7());
        sql(&store, &format!(
            "INSERT INTO audit_entries (id, chain_key, seq, recorded_at, effective_on, actor_id, actor_login, \
             on_behalf_of, action, subject_type, subject_id, enterprise_id, before_state, after_state, reason, \
             request_id, prev_hash, hash) SELECT {id}, chain_key, 3, recorded_at, effective_on, actor_id, \
             actor_login, on_behalf_of, action, subject_type, subject_id, enterprise_id, before_state, after_state, \
             '伪造', request_id, hash, hash FROM audit_entries WHERE chain_key = '{chain}' AND seq = 2"
        )).await;
        assert_eq!(first_break(&store, &chain).await, ChainBreak::HashMismatch { seq: 3 });
    })
    .await;
}

#[tokio::test]
async fn swapped_entries_are_caught() {
    on_every_backend(async |db| {
        let store = db.store().await;
        let chain = history(&store).await;
        disable_guards(db, &store).await;
        sql(
            &store,
            &format!("UPDATE audit_entries SET seq = 100 WHERE chain_key = '{chain}' AND seq = 2"),
        )
        .await;
        sql(
            &store,
            &format!("UPDATE audit_entries SET seq = 2 WHERE chain_key = '{chain}' AND seq = 3"),
        )
        .await;
        sql(
            &store,
            &format!("UPDATE audit_entries SET seq = 3 WHERE chain_key = '{chain}' AND seq = 100"),
        )
        .await;
        assert_eq!(
            first_break(&store, &chain).await,
            ChainBreak::HashMismatch { seq: 2 }
        );
    })
    .await;
}
