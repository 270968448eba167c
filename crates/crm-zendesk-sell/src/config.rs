//! How to reach one Zendesk Sell account: base URL, credentials and timeout.
//!
//! Zendesk Sell has one global API host for every account. Both ways in send
//! `Authorization: Bearer <token>`:
//!
//! | mode                  | token                                   | expires             |
//! |-----------------------|-----------------------------------------|---------------------|
//! | personal access token | created in Sell's settings              | never               |
//! | OAuth 2               | from [`OAUTH_TOKEN_URL`]                | after one hour; refreshed with the refresh token |
//!
//! Every secret is a [`SecretString`]; the `Debug` output of every type here shows
//! `[REDACTED]` in its place.

use crm_core::transport::{
    ClientAuthStyle, Credentials, OAuthSettings, RefreshSettings, StaticCredentials, TokenSet,
    DEFAULT_TIMEOUT,
};
use crm_core::Result;
use secrecy::SecretString;
use std::sync::Arc;
use std::time::Duration;

/// Zendesk Sell's API host (one for every account and region).
pub const BASE_URL: &str = "https://api.getbase.com";
/// The OAuth authorization page.
pub const OAUTH_AUTHORIZE_URL: &str = "https://api.getbase.com/oauth2/authorize";
/// The OAuth token endpoint (code exchange and refresh; client credentials in Basic auth).
pub const OAUTH_TOKEN_URL: &str = "https://api.getbase.com/oauth2/token";
/// The leads collection.
pub const LEADS_PATH: &str = "/v2/leads";
/// The account's lead sources (`{id, name}`), read once per connector.
pub const LEAD_SOURCES_PATH: &str = "/v2/lead_sources";
/// The account's lead conversions, read once per page of leads.
pub const LEAD_CONVERSIONS_PATH: &str = "/v2/lead_conversions";

/// How requests authenticate.
#[derive(Debug, Clone)]
pub enum Auth {
    /// A personal access token (does not expire).
    AccessToken(SecretString),
    /// An OAuth access token, with what a later refresh needs.
    OAuth {
        access_token: SecretString,
        refresh: Option<RefreshSettings>,
    },
}

impl Auth {
    /// Header credentials for the HTTP client; fails when a secret cannot be a header value.
    pub(crate) fn credentials(&self) -> Result<Arc<dyn Credentials>> {
        let token = match self {
            Auth::AccessToken(token) => token,
            Auth::OAuth { access_token, .. } => access_token,
        };
        Ok(Arc::new(StaticCredentials::authorization("Bearer", token)?))
    }
}

/// One Zendesk Sell account's connection settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Scheme and host; the `/v2/...` paths are appended.
    pub base_url: String,
    pub auth: Auth,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Fill the conversion fields with one `/v2/lead_conversions` call per page (on by default).
    /// Off, those fields are omitted and no conversions call is made.
    pub enrich_conversions: bool,
    /// Resolve `source_id` to the source's name with one cached `/v2/lead_sources` read (on by
    /// default). Off, `lead_source` is omitted and the `lead_source` filter is refused.
    pub resolve_sources: bool,
}

impl Config {
    /// A personal access token on `https://api.getbase.com`.
    pub fn access_token(token: SecretString) -> Self {
        Config {
            base_url: BASE_URL.to_owned(),
            auth: Auth::AccessToken(token),
            timeout: DEFAULT_TIMEOUT,
            enrich_conversions: true,
            resolve_sources: true,
        }
    }

    /// An OAuth access token on `https://api.getbase.com`.
    pub fn oauth(access_token: SecretString) -> Self {
        Config {
            auth: Auth::OAuth {
                access_token,
                refresh: None,
            },
            ..Config::access_token(SecretString::from(String::new()))
        }
    }

    /// Adds what a token refresh needs (OAuth only; ignored for personal tokens).
    pub fn with_refresh(mut self, refresh: RefreshSettings) -> Self {
        if let Auth::OAuth { refresh: slot, .. } = &mut self.auth {
            *slot = Some(refresh);
        }
        self
    }

    /// Points the connector elsewhere (a simulator, a test server).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Switches the conversions call off (or on again); see [`Config::enrich_conversions`].
    pub fn with_conversions(mut self, on: bool) -> Self {
        self.enrich_conversions = on;
        self
    }

    /// Switches the lead sources read off (or on again); see [`Config::resolve_sources`].
    pub fn with_sources(mut self, on: bool) -> Self {
        self.resolve_sources = on;
        self
    }

    /// The token endpoint settings for `crm_core::transport::OAuthCredentials`: Basic client
    /// auth, `Bearer` calls, the same base URL after a refresh. `None` for personal tokens or
    /// when no refresh settings were given.
    pub fn oauth_settings(&self) -> Option<OAuthSettings> {
        let Auth::OAuth {
            refresh: Some(refresh),
            ..
        } = &self.auth
        else {
            return None;
        };
        Some(refresh.settings(
            crate::PROVIDER,
            OAUTH_TOKEN_URL,
            ClientAuthStyle::BasicAuth,
            "Bearer",
            None,
        ))
    }

    /// The current OAuth tokens (expiry unknown here: refreshed after a 401). `None` for personal
    /// tokens.
    pub fn token_set(&self) -> Option<TokenSet> {
        let Auth::OAuth {
            access_token,
            refresh,
        } = &self.auth
        else {
            return None;
        };
        Some(TokenSet {
            access_token: access_token.clone(),
            refresh_token: refresh.as_ref().map(|r| r.refresh_token.clone()),
            expires_at: None,
            base_url: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn debug_never_prints_secrets() {
        let config = Config::oauth(secret("access-SECRET-1")).with_refresh(RefreshSettings::new(
            "client-id",
            secret("client-SECRET-2"),
            secret("refresh-SECRET-3"),
        ));
        let token = Config::access_token(secret("token-SECRET-4"));
        let printed = format!("{config:?} {token:?} {config:#?}");
        assert!(!printed.contains("SECRET"), "{printed}");
        assert!(printed.contains("client-id"));
        let creds = format!(
            "{:?} {:?}",
            config.auth.credentials().unwrap(),
            token.auth.credentials().unwrap()
        );
        assert!(!creds.contains("SECRET"), "{creds}");
    }

    #[test]
    fn refresh_is_kept_for_oauth_only() {
        let refresh =
            RefreshSettings::new("id", secret("s"), secret("r")).with_token_url("http://x");
        let oauth = Config::oauth(secret("a")).with_refresh(refresh.clone());
        assert_eq!(oauth.base_url, BASE_URL);
        let settings = oauth.oauth_settings().expect("refresh settings");
        assert_eq!(settings.token_url, "http://x");
        assert_eq!(settings.style, ClientAuthStyle::BasicAuth);
        assert_eq!(settings.scheme, "Bearer");
        assert_eq!(settings.base_url_field, None);
        assert!(oauth.token_set().unwrap().refresh_token.is_some());
        let token = Config::access_token(secret("t")).with_refresh(refresh);
        assert!(matches!(token.auth, Auth::AccessToken(_)));
        assert!(token.oauth_settings().is_none());
        assert!(token.token_set().is_none());
        assert!(Config::oauth(secret("a")).oauth_settings().is_none());
    }

    #[test]
    fn a_token_that_cannot_be_a_header_is_refused_without_echo() {
        let err = Config::access_token(secret("bad\ntoken-SECRET"))
            .auth
            .credentials()
            .unwrap_err();
        assert!(!err.to_string().contains("SECRET"), "{err}");
    }
}
