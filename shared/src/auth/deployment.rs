//! Facts about the deployment that clients ask for: its id and the API version it serves.

use crate::Error;
use crate::state::AppState;

/// The Coder release whose API this serves (a macro, so [`VERSION`] can be built from it).
macro_rules! coder_api_version {
    () => {
        "v2.27.0"
    };
}
pub const CODER_API_VERSION: &str = coder_api_version!();
pub const PROVISIONER_API_VERSION: &str = "1.10";
pub const EXTERNAL_URL: &str = "https://github.com/coder/coder";

/// Coder's version with Gatehouse's as build metadata, so Coder clients' compatibility checks
/// (major.minor, on buildinfo and on every response's `X-Coder-Build-Version`) pass and a person
/// can still tell what answered.
pub const VERSION: &str = concat!(
    coder_api_version!(),
    "+gatehouse.",
    env!("CARGO_PKG_VERSION")
);

/// The deployment's id (buildinfo's `deployment_id`, the convert JWT's issuer): created once,
/// by whichever process asks first, and kept in the store as its text form.
pub async fn id(state: &AppState) -> Result<uuid::Uuid, Error> {
    let candidate = uuid::Uuid::new_v4().to_string();
    let stored = state
        .store
        .get_or_create_secret("deployment-id", candidate.as_bytes())
        .await?;
    std::str::from_utf8(&stored)
        .ok()
        .and_then(|s| uuid::Uuid::parse_str(s).ok())
        .ok_or_else(|| Error::Internal("the stored deployment id is not a UUID".to_owned()))
}
