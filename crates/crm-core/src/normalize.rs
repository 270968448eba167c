//! The `normalized` response format: unified leads with canonical values.
//!
//! The documentation defines `normalized` in one sentence; our reading (README, "Response formats"):
//! e-mail addresses trimmed and lower-cased; phone numbers in E.164 when they parse as valid numbers,
//! using the lead's country as the hint for national numbers; countries as ISO 3166-1 alpha-2 where
//! recognised; null fields and empty lists dropped (done while rendering, see `shape`). Values that
//! cannot be made canonical are kept as they were rather than dropped.

use crate::lead::Lead;
use std::str::FromStr;

/// ISO 3166-1 alpha-2 code for a country code or name (`US`, `USA`, `United States`, `germany`,
/// `United Kingdom`).
pub fn country_code(value: &str) -> Option<&'static str> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    // celes keys its names and aliases without spaces (`unitedkingdom`, `newzealand`): a name of
    // several words is looked up with only its letters (codes are not, so `U.S.` stays unknown).
    let letters = || -> String { v.chars().filter(|c| c.is_alphabetic()).collect() };
    let country = celes::Country::from_str(v)
        .ok()
        .or_else(|| celes::Country::from_alpha2(v.to_ascii_uppercase()).ok())
        .or_else(|| celes::Country::from_alpha3(v.to_ascii_uppercase()).ok())
        .or_else(|| celes::Country::from_name(letters()).ok())
        .or_else(|| celes::Country::from_alias(letters()).ok())?;
    Some(country.alpha2)
}

/// E.164 form of `number`, with `country_hint` (alpha-2) for numbers written without `+`.
pub fn e164(number: &str, country_hint: Option<&str>) -> Option<String> {
    let hint = country_hint.and_then(|c| phonenumber::country::Id::from_str(c).ok());
    let parsed = phonenumber::parse(hint, number.trim()).ok()?;
    if !phonenumber::is_valid(&parsed) {
        return None;
    }
    Some(parsed.format().mode(phonenumber::Mode::E164).to_string())
}

/// Canonical e-mail form: trimmed, lower-cased.
pub fn email(value: &str) -> String {
    value.trim().to_lowercase()
}

/// Makes a lead's values canonical in place.
pub fn normalize_lead(lead: &mut Lead) {
    let mut hint: Option<&'static str> = None;
    if let Some(addresses) = lead.addresses.as_mut() {
        for address in addresses.iter_mut() {
            if let Some(code) = address.country.as_deref().and_then(country_code) {
                address.country = Some(code.to_owned());
                hint = hint.or(Some(code));
            }
        }
    }
    if let Some(emails) = lead.email_addresses.as_mut() {
        for e in emails.iter_mut() {
            e.email = email(&e.email);
        }
    }
    if let Some(phones) = lead.phone_numbers.as_mut() {
        for p in phones.iter_mut() {
            if let Some(n) = e164(&p.number, hint) {
                p.number = n;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead::{Address, EmailAddress, PhoneNumber};

    #[test]
    fn countries() {
        assert_eq!(country_code("US"), Some("US"));
        assert_eq!(country_code("us"), Some("US"));
        assert_eq!(country_code("USA"), Some("US"));
        assert_eq!(country_code("United States"), Some("US"));
        assert_eq!(country_code("Germany"), Some("DE"));
        assert_eq!(country_code("United Kingdom"), Some("GB"));
        assert_eq!(country_code("UNITED KINGDOM"), Some("GB"));
        assert_eq!(country_code("New Zealand"), Some("NZ"));
        assert_eq!(country_code("South Africa"), Some("ZA"));
        assert_eq!(country_code("U.S."), None);
        assert_eq!(country_code("Atlantis"), None);
        assert_eq!(country_code(""), None);
    }

    #[test]
    fn phones_use_the_country_hint() {
        assert_eq!(
            e164("(415) 555-2671", Some("US")).as_deref(),
            Some("+14155552671")
        );
        assert_eq!(
            e164("030 901820", Some("DE")).as_deref(),
            Some("+4930901820")
        );
        assert_eq!(
            e164("+44 20 7946 0958", None).as_deref(),
            Some("+442079460958")
        );
        assert_eq!(
            e164("(415) 555-2671", None),
            None,
            "national number without a hint"
        );
        assert_eq!(e164("not a number", Some("US")), None);
    }

    #[test]
    fn lead_values_become_canonical() {
        let mut lead = Lead {
            addresses: Some(vec![Address {
                country: Some("United States".into()),
                ..Address::default()
            }]),
            email_addresses: Some(vec![EmailAddress {
                email: "  Jane.Doe@Example.COM ".into(),
                kind: None,
            }]),
            phone_numbers: Some(vec![
                PhoneNumber {
                    number: "415-555-2671".into(),
                    extension: None,
                    kind: None,
                },
                PhoneNumber {
                    number: "ext. unknown".into(),
                    extension: None,
                    kind: None,
                },
            ]),
            ..Lead::new("1")
        };
        normalize_lead(&mut lead);
        assert_eq!(
            lead.addresses.as_ref().unwrap()[0].country.as_deref(),
            Some("US")
        );
        assert_eq!(
            lead.email_addresses.as_ref().unwrap()[0].email,
            "jane.doe@example.com"
        );
        let phones = lead.phone_numbers.unwrap();
        assert_eq!(phones[0].number, "+14155552671");
        assert_eq!(
            phones[1].number, "ext. unknown",
            "unparseable numbers are kept as they were"
        );
    }
}
