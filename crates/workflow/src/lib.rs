//! peiyu-workflow: the pure, synchronous decisions of the peiyu workflow engine — tracks, guards,
//! transition planning, task templates, batch rules, weekly lists and deadlines on the
//! working-day [`calendar`].
//!
//! # Modules and what each depends on
//!
//! The modules import each other (`use crate::…`) along a DAG, lowest first; a test holds the
//! imports to this table:
//!
//! | module | depends on |
//! |---|---|
//! | [`calendar`] | — |
//! | [`notice`] | `calendar` |
//! | [`figures`] | — |
//! | [`rule_file`] | — |
//! | [`template`] | `calendar` |
//! | [`batch_policy`] | `template` |
//! | [`guard`] | `figures` |
//! | [`track`] | `batch_policy`, `figures`, `guard`, `rule_file`, `template` |
//! | [`plan`] | `calendar`, `guard`, `template`, `track` |
//! | [`batch_rules`] | `batch_policy`, `rule_file` |
//! | [`weekly`] | `batch_policy`, `calendar`, `figures`, `guard`, `plan`, `track` |
//!
//! The facts guards read ([`TaskFact`], [`KindPattern`]) live in `guard`, below the track that
//! names them and the planner that gathers them.

pub mod batch_policy;
pub mod batch_rules;
pub mod calendar;
pub mod figures;
pub mod guard;
pub mod notice;
pub mod plan;
pub mod rule_file;
pub mod template;
pub mod track;
pub mod weekly;

pub use batch_policy::{BatchPolicy, BatchService};
pub use figures::{Basis, Figure, Growth, Ratio, TooLarge, Total};
pub use guard::{GUARD_KEYS, Guard, GuardContext, GuardResult, KindPattern, TaskFact};
pub use plan::{
    MoveChoice, MoveOption, MoveRequest, MoveState, OpenPlan, Plan, PlanError, Snapshot,
    TaskClosing, available_moves, is_given_with_the_move, lapse_due, open_plan, plan,
};
pub use template::{AssigneeRule, DueRule, Repeat, TaskDraft, TaskTemplate, TemplateOrigin};
pub use track::{
    CloseRule, Period, ProblemCode, RegisterEffect, ReviewRule, SHIPPED, ShippedTrack, Stage,
    Track, TrackErrors, TrackProblem, Transition, shipped_tracks,
};

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    /// Each module's `use crate::…` lines (outside `tests.rs` files), by the module it names.
    fn imports() -> BTreeMap<String, BTreeSet<String>> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut out = BTreeMap::new();
        for entry in std::fs::read_dir(&src).unwrap() {
            let path = entry.unwrap().path();
            let (module, files) = if path.is_dir() {
                let files: Vec<_> = std::fs::read_dir(&path)
                    .unwrap()
                    .map(|e| e.unwrap().path())
                    .filter(|p| p.extension().is_some_and(|x| x == "rs"))
                    .filter(|p| !p.ends_with("tests.rs"))
                    .collect();
                (
                    path.file_name().unwrap().to_string_lossy().into_owned(),
                    files,
                )
            } else {
                let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
                (stem, vec![path])
            };
            if module == "lib" {
                continue;
            }
            let deps: &mut BTreeSet<String> = out.entry(module.clone()).or_default();
            for file in files {
                for line in std::fs::read_to_string(&file).unwrap().lines() {
                    let Some(rest) = line
                        .strip_prefix("use crate::")
                        .or_else(|| line.strip_prefix("pub use crate::"))
                    else {
                        continue;
                    };
                    let dep: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if dep != module {
                        deps.insert(dep);
                    }
                }
            }
        }
        out
    }

    /// The table of this file's doc comment: each module with what it depends on, lowest first.
    fn documented() -> Vec<(String, BTreeSet<String>)> {
        include_str!("lib.rs")
            .lines()
            .filter_map(|l| l.strip_prefix("//! | [`"))
            .map(|row| {
                let (module, deps) = row.split_once("`] | ").unwrap();
                let deps = deps.trim_end_matches(" |").trim();
                let deps = deps
                    .split(", ")
                    .filter(|d| *d != "—")
                    .map(|d| d.trim_matches('`').to_owned())
                    .collect();
                (module.to_owned(), deps)
            })
            .collect()
    }

    #[test]
    fn modules_import_each_other_along_the_documented_dag() {
        let documented = documented();
        let mut below: BTreeSet<String> = BTreeSet::new();
        for (module, deps) in &documented {
            let above: Vec<_> = deps.difference(&below).collect();
            assert!(
                above.is_empty(),
                "{module} depends on {above:?}, not listed before it"
            );
            below.insert(module.clone());
        }
        let documented: BTreeMap<String, BTreeSet<String>> = documented.into_iter().collect();
        for (module, deps) in imports() {
            assert_eq!(
                Some(&deps),
                documented.get(&module),
                "the imports of {module} are not its row of the table in lib.rs"
            );
        }
    }
}
