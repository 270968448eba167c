//! Scrubbing recorded exchanges before anything touches disk.
//!
//! What happens to a recorded exchange (see [`Scrubber::exchange`]):
//!
//! - **Headers**: only an allow-list survives ([`KEPT_REQUEST_HEADERS`], [`KEPT_RESPONSE_HEADERS`]
//!   and the rate-limit families); `Authorization`, `X-API-Token`, cookies and everything else
//!   are dropped. Kept values are text-scrubbed.
//! - **Text, everywhere** (every JSON string value, query value, header value, non-JSON body):
//!   the account's own secrets (the credentials the recording used) and secret-looking tokens
//!   (JWTs, Salesforce session ids, AWS keys, `Bearer …`) become `[scrubbed]`; e-mail addresses
//!   become deterministic fakes unless already on a reserved domain (`example.com`, `*.invalid`,
//!   ...); the upstream origin and the proxy's own origin become
//!   `https://instance.example.invalid`, and any provider host name (`acme.my.salesforce.com`,
//!   `www.zohoapis.eu`) becomes `instance.example.invalid`.
//! - **Fields** (JSON string values selected by the provider's JSONPath rules in [`rules`]):
//!   names, phones, streets, free text and personal URLs become deterministic fakes
//!   ([`fake::Faker`]). Values of members named like secrets (`access_token`, `api_key`, ...)
//!   become `[scrubbed]`.
//! - Ids, dates, numbers, paging tokens and the JSON layout's numbers stay exactly as sent.
//!
//! Request values are scrubbed with the same functions as responses, so a value that appears in
//! both (a filter e-mail) gets the same fake in both. Scenario filter values are chosen on
//! reserved domains, which the scrubber keeps as they are, so a recorded request still matches
//! what the connector sends when the fixture is replayed with the scenario's own query.

pub mod fake;
pub mod json;
pub mod rules;
pub mod text;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use crm_testkit::{Exchange, RecordedRequest, RecordedResponse};
use serde_json::value::RawValue;

use self::fake::Faker;
use self::json::Seg;
use self::rules::{Kind, RuleSet};

/// What replaces a secret.
pub const SCRUBBED: &str = "[scrubbed]";
/// What replaces the account's origin (instance URL, api domain).
pub const PLACEHOLDER_ORIGIN: &str = "https://instance.example.invalid";
/// What replaces a provider host name found in text.
pub const PLACEHOLDER_HOST: &str = "instance.example.invalid";

/// Request headers worth keeping: they are part of what the connector must send. (`accept` is
/// left out: it is the HTTP client's `*/*` default, not the connector's choice.)
pub const KEPT_REQUEST_HEADERS: &[&str] = &[
    "content-type",
    "sforce-query-options",
    "x-pw-application",
    "if-modified-since",
];

/// Response headers connectors read (content type, totals, rate limits, retry hints).
pub const KEPT_RESPONSE_HEADERS: &[&str] = &[
    "content-type",
    "retry-after",
    "x-pw-total",
    "sforce-limit-info",
    "location",
];

/// Response header families kept by prefix (rate-limit figures).
pub const KEPT_RESPONSE_HEADER_PREFIXES: &[&str] = &[
    "x-ratelimit-",
    "x-rate-limit-",
    "ratelimit-",
    "x-daily-ratelimit-",
];

/// Whether a response header survives scrubbing.
pub fn keeps_response_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    KEPT_RESPONSE_HEADERS.contains(&name.as_str())
        || KEPT_RESPONSE_HEADER_PREFIXES
            .iter()
            .any(|p| name.starts_with(p))
}

/// Whether a request header survives scrubbing.
pub fn keeps_request_header(name: &str) -> bool {
    KEPT_REQUEST_HEADERS.contains(&name.to_ascii_lowercase().as_str())
}

/// An exchange exactly as the recording proxy saw it, before scrubbing. Lives only in memory.
#[derive(Debug, Clone, Default)]
pub struct RawExchange {
    pub method: String,
    pub path: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    pub request_headers: Vec<(String, String)>,
    pub request_body: Vec<u8>,
    pub status: u16,
    pub response_headers: Vec<(String, String)>,
    pub response_body: Vec<u8>,
}

/// Scrubbing failed; nothing is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrubError(pub String);

impl std::fmt::Display for ScrubError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScrubError {}

/// How many values of each sort were replaced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScrubStats {
    pub emails: usize,
    pub phones: usize,
    pub names: usize,
    /// Streets, free text and personal URLs.
    pub other_personal: usize,
    pub hosts: usize,
    pub secrets: usize,
    pub headers_dropped: usize,
}

impl ScrubStats {
    pub fn total(&self) -> usize {
        self.emails + self.phones + self.names + self.other_personal + self.hosts + self.secrets
    }
}

#[derive(Debug, Default)]
struct Counters {
    emails: AtomicUsize,
    phones: AtomicUsize,
    names: AtomicUsize,
    other_personal: AtomicUsize,
    hosts: AtomicUsize,
    secrets: AtomicUsize,
    headers_dropped: AtomicUsize,
}

fn bump(counter: &AtomicUsize) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// The scrubber for one recording session: a faker plus the secrets and origins of the account
/// being recorded.
#[derive(Default)]
pub struct Scrubber {
    faker: Faker,
    /// Known secret values, longest first (so a secret containing another is replaced whole).
    secrets: Vec<String>,
    /// Known origins (`https://acme.my.salesforce.com`, `http://127.0.0.1:4321`), longest first.
    origins: Vec<String>,
    /// Known host names (lower case), replaced even when not a provider host.
    hosts: Vec<String>,
    counters: Counters,
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scrubber")
            .field("secrets", &self.secrets.len())
            .field("origins", &self.origins)
            .finish_non_exhaustive()
    }
}

impl Scrubber {
    pub fn new(faker: Faker) -> Self {
        Scrubber {
            faker,
            ..Scrubber::default()
        }
    }

    /// Adds a secret that must never appear in output (credentials of the recorded account).
    /// Values shorter than 4 characters are ignored: they would match everywhere.
    pub fn with_secret(mut self, secret: &str) -> Self {
        let secret = secret.trim();
        if secret.len() >= 4 && !self.secrets.iter().any(|s| s == secret) {
            self.secrets.push(secret.to_owned());
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
        self
    }

    /// Adds an origin (or any URL: its origin is taken) whose host must never appear in output.
    pub fn with_origin(mut self, url: &str) -> Self {
        if let Ok(parsed) = url::Url::parse(url) {
            let origin = parsed.origin().ascii_serialization();
            if origin != "null" && !self.origins.contains(&origin) {
                self.origins.push(origin);
                self.origins.sort_by_key(|s| std::cmp::Reverse(s.len()));
            }
            if let Some(host) = parsed.host_str() {
                let host = host.to_ascii_lowercase();
                if !self.hosts.contains(&host) {
                    self.hosts.push(host);
                }
            }
        }
        self
    }

    /// The counts so far.
    pub fn stats(&self) -> ScrubStats {
        let c = &self.counters;
        let get = |a: &AtomicUsize| a.load(Ordering::Relaxed);
        ScrubStats {
            emails: get(&c.emails),
            phones: get(&c.phones),
            names: get(&c.names),
            other_personal: get(&c.other_personal),
            hosts: get(&c.hosts),
            secrets: get(&c.secrets),
            headers_dropped: get(&c.headers_dropped),
        }
    }

    /// Scrubs free text: secrets, e-mail addresses, origins and host names, in that order.
    pub fn text(&self, value: &str) -> String {
        let value = self.replace_secrets(value);
        let value = self.replace_emails(&value);
        let value = self.replace_origins(&value);
        self.replace_hosts(&value)
    }

    /// Scrubs one string value whose member name is `key` and whose field rule (if any) is `kind`.
    pub fn value(&self, key: Option<&str>, kind: Option<Kind>, value: &str) -> String {
        if key.is_some_and(text::is_secret_key) && !value.trim().is_empty() && value != SCRUBBED {
            bump(&self.counters.secrets);
            return SCRUBBED.to_owned();
        }
        let faked = match kind {
            None => None,
            Some(Kind::Email) => {
                if text::find_emails(value).is_empty() && !value.trim().is_empty() {
                    // A field that should hold an address but holds something else.
                    bump(&self.counters.emails);
                    Some(self.faker.email(value))
                } else {
                    None // the text scan below handles addresses
                }
            }
            Some(kind) => Some(self.fake_field(kind, value)),
        };
        match faked {
            Some(new) => new,
            None => self.text(value),
        }
    }

    /// The fake for a field selected by a rule.
    fn fake_field(&self, kind: Kind, value: &str) -> String {
        let (new, counter) = match kind {
            Kind::Phone => (self.faker.phone(value), &self.counters.phones),
            Kind::Name => (self.faker.name(value), &self.counters.names),
            Kind::Street => (self.faker.street(value), &self.counters.other_personal),
            Kind::Text => (self.faker.text(value), &self.counters.other_personal),
            Kind::Url => (self.faker.url(value), &self.counters.other_personal),
            Kind::Email => return self.text(value),
        };
        if new != value {
            bump(counter);
        }
        new
    }

    /// Scrubs a JSON text with `rules`, keeping every byte that is not a replaced string.
    pub fn json(&self, body: &str, rules: &RuleSet) -> Result<String, ScrubError> {
        let selected = if rules.is_empty() {
            Default::default()
        } else {
            let doc: serde_json::Value = serde_json::from_str(body)
                .map_err(|e| ScrubError(format!("the body is not JSON: {e}")))?;
            rules.select(&doc).map_err(|e| ScrubError(e.to_string()))?
        };
        json::rewrite_strings(body, &mut |path, value| {
            let key = match path.last() {
                Some(Seg::Key(k)) => Some(k.as_str()),
                _ => None,
            };
            let kind = selected.get(path).copied().or_else(|| {
                key.filter(|_| !rules.is_empty())
                    .and_then(rules::kind_for_key)
            });
            Some(self.value(key, kind, value))
        })
        .map_err(|e| ScrubError(e.to_string()))
    }

    /// Scrubs a JSON value tree (for our own unified output, where byte fidelity is moot).
    pub fn json_value(
        &self,
        value: &serde_json::Value,
        rules: &RuleSet,
    ) -> Result<serde_json::Value, ScrubError> {
        let text = serde_json::to_string(value).map_err(|e| ScrubError(e.to_string()))?;
        let scrubbed = self.json(&text, rules)?;
        serde_json::from_str(&scrubbed).map_err(|e| ScrubError(e.to_string()))
    }

    /// Scrubs one recorded exchange into the fixture format. `body_indent` is the indentation the
    /// response body will sit at in the saved file (so it can be laid out to match).
    pub fn exchange(
        &self,
        raw: &RawExchange,
        rules: &RuleSet,
        body_indent: usize,
    ) -> Result<Exchange, ScrubError> {
        let mut request_headers = BTreeMap::new();
        for (name, value) in &raw.request_headers {
            if keeps_request_header(name) {
                request_headers.insert(name.to_ascii_lowercase(), self.text(value));
            } else {
                bump(&self.counters.headers_dropped);
            }
        }
        let query = raw
            .query
            .iter()
            .map(|(name, value)| (name.clone(), self.value(Some(name), None, value)))
            .collect();
        let (body, body_text) = match request_body(&raw.request_body) {
            RequestBody::Empty => (None, None),
            RequestBody::Json(text) => {
                // Request bodies are ours (filters), so only text rules apply: a field rule would
                // fake a filter value and the replay would no longer match.
                let scrubbed = self.json(text, &RuleSet::default())?;
                let value = serde_json::from_str(&scrubbed)
                    .map_err(|e| ScrubError(format!("scrubbed request body: {e}")))?;
                (Some(value), None)
            }
            RequestBody::Text(text) => (None, Some(self.text(&text))),
        };
        let request = RecordedRequest {
            method: raw.method.to_ascii_uppercase(),
            path: self.text(&raw.path),
            query,
            headers: request_headers,
            body,
            body_text,
        };

        let mut response_headers = BTreeMap::new();
        for (name, value) in &raw.response_headers {
            let lower = name.to_ascii_lowercase();
            if keeps_response_header(&lower) && !response_headers.contains_key(&lower) {
                response_headers.insert(lower, self.text(value));
            } else {
                bump(&self.counters.headers_dropped);
            }
        }
        let (body, body_text) = self.response_body(&raw.response_body, rules, body_indent)?;
        Ok(Exchange {
            request,
            response: RecordedResponse {
                status: raw.status,
                headers: response_headers,
                body,
                body_text,
            },
        })
    }

    fn response_body(
        &self,
        bytes: &[u8],
        rules: &RuleSet,
        indent: usize,
    ) -> Result<(Option<Box<RawValue>>, Option<String>), ScrubError> {
        if bytes.is_empty() {
            return Ok((None, None));
        }
        let text = String::from_utf8_lossy(bytes);
        if serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok() {
            let scrubbed = self.json(&text, rules)?;
            let laid_out = json::reindent(&scrubbed, indent);
            let raw = RawValue::from_string(laid_out)
                .map_err(|e| ScrubError(format!("scrubbed body is not JSON: {e}")))?;
            Ok((Some(raw), None))
        } else {
            Ok((None, Some(self.text(&text))))
        }
    }

    fn replace_secrets(&self, value: &str) -> String {
        let mut out = value.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                bump(&self.counters.secrets);
                out = out.replace(secret.as_str(), SCRUBBED);
            }
        }
        let found = text::find_secrets(&out);
        if found.is_empty() {
            return out;
        }
        let mut result = String::with_capacity(out.len());
        let mut last = 0;
        for m in found {
            let token = &out[m.range.clone()];
            let keep = m.kind == text::SecretKind::AuthorizationToken
                && (token == SCRUBBED
                    || token.len() < 8
                    || !token.bytes().any(|b| b.is_ascii_digit()));
            if keep {
                continue;
            }
            bump(&self.counters.secrets);
            result.push_str(&out[last..m.range.start]);
            result.push_str(SCRUBBED);
            last = m.range.end;
        }
        result.push_str(&out[last..]);
        result
    }

    fn replace_emails(&self, value: &str) -> String {
        let found = text::find_emails(value);
        if found.is_empty() {
            return value.to_owned();
        }
        let mut out = String::with_capacity(value.len());
        let mut last = 0;
        for m in found {
            out.push_str(&value[last..m.range.start]);
            let email = &value[m.range.clone()];
            if text::is_reserved_domain(&m.domain) {
                out.push_str(email);
            } else {
                bump(&self.counters.emails);
                out.push_str(&self.faker.email(email));
            }
            last = m.range.end;
        }
        out.push_str(&value[last..]);
        out
    }

    fn replace_origins(&self, value: &str) -> String {
        let mut out = value.to_owned();
        for origin in &self.origins {
            if origin != PLACEHOLDER_ORIGIN && contains_ignore_case(&out, origin) {
                bump(&self.counters.hosts);
                out = replace_ignore_case(&out, origin, PLACEHOLDER_ORIGIN);
            }
        }
        out
    }

    fn replace_hosts(&self, value: &str) -> String {
        let found = text::find_hosts(value);
        let mut out = String::with_capacity(value.len());
        let mut last = 0;
        for range in found {
            let host = value[range.clone()].to_ascii_lowercase();
            let known = self.hosts.contains(&host);
            if host != PLACEHOLDER_HOST && (known || text::is_provider_host(&host)) {
                bump(&self.counters.hosts);
                out.push_str(&value[last..range.start]);
                out.push_str(PLACEHOLDER_HOST);
                last = range.end;
            }
        }
        out.push_str(&value[last..]);
        out
    }
}

enum RequestBody<'a> {
    Empty,
    Json(&'a str),
    Text(String),
}

fn request_body(bytes: &[u8]) -> RequestBody<'_> {
    if bytes.is_empty() {
        return RequestBody::Empty;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() => {
            RequestBody::Json(text)
        }
        _ => RequestBody::Text(String::from_utf8_lossy(bytes).into_owned()),
    }
}

fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack
        .to_ascii_lowercase()
        .contains(&needle.to_ascii_lowercase())
}

fn replace_ignore_case(haystack: &str, needle: &str, with: &str) -> String {
    let lower = haystack.to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    let mut out = String::with_capacity(haystack.len());
    let mut last = 0;
    for (start, _) in lower.match_indices(&needle) {
        out.push_str(&haystack[last..start]);
        out.push_str(with);
        last = start + needle.len();
    }
    out.push_str(&haystack[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_scrub_replaces_secrets_emails_and_hosts() {
        let s = Scrubber::default()
            .with_secret("sk-live-1234567890")
            .with_origin("https://acme.my.salesforce.com");
        let out = s.text(
            "token sk-live-1234567890 for ada@gmail.com at https://acme.my.salesforce.com/x \
             and eu.zohoapis.eu, keep bob@example.com",
        );
        assert!(!out.contains("sk-live"), "{out}");
        assert!(!out.contains("gmail"), "{out}");
        assert!(!out.contains("salesforce"), "{out}");
        assert!(!out.contains("zohoapis"), "{out}");
        assert!(out.contains("bob@example.com"), "{out}");
        assert!(out.contains("https://instance.example.invalid/x"), "{out}");
        assert_eq!(s.text(&out), out, "scrubbing is idempotent on text");
    }

    #[test]
    fn secret_members_and_bearer_tokens() {
        let s = Scrubber::default();
        let out = s
            .json(
                r#"{"access_token":"abc","next_page_token":"keep-me","h":"Bearer 1234567890abcdef","words":"Bearer tokens are required"}"#,
                &RuleSet::default(),
            )
            .unwrap();
        assert_eq!(
            out,
            r#"{"access_token":"[scrubbed]","next_page_token":"keep-me","h":"Bearer [scrubbed]","words":"Bearer tokens are required"}"#
        );
    }

    #[test]
    fn headers_are_allow_listed() {
        assert!(keeps_response_header("X-RateLimit-Remaining"));
        assert!(keeps_response_header("Sforce-Limit-Info"));
        assert!(!keeps_response_header("set-cookie"));
        assert!(keeps_request_header("Content-Type"));
        assert!(!keeps_request_header("Authorization"));
        assert!(!keeps_request_header("X-PW-UserEmail"));
    }

    #[test]
    fn origins_are_replaced_case_insensitively() {
        let s = Scrubber::default().with_origin("http://127.0.0.1:4321/base");
        assert_eq!(
            s.text("see HTTP://127.0.0.1:4321/next"),
            "see https://instance.example.invalid/next"
        );
    }
}
