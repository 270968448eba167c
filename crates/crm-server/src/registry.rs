//! Account -> connector, built once per account revision and cached.

use crate::store::Account;
use crm_core::DynConnector;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Builds the connector of an account. The server's default is
/// [`crate::connectors::ProviderFactory`]; tests substitute doubles.
pub trait ConnectorFactory: Send + Sync + fmt::Debug {
    fn build(&self, account: &Account) -> crm_core::Result<Arc<dyn DynConnector>>;
}

/// Caches one connector per account; a changed account (new revision: edited, re-imported, tokens
/// written back) gets a fresh one.
pub struct Registry {
    factory: Arc<dyn ConnectorFactory>,
    cache: Mutex<HashMap<Uuid, Cached>>,
}

/// A connector and the account revision it was built from.
type Cached = (i64, Arc<dyn DynConnector>);

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.cache.lock().map(|c| c.len()).unwrap_or_default();
        f.debug_struct("Registry")
            .field("factory", &self.factory)
            .field("cached", &cached)
            .finish()
    }
}

impl Registry {
    pub fn new(factory: Arc<dyn ConnectorFactory>) -> Self {
        Registry {
            factory,
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn factory(&self) -> &Arc<dyn ConnectorFactory> {
        &self.factory
    }

    /// The account's connector.
    pub fn connector(&self, account: &Account) -> crm_core::Result<Arc<dyn DynConnector>> {
        if let Ok(cache) = self.cache.lock() {
            if let Some((revision, connector)) = cache.get(&account.id) {
                if *revision == account.revision {
                    return Ok(connector.clone());
                }
            }
        }
        let connector = self.factory.build(account)?;
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(account.id, (account.revision, connector.clone()));
        }
        Ok(connector)
    }

    /// Drops a cached connector (after the account was removed).
    pub fn forget(&self, id: Uuid) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.remove(&id);
        }
    }
}
