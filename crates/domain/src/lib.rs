//! peiyu-domain: the vocabulary of peiyu and the invariants each word keeps.
//!
//! Pure by design: no IO, no async, no ORM and no serde. Wire formats live at the boundary
//! (server, cli); storage maps these types to rows by hand.

mod decimal;
pub mod i18n;
pub mod money;
pub mod uscc;

pub use i18n::{Lang, LangError, Localize, Text};
pub use money::{MoneyError, MoneyUnit, Yuan};
pub use uscc::{Uscc, UsccError, UsccMode, UsccWarning};
