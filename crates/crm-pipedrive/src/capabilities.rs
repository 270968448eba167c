//! Everything the Pipedrive connector supports, in one place: the list pipeline refuses any other
//! filter before a request is made, and the server's meta route and docs read this table.

use crm_core::capabilities::EQ;
use crm_core::{Capabilities, FilterKey, FilterSupport, Provider, ResponseField};

/// Pipedrive's leads capabilities: exactly the documentation's floor, no extensions.
pub static CAPABILITIES: Capabilities = Capabilities {
    provider: Provider::Pipedrive,
    filters: &[
        FilterSupport {
            filter: FilterKey::OwnerId,
            operators: EQ,
            maps_to: "owner_id=<positive integer>",
        },
        FilterSupport {
            filter: FilterKey::ContactId,
            operators: EQ,
            maps_to: "person_id=<positive integer>",
        },
        FilterSupport {
            filter: FilterKey::OrganizationId,
            operators: EQ,
            maps_to: "organization_id=<positive integer>",
        },
    ],
    fields: &[
        ResponseField::Id,
        ResponseField::OwnerId,
        ResponseField::LeadSource,
        ResponseField::Title,
        ResponseField::ContactId,
        ResponseField::AccountId,
        ResponseField::CreatedAt,
        ResponseField::UpdatedAt,
        ResponseField::RemoteData,
    ],
    max_page_size: 500,
    natural_page_size: 100,
    reserved_remote_query: crate::request::RESERVED_REMOTE_QUERY,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::query::LeadQuery;

    #[test]
    fn covers_the_documented_floor() {
        crm_core::seed::assert_covers_seed(&CAPABILITIES);
    }

    #[test]
    fn declares_nothing_beyond_the_floor() {
        // An extension would have to be documented in the crate doc; there is none today.
        assert_eq!(CAPABILITIES.filters.len(), 3);
        assert!(!CAPABILITIES.supports_field(ResponseField::FirstName));
        assert!(!CAPABILITIES.supports_field(ResponseField::CustomFields));
    }

    #[test]
    fn refuses_filters_it_cannot_translate() {
        let mut query = LeadQuery::default();
        query.filters.name = Some("x".into());
        let err = CAPABILITIES.validate(&query).unwrap_err();
        assert!(
            err.to_string()
                .contains("`name` is not supported for Pipedrive"),
            "{err}"
        );
    }

    #[test]
    fn page_size_is_clamped_to_500() {
        let query = LeadQuery {
            limit: Some(10_000),
            ..LeadQuery::default()
        };
        assert_eq!(CAPABILITIES.page_size(&query), Some(500));
    }
}
