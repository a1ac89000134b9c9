//! Barong's password entropy: `PasswordStrengthChecker.calculate_entropy`, i.e. the strong_password
//! gem v0.0.9 `StrengthChecker.new(min_entropy: 14, use_dictionary: true).calculate_entropy(pw)`,
//! reproduced down to the Ruby type of the result (Integer `2` or Float `15.0`), which
//! `/identity/password/validate` returns as is.
//!
//! ```text
//! pw = pw[0, 1000]                      (characters)
//! min(E(pw), E(pw.downcase), Qwerty(pw), Dict(pw))      ties keep the earlier value
//! ```
//! `E` is the gem's NIST count with repeats weakened; `Qwerty` masks keyboard runs (case-sensitive);
//! `Dict` masks the first common password in the downcased password and its keyboard-shift and
//! leet-speak variants. Ruby's regexp alternations are leftmost-first, hence aho-corasick's
//! `LeftmostFirst` with the patterns in the gem's order.

use std::fmt;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;

/// `BARONG_PASSWORD_MIN_ENTROPY`'s default: below it a password is `weak`. It is also the
/// threshold of the QWERTY adjuster's early exits, which change the result.
pub const MIN_ENTROPY: i64 = 14;

/// The gem's `PASSWORD_LIMIT`, in characters.
const PASSWORD_LIMIT: usize = 1000;

/// The gem's `min_word_length`: shorter dictionary words are never masked.
const MIN_WORD_LENGTH: usize = 4;

/// The value as Ruby holds it: an Integer while every term was one (the first character's 4, a
/// first occurrence at positions 1-7 or 20+, the bonus), a Float otherwise.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Entropy {
    Integer(i64),
    Float(f64),
}

impl Entropy {
    pub fn value(self) -> f64 {
        match self {
            Self::Integer(i) => i as f64,
            Self::Float(f) => f,
        }
    }

    /// The JSON number Ruby's generator writes: `2`, `15.0`, `35.3515625`. serde_json prints a
    /// float the way Ruby does except outside 1e-4 <= |x| < 1e16 (Ruby: `1.0e-05`); use
    /// [`Entropy`]'s `Display` where such a value must be byte-exact.
    pub fn to_json_number(self) -> serde_json::Number {
        match self {
            Self::Integer(i) => i.into(),
            // Finite by construction (a sum of finite terms), so `from_f64` always succeeds.
            Self::Float(f) => serde_json::Number::from_f64(f).unwrap_or_else(|| 0.into()),
        }
    }
}

/// Ruby's `Integer#to_s` / `Float#to_s`.
impl fmt::Display for Entropy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Integer(i) => write!(f, "{i}"),
            Self::Float(x) => f.write_str(&ruby_float_to_s(x)),
        }
    }
}

/// Barong's entropy of `password`.
pub fn entropy(password: &str) -> f64 {
    entropy_value(password).value()
}

/// Barong's entropy as the JSON number `/identity/password/validate` answers with.
pub fn entropy_json(password: &str) -> serde_json::Number {
    entropy_value(password).to_json_number()
}

/// Barong's entropy with its Ruby type.
pub fn entropy_value(password: &str) -> Entropy {
    let pw = truncate_chars(password, PASSWORD_LIMIT);
    let mut low = nist(pw);
    low = keep_lower(low, nist(&ruby_downcase(pw)));
    low = keep_lower(low, qwerty_adjusted(pw));
    keep_lower(low, dictionary_adjusted(pw))
}

/// `[a, b].min`: on a tie Ruby keeps the earlier element (and so its Integer/Float type).
fn keep_lower(a: Entropy, b: Entropy) -> Entropy {
    if b.value() < a.value() { b } else { a }
}

fn truncate_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Ruby's `String#downcase`: full Unicode mapping (`İ` becomes two characters) without the
/// final-sigma rule, which is what the per-character `char::to_lowercase` does.
pub fn ruby_downcase(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

fn reverse(s: &str) -> String {
    s.chars().rev().collect()
}

// ---- EntropyCalculator.bits_with_repeats_weakened + NistBonusBits --------------------------------

/// Each character's multiplier: 1 (an Integer) at its first occurrence, then ×0.75 per repeat.
struct Multipliers {
    ascii: [f64; 128],
    other: Vec<(char, f64)>,
}

impl Multipliers {
    const UNSEEN: f64 = -1.0;

    fn new() -> Self {
        Self {
            ascii: [Self::UNSEEN; 128],
            other: Vec::new(),
        }
    }

    /// The multiplier for this occurrence (`None`: the first, Integer 1), weakening the next.
    fn take(&mut self, c: char) -> Option<f64> {
        let slot = match usize::try_from(u32::from(c)) {
            Ok(i) if i < 128 => &mut self.ascii[i],
            _ => match self.other.iter().position(|(o, _)| *o == c) {
                Some(i) => &mut self.other[i].1,
                None => {
                    self.other.push((c, Self::UNSEEN));
                    let last = self.other.len() - 1;
                    &mut self.other[last].1
                }
            },
        };
        if *slot == Self::UNSEEN {
            *slot = 0.75;
            None
        } else {
            let m = *slot;
            *slot = m * 0.75;
            Some(m)
        }
    }
}

/// `EntropyCalculator.calculate(s)`. Summed left to right in f64 as Ruby does (its Integer terms
/// are small, so f64 holds them exactly and every addition rounds as Ruby's does).
fn nist(s: &str) -> Entropy {
    let mut multipliers = Multipliers::new();
    let mut sum = 0.0_f64;
    let mut integer = true;
    for (i, c) in s.chars().enumerate() {
        let m = multipliers.take(c);
        let (bits, is_int) = match (i, m) {
            (0, _) => (4.0, true),
            (1..=7, None) => (2.0, true),
            (1..=7, Some(m)) => (m * 2.0, false),
            (8..=19, None) => (1.5, false),
            (8..=19, Some(m)) => (m * 1.5, false),
            (_, None) => (1.0, true),
            (_, Some(m)) => (m, false),
        };
        sum += bits;
        integer &= is_int;
    }
    let bonus = bonus_bits(s);
    if integer {
        // Exact: the sum of at most 4 + 2·7 + 1·n small integers.
        Entropy::Integer(sum as i64 + bonus)
    } else {
        Entropy::Float(sum + bonus as f64)
    }
}

/// `NistBonusBits.calculate_bonus_bits_for`. Ruby's `[[:upper:]]`, `[[:lower:]]` and
/// `[[:digit:]]` are the Unicode Uppercase, Lowercase and Nd properties; `/[^a-zA-Z0-9 ]/` and
/// `/ /` are ASCII.
fn bonus_bits(s: &str) -> i64 {
    let (mut upper, mut lower, mut digit, mut other, mut space) =
        (false, false, false, false, false);
    for c in s.chars() {
        upper |= c.is_uppercase();
        lower |= c.is_lowercase();
        digit |= is_decimal_digit(c);
        other |= !(c.is_ascii_alphanumeric() || c == ' ');
        space |= c == ' ';
    }
    let mut bonus = if upper && lower && other && digit {
        6
    } else if upper && lower && other {
        5
    } else if digit && other && !upper && !lower {
        -2
    } else if digit && !other && !upper && !lower {
        -6
    } else {
        0
    };
    if !space {
        bonus -= 2;
    } else if ruby_whitespace_split_len(s) > 3 {
        bonus += 1;
    }
    bonus
}

/// `s.split(/\s+/).length`: Ruby's `\s` is ASCII `[ \t\n\v\f\r]`; a leading empty field counts,
/// trailing ones are dropped.
fn ruby_whitespace_split_len(s: &str) -> usize {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r');
    let fields = s.split(is_space).filter(|f| !f.is_empty()).count();
    if fields > 0 && s.starts_with(is_space) {
        fields + 1
    } else {
        fields
    }
}

/// Unicode general category Nd (Onigmo's `[[:digit:]]`).
pub(crate) fn is_decimal_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    let c = u32::from(c);
    DECIMAL_NUMBER
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

// ---- QwertyAdjuster and DictionaryAdjuster ------------------------------------------------------

/// `QwertyAdjuster#adjusted_entropy` (case-sensitive: the gem passes the password as given).
fn qwerty_adjusted(pw: &str) -> Entropy {
    let threshold = MIN_ENTROPY as f64;
    let rev = reverse(pw);
    let mut low = keep_lower(nist(pw), nist(&rev));
    if low.value() < threshold {
        return low;
    }
    let Some(tables) = TABLES.as_ref() else {
        return low;
    };
    let masked = mask_all(&tables.qwerty, pw);
    if masked != pw {
        low = keep_lower(low, nist(&masked));
    }
    if low.value() < threshold {
        return low;
    }
    let masked_rev = mask_all(&tables.qwerty, &rev);
    if masked_rev != rev {
        low = keep_lower(low, nist(&masked_rev));
    }
    low
}

/// `DictionaryAdjuster#adjusted_entropy`: only the first match of each variant is masked (`sub`).
fn dictionary_adjusted(pw: &str) -> Entropy {
    let base = ruby_downcase(pw);
    let mut low = nist(&base);
    let Some(tables) = TABLES.as_ref() else {
        return low;
    };
    for variant in tables.variants(&base) {
        low = keep_lower(low, nist(&mask_first(&tables.words, &variant)));
    }
    low
}

/// `s.gsub(regexp, '*')`.
fn mask_all(ac: &AhoCorasick, s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    ac.replace_all_with(s, &mut out, |_, _, dst| {
        dst.push('*');
        true
    });
    out
}

/// `s.sub(regexp, '*')`.
fn mask_first(ac: &AhoCorasick, s: &str) -> String {
    match ac.find(s) {
        Some(m) => [&s[..m.start()], "*", &s[m.end()..]].concat(),
        None => s.to_owned(),
    }
}

/// `String#tr` with one of the gem's single-character maps (all ASCII).
struct Tr([u8; 128]);

impl Tr {
    fn new(map: &serde_json::Map<String, serde_json::Value>) -> Result<Self, String> {
        let mut table = [0_u8; 128];
        for (from, to) in map {
            let to = to.as_str().unwrap_or_default();
            match (single_ascii(from), single_ascii(to)) {
                (Some(f), Some(t)) => table[usize::from(f)] = t,
                _ => return Err(format!("not a single ASCII character: {from:?} => {to:?}")),
            }
        }
        Ok(Self(table))
    }

    fn apply(&self, s: &str) -> String {
        s.chars()
            .map(|c| match u8::try_from(c) {
                Ok(b) if b < 128 && self.0[usize::from(b)] != 0 => {
                    char::from(self.0[usize::from(b)])
                }
                _ => c,
            })
            .collect()
    }
}

fn single_ascii(s: &str) -> Option<u8> {
    match s.as_bytes() {
        [b] if b.is_ascii() => Some(*b),
        _ => None,
    }
}

/// The gem's constants (`shared/data/barong-strength-maps.json`).
#[derive(Deserialize)]
struct MapsFile {
    qwerty_strings: Vec<String>,
    leet_speak: serde_json::Map<String, serde_json::Value>,
    leet_speak_alt: serde_json::Map<String, serde_json::Value>,
    keyboardmap_downright: serde_json::Map<String, serde_json::Value>,
    keyboardmap_downleft: serde_json::Map<String, serde_json::Value>,
}

static MAPS_JSON: &str = include_str!("../../data/barong-strength-maps.json");
/// Barong's dictionary, longest words first: the gem sorts `COMMON_PASSWORDS` by length,
/// descending, and at one position only the longest of the matching words can win.
static WORDS: &str = include_str!("../../data/common-passwords.txt");

struct Tables {
    qwerty: AhoCorasick,
    words: AhoCorasick,
    downright: Tr,
    downleft: Tr,
    leet: Tr,
    leet_alt: Tr,
}

/// Built once. Only a corrupt embedded file could make this `None` (a unit test loads it); the
/// entropy would then lack the QWERTY and dictionary adjustments.
static TABLES: LazyLock<Option<Tables>> = LazyLock::new(|| Tables::load().ok());

impl Tables {
    fn load() -> Result<Self, String> {
        let maps: MapsFile = serde_json::from_str(MAPS_JSON).map_err(|e| e.to_string())?;
        let build = |patterns: Vec<String>| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .build(patterns)
                .map_err(|e| e.to_string())
        };
        let words = WORDS
            .lines()
            .map(str::trim)
            .filter(|w| w.chars().count() >= MIN_WORD_LENGTH)
            .map(str::to_owned)
            .collect();
        Ok(Self {
            qwerty: build(qwerty_patterns(&maps.qwerty_strings))?,
            words: build(words)?,
            downright: Tr::new(&maps.keyboardmap_downright)?,
            downleft: Tr::new(&maps.keyboardmap_downleft)?,
            leet: Tr::new(&maps.leet_speak)?,
            leet_alt: Tr::new(&maps.leet_speak_alt)?,
        })
    }

    /// `PasswordVariants.all_variants(password)`, duplicates removed in order.
    fn variants(&self, password: &str) -> Vec<String> {
        let pw = ruby_downcase(password);
        let mut out = vec![pw.clone()];
        let shifted = |map: &Tr| {
            let v = map.apply(&pw);
            let r = reverse(&v);
            [v, r]
        };
        let mut extra = Vec::new();
        if !pw.chars().any(|c| "zxcvbnm,./<>?".contains(c)) {
            extra.extend(shifted(&self.downright));
            extra.extend(shifted(&self.downleft));
        }
        if pw.chars().any(|c| "@!$1234567890".contains(c)) {
            extra.extend(shifted(&self.leet));
            extra.extend(shifted(&self.leet_alt));
        }
        for v in extra {
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }
}

/// Every run of 6, 5, 4 then 3 characters of each QWERTY string, in the gem's order. The gem
/// turns a run's first `-` into `\-` before `Regexp.union` escapes it, so those runs only match
/// a literal backslash and dash.
fn qwerty_patterns(strings: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for s in strings {
        let chars: Vec<char> = s.chars().collect();
        for len in (3..=6).rev() {
            for window in chars.windows(len) {
                let run: String = window.iter().collect();
                out.push(run.replacen('-', "\\-", 1));
            }
        }
    }
    out
}

/// Ruby's `Float#to_s`: shortest round-trip digits; `ddd.ddd` for exponents -4 < e <= 16 (with
/// `.0` when integral), else `d.ddde+XX`.
fn ruby_float_to_s(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    let (digits, exp) = shortest_digits(x.abs());
    let ndigits = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    // Ruby's decpt: the value is 0.DIGITS × 10^decpt.
    let decpt = exp + 1;
    let mut out = String::from(sign);
    if 0 < decpt && decpt <= 16 {
        if decpt < ndigits {
            let (int, frac) = digits.split_at(decpt as usize);
            out.push_str(int);
            out.push('.');
            out.push_str(frac);
        } else {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', (decpt - ndigits) as usize));
            out.push_str(".0");
        }
    } else if -4 < decpt && decpt <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-decpt) as usize));
        out.push_str(&digits);
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        out.push('.');
        out.push_str(if rest.is_empty() { "0" } else { rest });
        out.push_str(&format!("e{:+03}", decpt - 1));
    }
    out
}

/// The shortest digits that read back as `x` (>= 0) and the exponent of the first, as Ruby's
/// dtoa (mode 0) picks them: `{:e}` does the same except when the exact value lies halfway
/// between two candidates, where dtoa takes the even last digit (29.5938262939453125 prints
/// as ...312, Rust's `{:e}` as ...313).
fn shortest_digits(x: f64) -> (String, i32) {
    let split = |sci: &str| -> (String, i32) {
        let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
        let digits = mantissa.chars().filter(char::is_ascii_digit).collect();
        (digits, exp.parse().unwrap_or(0))
    };
    let (digits, exp) = split(&format!("{x:e}"));
    // A double's exact decimal expansion has at most 767 significant digits.
    let (exact, exact_exp) = split(&format!("{x:.800e}"));
    let exact = exact.trim_end_matches('0');
    let n = digits.len();
    if exact_exp != exp || exact.len() != n + 1 || !exact.ends_with('5') {
        return (digits, exp);
    }
    // A tie: the candidates are the exact value cut to n digits and that plus one unit.
    let down = exact[..n].to_owned();
    let Some(up) = increment(&down) else {
        return (digits, exp);
    };
    let reads_back = |d: &str| format!("0.{d}e{}", exp + 1).parse::<f64>().ok() == Some(x);
    let even = |d: &str| {
        d.bytes()
            .last()
            .is_some_and(|b| (b - b'0').is_multiple_of(2))
    };
    match [down, up].into_iter().find(|d| even(d) && reads_back(d)) {
        Some(d) if d.len() == n => (d.trim_end_matches('0').to_owned(), exp),
        _ => (digits, exp),
    }
}

/// A digit string plus one in its last place, `None` on a carry out of the first digit.
fn increment(digits: &str) -> Option<String> {
    let mut bytes = digits.as_bytes().to_vec();
    for b in bytes.iter_mut().rev() {
        if *b == b'9' {
            *b = b'0';
        } else {
            *b += 1;
            return String::from_utf8(bytes).ok();
        }
    }
    None
}

/// Unicode 14 general category Nd, as (first, last) code points.
#[rustfmt::skip]
const DECIMAL_NUMBER: &[(u32, u32)] = &[
    (0x30, 0x39), (0x660, 0x669), (0x6F0, 0x6F9), (0x7C0, 0x7C9),
    (0x966, 0x96F), (0x9E6, 0x9EF), (0xA66, 0xA6F), (0xAE6, 0xAEF),
    (0xB66, 0xB6F), (0xBE6, 0xBEF), (0xC66, 0xC6F), (0xCE6, 0xCEF),
    (0xD66, 0xD6F), (0xDE6, 0xDEF), (0xE50, 0xE59), (0xED0, 0xED9),
    (0xF20, 0xF29), (0x1040, 0x1049), (0x1090, 0x1099), (0x17E0, 0x17E9),
    (0x1810, 0x1819), (0x1946, 0x194F), (0x19D0, 0x19D9), (0x1A80, 0x1A89),
    (0x1A90, 0x1A99), (0x1B50, 0x1B59), (0x1BB0, 0x1BB9), (0x1C40, 0x1C49),
    (0x1C50, 0x1C59), (0xA620, 0xA629), (0xA8D0, 0xA8D9), (0xA900, 0xA909),
    (0xA9D0, 0xA9D9), (0xA9F0, 0xA9F9), (0xAA50, 0xAA59), (0xABF0, 0xABF9),
    (0xFF10, 0xFF19), (0x104A0, 0x104A9), (0x10D30, 0x10D39), (0x11066, 0x1106F),
    (0x110F0, 0x110F9), (0x11136, 0x1113F), (0x111D0, 0x111D9), (0x112F0, 0x112F9),
    (0x11450, 0x11459), (0x114D0, 0x114D9), (0x11650, 0x11659), (0x116C0, 0x116C9),
    (0x11730, 0x11739), (0x118E0, 0x118E9), (0x11950, 0x11959), (0x11C50, 0x11C59),
    (0x11D50, 0x11D59), (0x11DA0, 0x11DA9), (0x16A60, 0x16A69), (0x16AC0, 0x16AC9),
    (0x16B50, 0x16B59), (0x1D7CE, 0x1D7FF), (0x1E140, 0x1E149), (0x1E2F0, 0x1E2F9),
    (0x1E950, 0x1E959), (0x1FBF0, 0x1FBF9),
];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    /// Reference §5, produced by the gem v0.0.9 under Ruby 3.1: the value and its Ruby text.
    const VECTORS: &[(&str, &str)] = &[
        ("Tecohvi0", "15.5"),
        ("Password1", "2"),
        ("password", "2"),
        ("eeC2BiCucxWEQ", "21.1875"),
        ("ZahSh8ei", "15.5"),
        ("Gol4aid1", "15.0"),
        ("Simple", "2"),
        ("zieV0Kai", "15.5"),
        ("testPassword111", "14.125"),
        ("qwerty123", "2"),
        ("Qwerty123!", "4"),
        ("Aa1aaaaa", "5.5"),
        ("P@ssw0rd", "2"),
        ("Str0ngP@ss!", "11.5"),
        ("Tr0ub4dor&3", "19.625"),
        ("MyPassw0rd1", "8"),
        ("", "-2"),
        ("correct horse battery staple", "35.3515625"),
        ("Password1123", "6"),
        ("Qq123123", "5.5"),
        ("QqQq123123", "10.5"),
        ("X2qL32", "11.5"),
        ("eoV0qu", "11.5"),
        ("Iequ4geiEWQw", "19.59375"),
        ("Xwqe213PZCXwe", "21.21875"),
        ("Kal31ewwqXrew", "20.59375"),
        ("ZahSh8exwdi", "20.0"),
    ];

    #[test]
    fn reference_vectors_match_to_the_last_digit() {
        for (pw, want) in VECTORS {
            let got = entropy_value(pw);
            assert_eq!(got.to_string(), *want, "{pw:?} gave {got:?}");
            assert_eq!(
                serde_json::to_string(&got.to_json_number()).unwrap(),
                *want,
                "{pw:?}"
            );
            assert_eq!(entropy_json(pw), got.to_json_number());
            assert_eq!(entropy(pw), want.parse::<f64>().unwrap());
        }
    }

    #[test]
    fn tables_load_from_the_embedded_files() {
        let t = Tables::load().unwrap();
        assert_eq!(t.words.patterns_len(), 10_000);
        // 14 strings: every run of 6..3 characters.
        let maps: MapsFile = serde_json::from_str(MAPS_JSON).unwrap();
        let want: usize = maps
            .qwerty_strings
            .iter()
            .map(|s| (3..=6).map(|n| s.chars().count() + 1 - n).sum::<usize>())
            .sum();
        assert_eq!(t.qwerty.patterns_len(), want);
        assert!(TABLES.is_some());
    }

    #[test]
    fn integer_only_while_every_term_is() {
        // 8 distinct characters: 4 + 7·2 = 18, bonus -2 (lower+digit... none of the 4 cases).
        assert!(matches!(nist("abcdefg1"), Entropy::Integer(16)));
        // A repeat at position 1..7 weakens to a Float even when the sum is whole.
        assert!(matches!(nist("aab"), Entropy::Float(_)));
        // Position 8 is always ×1.5.
        assert!(matches!(nist("abcdefghi"), Entropy::Float(_)));
        assert_eq!(nist(""), Entropy::Integer(-2));
    }

    #[test]
    fn ties_keep_the_earlier_type() {
        assert_eq!(
            keep_lower(Entropy::Integer(15), Entropy::Float(15.0)),
            Entropy::Integer(15)
        );
        assert_eq!(
            keep_lower(Entropy::Float(15.0), Entropy::Integer(15)),
            Entropy::Float(15.0)
        );
        assert_eq!(
            keep_lower(Entropy::Integer(15), Entropy::Float(14.5)),
            Entropy::Float(14.5)
        );
    }

    #[test]
    fn bonus_bits_follow_ruby_classes() {
        // Unicode upper/lower/digit count ("É", "ß", Arabic-Indic digit).
        assert_eq!(bonus_bits("Éß٣!"), 6 - 2);
        // Leading whitespace makes an empty first field; trailing ones are dropped.
        assert_eq!(ruby_whitespace_split_len(" a b c"), 4);
        assert_eq!(ruby_whitespace_split_len("a b c  "), 3);
        assert_eq!(ruby_whitespace_split_len("   "), 0);
        assert_eq!(bonus_bits("a b c d"), 1);
        assert_eq!(bonus_bits(" a b c"), 1);
        assert_eq!(bonus_bits("a b c"), 0);
    }

    #[test]
    fn qwerty_masks_leftmost_first_and_case_sensitively() {
        let t = Tables::load().unwrap();
        // "qwerty" (6) wins over the later "qwert" (5); "123" comes from the first string.
        assert_eq!(mask_all(&t.qwerty, "xqwertyx123"), "x*x*");
        // Uppercase is not masked.
        assert_eq!(mask_all(&t.qwerty, "QWERTY"), "QWERTY");
        // A dash only matches after a backslash.
        assert_eq!(mask_all(&t.qwerty, "90-"), "90-");
        assert_eq!(mask_all(&t.qwerty, "890-"), "*-");
        assert_eq!(mask_all(&t.qwerty, "890\\-"), "*");
    }

    #[test]
    fn dictionary_masks_only_the_first_longest_word() {
        let t = Tables::load().unwrap();
        assert_eq!(mask_first(&t.words, "password1password1"), "*password1");
        assert_eq!(mask_first(&t.words, "zzzz"), "*");
        assert_eq!(mask_first(&t.words, "abc"), "abc");
    }

    #[test]
    fn variants_follow_the_gem() {
        let t = Tables::load().unwrap();
        // Bottom-row characters suppress keyboard shifts; no leet characters, no leet variants.
        assert_eq!(t.variants("abc"), vec!["abc".to_owned()]);
        // "qwe" shifts down-right to "asd", down-left has no q: "qaw"... reversed too.
        let v = t.variants("qwe");
        assert_eq!(v, vec!["qwe", "asd", "dsa", "qas", "saq"]);
        // Leet: 1 is "i" then "l".
        let v = t.variants("p@ss1zz");
        assert_eq!(
            v,
            vec!["p@ss1zz", "passizz", "zzissap", "passlzz", "zzlssap"]
        );
    }

    #[test]
    fn long_input_counts_characters() {
        let pw = "é".repeat(1500);
        assert_eq!(entropy_value(&pw), entropy_value(&"é".repeat(1000)));
        // Non-ASCII repeats weaken like ASCII ones.
        assert_eq!(nist("éé"), nist("aa"));
    }

    #[test]
    fn downcase_is_full_mapping_without_final_sigma() {
        assert_eq!(ruby_downcase("İ"), "i\u{307}");
        assert_eq!(ruby_downcase("ΣΑΣ"), "σασ");
    }

    #[test]
    fn float_to_s_like_ruby() {
        for (x, want) in [
            (15.0, "15.0"),
            (15.5, "15.5"),
            (35.3515625, "35.3515625"),
            (-2.5, "-2.5"),
            (0.0, "0.0"),
            (0.0001, "0.0001"),
            (0.00001234, "1.234e-05"),
            (1e16, "1.0e+16"),
            (1234567890123456.0, "1234567890123456.0"),
            (100.0, "100.0"),
            (0.1, "0.1"),
            // 29.5938262939453125 and 30.5569610595703125, exactly halfway at 17 digits:
            // dtoa keeps the even digit.
            (1939461.0 / 65536.0, "29.593826293945312"),
            (2002581.0 / 65536.0, "30.556961059570312"),
        ] {
            assert_eq!(ruby_float_to_s(x), want, "{x}");
            if (1e-4..1e16).contains(&x.abs()) {
                let json = Entropy::Float(x).to_json_number().to_string();
                assert_eq!(json, want, "{x}");
            }
        }
    }

    #[test]
    fn decimal_digits_are_unicode_nd() {
        assert!(is_decimal_digit('7'));
        assert!(is_decimal_digit('٣'));
        assert!(is_decimal_digit('𝟎'));
        assert!(!is_decimal_digit('Ⅳ'));
        assert!(!is_decimal_digit('½'));
        assert!(!is_decimal_digit('a'));
    }
}
