//! The tamper matrix: on every backend, with the append-only triggers and foreign keys switched
//! off first (as anyone holding the database can), an UPDATE, an INSERT and a DELETE made behind
//! peiyu's back in every audited table, and an edit, a delete, an insert, a swap and a truncated
//! tail (with its chain head) in the log, and an edit and a delete of a seal: `audit verify`
//! catches each and names it.

use chrono::{NaiveDate, TimeZone, Utc};
use peiyu_domain::Officer;
use peiyu_service::{ChainBreak, Discrepancy, NoticeInput, Service};
use peiyu_storage::audit_replay::AUDITED_TABLES;
use peiyu_tests::{Kind, TestDb, on_every_backend, service_at};
use sea_orm::{ConnectionTrait, TransactionTrait};
use uuid::Uuid;

use crate::calendar::NOTICE_2027;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The demo county, plus what it does not make: a token issued and revoked, a loaded holiday
/// notice and two sealed days. Every audited table has rows.
async fn county(db: &TestDb) -> (Service, Officer) {
    let now = Utc.with_ymd_and_hms(2023, 7, 3, 10, 0, 0).single().unwrap();
    let (service, admin) = service_at(db, now).await;
    peiyu_demo::build(&service, day("2023-07-03"))
        .await
        .unwrap();
    let token = service
        .create_token(&admin, None, "报表脚本", None)
        .await
        .unwrap();
    service
        .create_token(&admin, None, "笔记本", None)
        .await
        .unwrap();
    service
        .revoke_token(&admin, &token.token.id.to_string())
        .await
        .unwrap();
    service
        .load_notice(
            &admin,
            NoticeInput::Text {
                text: NOTICE_2027.to_owned(),
                year: None,
            },
            true,
        )
        .await
        .unwrap();
    // A progress note on an enterprise's open task (进展), on that enterprise's chain.
    let open = service
        .list_tasks(&admin, &peiyu_service::ListTasks::default())
        .await
        .unwrap();
    let task = open
        .tasks
        .iter()
        .find(|t| t.value.enterprise.is_some())
        .expect("the demo county has open tasks about enterprises");
    service
        .note_task(
            &admin,
            &task.value.id.to_string(),
            peiyu_service::NewNote {
                progress: "已上门走访，企业同意报送材料".into(),
                problem: Some("缺少上年度审计报告".into()),
                next_step: None,
                on: None,
            },
        )
        .await
        .unwrap();
    service
        .seal_day(&admin, Some(day("2023-07-01")))
        .await
        .unwrap();
    service
        .seal_day(&admin, Some(day("2023-07-02")))
        .await
        .unwrap();
    (service, admin)
}

/// A SQL literal for a UUID on this backend (SQLite and MySQL keep 16 bytes).
fn uuid_lit(kind: Kind, u: Uuid) -> String {
    match kind {
        Kind::Sqlite => format!("X'{}'", u.simple()),
        Kind::Postgres => format!("'{u}'"),
        Kind::MySql => format!("UNHEX('{}')", u.simple()),
    }
}

/// How a key column is read back, to name the row to tamper with.
#[derive(Clone, Copy)]
enum Pk {
    U,
    T,
    I,
    D,
}

/// What the matrix does to one table: its primary key, an UPDATE and the field it shows in,
/// and the columns changed to copy a row as a new one (`NEW` is a fresh UUID).
struct Tamper {
    table: &'static str,
    pk: &'static [(&'static str, Pk)],
    set: &'static str,
    field: Option<&'static str>,
    copy: &'static str,
}

const TAMPERS: &[Tamper] = &[
    Tamper {
        table: "officers",
        pk: &[("id", Pk::U)],
        set: "name = '冒名'",
        field: Some("name"),
        copy: "id = NEW, login = 'intruder'",
    },
    Tamper {
        table: "teams",
        pk: &[("id", Pk::U)],
        set: "name = '影子专班'",
        field: Some("name"),
        copy: "id = NEW, name = '另一个专班'",
    },
    Tamper {
        table: "team_memberships",
        pk: &[
            ("team_id", Pk::U),
            ("officer_id", Pk::U),
            ("joined_on", Pk::D),
        ],
        set: "officer_id = NEW",
        field: None,
        copy: "officer_id = NEW",
    },
    Tamper {
        table: "tracks",
        pk: &[("id", Pk::U)],
        set: "content_hash = '0000000000000000000000000000000000000000000000000000000000000000'",
        field: Some("content_hash"),
        copy: "id = NEW, version = 99, content_hash = 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'",
    },
    Tamper {
        table: "targets",
        pk: &[("id", Pk::U)],
        set: "value = value + 1",
        field: Some("value"),
        copy: "id = NEW, metric = 'invented'",
    },
    Tamper {
        table: "api_tokens",
        pk: &[("id", Pk::U)],
        set: "revoked = NOT revoked",
        field: Some("revoked"),
        copy: "id = NEW, token_hash = 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee'",
    },
    Tamper {
        table: "calendar_years",
        pk: &[("year", Pk::I)],
        set: "source = 'forged'",
        field: Some("source"),
        copy: "year = 2099",
    },
    Tamper {
        table: "batch_lists",
        pk: &[("id", Pk::U)],
        set: "status = 'forged'",
        field: Some("status"),
        copy: "id = NEW, year = 2099",
    },
    Tamper {
        table: "audit_seals",
        pk: &[("day", Pk::D)],
        set: "hash = '0000000000000000000000000000000000000000000000000000000000000000'",
        field: Some("hash"),
        copy: "day = '2099-01-01'",
    },
    Tamper {
        table: "enterprises",
        pk: &[("id", Pk::U)],
        set: "name = '改名企业'",
        field: Some("name"),
        copy: "id = NEW, uscc = '91450000MA0000000X'",
    },
    Tamper {
        table: "metrics",
        pk: &[("enterprise_id", Pk::U), ("month", Pk::T)],
        set: "revenue = 1",
        field: Some("revenue"),
        copy: "month = '2099-01'",
    },
    Tamper {
        table: "cultivations",
        pk: &[("id", Pk::U)],
        set: "stage = 'forged'",
        field: Some("stage"),
        copy: "id = NEW, track_key = 'forged'",
    },
    Tamper {
        table: "transitions",
        pk: &[("id", Pk::U)],
        set: "to_stage = 'forged'",
        field: Some("to"),
        copy: "id = NEW, seq = 99",
    },
    Tamper {
        table: "batch_entries",
        pk: &[("id", Pk::U)],
        set: "since = '2001-01-01'",
        field: Some("since"),
        copy: "id = NEW, batch_list_id = NEW",
    },
    Tamper {
        table: "batch_moves",
        pk: &[("id", Pk::U)],
        set: "reason = 'forged'",
        field: Some("reason"),
        copy: "id = NEW",
    },
    Tamper {
        table: "tasks",
        pk: &[("id", Pk::U)],
        set: "title = 'forged'",
        field: Some("title"),
        copy: "id = NEW",
    },
    Tamper {
        table: "task_notes",
        pk: &[("id", Pk::U)],
        set: "progress = 'forged'",
        field: Some("progress"),
        copy: "id = NEW",
    },
    Tamper {
        table: "register_periods",
        pk: &[("id", Pk::U)],
        set: "exit_reason = 'forged'",
        field: Some("exit_reason"),
        copy: "id = NEW, entered_month = '1999-01'",
    },
];

/// The tables whose rows triggers keep from being changed or deleted.
const APPEND_ONLY: [&str; 5] = [
    "audit_entries",
    "transitions",
    "batch_moves",
    "audit_seals",
    "task_notes",
];

/// Switches off what stops an attacker: the append-only triggers and foreign keys.
async fn as_attacker(db: &TestDb, service: &Service) {
    let conn = service.store().conn();
    match db.kind {
        Kind::Postgres => {
            for t in APPEND_ONLY {
                conn.execute_unprepared(&format!("ALTER TABLE {t} DISABLE TRIGGER USER"))
                    .await
                    .unwrap();
            }
        }
        Kind::Sqlite | Kind::MySql => {
            for t in APPEND_ONLY {
                for op in ["update", "delete"] {
                    conn.execute_unprepared(&format!("DROP TRIGGER {t}_no_{op}"))
                        .await
                        .unwrap();
                }
            }
            if db.kind == Kind::Sqlite {
                conn.execute_unprepared("PRAGMA foreign_keys = OFF")
                    .await
                    .unwrap();
            }
        }
    }
}

/// Runs `statements` in one transaction with foreign keys off.
///
/// On SQLite the store keeps several connections (a writer and readers), and `foreign_keys`
/// is a setting of one connection: the attack opens its own, switches them off there, and
/// writes through it, as anyone holding the file could.
async fn attack(db: &TestDb, service: &Service, statements: &[String]) {
    if db.kind == Kind::Sqlite {
        let mut options = sea_orm::ConnectOptions::new(db.url.clone());
        options.max_connections(1).min_connections(1);
        let own = sea_orm::Database::connect(options).await.unwrap();
        own.execute_unprepared("PRAGMA foreign_keys = OFF")
            .await
            .unwrap();
        let txn = own.begin().await.unwrap();
        for s in statements {
            txn.execute_unprepared(s)
                .await
                .unwrap_or_else(|e| panic!("{s}: {e}"));
        }
        txn.commit().await.unwrap();
        own.close().await.unwrap();
        return;
    }
    let txn = service.store().conn().begin().await.unwrap();
    let off = match db.kind {
        Kind::Postgres => Some("SET LOCAL session_replication_role = replica"),
        Kind::MySql => Some("SET FOREIGN_KEY_CHECKS = 0"),
        Kind::Sqlite => None,
    };
    if let Some(off) = off {
        txn.execute_unprepared(off).await.unwrap();
    }
    for s in statements {
        txn.execute_unprepared(s)
            .await
            .unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    if db.kind == Kind::MySql {
        txn.execute_unprepared("SET FOREIGN_KEY_CHECKS = 1")
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
}

/// `WHERE …` naming the table's first (or last) row by primary key.
async fn row_at(db: &TestDb, service: &Service, t: &Tamper, last: bool) -> String {
    let cols: Vec<&str> = t.pk.iter().map(|(c, _)| *c).collect();
    let dir = if last { " DESC" } else { "" };
    let order = cols
        .iter()
        .map(|c| format!("{c}{dir}"))
        .collect::<Vec<_>>()
        .join(", ");
    let stmt = sea_orm::Statement::from_string(
        service.store().conn().get_database_backend(),
        format!(
            "SELECT {} FROM {} ORDER BY {order} LIMIT 1",
            cols.join(", "),
            t.table
        ),
    );
    let row = service
        .store()
        .conn()
        .query_one_raw(stmt)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{} has no rows", t.table));
    t.pk.iter()
        .map(|(c, pk)| {
            let lit = match pk {
                Pk::U => uuid_lit(db.kind, row.try_get::<Uuid>("", c).unwrap()),
                Pk::T => format!("'{}'", row.try_get::<String>("", c).unwrap()),
                Pk::I => row.try_get::<i32>("", c).unwrap().to_string(),
                Pk::D => format!("'{}'", row.try_get::<NaiveDate>("", c).unwrap()),
            };
            format!("{c} = {lit}")
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

fn with_new_ids(db: &TestDb, s: &str) -> String {
    let mut out = s.to_owned();
    while let Some(i) = out.find("NEW") {
        out.replace_range(i..i + 3, &uuid_lit(db.kind, Uuid::now_v7()));
    }
    out
}

#[tokio::test]
async fn every_audited_table_catches_an_update_an_insert_and_a_delete() {
    // The matrix covers every audited table, and nothing else.
    let mut covered: Vec<&str> = TAMPERS.iter().map(|t| t.table).collect();
    let mut audited: Vec<&str> = AUDITED_TABLES.iter().map(|t| t.table).collect();
    covered.sort_unstable();
    audited.sort_unstable();
    assert_eq!(covered, audited);

    on_every_backend(async |db| {
        let (service, admin) = county(db).await;
        let clean = service.verify_audit(&admin).await.unwrap();
        assert!(clean.ok(), "{:#?}", clean.findings);
        assert!(clean.rows > 1_000, "{}", clean.rows);
        as_attacker(db, &service).await;

        // UPDATE: the field is named, with both values.
        let mut updates = Vec::new();
        for t in TAMPERS {
            let at = row_at(db, &service, t, true).await;
            updates.push(with_new_ids(
                db,
                &format!("UPDATE {} SET {} WHERE {at}", t.table, t.set),
            ));
        }
        attack(db, &service, &updates).await;
        let v = service.verify_audit(&admin).await.unwrap();
        for t in TAMPERS {
            let found = v.findings.iter().any(|f| {
                f.table == t.table
                    && match (&f.problem, t.field) {
                        (Discrepancy::Differs { field, .. }, Some(name)) => *field == name,
                        (_, None) => true,
                        _ => false,
                    }
            });
            assert!(found, "{:?}: UPDATE not caught: {:#?}", db.kind, t.table);
        }
        let renamed = v
            .findings
            .iter()
            .find(|f| f.table == "enterprises")
            .unwrap();
        let Discrepancy::Differs { in_log, stored, .. } = &renamed.problem else {
            panic!("{renamed:?}")
        };
        assert_eq!(stored.as_deref(), Some("改名企业"));
        assert_eq!(
            renamed.enterprise_name.as_ref().map(|(n, _)| n),
            in_log.as_ref()
        );
        for f in v.findings.iter().filter(|f| f.enterprise.is_some()) {
            assert!(f.enterprise_name.is_some(), "{f:?}");
        }

        // INSERT: a row no entry recorded.
        let mut inserts = Vec::new();
        let temp = if db.kind == Kind::MySql {
            "CREATE TEMPORARY TABLE"
        } else {
            "CREATE TEMP TABLE"
        };
        for t in TAMPERS {
            let at = row_at(db, &service, t, true).await;
            inserts.push(format!(
                "{temp} peiyu_copy AS SELECT * FROM {} WHERE {at}",
                t.table
            ));
            inserts.push(with_new_ids(
                db,
                &format!("UPDATE peiyu_copy SET {}", t.copy),
            ));
            inserts.push(format!("INSERT INTO {} SELECT * FROM peiyu_copy", t.table));
            inserts.push("DROP TABLE peiyu_copy".to_owned());
        }
        attack(db, &service, &inserts).await;
        let v = service.verify_audit(&admin).await.unwrap();
        for t in TAMPERS {
            assert!(
                v.findings
                    .iter()
                    .any(|f| f.table == t.table && f.problem == Discrepancy::MissingFromLog),
                "{:?}: INSERT not caught: {}",
                db.kind,
                t.table
            );
        }

        // DELETE: entries whose subject is gone.
        let mut deletes = Vec::new();
        for t in TAMPERS {
            // The first row by key: not the copy just inserted.
            let at = row_at(db, &service, t, false).await;
            deletes.push(format!("DELETE FROM {} WHERE {at}", t.table));
        }
        attack(db, &service, &deletes).await;
        let v = service.verify_audit(&admin).await.unwrap();
        for t in TAMPERS {
            assert!(
                v.findings
                    .iter()
                    .any(|f| f.table == t.table && f.problem == Discrepancy::MissingFromTable),
                "{:?}: DELETE not caught: {}",
                db.kind,
                t.table
            );
        }
    })
    .await;
}

/// Five enterprise chains of at least three entries, sealed.
async fn long_chains(service: &Service) -> Vec<(String, i64)> {
    let stmt = sea_orm::Statement::from_string(
        service.store().conn().get_database_backend(),
        "SELECT chain_key, seq FROM audit_chain_heads \
         WHERE chain_key LIKE 'enterprise:%' AND seq >= 3 ORDER BY chain_key LIMIT 5",
    );
    service
        .store()
        .conn()
        .query_all_raw(stmt)
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r.try_get::<String>("", "chain_key").unwrap(),
                r.try_get::<i64>("", "seq").unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_log_and_the_seals_catch_edits_deletes_inserts_swaps_and_a_truncated_tail() {
    on_every_backend(async |db| {
        let (service, admin) = county(db).await;
        let chains = long_chains(&service).await;
        assert_eq!(chains.len(), 5);
        // Seal today over every head, so the truncated tail below is pinned.
        service.seal_day(&admin, None).await.unwrap();
        as_attacker(db, &service).await;
        let [(edited, _), (deleted, _), (inserted, inserted_seq), (swapped, _), (cut, cut_seq)] =
            <[(String, i64); 5]>::try_from(chains).unwrap();
        let temp = if db.kind == Kind::MySql {
            "CREATE TEMPORARY TABLE"
        } else {
            "CREATE TEMP TABLE"
        };
        let statements = vec![
            // Edit: a reason rewritten.
            format!("UPDATE audit_entries SET reason = 'rewritten' WHERE chain_key = '{edited}' AND seq = 2"),
            // Delete: the second entry gone.
            format!("DELETE FROM audit_entries WHERE chain_key = '{deleted}' AND seq = 2"),
            // Insert: a copy of the last entry appended after it.
            format!("{temp} peiyu_copy AS SELECT * FROM audit_entries WHERE chain_key = '{inserted}' AND seq = {inserted_seq}"),
            with_new_ids(db, &format!("UPDATE peiyu_copy SET id = NEW, seq = {}", inserted_seq + 1)),
            "INSERT INTO audit_entries SELECT * FROM peiyu_copy".to_owned(),
            "DROP TABLE peiyu_copy".to_owned(),
            // Swap: entries 2 and 3 trade places.
            format!("UPDATE audit_entries SET seq = -2 WHERE chain_key = '{swapped}' AND seq = 2"),
            format!("UPDATE audit_entries SET seq = 2 WHERE chain_key = '{swapped}' AND seq = 3"),
            format!("UPDATE audit_entries SET seq = 3 WHERE chain_key = '{swapped}' AND seq = -2"),
            // Truncated tail: the last entry removed and the head moved back onto the one before.
            format!("DELETE FROM audit_entries WHERE chain_key = '{cut}' AND seq = {cut_seq}"),
            format!(
                "UPDATE audit_chain_heads SET seq = {}, hash = (SELECT x.hash FROM (SELECT hash FROM audit_entries WHERE chain_key = '{cut}' AND seq = {}) x) WHERE chain_key = '{cut}'",
                cut_seq - 1,
                cut_seq - 1
            ),
            // Seals: one edited, one deleted.
            "UPDATE audit_seals SET hash = '0000000000000000000000000000000000000000000000000000000000000000' WHERE day = '2023-07-01'".to_owned(),
            "DELETE FROM audit_seals WHERE day = '2023-07-02'".to_owned(),
        ];
        attack(db, &service, &statements).await;
        let v = service.verify_audit(&admin).await.unwrap();
        assert!(!v.ok());
        let broken = |chain: &str| {
            v.chains
                .broken
                .iter()
                .find(|b| b.chain_key == chain)
                .map(|b| b.problem.clone())
        };
        assert_eq!(broken(&edited), Some(ChainBreak::HashMismatch { seq: 2 }));
        assert_eq!(
            broken(&deleted),
            Some(ChainBreak::SequenceGap {
                expected: 2,
                found: 3
            })
        );
        assert_eq!(
            broken(&inserted),
            Some(ChainBreak::HashMismatch {
                seq: inserted_seq + 1
            })
        );
        assert!(
            matches!(broken(&swapped), Some(ChainBreak::HashMismatch { seq: 2 })),
            "{:?}",
            broken(&swapped)
        );
        // The cut chain verifies on its own: only today's seal shows the tail is gone.
        assert_eq!(broken(&cut), None);
        let sealed_today = service.today();
        assert!(
            v.broken_seals
                .iter()
                .any(|s| s.day == sealed_today && s.chain_key.as_deref() == Some(cut.as_str())),
            "{:?}",
            v.broken_seals
        );
        // The edited seal no longer matches its heads; the deleted one is missing from its table.
        assert!(
            v.broken_seals
                .iter()
                .any(|s| s.day == day("2023-07-01") && s.chain_key.is_none()),
            "{:?}",
            v.broken_seals
        );
        assert!(
            v.findings.iter().any(|f| f.table == "audit_seals"
                && f.key == "2023-07-02"
                && f.problem == Discrepancy::MissingFromTable),
            "{:#?}",
            v.findings
        );
        assert!(v.findings.iter().any(|f| f.table == "audit_seals"
            && f.key == "2023-07-01"
            && matches!(f.problem, Discrepancy::Differs { field: "hash", .. })));
    })
    .await;
}

#[tokio::test]
async fn verify_since_a_seal_checks_the_chains_that_moved_after_it() {
    on_every_backend(async |db| {
        let (service, admin) = county(db).await;
        let today = service.today();
        service.seal_day(&admin, None).await.unwrap();
        // One enterprise changes after the seal.
        let moved = service
            .list_enterprises(&admin, &peiyu_service::ListEnterprises::default())
            .await
            .unwrap()
            .remove(0)
            .enterprise;
        service
            .edit_enterprise(
                &admin,
                moved.uscc.as_str(),
                peiyu_service::EnterpriseEdit {
                    town: Some("新城镇".into()),
                    ..Default::default()
                },
                None,
                Some("迁址".into()),
            )
            .await
            .unwrap();
        let since = service.verify_audit_since(&admin, today).await.unwrap();
        assert!(since.ok(), "{:#?}", since.findings);
        // The moved enterprise's chain and the bureau's (the seal's own entry).
        assert_eq!(since.chains.chains, 2, "{:?}", since.chains);
        let full = service.verify_audit(&admin).await.unwrap();
        assert!(full.chains.chains > 100);

        // Its row edited behind peiyu's back: caught from the seal on.
        as_attacker(db, &service).await;
        attack(
            db,
            &service,
            &[format!(
                "UPDATE enterprises SET name = '改名企业' WHERE id = {}",
                uuid_lit(db.kind, moved.id.0)
            )],
        )
        .await;
        let since = service.verify_audit_since(&admin, today).await.unwrap();
        assert_eq!(since.findings.len(), 1, "{:#?}", since.findings);
        assert_eq!(since.findings[0].table, "enterprises");
        assert_eq!(
            since.findings[0].enterprise_name,
            Some((moved.name.clone(), moved.uscc.as_str().to_owned()))
        );
        // A day without a seal is refused.
        let err = service
            .verify_audit_since(&admin, day("2020-01-01"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), peiyu_service::ErrorKind::NotFound);
    })
    .await;
}
