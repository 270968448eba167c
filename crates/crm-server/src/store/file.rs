//! The accounts file (`--accounts accounts.toml`, `crm-server accounts import`), in this shape:
//!
//! ```toml
//! [[tenant]]
//! name = "acme"
//! api_keys = ["key-for-acme"]
//!
//! [[account]]
//! id = "62f44730-dd91-461e-bd6a-aedd9e0ad79d"
//! tenant = "acme"
//! provider = "salesforce"
//! base_url = "https://acme.my.salesforce.com"
//! [account.credentials]
//! access_token = "..."
//! expires_at = "2026-12-01T00:00:00Z"
//! ```
//!
//! Optional extras: `api_version` on an account. Unknown credential keys are ignored with a
//! warning that names the key (never its value).

use super::model::{validate_tenant_name, Account, Credentials};
use chrono::{DateTime, Utc};
use crm_core::Provider;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use uuid::Uuid;

/// A tenant and its API keys.
#[derive(Debug, Clone)]
pub struct TenantEntry {
    pub name: String,
    pub api_keys: Vec<SecretString>,
}

/// A parsed, checked accounts file.
#[derive(Debug, Clone, Default)]
pub struct AccountsFile {
    pub tenants: Vec<TenantEntry>,
    pub accounts: Vec<Account>,
    /// Credential keys that were not understood (names only), for a warning.
    pub ignored_keys: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    tenant: Vec<RawTenant>,
    #[serde(default)]
    account: Vec<RawAccount>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTenant {
    name: String,
    #[serde(default)]
    api_keys: Vec<SecretString>,
}

#[derive(Deserialize)]
struct RawAccount {
    id: String,
    tenant: String,
    provider: String,
    base_url: String,
    #[serde(default)]
    api_version: Option<String>,
    #[serde(default)]
    credentials: RawCredentials,
}

#[derive(Deserialize, Default)]
struct RawCredentials {
    #[serde(flatten)]
    credentials: Credentials,
    #[serde(default)]
    expires_at: Option<toml::Value>,
    #[serde(flatten)]
    extra: BTreeMap<String, toml::Value>,
}

/// Why a file was refused. Messages never contain a credential value.
#[derive(Debug, thiserror::Error)]
#[error("accounts file: {0}")]
pub struct FileError(pub String);

fn parse_expiry(value: &toml::Value) -> Result<DateTime<Utc>, String> {
    let text = match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        _ => return Err("`expires_at` must be an RFC 3339 date-time".to_owned()),
    };
    DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            format!(
                "`expires_at` = `{text}` is not an RFC 3339 date-time such as 2026-12-01T00:00:00Z"
            )
        })
}

/// Parses a credentials table on its own (`crm-server accounts add --credentials FILE`): the
/// keys of `[account.credentials]`, `expires_at` included.
pub fn parse_credentials(text: &str) -> Result<(Credentials, Option<DateTime<Utc>>), FileError> {
    let raw: RawCredentials = toml::from_str(text).map_err(|e| {
        FileError(format!(
            "the credentials are not a TOML table of `name = \"value\"` lines: {}",
            e.message()
        ))
    })?;
    if let Some(key) = raw.extra.keys().next() {
        return Err(FileError(format!("unknown credential `{key}`")));
    }
    let expires_at = raw
        .expires_at
        .as_ref()
        .map(parse_expiry)
        .transpose()
        .map_err(FileError)?;
    Ok((raw.credentials, expires_at))
}

impl AccountsFile {
    /// Parses and checks a file's text.
    pub fn parse(text: &str) -> Result<AccountsFile, FileError> {
        // toml's messages quote the offending line, which may hold a secret: keep only the
        // position and the kind of problem.
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].lines().count().max(1);
                    format!(" (line {line})")
                })
                .unwrap_or_default();
            FileError(format!("not a valid accounts file{at}: {}", e.message()))
        })?;
        let mut out = AccountsFile::default();
        let mut names = HashSet::new();
        let mut keys = HashSet::new();
        for t in raw.tenant {
            validate_tenant_name(&t.name).map_err(FileError)?;
            if !names.insert(t.name.clone()) {
                return Err(FileError(format!("tenant `{}` is declared twice", t.name)));
            }
            for key in &t.api_keys {
                let k = key.expose_secret();
                if k.trim().is_empty() || k.chars().any(|c| c.is_whitespace()) {
                    return Err(FileError(format!(
                        "tenant `{}` has an empty API key or one with spaces",
                        t.name
                    )));
                }
                if !keys.insert(k.to_owned()) {
                    return Err(FileError(format!(
                        "tenant `{}` repeats an API key (or shares it with another tenant)",
                        t.name
                    )));
                }
            }
            out.tenants.push(TenantEntry {
                name: t.name,
                api_keys: t.api_keys,
            });
        }
        let mut ids = HashSet::new();
        for a in raw.account {
            let id = Uuid::parse_str(&a.id)
                .map_err(|_| FileError(format!("account id `{}` is not a uuid", a.id)))?;
            if !ids.insert(id) {
                return Err(FileError(format!("account {id} is listed twice")));
            }
            let provider: Provider = crm_providers::lookup(&a.provider)
                .map_err(|e| FileError(format!("account {id}: {e}")))?
                .provider;
            for key in a.credentials.extra.keys() {
                out.ignored_keys
                    .push(format!("account {id}: credentials.{key}"));
            }
            let mut account = Account::new(
                id,
                a.tenant,
                provider,
                a.base_url.trim_end_matches('/'),
                a.credentials.credentials,
            );
            account.api_version = a.api_version;
            account.expires_at = a
                .credentials
                .expires_at
                .as_ref()
                .map(parse_expiry)
                .transpose()
                .map_err(|e| FileError(format!("account {id}: {e}")))?;
            account
                .validate()
                .map_err(|e| FileError(format!("account {id}: {e}")))?;
            out.accounts.push(account);
        }
        Ok(out)
    }

    /// Reads and parses a file.
    pub fn read(path: &std::path::Path) -> Result<AccountsFile, FileError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| FileError(format!("cannot read {}: {e}", path.display())))?;
        AccountsFile::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[[tenant]]
name = "acme"
api_keys = ["key-for-acme"]

[[account]]
id = "62f44730-dd91-461e-bd6a-aedd9e0ad79d"
tenant = "acme"
provider = "salesforce"
base_url = "https://acme.my.salesforce.com/"
[account.credentials]
access_token = "at-SECRET"
refresh_token = "rt-SECRET"
client_id = "cid"
client_secret = "cs-SECRET"
token_url = "https://login.salesforce.com/services/oauth2/token"
expires_at = "2026-12-01T00:00:00Z"
shoe_size = "44"

[[account]]
id = "00000000-0000-4000-8000-00000000c0e1"
tenant = "acme"
provider = "copper"
base_url = "https://api.copper.com"
[account.credentials]
api_key = "k-SECRET"
user_email = "me@example.com"
expires_at = 2027-01-01T00:00:00Z
"#;

    #[test]
    fn parses_the_design_shape() {
        let f = AccountsFile::parse(SAMPLE).unwrap();
        assert_eq!(f.tenants.len(), 1);
        assert_eq!(f.tenants[0].api_keys[0].expose_secret(), "key-for-acme");
        assert_eq!(f.accounts.len(), 2);
        let sf = &f.accounts[0];
        assert_eq!(sf.provider.as_str(), "salesforce");
        assert_eq!(sf.base_url, "https://acme.my.salesforce.com");
        assert_eq!(
            sf.expires_at.unwrap().to_rfc3339(),
            "2026-12-01T00:00:00+00:00"
        );
        assert_eq!(
            sf.credentials.kinds(),
            [
                "access_token",
                "refresh_token",
                "client_secret",
                "client_id",
                "token_url"
            ]
        );
        assert_eq!(f.accounts[1].expires_at.unwrap().timestamp(), 1798761600);
        assert_eq!(
            f.ignored_keys,
            ["account 62f44730-dd91-461e-bd6a-aedd9e0ad79d: credentials.shoe_size"]
        );
        assert!(!format!("{f:?}").contains("SECRET"));
    }

    #[test]
    fn refusals_never_quote_secrets() {
        for (text, expect) in [
            (
                SAMPLE.replace("provider = \"copper\"", "provider = \"hubspot\""),
                "unknown provider `hubspot`",
            ),
            (
                SAMPLE.replace("api_key = \"k-SECRET\"", ""),
                "needs `api_key` and `user_email`",
            ),
            (
                SAMPLE.replace("00000000-0000-4000-8000-00000000c0e1", "nope"),
                "is not a uuid",
            ),
            (
                SAMPLE.replace("access_token = \"at-SECRET\"", "access_token = at-SECRET"),
                "not a valid accounts file (line",
            ),
            (
                SAMPLE.replace("\"2026-12-01T00:00:00Z\"", "\"tomorrow\""),
                "not an RFC 3339",
            ),
            (
                SAMPLE.replace("name = \"acme\"", "name = \"ac me\""),
                "not a tenant name",
            ),
        ] {
            let err = AccountsFile::parse(&text).unwrap_err().to_string();
            assert!(err.contains(expect), "{err}");
            assert!(!err.contains("SECRET"), "{err}");
        }
    }
}
