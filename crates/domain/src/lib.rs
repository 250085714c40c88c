//! peiyu-domain: the vocabulary of peiyu and the invariants each word keeps.
//!
//! Pure by design: no IO, no async, no ORM and no serde. Wire formats live at the boundary
//! (server, cli); storage maps these types to rows by hand.

pub mod batch;
mod decimal;
pub mod i18n;
pub mod money;
pub mod role;
pub mod sector;
pub mod stage;
pub mod task;
pub mod uscc;

pub use batch::{Batch, BatchError};
pub use i18n::{Lang, LangError, Localize, Text};
pub use money::{MoneyError, MoneyUnit, Yuan};
pub use role::{Role, RoleError};
pub use sector::{Sector, SectorError, Thresholds};
pub use stage::{KEY_MAX_LEN, KeyError, StageKey, TrackKey};
pub use task::{
    FactorCategory, FactorCategoryError, TaskKind, TaskKindError, TaskStatus, TaskStatusError,
};
pub use uscc::{Uscc, UsccError, UsccMode, UsccWarning};
