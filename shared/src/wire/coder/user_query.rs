//! `GET /users` query parameters as Coder parses them: the `q` search language
//! (coderd/searchquery `Users`) and pagination (`after_id`, `limit`, `offset`). Errors carry
//! Coder's field names and details.

use super::go_json::go_quote;
use super::response::ValidationError;
use crate::auth::users::{Page, UserFilter};
use crate::model::{LoginType, UserStatus};
use chrono::{DateTime, Utc};

pub(super) fn invalid(field: &str, detail: String) -> ValidationError {
    ValidationError {
        field: field.to_owned(),
        detail,
    }
}

/// Splits on `delimiter` outside double quotes; quotes are kept when `keep_quotes`.
pub(super) fn split_unquoted(s: &str, delimiter: char, keep_quotes: bool) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in s.chars() {
        if c == '"' {
            quoted = !quoted;
            if keep_quotes {
                current.push(c);
            }
        } else if c == delimiter && !quoted {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts.retain(|p| !p.is_empty());
    parts
}

/// `key:value` terms in order, free text under `search` (its words joined by spaces).
fn search_terms(q: &str) -> Result<Vec<(String, String)>, ValidationError> {
    let mut terms = Vec::new();
    let mut free: Vec<String> = Vec::new();
    for element in split_unquoted(q, ' ', true) {
        if element.starts_with(':') || element.ends_with(':') {
            return Err(invalid(
                "q",
                format!(
                    "Query element {element} cannot start or end with ':'",
                    element = go_quote(&element)
                ),
            ));
        }
        let parts = split_unquoted(&element, ':', false);
        match parts.as_slice() {
            [term] => free.push(term.clone()),
            [key, value] => terms.push((key.clone(), value.clone())),
            _ => {
                return Err(invalid(
                    "q",
                    format!(
                        "Query element {element} can only contain 1 ':'",
                        element = go_quote(&element)
                    ),
                ));
            }
        }
    }
    if !free.is_empty() {
        terms.push(("search".to_owned(), free.join(" ")));
    }
    Ok(terms)
}

const KNOWN_KEYS: &[&str] = &[
    "search",
    "status",
    "role",
    "login_type",
    "last_seen_after",
    "last_seen_before",
    "created_after",
    "created_before",
];

fn values<'a>(terms: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    terms
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The one value of a key given at most once.
pub(super) fn single<'a>(
    terms: &'a [(String, String)],
    key: &str,
    errors: &mut Vec<ValidationError>,
) -> Option<&'a str> {
    let found = values(terms, key);
    if found.len() > 1 {
        errors.push(invalid(
            key,
            format!(
                "Query param {key} provided more than once, found {} times. Only provide 1 instance of this query param.",
                found.len(), key = go_quote(key)),
        ));
        return None;
    }
    found.into_iter().next().filter(|v| !v.is_empty())
}

/// Every value of a key, repeated or comma-separated, each checked by `parse`.
fn many<T>(
    terms: &[(String, String)],
    key: &str,
    parse: impl Fn(&str) -> Option<T>,
    errors: &mut Vec<ValidationError>,
) -> Vec<T> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for v in values(terms, key)
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        match parse(v) {
            Some(t) => out.push(t),
            None => bad.push(format!("{v} is not a valid value", v = go_quote(v))),
        }
    }
    if !bad.is_empty() {
        errors.push(invalid(
            key,
            format!(
                "Query param {key} has invalid values: {}",
                bad.join("\n"),
                key = go_quote(key)
            ),
        ));
    }
    out
}

fn time(
    terms: &[(String, String)],
    key: &str,
    errors: &mut Vec<ValidationError>,
) -> Option<DateTime<Utc>> {
    let value = single(terms, key, errors)?;
    // Coder upper-cases the value before parsing (the whole query was lower-cased).
    let upper = value.to_uppercase();
    match super::go_time::parse_rfc3339_nano(&upper) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(invalid(
                key,
                format!(
                    "Query param {key} must be a valid date format ({}): {e}",
                    super::go_time::RFC3339_NANO,
                    key = go_quote(key)
                ),
            ));
            None
        }
    }
}

fn status(s: &str) -> Option<UserStatus> {
    match s {
        "active" => Some(UserStatus::Active),
        "dormant" => Some(UserStatus::Dormant),
        "suspended" => Some(UserStatus::Suspended),
        _ => None,
    }
}

/// Coder's `q` for users; the whole query is lower-cased first, as Coder does.
pub fn parse_user_query(q: &str) -> Result<UserFilter, Vec<ValidationError>> {
    let q = q.to_lowercase();
    let terms = search_terms(&q).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let filter = UserFilter {
        search: single(&terms, "search", &mut errors).map(str::to_owned),
        statuses: many(&terms, "status", status, &mut errors),
        roles: many(&terms, "role", |r| Some(r.to_owned()), &mut errors),
        login_types: many(&terms, "login_type", LoginType::parse, &mut errors),
        last_seen_after: time(&terms, "last_seen_after", &mut errors),
        last_seen_before: time(&terms, "last_seen_before", &mut errors),
        created_after: time(&terms, "created_after", &mut errors),
        created_before: time(&terms, "created_before", &mut errors),
    };
    let mut unknown: Vec<&str> = terms
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !KNOWN_KEYS.contains(k))
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    for key in unknown {
        errors.push(invalid(
            key,
            format!("{key} is not a valid query param", key = go_quote(key)),
        ));
    }
    if errors.is_empty() {
        Ok(filter)
    } else {
        Err(errors)
    }
}

/// `after_id`, `limit` and `offset` (Coder's `ParsePagination`); other parameters are ignored.
pub fn parse_pagination(query: &[(String, String)]) -> Result<Page, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let mut one = |name: &str| -> Option<String> {
        let found: Vec<&String> = query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v)
            .collect();
        if found.len() > 1 {
            errors.push(invalid(
                name,
                format!(
                    "Query param {name} provided more than once, found {} times. Only provide 1 instance of this query param.",
                    found.len(), name = go_quote(name)),
            ));
            return None;
        }
        found
            .first()
            .map(|v| (*v).clone())
            .filter(|v| !v.is_empty())
    };
    let (after, limit, offset) = (one("after_id"), one("limit"), one("offset"));
    let mut page = Page::default();
    if let Some(v) = after {
        match uuid::Uuid::parse_str(&v) {
            Ok(id) => page.after_id = Some(id),
            Err(_) => errors.push(invalid(
                "after_id",
                "Query param \"after_id\" must be a valid uuid".to_owned(),
            )),
        }
    }
    for (name, value, slot) in [
        ("limit", limit, &mut page.limit),
        ("offset", offset, &mut page.offset),
    ] {
        let Some(v) = value else { continue };
        match positive_int32(&v) {
            Ok(n) => *slot = n,
            Err(why) => errors.push(invalid(
                name,
                format!(
                    "Query param {name} must be a valid 32-bit positive integer: {why}",
                    name = go_quote(name)
                ),
            )),
        }
    }
    if errors.is_empty() {
        Ok(page)
    } else {
        Err(errors)
    }
}

/// Go's `strconv.ParseInt(v, 10, 32)`, then not negative.
fn positive_int32(v: &str) -> Result<usize, String> {
    let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.ParseInt: parsing {v}: invalid syntax",
            v = go_quote(v)
        ));
    }
    let n: i32 = v.parse().map_err(|_| {
        format!(
            "strconv.ParseInt: parsing {v}: value out of range",
            v = go_quote(v)
        )
    })?;
    usize::try_from(n).map_err(|_| "value is negative".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_and_filters() {
        let f = parse_user_query("Alice status:active,Dormant role:owner bob").unwrap();
        assert_eq!(f.search.as_deref(), Some("alice bob"));
        assert_eq!(f.statuses, [UserStatus::Active, UserStatus::Dormant]);
        assert_eq!(f.roles, ["owner"]);
        let f =
            parse_user_query("login_type:none last_seen_after:\"2024-01-01T00:00:00Z\"").unwrap();
        assert_eq!(f.login_types, [LoginType::None]);
        assert!(f.last_seen_after.is_some());
    }

    #[test]
    fn errors_in_coders_words() {
        let e = parse_user_query("status:").unwrap_err();
        assert_eq!(
            e[0].detail,
            "Query element \"status:\" cannot start or end with ':'"
        );
        let e = parse_user_query("a:b:c").unwrap_err();
        assert_eq!(
            e[0].detail,
            "Query element \"a:b:c\" can only contain 1 ':'"
        );
        let e = parse_user_query("status:foo email:x").unwrap_err();
        assert_eq!(
            (e[0].field.as_str(), e[0].detail.as_str()),
            (
                "status",
                "Query param \"status\" has invalid values: \"foo\" is not a valid value"
            )
        );
        assert_eq!(e[1].detail, "\"email\" is not a valid query param");
        let e = parse_user_query("created_after:2020-01-01").unwrap_err();
        assert_eq!(
            e[0].detail,
            "Query param \"created_after\" must be a valid date format (2006-01-02T15:04:05.999999999Z07:00): parsing time \"2020-01-01\" as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse \"\" as \"T\""
        );
        let e = parse_user_query(r#"created_before:"2020-13-01t00:00:00z""#).unwrap_err();
        assert_eq!(
            e[0].detail,
            "Query param \"created_before\" must be a valid date format (2006-01-02T15:04:05.999999999Z07:00): parsing time \"2020-13-01T00:00:00Z\": month out of range"
        );
        let e = parse_user_query("x search:y").unwrap_err();
        assert!(
            e[0].detail
                .contains("provided more than once, found 2 times")
        );
    }

    #[test]
    fn pagination() {
        let q = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let p = parse_pagination(&q(&[("limit", "2"), ("offset", "1"), ("x", "y")])).unwrap();
        assert_eq!((p.limit, p.offset), (2, 1));
        let e = parse_pagination(&q(&[("limit", "-1"), ("offset", "abc"), ("after_id", "z")]))
            .unwrap_err();
        let details: Vec<&str> = e.iter().map(|v| v.detail.as_str()).collect();
        assert_eq!(
            details,
            [
                "Query param \"after_id\" must be a valid uuid",
                "Query param \"limit\" must be a valid 32-bit positive integer: value is negative",
                "Query param \"offset\" must be a valid 32-bit positive integer: strconv.ParseInt: parsing \"abc\": invalid syntax",
            ]
        );
    }
}
