//! What a simulator is started with (`SimConfig`) and what it hands back to the caller
//! (`SimCredentials`): kept apart from the server so tests can build configs without a runtime.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde_json::Value;

use crate::faults::Faults;

/// Which CRM a simulator imitates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SimProvider {
    Copper,
    Insightly,
    Pipedrive,
    Salesforce,
    Zoho,
    #[serde(rename = "zendesk-sell")]
    ZendeskSell,
}

impl SimProvider {
    /// Every simulated provider, in a fixed order.
    pub const ALL: [SimProvider; 6] = [
        SimProvider::Copper,
        SimProvider::Insightly,
        SimProvider::Pipedrive,
        SimProvider::Salesforce,
        SimProvider::Zoho,
        SimProvider::ZendeskSell,
    ];

    /// Lower-case name, as used in account files (`copper`, `pipedrive`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            SimProvider::Copper => "copper",
            SimProvider::Insightly => "insightly",
            SimProvider::Pipedrive => "pipedrive",
            SimProvider::Salesforce => "salesforce",
            SimProvider::Zoho => "zoho",
            SimProvider::ZendeskSell => "zendesk-sell",
        }
    }
}

impl fmt::Display for SimProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for SimProvider {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "copper" => Ok(SimProvider::Copper),
            "insightly" => Ok(SimProvider::Insightly),
            "pipedrive" => Ok(SimProvider::Pipedrive),
            "salesforce" => Ok(SimProvider::Salesforce),
            "zoho" => Ok(SimProvider::Zoho),
            "zendesk-sell" => Ok(SimProvider::ZendeskSell),
            other => Err(format!("unknown provider {other:?}")),
        }
    }
}

/// How to build a simulator: the dataset (seed and size, or exact records) and the initial faults.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Seed of the deterministic generator: same seed and size, same records.
    pub seed: u64,
    /// Number of generated leads (ignored when `records` is set).
    pub leads: usize,
    /// Serve exactly these records (in the provider's shape) instead of generated ones, for a
    /// test that needs one specific value. See [`crate::data::generate`] to start from generated data.
    pub records: Option<Vec<Value>>,
    /// Faults active from the first request (change them later with `SimHandle::set_faults`).
    pub faults: Faults,
    /// Salesforce only: fields hidden by field-level security (absent from describe; selecting
    /// or filtering on them gives `INVALID_FIELD`).
    pub hidden_fields: Vec<String>,
    /// Zoho only: the org's UTC offset in minutes, used in every date-time (default +05:30).
    pub zoho_utc_offset_minutes: i32,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 42,
            leads: 250,
            records: None,
            faults: Faults::default(),
            hidden_fields: Vec::new(),
            zoho_utc_offset_minutes: 330,
        }
    }
}

impl SimConfig {
    /// A config with this seed and number of leads, no faults.
    pub fn new(seed: u64, leads: usize) -> Self {
        SimConfig {
            seed,
            leads,
            ..SimConfig::default()
        }
    }

    /// Start with these faults.
    pub fn with_faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Serve exactly these records.
    pub fn with_records(mut self, records: Vec<Value>) -> Self {
        self.records = Some(records);
        self
    }
}

impl SimCredentials {
    /// The credentials an account of `provider` stores to use this simulator, by the names the
    /// provider's connector reads (Pipedrive's key is its `api_token`).
    pub fn account_fields(&self, provider: SimProvider) -> Vec<(&'static str, String)> {
        let names: &[(&'static str, &Option<String>)] = match provider {
            SimProvider::Copper => &[("api_key", &self.api_key), ("user_email", &self.user_email)],
            SimProvider::Insightly => &[("api_key", &self.api_key)],
            SimProvider::Pipedrive => &[("api_token", &self.api_key)],
            SimProvider::Salesforce | SimProvider::Zoho | SimProvider::ZendeskSell => &[
                ("access_token", &self.access_token),
                ("refresh_token", &self.refresh_token),
                ("client_id", &self.client_id),
                ("client_secret", &self.client_secret),
                ("token_url", &self.token_url),
            ],
        };
        names
            .iter()
            .filter_map(|(name, value)| Some((*name, (*value).clone()?)))
            .collect()
    }
}

/// The credentials a simulator accepts right now, in the shape of the account store's
/// `[account.credentials]` (fields a provider does not use are `None`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SimCredentials {
    /// OAuth access token (Salesforce, Zoho, Pipedrive OAuth): the newest one issued.
    pub access_token: Option<String>,
    /// OAuth refresh token (Salesforce, Zoho, Pipedrive): the newest one issued.
    pub refresh_token: Option<String>,
    /// OAuth client id for the token endpoint.
    pub client_id: Option<String>,
    /// OAuth client secret for the token endpoint.
    pub client_secret: Option<String>,
    /// The simulated token endpoint (absolute URL).
    pub token_url: Option<String>,
    /// Copper API key (`X-PW-AccessToken`), Insightly API key (Basic user name) or Pipedrive API
    /// token (`x-api-token`).
    pub api_key: Option<String>,
    /// Copper: the user email sent as `X-PW-UserEmail`.
    pub user_email: Option<String>,
}
