//! Criterion: Block-STM's own cost on a block of 10,000 independent transfer-shaped transactions
//! with no engine in them: each compares a 6 KB contract record in place (as every contract call
//! loads its record), reads two balances and writes both. Beside it the same block run in order
//! over one overlay, as the VM's sequential path does. The difference between `in order` and
//! `parallel, 1 participant` is the multi-version store's and the scheduler's price per
//! transaction; `parallel, 2 participants` shows how that part scales. Each block's memory is freed
//! inside the measurement: freeing a block's multi-version store is work a node does too.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use jsvm_blockstm::{Options, ParallelBlock, TxExecute, TxIndex};
use jsvm_state::{BlockCommit, BlockOverlay, Lookup, MemStore, StateRead, Store, TxState, Writes};

#[global_allocator]
static ALLOCATOR: jsvm_alloc::Allocator = jsvm_alloc::Allocator;

const TXS: usize = 10_000;
const RECORD: &[u8] = b"contract/token";

fn balance_key(account: &str, i: usize) -> Vec<u8> {
    format!("m/Contract7sYCd3/balances/{account}{i}").into_bytes()
}

fn record_value() -> Vec<u8> {
    (0..6 * 1024).map(|i| b'a' + (i % 26) as u8).collect()
}

fn base_state() -> Arc<dyn StateRead> {
    let store = MemStore::new();
    let mut commit = BlockCommit { height: 1, ..Default::default() };
    commit.state.insert(RECORD.to_vec(), Some(record_value()));
    for i in 0..TXS {
        for account in ["sender", "recv"] {
            commit.state.insert(balance_key(account, i), Some(b"1000000000".to_vec()));
        }
    }
    store.commit_block(commit).expect("the base state");
    store.snapshot().1
}

/// Transaction `i`: moves 1 from `sender{i}` to `recv{i}`.
fn transfer(i: TxIndex, view: Arc<dyn StateRead>, record: &[u8]) -> (u64, Writes) {
    let mut state = TxState::new(view);
    let unchanged = state.get_if_changed(RECORD, record).expect("record") == Lookup::Unchanged;
    let (from, to) = (balance_key("sender", i), balance_key("recv", i));
    let amount = |state: &TxState, key: &[u8]| -> u64 {
        let bytes = state.get(key).expect("balance").unwrap_or_default();
        String::from_utf8_lossy(&bytes).parse().unwrap_or(0)
    };
    let (a, b) = (amount(&state, &from), amount(&state, &to));
    state.put(from, (a - 1).to_string().into_bytes());
    state.put(to, (b + 1).to_string().into_bytes());
    (u64::from(unchanged), state.into_writes())
}

struct Transfers<'a>(&'a [u8]);

impl TxExecute for Transfers<'_> {
    type Output = u64;
    fn execute(&mut self, tx: TxIndex, view: Arc<dyn StateRead>) -> (u64, Writes) {
        transfer(tx, view, self.0)
    }
}

fn executor(c: &mut Criterion) {
    jsvm_alloc::configure_process();
    let base = base_state();
    let record = record_value();
    let mut group = c.benchmark_group("blockstm, 10,000 independent transfers");
    group.sample_size(10);
    group.bench_function("in order, one overlay", |b| {
        b.iter(|| {
            let overlay = Arc::new(BlockOverlay::new(base.clone()));
            let view: Arc<dyn StateRead> = overlay.clone();
            for i in 0..TXS {
                let (_, writes) = transfer(i, view.clone(), &record);
                overlay.apply(writes);
            }
            drop(overlay);
        })
    });
    for participants in [1, 2] {
        group.bench_function(format!("parallel, {participants} participants"), |b| {
            b.iter_batched(
                || ParallelBlock::new(base.clone(), TXS, Options::default()),
                |block| {
                    std::thread::scope(|s| {
                        for _ in 0..participants {
                            s.spawn(|| block.participate(&mut Transfers(&record)));
                        }
                    });
                    let outputs = block.take_outputs().expect("outputs");
                    assert_eq!(outputs.iter().map(|(unchanged, _)| unchanged).sum::<u64>(), TXS as u64);
                    let writes = block.take_writes(participants).expect("writes");
                    drop((block, outputs, writes));
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, executor);
criterion_main!(benches);
