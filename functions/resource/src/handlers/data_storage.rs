//! `POST /resource/data_storage`: 201 with body `201`.

use crate::reply::{account_error, status_body, user_of};
use axum::extract::State;
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::auth::barong::account;
use gatehouse::http::barong_auth::BarongAuth;
use gatehouse::http::barong_params::BarongParams as Params;
use gatehouse::http::barong_validation::Param as Spec;
use gatehouse::wire::barong::error::BarongError;
use http::StatusCode;

pub async fn create(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "resource.datastorage",
        &[
            Spec::required("title").string().non_blank(),
            Spec::required("data").string().non_blank(),
        ],
    )?;
    let user = user_of(&auth)?;
    account::store_data(
        &state,
        user,
        params.string("title").unwrap_or_default(),
        params.string("data").unwrap_or_default(),
    )
    .await
    .map_err(account_error)?;
    Ok(status_body(StatusCode::CREATED))
}
