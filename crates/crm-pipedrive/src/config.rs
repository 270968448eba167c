//! How to reach one Pipedrive account: base URL, credentials and timeout.
//!
//! Pipedrive has two ways in, and they differ in more than the header:
//!
//! | mode      | header                         | base URL                      | leads path      |
//! |-----------|--------------------------------|-------------------------------|-----------------|
//! | API token | `x-api-token: <token>`         | `https://api.pipedrive.com`   | `/v1/leads`     |
//! | OAuth     | `Authorization: Bearer <token>`| the token's `api_domain`      | `/api/v1/leads` |
//!
//! The path prefix follows the mode (see [`Auth::leads_path`]) so a caller only chooses the mode and,
//! for OAuth, the `api_domain` that came with the token. Every secret is a [`SecretString`]; the
//! `Debug` output of every type here shows `[REDACTED]` in its place.

use crm_core::transport::{
    ClientAuthStyle, Credentials, OAuthSettings, RefreshSettings, StaticCredentials, TokenSet,
    DEFAULT_TIMEOUT,
};
use crm_core::Result;
use http::HeaderName;
use secrecy::SecretString;
use std::sync::Arc;
use std::time::Duration;

/// Pipedrive's API host for API-token access.
pub const API_TOKEN_BASE_URL: &str = "https://api.pipedrive.com";
/// Pipedrive's OAuth token endpoint (used by token refresh).
pub const OAUTH_TOKEN_URL: &str = "https://oauth.pipedrive.com/oauth/token";
/// The leads list path for API-token access.
pub const API_TOKEN_LEADS_PATH: &str = "/v1/leads";
/// The leads list path on an OAuth `api_domain`.
pub const OAUTH_LEADS_PATH: &str = "/api/v1/leads";

/// How requests authenticate.
#[derive(Debug, Clone)]
pub enum Auth {
    /// A personal API token, sent as `x-api-token` (never as the legacy `api_token` query
    /// parameter, which would put the secret in URLs and logs).
    ApiToken(SecretString),
    /// An OAuth access token, sent as `Authorization: Bearer`, with what a later refresh needs.
    OAuth {
        access_token: SecretString,
        refresh: Option<RefreshSettings>,
    },
}

impl Auth {
    /// The leads list path for this mode.
    pub fn leads_path(&self) -> &'static str {
        match self {
            Auth::ApiToken(_) => API_TOKEN_LEADS_PATH,
            Auth::OAuth { .. } => OAUTH_LEADS_PATH,
        }
    }

    /// Header credentials for the HTTP client; fails when a secret cannot be a header value.
    pub(crate) fn credentials(&self) -> Result<Arc<dyn Credentials>> {
        let creds = match self {
            Auth::ApiToken(token) => StaticCredentials::new(vec![(
                HeaderName::from_static("x-api-token"),
                token.clone(),
            )])?,
            Auth::OAuth { access_token, .. } => {
                StaticCredentials::authorization("Bearer", access_token)?
            }
        };
        Ok(Arc::new(creds))
    }
}

/// One Pipedrive account's connection settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Scheme and host (e.g. `https://acme.pipedrive.com`); the leads path is appended.
    pub base_url: String,
    pub auth: Auth,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Fill the leads' person fields with one batch persons call per page (on by default; see
    /// [`crate::persons`]). Off, those fields are omitted and no persons call is made.
    pub enrich_persons: bool,
}

impl Config {
    /// API-token access on `https://api.pipedrive.com`.
    pub fn api_token(token: SecretString) -> Self {
        Config {
            base_url: API_TOKEN_BASE_URL.to_owned(),
            auth: Auth::ApiToken(token),
            timeout: DEFAULT_TIMEOUT,
            enrich_persons: true,
        }
    }

    /// OAuth access on the `api_domain` the token came with (e.g. `https://acme.pipedrive.com`).
    pub fn oauth(api_domain: impl Into<String>, access_token: SecretString) -> Self {
        Config {
            base_url: api_domain.into(),
            auth: Auth::OAuth {
                access_token,
                refresh: None,
            },
            timeout: DEFAULT_TIMEOUT,
            enrich_persons: true,
        }
    }

    /// Adds what a token refresh needs (OAuth only; ignored for API tokens, which do not expire).
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

    /// Switches the persons call off (or on again); see [`Config::enrich_persons`].
    pub fn with_person_enrichment(mut self, on: bool) -> Self {
        self.enrich_persons = on;
        self
    }

    /// Pipedrive's token endpoint settings for `crm_core::transport::OAuthCredentials`: HTTP Basic
    /// client auth, `Bearer` calls, and `api_domain` as the account's new base URL. `None` for API
    /// tokens or when no refresh settings were given.
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
            Some("api_domain"),
        ))
    }

    /// The current OAuth tokens, for `OAuthCredentials` (expiry unknown: refreshed after a 401).
    /// `None` for API tokens.
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
    fn path_follows_the_mode() {
        let token = Config::api_token(secret("t"));
        assert_eq!(token.base_url, "https://api.pipedrive.com");
        assert_eq!(token.auth.leads_path(), "/v1/leads");
        let oauth = Config::oauth("https://acme.pipedrive.com", secret("a"));
        assert_eq!(oauth.base_url, "https://acme.pipedrive.com");
        assert_eq!(oauth.auth.leads_path(), "/api/v1/leads");
    }

    #[test]
    fn debug_never_prints_secrets() {
        let config = Config::oauth("https://acme.pipedrive.com", secret("access-SECRET-1"))
            .with_refresh(RefreshSettings::new(
                "client-id",
                secret("client-SECRET-2"),
                secret("refresh-SECRET-3"),
            ));
        let api = Config::api_token(secret("token-SECRET-4"));
        let printed = format!("{config:?} {api:?} {config:#?}");
        assert!(!printed.contains("SECRET"), "{printed}");
        assert!(printed.contains("client-id"));
        assert!(printed.contains("REDACTED"));
        // The header credentials built from them are just as quiet.
        let creds = format!(
            "{:?} {:?}",
            config.auth.credentials().unwrap(),
            api.auth.credentials().unwrap()
        );
        assert!(!creds.contains("SECRET"), "{creds}");
    }

    #[test]
    fn refresh_is_kept_for_oauth_only() {
        let refresh =
            RefreshSettings::new("id", secret("s"), secret("r")).with_token_url("http://x");
        let oauth =
            Config::oauth("https://a.pipedrive.com", secret("a")).with_refresh(refresh.clone());
        assert!(matches!(
            &oauth.auth,
            Auth::OAuth { refresh: Some(r), .. } if r.token_url.as_deref() == Some("http://x")
        ));
        let api = Config::api_token(secret("t")).with_refresh(refresh);
        assert!(matches!(api.auth, Auth::ApiToken(_)));
        assert!(api.oauth_settings().is_none());

        let settings = oauth.oauth_settings().expect("refresh settings");
        assert_eq!(settings.token_url, "http://x");
        assert_eq!(settings.client_id, "id");
        assert_eq!(settings.style, ClientAuthStyle::BasicAuth);
        assert_eq!(settings.scheme, "Bearer");
        assert_eq!(settings.base_url_field, Some("api_domain"));
        assert!(Config::oauth("https://a.pipedrive.com", secret("a"))
            .oauth_settings()
            .is_none());
        assert!(oauth.token_set().unwrap().refresh_token.is_some());
        assert!(api.token_set().is_none());
    }

    #[test]
    fn a_token_that_cannot_be_a_header_is_refused_without_echo() {
        let err = Config::api_token(secret("bad\ntoken-SECRET"))
            .auth
            .credentials()
            .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("x-api-token"), "{message}");
        assert!(!message.contains("SECRET"), "{message}");
    }
}
