//! Reading JSON that serde_json has already checked, without checking it again.
//!
//! A connector's envelope parser keeps each record as a [`RawValue`], which serde_json only builds
//! from valid JSON. Mapping then needs a handful of fields from each record; walking the record's
//! members here costs a fraction of a second serde pass (no validation, no visitor machinery), and
//! values stay raw JSON text so numbers keep their exact digits. Only for text that is known to be
//! valid JSON: every entry point takes a `&RawValue`, or a value slice handed out by this module.
//! [`read_record`] builds on the walk: it is how every connector reads its provider's records.

use serde_json::value::RawValue;
use std::borrow::Cow;

mod record;
pub use record::{optional_str, read_record, Record, RecordError};

/// The members of the JSON object in `value`, in order, as `(key, raw value)`; `None` when the
/// value is not an object. Duplicate keys are all yielded, as they appear.
pub fn members(value: &RawValue) -> Option<Members<'_>> {
    Members::new(value.get())
}

/// Iterator over an object's members; see [`members`].
#[derive(Debug, Clone)]
pub struct Members<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Members<'a> {
    /// `text` must be one valid JSON value: a [`RawValue`]'s text or a value from this module.
    fn new(text: &'a str) -> Option<Members<'a>> {
        let start = skip_ws(text.as_bytes(), 0);
        (text.as_bytes().get(start) == Some(&b'{')).then_some(Members {
            text,
            pos: start + 1,
        })
    }

    /// The members of a nested value (a value yielded by [`Members`] or [`elements`]).
    pub fn of(value: JsonText<'a>) -> Option<Members<'a>> {
        Members::new(value.text)
    }
}

impl<'a> Iterator for Members<'a> {
    type Item = (Cow<'a, str>, JsonText<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.text.as_bytes();
        let mut i = skip_ws(b, self.pos);
        if b.get(i) == Some(&b',') {
            i = skip_ws(b, i + 1);
        }
        if b.get(i) != Some(&b'"') {
            // `}`: the end of the object.
            self.pos = b.len();
            return None;
        }
        let (key_end, escaped) = string_end(b, i);
        let key = if escaped {
            unquote(&self.text[i..key_end]).unwrap_or(Cow::Borrowed(""))
        } else {
            Cow::Borrowed(&self.text[i + 1..key_end - 1])
        };
        // Past the key: whitespace, `:`, whitespace.
        let colon = skip_ws(b, key_end);
        let start = skip_ws(b, colon + 1);
        let (end, plain) = value_end(b, start);
        self.pos = end;
        Some((key, JsonText::new(&self.text[start..end], plain)))
    }
}

/// The elements of the JSON array `value`, in order; `None` when it is not an array.
pub fn elements(value: JsonText<'_>) -> Option<Elements<'_>> {
    let b = value.text.as_bytes();
    let start = skip_ws(b, 0);
    (b.get(start) == Some(&b'[')).then_some(Elements {
        text: value.text,
        pos: start + 1,
    })
}

/// Iterator over an array's elements; see [`elements`].
#[derive(Debug, Clone)]
pub struct Elements<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Elements<'a> {
    type Item = JsonText<'a>;

    fn next(&mut self) -> Option<JsonText<'a>> {
        let b = self.text.as_bytes();
        let mut i = skip_ws(b, self.pos);
        if b.get(i) == Some(&b',') {
            i = skip_ws(b, i + 1);
        }
        if i >= b.len() || b[i] == b']' {
            self.pos = b.len();
            return None;
        }
        let (end, plain) = value_end(b, i);
        self.pos = end;
        Some(JsonText::new(&self.text[i..end], plain))
    }
}

/// One valid JSON value's text, as found inside a checked record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonText<'a> {
    text: &'a str,
    /// A string literal known to have no escapes (found while walking past it).
    plain_string: bool,
}

impl<'a> JsonText<'a> {
    fn new(text: &'a str, plain_string: bool) -> JsonText<'a> {
        JsonText { text, plain_string }
    }

    /// The value from a [`RawValue`] (valid by construction).
    #[inline]
    pub fn of(value: &'a RawValue) -> JsonText<'a> {
        JsonText::new(value.get().trim_ascii(), false)
    }

    /// The JSON text, exactly as in the record.
    #[inline]
    pub fn get(self) -> &'a str {
        self.text
    }

    #[inline]
    pub fn is_null(self) -> bool {
        self.text == "null"
    }

    /// A short name of the value's JSON type, for messages that must not quote the value.
    #[inline]
    pub fn kind(self) -> &'static str {
        match self.text.as_bytes().first() {
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b't' | b'f') => "a boolean",
            Some(b'"') => "a string",
            Some(b'n') => "null",
            _ => "a number",
        }
    }

    /// The literal when the value is an integer (no fraction, no exponent), digits exactly as
    /// sent: ids wider than any machine integer stay exact.
    #[inline]
    pub fn integer(self) -> Option<&'a str> {
        crate::text::is_integer(self.text).then_some(self.text)
    }

    /// The string's text when the value is a string (borrowed unless it has escapes).
    #[inline]
    pub fn as_str(self) -> Option<Cow<'a, str>> {
        if self.plain_string {
            return Some(Cow::Borrowed(&self.text[1..self.text.len() - 1]));
        }
        unquote(self.text)
    }
}

/// The text of a JSON string literal; `None` when `literal` is not a string.
fn unquote(literal: &str) -> Option<Cow<'_, str>> {
    let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.as_bytes().contains(&b'\\') {
        return Some(Cow::Borrowed(inner));
    }
    serde_json::from_str::<String>(literal).ok().map(Cow::Owned)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\n' | b'\r' | b'\t') {
        i += 1;
    }
    i
}

/// Just past the string literal starting at `start` (a `"`), and whether it has escapes.
/// Looks at eight bytes at a time for a quote or a backslash.
fn string_end(b: &[u8], start: usize) -> (usize, bool) {
    const ONES: u64 = u64::MAX / 255;
    const HIGHS: u64 = ONES << 7;
    let mut i = start + 1;
    let mut escaped = false;
    loop {
        while let Some(chunk) = b.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            let quote = word ^ (ONES * u64::from(b'"'));
            let slash = word ^ (ONES * u64::from(b'\\'));
            // The lowest flagged byte is the first quote or backslash (higher flags may be false).
            let found =
                ((quote.wrapping_sub(ONES) & !quote) | (slash.wrapping_sub(ONES) & !slash)) & HIGHS;
            if found != 0 {
                i += found.trailing_zeros() as usize / 8;
                break;
            }
            i += 8;
        }
        match b.get(i) {
            Some(b'"') => return (i + 1, escaped),
            // The escaped character cannot end the string (a `\u` escape's digits cannot either).
            Some(b'\\') => {
                escaped = true;
                i += 2;
            }
            Some(_) => i += 1,
            None => return (b.len(), escaped),
        }
    }
}

/// Just past the value starting at `start`, and whether it is a string without escapes.
fn value_end(b: &[u8], start: usize) -> (usize, bool) {
    let end = match b.get(start) {
        Some(b'"') => {
            let (end, escaped) = string_end(b, start);
            return (end, !escaped && end > start + 1);
        }
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut i = start;
            while i < b.len() {
                match b[i] {
                    b'"' => {
                        i = string_end(b, i).0;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return (i + 1, false);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            b.len()
        }
        _ => {
            let mut i = start;
            while i < b.len() && !matches!(b[i], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
            {
                i += 1;
            }
            i
        }
    };
    (end, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_owned()).unwrap()
    }

    #[test]
    fn walks_members_keeping_raw_values() {
        let record = raw(
            r#" { "id" : 12345678901234567890123 , "a\"b":"x\\\"y", "o":{"k":[1,{"z":"]}"}]},"n":null,"e":[] ,"f":-1.5e3,"t":true} "#,
        );
        let got: Vec<(String, &str)> = members(&record)
            .unwrap()
            .map(|(k, v)| (k.into_owned(), v.get()))
            .collect();
        assert_eq!(
            got,
            [
                ("id".to_owned(), "12345678901234567890123"),
                ("a\"b".to_owned(), r#""x\\\"y""#),
                ("o".to_owned(), r#"{"k":[1,{"z":"]}"}]}"#),
                ("n".to_owned(), "null"),
                ("e".to_owned(), "[]"),
                ("f".to_owned(), "-1.5e3"),
                ("t".to_owned(), "true"),
            ]
        );
        let (_, o) = members(&record).unwrap().nth(2).unwrap();
        let (_, k) = Members::of(o).unwrap().next().unwrap();
        let items: Vec<&str> = elements(k).unwrap().map(JsonText::get).collect();
        assert_eq!(items, ["1", r#"{"z":"]}"}"#]);
        assert!(members(&raw("[1]")).is_none());
        assert!(members(&raw("\"x\"")).is_none());
        assert_eq!(members(&raw("{}")).unwrap().count(), 0);
        assert_eq!(elements(JsonText::of(&raw(" [ ] "))).unwrap().count(), 0);
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let plain = raw(r#""plain é""#);
        assert!(matches!(
            JsonText::of(&plain).as_str(),
            Some(Cow::Borrowed("plain é"))
        ));
        let escaped = raw(r#""a\n\u00e9\"""#);
        assert_eq!(JsonText::of(&escaped).as_str().unwrap(), "a\né\"");
        assert_eq!(JsonText::of(&raw("12")).as_str(), None);
        let record = raw(r#"{"a":"x","b":"y\n","c":"","d":5}"#);
        let values: Vec<Option<Cow<'_, str>>> =
            members(&record).unwrap().map(|(_, v)| v.as_str()).collect();
        assert!(matches!(values[0], Some(Cow::Borrowed("x"))));
        assert!(matches!(&values[1], Some(Cow::Owned(s)) if s == "y\n"));
        assert!(matches!(values[2], Some(Cow::Borrowed(""))));
        assert_eq!(values[3], None);
    }

    #[test]
    fn kinds_and_integers() {
        for (json, kind, integer) in [
            ("{}", "an object", None),
            ("[1]", "an array", None),
            ("true", "a boolean", None),
            ("false", "a boolean", None),
            ("\"7\"", "a string", None),
            ("null", "null", None),
            ("-0", "a number", Some("-0")),
            (
                "123456789012345678901234",
                "a number",
                Some("123456789012345678901234"),
            ),
            ("1.5", "a number", None),
            ("1e3", "a number", None),
        ] {
            let raw = raw(json);
            let value = JsonText::of(&raw);
            assert_eq!((value.kind(), value.integer()), (kind, integer), "{json}");
        }
    }

    /// Arbitrary JSON values (serde_json writes them, with some whitespace added).
    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            any::<String>().prop_map(Value::String),
            "[\\\\\"\\[\\]{},: a]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::vec(("[a-z\"\\\\{}]{0,4}", inner), 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn members_match_serde_json(
            fields in proptest::collection::vec(("\\PC{0,5}", value()), 0..6),
            pretty in any::<bool>(),
        ) {
            let object = Value::Object(fields.into_iter().collect());
            let text = if pretty {
                serde_json::to_string_pretty(&object).unwrap()
            } else {
                serde_json::to_string(&object).unwrap()
            };
            let record = raw(&text);
            let walked: Vec<(String, Value)> = members(&record)
                .unwrap()
                .map(|(k, v)| (k.into_owned(), serde_json::from_str::<Value>(v.get()).unwrap()))
                .collect();
            // Compared after the same text round trip on both sides (floats do not round-trip).
            let reread = |v: &Value| serde_json::from_str::<Value>(&v.to_string()).unwrap();
            let expected: Vec<(String, Value)> =
                object.as_object().unwrap().iter().map(|(k, v)| (k.clone(), reread(v))).collect();
            prop_assert_eq!(walked, expected);
        }
    }
}
