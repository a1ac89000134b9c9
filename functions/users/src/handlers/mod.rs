//! One module per operation; each handler only translates wire <-> the shared flows.

pub mod convert_login;
pub mod create_user;
pub mod delete_user;
pub mod deployment;
pub mod first_user;
pub mod get_user;
pub mod list_users;
pub mod login;
pub mod login_type;
pub mod logout;
pub mod otp_change_password;
pub mod otp_request;
pub mod password;
pub mod profile;
pub mod user_status;
pub mod validate_password;

use axum::http::{HeaderValue, header};
use axum::response::Response;

/// Adds a `Set-Cookie` header.
pub fn set_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
