//! Salesforce error bodies and statuses -> [`crm_core::Error`].
//!
//! Salesforce answers errors with a JSON array, `[{"message": "...", "errorCode": "..."}]` (OAuth
//! endpoints use `{"error", "error_description"}`). Its org-wide daily API limit is a 403 with
//! `REQUEST_LIMIT_EXCEEDED`, which is a rate limit, not a permission problem. Usage comes in
//! `Sforce-Limit-Info: api-usage=18/15000` on every answer.

use crm_core::transport::{classify_status, HttpResponse};
use crm_core::{Error, RateLimit};
use serde::Deserialize;

/// The usage header Salesforce sends with every REST answer.
pub const LIMIT_INFO_HEADER: &str = "sforce-limit-info";

#[derive(Debug, Deserialize)]
struct ErrorItem {
    #[serde(default)]
    message: Option<String>,
    #[serde(rename = "errorCode", default)]
    error_code: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ErrorBody {
    List(Vec<ErrorItem>),
    OAuth {
        error: String,
        #[serde(default)]
        error_description: Option<String>,
    },
}

/// `(used, max)` from the `api-usage=<used>/<max>` entry of `Sforce-Limit-Info` (other entries,
/// such as `per-app-api-usage`, are skipped).
pub(crate) fn api_usage(header: Option<&str>) -> Option<(u64, u64)> {
    header
        .into_iter()
        .flat_map(|h| h.split(','))
        .find_map(|part| {
            let (used, max) = part.trim().strip_prefix("api-usage=")?.split_once('/')?;
            Some((used.trim().parse().ok()?, max.trim().parse().ok()?))
        })
}

/// The org's API usage as rate-limit figures. The daily limit has no reset time in the header.
pub fn parse_limit_info(header: Option<&str>) -> RateLimit {
    match api_usage(header) {
        Some((used, max)) => RateLimit {
            limit: Some(max),
            remaining: Some(max.saturating_sub(used)),
            reset: None,
        },
        None => RateLimit::default(),
    }
}

/// The provider's code and message, from either error body shape; `None` when the body is not one.
fn read_body(body: &[u8]) -> Option<(Option<String>, String)> {
    match serde_json::from_slice::<ErrorBody>(body).ok()? {
        ErrorBody::List(items) => {
            let first_code = items.iter().find_map(|i| i.error_code.clone());
            let messages: Vec<String> = items
                .iter()
                .map(|i| match (&i.error_code, &i.message) {
                    (Some(code), Some(message)) => format!("{code}: {message}"),
                    (Some(code), None) => code.clone(),
                    (None, Some(message)) => message.clone(),
                    (None, None) => "no message".to_owned(),
                })
                .collect();
            if messages.is_empty() {
                return None;
            }
            Some((first_code, messages.join("; ")))
        }
        ErrorBody::OAuth {
            error,
            error_description,
        } => {
            let message = match error_description {
                Some(d) => format!("{error}: {d}"),
                None => error.clone(),
            };
            Some((Some(error), message))
        }
    }
}

/// A short, single-line start of a body that is not Salesforce's JSON.
fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 120;
    let text = String::from_utf8_lossy(body);
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX)
        .collect();
    let flat = flat.trim();
    if flat.is_empty() {
        "an empty body".to_owned()
    } else if text.chars().count() > MAX {
        format!("`{flat}...`")
    } else {
        format!("`{flat}`")
    }
}

/// Classifies a non-2xx answer.
pub fn classify(response: &HttpResponse) -> Error {
    let provider = crate::PROVIDER;
    let status = response.status.as_u16();
    let limits = parse_limit_info(response.header(LIMIT_INFO_HEADER));
    let (code, detail) = match read_body(&response.body) {
        Some(read) => read,
        None => (
            None,
            format!(
                "the body is not Salesforce's JSON error format: {}",
                excerpt(&response.body)
            ),
        ),
    };
    let remote = Some(response.remote(code.clone()));
    match code.as_deref() {
        Some("REQUEST_LIMIT_EXCEEDED") => {
            let usage = match api_usage(response.header(LIMIT_INFO_HEADER)) {
                Some((used, max)) => format!(" ({used} of {max} requests used)"),
                None => String::new(),
            };
            Error::RateLimited {
                provider,
                message: format!(
                    "{}. The org's API request limit is used up{usage}; retry once the rolling 24-hour window frees requests, or ask the Salesforce admin to raise the limit",
                    detail.trim_end_matches('.')
                ),
                retry_after: response.retry_after(),
                limits,
                remote,
            }
        }
        Some("INVALID_QUERY_LOCATOR") => Error::InvalidCursor(format!(
            "Salesforce no longer knows this paging position ({detail}); query locators expire after a few minutes of inactivity. Start again without next_cursor"
        )),
        _ => {
            let hint = match (status, code.as_deref()) {
                (401, _) => "; the access token expired or was revoked: refresh it or reconnect the Salesforce account",
                (403, _) => "; the connected user lacks the permission (e.g. API Enabled or read access to Leads)",
                (404, _) => "; check the instance URL and that the API version exists on this org",
                (400, Some("MALFORMED_QUERY")) => "; Salesforce rejected the generated SOQL query, check the filter values",
                (400, Some("INVALID_FIELD")) => "; a selected or filtered field does not exist or is hidden from the connected user by field-level security",
                (500..=599, _) => "; Salesforce had a server error, retry later",
                _ => "",
            };
            classify_status(provider, response, format!("{detail}{hint}"), code, limits)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, text: &str, limit_info: Option<&str>) -> HttpResponse {
        let headers: Vec<(&str, &str)> = limit_info
            .map(|v| ("sforce-limit-info", v))
            .into_iter()
            .collect();
        crm_testkit::http_response(status, &headers, text)
    }

    #[test]
    fn limit_info() {
        let l = parse_limit_info(Some("api-usage=18/15000"));
        assert_eq!(
            (l.limit, l.remaining, l.reset),
            (Some(15000), Some(14982), None)
        );
        let l = parse_limit_info(Some(
            "per-app-api-usage=17/250(appName=x), api-usage=25/5000",
        ));
        assert_eq!((l.limit, l.remaining), (Some(5000), Some(4975)));
        for junk in [
            None,
            Some(""),
            Some("api-usage=x/y"),
            Some("per-app-api-usage=1/2"),
        ] {
            assert!(parse_limit_info(junk).is_empty(), "{junk:?}");
        }
    }

    #[test]
    fn classes() {
        let e = classify(&response(
            401,
            r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#,
            None,
        ));
        assert!(e.is_unauthorized());
        assert!(e
            .to_string()
            .contains("INVALID_SESSION_ID: Session expired or invalid"));
        assert_eq!(
            e.remote().unwrap().code.as_deref(),
            Some("INVALID_SESSION_ID")
        );

        let e = classify(&response(
            403,
            r#"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#,
            Some("api-usage=15001/15000"),
        ));
        let Error::RateLimited { limits, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!((limits.limit, limits.remaining), (Some(15000), Some(0)));
        assert_eq!(e.http_status(), 429);

        let e = classify(&response(
            403,
            r#"[{"message":"no","errorCode":"INSUFFICIENT_ACCESS"}]"#,
            None,
        ));
        assert!(matches!(e, Error::Forbidden { .. }));

        let e = classify(&response(
            400,
            r#"[{"message":"unexpected token","errorCode":"MALFORMED_QUERY"}]"#,
            None,
        ));
        assert_eq!(e.http_status(), 400);
        assert!(matches!(e, Error::Remote { .. }));
        assert!(e.to_string().contains("MALFORMED_QUERY: unexpected token"));

        let e = classify(&response(
            400,
            r#"[{"message":"gone","errorCode":"INVALID_QUERY_LOCATOR"}]"#,
            None,
        ));
        assert!(matches!(e, Error::InvalidCursor(_)));

        let e = classify(&response(
            404,
            r#"[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]"#,
            None,
        ));
        assert!(matches!(e, Error::NotFound { .. }));

        let e = classify(&response(
            401,
            r#"{"error":"invalid_grant","error_description":"expired access/refresh token"}"#,
            None,
        ));
        assert!(e
            .to_string()
            .contains("invalid_grant: expired access/refresh token"));
    }

    #[test]
    fn bodies_that_are_not_json_still_explain() {
        for (status, text) in [
            (500, "<html><body>Server Error</body></html>"),
            (502, ""),
            (503, "[{\"message\":"),
            (500, "[]"),
            (500, "\u{0}\u{1}binary"),
        ] {
            let e = classify(&response(status, text, None));
            assert_eq!(e.http_status(), 502, "{text}");
            assert!(
                e.to_string().contains("not Salesforce's JSON error format"),
                "{e}"
            );
            assert_eq!(e.remote().unwrap().body, text);
        }
    }
}
