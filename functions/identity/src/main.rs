//! Lambda entry point of the `identity` group.

use gatehouse::AppState;
use gatehouse::config::Settings;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    gatehouse::telemetry::init();
    let settings = Settings::from_env()?;
    let state = AppState::with_mail(settings).await?;
    lambda_http::run(gatehouse_identity::router(state)).await
}
