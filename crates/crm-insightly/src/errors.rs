//! Insightly's error answers -> [`crm_core::Error`].
//!
//! Insightly's error bodies are often plain text (`API User does not have access to ...`) and their
//! JSON shape is not documented. The HTTP status decides the class; the message is the JSON
//! `Message`/`message`/`error` when the body is JSON, else the body's first line of text. The whole
//! body always travels in `raw_response`.

use crate::records::ErrorBody;
use crm_core::transport::{classify_status, HttpResponse};
use crm_core::{Error, RateLimit, Result};
use serde_json::value::RawValue;
use std::time::Duration;

/// Wait suggested after a 429 without `Retry-After` (Insightly documents no rate-limit headers).
pub const RATE_LIMIT_RETRY_HINT: Duration = Duration::from_secs(6);

/// Longest provider message passed on, in characters.
const MAX_MESSAGE: usize = 300;

/// Classifies a non-2xx answer.
pub fn classify(response: &HttpResponse) -> Error {
    let message = message(&response.body);
    match response.status.as_u16() {
        401 => classify_status(
            crate::PROVIDER,
            response,
            format!("{message}; check the account's Insightly API key and that the base URL is the key's pod"),
            None,
            RateLimit::default(),
        ),
        403 => classify_status(
            crate::PROVIDER,
            response,
            format!("{message}; the Insightly user behind the API key may not read leads (some objects are plan-gated)"),
            None,
            RateLimit::default(),
        ),
        429 => Error::RateLimited {
            provider: crate::PROVIDER,
            message: format!("{message}; Insightly limits calls per plan"),
            retry_after: Some(response.retry_after().unwrap_or(RATE_LIMIT_RETRY_HINT)),
            limits: RateLimit::default(),
            remote: Some(response.remote(None)),
        },
        _ => classify_status(crate::PROVIDER, response, message, None, RateLimit::default()),
    }
}

/// The message of an error body: JSON message keys, else the first non-blank line of text.
fn message(body: &[u8]) -> String {
    if let Ok(parsed) = serde_json::from_slice::<ErrorBody<'_>>(body) {
        if let Some(text) = parsed.text() {
            return clip(text);
        }
    }
    if serde_json::from_slice::<&RawValue>(body).is_ok() {
        return "no error message in the JSON body (see raw_response)".into();
    }
    let text = String::from_utf8_lossy(body);
    let looks_like_markup = text.trim_start().starts_with('<');
    match text.lines().map(str::trim).find(|l| !l.is_empty()) {
        None => "no error message".into(),
        Some(_) if looks_like_markup => "the body is not JSON (see raw_response)".into(),
        Some(line) if line.chars().any(char::is_control) => {
            "the body is not JSON (see raw_response)".into()
        }
        Some(line) => clip(line),
    }
}

fn clip(text: &str) -> String {
    crm_core::text::shorten_to(text, MAX_MESSAGE).into_owned()
}

/// Reads a 2xx body: a bare JSON array of leads, each kept as raw JSON.
pub fn parse_page(response: &HttpResponse) -> Result<Vec<Box<RawValue>>> {
    crate::records::parse_page(&response.body).map_err(|e| Error::InvalidResponse {
        provider: crate::PROVIDER,
        message: format!("expected a JSON array of leads ({e})"),
        remote: Some(response.remote(None)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn response(status: u16, body: &str) -> HttpResponse {
        crm_testkit::http_response(status, &[], body)
    }

    #[test]
    fn classes_follow_the_status() {
        let e = classify(&response(401, "Authentication failed"));
        assert!(e.is_unauthorized());
        assert!(e.to_string().contains("Authentication failed"), "{e}");
        let e = classify(&response(403, "user doesn't have access"));
        assert_eq!(e.http_status(), 403);
        let e = classify(&response(
            404,
            "API User does not have access to CommunityComments.",
        ));
        assert_eq!(e.http_status(), 404);
        assert!(e.to_string().contains("CommunityComments"), "{e}");
        assert_eq!(
            e.remote().unwrap().body,
            "API User does not have access to CommunityComments."
        );
        let e = classify(&response(400, r#"{"Message":"Invalid field_name"}"#));
        assert_eq!(e.http_status(), 400);
        assert!(e.to_string().contains("Invalid field_name"), "{e}");
        let e = classify(&response(503, "Service Unavailable"));
        assert_eq!(e.http_status(), 502);
        assert!(e.is_retryable());
    }

    #[test]
    fn rate_limit_honours_retry_after() {
        let e = classify(&response(429, "Too many requests"));
        assert!(e.is_rate_limited());
        assert_eq!(e.retry_after(), Some(RATE_LIMIT_RETRY_HINT));
        let mut r = response(429, "");
        r.headers
            .insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(classify(&r).retry_after(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn odd_bodies_still_give_clear_errors() {
        for (body, expected) in [
            ("<html><body>Bad gateway</body></html>", "not JSON"),
            ("", "no error message"),
            ("  \n ", "no error message"),
            ("[1,2]", "no error message in the JSON body"),
            ("\u{0}\u{1}binary", "not JSON"),
            ("first line\nsecond line", "first line"),
        ] {
            let e = classify(&response(502, body));
            assert!(e.to_string().contains(expected), "{body:?}: {e}");
            assert_eq!(e.remote().unwrap().body, body);
        }
        assert!(
            classify(&response(500, &"x".repeat(5000)))
                .to_string()
                .len()
                < 500
        );
    }

    #[test]
    fn page_bodies_must_be_arrays() {
        assert_eq!(parse_page(&response(200, "[]")).unwrap().len(), 0);
        let e = parse_page(&response(200, r#"{"Message":"x"}"#)).unwrap_err();
        assert_eq!(e.http_status(), 502);
        assert!(parse_page(&response(200, "[{")).is_err());
    }
}
