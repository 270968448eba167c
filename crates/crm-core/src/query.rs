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

/// How a filter is written in the query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Syntax {
    /// `owner[id]=<id>`.
    Id,
    /// `organization[id]=<id>` or `organization=<id>`.
    IdOrBare,
    /// `name=<text>`.
    Plain,
    /// `created_at=<date-time>` (equality) or `created_at[gte]=<date-time>`.
    Time,
    /// `email_addresses[]=<text>`, `email_addresses[0]=`, or the key repeated: any of the values.
    Array,
    /// `include_custom_fields=true`.
    Bool,
    /// `custom_fields[<name>]=<text>`.
    Map,
}

/// What a filter's values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    /// A provider's id (each provider checks its own id shape).
    Id,
    Text,
    /// ISO 8601 with an offset, or a date (midnight UTC).
    DateTime,
    Email,
    Boolean,
}

/// One filter, declared once: the query-string reader, the capability check, `/meta`, the
/// OpenAPI document and the docs all read this table.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FilterSpec {
    pub key: FilterKey,
    /// The documented (dotted) name, as in `leads-capabilities.json`.
    pub name: &'static str,
    /// The query-string parameter, before any brackets.
    pub parameter: &'static str,
    /// How a caller writes it, for messages (`owner[id]`).
    pub example: &'static str,
    pub syntax: Syntax,
    pub value: ValueType,
    pub description: &'static str,
}

/// Every filter of the List Leads documentation, in the documentation's order.
pub const FILTERS: [FilterSpec; 14] = {
    const fn spec(
        key: FilterKey,
        name: &'static str,
        parameter: &'static str,
        example: &'static str,
        syntax: Syntax,
        value: ValueType,
        description: &'static str,
    ) -> FilterSpec {
        FilterSpec {
            key,
            name,
            parameter,
            example,
            syntax,
            value,
            description,
        }
    }
    use FilterKey as K;
    use Syntax as S;
    use ValueType as V;
    [
        spec(K::OwnerId, "owner.id", "owner", "owner[id]", S::Id, V::Id, "Leads owned by this user."),
        spec(K::ContactId, "contact.id", "contact", "contact[id]", S::Id, V::Id, "Leads linked to this contact (person)."),
        spec(K::OrganizationId, "organization.id", "organization", "organization[id]", S::IdOrBare, V::Id, "Leads linked to this organization; `organization=<id>` is accepted too."),
        spec(K::AccountId, "account.id", "account", "account[id]", S::Id, V::Id, "Leads linked to (or converted into) this account."),
        spec(K::Name, "name", "name", "name", S::Plain, V::Text, "Leads with this name."),
        spec(K::Country, "country", "country", "country", S::Plain, V::Text, "Leads in this country."),
        spec(K::State, "state", "state", "state", S::Plain, V::Text, "Leads in this state or region."),
        spec(K::LeadSource, "lead_source", "lead_source", "lead_source", S::Plain, V::Text, "Leads from this source."),
        spec(K::CreatedAt, "created_at", "created_at", "created_at", S::Time, V::DateTime, "Creation time: `created_at[gte]=...`, with gt, gte, lt, lte, or a bare value for equality."),
        spec(K::UpdatedAt, "updated_at", "updated_at", "updated_at", S::Time, V::DateTime, "Last modification time, with gt, gte, lt, lte or equality."),
        spec(K::ConvertedAt, "converted_at", "converted_at", "converted_at", S::Time, V::DateTime, "Conversion time, with gt, gte, lt, lte or equality."),
        spec(K::EmailAddresses, "email_addresses", "email_addresses", "email_addresses[]", S::Array, V::Email, "Leads with any of these e-mail addresses."),
        spec(K::IncludeCustomFields, "include_custom_fields", "include_custom_fields", "include_custom_fields", S::Bool, V::Boolean, "Add `custom_fields` to each lead."),
        spec(K::CustomFields, "custom_fields", "custom_fields", "custom_fields[<name>]", S::Map, V::Text, "Equality on a custom field, by the provider's API name."),
    ]
};

impl FilterKey {
    pub const ALL: [FilterKey; 14] = {
        let mut all = [FilterKey::OwnerId; 14];
        let mut i = 0;
        while i < FILTERS.len() {
            all[i] = FILTERS[i].key;
            i += 1;
        }
        all
    };

    /// This filter's declaration.
    pub fn spec(self) -> &'static FilterSpec {
        // FILTERS is in declaration order, so the discriminant is the index (tested below).
        &FILTERS[self as usize]
    }

    /// The documented name (`owner.id`, `created_at`, ...), as in `leads-capabilities.json`.
    pub fn as_str(self) -> &'static str {
        self.spec().name
    }

    /// How a caller writes this filter in a query string, for error messages.
    pub fn query_syntax(self) -> &'static str {
        self.spec().example
    }

    pub fn from_name(name: &str) -> Option<FilterKey> {
        FILTERS.iter().find(|f| f.name == name).map(|f| f.key)
    }

    /// The filter read from query parameter `parameter` (before brackets).
    pub fn from_parameter(parameter: &str) -> Option<FilterKey> {
        FILTERS
            .iter()
            .find(|f| f.parameter == parameter)
            .map(|f| f.key)
    }

    /// Date-time filters take comparison operators; every other filter is an equality (or any-of).
    pub fn is_time(self) -> bool {
        self.spec().syntax == Syntax::Time
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
    /// The slot of a single-valued text filter (ids and plain filters).
    pub fn text_mut(&mut self, key: FilterKey) -> Option<&mut Option<String>> {
        Some(match key {
            FilterKey::OwnerId => &mut self.owner_id,
            FilterKey::ContactId => &mut self.contact_id,
            FilterKey::OrganizationId => &mut self.organization_id,
            FilterKey::AccountId => &mut self.account_id,
            FilterKey::Name => &mut self.name,
            FilterKey::Country => &mut self.country,
            FilterKey::State => &mut self.state,
            FilterKey::LeadSource => &mut self.lead_source,
            _ => return None,
        })
    }

    /// The value of a single-valued text filter.
    pub fn text(&self, key: FilterKey) -> Option<&str> {
        match key {
            FilterKey::OwnerId => self.owner_id.as_deref(),
            FilterKey::ContactId => self.contact_id.as_deref(),
            FilterKey::OrganizationId => self.organization_id.as_deref(),
            FilterKey::AccountId => self.account_id.as_deref(),
            FilterKey::Name => self.name.as_deref(),
            FilterKey::Country => self.country.as_deref(),
            FilterKey::State => self.state.as_deref(),
            FilterKey::LeadSource => self.lead_source.as_deref(),
            _ => None,
        }
    }

    /// The range of a date-time filter.
    pub fn time_mut(&mut self, key: FilterKey) -> Option<&mut TimeRange> {
        Some(match key {
            FilterKey::CreatedAt => &mut self.created_at,
            FilterKey::UpdatedAt => &mut self.updated_at,
            FilterKey::ConvertedAt => &mut self.converted_at,
            _ => return None,
        })
    }

    fn time(&self, key: FilterKey) -> Option<&TimeRange> {
        Some(match key {
            FilterKey::CreatedAt => &self.created_at,
            FilterKey::UpdatedAt => &self.updated_at,
            FilterKey::ConvertedAt => &self.converted_at,
            _ => return None,
        })
    }

    fn is_set(&self, key: FilterKey) -> bool {
        match key.spec().syntax {
            Syntax::Time => self.time(key).is_some_and(|r| !r.is_empty()),
            Syntax::Array => !self.email_addresses.is_empty(),
            Syntax::Bool => self.include_custom_fields,
            Syntax::Map => !self.custom_fields.is_empty(),
            Syntax::Id | Syntax::IdOrBare | Syntax::Plain => self.text(key).is_some(),
        }
    }

    /// The filters this request uses, each with the operators it uses (`Eq` for plain filters).
    pub fn active(&self) -> Vec<(FilterKey, Vec<Operator>)> {
        FILTERS
            .iter()
            .filter(|f| self.is_set(f.key))
            .map(|f| match self.time(f.key) {
                Some(range) => (f.key, range.bounds().map(|(op, _)| op).collect()),
                None => (f.key, vec![Operator::Eq]),
            })
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
    fn the_declaration_table_is_in_key_order() {
        for (i, spec) in FILTERS.iter().enumerate() {
            assert_eq!(spec.key as usize, i, "{}", spec.name);
            assert_eq!(spec.key.spec().name, spec.name);
            assert_eq!(FilterKey::from_parameter(spec.parameter), Some(spec.key));
        }
    }

    #[test]
    fn names_round_trip() {
        for k in FilterKey::ALL {
            assert_eq!(FilterKey::from_name(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
    }
}
