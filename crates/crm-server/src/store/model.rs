//! What the store keeps: connected accounts and their credentials.

use chrono::{DateTime, SecondsFormat, Utc};
use crm_core::{AccountSettings, Descriptor, Provider};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::fmt;
use uuid::Uuid;

/// One connected ("integrated") CRM account.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: Uuid,
    /// The tenant whose API keys may use this account.
    pub tenant: String,
    pub provider: Provider,
    /// Salesforce `instance_url`, Pipedrive and Zoho `api_domain`, Copper's API host.
    pub base_url: String,
    pub credentials: Credentials,
    /// When the access token expires, if known.
    pub expires_at: Option<DateTime<Utc>>,
    /// The provider API version to speak, when not the connector's default.
    pub api_version: Option<String>,
    /// Bumped by the store on every write (cached connectors are rebuilt when it changes).
    pub revision: i64,
}

impl Account {
    /// A new account (revision 0 until stored).
    pub fn new(
        id: Uuid,
        tenant: impl Into<String>,
        provider: Provider,
        base_url: impl Into<String>,
        credentials: Credentials,
    ) -> Self {
        Account {
            id,
            tenant: tenant.into(),
            provider,
            base_url: base_url.into(),
            credentials,
            expires_at: None,
            api_version: None,
            revision: 0,
        }
    }

    /// Checks everything that can be checked without calling the provider: tenant name, base URL,
    /// the credentials this provider needs.
    pub fn validate(&self) -> Result<(), String> {
        validate_tenant_name(&self.tenant)?;
        validate_base_url(&self.base_url)?;
        let descriptor =
            crm_providers::lookup(self.provider.as_str()).map_err(|e| e.to_string())?;
        self.credentials.validate(descriptor)?;
        if let Some(v) = &self.api_version {
            if v.trim().is_empty() || v.chars().any(|c| c.is_control() || c == '/') {
                return Err(format!(
                    "account {}: `api_version` must be a version such as `v8`",
                    self.id
                ));
            }
        }
        Ok(())
    }

    /// What the provider's connector is built from.
    pub fn settings(&self) -> AccountSettings {
        AccountSettings {
            account_id: self.id.to_string(),
            base_url: self.base_url.clone(),
            api_version: self.api_version.clone(),
            credentials: self.credentials.secrets(),
            expires_at: self.expires_at,
        }
    }

    /// `expires_at` in the store's text form.
    pub(crate) fn expires_at_text(&self) -> Option<String> {
        self.expires_at
            .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
    }
}

/// Tenant names: letters, digits, `-`, `_`, `.`; 1 to 64 characters.
pub fn validate_tenant_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a tenant name; use 1 to 64 letters, digits, `-`, `_` or `.`"
        ))
    }
}

fn validate_base_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("base_url `{url}` must start with https:// (or http://)"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.contains('@') || url.chars().any(|c| c.is_whitespace()) {
        return Err(format!(
            "base_url `{url}` must be a URL with a host and without user info, like https://acme.crm.example.com"
        ));
    }
    Ok(())
}

/// An account's credentials, by the names the providers' descriptors use. Which ones an account
/// needs is its provider's to say (`crm_core::Descriptor::credential_kinds`, listed by `/meta`).
/// OAuth accounts may add `refresh_token` with `client_id`, `client_secret` and `token_url`.
/// `Debug` shows only which credentials are present, never a value.
#[derive(Clone, Default, Deserialize)]
pub struct Credentials {
    pub access_token: Option<SecretString>,
    pub refresh_token: Option<SecretString>,
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
    pub token_url: Option<String>,
    pub api_key: Option<SecretString>,
    pub user_email: Option<SecretString>,
    pub api_token: Option<SecretString>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("present", &self.kinds())
            .finish_non_exhaustive()
    }
}

fn present(secret: &Option<SecretString>) -> bool {
    secret
        .as_ref()
        .is_some_and(|s| !s.expose_secret().trim().is_empty())
}

impl Credentials {
    /// Every credential by name (`None` when unset). The one list of the names.
    pub fn fields(&self) -> [(&'static str, Option<&str>); 8] {
        fn secret(v: &Option<SecretString>) -> Option<&str> {
            v.as_ref().map(|s| s.expose_secret())
        }
        [
            ("access_token", secret(&self.access_token)),
            ("refresh_token", secret(&self.refresh_token)),
            ("client_secret", secret(&self.client_secret)),
            ("api_key", secret(&self.api_key)),
            ("user_email", secret(&self.user_email)),
            ("api_token", secret(&self.api_token)),
            ("client_id", self.client_id.as_deref()),
            ("token_url", self.token_url.as_deref()),
        ]
    }

    /// The credentials that are set (blank ones count as unset), by name, as a connector reads them.
    pub fn secrets(&self) -> std::collections::BTreeMap<String, SecretString> {
        self.fields()
            .into_iter()
            .filter_map(|(name, value)| {
                let value = value?;
                (!value.trim().is_empty()).then(|| (name.to_owned(), value.to_owned().into()))
            })
            .collect()
    }

    /// Sets the credential `name`; false when no credential has that name.
    pub fn set(&mut self, name: &str, value: String) -> bool {
        match name {
            "access_token" => self.access_token = Some(value.into()),
            "refresh_token" => self.refresh_token = Some(value.into()),
            "client_id" => self.client_id = Some(value),
            "client_secret" => self.client_secret = Some(value.into()),
            "token_url" => self.token_url = Some(value),
            "api_key" => self.api_key = Some(value.into()),
            "user_email" => self.user_email = Some(value.into()),
            "api_token" => self.api_token = Some(value.into()),
            _ => return false,
        }
        true
    }

    /// The names of the credentials that are set (for listings: never the values).
    pub fn kinds(&self) -> Vec<&'static str> {
        self.fields()
            .into_iter()
            .filter(|(_, v)| v.is_some_and(|v| !v.trim().is_empty()))
            .map(|(name, _)| name)
            .collect()
    }

    /// Refuses an account whose provider lacks a credential it needs (naming it, not its value):
    /// the provider's descriptor says what suffices. A refresh token needs its client beside it.
    pub fn validate(&self, descriptor: &Descriptor) -> Result<(), String> {
        let settings = AccountSettings {
            credentials: self.secrets(),
            ..AccountSettings::default()
        };
        descriptor
            .check_credentials(&settings)
            .map_err(|m| format!("{m} ([account.credentials])"))?;
        if present(&self.refresh_token)
            && (self.client_id.is_none() || !present(&self.client_secret))
        {
            return Err(
                "a `refresh_token` needs `client_id` and `client_secret` beside it".to_owned(),
            );
        }
        Ok(())
    }

    /// The JSON the store keeps. This is the one place secrets are exposed for writing.
    pub(crate) fn to_store_json(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> = self
            .fields()
            .into_iter()
            .filter_map(|(name, value)| Some((name.to_owned(), value?.to_owned().into())))
            .collect();
        serde_json::Value::Object(map).to_string()
    }

    pub(crate) fn from_store_json(json: &str) -> Result<Credentials, String> {
        // The serde error could quote a value: keep only its position.
        serde_json::from_str(json).map_err(|e| {
            format!(
                "stored credentials are not readable (line {}, column {})",
                e.line(),
                e.column()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials {
            access_token: Some("tok-SECRET".into()),
            refresh_token: Some("ref-SECRET".into()),
            client_id: Some("cid".into()),
            client_secret: Some("cs-SECRET".into()),
            ..Credentials::default()
        }
    }

    #[test]
    fn debug_lists_kinds_only() {
        let text = format!("{:?} {:#?}", creds(), creds());
        assert!(!text.contains("SECRET"), "{text}");
        assert!(text.contains("access_token"));
        assert!(text.contains("client_id"));
    }

    #[test]
    fn store_json_round_trips() {
        let json = creds().to_store_json();
        let back = Credentials::from_store_json(&json).unwrap();
        assert_eq!(back.access_token.unwrap().expose_secret(), "tok-SECRET");
        assert_eq!(back.client_id.as_deref(), Some("cid"));
        let err = Credentials::from_store_json(r#"{"access_token": 5"#).unwrap_err();
        assert!(!err.contains('5') || err.contains("column"), "{err}");
    }

    fn descriptor(id: &str) -> &'static Descriptor {
        crm_providers::get(id).unwrap()
    }

    #[test]
    fn validation_per_provider() {
        let c = creds();
        assert!(c.validate(descriptor("salesforce")).is_ok());
        assert!(c.validate(descriptor("zoho")).is_ok());
        assert!(c.validate(descriptor("pipedrive")).is_ok());
        let err = c.validate(descriptor("copper")).unwrap_err();
        assert!(err.contains("`api_key` and `user_email`"), "{err}");
        let no_secret = Credentials {
            client_secret: None,
            ..creds()
        };
        assert!(no_secret
            .validate(descriptor("salesforce"))
            .unwrap_err()
            .contains("client_secret"));
        let empty = Credentials {
            access_token: Some("  ".into()),
            ..Credentials::default()
        };
        assert!(empty.validate(descriptor("zoho")).is_err());
    }

    #[test]
    fn every_name_can_be_set_and_read_back() {
        let mut c = Credentials::default();
        for (name, _) in Credentials::default().fields() {
            assert!(c.set(name, format!("v-{name}")));
        }
        assert!(!c.set("nope", "x".into()));
        for (name, value) in c.fields() {
            assert_eq!(value, Some(format!("v-{name}").as_str()));
        }
    }

    #[test]
    fn urls_and_tenants() {
        assert!(validate_base_url("https://acme.my.salesforce.com").is_ok());
        assert!(validate_base_url("http://127.0.0.1:9000").is_ok());
        assert!(validate_base_url("ftp://x").is_err());
        assert!(validate_base_url("https://").is_err());
        assert!(validate_base_url("https://user:pw@host").is_err());
        assert!(validate_tenant_name("acme-1.eu_west").is_ok());
        assert!(validate_tenant_name("").is_err());
        assert!(validate_tenant_name("a b").is_err());
    }
}
