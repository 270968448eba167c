//! `cargo xtask fixtures record`: run each scenario through the real connector via the recording
//! proxy, scrub the captured exchanges in memory, prove the scrubbed fixture replays to the same
//! unified output, and only then write it.
//!
//! "The same unified output" means: the pages the connector produced on the live run, scrubbed
//! with the same rules as the fixture (provider rules for `remote_data`, unified-field rules for
//! `first_name`, `phone_numbers`, ...; the fakes are deterministic), equal the pages the same
//! connector produces from the fixture on a `crm_testkit` replay server. Ids, dates, cursors,
//! counts, errors and every unscrubbed field must match exactly.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use crm_core::{list_page, render, CursorCodec, DynConnector, ListContext, ListRequest, Provider};
use crm_testkit::Scenario;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Value};

use crate::cli::RecordArgs;
use crate::providers::Account;
use crate::proxy::RecordingProxy;
use crate::scenarios::{self, Credentials, Discover, ScenarioSpec, PAGES_LINE, QUERY_LINE};
use crate::scrub::fake::{Faker, DEFAULT_KEY};
use crate::scrub::rules::RuleSet;
use crate::scrub::{ScrubStats, Scrubber};

/// Account id and cursor key of every recording and replay run (cursors are then identical).
const RUN_ACCOUNT: &str = "00000000-0000-4000-8000-00000000fa11";
const RUN_CURSOR_KEY: &[u8] = b"cargo xtask fixtures record";
/// Indentation of a response body inside a saved fixture (see `Scenario::to_json_pretty`).
const BODY_INDENT: usize = 8;
/// Page size of the discovery run that finds owner / person / organization ids.
const DISCOVERY_QUERY: &str = "limit=50";

/// What to record and where.
#[derive(Debug, Clone)]
pub struct RecordOptions {
    /// Scenario names to run (empty: all of each provider).
    pub scenarios: Vec<String>,
    /// The fixtures root; files go to `<out>/<provider>/recorded_<scenario>.json`.
    pub out: PathBuf,
    /// Refuse to write a fixture whose replay differs from the live run.
    pub verify: bool,
    /// The faker key (`CRM_RECORD_SCRUB_KEY`, or the fixed default).
    pub scrub_key: String,
    /// Draw a progress bar on stderr (hidden anyway when stderr is not a terminal).
    pub progress: bool,
}

impl RecordOptions {
    pub fn new(out: impl Into<PathBuf>) -> Self {
        RecordOptions {
            scenarios: Vec::new(),
            out: out.into(),
            verify: true,
            scrub_key: DEFAULT_KEY.to_owned(),
            progress: false,
        }
    }
}

/// How one scenario ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Verified (unless `--no-verify`) and written.
    Written(PathBuf),
    /// Not run: a filter value could not be discovered in the account.
    Skipped(String),
    /// Not written.
    Failed(String),
}

/// The result of one scenario, for the summary and for tests.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub provider: Provider,
    pub scenario: &'static str,
    /// The unified query that was run (discovered values filled in).
    pub query: String,
    pub status: Status,
    pub exchanges: usize,
    pub pages: usize,
    pub leads: usize,
    pub stats: ScrubStats,
    /// The live run's output, scrubbed like the fixture: what a replay must reproduce.
    pub expected: Option<Value>,
}

/// Every scenario of `accounts` (filtered by `options.scenarios`), in table order.
pub async fn record(accounts: &[Account], options: &RecordOptions) -> anyhow::Result<Vec<Outcome>> {
    let plan: Vec<(&Account, ScenarioSpec)> = accounts
        .iter()
        .flat_map(|account| {
            scenarios::for_provider(account.provider.as_str())
                .filter(|s| {
                    options.scenarios.is_empty() || options.scenarios.iter().any(|n| n == s.name)
                })
                .map(move |s| (account, s))
        })
        .collect();
    let bar = if options.progress {
        let bar = ProgressBar::new(plan.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{spinner} [{pos}/{len}] {wide_bar} {msg}")
        {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut outcomes = Vec::with_capacity(plan.len());
    for account in accounts {
        let specs: Vec<ScenarioSpec> = plan
            .iter()
            .filter(|(a, _)| a.provider == account.provider)
            .map(|(_, s)| *s)
            .collect();
        if specs.is_empty() {
            continue;
        }
        let mut session = Session::start(account, options).await?;
        for spec in specs {
            bar.set_message(format!("{}/{}", account.provider.as_str(), spec.name));
            let outcome = session.run(spec).await;
            bar.inc(1);
            outcomes.push(outcome);
        }
    }
    bar.finish_and_clear();
    Ok(outcomes)
}

/// One provider account behind one recording proxy.
struct Session<'a> {
    account: &'a Account,
    options: &'a RecordOptions,
    proxy: RecordingProxy,
    rules: RuleSet,
    compare_rules: RuleSet,
    /// Values found on the first page, once asked for.
    discovered: Option<BTreeMap<&'static str, String>>,
}

impl<'a> Session<'a> {
    async fn start(
        account: &'a Account,
        options: &'a RecordOptions,
    ) -> anyhow::Result<Session<'a>> {
        let proxy = RecordingProxy::start(&account.base_url)
            .await
            .with_context(|| {
                format!(
                    "{}: cannot start the recording proxy",
                    account.provider.as_str()
                )
            })?;
        let provider = account.provider.as_str();
        Ok(Session {
            account,
            options,
            proxy,
            rules: RuleSet::named(provider)?,
            compare_rules: RuleSet::union(&[provider, "unified"])?,
            discovered: None,
        })
    }

    fn scrubber(&self) -> Scrubber {
        let mut scrubber = Scrubber::new(Faker::new(&self.options.scrub_key))
            .with_origin(&self.account.base_url)
            .with_origin(self.proxy.origin());
        for secret in self.account.secrets() {
            scrubber = scrubber.with_secret(&secret);
        }
        scrubber
    }

    fn outcome(&self, spec: ScenarioSpec, query: &str, status: Status) -> Outcome {
        Outcome {
            provider: self.account.provider,
            scenario: spec.name,
            query: query.to_owned(),
            status,
            exchanges: 0,
            pages: 0,
            leads: 0,
            stats: ScrubStats::default(),
            expected: None,
        }
    }

    /// The first page's owner / contact / account ids (not recorded: the exchanges are dropped).
    async fn discover(&mut self, what: Discover) -> anyhow::Result<Option<String>> {
        if self.discovered.is_none() {
            let connector = self.account.connector(&self.proxy.base_url(), false)?;
            let output = run_query(connector.as_ref(), DISCOVERY_QUERY, 1).await?;
            self.proxy.take();
            self.proxy.take_failures();
            let mut found = BTreeMap::new();
            for d in [Discover::OwnerId, Discover::ContactId, Discover::AccountId] {
                if let Some(id) = first_id(&output, d.field()) {
                    found.insert(d.field(), id);
                }
            }
            self.discovered = Some(found);
        }
        Ok(self
            .discovered
            .as_ref()
            .and_then(|found| found.get(what.field()).cloned()))
    }

    async fn run(&mut self, spec: ScenarioSpec) -> Outcome {
        let query = match spec.discover {
            None => spec.query.to_owned(),
            Some(what) => match self.discover(what).await {
                Ok(Some(id)) => spec.query.replace(what.placeholder(), &encode(&id)),
                Ok(None) => {
                    return self.outcome(
                        spec,
                        spec.query,
                        Status::Skipped(format!(
                            "no lead on the first page has a {} id to filter by",
                            what.field()
                        )),
                    )
                }
                Err(e) => {
                    return self.outcome(
                        spec,
                        spec.query,
                        Status::Failed(format!("discovery failed: {e:#}")),
                    )
                }
            },
        };
        match self.record_one(spec, &query).await {
            Ok(outcome) => outcome,
            Err(e) => {
                self.proxy.take();
                self.proxy.take_failures();
                self.outcome(spec, &query, Status::Failed(format!("{e:#}")))
            }
        }
    }

    async fn record_one(&mut self, spec: ScenarioSpec, query: &str) -> anyhow::Result<Outcome> {
        let invalid = spec.credentials == Credentials::Invalid;
        let provider = self.account.provider;
        let connector = self.account.connector(&self.proxy.base_url(), invalid)?;
        let live = run_query(connector.as_ref(), query, spec.pages).await?;
        let raw = self.proxy.take();
        let failures = self.proxy.take_failures();
        if !failures.is_empty() {
            anyhow::bail!("the provider could not be reached: {}", failures.join("; "));
        }
        if raw.is_empty() {
            anyhow::bail!("the connector made no request (output: {live})");
        }

        let scrubber = self.scrubber();
        let exchanges = raw
            .iter()
            .map(|exchange| scrubber.exchange(exchange, &self.rules, BODY_INDENT))
            .collect::<Result<Vec<_>, _>>()
            .context("scrubbing failed; nothing was written")?;
        let stats = scrubber.stats();
        let scenario = Scenario {
            provider: provider.as_str().to_owned(),
            scenario: spec.fixture_name(),
            source: source_note(provider, &self.account.base_url),
            description: Some(format!(
                "{}.\n{QUERY_LINE}{query}\n{PAGES_LINE}{} at most\nRe-record with `cargo xtask fixtures record --provider {} --scenario {}`.",
                spec.about,
                spec.pages,
                provider.as_str(),
                spec.name
            )),
            exchanges,
        };
        // Round-trip through the saved text, so what is verified is exactly what is written.
        let text = scenario.to_json_pretty()?;
        let scenario = Scenario::from_json(&text)?;

        let expected = self
            .scrubber()
            .json_value(&live, &self.compare_rules)
            .context("scrubbing the live output for comparison")?;
        let mut outcome = self.outcome(spec, query, Status::Failed(String::new()));
        outcome.exchanges = scenario.exchanges.len();
        outcome.pages = live["pages"].as_array().map_or(0, Vec::len);
        outcome.leads = count_leads(&live);
        outcome.stats = stats;
        outcome.expected = Some(expected.clone());

        if self.options.verify {
            if let Err(problem) = verify_replay(
                self.account,
                &scenario,
                query,
                spec.pages,
                invalid,
                &expected,
            )
            .await
            {
                outcome.status = Status::Failed(format!(
                    "the scrubbed fixture does not replay to the live output: {problem}; nothing was written (use --no-verify to write it anyway)"
                ));
                return Ok(outcome);
            }
        }
        let path = self
            .options
            .out
            .join(provider.as_str())
            .join(format!("{}.json", spec.fixture_name()));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        outcome.status = Status::Written(path);
        Ok(outcome)
    }
}

/// `recorded by cargo xtask fixtures record on <date> from <provider> (host scrubbed)`.
fn source_note(provider: Provider, base_url: &str) -> String {
    let date = chrono::Utc::now().format("%Y-%m-%d");
    let loopback = url::Url::parse(base_url).ok().is_some_and(|u| {
        matches!(u.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
            || matches!(u.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
            || u.host_str() == Some("localhost")
    });
    let from = if loopback {
        format!("a {} simulator on loopback", provider.display_name())
    } else {
        provider.display_name().to_owned()
    };
    format!(
        "recorded by cargo xtask fixtures record on {date} from {from} (host scrubbed; \
         e-mails, phones, names and streets replaced by deterministic fakes; secrets removed)"
    )
}

/// Percent-encodes a discovered id for a query string.
fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// `<field>.id` of the first lead that has one, in the rendered output of `run_query`.
fn first_id(output: &Value, field: &str) -> Option<String> {
    output["pages"]
        .as_array()?
        .iter()
        .filter_map(|page| page["result"].as_array())
        .flatten()
        .find_map(|lead| match &lead[field]["id"] {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
}

fn count_leads(output: &Value) -> usize {
    output["pages"]
        .as_array()
        .map(|pages| {
            pages
                .iter()
                .map(|p| p["result"].as_array().map_or(0, Vec::len))
                .sum()
        })
        .unwrap_or(0)
}

/// Runs a unified query through the list pipeline for at most `max_pages` pages, following
/// `next_cursor`. Returns `{"pages": [<rendered page>...], "error": null | {status, message}}`:
/// a provider error is part of the output (error scenarios record it), a bad query is not.
pub async fn run_query(
    connector: &dyn DynConnector,
    query_string: &str,
    max_pages: usize,
) -> anyhow::Result<Value> {
    let request = ListRequest::from_query_string(query_string)
        .map_err(|e| anyhow::anyhow!("scenario query `{query_string}` is invalid: {e}"))?;
    let codec = CursorCodec::new(RUN_CURSOR_KEY.to_vec());
    let ctx = ListContext {
        account_id: RUN_ACCOUNT,
        codec: &codec,
    };
    let mut query = request.query.clone();
    let mut pages = Vec::new();
    let mut error = Value::Null;
    for _ in 0..max_pages {
        match list_page(connector, ctx, &query, request.options.format).await {
            Ok(page) => {
                let next = page.next_cursor.clone();
                let body = render(page, &request.options)
                    .map_err(|e| anyhow::anyhow!("rendering a page failed: {e}"))?;
                pages.push(serde_json::from_slice::<Value>(&body)?);
                match next {
                    Some(cursor) => query.cursor = Some(cursor),
                    None => break,
                }
            }
            Err(e) => {
                error = json!({"status": e.http_status(), "message": e.to_string()});
                break;
            }
        }
    }
    Ok(json!({"pages": pages, "error": error}))
}

/// Replays `scenario` through the test kit and runs the same query against it. `Ok` when the
/// output equals `expected` and every recorded exchange was used exactly once.
pub async fn verify_replay(
    account: &Account,
    scenario: &Scenario,
    query: &str,
    pages: usize,
    invalid_credentials: bool,
    expected: &Value,
) -> Result<(), String> {
    let replay = crm_testkit::replay(scenario).await;
    let result = async {
        let connector: Arc<dyn DynConnector> = account
            .connector(&replay.uri(), invalid_credentials)
            .map_err(|e| format!("cannot build the connector: {e}"))?;
        let output = run_query(connector.as_ref(), query, pages)
            .await
            .map_err(|e| format!("{e:#}"))?;
        let output = normalize_replay_output(&output, &replay.uri())?;
        if let Some(report) = replay.failure_report() {
            return Err(report);
        }
        match first_difference(expected, &output, "$") {
            None => Ok(()),
            Some(diff) => Err(diff),
        }
    }
    .await;
    if result.is_err() {
        // The replay's drop check would panic on the failure we are about to report; the mock
        // server is abandoned instead (this only happens on the failure path).
        std::mem::forget(replay);
    } else {
        replay.verify().await;
    }
    result
}

/// Replaces the replay server's origin (which differs from the proxy's) like the recording did.
pub fn normalize_replay_output(output: &Value, replay_uri: &str) -> Result<Value, String> {
    Scrubber::default()
        .with_origin(replay_uri)
        .json_value(output, &RuleSet::default())
        .map_err(|e| e.to_string())
}

/// The first place where two JSON values differ, as `$.pages[0].result[1].id: live `a`, replay `b``.
pub fn first_difference(live: &Value, replay: &Value, path: &str) -> Option<String> {
    match (live, replay) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let here = format!("{path}.{key}");
                match b.get(key) {
                    Some(other) => {
                        if let Some(d) = first_difference(value, other, &here) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{here}: missing on replay")),
                }
            }
            b.keys()
                .find(|k| !a.contains_key(*k))
                .map(|k| format!("{path}.{k}: only on replay"))
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                if let Some(d) = first_difference(x, y, &format!("{path}[{i}]")) {
                    return Some(d);
                }
            }
            (a.len() != b.len())
                .then(|| format!("{path}: {} items live, {} on replay", a.len(), b.len()))
        }
        (a, b) if a == b => None,
        (a, b) => Some(format!("{path}: live `{a}`, replay `{b}`")),
    }
}

/// The CLI entry: reads accounts from the environment and records.
pub fn run_cli(args: RecordArgs) -> anyhow::Result<ExitCode> {
    let lookup = |name: &str| std::env::var(name).ok();
    let accounts = accounts_from(&args.providers, &lookup)?;
    validate_scenarios(&accounts, &args.scenarios)?;
    let options = RecordOptions {
        scenarios: args.scenarios,
        out: args.out.unwrap_or_else(crm_testkit::fixtures_dir),
        verify: !args.no_verify,
        scrub_key: lookup("CRM_RECORD_SCRUB_KEY").unwrap_or_else(|| DEFAULT_KEY.to_owned()),
        progress: true,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let outcomes = runtime.block_on(record(&accounts, &options))?;
    print_summary(&outcomes, &options.out)?;
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::Failed(_)))
        .count();
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The accounts to record: the named providers (each must be configured), or every configured one.
pub fn accounts_from(
    providers: &[String],
    lookup: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<Vec<Account>> {
    let wanted: Vec<&'static crm_core::Descriptor> = if providers.is_empty() {
        crm_providers::all().to_vec()
    } else {
        providers
            .iter()
            .map(|p| crm_providers::lookup(p).map_err(anyhow::Error::msg))
            .collect::<anyhow::Result<_>>()?
    };
    let mut accounts = Vec::new();
    for descriptor in &wanted {
        match Account::from_env(descriptor, lookup)? {
            Some(account) => accounts.push(account),
            None if !providers.is_empty() => anyhow::bail!(
                "{}: no credentials; set {} (see xtask/README.md)",
                descriptor.provider.as_str(),
                env_list(descriptor)
            ),
            None => {}
        }
    }
    if accounts.is_empty() {
        let all: Vec<String> = crm_providers::all()
            .iter()
            .map(|d| format!("  {}: {}", d.provider.as_str(), env_list(d)))
            .collect();
        anyhow::bail!(
            "no provider account configured; set the variables of at least one:\n{}",
            all.join("\n")
        );
    }
    Ok(accounts)
}

fn env_list(descriptor: &crm_core::Descriptor) -> String {
    crate::providers::env_vars(descriptor)
        .iter()
        .map(|v| {
            if v.required {
                v.name.clone()
            } else {
                format!("[{}]", v.name)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn validate_scenarios(accounts: &[Account], names: &[String]) -> anyhow::Result<()> {
    for name in names {
        let known = accounts
            .iter()
            .any(|a| scenarios::find(a.provider.as_str(), name).is_some());
        if !known {
            let listed: Vec<String> = accounts
                .iter()
                .map(|a| {
                    let names: Vec<&str> = scenarios::for_provider(a.provider.as_str())
                        .map(|s| s.name)
                        .collect();
                    format!("{}: {}", a.provider.as_str(), names.join(", "))
                })
                .collect();
            anyhow::bail!(
                "unknown scenario `{name}` for the selected providers; known scenarios:\n  {}",
                listed.join("\n  ")
            );
        }
    }
    Ok(())
}

fn shown_path(path: &Path, out: &Path) -> String {
    let root = out
        .file_name()
        .map(PathBuf::from)
        .unwrap_or_else(|| out.to_path_buf());
    path.strip_prefix(out)
        .map(|rel| root.join(rel).display().to_string())
        .unwrap_or_else(|_| path.display().to_string())
}

/// The summary table on stdout, failures and skips explained on stderr.
pub fn print_summary(outcomes: &[Outcome], out: &Path) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "{:<11} {:<20} {:<8} {:>5} {:>5} {:>5}  {:<27} file",
        "provider", "scenario", "result", "calls", "pages", "leads", "scrubbed e/p/n/o/h/s"
    )?;
    for o in outcomes {
        let (result, file) = match &o.status {
            Status::Written(path) => ("written", shown_path(path, out)),
            Status::Skipped(_) => ("skipped", "-".to_owned()),
            Status::Failed(_) => ("FAILED", "-".to_owned()),
        };
        let s = o.stats;
        writeln!(
            stdout,
            "{:<11} {:<20} {:<8} {:>5} {:>5} {:>5}  {:<27} {file}",
            o.provider.as_str(),
            o.scenario,
            result,
            o.exchanges,
            o.pages,
            o.leads,
            format!(
                "{}/{}/{}/{}/{}/{}",
                s.emails, s.phones, s.names, s.other_personal, s.hosts, s.secrets
            ),
        )?;
    }
    drop(stdout);
    for o in outcomes {
        match &o.status {
            Status::Failed(why) => {
                eprintln!("{}/{} failed: {why}", o.provider.as_str(), o.scenario)
            }
            Status::Skipped(why) => {
                eprintln!("{}/{} skipped: {why}", o.provider.as_str(), o.scenario)
            }
            Status::Written(_) => {}
        }
    }
    let written = outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::Written(_)))
        .count();
    eprintln!(
        "{written} of {} scenario(s) written (scrubbed: e-mails/phones/names/other personal/hosts/secrets); review the diff, run `cargo xtask fixtures check`, then commit",
        outcomes.len()
    );
    Ok(())
}
