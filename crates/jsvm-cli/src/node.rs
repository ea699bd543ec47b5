//! `jsvm node`: a chain with IOST's HTTP API (crates/jsvm-node), a development chain or one
//! validator of a replicated chain, logging to stderr.

use std::path::{Path, PathBuf};
use std::time::Duration;

use jsvm_engine::EngineKind;
use jsvm_replication::engine::PeerAddress;
use jsvm_replication::Genesis;
use jsvm_tx::Algorithm;

use crate::args::NodeArgs;
use crate::commands::{CmdResult, Outcome};
use crate::key::read_key_file;
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
    let validator = args.validator_key.as_deref().map(|key| validator_setup(key, &args)).transpose()?;
    if args.admin_key.is_none() && validator.is_none() {
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
    config.validator = validator;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the node's runtime: {e}"))?;
    runtime.block_on(jsvm_node::run(config)).map_err(|e| e.to_string())?;
    Ok(Outcome::Success)
}

/// A validator's key, genesis and peers, read and checked.
fn validator_setup(key_file: &Path, args: &NodeArgs) -> Result<jsvm_node::ValidatorSetup, String> {
    let key = read_key_file(key_file)?;
    if key.algorithm() != Algorithm::Ed25519 {
        return Err(format!("{}: a validator key is an ed25519 key", key_file.display()));
    }
    let secret = bs58::decode(key.secret_key_b58()).into_vec().map_err(|e| e.to_string())?;
    let seed: [u8; 32] = secret.get(..32).and_then(|s| s.try_into().ok()).ok_or("the ed25519 secret is too short")?;
    let path = args.genesis.as_deref().ok_or("--validator-key needs --genesis FILE")?;
    let genesis = Genesis::read(path)?
        .ok_or_else(|| format!("cannot read the genesis file {}: there is none", path.display()))?;
    let peers = args
        .peers
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| PeerAddress::parse(p.trim(), &genesis))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(jsvm_node::ValidatorSetup { genesis, seed, p2p: args.p2p, peers })
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
