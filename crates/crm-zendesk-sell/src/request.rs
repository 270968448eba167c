//! Builds the `GET /v2/leads` request: paging, a stable order, translated filters and
//! `remote_query`. The one place filter values are checked and placed.
//!
//! Every value goes out as a query pair that the HTTP client percent-encodes (`'`, `\`, `"`,
//! `(`, `,`, `&`, `#`, `%`, line breaks and non-ASCII included, and the brackets of
//! `address[country]` and `custom_fields[<name>]`), ids are re-rendered from a parsed integer, and
//! custom field names that could be read as another bracket level are refused, so no caller value
//! can add a parameter or change another.

use crm_core::query::LeadQuery;
use crm_core::transport::Request;
use crm_core::{Error, FilterKey, ReservedKey, Result};

/// The order every walk asks for: the lead id never changes, so page numbers walk a fixed order
/// (the default, `updated_at:asc`, moves a lead edited mid-walk to the end).
pub const DEFAULT_SORT: &str = "id:asc";

/// Zendesk Sell's largest `per_page`.
pub const MAX_PER_PAGE: u32 = 100;

/// Provider parameters `remote_query` may not set (refused by the core's one guard).
pub const RESERVED_REMOTE_QUERY: &[ReservedKey] = &[
    ReservedKey::new("page", "the paging position comes from `next_cursor`"),
    ReservedKey::new("per_page", "the page size comes from `limit`"),
    ReservedKey::new(
        "sort_by",
        "paging needs the fixed `id:asc` order to be complete",
    ),
    ReservedKey::new("owner_id", "use the `owner[id]` filter"),
    ReservedKey::new("source_id", "use the `lead_source` filter (by name)"),
    ReservedKey::new("first_name", "use the `name` filter"),
    ReservedKey::new("last_name", "use the `name` filter"),
    ReservedKey::new("address", "use the `country` filter"),
    ReservedKey::new("custom_fields", "use the `custom_fields[<name>]` filter"),
    ReservedKey::new(
        "access_token",
        "authentication comes from the connected account",
    ),
];

/// Largest id we send; keeps the value an exact integer.
const MAX_ID: u64 = i64::MAX as u64;

/// Parses a Zendesk Sell id given as a filter value: ASCII digits only, greater than zero.
pub fn positive_id(filter: FilterKey, value: &str) -> Result<u64> {
    let parsed = (!value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()))
        .then(|| value.parse::<u64>().ok())
        .flatten()
        .filter(|&id| id > 0 && id <= MAX_ID);
    parsed.ok_or_else(|| {
        Error::invalid(
            filter.query_syntax(),
            format!(
                "Zendesk Sell ids are positive integers (for example `{}=123`); give the numeric id without signs, spaces or other characters",
                filter.query_syntax()
            ),
        )
    })
}

/// The unified `name` as Zendesk Sell's name parameters: one word is the last name; several
/// words are the first name (all but the last word) and the last name (the last word).
pub fn name_parts(value: &str) -> Result<(Option<&str>, &str)> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid(
            "name",
            "the name is empty; give a last name, or a first and last name",
        ));
    }
    Ok(match value.rsplit_once(char::is_whitespace) {
        Some((first, last)) => (Some(first.trim_end()), last),
        None => (None, value),
    })
}

/// A custom field name we can place in `custom_fields[<name>]` unambiguously.
fn custom_field_name(name: &str) -> Result<&str> {
    let bad =
        name.trim().is_empty() || name.chars().any(|c| c == '[' || c == ']' || c.is_control());
    if bad {
        return Err(Error::invalid(
            format!("custom_fields[{}]", crm_core::text::shorten(name)),
            "Zendesk Sell custom field names used as filters may not be empty or contain `[`, `]` or control characters",
        ));
    }
    Ok(name)
}

/// The leads request for one page. `source_id` is the id the `lead_source` name resolved to.
pub fn build(
    query: &LeadQuery,
    page_size: Option<u32>,
    page: u64,
    source_id: Option<&str>,
) -> Result<Request> {
    let filters = &query.filters;
    let mut request = Request::get(crate::config::LEADS_PATH).query("page", page.to_string());
    if let Some(size) = page_size {
        request = request.query("per_page", size.min(MAX_PER_PAGE).to_string());
    }
    request = request.query("sort_by", DEFAULT_SORT);
    if let Some(owner) = &filters.owner_id {
        request = request.query(
            "owner_id",
            positive_id(FilterKey::OwnerId, owner)?.to_string(),
        );
    }
    if let Some(source) = source_id {
        request = request.query("source_id", source);
    }
    if let Some(name) = &filters.name {
        let (first, last) = name_parts(name)?;
        if let Some(first) = first {
            request = request.query("first_name", first);
        }
        request = request.query("last_name", last);
    }
    if let Some(country) = &filters.country {
        let country = country.trim();
        if country.is_empty() {
            return Err(Error::invalid("country", "the country is empty"));
        }
        request = request.query("address[country]", country);
    }
    for (name, value) in &filters.custom_fields {
        request = request.query(
            format!("custom_fields[{}]", custom_field_name(name)?),
            value,
        );
    }
    for (key, value) in &query.remote_query {
        request = request.query(key.clone(), value.clone());
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(request: &Request) -> Vec<(&str, &str)> {
        request
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn first_page_without_filters() {
        let request = build(&LeadQuery::default(), Some(100), 1, None).unwrap();
        assert_eq!(request.path, "/v2/leads");
        assert_eq!(
            pairs(&request),
            [("page", "1"), ("per_page", "100"), ("sort_by", "id:asc")]
        );
        let big = build(&LeadQuery::default(), Some(500), 1000, None).unwrap();
        assert_eq!(pairs(&big)[..2], [("page", "1000"), ("per_page", "100")]);
    }

    #[test]
    fn filters_are_translated() {
        let mut query = LeadQuery::default();
        query.filters.owner_id = Some("0042".into());
        query.filters.name = Some("  Mary Ann  O'Brien ".into());
        query.filters.country = Some("Côte d'Ivoire".into());
        query
            .filters
            .custom_fields
            .insert("Tier & level".into(), "a,b\n#%".into());
        let request = build(&query, Some(2), 1, Some("77")).unwrap();
        assert_eq!(
            &pairs(&request)[3..],
            [
                ("owner_id", "42"),
                ("source_id", "77"),
                ("first_name", "Mary Ann"),
                ("last_name", "O'Brien"),
                ("address[country]", "Côte d'Ivoire"),
                ("custom_fields[Tier & level]", "a,b\n#%"),
            ]
        );
    }

    #[test]
    fn one_word_is_the_last_name() {
        assert_eq!(name_parts("Lovelace").unwrap(), (None, "Lovelace"));
        assert_eq!(
            name_parts("Ada\tLovelace").unwrap(),
            (Some("Ada"), "Lovelace")
        );
        assert!(name_parts("   ").is_err());
    }

    #[test]
    fn bad_values_are_refused_naming_the_filter() {
        for bad in [
            "",
            "0",
            "-1",
            "1 ",
            "1.0",
            "1&owner_id=2",
            "１",
            "9223372036854775808",
        ] {
            let err = positive_id(FilterKey::OwnerId, bad).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("invalid query parameter `owner[id]`"),
                "{err}"
            );
        }
        for name in ["a]b", "a[b", "", "a\nb"] {
            let mut query = LeadQuery::default();
            query.filters.custom_fields.insert(name.into(), "v".into());
            assert_eq!(
                build(&query, None, 1, None).unwrap_err().http_status(),
                400,
                "{name:?}"
            );
        }
    }

    #[test]
    fn remote_query_cannot_override_paging_auth_or_filters() {
        for key in [
            "page",
            "per_page",
            "sort_by",
            "owner_id",
            "source_id",
            "first_name",
            "last_name",
            "address[country]",
            "address[city]",
            "custom_fields[x]",
            "access_token",
            "PAGE",
            "%70age",
        ] {
            let query = LeadQuery {
                remote_query: vec![(key.into(), "1".into())],
                ..LeadQuery::default()
            };
            let err = crate::CAPABILITIES.validate(&query).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with(&format!("invalid query parameter `remote_query[{key}]`")),
                "{err}"
            );
        }
        let query = LeadQuery {
            remote_query: vec![("status".into(), "New & hot".into())],
            ..LeadQuery::default()
        };
        crate::CAPABILITIES.validate(&query).unwrap();
        let request = build(&query, None, 1, None).unwrap();
        assert_eq!(pairs(&request).last(), Some(&("status", "New & hot")));
    }

    proptest::proptest! {
        /// Whatever the values, the request has the same keys in the same order: values never
        /// become structure.
        #[test]
        fn no_value_changes_the_request_structure(
            owner in 1u64..=i64::MAX as u64,
            name in "\\PC{1,20}",
            country in "\\PC{1,20}",
            custom in "\\PC{0,20}",
        ) {
            proptest::prop_assume!(!name.trim().is_empty() && !country.trim().is_empty());
            let mut query = LeadQuery::default();
            query.filters.owner_id = Some(owner.to_string());
            query.filters.name = Some(format!("First {name}"));
            query.filters.country = Some(country);
            query.filters.custom_fields.insert("Tier".into(), custom);
            let request = build(&query, Some(10), 3, Some("5")).unwrap();
            let keys: Vec<&str> = request.query.iter().map(|(k, _)| k.as_str()).collect();
            proptest::prop_assert_eq!(
                keys,
                ["page", "per_page", "sort_by", "owner_id", "source_id", "first_name", "last_name",
                 "address[country]", "custom_fields[Tier]"]
            );
        }
    }
}
