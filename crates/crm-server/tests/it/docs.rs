//! The README's "Filters by provider" table must say what the connectors declare: the docs read
//! the capabilities, they do not restate them by hand and drift.

use crm_core::{FilterKey, Provider};

const README: &str = include_str!("../../../../README.md");

/// The README row label of each filter (the query syntax it shows first).
fn filter_of(label: &str) -> Option<FilterKey> {
    let syntax = label.trim().trim_matches('`');
    let syntax = syntax
        .split(" / ")
        .next()
        .unwrap_or(syntax)
        .trim_matches('`');
    FilterKey::ALL
        .into_iter()
        .find(|k| k.query_syntax() == syntax || k.as_str() == syntax)
}

#[test]
fn readme_filter_table_matches_every_connectors_capabilities() {
    let table_start = README
        .find("### Filters by provider")
        .expect("README has the filter table");
    let rows: Vec<&str> = README[table_start..]
        .lines()
        .skip_while(|l| !l.starts_with("| filter |"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    let header: Vec<&str> = rows[0]
        .split('|')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let providers: Vec<Provider> = header[1..]
        .iter()
        .map(|name| {
            crate::support::ALL_PROVIDERS
                .into_iter()
                .find(|p| p.display_name() == *name)
                .unwrap_or_else(|| panic!("unknown provider column {name}"))
        })
        .collect();
    let mut seen = Vec::new();
    for row in &rows[2..] {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let cells = &cells[1..cells.len() - 1];
        let key = filter_of(cells[0]).unwrap_or_else(|| panic!("unknown filter row {}", cells[0]));
        seen.push(key);
        for (provider, cell) in providers.iter().zip(&cells[1..]) {
            let caps = crm_server::connectors::all_capabilities()
                .into_iter()
                .find(|c| c.provider == *provider)
                .expect("a connector per provider");
            let documented = *cell != "–";
            let declared = caps.filter(key).is_some();
            assert_eq!(
                documented,
                declared,
                "README says {} {} `{}`, but its connector {} it",
                provider,
                if documented {
                    "supports"
                } else {
                    "does not support"
                },
                key,
                if declared {
                    "declares"
                } else {
                    "does not declare"
                }
            );
        }
    }
    assert_eq!(
        seen,
        FilterKey::ALL.to_vec(),
        "the table lists every filter once, in order"
    );
}
