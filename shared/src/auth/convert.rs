//! Converting a password account to OAuth login: a `convert-` state and an HS512-signed JWT
//! (the `coder_oauth_convert_jwt` cookie) that the OAuth callback checks. Nothing is stored:
//! the signature is the proof. The signing key and deployment id are deployment secrets held
//! in the store, created by the first caller, so every Lambda instance agrees on them.

use crate::Error;
use crate::model::{LoginType, User};
use crate::state::AppState;
use crate::token::random_alphanumeric;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, DurationRound, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha512;

const SIGNING_KEY: &str = "oidc-convert-hs512";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvertClaims {
    pub iss: String,
    pub sub: String,
    pub aud: Vec<String>,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    pub jti: String,
    pub user_id: String,
    pub state: String,
    pub from_login_type: String,
    pub to_login_type: String,
}

pub struct ConvertGrant {
    pub state_string: String,
    pub expires_at: DateTime<Utc>,
    pub jwt: String,
}

async fn signing_key(state: &AppState) -> Result<Vec<u8>, Error> {
    let mut candidate = [0u8; 64];
    rand::rngs::OsRng.fill_bytes(&mut candidate);
    Ok(state
        .store
        .get_or_create_secret(SIGNING_KEY, &candidate)
        .await?)
}

fn sign(key: &[u8], claims: &ConvertClaims) -> Result<String, Error> {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS512","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(claims).map_err(|e| Error::Internal(e.to_string()))?);
    let signing_input = format!("{header}.{payload}");
    let mut mac =
        Hmac::<Sha512>::new_from_slice(key).map_err(|e| Error::Internal(e.to_string()))?;
    mac.update(signing_input.as_bytes());
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    ))
}

/// Starts a conversion of `user` to `to`, valid for the configured 5 minutes.
pub async fn start(state: &AppState, user: &User, to: LoginType) -> Result<ConvertGrant, Error> {
    let now = state
        .clock
        .now()
        .duration_trunc(Duration::seconds(1))
        .unwrap_or_else(|_| state.clock.now());
    let expires_at = now + state.settings.convert_state_validity;
    let state_string = format!("convert-{}", random_alphanumeric(32));
    let claims = ConvertClaims {
        iss: super::deployment::id(state).await?.to_string(),
        sub: state_string.clone(),
        aud: vec![user.id.to_string()],
        exp: expires_at.timestamp(),
        nbf: (now - Duration::seconds(1)).timestamp(),
        iat: now.timestamp(),
        jti: uuid::Uuid::new_v4().to_string(),
        user_id: user.id.to_string(),
        state: state_string.clone(),
        from_login_type: user.login_type.as_str().to_owned(),
        to_login_type: to.as_str().to_owned(),
    };
    let jwt = sign(&signing_key(state).await?, &claims)?;
    Ok(ConvertGrant {
        state_string,
        expires_at,
        jwt,
    })
}

#[derive(Debug, PartialEq, Eq)]
pub enum ConvertJwtError {
    /// Not a JWT, not ours, or tampered with.
    Invalid,
    Expired,
}

/// Checks a convert JWT's signature and time window; returns its claims.
pub async fn verify(
    state: &AppState,
    jwt: &str,
) -> Result<Result<ConvertClaims, ConvertJwtError>, Error> {
    let key = signing_key(state).await?;
    let now = state.clock.now().timestamp();
    Ok(verify_with(&key, jwt, now))
}

fn verify_with(key: &[u8], jwt: &str, now: i64) -> Result<ConvertClaims, ConvertJwtError> {
    let mut parts = jwt.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ConvertJwtError::Invalid);
    };
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| ConvertJwtError::Invalid)?;
    let mut mac = Hmac::<Sha512>::new_from_slice(key).map_err(|_| ConvertJwtError::Invalid)?;
    mac.update(format!("{header}.{payload}").as_bytes());
    mac.verify_slice(&signature)
        .map_err(|_| ConvertJwtError::Invalid)?;
    let header: serde_json::Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(header)
            .map_err(|_| ConvertJwtError::Invalid)?,
    )
    .map_err(|_| ConvertJwtError::Invalid)?;
    if header.get("alg").and_then(|a| a.as_str()) != Some("HS512") {
        return Err(ConvertJwtError::Invalid);
    }
    let claims: ConvertClaims = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| ConvertJwtError::Invalid)?,
    )
    .map_err(|_| ConvertJwtError::Invalid)?;
    if now >= claims.exp || now < claims.nbf {
        return Err(ConvertJwtError::Expired);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> ConvertClaims {
        ConvertClaims {
            iss: "d".into(),
            sub: "convert-x".into(),
            aud: vec!["u".into()],
            exp,
            nbf: 0,
            iat: 1,
            jti: "j".into(),
            user_id: "u".into(),
            state: "convert-x".into(),
            from_login_type: "password".into(),
            to_login_type: "oidc".into(),
        }
    }

    #[test]
    fn round_trip_and_tamper() {
        let jwt = sign(b"k", &claims(100)).unwrap();
        assert_eq!(verify_with(b"k", &jwt, 50), Ok(claims(100)));
        assert_eq!(verify_with(b"k", &jwt, 100), Err(ConvertJwtError::Expired));
        assert_eq!(
            verify_with(b"other", &jwt, 50),
            Err(ConvertJwtError::Invalid)
        );
        let mut tampered = jwt.clone();
        tampered.insert(jwt.find('.').unwrap() + 3, 'A');
        assert_eq!(
            verify_with(b"k", &tampered, 50),
            Err(ConvertJwtError::Invalid)
        );
        assert_eq!(
            verify_with(b"k", "garbage", 50),
            Err(ConvertJwtError::Invalid)
        );
    }
}
