//! Barong's `User` model validations (`app/models/user.rb`, Rails 5.2) as the `errors.details`
//! keys `code_error!` answers with: `email.invalid`, `password.weak`, `username.too_short`, ...
//!
//! Rails runs the validators in declaration order and `errors.details` groups the keys by
//! attribute, attributes in the order they first failed, each attribute's keys in its
//! validators' order, duplicates dropped. The declarations, in order:
//! 1. `has_secure_password`: `password.too_long` (over 72 characters: Rails 5.2 counts
//!    characters, not bytes). Its `blank` check is on the digest, which a non-empty password
//!    always sets.
//! 2. `data`: `too_long` (over 1024 characters), then `role`/`referral_id` (not ours), then
//!    `invalid_format` (`JSON.parse` raises).
//! 3. `email`: `invalid` (email_validator), `blank`, `taken`.
//! 4. `username` (skipped when nil; downcased first): `too_short`/`too_long` (4..12 characters),
//!    `invalid` (`/\A[a-zA-Z0-9]+\z/`), `taken`.
//! 5. `password`: `blank`, then `validate_pass!`: `requirements` or `weak`.
//!
//! So a password over 72 characters puts every `password.*` key first. Uniqueness needs the
//! store: pass what it found in [`Taken`] and the keys land where Rails puts them.
//!
//! Grape rejects a missing or blank `email`/`password` (`identity.user.empty_*`) before the
//! model runs; these functions assume that check was made. (For an empty password Rails would
//! even invent a random one; here it is simply `password.blank`.)

use crate::password::barong_strength::{self, MIN_ENTROPY, is_decimal_digit, ruby_downcase};

/// bcrypt's limit as Rails 5.2's `validates_length_of` applies it: in characters.
pub const PASSWORD_MAX_LENGTH: usize = 72;
/// `validates_length_of :data, maximum: 1024`, in characters.
pub const DATA_MAX_LENGTH: usize = 1024;
pub const USERNAME_MIN_LENGTH: usize = 4;
pub const USERNAME_MAX_LENGTH: usize = 12;
/// Ruby's `JSON.parse` default `max_nesting`.
const JSON_MAX_NESTING: usize = 100;
/// email_validator's `{1,64}` on the local part.
const EMAIL_LOCAL_MAX_ATOMS: usize = 64;

/// What the uniqueness validators would find: `email` exactly as given, `username` after
/// [`normalize_username`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Taken {
    pub email: bool,
    pub username: bool,
}

/// Registration (`User.new(...).save`) without the uniqueness checks.
pub fn user_errors(
    email: &str,
    password: &str,
    username: Option<&str>,
    data: Option<&str>,
) -> Vec<&'static str> {
    user_errors_with(email, password, username, data, Taken::default())
}

/// Registration, with the uniqueness results in their places.
pub fn user_errors_with(
    email: &str,
    password: &str,
    username: Option<&str>,
    data: Option<&str>,
    taken: Taken,
) -> Vec<&'static str> {
    let mut errors = Errors::default();
    password_length(&mut errors, password);
    if let Some(data) = data {
        if data.chars().count() > DATA_MAX_LENGTH {
            errors.add("data.too_long");
        }
        if !ruby_json_parses(data) {
            errors.add("data.invalid_format");
        }
    }
    if !email_valid(email) {
        errors.add("email.invalid");
    }
    if is_blank(email) {
        errors.add("email.blank");
    }
    if taken.email {
        errors.add("email.taken");
    }
    if let Some(username) = username {
        let username = normalize_username(username);
        let len = username.chars().count();
        if len < USERNAME_MIN_LENGTH {
            errors.add("username.too_short");
        } else if len > USERNAME_MAX_LENGTH {
            errors.add("username.too_long");
        }
        if username.is_empty() || !username.chars().all(|c| c.is_ascii_alphanumeric()) {
            errors.add("username.invalid");
        }
        if taken.username {
            errors.add("username.taken");
        }
    }
    password_strength(&mut errors, password);
    errors.into_keys()
}

/// A new password on reset or change (`user.update(password:)`): the same password checks.
pub fn password_errors(password: &str) -> Vec<&'static str> {
    let mut errors = Errors::default();
    password_length(&mut errors, password);
    password_strength(&mut errors, password);
    errors.into_keys()
}

/// `before_validation :downcase_username` (Ruby's full Unicode downcase). Store and look up
/// usernames in this form.
pub fn normalize_username(username: &str) -> String {
    ruby_downcase(username)
}

/// `PasswordStrengthChecker.validate!`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// `BARONG_PASSWORD_REGEXP` does not match.
    Requirements,
    /// Entropy below `BARONG_PASSWORD_MIN_ENTROPY`.
    Weak,
    Strong,
}

pub fn password_verdict(password: &str) -> Verdict {
    if !meets_password_regexp(password) {
        Verdict::Requirements
    } else if barong_strength::entropy(password) < MIN_ENTROPY as f64 {
        Verdict::Weak
    } else {
        Verdict::Strong
    }
}

fn password_length(errors: &mut Errors, password: &str) {
    if password.chars().count() > PASSWORD_MAX_LENGTH {
        errors.add("password.too_long");
    }
}

/// `validates :password, presence: true` then `validate_pass!`, which skips a blank password.
fn password_strength(errors: &mut Errors, password: &str) {
    if is_blank(password) {
        errors.add("password.blank");
        return;
    }
    match password_verdict(password) {
        Verdict::Requirements => errors.add("password.requirements"),
        Verdict::Weak => errors.add("password.weak"),
        Verdict::Strong => {}
    }
}

/// The default `BARONG_PASSWORD_REGEXP`,
/// `^(?=.*[[:lower:]])(?=.*[[:upper:]])(?=.*[[:digit:]])(?=.*[[:graph:]]).{8,80}$`, unanchored
/// with Ruby's semantics: `^`/`$` are line anchors and `.` stops at "\n", so some line must be
/// 8 to 80 characters long and hold a lowercase, an uppercase and a decimal digit (Unicode
/// Lowercase, Uppercase, Nd). `[[:graph:]]` adds nothing: those three are all graphic.
pub fn meets_password_regexp(password: &str) -> bool {
    password.split('\n').any(|line| {
        let (mut len, mut lower, mut upper, mut digit) = (0_usize, false, false, false);
        for c in line.chars() {
            len += 1;
            lower |= c.is_lowercase();
            upper |= c.is_uppercase();
            digit |= is_decimal_digit(c);
        }
        (8..=80).contains(&len) && lower && upper && digit
    })
}

/// ActiveSupport's `blank?`: empty or only Unicode White_Space.
fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// `errors.details` as `code_error!` flattens it.
#[derive(Default)]
struct Errors(Vec<(&'static str, Vec<&'static str>)>);

impl Errors {
    /// `key` is `attribute.error`.
    fn add(&mut self, key: &'static str) {
        let attribute = key.split_once('.').map_or(key, |(a, _)| a);
        match self.0.iter_mut().find(|(a, _)| *a == attribute) {
            Some((_, keys)) if !keys.contains(&key) => keys.push(key),
            Some(_) => {}
            None => self.0.push((attribute, vec![key])),
        }
    }

    fn into_keys(self) -> Vec<&'static str> {
        self.0.into_iter().flat_map(|(_, keys)| keys).collect()
    }
}

// ---- email_validator 1.6.0, strict mode -----------------------------------------------------------

/// Barong loads the gem with `require: 'email_validator/strict'`, so every `email: true` uses
/// `/\A\s*([-\p{L}\d+._]{1,64})@((?:[-\p{L}\d]+\.)+\p{L}{2,})\s*\z/i`.
///
/// Ruby's `\s` and `\d` are ASCII. Under `/i` Onigmo adds U+0345 to `\p{L}` (it folds to ι) and
/// lets a class that holds a letter with a multi-character case fold (ß, ﬁ, İ, ...) match that
/// fold as one repetition: "ss" counts once towards the 64, and "i" + U+0307 passes although
/// U+0307 is no letter. Neither the local part nor the domain can hold whitespace or `@`, so
/// the match is a split, not a search.
pub fn email_valid(email: &str) -> bool {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r');
    let Some((local, domain)) = email.trim_matches(is_space).split_once('@') else {
        return false;
    };
    let local_class =
        |c: char| matches!(c, '-' | '+' | '.' | '_') || c.is_ascii_digit() || is_letter(c);
    let label_class = |c: char| c == '-' || c.is_ascii_digit() || is_letter(c);
    let Some((labels, tld)) = domain.rsplit_once('.') else {
        return false;
    };
    covers(local, local_class, 1, EMAIL_LOCAL_MAX_ATOMS)
        && labels
            .split('.')
            .all(|label| covers(label, label_class, 1, usize::MAX))
        && covers(tld, is_letter, 2, usize::MAX)
}

/// Can `s` be split into `min..=max` repetitions of `(?:class|fold)`, a fold being two or three
/// characters that case-fold to a letter's multi-character fold?
fn covers(s: &str, class: impl Fn(char) -> bool, min: usize, max: usize) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if chars.iter().all(|&c| class(c)) {
        if (min..=max).contains(&n) {
            return true;
        }
        // Every repetition takes a character or more: folds only ever lower the count.
        if n < min {
            return false;
        }
    }
    // best[i]: the fewest and most repetitions covering chars[..i].
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for end in 1..=n {
        let mut here: Option<(usize, usize)> = None;
        let mut extend = |from: Option<(usize, usize)>| {
            if let Some((lo, hi)) = from {
                here = Some(match here {
                    Some((l, h)) => (l.min(lo + 1), h.max(hi + 1)),
                    None => (lo + 1, hi + 1),
                });
            }
        };
        if class(chars[end - 1]) {
            extend(best[end - 1]);
        }
        for width in 2..=end.min(3) {
            if is_multichar_fold(&chars[end - width..end]) {
                extend(best[end - width]);
            }
        }
        best[end] = here;
    }
    // Between the fewest and the most, folds of two or three characters leave no gap that
    // matters here: the bounds asked for are 1..=64, 1.. and 2...
    best[n].is_some_and(|(lo, hi)| lo <= max && hi >= min)
}

/// Does `window` case-fold to a letter's multi-character fold ("ss" for ß, "i\u{307}" for İ)?
fn is_multichar_fold(window: &[char]) -> bool {
    let fold = |c: char| -> &'static str {
        match CASE_FOLDS.binary_search_by_key(&c, |&(k, _)| k) {
            Ok(i) => CASE_FOLDS[i].1,
            Err(_) => "",
        }
    };
    let folded = || {
        window.iter().flat_map(move |&c| {
            let f = fold(c);
            // A character without an entry folds to itself.
            let own = f.is_empty().then_some(c);
            f.chars().chain(own)
        })
    };
    MULTICHAR_FOLDS.iter().any(|f| f.chars().eq(folded()))
}

/// `\p{L}` under `/i`: general category L, plus U+0345 (its case fold ι is a letter).
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    let c = u32::from(c);
    c == 0x345
        || LETTER
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

// ---- Ruby's JSON.parse ----------------------------------------------------------------------------

/// Whether Ruby's `JSON.parse(data)` (json 2.x, the C extension) returns, as Barong's
/// `DataIsJsonValidator` asks. Beyond RFC 8259 it accepts any top-level value, `/* */` and
/// `// ...\n` comments wherever whitespace may be, and a backslash before any non-control
/// character in strings; it rejects `NaN`/`Infinity`, nesting deeper than 100, and a `\u` high
/// surrogate with fewer than 6 bytes after it in the string.
pub fn ruby_json_parses(data: &str) -> bool {
    let mut p = JsonScan {
        s: data.as_bytes(),
        i: 0,
    };
    (|| {
        p.ignore()?;
        p.value(0)?;
        p.ignore()?;
        (p.i == p.s.len()).then_some(())
    })()
    .is_some()
}

struct JsonScan<'a> {
    s: &'a [u8],
    i: usize,
}

impl JsonScan<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek() == Some(b)).then(|| self.i += 1)
    }

    /// Whitespace `[ \t\r\n]` and comments; an unfinished comment fails.
    fn ignore(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.i += 1,
                Some(b'/') => {
                    let rest = self.s.get(self.i + 2..)?;
                    match self.s.get(self.i + 1) {
                        Some(b'*') => {
                            let end = rest.windows(2).position(|w| w == b"*/")?;
                            self.i += 2 + end + 2;
                        }
                        Some(b'/') => {
                            let end = rest.iter().position(|&b| b == b'\n')?;
                            self.i += 2 + end + 1;
                        }
                        _ => return None,
                    }
                }
                _ => return Some(()),
            }
        }
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'[' => self.array(depth + 1),
            b'{' => self.object(depth + 1),
            b'"' => self.string(),
            b'-' | b'0'..=b'9' => self.number(),
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.s[self.i..]
            .starts_with(word)
            .then(|| self.i += word.len())
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        if depth > JSON_MAX_NESTING {
            return None;
        }
        self.i += 1;
        self.ignore()?;
        if self.eat(b']').is_some() {
            return Some(());
        }
        loop {
            self.value(depth)?;
            self.ignore()?;
            if self.eat(b']').is_some() {
                return Some(());
            }
            self.eat(b',')?;
            self.ignore()?;
        }
    }

    fn object(&mut self, depth: usize) -> Option<()> {
        if depth > JSON_MAX_NESTING {
            return None;
        }
        self.i += 1;
        self.ignore()?;
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            (self.peek() == Some(b'"')).then_some(())?;
            self.string()?;
            self.ignore()?;
            self.eat(b':')?;
            self.ignore()?;
            self.value(depth)?;
            self.ignore()?;
            if self.eat(b'}').is_some() {
                return Some(());
            }
            self.eat(b',')?;
            self.ignore()?;
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - start
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Option<()> {
        let _ = self.eat(b'-');
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.eat(b'.').is_some() && self.digits() == 0 {
            return None;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(())
    }

    /// The scanner: no raw control characters, `\u` takes 4 hex digits, any other escaped
    /// character passes. Then the unescaper's own checks.
    fn string(&mut self) -> Option<()> {
        self.i += 1;
        let start = self.i;
        loop {
            match self.peek()? {
                b'"' => break,
                0x00..=0x1f => return None,
                b'\\' => {
                    let next = *self.s.get(self.i + 1)?;
                    if next == b'u' {
                        let hex = self.s.get(self.i + 2..self.i + 6)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return None;
                        }
                        self.i += 6;
                    } else if next < 0x20 {
                        return None;
                    } else {
                        self.i += 2;
                    }
                }
                _ => self.i += 1,
            }
        }
        let end = self.i;
        self.i += 1;
        unescape_accepts(&self.s[start..end])
    }
}

/// json's `json_string_unescape` over a scanned string body, for its only failure: a high
/// surrogate escape with fewer than 6 bytes after it. Walked the way the C code walks, which
/// skips a byte after a high surrogate not followed by `\u`.
fn unescape_accepts(s: &[u8]) -> Option<()> {
    let end = s.len();
    let mut pe = 0;
    while pe < end {
        if s[pe] != b'\\' {
            pe += 1;
            continue;
        }
        pe += 1;
        match s.get(pe) {
            Some(b'n' | b'r' | b't' | b'"' | b'\\' | b'b' | b'f') => pe += 1,
            Some(b'u') => {
                if end - pe < 4 {
                    return None;
                }
                let ch = unescape_unicode(s.get(pe + 1..pe + 5).unwrap_or_default());
                pe += 4;
                if ch & 0xFC00 == 0xD800 {
                    pe += 1;
                    if pe + 6 > end {
                        return None;
                    }
                    if s[pe] == b'\\' && s[pe + 1] == b'u' {
                        pe += 5;
                    }
                }
                pe += 1;
            }
            // Other escapes restart the scan at the escaped character.
            _ => {}
        }
    }
    Some(())
}

/// Four hex digits as a UTF-16 unit; U+FFFD for anything else (as the C code).
fn unescape_unicode(hex: &[u8]) -> u32 {
    let mut out = 0;
    for i in 0..4 {
        match hex.get(i).and_then(|&b| char::from(b).to_digit(16)) {
            Some(d) => out = out << 4 | d,
            None => return 0xFFFD,
        }
    }
    out
}

/// Unicode 14 general category L, as (first, last) code points.
#[rustfmt::skip]
const LETTER: &[(u32, u32)] = &[
    (0x41, 0x5A), (0x61, 0x7A), (0xAA, 0xAA), (0xB5, 0xB5), (0xBA, 0xBA),
    (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x2C1), (0x2C6, 0x2D1), (0x2E0, 0x2E4),
    (0x2EC, 0x2EC), (0x2EE, 0x2EE), (0x370, 0x374), (0x376, 0x377), (0x37A, 0x37D),
    (0x37F, 0x37F), (0x386, 0x386), (0x388, 0x38A), (0x38C, 0x38C), (0x38E, 0x3A1),
    (0x3A3, 0x3F5), (0x3F7, 0x481), (0x48A, 0x52F), (0x531, 0x556), (0x559, 0x559),
    (0x560, 0x588), (0x5D0, 0x5EA), (0x5EF, 0x5F2), (0x620, 0x64A), (0x66E, 0x66F),
    (0x671, 0x6D3), (0x6D5, 0x6D5), (0x6E5, 0x6E6), (0x6EE, 0x6EF), (0x6FA, 0x6FC),
    (0x6FF, 0x6FF), (0x710, 0x710), (0x712, 0x72F), (0x74D, 0x7A5), (0x7B1, 0x7B1),
    (0x7CA, 0x7EA), (0x7F4, 0x7F5), (0x7FA, 0x7FA), (0x800, 0x815), (0x81A, 0x81A),
    (0x824, 0x824), (0x828, 0x828), (0x840, 0x858), (0x860, 0x86A), (0x870, 0x887),
    (0x889, 0x88E), (0x8A0, 0x8C9), (0x904, 0x939), (0x93D, 0x93D), (0x950, 0x950),
    (0x958, 0x961), (0x971, 0x980), (0x985, 0x98C), (0x98F, 0x990), (0x993, 0x9A8),
    (0x9AA, 0x9B0), (0x9B2, 0x9B2), (0x9B6, 0x9B9), (0x9BD, 0x9BD), (0x9CE, 0x9CE),
    (0x9DC, 0x9DD), (0x9DF, 0x9E1), (0x9F0, 0x9F1), (0x9FC, 0x9FC), (0xA05, 0xA0A),
    (0xA0F, 0xA10), (0xA13, 0xA28), (0xA2A, 0xA30), (0xA32, 0xA33), (0xA35, 0xA36),
    (0xA38, 0xA39), (0xA59, 0xA5C), (0xA5E, 0xA5E), (0xA72, 0xA74), (0xA85, 0xA8D),
    (0xA8F, 0xA91), (0xA93, 0xAA8), (0xAAA, 0xAB0), (0xAB2, 0xAB3), (0xAB5, 0xAB9),
    (0xABD, 0xABD), (0xAD0, 0xAD0), (0xAE0, 0xAE1), (0xAF9, 0xAF9), (0xB05, 0xB0C),
    (0xB0F, 0xB10), (0xB13, 0xB28), (0xB2A, 0xB30), (0xB32, 0xB33), (0xB35, 0xB39),
    (0xB3D, 0xB3D), (0xB5C, 0xB5D), (0xB5F, 0xB61), (0xB71, 0xB71), (0xB83, 0xB83),
    (0xB85, 0xB8A), (0xB8E, 0xB90), (0xB92, 0xB95), (0xB99, 0xB9A), (0xB9C, 0xB9C),
    (0xB9E, 0xB9F), (0xBA3, 0xBA4), (0xBA8, 0xBAA), (0xBAE, 0xBB9), (0xBD0, 0xBD0),
    (0xC05, 0xC0C), (0xC0E, 0xC10), (0xC12, 0xC28), (0xC2A, 0xC39), (0xC3D, 0xC3D),
    (0xC58, 0xC5A), (0xC5D, 0xC5D), (0xC60, 0xC61), (0xC80, 0xC80), (0xC85, 0xC8C),
    (0xC8E, 0xC90), (0xC92, 0xCA8), (0xCAA, 0xCB3), (0xCB5, 0xCB9), (0xCBD, 0xCBD),
    (0xCDD, 0xCDE), (0xCE0, 0xCE1), (0xCF1, 0xCF2), (0xD04, 0xD0C), (0xD0E, 0xD10),
    (0xD12, 0xD3A), (0xD3D, 0xD3D), (0xD4E, 0xD4E), (0xD54, 0xD56), (0xD5F, 0xD61),
    (0xD7A, 0xD7F), (0xD85, 0xD96), (0xD9A, 0xDB1), (0xDB3, 0xDBB), (0xDBD, 0xDBD),
    (0xDC0, 0xDC6), (0xE01, 0xE30), (0xE32, 0xE33), (0xE40, 0xE46), (0xE81, 0xE82),
    (0xE84, 0xE84), (0xE86, 0xE8A), (0xE8C, 0xEA3), (0xEA5, 0xEA5), (0xEA7, 0xEB0),
    (0xEB2, 0xEB3), (0xEBD, 0xEBD), (0xEC0, 0xEC4), (0xEC6, 0xEC6), (0xEDC, 0xEDF),
    (0xF00, 0xF00), (0xF40, 0xF47), (0xF49, 0xF6C), (0xF88, 0xF8C), (0x1000, 0x102A),
    (0x103F, 0x103F), (0x1050, 0x1055), (0x105A, 0x105D), (0x1061, 0x1061), (0x1065, 0x1066),
    (0x106E, 0x1070), (0x1075, 0x1081), (0x108E, 0x108E), (0x10A0, 0x10C5), (0x10C7, 0x10C7),
    (0x10CD, 0x10CD), (0x10D0, 0x10FA), (0x10FC, 0x1248), (0x124A, 0x124D), (0x1250, 0x1256),
    (0x1258, 0x1258), (0x125A, 0x125D), (0x1260, 0x1288), (0x128A, 0x128D), (0x1290, 0x12B0),
    (0x12B2, 0x12B5), (0x12B8, 0x12BE), (0x12C0, 0x12C0), (0x12C2, 0x12C5), (0x12C8, 0x12D6),
    (0x12D8, 0x1310), (0x1312, 0x1315), (0x1318, 0x135A), (0x1380, 0x138F), (0x13A0, 0x13F5),
    (0x13F8, 0x13FD), (0x1401, 0x166C), (0x166F, 0x167F), (0x1681, 0x169A), (0x16A0, 0x16EA),
    (0x16F1, 0x16F8), (0x1700, 0x1711), (0x171F, 0x1731), (0x1740, 0x1751), (0x1760, 0x176C),
    (0x176E, 0x1770), (0x1780, 0x17B3), (0x17D7, 0x17D7), (0x17DC, 0x17DC), (0x1820, 0x1878),
    (0x1880, 0x1884), (0x1887, 0x18A8), (0x18AA, 0x18AA), (0x18B0, 0x18F5), (0x1900, 0x191E),
    (0x1950, 0x196D), (0x1970, 0x1974), (0x1980, 0x19AB), (0x19B0, 0x19C9), (0x1A00, 0x1A16),
    (0x1A20, 0x1A54), (0x1AA7, 0x1AA7), (0x1B05, 0x1B33), (0x1B45, 0x1B4C), (0x1B83, 0x1BA0),
    (0x1BAE, 0x1BAF), (0x1BBA, 0x1BE5), (0x1C00, 0x1C23), (0x1C4D, 0x1C4F), (0x1C5A, 0x1C7D),
    (0x1C80, 0x1C88), (0x1C90, 0x1CBA), (0x1CBD, 0x1CBF), (0x1CE9, 0x1CEC), (0x1CEE, 0x1CF3),
    (0x1CF5, 0x1CF6), (0x1CFA, 0x1CFA), (0x1D00, 0x1DBF), (0x1E00, 0x1F15), (0x1F18, 0x1F1D),
    (0x1F20, 0x1F45), (0x1F48, 0x1F4D), (0x1F50, 0x1F57), (0x1F59, 0x1F59), (0x1F5B, 0x1F5B),
    (0x1F5D, 0x1F5D), (0x1F5F, 0x1F7D), (0x1F80, 0x1FB4), (0x1FB6, 0x1FBC), (0x1FBE, 0x1FBE),
    (0x1FC2, 0x1FC4), (0x1FC6, 0x1FCC), (0x1FD0, 0x1FD3), (0x1FD6, 0x1FDB), (0x1FE0, 0x1FEC),
    (0x1FF2, 0x1FF4), (0x1FF6, 0x1FFC), (0x2071, 0x2071), (0x207F, 0x207F), (0x2090, 0x209C),
    (0x2102, 0x2102), (0x2107, 0x2107), (0x210A, 0x2113), (0x2115, 0x2115), (0x2119, 0x211D),
    (0x2124, 0x2124), (0x2126, 0x2126), (0x2128, 0x2128), (0x212A, 0x212D), (0x212F, 0x2139),
    (0x213C, 0x213F), (0x2145, 0x2149), (0x214E, 0x214E), (0x2183, 0x2184), (0x2C00, 0x2CE4),
    (0x2CEB, 0x2CEE), (0x2CF2, 0x2CF3), (0x2D00, 0x2D25), (0x2D27, 0x2D27), (0x2D2D, 0x2D2D),
    (0x2D30, 0x2D67), (0x2D6F, 0x2D6F), (0x2D80, 0x2D96), (0x2DA0, 0x2DA6), (0x2DA8, 0x2DAE),
    (0x2DB0, 0x2DB6), (0x2DB8, 0x2DBE), (0x2DC0, 0x2DC6), (0x2DC8, 0x2DCE), (0x2DD0, 0x2DD6),
    (0x2DD8, 0x2DDE), (0x2E2F, 0x2E2F), (0x3005, 0x3006), (0x3031, 0x3035), (0x303B, 0x303C),
    (0x3041, 0x3096), (0x309D, 0x309F), (0x30A1, 0x30FA), (0x30FC, 0x30FF), (0x3105, 0x312F),
    (0x3131, 0x318E), (0x31A0, 0x31BF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0xA48C),
    (0xA4D0, 0xA4FD), (0xA500, 0xA60C), (0xA610, 0xA61F), (0xA62A, 0xA62B), (0xA640, 0xA66E),
    (0xA67F, 0xA69D), (0xA6A0, 0xA6E5), (0xA717, 0xA71F), (0xA722, 0xA788), (0xA78B, 0xA7CA),
    (0xA7D0, 0xA7D1), (0xA7D3, 0xA7D3), (0xA7D5, 0xA7D9), (0xA7F2, 0xA801), (0xA803, 0xA805),
    (0xA807, 0xA80A), (0xA80C, 0xA822), (0xA840, 0xA873), (0xA882, 0xA8B3), (0xA8F2, 0xA8F7),
    (0xA8FB, 0xA8FB), (0xA8FD, 0xA8FE), (0xA90A, 0xA925), (0xA930, 0xA946), (0xA960, 0xA97C),
    (0xA984, 0xA9B2), (0xA9CF, 0xA9CF), (0xA9E0, 0xA9E4), (0xA9E6, 0xA9EF), (0xA9FA, 0xA9FE),
    (0xAA00, 0xAA28), (0xAA40, 0xAA42), (0xAA44, 0xAA4B), (0xAA60, 0xAA76), (0xAA7A, 0xAA7A),
    (0xAA7E, 0xAAAF), (0xAAB1, 0xAAB1), (0xAAB5, 0xAAB6), (0xAAB9, 0xAABD), (0xAAC0, 0xAAC0),
    (0xAAC2, 0xAAC2), (0xAADB, 0xAADD), (0xAAE0, 0xAAEA), (0xAAF2, 0xAAF4), (0xAB01, 0xAB06),
    (0xAB09, 0xAB0E), (0xAB11, 0xAB16), (0xAB20, 0xAB26), (0xAB28, 0xAB2E), (0xAB30, 0xAB5A),
    (0xAB5C, 0xAB69), (0xAB70, 0xABE2), (0xAC00, 0xD7A3), (0xD7B0, 0xD7C6), (0xD7CB, 0xD7FB),
    (0xF900, 0xFA6D), (0xFA70, 0xFAD9), (0xFB00, 0xFB06), (0xFB13, 0xFB17), (0xFB1D, 0xFB1D),
    (0xFB1F, 0xFB28), (0xFB2A, 0xFB36), (0xFB38, 0xFB3C), (0xFB3E, 0xFB3E), (0xFB40, 0xFB41),
    (0xFB43, 0xFB44), (0xFB46, 0xFBB1), (0xFBD3, 0xFD3D), (0xFD50, 0xFD8F), (0xFD92, 0xFDC7),
    (0xFDF0, 0xFDFB), (0xFE70, 0xFE74), (0xFE76, 0xFEFC), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A),
    (0xFF66, 0xFFBE), (0xFFC2, 0xFFC7), (0xFFCA, 0xFFCF), (0xFFD2, 0xFFD7), (0xFFDA, 0xFFDC),
    (0x10000, 0x1000B), (0x1000D, 0x10026), (0x10028, 0x1003A), (0x1003C, 0x1003D), (0x1003F, 0x1004D),
    (0x10050, 0x1005D), (0x10080, 0x100FA), (0x10280, 0x1029C), (0x102A0, 0x102D0), (0x10300, 0x1031F),
    (0x1032D, 0x10340), (0x10342, 0x10349), (0x10350, 0x10375), (0x10380, 0x1039D), (0x103A0, 0x103C3),
    (0x103C8, 0x103CF), (0x10400, 0x1049D), (0x104B0, 0x104D3), (0x104D8, 0x104FB), (0x10500, 0x10527),
    (0x10530, 0x10563), (0x10570, 0x1057A), (0x1057C, 0x1058A), (0x1058C, 0x10592), (0x10594, 0x10595),
    (0x10597, 0x105A1), (0x105A3, 0x105B1), (0x105B3, 0x105B9), (0x105BB, 0x105BC), (0x10600, 0x10736),
    (0x10740, 0x10755), (0x10760, 0x10767), (0x10780, 0x10785), (0x10787, 0x107B0), (0x107B2, 0x107BA),
    (0x10800, 0x10805), (0x10808, 0x10808), (0x1080A, 0x10835), (0x10837, 0x10838), (0x1083C, 0x1083C),
    (0x1083F, 0x10855), (0x10860, 0x10876), (0x10880, 0x1089E), (0x108E0, 0x108F2), (0x108F4, 0x108F5),
    (0x10900, 0x10915), (0x10920, 0x10939), (0x10980, 0x109B7), (0x109BE, 0x109BF), (0x10A00, 0x10A00),
    (0x10A10, 0x10A13), (0x10A15, 0x10A17), (0x10A19, 0x10A35), (0x10A60, 0x10A7C), (0x10A80, 0x10A9C),
    (0x10AC0, 0x10AC7), (0x10AC9, 0x10AE4), (0x10B00, 0x10B35), (0x10B40, 0x10B55), (0x10B60, 0x10B72),
    (0x10B80, 0x10B91), (0x10C00, 0x10C48), (0x10C80, 0x10CB2), (0x10CC0, 0x10CF2), (0x10D00, 0x10D23),
    (0x10E80, 0x10EA9), (0x10EB0, 0x10EB1), (0x10F00, 0x10F1C), (0x10F27, 0x10F27), (0x10F30, 0x10F45),
    (0x10F70, 0x10F81), (0x10FB0, 0x10FC4), (0x10FE0, 0x10FF6), (0x11003, 0x11037), (0x11071, 0x11072),
    (0x11075, 0x11075), (0x11083, 0x110AF), (0x110D0, 0x110E8), (0x11103, 0x11126), (0x11144, 0x11144),
    (0x11147, 0x11147), (0x11150, 0x11172), (0x11176, 0x11176), (0x11183, 0x111B2), (0x111C1, 0x111C4),
    (0x111DA, 0x111DA), (0x111DC, 0x111DC), (0x11200, 0x11211), (0x11213, 0x1122B), (0x11280, 0x11286),
    (0x11288, 0x11288), (0x1128A, 0x1128D), (0x1128F, 0x1129D), (0x1129F, 0x112A8), (0x112B0, 0x112DE),
    (0x11305, 0x1130C), (0x1130F, 0x11310), (0x11313, 0x11328), (0x1132A, 0x11330), (0x11332, 0x11333),
    (0x11335, 0x11339), (0x1133D, 0x1133D), (0x11350, 0x11350), (0x1135D, 0x11361), (0x11400, 0x11434),
    (0x11447, 0x1144A), (0x1145F, 0x11461), (0x11480, 0x114AF), (0x114C4, 0x114C5), (0x114C7, 0x114C7),
    (0x11580, 0x115AE), (0x115D8, 0x115DB), (0x11600, 0x1162F), (0x11644, 0x11644), (0x11680, 0x116AA),
    (0x116B8, 0x116B8), (0x11700, 0x1171A), (0x11740, 0x11746), (0x11800, 0x1182B), (0x118A0, 0x118DF),
    (0x118FF, 0x11906), (0x11909, 0x11909), (0x1190C, 0x11913), (0x11915, 0x11916), (0x11918, 0x1192F),
    (0x1193F, 0x1193F), (0x11941, 0x11941), (0x119A0, 0x119A7), (0x119AA, 0x119D0), (0x119E1, 0x119E1),
    (0x119E3, 0x119E3), (0x11A00, 0x11A00), (0x11A0B, 0x11A32), (0x11A3A, 0x11A3A), (0x11A50, 0x11A50),
    (0x11A5C, 0x11A89), (0x11A9D, 0x11A9D), (0x11AB0, 0x11AF8), (0x11C00, 0x11C08), (0x11C0A, 0x11C2E),
    (0x11C40, 0x11C40), (0x11C72, 0x11C8F), (0x11D00, 0x11D06), (0x11D08, 0x11D09), (0x11D0B, 0x11D30),
    (0x11D46, 0x11D46), (0x11D60, 0x11D65), (0x11D67, 0x11D68), (0x11D6A, 0x11D89), (0x11D98, 0x11D98),
    (0x11EE0, 0x11EF2), (0x11FB0, 0x11FB0), (0x12000, 0x12399), (0x12480, 0x12543), (0x12F90, 0x12FF0),
    (0x13000, 0x1342E), (0x14400, 0x14646), (0x16800, 0x16A38), (0x16A40, 0x16A5E), (0x16A70, 0x16ABE),
    (0x16AD0, 0x16AED), (0x16B00, 0x16B2F), (0x16B40, 0x16B43), (0x16B63, 0x16B77), (0x16B7D, 0x16B8F),
    (0x16E40, 0x16E7F), (0x16F00, 0x16F4A), (0x16F50, 0x16F50), (0x16F93, 0x16F9F), (0x16FE0, 0x16FE1),
    (0x16FE3, 0x16FE3), (0x17000, 0x187F7), (0x18800, 0x18CD5), (0x18D00, 0x18D08), (0x1AFF0, 0x1AFF3),
    (0x1AFF5, 0x1AFFB), (0x1AFFD, 0x1AFFE), (0x1B000, 0x1B122), (0x1B150, 0x1B152), (0x1B164, 0x1B167),
    (0x1B170, 0x1B2FB), (0x1BC00, 0x1BC6A), (0x1BC70, 0x1BC7C), (0x1BC80, 0x1BC88), (0x1BC90, 0x1BC99),
    (0x1D400, 0x1D454), (0x1D456, 0x1D49C), (0x1D49E, 0x1D49F), (0x1D4A2, 0x1D4A2), (0x1D4A5, 0x1D4A6),
    (0x1D4A9, 0x1D4AC), (0x1D4AE, 0x1D4B9), (0x1D4BB, 0x1D4BB), (0x1D4BD, 0x1D4C3), (0x1D4C5, 0x1D505),
    (0x1D507, 0x1D50A), (0x1D50D, 0x1D514), (0x1D516, 0x1D51C), (0x1D51E, 0x1D539), (0x1D53B, 0x1D53E),
    (0x1D540, 0x1D544), (0x1D546, 0x1D546), (0x1D54A, 0x1D550), (0x1D552, 0x1D6A5), (0x1D6A8, 0x1D6C0),
    (0x1D6C2, 0x1D6DA), (0x1D6DC, 0x1D6FA), (0x1D6FC, 0x1D714), (0x1D716, 0x1D734), (0x1D736, 0x1D74E),
    (0x1D750, 0x1D76E), (0x1D770, 0x1D788), (0x1D78A, 0x1D7A8), (0x1D7AA, 0x1D7C2), (0x1D7C4, 0x1D7CB),
    (0x1DF00, 0x1DF1E), (0x1E100, 0x1E12C), (0x1E137, 0x1E13D), (0x1E14E, 0x1E14E), (0x1E290, 0x1E2AD),
    (0x1E2C0, 0x1E2EB), (0x1E7E0, 0x1E7E6), (0x1E7E8, 0x1E7EB), (0x1E7ED, 0x1E7EE), (0x1E7F0, 0x1E7FE),
    (0x1E800, 0x1E8C4), (0x1E900, 0x1E943), (0x1E94B, 0x1E94B), (0x1EE00, 0x1EE03), (0x1EE05, 0x1EE1F),
    (0x1EE21, 0x1EE22), (0x1EE24, 0x1EE24), (0x1EE27, 0x1EE27), (0x1EE29, 0x1EE32), (0x1EE34, 0x1EE37),
    (0x1EE39, 0x1EE39), (0x1EE3B, 0x1EE3B), (0x1EE42, 0x1EE42), (0x1EE47, 0x1EE47), (0x1EE49, 0x1EE49),
    (0x1EE4B, 0x1EE4B), (0x1EE4D, 0x1EE4F), (0x1EE51, 0x1EE52), (0x1EE54, 0x1EE54), (0x1EE57, 0x1EE57),
    (0x1EE59, 0x1EE59), (0x1EE5B, 0x1EE5B), (0x1EE5D, 0x1EE5D), (0x1EE5F, 0x1EE5F), (0x1EE61, 0x1EE62),
    (0x1EE64, 0x1EE64), (0x1EE67, 0x1EE6A), (0x1EE6C, 0x1EE72), (0x1EE74, 0x1EE77), (0x1EE79, 0x1EE7C),
    (0x1EE7E, 0x1EE7E), (0x1EE80, 0x1EE89), (0x1EE8B, 0x1EE9B), (0x1EEA1, 0x1EEA3), (0x1EEA5, 0x1EEA9),
    (0x1EEAB, 0x1EEBB), (0x20000, 0x2A6DF), (0x2A700, 0x2B738), (0x2B740, 0x2B81D), (0x2B820, 0x2CEA1),
    (0x2CEB0, 0x2EBE0), (0x2F800, 0x2FA1D), (0x30000, 0x3134A),
];

/// The multi-character full case folds of letters (CaseFolding.txt status F), Unicode 14.
#[rustfmt::skip]
const MULTICHAR_FOLDS: &[&str] = &[
    "a\u{2BE}", "ff", "ffi", "ffl", "fi", "fl",
    "h\u{331}", "i\u{307}", "j\u{30C}", "ss", "st", "t\u{308}",
    "w\u{30A}", "y\u{30A}", "\u{2BC}n", "\u{3AC}\u{3B9}", "\u{3AE}\u{3B9}", "\u{3B1}\u{342}",
    "\u{3B1}\u{342}\u{3B9}", "\u{3B1}\u{3B9}", "\u{3B7}\u{342}", "\u{3B7}\u{342}\u{3B9}", "\u{3B7}\u{3B9}", "\u{3B9}\u{308}\u{300}",
    "\u{3B9}\u{308}\u{301}", "\u{3B9}\u{308}\u{342}", "\u{3B9}\u{342}", "\u{3C1}\u{313}", "\u{3C5}\u{308}\u{300}", "\u{3C5}\u{308}\u{301}",
    "\u{3C5}\u{308}\u{342}", "\u{3C5}\u{313}", "\u{3C5}\u{313}\u{300}", "\u{3C5}\u{313}\u{301}", "\u{3C5}\u{313}\u{342}", "\u{3C5}\u{342}",
    "\u{3C9}\u{342}", "\u{3C9}\u{342}\u{3B9}", "\u{3C9}\u{3B9}", "\u{3CE}\u{3B9}", "\u{565}\u{582}", "\u{574}\u{565}",
    "\u{574}\u{56B}", "\u{574}\u{56D}", "\u{574}\u{576}", "\u{57E}\u{576}", "\u{1F00}\u{3B9}", "\u{1F01}\u{3B9}",
    "\u{1F02}\u{3B9}", "\u{1F03}\u{3B9}", "\u{1F04}\u{3B9}", "\u{1F05}\u{3B9}", "\u{1F06}\u{3B9}", "\u{1F07}\u{3B9}",
    "\u{1F20}\u{3B9}", "\u{1F21}\u{3B9}", "\u{1F22}\u{3B9}", "\u{1F23}\u{3B9}", "\u{1F24}\u{3B9}", "\u{1F25}\u{3B9}",
    "\u{1F26}\u{3B9}", "\u{1F27}\u{3B9}", "\u{1F60}\u{3B9}", "\u{1F61}\u{3B9}", "\u{1F62}\u{3B9}", "\u{1F63}\u{3B9}",
    "\u{1F64}\u{3B9}", "\u{1F65}\u{3B9}", "\u{1F66}\u{3B9}", "\u{1F67}\u{3B9}", "\u{1F70}\u{3B9}", "\u{1F74}\u{3B9}",
    "\u{1F7C}\u{3B9}",
];

/// Full case folds of the characters whose fold is made of those folds' characters, sorted.
#[rustfmt::skip]
const CASE_FOLDS: &[(char, &str)] = &[
    ('\u{41}', "a"), ('\u{46}', "f"), ('\u{48}', "h"), ('\u{49}', "i"),
    ('\u{4A}', "j"), ('\u{4C}', "l"), ('\u{4E}', "n"), ('\u{53}', "s"),
    ('\u{54}', "t"), ('\u{57}', "w"), ('\u{59}', "y"), ('\u{DF}', "ss"),
    ('\u{130}', "i\u{307}"), ('\u{149}', "\u{2BC}n"), ('\u{17F}', "s"), ('\u{1F0}', "j\u{30C}"),
    ('\u{345}', "\u{3B9}"), ('\u{386}', "\u{3AC}"), ('\u{389}', "\u{3AE}"), ('\u{38F}', "\u{3CE}"),
    ('\u{390}', "\u{3B9}\u{308}\u{301}"), ('\u{391}', "\u{3B1}"), ('\u{397}', "\u{3B7}"), ('\u{399}', "\u{3B9}"),
    ('\u{3A1}', "\u{3C1}"), ('\u{3A5}', "\u{3C5}"), ('\u{3A9}', "\u{3C9}"), ('\u{3B0}', "\u{3C5}\u{308}\u{301}"),
    ('\u{3F1}', "\u{3C1}"), ('\u{535}', "\u{565}"), ('\u{53B}', "\u{56B}"), ('\u{53D}', "\u{56D}"),
    ('\u{544}', "\u{574}"), ('\u{546}', "\u{576}"), ('\u{54E}', "\u{57E}"), ('\u{552}', "\u{582}"),
    ('\u{587}', "\u{565}\u{582}"), ('\u{1E96}', "h\u{331}"), ('\u{1E97}', "t\u{308}"), ('\u{1E98}', "w\u{30A}"),
    ('\u{1E99}', "y\u{30A}"), ('\u{1E9A}', "a\u{2BE}"), ('\u{1E9E}', "ss"), ('\u{1F08}', "\u{1F00}"),
    ('\u{1F09}', "\u{1F01}"), ('\u{1F0A}', "\u{1F02}"), ('\u{1F0B}', "\u{1F03}"), ('\u{1F0C}', "\u{1F04}"),
    ('\u{1F0D}', "\u{1F05}"), ('\u{1F0E}', "\u{1F06}"), ('\u{1F0F}', "\u{1F07}"), ('\u{1F28}', "\u{1F20}"),
    ('\u{1F29}', "\u{1F21}"), ('\u{1F2A}', "\u{1F22}"), ('\u{1F2B}', "\u{1F23}"), ('\u{1F2C}', "\u{1F24}"),
    ('\u{1F2D}', "\u{1F25}"), ('\u{1F2E}', "\u{1F26}"), ('\u{1F2F}', "\u{1F27}"), ('\u{1F50}', "\u{3C5}\u{313}"),
    ('\u{1F52}', "\u{3C5}\u{313}\u{300}"), ('\u{1F54}', "\u{3C5}\u{313}\u{301}"), ('\u{1F56}', "\u{3C5}\u{313}\u{342}"), ('\u{1F68}', "\u{1F60}"),
    ('\u{1F69}', "\u{1F61}"), ('\u{1F6A}', "\u{1F62}"), ('\u{1F6B}', "\u{1F63}"), ('\u{1F6C}', "\u{1F64}"),
    ('\u{1F6D}', "\u{1F65}"), ('\u{1F6E}', "\u{1F66}"), ('\u{1F6F}', "\u{1F67}"), ('\u{1F80}', "\u{1F00}\u{3B9}"),
    ('\u{1F81}', "\u{1F01}\u{3B9}"), ('\u{1F82}', "\u{1F02}\u{3B9}"), ('\u{1F83}', "\u{1F03}\u{3B9}"), ('\u{1F84}', "\u{1F04}\u{3B9}"),
    ('\u{1F85}', "\u{1F05}\u{3B9}"), ('\u{1F86}', "\u{1F06}\u{3B9}"), ('\u{1F87}', "\u{1F07}\u{3B9}"), ('\u{1F88}', "\u{1F00}\u{3B9}"),
    ('\u{1F89}', "\u{1F01}\u{3B9}"), ('\u{1F8A}', "\u{1F02}\u{3B9}"), ('\u{1F8B}', "\u{1F03}\u{3B9}"), ('\u{1F8C}', "\u{1F04}\u{3B9}"),
    ('\u{1F8D}', "\u{1F05}\u{3B9}"), ('\u{1F8E}', "\u{1F06}\u{3B9}"), ('\u{1F8F}', "\u{1F07}\u{3B9}"), ('\u{1F90}', "\u{1F20}\u{3B9}"),
    ('\u{1F91}', "\u{1F21}\u{3B9}"), ('\u{1F92}', "\u{1F22}\u{3B9}"), ('\u{1F93}', "\u{1F23}\u{3B9}"), ('\u{1F94}', "\u{1F24}\u{3B9}"),
    ('\u{1F95}', "\u{1F25}\u{3B9}"), ('\u{1F96}', "\u{1F26}\u{3B9}"), ('\u{1F97}', "\u{1F27}\u{3B9}"), ('\u{1F98}', "\u{1F20}\u{3B9}"),
    ('\u{1F99}', "\u{1F21}\u{3B9}"), ('\u{1F9A}', "\u{1F22}\u{3B9}"), ('\u{1F9B}', "\u{1F23}\u{3B9}"), ('\u{1F9C}', "\u{1F24}\u{3B9}"),
    ('\u{1F9D}', "\u{1F25}\u{3B9}"), ('\u{1F9E}', "\u{1F26}\u{3B9}"), ('\u{1F9F}', "\u{1F27}\u{3B9}"), ('\u{1FA0}', "\u{1F60}\u{3B9}"),
    ('\u{1FA1}', "\u{1F61}\u{3B9}"), ('\u{1FA2}', "\u{1F62}\u{3B9}"), ('\u{1FA3}', "\u{1F63}\u{3B9}"), ('\u{1FA4}', "\u{1F64}\u{3B9}"),
    ('\u{1FA5}', "\u{1F65}\u{3B9}"), ('\u{1FA6}', "\u{1F66}\u{3B9}"), ('\u{1FA7}', "\u{1F67}\u{3B9}"), ('\u{1FA8}', "\u{1F60}\u{3B9}"),
    ('\u{1FA9}', "\u{1F61}\u{3B9}"), ('\u{1FAA}', "\u{1F62}\u{3B9}"), ('\u{1FAB}', "\u{1F63}\u{3B9}"), ('\u{1FAC}', "\u{1F64}\u{3B9}"),
    ('\u{1FAD}', "\u{1F65}\u{3B9}"), ('\u{1FAE}', "\u{1F66}\u{3B9}"), ('\u{1FAF}', "\u{1F67}\u{3B9}"), ('\u{1FB2}', "\u{1F70}\u{3B9}"),
    ('\u{1FB3}', "\u{3B1}\u{3B9}"), ('\u{1FB4}', "\u{3AC}\u{3B9}"), ('\u{1FB6}', "\u{3B1}\u{342}"), ('\u{1FB7}', "\u{3B1}\u{342}\u{3B9}"),
    ('\u{1FBA}', "\u{1F70}"), ('\u{1FBC}', "\u{3B1}\u{3B9}"), ('\u{1FBE}', "\u{3B9}"), ('\u{1FC2}', "\u{1F74}\u{3B9}"),
    ('\u{1FC3}', "\u{3B7}\u{3B9}"), ('\u{1FC4}', "\u{3AE}\u{3B9}"), ('\u{1FC6}', "\u{3B7}\u{342}"), ('\u{1FC7}', "\u{3B7}\u{342}\u{3B9}"),
    ('\u{1FCA}', "\u{1F74}"), ('\u{1FCC}', "\u{3B7}\u{3B9}"), ('\u{1FD2}', "\u{3B9}\u{308}\u{300}"), ('\u{1FD3}', "\u{3B9}\u{308}\u{301}"),
    ('\u{1FD6}', "\u{3B9}\u{342}"), ('\u{1FD7}', "\u{3B9}\u{308}\u{342}"), ('\u{1FE2}', "\u{3C5}\u{308}\u{300}"), ('\u{1FE3}', "\u{3C5}\u{308}\u{301}"),
    ('\u{1FE4}', "\u{3C1}\u{313}"), ('\u{1FE6}', "\u{3C5}\u{342}"), ('\u{1FE7}', "\u{3C5}\u{308}\u{342}"), ('\u{1FF2}', "\u{1F7C}\u{3B9}"),
    ('\u{1FF3}', "\u{3C9}\u{3B9}"), ('\u{1FF4}', "\u{3CE}\u{3B9}"), ('\u{1FF6}', "\u{3C9}\u{342}"), ('\u{1FF7}', "\u{3C9}\u{342}\u{3B9}"),
    ('\u{1FFA}', "\u{1F7C}"), ('\u{1FFC}', "\u{3C9}\u{3B9}"), ('\u{2126}', "\u{3C9}"), ('\u{FB00}', "ff"),
    ('\u{FB01}', "fi"), ('\u{FB02}', "fl"), ('\u{FB03}', "ffi"), ('\u{FB04}', "ffl"),
    ('\u{FB05}', "st"), ('\u{FB06}', "st"), ('\u{FB13}', "\u{574}\u{576}"), ('\u{FB14}', "\u{574}\u{565}"),
    ('\u{FB15}', "\u{574}\u{56B}"), ('\u{FB16}', "\u{57E}\u{576}"), ('\u{FB17}', "\u{574}\u{56D}"),
];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    const STRONG: &str = "Iequ4geiEWQw";

    #[test]
    fn barong_spec_expectations() {
        assert_eq!(
            user_errors("bad_format", "Password1", None, None),
            ["email.invalid", "password.weak"]
        );
        assert_eq!(
            user_errors("user@example.com", "password", None, None),
            ["password.requirements"]
        );
        let ok = |u: &str| user_errors("user@example.com", STRONG, Some(u), None);
        assert_eq!(ok("qwe"), ["username.too_short"]);
        assert_eq!(ok("qwertyuiopasd"), ["username.too_long"]);
        assert_eq!(ok("qwerty@="), ["username.invalid"]);
        assert_eq!(ok(""), ["username.too_short", "username.invalid"]);
        assert!(ok("NICK").is_empty());
        assert!(user_errors("user@example.com", STRONG, None, None).is_empty());
        let data = |d: &str| user_errors("user@example.com", STRONG, None, Some(d));
        assert_eq!(
            data("{phone_number: 380969999999}"),
            ["data.invalid_format"]
        );
        assert!(data(r#"{"phone_number": 380969999999}"#).is_empty());
        assert!(data(r#""a valid JSON string""#).is_empty());
    }

    #[test]
    fn attributes_in_declaration_order() {
        let long = format!("{STRONG}{}", "x".repeat(70));
        let d = "[".repeat(1100);
        assert_eq!(
            user_errors_with(
                "",
                &long,
                Some("a@"),
                Some(&d),
                Taken {
                    email: true,
                    username: true
                }
            ),
            [
                "password.too_long",
                "password.requirements",
                "data.too_long",
                "data.invalid_format",
                "email.invalid",
                "email.blank",
                "email.taken",
                "username.too_short",
                "username.invalid",
                "username.taken",
            ]
        );
        // Without the length error, password comes last.
        assert_eq!(
            user_errors("x", "password", Some("ab"), None),
            [
                "email.invalid",
                "username.too_short",
                "password.requirements"
            ]
        );
    }

    #[test]
    fn password_checks() {
        assert!(password_errors(STRONG).is_empty());
        assert_eq!(password_errors("Simple"), ["password.requirements"]);
        assert_eq!(password_errors("Password1"), ["password.weak"]);
        assert_eq!(password_errors("        "), ["password.blank"]);
        assert_eq!(password_errors(""), ["password.blank"]);
        // 73 characters: too long for bcrypt, and no line of 8..80 with all three classes.
        assert_eq!(
            password_errors(&"a".repeat(73)),
            ["password.too_long", "password.requirements"]
        );
        // 72 two-byte characters are 144 bytes but only 72 characters.
        let wide = format!("Éé1{}", "ж".repeat(69));
        assert_eq!(wide.chars().count(), 72);
        assert!(!password_errors(&wide).contains(&"password.too_long"));
    }

    #[test]
    fn reference_verdicts() {
        use Verdict::*;
        for (pw, want) in [
            ("Tecohvi0", Strong),
            ("Password1", Weak),
            ("password", Requirements),
            ("eeC2BiCucxWEQ", Strong),
            ("ZahSh8ei", Strong),
            ("Gol4aid1", Strong),
            ("Simple", Requirements),
            ("zieV0Kai", Strong),
            ("testPassword111", Strong),
            ("qwerty123", Requirements),
            ("Qwerty123!", Weak),
            ("Aa1aaaaa", Weak),
            ("P@ssw0rd", Weak),
            ("Str0ngP@ss!", Weak),
            ("Tr0ub4dor&3", Strong),
            ("MyPassw0rd1", Weak),
            ("", Requirements),
            ("correct horse battery staple", Requirements),
            ("Password1123", Weak),
            ("Qq123123", Weak),
            ("QqQq123123", Weak),
            ("X2qL32", Requirements),
            ("eoV0qu", Requirements),
            ("Iequ4geiEWQw", Strong),
            ("Xwqe213PZCXwe", Strong),
            ("Kal31ewwqXrew", Strong),
            ("ZahSh8exwdi", Strong),
            ("password1", Requirements),
        ] {
            assert_eq!(password_verdict(pw), want, "{pw:?}");
        }
    }

    #[test]
    fn password_regexp_is_line_wise() {
        assert!(meets_password_regexp("Abcdefg1"));
        assert!(!meets_password_regexp("Abcdefg"));
        // One qualifying line is enough; lines are cut at "\n" only.
        assert!(meets_password_regexp("x\nAbcdefg1\ny"));
        assert!(!meets_password_regexp("Abcd\nefg1"));
        assert!(meets_password_regexp("Abc\rdefg1"));
        // 81 characters on the only line.
        assert!(!meets_password_regexp(&format!("Ab1{}", "c".repeat(78))));
        assert!(meets_password_regexp(&format!("Ab1{}", "c".repeat(77))));
        // Unicode classes.
        assert!(meets_password_regexp("Éêîôûàè٣"));
    }

    #[test]
    fn usernames_are_downcased_first() {
        assert_eq!(normalize_username("NiCk"), "nick");
        // "İ" downcases to two characters, the second not ASCII.
        assert_eq!(
            user_errors("a@b.co", STRONG, Some("İab"), None),
            ["username.invalid"]
        );
    }

    #[test]
    fn email_strict_regexp() {
        for ok in [
            "user@example.com",
            " user@example.com \n",
            "first.last+tag@sub.example.co",
            "jöhn@exämple.de",
            "a_b-c@x-y.zz",
            "1@2.ab",
            "ß@ex.com",
            "\u{345}@example.com",
            "user@ex.c\u{345}",
            "user@xn--80ak6aa92e.com",
            // ASCII and case-folded letters' folds: "ss" and "ﬃ"-style runs count once.
            &format!("{}ss@example.com", "a".repeat(63)),
            &format!("{}ssss@example.com", "a".repeat(62)),
            &format!("{}FFI@example.com", "a".repeat(63)),
            &format!("{}ſt@example.com", "a".repeat(63)),
            &format!("{}ffifflss@example.com", "a".repeat(60)),
            "i\u{307}@example.com",
            "user@i\u{307}.com",
            &format!("{}@example.com", "a".repeat(64)),
        ] {
            assert!(email_valid(ok), "{ok:?}");
        }
        for bad in [
            "bad_format",
            "",
            "user@example",
            "user@example.c",
            "user@exam_ple.com",
            "user@example.com\u{a0}",
            "us er@example.com",
            "user@@example.com",
            "user@ex.co1",
            "user@example..com",
            "user@.example.com",
            "user@example.com.",
            "Ⅳ@ex.com",
            "١٢@ex.com",
            "user@١.com",
            "user@example.i\u{307}",
            &format!("{}@example.com", "a".repeat(65)),
            &format!("{}ss@example.com", "a".repeat(64)),
            &format!("{}sss@example.com", "a".repeat(64)),
        ] {
            assert!(!email_valid(bad), "{bad:?}");
        }
    }

    #[test]
    fn ruby_json_acceptance() {
        for ok in [
            "1",
            " 1 ",
            r#""s""#,
            "null",
            "-0",
            "1e5",
            "1.0E+2",
            "1e400",
            "[]",
            "{}",
            "[true,false,null]",
            "/*c*/1",
            "1/*c*/",
            "1//c\n",
            "/*/*/1",
            r#""\a""#,
            r#""\é""#,
            r#""\/""#,
            r#""\u1234""#,
            r#""\uD800xxxxxx""#,
            r#""\uD800\u0041""#,
            r#""\uDC00""#,
            "\t1\r\n",
            "[1,\n/*x*/2]",
            r#"{"a"/**/:/**/1}"#,
            r#"{"phone_number": 380969999999}"#,
        ] {
            assert!(ruby_json_parses(ok), "{ok:?}");
        }
        for bad in [
            "",
            " ",
            "nul",
            "NaN",
            "-Infinity",
            "Infinity",
            "01",
            "1.",
            "1.5e",
            "[1,]",
            r#"{"a":1,}"#,
            "1//c",
            "/*/1",
            r#""\u12""#,
            r#""\u123""#,
            r#""\uZZZZ""#,
            r#""\uD800""#,
            r#""\uD800abcde""#,
            "\"a\u{1}\"",
            "\"\\\u{1}\"",
            "[1 2]",
            r#"{"a" 1}"#,
            "{a:1}",
            "\u{c}1",
            "\u{b}1",
            "true false",
            "\u{feff}1",
            "- 1",
            "-",
            r#""\""#,
            r#""abc"#,
        ] {
            assert!(!ruby_json_parses(bad), "{bad:?}");
        }
        let nest = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(ruby_json_parses(&nest(100)));
        assert!(!ruby_json_parses(&nest(101)));
        let obj = |n: usize| format!("{}1{}", r#"{"a":"#.repeat(n), "}".repeat(n));
        assert!(ruby_json_parses(&obj(100)));
        assert!(!ruby_json_parses(&obj(101)));
    }

    #[test]
    fn tables_are_sorted() {
        assert!(LETTER.windows(2).all(|w| w[0].1 < w[1].0));
        assert!(CASE_FOLDS.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
