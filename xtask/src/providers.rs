//! The accounts to record from: credentials and base URLs read from `CRM_RECORD_*` environment
//! variables named after each provider's descriptor, and the provider's real connector built from
//! them through the descriptor. Nothing here names a provider.
//!
//! Variables of provider `<ID>` (upper case, `-` as `_`): `CRM_RECORD_<ID>_BASE_URL` (required
//! unless the provider has one public host), `CRM_RECORD_<ID>_API_VERSION` (optional), and
//! `CRM_RECORD_<ID>_<FIELD>` for each credential field the descriptor declares.

use std::collections::BTreeMap;
use std::sync::Arc;

use crm_core::transport::TransportOptions;
use crm_core::{AccountSettings, ConnectOptions, Descriptor, DynConnector, Provider};

/// A token the providers reject, for the `unauthorized` scenarios. Obviously fake, so the
/// scrubber and `fixtures check` leave it alone.
pub const INVALID_TOKEN: &str = "invalid-token-sent-by-xtask-to-record-an-auth-error";

/// One environment variable of a provider, for the README and error messages.
#[derive(Debug, Clone)]
pub struct EnvVar {
    pub name: String,
    pub required: bool,
    pub about: String,
}

fn var_name(provider: Provider, what: &str) -> String {
    format!(
        "CRM_RECORD_{}_{}",
        provider.as_str().replace('-', "_").to_ascii_uppercase(),
        what.to_ascii_uppercase()
    )
}

/// The variables of a provider. A credential is marked required when every credential kind of
/// the provider needs it.
pub fn env_vars(descriptor: &Descriptor) -> Vec<EnvVar> {
    let provider = descriptor.provider;
    let mut vars = vec![EnvVar {
        name: var_name(provider, "base_url"),
        required: descriptor.base_url.default.is_none(),
        about: match descriptor.base_url.default {
            Some(default) => format!("{} (default {default})", descriptor.base_url.name),
            None => descriptor.base_url.name.to_owned(),
        },
    }];
    vars.push(EnvVar {
        name: var_name(provider, "api_version"),
        required: false,
        about: "API version (default: the connector's)".into(),
    });
    for field in descriptor.credential_fields {
        let required = descriptor
            .credential_kinds
            .iter()
            .all(|k| k.fields.contains(&field.name));
        vars.push(EnvVar {
            name: var_name(provider, field.name),
            required,
            about: field.label.to_owned(),
        });
    }
    vars
}

/// One provider account to record from. `Debug` never prints its credentials.
#[derive(Clone)]
pub struct Account {
    pub provider: Provider,
    /// Where the provider really is (instance URL, api domain, API host).
    pub base_url: String,
    descriptor: &'static Descriptor,
    api_version: Option<String>,
    credentials: BTreeMap<&'static str, String>,
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
    /// Reads the account of `descriptor`'s provider from variables (`lookup` is `std::env::var`
    /// in the binary, a map in tests). `Ok(None)` when none of its variables is set; an error
    /// naming what is missing when only some are.
    pub fn from_env(
        descriptor: &'static Descriptor,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Option<Account>> {
        let provider = descriptor.provider;
        let vars = env_vars(descriptor);
        if vars.iter().all(|v| get(lookup, &v.name).is_none()) {
            return Ok(None);
        }
        let credentials: BTreeMap<&'static str, String> = descriptor
            .credential_fields
            .iter()
            .filter_map(|f| Some((f.name, get(lookup, &var_name(provider, f.name))?)))
            .collect();
        let account = Account {
            provider,
            base_url: get(lookup, &var_name(provider, "base_url"))
                .or_else(|| descriptor.base_url.default.map(str::to_owned))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "{provider}: set {} as well (see xtask/README.md)",
                        var_name(provider, "base_url")
                    )
                })?,
            descriptor,
            api_version: get(lookup, &var_name(provider, "api_version")),
            credentials,
        };
        descriptor
            .check_credentials(&account.settings(&account.base_url, false))
            .map_err(|why| {
                let names: Vec<String> = descriptor
                    .credential_kinds
                    .iter()
                    .map(|k| {
                        let vars: Vec<String> =
                            k.fields.iter().map(|f| var_name(provider, f)).collect();
                        vars.join(" and ")
                    })
                    .collect();
                anyhow::anyhow!("{why}: set {} (see xtask/README.md)", names.join(", or "))
            })?;
        url::Url::parse(&account.base_url).map_err(|e| {
            anyhow::anyhow!(
                "{provider}: the base URL `{}` is not a URL ({e})",
                account.base_url
            )
        })?;
        Ok(Some(account))
    }

    /// The values the scrubber must never let through: every secret credential.
    pub fn secrets(&self) -> Vec<String> {
        self.descriptor
            .credential_fields
            .iter()
            .filter(|f| f.secret)
            .filter_map(|f| self.credentials.get(f.name).cloned())
            .collect()
    }

    /// The account's settings pointed at `base_url`; with `invalid_credentials` every secret is
    /// replaced by a token the provider rejects.
    fn settings(&self, base_url: &str, invalid_credentials: bool) -> AccountSettings {
        let mut settings = AccountSettings {
            account_id: format!("recording-{}", self.provider.as_str()),
            base_url: base_url.to_owned(),
            api_version: self.api_version.clone(),
            ..AccountSettings::default()
        };
        for field in self.descriptor.credential_fields {
            if let Some(value) = self.credentials.get(field.name) {
                let value = if invalid_credentials && field.secret {
                    INVALID_TOKEN
                } else {
                    value
                };
                settings = settings.with_credential(field.name, value);
            }
        }
        settings
    }

    /// The provider's connector pointed at `base_url` (the recording proxy or a replay server),
    /// with the account's credentials or, when `invalid_credentials`, a token the provider
    /// rejects. No retries: every request the connector makes is one recorded exchange.
    pub fn connector(
        &self,
        base_url: &str,
        invalid_credentials: bool,
    ) -> crm_core::Result<Arc<dyn DynConnector>> {
        let options = ConnectOptions {
            transport: TransportOptions::no_retry(),
            token_sink: None,
        };
        self.descriptor
            .connect(&self.settings(base_url, invalid_credentials), options)
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

    fn descriptor(id: &str) -> &'static Descriptor {
        crm_providers::get(id).unwrap()
    }

    #[test]
    fn unset_partial_and_complete_accounts() {
        assert!(Account::from_env(descriptor("zoho"), &lookup(&[]))
            .unwrap()
            .is_none());
        let err = Account::from_env(
            descriptor("salesforce"),
            &lookup(&[("CRM_RECORD_SALESFORCE_ACCESS_TOKEN", "tok")]),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("CRM_RECORD_SALESFORCE_BASE_URL"),
            "{err}"
        );
        let account = Account::from_env(
            descriptor("pipedrive"),
            &lookup(&[("CRM_RECORD_PIPEDRIVE_API_TOKEN", "0123456789abcdef")]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(account.base_url, "https://api.pipedrive.com");
        assert_eq!(account.secrets(), ["0123456789abcdef"]);
        assert!(!format!("{account:?}").contains("0123456789abcdef"));
        let err = Account::from_env(
            descriptor("copper"),
            &lookup(&[("CRM_RECORD_COPPER_API_KEY", "k-1234")]),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("CRM_RECORD_COPPER_USER_EMAIL"),
            "{err}"
        );
        let copper = Account::from_env(
            descriptor("copper"),
            &lookup(&[
                ("CRM_RECORD_COPPER_API_KEY", "k-1234"),
                ("CRM_RECORD_COPPER_USER_EMAIL", "me@example.com"),
                ("CRM_RECORD_COPPER_BASE_URL", "http://127.0.0.1:9"),
            ]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(copper.base_url, "http://127.0.0.1:9");
        assert_eq!(copper.secrets(), ["k-1234"]);
        assert!(copper.connector("http://127.0.0.1:9", false).is_ok());
        assert!(copper.connector("http://127.0.0.1:9", true).is_ok());
    }

    #[test]
    fn variables_follow_the_descriptor() {
        let names: Vec<String> = env_vars(descriptor("copper"))
            .into_iter()
            .map(|v| v.name)
            .collect();
        assert_eq!(
            names,
            [
                "CRM_RECORD_COPPER_BASE_URL",
                "CRM_RECORD_COPPER_API_VERSION",
                "CRM_RECORD_COPPER_API_KEY",
                "CRM_RECORD_COPPER_USER_EMAIL"
            ]
        );
    }
}
