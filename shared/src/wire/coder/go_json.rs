//! Request decoding with Go `encoding/json` semantics, as Coder's `httpapi.Read` sees bodies:
//! only the first JSON value is read, unknown fields are ignored, keys match case-insensitively,
//! `null` leaves a field at its zero value, and a wrong type is reported in Go's words.

use super::go_scan;
use super::validate::FieldFailure;
use serde_json::{Map, Value};
use uuid::Uuid;

/// Why a body is not acceptable JSON; `detail` is Go's error text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub detail: String,
}

/// A Coder request type: how to read it from a Go-decoded object and which tags it validates.
pub trait GoRequest: Sized {
    /// The Go type, e.g. `codersdk.LoginWithPasswordRequest`.
    const GO_TYPE: &'static str;
    fn from_object(object: &GoObject<'_>) -> Result<Self, DecodeError>;
    /// go-playground `validate` failures, in struct field order.
    fn validate(&self) -> Vec<FieldFailure>;
}

/// The fields of one JSON object, looked up the way Go matches struct fields.
pub struct GoObject<'a> {
    map: Option<&'a Map<String, Value>>,
    struct_name: &'static str,
    /// JSON field path from the request root to this object (`checks.object.`), as Go reports it.
    path: String,
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

impl<'a> GoObject<'a> {
    pub fn new(map: Option<&'a Map<String, Value>>, go_type: &'static str) -> Self {
        let struct_name = go_type.rsplit('.').next().unwrap_or(go_type);
        Self {
            map,
            struct_name,
            path: String::new(),
        }
    }

    /// Exact key first, then the first case-insensitive match (Go's `EqualFold`).
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        let map = self.map?;
        map.get(name)
            .or_else(|| {
                map.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name) || k.to_lowercase() == name)
                    .map(|(_, v)| v)
            })
            .filter(|v| !v.is_null())
    }

    pub fn type_error(&self, value: &Value, field: &str, go_type: &str) -> DecodeError {
        DecodeError {
            detail: format!(
                "json: cannot unmarshal {} into Go struct field {}.{}{} of type {}",
                kind(value),
                self.struct_name,
                self.path,
                field,
                go_type
            ),
        }
    }

    pub fn string(&self, field: &str) -> Result<String, DecodeError> {
        self.string_as(field, "string")
    }

    /// A string-kinded Go type such as `codersdk.RBACResource`.
    pub fn string_as(&self, field: &str, go_type: &str) -> Result<String, DecodeError> {
        match self.get(field) {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(self.type_error(other, field, go_type)),
        }
    }

    pub fn bool(&self, field: &str) -> Result<bool, DecodeError> {
        match self.get(field) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(self.type_error(other, field, "bool")),
        }
    }

    /// A `[]uuid.UUID`: each element a string that parses as a UUID.
    pub fn uuids(&self, field: &str) -> Result<Vec<Uuid>, DecodeError> {
        match self.get(field) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => parse_go_uuid(s).map_err(|detail| DecodeError { detail }),
                    Value::Null => Ok(Uuid::nil()),
                    other => Err(self.type_error(other, field, "uuid.UUID")),
                })
                .collect(),
            Some(other) => Err(self.type_error(other, field, "[]uuid.UUID")),
        }
    }

    /// A nested struct, or an empty one when absent.
    pub fn object(&self, field: &str, go_type: &'static str) -> Result<GoObject<'a>, DecodeError> {
        let nested = |map| GoObject {
            path: format!("{}{field}.", self.path),
            ..GoObject::new(map, go_type)
        };
        match self.get(field) {
            None => Ok(nested(None)),
            Some(Value::Object(m)) => Ok(nested(Some(m))),
            Some(other) => Err(self.type_error(other, field, go_type)),
        }
    }

    /// A `map[string]T` field whose values are structs of `value_type`: each entry in document
    /// order (a repeated key keeps its last value, as in Go).
    pub fn struct_map(
        &self,
        field: &str,
        map_type: &str,
        value_type: &'static str,
    ) -> Result<Vec<(String, GoObject<'a>)>, DecodeError> {
        let entry = |map| GoObject {
            path: format!("{}{field}.", self.path),
            ..GoObject::new(map, value_type)
        };
        match self.get(field) {
            None => Ok(Vec::new()),
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| match v {
                    Value::Object(inner) => Ok((k.clone(), entry(Some(inner)))),
                    Value::Null => Ok((k.clone(), entry(None))),
                    other => Err(self.type_error(other, field, value_type)),
                })
                .collect(),
            Some(other) => Err(self.type_error(other, field, map_type)),
        }
    }

    /// A `[]string`.
    pub fn strings(&self, field: &str) -> Result<Vec<String>, DecodeError> {
        match self.get(field) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.clone()),
                    Value::Null => Ok(String::new()),
                    other => Err(self.type_error(other, field, "string")),
                })
                .collect(),
            Some(other) => Err(self.type_error(other, field, "[]string")),
        }
    }

    /// An `int64`-backed field (e.g. `time.Duration`): fractions and out-of-range numbers are
    /// errors naming the number, as Go's are.
    pub fn i64(&self, field: &str, go_type: &str) -> Result<i64, DecodeError> {
        match self.get(field) {
            None => Ok(0),
            Some(Value::Number(n)) => n.as_i64().ok_or_else(|| DecodeError {
                detail: format!(
                    "json: cannot unmarshal number {n} into Go struct field {}.{}{field} of type {go_type}",
                    self.struct_name, self.path
                ),
            }),
            Some(other) => Err(self.type_error(other, field, go_type)),
        }
    }

    pub fn raw(&self, field: &str) -> Option<&'a Value> {
        self.get(field)
    }
}

/// Go's `%q` (`strconv.Quote`): how Coder quotes a value in its messages. Printable characters
/// stay as they are, control characters become `\n`, `\x01`, `\u0085`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if c < ' ' || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if !go_printable(c) && u32::from(c) < 0x10000 => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c if !go_printable(c) => out.push_str(&format!("\\U{:08x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `unicode.IsPrint` beyond ASCII, without Unicode's tables: control characters, spaces
/// other than U+0020, format characters and private use are not printable. (Unassigned code
/// points, which Go also calls unprintable, pass as printable.)
fn go_printable(c: char) -> bool {
    !matches!(u32::from(c),
        0x80..=0xa0 | 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x1680 | 0x180e
        | 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x2064 | 0x2066..=0x206f | 0x3000
        | 0xd800..=0xdfff | 0xe000..=0xf8ff | 0xfeff | 0xfff9..=0xfffb | 0xfffe | 0xffff
        | 0x110bd | 0x110cd | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a | 0xe0001
        | 0xe0020..=0xe007f | 0xf0000..=0x10ffff)
}

/// Go's `strconv.ParseBool`; `None` for anything else.
pub fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// `uuid.Parse` (google/uuid) error texts for the common failures.
pub fn parse_go_uuid(s: &str) -> Result<Uuid, String> {
    match s.len() {
        36 | 38 | 41 | 32 => Uuid::parse_str(
            s.trim_start_matches("urn:uuid:")
                .trim_matches(|c| c == '{' || c == '}'),
        )
        .map_err(|_| "invalid UUID format".to_owned()),
        n => Err(format!("invalid UUID length: {n}")),
    }
}

/// The members of a JSON object in document order, repeated keys included.
struct Members(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = a.next_entry()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(Visitor)
    }
}

/// Go decodes an object's members in document order and reports the first that does not fit,
/// where reading the fields in struct order would report another (`{"password":true,
/// "email":5}`), and a repeated key's earlier value still counts.
fn first_in_document_order<T: GoRequest>(text: &str) -> Option<DecodeError> {
    let Members(members) = serde_json::from_str(text).ok()?;
    members.into_iter().find_map(|(key, value)| {
        let alone = Map::from_iter([(key, value)]);
        T::from_object(&GoObject::new(Some(&alone), T::GO_TYPE)).err()
    })
}

/// Decodes the first JSON value in `body` into `T` the way Go would.
pub fn decode_request<T: GoRequest>(body: &[u8]) -> Result<T, DecodeError> {
    let end = go_scan::first_value(body).map_err(|detail| DecodeError { detail })?;
    let text = go_scan::go_text(&body[..end]);
    let value: Value = serde_json::from_str(&text)
        .or_else(|_| serde_json::from_str(&go_scan::finite_numbers(&text)))
        // Go's scanner passed it, so this is not expected; still the caller's 400, never a 500.
        .map_err(|e| DecodeError {
            detail: e.to_string(),
        })?;
    match &value {
        Value::Object(map) => T::from_object(&GoObject::new(Some(map), T::GO_TYPE))
            .map_err(|e| first_in_document_order::<T>(&text).unwrap_or(e)),
        Value::Null => T::from_object(&GoObject::new(None, T::GO_TYPE)),
        other => Err(DecodeError {
            detail: format!(
                "json: cannot unmarshal {} into Go value of type {}",
                kind(other),
                T::GO_TYPE
            ),
        }),
    }
}
