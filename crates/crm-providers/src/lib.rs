//! The registry: every provider connector this build includes, as its [`Descriptor`].
//!
//! The server, the sandbox, the fixture recorder, `/meta`, the OpenAPI document and the README's
//! tables read providers from here, and nothing else in the workspace names one. Adding a
//! provider is one line in [`providers!`] below plus its cargo feature in this crate's manifest.

use crm_core::{Descriptor, Provider};
use std::fmt;

/// One line per provider: `"<id>" => "<cargo feature>": <crate>`.
macro_rules! providers {
    ($($id:literal => $feature:literal: $krate:ident),+ $(,)?) => {
        /// Every provider this build includes, ordered by id.
        static ALL: &[&Descriptor] = &[
            $(#[cfg(feature = $feature)] &$krate::DESCRIPTOR,)+
        ];

        /// Every provider id the workspace knows and the cargo feature that includes it, whether
        /// or not this build has it (to say which feature a missing provider needs).
        pub const KNOWN: &[(&str, &str)] = &[$(($id, $feature),)+];
    };
}

providers! {
    "copper" => "copper": crm_copper,
    "insightly" => "insightly": crm_insightly,
    "pipedrive" => "pipedrive": crm_pipedrive,
    "salesforce" => "salesforce": crm_salesforce,
    "zendesk-sell" => "zendesk-sell": crm_zendesk_sell,
    "zoho" => "zoho": crm_zoho,
}

/// The descriptors of this build, ordered by id.
pub fn all() -> &'static [&'static Descriptor] {
    ALL
}

/// The providers of this build, ordered by id.
pub fn providers() -> impl Iterator<Item = Provider> {
    ALL.iter().map(|d| d.provider)
}

/// The descriptor of provider `id` (exact, lowercase), when this build includes it.
pub fn get(id: &str) -> Option<&'static Descriptor> {
    ALL.iter().copied().find(|d| d.provider.as_str() == id)
}

/// The descriptor of `id` (compared without regard to ASCII case), or an error that says what is
/// wrong: an id no build knows, or one this build was compiled without.
pub fn lookup(id: &str) -> Result<&'static Descriptor, UnknownProvider> {
    let wanted = id.trim().to_ascii_lowercase();
    if let Some(d) = get(&wanted) {
        return Ok(d);
    }
    let feature = KNOWN
        .iter()
        .find(|(known, _)| *known == wanted)
        .map(|(_, feature)| *feature);
    Err(UnknownProvider {
        id: crm_core::text::shorten(id).into_owned(),
        feature,
    })
}

/// A provider id this build cannot serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProvider {
    pub id: String,
    /// The cargo feature of `crm-providers` that includes it, when the workspace has it.
    pub feature: Option<&'static str>,
}

impl fmt::Display for UnknownProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let available: Vec<&str> = providers().map(Provider::as_str).collect();
        match self.feature {
            Some(feature) => write!(
                f,
                "provider `{}` is not included in this build; rebuild with the cargo feature `crm-providers/{feature}` (this build has: {})",
                self.id,
                available.join(", ")
            ),
            None => write!(
                f,
                "unknown provider `{}`; expected one of {}",
                self.id,
                available.join(", ")
            ),
        }
    }
}

impl std::error::Error for UnknownProvider {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_are_consistent() {
        let ids: Vec<&str> = providers().map(Provider::as_str).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted, "ordered by id, no duplicates");
        let mut sandbox: Vec<&str> = all().iter().map(|d| d.sandbox_account).collect();
        sandbox.sort_unstable();
        sandbox.dedup();
        assert_eq!(sandbox.len(), ids.len(), "one sandbox account each");
        for d in all() {
            let id = d.provider.as_str();
            assert!(Provider::is_valid_id(id), "{id}");
            assert_eq!(d.capabilities.provider, d.provider, "{id}");
            assert!(KNOWN.iter().any(|(k, _)| *k == id), "{id} in KNOWN");
            assert!(!d.credential_kinds.is_empty(), "{id}");
            for kind in d.credential_kinds {
                for field in kind.fields {
                    let declared = d.credential_fields.iter().any(|f| f.name == *field)
                        || (id == "pipedrive" && *field == "api_key");
                    assert!(
                        declared,
                        "{id}: `{field}` of kind {} is declared",
                        kind.name
                    );
                }
            }
            assert!(
                d.sandbox_account.len() == 36 && d.sandbox_account.starts_with("00000000-"),
                "{id}"
            );
        }
    }

    #[test]
    fn lookups_say_what_is_wrong() {
        assert!(lookup("Salesforce").is_ok());
        let err = lookup("hubspot-crm").unwrap_err().to_string();
        assert!(
            err.starts_with("unknown provider `hubspot-crm`; expected one of copper,"),
            "{err}"
        );
    }
}
