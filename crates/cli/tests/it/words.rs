//! Nothing a person reads shows a raw key: the demo county, rendered by every human-facing
//! command in Chinese and in English, names officers, tracks, stages, guards, task statuses and
//! audit actions in words.
//!
//! Left out on purpose, and why (docs/words.md): `track show`, `officer list` and `team list`,
//! which show the keys and logins people type (each in a column headed 代码/登录名), and the
//! CSV and XLSX files, which carry a code column beside each label for spreadsheets.

use peiyu_domain::{AuditAction, TaskStatus};
use peiyu_service::Track;

use crate::{peiyu_env, stderr, stdout};

const CLOCK: (&str, &str) = ("PEIYU_CLOCK", "2023-07-03");

const TRACKS: [&str; 3] = [
    include_str!("../../../workflow/tracks/industrial.toml"),
    include_str!("../../../workflow/tracks/commerce.toml"),
    include_str!("../../../workflow/tracks/technology.toml"),
];

/// The keys a label exists for: (every key, the keys that cannot be an English word).
fn keys(logins: &[String]) -> (Vec<String>, Vec<String>) {
    let mut all: Vec<String> = Vec::new();
    for text in TRACKS {
        let track = Track::parse(text).unwrap();
        all.push(track.key().to_string());
        for s in track.stages() {
            all.push(s.key.to_string());
        }
        for t in track.transitions() {
            for g in &t.guards {
                all.push(g.key().to_owned());
            }
        }
    }
    all.extend(AuditAction::ALL.iter().map(|a| a.key().to_owned()));
    all.extend(TaskStatus::ALL.iter().map(|s| s.key().to_owned()));
    // A login is not a word; `admin` is also the role's English label, so it counts only in
    // Chinese.
    all.extend(logins.iter().cloned());
    all.sort();
    all.dedup();
    let unmistakable = all
        .iter()
        .filter(|k| k.contains('.') || k.contains('_'))
        .cloned()
        .collect();
    (all, unmistakable)
}

/// The words of `text`: runs of ASCII letters, digits, `.` and `_` (a key inside a longer run,
/// such as a USCC, is not a key shown).
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
}

/// `text` without the command-line arguments it tells people to type (`--to delisted`): the
/// key is what they type there, shown as such.
fn without_arguments(text: &str) -> String {
    let mut out = Vec::new();
    let mut skip = false;
    for word in text.split(' ') {
        if skip {
            skip = false;
            continue;
        }
        if word == "--to" || word == "--track" {
            skip = true;
            continue;
        }
        out.push(word);
    }
    out.join(" ")
}

#[test]
fn every_view_names_things_in_words_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = peiyu_env(dir.path(), &[CLOCK], args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    run(&["demo"]);
    let officers: serde_json::Value =
        serde_json::from_str(&run(&["--json", "officer", "list"])).unwrap();
    let logins: Vec<String> = officers
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["login"].as_str().unwrap().to_owned())
        .collect();
    assert!(logins.len() >= 5, "{logins:?}");
    // An enterprise with moves, tasks and a batch: the first newly registered one.
    let progress: serde_json::Value =
        serde_json::from_str(&run(&["--json", "report", "progress", "--year", "2023"])).unwrap();
    let uscc = progress["new_above_scale"][0]["enterprise"]["uscc"]
        .as_str()
        .unwrap_or_else(|| panic!("{progress}"))
        .to_owned();

    let views: Vec<Vec<&str>> = vec![
        vec!["enterprise", "list"],
        vec!["enterprise", "show", &uscc],
        vec!["metrics", "list", &uscc],
        vec!["case", "show", &uscc],
        vec!["history", &uscc],
        vec!["task", "list"],
        vec!["task", "list", "--all", "--enterprise", &uscc],
        vec!["batch", "list", "--list", "2023"],
        vec!["asof", "2023-06-30"],
        vec![
            "report",
            "progress",
            "--year",
            "2023",
            "--as-of",
            "2023-06-30",
        ],
        vec![
            "report",
            "progress",
            "--year",
            "2023",
            "--as-of",
            "2023-06-30",
            "--format",
            "md",
        ],
        vec!["weekly", "--all", "--week", "2023-W27"],
        vec!["weekly", "--all", "--week", "2023-W27", "--format", "md"],
        vec!["weekly", "--all", "--week", "2023-W27", "--format", "html"],
        vec!["audit", "log", "--enterprise", &uscc],
        vec!["audit", "log", "--from", "2023-01-01", "--to", "2023-01-31"],
        vec!["target", "list", "--year", "2023"],
        vec!["calendar", "show", "2023"],
    ];
    let (all, unmistakable) = keys(&logins);
    let mut failures = Vec::new();
    for lang in ["zh", "en"] {
        let forbidden = if lang == "zh" { &all } else { &unmistakable };
        for view in &views {
            let mut args = vec!["--lang", lang];
            args.extend_from_slice(view);
            let text = run(&args);
            assert!(text.trim().len() > 20, "{args:?} shows nothing:\n{text}");
            let text = without_arguments(&text);
            let shown: Vec<&str> = words(&text)
                .filter(|w| forbidden.iter().any(|k| k == w))
                .collect();
            if !shown.is_empty() {
                let mut seen = shown.clone();
                seen.sort();
                seen.dedup();
                failures.push(format!("`peiyu {}` shows {seen:?}", args.join(" ")));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "raw keys shown:\n{}",
        failures.join("\n")
    );
}
