//! Tidy checks: the architecture's rules, enforced as ordinary tests.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn manifest(crate_dir: &str) -> String {
    std::fs::read_to_string(root().join(crate_dir).join("Cargo.toml")).unwrap()
}

fn dependencies(crate_dir: &str) -> Vec<String> {
    dependencies_in(crate_dir, &["[dependencies]"])
}

/// The dependencies of a crate in any of the manifest's `sections` (`[dependencies]`,
/// `[dev-dependencies]`, …).
fn dependencies_in(crate_dir: &str, sections: &[&str]) -> Vec<String> {
    let text = manifest(crate_dir);
    let mut deps = Vec::new();
    let mut in_deps = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = sections.contains(&line);
            continue;
        }
        if in_deps && let Some((name, _)) = line.split_once('=') {
            deps.push(name.trim().to_owned());
        }
    }
    deps
}

/// The crate directories of the workspace's members, from the root Cargo.toml.
fn members() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let list = text
        .split_once("\nmembers = [")
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(list, _)| list)
        .unwrap();
    list.split(',')
        .map(|m| m.trim().trim_matches('"').to_owned())
        .filter(|m| !m.is_empty())
        .collect()
}

/// The crates that read and write file formats: peiyu-formats is their one user.
const FORMAT_CRATES: [&str; 5] = [
    "rust_xlsxwriter",
    "csv",
    "calamine",
    "encoding_rs",
    "icalendar",
];

#[test]
fn only_formats_reads_and_writes_file_formats() {
    let members = members();
    assert!(
        members.contains(&"crates/formats".to_owned()),
        "{members:?}"
    );
    for krate in members.iter().filter(|m| *m != "crates/formats") {
        for dep in dependencies(krate) {
            assert!(
                !FORMAT_CRATES.contains(&dep.as_str()),
                "{krate} depends on {dep}: file formats belong in peiyu-formats (crates/formats)"
            );
            // The server keeps askama for its own web pages, for now; every other template
            // (the weekly list's printable page) is peiyu-formats'.
            assert!(
                dep != "askama" || krate == "crates/server",
                "{krate} depends on askama: templates belong in peiyu-formats"
            );
        }
    }
}

#[test]
fn formats_knows_no_front_end_and_reaches_the_database_only_through_the_service() {
    let deps = dependencies("crates/formats");
    for forbidden in [
        "clap",
        "axum",
        "tokio",
        "indicatif",
        "peiyu-server",
        "peiyu-storage",
        "peiyu-workflow",
        "sea-orm",
    ] {
        assert!(
            !deps.iter().any(|d| d == forbidden),
            "crates/formats must not depend on {forbidden}"
        );
    }
    assert!(deps.contains(&"peiyu-service".to_owned()));
}

#[test]
fn domain_and_workflow_stay_pure() {
    for krate in ["crates/domain", "crates/workflow"] {
        for dep in dependencies(krate) {
            for forbidden in ["sea-orm", "sqlx", "tokio", "axum", "peiyu-storage", "async"] {
                assert!(
                    !dep.contains(forbidden),
                    "{krate} must stay pure but depends on {dep}"
                );
            }
        }
    }
}

#[test]
fn only_storage_and_migrations_import_sea_orm() {
    for krate in [
        "crates/domain",
        "crates/workflow",
        "crates/service",
        "crates/formats",
        "crates/demo",
        "crates/server",
        "crates/cli",
    ] {
        assert!(
            !dependencies(krate).iter().any(|d| d.starts_with("sea-orm")),
            "{krate} must not depend on sea-orm"
        );
    }
}

#[test]
fn workflow_and_storage_do_not_know_each_other_and_the_front_ends_use_the_service() {
    assert!(!dependencies("crates/workflow").contains(&"peiyu-storage".to_owned()));
    assert!(!dependencies("crates/storage").contains(&"peiyu-workflow".to_owned()));
    for front in ["crates/cli", "crates/server"] {
        let deps = dependencies(front);
        assert!(
            !deps.contains(&"peiyu-storage".to_owned()),
            "{front} must go through the service"
        );
        assert!(
            !deps.contains(&"peiyu-workflow".to_owned()),
            "{front} must go through the service"
        );
    }
}

#[test]
fn every_crate_has_its_architecture_section() {
    let doc = std::fs::read_to_string(root().join("docs/ARCHITECTURE.md")).unwrap();
    for krate in [
        "peiyu-domain",
        "peiyu-workflow",
        "peiyu-storage",
        "peiyu-migrations",
        "peiyu-service",
        "peiyu-formats",
        "peiyu-demo",
        "peiyu-server",
        "peiyu (`crates/cli`)",
        "peiyu-tests",
    ] {
        assert!(
            doc.contains(&format!("### {krate}")),
            "docs/ARCHITECTURE.md lacks a section for {krate}"
        );
    }
}

#[test]
fn the_demo_uses_only_the_services_public_api_and_nothing_but_the_cli_knows_it() {
    let members = members();
    assert!(members.contains(&"crates/demo".to_owned()), "{members:?}");
    // Every section, tests included: the demo reaches the database through the service only.
    let deps = dependencies_in(
        "crates/demo",
        &[
            "[dependencies]",
            "[dev-dependencies]",
            "[build-dependencies]",
        ],
    );
    assert!(deps.contains(&"peiyu-service".to_owned()), "{deps:?}");
    for dep in &deps {
        assert!(
            ![
                "peiyu-storage",
                "peiyu-workflow",
                "peiyu-migrations",
                "peiyu-server"
            ]
            .contains(&dep.as_str())
                && !dep.starts_with("sea-orm")
                && !dep.starts_with("sqlx"),
            "crates/demo depends on {dep}: the demo county is built through the service's public API only"
        );
    }
    // The service (and everything under it) and the server never depend on the demo.
    for krate in [
        "crates/domain",
        "crates/workflow",
        "crates/storage",
        "crates/service",
        "crates/formats",
        "crates/server",
        "migrations",
    ] {
        assert!(
            !dependencies_in(krate, &["[dependencies]", "[dev-dependencies]"])
                .contains(&"peiyu-demo".to_owned()),
            "{krate} must not depend on peiyu-demo"
        );
    }
}

/// The places in `text` where the service would speak as one front end: a CLI flag (`--` and a
/// letter) or a backticked `peiyu …` command, outside comments.
fn front_end_words(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let flag = code
            .match_indices("--")
            .any(|(at, _)| code[at + 2..].starts_with(|c: char| c.is_ascii_alphabetic()));
        if flag || code.contains("`peiyu ") {
            found.push(format!("line {}: {}", i + 1, code));
        }
    }
    found
}

#[test]
fn the_service_names_fields_neutrally_and_gives_no_cli_hints() {
    assert_eq!(
        front_end_words("    ServiceError::invalid(\"--to\", t)").len(),
        1
    );
    assert_eq!(
        front_end_words("    \"用 `peiyu case show` 查看\"").len(),
        1
    );
    assert!(front_end_words("    /// as `peiyu init` does\n    let a = b - 1;").is_empty());

    let dir = root().join("crates/service/src");
    let mut offenders = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for place in front_end_words(&text) {
                offenders.push(format!("{}: {place}", path.display()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "the service names fields by `Field` and says what to do in words; each front end adds its own flags and commands:\n{}",
        offenders.join("\n")
    );
}

/// Every `.rs` file under `dir` (relative to the workspace root), recursively.
fn rust_files(dir: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut todo = vec![root().join(dir)];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn no_front_end_writes_json_by_hand() {
    let mut checked = 0;
    for dir in ["crates/cli/src", "crates/server/src"] {
        for file in rust_files(dir) {
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(
                !text.contains("Serialize)]") && !text.contains("Serialize, "),
                "{} derives Serialize: a JSON view lives in peiyu-formats (crates/formats/src/json/)",
                file.display()
            );
            assert!(
                !text.contains("json!("),
                "{} builds JSON with json!(…): JSON bodies live in peiyu-formats \
                 (crates/formats/src/json/), as a DTO with a `new(view, lang)`",
                file.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} files checked");
}
