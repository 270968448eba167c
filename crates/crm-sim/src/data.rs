//! Deterministic lead generator shared by the four simulators.
//!
//! One list of provider-neutral `Person`s is drawn from a seeded RNG; each provider module turns
//! it into records of its own shape. Same seed and size, same records, on every run and machine
//! with the same `rand` version. The pools are chosen to exercise the hard cases: non-ASCII names,
//! apostrophes, backslashes and quotes, SOQL wildcards, several phones, missing fields, converted
//! leads, equal timestamps (stable ordering), and owners/persons/orgs from small sets so that
//! filters match several leads. All contact data is obviously fake (example.com, 555 numbers).

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

use crate::config::SimProvider;

/// 2019-01-01T00:00:00Z: the earliest creation time.
pub const EARLIEST: i64 = 1_546_300_800;
/// 2025-07-01T00:00:00Z: nothing is created or modified after this ("now" for the dataset).
pub const LATEST: i64 = 1_751_328_000;

/// Records of `provider`'s shape for `n` leads from `seed`, exactly what a simulator started with
/// `SimConfig::new(seed, n)` serves. Start from this to build a custom dataset (`SimConfig::records`).
pub fn generate(provider: SimProvider, seed: u64, n: usize) -> Vec<Value> {
    generate_ordered(provider, seed, n, 330)
        .iter()
        .map(Rec::to_value)
        .collect()
}

/// The records with their keys in the provider's natural order (answers are written in that order;
/// `serde_json::Value` would sort the keys).
pub(crate) fn generate_ordered(
    provider: SimProvider,
    seed: u64,
    n: usize,
    zoho_offset_minutes: i32,
) -> Vec<Rec> {
    let people = people(seed, n);
    match provider {
        SimProvider::Copper => people.iter().map(crate::copper::record).collect(),
        SimProvider::Insightly => people.iter().map(crate::insightly::record).collect(),
        SimProvider::Pipedrive => people.iter().map(crate::pipedrive::record).collect(),
        SimProvider::Salesforce => people.iter().map(crate::salesforce::record).collect(),
        SimProvider::ZendeskSell => people.iter().map(crate::zendesk_sell::record).collect(),
        SimProvider::Zoho => {
            let offset = zoho_offset_minutes
                .checked_mul(60)
                .and_then(FixedOffset::east_opt)
                .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
            people
                .iter()
                .map(|p| crate::zoho::record(p, offset))
                .collect()
        }
    }
}

/// A JSON object that keeps its keys in insertion order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Rec {
    pub pairs: Vec<(String, Value)>,
}

impl Rec {
    pub fn insert(&mut self, key: String, value: Value) {
        self.pairs.push((key, value));
    }

    pub fn to_value(&self) -> Value {
        Value::Object(self.pairs.iter().cloned().collect())
    }

    pub fn to_json(&self) -> String {
        write_object(self.pairs.iter().map(|(k, v)| (k.as_str(), v)))
    }
}

/// `{"k":v,...}` in the given order.
pub(crate) fn write_object<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a Value)>) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::from(k).to_string());
        out.push(':');
        out.push_str(&v.to_string());
    }
    out.push('}');
    out
}

/// A phone number with its kind; providers map kinds onto their own fields.
#[derive(Clone, Debug)]
pub(crate) struct Phone {
    pub number: String,
    pub kind: PhoneKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PhoneKind {
    Work,
    Mobile,
    Fax,
}

/// Where a lead lives; `country` is an ISO code plus an English name (Salesforce and Zoho store
/// the free-text name, Copper the code).
#[derive(Clone, Debug)]
pub(crate) struct Place {
    pub country_code: &'static str,
    pub country_name: &'static str,
    pub state: Option<&'static str>,
    pub city: &'static str,
    pub postal_code: &'static str,
}

/// A converted lead: when, and into which contact/account/opportunity (indices into small sets).
#[derive(Clone, Debug)]
pub(crate) struct Conversion {
    pub at: i64,
    pub contact: usize,
    pub account: usize,
    pub opportunity: Option<usize>,
}

/// One provider-neutral lead.
#[derive(Clone, Debug)]
pub(crate) struct Person {
    pub index: usize,
    pub first_name: Option<String>,
    pub last_name: String,
    pub salutation: Option<&'static str>,
    pub title: Option<&'static str>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub secondary_email: Option<String>,
    pub phones: Vec<Phone>,
    pub street: Option<String>,
    pub place: Option<Place>,
    /// Index into the provider's owner set; `None` = unassigned (Copper) or a queue (Salesforce).
    pub owner: Option<usize>,
    pub creator: usize,
    /// Pipedrive: index into the persons set / organizations set.
    pub person: Option<usize>,
    pub org: Option<usize>,
    pub source: Option<&'static str>,
    pub status_index: usize,
    pub created: i64,
    pub created_ms: u32,
    pub modified: i64,
    pub modified_ms: u32,
    pub last_activity: Option<i64>,
    pub converted: Option<Conversion>,
    pub archived: bool,
    pub value: Option<(i64, &'static str)>,
    pub details: Option<String>,
    pub tags: Vec<&'static str>,
    pub employees: Option<i64>,
    /// Custom-field values (each provider exposes some of them).
    pub score: Option<i64>,
    pub segment: Option<&'static str>,
    pub legacy_ref: Option<String>,
    pub renewal_date: Option<NaiveDate>,
    pub priority: bool,
    pub language: Option<&'static str>,
    /// Free random bits for provider-specific ids (UUIDs, hashes).
    pub salt: u64,
}

pub(crate) const FIRST_NAMES: &[&str] = &[
    "Zoë",
    "Łukasz",
    "José",
    "Ana",
    "Mary",
    "John",
    "Priya",
    "Sven",
    "François",
    "Aoife",
    "Wei",
    "Björn",
    "Chloé",
    "Renée",
    "Søren",
    "Ngọc Anh",
    "Jean-Luc",
    "Ólafur",
    "D'Arcy",
    "Tom \"Tommy\"",
    "Ryan\\Dev",
    "Li",
    "Émilie",
    "Mateusz",
    "Sarah",
];

pub(crate) const LAST_NAMES: &[&str] = &[
    "Ærøskøbing",
    "O'Brien",
    "Nowak",
    "García",
    "Smith",
    "Müller",
    "Patel",
    "D'Angelo",
    "Nguyễn",
    "van der Berg",
    "Smith-Jones",
    "O'Connor",
    "Back\\slash",
    "\"Quoted\"",
    "王",
    "Lee",
    "Johnson",
    "Brown",
    "Kowalski",
    "Percent%Under_score",
    "Ødegaard",
    "Zöllner",
    "Fernández",
    "Al-Hashimi",
    "Murphy",
];

const COMPANIES: &[&str] = &[
    "Acme, Inc.",
    "Smith & Sons",
    "Widgets (EU) Ltd",
    "#1 Tools",
    "Ærø Øl ApS",
    "O'Reilly Media",
    "Back\\slash Corp",
    "100% Organic_Co",
    "Globex",
    "Initech",
    "Umbrella \"Corp\"",
    "Żabka Sp. z o.o.",
    "Straße GmbH",
    "Example Holdings",
    "Tëst Ltd",
];

const TITLES: &[&str] = &[
    "CEO",
    "Head of Sales",
    "Procurement Manager",
    "VP, Engineering",
    "Buyer",
    "Office Manager (EMEA)",
    "Directeur général",
];

pub(crate) const SOURCES: &[&str] = &[
    "Web",
    "Phone Inquiry",
    "Partner Referral",
    "Trade Show",
    "Advertisement",
    "Other",
];

const TAGS: &[&str] = &["sample", "vip", "q3-campaign", "needs follow-up", "ærø"];

const SEGMENTS: &[&str] = &["SMB", "Mid-Market", "Enterprise", "Public Sector"];

const LANGUAGES: &[&str] = &["English", "Deutsch", "Polski", "Français", "日本語"];

const CURRENCIES: &[&str] = &["USD", "EUR", "GBP", "PLN", "DKK"];

const LEGACY_REFS: &[&str] = &[
    "LEG-001",
    "o'brien@example.com",
    "C:\\legacy\\import",
    "50% off_now",
    "say \"hi\"",
    "(a, b) & c #1",
    "line1\nline2",
    "tab\there",
    "Zoë Ærøskøbing",
];

const PLACES: &[Place] = &[
    Place {
        country_code: "US",
        country_name: "United States",
        state: Some("CA"),
        city: "San Francisco",
        postal_code: "94105",
    },
    Place {
        country_code: "US",
        country_name: "United States",
        state: Some("NY"),
        city: "New York",
        postal_code: "10001",
    },
    Place {
        country_code: "US",
        country_name: "United States",
        state: Some("TX"),
        city: "Austin",
        postal_code: "73301",
    },
    Place {
        country_code: "GB",
        country_name: "United Kingdom",
        state: None,
        city: "London",
        postal_code: "SW1A 1AA",
    },
    Place {
        country_code: "DE",
        country_name: "Germany",
        state: Some("Bayern"),
        city: "München",
        postal_code: "80331",
    },
    Place {
        country_code: "PL",
        country_name: "Poland",
        state: Some("mazowieckie"),
        city: "Warszawa",
        postal_code: "00-001",
    },
    Place {
        country_code: "DK",
        country_name: "Denmark",
        state: None,
        city: "Ærøskøbing",
        postal_code: "5970",
    },
    Place {
        country_code: "FR",
        country_name: "France",
        state: None,
        city: "Paris",
        postal_code: "75001",
    },
    Place {
        country_code: "IN",
        country_name: "India",
        state: Some("Karnataka"),
        city: "Bengaluru",
        postal_code: "560001",
    },
    Place {
        country_code: "JP",
        country_name: "Japan",
        state: Some("東京都"),
        city: "Tokyo",
        postal_code: "100-0001",
    },
    Place {
        country_code: "ES",
        country_name: "Spain",
        state: Some("Madrid"),
        city: "Madrid",
        postal_code: "28001",
    },
    Place {
        country_code: "IE",
        country_name: "Ireland",
        state: None,
        city: "Dublin",
        postal_code: "D02 X285",
    },
];

const STREETS: &[&str] = &[
    "301 Howard St Ste 600",
    "12 Main Street\nSuite 5",
    "Rue de l'Église 3",
    "ul. Marszałkowska 1",
    "1-1 Chiyoda",
    "Møllegade 7",
];

/// Number of owners in every provider's owner set.
pub(crate) const OWNERS: usize = 5;
/// Number of Pipedrive persons and organizations, Salesforce accounts and contacts.
pub(crate) const PERSONS: usize = 40;
pub(crate) const ORGS: usize = 12;

/// Draw `n` people from `seed`, ordered by creation time (ties keep draw order).
pub(crate) fn people(seed: u64, n: usize) -> Vec<Person> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out: Vec<Person> = Vec::with_capacity(n);
    for i in 0..n {
        let first_name = if rng.gen_bool(0.1) {
            None
        } else {
            Some(pick(&mut rng, FIRST_NAMES).to_string())
        };
        let last_name = pick(&mut rng, LAST_NAMES).to_string();
        let email = match rng.gen_range(0..20) {
            0 | 1 => None,
            // a few leads share an address so an email filter can match several
            2 if !out.is_empty() => {
                let j = rng.gen_range(0..out.len());
                out[j]
                    .email
                    .clone()
                    .or_else(|| Some(email_for(first_name.as_deref(), &last_name, i)))
            }
            3 => Some(email_for(first_name.as_deref(), &last_name, i).to_uppercase()),
            _ => Some(email_for(first_name.as_deref(), &last_name, i)),
        };
        let secondary_email = rng.gen_bool(0.2).then(|| format!("alt{i}@example.net"));
        let place = (!rng.gen_bool(0.1)).then(|| PLACES[rng.gen_range(0..PLACES.len())].clone());
        let phones = (0..rng.gen_range(0..=3))
            .map(|k| Phone {
                number: phone(&mut rng, place.as_ref().map(|p| p.country_code)),
                kind: match k {
                    0 => PhoneKind::Work,
                    1 => PhoneKind::Mobile,
                    _ => PhoneKind::Fax,
                },
            })
            .collect();
        // Timestamps: spread over the years, with some exact ties to exercise stable ordering.
        let created = if i > 0 && rng.gen_bool(0.08) {
            out[rng.gen_range(0..out.len())].created
        } else {
            rng.gen_range(EARLIEST..LATEST - 200 * 86_400)
        };
        let created_ms = rng.gen_range(0..1000);
        let modified = if rng.gen_bool(0.05) {
            created
        } else {
            (created + rng.gen_range(0..180 * 86_400)).min(LATEST)
        };
        let modified_ms = if modified == created {
            created_ms
        } else {
            rng.gen_range(0..1000)
        };
        let converted = rng.gen_bool(0.15).then(|| Conversion {
            at: rng.gen_range(created..=modified),
            contact: rng.gen_range(0..PERSONS),
            account: rng.gen_range(0..ORGS),
            opportunity: rng.gen_bool(0.6).then(|| rng.gen_range(0..ORGS)),
        });
        let (person, org) = match rng.gen_range(0..4) {
            0 => (None, Some(rng.gen_range(0..ORGS))),
            1 => (Some(rng.gen_range(0..PERSONS)), None),
            _ => (
                Some(rng.gen_range(0..PERSONS)),
                Some(rng.gen_range(0..ORGS)),
            ),
        };
        out.push(Person {
            index: i,
            first_name,
            last_name,
            salutation: maybe(&mut rng, 0.3, &["Mr.", "Ms.", "Dr.", "Mx."]),
            title: maybe(&mut rng, 0.7, TITLES),
            company: maybe(&mut rng, 0.85, COMPANIES).map(str::to_string),
            email,
            secondary_email,
            phones,
            street: maybe(&mut rng, 0.7, STREETS).map(str::to_string),
            place,
            owner: (!rng.gen_bool(0.1)).then(|| rng.gen_range(0..OWNERS)),
            creator: rng.gen_range(0..OWNERS),
            person,
            org,
            source: maybe(&mut rng, 0.8, SOURCES),
            status_index: rng.gen_range(0..5),
            created,
            created_ms,
            modified,
            modified_ms,
            last_activity: rng.gen_bool(0.5).then(|| rng.gen_range(created..=modified)),
            converted,
            archived: rng.gen_bool(0.1),
            value: rng
                .gen_bool(0.6)
                .then(|| (rng.gen_range(1..500) * 100, pick(&mut rng, CURRENCIES))),
            details: rng
                .gen_bool(0.3)
                .then(|| format!("Met at booth #{}; wants a call — \"soon\".", i % 97)),
            tags: TAGS
                .iter()
                .copied()
                .filter(|_| rng.gen_bool(0.25))
                .collect(),
            employees: rng.gen_bool(0.5).then(|| rng.gen_range(1..20_000)),
            score: rng.gen_bool(0.6).then(|| rng.gen_range(0..=100)),
            segment: maybe(&mut rng, 0.7, SEGMENTS),
            legacy_ref: maybe(&mut rng, 0.5, LEGACY_REFS).map(str::to_string),
            renewal_date: rng.gen_bool(0.4).then(|| {
                DateTime::<Utc>::from_timestamp(rng.gen_range(EARLIEST..LATEST + 400 * 86_400), 0)
                    .map(|d| d.date_naive())
                    .unwrap_or_default()
            }),
            priority: rng.gen_bool(0.2),
            language: maybe(&mut rng, 0.5, LANGUAGES),
            salt: rng.gen(),
        });
    }
    out.sort_by_key(|p| (p.created, p.created_ms, p.index));
    for (i, p) in out.iter_mut().enumerate() {
        p.index = i;
    }
    out
}

impl Person {
    /// "First Last", or just the last name.
    pub(crate) fn full_name(&self) -> String {
        match &self.first_name {
            Some(f) => format!("{f} {}", self.last_name),
            None => self.last_name.clone(),
        }
    }

    pub(crate) fn phone(&self, kind: PhoneKind) -> Option<&str> {
        self.phones
            .iter()
            .find(|p| p.kind == kind)
            .map(|p| p.number.as_str())
    }
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

fn maybe<T: Copy>(rng: &mut StdRng, p: f64, items: &[T]) -> Option<T> {
    if rng.gen_bool(p) {
        Some(pick(rng, items))
    } else {
        None
    }
}

/// `first.last<i>@example.com`, with diacritics folded and quotes/backslashes dropped; the
/// apostrophe stays (`o'brien12@example.com` is a valid address and a classic escaping trap).
fn email_for(first: Option<&str>, last: &str, i: usize) -> String {
    let fold = |s: &str| -> String {
        s.chars()
            .flat_map(|c| {
                let mapped: &str = match c {
                    'à' | 'á' | 'â' | 'ä' | 'å' => "a",
                    'æ' | 'Æ' => "ae",
                    'ç' => "c",
                    'è' | 'é' | 'ê' | 'ë' | 'ễ' => "e",
                    'í' | 'ï' => "i",
                    'ł' | 'Ł' => "l",
                    'ñ' => "n",
                    'ò' | 'ó' | 'ô' | 'ö' | 'ø' | 'Ø' | 'ọ' | 'Ó' => "o",
                    'ß' => "ss",
                    'ù' | 'ú' | 'ü' => "u",
                    'É' => "e",
                    'Ż' | 'ż' => "z",
                    _ => "",
                };
                if mapped.is_empty() && (c.is_ascii_alphanumeric() || c == '\'' || c == '-') {
                    vec![c.to_ascii_lowercase()]
                } else {
                    mapped.chars().collect()
                }
            })
            .collect()
    };
    let last = fold(last);
    let local = match first.map(fold) {
        Some(f) if !f.is_empty() && !last.is_empty() => format!("{f}.{last}"),
        Some(f) if !f.is_empty() => f,
        _ if !last.is_empty() => last,
        _ => "lead".to_string(),
    };
    format!("{local}{i}@example.com")
}

/// A fictional number: 555-01xx in North America, Ofcom's drama range in the UK, 555 elsewhere.
fn phone(rng: &mut StdRng, country: Option<&str>) -> String {
    let n: u32 = rng.gen_range(0..100);
    match (country, rng.gen_range(0..3)) {
        (Some("GB"), _) => format!("+44 20 7946 0{:03}", rng.gen_range(0..1000)),
        (Some("DE"), _) => format!("+49 30 555 {:04}", rng.gen_range(0..10_000)),
        (_, 0) => format!("+1 555-01{n:02}"),
        (_, 1) => format!("(555) 555-01{n:02}"),
        _ => format!("555.01{n:02}"),
    }
}

/// Salesforce date-time: `2024-01-01T00:00:00.000+0000`.
pub(crate) fn sf_datetime(secs: i64) -> String {
    utc(secs).format("%Y-%m-%dT%H:%M:%S.000+0000").to_string()
}

/// A date (`2024-01-01`) in UTC.
pub(crate) fn date(secs: i64) -> String {
    utc(secs).format("%Y-%m-%d").to_string()
}

/// Pipedrive date-time: `2020-10-14T11:30:36.551Z`.
pub(crate) fn pd_datetime(secs: i64, ms: u32) -> String {
    format!("{}.{ms:03}Z", utc(secs).format("%Y-%m-%dT%H:%M:%S"))
}

/// Zoho date-time in the org's offset, no milliseconds: `2021-08-04T14:08:39+05:30`.
pub(crate) fn zoho_datetime(secs: i64, offset: FixedOffset) -> String {
    offset
        .timestamp_opt(secs, 0)
        .single()
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%:z").to_string())
        .unwrap_or_default()
}

pub(crate) fn utc(secs: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or_default()
}

/// An 18-character Salesforce id from a 15-character one: the 3-character suffix encodes which of
/// the 15 characters are upper case, as Salesforce does.
pub(crate) fn sf_id18(id15: &str) -> String {
    const TABLE: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    let chars: Vec<char> = id15.chars().collect();
    let mut out = id15.to_string();
    for chunk in 0..3 {
        let mut flags = 0usize;
        for bit in 0..5 {
            if chars
                .get(chunk * 5 + bit)
                .is_some_and(|c| c.is_ascii_uppercase())
            {
                flags |= 1 << bit;
            }
        }
        out.push(TABLE[flags] as char);
    }
    out
}

/// Upper-case base-36 digits of `n`, left-padded with zeros to `width`.
pub(crate) fn base36(mut n: u64, width: usize) -> String {
    const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut digits = Vec::new();
    while n > 0 {
        digits.push(DIGITS[(n % 36) as usize] as char);
        n /= 36;
    }
    while digits.len() < width {
        digits.push('0');
    }
    digits.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_people() {
        let a = people(7, 50);
        let b = people(7, 50);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert_ne!(format!("{a:?}"), format!("{:?}", people(8, 50)));
    }

    #[test]
    fn sf_checksum_matches_known_id() {
        // A documented example: 001A0000006Vm9r -> 001A0000006Vm9rIAC
        assert_eq!(sf_id18("001A0000006Vm9r"), "001A0000006Vm9rIAC");
    }
}
