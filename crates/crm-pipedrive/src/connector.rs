//! [`PipedriveConnector`]: one Pipedrive account behind the [`Connector`] trait.

use crate::capabilities::CAPABILITIES;
use crate::config::Config;
use crate::paging::{next_start, PageState, MAX_START};
use crate::records;
use crate::{errors, mapping, persons, request};
use async_trait::async_trait;
use crm_core::transport::{parse_body_with, HttpClient, TransportOptions};
use crm_core::{Capabilities, Connector, Lead, MapError, MapOptions, PageRequest, RawPage, Result};
use serde_json::value::RawValue;
use std::collections::HashMap;

/// Lists one Pipedrive account's leads. Cheap to share (`Arc<dyn Connector>`); holds no secret
/// in its `Debug` output.
#[derive(Debug)]
pub struct PipedriveConnector {
    client: HttpClient,
    leads_path: &'static str,
    enrich_persons: bool,
}

impl PipedriveConnector {
    /// Checks the configuration (base URL, header-safe credentials) and builds the client. Sends
    /// each request once (no retries): see [`PipedriveConnector::with_options`].
    pub fn new(config: Config) -> Result<Self> {
        let credentials = config.auth.credentials()?;
        let client = HttpClient::new(crate::PROVIDER, &config.base_url, credentials)?
            .with_timeout(config.timeout);
        Ok(PipedriveConnector {
            client,
            leads_path: config.auth.leads_path(),
            enrich_persons: config.enrich_persons,
        })
    }

    /// Like [`PipedriveConnector::new`], with the transport's retries, limiter, client and
    /// credentials (e.g. `OAuthCredentials` built from [`Config::oauth_settings`]).
    pub fn with_options(config: Config, options: &TransportOptions) -> Result<Self> {
        let mut connector = PipedriveConnector::new(config)?;
        connector.client = connector.client.with_options(options);
        Ok(connector)
    }
}

#[async_trait]
impl Connector for PipedriveConnector {
    type State = PageState;

    fn capabilities(&self) -> &'static Capabilities {
        &CAPABILITIES
    }

    async fn fetch_page(&self, page: PageRequest<'_, PageState>) -> Result<RawPage<PageState>> {
        let start = page.state.map_or(0, |s| s.start);
        let request = request::build(self.leads_path, page.query, page.page_size, start)?;
        let response = self.client.send(&request, &errors::classify).await?;
        let rate_limit = errors::rate_limit(&response);
        let envelope = parse_body_with(crate::PROVIDER, &response, records::parse_page)?;
        if envelope.success == Some(false) {
            return Err(errors::unsuccessful(&response));
        }
        let records = envelope.data.unwrap_or_default();
        let next = next_start(start, records.len(), envelope.additional_data.as_ref())?;
        tracing::debug!(
            provider = "pipedrive",
            start,
            records = records.len(),
            next_start = next,
            "leads page"
        );
        Ok(RawPage {
            records,
            next: next.map(|start| PageState { start }),
            rate_limit,
        })
    }

    /// Offsets are predictable: page `k` ahead starts `k * page size` later (Pipedrive's default
    /// page when none is sent). The prefetcher checks each guess against the real `next_start`.
    fn state_after(
        &self,
        page: &PageRequest<'_, PageState>,
        pages_ahead: u32,
    ) -> Option<PageState> {
        let start = page.state.map_or(0, |s| s.start);
        let size = page.page_size.unwrap_or(CAPABILITIES.natural_page_size);
        let next = start.checked_add(u64::from(size) * u64::from(pages_ahead))?;
        (next <= MAX_START).then_some(PageState { start: next })
    }

    fn map_lead(&self, record: &RawValue, _options: &MapOptions) -> Result<Lead, MapError> {
        mapping::map_lead(record)
    }

    /// Names, e-mails and phones from the leads' persons: one persons call per 100 distinct
    /// persons on the page (see [`persons`]).
    async fn enrich(&self, leads: &mut [Lead]) -> Result<()> {
        if !self.enrich_persons {
            return Ok(());
        }
        let mut found = HashMap::new();
        for ids in persons::batches(leads) {
            let response = self
                .client
                .send(&persons::request(&ids), &errors::classify)
                .await?;
            let envelope: persons::PersonsEnvelope<'_> =
                parse_body_with(crate::PROVIDER, &response, serde_json::from_slice)?;
            if envelope.success == Some(false) {
                return Err(errors::unsuccessful(&response));
            }
            persons::read(envelope, &mut found);
        }
        persons::apply(leads, &found);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::LeadQuery;
    use secrecy::SecretString;

    fn state(start: u64) -> PageState {
        PageState { start }
    }

    #[test]
    fn predicts_offsets_for_prefetching() {
        let connector =
            PipedriveConnector::new(Config::api_token(SecretString::from("t".to_owned()))).unwrap();
        let query = LeadQuery::default();
        let forty = state(40);
        let page = PageRequest {
            query: &query,
            page_size: Some(20),
            state: Some(&forty),
        };
        assert_eq!(connector.state_after(&page, 3), Some(state(100)));
        let first = PageRequest {
            query: &query,
            page_size: None,
            state: None,
        };
        assert_eq!(connector.state_after(&first, 1), Some(state(100)));
        let far = state(MAX_START);
        let page = PageRequest {
            query: &query,
            page_size: Some(500),
            state: Some(&far),
        };
        assert_eq!(connector.state_after(&page, 1), None);
    }
}
