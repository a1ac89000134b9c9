use crate::handlers::set_cookie;
use crate::refusals::coder_login_error;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse::AppState;
use gatehouse::auth::{convert, login};
use gatehouse::http::coder_json::CoderJson;
use gatehouse::http::coder_session::CoderSession;
use gatehouse::http::coder_user_param as user_param;
use gatehouse::http::cookies::{SameSite, SetCookie};
use gatehouse::http::public_url::PublicUrl;
use gatehouse::model::LoginType;
use gatehouse::wire::coder::{CoderError, ConvertLoginRequest, go_time, write_json};
use serde_json::json;

pub const CONVERT_COOKIE: &str = "coder_oauth_convert_jwt";

/// `POST /api/v2/users/{user}/convert-login`: after the password is confirmed, 201 with a
/// `convert-` state and the signed cookie the OAuth callback will check. Unlike Coder, only the
/// caller's own account: any other answers 401 "Incorrect email or password." whatever the
/// password, and every call counts against the login rate limit.
pub async fn convert_login(
    State(state): State<AppState>,
    CoderSession(s): CoderSession,
    base_url: PublicUrl,
    Path(param): Path<String>,
    request: Request,
) -> Result<Response, CoderError> {
    let target = user_param::resolve(&state, &s.user, &param).await?;
    let CoderJson(req) = CoderJson::<ConvertLoginRequest>::from_request(request, &state).await?;
    let to = match LoginType::parse(&req.to_type) {
        Some(t @ (LoginType::Github | LoginType::Oidc)) => t,
        Some(_) => {
            return Err(CoderError::bad_request(format!(
                "Cannot convert to login type \"{}\".",
                req.to_type
            )));
        }
        None => {
            return Err(CoderError::bad_request(format!(
                "Unknown login type \"{}\".",
                req.to_type
            )));
        }
    };
    // Only one's own account converts. For anyone else the password is still "checked" (the
    // same argon2 cost) and always refused, so the endpoint tells nothing about it.
    let own = (target.id == s.user.id).then_some(target);
    let user = login::check_password(&state, own, &req.password)
        .await
        .map_err(coder_login_error)?;
    if user.login_type != LoginType::Password {
        return Err(CoderError::bad_request(
            "User account must have password based authentication.",
        ));
    }
    let grant = convert::start(&state, &user, to).await?;
    let cookie = SetCookie {
        name: CONVERT_COOKIE,
        value: &grant.jwt,
        expires: Some(grant.expires_at),
        max_age: None,
        same_site: SameSite::Lax,
        secure: base_url.is_https(),
    };
    let body = json!({
        "state_string": grant.state_string,
        "expires_at": go_time(&grant.expires_at),
        "to_type": to.as_str(),
        "user_id": user.id.to_string(),
    });
    Ok(set_cookie(
        write_json(StatusCode::CREATED, &body),
        &cookie.render(),
    ))
}
