//! The `resource` endpoint group (Barong surface, under `/api/v2/auth/resource`): the signed-in
//! account, TOTP 2FA, HMAC-signed API keys, service accounts and their keys, data storage,
//! labels and activity; plus `/admin/service_accounts`. Every route authenticates with the
//! shared extractor ([`gatehouse::http::barong_auth`]): API-key headers, the session cookie
//! with CSRF, or a bearer token.

mod handlers;
mod path;
mod reply;

pub use handlers::swagger::OPENAPI_JSON;

use axum::Router;
use axum::middleware::from_fn_with_state;
use gatehouse::AppState;
use gatehouse::auth::activity::{Kind, Surface};
use gatehouse::http::activity_log::{EventRoutes, with_activity_log};
use gatehouse::http::api_doc::{Api, any, get, patch, post, put};
use gatehouse::http::barong_auth::refresh_session_cookie;
use gatehouse::http::barong_restrictions;
use gatehouse::http::barong_surface::serve_barong_routes;
use gatehouse::wire::barong::error::RouteNotFound;

/// The group's routes that are auth events, for the activity log.
const EVENTS: EventRoutes = &[
    (
        "POST",
        "/api/v2/auth/resource/otp/generate_qrcode",
        Kind::TwoFactorRequest,
    ),
    (
        "POST",
        "/api/v2/auth/resource/otp/enable",
        Kind::TwoFactorEnable,
    ),
    (
        "POST",
        "/api/v2/auth/resource/otp/disable",
        Kind::TwoFactorDisable,
    ),
    (
        "PUT",
        "/api/v2/auth/resource/users/password",
        Kind::PasswordChange,
    ),
    (
        "DELETE",
        "/api/v2/auth/resource/users/me",
        Kind::AccountDelete,
    ),
    ("POST", "/api/v2/auth/resource/api_keys", Kind::ApiKeyCreate),
    (
        "PATCH",
        "/api/v2/auth/resource/api_keys/{kid}",
        Kind::ApiKeyUpdate,
    ),
    (
        "DELETE",
        "/api/v2/auth/resource/api_keys/{kid}",
        Kind::ApiKeyDelete,
    ),
    (
        "POST",
        "/api/v2/auth/resource/service_accounts/api_keys",
        Kind::ApiKeyCreate,
    ),
    (
        "PUT",
        "/api/v2/auth/resource/service_accounts/api_keys/{kid}",
        Kind::ApiKeyUpdate,
    ),
    (
        "DELETE",
        "/api/v2/auth/resource/service_accounts/api_keys/{kid}",
        Kind::ApiKeyDelete,
    ),
];

/// Every route of the group with its documentation, without the fallback.
pub fn api(state: AppState) -> Api<AppState> {
    use handlers::*;
    const R: &str = "/api/v2/auth/resource";
    Api::new()
        .route(
            &format!("{R}/users/me"),
            get(users::show, "Returns current user", 200)
                .put(users::update, "Updates user data", 200)
                .delete(users::delete, "Deletes the current user", 200),
        )
        .route(
            &format!("{R}/users/password"),
            put(users::change_password, "Sets new account password", 201),
        )
        .route(
            &format!("{R}/users/activity/{{topic}}"),
            get(users::activity, "Returns user activity", 200),
        )
        .route(
            &format!("{R}/otp/generate_qrcode"),
            post(otp::generate_qrcode, "Generate qr code secret link", 201),
        )
        .route(
            &format!("{R}/otp/enable"),
            post(otp::enable, "Enable 2FA", 201),
        )
        .route(
            &format!("{R}/otp/disable"),
            post(otp::disable, "Disable 2FA", 200),
        )
        .route(
            &format!("{R}/otp/verify"),
            post(otp::verify, "Verify 2FA code", 201),
        )
        .route(
            &format!("{R}/api_keys"),
            get(api_keys::list, "List all api keys for current account", 200).post(
                api_keys::create,
                "Create an api key",
                201,
            ),
        )
        .route(
            &format!("{R}/api_keys/{{kid}}"),
            patch(api_keys::update, "Updates an api key", 200).delete(
                api_keys::delete,
                "Delete an api key",
                204,
            ),
        )
        .route(
            &format!("{R}/service_accounts"),
            get(
                service_accounts::list,
                "List service accounts of the current user",
                200,
            ),
        )
        .route(
            &format!("{R}/service_accounts/api_keys"),
            get(
                service_accounts::list_keys,
                "List api keys of a service account",
                200,
            )
            .post(
                service_accounts::create_key,
                "Create an api key for a service account",
                201,
            ),
        )
        .route(
            &format!("{R}/service_accounts/api_keys/{{kid}}"),
            put(
                service_accounts::update_key,
                "Update an api key of a service account",
                200,
            )
            .delete(
                service_accounts::delete_key,
                "Delete an api key of a service account",
                204,
            ),
        )
        .route(
            &format!("{R}/data_storage"),
            post(data_storage::create, "Create data storage", 201),
        )
        .route(
            &format!("{R}/labels"),
            get(labels::list, "List all labels for current user", 200).post(
                labels::create,
                "Create a label with public scope",
                201,
            ),
        )
        .route(
            &format!("{R}/labels/{{key}}"),
            get(labels::show, "Returns a label by key", 200)
                .patch(labels::update, "Update a label with public scope", 200)
                .delete(labels::delete, "Delete a label with public scope", 204),
        )
        .route(
            "/api/v2/auth/admin/restrictions",
            get(restrictions::list, "List restrictions", 200).post(
                restrictions::create,
                "Create a restriction",
                201,
            ),
        )
        .route(
            "/api/v2/auth/admin/restrictions/whitelink",
            post(restrictions::whitelink, "Create a whitelink token", 201),
        )
        .route(
            "/api/v2/auth/admin/service_accounts",
            post(
                admin::create_service_account,
                "Create a service account for a user",
                201,
            ),
        )
        .route(
            "/api/v2/auth/admin/service_accounts/{uid}",
            put(
                admin::update_service_account,
                "Set a service account's state",
                200,
            ),
        )
        .map(|r| {
            with_activity_log(r, &state, Surface::Barong, EVENTS)
                .route_layer(from_fn_with_state(state.clone(), refresh_session_cookie))
        })
        // Not authenticated (Barong skips the JWT check on swagger paths).
        .route(
            &format!("{R}/swagger_doc"),
            get(
                swagger::document,
                "The OpenAPI document of the whole API",
                200,
            ),
        )
        .route(
            &format!("{R}/swagger_doc/{{name}}"),
            get(
                swagger::section,
                "The OpenAPI document of one group or namespace",
                200,
            ),
        )
        .map(|r| {
            r.route_layer(from_fn_with_state(
                state.clone(),
                barong_restrictions::check,
            ))
        })
        // Barong's authz (mint a JWT): after the restrictions layer, as it checks them itself
        // (the whitelink path is exempt), and with its own cookie refresh.
        .route(
            "/api/v2/auth/authz/{*path}",
            any(
                authz::mint,
                "Barong authz: a JWT for the request's credentials",
                200,
            )
            .map(|r| r.layer(from_fn_with_state(state.clone(), refresh_session_cookie))),
        )
        // Grape answers a known path with another verb as an unknown route.
        .map(|r| r.method_not_allowed_fallback(|| async { RouteNotFound }))
}

/// Every route of the group, without the fallback (so groups can be merged).
pub fn routes(state: AppState) -> Router {
    api(state.clone()).into_parts().0.with_state(state)
}

/// The group as deployed on its own: every route, Barong's 404 for anything else, CORS and
/// the access log.
pub fn router(state: AppState) -> Router {
    serve_barong_routes(routes(state.clone()), state)
}
