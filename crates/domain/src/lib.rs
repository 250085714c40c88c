//! peiyu-domain: the vocabulary of peiyu and the invariants each word keeps.
//!
//! Pure by design: no IO, no async, no ORM and no serde. Wire formats live at the boundary
//! (server, cli); storage maps these types to rows by hand.

pub mod audit;
pub mod batch;
pub mod batch_list;
pub mod cultivation;
pub mod date;
mod decimal;
pub mod enterprise;
pub mod i18n;
pub mod limits;
pub mod metrics;
pub mod money;
pub mod officer;
pub mod register;
pub mod role;
pub mod sector;
pub mod stage;
pub mod task;
pub mod uscc;
pub mod week;

pub use audit::{AuditAction, AuditActionError};
pub use batch::{Batch, BatchError};
pub use batch_list::{BatchEntry, BatchList, BatchListStatus, BatchListStatusError, BatchMove};
pub use cultivation::{Cultivation, GuardOutcome, Transition};
pub use date::{DayError, excerpt, parse_day};
pub use enterprise::{
    Enterprise, EnterpriseError, EnterpriseField, LandArea, LandAreaError, LegalForm,
    LegalFormError, NewEnterprise,
};
pub use i18n::{Lang, LangError, Localize, Text};
pub use metrics::{
    EmployeesError, MAX_EMPLOYEES, Metrics, Tce, TceError, YearMonth, YearMonthError,
};
pub use money::{MoneyError, MoneyUnit, Yuan};
pub use officer::{
    BatchListId, CultivationId, EnterpriseId, IdError, LOGIN_MAX_LEN, Login, LoginError, Officer,
    OfficerId, TaskId, Team, TeamId, TrackId, TransitionId,
};
pub use register::{RegisterError, RegisterKind, RegisterPeriod, RegisterRoute, RegisterSource};
pub use role::{Role, RoleError};
pub use sector::{Sector, SectorError, Thresholds};
pub use stage::{KEY_MAX_LEN, KeyError, StageKey, TrackKey};
pub use task::{
    DueCount, FactorCategory, FactorCategoryError, NOTE_MAX_CHARS, Task, TaskKind, TaskKindError,
    TaskNote, TaskStatus, TaskStatusError, origin_label,
};
pub use uscc::{Uscc, UsccError, UsccMode, UsccWarning};
pub use week::{Week, WeekError, weeks_in_year};

#[cfg(test)]
mod tests {
    /// Architecture invariant: domain stays pure (no IO, async, ORM or wire-format crates).
    #[test]
    fn dependencies_stay_pure() {
        let manifest = include_str!("../Cargo.toml");
        let deps = manifest
            .split("[dependencies]")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .unwrap_or_default();
        for forbidden in [
            "sea-orm", "tokio", "serde", "sqlx", "axum", "reqwest", "async",
        ] {
            assert!(
                !deps.contains(forbidden),
                "peiyu-domain must not depend on {forbidden}"
            );
        }
    }
}
