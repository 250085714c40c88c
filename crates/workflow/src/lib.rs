//! peiyu-workflow: the pure, synchronous decisions of the peiyu workflow engine — tracks, guards,
//! transition planning, task templates, batch rules, weekly lists and deadlines on the
//! working-day [`calendar`].

pub mod batch_rules;
pub mod calendar;
pub mod figures;
pub mod guard;
pub mod plan;
pub mod rule_file;
pub mod template;
pub mod track;
pub mod weekly;

pub use figures::{Basis, Figure, Growth, Ratio, Total};
pub use guard::{GUARD_KEYS, Guard, GuardContext, GuardResult};
pub use plan::{
    MoveChoice, MoveOption, MoveRequest, OpenPlan, Plan, PlanError, Snapshot, TaskClosing,
    TaskFact, available_moves, lapse_due, open_plan, plan,
};
pub use template::{AssigneeRule, DueRule, Repeat, TaskDraft, TaskTemplate, TemplateOrigin};
pub use track::{
    BatchPolicy, CloseRule, KindPattern, Period, ProblemCode, ReviewRule, SHIPPED, ShippedTrack,
    Stage, Track, TrackErrors, TrackProblem, Transition, shipped_tracks,
};
