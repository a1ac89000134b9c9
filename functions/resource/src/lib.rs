//! The `resource` endpoint group (Barong surface, under `/api/v2/auth/resource`): the signed-in
//! account, TOTP 2FA, HMAC-signed API keys, service accounts and their keys, data storage,
//! labels and activity; plus `/admin/service_accounts`. Every route authenticates with the
//! shared extractor ([`gatehouse::http::barong_auth`]): API-key headers, the session cookie
//! with CSRF, or a bearer token.

mod handlers;
mod path;
mod reply;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post, put};
use gatehouse::AppState;
use gatehouse::http::access_log::access_log;
use gatehouse::http::barong_auth::refresh_session_cookie;
use gatehouse::http::barong_restrictions;
use gatehouse::http::cors::cors;
use gatehouse::wire::barong::error::RouteNotFound;

/// Every route of the group, without the fallback (so groups can be merged).
pub fn routes(state: AppState) -> Router {
    use handlers::*;
    const R: &str = "/api/v2/auth/resource";
    Router::new()
        .route(
            &format!("{R}/users/me"),
            get(users::show).put(users::update).delete(users::delete),
        )
        .route(&format!("{R}/users/password"), put(users::change_password))
        .route(
            &format!("{R}/users/activity/{{topic}}"),
            get(users::activity),
        )
        .route(
            &format!("{R}/otp/generate_qrcode"),
            post(otp::generate_qrcode),
        )
        .route(&format!("{R}/otp/enable"), post(otp::enable))
        .route(&format!("{R}/otp/disable"), post(otp::disable))
        .route(&format!("{R}/otp/verify"), post(otp::verify))
        .route(
            &format!("{R}/api_keys"),
            get(api_keys::list).post(api_keys::create),
        )
        .route(
            &format!("{R}/api_keys/{{kid}}"),
            axum::routing::patch(api_keys::update).delete(api_keys::delete),
        )
        .route(
            &format!("{R}/service_accounts"),
            get(service_accounts::list),
        )
        .route(
            &format!("{R}/service_accounts/api_keys"),
            get(service_accounts::list_keys).post(service_accounts::create_key),
        )
        .route(
            &format!("{R}/service_accounts/api_keys/{{kid}}"),
            put(service_accounts::update_key).delete(service_accounts::delete_key),
        )
        .route(&format!("{R}/data_storage"), post(data_storage::create))
        .route(
            &format!("{R}/labels"),
            get(labels::list).post(labels::create),
        )
        .route(
            &format!("{R}/labels/{{key}}"),
            get(labels::show)
                .patch(labels::update)
                .delete(labels::delete),
        )
        .route(
            "/api/v2/auth/admin/service_accounts",
            post(admin::create_service_account),
        )
        .route(
            "/api/v2/auth/admin/service_accounts/{uid}",
            put(admin::update_service_account),
        )
        .route_layer(from_fn_with_state(state.clone(), refresh_session_cookie))
        .route_layer(from_fn_with_state(
            state.clone(),
            barong_restrictions::check,
        ))
        // Grape answers a known path with another verb as an unknown route.
        .method_not_allowed_fallback(|| async { RouteNotFound })
        .with_state(state)
}

/// The group as deployed on its own: every route, Barong's 404 for anything else, CORS and
/// the access log.
pub fn router(state: AppState) -> Router {
    routes(state.clone())
        .fallback(|| async { RouteNotFound })
        .layer(from_fn_with_state(state, cors))
        .layer(from_fn(access_log))
}
