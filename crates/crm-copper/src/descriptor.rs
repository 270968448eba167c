//! Copper as the rest of the system sees it: identity, capabilities, limits, credentials,
//! sandbox account and where its payloads hold personal data.

use crate::capabilities::CAPABILITIES;
use crate::config::{Config, DEFAULT_BASE_URL};
use crate::connector::CopperConnector;
use crate::limits::default_limiter;
use crm_core::descriptor::{
    BaseUrl, CredentialField, CredentialKind, PersonalData as P, Scrub, ScrubRule,
};
use crm_core::{AccountSettings, ConnectOptions, Descriptor, DynConnector, Provider, Result};
use std::sync::Arc;

/// Copper's identity: id `copper`.
pub const PROVIDER: Provider = crm_core::provider!("copper", "Copper");

/// Everything the server, the sandbox and the fixture recorder need to know about Copper.
pub static DESCRIPTOR: Descriptor = Descriptor {
    provider: PROVIDER,
    capabilities: &CAPABILITIES,
    default_limits: default_limiter,
    base_url: BaseUrl {
        name: "API host",
        default: Some(DEFAULT_BASE_URL),
    },
    credential_fields: &[
        CredentialField {
            name: "api_key",
            label: "API key (Settings > Integrations > API Keys)",
            secret: true,
        },
        CredentialField {
            name: "user_email",
            label: "E-mail of the user the API key belongs to",
            secret: false,
        },
    ],
    credential_kinds: &[CredentialKind {
        name: "api_key",
        fields: &["api_key", "user_email"],
    }],
    oauth: None,
    connect,
    sandbox_account: "00000000-0000-4000-8000-00000000c0e1",
    scrub: Scrub {
        rules: &[
            ScrubRule::new(P::Name, "$..name"),
            ScrubRule::new(P::Name, "$..first_name"),
            ScrubRule::new(P::Name, "$..middle_name"),
            ScrubRule::new(P::Name, "$..last_name"),
            ScrubRule::new(P::Email, "$..email.email"),
            ScrubRule::new(P::Email, "$..emails"),
            ScrubRule::new(P::Phone, "$..phone_numbers[*].number"),
            ScrubRule::new(P::Phone, "$..phone_number"),
            ScrubRule::new(P::Street, "$..address.street"),
            ScrubRule::new(P::Text, "$..details"),
            ScrubRule::new(P::Url, "$..socials[*].url"),
            ScrubRule::new(P::Url, "$..websites[*].url"),
        ],
        host_suffixes: &["copper.com", "prosperworks.com"],
        host_labels: &[],
        auth_schemes: &[],
    },
};

fn connect(settings: &AccountSettings, options: ConnectOptions) -> Result<Arc<dyn DynConnector>> {
    let mut config = Config::new(
        settings.required("api_key")?,
        settings.required("user_email")?,
    )
    .with_base_url(settings.base_url.as_str());
    if let Some(version) = &settings.api_version {
        config = config.with_api_version(version.as_str());
    }
    Ok(Arc::new(CopperConnector::with_options(
        config,
        &options.transport,
    )?))
}
