//! Coder's `ExtractUserParam`: `{user}` is `me`, a UUID or a username.

use crate::AppState;
use crate::auth::session::Session;
use crate::model::User;
use crate::rbac::Object;
use crate::wire::coder::{CoderError, Response, go_quote};
use axum::http::StatusCode;

const MAX_USERNAME_BYTES: usize = 32;

fn not_existing(param: &str) -> CoderError {
    CoderError::new(
        StatusCode::BAD_REQUEST,
        Response::message("\"user\" must be an existing uuid or username.")
            .with_detail(format!("queried user={}", go_quote(param))),
    )
}

/// Does `{user}` name the caller (`me`, its id or its username), without asking the store?
pub fn names_caller(caller: &User, param: &str) -> bool {
    param == "me"
        || uuid::Uuid::parse_str(param).is_ok_and(|id| id == caller.id)
        || param.eq_ignore_ascii_case(&caller.username)
}

/// Resolves `{user}` without an access check (Coder does this for convert-login, whose password
/// check is the gate).
pub async fn resolve(state: &AppState, caller: &User, param: &str) -> Result<User, CoderError> {
    if param.is_empty() {
        return Err(CoderError::bad_request("\"user\" must be provided."));
    }
    if param == "me" {
        return Ok(caller.clone());
    }
    let found = match uuid::Uuid::parse_str(param) {
        Ok(id) => state.store.user_by_id(id).await?,
        // No username is longer than 32 characters; don't send a longer one to the store.
        Err(_) if param.len() > MAX_USERNAME_BYTES => None,
        Err(_) => state.store.user_by_username(param).await?,
    };
    found
        .filter(|u| !u.is_deleted())
        .ok_or_else(|| not_existing(param))
}

/// Resolves `{user}` as the caller sees it: a user it may not read does not exist for it.
pub async fn resolve_readable(
    state: &AppState,
    session: &Session,
    param: &str,
) -> Result<User, CoderError> {
    let user = resolve(state, &session.user, param).await?;
    if session.can("read", &Object::user(user.id)) {
        Ok(user)
    } else {
        Err(not_existing(param))
    }
}
