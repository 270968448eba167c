//! The command line: parsing, refusing to start, the accounts subcommands, and a real server on a
//! loopback port with graceful shutdown.

use crate::support::*;
use clap::Parser;
use crm_server::cli::{self, AccountsCommand, Cli, Command};
use std::sync::Arc;
use uuid::Uuid;

fn parse(args: &[&str]) -> Cli {
    Cli::try_parse_from(std::iter::once("crm-server").chain(args.iter().copied()))
        .unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn temp_db() -> (String, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!("crm-server-cli-{}.db", Uuid::new_v4()));
    (format!("sqlite://{}", path.display()), path)
}

#[test]
fn parses_serve_defaults_and_subcommands() {
    let cli = parse(&[]);
    assert!(cli.command.is_none());
    assert_eq!(cli.serve.listen.to_string(), "127.0.0.1:8080");
    assert!(!cli.serve.sandbox);
    assert_eq!(cli.database, "sqlite://crm-leads.db");

    let cli = parse(&["--sandbox"]);
    assert!(cli.serve.sandbox);

    let cli = parse(&[
        "serve",
        "--listen",
        "0.0.0.0:9000",
        "--api-key",
        "k1",
        "--api-key",
        "k2",
        "--database",
        "postgres://crm@127.0.0.1/crm",
    ]);
    let Some(Command::Serve(args)) = &cli.command else {
        panic!("{cli:?}")
    };
    assert_eq!(args.listen.to_string(), "0.0.0.0:9000");
    assert_eq!(args.api_keys.len(), 2);
    assert_eq!(cli.database, "postgres://crm@127.0.0.1/crm");
    // Debug never prints the keys.
    let text = format!("{cli:?}");
    assert!(!text.contains("k1") && !text.contains("k2"), "{text}");

    let cli = parse(&["accounts", "remove", "00000000-0000-4000-8000-00000000c0e1"]);
    assert!(matches!(
        cli.command,
        Some(Command::Accounts(AccountsCommand::Remove { .. }))
    ));
    let cli = parse(&[
        "accounts",
        "add",
        "--provider",
        "zoho",
        "--base-url",
        "https://www.zohoapis.eu",
        "--credentials",
        "-",
    ]);
    let Some(Command::Accounts(AccountsCommand::Add(add))) = &cli.command else {
        panic!()
    };
    assert_eq!(add.provider, crm_zoho::PROVIDER);
    assert_eq!(add.tenant, "default");
    assert!(
        Cli::try_parse_from(["crm-server", "accounts", "add", "--provider", "hubspot"]).is_err()
    );
}

#[tokio::test]
async fn refuses_to_start_without_an_api_key() {
    let (url, path) = temp_db();
    let cli = parse(&[]);
    let err = cli::prepare(&cli.serve, &url)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("refusing to start: no API key is configured"),
        "{err}"
    );
    assert!(
        err.contains("--api-key") && err.contains("--sandbox"),
        "{err}"
    );

    let cli = parse(&["--api-key", "some-key-123"]);
    let server = cli::prepare(&cli.serve, &url).await.unwrap();
    assert!(server.sandbox.is_none());
    // A key stored by an import also counts.
    let cli = parse(&[]);
    let store = crm_server::Store::open(&url).await.unwrap();
    store
        .add_api_key("acme", &"stored-key".to_owned().into())
        .await
        .unwrap();
    assert!(cli::prepare(&cli.serve, &url).await.is_ok());
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn sandbox_refuses_non_loopback_addresses() {
    for addr in ["0.0.0.0:8080", "192.168.1.10:8080", "[::]:8080"] {
        let cli = parse(&["--sandbox", "--listen", addr]);
        let err = cli::prepare(&cli.serve, "sqlite::memory:")
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("loopback only"), "{addr}: {err}");
    }
}

#[tokio::test]
async fn short_cursor_secrets_are_refused_and_a_given_secret_is_used() {
    let cli = parse(&["--api-key", "k", "--cursor-secret", "short"]);
    let err = cli::prepare(&cli.serve, "sqlite::memory:")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("at least 16"), "{err}");
}

#[tokio::test]
async fn the_cursor_secret_persists_across_restarts() {
    let (url, path) = temp_db();
    let cli = parse(&["--api-key", "k"]);
    let binding = crm_core::cursor::CursorBinding {
        provider: crm_copper::PROVIDER,
        account: "a",
        fingerprint: [0; 16],
    };
    let first = cli::prepare(&cli.serve, &url).await.unwrap();
    let cursor = first
        .state
        .codec
        .encode(&binding, &serde_json::json!({"p": 2}));
    drop(first);
    let second = cli::prepare(&cli.serve, &url).await.unwrap();
    assert!(second.state.codec.decode(&cursor, &binding).is_ok());
    // An explicit secret replaces the stored one.
    let cli = parse(&[
        "--api-key",
        "k",
        "--cursor-secret",
        "0123456789abcdef-explicit",
    ]);
    let third = cli::prepare(&cli.serve, &url).await.unwrap();
    assert!(third.state.codec.decode(&cursor, &binding).is_err());
    let _ = std::fs::remove_file(path);
}

async fn run_accounts(url: &str, args: &[&str]) -> Result<String, String> {
    let mut all = vec!["accounts"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--database", url]);
    let cli = parse(&all);
    let Some(Command::Accounts(cmd)) = cli.command else {
        panic!()
    };
    let mut out = Vec::new();
    cli::accounts(cmd, &cli.database, &mut out)
        .await
        .map(|()| String::from_utf8(out).unwrap())
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn accounts_subcommands_never_print_secrets() {
    let (url, path) = temp_db();
    let dir = std::env::temp_dir().join(format!("crm-server-cli-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();

    let creds = dir.join("creds.toml");
    std::fs::write(
        &creds,
        "api_key = \"copper-key-TOPSECRET\"\nuser_email = \"owner@example.com\"\n",
    )
    .unwrap();
    let id = "00000000-0000-4000-8000-00000000c0e1";
    let added = run_accounts(
        &url,
        &[
            "add",
            "--provider",
            "copper",
            "--base-url",
            "https://api.copper.com/",
            "--id",
            id,
            "--tenant",
            "acme",
            "--credentials",
            creds.to_str().unwrap(),
        ],
    )
    .await;
    // The connector factory validates what it can build; Copper must be buildable.
    let added = added.unwrap();
    assert!(
        added.contains(id) && added.contains("api_key,user_email"),
        "{added}"
    );
    assert!(!added.contains("TOPSECRET"));

    let missing = dir.join("missing.toml");
    std::fs::write(&missing, "user_email = \"owner@example.com\"\n").unwrap();
    let err = run_accounts(
        &url,
        &[
            "add",
            "--provider",
            "copper",
            "--base-url",
            "https://api.copper.com",
            "--credentials",
            missing.to_str().unwrap(),
        ],
    )
    .await
    .unwrap_err();
    assert!(err.contains("needs `api_key` and `user_email`"), "{err}");

    let file = dir.join("accounts.toml");
    std::fs::write(
        &file,
        r#"
[[tenant]]
name = "globex"
api_keys = ["globex-key-TOPSECRET"]

[[account]]
id = "00000000-0000-4000-8000-0000000020c0"
tenant = "globex"
provider = "zoho"
base_url = "https://www.zohoapis.eu"
[account.credentials]
access_token = "zoho-token-TOPSECRET"
expires_at = "2026-12-01T00:00:00Z"
"#,
    )
    .unwrap();
    let imported = run_accounts(&url, &["import", file.to_str().unwrap()])
        .await
        .unwrap();
    assert_eq!(
        imported.trim(),
        "imported 1 tenant(s) with 1 API key(s) and 1 account(s)"
    );

    let listed = run_accounts(&url, &["list"]).await.unwrap();
    assert!(!listed.contains("TOPSECRET"), "{listed}");
    assert!(!listed.contains("owner@example.com"), "{listed}");
    assert!(
        listed.contains("copper") && listed.contains("zoho"),
        "{listed}"
    );
    assert!(listed.contains("2026-12-01T00:00:00Z"), "{listed}");
    insta::assert_snapshot!("accounts_list", listed);

    let removed = run_accounts(&url, &["remove", id]).await.unwrap();
    assert_eq!(removed.trim(), format!("removed account {id}"));
    let err = run_accounts(&url, &["remove", id]).await.unwrap_err();
    assert_eq!(err, format!("no account {id}"));
    let listed = run_accounts(&url, &["list"]).await.unwrap();
    assert!(!listed.contains(id));

    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_file(path);
}

/// A writer the test can read while the server task writes to it.
#[derive(Clone, Default)]
pub struct Shared(Arc<std::sync::Mutex<Vec<u8>>>);

impl Shared {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn serves_on_a_loopback_port_and_shuts_down_gracefully() {
    let (url, path) = temp_db();
    let cli = parse(&["--api-key", ACME_KEY, "--listen", "127.0.0.1:0"]);
    let server = cli::prepare_with(&cli.serve, &url, |_| Arc::new(FakeFactory::default()))
        .await
        .unwrap();
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
    for _ in 0..100 {
        banner = out.text();
        if !banner.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let base = banner
        .trim()
        .strip_prefix("crm-server listening on ")
        .unwrap_or_else(|| panic!("{banner}"))
        .to_owned();
    let client = reqwest::Client::new();
    let health = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let r = client
        .get(format!(
            "{base}/unified/crm/leads?integrated_account_id={}",
            Uuid::new_v4()
        ))
        .bearer_auth(ACME_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/json");
    tx.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), task)
        .await
        .expect("graceful shutdown completes")
        .unwrap()
        .unwrap();
    let _ = std::fs::remove_file(path);
}

/// An account of a provider this build does not include stops the server at start, naming it.
#[tokio::test]
async fn accounts_of_a_provider_not_in_this_build_refuse_the_start() {
    let (url, path) = temp_db();
    let store = crm_server::Store::open(&url).await.unwrap();
    store
        .put_account(&crm_server::store::Account::new(
            Uuid::new_v4(),
            "acme",
            crm_copper::PROVIDER,
            "https://api.copper.com",
            crm_server::store::Credentials {
                api_key: Some("k".to_owned().into()),
                user_email: Some("u@example.com".to_owned().into()),
                ..Default::default()
            },
        ))
        .await
        .unwrap();
    drop(store);
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query("UPDATE accounts SET provider = 'nutshell-crm'")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let err = cli::prepare(&parse(&["--api-key", "k"]).serve, &url)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("1 account(s) of provider `nutshell-crm`") && err.contains("unknown provider"),
        "{err}"
    );
    let _ = std::fs::remove_file(path);
}
