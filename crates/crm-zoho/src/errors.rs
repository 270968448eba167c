//! Zoho error answers → [`crm_core::Error`].
//!
//! Zoho's error body is `{"code", "details", "message", "status": "error"}`, sometimes wrapped as
//! `{"data": [{...}]}`. The code decides the class where Zoho's status is ambiguous (auth codes
//! are 401, but a scope problem is an auth problem too); otherwise the HTTP status does. A body
//! that is not JSON, or not this shape, still gives a clear error from the status alone.

use crm_core::transport::{classify_status, HttpResponse};
use crm_core::{Error, RateLimit};
use serde::Deserialize;
use std::borrow::Cow;

/// The parts of Zoho's error object we use.
#[derive(Debug, Default, Deserialize)]
struct ErrorBody<'a> {
    #[serde(default, borrow)]
    code: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    message: Option<Cow<'a, str>>,
    /// Read separately, so that unexpected details never hide the code.
    #[serde(default, borrow)]
    details: Option<&'a serde_json::value::RawValue>,
    #[serde(default, borrow)]
    data: Option<Vec<ErrorBody<'a>>>,
}

#[derive(Debug, Default, Deserialize)]
struct Details<'a> {
    #[serde(default, borrow)]
    param_name: Option<Cow<'a, str>>,
    #[serde(default)]
    limit: Option<u64>,
    #[serde(default, borrow)]
    permissions: Option<Vec<Cow<'a, str>>>,
}

/// Zoho's error as read from a body.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ZohoError {
    pub code: Option<String>,
    pub message: Option<String>,
    pub param_name: Option<String>,
    pub limit: Option<u64>,
    pub permissions: Vec<String>,
}

/// Reads Zoho's error object from a body (top level first, then the first `data[]` item with a
/// code). `None` when the body is not JSON of that shape.
pub fn parse_error(body: &[u8]) -> Option<ZohoError> {
    let parsed: ErrorBody<'_> = serde_json::from_slice(body).ok()?;
    let chosen = if parsed.code.is_some() {
        parsed
    } else {
        parsed.data?.into_iter().find(|item| item.code.is_some())?
    };
    let details: Details<'_> = chosen
        .details
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or_default();
    Some(ZohoError {
        code: chosen.code.map(Cow::into_owned),
        message: chosen.message.map(Cow::into_owned),
        param_name: details.param_name.map(Cow::into_owned),
        limit: details.limit,
        permissions: details
            .permissions
            .unwrap_or_default()
            .into_iter()
            .map(Cow::into_owned)
            .collect(),
    })
}

impl ZohoError {
    /// `CODE: message (parameter `x`, limit 50, missing permissions: P)`.
    fn summary(&self) -> String {
        // Zoho's messages sometimes end in a full stop; ours continue after them.
        let message = self
            .message
            .as_deref()
            .map(|m| m.trim().trim_end_matches('.'))
            .filter(|m| !m.is_empty());
        let mut text = match (&self.code, message) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            (Some(code), None) => code.clone(),
            (None, Some(message)) => message.to_owned(),
            (None, None) => "no error code or message".to_owned(),
        };
        let mut extra = Vec::new();
        if let Some(param) = &self.param_name {
            extra.push(format!("parameter `{param}`"));
        }
        if let Some(limit) = self.limit {
            extra.push(format!("limit {limit}"));
        }
        if !self.permissions.is_empty() {
            extra.push(format!(
                "missing permissions: {}",
                self.permissions.join(", ")
            ));
        }
        if !extra.is_empty() {
            text.push_str(&format!(" ({})", extra.join(", ")));
        }
        text
    }
}

/// What to do about a Zoho error code, for the message.
fn advice(code: &str) -> Option<&'static str> {
    Some(match code {
        "INVALID_TOKEN" => "the access token is invalid or expired; refresh it or reconnect the Zoho CRM account",
        "AUTHENTICATION_FAILURE" => "reconnect the Zoho CRM account, and check that its api_domain is the data centre the token was issued in",
        "OAUTH_SCOPE_MISMATCH" => "the token lacks the scope to read leads; reconnect the account granting ZohoCRM.modules.leads.READ",
        "NO_PERMISSION" => "the connected Zoho user may not read leads; ask a Zoho CRM administrator for access to the Leads module",
        "RATE_LIMIT_EXCEEDED" => "the account's API credits or concurrency are used up; retry later",
        "DISCRETE_PAGINATION_LIMIT_EXCEEDED" => "this connector switches to page_token before 2,000 records, so this is a connector bug; please report it",
        "PAGINATION_LIMIT_EXCEEDED" => "Zoho serves at most 100,000 records of one listing; narrow it, e.g. with remote_query[cvid] naming a custom view",
        "INVALID_DATA" => "Zoho refused a request parameter; check the remote_query values",
        "REQUIRED_PARAM_MISSING" => "a parameter Zoho requires is missing; check the configured api_version and remote_query",
        "LIMIT_EXCEEDED" => "a Zoho request limit was exceeded; check the remote_query values",
        "INVALID_URL_PATTERN" | "INVALID_MODULE" => "check the account's api_domain and the configured api_version",
        _ => return None,
    })
}

/// Turns a non-2xx Zoho answer (or a 2xx that carries an error object) into an [`Error`].
pub fn classify(response: &HttpResponse) -> Error {
    let provider = crate::PROVIDER;
    let status = response.status.as_u16();
    let parsed = parse_error(&response.body);
    let code = parsed.as_ref().and_then(|e| e.code.clone());

    let summary = match &parsed {
        Some(error) => error.summary(),
        None if response.body.iter().all(u8::is_ascii_whitespace) => "empty body".to_owned(),
        None => "the body is not a Zoho error object (not JSON, or truncated)".to_owned(),
    };
    let hint = code.as_deref().and_then(advice).unwrap_or(match status {
        401 => "refresh the access token or reconnect the Zoho CRM account",
        403 => "the connected Zoho user lacks access; check its role and profile",
        404 => "check the account's api_domain and the configured api_version",
        429 => "retry later",
        500..=599 => "Zoho CRM had a server problem; retry later",
        _ => "see raw_response for Zoho's answer",
    });
    let message = format!("{summary}; {hint}");
    let remote = Some(response.remote(code.clone()));

    match code.as_deref() {
        Some("INVALID_TOKEN" | "AUTHENTICATION_FAILURE" | "OAUTH_SCOPE_MISMATCH") => {
            Error::Unauthorized {
                provider,
                message,
                remote,
            }
        }
        Some("NO_PERMISSION") => Error::Forbidden {
            provider,
            message,
            remote,
        },
        Some("RATE_LIMIT_EXCEEDED") => Error::RateLimited {
            provider,
            message,
            retry_after: response.retry_after(),
            limits: RateLimit::default(),
            remote,
        },
        _ => classify_status(provider, response, message, code, RateLimit::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str, headers: &[(&'static str, &str)]) -> HttpResponse {
        crm_testkit::http_response(status, headers, body)
    }

    #[test]
    fn auth_codes_are_unauthorized_whatever_the_status() {
        for (status, code) in [
            (401, "INVALID_TOKEN"),
            (401, "AUTHENTICATION_FAILURE"),
            (401, "OAUTH_SCOPE_MISMATCH"),
            (400, "INVALID_TOKEN"),
        ] {
            let body =
                format!(r#"{{"code":"{code}","details":{{}},"message":"m","status":"error"}}"#);
            let err = classify(&response(status, &body, &[]));
            assert!(err.is_unauthorized(), "{code}: {err:?}");
            assert_eq!(err.http_status(), 401);
            assert_eq!(err.remote().unwrap().code.as_deref(), Some(code));
            assert_eq!(err.remote().unwrap().status, status);
        }
    }

    #[test]
    fn no_permission_is_forbidden_with_the_permission_named() {
        let body = r#"{"code":"NO_PERMISSION","message":"Permission denied","status":"error","details":{"permissions":["Crm_Implied_View_Leads"]}}"#;
        let err = classify(&response(403, body, &[]));
        assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
        assert!(err.to_string().contains("Crm_Implied_View_Leads"), "{err}");
    }

    #[test]
    fn rate_limit_keeps_retry_after() {
        let body = r#"{"code":"RATE_LIMIT_EXCEEDED","details":{},"message":"Too many requests. Please try again later.","status":"error"}"#;
        let err = classify(&response(429, body, &[("retry-after", "30")]));
        assert!(err.is_rate_limited());
        assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(30)));
        // The code alone is enough, whatever the status.
        assert!(classify(&response(400, body, &[])).is_rate_limited());
        // And a bare 429.
        assert!(classify(&response(429, "", &[])).is_rate_limited());
    }

    #[test]
    fn request_errors_are_remote_400s_carrying_zohos_message() {
        for (body, needles) in [
            (
                r#"{"code":"INVALID_DATA","details":{"param_name":"cvid"},"message":"invalid data","status":"error"}"#,
                vec![
                    "INVALID_DATA: invalid data",
                    "parameter `cvid`",
                    "remote_query",
                ],
            ),
            (
                r#"{"data":[{"code":"INVALID_DATA","details":{"param_name":"cvid"},"message":"invalid data","status":"error"}]}"#,
                vec!["INVALID_DATA: invalid data", "parameter `cvid`"],
            ),
            (
                r#"{"code":"REQUIRED_PARAM_MISSING","status":"error","details":{"param_name":"fields"},"message":"required param is missing"}"#,
                vec!["REQUIRED_PARAM_MISSING", "parameter `fields`"],
            ),
            (
                r#"{"code":"LIMIT_EXCEEDED","details":{"limit":50,"param_name":"fields"},"message":"limit exceeded","status":"error"}"#,
                vec!["LIMIT_EXCEEDED: limit exceeded", "limit 50"],
            ),
            (
                r#"{"code":"DISCRETE_PAGINATION_LIMIT_EXCEEDED","message":"You can only get the first 2000 records without using page_token param","status":"error","details":{"limit":2000}}"#,
                vec!["first 2000 records", "connector bug"],
            ),
        ] {
            let err = classify(&response(400, body, &[]));
            assert!(matches!(err, Error::Remote { .. }), "{err:?}");
            assert_eq!(err.http_status(), 400);
            let text = err.to_string();
            for needle in needles {
                assert!(text.contains(needle), "{text} lacks {needle}");
            }
            assert_eq!(err.remote().unwrap().body, body);
        }
    }

    #[test]
    fn server_errors_and_unreadable_bodies() {
        let err = classify(&response(503, "<html>Service Unavailable</html>", &[]));
        assert_eq!(err.http_status(), 502);
        assert!(err.is_retryable());
        assert!(err.to_string().contains("not a Zoho error object"), "{err}");
        assert!(err.to_string().contains("retry later"), "{err}");

        let err = classify(&response(
            500,
            r#"{"code":"INTERNAL_ERROR","message":"Internal Server Error","status":"error","details":{}}"#,
            &[],
        ));
        assert_eq!(err.http_status(), 502);
        assert_eq!(
            err.remote().unwrap().code.as_deref(),
            Some("INTERNAL_ERROR")
        );

        for body in [
            "",
            "   ",
            r#"{"code":"INVALID_TO"#,
            "[1,2]",
            r#"{"code":5}"#,
            "\u{0}\u{1}",
        ] {
            let err = classify(&response(401, body, &[]));
            assert!(err.is_unauthorized(), "{body:?}");
        }
        let err = classify(&response(404, "", &[]));
        assert!(matches!(err, Error::NotFound { .. }));
        assert!(err.to_string().contains("api_domain"), "{err}");
    }

    #[test]
    fn parse_error_prefers_the_top_level_then_data() {
        assert_eq!(parse_error(b"{}"), None);
        assert_eq!(parse_error(br#"{"data":[{"id":"1"}]}"#), None);
        let e = parse_error(br#"{"data":[{"x":1},{"code":"B","message":"b"}]}"#).unwrap();
        assert_eq!(e.code.as_deref(), Some("B"));
        let e = parse_error(br#"{"code":"A","data":[{"code":"B"}]}"#).unwrap();
        assert_eq!(e.code.as_deref(), Some("A"));
        // Odd details never hide the code.
        let e = parse_error(br#"{"code":"C","details":{"limit":"fifty"}}"#).unwrap();
        assert_eq!(e.code.as_deref(), Some("C"));
        assert_eq!(e.limit, None);
        let e = parse_error(br#"{"code":"C","details":[1]}"#).unwrap();
        assert_eq!(e.code.as_deref(), Some("C"));
    }
}
