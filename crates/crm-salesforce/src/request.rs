//! Filter translation: [`LeadFilters`] -> one SOQL query, through the [`crate::soql`] builder.
//!
//! Every value is checked (ids) or typed (date-times, custom field values by describe type) and
//! then handed to the builder as a literal; nothing here writes SOQL text itself.

use crate::describe::{DescribedField, LeadDescribe};
use crate::paging::is_salesforce_id;
use crate::soql::{Comparison, Condition, FieldName, LeadField, LeadSelect, Literal};
use chrono::{DateTime, NaiveDate, Timelike, Utc};
use crm_core::time::parse_datetime;
use crm_core::{Error, LeadFilters, Operator, ReservedKey, Result, TimeRange, Timestamp};

/// The standard fields every query selects, in this order.
pub const SELECTED_FIELDS: &[LeadField] = &[
    LeadField::Id,
    LeadField::OwnerId,
    LeadField::Name,
    LeadField::FirstName,
    LeadField::LastName,
    LeadField::Title,
    LeadField::Company,
    LeadField::LeadSource,
    LeadField::Status,
    LeadField::Street,
    LeadField::City,
    LeadField::State,
    LeadField::PostalCode,
    LeadField::Country,
    LeadField::Email,
    LeadField::Phone,
    LeadField::MobilePhone,
    LeadField::Fax,
    LeadField::IsConverted,
    LeadField::ConvertedDate,
    LeadField::ConvertedAccountId,
    LeadField::ConvertedContactId,
    LeadField::ConvertedOpportunityId,
    LeadField::CreatedDate,
    LeadField::LastModifiedDate,
];

/// Only requests that involve custom fields need the describe call.
pub fn needs_describe(filters: &LeadFilters) -> bool {
    filters.include_custom_fields || !filters.custom_fields.is_empty()
}

/// `remote_query` goes to the query endpoint untouched, except keys that would replace the query
/// this connector builds (`q`) or change what the endpoint answers (`explain`); the core's one
/// guard refuses them, from [`crate::CAPABILITIES`].
pub const RESERVED_REMOTE_QUERY: &[ReservedKey] = &[
    ReservedKey::new("q", "it is the SOQL query this connector builds from the filters; express the selection with the filters instead"),
    ReservedKey::new("explain", "it makes Salesforce answer a query plan instead of leads, which cannot be combined with listing"),
];

/// Builds the SOQL query for `filters`. `describe` is present when the request involves custom
/// fields; `after_id` restricts the query to ids after it (resuming a page cut inside a last batch).
pub fn build_soql(
    filters: &LeadFilters,
    describe: Option<&LeadDescribe>,
    after_id: Option<&str>,
) -> Result<String> {
    let mut select = LeadSelect::new(selected_fields(filters, describe), LeadField::Id);
    let field = |field: LeadField, parameter: &str| -> Result<FieldName> {
        match describe {
            Some(d) if !d.has(field) => Err(Error::invalid(
                parameter,
                format!(
                    "the Lead field `{}` is hidden from the connected Salesforce user (field-level security), so this filter cannot be applied; grant read access to the field or remove the filter",
                    field.api_name()
                ),
            )),
            _ => Ok(field.into()),
        }
    };
    let text = |lead_field: LeadField,
                parameter: &str,
                value: &Option<String>|
     -> Result<Option<Condition>> {
        value
            .as_ref()
            .map(|v| {
                Ok(Condition::compare(
                    field(lead_field, parameter)?,
                    Comparison::Eq,
                    Literal::text(v.as_str()),
                ))
            })
            .transpose()
    };
    let id = |lead_field: LeadField,
              parameter: &str,
              value: &Option<String>|
     -> Result<Option<Condition>> {
        value
            .as_ref()
            .map(|v| {
                let v = v.trim();
                if !is_salesforce_id(v) {
                    return Err(Error::invalid(
                        parameter,
                        format!("`{v}` is not a Salesforce id; ids are 15 or 18 letters and digits, like 005xx000001Sv6dAAC"),
                    ));
                }
                Ok(Condition::compare(field(lead_field, parameter)?, Comparison::Eq, Literal::text(v)))
            })
            .transpose()
    };

    let plain = [
        id(LeadField::OwnerId, "owner[id]", &filters.owner_id)?,
        id(
            LeadField::ConvertedAccountId,
            "account[id]",
            &filters.account_id,
        )?,
        text(LeadField::Name, "name", &filters.name)?,
        text(LeadField::Country, "country", &filters.country)?,
        text(LeadField::State, "state", &filters.state)?,
        text(LeadField::LeadSource, "lead_source", &filters.lead_source)?,
    ];
    for condition in plain.into_iter().flatten() {
        select.and(condition);
    }

    for (range, lead_field, name) in [
        (&filters.created_at, LeadField::CreatedDate, "created_at"),
        (
            &filters.updated_at,
            LeadField::LastModifiedDate,
            "updated_at",
        ),
    ] {
        for (op, at) in range.bounds() {
            let (cmp, at) = date_time_bound(op, at)
                .map_err(|why| Error::invalid(format!("{name}[{}]", op.as_str()), why))?;
            select.and(Condition::compare(
                field(lead_field, name)?,
                cmp,
                Literal::date_time(at),
            ));
        }
    }
    for condition in converted_at_conditions(&filters.converted_at, &field)? {
        select.and(condition);
    }

    // The field is required only when the filter is given: a hidden `Email` must not fail
    // requests that do not filter on it.
    if !filters.email_addresses.is_empty() {
        let emails = filters
            .email_addresses
            .iter()
            .map(|e| Literal::text(e.as_str()))
            .collect();
        if let Some(condition) =
            Condition::any_of(field(LeadField::Email, "email_addresses")?, emails)
        {
            select.and(condition);
        }
    }

    for (name, value) in &filters.custom_fields {
        let parameter = format!("custom_fields[{name}]");
        let describe = describe.ok_or_else(|| {
            Error::invalid(
                &parameter,
                "custom fields need the Lead describe result, which was not loaded",
            )
        })?;
        let described = describe.custom_field(name).ok_or_else(|| {
            Error::invalid(
                &parameter,
                format!(
                    "the Salesforce Lead object has no custom field `{name}` visible to the connected user; available custom fields: {}",
                    describe.custom_field_list()
                ),
            )
        })?;
        if !described.filterable {
            return Err(Error::invalid(
                &parameter,
                format!("Salesforce cannot filter on `{}` (a {} field is not filterable in SOQL); remove this filter", described.name, described.kind),
            ));
        }
        let literal =
            custom_literal(described, value).map_err(|why| Error::invalid(&parameter, why))?;
        let name = FieldName::described(&described.name, describe)
            .ok_or_else(|| Error::invalid(&parameter, "not a custom field name"))?;
        select.and(Condition::compare(name, Comparison::Eq, literal));
    }

    if let Some(after) = after_id {
        select.and(Condition::compare(
            LeadField::Id,
            Comparison::Gt,
            Literal::text(after),
        ));
    }
    Ok(select.render())
}

/// The explicit SELECT list: the standard fields (only those describe lists, when it was loaded:
/// selecting a field hidden by field-level security fails the query), plus every custom field
/// when the caller asked for them.
fn selected_fields(filters: &LeadFilters, describe: Option<&LeadDescribe>) -> Vec<FieldName> {
    let mut fields: Vec<FieldName> = SELECTED_FIELDS
        .iter()
        .filter(|f| **f == LeadField::Id || describe.is_none_or(|d| d.has(**f)))
        .map(|f| FieldName::from(*f))
        .collect();
    if filters.include_custom_fields {
        if let Some(d) = describe {
            fields.extend(
                d.custom_fields()
                    .filter_map(|f| FieldName::described(&f.name, d)),
            );
        }
    }
    fields
}

/// Maps a date-time bound onto SOQL. SOQL date-time literals have whole seconds and Salesforce
/// stores date-times to the second, so a bound with a fraction is rounded to the bound that
/// selects exactly the same whole-second values (`> 10:00:00.5` is `> 10:00:00`, `< 10:00:00.5`
/// is `<= 10:00:00`). Equality with a fraction can never match and is refused.
fn date_time_bound(op: Operator, at: Timestamp) -> Result<(Comparison, DateTime<Utc>), String> {
    let whole = at.0.with_nanosecond(0).unwrap_or(at.0);
    let fraction = whole != at.0;
    Ok(match (op, fraction) {
        (Operator::Eq, false) => (Comparison::Eq, whole),
        (Operator::Eq, true) => {
            return Err(format!(
                "`{at}` has a fraction of a second, but Salesforce date-times are whole seconds, so equality can never match; use a whole second or a gte/lt range"
            ))
        }
        (Operator::Gt, _) => (Comparison::Gt, whole),
        (Operator::Gte, false) => (Comparison::Gte, whole),
        (Operator::Gte, true) => (Comparison::Gt, whole),
        (Operator::Lt, false) => (Comparison::Lt, whole),
        (Operator::Lt, true) => (Comparison::Lte, whole),
        (Operator::Lte, _) => (Comparison::Lte, whole),
    })
}

/// `ConvertedDate` is a date, reported as midnight UTC of that day. A bound `t` keeps exactly the
/// dates whose midnight satisfies it: with `d` the UTC date of `t`, `> t` is `> d`; `>= t` is
/// `>= d` at midnight and `> d` otherwise; `< t` is `< d` at midnight and `<= d` otherwise; `<= t`
/// is `<= d`; `= t` is `= d` at midnight and is refused otherwise (no date's midnight can match).
fn date_bound(op: Operator, at: Timestamp) -> Result<(Comparison, NaiveDate), String> {
    let day = at.0.date_naive();
    let midnight = at.0.time() == chrono::NaiveTime::MIN;
    Ok(match (op, midnight) {
        (Operator::Eq, true) => (Comparison::Eq, day),
        (Operator::Eq, false) => {
            return Err(format!(
                "Salesforce stores ConvertedDate as a date, which this API reports as midnight UTC, so `{at}` can never match; use a midnight UTC value such as {} or a gte/lt range",
                day.format("%Y-%m-%d")
            ))
        }
        (Operator::Gt, _) => (Comparison::Gt, day),
        (Operator::Gte, true) => (Comparison::Gte, day),
        (Operator::Gte, false) => (Comparison::Gt, day),
        (Operator::Lt, true) => (Comparison::Lt, day),
        (Operator::Lt, false) => (Comparison::Lte, day),
        (Operator::Lte, _) => (Comparison::Lte, day),
    })
}

fn converted_at_conditions(
    range: &TimeRange,
    field: &dyn Fn(LeadField, &str) -> Result<FieldName>,
) -> Result<Vec<Condition>> {
    range
        .bounds()
        .map(|(op, at)| {
            let (cmp, day) = date_bound(op, at)
                .map_err(|why| Error::invalid(format!("converted_at[{}]", op.as_str()), why))?;
            Ok(Condition::compare(
                field(LeadField::ConvertedDate, "converted_at")?,
                cmp,
                Literal::date(day),
            ))
        })
        .collect()
}

/// Types a custom field filter value by the field's describe type where a typed literal is needed
/// (booleans, numbers, dates, date-times); every other type compares as a string literal.
fn custom_literal(field: &DescribedField, value: &str) -> Result<Literal, String> {
    let value_trimmed = value.trim();
    match field.kind.as_str() {
        "boolean" => match value_trimmed.to_ascii_lowercase().as_str() {
            "true" => Ok(Literal::boolean(true)),
            "false" => Ok(Literal::boolean(false)),
            _ => Err(format!(
                "`{}` is a checkbox; use true or false, not `{value}`",
                field.name
            )),
        },
        "int" | "long" | "double" | "currency" | "percent" => Literal::number(value_trimmed)
            .ok_or_else(|| {
                format!(
                    "`{}` is a {} field; use a number such as 42 or -3.5, not `{value}`",
                    field.name, field.kind
                )
            }),
        "date" => NaiveDate::parse_from_str(value_trimmed, "%Y-%m-%d")
            .ok()
            .filter(|_| value_trimmed.len() == 10)
            .map(Literal::date)
            .ok_or_else(|| {
                format!(
                    "`{}` is a date field; use YYYY-MM-DD, not `{value}`",
                    field.name
                )
            }),
        "datetime" => {
            let at = parse_datetime(value_trimmed).map_err(|e| e.to_string())?;
            let (_, whole) = date_time_bound(Operator::Eq, at)?;
            Ok(Literal::date_time(whole))
        }
        _ => Ok(Literal::text(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::time::parse_datetime;
    use std::collections::BTreeMap;

    const BASE: &str = "SELECT Id, OwnerId, Name, FirstName, LastName, Title, Company, LeadSource, Status, Street, City, State, PostalCode, Country, Email, Phone, MobilePhone, Fax, IsConverted, ConvertedDate, ConvertedAccountId, ConvertedContactId, ConvertedOpportunityId, CreatedDate, LastModifiedDate FROM Lead";

    fn describe() -> LeadDescribe {
        let mut fields: Vec<DescribedField> = SELECTED_FIELDS
            .iter()
            .map(|f| DescribedField {
                name: f.api_name().into(),
                kind: "string".into(),
                custom: false,
                filterable: true,
            })
            .collect();
        for (name, kind, filterable) in [
            ("Nickname__c", "string", true),
            ("Score__c", "double", true),
            ("Vip__c", "boolean", true),
            ("Met_On__c", "date", true),
            ("Last_Call__c", "datetime", true),
            ("Notes__c", "textarea", false),
        ] {
            fields.push(DescribedField {
                name: name.into(),
                kind: kind.into(),
                custom: true,
                filterable,
            });
        }
        LeadDescribe { fields }
    }

    fn time(s: &str) -> Timestamp {
        parse_datetime(s).unwrap()
    }

    fn where_clause(filters: &LeadFilters) -> Result<String> {
        let soql = build_soql(filters, Some(&describe()), None)?;
        let rest = soql.split(" FROM Lead").nth(1).unwrap_or_default();
        Ok(rest.trim_end_matches(" ORDER BY Id ASC").trim().to_owned())
    }

    #[test]
    fn no_filters() {
        assert_eq!(
            build_soql(&LeadFilters::default(), None, None).unwrap(),
            format!("{BASE} ORDER BY Id ASC")
        );
        assert_eq!(
            build_soql(&LeadFilters::default(), None, Some("00QFK00000Ld0002AA")).unwrap(),
            format!("{BASE} WHERE Id > '00QFK00000Ld0002AA' ORDER BY Id ASC")
        );
    }

    #[test]
    fn ids_are_validated() {
        for bad in [
            "5",
            "005' OR Name != '",
            "005FK00000Us0001A",
            "005FK00000Us0001AAAA",
        ] {
            let filters = LeadFilters {
                owner_id: Some(bad.into()),
                ..Default::default()
            };
            let err = build_soql(&filters, None, None).unwrap_err();
            assert_eq!(err.http_status(), 400);
            assert!(err.to_string().contains("owner[id]"), "{err}");
        }
        let filters = LeadFilters {
            account_id: Some("001FK00000Ac001".into()),
            ..Default::default()
        };
        assert_eq!(
            where_clause(&filters).unwrap(),
            "WHERE ConvertedAccountId = '001FK00000Ac001'"
        );
    }

    #[test]
    fn date_time_bounds() {
        let mut filters = LeadFilters::default();
        filters.created_at.gte = Some(time("2024-01-01T00:00:00Z"));
        filters.created_at.lt = Some(time("2024-02-01T00:00:00.250+01:00"));
        filters.updated_at.gt = Some(time("2024-03-01T10:00:00.999Z"));
        filters.updated_at.lte = Some(time("2024-03-02"));
        assert_eq!(
            where_clause(&filters).unwrap(),
            "WHERE CreatedDate >= 2024-01-01T00:00:00Z AND CreatedDate <= 2024-01-31T23:00:00Z AND LastModifiedDate > 2024-03-01T10:00:00Z AND LastModifiedDate <= 2024-03-02T00:00:00Z"
        );
        let mut filters = LeadFilters::default();
        filters.created_at.gte = Some(time("2024-01-01T00:00:00.5Z"));
        filters.updated_at.eq = Some(time("2024-01-01T00:00:00Z"));
        assert_eq!(
            where_clause(&filters).unwrap(),
            "WHERE CreatedDate > 2024-01-01T00:00:00Z AND LastModifiedDate = 2024-01-01T00:00:00Z"
        );
        let mut filters = LeadFilters::default();
        filters.created_at.eq = Some(time("2024-01-01T00:00:00.5Z"));
        let err = where_clause(&filters).unwrap_err();
        assert!(err.to_string().contains("created_at[eq]"), "{err}");
    }

    #[test]
    fn converted_at_uses_dates_with_exact_edges() {
        let cases = [
            (Operator::Gt, "2024-01-10T00:00:00Z", "> 2024-01-10"),
            (Operator::Gt, "2024-01-10T12:00:00Z", "> 2024-01-10"),
            (Operator::Gte, "2024-01-10T00:00:00Z", ">= 2024-01-10"),
            (Operator::Gte, "2024-01-10T12:00:00Z", "> 2024-01-10"),
            (Operator::Lt, "2024-01-10T00:00:00Z", "< 2024-01-10"),
            (Operator::Lt, "2024-01-10T00:00:00.001Z", "<= 2024-01-10"),
            (Operator::Lte, "2024-01-10T23:59:59Z", "<= 2024-01-10"),
            (Operator::Eq, "2024-01-10", "= 2024-01-10"),
            // Offsets are converted to UTC first.
            (Operator::Gte, "2024-01-10T01:00:00+02:00", "> 2024-01-09"),
        ];
        for (op, at, expected) in cases {
            let mut filters = LeadFilters::default();
            *filters.converted_at.slot(op) = Some(time(at));
            assert_eq!(
                where_clause(&filters).unwrap(),
                format!("WHERE ConvertedDate {expected}"),
                "{op:?} {at}"
            );
        }
        let mut filters = LeadFilters::default();
        filters.converted_at.eq = Some(time("2024-01-10T12:00:00Z"));
        let err = where_clause(&filters).unwrap_err();
        assert!(err.to_string().contains("converted_at[eq]"), "{err}");
    }

    /// Brute force: for every bound and every date around it, the SOQL date comparison agrees
    /// with comparing the date's midnight UTC against the bound.
    #[test]
    fn converted_at_edges_match_midnight_semantics() {
        let bounds = [
            "2024-01-10T00:00:00Z",
            "2024-01-10T00:00:01Z",
            "2024-01-10T23:59:59.999Z",
        ];
        for bound in bounds {
            let t = time(bound);
            for op in [
                Operator::Gt,
                Operator::Gte,
                Operator::Lt,
                Operator::Lte,
                Operator::Eq,
            ] {
                let Ok((cmp, day)) = date_bound(op, t) else {
                    assert_eq!(op, Operator::Eq);
                    continue;
                };
                for offset in -2..=2 {
                    let d = day + chrono::Duration::days(offset);
                    let midnight = d.and_time(chrono::NaiveTime::MIN).and_utc();
                    let want = match op {
                        Operator::Gt => midnight > t.0,
                        Operator::Gte => midnight >= t.0,
                        Operator::Lt => midnight < t.0,
                        Operator::Lte => midnight <= t.0,
                        Operator::Eq => midnight == t.0,
                    };
                    let got = match cmp {
                        Comparison::Gt => d > day,
                        Comparison::Gte => d >= day,
                        Comparison::Lt => d < day,
                        Comparison::Lte => d <= day,
                        Comparison::Eq => d == day,
                    };
                    assert_eq!(got, want, "{op:?} {bound} on {d}");
                }
            }
        }
    }

    #[test]
    fn emails_and_text_filters() {
        let filters = LeadFilters {
            name: Some("O'Brien".into()),
            country: Some("Côte d'Ivoire".into()),
            state: Some("New\nYork".into()),
            lead_source: Some("Web_100%".into()),
            email_addresses: vec!["o'brien@example.com".into(), "b@example.com".into()],
            ..Default::default()
        };
        assert_eq!(
            where_clause(&filters).unwrap(),
            r"WHERE Name = 'O\'Brien' AND Country = 'Côte d\'Ivoire' AND State = 'New\nYork' AND LeadSource = 'Web_100%' AND Email IN ('o\'brien@example.com', 'b@example.com')"
        );
    }

    #[test]
    fn custom_fields_are_typed_by_describe() {
        let filters = LeadFilters {
            custom_fields: BTreeMap::from([
                ("nickname__c".into(), "Zoë \"Z\" O'Neil".into()),
                ("Score__c".into(), "-3.5".into()),
                ("Vip__c".into(), "TRUE".into()),
                ("Met_On__c".into(), "2024-05-06".into()),
                ("Last_Call__c".into(), "2024-05-06T07:08:09+02:00".into()),
            ]),
            ..Default::default()
        };
        assert_eq!(
            where_clause(&filters).unwrap(),
            r#"WHERE Last_Call__c = 2024-05-06T05:08:09Z AND Met_On__c = 2024-05-06 AND Score__c = -3.5 AND Vip__c = true AND Nickname__c = 'Zoë \"Z\" O\'Neil'"#
        );
        for (name, value, needle) in [
            ("Score__c", "1 OR Id != null", "number"),
            ("Vip__c", "yes", "true or false"),
            ("Met_On__c", "2024-5-6", "YYYY-MM-DD"),
            ("Notes__c", "x", "not filterable"),
            ("Missing__c", "x", "available custom fields: Nickname__c, Score__c, Vip__c, Met_On__c, Last_Call__c, Notes__c"),
            ("Name", "x", "no custom field `Name`"),
            ("Bad' OR Name != '__c", "x", "no custom field"),
        ] {
            let filters = LeadFilters {
                custom_fields: BTreeMap::from([(name.into(), value.into())]),
                ..Default::default()
            };
            let err = where_clause(&filters).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains(&format!("custom_fields[{name}]")) && msg.contains(needle), "{msg}");
        }
    }

    #[test]
    fn describe_limits_the_select_list_and_adds_custom_fields() {
        let mut d = describe();
        d.fields.retain(|f| f.name != "Fax" && f.name != "Country");
        let filters = LeadFilters {
            include_custom_fields: true,
            ..Default::default()
        };
        let soql = build_soql(&filters, Some(&d), None).unwrap();
        assert!(!soql.contains("Fax") && !soql.contains("Country"), "{soql}");
        assert!(soql.contains("LastModifiedDate, Nickname__c, Score__c, Vip__c, Met_On__c, Last_Call__c, Notes__c FROM Lead"), "{soql}");
        let filters = LeadFilters {
            country: Some("US".into()),
            include_custom_fields: true,
            ..Default::default()
        };
        let err = build_soql(&filters, Some(&d), None).unwrap_err();
        assert!(err.to_string().contains("`Country` is hidden"), "{err}");
    }

    #[test]
    fn a_hidden_field_is_required_only_by_the_filter_that_uses_it() {
        let mut d = describe();
        d.fields.retain(|f| f.name != "Email");
        for filters in [
            LeadFilters {
                include_custom_fields: true,
                ..Default::default()
            },
            LeadFilters {
                custom_fields: [("Score__c".to_owned(), "5".to_owned())].into(),
                ..Default::default()
            },
        ] {
            let soql = build_soql(&filters, Some(&d), None).unwrap();
            assert!(!soql.contains("Email"), "{soql}");
        }
        let filters = LeadFilters {
            email_addresses: vec!["a@example.com".into()],
            ..Default::default()
        };
        let err = build_soql(&filters, Some(&d), None).unwrap_err();
        assert!(err.to_string().contains("`Email` is hidden"), "{err}");
        assert!(err.to_string().contains("`email_addresses`"), "{err}");
    }

    /// No declared filter is silently ignored: each one, with each declared operator, changes the
    /// query.
    #[test]
    fn every_declared_filter_changes_the_query() {
        use crm_core::FilterKey;
        let d = describe();
        let base = build_soql(&LeadFilters::default(), Some(&d), None).unwrap();
        for support in crate::CAPABILITIES.filters {
            for op in support.operators {
                let mut f = LeadFilters::default();
                match support.filter {
                    FilterKey::OwnerId => f.owner_id = Some("005FK00000Us0001AA".into()),
                    FilterKey::AccountId => f.account_id = Some("001FK00000Ac0001AA".into()),
                    FilterKey::Name => f.name = Some("x".into()),
                    FilterKey::Country => f.country = Some("x".into()),
                    FilterKey::State => f.state = Some("x".into()),
                    FilterKey::LeadSource => f.lead_source = Some("x".into()),
                    FilterKey::CreatedAt => *f.created_at.slot(*op) = Some(time("2024-01-01")),
                    FilterKey::UpdatedAt => *f.updated_at.slot(*op) = Some(time("2024-01-01")),
                    FilterKey::ConvertedAt => *f.converted_at.slot(*op) = Some(time("2024-01-01")),
                    FilterKey::EmailAddresses => f.email_addresses = vec!["a@example.com".into()],
                    FilterKey::IncludeCustomFields => f.include_custom_fields = true,
                    FilterKey::CustomFields => {
                        f.custom_fields = BTreeMap::from([("Nickname__c".into(), "x".into())])
                    }
                    other => panic!("`{other}` is declared but not translated"),
                }
                let soql = build_soql(&f, Some(&d), None).unwrap();
                assert_ne!(soql, base, "{} {op:?}", support.filter);
            }
        }
    }

    #[test]
    fn remote_query_cannot_replace_the_query() {
        let query = |key: &str| crm_core::LeadQuery {
            remote_query: vec![(key.into(), "x".into())],
            ..Default::default()
        };
        assert!(crate::CAPABILITIES.validate(&query("foo")).is_ok());
        for key in ["q", "Q", "explain", " Explain", "%71"] {
            let err = crate::CAPABILITIES.validate(&query(key)).unwrap_err();
            assert!(err.to_string().contains(&format!("remote_query[{key}]")));
        }
    }

    mod structure {
        //! Property: no filter value can change the structure of the query. The SOQL is read back
        //! with a tokenizer written independently of the builder; outside string literals the token
        //! sequence must be the same whatever the values, and every literal must decode back to the
        //! value it came from.
        use super::*;
        use proptest::prelude::*;

        #[derive(Debug, Clone, PartialEq, Eq)]
        enum Token {
            Word(String),
            Symbol(char),
            Literal,
        }

        fn tokenize(soql: &str) -> Result<(Vec<Token>, Vec<String>), String> {
            let mut tokens = Vec::new();
            let mut literals = Vec::new();
            let mut chars = soql.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    c if c.is_whitespace() => {}
                    '\'' => {
                        let mut value = String::new();
                        loop {
                            match chars.next() {
                                None => return Err("unterminated string literal".into()),
                                Some('\'') => break,
                                Some('\\') => value.push(match chars.next() {
                                    Some('n') => '\n',
                                    Some('r') => '\r',
                                    Some('t') => '\t',
                                    Some('b') => '\u{8}',
                                    Some('f') => '\u{c}',
                                    Some(e @ ('\\' | '\'' | '"')) => e,
                                    other => return Err(format!("invalid escape {other:?}")),
                                }),
                                Some(other) => value.push(other),
                            }
                        }
                        tokens.push(Token::Literal);
                        literals.push(value);
                    }
                    '(' | ')' | ',' | '=' | '<' | '>' | '!' => tokens.push(Token::Symbol(c)),
                    c if c.is_ascii_alphanumeric() || "_.:-".contains(c) => {
                        let mut word = c.to_string();
                        while let Some(&n) = chars.peek() {
                            if n.is_ascii_alphanumeric() || "_.:-".contains(n) {
                                word.push(n);
                                chars.next();
                            } else {
                                break;
                            }
                        }
                        tokens.push(Token::Word(word));
                    }
                    other => return Err(format!("unexpected {other:?} outside a literal")),
                }
            }
            Ok((tokens, literals))
        }

        fn value() -> impl Strategy<Value = String> {
            prop_oneof![
                any::<String>(),
                "[\\\\'\"%_\n\r\t\u{8}\u{c}() ,=<>!aZé漢]{0,24}",
                Just("' OR Name != '".to_owned()),
                Just("\\' OR Id != null OR Name = \\'".to_owned()),
            ]
        }

        fn filters(v: &[String], emails: &[String]) -> LeadFilters {
            LeadFilters {
                name: Some(v[0].clone()),
                country: Some(v[1].clone()),
                state: Some(v[2].clone()),
                lead_source: Some(v[3].clone()),
                email_addresses: emails.to_vec(),
                custom_fields: BTreeMap::from([("Nickname__c".to_owned(), v[4].clone())]),
                include_custom_fields: true,
                ..Default::default()
            }
        }

        proptest! {
            #[test]
            fn values_never_change_the_query_structure(
                values in proptest::collection::vec(value(), 5),
                emails in proptest::collection::vec(value(), 1..4),
            ) {
                let d = describe();
                let soql = build_soql(&filters(&values, &emails), Some(&d), None).unwrap();
                let placeholders = vec!["x".to_owned(); 5];
                let baseline = build_soql(&filters(&placeholders, &vec!["x".to_owned(); emails.len()]), Some(&d), None).unwrap();
                let (tokens, literals) = tokenize(&soql).map_err(TestCaseError::fail)?;
                let (base_tokens, _) = tokenize(&baseline).map_err(TestCaseError::fail)?;
                prop_assert_eq!(tokens, base_tokens);
                let mut expected = values[..4].to_vec();
                expected.extend(emails.iter().cloned());
                expected.push(values[4].clone());
                prop_assert_eq!(literals, expected);
            }
        }

        #[test]
        fn the_tokenizer_sees_an_injection_when_escaping_is_missing() {
            // Guard against a tokenizer that would accept anything.
            let naive = format!("{BASE} WHERE Name = 'a' OR Name != 'b' ORDER BY Id ASC");
            let safe = build_soql(
                &LeadFilters {
                    name: Some("a' OR Name != 'b".into()),
                    ..Default::default()
                },
                None,
                None,
            )
            .unwrap();
            let (naive_tokens, _) = tokenize(&naive).unwrap();
            let (safe_tokens, literals) = tokenize(&safe).unwrap();
            assert_ne!(naive_tokens, safe_tokens);
            assert_eq!(literals, vec!["a' OR Name != 'b".to_owned()]);
        }
    }
}
