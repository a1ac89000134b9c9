//! The `identity` endpoint group (Barong surface, under `/api/v2/auth`): registration, email
//! confirmation, password reset and strength, cookie sessions, auth0, the JWKS, and the admin
//! API for restrictions.

mod handlers;
mod params;
mod rate_limit;
mod session_response;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use gatehouse::AppState;
use gatehouse::http::access_log::access_log;
use gatehouse::http::barong_restrictions;
use gatehouse::http::cors::cors;
use gatehouse::wire::barong::error::RouteNotFound;

/// Every route of the group, without the fallback (so groups can be merged).
pub fn routes(state: AppState) -> Router {
    use handlers::*;
    Router::new()
        .route("/api/v2/auth/identity/ping", get(general::ping))
        .route("/api/v2/auth/identity/time", get(general::time))
        .route("/api/v2/auth/identity/version", get(general::version))
        .route("/api/v2/auth/identity/configs", get(general::configs))
        .route("/api/v2/auth/identity/jwks", get(general::jwks))
        .route(
            "/api/v2/auth/identity/users/register_geetest",
            get(general::register_geetest),
        )
        .route(
            "/api/v2/auth/identity/password/validate",
            post(password_strength::validate),
        )
        .route("/api/v2/auth/identity/users", post(registration::register))
        .route(
            "/api/v2/auth/identity/users/email/generate_code",
            post(email_confirmation::generate_code),
        )
        .route(
            "/api/v2/auth/identity/users/email/confirm_code",
            post(email_confirmation::confirm_code),
        )
        .route(
            "/api/v2/auth/identity/users/password/generate_code",
            post(password_reset::generate_code),
        )
        .route(
            "/api/v2/auth/identity/users/password/confirm_code",
            post(password_reset::confirm_code),
        )
        .route(
            "/api/v2/auth/identity/sessions",
            post(sessions::create).delete(sessions::delete),
        )
        .route(
            "/api/v2/auth/identity/sessions/auth0",
            post(sessions::auth0),
        )
        .route(
            "/api/v2/auth/admin/restrictions",
            get(admin::list).post(admin::create),
        )
        .route(
            "/api/v2/auth/admin/restrictions/whitelink",
            post(admin::whitelink),
        )
        // Barong checks restrictions on every path but the one that lifts them.
        .route_layer(from_fn_with_state(
            state.clone(),
            barong_restrictions::check,
        ))
        .route("/api/v2/auth/identity/users/access", post(access::access))
        // Counted first: a restricted request counts too.
        .route_layer(from_fn_with_state(state.clone(), rate_limit::limit))
        // Grape answers a known path with another verb as an unknown route.
        .method_not_allowed_fallback(|| async { RouteNotFound })
        .with_state(state)
}

/// The group as deployed on its own (one Lambda, or behind `gatehouse-local`'s Barong paths):
/// every route, Barong's 404 for anything else, and the access log.
pub fn router(state: AppState) -> Router {
    routes(state.clone())
        .fallback(|| async { RouteNotFound })
        .layer(from_fn_with_state(state, cors))
        .layer(from_fn(access_log))
}
