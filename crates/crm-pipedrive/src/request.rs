//! Builds the `GET .../leads` request: paging, translated filters and `remote_query`.
//!
//! Every value goes out as a query pair that the HTTP client percent-encodes, and filter ids are
//! re-rendered from a parsed integer, so no caller value can add a parameter or change another.

use crm_core::query::LeadQuery;
use crm_core::transport::Request;
use crm_core::{Error, FilterKey, ReservedKey, Result};

/// The order asked for when the caller does not pass `remote_query[sort]`. Offset paging is only
/// stable over a fixed order; creation time ascending also keeps leads created during a walk at the
/// end instead of shifting every later page.
pub const DEFAULT_SORT: &str = "add_time ASC";

/// Provider parameters `remote_query` may not set, and why (refused by the core's one guard, from
/// [`crate::CAPABILITIES`]).
pub const RESERVED_REMOTE_QUERY: &[ReservedKey] = &[
    ReservedKey::new(
        "limit",
        "the page size comes from `limit` (or `truto_ignore_limit`)",
    ),
    ReservedKey::new("start", "the paging position comes from `next_cursor`"),
    ReservedKey::new("owner_id", "use the `owner[id]` filter"),
    ReservedKey::new("person_id", "use the `contact[id]` filter"),
    ReservedKey::new("organization_id", "use the `organization[id]` filter"),
    ReservedKey::new(
        "filter_id",
        "Pipedrive lets it override owner, contact and organization filters; use those filters",
    ),
    ReservedKey::new(
        "api_token",
        "authentication comes from the connected account",
    ),
    ReservedKey::new(
        "access_token",
        "authentication comes from the connected account",
    ),
];

/// Largest id we send; Pipedrive ids are far below it, and it keeps the value an exact integer.
const MAX_ID: u64 = i64::MAX as u64;

/// Parses a Pipedrive id given as a filter value: ASCII digits only, greater than zero.
pub fn positive_id(filter: FilterKey, value: &str) -> Result<u64> {
    let parsed = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        value
            .parse::<u64>()
            .ok()
            .filter(|&id| id > 0 && id <= MAX_ID)
    } else {
        None
    };
    parsed.ok_or_else(|| {
        Error::invalid(
            filter.query_syntax(),
            format!(
                "Pipedrive ids are positive integers (for example `{}=123`); give the numeric id without signs, spaces or other characters",
                filter.query_syntax()
            ),
        )
    })
}

/// The leads request for one page starting at `start`.
pub fn build(path: &str, query: &LeadQuery, page_size: Option<u32>, start: u64) -> Result<Request> {
    let filters = &query.filters;
    let translated = [
        (FilterKey::OwnerId, "owner_id", &filters.owner_id),
        (FilterKey::ContactId, "person_id", &filters.contact_id),
        (
            FilterKey::OrganizationId,
            "organization_id",
            &filters.organization_id,
        ),
    ];

    let mut request = Request::get(path);
    if let Some(size) = page_size {
        request = request.query("limit", size.to_string());
    }
    request = request.query("start", start.to_string());
    // Pipedrive's parameter names are case-sensitive: only `sort` itself replaces the default
    // (`SORT` is passed through as written and Pipedrive ignores it).
    let caller_sorts = query.remote_query.iter().any(|(k, _)| k == "sort");
    if !caller_sorts {
        request = request.query("sort", DEFAULT_SORT);
    }
    for (filter, name, value) in translated {
        if let Some(value) = value {
            request = request.query(name, positive_id(filter, value)?.to_string());
        }
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
        let request = build("/v1/leads", &LeadQuery::default(), Some(100), 0).unwrap();
        assert_eq!(request.path, "/v1/leads");
        assert_eq!(
            pairs(&request),
            [("limit", "100"), ("start", "0"), ("sort", "add_time ASC")]
        );
    }

    #[test]
    fn ignore_limit_sends_no_limit() {
        let request = build("/v1/leads", &LeadQuery::default(), None, 200).unwrap();
        assert_eq!(
            pairs(&request),
            [("start", "200"), ("sort", "add_time ASC")]
        );
    }

    #[test]
    fn filters_are_translated_and_canonical() {
        let mut query = LeadQuery::default();
        query.filters.owner_id = Some("0042".into());
        query.filters.contact_id = Some("7".into());
        query.filters.organization_id = Some("9223372036854775807".into());
        let request = build("/v1/leads", &query, Some(2), 0).unwrap();
        assert_eq!(
            &pairs(&request)[3..],
            [
                ("owner_id", "42"),
                ("person_id", "7"),
                ("organization_id", "9223372036854775807")
            ]
        );
    }

    #[test]
    fn bad_ids_are_refused_naming_the_filter() {
        let bad = [
            "",
            "0",
            "-1",
            "+1",
            " 1",
            "1 ",
            "1.0",
            "1e3",
            "abc",
            "12abc",
            "1&owner_id=2",
            "1,2",
            "１",
            "٣",
            "9223372036854775808",
            "99999999999999999999999",
        ];
        for value in bad {
            for (filter, slot) in [
                (FilterKey::OwnerId, 0),
                (FilterKey::ContactId, 1),
                (FilterKey::OrganizationId, 2),
            ] {
                let mut query = LeadQuery::default();
                let f = &mut query.filters;
                *[&mut f.owner_id, &mut f.contact_id, &mut f.organization_id][slot] =
                    Some(value.into());
                let err = build("/v1/leads", &query, Some(2), 0).unwrap_err();
                assert_eq!(err.http_status(), 400, "{value:?}");
                let message = err.to_string();
                assert!(
                    message.starts_with(&format!(
                        "invalid query parameter `{}`",
                        filter.query_syntax()
                    )),
                    "{message}"
                );
            }
        }
    }

    #[test]
    fn remote_query_passes_untransformed_and_replaces_default_sort() {
        let query = LeadQuery {
            remote_query: vec![
                ("sort".into(), "update_time DESC".into()),
                ("updated_since".into(), "2024-01-01T00:00:00Z".into()),
            ],
            ..LeadQuery::default()
        };
        let request = build("/api/v1/leads", &query, Some(5), 10).unwrap();
        assert_eq!(
            pairs(&request),
            [
                ("limit", "5"),
                ("start", "10"),
                ("sort", "update_time DESC"),
                ("updated_since", "2024-01-01T00:00:00Z")
            ]
        );
    }

    #[test]
    fn remote_query_cannot_override_auth_paging_or_filters() {
        for key in [
            "limit",
            "start",
            "owner_id",
            "person_id",
            "organization_id",
            "filter_id",
            "api_token",
            "access_token",
            "LIMIT",
            "Start",
            "limit[]",
            "filter_id[0]",
            " api_token",
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
            remote_query: vec![("".into(), "1".into())],
            ..LeadQuery::default()
        };
        assert!(crate::CAPABILITIES.validate(&query).is_err());
    }

    #[test]
    fn only_the_exact_sort_key_replaces_the_default_sort() {
        let query = LeadQuery {
            remote_query: vec![("SORT".into(), "update_time DESC".into())],
            ..LeadQuery::default()
        };
        let request = build("/api/v1/leads", &query, Some(5), 0).unwrap();
        assert_eq!(
            pairs(&request),
            [
                ("limit", "5"),
                ("start", "0"),
                ("sort", DEFAULT_SORT),
                ("SORT", "update_time DESC")
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn ids_are_accepted_exactly_when_they_are_positive_integers(value in "\\PC{0,24}") {
            let expected = value.bytes().all(|b| b.is_ascii_digit())
                && value.parse::<u64>().is_ok_and(|n| n > 0 && n <= i64::MAX as u64);
            let got = positive_id(FilterKey::OwnerId, &value);
            proptest::prop_assert_eq!(got.is_ok(), expected);
            if let Ok(n) = got {
                // What is sent is the number, never the caller's text.
                proptest::prop_assert!(n.to_string().bytes().all(|b| b.is_ascii_digit()));
            }
        }

        #[test]
        fn digit_strings_round_trip(n in 1u64..=i64::MAX as u64) {
            proptest::prop_assert_eq!(positive_id(FilterKey::ContactId, &n.to_string()).unwrap(), n);
        }
    }
}
