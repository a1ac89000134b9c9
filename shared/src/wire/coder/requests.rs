//! Coder request bodies (codersdk), each with its Go type name and validate tags.

use super::go_json::{DecodeError, GoObject, GoRequest, parse_go_uuid};
use super::validate::{FieldFailure, check};
use uuid::Uuid;

fn failures(checks: impl IntoIterator<Item = Option<FieldFailure>>) -> Vec<FieldFailure> {
    checks.into_iter().flatten().collect()
}

#[derive(Debug, Clone)]
pub struct LoginWithPasswordRequest {
    pub email: String,
    pub password: String,
}

impl GoRequest for LoginWithPasswordRequest {
    const GO_TYPE: &'static str = "codersdk.LoginWithPasswordRequest";
    fn from_object(o: &GoObject<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            email: o.string("email")?,
            password: o.string("password")?,
        })
    }
    fn validate(&self) -> Vec<FieldFailure> {
        failures([
            check("email", &self.email, &["required", "email"]),
            check("password", &self.password, &["required"]),
        ])
    }
}

#[derive(Debug, Clone)]
pub struct RequestOneTimePasscodeRequest {
    pub email: String,
}

impl GoRequest for RequestOneTimePasscodeRequest {
    const GO_TYPE: &'static str = "codersdk.RequestOneTimePasscodeRequest";
    fn from_object(o: &GoObject<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            email: o.string("email")?,
        })
    }
    fn validate(&self) -> Vec<FieldFailure> {
        failures([check("email", &self.email, &["required", "email"])])
    }
}

#[derive(Debug, Clone)]
pub struct ChangePasswordWithOneTimePasscodeRequest {
    pub email: String,
    pub password: String,
    pub one_time_passcode: String,
}

impl GoRequest for ChangePasswordWithOneTimePasscodeRequest {
    const GO_TYPE: &'static str = "codersdk.ChangePasswordWithOneTimePasscodeRequest";
    fn from_object(o: &GoObject<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            email: o.string("email")?,
            password: o.string("password")?,
            one_time_passcode: o.string("one_time_passcode")?,
        })
    }
    fn validate(&self) -> Vec<FieldFailure> {
        failures([
            check("email", &self.email, &["required", "email"]),
            check("password", &self.password, &["required"]),
            check("one_time_passcode", &self.one_time_passcode, &["required"]),
        ])
    }
}

#[derive(Debug, Clone)]
pub struct ValidateUserPasswordRequest {
    pub password: String,
}

impl GoRequest for ValidateUserPasswordRequest {
    const GO_TYPE: &'static str = "codersdk.ValidateUserPasswordRequest";
    fn from_object(o: &GoObject<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            password: o.string("password")?,
        })
    }
    fn validate(&self) -> Vec<FieldFailure> {
        failures([check("password", &self.password, &["required"])])
    }
}

#[derive(Debug, Clone)]
pub struct ConvertLoginRequest {
    pub to_type: String,
    pub password: String,
}

impl GoRequest for ConvertLoginRequest {
    const GO_TYPE: &'static str = "codersdk.ConvertLoginRequest";
    fn from_object(o: &GoObject<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            to_type: o.string("to_type")?,
            password: o.string("password")?,
        })
    }
    fn validate(&self) -> Vec<FieldFailure> {
        failures([
            check("to_type", &self.to_type, &["required"]),
            check("password", &self.password, &["required"]),
        ])
    }
}

#[derive(Debug, Clone)]
pub struct CreateFirstUserRequest {
    pub email: String,
    pub username: String,
    pub name: String,
    pub password: String,
    pub trial: bool,
}

impl GoRequest for CreateFirstUserRequest {
    const GO_TYPE: &'static str = "codersdk.CreateFirstUserRequest";
    fn from_object(o: &GoObject<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            email: o.string("email")?,
            username: o.string("username")?,
            name: o.string("name")?,
            password: o.string("password")?,
            trial: o.bool("trial")?,
        })
    }
    fn validate(&self) -> Vec<FieldFailure> {
        failures([
            check("email", &self.email, &["required", "email"]),
            check("username", &self.username, &["required", "username"]),
            check("name", &self.name, &["user_real_name"]),
            check("password", &self.password, &["required"]),
        ])
    }
}

#[derive(Debug, Clone)]
pub struct CreateUserRequestWithOrgs {
    pub email: String,
    pub username: String,
    pub name: String,
    pub password: String,
    pub login_type: String,
    pub user_status: Option<String>,
    pub organization_ids: Vec<Uuid>,
    /// Older clients' way to ask for login type `none` (honoured when `login_type` is empty).
    pub disable_login: bool,
}

impl GoRequest for CreateUserRequestWithOrgs {
    const GO_TYPE: &'static str = "codersdk.CreateUserRequestWithOrgs";
    fn from_object(o: &GoObject<'_>) -> Result<Self, DecodeError> {
        let user_status = match o.raw("user_status") {
            None => None,
            Some(_) => Some(o.string("user_status")?),
        };
        let mut organization_ids = o.uuids("organization_ids")?;
        // The single `organization_id` of older clients joins the list, as Coder's decoder does.
        if let Some(serde_json::Value::String(id)) = o.get("organization_id") {
            let id = parse_go_uuid(id).map_err(|detail| DecodeError { detail })?;
            if !organization_ids.contains(&id) {
                organization_ids.push(id);
            }
        }
        Ok(Self {
            email: o.string("email")?,
            username: o.string("username")?,
            name: o.string("name")?,
            password: o.string("password")?,
            login_type: o.string("login_type")?,
            user_status,
            organization_ids,
            disable_login: o.bool("disable_login")?,
        })
    }
    fn validate(&self) -> Vec<FieldFailure> {
        failures([
            check("email", &self.email, &["required", "email"]),
            check("username", &self.username, &["required", "username"]),
            check("name", &self.name, &["user_real_name"]),
        ])
    }
}

/// `codersdk.UpdateUserProfileRequest`.
#[derive(Debug, Clone)]
pub struct UpdateUserProfileRequest {
    pub username: String,
    pub name: String,
}

impl GoRequest for UpdateUserProfileRequest {
    const GO_TYPE: &'static str = "codersdk.UpdateUserProfileRequest";
    fn from_object(o: &GoObject<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            username: o.string("username")?,
            name: o.string("name")?,
        })
    }
    fn validate(&self) -> Vec<FieldFailure> {
        failures([
            check("username", &self.username, &["required", "username"]),
            check("name", &self.name, &["user_real_name"]),
        ])
    }
}

/// `codersdk.UpdateUserPasswordRequest`.
#[derive(Debug, Clone)]
pub struct UpdateUserPasswordRequest {
    pub old_password: String,
    pub password: String,
}

impl GoRequest for UpdateUserPasswordRequest {
    const GO_TYPE: &'static str = "codersdk.UpdateUserPasswordRequest";
    fn from_object(o: &GoObject<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            old_password: o.string("old_password")?,
            password: o.string("password")?,
        })
    }
    fn validate(&self) -> Vec<FieldFailure> {
        failures([check("password", &self.password, &["required"])])
    }
}

#[cfg(test)]
mod tests {
    use super::super::go_json::decode_request;
    use super::*;

    #[test]
    fn go_decoding_rules() {
        let r: LoginWithPasswordRequest =
            decode_request(br#"{"EMAIL":"a@b.co","password":"p","extra":1} trailing"#).unwrap();
        assert_eq!(r.email, "a@b.co");
        assert_eq!(
            decode_request::<LoginWithPasswordRequest>(b"")
                .unwrap_err()
                .detail,
            "EOF"
        );
        assert_eq!(
            decode_request::<LoginWithPasswordRequest>(b"   ")
                .unwrap_err()
                .detail,
            "EOF"
        );
        assert_eq!(
            decode_request::<LoginWithPasswordRequest>(br#"{"email":"#)
                .unwrap_err()
                .detail,
            "unexpected EOF"
        );
        assert_eq!(
            decode_request::<LoginWithPasswordRequest>(br#"{"email":1}"#)
                .unwrap_err()
                .detail,
            "json: cannot unmarshal number into Go struct field LoginWithPasswordRequest.email of type string"
        );
        assert_eq!(
            decode_request::<LoginWithPasswordRequest>(b"[]")
                .unwrap_err()
                .detail,
            "json: cannot unmarshal array into Go value of type codersdk.LoginWithPasswordRequest"
        );
        let null: LoginWithPasswordRequest = decode_request(br#"{"email":null}"#).unwrap();
        assert_eq!(null.email, "");
        assert_eq!(
            decode_request::<LoginWithPasswordRequest>(b"{x}")
                .unwrap_err()
                .detail,
            "invalid character 'x' looking for beginning of object key string"
        );
        // The first member that does not fit, in document order, repeated keys included.
        for body in [
            r#"{"password":true,"email":5}"#,
            r#"{"email":"a@b.co","password":true,"email":5}"#,
        ] {
            assert_eq!(
                decode_request::<LoginWithPasswordRequest>(body.as_bytes())
                    .unwrap_err()
                    .detail,
                "json: cannot unmarshal bool into Go struct field LoginWithPasswordRequest.password of type string",
                "{body}"
            );
        }
        // Bodies Go reads and serde_json alone would not (checked against Go 1.19).
        let r: LoginWithPasswordRequest =
            decode_request(br#"{"email":"a@b.co","password":"x\ud800","n":1e999}"#).unwrap();
        assert_eq!(r.password, "x\u{fffd}");
        assert_eq!(
            decode_request::<LoginWithPasswordRequest>(br#"{"password":1e999}"#)
                .unwrap_err()
                .detail,
            "json: cannot unmarshal number into Go struct field LoginWithPasswordRequest.password of type string"
        );
    }

    /// Each right-hand side is Go's `strconv.Quote` of the left (Go 1.19).
    #[test]
    fn go_quote_is_strconv_quote() {
        use super::super::go_json::go_quote;
        for (s, go) in [
            ("a\"b\\", r#""a\"b\\""#),
            ("\u{1}\0\u{7f}\t\n", r#""\x01\x00\x7f\t\n""#),
            (
                "\u{85}\u{a0}\u{ad}é\u{200b}\u{feff}",
                r#""\u0085\u00a0\u00adé\u200b\ufeff""#,
            ),
            ("😀\u{f0000}", r#""😀\U000f0000""#),
        ] {
            assert_eq!(go_quote(s), go, "{s:?}");
        }
    }

    #[test]
    fn uuid_list_errors() {
        let e = decode_request::<CreateUserRequestWithOrgs>(br#"{"organization_ids":["abc"]}"#)
            .unwrap_err();
        assert_eq!(e.detail, "invalid UUID length: 3");
    }
}
