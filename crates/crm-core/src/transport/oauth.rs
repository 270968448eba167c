//! OAuth 2 refresh-token credentials shared by Salesforce, Pipedrive and Zoho.
//!
//! The access token is refreshed before it expires (within [`REFRESH_MARGIN`]) and once after a
//! 401; refreshes are single-flight per account (concurrent requests wait for the one refresh and
//! then use its token), and new tokens are handed to a [`TokenSink`] so the server can persist them.
//! A refused refresh token becomes an `Unauthorized` error that says to reconnect the account.

use super::{sensitive_header, Credentials};
use crate::error::{Error, Result};
use crate::provider::Provider;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use http::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Refresh this long before the access token expires.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// How the token endpoint wants the client id and secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuthStyle {
    /// `client_id` and `client_secret` in the form body (Salesforce).
    FormBody,
    /// HTTP Basic `client_id:client_secret`, form body without them (Pipedrive).
    BasicAuth,
    /// Everything as query parameters of the POST (Zoho's accounts server).
    QueryParams,
}

/// A provider's token endpoint and how to call it.
#[derive(Clone)]
pub struct OAuthSettings {
    pub provider: Provider,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub style: ClientAuthStyle,
    /// Authorization scheme of API calls: `Bearer`, or `Zoho-oauthtoken`.
    pub scheme: &'static str,
    /// The token answer's field with the account's (possibly new) base URL: Salesforce
    /// `instance_url`, Pipedrive and Zoho `api_domain`.
    pub base_url_field: Option<&'static str>,
}

impl fmt::Debug for OAuthSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthSettings")
            .field("provider", &self.provider)
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("style", &self.style)
            .finish_non_exhaustive()
    }
}

/// What a token refresh needs, the same for every provider (`grant_type=refresh_token`). The
/// connector turns it into its provider's [`OAuthSettings`].
#[derive(Clone)]
pub struct RefreshSettings {
    pub client_id: String,
    pub client_secret: SecretString,
    pub refresh_token: SecretString,
    /// The account's own token endpoint; `None` means the provider's default (which may depend on
    /// the account's base URL, as Zoho's accounts server does).
    pub token_url: Option<String>,
}

impl RefreshSettings {
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
        refresh_token: impl Into<SecretString>,
    ) -> Self {
        RefreshSettings {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            refresh_token: refresh_token.into(),
            token_url: None,
        }
    }

    pub fn with_token_url(mut self, token_url: impl Into<String>) -> Self {
        self.token_url = Some(token_url.into());
        self
    }

    /// The provider's [`OAuthSettings`] for these credentials, with `default_token_url` when the
    /// account names no token URL.
    pub fn settings(
        &self,
        provider: Provider,
        default_token_url: &str,
        style: ClientAuthStyle,
        scheme: &'static str,
        base_url_field: Option<&'static str>,
    ) -> OAuthSettings {
        OAuthSettings {
            provider,
            token_url: self
                .token_url
                .clone()
                .unwrap_or_else(|| default_token_url.to_owned()),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            style,
            scheme,
            base_url_field,
        }
    }
}

impl fmt::Debug for RefreshSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshSettings")
            .field("client_id", &self.client_id)
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

/// The current tokens of one account.
#[derive(Clone)]
pub struct TokenSet {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Set when the provider moved the account (Salesforce instance_url, Pipedrive/Zoho api_domain).
    pub base_url: Option<String>,
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_at", &self.expires_at)
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// Receives refreshed tokens (the server writes them back to its account store).
#[async_trait]
pub trait TokenSink: Send + Sync {
    async fn save(&self, tokens: &TokenSet) -> Result<()>;
}

/// Refreshing OAuth credentials for one account.
pub struct OAuthCredentials {
    settings: OAuthSettings,
    tokens: RwLock<TokenSet>,
    refresh_lock: tokio::sync::Mutex<()>,
    sink: Option<Arc<dyn TokenSink>>,
    http: reqwest::Client,
    refreshes: AtomicU64,
}

impl fmt::Debug for OAuthCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthCredentials")
            .field("settings", &self.settings)
            .field("refreshes", &self.refresh_count())
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    refresh_token: Option<String>,
    expires_in: Option<serde_json::Value>,
    error: Option<String>,
    error_description: Option<String>,
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

impl OAuthCredentials {
    pub fn new(settings: OAuthSettings, tokens: TokenSet) -> Self {
        OAuthCredentials {
            settings,
            tokens: RwLock::new(tokens),
            refresh_lock: tokio::sync::Mutex::new(()),
            sink: None,
            http: reqwest::Client::new(),
            refreshes: AtomicU64::new(0),
        }
    }

    pub fn with_sink(mut self, sink: Arc<dyn TokenSink>) -> Self {
        self.sink = Some(sink);
        self
    }

    /// Completed refreshes since creation.
    pub fn refresh_count(&self) -> u64 {
        self.refreshes.load(Ordering::SeqCst)
    }

    fn current(&self) -> TokenSet {
        match self.tokens.read() {
            Ok(t) => t.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn authorization(&self, tokens: &TokenSet) -> Result<HeaderValue> {
        let value = SecretString::from(format!(
            "{} {}",
            self.settings.scheme,
            tokens.access_token.expose_secret()
        ));
        sensitive_header(&value).map_err(|_| {
            self.reconnect("the stored access token is not a valid header value".into())
        })
    }

    fn reconnect(&self, why: String) -> Error {
        Error::Unauthorized {
            provider: self.settings.provider,
            message: format!("{why}; reconnect this account to grant access again"),
            remote: None,
        }
    }

    fn expiring(tokens: &TokenSet) -> bool {
        let margin = chrono::Duration::from_std(REFRESH_MARGIN).unwrap_or_default();
        tokens
            .expires_at
            .is_some_and(|at| at - Utc::now() <= margin)
            && tokens.refresh_token.is_some()
    }

    /// Refreshes unless another task already replaced `stale_access` while we waited.
    async fn refresh_unless_replaced(&self, stale_access: &str) -> Result<bool> {
        let _guard = self.refresh_lock.lock().await;
        let current = self.current();
        if current.access_token.expose_secret() != stale_access {
            return Ok(true);
        }
        let Some(refresh_token) = current.refresh_token.clone() else {
            return Ok(false);
        };
        let fresh = self.call_token_endpoint(&refresh_token, &current).await?;
        if let Some(sink) = &self.sink {
            sink.save(&fresh).await?;
        }
        match self.tokens.write() {
            Ok(mut t) => *t = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        tracing::info!(
            provider = self.settings.provider.as_str(),
            "access token refreshed"
        );
        Ok(true)
    }

    async fn call_token_endpoint(
        &self,
        refresh_token: &SecretString,
        current: &TokenSet,
    ) -> Result<TokenSet> {
        let s = &self.settings;
        let mut form: Vec<(&str, &str)> = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose_secret()),
        ];
        let mut request = self
            .http
            .post(&s.token_url)
            .timeout(Duration::from_secs(30));
        match s.style {
            ClientAuthStyle::FormBody => {
                form.push(("client_id", &s.client_id));
                form.push(("client_secret", s.client_secret.expose_secret()));
            }
            ClientAuthStyle::BasicAuth => {
                request = request.basic_auth(&s.client_id, Some(s.client_secret.expose_secret()));
            }
            ClientAuthStyle::QueryParams => {
                form.push(("client_id", &s.client_id));
                form.push(("client_secret", s.client_secret.expose_secret()));
            }
        }
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form.iter())
            .finish();
        request = match s.style {
            ClientAuthStyle::QueryParams => request.query(&form),
            _ => request
                .header(
                    http::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(body),
        };
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                Error::Timeout {
                    provider: s.provider,
                    after: Duration::from_secs(30),
                }
            } else {
                Error::Transport {
                    provider: s.provider,
                    message: format!("token endpoint: {}", e.without_url()),
                }
            }
        })?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| Error::Transport {
            provider: s.provider,
            message: format!("token endpoint: {}", e.without_url()),
        })?;
        let answer: Option<TokenAnswer> = serde_json::from_slice(&bytes).ok();
        let (access, error) = match &answer {
            Some(a) => (a.access_token.clone(), a.error.clone()),
            None => (None, None),
        };
        let access = match access {
            Some(a) if status.is_success() && error.is_none() && !a.is_empty() => a,
            _ => {
                let detail = answer
                    .as_ref()
                    .and_then(|a| {
                        a.error.clone().map(|e| {
                            format!("{e}: {}", a.error_description.clone().unwrap_or_default())
                        })
                    })
                    .unwrap_or_else(|| format!("HTTP {}", status.as_u16()));
                return Err(self.reconnect(format!(
                    "{} refused to refresh the access token ({})",
                    s.provider,
                    detail.trim_end_matches(": ")
                )));
            }
        };
        let answer = answer.unwrap_or(TokenAnswer {
            access_token: None,
            refresh_token: None,
            expires_in: None,
            error: None,
            error_description: None,
            rest: Default::default(),
        });
        let expires_in = answer
            .expires_in
            .as_ref()
            .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()));
        let base_url = s
            .base_url_field
            .and_then(|field| answer.rest.get(field))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .or_else(|| current.base_url.clone());
        Ok(TokenSet {
            access_token: SecretString::from(access),
            // Providers without rotation keep the old refresh token valid.
            refresh_token: answer
                .refresh_token
                .map(SecretString::from)
                .or_else(|| current.refresh_token.clone()),
            expires_at: expires_in.map(|secs| Utc::now() + chrono::Duration::seconds(secs)),
            base_url,
        })
    }
}

#[async_trait]
impl Credentials for OAuthCredentials {
    async fn headers(&self) -> Result<Vec<(HeaderName, HeaderValue)>> {
        let mut tokens = self.current();
        if Self::expiring(&tokens) {
            let stale = tokens.access_token.expose_secret().to_owned();
            self.refresh_unless_replaced(&stale).await?;
            tokens = self.current();
        }
        Ok(vec![(
            http::header::AUTHORIZATION,
            self.authorization(&tokens)?,
        )])
    }

    async fn refresh(&self, rejected: &[(HeaderName, HeaderValue)]) -> Result<bool> {
        let scheme_prefix = format!("{} ", self.settings.scheme);
        let stale = rejected
            .iter()
            .find(|(name, _)| name == http::header::AUTHORIZATION)
            .and_then(|(_, v)| v.to_str().ok())
            .and_then(|v| v.strip_prefix(&scheme_prefix))
            .unwrap_or_default()
            .to_owned();
        self.refresh_unless_replaced(&stale).await
    }

    fn base_url(&self) -> Option<String> {
        self.current().base_url
    }
}
