//! Everything the Pipedrive connector supports, in one place: the list pipeline refuses any other
//! filter before a request is made, and the server's meta route and docs read this table.

use crm_core::capabilities::EQ;
use crm_core::{Capabilities, Enrichment, FilterKey, FilterSupport, ResponseField};

/// Pipedrive's leads capabilities: the documentation's filters, and its fields plus the linked
/// person's names, e-mails and phones (one batch call per page; see [`crate::persons`]).
pub static CAPABILITIES: Capabilities = Capabilities {
    provider: crate::PROVIDER,
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
        ResponseField::FirstName,
        ResponseField::LastName,
        ResponseField::EmailAddresses,
        ResponseField::PhoneNumbers,
        ResponseField::CreatedAt,
        ResponseField::UpdatedAt,
        ResponseField::RemoteData,
    ],
    max_page_size: 500,
    natural_page_size: 100,
    reserved_remote_query: crate::request::RESERVED_REMOTE_QUERY,
    enrichment: Some(Enrichment {
        source: "GET /api/v2/persons?ids=<the page's person ids> (up to 100 ids a call)",
        fields: &[
            ResponseField::FirstName,
            ResponseField::LastName,
            ResponseField::EmailAddresses,
            ResponseField::PhoneNumbers,
        ],
        // 500 leads a page at most, 100 persons a call.
        calls_per_page: 5,
    }),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::query::LeadQuery;

    #[test]
    fn covers_the_documented_floor() {
        crm_testkit::seed::assert_covers_seed(&CAPABILITIES);
    }

    #[test]
    fn extends_the_floor_only_with_the_enriched_person_fields() {
        // Each extension is documented in the crate doc.
        assert_eq!(CAPABILITIES.filters.len(), 3);
        let enrichment = CAPABILITIES.enrichment.expect("person enrichment");
        for field in enrichment.fields {
            assert!(CAPABILITIES.supports_field(*field), "{field:?}");
        }
        assert_eq!(
            enrichment.calls_per_page,
            CAPABILITIES
                .max_page_size
                .div_ceil(crate::persons::BATCH as u32)
        );
        assert!(!CAPABILITIES.supports_field(ResponseField::CustomFields));
        assert!(!CAPABILITIES.supports_field(ResponseField::Addresses));
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
