//! The AWS SDK's configuration, loaded once per process and shared by every client.
//!
//! HTTPS goes through rustls on `ring`, not the SDK's default `aws-lc-rs`: a smaller binary
//! (Lambda loads it at every cold start) and no CPU-jitter entropy collection at start-up. The
//! root certificates are the system's, read once when the first SDK client is built (at init);
//! `SSL_CERT_FILE` in `template.yaml` limits that to one bundle file.

use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

/// The HTTPS client every SDK client uses.
pub fn http_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

/// The SDK's configuration, the SDK's way (`AWS_REGION`, `AWS_ENDPOINT_URL`, credentials chain).
pub async fn load_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(http_client())
        .load()
        .await
}
