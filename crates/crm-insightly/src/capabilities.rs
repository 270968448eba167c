//! Everything the Insightly connector supports, declared once. The list pipeline refuses any other
//! filter or operator before a request is made; the server's meta route shows this table.

use crm_core::capabilities::EQ;
use crm_core::{Capabilities, FilterKey, FilterSupport, Operator, ResponseField};

/// Insightly's largest `top`.
pub const MAX_PAGE_SIZE: u32 = 500;

/// What `truto_ignore_limit` uses. Insightly's own default `top` is not documented, and a short
/// page can only be recognised against a known `top`, so the connector always sends one: the
/// maximum.
pub const NATURAL_PAGE_SIZE: u32 = MAX_PAGE_SIZE;

/// `updated_after_utc` is one lower bound; only the lower-bound operators can be expressed.
pub const AFTER_OPS: &[Operator] = &[Operator::Gt, Operator::Gte];

pub static CAPABILITIES: Capabilities = Capabilities {
    provider: crate::PROVIDER,
    filters: &[
        FilterSupport {
            filter: FilterKey::OwnerId,
            operators: EQ,
            maps_to: "/Leads/Search?field_name=OWNER_USER_ID&field_value=<user id> (one field per request)",
        },
        FilterSupport {
            filter: FilterKey::Country,
            operators: EQ,
            maps_to: "/Leads/Search?field_name=ADDRESS_COUNTRY&field_value=<value as written> (one field per request)",
        },
        FilterSupport {
            filter: FilterKey::State,
            operators: EQ,
            maps_to: "/Leads/Search?field_name=ADDRESS_STATE&field_value=<value as written> (one field per request)",
        },
        FilterSupport {
            filter: FilterKey::UpdatedAt,
            operators: AFTER_OPS,
            maps_to: "/Leads/Search?updated_after_utc=<date-time> (gte t: t rounded up to the second; gt t: the next whole second)",
        },
        FilterSupport {
            filter: FilterKey::EmailAddresses,
            operators: EQ,
            maps_to: "/Leads/Search?field_name=EMAIL&field_value=<address> (one address, one field per request)",
        },
        FilterSupport {
            filter: FilterKey::IncludeCustomFields,
            operators: EQ,
            maps_to: "fills custom_fields from each lead's CUSTOMFIELDS (no extra request)",
        },
    ],
    fields: &[
        ResponseField::Id,
        ResponseField::OwnerId,
        ResponseField::Title,
        ResponseField::ContactId,
        ResponseField::AccountId,
        ResponseField::FirstName,
        ResponseField::LastName,
        ResponseField::Addresses,
        ResponseField::EmailAddresses,
        ResponseField::PhoneNumbers,
        ResponseField::LastActivityAt,
        ResponseField::CreatedAt,
        ResponseField::UpdatedAt,
        ResponseField::ConvertedAt,
        ResponseField::ConvertedContact,
        ResponseField::ConvertedAccount,
        ResponseField::CustomFields,
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
    fn no_lead_source_without_its_lookup() {
        // The lead source is an id on an Insightly lead; its name needs a lookup this connector
        // does not make, so neither the field nor the filter is declared.
        assert!(!CAPABILITIES.supports_field(ResponseField::LeadSource));
        assert!(CAPABILITIES.filter(FilterKey::LeadSource).is_none());
        assert!(CAPABILITIES.filter(FilterKey::Name).is_none());
    }
}
