//! What every Barong group's router gets when it is served: Barong's 404 for any other path,
//! CORS as Rack::Cors, and the access log.

use super::access_log::AccessLog;
use super::cors::cors;
use crate::state::AppState;
use crate::wire::barong::error::RouteNotFound;
use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;

/// `routes` (one group's, or several merged) as the Barong surface serves them.
pub fn serve_barong_routes(routes: Router, state: AppState) -> Router {
    routes
        .fallback(|| async { RouteNotFound })
        .layer(from_fn_with_state(state, barong_surface))
}

/// The access log around CORS around the route, in one layer (see `coder_surface`).
async fn barong_surface(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let log = AccessLog::start(&request);
    let response = cors(&state, request, next).await;
    log.finish(&response);
    response
}
