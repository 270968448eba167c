//! Insightly as the rest of the system sees it: identity, capabilities, limits, credentials,
//! sandbox account and where its payloads hold personal data.

use crate::capabilities::CAPABILITIES;
use crate::config::Config;
use crate::connector::InsightlyConnector;
use crate::limits::default_limiter;
use crm_core::descriptor::{
    BaseUrl, CredentialField, CredentialKind, PersonalData as P, Scrub, ScrubRule,
};
use crm_core::{AccountSettings, ConnectOptions, Descriptor, DynConnector, Provider, Result};
use std::sync::Arc;

/// Insightly's identity: id `insightly`.
pub const PROVIDER: Provider = crm_core::provider!("insightly", "Insightly");

/// Everything the server, the sandbox and the fixture recorder need to know about Insightly.
pub static DESCRIPTOR: Descriptor = Descriptor {
    provider: PROVIDER,
    capabilities: &CAPABILITIES,
    default_limits: default_limiter,
    base_url: BaseUrl {
        name: "API URL of the account's pod, without /v3.1 (e.g. https://api.na1.insightly.com)",
        default: None,
    },
    credential_fields: &[CredentialField {
        name: "api_key",
        label: "API key (User Settings > API)",
        secret: true,
    }],
    credential_kinds: &[CredentialKind {
        name: "api_key",
        fields: &["api_key"],
    }],
    oauth: None,
    connect,
    sandbox_account: "00000000-0000-4000-8000-0000000015e1",
    scrub: Scrub {
        rules: &[
            ScrubRule::new(P::Name, "$..FIRST_NAME"),
            ScrubRule::new(P::Name, "$..LAST_NAME"),
            ScrubRule::new(P::Name, "$..SALUTATION"),
            ScrubRule::new(P::Name, "$..ORGANISATION_NAME"),
            ScrubRule::new(P::Email, "$..EMAIL"),
            ScrubRule::new(P::Email, "$..LINKED_EMAIL_ADDRESS"),
            ScrubRule::new(P::Phone, "$..PHONE"),
            ScrubRule::new(P::Phone, "$..MOBILE"),
            ScrubRule::new(P::Phone, "$..FAX"),
            ScrubRule::new(P::Street, "$..ADDRESS_STREET"),
            ScrubRule::new(P::Text, "$..LEAD_DESCRIPTION"),
            ScrubRule::new(P::Url, "$..WEBSITE"),
            ScrubRule::new(P::Url, "$..IMAGE_URL"),
        ],
        host_suffixes: &["insightly.com"],
        host_labels: &[],
        auth_schemes: &["Basic"],
    },
};

fn connect(settings: &AccountSettings, options: ConnectOptions) -> Result<Arc<dyn DynConnector>> {
    let mut config =
        Config::new(settings.required("api_key")?).with_base_url(settings.base_url.as_str());
    if let Some(version) = &settings.api_version {
        config = config.with_api_version(version.as_str());
    }
    Ok(Arc::new(InsightlyConnector::with_options(
        config,
        &options.transport,
    )?))
}
