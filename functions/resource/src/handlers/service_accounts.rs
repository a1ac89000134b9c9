//! `GET /resource/service_accounts`, and the service accounts' keys:
//! `GET/POST /resource/service_accounts/api_keys`, `PUT/DELETE .../api_keys/{kid}`. The owner
//! manages them with its own 2FA.

use super::api_keys::{TOTP_CODE, create_params, list_page, list_params, update_params};
use crate::reply::{api_key_error, otp_protected, user_of};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use gatehouse::AppState;
use gatehouse::auth::barong::api_keys::{self, Holder, scope_list};
use gatehouse::http::barong_auth::BarongAuth;
use gatehouse::http::barong_params::BarongParams as Params;
use gatehouse::http::barong_validation::Param as Spec;
use gatehouse::http::public_url::PublicUrl;
use gatehouse::model::User;
use gatehouse::wire::barong::error::{BarongError, json_response};
use gatehouse::wire::barong::resource::{ApiKey, ServiceAccountRecord};
use http::StatusCode;

const PREFIX: &str = "resource.service_accounts";

/// `service_account_uid`, declared as Barong does.
const UID: Spec = Spec::required("service_account_uid")
    .string()
    .type_message("resource.service_account.non_string_service_account_uid");

/// The owner's service account named by the request (`resource.service_account.doesnt_exist`).
fn account_uid<'a>(user: &User, params: &'a Params) -> Result<&'a str, BarongError> {
    let uid = params.string("service_account_uid").unwrap_or_default();
    if user.service_accounts.iter().any(|a| a.uid == uid) {
        Ok(uid)
    } else {
        Err(BarongError::not_found(
            "resource.service_account.doesnt_exist",
        ))
    }
}

pub async fn list(BarongAuth(auth): BarongAuth) -> Result<Response, BarongError> {
    let user = user_of(&auth)?;
    let rows: Vec<ServiceAccountRecord> = user
        .service_accounts
        .iter()
        .map(|a| ServiceAccountRecord::new(&user, a))
        .collect();
    Ok(json_response(StatusCode::OK, &rows))
}

pub async fn list_keys(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    uri: http::Uri,
    base_url: PublicUrl,
    params: Params,
) -> Result<Response, BarongError> {
    let [ordering, order_by, page, limit] = list_params(PREFIX);
    let params = params.check(
        "resource.serviceaccount",
        &[UID, ordering, order_by, page, limit],
    )?;
    let user = user_of(&auth)?;
    let uid = account_uid(&user, &params)?;
    list_page(
        &state,
        &user,
        Holder::ServiceAccount(uid),
        &params,
        &base_url.0,
        &uri,
    )
    .await
}

/// 201 with the key and its secret, shown this once.
pub async fn create_key(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    params: Params,
) -> Result<Response, BarongError> {
    let [algorithm, scope, totp] = create_params("resource.service_accounts.missing_totp");
    let params = params.check("resource.serviceaccount", &[UID, algorithm, scope, totp])?;
    let user = user_of(&auth)?;
    // The account is looked up before the code is checked, as Barong does.
    let uid = account_uid(&user, &params)?.to_owned();
    let user = otp_protected(&state, user, params.string("totp_code"), PREFIX).await?;
    let (key, secret) = api_keys::create(
        &state,
        &user,
        Holder::ServiceAccount(&uid),
        params.string("algorithm").unwrap_or_default(),
        scope_list(params.string("scope")),
    )
    .await
    .map_err(api_key_error)?;
    Ok(json_response(
        StatusCode::CREATED,
        &ApiKey::new(&key, user.api_key_generation, Some(secret)),
    ))
}

pub async fn update_key(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    Path(crate::path::Kid { kid }): Path<crate::path::Kid>,
    params: Params,
) -> Result<Response, BarongError> {
    let [scope, key_state, totp] = update_params();
    let params = params.check("resource.serviceaccount", &[UID, scope, key_state, totp])?;
    let user = user_of(&auth)?;
    let uid = account_uid(&user, &params)?.to_owned();
    let user = otp_protected(&state, user, params.string("totp_code"), PREFIX).await?;
    let key = api_keys::update(
        &state,
        &user,
        Holder::ServiceAccount(&uid),
        &kid,
        scope_list(params.string("scope")),
        params.string("state"),
    )
    .await
    .map_err(api_key_error)?;
    Ok(json_response(
        StatusCode::OK,
        &ApiKey::new(&key, user.api_key_generation, None),
    ))
}

/// 204.
pub async fn delete_key(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    Path(crate::path::Kid { kid }): Path<crate::path::Kid>,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check("resource.serviceaccount", &[UID, TOTP_CODE])?;
    let user = user_of(&auth)?;
    let uid = account_uid(&user, &params)?.to_owned();
    let user = otp_protected(&state, user, params.string("totp_code"), PREFIX).await?;
    api_keys::delete(&state, &user, Holder::ServiceAccount(&uid), &kid)
        .await
        .map_err(api_key_error)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
