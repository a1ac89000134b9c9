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

/// `Ok(())` when Coder would accept `password`, else its exact error text. Linear in the
/// password's length (each step is one pass), so a body-sized password costs milliseconds.
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

/// The character classes, in upstream's order, with the size each adds to the base.
const CLASSES: [(&str, usize); 6] = [
    (REPLACE_CHARS, 5),
    (SEP_CHARS, 5),
    (OTHER_SPECIAL_CHARS, 22),
    (LOWER_CHARS, 26),
    (UPPER_CHARS, 26),
    (DIGIT_CHARS, 10),
];

/// Index into [`CLASSES`] of the class `c` belongs to (every class is ASCII).
fn class_of(c: char) -> Option<usize> {
    let b = u8::try_from(c).ok().filter(u8::is_ascii)?;
    CLASSES
        .iter()
        .position(|(chars, _)| chars.as_bytes().contains(&b))
}

/// Bit `i` set when the password has a character of `CLASSES[i]`.
fn classes_present(password: &str) -> u8 {
    password
        .chars()
        .filter_map(class_of)
        .fold(0, |mask, i| mask | (1 << i))
}

fn base(password: &str) -> usize {
    let mask = classes_present(password);
    let classes: usize = CLASSES
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, (_, size))| size)
        .sum();
    let others: std::collections::HashSet<char> = password
        .chars()
        .filter(|c| class_of(*c).is_none())
        .collect();
    classes + others.len()
}

fn reduced_len(password: &str) -> usize {
    let mut runes = remove_more_than_two_repeating(password.chars().collect());
    for seq in SEQUENCES {
        runes = remove_more_than_two_from_sequence(&runes, &Sequence::new(seq.chars()));
    }
    for seq in SEQUENCES {
        runes = remove_more_than_two_from_sequence(&runes, &Sequence::new(seq.chars().rev()));
    }
    runes.iter().map(|c| c.len_utf8()).sum()
}

/// Upstream deletes in place while walking; deleting the current rune and not advancing is the
/// same as skipping it, and `prev`/`prev_prev` always see the original runes, so one pass does it.
fn remove_more_than_two_repeating(r: Vec<char>) -> Vec<char> {
    let (mut prev, mut prev_prev) = ('\0', '\0');
    let mut kept = Vec::with_capacity(r.len());
    for c in r {
        if !(c == prev && c == prev_prev) {
            kept.push(c);
        }
        prev_prev = prev;
        prev = c;
    }
    kept
}

/// A keyboard or alphabet run: distinct ASCII characters, so each has one position.
struct Sequence {
    len: usize,
    position: [Option<u8>; 128],
}

impl Sequence {
    fn new(chars: impl Iterator<Item = char>) -> Self {
        let mut position = [None; 128];
        let mut len = 0;
        for (i, c) in chars.enumerate() {
            if let (Some(slot), Ok(i)) = (position.get_mut(c as usize), u8::try_from(i)) {
                *slot = Some(i);
            }
            len = i + 1;
        }
        Self { len, position }
    }

    fn position(&self, c: char) -> Option<usize> {
        self.position
            .get(c as usize)
            .copied()
            .flatten()
            .map(usize::from)
    }
}

/// Upstream's `removeMoreThanTwoFromSequence`, its `matches` counter never reset between outer
/// passes included, in one pass. Upstream's array is always `kept ++ r[k..]`; its inner loop
/// steps `j` one by one past mismatches (resetting `matches`), which here is one jump to the
/// current rune's position in the sequence.
fn remove_more_than_two_from_sequence(r: &[char], seq: &Sequence) -> Vec<char> {
    let mut kept = Vec::with_capacity(r.len());
    let mut matches = 0;
    let mut k = 0;
    while k < r.len() {
        let mut j = 0;
        while j < seq.len && k < r.len() {
            let c = r[k];
            match seq.position(c).filter(|&p| p >= j) {
                Some(p) => {
                    if p > j {
                        matches = 0;
                    }
                    matches += 1;
                    if matches <= 2 {
                        kept.push(c);
                    }
                    k += 1;
                    j = p + 1;
                }
                None => {
                    matches = 0;
                    j = seq.len;
                }
            }
        }
        // Upstream's outer `i += 1` passes over the rune there without looking at it.
        if let Some(&c) = r.get(k) {
            kept.push(c);
            k += 1;
        }
    }
    kept
}

fn entropy_error(password: &str) -> String {
    let mask = classes_present(password);
    let has = |chars: &str| {
        CLASSES
            .iter()
            .position(|(class, _)| *class == chars)
            .is_some_and(|i| mask & (1 << i) != 0)
    };
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

    /// Upstream's loops as written (deleting in place), the oracle for the one-pass versions.
    mod upstream {
        pub fn repeating(mut r: Vec<char>) -> Vec<char> {
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

        pub fn from_sequence(mut r: Vec<char>, seq: &[char]) -> Vec<char> {
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
    }

    proptest::proptest! {
        #[test]
        fn one_pass_steps_match_upstream(pw in "[a-f0-9qwertyzxcvbnm\\x00A!é ]{0,40}") {
            let runes: Vec<char> = pw.chars().collect();
            proptest::prop_assert_eq!(
                remove_more_than_two_repeating(runes.clone()),
                upstream::repeating(runes.clone())
            );
            for seq in SEQUENCES {
                for q in [seq.chars().collect::<Vec<_>>(), seq.chars().rev().collect()] {
                    proptest::prop_assert_eq!(
                        remove_more_than_two_from_sequence(&runes, &Sequence::new(q.iter().copied())),
                        upstream::from_sequence(runes.clone(), &q)
                    );
                }
            }
        }
    }

    #[test]
    fn sequence_runs_match_upstream_on_crafted_inputs() {
        for pw in [
            "abcabcabc",
            "aabbcc",
            "abcdefabcdef",
            "zyxwvu",
            "0123456789876543210",
            "ab1ab2abc3",
        ] {
            let runes: Vec<char> = pw.chars().collect();
            for seq in SEQUENCES {
                let q: Vec<char> = seq.chars().collect();
                assert_eq!(
                    remove_more_than_two_from_sequence(&runes, &Sequence::new(q.iter().copied())),
                    upstream::from_sequence(runes.clone(), &q),
                    "{pw} / {seq}"
                );
            }
        }
    }

    #[test]
    fn unclassified_runes_widen_the_base() {
        assert_eq!(base("é"), 1);
        assert_eq!(base("``"), 1);
        assert_eq!(base("a!"), 31);
    }
}
