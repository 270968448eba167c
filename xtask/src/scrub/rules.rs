//! Which JSON fields hold personal data, per provider, as JSONPath expressions compiled once.
//!
//! E-mail addresses, secrets and host names are found anywhere by scanning text (see
//! [`super::text`]); phone numbers, person names, streets and free text cannot be recognised by
//! their shape, so they are selected by field. Every expression is written in descendant form
//! (`$..Email`) so that the same rule applies to a whole response body and to one record (the
//! `remote_data` of a unified lead).

use std::collections::HashMap;
use std::sync::LazyLock;

use jsonpath_rust::parser::model::{JpQuery, Segment, Selector};
use jsonpath_rust::parser::parse_json_path;
use jsonpath_rust::query::js_path_process;

use super::json::Seg;

/// What a selected field holds, which decides its fake.
pub use crm_core::descriptor::PersonalData as Kind;

/// Rules for our own unified output (crm-core's `Lead`), to compare a live run with its replay.
/// Each provider's rules come from its descriptor (`crm_core::descriptor::Scrub`).
const UNIFIED: &[(Kind, &str)] = &[
    (Kind::Name, "$..first_name"),
    (Kind::Name, "$..last_name"),
    (Kind::Email, "$..email_addresses[*].email"),
    (Kind::Phone, "$..phone_numbers[*].number"),
    (Kind::Street, "$..addresses[*].street_1"),
    (Kind::Street, "$..addresses[*].street_2"),
];

/// The rule table: set name (a provider id, or `unified`), kind, JSONPath.
fn table() -> impl Iterator<Item = (&'static str, Kind, &'static str)> {
    crm_providers::all()
        .iter()
        .flat_map(|d| {
            d.scrub
                .rules
                .iter()
                .map(move |r| (d.provider.as_str(), r.kind, r.path))
        })
        .chain(UNIFIED.iter().map(|&(kind, path)| ("unified", kind, path)))
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub kind: Kind,
    pub expression: &'static str,
    query: JpQuery,
}

/// The compiled rules of one provider (or of several, for [`RuleSet::union`]).
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

/// A JSONPath in the table did not compile, or a match could not be located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError(pub String);

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RuleError {}

/// Every rule set, compiled on first use.
static COMPILED: LazyLock<Result<HashMap<&'static str, RuleSet>, RuleError>> =
    LazyLock::new(|| {
        let mut sets: HashMap<&'static str, RuleSet> = HashMap::new();
        for (provider, kind, expression) in table() {
            let query = parse_json_path(expression).map_err(|e| {
                RuleError(format!(
                    "scrub rule `{expression}` ({provider}) is not valid JSONPath: {e}"
                ))
            })?;
            sets.entry(provider).or_default().rules.push(Rule {
                kind,
                expression,
                query,
            });
        }
        Ok(sets)
    });

impl RuleSet {
    /// The rules of `name` (a provider id or `unified`); an unknown
    /// name has no field rules (text scanning still applies).
    pub fn named(name: &str) -> Result<RuleSet, RuleError> {
        let sets = COMPILED.as_ref().map_err(Clone::clone)?;
        Ok(sets.get(name).cloned().unwrap_or_default())
    }

    /// The rules of several sets together.
    pub fn union(names: &[&str]) -> Result<RuleSet, RuleError> {
        let mut all = RuleSet::default();
        for name in names {
            all.rules.extend(RuleSet::named(name)?.rules);
        }
        Ok(all)
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The string values this rule set selects in `doc`, by path. When two rules select the same
    /// value the first in the table wins, so each value gets exactly one fake.
    pub fn select(&self, doc: &serde_json::Value) -> Result<HashMap<Vec<Seg>, Kind>, RuleError> {
        let mut selected = HashMap::new();
        for rule in &self.rules {
            let found = js_path_process(&rule.query, doc)
                .map_err(|e| RuleError(format!("scrub rule `{}` failed: {e}", rule.expression)))?;
            for hit in found {
                if !hit.val.is_string() && !hit.val.is_array() {
                    continue;
                }
                let path = to_segments(&hit.path)?;
                if let Some(items) = hit.val.as_array() {
                    // `emails: ["a@b.c"]`: select the strings inside.
                    for (i, item) in items.iter().enumerate() {
                        if item.is_string() {
                            let mut p = path.clone();
                            p.push(Seg::Index(i));
                            selected.entry(p).or_insert(rule.kind);
                        }
                    }
                } else {
                    selected.entry(path).or_insert(rule.kind);
                }
            }
        }
        Ok(selected)
    }
}

/// A safety net behind the JSONPath table for fields it cannot name in advance (custom fields
/// such as `Home_Phone__c`, `Secondary_Mobile`): a member whose name says it holds a phone
/// number, a person's name part or a street is treated as one. Applied to response bodies only.
pub fn kind_for_key(key: &str) -> Option<Kind> {
    let k: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let k = k
        .strip_suffix("c")
        .filter(|_| key.ends_with("__c"))
        .unwrap_or(&k);
    if k.contains("phone") || k.contains("mobile") || k.ends_with("fax") {
        Some(Kind::Phone)
    } else if ["firstname", "lastname", "middlename", "fullname"]
        .iter()
        .any(|n| k.ends_with(n))
    {
        Some(Kind::Name)
    } else if k.contains("street") {
        Some(Kind::Street)
    } else {
        None
    }
}

/// Turns a normalized result path (`$['records'][0]['Email']`) into segments.
fn to_segments(path: &str) -> Result<Vec<Seg>, RuleError> {
    let query = parse_json_path(path)
        .map_err(|e| RuleError(format!("cannot read the match path `{path}`: {e}")))?;
    query
        .segments
        .into_iter()
        .map(|segment| match segment {
            Segment::Selector(Selector::Name(name)) => Ok(Seg::Key(name)),
            Segment::Selector(Selector::Index(i)) => usize::try_from(i)
                .map(Seg::Index)
                .map_err(|_| RuleError(format!("negative index in match path `{path}`"))),
            other => Err(RuleError(format!(
                "unexpected segment {other:?} in match path `{path}`"
            ))),
        })
        .collect()
}

/// The providers that have rules (every connector of the registry that declares some).
pub fn providers() -> impl Iterator<Item = &'static str> {
    crm_providers::all()
        .iter()
        .filter(|d| !d.scrub.rules.is_empty())
        .map(|d| d.provider.as_str())
}

/// The table (set, kind, JSONPath), for the README and `cargo xtask fixtures rules`.
pub fn rules_table() -> Vec<(&'static str, Kind, &'static str)> {
    table().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_rule_compiles() {
        for name in [
            "copper",
            "insightly",
            "pipedrive",
            "salesforce",
            "zoho",
            "unified",
        ] {
            assert!(!RuleSet::named(name).unwrap().is_empty(), "{name}");
        }
        assert!(RuleSet::named("nobody").unwrap().is_empty());
        assert_eq!(
            providers().collect::<Vec<_>>(),
            [
                "copper",
                "insightly",
                "pipedrive",
                "salesforce",
                "zendesk-sell",
                "zoho"
            ]
        );
    }

    #[test]
    fn key_names_catch_custom_fields() {
        assert_eq!(kind_for_key("Home_Phone__c"), Some(Kind::Phone));
        assert_eq!(kind_for_key("Secondary_Mobile"), Some(Kind::Phone));
        assert_eq!(kind_for_key("Assistant_First_Name__c"), Some(Kind::Name));
        assert_eq!(kind_for_key("MailingStreet"), Some(Kind::Street));
        for plain in [
            "Company",
            "name",
            "Title",
            "phone_numbers_count_type",
            "Faxed__c",
            "id",
        ] {
            let kind = kind_for_key(plain);
            assert!(
                kind.is_none() || plain.contains("phone"),
                "{plain}: {kind:?}"
            );
        }
    }

    #[test]
    fn selects_paths_with_odd_keys_and_arrays() {
        let doc = json!({
            "records": [
                {"Email": "a@b.co", "Name": "Ada L", "it's": {"Phone": "1"}},
                {"Email": null, "Phone": 42}
            ]
        });
        let sel = RuleSet::named("salesforce").unwrap().select(&doc).unwrap();
        let key = |s: &str| Seg::Key(s.to_owned());
        assert_eq!(
            sel.get(&vec![key("records"), Seg::Index(0), key("Email")]),
            Some(&Kind::Email)
        );
        assert_eq!(
            sel.get(&vec![
                key("records"),
                Seg::Index(0),
                key("it's"),
                key("Phone")
            ]),
            Some(&Kind::Phone)
        );
        assert_eq!(sel.len(), 3, "{sel:?}");

        let copper = json!({"emails": ["x@y.io"], "name": "Ada"});
        let sel = RuleSet::named("copper").unwrap().select(&copper).unwrap();
        assert_eq!(
            sel.get(&vec![key("emails"), Seg::Index(0)]),
            Some(&Kind::Email)
        );
    }
}
