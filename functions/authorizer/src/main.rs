//! Lambda entry point of the API Gateway authorizer. Not an HTTP function: `lambda_runtime`
//! directly, one JSON event in, one simple response out.

use gatehouse::AppState;
use gatehouse::config::{RequiredKey, Settings};
use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;

// One thread: an authorizer awaits the store and signs one JWT per event; worker threads would
// only add to init.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    gatehouse::telemetry::init();
    let settings = Settings::from_env()?;
    // Refuse to start rather than refuse every signed request or fail every JWT.
    if let Some(missing) = settings.barong.missing(
        settings.store,
        &[RequiredKey::SecretEncryptionKey, RequiredKey::JwtPrivateKey],
    ) {
        return Err(missing.into());
    }
    let state = AppState::without_mail(settings).await?;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let state = state.clone();
        async move {
            Ok::<_, lambda_runtime::Error>(
                gatehouse_authorizer::handle(&state, event.payload).await,
            )
        }
    }))
    .await
}
