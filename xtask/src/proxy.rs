//! The recording reverse proxy: a loopback HTTP server that forwards every request to the real
//! provider and remembers each request/response pair in memory.
//!
//! The connector under recording is configured exactly as in production except for its base URL,
//! which points here; nothing in the connector knows it is being recorded. Responses are passed
//! back unchanged except that the upstream origin is rewritten to the proxy's own wherever it
//! appears (bodies, `Location`), so a connector that follows an absolute link keeps talking
//! through the proxy. Nothing is written to disk here: the recorder scrubs the captured
//! exchanges in memory first.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::scrub::RawExchange;

/// Largest request or response body the proxy accepts.
const MAX_BODY: usize = 64 * 1024 * 1024;
/// How long one upstream call may take.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(120);

/// Headers that describe one hop, not the message: never forwarded.
const HOP_HEADERS: &[&str] = &[
    "host",
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
    // Asking for identity bodies keeps the recording readable and the rewrite possible.
    "accept-encoding",
];

#[derive(Debug)]
struct ProxyState {
    client: reqwest::Client,
    /// `https://acme.my.salesforce.com` (no path).
    upstream_origin: String,
    /// `http://127.0.0.1:PORT`.
    own_origin: String,
    exchanges: Mutex<Vec<RawExchange>>,
    failures: Mutex<Vec<String>>,
}

/// A running recording proxy. Dropping it stops the server.
#[derive(Debug)]
pub struct RecordingProxy {
    state: Arc<ProxyState>,
    addr: SocketAddr,
    /// The upstream base URL's path prefix (`/api` in `https://host/api`), kept for `base_url`.
    path_prefix: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl RecordingProxy {
    /// Starts a proxy on `127.0.0.1:0` in front of `upstream_base` (an http(s) URL; its path, if
    /// any, is kept as a prefix of [`RecordingProxy::base_url`]).
    pub async fn start(upstream_base: &str) -> anyhow::Result<RecordingProxy> {
        let upstream = url::Url::parse(upstream_base)
            .map_err(|e| anyhow::anyhow!("`{upstream_base}` is not a URL: {e}"))?;
        if !matches!(upstream.scheme(), "http" | "https") || upstream.host().is_none() {
            anyhow::bail!("`{upstream_base}` must be an http(s) URL with a host");
        }
        let upstream_origin = upstream.origin().ascii_serialization();
        let path_prefix = upstream.path().trim_end_matches('/').to_owned();
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(UPSTREAM_TIMEOUT)
            .build()?;
        let state = Arc::new(ProxyState {
            client,
            upstream_origin,
            own_origin: format!("http://{addr}"),
            exchanges: Mutex::new(Vec::new()),
            failures: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .fallback(forward)
            .with_state(Arc::clone(&state));
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = rx.await;
            });
            let _ = served.await;
        });
        Ok(RecordingProxy {
            state,
            addr,
            path_prefix,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// The base URL to give the connector: the proxy's origin plus the upstream path prefix.
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, self.path_prefix)
    }

    /// `http://127.0.0.1:PORT`, which the scrubber replaces like the upstream origin.
    pub fn origin(&self) -> &str {
        &self.state.own_origin
    }

    /// The upstream origin being recorded.
    pub fn upstream_origin(&self) -> &str {
        &self.state.upstream_origin
    }

    /// Takes the exchanges recorded so far (in the order the responses completed).
    pub fn take(&self) -> Vec<RawExchange> {
        std::mem::take(
            &mut *self
                .state
                .exchanges
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// Takes the upstream failures (unreachable host, timeout) seen so far.
    pub fn take_failures(&self) -> Vec<String> {
        std::mem::take(
            &mut *self
                .state
                .failures
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

fn text_response(status: StatusCode, text: String) -> Response {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn is_hop_header(name: &HeaderName) -> bool {
    HOP_HEADERS.contains(&name.as_str())
}

fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// Replaces `from` by `to` in a body when it is UTF-8 text; binary bodies pass unchanged.
fn rewrite_origin(body: &[u8], from: &str, to: &str) -> Vec<u8> {
    match std::str::from_utf8(body) {
        Ok(text) if text.contains(from) => text.replace(from, to).into_bytes(),
        _ => body.to_vec(),
    }
}

async fn forward(State(state): State<Arc<ProxyState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let request_body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(e) => {
            return text_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("xtask recording proxy: cannot read the request body: {e}"),
            )
        }
    };
    let path = parts.uri.path().to_owned();
    let raw_query = parts.uri.query().map(str::to_owned);
    let mut target = format!("{}{path}", state.upstream_origin);
    if let Some(q) = &raw_query {
        target.push('?');
        target.push_str(q);
    }
    let mut upstream = state.client.request(parts.method.clone(), &target);
    for (name, value) in &parts.headers {
        if !is_hop_header(name) {
            upstream = upstream.header(name, value);
        }
    }
    if !request_body.is_empty() {
        upstream = upstream.body(request_body.clone());
    }
    let answer = match upstream.send().await {
        Ok(answer) => answer,
        Err(e) => {
            let message = format!(
                "cannot reach {} for {} {path}: {}",
                state.upstream_origin,
                parts.method,
                e.without_url()
            );
            state
                .failures
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(message.clone());
            return text_response(
                StatusCode::BAD_GATEWAY,
                format!("xtask recording proxy: {message}"),
            );
        }
    };
    let status = answer.status();
    let upstream_headers = answer.headers().clone();
    let upstream_body = match answer.bytes().await {
        Ok(bytes) => bytes,
        Err(e) => {
            let message = format!("reading the answer to {} {path} failed: {e}", parts.method);
            state
                .failures
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(message.clone());
            return text_response(
                StatusCode::BAD_GATEWAY,
                format!("xtask recording proxy: {message}"),
            );
        }
    };
    let response_body = rewrite_origin(&upstream_body, &state.upstream_origin, &state.own_origin);

    let mut response = Response::new(Body::from(response_body.clone()));
    *response.status_mut() =
        StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    for (name, value) in &upstream_headers {
        if is_hop_header(name) {
            continue;
        }
        let value = if name == http::header::LOCATION {
            let rewritten = String::from_utf8_lossy(value.as_bytes())
                .replace(&state.upstream_origin, &state.own_origin);
            HeaderValue::from_str(&rewritten).unwrap_or_else(|_| value.clone())
        } else {
            value.clone()
        };
        response.headers_mut().append(name.clone(), value);
    }

    let exchange = RawExchange {
        method: parts.method.as_str().to_owned(),
        path,
        query: raw_query
            .as_deref()
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default(),
        request_headers: header_pairs(&parts.headers),
        request_body: request_body.to_vec(),
        status: status.as_u16(),
        response_headers: header_pairs(response.headers()),
        response_body,
    };
    state
        .exchanges
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(exchange);
    response
}
