//! Lambda entry point of the `resource` group.

use gatehouse::AppState;
use gatehouse::config::{RequiredKey, Settings};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    gatehouse::telemetry::init();
    let settings = Settings::from_env()?;
    // Refuse to start rather than fail every key, 2FA or token request.
    if let Some(missing) = settings.barong.missing(
        settings.store,
        &[RequiredKey::SecretEncryptionKey, RequiredKey::JwtPrivateKey],
    ) {
        return Err(missing.into());
    }
    let state = AppState::without_mail(settings).await?;
    lambda_http::run(gatehouse_resource::router(state)).await
}
