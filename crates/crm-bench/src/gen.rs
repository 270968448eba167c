//! Shared pieces of the page generators: a seeded random source, a JSON object writer that keeps
//! the provider's key order, and pools of realistic (fake, partly non-ASCII) values.

use chrono::{DateTime, Utc};

/// SplitMix64: small, fast, and the same sequence on every platform and crate version.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    /// A Unix time between 2019-01-01 and 2025-01-01.
    pub fn unix_time(&mut self) -> i64 {
        1_546_300_800 + self.below(6 * 365 * 86_400) as i64
    }
}

/// A JSON string literal (escapes quotes, backslashes and control characters; keeps UTF-8).
pub fn s(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialize")
}

/// A JSON string literal, or `null`.
pub fn opt(text: Option<&str>) -> String {
    text.map_or_else(|| "null".to_owned(), s)
}

/// Writes one JSON object with keys in the given order (providers do not sort their keys).
#[derive(Debug, Default)]
pub struct Obj(String);

impl Obj {
    pub fn new() -> Obj {
        Obj(String::from("{"))
    }

    /// Adds a key with an already-serialized JSON value.
    pub fn raw(mut self, key: &str, json: impl AsRef<str>) -> Obj {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.0.push_str(&s(key));
        self.0.push(':');
        self.0.push_str(json.as_ref());
        self
    }

    pub fn str(self, key: &str, text: &str) -> Obj {
        self.raw(key, s(text))
    }

    pub fn opt(self, key: &str, text: Option<&str>) -> Obj {
        self.raw(key, opt(text))
    }

    pub fn num(self, key: &str, n: impl std::fmt::Display) -> Obj {
        self.raw(key, n.to_string())
    }

    pub fn null(self, key: &str) -> Obj {
        self.raw(key, "null")
    }

    pub fn bool(self, key: &str, b: bool) -> Obj {
        self.raw(key, if b { "true" } else { "false" })
    }

    pub fn end(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// A JSON array of already-serialized values.
pub fn array<I: IntoIterator<Item = String>>(items: I) -> String {
    let items: Vec<String> = items.into_iter().collect();
    format!("[{}]", items.join(","))
}

/// A page of records joined into a JSON array.
pub fn records(n: usize, seed: u64, record: impl Fn(&mut Rng, usize) -> String) -> String {
    let mut rng = Rng::new(seed);
    array((0..n).map(|i| record(&mut rng, i)))
}

pub fn utc(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).expect("generated times are in range")
}

pub const FIRST_NAMES: &[&str] = &[
    "Ada",
    "Zoë",
    "Jürgen",
    "José",
    "Søren",
    "Łukasz",
    "Chloé",
    "Björn",
    "Françoise",
    "Дмитрий",
    "さくら",
    "Grace",
    "Alan",
    "Núria",
    "Ægir",
    "Ngọc Anh",
    "Siobhán",
    "Ravi",
    "Émilie",
    "Ольга",
    "Mia",
    "Noah",
    "Ines",
    "Kwame",
];

pub const LAST_NAMES: &[&str] = &[
    "Lovelace",
    "Müller",
    "García Márquez",
    "Ødegaard",
    "Kowalski",
    "Dubois",
    "Andersson",
    "Иванова",
    "佐藤",
    "Hopper",
    "Turing",
    "O'Brien",
    "Nguyễn",
    "Ó Súilleabháin",
    "Patel",
    "Lefèvre",
    "Strauß",
    "Çelik",
    "Example",
    "Sample",
    "Doe \"Jr.\"",
];

pub const COMPANIES: &[&str] = &[
    "Müller & Söhne GmbH",
    "Acme Widgets Ltd",
    "Société Générale d'Exemple",
    "Example Corp",
    "Tōkyō Sample K.K.",
    "Łódź Testowa Sp. z o.o.",
    "Placeholder AB",
    "Fixture Inc.",
    "Norte Ejemplo S.A.",
    "Sample \"Quoted\" LLC",
];

pub const TITLES: &[&str] = &[
    "Head of Procurement",
    "Directeur général",
    "CTO",
    "Einkäufer",
    "Owner",
    "VP Sales",
    "Responsable des achats",
    "IT-Leiter",
    "Operations Manager",
    "Geschäftsführerin",
];

pub const SOURCES: &[&str] = &[
    "Web",
    "Trade Show",
    "Referral",
    "Cold Call",
    "Partner",
    "Advertisement",
    "Web Download",
];

pub const STREETS: &[&str] = &[
    "Hauptstraße",
    "Rua Augusta",
    "ul. Floriańska",
    "Rue de l'Église",
    "Main Street",
    "Calle Mayor",
    "Storgatan",
    "Via del Corso",
    "Königsallee",
    "Åsgatan",
];

/// (city, state, postal code, country)
pub const PLACES: &[(&str, &str, &str, &str)] = &[
    ("München", "Bayern", "80331", "Germany"),
    ("Zürich", "ZH", "8001", "Switzerland"),
    ("São Paulo", "SP", "01310-100", "Brazil"),
    ("Kraków", "Małopolskie", "31-001", "Poland"),
    ("Reykjavík", "", "101", "Iceland"),
    ("Montréal", "QC", "H2X 1Y4", "Canada"),
    ("Springfield", "IL", "62701", "United States"),
    ("Tōkyō", "Tōkyō-to", "100-0001", "Japan"),
    ("Ålesund", "Møre og Romsdal", "6002", "Norway"),
    ("Málaga", "Andalucía", "29001", "Spain"),
];

pub const DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "example.net",
    "example.invalid",
];

/// A fake phone number in one of several national formats.
pub fn phone(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => format!("+1 415-555-{:04}", rng.below(10_000)),
        1 => format!("+49 89 {} {}", 100 + rng.below(900), 1000 + rng.below(9000)),
        2 => format!(
            "(0{}) {} {}",
            rng.below(10),
            100 + rng.below(900),
            rng.below(10_000)
        ),
        _ => format!(
            "+33 6 {:02} {:02} {:02} {:02}",
            rng.below(100),
            rng.below(100),
            rng.below(100),
            rng.below(100)
        ),
    }
}

/// An ASCII e-mail address built from a record number.
pub fn email(rng: &mut Rng, i: usize) -> String {
    format!("lead.{i}.{}@{}", rng.below(1000), rng.pick(DOMAINS))
}

/// A street, sometimes over two or three lines (providers keep lines in one field).
pub fn street(rng: &mut Rng, newline: &str) -> String {
    let first = format!("{} {}", rng.pick(STREETS), 1 + rng.below(200));
    match rng.below(4) {
        0 => format!("{first}{newline}Gebäude {}", 1 + rng.below(9)),
        1 => format!(
            "{first}{newline}Suite {}{newline}c/o Empfang",
            100 + rng.below(900)
        ),
        _ => first,
    }
}

/// A 40-character lowercase hex key (Pipedrive custom field keys look like this).
pub fn hex_key(seed: u64) -> String {
    let mut rng = Rng::new(seed);
    (0..5)
        .map(|_| format!("{:08x}", rng.next_u64() as u32))
        .collect()
}

/// A whole number too large for `u64` (and for exact `f64`), as a JSON number: a tree parse into
/// `serde_json::Value` rounds it, our pipeline must keep it byte for byte.
pub fn huge_integer(rng: &mut Rng) -> String {
    format!(
        "{}{:018}",
        100_000 + rng.below(900_000),
        rng.below(1_000_000_000_000_000_000)
    )
}
