//! Zendesk Sell as the rest of the system sees it: identity, capabilities, limits, credentials,
//! OAuth app, sandbox account and where its payloads hold personal data.

use crate::capabilities::CAPABILITIES;
use crate::config::{Config, BASE_URL, OAUTH_AUTHORIZE_URL, OAUTH_TOKEN_URL};
use crate::connector::ZendeskSellConnector;
use crate::limits::default_limiter;
use crm_core::descriptor::{
    BaseUrl, CredentialField, CredentialKind, OAuthApp, PersonalData as P, Scrub, ScrubRule,
};
use crm_core::{AccountSettings, ConnectOptions, Descriptor, DynConnector, Provider, Result};
use std::sync::Arc;

/// Zendesk Sell's identity: id `zendesk-sell`.
pub const PROVIDER: Provider = crm_core::provider!("zendesk-sell", "Zendesk Sell");

/// Everything the server, the sandbox and the fixture recorder need to know about Zendesk Sell.
pub static DESCRIPTOR: Descriptor = Descriptor {
    provider: PROVIDER,
    capabilities: &CAPABILITIES,
    default_limits: default_limiter,
    base_url: BaseUrl {
        name: "https://api.getbase.com (one host for every account)",
        default: Some(BASE_URL),
    },
    credential_fields: &[
        CredentialField {
            name: "access_token",
            label: "Personal access token or OAuth access token",
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
        // OAuth: one-hour access tokens, refreshed with the refresh token.
        CredentialKind {
            name: "oauth",
            fields: &["access_token", "refresh_token"],
        },
        // A personal access token (does not expire).
        CredentialKind {
            name: "access_token",
            fields: &["access_token"],
        },
    ],
    oauth: Some(OAuthApp {
        authorize_url: OAUTH_AUTHORIZE_URL,
        token_url: OAUTH_TOKEN_URL,
        scopes: &["read"],
        pkce: false,
    }),
    connect,
    sandbox_account: "00000000-0000-4000-8000-0000000052e1",
    scrub: Scrub {
        rules: &[
            ScrubRule::new(P::Name, "$..first_name"),
            ScrubRule::new(P::Name, "$..last_name"),
            ScrubRule::new(P::Name, "$..organization_name"),
            ScrubRule::new(P::Email, "$..email"),
            ScrubRule::new(P::Phone, "$..phone"),
            ScrubRule::new(P::Phone, "$..mobile"),
            ScrubRule::new(P::Phone, "$..fax"),
            ScrubRule::new(P::Street, "$..address.line1"),
            ScrubRule::new(P::Text, "$..description"),
            ScrubRule::new(P::Text, "$..skype"),
            ScrubRule::new(P::Url, "$..website"),
            ScrubRule::new(P::Url, "$..twitter"),
            ScrubRule::new(P::Url, "$..facebook"),
            ScrubRule::new(P::Url, "$..linkedin"),
        ],
        host_suffixes: &["getbase.com", "zendesk.com"],
        host_labels: &[],
        auth_schemes: &[],
    },
};

/// OAuth with refresh when the account has a refresh token, client id and secret; else the
/// access token alone (a personal access token, or an OAuth token used until it expires).
fn connect(settings: &AccountSettings, options: ConnectOptions) -> Result<Arc<dyn DynConnector>> {
    let token = settings.required("access_token")?;
    let config = match settings.refresh() {
        Some(refresh) => Config::oauth(token).with_refresh(refresh),
        None => Config::access_token(token),
    }
    .with_base_url(settings.base_url.as_str());
    let tokens = config.token_set().map(|mut t| {
        t.expires_at = settings.expires_at;
        t
    });
    let transport = options.transport_for(config.oauth_settings(), tokens);
    Ok(Arc::new(ZendeskSellConnector::with_options(
        config, &transport,
    )?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_account_is_a_uuid_and_the_id_is_stable() {
        assert_eq!(PROVIDER.as_str(), "zendesk-sell");
        assert_eq!(PROVIDER.display_name(), "Zendesk Sell");
        let hex: String = DESCRIPTOR.sandbox_account.replace('-', "");
        assert_eq!(hex.len(), 32);
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
