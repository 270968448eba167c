//! The account store: tenants, API key hashes, accounts with credentials, settings.
//!
//! One implementation over sqlx's `Any` driver: an SQLite file by default (created and migrated on
//! start), PostgreSQL with a `postgres://` URL so that several replicas share accounts. The schema
//! (`migrations/`) is portable SQL and uses TEXT and BIGINT only.

mod file;
mod model;

pub use file::{parse_credentials, AccountsFile, FileError, TenantEntry};
pub use model::{validate_tenant_name, Account, Credentials};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use crm_core::Provider;
use futures::future::BoxFuture;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::{AnyPool, Row};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The settings key of the cursor-signing secret.
const CURSOR_SECRET: &str = "cursor_secret";

/// Which database the store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Store failures. Messages never contain credentials or the database password.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(
        "unsupported database URL `{0}`: use sqlite://FILE, sqlite::memory: or postgres://..."
    )]
    UnsupportedUrl(String),
    #[error("the store holds a row it cannot read: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Invalid(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub tenants: usize,
    pub api_keys: usize,
    pub accounts: usize,
}

/// The embedded migrations, applied by sqlx's migrator (it records them in `_sqlx_migrations` and
/// takes a lock on PostgreSQL so that replicas starting together migrate once).
#[derive(Debug)]
struct Embedded;

const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "initial schema",
    include_str!("../../migrations/0001_initial.sql"),
)];

impl MigrationSource<'static> for Embedded {
    fn resolve(
        self,
    ) -> BoxFuture<'static, Result<Vec<Migration>, Box<dyn std::error::Error + Send + Sync>>> {
        Box::pin(async {
            Ok(MIGRATIONS
                .iter()
                .map(|(version, description, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(*description),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// Hex SHA-256 of an API key: what the store keeps instead of the key.
pub fn key_hash(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn now_text() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A database URL with any password replaced, for messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

/// The account store. Cheap to clone (a connection pool and a shared account cache).
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    cache: Arc<AccountCache>,
}

/// How long a looked-up account is served from memory. Every list request looks its account up;
/// the cache spares the database that round trip (~150 µs on SQLite) on busy accounts. Writes
/// through this store invalidate at once; writes by another process (the CLI, another replica)
/// are seen within this time.
pub const ACCOUNT_CACHE_TTL: Duration = Duration::from_secs(1);

/// Accounts by id with the time they were read.
#[derive(Default)]
struct AccountCache(
    std::sync::Mutex<std::collections::HashMap<Uuid, (std::time::Instant, Account)>>,
);

impl AccountCache {
    fn get(&self, id: Uuid) -> Option<Account> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&id)
            .filter(|(at, _)| at.elapsed() < ACCOUNT_CACHE_TTL)
            .map(|(_, account)| account.clone())
    }

    fn put(&self, account: &Account) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, (at, _)| at.elapsed() < ACCOUNT_CACHE_TTL);
        }
        map.insert(account.id, (std::time::Instant::now(), account.clone()));
    }

    fn forget(&self, id: Option<Uuid>) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match id {
            Some(id) => {
                map.remove(&id);
            }
            None => map.clear(),
        }
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating an SQLite file if needed) and migrates the store at `url`:
    /// `sqlite://crm-leads.db`, `sqlite::memory:`, `postgres://user:pw@127.0.0.1:5432/crm`.
    pub async fn open(url: &str) -> StoreResult<Store> {
        sqlx::any::install_default_drivers();
        let (backend, url, options) = if url.starts_with("sqlite:") {
            let memory = url.contains(":memory:") || url.contains("mode=memory");
            let url = if memory || url.contains("mode=") {
                url.to_owned()
            } else {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            };
            // An in-memory database lives as long as its one connection: keep exactly one, forever.
            let options = if memory {
                AnyPoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
            } else {
                AnyPoolOptions::new().max_connections(8)
            };
            (Backend::Sqlite, url, options)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (
                Backend::Postgres,
                url.to_owned(),
                AnyPoolOptions::new().max_connections(16),
            )
        } else {
            return Err(StoreError::UnsupportedUrl(redact_url(url)));
        };
        let pool = options
            .acquire_timeout(Duration::from_secs(10))
            .connect(&url)
            .await?;
        let store = Store {
            pool,
            backend,
            cache: Arc::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// A fresh in-memory SQLite store (sandbox, tests).
    pub async fn in_memory() -> StoreResult<Store> {
        Store::open("sqlite::memory:").await
    }

    async fn migrate(&self) -> StoreResult<()> {
        let migrator = Migrator::new(Embedded).await?;
        migrator.run(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks the database answers (health).
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    // ---- tenants and API keys -------------------------------------------------------------

    /// Creates the tenant if it does not exist.
    pub async fn ensure_tenant(&self, name: &str) -> StoreResult<()> {
        validate_tenant_name(name).map_err(StoreError::Invalid)?;
        sqlx::query(
            "INSERT INTO tenants (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(now_text())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Adds an API key (its hash) to a tenant, creating the tenant if needed. A key that already
    /// belongs to another tenant is refused.
    pub async fn add_api_key(&self, tenant: &str, key: &SecretString) -> StoreResult<()> {
        self.ensure_tenant(tenant).await?;
        let hash = key_hash(key.expose_secret());
        if let Some(owner) = self.tenant_for_key_hash(&hash).await? {
            if owner != tenant {
                return Err(StoreError::Invalid(format!(
                    "this API key already belongs to tenant `{owner}`"
                )));
            }
            return Ok(());
        }
        sqlx::query("INSERT INTO api_keys (key_sha256, tenant, created_at) VALUES ($1, $2, $3)")
            .bind(hash)
            .bind(tenant)
            .bind(now_text())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn tenant_for_key_hash(&self, hash: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT tenant FROM api_keys WHERE key_sha256 = $1")
            .bind(hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get::<String, _>(0)).transpose()?)
    }

    /// The tenant an API key belongs to.
    pub async fn tenant_for_key(&self, key: &str) -> StoreResult<Option<String>> {
        self.tenant_for_key_hash(&key_hash(key)).await
    }

    /// How many API keys the store holds (the server refuses to start with none, outside sandbox).
    /// Refuses a store holding accounts of a provider this build does not include, naming the
    /// provider, how many accounts and the cargo feature that includes it (checked at start, so no
    /// request fails on it later).
    pub async fn check_providers(&self) -> StoreResult<()> {
        let rows = sqlx::query("SELECT provider, COUNT(*) FROM accounts GROUP BY provider")
            .fetch_all(&self.pool)
            .await?;
        for row in rows {
            let provider: String = row.try_get(0)?;
            let count: i64 = row.try_get(1)?;
            if let Err(e) = crm_providers::lookup(&provider) {
                return Err(StoreError::Invalid(format!(
                    "the store holds {count} account(s) of provider `{provider}`: {e}"
                )));
            }
        }
        Ok(())
    }

    pub async fn api_key_count(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) FROM api_keys")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>(0)?)
    }

    // ---- accounts -------------------------------------------------------------------------

    /// Inserts or replaces an account (creating its tenant if needed). Returns the new revision.
    pub async fn put_account(&self, account: &Account) -> StoreResult<i64> {
        account.validate().map_err(StoreError::Invalid)?;
        self.cache.forget(Some(account.id));
        self.ensure_tenant(&account.tenant).await?;
        let now = now_text();
        upsert_account(account, now).execute(&self.pool).await?;
        let row = sqlx::query("SELECT revision FROM accounts WHERE id = $1")
            .bind(account.id.to_string())
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>(0)?)
    }

    /// Writes refreshed tokens back (another replica picks them up through the revision).
    pub async fn update_credentials(
        &self,
        id: Uuid,
        credentials: &Credentials,
        expires_at: Option<DateTime<Utc>>,
    ) -> StoreResult<bool> {
        self.cache.forget(Some(id));
        let done = sqlx::query(
            "UPDATE accounts SET credentials = $1, expires_at = $2, revision = revision + 1, updated_at = $3 WHERE id = $4",
        )
        .bind(credentials.to_store_json())
        .bind(expires_at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)))
        .bind(now_text())
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Writes refreshed OAuth tokens back (and the account's new base URL when the provider moved
    /// it). Other replicas and the next restart pick them up.
    pub async fn save_tokens(
        &self,
        id: Uuid,
        access_token: &SecretString,
        refresh_token: Option<&SecretString>,
        expires_at: Option<DateTime<Utc>>,
        base_url: Option<&str>,
    ) -> StoreResult<()> {
        let Some(mut account) = self.account(id).await? else {
            return Err(StoreError::Invalid(format!("no account {id}")));
        };
        account.credentials.access_token = Some(access_token.clone());
        if let Some(refresh) = refresh_token {
            account.credentials.refresh_token = Some(refresh.clone());
        }
        account.expires_at = expires_at;
        if let Some(url) = base_url {
            account.base_url = url.trim_end_matches('/').to_owned();
        }
        self.put_account(&account).await?;
        Ok(())
    }

    const ACCOUNT_COLUMNS: &'static str =
        "id, tenant, provider, base_url, credentials, expires_at, api_version, revision";

    fn account_from_row(row: &AnyRow) -> StoreResult<Account> {
        let id: String = row.try_get("id")?;
        let id = Uuid::parse_str(&id)
            .map_err(|_| StoreError::Corrupt(format!("account id `{id}` is not a uuid")))?;
        let provider: String = row.try_get("provider")?;
        let provider: Provider = crm_providers::lookup(&provider)
            .map_err(|e| StoreError::Corrupt(format!("account {id}: {e}")))?
            .provider;
        let credentials: String = row.try_get("credentials")?;
        let credentials = Credentials::from_store_json(&credentials)
            .map_err(|e| StoreError::Corrupt(format!("account {id}: {e}")))?;
        let expires_at: Option<String> = row.try_get("expires_at")?;
        let expires_at = expires_at
            .map(|t| {
                DateTime::parse_from_rfc3339(&t)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| {
                        StoreError::Corrupt(format!(
                            "account {id}: expires_at `{t}` is not RFC 3339"
                        ))
                    })
            })
            .transpose()?;
        Ok(Account {
            id,
            tenant: row.try_get("tenant")?,
            provider,
            base_url: row.try_get("base_url")?,
            credentials,
            expires_at,
            api_version: row.try_get("api_version")?,
            revision: row.try_get("revision")?,
        })
    }

    /// An account by id, whatever its tenant (CLI, registry).
    pub async fn account(&self, id: Uuid) -> StoreResult<Option<Account>> {
        let sql = format!(
            "SELECT {} FROM accounts WHERE id = $1",
            Self::ACCOUNT_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(Self::account_from_row).transpose()
    }

    /// An account by id, only if it belongs to `tenant` (another tenant's account is "not found").
    /// Served from the account cache for up to [`ACCOUNT_CACHE_TTL`].
    pub async fn tenant_account(&self, tenant: &str, id: Uuid) -> StoreResult<Option<Account>> {
        let account = match self.cache.get(id) {
            Some(account) => Some(account),
            None => {
                let fresh = self.account(id).await?;
                if let Some(account) = &fresh {
                    self.cache.put(account);
                }
                fresh
            }
        };
        Ok(account.filter(|a| a.tenant == tenant))
    }

    /// Every account, ordered by tenant then id.
    pub async fn accounts(&self) -> StoreResult<Vec<Account>> {
        let sql = format!(
            "SELECT {} FROM accounts ORDER BY tenant, id",
            Self::ACCOUNT_COLUMNS
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(Self::account_from_row).collect()
    }

    /// Removes an account; false when there was none.
    pub async fn remove_account(&self, id: Uuid) -> StoreResult<bool> {
        self.cache.forget(Some(id));
        let done = sqlx::query("DELETE FROM accounts WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Imports an accounts file in one transaction: its tenants get exactly the file's API keys
    /// (keys removed from the file are revoked), its accounts are inserted or replaced. Tenants and
    /// accounts that are not in the file are left alone.
    pub async fn import(&self, file: &AccountsFile) -> StoreResult<ImportSummary> {
        self.cache.forget(None);
        let mut tx = self.pool.begin().await?;
        let now = now_text();
        let mut summary = ImportSummary::default();
        let tenant_names = file
            .tenants
            .iter()
            .map(|t| t.name.as_str())
            .chain(file.accounts.iter().map(|a| a.tenant.as_str()));
        for name in tenant_names {
            validate_tenant_name(name).map_err(StoreError::Invalid)?;
            sqlx::query(
                "INSERT INTO tenants (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(now.as_str())
            .execute(&mut *tx)
            .await?;
        }
        for tenant in &file.tenants {
            summary.tenants += 1;
            sqlx::query("DELETE FROM api_keys WHERE tenant = $1")
                .bind(tenant.name.as_str())
                .execute(&mut *tx)
                .await?;
            for key in &tenant.api_keys {
                let hash = key_hash(key.expose_secret());
                let owner = sqlx::query("SELECT tenant FROM api_keys WHERE key_sha256 = $1")
                    .bind(hash.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some(owner) = owner {
                    let owner: String = owner.try_get(0)?;
                    return Err(StoreError::Invalid(format!(
                        "tenant `{}` lists an API key that already belongs to tenant `{owner}`",
                        tenant.name
                    )));
                }
                sqlx::query(
                    "INSERT INTO api_keys (key_sha256, tenant, created_at) VALUES ($1, $2, $3)",
                )
                .bind(hash)
                .bind(tenant.name.as_str())
                .bind(now.as_str())
                .execute(&mut *tx)
                .await?;
                summary.api_keys += 1;
            }
        }
        for account in &file.accounts {
            account.validate().map_err(StoreError::Invalid)?;
            upsert_account(account, now.clone())
                .execute(&mut *tx)
                .await?;
            summary.accounts += 1;
        }
        tx.commit().await?;
        Ok(summary)
    }

    // ---- settings -------------------------------------------------------------------------

    pub async fn setting(&self, name: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get::<String, _>(0)).transpose()?)
    }

    /// The setting's value, storing `value` first if it has none. Safe when several replicas race:
    /// the first write wins and everyone reads it back.
    pub async fn setting_or_insert(&self, name: &str, value: &str) -> StoreResult<String> {
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(value)
        .execute(&self.pool)
        .await?;
        self.setting(name)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("setting `{name}` vanished")))
    }

    /// The cursor-signing secret: generated (32 random bytes) and stored on first use, so that
    /// cursors stay valid across restarts and replicas.
    pub async fn cursor_secret(&self) -> StoreResult<Vec<u8>> {
        let mut fresh = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut fresh);
        let stored = self
            .setting_or_insert(CURSOR_SECRET, &STANDARD.encode(fresh))
            .await?;
        STANDARD
            .decode(stored.trim())
            .ok()
            .filter(|k| k.len() >= 16)
            .ok_or_else(|| {
                StoreError::Corrupt("the stored cursor secret is not base64 of 16+ bytes".into())
            })
    }
}

/// Inserts an account, or replaces it and bumps its revision: the one statement that writes a
/// whole account.
fn upsert_account(
    account: &Account,
    now: String,
) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments<'static>> {
    sqlx::query(
        "INSERT INTO accounts (id, tenant, provider, base_url, credentials, expires_at, api_version, revision, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) \
         ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, provider = excluded.provider, \
         base_url = excluded.base_url, credentials = excluded.credentials, expires_at = excluded.expires_at, \
         api_version = excluded.api_version, revision = accounts.revision + 1, updated_at = excluded.updated_at",
    )
    .bind(account.id.to_string())
    .bind(account.tenant.clone())
    .bind(account.provider.as_str())
    .bind(account.base_url.clone())
    .bind(account.credentials.to_store_json())
    .bind(account.expires_at_text())
    .bind(account.api_version.clone())
    .bind(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact_url("postgres://crm:hunter2@127.0.0.1:5432/crm"),
            "postgres://crm:***@127.0.0.1:5432/crm"
        );
        assert_eq!(redact_url("sqlite://crm-leads.db"), "sqlite://crm-leads.db");
    }

    #[test]
    fn key_hash_is_sha256_hex() {
        assert_eq!(
            key_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
