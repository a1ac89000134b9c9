//! The deployment's public URL, for mailed links and the cookies' `Secure` flag.
//!
//! In order: `GATEHOUSE_BASE_URL` when set; else the domain API Gateway received the request on
//! (its request context, which API Gateway fills in itself), with the stage path when the domain
//! is API Gateway's own and the stage is not `$default`; else the local listen address. The
//! `Host` header is never used: a client could point a mailed reset link at its own site.
//!
//! Taking the URL from the request, not from the template, is what lets `template.yaml` avoid a
//! function -> API -> function dependency cycle.

use crate::AppState;
use crate::config::Settings;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use lambda_http::request::RequestContext;
use std::convert::Infallible;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(pub String);

impl PublicUrl {
    /// Auth cookies carry `Secure` when the deployment is served over https.
    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }
}

pub fn public_url(settings: &Settings, parts: &Parts) -> PublicUrl {
    if let Some(url) = &settings.base_url {
        return PublicUrl(url.clone());
    }
    if let Some(RequestContext::ApiGatewayV2(ctx)) = parts.extensions.get::<RequestContext>()
        && let Some(domain) = ctx.domain_name.as_deref().filter(|d| is_domain_name(d))
    {
        let stage = ctx.stage.as_deref().unwrap_or("$default");
        // A custom domain maps stages through its own base paths, which the request does not tell.
        let on_api_gateway_domain = domain.contains(".execute-api.");
        return PublicUrl(
            if on_api_gateway_domain && stage != "$default" && is_segment(stage) {
                format!("https://{domain}/{stage}")
            } else {
                format!("https://{domain}")
            },
        );
    }
    PublicUrl(format!("http://{}", settings.listen))
}

/// Host names only (letters, digits, `-`, `.`, an optional `:port`): nothing that could turn a
/// link into something else.
fn is_domain_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':'))
}

fn is_segment(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

impl FromRequestParts<AppState> for PublicUrl {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(public_url(&state.settings, parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;

    fn parts_with(domain: Option<&str>, stage: Option<&str>) -> Parts {
        let mut ctx = ApiGatewayV2httpRequestContext::default();
        ctx.domain_name = domain.map(str::to_owned);
        ctx.stage = stage.map(str::to_owned);
        let (mut parts, ()) = axum::http::Request::new(()).into_parts();
        parts.extensions.insert(RequestContext::ApiGatewayV2(ctx));
        parts
    }

    #[test]
    fn configured_url_wins() {
        let settings = Settings {
            base_url: Some("https://auth.example.com".to_owned()),
            ..Settings::default()
        };
        let parts = parts_with(Some("abc.execute-api.us-east-1.amazonaws.com"), None);
        assert_eq!(public_url(&settings, &parts).0, "https://auth.example.com");
    }

    #[test]
    fn api_gateway_domain_and_stage() {
        let s = Settings::default();
        let gw = "abc.execute-api.us-east-1.amazonaws.com";
        assert_eq!(
            public_url(&s, &parts_with(Some(gw), Some("$default"))).0,
            format!("https://{gw}")
        );
        assert_eq!(
            public_url(&s, &parts_with(Some(gw), Some("prod"))).0,
            format!("https://{gw}/prod")
        );
        assert_eq!(
            public_url(&s, &parts_with(Some("auth.example.com"), Some("prod"))).0,
            "https://auth.example.com"
        );
        assert!(public_url(&s, &parts_with(Some(gw), None)).is_https());
    }

    #[test]
    fn never_a_forged_domain_or_host_header() {
        let s = Settings::default();
        let local = "http://127.0.0.1:8080";
        assert_eq!(
            public_url(&s, &parts_with(Some("evil.com/x?"), None)).0,
            local
        );
        let (mut parts, ()) = axum::http::Request::builder()
            .header("host", "evil.com")
            .body(())
            .unwrap()
            .into_parts();
        parts.extensions.clear();
        assert_eq!(public_url(&s, &parts).0, local);
        assert!(!public_url(&s, &parts).is_https());
    }
}
