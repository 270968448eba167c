//! Caller authentication: `Authorization: Bearer <api key>`.
//!
//! An API key belongs to a tenant and sees only that tenant's accounts. Keys come from the
//! configuration (`--api-key`, `CRM_API_KEYS`; tenant [`DEFAULT_TENANT`]) or from the store
//! (imported with an accounts file). Only SHA-256 hashes of keys are kept, in memory and in the
//! store. Sandbox mode needs no key: every caller is the sandbox tenant.

use crate::errors::ApiError;
use crate::store::{key_hash, Store};
use axum::http::{header, HeaderMap};
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashMap;
use std::fmt;

/// The tenant that keys given on the command line or in the environment belong to.
pub const DEFAULT_TENANT: &str = "default";

/// The tenant of sandbox mode.
pub const SANDBOX_TENANT: &str = "sandbox";

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant(pub String);

/// How callers are authenticated.
#[derive(Clone)]
pub enum Auth {
    /// Bearer keys: the configured ones (hashes, with their tenant), then the store's.
    Keys { configured: HashMap<String, String> },
    /// No key needed (sandbox, loopback only): every caller is this tenant.
    Open { tenant: String },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Keys { configured } => f
                .debug_struct("Auth::Keys")
                .field("configured_keys", &configured.len())
                .finish(),
            Auth::Open { tenant } => f
                .debug_struct("Auth::Open")
                .field("tenant", tenant)
                .finish(),
        }
    }
}

impl Auth {
    /// Bearer-key auth with `keys` belonging to `tenant` (plus whatever keys the store holds).
    pub fn keys<'a>(tenant: &str, keys: impl IntoIterator<Item = &'a SecretString>) -> Auth {
        Auth::Keys {
            configured: keys
                .into_iter()
                .map(|k| (key_hash(k.expose_secret()), tenant.to_owned()))
                .collect(),
        }
    }

    /// No key needed.
    pub fn open(tenant: &str) -> Auth {
        Auth::Open {
            tenant: tenant.to_owned(),
        }
    }

    /// How many keys the configuration itself holds.
    pub fn configured_key_count(&self) -> usize {
        match self {
            Auth::Keys { configured } => configured.len(),
            Auth::Open { .. } => 0,
        }
    }

    /// The caller's tenant, or a 401.
    pub async fn authenticate(
        &self,
        headers: &HeaderMap,
        store: &Store,
    ) -> Result<Tenant, ApiError> {
        let configured = match self {
            Auth::Open { tenant } => return Ok(Tenant(tenant.clone())),
            Auth::Keys { configured } => configured,
        };
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return Err(ApiError::unauthorized(
                "missing API key: send it as `Authorization: Bearer <api key>`",
            ));
        };
        let key = value
            .to_str()
            .ok()
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized("the Authorization header must be `Bearer <api key>`")
            })?;
        let hash = key_hash(key);
        if let Some(tenant) = configured.get(&hash) {
            return Ok(Tenant(tenant.clone()));
        }
        match store.tenant_for_key(key).await? {
            Some(tenant) => Ok(Tenant(tenant)),
            None => Err(ApiError::unauthorized("the API key is not valid")),
        }
    }
}

/// Reads keys from a comma- or whitespace-separated list (the `CRM_API_KEYS` form).
pub fn split_keys(list: &str) -> Vec<SecretString> {
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|k| !k.is_empty())
        .map(|k| SecretString::from(k.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_keys_or_hashes() {
        let key = SecretString::from("k-SECRET".to_owned());
        let auth = Auth::keys("acme", [&key]);
        let text = format!("{auth:?}");
        assert!(
            !text.contains("SECRET") && !text.contains(&key_hash("k-SECRET")),
            "{text}"
        );
        assert_eq!(auth.configured_key_count(), 1);
    }

    #[test]
    fn key_lists() {
        let keys = split_keys(" a,b  c,,");
        let keys: Vec<_> = keys.iter().map(|k| k.expose_secret().to_owned()).collect();
        assert_eq!(keys, ["a", "b", "c"]);
    }
}
