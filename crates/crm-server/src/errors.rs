//! The Truto error envelope and the mapping of every failure onto it.
//!
//! ```json
//! {"statusCode": 429, "error": "Too Many Requests", "message": "...",
//!  "truto_is_remote_error": true, "raw_response": {...}}
//! ```
//!
//! Provider errors add `truto_is_remote_error` and `raw_response` (the provider's body, as JSON
//! when it parses, else as text). A missing `integrated_account_id` adds
//! `truto_error_insight.missing_required_query_parameters`. A 429 carries `Retry-After` and the
//! normalized `ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset` headers.

use crate::store::StoreError;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use crm_core::{Error, Provider, RateLimit};
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::time::Duration;

/// Every status `GET /unified/crm/leads` can answer with besides 200 (the OpenAPI document lists
/// them; a test checks it). Provider 4xx answers other than these pass through as they are, which
/// the document covers with `4XX`.
pub const LIST_ERROR_STATUSES: &[u16] = &[400, 401, 403, 404, 429, 500, 502, 504];

/// `Retry-After` sent with a 429 when the provider gave no figure.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(60);

/// An error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// Set for errors that come from the provider's answer (or its absence).
    pub remote: bool,
    /// The provider's body.
    pub raw_response: Option<String>,
    pub insight: Option<Value>,
    /// For 429: how long to wait and the provider's figures.
    pub rate_limit: Option<(Duration, RateLimit)>,
    /// For our own 401: ask for a bearer token.
    pub challenge: bool,
    /// The provider, for logs.
    pub provider: Option<Provider>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            remote: false,
            raw_response: None,
            insight: None,
            rate_limit: None,
            challenge: false,
            provider: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError {
            challenge: true,
            ..ApiError::new(StatusCode::UNAUTHORIZED, message)
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// 400 for a request without `integrated_account_id`.
    pub fn missing_account_id() -> Self {
        ApiError {
            insight: Some(json!({
                "missing_required_query_parameters": ["integrated_account_id"]
            })),
            ..ApiError::bad_request(
                "the query parameter `integrated_account_id` is required: pass the uuid of the connected account, as in ?integrated_account_id=62f44730-dd91-461e-bd6a-aedd9e0ad79d",
            )
        }
    }

    /// The same 404 for an unknown account and for another tenant's account, so that a caller
    /// cannot probe which ids exist.
    pub fn unknown_account(id: &str) -> Self {
        ApiError::not_found(format!(
            "no integrated account `{id}` for this API key; check the id, or the key you use"
        ))
    }

    /// The 504 of the server's own request timeout.
    pub fn request_timeout(after: Duration) -> Self {
        ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            format!(
                "the request did not complete within {}s; try a smaller `limit` or retry later",
                after.as_secs_f64()
            ),
        )
    }

    /// The envelope as sent: keys in the documented order (`statusCode` first) and the provider's
    /// body in `raw_response` verbatim when it is JSON (no reordering, no rounding), else as text.
    fn envelope(&self) -> Envelope<'_> {
        let raw_response = match (&self.raw_response, self.remote) {
            (Some(raw), true) => Some(match serde_json::from_str::<&RawValue>(raw) {
                Ok(json) => RawOrText::Raw(json),
                Err(_) => RawOrText::Text(raw),
            }),
            _ => None,
        };
        Envelope {
            status_code: self.status.as_u16(),
            error: self.status.canonical_reason().unwrap_or("Error"),
            message: &self.message,
            truto_is_remote_error: self.remote.then_some(true),
            raw_response,
            truto_error_insight: self.insight.as_ref(),
        }
    }

    /// The envelope's JSON as a value (tests and logs): the serialized envelope itself, so there
    /// is one definition of its shape.
    pub fn body(&self) -> Value {
        serde_json::to_value(self.envelope()).unwrap_or(Value::Null)
    }
}

#[derive(serde::Serialize)]
struct Envelope<'a> {
    #[serde(rename = "statusCode")]
    status_code: u16,
    error: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    truto_is_remote_error: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_response: Option<RawOrText<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    truto_error_insight: Option<&'a Value>,
}

#[derive(serde::Serialize)]
#[serde(untagged)]
enum RawOrText<'a> {
    Raw(&'a RawValue),
    Text(&'a str),
}

/// `ratelimit-*` headers from a provider's figures (only the ones it gave).
pub fn rate_limit_headers(headers: &mut HeaderMap, limits: &RateLimit) {
    let mut put = |name: &'static str, value: Option<u64>| {
        if let Some(v) = value {
            headers.insert(HeaderName::from_static(name), HeaderValue::from(v));
        }
    };
    put("ratelimit-limit", limits.limit);
    put("ratelimit-remaining", limits.remaining);
    put("ratelimit-reset", limits.reset.map(ceil_secs));
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_GATEWAY);
        let mut out = ApiError::new(status, e.to_string());
        out.provider = e.provider();
        out.remote = e.is_remote();
        out.raw_response = e.remote().map(|r| r.body.clone());
        if let Error::RateLimited {
            retry_after,
            limits,
            ..
        } = &e
        {
            let wait = retry_after.or(limits.reset).unwrap_or(DEFAULT_RETRY_AFTER);
            out.rate_limit = Some((wait, *limits));
        }
        out
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "account store failure");
        ApiError::internal("the account store is unavailable; retry later")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.envelope())).into_response();
        let headers = response.headers_mut();
        if self.challenge {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some((wait, limits)) = &self.rate_limit {
            let wait = ceil_secs(*wait);
            headers.insert(header::RETRY_AFTER, HeaderValue::from(wait));
            let normalized = RateLimit {
                limit: limits.limit,
                remaining: Some(limits.remaining.unwrap_or(0)),
                reset: Some(limits.reset.unwrap_or(Duration::from_secs(wait))),
            };
            rate_limit_headers(headers, &normalized);
        }
        // Handlers read this back for the request log line.
        response.extensions_mut().insert(ErrorLog {
            provider: self.provider,
            remote: self.remote,
        });
        response
    }
}

/// What the request log records about an error answer.
#[derive(Debug, Clone, Copy)]
pub struct ErrorLog {
    pub provider: Option<Provider>,
    pub remote: bool,
}

#[cfg(test)]
mod tests {

    #[test]
    fn envelope_keeps_the_documented_order_and_the_providers_body_verbatim() {
        let remote = crm_core::RemoteResponse::new(
            400,
            br#"[{"message":"bad","n":12345678901234567890,"f":1.10}]"#,
            None,
        );
        let e = Error::Remote {
            provider: crm_core::provider!("salesforce", "Salesforce"),
            message: "bad".into(),
            remote,
        };
        let body = serde_json::to_string(&ApiError::from(e).envelope()).unwrap();
        assert!(
            body.starts_with(r#"{"statusCode":400,"error":"Bad Request","message":"#),
            "{body}"
        );
        assert!(
            body.ends_with(r#""truto_is_remote_error":true,"raw_response":[{"message":"bad","n":12345678901234567890,"f":1.10}]}"#),
            "{body}"
        );
        let remote = crm_core::RemoteResponse::new(502, b"<html>bad gateway</html>", None);
        let e = Error::Remote {
            provider: crm_core::provider!("zoho", "Zoho CRM"),
            message: "m".into(),
            remote,
        };
        let body = serde_json::to_string(&ApiError::from(e).envelope()).unwrap();
        assert!(
            body.ends_with(r#""raw_response":"<html>bad gateway</html>"}"#),
            "{body}"
        );
    }

    use super::*;
    use crm_core::RemoteResponse;

    #[test]
    fn remote_errors_carry_the_provider_body() {
        let e = ApiError::from(Error::Unauthorized {
            provider: crm_core::provider!("salesforce", "Salesforce"),
            message: "Session expired or invalid".into(),
            remote: Some(RemoteResponse::new(
                401,
                br#"[{"errorCode":"INVALID_SESSION_ID"}]"#,
                None,
            )),
        });
        assert_eq!(
            e.body(),
            json!({
                "statusCode": 401,
                "error": "Unauthorized",
                "message": "Salesforce rejected the account's credentials: Session expired or invalid",
                "truto_is_remote_error": true,
                "raw_response": [{"errorCode": "INVALID_SESSION_ID"}]
            })
        );
        let text = ApiError::from(Error::InvalidResponse {
            provider: crm_core::provider!("zoho", "Zoho CRM"),
            message: "x".into(),
            remote: Some(RemoteResponse::new(200, b"<html>", None)),
        });
        assert_eq!(text.status, StatusCode::BAD_GATEWAY);
        assert_eq!(text.body()["raw_response"], json!("<html>"));
    }

    #[test]
    fn rate_limits_become_headers() {
        let e = ApiError::from(Error::RateLimited {
            provider: crm_core::provider!("pipedrive", "Pipedrive"),
            message: "slow down".into(),
            retry_after: Some(Duration::from_millis(1500)),
            limits: RateLimit {
                limit: Some(80),
                remaining: None,
                reset: None,
            },
            remote: None,
        });
        let r = e.into_response();
        assert_eq!(r.status(), 429);
        let h = r.headers();
        assert_eq!(h["retry-after"], "2");
        assert_eq!(h["ratelimit-limit"], "80");
        assert_eq!(h["ratelimit-remaining"], "0");
        assert_eq!(h["ratelimit-reset"], "2");
    }

    #[test]
    fn missing_account_id_has_insight() {
        let body = ApiError::missing_account_id().body();
        assert_eq!(
            body["truto_error_insight"]["missing_required_query_parameters"],
            json!(["integrated_account_id"])
        );
        assert!(body.get("truto_is_remote_error").is_none());
    }
}
