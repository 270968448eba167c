//! Unified filters -> Copper's search body.
//!
//! Every value goes into the JSON body through `serde_json`, which escapes it: no filter value can
//! change the body's structure. Values Copper cannot take (a non-numeric owner id, two e-mail
//! addresses, an unknown country) are refused with a 400-class error rather than dropped.

use crate::paging::PageState;
use crm_core::normalize::country_code;
use crm_core::ReservedKey;
use crm_core::{Error, LeadQuery, Operator, Result, TimeRange};
use serde::Serialize;
use serde_json::value::RawValue;

/// Sort used for every walk: creation time, oldest first. New leads land after the pages already
/// read and edits do not move a lead (unlike `name`, Copper's default, or `date_modified`).
pub const SORT_BY: &str = "date_created";
pub const SORT_DIRECTION: &str = "asc";

/// The body of `POST /developer_api/v1/leads/search`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchBody {
    pub page_number: u32,
    /// Absent with `truto_ignore_limit` (Copper then uses its default of 20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    pub sort_by: &'static str,
    pub sort_direction: &'static str,
    #[serde(flatten)]
    pub filters: SearchFilters,
}

impl SearchBody {
    pub fn new(state: PageState, send_page_size: bool, filters: SearchFilters) -> Self {
        SearchBody {
            page_number: state.page_number,
            page_size: send_page_size.then_some(state.page_size),
            sort_by: SORT_BY,
            sort_direction: SORT_DIRECTION,
            filters,
        }
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        serde_json::to_vec(self).map_err(|e| {
            Error::invalid(
                "remote_query",
                format!("the Copper search body could not be built: {e}"),
            )
        })
    }
}

/// The translated filters plus `remote_query` pass-through keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchFilters {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_ids: Option<[u64; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emails: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_created_date: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_created_date: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_modified_date: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_modified_date: Option<i64>,
    /// `remote_query` keys, none of them one of [`RESERVED_REMOTE_QUERY`].
    #[serde(flatten)]
    pub remote: RemoteKeys,
}

/// What a query translates to.
#[derive(Debug, Clone, PartialEq)]
pub enum Translation {
    /// Send a search with these filters.
    Search(SearchFilters),
    /// The date bounds leave no whole second (e.g. `created_at[gt]=T&created_at[lt]=T+1s`, or
    /// equality with a sub-second time while Copper stores whole seconds): nothing can match, so
    /// no request is made.
    NothingCanMatch,
}

/// `remote_query` keys that would override paging, sorting or a translated filter (refused by
/// the core's one guard, from [`crate::CAPABILITIES`]).
pub const RESERVED_REMOTE_QUERY: &[ReservedKey] = &[
    ReservedKey::new("page_number", "paging is driven by next_cursor"),
    ReservedKey::new("page_size", "use `limit` (or truto_ignore_limit)"),
    ReservedKey::new(
        "sort_by",
        "paging relies on a stable date_created ascending order",
    ),
    ReservedKey::new(
        "sort_direction",
        "paging relies on a stable date_created ascending order",
    ),
    ReservedKey::new("assignee_ids", "use the `owner[id]` filter"),
    ReservedKey::new("name", "use the `name` filter"),
    ReservedKey::new("country", "use the `country` filter"),
    ReservedKey::new("emails", "use the `email_addresses[]` filter"),
    ReservedKey::new("minimum_created_date", "use `created_at[gte]` and friends"),
    ReservedKey::new("maximum_created_date", "use `created_at[lte]` and friends"),
    ReservedKey::new("minimum_modified_date", "use `updated_at[gte]` and friends"),
    ReservedKey::new("maximum_modified_date", "use `updated_at[lte]` and friends"),
];

/// `remote_query` pairs as top-level body keys, each value exactly as the caller wrote it: JSON
/// text (`[1,2]`, `true`, `123456789012345678901234567890`) verbatim, anything else as a string.
#[derive(Debug, Clone, Default)]
pub struct RemoteKeys(Vec<(String, Box<RawValue>)>);

impl RemoteKeys {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl PartialEq for RemoteKeys {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .all(|((ka, va), (kb, vb))| ka == kb && va.get() == vb.get())
    }
}

impl Serialize for RemoteKeys {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// Translates the query's filters and `remote_query` into Copper's search keys.
pub fn translate(query: &LeadQuery) -> Result<Translation> {
    let f = &query.filters;
    let created = SecondsRange::from_range(&f.created_at);
    let modified = SecondsRange::from_range(&f.updated_at);
    let filters = SearchFilters {
        assignee_ids: f
            .owner_id
            .as_deref()
            .map(owner_id)
            .transpose()?
            .map(|id| [id]),
        name: f.name.clone(),
        country: f.country.as_deref().map(country).transpose()?,
        emails: single_email(&f.email_addresses)?,
        minimum_created_date: created.min,
        maximum_created_date: created.max,
        minimum_modified_date: modified.min,
        maximum_modified_date: modified.max,
        remote: remote_query(&query.remote_query)?,
    };
    if created.is_empty() || modified.is_empty() {
        return Ok(Translation::NothingCanMatch);
    }
    Ok(Translation::Search(filters))
}

/// Copper user ids are positive integers. Copper's `-2` ("no assignee") is not accepted: a unified
/// owner id names a user, and `-2` never appears as an `owner.id`.
fn owner_id(value: &str) -> Result<u64> {
    let v = value.trim();
    let parsed = if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        v.parse::<u64>()
            .ok()
            .filter(|&n| n > 0 && n <= i64::MAX as u64)
    } else {
        None
    };
    parsed.ok_or_else(|| {
        Error::invalid(
            "owner[id]",
            format!(
                "Copper user ids are positive integers, `{}` is not one; pass the id shown as owner.id on a lead",
                clip(v)
            ),
        )
    })
}

/// Copper filters on two-letter codes. A two-letter value is taken as a code; a country name or
/// three-letter code is converted; anything else is refused.
fn country(value: &str) -> Result<String> {
    let v = value.trim();
    if v.len() == 2 && v.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Ok(v.to_ascii_uppercase());
    }
    country_code(v).map(str::to_owned).ok_or_else(|| {
        Error::invalid(
            "country",
            format!(
                "Copper filters by ISO 3166-1 alpha-2 country code and `{}` is not a country name or code we recognise; use a code such as `US` or `DE`",
                clip(v)
            ),
        )
    })
}

/// Copper's `emails` takes one address.
fn single_email(addresses: &[String]) -> Result<Option<String>> {
    match addresses {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        many => Err(Error::invalid(
            "email_addresses",
            format!(
                "Copper searches by one e-mail address per request and {} were given; pass a single email_addresses[] value and make one request per address",
                many.len()
            ),
        )),
    }
}

/// `remote_query` pairs become top-level body keys. A value that is JSON text is sent as that
/// JSON, byte for byte (`[1,2]`, `true`, `5`, `"5"`), anything else as a string. Reserved keys were
/// refused by the core before this runs.
fn remote_query(pairs: &[(String, String)]) -> Result<RemoteKeys> {
    let mut out: Vec<(String, Box<RawValue>)> = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        let parameter = || format!("remote_query[{key}]");
        let plain = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !plain {
            return Err(Error::invalid(
                parameter(),
                "Copper's search body takes plain top-level keys (letters, digits, `_`); pass structured values as JSON, e.g. remote_query[tags]=[\"vip\"]",
            ));
        }
        let json = match serde_json::from_str::<&RawValue>(value) {
            Ok(raw) => raw.to_owned(),
            Err(_) => serde_json::value::to_raw_value(value).map_err(|e| {
                Error::invalid(parameter(), format!("cannot be sent to Copper: {e}"))
            })?,
        };
        match out.iter().find(|(k, _)| k == key) {
            Some((_, old)) if old.get() != json.get() => {
                return Err(Error::invalid(
                    parameter(),
                    "given twice with different values; give it once",
                ))
            }
            Some(_) => {}
            None => out.push((key.clone(), json)),
        }
    }
    Ok(RemoteKeys(out))
}

/// Inclusive Unix-second bounds, exact for second-precision values: a record time `s` (whole
/// seconds) satisfies every given bound exactly when `min <= s <= max`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SecondsRange {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

impl SecondsRange {
    /// The tightest bounds implied by all of `range`'s operators:
    /// `gte t` -> `s >= ceil(t)`, `gt t` -> `s >= floor(t) + 1`, `lte t` -> `s <= floor(t)`,
    /// `lt t` -> `s <= ceil(t) - 1`, `eq t` -> both `gte t` and `lte t` (empty unless `t` is a whole
    /// second).
    pub fn from_range(range: &TimeRange) -> SecondsRange {
        let mut out = SecondsRange::default();
        for (op, t) in range.bounds() {
            let floor = t.0.timestamp();
            let ceil = if t.0.timestamp_subsec_nanos() == 0 {
                floor
            } else {
                floor.saturating_add(1)
            };
            match op {
                Operator::Gte => out.lower(ceil),
                Operator::Gt => out.lower(floor.saturating_add(1)),
                Operator::Lte => out.upper(floor),
                Operator::Lt => out.upper(ceil.saturating_sub(1)),
                Operator::Eq => {
                    out.lower(ceil);
                    out.upper(floor);
                }
            }
        }
        out
    }

    fn lower(&mut self, v: i64) {
        self.min = Some(self.min.map_or(v, |m| m.max(v)));
    }

    fn upper(&mut self, v: i64) {
        self.max = Some(self.max.map_or(v, |m| m.min(v)));
    }

    /// No whole second satisfies the bounds.
    pub fn is_empty(&self) -> bool {
        matches!((self.min, self.max), (Some(lo), Some(hi)) if lo > hi)
    }

    #[cfg(test)]
    fn contains(&self, s: i64) -> bool {
        self.min.is_none_or(|lo| s >= lo) && self.max.is_none_or(|hi| s <= hi)
    }
}

/// Caller values in error messages are cut short.
fn clip(value: &str) -> std::borrow::Cow<'_, str> {
    crm_core::text::shorten_to(value, 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::time::parse_datetime;
    use crm_core::{LeadFilters, Timestamp};
    use serde_json::{json, Value};

    fn ts(s: &str) -> Timestamp {
        parse_datetime(s).unwrap()
    }

    fn search(query: &LeadQuery) -> SearchFilters {
        match translate(query).unwrap() {
            Translation::Search(f) => f,
            Translation::NothingCanMatch => panic!("expected a search"),
        }
    }

    fn with(filters: LeadFilters) -> LeadQuery {
        LeadQuery {
            filters,
            ..LeadQuery::default()
        }
    }

    fn err(query: &LeadQuery) -> String {
        translate(query).unwrap_err().to_string()
    }

    #[test]
    fn body_keeps_paging_in_the_body_and_escapes_values() {
        let filters = search(&with(LeadFilters {
            owner_id: Some("42".into()),
            name: Some("O'Brien \"Bob\" \\ Zoë, & #1 (x)".into()),
            ..LeadFilters::default()
        }));
        let body = SearchBody::new(
            PageState {
                page_number: 3,
                page_size: 50,
            },
            true,
            filters,
        );
        let bytes = body.to_bytes().unwrap();
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            value,
            json!({"page_number": 3, "page_size": 50, "sort_by": "date_created",
                   "sort_direction": "asc", "assignee_ids": [42],
                   "name": "O'Brien \"Bob\" \\ Zoë, & #1 (x)"})
        );
    }

    #[test]
    fn page_size_can_be_left_out() {
        let body = SearchBody::new(
            PageState {
                page_number: 1,
                page_size: 20,
            },
            false,
            SearchFilters::default(),
        );
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"page_number": 1, "sort_by": "date_created", "sort_direction": "asc"})
        );
    }

    #[test]
    fn owner_ids_must_be_positive_integers() {
        for ok in ["1", "806394", " 7 "] {
            let q = with(LeadFilters {
                owner_id: Some(ok.into()),
                ..LeadFilters::default()
            });
            assert!(search(&q).assignee_ids.is_some(), "{ok}");
        }
        for bad in [
            "-2",
            "0",
            "abc",
            "1.5",
            "1e3",
            "",
            "+5",
            "99999999999999999999",
            "9223372036854775808",
        ] {
            let q = with(LeadFilters {
                owner_id: Some(bad.into()),
                ..LeadFilters::default()
            });
            assert!(err(&q).contains("owner[id]"), "{bad}");
        }
    }

    #[test]
    fn countries_become_alpha_2() {
        let c = |v: &str| country(v).map_err(|e| e.to_string()).map(|s| s.to_string());
        assert_eq!(c("us").unwrap(), "US");
        assert_eq!(c("DE").unwrap(), "DE");
        assert_eq!(c("Germany").unwrap(), "DE");
        assert_eq!(c("USA").unwrap(), "US");
        assert_eq!(c("United States").unwrap(), "US");
        let e = c("Atlantis").unwrap_err();
        assert!(e.contains("ISO 3166-1 alpha-2"), "{e}");
        assert!(c("U1").is_err());
    }

    #[test]
    fn one_email_only() {
        let q = with(LeadFilters {
            email_addresses: vec!["a@example.com".into()],
            ..LeadFilters::default()
        });
        assert_eq!(search(&q).emails.as_deref(), Some("a@example.com"));
        let q = with(LeadFilters {
            email_addresses: vec!["a@example.com".into(), "b@example.com".into()],
            ..LeadFilters::default()
        });
        let e = err(&q);
        assert!(
            e.contains("email_addresses") && e.contains("one e-mail address") && e.contains('2'),
            "{e}"
        );
    }

    /// A range from `(operator, time)` pairs.
    fn range(bounds: &[(Operator, &str)]) -> SecondsRange {
        let mut r = TimeRange::default();
        for (op, t) in bounds {
            *r.slot(*op) = Some(ts(t));
        }
        SecondsRange::from_range(&r)
    }

    fn seconds(min: i64, max: i64) -> SecondsRange {
        SecondsRange {
            min: Some(min),
            max: Some(max),
        }
    }

    #[test]
    fn time_bounds_are_exact_at_second_precision() {
        use Operator::*;
        assert_eq!(
            range(&[(Gte, "2024-01-01T00:00:00Z"), (Lt, "2024-02-01T00:00:00Z")]),
            seconds(1_704_067_200, 1_706_745_599)
        );
        assert_eq!(
            range(&[
                (Gt, "2024-01-01T00:00:00.400Z"),
                (Lte, "2024-01-01T00:00:09.900Z")
            ]),
            seconds(1_704_067_201, 1_704_067_209)
        );
        assert_eq!(
            range(&[
                (Gte, "2024-01-01T00:00:00.400Z"),
                (Lt, "2024-01-01T00:00:09.900Z")
            ]),
            seconds(1_704_067_201, 1_704_067_209)
        );
        assert_eq!(
            range(&[(Eq, "2024-01-01T00:00:00Z")]),
            seconds(1_704_067_200, 1_704_067_200)
        );
        assert!(range(&[(Eq, "2024-01-01T00:00:00.5Z")]).is_empty());
        assert_eq!(
            range(&[(Gt, "2024-01-01T00:00:00Z")]),
            SecondsRange {
                min: Some(1_704_067_201),
                max: None
            }
        );
    }

    #[test]
    fn several_bounds_take_the_tightest() {
        use Operator::*;
        assert_eq!(
            range(&[
                (Gte, "2024-01-01T00:00:00Z"),
                (Gt, "2024-01-05T00:00:00Z"),
                (Lte, "2024-03-01T00:00:00Z"),
                (Lt, "2024-02-01T00:00:00Z"),
            ]),
            seconds(1_704_412_801, 1_706_745_599)
        );
    }

    #[test]
    fn contradictory_bounds_make_no_request() {
        let mut filters = LeadFilters::default();
        filters.updated_at.gt = Some(ts("2024-01-01T00:00:00Z"));
        filters.updated_at.lt = Some(ts("2024-01-01T00:00:01Z"));
        assert_eq!(
            translate(&with(filters)).unwrap(),
            Translation::NothingCanMatch
        );
    }

    #[test]
    fn invalid_values_win_over_empty_ranges() {
        let mut filters = LeadFilters {
            owner_id: Some("x".into()),
            ..LeadFilters::default()
        };
        filters.created_at.eq = Some(ts("2024-01-01T00:00:00.5Z"));
        assert!(translate(&with(filters)).is_err());
    }

    #[test]
    fn remote_query_values_go_out_as_written() {
        let q = LeadQuery {
            remote_query: vec![
                ("big".into(), "123456789012345678901234567890".into()),
                ("price".into(), "1.10".into()),
                ("text".into(), "not json".into()),
            ],
            ..LeadQuery::default()
        };
        let body = SearchBody::new(PageState::first(Some(20)), false, search(&q))
            .to_bytes()
            .unwrap();
        let body = String::from_utf8(body).unwrap();
        assert!(
            body.ends_with(
                r#""big":123456789012345678901234567890,"price":1.10,"text":"not json"}"#
            ),
            "{body}"
        );
    }

    #[test]
    fn remote_query_passes_json_and_refuses_overrides() {
        let q = LeadQuery {
            remote_query: vec![
                ("status_ids".into(), "[1, 2]".into()),
                ("include_converted_leads".into(), "true".into()),
                ("city".into(), "Springfield".into()),
                ("postal_code".into(), "\"00501\"".into()),
            ],
            ..LeadQuery::default()
        };
        assert_eq!(
            serde_json::to_value(search(&q)).unwrap(),
            json!({"status_ids": [1, 2], "include_converted_leads": true,
                   "city": "Springfield", "postal_code": "00501"})
        );
        for reserved in RESERVED_REMOTE_QUERY {
            for key in [reserved.key.to_owned(), reserved.key.to_ascii_uppercase()] {
                let q = LeadQuery {
                    remote_query: vec![(key.clone(), "1".into())],
                    ..LeadQuery::default()
                };
                let e = crate::CAPABILITIES.validate(&q).unwrap_err().to_string();
                assert!(e.contains(&format!("remote_query[{key}]")), "{key}: {e}");
            }
        }
        for key in ["tags[0]", "a b", "", "x\"y"] {
            let q = LeadQuery {
                remote_query: vec![(key.into(), "1".into())],
                ..LeadQuery::default()
            };
            assert!(err(&q).contains("plain top-level keys"), "{key}");
        }
        let q = LeadQuery {
            remote_query: vec![("city".into(), "a".into()), ("city".into(), "b".into())],
            ..LeadQuery::default()
        };
        assert!(err(&q).contains("twice"));
    }

    proptest::proptest! {
        /// For any bounds (with millisecond parts) and any whole-second record time, the Copper
        /// range admits the record exactly when the unified bounds do.
        #[test]
        fn seconds_range_matches_the_unified_predicate(
            base in 1_600_000_000i64..1_600_000_100,
            ops in proptest::collection::vec((0usize..5, 0i64..20_000), 1..4),
            record in 1_599_999_990i64..1_600_000_130,
        ) {
            let mut r = TimeRange::default();
            for (op, offset_ms) in &ops {
                let millis = base * 1000 + offset_ms;
                let t = Timestamp(chrono::DateTime::from_timestamp_millis(millis).unwrap());
                *r.slot(Operator::ALL[*op]) = Some(t);
            }
            let record_ms = record * 1000;
            let admits = r.bounds().all(|(op, t)| {
                let t = t.0.timestamp_millis();
                match op {
                    Operator::Eq => record_ms == t,
                    Operator::Gt => record_ms > t,
                    Operator::Gte => record_ms >= t,
                    Operator::Lt => record_ms < t,
                    Operator::Lte => record_ms <= t,
                }
            });
            let s = SecondsRange::from_range(&r);
            proptest::prop_assert_eq!(s.contains(record), admits);
            if s.is_empty() {
                proptest::prop_assert!(!admits);
            }
        }
    }
}
