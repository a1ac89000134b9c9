//! `CoderJson<T>`: Coder's `httpapi.Read`: Go decoding, then validate tags, each failure in
//! Coder's error shape.

use super::body::{BodyError, read_bounded};
use crate::wire::coder::{CoderError, GoRequest, Response, decode_request};
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;

pub struct CoderJson<T>(pub T);

const INVALID_JSON: &str = "Request body must be valid JSON.";

impl<S: Send + Sync, T: GoRequest> FromRequest<S> for CoderJson<T> {
    type Rejection = CoderError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let body = read_bounded(req.into_body()).await.map_err(|e| {
            // Go's MaxBytesReader error, surfaced through the decoder as Coder would.
            let detail = match e {
                BodyError::TooLarge => "http: request body too large",
                BodyError::Unreadable => "unexpected EOF",
            };
            CoderError::new(
                StatusCode::BAD_REQUEST,
                Response::message(INVALID_JSON).with_detail(detail),
            )
        })?;
        let value = decode_request::<T>(&body).map_err(|e| {
            CoderError::new(
                StatusCode::BAD_REQUEST,
                Response::message(INVALID_JSON).with_detail(e.detail),
            )
        })?;
        let failures = value.validate();
        if !failures.is_empty() {
            let mut body = Response::message("Validation failed.");
            for f in failures {
                body = body.with_validation(f.field, f.detail());
            }
            return Err(CoderError::new(StatusCode::BAD_REQUEST, body));
        }
        Ok(Self(value))
    }
}
