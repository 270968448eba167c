//! Opaque, versioned, signed cursors.
//!
//! A cursor carries the provider's own paging state (an offset, a page token, a Salesforce query
//! locator) and is bound to the provider, the account and the filter fingerprint. It is signed with
//! HMAC-SHA256 so that an altered cursor is refused without ever reaching the provider.
//!
//! Wire form: `v1.<base64url(payload json)>.<base64url(first 16 bytes of the mac)>`.

use crate::error::{Error, Result};
use crate::provider::Provider;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::fmt;

const VERSION: &str = "v1";
const MAC_LEN: usize = 16;
/// Cursors longer than this are refused before decoding (a Salesforce locator is ~30 bytes).
const MAX_CURSOR_LEN: usize = 4096;

/// What a cursor is valid for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CursorBinding<'a> {
    pub provider: Provider,
    pub account: &'a str,
    pub fingerprint: [u8; 16],
}

#[derive(Serialize, Deserialize)]
struct Payload<'a> {
    #[serde(borrow)]
    p: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    a: std::borrow::Cow<'a, str>,
    f: String,
    s: serde_json::Value,
}

/// Encodes and verifies cursors with one secret key.
#[derive(Clone)]
pub struct CursorCodec {
    key: Vec<u8>,
}

impl fmt::Debug for CursorCodec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CursorCodec { key: <redacted> }")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl CursorCodec {
    /// A codec signing with `key` (at least 16 bytes is sensible; the server uses 32 random bytes).
    pub fn new(key: impl Into<Vec<u8>>) -> Self {
        CursorCodec { key: key.into() }
    }

    fn mac(&self, data: &[u8]) -> Hmac<Sha256> {
        // HMAC accepts keys of any length.
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("hmac takes any key length");
        mac.update(data);
        mac
    }

    /// Wraps the provider's paging `state` into an opaque cursor.
    pub fn encode(&self, binding: &CursorBinding<'_>, state: &serde_json::Value) -> String {
        let payload = Payload {
            p: binding.provider.as_str().into(),
            a: binding.account.into(),
            f: hex(&binding.fingerprint),
            s: state.clone(),
        };
        let json = serde_json::to_vec(&payload).unwrap_or_default();
        let body = URL_SAFE_NO_PAD.encode(json);
        let signed = format!("{VERSION}.{body}");
        let tag = self.mac(signed.as_bytes()).finalize().into_bytes();
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(&tag[..MAC_LEN]))
    }

    /// Verifies a cursor and returns the provider paging state inside it.
    pub fn decode(&self, cursor: &str, binding: &CursorBinding<'_>) -> Result<serde_json::Value> {
        let bad = |why: &str| {
            Error::InvalidCursor(format!("{why}; pass next_cursor exactly as the previous page returned it, with the same filters, or omit it to start over"))
        };
        if cursor.len() > MAX_CURSOR_LEN {
            return Err(bad("it is too long"));
        }
        let (signed, tag) = cursor
            .rsplit_once('.')
            .ok_or_else(|| bad("it is not a cursor this API issued"))?;
        let (version, body) = signed
            .split_once('.')
            .ok_or_else(|| bad("it is not a cursor this API issued"))?;
        if version != VERSION {
            return Err(bad("it has an unknown version"));
        }
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| bad("its signature is not valid base64url"))?;
        if tag.len() != MAC_LEN {
            return Err(bad("its signature has the wrong length"));
        }
        self.mac(signed.as_bytes())
            .verify_truncated_left(&tag)
            .map_err(|_| {
                bad("its signature does not match (it was altered or issued by another server)")
            })?;
        let json = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| bad("it is not valid base64url"))?;
        let payload: Payload<'_> =
            serde_json::from_slice(&json).map_err(|_| bad("its content is malformed"))?;
        if payload.p != binding.provider.as_str() {
            return Err(bad(&format!(
                "it was issued for a {} account",
                crate::text::shorten(&payload.p)
            )));
        }
        if payload.a != binding.account {
            return Err(bad("it was issued for another integrated account"));
        }
        if payload.f != hex(&binding.fingerprint) {
            return Err(bad("it was issued for a different set of filters"));
        }
        Ok(payload.s)
    }
}

/// Reads a connector's own paging state out of a decoded cursor; a state of the wrong shape is an
/// invalid cursor, never a provider request.
pub fn state_from<T: serde::de::DeserializeOwned>(
    state: serde_json::Value,
    provider: Provider,
) -> Result<T> {
    serde_json::from_value(state).map_err(|e| {
        Error::InvalidCursor(format!(
            "it does not hold a {provider} paging position ({e})"
        ))
    })
}

/// Turns a connector's paging state into the JSON a cursor carries.
pub fn state_to<T: Serialize>(state: &T) -> serde_json::Value {
    serde_json::to_value(state).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn binding(account: &str) -> CursorBinding<'_> {
        CursorBinding {
            provider: crate::provider::fixtures::PIPEDRIVE,
            account,
            fingerprint: [7; 16],
        }
    }

    #[test]
    fn round_trip() {
        let codec = CursorCodec::new(b"0123456789abcdef0123456789abcdef".to_vec());
        let c = codec.encode(&binding("acct"), &json!({"start": 200}));
        assert!(c.starts_with("v1."));
        assert!(c
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)));
        assert_eq!(
            codec.decode(&c, &binding("acct")).unwrap(),
            json!({"start": 200})
        );
    }

    #[test]
    fn rejects_tampering_and_misuse() {
        let codec = CursorCodec::new(b"k1".to_vec());
        let c = codec.encode(&binding("acct"), &json!({"start": 200}));
        let msg = |r: Result<serde_json::Value>| r.unwrap_err().to_string();

        // Flip one character of the payload.
        let mut tampered = c.clone().into_bytes();
        tampered[5] = if tampered[5] == b'A' { b'B' } else { b'A' };
        assert!(
            msg(codec.decode(std::str::from_utf8(&tampered).unwrap(), &binding("acct")))
                .contains("signature")
        );
        // Another key.
        assert!(
            msg(CursorCodec::new(b"k2".to_vec()).decode(&c, &binding("acct")))
                .contains("signature")
        );
        // Another account, provider, filter set.
        assert!(msg(codec.decode(&c, &binding("other"))).contains("another integrated account"));
        let mut b = binding("acct");
        b.provider = crate::provider::fixtures::ZOHO;
        assert!(msg(codec.decode(&c, &b)).contains("issued for a pipedrive account"));
        let mut b = binding("acct");
        b.fingerprint = [8; 16];
        assert!(msg(codec.decode(&c, &b)).contains("different set of filters"));
        // Garbage.
        for junk in [
            "",
            "x",
            "v1.",
            "v1..",
            "v2.a.b",
            "undefined",
            "v1.!!!.AAAA",
            &"a".repeat(5000),
        ] {
            assert!(
                matches!(
                    codec.decode(junk, &binding("acct")),
                    Err(Error::InvalidCursor(_))
                ),
                "{junk}"
            );
        }
    }

    #[test]
    fn state_of_wrong_shape_is_invalid_cursor() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct S {
            start: u64,
        }
        let err = state_from::<S>(json!({"start": "x"}), crate::provider::fixtures::PIPEDRIVE)
            .unwrap_err();
        assert!(matches!(err, Error::InvalidCursor(_)));
    }
}
