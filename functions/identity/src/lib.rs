//! The `identity` endpoint group (Barong surface, under `/api/v2/auth`): registration, email
//! confirmation, password reset and strength, cookie sessions, auth0 and the JWKS: the
//! routes that need no credentials but the ones they open.

mod handlers;
mod params;
mod rate_limit;
mod session_response;

use axum::Router;
use axum::middleware::from_fn_with_state;
use gatehouse::AppState;
use gatehouse::http::api_doc::{Api, get, post};
use gatehouse::http::barong_restrictions;
use gatehouse::http::barong_surface::serve_barong_routes;
use gatehouse::wire::barong::error::RouteNotFound;

/// Barong's unauthenticated facts, which it serves under `identity` and again under `public`
/// (`app/api/v2/public/general.rb`).
fn general_routes(api: Api<AppState>, prefix: &str) -> Api<AppState> {
    use handlers::{general, password_strength};
    api.route(
        &format!("{prefix}/ping"),
        get(general::ping, "Test connectivity", 200),
    )
    .route(
        &format!("{prefix}/time"),
        get(general::time, "Get server current unix timestamp", 200),
    )
    .route(
        &format!("{prefix}/version"),
        get(general::version, "Get the version", 200),
    )
    .route(
        &format!("{prefix}/configs"),
        get(general::configs, "Get the configurations", 200),
    )
    .route(
        &format!("{prefix}/password/validate"),
        post(
            password_strength::validate,
            "Password strength testing",
            201,
        ),
    )
}

/// Every route of the group with its documentation, without the fallback.
pub fn api(state: AppState) -> Api<AppState> {
    use handlers::*;
    const I: &str = "/api/v2/auth/identity";
    const P: &str = "/api/v2/auth/public";
    let api = general_routes(general_routes(Api::new(), P), I);
    api.route(
        &format!("{P}/configs/auth0"),
        get(general::auth0_config, "Get the Auth0 configuration", 200),
    )
    .route(
        &format!("{I}/jwks"),
        get(general::jwks, "Get the public keys of the JWT signer", 200),
    )
    .route(
        &format!("{I}/users/register_geetest"),
        get(general::register_geetest, "Register Geetest captcha", 200),
    )
    .route(
        &format!("{I}/users"),
        post(registration::register, "Creates new user", 201),
    )
    .route(
        &format!("{I}/users/email/generate_code"),
        post(
            email_confirmation::generate_code,
            "Send confirmations instructions",
            201,
        ),
    )
    .route(
        &format!("{I}/users/email/confirm_code"),
        post(email_confirmation::confirm_code, "Confirms an account", 201),
    )
    .route(
        &format!("{I}/users/password/generate_code"),
        post(
            password_reset::generate_code,
            "Send password reset instructions",
            201,
        ),
    )
    .route(
        &format!("{I}/users/password/confirm_code"),
        post(
            password_reset::confirm_code,
            "Sets new account password",
            201,
        ),
    )
    .route(
        &format!("{I}/sessions"),
        post(sessions::create, "Start a new session", 200).delete(
            sessions::delete,
            "Destroy current session",
            200,
        ),
    )
    .route(
        &format!("{I}/sessions/auth0"),
        post(
            sessions::auth0,
            "Start a new session with an Auth0 id_token",
            201,
        ),
    )
    // Barong checks restrictions on every path but the one that lifts them.
    .map(|r| {
        r.route_layer(from_fn_with_state(
            state.clone(),
            barong_restrictions::check,
        ))
    })
    .route(
        &format!("{I}/users/access"),
        post(
            access::access,
            "Whitelist the address with a whitelink token",
            201,
        ),
    )
    .map(|r| {
        // Counted first: a restricted request counts too.
        r.route_layer(from_fn_with_state(state.clone(), rate_limit::limit))
            // Grape answers a known path with another verb as an unknown route.
            .method_not_allowed_fallback(|| async { RouteNotFound })
    })
}

/// Every route of the group, without the fallback (so groups can be merged).
pub fn routes(state: AppState) -> Router {
    api(state.clone()).into_parts().0.with_state(state)
}

/// The group as deployed on its own (one Lambda, or behind `gatehouse-local`'s Barong paths):
/// every route, Barong's 404 for anything else, and the access log.
pub fn router(state: AppState) -> Router {
    serve_barong_routes(routes(state.clone()), state)
}
