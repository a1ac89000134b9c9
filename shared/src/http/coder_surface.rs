//! What every Coder response carries, and Coder's answer for unknown routes.

use super::access_log::AccessLog;
use super::csrf::check_csrf;
use crate::state::AppState;
use crate::wire::coder::CoderError;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};

/// `X-Coder-Build-Version` and `X-Content-Type-Options: nosniff` on every response.
fn add_coder_headers(headers: &mut HeaderMap) {
    headers.insert(
        HeaderName::from_static("x-coder-build-version"),
        HeaderValue::from_static(crate::auth::deployment::VERSION),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

/// Fallback: `404 {"message":"Route not found."}`.
pub async fn route_not_found() -> Response {
    CoderError::route_not_found().into_response()
}

/// A known path with the wrong method.
pub async fn method_not_allowed() -> Response {
    CoderError::method_not_allowed().into_response()
}

/// A group's routes as deployed on their own (one Lambda, or `gatehouse-local` with every group
/// merged): Coder's 404 for anything else, its CSRF check, Coder's headers and the access log on
/// every response.
pub fn serve_coder_routes(routes: Router, state: AppState) -> Router {
    routes
        .fallback(route_not_found)
        .layer(from_fn_with_state(state, coder_surface))
}

/// The access log around the CSRF check around the route, then Coder's headers: one layer, as
/// each layer costs every request a clone of the route and a boxed future.
async fn coder_surface(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let log = AccessLog::start(&request);
    let mut response = check_csrf(&state, request, next).await;
    add_coder_headers(response.headers_mut());
    log.finish(&response);
    response
}
