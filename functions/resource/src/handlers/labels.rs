//! `GET/POST /resource/labels`, `GET/PATCH/DELETE /resource/labels/{key}`: a user reads all of
//! its labels and manages its public ones.

use crate::reply::{account_error, user_of};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use gatehouse::AppState;
use gatehouse::auth::barong::account;
use gatehouse::http::barong_auth::BarongAuth;
use gatehouse::http::barong_params::BarongParams as Params;
use gatehouse::http::barong_validation::Param as Spec;
use gatehouse::wire::barong::error::{BarongError, json_response};
use gatehouse::wire::barong::user::Label;
use http::StatusCode;

pub async fn list(BarongAuth(auth): BarongAuth, params: Params) -> Result<Response, BarongError> {
    let params = params.check(
        "resource.label",
        &[Spec::optional("ordering").string().values(&["asc", "desc"])],
    )?;
    let user = user_of(&auth)?;
    let mut labels = user.labels.clone();
    labels.sort_by_key(|l| l.created_at);
    if params.string("ordering") == Some("desc") {
        labels.reverse();
    }
    let body: Vec<Label> = labels.iter().map(Label::from).collect();
    Ok(json_response(StatusCode::OK, &body))
}

pub async fn show(
    BarongAuth(auth): BarongAuth,
    Path(crate::path::LabelKey { key }): Path<crate::path::LabelKey>,
) -> Result<Response, BarongError> {
    let user = user_of(&auth)?;
    let label =
        account::label(&user, &key).ok_or_else(|| BarongError::not_found("record.not_found"))?;
    Ok(json_response(StatusCode::OK, &Label::from(label)))
}

pub async fn create(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "resource.label",
        &[
            Spec::required("key").string().non_blank(),
            Spec::required("value").string().non_blank(),
        ],
    )?;
    let user = user_of(&auth)?;
    let (_, label) = account::add_label(
        &state,
        user,
        params.string("key").unwrap_or_default(),
        params.string("value").unwrap_or_default(),
    )
    .await
    .map_err(account_error)?;
    Ok(json_response(StatusCode::CREATED, &Label::from(&label)))
}

pub async fn update(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    Path(crate::path::LabelKey { key }): Path<crate::path::LabelKey>,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "resource.label",
        &[Spec::required("value").string().non_blank()],
    )?;
    let user = user_of(&auth)?;
    let label = account::update_label(
        &state,
        user,
        &key,
        params.string("value").unwrap_or_default(),
    )
    .await
    .map_err(account_error)?;
    Ok(json_response(StatusCode::OK, &Label::from(&label)))
}

/// 204.
pub async fn delete(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    Path(crate::path::LabelKey { key }): Path<crate::path::LabelKey>,
) -> Result<Response, BarongError> {
    let user = user_of(&auth)?;
    account::delete_label(&state, user, &key)
        .await
        .map_err(account_error)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
