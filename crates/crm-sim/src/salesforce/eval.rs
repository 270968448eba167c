//! Binding a parsed SOQL query to the Lead schema (type-checking literals the way Salesforce does)
//! and evaluating it over records.
//!
//! Semantics, as in SOQL: text comparisons and LIKE are case-insensitive; an empty text value is
//! null, so `Email = ''` matches leads without an email; `!=` and `NOT IN` include nulls; ordered
//! comparisons never match nulls; ORDER BY puts nulls first unless `NULLS LAST`, and ties keep
//! storage order (so `ORDER BY CreatedDate, Id` pages never overlap).

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use super::schema::{self, FieldDef, FieldType};
use super::soql::{
    positioned, CompareOp, Condition, FieldRef, Literal, PatternPart, Query, SoqlError,
};

/// A typed value, from a record or a literal.
#[derive(Clone, Debug, PartialEq)]
enum Val {
    Null,
    Text(String),
    Num(f64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
}

/// A bound condition.
#[derive(Clone, Debug)]
enum Bound {
    And(Vec<Bound>),
    Or(Vec<Bound>),
    Not(Box<Bound>),
    Cmp(&'static FieldDef, CompareOp, Val),
    In(&'static FieldDef, bool, Vec<Val>),
    Like(&'static FieldDef, Vec<PatternPart>),
}

/// A query ready to run: resolved fields, checked literals.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub select: Vec<&'static FieldDef>,
    filter: Option<Bound>,
    order: Vec<(&'static FieldDef, bool, bool)>,
    limit: Option<u64>,
    offset: Option<u64>,
}

/// Salesforce's largest OFFSET.
const MAX_OFFSET: u64 = 2_000;

pub(crate) fn bind(soql: &str, q: &Query, hidden: &[String]) -> Result<Plan, SoqlError> {
    let chars: Vec<char> = soql.chars().collect();
    let invalid_field = |f: &FieldRef| {
        SoqlError {
        code: "INVALID_FIELD",
        message: positioned(
            &chars,
            f.pos,
            &format!(
                "No such column '{}' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
                f.name
            ),
        ),
    }
    };
    if !q.object.name.eq_ignore_ascii_case("Lead") {
        return Err(SoqlError {
            code: "INVALID_TYPE",
            message: positioned(
                &chars,
                q.object.pos,
                &format!(
                    "sObject type '{}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
                    q.object.name
                ),
            ),
        });
    }
    let resolve = |f: &FieldRef| {
        schema::field(&f.name, hidden)
            .map(|(_, d)| d)
            .ok_or_else(|| invalid_field(f))
    };
    let mut select: Vec<&'static FieldDef> = Vec::new();
    for f in &q.select {
        let def = resolve(f)?;
        if select.iter().any(|s| s.name == def.name) {
            return Err(SoqlError {
                code: "MALFORMED_QUERY",
                message: positioned(
                    &chars,
                    f.pos,
                    &format!("duplicate field selected: {}", def.name),
                ),
            });
        }
        select.push(def);
    }
    let filter = match &q.filter {
        Some(c) => Some(bind_condition(&chars, c, &resolve)?),
        None => None,
    };
    let mut order = Vec::new();
    for o in &q.order_by {
        let def = resolve(&o.field)?;
        if !def.filterable {
            return Err(SoqlError {
                code: "INVALID_FIELD",
                message: positioned(
                    &chars,
                    o.field.pos,
                    &format!("field '{}' can not be sorted in a query call", def.name),
                ),
            });
        }
        order.push((def, o.descending, o.nulls_last));
    }
    if q.offset.is_some_and(|o| o > MAX_OFFSET) {
        return Err(SoqlError {
            code: "NUMBER_OUTSIDE_VALID_RANGE",
            message: format!("Maximum SOQL offset allowed is {MAX_OFFSET}"),
        });
    }
    Ok(Plan {
        select,
        filter,
        order,
        limit: q.limit,
        offset: q.offset,
    })
}

fn bind_condition(
    chars: &[char],
    c: &Condition,
    resolve: &dyn Fn(&FieldRef) -> Result<&'static FieldDef, SoqlError>,
) -> Result<Bound, SoqlError> {
    let filterable = |f: &FieldRef| -> Result<&'static FieldDef, SoqlError> {
        let def = resolve(f)?;
        if def.filterable {
            Ok(def)
        } else {
            Err(SoqlError {
                code: "INVALID_FIELD",
                message: positioned(
                    chars,
                    f.pos,
                    &format!("field '{}' can not be filtered in query call", def.name),
                ),
            })
        }
    };
    Ok(match c {
        Condition::And(parts) => Bound::And(
            parts
                .iter()
                .map(|p| bind_condition(chars, p, resolve))
                .collect::<Result<_, _>>()?,
        ),
        Condition::Or(parts) => Bound::Or(
            parts
                .iter()
                .map(|p| bind_condition(chars, p, resolve))
                .collect::<Result<_, _>>()?,
        ),
        Condition::Not(inner) => Bound::Not(Box::new(bind_condition(chars, inner, resolve)?)),
        Condition::Compare {
            field,
            op,
            value,
            pos,
        } => {
            let def = filterable(field)?;
            if def.ty == FieldType::Boolean && !matches!(op, CompareOp::Eq | CompareOp::Ne) {
                return Err(SoqlError {
                    code: "INVALID_FIELD",
                    message: positioned(
                        chars,
                        *pos,
                        &format!("invalid operator on boolean field: {}", def.name),
                    ),
                });
            }
            Bound::Cmp(def, *op, literal(chars, def, value, *pos)?)
        }
        Condition::In {
            field,
            negated,
            values,
            pos,
        } => {
            let def = filterable(field)?;
            let values = values
                .iter()
                .map(|v| literal(chars, def, v, *pos))
                .collect::<Result<_, _>>()?;
            Bound::In(def, *negated, values)
        }
        Condition::Like {
            field,
            pattern,
            pos,
        } => {
            let def = filterable(field)?;
            if !def.ty.is_text() {
                return Err(SoqlError {
                    code: "INVALID_FIELD",
                    message: positioned(
                        chars,
                        *pos,
                        &format!("invalid operator on field: {}", def.name),
                    ),
                });
            }
            let folded = pattern
                .iter()
                .flat_map(|p| match p {
                    PatternPart::Char(c) => {
                        c.to_lowercase().map(PatternPart::Char).collect::<Vec<_>>()
                    }
                    other => vec![other.clone()],
                })
                .collect();
            Bound::Like(def, folded)
        }
    })
}

/// Check a literal against the field's type, as Salesforce does before running anything.
fn literal(chars: &[char], def: &FieldDef, lit: &Literal, pos: usize) -> Result<Val, SoqlError> {
    let wrong = |what: &str, quoted: bool| {
        SoqlError {
        code: "INVALID_FIELD",
        message: positioned(
            chars,
            pos,
            &format!(
                "value of filter criterion for field '{}' must be of type {what} and should {}be enclosed in quotes",
                def.name,
                if quoted { "" } else { "not " }
            ),
        ),
    }
    };
    match (lit, def.ty) {
        (Literal::Null, _) => Ok(Val::Null),
        (Literal::String(s), t) if t.is_text() => Ok(if s.is_empty() {
            Val::Null
        } else {
            Val::Text(s.clone())
        }),
        (_, t) if t.is_text() => Err(wrong("string", true)),
        (Literal::Bool(b), FieldType::Boolean) => Ok(Val::Bool(*b)),
        (_, FieldType::Boolean) => Err(wrong("boolean", false)),
        (Literal::Number(n), t) if t.is_number() => Ok(Val::Num(*n)),
        (_, t) if t.is_number() => Err(wrong("double", false)),
        (Literal::Date(d), FieldType::Date) => Ok(Val::Date(*d)),
        (_, FieldType::Date) => Err(wrong("date", false)),
        (Literal::DateTime(d), FieldType::DateTime) => Ok(Val::DateTime(d.with_timezone(&Utc))),
        (_, _) => Err(wrong("dateTime", false)),
    }
}

/// The typed value of `def` in record `r`.
fn value(def: &FieldDef, r: &Value) -> Val {
    let v = &r[def.name];
    match def.ty {
        t if t.is_text() => match v.as_str() {
            Some(s) if !s.is_empty() => Val::Text(s.to_string()),
            _ => Val::Null,
        },
        FieldType::Boolean => v.as_bool().map(Val::Bool).unwrap_or(Val::Null),
        t if t.is_number() => v.as_f64().map(Val::Num).unwrap_or(Val::Null),
        FieldType::Date => v
            .as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .map(Val::Date)
            .unwrap_or(Val::Null),
        _ => v
            .as_str()
            .and_then(parse_sf_datetime)
            .map(Val::DateTime)
            .unwrap_or(Val::Null),
    }
}

/// `2024-01-01T00:00:00.000+0000` (and, leniently, RFC 3339).
pub(crate) fn parse_sf_datetime(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z")
        .or_else(|_| DateTime::parse_from_rfc3339(s))
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

fn fold(s: &str) -> String {
    s.to_lowercase()
}

/// Order of two non-null values of the same type.
fn compare(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Text(x), Val::Text(y)) => Some(fold(x).cmp(&fold(y))),
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(y),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        (Val::Date(x), Val::Date(y)) => Some(x.cmp(y)),
        (Val::DateTime(x), Val::DateTime(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn equal(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Null, _) | (_, Val::Null) => false,
        _ => compare(a, b) == Some(Ordering::Equal),
    }
}

fn like(pattern: &[PatternPart], text: &str) -> bool {
    let s: Vec<char> = fold(text).chars().collect();
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match pattern.get(pi) {
            Some(PatternPart::Char(c)) if *c == s[si] => {
                pi += 1;
                si += 1;
            }
            Some(PatternPart::AnyChar) => {
                pi += 1;
                si += 1;
            }
            Some(PatternPart::AnySequence) => {
                star = Some((pi, si));
                pi += 1;
            }
            _ => match star {
                Some((sp, ss)) => {
                    pi = sp + 1;
                    si = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            },
        }
    }
    pattern[pi..].iter().all(|p| *p == PatternPart::AnySequence)
}

fn matches(b: &Bound, r: &Value) -> bool {
    match b {
        Bound::And(parts) => parts.iter().all(|p| matches(p, r)),
        Bound::Or(parts) => parts.iter().any(|p| matches(p, r)),
        Bound::Not(inner) => !matches(inner, r),
        Bound::Cmp(def, op, lit) => {
            let v = value(def, r);
            match op {
                CompareOp::Eq => equal(&v, lit),
                CompareOp::Ne => !equal(&v, lit),
                _ => match compare(&v, lit) {
                    Some(o) => match op {
                        CompareOp::Lt => o == Ordering::Less,
                        CompareOp::Le => o != Ordering::Greater,
                        CompareOp::Gt => o == Ordering::Greater,
                        _ => o != Ordering::Less,
                    },
                    None => false,
                },
            }
        }
        Bound::In(def, negated, values) => {
            let v = value(def, r);
            values.iter().any(|x| equal(&v, x)) != *negated
        }
        Bound::Like(def, pattern) => match value(def, r) {
            Val::Text(t) => like(pattern, &t),
            _ => false,
        },
    }
}

/// Indices (into `records`) of the query's result, in order, after OFFSET and LIMIT.
pub(crate) fn run(plan: &Plan, records: &[Value]) -> Vec<usize> {
    let mut hits: Vec<usize> = (0..records.len())
        .filter(|&i| plan.filter.as_ref().is_none_or(|f| matches(f, &records[i])))
        .collect();
    if !plan.order.is_empty() {
        let keys: Vec<Vec<Val>> = hits
            .iter()
            .map(|&i| {
                plan.order
                    .iter()
                    .map(|(d, _, _)| value(d, &records[i]))
                    .collect()
            })
            .collect();
        let mut order: Vec<usize> = (0..hits.len()).collect();
        order.sort_by(|&a, &b| {
            for (k, (_, desc, nulls_last)) in plan.order.iter().enumerate() {
                let (x, y) = (&keys[a][k], &keys[b][k]);
                let o = match (x, y) {
                    (Val::Null, Val::Null) => Ordering::Equal,
                    (Val::Null, _) => {
                        if *nulls_last {
                            Ordering::Greater
                        } else {
                            Ordering::Less
                        }
                    }
                    (_, Val::Null) => {
                        if *nulls_last {
                            Ordering::Less
                        } else {
                            Ordering::Greater
                        }
                    }
                    _ => {
                        let o =
                            compare(x, y)
                                .unwrap_or(Ordering::Equal)
                                .then_with(|| match (x, y) {
                                    (Val::Text(p), Val::Text(q)) => p.cmp(q),
                                    _ => Ordering::Equal,
                                });
                        if *desc {
                            o.reverse()
                        } else {
                            o
                        }
                    }
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
        hits = order.into_iter().map(|k| hits[k]).collect();
    }
    let offset = usize::try_from(plan.offset.unwrap_or(0)).unwrap_or(usize::MAX);
    let limit = plan
        .limit
        .map(|l| usize::try_from(l).unwrap_or(usize::MAX))
        .unwrap_or(usize::MAX);
    hits.into_iter().skip(offset).take(limit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<PatternPart> {
        s.chars()
            .map(|c| match c {
                '%' => PatternPart::AnySequence,
                '_' => PatternPart::AnyChar,
                c => PatternPart::Char(c),
            })
            .collect()
    }

    #[test]
    fn like_wildcards() {
        assert!(like(&p("a%c"), "ABBBC"));
        assert!(like(&p("%"), ""));
        assert!(like(&p("_b%"), "abc"));
        assert!(!like(&p("_b"), "abc"));
        assert!(like(&p("%b%b%"), "abab"));
        assert!(!like(&p("a"), ""));
    }
}
