use crate::permissions::can_update;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::auth::session::{Session, truncate};
use gatehouse::http::coder_session::CoderSession;
use gatehouse::http::coder_user_param as user_param;
use gatehouse::model::UserStatus;
use gatehouse::store::{StoreError, update_user_with};
use gatehouse::wire::coder::{CoderError, Response, UserJson, write_json};

/// `PUT /api/v2/users/{user}/status/suspend`
pub async fn suspend(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path(param): Path<String>,
) -> Result<HttpResponse, CoderError> {
    set_status(&state, &s, &param, UserStatus::Suspended).await
}

/// `PUT /api/v2/users/{user}/status/activate`
pub async fn activate(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    Path(param): Path<String>,
) -> Result<HttpResponse, CoderError> {
    set_status(&state, &s, &param, UserStatus::Active).await
}

async fn set_status(
    state: &AppState,
    s: &Session,
    param: &str,
    status: UserStatus,
) -> Result<HttpResponse, CoderError> {
    let target = user_param::resolve_readable(state, s, param).await?;
    if !can_update(s, &target) {
        return Err(CoderError::forbidden());
    }
    if status == UserStatus::Suspended {
        if target.id == s.user.id {
            return Err(CoderError::bad_request("You cannot suspend yourself."));
        }
        if target.has_site_role("owner") {
            return Err(CoderError::bad_request(
                "You cannot suspend a user with the \"owner\" role. You must remove the role first.",
            ));
        }
    }
    let now = truncate(state.clock.now());
    let saved = update_user_with(&*state.store, target, |u| {
        if status == UserStatus::Suspended && u.status != UserStatus::Suspended {
            // Every session and token ends now, and re-activation does not revive them.
            u.session_generation += 1;
        }
        u.status = status;
        u.updated_at = now;
        Ok::<(), StoreError>(())
    })
    .await;
    match saved {
        Ok(user) => Ok(write_json(StatusCode::OK, &UserJson::from(&user))),
        Err(StoreError::Conflict) => Err(CoderError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Response::message(format!(
                "Internal error updating user's status to \"{}\".",
                status.as_str()
            )),
        )),
        Err(e) => Err(e.into()),
    }
}
