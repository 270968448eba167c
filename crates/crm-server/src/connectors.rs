//! The real connectors: a stored account -> `Arc<dyn Connector>` for the four providers.
//!
//! | provider   | credentials used                                   | base URL          |
//! |------------|----------------------------------------------------|-------------------|
//! | copper     | `api_key`, `user_email`                            | the API host      |
//! | pipedrive  | `api_token` (or `api_key`), else OAuth `access_token` | `api_domain`   |
//! | salesforce | `access_token`                                     | `instance_url`    |
//! | zoho       | `access_token`                                     | `api_domain`      |
//!
//! OAuth accounts with `refresh_token`, `client_id` and `client_secret` get refreshing credentials
//! (`crm_core::transport::OAuthCredentials`): refreshed before expiry and once on a 401, one refresh
//! at a time per account, and the new tokens (and a moved base URL) written back to the store.
//! Copper accounts share a per-account limiter that keeps them inside 180 requests a minute.

use crate::registry::ConnectorFactory;
use crate::store::{Account, Store};
use async_trait::async_trait;
use crm_core::transport::{
    OAuthCredentials, OAuthSettings, RetryPolicy, TokenSet, TokenSink, TransportOptions,
};
use crm_core::{Capabilities, Connector, Error, Provider};
use secrecy::SecretString;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Salesforce's token endpoint when an account names none.
pub const SALESFORCE_TOKEN_URL: &str = "https://login.salesforce.com/services/oauth2/token";

/// Every provider's declared capabilities.
pub fn all_capabilities() -> Vec<&'static Capabilities> {
    vec![
        &crm_copper::CAPABILITIES,
        &crm_pipedrive::CAPABILITIES,
        &crm_salesforce::CAPABILITIES,
        &crm_zoho::CAPABILITIES,
    ]
}

/// The capabilities of one provider.
pub fn capabilities(provider: Provider) -> &'static Capabilities {
    match provider {
        Provider::Copper => &crm_copper::CAPABILITIES,
        Provider::Pipedrive => &crm_pipedrive::CAPABILITIES,
        Provider::Salesforce => &crm_salesforce::CAPABILITIES,
        Provider::Zoho => &crm_zoho::CAPABILITIES,
    }
}

/// Builds the provider connectors from stored accounts.
#[derive(Debug, Default, Clone)]
pub struct ProviderFactory {
    /// Per-request provider timeout, when not the connectors' default (30 s).
    pub timeout: Option<Duration>,
    /// Retry policy, when not the transport's default.
    pub retry: Option<RetryPolicy>,
    /// Where refreshed tokens are written back (without it they live in memory only).
    pub store: Option<Store>,
    /// Build connectors without their providers' client-side limits (load tests of the gateway
    /// itself); by default every account gets its connector's `default_limiter()`.
    pub unthrottled: bool,
}

impl ProviderFactory {
    /// A factory that writes refreshed tokens back to `store`.
    pub fn new(store: Store) -> Self {
        ProviderFactory {
            store: Some(store),
            ..ProviderFactory::default()
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Connectors without client-side limits (see [`ProviderFactory::unthrottled`]).
    pub fn without_client_limits(mut self) -> Self {
        self.unthrottled = true;
        self
    }

    /// Timeout, retries, and the provider's own client-side limits (declared in each connector's
    /// `limits.rs`), shared by every request of the account's connector.
    fn options(&self, provider: Provider) -> TransportOptions {
        let limiter = (!self.unthrottled).then(|| {
            Arc::new(match provider {
                Provider::Copper => crm_copper::default_limiter(),
                Provider::Pipedrive => crm_pipedrive::default_limiter(),
                Provider::Salesforce => crm_salesforce::default_limiter(),
                Provider::Zoho => crm_zoho::default_limiter(),
            })
        });
        TransportOptions {
            timeout: self.timeout,
            retry: self.retry,
            limiter,
            ..TransportOptions::default()
        }
    }

    /// Refreshing credentials for an OAuth account that can refresh.
    fn oauth(&self, account: &Account, settings: Option<OAuthSettings>) -> TransportOptions {
        let mut options = self.options(account.provider);
        let c = &account.credentials;
        if let (Some(settings), Some(access)) = (settings, c.access_token.clone()) {
            let tokens = TokenSet {
                access_token: access,
                refresh_token: c.refresh_token.clone(),
                expires_at: account.expires_at,
                base_url: None,
            };
            let mut credentials = OAuthCredentials::new(settings, tokens);
            if let Some(store) = &self.store {
                credentials = credentials.with_sink(Arc::new(StoreSink {
                    store: store.clone(),
                    account: account.id,
                }));
            }
            options.credentials = Some(Arc::new(credentials));
        }
        options
    }
}

fn missing(account: &Account, what: &str) -> Error {
    Error::invalid(
        "credentials",
        format!(
            "{} account {} has no `{what}`",
            account.provider, account.id
        ),
    )
}

fn required(
    account: &Account,
    value: &Option<SecretString>,
    name: &str,
) -> crm_core::Result<SecretString> {
    value.clone().ok_or_else(|| missing(account, name))
}

/// The refresh settings of an account, when it has all three parts.
fn refresh_parts(account: &Account) -> Option<(String, SecretString, SecretString)> {
    let c = &account.credentials;
    Some((
        c.client_id.clone()?,
        c.client_secret.clone()?,
        c.refresh_token.clone()?,
    ))
}

impl ConnectorFactory for ProviderFactory {
    fn build(&self, account: &Account) -> crm_core::Result<Arc<dyn Connector>> {
        let c = &account.credentials;
        let base = account.base_url.as_str();
        let version = account.api_version.as_deref();
        let connector: Arc<dyn Connector> = match account.provider {
            Provider::Copper => {
                let mut config = crm_copper::Config::new(
                    required(account, &c.api_key, "api_key")?,
                    required(account, &c.user_email, "user_email")?,
                )
                .with_base_url(base);
                if let Some(v) = version {
                    config = config.with_api_version(v);
                }
                let options = self.options(account.provider);
                Arc::new(crm_copper::CopperConnector::with_options(config, &options)?)
            }
            Provider::Pipedrive => {
                let token = c.api_token.clone().or_else(|| c.api_key.clone());
                let config = match token {
                    Some(token) => crm_pipedrive::Config::api_token(token).with_base_url(base),
                    None => {
                        let mut config = crm_pipedrive::Config::oauth(
                            base,
                            required(account, &c.access_token, "api_token` or `access_token")?,
                        );
                        if let Some((id, secret, refresh)) = refresh_parts(account) {
                            let mut r = crm_pipedrive::OAuthRefresh::new(id, secret, refresh);
                            if let Some(url) = &c.token_url {
                                r = r.with_token_url(url.as_str());
                            }
                            config = config.with_refresh(r);
                        }
                        config
                    }
                };
                let options = self.oauth(account, config.oauth_settings());
                Arc::new(crm_pipedrive::PipedriveConnector::with_options(
                    config, &options,
                )?)
            }
            Provider::Salesforce => {
                let mut config = crm_salesforce::Config::new(
                    base,
                    required(account, &c.access_token, "access_token")?,
                );
                if let Some(v) = version {
                    config = config.with_api_version(v);
                }
                if let Some((client_id, client_secret, refresh_token)) = refresh_parts(account) {
                    config = config.with_refresh(crm_salesforce::RefreshSettings {
                        token_url: c
                            .token_url
                            .clone()
                            .unwrap_or_else(|| SALESFORCE_TOKEN_URL.to_owned()),
                        client_id,
                        client_secret,
                        refresh_token,
                    });
                }
                let options = self.oauth(account, config.oauth_settings());
                Arc::new(crm_salesforce::SalesforceConnector::with_options(
                    config, &options,
                )?)
            }
            Provider::Zoho => {
                let mut config = crm_zoho::Config::new(
                    base,
                    required(account, &c.access_token, "access_token")?,
                );
                if let Some(v) = version {
                    config = config.with_api_version(v);
                }
                if let Some((client_id, client_secret, refresh_token)) = refresh_parts(account) {
                    // Zoho's token URL is `{accounts server}/oauth/v2/token`.
                    let accounts_server = c.token_url.as_ref().map(|u| {
                        u.trim_end_matches('/')
                            .trim_end_matches("/oauth/v2/token")
                            .to_owned()
                    });
                    config = config.with_refresh(crm_zoho::RefreshConfig {
                        client_id,
                        client_secret,
                        refresh_token,
                        accounts_server,
                    });
                }
                let settings = config.oauth_settings()?;
                let options = self.oauth(account, settings);
                Arc::new(crm_zoho::ZohoConnector::with_options(config, &options)?)
            }
        };
        Ok(connector)
    }
}

/// Writes refreshed tokens back to the store, so that restarts and other replicas use them.
struct StoreSink {
    store: Store,
    account: Uuid,
}

#[async_trait]
impl TokenSink for StoreSink {
    async fn save(&self, tokens: &TokenSet) -> crm_core::Result<()> {
        // The refresh itself succeeded: a failed write is logged, not turned into a failed request.
        if let Err(e) = self
            .store
            .save_tokens(
                self.account,
                &tokens.access_token,
                tokens.refresh_token.as_ref(),
                tokens.expires_at,
                tokens.base_url.as_deref(),
            )
            .await
        {
            tracing::error!(account_id = %self.account, error = %e, "could not write refreshed tokens back to the account store");
        } else {
            tracing::info!(account_id = %self.account, "refreshed tokens written back to the account store");
        }
        Ok(())
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    #[test]
    fn every_provider_gets_its_client_side_limits_unless_unthrottled() {
        let factory = ProviderFactory::default();
        for provider in Provider::ALL {
            let limiter = factory.options(provider).limiter;
            assert!(limiter.is_some(), "{provider} has no limiter");
        }
        let unthrottled = ProviderFactory::default().without_client_limits();
        for provider in Provider::ALL {
            assert!(
                unthrottled.options(provider).limiter.is_none(),
                "{provider}"
            );
        }
    }
}
