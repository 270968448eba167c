//! The real connectors: a stored account -> `Arc<dyn DynConnector>`, through the provider's
//! descriptor in the registry (`crm-providers`); this module names no provider.
//!
//! Every account gets its provider's default client-side limits (one limiter per account, shared by
//! all its requests), the factory's timeout and retry policy, and, for OAuth accounts that can
//! refresh, a token sink that writes refreshed tokens (and a moved base URL) back to the store.

use crate::registry::ConnectorFactory;
use crate::store::{Account, Store};
use async_trait::async_trait;
use crm_core::transport::{RetryPolicy, TokenSet, TokenSink, TransportOptions};
use crm_core::{Capabilities, ConnectOptions, Descriptor, DynConnector, Error};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Every provider's declared capabilities (the providers of this build).
pub fn all_capabilities() -> Vec<&'static Capabilities> {
    crm_providers::all()
        .iter()
        .map(|d| d.capabilities)
        .collect()
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
    /// itself); by default every account gets its descriptor's `default_limits`.
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

    /// Timeout, retries, and the provider's own client-side limits, shared by every request of
    /// the account's connector.
    fn options(&self, descriptor: &Descriptor, account: Uuid) -> ConnectOptions {
        let limiter = (!self.unthrottled).then(|| Arc::new((descriptor.default_limits)()));
        ConnectOptions {
            transport: TransportOptions {
                timeout: self.timeout,
                retry: self.retry,
                limiter,
                ..TransportOptions::default()
            },
            token_sink: self.store.as_ref().map(|store| {
                Arc::new(StoreSink {
                    store: store.clone(),
                    account,
                }) as Arc<dyn TokenSink>
            }),
        }
    }
}

impl ConnectorFactory for ProviderFactory {
    fn build(&self, account: &Account) -> crm_core::Result<Arc<dyn DynConnector>> {
        let descriptor = crm_providers::lookup(account.provider.as_str())
            .map_err(|e| Error::invalid("provider", e.to_string()))?;
        descriptor.connect(&account.settings(), self.options(descriptor, account.id))
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
        let unthrottled = ProviderFactory::default().without_client_limits();
        for descriptor in crm_providers::all() {
            let id = Uuid::nil();
            let limited = factory.options(descriptor, id).transport.limiter;
            assert!(limited.is_some(), "{} has no limiter", descriptor.provider);
            assert!(unthrottled
                .options(descriptor, id)
                .transport
                .limiter
                .is_none());
        }
    }
}
