//! Refusals in Coder's words: login outcomes (userauth.go `loginRequest`), password policy and
//! user administration (users.go).

use axum::http::StatusCode;
use gatehouse::auth::login::LoginError;
use gatehouse::auth::users::AdminError;
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

/// A new password refused by Coder's policy when creating users (`postUser`, `postFirstUser`).
pub fn password_not_strong_enough(detail: String) -> CoderError {
    CoderError::new(
        StatusCode::BAD_REQUEST,
        Response::message("Password not strong enough!").with_validation("password", detail),
    )
}

/// A user-administration refusal as Coder words it. Handlers whose wording differs for a case
/// (the password endpoint's "Invalid password.") translate that case themselves first.
pub fn admin_error(e: AdminError) -> CoderError {
    match e {
        AdminError::Forbidden => CoderError::forbidden(),
        AdminError::NotFound => CoderError::not_found(),
        AdminError::FirstUserExists => CoderError::new(
            StatusCode::CONFLICT,
            Response::message("The initial user has already been created."),
        ),
        AdminError::AlreadyExists => CoderError::new(
            StatusCode::CONFLICT,
            Response::message("User already exists."),
        ),
        AdminError::UsernameTaken => CoderError::new(
            StatusCode::CONFLICT,
            Response::message("A user with this username already exists.")
                .with_validation("username", "This username is already in use."),
        ),
        AdminError::PasswordRejected(detail) => password_not_strong_enough(detail),
        AdminError::PasswordAuthDisabled => CoderError::new(
            StatusCode::FORBIDDEN,
            Response::message(
                "Password based authentication is disabled! Unable to provision new users with password authentication.",
            ),
        ),
        AdminError::PasswordForNonPasswordLogin(t) => CoderError::bad_request(format!(
            "Password cannot be set for non-password (\"{t}\") authentication."
        )),
        AdminError::NoOrganization => CoderError::new(
            StatusCode::BAD_REQUEST,
            Response::message("No organization specified to place the user as a member of. It is required to specify at least one organization id to place the user in.")
                .with_detail("required at least 1 value for the array 'organization_ids'")
                .with_validation("organization_ids", "Missing values, this cannot be empty"),
        ),
        AdminError::UnknownOrganization(id) => CoderError::new(
            StatusCode::NOT_FOUND,
            Response::message(format!(
                "Organization does not exist with the provided id \"{id}\"."
            )),
        ),
        AdminError::OidcNotConfigured => {
            CoderError::bad_request("You must configure OIDC before creating OIDC users.")
        }
        AdminError::UnsupportedLoginType(t) => CoderError::bad_request(format!(
            "Unsupported login type \"{t}\" for manually creating new users."
        )),
        AdminError::NotPasswordLogin => CoderError::bad_request(
            "Users without password login type cannot change their password.",
        ),
        AdminError::OldPasswordRequired => CoderError::bad_request("Old password is required."),
        AdminError::OldPasswordIncorrect => CoderError::new(
            StatusCode::BAD_REQUEST,
            Response::message("Old password is incorrect.")
                .with_validation("old_password", "Old password is incorrect."),
        ),
        AdminError::SameAsOldPassword => {
            CoderError::bad_request("New password cannot match old password.")
        }
        AdminError::CannotSuspendSelf => CoderError::bad_request("You cannot suspend yourself."),
        AdminError::CannotSuspendOwner => CoderError::bad_request(
            "You cannot suspend a user with the \"owner\" role. You must remove the role first.",
        ),
        AdminError::CannotDeleteSelf => CoderError::new(
            StatusCode::FORBIDDEN,
            Response::message("You cannot delete yourself!"),
        ),
        AdminError::OwnerProtected => {
            CoderError::bad_request("Only owners can change the password of an owner.")
        }
        AdminError::Contended => CoderError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Response::message("Internal error updating user."),
        ),
        AdminError::Internal(e) => CoderError::internal(&e),
    }
}
