//! Everything the Salesforce connector supports, declared once. The list pipeline refuses any
//! other filter or operator before a request is sent; the server's meta route shows this list.

use crate::paging::MAX_BATCH;
use crm_core::capabilities::{EQ, TIME_OPS};
use crm_core::{Capabilities, FilterKey, FilterSupport, ResponseField};

pub static CAPABILITIES: Capabilities = Capabilities {
    provider: crate::PROVIDER,
    filters: &[
        FilterSupport {
            filter: FilterKey::OwnerId,
            operators: EQ,
            maps_to: "OwnerId = '<id>' (a 15 or 18 character user or queue id)",
        },
        FilterSupport {
            filter: FilterKey::AccountId,
            operators: EQ,
            maps_to: "ConvertedAccountId = '<id>' (the account a converted lead became part of)",
        },
        FilterSupport {
            filter: FilterKey::Name,
            operators: EQ,
            maps_to: "Name = '<value>' (exact full name; Salesforce compares case-insensitively)",
        },
        FilterSupport {
            filter: FilterKey::Country,
            operators: EQ,
            maps_to: "Country = '<value>'",
        },
        FilterSupport {
            filter: FilterKey::State,
            operators: EQ,
            maps_to: "State = '<value>'",
        },
        FilterSupport {
            filter: FilterKey::LeadSource,
            operators: EQ,
            maps_to: "LeadSource = '<value>'",
        },
        FilterSupport {
            filter: FilterKey::CreatedAt,
            operators: TIME_OPS,
            maps_to: "CreatedDate <op> <date-time in UTC, whole seconds>",
        },
        FilterSupport {
            filter: FilterKey::UpdatedAt,
            operators: TIME_OPS,
            maps_to: "LastModifiedDate <op> <date-time in UTC, whole seconds>",
        },
        FilterSupport {
            filter: FilterKey::ConvertedAt,
            operators: TIME_OPS,
            maps_to: "ConvertedDate <op> <date> (a date field, compared as midnight UTC)",
        },
        FilterSupport {
            filter: FilterKey::EmailAddresses,
            operators: EQ,
            maps_to: "Email IN ('<a>', '<b>', ...) (any of)",
        },
        FilterSupport {
            filter: FilterKey::IncludeCustomFields,
            operators: EQ,
            maps_to:
                "selects every custom (__c) Lead field listed by describe; fills custom_fields",
        },
        FilterSupport {
            filter: FilterKey::CustomFields,
            operators: EQ,
            maps_to: "<Name>__c = <value typed by the describe field type>",
        },
    ],
    fields: &[
        ResponseField::Id,
        ResponseField::OwnerId,
        ResponseField::LeadSource,
        ResponseField::Title,
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
    max_page_size: MAX_BATCH,
    natural_page_size: MAX_BATCH,
    reserved_remote_query: crate::request::RESERVED_REMOTE_QUERY,
    enrichment: None,
};
