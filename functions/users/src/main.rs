//! Lambda entry point of the `users` group.

use gatehouse::AppState;
use gatehouse::config::Settings;
use gatehouse::state::Mail;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    gatehouse::telemetry::init();
    let settings = Settings::from_env()?;
    let state = AppState::from_settings(settings, Mail::Sends).await?;
    lambda_http::run(gatehouse_users::router(state)).await
}
