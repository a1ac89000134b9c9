//! Lambda entry point of the `identity` group.

use gatehouse::AppState;
use gatehouse::config::{Settings, StoreKind};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    gatehouse::telemetry::init();
    let settings = Settings::from_env()?;
    if settings.store == StoreKind::DynamoDb && settings.barong.jwt_private_key.is_none() {
        // Refuse to start rather than answer every token request with an error.
        return Err("GATEHOUSE_JWT_PRIVATE_KEY is required with the DynamoDB store (SAM parameter JwtPrivateKey)".into());
    }
    let state = AppState::with_mail(settings).await?;
    lambda_http::run(gatehouse_identity::router(state)).await
}
