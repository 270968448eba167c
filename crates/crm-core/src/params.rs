//! Reads the List Leads query string (Truto's syntax) into a typed [`ListRequest`].
//!
//! Accepted forms: bracket objects `owner[id]=1`, operators `created_at[gte]=...`, arrays
//! `email_addresses[]=a`, `email_addresses[0]=a` or repeated keys, percent-encoded brackets,
//! `truto_exclude_fields` as an array or comma-separated, `remote_query[foo]=bar`. An empty value
//! means the parameter is absent. Unknown parameters are refused: a misspelt filter must not be
//! silently ignored.

use crate::error::{Error, Result};
use crate::query::{FilterKey, LeadFilters, LeadQuery, Operator, Syntax, TimeRange, FILTERS};
use crate::shape::ResponseFormat;
use crate::shape::{FieldPath, ResponseOptions};
use crate::time::parse_datetime;
use std::borrow::Cow;

/// A parsed List Leads request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListRequest {
    /// `integrated_account_id` as given; the server checks presence and shape.
    pub integrated_account_id: Option<String>,
    pub query: LeadQuery,
    pub options: ResponseOptions,
}

/// The parameters every request may give besides the filters (base names, before brackets).
pub const COMMON_PARAMETERS: &[&str] = &[
    "integrated_account_id",
    "truto_response_format",
    "truto_key_by",
    "truto_ignore_limit",
    "truto_ignore_remote_data",
    "truto_exclude_fields",
    "remote_query",
    "limit",
    "next_cursor",
];

/// Every parameter name this endpoint knows: the common ones, then each declared filter's.
pub fn known_parameters() -> impl Iterator<Item = &'static str> {
    COMMON_PARAMETERS
        .iter()
        .copied()
        .chain(FILTERS.iter().map(|f| f.parameter))
}

fn is_known(base: &str) -> bool {
    known_parameters().any(|p| p == base)
}

fn unknown_parameter(key: &str) -> Error {
    Error::invalid(
        key,
        format!(
            "unknown parameter; the parameters of this endpoint are: {}",
            known_parameters().collect::<Vec<_>>().join(", ")
        ),
    )
}

/// A parameter name split into its base and bracket segments: `a[b][c]` -> (`a`, [`b`, `c`]).
fn split_key(key: &str) -> Result<(&str, Vec<&str>)> {
    let malformed = || {
        Error::invalid(
            key,
            "malformed parameter name: brackets must be balanced, as in `owner[id]`",
        )
    };
    let (base, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    if base.is_empty() || base.contains(']') {
        return Err(malformed());
    }
    let mut segments = Vec::new();
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[').ok_or_else(malformed)?;
        let close = inner.find(']').ok_or_else(malformed)?;
        let segment = &inner[..close];
        if segment.contains('[') {
            return Err(malformed());
        }
        segments.push(segment);
        rest = &inner[close + 1..];
    }
    Ok((base, segments))
}

/// Sets a boolean parameter, refusing a second, different value (`true` and `1` agree).
fn set_bool(slot: &mut Option<bool>, key: &str, value: &str) -> Result<()> {
    let parsed = parse_bool(key, value)?;
    match slot {
        Some(existing) if *existing != parsed => Err(Error::invalid(
            key,
            "given twice with different values; give it once",
        )),
        _ => {
            *slot = Some(parsed);
            Ok(())
        }
    }
}

fn parse_bool(key: &str, value: &str) -> Result<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(Error::invalid(
            key,
            format!("expected true or false, got `{value}`"),
        )),
    }
}

/// Sets a single-valued parameter, refusing a second, different value.
fn set_once(slot: &mut Option<String>, key: &str, value: &str) -> Result<()> {
    match slot {
        Some(existing) if existing != value => Err(Error::invalid(
            key,
            format!("given twice with different values (`{existing}` and `{value}`); give it once"),
        )),
        _ => {
            *slot = Some(value.to_owned());
            Ok(())
        }
    }
}

fn no_segments(key: &str, segments: &[&str]) -> Result<()> {
    if segments.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid(
            key,
            "this parameter takes a plain value, without brackets",
        ))
    }
}

/// Array forms: `k`, `k[]`, `k[0]`.
fn array_segments(key: &str, segments: &[&str]) -> Result<()> {
    match segments {
        [] => Ok(()),
        [s] if s.is_empty() || s.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
        _ => Err(Error::invalid(
            key,
            "expected an array parameter such as `name[]=value`",
        )),
    }
}

fn set_time(
    range: &mut TimeRange,
    base: &str,
    key: &str,
    segments: &[&str],
    value: &str,
) -> Result<()> {
    let op = match segments {
        [] => Operator::Eq,
        [op] => Operator::from_name(op).ok_or_else(|| {
            Error::invalid(key, format!("unknown operator `{op}`; use one of gt, gte, lt, lte, eq (or {base}=<date-time> for equality)"))
        })?,
        _ => return Err(Error::invalid(key, format!("expected `{base}=<date-time>` or `{base}[gte]=<date-time>`"))),
    };
    let time = parse_datetime(value).map_err(|e| Error::invalid(key, e.to_string()))?;
    if !time.has_four_digit_year() {
        return Err(Error::invalid(
            key,
            format!(
                "`{value}` is {time} in UTC, outside the years 0000 to 9999 that provider date literals can express; use a date-time between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z"
            ),
        ));
    }
    let slot = range.slot(op);
    if slot.is_some_and(|t| t != time) {
        return Err(Error::invalid(
            key,
            "given twice with different values; give it once",
        ));
    }
    *slot = Some(time);
    Ok(())
}

/// Splits a raw query string into decoded `(key, value)` pairs, strictly: `+` is a space, every
/// `%` must start a two-digit hex escape, and the decoded bytes must be UTF-8. A lenient decoder
/// would pass `%zz` through or turn invalid bytes into U+FFFD, so the provider would be sent a value
/// the caller never wrote.
pub fn decode_pairs(query: &str) -> Result<Vec<(String, String)>> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode_component(key).map_err(|why| {
                let shown = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
                Error::invalid(shown, format!("the parameter name {why}"))
            })?;
            let value = decode_component(value)
                .map_err(|why| Error::invalid(key.as_str(), format!("the value {why}")))?;
            Ok((key, value))
        })
        .collect()
}

fn decode_component(raw: &str) -> std::result::Result<String, &'static str> {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'%') {
        let at = i + offset;
        let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
        if !(hex(at + 1) && hex(at + 2)) {
            return Err("has a `%` that does not start a two-digit hex escape; write a literal `%` as `%25`");
        }
        i = at + 3;
    }
    let spaced: Cow<'_, str> = if raw.contains('+') {
        Cow::Owned(raw.replace('+', " "))
    } else {
        Cow::Borrowed(raw)
    };
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| "is not UTF-8 once percent-decoded; send text as UTF-8")
}

fn set_text(f: &mut LeadFilters, filter: FilterKey, key: &str, value: &str) -> Result<()> {
    match f.text_mut(filter) {
        Some(slot) => set_once(slot, key, value),
        None => Err(unknown_parameter(key)),
    }
}

/// Reads filter parameters by their declared [`Syntax`], refusing a second, different value.
#[derive(Default)]
struct FilterReader {
    filters: LeadFilters,
    include_custom_fields: Option<bool>,
}

impl FilterReader {
    fn read(&mut self, filter: FilterKey, key: &str, segments: &[&str], value: &str) -> Result<()> {
        let spec = filter.spec();
        let f = &mut self.filters;
        match spec.syntax {
            Syntax::Id | Syntax::IdOrBare => {
                let ok = matches!(segments, ["id"])
                    || (spec.syntax == Syntax::IdOrBare && segments.is_empty());
                if !ok {
                    let base = spec.parameter;
                    let hint = if spec.syntax == Syntax::IdOrBare {
                        format!(" or `{base}=<id>`")
                    } else {
                        String::new()
                    };
                    return Err(Error::invalid(
                        key,
                        format!("expected `{base}[id]=<id>`{hint}"),
                    ));
                }
                set_text(f, filter, key, value)
            }
            Syntax::Plain => {
                no_segments(key, segments)?;
                set_text(f, filter, key, value)
            }
            Syntax::Time => match f.time_mut(filter) {
                Some(range) => set_time(range, spec.parameter, key, segments, value),
                None => Err(unknown_parameter(key)),
            },
            Syntax::Array => {
                array_segments(key, segments)?;
                if !f.email_addresses.iter().any(|e| e == value) {
                    f.email_addresses.push(value.to_owned());
                }
                Ok(())
            }
            Syntax::Bool => {
                no_segments(key, segments)?;
                set_bool(&mut self.include_custom_fields, key, value)
            }
            Syntax::Map => {
                let example = format!(
                    "expected `{}=<value>`",
                    spec.example.replace("<name>", "<field API name>")
                );
                let [name] = segments else {
                    return Err(Error::invalid(key, example));
                };
                if name.is_empty() {
                    return Err(Error::invalid(key, example));
                }
                match f.custom_fields.insert((*name).to_owned(), value.to_owned()) {
                    Some(old) if old != value => Err(Error::invalid(
                        key,
                        "given twice with different values; give it once",
                    )),
                    _ => Ok(()),
                }
            }
        }
    }

    fn finish(mut self) -> LeadFilters {
        self.filters.include_custom_fields = self.include_custom_fields.unwrap_or(false);
        self.filters
    }
}

impl ListRequest {
    /// Parses a raw (percent-encoded) query string, refusing invalid escapes and non-UTF-8 text.
    pub fn from_query_string(query: &str) -> Result<ListRequest> {
        ListRequest::from_pairs(
            decode_pairs(query)?
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k), Cow::Owned(v))),
        )
    }

    /// Parses decoded key/value pairs.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
    ) -> Result<ListRequest> {
        let mut req = ListRequest::default();
        let mut format: Option<String> = None;
        let mut key_by: Option<String> = None;
        let mut limit: Option<String> = None;
        let (mut ignore_limit, mut ignore_remote_data) = (None, None);
        let mut filters = FilterReader::default();
        for (key, value) in pairs {
            let key = key.as_ref();
            let value = value.trim();
            let (base, segments) = split_key(key)?;
            if value.is_empty() && is_known(base) {
                continue;
            }
            if let Some(filter) = FilterKey::from_parameter(base) {
                filters.read(filter, key, &segments, value)?;
                continue;
            }
            match base {
                "integrated_account_id" => {
                    no_segments(key, &segments)?;
                    set_once(&mut req.integrated_account_id, key, value)?;
                }
                "truto_response_format" => {
                    no_segments(key, &segments)?;
                    set_once(&mut format, key, value)?;
                }
                "truto_key_by" => {
                    no_segments(key, &segments)?;
                    set_once(&mut key_by, key, value)?;
                }
                "truto_ignore_limit" => {
                    no_segments(key, &segments)?;
                    set_bool(&mut ignore_limit, key, value)?;
                }
                "truto_ignore_remote_data" => {
                    no_segments(key, &segments)?;
                    set_bool(&mut ignore_remote_data, key, value)?;
                }
                "truto_exclude_fields" => {
                    array_segments(key, &segments)?;
                    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                        let path = FieldPath::parse(part).map_err(|m| Error::invalid(key, m))?;
                        req.options
                            .exclude(path)
                            .map_err(|m| Error::invalid(key, m))?;
                    }
                }
                "remote_query" => {
                    let Some((first, rest)) = segments.split_first() else {
                        return Err(Error::invalid(
                            key,
                            "use `remote_query[<provider parameter>]=<value>`",
                        ));
                    };
                    if first.is_empty() {
                        return Err(Error::invalid(
                            key,
                            "use `remote_query[<provider parameter>]=<value>`",
                        ));
                    }
                    let mut name = (*first).to_owned();
                    for s in rest {
                        name.push('[');
                        name.push_str(s);
                        name.push(']');
                    }
                    req.query.remote_query.push((name, value.to_owned()));
                }
                "limit" => {
                    no_segments(key, &segments)?;
                    set_once(&mut limit, key, value)?;
                }
                "next_cursor" => {
                    no_segments(key, &segments)?;
                    set_once(&mut req.query.cursor, key, value)?;
                }
                _ => return Err(unknown_parameter(key)),
            }
        }
        req.query.ignore_limit = ignore_limit.unwrap_or(false);
        req.options.ignore_remote_data = ignore_remote_data.unwrap_or(false);
        req.query.filters = filters.finish();
        if let Some(format) = format {
            req.options.format = ResponseFormat::from_name(&format).ok_or_else(|| {
                Error::invalid(
                    "truto_response_format",
                    format!("`{format}` is not one of unified, raw, normalized"),
                )
            })?;
        }
        if let Some(path) = key_by {
            req.options.key_by =
                Some(FieldPath::parse(&path).map_err(|m| Error::invalid("truto_key_by", m))?);
        }
        if let Some(limit) = limit {
            let n: u32 = match limit.parse::<u64>() {
                Ok(0) | Err(_) => {
                    return Err(Error::invalid(
                        "limit",
                        format!("`{limit}` is not a positive integer"),
                    ))
                }
                Ok(n) => u32::try_from(n).map_err(|_| {
                    Error::invalid(
                        "limit",
                        format!("`{limit}` is larger than {}; pages are clamped to the provider's maximum anyway", u32::MAX),
                    )
                })?,
            };
            req.query.limit = Some(n);
        }
        Ok(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::FilterKey;

    fn parse(q: &str) -> ListRequest {
        ListRequest::from_query_string(q).unwrap_or_else(|e| panic!("{q}: {e}"))
    }

    fn err(q: &str) -> String {
        ListRequest::from_query_string(q).unwrap_err().to_string()
    }

    #[test]
    fn every_filter_and_operator() {
        let r = parse(concat!(
            "integrated_account_id=62f44730-dd91-461e-bd6a-aedd9e0ad79d",
            "&owner[id]=1&contact[id]=2&organization[id]=3&account[id]=4",
            "&name=O%27Brien&country=US&state=CA&lead_source=Web",
            "&created_at[gt]=2024-01-01T00:00:00Z&created_at[gte]=2024-01-02T00:00:00Z",
            "&updated_at[lt]=2024-03-01T00:00:00%2B01:00&updated_at[lte]=2024-03-02",
            "&converted_at=2024-05-01",
            "&email_addresses[]=a@x.com&email_addresses[1]=b@x.com&email_addresses=c@x.com",
            "&include_custom_fields=true&custom_fields[Score__c]=5"
        ));
        let f = &r.query.filters;
        assert_eq!(
            r.integrated_account_id.as_deref(),
            Some("62f44730-dd91-461e-bd6a-aedd9e0ad79d")
        );
        assert_eq!(f.owner_id.as_deref(), Some("1"));
        assert_eq!(f.contact_id.as_deref(), Some("2"));
        assert_eq!(f.organization_id.as_deref(), Some("3"));
        assert_eq!(f.account_id.as_deref(), Some("4"));
        assert_eq!(f.name.as_deref(), Some("O'Brien"));
        assert_eq!(f.country.as_deref(), Some("US"));
        assert_eq!(f.state.as_deref(), Some("CA"));
        assert_eq!(f.lead_source.as_deref(), Some("Web"));
        assert_eq!(
            f.created_at.gt.unwrap().to_string(),
            "2024-01-01T00:00:00.000Z"
        );
        assert_eq!(
            f.created_at.gte.unwrap().to_string(),
            "2024-01-02T00:00:00.000Z"
        );
        assert_eq!(
            f.updated_at.lt.unwrap().to_string(),
            "2024-02-29T23:00:00.000Z"
        );
        assert_eq!(
            f.updated_at.lte.unwrap().to_string(),
            "2024-03-02T00:00:00.000Z"
        );
        assert_eq!(
            f.converted_at.eq.unwrap().to_string(),
            "2024-05-01T00:00:00.000Z"
        );
        assert_eq!(f.email_addresses, ["a@x.com", "b@x.com", "c@x.com"]);
        assert!(f.include_custom_fields);
        assert_eq!(
            f.custom_fields.get("Score__c").map(String::as_str),
            Some("5")
        );
        let keys: Vec<_> = f.active().into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            keys,
            FilterKey::ALL.to_vec(),
            "every filter is reachable from the query string"
        );
    }

    #[test]
    fn common_parameters() {
        let r = parse(
            "truto_response_format=normalized&truto_key_by=owner.id&truto_ignore_limit=true\
             &truto_ignore_remote_data=1&truto_exclude_fields[]=id&truto_exclude_fields=a.b,c\
             &remote_query[foo]=bar&remote_query[a][b]=c&limit=25&next_cursor=abc",
        );
        assert_eq!(r.options.format, ResponseFormat::Normalized);
        assert_eq!(r.options.key_by.as_ref().unwrap().to_string(), "owner.id");
        assert!(r.query.ignore_limit);
        assert!(r.options.ignore_remote_data);
        let ex: Vec<_> = r
            .options
            .exclude_fields
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(ex, ["id", "a.b", "c"]);
        assert_eq!(
            r.query.remote_query,
            [("foo".into(), "bar".into()), ("a[b]".into(), "c".into())]
        );
        assert_eq!(r.query.limit, Some(25));
        assert_eq!(r.query.cursor.as_deref(), Some("abc"));
    }

    #[test]
    fn organization_bare_and_encoded_brackets_and_empty_values() {
        let r = parse("organization=9&owner%5Bid%5D=5&next_cursor=&name=");
        assert_eq!(r.query.filters.organization_id.as_deref(), Some("9"));
        assert_eq!(r.query.filters.owner_id.as_deref(), Some("5"));
        assert_eq!(r.query.cursor, None);
        assert_eq!(r.query.filters.name, None);
    }

    #[test]
    fn refusals_name_the_parameter() {
        assert!(
            err("ownr[id]=1").starts_with("invalid query parameter `ownr[id]`: unknown parameter")
        );
        assert!(err("owner=1").contains("expected `owner[id]=<id>`"));
        assert!(err("created_at[between]=2024-01-01").contains("unknown operator `between`"));
        assert!(err("created_at=yesterday").contains("not an ISO 8601 date-time"));
        assert!(err("limit=0").contains("`0` is not a positive integer"));
        assert!(err("limit=ten").contains("`ten` is not a positive integer"));
        assert!(err("limit=-1").contains("positive integer"));
        assert!(err("limit=4294967296").contains("larger than 4294967295"));
        assert!(err("truto_response_format=xml").contains("unified, raw, normalized"));
        assert!(err("truto_ignore_limit=maybe").contains("true or false"));
        assert!(err("name=a&name=b").contains("given twice"));
        assert!(err("owner[id=1").contains("malformed"));
        assert!(err("remote_query=1").contains("remote_query[<provider parameter>]"));
        assert!(err("custom_fields=1").contains("custom_fields[<field API name>]"));
        assert!(err("truto_key_by=a..b").contains("truto_key_by"));
    }

    #[test]
    fn repeated_keys_with_different_values_are_refused() {
        for q in [
            "truto_ignore_limit=true&truto_ignore_limit=false",
            "truto_ignore_remote_data=1&truto_ignore_remote_data=0",
            "include_custom_fields=false&include_custom_fields=true",
            "limit=5&limit=6",
            "next_cursor=a&next_cursor=b",
            "integrated_account_id=a&integrated_account_id=b",
        ] {
            assert!(err(q).contains("given twice"), "{q}");
        }
        // The same meaning twice is not a conflict.
        let r = parse("truto_ignore_limit=true&truto_ignore_limit=1&include_custom_fields=true&include_custom_fields=TRUE");
        assert!(r.query.ignore_limit);
        assert!(r.query.filters.include_custom_fields);
    }

    #[test]
    fn an_unknown_parameter_is_refused_even_when_empty() {
        assert!(err("bogus=").contains("unknown parameter"));
        assert!(err("bogus").contains("unknown parameter"));
        assert!(err("limit=5&ownr[id]=").contains("`ownr[id]`"));
        // Known parameters with empty values are absent.
        assert_eq!(parse("limit=&truto_ignore_limit=").query.limit, None);
    }

    #[test]
    fn invalid_escapes_and_non_utf8_name_the_parameter() {
        let e = err("name=50%zz");
        assert!(
            e.starts_with("invalid query parameter `name`: the value has a `%`"),
            "{e}"
        );
        assert!(err("name=100%").contains("`%25`"));
        let e = err("name=%FF%FE");
        assert!(
            e.starts_with("invalid query parameter `name`: the value is not UTF-8"),
            "{e}"
        );
        assert!(err("na%ZZme=x").contains("the parameter name has a `%`"));
        // Valid escapes, `+` and multi-byte text decode as before.
        let r = parse("name=O%27Brien+%C3%86r%C3%B8&owner%5Bid%5D=5");
        assert_eq!(r.query.filters.name.as_deref(), Some("O'Brien Ærø"));
        assert_eq!(r.query.filters.owner_id.as_deref(), Some("5"));
    }

    #[test]
    fn bounds_outside_four_digit_years_are_refused() {
        let e = err("created_at[lte]=9999-12-31T23:59:59-23:59");
        assert!(e.contains("outside the years 0000 to 9999"), "{e}");
        assert!(err("updated_at[gte]=0000-01-01T00:00:00%2B00:01").contains("outside the years"));
        let r = parse("created_at[lte]=9999-12-31T23:59:59Z&created_at[gte]=0000-01-01T00:00:00Z");
        assert!(r.query.filters.created_at.lte.is_some());
    }

    #[test]
    fn echoed_input_is_capped() {
        let key = "k".repeat(60_000);
        let e = err(&format!("{key}=1"));
        assert!(e.len() < 2_000, "{} bytes", e.len());
        let e = err(&format!("created_at={}", "9".repeat(60_000)));
        assert!(e.len() < 2_000, "{} bytes", e.len());
    }
}
