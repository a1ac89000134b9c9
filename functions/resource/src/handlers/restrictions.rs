//! Barong's admin restrictions (`/admin/restrictions`), for superadmins (Coder owners) signed in
//! with a cookie session: list and create restrictions, and mint whitelink tokens.

use crate::reply::internal;
use axum::extract::State;
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::auth::barong::restrictions::{self, AddError, NewRestriction};
use gatehouse::http::barong_auth::BarongAdmin;
use gatehouse::http::barong_params::BarongParams as Params;
use gatehouse::http::barong_validation::Param as Spec;
use gatehouse::wire::barong::error::{BarongError, StatusBody, json_response};
use http::StatusCode;
use serde_json::json;

pub async fn list(
    State(state): State<AppState>,
    _admin: BarongAdmin,
) -> Result<Response, BarongError> {
    let mut all = state.store.restrictions().await.map_err(internal)?;
    all.sort_by_key(|r| r.created_at);
    let body: Vec<_> = all
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "category": r.category, "scope": r.scope, "value": r.value,
                "code": r.code, "state": r.state,
                "created_at": gatehouse::wire::barong::user::iso_timestamp(&r.created_at),
                "updated_at": gatehouse::wire::barong::user::iso_timestamp(&r.updated_at),
            })
        })
        .collect();
    Ok(json_response(StatusCode::OK, &body))
}

pub async fn create(
    State(state): State<AppState>,
    _admin: BarongAdmin,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "admin.restriction",
        &[
            Spec::required("scope")
                .non_blank()
                .values(&gatehouse::model::restriction::SCOPES)
                .values_message("admin.restriction.invalid_scope"),
            Spec::required("value").non_blank(),
            Spec::required("category")
                .string()
                .values(&gatehouse::model::restriction::CATEGORIES)
                .values_message("admin.restriction.invalid_category")
                .non_blank(),
            Spec::optional("state")
                .non_blank()
                .values(&["enabled", "disabled"])
                .values_message("admin.restriction.invalid_state"),
            Spec::optional("code").integer().non_blank(),
        ],
    )?;
    let code = match params.int("code") {
        None => None,
        Some(c) => Some(
            u16::try_from(c)
                .ok()
                .filter(|c| (100..=599).contains(c))
                .ok_or_else(|| BarongError::unprocessable(["code.invalid"]))?,
        ),
    };
    let new = NewRestriction {
        category: params
            .string("category")
            .map(str::to_owned)
            .unwrap_or_default(),
        scope: params
            .string("scope")
            .map(str::to_owned)
            .unwrap_or_default(),
        value: params
            .string("value")
            .map(str::to_owned)
            .unwrap_or_default(),
        state: params
            .string("state")
            .map(str::to_owned)
            .unwrap_or_else(|| "enabled".to_owned()),
        code,
    };
    restrictions::add(&state, new).await.map_err(|e| match e {
        AddError::Invalid(keys) => BarongError::unprocessable(keys),
        AddError::Internal(e) => internal(e),
    })?;
    Ok(StatusBody::echo(StatusCode::OK).into_response_body())
}

pub async fn whitelink(
    State(state): State<AppState>,
    _admin: BarongAdmin,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "admin.restriction",
        &[
            Spec::optional("expire_time")
                .integer()
                .non_blank()
                .int_range(1, 30)
                .values_message("invalid_expire"),
            Spec::optional("range")
                .string()
                .non_blank()
                .values(&["day", "hour"])
                .values_message("invalid_range"),
        ],
    )?;
    let amount = params.int("expire_time").unwrap_or(1);
    let lifetime = if params.string("range") == Some("hour") {
        chrono::Duration::hours(amount)
    } else {
        chrono::Duration::days(amount)
    };
    let token = restrictions::create_whitelink(&state, lifetime)
        .await
        .map_err(internal)?;
    Ok(json_response(
        StatusCode::CREATED,
        &json!({"whitelink_token": token}),
    ))
}
