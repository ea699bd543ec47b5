//! A chain for tests: a [`VmManager`] over RocksDB in a temporary directory or over the
//! in-memory store, transactions stamped from a clock of its own.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use jsvm_state::{MemStore, RocksStore, Store};
use jsvm_vm::{contract_json, Action, Receipt, Status, Transaction, VmConfig, VmManager};
use serde_json::json;

/// Where a [`Chain`] keeps its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// RocksDB in a temporary directory, removed with the chain.
    Rocks,
    /// `MemStore`: nothing survives the chain.
    Memory,
}

/// A test chain: one VM over its own store, plus a clock that gives each transaction a unique time.
pub struct Chain {
    /// The chain's VM, for anything the helpers below do not cover.
    pub vm: VmManager,
    /// The temporary directory of a RocksDB chain.
    dir: Option<tempfile::TempDir>,
    clock: AtomicU64,
}

/// An ABI with `methods` (name, argument types).
pub fn abi(methods: &[(&str, &[&str])]) -> serde_json::Value {
    let abi: Vec<_> = methods.iter().map(|(n, a)| json!({"name": n, "args": a})).collect();
    json!({"lang": "javascript", "version": "1.0.0", "abi": abi})
}

/// `contract.method(data)`.
pub fn action(contract: &str, method: &str, data: serde_json::Value) -> Action {
    Action::new(contract, method, data.to_string())
}

/// The deploy of `source` with `abi`.
pub fn set_code(source: &str, abi: &serde_json::Value) -> Action {
    Action::set_code(contract_json(source, abi, None))
}

impl Default for Chain {
    fn default() -> Self {
        Self::new()
    }
}

fn open_rocks(data: &std::path::Path) -> Result<Arc<dyn Store>, String> {
    Ok(Arc::new(RocksStore::open(data).map_err(|e| e.to_string())?))
}

impl Chain {
    /// A RocksDB chain with the default configuration.
    pub fn new() -> Chain {
        Self::with_config(VmConfig::default())
    }

    /// A RocksDB chain with `config`.
    pub fn with_config(config: VmConfig) -> Chain {
        Self::open(StoreKind::Rocks, config).unwrap()
    }

    /// A chain over `store` with `config`; the error says what could not be opened.
    pub fn open(store: StoreKind, config: VmConfig) -> Result<Chain, String> {
        let (store, dir): (Arc<dyn Store>, _) = match store {
            StoreKind::Rocks => {
                let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
                (open_rocks(&dir.path().join("data"))?, Some(dir))
            }
            StoreKind::Memory => (Arc::new(MemStore::new()), None),
        };
        let vm = VmManager::new(store, config).map_err(|e| e.to_string())?;
        Ok(Chain { vm, dir, clock: AtomicU64::new(1_000) })
    }

    /// The RocksDB directory (None for an in-memory chain).
    pub fn data(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.path().join("data"))
    }

    /// Drops the VM and its store, then opens both again over the same directory
    /// (a RocksDB chain only).
    pub fn restart(self) -> Chain {
        self.restart_with(VmConfig::default())
    }

    /// [`Chain::restart`] with `config` for the reopened VM.
    pub fn restart_with(self, config: VmConfig) -> Chain {
        let data = self.data().expect("only a RocksDB chain can restart");
        let Chain { vm, dir, clock } = self;
        drop(vm);
        let vm = VmManager::new(open_rocks(&data).unwrap(), config).unwrap();
        Chain { vm, dir, clock }
    }

    /// The next clock tick: a transaction's time, unique on this chain.
    pub fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// A transaction by `publisher`, also signed by `signers`, stamped with the next tick.
    pub fn tx(&self, publisher: &str, signers: &[&str], actions: Vec<Action>) -> Transaction {
        Transaction::new(publisher, actions)
            .with_signers(signers.iter().map(|s| s.to_string()).collect())
            .with_time(self.tick())
    }

    /// Executes `tx` as a block of its own (at the transaction's time) and commits it.
    pub fn send(&self, tx: Transaction) -> Receipt {
        let t = tx.time;
        self.vm.execute_tx(tx, t).unwrap().0
    }

    /// Sends `actions` from `publisher`, with no other signer.
    pub fn run(&self, publisher: &str, actions: Vec<Action>) -> Receipt {
        self.send(self.tx(publisher, &[], actions))
    }

    /// Deploys and asserts success; returns the contract id.
    pub fn deploy(&self, source: &str, abi: &serde_json::Value) -> String {
        let r = self.run("admin", vec![set_code(source, abi)]);
        assert_eq!(r.status, Status::Success, "deploy failed: {}", r.message);
        r.returns[0].clone()
    }

    /// Sends `contract.method(args)` from `admin`; `args` is a JSON array.
    pub fn call(&self, contract: &str, method: &str, args: serde_json::Value) -> Receipt {
        self.run("admin", vec![action(contract, method, args)])
    }

    /// A call's receipt and the node's log lines for it (where an uncaught error's engine
    /// words and positions go).
    pub fn call_logged(&self, contract: &str, method: &str, args: serde_json::Value) -> (Receipt, Vec<String>) {
        self.run_logged("admin", vec![action(contract, method, args)])
    }

    /// A transaction's receipt and the node's log lines for it.
    pub fn run_logged(&self, publisher: &str, actions: Vec<Action>) -> (Receipt, Vec<String>) {
        let tx = self.tx(publisher, &[], actions);
        let t = tx.time;
        self.vm.execute_tx(tx, t).unwrap()
    }

    /// Runs `contract.method(args)` from `admin` read-only: nothing it writes is kept.
    pub fn query(&self, contract: &str, method: &str, args: serde_json::Value) -> Receipt {
        let tx = self.tx("admin", &[], vec![action(contract, method, args)]);
        self.vm.query(tx).unwrap().0
    }
}
