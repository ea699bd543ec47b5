//! The JS token (examples/token) through the full path: VmManager, metering,
//! journal, receipts and block commit, over RocksDB or the in-memory store.

use std::time::Instant;

use jsvm_test_util::Chain;
pub use jsvm_test_util::StoreKind;
use jsvm_vm::{contract_json, Action, Status, Transaction, VmConfig, VmManager};
use serde_json::json;

use crate::Timing;

/// The contract every row runs: an ERC-20-like token in IOST's style.
pub const TOKEN_JS: &str = include_str!("../../../examples/token/token.js");
/// The token's ABI: its methods and their argument types.
pub const TOKEN_ABI: &str = include_str!("../../../examples/token/token.abi");

/// A chain with the token deployed and `holders` funded accounts.
pub struct TokenChain {
    chain: Chain,
    /// The deployed token's contract id, as `setCode` returned it.
    pub id: String,
    holders: usize,
    next: usize,
}

/// Accounts the benchmark's token rows issue the token to.
pub const HOLDERS: usize = 1000;

/// The name of the `i`th holder.
pub fn holder(i: usize) -> String {
    format!("holder{i}")
}

/// The `i`th transfer among `holders` accounts, the same in every row of the benchmark: 1 unit
/// from `holder{i mod holders}` to the next holder. Returns the sender and the arguments (JSON).
pub fn transfer_args(i: usize, holders: usize) -> (String, String) {
    let from = holder(i % holders);
    let data = json!([from, holder((i + 1) % holders), "1", ""]).to_string();
    (from, data)
}

impl TokenChain {
    /// Opens a chain on `kind` with `config`, deploys the token as `admin` and issues each of
    /// `holders` accounts (`holder0`…) 1,000,000,000 units.
    pub fn new(kind: StoreKind, holders: usize, config: VmConfig) -> Result<TokenChain, String> {
        let chain = Chain::open(kind, config)?;
        let abi: serde_json::Value = serde_json::from_str(TOKEN_ABI).map_err(|e| e.to_string())?;
        let deploy = Action::set_code(contract_json(TOKEN_JS, &abi, None));
        let deploy = Transaction::new("admin", vec![deploy]).with_time(chain.tick());
        let mut chain = TokenChain { chain, id: String::new(), holders, next: 0 };
        let receipts = chain.run_block(vec![deploy])?;
        chain.id = receipts[0].clone();
        // Fund the holders, 64 issues per transaction.
        let issues: Vec<Action> = (0..holders)
            .map(|i| Action::new(chain.id.clone(), "issue", json!([holder(i), "1000000000"]).to_string()))
            .collect();
        let txs: Vec<Transaction> =
            issues.chunks(64).map(|a| Transaction::new("admin", a.to_vec()).with_time(chain.chain.tick())).collect();
        chain.run_block(txs)?;
        Ok(chain)
    }

    /// The chain's VM, for sending transactions and queries directly.
    pub fn vm(&self) -> &VmManager {
        &self.chain.vm
    }

    /// `n` transfers of 1 unit, each from one holder to the next, each signed by its sender.
    pub fn transfers(&mut self, n: usize) -> Vec<Transaction> {
        (0..n)
            .map(|_| {
                let (from, data) = transfer_args(self.next, self.holders);
                self.next += 1;
                let transfer = Action::new(self.id.clone(), "transfer", data);
                Transaction::new(from, vec![transfer]).with_time(self.chain.tick())
            })
            .collect()
    }

    /// Executes and commits one block; every transaction must succeed. Returns
    /// each transaction's first return value.
    pub fn run_block(&mut self, txs: Vec<Transaction>) -> Result<Vec<String>, String> {
        let out = self.chain.vm.execute_block(txs, self.chain.tick()).map_err(|e| e.to_string())?;
        if let Some(left_out) = out.left_out.first() {
            return Err(format!("a benchmark transaction was left out of its block: {}", left_out.reason));
        }
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
    measure_with(VmConfig { engine, ..VmConfig::default() }, kind, blocks, per_block)
}

/// [`measure`] with `config` (its engine, timeouts and prices; always one worker).
pub fn measure_with(config: VmConfig, kind: StoreKind, blocks: usize, per_block: usize) -> Result<Timing, String> {
    let config = VmConfig { workers: 1, min_workers: 1, ..config };
    let mut chain = TokenChain::new(kind, HOLDERS, config)?;
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
