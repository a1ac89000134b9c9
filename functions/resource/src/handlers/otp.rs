//! `POST /resource/otp/generate_qrcode`, `/enable`, `/disable`, `/verify`.

use crate::reply::{internal, keep_current_session, status_body, user_of};
use axum::extract::State;
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::auth::barong::two_factor::{self, TwoFactorError};
use gatehouse::http::barong_auth::BarongAuth;
use gatehouse::http::barong_params::BarongParams as Params;
use gatehouse::http::barong_validation::Param as Spec;
use gatehouse::wire::barong::error::{BarongError, StatusBody, json_response};
use http::StatusCode;
use serde_json::json;

const CODE: [Spec; 1] = [Spec::required("code").string().non_blank()];

fn code_of(params: &Params) -> String {
    params.string("code").unwrap_or_default().to_owned()
}

fn refusal(e: TwoFactorError) -> BarongError {
    match e {
        TwoFactorError::AlreadyEnabled => BarongError::bad_request("resource.otp.already_enabled"),
        TwoFactorError::NotEnabled => BarongError::bad_request("resource.otp.not_enabled"),
        TwoFactorError::Invalid => BarongError::unprocessable(["resource.otp.invalid"]),
        TwoFactorError::Reused => BarongError::unprocessable(["totp.error"]),
        TwoFactorError::Internal(e) => internal(e),
    }
}

/// 201 with Vault's secret object, as Barong passes it through.
pub async fn generate_qrcode(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
) -> Result<Response, BarongError> {
    let user = user_of(&auth)?;
    let enrolment = two_factor::generate(&state, user).await.map_err(refusal)?;
    Ok(json_response(
        StatusCode::CREATED,
        &json!({
            "auth": null,
            "data": {"barcode": enrolment.barcode, "url": enrolment.url},
            "metadata": null,
            "lease_duration": 0,
            "lease_id": "",
            "renewable": false,
            "warnings": null,
            "wrap_info": null,
        }),
    ))
}

/// 201 with body `200`.
pub async fn enable(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check("resource.otp", &CODE)?;
    let user = user_of(&auth)?;
    let user = two_factor::enable(&state, user, &code_of(&params))
        .await
        .map_err(refusal)?;
    keep_current_session(&state, &auth, &user).await;
    Ok(StatusBody::new(StatusCode::CREATED, json!(200)).into_response_body())
}

/// 200 with body `200`.
pub async fn disable(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check("resource.otp", &CODE)?;
    let user = user_of(&auth)?;
    two_factor::disable(&state, user, &code_of(&params))
        .await
        .map_err(refusal)?;
    Ok(status_body(StatusCode::OK))
}

/// 201 with body `null`. With 2FA off Barong answers `resource.otp.already_enabled` (sic).
pub async fn verify(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check("resource.otp", &CODE)?;
    let user = user_of(&auth)?;
    if !user.totp_enabled {
        return Err(BarongError::bad_request("resource.otp.already_enabled"));
    }
    two_factor::check(&state, user, &code_of(&params))
        .await
        .map_err(refusal)?;
    Ok(StatusBody::new(StatusCode::CREATED, serde_json::Value::Null).into_response_body())
}
