//! `GET /weekly`: the query of a week's task list. The list itself is rendered by
//! [`crate::weekly::render`] in the format asked for (its JSON is [`crate::weekly::json`]).

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

/// `GET /weekly` parameters: whose week, which week, as of which day, in which format.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeeklyParams {
    /// One officer's list (login); default: your own. At most one of `officer`, `team`, `all`.
    pub officer: Option<String>,
    /// One team's list (its name): a lead's or a leader's view.
    pub team: Option<String>,
    /// The whole bureau's list (leaders and admins).
    #[serde(default)]
    pub all: Option<bool>,
    /// The ISO week, e.g. `2026-W49`; default: this week.
    pub week: Option<String>,
    /// Show the list as it stood at the end of this day; default today, or a past week's Monday.
    pub as_of: Option<NaiveDate>,
    /// A past week as it really was, by effective dates (entries recorded later included), not
    /// as that day's meeting saw it (the default). The answer's `basis` says which.
    #[serde(default)]
    pub in_effect: Option<bool>,
    /// `json` (default), `csv`, `xlsx`, `ics`, `md`, `html` or `text`; an `Accept` header naming
    /// one of their media types does the same when this is absent.
    pub format: Option<String>,
}
