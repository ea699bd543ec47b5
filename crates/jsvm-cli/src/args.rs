use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A virtual machine for JavaScript smart contracts.
#[derive(Parser, Debug)]
#[command(name = "jsvm", version, about)]
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
    /// Account publishing the transaction.
    #[arg(long, default_value = "admin")]
    pub publisher: String,
    /// An extra authorisation carried by the transaction, as NAME@PERM (repeatable).
    #[arg(long = "signer", value_name = "NAME@PERM")]
    pub signers: Vec<String>,
    /// Gas limit of the transaction, 1 to 4,000,000.
    #[arg(long, default_value_t = jsvm_vm::DEFAULT_GAS_LIMIT)]
    pub gas_limit: u64,
    /// The most of a token the transaction may move out of accounts, as TOKEN:AMOUNT
    /// (repeatable; `*` for any token, `unlimited` for no limit). Default: `*:unlimited`,
    /// as IOST's wallet does.
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

/// `CONTRACT METHOD [ARGS_JSON]`.
#[derive(Args, Debug, Clone)]
pub(crate) struct MethodCall {
    pub contract: String,
    pub method: String,
    /// Arguments as a JSON array.
    #[arg(default_value = "[]")]
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
    },
    /// Replace a contract's code (its can_update(data) must return true).
    Update {
        contract: String,
        /// A contract file, a project directory, or a bundle file.
        file: PathBuf,
        #[arg(long)]
        abi: Option<PathBuf>,
        /// The string handed to can_update.
        #[arg(long, default_value = "")]
        update_data: String,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Call a contract method in a transaction of its own.
    Call {
        #[command(flatten)]
        call: MethodCall,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Run a method read-only on the last committed state; commits nothing.
    Query {
        #[command(flatten)]
        call: MethodCall,
        #[command(flatten)]
        tx: TxOpts,
    },
    /// Execute one transaction with several actions, read from a JSON file.
    Tx { file: PathBuf },
    /// Read stored state.
    State {
        #[command(subcommand)]
        what: StateCmd,
    },
    /// Print a committed receipt by transaction hash.
    Receipt { tx_hash: String },
    /// Show what jsvm does, in a fresh temporary data directory.
    Demo,
}

#[derive(Subcommand, Debug)]
pub(crate) enum StateCmd {
    /// Print a contract's stored value (or map field) as JSON, null when absent.
    Get { contract: String, key: String, field: Option<String> },
}
