//! The one way connectors read a provider record: a borrowed struct with a slot per field the
//! mapping reads, filled by one walk over the record's members ([`read_record`]). Values stay raw
//! JSON text until the mapping reads each one, so a value of the wrong type is reported against
//! its field (by the connector, which knows the record's id) and numbers keep their exact digits.

use super::{JsonText, Members};
use std::borrow::Cow;

/// A record struct filled by [`read_record`]: one `Option<JsonText>` slot per member it keeps.
pub trait Record<'a> {
    /// The slot of the member named `key`; `None` for members the mapping does not read.
    fn slot(&mut self, key: &str) -> Option<&mut Option<JsonText<'a>>>;

    /// A member without a slot. Ignored, unless the record collects such members (custom fields).
    #[inline]
    fn other(&mut self, key: Cow<'a, str>, value: JsonText<'a>) {
        let _ = (key, value);
    }
}

/// Why an object could not be read into a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("expected a JSON object")]
    NotAnObject,
    /// A member with a slot appeared twice: taking either value would be a guess.
    #[error("duplicate field `{0}`")]
    Duplicate(String),
}

/// Fills `into` from the members of the object `value` (a record from a checked page, or an
/// object inside one), in one walk and without a second validating parse.
#[inline]
pub fn read_record<'a, R: Record<'a>>(value: JsonText<'a>, mut into: R) -> Result<R, RecordError> {
    let members = Members::of(value).ok_or(RecordError::NotAnObject)?;
    for (key, value) in members {
        match into.slot(&key) {
            Some(slot) => {
                if slot.replace(value).is_some() {
                    return Err(RecordError::Duplicate(key.into_owned()));
                }
            }
            None => into.other(key, value),
        }
    }
    Ok(into)
}

/// A member that must be a string or `null`: its text (borrowed unless it has escapes), `None`
/// when absent or `null`, and the value itself when it has another type, for the caller's
/// message naming the field.
#[inline]
pub fn optional_str(value: Option<JsonText<'_>>) -> Result<Option<Cow<'_, str>>, JsonText<'_>> {
    match value {
        None => Ok(None),
        Some(v) if v.is_null() => Ok(None),
        Some(v) => v.as_str().map(Some).ok_or(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::value::RawValue;

    #[derive(Debug, Default)]
    struct Two<'a> {
        a: Option<JsonText<'a>>,
        b: Option<JsonText<'a>>,
        rest: Vec<(String, &'a str)>,
    }

    impl<'a> Record<'a> for Two<'a> {
        fn slot(&mut self, key: &str) -> Option<&mut Option<JsonText<'a>>> {
            match key {
                "a" => Some(&mut self.a),
                "b" => Some(&mut self.b),
                _ => None,
            }
        }

        fn other(&mut self, key: Cow<'a, str>, value: JsonText<'a>) {
            self.rest.push((key.into_owned(), value.get()));
        }
    }

    /// The slots' raw text and the other members, as `key=value`.
    type Read = (Option<String>, Option<String>, Vec<String>);

    fn read(json: &str) -> Result<Read, RecordError> {
        let raw = RawValue::from_string(json.to_owned()).unwrap();
        let two = read_record(JsonText::of(&raw), Two::default())?;
        let text = |v: Option<JsonText<'_>>| v.map(|v| v.get().to_owned());
        let rest = two.rest.iter().map(|(k, v)| format!("{k}={v}")).collect();
        Ok((text(two.a), text(two.b), rest))
    }

    #[test]
    fn fills_slots_and_hands_over_the_rest_in_order() {
        let (a, b, rest) = read(r#" {"x":1, "b":{"a":2}, "\u0061":"s", "y":[null]} "#).unwrap();
        assert_eq!(a.as_deref(), Some(r#""s""#));
        assert_eq!(b.as_deref(), Some(r#"{"a":2}"#));
        assert_eq!(rest, ["x=1", "y=[null]"]);
        assert_eq!(read("{}").unwrap(), (None, None, vec![]));
    }

    #[test]
    fn refuses_non_objects_and_repeated_slots() {
        for json in ["[]", "\"x\"", "null", "3"] {
            assert_eq!(read(json), Err(RecordError::NotAnObject), "{json}");
        }
        assert_eq!(
            read(r#"{"a":1,"b":2,"a":1}"#),
            Err(RecordError::Duplicate("a".into()))
        );
        // Members without a slot may repeat.
        assert_eq!(read(r#"{"x":1,"x":2}"#).unwrap().2, ["x=1", "x=2"]);
    }

    #[test]
    fn optional_str_reads_strings_and_null_only() {
        let raw = RawValue::from_string(r#"{"a":"Zo\u00eb","b":"plain"}"#.to_owned()).unwrap();
        let two = read_record(JsonText::of(&raw), Two::default()).unwrap();
        assert_eq!(optional_str(two.a).unwrap().as_deref(), Some("Zoë"));
        assert!(matches!(
            optional_str(two.b),
            Ok(Some(Cow::Borrowed("plain")))
        ));
        assert_eq!(optional_str(None), Ok(None));
        for (json, none) in [("null", true), ("1", false), ("[]", false), ("{}", false)] {
            let raw = RawValue::from_string(json.to_owned()).unwrap();
            let got = optional_str(Some(JsonText::of(&raw)));
            if none {
                assert_eq!(got, Ok(None));
            } else {
                assert_eq!(got.unwrap_err().get(), json);
            }
        }
    }
}
