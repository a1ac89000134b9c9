//! Every endpoint group of Gatehouse on one router, at their real paths.

use axum::Router;
use axum::routing::get;
use gatehouse::AppState;
use gatehouse::http::barong_surface::serve_barong_routes;
use gatehouse::http::coder_surface::serve_coder_routes;

/// The Barong surface's mounts: served as its Lambda serves them (Barong's 404 and headers),
/// not through the Coder surface's layers.
const BARONG_MOUNTS: &[&str] = &[
    "/api/v2/auth/identity",
    "/api/v2/auth/public",
    "/api/v2/auth/resource",
    "/api/v2/auth/admin",
    "/api/v2/auth/authz",
];

/// Every group's routes, plus `GET /healthz`: the Barong mounts with Barong's 404, everything
/// else with Coder's.
pub fn app(state: AppState) -> Router {
    let coder = serve_coder_routes(
        Router::new()
            .route("/healthz", get(|| async { "ok" }))
            .merge(gatehouse_users::routes(state.clone()))
            .merge(gatehouse_authz::routes(state.clone())),
        state.clone(),
    );
    let barong = serve_barong_routes(
        gatehouse_identity::routes(state.clone()).merge(gatehouse_resource::routes(state.clone())),
        state.clone(),
    );
    let mut app = Router::new();
    for mount in BARONG_MOUNTS {
        // As a service, not a nested Router: the full path reaches the group's own routes.
        let service = barong.clone().into_service::<axum::body::Body>();
        app = app
            .route_service(mount, service.clone())
            .route_service(&format!("{mount}/{{*rest}}"), service);
    }
    app.fallback_service(coder)
}

/// The OpenAPI document of every group, generated from the routes they register. The resource
/// group serves a copy (`functions/resource/openapi.json`, written by `gatehouse-openapi`; a
/// test keeps it equal to this).
pub fn openapi(state: AppState) -> serde_json::Value {
    use gatehouse::openapi::{Group, document};
    let users = gatehouse_users::api(state.clone());
    let authz = gatehouse_authz::api(state.clone());
    let identity = gatehouse_identity::api(state.clone());
    let resource = gatehouse_resource::api(state);
    document(
        &[
            Group {
                name: "users",
                surface: "coder",
                paths: users.paths(),
            },
            Group {
                name: "authz",
                surface: "coder",
                paths: authz.paths(),
            },
            Group {
                name: "identity",
                surface: "barong",
                paths: identity.paths(),
            },
            Group {
                name: "resource",
                surface: "barong",
                paths: resource.paths(),
            },
        ],
        env!("CARGO_PKG_VERSION"),
    )
}
