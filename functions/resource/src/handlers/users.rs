//! `GET/PUT/DELETE /resource/users/me`, `PUT /resource/users/password`,
//! `GET /resource/users/activity/{topic}`.

use crate::reply::{account_error, internal, status_body, user_of};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use gatehouse::AppState;
use gatehouse::auth::barong::account;
use gatehouse::auth::barong::two_factor::{self, TwoFactorError};
use gatehouse::http::barong_auth::BarongAuth;
use gatehouse::http::barong_pagination::{PAGINATION, paginate};
use gatehouse::http::barong_params::BarongParams as Params;
use gatehouse::http::barong_validation::Param as Spec;
use gatehouse::http::public_url::PublicUrl;
use gatehouse::wire::barong::error::{BarongError, json_response};
use gatehouse::wire::barong::resource::ActivityEntity;
use gatehouse::wire::barong::user::UserWithFullInfo;
use http::StatusCode;

pub async fn show(BarongAuth(auth): BarongAuth) -> Result<Response, BarongError> {
    let user = user_of(&auth)?;
    Ok(json_response(
        StatusCode::OK,
        &UserWithFullInfo::new(&user, None),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "resource.user",
        &[Spec::required("data").string().non_blank()],
    )?;
    let user = user_of(&auth)?;
    let data = params.string("data").unwrap_or_default();
    let user = account::update_data(&state, user, data)
        .await
        .map_err(account_error)?;
    Ok(json_response(
        StatusCode::OK,
        &UserWithFullInfo::new(&user, None),
    ))
}

/// 200 with body `200`; the account is `deleted` (label `delete:by_user`).
pub async fn delete(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "resource.user",
        &[
            Spec::required("password").string().non_blank(),
            Spec::optional("otp_code").string().non_blank(),
        ],
    )?;
    let user = user_of(&auth)?;
    let password = params.string("password").unwrap_or_default();
    if !account::password_matches(&state, &user, password)
        .await
        .map_err(account_error)?
    {
        return Err(BarongError::unprocessable([
            "resource.user.invalid_password",
        ]));
    }
    let user = if user.totp_enabled {
        let Some(code) = params.string("otp_code") else {
            return Err(BarongError::unprocessable([
                "resource.user.missing_otp_code",
            ]));
        };
        two_factor::check(&state, user, code)
            .await
            .map_err(|e| match e {
                TwoFactorError::Internal(e) => internal(e),
                TwoFactorError::Reused => BarongError::unprocessable(["totp.error"]),
                _ => BarongError::unprocessable(["resource.user.invalid_otp"]),
            })?
    } else {
        user
    };
    account::delete_self(&state, user)
        .await
        .map_err(account_error)?;
    Ok(status_body(StatusCode::OK))
}

/// 201 with body `201`.
pub async fn change_password(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    params: Params,
) -> Result<Response, BarongError> {
    let params = params.check(
        "resource.user",
        &[
            Spec::required("old_password").string().non_blank(),
            Spec::required("new_password").string().non_blank(),
            Spec::required("confirm_password").string().non_blank(),
        ],
    )?;
    let user = user_of(&auth)?;
    let text = |name| params.string(name).unwrap_or_default();
    if text("new_password") != text("confirm_password") {
        return Err(BarongError::unprocessable([
            "resource.password.doesnt_match",
        ]));
    }
    let user = account::change_password(&state, user, text("old_password"), text("new_password"))
        .await
        .map_err(account_error)?;
    crate::reply::keep_current_session(&state, &auth, &user).await;
    Ok(status_body(StatusCode::CREATED))
}

const TOPICS: &[&str] = &["all", "session", "otp", "password", "account"];

/// Whether `topic` (`all` or one of [`TOPICS`]) lists a record of `record_topic`. `all` lists
/// Barong's topics only: the log also keeps API-key changes (topic `api_keys`, for the Coder
/// audit log), which Barong's `api_keys.rb` never records.
fn lists(topic: &str, record_topic: &str) -> bool {
    if topic == "all" {
        TOPICS.contains(&record_topic)
    } else {
        topic == record_topic
    }
}

/// The user's activities, newest first, with Barong's filters and pagination headers.
pub async fn activity(
    State(state): State<AppState>,
    BarongAuth(auth): BarongAuth,
    Path(crate::path::Topic { topic }): Path<crate::path::Topic>,
    uri: http::Uri,
    base_url: PublicUrl,
    params: Params,
) -> Result<Response, BarongError> {
    let [page, limit] = PAGINATION;
    let params = params.check(
        "resource.user",
        &[
            Spec::optional("time_from")
                .integer()
                .type_message("resource.user.non_integer_time_from")
                .non_blank(),
            Spec::optional("time_to")
                .integer()
                .type_message("resource.user.non_integer_time_to")
                .non_blank(),
            Spec::optional("result").string().non_blank(),
            page,
            limit,
        ],
    )?;
    if !TOPICS.contains(&topic.as_str()) {
        return Err(BarongError::unprocessable(["resource.user.wrong_topic"]));
    }
    let user = user_of(&auth)?;
    let mut activities = state
        .store
        .activities_of_user(user.id)
        .await
        .map_err(internal)?;
    let (from, to) = (params.int("time_from"), params.int("time_to"));
    let result = params.string("result");
    activities.retain(|a| {
        lists(&topic, &a.topic)
            && from.is_none_or(|t| a.created_at.timestamp() >= t)
            && to.is_none_or(|t| a.created_at.timestamp() < t)
            && result.is_none_or(|r| a.result == r)
    });
    if activities.is_empty() {
        return Err(BarongError::unprocessable(["resource.user.no_activity"]));
    }
    let entities: Vec<ActivityEntity> = activities.iter().map(ActivityEntity::from).collect();
    let (entities, headers) = paginate(
        entities,
        params.int("page").unwrap_or(1),
        params.int("limit").unwrap_or(100),
        &base_url.0,
        &uri,
    );
    Ok((headers, json_response(StatusCode::OK, &entities)).into_response())
}
