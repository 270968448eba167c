//! The HTTP seam every connector uses: base URL, timeout, credentials, and turning HTTP failures into
//! [`Error`]. [`HttpClient::send`] also applies the account's [`RequestLimiter`], retries transient
//! failures per its [`RetryPolicy`], and gives the credentials one refresh after a 401.

pub mod limits;
pub mod oauth;
pub mod retry;

pub use limits::{RequestLimiter, Usage, UsageReader};
pub use oauth::{
    ClientAuthStyle, OAuthCredentials, OAuthSettings, RefreshSettings, TokenSet, TokenSink,
};
pub use retry::RetryPolicy;

use crate::error::{Error, RateLimit, RemoteResponse, Result};
use crate::provider::Provider;
use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest request URL sent to a provider (Salesforce documents 16,384 bytes for its REST
/// URIs; common front ends refuse longer ones). A longer one is the caller's 400, not a retried
/// "remote" failure.
pub const MAX_URL_BYTES: usize = 16 * 1024;

/// Default per-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A provider's answer with the whole body read.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn header_u64(&self, name: &str) -> Option<u64> {
        self.header(name).and_then(|v| v.trim().parse().ok())
    }

    /// `Retry-After` as seconds or an HTTP date.
    pub fn retry_after(&self) -> Option<Duration> {
        let value = self.header("retry-after")?.trim();
        if let Ok(secs) = value.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        let secs = (when.timestamp() - chrono::Utc::now().timestamp()).max(0);
        Some(Duration::from_secs(secs as u64))
    }

    pub fn remote(&self, code: Option<String>) -> Box<RemoteResponse> {
        RemoteResponse::new(self.status.as_u16(), &self.body, code)
    }
}

/// How a connector authenticates. Implementations mark header values sensitive and never print them.
#[async_trait]
pub trait Credentials: Send + Sync + fmt::Debug {
    /// Headers to add to every request.
    async fn headers(&self) -> Result<Vec<(HeaderName, HeaderValue)>>;

    /// Called once after the provider answered 401 to a request sent with `rejected` headers.
    /// Returns true when newer credentials exist (obtained now, or by a concurrent refresh) and the
    /// request should be sent again; the default cannot refresh.
    async fn refresh(&self, rejected: &[(HeaderName, HeaderValue)]) -> Result<bool> {
        let _ = rejected;
        Ok(false)
    }

    /// A base URL that replaces the configured one (a refresh can move an account: Salesforce
    /// `instance_url`, Pipedrive and Zoho `api_domain`).
    fn base_url(&self) -> Option<String> {
        None
    }
}

/// Fixed header credentials (API keys, a long-lived access token). Values are checked once, at
/// construction, and kept as sensitive header values that `Debug` never prints.
pub struct StaticCredentials {
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl StaticCredentials {
    pub fn new(headers: Vec<(HeaderName, SecretString)>) -> Result<Self> {
        let headers = headers
            .into_iter()
            .map(|(name, value)| {
                sensitive_header(&value).map(|v| (name.clone(), v)).map_err(|_| {
                    Error::invalid(
                        "credentials",
                        format!("the `{name}` credential contains characters that are not allowed in an HTTP header"),
                    )
                })
            })
            .collect::<Result<_>>()?;
        Ok(StaticCredentials { headers })
    }

    /// `Authorization: <scheme> <token>`.
    pub fn authorization(scheme: &str, token: &SecretString) -> Result<Self> {
        let value = SecretString::from(format!("{scheme} {}", token.expose_secret()));
        StaticCredentials::new(vec![(http::header::AUTHORIZATION, value)])
    }
}

impl fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("StaticCredentials")
            .field("headers", &names)
            .finish_non_exhaustive()
    }
}

/// A header value that is never printed (`Debug` shows `Sensitive`).
pub fn sensitive_header(
    value: &SecretString,
) -> Result<HeaderValue, http::header::InvalidHeaderValue> {
    let mut v = HeaderValue::from_str(value.expose_secret())?;
    v.set_sensitive(true);
    Ok(v)
}

#[async_trait]
impl Credentials for StaticCredentials {
    async fn headers(&self) -> Result<Vec<(HeaderName, HeaderValue)>> {
        Ok(self.headers.clone())
    }
}

/// One request to a provider, relative to the account's base URL.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    /// A path (`/api/v1/leads`) appended to the base URL, or an absolute URL on the same origin.
    pub path: String,
    /// Query pairs, percent-encoded on the way out (so no value can change the URL's structure).
    pub query: Vec<(String, String)>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// A JSON body (`Content-Type: application/json` is added).
    pub json_body: Option<Vec<u8>>,
}

impl Request {
    pub fn get(path: impl Into<String>) -> Self {
        Request {
            method: Method::GET,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            json_body: None,
        }
    }

    pub fn post_json(path: impl Into<String>, body: Vec<u8>) -> Self {
        Request {
            method: Method::POST,
            json_body: Some(body),
            ..Request::get(path)
        }
    }

    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// Turns a provider's non-2xx answer into an [`Error`]; each connector has one.
pub trait ErrorClassifier: Send + Sync {
    fn classify(&self, response: &HttpResponse) -> Error;
}

impl<F: Fn(&HttpResponse) -> Error + Send + Sync> ErrorClassifier for F {
    fn classify(&self, response: &HttpResponse) -> Error {
        self(response)
    }
}

/// The usual mapping of an error status, given the provider's message and code from its body.
/// Connectors call it after extracting those, and special-case what their provider does differently.
pub fn classify_status(
    provider: Provider,
    response: &HttpResponse,
    message: String,
    code: Option<String>,
    limits: RateLimit,
) -> Error {
    let remote = Some(response.remote(code.clone()));
    match response.status.as_u16() {
        401 => Error::Unauthorized {
            provider,
            message,
            remote,
        },
        403 => Error::Forbidden {
            provider,
            message,
            remote,
        },
        404 => Error::NotFound {
            provider,
            message,
            remote,
        },
        429 => Error::RateLimited {
            provider,
            message,
            retry_after: response.retry_after().or(limits.reset),
            limits,
            remote,
        },
        _ => Error::Remote {
            provider,
            message,
            remote: response.remote(code),
        },
    }
}

/// Counters of one client's traffic (shared by its clones), for tests and metrics.
#[derive(Debug, Default)]
pub struct TransportStats {
    /// HTTP requests sent, including retries and resends after a refresh.
    pub requests: AtomicU64,
    /// Retries after a transient failure.
    pub retries: AtomicU64,
}

impl TransportStats {
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn retries(&self) -> u64 {
        self.retries.load(Ordering::Relaxed)
    }
}

/// How a connector's client behaves, set by whoever builds connectors (the server, a test).
#[derive(Clone, Default)]
pub struct TransportOptions {
    /// Per-request timeout; [`DEFAULT_TIMEOUT`] when `None`.
    pub timeout: Option<Duration>,
    /// Retry policy; [`RetryPolicy::default`] when `None`.
    pub retry: Option<RetryPolicy>,
    /// The account's shared limiter.
    pub limiter: Option<Arc<RequestLimiter>>,
    /// Credentials that replace the connector's static ones (e.g. [`OAuthCredentials`]).
    pub credentials: Option<Arc<dyn Credentials>>,
    /// A caller-provided reqwest client (connection pool, proxy, TLS settings).
    pub client: Option<reqwest::Client>,
    /// Counters to share with the client (metrics, tests); the client keeps its own when `None`.
    pub stats: Option<Arc<TransportStats>>,
}

impl fmt::Debug for TransportOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportOptions")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("limiter", &self.limiter)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl TransportOptions {
    /// No retries: what fixture tests want, where every request is recorded.
    pub fn no_retry() -> Self {
        TransportOptions {
            retry: Some(RetryPolicy::none()),
            ..TransportOptions::default()
        }
    }
}

/// An HTTP client bound to one provider account.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    provider: Provider,
    base_url: String,
    timeout: Duration,
    credentials: Arc<dyn Credentials>,
    retry: RetryPolicy,
    limiter: Option<Arc<RequestLimiter>>,
    stats: Arc<TransportStats>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("provider", &self.provider)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    /// A client for `base_url` (scheme and host, optionally a path prefix; no trailing slash needed).
    pub fn new(
        provider: Provider,
        base_url: &str,
        credentials: Arc<dyn Credentials>,
    ) -> Result<Self> {
        let parsed = url::Url::parse(base_url)
            .map_err(|e| Error::invalid("base_url", format!("`{base_url}` is not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(Error::invalid(
                "base_url",
                format!("`{base_url}` must be an http(s) URL with a host"),
            ));
        }
        Ok(HttpClient {
            client: new_client(),
            provider,
            base_url: base_url.trim_end_matches('/').to_owned(),
            timeout: DEFAULT_TIMEOUT,
            credentials,
            retry: RetryPolicy::none(),
            limiter: None,
            stats: Arc::default(),
        })
    }

    /// Applies [`TransportOptions`]: timeout, retries, limiter, credentials, client.
    pub fn with_options(mut self, options: &TransportOptions) -> Self {
        if let Some(timeout) = options.timeout {
            self.timeout = timeout;
        }
        self.retry = options.retry.unwrap_or_default();
        self.limiter = options.limiter.clone();
        if let Some(credentials) = &options.credentials {
            self.credentials = credentials.clone();
        }
        if let Some(client) = &options.client {
            self.client = client.clone();
        }
        if let Some(stats) = &options.stats {
            self.stats = stats.clone();
        }
        self
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn stats(&self) -> &Arc<TransportStats> {
        &self.stats
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The account's base URL: the credentials' (after a refresh moved the account) or the configured one.
    pub fn base_url(&self) -> String {
        self.credentials
            .base_url()
            .unwrap_or_else(|| self.base_url.clone())
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    fn url(&self, path: &str) -> Result<url::Url> {
        let base_url = self.base_url();
        let base_url = base_url.trim_end_matches('/');
        let full = if path.starts_with("http://") || path.starts_with("https://") {
            // Credentials go only to the account's own origin, whatever a provider's body says.
            let base = url::Url::parse(base_url).ok();
            let target = url::Url::parse(path).ok();
            let same_origin =
                matches!((&base, &target), (Some(b), Some(t)) if b.origin() == t.origin());
            if !same_origin {
                return Err(Error::InvalidResponse {
                    provider: self.provider,
                    message:
                        "a paging link points outside the account's base URL; refusing to follow it"
                            .into(),
                    remote: None,
                });
            }
            path.to_owned()
        } else {
            format!("{base_url}/{}", path.trim_start_matches('/'))
        };
        url::Url::parse(&full).map_err(|e| Error::InvalidResponse {
            provider: self.provider,
            message: format!("cannot build a request URL: {e}"),
            remote: None,
        })
    }

    /// Sends `request`; a 2xx answer comes back whole, anything else goes through `classifier`.
    /// Transient failures are retried per the client's [`RetryPolicy`]; after a 401 the credentials
    /// get one chance to refresh, then the request is sent once more. While the limiter's usage
    /// budget is used up the call fails fast, without a request (see
    /// [`RequestLimiter::with_usage_budget`]).
    pub async fn send(
        &self,
        request: &Request,
        classifier: &dyn ErrorClassifier,
    ) -> Result<HttpResponse> {
        // A request that cannot be built fails at once: never retried, never counted by the limiter.
        self.request_url(request)?;
        if let Some(limiter) = &self.limiter {
            limiter.check_budget(self.provider)?;
        }
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let error = match self.attempt(request, classifier).await {
                Ok(response) => return Ok(response),
                Err(error) => error,
            };
            let Some(delay) = self.retry.delay_after(attempt, &error, started.elapsed()) else {
                return Err(error);
            };
            self.stats.retries.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(provider = self.provider.as_str(), attempt, delay_ms = delay.as_millis() as u64, error = %error, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// One attempt: limiter, credentials, send, and at most one refresh-and-resend after a 401.
    async fn attempt(
        &self,
        request: &Request,
        classifier: &dyn ErrorClassifier,
    ) -> Result<HttpResponse> {
        let _permit = match &self.limiter {
            Some(limiter) => Some(limiter.acquire().await),
            None => None,
        };
        let mut auth = self.credentials.headers().await?;
        let mut refreshed = false;
        loop {
            let response = self.send_once(request, &auth).await?;
            if let Some(limiter) = &self.limiter {
                limiter.observe(&response);
            }
            if response.status.is_success() {
                return Ok(response);
            }
            if response.status == StatusCode::UNAUTHORIZED
                && !refreshed
                && self.credentials.refresh(&auth).await?
            {
                refreshed = true;
                auth = self.credentials.headers().await?;
                continue;
            }
            return Err(classifier.classify(&response));
        }
    }

    /// The full URL of `request`, checked against [`MAX_URL_BYTES`].
    fn request_url(&self, request: &Request) -> Result<url::Url> {
        let mut url = self.url(&request.path)?;
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.iter());
        }
        let bytes = url.as_str().len();
        if bytes > MAX_URL_BYTES {
            return Err(Error::RequestTooLarge {
                provider: self.provider,
                bytes,
                limit: MAX_URL_BYTES,
            });
        }
        Ok(url)
    }

    async fn send_once(
        &self,
        request: &Request,
        auth: &[(HeaderName, HeaderValue)],
    ) -> Result<HttpResponse> {
        let url = self.request_url(request)?;
        let mut builder = self
            .client
            .request(request.method.clone(), url)
            .timeout(self.timeout);
        for (name, value) in auth {
            builder = builder.header(name, value);
        }
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = &request.json_body {
            builder = builder
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        self.stats.requests.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let response = builder.send().await.map_err(|e| self.transport_error(e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| self.transport_error(e))?;
        tracing::debug!(
            provider = self.provider.as_str(),
            method = %request.method,
            status = status.as_u16(),
            bytes = body.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "provider call"
        );
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }

    fn transport_error(&self, e: reqwest::Error) -> Error {
        if e.is_timeout() {
            return Error::Timeout {
                provider: self.provider,
                after: self.timeout,
            };
        }
        // The URL can carry filter values (personal data): never put it in an error.
        let e = e.without_url();
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        Error::Transport {
            provider: self.provider,
            message,
        }
    }
}

/// A new reqwest client (connection pool) per account unless a caller provides one. Not one per
/// process: a pooled connection is tied to the tokio runtime that opened it, and a client shared
/// across runtimes fails requests once that runtime is gone.
fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(concat!("crm-leads/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

/// Parses a 2xx body as JSON of type `T`; anything else is an [`Error::InvalidResponse`] that keeps
/// the start of the body for the caller.
pub fn parse_body<'a, T: serde::Deserialize<'a>>(
    provider: Provider,
    response: &'a HttpResponse,
) -> Result<T> {
    parse_body_with(provider, response, serde_json::from_slice)
}

/// Like [`parse_body`], with the connector's own body parser (the one function that reads its
/// page envelope, shared with benchmarks that parse pages without HTTP).
pub fn parse_body_with<'a, T>(
    provider: Provider,
    response: &'a HttpResponse,
    parse: impl FnOnce(&'a [u8]) -> serde_json::Result<T>,
) -> Result<T> {
    parse(&response.body[..]).map_err(|e| Error::InvalidResponse {
        provider,
        message: format!("the body is not the expected JSON ({e})"),
        remote: Some(response.remote(None)),
    })
}
