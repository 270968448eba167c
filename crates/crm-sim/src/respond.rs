//! Answer helpers shared by the four protocol modules: JSON responses, query-string parsing, and
//! the dispatch from a generic failure (rate limit, 5xx, unknown path) to the provider's format.

use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::Value;

use crate::config::SimProvider;
use crate::faults::UsageInfo;
use crate::state::SimState;

/// A failure that every provider answers in its own format.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Failure {
    RateLimited { retry_after: Option<u64> },
    ServerError(StatusCode),
    NotFound,
}

/// The provider's answer to `failure`.
pub(crate) fn failure(st: &SimState, failure: Failure) -> Response {
    match st.provider {
        SimProvider::Copper => crate::copper::failure(failure),
        SimProvider::Insightly => crate::insightly::failure(failure),
        SimProvider::Pipedrive => crate::pipedrive::failure(failure),
        SimProvider::Salesforce => crate::salesforce::failure(failure),
        SimProvider::Zoho => crate::zoho::failure(failure),
        SimProvider::ZendeskSell => crate::zendesk_sell::failure(st, failure),
    }
}

/// Headers the provider puts on every data answer (usage counters).
pub(crate) fn decorate(st: &SimState, resp: &mut Response, usage: UsageInfo) {
    match st.provider {
        SimProvider::Pipedrive => crate::pipedrive::decorate(resp, usage),
        SimProvider::Salesforce => crate::salesforce::decorate(resp, usage),
        SimProvider::Copper
        | SimProvider::Insightly
        | SimProvider::Zoho
        | SimProvider::ZendeskSell => {}
    }
}

/// A JSON answer with `status`.
pub(crate) fn json(status: StatusCode, value: &Value) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    resp
}

/// A JSON answer whose body is already serialized.
pub(crate) fn json_text(status: StatusCode, body: String) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    resp
}

/// `[a,b,...]` from serialized elements.
pub(crate) fn array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push(']');
    out
}

/// Set a header from text (ignored if the text is not a valid header value).
pub(crate) fn set_header(resp: &mut Response, name: &'static str, value: impl AsRef<str>) {
    if let Ok(v) = HeaderValue::from_str(value.as_ref()) {
        resp.headers_mut().insert(HeaderName::from_static(name), v);
    }
}

/// Decoded query parameters in order (`+` is a space, as in every form decoder).
pub(crate) fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The last value of parameter `name`.
pub(crate) fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}
