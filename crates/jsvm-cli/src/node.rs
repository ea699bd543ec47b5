//! `jsvm node`: the development chain with IOST's HTTP API (crates/jsvm-node), logging to stderr.

use std::path::PathBuf;
use std::time::Duration;

use jsvm_engine::EngineKind;

use crate::args::NodeArgs;
use crate::commands::{CmdResult, Outcome};
use crate::output::out;

const NS_PER_SEC: i64 = 1_000_000_000;

pub(crate) fn run(args: NodeArgs, data: PathBuf, engine: EngineKind) -> CmdResult {
    // RUST_LOG chooses what is logged; by default the node's own information and above.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let colors = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt().with_writer(std::io::stderr).with_ansi(colors).with_env_filter(filter).init();
    let time_offset_ns = match args.time_offset {
        Some(seconds) => seconds.checked_mul(NS_PER_SEC).ok_or("--time-offset is out of range")?,
        None => 0,
    };
    if args.admin_key.is_none() {
        print_development_key(&args)?;
    }
    let mut config = jsvm_node::NodeConfig::new(data);
    config.http = args.http;
    config.block_time = Duration::from_millis(args.block_time);
    config.chain_id = args.chain_id;
    config.admin_key = args.admin_key;
    config.time_offset_ns = time_offset_ns;
    config.genesis_time_ns = args.genesis_time;
    config.vm.engine = engine;
    config.vm.exec = args.exec;
    if let Some(workers) = args.workers {
        config.vm.workers = workers;
    }
    if let Some(witness) = args.witness {
        config.witness = witness;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the node's runtime: {e}"))?;
    runtime.block_on(jsvm_node::run(config)).map_err(|e| e.to_string())?;
    Ok(Outcome::Success)
}

/// Says loudly that `admin` holds a key whose secret anyone can read, and how to use it.
fn print_development_key(args: &NodeArgs) -> Result<(), String> {
    let jsvm = std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_else(|_| "jsvm".into());
    let rule = "=".repeat(100);
    out!("{rule}")?;
    out!("DEVELOPMENT KEY: no --admin-key was given, so a new chain's `admin` gets this well-known key pair.")?;
    out!("Anyone can sign for `admin` with it: never use it for anything of value. (A chain that already")?;
    out!("exists in the data directory keeps the key it was created with.)")?;
    out!("")?;
    out!("  account      admin")?;
    out!("  public key   {}", jsvm_node::DEV_ADMIN_PUBLIC_B58)?;
    out!("  secret key   {}", jsvm_node::DEV_ADMIN_SECRET_B58)?;
    out!("")?;
    out!("A first signed call, from another shell in the jsvm checkout:")?;
    out!("  echo {} > admin.key", jsvm_node::DEV_ADMIN_SECRET_B58)?;
    // Port 0: the port is known once the node listens (its line below says it).
    let url = if args.http.port() == 0 { "http://ADDRESS".to_string() } else { format!("http://{}", args.http) };
    out!("  {jsvm} deploy examples/hello/hello.js --node {url} --account admin --key admin.key")?;
    out!("{rule}")
}
