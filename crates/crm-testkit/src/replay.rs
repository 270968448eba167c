//! Replaying a [`Scenario`] on a `wiremock::MockServer`.
//!
//! Each exchange becomes one mock answering exactly one matching request
//! (`up_to_n_times(1)` + `expect(1)`), mounted in recorded order, so identical
//! requests (e.g. retries) get their responses in recorded order. Anything that
//! matches no unused exchange falls through to a lowest-priority catch-all that
//! answers HTTP 599 and records the request, so a connector that swallows the
//! error still fails the test in [`Replay::verify`] or on drop.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use wiremock::matchers::any;
use wiremock::{Match, Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::scenario::{Exchange, RecordedRequest, RecordedResponse, Scenario};

/// Status served for requests no recorded exchange accepts. Outside the
/// range real providers use, so it cannot be mistaken for a recorded answer.
pub const UNEXPECTED_STATUS: u16 = 599;

/// Request bodies longer than this are cut in failure messages.
const BODY_MESSAGE_LIMIT: usize = 4096;

/// A running replay of one scenario. Point the connector at [`Replay::uri`],
/// then call [`Replay::verify`]; if you forget, dropping it does the same check.
#[derive(Debug)]
pub struct Replay {
    server: MockServer,
    state: Arc<ReplayState>,
    /// Set once `verify` has panicked, so `Drop` does not report twice.
    reported: AtomicBool,
}

/// Shared between the mounted responders and the `Replay` handle.
#[derive(Debug)]
struct ReplayState {
    label: String,
    matchers: Vec<ExchangeMatcher>,
    /// How many times each exchange was answered (0 or 1).
    hits: Vec<AtomicUsize>,
    /// Human-readable descriptions of requests that hit the catch-all.
    unexpected: Mutex<Vec<String>>,
}

/// Starts a mock server and mounts every exchange of `scenario` on it.
pub async fn replay(scenario: &Scenario) -> Replay {
    let server = MockServer::start().await;
    let matchers: Vec<ExchangeMatcher> = scenario
        .exchanges
        .iter()
        .map(|exchange| ExchangeMatcher::new(&exchange.request))
        .collect();
    let state = Arc::new(ReplayState {
        label: scenario.label(),
        hits: matchers.iter().map(|_| AtomicUsize::new(0)).collect(),
        matchers,
        unexpected: Mutex::new(Vec::new()),
    });

    for (index, exchange) in scenario.exchanges.iter().enumerate() {
        mount_exchange(&server, &state, index, exchange).await;
    }
    Mock::given(any())
        .respond_with(CatchAll {
            state: Arc::clone(&state),
        })
        .with_priority(u8::MAX)
        .named(format!("{} catch-all (unexpected requests)", state.label))
        .mount(&server)
        .await;

    Replay {
        server,
        state,
        reported: AtomicBool::new(false),
    }
}

async fn mount_exchange(
    server: &MockServer,
    state: &Arc<ReplayState>,
    index: usize,
    exchange: &Exchange,
) {
    Mock::given(state.matchers[index].clone())
        .respond_with(ExchangeResponder {
            index,
            state: Arc::clone(state),
            template: response_template(&exchange.response),
        })
        .up_to_n_times(1)
        .expect(1)
        .named(format!(
            "{} exchange #{}: {}",
            state.label,
            index + 1,
            exchange.request
        ))
        .mount(server)
        .await;
}

/// Builds the served response; the JSON body goes out as the raw file text.
fn response_template(response: &RecordedResponse) -> ResponseTemplate {
    let mut template = ResponseTemplate::new(response.status);
    for (name, value) in &response.headers {
        template = template.insert_header(name.as_str(), value.as_str());
    }
    let has_content_type = response
        .headers
        .keys()
        .any(|name| name.eq_ignore_ascii_case("content-type"));
    if let Some(body) = &response.body {
        template = template.set_body_bytes(body.get().as_bytes().to_vec());
        if !has_content_type {
            template = template.insert_header("content-type", "application/json");
        }
    } else if let Some(text) = &response.body_text {
        template = template.set_body_bytes(text.as_bytes().to_vec());
    }
    template
}

impl Replay {
    /// Base URL of the mock server, e.g. `http://127.0.0.1:41234`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The underlying server, for tests that need to mount extra mocks.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// Descriptions of the requests that matched no unused exchange so far.
    pub fn unexpected_requests(&self) -> Vec<String> {
        self.state
            .unexpected
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Descriptions (`#n METHOD /path ...`) of exchanges not used yet.
    pub fn unused_exchanges(&self) -> Vec<String> {
        self.state
            .matchers
            .iter()
            .zip(&self.state.hits)
            .enumerate()
            .filter(|(_, (_, hits))| hits.load(Ordering::SeqCst) == 0)
            .map(|(index, (matcher, _))| format!("#{} {}", index + 1, matcher.summary))
            .collect()
    }

    /// The failure report, or `None` when every exchange was used exactly
    /// once and nothing unexpected arrived.
    pub fn failure_report(&self) -> Option<String> {
        let unexpected = self.unexpected_requests();
        let unused = self.unused_exchanges();
        if unexpected.is_empty() && unused.is_empty() {
            return None;
        }
        let mut report = format!("replay of fixture scenario {} failed\n", self.state.label);
        if !unexpected.is_empty() {
            let _ = writeln!(
                report,
                "\n{} unexpected request(s) (answered with HTTP {UNEXPECTED_STATUS}):",
                unexpected.len()
            );
            for description in &unexpected {
                let _ = writeln!(report, "{description}");
            }
        }
        if !unused.is_empty() {
            let _ = writeln!(
                report,
                "\n{} recorded exchange(s) never requested:",
                unused.len()
            );
            for description in &unused {
                let _ = writeln!(report, "  {description}");
            }
        }
        Some(report)
    }

    /// Panics with a report if any request was unexpected or any exchange
    /// went unused. Call it at the end of every test.
    pub async fn verify(&self) {
        if let Some(report) = self.failure_report() {
            self.reported.store(true, Ordering::SeqCst);
            // Forget the mocks so wiremock's own drop check stays quiet if the
            // caller catches this panic and keeps the replay alive.
            self.server.reset().await;
            panic!("{report}");
        }
    }
}

impl Drop for Replay {
    /// Same check as `verify`, for tests that forgot to call it. Skipped
    /// while already panicking: a double panic would abort the test binary.
    fn drop(&mut self) {
        if std::thread::panicking() || self.reported.load(Ordering::SeqCst) {
            return;
        }
        if let Some(report) = self.failure_report() {
            panic!(
                "{report}\n(reported when the Replay was dropped; call `replay.verify().await`)"
            );
        }
    }
}

/// Answers one exchange and counts the hit.
struct ExchangeResponder {
    index: usize,
    state: Arc<ReplayState>,
    template: ResponseTemplate,
}

impl Respond for ExchangeResponder {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        self.state.hits[self.index].fetch_add(1, Ordering::SeqCst);
        self.template.clone()
    }
}

/// Records an unexpected request and answers 599 with the same description.
struct CatchAll {
    state: Arc<ReplayState>,
}

impl Respond for CatchAll {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut unexpected = self
            .state
            .unexpected
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let description = self
            .state
            .describe_unexpected(unexpected.len() + 1, request);
        unexpected.push(description.clone());
        ResponseTemplate::new(UNEXPECTED_STATUS)
            .set_body_bytes(description.into_bytes())
            .insert_header("content-type", "text/plain; charset=utf-8")
    }
}

impl ReplayState {
    /// Describes the request and why each recorded exchange rejected it.
    fn describe_unexpected(&self, number: usize, request: &Request) -> String {
        let mut text = format!(
            "unexpected request #{number} in replay of {}:\n  {} {}\n  query: {:?}\n",
            self.label,
            request.method,
            percent_decode(request.url.path()),
            decoded_query(request),
        );
        let mut headers: Vec<String> = request
            .headers
            .iter()
            .map(|(name, value)| format!("{name}: {}", String::from_utf8_lossy(value.as_bytes())))
            .collect();
        headers.sort();
        let _ = writeln!(text, "  headers: {headers:?}");
        let _ = writeln!(text, "  body: {}", body_for_message(&request.body));
        if self.matchers.is_empty() {
            text.push_str("  the scenario has no exchanges\n");
        } else {
            text.push_str("  recorded exchanges:\n");
        }
        for (index, matcher) in self.matchers.iter().enumerate() {
            let verdict = match matcher.mismatch(request) {
                Some(reason) => reason,
                None if self.hits[index].load(Ordering::SeqCst) > 0 => {
                    "matches, but was already used (each exchange answers once)".to_owned()
                }
                None => "matches (answered by another exchange?)".to_owned(),
            };
            let _ = writeln!(text, "    #{} {}: {verdict}", index + 1, matcher.summary);
        }
        text
    }
}

/// The request-matching rule of one exchange, precomputed for comparison.
#[derive(Debug, Clone)]
struct ExchangeMatcher {
    /// `METHOD /path query=[...]`, for messages.
    summary: String,
    method: String,
    /// Percent-decoded.
    path: String,
    /// Sorted, so multiset equality is plain `==` on sorted vectors.
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: ExpectedBody,
}

#[derive(Debug, Clone)]
enum ExpectedBody {
    Empty,
    Json(serde_json::Value),
    Text(String),
}

impl ExchangeMatcher {
    fn new(request: &RecordedRequest) -> Self {
        let mut query = request.query.clone();
        query.sort();
        let body = match (&request.body, &request.body_text) {
            (Some(json), _) => ExpectedBody::Json(json.clone()),
            (None, Some(text)) => ExpectedBody::Text(text.clone()),
            (None, None) => ExpectedBody::Empty,
        };
        ExchangeMatcher {
            summary: request.to_string(),
            method: request.method.clone(),
            path: percent_decode(&request.path),
            query,
            headers: request
                .headers
                .iter()
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect(),
            body,
        }
    }

    /// `None` when the request matches, otherwise the first difference found.
    fn mismatch(&self, request: &Request) -> Option<String> {
        if request.method.as_str() != self.method {
            return Some(format!(
                "method differs (expected {}, got {})",
                self.method, request.method
            ));
        }
        let path = percent_decode(request.url.path());
        if path != self.path {
            return Some(format!(
                "path differs (expected {:?}, got {path:?})",
                self.path
            ));
        }
        let mut query = decoded_query(request);
        query.sort();
        if query != self.query {
            return Some(format!(
                "query differs (expected {:?}, got {query:?})",
                self.query
            ));
        }
        for (name, expected) in &self.headers {
            let found = request
                .headers
                .iter()
                .filter(|(actual, _)| actual.as_str().eq_ignore_ascii_case(name))
                .map(|(_, value)| value.as_bytes())
                .collect::<Vec<_>>();
            if !found.contains(&expected.as_bytes()) {
                let found: Vec<_> = found.iter().map(|v| String::from_utf8_lossy(v)).collect();
                return Some(format!(
                    "header {name:?} differs (expected {expected:?}, got {found:?})"
                ));
            }
        }
        match &self.body {
            ExpectedBody::Empty if !request.body.is_empty() => Some(format!(
                "body differs (expected empty, got {})",
                body_for_message(&request.body)
            )),
            ExpectedBody::Json(expected) => {
                match serde_json::from_slice::<serde_json::Value>(&request.body) {
                    Ok(actual) if actual == *expected => None,
                    Ok(actual) => Some(format!(
                        "JSON body differs (expected {expected}, got {actual})"
                    )),
                    Err(error) => Some(format!(
                        "body is not JSON ({error}): {}",
                        body_for_message(&request.body)
                    )),
                }
            }
            ExpectedBody::Text(expected) if request.body != expected.as_bytes() => Some(format!(
                "text body differs (expected {expected:?}, got {})",
                body_for_message(&request.body)
            )),
            _ => None,
        }
    }
}

impl Match for ExchangeMatcher {
    fn matches(&self, request: &Request) -> bool {
        self.mismatch(request).is_none()
    }
}

fn decoded_query(request: &Request) -> Vec<(String, String)> {
    let query = request.url.query().unwrap_or("");
    form_urlencoded::parse(query.as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

fn body_for_message(body: &[u8]) -> String {
    if body.is_empty() {
        return "<empty>".to_owned();
    }
    let text = String::from_utf8_lossy(body);
    if text.len() <= BODY_MESSAGE_LIMIT {
        return format!("{text:?}");
    }
    let mut cut = BODY_MESSAGE_LIMIT;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{:?}... ({} bytes in total)", &text[..cut], body.len())
}

/// Decodes `%XX` escapes in a URL path (not `+`, which is literal in paths).
/// Invalid escapes are kept as written.
fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
                out.push(high * 16 + low);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|value| u8::try_from(value).ok())
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_decode_handles_escapes_and_leaves_junk() {
        assert_eq!(percent_decode("/a%20b/c%2Fd"), "/a b/c/d");
        assert_eq!(percent_decode("/a+b"), "/a+b");
        assert_eq!(percent_decode("/bad%zz%4"), "/bad%zz%4");
        assert_eq!(percent_decode("%41"), "A");
        assert_eq!(percent_decode("%+1x"), "%+1x");
        assert_eq!(percent_decode("/caf%C3%A9"), "/café");
    }
}
