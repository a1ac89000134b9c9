//! Where each surface's clients put their credentials.

use super::cookies::cookie;
use axum::http::request::Parts;

pub const CODER_SESSION_COOKIE: &str = "coder_session_token";
pub const CODER_SESSION_HEADER: &str = "Coder-Session-Token";

/// Coder's `APITokenFromRequest`: the first non-empty of the `coder_session_token` cookie, the
/// `?coder_session_token=` query value, the `Coder-Session-Token` header, `Authorization: Bearer`
/// and `?access_token=`.
pub fn coder_session_token(parts: &Parts) -> Option<String> {
    let query = |name: &str| -> Option<String> {
        form_urlencoded::parse(parts.uri.query()?.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let bearer = || {
        let value = header("authorization")?;
        let (scheme, rest) = value.split_at_checked(7)?;
        scheme
            .eq_ignore_ascii_case("bearer ")
            .then(|| rest.trim().to_owned())
    };
    [
        cookie(&parts.headers, CODER_SESSION_COOKIE),
        query(CODER_SESSION_COOKIE),
        header(CODER_SESSION_HEADER),
        bearer(),
        query("access_token"),
    ]
    .into_iter()
    .flatten()
    .find(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(req: Request<()>) -> Parts {
        req.into_parts().0
    }

    #[test]
    fn precedence_follows_coder() {
        let p = parts(
            Request::builder()
                .uri("/x?coder_session_token=q")
                .header("Cookie", "coder_session_token=c")
                .header("Coder-Session-Token", "h")
                .body(())
                .unwrap(),
        );
        assert_eq!(coder_session_token(&p).as_deref(), Some("c"));
        let p = parts(
            Request::builder()
                .uri("/x")
                .header("Authorization", "bEaReR  tok ")
                .body(())
                .unwrap(),
        );
        assert_eq!(coder_session_token(&p).as_deref(), Some("tok"));
        let p = parts(
            Request::builder()
                .uri("/x?access_token=a")
                .body(())
                .unwrap(),
        );
        assert_eq!(coder_session_token(&p).as_deref(), Some("a"));
        let p = parts(
            Request::builder()
                .uri("/x")
                .header("Authorization", "Basic Zm9v")
                .body(())
                .unwrap(),
        );
        assert_eq!(coder_session_token(&p), None);
    }
}
