//! Finding personal data and secrets inside free text: e-mail addresses, host names and
//! secret-looking tokens. Shared by the scrubber (which replaces what it finds) and by
//! `fixtures check` (which reports it), so both agree on what counts.
//!
//! Hand-written scanners rather than regular expressions: each rule is a few lines that can be
//! read and unit-tested on its own, and the crate stays free of a regex engine.

use std::ops::Range;

/// Member names whose string values are secrets, compared case-insensitively.
pub const SECRET_KEYS: &[&str] = &[
    "access_token",
    "refresh_token",
    "api_token",
    "api_key",
    "apikey",
    "client_secret",
    "id_token",
    "password",
    "secret",
    "token",
    "session_id",
    "sessionid",
    "authorization",
    "x-api-token",
    "x-pw-accesstoken",
];

/// True when a member (or header, or query parameter) with this name holds a secret.
pub fn is_secret_key(name: &str) -> bool {
    SECRET_KEYS.iter().any(|k| k.eq_ignore_ascii_case(name))
}

/// Words that mark a value as an obvious placeholder rather than a real credential.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "scrubbed",
    "redacted",
    "placeholder",
    "example",
    "test",
    "fake",
    "dummy",
    "sample",
    "invalid",
    "xxxx",
    "sandbox",
    "mock",
    "sim-",
    "not-real",
];

/// True for values like `test-access-token` or `[scrubbed]` that are plainly not real secrets.
pub fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m))
        || lower.chars().all(|c| !c.is_ascii_alphanumeric())
}

/// An e-mail address found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailMatch {
    pub range: Range<usize>,
    pub domain: String,
}

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || "._%+-'!#$&*=?^`{|}~".contains(c)
}

fn is_domain_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

fn is_email_domain_char(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '-'
}

/// Every e-mail address in `text` (`local@domain.tld`; letters may be non-ASCII, the TLD is
/// alphabetic).
pub fn find_emails(text: &str) -> Vec<EmailMatch> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find('@') {
        let at = from + offset;
        let mut start = at;
        for (index, c) in text[..at].char_indices().rev() {
            if !is_local_char(c) {
                break;
            }
            start = index;
        }
        while start < at && text[start..].starts_with(['.', '\'']) {
            start += 1;
        }
        let mut end = at + 1;
        for (index, c) in text[at + 1..].char_indices() {
            if !is_email_domain_char(c) {
                break;
            }
            end = at + 1 + index + c.len_utf8();
        }
        while end > at + 1 && text[..end].ends_with(['.', '-']) {
            end -= 1;
        }
        let domain = &text[at + 1..end];
        if start < at && is_domain(domain) {
            found.push(EmailMatch {
                range: start..end,
                domain: domain.to_lowercase(),
            });
            from = end;
        } else {
            from = at + 1;
        }
    }
    found
}

/// `a.b.tld`: at least two non-empty labels and an alphabetic TLD of two letters or more.
fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty())
        && labels
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic))
}

/// Domains reserved for documentation and tests (RFC 2606 / RFC 6761): `example.com`,
/// `example.org`, `example.net` and their subdomains, and anything under `.example`, `.invalid`,
/// `.test` or `.localhost`. Only these may appear in committed fixtures.
pub fn is_reserved_domain(domain: &str) -> bool {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let under = |suffix: &str| domain == suffix || domain.ends_with(&format!(".{suffix}"));
    ["example.com", "example.org", "example.net"]
        .iter()
        .any(|d| under(d))
        || ["example", "invalid", "test", "localhost"]
            .iter()
            .any(|tld| under(tld))
}

/// True for a provider host that must not reach a fixture: one that is, or is a subdomain of, a
/// host suffix of a provider's descriptor (`acme.my.salesforce.com`), or carries one of its host
/// labels on any top-level domain (`www.zohoapis.eu`).
pub fn is_provider_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    crm_providers::all().iter().any(|d| {
        d.scrub
            .host_suffixes
            .iter()
            .any(|s| host == *s || host.ends_with(&format!(".{s}")))
            || host
                .split('.')
                .any(|label| d.scrub.host_labels.contains(&label))
    })
}

/// Every host-name-like token in `text`: maximal runs of letters, digits, `.` and `-` with at
/// least one dot, not part of an e-mail address's local part.
pub fn find_hosts(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_domain_char(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_domain_char(bytes[i]) {
            i += 1;
        }
        let mut end = i;
        while end > start && matches!(bytes[end - 1], b'.' | b'-') {
            end -= 1;
        }
        let followed_by_at = bytes.get(i) == Some(&b'@');
        if !followed_by_at && text[start..end].contains('.') {
            found.push(start..end);
        }
    }
    found
}

/// What kind of secret a token looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    Jwt,
    OrgSession,
    AwsKey,
    AuthorizationToken,
}

impl SecretKind {
    pub fn describe(self) -> &'static str {
        match self {
            SecretKind::Jwt => "a JWT",
            SecretKind::OrgSession => "an org session id (org id, `!`, token)",
            SecretKind::AwsKey => "an AWS access key id",
            SecretKind::AuthorizationToken => "a bearer / OAuth token",
        }
    }
}

/// A secret-looking token found in text. For authorization tokens the range covers the token
/// only, not the `Bearer ` scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMatch {
    pub range: Range<usize>,
    pub kind: SecretKind,
}

fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn run(bytes: &[u8], from: usize, pred: impl Fn(u8) -> bool) -> usize {
    let mut end = from;
    while end < bytes.len() && pred(bytes[end]) {
        end += 1;
    }
    end
}

/// Every secret-looking token: JWTs, org session ids (`00D…!…`), AWS access key ids and
/// the token after `Bearer ` / `Zoho-oauthtoken ` (any length; callers judge placeholders).
pub fn find_secrets(text: &str) -> Vec<SecretMatch> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let at_boundary = text.is_char_boundary(i) && (i == 0 || !is_b64url(bytes[i - 1]));
        if at_boundary {
            if let Some(m) = jwt_at(bytes, i)
                .or_else(|| org_session_at(bytes, i))
                .or_else(|| aws_key_at(bytes, i))
                .or_else(|| auth_token_at(text, i))
            {
                i = m.range.end.max(i + 1);
                found.push(m);
                continue;
            }
        }
        i += 1;
    }
    found
}

fn jwt_at(bytes: &[u8], i: usize) -> Option<SecretMatch> {
    if !bytes[i..].starts_with(b"eyJ") {
        return None;
    }
    let mut pos = i;
    for part in 0..3 {
        let end = run(bytes, pos, is_b64url);
        if end - pos < 10 {
            return None;
        }
        pos = end;
        if part < 2 {
            if bytes.get(pos) != Some(&b'.') {
                return None;
            }
            pos += 1;
        }
    }
    Some(SecretMatch {
        range: i..pos,
        kind: SecretKind::Jwt,
    })
}

fn org_session_at(bytes: &[u8], i: usize) -> Option<SecretMatch> {
    if !bytes[i..].starts_with(b"00D") {
        return None;
    }
    let org_end = run(bytes, i, |b| b.is_ascii_alphanumeric());
    if !matches!(org_end - i, 15 | 18) || bytes.get(org_end) != Some(&b'!') {
        return None;
    }
    let end = run(bytes, org_end + 1, |b| {
        b.is_ascii_alphanumeric() || b == b'.' || b == b'_'
    });
    (end - org_end > 20).then_some(SecretMatch {
        range: i..end,
        kind: SecretKind::OrgSession,
    })
}

fn aws_key_at(bytes: &[u8], i: usize) -> Option<SecretMatch> {
    if !(bytes[i..].starts_with(b"AKIA") || bytes[i..].starts_with(b"ASIA")) {
        return None;
    }
    let end = run(bytes, i, |b| b.is_ascii_uppercase() || b.is_ascii_digit());
    (end - i == 20 && !bytes.get(end).copied().is_some_and(is_b64url)).then_some(SecretMatch {
        range: i..end,
        kind: SecretKind::AwsKey,
    })
}

/// `Bearer ` and every provider's own authorization schemes (from the descriptors), each with
/// the space that follows it.
pub fn auth_schemes() -> impl Iterator<Item = String> {
    std::iter::once("Bearer")
        .chain(
            crm_providers::all()
                .iter()
                .flat_map(|d| d.scrub.auth_schemes.iter().copied()),
        )
        .map(|s| format!("{s} "))
}

fn auth_token_at(text: &str, i: usize) -> Option<SecretMatch> {
    let rest = text.get(i..)?;
    let scheme_len = auth_schemes()
        .find(|s| {
            rest.get(..s.len())
                .and_then(|head| head.strip_suffix(' '))
                .is_some_and(|head| head.eq_ignore_ascii_case(s.trim_end()))
        })?
        .len();
    let bytes = text.as_bytes();
    let start = i + scheme_len;
    let end = run(bytes, start, |b| !b.is_ascii_whitespace() && b != b'"');
    (end > start).then_some(SecretMatch {
        range: start..end,
        kind: SecretKind::AuthorizationToken,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emails(text: &str) -> Vec<&str> {
        find_emails(text)
            .into_iter()
            .map(|m| &text[m.range])
            .collect()
    }

    #[test]
    fn finds_emails_in_text() {
        assert_eq!(emails("ada@lovelace.org"), ["ada@lovelace.org"]);
        assert_eq!(
            emails("mail <o'brien+x@mail.acme.co.uk>, bob.smith@gmail.com."),
            ["o'brien+x@mail.acme.co.uk", "bob.smith@gmail.com"]
        );
        assert_eq!(emails("Email IN ('a@b.io')"), ["a@b.io"]);
        assert!(emails("no @ here, @handle, x@localhost, a@b.c1").is_empty());
        assert_eq!(find_emails("x@Gmail.COM")[0].domain, "gmail.com");
    }

    #[test]
    fn reserved_domains() {
        for ok in [
            "example.com",
            "mail.example.org",
            "example.net",
            "acme.example",
            "instance.example.invalid",
            "foo.test",
        ] {
            assert!(is_reserved_domain(ok), "{ok}");
        }
        for real in [
            "gmail.com",
            "example.co",
            "myexample.com",
            "test.com",
            "invalid.io",
        ] {
            assert!(!is_reserved_domain(real), "{real}");
        }
    }

    #[test]
    fn provider_hosts() {
        for host in [
            "acme.my.salesforce.com",
            "na1.salesforce.com",
            "acme--dev.sandbox.lightning.force.com",
            "acme.pipedrive.com",
            "api.copper.com",
            "www.zohoapis.eu",
            "www.zohoapis.com.au",
            "accounts.zohocloud.ca",
        ] {
            assert!(is_provider_host(host), "{host}");
        }
        for other in ["example.com", "notsalesforce.com", "zohoish.com"] {
            assert!(!is_provider_host(other), "{other}");
        }
        let text = "see https://acme.my.salesforce.com/x and ada@acme.pipedrive.com";
        let hosts: Vec<_> = find_hosts(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(hosts, ["acme.my.salesforce.com", "acme.pipedrive.com"]);
    }

    #[test]
    fn finds_secrets() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        let sf = "00D5g000004ABCD!AQ8AQJjKsZ0123456789abcdefghij.klmnop";
        let text = format!("a {jwt} b {sf} c AKIAIOSFODNN7EXAMPLE d Bearer abc.def-123 e");
        let kinds: Vec<_> = find_secrets(&text)
            .into_iter()
            .map(|m| (m.kind, text[m.range].to_owned()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (SecretKind::Jwt, jwt.to_owned()),
                (SecretKind::OrgSession, sf.to_owned()),
                (SecretKind::AwsKey, "AKIAIOSFODNN7EXAMPLE".to_owned()),
                (SecretKind::AuthorizationToken, "abc.def-123".to_owned()),
            ]
        );
        assert!(find_secrets("eyJshort.x.y 00Dabc! AKIA123 plain words").is_empty());
        assert!(find_secrets("Musterstraße 1, Zoë — ünïcode ß@ß.de").is_empty());
        assert_eq!(
            emails("Musterstraße zoë@gmail.com, ü@x.io"),
            ["zoë@gmail.com", "ü@x.io"]
        );
    }

    #[test]
    fn placeholders() {
        assert!(is_placeholder("test-access-token"));
        assert!(is_placeholder("[scrubbed]"));
        assert!(is_placeholder("***"));
        assert!(!is_placeholder("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"));
    }
}
