//! The `users` endpoint group (Coder surface): first user, user administration, password login
//! and logout, one-time-passcode password reset, password policy, convert-login.

mod handlers;
mod refusals;

use axum::Router;
use axum::middleware::from_fn_with_state;
use gatehouse::AppState;
use gatehouse::auth::activity::{Kind, Surface};
use gatehouse::http::activity_log::{EventRoutes, with_activity_log};
use gatehouse::http::api_doc::{Api, get, post, put};
use gatehouse::http::coder_rate_limit::{
    counted_as_login, login_rate_limit, password_change_rate_limit,
};
use gatehouse::http::coder_surface::{method_not_allowed, serve_coder_routes};

/// The group's authenticated routes that are auth events, for the activity log (sign-in and
/// the passcode reset record themselves: nobody is authenticated there).
const EVENTS: EventRoutes = &[
    ("POST", "/api/v2/users/logout", Kind::Logout),
    ("POST", "/api/v2/users", Kind::UserCreate),
    ("DELETE", "/api/v2/users/{user}", Kind::AccountDelete),
    ("PUT", "/api/v2/users/{user}/profile", Kind::UserUpdate),
    ("PUT", "/api/v2/users/{user}/password", Kind::PasswordChange),
    (
        "PUT",
        "/api/v2/users/{user}/status/suspend",
        Kind::UserSuspend,
    ),
    (
        "PUT",
        "/api/v2/users/{user}/status/activate",
        Kind::UserActivate,
    ),
];

/// Every route of the group with its documentation, without the fallback.
pub fn api(state: AppState) -> Api<AppState> {
    use handlers::*;
    // Coder's unauthenticated login group, limited per client address and endpoint.
    let limited = Api::new()
        .route(
            "/api/v2/users/login",
            post(login::login, "Log in user", 201),
        )
        .route(
            "/api/v2/users/otp/request",
            post(
                otp_request::request_passcode,
                "Request one-time passcode",
                204,
            ),
        )
        .route(
            "/api/v2/users/otp/change-password",
            post(
                otp_change_password::change_password,
                "Change password with a one-time passcode",
                204,
            ),
        )
        .route(
            "/api/v2/users/validate-password",
            post(
                validate_password::validate_password,
                "Validate user password",
                200,
            ),
        )
        .map(|r| r.route_layer(from_fn_with_state(state.clone(), login_rate_limit)));
    // Changing a password checks the old one: limited like login, per client address.
    let password_change = Api::new()
        .route(
            "/api/v2/users/{user}/password",
            put(password::update_password, "Update user password", 204),
        )
        .map(|r| {
            r.route_layer(from_fn_with_state(
                state.clone(),
                password_change_rate_limit,
            ))
        });
    Api::new()
        .route(
            "/api/v2",
            get(deployment::api_root, "API root handler", 200),
        )
        .route(
            "/api/v2/buildinfo",
            get(deployment::build_info, "Build info", 200),
        )
        .route(
            "/api/v2/users/authmethods",
            get(deployment::auth_methods, "Get authentication methods", 200),
        )
        .route(
            "/api/v2/users/first",
            get(
                first_user::first_user_exists,
                "Check initial user created",
                200,
            )
            .post(first_user::create_first_user, "Create initial user", 201),
        )
        .route(
            "/api/v2/users",
            get(list_users::list_users, "Get users", 200).post(
                create_user::create_user,
                "Create new user",
                201,
            ),
        )
        .route(
            "/api/v2/users/logout",
            post(logout::logout, "Log out user", 200),
        )
        .route(
            "/api/v2/users/{user}",
            get(get_user::get_user, "Get user by name", 200).delete(
                delete_user::delete_user,
                "Delete user",
                200,
            ),
        )
        .route(
            "/api/v2/users/{user}/profile",
            put(profile::update_profile, "Update user profile", 200),
        )
        .route(
            "/api/v2/users/{user}/login-type",
            get(login_type::login_type, "Get user login type", 200),
        )
        .route(
            "/api/v2/users/{user}/status/suspend",
            put(user_status::suspend, "Suspend user account", 200),
        )
        .route(
            "/api/v2/users/{user}/status/activate",
            put(user_status::activate, "Activate user account", 200),
        )
        .route(
            "/api/v2/users/{user}/convert-login",
            post(
                convert_login::convert_login,
                "Convert user from password to oauth authentication",
                201,
            )
            .map(|r| r.route_layer(from_fn_with_state(state.clone(), counted_as_login))),
        )
        .merge(limited)
        .merge(password_change)
        .map(|r| {
            with_activity_log(r, &state, Surface::Coder, EVENTS)
                .method_not_allowed_fallback(method_not_allowed)
        })
}

/// Every route of the group, without the fallback (so groups can be merged).
pub fn routes(state: AppState) -> Router {
    api(state.clone()).into_parts().0.with_state(state)
}

/// The group as deployed on its own (one Lambda): every route plus Coder's 404.
pub fn router(state: AppState) -> Router {
    serve_coder_routes(routes(state.clone()), state)
}
