//! Grape's parameter declarations (`requires`/`optional` with `type:`, `allow_blank: false`,
//! `values:` and explicit messages) as Barong renders their failures: 422
//! `{"errors":[...]}` (`app/api/v2/exception_handlers.rb`).
//!
//! What Grape 1.4 does, and this mirrors:
//! * Validators run per declared parameter, in declaration order, each one's in this order:
//!   presence (`requires` only), type coercion, `allow_blank`, `values`. Every failure is kept
//!   (no fail-fast). (`ParamsScope#validates` adds the presence validator, then the coercion,
//!   then the others; so a String given `{}` with `allow_blank: false` reports `invalid` before
//!   `empty_*`.)
//! * Presence only asks whether the key exists: `{"email": null}` is not missing.
//! * An optional parameter is only checked when its key exists; a required one always.
//! * Coercion replaces the value (a JSON number or boolean given to a String becomes its text,
//!   `"123"`, `"true"`); a map or list given to a String fails (`is invalid` → `invalid`).
//! * `allow_blank: false` fails on null, a string of white space only, an empty map or list; never
//!   on `false` (`value == false` is exempt) or a number.
//! * `values:` compares the coerced value (each element of a list); a missing required parameter
//!   is compared as `nil` and fails too.
//! * Message keys (`app/api/v2/validations.rb`): presence `<prefix>.missing_<param>`, allow_blank
//!   `<prefix>.empty_<param>`, unless a message is given; coercion `invalid` and values `value`
//!   (the last word of Grape's English text) unless a message is given. An explicit `message:` on
//!   `requires` replaces only the presence message.
//! * Barong keeps the last white-space separated word of each full message `"<param> <message>"`,
//!   after Grape dropped duplicate full messages: a key repeated for one parameter appears once;
//!   the same key from two parameters appears twice, as in Barong.

use super::barong_params::{BarongParams, ParamValue};
use crate::wire::barong::error::BarongError;

/// Grape's `type:` (or `types:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// No `type:`: any value.
    Any,
    /// `type: String`.
    String,
    /// `types: [String, Hash]` (`captcha_response`).
    StringOrMap,
    /// `type: Integer` (pagination): Ruby's `Integer(s, 10)` for text, JSON floats truncated.
    Integer,
}

/// Grape's `values:`.
#[derive(Debug, Clone, Copy)]
pub enum Values {
    /// `values: %w[asc desc]`: one of these strings.
    OneOf(&'static [&'static str]),
    /// `values: 1..100`: an integer in the range (inclusive).
    IntRange(i64, i64),
    /// `values: ->(v) { ... }`.
    Check(fn(&ParamValue) -> bool),
}

/// One `requires`/`optional` line.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    name: &'static str,
    required: bool,
    missing_message: Option<&'static str>,
    non_blank: bool,
    blank_message: Option<&'static str>,
    ty: ParamType,
    type_message: Option<&'static str>,
    values: Option<Values>,
    values_message: Option<&'static str>,
}

impl Param {
    const fn new(name: &'static str, required: bool) -> Self {
        Self {
            name,
            required,
            missing_message: None,
            non_blank: false,
            blank_message: None,
            ty: ParamType::Any,
            type_message: None,
            values: None,
            values_message: None,
        }
    }

    /// `requires :name`.
    pub const fn required(name: &'static str) -> Self {
        Self::new(name, true)
    }

    /// `optional :name`.
    pub const fn optional(name: &'static str) -> Self {
        Self::new(name, false)
    }

    /// `requires :name, message: '...'`: replaces the `missing_<name>` key only.
    pub const fn message(mut self, message: &'static str) -> Self {
        self.missing_message = Some(message);
        self
    }

    /// `allow_blank: false`.
    pub const fn non_blank(mut self) -> Self {
        self.non_blank = true;
        self
    }

    /// `allow_blank: { value: false, message: '...' }`.
    pub const fn non_blank_message(mut self, message: &'static str) -> Self {
        self.non_blank = true;
        self.blank_message = Some(message);
        self
    }

    /// `type: String`.
    pub const fn string(self) -> Self {
        self.typed(ParamType::String)
    }

    /// `types: [String, Hash]`.
    pub const fn string_or_map(self) -> Self {
        self.typed(ParamType::StringOrMap)
    }

    /// `type: Integer`.
    pub const fn integer(self) -> Self {
        self.typed(ParamType::Integer)
    }

    pub const fn typed(mut self, ty: ParamType) -> Self {
        self.ty = ty;
        self
    }

    /// `type: { value: ..., message: '...' }`.
    pub const fn type_message(mut self, message: &'static str) -> Self {
        self.type_message = Some(message);
        self
    }

    /// `values: [...]` (strings).
    pub const fn values(mut self, allowed: &'static [&'static str]) -> Self {
        self.values = Some(Values::OneOf(allowed));
        self
    }

    /// `values: lo..hi` (inclusive).
    pub const fn int_range(mut self, lo: i64, hi: i64) -> Self {
        self.values = Some(Values::IntRange(lo, hi));
        self
    }

    /// `values: ->(v) { ... }`.
    pub const fn values_check(mut self, check: fn(&ParamValue) -> bool) -> Self {
        self.values = Some(Values::Check(check));
        self
    }

    /// `values: { value: ..., message: '...' }`.
    pub const fn values_message(mut self, message: &'static str) -> Self {
        self.values_message = Some(message);
        self
    }
}

impl BarongParams {
    /// Checks `declared` as Grape would, replacing values by their coerced form. On failure, 422
    /// with Barong's keys; `prefix` is the module and class part, e.g. `identity.user`.
    ///
    /// ```ignore
    /// let p = params.check("identity.user", &[
    ///     Param::required("email").string().non_blank(),
    ///     Param::required("password").string().non_blank(),
    ///     Param::optional("username").string(),
    /// ])?;
    /// let email = p.string("email").unwrap_or_default();
    /// ```
    pub fn check(mut self, prefix: &str, declared: &[Param]) -> Result<Self, BarongError> {
        self.check_in_place(prefix, declared)?;
        Ok(self)
    }

    /// [`BarongParams::check`] without giving up the parameters.
    pub fn check_in_place(&mut self, prefix: &str, declared: &[Param]) -> Result<(), BarongError> {
        // Grape's `ValidationErrors#full_messages`: "<param> <message>", duplicates dropped.
        let mut full_messages: Vec<String> = Vec::new();
        let mut fail = |param: &Param, message: &str| {
            let full = format!("{} {}", param.name, message);
            if !full_messages.contains(&full) {
                full_messages.push(full);
            }
        };
        let map = self.map_mut();
        for param in declared {
            let present = map.contains_key(param.name);
            if !param.required && !present {
                continue;
            }
            if param.required && !present {
                match param.missing_message {
                    Some(m) => fail(param, m),
                    None => fail(param, &format!("{prefix}.missing_{}", param.name)),
                }
            }
            if param.ty != ParamType::Any {
                match coerce(param.ty, map.get(param.name)) {
                    Ok(Some(coerced)) => {
                        map.insert(param.name, coerced);
                    }
                    Ok(None) => {}
                    Err(()) => fail(param, param.type_message.unwrap_or("is invalid")),
                }
            }
            if param.non_blank {
                let blank = match map.get(param.name) {
                    None => true,
                    Some(ParamValue::Bool(false)) => false,
                    Some(v) => v.is_blank(),
                };
                if blank {
                    match param.blank_message {
                        Some(m) => fail(param, m),
                        None => fail(param, &format!("{prefix}.empty_{}", param.name)),
                    }
                }
            }
            if let Some(values) = param.values {
                let value = map.get(param.name).unwrap_or(&ParamValue::Null);
                let skip = value.is_null() && !param.required;
                let ok = match value {
                    ParamValue::List(items) => items.iter().all(|v| allowed(&values, v)),
                    v => allowed(&values, v),
                };
                if !skip && !ok {
                    fail(
                        param,
                        param
                            .values_message
                            .unwrap_or("does not have a valid value"),
                    );
                }
            }
        }
        if full_messages.is_empty() {
            return Ok(());
        }
        // `e.full_messages.map { |err| err.split.last }`.
        Err(BarongError::unprocessable(full_messages.iter().map(|m| {
            m.split_whitespace()
                .next_back()
                .unwrap_or_default()
                .to_owned()
        })))
    }
}

fn allowed(values: &Values, value: &ParamValue) -> bool {
    match values {
        Values::OneOf(list) => value.as_str().is_some_and(|s| list.contains(&s)),
        Values::IntRange(lo, hi) => value.as_i64().is_some_and(|i| (*lo..=*hi).contains(&i)),
        Values::Check(check) => check(value),
    }
}

/// Grape 1.4's coercion: `Ok(None)` keeps the value, `Ok(Some)` replaces it, `Err` is
/// "is invalid". Null (or absence) always passes.
fn coerce(ty: ParamType, value: Option<&ParamValue>) -> Result<Option<ParamValue>, ()> {
    let Some(value) = value else {
        return Ok(None);
    };
    match (ty, value) {
        (ParamType::Any, _) | (_, ParamValue::Null) => Ok(None),
        (ParamType::String | ParamType::StringOrMap, ParamValue::String(_)) => Ok(None),
        (ParamType::StringOrMap, ParamValue::Map(_) | ParamValue::File(_)) => Ok(None),
        (ParamType::String | ParamType::StringOrMap, ParamValue::Number(n)) => {
            Ok(Some(ParamValue::String(ruby_number_to_s(n))))
        }
        (ParamType::String | ParamType::StringOrMap, ParamValue::Bool(b)) => {
            Ok(Some(ParamValue::String(b.to_string())))
        }
        (ParamType::String | ParamType::StringOrMap, _) => Err(()),
        // Grape 1.4.0 passes '' through untouched (`return '' if val == ''`).
        (ParamType::Integer, ParamValue::String(s)) if s.is_empty() => Ok(None),
        (ParamType::Integer, ParamValue::String(s)) => ruby_integer(s)
            .map(|i| Some(ParamValue::Number(i.into())))
            .ok_or(()),
        (ParamType::Integer, ParamValue::Number(n)) => {
            if n.is_i64() {
                return Ok(None);
            }
            match n.as_f64() {
                Some(f)
                    if f.is_finite()
                        && f.trunc() >= i64::MIN as f64
                        && f.trunc() < i64::MAX as f64 =>
                {
                    Ok(Some(ParamValue::Number((f.trunc() as i64).into())))
                }
                _ => Err(()),
            }
        }
        (ParamType::Integer, _) => Err(()),
    }
}

/// Ruby's `Integer(s, 10)`: surrounding white space, a sign, an optional `0d`, digits with single
/// underscores between them. Values beyond `i64` are refused (Ruby would make a Bignum).
fn ruby_integer(s: &str) -> Option<i64> {
    let s = s.trim_matches([' ', '\t', '\n', '\u{b}', '\u{c}', '\r']);
    let (negative, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let s = s
        .strip_prefix("0d")
        .or_else(|| s.strip_prefix("0D"))
        .unwrap_or(s);
    let bytes = s.as_bytes();
    if !bytes.first()?.is_ascii_digit() || !bytes.last()?.is_ascii_digit() {
        return None;
    }
    let mut value: i64 = 0;
    let mut previous_underscore = false;
    for &b in bytes {
        if b == b'_' {
            if previous_underscore {
                return None;
            }
            previous_underscore = true;
            continue;
        }
        previous_underscore = false;
        let digit = i64::from(b.checked_sub(b'0').filter(|d| *d <= 9)?);
        value = value.checked_mul(10)?;
        value = if negative {
            value.checked_sub(digit)?
        } else {
            value.checked_add(digit)?
        };
    }
    Some(value)
}

/// `to_s` of the Ruby number JSON made: integers as digits, floats as `Float#to_s` writes them.
fn ruby_number_to_s(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    n.as_f64().map_or_else(|| n.to_string(), ruby_float_to_s)
}

/// Ruby's `Float#to_s`: the shortest round-trip digits, fixed notation for decimal exponents from
/// -4 to 16 (`100.0`, `0.0001`), scientific outside it (`1.0e+16`, `1.0e-05`).
fn ruby_float_to_s(f: f64) -> String {
    let sci = format!("{:e}", f.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if f.is_sign_negative() { "-" } else { "" };
    // The value is 0.<digits> × 10^decpt.
    let decpt = exponent + 1;
    let body = if 0 < decpt && decpt <= 16 {
        let point = decpt as usize;
        if digits.len() > point {
            format!("{}.{}", &digits[..point], &digits[point..])
        } else {
            format!("{}{}.0", digits, "0".repeat(point - digits.len()))
        }
    } else if decpt <= 0 && decpt > -4 {
        format!("0.{}{}", "0".repeat(decpt.unsigned_abs() as usize), digits)
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{first}.{rest}e{:+03}", decpt - 1)
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;
    use serde_json::json;

    fn params(value: serde_json::Value) -> BarongParams {
        match ParamValue::from(value) {
            ParamValue::Map(map) => BarongParams::new(map),
            other => panic!("an object, not {other:?}"),
        }
    }

    fn keys(result: Result<BarongParams, BarongError>) -> Vec<String> {
        let e = result.expect_err("a validation failure");
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        e.errors
    }

    const USER_CREATE: &[Param] = &[
        Param::required("email").string().non_blank(),
        Param::required("password").string().non_blank(),
        Param::optional("username").string(),
        Param::optional("refid").string(),
        Param::optional("captcha_response").string_or_map(),
        Param::optional("data").string(),
    ];

    const PASSWORD_CONFIRM: &[Param] = &[
        Param::required("reset_password_token")
            .string()
            .message("identity.user.missing_pass_token")
            .non_blank(),
        Param::required("password")
            .string()
            .message("identity.user.missing_password")
            .non_blank(),
        Param::required("confirm_password")
            .string()
            .message("identity.user.missing_confirm_password")
            .non_blank(),
    ];

    #[test]
    fn barong_user_create_keys() {
        assert_eq!(
            keys(params(json!({})).check("identity.user", USER_CREATE)),
            [
                "identity.user.missing_email",
                "identity.user.empty_email",
                "identity.user.missing_password",
                "identity.user.empty_password"
            ]
        );
        assert_eq!(
            keys(
                params(json!({"email": " ", "password": "x"})).check("identity.user", USER_CREATE)
            ),
            ["identity.user.empty_email"]
        );
        // Null is present but blank.
        assert_eq!(
            keys(
                params(json!({"email": null, "password": "x"})).check("identity.user", USER_CREATE)
            ),
            ["identity.user.empty_email"]
        );
        let p = params(json!({"email": "a@b.c", "password": "x", "username": null}))
            .check("identity.user", USER_CREATE)
            .unwrap();
        assert_eq!(p.string("email"), Some("a@b.c"));
        assert!(p.get("username").unwrap().is_null());
    }

    #[test]
    fn barong_explicit_messages_replace_missing_only() {
        assert_eq!(
            keys(
                params(json!({"reset_password_token": "", "password": "  ", "confirm_password": "\t\n"}))
                    .check("identity.user", PASSWORD_CONFIRM)
            ),
            [
                "identity.user.empty_reset_password_token",
                "identity.user.empty_password",
                "identity.user.empty_confirm_password"
            ]
        );
        assert_eq!(
            keys(params(json!({})).check("identity.user", PASSWORD_CONFIRM)),
            [
                "identity.user.missing_pass_token",
                "identity.user.empty_reset_password_token",
                "identity.user.missing_password",
                "identity.user.empty_password",
                "identity.user.missing_confirm_password",
                "identity.user.empty_confirm_password"
            ]
        );
    }

    #[test]
    fn barong_type_failures_and_coercion() {
        // A map or list for a String: "is invalid" → `invalid`, before the blank check.
        assert_eq!(
            keys(
                params(json!({"email": {"a": "b"}, "password": []}))
                    .check("identity.user", USER_CREATE)
            ),
            ["invalid", "invalid", "identity.user.empty_password"]
        );
        // Both params fail with the same text: Grape keeps both ("email is invalid",
        // "password is invalid").
        assert_eq!(
            keys(
                params(json!({"email": {}, "password": ["x"]})).check("identity.user", USER_CREATE)
            ),
            ["invalid", "identity.user.empty_email", "invalid"]
        );
        // Numbers and booleans become their text.
        let p = params(json!({"email": 123, "password": true, "data": 1.5e300, "refid": false}))
            .check("identity.user", USER_CREATE)
            .unwrap();
        assert_eq!(p.string("email"), Some("123"));
        assert_eq!(p.string("password"), Some("true"));
        assert_eq!(p.string("data"), Some("1.5e+300"));
        assert_eq!(p.string("refid"), Some("false"));
        // `false` is never blank without a type.
        let untyped = [Param::required("flag").non_blank()];
        assert!(
            params(json!({"flag": false}))
                .check("resource.user", &untyped)
                .is_ok()
        );
        assert_eq!(
            keys(params(json!({"flag": []})).check("resource.user", &untyped)),
            ["resource.user.empty_flag"]
        );
    }

    #[test]
    fn barong_session_declaration() {
        let session: &[Param] = &[
            Param::required("email"),
            Param::required("password"),
            Param::optional("captcha_response")
                .string_or_map()
                .type_message("identity.session.invalid_captcha_format"),
            Param::optional("otp_code").string(),
        ];
        assert_eq!(
            keys(params(json!({})).check("identity.session", session)),
            [
                "identity.session.missing_email",
                "identity.session.missing_password"
            ]
        );
        // No allow_blank: blank values pass.
        assert!(
            params(json!({"email": "", "password": ""}))
                .check("identity.session", session)
                .is_ok()
        );
        assert_eq!(
            keys(
                params(json!({"email": "a", "password": "b", "captcha_response": ["x"]}))
                    .check("identity.session", session)
            ),
            ["identity.session.invalid_captcha_format"]
        );
        let p = params(
            json!({"email": "a", "password": "b", "captcha_response": {"geetest_challenge": "c"}}),
        )
        .check("identity.session", session)
        .unwrap();
        assert_eq!(
            p.map("captcha_response")
                .and_then(|m| m.get("geetest_challenge")),
            Some(&ParamValue::String("c".into()))
        );
    }

    #[test]
    fn barong_values() {
        let ordering = [Param::optional("ordering")
            .string()
            .values(&["asc", "desc"])
            .values_message("resource.api_key.invalid_ordering")];
        assert!(
            params(json!({}))
                .check("resource.apikey", &ordering)
                .is_ok()
        );
        assert!(
            params(json!({"ordering": null}))
                .check("resource.apikey", &ordering)
                .is_ok()
        );
        assert!(
            params(json!({"ordering": "desc"}))
                .check("resource.apikey", &ordering)
                .is_ok()
        );
        assert!(
            params(json!({"ordering": ["asc"]}))
                .check("resource.apikey", &ordering)
                .is_err()
        );
        assert_eq!(
            keys(params(json!({"ordering": "up"})).check("resource.apikey", &ordering)),
            ["resource.api_key.invalid_ordering"]
        );
        // Without a message: Grape's "does not have a valid value" → `value`. A list is checked
        // element by element (untyped).
        let topic = [Param::required("topic").values(&["all", "session"])];
        assert_eq!(
            keys(params(json!({"topic": "x"})).check("resource.user", &topic)),
            ["value"]
        );
        assert!(
            params(json!({"topic": ["all", "session"]}))
                .check("resource.user", &topic)
                .is_ok()
        );
        // A missing required param is also compared (as nil).
        assert_eq!(
            keys(params(json!({})).check("resource.user", &topic)),
            ["resource.user.missing_topic", "value"]
        );
    }

    fn positive(v: &ParamValue) -> bool {
        v.as_i64().is_some_and(|i| i > 0)
    }

    const PAGINATION: &[Param] = &[
        Param::optional("page")
            .integer()
            .type_message("non_integer_page")
            .values_check(positive)
            .values_message("non_positive_page"),
        Param::optional("limit")
            .integer()
            .type_message("non_integer_limit")
            .int_range(1, 100)
            .values_message("invalid_limit"),
    ];

    #[test]
    fn barong_pagination() {
        let p = params(json!({"page": " 1_0 ", "limit": 2.9}))
            .check("resource.apikey", PAGINATION)
            .unwrap();
        assert_eq!((p.int("page"), p.int("limit")), (Some(10), Some(2)));
        // A failed coercion leaves the value, which then fails `values` as well.
        assert_eq!(
            keys(
                params(json!({"page": "abc", "limit": "101"})).check("resource.apikey", PAGINATION)
            ),
            ["non_integer_page", "non_positive_page", "invalid_limit"]
        );
        assert_eq!(
            keys(params(json!({"page": "0", "limit": true})).check("resource.apikey", PAGINATION)),
            ["non_positive_page", "non_integer_limit", "invalid_limit"]
        );
        assert_eq!(
            keys(params(json!({"page": ""})).check("resource.apikey", PAGINATION)),
            ["non_positive_page"]
        );
    }

    #[test]
    fn barong_duplicates_and_last_word() {
        // One param, the same message twice: once.
        let same = [Param::required("code")
            .message("resource.otp.missing_code")
            .non_blank_message("resource.otp.missing_code")];
        assert_eq!(
            keys(params(json!({})).check("resource.otp", &same)),
            ["resource.otp.missing_code"]
        );
        // A message with spaces: Barong keeps its last word.
        let spaced = [Param::required("x").message("must be given: x.missing")];
        assert_eq!(keys(params(json!({})).check("p", &spaced)), ["x.missing"]);
    }

    #[test]
    fn barong_ruby_integer() {
        for (s, v) in [
            ("12", Some(12)),
            ("-3", Some(-3)),
            ("+4", Some(4)),
            ("0d15", Some(15)),
            ("012", Some(12)),
            ("1_000", Some(1000)),
            ("\t7\n", Some(7)),
        ] {
            assert_eq!(ruby_integer(s), v, "{s}");
        }
        for s in [
            "",
            " ",
            "1.5",
            "1__0",
            "_1",
            "1_",
            "0x1A",
            "abc",
            "1e3",
            "99999999999999999999",
            "- 1",
        ] {
            assert_eq!(ruby_integer(s), None, "{s}");
        }
    }

    #[test]
    fn barong_ruby_float_to_s() {
        for (f, s) in [
            (100.0, "100.0"),
            (1.5, "1.5"),
            (-0.25, "-0.25"),
            (0.0, "0.0"),
            (0.0001, "0.0001"),
            (0.00001, "1.0e-05"),
            (1e15, "1000000000000000.0"),
            (1e16, "1.0e+16"),
            (1.5e300, "1.5e+300"),
            (123456.789, "123456.789"),
        ] {
            assert_eq!(ruby_float_to_s(f), s, "{f}");
        }
    }
}
