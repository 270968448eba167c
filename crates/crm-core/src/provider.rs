//! A provider's identity. The core keeps no list of providers: each provider crate defines its
//! [`Provider`] constant (in its descriptor), and the registry that a build links lists them.

use serde::{Serialize, Serializer};
use std::fmt;

/// A CRM provider: a stable lowercase id (accounts files, cursors, URLs, metrics) and the product
/// name (messages, docs). One pointer wide, so that errors carrying it stay small. Each provider
/// crate defines the one constant for its id with [`provider!`](crate::provider!), so constants
/// also work as patterns.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Provider(&'static ProviderNames);

/// What a [`Provider`] points at. Ordered by id.
#[derive(Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderNames {
    pub id: &'static str,
    pub name: &'static str,
}

/// A [`Provider`] constant: `crm_core::provider!("copper", "Copper")`.
#[macro_export]
macro_rules! provider {
    ($id:expr, $name:expr) => {
        $crate::Provider::new(&$crate::provider::ProviderNames {
            id: $id,
            name: $name,
        })
    };
}

impl Provider {
    /// `id` must be lowercase ASCII letters, digits and `-` (checked by the registry's tests).
    pub const fn new(names: &'static ProviderNames) -> Provider {
        Provider(names)
    }

    /// The machine name used in configuration, cursors and the capabilities file.
    pub const fn as_str(self) -> &'static str {
        self.0.id
    }

    /// The product name, as the endpoint documentation spells it.
    pub const fn display_name(self) -> &'static str {
        self.0.name
    }

    /// Whether `id` is a well-formed provider id.
    pub fn is_valid_id(id: &str) -> bool {
        !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.id)
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl Serialize for Provider {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.id)
    }
}

/// Providers for the core's own tests (the core knows no real provider).
#[cfg(test)]
pub(crate) mod fixtures {
    use super::Provider;
    pub const COPPER: Provider = crate::provider!("copper", "Copper");
    pub const PIPEDRIVE: Provider = crate::provider!("pipedrive", "Pipedrive");
    pub const SALESFORCE: Provider = crate::provider!("salesforce", "Salesforce");
    pub const ZOHO: Provider = crate::provider!("zoho", "Zoho CRM");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_is_the_id() {
        let a = crate::provider!("acme", "Acme CRM");
        assert!(a < crate::provider!("beta", "Aardvark"), "ordered by id");
        assert_eq!(a.to_string(), "Acme CRM");
        assert_eq!(format!("{a:?}"), "acme");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"acme\"");
        assert!(Provider::is_valid_id("zendesk-sell"));
        assert!(!Provider::is_valid_id("Zoho"));
        assert!(!Provider::is_valid_id(""));
    }
}
