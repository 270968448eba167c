//! Building `GET /crm/{version}/Leads`.
//!
//! Every request carries:
//! - `fields`: the API names the mapping reads ([`crate::records::FIELDS`]); v3+ requires the
//!   list, and asking only for what is mapped keeps pages small;
//! - `converted=both`: Zoho leaves converted leads out by default, which would lose leads silently;
//! - `sort_by=id&sort_order=asc`: a total, stable order. Ids are unique (no ties at page edges, unlike
//!   `Created_Time`, which has one-second resolution) and never change (unlike `Modified_Time`);
//! - `per_page` (unless the caller asked for Zoho's natural page), and `page` or `page_token`.
//!
//! There are no filters to translate (see [`crate::capabilities`]). `remote_query` pairs are
//! appended unchanged, except keys this connector sets itself or that carry credentials, which are
//! refused: a duplicate would be ambiguous at best and would break paging or auth at worst.
//! Values are percent-encoded by the HTTP client, so none can change the URL's structure.

use crate::paging::Position;
use crate::records::FIELDS;
use crm_core::transport::Request;
use crm_core::{ReservedKey, Result};

/// `remote_query` keys that are refused, with the reason given to the caller (by the core's one
/// guard, from [`crate::CAPABILITIES`]).
pub const RESERVED_REMOTE_QUERY: &[ReservedKey] = &[
    ReservedKey::new("page", "paging is driven by next_cursor"),
    ReservedKey::new("page_token", "paging is driven by next_cursor"),
    ReservedKey::new("per_page", "the page size is set with `limit`"),
    ReservedKey::new("fields", "the connector asks for exactly the fields its mapping reads; use remote_data for the raw record"),
    ReservedKey::new("converted", "the connector always lists converted and unconverted leads (converted=both)"),
    ReservedKey::new("sort_by", "the connector sorts by id so that pages neither overlap nor skip leads"),
    ReservedKey::new("sort_order", "the connector sorts by id so that pages neither overlap nor skip leads"),
    ReservedKey::new("authtoken", "credentials come from the connected account, never from the query"),
    ReservedKey::new("access_token", "credentials come from the connected account, never from the query"),
];

/// The list request for one page.
pub fn list_leads(
    version: &str,
    position: &Position,
    per_page: Option<u32>,
    remote_query: &[(String, String)],
) -> Result<Request> {
    let mut request = Request::get(format!("/crm/{version}/Leads"))
        .query("fields", FIELDS.join(","))
        .query("converted", "both")
        .query("sort_by", "id")
        .query("sort_order", "asc");
    if let Some(per_page) = per_page {
        request = request.query("per_page", per_page.to_string());
    }
    request = match position {
        Position::Page(page) => request.query("page", page.to_string()),
        Position::Token(token) => request.query("page_token", token.as_str()),
    };
    for (key, value) in remote_query {
        request = request.query(key.as_str(), value.as_str());
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

    const FIELDS_PARAM: &str = "Owner,Lead_Source,Designation,First_Name,Last_Name,Street,City,State,Zip_Code,Country,Email,Secondary_Email,Phone,Mobile,Fax,Last_Activity_Time,Created_Time,Modified_Time";

    #[test]
    fn first_page() {
        let r = list_leads("v8", &Position::Page(1), Some(100), &[]).unwrap();
        assert_eq!(r.method, http::Method::GET);
        assert_eq!(r.path, "/crm/v8/Leads");
        assert_eq!(
            pairs(&r),
            vec![
                ("fields", FIELDS_PARAM),
                ("converted", "both"),
                ("sort_by", "id"),
                ("sort_order", "asc"),
                ("per_page", "100"),
                ("page", "1"),
            ]
        );
    }

    #[test]
    fn token_page_without_size_and_with_remote_query() {
        let remote = vec![
            ("cvid".to_owned(), "4150868000000087501".to_owned()),
            ("x&y".to_owned(), "a=b&page=9".to_owned()),
        ];
        let r = list_leads("v3", &Position::Token("tok".into()), None, &remote).unwrap();
        assert_eq!(r.path, "/crm/v3/Leads");
        let p = pairs(&r);
        assert!(p.contains(&("page_token", "tok")));
        assert!(!p.iter().any(|(k, _)| *k == "page" || *k == "per_page"));
        assert_eq!(
            &p[p.len() - 2..],
            &[("cvid", "4150868000000087501"), ("x&y", "a=b&page=9")]
        );
    }

    #[test]
    fn reserved_remote_query_keys_are_refused() {
        for key in [
            "page",
            "PAGE",
            " per_page ",
            "page_token",
            "fields",
            "converted",
            "sort_by",
            "Sort_Order",
            "authtoken",
            "access_token",
            "",
            "  ",
        ] {
            let query = crm_core::LeadQuery {
                remote_query: vec![(key.to_owned(), "1".to_owned())],
                ..Default::default()
            };
            let err = crate::CAPABILITIES.validate(&query).unwrap_err();
            assert!(
                matches!(err, crm_core::Error::InvalidParameter { .. }),
                "{key}"
            );
            assert!(err.to_string().contains("remote_query["), "{err}");
        }
        let query = crm_core::LeadQuery {
            remote_query: vec![
                ("cvid".into(), "1".into()),
                ("approved".into(), "both".into()),
                ("ids".into(), "1,2".into()),
            ],
            ..Default::default()
        };
        assert!(crate::CAPABILITIES.validate(&query).is_ok());
    }
}
