//! The command line: `cargo xtask fixtures record|check|scenarios|rules`.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::{check, scenarios, scrub};

/// Project maintenance tasks for the CRM leads workspace.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Record, check and list provider fixtures.
    #[command(subcommand)]
    Fixtures(Fixtures),
}

#[derive(Debug, Subcommand)]
pub enum Fixtures {
    /// Record scenarios from live provider accounts (credentials from CRM_RECORD_* variables)
    /// through a scrubbing proxy, verify that each replays, and write them as fixtures.
    Record(RecordArgs),
    /// Check every fixture offline: parses, has a source, known name, no secrets or real e-mails.
    Check {
        /// The fixtures directory (default: the workspace's `fixtures/`).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// List the recording scenarios of each provider.
    Scenarios,
    /// List the scrubber's per-provider field rules (JSONPath).
    Rules,
}

#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// Only these providers (repeatable; default: every provider whose credentials are set).
    #[arg(long = "provider", value_name = "PROVIDER")]
    pub providers: Vec<String>,
    /// Only these scenarios (repeatable; names from `cargo xtask fixtures scenarios`).
    #[arg(long = "scenario", value_name = "SCENARIO")]
    pub scenarios: Vec<String>,
    /// Where to write (default: the workspace's `fixtures/`); files go to `<out>/<provider>/`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write fixtures even when replaying them does not reproduce the live run.
    #[arg(long)]
    pub no_verify: bool,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Fixtures(Fixtures::Check { dir }) => run_check(dir),
        Command::Fixtures(Fixtures::Scenarios) => list_scenarios(),
        Command::Fixtures(Fixtures::Rules) => list_rules(),
        Command::Fixtures(Fixtures::Record(args)) => crate::record::run_cli(args),
    }
}

fn run_check(dir: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let dir = dir.unwrap_or_else(crm_testkit::fixtures_dir);
    let report = check::check_dir(&dir)
        .with_context(|| format!("cannot read the fixtures directory {}", dir.display()))?;
    for problem in &report.problems {
        eprintln!("{problem}");
    }
    if report.is_clean() {
        eprintln!("fixtures check: {} fixtures, all clean", report.files);
        Ok(ExitCode::SUCCESS)
    } else {
        let files: std::collections::BTreeSet<&str> =
            report.problems.iter().map(|p| p.file.as_str()).collect();
        eprintln!(
            "fixtures check: {} problem(s) in {} of {} fixtures",
            report.problems.len(),
            files.len(),
            report.files
        );
        Ok(ExitCode::FAILURE)
    }
}

fn list_scenarios() -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    for provider in scenarios::providers() {
        writeln!(out, "{provider}")?;
        for s in scenarios::for_provider(provider) {
            writeln!(out, "  {:<20} {}", s.name, s.about)?;
            writeln!(out, "  {:<20} query: {}  (pages: {})", "", s.query, s.pages)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn list_rules() -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    for (provider, kind, expression) in scrub::rules::rules_table() {
        writeln!(out, "{provider:<11} {:<13} {expression}", kind.as_str())?;
    }
    Ok(ExitCode::SUCCESS)
}
