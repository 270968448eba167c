//! Connection settings of one Copper account: API host, API key, the user e-mail the key belongs
//! to, the API version and the request timeout.

use crm_core::transport::DEFAULT_TIMEOUT;
use crm_core::{Error, Result};
use secrecy::SecretString;
use std::fmt;
use std::time::Duration;

/// Copper's public API host.
pub const DEFAULT_BASE_URL: &str = "https://api.copper.com";

/// The Developer API version this crate speaks.
pub const DEFAULT_API_VERSION: &str = "v1";

/// Settings for [`crate::CopperConnector`]. `Debug` never prints the API key or the user e-mail.
#[derive(Clone)]
pub struct Config {
    /// Scheme and host (optionally a path prefix) of the API, without `/developer_api`.
    pub base_url: String,
    /// Sent as `X-PW-AccessToken`.
    pub api_key: SecretString,
    /// Sent as `X-PW-UserEmail`: the Copper user the API key was issued to.
    pub user_email: SecretString,
    /// Path segment after `/developer_api/` (`v1`).
    pub api_version: String,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl Config {
    /// Settings for the public API host with the default version and timeout.
    pub fn new(api_key: impl Into<SecretString>, user_email: impl Into<SecretString>) -> Self {
        Config {
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_key: api_key.into(),
            user_email: user_email.into(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Points the connector at another host (a simulator, a proxy, a test server).
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

    /// The lead search path for the configured API version, checked so that the version cannot
    /// change the path's structure.
    pub(crate) fn search_path(&self) -> Result<String> {
        let v = self.api_version.as_str();
        let well_formed =
            v.len() > 1 && v.starts_with('v') && v.bytes().skip(1).all(|b| b.is_ascii_digit());
        if !well_formed {
            return Err(Error::invalid(
                "api_version",
                format!("`{v}` is not a Copper API version; use `v` followed by digits, like `v1`"),
            ));
        }
        Ok(format!("/developer_api/{v}/leads/search"))
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .field("user_email", &"<redacted>")
            .field("api_version", &self.api_version)
            .field("timeout", &self.timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_credentials() {
        let config = Config::new("very-secret-key", "owner@example.com");
        let text = format!("{config:?}");
        assert!(!text.contains("very-secret-key"), "{text}");
        assert!(!text.contains("owner@example.com"), "{text}");
        assert!(text.contains("https://api.copper.com"), "{text}");
    }

    #[test]
    fn search_path_checks_the_version() {
        let config = Config::new("k", "u@example.com");
        assert_eq!(
            config.search_path().unwrap(),
            "/developer_api/v1/leads/search"
        );
        for bad in ["", "v", "1", "v1/../x", "v1?x", "V1"] {
            let err = config.clone().with_api_version(bad).search_path();
            assert!(matches!(err, Err(Error::InvalidParameter { .. })), "{bad}");
        }
    }
}
