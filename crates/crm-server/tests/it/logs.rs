//! Request logs carry the request id, account, provider, status and duration, and never a secret.

use crate::support::*;
use crm_core::{Error, RemoteResponse};
use std::io::Write;
use std::sync::{Arc, Mutex};
use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// A second dispatcher that stays registered for the whole test run.
///
/// With exactly one live dispatcher registered, tracing-core takes a shortcut: callsite interest
/// and the global max level are computed from the *registering thread's* default dispatcher. A
/// test on another thread (no subscriber) that registers a callsite or rebuilds interest while
/// [`captured`] runs then disables events for the capturing thread too, and nothing is captured.
/// Keeping a second dispatcher alive turns the shortcut off: interest is then computed over every
/// registered dispatcher.
fn keep_interest_shared() {
    static KEPT: std::sync::OnceLock<tracing::Dispatch> = std::sync::OnceLock::new();
    KEPT.get_or_init(|| {
        let dispatch = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
        drop(tracing::dispatcher::set_default(&dispatch));
        dispatch
    });
}

/// Runs `f` with every log event (trace level, all targets) captured, on this thread.
pub async fn captured<F: std::future::Future<Output = ()>>(json: bool, f: F) -> String {
    keep_interest_shared();
    let capture = Capture::default();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_writer(capture.clone())
        .with_ansi(false);
    let _guard = if json {
        tracing::subscriber::set_default(
            builder
                .json()
                .with_current_span(true)
                .with_span_list(true)
                .finish(),
        )
    } else {
        tracing::subscriber::set_default(builder.finish())
    };
    f.await;
    capture.text()
}

/// The secrets a request path touches: caller key, provider token, query values, provider bodies.
const SECRETS: &[&str] = &[
    ACME_KEY,
    ACCOUNT_TOKEN,
    "QUERY-VALUE-SECRET",
    "WRONG-KEY-SECRET",
    "PROVIDER-BODY-SECRET",
];

async fn traffic() {
    let app = TestApp::new().await;
    let ok = app
        .leads("limit=2&remote_query[x]=QUERY-VALUE-SECRET&owner[id]=o1")
        .await;
    assert_eq!(ok.status, 200);
    let wrong = app
        .get(
            &format!("/unified/crm/leads?integrated_account_id={ACME_ACCOUNT}"),
            Some("WRONG-KEY-SECRET"),
        )
        .await;
    assert_eq!(wrong.status, 401);
    app.acme.fail_with(|| Error::Unauthorized {
        provider: crm_pipedrive::PROVIDER,
        message: "rejected".into(),
        remote: Some(RemoteResponse::new(401, b"PROVIDER-BODY-SECRET", None)),
    });
    assert_eq!(app.leads("limit=1").await.status, 401);
}

#[tokio::test]
async fn text_request_logs_have_the_fields_and_no_secrets() {
    let logs = captured(false, traffic()).await;
    for secret in SECRETS {
        assert!(
            !logs.contains(secret),
            "`{secret}` leaked into the logs:\n{logs}"
        );
    }
    let finished: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("request finished"))
        .collect();
    assert_eq!(finished.len(), 3, "{logs}");
    let ok = finished[0];
    for part in [
        "request_id=",
        &format!("account_id={ACME_ACCOUNT}"),
        "provider=pipedrive",
        "path=/unified/crm/leads",
        "status=200",
        "duration_ms=",
    ] {
        assert!(ok.contains(part), "`{part}` missing in: {ok}");
    }
    assert!(finished[1].contains("status=401") && !finished[1].contains("account_id"));
    assert!(finished[2].contains("status=401") && finished[2].contains("remote=true"));
}

#[tokio::test]
async fn json_request_logs_have_the_fields_and_no_secrets() {
    let logs = captured(true, traffic()).await;
    for secret in SECRETS {
        assert!(
            !logs.contains(secret),
            "`{secret}` leaked into the logs:\n{logs}"
        );
    }
    let line = logs
        .lines()
        .find(|l| l.contains("request finished") && l.contains("\"status\":200"))
        .unwrap_or_else(|| panic!("{logs}"));
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(v["fields"]["status"], 200);
    assert!(v["fields"]["duration_ms"].as_f64().is_some());
    let span = &v["span"];
    assert_eq!(span["account_id"], ACME_ACCOUNT);
    assert_eq!(span["provider"], "pipedrive");
    assert_eq!(span["request_id"].as_str().unwrap().len(), 36);
}

#[tokio::test]
async fn debug_output_of_the_state_hides_secrets() {
    let app = TestApp::new().await;
    let account = app
        .store
        .account(uuid::Uuid::parse_str(ACME_ACCOUNT).unwrap())
        .await
        .unwrap()
        .unwrap();
    let text = format!("{account:?} {account:#?} {:?}", app.store);
    assert!(!text.contains(ACCOUNT_TOKEN), "{text}");
    let state = crm_server::AppState::new(
        app.store.clone(),
        app.factory.clone(),
        crm_core::CursorCodec::new(b"CODEC-KEY-SECRET".to_vec()),
        crm_server::Auth::keys(
            "t",
            [&secrecy::SecretString::from(
                "CONFIGURED-KEY-SECRET".to_owned(),
            )],
        ),
    );
    let text = format!("{state:?}");
    assert!(!text.contains("SECRET"), "{text}");
}
