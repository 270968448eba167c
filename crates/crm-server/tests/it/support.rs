//! The test harness: the real router over an in-memory store, two tenants, and a test-double
//! connector with knobs for misbehaviour.

use async_trait::async_trait;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use crm_core::capabilities::{FilterSupport, ResponseField, EQ};
use crm_core::{
    Address, Capabilities, Connector, CursorCodec, DynConnector, EmailAddress, Error, Field,
    FilterKey, Lead, MapError, MapOptions, Operator, PageRequest, PhoneNumber, Provider, RateLimit,
    RawPage, Ref,
};
use crm_server::registry::ConnectorFactory;
use crm_server::store::{Account, Credentials, Store};
use crm_server::{AppState, Auth};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tower::ServiceExt;
use uuid::Uuid;

/// Every provider of the default build, ordered by id.
pub const ALL_PROVIDERS: [Provider; 6] = [
    crm_copper::PROVIDER,
    crm_insightly::PROVIDER,
    crm_pipedrive::PROVIDER,
    crm_salesforce::PROVIDER,
    crm_zendesk_sell::PROVIDER,
    crm_zoho::PROVIDER,
];

pub const ACME_KEY: &str = "acme-key-0123456789";
pub const GLOBEX_KEY: &str = "globex-key-0123456789";
/// The fake account of tenant acme.
pub const ACME_ACCOUNT: &str = "11111111-1111-4111-8111-111111111111";
/// The fake account of tenant globex.
pub const GLOBEX_ACCOUNT: &str = "22222222-2222-4222-8222-222222222222";
/// A secret that must never show up anywhere: the fake accounts' access token.
pub const ACCOUNT_TOKEN: &str = "provider-token-TOPSECRET";

/// Capabilities of the test double: owner (equality) and created_at (gte/lte only).
pub static FAKE_CAPS: Capabilities = Capabilities {
    provider: crm_pipedrive::PROVIDER,
    filters: &[
        FilterSupport {
            filter: FilterKey::OwnerId,
            operators: EQ,
            maps_to: "owner_id=<value>",
        },
        FilterSupport {
            filter: FilterKey::CreatedAt,
            operators: &[Operator::Gte, Operator::Lte],
            maps_to: "created_from / created_to",
        },
    ],
    fields: &[
        ResponseField::Id,
        ResponseField::OwnerId,
        ResponseField::Title,
        ResponseField::EmailAddresses,
        ResponseField::PhoneNumbers,
        ResponseField::Addresses,
        ResponseField::CreatedAt,
        ResponseField::RemoteData,
    ],
    max_page_size: 4,
    natural_page_size: 3,
    reserved_remote_query: &[],
    enrichment: None,
};

/// Other providers as the test double's world knows them, for "supported by" messages.
pub static OTHER_CAPS: Capabilities = Capabilities {
    provider: crm_salesforce::PROVIDER,
    filters: &[
        FilterSupport {
            filter: FilterKey::OwnerId,
            operators: EQ,
            maps_to: "OwnerId",
        },
        FilterSupport {
            filter: FilterKey::State,
            operators: EQ,
            maps_to: "State",
        },
    ],
    fields: &[ResponseField::Id],
    max_page_size: 2000,
    natural_page_size: 2000,
    reserved_remote_query: &[],
    enrichment: None,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    offset: usize,
}

impl crm_core::PagingState for State {}

type ErrorMaker = Box<dyn Fn() -> Error + Send + Sync>;

/// An in-memory connector: `total` numbered records, offset paging.
#[derive(Default)]
pub struct Fake {
    pub total: usize,
    pub fetches: AtomicUsize,
    pub page_sizes: Mutex<Vec<Option<u32>>>,
    pub fail: Mutex<Option<ErrorMaker>>,
    pub delay: Mutex<Option<Duration>>,
    pub rate_limit: RateLimit,
}

impl std::fmt::Debug for Fake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fake").field("total", &self.total).finish()
    }
}

impl Fake {
    pub fn new(total: usize) -> Self {
        Fake {
            total,
            ..Fake::default()
        }
    }

    pub fn fail_with(&self, make: impl Fn() -> Error + Send + Sync + 'static) {
        *self.fail.lock().unwrap() = Some(Box::new(make));
    }

    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl Connector for Fake {
    type State = State;

    fn capabilities(&self) -> &'static Capabilities {
        &FAKE_CAPS
    }

    async fn fetch_page(
        &self,
        request: PageRequest<'_, State>,
    ) -> crm_core::Result<RawPage<State>> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        self.page_sizes.lock().unwrap().push(request.page_size);
        let delay = *self.delay.lock().unwrap();
        if let Some(d) = delay {
            tokio::time::sleep(d).await;
        }
        if let Some(make) = self.fail.lock().unwrap().as_ref() {
            return Err(make());
        }
        let offset = request.state.map_or(0, |s| s.offset);
        let size = request.page_size.unwrap_or(FAKE_CAPS.natural_page_size) as usize;
        let owner = request.query.filters.owner_id.clone();
        let ids: Vec<usize> = (0..self.total)
            .filter(|i| owner.as_ref().is_none_or(|o| *o == format!("o{}", i % 3)))
            .collect();
        let end = (offset + size).min(ids.len());
        let records = ids[offset.min(end)..end]
            .iter()
            .map(|i| {
                RawValue::from_string(format!(
                    r#"{{"id":{i},"owner":"o{}","title":"Lead {i}","email":" Lead{i}@Example.COM ","phone":"(415) 555-01{i:02}","country":"US","created":"2024-01-{:02}T09:30:00Z","big":12345678901234567890}}"#,
                    i % 3,
                    i + 1
                ))
                .unwrap()
            })
            .collect();
        Ok(RawPage {
            records,
            next: (end < ids.len()).then_some(State { offset: end }),
            rate_limit: self.rate_limit,
        })
    }

    fn map_lead(&self, record: &RawValue, _: &MapOptions) -> Result<Lead, MapError> {
        #[derive(Deserialize)]
        struct R<'a> {
            id: u64,
            owner: &'a str,
            title: Option<&'a str>,
            email: &'a str,
            phone: &'a str,
            created: &'a str,
        }
        let r: R<'_> =
            serde_json::from_str(record.get()).map_err(|e| MapError::new(None, "record", e))?;
        Ok(Lead {
            owner: Ref::field(Some(r.owner.to_owned())),
            title: Field::text(r.title),
            email_addresses: Some(vec![EmailAddress {
                email: r.email.to_owned(),
                kind: Some("work".into()),
            }]),
            phone_numbers: Some(vec![PhoneNumber {
                number: r.phone.to_owned(),
                extension: None,
                kind: None,
            }]),
            addresses: Some(vec![Address {
                city: Some("San Francisco".into()),
                country: Some("United States".into()),
                ..Address::default()
            }]),
            created_at: Field::Value(crm_core::time::parse_datetime(r.created).unwrap()),
            ..Lead::new(r.id.to_string())
        })
    }
}

/// Hands out the registered test doubles by account id.
#[derive(Debug, Default)]
pub struct FakeFactory {
    pub connectors: Mutex<HashMap<Uuid, Arc<dyn DynConnector>>>,
}

impl ConnectorFactory for FakeFactory {
    fn build(&self, account: &Account) -> crm_core::Result<Arc<dyn DynConnector>> {
        self.connectors
            .lock()
            .unwrap()
            .get(&account.id)
            .cloned()
            .ok_or_else(|| Error::invalid("account", "no test double registered"))
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The app under test.
pub struct TestApp {
    pub router: Router,
    pub store: Store,
    pub acme: Arc<Fake>,
    pub globex: Arc<Fake>,
    pub factory: Arc<FakeFactory>,
}

pub fn credentials() -> Credentials {
    Credentials {
        access_token: Some(ACCOUNT_TOKEN.into()),
        ..Credentials::default()
    }
}

impl TestApp {
    /// acme (key [`ACME_KEY`], account [`ACME_ACCOUNT`] with 10 leads) and globex (key
    /// [`GLOBEX_KEY`], account [`GLOBEX_ACCOUNT`]).
    pub async fn new() -> TestApp {
        TestApp::build(Fake::new(10), |s| s).await
    }

    pub async fn build(acme: Fake, tweak: impl FnOnce(AppState) -> AppState) -> TestApp {
        let store = Store::in_memory().await.unwrap();
        TestApp::with_store(store, acme, tweak).await
    }

    pub async fn with_store(
        store: Store,
        acme: Fake,
        tweak: impl FnOnce(AppState) -> AppState,
    ) -> TestApp {
        let acme = Arc::new(acme);
        let globex = Arc::new(Fake::new(2));
        let factory = Arc::new(FakeFactory::default());
        for (tenant, key, id, fake) in [
            ("acme", ACME_KEY, ACME_ACCOUNT, acme.clone()),
            ("globex", GLOBEX_KEY, GLOBEX_ACCOUNT, globex.clone()),
        ] {
            let id = Uuid::parse_str(id).unwrap();
            store
                .add_api_key(tenant, &key.to_owned().into())
                .await
                .unwrap();
            store
                .put_account(&Account::new(
                    id,
                    tenant,
                    crm_pipedrive::PROVIDER,
                    "http://127.0.0.1:9",
                    credentials(),
                ))
                .await
                .unwrap();
            factory
                .connectors
                .lock()
                .unwrap()
                .insert(id, fake as Arc<dyn DynConnector>);
        }
        let state = AppState::new(
            store.clone(),
            factory.clone(),
            CursorCodec::new(b"test-cursor-secret-0123456789abcdef".to_vec()),
            Auth::keys("default", []),
        )
        .with_all_capabilities(vec![&FAKE_CAPS, &OTHER_CAPS]);
        let router = crm_server::router(tweak(state));
        TestApp {
            router,
            store,
            acme,
            globex,
            factory,
        }
    }

    /// GET `uri` with `key` as the bearer key.
    pub async fn get(&self, uri: &str, key: Option<&str>) -> Reply {
        let mut request = Request::get(uri);
        if let Some(key) = key {
            request = request.header("authorization", format!("Bearer {key}"));
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), 16 << 20)
            .await
            .unwrap()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    /// GET the leads route as acme with the query `q` (the account id is added).
    pub async fn leads(&self, q: &str) -> Reply {
        let sep = if q.is_empty() { "" } else { "&" };
        self.get(
            &format!("/unified/crm/leads?integrated_account_id={ACME_ACCOUNT}{sep}{q}"),
            Some(ACME_KEY),
        )
        .await
    }
}

/// Replaces a non-null `next_cursor` with a placeholder (cursors are signed, opaque values).
pub fn redact_cursor(mut v: Value) -> Value {
    if let Some(c) = v.get_mut("next_cursor") {
        if c.is_string() {
            *c = Value::String("[cursor]".into());
        }
    }
    v
}

/// The real server (`Server::run`: the accept loop and the router) on a loopback port.
pub struct RealServer {
    pub addr: std::net::SocketAddr,
    /// The simulators, with `--sandbox`; the test keeps them to read their counters.
    pub sandbox: Option<crm_server::sandbox::Sandbox>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), crm_server::cli::CliError>>,
}

impl RealServer {
    /// Starts with `flags` as on the command line, on 127.0.0.1 and a free port. Without
    /// `--sandbox`: the API key [`ACME_KEY`] and an in-memory store without accounts.
    pub async fn start(flags: &[&str]) -> RealServer {
        use clap::Parser;
        let sandbox = flags.contains(&"--sandbox");
        let mut args = vec!["crm-server", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(flags);
        if !sandbox {
            args.extend_from_slice(&["--api-key", ACME_KEY]);
        }
        let cli = crm_server::cli::Cli::try_parse_from(args).unwrap();
        let mut server = if sandbox {
            crm_server::cli::prepare(&cli.serve, "sqlite::memory:").await
        } else {
            crm_server::cli::prepare_with(&cli.serve, "sqlite::memory:", |_| {
                Arc::new(FakeFactory::default())
            })
            .await
        }
        .unwrap();
        let sandbox = server.sandbox.take();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let out = crate::cli::Shared::default();
        let mut writer = out.clone();
        let task = tokio::spawn(async move {
            server
                .run(&mut writer, async move {
                    let _ = rx.await;
                })
                .await
        });
        let mut banner = String::new();
        for _ in 0..500 {
            banner = out.text();
            if banner.ends_with('\n') {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let addr = banner
            .trim()
            .strip_prefix("crm-server listening on http://")
            .unwrap_or_else(|| panic!("{banner}"))
            .parse()
            .unwrap();
        RealServer {
            addr,
            sandbox,
            stop: Some(tx),
            task,
        }
    }

    pub async fn connect(&self) -> RawConn {
        RawConn::open(self.addr).await
    }

    /// A `GET /healthz` on a new connection.
    pub async fn healthz(&self) -> RawReply {
        let mut conn = self.connect().await;
        conn.send(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .await;
        conn.reply().await
    }

    /// Graceful shutdown, which must complete.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        tokio::time::timeout(Duration::from_secs(20), &mut self.task)
            .await
            .expect("graceful shutdown completes")
            .unwrap()
            .unwrap();
        if let Some(sandbox) = self.sandbox.take() {
            sandbox.shutdown().await;
        }
    }
}

/// Bounds every wait on the server, so that a server that never answers fails the test instead of
/// hanging it. Not a timing assertion: the outcomes tested arrive well within it.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A raw TCP connection to the server, for what an HTTP client library would not send.
pub struct RawConn {
    pub stream: tokio::net::TcpStream,
    read: Vec<u8>,
}

/// A response as read from the socket.
#[derive(Debug)]
pub struct RawReply {
    /// The status line, such as `HTTP/1.1 200 OK`.
    pub status_line: String,
    pub status: u16,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} with a body that is not JSON ({e}): {:?}",
                self.status_line,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Checks that this is the error envelope for `status`.
    pub fn assert_envelope(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{self:?}"
        );
        let body = self.json();
        assert_eq!(body["statusCode"], status, "{body}");
        assert_eq!(
            body["error"],
            StatusCode::from_u16(status)
                .unwrap()
                .canonical_reason()
                .unwrap(),
            "{body}"
        );
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
        body
    }
}

impl RawConn {
    pub async fn open(addr: std::net::SocketAddr) -> RawConn {
        assert!(addr.ip().is_loopback());
        RawConn {
            stream: tokio::net::TcpStream::connect(addr).await.unwrap(),
            read: Vec::new(),
        }
    }

    pub async fn send(&mut self, bytes: &[u8]) {
        use tokio::io::AsyncWriteExt;
        self.stream.write_all(bytes).await.unwrap();
    }

    /// Reads more; `false` at the end of the stream (or a reset).
    async fn more(&mut self) -> bool {
        use tokio::io::AsyncReadExt;
        let mut chunk = [0u8; 16384];
        match tokio::time::timeout(PATIENCE, self.stream.read(&mut chunk))
            .await
            .expect("the server neither answered nor closed the connection")
        {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.read.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    /// The next response, its body read by `content-length`.
    pub async fn reply(&mut self) -> RawReply {
        self.next_reply(true).await
    }

    /// The next response to a HEAD request (no body follows the head).
    pub async fn reply_to_head(&mut self) -> RawReply {
        self.next_reply(false).await
    }

    async fn next_reply(&mut self, with_body: bool) -> RawReply {
        loop {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut response = httparse::Response::new(&mut headers);
            if let Ok(httparse::Status::Complete(len)) = response.parse(&self.read) {
                let headers: Vec<(String, String)> = response
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_ascii_lowercase(),
                            String::from_utf8_lossy(h.value).into_owned(),
                        )
                    })
                    .collect();
                let status = response.code.unwrap();
                let status_line = format!(
                    "HTTP/1.{} {status} {}",
                    response.version.unwrap(),
                    response.reason.unwrap_or_default()
                );
                let length: usize = if with_body {
                    headers
                        .iter()
                        .find(|(k, _)| k == "content-length")
                        .map(|(_, v)| v.parse().unwrap())
                        .unwrap_or(0)
                } else {
                    0
                };
                while self.read.len() < len + length {
                    assert!(self.more().await, "the body ended early: {status_line}");
                }
                let rest = self.read.split_off(len + length);
                let body = self.read.split_off(len);
                self.read = rest;
                return RawReply {
                    status_line,
                    status,
                    headers,
                    body,
                };
            }
            assert!(
                self.more().await,
                "the connection closed without a response; read {:?}",
                String::from_utf8_lossy(&self.read)
            );
        }
    }

    /// Everything until the server closes the connection.
    pub async fn until_closed(&mut self) -> Vec<u8> {
        while self.more().await {}
        std::mem::take(&mut self.read)
    }
}
