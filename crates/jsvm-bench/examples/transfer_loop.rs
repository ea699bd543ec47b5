//! A fixed workload for profilers: `transfer_loop [BLOCKS] [PER_BLOCK] [memory|rocksdb] [quickjs|v8]`
//! runs token transfers through the full path (one worker) and prints µs per transfer.
//! `perf record -g` or `valgrind --tool=callgrind` around it shows where a transfer's time goes;
//! the performance guard (scripts/perf-guard.sh) counts its instructions.

use std::time::Duration;

use jsvm_bench::token::{measure_with, StoreKind};
use jsvm_vm::{EngineKind, VmConfig};

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.to_string());
    let blocks: usize = arg(1, "20").parse().map_err(|e| format!("BLOCKS: {e}"))?;
    let per_block: usize = arg(2, "500").parse().map_err(|e| format!("PER_BLOCK: {e}"))?;
    let store = if arg(3, "rocksdb") == "memory" { StoreKind::Memory } else { StoreKind::Rocks };
    let engine = if arg(4, "quickjs") == "v8" { EngineKind::V8 } else { EngineKind::QuickJs };
    // Under valgrind a transaction runs tens of times slower than its 1 s deadline allows: a
    // deadline far away keeps every transaction in its block, so the work counted is the same.
    let config = VmConfig { engine, tx_timeout: Duration::from_secs(120), ..VmConfig::default() };
    let timing = measure_with(config, store, blocks, per_block)?;
    println!("{:.2} µs/tx ({} transfers)", timing.us_per_tx, timing.txs);
    Ok(())
}
