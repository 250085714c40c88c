//! The JSON views: the bodies of the API, with their OpenAPI schemas, and the CLI's `--json`
//! output of the same views — one serializer for both. Converted by hand from the domain and
//! service types (which are deliberately not `Serialize`).
//!
//! Labels (`*_label`, `message`) are in the request's language; keys (`sector`, `stage`,
//! `status`, …) are stable identifiers in English.

mod asof;
mod audit;
mod batches;
mod calendar;
mod cases;
mod common;
mod enterprises;
mod history;
mod ledger;
mod params;
mod people;
mod register;
mod reports;
mod requests;
mod setup;
mod tasks;
mod tracks;
mod weekly;

pub use asof::*;
pub use audit::*;
pub use batches::*;
pub use calendar::*;
pub use cases::*;
pub use common::*;
pub use enterprises::*;
pub use history::*;
pub use ledger::*;
pub use params::*;
pub use people::*;
pub use register::*;
pub use reports::*;
pub use requests::*;
pub use setup::*;
pub use tasks::*;
pub use tracks::*;
pub use weekly::*;
