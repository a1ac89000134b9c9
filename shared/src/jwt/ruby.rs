//! The Ruby semantics that decide ruby-jwt 2.2.2's answers, so a token Barong would have refused
//! is refused here with the same message: `String#split`, the lenient `Base64.decode64`,
//! `JSON.parse`'s nesting limit, and how a claim value prints inside an error message.

use serde_json::{Map, Number, Value};

/// `jwt.split('.')`: Ruby drops trailing empty fields, so "a.b." has two segments and "a.b.c."
/// three.
pub(super) fn split_segments(token: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = token.split('.').collect();
    while parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts
}

fn b64_value(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
        // ruby-jwt maps "-_" to "+/" before decoding, so both alphabets are read.
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// ruby-jwt's `Base64.url_decode` = Ruby's non-strict `unpack('m')` (pack.c): characters outside
/// the alphabet are skipped, '=' in the third or fourth place of a quantum ends the input, and
/// nothing ever fails; garbage only shows later, as JSON that does not parse. The '=' padding
/// ruby-jwt appends first cannot change the result: the end of input stops decoding the same way.
pub(super) fn url_decode(segment: &str) -> Vec<u8> {
    let s = segment.as_bytes();
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 2);
    let mut i = 0;
    let (mut a, mut b, mut c) = (None, None, None);
    while i < s.len() {
        (a, b, c) = (None, None, None);
        let mut d = None;
        while i < s.len() {
            a = b64_value(at(i));
            if a.is_some() {
                break;
            }
            i += 1;
        }
        if i >= s.len() {
            break;
        }
        i += 1;
        while i < s.len() {
            b = b64_value(at(i));
            if b.is_some() {
                break;
            }
            i += 1;
        }
        if i >= s.len() {
            break;
        }
        i += 1;
        while i < s.len() {
            c = b64_value(at(i));
            if c.is_some() || at(i) == b'=' {
                break;
            }
            i += 1;
        }
        if at(i) == b'=' || i >= s.len() {
            break;
        }
        i += 1;
        while i < s.len() {
            d = b64_value(at(i));
            if d.is_some() || at(i) == b'=' {
                break;
            }
            i += 1;
        }
        if at(i) == b'=' || i >= s.len() {
            break;
        }
        i += 1;
        if let (Some(a), Some(b), Some(c), Some(d)) = (a, b, c, d) {
            let n = (a << 18) | (b << 12) | (c << 6) | d;
            out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
        }
        a = None;
    }
    if let (Some(a), Some(b)) = (a, b) {
        out.push(((a << 2) | (b >> 4)) as u8);
        if let Some(c) = c {
            out.push((((b << 4) | (c >> 2)) & 0xff) as u8);
        }
    }
    out
}

/// `JSON.parse`: serde_json plus the json gem's default `max_nesting` of 100 (deeper input is a
/// `JSON::NestingError`, a `ParserError`).
pub(super) fn json_parse(bytes: &[u8]) -> Option<Value> {
    let value: Value = serde_json::from_slice(bytes).ok()?;
    (depth(&value) <= 100).then_some(value)
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// `value.to_i` for a parsed JSON value; `None` where Ruby has no `to_i` (true, false, Array,
/// Hash), which raises NoMethodError. Saturates where Ruby would grow a Bignum: only comparisons
/// with the current time follow.
pub(super) fn to_i(value: &Value) -> Option<i128> {
    match value {
        Value::Null => Some(0),
        Value::Number(n) => Some(number_to_i(n)),
        Value::String(s) => Some(str_to_i(s)),
        Value::Bool(_) | Value::Array(_) | Value::Object(_) => None,
    }
}

fn number_to_i(n: &Number) -> i128 {
    if let Some(i) = n.as_i64() {
        i128::from(i)
    } else if let Some(u) = n.as_u64() {
        i128::from(u)
    } else {
        // Float#to_i truncates; `as` saturates, and JSON has no NaN or infinity.
        n.as_f64().map_or(0, |f| f.trunc() as i128)
    }
}

fn is_ruby_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `String#to_i`: leading whitespace, a sign, an optional "0d", then decimal digits with single
/// underscores between them; stops at the first other character ("12abc" is 12, "abc" 0).
fn str_to_i(s: &str) -> i128 {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && is_ruby_space(b[i]) {
        i += 1;
    }
    let negative = match b.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    if b.get(i) == Some(&b'0') && matches!(b.get(i + 1), Some(b'd' | b'D')) {
        i += 2;
    }
    let mut value: i128 = 0;
    let mut after_digit = false;
    while let Some(&c) = b.get(i) {
        if c.is_ascii_digit() {
            value = value
                .saturating_mul(10)
                .saturating_add(i128::from(c - b'0'));
            after_digit = true;
        } else if c == b'_' && after_digit && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            after_digit = false;
        } else {
            break;
        }
        i += 1;
    }
    if negative { -value } else { value }
}

/// `str.strip.empty?`: nothing but whitespace and NULs.
pub(super) fn strip_is_empty(s: &str) -> bool {
    s.bytes().all(|c| c == 0 || is_ruby_space(c))
}

/// `message.split.last`, how Barong turns a JWT::DecodeError into its error key.
pub(super) fn last_word(message: &str) -> String {
    message
        .split(|c: char| c.is_ascii() && is_ruby_space(c as u8))
        .rfind(|w| !w.is_empty())
        .unwrap_or("")
        .to_owned()
}

/// `value.to_s`, as string interpolation prints a claim: strings bare, arrays and hashes as
/// `inspect` (Ruby 2.x: `{"k"=>"v"}`).
pub(super) fn to_s(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => inspect(other),
    }
}

fn inspect(value: &Value) -> String {
    match value {
        Value::Null => "nil".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number_to_s(n),
        Value::String(s) => inspect_str(s),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(inspect).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Object(map) => inspect_hash(map),
    }
}

fn inspect_hash(map: &Map<String, Value>) -> String {
    let inner: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{}=>{}", inspect_str(k), inspect(v)))
        .collect();
    format!("{{{}}}", inner.join(", "))
}

fn number_to_s(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else {
        n.as_f64().map_or_else(String::new, float_to_s)
    }
}

/// `Float#to_s`: fixed notation from 1e-4 up to 1e16 (always with a fraction), otherwise
/// "1.0e+20" / "1.5e-05".
fn float_to_s(f: f64) -> String {
    let magnitude = f.abs();
    if f == 0.0 || (1e-4..1e16).contains(&magnitude) {
        let fixed = format!("{f}");
        if fixed.contains('.') {
            fixed
        } else {
            format!("{fixed}.0")
        }
    } else {
        let sci = format!("{f:e}");
        let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.to_owned()
        } else {
            format!("{mantissa}.0")
        };
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(digits) => ('-', digits),
            None => ('+', exponent),
        };
        format!("{mantissa}e{sign}{digits:0>2}")
    }
}

/// `String#inspect` for a UTF-8 string.
fn inspect_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0c' => out.push_str("\\f"),
            '\x0b' => out.push_str("\\v"),
            '\x08' => out.push_str("\\b"),
            '\x07' => out.push_str("\\a"),
            '\x1b' => out.push_str("\\e"),
            '#' if matches!(chars.peek(), Some('{' | '$' | '@')) => out.push_str("\\#"),
            c if (c as u32) < 0x20 || ('\x7f'..'\u{a0}').contains(&c) => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn split_drops_trailing_empty_segments() {
        assert_eq!(split_segments("a.b.c"), ["a", "b", "c"]);
        assert_eq!(split_segments("a.b."), ["a", "b"]);
        assert_eq!(split_segments("a.b.c.."), ["a", "b", "c"]);
        assert_eq!(split_segments(".b.c"), ["", "b", "c"]);
        assert_eq!(split_segments("a..c"), ["a", "", "c"]);
        assert!(split_segments("").is_empty());
        assert!(split_segments("...").is_empty());
    }

    #[test]
    fn url_decode_matches_ruby_decode64() {
        assert_eq!(url_decode("eyJhbGciOiJSUzI1NiJ9"), br#"{"alg":"RS256"}"#);
        // Skips characters outside the alphabet.
        assert_eq!(url_decode("eyJh!bGc*iOiJSUzI1NiJ9"), br#"{"alg":"RS256"}"#);
        assert_eq!(url_decode("YQ"), b"a");
        assert_eq!(url_decode("YWI"), b"ab");
        assert_eq!(url_decode("YWJj"), b"abc");
        assert_eq!(url_decode("YWJj=ZGVm"), b"abcdef");
        assert_eq!(url_decode("YW=Jj"), b"a");
        assert_eq!(url_decode("Y"), b"");
        assert_eq!(url_decode(""), b"");
        assert_eq!(url_decode("-_-_"), [0xfb, 0xff, 0xbf]);
        assert_eq!(url_decode("+/+/"), [0xfb, 0xff, 0xbf]);
    }

    #[test]
    fn json_parse_limits_nesting_to_100() {
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        let deep = format!("{}{}", "[".repeat(101), "]".repeat(101));
        assert!(json_parse(ok.as_bytes()).is_some());
        assert!(json_parse(deep.as_bytes()).is_none());
        assert!(json_parse(b"").is_none());
        assert_eq!(json_parse(b" null "), Some(Value::Null));
    }

    #[test]
    fn to_i_follows_ruby() {
        assert_eq!(to_i(&json!(12)), Some(12));
        assert_eq!(to_i(&json!(12.9)), Some(12));
        assert_eq!(to_i(&json!(-12.9)), Some(-12));
        assert_eq!(to_i(&json!(null)), Some(0));
        assert_eq!(to_i(&json!(" 12abc")), Some(12));
        assert_eq!(to_i(&json!("1_000")), Some(1000));
        assert_eq!(to_i(&json!("1__0")), Some(1));
        assert_eq!(to_i(&json!("-0d42")), Some(-42));
        assert_eq!(to_i(&json!("abc")), Some(0));
        assert_eq!(to_i(&json!(true)), None);
        assert_eq!(to_i(&json!([1])), None);
    }

    #[test]
    fn to_s_and_inspect_follow_ruby() {
        assert_eq!(to_s(&json!("reset")), "reset");
        assert_eq!(to_s(&json!(5)), "5");
        assert_eq!(to_s(&json!(1.0)), "1.0");
        assert_eq!(to_s(&json!(1e20)), "1.0e+20");
        assert_eq!(to_s(&json!(0.00001)), "1.0e-05");
        assert_eq!(to_s(&json!(0.5)), "0.5");
        assert_eq!(to_s(&json!(true)), "true");
        assert_eq!(to_s(&json!(["a", 1, null])), r#"["a", 1, nil]"#);
        assert_eq!(to_s(&json!({"k": "v"})), r#"{"k"=>"v"}"#);
        assert_eq!(to_s(&json!(["a\"b\n#{x}"])), r#"["a\"b\n\#{x}"]"#);
    }

    #[test]
    fn last_word_and_strip() {
        assert_eq!(last_word("Signature has expired"), "expired");
        assert_eq!(
            last_word("Invalid subject. Expected a, received "),
            "received"
        );
        assert_eq!(last_word("x y\x0bz"), "z");
        assert!(strip_is_empty(" \t\0"));
        assert!(!strip_is_empty(" a "));
    }
}
