//! Salesforce as the rest of the system sees it: identity, capabilities, limits, credentials,
//! OAuth app, sandbox account and where its payloads hold personal data.

use crate::capabilities::CAPABILITIES;
use crate::config::{Config, DEFAULT_TOKEN_URL};
use crate::connector::SalesforceConnector;
use crate::limits::default_limiter;
use crm_core::descriptor::{
    BaseUrl, CredentialField, CredentialKind, OAuthApp, PersonalData as P, Scrub, ScrubRule,
};
use crm_core::{AccountSettings, ConnectOptions, Descriptor, DynConnector, Provider, Result};
use std::sync::Arc;

/// Salesforce's identity: id `salesforce`.
pub const PROVIDER: Provider = crm_core::provider!("salesforce", "Salesforce");

/// The OAuth fields every OAuth provider stores.
const OAUTH_FIELDS: &[CredentialField] = &[
    CredentialField {
        name: "access_token",
        label: "OAuth access token",
        secret: true,
    },
    CredentialField {
        name: "refresh_token",
        label: "OAuth refresh token",
        secret: true,
    },
    CredentialField {
        name: "client_id",
        label: "OAuth client id (consumer key)",
        secret: false,
    },
    CredentialField {
        name: "client_secret",
        label: "OAuth client secret (consumer secret)",
        secret: true,
    },
    CredentialField {
        name: "token_url",
        label: "OAuth token URL (login, test or My Domain)",
        secret: false,
    },
];

/// Everything the server, the sandbox and the fixture recorder need to know about Salesforce.
pub static DESCRIPTOR: Descriptor = Descriptor {
    provider: PROVIDER,
    capabilities: &CAPABILITIES,
    default_limits: default_limiter,
    base_url: BaseUrl {
        name: "instance_url",
        default: None,
    },
    credential_fields: OAUTH_FIELDS,
    credential_kinds: &[CredentialKind {
        name: "oauth",
        fields: &["access_token"],
    }],
    oauth: Some(OAuthApp {
        authorize_url: "https://login.salesforce.com/services/oauth2/authorize",
        token_url: DEFAULT_TOKEN_URL,
        scopes: &["api", "refresh_token"],
        pkce: true,
    }),
    connect,
    sandbox_account: "00000000-0000-4000-8000-0000000005f0",
    scrub: Scrub {
        rules: &[
            ScrubRule::new(P::Name, "$..FirstName"),
            ScrubRule::new(P::Name, "$..MiddleName"),
            ScrubRule::new(P::Name, "$..LastName"),
            ScrubRule::new(P::Name, "$..Name"),
            ScrubRule::new(P::Name, "$..Suffix"),
            ScrubRule::new(P::Email, "$..Email"),
            ScrubRule::new(P::Phone, "$..Phone"),
            ScrubRule::new(P::Phone, "$..MobilePhone"),
            ScrubRule::new(P::Phone, "$..Fax"),
            ScrubRule::new(P::Street, "$..Street"),
            ScrubRule::new(P::Text, "$..Description"),
        ],
        host_suffixes: &[
            "salesforce.com",
            "force.com",
            "cloudforce.com",
            "salesforce-sites.com",
        ],
        host_labels: &[],
        auth_schemes: &[],
    },
};

fn connect(settings: &AccountSettings, options: ConnectOptions) -> Result<Arc<dyn DynConnector>> {
    let mut config = Config::new(
        settings.base_url.as_str(),
        settings.required("access_token")?,
    );
    if let Some(version) = &settings.api_version {
        config = config.with_api_version(version.as_str());
    }
    if let Some(refresh) = settings.refresh() {
        config = config.with_refresh(refresh);
    }
    let mut tokens = config.token_set();
    tokens.expires_at = settings.expires_at;
    let transport = options.transport_for(config.oauth_settings(), Some(tokens));
    Ok(Arc::new(SalesforceConnector::with_options(
        config, &transport,
    )?))
}
