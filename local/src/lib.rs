//! Every endpoint group of Gatehouse on one router, at their real paths.

use axum::Router;
use axum::routing::get;
use gatehouse::AppState;
use gatehouse::http::coder_surface::serve_coder_routes;

/// Every group's routes, plus `GET /healthz`, with Coder's 404 for anything else.
pub fn app(state: AppState) -> Router {
    serve_coder_routes(
        Router::new()
            .route("/healthz", get(|| async { "ok" }))
            .merge(gatehouse_users::routes(state.clone()))
            .merge(gatehouse_authz::routes(state.clone())),
        state,
    )
}
