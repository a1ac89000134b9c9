//! Refusals in Coder's words: login outcomes (userauth.go `loginRequest`) and password policy.

use axum::http::StatusCode;
use gatehouse::auth::login::LoginError;
use gatehouse::wire::coder::{CoderError, Response};

pub fn coder_login_error(e: LoginError) -> CoderError {
    match e {
        LoginError::IncorrectCredentials => CoderError::new(
            StatusCode::UNAUTHORIZED,
            Response::message("Incorrect email or password."),
        ),
        LoginError::PasswordAuthDisabled => password_auth_disabled(),
        LoginError::WrongLoginType(t) => CoderError::new(
            StatusCode::FORBIDDEN,
            Response::message(format!(
                "Incorrect login type, attempting to use \"password\" but user is of login type \"{}\"",
                t.as_str()
            )),
        ),
        LoginError::NotActive(status) => CoderError::new(
            StatusCode::UNAUTHORIZED,
            Response::message(format!(
                "Your account is {}. Contact an admin to reactivate your account.",
                status.as_str()
            )),
        ),
        LoginError::Internal(e) => CoderError::internal(&e),
    }
}

pub fn password_auth_disabled() -> CoderError {
    CoderError::new(
        StatusCode::FORBIDDEN,
        Response::message("Password authentication is disabled."),
    )
}

/// A new password refused by Coder's policy when creating users.
pub fn password_is_invalid(detail: String) -> CoderError {
    CoderError::new(
        StatusCode::BAD_REQUEST,
        Response::message("Password is invalid").with_validation("password", detail),
    )
}
