//! The common-password list both surfaces refuse (Barong's dictionary: 10,000 lower-case entries).

use std::collections::HashSet;
use std::sync::LazyLock;

static LIST: &str = include_str!("../../data/common-passwords.txt");

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    LIST.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
});

/// The longest entry is 18 bytes; longer input is never lower-cased or looked up.
const LONGEST: usize = 64;

/// Is `password` on the list, ignoring case?
pub fn is_common(password: &str) -> bool {
    password.len() <= LONGEST && COMMON.contains(password.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::is_common;

    #[test]
    fn listed_passwords_are_common_in_any_case() {
        assert!(is_common("masterbaiting"));
        assert!(is_common("Contortionist"));
        assert!(!is_common("SomeSecurePassword!"));
        assert!(!is_common(""));
    }
}
