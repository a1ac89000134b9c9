//! Barong's captcha gate (`verify_captcha!`): reCAPTCHA v2 or Geetest, on the endpoints the
//! settings list. The verification URLs are settings, so tests point them at a local fake.

use crate::config::CaptchaKind;
use crate::state::AppState;
use md5::{Digest, Md5};
use serde_json::Value;

/// What the client sent as `captcha_response`: a string (reCAPTCHA) or a map (Geetest).
pub enum CaptchaResponse<'a> {
    Missing,
    Text(&'a str),
    Fields(Vec<(&'a str, &'a str)>),
}

#[derive(Debug, PartialEq, Eq)]
pub enum CaptchaError {
    /// 400 `identity.captcha.required`.
    Required,
    /// 400 `identity.captcha.mandatory_fields` (Geetest without its three strings).
    MandatoryFields,
    /// 422 `identity.captcha.verification_failed`.
    VerificationFailed,
}

fn md5_hex(text: &str) -> String {
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks the captcha when `endpoint` is protected; passes otherwise.
pub async fn verify(
    state: &AppState,
    endpoint: &str,
    response: CaptchaResponse<'_>,
) -> Result<(), CaptchaError> {
    let settings = &state.settings.barong;
    if !settings.captcha_protects(endpoint) {
        return Ok(());
    }
    let blank = match &response {
        CaptchaResponse::Missing => true,
        CaptchaResponse::Text(t) => t.trim().is_empty(),
        CaptchaResponse::Fields(f) => f.is_empty(),
    };
    if blank {
        return Err(CaptchaError::Required);
    }
    match settings.captcha {
        CaptchaKind::None => Ok(()),
        CaptchaKind::Recaptcha => {
            let CaptchaResponse::Text(token) = response else {
                return Err(CaptchaError::VerificationFailed);
            };
            let fields = [
                ("secret", settings.recaptcha_secret_key.as_str()),
                ("response", token),
            ];
            match crate::outbound::post_form(&settings.recaptcha_verify_url, &fields).await {
                Ok((200, body)) => {
                    let verdict: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    if verdict.get("success") == Some(&Value::Bool(true)) {
                        Ok(())
                    } else {
                        Err(CaptchaError::VerificationFailed)
                    }
                }
                Ok(_) => Err(CaptchaError::VerificationFailed),
                Err(e) => {
                    tracing::warn!(error = %e, "reCAPTCHA verification unreachable");
                    Err(CaptchaError::VerificationFailed)
                }
            }
        }
        CaptchaKind::Geetest => {
            let CaptchaResponse::Fields(fields) = response else {
                return Err(CaptchaError::MandatoryFields);
            };
            let field = |name: &str| fields.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
            let (Some(challenge), Some(validate), Some(seccode)) = (
                field("geetest_challenge"),
                field("geetest_validate"),
                field("geetest_seccode"),
            ) else {
                return Err(CaptchaError::MandatoryFields);
            };
            let expected = md5_hex(&format!("{}geetest{challenge}", settings.geetest_key));
            if !bool::from(subtle::ConstantTimeEq::ct_eq(
                validate.as_bytes(),
                expected.as_bytes(),
            )) {
                return Err(CaptchaError::VerificationFailed);
            }
            let url = format!("{}/validate.php", settings.geetest_url);
            match crate::outbound::post_form(&url, &[("seccode", seccode)]).await {
                Ok((200, body)) if body.as_ref() == md5_hex(seccode).as_bytes() => Ok(()),
                Ok(_) => Err(CaptchaError::VerificationFailed),
                Err(e) => {
                    tracing::warn!(error = %e, "Geetest verification unreachable");
                    Err(CaptchaError::VerificationFailed)
                }
            }
        }
    }
}

/// `GET /identity/users/register_geetest`: a Geetest challenge, or `None` when Geetest does not
/// answer (Barong then answers `""`).
pub async fn register_geetest(state: &AppState) -> Option<(String, String)> {
    let settings = &state.settings.barong;
    if settings.captcha != CaptchaKind::Geetest || settings.geetest_id.is_empty() {
        // Nothing to ask Geetest for.
        return None;
    }
    let url = format!(
        "{}/register.php?gt={}",
        settings.geetest_url,
        form_urlencoded::byte_serialize(settings.geetest_id.as_bytes()).collect::<String>()
    );
    match crate::outbound::get(&url).await {
        Ok((200, body)) => {
            let challenge = String::from_utf8(body.to_vec()).ok()?;
            let challenge = challenge.trim();
            if challenge.is_empty() {
                return None;
            }
            Some((
                settings.geetest_id.clone(),
                md5_hex(&format!("{challenge}{}", settings.geetest_key)),
            ))
        }
        Ok(_) => None,
        Err(e) => {
            tracing::warn!(error = %e, "Geetest registration unreachable");
            None
        }
    }
}
