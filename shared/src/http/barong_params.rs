//! `BarongParams`: request parameters collected as Barong's stack (Grape 1.4.0 on Rack 2.2.3)
//! collects them, for every verb.
//!
//! * The query string is parsed by Rack's `parse_nested_query` with `&` and `;` as separators
//!   (`Rack::Request#GET`).
//! * The body, for POST, PUT, PATCH and DELETE without a form content type
//!   (`Grape::Middleware::Formatter#read_body_input`): `application/json`, or no content type at
//!   all (Barong's `default_format :json`), is parsed as JSON. A JSON object becomes the body's
//!   parameters; an array or a scalar is parsed but contributes nothing (Grape keeps only a `Hash`
//!   as form data). Whitespace alone counts as no body (MultiJson loads it as `nil`).
//! * Otherwise, for any verb, `application/x-www-form-urlencoded`, `multipart/form-data`,
//!   `multipart/related`, `multipart/mixed`, and a POST without a content type, are parsed as
//!   Rack's `POST` does: multipart when the content type names a boundary, else as a
//!   URL-encoded form (`&` only). A POST without a content type whose JSON body is not an object
//!   therefore falls through to that form parsing, as in Rack.
//! * `Rack::Request#params` is `GET.merge(POST)`: a body parameter replaces a query parameter of
//!   the same top-level name, whole (no deep merge), keeping the query's position.
//! * Rack's nesting: `a[b]=1` is a map, `a[]=1&a[]=2` a list, `a[][b]=1&a[][c]=2` a list of maps,
//!   a repeated plain key keeps the last value, a key without `=` is null.
//!
//! Path parameters are not collected here; handlers read them with axum's `Path`.
//!
//! Bodies Barong cannot take. Barong answers most of these with a 500 (its `rescue_from :all`,
//! `app/api/v2/exception_handlers.rb`, also catches Grape's and Rack's own exceptions, because it
//! registers no `rescue_from :grape_exceptions`); Gatehouse keeps Barong's `{"errors":[...]}`
//! envelope but never answers 500 for what the client sent:
//!
//! | request | Barong | Gatehouse |
//! |---|---|---|
//! | JSON body that does not parse (`Grape::Parser::Json` raises `InvalidMessageBody`) | 500 `server.internal_error` | 400 [`INVALID_BODY`] |
//! | body with another content type, e.g. `text/plain`, on POST/PUT/PATCH/DELETE (`Formatter#read_rack_input`: `throw :error, status: 406`) | 406 `{"error":"The requested content-type 'text/plain' is not supported."}` | 406 [`UNSUPPORTED_CONTENT_TYPE`] |
//! | bad `%`-escape, structural clash (`a=1&a[b]=2`), nesting deeper than 100 (Rack `InvalidParameterError`, `ParameterTypeError`, `RangeError`) | 500 `server.internal_error` | 400 [`INVALID_QUERY`] or [`INVALID_BODY`] |
//! | truncated or malformed multipart (Rack `EOFError` → Grape `EmptyMessageBody`) | 500 | 400 [`INVALID_BODY`] |
//! | more than 128 file parts (Grape `TooManyMultipartFiles`, 413) | 500 | 413 [`PAYLOAD_TOO_LARGE`] |
//! | invalid UTF-8 in a name or value | passed on as a broken string, then a 500 or a garbled value | 400 [`INVALID_QUERY`] or [`INVALID_BODY`] |
//! | body over 1 MiB (`read_bounded`) | no limit of its own (a proxy's 413) | 413 [`PAYLOAD_TOO_LARGE`] |
//! | unreadable body | — | 400 [`INVALID_BODY`] |
//!
//! A GET's JSON body is ignored, as Grape ignores it, and so is its content type.
//!
//! Not mirrored: Rack's 64 KiB key-space limit per map (the 1 MiB body bound stands in for it);
//! JSON numbers beyond what `f64` holds (Ruby keeps them exactly; here integers past `u64` lose
//! precision and numbers past `f64`'s range are a 400).

pub use super::barong_validation::{Param, ParamType, Values};

use super::body::{BodyError, read_bounded};
use crate::wire::barong::error::BarongError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, Method, StatusCode, header};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::collections::HashMap;

/// 400: the body cannot be read as its content type says.
pub const INVALID_BODY: &str = "server.invalid_body";
/// 400: the query string cannot be parsed.
pub const INVALID_QUERY: &str = "server.invalid_query";
/// 406: a body in a content type Barong does not parse (its only format is JSON).
pub const UNSUPPORTED_CONTENT_TYPE: &str = "server.unsupported_content_type";
/// 413: the body is larger than [`super::MAX_BODY_BYTES`], or has too many file parts.
pub const PAYLOAD_TOO_LARGE: &str = "server.payload_too_large";

/// Rack's `param_depth_limit`.
const PARAM_DEPTH_LIMIT: usize = 100;
/// Rack 2.2's `multipart_part_limit` (file parts).
const MULTIPART_FILE_LIMIT: usize = 128;

const FORM_URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART_FORM_DATA: &str = "multipart/form-data";
const JSON: &str = "application/json";

/// One parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// JSON `null`, or a form key without `=`.
    Null,
    /// JSON `true`/`false` (forms only carry strings).
    Bool(bool),
    /// A JSON number as given.
    Number(serde_json::Number),
    String(String),
    List(Vec<ParamValue>),
    Map(ParamMap),
    /// A multipart part with a file name (Rack's upload hash), contents kept opaque.
    File(FilePart),
}

/// A multipart file part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    /// The part's name (`name=` of its Content-Disposition).
    pub name: String,
    /// The file name as sent, after its last `/` or `\`.
    pub filename: String,
    pub content_type: Option<String>,
    pub data: Bytes,
}

impl ParamValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&ParamMap> {
        match self {
            Self::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[ParamValue]> {
        match self {
            Self::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// An integral JSON number (after an `integer()` check, also a coerced form value).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_file(&self) -> Option<&FilePart> {
        match self {
            Self::File(f) => Some(f),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// ActiveSupport's `blank?`: null, `false`, a string of whitespace only, an empty list or map.
    /// Numbers, `true` and files are never blank.
    pub fn is_blank(&self) -> bool {
        match self {
            Self::Null | Self::Bool(false) => true,
            Self::Bool(true) | Self::Number(_) | Self::File(_) => false,
            Self::String(s) => is_blank_str(s),
            Self::List(l) => l.is_empty(),
            Self::Map(m) => m.is_empty(),
        }
    }

    /// The value as JSON (a file as `{"filename","type","name"}`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// `String#strip` then `blank?`: Unicode white space (Ruby's `[[:space:]]`) and NUL.
fn is_blank_str(s: &str) -> bool {
    s.chars().all(|c| c.is_whitespace() || c == '\0')
}

/// A JSON value as Grape holds a JSON body's values.
impl From<serde_json::Value> for ParamValue {
    fn from(value: serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Self::Null,
            serde_json::Value::Bool(b) => Self::Bool(b),
            serde_json::Value::Number(n) => Self::Number(n),
            serde_json::Value::String(s) => Self::String(s),
            serde_json::Value::Array(a) => Self::List(a.into_iter().map(Self::from).collect()),
            serde_json::Value::Object(o) => {
                Self::Map(o.into_iter().map(|(k, v)| (k, Self::from(v))).collect())
            }
        }
    }
}

impl Serialize for ParamValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_unit(),
            Self::Bool(b) => serializer.serialize_bool(*b),
            Self::Number(n) => n.serialize(serializer),
            Self::String(s) => serializer.serialize_str(s),
            Self::List(l) => {
                let mut seq = serializer.serialize_seq(Some(l.len()))?;
                for v in l {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Self::Map(m) => m.serialize(serializer),
            Self::File(f) => {
                let mut map = serializer.serialize_map(Some(3))?;
                map.serialize_entry("filename", &f.filename)?;
                map.serialize_entry("type", &f.content_type)?;
                map.serialize_entry("name", &f.name)?;
                map.end()
            }
        }
    }
}

/// A map that keeps insertion order, as Ruby's `Hash`: replacing a value keeps the key's place.
#[derive(Debug, Clone, Default)]
pub struct ParamMap {
    entries: Vec<(String, ParamValue)>,
    index: HashMap<String, usize>,
}

impl PartialEq for ParamMap {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl ParamMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&ParamValue> {
        self.index
            .get(key)
            .and_then(|&i| self.entries.get(i))
            .map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut ParamValue> {
        let i = *self.index.get(key)?;
        self.entries.get_mut(i).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.index.contains_key(key)
    }

    /// Sets `key`; an existing key keeps its position. Returns the value it replaced.
    pub fn insert(&mut self, key: impl Into<String>, value: ParamValue) -> Option<ParamValue> {
        let key = key.into();
        if let Some(&i) = self.index.get(&key)
            && let Some(slot) = self.entries.get_mut(i)
        {
            return Some(std::mem::replace(&mut slot.1, value));
        }
        self.index.insert(key.clone(), self.entries.len());
        self.entries.push((key, value));
        None
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &ParamValue)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// Ruby's `Hash#merge`: `other`'s values win, new keys are appended.
    pub fn merge(&mut self, other: ParamMap) {
        for (k, v) in other.entries {
            self.insert(k, v);
        }
    }

    /// The value at `key`, first made a list if it is absent or null (Ruby's `h[k] ||= []`).
    fn list_entry(&mut self, key: &str) -> Option<&mut Vec<ParamValue>> {
        match self.slot(key, || ParamValue::List(Vec::new()))? {
            ParamValue::List(l) => Some(l),
            _ => None,
        }
    }

    /// The value at `key`, first made a map if it is absent or null (`h[k] ||= {}`).
    fn map_entry(&mut self, key: &str) -> Option<&mut ParamMap> {
        match self.slot(key, || ParamValue::Map(ParamMap::new()))? {
            ParamValue::Map(m) => Some(m),
            _ => None,
        }
    }

    fn slot(&mut self, key: &str, empty: impl FnOnce() -> ParamValue) -> Option<&mut ParamValue> {
        let i = match self.index.get(key) {
            Some(&i) => i,
            None => {
                self.index.insert(key.to_owned(), self.entries.len());
                self.entries.push((key.to_owned(), ParamValue::Null));
                self.entries.len() - 1
            }
        };
        let slot = &mut self.entries.get_mut(i)?.1;
        if slot.is_null() {
            *slot = empty();
        }
        Some(slot)
    }
}

impl FromIterator<(String, ParamValue)> for ParamMap {
    fn from_iter<I: IntoIterator<Item = (String, ParamValue)>>(iter: I) -> Self {
        let mut map = Self::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl IntoIterator for ParamMap {
    type Item = (String, ParamValue);
    type IntoIter = std::vec::IntoIter<(String, ParamValue)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl Serialize for ParamMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// All of a request's parameters, merged as Grape merges them. See the module documentation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BarongParams {
    params: ParamMap,
}

impl BarongParams {
    pub fn new(params: ParamMap) -> Self {
        Self { params }
    }

    /// Parses a request's parameters from its parts (what the extractor does after reading the
    /// body).
    pub fn parse(
        method: &Method,
        headers: &HeaderMap,
        query: Option<&str>,
        body: &Bytes,
    ) -> Result<Self, BarongError> {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .filter(|v| !v.is_empty());
        let media_type = content_type.as_deref().map(media_type);
        let media = media_type.as_deref();

        // Grape's Formatter runs first: the JSON body, or a 406 for a content type it has no
        // parser for.
        let form_data = (method == Method::POST && media.is_none())
            || matches!(media, Some(FORM_URLENCODED | MULTIPART_FORM_DATA));
        let parseable_data = matches!(media, Some("multipart/related" | "multipart/mixed"));
        let reads_body = matches!(
            *method,
            Method::POST | Method::PUT | Method::PATCH | Method::DELETE
        ) && (!form_data || media.is_none())
            && !parseable_data
            && !body.is_empty();
        let mut json_body = None;
        if reads_body {
            if media.is_some_and(|m| m != JSON) {
                return Err(BarongError::new(
                    StatusCode::NOT_ACCEPTABLE,
                    UNSUPPORTED_CONTENT_TYPE,
                ));
            }
            if let Some(ParamValue::Map(m)) = parse_json(body)? {
                json_body = Some(m);
            }
        }

        let mut params = parse_nested_query(query.unwrap_or("").as_bytes(), b"&;")
            .map_err(|_| BarongError::bad_request(INVALID_QUERY))?;

        let body_params = match json_body {
            Some(m) => m,
            None if form_data || parseable_data => {
                let boundary = content_type.as_deref().and_then(multipart_boundary);
                match boundary {
                    Some(boundary) if !body.is_empty() => parse_multipart(body, boundary)?,
                    _ => {
                        // Rack drops one trailing NUL ("Safari Ajax postings").
                        let form = body.strip_suffix(b"\0").unwrap_or(body);
                        parse_nested_query(form, b"&")
                            .map_err(|_| BarongError::bad_request(INVALID_BODY))?
                    }
                }
            }
            None => ParamMap::new(),
        };
        params.merge(body_params);
        Ok(Self { params })
    }

    /// All parameters, in Grape's order.
    pub fn as_map(&self) -> &ParamMap {
        &self.params
    }

    pub fn into_map(self) -> ParamMap {
        self.params
    }

    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.params.get(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.params.contains_key(name)
    }

    /// The value if it is a string.
    pub fn string(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(ParamValue::as_str)
    }

    pub fn map(&self, name: &str) -> Option<&ParamMap> {
        self.get(name).and_then(ParamValue::as_map)
    }

    pub fn list(&self, name: &str) -> Option<&[ParamValue]> {
        self.get(name).and_then(ParamValue::as_list)
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        self.get(name).and_then(ParamValue::as_bool)
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(ParamValue::as_i64)
    }

    /// Absent, or ActiveSupport-blank (`params[:otp_code].blank?`).
    pub fn is_blank(&self, name: &str) -> bool {
        self.get(name).is_none_or(ParamValue::is_blank)
    }

    pub(crate) fn map_mut(&mut self) -> &mut ParamMap {
        &mut self.params
    }
}

impl<S: Send + Sync> FromRequest<S> for BarongParams {
    type Rejection = BarongError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let body = read_bounded(body).await.map_err(|e| match e {
            BodyError::TooLarge => {
                BarongError::new(StatusCode::PAYLOAD_TOO_LARGE, PAYLOAD_TOO_LARGE)
            }
            BodyError::Unreadable => BarongError::bad_request(INVALID_BODY),
        })?;
        Self::parse(&parts.method, &parts.headers, parts.uri.query(), &body)
    }
}

/// Rack's `media_type`: the content type up to `;` or `,` (and the white space before it),
/// lower-cased.
fn media_type(content_type: &str) -> String {
    let end = content_type.find([';', ',']).unwrap_or(content_type.len());
    content_type[..end].trim_end().to_ascii_lowercase()
}

/// Rack's `MULTIPART = %r|\Amultipart/.*boundary=\"?([^\";,]+)\"?|ni` over the whole header.
fn multipart_boundary(content_type: &str) -> Option<&str> {
    let bytes = content_type.as_bytes();
    if bytes.len() < 10 || !bytes[..10].eq_ignore_ascii_case(b"multipart/") {
        return None;
    }
    let lower = content_type.to_ascii_lowercase();
    // `.*` is greedy: the last `boundary=` that is followed by a usable value.
    let mut search_end = lower.len();
    while let Some(at) = lower[10..search_end].rfind("boundary=") {
        let start = 10 + at + "boundary=".len();
        let rest = &content_type[start..];
        let rest = rest.strip_prefix('"').unwrap_or(rest);
        let end = rest.find(['"', ';', ',']).unwrap_or(rest.len());
        if end > 0 {
            return Some(&rest[..end]);
        }
        search_end = 10 + at;
    }
    None
}

/// A JSON body as MultiJson loads it: white space alone is `nil`.
fn parse_json(body: &[u8]) -> Result<Option<ParamValue>, BarongError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice::<serde_json::Value>(body)
        .map(|v| Some(ParamValue::from(v)))
        .map_err(|_| BarongError::bad_request(INVALID_BODY))
}

/// A Rack query-parser failure (`InvalidParameterError`, `ParameterTypeError`, `RangeError`),
/// or text that is not UTF-8.
#[derive(Debug, PartialEq, Eq)]
struct RackError;

/// Rack's `parse_nested_query(qs, separators)`: each separator eats the spaces after it.
fn parse_nested_query(input: &[u8], separators: &[u8]) -> Result<ParamMap, RackError> {
    let mut params = ParamMap::new();
    let mut rest = input;
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|b| separators.contains(b))
            .unwrap_or(rest.len());
        let piece = &rest[..end];
        rest = &rest[end..];
        if let Some((_, after)) = rest.split_first() {
            let spaces = after.iter().take_while(|&&b| b == b' ').count();
            rest = &after[spaces..];
        }
        if piece.is_empty() {
            continue;
        }
        let (k, v) = match piece.iter().position(|&b| b == b'=') {
            Some(i) => (&piece[..i], Some(&piece[i + 1..])),
            None => (piece, None),
        };
        let name = unescape(k)?;
        let value = match v {
            Some(v) => ParamValue::String(unescape(v)?),
            None => ParamValue::Null,
        };
        normalize_params(&mut params, &name, value, PARAM_DEPTH_LIMIT)?;
    }
    Ok(params)
}

/// `URI.decode_www_form_component`: `+` is a space, `%XX` a byte, any other `%` an error; the
/// result must be UTF-8.
fn unescape(input: &[u8]) -> Result<String, RackError> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = input.get(i + 1).and_then(|c| (*c as char).to_digit(16));
                let lo = input.get(i + 2).and_then(|c| (*c as char).to_digit(16));
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push((hi * 16 + lo) as u8),
                    _ => return Err(RackError),
                }
                i += 2;
            }
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| RackError)
}

/// What Rack's `normalize_params` returns to its caller: the params map it was given, `nil`, or
/// `Array(v)` (for a bare `[]` name).
enum Normalized {
    Params,
    Nil,
    Array(ParamValue),
}

fn is_bracket(c: char) -> bool {
    c == '[' || c == ']'
}

/// `name =~ %r(\A[\[\]]*([^\[\]]+)\]*)`: `k` is `$1` (empty without a match), `after` is `$'`.
fn split_name(name: &str) -> (&str, &str) {
    let start = name.len() - name.trim_start_matches(is_bracket).len();
    let tail = &name[start..];
    let k_len = tail.find(is_bracket).unwrap_or(tail.len());
    if k_len == 0 {
        return ("", "");
    }
    let k = &tail[..k_len];
    let after = tail[k_len..].trim_start_matches(']');
    (k, after)
}

/// `after =~ %r(^\[\]\[([^\[\]]+)\]$) || after =~ %r(^\[\](.+)$)`: the child key of `a[][...]`.
fn array_child_key(after: &str) -> Option<&str> {
    let rest = after.strip_prefix("[]")?;
    if let Some(inner) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']'))
        && !inner.is_empty()
        && !inner.contains(is_bracket)
    {
        return Some(inner);
    }
    (!rest.is_empty()).then_some(rest)
}

/// Rack's `params_hash_has_key?`.
fn params_hash_has_key(map: &ParamMap, key: &str) -> bool {
    if key.contains("[]") {
        return false;
    }
    let mut current = map;
    let mut parts = key.split(is_bracket).filter(|p| !p.is_empty()).peekable();
    while let Some(part) = parts.next() {
        match current.get(part) {
            Some(ParamValue::Map(m)) => current = m,
            Some(_) if parts.peek().is_none() => return true,
            _ => return false,
        }
    }
    true
}

/// Rack 2.2's `QueryParser#normalize_params`, step for step.
fn normalize_params(
    params: &mut ParamMap,
    name: &str,
    v: ParamValue,
    depth: usize,
) -> Result<Normalized, RackError> {
    if depth == 0 {
        return Err(RackError);
    }
    let (k, after) = split_name(name);
    if k.is_empty() {
        return Ok(if !v.is_null() && name == "[]" {
            Normalized::Array(ParamValue::List(vec![v]))
        } else {
            Normalized::Nil
        });
    }
    if after.is_empty() {
        params.insert(k, v);
    } else if after == "[" {
        params.insert(name, v);
    } else if after == "[]" {
        params.list_entry(k).ok_or(RackError)?.push(v);
    } else if let Some(child_key) = array_child_key(after) {
        let list = params.list_entry(k).ok_or(RackError)?;
        match list.last_mut() {
            Some(ParamValue::Map(last)) if !params_hash_has_key(last, child_key) => {
                normalize_params(last, child_key, v, depth - 1)?;
            }
            _ => {
                let mut fresh = ParamMap::new();
                let pushed = match normalize_params(&mut fresh, child_key, v, depth - 1)? {
                    Normalized::Params => ParamValue::Map(fresh),
                    Normalized::Nil => ParamValue::Null,
                    Normalized::Array(a) => a,
                };
                list.push(pushed);
            }
        }
    } else {
        let sub = params.map_entry(k).ok_or(RackError)?;
        match normalize_params(sub, after, v, depth - 1)? {
            Normalized::Params => {}
            Normalized::Nil => {
                params.insert(k, ParamValue::Null);
            }
            Normalized::Array(a) => {
                params.insert(k, a);
            }
        }
    }
    Ok(Normalized::Params)
}

/// A multipart body (Rack's `Multipart::Parser`): text parts are strings, parts with a file name
/// are [`FilePart`]s (an empty file name, "no file chosen", is skipped), names nest as in forms.
fn parse_multipart(body: &Bytes, boundary: &str) -> Result<ParamMap, BarongError> {
    let invalid = || BarongError::bad_request(INVALID_BODY);
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut params = ParamMap::new();
    let mut files = 0usize;

    // The preamble, up to the first boundary line.
    let first = find(body, delimiter, 0).ok_or_else(invalid)?;
    let mut at = first + delimiter.len();
    loop {
        // After a boundary: `--` ends the body, a line break starts a part.
        let rest = body.get(at..).ok_or_else(invalid)?;
        if rest.starts_with(b"--") {
            return Ok(params);
        }
        let rest_start = at + line_end_len(rest).ok_or_else(invalid)?;
        // A part without headers starts with the blank line.
        let (head_end, content_start) = if body[rest_start..].starts_with(b"\r\n") {
            (rest_start, rest_start + 2)
        } else {
            let end = find(body, b"\r\n\r\n", rest_start).ok_or_else(invalid)?;
            (end, end + 4)
        };
        let head = std::str::from_utf8(&body[rest_start..head_end]).map_err(|_| invalid())?;
        let mut closing = Vec::with_capacity(delimiter.len() + 2);
        closing.extend_from_slice(b"\r\n");
        closing.extend_from_slice(delimiter);
        let content_end = find(body, &closing, content_start).ok_or_else(invalid)?;
        at = content_end + closing.len();

        let part = PartHead::parse(head);
        let data = body.slice(content_start..content_end);
        let name = match (&part.name, &part.filename) {
            (Some(n), _) if !n.is_empty() => n.clone(),
            (_, Some(f)) => f.clone(),
            _ => format!("{}[]", part.content_type.as_deref().unwrap_or("text/plain")),
        };
        let value = match part.filename {
            Some(f) if f.is_empty() => continue,
            Some(f) => {
                files += 1;
                if files > MULTIPART_FILE_LIMIT {
                    return Err(BarongError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        PAYLOAD_TOO_LARGE,
                    ));
                }
                let filename = f.rsplit(['/', '\\']).next().unwrap_or(&f).to_owned();
                ParamValue::File(FilePart {
                    name: name.clone(),
                    filename,
                    content_type: part.content_type,
                    data,
                })
            }
            None => ParamValue::String(String::from_utf8(data.to_vec()).map_err(|_| invalid())?),
        };
        normalize_params(&mut params, &name, value, PARAM_DEPTH_LIMIT).map_err(|_| invalid())?;
    }
}

fn line_end_len(rest: &[u8]) -> Option<usize> {
    // Rack tolerates padding after the boundary before the line break.
    let pos = find(rest, b"\r\n", 0)?;
    rest[..pos]
        .iter()
        .all(|b| *b == b' ' || *b == b'\t')
        .then_some(pos + 2)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return Some(from);
    }
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The headers of one multipart part that Rack reads.
#[derive(Debug, Default)]
struct PartHead {
    name: Option<String>,
    filename: Option<String>,
    content_type: Option<String>,
}

impl PartHead {
    fn parse(head: &str) -> Self {
        let mut part = Self::default();
        for line in head.split("\r\n") {
            let Some((field, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if field.trim().eq_ignore_ascii_case("content-disposition") {
                for param in disposition_params(value) {
                    match param {
                        (k, v) if k.eq_ignore_ascii_case("name") => part.name = Some(v),
                        (k, v) if k.eq_ignore_ascii_case("filename") => part.filename = Some(v),
                        (k, v)
                            if k.eq_ignore_ascii_case("filename*") && part.filename.is_none() =>
                        {
                            // RFC 5987: charset'lang'percent-encoded.
                            let encoded = v.splitn(3, '\'').nth(2).unwrap_or(&v).to_owned();
                            part.filename = Some(
                                unescape(encoded.replace('+', "%2B").as_bytes()).unwrap_or(encoded),
                            );
                        }
                        _ => {}
                    }
                }
            } else if field.trim().eq_ignore_ascii_case("content-type") {
                part.content_type = Some(value.to_owned());
            }
        }
        part
    }
}

/// `form-data; name="a"; filename="b.png"` → `[("name","a"), ("filename","b.png")]`.
fn disposition_params(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value.split_once(';').map_or("", |(_, r)| r);
    loop {
        rest = rest.trim_start_matches([' ', '\t', ';']);
        if rest.is_empty() {
            return out;
        }
        let Some(eq) = rest.find(['=', ';']) else {
            return out;
        };
        if rest[eq..].starts_with(';') {
            // A parameter without a value.
            rest = &rest[eq..];
            continue;
        }
        let key = rest[..eq].trim().to_owned();
        rest = &rest[eq + 1..];
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut text = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            text.push(escaped);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    _ => text.push(c),
                }
            }
            value = text;
            rest = &quoted[end.min(quoted.len())..];
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            value = rest[..end].trim().to_owned();
            rest = &rest[end..];
        }
        out.push((key, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use serde_json::json;

    fn headers(content_type: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(ct) = content_type {
            h.insert(header::CONTENT_TYPE, ct.parse().unwrap());
        }
        h
    }

    fn parse(
        method: Method,
        content_type: Option<&str>,
        query: Option<&str>,
        body: &str,
    ) -> Result<serde_json::Value, BarongError> {
        BarongParams::parse(
            &method,
            &headers(content_type),
            query,
            &Bytes::copy_from_slice(body.as_bytes()),
        )
        .map(|p| serde_json::to_value(p.as_map()).unwrap())
    }

    fn query(q: &str) -> serde_json::Value {
        parse(Method::GET, None, Some(q), "").unwrap()
    }

    fn err(status: StatusCode, key: &str) -> BarongError {
        BarongError::new(status, key)
    }

    #[test]
    fn barong_rack_nesting() {
        assert_eq!(
            query("captcha_response[geetest_challenge]=x&captcha_response[geetest_validate]=y"),
            json!({"captcha_response": {"geetest_challenge": "x", "geetest_validate": "y"}})
        );
        assert_eq!(query("a[]=1&a[]=2"), json!({"a": ["1", "2"]}));
        assert_eq!(query("a=1&a=2"), json!({"a": "2"}));
        assert_eq!(query("a&b=&c"), json!({"a": null, "b": "", "c": null}));
        assert_eq!(
            query("a[][b]=1&a[][c]=2&a[][b]=3"),
            json!({"a": [{"b": "1", "c": "2"}, {"b": "3"}]})
        );
        assert_eq!(
            query("a[b][c]=1&a[b][d]=2"),
            json!({"a": {"b": {"c": "1", "d": "2"}}})
        );
        assert_eq!(query("a[][]=1"), json!({"a": [["1"]]}));
        assert_eq!(query("a[=1&b]=2"), json!({"a[": "1", "b": "2"}));
        assert_eq!(query("a[b=1"), json!({"a": {"b": "1"}}));
        assert_eq!(query("a[[]]=1"), json!({"a": null}));
        assert_eq!(query("a[]]=1"), json!({"a": [null]}));
        assert_eq!(query("=1&[]=2&&;x=3"), json!({"x": "3"}));
        // `;` separates in the query string; spaces after a separator are dropped.
        assert_eq!(
            query("a=1; b=2& c=%20"),
            json!({"a": "1", "b": "2", "c": " "})
        );
        assert_eq!(
            query("e=a%2Bb+c%40d&f=%C3%A9"),
            json!({"e": "a+b c@d", "f": "é"})
        );
        // A null (key without `=`) is replaced by a list or map (`||=`).
        assert_eq!(query("a&a[]=1"), json!({"a": ["1"]}));
        // A later plain key replaces a structure.
        assert_eq!(query("a[]=1&a=2"), json!({"a": "2"}));
    }

    #[test]
    fn barong_rack_refusals() {
        let bad_query = Err(err(StatusCode::BAD_REQUEST, INVALID_QUERY));
        for q in [
            "a=1&a[b]=2",
            "a[b]=1&a[]=2",
            "a=1&a[][b]=2",
            "a=%zz",
            "a=100%",
            "%ff=1",
            "a=%C3",
        ] {
            assert_eq!(parse(Method::GET, None, Some(q), ""), bad_query, "{q}");
        }
        let deep = format!("a{}=1", "[b]".repeat(99));
        assert!(parse(Method::GET, None, Some(&deep), "").is_ok());
        let too_deep = format!("a{}=1", "[b]".repeat(100));
        assert_eq!(parse(Method::GET, None, Some(&too_deep), ""), bad_query);
    }

    #[test]
    fn barong_sources_and_precedence() {
        // A form body wins over the query string, whole, in the query's position.
        assert_eq!(
            parse(
                Method::POST,
                Some("application/x-www-form-urlencoded"),
                Some("email=q&a[x]=1&only=q"),
                "a[y]=2&email=b&extra=1"
            )
            .unwrap(),
            json!({"email": "b", "a": {"y": "2"}, "only": "q", "extra": "1"})
        );
        assert_eq!(
            serde_json::to_string(
                &parse(
                    Method::POST,
                    Some("application/x-www-form-urlencoded"),
                    Some("z=1&email=q"),
                    "email=b"
                )
                .unwrap()
            )
            .unwrap(),
            r#"{"z":"1","email":"b"}"#
        );
        // A JSON object also wins; its values keep their JSON types.
        assert_eq!(
            parse(
                Method::PUT,
                Some("application/json; charset=utf-8"),
                Some("email=q&n=1"),
                r#"{"email":"b","n":2,"t":true,"x":null,"o":{"k":[1.5]}}"#
            )
            .unwrap(),
            json!({"email": "b", "n": 2, "t": true, "x": null, "o": {"k": [1.5]}})
        );
        // The body is read for DELETE too; the query string for every verb.
        assert_eq!(
            parse(
                Method::DELETE,
                Some("application/json"),
                Some("totp_code=1"),
                r#"{"a":"b"}"#
            )
            .unwrap(),
            json!({"totp_code": "1", "a": "b"})
        );
        // No content type: JSON (Barong's default format).
        assert_eq!(
            parse(Method::POST, None, None, r#"{"email":"a@b.c"}"#).unwrap(),
            json!({"email": "a@b.c"})
        );
        // A JSON array or scalar is ignored; only the query string counts.
        for body in ["[1,2]", "\"x\"", "42", "null", "true", "  \n"] {
            assert_eq!(
                parse(Method::POST, Some("application/json"), Some("a=1"), body).unwrap(),
                json!({"a": "1"}),
                "{body}"
            );
        }
        // POST without a content type, JSON that is not an object: Rack then reads it as a form.
        assert_eq!(
            parse(Method::POST, None, None, "[1]").unwrap(),
            json!({"1": null})
        );
        // GET: a JSON body (and its content type) is ignored, a form body is read.
        assert_eq!(
            parse(Method::GET, Some("text/plain"), Some("a=1"), "{oops").unwrap(),
            json!({"a": "1"})
        );
        assert_eq!(
            parse(Method::GET, Some("application/json"), None, r#"{"a":"b"}"#).unwrap(),
            json!({})
        );
        assert_eq!(
            parse(
                Method::GET,
                Some("application/x-www-form-urlencoded"),
                None,
                "a=b"
            )
            .unwrap(),
            json!({"a": "b"})
        );
        // A form body splits on `&` only, and loses one trailing NUL.
        assert_eq!(
            parse(
                Method::POST,
                Some("application/x-www-form-urlencoded"),
                None,
                "a=1;b=2&c=3\0"
            )
            .unwrap(),
            json!({"a": "1;b=2", "c": "3"})
        );
        // Media types compare case-insensitively, parameters ignored.
        assert_eq!(
            parse(
                Method::PATCH,
                Some("Application/JSON ;charset=UTF-8"),
                None,
                r#"{"a":1}"#
            )
            .unwrap(),
            json!({"a": 1})
        );
        // Empty bodies are no params whatever the type.
        assert_eq!(
            parse(Method::POST, Some("text/plain"), None, "").unwrap(),
            json!({})
        );
    }

    #[test]
    fn barong_bad_bodies() {
        let invalid = Err(err(StatusCode::BAD_REQUEST, INVALID_BODY));
        assert_eq!(
            parse(Method::POST, Some("application/json"), None, "{\"a\":"),
            invalid
        );
        assert_eq!(parse(Method::POST, None, None, "email=a"), invalid);
        assert_eq!(
            parse(
                Method::POST,
                Some("application/x-www-form-urlencoded"),
                None,
                "a=%"
            ),
            invalid
        );
        assert_eq!(
            parse(
                Method::POST,
                Some("application/x-www-form-urlencoded"),
                None,
                "a=1&a[b]=2"
            ),
            invalid
        );
        let latin1 = BarongParams::parse(
            &Method::POST,
            &headers(Some("application/json")),
            None,
            &Bytes::from_static(b"{\"a\":\"\xe9\"}"),
        );
        assert_eq!(
            latin1.err(),
            Some(err(StatusCode::BAD_REQUEST, INVALID_BODY))
        );
        let latin1 = BarongParams::parse(
            &Method::POST,
            &headers(Some("application/x-www-form-urlencoded")),
            None,
            &Bytes::from_static(b"a=\xe9"),
        );
        assert_eq!(
            latin1.err(),
            Some(err(StatusCode::BAD_REQUEST, INVALID_BODY))
        );
        for ct in ["text/plain", "application/xml", "text/json"] {
            assert_eq!(
                parse(Method::POST, Some(ct), None, "a=1"),
                Err(err(StatusCode::NOT_ACCEPTABLE, UNSUPPORTED_CONTENT_TYPE)),
                "{ct}"
            );
        }
    }

    fn multipart(parts: &[(&str, &str)]) -> String {
        let mut body = String::from("preamble\r\n");
        for (head, content) in parts {
            body.push_str("--XyZ\r\n");
            body.push_str(head);
            body.push_str("\r\n\r\n");
            body.push_str(content);
            body.push_str("\r\n");
        }
        body.push_str("--XyZ--\r\nepilogue");
        body
    }

    #[test]
    fn barong_multipart() {
        let body = multipart(&[
            ("Content-Disposition: form-data; name=\"email\"", "a@b.c"),
            (
                "Content-Disposition: form-data; name=\"captcha_response[geetest_challenge]\"",
                "line1\r\nline2",
            ),
            (
                "Content-Disposition: form-data; name=\"upload[]\"; filename=\"C:\\\\dir\\\\x.png\"\r\nContent-Type: image/png",
                "\u{1}PNG",
            ),
            (
                "content-disposition: form-data; name=\"skipped\"; filename=\"\"",
                "",
            ),
            ("Content-Disposition: form-data; name=\"email\"", "second"),
        ]);
        let params = BarongParams::parse(
            &Method::POST,
            &headers(Some("multipart/form-data; boundary=XyZ")),
            Some("email=q&k=v"),
            &Bytes::from(body),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(params.as_map()).unwrap(),
            json!({
                "email": "second",
                "k": "v",
                "captcha_response": {"geetest_challenge": "line1\r\nline2"},
                "upload": [{"filename": "x.png", "type": "image/png", "name": "upload[]"}]
            })
        );
        let file = params.list("upload").unwrap()[0].as_file().unwrap();
        assert_eq!(&file.data[..], b"\x01PNG");

        // A quoted boundary; a multipart type without a boundary is read as a form.
        let body = multipart(&[("Content-Disposition: form-data; name=a", "1")]);
        assert_eq!(
            parse(
                Method::PUT,
                Some("multipart/form-data; boundary=\"XyZ\""),
                None,
                &body
            )
            .unwrap(),
            json!({"a": "1"})
        );
        assert_eq!(
            parse(Method::POST, Some("multipart/form-data"), None, "a=1&b=2").unwrap(),
            json!({"a": "1", "b": "2"})
        );

        let invalid = Err(err(StatusCode::BAD_REQUEST, INVALID_BODY));
        let truncated = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue";
        assert_eq!(
            parse(
                Method::POST,
                Some("multipart/form-data; boundary=XyZ"),
                None,
                truncated
            ),
            invalid
        );
        assert_eq!(
            parse(
                Method::POST,
                Some("multipart/form-data; boundary=XyZ"),
                None,
                "no boundary"
            ),
            invalid
        );

        let many: Vec<(String, &str)> = (0..=MULTIPART_FILE_LIMIT)
            .map(|i| {
                (
                    format!("Content-Disposition: form-data; name=\"f{i}\"; filename=\"f\""),
                    "x",
                )
            })
            .collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(h, c)| (h.as_str(), *c)).collect();
        assert_eq!(
            parse(
                Method::POST,
                Some("multipart/form-data; boundary=XyZ"),
                None,
                &multipart(&many)
            ),
            Err(err(StatusCode::PAYLOAD_TOO_LARGE, PAYLOAD_TOO_LARGE))
        );
    }

    #[test]
    fn barong_disposition_params() {
        assert_eq!(
            disposition_params(r#"form-data; flag; name="a\"b";filename=c.txt ; x="#),
            [
                ("name".to_owned(), "a\"b".to_owned()),
                ("filename".to_owned(), "c.txt".to_owned()),
                ("x".to_owned(), String::new()),
            ]
        );
        let head = PartHead::parse(
            "Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''%C3%A9+.txt\r\nContent-Type: text/plain",
        );
        assert_eq!(head.name.as_deref(), Some("f"));
        assert_eq!(head.filename.as_deref(), Some("é+.txt"));
        assert_eq!(head.content_type.as_deref(), Some("text/plain"));
    }

    #[test]
    fn barong_boundary_and_media_type() {
        assert_eq!(
            multipart_boundary("multipart/form-data; boundary=abc"),
            Some("abc")
        );
        assert_eq!(
            multipart_boundary("Multipart/Mixed; BOUNDARY=\"a b\"; x=1"),
            Some("a b")
        );
        assert_eq!(multipart_boundary("multipart/form-data"), None);
        assert_eq!(
            multipart_boundary("application/x-www-form-urlencoded; boundary=a"),
            None
        );
        assert_eq!(
            media_type("Application/Json ; charset=utf-8"),
            "application/json"
        );
        assert_eq!(media_type("multipart/form-data,x"), "multipart/form-data");
    }

    #[test]
    fn barong_blank() {
        for blank in [
            ParamValue::Null,
            ParamValue::Bool(false),
            ParamValue::String(String::new()),
            ParamValue::String(" \t\r\n\u{3000}\u{a0}".into()),
            ParamValue::List(vec![]),
            ParamValue::Map(ParamMap::new()),
        ] {
            assert!(blank.is_blank(), "{blank:?}");
        }
        for present in [
            ParamValue::Bool(true),
            ParamValue::Number(0.into()),
            ParamValue::String(" x ".into()),
            ParamValue::List(vec![ParamValue::Null]),
        ] {
            assert!(!present.is_blank(), "{present:?}");
        }
    }

    #[test]
    fn barong_param_map_keeps_order() {
        let mut m = ParamMap::new();
        m.insert("b", ParamValue::Null);
        m.insert("a", ParamValue::Null);
        assert_eq!(
            m.insert("b", ParamValue::Bool(true)),
            Some(ParamValue::Null)
        );
        assert_eq!(m.keys().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(m.get("b"), Some(&ParamValue::Bool(true)));
        assert_eq!(m.len(), 2);
    }

    #[tokio::test]
    async fn barong_extractor() {
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v2/identity/users?refid=ID1")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"email":"a@b.c","password":"x"}"#))
            .unwrap();
        let params = BarongParams::from_request(req, &()).await.unwrap();
        assert_eq!(params.string("email"), Some("a@b.c"));
        assert_eq!(params.string("refid"), Some("ID1"));
        assert!(params.is_blank("otp_code"));

        let req = Request::builder()
            .method(Method::POST)
            .uri("/x")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(vec![b' '; crate::http::MAX_BODY_BYTES + 1]))
            .unwrap();
        assert_eq!(
            BarongParams::from_request(req, &()).await,
            Err(err(StatusCode::PAYLOAD_TOO_LARGE, PAYLOAD_TOO_LARGE))
        );
    }

    proptest::proptest! {
        #[test]
        fn barong_query_parser_never_panics(q in "[a-z\\[\\]=&;%+0-9 ]{0,64}") {
            let _ = parse_nested_query(q.as_bytes(), b"&;");
        }

        #[test]
        fn barong_multipart_never_panics(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256)) {
            let mut full = b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n".to_vec();
            full.extend_from_slice(&body);
            let _ = parse_multipart(&Bytes::from(full), "b");
            let _ = parse_multipart(&Bytes::from(body), "b");
        }
    }
}
