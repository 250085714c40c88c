//! Nothing a person reads shows a raw key: an enterprise's history, rendered for people in both
//! languages, names officers, actions, tracks, stages, batches and task statuses in words.

use peiyu_domain::{Batch, Lang, TaskKind};
use peiyu_service::{HistoryQuery, ListChange};
use peiyu_tests::on_every_backend;

use crate::tracks::{INDUSTRIAL, advance, complete, factory, open, step, world};

/// Keys that must never reach a person's screen in Chinese (every one has a label).
const ZH_FORBIDDEN: [&str; 12] = [
    "industrial",
    "candidate",
    "cultivating",
    "case.open",
    "case.advance",
    "task.create",
    "task.done",
    "batch.assign",
    "open",
    "done",
    "wang",
    "admin",
];

#[tokio::test]
async fn an_enterprises_history_names_everything_in_words() {
    on_every_backend(async |db| {
        let w = world(db, "2023-03-01").await;
        let e = factory(&w, 970, "名称机械有限公司").await;
        open(&w, &e, INDUSTRIAL, "2023-01-05").await;
        advance(
            &w,
            &w.wang,
            step(&e, INDUSTRIAL, "cultivating", "2023-01-09"),
        )
        .await;
        complete(&w, &e, TaskKind::Visit, "2023-01-13").await;
        w.service
            .assign_batch(
                &w.admin,
                &ListChange {
                    enterprise: e.name.clone(),
                    year: 2023,
                    batch: Some(Batch::new(3).unwrap()),
                    suggested: None,
                    reason: "培育对象".into(),
                    on: Some("2023-02-01".parse().unwrap()),
                },
            )
            .await
            .unwrap();
        let (_, lines) = w
            .service
            .enterprise_history(&w.wang, e.uscc.as_str(), &HistoryQuery::default())
            .await
            .unwrap();
        assert!(lines.len() >= 5, "{lines:?}");
        let rendered = |lang| {
            lines
                .iter()
                .map(|l| peiyu_formats::history::cells(l, lang).join(" | "))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let zh = rendered(Lang::Zh);
        for key in ZH_FORBIDDEN {
            // Whole words only: a key inside a longer word (a USCC) is not a key shown.
            let shown = zh
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
                .any(|word| word == key);
            assert!(!shown, "the raw key {key:?} is shown in Chinese:\n{zh}");
        }
        for word in ["推进阶段", "培育中", "第3批", "已完成", "新建任务"] {
            assert!(zh.contains(word), "{word} is missing:\n{zh}");
        }
        let en = rendered(Lang::En);
        for key in [
            "case.advance",
            "task.create",
            "batch.assign",
            "wang",
            "admin",
        ] {
            let shown = en
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
                .any(|word| word == key);
            assert!(!shown, "the raw key {key:?} is shown in English:\n{en}");
        }
        assert!(en.contains("stage moved"), "{en}");
    })
    .await;
}
