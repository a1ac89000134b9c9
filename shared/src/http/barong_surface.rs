//! What every Barong group's router gets when it is served: Barong's 404 for any other path,
//! CORS as Rack::Cors, and the access log.

use super::access_log::access_log;
use super::cors::cors;
use crate::state::AppState;
use crate::wire::barong::error::RouteNotFound;
use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};

/// `routes` (one group's, or several merged) as the Barong surface serves them.
pub fn serve_barong_routes(routes: Router, state: AppState) -> Router {
    routes
        .fallback(|| async { RouteNotFound })
        .layer(from_fn_with_state(state, cors))
        .layer(from_fn(access_log))
}
