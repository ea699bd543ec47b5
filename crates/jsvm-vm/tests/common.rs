//! A small harness: a VmManager over a RocksDB store in a temporary directory.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use jsvm_state::RocksStore;
use jsvm_vm::{Action, Receipt, Status, Transaction, VmConfig, VmManager, DEFAULT_GAS_LIMIT, SYSTEM_CONTRACT};
use serde_json::json;

pub struct Chain {
    pub vm: VmManager,
    pub dir: tempfile::TempDir,
    pub clock: std::sync::atomic::AtomicU64,
}

pub fn abi(methods: &[(&str, &[&str])]) -> serde_json::Value {
    let abi: Vec<_> = methods.iter().map(|(n, a)| json!({"name": n, "args": a})).collect();
    json!({"lang": "javascript", "version": "1.0.0", "abi": abi})
}

pub fn action(contract: &str, method: &str, data: serde_json::Value) -> Action {
    Action { contract: contract.into(), action_name: method.into(), data: data.to_string() }
}

pub fn set_code(source: &str, abi: &serde_json::Value) -> Action {
    let c = json!({"info": abi, "code": source}).to_string();
    action(SYSTEM_CONTRACT, "setCode", json!([c]))
}

impl Default for Chain {
    fn default() -> Self {
        Self::new()
    }
}

impl Chain {
    pub fn new() -> Chain {
        Self::with_config(VmConfig::default())
    }

    pub fn with_config(config: VmConfig) -> Chain {
        let dir = tempfile::tempdir().unwrap();
        let store = RocksStore::open(&dir.path().join("data")).unwrap();
        let vm = VmManager::new(Arc::new(store), config).unwrap();
        Chain { vm, dir, clock: std::sync::atomic::AtomicU64::new(1_000) }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Drops the VM and its store, then opens both again over the same directory.
    pub fn restart(self) -> Chain {
        let Chain { vm, dir, clock } = self;
        drop(vm);
        let store = RocksStore::open(&dir.path().join("data")).unwrap();
        let vm = VmManager::new(Arc::new(store), VmConfig::default()).unwrap();
        Chain { vm, dir, clock }
    }

    pub fn tx(&self, publisher: &str, signers: &[&str], actions: Vec<Action>) -> Transaction {
        let time = self.clock.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        Transaction {
            actions,
            publisher: publisher.into(),
            signers: signers.iter().map(|s| s.to_string()).collect(),
            gas_limit: DEFAULT_GAS_LIMIT,
            time,
            amount_limit: Vec::new(),
        }
    }

    pub fn send(&self, tx: Transaction) -> Receipt {
        let t = tx.time;
        self.vm.execute_tx(tx, t).unwrap().0
    }

    pub fn run(&self, publisher: &str, actions: Vec<Action>) -> Receipt {
        self.send(self.tx(publisher, &[], actions))
    }

    /// Deploys and asserts success; returns the contract id.
    pub fn deploy(&self, source: &str, abi: &serde_json::Value) -> String {
        let r = self.run("admin", vec![set_code(source, abi)]);
        assert_eq!(r.status, Status::Success, "deploy failed: {}", r.message);
        r.returns[0].clone()
    }

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

    pub fn query(&self, contract: &str, method: &str, args: serde_json::Value) -> Receipt {
        let tx = self.tx("admin", &[], vec![action(contract, method, args)]);
        self.vm.query(tx).unwrap().0
    }
}
