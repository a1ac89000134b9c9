//! CORS as Barong serves it (Rack::Cors on `/api/*`): the configured origins (default any),
//! methods GET, POST, DELETE, PUT, PATCH, OPTIONS, HEAD, any request header, preflights cached an
//! hour, credentials only when configured (and then only for origins named explicitly).

use crate::state::AppState;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const METHODS: &str = "GET, POST, DELETE, PUT, PATCH, OPTIONS, HEAD";

/// The `Access-Control-Allow-Origin` value for `origin`, if it may read responses.
fn allowed_origin(state: &AppState, origin: &str) -> Option<HeaderValue> {
    let b = &state.settings.barong;
    if b.cors_origins.iter().any(|o| o == origin) {
        return HeaderValue::from_str(origin).ok();
    }
    if b.cors_origins.iter().any(|o| o == "*") {
        return Some(HeaderValue::from_static("*"));
    }
    None
}

fn add(headers: &mut HeaderMap, state: &AppState, origin: HeaderValue) {
    let wildcard = origin == "*";
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if state.settings.barong.cors_allow_credentials && !wildcard {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
}

pub async fn cors(state: &AppState, request: Request, next: Next) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .and_then(|o| allowed_origin(state, o));
    let Some(origin) = origin else {
        return next.run(request).await;
    };
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        let mut response = StatusCode::OK.into_response();
        let headers = response.headers_mut();
        add(headers, state, origin);
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(METHODS),
        );
        if let Some(asked) = request
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        {
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
        }
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("3600"),
        );
        return response;
    }
    let mut response = next.run(request).await;
    add(response.headers_mut(), state, origin);
    response
}
