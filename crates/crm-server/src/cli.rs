//! The command line: `crm-server [serve] [--sandbox] ...` and `crm-server accounts add|list|remove|import`.

use crate::app::{self, AppState, DEFAULT_REQUEST_TIMEOUT};
use crate::auth::{Auth, DEFAULT_TENANT, SANDBOX_TENANT};
use crate::connectors::ProviderFactory;
use crate::registry::ConnectorFactory;
use crate::sandbox::{self, Sandbox};
use crate::serve::{
    self, ConnLimits, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
};
use crate::store::{self, Account, AccountsFile, Store};
use clap::{Args, Parser, Subcommand};
use crm_core::{CursorCodec, Provider};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::future::Future;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The default database: an SQLite file in the working directory.
pub const DEFAULT_DATABASE: &str = "sqlite://crm-leads.db";

/// The default listen address (sandbox too).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Parser, Debug)]
#[command(
    name = "crm-server",
    version,
    about = "Unified CRM leads API: GET /unified/crm/leads over the connected accounts of every CRM this build includes.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Serve (the default when no subcommand is given).
    #[command(flatten)]
    pub serve: ServeArgs,

    /// The account store: sqlite://FILE (created if missing), sqlite::memory:, or postgres://USER:PASSWORD@HOST:PORT/DB.
    #[arg(long, global = true, env = "CRM_DATABASE_URL", default_value = DEFAULT_DATABASE, hide_env_values = true)]
    pub database: String,

    /// Log format on stderr (filter with RUST_LOG, default info).
    #[arg(
        long,
        global = true,
        value_enum,
        env = "CRM_LOG_FORMAT",
        default_value = "text"
    )]
    pub log_format: crate::telemetry::LogFormat,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve(ServeArgs),
    /// Manage connected accounts in the store.
    #[command(subcommand)]
    Accounts(AccountsCommand),
}

fn parse_secret(s: &str) -> Result<SecretString, String> {
    if s.trim().is_empty() {
        Err("must not be empty".to_owned())
    } else {
        Ok(SecretString::from(s.trim().to_owned()))
    }
}

#[derive(Args, Clone)]
pub struct ServeArgs {
    /// Address to listen on. The sandbox accepts loopback addresses only.
    #[arg(long, env = "CRM_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,

    /// Run offline with in-process simulators of every provider, an in-memory store and one
    /// sandbox account per provider; no API key needed (loopback only).
    #[arg(long)]
    pub sandbox: bool,

    /// Import accounts (and tenants with their API keys) from a TOML file on start.
    #[arg(long, value_name = "FILE", env = "CRM_ACCOUNTS_FILE")]
    pub accounts: Option<PathBuf>,

    /// An API key callers send as `Authorization: Bearer <key>` (repeatable; CRM_API_KEYS takes a
    /// comma-separated list). These keys belong to the tenant `default`.
    #[arg(long = "api-key", value_name = "KEY", env = "CRM_API_KEYS", value_delimiter = ',', value_parser = parse_secret, hide_env_values = true)]
    pub api_keys: Vec<SecretString>,

    /// The secret that signs cursors. Without it, one is generated on first run and kept in the store.
    #[arg(long, value_name = "SECRET", env = "CRM_CURSOR_SECRET", value_parser = parse_secret, hide_env_values = true)]
    pub cursor_secret: Option<SecretString>,

    /// Limit on one request's total time, in seconds (504 after it).
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_REQUEST_TIMEOUT.as_secs())]
    pub request_timeout: u64,

    /// Seconds a client has to send a complete request head, counted from the connection's accept
    /// (first request) or from the request's first byte (later ones): 408 after it.
    #[arg(long, value_name = "SECONDS", env = "CRM_HEADER_READ_TIMEOUT", default_value_t = DEFAULT_HEADER_READ_TIMEOUT.as_secs())]
    pub header_read_timeout: u64,

    /// Seconds a kept-alive connection may wait for its next request before it is closed.
    #[arg(long, value_name = "SECONDS", env = "CRM_IDLE_TIMEOUT", default_value_t = DEFAULT_IDLE_TIMEOUT.as_secs())]
    pub idle_timeout: u64,

    /// Connections served at once; further ones wait in the listen backlog until one closes.
    #[arg(long, value_name = "N", env = "CRM_MAX_CONNECTIONS", default_value_t = DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: u32,
}

impl fmt::Debug for ServeArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServeArgs")
            .field("listen", &self.listen)
            .field("sandbox", &self.sandbox)
            .field("accounts", &self.accounts)
            .field("api_keys", &self.api_keys.len())
            .field(
                "cursor_secret",
                &self.cursor_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("request_timeout", &self.request_timeout)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

#[derive(Subcommand, Debug)]
pub enum AccountsCommand {
    /// Add (or replace) an account. Credentials are read as TOML (`access_token = "..."`) from
    /// --credentials FILE, or from standard input with `--credentials -`, never from the command line.
    Add(AddArgs),
    /// List accounts: id, tenant, provider, base URL and which credentials are set (never their values).
    List,
    /// Remove an account.
    Remove {
        /// The account's uuid.
        id: Uuid,
    },
    /// Import tenants, API keys and accounts from a TOML file (the README's accounts-file shape).
    Import {
        /// The accounts file.
        file: PathBuf,
    },
}

fn parse_provider(id: &str) -> Result<Provider, String> {
    crm_providers::lookup(id)
        .map(|d| d.provider)
        .map_err(|e| e.to_string())
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// The provider's id, e.g. `salesforce` (an unknown id is refused with this build's list).
    #[arg(long, value_parser = parse_provider)]
    pub provider: Provider,
    /// The account's base URL (Salesforce instance_url, Pipedrive or Zoho api_domain, ...).
    #[arg(long)]
    pub base_url: String,
    /// The account's uuid (a new one when omitted).
    #[arg(long)]
    pub id: Option<Uuid>,
    /// The tenant whose API keys may use the account.
    #[arg(long, default_value = DEFAULT_TENANT)]
    pub tenant: String,
    /// The provider API version, when not the connector's default.
    #[arg(long)]
    pub api_version: Option<String>,
    /// A TOML file with the credentials, or `-` for standard input.
    #[arg(long, value_name = "FILE")]
    pub credentials: PathBuf,
}

/// A command-line failure, printed as `crm-server: <message>`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CliError(pub String);

impl From<store::StoreError> for CliError {
    fn from(e: store::StoreError) -> Self {
        CliError(e.to_string())
    }
}

impl From<store::FileError> for CliError {
    fn from(e: store::FileError) -> Self {
        CliError(e.to_string())
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError(e.to_string())
    }
}

/// Runs the parsed command line. Command output goes to `out`; logs go to stderr.
pub async fn run(cli: Cli, out: &mut (dyn Write + Send)) -> Result<(), CliError> {
    match cli.command {
        Some(Command::Accounts(cmd)) => accounts(cmd, &cli.database, out).await,
        Some(Command::Serve(args)) => {
            let server = prepare(&args, &cli.database).await?;
            server.run(out, app::shutdown_signal()).await
        }
        None => {
            let server = prepare(&cli.serve, &cli.database).await?;
            server.run(out, app::shutdown_signal()).await
        }
    }
}

/// A server ready to bind: its state, address, connection limits and (in sandbox mode) the
/// simulators.
#[derive(Debug)]
pub struct Server {
    pub state: AppState,
    pub listen: SocketAddr,
    pub limits: ConnLimits,
    pub sandbox: Option<Sandbox>,
}

/// Checks the configuration, opens and migrates the store, imports accounts, sets up auth and the
/// cursor secret. Everything that can refuse to start refuses here, before binding.
pub async fn prepare(args: &ServeArgs, database: &str) -> Result<Server, CliError> {
    prepare_with(args, database, |store| {
        Arc::new(ProviderFactory::new(store.clone()))
    })
    .await
}

/// [`prepare`] with another connector factory (tests), made once the store is open.
pub async fn prepare_with(
    args: &ServeArgs,
    database: &str,
    make_factory: impl FnOnce(&Store) -> Arc<dyn ConnectorFactory>,
) -> Result<Server, CliError> {
    for (flag, value) in [
        ("--request-timeout", args.request_timeout),
        ("--header-read-timeout", args.header_read_timeout),
        ("--idle-timeout", args.idle_timeout),
    ] {
        if value == 0 {
            return Err(CliError(format!("{flag} must be at least 1 second")));
        }
    }
    if args.max_connections == 0 {
        return Err(CliError("--max-connections must be at least 1".into()));
    }
    let (store, factory, auth, sandbox) = if args.sandbox {
        if !args.listen.ip().is_loopback() {
            return Err(CliError(format!(
                "refusing to start: --sandbox serves without API keys and listens on loopback only, but --listen is {}; use 127.0.0.1:PORT",
                args.listen
            )));
        }
        if !args.api_keys.is_empty() {
            tracing::warn!("--sandbox needs no API key: --api-key is ignored");
        }
        let store = Store::in_memory().await?;
        let factory = make_factory(&store);
        let sandbox = sandbox::start(&store, factory.as_ref())
            .await
            .map_err(|e| CliError(format!("cannot start the sandbox simulators: {e}")))?;
        (store, factory, Auth::open(SANDBOX_TENANT), Some(sandbox))
    } else {
        let store = Store::open(database).await.map_err(|e| {
            CliError(format!(
                "cannot open the account store {}: {e}",
                store::redact_url(database)
            ))
        })?;
        store
            .check_providers()
            .await
            .map_err(|e| CliError(format!("refusing to start: {e}")))?;
        let factory = make_factory(&store);
        (
            store,
            factory,
            Auth::keys(DEFAULT_TENANT, &args.api_keys),
            None,
        )
    };
    if let Some(path) = &args.accounts {
        let file = AccountsFile::read(path)?;
        check_buildable(&file.accounts, factory.as_ref())?;
        warn_ignored(&file);
        let summary = store.import(&file).await?;
        tracing::info!(
            tenants = summary.tenants,
            api_keys = summary.api_keys,
            accounts = summary.accounts,
            "imported the accounts file"
        );
    }
    if !args.sandbox && auth.configured_key_count() == 0 && store.api_key_count().await? == 0 {
        return Err(CliError(
            "refusing to start: no API key is configured, so no caller could authenticate. Give one with --api-key KEY (or CRM_API_KEYS=key1,key2), or import an accounts file whose [[tenant]] lists api_keys; to try the API locally without keys, run `crm-server --sandbox`".into(),
        ));
    }
    let secret = match &args.cursor_secret {
        Some(s) if s.expose_secret().len() < 16 => {
            return Err(CliError(
                "--cursor-secret must be at least 16 characters long".into(),
            ))
        }
        Some(s) => s.expose_secret().as_bytes().to_vec(),
        None => store.cursor_secret().await?,
    };
    let state = AppState::new(store, factory, CursorCodec::new(secret), auth)
        .with_request_timeout(Duration::from_secs(args.request_timeout));
    let limits = ConnLimits {
        header_read_timeout: Duration::from_secs(args.header_read_timeout),
        idle_timeout: Duration::from_secs(args.idle_timeout),
        max_connections: args.max_connections,
    };
    Ok(Server {
        state,
        listen: args.listen,
        limits,
        sandbox,
    })
}

impl Server {
    /// Binds, prints where it listens (and the sandbox's example requests), serves until
    /// `shutdown`, then stops the simulators.
    pub async fn run(
        self,
        out: &mut (dyn Write + Send),
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), CliError> {
        let listener = tokio::net::TcpListener::bind(self.listen)
            .await
            .map_err(|e| CliError(format!("cannot listen on {}: {e}", self.listen)))?;
        let addr = listener.local_addr()?;
        tracing::info!(%addr, sandbox = self.sandbox.is_some(), "listening");
        if let Some(sandbox) = &self.sandbox {
            writeln!(out, "{}", sandbox.banner(addr))?;
        } else {
            writeln!(out, "crm-server listening on http://{addr}")?;
        }
        out.flush()?;
        serve::serve(listener, app::router(self.state), self.limits, shutdown).await?;
        tracing::info!("no request in flight");
        if let Some(sandbox) = self.sandbox {
            sandbox.shutdown().await;
            tracing::info!("simulators stopped");
        }
        tracing::info!("stopped");
        Ok(())
    }
}

fn check_buildable(accounts: &[Account], factory: &dyn ConnectorFactory) -> Result<(), CliError> {
    for account in accounts {
        factory.build(account).map_err(|e| {
            CliError(format!(
                "account {}: its settings are not usable: {e}",
                account.id
            ))
        })?;
    }
    Ok(())
}

fn warn_ignored(file: &AccountsFile) {
    for key in &file.ignored_keys {
        tracing::warn!(key = %key, "ignored an unknown credential key in the accounts file");
    }
}

/// The `accounts` subcommands.
pub async fn accounts(
    cmd: AccountsCommand,
    database: &str,
    out: &mut (dyn Write + Send),
) -> Result<(), CliError> {
    let store = Store::open(database).await.map_err(|e| {
        CliError(format!(
            "cannot open the account store {}: {e}",
            store::redact_url(database)
        ))
    })?;
    let factory = ProviderFactory::new(store.clone());
    match cmd {
        AccountsCommand::List => {
            let accounts = store.accounts().await?;
            if accounts.is_empty() {
                writeln!(out, "no accounts")?;
                return Ok(());
            }
            writeln!(
                out,
                "{:<36}  {:<12}  {:<10}  {:<40}  {:<20}  credentials",
                "id", "tenant", "provider", "base_url", "expires_at"
            )?;
            for a in accounts {
                writeln!(
                    out,
                    "{:<36}  {:<12}  {:<10}  {:<40}  {:<20}  {}",
                    a.id,
                    a.tenant,
                    a.provider.as_str(),
                    a.base_url,
                    a.expires_at_text().unwrap_or_else(|| "-".into()),
                    a.credentials.kinds().join(",")
                )?;
            }
        }
        AccountsCommand::Remove { id } => {
            if store.remove_account(id).await? {
                writeln!(out, "removed account {id}")?;
            } else {
                return Err(CliError(format!("no account {id}")));
            }
        }
        AccountsCommand::Import { file } => {
            let file = AccountsFile::read(&file)?;
            check_buildable(&file.accounts, &factory)?;
            warn_ignored(&file);
            let s = store.import(&file).await?;
            writeln!(
                out,
                "imported {} tenant(s) with {} API key(s) and {} account(s)",
                s.tenants, s.api_keys, s.accounts
            )?;
        }
        AccountsCommand::Add(args) => {
            let text = if args.credentials.as_os_str() == "-" {
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text)?;
                text
            } else {
                std::fs::read_to_string(&args.credentials).map_err(|e| {
                    CliError(format!("cannot read {}: {e}", args.credentials.display()))
                })?
            };
            let (credentials, expires_at) = store::parse_credentials(&text)?;
            let mut account = Account::new(
                args.id.unwrap_or_else(Uuid::new_v4),
                args.tenant,
                args.provider,
                args.base_url.trim_end_matches('/'),
                credentials,
            );
            account.expires_at = expires_at;
            account.api_version = args.api_version;
            account.validate().map_err(CliError)?;
            check_buildable(std::slice::from_ref(&account), &factory)?;
            store.put_account(&account).await?;
            writeln!(
                out,
                "stored {} account {} for tenant {} (credentials: {})",
                account.provider.as_str(),
                account.id,
                account.tenant,
                account.credentials.kinds().join(",")
            )?;
        }
    }
    Ok(())
}
