//! One error type for the whole pipeline, with the classes the HTTP contract maps to statuses.

use crate::provider::Provider;
use crate::query::FilterKey;
use std::time::Duration;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Rate-limit figures a provider reported (or that our own limiter computed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// Time until the window resets.
    pub reset: Option<Duration>,
}

impl RateLimit {
    pub fn is_empty(&self) -> bool {
        self.limit.is_none() && self.remaining.is_none() && self.reset.is_none()
    }
}

/// What the provider answered, kept for `raw_response` in error bodies. Bodies are capped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteResponse {
    pub status: u16,
    /// The provider's body (up to [`RemoteResponse::MAX_BODY`] bytes, lossily decoded).
    pub body: String,
    /// The provider's own error code when it has one (`INVALID_SESSION_ID`, `RATE_LIMIT_EXCEEDED`).
    pub code: Option<String>,
}

impl RemoteResponse {
    pub const MAX_BODY: usize = 64 * 1024;

    /// Boxed, because it rides inside [`Error`] and keeps the error small on the happy path.
    pub fn new(status: u16, body: &[u8], code: Option<String>) -> Box<Self> {
        let cut = &body[..body.len().min(Self::MAX_BODY)];
        Box::new(RemoteResponse {
            status,
            body: String::from_utf8_lossy(cut).into_owned(),
            code,
        })
    }
}

/// Everything that can go wrong listing leads. Each variant says what happened and, for the caller's
/// own mistakes, what to do instead.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A query parameter is malformed or out of range.
    #[error("invalid query parameter `{parameter}`: {message}")]
    InvalidParameter { parameter: String, message: String },

    /// The account's provider cannot apply this filter. `supported_by` lists the providers that can
    /// (filled in by whoever knows all connectors; connectors leave it empty).
    #[error("{}", unsupported_message(*filter, *provider, supported_by))]
    UnsupportedFilter {
        filter: FilterKey,
        provider: Provider,
        supported_by: Vec<Provider>,
    },

    /// `next_cursor` was altered, truncated, or issued for another account, provider or filter set.
    #[error("invalid next_cursor: {0}")]
    InvalidCursor(String),

    /// The provider rejected our credentials (after a refresh attempt, where possible).
    #[error("{provider} rejected the account's credentials: {message}")]
    Unauthorized {
        provider: Provider,
        message: String,
        remote: Option<Box<RemoteResponse>>,
    },

    /// The credentials are valid but lack permission (e.g. Zoho NO_PERMISSION, a missing scope).
    #[error("{provider} refused access: {message}")]
    Forbidden {
        provider: Provider,
        message: String,
        remote: Option<Box<RemoteResponse>>,
    },

    /// The provider (or our limiter for it) says slow down.
    #[error("{provider} rate limit reached: {message}")]
    RateLimited {
        provider: Provider,
        message: String,
        retry_after: Option<Duration>,
        limits: RateLimit,
        remote: Option<Box<RemoteResponse>>,
    },

    #[error("{provider} answered not found: {message}")]
    NotFound {
        provider: Provider,
        message: String,
        remote: Option<Box<RemoteResponse>>,
    },

    /// Any other error status from the provider (4xx passed through, 5xx as a bad gateway).
    #[error("{provider} answered HTTP {}: {message}", remote.status)]
    Remote {
        provider: Provider,
        message: String,
        remote: Box<RemoteResponse>,
    },

    /// The provider answered 2xx with something we cannot read (not JSON, truncated, wrong shape,
    /// a record that does not fit the mapping).
    #[error("{provider} sent a response we could not read: {message}")]
    InvalidResponse {
        provider: Provider,
        message: String,
        remote: Option<Box<RemoteResponse>>,
    },

    #[error("{provider} did not answer within {after:?}")]
    Timeout { provider: Provider, after: Duration },

    /// The provider request this query needs cannot be sent: its URL would be longer than
    /// providers accept. The caller's to fix (shorter filter values or `remote_query`); nothing was
    /// sent and no budget was spent.
    #[error("the request to {provider} would need a {bytes}-byte URL, over the {limit}-byte limit; shorten the filter values or remote_query parameters")]
    RequestTooLarge {
        provider: Provider,
        bytes: usize,
        limit: usize,
    },

    /// Connection-level failure (DNS, refused, reset, TLS).
    #[error("could not reach {provider}: {message}")]
    Transport { provider: Provider, message: String },
}

fn unsupported_message(filter: FilterKey, provider: Provider, supported_by: &[Provider]) -> String {
    let who = if supported_by.is_empty() {
        "no connected provider supports it".to_owned()
    } else {
        let names: Vec<_> = supported_by.iter().map(|p| p.display_name()).collect();
        format!("it is supported by {}", names.join(", "))
    };
    format!(
        "the filter `{}` is not supported for {provider} accounts ({who}); remove it from the request",
        filter.query_syntax()
    )
}

impl Error {
    /// A caller's mistake in `parameter`. Both parts are capped ([`Error::MAX_MESSAGE`] and 80
    /// characters for the name) so that no caller input is echoed at length.
    pub fn invalid(parameter: impl Into<String>, message: impl Into<String>) -> Error {
        let cap = |s: String, max| match crate::text::shorten_to(&s, max) {
            std::borrow::Cow::Borrowed(_) => s,
            std::borrow::Cow::Owned(cut) => cut,
        };
        Error::InvalidParameter {
            parameter: cap(parameter.into(), 80),
            message: cap(message.into(), Error::MAX_MESSAGE),
        }
    }

    /// The longest message of an [`Error::InvalidParameter`], in characters.
    pub const MAX_MESSAGE: usize = 1024;

    /// The HTTP status our endpoint answers with.
    pub fn http_status(&self) -> u16 {
        match self {
            Error::InvalidParameter { .. }
            | Error::UnsupportedFilter { .. }
            | Error::InvalidCursor(_)
            | Error::RequestTooLarge { .. } => 400,
            Error::Unauthorized { .. } => 401,
            Error::Forbidden { .. } => 403,
            Error::NotFound { .. } => 404,
            Error::RateLimited { .. } => 429,
            Error::Remote { remote, .. } if (400..500).contains(&remote.status) => remote.status,
            Error::Remote { .. } | Error::InvalidResponse { .. } | Error::Transport { .. } => 502,
            Error::Timeout { .. } => 504,
        }
    }

    /// True for errors caused by the provider's answer (or its absence), not by the caller.
    pub fn is_remote(&self) -> bool {
        !matches!(
            self,
            Error::InvalidParameter { .. }
                | Error::UnsupportedFilter { .. }
                | Error::InvalidCursor(_)
                | Error::RequestTooLarge { .. }
        )
    }

    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited { .. })
    }

    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Error::Unauthorized { .. })
    }

    /// Whether repeating the same read may succeed: timeouts, connection errors, HTTP 429 and
    /// 502/503/504. A rate limit reported otherwise (Salesforce's daily 403 REQUEST_LIMIT_EXCEEDED)
    /// is not: waiting seconds does not restore a daily budget.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Transport { .. } => true,
            Error::RateLimited { remote, .. } => remote.as_ref().is_none_or(|r| r.status == 429),
            Error::Remote { remote, .. } => (502..=504).contains(&remote.status),
            _ => false,
        }
    }

    /// How long the provider asked us to wait, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The provider's answer behind this error, if any.
    pub fn remote(&self) -> Option<&RemoteResponse> {
        match self {
            Error::Unauthorized { remote, .. }
            | Error::Forbidden { remote, .. }
            | Error::RateLimited { remote, .. }
            | Error::NotFound { remote, .. }
            | Error::InvalidResponse { remote, .. } => remote.as_deref(),
            Error::Remote { remote, .. } => Some(remote),
            _ => None,
        }
    }

    pub fn provider(&self) -> Option<Provider> {
        match self {
            Error::UnsupportedFilter { provider, .. }
            | Error::Unauthorized { provider, .. }
            | Error::Forbidden { provider, .. }
            | Error::RateLimited { provider, .. }
            | Error::NotFound { provider, .. }
            | Error::Remote { provider, .. }
            | Error::InvalidResponse { provider, .. }
            | Error::Timeout { provider, .. }
            | Error::Transport { provider, .. }
            | Error::RequestTooLarge { provider, .. } => Some(*provider),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_contract() {
        let remote = |status| RemoteResponse::new(status, b"{}", None);
        let p = crate::provider::fixtures::SALESFORCE;
        assert_eq!(Error::invalid("limit", "x").http_status(), 400);
        assert_eq!(Error::InvalidCursor("x".into()).http_status(), 400);
        assert_eq!(
            Error::Remote {
                provider: p,
                message: "m".into(),
                remote: remote(400)
            }
            .http_status(),
            400
        );
        let e = Error::Remote {
            provider: p,
            message: "m".into(),
            remote: remote(503),
        };
        assert_eq!(e.http_status(), 502);
        assert!(e.is_retryable());
        assert_eq!(
            Error::Timeout {
                provider: p,
                after: Duration::from_secs(1)
            }
            .http_status(),
            504
        );
    }

    #[test]
    fn unsupported_filter_names_filter_and_supporters() {
        let e = Error::UnsupportedFilter {
            filter: FilterKey::OwnerId,
            provider: crate::provider::fixtures::ZOHO,
            supported_by: vec![
                crate::provider::fixtures::COPPER,
                crate::provider::fixtures::SALESFORCE,
            ],
        };
        assert_eq!(
            e.to_string(),
            "the filter `owner[id]` is not supported for Zoho CRM accounts (it is supported by Copper, Salesforce); remove it from the request"
        );
    }

    #[test]
    fn remote_bodies_are_capped() {
        let big = vec![b'a'; RemoteResponse::MAX_BODY + 10];
        assert_eq!(
            RemoteResponse::new(500, &big, None).body.len(),
            RemoteResponse::MAX_BODY
        );
    }
}
