//! Conversion fields: Zendesk Sell keeps them in `GET /v2/lead_conversions`
//! (`{lead_id, individual_id, organization_id, deal_id, created_at}`), not on the lead. The page's
//! lead ids go in one call (`lead_id=<id>,<id>,...`, `per_page=100`: a page holds at most 100
//! leads), never one call per lead. Each answer's conversions are matched to leads by their own
//! `lead_id`, so a conversion of another lead never lands on the wrong one.
//!
//! | unified             | from the conversion          |
//! |---------------------|------------------------------|
//! | `converted_at`      | `created_at`                 |
//! | `converted_contact` | `individual_id`              |
//! | `converted_account` | `organization_id`            |
//! | `contact.id`        | `individual_id`              |
//! | `account.id`        | `organization_id`            |
//!
//! A lead without a conversion has `null` in all five.

use crate::records::{Collection, ConversionItem, IdText};
use crm_core::transport::Request;
use crm_core::{Field, Lead, MapError, Ref, Timestamp};
use std::collections::HashMap;

/// Lead ids per conversions call (the API's largest `per_page`).
pub const BATCH: usize = 100;

/// What a conversion contributes to its lead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conversion {
    pub converted_at: Option<Timestamp>,
    pub contact: Option<String>,
    pub account: Option<String>,
}

/// The distinct lead ids of a page, in page order, in batches of [`BATCH`].
pub fn batches(leads: &[Lead]) -> Vec<Vec<String>> {
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<String> = leads
        .iter()
        .map(|l| l.id.clone())
        .filter(|id| seen.insert(id.clone()))
        .collect();
    ids.chunks(BATCH).map(<[String]>::to_vec).collect()
}

/// The request for one batch of lead ids.
pub fn request(ids: &[String]) -> Request {
    Request::get(crate::config::LEAD_CONVERSIONS_PATH)
        .query("lead_id", ids.join(","))
        .query("per_page", BATCH.to_string())
}

/// Reads one conversions answer into `into`, by lead id; only the asked-for ids are kept.
pub fn read(
    page: Collection<ConversionItem<'_>>,
    asked: &[String],
    into: &mut HashMap<String, Conversion>,
) -> Result<(), MapError> {
    let id = |v: &Option<IdText<'_>>| {
        v.as_ref()
            .map(|i| i.0.trim())
            .filter(|i| !i.is_empty())
            .map(str::to_owned)
    };
    for item in page.items {
        let c = item.data;
        let Some(lead) = id(&c.lead_id).filter(|l| asked.contains(l)) else {
            continue;
        };
        let converted_at = match crate::mapping::time(
            &lead,
            "lead_conversions.created_at",
            c.created_at.as_ref(),
        )? {
            Field::Value(t) => Some(t),
            _ => None,
        };
        into.insert(
            lead,
            Conversion {
                converted_at,
                contact: id(&c.individual_id),
                account: id(&c.organization_id),
            },
        );
    }
    Ok(())
}

/// Fills each lead from its conversion (or `null` when it has none).
pub fn apply(leads: &mut [Lead], conversions: &HashMap<String, Conversion>) {
    for lead in leads {
        let c = conversions.get(&lead.id).cloned().unwrap_or_default();
        lead.converted_at = Field::from_option(c.converted_at);
        lead.converted_contact = Field::from_option(c.contact.clone());
        lead.converted_account = Field::from_option(c.account.clone());
        lead.contact = Ref::field(c.contact);
        lead.account = Ref::field(c.account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_ids_in_batches_of_100() {
        let leads: Vec<Lead> = (0..250).map(|i| Lead::new((i % 120).to_string())).collect();
        let b = batches(&leads);
        assert_eq!(b.iter().map(Vec::len).collect::<Vec<_>>(), [100, 20]);
    }

    #[test]
    fn conversions_fill_their_own_leads_only() {
        let body = r#"{"items":[
            {"data":{"id":1,"lead_id":10,"individual_id":500,"organization_id":null,"deal_id":7,"created_at":"2024-03-01T10:00:00Z"}},
            {"data":{"id":2,"lead_id":99,"individual_id":501,"organization_id":600,"created_at":"2024-03-02T10:00:00Z"}}
        ],"meta":{"type":"collection"}}"#;
        let asked = vec!["10".to_owned(), "11".to_owned()];
        let mut found = HashMap::new();
        read(serde_json::from_str(body).unwrap(), &asked, &mut found).unwrap();
        assert_eq!(found.len(), 1);
        let mut leads = vec![Lead::new("10"), Lead::new("11")];
        apply(&mut leads, &found);
        assert_eq!(
            leads[0].converted_at.as_option().unwrap().to_string(),
            "2024-03-01T10:00:00.000Z"
        );
        assert_eq!(leads[0].converted_contact, Field::Value("500".into()));
        assert_eq!(leads[0].converted_account, Field::Null);
        assert_eq!(leads[0].contact.as_option().unwrap().id, "500");
        assert_eq!(leads[1].converted_at, Field::Null);
        assert_eq!(leads[1].contact, Field::Null);
    }

    #[test]
    fn a_bad_conversion_date_names_the_lead() {
        let body = r#"{"items":[{"data":{"lead_id":10,"created_at":"soon"}}]}"#;
        let err = read(
            serde_json::from_str(body).unwrap(),
            &["10".into()],
            &mut HashMap::new(),
        )
        .unwrap_err();
        assert_eq!(err.record_id.as_deref(), Some("10"));
    }
}
