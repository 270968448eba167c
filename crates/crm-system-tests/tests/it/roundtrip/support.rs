//! What the four roundtrip suites share: the runtime, the query-string form of a request, the
//! three ways of walking every page (the server's `list_page` loop with signed cursors,
//! `stream_leads`, `stream_pages_prefetch`), the comparison with the expected sequence, filter
//! strategies for date-time bounds, and a small proptest runner.

use std::collections::HashSet;
use std::fmt::Debug;

use chrono::{DateTime, FixedOffset, Utc};
use crm_core::{
    list_page, stream_leads, stream_pages_prefetch, CursorCodec, DynConnector, Items, Lead,
    LeadQuery, ListContext, ListRequest, ResponseFormat,
};
use futures::TryStreamExt;
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestRunner};
use serde_json::Value;

/// The integrated account every cursor of these tests is bound to.
pub const ACCOUNT: &str = "ia_roundtrip_0001";

/// Concurrency of the prefetching walk.
pub const PREFETCH: usize = 4;

/// A runtime like the server's, small enough for two cores.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// The cursor codec, with a fixed key (the server uses 32 random bytes).
pub fn codec() -> CursorCodec {
    CursorCodec::new(b"roundtrip-cursor-key-0123456789ab".to_vec())
}

/// Percent-encodes everything but unreserved characters.
pub fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `k=v&...`, percent-encoded, as a caller sends it.
pub fn query_string(params: &[(String, String)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Reads a query string the way the server does.
pub fn parse(params: &[(String, String)]) -> Result<LeadQuery, String> {
    ListRequest::from_query_string(&query_string(params))
        .map(|r| r.query)
        .map_err(|e| format!("the query string was refused: {e}"))
}

/// One walk's outcome.
#[derive(Debug, Default)]
pub struct Walk {
    pub leads: Vec<Lead>,
    pub pages: usize,
}

impl Walk {
    pub fn ids(&self) -> Vec<String> {
        self.leads.iter().map(|l| l.id.clone()).collect()
    }
}

/// Walks every page as the server does: parse the query string, `list_page`, feed `next_cursor`
/// back in the next query string, until `next_cursor` is null. Each page must respect the page
/// size (`limit` clamped to the provider's maximum) and carry each lead's raw record.
pub async fn walk_list_page(
    connector: &dyn DynConnector,
    params: &[(String, String)],
    max_pages: usize,
) -> Result<Walk, String> {
    let codec = codec();
    let ctx = ListContext {
        account_id: ACCOUNT,
        codec: &codec,
    };
    let mut walk = Walk::default();
    let mut cursor: Option<String> = None;
    loop {
        let mut page_params = params.to_vec();
        if let Some(c) = &cursor {
            page_params.push(("next_cursor".into(), c.clone()));
        }
        let query = parse(&page_params)?;
        let size = connector.capabilities().page_size(&query);
        let page = list_page(connector, ctx, &query, ResponseFormat::Unified)
            .await
            .map_err(|e| format!("page {} failed: {e}", walk.pages + 1))?;
        walk.pages += 1;
        let Items::Leads(leads) = page.items else {
            return Err("a unified page did not hold leads".into());
        };
        if let Some(size) = size {
            if leads.len() > size as usize {
                return Err(format!(
                    "page {} holds {} leads, more than the page size {size}",
                    walk.pages,
                    leads.len()
                ));
            }
        }
        if let Some(lead) = leads.iter().find(|l| l.remote_data.is_none()) {
            return Err(format!("lead {} has no remote_data", lead.id));
        }
        walk.leads.extend(leads);
        match page.next_cursor {
            None => return Ok(walk),
            Some(next) => {
                if cursor.as_deref() == Some(next.as_str()) {
                    return Err(format!("page {} returned its own cursor", walk.pages));
                }
                cursor = Some(next);
            }
        }
        if walk.pages >= max_pages {
            return Err(format!("still not done after {max_pages} pages"));
        }
    }
}

/// Every lead through `crm_core::stream_leads`.
pub async fn walk_stream(connector: &dyn DynConnector, query: &LeadQuery) -> Result<Walk, String> {
    let leads: Vec<Lead> = stream_leads(connector, query)
        .try_collect()
        .await
        .map_err(|e| format!("stream_leads failed: {e}"))?;
    Ok(Walk { leads, pages: 0 })
}

/// Every lead through `crm_core::stream_pages_prefetch` with [`PREFETCH`] pages in flight.
pub async fn walk_prefetch(
    connector: &dyn DynConnector,
    query: &LeadQuery,
) -> Result<Walk, String> {
    let pages: Vec<_> = stream_pages_prefetch(connector, query, PREFETCH)
        .try_collect()
        .await
        .map_err(|e| format!("stream_pages_prefetch failed: {e}"))?;
    let mut walk = Walk {
        pages: pages.len(),
        ..Walk::default()
    };
    for page in pages {
        let leads = crm_core::list::map_records(connector, query, page.records)
            .map_err(|e| format!("a prefetched page does not map: {e}"))?;
        walk.leads.extend(leads);
    }
    Ok(walk)
}

/// `got` must be exactly `want`: same ids, none twice, same order. The message says which of
/// these failed first, with examples.
pub fn same_sequence(label: &str, got: &[String], want: &[String]) -> Result<(), String> {
    if got == want {
        return Ok(());
    }
    let mut seen = HashSet::new();
    let duplicated: Vec<&String> = got.iter().filter(|id| !seen.insert(*id)).collect();
    let got_set: HashSet<&String> = got.iter().collect();
    let want_set: HashSet<&String> = want.iter().collect();
    let lost: Vec<&&String> = want_set.difference(&got_set).take(5).collect();
    let extra: Vec<&&String> = got_set.difference(&want_set).take(5).collect();
    let first_difference = got
        .iter()
        .zip(want)
        .position(|(a, b)| a != b)
        .unwrap_or(got.len().min(want.len()));
    Err(format!(
        "{label}: got {} leads, want {}; duplicated {} (e.g. {:?}); lost {} (e.g. {lost:?}); \
         unexpected {} (e.g. {extra:?}); first difference at position {first_difference}",
        got.len(),
        want.len(),
        duplicated.len(),
        duplicated.iter().take(5).collect::<Vec<_>>(),
        want_set.difference(&got_set).count(),
        got_set.difference(&want_set).count(),
    ))
}

/// What one case walked, for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub cases: usize,
    pub leads: usize,
    pub pages: usize,
    pub empty: usize,
}

/// Walks `params` three ways and checks each against `want` (ids in the connector's declared
/// order); `check_lead` compares each lead of the first walk with the simulator's record.
pub async fn check_walks(
    connector: &dyn DynConnector,
    params: &[(String, String)],
    want: &[String],
    check_lead: &(dyn Fn(&Lead) -> Result<(), String> + Sync),
) -> Result<Tally, String> {
    let max_pages = want.len() + 50;
    let listed = walk_list_page(connector, params, max_pages).await?;
    same_sequence("list_page walk", &listed.ids(), want)?;
    for lead in &listed.leads {
        check_lead(lead)?;
    }
    let query = parse(params)?;
    let streamed = walk_stream(connector, &query).await?;
    same_sequence("stream_leads walk", &streamed.ids(), want)?;
    let prefetched = walk_prefetch(connector, &query).await?;
    same_sequence("stream_pages_prefetch walk", &prefetched.ids(), want)?;
    Ok(Tally {
        cases: 1,
        leads: want.len(),
        pages: listed.pages,
        empty: usize::from(want.is_empty()),
    })
}

/// The raw record a lead carries, parsed.
pub fn remote(lead: &Lead) -> Result<Value, String> {
    let raw = lead
        .remote_data
        .as_ref()
        .ok_or_else(|| format!("lead {} has no remote_data", lead.id))?;
    serde_json::from_str(raw.get()).map_err(|e| format!("remote_data of {}: {e}", lead.id))
}

/// Every key of `sent` (but `skip`) has the simulator record's value (`null` when absent).
pub fn fields_match(id: &str, sent: &Value, record: &Value, skip: &[&str]) -> Result<(), String> {
    let sent = sent
        .as_object()
        .ok_or_else(|| format!("remote_data of {id} is not an object"))?;
    for (k, v) in sent {
        if skip.contains(&k.as_str()) {
            continue;
        }
        let want = record.get(k).unwrap_or(&Value::Null);
        if v != want {
            return Err(format!(
                "lead {id}: `{k}` is {v}, the simulator holds {want}"
            ));
        }
    }
    Ok(())
}

/// A date-time filter operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Gt,
    Gte,
    Lt,
    Lte,
}

impl Op {
    pub const ALL: [Op; 5] = [Op::Eq, Op::Gt, Op::Gte, Op::Lt, Op::Lte];

    pub fn name(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::Lt => "lt",
            Op::Lte => "lte",
        }
    }

    /// Whether `value OP bound`.
    pub fn holds<T: Ord>(self, value: T, bound: T) -> bool {
        match self {
            Op::Eq => value == bound,
            Op::Gt => value > bound,
            Op::Gte => value >= bound,
            Op::Lt => value < bound,
            Op::Lte => value <= bound,
        }
    }
}

/// One bound of a date-time filter, with the text the caller sends.
#[derive(Debug, Clone)]
pub struct Bound {
    pub op: Op,
    pub at: DateTime<Utc>,
    pub text: String,
}

impl Bound {
    /// `created_at=...` for equality (the bare form, sometimes `[eq]`), `created_at[gte]=...` else.
    pub fn param(&self, filter: &str, bare_eq: bool) -> (String, String) {
        let key = match (self.op, bare_eq) {
            (Op::Eq, true) => filter.to_owned(),
            (op, _) => format!("{filter}[{}]", op.name()),
        };
        (key, self.text.clone())
    }
}

/// `at` written in UTC (`Z`) or at +05:30 or -08:00, with milliseconds when it has a fraction.
pub fn render_time(at: DateTime<Utc>, zone: u8) -> String {
    let offset = match zone % 3 {
        0 => 0,
        1 => 5 * 3600 + 1800,
        _ => -8 * 3600,
    };
    let local = at.with_timezone(&FixedOffset::east_opt(offset).expect("offset"));
    let fraction = at.timestamp_subsec_millis() != 0;
    match (offset, fraction) {
        (0, false) => at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        (0, true) => at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        (_, false) => local.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        (_, true) => local.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string(),
    }
}

/// With probability `present`, one or two bounds with different operators, each anchored on one
/// of `anchors` (Unix seconds of real record times) and moved by a jitter so the edges are hit:
/// exactly on a record's second, half a second and one second either side. `whole_second_eq`
/// keeps equality on whole seconds (for providers that refuse a fractional equality).
pub fn bounds(
    anchors: Vec<i64>,
    whole_second_eq: bool,
    present: f64,
) -> impl Strategy<Value = Vec<Bound>> {
    const JITTER_MS: [i64; 9] = [-1500, -1000, -500, 0, 0, 0, 500, 1000, 1500];
    let one = (
        prop::sample::select(anchors),
        prop::sample::select(JITTER_MS.to_vec()),
        any::<u8>(),
    );
    (
        prop::option::weighted(present, prop::sample::subsequence(Op::ALL.to_vec(), 1..=2))
            .prop_map(Option::unwrap_or_default),
        prop::collection::vec(one, 2),
    )
        .prop_map(move |(ops, mut picks)| {
            // `subsequence` keeps `Op::ALL`'s order, so a lower bound comes before an upper one:
            // with the anchors sorted, such a range is not empty by construction.
            picks.sort_by_key(|p| p.0);
            ops.into_iter()
                .zip(picks)
                .map(|(op, (anchor, jitter, zone))| {
                    let jitter = if op == Op::Eq && (whole_second_eq || zone % 2 == 0) {
                        0
                    } else {
                        jitter
                    };
                    let at = DateTime::<Utc>::from_timestamp_millis(anchor * 1000 + jitter)
                        .expect("time");
                    Bound {
                        op,
                        at,
                        text: render_time(at, zone / 2),
                    }
                })
                .collect()
        })
}

/// Whether `value` satisfies every bound; a missing value satisfies none (but an empty list).
pub fn within(value: Option<DateTime<Utc>>, bounds: &[Bound]) -> bool {
    bounds.is_empty() || value.is_some_and(|v| bounds.iter().all(|b| b.op.holds(v, b.at)))
}

/// `value` as given, upper-cased or lower-cased.
pub fn recase(value: String, how: u8) -> String {
    match how % 3 {
        0 => value,
        1 => value.to_uppercase(),
        _ => value.to_lowercase(),
    }
}

/// Text equality as the providers compare filter values: case-insensitive.
pub fn eq_ci(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

/// A random `limit`: mostly mid-sized and large pages, sometimes small ones (`small` is the
/// smallest allowed, to bound the number of requests), sometimes above the provider's maximum
/// (clamped), sometimes `truto_ignore_limit` (the provider's natural page).
#[derive(Debug, Clone, Copy)]
pub enum Limit {
    Size(u32),
    Ignore,
}

impl Limit {
    pub fn param(self) -> (String, String) {
        match self {
            Limit::Size(n) => ("limit".into(), n.to_string()),
            Limit::Ignore => ("truto_ignore_limit".into(), "true".into()),
        }
    }
}

pub fn limits(small: u32, max: u32) -> impl Strategy<Value = Limit> {
    prop_oneof![
        2 => (small..=max / 4).prop_map(Limit::Size),
        4 => (max / 4..=max).prop_map(Limit::Size),
        1 => (max..=max * 3).prop_map(Limit::Size),
        1 => Just(Limit::Ignore),
    ]
}

/// Runs `test` on `cases` inputs from `strategy` (few shrink steps: each case walks a dataset;
/// the environment variable `ROUNDTRIP_CASES` overrides `cases`).
/// Panics with the failing input, shrunk, and the reason.
pub fn run_cases<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<Tally, String>,
) where
    S::Value: Debug,
{
    // `ROUNDTRIP_CASES=200` runs a deeper search locally; CI keeps the small default.
    let cases = std::env::var("ROUNDTRIP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    let mut runner = TestRunner::new(RunnerConfig {
        cases,
        max_shrink_iters: 16,
        failure_persistence: None,
        ..RunnerConfig::default()
    });
    let total = std::cell::Cell::new(Tally::default());
    let result = runner.run(&strategy, |value| {
        let tally = test(value).map_err(TestCaseError::fail)?;
        let mut t = total.get();
        t.cases += tally.cases;
        t.leads += tally.leads;
        t.pages += tally.pages;
        t.empty += tally.empty;
        total.set(t);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    let t = total.get();
    eprintln!(
        "{name}: {} cases, {} leads and {} pages walked (list_page), {} cases with no match",
        t.cases, t.leads, t.pages, t.empty
    );
}
