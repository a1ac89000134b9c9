//! go-playground `validate` tags as Coder registers them: `required`, `email`, `username`,
//! `user_real_name`. A failure reads `Validation failed for tag "<tag>" with value: "<value>"`.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldFailure {
    pub field: &'static str,
    pub tag: &'static str,
    pub value: String,
}

impl FieldFailure {
    pub fn new(field: &'static str, tag: &'static str, value: &str) -> Self {
        Self {
            field,
            tag,
            value: value.to_owned(),
        }
    }

    pub fn detail(&self) -> String {
        format!(
            "Validation failed for tag \"{}\" with value: \"{}\"",
            self.tag, self.value
        )
    }
}

/// Checks tags in order and reports only the first failing one, as go-playground does.
pub fn check(field: &'static str, value: &str, tags: &[&'static str]) -> Option<FieldFailure> {
    for tag in tags {
        let ok = match *tag {
            "required" => !value.is_empty(),
            "email" => is_email(value),
            "username" => is_username(value),
            "user_real_name" => is_user_real_name(value),
            "organization_name" => is_username(value),
            "organization_display_name" => is_display_name(value),
            _ => true,
        };
        if !ok {
            return Some(FieldFailure::new(field, tag, value));
        }
    }
    None
}

fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || is_ucs(c)
}

fn is_ucs(c: char) -> bool {
    matches!(c, '\u{00A0}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFEF}')
}

fn is_domain_label(label: &str, top_level: bool) -> bool {
    let chars: Vec<char> = label.chars().collect();
    let (Some(first), Some(last)) = (chars.first(), chars.last()) else {
        return false;
    };
    let edge_ok = |c: &char| {
        if top_level {
            c.is_ascii_alphabetic() || is_ucs(*c)
        } else {
            c.is_ascii_alphanumeric() || is_ucs(*c)
        }
    };
    edge_ok(first)
        && edge_ok(last)
        && chars
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '~') || is_ucs(*c))
}

/// Longest address accepted (RFC 3696 errata): longer input is refused as not an email, which
/// also keeps store keys within DynamoDB's key size.
const MAX_EMAIL_BYTES: usize = 320;

/// go-playground's `email`: dot-atom (or quoted) local part, and a dotted domain whose last
/// label starts and ends with a letter.
pub fn is_email(s: &str) -> bool {
    if s.len() > MAX_EMAIL_BYTES {
        return false;
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    let local_ok = if local.len() >= 2 && local.starts_with('"') && local.ends_with('"') {
        local[1..local.len() - 1]
            .chars()
            .all(|c| c != '"' && c != '\\' && !c.is_control())
    } else {
        !local.is_empty()
            && local
                .split('.')
                .all(|part| !part.is_empty() && part.chars().all(is_atext))
    };
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels
            .iter()
            .enumerate()
            .all(|(i, l)| is_domain_label(l, i == labels.len() - 1));
    local_ok && domain_ok
}

/// `codersdk.NameValid`: 1-32 characters, alphanumeric groups joined by single hyphens,
/// not `new` or `create`.
pub fn is_username(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s != "new"
        && s != "create"
        && s.split('-')
            .all(|group| !group.is_empty() && group.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// `codersdk.DisplayNameValid`: at most 64 characters, no surrounding whitespace.
pub fn is_display_name(s: &str) -> bool {
    s.len() <= 64 && s.trim() == s
}

/// `codersdk.UserRealNameValid`: at most 128 characters, no surrounding whitespace.
pub fn is_user_real_name(s: &str) -> bool {
    s.chars().count() <= 128 && s.trim() == s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in [
            "a@b.co",
            "first.last+tag@example.com",
            "x@sub.example.io",
            "\"q u\"@example.com",
            "é@exämple.com",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "user",
            "user@",
            "@example.com",
            "a@localhost",
            "a@b.c1",
            "a..b@example.com",
            "a b@example.com",
            "a@-x.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn usernames() {
        for ok in ["alice", "a-b-c", "A1", &"x".repeat(32)] {
            assert!(is_username(ok), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "a_b",
            "new",
            "create",
            &"x".repeat(33),
            "a b",
        ] {
            assert!(!is_username(bad), "{bad}");
        }
    }

    #[test]
    fn first_failing_tag_only() {
        assert_eq!(
            check("email", "", &["required", "email"]).map(|f| f.tag),
            Some("required")
        );
        assert_eq!(
            check("email", "nope", &["required", "email"]).map(|f| f.detail()),
            Some("Validation failed for tag \"email\" with value: \"nope\"".to_owned())
        );
    }
}
