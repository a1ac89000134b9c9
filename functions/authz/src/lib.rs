//! The `authz` endpoint group (Coder surface): the scope catalogue, `authcheck`, site and
//! organization role administration and the assignable roles, organizations and their members,
//! scoped API tokens and CLI session keys.

mod handlers;
mod json;

use axum::Router;
use axum::routing::{get, post, put};
use gatehouse::AppState;
use gatehouse::http::coder_surface::{method_not_allowed, serve_coder_routes};
use handlers::{assignable_roles, authcheck, members, organizations, scopes, tokens, user_roles};

/// Every route of the group, without the fallback (so groups can be merged).
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/api/v2/auth/scopes", get(scopes::list_external_scopes))
        .route("/api/v2/authcheck", post(authcheck::check_authorization))
        .route("/api/v2/users/roles", get(assignable_roles::site_roles))
        .route(
            "/api/v2/users/{user}/roles",
            get(user_roles::user_roles).put(user_roles::update_user_roles),
        )
        .route(
            "/api/v2/users/{user}/organizations",
            get(organizations::user_organizations),
        )
        .route(
            "/api/v2/users/{user}/organizations/{organizationname}",
            get(organizations::user_organization_by_name),
        )
        .route(
            "/api/v2/organizations",
            get(organizations::list_organizations).post(organizations::create_organization),
        )
        .route(
            "/api/v2/organizations/{organization}",
            get(organizations::get_organization),
        )
        .route(
            "/api/v2/organizations/{organization}/members",
            get(members::list_members),
        )
        .route(
            "/api/v2/organizations/{organization}/members/roles",
            get(assignable_roles::organization_roles),
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
            "/api/v2/users/{user}/keys",
            post(tokens::create_session_key),
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
            get(tokens::key_by_id).delete(tokens::delete_key),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

/// The group as deployed on its own (one Lambda): every route plus Coder's 404.
pub fn router(state: AppState) -> Router {
    serve_coder_routes(routes(state.clone()), state)
}
