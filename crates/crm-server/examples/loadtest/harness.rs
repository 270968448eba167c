//! The load generator behind `examples/loadtest.rs`, shared with the smoke test in
//! `tests/it/loadtest.rs` (included there by path).
//!
//! One process holds everything, on loopback only: the four sandbox simulators (crm-sim), the
//! gateway (the real router, store and connectors, as `crm-server --sandbox` builds them, except
//! that no connector gets a client-side limiter) and the clients. For each provider, in turn:
//!
//! 1. Warm-up: one walk of every page through the gateway (connections, Salesforce's describe and
//!    other one-off calls), then a second walk while the simulator records what the connector
//!    sends: those page requests, byte for byte (path, query, body, auth headers), are what the
//!    direct clients replay.
//! 2. Direct: `clients` tasks replay the recorded page requests against the simulator in walk
//!    order, round and round. Salesforce's later pages address a query locator that belongs to one
//!    walk, so each client's walk uses the locator its own first request opened.
//! 3. Gateway: `clients` tasks walk `GET /unified/crm/leads?integrated_account_id=..&limit=N`,
//!    following `next_cursor`, starting over when it is null.
//!
//! Each phase stops after `requests` requests or `time_limit`, whichever comes first. Latency is
//! measured from sending a request to having read its whole body.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crm_core::{CursorCodec, Provider};
use crm_server::auth::{Auth, SANDBOX_TENANT};
use crm_server::connectors::ProviderFactory;
use crm_server::sandbox::{self, Sandbox};
use crm_server::{AppState, ConnectorFactory, Store};
use crm_sim::{Faults, LoggedRequest, SimConfig, SimHandle};
use serde::de::IgnoredAny;
use serde::Deserialize;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// What to run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Concurrent clients per phase.
    pub clients: usize,
    /// Requests per phase (per provider, gateway and direct each).
    pub requests: usize,
    /// Longest a phase may run.
    pub time_limit: Duration,
    /// Leads per page (`limit`).
    pub page_size: u32,
    /// Leads each simulator generates.
    pub leads: usize,
    /// Latency every simulator adds to each answer.
    pub sim_latency: Duration,
    /// Providers to measure, in order.
    pub providers: Vec<Provider>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clients: 8,
            requests: 4_000,
            time_limit: Duration::from_secs(20),
            page_size: 100,
            leads: 1_000,
            sim_latency: Duration::ZERO,
            providers: vec![
                crm_copper::PROVIDER,
                crm_pipedrive::PROVIDER,
                crm_salesforce::PROVIDER,
                crm_zoho::PROVIDER,
            ],
        }
    }
}

/// One phase's figures.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Requests answered with a success status (and, through the gateway, a page of leads).
    pub ok: usize,
    /// Requests that failed (transport error, error status, unreadable page).
    pub errors: usize,
    /// The first failure, for the report.
    pub first_error: Option<String>,
    /// The phase's wall time.
    pub wall: Duration,
    /// Latencies of the successful requests, sorted.
    pub latencies: Vec<Duration>,
    /// Response body bytes read.
    pub bytes: u64,
}

impl Stats {
    /// Successful requests per second of wall time.
    pub fn throughput(&self) -> f64 {
        let secs = self.wall.as_secs_f64();
        if secs > 0.0 {
            self.ok as f64 / secs
        } else {
            0.0
        }
    }

    /// The `q`-quantile (0..=1) latency, by nearest rank.
    pub fn quantile(&self, q: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = (q * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }

    /// Mean body size.
    pub fn mean_bytes(&self) -> u64 {
        if self.ok == 0 {
            0
        } else {
            self.bytes / self.ok as u64
        }
    }
}

/// Process memory, KiB (`/proc/self/status`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    pub rss_kib: u64,
    pub hwm_kib: u64,
}

impl Memory {
    /// `None` without procfs.
    pub fn now() -> Option<Memory> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse::<u64>().ok())
        };
        Some(Memory {
            rss_kib: field("VmRSS:")?,
            hwm_kib: field("VmHWM:")?,
        })
    }
}

/// One provider's outcome.
#[derive(Debug, Clone)]
pub struct ProviderReport {
    pub provider: Provider,
    /// Page requests one walk of the dataset takes.
    pub walk_pages: usize,
    /// Records the simulator answers per page request (Salesforce answers whole batches of 200
    /// and the connector keeps `limit` of them).
    pub records_per_request: usize,
    pub direct: Stats,
    pub gateway: Stats,
    /// Memory after this provider's phases.
    pub memory: Option<Memory>,
}

impl ProviderReport {
    /// Gateway p50 / direct p50.
    pub fn p50_ratio(&self) -> f64 {
        let direct = self.direct.quantile(0.5).as_secs_f64();
        if direct > 0.0 {
            self.gateway.quantile(0.5).as_secs_f64() / direct
        } else {
            f64::INFINITY
        }
    }
}

/// The whole run.
#[derive(Debug, Clone)]
pub struct Report {
    pub settings: Settings,
    /// Memory once the simulators and the gateway are up, before any load.
    pub baseline: Option<Memory>,
    pub providers: Vec<ProviderReport>,
    /// Memory at the end (`hwm_kib` is the run's peak).
    pub end: Option<Memory>,
}

/// The gateway and its simulators, serving on a loopback port.
#[derive(Debug)]
pub struct Gateway {
    pub base_url: String,
    pub sandbox: Sandbox,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Gateway {
    /// Starts the sandbox's simulators (`leads` each, no request budget enforced: `Faults`'
    /// `budget` stays `None`, so no simulator ever answers 429) and the gateway on 127.0.0.1:0.
    pub async fn start(leads: usize, sim_latency: Duration) -> Result<Gateway, String> {
        let store = Store::in_memory().await.map_err(|e| e.to_string())?;
        // The connectors as `crm-server` builds them, minus the client-side limiters: Copper's and
        // Pipedrive's pacing would be measured instead of the gateway.
        let factory: Arc<dyn ConnectorFactory> =
            Arc::new(ProviderFactory::default().without_client_limits());
        let faults = Faults {
            latency: sim_latency,
            ..Faults::default()
        };
        let config = SimConfig::new(42, leads).with_faults(faults);
        let sandbox = sandbox::start_with(&store, factory.as_ref(), config)
            .await
            .map_err(|e| format!("sandbox: {e}"))?;
        let codec = CursorCodec::new(b"loadtest-cursor-secret-0123456789".to_vec());
        let state = AppState::new(store, factory, codec, Auth::open(SANDBOX_TENANT));
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| format!("bind: {e}"))?;
        let addr: SocketAddr = listener.local_addr().map_err(|e| e.to_string())?;
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(crm_server::serve::serve(
            listener,
            crm_server::router(state),
            crm_server::serve::ConnLimits::default(),
            async move {
                let _ = rx.await;
            },
        ));
        Ok(Gateway {
            base_url: format!("http://{addr}"),
            sandbox,
            shutdown: Some(tx),
            task,
        })
    }

    /// The simulator behind `provider`'s sandbox account.
    pub fn sim(&self, provider: Provider) -> &SimHandle {
        self.sandbox
            .cluster
            .by_id(provider.as_str())
            .expect("every provider has a simulator")
    }

    /// Stops the gateway (letting requests in flight finish) and the simulators.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = self.task.await;
        self.sandbox.shutdown().await;
    }
}

/// A loopback HTTP client with a connection per concurrent client.
pub fn http_client(clients: usize) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .pool_max_idle_per_host(clients.max(1) * 2)
        .timeout(Duration::from_secs(10))
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())
}

#[derive(Deserialize)]
struct UnifiedPage {
    result: Vec<IgnoredAny>,
    next_cursor: Option<String>,
}

/// The first `limit` leads page's URL, and the same with a cursor.
fn gateway_url(base: &str, provider: Provider, limit: u32, cursor: Option<&str>) -> String {
    let account = sandbox::sandbox_account(provider);
    let mut url = format!("{base}/unified/crm/leads?integrated_account_id={account}&limit={limit}");
    if let Some(cursor) = cursor {
        url.push_str("&next_cursor=");
        url.extend(form_urlencoded::byte_serialize(cursor.as_bytes()));
    }
    url
}

/// One gateway page: (body length, leads on the page, next cursor).
async fn gateway_page(
    client: &reqwest::Client,
    url: &str,
) -> Result<(Duration, usize, usize, Option<String>), String> {
    let started = Instant::now();
    let response = client.get(url).send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    if !status.is_success() {
        return Err(format!(
            "gateway answered {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        ));
    }
    let page: UnifiedPage =
        serde_json::from_slice(&body).map_err(|e| format!("unreadable gateway page: {e}"))?;
    Ok((elapsed, body.len(), page.result.len(), page.next_cursor))
}

/// Walks every page through the gateway once; returns the number of pages.
async fn gateway_walk(
    client: &reqwest::Client,
    base: &str,
    provider: Provider,
    limit: u32,
) -> Result<usize, String> {
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let url = gateway_url(base, provider, limit, cursor.as_deref());
        let (_, _, leads, next) = gateway_page(client, &url).await?;
        pages += 1;
        if leads == 0 && next.is_some() {
            return Err(format!("{provider}: an empty page that says more follows"));
        }
        match next {
            None => return Ok(pages),
            Some(next) => cursor = Some(next),
        }
        if pages > 10_000 {
            return Err(format!("{provider}: the walk does not end"));
        }
    }
}

/// A recorded page request, ready to replay.
#[derive(Debug, Clone)]
struct Replay {
    method: reqwest::Method,
    path: String,
    query: Option<String>,
    headers: reqwest::header::HeaderMap,
    body: String,
}

/// Headers the HTTP client sets itself.
const SKIPPED_HEADERS: [&str; 4] = ["host", "content-length", "connection", "transfer-encoding"];

fn replayable(logged: &LoggedRequest) -> Result<Replay, String> {
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in &logged.headers {
        if SKIPPED_HEADERS.contains(&name.as_str()) {
            continue;
        }
        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| format!("header {name}: {e}"))?;
        let value = reqwest::header::HeaderValue::from_str(value)
            .map_err(|e| format!("header {name}: {e}"))?;
        headers.append(name, value);
    }
    Ok(Replay {
        method: logged
            .method
            .parse()
            .map_err(|e| format!("method {}: {e}", logged.method))?,
        path: logged.path.clone(),
        query: logged.query.clone(),
        headers,
        body: logged.body.clone(),
    })
}

/// Salesforce's query locator in a path or body (`.../query/<locator>-<offset>`).
fn locator(text: &str) -> Option<&str> {
    let at = text.find("/query/")? + "/query/".len();
    let rest = &text[at..];
    let end = rest.find(['-', '"', '?']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|l| !l.is_empty())
}

/// One direct request: (latency, body length). For Salesforce, `current` is the query locator
/// this client's latest query opened: a recorded locator page is sent to it instead of to the
/// locator of the recorded walk.
async fn direct_page(
    client: &reqwest::Client,
    base: &str,
    replay: &Replay,
    salesforce: bool,
    current: &mut Option<String>,
) -> Result<(Duration, usize), String> {
    let recorded = locator(&replay.path);
    let path = match (recorded, current.as_deref()) {
        (Some(old), Some(new)) if salesforce => replay.path.replace(old, new),
        _ => replay.path.clone(),
    };
    let url = match &replay.query {
        Some(q) => format!("{base}{path}?{q}"),
        None => format!("{base}{path}"),
    };
    let mut request = client
        .request(replay.method.clone(), url)
        .headers(replay.headers.clone());
    if !replay.body.is_empty() {
        request = request.body(replay.body.clone());
    }
    let started = Instant::now();
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    if !status.is_success() {
        return Err(format!(
            "simulator answered {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        ));
    }
    if salesforce && recorded.is_none() {
        // The answer to a query opens the locator its later pages use (`nextRecordsUrl` comes
        // before the records).
        let head = String::from_utf8_lossy(&body[..body.len().min(4096)]);
        *current = head
            .find("\"nextRecordsUrl\"")
            .and_then(|at| locator(&head[at..]))
            .map(str::to_owned);
    }
    Ok((elapsed, body.len()))
}

/// Counts what the clients of one phase did.
#[derive(Debug, Default)]
struct Tally {
    latencies: Vec<Duration>,
    bytes: u64,
    errors: usize,
    first_error: Option<String>,
}

impl Tally {
    fn fail(&mut self, e: String) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(e);
        }
    }
}

/// Runs `clients` copies of `client` until `requests` were started or `time_limit` passed.
async fn phase<F, Fut>(settings: &Settings, client: F) -> Stats
where
    F: Fn(Arc<AtomicUsize>, Instant) -> Fut,
    Fut: std::future::Future<Output = Tally> + Send + 'static,
{
    let budget = Arc::new(AtomicUsize::new(settings.requests));
    let started = Instant::now();
    let deadline = started + settings.time_limit;
    let tasks: Vec<_> = (0..settings.clients.max(1))
        .map(|_| tokio::spawn(client(budget.clone(), deadline)))
        .collect();
    let mut stats = Stats::default();
    for task in tasks {
        match task.await {
            Ok(t) => {
                stats.latencies.extend(t.latencies);
                stats.bytes += t.bytes;
                stats.errors += t.errors;
                if stats.first_error.is_none() {
                    stats.first_error = t.first_error;
                }
            }
            Err(e) => {
                stats.errors += 1;
                stats.first_error.get_or_insert_with(|| e.to_string());
            }
        }
    }
    stats.wall = started.elapsed();
    stats.latencies.sort_unstable();
    stats.ok = stats.latencies.len();
    stats
}

/// Takes one request from the phase's budget; `false` once it is spent or the time is up.
fn take(budget: &AtomicUsize, deadline: Instant) -> bool {
    Instant::now() < deadline
        && budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok()
}

async fn measure(
    settings: &Settings,
    gateway: &Gateway,
    client: &reqwest::Client,
    provider: Provider,
) -> Result<ProviderReport, String> {
    let sim = gateway.sim(provider);
    let limit = settings.page_size;
    let base = gateway.base_url.clone();

    // 1. Warm up, then record one walk's page requests.
    gateway_walk(client, &base, provider, limit).await?;
    sim.reset_stats();
    let walk_pages = gateway_walk(client, &base, provider, limit).await?;
    let recorded: Vec<Replay> = sim
        .requests()
        .iter()
        .map(replayable)
        .collect::<Result<_, _>>()?;
    // A page is its list call plus the connector's enrichment calls (Pipedrive's persons), so
    // the direct path replays the same calls per page as the gateway makes.
    if walk_pages == 0 || recorded.len() % walk_pages != 0 {
        return Err(format!(
            "{provider}: a walk of {walk_pages} pages sent {} requests to the simulator; expected the same number per page",
            recorded.len()
        ));
    }
    let per_page = recorded.len() / walk_pages;
    let recorded: Vec<Vec<Replay>> = recorded.chunks(per_page).map(<[Replay]>::to_vec).collect();
    // Salesforce answers whole batches: `batchSize` is at least 200.
    let records_per_request = match provider {
        crm_salesforce::PROVIDER => (limit as usize).clamp(200, 2_000),
        _ => limit as usize,
    };

    // 2. Direct: replay the walk against the simulator.
    let recorded = Arc::new(recorded);
    let sim_base: Arc<str> = sim.base_url().into();
    let direct = phase(settings, |budget, deadline| {
        let (client, recorded, sim_base) = (client.clone(), recorded.clone(), sim_base.clone());
        let salesforce = provider == crm_salesforce::PROVIDER;
        async move {
            let mut tally = Tally::default();
            let mut current: Option<String> = None;
            let mut i = 0;
            while take(&budget, deadline) {
                let mut page = Ok((Duration::ZERO, 0));
                for replay in &recorded[i % recorded.len()] {
                    page = match (
                        page,
                        direct_page(&client, &sim_base, replay, salesforce, &mut current).await,
                    ) {
                        (Ok((t, b)), Ok((latency, bytes))) => Ok((t + latency, b + bytes)),
                        (Err(e), _) | (_, Err(e)) => Err(e),
                    };
                }
                match page {
                    Ok((latency, bytes)) => {
                        tally.latencies.push(latency);
                        tally.bytes += bytes as u64;
                    }
                    Err(e) => tally.fail(e),
                }
                i += 1;
            }
            tally
        }
    })
    .await;

    // 3. Gateway: walk the unified API.
    let gateway_stats = phase(settings, |budget, deadline| {
        let (client, base) = (client.clone(), base.clone());
        async move {
            let mut tally = Tally::default();
            let mut cursor: Option<String> = None;
            while take(&budget, deadline) {
                let url = gateway_url(&base, provider, limit, cursor.as_deref());
                match gateway_page(&client, &url).await {
                    Ok((latency, bytes, leads, next)) if leads > 0 || next.is_none() => {
                        tally.latencies.push(latency);
                        tally.bytes += bytes as u64;
                        cursor = next;
                    }
                    Ok(_) => {
                        tally.fail("an empty page that says more follows".into());
                        cursor = None;
                    }
                    Err(e) => {
                        tally.fail(e);
                        cursor = None;
                    }
                }
            }
            tally
        }
    })
    .await;

    Ok(ProviderReport {
        provider,
        walk_pages,
        records_per_request,
        direct,
        gateway: gateway_stats,
        memory: Memory::now(),
    })
}

/// Starts everything, measures each provider, stops everything.
pub async fn run(settings: &Settings) -> Result<Report, String> {
    let gateway = Gateway::start(settings.leads, settings.sim_latency).await?;
    let client = http_client(settings.clients)?;
    let baseline = Memory::now();
    let mut providers = Vec::new();
    let mut failure = None;
    for &provider in &settings.providers {
        match measure(settings, &gateway, &client, provider).await {
            Ok(report) => providers.push(report),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    let end = Memory::now();
    gateway.stop().await;
    if let Some(e) = failure {
        return Err(e);
    }
    Ok(Report {
        settings: settings.clone(),
        baseline,
        providers,
        end,
    })
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}

/// The report as a Markdown table plus notes.
pub fn render(report: &Report) -> String {
    let s = &report.settings;
    let mut out = String::new();
    out.push_str(&format!(
        "{} clients, at most {} requests or {} s per phase, {} leads per page, {} leads per simulator, simulator latency {} ms\n\n",
        s.clients,
        s.requests,
        s.time_limit.as_secs(),
        s.page_size,
        s.leads,
        s.sim_latency.as_millis()
    ));
    out.push_str("| provider | path | requests | errors | req/s | p50 ms | p99 ms | body KiB | gateway p50 / direct p50 | p50 added ms | VmRSS / VmHWM MiB after |\n");
    out.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for p in &report.providers {
        let memory = p
            .memory
            .map(|m| format!("{} / {}", mib(m.rss_kib), mib(m.hwm_kib)))
            .unwrap_or_else(|| "n/a".into());
        let added = p.gateway.quantile(0.5).as_secs_f64() - p.direct.quantile(0.5).as_secs_f64();
        for (label, stats, ratio, added, memory) in [
            (
                "direct",
                &p.direct,
                String::new(),
                String::new(),
                String::new(),
            ),
            (
                "gateway",
                &p.gateway,
                format!("{:.2}x", p.p50_ratio()),
                format!("{:+.2}", added * 1000.0),
                memory,
            ),
        ] {
            out.push_str(&format!(
                "| {} | {label} | {} | {} | {:.0} | {} | {} | {:.1} | {ratio} | {added} | {memory} |\n",
                p.provider.as_str(),
                stats.ok,
                stats.errors,
                stats.throughput(),
                ms(stats.quantile(0.5)),
                ms(stats.quantile(0.99)),
                stats.mean_bytes() as f64 / 1024.0,
            ));
        }
    }
    out.push('\n');
    for p in &report.providers {
        out.push_str(&format!(
            "{}: a walk is {} pages; the simulator answers {} records per page request{}\n",
            p.provider.as_str(),
            p.walk_pages,
            p.records_per_request,
            if p.provider == crm_salesforce::PROVIDER {
                " (batchSize is at least 200; the connector keeps `limit` of them)"
            } else {
                ""
            }
        ));
        for (label, stats) in [("direct", &p.direct), ("gateway", &p.gateway)] {
            if let Some(e) = &stats.first_error {
                out.push_str(&format!("  {label}: first error: {e}\n"));
            }
        }
    }
    if let (Some(base), Some(end)) = (report.baseline, report.end) {
        out.push_str(&format!(
            "\nmemory of the whole process (load generator + four simulators + gateway): VmRSS {} MiB before the load, {} MiB at the end; peak VmHWM {} MiB\n",
            mib(base.rss_kib),
            mib(end.rss_kib),
            mib(end.hwm_kib)
        ));
    }
    out
}
