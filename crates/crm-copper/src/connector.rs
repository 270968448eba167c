//! `CopperConnector`: one Copper account's lead search behind [`crm_core::Connector`].

use crate::capabilities::{CAPABILITIES, NATURAL_PAGE_SIZE};
use crate::config::Config;
use crate::errors;
use crate::mapping;
use crate::paging::PageState;
use crate::request::{translate, SearchBody, Translation};
use async_trait::async_trait;
use crm_core::transport::{HttpClient, Request, StaticCredentials, TransportOptions};
use crm_core::{
    Capabilities, Connector, Error, Lead, MapError, MapOptions, PageRequest, RawPage, Result,
};
use http::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde_json::value::RawValue;
use std::sync::Arc;

const ACCESS_TOKEN: HeaderName = HeaderName::from_static("x-pw-accesstoken");
const USER_EMAIL: HeaderName = HeaderName::from_static("x-pw-useremail");
const APPLICATION: HeaderName = HeaderName::from_static("x-pw-application");
const APPLICATION_VALUE: HeaderValue = HeaderValue::from_static("developer_api");

/// Lists one Copper account's leads. Cheap to share (`Arc<dyn Connector>`); holds no per-walk state.
#[derive(Debug)]
pub struct CopperConnector {
    http: HttpClient,
    search_path: String,
}

/// Copper's documented budget: 180 requests per rolling minute per user.
pub const REQUESTS_PER_MINUTE: u32 = 180;

impl CopperConnector {
    /// Checks the configuration (URL, version, header-safe credentials) without any request.
    /// Sends each request once (no retries): see [`CopperConnector::with_options`].
    pub fn new(config: Config) -> Result<Self> {
        let search_path = config.search_path()?;
        let required = |value: &SecretString, name: &str, what: &str| {
            if value.expose_secret().trim().is_empty() {
                Err(Error::invalid(
                    name,
                    format!("is empty; give the account's {what}"),
                ))
            } else {
                Ok(())
            }
        };
        required(&config.api_key, "api_key", "Copper API key")?;
        required(
            &config.user_email,
            "user_email",
            "Copper user e-mail the API key belongs to",
        )?;
        let credentials = StaticCredentials::new(vec![
            (ACCESS_TOKEN, config.api_key.clone()),
            (USER_EMAIL, config.user_email.clone()),
        ])?;
        let http = HttpClient::new(crate::PROVIDER, &config.base_url, Arc::new(credentials))?
            .with_timeout(config.timeout);
        Ok(CopperConnector { http, search_path })
    }

    /// Like [`CopperConnector::new`], with the transport's retries, limiter, client and
    /// credentials. A 429 from Copper carries a 60 s wait hint (no `Retry-After` is sent), longer
    /// than the default retry policy honours, so it is passed on rather than retried blindly.
    pub fn with_options(config: Config, options: &TransportOptions) -> Result<Self> {
        let mut connector = CopperConnector::new(config)?;
        connector.http = connector.http.with_options(options);
        Ok(connector)
    }
}

#[async_trait]
impl Connector for CopperConnector {
    type State = PageState;

    fn capabilities(&self) -> &'static Capabilities {
        &CAPABILITIES
    }

    async fn fetch_page(&self, request: PageRequest<'_, PageState>) -> Result<RawPage<PageState>> {
        let state = match request.state {
            Some(state) => *state,
            None => PageState::first(request.page_size),
        };
        state.within_search_cap()?;
        let filters = match translate(request.query)? {
            Translation::Search(filters) => filters,
            Translation::NothingCanMatch => {
                tracing::debug!(
                    provider = "copper",
                    "date bounds admit no whole second; answering an empty page without a request"
                );
                return Ok(RawPage::default());
            }
        };
        // Without a page size Copper uses its natural 20; a walk of another size (possible only
        // through a hand-made state) must keep sending it or its offsets would shift.
        let send_page_size = request.page_size.is_some() || state.page_size != NATURAL_PAGE_SIZE;
        if let Some(asked) = request.page_size.filter(|&s| s != state.page_size) {
            if request.state.is_some() {
                tracing::debug!(
                    provider = "copper",
                    asked,
                    kept = state.page_size,
                    "limit changed mid-walk; keeping the walk's page size so no lead is skipped or repeated"
                );
            }
        }
        let body = SearchBody::new(state, send_page_size, filters).to_bytes()?;
        let http_request = Request::post_json(self.search_path.as_str(), body)
            .header(APPLICATION, APPLICATION_VALUE);
        let response = self.http.send(&http_request, &errors::classify).await?;
        let records = errors::parse_page(&response)?;
        if records.len() > state.page_size as usize {
            tracing::warn!(
                provider = "copper",
                page_size = state.page_size,
                received = records.len(),
                "Copper sent more leads than the page size"
            );
        }
        tracing::debug!(
            provider = "copper",
            page_number = state.page_number,
            page_size = state.page_size,
            received = records.len(),
            total_upper_bound = response.header("x-pw-total"),
            "lead search page"
        );
        Ok(RawPage {
            next: state.next(records.len()),
            records,
            rate_limit: Default::default(),
        })
    }

    fn map_lead(&self, record: &RawValue, _options: &MapOptions) -> Result<Lead, MapError> {
        mapping::map_lead(record)
    }

    /// Page numbers are predictable, so an all-pages walk may fetch ahead; core checks each
    /// prediction against the `next` Copper's page really gives.
    fn state_after(
        &self,
        request: &PageRequest<'_, PageState>,
        pages_ahead: u32,
    ) -> Option<PageState> {
        let current = match request.state {
            Some(state) => *state,
            None => PageState::first(request.page_size),
        };
        current.ahead(pages_ahead)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::{DynConnector, LeadQuery};
    use serde_json::json;

    #[test]
    fn predicted_states_match_the_real_next() {
        let connector = CopperConnector::new(Config::new("k", "u@example.com")).unwrap();
        let query = LeadQuery::default();
        let first = PageRequest {
            query: &query,
            page_size: Some(2),
            state: None,
        };
        assert_eq!(
            DynConnector::state_after(&connector, &first, 1),
            Some(json!({"page_number": 2, "page_size": 2}))
        );
        assert_eq!(
            DynConnector::state_after(&connector, &first, 1),
            PageState::first(Some(2))
                .next(2)
                .map(|s| crm_core::cursor::state_to(&s))
        );
        let state = json!({"page_number": 4, "page_size": 2});
        let later = PageRequest {
            query: &query,
            page_size: Some(50),
            state: Some(&state),
        };
        assert_eq!(
            DynConnector::state_after(&connector, &later, 3),
            Some(json!({"page_number": 7, "page_size": 2})),
            "predictions keep the walk's page size"
        );
        let broken = json!({"page_number": 0});
        let broken = PageRequest {
            state: Some(&broken),
            ..later
        };
        assert_eq!(DynConnector::state_after(&connector, &broken, 1), None);
    }

    #[test]
    fn refuses_unusable_configuration() {
        let bad = [
            Config::new("", "u@example.com"),
            Config::new("key", "  "),
            Config::new("key\nX-Evil: 1", "u@example.com"),
            Config::new("key", "u@example.com").with_base_url("ftp://example.com"),
            Config::new("key", "u@example.com").with_base_url("not a url"),
            Config::new("key", "u@example.com").with_api_version("v1/../../admin"),
        ];
        for config in bad {
            let shown = format!("{config:?}");
            let err = CopperConnector::new(config).unwrap_err();
            assert_eq!(err.http_status(), 400, "{shown}: {err}");
            assert!(!err.to_string().contains("key\nX-Evil"), "{err}");
        }
    }

    #[test]
    fn debug_never_shows_credentials() {
        let connector =
            CopperConnector::new(Config::new("sekrit-api-key", "person@example.com")).unwrap();
        let text = format!("{connector:?}");
        assert!(!text.contains("sekrit-api-key"), "{text}");
        assert!(!text.contains("person@example.com"), "{text}");
        assert!(text.contains("x-pw-accesstoken"), "{text}");
    }
}
