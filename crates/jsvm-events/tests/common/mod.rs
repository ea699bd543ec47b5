//! A chain whose blocks hold real contract executions, and the hub over it.

#![allow(dead_code, unreachable_pub)] // each test file uses its own part

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use jsvm_events::{BlockSource, CommittedBlock, EventHub, EventLimits};
use jsvm_state::MemStore;
use jsvm_test_util::{abi, action, set_code};
use jsvm_vm::{Action, Status, Transaction, VmConfig, VmManager};
use serde_json::json;

/// Emits `n` events `tag#i` and one receipt `done tag`; `fail` emits then throws (nothing may be delivered).
pub const EMITTER: &str = r##"
class Emitter {
    init() {}
    emit(tag, n) {
        for (let i = 0; i < n; i++) { blockchain.event(tag + "#" + i); }
        blockchain.receipt("done " + tag);
    }
    fail(tag) {
        blockchain.event(tag);
        blockchain.receipt(tag);
        throw new Error("refused " + tag);
    }
}
module.exports = Emitter;
"##;

pub struct TestChain {
    pub vm: Arc<VmManager>,
    clock: AtomicU64,
}

impl TestChain {
    pub fn new() -> TestChain {
        let vm = VmManager::new(Arc::new(MemStore::new()), VmConfig::default()).unwrap();
        TestChain { vm: Arc::new(vm), clock: AtomicU64::new(1_000) }
    }

    /// A hub over this chain's VM.
    pub fn hub(&self, limits: EventLimits) -> Arc<EventHub> {
        let source: Arc<dyn BlockSource> = self.vm.clone();
        Arc::new(EventHub::new(source, limits))
    }

    /// Commits a block of one transaction per action (each from `admin`), as the producer does, and returns
    /// what the producer hands to the hub.
    pub fn commit(&self, actions: Vec<Action>) -> CommittedBlock {
        let txs: Vec<Transaction> = actions
            .into_iter()
            .map(|a| {
                let t = self.clock.fetch_add(1, Ordering::SeqCst);
                Transaction::new("admin", vec![a]).with_time(t)
            })
            .collect();
        let t = self.clock.fetch_add(1, Ordering::SeqCst);
        let out = self.vm.execute_block(txs, t).unwrap();
        assert!(out.left_out.is_empty(), "{:?}", out.left_out);
        CommittedBlock {
            height: out.height,
            hash: bs58::encode(out.block_hash).into_string(),
            time: self.vm.head().time,
            receipts: out.receipts,
        }
    }

    /// Deploys the emitter in a block of its own (which has no events); returns its id and that block.
    pub fn deploy_emitter(&self) -> (String, CommittedBlock) {
        let block =
            self.commit(vec![set_code(EMITTER, &abi(&[("emit", &["string", "number"]), ("fail", &["string"])]))]);
        assert_eq!(block.receipts[0].status, Status::Success, "{}", block.receipts[0].message);
        (block.receipts[0].returns[0].clone(), block)
    }
}

pub fn emit(contract: &str, tag: &str, n: u32) -> Action {
    action(contract, "emit", json!([tag, n]))
}

pub fn fail(contract: &str, tag: &str) -> Action {
    action(contract, "fail", json!([tag]))
}
