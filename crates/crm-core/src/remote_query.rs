//! The one `remote_query` guard.
//!
//! `remote_query[key]=value` pairs go to the provider as the caller wrote them. Each connector
//! declares the provider parameters that would override auth, paging or a translated filter
//! ([`crate::Capabilities::reserved_remote_query`]); this module refuses them the same way for every
//! provider: the key is trimmed, percent-decoded (a provider decodes `%6Cimit` to `limit`), compared
//! without regard to ASCII case, and by its base name before any bracket (`limit[]` is `limit`).

use crate::error::{Error, Result};
use crate::provider::Provider;
use crate::text::shorten;
use serde::Serialize;

/// A provider parameter `remote_query` may not set, and the reason told to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReservedKey {
    /// The provider's parameter name (compared case-insensitively).
    pub key: &'static str,
    /// Why it is refused and what to use instead.
    pub why: &'static str,
}

impl ReservedKey {
    pub const fn new(key: &'static str, why: &'static str) -> Self {
        ReservedKey { key, why }
    }
}

/// The form a key is compared in: trimmed, percent-decoded, up to the first `[`, ASCII-lowercased.
pub fn comparable(key: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(key.trim()).decode_utf8_lossy();
    let base = decoded.split('[').next().unwrap_or_default().trim();
    base.to_ascii_lowercase()
}

/// Refuses empty names and reserved keys; passes everything else.
pub fn check(
    provider: Provider,
    reserved: &[ReservedKey],
    pairs: &[(String, String)],
) -> Result<()> {
    for (key, _) in pairs {
        let parameter = || format!("remote_query[{}]", shorten(key));
        let base = comparable(key);
        if base.is_empty() {
            return Err(Error::invalid(
                parameter(),
                "the provider parameter name is empty; use `remote_query[<name>]=<value>`",
            ));
        }
        if let Some(r) = reserved.iter().find(|r| r.key.eq_ignore_ascii_case(&base)) {
            return Err(Error::invalid(
                parameter(),
                format!(
                    "`{}` cannot be passed to {provider} through remote_query: {}",
                    r.key, r.why
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESERVED: &[ReservedKey] = &[ReservedKey::new("limit", "use `limit`")];

    fn refused(key: &str) -> bool {
        check(
            crate::provider::fixtures::PIPEDRIVE,
            RESERVED,
            &[(key.to_owned(), "1".to_owned())],
        )
        .is_err()
    }

    #[test]
    fn compares_trimmed_decoded_case_insensitive_base_names() {
        for key in [
            "limit",
            "LIMIT",
            " Limit ",
            "limit[]",
            "limit[x]",
            "%6Cimit",
            "%4C%49MIT",
        ] {
            assert!(refused(key), "{key}");
        }
        for key in ["limits", "xlimit", "li mit", "sort"] {
            assert!(!refused(key), "{key}");
        }
        assert!(refused(""), "empty");
        assert!(refused("  "), "blank");
        assert!(refused("[x]"), "no base name");
    }

    #[test]
    fn the_message_names_the_parameter_and_the_reason() {
        let err = check(
            crate::provider::fixtures::PIPEDRIVE,
            RESERVED,
            &[("LIMIT".into(), "5".into())],
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "invalid query parameter `remote_query[LIMIT]`: `limit` cannot be passed to Pipedrive through remote_query: use `limit`"
        );
    }
}
