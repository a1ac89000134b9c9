//! The syntax check of Go's `json.Decoder.Decode`, byte for byte: where the first JSON value of a
//! body ends, or the error text Go gives for it (`encoding/json/scanner.go`). Coder puts that text
//! in the `detail` of its 400, so a client sees the same words for the same bad body.
//!
//! Go also reads some bodies that serde_json refuses: [`go_text`] rewrites those into the text
//! Go would have decoded.

use std::borrow::Cow;

/// Go's `maxNestingDepth`.
const MAX_DEPTH: usize = 10_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    ObjectKey,
    ObjectValue,
    Array,
}

/// One state of Go's scanner (`stateBeginValue`, `stateInString`, ...).
#[derive(Clone, Copy)]
enum State {
    BeginValue,
    BeginValueOrEmpty,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    InString,
    InStringEsc,
    /// Inside `\u`, with this many hex digits read.
    InStringEscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    /// Inside a literal: the rest still expected, and the literal's name.
    Literal(&'static [u8], &'static str),
}

/// Go's `quoteChar`: how a byte is shown in a syntax error. The byte is taken as a code point
/// (`string(c)` in Go), so 0xEF shows as `'ï'`.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => return "'\\''".to_owned(),
        b'"' => return "'\"'".to_owned(),
        _ => {}
    }
    let shown = match c {
        b'\\' => "\\\\".to_owned(),
        0x07 => "\\a".to_owned(),
        0x08 => "\\b".to_owned(),
        0x0c => "\\f".to_owned(),
        b'\n' => "\\n".to_owned(),
        b'\r' => "\\r".to_owned(),
        b'\t' => "\\t".to_owned(),
        0x0b => "\\v".to_owned(),
        0x00..=0x1f | 0x7f => format!("\\x{c:02x}"),
        // C1 controls, the no-break space and the soft hyphen are not printable in Go.
        0x80..=0xa0 | 0xad => format!("\\u{c:04x}"),
        _ => char::from(c).to_string(),
    };
    format!("'{shown}'")
}

fn invalid(c: u8, context: &str) -> String {
    format!("invalid character {} {context}", quote_char(c))
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// The length of the first JSON value in `body` (leading space included), or Go's error text:
/// `EOF` for a body of only space, `unexpected EOF` for one that ends inside a value, and
/// `invalid character ...` for a bad byte. Bytes after the value are not read, as in Go.
pub fn first_value(body: &[u8]) -> Result<usize, String> {
    let mut stack: Vec<Container> = Vec::new();
    let mut state = State::BeginValue;
    for (i, &c) in body.iter().enumerate() {
        match step(&mut state, &mut stack, c)? {
            Step::Continue => {}
            // The value ended before this byte (a number or literal at the top).
            Step::EndedBefore => return Ok(i),
            Step::EndedWith => return Ok(i + 1),
        }
    }
    // At the end, Go feeds one space: that completes a number at the top level.
    match step(&mut state, &mut stack, b' ') {
        Ok(Step::EndedBefore) => Ok(body.len()),
        _ if body.iter().all(|&c| is_space(c)) => Err("EOF".to_owned()),
        _ => Err("unexpected EOF".to_owned()),
    }
}

enum Step {
    Continue,
    EndedBefore,
    EndedWith,
}

fn step(state: &mut State, stack: &mut Vec<Container>, c: u8) -> Result<Step, String> {
    match *state {
        State::BeginValueOrEmpty if c == b']' => return close(state, stack, c),
        State::BeginValueOrEmpty | State::BeginValue => begin_value(state, stack, c),
        State::BeginStringOrEmpty if c == b'}' => {
            if let Some(top) = stack.last_mut() {
                *top = Container::ObjectValue;
            }
            return close(state, stack, c);
        }
        State::BeginStringOrEmpty | State::BeginString => match c {
            _ if is_space(c) => Ok(()),
            b'"' => {
                *state = State::InString;
                Ok(())
            }
            _ => Err(invalid(c, "looking for beginning of object key string")),
        },
        State::EndValue => return end_value(state, stack, c),
        State::InString => match c {
            b'"' => {
                *state = State::EndValue;
                return Ok(after_value(stack));
            }
            b'\\' => {
                *state = State::InStringEsc;
                Ok(())
            }
            0x00..=0x1f => Err(invalid(c, "in string literal")),
            _ => Ok(()),
        },
        State::InStringEsc => match c {
            b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {
                *state = State::InString;
                Ok(())
            }
            b'u' => {
                *state = State::InStringEscU(0);
                Ok(())
            }
            _ => Err(invalid(c, "in string escape code")),
        },
        State::InStringEscU(read) => {
            if !c.is_ascii_hexdigit() {
                return Err(invalid(c, "in \\u hexadecimal character escape"));
            }
            *state = if read == 3 {
                State::InString
            } else {
                State::InStringEscU(read + 1)
            };
            Ok(())
        }
        State::Neg => match c {
            b'0' => {
                *state = State::Zero;
                Ok(())
            }
            b'1'..=b'9' => {
                *state = State::One;
                Ok(())
            }
            _ => Err(invalid(c, "in numeric literal")),
        },
        State::One if c.is_ascii_digit() => Ok(()),
        State::One | State::Zero => match c {
            b'.' => {
                *state = State::Dot;
                Ok(())
            }
            b'e' | b'E' => {
                *state = State::E;
                Ok(())
            }
            _ => return end_value(state, stack, c),
        },
        State::Dot => {
            if !c.is_ascii_digit() {
                return Err(invalid(c, "after decimal point in numeric literal"));
            }
            *state = State::Dot0;
            Ok(())
        }
        State::Dot0 => match c {
            _ if c.is_ascii_digit() => Ok(()),
            b'e' | b'E' => {
                *state = State::E;
                Ok(())
            }
            _ => return end_value(state, stack, c),
        },
        State::E if c == b'+' || c == b'-' => {
            *state = State::ESign;
            Ok(())
        }
        State::E | State::ESign => {
            if !c.is_ascii_digit() {
                return Err(invalid(c, "in exponent of numeric literal"));
            }
            *state = State::E0;
            Ok(())
        }
        State::E0 if c.is_ascii_digit() => Ok(()),
        State::E0 => return end_value(state, stack, c),
        State::Literal(rest, name) => {
            if c != rest[0] {
                let expecting = format!("in literal {name} (expecting {})", quote_char(rest[0]));
                return Err(invalid(c, &expecting));
            }
            if rest.len() == 1 {
                *state = State::EndValue;
                return Ok(after_value(stack));
            }
            *state = State::Literal(&rest[1..], name);
            Ok(())
        }
    }
    .map(|()| Step::Continue)
}

fn begin_value(state: &mut State, stack: &mut Vec<Container>, c: u8) -> Result<(), String> {
    *state = match c {
        _ if is_space(c) => return Ok(()),
        b'{' => {
            push(stack, Container::ObjectKey, c)?;
            State::BeginStringOrEmpty
        }
        b'[' => {
            push(stack, Container::Array, c)?;
            State::BeginValueOrEmpty
        }
        b'"' => State::InString,
        b'-' => State::Neg,
        b'0' => State::Zero,
        b'1'..=b'9' => State::One,
        b't' => State::Literal(b"rue", "true"),
        b'f' => State::Literal(b"alse", "false"),
        b'n' => State::Literal(b"ull", "null"),
        _ => return Err(invalid(c, "looking for beginning of value")),
    };
    Ok(())
}

fn push(stack: &mut Vec<Container>, container: Container, c: u8) -> Result<(), String> {
    stack.push(container);
    if stack.len() > MAX_DEPTH {
        return Err(invalid(c, "exceeded max depth"));
    }
    Ok(())
}

/// A string or literal just ended: at the top level, the value ends with this byte.
fn after_value(stack: &[Container]) -> Step {
    if stack.is_empty() {
        Step::EndedWith
    } else {
        Step::Continue
    }
}

/// `}` or `]` closed the innermost container.
fn close(state: &mut State, stack: &mut Vec<Container>, _c: u8) -> Result<Step, String> {
    stack.pop();
    *state = State::EndValue;
    Ok(after_value(stack))
}

/// Go's `stateEndValue`: what may follow a value inside its container.
fn end_value(state: &mut State, stack: &mut Vec<Container>, c: u8) -> Result<Step, String> {
    let Some(top) = stack.last_mut() else {
        return Ok(Step::EndedBefore);
    };
    *state = State::EndValue;
    if is_space(c) {
        return Ok(Step::Continue);
    }
    match (*top, c) {
        (Container::ObjectKey, b':') => {
            *top = Container::ObjectValue;
            *state = State::BeginValue;
        }
        (Container::ObjectKey, _) => return Err(invalid(c, "after object key")),
        (Container::ObjectValue, b',') => {
            *top = Container::ObjectKey;
            *state = State::BeginString;
        }
        (Container::ObjectValue | Container::Array, b'}' | b']')
            if (c == b'}') == (*top == Container::ObjectValue) =>
        {
            return close(state, stack, c);
        }
        (Container::ObjectValue, _) => return Err(invalid(c, "after object key:value pair")),
        (Container::Array, b',') => *state = State::BeginValue,
        (Container::Array, _) => return Err(invalid(c, "after array element")),
    }
    Ok(Step::Continue)
}

/// The first value's text as Go decodes it, where serde_json would read it otherwise or not at
/// all: every byte that is not UTF-8 becomes U+FFFD (Go replaces them one by one), and so does a
/// `\u` escape of a lone surrogate. `value` has passed [`first_value`].
pub fn go_text(value: &[u8]) -> Cow<'_, str> {
    let text: Cow<'_, str> = match std::str::from_utf8(value) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(replace_invalid_utf8(value)),
    };
    if !text.contains("\\u") {
        return text;
    }
    match replace_lone_surrogates(&text) {
        Some(fixed) => Cow::Owned(fixed),
        None => text,
    }
}

fn replace_invalid_utf8(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(rest) => {
                out.push_str(rest);
                return out;
            }
            Err(e) => {
                let (good, bad) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                out.push(char::REPLACEMENT_CHARACTER);
                // Go's `utf8.DecodeRune` gives up on one byte at a time.
                bytes = bad.get(1..).unwrap_or_default();
            }
        }
    }
}

/// `text` with every number too large for an `f64` (`1e999`) as the largest power of ten that is
/// not: serde_json refuses those, Go reads them (and ignores them in a field it does not have).
/// Still a number, so a field that takes none reports the same type error.
pub fn finite_numbers(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i, mut in_string) = (0, 0, false);
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            match c {
                // The escaped byte is ASCII: skipping it keeps `\"` inside the string.
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if c == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if c != b'-' && !c.is_ascii_digit() {
            i += 1;
            continue;
        }
        let len = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
            .count();
        if text[i..i + len].parse::<f64>().is_ok_and(f64::is_infinite) {
            out.push_str(&text[copied..i]);
            out.push_str(if c == b'-' { "-1e308" } else { "1e308" });
            copied = i + len;
        }
        i += len;
    }
    out.push_str(&text[copied..]);
    out
}

/// The four hex digits after `\u` at `at`, if that is where an escape starts.
fn escape_at(text: &str, at: usize) -> Option<u16> {
    let digits = text.get(at..at + 6)?.strip_prefix("\\u")?;
    u16::from_str_radix(digits, 16).ok()
}

/// `\uD800`-`\uDFFF` escapes that do not form a pair, as `\uFFFD`; `None` when there are none.
fn replace_lone_surrogates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(unit) = escape_at(text, i) else {
            // Any other escape is two bytes; skipping both keeps `\\u` from reading as `\u`.
            i += 2;
            continue;
        };
        let paired = (0xd800..0xdc00).contains(&unit)
            && escape_at(text, i + 6).is_some_and(|low| (0xdc00..0xe000).contains(&low));
        if paired {
            i += 12;
        } else if (0xd800..0xe000).contains(&unit) {
            let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(&text[copied..i]);
            out.push_str("\\uFFFD");
            i += 6;
            copied = i;
        } else {
            i += 6;
        }
    }
    out.map(|mut out| {
        out.push_str(&text[copied..]);
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(body: &str) -> String {
        first_value(body.as_bytes()).unwrap_err()
    }

    #[test]
    fn the_first_value_ends_where_go_stops_reading() {
        for (body, end) in [
            ("{}", 2),
            (" {\"a\":[1,2]} trailing", 12),
            ("123", 3),
            ("123 x", 3),
            ("-0.5e+3,", 7),
            ("true]", 4),
            ("\"s\"x", 3),
            ("[[],{}]", 7),
        ] {
            assert_eq!(first_value(body.as_bytes()), Ok(end), "{body}");
        }
    }

    /// Each text below is what Go 1.19's `json.NewDecoder(...).Decode` returned for the body.
    #[test]
    fn errors_are_gos_words() {
        for (body, go) in [
            ("", "EOF"),
            (" \n", "EOF"),
            ("{\"a\":", "unexpected EOF"),
            ("-", "unexpected EOF"),
            (
                "{\"email\":\"a@b.com\" \"password\":\"x\"}",
                "invalid character '\"' after object key:value pair",
            ),
            (
                "{\"email\":\"a@b.com\",}",
                "invalid character '}' looking for beginning of object key string",
            ),
            (
                "{\"email\" \"a@b.com\"}",
                "invalid character '\"' after object key",
            ),
            (
                "{\"password\":01}",
                "invalid character '1' after object key:value pair",
            ),
            ("{\"a\":-}", "invalid character '}' in numeric literal"),
            (
                "{\"a\":1.}",
                "invalid character '}' after decimal point in numeric literal",
            ),
            (
                "{\"a\":1e}",
                "invalid character '}' in exponent of numeric literal",
            ),
            (
                "{\"a\":tru}",
                "invalid character '}' in literal true (expecting 'e')",
            ),
            (
                "{\"a\":nul}",
                "invalid character '}' in literal null (expecting 'l')",
            ),
            (
                "{\"a\":\"x\\q\"}",
                "invalid character 'q' in string escape code",
            ),
            (
                "{\"a\":\"x\\u00\"}",
                "invalid character '\"' in \\u hexadecimal character escape",
            ),
            (
                "{\"a\":\"\t\"}",
                "invalid character '\\t' in string literal",
            ),
            (
                "\u{feff}{}",
                "invalid character 'ï' looking for beginning of value",
            ),
            (
                "{'email':1}",
                "invalid character '\\'' looking for beginning of object key string",
            ),
            ("[1 2]", "invalid character '2' after array element"),
            ("[1}", "invalid character '}' after array element"),
            (
                "{\"a\":1]",
                "invalid character ']' after object key:value pair",
            ),
            (
                "\\",
                "invalid character '\\\\' looking for beginning of value",
            ),
            (
                "\x7f",
                "invalid character '\\x7f' looking for beginning of value",
            ),
        ] {
            assert_eq!(err(body), go, "{body:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert_eq!(err(&deep), "invalid character '[' exceeded max depth");
        assert_eq!(err(&"[".repeat(MAX_DEPTH)), "unexpected EOF");
    }

    #[test]
    fn go_reads_what_serde_json_would_refuse() {
        assert_eq!(go_text(br#"{"p":"x\ud800"}"#), r#"{"p":"x\uFFFD"}"#);
        assert_eq!(
            go_text(br#""\udc00\ud83d\ude00""#),
            r#""\uFFFD\ud83d\ude00""#
        );
        assert_eq!(
            go_text(br#""\\ud800""#),
            r#""\\ud800""#,
            "an escaped backslash"
        );
        assert_eq!(
            go_text(b"\"a\xe2\x82b\xff\""),
            "\"a\u{fffd}\u{fffd}b\u{fffd}\""
        );
        assert!(matches!(go_text(b"{\"a\":1}"), Cow::Borrowed(_)));
        assert_eq!(
            finite_numbers(r#"{"é\"1e999":1e999,"b":[-1E+999,2.5,"1e999"]}"#),
            r#"{"é\"1e999":1e308,"b":[-1e308,2.5,"1e999"]}"#
        );
    }
}
