//! Pipedrive's error answers and rate-limit headers, turned into [`crm_core::Error`].
//!
//! Error bodies look like `{"success":false,"error":"...","error_info":"...","errorCode":401}`;
//! anything else (an HTML page from a proxy, a cut-off body) still gives a clear error that says
//! what the status means and what to do. Provider text is quoted, capped, and never holds our
//! credentials (they travel in headers only).

use crate::records::ErrorBody;
use crm_core::transport::{classify_status, HttpResponse};
use crm_core::{Error, RateLimit};
use std::time::Duration;

/// Longest provider message quoted in our error text (the full body stays in `raw_response`).
const MAX_QUOTE: usize = 300;

/// `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-reset` (seconds), read on every
/// answer, successful or not.
pub fn rate_limit(response: &HttpResponse) -> RateLimit {
    RateLimit {
        limit: response.header_u64("x-ratelimit-limit"),
        remaining: response.header_u64("x-ratelimit-remaining"),
        reset: response.header("x-ratelimit-reset").and_then(seconds),
    }
}

/// Whole or fractional seconds (rounded up), without going through a float.
fn seconds(value: &str) -> Option<Duration> {
    let value = value.trim();
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if whole.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs: u64 = whole.parse().ok()?;
    let round_up = fraction.bytes().any(|b| b != b'0');
    Some(Duration::from_secs(
        secs.saturating_add(u64::from(round_up)),
    ))
}

/// Pipedrive's own words from an error body, or `None` when the body is not its JSON.
fn provider_text(body: &[u8]) -> Option<(String, Option<String>)> {
    let parsed: ErrorBody<'_> = serde_json::from_slice(body).ok()?;
    let parts: Vec<&str> = [parsed.error.as_deref(), parsed.error_info.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let mut text = parts.join(": ");
    if let Some((cut, _)) = text.char_indices().nth(MAX_QUOTE) {
        text.truncate(cut);
        text.push('…');
    }
    Some((text, parsed.error_code.map(|c| c.0.into_owned())))
}

/// What the status means for a leads list, and what to do about it.
fn advice(status: u16, daily_budget_spent: bool) -> &'static str {
    // crm-core prefixes these with what happened ("Pipedrive rejected the account's credentials: ").
    match status {
        401 => "the API token or OAuth access token is invalid or expired; reconnect the account or replace its API token",
        403 => "the user or OAuth app may not read leads; check the user's permissions and the app's `leads:read` scope",
        404 => "the leads endpoint is not at this address; check the account's base URL (the OAuth `api_domain`, or https://api.pipedrive.com with an API token)",
        429 if daily_budget_spent => "the account's daily API token budget is used up; retry after it resets",
        429 => "too many requests in the current window; retry after the reset time",
        400..=499 => "the request was refused; check any remote_query parameters",
        _ => "a failure on Pipedrive's side; retry later",
    }
}

/// Classifies a non-2xx answer.
pub fn classify(response: &HttpResponse) -> Error {
    let status = response.status.as_u16();
    let mut limits = rate_limit(response);
    let daily_budget_spent =
        status == 429 && response.header_u64("x-daily-ratelimit-token-remaining") == Some(0);
    if daily_budget_spent && limits.remaining.is_none() {
        limits.remaining = Some(0);
    }
    let advice = advice(status, daily_budget_spent);
    let (message, code) = match provider_text(&response.body) {
        Some((text, code)) if !text.is_empty() => {
            (format!("{advice} (Pipedrive said: {text})"), code)
        }
        Some((_, code)) => (advice.to_owned(), code),
        None if response.body.is_empty() => (format!("{advice} (the response had no body)"), None),
        None => (
            format!("{advice} (the response body was not Pipedrive's JSON)"),
            None,
        ),
    };
    classify_status(crate::PROVIDER, response, message, code, limits)
}

/// A 2xx answer whose body says `success: false`: Pipedrive's error shape on a success status.
pub fn unsuccessful(response: &HttpResponse) -> Error {
    let said = provider_text(&response.body)
        .map(|(text, _)| text)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "no error message".to_owned());
    Error::InvalidResponse {
        provider: crate::PROVIDER,
        message: format!(
            "the leads list answered HTTP {} with `success: false` ({said}); retry later",
            response.status.as_u16()
        ),
        remote: Some(response.remote(None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&'static str, &str)], text: &str) -> HttpResponse {
        crm_testkit::http_response(status, headers, text)
    }

    #[test]
    fn reads_rate_limit_headers() {
        let r = response(
            200,
            &[
                ("x-ratelimit-limit", "80"),
                ("x-ratelimit-remaining", " 79 "),
                ("x-ratelimit-reset", "2"),
            ],
            "{}",
        );
        assert_eq!(
            rate_limit(&r),
            RateLimit {
                limit: Some(80),
                remaining: Some(79),
                reset: Some(Duration::from_secs(2))
            }
        );
        assert!(rate_limit(&response(200, &[], "{}")).is_empty());
        let odd = response(
            200,
            &[("x-ratelimit-limit", "many"), ("x-ratelimit-reset", "-1")],
            "{}",
        );
        assert!(rate_limit(&odd).is_empty());
    }

    #[test]
    fn fractional_reset_rounds_up() {
        assert_eq!(seconds("1.5"), Some(Duration::from_secs(2)));
        assert_eq!(seconds("2.000"), Some(Duration::from_secs(2)));
        assert_eq!(seconds("2."), Some(Duration::from_secs(2)));
        for bad in ["", ".5", "1.x", "1e3", "-2", "nan"] {
            assert_eq!(seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn unauthorized_keeps_provider_words_and_code() {
        let err = classify(&response(
            401,
            &[],
            r#"{"success":false,"error":"unauthorized access","errorCode":401}"#,
        ));
        assert!(err.is_unauthorized());
        assert_eq!(err.remote().unwrap().code.as_deref(), Some("401"));
        assert!(
            err.to_string()
                .ends_with("replace its API token (Pipedrive said: unauthorized access)"),
            "{err}"
        );
    }

    #[test]
    fn not_found_joins_error_and_info() {
        let err = classify(&response(
            404,
            &[],
            r#"{"success":false,"error":"requested lead not found","error_info":"Object was not found.","data":null}"#,
        ));
        assert_eq!(err.http_status(), 404);
        assert!(
            err.to_string()
                .ends_with("(Pipedrive said: requested lead not found: Object was not found.)"),
            "{err}"
        );
    }

    #[test]
    fn too_many_requests_carries_figures() {
        let err = classify(&response(
            429,
            &[
                ("x-ratelimit-limit", "40"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", "2"),
            ],
            r#"{"success":false,"error":"Request over limit"}"#,
        ));
        match err {
            Error::RateLimited {
                retry_after,
                limits,
                ..
            } => {
                assert_eq!(retry_after, Some(Duration::from_secs(2)));
                assert_eq!(limits.limit, Some(40));
                assert_eq!(limits.remaining, Some(0));
            }
            other => panic!("{other:?}"),
        }
        let daily = classify(&response(
            429,
            &[("x-daily-ratelimit-token-remaining", "0")],
            "",
        ));
        assert!(
            daily.to_string().contains("daily API token budget"),
            "{daily}"
        );
        assert!(daily.to_string().contains("no body"), "{daily}");
    }

    #[test]
    fn non_json_and_odd_bodies_never_panic() {
        for (status, body) in [
            (502, "<html><body>Bad gateway</body></html>"),
            (500, r#"{"success":false,"error":"#),
            (503, "\u{0}\u{1}"),
            (400, r#"{"error": 12}"#),
            (500, r#"[1,2]"#),
            (500, r#"{"success":false,"error":"   "}"#),
        ] {
            let err = classify(&response(status, &[], body));
            assert_eq!(err.remote().unwrap().status, status);
            assert!(!err.to_string().is_empty());
        }
        let html = classify(&response(502, &[], "<html>"));
        assert_eq!(html.http_status(), 502);
        assert!(html.is_retryable());
        assert!(html.to_string().contains("not Pipedrive's JSON"), "{html}");
    }

    #[test]
    fn long_provider_text_is_cut_on_a_char_boundary() {
        let long = "é".repeat(1000);
        let err = classify(&response(400, &[], &format!(r#"{{"error":"{long}"}}"#)));
        let text = err.to_string();
        assert!(
            text.chars().filter(|&c| c == 'é').count() == MAX_QUOTE,
            "{text}"
        );
        assert!(text.contains('…'));
    }

    #[test]
    fn success_false_on_a_2xx_is_an_invalid_response() {
        let err = unsuccessful(&response(200, &[], r#"{"success":false,"error":"boom"}"#));
        assert_eq!(err.http_status(), 502);
        assert!(err.to_string().contains("(boom)"), "{err}");
    }
}
