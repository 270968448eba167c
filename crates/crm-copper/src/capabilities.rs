//! Everything the Copper connector supports, declared once. The list pipeline refuses any other
//! filter or operator before a request is made; the server's meta route shows this table.

use crm_core::capabilities::{EQ, TIME_OPS};
use crm_core::{Capabilities, FilterKey, FilterSupport, ResponseField};

/// Copper's largest `page_size`.
pub const MAX_PAGE_SIZE: u32 = 200;

/// The page size Copper uses when the body carries none (`truto_ignore_limit`).
pub const NATURAL_PAGE_SIZE: u32 = 20;

pub static CAPABILITIES: Capabilities = Capabilities {
    provider: crate::PROVIDER,
    filters: &[
        FilterSupport {
            filter: FilterKey::OwnerId,
            operators: EQ,
            maps_to: "assignee_ids: [<owner id as a number>]",
        },
        FilterSupport {
            filter: FilterKey::Name,
            operators: EQ,
            maps_to: "name: \"<value>\" (Copper's full-name search)",
        },
        FilterSupport {
            filter: FilterKey::Country,
            operators: EQ,
            maps_to: "country: \"<ISO 3166-1 alpha-2 code>\" (country names are converted)",
        },
        FilterSupport {
            filter: FilterKey::CreatedAt,
            operators: TIME_OPS,
            maps_to: "minimum_created_date / maximum_created_date (Unix seconds, inclusive)",
        },
        FilterSupport {
            filter: FilterKey::UpdatedAt,
            operators: TIME_OPS,
            maps_to: "minimum_modified_date / maximum_modified_date (Unix seconds, inclusive)",
        },
        FilterSupport {
            filter: FilterKey::EmailAddresses,
            operators: EQ,
            maps_to: "emails: \"<address>\" (one address per request)",
        },
    ],
    fields: &[
        ResponseField::Id,
        ResponseField::OwnerId,
        ResponseField::Title,
        ResponseField::FirstName,
        ResponseField::LastName,
        ResponseField::Addresses,
        ResponseField::EmailAddresses,
        ResponseField::PhoneNumbers,
        ResponseField::CreatedAt,
        ResponseField::UpdatedAt,
        ResponseField::RemoteData,
    ],
    max_page_size: MAX_PAGE_SIZE,
    natural_page_size: NATURAL_PAGE_SIZE,
    reserved_remote_query: crate::request::RESERVED_REMOTE_QUERY,
    enrichment: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_the_documented_floor() {
        crm_testkit::seed::assert_covers_seed(&CAPABILITIES);
    }

    #[test]
    fn declares_nothing_beyond_the_floor() {
        // Anything added here is an extension and must be documented in the crate doc.
        let seed: serde_json::Value = serde_json::from_str(crm_testkit::seed::SEED_JSON).unwrap();
        let listed = |section: &str, name: &str| {
            seed[section][name]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p == "copper"))
        };
        for f in CAPABILITIES.filters {
            assert!(listed("query_filters", f.filter.as_str()), "{}", f.filter);
        }
        for f in CAPABILITIES.fields {
            assert!(listed("response_fields", f.as_str()), "{}", f.as_str());
        }
    }
}
