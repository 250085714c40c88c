//! Writes about one enterprise: adding it, changing and archiving it (`If-Match` on its
//! version), recording its monthly figures, and withdrawing one of its cultivations. Each
//! answers as the CLI's command does, through the same use case, and honours
//! `Idempotency-Key`.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use peiyu_domain::{
    EnterpriseId, LandArea, LegalForm, Metrics, NewEnterprise, Sector, StageKey, Tce, Text, Uscc,
    UsccMode, YearMonth, Yuan,
};
use peiyu_formats::json::{
    AdvanceDto, AmountInput, ArchiveRequest, CaseMigratedDto, CasesDto, EnterpriseDetailDto,
    EnterpriseDto, EnterpriseEditRequest, MetricsRecordedDto, MetricsRequest, MigrateRequest,
    NewEnterpriseRequest, OpenCaseRequest, Problem, WithdrawRequest,
};
use peiyu_service::{
    AdvanceCase, AdvanceOutcome, CaseMigrated, CaseMigration, CaseView, CasesView, EnterpriseEdit,
    EnterpriseView, OpenCase, StoredAnswer, Upserted,
};

use super::{Keyed, Sent, bad_field, etag, json_text, parse_json, required_version};
use crate::AppState;
use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::lang::ApiLang;

/// One enterprise (by USCC or an unambiguous name) with its recent monthly figures, and its
/// version as `ETag` (for `If-Match` on its writes).
#[utoipa::path(
    get, path = "/api/v1/enterprises/{key}", tag = "enterprises",
    params(("key" = String, Path, description = "USCC or an unambiguous name")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The enterprise", body = EnterpriseDetailDto,
            headers(("ETag" = String, description = "\"<version>\" of the enterprise"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 404, description = "No such enterprise", body = Problem),
        (status = 422, description = "An ambiguous or malformed key: name it by its USCC (or its full id)", body = Problem),
    )
)]
pub async fn show_enterprise(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(key): Path<String>,
) -> ApiResult<Response> {
    let detail = state.service.show_enterprise(&actor, &key).await?;
    let mut response = axum::Json(EnterpriseDetailDto::new(&detail, lang)).into_response();
    response
        .headers_mut()
        .insert(header::ETAG, etag(detail.view.version));
    Ok(response)
}

/// A USCC from the body, strict unless `lenient`.
fn uscc(pointer: &str, text: &str, lenient: bool) -> ApiResult<Uscc> {
    let mode = if lenient {
        UsccMode::Lenient
    } else {
        UsccMode::Strict
    };
    Uscc::parse_with(text.trim(), mode)
        .map(|(uscc, _)| uscc)
        .map_err(|e| bad_field(pointer, &e))
}

/// A land area in mu from the body; `"none"` or `""` is none.
fn land_area(text: &str) -> ApiResult<Option<LandArea>> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    LandArea::parse(text)
        .map(Some)
        .map_err(|e| bad_field("/land_area", &e))
}

fn legal_form(branch: bool) -> LegalForm {
    if branch {
        LegalForm::Branch
    } else {
        LegalForm::LegalEntity
    }
}

/// How an enterprise is answered: `status`, its JSON and its version as `ETag`.
fn enterprise_answer(
    status: u16,
    lang: peiyu_domain::Lang,
) -> impl Fn(&EnterpriseView) -> StoredAnswer + Send + Sync {
    move |view| StoredAnswer {
        status,
        body: json_text(&EnterpriseDto::from_view(view, lang)),
        etag: etag(view.version).to_str().ok().map(str::to_owned),
    }
}

/// A stale `If-Match` (409) carries the enterprise's current `ETag`.
async fn with_current_etag(state: &AppState, key: &str, e: ApiError) -> ApiError {
    let current = async {
        let found = state.service.resolve_enterprise(key).await.ok()?;
        Some(found.version)
    };
    super::with_current_etag(e, current).await
}

/// Adds an enterprise to the county's books: `peiyu enterprise add`.
#[utoipa::path(
    post, path = "/api/v1/enterprises", tag = "enterprises",
    params(("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim")),
    request_body = NewEnterpriseRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The enterprise, added, with its version as ETag; a replay carries Idempotent-Replayed: true", body = EnterpriseDto,
            headers(("ETag" = String, description = "\"1\""))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Your role may not, or that officer is not in your team", body = Problem),
        (status = 409, description = "The USCC is already on the books", body = Problem),
        (status = 422, description = "A field is invalid (the USCC's check characters, the sector, …) or taken, or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn add_enterprise(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    sent: Sent,
) -> ApiResult<Response> {
    let request: NewEnterpriseRequest = parse_json(&sent.headers, &sent.body, false)?;
    let new = NewEnterprise {
        uscc: uscc("/uscc", &request.uscc, request.lenient)?,
        name: request.name,
        sector: Sector::parse(&request.sector).map_err(|e| bad_field("/sector", &e))?,
        town: request.town,
        address: request.address,
        land_area: match &request.land_area {
            Some(text) => land_area(text)?,
            None => None,
        },
        legal_form: legal_form(request.branch),
        responsible_officer: None,
    };
    let write = sent.with_params(&[]);
    let service = &state.service;
    let officer = request.officer.as_deref();
    match write.keyed("enterprise.add", enterprise_answer(201, lang))? {
        Keyed::Plain(render) => {
            write.plain(&render, service.add_enterprise(&actor, new, officer).await)
        }
        Keyed::Once(once) => write.once(&once, {
            service
                .add_enterprise_once(&actor, new, officer, &once)
                .await
        }),
    }
}

/// Changes an enterprise's record: `peiyu enterprise edit`. `If-Match` (its `ETag`) is
/// required; a stale one is a 409 with the current `ETag` and nothing changes.
#[utoipa::path(
    patch, path = "/api/v1/enterprises/{key}", tag = "enterprises",
    params(
        ("key" = String, Path, description = "USCC or an unambiguous name"),
        ("If-Match" = String, Header, description = "\"<version>\" from the enterprise's ETag, or *", example = "*"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = EnterpriseEditRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The enterprise, changed, with its new version as ETag", body = EnterpriseDto,
            headers(("ETag" = String, description = "\"<version>\" after the change"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Not yours or your team's", body = Problem),
        (status = 404, description = "No such enterprise", body = Problem),
        (status = 409, description = "Changed since that version (current_etag says the current one), or the USCC is taken", body = Problem),
        (status = 422, description = "Nothing to change, or a field is invalid", body = Problem),
        (status = 428, description = "If-Match is missing", body = Problem),
    )
)]
pub async fn edit_enterprise(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(key): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let request: EnterpriseEditRequest = parse_json(&sent.headers, &sent.body, false)?;
    let expected = required_version(&sent.headers)?;
    let edit = EnterpriseEdit {
        uscc: request
            .uscc
            .as_deref()
            .map(|t| uscc("/uscc", t, request.lenient))
            .transpose()?,
        name: request.name,
        sector: request
            .sector
            .as_deref()
            .map(|s| Sector::parse(s).map_err(|e| bad_field("/sector", &e)))
            .transpose()?,
        town: request.town,
        address: request.address,
        land_area: request.land_area.as_deref().map(land_area).transpose()?,
        legal_form: request.branch.map(legal_form),
        responsible: request.officer.map(|login| {
            let login = login.trim().to_owned();
            (!login.is_empty()).then_some(login)
        }),
    };
    let write = sent.with_params(&["key"]);
    let service = &state.service;
    let reason = request.reason;
    let answer = match write.keyed("enterprise.edit", enterprise_answer(200, lang))? {
        Keyed::Plain(render) => write.plain(&render, {
            service
                .edit_enterprise(&actor, &key, edit, expected, reason)
                .await
        }),
        Keyed::Once(once) => write.once(&once, {
            service
                .edit_enterprise_once(&actor, &key, edit, expected, reason, &once)
                .await
        }),
    };
    match answer {
        Ok(response) => Ok(response),
        Err(e) => Err(with_current_etag(&state, &key, e).await),
    }
}

/// Archives an enterprise with a reason: it leaves every list, its history stays. `peiyu
/// enterprise archive`. `If-Match` (its `ETag`) is required.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{key}/archive", tag = "enterprises",
    params(
        ("key" = String, Path, description = "USCC or an unambiguous name"),
        ("If-Match" = String, Header, description = "\"<version>\" from the enterprise's ETag, or *", example = "*"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = ArchiveRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The enterprise, archived", body = EnterpriseDto,
            headers(("ETag" = String, description = "\"<version>\" after archiving"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Not yours or your team's", body = Problem),
        (status = 404, description = "No such enterprise", body = Problem),
        (status = 409, description = "Changed since that version (current_etag says the current one)", body = Problem),
        (status = 422, description = "No reason, or already archived", body = Problem),
        (status = 428, description = "If-Match is missing", body = Problem),
    )
)]
pub async fn archive_enterprise(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(key): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let request: ArchiveRequest = parse_json(&sent.headers, &sent.body, false)?;
    let expected = required_version(&sent.headers)?;
    let write = sent.with_params(&["key"]);
    let service = &state.service;
    let reason = request.reason.as_str();
    let answer = match write.keyed("enterprise.archive", enterprise_answer(200, lang))? {
        Keyed::Plain(render) => write.plain(&render, {
            service
                .archive_enterprise(&actor, &key, reason, expected)
                .await
        }),
        Keyed::Once(once) => write.once(&once, {
            service
                .archive_enterprise_once(&actor, &key, reason, expected, &once)
                .await
        }),
    };
    match answer {
        Ok(response) => Ok(response),
        Err(e) => Err(with_current_etag(&state, &key, e).await),
    }
}

/// An amount from the body, integer yuan or text with a unit.
fn amount(pointer: &str, input: &Option<AmountInput>) -> ApiResult<Option<Yuan>> {
    match input {
        None => Ok(None),
        Some(AmountInput::Yuan(yuan)) => Ok(Some(Yuan(*yuan))),
        Some(AmountInput::Text(text)) => Yuan::parse(text)
            .map(Some)
            .map_err(|e| bad_field(pointer, &e)),
    }
}

/// Records one month's figures of an enterprise, replacing what that month had: `peiyu
/// metrics add`. Amounts are integer yuan, or text with a unit (`"1200万"`).
#[utoipa::path(
    post, path = "/api/v1/enterprises/{key}/metrics", tag = "enterprises",
    params(
        ("key" = String, Path, description = "USCC or an unambiguous name"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = MetricsRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What recording did: inserted, updated or unchanged", body = MetricsRecordedDto),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Not yours or your team's", body = Problem),
        (status = 404, description = "No such enterprise", body = Problem),
        (status = 422, description = "A figure or the month is invalid, or no figure is given", body = Problem),
    )
)]
pub async fn record_metrics(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(key): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let request: MetricsRequest = parse_json(&sent.headers, &sent.body, false)?;
    let month = request
        .month
        .trim()
        .parse::<YearMonth>()
        .map_err(|e| bad_field("/month", &e))?;
    let mut figures = Metrics::empty(EnterpriseId::new(), month);
    figures.revenue = amount("/revenue", &request.revenue)?;
    figures.output_value = amount("/output_value", &request.output_value)?;
    figures.energy = request
        .energy
        .as_deref()
        .map(|t| Tce::parse(t).map_err(|e| bad_field("/energy", &e)))
        .transpose()?;
    figures.employees = request.employees;
    figures.tax = amount("/tax", &request.tax)?;
    figures.rnd_spend = amount("/rnd", &request.rnd)?;
    if figures == Metrics::empty(figures.enterprise, month) {
        return Err(ApiError::invalid(
            "",
            "至少给出一项指标，如 \"revenue\": \"1360.5万\"",
            "give at least one figure, e.g. \"revenue\": \"1360.5万\"",
        ));
    }
    let write = sent.with_params(&["key"]);
    let service = &state.service;
    let reason = request.reason;
    let render = move |outcome: &Upserted| StoredAnswer {
        status: 200,
        body: json_text(&MetricsRecordedDto::new(month, *outcome, lang)),
        etag: None,
    };
    match write.keyed("metrics.record", render)? {
        Keyed::Plain(render) => write.plain(&render, {
            service
                .record_metrics(&actor, &key, figures, reason.clone())
                .await
        }),
        Keyed::Once(once) => write.once(&once, {
            service
                .record_metrics_once(&actor, &key, figures, reason, &once)
                .await
        }),
    }
}

/// Withdraws a cultivation (退出培育) with a reason: the move to its track's `withdrawn` stage,
/// `peiyu case withdraw`. `If-Match` (the cultivation's `ETag`) is required.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{key}/cases/{track}/withdraw", tag = "cases",
    params(
        ("key" = String, Path, description = "USCC or an unambiguous name"),
        ("track" = String, Path, description = "The track's key"),
        ("If-Match" = String, Header, description = "\"<version>\" of the cultivation, or *", example = "*"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = WithdrawRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn", body = AdvanceDto,
            headers(("ETag" = String, description = "\"<version>\" after the move"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Not yours or your team's", body = Problem),
        (status = 404, description = "No such enterprise, or not on that track", body = Problem),
        (status = 409, description = "The cultivation changed since that version", body = Problem),
        (status = 422, description = "No reason, or the move is not possible from its stage", body = Problem),
        (status = 428, description = "If-Match is missing", body = Problem),
    )
)]
pub async fn withdraw_case(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path((key, track)): Path<(String, String)>,
    sent: Sent,
) -> ApiResult<Response> {
    let request: WithdrawRequest = parse_json(&sent.headers, &sent.body, false)?;
    let expected = required_version(&sent.headers)?;
    if request.reason.trim().is_empty() {
        let text = Text::new(
            "退出培育必须说明原因，如「企业迁出」",
            "withdrawing needs a reason, such as \"moved out of the county\"",
        );
        return Err(ApiError::invalid("/reason", text.zh(), text.en()));
    }
    let key_header = super::idempotency_key(&sent.headers)?;
    let cmd = AdvanceCase {
        enterprise: key,
        track,
        to: "withdrawn".to_owned(),
        reason: Some(request.reason),
        on: request.on,
        expected_version: expected,
        request_id: key_header,
        ..AdvanceCase::default()
    };
    let write = sent.with_params(&["key", "track"]);
    let render = move |outcome: &AdvanceOutcome| StoredAnswer {
        status: 200,
        body: json_text(&AdvanceDto::new(outcome, lang)),
        etag: etag(outcome.version).to_str().ok().map(str::to_owned),
    };
    let service = &state.service;
    let (key, track) = (cmd.enterprise.clone(), cmd.track.clone());
    let answer = match write.keyed("case.withdraw", render)? {
        Keyed::Plain(render) => write.plain(&render, service.advance_case(&actor, cmd).await),
        Keyed::Once(once) => write.once(&once, service.advance_case_once(&actor, cmd, &once).await),
    };
    let answer = match answer {
        Err(e) => Err(super::with_current_case_etag(&state, &actor, &key, &track, e).await),
        answer => answer,
    };
    answer.map_err(|e| match e.kind {
        // The service names the target stage `to`: here it is the path's.
        "invalid" if e.field.as_deref() == Some("/to") => ApiError {
            field: Some("track".into()),
            ..e
        },
        _ => e,
    })
}

/// Moves a cultivation onto the newest version of its track, keeping its stage and history
/// (an admin): `peiyu case migrate`. `If-Match` (the cultivation's `ETag`) is required;
/// refused when the current stage does not exist in the new version.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{key}/cases/{track}/migrate", tag = "cases",
    params(
        ("key" = String, Path, description = "USCC or an unambiguous name"),
        ("track" = String, Path, description = "The track's key"),
        ("If-Match" = String, Header, description = "\"<version>\" of the cultivation, or *", example = "*"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body(content = Option<MigrateRequest>, description = "Optional"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Migrated: the versions it followed and follows now, the cultivation's new version as ETag", body = CaseMigratedDto,
            headers(("ETag" = String, description = "\"<version>\" of the cultivation after the migration"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Only an admin migrates a running case", body = Problem),
        (status = 404, description = "No such enterprise, or not on that track", body = Problem),
        (status = 409, description = "The cultivation changed since that version (current_etag says the current one)", body = Problem),
        (status = 422, description = "Already on the newest version, its stage is not in the new version, or the Idempotency-Key was used for another request", body = Problem),
        (status = 428, description = "If-Match is missing", body = Problem),
    )
)]
pub async fn migrate_case(
    state: AppState,
    Authed(actor): Authed,
    Path((key, track)): Path<(String, String)>,
    sent: Sent,
) -> ApiResult<Response> {
    let request: MigrateRequest = parse_json(&sent.headers, &sent.body, true)?;
    let expected = required_version(&sent.headers)?;
    let migration = CaseMigration {
        enterprise: &key,
        track: &track,
        reason: request.reason.filter(|r| !r.trim().is_empty()),
        expected,
    };
    let write = sent.with_params(&["key", "track"]);
    let render = |m: &CaseMigrated| StoredAnswer {
        status: 200,
        body: json_text(&CaseMigratedDto::new(&m.from, &m.to)),
        etag: etag(m.version).to_str().ok().map(str::to_owned),
    };
    let keyed = write.keyed("case.migrate", render)?;
    let outcome = state
        .service
        .migrate_case_checked(&actor, migration, keyed.once())
        .await;
    match write.answered(&keyed, outcome) {
        Ok(response) => Ok(response),
        Err(e) => Err(super::with_current_case_etag(&state, &actor, &key, &track, e).await),
    }
}

/// Opens a cultivation of an enterprise on the newest version of a track, at its start stage,
/// with the start stage's tasks: `peiyu case open`. Answers the case as `GET …/cases?track=`
/// shows it, with its version as `ETag`.
#[utoipa::path(
    post, path = "/api/v1/enterprises/{key}/cases", tag = "cases",
    params(
        ("key" = String, Path, description = "USCC or an unambiguous name"),
        ("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key (1–64 visible ASCII characters, kept 24 h): a repeat of the same request gets the first answer back verbatim"),
    ),
    request_body = OpenCaseRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The case, opened", body = CasesDto,
            headers(("ETag" = String, description = "\"<version>\" of the new cultivation"))),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "Not yours or your team's", body = Problem),
        (status = 404, description = "No such enterprise or track", body = Problem),
        (status = 422, description = "Already on that track, a bad target or date, or the Idempotency-Key was used for another request", body = Problem),
    )
)]
pub async fn open_case(
    state: AppState,
    Authed(actor): Authed,
    ApiLang(lang): ApiLang,
    Path(key): Path<String>,
    sent: Sent,
) -> ApiResult<Response> {
    let request: OpenCaseRequest = parse_json(&sent.headers, &sent.body, false)?;
    let cmd = OpenCase {
        enterprise: key,
        track: request.track,
        target_stage: request
            .target_stage
            .as_deref()
            .map(|s| StageKey::new(s.trim()).map_err(|e| bad_field("/target_stage", &e)))
            .transpose()?,
        target_date: request.target,
        on: request.on,
    };
    let write = sent.with_params(&["key"]);
    let render = move |case: &CaseView| StoredAnswer {
        status: 201,
        body: json_text(&CasesDto::new(
            &CasesView {
                enterprise: case.enterprise.clone(),
                cases: vec![case.clone()],
                register: Vec::new(),
            },
            lang,
        )),
        etag: etag(case.cultivation.version)
            .to_str()
            .ok()
            .map(str::to_owned),
    };
    let service = &state.service;
    match write.keyed("case.open", render)? {
        Keyed::Plain(render) => write.plain(&render, service.open_case(&actor, cmd).await),
        Keyed::Once(once) => write.once(&once, service.open_case_once(&actor, cmd, &once).await),
    }
    .map_err(|e| match e.field.as_deref() {
        // The service names the track and target as a command's fields; here they are the body's.
        Some("track") => ApiError {
            field: Some("/track".into()),
            ..e
        },
        _ => e,
    })
}
