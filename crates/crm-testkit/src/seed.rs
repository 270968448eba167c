//! The documentation's "Supported in" lists (`spec/leads-capabilities.json`, copied from the
//! endpoint documentation) as the floor every connector's [`Capabilities`] must reach.

use crm_core::Capabilities;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The capabilities file, compiled in so that tests need nothing beside the repository.
pub const SEED_JSON: &str = include_str!("../../../spec/leads-capabilities.json");

#[derive(Debug, Deserialize)]
struct Seed {
    query_filters: BTreeMap<String, Vec<String>>,
    response_fields: BTreeMap<String, Vec<String>>,
}

/// What the seed requires of `caps` that `caps` does not declare; empty when it covers the floor.
pub fn missing_from(caps: &Capabilities) -> Vec<String> {
    let seed: Seed = match serde_json::from_str(SEED_JSON) {
        Ok(seed) => seed,
        Err(e) => return vec![format!("spec/leads-capabilities.json does not parse: {e}")],
    };
    let me = caps.provider.as_str();
    let mut missing = Vec::new();
    for (filter, providers) in &seed.query_filters {
        if providers.iter().any(|p| p == me)
            && !caps.filters.iter().any(|f| f.filter.as_str() == filter)
        {
            missing.push(format!("query filter `{filter}`"));
        }
    }
    for (field, providers) in &seed.response_fields {
        if providers.iter().any(|p| p == me) && !caps.fields.iter().any(|f| f.as_str() == field) {
            missing.push(format!("response field `{field}`"));
        }
    }
    missing
}

/// Panics with the list of gaps when `caps` declares less than the documentation requires.
pub fn assert_covers_seed(caps: &Capabilities) {
    let missing = missing_from(caps);
    assert!(
        missing.is_empty(),
        "{} declares less than spec/leads-capabilities.json requires: {}",
        caps.provider,
        missing.join(", ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::capabilities::{FilterSupport, ResponseField, EQ};

    use crm_core::FilterKey;

    #[test]
    fn seed_names_are_all_known() {
        let seed: Seed = serde_json::from_str(SEED_JSON).unwrap();
        for name in seed.query_filters.keys() {
            assert!(
                FilterKey::from_name(name).is_some(),
                "unknown filter {name}"
            );
        }
    }

    #[test]
    fn a_connector_declaring_too_little_is_caught() {
        static CAPS: Capabilities = Capabilities {
            provider: crm_core::provider!("pipedrive", "Pipedrive"),
            filters: &[FilterSupport {
                filter: FilterKey::OwnerId,
                operators: EQ,
                maps_to: "owner_id",
            }],
            fields: &[ResponseField::Id],
            max_page_size: 500,
            natural_page_size: 100,
            reserved_remote_query: &[],
            enrichment: None,
        };
        let missing = missing_from(&CAPS);
        assert!(missing.contains(&"query filter `contact.id`".to_string()));
        assert!(missing.contains(&"response field `title`".to_string()));
        assert!(!missing.contains(&"query filter `owner.id`".to_string()));
    }
}
