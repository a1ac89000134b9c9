//! Coder's password policy (`userpassword.Validate`): wagslane/go-password-validator v0.3.0 at
//! 52 bits of entropy, then at most 64 bytes. Reproduced rune for rune, quirks included, because
//! clients show its message verbatim.

const MIN_ENTROPY_BITS: f64 = 52.0;
const MAX_BYTES: usize = 64;

const REPLACE_CHARS: &str = "!@$&*";
const SEP_CHARS: &str = "_-., ";
const OTHER_SPECIAL_CHARS: &str = "\"#%'()+/:;<=>?[\\]^{|}~";
const LOWER_CHARS: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER_CHARS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGIT_CHARS: &str = "0123456789";

const SEQUENCES: [&str; 5] = [
    "0123456789",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "abcdefghijklmnopqrstuvwxyz",
];

/// `Ok(())` when Coder would accept `password`, else its exact error text.
pub fn validate(password: &str) -> Result<(), String> {
    let entropy = entropy_bits(password);
    if entropy < MIN_ENTROPY_BITS {
        return Err(entropy_error(password));
    }
    if password.len() > MAX_BYTES {
        return Err("password must be no more than 64 characters".to_owned());
    }
    Ok(())
}

/// `log2(base)` added once per byte of the reduced password, as the Go loop does.
pub fn entropy_bits(password: &str) -> f64 {
    let base = base(password);
    let length = reduced_len(password);
    if base == 0 {
        return 0.0;
    }
    let per_char = (base as f64).log2();
    let mut total = 0.0;
    for _ in 0..length {
        total += per_char;
    }
    total
}

fn base(password: &str) -> usize {
    let classes: [(&str, usize); 6] = [
        (REPLACE_CHARS, 5),
        (SEP_CHARS, 5),
        (OTHER_SPECIAL_CHARS, 22),
        (LOWER_CHARS, 26),
        (UPPER_CHARS, 26),
        (DIGIT_CHARS, 10),
    ];
    let mut base = 0;
    for (chars, size) in classes {
        if password.chars().any(|c| chars.contains(c)) {
            base += size;
        }
    }
    let mut others: Vec<char> = password
        .chars()
        .filter(|c| !classes.iter().any(|(chars, _)| chars.contains(*c)))
        .collect();
    others.sort_unstable();
    others.dedup();
    base + others.len()
}

fn reduced_len(password: &str) -> usize {
    let mut runes = remove_more_than_two_repeating(password.chars().collect());
    for seq in SEQUENCES {
        runes = remove_more_than_two_from_sequence(runes, &seq.chars().collect::<Vec<_>>());
    }
    for seq in SEQUENCES {
        let reversed: Vec<char> = seq.chars().rev().collect();
        runes = remove_more_than_two_from_sequence(runes, &reversed);
    }
    runes.iter().map(|c| c.len_utf8()).sum()
}

fn remove_more_than_two_repeating(mut r: Vec<char>) -> Vec<char> {
    let (mut prev, mut prev_prev) = ('\0', '\0');
    let mut i = 0;
    while i < r.len() {
        let c = r[i];
        if c == prev && c == prev_prev {
            r.remove(i);
        } else {
            i += 1;
        }
        prev_prev = prev;
        prev = c;
    }
    r
}

/// Upstream's loop, including its `matches` counter that is never reset between outer passes.
fn remove_more_than_two_from_sequence(mut r: Vec<char>, seq: &[char]) -> Vec<char> {
    let mut matches = 0;
    let mut i = 0;
    while i < r.len() {
        let mut j = 0;
        while j < seq.len() {
            if i >= r.len() {
                break;
            }
            if r[i] != seq[j] {
                matches = 0;
                j += 1;
                continue;
            }
            matches += 1;
            if matches > 2 {
                r.remove(i);
            } else {
                i += 1;
            }
            j += 1;
        }
        i += 1;
    }
    r
}

fn entropy_error(password: &str) -> String {
    let has = |chars: &str| password.chars().any(|c| chars.contains(c));
    let mut hints = Vec::new();
    if !(has(REPLACE_CHARS) && has(SEP_CHARS) && has(OTHER_SPECIAL_CHARS)) {
        hints.push("including more special characters");
    }
    if !has(LOWER_CHARS) {
        hints.push("using lowercase letters");
    }
    if !has(UPPER_CHARS) {
        hints.push("using uppercase letters");
    }
    if !has(DIGIT_CHARS) {
        hints.push("using numbers");
    }
    if hints.is_empty() {
        "insecure password, try using a longer password".to_owned()
    } else {
        format!(
            "insecure password, try {} or using a longer password",
            hints.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_UPPER_DIGITS: &str = "insecure password, try including more special characters, using uppercase letters, using numbers or using a longer password";

    #[test]
    fn weak_passwords_get_coders_message() {
        for pw in ["pass", "password", "notstrong", "newpassword"] {
            assert_eq!(validate(pw), Err(NO_UPPER_DIGITS.to_owned()), "{pw}");
        }
        assert_eq!(
            validate("123"),
            Err("insecure password, try including more special characters, using lowercase letters, using uppercase letters or using a longer password".to_owned())
        );
    }

    #[test]
    fn newpassword_is_just_under_the_line() {
        let bits = entropy_bits("newpassword");
        assert!(bits > 51.0 && bits < 52.0, "{bits}");
    }

    #[test]
    fn strong_passwords_pass() {
        for pw in [
            "PasswordSecured123!",
            "SomeSecurePassword!",
            "MySecurePassword!",
            "SomeNewSecurePassword!",
            "Tr0ub4dor&3",
            "correcthorsebatterystaple",
        ] {
            assert_eq!(validate(pw), Ok(()), "{pw}");
        }
    }

    #[test]
    fn entropy_is_checked_before_length() {
        assert_eq!(validate(&"a".repeat(65)), Err("insecure password, try including more special characters, using uppercase letters, using numbers or using a longer password".to_owned()));
        assert_eq!(
            validate(&"Aa1!".repeat(20)),
            Err("password must be no more than 64 characters".to_owned())
        );
    }

    #[test]
    fn sequences_and_repeats_are_shortened() {
        assert_eq!(
            remove_more_than_two_repeating("aaaab".chars().collect()),
            vec!['a', 'a', 'b']
        );
        assert_eq!(reduced_len("abcdef"), 2);
        assert_eq!(reduced_len("qwerty"), 2);
        assert_eq!(reduced_len("fedcba"), 2);
    }

    #[test]
    fn unclassified_runes_widen_the_base() {
        assert_eq!(base("é"), 1);
        assert_eq!(base("``"), 1);
        assert_eq!(base("a!"), 31);
    }
}
