//! `crm-server --sandbox` end to end: simulators in-process, the four fixed accounts, no API key,
//! a real loopback port, ready-to-paste curl commands.

use crate::cli::Shared;
use clap::Parser;
use crm_server::cli::{self, Cli};
use crm_server::sandbox::sandbox_accounts;

#[tokio::test]
async fn sandbox_serves_the_four_accounts_without_a_key() {
    let cli = Cli::try_parse_from(["crm-server", "--sandbox", "--listen", "127.0.0.1:0"]).unwrap();
    let server = cli::prepare(&cli.serve, &cli.database).await.unwrap();
    assert!(server.sandbox.is_some());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let out = Shared::default();
    let mut writer = out.clone();
    let task = tokio::spawn(async move {
        server
            .run(&mut writer, async move {
                let _ = rx.await;
            })
            .await
    });
    let mut banner = String::new();
    for _ in 0..200 {
        banner = out.text();
        if banner.contains("Stop with Ctrl-C") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let base = banner
        .lines()
        .find_map(|l| l.strip_prefix("Listening on "))
        .unwrap_or_else(|| panic!("{banner}"))
        .trim()
        .to_owned();
    let port = base.rsplit(':').next().unwrap().to_owned();
    insta::assert_snapshot!("sandbox_banner", banner.replace(&port, "PORT"));

    let client = reqwest::Client::new();
    for (provider, id) in sandbox_accounts() {
        // Exactly the banner's command for this account.
        let url = format!("{base}/unified/crm/leads?integrated_account_id={id}&limit=2");
        assert!(banner.contains(&url), "{url}");
        let r = client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200, "{provider}");
        let body: serde_json::Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
        assert_eq!(body["result"].as_array().unwrap().len(), 2, "{provider}");
        assert!(body["next_cursor"].is_string(), "{provider}");
    }
    // The banner's filter and meta examples work as printed (curl -g keeps the brackets).
    for line in banner
        .lines()
        .filter(|l| l.trim_start().starts_with("curl"))
    {
        let url = line.split('\'').nth(1).unwrap();
        let r = client.get(url).send().await.unwrap();
        assert_eq!(r.status(), 200, "{line}");
    }
    tx.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), task)
        .await
        .expect("graceful shutdown")
        .unwrap()
        .unwrap();
}

/// HEAD on the routes that reach a provider is refused before any provider call (axum would run
/// the GET handler and drop the body); `/healthz` and `/openapi.json` still answer HEAD.
#[tokio::test]
async fn head_requests_never_reach_a_provider() {
    use crate::support::RealServer;
    use crm_sim::SimProvider;
    let server = RealServer::start(&["--sandbox"]).await;
    let sims = [
        SimProvider::Copper,
        SimProvider::Pipedrive,
        SimProvider::Salesforce,
        SimProvider::Zoho,
    ];
    let provider_requests = |server: &RealServer| -> u64 {
        let cluster = &server.sandbox.as_ref().unwrap().cluster;
        sims.iter().map(|p| cluster.get(*p).stats().requests).sum()
    };
    let mut conn = server.connect().await;
    for (_, id) in sandbox_accounts() {
        for path in [
            format!("/unified/crm/leads?integrated_account_id={id}&limit=2"),
            format!("/unified/crm/leads/meta?integrated_account_id={id}"),
        ] {
            conn.send(format!("HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
                .await;
            let reply = conn.reply_to_head().await;
            assert_eq!(reply.status, 405, "{path}: {reply:?}");
            assert_eq!(reply.header("allow"), Some("GET"), "{path}");
            assert_eq!(reply.header("content-type"), Some("application/json"));
        }
    }
    assert_eq!(provider_requests(&server), 0);
    for path in ["/healthz", "/openapi.json"] {
        conn.send(format!("HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
            .await;
        assert_eq!(conn.reply_to_head().await.status, 200, "{path}");
    }
    // Other methods get the same 405 with the envelope.
    let (_, id) = sandbox_accounts().next().unwrap();
    conn.send(
        format!("DELETE /unified/crm/leads?integrated_account_id={id} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .as_bytes(),
    )
    .await;
    let reply = conn.reply().await;
    reply.assert_envelope(405);
    assert_eq!(reply.header("allow"), Some("GET"));
    // The counters do count: a GET reaches the provider.
    conn.send(
        format!("GET /unified/crm/leads?integrated_account_id={id}&limit=2 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .as_bytes(),
    )
    .await;
    assert_eq!(conn.reply().await.status, 200);
    assert!(provider_requests(&server) > 0);
    server.stop().await;
}
