use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use jsvm_engine::{EngineKind, ENGINE_ENV, V8_NOT_BUILT};
use jsvm_runtime::storage;
use jsvm_state::{RocksStore, TxState};
use jsvm_vm::{Action, AmountLimit, Receipt, Transaction, VmConfig, VmManager};

use crate::args::{Cli, Command, MethodCall, StateCmd, TxOpts};
use crate::output::{note, out};
use crate::remote::Remote;

/// How a command that ran went: its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Exit 0: it did what was asked, and a transaction it ran succeeded.
    Success,
    /// Exit 1: it ran, but what it ran did not succeed (a transaction's receipt says why).
    Failed,
}

/// A command's outcome, or why it could not run: exit code 2 with this message.
pub(crate) type CmdResult = Result<Outcome, String>;

/// What a transaction may move out of accounts when the command line or the transaction file
/// does not say: anything, as IOST's wallet sends.
fn default_amount_limit() -> Vec<AmountLimit> {
    vec![AmountLimit { token: "*".into(), val: "unlimited".into() }]
}

fn data_dir(cli_data: Option<PathBuf>) -> PathBuf {
    cli_data.or_else(|| std::env::var_os("JSVM_DATA").map(PathBuf::from)).unwrap_or_else(|| PathBuf::from("jsvm-data"))
}

/// Nanoseconds since the epoch: the client's timestamp for a new transaction
/// and block (recorded in them, so replays see the same value).
pub(crate) fn now_ns() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0)
}

fn read_text(path: &Path, what: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {what} {}: {e}", path.display()))
}

/// The engine `--engine` names, else `$JSVM_ENGINE`, else QuickJS; refused when this
/// build does not have it.
fn engine_kind(flag: Option<EngineKind>) -> Result<EngineKind, String> {
    // Checked even beside the flag: the VM's own configuration reads it too.
    let from_env = match std::env::var(ENGINE_ENV) {
        Ok(v) if !v.trim().is_empty() => Some(v.parse().map_err(|e| format!("{ENGINE_ENV}: {e}"))?),
        _ => None,
    };
    let kind = flag.or(from_env).unwrap_or_default();
    if !kind.is_built() {
        return Err(V8_NOT_BUILT.to_string());
    }
    Ok(kind)
}

pub(crate) fn writer(data: &Path, engine: EngineKind) -> Result<VmManager, String> {
    let store = RocksStore::open(data).map_err(|e| e.to_string())?;
    VmManager::new(Arc::new(store), VmConfig { engine, ..VmConfig::default() }).map_err(|e| e.to_string())
}

fn reader(data: &Path, engine: EngineKind) -> Result<VmManager, String> {
    let store = RocksStore::open_read_only(data).map_err(|e| e.to_string())?;
    let config = VmConfig { workers: 1, engine, ..VmConfig::default() };
    VmManager::new(Arc::new(store), config).map_err(|e| e.to_string())
}

/// Prints the console output `logs` on stderr and `receipt` as one JSON line on stdout; the
/// outcome is the receipt's status.
pub(crate) fn print_receipt(receipt: &Receipt, logs: &[String]) -> CmdResult {
    print_result(receipt, serde_json::to_string(receipt), logs)
}

/// A query's receipt as printed: the receipt's fields in its order, less `tx_hash` and `block`,
/// since a query commits nothing.
#[derive(serde::Serialize)]
struct QueryReceipt<'a> {
    status: jsvm_vm::Status,
    status_code: u8,
    message: &'a str,
    gas_used: u64,
    ram_usage: &'a std::collections::BTreeMap<String, i64>,
    returns: &'a [String],
    receipts: &'a [jsvm_runtime::ReceiptEntry],
    events: &'a [jsvm_runtime::Event],
}

fn print_query_receipt(r: &Receipt, logs: &[String]) -> CmdResult {
    let shown = QueryReceipt {
        status: r.status,
        status_code: r.status_code,
        message: &r.message,
        gas_used: r.gas_used,
        ram_usage: &r.ram_usage,
        returns: &r.returns,
        receipts: &r.receipts,
        events: &r.events,
    };
    print_result(r, serde_json::to_string(&shown), logs)
}

fn print_result(receipt: &Receipt, json: serde_json::Result<String>, logs: &[String]) -> CmdResult {
    for line in logs {
        note(crate::code_file::in_author_terms(receipt, line));
    }
    out!("{}", json.map_err(|e| e.to_string())?)?;
    crate::code_file::restate_message(receipt);
    Ok(if receipt.status == jsvm_vm::Status::Success { Outcome::Success } else { Outcome::Failed })
}

/// The action for `CONTRACT METHOD ARGS_JSON`; malformed JSON is refused here, before
/// anything is opened (a well-formed but wrong argument list is the receipt's business).
fn call_action(call: MethodCall) -> Result<Action, String> {
    serde_json::from_str::<serde_json::Value>(&call.args).map_err(|e| format!("ARGS_JSON is not valid JSON: {e}"))?;
    Ok(Action::new(call.contract, call.method, call.args))
}

/// The transaction `opts` describe; its publisher is `--account` when it goes to a node.
fn transaction(opts: &TxOpts, remote: Option<&Remote>, actions: Vec<Action>) -> Result<Transaction, String> {
    let publisher = match (remote, &opts.publisher) {
        (Some(_), Some(_)) => {
            return Err("--publisher is for the data directory: with --node, --account publishes".into())
        }
        (Some(remote), None) => remote.account().to_string(),
        (None, publisher) => publisher.clone().unwrap_or_else(|| "admin".into()),
    };
    let amount_limit = if opts.amount_limits.is_empty() { default_amount_limit() } else { opts.amount_limits.clone() };
    Ok(Transaction::new(publisher, actions)
        .with_signers(opts.signers.clone())
        .with_gas_limit(opts.gas_limit)
        .with_time(now_ns())
        .with_amount_limit(amount_limit))
}

/// Says on stderr that npm is about to install `dir`'s packages (it can take a while).
fn say_npm_installs(dir: &Path) {
    note(format_args!("jsvm: {}: node_modules is absent; installing the dependencies with npm", dir.display()));
}

/// Packs the project in `dir`, saying so on stderr first when npm has to install packages.
fn pack_dir(dir: &Path) -> Result<jsvm_pack::Packed, String> {
    if jsvm_pack::needs_npm_install(dir) {
        say_npm_installs(dir);
    }
    jsvm_pack::pack_project(dir).map_err(|e| format!("cannot pack {}: {e}", dir.display()))
}

/// IOST's contract JSON for system.iost's setCode/updateCode. `file` is a single contract
/// file, a project directory (packed here, in memory) or a bundle written by `jsvm pack`.
pub(crate) fn contract_json(file: &Path, abi: Option<&Path>, id: Option<&str>) -> Result<String, String> {
    let c = jsvm_pack::load_contract(file, abi, || say_npm_installs(file))?;
    Ok(jsvm_vm::contract_json(&c.code, &c.abi, id))
}

/// Sends `tx` to the node when there is one, else executes it on the data directory.
fn submit(
    data: &Path,
    engine: impl FnOnce() -> Result<EngineKind, String>,
    remote: Option<&Remote>,
    tx: Transaction,
) -> CmdResult {
    match remote {
        Some(remote) => remote.send(&tx),
        None => crate::local::execute(data, engine()?, tx),
    }
}

/// The transaction in the JSON file `path`; without `amount_limit`, it gets the CLI's default.
fn read_tx_file(path: &Path) -> Result<Transaction, String> {
    let text = read_text(path, "transaction")?;
    let invalid = |e: serde_json::Error| format!("{} is not a valid transaction: {e}", path.display());
    let mut json: serde_json::Value = serde_json::from_str(&text).map_err(invalid)?;
    if let Some(fields) = json.as_object_mut() {
        if !fields.contains_key("amount_limit") {
            let limit = serde_json::to_value(default_amount_limit()).map_err(|e| e.to_string())?;
            fields.insert("amount_limit".into(), limit);
        }
    }
    serde_json::from_value(json).map_err(invalid)
}

/// Runs one parsed command line.
pub(crate) fn run(cli: Cli) -> CmdResult {
    let data_flag = cli.data.clone();
    let data = data_dir(cli.data);
    let engine = || engine_kind(cli.engine);
    match cli.command {
        Command::Pack { dir, out } => pack(&dir, out, engine()?),
        Command::Deploy { file, abi, tx, remote } => {
            let remote = Remote::from_opts(&remote)?;
            let c = contract_json(&file, abi.as_deref(), None)?;
            crate::code_file::deploying(&file, None);
            submit(&data, engine, remote.as_ref(), transaction(&tx, remote.as_ref(), vec![Action::set_code(c)])?)
        }
        Command::Update { contract, file, abi, update_data, tx, remote } => {
            let remote = Remote::from_opts(&remote)?;
            let c = contract_json(&file, abi.as_deref(), Some(&contract))?;
            crate::code_file::deploying(&file, Some(&contract));
            let action = Action::update_code(c, update_data);
            submit(&data, engine, remote.as_ref(), transaction(&tx, remote.as_ref(), vec![action])?)
        }
        Command::Call { call, tx, remote } => {
            let remote = Remote::from_opts(&remote)?;
            let action = call_action(call)?;
            submit(&data, engine, remote.as_ref(), transaction(&tx, remote.as_ref(), vec![action])?)
        }
        Command::Query { call, tx } => {
            let action = call_action(call)?;
            let vm = reader(&data, engine()?)?;
            let tx = transaction(&tx, None, vec![action])?;
            crate::local::check_publisher(&vm, &tx.publisher)?;
            let (receipt, logs) = vm.query(tx).map_err(|e| e.to_string())?;
            print_query_receipt(&receipt, &logs)
        }
        Command::Tx { file, remote } => {
            let remote = Remote::from_opts(&remote)?;
            let mut tx = read_tx_file(&file)?;
            if let Some(remote) = &remote {
                if tx.publisher != remote.account() {
                    return Err(format!(
                        "{}: its publisher {} is not --account {}: the node needs the publisher's signature",
                        file.display(),
                        tx.publisher,
                        remote.account()
                    ));
                }
            }
            if tx.time == 0 {
                tx.time = now_ns();
            }
            submit(&data, engine, remote.as_ref(), tx)
        }
        Command::State { what: StateCmd::Get { contract, key, field } } => {
            let store = RocksStore::open_read_only(&data).map_err(|e| e.to_string())?;
            let (_, snapshot) = jsvm_state::Store::snapshot(&store);
            let st = TxState::new(snapshot);
            let value = match field {
                Some(f) => storage::map_get(&st, &contract, &key, &f)?,
                None => storage::get(&st, &contract, &key)?,
            };
            out!("{}", serde_json::to_string(&value).map_err(|e| e.to_string())?)?;
            Ok(Outcome::Success)
        }
        Command::Receipt { tx_hash } => {
            let vm = reader(&data, engine()?)?;
            match vm.receipt(&tx_hash).map_err(|e| e.to_string())? {
                Some(r) => print_receipt(&r, &[]),
                None => Err(format!("no committed transaction {tx_hash}")),
            }
        }
        Command::Demo => crate::demo::run(engine()?, data_flag),
        Command::Contracts => crate::inspect::contracts(&data),
        Command::Accounts => crate::inspect::accounts(&data),
        Command::Account { name } => crate::inspect::account(&data, &name),
        Command::Abi { contract, source } => crate::inspect::abi(&data, &contract, source),
        Command::Events(args) => crate::inspect::events(&data, &args),
        Command::Node(args) => crate::node::run(args, data, engine()?),
        Command::Replay(args) => crate::replay::run(args, data_flag, engine()?),
        Command::Key { what } => crate::key::run(what),
        Command::Test(args) => crate::test_cmd::test(args, engine()?),
        Command::Types(args) => crate::test_cmd::types(args),
    }
}

fn pack(dir: &Path, out: Option<PathBuf>, engine: EngineKind) -> CmdResult {
    let started = std::time::Instant::now();
    let packed = pack_dir(dir)?;
    let load_gas =
        crate::load_check::check(&packed.bundle, engine).map_err(|e| format!("cannot pack {}: {e}", dir.display()))?;
    let out = out.unwrap_or_else(|| dir.join("contract.bundle.json"));
    let text = packed.bundle.file_text();
    std::fs::write(&out, &text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let summary = serde_json::json!({
        "bundle": out.display().to_string(),
        "entry": packed.bundle.entry,
        "modules": packed.bundle.modules.keys().collect::<Vec<_>>(),
        "bytes": text.len(),
        "code_bytes": packed.bundle.code().len(),
        // The code hash a deploy records (under the default gas schedule).
        "code_hash": jsvm_runtime::ContractRecord::new(
            String::new(), String::new(), packed.abi.clone(), String::new(), packed.compiled.prepared.clone(), 1,
        ).code_hash,
        "abi_generated": packed.abi_generated,
        "methods": packed.abi.abi.iter().map(|m| m.name.clone()).collect::<Vec<_>>(),
        // About what deploying it costs: the load check's deploy, modules loaded, no init (load_check.rs).
        "deploy_gas": load_gas,
        "ms": started.elapsed().as_millis() as u64,
    });
    out!("{summary}")?;
    Ok(Outcome::Success)
}
