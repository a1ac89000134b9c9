//! Message templates. The one-time-passcode mail follows Coder's "Reset your password" notification
//! (template 62f86a30-...): the code is named in the body and the action links to the reset page.

use super::Message;

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn query_escape(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `{base_url}/reset-password/change?otp=<code>&email=<email, query-escaped>`
pub fn reset_password_link(base_url: &str, code: &str, email: &str) -> String {
    format!(
        "{base_url}/reset-password/change?otp={}&email={}",
        query_escape(code),
        query_escape(email)
    )
}

pub fn one_time_passcode(
    base_url: &str,
    to: &str,
    user_name: &str,
    code: &str,
    validity: chrono::Duration,
) -> Message {
    let minutes = validity.num_minutes();
    let link = reset_password_link(base_url, code, to);
    let text = format!(
        "Hi {user_name},\n\nUse the link below to reset your password.\n\nYour one-time passcode: {code}\n\n\
         Reset password: {link}\n\nThe passcode is valid for {minutes} minutes and can be used once.\n\n\
         If you did not make this request, you can ignore this message.\n"
    );
    let html = format!(
        "<p>Hi {name},</p>\n<p>Use the link below to reset your password.</p>\n\
         <p>Your one-time passcode: <strong>{code}</strong></p>\n\
         <p><a href=\"{link}\">Reset password</a></p>\n\
         <p>The passcode is valid for {minutes} minutes and can be used once.</p>\n\
         <p>If you did not make this request, you can ignore this message.</p>\n",
        name = escape_html(user_name),
        code = escape_html(code),
        link = escape_html(&link),
        minutes = minutes,
    );
    Message {
        to: vec![to.to_owned()],
        subject: "Reset your password for Coder".to_owned(),
        text,
        html,
    }
}

/// Barong's confirmation link: `<base_url>/accounts/confirmation?confirmation_token=<jwt>&lang=en`
/// (`lang=en` is fixed text in its postmaster templates, whatever language was asked for).
pub fn barong_confirmation_link(base_url: &str, token: &str) -> String {
    format!(
        "{base_url}/accounts/confirmation?confirmation_token={}&lang=en",
        query_escape(token)
    )
}

/// Barong's reset link: `<base_url>/accounts/password_reset?reset_token=<jwt>&lang=en`.
pub fn barong_reset_link(base_url: &str, token: &str) -> String {
    format!(
        "{base_url}/accounts/password_reset?reset_token={}&lang=en",
        query_escape(token)
    )
}

/// Barong's `email_confirmation` mail (postmaster template, English).
pub fn barong_email_confirmation(base_url: &str, to: &str, token: &str) -> Message {
    let link = barong_confirmation_link(base_url, token);
    Message {
        to: vec![to.to_owned()],
        subject: "Registration Confirmation".to_owned(),
        text: format!(
            "Hello {to}!\n\nUse this unique link to confirm your email {to}:\n\n{link}\n\n\
             The link is valid for one hour and can be used once.\n"
        ),
        html: format!(
            "<p>Hello {to}!</p>\n<p>Use this unique link to confirm your email {to}:</p>\n\
             <p><a href=\"{link}\">Confirm</a></p>\n\
             <p>The link is valid for one hour and can be used once.</p>\n",
            to = escape_html(to),
            link = escape_html(&link),
        ),
    }
}

/// Barong's `password_reset` mail.
pub fn barong_password_reset(base_url: &str, to: &str, token: &str) -> Message {
    let link = barong_reset_link(base_url, token);
    Message {
        to: vec![to.to_owned()],
        subject: "Password Reset".to_owned(),
        text: format!(
            "Hello {to}!\n\nUse this unique link to reset your password:\n\n{link}\n\n\
             The link is valid for one hour and can be used once. If you did not ask for it, \
             you can ignore this message.\n"
        ),
        html: format!(
            "<p>Hello {to}!</p>\n<p>Use this unique link to reset your password:</p>\n\
             <p><a href=\"{link}\">Reset password</a></p>\n\
             <p>The link is valid for one hour and can be used once. If you did not ask for it, \
             you can ignore this message.</p>\n",
            to = escape_html(to),
            link = escape_html(&link),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_escapes_the_email() {
        assert_eq!(
            reset_password_link("https://gh.example", "abc", "a+b@x.io"),
            "https://gh.example/reset-password/change?otp=abc&email=a%2Bb%40x.io"
        );
    }

    #[test]
    fn html_is_escaped() {
        let m = one_time_passcode(
            "http://h",
            "x@y.z",
            "<script>",
            "c0de",
            chrono::Duration::minutes(20),
        );
        assert!(m.html.contains("&lt;script&gt;"));
        assert!(m.text.contains("c0de") && m.html.contains("c0de"));
        assert_eq!(m.to, vec!["x@y.z".to_owned()]);
    }
}
