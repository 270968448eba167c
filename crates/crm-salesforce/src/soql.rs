//! The one place SOQL text is written.
//!
//! Caller data reaches a query only as a [`Literal`], which is escaped (strings) or formatted from a
//! parsed value (date-times, dates, numbers, booleans), so no value can change the query's
//! structure. Field names come only from the fixed [`LeadField`] allow-list or from the Lead
//! describe result ([`FieldName::described`]); nothing else can name a field.

use crate::describe::LeadDescribe;
use chrono::{DateTime, NaiveDate, Utc};
use std::borrow::Cow;
use std::fmt::Write as _;

/// Standard Lead fields this connector selects or filters on: the fixed allow-list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeadField {
    Id,
    OwnerId,
    Name,
    FirstName,
    LastName,
    Title,
    Company,
    LeadSource,
    Status,
    Street,
    City,
    State,
    PostalCode,
    Country,
    Email,
    Phone,
    MobilePhone,
    Fax,
    IsConverted,
    ConvertedDate,
    ConvertedAccountId,
    ConvertedContactId,
    ConvertedOpportunityId,
    CreatedDate,
    LastModifiedDate,
}

impl LeadField {
    /// The field's API name.
    pub const fn api_name(self) -> &'static str {
        match self {
            LeadField::Id => "Id",
            LeadField::OwnerId => "OwnerId",
            LeadField::Name => "Name",
            LeadField::FirstName => "FirstName",
            LeadField::LastName => "LastName",
            LeadField::Title => "Title",
            LeadField::Company => "Company",
            LeadField::LeadSource => "LeadSource",
            LeadField::Status => "Status",
            LeadField::Street => "Street",
            LeadField::City => "City",
            LeadField::State => "State",
            LeadField::PostalCode => "PostalCode",
            LeadField::Country => "Country",
            LeadField::Email => "Email",
            LeadField::Phone => "Phone",
            LeadField::MobilePhone => "MobilePhone",
            LeadField::Fax => "Fax",
            LeadField::IsConverted => "IsConverted",
            LeadField::ConvertedDate => "ConvertedDate",
            LeadField::ConvertedAccountId => "ConvertedAccountId",
            LeadField::ConvertedContactId => "ConvertedContactId",
            LeadField::ConvertedOpportunityId => "ConvertedOpportunityId",
            LeadField::CreatedDate => "CreatedDate",
            LeadField::LastModifiedDate => "LastModifiedDate",
        }
    }
}

/// True for a well-formed custom field API name: letters, digits and single underscores, an
/// optional managed-package namespace (`ns__`), ending in `__c`. At most 100 characters.
pub fn is_custom_field_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix("__c") else {
        return false;
    };
    if name.len() > 100 || stem.is_empty() {
        return false;
    }
    let mut parts = stem.split("__");
    let (Some(first), second, None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let word_ok = |w: &str| {
        w.starts_with(|c: char| c.is_ascii_alphabetic())
            && !w.ends_with('_')
            && !w.contains("__")
            && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    word_ok(first) && second.is_none_or(word_ok)
}

/// A field name that may appear in a query: from the allow-list or from describe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldName(Cow<'static, str>);

impl FieldName {
    /// A custom field that the Lead describe result lists, spelled as describe spells it. `None`
    /// when describe does not list it (or its name is not a well-formed custom field name).
    pub fn described(name: &str, describe: &LeadDescribe) -> Option<FieldName> {
        describe
            .custom_field(name)
            .map(|field| FieldName(Cow::Owned(field.name.clone())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<LeadField> for FieldName {
    fn from(field: LeadField) -> Self {
        FieldName(Cow::Borrowed(field.api_name()))
    }
}

/// A value in a query, always written in a form that cannot end the surrounding syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal(LiteralRepr);

#[derive(Debug, Clone, PartialEq, Eq)]
enum LiteralRepr {
    Text(String),
    DateTime(DateTime<Utc>),
    Date(NaiveDate),
    Number(String),
    Boolean(bool),
}

impl Literal {
    /// A string literal: single-quoted, with `\ ' "` and `\n \r \t \b \f` backslash-escaped.
    pub fn text(value: impl Into<String>) -> Literal {
        Literal(LiteralRepr::Text(value.into()))
    }

    /// A date-time literal, unquoted, in UTC, to the second (`2024-01-01T00:00:00Z`). SOQL
    /// date-time literals carry no fraction; callers round bounds to whole seconds first.
    pub fn date_time(value: DateTime<Utc>) -> Literal {
        Literal(LiteralRepr::DateTime(value))
    }

    /// A date literal, unquoted (`2024-01-01`), for date fields such as `ConvertedDate`.
    pub fn date(value: NaiveDate) -> Literal {
        Literal(LiteralRepr::Date(value))
    }

    /// A number literal; `None` unless `value` is an optional `-` and digits with at most one
    /// decimal point (`42`, `-3.5`).
    pub fn number(value: &str) -> Option<Literal> {
        let digits = value.strip_prefix('-').unwrap_or(value);
        let (int, frac) = match digits.split_once('.') {
            Some((int, frac)) => (int, Some(frac)),
            None => (digits, None),
        };
        let all_digits =
            |s: &str| !s.is_empty() && s.len() <= 40 && s.bytes().all(|b| b.is_ascii_digit());
        (all_digits(int) && frac.is_none_or(all_digits))
            .then(|| Literal(LiteralRepr::Number(value.to_owned())))
    }

    pub fn boolean(value: bool) -> Literal {
        Literal(LiteralRepr::Boolean(value))
    }

    fn write(&self, out: &mut String) {
        match &self.0 {
            LiteralRepr::Text(value) => push_quoted(out, value, false),
            LiteralRepr::DateTime(value) => {
                let _ = write!(out, "{}", value.format("%Y-%m-%dT%H:%M:%SZ"));
            }
            LiteralRepr::Date(value) => {
                let _ = write!(out, "{}", value.format("%Y-%m-%d"));
            }
            LiteralRepr::Number(value) => out.push_str(value),
            LiteralRepr::Boolean(value) => out.push_str(if *value { "true" } else { "false" }),
        }
    }
}

/// Writes `value` as a single-quoted SOQL string. Inside a LIKE pattern `%` and `_` are escaped
/// too, so they match themselves instead of acting as wildcards.
fn push_quoted(out: &mut String, value: &str, like: bool) {
    out.reserve(value.len() + 2);
    out.push('\'');
    for ch in value.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '%' if like => out.push_str("\\%"),
            '_' if like => out.push_str("\\_"),
            other => out.push(other),
        }
    }
    out.push('\'');
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Eq,
    Gt,
    Gte,
    Lt,
    Lte,
}

impl Comparison {
    fn symbol(self) -> &'static str {
        match self {
            Comparison::Eq => "=",
            Comparison::Gt => ">",
            Comparison::Gte => ">=",
            Comparison::Lt => "<",
            Comparison::Lte => "<=",
        }
    }
}

/// One condition of a WHERE clause; conditions are joined with AND.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition(ConditionRepr);

#[derive(Debug, Clone, PartialEq, Eq)]
enum ConditionRepr {
    Compare(FieldName, Comparison, Literal),
    AnyOf(FieldName, Vec<Literal>),
    StartsWith(FieldName, String),
}

impl Condition {
    /// `field <op> literal`.
    pub fn compare(field: impl Into<FieldName>, op: Comparison, value: Literal) -> Condition {
        Condition(ConditionRepr::Compare(field.into(), op, value))
    }

    /// `field IN (a, b, ...)`; `None` for an empty list (`IN ()` is not valid SOQL).
    pub fn any_of(field: impl Into<FieldName>, values: Vec<Literal>) -> Option<Condition> {
        (!values.is_empty()).then(|| Condition(ConditionRepr::AnyOf(field.into(), values)))
    }

    /// `field LIKE 'prefix%'`, with `%` and `_` in the prefix matching themselves.
    pub fn starts_with(field: impl Into<FieldName>, prefix: impl Into<String>) -> Condition {
        Condition(ConditionRepr::StartsWith(field.into(), prefix.into()))
    }

    fn write(&self, out: &mut String) {
        match &self.0 {
            ConditionRepr::Compare(field, op, value) => {
                out.push_str(field.as_str());
                out.push(' ');
                out.push_str(op.symbol());
                out.push(' ');
                value.write(out);
            }
            ConditionRepr::AnyOf(field, values) => {
                out.push_str(field.as_str());
                out.push_str(" IN (");
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    value.write(out);
                }
                out.push(')');
            }
            ConditionRepr::StartsWith(field, prefix) => {
                out.push_str(field.as_str());
                out.push_str(" LIKE ");
                let mut pattern = String::new();
                push_quoted(&mut pattern, prefix, true);
                // Insert the wildcard before the closing quote.
                pattern.pop();
                pattern.push_str("%'");
                out.push_str(&pattern);
            }
        }
    }
}

/// `SELECT <fields> FROM Lead [WHERE a AND b ...] ORDER BY <field> ASC`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadSelect {
    fields: Vec<FieldName>,
    conditions: Vec<Condition>,
    order_by: FieldName,
}

impl LeadSelect {
    /// Selects `fields` (an explicit list; `FIELDS(ALL)` is never written), ordered by `order_by`.
    pub fn new(fields: Vec<FieldName>, order_by: impl Into<FieldName>) -> LeadSelect {
        LeadSelect {
            fields,
            conditions: Vec::new(),
            order_by: order_by.into(),
        }
    }

    /// Adds a condition (all conditions must hold).
    pub fn and(&mut self, condition: Condition) {
        self.conditions.push(condition);
    }

    pub fn render(&self) -> String {
        let mut out = String::with_capacity(512);
        out.push_str("SELECT ");
        for (i, field) in self.fields.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(field.as_str());
        }
        out.push_str(" FROM Lead");
        for (i, condition) in self.conditions.iter().enumerate() {
            out.push_str(if i == 0 { " WHERE " } else { " AND " });
            condition.write(&mut out);
        }
        out.push_str(" ORDER BY ");
        out.push_str(self.order_by.as_str());
        out.push_str(" ASC");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn render(condition: Condition) -> String {
        let mut out = String::new();
        condition.write(&mut out);
        out
    }

    #[test]
    fn text_literals_escape_every_special_character() {
        let c = Condition::compare(
            LeadField::Name,
            Comparison::Eq,
            Literal::text("O'Brien \\ \"q\" %_\n\r\t\u{8}\u{c} Zoë"),
        );
        assert_eq!(render(c), r#"Name = 'O\'Brien \\ \"q\" %_\n\r\t\b\f Zoë'"#);
    }

    #[test]
    fn like_escapes_wildcards_too() {
        let c = Condition::starts_with(LeadField::Company, "100%_sure'");
        assert_eq!(render(c), r#"Company LIKE '100\%\_sure\'%'"#);
    }

    #[test]
    fn date_time_and_date_literals_are_unquoted() {
        let t = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(
            render(Condition::compare(
                LeadField::CreatedDate,
                Comparison::Gte,
                Literal::date_time(t)
            )),
            "CreatedDate >= 2024-01-02T03:04:05Z"
        );
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(
            render(Condition::compare(
                LeadField::ConvertedDate,
                Comparison::Lt,
                Literal::date(d)
            )),
            "ConvertedDate < 2024-02-29"
        );
    }

    #[test]
    fn numbers_are_validated() {
        for ok in ["0", "42", "-3.5", "10.25"] {
            assert!(Literal::number(ok).is_some(), "{ok}");
        }
        for bad in [
            "",
            "-",
            "1.",
            ".5",
            "1e5",
            "1 OR Id != null",
            "0x10",
            "1.2.3",
            "+1",
        ] {
            assert!(Literal::number(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn in_lists_and_whole_queries() {
        assert!(Condition::any_of(LeadField::Email, vec![]).is_none());
        let mut select = LeadSelect::new(
            vec![LeadField::Id.into(), LeadField::Email.into()],
            LeadField::Id,
        );
        assert_eq!(
            select.render(),
            "SELECT Id, Email FROM Lead ORDER BY Id ASC"
        );
        select.and(
            Condition::any_of(
                LeadField::Email,
                vec![
                    Literal::text("a@example.com"),
                    Literal::text("o'b@example.com"),
                ],
            )
            .unwrap(),
        );
        select.and(Condition::compare(
            LeadField::IsConverted,
            Comparison::Eq,
            Literal::boolean(true),
        ));
        assert_eq!(
            select.render(),
            r"SELECT Id, Email FROM Lead WHERE Email IN ('a@example.com', 'o\'b@example.com') AND IsConverted = true ORDER BY Id ASC"
        );
    }

    #[test]
    fn custom_field_name_pattern() {
        for ok in ["Score__c", "Lead_Score__c", "ns__Score__c", "A1__c"] {
            assert!(is_custom_field_name(ok), "{ok}");
        }
        for bad in [
            "Score",
            "__c",
            "Score__C",
            "1Score__c",
            "Score___c",
            "a__b__Score__c",
            "Sco re__c",
            "Score'__c",
            "Score_ _c",
            "_Score__c",
            "Score_\n__c",
        ] {
            assert!(!is_custom_field_name(bad), "{bad}");
        }
        assert!(!is_custom_field_name(&format!("{}__c", "a".repeat(100))));
    }
}
