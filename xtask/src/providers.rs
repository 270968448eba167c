//! The accounts to record from: credentials and base URLs read from `CRM_RECORD_*` environment
//! variables, and the real connector of each provider built from them.

use std::sync::Arc;

use crm_core::{Connector, Provider};
use secrecy::SecretString;

/// A token the providers reject, for the `unauthorized` scenarios. Obviously fake, so the
/// scrubber and `fixtures check` leave it alone.
pub const INVALID_TOKEN: &str = "invalid-token-sent-by-xtask-to-record-an-auth-error";

/// One environment variable of a provider, for the README and error messages.
#[derive(Debug, Clone, Copy)]
pub struct EnvVar {
    pub name: &'static str,
    pub required: bool,
    pub about: &'static str,
}

const fn var(name: &'static str, required: bool, about: &'static str) -> EnvVar {
    EnvVar {
        name,
        required,
        about,
    }
}

/// The variables of each provider. One of Pipedrive's two tokens is required.
pub fn env_vars(provider: Provider) -> &'static [EnvVar] {
    match provider {
        Provider::Copper => COPPER_VARS,
        Provider::Pipedrive => PIPEDRIVE_VARS,
        Provider::Salesforce => SALESFORCE_VARS,
        Provider::Zoho => ZOHO_VARS,
    }
}

const COPPER_VARS: &[EnvVar] = &[
    var(
        "CRM_RECORD_COPPER_API_KEY",
        true,
        "API key (Settings > Integrations > API Keys), sent as X-PW-AccessToken",
    ),
    var(
        "CRM_RECORD_COPPER_USER_EMAIL",
        true,
        "e-mail of the user the key belongs to, sent as X-PW-UserEmail",
    ),
    var(
        "CRM_RECORD_COPPER_BASE_URL",
        false,
        "API host (default https://api.copper.com)",
    ),
];

const PIPEDRIVE_VARS: &[EnvVar] = &[
    var(
        "CRM_RECORD_PIPEDRIVE_API_TOKEN",
        false,
        "personal API token (x-api-token, path /v1/leads); or:",
    ),
    var(
        "CRM_RECORD_PIPEDRIVE_ACCESS_TOKEN",
        false,
        "OAuth access token (Bearer, path /api/v1/leads on the api_domain)",
    ),
    var(
        "CRM_RECORD_PIPEDRIVE_BASE_URL",
        false,
        "https://api.pipedrive.com for API tokens (default), the token's api_domain for OAuth",
    ),
];

const SALESFORCE_VARS: &[EnvVar] = &[
    var(
        "CRM_RECORD_SALESFORCE_INSTANCE_URL",
        true,
        "the org's instance URL, e.g. https://acme.my.salesforce.com",
    ),
    var(
        "CRM_RECORD_SALESFORCE_ACCESS_TOKEN",
        true,
        "an OAuth access token (e.g. from `sf org display`)",
    ),
    var(
        "CRM_RECORD_SALESFORCE_API_VERSION",
        false,
        "REST API version (default: the connector's, e.g. v62.0)",
    ),
];

const ZOHO_VARS: &[EnvVar] = &[
    var(
        "CRM_RECORD_ZOHO_API_DOMAIN",
        true,
        "the api_domain of the token, e.g. https://www.zohoapis.eu",
    ),
    var(
        "CRM_RECORD_ZOHO_ACCESS_TOKEN",
        true,
        "an OAuth access token with ZohoCRM.modules.leads.READ (and ZohoCRM.settings.fields.READ)",
    ),
    var(
        "CRM_RECORD_ZOHO_API_VERSION",
        false,
        "API version (default: the connector's, e.g. v8)",
    ),
];

/// How a Pipedrive account authenticates.
#[derive(Clone)]
enum PipedriveAuth {
    ApiToken(String),
    OAuth(String),
}

/// Credentials of one account.
#[derive(Clone)]
enum Secrets {
    Copper {
        api_key: String,
        user_email: String,
    },
    Pipedrive(PipedriveAuth),
    Salesforce {
        access_token: String,
        api_version: Option<String>,
    },
    Zoho {
        access_token: String,
        api_version: Option<String>,
    },
}

/// One provider account to record from. `Debug` never prints its credentials.
#[derive(Clone)]
pub struct Account {
    pub provider: Provider,
    /// Where the provider really is (instance URL, api domain, API host).
    pub base_url: String,
    secrets: Secrets,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("provider", &self.provider)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// Reads a variable, treating unset and blank alike.
fn get(lookup: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    lookup(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

impl Account {
    /// Reads `provider`'s account from variables (`lookup` is `std::env::var` in the binary, a map
    /// in tests). `Ok(None)` when none of its variables is set; an error naming the missing ones
    /// when only some are.
    pub fn from_env(
        provider: Provider,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Option<Account>> {
        let vars = env_vars(provider);
        if vars.iter().all(|v| get(lookup, v.name).is_none()) {
            return Ok(None);
        }
        let missing: Vec<&str> = vars
            .iter()
            .filter(|v| v.required && get(lookup, v.name).is_none())
            .map(|v| v.name)
            .collect();
        if !missing.is_empty() {
            anyhow::bail!(
                "{provider}: set {} as well (see xtask/README.md)",
                missing.join(" and ")
            );
        }
        let value = |name: &str| get(lookup, name).unwrap_or_default();
        let account = match provider {
            Provider::Copper => Account {
                provider,
                base_url: get(lookup, "CRM_RECORD_COPPER_BASE_URL")
                    .unwrap_or_else(|| crm_copper::config::DEFAULT_BASE_URL.to_owned()),
                secrets: Secrets::Copper {
                    api_key: value("CRM_RECORD_COPPER_API_KEY"),
                    user_email: value("CRM_RECORD_COPPER_USER_EMAIL"),
                },
            },
            Provider::Pipedrive => {
                let auth = match (
                    get(lookup, "CRM_RECORD_PIPEDRIVE_API_TOKEN"),
                    get(lookup, "CRM_RECORD_PIPEDRIVE_ACCESS_TOKEN"),
                ) {
                    (Some(token), None) => PipedriveAuth::ApiToken(token),
                    (None, Some(token)) => PipedriveAuth::OAuth(token),
                    (Some(_), Some(_)) => anyhow::bail!(
                        "pipedrive: set CRM_RECORD_PIPEDRIVE_API_TOKEN or CRM_RECORD_PIPEDRIVE_ACCESS_TOKEN, not both"
                    ),
                    (None, None) => anyhow::bail!(
                        "pipedrive: set CRM_RECORD_PIPEDRIVE_API_TOKEN (or CRM_RECORD_PIPEDRIVE_ACCESS_TOKEN with CRM_RECORD_PIPEDRIVE_BASE_URL)"
                    ),
                };
                let base_url = match (&auth, get(lookup, "CRM_RECORD_PIPEDRIVE_BASE_URL")) {
                    (_, Some(url)) => url,
                    (PipedriveAuth::ApiToken(_), None) => {
                        crm_pipedrive::API_TOKEN_BASE_URL.to_owned()
                    }
                    (PipedriveAuth::OAuth(_), None) => anyhow::bail!(
                        "pipedrive: OAuth needs CRM_RECORD_PIPEDRIVE_BASE_URL (the token's api_domain)"
                    ),
                };
                Account {
                    provider,
                    base_url,
                    secrets: Secrets::Pipedrive(auth),
                }
            }
            Provider::Salesforce => Account {
                provider,
                base_url: value("CRM_RECORD_SALESFORCE_INSTANCE_URL"),
                secrets: Secrets::Salesforce {
                    access_token: value("CRM_RECORD_SALESFORCE_ACCESS_TOKEN"),
                    api_version: get(lookup, "CRM_RECORD_SALESFORCE_API_VERSION"),
                },
            },
            Provider::Zoho => Account {
                provider,
                base_url: value("CRM_RECORD_ZOHO_API_DOMAIN"),
                secrets: Secrets::Zoho {
                    access_token: value("CRM_RECORD_ZOHO_ACCESS_TOKEN"),
                    api_version: get(lookup, "CRM_RECORD_ZOHO_API_VERSION"),
                },
            },
        };
        url::Url::parse(&account.base_url).map_err(|e| {
            anyhow::anyhow!(
                "{provider}: the base URL `{}` is not a URL ({e})",
                account.base_url
            )
        })?;
        Ok(Some(account))
    }

    /// The values the scrubber must never let through.
    pub fn secrets(&self) -> Vec<String> {
        match &self.secrets {
            Secrets::Copper { api_key, .. } => vec![api_key.clone()],
            Secrets::Pipedrive(PipedriveAuth::ApiToken(t) | PipedriveAuth::OAuth(t)) => {
                vec![t.clone()]
            }
            Secrets::Salesforce { access_token, .. } | Secrets::Zoho { access_token, .. } => {
                vec![access_token.clone()]
            }
        }
    }

    /// The provider's connector pointed at `base_url` (the recording proxy or a replay server),
    /// with the account's credentials or, when `invalid_credentials`, a token the provider
    /// rejects. No retries: every request the connector makes is one recorded exchange.
    pub fn connector(
        &self,
        base_url: &str,
        invalid_credentials: bool,
    ) -> crm_core::Result<Arc<dyn Connector>> {
        let secret = |value: &str| -> SecretString {
            SecretString::from(if invalid_credentials {
                INVALID_TOKEN.to_owned()
            } else {
                value.to_owned()
            })
        };
        Ok(match &self.secrets {
            Secrets::Copper {
                api_key,
                user_email,
            } => {
                let config = crm_copper::Config::new(secret(api_key), user_email.clone())
                    .with_base_url(base_url);
                Arc::new(crm_copper::CopperConnector::new(config)?)
            }
            Secrets::Pipedrive(auth) => {
                let config = match auth {
                    PipedriveAuth::ApiToken(token) => {
                        crm_pipedrive::Config::api_token(secret(token))
                    }
                    PipedriveAuth::OAuth(token) => {
                        crm_pipedrive::Config::oauth(base_url, secret(token))
                    }
                }
                .with_base_url(base_url);
                Arc::new(crm_pipedrive::PipedriveConnector::new(config)?)
            }
            Secrets::Salesforce {
                access_token,
                api_version,
            } => {
                let mut config = crm_salesforce::Config::new(base_url, secret(access_token));
                if let Some(version) = api_version {
                    config = config.with_api_version(version);
                }
                Arc::new(crm_salesforce::SalesforceConnector::new(config)?)
            }
            Secrets::Zoho {
                access_token,
                api_version,
            } => {
                let mut config = crm_zoho::Config::new(base_url, secret(access_token));
                if let Some(version) = api_version {
                    config = config.with_api_version(version);
                }
                Arc::new(crm_zoho::ZohoConnector::new(config)?)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn unset_partial_and_complete_accounts() {
        assert!(Account::from_env(Provider::Zoho, &lookup(&[]))
            .unwrap()
            .is_none());
        let err = Account::from_env(
            Provider::Salesforce,
            &lookup(&[("CRM_RECORD_SALESFORCE_ACCESS_TOKEN", "tok")]),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("CRM_RECORD_SALESFORCE_INSTANCE_URL"),
            "{err}"
        );
        let account = Account::from_env(
            Provider::Pipedrive,
            &lookup(&[("CRM_RECORD_PIPEDRIVE_API_TOKEN", "0123456789abcdef")]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(account.base_url, "https://api.pipedrive.com");
        assert_eq!(account.secrets(), ["0123456789abcdef"]);
        assert!(!format!("{account:?}").contains("0123456789abcdef"));
        let copper = Account::from_env(
            Provider::Copper,
            &lookup(&[
                ("CRM_RECORD_COPPER_API_KEY", "k-1234"),
                ("CRM_RECORD_COPPER_USER_EMAIL", "me@example.com"),
                ("CRM_RECORD_COPPER_BASE_URL", "http://127.0.0.1:9"),
            ]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(copper.base_url, "http://127.0.0.1:9");
        assert!(copper.connector("http://127.0.0.1:9", false).is_ok());
        assert!(copper.connector("http://127.0.0.1:9", true).is_ok());
    }
}
