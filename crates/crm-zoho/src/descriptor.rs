//! Zoho CRM as the rest of the system sees it: identity, capabilities, limits, credentials,
//! OAuth app, sandbox account and where its payloads hold personal data.

use crate::capabilities::CAPABILITIES;
use crate::config::Config;
use crate::connector::ZohoConnector;
use crate::limits::default_limiter;
use crm_core::descriptor::{
    BaseUrl, CredentialField, CredentialKind, OAuthApp, PersonalData as P, Scrub, ScrubRule,
};
use crm_core::{AccountSettings, ConnectOptions, Descriptor, DynConnector, Provider, Result};
use std::sync::Arc;

/// Zoho CRM's identity: id `zoho`.
pub const PROVIDER: Provider = crm_core::provider!("zoho", "Zoho CRM");

/// Everything the server, the sandbox and the fixture recorder need to know about Zoho CRM.
pub static DESCRIPTOR: Descriptor = Descriptor {
    provider: PROVIDER,
    capabilities: &CAPABILITIES,
    default_limits: default_limiter,
    base_url: BaseUrl {
        name: "api_domain",
        default: None,
    },
    credential_fields: &[
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
            label: "Token URL ({accounts server}/oauth/v2/token; default: the data centre's)",
            secret: false,
        },
    ],
    credential_kinds: &[CredentialKind {
        name: "oauth",
        fields: &["access_token"],
    }],
    oauth: Some(OAuthApp {
        authorize_url: "https://accounts.zoho.com/oauth/v2/auth",
        token_url: "https://accounts.zoho.com/oauth/v2/token",
        scopes: &["ZohoCRM.modules.leads.READ", "ZohoCRM.settings.fields.READ"],
        pkce: false,
    }),
    connect,
    sandbox_account: "00000000-0000-4000-8000-0000000020c0",
    scrub: Scrub {
        rules: &[
            // Records plus user lookups ({name, id, email}).
            ScrubRule::new(P::Name, "$..First_Name"),
            ScrubRule::new(P::Name, "$..Last_Name"),
            ScrubRule::new(P::Name, "$..Full_Name"),
            ScrubRule::new(P::Name, "$..Owner.name"),
            ScrubRule::new(P::Name, "$..Created_By.name"),
            ScrubRule::new(P::Name, "$..Modified_By.name"),
            ScrubRule::new(P::Name, "$..Converted_Contact.name"),
            ScrubRule::new(P::Email, "$..Email"),
            ScrubRule::new(P::Email, "$..Secondary_Email"),
            ScrubRule::new(P::Email, "$..email"),
            ScrubRule::new(P::Phone, "$..Phone"),
            ScrubRule::new(P::Phone, "$..Mobile"),
            ScrubRule::new(P::Phone, "$..Fax"),
            ScrubRule::new(P::Street, "$..Street"),
            ScrubRule::new(P::Text, "$..Description"),
            ScrubRule::new(P::Text, "$..Skype_ID"),
            ScrubRule::new(P::Text, "$..Twitter"),
        ],
        host_suffixes: &[],
        host_labels: &["zoho", "zohoapis", "zohocloud", "zohopublic"],
        auth_schemes: &["Zoho-oauthtoken"],
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
    let transport = options.transport_for(config.oauth_settings()?, Some(tokens));
    Ok(Arc::new(ZohoConnector::with_options(config, &transport)?))
}
