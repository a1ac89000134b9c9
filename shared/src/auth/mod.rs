//! The flows both surfaces share, written once. Surfaces translate wire <-> these and map each
//! outcome to their own status codes and strings.

pub mod activity;
pub mod audit;
pub mod barong;
pub mod convert;
pub mod deployment;
pub mod login;
pub mod organizations;
pub mod otp;
pub mod rate_limit;
pub mod roles;
pub mod session;
pub mod setup;
pub mod tokens;
pub mod users;

/// Go's `time.Time.String()`: `2006-01-02 15:04:05.999999999 +0000 UTC`, fraction trimmed.
pub fn go_time_string(t: &chrono::DateTime<chrono::Utc>) -> String {
    let frac = format!("{:09}", t.timestamp_subsec_nanos());
    let frac = frac.trim_end_matches('0');
    let dot = if frac.is_empty() {
        String::new()
    } else {
        format!(".{frac}")
    };
    format!("{}{dot} +0000 UTC", t.format("%Y-%m-%d %H:%M:%S"))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    #[test]
    fn go_time_string_matches_go() {
        let t = chrono::Utc.with_ymd_and_hms(2025, 1, 2, 15, 4, 5).unwrap()
            + chrono::Duration::microseconds(123_456);
        assert_eq!(
            super::go_time_string(&t),
            "2025-01-02 15:04:05.123456 +0000 UTC"
        );
        let t = chrono::Utc.with_ymd_and_hms(2025, 1, 2, 15, 4, 5).unwrap();
        assert_eq!(super::go_time_string(&t), "2025-01-02 15:04:05 +0000 UTC");
    }
}
