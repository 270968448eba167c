//! The axum application: state, router, middleware (request id, request log, timeout) and the
//! shutdown signal. Serving is [`crate::serve`].

use crate::auth::{Auth, Tenant};
use crate::errors::{ApiError, ErrorLog};
use crate::registry::{ConnectorFactory, Registry};
use crate::routes;
use crate::store::{Account, Store};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use crm_core::{Capabilities, CursorCodec, Provider};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_http::timeout::TimeoutLayer;
use tracing::Instrument;
use uuid::Uuid;

/// Default limit on one request's total time (the connectors' own provider timeout is 30 s, so a
/// slow provider answers with its specific 504 first).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The request-id header, read from the caller when well-formed and always sent back.
pub const REQUEST_ID: &str = "x-request-id";

/// Shared state of the handlers.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
pub struct Inner {
    pub store: Store,
    pub registry: Registry,
    pub codec: CursorCodec,
    pub auth: Auth,
    /// Every provider's capabilities, to tell a caller who supports a refused filter.
    pub all_capabilities: Vec<&'static Capabilities>,
    pub request_timeout: Duration,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(
        store: Store,
        factory: Arc<dyn ConnectorFactory>,
        codec: CursorCodec,
        auth: Auth,
    ) -> Self {
        AppState(Arc::new(Inner {
            store,
            registry: Registry::new(factory),
            codec,
            auth,
            all_capabilities: crate::connectors::all_capabilities(),
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }))
    }

    /// Overrides the request timeout (before the state is shared).
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.0) {
            inner.request_timeout = timeout;
        }
        self
    }

    /// Overrides the capabilities used to name the providers that support a refused filter.
    pub fn with_all_capabilities(mut self, all: Vec<&'static Capabilities>) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.0) {
            inner.all_capabilities = all;
        }
        self
    }

    /// The providers that support a filter.
    pub fn supported_by(&self, filter: crm_core::FilterKey) -> Vec<Provider> {
        let mut providers: Vec<Provider> = self
            .all_capabilities
            .iter()
            .filter(|c| c.filter(filter).is_some())
            .map(|c| c.provider)
            .collect();
        providers.sort();
        providers.dedup();
        providers
    }

    /// The caller's account named by `integrated_account_id`: 400 when missing or not a uuid, the
    /// same 404 when unknown or another tenant's.
    pub async fn account_for(
        &self,
        tenant: &Tenant,
        id: Option<&str>,
    ) -> Result<Account, ApiError> {
        let id = id.ok_or_else(ApiError::missing_account_id)?;
        let uuid = Uuid::parse_str(id).map_err(|_| {
            ApiError::bad_request(format!(
                "invalid query parameter `integrated_account_id`: `{}` is not a uuid; use the id of the connected account, such as 62f44730-dd91-461e-bd6a-aedd9e0ad79d",
                crm_core::text::shorten(id)
            ))
        })?;
        let account = self
            .store
            .tenant_account(&tenant.0, uuid)
            .await?
            .ok_or_else(|| ApiError::unknown_account(&uuid.to_string()))?;
        let span = tracing::Span::current();
        span.record("account_id", tracing::field::display(account.id));
        span.record(
            "provider",
            tracing::field::display(account.provider.as_str()),
        );
        Ok(account)
    }
}

/// The router with every route and middleware.
pub fn router(state: AppState) -> Router {
    let timeout = state.request_timeout;
    Router::new()
        .route(
            "/unified/crm/leads",
            get(routes::leads::list).head(get_only).fallback(get_only),
        )
        .route(
            "/unified/crm/leads/meta",
            get(routes::meta::meta).head(get_only).fallback(get_only),
        )
        .route("/healthz", get(routes::health::healthz))
        .route("/openapi.json", get(routes::openapi::openapi_json))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::GATEWAY_TIMEOUT,
            timeout,
        ))
        .layer(middleware::map_response(move |r: Response| async move {
            timeout_envelope(r, timeout)
        }))
        .layer(middleware::from_fn(observe))
}

async fn not_found() -> ApiError {
    ApiError::not_found(
        "no such route; the API serves GET /unified/crm/leads, GET /unified/crm/leads/meta, GET /healthz and GET /openapi.json",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this route only answers GET",
    )
}

/// 405 with `Allow: GET` on the routes that reach a provider or the store: axum would answer HEAD
/// by running the GET handler, provider call included, and dropping the body.
async fn get_only() -> impl IntoResponse {
    (
        [(header::ALLOW, HeaderValue::from_static("GET"))],
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "this route only answers GET (HEAD would make the provider request only to drop its answer)",
        ),
    )
}

/// tower-http's timeout answers an empty 504; give it the error envelope.
fn timeout_envelope(response: Response, after: Duration) -> Response {
    if response.status() == StatusCode::GATEWAY_TIMEOUT
        && !response.headers().contains_key(header::CONTENT_TYPE)
    {
        return ApiError::request_timeout(after).into_response();
    }
    response
}

fn request_id(request: &Request) -> HeaderValue {
    request
        .headers()
        .get(REQUEST_ID)
        .filter(|v| {
            let b = v.as_bytes();
            !b.is_empty()
                && b.len() <= 64
                && b.iter()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        })
        .cloned()
        .unwrap_or_else(fresh_request_id)
}

/// A new request id.
pub(crate) fn fresh_request_id() -> HeaderValue {
    HeaderValue::from_str(&Uuid::new_v4().to_string()).expect("a uuid is a header value")
}

/// One span per request (request id, method, path without the query, account, provider) and one
/// log line when it ends (status, duration). Never the query string, headers or bodies: they carry
/// API keys and personal data.
async fn observe(request: Request, next: Next) -> Response {
    let id = request_id(&request);
    let span = tracing::info_span!(
        "request",
        request_id = %id.to_str().unwrap_or_default(),
        method = %request.method(),
        path = %request.uri().path(),
        account_id = tracing::field::Empty,
        provider = tracing::field::Empty,
    );
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (remote, error_provider) = response
        .extensions()
        .get::<ErrorLog>()
        .map(|e| {
            (
                e.remote,
                e.provider.map(|p| tracing::field::display(p.as_str())),
            )
        })
        .unwrap_or((false, None));
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!(
                status,
                duration_ms,
                remote,
                error_provider,
                "request finished"
            );
        } else {
            tracing::info!(
                status,
                duration_ms,
                remote,
                error_provider,
                "request finished"
            );
        }
    });
    response.headers_mut().insert(REQUEST_ID, id);
    response
}

/// Waits for SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
