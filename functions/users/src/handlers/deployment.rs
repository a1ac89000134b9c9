//! What a client asks before signing in: how it may sign in, and what it is talking to.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response as HttpResponse;
use gatehouse::AppState;
use gatehouse::auth::deployment;
use gatehouse::http::public_url::PublicUrl;
use gatehouse::wire::coder::{CoderError, write_json};
use serde_json::json;

/// `GET /api/v2`: Coder's API root, 200 `{"message":"👋"}`.
pub async fn api_root() -> HttpResponse {
    write_json(
        StatusCode::OK,
        &gatehouse::wire::coder::Response::message("👋"),
    )
}

/// `GET /api/v2/users/authmethods`: password sign-in unless disabled; no OAuth providers.
pub async fn auth_methods(State(state): State<AppState>) -> HttpResponse {
    write_json(
        StatusCode::OK,
        &json!({
            "password": { "enabled": !state.settings.password_auth_disabled },
            "github": { "enabled": false, "default_provider_configured": false },
            "oidc": { "enabled": false, "signInText": "", "iconUrl": "" },
        }),
    )
}

/// `GET /api/v2/buildinfo`: the Coder API version served, and this deployment's id and URL.
pub async fn build_info(
    State(state): State<AppState>,
    base_url: PublicUrl,
) -> Result<HttpResponse, CoderError> {
    let deployment_id = deployment::id(&state).await?;
    Ok(write_json(
        StatusCode::OK,
        &json!({
            "external_url": deployment::EXTERNAL_URL,
            "version": deployment::VERSION,
            "dashboard_url": base_url.0,
            "telemetry": false,
            "workspace_proxy": false,
            "agent_api_version": "1.0",
            "provisioner_api_version": deployment::PROVISIONER_API_VERSION,
            "upgrade_message": "",
            "deployment_id": deployment_id.to_string(),
        }),
    ))
}
