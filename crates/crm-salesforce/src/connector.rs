//! `SalesforceConnector`: one instance per connected Salesforce org.

use crate::capabilities::CAPABILITIES;
use crate::config::Config;
use crate::describe::LeadDescribe;
use crate::errors::{self, LIMIT_INFO_HEADER};
use crate::mapping::map_record;
use crate::paging::{self, PageState, Position};
use crate::records;
use crate::request;
use async_trait::async_trait;
use crm_core::transport::RefreshSettings;
use crm_core::transport::{
    parse_body, parse_body_with, HttpClient, Request, StaticCredentials, TransportOptions,
};
use crm_core::{Capabilities, Connector, Lead, MapError, MapOptions, PageRequest, RawPage, Result};
use http::{HeaderName, HeaderValue};
use serde_json::value::RawValue;
use std::sync::Arc;
use tokio::sync::OnceCell;

/// The header that asks Salesforce for a batch size.
const QUERY_OPTIONS: HeaderName = HeaderName::from_static("sforce-query-options");

/// Lists the leads of one Salesforce org through the REST query API.
#[derive(Debug)]
pub struct SalesforceConnector {
    http: HttpClient,
    api_version: String,
    refresh: Option<RefreshSettings>,
    /// The Lead describe result, fetched on the first request that involves custom fields.
    describe: OnceCell<Arc<LeadDescribe>>,
}

impl SalesforceConnector {
    /// Checks the configuration and prepares the HTTP client; no request is sent. Each request is
    /// sent once (no retries) with the configured access token: see
    /// [`SalesforceConnector::with_options`].
    pub fn new(config: Config) -> Result<SalesforceConnector> {
        config.validate()?;
        let credentials = StaticCredentials::authorization("Bearer", &config.access_token)?;
        let http = HttpClient::new(crate::PROVIDER, &config.instance_url, Arc::new(credentials))?
            .with_timeout(config.timeout);
        Ok(SalesforceConnector {
            http,
            api_version: config.api_version,
            refresh: config.refresh,
            describe: OnceCell::new(),
        })
    }

    /// Like [`SalesforceConnector::new`], with the transport's retries, limiter, client and
    /// credentials (e.g. `OAuthCredentials` from [`Config::oauth_settings`] and
    /// [`Config::token_set`], which refresh the token and follow a changed `instance_url`).
    pub fn with_options(config: Config, options: &TransportOptions) -> Result<SalesforceConnector> {
        let mut connector = SalesforceConnector::new(config)?;
        connector.http = connector.http.with_options(options);
        Ok(connector)
    }

    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// The OAuth refresh settings given in the configuration (used by token refresh).
    pub fn refresh_settings(&self) -> Option<&RefreshSettings> {
        self.refresh.as_ref()
    }

    /// The Lead describe result, fetched once per connector instance. A failed fetch is not
    /// cached, so the next request tries again.
    async fn lead_describe(&self) -> Result<Arc<LeadDescribe>> {
        self.describe
            .get_or_try_init(|| async {
                let path = format!("/services/data/{}/sobjects/Lead/describe", self.api_version);
                let response = self
                    .http
                    .send(&Request::get(path), &errors::classify)
                    .await?;
                let describe: LeadDescribe = parse_body(crate::PROVIDER, &response)?;
                Ok(Arc::new(describe))
            })
            .await
            .cloned()
    }
}

#[async_trait]
impl Connector for SalesforceConnector {
    type State = PageState;

    fn capabilities(&self) -> &'static Capabilities {
        &CAPABILITIES
    }

    async fn fetch_page(&self, page: PageRequest<'_, PageState>) -> Result<RawPage<PageState>> {
        let query = page.query;
        let position = match page.state {
            Some(state) => Position::from_state(state)?,
            None => Position::start(),
        };

        let mut http_request = match &position {
            Position::Locator(locator) => Request::get(locator.path()),
            Position::Query { after_id } => {
                let describe = if request::needs_describe(&query.filters) {
                    Some(self.lead_describe().await?)
                } else {
                    None
                };
                let soql =
                    request::build_soql(&query.filters, describe.as_deref(), after_id.as_deref())?;
                Request::get(format!("/services/data/{}/query", self.api_version)).query("q", soql)
            }
        };
        if let Some(size) = page.page_size {
            let value = format!("batchSize={}", paging::batch_size(size));
            if let Ok(value) = HeaderValue::from_str(&value) {
                http_request = http_request.header(QUERY_OPTIONS, value);
            }
        }
        for (key, value) in &query.remote_query {
            http_request = http_request.query(key.as_str(), value.as_str());
        }

        let response = self.http.send(&http_request, &errors::classify).await?;
        let rate_limit = errors::parse_limit_info(response.header(LIMIT_INFO_HEADER));
        let mut body = parse_body_with(crate::PROVIDER, &response, records::parse_page)?;
        let next = paging::next_state(&position, page.page_size, &mut body)?;
        Ok(RawPage {
            records: body.records,
            next,
            rate_limit,
        })
    }

    fn map_lead(&self, record: &RawValue, options: &MapOptions) -> Result<Lead, MapError> {
        map_record(record, options)
    }
}
