//! The `crm-server` binary: see `crm-server --help`.

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = crm_server::cli::Cli::parse();
    crm_server::telemetry::init(cli.log_format);
    let mut out = std::io::stdout();
    match crm_server::cli::run(cli, &mut out).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crm-server: {e}");
            ExitCode::FAILURE
        }
    }
}
