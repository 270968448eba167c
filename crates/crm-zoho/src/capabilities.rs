//! The one place that says what the Zoho CRM connector supports.

use crm_core::{Capabilities, ResponseField};

/// Zoho's largest `per_page`.
pub const MAX_PAGE_SIZE: u32 = 200;

/// What the Zoho CRM connector supports.
///
/// No filters: the documentation lists none for Zoho, and the record list endpoint has no filter
/// parameters (filtering needs the search or COQL endpoints, a later extension). Declaring none
/// makes the list pipeline refuse every filter with a 400 before any call to Zoho.
pub static CAPABILITIES: Capabilities = Capabilities {
    provider: crate::PROVIDER,
    filters: &[],
    fields: &[
        ResponseField::Id,
        ResponseField::OwnerId,
        ResponseField::LeadSource,
        ResponseField::Title,
        ResponseField::FirstName,
        ResponseField::LastName,
        ResponseField::Addresses,
        ResponseField::EmailAddresses,
        ResponseField::PhoneNumbers,
        ResponseField::LastActivityAt,
        ResponseField::CreatedAt,
        ResponseField::UpdatedAt,
        ResponseField::RemoteData,
    ],
    max_page_size: MAX_PAGE_SIZE,
    // Zoho's page size when `per_page` is not sent.
    natural_page_size: MAX_PAGE_SIZE,
    reserved_remote_query: crate::request::RESERVED_REMOTE_QUERY,
    enrichment: None,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::{FilterKey, LeadQuery};

    #[test]
    fn covers_the_documented_floor() {
        crm_testkit::seed::assert_covers_seed(&CAPABILITIES);
    }

    #[test]
    fn declares_no_filter_so_every_filter_is_refused() {
        assert!(CAPABILITIES.filters.is_empty());
        for key in FilterKey::ALL {
            assert!(CAPABILITIES.filter(key).is_none(), "{key}");
        }
        let mut q = LeadQuery::default();
        q.filters.lead_source = Some("Web".into());
        assert!(matches!(
            CAPABILITIES.validate(&q),
            Err(crm_core::Error::UnsupportedFilter {
                filter: FilterKey::LeadSource,
                provider,
                ..
            }) if provider == crate::PROVIDER
        ));
    }
}
