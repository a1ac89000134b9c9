//! Service accounts for administrators (Barong creates them through its management API):
//! `POST /admin/service_accounts` creates one for a user, `PUT /admin/service_accounts/{uid}`
//! sets its state. Superadmins (Coder owners) only, with any Barong credential.

use crate::reply::internal;
use axum::extract::{Path, State};
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::auth::barong::service_accounts::{self, ServiceAccountError};
use gatehouse::http::barong_auth::BarongAdmin;
use gatehouse::http::barong_params::BarongParams as Params;
use gatehouse::http::barong_validation::Param as Spec;
use gatehouse::wire::barong::error::{BarongError, json_response};
use gatehouse::wire::barong::resource::ServiceAccountEntity;
use http::StatusCode;

fn refusal(e: ServiceAccountError) -> BarongError {
    match e {
        ServiceAccountError::UnknownOwner => BarongError::not_found("admin.user.doesnt_exist"),
        ServiceAccountError::NotFound => {
            BarongError::not_found("admin.service_account.doesnt_exist")
        }
        ServiceAccountError::Invalid(keys) => BarongError::unprocessable(keys),
        ServiceAccountError::Internal(e) => internal(e),
    }
}

/// 201 with the `ServiceAccounts` entity.
pub async fn create_service_account(
    State(state): State<AppState>,
    _admin: BarongAdmin,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "admin.service_account",
        &[
            Spec::required("owner_uid").string().non_blank(),
            Spec::optional("service_account_email").string().non_blank(),
            Spec::optional("service_account_role").string().non_blank(),
        ],
    )?;
    let (owner, account) = service_accounts::create(
        &state,
        params.string("owner_uid").unwrap_or_default(),
        params.string("service_account_email"),
        params.string("service_account_role"),
    )
    .await
    .map_err(refusal)?;
    Ok(json_response(
        StatusCode::CREATED,
        &ServiceAccountEntity::new(&owner, &account),
    ))
}

pub async fn update_service_account(
    State(state): State<AppState>,
    _admin: BarongAdmin,
    Path(crate::path::Uid { uid }): Path<crate::path::Uid>,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "admin.service_account",
        &[
            Spec::required("owner_uid").string().non_blank(),
            Spec::required("state")
                .string()
                .values(&["active", "disabled"])
                .values_message("admin.service_account.invalid_state"),
        ],
    )?;
    let (owner, account) = service_accounts::set_state(
        &state,
        params.string("owner_uid").unwrap_or_default(),
        &uid,
        params.string("state").unwrap_or_default(),
    )
    .await
    .map_err(refusal)?;
    Ok(json_response(
        StatusCode::OK,
        &ServiceAccountEntity::new(&owner, &account),
    ))
}
