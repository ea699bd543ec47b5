//! `jsvm pack`'s load check: the bundle is loaded once in the real sandbox before it is
//! written, so that a bundle that would fail at deploy (a package that needs what a
//! contract does not have, code too large or too costly to load) is refused at pack time,
//! with the module and line.
//!
//! The check deploys, on a throwaway in-memory chain and on the engine the CLI runs, a copy
//! of the bundle whose entry is a small module that requires the real entry and nothing
//! else: every module the contract's top level loads is evaluated as a deploy's `init` run
//! evaluates it, under the largest gas limit a transaction may have, but neither the
//! contract class's constructor nor its `init` runs (they may depend on the accounts and
//! state of the real chain). Whatever the modules' top level writes stays on the throwaway
//! chain, which is dropped.

use std::sync::Arc;

use jsvm_compiler::{Bundle, BundleModule};
use jsvm_engine::EngineKind;
use jsvm_state::MemStore;
use jsvm_vm::{contract_json, thousands, Action, Status, Transaction, VmConfig, VmManager, MAX_GAS_LIMIT};

/// The check's entry module: a name no project file can have (the pack's module ids are
/// paths inside the project, without parentheses at their start).
const CHECK_ENTRY: &str = "(jsvm pack load check)";
/// What the check's entry does: load the real entry, then offer a class with an empty `init`.
const CHECK_SOURCE: &str =
    "require(\"entry\");\nclass LoadCheck {\n    init() {}\n    loaded() {}\n}\nmodule.exports = LoadCheck;\n";
/// The block time of the throwaway chain's one block.
const CHECK_TIME: u64 = 1;

/// Loads `bundle` as a deploy would on `engine`: the gas the deploy of the check used, or
/// why the bundle cannot be deployed (the error, with the author's module and line).
pub(crate) fn check(bundle: &Bundle, engine: EngineKind) -> Result<u64, String> {
    let mut modules = bundle.modules.clone();
    modules.insert(
        CHECK_ENTRY.to_string(),
        BundleModule {
            source: CHECK_SOURCE.to_string(),
            deps: [("entry".to_string(), bundle.entry.clone())].into(),
            map: None,
        },
    );
    let check = Bundle { jsvm_bundle: bundle.jsvm_bundle, entry: CHECK_ENTRY.to_string(), abi: None, modules };
    let abi = serde_json::json!({"lang": "javascript", "version": "1.0.0", "abi": [{"name": "loaded", "args": []}]});
    let config = VmConfig { engine, workers: 1, ..VmConfig::default() };
    let vm = VmManager::new(Arc::new(MemStore::new()), config).map_err(|e| format!("load check: {e}"))?;
    let tx = Transaction::new("admin", vec![Action::set_code(contract_json(&check.code(), &abi, None))])
        .with_gas_limit(MAX_GAS_LIMIT)
        .with_time(CHECK_TIME);
    let (receipt, logs) = vm.execute_tx(tx, CHECK_TIME).map_err(|e| format!("load check: {e}"))?;
    match receipt.status {
        Status::Success => Ok(receipt.gas_used),
        Status::GasRunOut => Err(format!(
            "the bundle cannot be deployed: deploying and loading it takes more than {} gas, the most a \
             transaction may have ({} bytes of code)",
            thousands(MAX_GAS_LIMIT),
            bundle.code().len()
        )),
        _ => {
            let message = receipt.message.split_once(": ").map_or(receipt.message.as_str(), |(_, m)| m);
            let mut text = format!("the bundle does not load: {message}");
            // The engine's words and positions (the author's modules and lines) are in the log.
            for line in logs.iter().filter(|l| l.starts_with("[error]")) {
                let trace: Vec<&str> = line.lines().skip(1).filter(|l| !l.contains(CHECK_ENTRY)).collect();
                for at in trace {
                    text.push('\n');
                    text.push_str(at);
                }
            }
            Err(text)
        }
    }
}
