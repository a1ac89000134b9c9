//! `codersdk.Response` and `httpapi.Write`: Go's encoder with HTML escaping and a trailing newline.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response as HttpResponse};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationError {
    pub field: String,
    pub detail: String,
}

/// Coder's error and message body: `detail` and `validations` are omitted when empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Response {
    pub message: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub validations: Vec<ValidationError>,
}

impl Response {
    pub fn message(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            detail: String::new(),
            validations: Vec::new(),
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    pub fn with_validation(mut self, field: impl Into<String>, detail: impl Into<String>) -> Self {
        self.validations.push(ValidationError {
            field: field.into(),
            detail: detail.into(),
        });
        self
    }
}

/// A refusal in Coder's shape. Handlers return it as their error type.
#[derive(Debug, Clone)]
pub struct CoderError {
    pub status: StatusCode,
    pub body: Response,
    pub headers: Vec<(header::HeaderName, HeaderValue)>,
    /// A body Coder writes before `body`, both in one response (see [`Self::written_after`]).
    pub preceded_by: Option<Box<Response>>,
}

pub const SIGNED_OUT: &str =
    "You are signed out or your session has expired. Please sign in again to continue.";
pub const INTERNAL_ERROR: &str = "Internal error.";

impl CoderError {
    pub fn new(status: StatusCode, body: Response) -> Self {
        Self {
            status,
            body,
            headers: Vec::new(),
            preceded_by: None,
        }
    }

    /// Where a Coder handler writes one response after another (`ResourceNotFound`, then its
    /// own message), the client gets both JSON documents in one body, the first one's status,
    /// and Go clients read the first document only.
    pub fn written_after(self, first: CoderError) -> Self {
        Self {
            status: first.status,
            preceded_by: Some(Box::new(first.body)),
            ..self
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Response::message(message))
    }

    pub fn signed_out(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            Response::message(SIGNED_OUT).with_detail(detail),
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            Response::message("Forbidden.").with_detail(
                "You don't have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials.",
            ),
        )
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            Response::message("Resource not found or you do not have access to this resource"),
        )
    }

    pub fn route_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, Response::message("Route not found."))
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            Response::message("Method not allowed."),
        )
    }

    /// A failure that is not the client's fault: fixed body, the cause only in the log.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Response::message(INTERNAL_ERROR),
        )
    }

    pub fn with_header(mut self, name: header::HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }
}

impl From<crate::Error> for CoderError {
    fn from(e: crate::Error) -> Self {
        Self::internal(&e)
    }
}

impl From<crate::store::StoreError> for CoderError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::internal(&e)
    }
}

impl IntoResponse for CoderError {
    fn into_response(self) -> HttpResponse {
        let mut response = match &self.preceded_by {
            None => write_json(self.status, &self.body),
            Some(first) => {
                let mut both = encode_go_json(&**first);
                both.extend(encode_go_json(&self.body));
                json_response(self.status, both)
            }
        };
        for (name, value) in self.headers {
            response.headers_mut().append(name, value);
        }
        response
    }
}

/// Go's `json.Encoder` with `SetEscapeHTML(true)`: `<`, `>`, `&`, U+2028 and U+2029 escaped,
/// newline-terminated.
pub fn encode_go_json<T: Serialize>(value: &T) -> Vec<u8> {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned());
    // Most bodies have nothing to escape (0xE2 starts U+2028 and U+2029).
    if !text.bytes().any(|b| matches!(b, b'<' | b'>' | b'&' | 0xE2)) {
        let mut out = text.into_bytes();
        out.push(b'\n');
        return out;
    }
    let mut out = String::with_capacity(text.len() + 1);
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
    out.push('\n');
    out.into_bytes()
}

pub fn write_json<T: Serialize>(status: StatusCode, value: &T) -> HttpResponse {
    json_response(status, encode_go_json(value))
}

fn json_response(status: StatusCode, body: Vec<u8>) -> HttpResponse {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// Go's `time.Time` JSON form (RFC 3339 with trailing fractional zeros trimmed).
pub fn go_time(t: &DateTime<Utc>) -> String {
    let s = t.to_rfc3339_opts(SecondsFormat::Nanos, true);
    match s.split_once('.') {
        Some((head, frac)) => {
            let digits = frac.trim_end_matches('Z').trim_end_matches('0');
            if digits.is_empty() {
                format!("{head}Z")
            } else {
                format!("{head}.{digits}Z")
            }
        }
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn escapes_html_like_go() {
        let body = encode_go_json(&Response::message("a<b>&c"));
        assert_eq!(body, b"{\"message\":\"a\\u003cb\\u003e\\u0026c\"}\n");
    }

    #[test]
    fn omits_empty_detail_and_validations() {
        let body = encode_go_json(&Response::message("x").with_detail("d"));
        assert_eq!(body, b"{\"message\":\"x\",\"detail\":\"d\"}\n");
    }

    #[test]
    fn go_time_trims_zeros() {
        let t = Utc.with_ymd_and_hms(2025, 1, 2, 15, 4, 5).unwrap();
        assert_eq!(go_time(&t), "2025-01-02T15:04:05Z");
        let t = t + chrono::Duration::microseconds(123_400);
        assert_eq!(go_time(&t), "2025-01-02T15:04:05.1234Z");
    }
}
