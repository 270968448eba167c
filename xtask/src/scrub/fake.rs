//! Deterministic fakes: the same input (and key) always gives the same fake, so a person who
//! appears on two pages, or as a lead's e-mail and as a filter value, stays one person.
//!
//! Each fake is derived from an HMAC-SHA256 of a normalized input (trimmed, case-folded where case
//! does not matter, digits only for phone numbers), so formatting differences do not split one
//! person into two. Fakes are unmistakably fake: reserved domains, the 555-01xx fictional phone
//! range and `Name…`/`Street …` words.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The key used when `CRM_RECORD_SCRUB_KEY` is not set. Fixed, so re-recording the same account
/// gives the same fakes and fixture diffs show only real changes.
pub const DEFAULT_KEY: &str = "crm-leads fixture scrubber v1";

/// Makes deterministic fakes with one key.
#[derive(Clone)]
pub struct Faker {
    key: Vec<u8>,
}

impl std::fmt::Debug for Faker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Faker { key: <redacted> }")
    }
}

impl Default for Faker {
    fn default() -> Self {
        Faker::new(DEFAULT_KEY)
    }
}

impl Faker {
    pub fn new(key: impl AsRef<[u8]>) -> Self {
        Faker {
            key: key.as_ref().to_vec(),
        }
    }

    fn digest(&self, kind: &str, input: &str) -> [u8; 32] {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&self.key) {
            Ok(mac) => mac,
            Err(_) => return [0; 32],
        };
        mac.update(kind.as_bytes());
        mac.update(&[0]);
        mac.update(input.as_bytes());
        mac.finalize().into_bytes().into()
    }

    fn hex(&self, kind: &str, input: &str, chars: usize) -> String {
        self.digest(kind, input)
            .iter()
            .flat_map(|b| [b >> 4, b & 0x0f])
            .take(chars)
            .map(|nibble| char::from_digit(u32::from(nibble), 16).unwrap_or('0'))
            .collect()
    }

    /// `person-1a2b3c4d@example.com`, keyed by the lower-cased address.
    pub fn email(&self, email: &str) -> String {
        let key = email.trim().to_lowercase();
        format!("person-{}@example.com", self.hex("email", &key, 8))
    }

    /// `+1 <area> 555 01xx` (the fictional 555-0100..0199 range), keyed by the digits only.
    /// A value without digits is returned unchanged: it carries no number.
    pub fn phone(&self, phone: &str) -> String {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if digits.is_empty() {
            return phone.to_owned();
        }
        let d = self.digest("phone", &digits);
        let area = 200 + (u16::from_be_bytes([d[0], d[1]]) % 800);
        let line = d[2] % 100;
        format!("+1 {area} 555 01{line:02}")
    }

    /// Replaces every word (whitespace-separated) by `Name<6 hex>`, keeping the whitespace, so a
    /// full name stays the concatenation of the faked first and last names.
    pub fn name(&self, text: &str) -> String {
        map_words(text, |word| {
            format!("Name{}", self.hex("name", &word.to_lowercase(), 6))
        })
    }

    /// Replaces every non-blank line by `Street <6 hex>`, keeping line breaks, so a street split
    /// into `street_1`/`street_2` by a connector fakes the same way as the whole.
    pub fn street(&self, text: &str) -> String {
        map_lines(text, |line| {
            format!("Street {}", self.hex("street", line, 6))
        })
    }

    /// Free text that may name people (notes, lead titles): `Text <8 hex>`.
    pub fn text(&self, text: &str) -> String {
        if text.trim().is_empty() {
            return text.to_owned();
        }
        format!("Text {}", self.hex("text", text.trim(), 8))
    }

    /// A personal URL (social profile): `https://profile.example.invalid/<8 hex>`.
    pub fn url(&self, url: &str) -> String {
        if url.trim().is_empty() {
            return url.to_owned();
        }
        format!(
            "https://profile.example.invalid/{}",
            self.hex("url", url.trim(), 8)
        )
    }
}

/// Applies `f` to each maximal run of non-whitespace characters.
fn map_words(text: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut word_start: Option<usize> = None;
    for (i, ch) in text.char_indices() {
        if ch.is_whitespace() {
            if let Some(start) = word_start.take() {
                out.push_str(&f(&text[start..i]));
            }
            out.push(ch);
        } else if word_start.is_none() {
            word_start = Some(i);
        }
    }
    if let Some(start) = word_start {
        out.push_str(&f(&text[start..]));
    }
    out
}

/// Applies `f` to the trimmed content of each non-blank line, keeping the line structure.
fn map_lines(text: &str, f: impl Fn(&str) -> String) -> String {
    text.split('\n')
        .map(|line| {
            let trimmed = line.trim();
            if trimmed.is_empty() {
                line.to_owned()
            } else {
                let lead = &line[..line.len() - line.trim_start().len()];
                let tail = &line[line.trim_end().len()..];
                format!("{lead}{}{tail}", f(trimmed))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fakes_are_deterministic_and_normalized() {
        let f = Faker::default();
        assert_eq!(f.email("Ada@Lovelace.org"), f.email(" ada@lovelace.org "));
        assert_ne!(f.email("ada@lovelace.org"), f.email("grace@hopper.org"));
        assert!(f.email("ada@lovelace.org").ends_with("@example.com"));
        assert_eq!(f.phone("(415) 555-1234"), f.phone("415.555.1234"));
        assert_ne!(f.phone("4155551234"), f.phone("4155551235"));
        assert!(f.phone("4155551234").contains(" 555 01"));
        assert_eq!(f.phone("n/a"), "n/a");
        assert_eq!(
            Faker::new("k").email("a@b.co"),
            Faker::new("k").email("a@b.co")
        );
        assert_ne!(
            Faker::new("k1").email("a@b.co"),
            Faker::new("k2").email("a@b.co")
        );
    }

    #[test]
    fn names_fake_word_by_word() {
        let f = Faker::default();
        let full = f.name("Ada Lovelace");
        assert_eq!(full, format!("{} {}", f.name("Ada"), f.name("Lovelace")));
        assert_eq!(f.name("  Ada "), format!("  {} ", f.name("ada")));
        assert!(f.name("Ada").starts_with("Name"));
        assert_eq!(f.name("   "), "   ");
    }

    #[test]
    fn streets_fake_line_by_line() {
        let f = Faker::default();
        let two = f.street("1 Main St\nSuite 5");
        let (a, b) = two.split_once('\n').unwrap();
        assert_eq!(a, f.street("1 Main St"));
        assert_eq!(b, f.street(" Suite 5 ").trim());
        assert!(!two.contains("Main"));
    }

    #[test]
    fn debug_hides_the_key() {
        assert!(!format!("{:?}", Faker::new("super-secret-key")).contains("super"));
    }
}
