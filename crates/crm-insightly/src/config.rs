//! Connection settings of one Insightly account: the API URL of its pod, the API key, the API
//! version and the request timeout.

use crm_core::transport::DEFAULT_TIMEOUT;
use crm_core::{Error, Result};
use secrecy::SecretString;
use std::fmt;
use std::time::Duration;

/// The API URL of Insightly's `na1` pod, the one most accounts live on. Accounts on another pod
/// (`eu1`, `au1`, ...) must store their own URL: the key works only on its pod.
pub const DEFAULT_BASE_URL: &str = "https://api.na1.insightly.com";

/// The API version this crate speaks.
pub const DEFAULT_API_VERSION: &str = "v3.1";

/// Settings for [`crate::InsightlyConnector`]. `Debug` never prints the API key.
#[derive(Clone)]
pub struct Config {
    /// Scheme and pod host (optionally a path prefix), without `/v3.1`.
    pub base_url: String,
    /// Sent as the HTTP Basic user name, with an empty password.
    pub api_key: SecretString,
    /// Path segment after the host (`v3.1`).
    pub api_version: String,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl Config {
    /// Settings for the `na1` pod with the default version and timeout.
    pub fn new(api_key: impl Into<SecretString>) -> Self {
        Config {
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_key: api_key.into(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Points the connector at another pod or host (a simulator, a proxy, a test server).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    pub fn with_api_version(mut self, api_version: impl Into<String>) -> Self {
        self.api_version = api_version.into();
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// `(list path, search path)` for the configured version, checked so that the version cannot
    /// change the paths' structure.
    pub(crate) fn paths(&self) -> Result<(String, String)> {
        let v = self.api_version.as_str();
        let digits = v.strip_prefix('v').unwrap_or("");
        let well_formed = !digits.is_empty()
            && !digits.starts_with('.')
            && !digits.ends_with('.')
            && !digits.contains("..")
            && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        if !well_formed {
            return Err(Error::invalid(
                "api_version",
                format!(
                    "`{v}` is not an Insightly API version; use `v` followed by digits, like `v3.1`"
                ),
            ));
        }
        Ok((format!("/{v}/Leads"), format!("/{v}/Leads/Search")))
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .field("api_version", &self.api_version)
            .field("timeout", &self.timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_key() {
        let text = format!("{:?}", Config::new("very-secret-key"));
        assert!(!text.contains("very-secret-key"), "{text}");
        assert!(text.contains("api.na1.insightly.com"), "{text}");
    }

    #[test]
    fn paths_check_the_version() {
        let config = Config::new("k");
        assert_eq!(
            config.paths().unwrap(),
            ("/v3.1/Leads".to_owned(), "/v3.1/Leads/Search".to_owned())
        );
        assert!(config.clone().with_api_version("v3").paths().is_ok());
        for bad in [
            "",
            "v",
            "3.1",
            "v3.1/../x",
            "v3.1?x",
            "V3.1",
            "v.3",
            "v3.",
            "v3..1",
        ] {
            let err = config.clone().with_api_version(bad).paths();
            assert!(matches!(err, Err(Error::InvalidParameter { .. })), "{bad}");
        }
    }
}
