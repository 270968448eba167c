//! `crm-server --sandbox` end to end: simulators in-process, the four fixed accounts, no API key,
//! a real loopback port, ready-to-paste curl commands.

use crate::cli::Shared;
use clap::Parser;
use crm_server::cli::{self, Cli};
use crm_server::sandbox::SANDBOX_ACCOUNTS;

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
    for (provider, id) in SANDBOX_ACCOUNTS {
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
