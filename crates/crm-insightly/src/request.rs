//! Unified filters -> one Insightly list request: `GET /v3.1/Leads` without filters,
//! `GET /v3.1/Leads/Search` with them.
//!
//! Every value goes out as a query pair that the HTTP client percent-encodes, owner ids are
//! re-rendered from a parsed integer and the time bound from a parsed timestamp, so no caller value
//! can add a parameter or change another. What Insightly cannot express in one call (two searchable
//! fields, two e-mail addresses) is refused with a 400 that says so; nothing is filtered after the
//! fetch.

use crate::paging::PageState;
use crm_core::transport::Request;
use crm_core::{Error, FilterKey, LeadQuery, ReservedKey, Result, TimeRange, Timestamp};

/// `remote_query` keys that would override paging, the full records, a translated filter or auth
/// (refused by the core's one guard, from [`crate::CAPABILITIES`]).
pub const RESERVED_REMOTE_QUERY: &[ReservedKey] = &[
    ReservedKey::new("skip", "the paging position comes from `next_cursor`"),
    ReservedKey::new("top", "use `limit` (or truto_ignore_limit)"),
    ReservedKey::new(
        "brief",
        "brief=true drops custom fields and tags from the records; the connector always asks for full records",
    ),
    ReservedKey::new(
        "field_name",
        "use the unified filter (owner[id], country, state or email_addresses[])",
    ),
    ReservedKey::new(
        "field_value",
        "use the unified filter (owner[id], country, state or email_addresses[])",
    ),
    ReservedKey::new("updated_after_utc", "use `updated_at[gte]` or `updated_at[gt]`"),
    ReservedKey::new(
        "authorization",
        "authentication comes from the connected account",
    ),
    ReservedKey::new(
        "api_key",
        "authentication comes from the connected account",
    ),
];

/// The Insightly field each searchable unified filter maps to.
pub const SEARCH_FIELDS: [(FilterKey, &str); 4] = [
    (FilterKey::OwnerId, "OWNER_USER_ID"),
    (FilterKey::Country, "ADDRESS_COUNTRY"),
    (FilterKey::State, "ADDRESS_STATE"),
    (FilterKey::EmailAddresses, "EMAIL"),
];

/// The request for one page: `list_path` (`/v3.1/Leads`) without filters, `search_path`
/// (`/v3.1/Leads/Search`) with them.
pub fn build(
    list_path: &str,
    search_path: &str,
    query: &LeadQuery,
    state: PageState,
) -> Result<Request> {
    let field = search_field(query)?;
    let after = updated_after(&query.filters.updated_at);
    let path = if field.is_some() || after.is_some() {
        search_path
    } else {
        list_path
    };
    let mut request = Request::get(path)
        .query("skip", state.skip.to_string())
        .query("top", state.top.to_string())
        .query("brief", "false");
    if let Some((name, value)) = field {
        request = request
            .query("field_name", name)
            .query("field_value", value);
    }
    if let Some(after) = after {
        request = request.query("updated_after_utc", format_utc(after));
    }
    for (key, value) in &query.remote_query {
        request = request.query(key.clone(), value.clone());
    }
    Ok(request)
}

/// The one `field_name`/`field_value` pair of the query, if any. Two searchable filters cannot be
/// sent in one Insightly call: that is a 400 naming both.
pub fn search_field(query: &LeadQuery) -> Result<Option<(&'static str, String)>> {
    let f = &query.filters;
    let mut found: Option<(FilterKey, &'static str, String)> = None;
    for (key, field) in SEARCH_FIELDS {
        let value = match key {
            FilterKey::OwnerId => f.owner_id.as_deref().map(owner_id).transpose()?,
            FilterKey::Country => f.country.as_deref().map(plain),
            FilterKey::State => f.state.as_deref().map(plain),
            FilterKey::EmailAddresses => single_email(&f.email_addresses)?,
            _ => None,
        };
        let Some(value) = value else { continue };
        if let Some((first, _, _)) = &found {
            return Err(Error::invalid(
                key.query_syntax(),
                format!(
                    "Insightly searches leads by one field per request, and `{}` and `{}` would need two; pass one of them",
                    first.query_syntax(),
                    key.query_syntax()
                ),
            ));
        }
        found = Some((key, field, value));
    }
    Ok(found.map(|(_, field, value)| (field, value)))
}

/// Insightly user ids are positive integers (int64).
fn owner_id(value: &str) -> Result<String> {
    let v = value.trim();
    let parsed = if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        v.parse::<u64>()
            .ok()
            .filter(|&n| n > 0 && n <= i64::MAX as u64)
    } else {
        None
    };
    parsed.map(|n| n.to_string()).ok_or_else(|| {
        Error::invalid(
            "owner[id]",
            "Insightly user ids are positive integers; pass the id shown as owner.id on a lead",
        )
    })
}

fn plain(value: &str) -> String {
    value.trim().to_owned()
}

/// `field_name=EMAIL` takes one address.
fn single_email(addresses: &[String]) -> Result<Option<String>> {
    match addresses {
        [] => Ok(None),
        [one] => Ok(Some(one.trim().to_owned())),
        many => Err(Error::invalid(
            "email_addresses",
            format!(
                "Insightly searches by one e-mail address per request and {} were given; pass a single email_addresses[] value and make one request per address",
                many.len()
            ),
        )),
    }
}

/// The `updated_after_utc` value, in whole seconds, for the lower bounds of `range` (the
/// capability check admits only `gt` and `gte`). Read as "at or after": `gte t` -> `ceil(t)`,
/// `gt t` -> `floor(t) + 1 s` (Insightly's times are whole seconds); both given -> the later one.
pub fn updated_after(range: &TimeRange) -> Option<Timestamp> {
    let gte = range.gte.map(|t| {
        let floor = t.0.timestamp();
        if t.0.timestamp_subsec_nanos() == 0 {
            floor
        } else {
            floor.saturating_add(1)
        }
    });
    let gt = range.gt.map(|t| t.0.timestamp().saturating_add(1));
    let secs = match (gte, gt) {
        (Some(a), Some(b)) => a.max(b),
        (a, b) => a.or(b)?,
    };
    Timestamp::from_unix_seconds(secs)
}

/// RFC 3339 in UTC without fraction: `2024-03-04T08:22:56Z`.
pub fn format_utc(t: Timestamp) -> String {
    t.0.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::time::parse_datetime;
    use crm_core::LeadFilters;

    fn pairs(request: &Request) -> Vec<(&str, &str)> {
        request
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    fn with(filters: LeadFilters) -> LeadQuery {
        LeadQuery {
            filters,
            ..LeadQuery::default()
        }
    }

    fn first() -> PageState {
        PageState::first(Some(100))
    }

    #[test]
    fn no_filter_lists_leads() {
        let r = build(
            "/v3.1/Leads",
            "/v3.1/Leads/Search",
            &LeadQuery::default(),
            first(),
        )
        .unwrap();
        assert_eq!(r.path, "/v3.1/Leads");
        assert_eq!(
            pairs(&r),
            [("skip", "0"), ("top", "100"), ("brief", "false")]
        );
    }

    #[test]
    fn a_field_and_a_time_go_to_search() {
        let mut filters = LeadFilters {
            owner_id: Some("0042".into()),
            ..LeadFilters::default()
        };
        filters.updated_at.gte = Some(parse_datetime("2024-03-04T08:22:56.200Z").unwrap());
        let r = build(
            "/l",
            "/s",
            &with(filters),
            PageState {
                skip: 200,
                top: 100,
            },
        )
        .unwrap();
        assert_eq!(r.path, "/s");
        assert_eq!(
            pairs(&r),
            [
                ("skip", "200"),
                ("top", "100"),
                ("brief", "false"),
                ("field_name", "OWNER_USER_ID"),
                ("field_value", "42"),
                ("updated_after_utc", "2024-03-04T08:22:57Z"),
            ]
        );
    }

    #[test]
    fn time_bounds_are_whole_seconds() {
        let t = |s: &str| Some(parse_datetime(s).unwrap());
        let after = |gt, gte| {
            updated_after(&TimeRange {
                gt,
                gte,
                ..TimeRange::default()
            })
            .map(format_utc)
        };
        assert_eq!(
            after(None, t("2024-01-01T00:00:00Z")).unwrap(),
            "2024-01-01T00:00:00Z"
        );
        assert_eq!(
            after(t("2024-01-01T00:00:00Z"), None).unwrap(),
            "2024-01-01T00:00:01Z"
        );
        assert_eq!(
            after(t("2024-01-01T00:00:00.5Z"), None).unwrap(),
            "2024-01-01T00:00:01Z"
        );
        assert_eq!(
            after(t("2024-01-01T00:00:00Z"), t("2024-01-01T00:00:10+01:00")).unwrap(),
            "2024-01-01T00:00:01Z"
        );
        assert_eq!(after(None, None), None);
    }

    #[test]
    fn two_fields_are_refused_naming_both() {
        let combos = [
            LeadFilters {
                owner_id: Some("1".into()),
                country: Some("Germany".into()),
                ..LeadFilters::default()
            },
            LeadFilters {
                state: Some("CA".into()),
                email_addresses: vec!["a@example.com".into()],
                ..LeadFilters::default()
            },
        ];
        for filters in combos {
            let err = build("/l", "/s", &with(filters), first()).unwrap_err();
            assert_eq!(err.http_status(), 400);
            assert!(err.to_string().contains("one field per request"), "{err}");
        }
        let err = build(
            "/l",
            "/s",
            &with(LeadFilters {
                email_addresses: vec!["a@example.com".into(), "b@example.com".into()],
                ..LeadFilters::default()
            }),
            first(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("one e-mail address"), "{err}");
    }

    #[test]
    fn bad_owner_ids_are_refused() {
        for bad in [
            "0",
            "-1",
            "abc",
            "1&top=5",
            "1.5",
            "99999999999999999999",
            "１",
        ] {
            let q = with(LeadFilters {
                owner_id: Some(bad.into()),
                ..LeadFilters::default()
            });
            let err = build("/l", "/s", &q, first()).unwrap_err();
            assert!(err.to_string().contains("owner[id]"), "{bad}: {err}");
        }
    }

    #[test]
    fn remote_query_passes_through() {
        let q = LeadQuery {
            remote_query: vec![("count_total".into(), "true".into())],
            ..LeadQuery::default()
        };
        let r = build("/l", "/s", &q, first()).unwrap();
        assert_eq!(r.path, "/l");
        assert_eq!(pairs(&r).last(), Some(&("count_total", "true")));
        for reserved in RESERVED_REMOTE_QUERY {
            let q = LeadQuery {
                remote_query: vec![(reserved.key.to_ascii_uppercase(), "1".into())],
                ..LeadQuery::default()
            };
            assert!(
                crate::CAPABILITIES.validate(&q).is_err(),
                "{}",
                reserved.key
            );
        }
    }

    proptest::proptest! {
        /// No filter value changes the request's structure: the same parameter names in the same
        /// order, and the value arrives exactly (trimmed) as the caller gave it.
        #[test]
        fn values_never_change_the_structure(
            value in "[ -~\\n\\u{e9}\\u{4e2d}'\"\\\\(),&#%=?+]{1,40}",
            which in 0usize..3,
        ) {
            proptest::prop_assume!(!value.trim().is_empty());
            let mut filters = LeadFilters::default();
            match which {
                0 => filters.country = Some(value.clone()),
                1 => filters.state = Some(value.clone()),
                _ => filters.email_addresses = vec![value.clone()],
            }
            let r = build("/l", "/s", &with(filters), first()).unwrap();
            let names: Vec<&str> = r.query.iter().map(|(k, _)| k.as_str()).collect();
            proptest::prop_assert_eq!(names, ["skip", "top", "brief", "field_name", "field_value"]);
            proptest::prop_assert_eq!(r.query[4].1.as_str(), value.trim());
        }
    }
}
