//! What a Zoho CRM account connection needs: its API domain, an access token, the API version,
//! and (kept for the token-refresh flow) the OAuth client and refresh token.

use crate::datacenter;
use crm_core::transport::{ClientAuthStyle, OAuthSettings, RefreshSettings, TokenSet};
use crm_core::{Error, Result};
use secrecy::SecretString;
use std::fmt;
use std::time::Duration;

/// The API version used when none is configured.
pub const DEFAULT_API_VERSION: &str = "v8";

/// Oldest and newest versions accepted. v1 is retired; later versions than v8 are accepted on
/// the assumption that Zoho keeps the list-records contract (it has from v2 to v8).
const MIN_API_VERSION: u32 = 2;
const MAX_API_VERSION: u32 = 99;

/// How many records Zoho serves through the `page` parameter before it insists on `page_token`
/// (`DISCRETE_PAGINATION_LIMIT_EXCEEDED`).
pub const DISCRETE_PAGING_LIMIT: u32 = 2000;

/// Connection settings for one Zoho CRM account.
#[derive(Clone)]
pub struct Config {
    /// The account's API base URL, as Zoho's token answer names it (`https://www.zohoapis.eu`).
    pub api_domain: String,
    /// OAuth access token, sent as `Authorization: Zoho-oauthtoken <token>`.
    pub access_token: SecretString,
    /// `v2` ... `v8` (default [`DEFAULT_API_VERSION`]). Paging past 2,000 leads needs v3 or later,
    /// because only those versions hand out `next_page_token`.
    pub api_version: String,
    /// Per-request timeout.
    pub timeout: Duration,
    /// What a token refresh needs: [`Config::oauth_settings`] and [`Config::token_set`] build
    /// crm-core's refreshing `OAuthCredentials` from it.
    pub refresh: Option<RefreshSettings>,
    /// Records reachable with `page` before switching to `page_token`. Always
    /// [`DISCRETE_PAGING_LIMIT`] in production; tests and simulators lower it to exercise the
    /// switch with a handful of small pages. It can never be raised above Zoho's limit.
    pub discrete_paging_limit: u32,
}

/// The token endpoint of an API domain's data centre (`{accounts server}/oauth/v2/token`), for
/// refresh settings that name no token URL.
pub fn token_url_for(api_domain: &str) -> Option<String> {
    datacenter::accounts_server_for(api_domain)
        .map(|server| format!("{}/oauth/v2/token", server.trim_end_matches('/')))
}

impl Config {
    /// Settings for `api_domain` with an access token, API version [`DEFAULT_API_VERSION`] and
    /// the default timeout.
    pub fn new(api_domain: impl Into<String>, access_token: SecretString) -> Self {
        Config {
            api_domain: api_domain.into(),
            access_token,
            api_version: DEFAULT_API_VERSION.to_owned(),
            timeout: crm_core::transport::DEFAULT_TIMEOUT,
            refresh: None,
            discrete_paging_limit: DISCRETE_PAGING_LIMIT,
        }
    }

    /// Settings for a data centre by id (`us`, `eu`, `in`, `au`, `jp`, `cn`, `ca`, `sa`).
    pub fn for_data_centre(id: &str, access_token: SecretString) -> Result<Self> {
        let dc = datacenter::by_id(id).ok_or_else(|| {
            let known: Vec<_> = datacenter::DATA_CENTRES.iter().map(|d| d.id).collect();
            Error::invalid(
                "data_centre",
                format!(
                    "`{id}` is not a Zoho data centre; use one of {}",
                    known.join(", ")
                ),
            )
        })?;
        Ok(Config::new(dc.api_domain, access_token))
    }

    pub fn with_api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn with_refresh(mut self, refresh: RefreshSettings) -> Self {
        self.refresh = Some(refresh);
        self
    }

    /// Lowers the `page` → `page_token` switch point (see [`Config::discrete_paging_limit`]).
    pub fn with_discrete_paging_limit(mut self, records: u32) -> Self {
        self.discrete_paging_limit = records;
        self
    }

    /// Settings for `crm_core::transport::OAuthCredentials`: `POST {accounts server}/oauth/v2/token`
    /// with everything as query parameters, `Zoho-oauthtoken` calls, and the answer's `api_domain`
    /// as the account's base URL. `Ok(None)` without refresh settings; an error when the accounts
    /// server is neither configured nor known for the API domain.
    pub fn oauth_settings(&self) -> Result<Option<OAuthSettings>> {
        let Some(refresh) = &self.refresh else {
            return Ok(None);
        };
        let default = match &refresh.token_url {
            Some(url) => url.clone(),
            None => token_url_for(&self.api_domain).ok_or_else(|| {
                Error::invalid(
                    "token_url",
                    format!(
                        "`{}` is not the API domain of a known Zoho data centre, so the accounts server that refreshes its tokens is unknown; configure token_url ({{accounts server}}/oauth/v2/token)",
                        self.api_domain
                    ),
                )
            })?,
        };
        Ok(Some(refresh.settings(
            crate::PROVIDER,
            &default,
            ClientAuthStyle::QueryParams,
            crate::connector::AUTH_SCHEME,
            Some("api_domain"),
        )))
    }

    /// The current tokens, for `OAuthCredentials` (expiry unknown: refreshed after a 401).
    pub fn token_set(&self) -> TokenSet {
        TokenSet {
            access_token: self.access_token.clone(),
            refresh_token: self.refresh.as_ref().map(|r| r.refresh_token.clone()),
            expires_at: None,
            base_url: None,
        }
    }

    /// The version as it appears in the path (`v8`), accepting `v8`, `V8` or `8`.
    pub(crate) fn version_segment(&self) -> Result<String> {
        let raw = self.api_version.trim();
        let digits = raw
            .strip_prefix('v')
            .or_else(|| raw.strip_prefix('V'))
            .unwrap_or(raw);
        let number = digits
            .parse::<u32>()
            .ok()
            .filter(|_| digits.bytes().all(|b| b.is_ascii_digit()))
            .filter(|n| (MIN_API_VERSION..=MAX_API_VERSION).contains(n))
            .ok_or_else(|| {
                Error::invalid(
                    "api_version",
                    format!(
                        "`{raw}` is not a Zoho CRM API version this connector speaks; use v{MIN_API_VERSION} or later, e.g. {DEFAULT_API_VERSION}"
                    ),
                )
            })?;
        Ok(format!("v{number}"))
    }

    /// The paging limit after checking it is usable.
    pub(crate) fn checked_paging_limit(&self) -> Result<u32> {
        if (1..=DISCRETE_PAGING_LIMIT).contains(&self.discrete_paging_limit) {
            Ok(self.discrete_paging_limit)
        } else {
            Err(Error::invalid(
                "discrete_paging_limit",
                format!(
                    "{} is out of range; it must be between 1 and Zoho's own limit of {DISCRETE_PAGING_LIMIT}",
                    self.discrete_paging_limit
                ),
            ))
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("api_domain", &self.api_domain)
            .field("access_token", &"<redacted>")
            .field("api_version", &self.api_version)
            .field("timeout", &self.timeout)
            .field("refresh", &self.refresh)
            .field("discrete_paging_limit", &self.discrete_paging_limit)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::new(
            "https://www.zohoapis.eu",
            SecretString::from("secret-access-value"),
        )
        .with_refresh(RefreshSettings::new(
            "1000.CLIENTID",
            "secret-client-value",
            "secret-refresh-value",
        ))
    }

    #[test]
    fn debug_never_prints_secrets() {
        let text = format!("{:?} {:#?}", config(), config());
        assert!(!text.contains("secret-"), "{text}");
        assert!(text.contains("<redacted>"));
        assert!(text.contains("1000.CLIENTID"));
    }

    #[test]
    fn versions() {
        for (given, path) in [("v8", "v8"), ("V2", "v2"), ("7", "v7"), (" v3 ", "v3")] {
            assert_eq!(
                config().with_api_version(given).version_segment().unwrap(),
                path
            );
        }
        for bad in [
            "v1", "v0", "", "v", "latest", "v8.0", "v+8", "v-8", "v100", "../v8",
        ] {
            let err = config()
                .with_api_version(bad)
                .version_segment()
                .unwrap_err();
            assert!(err.to_string().contains("use v2 or later"), "{bad}: {err}");
        }
        assert_eq!(config().version_segment().unwrap(), "v8");
    }

    #[test]
    fn paging_limit_can_be_lowered_not_raised() {
        assert_eq!(config().checked_paging_limit().unwrap(), 2000);
        assert_eq!(
            config()
                .with_discrete_paging_limit(6)
                .checked_paging_limit()
                .unwrap(),
            6
        );
        assert!(config()
            .with_discrete_paging_limit(0)
            .checked_paging_limit()
            .is_err());
        assert!(config()
            .with_discrete_paging_limit(2001)
            .checked_paging_limit()
            .is_err());
    }

    #[test]
    fn data_centres_and_accounts_servers() {
        let c = Config::for_data_centre("ca", SecretString::from("t")).unwrap();
        assert_eq!(c.api_domain, "https://www.zohoapis.ca");
        let err = Config::for_data_centre("uk", SecretString::from("t")).unwrap_err();
        assert!(err.to_string().contains("us, eu, in, au, jp, cn, ca, sa"));

        assert_eq!(
            token_url_for("https://www.zohoapis.ca").as_deref(),
            Some("https://accounts.zohocloud.ca/oauth/v2/token")
        );
        assert!(config().token_set().refresh_token.is_some());
        let settings = config().oauth_settings().unwrap().unwrap();
        assert_eq!(
            settings.token_url,
            "https://accounts.zoho.eu/oauth/v2/token"
        );
        assert_eq!(settings.style, ClientAuthStyle::QueryParams);
        assert_eq!(settings.scheme, "Zoho-oauthtoken");
        assert_eq!(settings.base_url_field, Some("api_domain"));
        assert!(!format!("{settings:?}").contains("secret-"));
        assert!(
            Config::new("https://www.zohoapis.ca", SecretString::from("t"))
                .oauth_settings()
                .unwrap()
                .is_none()
        );
        let mut unknown = config();
        unknown.api_domain = "http://127.0.0.1:8080".into();
        assert!(unknown.oauth_settings().is_err());

        let mut explicit = unknown;
        explicit.refresh = explicit
            .refresh
            .map(|r| r.with_token_url("https://accounts.example.test/oauth/v2/token"));
        assert_eq!(
            explicit.oauth_settings().unwrap().unwrap().token_url,
            "https://accounts.example.test/oauth/v2/token"
        );
    }
}
