//! What a connector supports: filters with operators, response fields, page sizes.
//!
//! Each provider crate declares one `static` [`Capabilities`]; the list pipeline, the server's meta
//! route and the docs read it from there. [`crate::seed`] checks it against the documentation's floor.

use crate::error::{Error, Result};
use crate::provider::Provider;
use crate::query::{FilterKey, LeadQuery, Operator};
use crate::remote_query::{self, ReservedKey};
use serde::Serialize;

/// Operators of a plain (equality) filter.
pub const EQ: &[Operator] = &[Operator::Eq];
/// Operators of a date-time filter.
pub const TIME_OPS: &[Operator] = &[
    Operator::Eq,
    Operator::Gt,
    Operator::Gte,
    Operator::Lt,
    Operator::Lte,
];

/// One supported filter and the operators accepted with it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FilterSupport {
    pub filter: FilterKey,
    pub operators: &'static [Operator],
    /// How the connector translates it (shown by the meta route), e.g. `OwnerId = '<value>'`.
    pub maps_to: &'static str,
}

/// Unified response fields, by documented (dotted) name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseField {
    Id,
    #[serde(rename = "owner.id")]
    OwnerId,
    LeadSource,
    Title,
    #[serde(rename = "contact.id")]
    ContactId,
    #[serde(rename = "account.id")]
    AccountId,
    FirstName,
    LastName,
    Addresses,
    EmailAddresses,
    PhoneNumbers,
    LastActivityAt,
    CreatedAt,
    UpdatedAt,
    ConvertedAt,
    ConvertedContact,
    ConvertedAccount,
    CustomFields,
    RemoteData,
}

impl ResponseField {
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseField::Id => "id",
            ResponseField::OwnerId => "owner.id",
            ResponseField::LeadSource => "lead_source",
            ResponseField::Title => "title",
            ResponseField::ContactId => "contact.id",
            ResponseField::AccountId => "account.id",
            ResponseField::FirstName => "first_name",
            ResponseField::LastName => "last_name",
            ResponseField::Addresses => "addresses",
            ResponseField::EmailAddresses => "email_addresses",
            ResponseField::PhoneNumbers => "phone_numbers",
            ResponseField::LastActivityAt => "last_activity_at",
            ResponseField::CreatedAt => "created_at",
            ResponseField::UpdatedAt => "updated_at",
            ResponseField::ConvertedAt => "converted_at",
            ResponseField::ConvertedContact => "converted_contact",
            ResponseField::ConvertedAccount => "converted_account",
            ResponseField::CustomFields => "custom_fields",
            ResponseField::RemoteData => "remote_data",
        }
    }
}

/// Everything one provider's connector supports. Declared once per provider crate.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Capabilities {
    pub provider: Provider,
    pub filters: &'static [FilterSupport],
    pub fields: &'static [ResponseField],
    /// The provider's largest page; larger `limit`s are clamped to it.
    pub max_page_size: u32,
    /// The page size the provider uses when none is sent (`truto_ignore_limit`).
    pub natural_page_size: u32,
    /// Provider parameters `remote_query` may not set (auth, paging, translated filters).
    pub reserved_remote_query: &'static [ReservedKey],
    /// Fields filled from linked records by [`crate::Connector::enrich`], when the connector does.
    pub enrichment: Option<Enrichment>,
}

/// A connector's page enrichment: which fields come from linked records, from where, and how many
/// extra provider calls one page costs at most (a batch read, never one call per lead).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Enrichment {
    /// Where the fields come from, e.g. `GET /api/v2/persons?ids=...`.
    pub source: &'static str,
    pub fields: &'static [ResponseField],
    pub calls_per_page: u32,
}

/// The page size when the caller gives no `limit`.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

impl Capabilities {
    pub fn filter(&self, key: FilterKey) -> Option<&FilterSupport> {
        self.filters.iter().find(|f| f.filter == key)
    }

    pub fn supports_field(&self, field: ResponseField) -> bool {
        self.fields.contains(&field)
    }

    /// Refuses any filter or operator this provider does not support, and any reserved
    /// `remote_query` key, before anything is sent. This is the one place that guarantees no filter
    /// is silently ignored or overridden.
    pub fn validate(&self, query: &LeadQuery) -> Result<()> {
        remote_query::check(
            self.provider,
            self.reserved_remote_query,
            &query.remote_query,
        )?;
        for (key, ops) in query.filters.active() {
            let Some(support) = self.filter(key) else {
                return Err(Error::UnsupportedFilter {
                    filter: key,
                    provider: self.provider,
                    supported_by: Vec::new(),
                });
            };
            if let Some(op) = ops.iter().find(|op| !support.operators.contains(op)) {
                let allowed: Vec<_> = support.operators.iter().map(|o| o.as_str()).collect();
                return Err(Error::invalid(
                    format!("{key}[{}]", op.as_str()),
                    format!(
                        "{} supports only these operators on `{key}`: {}",
                        self.provider,
                        allowed.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The page size to ask the provider for: `None` with `truto_ignore_limit`, otherwise the
    /// caller's `limit` (default 100) clamped to the provider's maximum.
    pub fn page_size(&self, query: &LeadQuery) -> Option<u32> {
        if query.ignore_limit {
            return None;
        }
        Some(
            query
                .limit
                .unwrap_or(DEFAULT_PAGE_SIZE)
                .clamp(1, self.max_page_size),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::LeadFilters;

    static CAPS: Capabilities = Capabilities {
        provider: crate::provider::fixtures::COPPER,
        filters: &[
            FilterSupport {
                filter: FilterKey::Name,
                operators: EQ,
                maps_to: "name",
            },
            FilterSupport {
                filter: FilterKey::CreatedAt,
                operators: &[Operator::Gte, Operator::Lte],
                maps_to: "minimum_created_date",
            },
        ],
        fields: &[ResponseField::Id],
        max_page_size: 200,
        natural_page_size: 20,
        reserved_remote_query: &[],
        enrichment: None,
    };

    #[test]
    fn refuses_unsupported_filters_and_operators() {
        let mut q = LeadQuery::default();
        q.filters.name = Some("a".into());
        assert!(CAPS.validate(&q).is_ok());
        q.filters.state = Some("CA".into());
        let err = CAPS.validate(&q).unwrap_err();
        assert!(matches!(
            err,
            Error::UnsupportedFilter {
                filter: FilterKey::State,
                ..
            }
        ));

        let mut q = LeadQuery {
            filters: LeadFilters::default(),
            ..Default::default()
        };
        q.filters.created_at.eq = Some(crate::time::parse_datetime("2024-01-01").unwrap());
        let err = CAPS.validate(&q).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid query parameter `created_at[eq]`: Copper supports only these operators on `created_at`: gte, lte"
        );
    }

    #[test]
    fn page_size_defaults_and_clamps() {
        let mut q = LeadQuery::default();
        assert_eq!(CAPS.page_size(&q), Some(100));
        q.limit = Some(1000);
        assert_eq!(CAPS.page_size(&q), Some(200));
        q.ignore_limit = true;
        assert_eq!(CAPS.page_size(&q), None);
    }
}
