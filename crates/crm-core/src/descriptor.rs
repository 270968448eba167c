//! What a provider crate tells the rest of the system about itself, in one value: its
//! [`Descriptor`]. The server, the sandbox, the fixture recorder, `/meta`, the OpenAPI document
//! and the README's tables read descriptors from the registry that a build links; none of them
//! names a provider.

use crate::capabilities::Capabilities;
use crate::connector::DynConnector;
use crate::error::{Error, Result};
use crate::provider::Provider;
use crate::transport::{
    OAuthCredentials, OAuthSettings, RequestLimiter, TokenSet, TokenSink, TransportOptions,
};
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// One provider, described once in its own crate.
#[derive(Clone, Copy)]
pub struct Descriptor {
    pub provider: Provider,
    /// Filters, fields, page sizes: what the connector supports.
    pub capabilities: &'static Capabilities,
    /// The client-side limits one account's requests keep to (the provider's documented limits).
    pub default_limits: fn() -> RequestLimiter,
    /// What the account's base URL is, and its default when the provider has one host.
    pub base_url: BaseUrl,
    /// Every credential the connector reads.
    pub credential_fields: &'static [CredentialField],
    /// The combinations of credentials that suffice, in order of preference.
    pub credential_kinds: &'static [CredentialKind],
    /// The OAuth app endpoints and scopes, for providers that connect with OAuth.
    pub oauth: Option<OAuthApp>,
    /// Builds the connector of one account from its stored settings.
    pub connect: fn(&AccountSettings, ConnectOptions) -> Result<Arc<dyn DynConnector>>,
    /// The fixed id of this provider's account in sandbox mode.
    pub sandbox_account: &'static str,
    /// What the fixture scrubber removes from this provider's payloads.
    pub scrub: Scrub,
}

impl fmt::Debug for Descriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Descriptor")
            .field("provider", &self.provider)
            .finish_non_exhaustive()
    }
}

impl Descriptor {
    /// Checks the account's credentials against [`Descriptor::credential_kinds`] (one kind must be
    /// complete) and that no value carries control characters; the message names what is missing,
    /// never a value.
    pub fn check_credentials(&self, settings: &AccountSettings) -> Result<(), String> {
        for (name, value) in &settings.credentials {
            if value.expose_secret().chars().any(char::is_control) {
                return Err(format!(
                    "the credential `{name}` contains control characters"
                ));
            }
        }
        let complete = |kind: &CredentialKind| {
            kind.fields
                .iter()
                .all(|f| settings.credentials.contains_key(*f))
        };
        if self.credential_kinds.iter().any(complete) {
            return Ok(());
        }
        let options: Vec<String> = self
            .credential_kinds
            .iter()
            .map(|k| {
                let fields: Vec<String> = k.fields.iter().map(|f| format!("`{f}`")).collect();
                fields.join(" and ")
            })
            .collect();
        Err(format!(
            "a {} account needs {} in its credentials",
            self.provider,
            options.join(", or ")
        ))
    }

    /// The account's connector: credentials checked, then built by the provider crate.
    pub fn connect(
        &self,
        settings: &AccountSettings,
        options: ConnectOptions,
    ) -> Result<Arc<dyn DynConnector>> {
        self.check_credentials(settings)
            .map_err(|m| Error::invalid("credentials", m))?;
        (self.connect)(settings, options)
    }
}

/// What an account's base URL is for this provider.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct BaseUrl {
    /// How the provider calls it (`instance_url`, `api_domain`, `API host`).
    pub name: &'static str,
    /// The one public host, when the provider has one.
    pub default: Option<&'static str>,
}

/// A credential the connector reads, by its name in the account's credentials.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CredentialField {
    pub name: &'static str,
    /// What to type, for forms and docs.
    pub label: &'static str,
    /// Never shown back (tokens, keys, secrets); `false` for e-mails, client ids, URLs.
    pub secret: bool,
}

/// A set of credentials that together authenticate an account (e.g. an API token; or an OAuth
/// access token).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CredentialKind {
    pub name: &'static str,
    /// The field names that must all be present.
    pub fields: &'static [&'static str],
}

/// The OAuth 2 app endpoints of a provider.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct OAuthApp {
    pub authorize_url: &'static str,
    pub token_url: &'static str,
    pub scopes: &'static [&'static str],
    /// Whether the provider supports PKCE (`S256`).
    pub pkce: bool,
}

/// What the fixture scrubber needs to know of a provider's payloads.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Scrub {
    /// Fields that hold personal data.
    pub rules: &'static [ScrubRule],
    /// Host names of the provider's accounts and data centres: a host that is, or is a subdomain
    /// of, one of these (`acme.my.salesforce.com`).
    pub host_suffixes: &'static [&'static str],
    /// Host labels that identify the provider on any top-level domain (`zohoapis` in
    /// `www.zohoapis.eu`).
    pub host_labels: &'static [&'static str],
    /// Authorization schemes besides `Bearer` whose token must never reach a fixture.
    pub auth_schemes: &'static [&'static str],
}

/// What a scrub rule's field holds, which decides the fake the fixture scrubber puts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalData {
    Email,
    Phone,
    Name,
    Street,
    Text,
    Url,
}

impl PersonalData {
    pub const ALL: [PersonalData; 6] = [
        PersonalData::Email,
        PersonalData::Phone,
        PersonalData::Name,
        PersonalData::Street,
        PersonalData::Text,
        PersonalData::Url,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PersonalData::Email => "e-mail",
            PersonalData::Phone => "phone",
            PersonalData::Name => "person name",
            PersonalData::Street => "street",
            PersonalData::Text => "free text",
            PersonalData::Url => "personal URL",
        }
    }
}

/// One field of a provider's payloads that holds personal data, as a JSONPath in descendant form
/// (`$..Email`), so that it applies to a whole body and to one record alike.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ScrubRule {
    pub kind: PersonalData,
    pub path: &'static str,
}

impl ScrubRule {
    pub const fn new(kind: PersonalData, path: &'static str) -> Self {
        ScrubRule { kind, path }
    }
}

/// One account's stored settings, as a provider crate's `connect` reads them.
#[derive(Clone, Default)]
pub struct AccountSettings {
    /// The account's id, for messages.
    pub account_id: String,
    pub base_url: String,
    /// The provider API version to speak, when not the connector's default.
    pub api_version: Option<String>,
    /// Credentials by field name; only the ones that are set.
    pub credentials: BTreeMap<String, SecretString>,
    /// When the access token expires, if known.
    pub expires_at: Option<DateTime<Utc>>,
}

impl fmt::Debug for AccountSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountSettings")
            .field("account_id", &self.account_id)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("credentials", &self.credentials.keys().collect::<Vec<_>>())
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl AccountSettings {
    /// Adds a credential (blank values count as unset).
    pub fn with_credential(mut self, name: &str, value: impl Into<String>) -> Self {
        let value = value.into();
        if !value.trim().is_empty() {
            self.credentials
                .insert(name.to_owned(), SecretString::from(value));
        }
        self
    }

    pub fn secret(&self, name: &str) -> Option<&SecretString> {
        self.credentials.get(name)
    }

    /// A credential that is not secret (an e-mail, a client id, a URL), as text.
    pub fn text(&self, name: &str) -> Option<String> {
        self.secret(name).map(|s| s.expose_secret().to_owned())
    }

    /// A credential the connector cannot work without.
    pub fn required(&self, name: &str) -> Result<SecretString> {
        self.secret(name).cloned().ok_or_else(|| {
            Error::invalid(
                "credentials",
                format!("account {} has no `{name}`", self.account_id),
            )
        })
    }

    /// The refresh settings, when the account has a refresh token, client id and client secret.
    /// `token_url` is the account's own, if it has one (else the provider's default applies).
    pub fn refresh(&self) -> Option<crate::transport::RefreshSettings> {
        Some(crate::transport::RefreshSettings {
            client_id: self.text("client_id")?,
            client_secret: self.secret("client_secret")?.clone(),
            refresh_token: self.secret("refresh_token")?.clone(),
            token_url: self.text("token_url"),
        })
    }
}

/// How the caller (the server, a test) wants connectors built.
#[derive(Clone, Default)]
pub struct ConnectOptions {
    /// Timeout, retries, limiter, client.
    pub transport: TransportOptions,
    /// Where refreshed tokens go (the server's account store).
    pub token_sink: Option<Arc<dyn TokenSink>>,
}

impl fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("transport", &self.transport)
            .field("token_sink", &self.token_sink.is_some())
            .finish()
    }
}

impl ConnectOptions {
    /// The transport options, with refreshing credentials when the account can refresh
    /// (`oauth` is `Some`): refreshed before `expires_at` and once after a 401, new tokens handed to
    /// the token sink.
    pub fn transport_for(
        &self,
        oauth: Option<OAuthSettings>,
        tokens: Option<TokenSet>,
    ) -> TransportOptions {
        let mut transport = self.transport.clone();
        if let (Some(settings), Some(tokens)) = (oauth, tokens) {
            let mut credentials = OAuthCredentials::new(settings, tokens);
            if let Some(sink) = &self.token_sink {
                credentials = credentials.with_sink(sink.clone());
            }
            transport.credentials = Some(Arc::new(credentials));
        }
        transport
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn descriptor() -> Descriptor {
        fn connect(_: &AccountSettings, _: ConnectOptions) -> Result<Arc<dyn DynConnector>> {
            Err(Error::invalid("x", "not in this test"))
        }
        static CAPS: Capabilities = Capabilities {
            provider: crate::provider::fixtures::PIPEDRIVE,
            filters: &[],
            fields: &[],
            max_page_size: 1,
            natural_page_size: 1,
            reserved_remote_query: &[],
            enrichment: None,
        };
        Descriptor {
            provider: crate::provider::fixtures::PIPEDRIVE,
            capabilities: &CAPS,
            default_limits: RequestLimiter::unlimited,
            base_url: BaseUrl {
                name: "api_domain",
                default: None,
            },
            credential_fields: &[],
            credential_kinds: &[
                CredentialKind {
                    name: "api_token",
                    fields: &["api_token"],
                },
                CredentialKind {
                    name: "oauth",
                    fields: &["access_token"],
                },
            ],
            oauth: None,
            connect,
            sandbox_account: "00000000-0000-4000-8000-000000000000",
            scrub: Scrub {
                rules: &[],
                host_suffixes: &[],
                host_labels: &[],
                auth_schemes: &[],
            },
        }
    }

    #[test]
    fn one_complete_kind_suffices_and_the_message_names_them_all() {
        let d = descriptor();
        let empty = AccountSettings::default();
        assert_eq!(
            d.check_credentials(&empty).unwrap_err(),
            "a Pipedrive account needs `api_token`, or `access_token` in its credentials"
        );
        let ok = AccountSettings::default().with_credential("access_token", "t");
        assert!(d.check_credentials(&ok).is_ok());
        let blank = AccountSettings::default().with_credential("api_token", "  ");
        assert!(d.check_credentials(&blank).is_err());
        let control = AccountSettings::default().with_credential("api_token", "a\nb");
        assert!(d
            .check_credentials(&control)
            .unwrap_err()
            .contains("control characters"));
        assert!(!format!("{control:?}").contains("a\nb"));
    }
}
