//! Zendesk Sell's error answers, turned into [`crm_core::Error`].
//!
//! Error bodies are `{"errors":[{"error":{code, message, details, field}}],"meta":{http_status,
//! logref}}`; the first entry's code and words are quoted (capped), and `meta.logref` (the
//! request id Zendesk support asks for) is kept in the message. Anything else (an HTML page from
//! a proxy, a cut-off body) still gives a clear error. No rate-limit headers are documented;
//! `x-ratelimit-*` figures and `Retry-After` are read when an answer carries them.

use crate::records::{ErrorDetail, ErrorEnvelope};
use crm_core::transport::{classify_status, HttpResponse};
use crm_core::{Error, RateLimit};
use std::time::Duration;

/// Longest provider text quoted in our error message (the full body stays in `raw_response`).
const MAX_QUOTE: usize = 300;

/// `x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-reset` (seconds), when present.
pub fn rate_limit(response: &HttpResponse) -> RateLimit {
    RateLimit {
        limit: response.header_u64("x-ratelimit-limit"),
        remaining: response.header_u64("x-ratelimit-remaining"),
        reset: response
            .header_u64("x-ratelimit-reset")
            .map(Duration::from_secs),
    }
}

/// Zendesk Sell's words (`code: message (details)`), code and logref, or `None` when the body is
/// not its JSON.
fn provider_text(body: &[u8]) -> Option<(String, Option<String>, Option<String>)> {
    let parsed: ErrorEnvelope<'_> = serde_json::from_slice(body).ok()?;
    let detail: Option<&ErrorDetail<'_>> = parsed
        .errors
        .as_ref()
        .and_then(|e| e.iter().find_map(|entry| entry.error.as_ref()))
        .or(parsed.error.as_ref());
    let clean = |s: Option<&str>| {
        s.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let code = detail.and_then(|d| clean(d.code.as_deref()));
    let mut text = [
        code.clone(),
        detail.and_then(|d| clean(d.message.as_deref())),
        detail.and_then(|d| clean(d.details.as_deref())),
        detail
            .and_then(|d| clean(d.field.as_deref()))
            .map(|f| format!("field {f}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(": ");
    if let Some((cut, _)) = text.char_indices().nth(MAX_QUOTE) {
        text.truncate(cut);
        text.push('…');
    }
    let logref = parsed
        .meta
        .and_then(|m| clean(m.logref.as_deref()))
        .map(|l| crm_core::text::shorten(&l).into_owned());
    Some((text, code, logref))
}

/// What the status means for a leads list, and what to do about it.
fn advice(status: u16) -> &'static str {
    match status {
        401 => "the access token is missing, invalid or expired; reconnect the account or replace its personal access token",
        403 => "the token may not read leads; check the user's permissions and the OAuth app's `read` scope",
        404 => "the leads endpoint is not at this address; check the account's base URL (https://api.getbase.com)",
        429 => "more than the account's request allowance (36,000 an hour); retry later",
        400..=499 => "the request was refused; check the filters and any remote_query parameters",
        _ => "a failure on Zendesk Sell's side; retry later",
    }
}

/// Classifies a non-2xx answer.
pub fn classify(response: &HttpResponse) -> Error {
    let status = response.status.as_u16();
    let advice = advice(status);
    let (message, code) = match provider_text(&response.body) {
        Some((text, code, logref)) => {
            let mut message = advice.to_owned();
            if !text.is_empty() {
                message.push_str(&format!(" (Zendesk Sell said: {text})"));
            }
            if let Some(logref) = logref {
                message.push_str(&format!(" [logref {logref}]"));
            }
            (message, code)
        }
        None if response.body.is_empty() => (format!("{advice} (the response had no body)"), None),
        None => (
            format!("{advice} (the response body was not Zendesk Sell's JSON)"),
            None,
        ),
    };
    classify_status(
        crate::PROVIDER,
        response,
        message,
        code,
        rate_limit(response),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&'static str, &str)], text: &str) -> HttpResponse {
        crm_testkit::http_response(status, headers, text)
    }

    #[test]
    fn unauthorized_keeps_words_code_and_logref() {
        let err = classify(&response(
            401,
            &[],
            r#"{"errors":[{"error":{"code":"unauthorized","message":"request is unauthorized","details":"Required access token is missing, malformed, expired, or invalid."},"meta":{"type":"error"}}],"meta":{"type":"errors","http_status":"401 Unauthorized","logref":"0a1b2c3d-logref"}}"#,
        ));
        assert!(err.is_unauthorized());
        assert_eq!(err.remote().unwrap().code.as_deref(), Some("unauthorized"));
        let text = err.to_string();
        assert!(
            text.contains(
                "(Zendesk Sell said: unauthorized: request is unauthorized: Required access token"
            ),
            "{text}"
        );
        assert!(text.ends_with("[logref 0a1b2c3d-logref]"), "{text}");
    }

    #[test]
    fn the_inner_form_and_validation_errors() {
        let err = classify(&response(401, &[], r#"{"error":{"code":"unauthorized"}}"#));
        assert!(
            err.to_string()
                .ends_with("(Zendesk Sell said: unauthorized)"),
            "{err}"
        );
        let err = classify(&response(
            422,
            &[],
            r#"{"errors":[{"error":{"resource":"lead","field":"/data/last_name","code":"blank"}}]}"#,
        ));
        assert_eq!(err.remote().unwrap().status, 422);
        assert!(
            err.to_string().contains("blank: field /data/last_name"),
            "{err}"
        );
    }

    #[test]
    fn rate_limited_reads_retry_after_and_figures() {
        let err = classify(&response(
            429,
            &[
                ("retry-after", "7"),
                ("x-ratelimit-limit", "36000"),
                ("x-ratelimit-remaining", "0"),
            ],
            r#"{"errors":[{"error":{"code":"rate_limit_exceeded","message":"slow down"}}]}"#,
        ));
        match err {
            Error::RateLimited {
                retry_after,
                limits,
                ..
            } => {
                assert_eq!(retry_after, Some(Duration::from_secs(7)));
                assert_eq!(limits.limit, Some(36000));
                assert_eq!(limits.remaining, Some(0));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn non_json_and_odd_bodies_never_panic() {
        for (status, body) in [
            (502, "<html>Bad gateway</html>"),
            (500, r#"{"errors":"#),
            (503, ""),
            (500, r#"{"errors":[]}"#),
            (500, r#"[1]"#),
            (403, r#"{"errors":[{"error":{"code":5}}]}"#),
        ] {
            let err = classify(&response(status, &[], body));
            assert_eq!(err.remote().unwrap().status, status);
            assert!(!err.to_string().is_empty());
        }
        let html = classify(&response(502, &[], "<html>"));
        assert!(html.is_retryable());
        assert!(
            html.to_string().contains("not Zendesk Sell's JSON"),
            "{html}"
        );
    }

    #[test]
    fn long_text_is_cut_on_a_char_boundary() {
        let long = "é".repeat(1000);
        let err = classify(&response(
            400,
            &[],
            &format!(r#"{{"errors":[{{"error":{{"message":"{long}"}}}}]}}"#),
        ));
        assert_eq!(
            err.to_string().chars().filter(|&c| c == 'é').count(),
            MAX_QUOTE
        );
    }
}
