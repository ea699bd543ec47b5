use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A virtual machine for JavaScript smart contracts.
#[derive(Parser, Debug)]
#[command(
    name = "jsvm",
    version,
    about,
    after_help = "Exit codes: 0 done (a transaction run succeeded); 1 a transaction ran but did not succeed \
                  (its receipt is printed), or a replayed block differs; 2 the command could not run (the reason \
                  is on stderr)."
)]
pub(crate) struct Cli {
    /// Data directory (RocksDB). Default: $JSVM_DATA, else ./jsvm-data.
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// JavaScript engine contracts run on: quickjs or v8 (v8 needs a build with the `v8`
    /// feature). Default: $JSVM_ENGINE, else quickjs.
    #[arg(long, global = true, value_name = "ENGINE")]
    pub engine: Option<jsvm_engine::EngineKind>,
    #[command(subcommand)]
    pub command: Command,
}

/// Who sends a transaction and what it may spend.
#[derive(Args, Debug, Clone)]
pub(crate) struct TxOpts {
    /// Account publishing the transaction (default: admin; with --node, --account publishes).
    #[arg(long)]
    pub publisher: Option<String>,
    /// An extra authorisation carried by the transaction, as NAME@PERM (repeatable).
    #[arg(long = "signer", value_name = "NAME@PERM")]
    pub signers: Vec<String>,
    /// Gas limit of the transaction, 1 to 4,000,000.
    #[arg(long, default_value_t = jsvm_vm::DEFAULT_GAS_LIMIT)]
    pub gas_limit: u64,
    /// The most of a token the transaction may move out of accounts, as TOKEN:AMOUNT
    /// (repeatable; `*` for any token, `unlimited` for no limit). Default: `*:unlimited`,
    /// as IOST's wallet does (the same default as a `tx` file without "amount_limit").
    #[arg(long = "amount-limit", value_name = "TOKEN:AMOUNT", value_parser = parse_amount_limit)]
    pub amount_limits: Vec<jsvm_vm::AmountLimit>,
}

fn parse_amount_limit(text: &str) -> Result<jsvm_vm::AmountLimit, String> {
    match text.split_once(':') {
        Some((token, val)) if !token.is_empty() && !val.is_empty() => {
            Ok(jsvm_vm::AmountLimit { token: token.into(), val: val.into() })
        }
        _ => Err(format!("'{text}' must look like TOKEN:AMOUNT, e.g. iost:100 or *:unlimited")),
    }
}

/// Where to send a transaction instead of running it on the data directory.
#[derive(Args, Debug, Clone)]
pub(crate) struct RemoteOpts {
    /// Send the transaction to the node at URL (http://HOST:PORT), signed, and print its
    /// receipt once it is on chain; needs --account and --key.
    #[arg(long, value_name = "URL", requires_all = ["account", "key"])]
    pub node: Option<String>,
    /// With --node: the account that publishes and signs the transaction.
    #[arg(long, value_name = "NAME", requires = "node")]
    pub account: Option<String>,
    /// With --node: the account's key, as `jsvm key new` prints it or the bare base58 secret.
    #[arg(long, value_name = "FILE", requires = "node")]
    pub key: Option<PathBuf>,
}

/// `CONTRACT METHOD [ARGS_JSON]`.
#[derive(Args, Debug, Clone)]
pub(crate) struct MethodCall {
    /// The contract's id: `Contract…` as its deploy returned it, or a native one such as token.iost.
    pub contract: String,
    /// The method to run, one of the contract's ABI.
    pub method: String,
    /// Arguments as a JSON array, one element per ABI argument, e.g. '["alice", "10"]'.
    #[arg(value_name = "ARGS_JSON", default_value = "[]")]
    pub args: String,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Pack a contract project (package.json, several files, npm packages) into one bundle
    /// file; prints a JSON summary (bundle path, modules, bytes, code hash).
    Pack {
        /// The project directory.
        dir: PathBuf,
        /// Where to write the bundle; default: DIR/contract.bundle.json.
        #[arg(short = 'o', long = "out", value_name = "BUNDLE")]
        out: Option<PathBuf>,
    },
    /// Deploy a contract (a .js file, a project directory, or a bundle from `jsvm pack`);
    /// prints the receipt, whose returns[0] is the contract id.
    Deploy {
        /// A contract file, a project directory, or a bundle file.
        file: PathBuf,
        /// ABI file; default: FILE with .abi in place of .js (a project's or bundle's own ABI).
        #[arg(long)]
        abi: Option<PathBuf>,
        #[command(flatten)]
        tx: TxOpts,
        #[command(flatten)]
        remote: RemoteOpts,
    },
    /// Replace a contract's code (its can_update(data) must return true).
    Update {
        /// The id of the contract to update (`Contract…`).
        contract: String,
        /// A contract file, a project directory, or a bundle file.
        file: PathBuf,
        /// ABI file; default: FILE with .abi in place of .js (a project's or bundle's own ABI).
        #[arg(long)]
        abi: Option<PathBuf>,
        /// The string handed to can_update.
        #[arg(long, default_value = "")]
        update_data: String,
        #[command(flatten)]
        tx: TxOpts,
        #[command(flatten)]
        remote: RemoteOpts,
    },
    /// Call a contract method in a transaction of its own.
    Call {
        #[command(flatten)]
        call: MethodCall,
        #[command(flatten)]
        tx: TxOpts,
        #[command(flatten)]
        remote: RemoteOpts,
    },
    /// Run a method read-only on the last committed state; commits nothing, so the receipt it
    /// prints has no tx_hash or block.
    Query {
        #[command(flatten)]
        call: MethodCall,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Execute one transaction with several actions, read from a JSON file.
    Tx {
        /// The transaction as JSON: {"actions": [{"contract": ID, "actionName": METHOD, "data": "<JSON
        /// array text>"}], "publisher": NAME, "signers": ["NAME@PERM"], "gas_limit": N, "time": NS,
        /// "amount_limit": [{"token": T, "val": AMOUNT}]}. Only "actions" and "publisher" are
        /// required; gas_limit defaults to 4,000,000, time to now, amount_limit to
        /// [{"token": "*", "val": "unlimited"}] ([] lets nothing leave an account). The actions run in
        /// order, all or nothing.
        file: PathBuf,
        #[command(flatten)]
        remote: RemoteOpts,
    },
    /// Read stored state.
    State {
        #[command(subcommand)]
        what: StateCmd,
    },
    /// Print a committed receipt by transaction hash (exit 1 when that transaction did not succeed).
    Receipt {
        /// The transaction's hash (base58), as its receipt's tx_hash shows it.
        tx_hash: String,
    },
    /// List the deployed contracts, one JSON object a line: id, owner, language, version,
    /// source_bytes, code_bytes, schedule_version, methods.
    Contracts,
    /// List the accounts, one JSON object a line ({"name"}), in the order they were made.
    Accounts,
    /// Show an account as JSON: its balances of every token, gas, RAM, and permissions with their
    /// keys, weights and thresholds.
    Account {
        /// The account's name.
        name: String,
    },
    /// Show a contract's ABI as JSON (with the modules of a packed project); --source adds its code.
    Abi {
        /// The contract's id (`Contract…`, or a native one such as token.iost).
        contract: String,
        /// Also print the code as deployed: "source" for a single file, each module's source for a
        /// packed project.
        #[arg(long)]
        source: bool,
    },
    /// Print the events of committed transactions, one JSON object a line, in chain order:
    /// {"block", "tx_hash", "contract", "content"}.
    Events(EventsArgs),
    /// Show what jsvm does on a new chain: in a temporary data directory, or in --data DIR (which must
    /// be new or empty), kept for the inspect commands.
    Demo,
    /// Run a development chain on the data directory with IOST's HTTP API (a new chain when
    /// the directory is empty, else continuing from its head).
    Node(NodeArgs),
    /// Re-execute the chain in --from DIR from its genesis into a new chain (--data NEWDIR, else a
    /// temporary one), checking each block's receipts and state root; prints blocks/s and tx/s, or
    /// exits 1 naming the first block, transaction and field that differ.
    #[command(long_about = crate::replay::LONG_ABOUT)]
    Replay(crate::replay::ReplayArgs),
    /// Run contract tests (*.test.js, *.test.ts) against an in-process chain; exit 0 all
    /// passed, 1 a test failed, 2 a file could not run. See docs/testing.md.
    Test(crate::test_cmd::TestArgs),
    /// Write the TypeScript declarations of contract globals and of the test API (jsvm.d.ts,
    /// jsvm-test.d.ts) into DIR.
    Types(crate::test_cmd::TypesArgs),
    /// Key pairs for signed transactions.
    Key {
        #[command(subcommand)]
        what: KeyCmd,
    },
}

/// `jsvm node`'s options (the data directory and engine are the global --data and --engine).
#[derive(Args, Debug)]
pub(crate) struct NodeArgs {
    /// Address of the HTTP API; port 0 picks a free one (the node prints where it listens).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:30001")]
    pub http: std::net::SocketAddr,
    /// 0: a block as soon as transactions wait; MS: one block every MS milliseconds when
    /// transactions wait.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub block_time: u64,
    /// Base58 public key (ed25519 or secp256k1) of the genesis account `admin`, used when
    /// the chain is created. Default: the development key, printed at start.
    #[arg(long, value_name = "PUBKEY")]
    pub admin_key: Option<String>,
    /// The chain id transactions must be signed for.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub chain_id: u32,
    /// The producer's name, recorded in each block (contracts read it as block.witness).
    /// Default: jsvm.
    #[arg(long, value_name = "NAME")]
    pub witness: Option<String>,
    /// A new chain's clock starts at TIME (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC) instead of
    /// now, to try contracts that depend on dates; ignored when the chain exists.
    #[arg(long, value_name = "TIME", value_parser = crate::clock::parse_utc_ns, conflicts_with = "time_offset")]
    pub genesis_time: Option<i64>,
    /// Run the chain's clock this many seconds ahead of the machine's (negative: behind).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub time_offset: Option<i64>,
    /// How each block's transactions are executed: parallel (Block-STM over --workers
    /// threads, falling back to in order where that is faster) or sequential (in order, one
    /// worker). Both give the same receipts and state root.
    #[arg(long, value_name = "MODE", default_value_t = jsvm_vm::ExecMode::Parallel)]
    pub exec: jsvm_vm::ExecMode,
    /// Worker threads that run contracts (a parallel block runs on this many). Default: the
    /// machine's cores, at least 2 and at most 16.
    #[arg(long, value_name = "N", value_parser = parse_workers)]
    pub workers: Option<usize>,
    /// Run as a validator of the replicated chain --genesis names, signing consensus votes with
    /// this ed25519 key (a `jsvm key new` file or its bare base58 secret; its public key must be
    /// a genesis validator's). The chain id, admin key and witness then come from the genesis;
    /// --block-time is how long an idle leader waits for a transaction before it proposes an
    /// empty block (default 500 ms). See docs/replication.md.
    #[arg(
        long,
        value_name = "FILE",
        requires = "genesis",
        conflicts_with_all = ["admin_key", "chain_id", "witness", "genesis_time", "time_offset"]
    )]
    pub validator_key: Option<std::path::PathBuf>,
    /// The genesis file of the chain a validator joins (validators, admin key, chain id).
    #[arg(long, value_name = "FILE", requires = "validator_key")]
    pub genesis: Option<std::path::PathBuf>,
    /// The other validators' p2p addresses, comma separated, each as NAME@HOST:PORT (NAME a
    /// genesis validator's name, or its base58 public key).
    #[arg(long, value_name = "NAME@HOST:PORT,...", value_delimiter = ',', requires = "validator_key")]
    pub peers: Vec<String>,
    /// Where a validator's p2p network listens.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:30000")]
    pub p2p: std::net::SocketAddr,
}

/// Most worker threads `--workers` may ask for.
const MAX_WORKERS: usize = 256;

/// `--workers N`: 1 to [`MAX_WORKERS`].
pub(crate) fn parse_workers(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=MAX_WORKERS).contains(&n) => Ok(n),
        _ => Err(format!("'{text}' is not a number of workers from 1 to {MAX_WORKERS}")),
    }
}

#[derive(Subcommand, Debug)]
pub(crate) enum KeyCmd {
    /// Print a new key pair as JSON {"algorithm", "public_key", "secret_key"} (base58; the
    /// secret as IOST's SDK writes it). Keep the secret: it signs for the account.
    New {
        /// A secp256k1 key instead of ed25519.
        #[arg(long)]
        secp256k1: bool,
    },
}

/// `jsvm events`' filters.
#[derive(Args, Debug)]
pub(crate) struct EventsArgs {
    /// Only events this contract emitted (its id).
    #[arg(long, value_name = "ID")]
    pub contract: Option<String>,
    /// The first block to read (default 1, the first).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub from: u64,
    /// The last block to read (default: the head).
    #[arg(long, value_name = "N")]
    pub to: Option<u64>,
}

#[derive(Subcommand, Debug)]
pub(crate) enum StateCmd {
    /// Print a contract's stored value (or map field) as JSON, null when absent.
    Get {
        /// The contract's id.
        contract: String,
        /// The storage key, as the contract's storage.put or storage.mapPut wrote it.
        key: String,
        /// The map field, for a value written with storage.mapPut.
        field: Option<String>,
    },
}
