//! Barong's response bodies as Grape writes them: the `{"errors":[...]}` envelope, the bare JSON
//! "status bodies" (`201`, `true`, `null`), and the unknown-route answer.
//!
//! Grape's JSON formatter calls ActiveSupport's `to_json` (Rails 5.2, `escape_html_entities_in_json`
//! on): compact JSON, no trailing newline, `<` `>` `&` U+2028 U+2029 escaped as `\uXXXX`, other
//! non-ASCII text as UTF-8. Barong sets `content_type :json, 'application/json'`, so every answer,
//! errors included, says `Content-Type: application/json` (no charset).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// `rescue_from :all` (`app/api/v2/exception_handlers.rb`): the body of every unexpected failure.
pub const INTERNAL_ERROR: &str = "server.internal_error";

/// Grape's `error! 'Route is not found', 404` from the `route :any, '*path'` catch-all
/// (`app/api/v2/base.rb`).
pub const ROUTE_NOT_FOUND: &str = "Route is not found";

/// `Content-Type` of every Barong answer.
pub const CONTENT_TYPE_JSON: &str = "application/json";

/// A refusal in Barong's shape, `{"errors":["<key>", ...]}`. Handlers return it as their error type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarongError {
    pub status: StatusCode,
    pub errors: Vec<String>,
}

#[derive(Serialize)]
struct ErrorsBody<'a> {
    errors: &'a [String],
}

impl BarongError {
    /// `error!({ errors: [key] }, status)`.
    pub fn new(status: StatusCode, key: impl Into<String>) -> Self {
        Self {
            status,
            errors: vec![key.into()],
        }
    }

    /// Several keys with one status, in the given order (`code_error!`, validation failures).
    pub fn with_keys<I, K>(status: StatusCode, keys: I) -> Self
    where
        I: IntoIterator<Item = K>,
        K: Into<String>,
    {
        Self {
            status,
            errors: keys.into_iter().map(Into::into).collect(),
        }
    }

    /// 422 with the given keys: parameter validation and model errors.
    pub fn unprocessable<I, K>(keys: I) -> Self
    where
        I: IntoIterator<Item = K>,
        K: Into<String>,
    {
        Self::with_keys(StatusCode::UNPROCESSABLE_ENTITY, keys)
    }

    /// 400 with one key.
    pub fn bad_request(key: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, key)
    }

    /// 401 with one key.
    pub fn unauthorized(key: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, key)
    }

    /// 403 with one key.
    pub fn forbidden(key: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, key)
    }

    /// 404 with one key (`record.not_found`, `identity.session.not_found`, ...).
    pub fn not_found(key: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, key)
    }

    /// 500 `server.internal_error`. The body is fixed; the caller logs the cause, which is never
    /// sent.
    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, INTERNAL_ERROR)
    }

    /// Logs `cause` and answers [`BarongError::internal`].
    pub fn internal_logged(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::internal()
    }
}

impl std::fmt::Display for BarongError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.errors.join(", "))
    }
}

impl std::error::Error for BarongError {}

impl IntoResponse for BarongError {
    fn into_response(self) -> Response {
        json_response(
            self.status,
            &ErrorsBody {
                errors: &self.errors,
            },
        )
    }
}

/// A body that is a bare JSON value: Grape makes the block's last value the body, so handlers that
/// end with `status 201` answer `201`, and others `true`, `false` or `null`.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusBody {
    pub status: StatusCode,
    pub body: serde_json::Value,
}

impl StatusBody {
    /// The status and, as the body, its own number (`status 201` → `201`).
    pub fn echo(status: StatusCode) -> Self {
        Self {
            status,
            body: serde_json::Value::from(status.as_u16()),
        }
    }

    /// Any JSON value as the body (`true`, `false`, `null`, or a number other than the status).
    pub fn new(status: StatusCode, body: serde_json::Value) -> Self {
        Self { status, body }
    }
}

impl StatusBody {
    /// [`IntoResponse::into_response`], for callers that do not import the trait.
    pub fn into_response_body(self) -> Response {
        self.into_response()
    }
}

impl IntoResponse for StatusBody {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body)
    }
}

/// The unknown-route answer: 404 `{"error":"Route is not found"}` (singular key, a string).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteNotFound;

#[derive(Serialize)]
struct SingleError<'a> {
    error: &'a str,
}

impl IntoResponse for RouteNotFound {
    fn into_response(self) -> Response {
        json_response(
            StatusCode::NOT_FOUND,
            &SingleError {
                error: ROUTE_NOT_FOUND,
            },
        )
    }
}

/// Router fallback for Barong paths: `Router::fallback(route_not_found)`.
pub async fn route_not_found() -> RouteNotFound {
    RouteNotFound
}

/// `value` as ActiveSupport encodes it: compact, HTML-sensitive characters escaped.
pub fn encode_json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    // Most bodies have nothing to escape (0xE2 starts U+2028 and U+2029).
    if !text.bytes().any(|b| matches!(b, b'<' | b'>' | b'&' | 0xE2)) {
        return text.into_bytes();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out.into_bytes()
}

/// A Barong JSON answer: `value` encoded as Grape does, `Content-Type: application/json`.
pub fn json_response<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    let mut response = (status, encode_json(value)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(CONTENT_TYPE_JSON),
    );
    response
}

impl From<crate::Error> for BarongError {
    fn from(e: crate::Error) -> Self {
        Self::internal_logged(&e)
    }
}

impl From<crate::store::StoreError> for BarongError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::internal_logged(&e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn parts(response: Response) -> (StatusCode, String, String) {
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            content_type,
            String::from_utf8(body.to_vec()).unwrap(),
        )
    }

    #[tokio::test]
    async fn barong_errors_envelope() {
        let (status, ct, body) = parts(
            BarongError::unprocessable([
                "identity.user.missing_email",
                "identity.user.empty_email",
            ])
            .into_response(),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(ct, "application/json");
        assert_eq!(
            body,
            r#"{"errors":["identity.user.missing_email","identity.user.empty_email"]}"#
        );

        let (status, _, body) = parts(
            BarongError::new(StatusCode::UNAUTHORIZED, "identity.session.invalid_params")
                .into_response(),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body, r#"{"errors":["identity.session.invalid_params"]}"#);
    }

    #[tokio::test]
    async fn barong_internal_is_fixed() {
        let (status, ct, body) = parts(BarongError::internal().into_response()).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(ct, "application/json");
        assert_eq!(body, r#"{"errors":["server.internal_error"]}"#);
        let logged = BarongError::internal_logged(&"db down: secret detail");
        assert_eq!(logged, BarongError::internal());
    }

    #[tokio::test]
    async fn barong_status_bodies() {
        let (status, ct, body) = parts(StatusBody::echo(StatusCode::CREATED).into_response()).await;
        assert_eq!(
            (status, ct.as_str(), body.as_str()),
            (StatusCode::CREATED, "application/json", "201")
        );
        let (status, _, body) = parts(StatusBody::echo(StatusCode::OK).into_response()).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "200"));
        let (status, _, body) = parts(
            StatusBody::new(StatusCode::CREATED, serde_json::Value::Bool(true)).into_response(),
        )
        .await;
        assert_eq!((status, body.as_str()), (StatusCode::CREATED, "true"));
        let (_, _, body) =
            parts(StatusBody::new(StatusCode::CREATED, serde_json::Value::Null).into_response())
                .await;
        assert_eq!(body, "null");
    }

    #[tokio::test]
    async fn barong_route_not_found() {
        let (status, ct, body) = parts(route_not_found().await.into_response()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(ct, "application/json");
        assert_eq!(body, r#"{"error":"Route is not found"}"#);
    }

    #[test]
    fn barong_json_escapes_like_active_support() {
        let v = serde_json::json!({"a": "<b>&c\u{2028}é/"});
        assert_eq!(
            String::from_utf8(encode_json(&v)).unwrap(),
            r#"{"a":"\u003cb\u003e\u0026c\u2028é/"}"#
        );
        assert_eq!(encode_json(&serde_json::json!([1, "x"])), br#"[1,"x"]"#);
    }
}
