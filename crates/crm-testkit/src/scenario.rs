//! The fixture file format: one JSON file = one [`Scenario`] = an ordered list
//! of recorded HTTP [`Exchange`]s with a provider API.
//!
//! Every struct denies unknown fields so that a typo in a hand-edited fixture
//! (`"heders"`, `"bdy"`) fails loudly instead of silently matching anything.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::TestkitError;

/// One fixture file: a named, ordered list of recorded exchanges.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Provider name, e.g. `"salesforce"`; also the fixture sub-directory.
    pub provider: String,
    /// Scenario name, e.g. `"three_pages"`; also the fixture file stem.
    pub scenario: String,
    /// Where the data came from (synthetic, shaped after docs, or recorded
    /// by `cargo xtask` on a given date), so reviewers can judge its fidelity.
    pub source: String,
    /// Optional free text explaining what the scenario exercises.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The exchanges, in the order the connector is expected to make them.
    pub exchanges: Vec<Exchange>,
}

/// One recorded request/response pair.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    /// What the connector must send for this exchange to be used.
    pub request: RecordedRequest,
    /// What the mock server answers when it is.
    pub response: RecordedResponse,
}

/// The request half of an exchange; doubles as the matching rule on replay.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedRequest {
    /// HTTP method, upper case (`"GET"`, `"POST"`, ...), compared exactly.
    pub method: String,
    /// URL path without the query string; compared after percent-decoding
    /// both sides so `%20` and a literal space are the same.
    pub path: String,
    /// Percent-decoded `[name, value]` pairs. Matching is an exact multiset:
    /// order is ignored, duplicates count, nothing extra, nothing missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    /// Headers that must be present with exactly this value (names are
    /// case-insensitive). Headers not listed here are ignored.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Expected JSON body, compared semantically (`serde_json::Value`
    /// equality). When both `body` and `body_text` are absent or null the
    /// request body must be empty: absent never means "don't care".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    /// Expected non-JSON body, compared byte for byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_text: Option<String>,
}

/// The response half of an exchange.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedResponse {
    /// HTTP status code (100..=999; 599 is reserved for the replay catch-all
    /// by convention but not forbidden).
    pub status: u16,
    /// Response headers, served as written. One value per name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// JSON body, kept as the exact text from the file (a `RawValue`) so the
    /// connector sees big integers, float spelling (`1.10`) and key order
    /// exactly as the provider sent them. Served with
    /// `content-type: application/json` unless `headers` says otherwise.
    /// `"body": null` counts as absent; with no `body_text` either, the
    /// response body is empty (e.g. a 204).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Box<RawValue>>,
    /// Non-JSON body (HTML error page, truncated JSON, ...), served verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_text: Option<String>,
}

impl Scenario {
    /// Reads and validates a fixture file. Errors name the file.
    pub fn load(path: impl AsRef<Path>) -> Result<Scenario, TestkitError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| TestkitError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses and validates a scenario from JSON text (handy for inline
    /// scenarios in tests). Errors name the origin as `<json string>`.
    pub fn from_json(json: &str) -> Result<Scenario, TestkitError> {
        Self::parse(json, "<json string>")
    }

    fn parse(json: &str, origin: &str) -> Result<Scenario, TestkitError> {
        let scenario: Scenario =
            serde_json::from_str(json).map_err(|source| TestkitError::Parse {
                origin: origin.to_owned(),
                source,
            })?;
        scenario
            .validate()
            .map_err(|message| TestkitError::Invalid {
                origin: origin.to_owned(),
                message,
            })?;
        Ok(scenario)
    }

    /// Renders the scenario as pretty JSON with a trailing newline, exactly
    /// what [`Scenario::save`] writes.
    ///
    /// Response bodies are embedded *verbatim* (serde_json writes a
    /// `RawValue` as-is even in pretty mode), so load → save → load keeps
    /// every served byte identical. The price is that a compact recorded
    /// body stays on one line; whoever builds the `RawValue` (the xtask)
    /// decides its layout.
    pub fn to_json_pretty(&self) -> Result<String, TestkitError> {
        self.validate().map_err(|message| TestkitError::Invalid {
            origin: format!("{}/{}", self.provider, self.scenario),
            message,
        })?;
        let mut text = serde_json::to_string_pretty(self).map_err(TestkitError::Serialize)?;
        text.push('\n');
        Ok(text)
    }

    /// Writes the scenario to `path` (creating parent directories), as pretty
    /// JSON with a trailing newline. Used by the fixture-recording xtask.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), TestkitError> {
        let path = path.as_ref();
        let text = self.to_json_pretty()?;
        let write_err = |source| TestkitError::Write {
            path: path.to_path_buf(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(write_err)?;
        }
        std::fs::write(path, text).map_err(write_err)
    }

    /// `provider/scenario`, used in replay failure messages.
    pub fn label(&self) -> String {
        format!("{}/{}", self.provider, self.scenario)
    }

    /// Checks what serde cannot: values that would only blow up later inside
    /// wiremock (bad header names, impossible status codes, ...).
    fn validate(&self) -> Result<(), String> {
        for (index, exchange) in self.exchanges.iter().enumerate() {
            exchange
                .validate()
                .map_err(|message| format!("exchange #{}: {message}", index + 1))?;
        }
        Ok(())
    }
}

impl Exchange {
    fn validate(&self) -> Result<(), String> {
        let request = &self.request;
        if http::Method::from_bytes(request.method.as_bytes()).is_err()
            || request.method != request.method.to_ascii_uppercase()
        {
            return Err(format!(
                "request method {:?} is not an upper-case HTTP method",
                request.method
            ));
        }
        if !request.path.starts_with('/') {
            return Err(format!(
                "request path {:?} must start with '/'",
                request.path
            ));
        }
        if request.path.contains('?') || request.path.contains('#') {
            return Err(format!(
                "request path {:?} must not contain '?' or '#'; put parameters in \"query\"",
                request.path
            ));
        }
        validate_headers("request", &request.headers)?;
        if request.body.is_some() && request.body_text.is_some() {
            return Err("request has both \"body\" and \"body_text\"".to_owned());
        }

        let response = &self.response;
        if http::StatusCode::from_u16(response.status).is_err() {
            return Err(format!(
                "response status {} is not a valid HTTP status",
                response.status
            ));
        }
        validate_headers("response", &response.headers)?;
        if response.body.is_some() && response.body_text.is_some() {
            return Err("response has both \"body\" and \"body_text\"".to_owned());
        }
        Ok(())
    }
}

fn validate_headers(side: &str, headers: &BTreeMap<String, String>) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for (name, value) in headers {
        if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(format!("{side} header name {name:?} is invalid"));
        }
        if http::HeaderValue::from_str(value).is_err() {
            return Err(format!("{side} header {name:?} has an invalid value"));
        }
        if !seen.insert(name.to_ascii_lowercase()) {
            return Err(format!(
                "{side} header {name:?} is listed twice (names are case-insensitive)"
            ));
        }
    }
    Ok(())
}

impl fmt::Display for RecordedRequest {
    /// `GET /path?name=value&...` with the decoded query, for messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if !self.query.is_empty() {
            write!(f, " query={:?}", self.query)?;
        }
        Ok(())
    }
}

/// The workspace's `fixtures/` directory (`<workspace>/fixtures`), located
/// from this crate's manifest dir so it works from any crate's tests and from
/// the xtask regardless of the current directory.
pub fn fixtures_dir() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .and_then(Path::parent)
        .unwrap_or(manifest_dir)
        .join("fixtures")
}

/// `fixtures/<provider>/<scenario>.json`, the conventional fixture location.
pub fn fixture_path(provider: &str, scenario: &str) -> PathBuf {
    fixtures_dir()
        .join(provider)
        .join(format!("{scenario}.json"))
}
