//! One committed ERC-20 transfer on revm: `cargo bench -p jsvm-revm-peer`.

use criterion::{criterion_group, criterion_main, Criterion};
use jsvm_revm_peer::{Erc20Chain, DEFAULT_HOLDERS};

fn committed_transfer(c: &mut Criterion) {
    let mut chain = Erc20Chain::new(DEFAULT_HOLDERS).expect("deploy and fund");
    // Warm-up outside the timing: every holder has sent once.
    chain.measure(0).expect("warm-up");
    let mut k = 0usize;
    c.bench_function("revm erc20 transfer (transact_commit)", |b| {
        b.iter(|| {
            let from = k % DEFAULT_HOLDERS;
            k += 1;
            chain.transfer(from, (from + 1) % DEFAULT_HOLDERS, 1).expect("transfer")
        })
    });
}

criterion_group!(benches, committed_transfer);
criterion_main!(benches);
