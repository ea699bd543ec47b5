//! The JS token (examples/token) through the full path: VmManager, metering,
//! journal, receipts and block commit, over RocksDB or the in-memory store.

use std::sync::Arc;
use std::time::Instant;

use jsvm_state::{MemStore, RocksStore, Store};
use jsvm_vm::{Action, Status, Transaction, VmConfig, VmManager, SYSTEM_CONTRACT};
use serde_json::json;

use crate::Timing;

/// The contract every row runs: an ERC-20-like token in IOST's style.
pub const TOKEN_JS: &str = include_str!("../../../examples/token/token.js");
pub const TOKEN_ABI: &str = include_str!("../../../examples/token/token.abi");

/// Where the chain keeps its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Rocks,
    /// `MemStore`: for this comparison only.
    Memory,
}

/// A chain with the token deployed and `holders` funded accounts.
pub struct TokenChain {
    pub vm: VmManager,
    pub id: String,
    holders: usize,
    clock: u64,
    next: usize,
    _dir: Option<tempfile::TempDir>,
}

fn holder(i: usize) -> String {
    format!("holder{i}")
}

fn tx(publisher: &str, actions: Vec<Action>, time: u64) -> Transaction {
    Transaction {
        actions,
        publisher: publisher.into(),
        signers: vec![],
        gas_limit: jsvm_vm::DEFAULT_GAS_LIMIT,
        time,
        amount_limit: vec![],
    }
}

impl TokenChain {
    pub fn new(kind: StoreKind, holders: usize, config: VmConfig) -> Result<TokenChain, String> {
        let (store, dir): (Arc<dyn Store>, _) = match kind {
            StoreKind::Rocks => {
                let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
                let store = RocksStore::open(&dir.path().join("data")).map_err(|e| e.to_string())?;
                (Arc::new(store), Some(dir))
            }
            StoreKind::Memory => (Arc::new(MemStore::new()), None),
        };
        let vm = VmManager::new(store, config).map_err(|e| e.to_string())?;
        let abi: serde_json::Value = serde_json::from_str(TOKEN_ABI).map_err(|e| e.to_string())?;
        let code = json!({"info": abi, "code": TOKEN_JS}).to_string();
        let deploy =
            Action { contract: SYSTEM_CONTRACT.into(), action_name: "setCode".into(), data: json!([code]).to_string() };
        let mut chain = TokenChain { vm, id: String::new(), holders, clock: 1, next: 0, _dir: dir };
        let receipts = chain.run_block(vec![tx("admin", vec![deploy], 1)])?;
        chain.id = receipts[0].clone();
        // Fund the holders, 64 issues per transaction.
        let issues: Vec<Action> = (0..holders)
            .map(|i| Action {
                contract: chain.id.clone(),
                action_name: "issue".into(),
                data: json!([holder(i), "1000000000"]).to_string(),
            })
            .collect();
        let txs: Vec<Transaction> =
            issues.chunks(64).enumerate().map(|(i, a)| tx("admin", a.to_vec(), 2 + i as u64)).collect();
        chain.clock = 2 + txs.len() as u64;
        chain.run_block(txs)?;
        Ok(chain)
    }

    /// `n` transfers of 1 unit, each from one holder to the next, each signed by its sender.
    pub fn transfers(&mut self, n: usize) -> Vec<Transaction> {
        (0..n)
            .map(|_| {
                let (from, to) = (holder(self.next % self.holders), holder((self.next + 1) % self.holders));
                self.next += 1;
                self.clock += 1;
                let data = json!([from, to, "1", ""]).to_string();
                tx(&from, vec![Action { contract: self.id.clone(), action_name: "transfer".into(), data }], self.clock)
            })
            .collect()
    }

    /// Executes and commits one block; every transaction must succeed. Returns
    /// each transaction's first return value.
    pub fn run_block(&mut self, txs: Vec<Transaction>) -> Result<Vec<String>, String> {
        self.clock += 1;
        let out = self.vm.execute_block(txs, self.clock).map_err(|e| e.to_string())?;
        out.receipts
            .into_iter()
            .map(|r| {
                if r.status == Status::Success {
                    Ok(r.returns.into_iter().next().unwrap_or_default())
                } else {
                    Err(format!("a benchmark transaction failed: {}", r.message))
                }
            })
            .collect()
    }
}

/// Full-path transfers: `blocks` blocks of `per_block` transactions, one worker.
pub fn measure(kind: StoreKind, blocks: usize, per_block: usize) -> Result<Timing, String> {
    measure_on(jsvm_vm::EngineKind::QuickJs, kind, blocks, per_block)
}

/// [`measure`] with contracts on `engine`.
pub fn measure_on(
    engine: jsvm_vm::EngineKind,
    kind: StoreKind,
    blocks: usize,
    per_block: usize,
) -> Result<Timing, String> {
    let config = VmConfig { workers: 1, min_workers: 1, engine, ..VmConfig::default() };
    let mut chain = TokenChain::new(kind, 1000, config)?;
    let warm = chain.transfers(200);
    chain.run_block(warm)?;
    let mut seconds = 0.0;
    for _ in 0..blocks {
        let txs = chain.transfers(per_block);
        let t = Instant::now();
        chain.run_block(txs)?;
        seconds += t.elapsed().as_secs_f64();
    }
    Ok(Timing::new(blocks * per_block, seconds))
}
