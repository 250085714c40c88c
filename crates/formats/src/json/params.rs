//! The query parameters of the API's read endpoints that have no body of their own.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

/// `GET /audit/log` filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditLogParams {
    /// Only entries by this officer (login).
    pub actor: Option<String>,
    /// Only entries about this enterprise (USCC or an unambiguous name).
    pub enterprise: Option<String>,
    /// Only this action: its key (`case.advance`) or its label (推进阶段).
    pub action: Option<String>,
    /// Only entries recorded on or after this day (county time).
    pub from: Option<NaiveDate>,
    /// Only entries recorded on or before this day.
    pub to: Option<NaiveDate>,
}

/// `GET /asof/{date}` filters: the batch lists, the stages, or both (default).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfParams {
    /// Only this year's batch list.
    pub list: Option<i32>,
    /// Only this batch, 1 to 4.
    pub batch: Option<u8>,
    /// Only this track (its key).
    pub track: Option<String>,
    /// Only this stage (its key).
    pub stage: Option<String>,
    /// Rebuild from the audit log alone, not the tables (the same lists when the audit
    /// verifies): `peiyu asof --from-log`.
    #[serde(default)]
    pub from_log: Option<bool>,
}

/// `GET /teams/{team}`: the day to show the team's members on.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamParams {
    /// The day (YYYY-MM-DD; default today): the members the team had that day.
    pub as_of: Option<NaiveDate>,
}

/// `GET /enterprises/{key}/metrics`: the months to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MetricsParams {
    /// From this month, `YYYY-MM`.
    pub from: Option<String>,
    /// To this month, `YYYY-MM`.
    pub to: Option<String>,
}

/// `GET /targets`: the year.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TargetParams {
    /// The year (default: this year).
    pub year: Option<i32>,
}

/// `GET /batches/{year}/diff`: the earlier list to compare with.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffParams {
    /// The earlier year (default: the year before).
    pub from: Option<i32>,
}

/// `POST /tick`'s query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TickParams {
    /// The day to tick as (default: the county's today).
    pub today: Option<NaiveDate>,
}

/// The format of a list (`?format=`): `json` (the default), `csv`, `xlsx`, `md`, `html`, and
/// `ics` for the tasks. Without it, an `Accept` naming one of their media types picks it.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileParams {
    /// `json`, `csv`, `xlsx`, `md` (or `markdown`), `html`; `ics` for tasks.
    pub format: Option<String>,
}

/// Cursor pagination of a list (`GET /enterprises`, `/tasks`, `/audit/log`): with `limit`,
/// the answer is one page, `{"items": [...], "next_cursor": ...}`, and a `Link: <…>;
/// rel="next"` header while there is more; without it, the whole list as before.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// At most this many items, 1 to 1000.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the page before (only with `limit`).
    pub cursor: Option<String>,
}

/// `POST /batches/{year}/publish`'s query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublishParams {
    /// The day it was published (default today; not after today): a catch-up entry.
    pub on: Option<NaiveDate>,
}
