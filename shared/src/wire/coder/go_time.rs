//! Go's `time.Parse(time.RFC3339Nano, value)`, as Coder reads a date in a query: what it accepts
//! (one-digit hours, a comma before the fraction, any number of fraction digits, offsets up to
//! 24 hours) and its error text (`time/format.go`'s `parse`, Go 1.20 and later).

use chrono::{DateTime, Duration, NaiveDate, Utc};

pub const RFC3339_NANO: &str = "2006-01-02T15:04:05.999999999Z07:00";
pub const DATE_ONLY: &str = "2006-01-02";

/// A layout in Go's chunks: the literal before each element, the element, and its text.
type Chunks = [(&'static str, Element, &'static str)];

const RFC3339_NANO_CHUNKS: &Chunks = &[
    ("", Element::Year, "2006"),
    ("-", Element::Month, "01"),
    ("-", Element::Day, "02"),
    ("T", Element::Hour, "15"),
    (":", Element::Minute, "04"),
    (":", Element::Second, "05"),
    ("", Element::Fraction, ".999999999"),
    ("", Element::Zone, "Z07:00"),
];
const DATE_ONLY_CHUNKS: &Chunks = &[
    ("", Element::Year, "2006"),
    ("-", Element::Month, "01"),
    ("-", Element::Day, "02"),
];

#[derive(Clone, Copy)]
enum Element {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Fraction,
    Zone,
}

/// Go's `time.quote`: bytes outside printable ASCII as `\xNN`.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for &b in s.as_bytes() {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            b' '..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

fn cannot_parse(layout: &str, value: &str, rest: &str, element: &str) -> String {
    format!(
        "parsing time {} as {}: cannot parse {} as {}",
        quote(value),
        quote(layout),
        quote(rest),
        quote(element)
    )
}

fn out_of_range(value: &str, what: &str) -> String {
    format!("parsing time {}: {what} out of range", quote(value))
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &str, fixed: bool) -> Option<(u32, &str)> {
    let b = s.as_bytes();
    let digit = |i: usize| {
        b.get(i)
            .filter(|c| c.is_ascii_digit())
            .map(|c| u32::from(c - b'0'))
    };
    let first = digit(0)?;
    match digit(1) {
        Some(second) => Some((first * 10 + second, &s[2..])),
        None if fixed => None,
        None => Some((first, &s[1..])),
    }
}

fn days_in(month: u32, year: i32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Parses `value` as Go does with RFC 3339 and nanoseconds; the error is Go's text.
pub fn parse_rfc3339_nano(value: &str) -> Result<DateTime<Utc>, String> {
    parse(RFC3339_NANO, RFC3339_NANO_CHUNKS, value)
}

/// Parses `value` as Go does with `2006-01-02` (midnight UTC); the error is Go's text.
pub fn parse_date_only(value: &str) -> Result<DateTime<Utc>, String> {
    parse(DATE_ONLY, DATE_ONLY_CHUNKS, value)
}

fn parse(layout: &str, chunks: &Chunks, value: &str) -> Result<DateTime<Utc>, String> {
    let (mut year, mut month, mut day) = (0i32, 1u32, 1u32);
    let (mut hour, mut minute, mut second, mut nanos) = (0u32, 0u32, 0u32, 0u32);
    let mut offset: i64 = 0;
    let mut rest = value;
    for &(prefix, element, text) in chunks {
        match rest.strip_prefix(prefix) {
            Some(after) => rest = after,
            None => {
                // Go reports the value from where the literal stopped matching.
                let matched = prefix
                    .bytes()
                    .zip(rest.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                return Err(cannot_parse(layout, value, &rest[matched..], prefix));
            }
        }
        let hold = rest;
        let bad = || cannot_parse(layout, value, hold, text);
        match element {
            Element::Year => {
                let digits = rest
                    .get(..4)
                    .filter(|d| d.bytes().all(|c| c.is_ascii_digit()));
                year = digits.and_then(|d| d.parse().ok()).ok_or_else(bad)?;
                rest = &rest[4..];
            }
            Element::Month => {
                (month, rest) = getnum(rest, true).ok_or_else(bad)?;
                if !(1..=12).contains(&month) {
                    return Err(out_of_range(value, "month"));
                }
            }
            // Any one- or two-digit day here; checked against the month at the end.
            Element::Day => (day, rest) = getnum(rest, true).ok_or_else(bad)?,
            Element::Hour => {
                (hour, rest) = getnum(rest, false).ok_or_else(bad)?;
                if hour >= 24 {
                    return Err(out_of_range(value, "hour"));
                }
            }
            Element::Minute => {
                (minute, rest) = getnum(rest, true).ok_or_else(bad)?;
                if minute >= 60 {
                    return Err(out_of_range(value, "minute"));
                }
            }
            Element::Second => {
                (second, rest) = getnum(rest, true).ok_or_else(bad)?;
                if second >= 60 {
                    return Err(out_of_range(value, "second"));
                }
            }
            Element::Fraction => {
                let b = rest.as_bytes();
                if b.len() >= 2 && matches!(b[0], b'.' | b',') && b[1].is_ascii_digit() {
                    let digits = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                    // Any number of digits; Go reads the first nine.
                    let read = &rest[1..1 + digits.min(9)];
                    nanos = read.parse::<u32>().map_err(|_| bad())?
                        * 10u32.pow(9 - u32::try_from(read.len()).unwrap_or(9));
                    rest = &rest[1 + digits..];
                }
            }
            Element::Zone => {
                if let Some(after) = rest.strip_prefix('Z') {
                    rest = after;
                    continue;
                }
                let b = rest.as_bytes();
                if b.len() < 6 || b[3] != b':' {
                    return Err(bad());
                }
                let two = |at: usize| {
                    let (tens, ones) = (b[at], b[at + 1]);
                    (tens.is_ascii_digit() && ones.is_ascii_digit())
                        .then(|| u32::from(tens - b'0') * 10 + u32::from(ones - b'0'))
                };
                // Go reads the minutes only once the hours are digits.
                let hours = two(1);
                let minutes = hours.and(two(4));
                // Go checks the ranges before the sign, the minutes' last.
                if minutes.is_some_and(|m| m > 60) {
                    return Err(out_of_range(value, "time zone offset minute"));
                }
                if hours.is_some_and(|h| h > 24) {
                    return Err(out_of_range(value, "time zone offset hour"));
                }
                let (Some(hours), Some(minutes)) = (hours, minutes) else {
                    return Err(bad());
                };
                let sign = match b[0] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return Err(bad()),
                };
                offset = sign * i64::from(hours * 3600 + minutes * 60);
                rest = &rest[6..];
            }
        }
    }
    if !rest.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            quote(value),
            quote(rest)
        ));
    }
    if day < 1 || day > days_in(month, year) {
        return Err(out_of_range(value, "day"));
    }
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_nano_opt(hour, minute, second, nanos))
        .map(|t| (t - Duration::seconds(offset)).and_utc())
        .ok_or_else(|| out_of_range(value, "day"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(value: &str) -> String {
        parse_rfc3339_nano(value).unwrap_err()
    }

    #[test]
    fn accepts_what_go_accepts() {
        let t = |s| parse_rfc3339_nano(s).unwrap().to_rfc3339();
        assert_eq!(t("2020-01-02T03:04:05Z"), "2020-01-02T03:04:05+00:00");
        assert_eq!(
            t("2020-01-02T3:04:05,5+01:30"),
            "2020-01-02T01:34:05.500+00:00"
        );
        assert_eq!(
            t("2020-02-29T00:00:00.1234567891Z"),
            "2020-02-29T00:00:00.123456789+00:00"
        );
        assert_eq!(t("2020-01-02T00:00:00+24:00"), "2020-01-01T00:00:00+00:00");
    }

    /// Go's own words (`time/format.go` since Go 1.20, which Coder builds with: an element that
    /// does not parse is quoted from where it starts).
    #[test]
    fn errors_are_gos_words() {
        let layout = "\"2006-01-02T15:04:05.999999999Z07:00\"";
        for (value, tail) in [
            ("2020-01-01", ": cannot parse \"\" as \"T\""),
            ("2020-01-01T00:00:00", ": cannot parse \"\" as \"Z07:00\""),
            ("202", ": cannot parse \"202\" as \"2006\""),
            ("2020/01/01", ": cannot parse \"/01/01\" as \"-\""),
            (
                "2020-1-01T00:00:00Z",
                ": cannot parse \"1-01T00:00:00Z\" as \"01\"",
            ),
            (
                "2020-01-01 00:00:00Z",
                ": cannot parse \" 00:00:00Z\" as \"T\"",
            ),
            (
                "2020-01-01T00:00:00+0100",
                ": cannot parse \"+0100\" as \"Z07:00\"",
            ),
        ] {
            assert_eq!(
                err(value),
                format!("parsing time {} as {layout}{tail}", quote(value)),
                "{value}"
            );
        }
        for (value, message) in [
            ("2020-13-01T00:00:00Z", "month out of range"),
            ("2020-02-30T00:00:00Z", "day out of range"),
            ("2020-01-01T25:00:00Z", "hour out of range"),
            ("2020-01-01T00:60:00Z", "minute out of range"),
            (
                "2020-01-01T00:00:00+25:00",
                "time zone offset hour out of range",
            ),
        ] {
            assert_eq!(
                err(value),
                format!("parsing time {}: {message}", quote(value))
            );
        }
        assert_eq!(
            err("2020-01-01T00:00:00ZX"),
            "parsing time \"2020-01-01T00:00:00ZX\": extra text: \"X\""
        );
        assert_eq!(quote("é\"\t"), "\"\\xc3\\xa9\\\"\\x09\"");
    }

    #[test]
    fn date_only() {
        assert_eq!(
            parse_date_only("2024-02-29").unwrap().to_rfc3339(),
            "2024-02-29T00:00:00+00:00"
        );
        assert_eq!(
            parse_date_only("2024-02-29T00:00:00Z").unwrap_err(),
            "parsing time \"2024-02-29T00:00:00Z\": extra text: \"T00:00:00Z\""
        );
        assert_eq!(
            parse_date_only("24-01-01").unwrap_err(),
            "parsing time \"24-01-01\" as \"2006-01-02\": cannot parse \"24-01-01\" as \"2006\""
        );
    }
}
