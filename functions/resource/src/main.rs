//! Lambda entry point of the `resource` group.

use gatehouse::AppState;
use gatehouse::config::{Settings, StoreKind};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    gatehouse::telemetry::init();
    let settings = Settings::from_env()?;
    if settings.store == StoreKind::DynamoDb {
        // Refuse to start rather than answer every key or 2FA request with an error.
        if settings.barong.secret_encryption_key.is_none() {
            return Err("GATEHOUSE_SECRET_ENCRYPTION_KEY is required with the DynamoDB store (SAM parameter SecretEncryptionKey)".into());
        }
        if settings.barong.jwt_private_key.is_none() {
            return Err("GATEHOUSE_JWT_PRIVATE_KEY is required with the DynamoDB store (SAM parameter JwtPrivateKey)".into());
        }
    }
    let state = AppState::without_mail(settings).await?;
    lambda_http::run(gatehouse_resource::router(state)).await
}
