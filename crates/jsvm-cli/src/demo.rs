//! `jsvm demo`: the VM's main job, without a node. A token contract is deployed
//! into a fresh data directory, used, made to fail, and read back after the
//! VM is restarted over the same RocksDB store. `--data DIR` keeps that chain in DIR (which must
//! not hold one yet) for the inspect commands to read.

use std::path::PathBuf;
use std::sync::Arc;

use jsvm_state::RocksStore;
use jsvm_vm::{Action, Receipt, Transaction, VmConfig, VmManager};

use crate::commands::{now_ns, CmdResult, Outcome};
use crate::new_chain_dir::NewChainDir;
use crate::output::out;

const TOKEN_JS: &str = include_str!("../../../examples/token/token.js");
const TOKEN_ABI: &str = include_str!("../../../examples/token/token.abi");

fn action(contract: &str, method: &str, args: serde_json::Value) -> Action {
    Action::new(contract, method, args.to_string())
}

fn tx(publisher: &str, actions: Vec<Action>) -> Transaction {
    Transaction::new(publisher, actions).with_time(now_ns())
}

fn show(step: &str, r: &Receipt) -> Result<(), String> {
    out!("\n== {step}")?;
    out!("   status {} ({}), gas {}, returns {:?}", r.status.name(), r.status_code, r.gas_used, r.returns)?;
    if !r.message.is_empty() {
        out!("   message: {}", r.message.lines().next().unwrap_or(""))?;
    }
    if !r.ram_usage.is_empty() {
        out!("   ram: {:?}", r.ram_usage)?;
    }
    for e in &r.receipts {
        out!("   receipt {}: {}", e.func_name, e.content)?;
    }
    for e in &r.events {
        out!("   event: {}", e.content)?;
    }
    Ok(())
}

fn run_tx(vm: &VmManager, step: &str, t: Transaction) -> Result<Receipt, String> {
    let (r, _) = vm.execute_tx(t, now_ns()).map_err(|e| e.to_string())?;
    show(step, &r)?;
    Ok(r)
}

/// Runs the demonstration in `keep` (`--data`), else in a temporary directory removed at the end.
pub(crate) fn run(engine: jsvm_engine::EngineKind, keep: Option<PathBuf>) -> CmdResult {
    // A temporary one is removed when the demo ends, with the chain in it.
    let dir = NewChainDir::new(keep.as_deref(), "the demo makes a new chain")?;
    let data = dir.path().to_path_buf();
    out!("jsvm demo: a token contract on {engine} over RocksDB in {}", data.display())?;
    let open = || -> Result<VmManager, String> {
        let store = RocksStore::open(&data).map_err(|e| e.to_string())?;
        VmManager::new(Arc::new(store), VmConfig { engine, ..VmConfig::default() }).map_err(|e| e.to_string())
    };
    let abi: serde_json::Value = serde_json::from_str(TOKEN_ABI).map_err(|e| e.to_string())?;
    let code = jsvm_vm::contract_json(TOKEN_JS, &abi, None);
    let token = {
        let vm = open()?;
        let deploy = tx("admin", vec![Action::set_code(code)]);
        let r = run_tx(&vm, "deploy examples/token/token.js (init runs inside the deploy)", deploy)?;
        let token = r.returns.first().cloned().ok_or("the deploy returned no contract id")?;
        run_tx(
            &vm,
            "admin issues 1000 to alice",
            tx("admin", vec![action(&token, "issue", serde_json::json!(["alice", "1000"]))]),
        )?;
        run_tx(
            &vm,
            "alice sends 250 to bob",
            tx("alice", vec![action(&token, "transfer", serde_json::json!(["alice", "bob", "250", "rent"]))]),
        )?;
        run_tx(
            &vm,
            "bob tries to spend alice's tokens (no authority: RUNTIME_ERROR)",
            tx("bob", vec![action(&token, "transfer", serde_json::json!(["alice", "bob", "1", ""]))]),
        )?;
        let two = tx(
            "alice",
            vec![
                action(&token, "transfer", serde_json::json!(["alice", "carol", "100", "first"])),
                action(&token, "transfer", serde_json::json!(["alice", "carol", "100000", "too much"])),
            ],
        );
        run_tx(&vm, "two actions, the second fails: the first is rolled back too", two)?;
        token
    };
    out!("\n== the VM is stopped and started again over the same data directory")?;
    let vm = open()?;
    for who in ["alice", "bob", "carol"] {
        let q = tx("admin", vec![action(&token, "balanceOf", serde_json::json!([who]))]);
        let (r, _) = vm.query(q).map_err(|e| e.to_string())?;
        out!("   balanceOf({who}) = {}", r.returns.first().map(String::as_str).unwrap_or("?"))?;
    }
    let (r, _) =
        vm.query(tx("admin", vec![action(&token, "holders", serde_json::json!([]))])).map_err(|e| e.to_string())?;
    out!("   holders() = {}", r.returns.first().map(String::as_str).unwrap_or("?"))?;
    let head = vm.head();
    out!("\nchain head: block {}, state root {}", head.height, hex::encode(head.state_root))?;
    if keep.is_some() {
        let dir = data.display();
        out!("the chain stays in {dir}: try `jsvm --data {dir} contracts` or `jsvm --data {dir} events`")?;
    }
    Ok(Outcome::Success)
}
