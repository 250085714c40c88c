//! The bodies of the API's writes: what an officer sends to add, change or move something.
//! Each field is named as the API names it in a problem's JSON pointer (`/uscc`, `/month`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /officers`: a new officer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOfficerRequest {
    /// The login name: lower-case letters, digits, `.`, `_` or `-`.
    #[schema(example = "zhang.wei")]
    pub login: String,
    /// The name people read.
    #[schema(example = "张伟")]
    pub name: String,
    /// `officer` (default), `lead`, `leader` or `admin`.
    #[serde(default)]
    #[schema(example = "officer")]
    pub role: Option<String>,
}

/// `POST /teams`: a new team (专班).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTeamRequest {
    /// The team's name.
    #[schema(example = "招商专班")]
    pub name: String,
    /// The lead's login; the lead joins the team.
    #[serde(default)]
    pub lead: Option<String>,
}

/// `POST /teams/{team}/members`: an officer joining a team.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinTeamRequest {
    /// The officer's login.
    #[schema(example = "lan.xm")]
    pub login: String,
    /// The first day they are on the team (default today; not after today).
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

/// `POST /teams/{team}/members/{login}/leave`: an officer leaving a team.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaveTeamRequest {
    /// The day they leave: no longer on the team from that day (default today; not after
    /// today, not before they joined).
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

/// `POST /enterprises`: a firm to put on the county's books.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEnterpriseRequest {
    /// The unified social credit code (18 characters, check characters verified).
    #[schema(example = "914403001922038216")]
    pub uscc: String,
    /// Accept a genuine early code whose check characters do not verify.
    #[serde(default)]
    pub lenient: bool,
    /// The registered name.
    #[schema(example = "华为技术有限公司")]
    pub name: String,
    /// `industry`, `wholesale`, `retail`, `accommodation`, `catering` or `other` (or its
    /// Chinese label, 工业 …).
    #[schema(example = "industry")]
    pub sector: String,
    /// The town (乡镇).
    #[schema(example = "石龙镇")]
    pub town: String,
    /// The address.
    #[serde(default)]
    pub address: String,
    /// Land area in mu (亩), e.g. `"18.7"`.
    #[serde(default)]
    #[schema(example = "18.7")]
    pub land_area: Option<String>,
    /// A branch (分支机构) rather than a legal entity.
    #[serde(default)]
    pub branch: bool,
    /// The responsible officer's login (default: you; an admin may leave it unset).
    #[serde(default)]
    pub officer: Option<String>,
}

/// `PATCH /enterprises/{key}`: the fields to change; absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseEditRequest {
    /// A corrected USCC.
    #[serde(default)]
    pub uscc: Option<String>,
    /// Accept a genuine early code whose check characters do not verify.
    #[serde(default)]
    pub lenient: bool,
    /// The name.
    #[serde(default)]
    pub name: Option<String>,
    /// The sector.
    #[serde(default)]
    pub sector: Option<String>,
    /// The town.
    #[serde(default)]
    #[schema(example = "运江镇")]
    pub town: Option<String>,
    /// The address.
    #[serde(default)]
    pub address: Option<String>,
    /// Land area in mu; `"none"` clears it.
    #[serde(default)]
    pub land_area: Option<String>,
    /// A branch (`true`) or a legal entity (`false`).
    #[serde(default)]
    pub branch: Option<bool>,
    /// The responsible officer's login; `""` leaves it unset (admin).
    #[serde(default)]
    pub officer: Option<String>,
    /// Why (recorded in the audit log).
    #[serde(default)]
    #[schema(example = "迁址")]
    pub reason: Option<String>,
}

/// `POST /enterprises/{key}/archive`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArchiveRequest {
    /// Why (required), e.g. 已注销.
    #[schema(example = "已注销")]
    pub reason: String,
}

/// An amount of money: integer yuan as a number (`12000000`), or text with a unit as officers
/// write it (`"1200万"`, `"1.2亿"`, `"12000000元"`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum AmountInput {
    /// Integer yuan.
    Yuan(i64),
    /// Text with a unit (元, 万, 万元, 亿, 亿元).
    Text(String),
}

/// `POST /enterprises/{key}/metrics`: one month's figures. At least one figure is required.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricsRequest {
    /// `YYYY-MM`.
    #[schema(example = "2023-06")]
    pub month: String,
    /// Main business revenue (主营业务收入).
    #[serde(default)]
    pub revenue: Option<AmountInput>,
    /// Industrial output value (工业总产值).
    #[serde(default)]
    pub output_value: Option<AmountInput>,
    /// Energy use in tonnes of standard coal, e.g. `"12.5"`.
    #[serde(default)]
    #[schema(example = "12.5")]
    pub energy: Option<String>,
    /// Employees at the month's end.
    #[serde(default)]
    #[schema(example = 120)]
    pub employees: Option<u32>,
    /// Tax paid.
    #[serde(default)]
    pub tax: Option<AmountInput>,
    /// R&D spending.
    #[serde(default)]
    pub rnd: Option<AmountInput>,
    /// Why (for a correction).
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST /batches/{year}/entries` (assign), `…/entries/{key}/move` and `…/entries/{key}/remove`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchChangeRequest {
    /// The enterprise (USCC or unambiguous name); assign only, the others name it in the path.
    #[serde(default)]
    pub enterprise: Option<String>,
    /// The batch, 1 to 4 (assign and move).
    #[serde(default)]
    #[schema(example = 2)]
    pub batch: Option<u8>,
    /// Why (required).
    #[schema(example = "培育对象")]
    pub reason: String,
    /// The effective date (default today).
    #[serde(default)]
    #[schema(example = "2023-06-30")]
    pub on: Option<NaiveDate>,
}

/// `POST /enterprises/{key}/cases`: open a cultivation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCaseRequest {
    /// The track's key, e.g. `industrial`.
    #[schema(example = "technology")]
    pub track: String,
    /// The stage aimed for.
    #[serde(default)]
    pub target_stage: Option<String>,
    /// The day it should be reached.
    #[serde(default)]
    pub target: Option<NaiveDate>,
    /// The day the case opens (default today).
    #[serde(default)]
    #[schema(example = "2023-06-30")]
    pub on: Option<NaiveDate>,
}

/// `POST /enterprises/{key}/cases/{track}/withdraw`: withdrawing a cultivation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    /// Why (required), e.g. 企业迁出.
    #[schema(example = "企业迁出")]
    pub reason: String,
    /// The effective date (default today).
    #[serde(default)]
    #[schema(example = "2023-06-30")]
    pub on: Option<NaiveDate>,
}

/// `POST /tasks/{id}/assign`: who does it now (a lead or admin arranging work).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskAssignRequest {
    /// The new assignee's login.
    #[schema(example = "wang")]
    pub to: String,
}

/// `POST /tasks/{id}/transfer`: 转办 to another officer, with a reason.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskTransferRequest {
    /// The new assignee's login.
    #[schema(example = "wang")]
    pub to: String,
    /// Why (required).
    #[schema(example = "工作调整")]
    pub reason: String,
}

/// `POST /tasks/{id}/delegate`: 委派 to another officer, or back to the assignee.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskDelegateRequest {
    /// Who does it for the assignee (login); absent or null takes it back (undelegate).
    #[serde(default)]
    #[schema(example = "li")]
    pub to: Option<String>,
}

/// `POST /tasks/{id}/reopen` and `POST /tasks/{id}/cancel`: why.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskReasonRequest {
    /// Why (required).
    #[schema(example = "企业补充材料")]
    pub reason: String,
}

/// `POST /tasks`: a task created by hand.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTaskRequest {
    /// The enterprise it is about (USCC or name), if any.
    #[serde(default)]
    pub enterprise: Option<String>,
    /// Its kind (`visit`, `collect`, … or the Chinese label).
    #[schema(example = "visit")]
    pub kind: String,
    /// Its title.
    #[schema(example = "走访企业")]
    pub title: String,
    /// More detail.
    #[serde(default)]
    pub description: Option<String>,
    /// Who does it (login); default you.
    #[serde(default)]
    pub assignee: Option<String>,
    /// When it is due: a date (`2023-07-10`) or a number of working days from today (`"5"`).
    #[schema(example = "5")]
    pub due: String,
    /// When to follow up, separately from the due date.
    #[serde(default)]
    pub follow_up_on: Option<NaiveDate>,
}

/// `POST /tasks/transfers`: every open task of one officer to another (a lead or admin).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkTransferRequest {
    /// Whose open tasks (login).
    #[schema(example = "wang")]
    pub from: String,
    /// Who takes them over (login).
    #[schema(example = "li")]
    pub to: String,
    /// Why (required).
    #[schema(example = "岗位调整")]
    pub reason: String,
    /// Only the tasks about this enterprise (USCC or unambiguous name).
    #[serde(default)]
    pub enterprise: Option<String>,
    /// Only the tasks about enterprises in this batch (1 to 4) of this year's list.
    #[serde(default)]
    pub batch: Option<u8>,
}

/// `POST /batches/{year}/copy`: the list of `from` copied as `{year}`'s draft.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchCopyRequest {
    /// The year whose list is copied (default the year before).
    #[serde(default)]
    #[schema(example = 2023)]
    pub from: Option<i32>,
    /// The effective date of every entry (default today).
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

/// `POST /batches/{year}/suggestions/accept`: the suggested batches taken onto the list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchAcceptRequest {
    /// One enterprise (USCC or unambiguous name); absent with `all` for every suggestion.
    #[serde(default)]
    pub enterprise: Option<String>,
    /// Every enterprise with a suggestion (instead of `enterprise`).
    #[serde(default)]
    pub all: bool,
    /// A batch (1 to 4) other than the suggestion, for one enterprise; needs a reason.
    #[serde(default)]
    pub batch: Option<u8>,
    /// Why; required when `batch` differs from the suggestion.
    #[serde(default)]
    pub reason: Option<String>,
    /// The day the moves take effect (default today; not after today).
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

/// `POST /targets`: a year's target for a metric (a leader or admin).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetSetRequest {
    /// The year, 2000 to 2100.
    #[schema(example = 2023)]
    pub year: i32,
    /// The metric's key (`new_above_scale`, `new_above_limit`, …).
    #[schema(example = "new_above_scale")]
    pub metric: String,
    /// The value aimed at (a count, or integer yuan for an amount).
    #[schema(example = 12)]
    pub value: i64,
}

/// `POST /enterprises/{key}/cases/{track}/migrate`: onto the track's newest version.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MigrateRequest {
    /// Why, recorded with the migration.
    #[serde(default)]
    #[schema(example = "流程修订")]
    pub reason: Option<String>,
}

/// `POST /tokens`: a bearer token for yourself or (an admin) for another officer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenCreateRequest {
    /// The officer it acts as (login); default you.
    #[serde(default)]
    pub officer: Option<String>,
    /// What you call it (1 to 100 characters).
    #[schema(example = "laptop")]
    pub name: String,
    /// The last day it works, in the county's zone; default never expires.
    #[serde(default)]
    pub expires: Option<NaiveDate>,
}
