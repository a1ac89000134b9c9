//! The `authz` endpoint group (Coder surface): the scope catalogue, `authcheck`, site and
//! organization role administration, organizations and their members, scoped API tokens.

mod handlers;
mod json;

use axum::Router;
use axum::routing::{delete, get, post, put};
use gatehouse::AppState;
use gatehouse::http::coder_surface::{method_not_allowed, serve_coder_routes};
use handlers::{authcheck, members, organizations, scopes, tokens, user_roles};

/// Every route of the group, without the fallback (so groups can be merged).
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/api/v2/auth/scopes", get(scopes::list_external_scopes))
        .route("/api/v2/authcheck", post(authcheck::check_authorization))
        .route(
            "/api/v2/users/{user}/roles",
            get(user_roles::user_roles).put(user_roles::update_user_roles),
        )
        .route(
            "/api/v2/organizations",
            post(organizations::create_organization),
        )
        .route(
            "/api/v2/organizations/{organization}",
            get(organizations::get_organization),
        )
        .route(
            "/api/v2/organizations/{organization}/members/{user}",
            post(members::add_member).delete(members::remove_member),
        )
        .route(
            "/api/v2/organizations/{organization}/members/{user}/roles",
            put(members::update_member_roles),
        )
        .route(
            "/api/v2/users/{user}/keys/tokens",
            get(tokens::list_tokens).post(tokens::create_token),
        )
        .route(
            "/api/v2/users/{user}/keys/tokens/{keyname}",
            get(tokens::token_by_name),
        )
        .route(
            "/api/v2/users/{user}/keys/{keyid}",
            delete(tokens::delete_key),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

/// The group as deployed on its own (one Lambda): every route plus Coder's 404.
pub fn router(state: AppState) -> Router {
    serve_coder_routes(routes(state))
}
