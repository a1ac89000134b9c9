//! Lambda entry point of the `identity` group.

use gatehouse::AppState;
use gatehouse::config::{RequiredKey, Settings};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    gatehouse::telemetry::init();
    let settings = Settings::from_env()?;
    // Refuse to start rather than fail every token request, or every sign-in with 2FA.
    if let Some(missing) = settings.barong.missing(
        settings.store,
        &[RequiredKey::JwtPrivateKey, RequiredKey::SecretEncryptionKey],
    ) {
        return Err(missing.into());
    }
    let state = AppState::with_mail(settings).await?;
    lambda_http::run(gatehouse_identity::router(state)).await
}
