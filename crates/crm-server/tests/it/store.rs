//! The account store suite, run against SQLite and, when `CRM_TEST_DATABASE_URL` names a
//! PostgreSQL database, against PostgreSQL too. Under `CI=true` the PostgreSQL run is mandatory:
//! CI installs PostgreSQL (scripts/start-postgres.sh), so a missing URL is a failure, not a skip.
//!
//! Every run uses fresh tenant names and account ids, so the suite can run repeatedly against the
//! same PostgreSQL database.

use crate::support::*;
use crm_core::CursorCodec;
use crm_server::store::{key_hash, Account, AccountsFile, Credentials, Store};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

fn temp_sqlite() -> (String, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!("crm-server-test-{}.db", Uuid::new_v4()));
    (format!("sqlite://{}", path.display()), path)
}

fn cleanup(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// The PostgreSQL URL to test against, if any.
fn postgres_url() -> Option<String> {
    match std::env::var("CRM_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(
                !ci,
                "CI=true but CRM_TEST_DATABASE_URL is not set: CI must run the store suite against PostgreSQL (start it with scripts/start-postgres.sh and export the URL it prints)"
            );
            eprintln!(
                "CRM_TEST_DATABASE_URL is not set: skipping the PostgreSQL run of the store suite"
            );
            None
        }
    }
}

fn sample_account(tenant: &str) -> Account {
    let mut a = Account::new(
        Uuid::new_v4(),
        tenant,
        crm_salesforce::PROVIDER,
        "https://acme.my.salesforce.com",
        Credentials {
            access_token: Some("at-TOPSECRET".into()),
            refresh_token: Some("rt-TOPSECRET".into()),
            client_id: Some("client-1".into()),
            client_secret: Some("cs-TOPSECRET".into()),
            token_url: Some("https://login.salesforce.com/services/oauth2/token".into()),
            ..Credentials::default()
        },
    );
    a.expires_at = Some("2026-12-01T00:00:00Z".parse().unwrap());
    a.api_version = Some("60.0".into());
    a
}

/// The suite: `url` is opened twice to check that migrations are idempotent and that settings
/// persist.
async fn store_suite(url: &str) {
    let store = Store::open(url).await.expect("open and migrate");
    store.ping().await.unwrap();
    let run = Uuid::new_v4().simple().to_string();
    let acme = format!("acme-{}", &run[..8]);
    let globex = format!("globex-{}", &run[..8]);

    // API keys: stored as hashes, scoped to a tenant, one owner per key.
    let key: SecretString = format!("key-{run}").into();
    store.add_api_key(&acme, &key).await.unwrap();
    store.add_api_key(&acme, &key).await.unwrap();
    assert_eq!(
        store.tenant_for_key(key.expose_secret()).await.unwrap(),
        Some(acme.clone())
    );
    assert_eq!(store.tenant_for_key("nope").await.unwrap(), None);
    let err = store.add_api_key(&globex, &key).await.unwrap_err();
    assert!(err.to_string().contains("already belongs"), "{err}");
    assert!(store.api_key_count().await.unwrap() >= 1);

    // Accounts: round trip, revision, tenancy.
    let mut account = sample_account(&acme);
    assert_eq!(store.put_account(&account).await.unwrap(), 1);
    let back = store.account(account.id).await.unwrap().unwrap();
    assert_eq!(back.tenant, acme);
    assert_eq!(back.provider, crm_salesforce::PROVIDER);
    assert_eq!(back.base_url, "https://acme.my.salesforce.com");
    assert_eq!(back.expires_at, account.expires_at);
    assert_eq!(back.api_version.as_deref(), Some("60.0"));
    assert_eq!(
        back.credentials.access_token.unwrap().expose_secret(),
        "at-TOPSECRET"
    );
    assert_eq!(back.credentials.client_id.as_deref(), Some("client-1"));
    assert_eq!(back.revision, 1);
    assert!(store
        .tenant_account(&acme, account.id)
        .await
        .unwrap()
        .is_some());
    assert!(store
        .tenant_account(&globex, account.id)
        .await
        .unwrap()
        .is_none());

    account.base_url = "https://acme2.my.salesforce.com".into();
    assert_eq!(store.put_account(&account).await.unwrap(), 2);

    // Token write-back bumps the revision.
    let refreshed = Credentials {
        access_token: Some("at2-TOPSECRET".into()),
        ..account.credentials.clone()
    };
    assert!(store
        .update_credentials(account.id, &refreshed, None)
        .await
        .unwrap());
    let back = store.account(account.id).await.unwrap().unwrap();
    assert_eq!(back.revision, 3);
    assert_eq!(back.expires_at, None);
    assert_eq!(
        back.credentials.access_token.unwrap().expose_secret(),
        "at2-TOPSECRET"
    );
    assert!(!store
        .update_credentials(Uuid::new_v4(), &refreshed, None)
        .await
        .unwrap());

    // Invalid accounts never reach the table.
    let mut bad = sample_account(&acme);
    bad.credentials.access_token = None;
    assert!(store.put_account(&bad).await.is_err());
    assert!(store.account(bad.id).await.unwrap().is_none());

    // Import: tenants get exactly the file's keys; accounts are upserted.
    let copper_id = Uuid::new_v4();
    let file = |keys: &str| {
        AccountsFile::parse(&format!(
            r#"
[[tenant]]
name = "{globex}"
api_keys = [{keys}]

[[account]]
id = "{copper_id}"
tenant = "{globex}"
provider = "copper"
base_url = "https://api.copper.com"
[account.credentials]
api_key = "copper-TOPSECRET"
user_email = "owner@example.com"
"#
        ))
        .unwrap()
    };
    let summary = store
        .import(&file(&format!(r#""g1-{run}", "g2-{run}""#)))
        .await
        .unwrap();
    assert_eq!(
        (summary.tenants, summary.api_keys, summary.accounts),
        (1, 2, 1)
    );
    assert_eq!(
        store.tenant_for_key(&format!("g1-{run}")).await.unwrap(),
        Some(globex.clone())
    );
    store
        .import(&file(&format!(r#""g2-{run}""#)))
        .await
        .unwrap();
    assert_eq!(
        store.tenant_for_key(&format!("g1-{run}")).await.unwrap(),
        None,
        "a key removed from the file is revoked"
    );
    assert_eq!(
        store.tenant_for_key(&format!("g2-{run}")).await.unwrap(),
        Some(globex.clone())
    );
    assert_eq!(store.account(copper_id).await.unwrap().unwrap().revision, 2);
    // A file that steals another tenant's key is refused whole.
    let thief = AccountsFile::parse(&format!(
        "[[tenant]]\nname = \"thief-{}\"\napi_keys = [\"{}\"]\n",
        &run[..8],
        key.expose_secret()
    ))
    .unwrap();
    assert!(store.import(&thief).await.is_err());

    let listed: Vec<Uuid> = store
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert!(listed.contains(&account.id) && listed.contains(&copper_id));

    assert!(store.remove_account(copper_id).await.unwrap());
    assert!(!store.remove_account(copper_id).await.unwrap());
    assert!(store.account(copper_id).await.unwrap().is_none());

    // Settings: first write wins; the cursor secret survives a reopen.
    let name = format!("test-{run}");
    assert_eq!(store.setting(&name).await.unwrap(), None);
    assert_eq!(store.setting_or_insert(&name, "one").await.unwrap(), "one");
    assert_eq!(store.setting_or_insert(&name, "two").await.unwrap(), "one");
    let secret = store.cursor_secret().await.unwrap();
    assert!(secret.len() >= 32);
    assert_eq!(store.cursor_secret().await.unwrap(), secret);

    let reopened = Store::open(url).await.expect("migrations are idempotent");
    assert_eq!(reopened.cursor_secret().await.unwrap(), secret);
    assert!(reopened.account(account.id).await.unwrap().is_some());

    // The HTTP layer over this backend: tenancy and listing with the test double.
    http_over(reopened, &run).await;
}

/// The router over a given store: a key sees its tenant's account and nothing else.
async fn http_over(store: Store, run: &str) {
    // TestApp adds tenants `acme`/`globex` with fixed keys and accounts; on a shared PostgreSQL
    // database they may exist from an earlier run, which `put_account`/`add_api_key` tolerate.
    let app = TestApp::with_store(store, Fake::new(5), |s| s).await;
    let r = app.leads("limit=2&truto_ignore_remote_data=true").await;
    assert_eq!(r.status, 200, "{run}: {}", String::from_utf8_lossy(&r.body));
    let cursor = r.json()["next_cursor"].as_str().unwrap().to_owned();
    assert_eq!(
        app.leads(&format!("limit=2&next_cursor={cursor}"))
            .await
            .status,
        200
    );
    let foreign = app
        .get(
            &format!("/unified/crm/leads?integrated_account_id={GLOBEX_ACCOUNT}"),
            Some(ACME_KEY),
        )
        .await;
    assert_eq!(foreign.status, 404);
    assert_eq!(app.leads("").await.status, 200);
    assert_eq!(
        app.get(
            &format!("/unified/crm/leads?integrated_account_id={ACME_ACCOUNT}"),
            Some("wrong")
        )
        .await
        .status,
        401
    );
}

#[tokio::test]
async fn sqlite_file() {
    let (url, path) = temp_sqlite();
    store_suite(&url).await;
    // Only hashes of API keys are on disk.
    let store = Store::open(&url).await.unwrap();
    store
        .add_api_key("disk", &"disk-key-PLAINTEXT".to_owned().into())
        .await
        .unwrap();
    drop(store);
    let bytes = std::fs::read(&path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("disk-key-PLAINTEXT"));
    assert!(text.contains(&key_hash("disk-key-PLAINTEXT")));
    cleanup(&path);
}

#[tokio::test]
async fn sqlite_in_memory() {
    let store = Store::in_memory().await.unwrap();
    let account = sample_account("memory");
    store.put_account(&account).await.unwrap();
    // The one connection keeps the database alive between calls.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(store.account(account.id).await.unwrap().is_some());
    http_over(store, "memory").await;
}

#[tokio::test]
async fn postgres() {
    let Some(url) = postgres_url() else { return };
    store_suite(&url).await;
}

#[tokio::test]
async fn unsupported_urls_are_refused_without_echoing_passwords() {
    let err = Store::open("mysql://root:hunter2@localhost/db")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("unsupported database URL"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

#[tokio::test]
async fn cursor_codec_from_the_stored_secret_is_stable() {
    let (url, path) = temp_sqlite();
    let a = CursorCodec::new(
        Store::open(&url)
            .await
            .unwrap()
            .cursor_secret()
            .await
            .unwrap(),
    );
    let b = CursorCodec::new(
        Store::open(&url)
            .await
            .unwrap()
            .cursor_secret()
            .await
            .unwrap(),
    );
    let binding = crm_core::cursor::CursorBinding {
        provider: crm_zoho::PROVIDER,
        account: "a",
        fingerprint: [1; 16],
    };
    let cursor = a.encode(&binding, &serde_json::json!({"page": 2}));
    assert_eq!(
        b.decode(&cursor, &binding).unwrap(),
        serde_json::json!({"page": 2})
    );
    cleanup(&path);
}

/// Lookups are cached briefly; writes through the store are seen at once, writes by another
/// process (another `Store` on the same database) within the cache's lifetime.
#[tokio::test]
async fn account_lookups_are_cached_and_writes_invalidate() {
    let (url, path) = temp_sqlite();
    let store = Store::open(&url).await.unwrap();
    let other_process = Store::open(&url).await.unwrap();
    let mut account = sample_account("acme");
    store.put_account(&account).await.unwrap();
    let first = store
        .tenant_account("acme", account.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.revision, 1);
    assert!(
        store
            .tenant_account("globex", account.id)
            .await
            .unwrap()
            .is_none(),
        "tenancy holds on a cache hit"
    );

    account.base_url = "https://moved.my.salesforce.com".into();
    other_process.put_account(&account).await.unwrap();
    let cached = store
        .tenant_account("acme", account.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        cached.revision, 1,
        "another process's write is not seen before the cache expires"
    );
    tokio::time::sleep(crm_server::store::ACCOUNT_CACHE_TTL + std::time::Duration::from_millis(50))
        .await;
    let fresh = store
        .tenant_account("acme", account.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (fresh.revision, fresh.base_url.as_str()),
        (2, "https://moved.my.salesforce.com")
    );

    assert!(store.remove_account(account.id).await.unwrap());
    assert!(
        store
            .tenant_account("acme", account.id)
            .await
            .unwrap()
            .is_none(),
        "own writes invalidate at once"
    );
    cleanup(&path);
}
