//! Barong's parameters as the handlers use them: Grape's declarations, text values, and the
//! captcha answer in whichever form it came.

use gatehouse::auth::barong::captcha::{CaptchaError, CaptchaResponse};
use gatehouse::http::barong_params::ParamValue;
use gatehouse::wire::barong::error::BarongError;

pub use gatehouse::http::barong_params::BarongParams as Params;
pub use gatehouse::http::barong_validation::Param as Spec;

/// A parameter's text, once declared as a String (Grape has coerced numbers and booleans).
pub trait Text {
    fn text(&self, name: &str) -> Option<String>;
}

impl Text for Params {
    fn text(&self, name: &str) -> Option<String> {
        self.string(name).map(str::to_owned)
    }
}

/// `captcha_response`: a string (reCAPTCHA) or a map of strings (Geetest).
pub fn captcha_response(params: &Params) -> CaptchaResponse<'_> {
    match params.get("captcha_response") {
        None | Some(ParamValue::Null) => CaptchaResponse::Missing,
        Some(ParamValue::String(s)) => CaptchaResponse::Text(s),
        Some(ParamValue::Map(m)) => CaptchaResponse::Fields(
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k, v)))
                .collect(),
        ),
        // Anything else is neither form: Geetest asks for its fields, reCAPTCHA cannot verify.
        Some(_) => CaptchaResponse::Fields(Vec::new()),
    }
}

/// The captcha refusals, with Barong's statuses.
pub fn captcha_error(e: CaptchaError) -> BarongError {
    match e {
        CaptchaError::Required => BarongError::bad_request("identity.captcha.required"),
        CaptchaError::MandatoryFields => {
            BarongError::bad_request("identity.captcha.mandatory_fields")
        }
        CaptchaError::VerificationFailed => {
            BarongError::unprocessable(["identity.captcha.verification_failed"])
        }
    }
}
