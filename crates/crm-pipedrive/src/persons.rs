//! Page enrichment: a Pipedrive lead keeps its name, e-mails and phones on the linked person, so
//! the persons of a page are read in batches (`GET /api/v2/persons?ids=...`, at most
//! [`BATCH`] ids a call: one call for a page of up to 100 leads) and fill `first_name`,
//! `last_name`, `email_addresses` and `phone_numbers`. Never one call per lead.
//!
//! A lead without a person, or whose person is gone, gets `null` names and empty lists: the fields
//! are supported, the lead has no value.

use crate::records::{IdText, Text};
use crm_core::transport::Request;
use crm_core::{EmailAddress, Field, Lead, PhoneNumber};
use serde::Deserialize;
use std::collections::HashMap;

/// Ids per persons call (Pipedrive's maximum for `ids`).
pub const BATCH: usize = 100;

/// The persons endpoint (API v2: the same path on api.pipedrive.com and on an OAuth api_domain).
pub const PERSONS_PATH: &str = "/api/v2/persons";

#[derive(Debug, Deserialize)]
pub struct PersonsEnvelope<'a> {
    #[serde(default)]
    pub success: Option<bool>,
    #[serde(borrow, default)]
    pub data: Option<Vec<PersonRecord<'a>>>,
}

#[derive(Debug, Deserialize)]
pub struct PersonRecord<'a> {
    #[serde(borrow)]
    pub id: IdText<'a>,
    #[serde(borrow, default)]
    pub first_name: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub last_name: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub emails: Option<Vec<Labeled<'a>>>,
    #[serde(borrow, default)]
    pub phones: Option<Vec<Labeled<'a>>>,
}

/// An e-mail or phone entry: `{value, primary, label}`.
#[derive(Debug, Deserialize)]
pub struct Labeled<'a> {
    #[serde(borrow, default)]
    pub value: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub label: Option<Text<'a>>,
}

/// What a person contributes to a lead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonFields {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub emails: Vec<EmailAddress>,
    pub phones: Vec<PhoneNumber>,
}

/// The distinct person ids of a page, in page order, in batches of [`BATCH`].
pub fn batches(leads: &[Lead]) -> Vec<Vec<String>> {
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<String> = leads
        .iter()
        .filter_map(|l| l.contact.as_option().map(|r| r.id.clone()))
        .filter(|id| seen.insert(id.clone()))
        .collect();
    ids.chunks(BATCH).map(<[String]>::to_vec).collect()
}

/// The request for one batch of ids.
pub fn request(ids: &[String]) -> Request {
    Request::get(PERSONS_PATH)
        .query("ids", ids.join(","))
        .query("limit", ids.len().to_string())
}

/// Reads one persons answer into `into`, by person id.
pub fn read(envelope: PersonsEnvelope<'_>, into: &mut HashMap<String, PersonFields>) {
    let text = |t: &Option<Text<'_>>| {
        t.as_ref()
            .map(|t| crm_core::text::trim(t.as_str()))
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    for person in envelope.data.unwrap_or_default() {
        let values = |list: &Option<Vec<Labeled<'_>>>| -> Vec<(String, Option<String>)> {
            list.iter()
                .flatten()
                .filter_map(|l| text(&l.value).map(|v| (v, text(&l.label))))
                .collect()
        };
        let fields = PersonFields {
            first_name: text(&person.first_name),
            last_name: text(&person.last_name),
            emails: values(&person.emails)
                .into_iter()
                .map(|(email, kind)| EmailAddress { email, kind })
                .collect(),
            phones: values(&person.phones)
                .into_iter()
                .map(|(number, kind)| PhoneNumber {
                    number,
                    extension: None,
                    kind,
                })
                .collect(),
        };
        into.insert(person.id.0.trim().to_owned(), fields);
    }
}

/// Fills each lead from its person (or with no value when it has none).
pub fn apply(leads: &mut [Lead], persons: &HashMap<String, PersonFields>) {
    for lead in leads {
        let person = lead
            .contact
            .as_option()
            .and_then(|r| persons.get(&r.id))
            .cloned()
            .unwrap_or_default();
        lead.first_name = Field::from_option(person.first_name);
        lead.last_name = Field::from_option(person.last_name);
        lead.email_addresses = Some(person.emails);
        lead.phone_numbers = Some(person.phones);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::Ref;

    fn lead(id: &str, person: Option<&str>) -> Lead {
        Lead {
            contact: Ref::field(person.map(str::to_owned)),
            ..Lead::new(id)
        }
    }

    #[test]
    fn distinct_ids_in_batches_of_100() {
        let leads: Vec<Lead> = (0..250)
            .map(|i| lead(&i.to_string(), Some(&(i % 120).to_string())))
            .chain([lead("x", None)])
            .collect();
        let b = batches(&leads);
        assert_eq!(b.iter().map(Vec::len).collect::<Vec<_>>(), [100, 20]);
        assert_eq!(b[0][0], "0");
    }

    #[test]
    fn persons_fill_leads_and_missing_ones_are_empty() {
        let body = r#"{"success":true,"data":[{"id":7,"first_name":" Zoë ","last_name":"Ærø",
            "emails":[{"value":"z@example.com","primary":true,"label":"work"},{"value":" ","label":"home"}],
            "phones":[{"value":"+1 555 0100","primary":true,"label":"mobile"}]}]}"#;
        let mut persons = HashMap::new();
        read(serde_json::from_str(body).unwrap(), &mut persons);
        let mut leads = vec![lead("a", Some("7")), lead("b", Some("8")), lead("c", None)];
        apply(&mut leads, &persons);
        assert_eq!(leads[0].first_name, Field::Value("Zoë".into()));
        assert_eq!(leads[0].last_name, Field::Value("Ærø".into()));
        assert_eq!(
            leads[0].email_addresses,
            Some(vec![EmailAddress {
                email: "z@example.com".into(),
                kind: Some("work".into())
            }])
        );
        assert_eq!(leads[0].phone_numbers.as_ref().map(Vec::len), Some(1));
        for l in &leads[1..] {
            assert_eq!(l.first_name, Field::Null);
            assert_eq!(l.email_addresses, Some(vec![]));
        }
    }
}
