//! Copper's error answers -> [`crm_core::Error`].
//!
//! Copper answers `{"success": false, "status": <n>, "message": "..."}`. The HTTP status decides
//! the class; the message is passed on. Bodies that are empty or not JSON (a gateway's HTML page)
//! still give a clear error, and the body itself travels in `raw_response`.

use crate::records::{ErrorBody, Text};
use crm_core::transport::{classify_status, HttpResponse};
use crm_core::{Error, RateLimit, Result};
use serde_json::value::RawValue;
use std::time::Duration;

/// Wait suggested after a 429 that carries no `Retry-After` (Copper documents none). Copper allows
/// 180 requests in a rolling minute, so after a full minute the window holds none of ours.
pub const RATE_LIMIT_RETRY_HINT: Duration = Duration::from_secs(60);

/// Longest provider message passed on.
const MAX_MESSAGE: usize = 300;

/// Classifies a non-2xx answer.
pub fn classify(response: &HttpResponse) -> Error {
    let status = response.status.as_u16();
    let message = match copper_message(&response.body) {
        Some(m) => m,
        None if response.body.iter().all(u8::is_ascii_whitespace) => "no error message".into(),
        None if serde_json::from_slice::<&RawValue>(&response.body).is_err() => {
            "the body is not JSON (see raw_response)".into()
        }
        None => "no error message in the JSON body (see raw_response)".into(),
    };
    match status {
        401 => classify_status(
            crate::PROVIDER,
            response,
            format!("{message}; check the account's Copper API key and the user e-mail it was issued to"),
            None,
            RateLimit::default(),
        ),
        403 => classify_status(
            crate::PROVIDER,
            response,
            format!("{message}; the Copper user behind the API key may not search leads"),
            None,
            RateLimit::default(),
        ),
        429 => Error::RateLimited {
            provider: crate::PROVIDER,
            message: format!("{message}; Copper allows 180 requests per rolling minute"),
            retry_after: Some(response.retry_after().unwrap_or(RATE_LIMIT_RETRY_HINT)),
            limits: RateLimit::default(),
            remote: Some(response.remote(None)),
        },
        _ => classify_status(
            crate::PROVIDER,
            response,
            message,
            None,
            RateLimit::default(),
        ),
    }
}

/// Copper's `message` (or a gateway's `error`), trimmed and cut to a readable length.
fn copper_message(body: &[u8]) -> Option<String> {
    let parsed: ErrorBody<'_> = serde_json::from_slice(body).ok()?;
    let text = parsed.message.or(parsed.error)?;
    let text = text.as_str().trim();
    if text.is_empty() {
        return None;
    }
    Some(crm_core::text::shorten_to(text, MAX_MESSAGE).into_owned())
}

/// Reads a 2xx search body: a bare JSON array of leads, each kept as raw JSON.
pub fn parse_page(response: &HttpResponse) -> Result<Vec<Box<RawValue>>> {
    crate::records::parse_page(&response.body).map_err(|e| {
        let message = match serde_json::from_slice::<ErrorBody<'_>>(&response.body) {
            Ok(ErrorBody {
                message: Some(Text(m)),
                ..
            }) => format!(
                "expected a JSON array of leads, got an error object: {}",
                m.chars().take(MAX_MESSAGE).collect::<String>()
            ),
            _ => format!("expected a JSON array of leads ({e})"),
        };
        Error::InvalidResponse {
            provider: crate::PROVIDER,
            message,
            remote: Some(response.remote(None)),
        }
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
        let e = classify(&response(
            401,
            r#"{"success":false,"status":401,"message":"Invalid user or token"}"#,
        ));
        assert!(e.is_unauthorized());
        assert!(e.to_string().contains("Invalid user or token"), "{e}");
        assert!(e.to_string().contains("API key"), "{e}");

        let e = classify(&response(403, r#"{"message":"Forbidden"}"#));
        assert_eq!(e.http_status(), 403);

        let e = classify(&response(
            404,
            r#"{"success":false,"status":404,"message":"Resource not found"}"#,
        ));
        assert_eq!(e.http_status(), 404);

        let e = classify(&response(
            422,
            r#"{"success":false,"status":422,"message":"Invalid input: page_size"}"#,
        ));
        assert_eq!(e.http_status(), 422);
        assert!(e.to_string().contains("Invalid input: page_size"));

        let e = classify(&response(
            500,
            r#"{"success":false,"status":500,"message":"Internal error"}"#,
        ));
        assert_eq!(e.http_status(), 502);
        assert_eq!(e.remote().unwrap().status, 500);
        assert!(e.to_string().contains("Internal error"));

        let e = classify(&response(
            503,
            r#"{"success":false,"status":503,"message":"Unavailable"}"#,
        ));
        assert_eq!(e.http_status(), 502);
        assert!(e.is_retryable());
    }

    #[test]
    fn rate_limit_has_a_wait_hint_or_the_header() {
        let e = classify(&response(
            429,
            r#"{"success":false,"status":429,"message":"Rate limit exceeded"}"#,
        ));
        assert!(e.is_rate_limited());
        assert_eq!(e.retry_after(), Some(RATE_LIMIT_RETRY_HINT));

        let mut r = response(429, "");
        r.headers
            .insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(classify(&r).retry_after(), Some(Duration::from_secs(7)));
    }

    #[test]
    fn odd_bodies_still_give_clear_errors() {
        for (body, expected) in [
            ("<html><body>Bad gateway</body></html>", "not JSON"),
            ("", "no error message"),
            (r#"{"success":false,"status":5"#, "not JSON"),
            (r#"[1,2]"#, "no error message in the JSON body"),
            (r#"{"message":"   "}"#, "no error message in the JSON body"),
            ("\u{0}\u{1}binary", "not JSON"),
        ] {
            let e = classify(&response(502, body));
            assert!(e.to_string().contains(expected), "{body:?}: {e}");
            assert_eq!(e.remote().unwrap().body, body);
        }
        let long = format!(r#"{{"message":"{}"}}"#, "x".repeat(5000));
        assert!(classify(&response(500, &long)).to_string().len() < 500);
    }

    #[test]
    fn page_bodies_must_be_arrays() {
        assert_eq!(parse_page(&response(200, "[]")).unwrap().len(), 0);
        assert_eq!(
            parse_page(&response(200, r#"[{"id":1},{"id":2}]"#))
                .unwrap()
                .len(),
            2
        );
        let e = parse_page(&response(200, r#"{"success":false,"message":"Oops"}"#)).unwrap_err();
        assert!(e.to_string().contains("error object: Oops"), "{e}");
        let e = parse_page(&response(200, r#"[{"id":1},"#)).unwrap_err();
        assert!(matches!(e, Error::InvalidResponse { .. }));
        assert_eq!(e.http_status(), 502);
    }
}
