//! Parallel block execution (Block-STM, `ExecMode::Parallel`) on blocks of token transfers through
//! the full path (VmManager, RocksDB, committed blocks), beside the same blocks run in order
//! (`ExecMode::Sequential`, one worker).
//!
//! One setup chain deploys the token and funds every sender (untimed); each measured run opens a
//! fresh copy of its RocksDB directory, runs one untimed warm-up block (every worker's engine and
//! code cache), then times the same blocks of transfers, so every run starts from the same state
//! and executes the same transactions. Three kinds of block:
//!
//! - `independent`: transfer `i` goes from `sender{i}` to `recv{i}`: no two touch the same account;
//! - `hot10`: every tenth transfer goes to the one account `hot` instead, the rest as above;
//! - `all_conflicting`: every transfer goes to `hot`, so each reads the balance the one before wrote.
//!
//! Every parallel run's blocks must give the sequential run's state roots, block hashes, receipts
//! and left-out transactions exactly; the bench fails otherwise.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use jsvm_state::RocksStore;
use jsvm_vm::{contract_json, Action, BlockOutcome, ExecMode, Status, Transaction, VmConfig, VmManager};
use serde_json::json;

use crate::token::{TOKEN_ABI, TOKEN_JS};

/// The three kinds of block, by their names in the output.
pub const KINDS: [&str; 3] = ["independent", "hot10", "all_conflicting"];

/// Transfers in the untimed warm-up block of each run (from senders of their own).
const WARM_UP: usize = 512;

/// Issues per funding transaction in the setup.
const ISSUES_PER_TX: usize = 64;

/// The parallel executor at one worker count.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ParallelPoint {
    /// `VmConfig::workers` (and `min_workers`).
    pub workers: usize,
    /// Whether the VM ran the timed blocks in parallel (with one worker it runs them in order).
    pub ran_parallel: bool,
    /// Most workers that took part in a timed block (`ExecStats::workers`).
    pub participants: usize,
    /// Transfers per second over the timed blocks, commit included.
    pub tps: f64,
    /// `tps` ÷ the sequential run's tps.
    pub speedup: f64,
    /// Runs beyond one a transaction: `(executions − txs) ÷ txs`.
    pub reexecutions_per_tx: f64,
    /// Validations of a run's reads, per transaction.
    pub validations_per_tx: f64,
    /// CPU seconds the process used during the timed blocks ÷ their wall-clock seconds (all
    /// threads; at most the cores it got), `None` where the system does not say (not Linux).
    pub cpu_per_wall: Option<f64>,
}

/// One kind of block: in order, then in parallel at each worker count.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ParallelKind {
    /// `independent`, `hot10` or `all_conflicting` ([`KINDS`]).
    pub kind: &'static str,
    /// Transfers a block.
    pub txs_per_block: usize,
    /// Timed blocks per run.
    pub blocks: usize,
    /// Transfers that touch the hot account, a block.
    pub hot_txs_per_block: usize,
    /// Transfers per second in order (`ExecMode::Sequential`, one worker), commit included.
    pub sequential_tps: f64,
    /// CPU ÷ wall-clock seconds of the in-order run's timed blocks ([`ParallelPoint::cpu_per_wall`]).
    pub sequential_cpu_per_wall: Option<f64>,
    /// The parallel executor at each worker count.
    pub parallel: Vec<ParallelPoint>,
}

impl ParallelKind {
    /// The speed-up at `workers`, where measured.
    pub fn speedup_at(&self, workers: usize) -> Option<f64> {
        self.parallel.iter().find(|p| p.workers == workers).map(|p| p.speedup)
    }
}

fn sender(i: usize) -> String {
    format!("sender{i}")
}

fn receiver(i: usize) -> String {
    format!("recv{i}")
}

fn warm_sender(i: usize) -> String {
    format!("warm{i}")
}

fn warm_receiver(i: usize) -> String {
    format!("warmrecv{i}")
}

/// A chain's VM over its own RocksDB directory.
struct Run {
    vm: VmManager,
    _dir: tempfile::TempDir,
}

fn open(data: &Path, config: VmConfig) -> Result<VmManager, String> {
    let store = RocksStore::open(data).map_err(|e| format!("cannot open {}: {e}", data.display()))?;
    VmManager::new(Arc::new(store), config).map_err(|e| e.to_string())
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst).map_err(|e| format!("cannot copy {}: {e}", src.display()))?;
        }
    }
    Ok(())
}

/// Commits `txs` as a block at `time`; every transaction must be in it and succeed.
fn commit(vm: &VmManager, txs: Vec<Transaction>, time: u64) -> Result<BlockOutcome, String> {
    let out = vm.execute_block(txs, time).map_err(|e| e.to_string())?;
    if let Some(left_out) = out.left_out.first() {
        return Err(format!("a benchmark transaction was left out of its block: {}", left_out.reason));
    }
    if let Some(failed) = out.receipts.iter().find(|r| r.status != Status::Success) {
        return Err(format!("a benchmark transaction failed: {}", failed.message));
    }
    Ok(out)
}

/// The setup every run starts from: the token deployed, `senders` senders, as many receivers,
/// the warm-up's senders and receivers and the hot account funded, in a RocksDB directory that
/// each run copies.
struct Setup {
    dir: tempfile::TempDir,
    token: String,
    /// The next free time: transactions and blocks after the setup's.
    time: u64,
}

impl Setup {
    fn new(senders: usize) -> Result<Setup, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let config = VmConfig { exec: ExecMode::Sequential, workers: 1, min_workers: 1, ..VmConfig::default() };
        let vm = open(&dir.path().join("data"), config)?;
        let mut time = 1_000;
        let mut tick = || {
            time += 1;
            time
        };
        let abi: serde_json::Value = serde_json::from_str(TOKEN_ABI).map_err(|e| e.to_string())?;
        let deploy = Transaction::new("admin", vec![Action::set_code(contract_json(TOKEN_JS, &abi, None))]);
        let deployed = commit(&vm, vec![deploy.with_time(tick())], tick())?;
        let token = deployed.receipts[0].returns.first().cloned().unwrap_or_default();
        // Receivers hold a balance already, as senders do: a transfer to an account the token's
        // map has no field for yet adds one, which writes the map's length and order (one key
        // for the whole map, so such transfers all conflict).
        let accounts: Vec<String> = (0..senders)
            .flat_map(|i| [sender(i), receiver(i)])
            .chain((0..WARM_UP).flat_map(|i| [warm_sender(i), warm_receiver(i)]))
            .chain(["hot".to_string()])
            .collect();
        let issues: Vec<Action> = accounts
            .iter()
            .map(|a| Action::new(token.clone(), "issue", json!([a, "1000000000"]).to_string()))
            .collect();
        for block in issues.chunks(ISSUES_PER_TX * 64) {
            let txs =
                block.chunks(ISSUES_PER_TX).map(|a| Transaction::new("admin", a.to_vec()).with_time(tick())).collect();
            commit(&vm, txs, tick())?;
        }
        drop(vm);
        Ok(Setup { dir, token, time })
    }

    /// A fresh chain from the setup, with `config`.
    fn open(&self, config: VmConfig) -> Result<Run, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        copy_dir(&self.dir.path().join("data"), &dir.path().join("data"))?;
        Ok(Run { vm: open(&dir.path().join("data"), config)?, _dir: dir })
    }

    fn transfer(&self, from: String, to: String, time: u64) -> Transaction {
        let data = json!([from, to, "1", ""]).to_string();
        Transaction::new(from, vec![Action::new(self.token.clone(), "transfer", data)]).with_time(time)
    }
}

/// The blocks one kind's runs execute, each with its time: the warm-up, then the timed ones.
struct Blocks {
    warm_up: (Vec<Transaction>, u64),
    timed: Vec<(Vec<Transaction>, u64)>,
    hot_per_block: usize,
}

fn blocks(setup: &Setup, kind: &str, per_block: usize, rounds: usize) -> Blocks {
    let mut time = setup.time;
    let mut tick = || {
        time += 1;
        time
    };
    let warm_txs = (0..WARM_UP).map(|i| setup.transfer(warm_sender(i), warm_receiver(i), tick())).collect();
    let warm_up = (warm_txs, tick());
    let hot = |i: usize| match kind {
        "independent" => false,
        "hot10" => i.is_multiple_of(10),
        _ => true,
    };
    let timed = (0..rounds)
        .map(|_| {
            let txs = (0..per_block)
                .map(|i| {
                    let to = if hot(i) { "hot".to_string() } else { receiver(i) };
                    setup.transfer(sender(i), to, tick())
                })
                .collect();
            (txs, tick())
        })
        .collect();
    Blocks { warm_up, timed, hot_per_block: (0..per_block).filter(|&i| hot(i)).count() }
}

/// What a run's timed blocks gave.
struct Measured {
    seconds: f64,
    cpu_seconds: Option<f64>,
    outcomes: Vec<BlockOutcome>,
}

impl Measured {
    fn cpu_per_wall(&self) -> Option<f64> {
        self.cpu_seconds.map(|c| c / self.seconds.max(1e-9))
    }
}

/// CPU seconds this process has used, all threads (Linux's /proc/self/stat, in clock ticks of
/// 10 ms), `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // After the command's name in parentheses: state is field 3, utime 14, stime 15.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    Some((ticks(11)? + ticks(12)?) / 100.0)
}

fn measure_run(setup: &Setup, config: VmConfig, blocks: &Blocks) -> Result<Measured, String> {
    let run = setup.open(config)?;
    let (warm_txs, warm_time) = blocks.warm_up.clone();
    commit(&run.vm, warm_txs, warm_time)?;
    let mut seconds = 0.0;
    let mut cpu = Some(0.0);
    let mut outcomes = Vec::new();
    for (txs, time) in &blocks.timed {
        let txs = txs.clone();
        let (t, cpu_before) = (Instant::now(), cpu_seconds());
        let out = commit(&run.vm, txs, *time)?;
        seconds += t.elapsed().as_secs_f64();
        cpu = cpu.zip(cpu_before.zip(cpu_seconds())).map(|(sum, (before, after))| sum + after - before);
        outcomes.push(out);
    }
    Ok(Measured { seconds, cpu_seconds: cpu, outcomes })
}

/// The first difference between a parallel run's blocks and the sequential run's, if any.
fn difference(sequential: &[BlockOutcome], parallel: &[BlockOutcome]) -> Option<String> {
    for (b, (s, p)) in sequential.iter().zip(parallel).enumerate() {
        if s.state_root != p.state_root {
            return Some(format!("timed block {b}: state root differs"));
        }
        if s.block_hash != p.block_hash {
            return Some(format!("timed block {b}: block hash differs"));
        }
        if s.left_out.len() != p.left_out.len() {
            return Some(format!(
                "timed block {b}: {} left out in order, {} in parallel",
                s.left_out.len(),
                p.left_out.len()
            ));
        }
        if s.receipts.len() != p.receipts.len() {
            return Some(format!(
                "timed block {b}: {} receipts in order, {} in parallel",
                s.receipts.len(),
                p.receipts.len()
            ));
        }
        if let Some(i) = s.receipts.iter().zip(&p.receipts).position(|(a, b)| a != b) {
            return Some(format!(
                "timed block {b}: receipt {i} differs:\n  in order: {:?}\n  parallel: {:?}",
                s.receipts[i], p.receipts[i]
            ));
        }
    }
    (sequential.len() != parallel.len()).then(|| "a different number of timed blocks".to_string())
}

/// Each of `kinds` ([`KINDS`]) of block of `per_block` transfers, `rounds` timed blocks a run:
/// in order, then in parallel with each of `workers`. `step` is called before each run.
pub fn measure(
    kinds: &[&str],
    per_block: usize,
    rounds: usize,
    workers: &[usize],
    mut step: impl FnMut(&str),
) -> Result<Vec<ParallelKind>, String> {
    let kinds: Vec<&'static str> = kinds
        .iter()
        .map(|k| KINDS.into_iter().find(|known| known == k).ok_or_else(|| format!("no kind of block {k:?}: {KINDS:?}")))
        .collect::<Result<_, _>>()?;
    let setup = Setup::new(per_block)?;
    let mut measured = Vec::new();
    for kind in kinds {
        let blocks = blocks(&setup, kind, per_block, rounds);
        let txs = (per_block * rounds) as f64;
        step(&format!("{kind}, in order"));
        let sequential = VmConfig { exec: ExecMode::Sequential, workers: 1, min_workers: 1, ..VmConfig::default() };
        let seq = measure_run(&setup, sequential, &blocks)?;
        if let Some(o) = seq.outcomes.iter().find(|o| o.exec.parallel) {
            return Err(format!("{kind}: ExecMode::Sequential ran a block in parallel ({:?})", o.exec));
        }
        let sequential_tps = txs / seq.seconds.max(1e-9);
        let mut parallel = Vec::new();
        for &n in workers {
            step(&format!("{kind}, parallel, {n} workers"));
            let config = VmConfig { exec: ExecMode::Parallel, workers: n, min_workers: n, ..VmConfig::default() };
            let par = measure_run(&setup, config, &blocks)?;
            if let Some(why) = difference(&seq.outcomes, &par.outcomes) {
                return Err(format!("PARALLEL EXECUTION DIFFERS FROM SEQUENTIAL: {kind} block at {n} workers: {why}"));
            }
            let tps = txs / par.seconds.max(1e-9);
            let executions: u64 = par.outcomes.iter().map(|o| o.exec.executions).sum();
            let validations: u64 = par.outcomes.iter().map(|o| o.exec.validations).sum();
            parallel.push(ParallelPoint {
                workers: n,
                ran_parallel: par.outcomes.iter().all(|o| o.exec.parallel),
                participants: par.outcomes.iter().map(|o| o.exec.workers).max().unwrap_or(0),
                tps,
                speedup: tps / sequential_tps,
                reexecutions_per_tx: (executions as f64 - txs) / txs,
                validations_per_tx: validations as f64 / txs,
                cpu_per_wall: par.cpu_per_wall(),
            });
        }
        measured.push(ParallelKind {
            kind,
            txs_per_block: per_block,
            blocks: rounds,
            hot_txs_per_block: blocks.hot_per_block,
            sequential_tps,
            sequential_cpu_per_wall: seq.cpu_per_wall(),
            parallel,
        });
    }
    Ok(measured)
}

/// The printed table.
pub fn table(kinds: &[ParallelKind]) -> String {
    let cpu = |c: Option<f64>| c.map_or("-".to_string(), |c| format!("{c:.2}"));
    let mut t = format!(
        "{:<32} {:>8} {:>10} {:>8} {:>10} {:>10} {:>8}\n",
        "parallel blocks (transfers)", "workers", "tx/s", "speedup", "re-exec/tx", "valid./tx", "cpu/wall"
    );
    for k in kinds {
        let label = format!("{} ({}/{} hot)", k.kind, k.hot_txs_per_block, k.txs_per_block);
        t.push_str(&format!(
            "{label:<32} {:>8} {:>10.0} {:>8.2} {:>10} {:>10} {:>8}\n",
            "in order",
            k.sequential_tps,
            1.0,
            "-",
            "-",
            cpu(k.sequential_cpu_per_wall)
        ));
        for p in &k.parallel {
            let workers = if p.ran_parallel { p.workers.to_string() } else { format!("{}*", p.workers) };
            t.push_str(&format!(
                "{:<32} {workers:>8} {:>10.0} {:>8.2} {:>10.3} {:>10.3} {:>8}\n",
                "",
                p.tps,
                p.speedup,
                p.reexecutions_per_tx,
                p.validations_per_tx,
                cpu(p.cpu_per_wall)
            ));
        }
    }
    t.push_str("(* ran in order: with one worker the parallel executor falls back to the sequential one)\n");
    t.push_str("(cpu/wall: CPU seconds of the whole process during the timed blocks ÷ their wall-clock seconds)\n");
    t.push_str("(every parallel run's state roots, block hashes and receipts equal the in-order run's: checked)\n");
    t
}
