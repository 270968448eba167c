//! Everything the Zendesk Sell connector supports, in one place: the list pipeline refuses any
//! other filter before a request is made, and the server's meta route and docs read this table.

use crm_core::capabilities::EQ;
use crm_core::{Capabilities, Enrichment, FilterKey, FilterSupport, ResponseField};

/// Zendesk Sell's leads capabilities. No date filter exists on `/v2/leads`, so `created_at`,
/// `updated_at` and `converted_at` filters are refused by the pipeline.
pub static CAPABILITIES: Capabilities = Capabilities {
    provider: crate::PROVIDER,
    filters: &[
        FilterSupport {
            filter: FilterKey::OwnerId,
            operators: EQ,
            maps_to: "owner_id=<positive integer>",
        },
        FilterSupport {
            filter: FilterKey::Name,
            operators: EQ,
            maps_to: "last_name=<last word> (and first_name=<the words before it>)",
        },
        FilterSupport {
            filter: FilterKey::Country,
            operators: EQ,
            maps_to: "address[country]=<text, as written>",
        },
        FilterSupport {
            filter: FilterKey::LeadSource,
            operators: EQ,
            maps_to: "source_id=<id of the lead source with this name (GET /v2/lead_sources)>",
        },
        FilterSupport {
            filter: FilterKey::IncludeCustomFields,
            operators: EQ,
            maps_to: "custom_fields of each lead, keyed by field name",
        },
        FilterSupport {
            filter: FilterKey::CustomFields,
            operators: EQ,
            maps_to: "custom_fields[<field name>]=<value> (fields marked filterable)",
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
        ResponseField::Addresses,
        ResponseField::EmailAddresses,
        ResponseField::PhoneNumbers,
        ResponseField::CreatedAt,
        ResponseField::UpdatedAt,
        ResponseField::ConvertedAt,
        ResponseField::ConvertedContact,
        ResponseField::ConvertedAccount,
        ResponseField::CustomFields,
        ResponseField::RemoteData,
    ],
    max_page_size: crate::request::MAX_PER_PAGE,
    natural_page_size: 25,
    reserved_remote_query: crate::request::RESERVED_REMOTE_QUERY,
    enrichment: Some(Enrichment {
        source: "GET /v2/lead_conversions?lead_id=<the page's lead ids> (one call a page), and GET /v2/lead_sources once per account",
        fields: &[
            ResponseField::LeadSource,
            ResponseField::ContactId,
            ResponseField::AccountId,
            ResponseField::ConvertedAt,
            ResponseField::ConvertedContact,
            ResponseField::ConvertedAccount,
        ],
        // One conversions call, plus the account's one lead sources read on its first page.
        calls_per_page: 2,
    }),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::query::LeadQuery;
    use crm_core::TimeRange;

    #[test]
    fn covers_the_documented_floor() {
        crm_testkit::seed::assert_covers_seed(&CAPABILITIES);
    }

    #[test]
    fn enriched_fields_are_declared() {
        let enrichment = CAPABILITIES.enrichment.expect("conversions enrichment");
        for field in enrichment.fields {
            assert!(CAPABILITIES.supports_field(*field), "{field:?}");
        }
        assert!(!CAPABILITIES.supports_field(ResponseField::LastActivityAt));
        assert_eq!(
            CAPABILITIES.max_page_size as usize,
            crate::conversions::BATCH
        );
    }

    #[test]
    fn a_date_filter_names_the_providers_that_have_one() {
        let mut query = LeadQuery::default();
        query.filters.created_at = TimeRange {
            gte: Some(crm_core::time::parse_datetime("2024-01-01T00:00:00Z").unwrap()),
            ..TimeRange::default()
        };
        let err = CAPABILITIES.validate(&query).unwrap_err();
        assert_eq!(err.http_status(), 400);
        assert!(err.to_string().contains("Zendesk Sell"), "{err}");
    }

    #[test]
    fn page_size_is_clamped_to_100() {
        let query = LeadQuery {
            limit: Some(10_000),
            ..LeadQuery::default()
        };
        assert_eq!(CAPABILITIES.page_size(&query), Some(100));
    }
}
