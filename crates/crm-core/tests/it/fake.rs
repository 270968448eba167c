//! An in-memory connector: offset paging over numbered records, with knobs for misbehaviour.

use async_trait::async_trait;
use crm_core::capabilities::{FilterSupport, ResponseField, EQ};
use crm_core::{
    Capabilities, Connector, Field, FilterKey, Lead, MapError, MapOptions, PageRequest,
    PagingState, Provider, RawPage,
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The fake's provider (the core knows no real one).
pub const FAKE: Provider = crm_core::provider!("fake", "Fake CRM");

pub static CAPS: Capabilities = Capabilities {
    provider: FAKE,
    filters: &[FilterSupport {
        filter: FilterKey::OwnerId,
        operators: EQ,
        maps_to: "owner",
    }],
    fields: &[
        ResponseField::Id,
        ResponseField::OwnerId,
        ResponseField::Title,
    ],
    max_page_size: 10,
    natural_page_size: 7,
    reserved_remote_query: &[],
    enrichment: None,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    offset: usize,
}

impl PagingState for State {
    fn check(&self) -> Result<(), String> {
        if self.offset > 1_000_000 {
            return Err("the offset is out of range".into());
        }
        Ok(())
    }
}

#[derive(Debug, Default)]
pub struct Fake {
    pub total: usize,
    pub fetches: AtomicUsize,
    /// Answer every page with the same next state (a looping provider).
    pub stuck: bool,
    /// Never return records but always say "more".
    pub empty_forever: bool,
    /// A record id whose record does not fit the mapping.
    pub broken: Option<usize>,
    /// Delay per page.
    pub latency: std::time::Duration,
    /// Serve at most this many records per page whatever the page size (so predicted offsets are
    /// wrong and the prefetcher must recover).
    pub short_pages: Option<usize>,
    /// Offer `state_after` predictions.
    pub predictable: bool,
}

impl Fake {
    pub fn new(total: usize) -> Self {
        Fake {
            total,
            ..Fake::default()
        }
    }

    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl Connector for Fake {
    type State = State;

    fn capabilities(&self) -> &'static Capabilities {
        &CAPS
    }

    async fn fetch_page(
        &self,
        request: PageRequest<'_, State>,
    ) -> crm_core::Result<RawPage<State>> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        let offset = request.state.map_or(0, |s| s.offset);
        if self.empty_forever {
            return Ok(RawPage {
                records: vec![],
                next: Some(State { offset: offset + 1 }),
                ..RawPage::default()
            });
        }
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        let mut size = request.page_size.unwrap_or(CAPS.natural_page_size) as usize;
        if let Some(short) = self.short_pages {
            size = size.min(short);
        }
        let owner = request.query.filters.owner_id.clone();
        let end = (offset + size).min(self.total);
        let records = (offset..end)
            .map(|i| {
                let owner = owner.clone().unwrap_or_else(|| format!("o{}", i % 3));
                let broken = if self.broken == Some(i) {
                    r#","title":42"#
                } else {
                    ""
                };
                RawValue::from_string(format!(
                    r#"{{"id":{i},"owner":"{owner}","big":12345678901234567890{broken}}}"#
                ))
                .unwrap()
            })
            .collect();
        let next = if self.stuck {
            Some(State { offset: 0 })
        } else {
            (end < self.total).then_some(State { offset: end })
        };
        Ok(RawPage {
            records,
            next,
            ..RawPage::default()
        })
    }

    fn state_after(&self, request: &PageRequest<'_, State>, pages_ahead: u32) -> Option<State> {
        if !self.predictable {
            return None;
        }
        let offset = request.state.map_or(0, |s| s.offset);
        let size = request.page_size.unwrap_or(CAPS.natural_page_size) as usize;
        Some(State {
            offset: offset + size * pages_ahead as usize,
        })
    }

    fn map_lead(&self, record: &RawValue, _: &MapOptions) -> Result<Lead, MapError> {
        #[derive(Deserialize)]
        struct R<'a> {
            id: u64,
            owner: &'a str,
            title: Option<&'a str>,
        }
        let r: R<'_> =
            serde_json::from_str(record.get()).map_err(|e| MapError::new(None, "title", e))?;
        Ok(Lead {
            owner: crm_core::Ref::field(Some(r.owner.to_owned())),
            title: Field::text(r.title),
            ..Lead::new(r.id.to_string())
        })
    }
}
