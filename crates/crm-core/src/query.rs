//! `LeadQuery`: the typed form of every List Leads filter, plus paging and pass-through parameters.

use crate::time::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;

/// Every filter the List Leads documentation defines, by its documented (dotted) name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum FilterKey {
    #[serde(rename = "owner.id")]
    OwnerId,
    #[serde(rename = "contact.id")]
    ContactId,
    #[serde(rename = "organization.id")]
    OrganizationId,
    #[serde(rename = "account.id")]
    AccountId,
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "country")]
    Country,
    #[serde(rename = "state")]
    State,
    #[serde(rename = "lead_source")]
    LeadSource,
    #[serde(rename = "created_at")]
    CreatedAt,
    #[serde(rename = "updated_at")]
    UpdatedAt,
    #[serde(rename = "converted_at")]
    ConvertedAt,
    #[serde(rename = "email_addresses")]
    EmailAddresses,
    #[serde(rename = "include_custom_fields")]
    IncludeCustomFields,
    #[serde(rename = "custom_fields")]
    CustomFields,
}

impl FilterKey {
    pub const ALL: [FilterKey; 14] = [
        FilterKey::OwnerId,
        FilterKey::ContactId,
        FilterKey::OrganizationId,
        FilterKey::AccountId,
        FilterKey::Name,
        FilterKey::Country,
        FilterKey::State,
        FilterKey::LeadSource,
        FilterKey::CreatedAt,
        FilterKey::UpdatedAt,
        FilterKey::ConvertedAt,
        FilterKey::EmailAddresses,
        FilterKey::IncludeCustomFields,
        FilterKey::CustomFields,
    ];

    /// The documented name (`owner.id`, `created_at`, ...), as in `leads-capabilities.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            FilterKey::OwnerId => "owner.id",
            FilterKey::ContactId => "contact.id",
            FilterKey::OrganizationId => "organization.id",
            FilterKey::AccountId => "account.id",
            FilterKey::Name => "name",
            FilterKey::Country => "country",
            FilterKey::State => "state",
            FilterKey::LeadSource => "lead_source",
            FilterKey::CreatedAt => "created_at",
            FilterKey::UpdatedAt => "updated_at",
            FilterKey::ConvertedAt => "converted_at",
            FilterKey::EmailAddresses => "email_addresses",
            FilterKey::IncludeCustomFields => "include_custom_fields",
            FilterKey::CustomFields => "custom_fields",
        }
    }

    /// How a caller writes this filter in a query string, for error messages.
    pub fn query_syntax(self) -> &'static str {
        match self {
            FilterKey::OwnerId => "owner[id]",
            FilterKey::ContactId => "contact[id]",
            FilterKey::OrganizationId => "organization[id]",
            FilterKey::AccountId => "account[id]",
            FilterKey::EmailAddresses => "email_addresses[]",
            FilterKey::CustomFields => "custom_fields[<name>]",
            other => other.as_str(),
        }
    }

    pub fn from_name(name: &str) -> Option<FilterKey> {
        FilterKey::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Date-time filters take comparison operators; every other filter is an equality (or any-of).
    pub fn is_time(self) -> bool {
        matches!(
            self,
            FilterKey::CreatedAt | FilterKey::UpdatedAt | FilterKey::ConvertedAt
        )
    }
}

impl fmt::Display for FilterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Comparison operators of date-time filters (`created_at[gte]=...`); `Eq` is the bare form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Operator {
    Eq,
    Gt,
    Gte,
    Lt,
    Lte,
}

impl Operator {
    pub const ALL: [Operator; 5] = [
        Operator::Eq,
        Operator::Gt,
        Operator::Gte,
        Operator::Lt,
        Operator::Lte,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Eq => "eq",
            Operator::Gt => "gt",
            Operator::Gte => "gte",
            Operator::Lt => "lt",
            Operator::Lte => "lte",
        }
    }

    pub fn from_name(name: &str) -> Option<Operator> {
        Operator::ALL.into_iter().find(|o| o.as_str() == name)
    }
}

/// Bounds on a date-time field. All given bounds apply together (AND).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TimeRange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eq: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gt: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gte: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lt: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lte: Option<Timestamp>,
}

impl TimeRange {
    pub fn is_empty(&self) -> bool {
        self.bounds().next().is_none()
    }

    /// The set bounds, in a fixed order.
    pub fn bounds(&self) -> impl Iterator<Item = (Operator, Timestamp)> + '_ {
        [
            (Operator::Eq, self.eq),
            (Operator::Gt, self.gt),
            (Operator::Gte, self.gte),
            (Operator::Lt, self.lt),
            (Operator::Lte, self.lte),
        ]
        .into_iter()
        .filter_map(|(op, t)| t.map(|t| (op, t)))
    }

    pub fn slot(&mut self, op: Operator) -> &mut Option<Timestamp> {
        match op {
            Operator::Eq => &mut self.eq,
            Operator::Gt => &mut self.gt,
            Operator::Gte => &mut self.gte,
            Operator::Lt => &mut self.lt,
            Operator::Lte => &mut self.lte,
        }
    }
}

/// The filters of one List Leads request, typed. Providers translate what they support and the
/// list pipeline refuses the rest before any provider call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LeadFilters {
    pub owner_id: Option<String>,
    pub contact_id: Option<String>,
    pub organization_id: Option<String>,
    pub account_id: Option<String>,
    pub name: Option<String>,
    pub country: Option<String>,
    pub state: Option<String>,
    pub lead_source: Option<String>,
    #[serde(skip_serializing_if = "TimeRange::is_empty")]
    pub created_at: TimeRange,
    #[serde(skip_serializing_if = "TimeRange::is_empty")]
    pub updated_at: TimeRange,
    #[serde(skip_serializing_if = "TimeRange::is_empty")]
    pub converted_at: TimeRange,
    /// Any of these addresses.
    pub email_addresses: Vec<String>,
    pub include_custom_fields: bool,
    /// Equality on custom fields, keyed by the provider's API name.
    pub custom_fields: BTreeMap<String, String>,
}

impl LeadFilters {
    /// The filters this request uses, each with the operators it uses (`Eq` for plain filters).
    pub fn active(&self) -> Vec<(FilterKey, Vec<Operator>)> {
        let eq = |set: bool, key| set.then(|| (key, vec![Operator::Eq]));
        let time = |range: &TimeRange, key| {
            (!range.is_empty()).then(|| (key, range.bounds().map(|(op, _)| op).collect()))
        };
        [
            eq(self.owner_id.is_some(), FilterKey::OwnerId),
            eq(self.contact_id.is_some(), FilterKey::ContactId),
            eq(self.organization_id.is_some(), FilterKey::OrganizationId),
            eq(self.account_id.is_some(), FilterKey::AccountId),
            eq(self.name.is_some(), FilterKey::Name),
            eq(self.country.is_some(), FilterKey::Country),
            eq(self.state.is_some(), FilterKey::State),
            eq(self.lead_source.is_some(), FilterKey::LeadSource),
            time(&self.created_at, FilterKey::CreatedAt),
            time(&self.updated_at, FilterKey::UpdatedAt),
            time(&self.converted_at, FilterKey::ConvertedAt),
            eq(!self.email_addresses.is_empty(), FilterKey::EmailAddresses),
            eq(self.include_custom_fields, FilterKey::IncludeCustomFields),
            eq(!self.custom_fields.is_empty(), FilterKey::CustomFields),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// One List Leads request as the connectors see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeadQuery {
    pub filters: LeadFilters,
    /// Requested page size (`limit`); clamped to the provider's maximum.
    pub limit: Option<u32>,
    /// `truto_ignore_limit`: send no page size, take the provider's natural page.
    pub ignore_limit: bool,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
    /// `remote_query[...]`: passed to the provider untransformed, in the order given. Connectors
    /// refuse keys that would override auth, paging or translated filters.
    pub remote_query: Vec<(String, String)>,
}

impl LeadQuery {
    /// A stable digest of everything that selects *which* leads a walk returns (filters and
    /// remote_query). A cursor is bound to it so that it cannot be replayed with other filters.
    pub fn fingerprint(&self) -> [u8; 16] {
        #[derive(Serialize)]
        struct Selection<'a> {
            filters: &'a LeadFilters,
            remote_query: &'a [(String, String)],
            ignore_limit: bool,
        }
        let canonical = serde_json::to_vec(&Selection {
            filters: &self.filters,
            remote_query: &self.remote_query,
            ignore_limit: self.ignore_limit,
        })
        .unwrap_or_default();
        let digest = Sha256::digest(&canonical);
        let mut out = [0u8; 16];
        out.copy_from_slice(&digest[..16]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_datetime;

    #[test]
    fn active_lists_filters_with_operators() {
        let mut f = LeadFilters {
            owner_id: Some("1".into()),
            email_addresses: vec!["a@x.com".into()],
            ..LeadFilters::default()
        };
        *f.created_at.slot(Operator::Gte) = Some(parse_datetime("2024-01-01").unwrap());
        *f.created_at.slot(Operator::Lt) = Some(parse_datetime("2024-02-01").unwrap());
        assert_eq!(
            f.active(),
            vec![
                (FilterKey::OwnerId, vec![Operator::Eq]),
                (FilterKey::CreatedAt, vec![Operator::Gte, Operator::Lt]),
                (FilterKey::EmailAddresses, vec![Operator::Eq]),
            ]
        );
    }

    #[test]
    fn fingerprint_depends_on_filters_only() {
        let a = LeadQuery {
            filters: LeadFilters {
                name: Some("x".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let mut b = a.clone();
        b.limit = Some(5);
        b.cursor = Some("c".into());
        assert_eq!(a.fingerprint(), b.fingerprint());
        b.filters.name = Some("y".into());
        assert_ne!(a.fingerprint(), b.fingerprint());
    }

    #[test]
    fn names_round_trip() {
        for k in FilterKey::ALL {
            assert_eq!(FilterKey::from_name(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
    }
}
