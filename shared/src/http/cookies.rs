//! Reading request cookies and writing `Set-Cookie`.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The first cookie called `name` across all `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"').to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    Lax,
    None,
}

/// A `Set-Cookie` value: `Path=/`, `HttpOnly`, and the given attributes.
pub struct SetCookie<'a> {
    pub name: &'a str,
    pub value: &'a str,
    pub expires: Option<chrono::DateTime<chrono::Utc>>,
    pub max_age: Option<i64>,
    pub same_site: SameSite,
    pub secure: bool,
}

impl SetCookie<'_> {
    pub fn render(&self) -> String {
        let mut out = format!("{}={}; Path=/", self.name, self.value);
        if let Some(expires) = self.expires {
            out.push_str(&format!(
                "; Expires={}",
                expires.format("%a, %d %b %Y %H:%M:%S GMT")
            ));
        }
        if let Some(max_age) = self.max_age {
            out.push_str(&format!("; Max-Age={max_age}"));
        }
        out.push_str("; HttpOnly");
        if self.secure {
            out.push_str("; Secure");
        }
        out.push_str(match self.same_site {
            SameSite::Lax => "; SameSite=Lax",
            SameSite::None => "; SameSite=None",
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn finds_cookie_among_many() {
        let mut h = HeaderMap::new();
        h.append(
            COOKIE,
            HeaderValue::from_static("a=1; coder_session_token=tok"),
        );
        assert_eq!(cookie(&h, "coder_session_token").as_deref(), Some("tok"));
        assert_eq!(cookie(&h, "missing"), None);
    }
}
