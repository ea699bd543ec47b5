//! Throughput with 1, 2, … N workers on independent read-only transactions.
//!
//! The workers' scaling on queries (`query`, the full execution path without the commit) sent by
//! as many clients as there are workers. Blocks of transfers on the parallel executor are
//! measured in [`crate::parallel_blocks`].

use std::sync::Arc;
use std::time::Instant;

use jsvm_vm::{Status, VmConfig};

use crate::token::{StoreKind, TokenChain};

/// What the output says about parallel block execution.
pub const BLOCK_PARALLELISM: &str = "parallel block execution: Block-STM (ExecMode::Parallel, the default; \
     jsvm-blockstm): a block's transactions run on up to `workers` workers with the receipts and state root of \
     running them in order (the parallel-blocks table below)";

/// Query throughput at one worker count.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScalingPoint {
    /// Workers in the VM's pool, and clients sending queries at once.
    pub workers: usize,
    /// Queries per second, all clients together.
    pub tps: f64,
    /// tps ÷ the one-worker tps.
    pub speedup: f64,
}

/// Query throughput with each worker count in `counts`, `per_client` transfers per client.
pub(crate) fn measure(counts: &[usize], per_client: usize) -> Result<Vec<ScalingPoint>, String> {
    let mut out: Vec<ScalingPoint> = Vec::new();
    for &n in counts {
        let config = VmConfig { workers: n, min_workers: n, ..VmConfig::default() };
        let mut chain = TokenChain::new(StoreKind::Memory, 1000, config)?;
        let batches: Vec<_> = (0..n).map(|_| chain.transfers(per_client)).collect();
        let chain = Arc::new(chain);
        let t = Instant::now();
        let clients: Vec<_> = batches
            .into_iter()
            .map(|txs| {
                let chain = chain.clone();
                std::thread::spawn(move || -> Result<(), String> {
                    for tx in txs {
                        let (r, _) = chain.vm().query(tx).map_err(|e| e.to_string())?;
                        if r.status != Status::Success {
                            return Err(format!("a benchmark query failed: {}", r.message));
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        for c in clients {
            c.join().map_err(|_| "a benchmark client panicked".to_string())??;
        }
        let tps = (n * per_client) as f64 / t.elapsed().as_secs_f64();
        let base = out.first().map_or(tps, |p| p.tps);
        out.push(ScalingPoint { workers: n, tps, speedup: tps / base });
    }
    Ok(out)
}
