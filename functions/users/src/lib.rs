//! The `users` endpoint group (Coder surface): first user, user administration, password login
//! and logout, one-time-passcode password reset, password policy, convert-login.

mod handlers;
mod refusals;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post, put};
use gatehouse::AppState;
use gatehouse::http::coder_rate_limit::{
    counted_as_login, login_rate_limit, password_change_rate_limit,
};
use gatehouse::http::coder_surface::{method_not_allowed, serve_coder_routes};

/// Every route of the group, without the fallback (so groups can be merged).
pub fn routes(state: AppState) -> Router {
    // Coder's unauthenticated login group, limited per client address and endpoint.
    let limited = Router::new()
        .route("/api/v2/users/login", post(handlers::login::login))
        .route(
            "/api/v2/users/otp/request",
            post(handlers::otp_request::request_passcode),
        )
        .route(
            "/api/v2/users/otp/change-password",
            post(handlers::otp_change_password::change_password),
        )
        .route(
            "/api/v2/users/validate-password",
            post(handlers::validate_password::validate_password),
        )
        .route_layer(from_fn_with_state(state.clone(), login_rate_limit));
    // Changing a password checks the old one: limited like login, per client address.
    let password = Router::new()
        .route(
            "/api/v2/users/{user}/password",
            put(handlers::password::update_password),
        )
        .route_layer(from_fn_with_state(
            state.clone(),
            password_change_rate_limit,
        ));
    Router::new()
        .route("/api/v2/buildinfo", get(handlers::deployment::build_info))
        .route(
            "/api/v2/users/authmethods",
            get(handlers::deployment::auth_methods),
        )
        .route(
            "/api/v2/users/first",
            get(handlers::first_user::first_user_exists)
                .post(handlers::first_user::create_first_user),
        )
        .route(
            "/api/v2/users",
            get(handlers::list_users::list_users).post(handlers::create_user::create_user),
        )
        .route("/api/v2/users/logout", post(handlers::logout::logout))
        .route(
            "/api/v2/users/{user}",
            get(handlers::get_user::get_user).delete(handlers::delete_user::delete_user),
        )
        .route(
            "/api/v2/users/{user}/profile",
            put(handlers::profile::update_profile),
        )
        .route(
            "/api/v2/users/{user}/login-type",
            get(handlers::login_type::login_type),
        )
        .route(
            "/api/v2/users/{user}/status/suspend",
            put(handlers::user_status::suspend),
        )
        .route(
            "/api/v2/users/{user}/status/activate",
            put(handlers::user_status::activate),
        )
        .route(
            "/api/v2/users/{user}/convert-login",
            post(handlers::convert_login::convert_login)
                .route_layer(from_fn_with_state(state.clone(), counted_as_login)),
        )
        .merge(limited)
        .merge(password)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

/// The group as deployed on its own (one Lambda): every route plus Coder's 404.
pub fn router(state: AppState) -> Router {
    serve_coder_routes(routes(state.clone()), state)
}
