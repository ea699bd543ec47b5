//! A fixed workload for profilers: `transfer_loop [BLOCKS] [PER_BLOCK] [memory|rocksdb|bare] [quickjs|v8]`
//! runs token transfers through the full path (one worker), or `bare`: BLOCKS × PER_BLOCK runs of the
//! metered contract on the bare engine, and prints µs per transfer.
//! `perf record -g` or `valgrind --tool=callgrind` around it shows where a transfer's time goes;
//! the performance guard (scripts/perf-guard.sh) counts its instructions.

use std::time::Duration;

use jsvm_bench::token::{measure_with, StoreKind};
use jsvm_vm::{EngineKind, VmConfig};

fn main() -> Result<(), String> {
    jsvm_alloc::configure_process();
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.to_string());
    let blocks: usize = arg(1, "20").parse().map_err(|e| format!("BLOCKS: {e}"))?;
    let per_block: usize = arg(2, "500").parse().map_err(|e| format!("PER_BLOCK: {e}"))?;
    let engine = if arg(4, "quickjs") == "v8" { EngineKind::V8 } else { EngineKind::QuickJs };
    // Under valgrind a transaction runs tens of times slower than its 1 s deadline allows: a
    // deadline far away keeps every transaction in its block, and a worker that never idles out
    // (its engine and realm are not built again between blocks), so the work counted is the same.
    let far = Duration::from_secs(3600);
    let config = VmConfig { engine, tx_timeout: far, worker_idle: far, ..VmConfig::default() };
    let timing = match arg(3, "rocksdb").as_str() {
        "bare" => jsvm_bench::bare_engine(engine, true, blocks * per_block)?,
        "memory" => measure_with(config, StoreKind::Memory, blocks, per_block)?,
        _ => measure_with(config, StoreKind::Rocks, blocks, per_block)?,
    };
    println!("{:.2} µs/tx ({} transfers)", timing.us_per_tx, timing.txs);
    Ok(())
}
