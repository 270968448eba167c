//! Credentials a simulator accepts and the refresh-token flow behind its token endpoint.
//!
//! Tokens are derived from the seed so runs are reproducible. Expiring the access token makes
//! every data request answer 401 (in the provider's format) until the client refreshes through
//! the simulated token endpoint, which issues a new access token (and, for Pipedrive, a new
//! refresh token; the old one keeps working).

use std::collections::HashMap;

use axum::http::HeaderMap;
use base64::Engine;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::config::{SimCredentials, SimProvider};

#[derive(Debug)]
pub(crate) struct AuthState {
    provider: SimProvider,
    /// Copper API key / Pipedrive API token.
    pub api_key: String,
    pub api_key_valid: bool,
    pub user_email: String,
    pub client_id: String,
    pub client_secret: String,
    access_tokens: Vec<String>,
    latest_access: String,
    refresh_tokens: Vec<String>,
    latest_refresh: String,
    rng: StdRng,
    issued: u64,
}

/// Why a refresh was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RefreshError {
    InvalidClient,
    InvalidGrant,
    UnsupportedGrantType,
}

/// A successful refresh.
#[derive(Debug)]
pub(crate) struct Refreshed {
    pub access_token: String,
    pub refresh_token: Option<String>,
}

impl AuthState {
    pub fn new(provider: SimProvider, seed: u64) -> Self {
        let salt = match provider {
            SimProvider::Copper => 1u64,
            SimProvider::Insightly => 5,
            SimProvider::Pipedrive => 2,
            SimProvider::Salesforce => 3,
            SimProvider::Zoho => 4,
            SimProvider::ZendeskSell => 5,
        };
        let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed_a117_0000_0000 ^ (salt << 40));
        let api_key = hex(&mut rng, 32);
        let client_id = match provider {
            SimProvider::Zoho => format!("1000.{}", hex(&mut rng, 30).to_uppercase()),
            SimProvider::Salesforce => format!("3MVG9sim{}", hex(&mut rng, 24)),
            _ => hex(&mut rng, 16),
        };
        let client_secret = hex(&mut rng, 40);
        let mut state = AuthState {
            provider,
            api_key,
            api_key_valid: true,
            user_email: "sim.owner@example.com".to_string(),
            client_id,
            client_secret,
            access_tokens: Vec::new(),
            latest_access: String::new(),
            refresh_tokens: Vec::new(),
            latest_refresh: String::new(),
            rng,
            issued: 0,
        };
        let access = state.new_access();
        state.access_tokens.push(access.clone());
        state.latest_access = access;
        let refresh = state.new_refresh();
        state.refresh_tokens.push(refresh.clone());
        state.latest_refresh = refresh;
        state
    }

    fn new_access(&mut self) -> String {
        self.issued += 1;
        let n = self.issued;
        let body = hex(&mut self.rng, 32);
        match self.provider {
            SimProvider::Salesforce => format!("00DSIM000000001!AQ{n}.{body}"),
            SimProvider::Zoho => format!("1000.{body}.{n:04x}"),
            SimProvider::Pipedrive => format!("v1u:sim{n}:{body}"),
            SimProvider::Copper | SimProvider::Insightly => body,
            SimProvider::ZendeskSell => format!("{body}{n:08x}"),
        }
    }

    fn new_refresh(&mut self) -> String {
        let body = hex(&mut self.rng, 40);
        match self.provider {
            SimProvider::Salesforce => format!("5Aep861sim{body}"),
            SimProvider::Zoho => format!("1000.{body}"),
            _ => format!("1:1:{body}"),
        }
    }

    pub fn access_ok(&self, token: &str) -> bool {
        self.access_tokens.iter().any(|t| t == token)
    }

    pub fn api_key_ok(&self, key: &str) -> bool {
        self.api_key_valid && self.api_key == key
    }

    /// Every access token issued so far stops working (Copper: the API key).
    pub fn expire(&mut self) {
        self.access_tokens.clear();
        if matches!(self.provider, SimProvider::Copper | SimProvider::Insightly) {
            self.api_key_valid = false;
        }
    }

    /// The refresh-token grant. `revoked` refuses every refresh token; `rotate` issues a new
    /// refresh token alongside the access token.
    pub fn refresh(
        &mut self,
        params: &HashMap<String, String>,
        client: Option<(String, String)>,
        revoked: bool,
        rotate: bool,
    ) -> Result<Refreshed, RefreshError> {
        let (id, secret) = client.unwrap_or_else(|| {
            (
                params.get("client_id").cloned().unwrap_or_default(),
                params.get("client_secret").cloned().unwrap_or_default(),
            )
        });
        if params.get("grant_type").map(String::as_str) != Some("refresh_token") {
            return Err(RefreshError::UnsupportedGrantType);
        }
        if id != self.client_id || secret != self.client_secret {
            return Err(RefreshError::InvalidClient);
        }
        let given = params
            .get("refresh_token")
            .map(String::as_str)
            .unwrap_or("");
        if revoked || !self.refresh_tokens.iter().any(|t| t == given) {
            return Err(RefreshError::InvalidGrant);
        }
        let access = self.new_access();
        self.access_tokens.push(access.clone());
        self.latest_access = access.clone();
        let refresh_token = rotate.then(|| {
            let r = self.new_refresh();
            self.refresh_tokens.push(r.clone());
            self.latest_refresh = r.clone();
            r
        });
        Ok(Refreshed {
            access_token: access,
            refresh_token,
        })
    }

    pub fn credentials(&self, base_url: &str, token_path: Option<&str>) -> SimCredentials {
        let oauth = token_path.is_some();
        SimCredentials {
            access_token: oauth.then(|| self.latest_access.clone()),
            refresh_token: oauth.then(|| self.latest_refresh.clone()),
            client_id: oauth.then(|| self.client_id.clone()),
            client_secret: oauth.then(|| self.client_secret.clone()),
            token_url: token_path.map(|p| format!("{base_url}{p}")),
            api_key: matches!(
                self.provider,
                SimProvider::Copper | SimProvider::Insightly | SimProvider::Pipedrive
            )
            .then(|| self.api_key.clone()),
            user_email: (self.provider == SimProvider::Copper).then(|| self.user_email.clone()),
        }
    }
}

fn hex(rng: &mut StdRng, len: usize) -> String {
    (0..len)
        .map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap_or('0'))
        .collect()
}

/// The token in `Authorization: <scheme> <token>`, if the scheme matches (case-insensitively).
pub(crate) fn scheme_token<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let value = headers.get("authorization")?.to_str().ok()?.trim();
    let (s, t) = value.split_once(' ')?;
    s.eq_ignore_ascii_case(scheme).then(|| t.trim())
}

/// `Authorization: Basic base64(id:secret)`.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let encoded = scheme_token(headers, "Basic")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// Parameters of a token request: the query string and a form body, the body winning.
pub(crate) fn token_params(query: Option<&str>, body: &[u8]) -> HashMap<String, String> {
    let mut params: HashMap<String, String> = query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    for (k, v) in form_urlencoded::parse(body) {
        params.insert(k.into_owned(), v.into_owned());
    }
    params
}
