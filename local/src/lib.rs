//! Every endpoint group of Gatehouse on one router, at their real paths.

use axum::Router;
use axum::middleware::from_fn;
use axum::routing::get;
use gatehouse::AppState;
use gatehouse::http::access_log::access_log;
use gatehouse::http::coder_surface::{coder_headers, route_not_found};

/// Every group's routes, plus `GET /healthz`, with Coder's 404 for anything else.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(gatehouse_users::routes(state.clone()))
        .merge(gatehouse_authz::routes(state))
        .fallback(route_not_found)
        .layer(from_fn(coder_headers))
        .layer(from_fn(access_log))
}
