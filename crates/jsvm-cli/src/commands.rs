use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use jsvm_engine::{EngineKind, ENGINE_ENV, V8_NOT_BUILT};
use jsvm_runtime::storage;
use jsvm_state::{RocksStore, TxState};
use jsvm_vm::{Action, AmountLimit, Receipt, Transaction, VmConfig, VmManager};

use crate::args::{Cli, Command, MethodCall, StateCmd, TxOpts};
use crate::remote::Remote;

/// A command that cannot run: exit code 2 with this message.
pub(crate) type CmdResult = Result<(), String>;

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

fn writer(data: &Path, engine: EngineKind) -> Result<VmManager, String> {
    let store = RocksStore::open(data).map_err(|e| e.to_string())?;
    VmManager::new(Arc::new(store), VmConfig { engine, ..VmConfig::default() }).map_err(|e| e.to_string())
}

fn reader(data: &Path, engine: EngineKind) -> Result<VmManager, String> {
    let store = RocksStore::open_read_only(data).map_err(|e| e.to_string())?;
    let config = VmConfig { workers: 1, engine, ..VmConfig::default() };
    VmManager::new(Arc::new(store), config).map_err(|e| e.to_string())
}

pub(crate) fn print_receipt(receipt: &Receipt, logs: &[String]) -> CmdResult {
    for line in logs {
        eprintln!("{line}");
    }
    let text = serde_json::to_string(receipt).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
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
    let amount_limit = if opts.amount_limits.is_empty() {
        vec![AmountLimit { token: "*".into(), val: "unlimited".into() }]
    } else {
        opts.amount_limits.clone()
    };
    Ok(Transaction::new(publisher, actions)
        .with_signers(opts.signers.clone())
        .with_gas_limit(opts.gas_limit)
        .with_time(now_ns())
        .with_amount_limit(amount_limit))
}

fn read_abi(path: &Path) -> Result<serde_json::Value, String> {
    let text = read_text(path, "ABI")?;
    serde_json::from_str(&text).map_err(|e| format!("ABI {} is not valid JSON: {e}", path.display()))
}

/// Packs the project in `dir`, saying so on stderr first when npm has to install packages.
fn pack_dir(dir: &Path) -> Result<jsvm_pack::Packed, String> {
    if jsvm_pack::needs_npm_install(dir) {
        eprintln!("jsvm: {}: node_modules is absent; installing the dependencies with npm", dir.display());
    }
    jsvm_pack::pack_project(dir).map_err(|e| format!("cannot pack {}: {e}", dir.display()))
}

/// IOST's contract JSON for system.iost's setCode/updateCode. `file` is a single contract
/// file, a project directory (packed here, in memory) or a bundle written by `jsvm pack`.
pub(crate) fn contract_json(file: &Path, abi: Option<&Path>, id: Option<&str>) -> Result<String, String> {
    let (source, abi) = if file.is_dir() {
        let packed = pack_dir(file)?;
        let abi = match abi {
            Some(path) => read_abi(path)?,
            None => packed.bundle.abi.clone().unwrap_or_default(),
        };
        (packed.bundle.code(), abi)
    } else {
        let source = read_text(file, "contract")?;
        match jsvm_compiler::parse_bundle(&source) {
            Some(bundle) => {
                let bundle = bundle.map_err(|e| format!("{}: {e}", file.display()))?;
                let abi = match (abi, &bundle.abi) {
                    (Some(path), _) => read_abi(path)?,
                    (None, Some(abi)) => abi.clone(),
                    (None, None) => return Err(format!("bundle {} has no ABI: give --abi FILE", file.display())),
                };
                (bundle.code(), abi)
            }
            None => {
                let abi_path = abi.map(Path::to_path_buf).unwrap_or_else(|| file.with_extension("abi"));
                (source, read_abi(&abi_path)?)
            }
        }
    };
    Ok(jsvm_vm::contract_json(&source, &abi, id))
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
        None => execute(data, engine()?, tx),
    }
}

fn execute(data: &Path, engine: EngineKind, tx: Transaction) -> CmdResult {
    // Refuse a malformed transaction before the store is even opened.
    tx.validate().map_err(|e| e.to_string())?;
    let vm = writer(data, engine)?;
    let (receipt, logs) = vm.execute_tx(tx, now_ns()).map_err(|e| e.to_string())?;
    print_receipt(&receipt, &logs)
}

/// Runs one parsed command line.
pub(crate) fn run(cli: Cli) -> CmdResult {
    let data = data_dir(cli.data);
    let engine = || engine_kind(cli.engine);
    match cli.command {
        Command::Pack { dir, out } => pack(&dir, out, engine()?),
        Command::Deploy { file, abi, tx, remote } => {
            let remote = Remote::from_opts(&remote)?;
            let c = contract_json(&file, abi.as_deref(), None)?;
            submit(&data, engine, remote.as_ref(), transaction(&tx, remote.as_ref(), vec![Action::set_code(c)])?)
        }
        Command::Update { contract, file, abi, update_data, tx, remote } => {
            let remote = Remote::from_opts(&remote)?;
            let c = contract_json(&file, abi.as_deref(), Some(&contract))?;
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
            let (receipt, logs) = vm.query(transaction(&tx, None, vec![action])?).map_err(|e| e.to_string())?;
            print_receipt(&receipt, &logs)
        }
        Command::Tx { file, remote } => {
            let remote = Remote::from_opts(&remote)?;
            let text = read_text(&file, "transaction")?;
            let mut tx: Transaction = serde_json::from_str(&text)
                .map_err(|e| format!("{} is not a valid transaction: {e}", file.display()))?;
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
            println!("{}", serde_json::to_string(&value).map_err(|e| e.to_string())?);
            Ok(())
        }
        Command::Receipt { tx_hash } => {
            let vm = reader(&data, engine()?)?;
            match vm.receipt(&tx_hash).map_err(|e| e.to_string())? {
                Some(r) => print_receipt(&r, &[]),
                None => Err(format!("no committed transaction {tx_hash}")),
            }
        }
        Command::Demo => crate::demo::run(engine()?),
        Command::Node(args) => crate::node::run(args, data, engine()?),
        Command::Key { what } => crate::key::run(what),
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
    println!("{summary}");
    Ok(())
}
