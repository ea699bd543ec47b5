//! Random blocks of small programs over a few keys, run in order and by Block-STM at several
//! thread counts with perturbed schedules: every output and the block's writes must be the same.

use std::collections::BTreeMap;
use std::sync::Arc;

use jsvm_blockstm::{Options, ParallelBlock, Stats, TxExecute, TxIndex};
use jsvm_state::{BlockCommit, Lookup, MemStore, StateError, StateRead, Store, TxState, Writes};

/// A step of a test transaction.
#[derive(Debug, Clone)]
enum Step {
    /// Adds the number at `from` (0 when absent) plus a constant to the accumulator.
    Read(u8),
    /// Asks whether a key still holds the value the accumulator would write
    /// (`get_if_changed`, compared in place) and adds what it answered.
    ReadIfChanged(u8),
    /// Adds the count and total length of the entries under a prefix.
    Scan(u8),
    /// Writes the accumulator to a key.
    Write(u8),
    /// Deletes a key.
    Delete(u8),
    /// Stops the program with a failure when the accumulator is odd: the writes are dropped.
    FailIfOdd,
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn key(k: u8) -> Vec<u8> {
    format!("p{}/{k}", k % 3).into_bytes()
}

fn program(rng: &mut Rng, keys: u8) -> Vec<Step> {
    (0..1 + rng.below(6))
        .map(|_| match rng.below(10) {
            0..=2 => Step::Read(rng.below(keys as u64) as u8),
            3 => Step::ReadIfChanged(rng.below(keys as u64) as u8),
            4 => Step::Scan(rng.below(3) as u8),
            5..=7 => Step::Write(rng.below(keys as u64) as u8),
            8 => Step::Delete(rng.below(keys as u64) as u8),
            _ => Step::FailIfOdd,
        })
        .collect()
}

/// Runs `steps` as transaction `tx` over `base`: its output (a trace) and its writes.
fn run(tx: TxIndex, steps: &[Step], base: Arc<dyn StateRead>) -> (Result<Vec<u64>, String>, Writes) {
    let mut state = TxState::new(base);
    let mut acc = tx as u64;
    let mut trace = Vec::new();
    let mut go = || -> Result<(), StateError> {
        for step in steps {
            match step {
                Step::Read(k) => {
                    let v = state.get(&key(*k))?.map_or(0, |v| String::from_utf8_lossy(&v).parse().unwrap_or(0));
                    acc = acc.wrapping_mul(31).wrapping_add(v);
                }
                Step::ReadIfChanged(k) => {
                    // Half the time the base's value, so that some answers are `Unchanged`.
                    let known = if acc.is_multiple_of(2) { "7".to_string() } else { (acc % 1000).to_string() };
                    let answer = match state.get_if_changed(&key(*k), known.as_bytes())? {
                        Lookup::Missing => 1,
                        Lookup::Unchanged => 2,
                        Lookup::Changed(v) => 3 + String::from_utf8_lossy(&v).parse::<u64>().unwrap_or(0),
                    };
                    acc = acc.wrapping_mul(37).wrapping_add(answer);
                }
                Step::Scan(p) => {
                    let entries = state.scan_prefix(format!("p{p}/").as_bytes())?;
                    acc = acc.wrapping_add(
                        entries.len() as u64 * 7 + entries.iter().map(|(_, v)| v.len() as u64).sum::<u64>(),
                    );
                }
                Step::Write(k) => state.put(key(*k), (acc % 1000).to_string().into_bytes()),
                Step::Delete(k) => state.del(key(*k)),
                Step::FailIfOdd => {
                    if acc % 2 == 1 {
                        return Err(StateError::Db("odd".into()));
                    }
                }
            }
            trace.push(acc);
        }
        Ok(())
    };
    match go() {
        Ok(()) => (Ok(trace), state.into_writes()),
        Err(e) => (Err(e.to_string()), Writes::new()),
    }
}

struct Programs<'a>(&'a [Vec<Step>]);

impl TxExecute for Programs<'_> {
    type Output = Result<Vec<u64>, String>;
    fn execute(&mut self, tx: TxIndex, view: Arc<dyn StateRead>) -> (Self::Output, Writes) {
        run(tx, &self.0[tx], view)
    }
}

fn base_state() -> Arc<dyn StateRead> {
    let store = MemStore::new();
    let mut commit = BlockCommit { height: 1, ..Default::default() };
    for k in [0u8, 2, 5] {
        commit.state.insert(key(k), Some(b"7".to_vec()));
    }
    store.commit_block(commit).unwrap();
    store.snapshot().1
}

type Outcome = (Vec<Result<Vec<u64>, String>>, Writes);

fn sequential(programs: &[Vec<Step>]) -> Outcome {
    let base = base_state();
    let mut block = BTreeMap::new();
    let mut outputs = Vec::new();
    for (i, p) in programs.iter().enumerate() {
        let overlay = Arc::new(jsvm_state::BlockOverlay::new(base.clone()));
        overlay.apply(block.clone());
        let (out, writes) = run(i, p, overlay);
        block.extend(writes);
        outputs.push(out);
    }
    (outputs, block)
}

/// Runs `programs` on `threads` participants, every one of them working all the time (no
/// throttle), with pauses from `seed`.
fn parallel(programs: &[Vec<Step>], threads: usize, seed: u64) -> (Outcome, u64) {
    let (outcome, stats) = parallel_with(programs, threads, Options { adaptive: false, jitter_seed: Some(seed) });
    (outcome, stats.executions)
}

fn parallel_with(programs: &[Vec<Step>], threads: usize, options: Options) -> (Outcome, Stats) {
    let block = ParallelBlock::new(base_state(), programs.len(), options);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| block.participate(&mut Programs(programs)));
        }
    });
    let outputs = block.take_outputs().unwrap();
    let mut writes = Writes::new();
    let mut outs = Vec::new();
    for (out, w) in outputs {
        writes.extend(w);
        outs.push(out);
    }
    // The block's writes straight from the multi-version store are the outputs' taken in order.
    assert_eq!(block.take_writes(threads).unwrap(), writes, "the store's final writes differ from the outputs'");
    ((outs, writes), block.stats())
}

#[test]
fn random_blocks_equal_running_them_in_order() {
    let mut reran = 0;
    for seed in 0..300u64 {
        let mut rng = Rng(seed);
        let keys = 2 + rng.below(12) as u8;
        let programs: Vec<Vec<Step>> = (0..1 + rng.below(40)).map(|_| program(&mut rng, keys)).collect();
        let expected = sequential(&programs);
        for threads in [1, 2, 4, 8] {
            let (got, executions) = parallel(&programs, threads, seed * 31 + threads as u64);
            assert_eq!(got.0, expected.0, "seed {seed}, {threads} threads: outputs differ");
            assert_eq!(got.1, expected.1, "seed {seed}, {threads} threads: writes differ");
            reran += executions.saturating_sub(programs.len() as u64);
        }
    }
    // Conflicts happen and are resolved, or the test would prove nothing.
    assert!(reran > 100, "only {reran} re-executions over all blocks");
}

#[test]
fn a_throttled_block_equals_running_it_in_order() {
    // Blocks big enough for the throttle to measure (it halves the participants after a window
    // of mostly thrown-away runs, and lets more work again after a back-off), over few keys so
    // that it does, with pauses that move where the changes fall.
    let mut throttled = 0;
    for seed in 0..12u64 {
        let mut rng = Rng(1000 + seed);
        let keys = 2 + rng.below(3) as u8;
        let programs: Vec<Vec<Step>> = (0..300).map(|_| program(&mut rng, keys)).collect();
        let expected = sequential(&programs);
        for threads in [2, 4] {
            let options = Options { adaptive: true, jitter_seed: Some(seed * 7 + threads as u64) };
            let (got, stats) = parallel_with(&programs, threads, options);
            assert_eq!(got.0, expected.0, "seed {seed}, {threads} threads: outputs differ");
            assert_eq!(got.1, expected.1, "seed {seed}, {threads} threads: writes differ");
            throttled += stats.throttled;
        }
    }
    assert!(throttled > 0, "the throttle never lowered the participants on blocks over 2-4 keys");
}

/// Runs each program after a pause, as a contract takes time: every participant joins before the
/// block is over.
struct Slow<'a>(&'a [Vec<Step>]);

impl TxExecute for Slow<'_> {
    type Output = Result<Vec<u64>, String>;
    fn execute(&mut self, tx: TxIndex, view: Arc<dyn StateRead>) -> (Self::Output, Writes) {
        std::thread::sleep(std::time::Duration::from_micros(50));
        run(tx, &self.0[tx], view)
    }
}

fn slow_parallel(programs: &[Vec<Step>], threads: usize, options: Options) -> (Outcome, Stats) {
    let block = ParallelBlock::new(base_state(), programs.len(), options);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| block.participate(&mut Slow(programs)));
        }
    });
    let (mut outs, mut writes) = (Vec::new(), Writes::new());
    for (out, w) in block.take_outputs().unwrap() {
        writes.extend(w);
        outs.push(out);
    }
    ((outs, writes), block.stats())
}

#[test]
fn a_chain_of_dependent_transactions_is_throttled_and_an_independent_block_is_not() {
    // Each transaction reads key 0 and writes it: each depends on the one before.
    let chain: Vec<Vec<Step>> = (0..400).map(|_| vec![Step::Read(0), Step::Write(0)]).collect();
    let (got, stats) = slow_parallel(&chain, 4, Options::default());
    assert_eq!(got, sequential(&chain));
    assert!(stats.throttled > 0, "a fully dependent block kept every participant: {stats:?}");
    // Thrown-away runs stay a small share of the block once throttled: about 1.2 runs a
    // transaction (4 participants that all keep working run each three times or more).
    assert!(stats.executions < 400 * 7 / 4, "{stats:?}");

    // Each transaction reads and writes a key of its own: nothing is thrown away or throttled.
    let own: Vec<Vec<Step>> = (0..200).map(|i| vec![Step::Read(i as u8 + 3), Step::Write(i as u8 + 3)]).collect();
    let (got, stats) = slow_parallel(&own, 4, Options::default());
    assert_eq!(got, sequential(&own));
    assert_eq!((stats.throttled, stats.executions), (0, 200), "{stats:?}");
    assert!(stats.participants > 1, "{stats:?}");
}

#[test]
fn an_empty_block_is_done_at_once() {
    let block: ParallelBlock<()> = ParallelBlock::new(base_state(), 0, Options::default());
    block.wait().unwrap();
    assert!(block.take_outputs().unwrap().is_empty());
}

#[test]
fn a_chain_of_dependent_transactions_sees_each_write() {
    // Each transaction reads key 0 and writes it again: fully serial.
    let programs: Vec<Vec<Step>> = (0..50).map(|_| vec![Step::Read(0), Step::Write(0)]).collect();
    let expected = sequential(&programs);
    for threads in [2, 4] {
        let (got, _) = parallel(&programs, threads, 7);
        assert_eq!(got, expected);
    }
}

/// An executor that panics on one transaction.
struct Panics;

impl TxExecute for Panics {
    type Output = ();
    fn execute(&mut self, tx: TxIndex, _view: Arc<dyn StateRead>) -> ((), Writes) {
        assert!(tx != 3, "the executor fails on transaction 3");
        ((), Writes::new())
    }
}

#[test]
fn a_participant_that_panics_stops_the_block_with_an_error_not_a_hang() {
    let block: ParallelBlock<()> = ParallelBlock::new(base_state(), 8, Options::default());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| block.participate(&mut Panics)));
            });
        }
    });
    let err = block.take_outputs().unwrap_err();
    assert!(err.to_string().contains("panicked"), "{err}");
}

/// Transaction `i` of a big block: four keys of its own, a delete of one its predecessor wrote,
/// and every hundredth a write to one key they share.
struct Spread;

impl TxExecute for Spread {
    type Output = ();
    fn execute(&mut self, tx: TxIndex, view: Arc<dyn StateRead>) -> ((), Writes) {
        let mut state = TxState::new(view);
        for j in 0..4 {
            state.put(format!("big/{tx:05}/{j}").into_bytes(), format!("{tx}.{j}").into_bytes());
        }
        if tx > 0 {
            state.del(format!("big/{:05}/3", tx - 1).into_bytes());
        }
        if tx.is_multiple_of(100) {
            let seen = state.get(b"shared").unwrap().unwrap_or_default();
            state.put(b"shared".to_vec(), [seen, tx.to_string().into_bytes()].concat());
        }
        ((), state.into_writes())
    }
}

#[test]
fn a_big_block_s_writes_taken_on_several_threads_equal_its_outputs_in_order() {
    // 3,000 transactions, 12,000 and one keys: enough for the writes to be taken on three threads.
    let txs = 3_000;
    for threads in [1, 2, 3, 8] {
        let block = ParallelBlock::new(base_state(), txs, Options::default());
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| block.participate(&mut Spread));
            }
        });
        let mut expected = Writes::new();
        for ((), w) in block.take_outputs().unwrap() {
            expected.extend(w);
        }
        assert_eq!(expected.len(), 4 * txs + 1);
        assert_eq!(block.take_writes(threads).unwrap(), expected, "taken on {threads} threads");
    }
}
