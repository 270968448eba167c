//! The unified response written straight to bytes: the hot path of [`crate::shape::render`].
//!
//! Produces exactly the bytes `serde_json::to_vec` produces for the same [`Lead`]s (same key order,
//! same omit / `null` / `[]` rule, same string escapes, `remote_data` and custom field values
//! verbatim) without going through serde: keys are constant bytes, and a string without any byte
//! to escape is copied in one piece. The equality is tested below on generated leads; each struct
//! is destructured without `..`, so a new field fails to compile here until it is written.

use crate::lead::{Address, CustomFields, EmailAddress, Field, Lead, PhoneNumber, Ref};
use crate::time::Timestamp;
use serde_json::value::RawValue;

/// `{"result":[<leads>],"next_cursor":<cursor>}` into `out`.
pub(crate) fn leads_page(out: &mut Vec<u8>, leads: &[Lead], next_cursor: Option<&str>) {
    out.extend_from_slice(b"{\"result\":[");
    for (i, lead) in leads.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_lead(out, lead);
    }
    out.extend_from_slice(b"],\"next_cursor\":");
    opt_str(out, next_cursor);
    out.push(b'}');
}

fn write_lead(out: &mut Vec<u8>, lead: &Lead) {
    let Lead {
        id,
        owner,
        lead_source,
        title,
        contact,
        account,
        first_name,
        last_name,
        addresses,
        email_addresses,
        phone_numbers,
        last_activity_at,
        created_at,
        updated_at,
        converted_at,
        converted_contact,
        converted_account,
        custom_fields,
        remote_data,
    } = lead;
    out.extend_from_slice(b"{\"id\":");
    string(out, id);
    field(out, b",\"owner\":", owner, reference);
    field(out, b",\"lead_source\":", lead_source, text);
    field(out, b",\"title\":", title, text);
    field(out, b",\"contact\":", contact, reference);
    field(out, b",\"account\":", account, reference);
    field(out, b",\"first_name\":", first_name, text);
    field(out, b",\"last_name\":", last_name, text);
    list(out, b",\"addresses\":", addresses, address);
    list(out, b",\"email_addresses\":", email_addresses, email);
    list(out, b",\"phone_numbers\":", phone_numbers, phone);
    field(out, b",\"last_activity_at\":", last_activity_at, timestamp);
    field(out, b",\"created_at\":", created_at, timestamp);
    field(out, b",\"updated_at\":", updated_at, timestamp);
    field(out, b",\"converted_at\":", converted_at, timestamp);
    field(out, b",\"converted_contact\":", converted_contact, text);
    field(out, b",\"converted_account\":", converted_account, text);
    if let Some(custom) = custom_fields {
        out.extend_from_slice(b",\"custom_fields\":");
        custom_map(out, custom);
    }
    if let Some(raw) = remote_data {
        out.extend_from_slice(b",\"remote_data\":");
        verbatim(out, raw);
    }
    out.push(b'}');
}

fn field<T>(out: &mut Vec<u8>, key: &[u8], value: &Field<T>, write: fn(&mut Vec<u8>, &T)) {
    match value {
        Field::Unsupported => {}
        Field::Null => {
            out.extend_from_slice(key);
            out.extend_from_slice(b"null");
        }
        Field::Value(v) => {
            out.extend_from_slice(key);
            write(out, v);
        }
    }
}

fn list<T>(out: &mut Vec<u8>, key: &[u8], items: &Option<Vec<T>>, write: fn(&mut Vec<u8>, &T)) {
    let Some(items) = items else {
        return;
    };
    out.extend_from_slice(key);
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
    out.push(b']');
}

// `&String`: the writer `field` takes for a `Field<String>`.
#[allow(clippy::ptr_arg)]
fn text(out: &mut Vec<u8>, value: &String) {
    string(out, value);
}

fn reference(out: &mut Vec<u8>, value: &Ref) {
    let Ref { id } = value;
    out.extend_from_slice(b"{\"id\":");
    string(out, id);
    out.push(b'}');
}

fn address(out: &mut Vec<u8>, value: &Address) {
    let Address {
        street_1,
        street_2,
        city,
        state,
        postal_code,
        country,
        kind,
    } = value;
    out.extend_from_slice(b"{\"street_1\":");
    opt_str(out, street_1.as_deref());
    out.extend_from_slice(b",\"street_2\":");
    opt_str(out, street_2.as_deref());
    out.extend_from_slice(b",\"city\":");
    opt_str(out, city.as_deref());
    out.extend_from_slice(b",\"state\":");
    opt_str(out, state.as_deref());
    out.extend_from_slice(b",\"postal_code\":");
    opt_str(out, postal_code.as_deref());
    out.extend_from_slice(b",\"country\":");
    opt_str(out, country.as_deref());
    out.extend_from_slice(b",\"type\":");
    opt_str(out, kind.as_deref());
    out.push(b'}');
}

fn email(out: &mut Vec<u8>, value: &EmailAddress) {
    let EmailAddress { email, kind } = value;
    out.extend_from_slice(b"{\"email\":");
    string(out, email);
    out.extend_from_slice(b",\"type\":");
    opt_str(out, kind.as_deref());
    out.push(b'}');
}

fn phone(out: &mut Vec<u8>, value: &PhoneNumber) {
    let PhoneNumber {
        number,
        extension,
        kind,
    } = value;
    out.extend_from_slice(b"{\"number\":");
    string(out, number);
    out.extend_from_slice(b",\"extension\":");
    opt_str(out, extension.as_deref());
    out.extend_from_slice(b",\"type\":");
    opt_str(out, kind.as_deref());
    out.push(b'}');
}

fn timestamp(out: &mut Vec<u8>, value: &Timestamp) {
    let mut buf = [0u8; 24];
    if value.write_canonical(&mut buf) {
        out.push(b'"');
        out.extend_from_slice(&buf);
        out.push(b'"');
    } else {
        string(out, &value.to_string());
    }
}

fn custom_map(out: &mut Vec<u8>, value: &CustomFields) {
    out.push(b'{');
    for (i, (key, raw)) in value.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, key);
        out.push(b':');
        verbatim(out, raw);
    }
    out.push(b'}');
}

fn verbatim(out: &mut Vec<u8>, raw: &RawValue) {
    out.extend_from_slice(raw.get().as_bytes());
}

fn opt_str(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// A JSON string with serde_json's escapes: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, and
/// `\u00xx` (lowercase hex) for the other control characters; everything else as is.
fn string(out: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    out.push(b'"');
    // No early exit, so the check runs over whole vectors of bytes.
    let plain = bytes.iter().fold(true, |plain, &b| {
        plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
    });
    if plain {
        out.extend_from_slice(bytes);
    } else {
        escaped(out, bytes);
    }
    out.push(b'"');
}

#[cold]
fn escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x0C => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x00..=0x1F => b'u',
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        start = i + 1;
        if short == b'u' {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xF)]);
        } else {
            out.push(b'\\');
            out.push(short);
        }
    }
    out.extend_from_slice(&bytes[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    #[derive(serde::Serialize)]
    struct Envelope<'a> {
        result: &'a [Lead],
        next_cursor: Option<&'a str>,
    }

    fn ours(leads: &[Lead], cursor: Option<&str>) -> String {
        let mut out = Vec::new();
        leads_page(&mut out, leads, cursor);
        String::from_utf8(out).expect("UTF-8")
    }

    fn serde(leads: &[Lead], cursor: Option<&str>) -> String {
        serde_json::to_string(&Envelope {
            result: leads,
            next_cursor: cursor,
        })
        .unwrap()
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 @.+-]{0,12}",
            "\\PC{0,8}",
            any::<String>(),
            "[\\x00-\\x20\"\\\\\\x7f]{0,6}"
        ]
    }

    fn field<T: std::fmt::Debug + Clone>(
        value: impl Strategy<Value = T>,
    ) -> impl Strategy<Value = Field<T>> {
        prop_oneof![
            Just(Field::Unsupported),
            Just(Field::Null),
            value.prop_map(Field::Value)
        ]
    }

    fn time() -> impl Strategy<Value = Timestamp> {
        prop_oneof![
            (0i64..253_402_300_799, 0u32..1_000_000_000),
            // Years past 9999 and before 0 take the chrono formatter.
            (253_402_300_800i64..300_000_000_000, 0u32..1_000_000_000),
            (-70_000_000_000i64..-62_167_219_201, 0u32..1_000_000_000),
        ]
        .prop_map(|(s, n)| Timestamp(Utc.timestamp_opt(s, n).unwrap()))
    }

    fn raw() -> impl Strategy<Value = Box<RawValue>> {
        prop_oneof![
            Just(r#"{"id":12345678901234567890123,"v":1.10,"s":"a\u00e9\"","n":null}"#),
            Just("[1, 2 ,\"x\"]"),
            Just("\"text\""),
            Just("-0.0e5"),
        ]
        .prop_map(|s| RawValue::from_string(s.to_owned()).unwrap())
    }

    fn lead() -> impl Strategy<Value = Lead> {
        let refs = || field(text().prop_map(|id| Ref { id }));
        let opt = || proptest::option::of(text());
        let address = (opt(), opt(), opt(), opt(), opt(), opt(), opt()).prop_map(
            |(street_1, street_2, city, state, postal_code, country, kind)| Address {
                street_1,
                street_2,
                city,
                state,
                postal_code,
                country,
                kind,
            },
        );
        let email = (text(), opt()).prop_map(|(email, kind)| EmailAddress { email, kind });
        let phone = (text(), opt(), opt()).prop_map(|(number, extension, kind)| PhoneNumber {
            number,
            extension,
            kind,
        });
        let custom = proptest::collection::vec((text(), raw()), 0..3).prop_map(CustomFields);
        (
            (text(), refs(), field(text()), field(text()), refs(), refs()),
            (field(text()), field(text())),
            (
                proptest::option::of(proptest::collection::vec(address, 0..3)),
                proptest::option::of(proptest::collection::vec(email, 0..3)),
                proptest::option::of(proptest::collection::vec(phone, 0..3)),
            ),
            (field(time()), field(time()), field(time()), field(time())),
            (field(text()), field(text())),
            (proptest::option::of(custom), proptest::option::of(raw())),
        )
            .prop_map(
                |(
                    (id, owner, lead_source, title, contact, account),
                    (first_name, last_name),
                    (addresses, email_addresses, phone_numbers),
                    (last_activity_at, created_at, updated_at, converted_at),
                    (converted_contact, converted_account),
                    (custom_fields, remote_data),
                )| Lead {
                    id,
                    owner,
                    lead_source,
                    title,
                    contact,
                    account,
                    first_name,
                    last_name,
                    addresses,
                    email_addresses,
                    phone_numbers,
                    last_activity_at,
                    created_at,
                    updated_at,
                    converted_at,
                    converted_contact,
                    converted_account,
                    custom_fields,
                    remote_data,
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn same_bytes_as_serde_json(
            leads in proptest::collection::vec(lead(), 0..4),
            cursor in proptest::option::of(text()),
        ) {
            prop_assert_eq!(ours(&leads, cursor.as_deref()), serde(&leads, cursor.as_deref()));
        }
    }

    #[test]
    fn every_control_character_and_escape() {
        let all: String = (0u8..0x80).map(char::from).chain("é€😀".chars()).collect();
        let lead = Lead {
            title: Field::Value(all.clone()),
            ..Lead::new(all)
        };
        let leads = [lead];
        assert_eq!(ours(&leads, Some("c\"")), serde(&leads, Some("c\"")));
    }
}
