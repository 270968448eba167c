//! Test kit for the provider connectors: recorded HTTP exchanges
//! ("fixtures"), replayed through `wiremock` with a loud catch-all, plus
//! shared `insta` snapshot settings.
//!
//! A fixture is one JSON file = one [`Scenario`], stored at
//! `fixtures/<provider>/<scenario>.json` (see [`fixture_path`]):
//!
//! ```text
//! let scenario = Scenario::load(fixture_path("salesforce", "three_pages"))?;
//! let replay = crm_testkit::replay(&scenario).await;
//! let leads = connector_pointed_at(replay.uri()).list_leads().await?;
//! replay.verify().await; // every exchange used once, nothing unexpected
//! crm_testkit::assert_json_snapshot!(leads);
//! ```

pub mod arbitrary;
/// Re-exported for [`map_lead_never_panics!`].
pub use proptest;
mod replay;
mod scenario;
pub mod seed;
mod snapshot;

use std::path::PathBuf;

pub use replay::{replay, Replay, UNEXPECTED_STATUS};
pub use scenario::{
    fixture_path, fixtures_dir, Exchange, RecordedRequest, RecordedResponse, Scenario,
};
pub use snapshot::{settings, snapshot_value};

/// A provider's answer as the connectors' error classifiers and limiters see it, for unit tests:
/// `status`, the headers given, `body` as sent.
pub fn http_response(
    status: u16,
    headers: &[(&str, &str)],
    body: &str,
) -> crm_core::transport::HttpResponse {
    let mut map = http::HeaderMap::new();
    for (name, value) in headers {
        let name = http::HeaderName::from_bytes(name.as_bytes()).expect("a header name");
        map.append(
            name,
            http::HeaderValue::from_str(value).expect("a header value"),
        );
    }
    crm_core::transport::HttpResponse {
        status: http::StatusCode::from_u16(status).expect("an HTTP status"),
        headers: map,
        body: body.as_bytes().to_vec().into(),
    }
}

/// Not public API: lets `assert_json_snapshot!` reach insta from crates that
/// do not depend on it directly.
#[doc(hidden)]
pub mod __private {
    pub use insta;
}

/// Errors from loading, validating or saving fixtures. Every variant names
/// the file (or scenario) so a broken fixture is easy to find.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TestkitError {
    /// The fixture file could not be read.
    #[error("cannot read fixture {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The fixture file could not be written.
    #[error("cannot write fixture {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The text is not valid JSON or does not fit the format (unknown
    /// field, wrong type, ...). `origin` is the path or `<json string>`.
    #[error("invalid fixture {origin}: {source}")]
    Parse {
        origin: String,
        source: serde_json::Error,
    },
    /// The JSON fits the format but a value is unusable (bad header name,
    /// both `body` and `body_text`, ...).
    #[error("invalid fixture {origin}: {message}")]
    Invalid { origin: String, message: String },
    /// Serializing a scenario failed.
    #[error("cannot serialize scenario: {0}")]
    Serialize(#[source] serde_json::Error),
}
