//! The login group's limit on the Barong surface: N requests a minute per client address per
//! endpoint, counted in the store. Signing in counts in Coder's login bucket, so a password
//! gets no more guesses through Barong than through Coder (Barong itself relies on captchas).

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gatehouse::AppState;
use gatehouse::auth::rate_limit;
use gatehouse::http::client_ip::client_ip;
use gatehouse::http::coder_rate_limit::LOGIN_PATH;
use gatehouse::wire::barong::error::BarongError;
use http::{HeaderValue, Method, StatusCode, header};

pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = state.settings.login_rate_limit;
    if limit == 0 || request.method() != Method::POST {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let path = parts.uri.path();
    let bucket = if path == "/api/v2/auth/identity/sessions" {
        LOGIN_PATH
    } else {
        path
    };
    let key = format!("login:{}:{bucket}", client_ip(&parts));
    match rate_limit::hit(&state, &key, limit).await {
        Ok(d) if d.allowed => next.run(Request::from_parts(parts, body)).await,
        Ok(d) => {
            let mut response =
                BarongError::new(StatusCode::TOO_MANY_REQUESTS, "identity.too_many_requests")
                    .into_response();
            let wait = d.reset - state.clock.now().timestamp();
            if let Ok(v) = HeaderValue::from_str(&wait.max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            response
        }
        Err(e) => crate::session_response::internal(e).into_response(),
    }
}
