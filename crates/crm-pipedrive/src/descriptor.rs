//! Pipedrive as the rest of the system sees it: identity, capabilities, limits, credentials,
//! OAuth app, sandbox account and where its payloads hold personal data.

use crate::capabilities::CAPABILITIES;
use crate::config::{Config, API_TOKEN_BASE_URL, OAUTH_TOKEN_URL};
use crate::connector::PipedriveConnector;
use crate::limits::default_limiter;
use crm_core::descriptor::{
    BaseUrl, CredentialField, CredentialKind, OAuthApp, PersonalData as P, Scrub, ScrubRule,
};
use crm_core::{AccountSettings, ConnectOptions, Descriptor, DynConnector, Provider, Result};
use std::sync::Arc;

/// Pipedrive's identity: id `pipedrive`.
pub const PROVIDER: Provider = crm_core::provider!("pipedrive", "Pipedrive");

/// Everything the server, the sandbox and the fixture recorder need to know about Pipedrive.
pub static DESCRIPTOR: Descriptor = Descriptor {
    provider: PROVIDER,
    capabilities: &CAPABILITIES,
    default_limits: default_limiter,
    base_url: BaseUrl {
        name: "api_domain (OAuth) or https://api.pipedrive.com (API token)",
        default: Some(API_TOKEN_BASE_URL),
    },
    credential_fields: &[
        CredentialField {
            name: "api_token",
            label: "Personal API token",
            secret: true,
        },
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
            label: "OAuth client id",
            secret: false,
        },
        CredentialField {
            name: "client_secret",
            label: "OAuth client secret",
            secret: true,
        },
        CredentialField {
            name: "token_url",
            label: "OAuth token URL",
            secret: false,
        },
    ],
    credential_kinds: &[
        CredentialKind {
            name: "api_token",
            fields: &["api_token"],
        },
        // The name older accounts files used for the API token.
        CredentialKind {
            name: "api_key",
            fields: &["api_key"],
        },
        CredentialKind {
            name: "oauth",
            fields: &["access_token"],
        },
    ],
    oauth: Some(OAuthApp {
        authorize_url: "https://oauth.pipedrive.com/oauth/authorize",
        token_url: OAUTH_TOKEN_URL,
        scopes: &["leads:read", "contacts:read"],
        pkce: false,
    }),
    connect,
    sandbox_account: "00000000-0000-4000-8000-0000000091de",
    scrub: Scrub {
        rules: &[
            // Leads have no person fields of their own; titles default to "<person> lead".
            ScrubRule::new(P::Text, "$..title"),
            ScrubRule::new(P::Email, "$..cc_email"),
            // Persons (page enrichment).
            ScrubRule::new(P::Name, "$..first_name"),
            ScrubRule::new(P::Name, "$..last_name"),
            ScrubRule::new(P::Name, "$..name"),
            ScrubRule::new(P::Email, "$..emails[*].value"),
            ScrubRule::new(P::Phone, "$..phones[*].value"),
        ],
        host_suffixes: &["pipedrive.com"],
        host_labels: &[],
        auth_schemes: &[],
    },
};

/// An API token when the account has one (`api_token`, or the older `api_key`), else OAuth with
/// refresh when the account has a refresh token, client id and secret.
fn connect(settings: &AccountSettings, options: ConnectOptions) -> Result<Arc<dyn DynConnector>> {
    let token = settings
        .secret("api_token")
        .or_else(|| settings.secret("api_key"))
        .cloned();
    let config = match token {
        Some(token) => Config::api_token(token).with_base_url(settings.base_url.as_str()),
        None => {
            let mut config = Config::oauth(
                settings.base_url.as_str(),
                settings.required("access_token")?,
            );
            if let Some(refresh) = settings.refresh() {
                config = config.with_refresh(refresh);
            }
            config
        }
    };
    let tokens = config.token_set().map(|mut t| {
        t.expires_at = settings.expires_at;
        t
    });
    let transport = options.transport_for(config.oauth_settings(), tokens);
    Ok(Arc::new(PipedriveConnector::with_options(
        config, &transport,
    )?))
}
