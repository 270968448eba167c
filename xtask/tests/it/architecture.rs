//! The architecture invariants of ARCHITECTURE.md, checked from `cargo metadata` and the source
//! tree, so that breaking one fails `cargo test` with a message that says what to do.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace root")
        .to_path_buf()
}

fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

/// A workspace package's dependencies on other crates: (name, kind, optional).
fn deps(meta: &Value, package: &str) -> Vec<(String, Option<String>, bool)> {
    let pkg = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == package)
        .unwrap_or_else(|| panic!("no package {package}"));
    pkg["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_owned(),
                d["kind"].as_str().map(str::to_owned),
                d["optional"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

fn normal(deps: &[(String, Option<String>, bool)]) -> Vec<&str> {
    deps.iter()
        .filter(|(_, kind, _)| kind.is_none())
        .map(|(n, _, _)| n.as_str())
        .collect()
}

/// The provider crates: what the registry depends on, besides crm-core.
fn provider_crates(meta: &Value) -> Vec<String> {
    deps(meta, "crm-providers")
        .into_iter()
        .filter(|(n, kind, _)| n.starts_with("crm-") && n != "crm-core" && kind.is_none())
        .map(|(n, _, _)| n)
        .collect()
}

#[test]
fn crm_core_knows_no_provider_server_or_database() {
    let meta = metadata();
    for dep in normal(&deps(&meta, "crm-core")) {
        assert!(
            !dep.starts_with("crm-") && !["axum", "sqlx", "hyper"].contains(&dep),
            "crm-core depends on `{dep}`: the core must know no provider, HTTP server or database; move that code out of crm-core"
        );
    }
}

#[test]
fn a_provider_crate_depends_on_crm_core_only() {
    let meta = metadata();
    let providers = provider_crates(&meta);
    assert_eq!(
        providers.len(),
        crm_providers::all().len(),
        "every provider of the registry is a crate it depends on"
    );
    for krate in &providers {
        for (dep, kind, _) in deps(&meta, krate) {
            if !dep.starts_with("crm-") {
                continue;
            }
            let allowed =
                dep == "crm-core" || (dep == "crm-testkit" && kind.as_deref() == Some("dev"));
            assert!(
                allowed,
                "{krate} depends on `{dep}` ({kind:?}): a provider crate may depend on crm-core, and on crm-testkit as a dev-dependency, nothing else of the workspace"
            );
        }
    }
}

#[test]
fn crm_server_reaches_the_simulators_only_through_the_sandbox_feature() {
    let meta = metadata();
    let server = deps(&meta, "crm-server");
    let sim = server
        .iter()
        .find(|(n, kind, _)| n == "crm-sim" && kind.is_none())
        .expect("crm-server has crm-sim for its sandbox");
    assert!(
        sim.2,
        "crm-sim must be an optional dependency of crm-server, enabled by its `sandbox` feature"
    );
    let pkg = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "crm-server")
        .unwrap();
    let sandbox: Vec<&str> = pkg["features"]["sandbox"]
        .as_array()
        .expect("crm-server has a `sandbox` feature")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(sandbox, ["dep:crm-sim"]);
    for provider in provider_crates(&meta) {
        assert!(
            !normal(&server).contains(&provider.as_str()),
            "crm-server depends on {provider} directly; it must reach providers through crm-providers"
        );
    }
}

/// Source lines (not comments, not `#[cfg(test)]` modules) naming a provider.
fn naming_lines(dir: &Path, names: &[String], found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            naming_lines(&path, names, found);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with("//") {
                continue;
            }
            let lower = t.to_ascii_lowercase();
            if names.iter().any(|name| lower.contains(name.as_str())) {
                found.push(format!("{}:{}: {}", path.display(), n + 1, t));
            }
        }
    }
}

#[test]
fn code_outside_the_provider_crates_and_the_registry_names_no_provider() {
    let mut names: BTreeSet<String> = BTreeSet::new();
    for d in crm_providers::all() {
        names.insert(d.provider.as_str().to_owned());
        names.insert(d.provider.display_name().to_ascii_lowercase());
    }
    let names: Vec<String> = names.into_iter().collect();
    let mut found = Vec::new();
    for dir in ["crates/crm-core/src", "crates/crm-server/src", "xtask/src"] {
        naming_lines(&root().join(dir), &names, &mut found);
    }
    assert!(
        found.is_empty(),
        "code outside the provider crates names a provider; read it from the provider's descriptor (crm-providers) instead:\n{}",
        found.join("\n")
    );
}
