//! `InsightlyConnector`: one Insightly account's lead list behind [`crm_core::Connector`].

use crate::capabilities::CAPABILITIES;
use crate::config::Config;
use crate::errors;
use crate::mapping;
use crate::paging::PageState;
use crate::request;
use async_trait::async_trait;
use base64::Engine;
use crm_core::transport::{HttpClient, StaticCredentials, TransportOptions};
use crm_core::{
    Capabilities, Connector, Error, Lead, MapError, MapOptions, PageRequest, RawPage, Result,
};
use secrecy::{ExposeSecret, SecretString};
use serde_json::value::RawValue;
use std::sync::Arc;

/// Lists one Insightly account's leads. Cheap to share; holds no per-walk state.
#[derive(Debug)]
pub struct InsightlyConnector {
    http: HttpClient,
    list_path: String,
    search_path: String,
}

impl InsightlyConnector {
    /// Checks the configuration (URL, version, header-safe key) without any request. Sends each
    /// request once (no retries): see [`InsightlyConnector::with_options`].
    pub fn new(config: Config) -> Result<Self> {
        let (list_path, search_path) = config.paths()?;
        let key = config.api_key.expose_secret();
        if key.trim().is_empty() {
            return Err(Error::invalid(
                "api_key",
                "is empty; give the account's Insightly API key",
            ));
        }
        if key.chars().any(char::is_control) {
            return Err(Error::invalid(
                "credentials",
                "the `api_key` credential contains characters that are not allowed",
            ));
        }
        // HTTP Basic: the API key as the user name, an empty password.
        let basic =
            SecretString::from(base64::engine::general_purpose::STANDARD.encode(format!("{key}:")));
        let credentials = StaticCredentials::authorization("Basic", &basic)?;
        let http = HttpClient::new(crate::PROVIDER, &config.base_url, Arc::new(credentials))?
            .with_timeout(config.timeout);
        Ok(InsightlyConnector {
            http,
            list_path,
            search_path,
        })
    }

    /// Like [`InsightlyConnector::new`], with the transport's retries, limiter, client and
    /// credentials.
    pub fn with_options(config: Config, options: &TransportOptions) -> Result<Self> {
        let mut connector = InsightlyConnector::new(config)?;
        connector.http = connector.http.with_options(options);
        Ok(connector)
    }
}

#[async_trait]
impl Connector for InsightlyConnector {
    type State = PageState;

    fn capabilities(&self) -> &'static Capabilities {
        &CAPABILITIES
    }

    async fn fetch_page(&self, request: PageRequest<'_, PageState>) -> Result<RawPage<PageState>> {
        let state = match request.state {
            Some(state) => *state,
            None => PageState::first(request.page_size),
        };
        if let Some(asked) = request.page_size.filter(|&s| s != state.top) {
            if request.state.is_some() {
                tracing::debug!(
                    provider = "insightly",
                    asked,
                    kept = state.top,
                    "limit changed mid-walk; keeping the walk's page size so no lead is skipped or repeated"
                );
            }
        }
        let http_request =
            request::build(&self.list_path, &self.search_path, request.query, state)?;
        let response = self.http.send(&http_request, &errors::classify).await?;
        let records = errors::parse_page(&response)?;
        if records.len() > state.top as usize {
            tracing::warn!(
                provider = "insightly",
                top = state.top,
                received = records.len(),
                "Insightly sent more leads than `top`"
            );
        }
        tracing::debug!(
            provider = "insightly",
            skip = state.skip,
            top = state.top,
            received = records.len(),
            "lead page"
        );
        Ok(RawPage {
            next: state.next(records.len()),
            records,
            rate_limit: Default::default(),
        })
    }

    fn map_lead(&self, record: &RawValue, options: &MapOptions) -> Result<Lead, MapError> {
        mapping::map_lead(record, options)
    }

    /// Offsets are predictable, so an all-pages walk may fetch ahead; core checks each prediction
    /// against the real `next`.
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
        let connector = InsightlyConnector::new(Config::new("k")).unwrap();
        let query = LeadQuery::default();
        let first = PageRequest {
            query: &query,
            page_size: Some(2),
            state: None,
        };
        assert_eq!(
            DynConnector::state_after(&connector, &first, 1),
            Some(json!({"skip": 2, "top": 2}))
        );
        let state = json!({"skip": 4, "top": 2});
        let later = PageRequest {
            query: &query,
            page_size: Some(50),
            state: Some(&state),
        };
        assert_eq!(
            DynConnector::state_after(&connector, &later, 3),
            Some(json!({"skip": 10, "top": 2}))
        );
    }

    #[test]
    fn refuses_unusable_configuration() {
        for config in [
            Config::new(""),
            Config::new("key\nX-Evil: 1"),
            Config::new("key").with_base_url("ftp://example.com"),
            Config::new("key").with_base_url("not a url"),
            Config::new("key").with_api_version("v3.1/../../admin"),
        ] {
            let err = InsightlyConnector::new(config).unwrap_err();
            assert_eq!(err.http_status(), 400, "{err}");
            assert!(!err.to_string().contains("X-Evil"), "{err}");
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let connector = InsightlyConnector::new(Config::new("sekrit-api-key")).unwrap();
        let text = format!("{connector:?}");
        assert!(!text.contains("sekrit-api-key"), "{text}");
        let encoded = base64::engine::general_purpose::STANDARD.encode("sekrit-api-key:");
        assert!(!text.contains(&encoded), "{text}");
    }
}
