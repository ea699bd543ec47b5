//! The inspect commands: `contracts`, `accounts`, `account NAME`, `abi ID` and `events`. Each opens
//! the data directory read-only (so a node or another command may be writing it meanwhile), reads
//! the last committed block's state, and prints JSON: one object, or one object a line.

use std::path::Path;
use std::sync::Arc;

use jsvm_state::{RocksStore, StateRead, Store};
use jsvm_vm::{views, BlockRecord, Receipt};
use serde_json::{json, Value};

use crate::args::EventsArgs;
use crate::commands::{CmdResult, Outcome};
use crate::output::out;

fn open(data: &Path) -> Result<RocksStore, String> {
    RocksStore::open_read_only(data).map_err(|e| e.to_string())
}

/// The head block's time (ns) and the state after it.
fn state(data: &Path) -> Result<(u64, Arc<dyn StateRead>), String> {
    let (head, snapshot) = open(data)?.snapshot();
    Ok((head.time, snapshot))
}

/// `jsvm contracts`: one line per deployed contract.
pub(crate) fn contracts(data: &Path) -> CmdResult {
    let (_, snapshot) = state(data)?;
    for contract in views::contracts(&snapshot).map_err(|e| e.to_string())? {
        out!("{contract}")?;
    }
    Ok(Outcome::Success)
}

/// `jsvm accounts`: one line per account.
pub(crate) fn accounts(data: &Path) -> CmdResult {
    let (_, snapshot) = state(data)?;
    for name in views::accounts(&snapshot).map_err(|e| e.to_string())? {
        out!("{}", json!({ "name": name }))?;
    }
    Ok(Outcome::Success)
}

/// `jsvm account NAME`: the gateway's account answer with every token's balance added.
pub(crate) fn account(data: &Path, name: &str) -> CmdResult {
    let (now, snapshot) = state(data)?;
    let mut account = views::account(&snapshot, name, now)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no account {name} on this chain (`jsvm accounts` lists them)"))?;
    account["balances"] = views::token_balances(&snapshot, name, now).map_err(|e| e.to_string())?;
    out!("{account}")?;
    Ok(Outcome::Success)
}

/// `jsvm abi ID [--source]`: the contract's ABI, a packed project's modules, and with `source` its code.
pub(crate) fn abi(data: &Path, id: &str, source: bool) -> CmdResult {
    let (_, snapshot) = state(data)?;
    let mut contract = views::contract(&snapshot, id)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no contract {id} on this chain (`jsvm contracts` lists them)"))?;
    let code = match contract.as_object_mut().and_then(|fields| fields.remove("code")) {
        Some(Value::String(code)) => code,
        _ => String::new(),
    };
    let mut shown = json!({
        "id": contract["id"],
        "language": contract["language"],
        "version": contract["version"],
        "abi": contract["abis"],
    });
    match jsvm_compiler::parse_bundle(&code) {
        Some(bundle) => {
            let bundle = bundle.map_err(|e| format!("contract {id}'s bundle is unreadable: {e}"))?;
            let modules: Vec<Value> = bundle
                .modules
                .iter()
                .map(|(module, m)| {
                    let mut shown = json!({"id": module, "bytes": m.source.len()});
                    if source {
                        shown["source"] = json!(m.source);
                    }
                    shown
                })
                .collect();
            shown["entry"] = json!(bundle.entry);
            shown["modules"] = json!(modules);
        }
        None if source => shown["source"] = json!(code),
        None => {}
    }
    out!("{shown}")?;
    Ok(Outcome::Success)
}

/// `jsvm events`: the events of every committed transaction in blocks `from..=to`, in chain order.
pub(crate) fn events(data: &Path, args: &EventsArgs) -> CmdResult {
    let store = open(data)?;
    let head = store.head().height;
    let last = args.to.unwrap_or(head).min(head);
    for height in args.from.max(1)..=last {
        let bytes = store
            .block_record(height)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("block {height} is missing from the data directory"))?;
        let block: BlockRecord =
            serde_json::from_slice(&bytes).map_err(|e| format!("the record of block {height} is unreadable: {e}"))?;
        for tx in &block.txs {
            let Some(bytes) = store.receipt(&tx.hash()).map_err(|e| e.to_string())? else {
                return Err(format!("block {height}: a transaction's receipt is missing"));
            };
            let receipt: Receipt =
                serde_json::from_slice(&bytes).map_err(|e| format!("block {height}: a receipt is unreadable: {e}"))?;
            for event in &receipt.events {
                if args.contract.as_ref().is_some_and(|c| *c != event.contract) {
                    continue;
                }
                let line = json!({
                    "block": height,
                    "tx_hash": receipt.tx_hash,
                    "contract": event.contract,
                    "content": event.content,
                });
                out!("{line}")?;
            }
        }
    }
    Ok(Outcome::Success)
}
