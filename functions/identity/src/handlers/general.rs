//! Barong's unauthenticated facts: ping, time, version, configs, the JWKS, Geetest's challenge.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use gatehouse::AppState;
use gatehouse::config::CaptchaKind;
use gatehouse::wire::barong::error::{BarongError, json_response};
use http::StatusCode;
use serde_json::{Map, Value, json};

/// Barong's default password rule, as Ruby's `Regexp#to_s` prints it.
const PASSWORD_REGEXP: &str =
    "(?-mix:^(?=.*[[:lower:]])(?=.*[[:upper:]])(?=.*[[:digit:]])(?=.*[[:graph:]]).{8,80}$)";

pub async fn ping() -> Response {
    json_response(StatusCode::OK, &json!({"ping": "pong"}))
}

pub async fn time(State(state): State<AppState>) -> Response {
    json_response(
        StatusCode::OK,
        &json!({"time": state.clock.now().timestamp()}),
    )
}

/// The Barong API release this serves, with Gatehouse's own version as the commit.
pub async fn version() -> Response {
    json_response(
        StatusCode::OK,
        &json!({
            "git_tag": "2.7.0",
            "git_sha": concat!("gatehouse-", env!("CARGO_PKG_VERSION")),
            "build_date": "2020-12-08T15:09:53.000+02:00",
            "version": "2.7.0",
        }),
    )
}

pub async fn configs(State(state): State<AppState>) -> Response {
    let b = &state.settings.barong;
    let mut body = Map::new();
    body.insert(
        "session_expire_time".to_owned(),
        Value::from(b.session_expire_time.num_seconds()),
    );
    body.insert("captcha_type".to_owned(), Value::from(b.captcha.as_str()));
    if b.captcha == CaptchaKind::Recaptcha {
        body.insert(
            "captcha_id".to_owned(),
            Value::from(b.recaptcha_site_key.clone()),
        );
    }
    body.insert("phone_verification_type".to_owned(), Value::from("mock"));
    body.insert("password_min_entropy".to_owned(), Value::from(14));
    body.insert("password_regexp".to_owned(), Value::from(PASSWORD_REGEXP));
    json_response(StatusCode::OK, &Value::Object(body))
}

/// `GET /public/configs/auth0`: the Auth0 tenant clients sign in with (`""` when unset, as
/// Barong's defaults are).
pub async fn auth0_config(State(state): State<AppState>) -> Response {
    let b = &state.settings.barong;
    json_response(
        StatusCode::OK,
        &json!({"auth0_domain": b.auth0_domain, "auth0_client_id": b.auth0_client_id}),
    )
}

/// The public keys that verify the JWTs this deployment signs.
pub async fn jwks(State(state): State<AppState>) -> Result<Response, BarongError> {
    let key = state.barong_jwt_key().await.map_err(|e| {
        tracing::error!(error = %e, "JWT signing key unavailable");
        BarongError::internal()
    })?;
    Ok(json_response(StatusCode::OK, &key.jwks()))
}

/// `{"gt": <id>, "challenge": <md5>}`, or `""` when Geetest does not answer (as Barong).
pub async fn register_geetest(State(state): State<AppState>) -> Response {
    match gatehouse::auth::barong::captcha::register_geetest(&state).await {
        Some((gt, challenge)) => {
            json_response(StatusCode::OK, &json!({"gt": gt, "challenge": challenge}))
        }
        None => json_response(StatusCode::OK, &json!("")),
    }
    .into_response()
}
