//! Parallel block execution equals sequential execution, byte for byte (docs/parallel.md).
//!
//! A seeded generator (tests/parallel/) makes chains: a setup block of accounts and contracts,
//! then random blocks of independent transfers, transfers among a few hot accounts, calls over
//! shared counters and maps, cross-contract reads, nested calls that write, throw and are
//! caught, whole-transaction rollbacks, deploys and updates with calls to the new code in the
//! same block (and before it), out of gas, errors, overspending, accounts made mid-block, and on
//! a chain that charges resources, publishers short of gas (left out) or RAM. Each chain runs on
//! a fresh sequential VM and on fresh parallel VMs at 2, 4 and 8 workers whose executor pauses
//! at random between tasks (`exec_jitter_seed`); every block must give the same receipts (their
//! JSON bytes), logs, left-out transactions, state root and block hash.
//!
//! A failure names the seed, the block and its first differing transaction (its kind, publisher
//! and actions, and both receipts), and the command that runs that chain alone
//! (`JSVM_PARALLEL_SEED=<seed> JSVM_PARALLEL_BLOCKS=<blocks> cargo test ... <test>`).
//!
//! `JSVM_PARALLEL_DUMP=1` prints every sequential receipt with the transaction it is for.
//!
//! Volume: `JSVM_PARALLEL_BLOCKS` random blocks for the main test (default 150: chains of 20),
//! a third as many on a charging chain, one chain on RocksDB, one block past the write bound;
//! the V8 comparison runs one chain where V8 is built. The default run takes about half a minute
//! on two cores (debug build). A long run, thousands of blocks (4,000 here, about 10 minutes on
//! two cores): `JSVM_PARALLEL_BLOCKS=3000 cargo test --workspace --test parallel_equivalence`;
//! with `JSVM_PARALLEL_SEED=<n>` other chains than the default ones.

mod parallel;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jsvm_state::{MemStore, RocksStore, Store};
use jsvm_test_util::{abi, action, set_code};
use jsvm_vm::Transaction;
use jsvm_vm::{BlockOutcome, EngineKind, ExecMode, ProposedBlock, VmConfig, VmManager};
use parallel::{generate, Flavour, GenBlock, GenChain, Kind};
use serde_json::json;

/// Random blocks of the main test when `JSVM_PARALLEL_BLOCKS` does not say.
const DEFAULT_BLOCKS: u64 = 150;
/// Random blocks of one generated chain.
const CHAIN_BLOCKS: usize = 20;
/// Worker counts of the parallel runs.
const WORKERS: [usize; 3] = [2, 4, 8];
/// A block of at least this many transactions must run in parallel (the executor runs blocks of
/// a few in order).
const MANY: usize = 8;

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| v.trim().parse().unwrap_or_else(|_| panic!("{name}={v:?} is not a number")))
}

/// Random blocks for a test: `JSVM_PARALLEL_BLOCKS` (or its default) times `share`, at least one chain's.
fn blocks_for(share: f64) -> usize {
    let total = env_number("JSVM_PARALLEL_BLOCKS").unwrap_or(DEFAULT_BLOCKS) as f64;
    ((total * share).round() as usize).max(1)
}

/// The seeds of `blocks` random blocks' chains, from `JSVM_PARALLEL_SEED` (or `default`).
fn chains(default: u64, blocks: usize) -> Vec<(u64, usize)> {
    let first = env_number("JSVM_PARALLEL_SEED").unwrap_or(default);
    let mut out = Vec::new();
    let mut left = blocks;
    let mut seed = first;
    while left > 0 {
        let n = left.min(CHAIN_BLOCKS);
        out.push((seed, n));
        left -= n;
        seed += 1;
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Backing {
    Memory,
    Rocks,
}

/// A VM over a fresh store (and the directory of a RocksDB one).
struct Vm {
    vm: VmManager,
    label: String,
    _dir: Option<tempfile::TempDir>,
}

fn open(backing: Backing, exec: ExecMode, workers: usize, engine: EngineKind, chain: &GenChain) -> Vm {
    let jitter = (exec == ExecMode::Parallel).then_some(chain.seed.wrapping_mul(31).wrapping_add(workers as u64));
    let config = VmConfig {
        exec,
        workers,
        exec_jitter_seed: jitter,
        engine,
        charge_resources: chain.charged,
        // Wall-clock deadlines are not consensus: on a loaded machine they would leave out
        // different transactions in different runs.
        tx_timeout: Duration::from_secs(300),
        validator_tx_timeout: Duration::from_secs(300),
        ..VmConfig::default()
    };
    let (store, dir): (Arc<dyn Store>, _) = match backing {
        Backing::Memory => (Arc::new(MemStore::new()), None),
        Backing::Rocks => {
            let dir = tempfile::tempdir().unwrap();
            (Arc::new(RocksStore::open(&dir.path().join("data")).unwrap()), Some(dir))
        }
    };
    let label = format!("{exec} {engine:?} {workers} workers on {backing:?}");
    Vm { vm: VmManager::new(store, config).unwrap(), label, _dir: dir }
}

/// What the runs of a test saw, for the vacuity checks and the coverage table.
#[derive(Default)]
struct Stats {
    /// Blocks run in parallel mode, and those of them with at least `MANY` transactions.
    blocks: usize,
    many: usize,
    /// Blocks of at least `MANY` that ran in order although parallel was asked for.
    many_in_order: Vec<String>,
    /// Blocks on which more than one worker took part.
    multi_worker: usize,
    /// Hot blocks run in parallel, and those with re-executions.
    hot: usize,
    hot_reexecuted: usize,
    executions: u64,
    transactions: u64,
    /// Sequential blocks whose stats claim parallel execution.
    sequential_claims_parallel: usize,
    /// (kind, status) → count, from the sequential runs; and transactions left out.
    statuses: BTreeMap<(Kind, String), usize>,
    left_out: usize,
}

fn kind_of(chain: &GenChain, block: usize, tx_hash: &str) -> (usize, Kind, String) {
    let b = &chain.blocks[block];
    for (i, tx) in b.txs.iter().enumerate() {
        if bs58::encode(tx.hash()).into_string() == tx_hash {
            let actions: Vec<String> =
                tx.actions.iter().map(|a| format!("{}.{}({})", a.contract, a.action_name, a.data)).collect();
            return (i, b.kinds[i], format!("by {}, gas limit {}: {}", tx.publisher, tx.gas_limit, actions.join(", ")));
        }
    }
    (usize::MAX, Kind::Setup, "not in the block".into())
}

/// Whether two runs' log lines must be equal: they hold the engine's own words (and its columns),
/// so only runs on one engine give the same lines.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Logs {
    Compared,
    OtherEngine,
}

/// The first difference between the sequential and a parallel outcome of block `i`.
fn difference(chain: &GenChain, i: usize, want: &BlockOutcome, got: &BlockOutcome, logs: Logs) -> Option<String> {
    let tx = |hash: &str| {
        let (at, kind, what) = kind_of(chain, i, hash);
        format!("transaction #{at} {hash} ({kind:?}, {what})")
    };
    if want.left_out != got.left_out {
        let first = want.left_out.iter().zip(&got.left_out).position(|(a, b)| a != b);
        let at = first.unwrap_or(want.left_out.len().min(got.left_out.len()));
        let (a, b) = (want.left_out.get(at), got.left_out.get(at));
        let hash = a.or(b).map(|l| l.tx_hash.clone()).unwrap_or_default();
        return Some(format!("left out differs at {}: sequential {a:?}, parallel {b:?}", tx(&hash)));
    }
    if want.receipts.len() != got.receipts.len() {
        return Some(format!("{} receipts in order, {} in parallel", want.receipts.len(), got.receipts.len()));
    }
    for (a, b) in want.receipts.iter().zip(&got.receipts) {
        let (ja, jb) = (serde_json::to_string(a).unwrap(), serde_json::to_string(b).unwrap());
        if ja != jb {
            return Some(format!("receipt of {} differs:\n  sequential {ja}\n  parallel   {jb}", tx(&a.tx_hash)));
        }
    }
    if logs == Logs::Compared && want.logs != got.logs {
        let at = want.logs.iter().zip(&got.logs).position(|(a, b)| a != b).unwrap_or(0);
        return Some(format!(
            "logs differ at entry {at}:\n  sequential {:?}\n  parallel   {:?}",
            want.logs.get(at),
            got.logs.get(at)
        ));
    }
    if want.state_root != got.state_root {
        return Some(format!(
            "state root differs (receipts equal): sequential {}, parallel {}",
            hex::encode(want.state_root),
            hex::encode(got.state_root)
        ));
    }
    if (want.height, want.block_hash) != (got.height, got.block_hash) {
        return Some(format!(
            "block hash differs: sequential {} at {}, parallel {} at {}",
            hex::encode(want.block_hash),
            want.height,
            hex::encode(got.block_hash),
            got.height
        ));
    }
    None
}

fn where_(chain: &GenChain, i: usize, label: &str) -> String {
    let b = &chain.blocks[i];
    format!(
        "seed {} ({}), block {i} of {} ({:?}, {} transactions), {label}",
        chain.seed,
        if chain.charged { "charging resources" } else { "free" },
        chain.blocks.len(),
        b.flavour,
        b.txs.len()
    )
}

/// Runs `chain` on a fresh VM and returns each block's outcome; the generator's own
/// mistakes (a block refused whole, a setup transaction that failed) fail here.
fn reference(chain: &GenChain, backing: Backing, engine: EngineKind, stats: &mut Stats) -> Vec<BlockOutcome> {
    let vm = open(backing, ExecMode::Sequential, 1, engine, chain);
    let mut out = Vec::new();
    for (i, b) in chain.blocks.iter().enumerate() {
        let o = vm
            .vm
            .execute_block(b.txs.clone(), b.time)
            .unwrap_or_else(|e| panic!("{}: {e}", where_(chain, i, &vm.label)));
        if b.flavour == Flavour::Setup {
            for r in &o.receipts {
                assert_eq!(r.status, jsvm_vm::Status::Success, "setup of seed {}: {}", chain.seed, r.message);
            }
            assert!(o.left_out.is_empty(), "setup of seed {}: {:?}", chain.seed, o.left_out);
        }
        stats.sequential_claims_parallel += usize::from(o.exec.parallel);
        let dump = std::env::var("JSVM_PARALLEL_DUMP").is_ok();
        for r in &o.receipts {
            let (at, kind, what) = kind_of(chain, i, &r.tx_hash);
            if dump {
                eprintln!("block {i} #{at} {kind:?} {what}\n  {} {:?} {}", r.status.name(), r.returns, r.message);
            }
            *stats.statuses.entry((kind, r.status.name().to_string())).or_default() += 1;
        }
        stats.left_out += o.left_out.len();
        for l in &o.left_out {
            let (at, kind, what) = kind_of(chain, i, &l.tx_hash);
            if dump {
                eprintln!("block {i} #{at} {kind:?} {what}\n  LEFT OUT: {}", l.reason);
            }
            *stats.statuses.entry((kind, "LEFT_OUT".into())).or_default() += 1;
        }
        out.push(o);
    }
    out
}

/// Runs `chain` on a fresh parallel VM and compares each block with `want`; the error says
/// where the first difference is.
fn compare_parallel(
    chain: &GenChain,
    want: &[BlockOutcome],
    vm: Vm,
    logs: Logs,
    stats: &mut Stats,
) -> Result<(), String> {
    for (i, b) in chain.blocks.iter().enumerate() {
        let run = catch_unwind(AssertUnwindSafe(|| vm.vm.execute_block(b.txs.clone(), b.time)));
        let got = match run {
            Ok(Ok(got)) => got,
            Ok(Err(e)) => return Err(format!("{}: {e}", where_(chain, i, &vm.label))),
            Err(panic) => return Err(format!("{}: panicked: {}", where_(chain, i, &vm.label), panic_text(&panic))),
        };
        if let Some(d) = difference(chain, i, &want[i], &got, logs) {
            return Err(format!("{}: {d}", where_(chain, i, &vm.label)));
        }
        let n = b.txs.len();
        stats.blocks += 1;
        stats.executions += got.exec.executions;
        stats.transactions += n as u64;
        stats.multi_worker += usize::from(got.exec.parallel && got.exec.workers > 1);
        if n >= MANY {
            stats.many += 1;
            if !got.exec.parallel {
                stats.many_in_order.push(format!("block {i} of seed {} ({n} txs, {})", chain.seed, vm.label));
            }
        }
        if b.flavour == Flavour::Hot && got.exec.parallel {
            stats.hot += 1;
            stats.hot_reexecuted += usize::from(got.exec.executions > n as u64);
        }
    }
    Ok(())
}

/// Validates each block of `chain` as another node's (`validate_block`, which re-executes it
/// with the same executor) on a fresh parallel VM, given the sequential VM's receipts and root.
fn validate_parallel(chain: &GenChain, want: &[BlockOutcome], vm: Vm) -> Result<(), String> {
    for (i, b) in chain.blocks.iter().enumerate() {
        let left_out: Vec<&str> = want[i].left_out.iter().map(|l| l.tx_hash.as_str()).collect();
        let txs = b.txs.iter().filter(|t| !left_out.contains(&bs58::encode(t.hash()).into_string().as_str())).cloned();
        let block = ProposedBlock {
            txs: txs.collect(),
            time: b.time,
            witness: "jsvm".into(),
            receipts: want[i].receipts.clone(),
            state_root: want[i].state_root,
        };
        let label = format!("{} validating", vm.label);
        let got = match catch_unwind(AssertUnwindSafe(|| vm.vm.validate_block(&block))) {
            Ok(Ok(got)) => got,
            Ok(Err(e)) => return Err(format!("{}: {e}", where_(chain, i, &label))),
            Err(panic) => return Err(format!("{}: panicked: {}", where_(chain, i, &label), panic_text(&panic))),
        };
        if got.state_root != want[i].state_root || got.block_hash != want[i].block_hash {
            return Err(format!("{}: the validated block differs from the one made", where_(chain, i, &label)));
        }
    }
    Ok(())
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    let text = panic.downcast_ref::<String>().map(String::as_str).or_else(|| panic.downcast_ref::<&str>().copied());
    text.unwrap_or("(no message)").to_string()
}

/// How to run the chain of a failure alone.
fn reproduce(test: &str, chain: &GenChain) -> String {
    format!(
        "reproduce: JSVM_PARALLEL_SEED={} JSVM_PARALLEL_BLOCKS={} cargo test --workspace --test parallel_equivalence {test}",
        chain.seed,
        chain.blocks.len() - 1
    )
}

/// Each chain of `seeds` in order and in parallel at every worker count of `workers`.
fn check(name: &str, seeds: &[(u64, usize)], charged: bool, backing: Backing, workers: &[usize]) -> Stats {
    let started = Instant::now();
    let mut stats = Stats::default();
    let mut failures = Vec::new();
    for &(seed, blocks) in seeds {
        let chain = generate(seed, charged, blocks);
        let want = reference(&chain, backing, EngineKind::QuickJs, &mut stats);
        for &w in workers {
            let vm = open(backing, ExecMode::Parallel, w, EngineKind::QuickJs, &chain);
            if let Err(e) = compare_parallel(&chain, &want, vm, Logs::Compared, &mut stats) {
                failures.push(format!("{e}\n{}", reproduce(name, &chain)));
            }
        }
        let validator = open(backing, ExecMode::Parallel, *workers.last().unwrap(), EngineKind::QuickJs, &chain);
        if let Err(e) = validate_parallel(&chain, &want, validator) {
            failures.push(format!("{e}\n{}", reproduce(name, &chain)));
        }
    }
    report(name, &stats, started);
    assert!(
        failures.is_empty(),
        "{name}: {} runs differ from sequential:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert_eq!(stats.sequential_claims_parallel, 0, "a sequential VM reported a parallel block");
    stats
}

fn report(name: &str, stats: &Stats, started: Instant) {
    let mut table = String::new();
    for ((kind, status), n) in &stats.statuses {
        table.push_str(&format!("\n  {kind:?} {status}: {n}"));
    }
    eprintln!(
        "{name}: {:.1} s; {} parallel block runs ({} of {MANY}+ txs, {} with several workers), {} executions of {} \
         transactions, {} of {} hot blocks re-executed, {} left out in order; statuses in order:{table}",
        started.elapsed().as_secs_f64(),
        stats.blocks,
        stats.many,
        stats.multi_worker,
        stats.executions,
        stats.transactions,
        stats.hot_reexecuted,
        stats.hot,
        stats.left_out,
    );
}

/// The parallel runs really ran in parallel, and conflicts really made re-executions.
fn assert_not_vacuous(name: &str, stats: &Stats) {
    assert!(stats.many > 0, "{name}: no block of {MANY}+ transactions");
    assert!(
        stats.many_in_order.is_empty(),
        "{name}: {} of {} blocks of {MANY}+ transactions ran in order in parallel mode, e.g. {}",
        stats.many_in_order.len(),
        stats.many,
        stats.many_in_order[0]
    );
    assert!(stats.multi_worker > 0, "{name}: no block ran on more than one worker");
    assert!(stats.hot > 0, "{name}: no hot block ran in parallel");
    assert!(stats.hot_reexecuted > 0, "{name}: no hot block re-executed a transaction ({} hot blocks)", stats.hot);
}

/// The generator made what it is meant to: each kind ends as it should at least once.
fn assert_covered(name: &str, stats: &Stats, expected: &[(Kind, &str)]) {
    let missing: Vec<String> = expected
        .iter()
        .filter(|(k, s)| !stats.statuses.contains_key(&(*k, s.to_string())))
        .map(|(k, s)| format!("{k:?} {s}"))
        .collect();
    assert!(missing.is_empty(), "{name}: the generated chains never had {}", missing.join(", "));
}

#[test]
fn generated_chains_run_in_parallel_give_the_blocks_they_give_in_order() {
    let blocks = blocks_for(1.0);
    let stats = check(
        "generated_chains_run_in_parallel_give_the_blocks_they_give_in_order",
        &chains(0x5eed_0001, blocks),
        false,
        Backing::Memory,
        &WORKERS,
    );
    if blocks >= 100 {
        use Kind::*;
        assert_covered(
            "generated_chains_run_in_parallel_give_the_blocks_they_give_in_order",
            &stats,
            &[
                (ColdTransfer, "SUCCESS"),
                (HotTransfer, "SUCCESS"),
                (HotTransfer, "RUNTIME_ERROR"),
                (Overspend, "RUNTIME_ERROR"),
                (Freeze, "SUCCESS"),
                (StoreCall, "SUCCESS"),
                (Peek, "SUCCESS"),
                (Nested, "SUCCESS"),
                (Relay, "SUCCESS"),
                (Relay, "RUNTIME_ERROR"),
                (Rollback, "RUNTIME_ERROR"),
                (MultiAction, "SUCCESS"),
                (Deploy, "SUCCESS"),
                (BadDeploy, "RUNTIME_ERROR"),
                (Update, "SUCCESS"),
                (Update, "RUNTIME_ERROR"),
                (CallNew, "SUCCESS"),
                (CallNew, "RUNTIME_ERROR"),
                (OutOfGas, "GAS_RUN_OUT"),
                (OutOfGas, "SUCCESS"),
                (Error, "RUNTIME_ERROR"),
                (SignUp, "SUCCESS"),
                (TokenContract, "SUCCESS"),
                (TokenContract, "RUNTIME_ERROR"),
                (PayerRam, "SUCCESS"),
                (Signed, "SUCCESS"),
                (Signed, "LEFT_OUT"),
                (Permission, "SUCCESS"),
                (Permission, "RUNTIME_ERROR"),
            ],
        );
    } else {
        eprintln!("coverage not checked: fewer than 100 blocks");
    }
    assert_not_vacuous("generated_chains_run_in_parallel_give_the_blocks_they_give_in_order", &stats);
}

#[test]
fn a_chain_that_charges_gas_and_ram_gives_the_same_blocks_in_parallel() {
    let blocks = blocks_for(1.0 / 3.0).max(CHAIN_BLOCKS);
    let stats = check(
        "a_chain_that_charges_gas_and_ram_gives_the_same_blocks_in_parallel",
        &chains(0xc0a1_0001, blocks),
        true,
        Backing::Memory,
        &WORKERS,
    );
    assert!(stats.left_out > 0, "no publisher short of gas was left out");
    assert!(
        stats.statuses.keys().any(|(_, s)| s == "BALANCE_NOT_ENOUGH"),
        "no payer was short of RAM: {:?}",
        stats.statuses.keys().map(|(_, s)| s).collect::<std::collections::BTreeSet<_>>()
    );
    assert_not_vacuous("a_chain_that_charges_gas_and_ram_gives_the_same_blocks_in_parallel", &stats);
}

#[test]
fn a_rocksdb_chain_gives_the_same_blocks_in_parallel() {
    let stats = check(
        "a_rocksdb_chain_gives_the_same_blocks_in_parallel",
        &chains(0x0ac5_0001, CHAIN_BLOCKS),
        false,
        Backing::Rocks,
        &[4],
    );
    assert!(stats.many > 0 && stats.many_in_order.is_empty(), "{:?}", stats.many_in_order.first());
}

/// V8 in parallel against QuickJS in order: the engines agree byte for byte (docs/engines.md),
/// and so do the executors (all but the log lines, which are each engine's own words).
#[test]
fn v8_in_parallel_gives_the_blocks_quickjs_gives_in_order() {
    if !EngineKind::V8.is_built() {
        eprintln!("skipped: this build has no V8 (make test-v8 runs it)");
        return;
    }
    let mut stats = Stats::default();
    let mut failures = Vec::new();
    for (seed, blocks) in chains(0x0e18_0001, CHAIN_BLOCKS / 2) {
        let chain = generate(seed, false, blocks);
        let want = reference(&chain, Backing::Memory, EngineKind::QuickJs, &mut stats);
        let vm = open(Backing::Memory, ExecMode::Parallel, 4, EngineKind::V8, &chain);
        if let Err(e) = compare_parallel(&chain, &want, vm, Logs::OtherEngine, &mut stats) {
            failures
                .push(format!("{e}\n{}", reproduce("v8_in_parallel_gives_the_blocks_quickjs_gives_in_order", &chain)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_generator_is_a_function_of_its_seed() {
    let a = generate(7, true, 5);
    let b = generate(7, true, 5);
    let c = generate(8, true, 5);
    let bytes = |g: &GenChain| -> Vec<Vec<u8>> {
        g.blocks.iter().flat_map(|b| b.txs.iter().map(|t| t.canonical_bytes())).collect()
    };
    assert_eq!(bytes(&a), bytes(&b));
    assert_ne!(bytes(&a), bytes(&c));
}

/// Writes 64 KiB values: a few dozen such transactions pass the block's write bound.
const FILLER: &str = r#"
class Filler {
    init() {}
    fill(start, n) {
        const v = "x".repeat(65536);
        for (let i = start; i < start + n; i++) storage.put("k" + i, v);
        return n;
    }
    note(k) {
        const n = Number(storage.get("n" + k) ?? "0") + 1;
        storage.put("n" + k, String(n));
        return n;
    }
}
module.exports = Filler;
"#;

/// Which transactions a full block leaves out depends on the order: the parallel executor must
/// leave out the ones the sequential one does (docs/parallel.md: it runs such a block again in
/// order), and the small writes after the bound still land.
#[test]
fn a_block_past_its_write_bound_leaves_out_the_same_transactions_in_parallel() {
    let tx = |n: u64, a: jsvm_vm::Action| Transaction::new("admin", vec![a]).with_time(n);
    let deploy = tx(1, set_code(FILLER, &abi(&[("fill", &["number", "number"]), ("note", &["number"])])));
    let id = jsvm_runtime::contract_id_for(&deploy.hash());
    let mut full = GenBlock { txs: Vec::new(), kinds: Vec::new(), time: 2_000_000_000, flavour: Flavour::Mixed };
    // 24 transactions of 50 values of 64 KiB: about 80 MB, past the 64 MiB bound.
    for i in 0..24u64 {
        full.txs.push(tx(10 + i, action(&id, "fill", json!([i * 50, 50]))));
        full.txs.push(tx(100 + i, action(&id, "note", json!([i % 3]))));
        full.kinds.extend([Kind::PayerRam, Kind::StoreCall]);
    }
    let next = GenBlock {
        txs: (0..6).map(|i| tx(200 + i, action(&id, "note", json!([i % 3])))).collect(),
        kinds: vec![Kind::StoreCall; 6],
        time: 3_000_000_000,
        flavour: Flavour::Contracts,
    };
    let setup = GenBlock { txs: vec![deploy], kinds: vec![Kind::Setup], time: 1_000_000_000, flavour: Flavour::Setup };
    let chain = GenChain { seed: 0, charged: false, blocks: vec![setup, full, next] };
    let mut stats = Stats::default();
    let want = reference(&chain, Backing::Memory, EngineKind::QuickJs, &mut stats);
    assert!(!want[1].left_out.is_empty(), "the block did not pass its bound");
    assert!(want[1].receipts.len() > 24, "the small writes after the bound were left out too");
    let vm = open(Backing::Memory, ExecMode::Parallel, 4, EngineKind::QuickJs, &chain);
    compare_parallel(&chain, &want, vm, Logs::Compared, &mut stats).unwrap();
}
