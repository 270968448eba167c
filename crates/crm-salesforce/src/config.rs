//! Connection settings for one Salesforce org: instance URL, access token, API version, timeout,
//! and the OAuth refresh settings kept for token refresh.

use crm_core::transport::{
    ClientAuthStyle, OAuthSettings, RefreshSettings, TokenSet, DEFAULT_TIMEOUT,
};
use crm_core::{Error, Result};
use secrecy::SecretString;
use std::fmt;
use std::time::Duration;

/// The REST API version used unless configured otherwise (Winter '25).
pub const DEFAULT_API_VERSION: &str = "v62.0";

/// How to reach one Salesforce org. `Debug` never prints the token or the client secret.
#[derive(Clone)]
pub struct Config {
    /// The org's instance URL, e.g. `https://acme.my.salesforce.com` (from the OAuth answer).
    pub instance_url: String,
    /// OAuth access token, sent as `Authorization: Bearer <token>`.
    pub access_token: SecretString,
    /// REST API version, `vNN.N`.
    pub api_version: String,
    /// Per-request timeout.
    pub timeout: Duration,
    /// What a token refresh needs. [`SalesforceConnector::new`](crate::SalesforceConnector::new)
    /// sends the access token as given; refreshing credentials come in through
    /// [`SalesforceConnector::with_options`](crate::SalesforceConnector::with_options), built from
    /// [`Config::oauth_settings`] and [`Config::token_set`].
    pub refresh: Option<RefreshSettings>,
}

/// Salesforce's production login endpoint, used when the refresh settings name no token URL
/// (sandboxes use `test.salesforce.com`, orgs may use their My Domain).
pub const DEFAULT_TOKEN_URL: &str = "https://login.salesforce.com/services/oauth2/token";

impl Config {
    pub fn new(instance_url: impl Into<String>, access_token: impl Into<SecretString>) -> Config {
        Config {
            instance_url: instance_url.into(),
            access_token: access_token.into(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            refresh: None,
        }
    }

    pub fn with_api_version(mut self, version: impl Into<String>) -> Config {
        self.api_version = version.into();
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Config {
        self.timeout = timeout;
        self
    }

    pub fn with_refresh(mut self, refresh: RefreshSettings) -> Config {
        self.refresh = Some(refresh);
        self
    }

    /// Salesforce's token endpoint settings for `crm_core::transport::OAuthCredentials`: client id
    /// and secret in the form body, `Bearer` calls, and the answer's `instance_url` as the org's
    /// (possibly new) base URL. `None` without refresh settings.
    pub fn oauth_settings(&self) -> Option<OAuthSettings> {
        let refresh = self.refresh.as_ref()?;
        Some(refresh.settings(
            crate::PROVIDER,
            DEFAULT_TOKEN_URL,
            ClientAuthStyle::FormBody,
            "Bearer",
            Some("instance_url"),
        ))
    }

    /// The current tokens, for `OAuthCredentials` (expiry unknown: refreshed after a 401).
    pub fn token_set(&self) -> TokenSet {
        TokenSet {
            access_token: self.access_token.clone(),
            refresh_token: self.refresh.as_ref().map(|r| r.refresh_token.clone()),
            expires_at: None,
            base_url: None,
        }
    }

    /// Checks what the connector relies on: a `vNN.N` API version (it becomes part of every path).
    pub fn validate(&self) -> Result<()> {
        let ok = self
            .api_version
            .strip_prefix('v')
            .and_then(|v| v.split_once('.'))
            .is_some_and(|(major, minor)| {
                (1..=3).contains(&major.len())
                    && (1..=2).contains(&minor.len())
                    && major
                        .bytes()
                        .chain(minor.bytes())
                        .all(|b| b.is_ascii_digit())
            });
        if !ok {
            return Err(Error::invalid(
                "api_version",
                format!(
                    "`{}` is not a Salesforce REST API version; use the form {DEFAULT_API_VERSION}",
                    self.api_version
                ),
            ));
        }
        Ok(())
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("instance_url", &self.instance_url)
            .field("access_token", &"<redacted>")
            .field("api_version", &self.api_version)
            .field("timeout", &self.timeout)
            .field("refresh", &self.refresh)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_secrets() {
        let config = Config::new("https://acme.my.salesforce.com", "access-SECRET-1").with_refresh(
            RefreshSettings::new("client-id", "client-SECRET-2", "refresh-SECRET-3"),
        );
        let text = format!("{config:?} {config:#?}");
        assert!(!text.contains("SECRET"), "{text}");
        assert!(text.contains("client-id") && text.contains("v62.0"));
        let settings = config.oauth_settings().unwrap();
        assert_eq!(settings.token_url, DEFAULT_TOKEN_URL);
        assert_eq!(settings.style, ClientAuthStyle::FormBody);
        assert_eq!(settings.base_url_field, Some("instance_url"));
        let tokens = format!("{:?} {settings:?}", config.token_set());
        assert!(!tokens.contains("SECRET"), "{tokens}");
        assert!(config.token_set().refresh_token.is_some());
        assert!(Config::new("https://x.example.com", "t")
            .oauth_settings()
            .is_none());
    }

    #[test]
    fn api_version_shape() {
        let config = |v: &str| Config::new("https://x.example.com", "t").with_api_version(v);
        assert!(config("v62.0").validate().is_ok());
        assert!(config("v9.0").validate().is_ok());
        for bad in ["62.0", "v62", "v62.0/../x", "latest", "v62.0 ", ""] {
            let err = config(bad).validate().unwrap_err();
            assert!(err.to_string().contains("api_version"), "{bad}");
        }
    }
}
