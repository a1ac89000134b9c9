//! The `authz` endpoint group (Coder surface): the scope catalogue, `authcheck`, site and
//! organization role administration and the assignable roles, organizations and their members,
//! scoped API tokens and CLI session keys.

mod handlers;
mod json;

use axum::Router;
use gatehouse::AppState;
use gatehouse::auth::activity::{Kind, Surface};
use gatehouse::http::activity_log::{EventRoutes, with_activity_log};
use gatehouse::http::api_doc::{Api, get, post, put};
use gatehouse::http::coder_surface::{method_not_allowed, serve_coder_routes};
use handlers::{
    assignable_roles, audit, authcheck, members, organizations, scopes, tokens, user_roles,
};

/// The group's routes that are auth events, for the activity log.
const EVENTS: EventRoutes = &[
    (
        "POST",
        "/api/v2/users/{user}/keys/tokens",
        Kind::ApiKeyCreate,
    ),
    ("POST", "/api/v2/users/{user}/keys", Kind::ApiKeyCreate),
    (
        "DELETE",
        "/api/v2/users/{user}/keys/{keyid}",
        Kind::ApiKeyDelete,
    ),
    ("PUT", "/api/v2/users/{user}/roles", Kind::RolesChange),
    (
        "PUT",
        "/api/v2/organizations/{organization}/members/{user}/roles",
        Kind::RolesChange,
    ),
];

/// Every route of the group with its documentation, without the fallback.
pub fn api(state: AppState) -> Api<AppState> {
    Api::new()
        .route(
            "/api/v2/auth/scopes",
            get(
                scopes::list_external_scopes,
                "List external API key scopes",
                200,
            ),
        )
        .route(
            "/api/v2/authcheck",
            post(authcheck::check_authorization, "Check authorization", 200),
        )
        .route(
            "/api/v2/audit",
            get(audit::audit_logs, "Get audit logs", 200),
        )
        .route(
            "/api/v2/users/roles",
            get(assignable_roles::site_roles, "Get site member roles", 200),
        )
        .route(
            "/api/v2/users/{user}/roles",
            get(user_roles::user_roles, "Get user roles", 200).put(
                user_roles::update_user_roles,
                "Assign role to user",
                200,
            ),
        )
        .route(
            "/api/v2/users/{user}/organizations",
            get(
                organizations::user_organizations,
                "Get organizations by user",
                200,
            ),
        )
        .route(
            "/api/v2/users/{user}/organizations/{organizationname}",
            get(
                organizations::user_organization_by_name,
                "Get organization by user and organization name",
                200,
            ),
        )
        .route(
            "/api/v2/organizations",
            get(organizations::list_organizations, "Get organizations", 200).post(
                organizations::create_organization,
                "Create organization",
                201,
            ),
        )
        .route(
            "/api/v2/organizations/{organization}",
            get(
                organizations::get_organization,
                "Get organization by ID",
                200,
            ),
        )
        .route(
            "/api/v2/organizations/{organization}/members",
            get(members::list_members, "List organization members", 200),
        )
        .route(
            "/api/v2/organizations/{organization}/members/roles",
            get(
                assignable_roles::organization_roles,
                "Get member roles by organization",
                200,
            ),
        )
        .route(
            "/api/v2/organizations/{organization}/members/{user}",
            post(members::add_member, "Add organization member", 200).delete(
                members::remove_member,
                "Remove organization member",
                204,
            ),
        )
        .route(
            "/api/v2/organizations/{organization}/members/{user}/roles",
            put(
                members::update_member_roles,
                "Assign role to organization member",
                200,
            ),
        )
        .route(
            "/api/v2/users/{user}/keys",
            post(tokens::create_session_key, "Create new session key", 201),
        )
        .route(
            "/api/v2/users/{user}/keys/tokens",
            get(tokens::list_tokens, "Get user tokens", 200).post(
                tokens::create_token,
                "Create token API key",
                201,
            ),
        )
        .route(
            "/api/v2/users/{user}/keys/tokens/tokenconfig",
            get(tokens::token_config, "Get token config", 200),
        )
        .route(
            "/api/v2/users/{user}/keys/tokens/{keyname}",
            get(tokens::token_by_name, "Get API key by token name", 200),
        )
        .route(
            "/api/v2/users/{user}/keys/{keyid}",
            get(tokens::key_by_id, "Get API key by ID", 200).delete(
                tokens::delete_key,
                "Delete API key",
                204,
            ),
        )
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
