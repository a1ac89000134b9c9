//! Reading stored timestamps fast. Records keep times as chrono writes them (RFC 3339 in UTC,
//! `2026-12-01T05:07:50.123456Z`); every authenticated request reads several, and chrono's
//! general parser was a noticeable share of a request's CPU. The canonical form is parsed
//! directly; anything else goes to chrono.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer};

fn digits(s: &[u8]) -> Option<u32> {
    s.iter().try_fold(0u32, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, or `None` for any other shape.
fn canonical(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (zulu, rest) = b[19..].split_last()?;
    if *zulu != b'Z' {
        return None;
    }
    let nanos = match rest {
        [] => 0,
        [b'.', fraction @ ..] if (1..=9).contains(&fraction.len()) => {
            digits(fraction)? * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(digits(&b[0..4])?).ok()?,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    )?;
    let time = date.and_hms_nano_opt(
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
        nanos,
    )?;
    Some(time.and_utc())
}

fn parse<E: serde::de::Error>(s: &str) -> Result<DateTime<Utc>, E> {
    match canonical(s) {
        Some(t) => Ok(t),
        None => DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(E::custom),
    }
}

/// `#[serde(deserialize_with = "timestamp::deserialize")]`
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
    parse(&s)
}

/// The same for an optional timestamp.
pub fn deserialize_option<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    Option::<std::borrow::Cow<'de, str>>::deserialize(d)?
        .map(|s| parse(&s))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{SecondsFormat, TimeZone};

    #[test]
    fn canonical_times_round_trip_exactly() {
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 5, 7, 50).unwrap();
        for extra in [0, 123_000_000, 123_456_000, 123_456_789, 1] {
            let t = t + chrono::Duration::nanoseconds(extra);
            let written = serde_json::to_string(&t).unwrap();
            let s: String = serde_json::from_str(&written).unwrap();
            assert_eq!(canonical(&s), Some(t), "{s}");
            let auto = t.to_rfc3339_opts(SecondsFormat::AutoSi, true);
            assert_eq!(canonical(&auto), Some(t), "{auto}");
        }
    }

    #[test]
    fn other_shapes_go_to_chrono_or_fail() {
        assert_eq!(canonical("2026-12-01T05:07:50+00:00"), None);
        assert_eq!(
            parse::<serde_json::Error>("2026-12-01T05:07:50+01:00").unwrap(),
            Utc.with_ymd_and_hms(2026, 12, 1, 4, 7, 50).unwrap()
        );
        for bad in [
            "",
            "2026-13-01T00:00:00Z",
            "2026-12-01T25:00:00Z",
            "2026-12-01T00:00:00.Z",
            "x026-12-01T00:00:00Z",
        ] {
            assert!(parse::<serde_json::Error>(bad).is_err(), "{bad}");
        }
    }
}
