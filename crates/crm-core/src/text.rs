//! [`Text`]: a JSON string field that borrows from the record's bytes when it can.
//!
//! Provider record structs read most fields as optional strings. serde's own `Cow<str>` support
//! borrows only for a bare `#[serde(borrow)] Cow` field and always copies inside an `Option`, so
//! connectors use `Option<Text<'a>>` instead: no allocation for strings without escapes.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// A JSON string, borrowed from the input unless it had escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'a>(pub Cow<'a, str>);

impl Text<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(v)))
    }
}

/// `str::trim`, with a shortcut for the common case: when both ends are visible ASCII characters
/// there is nothing to trim, so the Unicode-aware scan of both ends is skipped. Same result always.
#[inline]
pub fn trim(text: &str) -> &str {
    let visible = |b: &u8| (b'!'..=b'~').contains(b);
    match text.as_bytes() {
        [first, .., last] if visible(first) && visible(last) => text,
        [only] if visible(only) => text,
        _ => text.trim(),
    }
}

/// The trimmed text when it is not blank: provider strings of only whitespace are no value.
#[inline]
pub fn non_blank(text: Option<&str>) -> Option<String> {
    text.map(trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// Whether `text` is an optional `-` and one or more ASCII digits (an integer as JSON writes it,
/// or an id sent as a string of digits).
#[inline]
pub fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Outside input quoted in a message, cut to `max` characters (with `...` when cut): a caller's
/// 60 KB parameter name must not become a 60 KB error body.
pub fn shorten_to(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        Some((cut, _)) => Cow::Owned(format!("{}...", &s[..cut])),
        None => Cow::Borrowed(s),
    }
}

/// [`shorten_to`] at the length used for names and values in error messages (80 characters).
pub fn shorten(s: &str) -> std::borrow::Cow<'_, str> {
    shorten_to(s, 80)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn trim_matches_str_trim(text in "\\PC{0,6}|[ \t\r\n\u{a0}\u{2003}a-z!~]{0,6}") {
            proptest::prop_assert_eq!(trim(&text), text.trim());
        }
    }

    #[test]
    fn trim_edges() {
        for text in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{a0}a",
            "a\u{3000}",
            "\ta\n",
            "!",
            "~x~",
            "\u{7f}a",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn non_blank_trims_and_drops_blank_text() {
        assert_eq!(non_blank(Some(" Ada\n")).as_deref(), Some("Ada"));
        assert_eq!(non_blank(Some("\u{a0} \t")), None);
        assert_eq!(non_blank(Some("")), None);
        assert_eq!(non_blank(None), None);
    }

    #[test]
    fn integers_are_digits_with_an_optional_minus() {
        for yes in ["0", "-5", "007", "123456789012345678901234567890"] {
            assert!(is_integer(yes), "{yes}");
        }
        for no in ["", "-", "+5", "1.5", "1e3", " 5", "5 ", "--5", "١"] {
            assert!(!is_integer(no), "{no}");
        }
    }

    #[test]
    fn shorten_cuts_on_characters() {
        assert_eq!(shorten_to("abc", 3), "abc");
        assert_eq!(shorten_to("abcd", 3), "abc...");
        assert_eq!(shorten_to("ééé€", 2), "éé...");
        assert_eq!(shorten(&"x".repeat(60_000)).len(), 83);
    }

    #[test]
    fn borrows_plain_strings_and_owns_escaped_ones() {
        #[derive(Deserialize)]
        struct R<'a> {
            #[serde(borrow)]
            a: Option<Text<'a>>,
            #[serde(borrow)]
            b: Option<Text<'a>>,
            #[serde(borrow, default)]
            c: Option<Text<'a>>,
        }
        let r: R<'_> = serde_json::from_str(r#"{"a":"plain","b":"quote \" and é"}"#).unwrap();
        assert!(matches!(r.a.as_ref().unwrap().0, Cow::Borrowed("plain")));
        assert!(matches!(r.b.as_ref().unwrap().0, Cow::Owned(_)));
        assert_eq!(r.b.unwrap().as_str(), "quote \" and é");
        assert!(r.c.is_none());
        assert!(serde_json::from_str::<R<'_>>(r#"{"a":1,"b":null}"#).is_err());
    }
}
