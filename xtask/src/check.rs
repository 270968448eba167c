//! `cargo xtask fixtures check`: an offline lint of every fixture under `fixtures/`.
//!
//! Each `fixtures/<provider>/<scenario>.json` must:
//! - parse with the test kit (`crm_testkit::Scenario`), which also validates methods, paths,
//!   headers and statuses;
//! - carry a non-empty `source` note;
//! - sit in the directory of its `provider`, under a known provider (the four connectors, plus the
//!   test kit's own samples), with a file name equal to its `scenario`, in snake case;
//! - if named `recorded_<name>`, name a scenario of xtask's table for that provider;
//! - contain no secret-looking value (a bearer token, a JWT, a Salesforce session id, an AWS key,
//!   or a long value of a member, header or parameter named like `access_token`/`api_key`) unless
//!   it is an obvious placeholder, and no e-mail address outside the reserved domains.
//!
//! Every problem is reported (not just the first), each with the file, the place inside it and
//! what to do.

use std::fmt;
use std::path::{Path, PathBuf};

use crm_testkit::{Exchange, Scenario};

use crate::scenarios::{self, RECORDED_PREFIX};
use crate::scrub::json::{display_path, visit_strings, Seg};
use crate::scrub::text;

/// Provider directories that may hold fixtures besides the connectors'.
pub const EXTRA_PROVIDER_DIRS: &[&str] = &["testkit"];

/// Secret-named values at most this long are tolerated (short ids, `"x"`).
pub const SECRET_MIN_LEN: usize = 17;

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as shown in messages (`fixtures/salesforce/three_pages.json`).
    pub file: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

/// The outcome of checking a fixtures directory.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Fixture files looked at.
    pub files: usize,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// `snake_case`: lower-case ASCII letters and digits in `_`-separated words.
pub fn is_snake_case(name: &str) -> bool {
    !name.is_empty()
        && name.split('_').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn is_known_provider(name: &str) -> bool {
    crm_providers::get(name).is_some() || EXTRA_PROVIDER_DIRS.contains(&name)
}

/// Checks every `*.json` file under `dir` (the `fixtures/` directory).
pub fn check_dir(dir: &Path) -> std::io::Result<Report> {
    let mut report = Report::default();
    let shown_root = dir
        .file_name()
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.to_path_buf());
    let mut files = Vec::new();
    collect_json_files(dir, &mut files)?;
    files.sort();
    for path in files {
        let relative = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
        let shown = shown_root.join(&relative).display().to_string();
        report.files += 1;
        let components: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let mut problem = |message: String| {
            report.problems.push(Problem {
                file: shown.clone(),
                message,
            })
        };
        let [provider_dir, file_name] = components.as_slice() else {
            problem(format!(
                "fixtures live at {}/<provider>/<scenario>.json; move this file there",
                shown_root.display()
            ));
            continue;
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                problem(format!("cannot be read: {e}"));
                continue;
            }
        };
        let stem = file_name.strip_suffix(".json").unwrap_or(file_name);
        for message in check_fixture(provider_dir, stem, &text) {
            problem(message);
        }
    }
    Ok(report)
}

fn collect_json_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_json_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// The advice appended to content problems: re-record (recorded fixtures) or edit (hand-made).
fn fix_hint(provider: &str, scenario: &str) -> String {
    match scenario.strip_prefix(RECORDED_PREFIX) {
        Some(name) if scenarios::find(provider, name).is_some() => format!(
            "run `cargo xtask fixtures record --provider {provider} --scenario {name}` and commit"
        ),
        _ => format!(
            "replace it with a placeholder (`person@example.com`, `test-access-token`) and commit, \
             or record fresh fixtures with `cargo xtask fixtures record --provider {provider}`"
        ),
    }
}

/// Checks one fixture's text; `provider_dir` and `stem` come from its location. Returns the
/// problems, each a complete sentence without the file name.
pub fn check_fixture(provider_dir: &str, stem: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if !is_known_provider(provider_dir) {
        let known: Vec<&str> = crm_providers::providers()
            .map(|p| p.as_str())
            .chain(EXTRA_PROVIDER_DIRS.iter().copied())
            .collect();
        problems.push(format!(
            "`{provider_dir}` is not a provider directory (expected one of {}); move the file",
            known.join(", ")
        ));
    }
    let scenario = match Scenario::from_json(text) {
        Ok(s) => s,
        Err(e) => {
            problems.push(format!(
                "does not parse as a fixture ({e}); fix it, or record it again with \
                 `cargo xtask fixtures record --provider {provider_dir}`"
            ));
            return problems;
        }
    };
    if scenario.source.trim().is_empty() {
        problems.push(
            "has an empty `source`: say where the data came from (\"recorded by cargo xtask \
             fixtures record on <date> ...\", or the documentation page it was shaped after)"
                .to_owned(),
        );
    }
    if scenario.provider != provider_dir {
        problems.push(format!(
            "is in the `{provider_dir}` directory but its \"provider\" is `{}`; move the file or fix the field",
            scenario.provider
        ));
    }
    if scenario.scenario != stem {
        problems.push(format!(
            "its file name `{stem}` differs from its \"scenario\" `{}`; rename one to match the other",
            scenario.scenario
        ));
    }
    if !is_snake_case(&scenario.scenario) {
        problems.push(format!(
            "scenario name `{}` is not snake_case (lower-case letters, digits and `_`)",
            scenario.scenario
        ));
    }
    if let Some(name) = scenario.scenario.strip_prefix(RECORDED_PREFIX) {
        if scenarios::find(provider_dir, name).is_none() {
            let known: Vec<&str> = scenarios::for_provider(provider_dir)
                .map(|s| s.name)
                .collect();
            problems.push(format!(
                "`{}` claims to be recorded scenario `{name}`, which xtask does not know for \
                 {provider_dir} (known: {}); rename it, or add the scenario to xtask/src/scenarios.rs",
                scenario.scenario,
                if known.is_empty() { "none".to_owned() } else { known.join(", ") }
            ));
        }
    }
    let hint = fix_hint(provider_dir, &scenario.scenario);
    for (index, exchange) in scenario.exchanges.iter().enumerate() {
        for finding in scan_exchange(exchange) {
            problems.push(format!("exchange #{}: {finding}; {hint}", index + 1));
        }
    }
    problems
}

/// Every secret or real e-mail in one exchange, as "where: what" sentences.
pub fn scan_exchange(exchange: &Exchange) -> Vec<String> {
    let mut findings = Vec::new();
    let request = &exchange.request;
    scan_value("request path", None, &request.path, &mut findings);
    for (name, value) in &request.query {
        scan_value(
            &format!("request query parameter `{name}`"),
            Some(name),
            value,
            &mut findings,
        );
    }
    for (name, value) in &request.headers {
        scan_value(
            &format!("request header `{name}`"),
            Some(name),
            value,
            &mut findings,
        );
    }
    if let Some(body) = &request.body {
        match serde_json::to_string(body) {
            Ok(text) => scan_json("request body", &text, &mut findings),
            Err(e) => findings.push(format!("request body cannot be serialized ({e})")),
        }
    }
    if let Some(text) = &request.body_text {
        scan_value("request body text", None, text, &mut findings);
    }
    let response = &exchange.response;
    for (name, value) in &response.headers {
        scan_value(
            &format!("response header `{name}`"),
            Some(name),
            value,
            &mut findings,
        );
    }
    if let Some(body) = &response.body {
        scan_json("response body", body.get(), &mut findings);
    }
    if let Some(text) = &response.body_text {
        scan_value("response body text", None, text, &mut findings);
    }
    findings
}

fn scan_json(place: &str, text: &str, findings: &mut Vec<String>) {
    let result = visit_strings(text, &mut |path, value| {
        let key = match path.last() {
            Some(Seg::Key(k)) => Some(k.as_str()),
            _ => None,
        };
        scan_value(
            &format!("{place} at {}", display_path(path)),
            key,
            value,
            findings,
        );
    });
    if let Err(e) = result {
        findings.push(format!("{place} cannot be scanned: {e}"));
    }
}

/// Strips an authorization scheme (`Bearer `, `Basic `, `Token `, a provider's own) from a value.
fn without_scheme(value: &str) -> &str {
    let trimmed = value.trim();
    match trimmed.split_once(' ') {
        Some((scheme, rest))
            if ["basic", "token"]
                .iter()
                .any(|s| s.eq_ignore_ascii_case(scheme))
                || text::auth_schemes().any(|s| s.trim_end().eq_ignore_ascii_case(scheme)) =>
        {
            rest.trim()
        }
        _ => trimmed,
    }
}

/// Checks one string. Secrets are never echoed: messages give their kind and length only.
fn scan_value(place: &str, key: Option<&str>, value: &str, findings: &mut Vec<String>) {
    if let Some(key) = key.filter(|k| text::is_secret_key(k)) {
        let secret = without_scheme(value);
        if secret.len() >= SECRET_MIN_LEN && !text::is_placeholder(secret) {
            findings.push(format!(
                "{place} holds a secret-looking `{key}` value ({} characters)",
                secret.len()
            ));
            return;
        }
    }
    for m in text::find_secrets(value) {
        let token = &value[m.range.clone()];
        let long_enough =
            m.kind != text::SecretKind::AuthorizationToken || token.len() >= SECRET_MIN_LEN;
        if long_enough && !text::is_placeholder(token) {
            findings.push(format!(
                "{place} holds what looks like {} ({} characters)",
                m.kind.describe(),
                token.len()
            ));
        }
    }
    for m in text::find_emails(value) {
        if !text::is_reserved_domain(&m.domain) {
            findings.push(format!(
                "{place} has a real-looking e-mail domain `{}`",
                m.domain
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(provider: &str, scenario: &str, source: &str, body: &str) -> String {
        format!(
            r#"{{"provider":"{provider}","scenario":"{scenario}","source":"{source}",
              "exchanges":[{{"request":{{"method":"GET","path":"/x","headers":{{"Authorization":"Bearer test-access-token"}}}},
                             "response":{{"status":200,"body":{body}}}}}]}}"#
        )
    }

    #[test]
    fn a_clean_fixture_passes() {
        let text = fixture(
            "salesforce",
            "three_pages",
            "hand-written",
            r#"{"Email":"a@example.com","id":"00Q1"}"#,
        );
        assert_eq!(
            check_fixture("salesforce", "three_pages", &text),
            Vec::<String>::new()
        );
    }

    #[test]
    fn real_emails_and_secrets_are_reported_with_their_place() {
        let body = r#"{"records":[{"Email":"ada@gmail.com"}],"access_token":"00D5g000004ABCD!AQ8AQJjKsZ0123456789abcdefghij"}"#;
        let text = fixture("salesforce", "recorded_three_pages", "recorded", body);
        let problems = check_fixture("salesforce", "recorded_three_pages", &text);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert_eq!(
            problems[0],
            "exchange #1: response body at $.records[0].Email has a real-looking e-mail domain \
             `gmail.com`; run `cargo xtask fixtures record --provider salesforce --scenario three_pages` and commit"
        );
        assert!(problems[1].contains("$.access_token holds a secret-looking `access_token`"));
        assert!(
            !problems.iter().any(|p| p.contains("AQ8AQ")),
            "a secret was echoed"
        );
    }

    #[test]
    fn structure_problems() {
        let text = fixture("zoho", "Other Name", "  ", "{}");
        let problems = check_fixture("pipedrive", "first", &text);
        assert!(
            problems.iter().any(|p| p.contains("empty `source`")),
            "{problems:#?}"
        );
        assert!(problems
            .iter()
            .any(|p| p.contains("its \"provider\" is `zoho`")));
        assert!(problems
            .iter()
            .any(|p| p.contains("differs from its \"scenario\"")));
        assert!(problems.iter().any(|p| p.contains("not snake_case")));

        let unknown = fixture("zoho", "recorded_nope", "x", "{}");
        let problems = check_fixture("zoho", "recorded_nope", &unknown);
        assert!(
            problems[0].contains("does not know for zoho"),
            "{problems:#?}"
        );

        let problems = check_fixture("nowhere", "x", "{not json");
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[1].contains("does not parse"));
    }

    #[test]
    fn placeholders_and_short_values_pass() {
        let mut findings = Vec::new();
        scan_value(
            "h",
            Some("authorization"),
            "Bearer test-access-token",
            &mut findings,
        );
        scan_value("h", Some("x-api-token"), "short", &mut findings);
        scan_value("b", Some("api_key"), "[scrubbed]", &mut findings);
        scan_value("b", None, "AKIAIOSFODNN7EXAMPLE", &mut findings);
        scan_value("b", None, "Zoho-oauthtoken sim-zoho-token", &mut findings);
        assert_eq!(findings, Vec::<String>::new());
        scan_value(
            "h",
            Some("authorization"),
            "Zoho-oauthtoken 1000.8cb99d0f1d0a8e0b2c.f34ab9de77",
            &mut findings,
        );
        scan_value("b", None, "Bearer 0123456789abcdef0123", &mut findings);
        assert_eq!(findings.len(), 2, "{findings:#?}");
    }
}
