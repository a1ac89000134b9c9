//! One structured log line per request: method, path, status, latency. Never the query string,
//! headers or cookies: those carry session tokens.

use axum::extract::Request;
use axum::http::Method;
use axum::response::Response;
use std::time::Instant;

/// A request being answered, to be logged once its response is known. Each surface's one layer
/// (`coder_surface`, `barong_surface`) opens it first and closes it last.
pub struct AccessLog {
    method: Method,
    path: String,
    started: Instant,
}

impl AccessLog {
    pub fn start(request: &Request) -> Self {
        Self {
            method: request.method().clone(),
            path: request.uri().path().to_owned(),
            started: Instant::now(),
        }
    }

    pub fn finish(self, response: &Response) {
        let Self {
            method,
            path,
            started,
        } = self;
        let status = response.status().as_u16();
        let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
        if status >= 500 {
            tracing::error!(%method, %path, status, latency_ms, "request");
        } else {
            tracing::info!(%method, %path, status, latency_ms, "request");
        }
    }
}
