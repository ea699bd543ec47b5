//! Criterion: one JS token transfer through the full path (a one-transaction
//! block, in-memory store) — the per-transaction cost beside the `jsvm-bench` binary's
//! throughput figures.

use criterion::{criterion_group, criterion_main, Criterion};
use jsvm_bench::token::{StoreKind, TokenChain};
use jsvm_vm::VmConfig;

fn transfer(c: &mut Criterion) {
    let config = VmConfig { workers: 1, min_workers: 1, ..VmConfig::default() };
    let mut chain = TokenChain::new(StoreKind::Memory, 100, config).expect("token chain");
    c.bench_function("token transfer, full path, 1-tx block, in-memory", |b| {
        b.iter(|| {
            let txs = chain.transfers(1);
            chain.run_block(txs).expect("transfer");
        })
    });
    let config = VmConfig { workers: 1, min_workers: 1, ..VmConfig::default() };
    let mut chain = TokenChain::new(StoreKind::Memory, 100, config).expect("token chain");
    c.bench_function("token transfer, full path, 100-tx block, in-memory (per block)", |b| {
        b.iter(|| {
            let txs = chain.transfers(100);
            chain.run_block(txs).expect("transfers");
        })
    });
}

criterion_group!(benches, transfer);
criterion_main!(benches);
