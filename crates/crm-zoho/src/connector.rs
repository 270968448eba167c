//! [`ZohoConnector`]: lists one Zoho CRM account's leads, one page per call.

use crate::capabilities::{CAPABILITIES, MAX_PAGE_SIZE};
use crate::config::Config;
use crate::paging::{self, MoreInfo, PageState, Position};
use crate::records;
use crate::{errors, mapping, request};
use async_trait::async_trait;
use crm_core::transport::{
    parse_body_with, HttpClient, HttpResponse, StaticCredentials, TransportOptions,
};
use crm_core::{
    Capabilities, Connector, Error, Lead, MapError, MapOptions, PageRequest, RawPage, Result,
};
use secrecy::ExposeSecret;
use serde_json::value::RawValue;
use std::sync::Arc;

/// The `Authorization` scheme Zoho uses instead of `Bearer`.
pub(crate) const AUTH_SCHEME: &str = "Zoho-oauthtoken";

/// A connector bound to one Zoho CRM account.
#[derive(Debug, Clone)]
pub struct ZohoConnector {
    http: HttpClient,
    /// `v8`, checked.
    version: String,
    /// Records reachable with `page` (2,000 unless lowered for tests).
    paging_limit: u32,
}

impl ZohoConnector {
    /// A connector sending the configured access token as `Authorization: Zoho-oauthtoken …`,
    /// each request once (no retries): see [`ZohoConnector::with_options`].
    pub fn new(config: Config) -> Result<Self> {
        if config.access_token.expose_secret().trim().is_empty() {
            return Err(Error::invalid(
                "access_token",
                "the Zoho CRM access token is empty; connect the account again to get one",
            ));
        }
        let version = config.version_segment()?;
        let paging_limit = config.checked_paging_limit()?;
        let credentials = StaticCredentials::authorization(AUTH_SCHEME, &config.access_token)?;
        let http = HttpClient::new(crate::PROVIDER, &config.api_domain, Arc::new(credentials))?
            .with_timeout(config.timeout);
        Ok(ZohoConnector {
            http,
            version,
            paging_limit,
        })
    }

    /// Like [`ZohoConnector::new`], with the transport's retries, limiter, client and credentials
    /// (e.g. `OAuthCredentials` built from [`Config::oauth_settings`]).
    pub fn with_options(config: Config, options: &TransportOptions) -> Result<Self> {
        let mut connector = ZohoConnector::new(config)?;
        connector.http = connector.http.with_options(options);
        Ok(connector)
    }

    /// Where a request starts: the decoded cursor state, or page 1 with the caller's page size.
    /// A walk keeps the page size it started with (see [`crate::paging`]).
    fn start(&self, page: &PageRequest<'_, PageState>) -> Result<(Position, Option<u32>)> {
        Ok(match page.state {
            Some(state) => {
                state.within(self.paging_limit)?;
                (state.position.clone(), state.per_page)
            }
            None => (
                Position::Page(1),
                page.page_size.map(|n| n.clamp(1, MAX_PAGE_SIZE)),
            ),
        })
    }

    fn unreadable(response: &HttpResponse, message: String) -> Error {
        Error::InvalidResponse {
            provider: crate::PROVIDER,
            message,
            remote: Some(response.remote(None)),
        }
    }
}

#[async_trait]
impl Connector for ZohoConnector {
    type State = PageState;

    fn capabilities(&self) -> &'static Capabilities {
        &CAPABILITIES
    }

    async fn fetch_page(&self, page: PageRequest<'_, PageState>) -> Result<RawPage<PageState>> {
        let (position, per_page) = self.start(&page)?;
        let http_request =
            request::list_leads(&self.version, &position, per_page, &page.query.remote_query)?;
        let response = self.http.send(&http_request, &errors::classify).await?;

        // Zoho answers "no records" with 204 and no body.
        if response.status == http::StatusCode::NO_CONTENT {
            return Ok(RawPage::default());
        }
        let envelope = parse_body_with(crate::PROVIDER, &response, records::parse_page)?;
        if envelope.status.as_deref() == Some("error") {
            return Err(errors::classify(&response));
        }
        let info = envelope.info.as_ref();
        let more_records = info.and_then(|info| info.more_records).ok_or_else(|| {
            Self::unreadable(
                &response,
                "the page has no info.more_records, so it cannot tell whether more leads follow"
                    .into(),
            )
        })?;
        let next = paging::next_state(
            &position,
            per_page,
            MoreInfo {
                more_records,
                next_page_token: info.and_then(|info| info.next_page_token.as_deref()),
            },
            self.paging_limit,
        )
        .map_err(|message| Self::unreadable(&response, message))?;
        Ok(RawPage {
            records: envelope.data.unwrap_or_default(),
            next,
            rate_limit: Default::default(),
        })
    }

    fn map_lead(&self, record: &RawValue, _options: &MapOptions) -> Result<Lead, MapError> {
        mapping::map_lead(record)
    }

    /// Page numbers are predictable up to the 2,000-record boundary, so those pages can be
    /// prefetched; tokens are not (each comes from the previous answer).
    fn state_after(
        &self,
        page: &PageRequest<'_, PageState>,
        pages_ahead: u32,
    ) -> Option<PageState> {
        let (Position::Page(n), per_page) = self.start(page).ok()? else {
            return None;
        };
        let target = n.checked_add(pages_ahead)?;
        paging::page_fits(target, per_page, self.paging_limit).then_some(PageState {
            position: Position::Page(target),
            per_page,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::{DynConnector, LeadQuery};
    use secrecy::SecretString;
    use serde_json::json;

    #[test]
    fn predictions_stop_at_the_boundary_and_at_tokens() {
        let zoho = ZohoConnector::new(Config::new(
            "https://www.zohoapis.com",
            SecretString::from("t"),
        ))
        .unwrap();
        let query = LeadQuery::default();
        let first = PageRequest {
            query: &query,
            page_size: Some(200),
            state: None,
        };
        assert_eq!(
            DynConnector::state_after(&zoho, &first, 1),
            Some(json!({"page": 2, "per_page": 200}))
        );
        assert_eq!(
            DynConnector::state_after(&zoho, &first, 9),
            Some(json!({"page": 10, "per_page": 200}))
        );
        assert_eq!(DynConnector::state_after(&zoho, &first, 10), None);

        let at_eight = json!({"page": 8, "per_page": 200});
        let later = PageRequest {
            state: Some(&at_eight),
            ..first
        };
        assert_eq!(
            DynConnector::state_after(&zoho, &later, 2),
            Some(json!({"page": 10, "per_page": 200}))
        );
        assert_eq!(DynConnector::state_after(&zoho, &later, 3), None);

        let natural = PageRequest {
            page_size: None,
            ..first
        };
        assert_eq!(
            DynConnector::state_after(&zoho, &natural, 1),
            Some(json!({"page": 2}))
        );

        let token = json!({"page_token": "abc", "per_page": 200});
        let broken = json!({"page": "x"});
        for state in [&token, &broken] {
            let request = PageRequest {
                state: Some(state),
                ..first
            };
            assert_eq!(DynConnector::state_after(&zoho, &request, 1), None);
        }
    }
}
