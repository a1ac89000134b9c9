//! Prints the OpenAPI document generated from every group's routes:
//! `cargo run -p gatehouse-local --bin gatehouse-openapi > functions/resource/openapi.json`.

use gatehouse::AppState;
use gatehouse::clock::SystemClock;
use gatehouse::config::Settings;
use gatehouse::mail::OutboxMailer;
use gatehouse::store::EmbeddedStore;
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Building the routers needs an application state; nothing is read from or written to it.
    let dir = std::env::temp_dir().join(format!("gatehouse-openapi-{}", std::process::id()));
    let settings = Settings {
        data_dir: dir.clone(),
        ..Settings::default()
    };
    let store = Arc::new(EmbeddedStore::open(&dir)?);
    let mailer = Arc::new(OutboxMailer::new(dir.join("outbox")));
    let state = AppState::new(settings, store, mailer, Arc::new(SystemClock));
    let document = gatehouse_local::openapi(state);
    let _ = std::fs::remove_dir_all(&dir);
    println!("{}", serde_json::to_string_pretty(&document)?);
    Ok(())
}
