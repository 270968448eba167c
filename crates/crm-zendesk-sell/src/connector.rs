//! [`ZendeskSellConnector`]: one Zendesk Sell account behind the [`Connector`] trait.

use crate::capabilities::CAPABILITIES;
use crate::config::Config;
use crate::paging::{next_page, PageState, MAX_PAGE};
use crate::records::{self, Collection, ConversionItem, SourceItem, SourceOnly};
use crate::sources::{self, Sources};
use crate::{conversions, errors, mapping, request};
use async_trait::async_trait;
use crm_core::transport::{parse_body_with, HttpClient, TransportOptions};
use crm_core::{
    Capabilities, Connector, Error, Field, Lead, MapError, MapOptions, PageRequest, RateLimit,
    RawPage, Result,
};
use serde_json::value::RawValue;
use std::collections::HashMap;
use tokio::sync::OnceCell;

/// Lists one Zendesk Sell account's leads. Cheap to share (`Arc<dyn Connector>`); holds no
/// secret in its `Debug` output. Caches the account's lead sources after their first read.
#[derive(Debug)]
pub struct ZendeskSellConnector {
    client: HttpClient,
    enrich_conversions: bool,
    resolve_sources: bool,
    sources: OnceCell<Sources>,
}

impl ZendeskSellConnector {
    /// Checks the configuration (base URL, header-safe credentials) and builds the client. Sends
    /// each request once (no retries): see [`ZendeskSellConnector::with_options`].
    pub fn new(config: Config) -> Result<Self> {
        let credentials = config.auth.credentials()?;
        let client = HttpClient::new(crate::PROVIDER, &config.base_url, credentials)?
            .with_timeout(config.timeout);
        Ok(ZendeskSellConnector {
            client,
            enrich_conversions: config.enrich_conversions,
            resolve_sources: config.resolve_sources,
            sources: OnceCell::new(),
        })
    }

    /// Like [`ZendeskSellConnector::new`], with the transport's retries, limiter, client and
    /// credentials (e.g. `OAuthCredentials` built from [`Config::oauth_settings`]).
    pub fn with_options(config: Config, options: &TransportOptions) -> Result<Self> {
        let mut connector = ZendeskSellConnector::new(config)?;
        connector.client = connector.client.with_options(options);
        Ok(connector)
    }

    /// The account's lead sources: read on first use (every page of `/v2/lead_sources`), then
    /// cached for the connector's life. A failed read is not cached.
    pub async fn sources(&self) -> Result<&Sources> {
        self.sources
            .get_or_try_init(|| async {
                let mut all = Sources::default();
                for page in 1..=sources::MAX_PAGES {
                    let response = self
                        .client
                        .send(&sources::request(page), &errors::classify)
                        .await?;
                    let body: Collection<SourceItem<'_>> =
                        parse_body_with(crate::PROVIDER, &response, serde_json::from_slice)?;
                    let more = body.meta.as_ref().and_then(|m| m.has_next_link());
                    let count = all.read_page(body);
                    if count == 0 || more == Some(false) || count < sources::PER_PAGE as usize {
                        break;
                    }
                }
                Ok(all)
            })
            .await
    }
}

fn mapping_failure(e: MapError) -> Error {
    Error::InvalidResponse {
        provider: crate::PROVIDER,
        message: format!("a lead conversion does not fit the mapping: {e}"),
        remote: None,
    }
}

#[async_trait]
impl Connector for ZendeskSellConnector {
    type State = PageState;

    fn capabilities(&self) -> &'static Capabilities {
        &CAPABILITIES
    }

    async fn fetch_page(&self, page: PageRequest<'_, PageState>) -> Result<RawPage<PageState>> {
        let number = page.state.map_or(1, |s| s.page);
        let source_id = match page.query.filters.lead_source.as_deref() {
            None => None,
            Some(name) => {
                if !self.resolve_sources {
                    return Err(Error::invalid(
                        "lead_source",
                        "lead source names are not read for this account, so they cannot filter",
                    ));
                }
                match self.sources().await?.id_of(name)? {
                    Some(id) => Some(id.to_owned()),
                    // No source has this name: no lead can match, and nothing is asked.
                    None => {
                        return Ok(RawPage {
                            records: Vec::new(),
                            next: None,
                            rate_limit: RateLimit::default(),
                        })
                    }
                }
            }
        };
        let request = request::build(page.query, page.page_size, number, source_id.as_deref())?;
        let response = self.client.send(&request, &errors::classify).await?;
        let rate_limit = errors::rate_limit(&response);
        let envelope = parse_body_with(crate::PROVIDER, &response, records::parse_page)?;
        let next = next_page(number, envelope.items.len(), envelope.meta.as_ref())?;
        tracing::debug!(
            provider = "zendesk-sell",
            page = number,
            records = envelope.items.len(),
            next_page = next,
            "leads page"
        );
        Ok(RawPage {
            records: envelope.items,
            next: next.map(|page| PageState { page }),
            rate_limit,
        })
    }

    /// Page numbers are predictable: `k` pages ahead is `page + k`. The prefetcher checks each
    /// guess against the real answer.
    fn state_after(
        &self,
        page: &PageRequest<'_, PageState>,
        pages_ahead: u32,
    ) -> Option<PageState> {
        let number = page.state.map_or(1, |s| s.page);
        let next = number.checked_add(u64::from(pages_ahead))?;
        (next <= MAX_PAGE).then_some(PageState { page: next })
    }

    fn map_lead(&self, record: &RawValue, options: &MapOptions) -> Result<Lead, MapError> {
        mapping::map_lead(record, options)
    }

    /// Lead source names (the cached table) and conversions (one call per page).
    async fn enrich(&self, leads: &mut [Lead]) -> Result<()> {
        if self.resolve_sources {
            let sources = self.sources().await?;
            for lead in leads.iter_mut() {
                let id = lead
                    .remote_data
                    .as_deref()
                    .and_then(|raw| serde_json::from_str::<SourceOnly<'_>>(raw.get()).ok())
                    .and_then(|s| s.data.source_id)
                    .map(|id| id.0.trim().to_owned());
                lead.lead_source = Field::from_option(
                    id.as_deref()
                        .and_then(|id| sources.name(id))
                        .map(str::to_owned),
                );
            }
        }
        if self.enrich_conversions {
            let mut found = HashMap::new();
            for ids in conversions::batches(leads) {
                let response = self
                    .client
                    .send(&conversions::request(&ids), &errors::classify)
                    .await?;
                let body: Collection<ConversionItem<'_>> =
                    parse_body_with(crate::PROVIDER, &response, serde_json::from_slice)?;
                conversions::read(body, &ids, &mut found).map_err(mapping_failure)?;
            }
            conversions::apply(leads, &found);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::LeadQuery;
    use secrecy::SecretString;

    #[test]
    fn predicts_page_numbers_for_prefetching() {
        let connector =
            ZendeskSellConnector::new(Config::access_token(SecretString::from("t".to_owned())))
                .unwrap();
        let query = LeadQuery::default();
        let first = PageRequest {
            query: &query,
            page_size: Some(20),
            state: None,
        };
        assert_eq!(
            connector.state_after(&first, 3),
            Some(PageState { page: 4 })
        );
        let far = PageState { page: MAX_PAGE };
        let page = PageRequest {
            query: &query,
            page_size: Some(100),
            state: Some(&far),
        };
        assert_eq!(connector.state_after(&page, 1), None);
    }
}
