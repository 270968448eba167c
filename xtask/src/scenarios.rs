//! The recording scenarios: per provider, named unified queries run through the real connector,
//! chosen from one table by what the provider's capabilities support.
//!
//! A scenario is a query string exactly as a caller of `GET /unified/crm/leads` would send it
//! (parsed by `ListRequest::from_query_string`), walked for at most `pages` pages through the
//! list pipeline and its cursors. Filter values that must exist in the recorded account (an
//! owner id, a person id) are discovered from the account's first page at record time and written
//! into the fixture's description, so the replay runs the same query. Values that do not have to
//! exist are chosen on reserved domains or are obviously synthetic, so they are not personal data
//! and pass the scrubber unchanged (the recorded request then still matches on replay).

use crm_core::{FilterKey, Operator};

/// Which credentials a scenario uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    /// The account's own credentials.
    Valid,
    /// A deliberately wrong token, to record the provider's authentication error.
    Invalid,
}

/// A value read from the account's first page before the scenario runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discover {
    /// `owner.id` of the first lead that has one; fills `{owner_id}`.
    OwnerId,
    /// `contact.id` of the first lead that has one; fills `{contact_id}`.
    ContactId,
    /// `account.id` of the first lead that has one; fills `{account_id}`.
    AccountId,
}

impl Discover {
    pub fn placeholder(self) -> &'static str {
        match self {
            Discover::OwnerId => "{owner_id}",
            Discover::ContactId => "{contact_id}",
            Discover::AccountId => "{account_id}",
        }
    }

    /// The unified field the value is read from (`owner`, `contact`, `account`).
    pub fn field(self) -> &'static str {
        match self {
            Discover::OwnerId => "owner",
            Discover::ContactId => "contact",
            Discover::AccountId => "account",
        }
    }
}

/// One named scenario.
#[derive(Debug, Clone, Copy)]
pub struct ScenarioSpec {
    pub provider: &'static str,
    /// Snake-case name; the fixture is `recorded_<name>.json`.
    pub name: &'static str,
    /// What it exercises, for the fixture's description and `cargo xtask fixtures scenarios`.
    pub about: &'static str,
    /// The unified query string (may hold a discovery placeholder).
    pub query: &'static str,
    /// Pages walked at most (through `next_cursor`).
    pub pages: usize,
    pub credentials: Credentials,
    pub discover: Option<Discover>,
}

impl ScenarioSpec {
    /// `recorded_<name>`: the fixture's file stem and `scenario` field.
    pub fn fixture_name(&self) -> String {
        format!("{RECORDED_PREFIX}{}", self.name)
    }
}

/// Recorded fixtures are named `recorded_<scenario>` so they never overwrite hand-made ones.
pub const RECORDED_PREFIX: &str = "recorded_";

/// A filter value with the characters that break naive query building: `'`, `\`, `(`, `,`, `&`,
/// `#`, quotes and non-ASCII. Percent-encoded for the query string.
const TRICKY_NAME_QUERY: &str =
    "name=O%27Brien+%5C+%28Test%29%2C+%26+%22Co%22+%231+Zo%C3%AB&limit=5";

/// A scenario every provider records when its capabilities have the filters it needs.
struct Template {
    name: &'static str,
    query: &'static str,
    pages: usize,
    about: &'static str,
    /// The filters the query uses (with their operators); a provider without one skips it.
    needs: &'static [(FilterKey, Operator)],
    credentials: Credentials,
    discover: Option<Discover>,
}

const fn template(
    name: &'static str,
    query: &'static str,
    pages: usize,
    about: &'static str,
    needs: &'static [(FilterKey, Operator)],
) -> Template {
    Template {
        name,
        query,
        pages,
        about,
        needs,
        credentials: Credentials::Valid,
        discover: None,
    }
}

const fn discovering(mut t: Template, discover: Discover) -> Template {
    t.discover = Some(discover);
    t
}

const fn invalid(mut t: Template) -> Template {
    t.credentials = Credentials::Invalid;
    t
}

use FilterKey as K;
use Operator as O;

/// The scenario templates, in recording order.
const TEMPLATES: &[Template] = &[
    template(
        "three_pages",
        "limit=2",
        3,
        "pages of two leads, walked through next_cursor (at most three)",
        &[],
    ),
    template(
        "natural_page",
        "truto_ignore_limit=true",
        1,
        "the provider's natural page (no page size sent)",
        &[],
    ),
    template("first_page", "limit=5", 1, "one page of five leads", &[]),
    discovering(
        template(
            "owner_filter",
            "owner[id]={owner_id}&limit=5",
            1,
            "leads of one owner (an owner id discovered from the first page)",
            &[(K::OwnerId, O::Eq)],
        ),
        Discover::OwnerId,
    ),
    discovering(
        template(
            "contact_filter",
            "contact[id]={contact_id}&limit=5",
            1,
            "leads of one contact (a contact id discovered from the first page)",
            &[(K::ContactId, O::Eq)],
        ),
        Discover::ContactId,
    ),
    discovering(
        template(
            "organization_filter",
            "organization[id]={account_id}&limit=5",
            1,
            "leads of one organization (discovered from the first page)",
            &[(K::OrganizationId, O::Eq)],
        ),
        Discover::AccountId,
    ),
    template(
        "empty",
        "email_addresses[]=nobody%40example.com",
        1,
        "a filter that matches nothing",
        &[(K::EmailAddresses, O::Eq)],
    ),
    template(
        "tricky_name",
        TRICKY_NAME_QUERY,
        1,
        "a name filter with quotes, backslash, brackets, comma, ampersand, hash and non-ASCII",
        &[(K::Name, O::Eq)],
    ),
    template(
        "date_range",
        "created_at[gte]=2000-01-01T00:00:00Z&updated_at[lt]=2100-01-01T00:00:00Z&limit=5",
        1,
        "created and updated date-time bounds",
        &[(K::CreatedAt, O::Gte), (K::UpdatedAt, O::Lt)],
    ),
    template(
        "custom_fields",
        "include_custom_fields=true&limit=5",
        1,
        "custom fields",
        &[(K::IncludeCustomFields, O::Eq)],
    ),
    invalid(template(
        "unauthorized",
        "limit=1",
        1,
        "a wrong credential: the provider's authentication error",
        &[],
    )),
];

/// The scenarios of one provider (from its capabilities), in recording order; none for a
/// provider this build does not include.
pub fn for_provider(provider: &str) -> impl Iterator<Item = ScenarioSpec> + '_ {
    let caps = crm_providers::get(provider).map(|d| d.capabilities);
    TEMPLATES.iter().filter_map(move |t| {
        let caps = caps?;
        let supported = t
            .needs
            .iter()
            .all(|(key, op)| caps.filter(*key).is_some_and(|f| f.operators.contains(op)));
        supported.then_some(ScenarioSpec {
            provider: caps.provider.as_str(),
            name: t.name,
            about: t.about,
            query: t.query,
            pages: t.pages,
            credentials: t.credentials,
            discover: t.discover,
        })
    })
}

/// One scenario by provider and name (with or without the `recorded_` prefix).
pub fn find(provider: &str, name: &str) -> Option<ScenarioSpec> {
    let name = name.strip_prefix(RECORDED_PREFIX).unwrap_or(name);
    for_provider(provider).find(|s| s.name == name)
}

/// The providers that have scenarios (every provider of the registry).
pub fn providers() -> Vec<&'static str> {
    crm_providers::providers().map(|p| p.as_str()).collect()
}

/// The line in a recorded fixture's description that holds its unified query.
pub const QUERY_LINE: &str = "query: ";
/// The line that holds how many pages were walked at most.
pub const PAGES_LINE: &str = "pages: ";

/// Reads the unified query and page count back from a recorded fixture's description.
pub fn query_from_description(description: &str) -> Option<(String, usize)> {
    let mut query = None;
    let mut pages = None;
    for line in description.lines() {
        if let Some(q) = line.strip_prefix(QUERY_LINE) {
            query = Some(q.trim().to_owned());
        } else if let Some(p) = line.strip_prefix(PAGES_LINE) {
            pages = p.split_whitespace().next()?.parse().ok();
        }
    }
    Some((query?, pages.unwrap_or(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case_and_queries_parse() {
        let mut seen = std::collections::HashSet::new();
        for s in providers().into_iter().flat_map(for_provider) {
            assert!(
                seen.insert((s.provider, s.name)),
                "duplicate {}/{}",
                s.provider,
                s.name
            );
            assert!(crate::check::is_snake_case(s.name), "{}", s.name);
            assert!(s.pages >= 1);
            let query = match s.discover {
                Some(d) => s.query.replace(d.placeholder(), "123"),
                None => s.query.to_owned(),
            };
            assert!(!query.contains('{'), "{}: unfilled placeholder", s.name);
            let parsed = crm_core::ListRequest::from_query_string(&query);
            assert!(parsed.is_ok(), "{}/{}: {parsed:?}", s.provider, s.name);
        }
        assert_eq!(
            providers(),
            [
                "copper",
                "insightly",
                "pipedrive",
                "salesforce",
                "zendesk-sell",
                "zoho"
            ]
        );
        assert!(find("salesforce", "recorded_custom_fields").is_some());
        assert!(find("zoho", "custom_fields").is_none());
        // Each provider records the filters it supports, and only those.
        let names = |p: &str| for_provider(p).map(|s| s.name).collect::<Vec<_>>();
        assert!(names("pipedrive").contains(&"contact_filter"));
        assert!(!names("pipedrive").contains(&"tricky_name"));
        assert!(names("copper").contains(&"date_range"));
        assert_eq!(
            names("zoho"),
            ["three_pages", "natural_page", "first_page", "unauthorized"]
        );
    }

    #[test]
    fn the_tricky_name_decodes_to_every_awkward_character() {
        let parsed = crm_core::ListRequest::from_query_string(TRICKY_NAME_QUERY).unwrap();
        let name = parsed.query.filters.name.unwrap();
        for c in ['\'', '\\', '(', ',', '&', '#', '"', 'ë'] {
            assert!(name.contains(c), "{name} lacks {c}");
        }
    }

    #[test]
    fn description_round_trip() {
        let text = "Recorded.\nquery: owner[id]=5&limit=2\npages: 3 at most\n";
        assert_eq!(
            query_from_description(text),
            Some(("owner[id]=5&limit=2".to_owned(), 3))
        );
        assert_eq!(query_from_description("nothing"), None);
    }
}
